"""Report rendering: parameters checked before any kernel, failures named by cell, index escaped.

Papermill is replaced by a fake where the kernel is beside the point; one test
runs a real kernel on a notebook with a failing cell.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from papermill.exceptions import PapermillExecutionError
from test_plots import frame, write_tables

from cds_analysis import cli
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
    out = tmp_path / "out" / "51"
    assert call["parameters"] == {
        "province": "Quảng Ngãi",
        "period": "2023-Q2",
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
    with pytest.raises(render.ReportError, match="has no parameter.*data_dir, output_dir"):
        render.render_report("Quảng Ngãi", "2023-Q2", data_dir, tmp_path / "out")


def test_a_failing_cell_raises_naming_the_cell(data_dir, tmp_path, monkeypatch):
    params = new_code_cell(
        'province = "x"\nperiod = "x"\ndata_dir = "x"\noutput_dir = "x"', metadata={"tags": ["parameters"]}
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
    assert (tmp_path / "out" / "51" / "report.ipynb").is_file()  # kept for inspection
    assert not (tmp_path / "out" / "51" / "report.html").exists()


def test_render_all_goes_on_past_a_failing_report_and_escapes_the_index(fake_papermill, data_dir, tmp_path):
    results = render.render_all("2023-Q2", data_dir, tmp_path, progress_bar=False)
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
    assert '<a href="51/report.html">Quảng Ngãi</a>' in index and '<a href="overview/report.html">' in index
    assert "&#x27;&lt;b&gt;mã&lt;/b&gt;&#x27;" in index and "<b>mã</b>" not in index
    assert fake_papermill[0]["parameters"] == {
        "period": "2023-Q2",
        "data_dir": str(data_dir.resolve()),
        "output_dir": str(tmp_path / "overview"),
    }


def test_render_all_in_parallel_gives_the_same_results_in_order(fake_papermill, data_dir, tmp_path):
    results = render.render_all(
        "2023-Q2", data_dir, tmp_path, progress_bar=False, jobs=2
    )  # forked workers inherit the fake
    assert [(r.code, r.ok) for r in results] == [("overview", True), ("51", True), ("38", False)]


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
    assert "<h2>&lt;b&gt;Tỉnh&lt;/b&gt; — kỳ 2023-Q2</h2>" in data._repr_html_()


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
