"""Tables as structure: grids of cells, each cell with its span in the document's text.

A district spreadsheet and a table inside a report are the same thing to the
table reader (:mod:`cds_analysis.sheets`): a :class:`Sheet` of :class:`Cell`
objects. This module holds that structure and finds it where a report keeps it:

- Word, HTML and PDF readers (:mod:`cds_analysis.read.documents`) build their
  tables from the file's own structure (python-docx, ``<table>``, pdfplumber)
  and place each cell in the document's text with :func:`locate_cells`;
- :func:`find_text_tables` finds the tables a plain text spells out: cells
  separated by tabs or by '|' (as saved web pages print tables), columns aligned
  with spaces, or one cell per line under a header of plan and result columns.

Decisions:

- ``Cell.start``/``Cell.end`` span the cell's text in ``Document.text``, so that
  ``text[start:end] == cell.text``; a cell the reader cannot place (a PDF cell
  whose words the text layer orders otherwise) has -1 and is never evidence.
- A merged cell is one cell at its top-left position; the other positions of the
  range repeat it (:attr:`Sheet.merged` names the range).
- A text table needs a header line and at least one row below it; lines of a
  single cell (a title, a sentence) end it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cds_analysis.reference.table_headers import names_role, role_of

__all__ = [
    "EMPTY_CELL",
    "Cell",
    "Sheet",
    "Span",
    "column_letters",
    "find_text_tables",
    "locate_cells",
    "sheet_of",
]

_NO_FIGURE = {"", "-", "–", "—", "…", "..."}


@dataclass(frozen=True)
class Cell:
    """One cell: its value as stored, its text as written and its span in ``Document.text``."""

    value: object  # str, int, float, datetime, bool or None
    text: str
    start: int = -1
    end: int = -1
    percent: bool = False  # a number in a percentage format
    formula: bool = False  # a formula whose result the file does not hold

    @property
    def blank(self) -> bool:
        if self.formula:
            return False
        return self.value is None or (isinstance(self.value, str) and self.value.strip() in _NO_FIGURE)


EMPTY_CELL = Cell(None, "")


@dataclass(frozen=True)
class Sheet:
    """A sheet or a report's table as a rectangle of cells; ``name`` is None for a CSV file."""

    name: str | None
    rows: tuple[tuple[Cell, ...], ...]
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col), 0-based

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def cell(self, r: int, c: int) -> Cell:
        return self.rows[r][c] if 0 <= r < len(self.rows) and 0 <= c < self.width else EMPTY_CELL

    def origin(self, r: int, c: int) -> tuple[int, int]:
        """The top-left cell of the merged range (r, c) is in; (r, c) itself when it is not merged."""
        return next(((r0, c0) for r0, c0, r1, c1 in self.merged if r0 <= r <= r1 and c0 <= c <= c1), (r, c))

    def spanned(self, r: int, c: int) -> bool:
        """True for a cell of a merged range other than its first column: it repeats the text on its left."""
        return any(r0 <= r <= r1 and c0 < c <= c1 for r0, c0, r1, c1 in self.merged)

    def ref(self, r: int, c: int) -> str:
        """'Báo cáo!H7' (or 'H7' for a CSV file) for 0-based row ``r`` and column ``c``."""
        a1 = f"{column_letters(c)}{r + 1}"
        return a1 if self.name is None else f"{self.name}!{a1}"


