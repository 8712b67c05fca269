"""Readers: every encoding and format an analyst receives, and every way a file can be bad.

Texts are written for these tests in the style of district reports. Figures come from
the Đồng Xuân (Phú Yên) report of 2023: 1.458/1.604 online dossiers, 90,8%.
"""

import hashlib
import io
from datetime import date

import docx
import matplotlib
import pypdf
import pytest
from legacy_encodings import TONES, cp1258

from cds_analysis.lang.text import normalize
from cds_analysis.read.documents import Document, ReadError, find_title_and_date, read_document

matplotlib.use("pdf")
import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

SENTENCE = "Năm 2023, huyện Đồng Xuân có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%; các xã đều được hướng dẫn."


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


# --- encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SENTENCE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SENTENCE.encode("utf-8"), "utf-8"),
        (b"\xff\xfe" + SENTENCE.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + SENTENCE.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le", "utf-16-be"],
)
def test_unicode_encodings_give_the_same_text(tmp_path, data, encoding):
    doc = read_document(write(tmp_path, "bao_cao.txt", data))
    assert doc.text == SENTENCE  # no BOM character left at offset 0
    assert doc.encoding == encoding
    assert doc.format == "txt"


def test_windows_1258_round_trip_keeps_combining_tone_marks(tmp_path):
    data = cp1258(SENTENCE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_document(write(tmp_path, "cu.txt", data))
    assert doc.encoding == "windows-1258"
    assert any(ch in TONES for ch in doc.text)  # decomposed, as the code page stores it
    assert normalize(doc.text) == SENTENCE


def test_tcvn3_is_converted(tmp_path):
    # TCVN3 ('ABC') bytes as an old .VnTime document stores 'Năm 2023, huyện có 1.458 hồ sơ trực tuyến được xử lý.'
    data = "N¨m 2023, huyÖn cã 1.458 hå s¬ trùc tuyÕn ®\xadîc xö lý.".encode("latin-1")
    doc = read_document(write(tmp_path, "vntime.txt", data))
    assert doc.encoding == "tcvn3"
    assert doc.text == "Năm 2023, huyện có 1.458 hồ sơ trực tuyến được xử lý."


def test_vni_is_refused_with_how_to_convert(tmp_path):
    data = "Naêm 2023, huyeän coù 1.458 hoà sô tröïc tuyeán ñöôïc xöû lyù.".encode("latin-1")
    path = write(tmp_path, "vni.txt", data)
    with pytest.raises(ReadError, match="VNI") as err:
        read_document(path)
    assert path in str(err.value) and "UniKey" in err.value.reason


def test_latin1_text_without_vietnamese_is_read(tmp_path):
    doc = read_document(write(tmp_path, "note.txt", "Résumé of the café survey, 2023.".encode("cp1252")))
    assert doc.text == "Résumé of the café survey, 2023."


def test_utf8_cut_mid_letter_is_still_utf8(tmp_path):
    data = SENTENCE.encode() + "Huyện".encode()[:-3]  # 'ệ' takes three bytes: the cut keeps one
    doc = read_document(write(tmp_path, "cut.txt", data))
    assert doc.text == SENTENCE + "Huy\ufffd"
    assert doc.encoding.startswith("utf-8 (1 bad byte replaced")


def test_windows_line_ends_become_newlines(tmp_path):
    doc = read_document(write(tmp_path, "crlf.txt", "Dòng một\r\nDòng hai\r\n".encode()))
    assert doc.text == "Dòng một\nDòng hai\n"


def test_document_id_is_the_content_hash_whatever_the_path(tmp_path):
    data = SENTENCE.encode()
    a = read_document(write(tmp_path, "a.txt", data))
    b = read_document(write(tmp_path, "b.txt", data))
    assert a.document_id == b.document_id == hashlib.sha256(data).hexdigest()[:16]
    assert a.path.endswith("a.txt") and isinstance(a, Document)


# --- formats -----------------------------------------------------------------

PAGE = """<html><head><title>Huyện Mộ Đức đẩy mạnh chuyển đổi số - Báo Thử</title>
<meta property="article:published_time" content="2023-07-28T18:22:00+07:00"></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/cds">Chuyển đổi số</a></nav>
<article><h1>Huyện Mộ Đức đẩy mạnh chuyển đổi số</h1>
<p>Năm 2023, huyện Mộ Đức có 98% hồ sơ công việc được xử lý trên môi trường mạng, tăng 5 điểm phần trăm.</p>
<p>Toàn huyện đã thành lập 13 Tổ công nghệ số cộng đồng cấp xã và 120 tổ cấp thôn với hơn 700 thành viên.</p>
</article>
<div class="comments"><h3>Ý kiến bạn đọc</h3><p>0 bình luận</p></div>
<footer>© Bản quyền thuộc Báo Thử</footer></body></html>"""


def test_html_main_text_title_and_date(tmp_path):
    doc = read_document(write(tmp_path, "trang.html", PAGE.encode()))
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert doc.title == "Huyện Mộ Đức đẩy mạnh chuyển đổi số"
    assert doc.published == date(2023, 7, 28)
    lines = doc.text.split("\n")
    assert any(line.startswith("Năm 2023, huyện Mộ Đức có 98%") for line in lines)
    assert any(line.startswith("Toàn huyện đã thành lập 13 Tổ") for line in lines)
    assert "Trang chủ" not in doc.text and "Bản quyền" not in doc.text


def test_htm_extension_and_page_without_text(tmp_path):
    with pytest.raises(ReadError, match="no main text"):
        read_document(write(tmp_path, "trong.htm", b"<html><body><img src='a.png'></body></html>"))


def test_docx_paragraphs_are_lines_and_table_rows_are_tab_separated_lines(tmp_path):
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả chuyển đổi số huyện Đồng Xuân quý II/2023")
    document.add_paragraph("Ngày 30/6/2023")
    document.add_paragraph(SENTENCE)
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Chỉ tiêu"
    table.cell(0, 2).text = "Kết quả"
    table.cell(1, 0).text = "Hồ sơ trực tuyến"
    table.cell(1, 1).text = "1.458/1.604"
    table.cell(1, 2).text = "90,8%"
    document.add_paragraph("Nơi nhận: UBND tỉnh.")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_document(write(tmp_path, "bao_cao.docx", buffer.getvalue()))
    assert doc.format == "docx" and doc.encoding is None
    assert doc.text.split("\n") == [
        "Báo cáo kết quả chuyển đổi số huyện Đồng Xuân quý II/2023",
        "Ngày 30/6/2023",
        SENTENCE,
        "Chỉ tiêu\t\tKết quả",  # the merged cell once
        "Hồ sơ trực tuyến\t1.458/1.604\t90,8%",
        "Nơi nhận: UBND tỉnh.",
    ]
    (table,) = doc.tables
    assert table.merged == ((0, 0, 0, 1),) and table.cell(0, 1) == table.cell(0, 0)
    assert all(doc.text[c.start : c.end] == c.text for row in table.rows for c in row if c.start >= 0)
    assert [c.text for c in table.rows[1]] == ["Hồ sơ trực tuyến", "1.458/1.604", "90,8%"]
    assert doc.title == "Báo cáo kết quả chuyển đổi số huyện Đồng Xuân quý II/2023"


def pdf_bytes(pages: list[str]) -> bytes:
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        for text in pages:
            figure = plt.figure(figsize=(8.27, 11.69))
            if text:
                figure.text(0.1, 0.9, text)
            else:
                figure.add_artist(plt.Rectangle((0.2, 0.2), 0.5, 0.5))  # a 'scanned' page: graphics only
            pdf.savefig(figure)
            plt.close(figure)
    return buffer.getvalue()


def test_pdf_text_layer_page_by_page(tmp_path):
    doc = read_document(
        write(tmp_path, "bao_cao.pdf", pdf_bytes([SENTENCE, "Trang hai: 13/13 xã có Tổ công nghệ số."]))
    )
    assert doc.format == "pdf"
    assert doc.text.split("\n") == [SENTENCE, "Trang hai: 13/13 xã có Tổ công nghệ số."]


def test_pdf_without_text_layer_is_an_error(tmp_path):
    path = write(tmp_path, "scan.pdf", pdf_bytes(["", ""]))
    with pytest.raises(ReadError, match="no text layer") as err:
        read_document(path)
    assert str(err.value).startswith(path + ": ")


def test_encrypted_pdf_is_an_error(tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes([SENTENCE]))))
    writer.encrypt(user_password="mat-khau", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ReadError, match="encrypted"):
        read_document(write(tmp_path, "khoa.pdf", buffer.getvalue()))


