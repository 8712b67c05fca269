"""The notebooks: committed clean, executed with papermill once each on a small data dir.

Executing a kernel is the slow part: each notebook runs once, in module-scoped
fixtures, and every check reads what that one run wrote.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest
from test_plots import write_tables

from cds_analysis.report import render

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["province_report", "provinces_overview", "explore"]
PARAMETERS = {
    "province_report": ["province", "period", "horizon", "data_dir", "output_dir"],
    "provinces_overview": ["period", "horizon", "data_dir", "output_dir"],
    "explore": ["data_dir", "province", "period", "indicator"],
}


def _package_notebook(name: str) -> Path:
    return Path(str(render.NOTEBOOKS / f"{name}.ipynb"))


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs_and_with_a_parameters_cell(name):
    nb = nbformat.read(_package_notebook(name), as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert re.findall(r"^(\w+) = ", tagged[0].source, flags=re.MULTILINE) == PARAMETERS[name]
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", NAMES)
def test_cells_are_calls_into_the_package(name):
    nb = nbformat.read(_package_notebook(name), as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert not re.search(r"^\s*(def|class|for|while|if|with) ", source, flags=re.MULTILINE)
    assert not re.search(r"^\s*import (pandas|matplotlib|seaborn)", source, flags=re.MULTILINE)


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_is_paired_with_its_reviewed_py_percent_source(name):
    notebook = nbformat.read(_package_notebook(name), as_version=4)
    source = jupytext.read(_package_notebook(name).with_suffix(".py"))
    assert notebook.metadata.jupytext.formats == "ipynb,py:percent"
    pairs = zip(notebook.cells, source.cells, strict=True)
    assert all((a.cell_type, a.source) == (b.cell_type, b.source) for a, b in pairs)
    assert [c.metadata.get("tags", []) for c in notebook.cells] == [c.metadata.get("tags", []) for c in source.cells]


@pytest.mark.parametrize("name", NAMES)
def test_analysts_find_the_same_notebook_in_notebooks_dir(name):
    assert (ROOT / "notebooks" / f"{name}.ipynb").resolve() == _package_notebook(name).resolve()
    assert (ROOT / "notebooks" / f"{name}.py").resolve() == _package_notebook(name).with_suffix(".py").resolve()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, render.ReportResult]:
    """The province report and the overview, rendered from another working directory."""
    root = tmp_path_factory.mktemp("render")
    data_dir = write_tables(root / "processed")
    here = os.getcwd()
    os.chdir(root)
    try:
        return {
            "province_report": render.render_report("Quảng Ngãi", "2023-Q2", data_dir, "reports"),
            "provinces_overview": render.render_overview("2023-Q2", data_dir, "reports"),
        }
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def explored(tmp_path_factory) -> nbformat.NotebookNode:
    root = tmp_path_factory.mktemp("explore")
    data_dir = write_tables(root / "processed")
    executed = root / "explore.ipynb"
    parameters = {
        "data_dir": str(data_dir),
        "province": "Quảng Ngãi",
        "period": "2023-Q2",
        "indicator": "online_dossier_rate",
    }
    papermill.execute_notebook(
        str(_package_notebook("explore")),
        str(executed),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(root),
        progress_bar=False,
    )
    return nbformat.read(executed, as_version=4)


def _outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _images(nb: nbformat.NotebookNode) -> int:
    return sum("image/png" in o.get("data", {}) for o in _outputs(nb))


def _clean(nb: nbformat.NotebookNode) -> None:
    """No error, and nothing written to stderr (warnings would show in the report)."""
    assert not [o for o in _outputs(nb) if o.output_type == "error" or o.get("name") == "stderr"]


def test_province_report_writes_notebook_html_figures_pdf_and_xlsx(rendered):
    result = rendered["province_report"]
    out = result.directory
    assert (
        out.name == "51-quang-ngai" and result.notebook == out / "report.ipynb" and result.html == out / "report.html"
    )
    # no bar chart: every indicator has one district with a value; one trajectory panel (the province's 55% → 70%)
    assert {p.name for p in result.figures} == {"1_heatmap.png", "3_trajectories.png"}
    assert result.pdf == out / "report.pdf" and result.xlsx == out / "tables.xlsx"
    assert result.summary["counts"] == {"on_track": 1} and result.summary["targeted"] == 3
    nb = nbformat.read(result.notebook, as_version=4)
    _clean(nb)
    assert _images(nb) == len(result.figures)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    values = {a.targets[0].id: ast.literal_eval(a.value) for a in ast.parse(injected.source).body}
    assert values == {
        "province": "Quảng Ngãi",
        "period": "2023-Q2",
        "horizon": 2025,
        "data_dir": values["data_dir"],
        "output_dir": str(out),
    }
    assert isinstance(values["data_dir"], str)


def test_province_report_reads_summary_then_scorecard_and_hides_code(rendered):
    page = rendered["province_report"].html.read_text(encoding="utf-8")
    assert "content.province_data" not in page and "plots.target_heatmap" not in page
    summary = page.index("3 chỉ tiêu có mục tiêu: 1 có số liệu (1 đúng hướng), 2 chưa có số liệu.")
    assert page.index("Quảng Ngãi — Quý II/2023") < summary < page.index('class="cds-card"') < page.index("<img ")
    assert "hồ sơ trực tuyến &lt;đạt&gt; <mark>66,4%</mark> &amp; tăng" in page and "<đạt>" not in page
    assert 'href="#ev-o10"' in page and 'id="ev-o10"' in page  # the scorecard links to its evidence


@pytest.mark.parametrize("name", ["province_report", "provinces_overview"])
def test_html_loads_nothing_from_the_network_and_every_figure_has_alt_text(rendered, name):
    page = rendered[name].html.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script src" not in page and "@import url(" not in page
    images = re.findall(r"<img\b[^>]*>", page)
    assert len(images) == len(rendered[name].figures) > 0
    for image in images:
        alt = re.search(r'alt="([^"]*)"', image)
        assert alt and len(alt.group(1)) > 40 and "No description" not in alt.group(1)


def test_overview_compares_the_provinces_on_a_tile_map(rendered):
    result = rendered["provinces_overview"]
    assert result.directory.name == "overview"
    assert {p.name for p in result.figures} == {"0_tile_map.png", "2_bars.png"}
    nb = nbformat.read(result.notebook, as_version=4)
    _clean(nb)
    assert _images(nb) == len(result.figures)
    page = result.html.read_text(encoding="utf-8")
    assert "Quảng Ngãi" in page and "Thanh Hóa" in page and "content.overview_data" not in page
    assert "Bản đồ ô 63 tỉnh, thành phố" in page and result.pdf is not None


def test_explore_shows_a_chart_and_traces_a_number(explored):
    _clean(explored)
    assert _images(explored) == 1
    trace = next(c for c in explored.cells if c.get("id") == "trace")
    table = trace.outputs[0]["data"]["text/html"]
    assert "bao_cao_532.txt" in table and "char_start" in table and "năm 2022 tỷ lệ hồ sơ trực tuyến đạt 52%" in table


def test_explore_reads_a_province_on_both_maps(explored):
    successor = next(c for c in explored.cells if c.get("id") == "successor")
    assert (
        successor.outputs[0]["data"]["text/plain"]
        == "(('tỉnh Quảng Ngãi', '51', '2008–2025'), ('tỉnh Quảng Ngãi', '51', '2025'))"
    )
    either = next(c for c in explored.cells if c.get("id") == "either-map")
    assert "current_province" in either.outputs[0]["data"]["text/html"]
