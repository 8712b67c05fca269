"""The rules a row read from a district sheet must meet, declared once with pandera.

A sheet row becomes an observation only when it is plausible: a known
indicator in its catalogue unit, a number, a percentage within 0–100, a count
that is not negative, a fraction whose numerator does not exceed its
denominator and agrees with the value, a place the gazetteer knows and a
period that could be read. :data:`SHEET_ROWS` states these rules next to the
``observations`` columns of :mod:`cds_analysis.reference.schemas` (plus the cell the row
comes from); :func:`row_failures` says, in words an analyst can act on, why
each failing row fails, so that it can go to ``rejects`` while the rest of
the sheet lands.

Where a cell could not be read, the sheet reader leaves what the sheet said
in the row (an unknown unit word in ``unit``, an unreadable period in
``period_label`` with no dates, an unknown place in ``place`` with no code,
a null ``value`` with the cell's text in ``cell_text``), so that the reason
can quote it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pandera.pandas as pa
import pyarrow

from cds_analysis.reference import indicators
from cds_analysis.reference.schemas import OBSERVATIONS

__all__ = ["CELL_COLUMNS", "PERCENT_TOLERANCE", "RULES", "SHEET_ROWS", "row_failures"]

# Columns a sheet row carries besides the observations columns: where it comes from.
CELL_COLUMNS = {
    "cell": "Cell of the value: 'sheet!H7' in a workbook, 'H7' in a CSV file.",
    "cell_text": "The value cell as written in the file.",
}

# A percentage agrees with its fraction when it is within half a point of it
# (reports round to whole percents: 1.458/1.604 = 90,9% may be written 91%).
PERCENT_TOLERANCE = 0.5

# Observations columns whose nulls a rule below explains in words (unknown indicator,
# not a number, unknown unit); every other column keeps the nullability of its schema.
_EXPLAINED_NULLS = {"indicator", "value", "unit"}
_DTYPES = {pyarrow.float64(): "float64", pyarrow.int64(): "int64", pyarrow.bool_(): "bool"}
_LEVEL_CODE = {
    "province": "province_code", "district": "district_code", "commune": "commune_code", "village": "commune_code",
}  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """One row rule: ``holds`` is True where the rule holds or does not apply; ``reason`` says why a row fails."""

    name: str
    holds: Callable[[pd.DataFrame], pd.Series]
    reason: Callable[[pd.Series], str]


@cache
def _catalogue_units() -> dict[str, str]:
    """Indicator code → unit, for the indicators a sheet may report ('other' is not one)."""
    return {code: indicators.get(code).unit for code in indicators.codes() if code != "other"}


def _known(df: pd.DataFrame) -> pd.Series:
    return df["indicator"].isin(list(_catalogue_units()))


def _unit_known(df: pd.DataFrame) -> pd.Series:
    return df["unit"].isin([u for u in indicators.UNITS if u != "varies"])


def _unit_fits(df: pd.DataFrame) -> pd.Series:
    expected = df["indicator"].map(_catalogue_units())
    return ~(_known(df) & _unit_known(df)) | (df["unit"] == expected)


def _percent_in_range(df: pd.DataFrame) -> pd.Series:
    return (df["unit"] != "percent") | df["value"].isna() | df["value"].between(0, 100)


def _not_negative(df: pd.DataFrame) -> pd.Series:
    low = df["unit"].map({"rank": 1}).fillna(0)
    return df["value"].isna() | (df["value"] >= low)


def _fraction_ordered(df: pd.DataFrame) -> pd.Series:
    n, d = df["numerator"], df["denominator"]
    both = n.notna() & d.notna()
    return ~both | ((d > 0) & (n >= 0) & (n <= d))


def _fraction_agrees(df: pd.DataFrame) -> pd.Series:
    n, d, value = df["numerator"], df["denominator"], df["value"]
    applies = n.notna() & d.notna() & (d > 0) & value.notna()
    rate = 100 * n / d
    percent_ok = (df["unit"] != "percent") | ((value - rate).abs() <= PERCENT_TOLERANCE)
    count_ok = (df["unit"] == "percent") | (value == n)
    return ~applies | ~_fraction_ordered(df) | (percent_ok & count_ok)  # a disordered fraction is one reason


def _place_known(df: pd.DataFrame) -> pd.Series:
    known = pd.Series(False, index=df.index)
    for level, column in _LEVEL_CODE.items():
        known |= (df["admin_level"] == level) & df[column].notna()
    # a collective ('các xã, thị trấn' of a district) has the code of the unit it belongs to
    known |= (df["admin_level"] == "commune") & df["commune_code"].isna() & df["district_code"].notna()
    return known


def _period_read(df: pd.DataFrame) -> pd.Series:
    return df["period_start"].notna() & df["period_end"].notna()


def _number(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) and math.isfinite(x) else str(x)


def _not_a_number(text: str) -> str:
    if text.startswith("="):
        return f"formula {text!r} has no saved result: open the file in Excel and save it again"
    return f"value {text!r} is not a number"


def _place_reason(row: pd.Series) -> str:
    if pd.isna(row["admin_level"]):
        return "no place: fill 'Huyện/TX/TP' (or 'Xã/Phường/Thị trấn') or name the unit in the title"
    level, place = row["admin_level"], row["place"]
    return f"unknown {level} {place!r}: no unit of the gazetteer has that name there (or several do)"


def _period_reason(row: pd.Series) -> str:
    if pd.isna(row["period_label"]):
        return "no period: fill 'Kỳ báo cáo' (e.g. 'Quý I/2024', '2024-Q1') or name it in the title"
    return f"period {row['period_label']!r} not understood (write e.g. 'Quý I/2024', '6 tháng đầu năm 2024', '2024-Q1')"


RULES: tuple[Rule, ...] = (
    Rule(
        "known_indicator",
        _known,
        lambda r: (
            f"unknown indicator {r['indicator_text'] if pd.notna(r['indicator_text']) else r['indicator']!r}: "
            "no catalogue code, name or trigger phrase fits"
        ),
    ),
    Rule("is_a_number", lambda df: df["value"].notna(), lambda r: _not_a_number(r["cell_text"])),
    Rule(
        "known_unit",
        lambda df: df["unit"].isna() | _unit_known(df),
        lambda r: f"unknown unit {r['unit']!r} (use %, số lượng, đồng, thứ hạng, tiêu chí, km or Mbps)",
    ),
    Rule(
        "unit_of_indicator",
        _unit_fits,
        lambda r: (
            f"unit {r['unit']} does not fit indicator {r['indicator']}, "
            f"which is in {_catalogue_units()[r['indicator']]}"
        ),
    ),
    Rule("percent_in_0_100", _percent_in_range, lambda r: f"percentage {_number(r['value'])} is outside 0–100"),
    Rule(
        "not_negative",
        _not_negative,
        lambda r: f"{r['unit']} {_number(r['value'])} is below {'1' if r['unit'] == 'rank' else '0'}",
    ),
    Rule(
        "numerator_within_denominator",
        _fraction_ordered,
        lambda r: f"numerator {_number(r['numerator'])} is not within 0..denominator {_number(r['denominator'])}",
    ),
    Rule(
        "value_agrees_with_fraction",
        _fraction_agrees,
        lambda r: (
            f"value {_number(r['value'])} does not agree with {_number(r['numerator'])}/{_number(r['denominator'])}"
        ),
    ),
    Rule("known_place", _place_known, _place_reason),
    Rule("period_read", _period_read, _period_reason),
)
_REASONS = {rule.name: rule.reason for rule in RULES}


def _column(field: pyarrow.Field) -> pa.Column:
    nullable = field.nullable or field.name in _EXPLAINED_NULLS
    return pa.Column(_DTYPES.get(field.type), nullable=nullable, required=True)


SHEET_ROWS = pa.DataFrameSchema(
    {
        **{field.name: _column(field) for field in OBSERVATIONS},
        **{name: pa.Column(nullable=False, required=True) for name in CELL_COLUMNS},
    },
    checks=[pa.Check(rule.holds, name=rule.name) for rule in RULES],
    strict=True,
    name="sheet rows",
)


def row_failures(rows: pd.DataFrame) -> pd.Series:
    """Reason ('; '-joined, in rule order) for each row of ``rows`` that breaks :data:`SHEET_ROWS`, by index.

    Rows are in the observations columns plus :data:`CELL_COLUMNS`. A
    column of the wrong type or a missing column fails every row, with
    pandera's words.
    """
    try:
        SHEET_ROWS.validate(rows, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
    else:
        return pd.Series(dtype="str")
    order = {name: i for i, name in enumerate(_REASONS)}
    found: dict[int, dict[str, str]] = {}
    for case in cases.itertuples(index=False):
        check, column = str(case.check), str(case.column)
        if pd.isna(case.index):  # the whole column is wrong (missing, wrong type)
            targets = list(rows.index)
        else:
            targets = [int(case.index)]
        for i in targets:
            if check in _REASONS:
                found.setdefault(i, {})[check] = _REASONS[check](rows.loc[i])
            else:
                found.setdefault(i, {})[f"{column}:{check}"] = f"column {column}: {check} ({case.failure_case!r})"
    joined = {}
    for i, reasons in sorted(found.items()):
        in_order = sorted(reasons.items(), key=lambda kv: order.get(kv[0], len(order)))
        joined[i] = "; ".join(reason for _, reason in in_order)
    return pd.Series(joined, dtype="str")
