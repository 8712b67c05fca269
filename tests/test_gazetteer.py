from datetime import date
from pathlib import Path

import pytest

from cds_analysis.lang.text import normalize
from cds_analysis.reference import gazetteer as gz
from cds_analysis.reference.schemas import schema

AFTER = date(2025, 7, 1)

# Every place, district and province value of the gold set (shared/gold/seeds_gold.jsonl),
# with the unit it stands for: (place, province, level, collective, unit code).
GOLD_PLACES = [
    ("tỉnh Thanh Hóa", "Thanh Hóa", "province", False, "38"),
    ("các xã, phường, thị trấn tỉnh Thanh Hóa", "Thanh Hóa", "commune", True, "38"),
    ("các huyện, thị xã, thành phố tỉnh Thanh Hóa", "Thanh Hóa", "district", True, "38"),
    ("huyện Hoằng Hóa", "Thanh Hóa", "district", False, "399"),
    ("các xã, thị trấn huyện Hoằng Hóa", "Thanh Hóa", "commune", True, "399"),
    ("huyện Như Xuân", "Thanh Hóa", "district", False, "402"),
    ("các xã, thị trấn huyện Yên Định", "Thanh Hóa", "commune", True, "394"),
    ("xã Định Long", "Thanh Hóa", "commune", False, "15463"),
    ("huyện Thăng Bình", "Quảng Nam", "district", False, "513"),
    ("xã Bình Đào", "Quảng Nam", "commune", False, "20809"),
    ("các thôn xã Bình Đào", "Quảng Nam", "village", True, "20809"),
    ("các địa phương trên địa bàn Thăng Bình", "Quảng Nam", "commune", True, "513"),
    ("huyện Đồng Xuân", "Phú Yên", "district", False, "558"),
    ("các xã, thị trấn huyện Đồng Xuân", "Phú Yên", "commune", True, "558"),
    ("tỉnh Quảng Ngãi", "Quảng Ngãi", "province", False, "51"),
    ("cấp xã trên địa bàn tỉnh Quảng Ngãi", "Quảng Ngãi", "commune", True, "51"),
    ("các huyện, thị xã, thành phố tỉnh Quảng Ngãi", "Quảng Ngãi", "district", True, "51"),
    ("TX.Đức Phổ", "Quảng Ngãi", "district", False, "534"),
    ("các xã, phường TX.Đức Phổ", "Quảng Ngãi", "commune", True, "534"),
    ("huyện Bình Sơn", "Quảng Ngãi", "district", False, "524"),
    ("các xã, thị trấn huyện Bình Sơn", "Quảng Ngãi", "commune", True, "524"),
    ("các thôn, tổ dân phố huyện Bình Sơn", "Quảng Ngãi", "village", True, "524"),
    ("huyện Mộ Đức", "Quảng Ngãi", "district", False, "533"),
    ("các xã, thị trấn huyện Mộ Đức", "Quảng Ngãi", "commune", True, "533"),
    ("các thôn, tổ dân phố huyện Mộ Đức", "Quảng Ngãi", "village", True, "533"),
    ("huyện Nghĩa Hành", "Quảng Ngãi", "district", False, "532"),
    ("cấp xã huyện Nghĩa Hành", "Quảng Ngãi", "commune", True, "532"),
    ("huyện Trà Bồng", "Quảng Ngãi", "district", False, "525"),
    ("các xã, thị trấn huyện Trà Bồng", "Quảng Ngãi", "commune", True, "525"),
    ("huyện Tư Nghĩa", "Quảng Ngãi", "district", False, "528"),
    ("các xã, thị trấn huyện Tư Nghĩa", "Quảng Ngãi", "commune", True, "528"),
    ("các xã, thị trấn và thôn, tổ dân phố huyện Tư Nghĩa", "Quảng Ngãi", "commune", True, "528"),
]
GOLD_DISTRICTS = [
    ("huyện Hoằng Hóa", "Thanh Hóa", "399"),
    ("huyện Như Xuân", "Thanh Hóa", "402"),
    ("huyện Yên Định", "Thanh Hóa", "394"),
    ("huyện Thăng Bình", "Quảng Nam", "513"),
    ("huyện Đồng Xuân", "Phú Yên", "558"),
    ("TX.Đức Phổ", "Quảng Ngãi", "534"),
    ("huyện Bình Sơn", "Quảng Ngãi", "524"),
    ("huyện Mộ Đức", "Quảng Ngãi", "533"),
    ("huyện Nghĩa Hành", "Quảng Ngãi", "532"),
    ("huyện Trà Bồng", "Quảng Ngãi", "525"),
    ("huyện Tư Nghĩa", "Quảng Ngãi", "528"),
]
GOLD_PROVINCES = [("Thanh Hóa", "38"), ("Quảng Nam", "49"), ("Phú Yên", "54"), ("Quảng Ngãi", "51")]


