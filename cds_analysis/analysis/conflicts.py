"""Where two sources disagree: the same unit, indicator and period with different values.

A district's sheet and a news article, or two sheets, may give different
figures for one thing. Both observations are kept; :func:`conflicts` lists,
for each thing sources disagree on, every value stated for it with the first
source stating it and its evidence, so that an analyst sees which figure a
chart rests on and where the others came from.

Decisions:

- A source is a file (``source``): two passages of one article, or two rows
  of one sheet, are not two sources.
- The thing measured is (indicator, period label, admin level, unit code,
  result or target). The unit code is the most specific code the row has:
  the commune's, else the district's, else the province's, so 'các xã, thị
  trấn huyện X' (level commune, code of X) is not huyện X itself; with its
  ``map``, since the 2025 list reuses old numbers for other units. Rows
  without a period or a code, and indicator ``other``, say too little to
  compare.
- Sources disagree on a thing when two of its values cannot both be true and
  are not stated by one and the same source alone (one source saying two
  things is the extractor's business).
- One row per value, not per disagreeing pair: a thing with k values is k
  rows, where pairs would be k(k−1)/2, and across a country's reports the
  pairs run to millions. A value stated by several sources is one row, with
  the first of them and how many there are; ``disagrees_with`` counts the
  thing's other values it cannot be. Pairs are a self-join away (README).
- Qualifiers are read: '45%' and 'trên 40%' agree, '35%' and 'trên 40%' do
  not; 'gần 66,4%' agrees with a value within 5% of it; two bounds or
  approximations never conflict.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from cds_analysis.reference.schemas import empty_frame, schema

__all__ = [
    "APPROX_TOLERANCE",
    "INPUT_COLUMNS",
    "THING",
    "conflicts",
    "conflicts_in_parts",
    "unit_codes",
    "values_agree",
]

APPROX_TOLERANCE = 0.05  # 'gần', 'khoảng': within 5% of the stated value
THING = ["indicator", "period_label", "admin_level", "unit_code", "map", "is_target"]
"""The columns that name the thing measured: rows equal on them state values of one fact."""
_VALUE = ["value", "qualifier"]
INPUT_COLUMNS = (
    "observation_id",
    "source",
    "char_start",
    "indicator",
    "value",
    "qualifier",
    "is_target",
    "period_label",
    "admin_level",
    "province_code",
    "district_code",
    "commune_code",
    "map",
    "place",
    "evidence",
)
"""The observation columns :func:`conflicts` reads (ingest reads no others from Parquet)."""


def _agreement(values: np.ndarray, qualifiers: np.ndarray) -> np.ndarray:
    """``agree[i, j]``: value i stated with qualifier i can be the same fact as value j with qualifier j."""
    exact = qualifiers == "exact"
    e, b = values[:, None], values[None, :]  # e read as the exact value, b as the bound
    q = qualifiers[None, :]
    with np.errstate(invalid="ignore"):
        within = np.select(
            [q == "more_than", q == "at_least", q == "less_than"],
            [e > b, e >= b, e < b],
            np.abs(e - b) <= APPROX_TOLERANCE * np.abs(b),  # approx
        )
    same = np.abs(e - b) <= np.maximum(1e-9 * np.maximum(np.abs(e), np.abs(b)), 1e-9)  # math.isclose's test
    exact_i, exact_j = exact[:, None], exact[None, :]
    return np.select([exact_i & exact_j, exact_i, exact_j], [same, within, within.T], True)


def values_agree(a: float, qualifier_a: str, b: float, qualifier_b: str) -> bool:
    """True when a value stated with ``qualifier_a`` can be the same fact as one stated with ``qualifier_b``."""
    return bool(_agreement(np.array([a, b], dtype=float), np.array([qualifier_a, qualifier_b], dtype=object))[0, 1])


def conflicts(observations: pd.DataFrame) -> pd.DataFrame:
    """Every value stated for a thing that sources disagree on, in the ``conflicts`` table's columns.

    Only :data:`INPUT_COLUMNS` are read; every observation stays in
    ``observations`` untouched. Rows are in the order of the thing (indicator,
    period, level, unit) and of the value.
    """
    rows = observations.assign(unit_code=unit_codes(observations))
    rows = rows[rows["period_label"].notna() & rows["unit_code"].notna() & (rows["indicator"] != "other")]
    rows = rows.sort_values(["source", "char_start", "observation_id"], kind="mergesort")
    rows = rows[rows.groupby(THING, dropna=False)["source"].transform("nunique") >= 2]  # things two sources speak of
    n_sources = rows.groupby(THING + _VALUE, dropna=False)["source"].transform("nunique")
    rows = rows.assign(n_sources=n_sources).drop_duplicates(THING + _VALUE)  # the first source of each value
    rows = rows.sort_values(THING + _VALUE, kind="mergesort").reset_index(drop=True)
    if rows.empty:
        return empty_frame("conflicts")
    thing = rows.groupby(THING, dropna=False, sort=False).ngroup().to_numpy()
    starts = np.flatnonzero(np.r_[True, thing[1:] != thing[:-1], True])  # rows sorted: each thing a run
    disagrees = _disagreements(rows, starts)
    listed = np.repeat(np.maximum.reduceat(disagrees, starts[:-1]) > 0, np.diff(starts))
    found = rows[listed].assign(disagrees_with=disagrees[listed])
    return found[schema("conflicts").names].reset_index(drop=True)


def unit_codes(observations: pd.DataFrame) -> pd.Series:
    """The code of the unit each observation measures: its commune's, else its district's, else its province's."""
    codes = observations[["commune_code", "district_code", "province_code"]].astype(object)
    return codes.bfill(axis=1).iloc[:, 0]


def conflicts_in_parts(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """:func:`conflicts` of the parts' observations taken together, holding one part at a time.

    A thing is one unit's, so parts that each hold every observation of
    their units (a province's, say) give the rows of the whole table.
    """
    found = [rows for rows in map(conflicts, parts) if not rows.empty]
    if not found:
        return empty_frame("conflicts")
    return pd.concat(found, ignore_index=True).sort_values(THING + _VALUE, kind="mergesort", ignore_index=True)


def _disagreements(rows: pd.DataFrame, starts: np.ndarray) -> np.ndarray:
    """Per row, how many values of its thing (rows ``starts[i]:starts[i + 1]``) it disagrees with across sources."""
    values = rows["value"].to_numpy(float)
    qualifiers = rows["qualifier"].to_numpy(object)
    sources = rows["source"].to_numpy(object)
    alone = rows["n_sources"].to_numpy() == 1  # stated by its first source only
    out = np.zeros(len(rows), dtype=np.int64)
    for start, end in zip(starts[:-1], starts[1:], strict=True):
        one, source = alone[start:end], sources[start:end]
        same_source = one[:, None] & one[None, :] & (source[:, None] == source[None, :])
        out[start:end] = (~_agreement(values[start:end], qualifiers[start:end]) & ~same_source).sum(axis=1)
    return out
