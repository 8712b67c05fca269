"""Rendering reports: papermill runs a notebook, nbconvert exports it, one job renders them all.

:func:`render_report` checks its parameters before any kernel starts,
executes the notebook with papermill (string parameters stay strings; the
kernel and working directory are explicit; a failing cell raises), and writes
the executed notebook, an HTML export without code and the PNG figures into
``out_dir/<unit code>/``. :func:`render_all` does this for every province
with data plus the overview, and links them from ``index.html``.
"""

from __future__ import annotations

import contextlib
import html
import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from tqdm import tqdm

from cds_analysis.config import PROCESSED_DIR, REPORTS_DIR
from cds_analysis.errors import ReportError
from cds_analysis.lang.text import fold_key
from cds_analysis.reference.gazetteer import province_table
from cds_analysis.report import plots
from cds_analysis.report.content import OVERVIEW_TITLE, _check_data_dir, _check_period, _inputs, _resolve_province

logger = logging.getLogger(__name__)

__all__ = [
    "ReportError",
    "ReportResult",
    "render_report",
    "render_overview",
    "provinces_with_data",
    "render_all",
    "write_index",
]

NOTEBOOKS = files("cds_analysis") / "report" / "notebooks"
PROVINCE_NOTEBOOK = "province_report.ipynb"
OVERVIEW_NOTEBOOK = "provinces_overview.ipynb"
OVERVIEW_CODE = "overview"
KERNEL = "python3"



@dataclass(frozen=True)
class ReportResult:
    """Where a rendered report is, or why it failed."""

    name: str
    code: str
    period: str
    directory: Path
    notebook: Path | None = None
    html: Path | None = None
    figures: tuple[Path, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _notebook(name: str) -> Path:
    return Path(str(NOTEBOOKS / name))


# papermill, nbformat and nbconvert are imported where they are used: together they
# take seconds to import, and the kernels that run the notebooks never need them.


def _check_parameters(notebook: Path, parameters: dict[str, str]) -> None:
    """Papermill only warns on an unknown parameter; a report refuses it."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise ReportError(
            f"{notebook.name} has no parameter(s) {', '.join(unknown)}; it declares {', '.join(declared)}"
        )


def _failed_cell(exc) -> str:
    first_line = next((line for line in exc.source.splitlines() if line.strip()), "")
    return f"cell {exc.cell_index} (`{first_line.strip()}`) failed: {exc.ename}: {exc.evalue}"


def _export_html(executed: Path, target: Path, title: str) -> Path:
    """HTML of the executed notebook with every code input hidden."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, language_code="vi"
    )
    body, _ = exporter.from_notebook_node(
        nbformat.read(executed, as_version=4), resources={"metadata": {"name": title}}
    )
    target.write_text(body, encoding="utf-8")
    return target


def _local_kernel_manager():
    """A kernel manager that talks to the kernel over local sockets, not TCP.

    ipykernel warns on every start that TCP is unencrypted; the report's kernel
    never leaves this machine, so IPC sockets are both quieter and closer to the truth.
    """
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(Path(tempfile.gettempdir()) / f"cds-analysis-kernel-{uuid.uuid4().hex}")

    return LocalKernelManager