@pytest.mark.parametrize("place, province, level, collective, code", GOLD_PLACES)
def test_gold_places_resolve_to_their_unit(place, province, level, collective, code):
    ref = gz.parse_place(place, province=province)
    assert ref is not None, place
    assert (ref.unit.code, ref.level, ref.collective) == (code, level, collective)
    assert ref.unit.province_name == province


@pytest.mark.parametrize("district, province, code", GOLD_DISTRICTS)
def test_gold_districts_resolve(district, province, code):
    unit = gz.resolve(district, province=province)
    assert unit is not None and unit.code == code and unit.level == "district"
    assert gz.resolve(district).code == code  # unique even without context


@pytest.mark.parametrize("province, code", GOLD_PROVINCES)
def test_gold_provinces_resolve(province, code):
    unit = gz.resolve(province)
    assert (unit.code, unit.level, unit.name) == (code, "province", province)


@pytest.mark.parametrize(
    "written, code, label",
    [
        ("TX.Đức Phổ", "534", "thị xã Đức Phổ"),
        ("TX. Đức Phổ", "534", "thị xã Đức Phổ"),
        ("thị xã Đức Phổ", "534", "thị xã Đức Phổ"),
        ("TP.Quảng Ngãi", "522", "thành phố Quảng Ngãi"),
        ("TP Quảng Ngãi", "522", "thành phố Quảng Ngãi"),
        ("H. Yên Định", "394", "huyện Yên Định"),
        ("Hoằng Hoá", "399", "huyện Hoằng Hóa"),
        ("HUYỆN HOẰNG HOÁ", "399", "huyện Hoằng Hóa"),
        ("huyen Nhu Xuan", "402", "huyện Như Xuân"),
        ("thị trấn La Hai", "22081", "thị trấn La Hai"),
        ("TT. La Hai", "22081", "thị trấn La Hai"),
        ("xã Xuân Lãnh", "22090", "xã Xuân Lãnh"),
        ("xã Bình Đào", "20809", "xã Bình Đào"),
        ("tỉnh Thanh Hóa", "38", "tỉnh Thanh Hóa"),
        ("Thanh Hoá", "38", "tỉnh Thanh Hóa"),
        ("TP.HCM", "79", "thành phố Hồ Chí Minh"),
        ("TP. Hồ Chí Minh", "79", "thành phố Hồ Chí Minh"),
        ("Thừa Thiên Huế", "46", "thành phố Huế"),
        ("tỉnh Thừa Thiên Huế", "46", "thành phố Huế"),
        ("TT-Huế", "46", "thành phố Huế"),
        ("Bà Rịa – Vũng Tàu", "77", "tỉnh Bà Rịa - Vũng Tàu"),
        ("Quận 1", "760", "quận 1"),
    ],
)
def test_variant_spellings(written, code, label):
    unit = gz.resolve(written)
    assert unit is not None, written
    assert (unit.code, unit.label) == (code, label)


def test_unit_word_decides_between_province_and_its_capital():
    assert gz.resolve("Quảng Ngãi").code == "51"
    assert gz.resolve("tỉnh Quảng Ngãi").code == "51"
    assert gz.resolve("thành phố Quảng Ngãi").code == "522"
    assert gz.resolve("Quảng Ngãi", level="district").code == "522"
    assert gz.resolve("huyện Đức Phổ").code == "534"  # its old unit word still finds it


def test_ambiguous_names_give_none_and_context_decides():
    assert gz.resolve("Châu Thành") is None
    assert gz.resolve("huyện Châu Thành") is None
    assert gz.resolve("xã Bình Minh") is None
    assert gz.resolve("Châu Thành", province="Bến Tre").code == "831"
    assert gz.resolve("xã Bình Minh", province="Quảng Nam", district="huyện Thăng Bình").code == "20812"
    assert gz.resolve("xã Bình Chánh", province="51").district_name == "Bình Sơn"
    assert gz.resolve("Kỳ Anh", province="Hà Tĩnh") is None  # both huyện and thị xã Kỳ Anh
    assert gz.resolve("thị xã Kỳ Anh", province="Hà Tĩnh").type == "thị xã"


