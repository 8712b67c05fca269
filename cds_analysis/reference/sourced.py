"""Reading a bundled CSV of sourced facts (outcomes, DTI) and refusing it, by line, when it is malformed.

The files are edited by hand as new figures are published, so every check
names the file, the line and what is wrong.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from cds_analysis.errors import ReferenceDataError

__all__ = ["SourcedCsv"]


class SourcedCsv:
    """One CSV read as text, with checks that fail on the first bad line."""

    def __init__(self, path: str | os.PathLike, header: list[str]):
        self.path = path
        self.raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        if list(self.raw.columns) != header:
            raise ReferenceDataError(f"{path}: header must be {','.join(header)}; found {','.join(self.raw.columns)}")

    def fail(self, mask: pd.Series | np.ndarray, reason: str) -> None:
        """Raise for the first line where ``mask`` holds."""
        bad = np.flatnonzero(np.asarray(mask, bool))
        if len(bad):
            raise ReferenceDataError(f"{self.path}, line {int(bad[0]) + 2}: {reason}")

    def required(self, *columns: str) -> None:
        for column in columns:
            self.fail(self.raw[column].isna(), f"{column} is empty")

    def one_of(self, column: str, choices: tuple[str, ...]) -> None:
        self.fail(~self.raw[column].isin(choices), f"{column} must be one of {', '.join(choices)}")

    def numbers(self, column: str, whole: bool = False) -> pd.Series:
        """``column`` as numbers (NaN where empty); a cell that is not a number fails."""
        value = pd.to_numeric(self.raw[column], errors="coerce")
        self.fail(self.raw[column].notna() & value.isna(), f"{column} is not a number")
        if whole:
            self.fail(value.notna() & (value % 1 != 0), f"{column} is not a whole number")
        return value

    def dates(self, column: str) -> pd.Series:
        """``column`` as dates (None where empty); a cell that is not YYYY-MM-DD fails."""
        day = pd.to_datetime(self.raw[column], format="%Y-%m-%d", errors="coerce")
        self.fail(self.raw[column].notna() & day.isna(), f"{column} is not a YYYY-MM-DD date")
        return day.dt.date.astype(object).where(day.notna(), None)
