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
- A PDF table that runs over pages is one table. The first table of a page goes
  on with the last table of the page before when nothing but page furniture (a
  page number, a line on two pages or more: a running header) lies between them,
  it has as many columns (or its column lines are some of the table's: a merged
  cell in each of its rows) and its first row, after the header rows it repeats
  (dropped), names no columns of its own. A row the page break split (a blank
  row number, the rest of the cells' text in lower case) is joined again: that
  cell spans from its first half to its second, the furniture between included.
  Not handled: a merged cell cut by the page break (its part on the new page is
  a blank cell), a header repeated with other words or line breaks, a running
  header printed on one page only.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cds_analysis.read.tables import Sheet, Span, locate_cells, sheet_of
from cds_analysis.reference.table_headers import role_of

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
    """The ruled tables pdfplumber finds on each page, their cells placed in that page's part of ``text``.

    A table that runs over pages is one table (see :func:`_continues`).
    """
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception:  # pypdf read the file; the tables are a bonus
        logger.warning("PDF tables not read: pdfplumber cannot open the file", exc_info=True)
        return ()
    running = _running_lines(text, page_starts)
    tables: list[_PdfTable] = []
    with pdf:
        open_table: _PdfTable | None = None  # the previous page ended with it: the next page may go on with it
        for number, page in enumerate(pdf.pages):
            start = page_starts[number] if number < len(page_starts) else len(text)
            end = page_starts[number + 1] if number + 1 < len(page_starts) else len(text)
            carried, open_table = open_table, None
            try:
                found = [(table.bbox, table.extract(), _column_edges(table)) for table in page.find_tables()]
            except Exception:
                logger.warning("PDF tables of page %d not read", number + 1, exc_info=True)
                continue
            pos = start
            for k, (bbox, raw, edges) in enumerate(found):
                above = (
                    carried if k == 0 and carried is not None and _furniture(_text_above(page, bbox), running) else None
                )
                if above is not None and len(edges) != len(above.edges):
                    on_columns = _on_columns(raw, edges, above.edges)
                    raw, edges = (raw, edges) if on_columns is None else (on_columns, above.edges)
                grid, covered = _pdf_grid(raw)
                rows, pos = locate_cells(text[:end], grid, pos)
                piece = _PdfTable(grid, rows, covered, edges)
                if above is not None:
                    piece = _continues(above, piece) or piece
                if piece is not carried:
                    tables.append(piece)
                if k == len(found) - 1 and number + 1 < len(pdf.pages) and _furniture(_text_below(page, bbox), running):
                    open_table = piece
    kept = [t for t in tables if len(t.rows) >= 2]
    return tuple(sheet_of(_table_name(n), t.rows, _ranges(t.covered)) for n, t in enumerate(kept, 1))


@dataclass
class _PdfTable:
    """A PDF table as read so far: its cell texts, their spans in the text and the positions merged cells cover."""

    grid: list[list[str]]
    rows: list[list[Span]]
    covered: dict[tuple[int, int], tuple[int, int]]
    edges: list[float]  # the left edge of each column, then the right edge of the table (PDF points)


def _column_edges(table) -> list[float]:
    """The left edge of each column of a pdfplumber table (-1 for a column no cell starts), then its right edge."""
    lefts: dict[int, float] = {}
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            if cell is not None:
                lefts.setdefault(c, cell[0])
    return [lefts.get(c, -1.0) for c in range(max(lefts, default=-1) + 1)] + [table.bbox[2]]


_SAME_EDGE = 2.0  # PDF points: one ruling line drawn on two pages


def _on_columns(
    raw: Sequence[Sequence[str | None]], edges: Sequence[float], columns: Sequence[float]
) -> list[list[str | None]] | None:
    """``raw`` (a table piece with fewer ruled columns) on the ``columns`` of the table it goes on with.

    On a new page a table may have a merged cell in every row ('Ghi chú' over
    the last two columns), so pdfplumber sees fewer columns there. When each of
    the piece's column lines is one of the table's, a cell goes to the column
    its left edge starts and covers those up to the next (None, as pdfplumber
    gives a merged position); else None: the piece is a table of its own.
    """
    at = [next((k for k, x in enumerate(columns) if abs(x - edge) <= _SAME_EDGE), -1) for edge in edges]
    if -1 in at or at[0] != 0 or at[-1] != len(columns) - 1:
        return None
    widened: list[list[str | None]] = []
    for row in raw:
        cells: list[str | None] = [None] * (len(columns) - 1)
        for c, cell in enumerate(row):
            cells[at[c]] = cell
        widened.append(cells)
    return widened


def _continues(table: _PdfTable, piece: _PdfTable) -> _PdfTable | None:
    """``table`` (the last table of the previous page) gone on with ``piece``, or None when ``piece`` is a table.

    ``piece`` starts at the top of its page (the caller checks it, and puts it
    on the table's columns when it has fewer: :func:`_on_columns`). It goes on
    with ``table`` when it has as many columns and its first row, after the
    header rows it repeats (dropped), is not a header row of its own. A row the
    page break split in two (see :func:`_split_row`) is joined again.
    """
    if not piece.grid or len(piece.grid[0]) != len(table.grid[0]):
        return None
    repeated = 0
    while repeated < min(len(piece.grid), len(table.grid)) and piece.grid[repeated] == table.grid[repeated]:
        repeated += 1
    if repeated < len(piece.grid) and _header_row(piece.grid[repeated]):
        return None
    grid, rows = piece.grid[repeated:], piece.rows[repeated:]
    covered = {(r - repeated, c): (r0 - repeated, c0) for (r, c), (r0, c0) in piece.covered.items() if r0 >= repeated}
    if rows and _split_row(table.rows[-1], rows[0]):
        last = len(table.rows) - 1
        table.rows[last] = [_joined(a, b) for a, b in zip(table.rows[last], rows[0], strict=True)]
        table.grid[last] = [_one_line(f"{a} {b}") for a, b in zip(table.grid[last], grid[0], strict=True)]
        grid, rows = grid[1:], rows[1:]
        covered = {(r - 1, c): (r0 - 1, c0) for (r, c), (r0, c0) in covered.items() if r0 >= 1}
    offset = len(table.rows)
    table.covered.update({(r + offset, c): (r0 + offset, c0) for (r, c), (r0, c0) in covered.items()})
    table.grid += grid
    table.rows += rows
    return table


def _header_row(row: Sequence[str]) -> bool:
    """A row naming at least two columns ('TT', 'Chỉ tiêu', 'Kế hoạch năm 2025'): a table's own header."""
    return sum(role_of(cell) is not None for cell in row if cell) >= 2


_LIST_MARK = re.compile(r"^[a-zđ]{1,2}[.)]")


def _split_row(last: Sequence[Span], first: Sequence[Span]) -> bool:
    """True when ``first`` (a page's first row) is the rest of ``last`` (the previous page's last row).

    A row allowed to break across pages comes as two rows: the second has no
    row number (an empty first cell) and each of its cells below a cell of the
    first half goes on with that cell's text, in lower case ('... xử lý trên' |
    'môi trường mạng'); its other cells fill the first half's empty ones. A
    row of its own under a parent row ('- Cấp tỉnh', 'a) Cấp huyện', 'Cấp xã')
    does not read so.
    """
    if not first or first[0][0] or not last[0][0]:
        return False
    below = [b for a, b in zip(last, first, strict=True) if a[0] and b[0]]
    return bool(below) and all(b[0][0].islower() and not _LIST_MARK.match(b[0]) for b in below)


def _joined(a: Span, b: Span) -> Span:
    """One cell of two halves: their texts, from the first half's start to the second half's end."""
    if not b[0]:
        return a
    if not a[0]:
        return b
    located = [s for s in (a, b) if s[1] >= 0]
    return f"{a[0]} {b[0]}", min((s[1] for s in located), default=-1), max((s[2] for s in located), default=-1)


_PAGE_NUMBER = re.compile(r"^[\s\-–—.]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[\s\-–—.]*$", re.IGNORECASE)


def _running_lines(text: str, page_starts: Sequence[int]) -> frozenset[str]:
    """The lines found on two pages or more: a running header or footer (a document's title, an authority)."""
    bounds = [*page_starts, len(text) + 1]
    seen: dict[str, int] = {}
    for k in range(len(page_starts)):
        for line in {_one_line(line) for line in text[bounds[k] : bounds[k + 1] - 1].split("\n")} - {""}:
            seen[line] = seen.get(line, 0) + 1
    return frozenset(line for line, n in seen.items() if n >= 2)


def _furniture(lines: str | None, running: frozenset[str]) -> bool:
    """True when every line is page furniture: a page number ('2', '- 2 -', 'Trang 2/5') or a running line;
    False when the lines could not be read (None)."""
    return lines is not None and all(
        _PAGE_NUMBER.match(line) or line in running for line in map(_one_line, lines.split("\n")) if line
    )


def _text_above(page, bbox: tuple[float, float, float, float]) -> str | None:
    x0, top, x1, _ = page.bbox
    return _text_in(page, (x0, top, x1, bbox[1])) if bbox[1] > top else ""


def _text_below(page, bbox: tuple[float, float, float, float]) -> str | None:
    x0, _, x1, bottom = page.bbox
    return _text_in(page, (x0, bbox[3], x1, bottom)) if bbox[3] < bottom else ""


def _text_in(page, box: tuple[float, float, float, float]) -> str | None:
    """The text of a part of ``page``; None when pdfplumber cannot crop or read it (a table drawn past the page's
    edge): the table is then read as one of its own, as it was before tables went on over pages."""
    try:
        return page.crop(box).extract_text()
    except Exception:
        logger.debug("PDF page %s: text around a table not read", page.page_number, exc_info=True)
        return None


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