def test_pdf_locked_only_against_editing_is_read(tmp_path):
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes([SENTENCE]))))
    writer.encrypt(user_password="", owner_password="chu-so-huu", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert read_document(write(tmp_path, "chi_doc.pdf", buffer.getvalue())).text == SENTENCE


# --- bad files -----------------------------------------------------------------


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(SENTENCE)
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, reason, location",
    [
        ("rong.txt", b"", "empty file", None),
        ("trang.txt", b"  \n\t\n", "empty file", None),
        ("anh.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", "byte 8"),
        ("dieu_khien.txt", b"\x01\x02\x03\x04\x05abc\x06\x07\x08", "binary file", "character 0"),
        ("utf16_khong_bom.txt", SENTENCE.encode("utf-16-le"), "byte-order mark", "byte 1"),
        ("hong.txt", b"\xff\xfe" + b"\x00\xd8" + b"a\x00", "undecodable UTF-16", "byte 2"),
        ("cut.docx", docx_bytes()[:2000], "corrupt or truncated .docx", None),
        ("khong_phai.docx", b"PK\x03\x04 not really a zip", "corrupt or truncated .docx", None),
        ("ngau_nhien.pdf", bytes(range(256)) * 8, "corrupt or truncated PDF", None),
        ("bang.xyz", b"abc", "unknown extension '.xyz'", None),
        ("khong_duoi", b"abc", "unknown extension '(none)'", None),
    ],
)
def test_bad_files_raise_read_error_with_path(tmp_path, name, data, reason, location):
    path = write(tmp_path, name, data)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert str(err.value) == f"{path}: {err.value.reason}"
    assert reason in err.value.reason
    assert err.value.location == location
    assert err.value.path == path and isinstance(err.value, ValueError)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match="file not found"):
        read_document(tmp_path / "khong_co.txt")
    (tmp_path / "thu_muc.txt").mkdir()
    with pytest.raises(ReadError, match="directory"):
        read_document(tmp_path / "thu_muc.txt")


