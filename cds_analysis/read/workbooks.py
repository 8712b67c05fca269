"""Workbooks and CSV files as sheets of cells, each cell with its text and place in the file.

The sheet reader (``sheets``) finds tables in these cells (:mod:`cds_analysis.read.tables`
holds the structure); this module only opens files: .xlsx with openpyxl (values as
shown, percent formats kept), .csv in any encoding ``decode_text`` knows and with ',', ';' or tab delimiters. A file
that cannot be opened is a ``ReadError`` naming it.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from cds_analysis.read.documents import Document, ReadError, content_id, decode_text, read_bytes
from cds_analysis.read.limits import check_chars, check_rows, check_zip
from cds_analysis.read.tables import EMPTY_CELL, Cell, Sheet, column_letters

logger = logging.getLogger(__name__)

__all__ = ["SHEET_FORMATS", "Cell", "Sheet", "SheetDocument", "EMPTY_CELL", "column_letters", "read_sheet"]

SHEET_FORMATS = {".xlsx": "xlsx", ".csv": "csv"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files


@dataclass(frozen=True)
class SheetDocument(Document):
    """A workbook or CSV file: the :class:`Document` of its rendered text, and its sheets."""

    sheets: tuple[Sheet, ...] = ()


# --------------------------------------------------------------------------- reading files


def read_sheet(path: str | Path) -> SheetDocument:
    """Read a .xlsx or .csv file; raise :class:`ReadError` when it cannot be opened."""
    name = str(path)
    fmt = SHEET_FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise ReadError(name, f"not a sheet: expected {', '.join(SHEET_FORMATS)}")
    data = read_bytes(name)
    if fmt == "xlsx":
        text, sheets, title = _read_xlsx(name, data)
        encoding = None
    else:
        decoded, encoding = decode_text(name, data)
        text = decoded.replace("\r\n", "\n").replace("\r", "\n")
        check_rows(name, text.count("\n"))
        sheets, title = (_read_csv(text),), None
    check_chars(name, text)
    if not any(c.text.strip() for s in sheets for row in s.rows for c in row):
        raise ReadError(name, "empty sheet (no cell holds anything)")
    return SheetDocument(
        path=name,
        format=fmt,
        text=text,
        title=title or _title(sheets[0]),
        published=None,
        encoding=encoding,
        document_id=content_id(data),
        sheets=sheets,
    )


def _title(sheet: Sheet) -> str | None:
    """The first row of the first sheet that holds one text only, within its first rows: its title."""
    for row in sheet.rows[:5]:
        texts = {c.text.strip() for c in row if c.text.strip()}
        if len(texts) == 1:
            text = texts.pop()
            if isinstance(next(c.value for c in row if c.text.strip()), str) and len(text) > 3:
                return text
    return None


def _read_xlsx(path: str, data: bytes) -> tuple[str, tuple[Sheet, ...], str | None]:
    import openpyxl

    if data.startswith(_OLE_MAGIC):
        raise ReadError(
            path,
            "password-protected workbook or old Excel 97–2003 file: open it in Excel and save it as .xlsx "
            "without a password",
        )
    check_zip(path, data, sheet_rows=True)
    try:
        with warnings.catch_warnings():  # 'data validation extension not supported' and the like
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as err:
        logger.debug("%s failed", "workbooks", exc_info=True)
        reason = f"cannot open the workbook: truncated or not an .xlsx file ({type(err).__name__}: {err})"
        raise ReadError(path, reason) from None
    parts: list[str] = []
    sheets = []
    for ws in values.worksheets:
        line = f"[{ws.title}]\n"
        offset = sum(map(len, parts)) + len(line)
        parts.append(line)
        sheet, rendered = _xlsx_sheet(ws, formulas[ws.title], offset)
        parts.append(rendered)
        sheets.append(sheet)
    return "".join(parts), tuple(sheets), values.properties.title or None


def _xlsx_sheet(ws, formula_ws, offset: int) -> tuple[Sheet, str]:
    """One worksheet as a :class:`Sheet` and its rendering, which starts at ``offset`` of the document text."""
    grid = [list(row) for row in ws.iter_rows()]
    last_row = max((r for r, row in enumerate(grid) if any(c.value is not None for c in row)), default=-1)
    last_col = max((c for row in grid for c, cell in enumerate(row) if cell.value is not None), default=-1)
    merged = tuple(
        (m.min_row - 1, m.min_col - 1, min(m.max_row - 1, last_row), min(m.max_col - 1, last_col))
        for m in ws.merged_cells.ranges
        if m.min_row - 1 <= last_row and m.min_col - 1 <= last_col
    )
    origin = {}  # (r, c) of a merged cell → its top-left cell
    for r0, c0, r1, c1 in merged:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    origin[r, c] = (r0, c0)
    lines: list[str] = []
    rows: list[tuple[Cell, ...]] = []
    pos = offset
    for r in range(last_row + 1):
        cells: list[Cell] = []
        texts: list[str] = []
        for c in range(last_col + 1):
            if c:
                pos += 1  # the tab
            if (r, c) in origin:
                r0, c0 = origin[r, c]
                cells.append(rows[r0][c0] if r0 < r else cells[c0])
                texts.append("")
                continue
            src = grid[r][c] if c < len(grid[r]) else None
            value = None if src is None else src.value
            fmt = "General" if src is None else src.number_format
            is_formula = value is None and formula_ws.cell(r + 1, c + 1).data_type == "f"
            text = str(formula_ws.cell(r + 1, c + 1).value) if is_formula else _xlsx_text(value, fmt)
            shown = " ".join(text.replace("\t", " ").splitlines()) if "\n" in text or "\t" in text else text
            cells.append(Cell(value, text, pos, pos + len(shown), _is_percent(value, fmt), is_formula))
            texts.append(shown)
            pos += len(shown)
        rows.append(tuple(cells))
        lines.append("\t".join(texts) + "\n")
        pos += 1  # the line end
    return Sheet(ws.title, tuple(rows), merged), "".join(lines)


def _is_percent(value: object, number_format: str) -> bool:
    fmt = re.sub(r'"[^"]*"|\\.', "", number_format or "")  # quoted literals are not the format's '%'
    return isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in fmt


def _number_text(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def _xlsx_text(value: object, number_format: str) -> str:
    """The text of a cell as the file holds it (see the module notes for numbers and dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        text = _number_text(value)
        return f"{text} ({number_format})" if _is_percent(value, number_format) else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


_CSV_DELIMITERS = (";", ",", "\t")


def _csv_fields(text: str, delimiter: str) -> list[list[tuple[str, int, int]]]:
    """Rows of (value, start, end) fields of CSV ``text``; a quoted field's span is inside its quotes."""
    d = re.escape(delimiter)
    field = re.compile(rf'"(?:[^"]|"")*"[^{d}\n]*|[^{d}\n]*')
    rows: list[list[tuple[str, int, int]]] = []
    row: list[tuple[str, int, int]] = []
    pos = 0
    while pos <= len(text):
        m = field.match(text, pos)
        if m is None:  # cannot happen: the pattern matches the empty string
            break
        raw, start, end = m.group(), m.start(), m.end()
        if raw.startswith('"'):
            close = raw.rfind('"')
            value = raw[1:close].replace('""', '"') + raw[close + 1 :]
            start, end = start + 1, (start + close if close == len(raw) - 1 else end)
        else:
            value = raw
        row.append((value, start, end))
        pos = m.end()
        if pos >= len(text):
            break
        if text[pos] == "\n":
            rows.append(row)
            row = []
        pos += 1
    if row != [("", len(text), len(text))]:  # not the empty field after a final line end
        rows.append(row)
    return rows


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently into the most columns.

    Lines of one field (titles) do not count; among candidates that split equally
    well, ';' comes first, since a decimal comma splits a ';' file too.
    """
    sample = "\n".join(text.split("\n", 50)[:50])
    best, best_score = ",", (0.0, 0)
    for delimiter in _CSV_DELIMITERS:
        counts = [len(r) for r in _csv_fields(sample, delimiter) if any(v.strip() for v, _, _ in r)]
        multi = [n for n in counts if n > 1]
        if not multi:
            continue
        mode, n_mode = Counter(multi).most_common(1)[0]
        score = (round(n_mode / len(multi), 2), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str) -> Sheet:
    rows = _csv_fields(text, _delimiter(text))
    while rows and not any(v.strip() for v, _, _ in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    cells = [tuple(Cell(v if v.strip() else None, v, s, e) for v, s, e in row) for row in rows]
    return Sheet(None, tuple(row + (EMPTY_CELL,) * (width - len(row)) for row in cells))
