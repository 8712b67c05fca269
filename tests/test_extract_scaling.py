"""Extraction at scale (#15): time linear in a document's length (one-line reports included), batches as documents."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from cpu_time import best_seconds

from cds_analysis.read.documents import read_document
from cds_analysis.rules.extract import extract_document, extract_documents, extract_text

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _report() -> str:
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(RAW.glob("*.txt"))]
    return "\n\n".join(t.replace("\r\n", "\n") for t in texts[:4])


@pytest.mark.parametrize("layout", ["paragraphs", "one line"])
def test_doubling_a_document_about_doubles_its_extraction_time(layout):
    report = _report()
    if layout == "one line":
        report = " ".join(report.split("\n"))  # a saved page or a PDF without line breaks
    joiner = "\n\n" if layout == "paragraphs" else " "
    single, double = joiner.join([report] * 16), joiner.join([report] * 32)  # ~90 and ~180 kB
    extract_text(report)  # catalogues and compiled patterns are built once, not timed
    single_seconds, double_seconds = best_seconds(single, double)
    ratio = double_seconds / single_seconds
    # Linear gives ~2; a rescan per sentence or per number gives ~4. The bound is generous for a noisy machine.
    assert ratio < 3.0, f"{layout}: twice the text took {ratio:.1f}x the time"


def test_doubling_one_line_without_sentence_ends_about_doubles_its_time():
    """Before sentences were bounded, doubling such a line took 4-5 times as long."""
    line = " ".join(_report().split()).replace(". ", ", ")
    line = (line * (48_000 // len(line) + 1))[:48_000]
    extract_text(line[:4000])  # compile the matchers first
    half_seconds, whole_seconds = best_seconds(line[:24_000], line)
    assert whole_seconds / half_seconds < 3.2, f"doubling the line took {whole_seconds / half_seconds:.1f}x the time"


def test_a_batch_gives_the_rows_of_its_documents_one_after_the_other():
    docs = [read_document(p) for p in sorted(RAW.iterdir()) if p.suffix in (".txt", ".html", ".docx", ".pdf")]
    expected = pd.concat([extract_document(d) for d in docs], ignore_index=True)
    pd.testing.assert_frame_equal(extract_documents(docs), expected, check_exact=True)
    pd.testing.assert_frame_equal(extract_documents(docs[:1]), extract_document(docs[0]), check_exact=True)
    pd.testing.assert_frame_equal(extract_documents([]), expected.iloc[:0], check_exact=True)
