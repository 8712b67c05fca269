"""The latest-value step against a plain reference of the documented rule, on random frames (hypothesis).

The rule (:mod:`cds_analysis.analysis.rollup`): per unit and indicator the
latest period end; at that end one figure of the unit is chosen, the one with
the shorter period, then the later publication (unknown after known), then
from an official report (.docx, .pdf, .xlsx, .xls, .csv) over a news article,
then the first in the table; the others are set aside. Frames are drawn with
ties on every key, periods of several lengths ending on one day, undated
figures dated by their document, and communes of both maps (before and after
the 2025 reform, a commune of each map known by its code and map), and the
library's answer is checked for both province maps.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cds_analysis.analysis.progress import progress
from cds_analysis.reference.gazetteer import load_units
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP

PERIODS = {  # label: (start, end); several lengths end on one day
    "2024": ("2024-01-01", "2024-12-31"),
    "2024-H2": ("2024-07-01", "2024-12-31"),
    "2024-Q4": ("2024-10-01", "2024-12-31"),
    "as_of 2024-12-31": (None, "2024-12-31"),
    "2025-H1": ("2025-01-01", "2025-06-30"),
    "2025-Q2": ("2025-04-01", "2025-06-30"),
    "2025-Q3": ("2025-07-01", "2025-09-30"),
    "as_of 2025-09-30": (None, "2025-09-30"),
    "2025": ("2025-01-01", "2025-12-31"),
    "2026-Q1": ("2026-01-01", "2026-03-31"),  # after the cut-off: left out
}
PUBLISHED = [dt.date(2025, 1, 20), dt.date(2025, 10, 2), dt.date(2025, 10, 2), None]  # a tie and an unknown
EXTENSIONS = ["txt", "html", "docx", "pdf", "xlsx"]
INDICATORS = pd.DataFrame(
    {
        "code": ["online_dossier_rate", "community_tech_teams"],
        "unit": ["percent", "count"],
        "higher_is_better": [True, True],
        "aggregation": ["weighted_mean", "sum"],
    }
)
TARGETS = pd.DataFrame(  # one target, so that the table is never empty
    [
        {
            "target_id": "t1",
            "indicator": "online_dossier_rate",
            "admin_level": "commune",
            "scope": "national",
            "scope_name": None,
            "map": None,  # a national target: either map
            "comparator": ">=",
            "target_value": 60.0,
            "unit": "percent",
            "year": 2025,
            "source_decision": "749/QĐ-TTg",
            "source_date": dt.date(2020, 6, 3),
            "confirmed": True,
            "origin": "reference",
            "note": None,
        }
    ]
)


def _small_gazetteer() -> tuple[pd.DataFrame, list[dict]]:
    """Two old provinces with a district and two communes each, their new provinces and two new communes each."""
    units = load_units()
    on_old, on_new = units["map"].eq(OLD_MAP), units["map"].eq(NEW_MAP)
    communes = units[units["level"].eq("commune")]
    picked, places = [], []
    for province in units[on_old & units["level"].eq("province")]["code"].iloc[:2]:
        district = units[on_old & units["parent_code"].eq(province) & units["level"].eq("district")].iloc[0]
        kids = communes[communes["parent_code"].eq(district["code"]) & communes["map"].eq(OLD_MAP)].iloc[:2]
        new_province = units[on_old & units["code"].eq(province)]["successor_code"].iloc[0]
        new_kids = communes[communes["parent_code"].eq(new_province) & communes["map"].eq(NEW_MAP)].iloc[:2]
        picked += [
            units[on_old & units["code"].eq(province)],
            units[on_new & units["code"].eq(new_province)],
            district.to_frame().T,
            kids,
            new_kids,
        ]
        places += [dict(province=province, district=district["code"], commune=c, map=OLD_MAP) for c in kids["code"]]
        places += [dict(province=new_province, district=None, commune=c, map=NEW_MAP) for c in new_kids["code"]]
    return pd.concat(picked, ignore_index=True).drop_duplicates(["code", "map"]), places


UNITS, PLACES = _small_gazetteer()


@st.composite
def crowded_figures(draw) -> list[dict]:
    """Figures of a few communes × indicators over every period, so that most compete with others."""
    pairs = st.tuples(st.integers(0, len(PLACES) - 1), st.sampled_from(list(INDICATORS["code"])))
    figure = st.fixed_dictionaries(
        {
            "pair": st.sampled_from(draw(st.lists(pairs, min_size=1, max_size=3))),
            "period": st.sampled_from([*PERIODS, None]),  # None: undated, dated by its document
            "document": st.integers(0, len(PUBLISHED) - 1),
            "extension": st.sampled_from(EXTENSIONS),
            "value": st.integers(0, 3),
            "is_target": st.sampled_from([False, False, False, True]),
        }
    )
    return [
        dict(zip(("place", "indicator"), f.pop("pair"), strict=True)) | f
        for f in draw(st.lists(figure, min_size=1, max_size=30))
    ]


def _frame(figures: list[dict]) -> pd.DataFrame:
    rows = []
    for i, f in enumerate(figures):
        start, end = PERIODS[f["period"]] if f["period"] else (None, None)
        place = PLACES[f["place"]]
        rows.append(
            {
                "observation_id": f"o{(i * 7919) % 1009:04d}",  # ids not in table order
                "document_id": f"doc{f['document']}",
                "source": f"doc{f['document']}.{f['extension']}",
                "indicator": f["indicator"],
                "value": float(f["value"]),
                "unit": "percent",
                "denominator": None,
                "qualifier": "exact",
                "is_target": f["is_target"],
                "period_label": f["period"],
                "period_start": dt.date.fromisoformat(start) if start else None,
                "period_end": dt.date.fromisoformat(end) if end else None,
                "admin_level": "commune",
                "province": None,
                "province_code": place["province"],
                "district": None,
                "district_code": place["district"],
                "commune": None,
                "commune_code": place["commune"],
                "map": place["map"],
                "evidence": "x",
            }
        )
    return pd.DataFrame(rows)


def _reference(obs: pd.DataFrame, cutoff: dt.date) -> dict:
    """Per commune × indicator, one row at a time: (value, latest period, chosen id, set-aside ids)."""
    published = {f"doc{i}": day for i, day in enumerate(PUBLISHED)}
    figures = []
    for position, o in enumerate(obs.to_dict("records")):
        day = published[o["document_id"]]
        end = o["period_end"] or day
        if o["is_target"] or end is None or end > cutoff:
            continue
        days = (o["period_end"] - o["period_start"]).days if o["period_start"] else 0
        later_first = -day.toordinal() if day else 1  # an unknown publication after every known one
        official = o["source"].rsplit(".", 1)[1] in ("docx", "pdf", "xlsx", "xls", "csv")
        label = o["period_label"] if o["period_end"] else f"as_of {day}"
        figures.append(
            ((o["commune_code"], o["map"]), o["indicator"], end, (days, later_first, not official, position), o, label)
        )
    out = {}
    for key in {(commune, indicator) for commune, indicator, *_ in figures}:
        mine = [f for f in figures if f[:2] == key]
        last = max(f[2] for f in mine)
        ranked = sorted((f for f in mine if f[2] == last), key=lambda f: f[3])
        aside = sorted(f[4]["observation_id"] for f in ranked[1:])
        chosen = ranked[0]
        out[key] = (chosen[4]["value"], chosen[5], chosen[4]["observation_id"], ";".join(aside) if aside else None)
    return out


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(figures=crowded_figures(), map_=st.sampled_from([OLD_MAP, NEW_MAP]))
def test_the_latest_value_is_the_documented_rules_choice(figures, map_):
    obs = _frame(figures)
    documents = pd.DataFrame({"document_id": [f"doc{i}" for i in range(len(PUBLISHED))], "published": PUBLISHED})
    result = progress(
        obs,
        targets=TARGETS,
        as_of="2025-Q4",
        level="commune",
        map=map_,
        units=UNITS,
        indicators=INDICATORS,
        documents=documents,
    )
    got = result[result["latest_value"].notna()]
    found = {
        ((r.unit_code, r.map), r.indicator): (
            r.latest_value,
            r.latest_period,
            r.observation_ids,
            None if pd.isna(r.set_aside_ids) else r.set_aside_ids,
        )
        for r in got.itertuples()
    }
    assert found == _reference(obs, dt.date(2025, 12, 31))
