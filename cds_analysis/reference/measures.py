"""Units of measure, declared once in ``data/measures.csv``.

The catalogue, the sheet reader, the template, the row checks and the projections each
kept their own list of units, and the lists had drifted apart (one knew 'usd', another
'varies', the template's labels lacked two catalogue units). They all read this table now.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from cds_analysis.config import PACKAGE_DATA

__all__ = ["AXIS_LABELS", "BOUNDS", "UNITS", "UNIT_LABELS", "load_measures"]

MEASURES_CSV = PACKAGE_DATA / "measures.csv"


@cache
def load_measures() -> pd.DataFrame:
    """The units of measure: unit, label_vi, axis_vi, lower, upper (NaN: no bound)."""
    return pd.read_csv(MEASURES_CSV, comment="#", dtype={"unit": str, "label_vi": str, "axis_vi": str})


def _bound(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


UNITS: tuple[str, ...] = tuple(load_measures()["unit"])
UNIT_LABELS: dict[str, str] = dict(zip(load_measures()["unit"], load_measures()["label_vi"]))
AXIS_LABELS: dict[str, str] = dict(zip(load_measures()["unit"], load_measures()["axis_vi"]))
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    str(unit): (_bound(float(lower)), _bound(float(upper)))
    for unit, lower, upper in zip(load_measures()["unit"], load_measures()["lower"], load_measures()["upper"])
}
