"""Numbers as Vietnamese writes them: read them and write them.

Vietnamese writes '.' between thousands and ',' before decimals ('4.573' is
4573, '99,89' is 99.89); Babel's CLDR data for locale 'vi' knows this. Which
numbers of a text are facts, and what surrounds them, is
:mod:`cds_analysis.rules.quantities`' question.

Decisions:

- ``parse_number``: a single '.' followed by a group that is not three digits
  is a decimal point ('2.7' → 2.7, '12.34' → 12.34); with three digits it is
  a thousands separator ('1.458' → 1458), as everywhere in these reports.
- The units a number can carry are a closed set, :data:`UNITS` (each one is in
  ``reference/data/measures.csv``; a test keeps them so), and so are the
  qualifiers, :data:`QUALIFIERS`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from functools import lru_cache

from babel import Locale
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

__all__ = ["QUALIFIERS", "UNITS", "format_number", "parse_number"]

_VI = Locale.parse("vi")

UNITS = (
    "percent",
    "count",
    "vnd",
    "usd",
    "km",
    "mbps",
    "criteria",
    "rank",
    "ranks",
    "points",
    "percentage_points",
    "per_100_people",
)
QUALIFIERS = ("exact", "approx", "more_than", "at_least", "less_than", "at_most")

# ---------------------------------------------------------------- parse / format

_FLOAT_DIGITS = 800  # every digit of any finite float, integer part and fraction (Babel quantizes)
_DECIMAL_DOT = re.compile(r"-?\d+\.(?:\d{1,2}|\d{4,})")


@lru_cache(maxsize=8192)
def parse_number(token: str) -> float:
    """Value of a number written the Vietnamese way ('1.458' → 1458.0, '90,8' → 90.8).

    Raises ValueError for anything else ('1,458,000', '1.5.3', '').
    """
    t = token.strip()
    if _DECIMAL_DOT.fullmatch(t):
        return float(t)
    try:
        # strict parsing re-formats the number to compare, at a precision that holds every digit of it
        with localcontext(prec=max(_FLOAT_DIGITS, len(t))):
            return float(parse_decimal(t, locale=_VI, strict=True))
    except NumberFormatError as err:
        raise ValueError(f"not a Vietnamese number: {token!r}") from err


def format_number(value: float, decimals: int | None = None) -> str:
    """Vietnamese rendering of ``value`` ('4.573', '99,89').

    With ``decimals=None`` every significant digit is kept, so
    ``parse_number(format_number(x)) == x``; otherwise exactly ``decimals``
    decimals, rounded half-even.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot format {value!r}")
    if decimals is not None and decimals < 0:
        raise ValueError(f"decimals must be >= 0, got {decimals}")
    exact = Decimal(repr(float(value)))
    with localcontext(prec=_FLOAT_DIGITS):
        if decimals is None:
            return format_decimal(exact, locale=_VI, decimal_quantization=False)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(exact, format=pattern, locale=_VI)
