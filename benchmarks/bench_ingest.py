"""Ingest throughput, side by side: bare reading, extraction on one core, ingest on all cores, on Dask.

The corpus (``make_corpus.py``: bundled reports varied, 2–10 kB each) is
written to a temporary directory for each size. Timed, in one run, each stage
in a fresh child process (so one stage's memory is not counted in the next):

- read + NFC: reading and normalising every file (NFC, one tone-mark placement), the least ingest must do;
- extract, 1 core: ``extract_document`` on every document, one after another;
- ingest, 1 process: the whole ``ingest`` (tables, progress, conflicts) in one process;
- ingest, N cores: the same with a process pool of N (default: all cores);
- ingest again: the same command over the tables just written, every file unchanged (hashed, rows kept);
- ingest, Dask 2 workers: the same on a LocalCluster of two worker processes (needs the [dask] extra).

Each as documents/s and MB/s of raw text, with the peak resident memory of the
stage's process and of the largest process it started (pool or Dask workers).
``--baseline REF`` runs the same stages with a git revision of the package on
the same corpus, in the same run, a row under each of this tree's. Timings on
a shared machine are noisy: compare rows of one run, not runs.

    python benchmarks/bench_ingest.py                                   # 200 documents
    python benchmarks/bench_ingest.py --docs 1000 5000 20000 --baseline 0315632
    python benchmarks/bench_ingest.py --docs 20000 --stages pool dask   # some stages only
    python benchmarks/bench_ingest.py --long-line 16000      # one line without sentence ends, doubled 3 times
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from measure import export_revision, memory_mb

HERE = Path(__file__).resolve()
STAGES = {
    "read": "read + NFC",
    "extract": "extract, 1 core",
    "one": "ingest, 1 process",
    "pool": "ingest, {jobs} processes",
    "rerun": "ingest again, unchanged",
    "dask": "ingest, Dask 2 workers",
}


class DescendantsPeak(threading.Thread):
    """Largest peak resident memory of any process started below this one (pool workers, the
    forkserver's children, Dask's nannies and workers), sampled a few times a second from /proc:
    the kernel's own figure for children counts only those already waited for."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.done = 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            parents: dict[int, int] = {}
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                parents[int(stat.parent.name)] = int(fields[1])
            for pid in parents:
                ancestor = parents.get(pid)
                while ancestor and ancestor != os.getpid():
                    ancestor = parents.get(ancestor)
                if ancestor:
                    self.peak = max(self.peak, memory_mb(pid=pid))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return self.peak


def run_stage(stage: str, raw: Path, out: Path, jobs: int) -> dict:
    """Run one stage here (in the child process) and say how long it took and how much memory it held."""
    from cds_analysis.lang.text import NormalizedText
    from cds_analysis.pipeline import ingest
    from cds_analysis.read.documents import read_document
    from cds_analysis.rules.extract import extract_document

    paths = sorted(raw.iterdir())
    work: dict[str, Callable[[], object]] = {
        "read": lambda: sum(len(NormalizedText.of(read_document(p).text).text) for p in paths),
        "extract": lambda: sum(len(extract_document(read_document(p))) for p in paths),
        "one": lambda: ingest(raw, out / "one", progress=False, jobs=1),
        "pool": lambda: ingest(raw, out / "pool", progress=False, jobs=jobs),
        "rerun": lambda: ingest(raw, out / "pool", progress=False, jobs=jobs),  # every file kept
        "dask": lambda: ingest(raw, out / "dask", progress=False, jobs=2, scheduler="local"),
    }
    if stage == "extract":
        extract_document(read_document(paths[0]))  # the catalogues and patterns, loaded once per process
    if stage == "rerun" and not (out / "pool").exists():
        ingest(raw, out / "pool", progress=False, jobs=jobs)  # '--stages rerun' alone: the tables to rerun over
    below = DescendantsPeak()
    below.start()
    start = time.perf_counter()
    work[stage]()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": memory_mb(), "children_mb": below.stop()}


