"""Progress against the 2025 targets, on small hand-built units, indicators, targets and observations.

Figures follow the Quảng Ngãi and Thanh Hóa reports of 2023 (Đức Phổ 80% of
work records online, its communes 60%; Nghĩa Hành 66.4% of dossiers received
online); the rest are made up to exercise one rule each.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

from cds_analysis.analysis.progress import STATUSES, period_end_of, progress
from cds_analysis.reference.gazetteer import on_current_map
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, PROGRESS
from cds_analysis.reference.targets import targets_from_reports

OLD_END, NEW_START = dt.date(2025, 6, 30), dt.date(2025, 7, 1)


def _unit(code, name, level, parent=None, type_="huyện", old=True, successor=None):
    return {
        "code": code,
        "map": OLD_MAP if old else NEW_MAP,
        "name": name,
        "type": type_,
        "level": level,
        "parent_code": parent,
        "valid_from": None if old else NEW_START,
        "valid_to": OLD_END if old else None,
        "successor_code": successor,
        "source": "test",
    }


UNITS = pd.DataFrame(
    [
        _unit("51", "Quảng Ngãi", "province", type_="tỉnh", successor="51"),
        _unit("62", "Kon Tum", "province", type_="tỉnh", successor="51"),
        _unit("38", "Thanh Hóa", "province", type_="tỉnh", successor="38"),
        _unit("51", "Quảng Ngãi", "province", type_="tỉnh", old=False),  # the same numbers on the 2025 map
        _unit("38", "Thanh Hóa", "province", type_="tỉnh", old=False),
        _unit("525", "Trà Bồng", "district", "51"),
        _unit("532", "Nghĩa Hành", "district", "51"),
        _unit("534", "Đức Phổ", "district", "51", type_="thị xã"),
        _unit("608", "Kon Tum", "district", "62", type_="thành phố"),
        _unit("394", "Yên Định", "district", "38"),
        _unit("399", "Hoằng Hóa", "district", "38"),
        _unit("21115", "Trà Xuân", "commune", "525", type_="thị trấn"),
        _unit("21118", "Trà Giang", "commune", "525", type_="xã"),
        _unit("21121", "Trà Thủy", "commune", "525", type_="xã"),
        _unit("21364", "Chợ Chùa", "commune", "532", type_="thị trấn"),
        _unit("21367", "Hành Thuận", "commune", "532", type_="xã"),
        _unit("23281", "Quang Trung", "commune", "608", type_="phường"),
        _unit("15403", "Yên Lâm", "commune", "394", type_="thị trấn"),
        _unit("15406", "Yên Tâm", "commune", "394", type_="xã"),
        _unit("15187", "Kim Tân", "commune", "399", type_="thị trấn"),
        _unit("21028", "Nghĩa Lộ", "commune", "51", type_="phường", old=False),
        _unit("21115", "Trà Xuân", "commune", "51", type_="xã", old=False),  # went whole: its old number
    ]
)

INDICATORS = pd.DataFrame(
    [
        ("work_records_online_rate", "percent", True, "weighted_mean"),
        ("online_dossier_rate", "percent", True, "weighted_mean"),
        ("community_tech_teams", "count", True, "sum"),
        ("communes_completed_dx", "count", True, "sum"),
        ("dx_criteria_met", "criteria", True, "mean"),
        ("dti_rank", "rank", False, "none"),
    ],
    columns=["code", "unit", "higher_is_better", "aggregation"],
).assign(name_vi="chỉ tiêu", name_en="indicator", levels="province,district,commune", triggers=None, description=None)

PERIODS = {
    "2022": ("2022-01-01", "2022-12-31"),
    "2023-Q1": ("2023-01-01", "2023-03-31"),
    "2023-Q2": ("2023-04-01", "2023-06-30"),
    "2023-H1": ("2023-01-01", "2023-06-30"),
    "2023": ("2023-01-01", "2023-12-31"),
    "2025": ("2025-01-01", "2025-12-31"),
    "2025-Q3": ("2025-07-01", "2025-09-30"),
}
_ids = itertools.count(1)


def observation(
    indicator,
    value,
    level,
    period,
    province,
    district=None,
    commune=None,
    *,
    unit="percent",
    numerator=None,
    denominator=None,
    is_target=False,
    qualifier="exact",
    document="d1",
    map_=OLD_MAP,
):
    """One row of the observations table (its own schema, the fields progress reads filled in), codes on ``map_``."""
    start, end = PERIODS[period] if period else (None, None)
    return {
        "observation_id": f"o{next(_ids):04d}",
        "document_id": document,
        "source": f"{document}.txt",
        "indicator": indicator,
        "indicator_text": None,
        "value": float(value),
        "unit": unit,
        "numerator": numerator,
        "denominator": denominator,
        "qualifier": qualifier,
        "is_target": is_target,
        "period_label": period,
        "period_start": dt.date.fromisoformat(start) if start else None,
        "period_end": dt.date.fromisoformat(end) if end else None,
        "admin_level": level,
        "place": "nơi",
        "province": None,
        "province_code": province,
        "district": None,
        "district_code": district,
        "commune": None,
        "commune_code": commune,
        "map": map_,
        "evidence": f"{value}",
        "char_start": 0,
        "char_end": 1,
        "extractor_version": "test",
    }


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def target(
    indicator,
    level,
    value,
    scope="national",
    comparator=">=",
    source="749/QĐ-TTg",
    date="2020-06-03",
    target_id=None,
    origin="reference",
    confirmed=True,
    year=2025,
):
    return {
        "target_id": target_id or f"{scope}_{indicator}_{level}_{value}",
        "indicator": indicator,
        "admin_level": level,
        "scope": scope,
        "map": None if scope == "national" else OLD_MAP,
        "scope_name": None,
        "comparator": comparator,
        "target_value": float(value),
        "unit": "percent",
        "year": year,
        "source_decision": source,
        "source_date": dt.date.fromisoformat(date) if date else None,
        "confirmed": confirmed,
        "origin": origin,
        "note": None,
    }


TARGETS = pd.DataFrame(
    [
        target("work_records_online_rate", "district", 80),
        target("work_records_online_rate", "commune", 60),
        target("work_records_online_rate", "commune", 70, scope="51", source="38/KH-UBND", date="2024-02-20"),
        target("online_dossier_rate", "national", 80, source="942/QĐ-TTg", date="2021-06-15"),
        target("dti_rank", "province", 10, scope="38", comparator="top_n", source="06-NQ/TU", date="2021-11-10"),
        target("communes_completed_dx", "commune", 300, scope="38", source="Báo Thanh Hóa", date=None),
    ]
)


def run(rows, level="district", as_of="2023-Q2", map_=OLD_MAP, targets=TARGETS, **kw) -> pd.DataFrame:
    return progress(
        rows if isinstance(rows, pd.DataFrame) else frame(*rows),
        targets=targets,
        as_of=as_of,
        level=level,
        map=map_,
        units=UNITS,
        indicators=INDICATORS,
        **kw,
    )


def row(result: pd.DataFrame, unit_code: str, indicator: str, tier: str, map_: str | None = None) -> pd.Series:
    found = result[
        (result["unit_code"] == unit_code)
        & (result["indicator"] == indicator)
        & (result["admin_level"] == tier)
        & ((result["map"] == map_) if map_ else True)
    ]
    assert len(found) == 1, f"expected one row for {unit_code} {indicator} {tier}, got {len(found)}"
    return found.iloc[0]


# ------------------------------------------------------------------ shape of the result


def test_result_is_in_the_progress_schema_with_known_statuses():
    result = run([observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534")])
    assert list(result.columns) == PROGRESS.names
    assert set(result["status"]) <= set(STATUSES)
    assert result["as_of"].eq("2023-Q2").all()
    assert result["unit_code"].is_monotonic_increasing


def test_every_district_is_listed_and_one_without_data_says_so():
    result = run([observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534")])
    assert set(result["unit_code"]) == {"525", "532", "534", "608", "394", "399"}
    empty = row(result, "532", "work_records_online_rate", "district")
    assert empty["status"] == "no_data"
    assert pd.isna(empty["latest_value"]) and empty["n_units_reported"] == 0 and empty["n_periods"] == 0
    assert empty["target_value"] == 80  # the target still shows: the gap in coverage is visible


# ------------------------------------------------------------------ status


def test_met_when_the_latest_value_reaches_the_target():
    r = row(
        run([observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534")]),
        "534",
        "work_records_online_rate",
        "district",
    )
    assert (r["status"], r["latest_value"], r["latest_period"], r["gap"], r["share_of_target"]) == (
        "met",
        80,
        "2023-H1",
        0,
        1,
    )
    assert r["aggregation"] == "observed" and (r["n_units_reported"], r["n_units_total"]) == (1, 1)


def test_on_track_when_the_trend_reaches_the_target_by_2025():
    rows = [
        observation("work_records_online_rate", 60, "district", "2022", "51", "532"),
        observation("work_records_online_rate", 70, "district", "2023", "51", "532"),
    ]
    r = row(run(rows, as_of="2023"), "532", "work_records_online_rate", "district")
    assert r["status"] == "on_track"
    assert r["n_periods"] == 2
    assert r["trend_per_year"] == pytest.approx(10 * 365.25 / 365, rel=1e-6)  # slope against period ends
    years_left = (dt.date(2025, 12, 31) - dt.date(2023, 12, 31)).days / 365.25
    assert r["projected_2025"] == pytest.approx(70 + r["trend_per_year"] * years_left, rel=1e-6)
    assert r["gap"] == pytest.approx(10) and r["share_of_target"] == pytest.approx(70 / 80)


def test_off_track_when_falling_short_without_a_trend_that_gets_there():
    rows = [
        observation("work_records_online_rate", 70, "district", "2022", "51", "532"),
        observation("work_records_online_rate", 71, "district", "2023", "51", "532"),
        observation("online_dossier_rate", 66.4, "district", "2023-H1", "51", "532"),  # one period: no trend
    ]
    result = run(rows, as_of="2023")
    assert row(result, "532", "work_records_online_rate", "district")["status"] == "off_track"
    single = row(result, "532", "online_dossier_rate", "district")
    assert single["status"] == "off_track" and pd.isna(single["trend_per_year"]) and single["n_periods"] == 1


def test_no_target_when_nothing_applies_to_the_value():
    r = row(
        run([observation("community_tech_teams", 96, "district", "2023-H1", "51", "525", unit="count")]),
        "525",
        "community_tech_teams",
        "district",
    )
    assert r["status"] == "no_target" and r["latest_value"] == 96 and pd.isna(r["target_value"])


def test_projection_of_a_percentage_stays_within_100():
    rows = [
        observation("work_records_online_rate", 50, "district", "2022", "51", "532"),
        observation("work_records_online_rate", 79, "district", "2023", "51", "532"),
    ]
    assert row(run(rows, as_of="2023"), "532", "work_records_online_rate", "district")["projected_2025"] == 100


# ------------------------------------------------------------------ as_of


def test_as_of_leaves_out_later_periods():
    rows = [
        observation("work_records_online_rate", 60, "district", "2023-Q1", "51", "534"),
        observation("work_records_online_rate", 85, "district", "2023", "51", "534"),
    ]
    early = row(run(rows, as_of="2023-Q2"), "534", "work_records_online_rate", "district")
    late = row(run(rows, as_of="2023"), "534", "work_records_online_rate", "district")
    assert (early["latest_value"], early["latest_period"], early["n_periods"]) == (60, "2023-Q1", 1)
    assert (late["latest_value"], late["latest_period"], late["n_periods"]) == (85, "2023", 2)
    assert row(run(rows, as_of="2022"), "534", "work_records_online_rate", "district")["status"] == "no_data"


def test_documents_that_are_none_of_the_observations_dates_leave_them_as_they_are():
    # An analyst's subset: the documents table given holds none of these observations' documents.
    dated = observation("work_records_online_rate", 80, "district", "2023-Q1", "51", "534", document="qng")
    others = pd.DataFrame({"document_id": ["other"], "published": [dt.date(2023, 7, 28)]})
    r = row(run([dated], as_of="2023-Q2", documents=others), "534", "work_records_online_rate", "district")
    assert (r["latest_value"], r["latest_period"]) == (80, "2023-Q1")


def test_undated_observations_count_as_of_publication_only_when_documents_are_given():
    undated = observation("work_records_online_rate", 80, "district", None, "51", "534", document="qng")
    documents = pd.DataFrame({"document_id": ["qng"], "published": [dt.date(2023, 7, 28)]})
    assert row(run([undated], as_of="2023-Q3"), "534", "work_records_online_rate", "district")["status"] == "no_data"
    dated = row(run([undated], as_of="2023-Q3", documents=documents), "534", "work_records_online_rate", "district")
    assert (dated["latest_value"], dated["latest_period"]) == (80, "as_of 2023-07-28")
    assert (
        row(run([undated], as_of="2023-Q2", documents=documents), "534", "work_records_online_rate", "district")[
            "status"
        ]
        == "no_data"
    )


def test_targets_and_other_indicator_are_not_values():
    rows = [
        observation("work_records_online_rate", 90, "district", "2023-H1", "51", "534", is_target=True),
        observation("other", 5, "district", "2023-H1", "51", "534"),
    ]
    result = run(rows)
    assert "other" not in set(result["indicator"])
    assert row(result, "534", "work_records_online_rate", "district")["status"] == "no_data"


# ------------------------------------------------------------------ roll-ups and coverage


def test_counts_sum_to_the_parent_over_complete_coverage_and_are_a_lower_bound_otherwise():
    rows = [
        observation("community_tech_teams", 5, "commune", "2023-H1", "51", "525", "21115", unit="count"),
        observation("community_tech_teams", 7, "commune", "2023-H1", "51", "525", "21118", unit="count"),
    ]
    r = row(run(rows), "525", "community_tech_teams", "commune")
    assert (r["latest_value"], r["aggregation"], r["n_units_reported"], r["n_units_total"]) == (12, "sum_partial", 2, 3)
    assert r["observation_ids"] == ";".join(sorted(o["observation_id"] for o in rows))
    assert "2/3" in r["status_rule"]
    third = observation("community_tech_teams", 4, "commune", "2023-H1", "51", "525", "21121", unit="count")
    r = row(run([*rows, third]), "525", "community_tech_teams", "commune")
    assert (r["latest_value"], r["aggregation"], r["n_units_reported"]) == (16, "sum", 3)
    province = row(run([*rows, third], level="province"), "51", "community_tech_teams", "commune")
    assert (province["latest_value"], province["aggregation"]) == (16, "sum_partial")
    assert (province["n_units_reported"], province["n_units_total"]) == (3, 5)


def _dossiers(share, commune, district, received):
    return observation(
        "online_dossier_rate",
        share,
        "commune",
        "2023-H1",
        "51",
        district,
        commune,
        numerator=share * received / 100,
        denominator=received,
    )


def test_rates_are_weighted_by_denominators_over_complete_coverage_only():
    nghia_hanh = [_dossiers(50, "21364", "532", 100), _dossiers(90, "21367", "532", 300)]
    tra_bong = [_dossiers(20, "21115", "525", 100), _dossiers(40, "21118", "525", 50)]
    district = row(run(nghia_hanh), "532", "online_dossier_rate", "commune")
    assert (district["latest_value"], district["aggregation"]) == (80, "weighted_mean")
    partial = row(run([*nghia_hanh, *tra_bong], level="province"), "51", "online_dossier_rate", "commune")
    assert pd.isna(partial["latest_value"]) and partial["status"] == "no_data"  # 4 of 5 communes: no province rate
    everyone = [*nghia_hanh, *tra_bong, _dossiers(10, "21121", "525", 50)]
    province = row(run(everyone, level="province"), "51", "online_dossier_rate", "commune")
    assert province["latest_value"] == pytest.approx((50 + 270 + 20 + 20 + 5) / 600 * 100)
    assert province["aggregation"] == "weighted_mean" and province["n_units_reported"] == 5


def test_rates_without_denominators_give_the_parent_no_value():
    rows = [
        observation(
            "online_dossier_rate", 50, "commune", "2023-H1", "51", "532", "21364", numerator=50, denominator=100
        ),
        observation("online_dossier_rate", 90, "commune", "2023-H1", "51", "532", "21367"),
    ]
    result = run(rows)
    assert pd.isna(row(result, "532", "online_dossier_rate", "commune")["latest_value"])
    communes = run(rows, level="commune")
    assert row(communes, "21367", "online_dossier_rate", "commune")["latest_value"] == 90  # the units are shown


def test_mean_rule_is_not_rolled_up():
    rows = [
        observation("dx_criteria_met", 11, "commune", "2023", "38", "394", "15403", unit="criteria"),
        observation("dx_criteria_met", 8, "commune", "2023", "38", "394", "15406", unit="criteria"),
    ]
    assert pd.isna(row(run(rows, as_of="2023"), "394", "dx_criteria_met", "commune")["latest_value"])


def test_ranks_are_not_rolled_up():
    rows = [observation("dti_rank", 3, "district", "2022", "51", "534", unit="rank")]
    result = run(rows, level="province", as_of="2022")
    assert row(result, "51", "dti_rank", "district")["status"] == "no_data"


def test_only_periods_in_common_are_rolled_up_together():
    rows = [
        observation("community_tech_teams", 5, "commune", "2023-Q1", "51", "525", "21115", unit="count"),
        observation("community_tech_teams", 7, "commune", "2023-Q2", "51", "525", "21118", unit="count"),
    ]
    r = row(run(rows), "525", "community_tech_teams", "commune")
    assert (r["latest_value"], r["latest_period"], r["n_units_reported"]) == (7, "2023-Q2", 1)
    assert r["n_periods"] == 0  # partial sums of different communes are no series


def test_a_district_collective_counts_as_all_its_communes_and_wins_over_single_ones():
    collective = observation("work_records_online_rate", 60, "commune", "2023-H1", "51", "525")
    single = observation("work_records_online_rate", 90, "commune", "2023-H1", "51", "525", "21115")
    r = row(run([collective, single]), "525", "work_records_online_rate", "commune")
    assert (r["latest_value"], r["aggregation"], r["observation_ids"]) == (60, "observed", collective["observation_id"])
    assert (r["n_units_reported"], r["n_units_total"]) == (3, 3)
    assert r["target_value"] == 70  # the communes' tier: Quảng Ngãi's plan, not the district's 80
    other = observation("community_tech_teams", 22, "commune", "2023-H1", "51", "525", unit="count")
    province = row(
        run(
            [other, observation("community_tech_teams", 4, "commune", "2023-H1", "51", "532", "21364", unit="count")],
            level="province",
        ),
        "51",
        "community_tech_teams",
        "commune",
    )
    assert (province["latest_value"], province["n_units_reported"], province["n_units_total"]) == (26, 4, 5)


def test_a_direct_province_figure_wins_over_the_roll_up():
    rows = [
        observation("community_tech_teams", 173, "commune", "2023-H1", "51"),
        observation("community_tech_teams", 5, "commune", "2023-H1", "51", "525", "21115", unit="count"),
    ]
    r = row(run(rows, level="province"), "51", "community_tech_teams", "commune")
    assert (r["latest_value"], r["aggregation"], r["n_units_total"]) == (173, "observed", 5)


def test_district_and_commune_tiers_of_a_district_are_separate_rows():
    rows = [
        observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534"),
        observation("work_records_online_rate", 60, "commune", "2023-H1", "51", "534"),
    ]
    result = run(rows)
    own, communes = (
        row(result, "534", "work_records_online_rate", "district"),
        row(result, "534", "work_records_online_rate", "commune"),
    )
    assert (own["latest_value"], own["target_value"], own["status"]) == (80, 80, "met")
    assert (communes["latest_value"], communes["target_value"], communes["status"]) == (60, 70, "off_track")
    assert pd.isna(communes["n_units_total"])  # the gazetteer here lists no commune of Đức Phổ


def test_codes_missing_from_the_gazetteer_still_get_their_rows():
    r = row(
        run(
            [observation("community_tech_teams", 3, "commune", "2023-H1", "51", "525", "99999", unit="count")],
            level="commune",
        ),
        "99999",
        "community_tech_teams",
        "commune",
    )
    assert (r["latest_value"], r["province_code"]) == (3, "51")


# ------------------------------------------------------------------ 63 → 34 provinces


def test_old_provinces_roll_up_into_their_successor():
    rows = [
        observation("community_tech_teams", 12, "commune", "2023-H1", "51", "525", "21115", unit="count"),
        observation("community_tech_teams", 8, "commune", "2023-H1", "62", "608", "23281", unit="count"),
        observation("online_dossier_rate", 50, "province", "2023-H1", "51", numerator=500, denominator=1000),
        observation("online_dossier_rate", 80, "province", "2023-H1", "62", numerator=800, denominator=1000),
    ]
    new = run(rows, level="province", map_=NEW_MAP)
    assert set(zip(new["unit_code"], new["map"], new["province_map"])) == {
        ("51", NEW_MAP, NEW_MAP),
        ("38", NEW_MAP, NEW_MAP),
    }
    teams = row(new, "51", "community_tech_teams", "commune")
    assert (teams["latest_value"], teams["n_units_reported"], teams["n_units_total"]) == (20, 2, 6)
    rate = row(new, "51", "online_dossier_rate", "province")
    assert (rate["latest_value"], rate["aggregation"], rate["n_units_reported"], rate["n_units_total"]) == (
        65,
        "weighted_mean",
        2,
        2,
    )
    old = run(rows, level="province")
    assert row(old, "62", "community_tech_teams", "commune")["latest_value"] == 8


def test_an_unchanged_province_keeps_its_rank_and_plan_and_a_merged_one_gets_no_rank():
    rows = [
        observation("dti_rank", 15, "province", "2022", "38", unit="rank"),
        observation("dti_rank", 26, "province", "2022", "51", unit="rank"),
    ]
    new = run(rows, level="province", map_=NEW_MAP, as_of="2022")
    thanh_hoa = row(new, "38", "dti_rank", "province")
    assert (thanh_hoa["latest_value"], thanh_hoa["aggregation"], thanh_hoa["target_value"]) == (15, "observed", 10)
    assert row(new, "51", "dti_rank", "province")["status"] == "no_data"


def test_districts_name_their_new_province_after_the_merger():
    rows = [observation("work_records_online_rate", 80, "district", "2023-H1", "62", "608")]
    r = row(run(rows, map_=NEW_MAP), "608", "work_records_online_rate", "district")
    assert (r["province_code"], r["province_map"], r["province"]) == ("51", NEW_MAP, "Quảng Ngãi")
    assert r["map"] == OLD_MAP  # the district itself is a unit of the old map


def test_new_communes_roll_into_the_new_province_and_count_in_its_era():
    rows = [
        observation("community_tech_teams", 9, "commune", "2025-Q3", "51", None, "21028", unit="count", map_=NEW_MAP)
    ]
    r = row(run(rows, level="province", map_=NEW_MAP, as_of="2025"), "51", "community_tech_teams", "commune")
    assert (r["latest_value"], r["n_units_reported"], r["n_units_total"]) == (9, 1, 2)
    communes = run(rows, level="commune", map_=NEW_MAP, as_of="2025")
    valued = communes[communes["latest_value"].notna()]
    assert set(zip(valued["unit_code"], valued["map"])) == {("21028", NEW_MAP)}


def test_a_code_on_both_maps_is_two_units():
    """'51' (and a commune that kept its number) on the old and on the 2025 map never merge."""
    rows = [
        observation("community_tech_teams", 4, "commune", "2023-H1", "51", "525", "21115", unit="count"),
        observation("community_tech_teams", 7, "commune", "2025-Q3", "51", None, "21115", unit="count", map_=NEW_MAP),
        observation("online_dossier_rate", 50, "province", "2023-H1", "51"),
        observation("online_dossier_rate", 90, "province", "2025-Q3", "51", map_=NEW_MAP),
    ]
    communes = run(rows, level="commune", map_=NEW_MAP, as_of="2025")
    old = row(communes, "21115", "community_tech_teams", "commune", OLD_MAP)
    new = row(communes, "21115", "community_tech_teams", "commune", NEW_MAP)
    assert (old["latest_value"], old["latest_period"], new["latest_value"], new["latest_period"]) == (
        4,
        "2023-H1",
        7,
        "2025-Q3",
    )
    old_map = run(rows, level="province", as_of="2025")  # the old Quảng Ngãi has only its own, old figure
    assert row(old_map, "51", "online_dossier_rate", "province")["latest_value"] == 50
    new_map = row(run(rows, level="province", map_=NEW_MAP, as_of="2025"), "51", "online_dossier_rate", "province")
    assert (new_map["latest_value"], new_map["latest_period"]) == (90, "2025-Q3")


# ------------------------------------------------------------------ which target


def test_a_province_plan_overrides_the_national_target_for_the_same_tier():
    rows = [
        observation("work_records_online_rate", 65, "commune", "2023-H1", "51", "534"),
        observation("work_records_online_rate", 65, "commune", "2023-H1", "38", "394"),
    ]
    result = run(rows)
    quang_ngai, thanh_hoa = (
        row(result, "534", "work_records_online_rate", "commune"),
        row(result, "394", "work_records_online_rate", "commune"),
    )
    assert (quang_ngai["target_value"], quang_ngai["target_source"], quang_ngai["status"]) == (
        70,
        "38/KH-UBND",
        "off_track",
    )
    assert (thanh_hoa["target_value"], thanh_hoa["target_source"], thanh_hoa["status"]) == (60, "749/QĐ-TTg", "met")


def test_a_national_tier_target_stands_in_where_a_tier_has_none():
    r = row(
        run([observation("online_dossier_rate", 66.4, "district", "2023-H1", "51", "532")]),
        "532",
        "online_dossier_rate",
        "district",
    )
    assert (r["target_value"], r["target_source"], r["status"]) == (80, "942/QĐ-TTg", "off_track")


def test_a_count_target_applies_to_the_province_total_only():
    rows = [
        observation("communes_completed_dx", 4, "commune", "2023", "38", "394", unit="count"),
        observation("communes_completed_dx", 2, "commune", "2023", "38", "399", unit="count"),
    ]
    province = row(run(rows, level="province", as_of="2023"), "38", "communes_completed_dx", "commune")
    assert (province["latest_value"], province["target_value"], province["status"]) == (6, 300, "off_track")
    assert pd.isna(row(run(rows, as_of="2023"), "394", "communes_completed_dx", "commune")["target_value"])


def test_a_target_stated_in_a_report_applies_to_its_district():
    rows = [
        observation(
            "communes_completed_dx", 6, "commune", "2025", "38", "394", unit="count", is_target=True, document="yd"
        ),
        observation("communes_completed_dx", 2, "commune", "2023", "38", "394", unit="count"),
    ]
    from_reports = targets_from_reports(frame(*rows), INDICATORS)
    result = run(rows, as_of="2023", targets=pd.concat([TARGETS, from_reports], ignore_index=True))
    r = row(result, "394", "communes_completed_dx", "commune")
    assert (r["target_value"], r["target_source"], r["status"]) == (6, "yd.txt", "off_track")
    assert pd.isna(row(result, "399", "communes_completed_dx", "commune")["target_value"])


# ------------------------------------------------------------------ ranks


@pytest.mark.parametrize(
    ("ranks", "status"),
    [
        ({"2022": 8}, "met"),
        ({"2022": 15}, "off_track"),
        ({"2022": 20, "2023": 12}, "on_track"),
        ({"2022": 11, "2023": 15}, "off_track"),
    ],
)
def test_ranks_improve_downwards(ranks, status):
    rows = [observation("dti_rank", v, "province", p, "38", unit="rank") for p, v in ranks.items()]
    r = row(run(rows, level="province", as_of="2023"), "38", "dti_rank", "province")
    assert r["status"] == status
    latest = list(ranks.values())[-1]
    assert r["gap"] == latest - 10 and r["share_of_target"] == pytest.approx(10 / latest)


def test_projected_rank_never_goes_above_first():
    rows = [observation("dti_rank", v, "province", p, "38", unit="rank") for p, v in {"2022": 40, "2023": 5}.items()]
    assert row(run(rows, level="province", as_of="2023"), "38", "dti_rank", "province")["projected_2025"] == 1


# ------------------------------------------------------------------ arguments


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": "village"}, "level must be"),
        ({"map_": "post2025"}, "map must be"),
        ({"as_of": "quý 2"}, "as_of 'quý 2'"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        run([observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534")], **kwargs)


@pytest.mark.parametrize(
    ("label", "day"),
    [
        ("2023", "2023-12-31"),
        ("2023-Q1", "2023-03-31"),
        ("2024-Q1", "2024-03-31"),
        ("2023-H1", "2023-06-30"),
        ("2024-02", "2024-02-29"),
        ("2023-05-30", "2023-05-30"),
    ],
)
def test_period_end_of_labels(label, day):
    assert period_end_of(label) == np.datetime64(day)


# ------------------------------------------------------------------ issue 13: a defensible progress


def test_two_figures_of_one_province_and_period_are_not_averaged():
    # One article gives a late-dossier rate of 3,45% and, further down, a withdrawal rate of 0,08% that the
    # extractor also read as late dossiers: the province keeps one figure, the other stays visible.
    late = observation("late_dossier_rate", 3.45, "province", "2023-H1", "51")
    withdrawn = observation("late_dossier_rate", 0.08, "province", "2023-H1", "51")
    r = row(run([late, withdrawn], level="province"), "51", "late_dossier_rate", "province")
    assert r["latest_value"] == 3.45 and r["observation_ids"] == late["observation_id"]
    assert r["set_aside_ids"] == withdrawn["observation_id"]
    assert withdrawn["observation_id"] in r["status_rule"]


def test_conflicting_sources_give_one_value_by_the_documented_rule_and_a_conflict_listing_both():
    from cds_analysis.analysis.conflicts import conflicts

    article = observation("online_dossier_rate", 62.5, "district", "2023-H1", "51", "532", document="bao-qng")
    sheet = observation("online_dossier_rate", 66.4, "district", "2023-H1", "51", "532", document="bc-nghia-hanh")
    sheet["source"] = "bc-nghia-hanh.xlsx"  # the district's own report wins over the news article
    r = row(run([article, sheet]), "532", "online_dossier_rate", "district")
    assert (r["latest_value"], r["observation_ids"], r["set_aside_ids"]) == (
        66.4,
        sheet["observation_id"],
        article["observation_id"],
    )
    assert conflicts(frame(article, sheet).assign(place="huyện Nghĩa Hành"))["value"].tolist() == [62.5, 66.4]
    documents = pd.DataFrame(
        {"document_id": ["bao-qng", "bc-nghia-hanh"], "published": [dt.date(2023, 8, 2), dt.date(2023, 7, 5)]}
    )
    later = row(run([article, sheet], documents=documents), "532", "online_dossier_rate", "district")
    assert later["latest_value"] == 62.5  # a later publication comes before the kind of source


def test_the_more_specific_period_wins_at_the_same_period_end():
    year = observation("online_dossier_rate", 70, "district", "2023", "51", "532")
    day = observation("online_dossier_rate", 72.3, "district", "2023", "51", "532")
    day.update(period_label="as_of 2023-12-31", period_start=None)
    r = row(run([year, day], as_of="2023"), "532", "online_dossier_rate", "district")
    assert (r["latest_value"], r["latest_period"], r["set_aside_ids"]) == (
        72.3,
        "as_of 2023-12-31",
        year["observation_id"],
    )


def test_a_district_figure_is_never_the_province_figure():
    # 30 communes of Yên Định completed CĐS; Thanh Hóa's target is a province total.
    done = observation("communes_completed_dx", 30, "commune", "2023", "38", "394", unit="count")
    rate = observation("work_records_online_rate", 95, "district", "2023", "38", "394")
    result = run([done, rate], level="province", as_of="2023")
    communes = row(result, "38", "communes_completed_dx", "commune")
    assert (communes["latest_value"], communes["aggregation"], communes["status"]) == (30, "sum_partial", "no_data")
    assert "ít nhất 30" in communes["status_rule"]
    assert (communes["n_units_reported"], communes["n_units_total"]) == (2, 3)  # Yên Định's 2 of 3 communes
    assert pd.isna(row(result, "38", "work_records_online_rate", "district")["latest_value"])


def test_a_two_district_series_is_not_a_trend():
    first = observation("online_dossier_rate", 2661, "district", "2022", "51", "532", unit="count")
    second = observation("online_dossier_rate", 668, "district", "2023-H1", "51", "534", unit="count")
    rows = [{**o, "indicator": "community_tech_teams"} for o in (first, second)]
    r = row(run(rows, level="province", as_of="2023-H1"), "51", "community_tech_teams", "district")
    assert r["aggregation"] == "sum_partial" and r["n_periods"] == 0
    assert pd.isna(r["trend_per_year"]) and pd.isna(r["projected_2025"])


def test_a_one_point_series_has_no_projection_and_the_rule_says_why():
    r = row(
        run([observation("online_dossier_rate", 66.4, "district", "2023-H1", "51", "532")]),
        "532",
        "online_dossier_rate",
        "district",
    )
    assert r["status"] == "off_track" and pd.isna(r["projected_2025"]) and r["n_periods"] == 1
    assert "cần ít nhất 2 kỳ" in r["status_rule"]


def test_a_2022_figure_is_stale_in_2025_q4_and_never_met():
    old = observation("online_dossier_rate", 100, "district", "2022", "51", "532")
    r = row(run([old], as_of="2025-Q4"), "532", "online_dossier_rate", "district")
    assert (r["status"], r["age_quarters"], r["latest_period_end"]) == ("stale", 12, dt.date(2022, 12, 31))
    assert "4 quý" in r["status_rule"]
    recent = observation("online_dossier_rate", 100, "district", "2025", "51", "532")
    assert row(run([recent], as_of="2025-Q4"), "532", "online_dossier_rate", "district")["age_quarters"] == 0


def test_an_undated_figure_takes_its_document_date_marked_as_such():
    undated = observation("online_dossier_rate", 100, "district", None, "51", "532", document="qng-2022")
    documents = pd.DataFrame({"document_id": ["qng-2022"], "published": [dt.date(2022, 1, 14)]})
    r = row(run([undated], as_of="2025-Q4", documents=documents), "532", "online_dossier_rate", "district")
    assert (r["dated_by_document"], r["latest_period"], r["status"]) == (True, "as_of 2022-01-14", "stale")
    assert "ngày đăng" in r["status_rule"]


def test_horizon_2025_is_final_after_its_deadline_and_2030_is_judged_on_the_trend():
    rows = [
        observation("work_records_online_rate", 70, "district", "2022", "51", "532"),
        observation("work_records_online_rate", 79, "district", "2025", "51", "532"),
    ]
    later = [*TARGETS.to_dict("records"), target("work_records_online_rate", "district", 90, year=2030)]
    passed = row(run(rows, as_of="2025-Q4", targets=pd.DataFrame(later)), "532", "work_records_online_rate", "district")
    assert (passed["status"], passed["horizon"], passed["target_value"]) == ("not_met", 2025, 80)
    assert "31/12/2025" in passed["status_rule"]
    ahead = row(
        run(rows, as_of="2025-Q4", targets=pd.DataFrame(later), horizon=2030),
        "532",
        "work_records_online_rate",
        "district",
    )
    assert (ahead["status"], ahead["target_value"], ahead["target_year"]) == ("on_track", 90, 2030)
    assert ahead["projected_2025"] == pytest.approx(79 + 3 * 5, rel=1e-3)  # 3 points a year, five years on
    early = row(run(rows[:1], as_of="2022", targets=pd.DataFrame(later)), "532", "work_records_online_rate", "district")
    assert early["status"] == "off_track"  # before the deadline a shortfall is not final


def test_every_status_carries_its_rule():
    rows = [
        observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534"),
        observation("community_tech_teams", 96, "district", "2023-H1", "51", "525", unit="count"),
    ]
    result = run(rows)
    assert result["status_rule"].str.len().gt(20).all()
    assert row(result, "534", "work_records_online_rate", "district")["status_rule"].startswith("Đạt")
    assert row(result, "532", "work_records_online_rate", "district")["status_rule"].startswith("Không có số liệu")


def test_progress_defaults_to_the_latest_quarter_as_the_stored_table_does():
    from cds_analysis.analysis.progress import progress_table

    rows = frame(
        observation("work_records_online_rate", 80, "district", "2023-H1", "51", "534"),
        observation("work_records_online_rate", 85, "district", "2023", "51", "532"),
    )
    stored = progress_table(rows, levels=("district",))
    assert stored["as_of"].eq("2023-Q4").all()
    direct = progress(rows, level="district")
    pd.testing.assert_frame_equal(stored, direct)


def test_a_passed_target_is_judged_on_the_values_up_to_its_deadline():
    rows = [
        observation("work_records_online_rate", 76, "district", "2025", "51", "532"),
        observation("work_records_online_rate", 85, "district", "2025", "51", "532"),
    ]
    rows[1].update(period_label="2026-Q1", period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 3, 31))
    r = row(run(rows, as_of="2026-Q1"), "532", "work_records_online_rate", "district")
    assert (r["status"], r["latest_value"], r["latest_period"]) == ("not_met", 76, "2025")


# ------------------------------------------------------------------ the choice against a brute-force reference

_ENDS = {
    "2023-06-30": {"2023-H1": "2023-01-01", "2023-Q2": "2023-04-01", "as_of 2023-06-30": None},
    "2023-12-31": {"2023": "2023-01-01", "2023-H2": "2023-07-01", "2023-Q4": "2023-10-01", "as_of 2023-12-31": None},
}
_COMMUNES = [("51", "525", "21115"), ("51", "525", "21118"), ("51", "532", "21364"), ("38", "394", "15403")]


def _random_observations(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` commune figures crowded on few units, indicators and period ends, and their documents."""
    documents = pd.DataFrame(
        {
            "document_id": [f"doc{i}" for i in range(6)],
            "published": [
                None if rng.random() < 0.3 else dt.date(2024, 1, 1 + int(rng.integers(0, 3))) for _ in range(6)
            ],
        }
    )
    rows = []
    for _ in range(n):
        province, district, commune = _COMMUNES[rng.integers(len(_COMMUNES))]
        end = list(_ENDS)[rng.integers(2)]
        label = list(_ENDS[end])[rng.integers(len(_ENDS[end]))]
        indicator = ["online_dossier_rate", "community_tech_teams"][rng.integers(2)]
        document = f"doc{rng.integers(6)}"
        o = observation(
            indicator, int(rng.integers(0, 100)), "commune", None, province, district, commune, document=document
        )
        start = _ENDS[end][label]
        o.update(
            period_label=label,
            period_start=dt.date.fromisoformat(start) if start else None,
            period_end=dt.date.fromisoformat(end),
            source=f"{document}.{['txt', 'html', 'docx', 'xlsx'][rng.integers(4)]}",
            is_target=bool(rng.random() < 0.1),
        )
        rows.append(o)
    return frame(*rows), documents


