"""CPU time of extraction for the tests that check it grows linearly (imported as ``legacy_encodings`` is)."""

from __future__ import annotations

import time

from cds_analysis.rules.extract import extract_text


def best_seconds(*texts: str, rounds: int = 5) -> list[float]:
    """Best CPU time of each text over ``rounds``, the texts taken in turn within a round: the
    machine is shared, and a slow spell then falls on both texts rather than on one."""
    best = [float("inf")] * len(texts)
    for _ in range(rounds):
        for i, text in enumerate(texts):
            start = time.process_time()
            extract_text(text)
            best[i] = min(best[i], time.process_time() - start)
    return best
