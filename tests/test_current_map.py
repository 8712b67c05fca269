"""Two maps, one rule: every observation keeps the unit its source named and gets its unit on the 2025 map.

The texts are written for these tests in the style of district and commune reports; their
figures are published ones: Châu Đức's 94 community digital-technology teams with about 746
members (baobariavungtau.com.vn, December 2023), thôn Phủ Lý Bắc's 13 security cameras in
xã Thiệu Trung (baothanhhoa.vn, 10/12/2025), Thăng Bình 4th in Quảng Nam's district DTI 2023
(baoquangnam.vn, 2/2/2024).
"""

from datetime import date

import pandas as pd

from cds_analysis.reference import gazetteer as gz
from cds_analysis.reference.schemas import schema
from cds_analysis.rules.extract import extract_file
from cds_analysis.sheets.reader import extract_sheet_file

PLACED = ["province", "district", "commune", *gz.CURRENT_COLUMNS]


def rows(*facts: dict) -> pd.DataFrame:
    """Observations as an extractor gives them: every column of the schema, the ones given filled."""
    return pd.DataFrame([{c: f.get(c) for c in schema("observations").names} for f in facts])


def test_a_2023_district_figure_keeps_its_old_units_and_joins_its_new_province(tmp_path):
    path = tmp_path / "chau-duc.txt"
    path.write_text(
        "Châu Đức phủ kín Tổ công nghệ số cộng đồng\n"
        "Bà Rịa – Vũng Tàu, ngày 12/12/2023\n"
        "Năm 2023, huyện Châu Đức đã thành lập 94 Tổ công nghệ số cộng đồng với khoảng 746 thành viên, "
        "đến từng xã, thị trấn và từng thôn, ấp.\n",
        encoding="utf-8",
    )
    obs = extract_file(path)
    teams = obs[obs["indicator"] == "community_tech_team_members"].iloc[0]
    assert teams["value"] == 746 and teams["period_label"] == "2023"
    assert (teams["province"], teams["province_code"]) == ("Bà Rịa - Vũng Tàu", "77")
    assert (teams["district"], teams["district_code"]) == ("huyện Châu Đức", "750")
    assert teams["map"] == teams["figure_map"] == gz.OLD_MAP
    assert (teams["current_province"], teams["current_province_code"]) == ("Hồ Chí Minh", "79")
    assert pd.isna(teams["current_commune"])  # a district is no commune on any map


def test_a_commune_figure_after_the_reform_lands_on_the_new_commune_of_that_name(tmp_path):
    path = tmp_path / "thieu-trung.txt"
    path.write_text(
        "Thôn thông minh ở xã Thiệu Trung\n"
        "Thanh Hóa, ngày 10/12/2025\n"
        "Đến nay, xã Thiệu Trung đã lắp đặt 13 camera an ninh tại thôn Phủ Lý Bắc.\n",
        encoding="utf-8",
    )
    obs = extract_file(path)
    assert len(obs) and (obs["figure_map"] == gz.NEW_MAP).all()
    fact = obs.iloc[0]
    assert fact["commune"] == "xã Thiệu Trung" and fact["value"] == 13
    # named in December 2025: the commune of the 2025 map, with its own plain code
    assert (fact["commune_code"], fact["province_code"], fact["map"]) == ("15835", "38", gz.NEW_MAP)
    # the old xã Thiệu Trung (15841) went whole into it
    assert (fact["current_province"], fact["current_province_code"]) == ("Thanh Hóa", "38")
    assert (fact["current_commune"], fact["current_commune_code"]) == ("xã Thiệu Trung", "15835")


def test_a_2026_commune_figure_is_on_the_new_commune_with_its_plain_code(tmp_path):
    path = tmp_path / "thieu-trung-2026.txt"
    path.write_text(
        "Thôn thông minh ở xã Thiệu Trung\n"
        "Thanh Hóa, ngày 5/4/2026\n"
        "Quý I/2026, xã Thiệu Trung đã lắp đặt 20 camera an ninh tại thôn Phủ Lý Bắc.\n",
        encoding="utf-8",
    )
    fact = extract_file(path).iloc[0]
    assert (fact["value"], fact["period_label"]) == (20, "2026-Q1")
    assert (fact["commune"], fact["commune_code"], fact["province_code"]) == ("xã Thiệu Trung", "15835", "38")
    assert fact["map"] == fact["figure_map"] == gz.NEW_MAP
    assert (fact["current_commune_code"], fact["current_province_code"]) == ("15835", "38")


