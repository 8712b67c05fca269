"""The shortcuts of issue 15's second round find what the plain code they replace finds."""

import re

from cds_analysis.lang.text import fold
from cds_analysis.reference import gazetteer

_TEXTS = [
    "Tỉnh Hà Nam và Hà Nội, Hà Giang; hà   tĩnh, Bà Rịa - Vũng Tàu, Bà Rịa–Vũng Tàu và Bà Rịa thì khác.",
    "Thừa Thiên Huế, TT-Huế, Huế; Hải Phòng–Hà Nội; Quảng Nam-Đà Nẵng; Nam Định, Ninh Bình, HàNam.",
    "huyện Tư Nghĩa, TP. Quảng Ngãi, Tp Hồ Chí Minh, TX.Đức Phổ, H. Mộ Đức, Q.1, P.3, thị xã, Xã Tịnh Long.",
    "THÀNH PHỐ Huế, ĐẶC KHU Côn Đảo, phường\tTân Quang, xã\nBình Đào, atỉnh X, UBND xã, Đặc khu Phú Quốc.",
]


def test_names_trie_finds_what_the_alternation_longest_first_finds():
    names = [["ha", "nam"], ["ha", "noi"], ["ha"], ["ha", "nam", "ninh"], ["ba", "ria", "vung", "tau"], ["ba", "ria"]]
    names += [["nam"], ["nam", "dinh"], ["hue"], ["thua", "thien", "hue"], ["tt", "hue"]]
    plain = "|".join(r"[ \t\-–—]+".join(map(re.escape, w)) for w in sorted(names, key=len, reverse=True))
    trie = gazetteer._names_trie(names)
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
        found = [m.span() for m in gazetteer._index().bare_province.finditer(folded)]
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
