"""The 2025 scorecard: every province, on both maps, against each 2025 target, now that the year is over.

One row per province × 2025 target that applies to it (its own tier and its
districts' and communes' tiers taken together), with the latest value on or
before 31/12/2025, whether the target was met, the gap, and where the value
came from. It is :func:`cds_analysis.analysis.progress.progress` at
``as_of='2025-Q4'``, ``horizon=2025`` on the 63-province and the 34-province
maps, so its answers are the progress table's: a value older than four
quarters is ``stale`` and neither met nor not met, a partial sum that falls
short says so, and ``status_rule`` says why.
"""

from __future__ import annotations

import pandas as pd

from cds_analysis.analysis.progress import progress
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP

__all__ = ["SCORECARD_COLUMNS", "scorecard_2025"]

SCORECARD_COLUMNS = [
    "province_code",
    "map",
    "province",
    "indicator",
    "admin_level",
    "target_value",
    "comparator",
    "target_source",
    "latest_value",
    "latest_period",
    "latest_period_end",
    "met",
    "gap",
    "status",
    "status_rule",
    "n_units_reported",
    "n_units_total",
    "observation_ids",
    "value_sources",
]


def scorecard_2025(
    observations: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    units: pd.DataFrame | None = None,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Each province of both maps against each 2025 target that applies to it.

    ``map`` is the map of ``province_code``: '2008–2025' (the 63 provinces)
    or '2025' (the 34); ``met``
    is True or False where the status is final (met, not met) and missing
    otherwise (stale, no data); ``value_sources`` lists the source files of
    the observations behind the value. Arguments are those of
    :func:`~cds_analysis.analysis.progress.progress`.
    """
    frames = []
    for map_ in (OLD_MAP, NEW_MAP):
        rows = progress(
            observations,
            targets,
            as_of="2025-Q4",
            level="province",
            map=map_,
            units=units,
            indicators=indicators,
            documents=documents,
            horizon=2025,
        )
        frames.append(rows[rows["target_value"].notna()])
    card = pd.concat(frames, ignore_index=True)
    met = card["status"].map({"met": True, "not_met": False}).astype("boolean")
    return card.assign(met=met, value_sources=_sources(card["observation_ids"], observations))[SCORECARD_COLUMNS]


def _sources(ids: pd.Series, observations: pd.DataFrame) -> pd.Series:
    """The distinct source files of each row's ';'-separated observation ids, ';'-joined (None where none)."""
    source = observations.set_index("observation_id")["source"]
    exploded = ids.str.split(";").explode().dropna()
    files = exploded.map(source).dropna()
    joined = files.groupby(level=0).agg(lambda s: ";".join(sorted(set(s))))
    return joined.reindex(ids.index).astype(object).where(lambda s: s.notna(), None)
