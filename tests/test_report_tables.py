"""Tables inside reports (Word, HTML, PDF, text) read cell by cell through the shared table reader.

The reports are written here, in the style of district reports; the figures of huyện Mộ Đức
(498 members of community digital-technology teams, 14 video-conference points) are those
Báo Quảng Ngãi reported on 28/07/2023, the rest are made up in the same range.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import matplotlib
import pandas as pd
import pytest
from fpdf import FPDF

from cds_analysis.read.documents import read_document
from cds_analysis.read.tables import find_text_tables, sheet_of
from cds_analysis.rules.extract import extract_document, extract_text
from cds_analysis.sheets.headers import header_columns

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def facts(df):
    """(indicator, value, is_target, period, place) of each table fact."""
    cells = df[df["evidence"].str.count(r" \| ") == 2]
    return {(r.indicator, r.value, r.is_target, r.period_label, _lowest(r)) for r in cells.itertuples()}


def _lowest(row) -> str:
    return next(name for name in (row.commune, row.district, row.province) if isinstance(name, str))


def assert_evidence_points_into(text, df):
    for r in df.itertuples():
        assert r.evidence.endswith(" | " + " ".join(text[r.char_start : r.char_end].split()))


# --------------------------------------------------------------------------- Word


def _annex_docx() -> bytes:
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)  # the formal header of a report: no figure in it is a fact
    head.cell(0, 0).text = "UBND HUYỆN MỘ ĐỨC"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 215/BC-UBND"
    head.cell(1, 1).text = "Mộ Đức, ngày 05 tháng 10 năm 2024"
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả thực hiện chuyển đổi số 9 tháng đầu năm 2024")
    document.add_paragraph(
        "Đến nay, toàn huyện có 81 Tổ công nghệ số cộng đồng với 498 thành viên; "
        "hệ thống truyền hình trực tuyến có 14 điểm cầu từ huyện đến xã."
    )
    document.add_paragraph("Phụ lục: Kết quả thực hiện các chỉ tiêu chuyển đổi số năm 2024 của huyện Mộ Đức")
    annex = document.add_table(rows=5, cols=7)
    for c, text in enumerate(["STT", "Chỉ tiêu", "ĐVT", "Năm 2024", "", "Tỷ lệ đạt (%)", "Ghi chú"]):
        if text:
            annex.cell(0, c).text = text
    for c in (0, 1, 2, 5, 6):
        annex.cell(0, c).merge(annex.cell(1, c))
    annex.cell(0, 3).merge(annex.cell(0, 4))
    annex.cell(1, 3).text = "Kế hoạch"
    annex.cell(1, 4).text = "Thực hiện 9 tháng"
    rows = [
        ("1", "Số Tổ công nghệ số cộng đồng", "Tổ", "81", "81", "100", ""),
        ("2", "Số thành viên Tổ công nghệ số cộng đồng", "Người", "520", "498(1)", "95,8", "(1) Đang kiện toàn"),
        ("3", "Tỷ lệ hồ sơ trực tuyến toàn trình", "%", "80", "86,4", "108", ""),
    ]
    for r, values in enumerate(rows, start=2):
        for c, text in enumerate(values):
            annex.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_annex_with_merged_headers_unit_column_ratio_and_footnote(tmp_path):
    path = tmp_path / "bao_cao_mo_duc.docx"
    path.write_bytes(_annex_docx())
    doc = read_document(path)
    assert len(doc.tables) == 2
    df = extract_document(doc)
    year, nine_months = "2024", "range 2024-01..2024-09"  # 'Năm 2024' over 'Kế hoạch' | 'Thực hiện 9 tháng'
    assert facts(df) == {
        ("community_tech_teams", 81.0, True, year, "huyện Mộ Đức"),
        ("community_tech_teams", 81.0, False, nine_months, "huyện Mộ Đức"),
        ("community_tech_team_members", 520.0, True, year, "huyện Mộ Đức"),
        ("community_tech_team_members", 498.0, False, nine_months, "huyện Mộ Đức"),
        ("full_process_online_dossier_rate", 80.0, True, year, "huyện Mộ Đức"),
        ("full_process_online_dossier_rate", 86.4, False, nine_months, "huyện Mộ Đức"),
    }
    cells = df[df["evidence"].str.contains(" | ", regex=False)]
    assert_evidence_points_into(doc.text, cells)
    assert set(cells["unit"]) == {"count", "percent"}
    assert "Số thành viên Tổ công nghệ số cộng đồng | Năm 2024 Thực hiện 9 tháng | 498(1)" in set(cells["evidence"])
    # 498 and 81 are stated in the prose too: one fact each, the table's
    assert (df["value"] == 498).sum() == 1 and (df["value"] == 81).sum() == 2
    assert not df["value"].isin([215, 5, 108, 95.8, 1, 2, 3]).any()  # header table, ratio column, row numbers


def test_docx_table_cells_point_into_the_text(tmp_path):
    path = tmp_path / "bao_cao.docx"
    path.write_bytes(_annex_docx())
    doc = read_document(path)
    annex = doc.tables[1]
    assert annex.merged[:2] == ((0, 0, 1, 0), (0, 1, 1, 1))
    assert annex.cell(0, 4) == annex.cell(0, 3)  # 'Năm 2024' spans both columns
    for row in annex.rows:
        for cell in row:
            if cell.start >= 0:
                assert doc.text[cell.start : cell.end] == cell.text


# --------------------------------------------------------------------------- HTML

_PAGE = """<html><head><title>Mộ Đức: kết quả chuyển đổi số 6 tháng đầu năm 2024</title></head><body>
<nav><table><tr><td>Trang chủ</td><td>Tin tức</td><td>Văn bản</td></tr></table></nav>
<table class="calendar"><tr><th>T2</th><th>T3</th><th>T4</th></tr><tr><td>1</td><td>2</td><td>3</td></tr>
<tr><td>8</td><td>9</td><td>10</td></tr></table>
<article>
<h1>Mộ Đức: kết quả chuyển đổi số 6 tháng đầu năm 2024</h1>
<p>Sáng 10/7, UBND huyện Mộ Đức tổ chức hội nghị sơ kết công tác chuyển đổi số 6 tháng đầu năm 2024.
Theo báo cáo, các xã, thị trấn đã tích cực hướng dẫn người dân nộp hồ sơ trực tuyến và thanh toán
không dùng tiền mặt, trong đó nhiều địa phương đạt kết quả cao.</p>
<p>Kết quả 6 tháng đầu năm 2024 của các xã, thị trấn huyện Mộ Đức như sau:</p>
<table>
<tr><th>TT</th><th>Xã, thị trấn</th><th>Tỷ lệ hồ sơ trực tuyến (%)</th><th>Tỷ lệ thanh toán trực tuyến (%)</th></tr>
<tr><td>1</td><td>Xã Đức Lân</td><td>91,2</td><td>45,3</td></tr>
<tr><td>2</td><td>Thị trấn Mộ Đức</td><td>95</td><td>52,1*</td></tr>
<tr><td colspan="2">Toàn huyện</td><td>93,1</td><td>48,7</td></tr>
</table>
<p>(*) Số liệu tính đến ngày 30/6/2024. Huyện tiếp tục đẩy mạnh tuyên truyền trong thời gian tới.</p>
</article>
<footer><p>Lượt truy cập: 12.345</p></footer>
</body></html>"""


def test_html_commune_table_among_page_chrome(tmp_path):
    path = tmp_path / "mo_duc.html"
    path.write_text(_PAGE, encoding="utf-8")
    doc = read_document(path)
    assert len(doc.tables) == 1  # the menu and the calendar are page chrome
    df = extract_document(doc)
    h1 = "2024-H1"
    assert facts(df) == {
        ("online_dossier_rate", 91.2, False, h1, "xã Đức Lân"),
        ("online_payment_rate", 45.3, False, h1, "xã Đức Lân"),
        ("online_dossier_rate", 95.0, False, h1, "thị trấn Mộ Đức"),
        ("online_payment_rate", 52.1, False, h1, "thị trấn Mộ Đức"),
        ("online_dossier_rate", 93.1, False, h1, "huyện Mộ Đức"),
        ("online_payment_rate", 48.7, False, h1, "huyện Mộ Đức"),
    }
    total = df[df["value"] == 93.1].iloc[0]
    assert (total.admin_level, total.district, pd.isna(total.commune)) == ("district", "huyện Mộ Đức", True)
    town = df[df["value"] == 95].iloc[0]
    assert (town.admin_level, town.commune) == ("commune", "thị trấn Mộ Đức")
    assert_evidence_points_into(doc.text, df[df["evidence"].str.contains(" | ", regex=False)])


# --------------------------------------------------------------------------- PDF


def _pdf(rows: list[list[str]]) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("dejavu", "", str(FONT))
    pdf.add_font("dejavu", "B", str(FONT))
    pdf.set_font("dejavu", size=10)
    for line in ("UBND HUYỆN TƯ NGHĨA", "BÁO CÁO KẾT QUẢ CHUYỂN ĐỔI SỐ QUÝ I NĂM 2025", "Một số chỉ tiêu chủ yếu:"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(10, 70, 35, 35, 25)) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    return bytes(pdf.output())


def test_pdf_table_with_plan_result_and_ratio_columns(tmp_path):
    path = tmp_path / "tu_nghia.pdf"
    path.write_bytes(
        _pdf(
            [
                ["STT", "Chỉ tiêu", "Kế hoạch năm 2025", "Thực hiện quý I/2025", "Tỷ lệ đạt (%)"],
                ["1", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng (%)", "90", "87,5", "97,2"],
                ["2", "Số tài khoản thư điện tử công vụ", "650", "612*", "94,2"],
            ]
        )
    )
    doc = read_document(path)
    df = extract_document(doc)
    assert facts(df) == {
        ("work_records_online_rate", 90.0, True, "2025", "huyện Tư Nghĩa"),
        ("work_records_online_rate", 87.5, False, "2025-Q1", "huyện Tư Nghĩa"),
        ("official_email_accounts", 650.0, True, "2025", "huyện Tư Nghĩa"),
        ("official_email_accounts", 612.0, False, "2025-Q1", "huyện Tư Nghĩa"),
    }
    assert_evidence_points_into(doc.text, df)


# --------------------------------------------------------------------------- text tables


def test_tab_separated_table_with_row_numbers_and_unit_column():
    text = (
        "UBND huyện Bình Sơn báo cáo kết quả chuyển đổi số quý III năm 2024.\n"
        "STT\tChỉ tiêu\tĐVT\tKế hoạch năm 2024\tThực hiện quý III/2024\n"
        "1\tSố Tổ công nghệ số cộng đồng\tTổ\t180\t172\n"
        "2\tTỷ lệ hồ sơ trực tuyến\t%\t70\t74,6\n"
        "Các chỉ tiêu còn lại tiếp tục được theo dõi.\n"
    )
    df = extract_text(text)
    assert facts(df) == {
        ("community_tech_teams", 180.0, True, "2024", "huyện Bình Sơn"),
        ("community_tech_teams", 172.0, False, "2024-Q3", "huyện Bình Sơn"),
        ("online_dossier_rate", 70.0, True, "2024", "huyện Bình Sơn"),
        ("online_dossier_rate", 74.6, False, "2024-Q3", "huyện Bình Sơn"),
    }
    assert len(df) == 4 and not df["value"].isin([1, 2]).any()
    assert_evidence_points_into(text, df)


def test_pipe_table_as_saved_pages_print_it():
    text = (
        "Kết quả chuyển đổi số năm 2023 của huyện Tư Nghĩa\n"
        "| TT | Nội dung | Mục tiêu năm 2023 | Kết quả năm 2023 | Đánh giá |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Tỷ lệ thanh toán trực tuyến | 30% | 35,8% | Vượt |\n"
        "| 2 | Số điểm cầu truyền hình trực tuyến | 14 | 14 | Đạt |\n"
    )
    df = extract_text(text)
    assert facts(df) == {
        ("online_payment_rate", 30.0, True, "2023", "huyện Tư Nghĩa"),
        ("online_payment_rate", 35.8, False, "2023", "huyện Tư Nghĩa"),
        ("video_conference_points", 14.0, True, "2023", "huyện Tư Nghĩa"),
        ("video_conference_points", 14.0, False, "2023", "huyện Tư Nghĩa"),
    }
    assert len(df) == 4


def test_space_aligned_commune_table_with_a_total_row():
    text = (
        "Tỷ lệ hồ sơ trực tuyến quý II/2024 của các xã, thị trấn huyện Mộ Đức:\n"
        "TT  Xã/Phường/Thị trấn     Hồ sơ trực tuyến (%)   Thanh toán trực tuyến (%)\n"
        "1   Xã Đức Phong                 88,5                   40,2\n"
        "2   Xã Đức Nhuận                 90                     \n"
        "    Tổng cộng                    89,1                   41\n"
    )
    (table,) = find_text_tables(text)
    assert [c.text for c in table.rows[2]] == ["2", "Xã Đức Nhuận", "90", ""]
    df = extract_text(text)
    rows = {(r.value, r.admin_level, _lowest(r)) for r in df.itertuples()}
    assert rows == {
        (88.5, "commune", "xã Đức Phong"),
        (40.2, "commune", "xã Đức Phong"),
        (90.0, "commune", "xã Đức Nhuận"),
        (89.1, "district", "huyện Mộ Đức"),
        (41.0, "district", "huyện Mộ Đức"),
    }
    assert set(df["period_label"]) == {"2024-Q2"} and not df["is_target"].any()


@pytest.mark.parametrize(
    "line",
    [
        "Năm 2023  huyện triển khai  nhiều nhiệm vụ",  # double spaces in prose are not a table
        "Tỷ lệ | hồ sơ",  # one '|' in a sentence
    ],
)
def test_prose_is_not_a_table(line):
    assert find_text_tables(f"{line}\n{line}\n{line}\n") == ()


@pytest.mark.parametrize(
    ("header", "role", "period"),
    [
        ("Kế hoạch năm 2025", "target", "2025"),
        ("Thực hiện quý III/2024", "value", "2024-Q3"),
        ("Lũy kế đến 30/9/2024", "value", "as_of 2024-09-30"),
        ("Ước thực hiện 6 tháng đầu năm 2024", "value", "2024-H1"),
        ("Tỷ lệ đạt (%)", "ratio", None),
        ("Ty le dat so voi ke hoach (%)", "ratio", None),
        ("Xa/Phuong/Thi tran", "commune", None),
        ("ĐVT", "unit", None),
        ("STT", "row_number", None),
    ],
)
def test_header_words_come_from_the_vocabulary(header, role, period):
    sheet = sheet_of(None, [[(header, 0, len(header)), ("Chỉ tiêu", -1, -1)]])
    (column,) = [c for c in header_columns(sheet, 0) if c.index == 0]
    assert column.role == role
    assert (column.period.label if column.period else None) == period


def test_html_table_with_rowspan_and_colspan_headers(tmp_path):
    page = (
        "<html><body><article><h1>Kết quả chuyển đổi số quý I/2025 của huyện Tư Nghĩa</h1>"
        "<p>UBND huyện Tư Nghĩa báo cáo kết quả chuyển đổi số quý I năm 2025; các chỉ tiêu về dịch vụ công "
        "trực tuyến tiếp tục tăng so với cùng kỳ năm trước.</p><table>"
        '<tr><th rowspan="2">STT</th><th rowspan="2">Chỉ tiêu</th><th colspan="2">Năm 2025</th>'
        '<th rowspan="2">Tỷ lệ đạt (%)</th></tr><tr><th>Kế hoạch</th><th>Thực hiện quý I</th></tr>'
        "<tr><td>1</td><td>Tỷ lệ hồ sơ trực tuyến</td><td>80</td><td>71,5</td><td>89,4</td></tr>"
        "<tr><td>2</td><td>Tỷ lệ thanh toán trực tuyến</td><td>45</td><td>38,2</td><td>84,9</td></tr>"
        "</table><p>Huyện tiếp tục hướng dẫn người dân nộp hồ sơ và thanh toán trực tuyến.</p></article></body></html>"
    )
    path = tmp_path / "tu_nghia.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    (table,) = doc.tables
    assert table.cell(0, 3) == table.cell(0, 2) and table.cell(1, 0) == table.cell(0, 0)
    assert facts(extract_document(doc)) == {
        ("online_dossier_rate", 80.0, True, "2025", "huyện Tư Nghĩa"),
        ("online_dossier_rate", 71.5, False, "2025-Q1", "huyện Tư Nghĩa"),
        ("online_payment_rate", 45.0, True, "2025", "huyện Tư Nghĩa"),
        ("online_payment_rate", 38.2, False, "2025-Q1", "huyện Tư Nghĩa"),
    }
