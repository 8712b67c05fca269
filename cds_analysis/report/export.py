"""The formats people hand on: a report's tables as ``.xlsx`` and the report as a PDF.

The PDF is drawn with fpdf2: pure Python, installed from pip alone, no browser and
no system library (WeasyPrint would need Pango and re-lay out nbconvert's heavy CSS,
seconds per report). Text is set in matplotlib's DejaVu Sans, which has every
Vietnamese glyph and the status marks. Codes are written to the workbook as text
so '001' stays '001'.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

__all__ = ["write_pdf", "write_xlsx"]

_FONT_DIR = Path(mpl.get_data_path()) / "fonts" / "ttf"
_PDF_COLUMNS = ["Chỉ tiêu", "Giá trị", "Kỳ", "Mục tiêu", "Tình trạng", "Xu hướng"]


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table; every cell of a column whose name starts with 'Mã' or is an id is text."""
    book = Workbook()
    book.remove(book.active)
    for name, table in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in table.columns])
        as_text = [str(c).startswith("Mã") or str(c) in ("id", "evidence_id") for c in table.columns]
        for row in table.itertuples(index=False):
            sheet.append([_cell(v, text) for v, text in zip(row, as_text)])
        for j, text in enumerate(as_text, start=1):
            if text:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = "@"
            sheet.column_dimensions[get_column_letter(j)].width = 18
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _cell(value: object, text: bool) -> object:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return str(value) if text else value


def write_pdf(
    title: str,
    summary: str,
    card: pd.DataFrame,
    figures: Sequence[Path],
    path: Path,
    sections: Sequence[tuple[str, str, pd.DataFrame]] = (),
) -> Path:
    """A4 PDF: the title, the summary line, the scorecard with status colours, ``sections``, then the figures.

    A section is a heading, a paragraph and a table of text (where sources disagree);
    each figure gets a page of its own.
    """
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("DejaVu", "", str(_FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(_FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, summary, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    columns = [c for c in (["Đơn vị"] if card["Mã đơn vị"].nunique() > 1 else []) + _PDF_COLUMNS if c in card]
    if not card.empty:
        pdf.set_font("DejaVu", "", 8)
        widths = [3 if c == "Chỉ tiêu" else 1.2 for c in columns]
        with pdf.table(col_widths=widths, line_height=4.5, headings_style=FontFace(emphasis="BOLD")) as table:
            table.row(columns)
            for _, record in card.iterrows():
                row = table.row()
                for column in columns:
                    fill = _rgb(record["colour"]) if column == "Tình trạng" else None
                    row.cell(str(record[column]), style=FontFace(fill_color=fill) if fill else None)
    for heading, text, rows in sections:
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        with pdf.table(line_height=4.5, headings_style=FontFace(emphasis="BOLD")) as table:
            table.row([str(c) for c in rows.columns])
            for values in rows.itertuples(index=False):
                table.row([str(v) for v in values])
    for figure in figures:
        pdf.add_page()
        pdf.image(str(figure), x=10, y=10, w=pdf.epw, keep_aspect_ratio=True, h=pdf.eph)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _rgb(colour: str) -> tuple[int, int, int]:
    r, g, b = mpl.colors.to_rgb(colour)
    return round(r * 255), round(g * 255), round(b * 255)
