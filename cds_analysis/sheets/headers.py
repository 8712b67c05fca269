"""Where a table's header is and what each column holds.

The header row is the row (within the first rows) that names the most columns
of a long table (one row per indicator) or a wide one (one column per
indicator); a merged group header just above it adds to the headers below.
The header words of each role are data: ``reference/data/vocab/table_headers.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cds_analysis.lang import periods
from cds_analysis.read.workbooks import Sheet
from cds_analysis.reference.table_headers import PERIOD_ROLES, role_of
from cds_analysis.sheets.words import indicator_of, period_in, unit_hint, unit_in, whole_period

__all__ = [
    "FIELD_ROLES",
    "PLACE_ROLES",
    "VALUE_ROLES",
    "Column",
    "Table",
    "find_table",
    "group_row",
    "header_columns",
    "layout_of",
]

_HEADER_SEARCH_ROWS = 30


VALUE_ROLES = PERIOD_ROLES  # the columns whose cells are figures: results and targets
PLACE_ROLES = ("province", "district", "commune", "place")
FIELD_ROLES = (*PLACE_ROLES, "period", "unit")  # what a title row may state as 'Label: value'


@dataclass(frozen=True)
class Column:
    index: int
    role: str  # a role of the table_headers vocabulary, or 'measure': a column of one indicator (wide layout)
    header: str
    period: periods.Period | None = None
    indicator: str | None = None  # of a measure; None when no catalogue entry fits
    unit_text: str | None = None  # '%' of 'Tỷ lệ hồ sơ trực tuyến (%)'


@dataclass(frozen=True)
class Table:
    header_row: int
    layout: str  # 'long' or 'wide'
    columns: tuple[Column, ...]
    title_rows: tuple[int, ...]

    def of(self, role: str) -> list[Column]:
        return [c for c in self.columns if c.role == role]


def group_row(sheet: Sheet, r: int) -> bool:
    """True when row ``r`` holds a merged header over several (not all) columns of the row below."""
    texts = {c.text.strip() for c in sheet.rows[r] if c.text.strip()}
    return len(texts) >= 2 and any(
        r1 == r and c1 > c0 and not (c0 == 0 and c1 >= sheet.width - 1) for r0, c0, r1, c1 in sheet.merged if r0 <= r
    )


def header_columns(sheet: Sheet, r: int) -> list[Column]:
    """The columns named by header row ``r`` (and the merged group headers just above it)."""
    return _columns_of(_header_texts(sheet, r))


def _header_texts(sheet: Sheet, r: int) -> list[tuple[int, str, str]]:
    """(index, own text, group header above it) of each column that row ``r`` names, read as a header row."""
    group = r > 0 and group_row(sheet, r - 1)
    texts = []
    for c in range(sheet.width):
        own = "" if sheet.spanned(r, c) else sheet.cell(r, c).text.strip()
        parent = sheet.cell(r - 1, c).text.strip() if group else ""
        if parent == own:
            parent = ""
        if own or parent:
            texts.append((c, own, parent))
    return texts


def _columns_of(texts: list[tuple[int, str, str]]) -> list[Column]:
    """What each named column of a header row holds (see :func:`header_columns`)."""
    columns = []
    for c, own, parent in texts:
        header = " ".join(t for t in (parent, own) if t)
        role = role_of(own) if own else role_of(parent)
        if role in VALUE_ROLES:
            # the header under its group reads as one phrase: 'Thực hiện 9 tháng' under 'Năm 2024'
            columns.append(Column(c, role, header, period=period_in(f"{own} {parent}".strip())))
        elif role is not None:
            columns.append(Column(c, role, header))
        elif period := whole_period(own or parent):  # 'Chỉ tiêu' | 'Quý I/2024' | 'Quý II/2024'
            columns.append(Column(c, "value", header, period=period))
        else:
            unit_text = unit_in(header)
            code = indicator_of(
                header, None, unit_hint(unit_text, None, own or header), counted=own if parent else None
            )
            columns.append(Column(c, "measure", header, period_in(header), code, unit_text))
    return columns


def layout_of(columns: list[Column]) -> tuple[str | None, int]:
    """('long' | 'wide' | None, how many columns are recognised: at most one per column)."""
    named = {c.role for c in columns}
    measures = [c for c in columns if c.role == "measure" and c.indicator]
    score = sum(c.role != "measure" for c in columns) + len(measures)
    if named & {"indicator", "code"}:
        return ("long" if named & {*VALUE_ROLES, "numerator"} else None), score
    if measures and (named & {*PLACE_ROLES, "period"} or len(measures) >= 2):
        return "wide", score
    return None, score


def find_table(sheet: Sheet) -> Table | None:
    """The header row of ``sheet`` that names the most columns of a long or wide table.

    A row scores at most one per column it names, so a row naming no more
    columns than the best score so far is not read (most rows of a table are
    data rows under its header, and reading a row's every cell as a header costs
    as much as reading the row).
    """
    best: tuple[int, int, str, list[Column]] | None = None
    for r in range(min(len(sheet.rows), _HEADER_SEARCH_ROWS)):
        texts = _header_texts(sheet, r)
        if best is not None and len(texts) <= best[0]:
            continue
        columns = _columns_of(texts)
        layout, score = layout_of(columns)
        if layout is not None and (best is None or score > best[0]):
            best = (score, r, layout, columns)
    if best is None:
        return None
    _, r, layout, columns = best
    title_rows = tuple(range(r - 1 if r > 0 and group_row(sheet, r - 1) else r))
    return Table(r, layout, tuple(columns), title_rows)
