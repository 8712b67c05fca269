"""Conflicts: two sources, one unit, indicator and period, two values; both kept, both shown."""

import openpyxl
import pandas as pd
import pytest

from cds_analysis.analysis.conflicts import conflicts, values_agree
from cds_analysis.pipeline import ingest
from cds_analysis.reference.schemas import schema
from cds_analysis.rules.extract import extract_text
from cds_analysis.sheets.reader import extract_sheet_file
from cds_analysis.store import read_table, sql

# Written for the project in the style of a district news post; figures of huyện Hoằng Hóa,
# quý 2/2023, with the full-process rate changed to 95,5% to disagree with the district's sheet.
ARTICLE = (
    "Hoằng Hóa đẩy mạnh dịch vụ công trực tuyến\n"
    "Ngày đăng: 10/07/2023\n\n"
    "Trong quý 2/2023, tại huyện Hoằng Hóa (tỉnh Thanh Hóa), tỷ lệ hồ sơ nộp trực tuyến đạt 100%, "
    "tỷ lệ hồ sơ trực tuyến toàn trình đạt 95,5%.\n"
)


def district_sheet(path) -> str:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quý II-2023"
    ws.append(["UBND HUYỆN HOẰNG HÓA"])
    ws.append(["Chỉ tiêu", "Kỳ báo cáo", "Giá trị", "ĐVT"])
    ws.append(["Tỷ lệ hồ sơ TTHC nộp trực tuyến", "Quý 2/2023", 100, "%"])
    ws.append(["Tỷ lệ hồ sơ trực tuyến toàn trình", "Quý 2/2023", "95,45", "%"])
    ws.append(["Tỷ lệ hồ sơ trực tuyến toàn trình", "Quý 1/2023", "90", "%"])
    wb.save(path)
    return str(path)


@pytest.fixture
def observations(tmp_path) -> pd.DataFrame:
    sheet, rejects = extract_sheet_file(district_sheet(tmp_path / "hoang_hoa.xlsx"))
    assert rejects.empty
    article = extract_text(ARTICLE, source="bai_bao.txt")
    return pd.concat([article, sheet.assign(source="hoang_hoa.xlsx")], ignore_index=True)


def test_sheet_and_article_disagreeing_are_listed_with_both_evidences(observations):
    found = conflicts(observations)
    assert list(found.columns) == schema("conflicts").names
    assert found["source"].tolist() == ["hoang_hoa.xlsx", "bai_bao.txt"]  # one row per value, in value order
    for _, row in found.iterrows():
        assert (row["indicator"], row["period_label"], row["admin_level"], row["unit_code"], row["place"]) == (
            "full_process_online_dossier_rate", "2023-Q2", "district", "399", "huyện Hoằng Hóa",
        )  # fmt: skip
    assert found["value"].tolist() == [95.45, 95.5]
    assert found["evidence"].iat[0] == "hoang_hoa.xlsx!Quý II-2023!C4: 95,45"
    assert found["evidence"].iat[1] in ARTICLE and "95,5%" in found["evidence"].iat[1]
    assert found[["disagrees_with", "n_sources"]].values.tolist() == [[1, 1], [1, 1]]
    assert len(observations) == 5  # nothing is dropped


def test_a_value_stated_by_several_sources_is_one_row_with_their_number(observations):
    article = observations[observations["source"] == "bai_bao.txt"]
    found = conflicts(pd.concat([observations, article.assign(source="bai_bao_2.txt")], ignore_index=True))
    assert found[["value", "n_sources", "source", "disagrees_with"]].values.tolist() == [
        [95.45, 1, "hoang_hoa.xlsx", 1],
        [95.5, 2, "bai_bao.txt", 1],
    ]


def test_values_are_rows_not_pairs():
    """Ten sources giving ten values for one thing are ten rows (pairs would be 45), each disagreeing with nine."""
    one = extract_text(ARTICLE, source="s0.txt")
    one = one[one["indicator"] == "full_process_online_dossier_rate"]
    many = pd.concat([one.assign(source=f"s{i}.txt", value=90.0 + i) for i in range(10)], ignore_index=True)
    found = conflicts(many)
    assert found["value"].tolist() == [90.0 + i for i in range(10)]
    assert found["disagrees_with"].eq(9).all()


def test_a_bound_agreeing_with_every_value_is_listed_beside_them():
    """'trên 90%' can be 95 and 96; 95 and 96 cannot both be: three rows, the bound disagreeing with none."""
    one = extract_text(ARTICLE, source="s0.txt")
    one = one[one["indicator"] == "full_process_online_dossier_rate"]
    stated = [("a.txt", 95.0, "exact"), ("b.txt", 96.0, "exact"), ("c.txt", 90.0, "more_than")]
    many = pd.concat([one.assign(source=s, value=v, qualifier=q) for s, v, q in stated], ignore_index=True)
    found = conflicts(many)
    assert found[["value", "qualifier", "disagrees_with"]].values.tolist() == [
        [90.0, "more_than", 0],
        [95.0, "exact", 1],
        [96.0, "exact", 1],
    ]
    assert conflicts(many[many["source"] != "b.txt"]).empty  # 95 is more than 90


