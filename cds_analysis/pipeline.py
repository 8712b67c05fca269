"""Ingest: every file of the raw directory → the documents, observations and rejects tables.

The tables describe the raw directory as it is: a file removed from it loses
its rows on the next run, a file whose content was ingested before keeps its
old rows (and first ingest time) without being read again, and a file that
cannot be read or extracted is recorded in ``rejects`` while the others go on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from cds_analysis.analysis.conflicts import conflicts
from cds_analysis.analysis.progress import progress_table
from cds_analysis.config import PROCESSED_DIR, RAW_DIR
from cds_analysis.read.documents import FORMATS as TEXT_FORMATS
from cds_analysis.read.documents import Document, ReadError, read_document
from cds_analysis.read.workbooks import SHEET_FORMATS
from cds_analysis.reference.dti import load_dti
from cds_analysis.reference.gazetteer import load_units
from cds_analysis.reference.indicators import load_indicators
from cds_analysis.reference.outcomes import load_outcomes
from cds_analysis.reference.schemas import empty_frame, schema
from cds_analysis.reference.targets import load_targets
from cds_analysis.rules.extract import extract_document
from cds_analysis.sheets.reader import extract_sheet, read_sheet
from cds_analysis.store import TableError, read_table, to_arrow, write_tables
from cds_analysis.versions import rules_version

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "REFERENCE_TABLES",
    "derived_tables",
    "IngestResult",
    "Reject",
    "failure_reason",
    "ingest",
    "raw_files",
    "read_and_extract",
    "read_and_extract_with_rejects",
]


Reader = Callable[[Path], Document]
# An extractor returns the observations of a document, or (observations, rejects) when parts
# of it (rows of a sheet) can fail on their own; such rejects are in the rejects table's columns.
Extractor = Callable[[Document], pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]

# File extension → (reader, extractor), from the readers' own format lists.
FORMATS: dict[str, tuple[Reader, Extractor]] = {
    **{ext: (read_document, extract_document) for ext in TEXT_FORMATS},
    **{ext: (read_sheet, extract_sheet) for ext in SHEET_FORMATS},
}

# Reference tables written beside the extracted ones: table → loader of its frame.
REFERENCE_TABLES: dict[str, Callable[[], pd.DataFrame]] = {
    "units": load_units,
    "indicators": load_indicators,
    "targets": load_targets,
    "outcomes": load_outcomes,
    "dti": load_dti,
}


def derived_tables(observations: pd.DataFrame, documents: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Tables computed from the extracted ones: progress and conflicts."""
    return {
        "progress": progress_table(observations, documents=documents),
        "conflicts": conflicts(observations),
    }


@dataclass(frozen=True)
class Reject:
    """A file (or part of one) that did not make it into the tables, and why."""

    path: str
    document_id: str | None
    location: str | None
    reason: str
    stage: str


@dataclass(frozen=True)
class IngestResult:
    """What one ingest run did: counts for a summary, rejects to act on, files written."""

    documents_read: int
    documents_skipped: int
    observations: int
    observations_by_province: dict[str | None, int]
    rejects: list[Reject]
    tables: dict[str, Path]

    @property
    def documents(self) -> int:
        return self.documents_read + self.documents_skipped


