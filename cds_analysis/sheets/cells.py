"""The figure of a value cell: its number, unit, fraction and qualifier.

Strings are read the Vietnamese way ('4.573' = 4573, '99,89' = 99.89, '95%',
'trên 40%', '1.458/1.604') without a footnote mark ('85,2*', '118 (1)'); a number in a percentage format is read ×100; a
formula whose result the file does not hold, a date or a boolean is no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import lru_cache

from cds_analysis.lang import numbers
from cds_analysis.lang.text import normalize
from cds_analysis.read.workbooks import Cell
from cds_analysis.reference import indicators
from cds_analysis.rules import quantities
from cds_analysis.sheets.words import unit_of

__all__ = ["Value", "figure", "number_in", "read_value"]

# A footnote mark after a figure ('85,2*', '118 (1)', '97³', '40[2]') is not part of it.
_FOOTNOTE = re.compile(r"(?<=[\d%])\s*(?:\*+|\(\d{1,2}\)|\[\d{1,2}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*$")


@dataclass(frozen=True)
class Value:
    value: float | None
    unit: str | None = None  # when the cell itself says it ('95%', '46 tỷ đồng', a percentage format)
    numerator: float | None = None
    denominator: float | None = None
    qualifier: str = "exact"


def _percent_of(number: float) -> float:
    """0.9545 → 95.45 exactly (not 95.45000000000002)."""
    return float(Decimal(repr(float(number))) * 100)


def read_value(cell: Cell) -> Value:
    """The figure of a value cell; ``value`` None when the cell holds no number."""
    v = cell.value
    if isinstance(v, bool) or cell.formula or isinstance(v, (date, time)):
        return Value(None)
    if isinstance(v, (int, float)):
        return Value(_percent_of(v), "percent") if cell.percent else Value(float(v))
    return _read_text(str(v))


@lru_cache(maxsize=1 << 12)  # a pure function of the cell's text; a table repeats its figures ('100%', '0')
def _read_text(text: str) -> Value:
    """The figure a cell's text states (see :func:`read_value`)."""
    t = _FOOTNOTE.sub("", normalize(text)).strip()
    try:
        return Value(numbers.parse_number(t))
    except ValueError:
        pass
    found = quantities.find_quantities(t)
    if len(found) != 1 or found[0].start != 0 or t[found[0].end :].strip(" .;"):
        return Value(None)
    q = found[0]
    unit = q.unit if q.unit != "count" or q.unit_word else None
    return Value(q.value, unit, q.numerator, q.denominator, q.qualifier)


def number_in(cell: Cell) -> float | None:
    return None if cell.blank else read_value(cell).value


def figure(
    parsed: Value | None, unit_text: str | None, indicator: str | None, fraction: list[Cell] | None
) -> tuple[float | None, str | None, float | None, float | None]:
    """(value, unit, numerator, denominator) of a value cell read as ``parsed`` (None: no value cell).

    The unit is the cell's own ('95%', a percentage format), else the unit
    column's (scaling 'triệu đồng'), else the indicator's; an unknown unit
    word is kept as written, for the reject. Without a value cell, the
    fraction of the 'Tử số'/'Mẫu số' cells gives the value; a percentage
    written as a fraction ('1.458/1.604') is its rate.
    """
    fraction_only = parsed is None
    parsed = parsed or Value(None)
    unit, scale = unit_of(unit_text) if unit_text else (None, 1.0)
    if parsed.unit is not None:
        unit, scale = parsed.unit, 1.0
    elif unit is None and unit_text:
        unit = normalize(unit_text).strip()
    elif unit is None and indicator is not None:
        unit = indicators.get(indicator).unit
    numerator, denominator = parsed.numerator, parsed.denominator
    if numerator is None and fraction:
        numerator, denominator = (number_in(cell) for cell in fraction)
    value = None if parsed.value is None else parsed.value * scale
    if numerator is not None and denominator and (fraction_only or parsed.numerator is not None):
        value = 100 * numerator / denominator if unit == "percent" else numerator
    return value, unit, numerator, denominator
