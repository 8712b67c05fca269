"""The fast paths of the extractor answer as the slower code they replace.

Each shortcut is checked against the scan it stands for on texts written for these
tests, at every place where the two could disagree; the per-document frame against
Arrow's conversion.
"""

import random
import re
import unicodedata

import pandas as pd
import pyarrow as pa
import pytest

from cds_analysis.lang import segments
from cds_analysis.lang import text as text_module
from cds_analysis.lang.text import NormalizedText
from cds_analysis.reference.indicators import phrase_key
from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import evidence, extract, goals, naming, quantities


def _unwrap_char_by_char(text: str) -> str:
    """The former ``unwrap``: every newline inside a paragraph replaced, one character at a time."""
    chars = list(text)
    for p in segments.split_paragraphs(text):
        for i in range(p.start, p.end):
            if chars[i] == "\n":
                chars[i] = " "
    return "".join(chars)


@pytest.mark.parametrize(
    "text",
    [
        "tỷ lệ hồ sơ công việc tại cấp\nxã được xử lý trên môi trường mạng\nđạt 95%.\n\nNăm 2024:\n- 100% xã",
        "Dòng một\n  \n   tiếp tục viết thường\ncòn đây\n",
        "\n\n",
        "",
        "không kết thúc\n\nkhông nối",
    ],
)
def test_unwrap_joins_the_same_lines_as_before(text):
    assert segments.unwrap(text) == _unwrap_char_by_char(text)


def test_find_triggers_from_its_cache_is_a_fresh_list_each_time():
    first = naming.find_triggers("tỷ lệ hồ sơ trực tuyến toàn trình", unit="percent")
    first.clear()
    assert naming.find_triggers("tỷ lệ hồ sơ trực tuyến toàn trình", unit="percent")


def test_place_units_in_one_pattern_match_as_one_pattern_per_noun():
    table = load_vocabulary("counted_nouns")
    nouns = [phrase_key(n) for n in table.loc[table["role"] == "place_unit", "noun"]]
    for words in ["xã đạt chuẩn", "xãhội", "huyện", "thị xã", "thị", "địa phương", "các xã", "tổ chức", ""]:
        key = naming._DETERMINER.sub("", phrase_key(words))
        one_per_noun = any(re.match(rf"{re.escape(n)}(?!\w)", key) for n in nouns)
        assert naming._is_place_unit(words) == one_per_noun, words


_REPORT = (
    "Năm 2024, huyện Tư Nghĩa có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%. "
    "Tỷ lệ thanh toán trực tuyến đạt 45%; 15 xã đã ra mắt Tổ công nghệ số cộng đồng."
)


def test_the_frame_of_a_report_is_the_one_arrow_converts():
    found = extract._extract(_REPORT, None, "x.txt", "doc", ())
    assert not isinstance(found, pd.DataFrame) and found[0]
    pd.testing.assert_frame_equal(extract._frame(*found), extract._arrow_frame(*found), check_exact=True)
    pd.testing.assert_frame_equal(extract._frame([], []), extract._arrow_frame([], []), check_exact=True)


@pytest.mark.parametrize("column, value", [("evidence", 5), ("value", "năm"), ("char_start", "0")])
def test_the_frame_refuses_a_value_outside_the_schema(column, value):
    rows, placed = extract._extract(_REPORT, None, "x.txt", "doc", ())
    rows = [{**rows[0], column: value}]
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        extract._frame(rows, placed[:1])


def test_goal_words_hold_no_digit_and_end_on_a_letter():
    """What lets ``is_target`` find a sentence's goal words once for all its numbers."""
    for phrase in load_vocabulary("goal_cues")["phrase"]:
        assert not re.search(r"\d", phrase) and phrase[-1].isalpha(), phrase


