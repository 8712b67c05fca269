"""Report rendering: parameters checked before any kernel, failures named by cell, index escaped.

Papermill is replaced by a fake where the kernel is beside the point; one test
runs a real kernel on a notebook with a failing cell.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import openpyxl
import papermill
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError
from pypdf import PdfReader
from test_plots import frame, write_tables

from cds_analysis import cli
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP
from cds_analysis.report import content, render

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return write_tables(tmp_path_factory.mktemp("processed"))


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if anything tries to execute a notebook."""

    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", refuse)


@pytest.fixture
def fake_papermill(monkeypatch):
    """Record each execution; write the executed notebook and one PNG; fail for Thanh Hóa."""
    calls = []

    def execute(source, target, parameters, kernel_name, cwd, **kwargs):
        calls.append({"parameters": parameters, "kernel_name": kernel_name, "cwd": cwd})
        nb = nbformat.read(source, as_version=4)
        nbformat.write(nb, target)
        if parameters.get("province") == "Thanh Hóa":
            raise PapermillExecutionError(
                3, 2, "data = content.province_data(province, period, data_dir)\ndata", "KeyError", "'<b>mã</b>'", []
            )
        (Path(parameters["output_dir"]) / "1_heatmap.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    return calls


@pytest.mark.parametrize(
    ("province", "period", "message"),
    [
        ("Atlantis", "2023-Q2", "province 'Atlantis' is not in the gazetteer"),
        ("Quảng Ngãi", "quý 9/2023", "period 'quý 9/2023' is not a reporting period"),
        ("Quảng Ngãi", "as of yesterday", "is not a reporting period"),
        ("Quảng Ngãi", "2023-Q9", "is not a reporting period"),
    ],
)
def test_bad_parameters_fail_before_any_kernel(no_kernel, data_dir, tmp_path, province, period, message):
    with pytest.raises(render.ReportError, match=message):
        render.render_report(province, period, data_dir, tmp_path)
    assert not any(tmp_path.iterdir())


def test_a_data_dir_without_tables_fails_before_any_kernel(no_kernel, tmp_path):
    with pytest.raises(render.ReportError, match="no observations table"):
        render.render_report("Quảng Ngãi", "2023-Q2", tmp_path / "nowhere", tmp_path)


def test_parameters_are_strings_kernel_and_cwd_explicit(fake_papermill, data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the notebook is found in the package, not relative to here
    result = render.render_report("quang ngai", "quý 2/2023", data_dir, "out")
    (call,) = fake_papermill
    out = tmp_path / "out" / "51-quang-ngai"  # code and name: readable, and the maps apart
    assert call["parameters"] == {
        "province": "Quảng Ngãi",
        "period": "2023-Q2",
        "horizon": 2025,  # the target year, an int (#12: --horizon 2030)
        "data_dir": str(data_dir.resolve()),
        "output_dir": str(out),
    }
    assert call["kernel_name"] == "python3" and call["cwd"] == str(out)
    assert result.ok and result.directory == out and result.figures == (out / "1_heatmap.png",)
    assert result.notebook == out / "report.ipynb" and result.html.read_text(encoding="utf-8").startswith(
        "<!DOCTYPE html>"
    )


def test_a_year_stays_a_string(fake_papermill, data_dir, tmp_path):
    render.render_report("Quảng Ngãi", "2023", data_dir, tmp_path)
    assert fake_papermill[0]["parameters"]["period"] == "2023"


def test_a_status_date_is_reported_as_of_that_day(fake_papermill, data_dir, tmp_path):
    result = render.render_report("Quảng Ngãi", "tính đến ngày 30/5/2023", data_dir, tmp_path)
    assert fake_papermill[0]["parameters"]["period"] == "2023-05-30" and result.period == "2023-05-30"


def test_a_notebook_without_a_parameter_is_refused(no_kernel, data_dir, tmp_path, monkeypatch):
    nb = new_notebook(
        cells=[new_code_cell('province = "Quảng Ngãi"\nperiod = "2023-Q2"', metadata={"tags": ["parameters"]})]
    )
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, tmp_path / render.PROVINCE_NOTEBOOK)
    monkeypatch.setattr(render, "NOTEBOOKS", tmp_path)
    with pytest.raises(render.ReportError, match="has no parameter.*data_dir, horizon, output_dir"):
        render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path / "out")


