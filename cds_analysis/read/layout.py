"""Tables from a file's own layout: Word tables, HTML ``<table>`` elements and ruled PDF tables.

Each reader of :mod:`cds_analysis.read.documents` gives its text; the functions
here give the tables of the same file as :class:`~cds_analysis.read.tables.Sheet`
grids whose cells point into that text.

Decisions:

- Word: the text is written here, a table row per line with its cells separated
  by tabs (a line break inside a cell becomes a space), so every cell's span is
  known. A merged cell's text is written once, at its top-left position.
- HTML: a table counts when trafilatura kept it in the article's text (page
  chrome — menus, calendars, link lists — is left out of that text, so its tables
  are not found there) and each row's cells sit on one line of that text.
- PDF: pdfplumber finds ruled tables on the text layer (no OCR); each cell is
  looked for in the page's text. A page whose tables pdfplumber cannot read keeps
  its text and loses only its tables (logged).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence

from cds_analysis.read.tables import Sheet, Span, locate_cells, sheet_of

logger = logging.getLogger(__name__)

__all__ = ["docx_text_and_tables", "html_tables", "pdf_tables"]

_Range = tuple[int, int, int, int]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _table_name(n: int) -> str:
    return f"Bảng {n}"


# --------------------------------------------------------------------------- Word


def docx_text_and_tables(document) -> tuple[str, tuple[Sheet, ...]]:
    """The text of a python-docx document (paragraphs and table rows as lines) and its tables."""
    from docx.table import Table

    lines: list[str] = []
    pos = 0
    tables: list[Sheet] = []

    def add(line: str) -> None:
        nonlocal pos
        line = line.replace("\r\n", "\n").replace("\r", "\n")
        lines.append(line)
        pos += len(line) + 1

    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            add(block.text)
            continue
        rows: list[list[Span]] = []
        first: dict[object, tuple[int, int]] = {}  # a cell's XML element (kept alive here) → its top-left position
        covered: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(block.rows):
            spans: list[Span] = []
            texts: list[str] = []
            start = pos
            for c, cell in enumerate(row.cells):
                if c:
                    start += 1  # the tab
                key = cell._tc  # a merged cell is the same element at every position it covers
                if key in first:
                    covered[r, c] = first[key]
                    spans.append(("", -1, -1))
                    texts.append("")
                    continue
                first[key] = (r, c)
                text = _one_line("\n".join(p.text for p in cell.paragraphs))
                spans.append((text, start, start + len(text)))
                texts.append(text)
                start += len(text)
            rows.append(spans)
            add("\t".join(texts))
        tables.append(sheet_of(_table_name(len(tables) + 1), rows, _ranges(covered)))
    return "\n".join(lines), tuple(tables)


def _ranges(covered: dict[tuple[int, int], tuple[int, int]]) -> tuple[_Range, ...]:
    """Merged ranges (first row, first col, last row, last col) from the positions each origin covers."""
    ends: dict[tuple[int, int], tuple[int, int]] = {}
    for (r, c), origin in covered.items():
        r1, c1 = ends.get(origin, origin)
        ends[origin] = (max(r1, r), max(c1, c))
    return tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in sorted(ends.items()))


# --------------------------------------------------------------------------- HTML


def _html_grid(table) -> tuple[list[list[str]], dict[tuple[int, int], tuple[int, int]]]:
    """The cell texts of an lxml ``<table>`` on its grid (colspan, rowspan), and the positions merged cells cover."""
    grid: dict[tuple[int, int], str] = {}
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
        c = 0
        for td in tr.xpath("./td|./th"):
            while (r, c) in grid or (r, c) in covered:
                c += 1
            grid[r, c] = _one_line(td.text_content())
            for dr in range(max(1, _span(td.get("rowspan")))):
                for dc in range(max(1, _span(td.get("colspan")))):
                    if dr or dc:
                        covered[r + dr, c + dc] = (r, c)
            c += 1
    n_rows = 1 + max((r for r, _ in (*grid, *covered)), default=-1)
    width = 1 + max((c for _, c in (*grid, *covered)), default=-1)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(n_rows)], covered


def _span(value: str | None) -> int:
    try:
        return min(int(value or 1), 50)
    except ValueError:
        return 1


def html_tables(html: str, text: str) -> tuple[Sheet, ...]:
    """The tables of an HTML page that are part of its article ``text`` (see the module notes)."""
    import lxml.html

    try:
        root = lxml.html.fromstring(html)
    except Exception:  # lxml cannot parse what trafilatura could: the page keeps its text, not its tables
        logger.warning("HTML tables not read: the page does not parse as a tree", exc_info=True)
        return ()
    tables: list[Sheet] = []
    pos = 0
    for element in root.iter("table"):
        if element.find(".//table") is not None:
            continue  # a layout table around others
        grid, covered = _html_grid(element)
        if len(grid) < 2:
            continue
        rows, end = locate_cells(text, grid, pos)
        if _kept(text, grid, rows):
            tables.append(sheet_of(_table_name(len(tables) + 1), rows, _ranges(covered)))
            pos = end
    return tuple(tables)


def _kept(text: str, grid: Sequence[Sequence[str]], rows: list[list[Span]]) -> bool:
    """Most cells were found, and each row's cells on one line (not scattered words of the article)."""
    wanted = sum(bool(cell) for row in grid for cell in row)
    found = [[s for s in row if s[1] >= 0] for row in rows]
    if not wanted or sum(map(len, found)) < 0.8 * wanted:
        return False
    return all("\n" not in text[row[0][1] : row[-1][2]] for row in found if len(row) > 1)


# --------------------------------------------------------------------------- PDF


def pdf_tables(data: bytes, text: str, page_starts: Sequence[int]) -> tuple[Sheet, ...]:
    """The ruled tables pdfplumber finds on each page, their cells placed in that page's part of ``text``."""
    import pdfplumber

    tables: list[Sheet] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # pypdf read the file; the tables are a bonus
        logger.warning("PDF tables not read: pdfplumber cannot open the file", exc_info=True)
        return ()
    with pdf:
        for number, page in enumerate(pdf.pages):
            start = page_starts[number] if number < len(page_starts) else len(text)
            end = page_starts[number + 1] if number + 1 < len(page_starts) else len(text)
            try:
                found = page.extract_tables()
            except Exception:
                logger.warning("PDF tables of page %d not read", number + 1, exc_info=True)
                continue
            pos = start
            for raw in found:
                grid, covered = _pdf_grid(raw)
                if len(grid) < 2:
                    continue
                rows, pos = locate_cells(text[:end], grid, pos)
                tables.append(sheet_of(_table_name(len(tables) + 1), rows, _ranges(covered)))
    return tuple(tables)


def _pdf_grid(raw: Sequence[Sequence[str | None]]) -> tuple[list[list[str]], dict[tuple[int, int], tuple[int, int]]]:
    """pdfplumber's table (None where a merged cell covers a position) as texts and covered positions.

    A covered position belongs to the nearest cell on its left, else the one above.
    """
    grid = [[_one_line(cell or "") for cell in row] for row in raw]
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(raw):
        for c, cell in enumerate(row):
            if cell is not None:
                continue
            if c and (r, c - 1) not in covered and raw[r][c - 1] is not None:
                covered[r, c] = (r, c - 1)
            elif c and (r, c - 1) in covered and covered[r, c - 1][0] == r:
                covered[r, c] = covered[r, c - 1]
            elif r and raw[r - 1][c] is not None:
                covered[r, c] = (r - 1, c)
            elif r and (r - 1, c) in covered:
                covered[r, c] = covered[r - 1, c]
    return grid, covered