@pytest.mark.parametrize(
    "sentence",
    [
        "Kế hoạch đặt ra mục tiêu 95% hồ sơ, đã ban hành kế hoạch 12 xã và phấn đấu đạt 100% vào năm 2025.",
        "Dự kiến (sẽ) 30 xã; yêu cầu các xã đạt 80%, đã đạt 70%, phải đạt 90% mỗi thành viên 2 tài khoản.",
    ],
)
def test_goal_words_of_the_sentence_are_those_before_each_number(sentence):
    numbers = [m.start() for m in re.finditer(r"(?<!\w)\d", sentence)]
    assert numbers
    for n in numbers:
        before = sentence[:n]
        direct = goals._goal_cues(before)
        whole = tuple(c for c in goals._goal_cues(sentence) if c[1] <= len(before))
        assert whole == direct, before


@pytest.mark.parametrize("field, unit", [("counts", "count"), ("counts", None), ("triggers", "percent")])
def test_the_matches_at_one_start_are_those_the_scan_finds_there(field, unit):
    matcher = naming._matcher(unit, field)
    for text in ["hộ, cá nhân kinh doanh đăng ký", "  thủ tục hành chính mức độ 4", "tỷ lệ hồ sơ trực tuyến", "xã"]:
        folded = naming.fold(text)
        for pos in range(len(folded) + 1):
            assert matcher.at(folded, pos) == [m for m in matcher.scan(folded) if m.start == pos], (text, pos)


def _near_digit_spans_one_run_at_a_time(text: str) -> list[tuple[int, int]]:
    """The former ``_NearDigits`` stretches: each digit run with its margins, merged where they touch."""
    spans: list[list[int]] = []
    for m in re.finditer(r"\d+", text):
        s, e = max(0, m.start() - quantities._MARGIN), min(len(text), m.end() + quantities._MARGIN)
        if spans and s <= spans[-1][1]:
            spans[-1][1] = e
        else:
            spans.append([s, e])
    return [(s, e) for s, e in spans]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "không có số",
        "1",
        "a" * 100 + "12" + "b" * 80 + "3" + "c" * 81 + "45\n" + "d" * 79 + "6789" + "e" * 5,
        "x" * 30 + "1 2 3" + "y" * 200 + "2024" + "z" * 39,
        "Năm 2024, 1.458/1.604 hồ sơ (90,8%);\n\n" + "-" * 85 + "\n7 xã",
    ],
)
def test_near_digit_stretches_are_the_merged_margins_of_each_digit_run(text):
    assert quantities._NearDigits(text).spans == _near_digit_spans_one_run_at_a_time(text)


def test_near_digit_stretches_on_random_gaps():
    rng = random.Random(15)
    for _ in range(200):
        text = "".join(rng.choice(["7", "x" * rng.randint(0, 120), " ", "\n"]) for _ in range(rng.randint(0, 30)))
        assert quantities._NearDigits(text).spans == _near_digit_spans_one_run_at_a_time(text), text


def test_every_unicode_space_becomes_a_plain_space_and_only_those():
    spaces = "".join(
        chr(i) for i in range(0x3001) if chr(i) not in " \n\r\t" and (chr(i).isspace() or chr(i) == "\u00a0")
    )
    assert NormalizedText.of(f"a{spaces}b\n\r\tc").text == "a" + " " * len(spaces) + "b\n\r\tc"


_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_CLUSTER = re.compile(f"[^{_MARKS}][{_MARKS}]*|[{_MARKS}]+", re.S)  # the former cluster scan, one match per cluster


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "\u0301\u0323",
        "\u0301a\u0301",
        unicodedata.normalize("NFD", "Tỷ lệ hồ sơ trực tuyến đạt 95%, Hoà Bình, Thuỷ"),
        "e\u1ab0\u1dc0x\u20d0\ufe20\ufe2f\u036f\n\u0300",
        "x\u02ff\u0370\u1aaf\u1b00\u1dbf\u1e00\u20cf\u2100\ufe1f\ufe30",
        "\ud800\u0301z",
    ],
)
def test_cluster_starts_read_in_bulk_are_where_the_cluster_scan_starts(text):
    assert text_module._cluster_starts(text) == [m.start() for m in _CLUSTER.finditer(text)]


