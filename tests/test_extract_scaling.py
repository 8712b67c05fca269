"""Extraction time grows linearly with a document's length, a report printed on one line included (#15)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cds_analysis.rules.extract import extract_text

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _report() -> str:
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(RAW.glob("*.txt"))]
    return "\n\n".join(t.replace("\r\n", "\n") for t in texts[:4])


def _seconds(text: str) -> float:
    """Best of three CPU times (the machine is shared; the best is the least disturbed)."""
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        extract_text(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("layout", ["paragraphs", "one line"])
def test_doubling_a_document_about_doubles_its_extraction_time(layout):
    report = _report()
    if layout == "one line":
        report = " ".join(report.split("\n"))  # a saved page or a PDF without line breaks
    joiner = "\n\n" if layout == "paragraphs" else " "
    single, double = joiner.join([report] * 16), joiner.join([report] * 32)  # ~90 and ~180 kB
    extract_text(report)  # catalogues and compiled patterns are built once, not timed
    ratio = _seconds(double) / _seconds(single)
    # Linear gives ~2; a rescan per sentence or per number gives ~4. The bound is generous for a noisy machine.
    assert ratio < 3.0, f"{layout}: twice the text took {ratio:.1f}x the time"
