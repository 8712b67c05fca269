"""Write the two formal reports of the bundled sample whose figures sit in tables.

Run by hand when their text changes, never at import time:

    python scripts/build_table_reports.py

- ``data/raw/hung-yen_an-thi_xuan-truc_ke-hoach-ha-tang-so.docx``: a commune's plan
  for digital infrastructure 2023–2025 with a header table and an annex of targets;
- ``data/raw/yen-bai_tp-yen-bai_bao-cao-cong-dan-so.pdf``: a city's report on its
  'digital citizen' drive, its results in a ruled table.

The sentences are written for the project; the figures are those of the sources named
in ``data/raw/README.md`` (shared samples 005 and 008). Output is byte-stable: the
Word and PDF creation dates are fixed, so a rerun changes nothing unless the text did.
The PDF needs a font with Vietnamese glyphs: matplotlib's bundled DejaVu Sans.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import matplotlib
from fpdf import FPDF

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
STAMP = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

DOCX_NAME = "hung-yen_an-thi_xuan-truc_ke-hoach-ha-tang-so.docx"
PDF_NAME = "yen-bai_tp-yen-bai_bao-cao-cong-dan-so.pdf"

XUAN_TRUC_TARGETS = [
    ("1", "Tỷ lệ thuê bao điện thoại di động là điện thoại thông minh", "%", "80"),
    ("2", "Tỷ lệ dân số trưởng thành có điện thoại thông minh", "%", "90"),
    ("3", "Tốc độ tải xuống băng rộng di động (đo theo i-Speed)", "Mb/s", "36"),
    ("4", "Tỷ lệ thôn được phủ sóng di động băng rộng", "%", "100"),
    ("5", "Tỷ lệ vị trí trạm BTS dùng chung", "%", "25"),
    ("6", "Tỷ lệ hộ gia đình có Internet băng rộng cáp quang", "%", "80"),
    ("7", "Tốc độ tải xuống băng rộng cố định (đo theo i-Speed)", "Mb/s", "91"),
    ("8", "Tỷ lệ thôn có băng rộng cố định cáp quang (FTTH)", "%", "100"),
    ("9", "Tỷ lệ cơ quan, đơn vị trên địa bàn xã dùng nền tảng số có tính chất hạ tầng", "%", "70"),
    ("10", "Tỷ lệ doanh nghiệp trên địa bàn xã dùng nền tảng số có tính chất hạ tầng", "%", "50"),
]

YEN_BAI_RESULTS = [
    ("1", "Số xã, phường được điều tra mẫu các chỉ tiêu Công dân số", "xã, phường", "15"),
    ("2", "Tỷ lệ xã, phường, thôn, tổ dân phố đã thành lập Tổ công nghệ số cộng đồng", "%", "100"),
    ("3", "Số tài khoản mở mới cho cá nhân, tổ chức, hộ kinh doanh", "tài khoản", "gần 10.000"),
    ("4", "Số công dân được tạo tài khoản trên Cổng Dịch vụ công quốc gia", "người", "gần 50.000"),
    ("5", "Tỷ lệ công dân được tạo tài khoản trên Cổng Dịch vụ công quốc gia", "%", "gần 50"),
]


def xuan_truc_plan() -> docx.document.Document:
    """A commune plan as Word files of the kind look: header table, body, annex of targets."""
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ XUÂN TRÚC"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số:      /KH-UBND"
    head.cell(1, 1).text = "Xuân Trúc, ngày 15 tháng 3 năm 2023"
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Phát triển hạ tầng số xã Xuân Trúc, huyện Ân Thi giai đoạn 2023 - 2025")
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph(
        "Hạ tầng số là nền móng để chính quyền, người dân và doanh nghiệp trên địa bàn xã tham gia "
        "chuyển đổi số. Kế hoạch này cụ thể hóa các nhiệm vụ của huyện về mạng băng rộng, điện toán "
        "đám mây và nền tảng số, gắn trách nhiệm của từng thôn và các doanh nghiệp viễn thông."
    )
    document.add_paragraph("II. MỤC TIÊU ĐẾN NĂM 2025")
    document.add_paragraph(
        "Phấn đấu đến năm 2025 toàn bộ các thôn được phủ sóng di động băng rộng và cáp quang, "
        "mỗi người dân có ít nhất 01 tài khoản dùng dịch vụ điện toán đám mây; các chỉ tiêu cụ thể "
        "tại Phụ lục kèm theo."
    )
    document.add_paragraph("III. NHIỆM VỤ, GIẢI PHÁP")
    document.add_paragraph(
        "Phối hợp với các doanh nghiệp viễn thông mở rộng vùng phủ sóng, dùng chung hạ tầng trạm; "
        "tuyên truyền để người dân chuyển sang điện thoại thông minh và thôi dùng máy chỉ có sóng 2G."
    )
    document.add_paragraph("Phụ lục: Chỉ tiêu phát triển hạ tầng số xã Xuân Trúc đến năm 2025")
    annex = document.add_table(rows=2 + len(XUAN_TRUC_TARGETS), cols=5)
    annex.style = "Table Grid"
    for c, text in enumerate(["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu đến năm 2025", "Ghi chú"]):
        annex.cell(0, c).text = text
    annex.cell(1, 0).text = "I"
    annex.cell(1, 1).text = "Hạ tầng mạng băng rộng và nền tảng số"
    for r, (number, name, unit, target) in enumerate(XUAN_TRUC_TARGETS, start=2):
        for c, text in enumerate((number, name, unit, target, "")):
            annex.cell(r, c).text = text
    document.add_paragraph("Nơi nhận: UBND huyện Ân Thi; các thôn; lưu VP.")
    props = document.core_properties
    props.title = "Kế hoạch phát triển hạ tầng số xã Xuân Trúc giai đoạn 2023 - 2025"
    props.author = props.last_modified_by = "cds_analysis"
    props.created = props.modified = STAMP.replace(tzinfo=None)
    props.revision = 1
    return document


def yen_bai_report() -> FPDF:
    """A city's report with its results in a ruled table (as printed to PDF from Word)."""
    pdf = FPDF()
    pdf.set_creation_date(STAMP)
    pdf.set_title("Báo cáo kết quả triển khai Công dân số thành phố Yên Bái")
    pdf.add_font("dejavu", "", str(FONT / "DejaVuSans.ttf"))
    pdf.add_font("dejavu", "B", str(FONT / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("dejavu", size=11)

    def line(text: str, bold: bool = False) -> None:
        pdf.set_font("dejavu", "B" if bold else "", 11)
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    line("UBND THÀNH PHỐ YÊN BÁI", bold=True)
    line("Yên Bái, ngày 20 tháng 11 năm 2023")
    line("BÁO CÁO", bold=True)
    line("Kết quả triển khai Công dân số trên địa bàn thành phố")
    line(
        "Thành phố đã phối hợp với Sở Thông tin và Truyền thông, các doanh nghiệp viễn thông và ngân hàng "
        "thương mại tập huấn kỹ năng số cho cán bộ và người dân, đưa chỉ tiêu Công dân số vào bản cam kết "
        "của các phòng, ban và UBND các xã, phường. Kết quả chủ yếu như sau:"
    )
    with pdf.table(col_widths=(10, 95, 30, 30)) as table:
        for values in [("STT", "Nội dung", "Đơn vị tính", "Kết quả"), *YEN_BAI_RESULTS]:
            row = table.row()
            for value in values:
                row.cell(value)
    line("")
    line(
        "Thời gian tới, thành phố tiếp tục hướng dẫn người dân dùng các nền tảng số và thanh toán không dùng tiền mặt."
    )
    return pdf


def _stable_zip(data: bytes) -> bytes:
    """The same .docx with every zip entry dated :data:`STAMP` (python-docx dates them now)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def main() -> None:
    buffer = io.BytesIO()
    xuan_truc_plan().save(buffer)
    (RAW / DOCX_NAME).write_bytes(_stable_zip(buffer.getvalue()))
    yen_bai_report().output(str(RAW / PDF_NAME))
    print(f"wrote {RAW / DOCX_NAME} and {RAW / PDF_NAME}")


if __name__ == "__main__":
    main()
