"""The shortcuts of issue 15's second round find what the plain code they replace finds."""

import re

import pandas as pd
import pytest

from cds_analysis.lang.text import fold, phrase_trie
from cds_analysis.read import tables as text_tables
from cds_analysis.reference import gazetteer
from cds_analysis.rules import enumerations, extract, places, quantities

_TEXTS = [
    "Tỉnh Hà Nam và Hà Nội, Hà Giang; hà   tĩnh, Bà Rịa - Vũng Tàu, Bà Rịa–Vũng Tàu và Bà Rịa thì khác.",
    "Thừa Thiên Huế, TT-Huế, Huế; Hải Phòng–Hà Nội; Quảng Nam-Đà Nẵng; Nam Định, Ninh Bình, HàNam.",
    "huyện Tư Nghĩa, TP. Quảng Ngãi, Tp Hồ Chí Minh, TX.Đức Phổ, H. Mộ Đức, Q.1, P.3, thị xã, Xã Tịnh Long.",
    "THÀNH PHỐ Huế, ĐẶC KHU Côn Đảo, phường\tTân Quang, xã\nBình Đào, atỉnh X, UBND xã, Đặc khu Phú Quốc.",
]


def test_a_trie_of_names_finds_what_the_alternation_longest_first_finds():
    names = [["ha", "nam"], ["ha", "noi"], ["ha"], ["ha", "nam", "ninh"], ["ba", "ria", "vung", "tau"], ["ba", "ria"]]
    names += [["nam"], ["nam", "dinh"], ["hue"], ["thua", "thien", "hue"], ["tt", "hue"]]
    plain = "|".join(r"[ \t\-–—]+".join(map(re.escape, w)) for w in sorted(names, key=len, reverse=True))
    trie = phrase_trie([" ".join(w) for w in names], gap=r"[ \t\-–—]+")  # as the gazetteer builds it
    found = []
    for text in _TEXTS + ["ha nam ninh binh, ha nam-ninh, ha  noi, ha, ba ria vung, nam dinh x"]:
        folded = fold(text)
        spans = [m.span() for m in re.finditer(rf"(?<!\w)(?:{trie})(?!\w)", folded)]
        assert spans == [m.span() for m in re.finditer(rf"(?<!\w)(?:{plain})(?!\w)", folded)]
        found += [folded[s:e] for s, e in spans]
    assert {
        "ha nam ninh",
        "ha nam",
        "ha noi",
        "ha",
        "ba ria - vung tau",
        "ba ria",
        "nam dinh",
        "thua thien hue",
    } <= set(found)


def test_bare_province_pattern_finds_what_the_plain_alternation_finds():
    units = gazetteer.load_units()
    keys = {gazetteer._key(n) for n in units.loc[units["level"] == "province", "name"]} | set(gazetteer._index().alias)
    words = sorted((k.split() for k in keys), key=len, reverse=True)
    plain = re.compile(r"(?<!\w)(?:" + "|".join(r"[ \t\-–—]+".join(map(re.escape, w)) for w in words) + r")(?!\w)")
    for text in _TEXTS:
        folded = fold(text)
        found = [m.span() for m in gazetteer._province_names(gazetteer._index().province_name, folded)]
        assert found == [m.span() for m in plain.finditer(folded)]
        assert found or text == _TEXTS[3]


def test_unit_word_pattern_finds_what_it_finds_without_its_first_letters():
    plain = re.compile(gazetteer._TEXT_WORD.pattern.replace("(?=[tThHqQpPxXđĐ])", "", 1))
    assert plain.pattern != gazetteer._TEXT_WORD.pattern
    found = []
    for text in _TEXTS:
        spans = [m.span() for m in gazetteer._TEXT_WORD.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)]
        found += [text[s:e].strip() for s, e in spans]
    assert {"Tỉnh", "huyện", "TP.", "Tp", "TX.", "H.", "Q.", "THÀNH PHỐ", "ĐẶC KHU", "phường", "Xã"} <= set(found)


def _text_tables_trying_every_kind_on_every_line(text: str) -> tuple:
    """:func:`find_text_tables` as it was: each kind of table tried on every line."""
    lines = text_tables._lines(text)
    finders = (
        lambda k: text_tables._delimited(text, lines, k, "\t"),
        lambda k: text_tables._delimited(text, lines, k, "|"),
        lambda k: text_tables._aligned(text, lines, k),
        lambda k: text_tables._one_per_line(text, lines, k),
    )
    tables: list = []
    i = 0
    while i < len(lines):
        for finder in finders:
            rows, after = finder(i)
            if len(rows) >= 2:
                tables.append(text_tables.sheet_of(f"Bảng {len(tables) + 1}", rows))
                i = after
                break
        else:
            i += 1
    return tuple(tables)