def test_a_decomposed_text_maps_each_character_to_its_cluster():
    original = unicodedata.normalize("NFD", "Huyện Hoằng Hoá đạt 100% hồ sơ")
    nt = NormalizedText.of(original)
    spans = [m.span() for m in _CLUSTER.finditer(original)]
    assert nt.text == "Huyện Hoằng Hóa đạt 100% hồ sơ"
    assert [nt.to_original(i, i + 1) for i in range(len(nt.text))] == spans


_OLD_STYLE_ONE_PER_GLIDE = re.compile(r"(?<![qQ])(?:([oO])([áàảãạéèẻẽẹÁÀẢÃẠÉÈẺẼẸ])|([uU])([ýỳỷỹỵÝỲỶỸỴ]))(?!\w)")


@pytest.mark.parametrize(
    "text",
    ["Hoà Bình, Thuỷ Nguyên, KHOẺ, xoá.", "quý, Quá, QUÝ, qoá", "hoáx uỷban", "oà uỳ Oẹ Uỵ", "toà, hoà-bình", "o", ""],
)
def test_old_style_tones_are_found_where_the_former_pattern_found_them(text):
    assert [m.span() for m in text_module._OLD_STYLE_NFC.finditer(text)] == [
        m.span() for m in _OLD_STYLE_ONE_PER_GLIDE.finditer(text)
    ]


def _tail_start_one_character_at_a_time(text: str) -> int:
    i, seen = len(text), 0
    while i > 0 and seen < evidence._END_WORDS:
        i -= 1
        seen += not text[i].isspace()
    return i


def test_the_tail_searched_holds_the_last_end_words_characters():
    rng = random.Random(64)
    anything = re.compile(r"\S\s*$")
    for _ in range(300):
        text = "".join(rng.choice(["x", "ộ", " ", "\n", "\u00a0", "  \t"]) for _ in range(rng.randint(0, 200)))
        expected = anything.search(text, _tail_start_one_character_at_a_time(text)) if len(text) > 64 else None
        found = evidence._ends_with(anything, text)
        if expected is not None:
            assert found is not None and found.span() == expected.span(), repr(text)
        tail = evidence._TAIL_REVERSED.match(text[::-1])
        assert (len(text) - tail.end() if tail else 0) == _tail_start_one_character_at_a_time(text), repr(text)


_NUMBER_TEXTS = [
    "Năm 2024, 1.458/1.604 hồ sơ (90,8%); -5% và 60-80%; 1,,5 và 1..5; a12 x-3 (-4) :-7",
    "-12 đầu dòng\n-13 dòng hai, 2.000.000 đồng, ٣٤ chữ số khác, ５ toàn độ rộng",
    "7",
    "",
    "..1,2,,3.4.5-6 – 7—8",
]
_TOKEN_FROM_ITS_LEFT = re.compile(r"(?<![\w])(?<![\d.,][.,])(?<![\s(:]-)(?<!^-)\d+(?:[.,]\d+)*")  # the former token


@pytest.mark.parametrize("text", _NUMBER_TEXTS)
def test_number_tokens_are_those_the_look_behind_first_pattern_found(text):
    assert [m.span() for m in quantities._TOKEN.finditer(text)] == [
        m.span() for m in _TOKEN_FROM_ITS_LEFT.finditer(text)
    ]


def test_number_tokens_on_random_texts():
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("0123456789.,-– (:a\n") for _ in range(rng.randint(0, 40)))
        assert [m.span() for m in quantities._TOKEN.finditer(text)] == [
            m.span() for m in _TOKEN_FROM_ITS_LEFT.finditer(text)
        ], text


