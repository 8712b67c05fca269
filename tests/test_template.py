"""The Excel template: what a district receives, and what it gives back once filled in."""

import openpyxl
import pytest

from cds_analysis import cli
from cds_analysis.sheets.reader import UNIT_LABELS, extract_sheet_file
from cds_analysis.sheets.template import (
    HEADER_ROW,
    HEADERS,
    HEADERS_NEW_MAP,
    REPORT_SHEET,
    template_indicators,
    write_template,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("template") / "bao_cao_cds.xlsx"
    assert cli.main(["template", "--out", str(path), "--province", "Quang Ngai", "--period", "Quý I/2024"]) == 0
    return str(path)


def rows_by_code(ws) -> dict[str, int]:
    return {ws.cell(r, 2).value: r for r in range(HEADER_ROW + 1, ws.max_row + 1) if ws.cell(r, 2).value}


def test_one_row_per_district_or_commune_indicator_with_vietnamese_headers(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [REPORT_SHEET, "Hướng dẫn", "Danh mục"]
    ws = wb[REPORT_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == list(HEADERS)
    catalogue = template_indicators()
    assert list(rows_by_code(ws)) == catalogue["code"].tolist()
    assert "other" not in rows_by_code(ws) and "egdi_rank" not in rows_by_code(ws)  # national only
    first = HEADER_ROW + 1
    assert [ws.cell(first, c).value for c in (1, 2, 3, 4)] == [
        1, catalogue.at[0, "code"], catalogue.at[0, "name_vi"], UNIT_LABELS[catalogue.at[0, "unit"]],
    ]  # fmt: skip
    assert (ws["B2"].value, ws["B4"].value) == ("Quảng Ngãi", "Quý I/2024")  # as people write it
    assert wb["Hướng dẫn"]["A1"].value.startswith("HƯỚNG DẪN") and wb["Hướng dẫn"].max_row >= 8


def test_drop_downs_list_the_provinces_districts_communes_and_units(template):
    wb = openpyxl.load_workbook(template)
    ws, lists = wb[REPORT_SHEET], wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    column = {lists.cell(1, c).value: [v for (v,) in lists.iter_rows(min_row=2, min_col=c, max_col=c, values_only=True) if v]
              for c in range(1, lists.max_column + 1)}  # fmt: skip
    assert len(column["Tỉnh"]) == 63
    assert "huyện Tư Nghĩa" in column["Huyện/TX/TP"] and "thị xã Đức Phổ" in column["Huyện/TX/TP"]
    assert len(column["Huyện/TX/TP"]) == 13  # Tây Trà went into Trà Bồng in 2020
    assert "xã Nghĩa Kỳ" in column["Xã/Phường/Thị trấn"] and "huyện Hoằng Hóa" not in column["Huyện/TX/TP"]
    assert column["Đơn vị tính"] == list(UNIT_LABELS.values())
    lists_of = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    last = HEADER_ROW + len(template_indicators()) + 60
    assert lists_of == {
        "B2": "='Danh mục'!$A$2:$A$64",
        f"D{HEADER_ROW + 1}:D{last}": f"='Danh mục'!$D$2:$D${len(UNIT_LABELS) + 1}",
        f"B3 E{HEADER_ROW + 1}:E{last}": "='Danh mục'!$B$2:$B$14",
        f"F{HEADER_ROW + 1}:F{last}": f"='Danh mục'!$C$2:$C${len(column['Xã/Phường/Thị trấn']) + 1}",
    }


def test_filled_template_round_trips_into_exactly_the_values_typed(template, tmp_path):
    wb = openpyxl.load_workbook(template)
    ws = wb[REPORT_SHEET]
    row = rows_by_code(ws)
    ws["B3"] = "huyện Tư Nghĩa"
    typed = {  # code → (Giá trị, Tử số, Mẫu số) as a district types them
        "online_dossier_rate": (95.45, None, None),
        "e_documents_count": ("4.573", None, None),
        "on_time_dossier_rate": ("90,9", 1458, 1604),
        "community_tech_teams": (96, None, None),
    }
    for code, (value, numerator, denominator) in typed.items():
        for column, cell in (("H", value), ("I", numerator), ("J", denominator)):
            ws[f"{column}{row[code]}"] = cell
    spare = HEADER_ROW + len(row) + 1
    ws[f"B{spare}"], ws[f"F{spare}"], ws[f"H{spare}"] = "online_dossier_rate", "xã Nghĩa Kỳ", "99,2"
    ws[f"B{spare + 1}"], ws[f"F{spare + 1}"], ws[f"G{spare + 1}"], ws[f"H{spare + 1}"] = (
        "online_dossier_rate", "Các xã, thị trấn", "Quý IV/2023", 97,
    )  # fmt: skip
    path = tmp_path / "tu_nghia.xlsx"
    wb.save(path)
    obs, rejects = extract_sheet_file(path)
    assert rejects.empty
    got = obs[["indicator", "value", "numerator", "denominator", "unit", "period_label", "admin_level", "place"]]
    assert got.fillna(-1).values.tolist() == [
        ["online_dossier_rate", 95.45, -1, -1, "percent", "2024-Q1", "district", "huyện Tư Nghĩa"],
        ["on_time_dossier_rate", 90.9, 1458.0, 1604.0, "percent", "2024-Q1", "district", "huyện Tư Nghĩa"],
        ["e_documents_count", 4573.0, -1, -1, "count", "2024-Q1", "district", "huyện Tư Nghĩa"],
        ["community_tech_teams", 96.0, -1, -1, "count", "2024-Q1", "district", "huyện Tư Nghĩa"],
        ["online_dossier_rate", 99.2, -1, -1, "percent", "2024-Q1", "commune", "xã Nghĩa Kỳ"],
        ["online_dossier_rate", 97.0, -1, -1, "percent", "2023-Q4", "commune", "các xã, thị trấn huyện Tư Nghĩa"],
    ]
    assert set(obs["province_code"]) == {"51"} and not obs["is_target"].any()


def test_an_empty_template_gives_no_observation_and_no_reject(template):
    obs, rejects = extract_sheet_file(template)
    assert obs.empty and rejects.empty


def test_template_without_a_province_has_no_place_lists(tmp_path):
    path = write_template(tmp_path / "chung.xlsx")
    ws = openpyxl.load_workbook(path)[REPORT_SHEET]
    assert ws["B2"].value is None and ws["B4"].value is None
    assert {dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"} == {
        "='Danh mục'!$A$2:$A$64", f"='Danh mục'!$D$2:$D${len(UNIT_LABELS) + 1}",
    }  # fmt: skip


@pytest.mark.parametrize(
    "args, message",
    [
        (["--province", "Atlantis"], "unknown province 'Atlantis'"),
        (["--period", "sau này"], "period 'sau này' not understood"),
        (["--out", "bao_cao.csv"], "give a .xlsx file name"),
    ],
)
def test_template_command_refuses_bad_arguments(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["template", *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "bao_cao_cds.xlsx").exists()


def test_the_2026_template_lists_the_new_communes_and_round_trips_their_figures(tmp_path):
    path = tmp_path / "lao_cai_2026.xlsx"
    assert cli.main(["template", "--out", str(path), "--province", "Lào Cai", "--period", "2026-Q1"]) == 0
    wb = openpyxl.load_workbook(path)
    ws = wb[REPORT_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == list(HEADERS_NEW_MAP)
    assert "Huyện/TX/TP:" not in [ws.cell(r, 1).value for r in range(1, HEADER_ROW)]
    lists = wb["Danh mục"]
    assert [c.value for c in lists[1]] == ["Tỉnh", "Xã/Phường/Đặc khu", "Đơn vị tính"]
    assert sum(1 for r in range(2, lists.max_row + 1) if lists.cell(r, 1).value) == 34
    communes = {lists.cell(r, 2).value for r in range(2, lists.max_row + 1)}
    assert {"xã Bắc Hà", "phường Cam Đường"} <= communes
    rows = rows_by_code(ws)
    spare = max(rows.values()) + 1
    column = {name: i for i, name in enumerate(HEADERS_NEW_MAP, start=1)}
    for r, (place, value) in enumerate([("xã Bắc Hà", "88,4"), ("Phuong Cam Duong", 91)], start=spare):
        ws.cell(r, column["Mã chỉ tiêu"], "online_dossier_rate")
        ws.cell(r, column["Xã/Phường/Đặc khu"], place)
        ws.cell(r, column["Giá trị"], value)
    wb.save(path)
    observations, rejects = extract_sheet_file(path)
    assert rejects.empty
    got = {(r.commune, r.value, r.period_label, r.province) for r in observations.itertuples()}
    assert got == {("xã Bắc Hà", 88.4, "2026-Q1", "Lào Cai"), ("phường Cam Đường", 91.0, "2026-Q1", "Lào Cai")}
    assert observations["district"].isna().all() and observations["commune_code"].str.fullmatch(r"\d{5}").all()
    assert observations["map"].eq("2025").all()  # communes of the 2025 map, plain codes