def test_a_failing_cell_raises_naming_the_cell(data_dir, tmp_path, monkeypatch):
    params = new_code_cell(
        'province = "x"\nperiod = "x"\nhorizon = 2025\ndata_dir = "x"\noutput_dir = "x"',
        metadata={"tags": ["parameters"]},
    )
    nb = new_notebook(
        cells=[params, new_code_cell("1 + 1"), new_code_cell("# chỉ tiêu\nraise ValueError('không đọc được bảng')")]
    )
    nb.metadata["kernelspec"] = KERNELSPEC
    nbformat.write(nb, tmp_path / render.PROVINCE_NOTEBOOK)
    monkeypatch.setattr(render, "NOTEBOOKS", tmp_path)
    with pytest.raises(render.ReportError) as caught:
        render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path / "out")
    message = str(caught.value)
    assert "Quảng Ngãi (2023-Q2): cell 3 (`# chỉ tiêu`) failed: ValueError: không đọc được bảng" in message
    assert isinstance(caught.value.__cause__, PapermillExecutionError)
    assert (tmp_path / "out" / "51-quang-ngai" / "report.ipynb").is_file()  # kept for inspection
    assert not (tmp_path / "out" / "51-quang-ngai" / "report.html").exists()


def test_render_all_goes_on_past_a_failing_report_and_escapes_the_index(fake_papermill, data_dir, tmp_path):
    results = render.render_all("2023-Q2", data_dir, tmp_path, progress_bar=False, jobs=1)
    assert [(r.name, r.code, r.ok) for r in results] == [
        ("Tổng quan các tỉnh", "overview", True),
        ("Quảng Ngãi", "51", True),
        ("Thanh Hóa", "38", False),
    ]
    assert (
        "Thanh Hóa (2023-Q2): cell 3 (`data = content.province_data(province, period, data_dir)`) failed: KeyError"
        in results[2].error
    )
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<a href="51-quang-ngai/report.html">Quảng Ngãi</a>' in index and '<a href="overview/report.html">' in index
    assert "&#39;&lt;b&gt;mã&lt;/b&gt;&#39;" in index and "<b>mã</b>" not in index
    assert fake_papermill[0]["parameters"] == {
        "period": "2023-Q2",
        "horizon": 2025,
        "data_dir": str(data_dir.resolve()),
        "output_dir": str(tmp_path / "overview"),
    }


def test_render_all_in_parallel_gives_the_same_results_in_order(fake_papermill, data_dir, tmp_path):
    results = render.render_all(
        "2023-Q2", data_dir, tmp_path, progress_bar=False, jobs=2
    )  # forked workers inherit the fake
    assert [(r.code, r.ok) for r in results] == [("overview", True), ("51", True), ("38", False)]


def test_a_report_whose_inputs_did_not_change_is_not_rendered_again(fake_papermill, data_dir, tmp_path):
    first = render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path)
    second = render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path)
    assert not first.skipped and second.skipped and len(fake_papermill) == 1
    assert (tmp_path / "51-quang-ngai" / render.HASH_FILE).is_file()
    render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path, force=True)
    assert len(fake_papermill) == 2
    changed = tmp_path / "changed"
    shutil.copytree(data_dir, changed)
    observations = pq.read_table(changed / "observations.parquet")
    values = observations.column("value").to_pylist()
    values[0] = values[0] + 1
    pq.write_table(
        observations.set_column(observations.schema.get_field_index("value"), "value", pa.array(values)),
        changed / "observations.parquet",
    )
    assert not render.render_report("Quảng Ngãi", "2023-Q2", changed, tmp_path).skipped
    assert len(fake_papermill) == 3


def test_index_is_a_sortable_dashboard_with_status_counts_and_freshness(tmp_path):
    directory = tmp_path / "51"
    directory.mkdir()
    for name in ("report.html", "report.pdf", "tables.xlsx"):
        (directory / name).write_text("x", encoding="utf-8")
    summary = {"counts": {"met": 3, "off_track": 2}, "without_data": 5, "latest": "2023-07-28"}
    summary |= {"units_reported": 4, "units_total": 13}
    result = render.ReportResult(
        "Quảng Ngãi", "51", "2023-Q2", directory, html=directory / "report.html", summary=summary
    )
    page = render.write_index([result], tmp_path, "2023-Q2").read_text(encoding="utf-8")
    assert "Báo cáo chuyển đổi số — Quý II/2023" in page
    assert '<a href="51/report.html">Quảng Ngãi</a>' in page and 'href="51/report.pdf"' in page
    assert '<td class="n" data-sort="3">3</td>' in page and '<td class="n" data-sort="5">5</td>' in page
    assert '<td data-sort="2023-07-28">28/7/2023</td>' in page and "<td>4/13</td>" in page
    assert "addEventListener" in page and "<script src" not in page
    assert "tỉnh × chỉ tiêu" not in page  # a province's row counts its own targets