def test_the_period_decides_the_map_and_the_document_date_caps_it():
    old_commune = {"province": "Thanh Hóa", "province_code": "38", "district": "huyện Thiệu Hóa",
                   "district_code": "398", "commune": "xã Thiệu Trung", "commune_code": "15841",
                   "map": gz.OLD_MAP}  # fmt: skip
    frame = rows(
        {**old_commune, "period_start": date(2026, 1, 1), "period_end": date(2026, 3, 31)},
        {**old_commune, "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31)},
        {**old_commune, "period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)},
        {**old_commune},
    )
    assert gz.on_current_map(frame)["figure_map"].tolist() == [gz.NEW_MAP, gz.OLD_MAP, gz.NEW_MAP, None]
    # a plan written in May 2025 names the units of May 2025, even for its 2025 goal
    assert gz.on_current_map(frame, published=date(2025, 5, 20))["figure_map"].tolist() == [gz.OLD_MAP] * 4
    placed = gz.on_current_map(frame)
    assert set(placed["current_commune_code"]) == {"15835"}  # went whole: the same on both maps
    named = ["province", "province_code", "district", "commune", "commune_code", "map"]
    assert placed[named].equals(frame[named])  # the units the source named stay as they are


def test_a_split_commune_has_no_current_commune_but_its_province():
    # xã Định Long (Yên Định) went whole into one new commune; which old communes were split
    # is the gazetteer's to say, so pick one from the data rather than from memory.
    units = gz.load_units()
    split = units[(units["level"] == "commune") & (units["map"] == gz.OLD_MAP) & units["successor_code"].isna()]
    code = split["code"].iloc[0]
    unit = gz.resolve(code, level="commune")
    frame = rows({"province_code": unit.province_code, "district_code": unit.district_code, "commune_code": code,
                  "commune": unit.label, "map": gz.OLD_MAP, "period_end": date(2023, 6, 30)})  # fmt: skip
    placed = gz.on_current_map(frame).iloc[0]
    assert placed["current_province_code"] == gz.successor_province(code)
    assert pd.isna(placed["current_commune_code"])


def test_units_named_on_the_new_map_are_their_own_current_units():
    ward = gz.resolve("phường Rạch Giá", map=gz.NEW_MAP)
    frame = rows(
        {
            "province_code": ward.province_code,
            "commune_code": ward.code,
            "commune": ward.label,
            "map": ward.map,
            "period_end": date(2025, 12, 31),
        },  # fmt: skip
        {"admin_level": "national", "period_end": date(2025, 12, 31)},
        {"province_code": "91", "commune_code": "99999", "map": gz.OLD_MAP, "period_end": date(2023, 12, 31)},
    )  # the last: a code the gazetteer lacks in Kiên Giang ('91' of the old map)
    placed = gz.on_current_map(frame)
    assert placed.loc[0, PLACED[3:]].tolist() == [gz.NEW_MAP, "An Giang", "91", "phường Rạch Giá", ward.code]
    assert placed.loc[1, PLACED[4:]].isna().all()  # a national figure has no unit on either map
    assert placed.loc[2, "current_province"] == "An Giang"  # Kiên Giang's figure, whatever its commune


def test_sheet_rows_are_placed_on_the_current_map(tmp_path):
    path = tmp_path / "dti_cap_huyen.csv"  # Thăng Bình 4th of Quảng Nam's 18 districts (baoquangnam.vn, 2/2/2024)
    path.write_text(
        "Tỉnh;Huyện/TX/TP;Chỉ tiêu;Kỳ báo cáo;Giá trị;Đơn vị tính\n"
        "Quảng Nam;Thăng Bình;Xếp hạng chỉ số chuyển đổi số cấp huyện (DTI);Năm 2023;4;hạng\n",
        encoding="utf-8",
    )
    obs, rejects = extract_sheet_file(path)
    assert rejects.empty
    fact = obs.iloc[0]
    assert (fact["indicator"], fact["value"]) == ("dti_rank", 4)
    assert (fact["district_code"], fact["province_code"], fact["map"]) == ("513", "49", gz.OLD_MAP)
    assert (fact["current_province"], fact["current_province_code"]) == ("Đà Nẵng", "48")


def test_a_code_is_read_on_the_map_its_row_names():
    """The same plain code on the two maps is two units: the row's ``map`` says which one the source named."""
    units = gz.load_units()
    communes = units[units["level"] == "commune"]
    old = communes[communes["map"] == gz.OLD_MAP].set_index("code")
    new = communes[communes["map"] == gz.NEW_MAP].set_index("code")
    reused = [c for c in old.index.intersection(new.index) if old.at[c, "successor_code"] != c]
    code = reused[0]  # an old commune's number that the 2025 list gives to another commune ('00025' in Hà Nội)
    frame = rows(
        {"commune_code": code, "map": gz.OLD_MAP, "period_end": date(2026, 3, 31)},
        {"commune_code": code, "map": gz.NEW_MAP, "period_end": date(2026, 3, 31)},
    )
    placed = gz.on_current_map(frame)
    assert placed.loc[0, "current_commune_code"] != code  # the old commune is not today's commune of its number
    assert placed.loc[1, ["current_commune", "current_commune_code"]].tolist() == [
        gz.resolve(code, map=gz.NEW_MAP).label,
        code,
    ]
