"""What a table's column header names: its role, from the ``table_headers`` vocabulary.

One lookup for district spreadsheets (:mod:`cds_analysis.sheets.headers`) and for the
tables report texts spell out (:mod:`cds_analysis.read.tables`). A header is compared
folded (no diacritics, case-blind) and without its parentheses, '*' or final ':', so
'Tỷ lệ đạt (%)', 'Ty le dat' and 'TỶ LỆ ĐẠT:' are one header. A plan or result header
may go on with a period ('Kế hoạch năm 2025', 'Thực hiện quý III/2024').
"""

from __future__ import annotations

import re
from functools import cache

from cds_analysis.lang.text import fold_key
from cds_analysis.reference.vocab import load_vocabulary

__all__ = ["PARENS", "PERIOD_ROLES", "header_key", "names_role", "role_of", "roles"]

PARENS = re.compile(r"\(([^()]*)\)")
PERIOD_ROLES = ("value", "target")  # roles whose header may name a period after its words


def header_key(text: str) -> str:
    """How a header or name is compared: folded, without parentheses, '*' or a final ':'."""
    return fold_key(PARENS.sub(" ", text).replace("*", " ").strip().rstrip(":"))


@cache
def roles() -> dict[str, frozenset[str]]:
    """Role → the folded headers that name it."""
    found: dict[str, set[str]] = {}
    for header, role in load_vocabulary("table_headers").itertuples(index=False):
        found.setdefault(role, set()).add(header_key(header))
    return {role: frozenset(keys) for role, keys in found.items()}


def role_of(text: str) -> str | None:
    """The column a header names: 'Giá trị (%)' → value, 'Thực hiện quý I/2024' → value, 'STT' → row_number."""
    key = header_key(text)
    if not key:
        return None
    for role, aliases in roles().items():
        if key in aliases:
            return role
    for role in PERIOD_ROLES:
        if any(key.startswith(alias + " ") for alias in roles()[role]):
            return role
    return None


def names_role(text: str, role: str) -> bool:
    """``role_of(text) == role``, without folding a text too long to be a header of ``role``.

    A report's every line is asked whether it opens a table, and folding a line
    normalises it. A role other than a period role is named by whole headers, so
    by a text with at most as many letters and digits as its longest header;
    normalising and folding keep every ASCII letter and digit (they join marks
    to letters and drop spaces and zero-width characters), so a text with more
    of them outside brackets names no such role.
    """
    if role not in PERIOD_ROLES and (
        _at_least(_longest(role) + 1).match(PARENS.sub(" ", text)) or header_key(text) not in roles()[role]
    ):
        return False  # not one of its headers (role_of would then try each period header as a prefix)
    return role_of(text) == role


@cache
def _longest(role: str) -> int:
    return max(map(len, roles()[role]))


@cache
def _at_least(n: int) -> re.Pattern[str]:
    """Matches a text holding ``n`` ASCII letters or digits (reading no further than the ``n``-th)."""
    return re.compile(rf"(?:[^0-9A-Za-z]*[0-9A-Za-z]){{{n}}}")