def raw_files(raw_dir: str | os.PathLike) -> list[Path]:
    """Files that ingest reads under ``raw_dir``, sorted: no README.md, nothing hidden."""
    raw = Path(raw_dir)
    found = [
        p
        for p in raw.rglob("*")
        if p.is_file() and p.name != "README.md" and not any(s.startswith(".") for s in p.relative_to(raw).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(raw).as_posix())


def _format_of(path: Path) -> tuple[Reader, Extractor]:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ReadError(path, f"unsupported file type {path.suffix or '(none)'!r}; ingest reads {known}") from None


def _split(found: pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An extractor's result as (observations, rejects)."""
    return found if isinstance(found, tuple) else (found, empty_frame("rejects"))


def read_and_extract_with_rejects(path: str | os.PathLike) -> tuple[Document, pd.DataFrame, pd.DataFrame]:
    """Read one file through :data:`FORMATS`; return it, its observations and the parts of it rejected."""
    reader, extractor = _format_of(Path(path))
    doc = reader(Path(path))
    return doc, *_split(extractor(doc))


def read_and_extract(path: str | os.PathLike) -> tuple[Document, pd.DataFrame]:
    """Read one file through :data:`FORMATS` and extract its observations (rejected rows left out)."""
    doc, observations, _ = read_and_extract_with_rejects(path)
    return doc, observations


def _content_id(path: Path) -> str:
    """The document id: first 16 hex digits of the SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _ingest_time() -> pd.Timestamp:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds), to the second, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return pd.Timestamp.now(tz="UTC").floor("s")
    try:
        return pd.Timestamp(int(epoch), unit="s", tz="UTC")
    except ValueError:
        raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None


def _previous(out_dir: Path) -> tuple[dict[str, dict], pd.DataFrame]:
    """Documents rows (by document id) and observations of an earlier run; empty if none."""
    try:
        docs = read_table("documents", out_dir)
        obs = read_table("observations", out_dir)
    except FileNotFoundError:
        return {}, empty_frame("observations")
    except (TableError, pa.ArrowException, OSError) as exc:
        logger.warning("ignoring the tables in %s, which cannot be read (%s); ingesting every file anew", out_dir, exc)
        return {}, empty_frame("observations")
    return {row["document_id"]: row for row in docs.to_dict("records")}, obs


def _previous_part_rejects(out_dir: Path, reused: dict[str, str]) -> list[Reject]:
    """Rejected parts (rows of a sheet) of the files ingested before: they stay rejected while the file is unchanged."""
    try:
        old = read_table("rejects", out_dir)
    except (FileNotFoundError, TableError, pa.ArrowException, OSError):
        return []
    kept = old[old["document_id"].isin(reused) & old["location"].notna()]
    return [Reject(reused[r.document_id], r.document_id, r.location, r.reason, r.stage) for r in kept.itertuples()]


def _most_frequent(pairs: list[tuple[object, object]]) -> tuple[str | None, str | None]:
    """The name most (name, code) pairs carry, ties to the first, with its first code."""
    counts = Counter(name for name, _ in pairs if isinstance(name, str))
    if not counts:
        return None, None
    top = counts.most_common(1)[0][0]  # stable: among equal counts, the first seen
    return top, next((code for name, code in pairs if name == top and isinstance(code, str)), None)


def _document_row(doc: Document, rel: str, obs: pd.DataFrame, ingested_at: pd.Timestamp) -> dict:
    """The documents row of a freshly read file; its place is the one most of its facts name."""
    cols = {c: obs[c].tolist() for c in ("char_start", "province", "province_code", "district", "district_code")}
    order = sorted(range(len(obs)), key=cols["char_start"].__getitem__)  # text order, for ties
    province, province_code = _most_frequent([(cols["province"][i], cols["province_code"][i]) for i in order])
    district, district_code = _most_frequent(
        [(cols["district"][i], cols["district_code"][i]) for i in order if province in (None, cols["province"][i])]
    )
    return {
        "document_id": doc.document_id,
        "path": rel,
        "format": doc.format,
        "title": doc.title,
        "published": doc.published,
        "province": province,
        "province_code": province_code,
        "district": district,
        "district_code": district_code,
        "n_chars": len(doc.text),
        "n_observations": len(obs),
        "extractor_version": _rules_version(rel),
        "ingested_at": ingested_at,
    }


def _rules_version(path: str) -> str:
    """Version of the rules that read a file of this kind (free text or sheet)."""
    return rules_version("sheet" if Path(path).suffix.lower() in SHEET_FORMATS else "text")


def failure_reason(exc: BaseException) -> tuple[str, str | None]:
    """Reason and location of a file's failure, in the words of a ReadError when it is one."""
    if isinstance(exc, ReadError):
        return exc.reason, exc.location
    return f"{type(exc).__name__}: {exc}", None


def _concat(frames: list[pd.DataFrame], name: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_frame(name)


def ingest(
    raw_dir: str | os.PathLike = RAW_DIR,
    out_dir: str | os.PathLike = PROCESSED_DIR,
    progress: bool = True,
) -> IngestResult:
    """Read, extract and write every file of ``raw_dir`` into the tables of ``out_dir``.

    Files whose content hash is already in ``out_dir``'s documents table keep
    their rows without being read again. A file that fails is recorded in the
    ``rejects`` table (and in the result) and the others go on. The same files
    give the same bytes when SOURCE_DATE_EPOCH is set.
    """
    raw, out = Path(raw_dir), Path(out_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"raw directory {raw} not found")
    now = _ingest_time()
    old_docs, old_obs = _previous(out)
    docs: dict[str, dict] = {}  # raw path → documents row
    obs: dict[str, pd.DataFrame] = {}  # raw path → observations of a file read in this run
    reused: dict[str, str] = {}  # document id → raw path, for files ingested before
    rejects: list[Reject] = []
    first_path: dict[str, str] = {}
    files = raw_files(raw)
    show = progress and sys.stderr.isatty()
    for path in tqdm(files, desc="ingest", unit="file", file=sys.stderr, disable=not show):
        rel = path.relative_to(raw).as_posix()
        doc_id = _content_id(path)
        if doc_id in first_path:
            rejects.append(Reject(rel, doc_id, None, f"same content as {first_path[doc_id]}, ingested once", "read"))
            continue
        first_path[doc_id] = rel
        if doc_id in old_docs and old_docs[doc_id].get("extractor_version") == _rules_version(rel):
            docs[rel] = {**old_docs[doc_id], "path": rel}
            reused[doc_id] = rel
            continue
        stage = "read"
        try:
            reader, extractor = _format_of(path)
            doc = reader(path)
            stage = "extract"
            found, parts_rejected = _split(extractor(doc))
            stage = "validate"
            row = _document_row(doc, rel, found, old_docs.get(doc_id, {}).get("ingested_at", now))
        except Exception as exc:
            logger.debug("%s failed", "pipeline", exc_info=True)
            reason, location = failure_reason(exc)
            rejects.append(Reject(rel, doc_id if stage != "read" else None, location, reason, stage))
            continue
        rejects.extend(Reject(rel, doc_id, r.location, r.reason, r.stage) for r in parts_rejected.itertuples())
        docs[rel] = row
        obs[rel] = found.assign(source=rel)
    rejects += _previous_part_rejects(out, reused)
    kept = old_obs[old_obs["document_id"].isin(reused)]
    observations, invalid = _observations(docs, obs, kept.assign(source=kept["document_id"].map(reused)))
    rejects = sorted(rejects + invalid, key=lambda r: r.path)
    frames = _tables(list(docs.values()), observations, rejects)
    written = write_tables(frames, out)
    by_province = observations["province"].value_counts(dropna=False)
    return IngestResult(
        documents_read=len(docs) - len(reused),
        documents_skipped=len(reused),
        observations=len(observations),
        observations_by_province={(k if isinstance(k, str) else None): int(n) for k, n in by_province.items()},
        rejects=rejects,
        tables=written,
    )


def _observations(
    docs: dict[str, dict], fresh: dict[str, pd.DataFrame], kept: pd.DataFrame
) -> tuple[pd.DataFrame, list[Reject]]:
    """Observations kept from before and read now, as one frame, minus those that do not fit.

    The whole table is checked at once; only when that fails is each fresh
    document checked, to drop and name the ones at fault (from ``docs`` too).
    """
    try:
        table = _concat([kept, *fresh.values()], "observations")
        to_arrow(table, "observations")
        return table, []
    except TableError:
        pass
    invalid = []
    for rel, frame in list(fresh.items()):
        try:
            to_arrow(frame, "observations")
        except TableError as exc:
            invalid.append(Reject(rel, docs[rel]["document_id"], None, str(exc), "validate"))
            del fresh[rel], docs[rel]
    return _concat([kept, *fresh.values()], "observations"), invalid


def _tables(docs: list[dict], observations: pd.DataFrame, rejects: list[Reject]) -> dict[str, pd.DataFrame]:
    """The frames ingest writes: extracted tables, reference tables, progress."""
    frames = {
        "documents": pd.DataFrame(docs, columns=schema("documents").names) if docs else empty_frame("documents"),
        "observations": observations,
        "rejects": pd.DataFrame([asdict(r) for r in rejects], columns=schema("rejects").names),
    }
    for table, load in REFERENCE_TABLES.items():
        frames[table] = load()
    frames.update(derived_tables(frames["observations"], frames["documents"]))
    return frames