def column_letters(c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


Span = tuple[str, int, int]  # a cell's text as written, and its start and end in the document's text


def sheet_of(
    name: str | None, rows: Sequence[Sequence[Span]], merged: Iterable[tuple[int, int, int, int]] = ()
) -> Sheet:
    """A :class:`Sheet` of text cells; positions a merged range covers repeat its top-left cell."""
    width = max((len(row) for row in rows), default=0)
    grid = [
        [Cell(text.strip() or None, text, start, end) for text, start, end in row] + [EMPTY_CELL] * (width - len(row))
        for row in rows
    ]
    ranges = tuple(merged)
    for r0, c0, r1, c1 in ranges:
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                if (r, c) != (r0, c0):
                    grid[r][c] = grid[r0][c0]
    return Sheet(name, tuple(tuple(row) for row in grid), ranges)


def _words_pattern(text: str) -> re.Pattern[str] | None:
    words = text.split()
    return re.compile(r"\s+".join(map(re.escape, words))) if words else None


_LOOKAHEAD = 4000  # how far after the previous cell a cell's words are looked for


def locate_cells(text: str, grid: Sequence[Sequence[str]], start: int = 0) -> tuple[list[list[Span]], int]:
    """The cells of ``grid`` (row by row) placed in ``text`` from ``start`` on, and where the last one ends.

    A cell is looked for after the previous one, its words separated by any
    white space (a PDF or a web page breaks lines inside cells); an empty cell, or
    one whose words are not there, gets no span (-1) and leaves the search where it was.
    """
    pos = start
    rows: list[list[Span]] = []
    for row in grid:
        spans: list[Span] = []
        for cell in row:
            pattern = _words_pattern(cell)
            m = pattern.search(text, pos, pos + _LOOKAHEAD + len(cell)) if pattern else None
            if m is None:
                spans.append((" ".join(cell.split()), -1, -1))
                continue
            spans.append((m.group(), m.start(), m.end()))
            pos = m.end()
        rows.append(spans)
    return rows, pos


# --------------------------------------------------------------------------- tables a plain text spells out

_Line = tuple[int, int]  # start and end of a line (without its line end) in the text


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _split(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[Span]:
    """The cells of one line between separators, each trimmed of spaces, with its span."""
    cells, pos = [], start
    bounds = [(m.start(), m.end()) for m in separator.finditer(text, start, end)] + [(end, end)]
    for sep_start, sep_end in bounds:
        raw = text[pos:sep_start]
        lead = len(raw) - len(raw.lstrip())
        cell = raw.strip()
        cells.append((cell, pos + lead, pos + lead + len(cell)))
        pos = sep_end
    return cells


_TAB = re.compile(r"\t")
_PIPE = re.compile(r"\|")
_GAP = re.compile(r"(?<=\S) {2,}(?=\S)")
_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")  # a markdown header rule
_FIGURE = re.compile(r"^[<>≥≤~]?\s*\d[\d.,]*\s*%?\W{0,3}$")  # a cell that is a figure


def _delimited(text: str, lines: list[_Line], i: int, kind: str) -> tuple[list[list[Span]], int]:
    """Rows of a tab- or '|'-separated table starting at line ``i``, and the line after it."""
    rows: list[list[Span]] = []
    j = i
    while j < len(lines):
        start, end = lines[j]
        line = text[start:end]
        if kind == "|" and _RULE.match(line) and rows:
            j += 1
            continue
        if kind == "\t":
            if "\t" not in line.strip("\t") and not (rows and "\t" in line):
                break
            cells = _split(text, start, end, _TAB)
        else:
            if line.count("|") < 2:
                break
            stripped = line.strip()
            lead = start + line.index(stripped[0])
            inner_start = lead + (1 if stripped.startswith("|") else 0)
            inner_end = lead + len(stripped) - (1 if stripped.endswith("|") and len(stripped) > 1 else 0)
            cells = _split(text, inner_start, inner_end, _PIPE)
        if sum(bool(c[0]) for c in cells) < 2 and not rows:
            break
        rows.append(cells)
        j += 1
    return rows, j


def _closeness(cell: tuple[int, int], column: tuple[int, int]) -> int:
    """How much a cell overlaps a header column, or minus the gap between them."""
    return min(cell[1], column[1]) - max(cell[0], column[0])


def _aligned(text: str, lines: list[_Line], i: int) -> tuple[list[list[Span]], int]:
    """Rows of a table whose columns are aligned with spaces, each cell in the header column closest to it."""
    start, end = lines[i]
    if text.find("  ", start, end) < 0:
        return [], i  # no gap of two spaces: one cell (most lines of a report)
    header = _split(text, start, end, _GAP)
    if len(header) < 3:
        return [], i
    columns = [(s - start, e - start) for _, s, e in header]
    rows: list[list[Span]] = [header]
    j = i + 1
    while j < len(lines):
        start, end = lines[j]
        cells = _split(text, start, end, _GAP)
        if len(cells) < 2:
            break
        row: list[Span] = [("", -1, -1)] * len(columns)
        free = 0  # cells keep their order: each goes to a column right of the previous one
        for cell in cells:
            s, e = cell[1] - start, cell[2] - start
            if free >= len(columns):
                return [], i
            best = max(range(free, len(columns)), key=lambda k: _closeness((s, e), columns[k]))
            row[best], free = cell, best + 1
        rows.append(row)
        j += 1
    if len(rows) < 3 or not any(_FIGURE.match(c[0]) for row in rows[1:] for c in row[1:]):
        return [], i  # columns of words only, or double spaces in prose
    return rows, j


_VALUE_LINE = re.compile(r"^\s*(?:trên|dưới|tối thiểu|ít nhất|khoảng|>|<|≥|≤)?\s*\d[\d.,]*\s*%?\s*\*?\s*$", re.I)
_VERDICT = re.compile(r"^(?:Đạt|Vượt|Chưa đạt|Không đạt|Hoàn thành|Chưa hoàn thành)\b", re.I)
_SECTION = re.compile(r"^\s*(?:[IVX]+\.|Phần\s|[A-ZĐ]\.)\s")
_MAX_HEADER, _MAX_LABEL = 60, 300


def _one_per_line(text: str, lines: list[_Line], i: int) -> tuple[list[list[Span]], int]:
    """A table printed one cell per line: a label header, its value headers, then each row's label and cells.

    A label that runs on over two lines (its second line starts in lower case or
    with '(') is one cell spanning both.
    """
    start, end = lines[i]
    first = text[start:end].strip()
    if not names_role(first, "indicator"):
        return [], i
    header: list[Span] = [_split(text, start, end, _TAB)[0]]
    j = i + 1
    while j < len(lines):
        s, e = lines[j]
        line = text[s:e].strip()
        if line and (len(line) > _MAX_HEADER or role_of(line) not in ("value", "target", "ratio", "note")):
            break
        if line:  # saved pages put a blank line between cells
            header.append(_split(text, s, e, _TAB)[0])
        j += 1
    if sum(role_of(h[0]) in ("value", "target") for h in header) < 2:
        return [], i
    rows: list[list[Span]] = [header]
    while j < len(lines):
        s, e = lines[j]
        line = text[s:e].strip()
        if not line:
            j += 1
            continue
        if len(line) > _MAX_LABEL or _SECTION.match(line):
            break
        cell = _split(text, s, e, _TAB)[0]
        row = rows[-1]
        if _VALUE_LINE.match(line) or _VERDICT.match(line):
            if len(rows) == 1 or len(row) >= len(header):
                break
            row.append(cell)
        elif len(rows) > 1 and len(row) == 1 and (line.startswith("(") or line[:1].islower()):
            label, label_start, _ = row[0]
            row[0] = (text[label_start:e].rstrip(), label_start, label_start + len(text[label_start:e].rstrip()))
        else:
            rows.append([cell])
        j += 1
    if len(rows) < 2:
        return [], i
    return rows, j


def find_text_tables(text: str) -> tuple[Sheet, ...]:
    """The tables a plain text spells out, in text order (see the module notes for the kinds read)."""
    lines = _lines(text)
    finders = (
        lambda k: _delimited(text, lines, k, "\t"),
        lambda k: _delimited(text, lines, k, "|"),
        lambda k: _aligned(text, lines, k),
        lambda k: _one_per_line(text, lines, k),
    )
    tables: list[Sheet] = []
    i = 0
    while i < len(lines):
        line = text[slice(*lines[i])]
        # A tab, a bar or a double space marks the first line of the first three kinds: most lines have none.
        marked = "\t" in line or "|" in line or "  " in line
        for finder in finders if marked else finders[3:]:
            rows, after = finder(i)
            if len(rows) >= 2:
                tables.append(sheet_of(f"Bảng {len(tables) + 1}", rows))
                i = after
                break
        else:
            i += 1
    return tuple(tables)
