"""A PDF table that runs over pages is read as one table.

The PDFs are drawn here with fpdf2 (ruled tables, which pdfplumber reads), one
table piece per page, the way a UBND's or a Sở's report and its phụ lục break
a table of indicators. Figures: the 2025 national targets of Quyết định
749/QĐ-TTg (digital economy 20% of GDP, fibre for 80% of households, 80% of adults
with a smartphone; work records handled online 90/80/60% at province/district/
commune level), of QĐ 942/QĐ-TTg (80% of dossiers fully online) and of Đề án 06
(40 million VNeID accounts), and the 2025 outcomes the package bundles in
``cds_analysis/reference/data/outcomes_2025.csv``, each with its source (O05 digital economy 14%,
O01 51,7% of dossiers fully online, O11 5G for 26% of people, O08 65 million
VNeID accounts, O10 70,8% of procedures online).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from fpdf import FPDF

from cds_analysis.read.documents import read_document
from cds_analysis.rules.extract import extract_file

FONT = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", "DejaVuSans.ttf")

HEADER = ["TT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu năm 2025", "Kết quả năm 2025"]
NATIONAL = [
    ["1", "Tỷ trọng kinh tế số trong GDP", "%", "20", "14"],
    ["2", "Tỷ lệ hồ sơ giải quyết thủ tục hành chính trực tuyến toàn trình", "%", "80", "51,7"],
    ["3", "Tỷ lệ dân số được phủ sóng 5G", "%", "-", "26"],
    ["4", "Số tài khoản định danh điện tử VNeID được kích hoạt", "triệu tài khoản", "40", "65"],
    ["5", "Tỷ lệ thủ tục hành chính được cung cấp trực tuyến", "%", "-", "70,8"],
    ["6", "Tỷ lệ hộ gia đình được phủ mạng Internet băng rộng cáp quang", "%", "80", "-"],
    ["7", "Tỷ lệ dân số trưởng thành có điện thoại thông minh", "%", "80", "-"],
]
TITLE = ["BỘ KHOA HỌC VÀ CÔNG NGHỆ", "Phụ lục: Kết quả thực hiện Chương trình Chuyển đổi số quốc gia năm 2025"]

Row = list  # a cell is its text, or (text, how many columns it spans)
Page = tuple[list[str], list[Row] | None, list[str]]  # lines above the table, its rows, lines below


def pdf_of(path: Path, pages: list[Page]) -> Path:
    """A PDF of ``pages``, each with its lines of text, a ruled table piece and lines under it."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.add_font("dv", "", FONT)
    pdf.set_font("dv", size=10)
    for above, rows, below in pages:
        pdf.add_page()
        for line in above:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        if rows:
            with pdf.table(first_row_as_headings=False, col_widths=(8, 60, 20, 20, 20)) as table:
                for row in rows:
                    cells = table.row()
                    for cell in row:
                        text, span = (cell, 1) if isinstance(cell, str) else cell
                        cells.cell(text, colspan=span)
        for line in below:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def words(text: str) -> str:
    return " ".join(text.split())


def facts(path: Path) -> dict[tuple[str, float], dict]:
    return {(row["indicator"], row["value"]): row for row in extract_file(path).to_dict("records")}


def test_table_over_two_pages_without_its_header_again_is_one_table(tmp_path):
    path = pdf_of(tmp_path / "phu_luc.pdf", [(TITLE, [HEADER, *NATIONAL[:3]], []), (["- 2 -"], NATIONAL[3:], [])])
    document = read_document(path)
    assert len(document.tables) == 1
    assert [words(row[1].text) for row in document.tables[0].rows] == [HEADER[1]] + [row[1] for row in NATIONAL]

    found = facts(path)
    first, second = found["digital_economy_share_grdp", 14.0], found["e_id_count", 65_000_000.0]
    assert found["smartphone_adult_rate", 80.0]["is_target"]
    assert not second["is_target"]
    for row in (second, found["e_id_count", 40_000_000.0], found["online_public_services_rate", 70.8]):
        assert row["period_label"] == first["period_label"] == "2025"
        assert pd.isna(row["place"]) and pd.isna(first["place"])  # a national report
    page_two = document.text.index("- 2 -")
    assert second["char_start"] > page_two
    assert document.text[second["char_start"] : second["char_end"]] == "65"
    assert all(isinstance(value, float) and value < 10**9 for _, value in found)  # no '- 2 -' read as a figure


@pytest.mark.parametrize("repeated", [[HEADER], []])
def test_table_over_three_pages_reads_its_header_once(tmp_path, repeated):
    running = "UBND tỉnh Nghệ An - Kế hoạch chuyển đổi số năm 2025"
    title = ["ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", running, "Phụ lục: Chỉ tiêu chuyển đổi số của tỉnh năm 2025"]
    pages: list[Page] = [
        (title, [HEADER, *NATIONAL[:2]], ["Trang 1/3"]),
        ([running, "Trang 2/3"], [*repeated, *NATIONAL[2:5]], []),
        ([running, "3"], [*repeated, *NATIONAL[5:]], []),
    ]
    path = pdf_of(tmp_path / "ke_hoach.pdf", pages)
    (table,) = read_document(path).tables
    assert [row[0].text for row in table.rows] == ["TT", *(row[0] for row in NATIONAL)]

    found = extract_file(path)
    assert len(found) == sum(cell not in ("-", "") for row in NATIONAL for cell in row[3:])
    assert set(found["place"]) == {"tỉnh Nghệ An"}
    assert set(found["period_label"]) == {"2025"}


