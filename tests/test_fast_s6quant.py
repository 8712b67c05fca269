"""The shortcuts of the table and quantity readers give what the plain code they replace gives.

Tables and sentences are written here in the wording of other provinces' reports
(Hà Giang, Bến Tre, Đắk Lắk, Lâm Đồng); the figures are made up in the usual range.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
import pytest

from cds_analysis.read.documents import Document
from cds_analysis.read.tables import Cell, Sheet, find_text_tables, sheet_of
from cds_analysis.reference.schemas import OBSERVATIONS
from cds_analysis.rules import quantities
from cds_analysis.rules import tables as report_tables
from cds_analysis.sheets import cells, headers, words
from cds_analysis.sheets.cells import read_value
from cds_analysis.sheets.context import Where, row_place
from cds_analysis.sheets.headers import Table, find_table, group_row, header_columns, layout_of
from cds_analysis.sheets.reader import TableReader


def _sheet(grid: list[list[str]], merged: tuple[tuple[int, int, int, int], ...] = ()) -> Sheet:
    return sheet_of("Bảng 1", [[(text, -1, -1) for text in row] for row in grid], merged)


def _plain_find_table(sheet: Sheet) -> Table | None:
    """find_table as it read every row of the first ones as a header row."""
    best = None
    for r in range(min(len(sheet.rows), headers._HEADER_SEARCH_ROWS)):
        columns = header_columns(sheet, r)
        layout, score = layout_of(columns)
        if layout is not None and (best is None or score > best[0]):
            best = (score, r, layout, columns)
    if best is None:
        return None
    _, r, layout, columns = best
    title_rows = tuple(range(r - 1 if r > 0 and group_row(sheet, r - 1) else r))
    return Table(r, layout, tuple(columns), title_rows)


_SHEETS = {
    "long, one cell per line": _sheet(
        [
            ["Chỉ tiêu", "Kế hoạch năm 2024", "Thực hiện 6 tháng", "Ghi chú"],
            ["Tỷ lệ hồ sơ trực tuyến toàn trình", "50%", "42,7%", "Chưa đạt"],
            ["Số tài khoản VNeID kích hoạt mức 2", "350.000", "298.411", ""],
            ["+ Cấp xã", "", "87%", ""],
        ]
    ),
    "title rows above the header": _sheet(
        [
            ["UBND TỈNH HÀ GIANG", "", "", ""],
            ["KẾT QUẢ CHUYỂN ĐỔI SỐ QUÝ II/2024", "", "", ""],
            ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Kết quả"],
            ["1", "Tỷ lệ thủ tục hành chính có phát sinh hồ sơ trực tuyến", "%", "61,2"],
            ["2", "Số điểm phục vụ một cửa", "điểm", "195"],
        ]
    ),
    "group header over plan and result": _sheet(
        [
            ["Nội dung", "Năm 2023", "", "Năm 2024", ""],
            ["", "Kế hoạch", "Thực hiện", "Kế hoạch", "Thực hiện"],
            ["Tỷ lệ văn bản ký số", "90%", "93%", "95%", "96,5%"],
            ["Tỷ lệ người dân có sổ sức khỏe điện tử", "70%", "64%", "80%", "81%"],
        ],
        merged=((0, 1, 0, 2), (0, 3, 0, 4)),
    ),
    "wide, one column per indicator": _sheet(
        [
            ["Huyện", "Tỷ lệ hồ sơ trực tuyến (%)", "Số Tổ công nghệ số cộng đồng", "Số thành viên"],
            ["Krông Pắc", "45,1", "213", "1.104"],
            ["Ea Kar", "38,9", "157", "806"],
            ["Lắk", "29", "98", "511"],
        ]
    ),
    "wide under a group header": _sheet(
        [
            ["Đơn vị", "Tổ CNSCĐ", "", "Hồ sơ TTHC", ""],
            ["", "Số tổ", "Số thành viên", "Số hồ sơ trực tuyến", "Tỷ lệ (%)"],
            ["Xã Đạ Đờn", "9", "45", "1.320", "71"],
            ["Thị trấn Đinh Văn", "12", "66", "2.051", "83"],
        ],
        merged=((0, 1, 0, 2), (0, 3, 0, 4)),
    ),
    "a later row names more columns": _sheet(
        [
            ["Chỉ tiêu", "Kết quả", "", ""],
            ["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá"],
            ["Tỷ lệ doanh nghiệp sử dụng hóa đơn điện tử", "100%", "100%", "Đạt"],
        ]
    ),
    "periods as columns": _sheet(
        [
            ["Chỉ tiêu", "Quý I/2024", "Quý II/2024", "Quý III/2024"],
            ["Tỷ lệ hồ sơ được số hóa", "40%", "55%", "68%"],
            ["Quý IV/2024", "Quý I/2025", "Năm 2025", "Năm 2026"],
        ]
    ),
    "no table": _sheet([["Bến Tre, ngày 5 tháng 8 năm 2024", ""], ["Nơi nhận:", "- Như trên;"]]),
    "empty": _sheet([]),
}


@pytest.mark.parametrize("name", _SHEETS)
def test_find_table_reads_as_the_plain_scan(name):
    sheet = _SHEETS[name]
    assert find_table(sheet) == _plain_find_table(sheet)


def test_find_table_picks_the_row_naming_more_columns():
    table = find_table(_SHEETS["a later row names more columns"])
    assert table is not None and table.header_row == 1 and len(table.columns) == 4


# --------------------------------------------------------------------------- exclusions


def _plain_exclusion_matches(text: str) -> list[tuple[str, int, int]]:
    """Every rule's matches as its own ``finditer`` finds them, no gate looked at and no pass shared."""
    low = quantities._lower(text)
    near = quantities._NearDigits(text)
    found = []
    for r in quantities.EXCLUSION_RULES:
        source = (text if r.cased else low) if r.whole_text else near.condense(text if r.cased else low)
        for m in r.pattern.finditer(source):
            start, end = m.span() if r.whole_text else near.to_text(*m.span())
            if quantities._left_ok(text, start, r.left) and (r.accept is None or r.accept(text, start, end, m)):
                found.append((r.name, start, end))
    return sorted(found)


