"""The shortcuts of session 5's numbers helper, each checked against the plain code it replaces.

Texts are written for these tests in other provinces' wording (Đắk Lắk, Cà Mau, Lào Cai …),
plus random strings of the characters the rules turn on, so that a shortcut that drops or
adds a match shows up here and not only on the corpus.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

from cds_analysis.lang import periods, segments
from cds_analysis.lang.passes import OnePass
from cds_analysis.reference import table_headers
from cds_analysis.rules import boilerplate, quantities

_TEXTS = [
    "Sở TT&TT tỉnh Đắk Lắk (ĐT: (0262) 3.852.xxx, hotline 1900 1234) ngày 12/3/2024 báo cáo: 1.458/1.604 hồ sơ.",
    "Cà Mau: 12:30 ngày 2024-01-05, từ 28/7 - 30/7, 5/9 huyện, 43/2011/NĐ-CP, 3 tháng, 15 tuổi, 100%/năm.",
    "Lào Cai có 0123456 và 1234567 lượt xem; 25 bình luận; 4G phủ 98,5% thôn bản; 1 cửa; “3 không”.",
    "Huyện Bảo Yên đạt 92 thuê bao/100 dân, 12.5.2023, 5-6-2023, 7 . 8 . 2024, 2023-2025, 2.000 tỷ đồng.",
    "x12/3/2024 5012/3/4/2024 12abc 0912 345 678 +84 912 345 678 A-12 số 35 12,5/100 ,,5 1,,5 -5%",
    "Điện Biên: tổ 5 người, thôn 6 có, khu phố 3 Phường 2, Quyết định số 1234/QĐ-UBND, mức độ 3, 4.0, covid-19.",
    "",
]
_PIECES = ["1", "12", "2024", "123456", "0", "/", "-", ":", ".", ",", " ", "(", ")", "+84", "“", '"', "%"]
_PIECES += ["ngày", "tháng", "năm", " tuổi", "ND-CP", "abc", "\n", " lượt xem", " cửa", "km", "x"]


def _texts() -> list[str]:
    rng = random.Random(5)
    return _TEXTS + ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(600)]


def _rule_by_rule(text: str) -> Iterator[tuple[str, int, int]]:
    """The exclusion matches as they were found before the one pass: one scan per rule, gates first."""
    low = quantities._lower(text)
    near = quantities._NearDigits(text)
    condensed = {False: near.condense(low), True: near.condense(text)}
    for r in quantities.EXCLUSION_RULES:
        source = (text if r.cased else low) if r.whole_text else condensed[r.cased]
        if r.gates and not any(g in (low if r.whole_text else condensed[False]) for g in r.gates):
            continue
        for m in r.pattern.finditer(source):
            start, end = m.span() if r.whole_text else near.to_text(*m.span())
            if quantities._left_ok(text, start, r.left) and (r.accept is None or r.accept(text, start, end, m)):
                yield r.name, start, end


def test_the_one_pass_finds_what_each_rule_found_alone():
    one, rules = quantities._ONE_PASS, quantities._ONE_PASS_RULES
    assert len(rules) >= 10 and not any(r.cased or r.whole_text for r in rules)
    for text in _texts():
        low = quantities._lower(text)
        condensed = quantities._NearDigits(text).condense(low)
        for r, spans in zip(rules, one.spans(condensed), strict=True):
            assert spans == [m.span() for m in r.pattern.finditer(condensed)], (r.name, text)
        assert list(quantities._exclusion_matches(text)) == list(_rule_by_rule(text)), text


def test_the_one_pass_keeps_a_rules_leftmost_matches_when_they_overlap():
    # 'leading_zero_code' matches at '00123' and at '0123' inside it: the rule alone takes the first only
    text = "mã 00123 và 0456"
    condensed = quantities._NearDigits(text).condense(text)
    codes = [r.name for r in quantities._ONE_PASS_RULES].index("leading_zero_code")
    assert quantities._ONE_PASS.spans(condensed)[codes] == [(3, 8), (12, 16)]


def test_the_date_rule_needs_the_same_separator_twice():
    date_dmy = next(r for r in quantities.EXCLUSION_RULES if r.name == "date_dmy")
    with_back_reference = re.compile(r"\d\d?\s?([/.-])\s?\d{1,2}\s?\1\s?\d{2,4}(?!\d)", re.MULTILINE)
    for text in _texts() + ["12/3.2024 12.3/2024 12 - 3 - 2024 1/2/3/4/2024 12/03/24"]:
        assert [m.span() for m in date_dmy.pattern.finditer(text)] == [
            m.span() for m in with_back_reference.finditer(text)
        ], text


def test_digit_led_rules_start_with_the_lead():
    lead = re.compile(quantities._DIGIT_LED)
    for text in _texts():
        low = quantities._lower(text)
        for r in quantities._ONE_PASS_RULES:
            for m in r.pattern.finditer(low):
                assert lead.match(low, m.start()), (r.name, text)


def test_a_sentence_without_a_semicolon_is_one_clause_as_the_split_gave():
    rng = random.Random(8)
    texts = _TEXTS + ["Tỉnh Sơn La: 95% hồ sơ; 80% xã.  ;  Kết quả ; \nHuyện Mộc Châu đạt 3 chỉ tiêu. Xong;"]
    texts += [
        "".join(rng.choice([";", " ", ". ", "A", "b", "1", "\n", ";;", "  "]) for _ in range(30)) for _ in range(300)
    ]
    for text in texts:
        for paragraph in segments.split_paragraphs(text):
            for sentence in paragraph.sentences:
                split = segments._split(text, sentence.start, sentence.end, segments._CLAUSE_END)
                plain = tuple(segments.Span(s, e) for s, e in split) or (segments.Span(sentence.start, sentence.end),)
                assert sentence.clauses == plain, text


_PERIOD_TEXTS = [
    "Tính đến thời điểm hiện tại, tỉnh Gia Lai có 6 tháng đầu năm 2024, 9 tháng năm nay; giai đoạn 2021 - 2025.",
    "Từ 1.4 đến 15.5, đến nay, tới nay, hiện có 12 xã; thực hiện tại chỗ, đến 2030, tới 2025. Hiện, 2021–2023",
    "đến thời điểm này hiện nay tới thời điểm hiện nay hiện, hiện 3/4 20/6 2020-2021 năm 2022 - năm 2024 12 tháng cuối năm",
]
_PERIOD_PIECES = ["đến", "tới", " ", "  ", "nay", "thời điểm", "hiện", " tại", " có", ",", "2024", "2021", "-", "–"]
_PERIOD_PIECES += ["/", ".", "6", "12", "3", " tháng", " đầu", " cuối", " năm", "\n", "x", "thực"]


def _period_texts() -> list[str]:
    rng = random.Random(6)
    return _PERIOD_TEXTS + [
        "".join(rng.choice(_PERIOD_PIECES) for _ in range(rng.randint(0, 30))).replace("\\n", "\n") for _ in range(800)
    ]


def test_period_phrases_opening_on_several_words_read_as_their_alternation():
    alternations = {
        "now": r"(?:đến|tới)\s+(?:nay|thời điểm (?:này|hiện tại|hiện nay))(?!\w)|hiện(?: nay| tại| có|(?=[ ,]))",
        "bare_year": rf"(?:đến|tới) (?P<y>{periods._YEAR})(?![\d/.,%-])",
    }
    for name, written in alternations.items():
        pattern = periods._P[name]
        assert isinstance(pattern, tuple)
        for text in _period_texts():
            low = text.lower()
            assert [m.span() for m in periods._alternation(low, pattern)] == [
                m.span() for m in re.finditer(written, low)
            ], (name, text)


def test_digit_led_period_patterns_in_one_pass_match_as_alone():
    patterns = [periods._P[name] for name in periods._DIGIT_LED]
    assert len(patterns) == len(periods._ONE_PASS.patterns)
    for text in _period_texts():
        low = text.lower()
        for pattern, found in zip(patterns, periods._ONE_PASS.matches(low), strict=True):
            assert isinstance(pattern, re.Pattern)
            assert [(m.span(), m.groupdict()) for m in found] == [
                (m.span(), m.groupdict()) for m in pattern.finditer(low)
            ], text


def test_one_pass_patterns_may_share_group_names():
    one = OnePass([re.compile(r"(?P<n>\d+)x"), re.compile(r"(?P<n>\d)\d-")], r"\d")
    assert one.spans("a12x 3 45- 7x") == [[(1, 4), (11, 13)], [(7, 10)]]
    assert [[m.group("n") for m in found] for found in one.matches("a12x 3 45- 7x")] == [["12", "7"], ["4"]]


def test_a_long_text_folds_through_the_table_as_the_string_methods_fold_it():
    rng = random.Random(9)
    odd = "İΣΑΣ ς ǅ ﬁ ß ẞ Ⅻ ½ ² ١٢ ０ ̀́ \u00a0\u2028\t\r\n\x0b\x1c…“”–— 📈 中文 Hòa Bình ĐỨC PHỔ đường dây nóng: 0912"
    alphabet = odd + "Sở Thông tin và Truyền thông tỉnh Quảng Trị, HUYỆN HƯỚNG HÓA; 95,5% (Ảnh: T.H)"
    texts = [odd * 5, alphabet * 3, "a" * 200, "\n" * 130, "Ǆ" * 129]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(120, 400))) for _ in range(300)]
    texts += ["".join(chr(rng.randrange(0x3000)) for _ in range(200)) for _ in range(50)]
    for text in texts:
        assert boilerplate._folded(text) == boilerplate._folded_as_written(text), text
    assert any(len(boilerplate._folded_as_written(ch)) > 1 for ch in odd)  # the texts try the fallback too


def test_names_role_says_what_role_of_says():
    headers = ["Chỉ tiêu", "CHỈ TIÊU:", "Nội dung (*)", "Kế hoạch năm 2025", "Thực hiện quý III/2024", "Tỷ lệ đạt (%)"]
    headers += ["STT", "Ghi chú", "Đơn vị tính", "Tên chỉ tiêu", "Chỉ tiêu năm 2024", "Kết quả", "Giá trị", ""]
    lines = ["Huyện Mường Tè đạt 95% chỉ tiêu", "Chỉ tiêu (ĐVT)", "chi tieu", "Kế hoạch", "Kế hoạch 2025 (%)"]
    texts = headers + lines + [h + " " + w for h in headers for w in ("2024", "(x)", "năm 2026", "của tỉnh")]
    roles = ["indicator", "value", "target", "ratio", "note", "row_number", "unit"]
    for text in texts:
        for role in roles:
            assert table_headers.names_role(text, role) == (table_headers.role_of(text) == role), (text, role)
    assert any(table_headers.names_role(text, "indicator") for text in texts)


def test_a_rules_gates_searched_as_one_pattern_are_found_as_each_was():
    texts = _texts() + [
        "ảnh.jpg",
        "bao.png và .pdf",
        "số hiệu: 12",
        "số : 5",
        "sốhiệu",
        "xls.doc",
        ".",
        "ngày 5 tháng 6",
    ]
    assert "file_name" in quantities._ONE_GATE
    for text in texts:
        low = quantities._lower(text)
        for r in quantities.EXCLUSION_RULES:
            assert quantities._has_gate(r, low) == any(g in low for g in r.gates), (r.name, text)


def test_nouns_and_qualifiers_as_tries_match_as_their_alternations_sorted_longest_first():
    def alternation(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    cases = [
        (quantities._NOUN_ALT, alternation(quantities._UNIT_NOUNS), r"\s+(?:(?:số|các|những)\s+)?(?P<w>{})(?!\w)"),
        (quantities._NOUN_ALT, alternation(quantities._UNIT_NOUNS), r"\s+(?P<w>{})(?:\s+(?P<next>\S))?"),
        (quantities._QUAL_ALT, alternation(quantities._QUALIFIER_WORDS), r"(?<!\w)(?P<w>{})\s+(?:(?:cho|là|đạt)\s+)?$"),
    ]
    words = [*quantities._UNIT_NOUNS, *quantities._QUALIFIER_WORDS, "hộ gia", "thủ tục hành", "không vượt", "x"]
    rng = random.Random(10)
    texts = [
        " " + " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) + rng.choice(["", " ", "a", " 5"])
        for _ in range(1500)
    ]
    for trie, written, around in cases:
        as_trie, as_written = (re.compile(around.format(p), re.IGNORECASE) for p in (trie, written))
        for text in texts + [t.upper() for t in texts[:200]]:
            for start in range(len(text)):
                a, b = as_trie.match(text, start), as_written.match(text, start)
                assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), (text, start)
