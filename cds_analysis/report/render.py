"""Rendering reports: papermill runs a notebook, nbconvert exports it, one job renders them all.

:func:`render_report` checks its parameters before any kernel starts,
executes the notebook with papermill (string parameters stay strings; the
kernel and working directory are explicit; a failing cell raises), and writes
the executed notebook, an HTML page without code that opens offline, the PNG
figures, ``tables.xlsx`` and ``report.pdf`` into ``out_dir/<unit code>/``.
Beside them, ``inputs.sha256`` holds a hash of what the report was made from
(its rows of the tables, the parameters and the report code): a report whose
inputs did not change is not rendered again. :func:`render_all` renders every
province with data plus the overview in a process pool (one kernel per
report, all cores by default) and writes ``index.html``, a sortable dashboard.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pandas as pd
from tqdm import tqdm

import cds_analysis
from cds_analysis.config import PACKAGE_DATA, PROCESSED_DIR, REPORTS_DIR
from cds_analysis.errors import ReportError
from cds_analysis.lang.periods import human_label
from cds_analysis.lang.text import fold_key
from cds_analysis.reference.gazetteer import province_table
from cds_analysis.reference.targets import TARGET_YEAR
from cds_analysis.report import labels, plots
from cds_analysis.report.content import (
    OVERVIEW_TITLE,
    SUMMARY_FILE,
    _check_data_dir,
    _check_horizon,
    _check_period,
    _Inputs,
    _inputs,
    _resolve_province,
)
from cds_analysis.report.pages import template

logger = logging.getLogger(__name__)

__all__ = [
    "ReportError",
    "ReportResult",
    "render_report",
    "render_overview",
    "province_folder",
    "provinces_with_data",
    "render_all",
    "write_index",
]

NOTEBOOKS = files("cds_analysis") / "report" / "notebooks"
TEMPLATES = files("cds_analysis") / "report" / "templates"
PROVINCE_NOTEBOOK = "province_report.ipynb"
OVERVIEW_NOTEBOOK = "provinces_overview.ipynb"
OVERVIEW_CODE = "overview"
KERNEL = "python3"
HASH_FILE = "inputs.sha256"
# What a report is drawn by: its code, notebooks, templates and label data (progress included).
_CODE_FILES = ("report/*.py", "report/notebooks/*.ipynb", "report/templates/**/*.j2", "analysis/*.py")
_DATA_FILES = ("labels_vi.yaml", "tile_grid.csv", "indicators.yaml", "targets.csv")


@dataclass(frozen=True)
class ReportResult:
    """Where a rendered report is, or why it failed; ``skipped`` when its inputs had not changed."""

    name: str
    code: str
    period: str
    directory: Path
    notebook: Path | None = None
    html: Path | None = None
    figures: tuple[Path, ...] = ()
    error: str | None = None
    skipped: bool = False
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def pdf(self) -> Path | None:
        path = self.directory / "report.pdf"
        return path if self.ok and path.is_file() else None

    @property
    def xlsx(self) -> Path | None:
        path = self.directory / "tables.xlsx"
        return path if self.ok and path.is_file() else None


def _notebook(name: str) -> Path:
    return Path(str(NOTEBOOKS / name))


# papermill, nbformat and nbconvert are imported where they are used: together they
# take seconds to import, and the kernels that run the notebooks never need them.


def _check_parameters(notebook: Path, parameters: dict[str, object]) -> None:
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
    """HTML of the executed notebook with every code input hidden, loading nothing from the network.

    The ``cds`` template (``report/templates/nbconvert/cds``) is nbconvert's lab
    page without its require.js, MathJax and mermaid scripts from a CDN.
    """
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="cds",
        extra_template_basedirs=[str(TEMPLATES / "nbconvert")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="vi",
    )
    body, _ = exporter.from_notebook_node(
        nbformat.read(executed, as_version=4), resources={"metadata": {"name": title}}
    )
    target.write_text(body, encoding="utf-8")
    return target


def _local_kernel_manager():
    """A kernel manager that talks to the kernel over local sockets and keeps its console quiet.

    ipykernel warns on every start that TCP is unencrypted; the report's kernel
    never leaves this machine, so IPC sockets are both quieter and closer to the
    truth. The kernel's own stdout and stderr go nowhere: cell output and errors
    reach papermill as messages, and its shutdown line ('KeyboardInterrupt
    caught in kernel') is noise in a progress bar.
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    sockets = kernel_socket_dir()

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = str(sockets / f"kernel-{uuid.uuid4().hex}")

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
            return await super()._async_launch_kernel(kernel_cmd, **kw)

    return LocalKernelManager


_SOCKET_DIRS = "cds-analysis-kernels-"


def kernel_socket_dir() -> Path:
    """This process's folder for kernel sockets, after removing the folders of processes that are gone.

    A report killed with its kernel leaves its IPC socket files behind; each process keeps
    them in a folder named by its pid, so the next run can tell which are stale.
    """
    import tempfile

    root = Path(tempfile.gettempdir())
    for old in root.glob(f"{_SOCKET_DIRS}*"):
        pid = old.name.removeprefix(_SOCKET_DIRS)
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    mine = root / f"{_SOCKET_DIRS}{os.getpid()}"
    mine.mkdir(mode=0o700, exist_ok=True)
    return mine


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@contextlib.contextmanager
def _no_stray_output():
    """Keep papermill's own log lines (it logs at INFO to the root logger) out of the caller's console."""
    papermill_log = logging.getLogger("papermill")
    level = papermill_log.level
    papermill_log.setLevel(logging.WARNING)
    try:
        yield
    finally:
        papermill_log.setLevel(level)


def _code_hash() -> str:
    """Hash of what draws a report: the report code, notebooks, templates, progress and label data."""
    root = Path(cds_analysis.__file__).parent
    digest = hashlib.sha256(str(cds_analysis.__version__).encode())
    paths = sorted({p for pattern in _CODE_FILES for p in root.glob(pattern)})
    paths += [PACKAGE_DATA / name for name in _DATA_FILES]
    for path in paths:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _frame_hash(frame: pd.DataFrame | None) -> bytes:
    if frame is None or frame.empty:
        return b"-"
    return pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes()


def _input_hash(inputs: _Inputs, code: str, parameters: dict[str, object]) -> str:
    """Hash of a report's inputs: its province's observations (all for the overview), the reference tables,
    its parameters (not where it is written) and the code that draws it."""
    observations = inputs.observations
    if code != OVERVIEW_CODE:
        observations = observations[inputs.province_codes() == code]
    documents = inputs.documents
    if documents is not None:
        documents = documents[documents["document_id"].isin(observations["document_id"])]
    digest = hashlib.sha256(_code_hash().encode())
    digest.update(json.dumps({k: v for k, v in parameters.items() if k != "output_dir"}, sort_keys=True).encode())
    for frame in (observations, inputs.targets, inputs.indicators, documents):
        digest.update(_frame_hash(frame))
    return digest.hexdigest()


def _result(name: str, code: str, period: str, directory: Path, skipped: bool = False) -> ReportResult:
    summary_file = directory / SUMMARY_FILE
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.is_file() else {}
    return ReportResult(
        name,
        code,
        period,
        directory,
        directory / "report.ipynb",
        directory / "report.html",
        tuple(sorted(directory.glob("*.png"))),
        skipped=skipped,
        summary=summary,
    )


def _render(
    notebook: str,
    parameters: dict[str, object],
    name: str,
    code: str,
    period: str,
    inputs_hash: str,
    force: bool = False,
) -> ReportResult:
    source = _notebook(notebook)
    _check_parameters(source, parameters)
    directory = Path(str(parameters["output_dir"]))
    stamp = directory / HASH_FILE
    if not force and (directory / "report.html").is_file() and stamp.is_file():
        if stamp.read_text(encoding="utf-8").strip() == inputs_hash:
            return _result(name, code, period, directory, skipped=True)
    directory.mkdir(parents=True, exist_ok=True)
    stale = ["*.png", "*.txt", HASH_FILE, SUMMARY_FILE, "report.html", "report.pdf", "tables.xlsx"]
    for old in [p for pattern in stale for p in directory.glob(pattern)]:
        old.unlink(missing_ok=True)
    executed = directory / "report.ipynb"
    try:
        _execute_and_export(source, executed, parameters, name, period)
    except OSError:  # a full disk, say: no truncated notebook or half-written figure stays behind
        for partial in [executed, *(p for pattern in stale for p in directory.glob(pattern))]:
            partial.unlink(missing_ok=True)
        raise
    stamp.write_text(inputs_hash + "\n", encoding="utf-8")
    return _result(name, code, period, directory)


def _execute_and_export(source: Path, executed: Path, parameters: dict[str, object], name: str, period: str) -> None:
    """Run the notebook into ``executed`` and write its HTML beside it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    directory = executed.parent
    try:
        with _no_stray_output():
            papermill.execute_notebook(
                str(source),
                str(executed),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(directory),
                progress_bar=False,
                log_output=False,
                kernel_manager_class=_local_kernel_manager(),
            )
    except PapermillExecutionError as exc:
        if "No space left" in str(exc.evalue):  # a figure saved on a full disk: a write failure, not a bad cell
            raise OSError(f"{name} ({period}): {_failed_cell(exc)}") from exc
        raise ReportError(f"{name} ({period}): {_failed_cell(exc)}; see {executed}") from exc
    _export_html(executed, directory / "report.html", f"{name} — {human_label(period)}")


def render_report(
    province: str,
    period: str,
    data_dir: str | Path = PROCESSED_DIR,
    out_dir: str | Path = REPORTS_DIR,
    force: bool = False,
    horizon: int | str = TARGET_YEAR,
) -> ReportResult:
    """Render the report of one province into ``out_dir/<code>-<name>/``, judged against the targets of ``horizon``.

    Raises :class:`ReportError` for an unknown province, an unparsable period
    or a data dir without tables (before any kernel starts), and when a cell
    fails (naming the cell; the executed notebook is kept for inspection).
    A report whose inputs have not changed since it was rendered is kept
    (``result.skipped``) unless ``force``.
    """
    label, end = _check_period(period)
    year = _check_horizon(horizon)
    unit = _resolve_province(province, end)
    data = _check_data_dir(data_dir)
    directory = Path(out_dir).resolve() / province_folder(unit.code, unit.name)
    parameters = {
        "province": unit.name,
        "period": label,
        "horizon": year,
        "data_dir": str(data),
        "output_dir": str(directory),
    }
    digest = _input_hash(_inputs(label, data, year), unit.code, parameters)
    return _render(PROVINCE_NOTEBOOK, parameters, unit.name, unit.code, label, digest, force)


def render_overview(
    period: str,
    data_dir: str | Path = PROCESSED_DIR,
    out_dir: str | Path = REPORTS_DIR,
    force: bool = False,
    horizon: int | str = TARGET_YEAR,
) -> ReportResult:
    """Render the all-provinces overview into ``out_dir/overview/`` (kept when its inputs are unchanged)."""
    label, _ = _check_period(period)
    year = _check_horizon(horizon)
    data = _check_data_dir(data_dir)
    directory = Path(out_dir).resolve() / OVERVIEW_CODE
    parameters = {"period": label, "horizon": year, "data_dir": str(data), "output_dir": str(directory)}
    digest = _input_hash(_inputs(label, data, year), OVERVIEW_CODE, parameters)
    return _render(OVERVIEW_NOTEBOOK, parameters, OVERVIEW_TITLE, OVERVIEW_CODE, label, digest, force)


def province_folder(code: str, name: str) -> str:
    """The folder of a province's report: code and name in ASCII ('52-gia-lai', '52-binh-dinh').

    The name tells the reader which province it is, and the two maps, which
    number some provinces alike, apart.
    """
    return plots.safe_name(f"{code}-{fold_key(name).replace(' ', '-')}")


def provinces_with_data(period: str, data_dir: str | Path = PROCESSED_DIR) -> list[tuple[str, str]]:
    """(code, name) of every province of the period's era that an observation belongs to, A to Z."""
    inputs = _inputs(period, data_dir)
    provinces = province_table(inputs.map)
    named = provinces[provinces["code"].isin(inputs.province_codes().dropna())]
    pairs = zip(named["code"].astype(str), named["name"].astype(str))
    return sorted(pairs, key=lambda pair: (fold_key(pair[1]), pair[1]))


def _render_one(job: tuple[str, str, str, str | Path, str | Path, bool, int]) -> ReportResult:
    """Render one report of :func:`render_all`; a failure becomes a result naming its reason."""
    name, code, period, data_dir, out_dir, force, horizon = job
    try:
        if code == OVERVIEW_CODE:
            return render_overview(period, data_dir, out_dir, force, horizon)
        return render_report(name, period, data_dir, out_dir, force, horizon)
    except Exception as exc:
        logger.debug("%s failed", "reports", exc_info=True)
        folder = OVERVIEW_CODE if code == OVERVIEW_CODE else province_folder(code, name)
        directory = Path(out_dir).resolve() / folder
        return ReportResult(name, code, period, directory, error=str(exc) or type(exc).__name__)


def render_all(
    period: str,
    data_dir: str | Path = PROCESSED_DIR,
    out_dir: str | Path = REPORTS_DIR,
    progress_bar: bool = True,
    jobs: int | None = None,
    force: bool = False,
    horizon: int | str = TARGET_YEAR,
) -> list[ReportResult]:
    """Render the overview and every province that has data, then ``out_dir/index.html``.

    A report that fails is recorded with its reason (the failing cell) and
    the others still render; check ``result.ok``. ``jobs`` reports render at
    once, each in its own process and kernel (default: one per core). Reports
    whose inputs did not change are kept, unless ``force``.
    """
    label, _ = _check_period(period)
    year = _check_horizon(horizon)
    _check_data_dir(data_dir)
    jobs = jobs or os.cpu_count() or 1
    units = [(OVERVIEW_TITLE, OVERVIEW_CODE)] + [(name, code) for code, name in provinces_with_data(label, data_dir)]
    todo = [(name, code, label, data_dir, out_dir, force, year) for name, code in units]
    with contextlib.ExitStack() as stack:
        mapper = stack.enter_context(ProcessPoolExecutor(min(jobs, len(todo)))).map if jobs > 1 else map
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
    """``out_dir/index.html``: a dashboard of the reports, their status counts and data freshness, sortable."""
    root = Path(out_dir).resolve()
    statuses = [s for s in labels.statuses().values() if s.code not in ("no_data",)]
    rows = []
    for r in results:
        counts = r.summary.get("counts", {}) if r.ok else {}
        latest = r.summary.get("latest")
        rows.append(
            {
                "result": r,
                "href": r.html.relative_to(root).as_posix() if r.ok and r.html else None,
                "pdf": r.pdf.relative_to(root).as_posix() if r.pdf else None,
                "xlsx": r.xlsx.relative_to(root).as_posix() if r.xlsx else None,
                "counts": [counts.get(s.code, 0) for s in statuses],
                "without_data": r.summary.get("without_data", 0),
                "latest": latest or "",
                "latest_text": human_label(latest) if latest else "–",
                "units": f"{r.summary.get('units_reported', 0)}/{r.summary.get('units_total', 0)}" if r.ok else "",
            }
        )
    page = template("index.html.j2").render(
        period=human_label(period), rows=rows, statuses=statuses, overview_code=OVERVIEW_CODE
    )
    path = root / "index.html"
    root.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