WORK_RECORDS = [
    ["1", "Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng", "%", "90", "-"],
    ["2", "Tỷ lệ hồ sơ công việc cấp huyện được xử lý trên môi trường mạng", "%", "80", "-"],
]


def test_row_split_by_the_page_break_is_joined_again(tmp_path):
    half = ["3", "Tỷ lệ hồ sơ công việc cấp xã được xử lý", "%", "60", "-"]
    rest = ["", "trên môi trường mạng", "", "", ""]
    path = pdf_of(
        tmp_path / "ha_tinh.pdf", [(TITLE, [HEADER, *WORK_RECORDS, half], []), (["2"], [rest, NATIONAL[0]], [])]
    )
    (table,) = read_document(path).tables
    assert [words(row[1].text) for row in table.rows[3:]] == [
        "Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng",
        NATIONAL[0][1],
    ]
    found = facts(path)
    assert found["work_records_online_rate", 60.0]["evidence"].startswith(words(table.rows[3][1].text))
    assert ("digital_economy_share_grdp", 14.0) in found


@pytest.mark.parametrize("first", [["", "- Cấp xã", "%", "60", "-"], ["", "a) Cấp xã", "%", "60", "-"]])
def test_a_row_under_a_parent_row_is_not_joined_to_it(tmp_path, first):
    parent = ["3", "Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng", "", "", ""]
    path = pdf_of(tmp_path / "nghe_an.pdf", [(TITLE, [HEADER, *WORK_RECORDS, parent], []), (["2"], [first], [])])
    (table,) = read_document(path).tables
    assert [words(row[1].text) for row in table.rows[3:]] == [parent[1], first[1]]


def test_piece_with_fewer_ruled_columns_goes_on_the_columns_it_spans(tmp_path):
    note = "Chỉ tiêu 6, 7: chưa có số liệu kết quả năm 2025"
    pages: list[Page] = [(TITLE, [HEADER, *NATIONAL], []), (["2"], [["8", (note, 4)]], [])]
    path = pdf_of(tmp_path / "son_la.pdf", pages)
    (table,) = read_document(path).tables
    assert [words(cell.text) for cell in table.rows[-1]] == ["8", note, note, note, note]
    assert table.merged[-1] == (len(table.rows) - 1, 1, len(table.rows) - 1, 4)


def test_header_alone_at_the_foot_of_a_page_heads_the_rows_of_the_next(tmp_path):
    path = pdf_of(tmp_path / "ha_giang.pdf", [(TITLE, [HEADER], []), (["2"], NATIONAL, [])])
    (table,) = read_document(path).tables
    assert len(table.rows) == 1 + len(NATIONAL)
    assert ("digital_economy_share_grdp", 14.0) in facts(path)


def test_cells_of_every_page_keep_their_place_in_the_text(tmp_path):
    document = read_document(
        pdf_of(tmp_path / "lao_cai.pdf", [(TITLE, [HEADER, *NATIONAL[:2]], []), (["2"], NATIONAL[2:4], [])])
    )
    (table,) = document.tables
    page_two = document.text.index("\n2\n")
    assert table.rows[-1][4].start > page_two
    for row in table.rows:
        for cell in row:
            if cell.start >= 0:
                assert document.text[cell.start : cell.end] == cell.text


@pytest.mark.parametrize(
    "page_two",
    [
        (["Bảng 2: Hạ tầng số của tỉnh"], NATIONAL[3:], []),  # a caption: the table on page 2 is a table of its own
        (["2"], [HEADER[:2] + ["Đơn vị", "Kế hoạch", "Thực hiện"], *NATIONAL[3:]], []),  # its own header
    ],
)
def test_table_at_the_top_of_a_page_is_its_own_when_a_caption_or_a_header_opens_it(tmp_path, page_two):
    path = pdf_of(tmp_path / "quang_tri.pdf", [(TITLE, [HEADER, *NATIONAL[:3]], []), page_two])
    assert len(read_document(path).tables) == 2


def test_table_followed_by_text_on_its_page_does_not_go_on_over_the_page(tmp_path):
    path = pdf_of(
        tmp_path / "kon_tum.pdf",
        [
            (TITLE, [HEADER, *NATIONAL[:3]], ["Ghi chú: số liệu ước tính đến ngày 15/12/2025."]),
            (["2"], NATIONAL[3:], []),
        ],
    )
    first, second = read_document(path).tables
    assert (len(first.rows), second.rows[0][0].text) == (4, "4")


def test_a_page_whose_text_around_a_table_cannot_be_read_keeps_its_tables_apart(tmp_path):
    # pdfplumber refuses to crop outside the page (a table ruled past the page's edge): the text there is
    # not known to be furniture, so no table goes on over the break, and the file is still read.
    import pdfplumber

    from cds_analysis.read.layout import _furniture, _text_in

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=FONT)
    pdf.set_font("DejaVu", size=11)
    pdf.cell(60, 10, "Trang 2")
    path = tmp_path / "trang.pdf"
    pdf.output(str(path))
    with pdfplumber.open(path) as opened:
        page = opened.pages[0]
        assert _text_in(page, (0, 0, page.width, page.height)) == "Trang 2"
        outside = _text_in(page, (0, -10, page.width, 20))
    assert outside is None and not _furniture(outside, frozenset())
    assert _furniture("Trang 2", frozenset())
