"""The place shortcuts of issue 15 (session 6) find what the plain code they replace finds."""

from __future__ import annotations

from cds_analysis.lang.segments import split_paragraphs
from cds_analysis.lang.text import fold_key
from cds_analysis.reference import gazetteer
from cds_analysis.rules import places


def test_squashed_name_is_the_later_table_name_of_the_level_folded_without_spaces():
    gazetteer._rows_by_squashed_key.cache_clear()  # built here, not left over from another test
    units = gazetteer.load_units()
    plain = {
        level: {fold_key(name).replace(" ", ""): name for name in units.loc[units["level"] == level, "name"]}
        for level in ("province", "district", "commune")
    }
    for level, names in plain.items():
        for label, name in names.items():
            assert gazetteer.squashed_name(label, level) == name
        others = {label for other in plain.values() for label in other} - set(names)
        assert all(gazetteer.squashed_name(label, level) is None for label in others)
    assert gazetteer.squashed_name("anthi", "district") == "Ân Thi"
    assert gazetteer.squashed_name("hungyen", "province") == "Hưng Yên"
    assert gazetteer.squashed_name("gov", "province") is None


def test_site_units_read_the_host_through_the_squashed_names():
    gazetteer._rows_by_squashed_key.cache_clear()
    hung_yen = gazetteer.resolve("Hưng Yên", level="province")
    an_thi = gazetteer.resolve("Ân Thi", level="district", province=hung_yen)
    xuan_truc = gazetteer.resolve("Xuân Trúc", level="commune", district=an_thi)
    assert xuan_truc is not None
    found = places.site_units("source: https://xuantruc.anthi.hungyen.gov.vn/ke-hoach-2023.html\n\nXã Xuân Trúc …")
    assert found == {"province": hung_yen, "district": an_thi, "commune": xuan_truc}
    assert places.site_units("source: https://baoquangnam.vn/tin-123.html\n\n…") == {
        "province": gazetteer.resolve("Quảng Nam", level="province")
    }
    assert places.site_units("source: https://www.chinhphu.gov.vn/tin.html\n\n…") == {}
    assert places.site_units("Không có địa chỉ trang: anthi.hungyen.gov.vn") == {}


# Reports of other provinces naming their districts bare, with a unit named once with its word.
KNOWN_TEXTS = [
    "Tỉnh Nghệ An: huyện Con Cuông đạt 92%, Tương Dương 88%; Đô Lương và Quỳnh Lưu dẫn đầu. Xã Môn Sơn đạt; Môn Sơn có 5 thôn.",
    "Tỉnh Lâm Đồng có Đam Rông (38,2%), Lạc Dương (41,7%); thành phố Đà Lạt, Bảo Lộc đạt 90%. Tỉnh Lâm Đồng xếp thứ 5.",
    "Tỉnh Tuyên Quang: thành phố Tuyên Quang, huyện Lâm Bình, Na Hang; Tuyên Quang đạt 70%, phường Tân Quang đạt.",
    "Tỉnh Quảng Nam: Quế Sơn, Thăng Bình và Điện Bàn; thị xã Điện Bàn, huyện Quế Sơn dẫn đầu bảng xếp hạng.",
    "Trên địa bàn tỉnh Tiền Giang, Châu Thành, Cai Lậy (huyện Cai Lậy và thị xã Cai Lậy) và Quận 1 đạt; Quận 1 không.",
]


def _plain_known_units(ctx: places.PlaceContext, named) -> dict:
    """The bare names as found before: every district of the province looked up, then the units named."""
    known: dict = {}
    if ctx.province:
        for name in gazetteer.district_names().get((ctx.province.code, ctx.province.map), ()):
            unit = gazetteer.resolve(name, level="district", province=ctx.province.code)
            if not name.isdigit() and unit is not None and name != ctx.province.name:
                known.setdefault(name, unit)
    for m in named:
        if m.unit.level in ("district", "commune"):
            known.setdefault(m.unit.name, m.unit)
    return known


def test_known_units_are_the_plain_ones_that_the_text_holds_in_their_order():
    places._district_names.cache_clear()  # looked up here, not left over from another test
    places._district_named.cache_clear()
    checked, found = 0, set()
    for text in KNOWN_TEXTS:
        ctx = places.PlaceContext(text, split_paragraphs(text), [])
        assert ctx.province is not None
        named = [m for m in gazetteer.find_mentions(text, province=ctx.province.code) if m.unit is not None]
        fast = [(name, unit) for name, unit in ctx._known_units(named).items() if name in text]
        plain = [(name, unit) for name, unit in _plain_known_units(ctx, named).items() if name in text]
        assert fast == plain
        checked += len(fast)
        found |= {(text[r.start : r.end], r.unit.label) for r in ctx.refs if r.unit is not None}
    assert checked >= 15
    named_bare = {("Tương Dương", "huyện Tương Dương"), ("Đam Rông", "huyện Đam Rông"), ("Môn Sơn", "xã Môn Sơn")}
    assert named_bare | {("Na Hang", "huyện Na Hang"), ("Thăng Bình", "huyện Thăng Bình")} <= found
    assert ("Tuyên Quang", "tỉnh Tuyên Quang") in found  # the province's own name is not its city
