"""District sheets: workbooks and CSV files shaped like the ones districts send, built with openpyxl.

Figures are those of the bundled Hoằng Hóa and Quảng Ngãi reports (see data/raw/README.md).
"""

import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from legacy_encodings import cp1258

from cds_analysis import cli
from cds_analysis.pipeline import ingest, read_and_extract_with_rejects
from cds_analysis.read.documents import ReadError
from cds_analysis.sheets.reader import extract_sheet, extract_sheet_file, read_sheet
from cds_analysis.sheets.validation import row_failures
from cds_analysis.store import read_table


def save(wb: openpyxl.Workbook, tmp_path, name: str = "bao_cao.xlsx") -> str:
    path = tmp_path / name
    wb.save(path)
    return str(path)


def by_cell(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Observations keyed by their cell reference ('Báo cáo!E9')."""
    return {ev.split(": ", 1)[0].split("!", 1)[1]: row for ev, (_, row) in zip(frame["evidence"], frame.iterrows())}


def reasons(rejects: pd.DataFrame) -> dict[str, str]:
    return dict(zip(rejects["location"], rejects["reason"]))


# --- long layout --------------------------------------------------------------


@pytest.fixture
def long_sheet(tmp_path) -> str:
    """Title rows merged over the table, headers without diacritics, every kind of value cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "ỦY BAN NHÂN DÂN HUYỆN HOẰNG HÓA"
    ws.merge_cells("A1:D1")
    ws["A2"] = "BIỂU SỐ LIỆU CHUYỂN ĐỔI SỐ QUÝ II NĂM 2023"
    ws.merge_cells("A2:H2")
    ws.append([])
    ws.append(["STT", "Chi tieu", "Xa/Phuong/Thi tran", "Ky bao cao", "Gia tri", "Tu so", "Mau so", "DVT"])
    rows = [
        ["I", "DỊCH VỤ CÔNG TRỰC TUYẾN"],  # a section heading: no figure, no reject
        [1, "Tỷ lệ hồ sơ TTHC nộp trực tuyến", None, None, 1, None, None, "%"],  # row 6: 100% formatted
        [2, "Tỷ lệ hồ sơ trực tuyến toàn trình", None, None, 0.9545, None, None, "%"],  # row 7: 0.00%
        [3, "Ty le ho so nop truc tuyen", "Cac xa, thi tran", None, "99,2", None, None, "%"],  # row 8
        [4, "Số văn bản điện tử", None, "Tinh den 30/5/2023", "4.573", None, None, "văn bản"],  # row 9
        [5, "Tỷ lệ văn bản có chữ ký số của lãnh đạo", None, None, "99,89", "4.568", "4.573", "%"],  # row 10
        [6, "Tỷ lệ hồ sơ giải quyết đúng hạn", "Hoằng Đạo", None, "95%", None, None, None],  # row 11
        [7, "Tỷ lệ văn bản có chữ ký số của cơ quan", None, None, "Đạt", None, None, "%"],  # row 12: wrong type
        [8, "Tỷ lệ hồ sơ giải quyết đúng hạn", "Xã Không Có", None, 97, None, None, "%"],  # row 13: unknown commune
        [9, "Số Tổ công nghệ số cộng đồng", None, None, "-", None, None, "Tổ"],  # row 14: no figure
        [10, "Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng", None, None, None, None, None, "%"],  # row 15: blank
    ]
    for row in rows:
        ws.append(row)
    ws["E6"].number_format = "0%"
    ws["E7"].number_format = "0.00%"
    return save(wb, tmp_path)


def test_long_layout_values_land_with_place_period_and_unit(long_sheet):
    obs, _ = extract_sheet_file(long_sheet)
    got = by_cell(obs)
    assert sorted(got) == ["Báo cáo!E10", "Báo cáo!E11", "Báo cáo!E6", "Báo cáo!E7", "Báo cáo!E8", "Báo cáo!E9"]

    def fact(ref):
        row = got[ref]
        return row["indicator"], row["value"], row["unit"], row["period_label"], row["admin_level"], row["place"]

    district = "huyện Hoằng Hóa"
    assert fact("Báo cáo!E6") == ("online_dossier_rate", 100.0, "percent", "2023-Q2", "district", district)
    assert fact("Báo cáo!E7") == ("full_process_online_dossier_rate", 95.45, "percent", "2023-Q2", "district", district)
    assert fact("Báo cáo!E8") == (
        "online_dossier_rate", 99.2, "percent", "2023-Q2", "commune", "các xã, thị trấn huyện Hoằng Hóa",
    )  # fmt: skip
    assert fact("Báo cáo!E9") == ("e_documents_count", 4573.0, "count", "as_of 2023-05-30", "district", district)
    assert fact("Báo cáo!E10")[:2] == ("digital_signature_rate", 99.89)
    assert (got["Báo cáo!E10"]["numerator"], got["Báo cáo!E10"]["denominator"]) == (4568.0, 4573.0)
    assert fact("Báo cáo!E11") == ("on_time_dossier_rate", 95.0, "percent", "2023-Q2", "commune", "xã Hoằng Đạo")
    assert got["Báo cáo!E11"]["district_code"] == "399" and got["Báo cáo!E11"]["province"] == "Thanh Hóa"
    assert set(obs["province_code"]) == {"38"} and not obs["is_target"].any()


def test_long_layout_rejects_name_cell_and_reason(long_sheet):
    _, rejects = extract_sheet_file(long_sheet)
    assert reasons(rejects) == {
        "Báo cáo!E12": "value 'Đạt' is not a number",
        "Báo cáo!E13": "unknown commune 'Xã Không Có': no unit of the gazetteer has that name there (or several do)",
    }
    assert set(rejects["stage"]) == {"validate"}


def test_evidence_is_the_cell_and_its_offsets_point_at_it(long_sheet):
    doc = read_sheet(long_sheet)
    obs, _ = extract_sheet(doc)
    assert doc.text.startswith("[Báo cáo]\nỦY BAN NHÂN DÂN HUYỆN HOẰNG HÓA\t")
    for row in obs.itertuples():
        file, rest = row.evidence.split("!", 1)
        assert file == "bao_cao.xlsx"
        assert doc.text[row.char_start : row.char_end] == rest.split(": ", 1)[1]
    assert by_cell(obs)["Báo cáo!E7"]["evidence"] == "bao_cao.xlsx!Báo cáo!E7: 0.9545 (0.00%)"
    assert by_cell(obs)["Báo cáo!E9"]["evidence"] == "bao_cao.xlsx!Báo cáo!E9: 4.573"


def test_plan_and_result_columns_and_periods_in_headers(tmp_path):
    """'Kế hoạch năm 2024' | 'Thực hiện quý I/2024': two observations per row, each with its period."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Đơn vị báo cáo: UBND huyện Tư Nghĩa, tỉnh Quảng Ngãi"])
    ws.append(["Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2024", "Thực hiện quý I/2024"])
    ws.append(["Tỷ lệ hồ sơ TTHC nộp trực tuyến", "%", 80, "85,5"])
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert rejects.empty
    assert obs[["is_target", "value", "period_label", "district_code"]].values.tolist() == [
        [True, 80.0, "2024", "528"],
        [False, 85.5, "2024-Q1", "528"],
    ]


def test_one_value_column_per_period(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYỆN NGHĨA HÀNH"])
    ws.append(["Chỉ tiêu", "ĐVT", "Quý I/2023", "Quy II/2023", "6 tháng đầu năm 2023"])
    ws.append(["Tỷ lệ hồ sơ TTHC nộp trực tuyến", "%", "61,2", "70", "66,4"])
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert rejects.empty
    assert obs[["period_label", "value", "district"]].values.tolist() == [
        ["2023-Q1", 61.2, "huyện Nghĩa Hành"], ["2023-Q2", 70.0, "huyện Nghĩa Hành"], ["2023-H1", 66.4, "huyện Nghĩa Hành"],
    ]  # fmt: skip


# --- wide layout --------------------------------------------------------------


@pytest.fixture
def wide_sheet(tmp_path) -> str:
    """One row per district, one column per indicator under a merged group header, a total row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Quý I-2024"
    ws["A1"] = "UBND TỈNH QUẢNG NGÃI"
    ws.merge_cells("A1:F1")
    ws.append(["STT", "Huyện/TX/TP", "Hồ sơ TTHC", None, "Tổ CNSCĐ", "Dân số"])
    ws.append(
        [
            None,
            None,
            "Tỷ lệ hồ sơ trực tuyến (%)",
            "Tỷ lệ hồ sơ trực tuyến toàn trình (%)",
            "Số thành viên (người)",
            None,
        ]
    )
    ws.merge_cells("C2:D2")
    for col in "ABF":
        ws.merge_cells(f"{col}2:{col}3")
    ws.append([1, "Tu Nghia", "95,5", 80, 498, 180000])  # row 4: no diacritics
    ws.append([2, "TX. Đức Phổ", "-", 70.2, 615, 150000])  # row 5
    ws.append([3, "Huyện Không Có", 50, 40, 10, 1000])  # row 6: unknown district
    ws.append([None, "Tổng cộng", 80, 60, 1113, 330000])  # row 7: the province
    return save(wb, tmp_path, "quang_ngai.xlsx")


def test_wide_layout_reads_one_column_per_indicator(wide_sheet):
    obs, _ = extract_sheet_file(wide_sheet)
    got = {
        ref: (r["indicator"], r["value"], r["unit"], r["place"], r["period_label"]) for ref, r in by_cell(obs).items()
    }
    assert got == {
        "Quý I-2024!C4": ("online_dossier_rate", 95.5, "percent", "huyện Tư Nghĩa", "2024-Q1"),
        "Quý I-2024!D4": ("full_process_online_dossier_rate", 80.0, "percent", "huyện Tư Nghĩa", "2024-Q1"),
        "Quý I-2024!E4": ("community_tech_team_members", 498.0, "count", "huyện Tư Nghĩa", "2024-Q1"),
        "Quý I-2024!D5": ("full_process_online_dossier_rate", 70.2, "percent", "thị xã Đức Phổ", "2024-Q1"),
        "Quý I-2024!E5": ("community_tech_team_members", 615.0, "count", "thị xã Đức Phổ", "2024-Q1"),
        "Quý I-2024!C7": ("online_dossier_rate", 80.0, "percent", "tỉnh Quảng Ngãi", "2024-Q1"),
        "Quý I-2024!D7": ("full_process_online_dossier_rate", 60.0, "percent", "tỉnh Quảng Ngãi", "2024-Q1"),
        "Quý I-2024!E7": ("community_tech_team_members", 1113.0, "count", "tỉnh Quảng Ngãi", "2024-Q1"),
    }


def test_wide_layout_rejects_unknown_district_and_unread_column(wide_sheet):
    _, rejects = extract_sheet_file(wide_sheet)
    unknown = "unknown district 'Huyện Không Có': no unit of the gazetteer has that name there (or several do)"
    assert reasons(rejects) == {
        "Quý I-2024!F2": "column 'Dân số' names no catalogue indicator: its 4 figure(s) were not read",
        "Quý I-2024!C6": unknown,
        "Quý I-2024!D6": unknown,
        "Quý I-2024!E6": unknown,
    }


def test_several_sheets_one_per_district_and_sheets_without_a_table(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active["A1"] = "Điền số liệu vào các sheet của từng huyện."
    for district, value in (("Trà Bồng", 94), ("Mộ Đức", 98)):
        ws = wb.create_sheet(district)
        ws.append(["Tỉnh: Quảng Ngãi"])
        ws.append(["Kỳ báo cáo:", "6 tháng đầu năm 2023"])
        ws.append(["Chỉ tiêu", "Giá trị"])
        ws.append(["Tỷ lệ văn bản đi điện tử (%)", value])
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert rejects.empty
    assert obs[["district", "indicator", "value", "period_label"]].values.tolist() == [
        ["huyện Trà Bồng", "e_documents_rate", 94.0, "2023-H1"],
        ["huyện Mộ Đức", "e_documents_rate", 98.0, "2023-H1"],
    ]


# --- validation ----------------------------------------------------------------


def test_each_rule_rejects_its_row_and_the_rest_lands(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    ws.append(["Tỉnh", "Huyện", "Chỉ tiêu", "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số", "Đơn vị tính"])
    rows = [
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ TTHC nộp trực tuyến", "Quý 2/2023", 98, None, None, "%"],  # 2: lands
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ trực tuyến toàn trình", "Quý 2/2023", 120, None, None, "%"],  # 3
        ["Quảng Ngãi", "Mộ Đức", "Số văn bản điện tử", "Quý 2/2023", -5, None, None, "văn bản"],  # 4
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Quý 2/2023", 90, 1700, 1604, "%"],  # 5
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Quý 2/2023", 50, 1458, 1604, "%"],  # 6
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ TTHC nộp trực tuyến", "Quý 2/2023", 98, None, None, "văn bản"],  # 7
        ["Quảng Ngãi", "Mộ Đức", "Số văn bản điện tử", "Quý 2/2023", 8090, None, None, "thùng"],  # 8
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ TTHC nộp trực tuyến", "sau này", 98, None, None, "%"],  # 9
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ TTHC nộp trực tuyến", None, 98, None, None, "%"],  # 10
        ["Quảng Ngãi", "Mộ Đức", "Chi phí tiếp khách", "Quý 2/2023", 5, None, None, "đồng"],  # 11
        ["Quảng Ngãi", "Mộ Đức", "Tỷ lệ hồ sơ giải quyết đúng hạn", "Quý 2/2023", None, 1458, 1604, "%"],  # 12: lands
    ]
    for row in rows:
        ws.append(row)
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert reasons(rejects) == {
        "Số liệu!E3": "percentage 120 is outside 0–100",
        "Số liệu!E4": "count -5 is below 0",
        "Số liệu!E5": "numerator 1700 is not within 0..denominator 1604",
        "Số liệu!E6": "value 50 does not agree with 1458/1604",
        "Số liệu!E7": "unit count does not fit indicator online_dossier_rate, which is in percent",
        "Số liệu!E8": "unknown unit 'thùng' (use %, số lượng, đồng, thứ hạng, tiêu chí, km or Mbps)",
        "Số liệu!E9": "period 'sau này' not understood (write e.g. 'Quý I/2024', '6 tháng đầu năm 2024', '2024-Q1')",
        "Số liệu!E10": "no period: fill 'Kỳ báo cáo' (e.g. 'Quý I/2024', '2024-Q1') or name it in the title",
        "Số liệu!E11": "unknown indicator 'Chi phí tiếp khách': no catalogue code, name or trigger phrase fits",
    }
    landed = by_cell(obs)
    assert sorted(landed) == ["Số liệu!E2", "Số liệu!F12:G12"]
    assert landed["Số liệu!F12:G12"]["value"] == pytest.approx(100 * 1458 / 1604)
    assert landed["Số liệu!E2"]["district_code"] == "533"


def test_qualifiers_money_scales_and_fractions_in_cells(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Huyện/TX/TP:", "Thị xã Đức Phổ"])
    ws.append(["Chỉ tiêu", "Kỳ báo cáo", "Giá trị", "Đơn vị tính"])
    ws.append(["Tỷ lệ người dân có tài khoản định danh điện tử", "2023", "trên 40%", None])
    ws.append(["Số tiền thanh toán trực tuyến", "Quý I/2023", "46", "tỷ đồng"])
    ws.append(["Tỷ lệ hồ sơ giải quyết đúng hạn", "Năm 2023", "1.458/1.604", "%"])
    ws.append(["Số lượt thanh toán trực tuyến", "Quý I/2023", "gần 1.112", "lượt"])
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert rejects.empty
    got = obs[["indicator", "value", "unit", "qualifier", "numerator", "denominator", "district_code"]]
    assert got.fillna(-1).values.tolist() == [
        ["e_id_rate", 40.0, "percent", "more_than", -1, -1, "534"],
        ["online_payment_amount", 46e9, "vnd", "exact", -1, -1, "534"],
        ["on_time_dossier_rate", pytest.approx(90.8978, abs=1e-4), "percent", "exact", 1458.0, 1604.0, "534"],
        ["online_payment_count", 1112.0, "count", "approx", -1, -1, "534"],
    ]


def test_the_bundled_sample_sheet_lands_whole():
    obs, rejects = extract_sheet_file(
        Path(__file__).parent.parent / "data/raw/thanh-hoa_hoang-hoa_so-lieu-cds-quy2-2023.xlsx"
    )
    assert rejects.empty and len(obs) == 7
    assert set(obs["district_code"]) == {"399"} and set(obs["period_label"]) == {"2023-Q2", "as_of 2023-05-30"}


def test_a_frame_outside_the_schema_fails_every_row_with_pandera_words(long_sheet):
    obs, _ = extract_sheet_file(long_sheet)
    broken = obs.assign(cell="x", cell_text="y", value=obs["value"].astype(str))
    failures = row_failures(broken)
    assert list(failures.index) == list(broken.index)
    assert all("column value" in reason for reason in failures)


def test_formula_without_a_saved_result_is_rejected(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Huyện: Mộ Đức, tỉnh Quảng Ngãi"])
    ws.append(["Chỉ tiêu", "Kỳ báo cáo", "Tử số", "Mẫu số", "Giá trị"])
    ws.append(["Tỷ lệ hồ sơ giải quyết đúng hạn", "2023", 1458, 1604, "=C3/D3*100"])
    _, rejects = extract_sheet_file(save(wb, tmp_path))
    assert reasons(rejects) == {
        "Sheet!E3": "formula '=C3/D3*100' has no saved result: open the file in Excel and save it again"
    }


# --- CSV ---------------------------------------------------------------------

CSV_ROWS = [
    "Tỉnh;Huyện/TX/TP;Chỉ tiêu;Kỳ báo cáo;Giá trị;Đơn vị tính",
    "Thanh Hóa;Hoằng Hóa;Tỷ lệ hồ sơ nộp trực tuyến;Quý 2/2023;99,2;%",
    "Thanh Hóa;Hoằng Hóa;Số văn bản điện tử;tính đến 30/5/2023;4.573;văn bản",
]


SEMICOLON = "\n".join(CSV_ROWS) + "\n"
COMMA = SEMICOLON.replace(";", ",").replace(",99,2,", ',"99,2",')


@pytest.mark.parametrize(
    "data, encoding",
    [
        (SEMICOLON.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SEMICOLON.encode("utf-8"), "utf-8"),
        (SEMICOLON.encode("utf-16"), "utf-16-le"),
        (cp1258(SEMICOLON), "windows-1258"),
        (COMMA.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "windows-1258", "comma-crlf"],
)
def test_csv_encodings_and_delimiters(tmp_path, data, encoding):
    path = tmp_path / "hoang_hoa.csv"
    path.write_bytes(data)
    doc = read_sheet(path)
    obs, rejects = extract_sheet(doc)
    assert doc.encoding == encoding and doc.format == "csv" and rejects.empty
    assert obs[["indicator", "value", "unit", "period_label", "district_code"]].values.tolist() == [
        ["online_dossier_rate", 99.2, "percent", "2023-Q2", "399"],
        ["e_documents_count", 4573.0, "count", "as_of 2023-05-30", "399"],
    ]
    assert obs["evidence"].tolist() == ["hoang_hoa.csv!E2: 99,2", "hoang_hoa.csv!E3: 4.573"]
    for row in obs.itertuples():
        assert doc.text[row.char_start : row.char_end] == row.evidence.split(": ", 1)[1]


# --- files that cannot be opened ------------------------------------------------


def test_unopenable_workbooks_are_read_errors(tmp_path, long_sheet):
    data = Path(long_sheet).read_bytes()
    cases = {
        "cut.xlsx": (data[: len(data) // 2], "truncated or not an .xlsx file"),
        "locked.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password-protected workbook"),
        "text.xlsx": ("Chỉ tiêu;Giá trị\n".encode(), "truncated or not an .xlsx file"),
        "empty.xlsx": (b"", "empty file"),
    }
    for name, (content, reason) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ReadError, match=reason) as err:
            read_sheet(tmp_path / name)
        assert err.value.path.endswith(name)
    buffer = tmp_path / "other.xlsx"
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ReadError, match="not an .xlsx file"):
        read_sheet(buffer)


def test_a_sheet_without_a_table_is_an_error(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Báo cáo tình hình chuyển đổi số"
    with pytest.raises(ReadError, match="no table found"):
        extract_sheet_file(save(wb, tmp_path))


# --- through ingest and the command line ------------------------------------------


def test_ingest_lands_rows_and_rejects_rows_and_files(tmp_path, long_sheet):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hoang_hoa.xlsx").write_bytes(Path(long_sheet).read_bytes())
    (raw / "cut.xlsx").write_bytes(Path(long_sheet).read_bytes()[:300])
    out = tmp_path / "out"
    first = ingest(raw, out, progress=False)
    assert first.observations == 6
    rejects = read_table("rejects", out)
    assert rejects[["path", "location", "stage"]].fillna("-").values.tolist() == [
        ["cut.xlsx", "-", "read"],
        ["hoang_hoa.xlsx", "Báo cáo!E12", "validate"],
        ["hoang_hoa.xlsx", "Báo cáo!E13", "validate"],
    ]
    docs = read_table("documents", out)
    assert docs[["path", "format", "district", "n_observations"]].values.tolist() == [
        ["hoang_hoa.xlsx", "xlsx", "huyện Hoằng Hóa", 6]
    ]
    second = ingest(raw, out, progress=False)  # the workbook is not read again; its row rejects stay
    assert second.documents_skipped == 1
    assert read_table("rejects", out).equals(rejects)


def test_extract_command_prints_sheet_rows_and_names_rejected_cells(long_sheet, capsys):
    code = cli.main(["extract", long_sheet])
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(rows) == 6
    assert {r["source"] for r in rows} == {long_sheet}
    assert rows[1]["value"] == 95.45 and rows[1]["period_label"] == "2023-Q2"
    assert f"{long_sheet} (Báo cáo!E12): value 'Đạt' is not a number" in err
    _, obs, rejected = read_and_extract_with_rejects(long_sheet)
    assert len(obs) == 6 and list(rejected["location"]) == ["Báo cáo!E12", "Báo cáo!E13"]


def test_ingest_command_counts_rejected_rows_and_files(long_sheet, tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hoang_hoa.xlsx").write_bytes(Path(long_sheet).read_bytes())
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--no-progress"]) == 1
    printed = capsys.readouterr()
    assert "  hoang_hoa.xlsx (Báo cáo!E12): value 'Đạt' is not a number [validate]" in printed.out
    assert printed.err == f"cds-analysis: 2 rejects in 1 file; see the rejects table in {tmp_path / 'out'}\n"


def test_a_sheet_typed_without_diacritics_lands_with_its_district_and_period(tmp_path):
    """Title rows, headers and names without diacritics, as districts still type them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND HUYEN MO DUC"])
    ws.append(["BAO CAO KET QUA CHUYEN DOI SO QUY 1/2024"])
    ws.append(["STT", "Xa/Phuong/Thi tran", "Ty le ho so truc tuyen (%)", "So to cong nghe so cong dong"])
    ws.append([1, "Duc Lan", "91,2", 6])
    ws.append([2, "Thi tran Mo Duc", 95, 5])
    ws.append(["", "Toan huyen", "93,1", 81])
    obs, rejects = extract_sheet_file(save(wb, tmp_path))
    assert rejects.empty
    assert set(obs["period_label"]) == {"2024-Q1"} and set(obs["district"]) == {"huyện Mộ Đức"}
    got = {(r.commune if isinstance(r.commune, str) else None, r.indicator, r.value) for r in obs.itertuples()}
    assert got == {
        ("xã Đức Lân", "online_dossier_rate", 91.2),
        ("xã Đức Lân", "community_tech_teams", 6.0),
        ("thị trấn Mộ Đức", "online_dossier_rate", 95.0),
        ("thị trấn Mộ Đức", "community_tech_teams", 5.0),
        (None, "online_dossier_rate", 93.1),
        (None, "community_tech_teams", 81.0),
    }
