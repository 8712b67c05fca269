"""Where two sources disagree: the same unit, indicator and period with different values.

A district's sheet and a news article, or two sheets, may give different
figures for one thing. Both observations are kept; :func:`conflicts` lists
each disagreeing pair with both evidences, so that an analyst sees which
figure a chart rests on and where the other one came from.

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
- A value stated by several sources is listed once, with the first of them.
- Qualifiers are read: '45%' and 'trên 40%' agree, '35%' and 'trên 40%' do
  not; 'gần 66,4%' agrees with a value within 5% of it; two bounds or
  approximations never conflict.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any

import pandas as pd

from cds_analysis.reference.schemas import empty_frame, schema

__all__ = ["APPROX_TOLERANCE", "conflicts", "values_agree"]

APPROX_TOLERANCE = 0.05  # 'gần', 'khoảng': within 5% of the stated value
_KEY = ["indicator", "period_label", "admin_level", "unit_code", "map", "is_target"]


def values_agree(a: float, qualifier_a: str, b: float, qualifier_b: str) -> bool:
    """True when a value stated with ``qualifier_a`` can be the same fact as one stated with ``qualifier_b``."""
    if qualifier_a != "exact" and qualifier_b != "exact":
        return True
    if qualifier_a == "exact" and qualifier_b == "exact":
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    exact, (bound, qualifier) = (a, (b, qualifier_b)) if qualifier_a == "exact" else (b, (a, qualifier_a))
    if qualifier == "more_than":
        return exact > bound
    if qualifier == "at_least":
        return exact >= bound
    if qualifier == "less_than":
        return exact < bound
    return abs(exact - bound) <= APPROX_TOLERANCE * abs(bound)  # approx


def conflicts(observations: pd.DataFrame) -> pd.DataFrame:
    """Pairs of observations from different sources that disagree, in the ``conflicts`` table's columns.

    Each pair is listed once, the source that sorts first as ``a``; every
    observation stays in ``observations`` untouched.
    """
    if observations.empty:
        return empty_frame("conflicts")
    codes = observations[["commune_code", "district_code", "province_code"]].astype(object)
    rows = observations.assign(unit_code=codes.bfill(axis=1).iloc[:, 0])  # the most specific code
    rows = rows[rows["period_label"].notna() & rows["unit_code"].notna() & (rows["indicator"] != "other")]
    rows = rows.sort_values(["source", "char_start", "observation_id"], kind="mergesort")
    # Only things two sources speak of can conflict, and the first source of each stated value
    # stands for the rest: pairs grow with the square of the rows, and sources repeat figures.
    rows = rows[rows.groupby(_KEY, dropna=False)["source"].transform("nunique") >= 2]
    rows = rows.drop_duplicates(_KEY + ["value", "qualifier"])
    found = []
    for _, group in rows.groupby(_KEY, sort=True, dropna=False):
        records: list[Any] = list(group.itertuples(index=False))
        for a, b in combinations(records, 2):
            if a.source == b.source or values_agree(a.value, a.qualifier, b.value, b.qualifier):
                continue
            found.append(
                {
                    "indicator": a.indicator,
                    "period_label": a.period_label,
                    "admin_level": a.admin_level,
                    "unit_code": a.unit_code,
                    "map": a.map,
                    "place": a.place,
                    "value_a": a.value,
                    "source_a": a.source,
                    "evidence_a": a.evidence,
                    "value_b": b.value,
                    "source_b": b.source,
                    "evidence_b": b.evidence,
                }
            )
    if not found:
        return empty_frame("conflicts")
    return pd.DataFrame(found, columns=schema("conflicts").names)
