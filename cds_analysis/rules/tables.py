"""Facts of the tables inside a report, read cell by cell by the sheet reader.

A report's annex of indicators (plan and result columns) or its table of
communes by indicator is the same problem as a district spreadsheet, so each
table (:attr:`cds_analysis.read.documents.Document.tables`, or the tables a
plain text spells out, :func:`cds_analysis.read.tables.find_text_tables`) goes
through :class:`cds_analysis.sheets.reader.TableReader`: header row(s), column
roles from the ``table_headers`` vocabulary, each row's indicator or unit, each
cell one fact.

Decisions:

- What holds for every row comes from the report: the unit and period named in
  the lines just above the table (its caption, 'Phụ lục: … quý III/2024 của
  UBND huyện Mộ Đức') and in the table's own title rows, else in the head of the
  report. A column's period ('Thực hiện quý III/2024') beats them; when the
  headers name one period only ('Đề ra năm 2023' | 'Kết quả thực hiện') and the
  report none, it holds for every column.
- A row number ('STT'), a header, a note or a verdict ('Đạt', 'Vượt') is never a
  fact; a 'Tỷ lệ đạt (%)' column is the result over the plan and is left out,
  since its two figures are read; a total row ('Tổng cộng', 'Toàn huyện') is the
  report's unit, but a 'Tổng cộng' row under a list of indicators adds up unlike
  things and is no fact. A row whose words name no catalogue indicator is filed under
  'other', as free text is; a cell that does not read as a figure is no fact,
  and a unit of measure the catalogue does not know ('Tổ', 'hồ sơ') counts.
- Evidence is 'row label | column header | cell', and its offsets span the cell
  in the report's text. A cell without a place in the text (a PDF cell the text
  layer orders otherwise) gives no fact.
- A number stated twice, in a sentence and in a table, is one fact: the table's
  (its indicator, period and target flag come from its structure). A sentence
  fact is dropped when a table fact has the same indicator, value, target flag and
  unit codes, and the same period or the sentence names none.
- Table facts are rows (dicts of the ``observations`` columns), as sentence facts
  are: the extractor builds one frame of both, and a report's few table rows do
  not pay for a frame of their own.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from cds_analysis.lang.text import fold_key
from cds_analysis.read.documents import Document
from cds_analysis.read.tables import Sheet
from cds_analysis.sheets.context import Context, title_context
from cds_analysis.sheets.headers import VALUE_ROLES, Table, find_table
from cds_analysis.sheets.reader import TableReader
from cds_analysis.sheets.validation import CELL_COLUMNS
from cds_analysis.sheets.words import UNIT_LABELS

logger = logging.getLogger(__name__)

__all__ = ["TableFacts", "read_tables", "without_restatements"]

_CAPTION_LINES, _CAPTION_CHARS, _HEAD_CHARS = 3, 400, 600
# What a sentence fact shares with the table fact that restates it; the period label last (the sentence may name none).
_SAME_FACT = [
    "indicator",
    "value",
    "is_target",
    "province_code",
    "district_code",
    "commune_code",
    "map",
    "period_label",
]


@dataclass(frozen=True)
class TableFacts:
    """The facts of a report's tables (rows of the ``observations`` columns) and the spans of text the tables take
    (no sentence is read there)."""

    rows: list[dict]
    regions: list[tuple[int, int]]


def read_tables(
    text: str, tables: Sequence[Sheet], published: date | None, source: str, document_id: str
) -> TableFacts:
    """Every fact of the ``tables`` of the report ``text``, in table order."""
    doc = Document(source, "txt", text, None, published, None, document_id)
    head = None  # the report's head is read only for a report that has a table
    rows: list[dict] = []
    regions = []
    for sheet in tables:
        table = find_table(sheet)
        located = [c for row in sheet.rows for c in row if c.start >= 0]
        if table is None or not located:
            continue
        start, end = min(c.start for c in located), max(c.end for c in located)
        regions.append((start, end))
        if head is None:
            head = title_context(text[:_HEAD_CHARS])
        ctx = _context(text, start, sheet, table, head)
        candidates, _ = TableReader(doc, sheet, table, ctx, kind="text").rows()
        rows += _facts(candidates)
    return TableFacts(rows, regions)


def _context(text: str, start: int, sheet: Sheet, table: Table, head: Context) -> Context:
    """The unit and period of a table: from its caption and title rows, else the report's head."""
    lines = [line for line in text[max(0, start - _CAPTION_CHARS) : start].split("\n") if line.strip()]
    caption = " ".join(lines[-_CAPTION_LINES:])
    title_rows = " ".join(c.text for r in table.title_rows for c in sheet.rows[r] if c.text.strip())
    near = title_context(f"{caption} {title_rows}")
    if near.province is None and near.district is None and near.commune is None:
        near = replace(near, province=head.province, district=head.district, commune=head.commune)
    period = near.period or head.period
    if period is None:
        named = {c.period.label: c.period for c in table.columns if c.role in VALUE_ROLES and c.period is not None}
        period = next(iter(named.values())) if len(named) == 1 else None
    return replace(near, period=period, unknown=None)


_BLANK_LABEL = re.compile(r"^\W*$")
_TOTAL_LABEL = re.compile(r"^(?:tong cong|cong|tong)$")  # a sum of the rows above, in a table of indicators


def _facts(candidates: list[dict]) -> list[dict]:
    """The candidates that are facts: a figure with a place in the text, under a label.

    A unit of measure the catalogue does not know ('Tổ', 'hồ sơ', 'tài khoản')
    counts those things. The sheet checks of places and periods are not applied:
    a report's table may be about a tier ('Cấp xã') or name no period, as its
    sentences may.
    """
    return [
        {
            **{k: v for k, v in c.items() if k not in CELL_COLUMNS},
            "indicator": c["indicator"] or "other",
            "unit": c["unit"] if c["unit"] in UNIT_LABELS else "count",
        }
        for c in candidates
        if c["value"] is not None
        and c["char_start"] >= 0
        and not _BLANK_LABEL.match(c["indicator_text"] or "")
        and not _TOTAL_LABEL.match(fold_key(c["indicator_text"] or ""))
    ]


def without_restatements(prose: list[dict], table: list[dict]) -> list[dict]:
    """Sentence and table facts in text order, a sentence fact that a table restates left out."""
    if not table:
        return prose
    stated = {(*key[:-1], period) for key in map(_same_fact, table) for period in (key[-1], None)}
    kept = [row for row in prose if _same_fact(row) not in stated]
    return sorted(kept + table, key=lambda row: row["char_start"])  # stable: a sentence fact before a cell's


def _same_fact(row: dict) -> tuple:
    """The :data:`_SAME_FACT` values of ``row``, a missing figure (NaN) read as None."""
    return tuple(None if isinstance(v, float) and math.isnan(v) else v for v in map(row.get, _SAME_FACT))
