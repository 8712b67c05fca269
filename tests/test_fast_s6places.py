"""The place shortcuts of issue 15 (session 6) find what the plain code they replace finds."""

from __future__ import annotations

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
