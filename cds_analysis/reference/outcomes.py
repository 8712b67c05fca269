"""The national outcomes published for 2025, each with its page: what a province is set beside.

Sources disagree (the full-process online dossier rate is 'nearly 40%' in
October, '51.7%' for November and 'over 51%' for the year; the digital
economy is 18.72%, 14% or 13.9% of GDP by three measures), and the table
keeps every figure with its own period, qualifier and page rather than
choosing one.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from cds_analysis.lang.periods import Period
from cds_analysis.reference.schemas import OUTCOMES
from cds_analysis.reference.sourced import SourcedCsv

__all__ = ["OUTCOMES_CSV", "QUALIFIERS", "load_outcomes"]

OUTCOMES_CSV = Path(__file__).parent / "data" / "outcomes_2025.csv"
QUALIFIERS = ("exact", "approx", "more_than", "at_least", "less_than")


def load_outcomes(path: str | os.PathLike = OUTCOMES_CSV) -> pd.DataFrame:
    """The published national outcomes in the ``outcomes`` schema, by outcome_id.

    Raises :class:`~cds_analysis.errors.ReferenceDataError` naming the file,
    line and reason for an empty required cell, a value that is not a number,
    an unknown qualifier, a period label that does not parse or does not
    hold ``period_end``, a bad date or a duplicated id.
    """
    csv = SourcedCsv(path, [n for n in OUTCOMES.names if n != "scope"])
    raw = csv.raw
    csv.required("outcome_id", "indicator", "name_vi", "value", "qualifier", "unit", "period_label", "period_end")
    csv.required("source_url")
    csv.fail(raw["outcome_id"].duplicated(), "outcome_id already used on an earlier line")
    csv.one_of("qualifier", QUALIFIERS)
    value = csv.numbers("value")
    end = csv.dates("period_end")
    csv.fail(
        np.array([not _within(label, day) for label, day in zip(raw["period_label"], end, strict=True)]),
        "period_end does not fall within period_label",
    )
    out = raw.assign(scope="national", value=value, period_end=end, source_date=csv.dates("source_date"))
    table = pa.Table.from_pandas(out[OUTCOMES.names], schema=OUTCOMES, preserve_index=False)
    return table.to_pandas().sort_values("outcome_id", kind="mergesort", ignore_index=True)


def _within(label: str, day: date | None) -> bool:
    """Whether ``day`` falls within the period ``label`` (a figure counted to the 26th of November is November's)."""
    try:
        period = Period.from_label(label)
    except ValueError:
        return False
    return day is not None and (period.start or period.end) <= day <= period.end
