"""The `cds-analysis` command line: thin wrappers around the package's functions.

Each command imports what it uses when it runs, so ``--version`` and ``--help``
answer at once. Exit codes: 0 done; 1 done, but a file, row or report was
rejected (see the message or the rejects table); 2 a bad argument, setting or
path (nothing written); 3 another run holds the output folder's lock; 4 the
disk (or quota) is full (the tables of the previous run are untouched).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cds_analysis import __version__
from cds_analysis.config import PROCESSED_DIR, RAW_DIR, REPORTS_DIR, Limits, set_limits
from cds_analysis.errors import CdsError, LockedError
from cds_analysis.log import configure as configure_logging

if TYPE_CHECKING:
    import pandas as pd

    from cds_analysis.pipeline import IngestResult

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTS, EXIT_USAGE, EXIT_LOCKED, EXIT_DISK_FULL = 0, 1, 2, 3, 4


def shown(text: object) -> str:
    """``text`` safe to print on a terminal: control characters (escape sequences in a file name) escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(text))


def _jsonable(value: object) -> object:
    """A value of an observations row as JSON: NaN/NA (and the infinities JSON has no word for) → null,
    dates → ISO strings."""
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):  # datetime and Timestamp too
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    return value


def _write_observations(frame: pd.DataFrame, fmt: str, out: TextIO, header: bool) -> None:
    from cds_analysis.lang.cells import safe_frame
    from cds_analysis.reference.schemas import schema

    frame = frame[schema("observations").names]
    if fmt == "csv":  # report text and file names must not run as formulas in a spreadsheet
        safe_frame(frame).to_csv(out, index=False, header=header, lineterminator="\n")
        return
    for row in frame.to_dict("records"):
        out.write(json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False, allow_nan=False) + "\n")