def test_the_overview_row_of_the_index_says_it_counts_province_target_pairs(tmp_path):
    # Its counts (347 without data) sit beside provinces' rows of a few targets each: say what they count.
    directory = tmp_path / "overview"
    directory.mkdir()
    (directory / "report.html").write_text("x", encoding="utf-8")
    summary = {"counts": {"met": 1}, "without_data": 347, "units_reported": 12, "units_total": 34}
    result = render.ReportResult(
        "Tổng quan các tỉnh", "overview", "2025-Q4", directory, html=directory / "report.html", summary=summary
    )
    page = render.write_index([result], tmp_path, "2025-Q4").read_text(encoding="utf-8")
    assert "<small>số cặp tỉnh × chỉ tiêu, cả 34 tỉnh, thành phố</small>" in page
    assert '<td class="n" data-sort="347">347</td>' in page


def test_status_table_writes_values_for_readers():
    table = content.status_table(frame("progress"), frame("indicators"))
    row = table[(table["Đơn vị"] == "Nghĩa Hành")].iloc[0]
    assert list(
        row[["Cấp", "Giá trị mới nhất", "Mục tiêu 2025", "Đạt (% mục tiêu)", "Dự báo 31/12/2025", "Tình trạng"]]
    ) == [
        "cấp huyện",
        "66,4%",
        "80%",
        "83%",
        "102,4%",
        "Đúng hướng",
    ]
    assert (
        "Trà Bồng" in set(table["Đơn vị"]) and len(table) == len(frame("progress")) - 1
    )  # the no_data row is left out


def test_report_summary_escapes_names():
    empty = frame("progress").iloc[0:0]
    data = content.ReportData(
        "<b>Tỉnh</b>", "2023-Q2", "district", frame("observations"), frame("indicators"), empty, empty, empty
    )
    assert "&lt;b&gt;Tỉnh&lt;/b&gt; — Quý II/2023</h2>" in data._repr_html_()


@pytest.fixture(scope="module")
def province(data_dir) -> content.ReportData:
    return content.province_data("Quảng Ngãi", "2023-Q2", data_dir)


def test_summary_counts_the_provinces_indicators_by_status(province):
    found = content.summary(province)
    # the province's own figure (70%) counts; its districts' figures (Đức Phổ 80%, Nghĩa Hành 66,4%) are
    # theirs, not the province's: its district tier has no value until all 13 districts report
    assert (found.targeted, found.counts, found.without_data, found.untargeted) == (3, {"on_track": 1}, 2, 0)
    assert found.text == "3 chỉ tiêu có mục tiêu: 1 có số liệu (1 đúng hướng), 2 chưa có số liệu."
    assert (found.units_reported, found.latest) == (3, "2023-06-30")


def test_summary_says_how_many_targeted_indicators_lack_data(province):
    own = province.own.copy()
    own.loc[own["admin_level"] == "province", ["latest_value", "status"]] = [None, "no_data"]
    found = content.summary(replace(province, own=own))
    assert found.text.startswith("3 chỉ tiêu có mục tiêu: 0 có số liệu, 3 chưa có số liệu.")


def test_scorecard_gives_value_period_age_target_status_trend_and_source(province):
    card = content.scorecard(province).set_index("Chỉ tiêu")
    row = card.loc["Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp tỉnh)"]
    assert (row["Giá trị"], row["Kỳ"], row["Tuổi số liệu"], row["Mục tiêu"], row["Văn bản mục tiêu"]) == (
        "70%",
        "6 tháng đầu năm 2023",
        "cùng kỳ",
        "≥ 80% (2025)",
        "942/QĐ-TTg",
    )
    assert (row["Tình trạng"], row["colour"], row["Xu hướng"]) == ("↗ Đúng hướng", "#91cf60", "↑")
    assert "Quảng Ngãi" in row["Nguồn"] and row["evidence_id"] == "o10"
    assert row["Căn cứ"].startswith("Đúng tiến độ: 70")  # the rule behind the status, from progress
    assert row["Indicator (EN)"] == "Online dossier rate"  # the secondary line for readers abroad
    district = card.loc["Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp huyện)"]
    assert (district["Giá trị"], district["status"]) == ("–", "no_data")  # Nghĩa Hành's 66,4% is not the province's
    assert list(content.scorecard(province)["status"]) == ["on_track", "no_data", "no_data"]  # in the legend's order