def test_undecodable_bytes(tmp_path):
    data = b"Ket qua: " + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40
    with pytest.raises(ReadError, match="undecodable") as err:
        read_document(write(tmp_path, "la.txt", data))
    assert err.value.location == "byte 9"


# --- title and publication date ------------------------------------------------


@pytest.mark.parametrize(
    "head, published",
    [
        ("Người đăng: Văn phòng Ngày đăng: 14:19 | 11/01/2022 Lượt xem: 412", date(2022, 1, 11)),
        ("18:22, 28/07/2023", date(2023, 7, 28)),
        ("Thứ Sáu, 28/07/2023 18:22", date(2023, 7, 28)),
        ("Cập nhật: 11/01/2022", date(2022, 1, 11)),
        ("28/07/2023 - 18:22", date(2023, 7, 28)),
        ("date 2024-02-02", date(2024, 2, 2)),
        ("(ngày 02/02/2024)", date(2024, 2, 2)),
        ("Thứ Hai, ngày 05/02/2024 | 09:15", date(2024, 2, 5)),
        ("TRỌNG NGHĨA 02/02/2024 14:51", date(2024, 2, 2)),
        ("Sơn Tịnh, ngày 15 tháng 3 năm 2024", date(2024, 3, 15)),
        ("Xuất bản lúc: 07:05, 3/10/2022", date(2022, 10, 3)),
    ],
)
def test_publication_date_forms(head, published):
    text = f"Huyện Sơn Tịnh hoàn thành chuyển đổi số cấp xã\n{head}\nNăm 2023, toàn huyện có 96% hồ sơ trực tuyến."
    assert find_title_and_date(text) == ("Huyện Sơn Tịnh hoàn thành chuyển đổi số cấp xã", published)