def _utf8(stream: TextIO) -> TextIO:
    """``stream`` writing UTF-8 whatever the locale says (Vietnamese on a cp1252 console)."""
    if (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream


def _extract(args: argparse.Namespace) -> int:
    from cds_analysis.pipeline import failure_reason, read_and_extract_with_rejects

    out = _utf8(sys.stdout)
    failed = rejected_rows = 0
    for i, path in enumerate(args.paths):
        try:
            _, frame, rejected = read_and_extract_with_rejects(path)
        except Exception as exc:
            logger.debug("%s failed", "cli", exc_info=True)
            failed += 1
            reason, location = failure_reason(exc)
            where = f" ({shown(location)})" if location else ""
            print(f"cds-analysis extract: {shown(path)}: {shown(reason)}{where}", file=sys.stderr)
            continue
        for r in rejected.itertuples():  # rows of a sheet (or facts) that did not make it
            print(f"cds-analysis extract: {shown(path)} ({shown(r.location)}): {shown(r.reason)}", file=sys.stderr)
        rejected_rows += len(rejected)
        _write_observations(frame.assign(source=path), args.format, out, header=i - failed == 0)
        out.flush()
    return 1 if failed or rejected_rows else 0


def _template(args: argparse.Namespace) -> int:
    from cds_analysis.sheets.template import write_template  # imported on use, like the extraction rules

    try:
        path = write_template(args.out, province=args.province, period=args.period)
    except ValueError as exc:  # unknown province or period: say so, without a traceback
        print(f"cds-analysis template: {shown(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an unwritable path, a folder in the way, a full disk
        return _write_failed("template", args.out, exc)
    print(f"template written to {path}", file=_utf8(sys.stdout))
    return 0


def summary(result: IngestResult, out_dir: str) -> str:
    """A few lines saying what an ingest run wrote and what it rejected."""
    lines = [
        f"documents: {result.documents} ({result.documents_read} read, {result.documents_skipped} already ingested)",
        f"observations: {result.observations}",
    ]
    width = max([len(p or "") for p in result.observations_by_province] + [14])
    for province, n in sorted(result.observations_by_province.items(), key=lambda kv: (-kv[1], kv[0] or "~")):
        lines.append(f"  {province or '(no province)':<{width}}  {n:>6}")
    lines.append(f"rejects: {len(result.rejects)}")
    for r in result.rejects:
        where = f" ({shown(r.location)})" if r.location else ""
        lines.append(f"  {shown(r.path)}{where}: {shown(r.reason)} [{r.stage}]")
    lines.append(f"tables written to {shown(out_dir)}")
    return "\n".join(lines)


def _write_failed(command: str, where: str | os.PathLike, exc: OSError) -> int:
    """Say why ``where`` could not be written, in one line; the exit code of a full disk or of a bad path."""
    from cds_analysis.store import is_disk_full

    if is_disk_full(exc):
        print(
            f"cds-analysis {command}: disk full while writing {shown(where)} ({shown(exc.strerror or exc)}); "
            f"free some space and run again (what was there before is unchanged)",
            file=sys.stderr,
        )
        return EXIT_DISK_FULL
    target = f": {shown(exc.filename)}" if exc.filename else ""
    print(
        f"cds-analysis {command}: cannot write {shown(where)} ({shown(exc.strerror or exc)}{target})", file=sys.stderr
    )
    return EXIT_USAGE


def _ingest(
    raw_dir: str | os.PathLike,
    out_dir: str | os.PathLike,
    progress: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
) -> int:
    """Ingest and print a summary; 1, with a one-line summary on stderr, if anything was rejected."""
    # Before Arrow is imported, here and in the workers: its default pool (mimalloc) keeps the pages it
    # freed, and ingest peaked 15-25 % higher with it than with the system allocator, in the same time.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    from cds_analysis.pipeline import ingest

    if not Path(raw_dir).is_dir():  # no raw directory: say so, without a traceback
        print(f"cds-analysis: raw directory {shown(raw_dir)} not found", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = ingest(raw_dir, out_dir, progress=progress, jobs=jobs, scheduler=scheduler)
    except LockedError as exc:
        print(f"cds-analysis: {shown(exc)}", file=sys.stderr)
        return EXIT_LOCKED
    except CdsError as exc:  # a bad setting (SOURCE_DATE_EPOCH, --scheduler without Dask)
        print(f"cds-analysis: {shown(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        return _write_failed("ingest", out_dir, exc)
    print(summary(result, str(out_dir)), file=_utf8(sys.stdout))
    if result.rejects:
        n, files = len(result.rejects), len({r.path for r in result.rejects})
        what = f"{n} rejected file{'s' if n > 1 else ''}"
        if files < n:  # rows of sheets are rejected one by one
            what = f"{n} rejects in {files} file{'s' if files > 1 else ''}"
        print(f"cds-analysis: {what}; see the rejects table in {shown(out_dir)}", file=sys.stderr)
        return EXIT_REJECTS
    return EXIT_OK


def _period_problem(period: str) -> str | None:
    """Why ``period`` cannot be reported on (not a period, or not begun yet), or None."""
    from cds_analysis.lang.periods import parse_period

    try:
        parsed = parse_period(period)
    except ValueError as exc:
        return str(exc)
    if parsed is None:
        return f"not a period: {period!r} (write e.g. '2023-Q2', '2023-H1' or '2023')"
    if parsed.start > dt.date.today():
        return f"period {period!r} has not begun yet: no results can exist for it"
    return None


def _render(
    province: str | None,
    period: str,
    data_dir: str | Path,
    out_dir: str | Path,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
    horizon: int | None = None,
) -> int:
    """Render one province's report, or with ``province`` None every province's and the index."""
    problem = _period_problem(period)
    if problem:
        print(f"cds-analysis report: {shown(problem)}", file=sys.stderr)
        return EXIT_USAGE
    from cds_analysis.reference.targets import TARGET_YEAR
    from cds_analysis.report import render  # charts and kernels cost seconds to import: only when rendering

    horizon = TARGET_YEAR if horizon is None else horizon

    try:
        if province is None:
            results = render.render_all(
                period, data_dir, out_dir, progress_bar=progress, jobs=jobs, force=force, horizon=horizon
            )
        else:
            results = [render.render_report(province, period, data_dir, out_dir, force=force, horizon=horizon)]
    except render.ReportError as exc:
        print(f"cds-analysis report: {shown(exc)}", file=sys.stderr)
        return 1
    except OSError as exc:
        return _write_failed("report", out_dir, exc)
    out = _utf8(sys.stdout)
    for r in results:
        if r.ok:
            print(f"{r.name}: {r.html}{' (unchanged)' if r.skipped else ''}", file=out)
        else:
            print(f"cds-analysis report: {shown(r.name)}: {shown(r.error)}", file=sys.stderr)
    if province is None:
        print(f"index: {Path(out_dir).resolve() / 'index.html'}", file=out)
    return 0 if all(r.ok for r in results) else 1


def run(
    raw_dir: str | Path = RAW_DIR,
    out_dir: str | Path = PROCESSED_DIR,
    reports_dir: str | Path = REPORTS_DIR,
    period: str | None = None,
    progress: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
) -> int:
    """The main job: ingest ``raw_dir``, then render every province's report and the overview.

    ``period`` defaults to the latest quarter with results. The exit code is 1 when a
    file was rejected or a report failed; the reports still render.
    """
    from cds_analysis.analysis.progress import latest_quarter
    from cds_analysis.store import read_table

    problem = period and _period_problem(period)
    if problem:
        print(f"cds-analysis run: {shown(problem)}", file=sys.stderr)
        return EXIT_USAGE
    ingested = _ingest(raw_dir, out_dir, progress=progress, jobs=jobs, scheduler=scheduler)
    if ingested > EXIT_REJECTS:
        return ingested
    period = period or latest_quarter(read_table("observations", out_dir))
    return max(ingested, _render(None, period, out_dir, reports_dir, progress=progress))


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _limit_options(command: argparse.ArgumentParser) -> None:
    """--max-* options, one per field of :class:`Limits` (default: CDS_MAX_* or the built-in limit)."""
    group = command.add_argument_group("limits (a file over one is rejected, the others go on)")
    for field, var in Limits.ENV.items():
        flag = "--max-" + field.replace("_", "-")
        group.add_argument(flag, type=_positive, metavar="N", dest=f"max_{field}", help=f"default ${var} or built in")


def _scale_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--jobs", type=_positive, metavar="N", help="extract in N processes (default: all cores)")
    command.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="extract on a Dask cluster (tcp://host:8786), or 'local' for a LocalCluster of --jobs workers; "
        "needs the [dask] extra",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cds-analysis",
        description="Vietnamese digital-transformation (chuyển đổi số) reports → tidy Parquet tables, "
        "progress against the 2025 targets, charts and quarterly reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="say more (-vv: debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="errors only")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    extract = commands.add_parser("extract", help="print the observations found in files")
    extract.add_argument(
        "paths", nargs="+", metavar="PATH", help="report files (.txt, .html, .docx, .pdf, .xlsx, .csv)"
    )
    extract.add_argument("--format", choices=["jsonl", "csv"], default="jsonl", help="output format (default jsonl)")
    _limit_options(extract)
    extract.set_defaults(run=_extract)

    ing = commands.add_parser("ingest", help="build the Parquet tables from a directory of reports")
    ing.add_argument("raw_dir", nargs="?", default=str(RAW_DIR), metavar="RAW_DIR", help=f"default {RAW_DIR}")
    ing.add_argument("--out", default=str(PROCESSED_DIR), metavar="PROCESSED_DIR", help=f"default {PROCESSED_DIR}")
    ing.add_argument("--no-progress", action="store_true", help="no progress bar")
    _scale_options(ing)
    _limit_options(ing)
    ing.set_defaults(run=lambda a: _ingest(a.raw_dir, a.out, not a.no_progress, a.jobs, a.scheduler))

    template = commands.add_parser("template", help="write the Excel template a district fills in")
    template.add_argument("--out", default="bao_cao_cds.xlsx", metavar="FILE.xlsx", help="default bao_cao_cds.xlsx")
    template.add_argument("--province", metavar="P", help="province whose districts and communes the drop-downs list")
    template.add_argument(
        "--period", metavar="PERIOD", help="reporting period to fill in, e.g. 2024-Q1 or 'Quý I/2024'"
    )
    template.set_defaults(run=_template)

    report = commands.add_parser("report", help="render reports: HTML without code, executed notebook, PNG figures")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--province", help="province name, e.g. 'Quảng Ngãi'")
    which.add_argument("--all", action="store_true", help="every province that has data, the overview and index.html")
    report.add_argument("--period", required=True, help="period label, e.g. 2023-Q2")
    report.add_argument(
        "--horizon",
        type=int,
        metavar="YEAR",
        help="year whose targets the report compares with (default 2025; or 2030)",
    )
    report.add_argument("--data", default=str(PROCESSED_DIR), metavar="PROCESSED_DIR", help=f"default {PROCESSED_DIR}")
    report.add_argument("--out", default=str(REPORTS_DIR), metavar="OUT_DIR", help=f"default {REPORTS_DIR}")
    report.add_argument("--jobs", type=int, metavar="N", help="with --all: render N reports at once (default: cores)")
    report.add_argument("--force", action="store_true", help="render even reports whose inputs did not change")
    report.add_argument("--no-progress", action="store_true", help="no progress bar")
    report.set_defaults(
        run=lambda a: _render(
            None if a.all else a.province, a.period, a.data, a.out, a.jobs, not a.no_progress, a.force, a.horizon
        )
    )

    main_job = commands.add_parser("run", help="the main job: ingest data/raw, then render all reports")
    main_job.add_argument("--raw", default=str(RAW_DIR), metavar="RAW_DIR", help=f"default {RAW_DIR}")
    main_job.add_argument("--out", default=str(PROCESSED_DIR), metavar="PROCESSED_DIR", help=f"default {PROCESSED_DIR}")
    main_job.add_argument("--reports", default=str(REPORTS_DIR), metavar="OUT_DIR", help=f"default {REPORTS_DIR}")
    main_job.add_argument("--period", help="report period (default: the latest quarter with results)")
    main_job.add_argument("--no-progress", action="store_true", help="no progress bar")
    _scale_options(main_job)
    _limit_options(main_job)
    main_job.set_defaults(run=lambda a: run(a.raw, a.out, a.reports, a.period, not a.no_progress, a.jobs, a.scheduler))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(-1 if args.quiet else args.verbose)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        changes = {f: getattr(args, f"max_{f}") for f in Limits.ENV if getattr(args, f"max_{f}", None)}
        set_limits(Limits.from_env(), **changes)
    except CdsError as exc:  # a CDS_MAX_* that is not a number
        print(f"cds-analysis: {shown(exc)}", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "jobs", 0) is None:
        from cds_analysis.pipeline import default_jobs

        args.jobs = default_jobs()
    try:
        return args.run(args)
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