def test_context_keeps_lower_units_inside_it():
    assert gz.resolve("huyện Yên Định", province="Quảng Ngãi") is None
    assert gz.resolve("xã Định Long", province="Thanh Hóa", district="huyện Yên Định").code == "15463"
    with pytest.raises(ValueError, match="unknown province"):
        gz.resolve("Mộ Đức", province="Atlantis")


def test_codes_resolve_to_their_unit():
    assert gz.resolve("51").name == "Quảng Ngãi"
    assert gz.resolve("522", level="district").label == "thành phố Quảng Ngãi"
    assert gz.resolve("522", level="province") is None
    assert gz.resolve("48", map=gz.NEW_MAP).code == "48"  # a published code and its map
    assert gz.resolve("49", map=gz.NEW_MAP) is None  # Quảng Nam's code is on the old map only
    assert gz.resolve("48", on=AFTER).name == "Đà Nẵng"
    assert "@" not in repr(gz.resolve("48", on=AFTER))


def test_a_plain_code_is_read_on_the_map_of_its_date():
    """'52' is Bình Định until 30 June 2025 and Gia Lai from 1 July 2025: the map (or date) says which."""
    old, new = gz.resolve("52", on=date(2023, 12, 31)), gz.resolve("52", on=date(2026, 3, 31))
    assert (old.name, old.code, old.map) == ("Bình Định", "52", gz.OLD_MAP)
    assert (new.name, new.code, new.map) == ("Gia Lai", "52", gz.NEW_MAP)
    assert gz.resolve("52") == old and gz.resolve("52", map=gz.NEW_MAP) == new
    assert old.successor_code == "52" and gz.successor_province("52") == "52"  # Bình Định went into Gia Lai
    assert gz.successor_province("64") == "52"  # so did the old Gia Lai
    commune = gz.resolve("xã Ia Grai", level="commune", province=new, map=gz.NEW_MAP)  # inside the new '52'
    assert (commune.province_code, commune.map) == ("52", gz.NEW_MAP)
    with pytest.raises(ValueError, match="unknown province"):
        gz.resolve("xã Ia Grai", province=new)  # the new Gia Lai as context of a lookup on the old map


def test_names_resolve_on_either_map():
    old, new = gz.resolve("Quảng Nam", map=gz.OLD_MAP), gz.resolve("Đà Nẵng", map=gz.NEW_MAP)
    assert (old.map, old.code) == (gz.OLD_MAP, "49")
    assert (new.map, new.code) == (gz.NEW_MAP, "48")
    assert gz.resolve("xã Thiệu Trung", map=gz.NEW_MAP).code == "15835"
    assert gz.resolve("xã Thiệu Trung", map=gz.OLD_MAP).code == "15841"
    with pytest.raises(ValueError, match="map must be"):
        gz.resolve("Đà Nẵng", map="2026")
    with pytest.raises(ValueError, match="not on the 2025 map"):
        gz.resolve("Đà Nẵng", map=gz.NEW_MAP, on=date(2024, 1, 1))


def test_mentions_and_places_on_the_new_map():
    text = normalize("Phường Rạch Giá và xã Bắc Hà triển khai chính quyền số hai cấp.")
    assert all(m.unit is None for m in gz.find_mentions(text))  # neither is one unit of the old map
    found = [(m.unit.label, m.unit.province_name) for m in gz.find_mentions(text, map=gz.NEW_MAP)]
    assert found == [("phường Rạch Giá", "An Giang"), ("xã Bắc Hà", "Lào Cai")]
    ref = gz.parse_place("các xã, phường tỉnh Lào Cai", map=gz.NEW_MAP)
    assert (ref.unit.code, ref.unit.map, ref.level, ref.collective) == ("15", gz.NEW_MAP, "commune", True)


def test_map_on():
    assert gz.map_on(date(2025, 6, 30)) == gz.OLD_MAP and gz.map_on(AFTER) == gz.NEW_MAP
    with pytest.raises(ValueError, match="map must be"):
        gz.successor_province("91", "post2025")


