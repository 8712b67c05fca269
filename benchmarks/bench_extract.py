"""Time ``extract_text`` on a corpus: documents/s and ms/document on one core.

Documents are read first (not timed); each is then extracted ``--repeat`` times.
The first round is reported apart: it is what ingest sees, every report new to
the rules' caches (a sentence or phrase seen before is answered from them, and
generated reports repeat their sentences). The best round is reported too, since
the machine is shared and timings are noisy.
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
    rounds, rows = [], 0
    for _ in range(repeat):
        t0 = time.process_time()
        rows = sum(len(extract_document(d)) for d in docs)
        rounds.append(time.process_time() - t0)
    first, best = rounds[0], min(rounds)
    print(
        f"{len(docs)} documents, {size / 1e6:.2f} MB, {rows} observations (CPU time):\n"
        f"  first pass: {len(docs) / first:.1f} documents/s, {1000 * first / len(docs):.2f} ms/document, "
        f"{size / 1e6 / first:.2f} MB/s\n"
        f"  best of {repeat}: {len(docs) / best:.1f} documents/s, {1000 * best / len(docs):.2f} ms/document"
    )
    if hasattr(extract, "extract_documents"):  # one frame per batch rather than per document
        best = float("inf")
        for _ in range(repeat):
            t0 = time.process_time()
            extract.extract_documents(docs)
            best = min(best, time.process_time() - t0)
        print(
            f"  as one batch, best of {repeat}: {len(docs) / best:.1f} documents/s, {1000 * best / len(docs):.2f} ms/document"
        )


def _baseline(ref: str, paths: list[str], repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        export_revision(ref, tmp)
        env = {**os.environ, "PYTHONPATH": tmp}
        print(f"baseline {ref}: ", end="", flush=True)
        cmd = [sys.executable, str(Path(__file__).resolve()), *paths, "--repeat", str(repeat)]  # timed alike
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
