"""The Excel template a district fills in, shaped so that :mod:`cds_analysis.sheets.reader` reads it back exactly.

``cds-analysis template --out bao_cao_cds.xlsx --province "Quảng Ngãi" --period 2024-Q1``
writes a workbook with three sheets:

- 'Báo cáo': a title block (Tỉnh, Huyện/TX/TP, Kỳ báo cáo, which hold for every
  row that leaves its own cell blank) and one row per catalogue indicator
  reported at district or commune level: code, Vietnamese name and unit filled
  in, 'Giá trị' (and 'Tử số'/'Mẫu số') to fill, then blank rows for figures of
  communes or other periods. Drop-down lists offer the province's districts
  and communes and the units.
- 'Hướng dẫn': how to fill it in.
- 'Danh mục' (hidden): the lists the drop-downs read.

The map follows the period: for a period that ends before 1 July 2025 the lists
name the units of the gazetteer before the merger; for a later one
(``--period 2026-Q1``) the template has no district field or column, and its
lists name the 34 provinces and the communes, wards and special zones of the
province. A drop-down warns about a name not in its list but accepts it, so 'Tu
Nghia' typed by hand is still read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cds_analysis.lang import periods
from cds_analysis.lang.cells import safe_workbook
from cds_analysis.reference import gazetteer, indicators
from cds_analysis.sheets.reader import UNIT_LABELS

__all__ = [
    "HEADERS",
    "HEADERS_NEW_MAP",
    "HEADER_ROW",
    "REPORT_SHEET",
    "build_template",
    "template_indicators",
    "write_template",
]

REPORT_SHEET, HELP_SHEET, LISTS_SHEET = "Báo cáo", "Hướng dẫn", "Danh mục"
TITLE = "BÁO CÁO SỐ LIỆU CHUYỂN ĐỔI SỐ CẤP HUYỆN, CẤP XÃ"
HEADERS = (
    "STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Huyện/TX/TP", "Xã/Phường/Thị trấn",
    "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số", "Ghi chú",
)  # fmt: skip
HEADER_ROW = 6  # 1-based, as Excel numbers rows
SPARE_ROWS = 60  # blank rows under the indicators, for communes and other periods
_WIDTHS = (6, 24, 62, 12, 22, 26, 14, 12, 10, 10, 30)
_FIELDS = (("Tỉnh:", 2), ("Huyện/TX/TP:", 3), ("Kỳ báo cáo:", 4))  # title-block label and its row
# From 1 July 2025 communes and wards report to the province: no district column or field.
TITLE_NEW_MAP = "BÁO CÁO SỐ LIỆU CHUYỂN ĐỔI SỐ CẤP XÃ"
HEADERS_NEW_MAP = (
    "STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Xã/Phường/Đặc khu",
    "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số", "Ghi chú",
)  # fmt: skip
_WIDTHS_NEW_MAP = _WIDTHS[:4] + _WIDTHS[5:]
_FIELDS_NEW_MAP = (("Tỉnh:", 2), ("Kỳ báo cáo:", 4))
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_GREY = Font(color="808080")

_INSTRUCTIONS = (
    "HƯỚNG DẪN ĐIỀN BIỂU MẪU BÁO CÁO SỐ LIỆU CHUYỂN ĐỔI SỐ",
    "",
    (
        "1. Ở đầu sheet 'Báo cáo', chọn Tỉnh, Huyện/TX/TP và ghi Kỳ báo cáo (ví dụ: Quý I/2024, 6 tháng đầu năm 2024, "
        "Năm 2024 hoặc 2024-Q1). Các ô này áp dụng cho mọi dòng để trống cột tương ứng."
    ),
    "2. Mỗi dòng là một chỉ tiêu. Không sửa cột 'Mã chỉ tiêu' và 'Chỉ tiêu': phần mềm đọc chỉ tiêu theo mã.",
    (
        "3. Ghi số liệu vào cột 'Giá trị'. Tỷ lệ ghi theo phần trăm từ 0 đến 100 (ví dụ 95,45 hoặc 95,45%); "
        "số lượng ghi số không âm (ví dụ 4.573)."
    ),
    (
        "4. Nếu tỷ lệ được tính từ hai số, ghi thêm 'Tử số' và 'Mẫu số' (ví dụ 1.458 và 1.604); "
        "có thể để trống 'Giá trị', phần mềm tự tính."
    ),
    "5. Chỉ tiêu chưa có số liệu: để trống hoặc ghi dấu '-'. Không ghi chữ như 'Đạt', 'Chưa có' vào cột số liệu.",
    (
        "6. Số liệu của từng xã, phường, thị trấn: dùng các dòng trống phía dưới, chép mã chỉ tiêu và chọn xã ở cột "
        "'Xã/Phường/Thị trấn'. Ghi 'Các xã, thị trấn' cho số liệu chung của cấp xã trong huyện."
    ),
    "7. Số liệu của kỳ khác: ghi kỳ đó vào cột 'Kỳ báo cáo' của dòng.",
    "8. Không đổi tên, thêm hoặc xóa cột; không đặt mật khẩu cho tệp. Lưu tệp dạng .xlsx.",
    (
        "9. Dòng sai (ví dụ tỷ lệ trên 100, tử số lớn hơn mẫu số, tên huyện/xã không đúng) sẽ bị trả lại "
        "kèm địa chỉ ô và lý do; các dòng khác vẫn được ghi nhận."
    ),
)
# On the new map (after 1 July 2025) steps 1 and 6 speak of the commune level only.
_INSTRUCTIONS_NEW_MAP = (
    *_INSTRUCTIONS[:2],
    (
        "1. Ở đầu sheet 'Báo cáo', chọn Tỉnh và ghi Kỳ báo cáo (ví dụ: Quý I/2026, 6 tháng đầu năm 2026, "
        "Năm 2026 hoặc 2026-Q1). Các ô này áp dụng cho mọi dòng để trống cột tương ứng."
    ),
    *_INSTRUCTIONS[3:7],
    (
        "6. Số liệu của từng xã, phường, đặc khu: dùng các dòng trống phía dưới, chép mã chỉ tiêu và chọn đơn vị ở "
        "cột 'Xã/Phường/Đặc khu'. Dòng để trống cột này là số liệu chung của tỉnh."
    ),
    *_INSTRUCTIONS[8:],
)


def template_indicators() -> pd.DataFrame:
    """Catalogue entries a district or commune reports: the template's rows, in catalogue order."""
    catalogue = indicators.load_indicators()
    levels = catalogue["levels"].str.split(",")
    reportable = levels.map(lambda lv: "district" in lv or "commune" in lv) & (catalogue["code"] != "other")
    return catalogue[reportable].reset_index(drop=True)