def test_unit_spells_out_its_parents():
    unit = gz.resolve("thị trấn La Hai")
    assert (unit.parent_code, unit.district_code, unit.district_name) == ("558", "558", "Đồng Xuân")
    assert (unit.province_code, unit.province_name, unit.level) == ("54", "Phú Yên", "commune")
    assert unit.valid_to == date(2025, 6, 30) and unit.valid_from is None
    province = gz.resolve("tỉnh Quảng Ngãi")
    assert province.parent_code is None and province.district_code is None
    assert province.successor_code == "51"  # on the 2025 map


MERGED = [  # pre-2025 province → province it went into on 1 July 2025 (samples/README.md)
    ("Kiên Giang", "An Giang"),
    ("Quảng Nam", "Đà Nẵng"),
    ("Thái Bình", "Hưng Yên"),
    ("Hà Nam", "Ninh Bình"),
    ("Nam Định", "Ninh Bình"),
    ("Yên Bái", "Lào Cai"),
    ("Hậu Giang", "Cần Thơ"),
    ("Sóc Trăng", "Cần Thơ"),
    ("Bà Rịa – Vũng Tàu", "TP. Hồ Chí Minh"),
    ("Bình Dương", "TP. Hồ Chí Minh"),
]


@pytest.mark.parametrize("old, new", MERGED)
def test_old_provinces_map_to_new(old, new):
    old_unit, new_unit = gz.resolve(old), gz.resolve(new, on=AFTER)
    assert gz.successor_province(old_unit.code, old_unit.map) == new_unit.code
    assert gz.resolve(old, level="province", on=AFTER) is None  # 'Sóc Trăng' is now a ward's name


def test_new_codes_do_not_collide_with_old_ones():
    assert gz.successor_province("49") == "48"
    kien_giang, an_giang = gz.resolve("Kiên Giang"), gz.resolve("An Giang", on=AFTER)
    assert (kien_giang.code, an_giang.code) == ("91", "91")  # new An Giang took Kiên Giang's number…
    assert (kien_giang.map, an_giang.map) == (gz.OLD_MAP, gz.NEW_MAP)  # …on the other map
    assert gz.resolve("91").name == "Kiên Giang" and gz.resolve("91", map=gz.NEW_MAP).name == "An Giang"
    assert gz.successor_province("513") == "48"  # any old unit: its province's successor
    assert gz.successor_province("48", gz.NEW_MAP) == "48"  # already on the 2025 map
    assert gz.successor_province(gz.resolve("phường Rạch Giá", map=gz.NEW_MAP).code, gz.NEW_MAP) == "91"
    with pytest.raises(KeyError, match="unknown unit code"):
        gz.successor_province("999")


def test_eras():
    assert gz.resolve("huyện Thăng Bình", on=AFTER) is None  # no districts after the merger
    assert gz.resolve("phường Rạch Giá", on=AFTER).province_name == "An Giang"
    assert gz.resolve("TP.HCM", on=AFTER).code == "79"
    assert gz.resolve("Quảng Nam", on=date(2023, 5, 30)).code == "49"


def test_counts_by_level_and_era():
    units = gz.load_units()
    before = units[units["valid_to"] == date(2025, 6, 30)]
    after = units[units["valid_from"] == AFTER]
    assert len(before) + len(after) == len(units)
    assert before["level"].value_counts().to_dict() == {"commune": 10035, "district": 696, "province": 63}
    assert after["level"].value_counts().to_dict() == {"commune": 3321, "province": 34}
    assert len(gz.province_table(gz.OLD_MAP)) == 63 and len(gz.province_table(gz.NEW_MAP)) == 34
    assert gz.province_table().equals(gz.province_table(gz.OLD_MAP))
    assert set(gz.province_table(gz.OLD_MAP)["successor_code"]) == set(gz.province_table(gz.NEW_MAP)["code"])
    with pytest.raises(ValueError):
        gz.province_table("post2025")