_SENTENCES = [
    "Theo Kế hoạch số 45/KH-UBND ngày 12/3/2024 của UBND tỉnh Hà Giang, đến hết quý II/2024 toàn tỉnh có 1.952 Tổ",
    "công nghệ số cộng đồng với 11.230 thành viên; tỷ lệ hồ sơ trực tuyến đạt 48,6%, tăng 5,2 điểm phần trăm.",
    "Số: 118/BC-STTTT",
    "Đường dây nóng: 0219.3866.111; email: sotttt@hagiang.gov.vn; xem thêm tại https://hagiang.gov.vn/cds-2024.",
    "Thôn 6 xã Ea Tu có 95% hộ dân dùng ví điện tử, mạng 4G phủ 100% thôn, buôn; Thông tư 01/2024/TT-BTTTT.",
    "Lúc 14:30 ngày 5 tháng 8 năm 2024, Sở tổ chức hội nghị lần thứ 3 tại tổ dân phố 2 thị trấn Đinh Văn.",
    "Chỉ tiêu 7.2 đạt 80%; tiêu chí số 8 đạt; mức độ 3, 4 đạt 92%; phiên bản 2.0; ISO 9001:2015 tại 12 cơ quan.",
    "75,3%",
    "1 hồ sơ",
    "Tỷ lệ văn bản 97%",
    "Đạt",
    "",
    "Trang 2/15 | 1.204 lượt xem | (12) bình luận | ảnh: cds_2024.jpg | “5 không” | 25/12 – 31/12 | thứ 2, ngày 3/6",
]


@pytest.mark.parametrize("text", [*_SENTENCES, " ".join(_SENTENCES), "\n".join(_SENTENCES)])
def test_exclusions_gated_once_per_text_are_every_rules_own_matches(text):
    assert sorted(quantities._exclusion_matches(text)) == _plain_exclusion_matches(text)


def test_the_rules_gated_in_one_loop_are_those_one_of_whose_gates_occurs():
    for text in _SENTENCES:
        low = quantities._lower(text)
        gated = quantities._gated_in(low)
        for r in quantities.EXCLUSION_RULES:
            if r.gates and not r.whole_text:
                assert (r.name in gated) == any(g in low for g in r.gates), (r.name, text)
    assert "legal_reference" in quantities._gated_in("theo quyết định số 12")


# --------------------------------------------------------------------------- restatements, as rows

