"""District sheets (.xlsx, .csv) → observations with cell evidence, and the rows that fail.

Districts send figures as spreadsheets, each laid out its own way.
:func:`read_sheet` (from :mod:`cds_analysis.read.workbooks`) reads a workbook or
CSV file into grids of cells;
:func:`extract_sheet` finds in each sheet the header row below any title
rows, turns every filled value cell into a candidate observation and checks
the candidates with :mod:`cds_analysis.sheets.validation`: a failing row becomes a
reject naming its cell and reason, and the rest of the sheet lands.

Layouts read:

- long: one row per indicator ('Chỉ tiêu' and/or 'Mã chỉ tiêu', with
  'Giá trị' / 'Kết quả' / 'Thực hiện' and 'Kế hoạch' / 'Mục tiêu' columns;
  a value column may name its period, 'Thực hiện quý I/2024', or be one,
  'Quý I/2024' | 'Quý II/2024');
- wide: one column per indicator (its header matched to the catalogue,
  the unit in parentheses: 'Tỷ lệ hồ sơ trực tuyến (%)'), one row per place
  or period;
- a merged group header over the header row ('Quý I/2024' over 'Kế hoạch' |
  'Thực hiện', 'Hồ sơ TTHC' over 'Số hồ sơ trực tuyến' | …) adds to the
  headers below it;
- title rows above the header set the sheet's place, period and unit
  ('UBND HUYỆN TƯ NGHĨA', 'BÁO CÁO … QUÝ I NĂM 2024', 'Kỳ báo cáo: Quý I/2024',
  'Huyện/TX/TP:' | 'Tư Nghĩa', 'Đơn vị tính: %'); failing that, the sheet
  name ('Tư Nghĩa', 'Quý I-2024'). A row's own cells take precedence.

Decisions:

- ``Document.text`` of a workbook is its cells rendered as text: per sheet a
  line ``[sheet name]``, then one line per row with cells separated by tabs
  (a tab or line break inside a cell becomes a space). Of a CSV file, it is
  the decoded file. ``char_start``/``char_end`` of an observation span its
  value cell in that text, so ``doc.text[char_start:char_end]`` is the cell as
  written (inside the quotes of a quoted CSV field). ``evidence`` is
  ``'file!sheet!H7: <cell text>'`` (``'file!H7: …'`` for a CSV file).
- A number cell's text is the number as stored ('0.9545'); in a percentage
  format the format follows in parentheses ('0.9545 (0.00%)') and the value
  is read ×100 (95.45).
- Every cell of a merged range reads the value of its top-left cell.
- Blank cells and '-' are "no figure": no observation and no reject. A
  formula whose result the file does not hold is a reject.
- Strings are read the Vietnamese way ('4.573' = 4573, '99,89' = 99.89,
  '95%', 'trên 40%', '1.458/1.604'); '1,458,000' is not a number.
- A total row ('Tổng cộng', 'Toàn huyện') is the unit of the title; 'Các
  xã, thị trấn' / 'Cấp xã' is the commune level of the district taken together.
- Indicators are matched by catalogue code, then catalogue name, then the
  catalogue's trigger phrases (with the unit of the row, or 'Tỷ lệ …' →
  percent, 'Số …' → count); a sheet row that matches none is rejected, not
  filed under 'other'.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa

from cds_analysis.lang import periods
from cds_analysis.lang.text import fold_key, normalize
from cds_analysis.read.documents import Document, ReadError
from cds_analysis.read.workbooks import (
    EMPTY_CELL,
    SHEET_FORMATS,
    Cell,
    Sheet,
    SheetDocument,
    column_letters,
    read_sheet,
)
from cds_analysis.reference import gazetteer
from cds_analysis.reference.schemas import OBSERVATIONS, empty_frame, schema
from cds_analysis.sheets.cells import Value, figure, number_in, read_value
from cds_analysis.sheets.context import Context, Where, row_place, sheet_context
from cds_analysis.sheets.headers import PLACE_ROLES, VALUE_ROLES, Column, Table, find_table
from cds_analysis.sheets.validation import CELL_COLUMNS, row_failures
from cds_analysis.sheets.words import UNIT_LABELS, indicator_of, period_of, unit_hint
from cds_analysis.versions import rules_version

__all__ = [
    "SHEET_FORMATS",
    "UNIT_LABELS",
    "Cell",
    "Sheet",
    "SheetDocument",
    "TableReader",
    "extract_sheet",
    "extract_sheet_file",
    "read_sheet",
]


_COLUMNS = [*OBSERVATIONS.names, *CELL_COLUMNS]
_SUB_ROW = re.compile(r"^\s*\+\s*")  # '+ Cấp huyện' under '- Tỷ lệ văn bản …'
_TIER = re.compile(r"^cap (?:tinh|huyen|xa|thon)\b")


class TableReader:
    """Turns the data rows of one table of one sheet into candidate rows and column rejects.

    ``ctx`` is what holds for every row; by default the sheet's title rows and name
    say it, a report's table gets it from the report. A sheet cell's evidence is
    'file!ref: cell'; a report table cell's (``kind`` 'text') is 'row label | column
    header | cell'.
    """

    def __init__(
        self, doc: Document, sheet: Sheet, table: Table, ctx: Context | None = None,
        kind: Literal["text", "sheet"] = "sheet",
    ):  # fmt: skip
        self.doc, self.sheet, self.table, self.kind = doc, sheet, table, kind
        self.file = Path(doc.path).name
        self.ctx = ctx or sheet_context(sheet, table.title_rows)
        self.version = rules_version(kind)
        self._row_place: tuple[int, Where] | None = None  # the last row's place: a row's figures share it

    def rows(self) -> tuple[list[dict], list[dict]]:
        candidates: list[dict] = []
        section: str | None = None
        for r in range(self.table.header_row + 1, len(self.sheet.rows)):
            if all(c.blank for c in self.sheet.rows[r]):
                continue
            texts = {
                col.role: self.sheet.cell(r, col.index).text.strip()
                for col in reversed(self.table.columns)
                if col.role != "measure"
            }
            section = self._sub_row(r, texts, section)
            read = self._long_row if self.table.layout == "long" else self._wide_row
            candidates.extend(read(r, texts))
        return candidates, self._unread_columns()

    def _sub_row(self, r: int, texts: dict[str, str], section: str | None) -> str | None:
        """Give a row under a heading row the heading's indicator; return the heading of the rows that follow.

        A row that names an indicator and holds no figure heads the rows below it
        that start with '+' or name a tier ('+ Cấp huyện', 'Cấp xã'): their indicator
        is the heading's, refined by their own words, and a tier is their place.
        """
        label = texts.get("indicator")
        if not label:
            return section
        if not any(not self.sheet.cell(r, c.index).blank for c in self.table.columns if c.role in VALUE_ROLES):
            return label
        own = _SUB_ROW.sub("", label)
        tier = _TIER.match(fold_key(own))
        if section is None or (own == label and not tier):
            return None
        if tier:  # '+ Cấp xã đạt (trừ hồ sơ mật)': the commune level, under the heading's indicator
            texts.setdefault("place", " ".join(own.split()[:2]))
            texts["indicator"] = section
        else:
            texts["indicator"] = f"{section} {own}"
        return section

    def _long_row(self, r: int, texts: dict[str, str]) -> list[dict]:
        name, code = texts.get("indicator"), texts.get("code")
        n_col, d_col = self.table.of("numerator"), self.table.of("denominator")
        fraction = [self.sheet.cell(r, cols[0].index) if cols else EMPTY_CELL for cols in (n_col, d_col)]
        out, fraction_used = [], False
        for col in self.table.columns:
            if col.role in VALUE_ROLES and not self.sheet.cell(r, col.index).blank:
                with_fraction = col.role == "value" and not fraction_used  # the fraction is the first result's
                fraction_used |= with_fraction
                out.append(self._candidate(r, col.index, name, code, texts, col, fraction if with_fraction else None))
        if not fraction_used and not any(c.blank for c in fraction):
            out.append(self._candidate(r, None, name, code, texts, None, fraction))
        return out

    def _wide_row(self, r: int, texts: dict[str, str]) -> list[dict]:
        return [
            self._candidate(r, col.index, col.header, col.indicator, texts, col, None)
            for col in self.table.of("measure")
            if col.indicator and not self.sheet.cell(r, col.index).blank
        ]

    def _candidate(
        self, r: int, c: int | None, name: str | None, code: str | None, texts: dict[str, str],
        col: Column | None, fraction: list[Cell] | None,
    ) -> dict:  # fmt: skip
        """One candidate observation: the value at (r, c), or the value of the fraction when ``c`` is None."""
        parsed: Value | None = None
        if c is not None:
            cell = self.sheet.cell(r, c)
            parsed = read_value(cell)
            ref, text, start, end = self.sheet.ref(r, c), cell.text, cell.start, cell.end
        else:
            n_cell, d_cell = fraction or (EMPTY_CELL, EMPTY_CELL)
            n_index, d_index = self.table.of("numerator")[0].index, self.table.of("denominator")[0].index
            ref = f"{self.sheet.ref(r, n_index)}:{column_letters(d_index)}{r + 1}"
            text, start, end = f"{n_cell.text}/{d_cell.text}", n_cell.start, d_cell.end
        unit_text = texts.get("unit") or (col.unit_text if col is not None else None) or self.ctx.unit_text
        indicator = indicator_of(name, code, unit_hint(unit_text, parsed.unit if parsed else None, name))
        value, unit, numerator, denominator = figure(parsed, unit_text, indicator, fraction)
        period, period_label = self._period(texts, col)
        where = self._place(r, texts)
        place = where.place
        is_target = col is not None and col.role == "target"
        key = f"{self.doc.document_id}|{ref}|{indicator}|{value!r}|{is_target}"
        return {
            "observation_id": hashlib.sha256(key.encode("utf-8")).hexdigest()[:16],
            "document_id": self.doc.document_id,
            "source": self.doc.path,
            "indicator": indicator,
            "indicator_text": normalize(name).strip() if name else None,
            "value": value,
            "unit": unit,
            "numerator": numerator,
            "denominator": denominator,
            "qualifier": parsed.qualifier if parsed else "exact",
            "is_target": is_target,
            "period_label": period_label,
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "admin_level": place.level if place else where.level,
            "place": place.label if place else where.text,
            "province": place.province if place else None,
            "province_code": place.province_code if place else None,
            "district": place.district if place else None,
            "district_code": place.district_code if place else None,
            "commune": place.commune if place else None,
            "commune_code": place.commune_code if place else None,
            "map": place.unit.map if place and place.unit else None,
            "evidence": self._evidence(ref, text, name, texts, col),
            "char_start": start,
            "char_end": end,
            "extractor_version": self.version,
            "cell": ref,
            "cell_text": text,
        }

    def _place(self, r: int, texts: dict[str, str]) -> Where:
        """The place of row ``r``, read once for all its figures (a wide row names one place for every column)."""
        if self._row_place is None or self._row_place[0] != r:
            self._row_place = (r, row_place(texts, self.ctx))
        return self._row_place[1]

    def _evidence(self, ref: str, text: str, name: str | None, texts: dict[str, str], col: Column | None) -> str:
        if self.kind == "sheet":
            return f"{self.file}!{ref}: {text}"
        row = next((t for t in (texts.get("indicator"), *(texts.get(r) for r in PLACE_ROLES), name) if t), "")
        return " | ".join(" ".join(part.split()) for part in (row, col.header if col else "", text))

    def _period(self, texts: dict[str, str], col: Column | None) -> tuple[periods.Period | None, str | None]:
        """The row's period cell, else the column header's, else the sheet's; (None, text) when unreadable."""
        if t := texts.get("period"):
            period = period_of(t)
            return period, (period.label if period else t)
        period = (col.period if col is not None else None) or self.ctx.period
        if period is not None:
            return period, period.label
        return None, self.ctx.period_text

    def _unread_columns(self) -> list[dict]:
        """Columns of a wide table whose header names no indicator but that hold figures: nothing is dropped unsaid."""
        rejects = []
        for col in self.table.of("measure"):
            if col.indicator is not None or self.table.layout != "wide":
                continue
            n = sum(
                number_in(self.sheet.cell(r, col.index)) is not None
                for r in range(self.table.header_row + 1, len(self.sheet.rows))
            )
            if n:
                rejects.append(
                    {
                        "path": self.doc.path,
                        "document_id": self.doc.document_id,
                        "location": self.sheet.ref(*self.sheet.origin(self.table.header_row, col.index)),
                        "reason": f"column {col.header!r} names no catalogue indicator: "
                        f"its {n} figure(s) were not read",
                        "stage": "extract",
                    }
                )
        return rejects