_TABLE_TEXTS = [
    "Kết quả:\nChỉ tiêu\tKế hoạch\tThực hiện\nHồ sơ trực tuyến\t80%\t85,2%\n\tDịch vụ công\t90\t91\nHết.",
    "| Chỉ tiêu | Kế hoạch | Thực hiện |\n|---|---|---|\n| Hồ sơ | 80 | 85 |\n| Thanh toán | 50 | 61 |\nHết | một",
    "TT  Xã/Phường/Thị trấn     Hồ sơ trực tuyến (%)   Thanh toán trực tuyến (%)\n"
    "1   Xã Đức Phong                 88,5                   40,2\n"
    "2   Xã Đức Nhuận                 90                     \n\nNăm 2023  huyện triển khai  nhiều nhiệm vụ\n",
    "Chỉ tiêu\nKế hoạch 2024\nThực hiện 2024\n\nTỷ lệ hồ sơ trực tuyến\n80%\n85,2%\nTỷ lệ thanh toán\n(trực tuyến)\n"
    "50\n61\nĐạt\nI. Phần sau\nChỉ tiêu\tKế hoạch\nA\t1\nB\t2\n",
]


def test_text_tables_tried_only_where_a_line_is_marked_are_those_of_every_kind_tried():
    found = 0
    for text in _TABLE_TEXTS + [t.replace("\n", "\n\n") for t in _TABLE_TEXTS] + ["\n".join(_TABLE_TEXTS)]:
        tables = text_tables.find_text_tables(text)
        assert tables == _text_tables_trying_every_kind_on_every_line(text)
        found += len(tables)
    assert found >= 10


_BEFORE_NUMBER = [
    "đạt trên dưới ",
    "TRÊN DƯỚI ",
    "Xấp xỉ bằng ",
    "không vượt quá ",
    "ước đạt ",
    "Ước tính là ",
    "xếp thứ ",
    "Xếp Hạng ",
    "vị trí  ",
    "TOP ",
    "từ ",
    "Từ\t",
    "nằm trong nhóm ",
    "NHÓM ",
    "giá trị >= ",
    "≤",
    "< ",
    "chỉtừ ",
    "athứ ",
    "hơn",
    "Không ít hơn ",
    "chưa đầy ",
    "tốp ",
]


def _without_lead(pattern: re.Pattern[str], lead: str) -> re.Pattern[str]:
    assert pattern.pattern.startswith(lead)
    return re.compile(pattern.pattern.removeprefix(lead), pattern.flags)


def test_patterns_led_by_their_first_letters_find_what_they_find_without():
    led = [
        (quantities._QUALIFIER_BEFORE, "(?=[<>cdghkntvxíư≤≥])"),
        (quantities._RANK_BEFORE, "(?=[htv])"),
        (quantities._FROM_BEFORE, "(?=[t])"),
        (quantities._GROUP_BEFORE, "(?=[n])"),
    ]
    found = 0
    for pattern, lead in led:
        plain = _without_lead(pattern, lead)
        for before in _BEFORE_NUMBER:
            m = pattern.search(before)
            assert (m and m.span()) == ((p := plain.search(before)) and p.span())
            found += m is not None
    assert found >= 17


def test_clause_patterns_led_by_their_first_letters_find_what_they_find_without():
    text = (
        "Các xã, thị trấn và CẤP huyện; toàn huyện, TOÀN tỉnh. Tỷ lệ thôn được phủ sóng đạt: "
        "TỶ LỆ xã có điểm: tỉ lệ huyện cao. cáckhông, Tỷ lệ số thôn 5, tỷ lệ các tổ dân phố có. Đối với các xã, "
        "phường; UBND các xã, thị trấn; của các thôn; tại cấp xã; Các địa phương, các huyện, thị xã Đức Phổ"
    )
    led = [(places._RATE_OF_TIER, "(?=[tT])")]  # _MARKER_WORD: tests/test_fast_s5places.py
    for pattern, lead in led + [(places._CLAUSE_MARKER, "(?=[cCtTđĐU])")]:
        plain = _without_lead(pattern, lead)
        spans = []
        for end in range(len(text) + 1):
            for start in range(0, end, 7):
                m = pattern.search(text, start, end)
                assert (m and m.span()) == ((p := plain.search(text, start, end)) and p.span())
                spans.append(m and m.span())
        assert len(set(spans)) > 5