def _reference_latest(obs: pd.DataFrame, documents: pd.DataFrame) -> dict:
    """Per commune × indicator, by the documented rule one row at a time: (value, chosen id, set-aside ids)."""
    published = dict(zip(documents["document_id"], documents["published"], strict=True))
    out = {}
    achieved = obs[~obs["is_target"]].reset_index(drop=True)
    for (commune, indicator), group in achieved.groupby(["commune_code", "indicator"]):
        at_end = group[group["period_end"] == group["period_end"].max()]

        def rank(position, o):
            days = 0 if o["period_start"] is None else (o["period_end"] - o["period_start"]).days
            day = published[o["document_id"]]
            later_first = -day.toordinal() if day is not None else 1  # unknown publication after every known one
            official = o["source"].rsplit(".", 1)[1] in ("docx", "xlsx")
            return (days, later_first, not official, position)

        ranked = sorted((rank(position, o), o["observation_id"], o["value"]) for position, o in at_end.iterrows())
        aside = sorted(i for _, i, _ in ranked[1:])
        out[(commune, indicator)] = (ranked[0][2], ranked[0][1], ";".join(aside) if aside else None)
    return out


@pytest.mark.parametrize("presence_table", [True, False])
@pytest.mark.parametrize("seed", range(12))
def test_the_chosen_value_and_set_aside_ids_match_a_brute_force_reference(seed, presence_table, monkeypatch):
    if not presence_table:  # as with millions of figures: the keys are sorted, not looked up in a table
        monkeypatch.setattr("cds_analysis.analysis.rollup._few_keys", lambda key, size: False)
    rng = np.random.default_rng(seed)
    obs, documents = _random_observations(rng, int(rng.integers(5, 80)))
    result = run(obs, level="commune", as_of="2023-Q4", documents=documents)
    got = result[result["latest_value"].notna() & (result["admin_level"] == "commune")]
    found = {
        (r.unit_code, r.indicator): (
            r.latest_value,
            r.observation_ids,
            None if pd.isna(r.set_aside_ids) else r.set_aside_ids,
        )
        for r in got.itertuples()
    }
    assert found == _reference_latest(obs, documents)