def test_report_rows_tolerate_missing_columns_and_new_statuses(province):
    progress = province.units.drop(columns=["projected_2025", "n_units_total"]).assign(status="stale")
    rows = content.report_rows(progress)
    assert rows["projected_2025"].isna().all() and (rows["status"] == "stale").all()
    card = content.scorecard(replace(province, own=content.report_rows(province.own.assign(status="not_met"))))
    assert set(card["Tình trạng"]) == {"✗ Không đạt"}


def test_evidence_lists_each_value_once_with_its_sentence_and_offsets(province):
    table = content.evidence(province)
    assert table["id"].is_unique and set(table["id"]) == {"o1", "o3", "o4", "o7", "o9", "o10"}
    row = table.set_index("id").loc["o3"]
    assert row["Câu gốc"] == "hồ sơ trực tuyến &lt;đạt&gt; <mark>66,4%</mark> &amp; tăng so với năm trước"
    assert (
        row["Vị trí (ký tự)"] == "0–52" and row["Dùng cho"] == "Nghĩa Hành"
    )  # a district's figure is not its province's


def test_evidence_quotes_the_whole_sentence_of_the_source(tmp_path, province):
    text = "Mở đầu. Năm 2023, tỷ lệ hồ sơ trực tuyến đạt 66,4% so với kế hoạch. Câu sau."
    (tmp_path / "bao_cao_532.txt").write_text(text, encoding="utf-8")
    observations = province.observations.copy()
    start = text.index("tỷ lệ")
    observations.loc[observations["observation_id"] == "o3", ["char_start", "char_end"]] = [start, start + 38]
    row = content.evidence(replace(province, observations=observations, raw_dir=tmp_path)).set_index("id").loc["o3"]
    assert row["Câu gốc"] == "Năm 2023, tỷ lệ hồ sơ trực tuyến đạt <mark>66,4%</mark> so với kế hoạch."
    assert row["link"] == (tmp_path / "bao_cao_532.txt").resolve().as_uri()


def test_charts_only_where_they_say_something(province):
    assert content.comparison_chart(province) == {}  # every indicator has one district with a value
    assert list(content.trajectory_chart(province)) == ["3_trajectories"]  # the province's 55% (2022) → 70% (2023-H1)
    assert "2 chỉ tiêu" not in content.trajectory_chart(province)["3_trajectories"].alt
    two = province.units.copy()
    two.loc[(two["unit_name"] == "Trà Bồng") & (two["indicator"] == "online_dossier_rate"), "latest_value"] = 50.0
    chart = content.comparison_chart(replace(province, units=two))["2_bars"]
    assert "Nghĩa Hành (66,4%)" in chart.alt and "Trà Bồng (50%)" in chart.alt
    assert len(chart.figure.axes) == 1 and len(chart.figure.axes[0].patches) == 2


def test_a_report_after_the_reform_has_communes_below_and_former_units_as_such(data_dir):
    data = content.province_data("Quảng Ngãi", "2025-Q4", data_dir)
    assert data.level == "commune" and data.post_reform
    card = content.scorecard(data)
    # no district tier after the reform; the new Quảng Ngãi (with Kon Tum) has no figure of its own: the old
    # province's 70% and its former districts' figures are not the merged province's (#13)
    assert "(cấp huyện" not in " ".join(card["Chỉ tiêu"])
    row = card.set_index("Mã chỉ tiêu").loc["online_dossier_rate"]
    assert (row["Chỉ tiêu"], row["Giá trị"], row["status"]) == (
        "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp tỉnh)",
        "–",
        "no_data",
    )
    assert "xã, phường có số liệu" in data._repr_html_()
    assert content.overview_data("2025-Q4", data_dir).units["unit_code"].nunique() == 34