def test_one_source_saying_two_things_beside_a_second_source(observations):
    """Source A says 95,5 and 95,45, source B 95,45: B's 95,45 and A's 95,5 disagree across sources."""
    sheet = observations[observations["source"] == "hoang_hoa.xlsx"]
    article = observations[observations["source"] == "bai_bao.txt"]
    a_twice = pd.concat([article, sheet.assign(source="bai_bao.txt")], ignore_index=True)
    found = conflicts(pd.concat([a_twice, sheet.assign(source="z.xlsx")], ignore_index=True))
    assert found[["value", "n_sources", "disagrees_with"]].values.tolist() == [[95.45, 2, 1], [95.5, 1, 1]]


def test_agreeing_values_other_periods_and_one_source_are_not_conflicts(observations):
    same = observations[observations["source"] == "bai_bao.txt"]
    twice = pd.concat([same, same.assign(value=same["value"] + 1, observation_id="x" + same["observation_id"])])
    assert conflicts(twice).empty  # one source saying two things is the extractor's business
    assert conflicts(observations[observations["indicator"] == "online_dossier_rate"]).empty  # 100 = 100
    assert conflicts(observations.iloc[0:0]).empty


def test_collective_communes_are_not_their_district(observations):
    communes = observations[observations["source"] == "bai_bao.txt"].assign(
        admin_level="commune", place="các xã, thị trấn huyện Hoằng Hóa", source="khac.txt"
    )
    found = conflicts(pd.concat([observations, communes], ignore_index=True))
    assert found["admin_level"].tolist() == ["district", "district"]


def test_the_same_code_on_the_two_maps_is_two_units(observations):
    """A code of the old map and the same number on the 2025 map are two units: their figures never conflict."""
    article = observations[observations["source"] == "bai_bao.txt"]
    other_map = article.assign(map="2025" if article["map"].iat[0] != "2025" else "2008–2025", source="khac.txt")
    other_map = other_map.assign(value=other_map["value"] + 10)
    assert conflicts(pd.concat([article, other_map], ignore_index=True)).empty
    same_map = other_map.assign(map=article["map"])
    found = conflicts(pd.concat([article, same_map], ignore_index=True))
    assert len(found) and found["map"].eq(article["map"].iat[0]).all()


@pytest.mark.parametrize(
    "a, qa, b, qb, agree",
    [
        (45.0, "exact", 40.0, "more_than", True),
        (35.0, "exact", 40.0, "more_than", False),
        (40.0, "exact", 40.0, "more_than", False),
        (40.0, "at_least", 40.0, "exact", True),
        (66.4, "approx", 65.0, "exact", True),
        (66.4, "approx", 60.0, "exact", False),
        (3.0, "exact", 5.0, "less_than", True),
        (50.0, "approx", 90.0, "more_than", True),
        (95.45, "exact", 95.45, "exact", True),
    ],
)
def test_qualifiers_are_read(a, qa, b, qb, agree):
    assert values_agree(a, qa, b, qb) is agree


def test_ingest_writes_the_conflicts_table(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bai_bao.txt").write_text(ARTICLE, encoding="utf-8")
    district_sheet(raw / "hoang_hoa.xlsx")
    ingest(raw, tmp_path / "out", progress=False)
    table = read_table("conflicts", tmp_path / "out")
    assert table[["source", "value"]].values.tolist() == [["hoang_hoa.xlsx", 95.45], ["bai_bao.txt", 95.5]]
    pairs = sql(  # the README's self-join
        """select a.indicator, a.unit_code, a.period_label, a.value, a.source, b.value, b.source
           from conflicts a join conflicts b using (indicator, period_label, admin_level, unit_code, map, is_target)
           where a.value < b.value""",
        tmp_path / "out",
    )
    assert pairs.values.tolist() == [
        ["full_process_online_dossier_rate", "399", "2023-Q2", 95.45, "hoang_hoa.xlsx", 95.5, "bai_bao.txt"]
    ]
    assert len(read_table("observations", tmp_path / "out")) == 5


def test_the_input_columns_are_all_conflicts_reads(observations):
    """Ingest reads only INPUT_COLUMNS from Parquet: the table must come out the same from them."""
    from cds_analysis.analysis.conflicts import INPUT_COLUMNS

    pd.testing.assert_frame_equal(conflicts(observations[list(INPUT_COLUMNS)]), conflicts(observations))


def test_conflicts_of_parts_holding_whole_units_are_those_of_the_whole_table(observations):
    from cds_analysis.analysis.conflicts import conflicts_in_parts

    other = observations.assign(source=lambda d: "kon_tum_" + d["source"], province_code="62", district_code="608")
    other = other.assign(value=other["value"] + 1)  # Kon Tum's own disagreement, in a part of its own
    everything = pd.concat([observations, other], ignore_index=True)
    whole = conflicts(everything)
    assert set(whole["unit_code"]) == {"399", "608"}
    parts = [everything[everything["province_code"] == code] for code in ("62", "38")]
    pd.testing.assert_frame_equal(conflicts_in_parts(parts), whole)
    assert conflicts_in_parts([everything.iloc[:0]]).empty