def in_child(stage: str, raw: Path, out: Path, jobs: int, package: Path | None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(package or HERE.parents[1])}
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # as `cds-analysis ingest` runs (cli._ingest), both trees
    cmd = [sys.executable, str(HERE), "--child", stage, "--raw", str(raw), "--out", str(out), "--jobs", str(jobs)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"stage {stage} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench(n_docs: int, jobs: int, stages: list[str], baseline: tuple[str, Path] | None) -> None:
    from make_corpus import make_corpus

    with tempfile.TemporaryDirectory(prefix="cds-bench-") as tmp:
        raw = Path(tmp) / "raw"
        paths = make_corpus(raw, n_docs, seed=0)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        print(f"\n{n_docs} documents, {megabytes:.1f} MB")
        print(f"  {'stage':<24} {'tree':<10} {'docs/s':>9} {'MB/s':>8} {'seconds':>8} {'peak MB':>8} {'child MB':>8}")
        trees: list[tuple[str, Path | None]] = [("this", None), *([baseline] if baseline else [])]
        for stage in stages:
            for name, package in trees:
                out = Path(tmp) / name
                r = in_child(stage, raw, out, jobs, package)
                child = f"{r['children_mb']:8.0f}" if stage in ("pool", "dask") else f"{'–':>8}"
                label = STAGES[stage].format(jobs=jobs)
                print(
                    f"  {label:<24} {name:<10} {n_docs / r['seconds']:9.1f} {megabytes / r['seconds']:8.2f} "
                    f"{r['seconds']:8.1f} {r['peak_mb']:8.0f} {child}",
                    flush=True,
                )
        if {"one", "pool"} <= set(stages):
            same = (Path(tmp) / "this" / "one" / "observations.parquet").read_bytes() == (
                Path(tmp) / "this" / "pool" / "observations.parquet"
            ).read_bytes()
            print(f"  observations of 1 process and {jobs} processes identical: {same}")


def long_line(chars: int, doublings: int = 3) -> None:
    """Extraction time of one line without sentence ends as it doubles: linear time doubles too."""
    from cds_analysis.read.documents import read_document
    from cds_analysis.rules.extract import extract_text

    template = read_document(sorted((HERE.parents[1] / "data" / "raw").glob("*.txt"))[0]).text
    line = " ".join(template.split()).replace(". ", ", ")
    line = (line * (chars * 2**doublings // len(line) + 1))[: chars * 2**doublings]
    extract_text(line[:4000])  # compile the matchers first
    print(f"\none line without sentence ends\n  {'characters':>10} {'seconds':>8} {'× previous':>10}")
    previous = None
    for k in range(doublings + 1):
        n = chars * 2**k
        start = time.perf_counter()
        extract_text(line[:n])
        seconds = time.perf_counter() - start
        ratio = f"{seconds / previous:10.2f}" if previous else f"{'':>10}"
        print(f"  {n:>10} {seconds:8.2f} {ratio}")
        previous = seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[200], metavar="N", help="corpus sizes (default 200)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes of the pool (default: cores)")
    parser.add_argument("--stages", nargs="+", choices=list(STAGES), default=list(STAGES), help="stages to run")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask LocalCluster")
    parser.add_argument("--baseline", metavar="REF", help="also run the stages with this git revision, same corpus")
    parser.add_argument("--long-line", type=int, metavar="CHARS", help="only the long-line doubling benchmark")
    parser.add_argument("--child", choices=list(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_stage(args.child, args.raw, args.out, args.jobs)))
        return
    if args.long_line:
        long_line(args.long_line)
        return
    stages = [s for s in args.stages if not (s == "dask" and args.no_dask)]
    with tempfile.TemporaryDirectory(prefix="cds-baseline-") as tmp:
        baseline = (args.baseline, export_revision(args.baseline, tmp)) if args.baseline else None
        for n in args.docs:
            bench(n, args.jobs, stages, baseline)


if __name__ == "__main__":
    main()