def _render(notebook: str, parameters: dict[str, str], name: str, code: str, period: str) -> ReportResult:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    source = _notebook(notebook)
    _check_parameters(source, parameters)
    directory = Path(parameters["output_dir"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in [*directory.glob("*.png"), directory / "report.html"]:
        stale.unlink(missing_ok=True)
    executed = directory / "report.ipynb"
    try:
        papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(directory),
            progress_bar=False,
            kernel_manager_class=_local_kernel_manager(),
        )
    except PapermillExecutionError as exc:
        raise ReportError(f"{name} ({period}): {_failed_cell(exc)}; see {executed}") from exc
    title = f"{name} — {period}"
    page = _export_html(executed, directory / "report.html", title)
    return ReportResult(name, code, period, directory, executed, page, tuple(sorted(directory.glob("*.png"))))


def render_report(
    province: str, period: str, data_dir: str | Path = PROCESSED_DIR, out_dir: str | Path = REPORTS_DIR
) -> ReportResult:
    """Render the report of one province into ``out_dir/<province code>/``.

    Raises :class:`ReportError` for an unknown province, an unparsable period
    or a data dir without tables (before any kernel starts), and when a cell
    fails (naming the cell; the executed notebook is kept for inspection).
    """
    label, end = _check_period(period)
    unit = _resolve_province(province, end)
    data = _check_data_dir(data_dir)
    directory = Path(out_dir).resolve() / plots.safe_name(unit.code)
    parameters = {"province": unit.name, "period": label, "data_dir": str(data), "output_dir": str(directory)}
    return _render(PROVINCE_NOTEBOOK, parameters, unit.name, unit.code, label)


def render_overview(
    period: str, data_dir: str | Path = PROCESSED_DIR, out_dir: str | Path = REPORTS_DIR
) -> ReportResult:
    """Render the all-provinces overview into ``out_dir/overview/``."""
    label, _ = _check_period(period)
    data = _check_data_dir(data_dir)
    directory = Path(out_dir).resolve() / OVERVIEW_CODE
    parameters = {"period": label, "data_dir": str(data), "output_dir": str(directory)}
    return _render(OVERVIEW_NOTEBOOK, parameters, OVERVIEW_TITLE, OVERVIEW_CODE, label)


def provinces_with_data(period: str, data_dir: str | Path = PROCESSED_DIR) -> list[tuple[str, str]]:
    """(code, name) of every province of the period's era that an observation belongs to, A to Z."""
    inputs = _inputs(period, data_dir)
    provinces = province_table(inputs.provinces)
    named = provinces[provinces["code"].isin(inputs.province_codes().dropna())]
    pairs = zip(named["code"].astype(str), named["name"].astype(str))
    return sorted(pairs, key=lambda pair: (fold_key(pair[1]), pair[1]))


def _render_one(job: tuple[str, str, str, str | Path, str | Path]) -> ReportResult:
    """Render one report of :func:`render_all`; a failure becomes a result naming its reason."""
    name, code, period, data_dir, out_dir = job
    try:
        if code == OVERVIEW_CODE:
            return render_overview(period, data_dir, out_dir)
        return render_report(name, period, data_dir, out_dir)
    except Exception as exc:
        logger.debug("%s failed", "reports", exc_info=True)
        directory = Path(out_dir).resolve() / plots.safe_name(code)
        return ReportResult(name, code, period, directory, error=str(exc) or type(exc).__name__)


def render_all(
    period: str,
    data_dir: str | Path = PROCESSED_DIR,
    out_dir: str | Path = REPORTS_DIR,
    progress_bar: bool = True,
    jobs: int = 1,
) -> list[ReportResult]:
    """Render the overview and every province that has data, then ``out_dir/index.html``.

    A report that fails is recorded with its reason (the failing cell) and
    the others still render; check ``result.ok``. ``jobs`` > 1 renders that
    many reports at once, each in its own process and kernel.
    """
    label, _ = _check_period(period)
    _check_data_dir(data_dir)
    units = [(OVERVIEW_TITLE, OVERVIEW_CODE)] + [(name, code) for code, name in provinces_with_data(label, data_dir)]
    todo = [(name, code, label, data_dir, out_dir) for name, code in units]
    with contextlib.ExitStack() as stack:
        mapper = stack.enter_context(ProcessPoolExecutor(jobs)).map if jobs > 1 else map
        results = list(
            tqdm(
                mapper(_render_one, todo),
                total=len(todo),
                desc=f"reports {label}",
                unit="report",
                disable=not progress_bar,
            )
        )
    write_index(results, out_dir, label)
    return results


def write_index(results: list[ReportResult], out_dir: str | Path, period: str) -> Path:
    """``out_dir/index.html``: one line per report, linking its HTML, or saying why it failed."""
    root = Path(out_dir).resolve()
    items = []
    for r in results:
        name = html.escape(r.name)
        if r.ok:
            href = html.escape(r.html.relative_to(root).as_posix(), quote=True)
            items.append(f'<li><a href="{href}">{name}</a> <small>({len(r.figures)} biểu đồ)</small></li>')
        else:
            items.append(f'<li class="failed">{name}: <strong>lỗi</strong> <code>{html.escape(r.error)}</code></li>')
    title = f"Báo cáo chuyển đổi số — kỳ {html.escape(period)}"
    page = (
        '<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:'DejaVu Sans',sans-serif;max-width:60em;margin:2em auto}"
        ".failed{color:#b2182b}</style></head>\n"
        f"<body>\n<h1>{title}</h1>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</body>\n</html>\n"
    )
    path = root / "index.html"
    root.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
