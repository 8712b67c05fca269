"""Ingest throughput on a synthetic corpus of report-like documents, beside merely reading them.

The corpus (``make_corpus.py``: bundled reports varied, 2–10 kB each) is
written to a temporary directory. Timed, in one process: reading and
NFC-normalising every file; the full ``ingest`` into a temporary out dir;
``extract_document`` alone per document; then a cProfile of extraction on a
slice, to show where its time goes. Peak memory is the resident high-water
mark of each stage (Linux resets it per stage; elsewhere it is the process's).
The goal is 300 documents per second per core.

    python benchmarks/bench_ingest.py                   # 5000 documents
    python benchmarks/bench_ingest.py --docs 20000 --keep /tmp/corpus
    python benchmarks/bench_ingest.py --same-province    # ~300 reports per province
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import tempfile
import time
from pathlib import Path

from make_corpus import make_corpus

from cds_analysis.lang.text import NormalizedText
from cds_analysis.pipeline import ingest
from cds_analysis.read.documents import read_document
from cds_analysis.rules.extract import extract_document

GOAL = 300  # documents per second per core


def reset_peak() -> None:
    """Start a new peak-RSS window (Linux); elsewhere the process peak is reported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def rss_mb(field: str = "VmHWM") -> float:
    """Peak (VmHWM) or current (VmRSS) resident memory in MB; ru_maxrss where /proc is missing."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
        return next(int(line.split()[1]) for line in lines if line.startswith(field)) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(stage, *args) -> tuple[float, float, float, float, object]:
    """Wall seconds, CPU seconds, resident MB at the start, peak MB and result of ``stage(*args)``.

    CPU time is what the per-core goal is about; on a shared machine it moves
    less than wall time does.
    """
    reset_peak()
    before = rss_mb("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    result = stage(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, before, rss_mb(), result


def read_all(paths: list[Path]) -> int:
    """Read and normalise every file, as ingest must at the least; returns the characters seen."""
    return sum(len(NormalizedText.of(read_document(p).text).text) for p in paths)


def extract_each(docs: list) -> list[float]:
    """Seconds that ``extract_document`` takes on each document."""
    times = []
    for doc in docs:
        start = time.perf_counter()
        extract_document(doc)
        times.append(time.perf_counter() - start)
    return times


def print_profile(docs: list, top: int = 15) -> None:
    """The functions where extraction spends its time, by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(extract_each, docs)
    stats = pstats.Stats(profiler).stats  # (file, line, function) → (prim calls, calls, own, cumulative, callers)
    total = max(cum for _, _, _, cum, _ in stats.values())
    stats = {key: row for key, row in stats.items() if key[0] != __file__}

    def name(key: tuple) -> str:
        file, line, func = key
        return f"{Path(file).name}:{line} {func}" if line else func

    for title, column, n in (("cumulative", 3, top), ("own time", 2, 10)):
        print(f"\nextraction of {len(docs)} documents under cProfile ({total:.1f} s), top {n} by {title}:")
        print(f"{'cum s':>7} {'own s':>7} {'share':>6} {'calls':>9}  function")
        for key, (_, calls, own, cum, _) in sorted(stats.items(), key=lambda kv: -kv[1][column])[:n]:
            print(f"{cum:7.2f} {own:7.2f} {(cum if column == 3 else own) / total:6.0%} {calls:9d}  {name(key)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents in the corpus (default 5000)")
    parser.add_argument("--keep", help="write the corpus here and keep it (default: a temporary dir)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--same-province", action="store_true", help="keep each template's province (stress case)")
    parser.add_argument("--extract-docs", type=int, default=300, help="documents timed for extraction alone")
    parser.add_argument("--profile-docs", type=int, default=300, help="documents profiled")
    args = parser.parse_args()
    if args.keep and Path(args.keep).exists() and any(Path(args.keep).iterdir()):
        parser.error(f"--keep {args.keep}: the directory is not empty; ingest would read its other files too")

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(args.keep) if args.keep else Path(tmp) / "raw"
        start = time.perf_counter()
        paths = make_corpus(raw, args.docs, args.seed, args.same_province)
        sizes = sorted(p.stat().st_size for p in paths)
        mb = sum(sizes) / 1e6
        print(
            f"corpus: {len(paths)} documents, {mb:.1f} MB, {sizes[0] / 1e3:.1f}–{sizes[-1] / 1e3:.1f} kB "
            f"(median {sizes[len(sizes) // 2] / 1e3:.1f}), written in {time.perf_counter() - start:.1f} s to {raw}"
        )

        read = timed(read_all, paths)
        full = timed(ingest, raw, Path(tmp) / "processed", False)
        result = full[-1]
        print(
            f"ingest: {result.documents_read} documents read, {result.observations} observations, "
            f"{len(result.rejects)} rejects"
        )

        docs = [read_document(p) for p in paths[: args.extract_docs]]
        doc_mb = sum(len(d.text.encode()) for d in docs) / 1e6
        alone = timed(extract_each, docs)
        ms = sorted(t * 1e3 for t in alone[-1])
        print(
            f"extract_document alone: {statistics.mean(ms):.1f} ms per document on average, median "
            f"{statistics.median(ms):.1f}, 95th percentile {ms[int(0.95 * len(ms))]:.1f}, max {ms[-1]:.1f}"
        )
        print_profile(docs[: args.profile_docs])

    print(
        f"\n{'stage':<24} {'docs':>6} {'wall s':>7} {'CPU s':>7} {'docs/s':>7} {'docs/CPU s':>10} "
        f"{'MB/s':>6} {'start MB':>8} {'peak MB':>8}"
    )
    for stage, n, size, (wall, cpu, before, peak, _) in (
        ("read + normalise", len(paths), mb, read),
        ("full ingest", len(paths), mb, full),
        ("extract_document alone", len(docs), doc_mb, alone),
    ):
        print(
            f"{stage:<24} {n:>6} {wall:>7.1f} {cpu:>7.1f} {n / wall:>7.0f} {n / cpu:>10.0f} {size / wall:>6.2f} "
            f"{before:>8.0f} {peak:>8.0f}"
        )
    rate = len(paths) / full[1]
    print(
        f"full / read: {full[0] / read[0]:.0f}x the wall time, {full[1] / read[1]:.0f}x the CPU time; ingest "
        f"{rate:.0f} documents per CPU second (one process), {rate / GOAL:.0%} of the {GOAL}/s per core goal"
    )


if __name__ == "__main__":
    main()