def test_caption_check_is_the_caption_search():
    for paragraph in [
        "Ảnh: Quang cảnh hội nghị 13 điểm cầu",
        "ẢNH: điểm cầu",
        "Quang cảnh hội nghị (Ảnh: Minh Anh)",
        "Hội nghị. ẢNH MINH HỌA",
        "Ảnh minh họa : ",
        "Chụp ảnh: 20 xã",
        "Hình ảnh 13 điểm cầu",
        "Ảnh " + "x" * 300,
        "Ảnh: " + "x" * 295,
        "",
    ]:
        expected = len(paragraph) < 300 and bool(extract._CAPTION.search(paragraph))
        assert extract._is_caption(paragraph) == expected


def test_the_frame_checked_in_one_conversion_is_the_one_arrow_converts():
    text = (
        "Năm 2024, huyện Tư Nghĩa có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%. "
        "Tỷ lệ thanh toán trực tuyến đạt 45%; 15 xã đã ra mắt Tổ công nghệ số cộng đồng."
    )
    rows, placed = extract._extract(text, None, "x.txt", "doc", ())
    assert len(rows) >= 3
    rows = [{**rows[0], "indicator_text": None, "numerator": None}, {**rows[1], "unused": 1}, rows[2]]
    del rows[2]["district"]
    placed = placed[:3]
    pd.testing.assert_frame_equal(extract._frame(rows, placed), extract._arrow_frame(rows, placed), check_exact=True)


def test_the_district_of_a_commune_is_the_one_the_gazetteer_resolves():
    communes = gazetteer.load_units().query("level == 'commune'").head(300)
    found = 0
    for code in communes["code"]:
        unit = gazetteer.resolve(code, level="commune")
        if unit is None or not unit.district_name:
            continue
        district = gazetteer.resolve(unit.district_name, level="district", province=unit.province_code)
        expected = district.label if district else unit.district_name
        assert places._district_label.__wrapped__(unit) == expected == places._district_label(unit)
        found += district is not None
    assert found > 100


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a sentence without figures sets the period of the figures after it
            "Năm 2024, huyện Tư Nghĩa triển khai nhiều nhiệm vụ chuyển đổi số. Tỷ lệ hồ sơ trực tuyến đạt 90%. "
            "Thanh toán trực tuyến đạt 45%.",
            [("online_dossier_rate", 90.0, "2024"), ("online_payment_rate", 45.0, "2024")],
        ),
        (  # … and does not break the period a figure's sentence set
            "Trong năm 2023, tỷ lệ hồ sơ trực tuyến đạt 80%. Huyện tiếp tục đẩy mạnh chuyển đổi số. "
            "Tỷ lệ thanh toán trực tuyến đạt 45%.",
            [("online_dossier_rate", 80.0, "2023"), ("online_payment_rate", 45.0, "2023")],
        ),
        (
            "Quý II/2024, kết quả như sau. Đồng thời, tỷ lệ hồ sơ trực tuyến đạt 70,5%.\n"
            "Kết quả năm 2022: chưa có số liệu. Tỷ lệ ký số đạt 30%.",
            [("online_dossier_rate", 70.5, "2024-Q2"), ("digital_signature_rate", 30.0, "2022")],
        ),
    ],
)
def test_sentences_without_figures_only_set_the_report_period(text, expected):
    df = extract.extract_text(text)
    assert list(zip(df["indicator"], df["value"], df["period_label"], strict=True)) == expected


def test_shared_words_of_a_stretch_are_those_the_search_of_the_stretch_finds():
    text = (
        "Thị xã Buôn Hồ và huyện Krông Năng CÙNG số hóa 100%; A, B thuộc nhóm thấp nhất, dưới 10%. "
        "Hai huyện Đều đạt; C nằm trong nhóm dẫn đầu, cùngcùng, thuộc  nhóm, ĐỀU."
    )
    assert len(enumerations._shared_words.__wrapped__(text)[0]) == 7
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1, 3):
            found = enumerations._SHARED_WORD.search(text, start, end) is not None
            assert enumerations._has_shared_word(text, start, end) == found