def _lists(province: gazetteer.Unit | None, new_map: bool) -> dict[str, list[str]]:
    """Drop-down lists: provinces, and the districts and communes of ``province``, as unit word + name.

    On the new map (``new_map``): the 34 provinces and the communes, wards and special
    zones of ``province``, and no districts.
    """
    units = gazetteer.load_units()
    if new_map:
        new = units[units["valid_from"].notna() & (units["valid_from"] >= gazetteer.FIRST_NEW_DAY)]
        communes = new[(new["level"] == "commune") & (new["parent_code"] == (province.code if province else None))]
        return {
            "Tỉnh": new.loc[new["level"] == "province", "name"].sort_values().tolist(),
            "Xã/Phường/Đặc khu": list(dict.fromkeys(communes.sort_values("code")["type"] + " " + communes["name"])),
            "Đơn vị tính": list(UNIT_LABELS.values()),
        }
    old = units[units["valid_to"].isna() | (units["valid_to"] >= gazetteer.LAST_OLD_DAY)]
    old = old[old["valid_from"].isna() | (old["valid_from"] <= gazetteer.LAST_OLD_DAY)]
    lists = {"Tỉnh": old.loc[old["level"] == "province", "name"].sort_values().tolist()}
    districts = communes = pd.DataFrame(columns=units.columns)
    if province is not None:
        districts = old[(old["level"] == "district") & (old["parent_code"] == province.code)].sort_values("code")
        communes = old[(old["level"] == "commune") & old["parent_code"].isin(districts["code"])].sort_values("code")
    lists["Huyện/TX/TP"] = list(dict.fromkeys(districts["type"] + " " + districts["name"]))
    lists["Xã/Phường/Thị trấn"] = list(dict.fromkeys(communes["type"] + " " + communes["name"]))
    lists["Đơn vị tính"] = list(UNIT_LABELS.values())
    return lists


def _list_validation(lists_ws, column: int, n: int, prompt: str) -> DataValidation:
    letter = get_column_letter(column)
    return DataValidation(
        type="list",
        formula1=f"='{lists_ws.title}'!${letter}$2:${letter}${n + 1}",
        allow_blank=True,
        errorStyle="warning",
        error="Tên này không có trong danh sách; kiểm tra lại chính tả.",
        errorTitle="Ngoài danh sách",
        prompt=prompt,
        showErrorMessage=True,
        showInputMessage=True,
    )


