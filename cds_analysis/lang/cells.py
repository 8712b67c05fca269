"""Cells the project writes for spreadsheets, made inert: no report text runs as a formula.

A CSV or workbook cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) is run as a formula by Excel and LibreOffice, so a
sentence or a file name taken from a report could compute, link or call out
when an analyst opens the file (CSV/formula injection). Every CSV the project
writes goes through :func:`safe_frame`, which puts an apostrophe before such
text (the convention spreadsheets show as a text marker); every workbook goes
through :func:`safe_workbook`, which stores such cells as text. Numbers are
never touched: ``-5`` as a number stays a number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["looks_like_formula", "safe_cell", "safe_frame", "safe_workbook"]

_LEADS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    """Whether ``value`` is text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(_LEADS)


def safe_cell(value: Any) -> Any:
    """``value`` for a CSV cell: formula-like text gets a leading apostrophe, the rest is unchanged."""
    return "'" + value if looks_like_formula(value) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell passed through :func:`safe_cell` (a copy; numbers untouched)."""
    text = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("string", "str")]
    return frame.assign(**{str(c): frame[c].map(safe_cell) for c in text}) if text else frame


def safe_workbook(workbook: Any) -> Any:
    """``workbook`` (openpyxl) with every formula-like text cell stored as text, in place; returned."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
    return workbook
