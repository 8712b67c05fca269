"""The place shortcuts of issue 15 (session 5) find what the plain code they replace finds."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from cds_analysis.lang.segments import split_paragraphs
from cds_analysis.lang.text import fold, normalize
from cds_analysis.reference import gazetteer
from cds_analysis.rules import places, quantities

# Reports of other provinces, in their own wording, with the edges the shortcuts must respect.
TEXTS = [
    "Trên địa bàn tỉnh Nghệ An có 412 xã; toàn tỉnh đạt 87%. Huyện Con Cuông đạt 92%, huyện Tương Dương đạt 88%.",
    "Tỉnh đã triển khai 1.200 Tổ CNSCĐ; UBND huyện Đô Lương, thị xã Hoàng Mai và Xã Nghi Phong hoàn thành.",
    "Thuế điện tử: 98% doanh nghiệp. Thừa Thiên Huế và Cần Thơ lần lượt xếp thứ 4 và thứ 5; TP.HCM dẫn đầu.",
    "Tại thôn Phú Lộc, thôn 6 và TDP 3 (xã Cẩm Lĩnh), xóm Bãi Sậy có 5 người; thông tin không còn ở nông thôn.",
    "Bộ Thông tin và Truyền thông, Ngân hàng Nhà nước Việt Nam; bình quân cả nước 72,5%. Cả nước có 63 tỉnh.",
    "toàn huyện, trên địa bàn huyện; các xã, cấp huyện; 6 huyện, thị xã; năm 2024 thị xã đạt; địa phương này 3 thôn",
    "Quảng Ngãi-Bình Định, Đăk Lăk–Gia Lai; BR-VT, TT-Huế, Hà Nội; Đỗ Thái Bình viết. Thái Bình Dương; Hà Namx.",
    "  xã\n\nhuyện\tmiền núi; huyện Vùng cao; Khu phố 2, khu phố Tân Hòa, Tổ dân phố   Số 7; tỉnh\nHà Tĩnh",
    "Tỉnh đã chi; cấp Huyện, Cấp huyện, các Huyện, , huyện; CỦA tỉnh, TOÀN tỉnh, Trên địa bàn tỉnh, CẢ tỉnh; điều chỉnh. Tỉnh tiếp tục tăng, tỉnh xếp thứ 5",
    "các thị xã, cấp thị xã, , thị xã, toàn thị xã, Toàn thị xã, UBND thị xã, UBND xã, toàn xã, Xã đạt; tình nguyện. Huyện đã đạt",
    "Trung bình cả nước, mức chung của toàn quốc; trung bình quân cả nước. Toàn quốc: 60%; BỘ NỘI VỤ; bộ y tế x",
    "Bộ Thông tın và Truyền thông (ı không chấm); Bộ Nội vụ; İstanbul, Văn phòng Chính phủ; Ủy ban Dân tộc.",
]


def test_province_names_start_words_as_the_look_behind_did():
    g = gazetteer._index()
    plain = re.compile(r"(?<!\w)" + g.province_name.pattern)
    folded = [fold(normalize(t)) for t in TEXTS] + ["thue hue, xhue hue-thue; quangngai quang ngai", ""]
    for text in folded:
        spans = [m.span() for m in gazetteer._province_names(g.province_name, text)]
        assert spans == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in gazetteer._province_names(g.province_name, "thue hue, xhue")] == ["hue"]


def test_cached_unit_words_and_province_names_are_the_plain_lookups():
    gazetteer._word_key.cache_clear()
    gazetteer._province_named.cache_clear()
    for written in ["TX. ", "Thị  xã ", "tp.", "H.", "huyện "]:
        assert gazetteer._word_key(written) == " ".join(fold(written).replace(".", " ").split())
    day = gazetteer.LAST_OLD_DAY
    for written in ["Quảng Ngãi", "Thừa Thiên Huế", "TT-Huế", "Hồ Chí Minh", "Hà Nội"]:
        folded = fold(written)
        rows = tuple(gazetteer._candidates(gazetteer._key(folded), None, "province", day))
        assert gazetteer._province_named(folded, written, day) == gazetteer._chosen(rows, written, None, None)
    assert gazetteer._province_named("quang ngai", "Quảng Ngãi", day).code == "51"


@pytest.mark.parametrize(
    ("pattern", "anchor", "reach"),
    [
        (places._BARE_REF, places._BARE_ANCHOR, places._BARE_REACH),
        (places._VILLAGE_REF, places._VILLAGE_ANCHOR, places._VILLAGE_REACH),
    ],
)
def test_anchored_refs_are_found_as_finditer_finds_them(pattern, anchor, reach):
    for text in [normalize(t) for t in TEXTS] + [normalize(" ".join(TEXTS))]:
        near = places._matches_near(pattern, text, (m.start() for m in anchor.finditer(text)), reach)
        assert [m.span() for m in near] == [m.span() for m in pattern.finditer(text)]


def _context(text: str) -> places.PlaceContext:
    text = normalize(text)
    return places.PlaceContext(text, split_paragraphs(text), [])


def test_the_focus_looked_up_is_the_one_walked_back_to():
    text = " ".join(TEXTS[:2] + TEXTS[3:4]) + " Huyện Anh Sơn đạt 90%, huyện Thanh Chương đạt 91%. Huyện đạt 70%."
    ctx = _context(text)
    plain_compared = set()
    for sentence in (s for p in split_paragraphs(ctx.text) for s in p.sentences):
        units = [r for r in ctx.refs if r.unit is not None and sentence.start <= r.start < sentence.end]
        levels = Counter(u.level for u in {r.unit for r in units})
        plain_compared |= {id(r) for r in units if levels[r.unit.level] >= 2}
    assert plain_compared  # the text compares units
    for before in range(len(ctx.text) + 2):
        walked = next(
            (r for r in reversed(ctx.refs) if r.start < before and r.unit is not None and id(r) not in plain_compared),
            None,
        )
        assert ctx._last_focus(before) is walked


def test_national_refs_are_found_as_finditer_finds_them():
    for text in [normalize(t) for t in TEXTS] + [normalize(" ".join(TEXTS))]:
        lowered = _context(text)._lowered
        assert (lowered is None) == ("ı" in text or "İ" in text)
        for start, end in [(0, len(text)), (3, len(text) - 5), (len(text) // 2, len(text))]:
            found = places._national_refs(text, lowered, start, end)
            assert [m.span() for m in found] == [m.span() for m in places._NATIONAL_REF.finditer(text, start, end)]
    # IGNORECASE reads the dotless 'ı' as 'i', lower-casing keeps it: such a text is read word by word.
    text = "Bộ Thông tın và Truyền thông; Bộ Nội vụ."
    assert [m.group() for m in places._NATIONAL_REF.finditer(text)] == ["Bộ Thông tın và Truyền thông", "Bộ Nội vụ"]
    assert [m.group() for m in places._national_refs(text, text.lower(), 0, len(text))] == ["Bộ Nội vụ"]
    assert _context(text)._lowered is None


def test_marker_words_are_found_where_the_case_blind_words_are():
    plain = re.compile(r"(?i:các|cấp|toàn)")
    for text in [normalize(t) for t in TEXTS] + ["CÁC XÃ, Cấp huyện, TOÀN tỉnh, cÁc, tOÀN, xcác"]:
        for start in range(0, len(text), 3):
            for end in range(start, len(text) + 1, 7):
                found, expected = places._MARKER_WORD.search(text, start, end), plain.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span())


def test_district_names_are_the_table_rows_of_each_province():
    gazetteer.district_names.cache_clear()  # built here, not left over from another test
    units = gazetteer.load_units()
    districts = units[units["level"] == "district"]
    plain: dict[tuple[str, str], list[str]] = {}
    for name, parent, map_ in zip(districts["name"], districts["parent_code"], districts["map"]):
        plain.setdefault((parent, map_), []).append(name)
    assert gazetteer.district_names() == plain
    assert "Tư Nghĩa" in gazetteer.district_names()["51", gazetteer.OLD_MAP]
    assert not any(map_ == gazetteer.NEW_MAP for _, map_ in gazetteer.district_names())


def _in_list_on_slices(ctx: places.PlaceContext, ref, sentence_start: int) -> bool:
    """PlaceContext._in_list as it read copies of the text before and after the ref."""
    if places._OWN_FIGURE.match(ctx.text[ref.end : ref.end + 12]):
        return False
    before = ctx.text[sentence_start : ref.start]
    if "gồm" not in before and "như" not in before:
        return False
    if places._LIST_OPENER.search(before):
        return True
    m = list(places._INCLUDING.finditer(before))
    return bool(m) and ";" not in before[m[-1].end() :] and "." not in before[m[-1].end() :]


def test_list_members_are_found_without_copying_the_sentence():
    text = (
        "Tỉnh có 5 huyện gồm: huyện Con Cuông, huyện Anh Sơn; như huyện Tương Dương (38,2%), huyện Kỳ Sơn đạt 41%, "
        "bao gồm xã Châu Khê. Các xã như: xã Lạng Khê, xã Môn Sơn. Huyện Con Cuông đạtx 90%, huyện Anh Sơn với 3 thôn."
    )
    ctx = _context(text)
    refs = ctx._refs([m for m in gazetteer.find_mentions(ctx.text) if m.unit is not None], [])
    verdicts = [
        (ctx._in_list(r, start), _in_list_on_slices(ctx, r, start)) for r in refs for start in range(0, r.start, 5)
    ]
    assert all(fast == plain for fast, plain in verdicts)
    assert {fast for fast, _ in verdicts} == {True, False}


def _respective_by_scan(ctx: places.PlaceContext, q, sentence, neighbours):
    """PlaceContext._respective as it scanned each number's sentence for 'lần lượt'."""
    if ctx.text.find("lần lượt", sentence.start, q.number_start) < 0:
        return None
    word = places._RESPECTIVELY.search(ctx.text, sentence.start, q.number_start)
    if word is None:
        return None
    units = [r for r in ctx._refs_between(sentence.start, word.start()) if r.unit is not None]
    numbers_after = sorted(
        [o.number_start for o in neighbours if word.end() <= o.number_start < sentence.end] + [q.number_start]
    )
    k = numbers_after.index(q.number_start)
    return units[k] if len(units) >= 2 and k < len(units) else None


def test_respective_units_are_looked_up_where_the_sentence_says_lan_luot():
    text = normalize(
        "Huyện Con Cuông và huyện Anh Sơn lần lượt đạt 92% và 88%. Lần lượt 5 xã; huyện Kỳ Sơn lần lượtđạt 7, "
        "huyện Quế Phong và huyện Quỳ Châu lần lượt là 3 và 4 điểm; lần lượt 9"
    )
    ctx = _context(text)
    numbers = quantities.find_quantities(text)
    paired = []
    for sentence in (s for p in split_paragraphs(text) for s in p.sentences):
        in_sentence = [q for q in numbers if sentence.start <= q.number_start < sentence.end]
        for q in in_sentence:
            neighbours = [o for o in in_sentence if o is not q]
            found = ctx._respective(q, sentence, neighbours)
            assert found is _respective_by_scan(ctx, q, sentence, neighbours)
            paired.append(found and found.unit.name)
    assert {"Con Cuông", "Anh Sơn", "Quế Phong", "Quỳ Châu"} <= set(paired)
