"""The sourced 2025 targets, targets stated in reports, and which target applies to a row."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, TARGETS
from cds_analysis.reference.targets import (
    COMPARATORS,
    TARGETS_CSV,
    TargetsError,
    applicable_targets,
    load_targets,
    meets,
    targets_from_reports,
)

INDICATORS = pd.DataFrame(
    [
        ("work_records_online_rate", "percent", True, "weighted_mean"),
        ("online_dossier_rate", "percent", True, "weighted_mean"),
        ("communes_completed_dx", "count", True, "sum"),
        ("late_dossier_rate", "percent", False, "weighted_mean"),
        ("dti_rank", "rank", False, "none"),
    ],
    columns=["code", "unit", "higher_is_better", "aggregation"],
)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return load_targets()


def one(targets: pd.DataFrame, target_id: str) -> pd.Series:
    return targets.set_index("target_id").loc[target_id]


# ------------------------------------------------------------------ the reference file


def test_reference_targets_fit_the_schema(reference):
    assert list(reference.columns) == TARGETS.names
    assert reference["target_id"].is_unique
    assert reference["origin"].eq("reference").all()
    assert reference["comparator"].isin(COMPARATORS).all()
    assert reference["indicator"].map(lambda c: re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)*", c) is not None).all()
    assert reference["scope"].str.fullmatch(r"national|\d{2}").all()
    national = reference["scope"].eq("national")
    assert reference.loc[national, "map"].isna().all() and reference.loc[~national, "map"].eq(OLD_MAP).all()
    assert (reference.loc[reference["unit"].eq("rank"), "comparator"] == "top_n").all()


def test_reference_holds_the_four_national_decisions_for_2025(reference):
    national = reference[reference["scope"].eq("national") & reference["year"].eq(2025)]
    assert {"749/QĐ-TTg", "942/QĐ-TTg", "411/QĐ-TTg", "06/QĐ-TTg"} <= set(national["source_decision"])
    records = national[
        national["indicator"].eq("work_records_online_rate") & national["source_decision"].eq("749/QĐ-TTg")
    ]
    by_tier = dict(zip(records["admin_level"], records["target_value"], strict=True))
    assert by_tier == {"province": 90, "district": 80, "commune": 60}
    assert set(records["source_date"]) == {dt.date(2020, 6, 3)}


def test_thanh_hoa_keeps_both_sources_for_completed_districts_and_communes(reference):
    thanh_hoa = reference[reference["scope"].eq("38")].set_index(["indicator", "source_decision"])["target_value"]
    assert thanh_hoa[("districts_completed_dx", "969/QĐ-UBND")] == 12
    assert thanh_hoa[("communes_completed_dx", "969/QĐ-UBND")] == 477
    article = [s for s in thanh_hoa.index.get_level_values(1) if s.startswith("Báo Thanh Hóa")]
    assert thanh_hoa[("districts_completed_dx", article[0])] == 6
    assert thanh_hoa[("communes_completed_dx", article[0])] == 300
    assert (one(reference, "TH_01")["comparator"], one(reference, "TH_01")["target_value"]) == ("top_n", 10)
    assert one(reference, "TH_02")["target_value"] == 20 and one(reference, "TH_03")["target_value"] == 50


def test_the_province_decision_supersedes_the_newspaper_for_the_same_scope(reference):
    assert one(reference, "TH_08")["superseded_by"] == "TH_06"
    assert one(reference, "TH_09")["superseded_by"] == "TH_07"
    assert one(reference, "TH_09")["source_kind"] == "newspaper"
    assert (one(reference, "TH_07")["source_kind"], one(reference, "TH_07")["source_level"]) == ("decision", "province")
    rows = pd.DataFrame(
        {
            "indicator": ["communes_completed_dx"],
            "admin_level": ["commune"],
            "unit_code": ["38"],
            "map": [OLD_MAP],
            "province_code": ["38"],
            "province_map": [OLD_MAP],
            "district_code": [None],
        }
    )
    assert applicable_targets(rows, reference, INDICATORS)["target_id"].iat[0] == "TH_07"


def test_later_horizons_carry_their_decision_number_date_and_wording(reference):
    later = reference[reference["year"].isin([2026, 2027, 2030])]
    assert {"57-NQ/TW", "2629/QĐ-TTg", "749/QĐ-TTg", "411/QĐ-TTg", "11/QĐ-BCĐCP"} <= set(later["source_decision"])
    records = later[later["indicator"].eq("work_records_online_rate") & later["year"].eq(2030)]
    assert dict(zip(records["admin_level"], records["target_value"], strict=True)) == {
        "province": 100,
        "district": 90,
        "commune": 70,
    }
    assert set(records["source_date"]) == {dt.date(2020, 6, 3)}
    resolution = one(reference, "R57_01")
    assert (resolution["target_value"], resolution["source_date"], resolution["as_written"]) == (
        30,
        dt.date(2024, 12, 22),
        "ít nhất 30%",
    )
    assert resolution["source_url"].startswith("https://")
    assert not one(reference, "N749_30_05")["confirmed"]  # top 50 or top 35: the sources disagree
    assert reference["as_written"].notna().all() and reference["source_kind"].notna().all()


def test_a_superseding_target_must_be_for_the_same_thing(tmp_path):
    text = TARGETS_CSV.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = text[1].split(",")
    cells[header.index("superseded_by")] = "N749_03"  # another tier
    bad = tmp_path / "targets.csv"
    bad.write_text("\n".join([text[0], ",".join(cells), text[3]]) + "\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"line 2 .*superseded_by"):
        load_targets(bad)


def test_unconfirmed_figures_are_marked_with_their_caveat(reference):
    quang_ngai_communes = one(reference, "QNG_03")
    assert (quang_ngai_communes["target_value"], quang_ngai_communes["confirmed"]) == (70, False)
    assert "excerpt" in quang_ngai_communes["note"]
    assert not one(reference, "N942_04")["confirmed"]
    assert one(reference, "QNG_01")["comparator"] == ">"  # 'trên 90%'


def test_a_bad_targets_file_is_named_with_its_line(tmp_path):
    text = TARGETS_CSV.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "targets.csv"
    bad.write_text("\n".join([text[0], text[1], text[2].replace(",>=,", ",≥,", 1)]) + "\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"targets\.csv, line 3 .*comparator"):
        load_targets(bad)
    bad.write_text("\n".join([text[0], text[1], text[1]]) + "\n", encoding="utf-8")
    with pytest.raises(TargetsError, match=r"line 3 .*target_id"):
        load_targets(bad)
    bad.write_text("id,indicator\nx,y\n", encoding="utf-8")
    with pytest.raises(TargetsError, match="header"):
        load_targets(bad)


# ------------------------------------------------------------------ targets stated in reports


def _report_target(
    indicator,
    value,
    qualifier="exact",
    unit="percent",
    period_end="2025-12-31",
    level="province",
    province="38",
    district=None,
    commune=None,
):
    return {
        "observation_id": f"{indicator}-{value}",
        "source": "bao_cao.txt",
        "indicator": indicator,
        "value": float(value),
        "unit": unit,
        "qualifier": qualifier,
        "is_target": True,
        "admin_level": level,
        "period_end": dt.date.fromisoformat(period_end) if period_end else None,
        "province": "Thanh Hóa",
        "province_code": province,
        "district": "huyện Yên Định" if district else None,
        "district_code": district,
        "commune": None,
        "commune_code": commune,
        "map": OLD_MAP,
        "evidence": f"phấn đấu {value}",
    }


def test_report_targets_take_their_comparator_scope_and_year_from_the_observation():
    observations = pd.DataFrame(
        [
            _report_target("dti_rank", 10, unit="rank"),
            _report_target("communes_completed_dx", 300, "at_least", "count", level="commune"),
            _report_target(
                "communes_completed_dx", 6, unit="count", period_end="2023-12-31", level="commune", district="394"
            ),
            _report_target("work_records_online_rate", 90, "more_than"),
            _report_target("late_dossier_rate", 2),
            _report_target("online_dossier_rate", 60, period_end=None),
            _report_target("other", 60),
            {**_report_target("online_dossier_rate", 50), "is_target": False},
        ]
    )
    found = targets_from_reports(observations, INDICATORS).set_index("target_id")
    assert list(found.reset_index().columns) == TARGETS.names
    assert len(found) == 5  # the undated target, the 'other' one and the achieved value are left out
    assert found.loc["R_dti_rank-10", "comparator"] == "top_n"
    assert found.loc["R_communes_completed_dx-300", ["comparator", "scope", "map", "admin_level"]].tolist() == [
        ">=",
        "38",
        OLD_MAP,
        "commune",
    ]
    assert found.loc["R_communes_completed_dx-6", ["scope", "scope_name", "year"]].tolist() == [
        "394",
        "huyện Yên Định",
        2023,
    ]
    assert found.loc["R_work_records_online_rate-90", "comparator"] == ">"
    assert found.loc["R_late_dossier_rate-2", "comparator"] == "<="
    assert found["origin"].eq("report").all() and found["source_decision"].eq("bao_cao.txt").all()
    assert found.loc["R_dti_rank-10", "note"] == "phấn đấu 10"


# ------------------------------------------------------------------ which target applies


def _target(
    target_id,
    indicator,
    level,
    value,
    scope="national",
    source="749/QĐ-TTg",
    date="2020-06-03",
    origin="reference",
    confirmed=True,
    year=2025,
    map_=OLD_MAP,
):
    return {
        "target_id": target_id,
        "indicator": indicator,
        "admin_level": level,
        "scope": scope,
        "map": None if scope == "national" else map_,
        "comparator": ">=",
        "target_value": float(value),
        "year": year,
        "source_decision": source,
        "source_date": dt.date.fromisoformat(date) if date else None,
        "confirmed": confirmed,
        "origin": origin,
    }


def _rows(*rows, map_=OLD_MAP):
    """Progress rows (indicator, tier, unit, province, district), the unit and province on ``map_``."""
    columns = ["indicator", "admin_level", "unit_code", "province_code", "district_code"]
    frame = pd.DataFrame(rows, columns=columns, index=[f"r{i}" for i in range(len(rows))])
    return frame.assign(map=map_, province_map=map_)


def test_the_most_specific_target_wins():
    targets = pd.DataFrame(
        [
            _target("N", "work_records_online_rate", "commune", 60),
            _target("P", "work_records_online_rate", "commune", 70, scope="51", source="38/KH-UBND", date="2024-02-20"),
            _target(
                "D",
                "work_records_online_rate",
                "commune",
                75,
                scope="534",
                source="bao_cao.txt",
                date=None,
                origin="report",
            ),
            _target("old", "work_records_online_rate", "commune", 99, year=2023),
        ]
    )
    rows = _rows(
        ("work_records_online_rate", "commune", "534", "51", "534"),
        ("work_records_online_rate", "commune", "532", "51", "532"),
        ("work_records_online_rate", "commune", "394", "38", "394"),
        ("work_records_online_rate", "district", "394", "38", "394"),
    )
    chosen = applicable_targets(rows, targets, INDICATORS)
    assert list(chosen.index) == list(rows.index)
    assert chosen["target_id"].tolist()[:3] == ["D", "P", "N"]
    assert pd.isna(chosen.loc["r3", "target_id"])
    assert chosen.loc["r1", ["target_value", "target_source", "target_year"]].tolist() == [70, "38/KH-UBND", 2025]


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ({"origin": "report", "source": "bao_cao.txt", "date": None}, {}, "B"),
        ({"confirmed": False}, {}, "B"),
        ({"date": "2021-06-15", "source": "942/QĐ-TTg"}, {}, "A"),
        ({"date": None}, {}, "B"),
    ],
)
def test_ties_within_a_scope_prefer_reference_confirmed_and_newer_sources(first, second, winner):
    targets = pd.DataFrame(
        [
            _target("A", "online_dossier_rate", "district", 80, **first),
            _target("B", "online_dossier_rate", "district", 70, **second),
        ]
    )
    chosen = applicable_targets(_rows(("online_dossier_rate", "district", "532", "51", "532")), targets, INDICATORS)
    assert chosen["target_id"].iat[0] == winner


def test_a_national_tier_rate_stands_in_but_a_national_count_does_not():
    targets = pd.DataFrame(
        [
            _target("rate", "online_dossier_rate", "national", 80, source="942/QĐ-TTg"),
            _target("count", "communes_completed_dx", "national", 5000),
        ]
    )
    rows = _rows(
        ("online_dossier_rate", "district", "532", "51", "532"),
        ("communes_completed_dx", "commune", "51", "51", None),
    )
    chosen = applicable_targets(rows, targets, INDICATORS)
    assert chosen["target_id"].iat[0] == "rate" and chosen["stand_in"].iat[0]
    assert pd.isna(chosen["target_id"].iat[1])


def test_a_count_target_is_a_total_for_its_scope_unit():
    targets = pd.DataFrame([_target("TH", "communes_completed_dx", "commune", 300, scope="38", source="969/QĐ-UBND")])
    rows = pd.concat(
        [
            _rows(
                ("communes_completed_dx", "commune", "38", "38", None),
                ("communes_completed_dx", "commune", "394", "38", "394"),
            ),
            _rows(("communes_completed_dx", "commune", "38", "38", None), map_=NEW_MAP),  # the new Thanh Hóa
        ]
    ).assign(plan_province_code=["38", "38", "38"])
    assert applicable_targets(rows, targets, INDICATORS)["target_id"].tolist() == ["TH", np.nan, "TH"]


def test_a_province_plan_follows_its_units_after_the_merger():
    targets = pd.DataFrame(
        [_target("QNG", "work_records_online_rate", "district", 85, scope="51", source="38/KH-UBND")]
    )
    rows = _rows(
        ("work_records_online_rate", "district", "534", "51", "534"),
        ("work_records_online_rate", "district", "608", "51", "608"),
    ).assign(plan_province_code=["51", "62"], province_map=NEW_MAP)  # districts of the old map in the new province
    assert applicable_targets(rows, targets, INDICATORS)["target_id"].tolist() == ["QNG", np.nan]


def test_a_plan_of_an_old_province_is_not_one_of_the_new_province_of_its_number():
    """'52' was Bình Định and is now Gia Lai: Bình Định's plan is no plan of Gia Lai's, though their codes match."""
    targets = pd.DataFrame([_target("BD", "online_dossier_rate", "province", 90, scope="52", source="KH-UBND")])
    old = _rows(("online_dossier_rate", "province", "52", "52", None))
    new = _rows(("online_dossier_rate", "province", "52", "52", None), map_=NEW_MAP)  # no plan_province_code
    assert applicable_targets(pd.concat([old, new]), targets, INDICATORS)["target_id"].tolist() == ["BD", np.nan]


@pytest.mark.parametrize(
    ("value", "comparator", "target", "expected"),
    [
        (80, ">=", 80, True),
        (80, ">", 80, False),
        (3, "<=", 5, True),
        (11, "top_n", 10, False),
        (10, "top_n", 10, True),
        (np.nan, ">=", 1, False),
        (5, ">=", np.nan, False),
    ],
)
def test_meets(value, comparator, target, expected):
    assert meets(np.array([value]), np.array([comparator], object), np.array([target]))[0] == expected