_PLAN = """UBND TỈNH LÂM ĐỒNG

KẾ HOẠCH
Chuyển đổi số tỉnh Lâm Đồng năm 2025

Kết quả thực hiện các chỉ tiêu năm 2024:

Chỉ tiêu

Kế hoạch năm 2024

Thực hiện năm 2024

Đánh giá

- Tỷ lệ hồ sơ giải quyết thủ tục hành chính được xử lý trực tuyến toàn trình

50%

63,4%

Vượt

- Tỷ lệ người dân trưởng thành có chữ ký số cá nhân

40%

21%

Chưa đạt

- Số Tổ công nghệ số cộng đồng

1.500

1.820

Vượt
"""


def _plain_without_restatements(prose: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """without_restatements as it was on frames built by Arrow from the rows."""
    if table.empty:
        return prose
    if prose.empty:
        return table.sort_values("char_start", kind="stable", ignore_index=True)
    columns = [*report_tables._SAME_FACT]

    def tuples(frame):
        values = frame[columns].astype(object)
        return list(values.where(values.notna(), None).itertuples(index=False, name=None))

    stated = {(*row[:-1], period) for row in tuples(table) for period in (row[-1], None)}
    kept = prose[~pd.Series([row in stated for row in tuples(prose)], index=prose.index)]
    return pd.concat([kept, table], ignore_index=True).sort_values("char_start", kind="stable", ignore_index=True)


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pa.Table.from_pylist(rows, schema=OBSERVATIONS).to_pandas()


def test_restatements_left_out_of_rows_as_out_of_frames():
    table = report_tables.read_tables(_PLAN, find_text_tables(_PLAN), date(2024, 12, 20), "ld.txt", "ld").rows
    assert len(table) == 6
    restated = [{**row, "char_start": 40 + i, "period_label": None} for i, row in enumerate(table[:3])]
    other_period = [{**table[3], "char_start": 60, "period_label": "2023"}]
    other_value = [{**table[4], "char_start": 500, "value": 22.0}]
    after = [{**table[5], "char_start": table[5]["char_start"], "province_code": None, "map": None}]
    for prose in ([], restated, restated + other_period + other_value + after, other_value):
        for table_rows in (table, table[:1], []):
            rows = report_tables.without_restatements(prose, table_rows)
            expected = _plain_without_restatements(_frame(prose), _frame(table_rows))
            pd.testing.assert_frame_equal(_frame(rows), expected)
    assert len(report_tables.without_restatements(restated + other_value, table)) == 7


# --------------------------------------------------------------------------- cached cell readings

_CELLS = [
    "100%",
    "75,3%",
    "1.820",
    "trên 40%",
    "1.458/1.604",
    "85,2*",
    "118 (1)",
    "Đạt",
    "-",
    "0123",
    "2.0",
    "46 tỷ đồng",
]
_NAMES = [
    "- Tỷ lệ hồ sơ trực tuyến phát sinh của từng DVCTT (toàn trình và một phần)",
    "+ Cấp xã đạt (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước)",
    "Số Tổ công nghệ số cộng đồng",
    "Tỷ lệ người dân trưởng thành có chữ ký số cá nhân (%)",
    "Nội dung khác",
]


def test_a_cells_text_reads_as_the_uncached_reading_gives_it():
    for text in _CELLS:
        assert read_value(Cell(text, text)) == cells._read_text.__wrapped__(text), text
    assert read_value(Cell("75,3%", "75,3%")).unit == "percent"


def test_indicator_of_cached_names_what_the_uncached_names():
    for name in _NAMES:
        for unit in (None, "percent", "count"):
            for counted in (None, "Số thành viên"):
                expected = words.indicator_of.__wrapped__(name, None, unit, counted)
                assert words.indicator_of(name, None, unit, counted) == expected, (name, unit, counted)
    assert words.indicator_of(_NAMES[2], None, "count") is not None


# --------------------------------------------------------------------------- a row's place, read once


class _PlacePerFigure(TableReader):
    """The reader as it read a row's place again for each of its figures."""

    def _place(self, r: int, texts: dict[str, str]) -> Where:
        return row_place(texts, self.ctx)


@pytest.mark.parametrize(
    "name", ["wide, one column per indicator", "wide under a group header", "title rows above the header"]
)
def test_a_rows_place_read_once_is_the_place_each_figure_read(name):
    sheet = _SHEETS[name]
    table = find_table(sheet)
    assert table is not None
    doc = Document("dak_lak.xlsx", "xlsx", "", None, None, None, "dl")
    once, per_figure = TableReader(doc, sheet, table), _PlacePerFigure(doc, sheet, table)
    assert once.rows() == per_figure.rows()
    assert len(once.rows()[0]) >= 2