@pytest.mark.parametrize(
    "text",
    [
        "Tính đến ngày 30/5/2023, huyện Hoằng Hóa đã số hóa 4.573 văn bản đi, đạt 99,89%.",
        "Tính đến ngày 30/5/2023:\nhuyện đã số hóa 4.573 văn bản.",
        "Ngày 21/9/2023, UBND tỉnh ban hành Kế hoạch số 236 về chuyển đổi số cấp xã.",
        "Kết quả thực hiện (từ 01/01/2023 đến 30/6/2023) được tổng hợp như sau.",
        "Hội nghị được tổ chức trong 31/02/2023 ngày.",
    ],
)
def test_dates_in_the_body_are_not_publication_dates(text):
    assert find_title_and_date(text)[1] is None


def test_date_beyond_the_head_is_not_searched():
    text = (
        "Chuyển đổi số ở huyện Tư Nghĩa\n" + "Huyện tiếp tục triển khai các nhiệm vụ. " * 12 + "\n18:22, 28/07/2023\n"
    )
    assert find_title_and_date(text)[1] is None


@pytest.mark.parametrize(
    "text, title",
    [
        ("Huyện Mộ Đức đẩy mạnh chuyển đổi số\n\nNăm 2023 ...", "Huyện Mộ Đức đẩy mạnh chuyển đổi số"),
        ("Tin tức\n\nA+ | A | A-\n\nMộ Đức: Bước đầu chuyển đổi số cấp xã\n", "Mộ Đức: Bước đầu chuyển đổi số cấp xã"),
        (
            "source: https://example.vn/bai-viet\n\nMộ Đức: Bước đầu chuyển đổi số cấp xã\n",
            "Mộ Đức: Bước đầu chuyển đổi số cấp xã",
        ),
        (" date 2024-02-02 Mộ Đức hoàn thành chuyển đổi số cấp xã\n", "Mộ Đức hoàn thành chuyển đổi số cấp xã"),
        ("Năm 2023, huyện Mộ Đức có 98% hồ sơ công việc được xử lý trên môi trường mạng.\n", None),
        ("1. Kết quả thực hiện chuyển đổi số năm 2023\n", None),
        ("", None),
    ],
)
def test_title_is_a_headline_like_first_line(text, title):
    assert find_title_and_date(text)[0] == title


def test_source_line_is_kept_in_text_and_skipped_for_metadata(tmp_path):
    text = "source: https://example.vn/tin/123\n\nMộ Đức: Bước đầu chuyển đổi số\n\n18:22, 28/07/2023\n\nNội dung."
    doc = read_document(write(tmp_path, "001.txt", text.encode()))
    assert doc.text == text
    assert (doc.title, doc.published) == ("Mộ Đức: Bước đầu chuyển đổi số", date(2023, 7, 28))


def test_an_english_date_stamp_of_a_saved_page_is_the_publication_date():
    assert find_title_and_date("Skip to main content\n20 December 2022\n\nChuyển đổi số ở Lạng Sơn năm 2022\n")[
        1
    ] == date(2022, 12, 20)