@pytest.mark.parametrize(
    "spans", [(50, 4, 3), (1 << 20, 1 << 12, 2), (1 << 40, 1 << 20, 1 << 10), (1 << 62, 1 << 40, 8)]
)
def test_the_packed_sort_orders_as_lexsort_with_ties_in_table_order(spans):
    from cds_analysis.analysis.rollup import _sort_order

    rng = np.random.default_rng(len(spans) + spans[0] % 97)
    keys = [rng.integers(-span // 2, span // 2, 5_000) for span in spans]
    keys[1][::7] = keys[1][0]  # ties
    assert np.array_equal(_sort_order(*keys), np.lexsort(tuple(reversed(keys))))


def test_progress_reads_only_its_input_columns():
    from cds_analysis.analysis.progress import INPUT_COLUMNS

    obs, documents = _random_observations(np.random.default_rng(7), 60)
    whole = run(obs, level="commune", as_of="2023-Q4", documents=documents, targets=None)
    read = run(obs[list(INPUT_COLUMNS)], level="commune", as_of="2023-Q4", documents=documents, targets=None)
    pd.testing.assert_frame_equal(whole, read)


def test_a_value_does_not_depend_on_the_order_the_reports_were_read():
    # Two communes of Trà Bồng stated 'tính đến 30/6/2023', a third undated in a report published that day: two
    # partial roll-ups end together, and the one of more units wins, whichever was read first.
    def stated(value, commune):
        o = observation("community_tech_teams", value, "commune", None, "51", "525", commune, unit="count")
        day = dt.date(2023, 6, 30)
        return {**o, "period_label": "as_of 2023-06-30", "period_start": day, "period_end": day}

    def undated(value, commune):
        return observation(
            "community_tech_teams", value, "commune", None, "51", "525", commune, unit="count", document="b"
        )

    documents = pd.DataFrame({"document_id": ["d1", "b"], "published": [dt.date(2023, 7, 2), dt.date(2023, 6, 30)]})
    rows = [stated(4, "21115"), stated(5, "21118"), undated(9, "21121")]
    for order in (rows, rows[::-1]):
        r = row(run(order, documents=documents), "525", "community_tech_teams", "commune")
        assert (r["latest_value"], r["latest_period"], r["aggregation"]) == (9, "as_of 2023-06-30", "sum_partial")
        assert not r["dated_by_document"]
    # Of two partial sums, the one of more units goes first: two communes dated by the report beat one stated.
    rows = [stated(4, "21115"), undated(5, "21118"), undated(6, "21121")]
    for order in (rows, rows[::-1]):
        r = row(run(order, documents=documents), "525", "community_tech_teams", "commune")
        assert (r["latest_value"], r["n_units_reported"], r["dated_by_document"]) == (11, 2, True)


def _country_observations() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Figures of three old provinces (two merged into one in 2025), a national target and one placed nowhere."""
    rows = [
        observation("work_records_online_rate", 72, "district", "2023-Q2", "51", "525"),
        observation("work_records_online_rate", 65, "commune", "2023-Q2", "51", "525", "21115", document="qng"),
        observation("work_records_online_rate", 90, "commune", "2023-Q2", "51", "525", "21118", document="qng"),
        observation("work_records_online_rate", 85, "district", None, "51", "532", document="qng"),
        observation("community_tech_teams", 12, "commune", "2023", "62", "608", "23281", unit="count", document="kt"),
        observation("community_tech_teams", 300, "commune", "2025", "38", is_target=True, unit="count", document="th"),
        observation("online_dossier_rate", 58.5, "province", "2023-H1", "38", document="th"),
        observation("online_dossier_rate", 81, "district", "2023-Q1", "38", "394", document="th"),
        observation("online_dossier_rate", 95, "national", "2025", None, is_target=True, document="vn"),
        observation("online_dossier_rate", 40, "commune", "2023-Q2", None, document="vn"),
    ]
    documents = pd.DataFrame(
        {
            "document_id": ["d1", "qng", "kt", "th", "vn"],
            "published": [dt.date(2023, 7, 5), dt.date(2023, 7, 20), dt.date(2024, 1, 3), None, dt.date(2023, 8, 1)],
        }
    )
    return on_current_map(frame(*rows)), documents


@pytest.mark.parametrize("per_part", [1, 2, 5])
def test_progress_computed_a_part_of_the_country_at_a_time_gives_the_whole_table(per_part):
    from cds_analysis.analysis.progress import INPUT_COLUMNS, progress_by_province, progress_table

    obs, documents = _country_observations()
    codes = list(pd.unique(obs["current_province_code"]))
    assert None in codes and "51" in codes and "38" in codes  # Quảng Ngãi took in Kon Tum: one part
    groups = [tuple(codes[i : i + per_part]) for i in range(0, len(codes), per_part)]
    parts = {
        group: (lambda group=group: obs[obs["current_province_code"].isin(group)][list(INPUT_COLUMNS)])
        for group in groups
    }
    whole = progress_table(obs[list(INPUT_COLUMNS)], documents=documents)
    got = progress_by_province(parts, documents=documents)
    pd.testing.assert_frame_equal(got, whole)
    assert set(got["province_code"]) >= {"51", "62", "38", "01"}  # provinces without figures have their rows
    assert row(got, "525", "work_records_online_rate", "district")["latest_value"] == 72
