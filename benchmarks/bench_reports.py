"""Time rendering every province report of a data dir, plus the overview and index.html, then again unchanged.

Each report is one papermill execution in a fresh kernel, ``--jobs`` at once
(default: one per core). The table says where the time goes (the cells versus
kernel start, HTML export) and what was written; the second run shows what
``run`` costs when no input changed (every report is kept). The last line
extrapolates to the 34 provinces of the current map and the 63 of the old one.

    python benchmarks/bench_reports.py --data data/processed --period 2024-Q4
    python benchmarks/bench_reports.py --data DIR --period 2024 --jobs 1 --out /tmp/reports
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat

from cds_analysis.report import render


def _cell_seconds(result: render.ReportResult) -> float:
    """Seconds the kernel spent in the notebook's cells, from papermill's cell metadata."""
    if result.notebook is None or not result.notebook.is_file():
        return float("nan")
    nb = nbformat.read(result.notebook, as_version=4)
    return sum(c.metadata.get("papermill", {}).get("duration") or 0.0 for c in nb.cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", default="data/processed", help="processed data dir (default data/processed)")
    parser.add_argument("--period", default="2024-Q4", help="reporting period (default 2024-Q4)")
    parser.add_argument("--out", help="output dir (default: a temporary dir, removed afterwards)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="reports rendered at once (default: cores)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out or tmp)
        start = time.perf_counter()
        results = render.render_all(args.period, args.data, out, progress_bar=False, jobs=args.jobs, force=True)
        total = time.perf_counter() - start
        start = time.perf_counter()
        again = render.render_all(args.period, args.data, out, progress_bar=False, jobs=args.jobs)
        unchanged = time.perf_counter() - start

        print(f"{'report':<24} {'ok':>3} {'cells s':>8} {'figures':>8} {'HTML kB':>8} {'PDF kB':>7}")
        for r in results:
            size = r.html.stat().st_size / 1024 if r.html and r.html.is_file() else 0
            pdf = r.pdf.stat().st_size / 1024 if r.pdf else 0
            print(
                f"{r.name:<24} {'yes' if r.ok else 'NO':>3} {_cell_seconds(r):>8.2f} {len(r.figures):>8}"
                f" {size:>8.0f} {pdf:>7.0f}"
            )
        ok = [r for r in results if r.ok]
        cells = sum(_cell_seconds(r) for r in ok) / max(len(ok), 1)
        per_report = total * args.jobs / len(results)  # busy seconds of one worker per report
        print(
            f"\n{len(results)} reports ({len(results) - len(ok)} failed), {sum(len(r.figures) for r in ok)} figures, "
            f"{args.jobs} job(s): {total:.1f} s wall, {total / len(results):.2f} s per report "
            f"({per_report:.2f} s of one worker); a report spends {cells:.2f} s in its cells, "
            "the rest in kernel start and HTML export"
        )
        print(
            f"unchanged inputs: {unchanged:.1f} s wall, {sum(r.skipped for r in again)}/{len(again)} reports kept; "
            f"at {per_report:.2f} s per report on {args.jobs} worker(s): "
            f"34 provinces ≈ {per_report * 35 / args.jobs:.0f} s, 63 provinces ≈ {per_report * 64 / args.jobs:.0f} s"
        )
        for r in results:
            if not r.ok:
                print(f"FAILED {r.name}: {r.error}")


if __name__ == "__main__":
    main()