def test_overview_tile_map_uses_the_map_of_the_period(data_dir):
    assert len(content.tile_grid(post_reform=False)) == 63 and len(content.tile_grid(post_reform=True)) == 34
    overview = content.overview_data("2023-Q2", data_dir)
    chart = content.tile_map_chart(overview)["0_tile_map"]
    assert chart.alt.startswith("Bản đồ ô 63 tỉnh, thành phố") and len(chart.figure.axes[0].patches) == 63


def test_tile_grid_has_one_square_per_province_and_names_the_gazetteers():
    from cds_analysis.lang.text import fold_key
    from cds_analysis.reference.gazetteer import province_table

    for post, era in [(False, OLD_MAP), (True, NEW_MAP)]:
        grid = content.tile_grid(post)
        assert not grid[["row", "col"]].duplicated().any()
        assert set(grid["name"].map(fold_key)) == set(province_table(era)["name"].map(fold_key))


def test_formats_hold_the_scorecard(province, tmp_path):
    content.save_formats(province, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    card = book["Bảng điểm"]
    header = [c.value for c in card[1]]
    codes = [row[header.index("Mã đơn vị")] for row in card.iter_rows(min_row=2, values_only=True)]
    assert codes == ["51"] * 3 and card.cell(2, header.index("Mã đơn vị") + 1).number_format == "@"
    assert "Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến (cấp huyện)" in [
        row[header.index("Chỉ tiêu")] for row in card.iter_rows(min_row=2, values_only=True)
    ]
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert "Tỷ lệ hồ sơ thủ tục hành chính" in "".join(
        page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages
    )


def _cli(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(argv)


def test_report_command_fails_with_a_clear_message(no_kernel, data_dir, tmp_path, capsys):
    args = _cli(
        "report", "--province", "Atlantis", "--period", "2023-Q2", "--data", str(data_dir), "--out", str(tmp_path)
    )
    assert args.run(args) == 1
    assert "cds-analysis report: province 'Atlantis' is not in the gazetteer" in capsys.readouterr().err


def test_report_command_all_prints_the_index_and_fails_if_one_report_failed(fake_papermill, data_dir, tmp_path, capsys):
    args = _cli(
        "report", "--all", "--period", "2023-Q2", "--data", str(data_dir), "--out", str(tmp_path), "--no-progress"
    )
    assert args.run(args) == 1
    out, err = capsys.readouterr()
    assert f"index: {tmp_path / 'index.html'}" in out and "Thanh Hóa" in err


def test_report_command_needs_a_province_or_all():
    with pytest.raises(SystemExit):
        _cli("report", "--period", "2023-Q2")
    with pytest.raises(SystemExit):
        _cli("report", "--province", "Quảng Ngãi", "--all", "--period", "2023-Q2")


def test_a_full_disk_leaves_no_truncated_notebook_or_figure(data_dir, tmp_path, monkeypatch):
    """A figure saved on a full disk fails its cell; what the kernel had half-written goes (issue 16)."""

    def execute(source, target, parameters, kernel_name, cwd, **kwargs):
        Path(target).write_text('{"cells": [', encoding="utf-8")  # cut short
        (Path(parameters["output_dir"]) / "1_heatmap.png").write_bytes(b"")
        raise PapermillExecutionError(4, 3, "fig.savefig(path)", "OSError", "[Errno 28] No space left on device", [])

    monkeypatch.setattr(papermill, "execute_notebook", execute)
    with pytest.raises(OSError, match="No space left"):
        render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path)
    assert sorted(p.name for p in (tmp_path / "51-quang-ngai").iterdir()) == []


def test_kernel_sockets_of_a_killed_report_are_swept(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"cds-analysis-kernels-{gone.stdout.strip()}"
    stale.mkdir()
    (stale / "kernel-1-shell").write_text("")
    mine = render.kernel_socket_dir()
    assert not stale.exists() and mine.is_dir() and mine.parent == tmp_path


def test_the_overview_after_the_reform_compares_provinces_without_former_districts(data_dir):
    before = content.overview_data("2023-Q2", data_dir)
    after = content.overview_data("2025-Q4", data_dir)
    assert "district" in set(before.units["admin_level"])  # the fixture has district figures
    assert "district" not in set(after.units["admin_level"])


def test_the_scorecard_page_gives_each_indicator_an_english_secondary_line(province, monkeypatch):
    shown = []
    monkeypatch.setattr(content, "display", lambda html: shown.append(html.data))
    content.show_scorecard(content.scorecard(province))
    assert '<span class="en" lang="en">Online dossier rate</span>' in shown[0]
