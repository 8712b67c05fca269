"""The province report says where its sources disagree: marks on the figures, one short section, nothing otherwise.

The figures are the small tables of test_plots.py (Quảng Ngãi, Thanh Hóa) with two more
reports written for these tests: one giving the province's own 2023-H1 rate differently
from its report (72% against 70%), one giving Nghĩa Hành's (68% against 66,4%).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pypdf import PdfReader
from test_plots import OBSERVATIONS, QN, TABLES, _observation, _province_observation

from cds_analysis.reference.schemas import schema
from cds_analysis.report import content, labels, render

HEADING = "Số liệu chưa thống nhất giữa các nguồn"
DISAGREEING = [
    {
        **_province_observation(
            "o12", QN, "online_dossier_rate", 72.0, "2023-H1", "6 tháng đầu năm, hồ sơ trực tuyến toàn tỉnh đạt 72%"
        ),
        "document_id": "do12",
        "source": "ban_tin_51.txt",
    },
    {
        **_observation("o13", "532", "online_dossier_rate", 68.0, "2023-H1", "Nghĩa Hành: hồ sơ trực tuyến đạt 68%"),
        "source": "ban_tin_532.txt",
    },
]


def _document(observation: dict, title: str, published: dt.date) -> dict:
    return {
        "document_id": observation["document_id"],
        "path": observation["source"],
        "format": "txt",
        "title": title,
        "published": published,
        "n_chars": len(observation["evidence"]),
        "n_observations": 1,
        "extractor_version": "test",
        "ingested_at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    }


# Every report published on 28/07/2023 but a bulletin of 15/08/2023: the later one's figure is shown.
BULLETIN = {"do12": ("Bản tin chuyển đổi số tháng 8/2023", dt.date(2023, 8, 15))}
DOCUMENTS = [
    _document(row, *BULLETIN.get(row["document_id"], (row["source"], dt.date(2023, 7, 28))))
    for row in OBSERVATIONS + DISAGREEING
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """The test tables with the two disagreeing reports added to the observations."""
    out = tmp_path_factory.mktemp("processed")
    tables = {**TABLES, "observations": OBSERVATIONS + DISAGREEING, "documents": DOCUMENTS}
    for name, rows in tables.items():
        pq.write_table(pa.Table.from_pylist(rows, schema=schema(name)), out / f"{name}.parquet")
    return out


@pytest.fixture(scope="module")
def disputed(data_dir) -> content.ReportData:
    return content.province_data("Quảng Ngãi", "2023-Q2", data_dir)


def test_the_section_lists_each_conflict_once_the_provinces_first(disputed):
    table = content.disagreements(disputed)
    things = table.groupby("thing")
    assert things.ngroups == 2 and table["thing"].is_monotonic_increasing
    province, district = (rows for _, rows in things)
    assert set(province["admin_level"]) == {"province"} and set(district["Đơn vị"]) == {"Nghĩa Hành"}
    assert sorted(province["Giá trị"]) == ["70%", "72%"] and sorted(district["Giá trị"]) == ["66,4%", "68%"]
    assert set(province["Tệp"]) == {"bao_cao_51.txt", "ban_tin_51.txt"}  # each value with its source
    assert set(province["Kỳ"]) == {"6 tháng đầu năm 2023"}  # periods as people write them
    assert "<mark>72%</mark>" in province.set_index("Giá trị").loc["72%", "Câu gốc"]
    assert province["shown"].sum() == 1  # the value the report uses, and only it
    shown = province[province["shown"]].iloc[0]
    assert (shown["Giá trị"], shown["Ngày"], shown["Tài liệu"]) == (
        "72%",
        "15/08/2023",
        "Bản tin chuyển đổi số tháng 8/2023",
    )


def test_the_scorecard_marks_the_figure_and_says_which_value_it_shows(disputed):
    card = content.scorecard(disputed).set_index("Chỉ tiêu")
    row = card.loc["Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp tỉnh)"]
    other = ({"70%", "72%"} - {row["Giá trị"]}).pop()
    assert row["Nguồn khác nhau"] == f"⚠ 2 nguồn khác nhau: báo cáo dùng {row['Giá trị']}, nguồn khác ghi {other}"
    assert row["conflict_id"] == "cf-0"
    shown = content.disagreements(disputed).query("shown and thing == 0")
    assert list(shown["Giá trị"]) == [row["Giá trị"]]  # the mark and the section name the same value
    assert set(card.drop(index=row.name)["Nguồn khác nhau"]) == {""}


def test_a_province_whose_sources_agree_gets_no_mark_and_no_section(data_dir, monkeypatch):
    agreed = content.province_data("Thanh Hóa", "2023-Q2", data_dir)
    assert content.disagreements(agreed).empty and content.summary(agreed).disputed == 0
    assert set(content.scorecard(agreed)["Nguồn khác nhau"]) == {""}
    shown = []
    monkeypatch.setattr(content, "display", shown.append)
    content.show_disagreements(content.disagreements(agreed))
    assert shown == []  # not even a heading


def test_the_section_holds_a_screenful_and_counts_the_rest(disputed, monkeypatch):
    shown = []
    monkeypatch.setattr(content, "display", shown.append)
    monkeypatch.setattr(content, "MAX_DISAGREEMENTS", 1)
    content.show_disagreements(content.disagreements(disputed))
    (page,) = (html.data for html in shown)
    assert HEADING in page and labels.conflict_text("rule") in page
    assert "Nghĩa Hành" not in page and "Còn 1 chỗ chưa thống nhất khác" in page


def test_the_rendered_report_carries_the_marks_and_the_section(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = render.render_report("Quảng Ngãi", "2023-Q2", data_dir, "reports")
    page = result.html.read_text(encoding="utf-8")
    assert page.index('class="cds-card"') < page.index("⚠ 2 nguồn khác nhau: báo cáo dùng")
    assert page.index('class="cds-card"') < page.index(HEADING) < page.index("Phụ lục: nguồn của từng số liệu")
    assert 'href="#cf-0"' in page and 'id="cf-0"' in page and 'id="cf-1"' in page
    assert "ban_tin_532.txt" in page and "Nghĩa Hành: hồ sơ trực tuyến đạt <mark>68%</mark>" in page
    assert result.summary["disputed"] == 2
    sheet = openpyxl.load_workbook(result.xlsx)["Nguồn khác nhau"]
    assert sheet.max_row == 5  # a header and the four values


def test_a_rendered_report_without_conflicts_has_no_such_heading(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = render.render_report("Thanh Hóa", "2023-Q2", data_dir, "reports")
    page = result.html.read_text(encoding="utf-8")
    assert 'class="cds-card"' in page and HEADING not in page and "⚠" not in page
    assert "Nguồn khác nhau" not in openpyxl.load_workbook(result.xlsx).sheetnames


def test_figures_without_a_map_are_marked_too(disputed):
    # A column null throughout is typed differently in the observations and in the section's table.
    unmapped = replace(disputed, observations=disputed.observations.assign(map=None))
    marked = content.evidence(unmapped).set_index("id")["Nguồn khác nhau"]
    assert (marked != "").sum() == 2  # the province's figure and Nghĩa Hành's, one value each
    assert marked.equals(content.evidence(disputed).set_index("id")["Nguồn khác nhau"])


def test_the_pdf_marks_the_figure_and_lists_the_conflicts(disputed, tmp_path):
    content.save_formats(disputed, tmp_path)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "report.pdf").pages)
    assert "⚠ 2 số liệu các nguồn ghi khác nhau" in text
    assert "⚠ 2 nguồn khác nhau: báo cáo dùng" in text and HEADING in text and "ban_tin_532.txt" in text


def test_a_conflict_the_report_shows_no_value_of_says_so(disputed, monkeypatch):
    none = disputed.own.iloc[0:0]  # e.g. a later report, where newer figures are shown
    table = content.disagreements(replace(disputed, own=none, units=none, history=none))
    assert not table.empty and not table["shown"].any()
    shown = []
    monkeypatch.setattr(content, "display", shown.append)
    content.show_disagreements(table)
    assert shown[0].data.count("Báo cáo không dùng số của kỳ này.") == table["thing"].nunique()