def build_template(province: str | None = None, period: str | None = None) -> Workbook:
    """The template workbook; ``province`` fills the drop-downs, ``period`` the Kỳ báo cáo field.

    Raises ValueError for a province the gazetteer does not know or a period
    that cannot be read.
    """
    label, on = None, None
    if period is not None:
        try:
            found = periods.parse_period(period)
        except ValueError:
            found = None
        if found is None:
            raise ValueError(f"period {period!r} not understood: write e.g. 2024-Q1, 'Quý I/2024' or 2024")
        label = periods.human_label(found.label)  # as people write it; the reader reads it back
        on = found.end if found.end >= gazetteer.FIRST_NEW_DAY else None
    new_map = on is not None
    unit = None
    if province is not None:
        unit = gazetteer.resolve(province, level="province", on=on)
        if unit is None:
            raise ValueError(f"unknown province {province!r}: give a name ('Quảng Ngãi') or code ('51')")
    title = TITLE_NEW_MAP if new_map else TITLE
    headers, widths = (HEADERS_NEW_MAP, _WIDTHS_NEW_MAP) if new_map else (HEADERS, _WIDTHS)
    col = {name: get_column_letter(i + 1) for i, name in enumerate(headers)}
    commune_list = "Xã/Phường/Đặc khu" if new_map else "Xã/Phường/Thị trấn"

    wb = Workbook()
    ws = wb.active
    ws.title = REPORT_SHEET
    help_ws = wb.create_sheet(HELP_SHEET)
    lists_ws = wb.create_sheet(LISTS_SHEET)
    lists_ws.sheet_state = "hidden"
    wb.properties.title = title

    lists = _lists(unit, new_map)
    for c, (header, values) in enumerate(lists.items(), start=1):
        lists_ws.cell(1, c, header).font = _BOLD
        for r, value in enumerate(values, start=2):
            lists_ws.cell(r, c, value)
    list_column = {name: i for i, name in enumerate(lists, start=1)}

    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    for text, row in _FIELDS_NEW_MAP if new_map else _FIELDS:
        ws.cell(row, 1, text).font = _BOLD
        ws.cell(row, 2).fill = _INPUT_FILL
    ws["B2"] = unit.name if unit else None
    ws["B4"] = label
    ws["C5"] = "Ô màu vàng: điền hoặc chọn. Xem cách điền ở sheet 'Hướng dẫn'."
    ws["C5"].font = Font(italic=True)

    for c, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, c, header)
        cell.font, cell.fill = _BOLD, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1]
    rows = template_indicators()
    first = HEADER_ROW + 1
    for i, entry in enumerate(rows.itertuples()):
        r = first + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, entry.code).font = _GREY
        ws.cell(r, 3, entry.name_vi)
        ws.cell(r, 4, UNIT_LABELS[str(entry.unit)])
    last = first + len(rows) + SPARE_ROWS - 1
    for name in ("Giá trị", "Tử số", "Mẫu số"):
        for r in range(first, last + 1):
            ws[f"{col[name]}{r}"].fill = _INPUT_FILL
    ws.freeze_panes = ws.cell(first, 4)

    def column(name: str) -> str:
        return f"{col[name]}{first}:{col[name]}{last}"

    validations = [
        (_list_validation(lists_ws, list_column["Tỉnh"], len(lists["Tỉnh"]), "Chọn tỉnh"), ["B2"]),
        (_list_validation(lists_ws, list_column["Đơn vị tính"], len(lists["Đơn vị tính"]), "Chọn đơn vị tính"),
         [column("Đơn vị tính")]),
    ]  # fmt: skip
    if unit is not None and new_map:
        n_communes = len(lists[commune_list])
        validations.append(
            (_list_validation(lists_ws, list_column[commune_list], n_communes, "Chọn xã, phường, đặc khu"),
             [column(commune_list)])
        )  # fmt: skip
    elif unit is not None:
        n_districts, n_communes = len(lists["Huyện/TX/TP"]), len(lists["Xã/Phường/Thị trấn"])
        validations += [
            (_list_validation(lists_ws, list_column["Huyện/TX/TP"], n_districts, "Chọn huyện, thị xã, thành phố"),
             ["B3", column("Huyện/TX/TP")]),
            (_list_validation(lists_ws, list_column["Xã/Phường/Thị trấn"], n_communes, "Chọn xã, phường, thị trấn"),
             [column("Xã/Phường/Thị trấn")]),
        ]  # fmt: skip
    numbers = DataValidation(
        type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True, errorStyle="warning",
        error="Ghi một số không âm; tỷ lệ ghi từ 0 đến 100.", errorTitle="Không phải số", showErrorMessage=True,
    )  # fmt: skip
    validations.append((numbers, [f"{col['Giá trị']}{first}:{col['Mẫu số']}{last}"]))
    for validation, ranges in validations:
        ws.add_data_validation(validation)
        for cells in ranges:
            validation.add(cells)

    help_ws.column_dimensions["A"].width = 140
    for r, line in enumerate(_INSTRUCTIONS_NEW_MAP if new_map else _INSTRUCTIONS, start=1):
        cell = help_ws.cell(r, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if r == 1:
            cell.font = Font(bold=True, size=13)
    return wb


def write_template(out: str | Path, province: str | None = None, period: str | None = None) -> Path:
    """Write :func:`build_template` to ``out`` (a .xlsx path) and return the path."""
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path}: the template is an Excel workbook; give a .xlsx file name")
    wb = build_template(province, period)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe_workbook(wb).save(path)
    return path
