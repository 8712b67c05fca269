"""Ingest throughput, side by side: bare reading, extraction on one core, ingest on all cores, on Dask.

The corpus (``make_corpus.py``: bundled reports varied, 2–10 kB each) is
written to a temporary directory for each size. Timed, in one run:

- read + NFC: reading and normalising every file, the least ingest must do;
- extract, 1 core: ``extract_document`` on every document, in this process;
- ingest, N cores: the whole ``ingest`` (tables, progress, conflicts) with a process pool;
- ingest, Dask 2 workers: the same on a LocalCluster of two worker processes (needs the [dask] extra).

Each as documents/s and MB/s of raw text, with the peak resident memory of this
process and of the largest child process (pool or Dask workers). Timings on a
shared machine are noisy: compare rows of one run, not runs.

    python benchmarks/bench_ingest.py                        # 200 documents
    python benchmarks/bench_ingest.py --docs 1000 5000 20000
    python benchmarks/bench_ingest.py --long-line 16000      # one line without sentence ends, doubled 3 times
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from make_corpus import make_corpus

from cds_analysis.lang.text import NormalizedText
from cds_analysis.pipeline import default_jobs, ingest
from cds_analysis.read.documents import read_document
from cds_analysis.rules.extract import extract_document, extract_text


def reset_peak() -> None:
    """Start a new peak-RSS window for this process (Linux); elsewhere the process peak is reported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_mb() -> float:
    """Peak resident memory of this process since :func:`reset_peak`, in MB."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in lines if line.startswith("VmHWM")) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_mb() -> float:
    """Largest peak resident memory of any finished child process, in MB (0 when none ran)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def stage(name: str, run: Callable[[], object], n_docs: int, megabytes: float) -> None:
    reset_peak()
    children_before = children_peak_mb()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    children = children_peak_mb()
    child = f"{children:8.0f}" if children > children_before else f"{'–':>8}"
    print(f"  {name:<24} {n_docs / seconds:9.1f} {megabytes / seconds:8.2f} {seconds:8.1f} {peak_mb():8.0f} {child}")


def bench(n_docs: int, jobs: int, dask: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="cds-bench-") as tmp:
        raw = Path(tmp) / "raw"
        paths = make_corpus(raw, n_docs, seed=0)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        print(f"\n{n_docs} documents, {megabytes:.1f} MB")
        print(f"  {'stage':<24} {'docs/s':>9} {'MB/s':>8} {'seconds':>8} {'peak MB':>8} {'child MB':>8}")
        stage("read + NFC", lambda: [NormalizedText.of(read_document(p).text) for p in paths], n_docs, megabytes)
        stage("extract, 1 core", lambda: [extract_document(read_document(p)) for p in paths], n_docs, megabytes)
        stage("ingest, 1 process", lambda: ingest(raw, Path(tmp) / "one", progress=False, jobs=1), n_docs, megabytes)
        stage(
            f"ingest, {jobs} processes",
            lambda: ingest(raw, Path(tmp) / "pool", progress=False, jobs=jobs),
            n_docs,
            megabytes,
        )
        if dask:
            stage(
                "ingest, Dask 2 workers",
                lambda: ingest(raw, Path(tmp) / "dask", progress=False, jobs=2, scheduler="local"),
                n_docs,
                megabytes,
            )
        same = (Path(tmp) / "one" / "observations.parquet").read_bytes() == (
            Path(tmp) / "pool" / "observations.parquet"
        ).read_bytes()
        print(f"  observations of 1 process and {jobs} processes identical: {same}")


def long_line(chars: int, doublings: int = 3) -> None:
    """Extraction time of one line without sentence ends as it doubles: linear time doubles too."""
    template = read_document(sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))[0]).text
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
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes of the pool (default: all cores)")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask LocalCluster")
    parser.add_argument("--long-line", type=int, metavar="CHARS", help="only the long-line doubling benchmark")
    args = parser.parse_args()
    if args.long_line:
        long_line(args.long_line)
        return
    for n in args.docs:
        bench(n, args.jobs, not args.no_dask)


if __name__ == "__main__":
    main()
