"""Time ``extract_text`` on a corpus: documents/s and ms/document on one core.

Documents are read first (not timed); each is then extracted ``--repeat`` times
and the best round is reported, since the machine is shared and timings are noisy.
``--baseline REF`` times a git revision of the package on the same documents in
the same run (exported to a temporary directory, run in a subprocess), so the
two figures are comparable.

    python benchmarks/make_corpus.py /tmp/corpus --docs 400
    python benchmarks/bench_extract.py /tmp/corpus ../shared/samples --baseline main
    python benchmarks/bench_extract.py /tmp/corpus --profile 25     # cProfile, top 25 by own time
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import export_revision

SUFFIXES = {".txt", ".html", ".htm", ".docx", ".pdf"}


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        out += sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES) if p.is_dir() else [p]
    return out


def _measure(paths: list[str], repeat: int, profile: int) -> None:
    from cds_analysis.read.documents import read_document
    from cds_analysis.rules import extract

    docs = [read_document(f) for f in _files(paths)]
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    extract_document = extract.extract_document
    extract_document(docs[0])  # warm the catalogues and compiled patterns
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        for d in docs:
            extract_document(d)
        prof.disable()
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(profile)
        print(out.getvalue())
        return
    best, rows = float("inf"), 0
    for _ in range(repeat):
        t0 = time.process_time()
        rows = sum(len(extract_document(d)) for d in docs)
        best = min(best, time.process_time() - t0)
    print(
        f"{len(docs)} documents, {size / 1e6:.2f} MB, {rows} observations: "
        f"{len(docs) / best:.1f} documents/s, {1000 * best / len(docs):.2f} ms/document, "
        f"{size / 1e6 / best:.2f} MB/s (best of {repeat}, CPU time)"
    )
    if hasattr(extract, "extract_documents"):  # one frame per batch rather than per document
        best = float("inf")
        for _ in range(repeat):
            t0 = time.process_time()
            extract.extract_documents(docs)
            best = min(best, time.process_time() - t0)
        print(f"  as one batch: {len(docs) / best:.1f} documents/s, {1000 * best / len(docs):.2f} ms/document")


def _baseline(ref: str, paths: list[str], repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export_revision(ref, tmp)
        env = {**os.environ, "PYTHONPATH": tmp}
        print(f"baseline {ref}: ", end="", flush=True)
        cmd = [sys.executable, str(Path(tmp) / "benchmarks" / "bench_extract.py"), *paths, "--repeat", str(repeat)]
        if not (Path(tmp) / "benchmarks" / "bench_extract.py").exists():
            cmd[1] = str(Path(__file__).resolve())  # a revision older than this script: time it with this one
        subprocess.run(cmd, check=True, env=env, cwd=tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", help="files or directories of documents")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best is reported (default 3)")
    ap.add_argument("--baseline", metavar="REF", help="also time this git revision, in the same run")
    ap.add_argument("--profile", type=int, default=0, metavar="N", help="profile one round, print the top N")
    args = ap.parse_args()
    paths = [str(Path(p).resolve()) for p in args.paths]
    if args.baseline:
        _baseline(args.baseline, paths, args.repeat)
        print("this tree: ", end="", flush=True)
    _measure(paths, args.repeat, args.profile)


if __name__ == "__main__":
    main()