def test_table_follows_the_schema_with_string_codes():
    units = gz.load_units()
    assert list(units.columns) == schema("units").names
    assert not units[["code", "map"]].duplicated().any()  # a unit is (code, map)…
    assert units["code"].duplicated().any()  # …since the 2025 list reuses old numbers
    assert units["map"].value_counts().to_dict() == {gz.OLD_MAP: 10035 + 696 + 63, gz.NEW_MAP: 3321 + 34}
    level_digits = {"province": 2, "district": 3, "commune": 5}
    for level, digits in level_digits.items():
        for column in ("code", "parent_code", "successor_code"):
            codes = units.loc[units["level"] == level, column].dropna()
            assert codes.str.fullmatch(r"\d+").all(), (level, column)  # plain published codes
        assert units.loc[units["level"] == level, "code"].str.fullmatch(rf"\d{{{digits}}}").all(), level
    keys = set(zip(units["code"], units["map"]))
    parents = units[units["parent_code"].notna()]
    assert all((code, m) in keys for code, m in zip(parents["parent_code"], parents["map"]))  # parents on one map
    assert all((code, gz.NEW_MAP) in keys for code in units["successor_code"].dropna())  # successors on the new one
    assert {"01", "02", "00001"} <= set(units["code"])
    assert units["source"].str.contains("vietnamadminunits").all()
    assert all(normalize(name) == name for name in units["name"])  # the name index relies on it
    units.loc[0, "name"] = "changed"
    assert gz.load_units().loc[0, "name"] == "Hà Nội"  # callers get a copy


def test_find_mentions_in_a_report_sentence():
    text = normalize(
        "Sáng 28/7, UBND tỉnh Quảng Ngãi họp trực tuyến với TX.Đức Phổ, H. Mộ Đức và TP. Quảng Ngãi; "
        "tại thị trấn La Hà, huyện Tư Nghĩa, Tổ công nghệ số cộng đồng hướng dẫn người dân. "
        "Đoàn công tác của Thanh Hoá đến xã Bình Minh, gần Thái Bình Dương; ở quảng ngãi có 13 điểm cầu."
    )
    mentions = gz.find_mentions(text, province="Quảng Ngãi")
    found = [(text[m.start : m.end], m.unit_word, m.unit.code if m.unit else None) for m in mentions]
    assert found == [
        ("tỉnh Quảng Ngãi", "tỉnh", "51"),
        ("TX.Đức Phổ", "TX.", "534"),
        ("H. Mộ Đức", "H.", "533"),
        ("TP. Quảng Ngãi", "TP.", "522"),
        ("thị trấn La Hà", "thị trấn", "21235"),
        ("huyện Tư Nghĩa", "huyện", "528"),
        ("Thanh Hóa", None, "38"),  # spans point into the normalised text
        ("xã Bình Minh", "xã", "21085"),  # the one in Quảng Ngãi
    ]
    assert [m.name for m in mentions][:2] == ["Quảng Ngãi", "Đức Phổ"]
    without_context = gz.find_mentions(text)
    assert [m.unit for m in without_context if m.name == "Bình Minh"] == [None]


def test_parse_place_refuses_what_it_cannot_place():
    assert gz.parse_place("các xã, thị trấn huyện Châu Thành") is None  # which Châu Thành?
    assert gz.parse_place("các xã huyện Không Có") is None
    assert gz.parse_place("các xã xã Bình Đào", province="Quảng Nam") is None  # communes of a commune
    ref = gz.parse_place("các xã, thị trấn huyện Châu Thành", province="Bến Tre")
    assert (ref.unit.code, ref.level, ref.collective) == ("831", "commune", True)


def test_readme_counts_the_units_of_both_maps():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    units = gz.load_units()
    for map_, row in units.groupby("map"):
        counts = row["level"].value_counts()
        cells = [str(counts.get(level, "none")) for level in ("province", "district", "commune")]
        cells = [f"{int(c):,}".replace(",", " ") if c.isdigit() else c for c in cells]
        assert f"| `{map_}` | {' | '.join(cells)} |" in readme


def test_each_unit_is_filed_under_its_2025_province():
    units = gz.load_units().assign(current=gz.current_province_codes())
    filed = {(r.code, r.map): r.current for r in units.itertuples()}
    assert filed["62", gz.OLD_MAP] == "51"  # Kon Tum went into Quảng Ngãi
    assert filed["608", gz.OLD_MAP] == "51"  # and so did its districts
    assert filed["23281", gz.OLD_MAP] == "51"  # and communes
    assert filed["38", gz.OLD_MAP] == filed["38", gz.NEW_MAP] == "38"
    assert units["current"].notna().all()
