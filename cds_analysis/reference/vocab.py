"""Vocabularies: the report words the rules look for, kept as data beside the catalogue.

An analyst adds a goal phrase, a header spelling or a unit word by adding a line to a CSV
file in ``reference/data/vocab/``, without touching Python. Each file starts with ``#``
comment lines that say what its columns mean; :data:`VOCABULARIES` declares, once, the
columns each file must have, which column is its key and the values a column may take.
A malformed file fails at load with the file, line and reason. The rules that use a
vocabulary build their patterns from it (longest phrase first), so the grammar stays in
code and the words in data; because the files are hashed into the rules version
(:mod:`cds_analysis.versions`), a changed vocabulary re-extracts the files on the next ingest.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from cds_analysis.config import PACKAGE_DATA
from cds_analysis.errors import VocabularyError
from cds_analysis.lang.text import fold_key, normalize

__all__ = ["VOCABULARIES", "Vocabulary", "load_vocabulary", "phrase_pattern"]

VOCAB_DIR = PACKAGE_DATA / "vocab"


@dataclass(frozen=True)
class Vocabulary:
    """What a vocabulary file must hold: its columns, its key and each column's allowed values."""

    columns: tuple[str, ...]
    key: str
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)


VOCABULARIES: dict[str, Vocabulary] = {
    "goal_cues": Vocabulary(
        columns=("phrase", "reach"),
        key="phrase",
        allowed={"reach": frozenset({"sentence"})},
    ),
    "table_headers": Vocabulary(
        columns=("header", "role"),
        key="header",
        allowed={
            "role": frozenset(
                {
                    "row_number",
                    "province",
                    "district",
                    "commune",
                    "place",
                    "indicator",
                    "code",
                    "period",
                    "value",
                    "target",
                    "ratio",
                    "numerator",
                    "denominator",
                    "unit",
                    "note",
                }
            )
        },
    ),
    "family_names": Vocabulary(columns=("name",), key="name"),
    "digital_words": Vocabulary(columns=("phrase",), key="phrase"),
    "national_bodies": Vocabulary(columns=("name",), key="name"),
    "counted_nouns": Vocabulary(
        columns=("noun", "role"),
        key="noun",
        allowed={"role": frozenset({"not_measure", "duration", "people", "place_unit"})},
    ),
}


@cache
def load_vocabulary(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """The rows of vocabulary ``name`` (NFC-normalised), checked against :data:`VOCABULARIES`."""
    if name not in VOCABULARIES:
        raise VocabularyError(f"unknown vocabulary {name!r}; known: {', '.join(sorted(VOCABULARIES))}")
    spec = VOCABULARIES[name]
    path = Path(path) if path else VOCAB_DIR / f"{name}.csv"
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, start=1) if line.strip() and not line.startswith("#")]
    if not lines:
        raise VocabularyError(f"{path}: no header line")
    header_line, header = lines[0][0], next(csv.reader([lines[0][1]]))
    if tuple(h.strip() for h in header) != spec.columns:
        raise VocabularyError(
            f"{path}:{header_line}: columns must be {', '.join(spec.columns)}; found {', '.join(header)}"
        )
    for number, line in lines[1:]:
        cells = [normalize(c.strip()) for c in next(csv.reader([line]))]
        where = f"{path}:{number}"
        if len(cells) != len(spec.columns):
            raise VocabularyError(f"{where}: {len(cells)} cells where the header has {len(spec.columns)}")
        row = dict(zip(spec.columns, cells))
        for column, value in row.items():
            if not value:
                raise VocabularyError(f"{where}: empty {column}")
            if column in spec.allowed and value not in spec.allowed[column]:
                allowed = ", ".join(sorted(spec.allowed[column]))
                raise VocabularyError(f"{where}: {column} {value!r} is not one of {allowed}")
        key = fold_key(row[spec.key])
        if key in seen:
            raise VocabularyError(f"{where}: {row[spec.key]!r} repeats line {seen[key]}")
        seen[key] = number
        rows.append(row)
    return pd.DataFrame(rows, columns=list(spec.columns))


def phrase_pattern(phrases: list[str] | pd.Series) -> str:
    """A regex alternation of ``phrases``, longest first, any run of spaces between words."""
    ordered = sorted({p for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in ordered)