def extract_sheet(doc: SheetDocument) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, rejects) of a document read by :func:`read_sheet`.

    Raises :class:`ReadError` when no sheet holds a table this module can read.
    """
    candidates: list[dict] = []
    rejects: list[dict] = []
    found_table = False
    for sheet in doc.sheets:
        table = find_table(sheet)
        if table is None:
            continue
        found_table = True
        rows, unread = TableReader(doc, sheet, table).rows()
        candidates.extend(rows)
        rejects.extend(unread)
    if not found_table:
        raise ReadError(
            doc.path,
            "no table found: no sheet has a header row with 'Chỉ tiêu' and 'Giá trị' columns, "
            "or a place column and one column per indicator",
        )
    frame = _typed_candidates(candidates)
    failures = row_failures(frame)
    for i, reason in failures.items():
        location = frame.at[i, "cell"]
        rejects.append({"path": doc.path, "document_id": doc.document_id, "location": location, "reason": reason,
                        "stage": "validate"})  # fmt: skip
    kept = frame.drop(index=failures.index).drop(columns=list(CELL_COLUMNS))
    observations = gazetteer.on_current_map(
        pa.Table.from_pandas(kept, schema=OBSERVATIONS, preserve_index=False).to_pandas()
    )
    return observations, pd.DataFrame(rejects, columns=schema("rejects").names) if rejects else empty_frame("rejects")


def _typed_candidates(candidates: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(candidates, columns=_COLUMNS)
    return frame.astype(
        {"value": "float64", "numerator": "float64", "denominator": "float64", "is_target": "bool",
         "char_start": "int64", "char_end": "int64"}
    )  # fmt: skip


def extract_sheet_file(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a .xlsx or .csv file and return its (observations, rejects)."""
    return extract_sheet(read_sheet(path))