_SENTENCE_END_FROM_ITS_LEFT = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”’)]))\s+(?=[\"“‘(]?(\w))")  # the former end


def test_sentence_ends_are_those_the_look_behind_first_pattern_found():
    rng = random.Random(11)
    texts = ["Đạt 95%. Năm 2024 (x). “Tỷ lệ” đạt! 3 xã… Hết.\n\nTX. Đức Phổ?  (a) b.) C"]
    texts += ["".join(rng.choice([".", "!", '"', "”", ")", " ", "\n", "a", "B", "1", "(", "“"]) for _ in range(30))]
    texts += [
        "".join(rng.choice([".", "…", "’", " ", "  ", "\t", "x", "(", "‘"]) for _ in range(rng.randint(0, 30)))
        for _ in range(300)
    ]
    for text in texts:
        assert [(m.span("gap"), m.group("next")) for m in segments._SENTENCE_END.finditer(text)] == [
            (m.span(), m.group(1)) for m in _SENTENCE_END_FROM_ITS_LEFT.finditer(text)
        ], text


def _opening_as_a_repeat(pattern: str) -> str:
    """A rule's pattern with its opening digit written as the repeat it stands for ('\\d\\d?' → '\\d{1,2}')."""
    return re.sub(r"^(\(?)\\d\\d(\?|\*|\{(\d+)(,?)\})", _as_repeat, pattern)


def _as_repeat(m: re.Match) -> str:
    if m.group(2) == "?":
        return m.group(1) + r"\d{1,2}"
    if m.group(2) == "*":
        return m.group(1) + r"\d+"
    return m.group(1) + rf"\d{{{int(m.group(3)) + 1}{m.group(4)}}}"


def test_rules_opening_on_one_digit_match_as_their_repeat_did():
    rng = random.Random(40)
    pieces = ["1", "12", "2024", "123456", "/", "-", ":", ".", ",", " ", "ngày", "tháng", " tuổi", "ND-CP", "abc", "\n"]
    texts = ["12:30 ngày 2024-01-05, 28/7/2024, 5/9 - 6/9, 1234567, 3 tháng, 43/2011/NĐ-CP, 12abc, 15 tuổi"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 25))) for _ in range(300)]
    rewritten = [r for r in quantities.EXCLUSION_RULES if _opening_as_a_repeat(r.pattern.pattern) != r.pattern.pattern]
    assert len(rewritten) >= 5  # those that read a run of digits to its end open on its first: test_digit_runs.py
    for r in rewritten:
        former = re.compile(_opening_as_a_repeat(r.pattern.pattern), re.MULTILINE)
        for text in texts:
            source = text if r.cased else text.lower()
            assert [m.span() for m in r.pattern.finditer(source)] == [m.span() for m in former.finditer(source)], (
                r.name,
                text,
            )


@pytest.mark.parametrize("field, unit", [("triggers", None), ("triggers", "percent"), ("counts", "count")])
def test_the_trigger_scan_finds_what_a_look_ahead_at_every_character_found(field, unit):
    matcher = naming._matcher(unit, field)
    at_every_character = re.compile(rf"(?=({matcher.regex.pattern}))")  # the former scan: overlapping matches
    texts = [
        "tỷ lệ hồ sơ trực tuyến toàn trình đạt 95%, hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng",
        "thủ tục hành chính mức độ 4; Tổ công nghệ số cộng đồng, tổ CNSCĐ, dịch vụ công trực tuyến toàn trình",
        "hồhồ sơ sơ, xhồ sơ, hồ  sơ\ncông   việc, tỷ lệtỷ lệ",
        "",
    ]
    for text in texts:
        folded = naming.fold(text)
        spans = [m.span(2) for m in at_every_character.finditer(folded)]
        assert spans and len(set(spans)) == len(spans) or not text
        assert sorted({(m.start, m.end) for m in matcher.scan(folded)}) == spans, text
