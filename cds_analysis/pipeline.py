"""Ingest: every file of the raw directory → the documents, observations and rejects tables.

The tables describe the raw directory as it is: a file removed from it loses
its rows on the next run, a file whose content was ingested before keeps its
old rows (and first ingest time) without being read again, and a file that
cannot be read or extracted is recorded in ``rejects`` while the others go on.

Files are listed and hashed here; reading and extraction run in this process,
in a process pool or on Dask workers (:func:`_work`, the same code everywhere),
and their outcomes come back in path order, so the tables are the same bytes
however they were computed. Observations are written in row groups as they
come; the run's tables are published together by :class:`~cds_analysis.store.RunWriter`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import multiprocessing
import multiprocessing.context
import os
import sys
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm import tqdm

from cds_analysis.analysis.conflicts import INPUT_COLUMNS as CONFLICTS_COLUMNS
from cds_analysis.analysis.conflicts import conflicts_in_parts
from cds_analysis.analysis.progress import INPUT_COLUMNS as PROGRESS_COLUMNS
from cds_analysis.analysis.progress import progress_by_province
from cds_analysis.config import PROCESSED_DIR, RAW_DIR, Limits, limits, set_limits
from cds_analysis.errors import CdsError, ConfigError
from cds_analysis.read.documents import FORMATS as TEXT_FORMATS
from cds_analysis.read.documents import Document, ReadError, read_document
from cds_analysis.read.limits import check_file
from cds_analysis.read.workbooks import SHEET_FORMATS
from cds_analysis.reference.dti import load_dti
from cds_analysis.reference.gazetteer import load_units
from cds_analysis.reference.indicators import load_indicators
from cds_analysis.reference.outcomes import load_outcomes
from cds_analysis.reference.schemas import empty_frame, schema
from cds_analysis.reference.targets import load_targets
from cds_analysis.rules.extract import extract_document, extract_documents
from cds_analysis.sheets.reader import extract_sheet, read_sheet
from cds_analysis.store import (
    NATURAL_KEYS,
    ROW_GROUP,
    RowGroupReader,
    RunWriter,
    TableError,
    locked,
    read_arrow,
    read_table,
    to_arrow,
)
from cds_analysis.versions import rules_version

logger = logging.getLogger(__name__)

__all__ = [
    "DERIVED_TABLES",
    "FORMATS",
    "REFERENCE_TABLES",
    "default_jobs",
    "scan",
    "IngestResult",
    "Reject",
    "failure_reason",
    "ingest",
    "raw_files",
    "read_and_extract",
    "read_and_extract_with_rejects",
]


Reader = Callable[..., Document]
# An extractor returns the observations of a document, or (observations, rejects) when parts
# of it (rows of a sheet) can fail on their own; such rejects are in the rejects table's columns.
Extractor = Callable[..., pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]]

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


# Tables computed from the extracted ones: table → (the observation columns it reads, maker from
# (parts, documents)). ``parts`` maps the current province codes of a part (None: no province) to
# a function reading the part's observations, those columns only: at a country's scale the
# observations, not the tables, fill memory, and a unit's figures never leave its province.
# ``documents`` holds the DOCUMENT_COLUMNS of the documents table.
Parts = dict[tuple[str | None, ...], Callable[[], pd.DataFrame]]
DOCUMENT_COLUMNS = ("document_id", "published")  # what of the documents table the makers read
DOCUMENT_ROWS = 1_000  # documents rows gathered as dicts before they become an Arrow table
ROWS_PER_PART = 100_000  # provinces are read together up to this many observations (a larger one alone)
DERIVED_TABLES: dict[str, tuple[tuple[str, ...], Callable[[Parts, pd.DataFrame], pd.DataFrame]]] = {
    "progress": (PROGRESS_COLUMNS, lambda parts, documents: progress_by_province(parts, documents=documents)),
    "conflicts": (CONFLICTS_COLUMNS, lambda parts, documents: conflicts_in_parts(read() for read in parts.values())),
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


def raw_files(raw_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Files that ingest reads under ``raw_dir``, sorted: no README.md, nothing hidden, nothing under
    ``out_dir``, no link leaving ``raw_dir`` (:func:`scan` says why each is left out)."""
    return scan(raw_dir, out_dir)[0]


def scan(raw_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None) -> tuple[list[Path], list[Reject]]:
    """The files ingest reads under ``raw_dir`` (sorted) and the entries it refuses, with why.

    Links are not followed out of ``raw_dir``: a link to a file or folder outside it
    is refused (its sentences would become evidence without anyone having put
    them there); a link to a folder inside it is skipped (its files are read
    where they are). An ``out_dir`` inside ``raw_dir`` is skipped, so that the
    tables are not read as input.
    """
    raw = Path(raw_dir)
    root = raw.resolve()
    out = Path(out_dir).resolve() if out_dir is not None else None
    found: list[Path] = []
    refused: list[Reject] = []
    for folder, dirs, names in os.walk(raw):
        here = Path(folder)
        kept = []
        for d in sorted(dirs):
            path = here / d
            if d.startswith(".") or (out is not None and path.resolve() == out):
                continue
            if path.is_symlink():
                if not path.resolve().is_relative_to(root):
                    refused.append(_link_reject(raw, path))
                continue
            kept.append(d)
        dirs[:] = kept
        for name in names:
            path = here / name
            if name.startswith(".") or name == "README.md":
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                refused.append(_link_reject(raw, path))
                continue
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(raw).as_posix()), refused


def _link_reject(raw: Path, path: Path) -> Reject:
    reason = "symbolic link to something outside the raw folder; not followed (copy the file in to ingest it)"
    return Reject(path.relative_to(raw).as_posix(), None, None, reason, "read")


def _format_of(path: Path) -> tuple[Reader, Extractor]:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise ReadError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; ingest reads {known}") from None


def _split(found: pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An extractor's result as (observations, rejects), impossible numbers moved to the rejects."""
    observations, rejects = found if isinstance(found, tuple) else (found, empty_frame("rejects"))
    return _without_impossible(observations, rejects)


def _without_impossible(observations: pd.DataFrame, rejects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations whose value, numerator or denominator is infinite or NaN ('1e309' in a cell), or whose
    denominator is zero ('1.458/0'), become rejects naming their evidence: no reader of the tables
    (JSON, charts, sums) can do anything right with them."""
    if observations.empty:
        return observations, rejects
    value, numerator, denominator = (
        pd.to_numeric(observations[c], errors="coerce").to_numpy(float) for c in ("value", "numerator", "denominator")
    )
    zero = denominator == 0
    bad = ~np.isfinite(value) | np.isinf(numerator) | np.isinf(denominator) | zero
    if not bad.any():
        return observations, rejects
    wrong = observations[bad]
    found = pd.DataFrame(
        {
            "path": wrong["source"] if "source" in wrong else "",
            "document_id": wrong["document_id"],
            "location": [f"{e!s:.80}" for e in wrong["evidence"]],
            "reason": ["denominator is zero" if z else "not a finite number" for z in zero[bad]],
            "stage": "validate",
        }
    )
    return observations[~bad], pd.concat([rejects, found], ignore_index=True) if len(rejects) else found


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
    """:func:`cds_analysis.read.documents.content_id` of the file, read in chunks (before deciding to read it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def _ingest_time() -> pd.Timestamp:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds), to the second, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return pd.Timestamp.now(tz="UTC").floor("s")
    try:
        return pd.Timestamp(int(epoch), unit="s", tz="UTC")
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        raise ConfigError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}") from None


def _previous(out_dir: Path) -> tuple[pa.Table, RowGroupReader | None]:
    """The documents and observations tables of an earlier run; an empty documents table if none.

    Kept as Arrow, not as a row dict per document: at a country's scale the
    dicts held more than the table's 270 bytes a document.
    """
    try:
        docs = read_arrow("documents", out_dir)
        obs = RowGroupReader("observations", out_dir)
    except FileNotFoundError:
        return schema("documents").empty_table(), None
    except (TableError, pa.ArrowException, OSError) as exc:
        logger.warning("ignoring the tables in %s, which cannot be read (%s); ingesting every file anew", out_dir, exc)
        return schema("documents").empty_table(), None
    return docs, obs


class _DocumentRows:
    """The documents rows of the files read now, turned into Arrow tables :data:`DOCUMENT_ROWS` at a
    time: a row kept as a dict costs ~700 bytes (a report's path and title included), held to the
    run's end; in Arrow it costs less than half of that (~310 bytes)."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []
        self.rows: list[dict] = []
        self.count = 0

    def add(self, row: dict) -> None:
        self.rows.append(row)
        self.count += 1
        if len(self.rows) >= DOCUMENT_ROWS:
            self.tables.append(self._table())

    def _table(self) -> pa.Table:
        table = to_arrow(pd.DataFrame(self.rows, columns=schema("documents").names), "documents")
        self.rows = []
        return table

    def table(self) -> pa.Table:
        return pa.concat_tables([*self.tables, self._table()])


def _documents(fresh: pa.Table, old: pa.Table, old_row: dict[str, int], reused: dict[str, str]) -> pa.Table:
    """The documents table: rows of the files read now, and the earlier rows of those kept (at their path now)."""
    kept = old.take(pa.array([old_row[d] for d in reused], pa.int64()))
    kept = kept.set_column(kept.schema.get_field_index("path"), "path", pa.array(list(reused.values()), pa.string()))
    together = pa.concat_tables([fresh, kept.cast(fresh.schema)])
    return together.sort_by([(key, "ascending") for key in NATURAL_KEYS["documents"]]).combine_chunks()


def _rows_by_document(document_ids: pa.ChunkedArray) -> dict[str, np.ndarray]:
    """Row numbers of each document's observations, in table order."""
    ids = pd.Series(document_ids.to_numpy(zero_copy_only=False))
    return {str(k): np.asarray(v) for k, v in ids.groupby(ids, sort=False).indices.items()}


def _previous_part_rejects(out_dir: Path, reused: dict[str, str]) -> list[Reject]:
    """Rejected parts (rows of a sheet) of the files ingested before: they stay rejected while the file is unchanged."""
    try:
        old = read_table("rejects", out_dir)
    except (FileNotFoundError, TableError, pa.ArrowException, OSError):
        return []
    kept = old[old["document_id"].isin(reused) & old["location"].notna()]
    return [
        Reject(
            reused[str(r["document_id"])], str(r["document_id"]), str(r["location"]), str(r["reason"]), str(r["stage"])
        )
        for r in kept.to_dict("records")
    ]


def _most_frequent(pairs: list[tuple[object, object]]) -> tuple[str | None, str | None]:
    """The name most (name, code) pairs carry, ties to the first, with its first code."""
    counts = Counter(name for name, _ in pairs if isinstance(name, str))
    if not counts:
        return None, None
    top = counts.most_common(1)[0][0]  # stable: among equal counts, the first seen
    return top, next((code for name, code in pairs if name == top and isinstance(code, str)), None)


# The observation columns a documents row is made from.
_PLACE_COLUMNS = ("char_start", "province", "province_code", "district", "district_code", "map")


def _place_columns(obs: pd.DataFrame) -> dict[str, np.ndarray]:
    return {c: obs[c].to_numpy(object) for c in _PLACE_COLUMNS}


def _document_row(
    doc: Document, rel: str, cols: dict[str, np.ndarray], ingested_at: pd.Timestamp, version: str
) -> dict:
    """The documents row of a freshly read file from its observations' :data:`_PLACE_COLUMNS`;
    its place is the one most of its facts name."""
    order = sorted(range(len(cols["char_start"])), key=cols["char_start"].__getitem__)  # text order, for ties
    province, province_code = _most_frequent([(cols["province"][i], cols["province_code"][i]) for i in order])
    district, district_code = _most_frequent(
        [(cols["district"][i], cols["district_code"][i]) for i in order if province in (None, cols["province"][i])]
    )
    map_ = next((cols["map"][i] for i in order if province_code and cols["province_code"][i] == province_code), None)
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
        "map": map_,
        "n_chars": len(doc.text),
        "n_observations": len(order),
        "extractor_version": version,
        "ingested_at": ingested_at,
    }


def _rules_version(path: str) -> str:
    """Version of the rules that read a file of this kind (free text or sheet)."""
    return rules_version("sheet" if Path(path).suffix.lower() in SHEET_FORMATS else "text")


def failure_reason(exc: BaseException) -> tuple[str, str | None]:
    """Reason and location of a file's failure, in the words of a ReadError (or other CdsError) when it is one."""
    if isinstance(exc, ReadError):
        return exc.reason, exc.location
    if isinstance(exc, CdsError):  # refused on purpose: its message says what and why
        return str(exc), None
    return f"{type(exc).__name__}: {exc}", None


@dataclass(frozen=True, slots=True)
class _Task:
    """One file to read and extract, with all a worker process needs to do it as this process would."""

    path: str
    rel: str
    document_id: str
    ingested_at: pd.Timestamp
    version: str
    limits: Limits


@dataclass(frozen=True)
class _Outcome:
    """What became of one file: its documents row and observations, or the reasons it was rejected."""

    row: dict | None
    observations: pa.Table | None
    rejects: list[Reject]


def _work(task: _Task) -> _Outcome:
    """Read, extract and validate one file, here or in a worker (pool or Dask); never raises."""
    set_limits(task.limits)
    stage = "read"
    try:
        reader, extractor = _format_of(Path(task.path))
        doc = reader(Path(task.path))
        stage = "extract"
        found, parts_rejected = _split(extractor(doc))
        stage = "validate"
        row = _document_row(doc, task.rel, _place_columns(found), task.ingested_at, task.version)
        table = to_arrow(found.assign(source=task.rel), "observations")
    except Exception as exc:  # MemoryError too: the file is rejected, the run goes on
        logger.debug("%s failed", task.rel, exc_info=True)
        return _failed(task, exc, stage)
    return _Outcome(row, table, _part_rejects(task, parts_rejected))


def _failed(task: _Task, exc: BaseException, stage: str) -> _Outcome:
    reason, location = failure_reason(exc)
    return _Outcome(
        None, None, [Reject(task.rel, task.document_id if stage != "read" else None, location, reason, stage)]
    )


def _part_rejects(task: _Task, parts_rejected: pd.DataFrame) -> list[Reject]:
    if parts_rejected.empty:  # most files: to_dict alone costs a short report's tenth
        return []
    return [
        Reject(task.rel, task.document_id, str(r["location"]), str(r["reason"]), str(r["stage"]))
        for r in parts_rejected.to_dict("records")
    ]


# Extractors with a form that takes many documents at once and gives what concatenating the
# one-document results gives, with one frame and one Arrow conversion for all of them.
BATCH_EXTRACTORS: dict[Extractor, Callable[[list[Document]], pd.DataFrame]] = {extract_document: extract_documents}


def _work_batch(tasks: list[_Task]) -> list[_Outcome]:
    """:func:`_work` for several files at once, with the same outcomes: the documents whose extractor
    has a batch form are extracted and converted together (a short report's frame and Arrow table
    cost as much as reading its sentences); if that fails, each file is done alone, so only the
    file at fault is rejected."""
    outcomes: dict[int, _Outcome] = {}
    batched: list[tuple[int, _Task, Document, Callable[[list[Document]], pd.DataFrame]]] = []
    for i, task in enumerate(tasks):
        known = FORMATS.get(Path(task.path).suffix.lower())
        batch_form = BATCH_EXTRACTORS.get(known[1]) if known else None
        if known is None or batch_form is None:
            outcomes[i] = _work(task)  # which also rejects an unknown format
            continue
        reader = known[0]
        set_limits(task.limits)
        try:
            batched.append((i, task, reader(Path(task.path)), batch_form))
        except Exception as exc:  # MemoryError too
            logger.debug("%s failed", task.rel, exc_info=True)
            outcomes[i] = _failed(task, exc, "read")
    for form in dict.fromkeys(b[3] for b in batched):
        group = [b for b in batched if b[3] is form]
        try:
            outcomes.update(_together(group, form))
        except Exception:  # MemoryError too: find the file at fault by doing each alone
            logger.debug("a batch of %d files failed; reading them one by one", len(group), exc_info=True)
            outcomes.update((i, _work(task)) for i, task, _, _ in group)
    return [outcomes[i] for i in range(len(tasks))]


def _together(
    group: list[tuple[int, _Task, Document, Callable[[list[Document]], pd.DataFrame]]],
    form: Callable[[list[Document]], pd.DataFrame],
) -> dict[int, _Outcome]:
    """Extract the documents of ``group`` in one call, convert them in one table, and split the
    table back by file (rows are ordered by source first, so each file's rows are one range).
    Each file's rows are copied out: a slice would carry the whole batch's buffers to the
    process that writes them, once per file."""
    found = form([doc for _, _, doc, _ in group])
    rel_of = {doc.document_id: task.rel for _, task, doc, _ in group}
    found = found.assign(source=found["document_id"].map(rel_of))
    found, parts_rejected = _split(found)
    table = to_arrow(found, "observations")
    sources = table.column("source").to_numpy(zero_copy_only=False)
    starts = {rel: int(i) for rel, i in zip(*np.unique(sources, return_index=True))}
    rows_of = found.groupby("source", sort=False).indices
    rejected_of = parts_rejected.groupby("document_id", sort=False).indices if len(parts_rejected) else {}
    places = _place_columns(found)  # once: a frame taken per file costs as much as a short report's rules
    out = {}
    for i, task, doc, _ in group:
        rows = rows_of.get(task.rel, np.array([], dtype=np.int64))
        row = _document_row(doc, task.rel, {c: a[rows] for c, a in places.items()}, task.ingested_at, task.version)
        own = parts_rejected.iloc[rejected_of.get(task.document_id, [])] if len(parts_rejected) else parts_rejected
        start = starts.get(task.rel, 0)
        mine = table.take(np.arange(start, start + len(rows)))  # its own buffers: a slice pickles the batch's
        out[i] = _Outcome(row, mine, _part_rejects(task, own))
    return out


def _died(task: _Task, how: str) -> _Outcome:
    return _Outcome(None, None, [Reject(task.rel, task.document_id, None, how, "extract")])


class _PoolBroken(Exception):
    """A worker process died; ``tasks`` were in flight (the culprit among them)."""

    def __init__(self, tasks: list[_Task]):
        super().__init__(f"{len(tasks)} tasks in flight")
        self.tasks = tasks


# Files sent to a worker at once, at most: enough to share the cost of a frame, an Arrow
# conversion and a round trip to the worker; few enough to keep every worker busy and memory small.
BATCH_FILES = 32


def _batches(tasks: Iterator[_Task], size: int) -> Iterator[list[_Task]]:
    batch: list[_Task] = []
    for task in tasks:
        batch.append(task)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ordered(submit: Callable[[list[_Task]], Any], batches: Iterator[list[_Task]], window: int) -> Iterator[_Outcome]:
    """Outcomes of the tasks of ``batches`` in their order, with at most ``window`` batches submitted
    and not yet consumed (so memory holds a few results, not the run's)."""
    flight: deque[tuple[list[_Task], Any]] = deque()
    for batch in batches:
        try:
            future = submit(batch)
        except BrokenProcessPool:  # a worker died before its result was asked for
            raise _PoolBroken([*(t for b, _ in flight for t in b), *batch]) from None
        flight.append((batch, future))
        if len(flight) >= window:
            yield from _result(flight)
    while flight:
        yield from _result(flight)


def _result(flight: deque[tuple[list[_Task], Any]]) -> list[_Outcome]:
    batch, future = flight[0]
    try:
        outcomes = future.result()
    except BrokenProcessPool:
        raise _PoolBroken([t for b, _ in flight for t in b]) from None
    except Exception as exc:  # a Dask worker lost (KilledWorker) and the like
        logger.debug("%s failed", ", ".join(t.rel for t in batch), exc_info=True)
        flight.popleft()
        return [_died(task, f"the worker reading it failed ({type(exc).__name__}: {exc})") for task in batch]
    flight.popleft()
    return outcomes


def _pool_context() -> multiprocessing.context.BaseContext:
    """Workers started fresh (forkserver where there is one), never forked from a process with threads."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _in_pool(batches: Iterator[list[_Task]], jobs: int) -> Iterator[_Outcome]:
    """Outcomes in a pool of ``jobs`` processes. When a worker dies (out of memory, a crash in a
    library), the files then in flight are read again one process each, so only the culprit is lost."""
    context = _pool_context()
    while True:
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            try:
                yield from _ordered(lambda b: pool.submit(_work_batch, b), batches, 4 * jobs)
                return
            except _PoolBroken as broken:
                suspects = broken.tasks
        for task in suspects:
            with ProcessPoolExecutor(1, mp_context=context) as alone:
                try:
                    yield alone.submit(_work, task).result()
                except BrokenProcessPool:
                    yield _died(task, "the process reading it died (out of memory, or a crash in a reading library)")


def _on_dask(batches: Iterator[list[_Task]], scheduler: str, jobs: int) -> Iterator[_Outcome]:
    """Outcomes computed by the workers of a Dask cluster (``local``: a LocalCluster of ``jobs`` workers).

    Workers read the files by their absolute path: on a real cluster the raw
    folder must be on a file system every worker sees at the same path.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--scheduler needs Dask: pip install 'cds_analysis[dask]'") from None
    cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True) if scheduler == "local" else None
    try:
        with Client(cluster or scheduler) as client:
            window = 4 * max(1, sum(client.nthreads().values()))
            yield from _ordered(lambda b: client.submit(_work_batch, b, pure=False), batches, window)
    finally:
        if cluster is not None:
            cluster.close()


# Files to read per worker process below which ingest reads in this process: starting a
# worker (and importing the rules there) costs about what reading a few files does.
FILES_PER_WORKER = 4


def _outcomes(tasks: list[_Task], jobs: int, scheduler: str | None) -> Iterator[_Outcome]:
    """The outcome of each task, in order: in this process, in a process pool, or on Dask. Files
    go in batches of :data:`BATCH_FILES`, fewer when there are workers, so that each gets several."""
    if not scheduler and jobs <= 1:
        return (outcome for batch in _batches(iter(tasks), BATCH_FILES) for outcome in _work_batch(batch))
    batches = _batches(iter(tasks), max(1, min(BATCH_FILES, -(-len(tasks) // (4 * max(jobs, 1))))))
    if scheduler:
        return _on_dask(batches, scheduler, max(jobs, 1))
    return _in_pool(batches, jobs)


def default_jobs() -> int:
    """Processes ingest uses by default on the command line: one per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ingest(
    raw_dir: str | os.PathLike = RAW_DIR,
    out_dir: str | os.PathLike = PROCESSED_DIR,
    progress: bool = True,
    jobs: int = 1,
    scheduler: str | None = None,
) -> IngestResult:
    """Read, extract and write every file of ``raw_dir`` into the tables of ``out_dir``.

    Files whose content hash is already in ``out_dir``'s documents table keep
    their rows without being read again. A file that fails, or crosses a limit
    of :mod:`cds_analysis.config`, is recorded in the ``rejects`` table (and in
    the result) and the others go on. ``jobs`` > 1 extracts in that many
    processes, ``scheduler`` on Dask (an address, or ``local``); the tables are
    the same bytes either way. Observations are written in batches as they come,
    so memory holds a batch, not the run. The tables of the run are published all
    at once (:class:`cds_analysis.store.RunWriter`), under the folder's lock.
    The same files give the same bytes when SOURCE_DATE_EPOCH is set (otherwise
    only ``documents.ingested_at`` differs).
    """
    raw, out = Path(raw_dir), Path(out_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"raw directory {raw} not found")
    now = _ingest_time()
    with locked(out):
        run = RunWriter(out)
        try:
            result = _ingest_into(run, raw, now, progress, jobs, scheduler)
        except BaseException:
            run.discard()
            raise
    return result


def _ingest_into(
    run: RunWriter, raw: Path, now: pd.Timestamp, progress: bool, jobs: int, scheduler: str | None
) -> IngestResult:
    """List and hash the files, have the new ones read (here, in a pool or on Dask), write every table into ``run``."""
    old_docs, old_obs = _previous(run.out)
    old_row = {str(d): i for i, d in enumerate(old_docs.column("document_id").to_pylist())}
    old_version = old_docs.column("extractor_version")
    old_rows = _rows_by_document(old_obs.column("document_id")) if old_obs is not None else {}
    files, rejects = scan(raw, run.out)
    new_docs = _DocumentRows()  # documents rows of the files read now
    reused: dict[str, str] = {}  # document id → raw path, for files ingested before
    first_path: dict[str, str] = {}
    plan: list[tuple[str, _Task | str]] = []  # in path order; a document id: rows kept from before
    for path in files:
        rel = path.relative_to(raw).as_posix()
        try:
            check_file(str(path))  # before hashing: a FIFO would block, a huge file take its time
            doc_id = _content_id(path)
        except ReadError as exc:
            rejects.append(Reject(rel, None, exc.location, exc.reason, "read"))
            continue
        except OSError as exc:
            rejects.append(Reject(rel, None, None, f"cannot read file ({exc.strerror or exc})", "read"))
            continue
        if doc_id in first_path:
            rejects.append(Reject(rel, doc_id, None, f"same content as {first_path[doc_id]}, ingested once", "read"))
            continue
        first_path[doc_id] = rel
        version = _rules_version(rel)
        row = old_row.get(doc_id)
        if row is not None and old_version[row].as_py() == version:
            reused[doc_id] = rel
            plan.append((rel, doc_id))
            continue
        ingested_at = now if row is None else old_docs.column("ingested_at")[row].as_py()
        plan.append((rel, _Task(str(path.resolve()), rel, doc_id, ingested_at, version, limits())))
    by_province: Counter[str | None] = Counter()
    tasks = [t for _, t in plan if isinstance(t, _Task)]
    outcomes = _outcomes(tasks, min(jobs, len(tasks) // FILES_PER_WORKER) if not scheduler else jobs, scheduler)
    show = progress and sys.stderr.isatty()
    empty = schema("observations").empty_table()  # a file found to state nothing
    with run.writer("observations") as writer, contextlib.closing(_Closable(outcomes)):
        batch = _Batch(writer)
        for rel, task in tqdm(plan, desc="ingest", unit="file", file=sys.stderr, disable=not show):
            if isinstance(task, str):
                rows = old_obs.take(old_rows[task]) if old_obs is not None and task in old_rows else empty
                table = rows.set_column(
                    rows.schema.get_field_index("source"), "source", pa.array([rel] * len(rows), pa.string())
                )
            else:
                outcome = next(outcomes)
                rejects.extend(outcome.rejects)
                if outcome.row is None or outcome.observations is None:
                    continue
                new_docs.add(outcome.row)
                table = outcome.observations
            by_province.update(table.column("province").to_pylist())
            batch.add(table)
        batch.flush()
    del old_obs, old_rows  # the previous run's rows are copied: let them go before the derived tables
    rejects += _previous_part_rejects(run.out, reused)
    documents = _documents(new_docs.table(), old_docs, old_row, reused)
    del old_docs, old_row
    with tempfile.TemporaryDirectory(prefix=".by-province-", dir=run.folder) as spill:
        parts = _by_province(run.path("observations"), Path(spill))
        run.write_dataset(pq.read_table(path) for path in parts.values())
        derived, failed = _derived(parts, documents.select(list(DOCUMENT_COLUMNS)).to_pandas())
    rejects = sorted(rejects + failed, key=lambda r: r.path)
    run.write("documents", documents)
    run.write("rejects", pd.DataFrame([asdict(r) for r in rejects], columns=schema("rejects").names))
    for table_name, load in REFERENCE_TABLES.items():
        run.write(table_name, load())
    for table_name, frame in derived.items():
        run.write(table_name, frame)
    written = run.publish()
    return IngestResult(
        documents_read=new_docs.count,
        documents_skipped=len(reused),
        observations=sum(by_province.values()),
        observations_by_province=dict(by_province),
        rejects=rejects,
        tables=written,
    )


class _Closable:
    """The outcomes iterator, closed on the way out even when writing fails, so that a pool or a
    Dask cluster it started is shut down then and not at garbage collection."""

    def __init__(self, outcomes: Iterator[_Outcome]):
        self.outcomes = outcomes

    def close(self) -> None:
        close = getattr(self.outcomes, "close", None)
        if close is not None:
            close()


class _Batch:
    """Observations tables gathered until a row group is full, then written: the batches depend on
    the rows alone, so one process, a pool and Dask write the same bytes."""

    def __init__(self, writer: pq.ParquetWriter):
        self.writer = writer
        self.tables: list[pa.Table] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.tables.append(pa.Table.from_arrays(table.columns, schema=self.writer.schema))  # kept rows: same fields
        self.rows += len(table)
        if self.rows >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.tables:
            self.writer.write_table(pa.concat_tables(self.tables), row_group_size=ROW_GROUP)
        self.tables, self.rows = [], 0


def _derived(
    parts: dict[tuple[str | None, ...], Path], documents: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], list[Reject]]:
    """The derived tables from the observations in ``parts``, each computed on its own: one that
    fails is written empty and named in a reject, and the extracted tables are published all the same."""
    frames: dict[str, pd.DataFrame] = {}
    failed: list[Reject] = []
    for name, (columns, make) in DERIVED_TABLES.items():
        try:
            frames[name] = make(
                {codes: functools.partial(_read_part, path, columns) for codes, path in parts.items()}, documents
            )
        except Exception as exc:  # MemoryError too: the extracted tables must not be lost with it
            logger.error(
                "the %s table could not be computed (%s: %s); it is written empty", name, type(exc).__name__, exc
            )
            logger.debug("%s failed", name, exc_info=True)
            frames[name] = empty_frame(name)
            reason = f"{name} table not computed ({type(exc).__name__}: {exc}); written empty"
            failed.append(Reject(f"({name} table)", None, None, reason, "derive"))
    return frames, failed


def _by_province(observations: Path, folder: Path) -> dict[tuple[str | None, ...], Path]:
    """The observations in parts of whole provinces (current code), each up to :data:`ROWS_PER_PART`
    rows unless one province is larger, rows in table order; read and written one row group at a
    time. The dataset and the derived tables are made from them, a part at a time."""
    key = "current_province_code"
    counts = pc.value_counts(pq.read_table(observations, columns=[key]).column(key)).to_pylist()
    part_of: dict[str | None, int] = {}
    parts: list[list[str | None]] = []
    rows = ROWS_PER_PART
    for count in sorted(counts, key=lambda c: (c["values"] is None, c["values"] or "")):
        if rows + count["counts"] > ROWS_PER_PART:
            parts.append([])
            rows = 0
        parts[-1].append(count["values"])
        part_of[count["values"]] = len(parts) - 1
        rows += count["counts"]
    files = {tuple(codes): folder / f"{i}.parquet" for i, codes in enumerate(parts)}
    # Each row's part, looked up by Arrow (the code's position among the codes, null among them too), not per row.
    codes_known = pa.array(list(part_of), pa.string())
    part_at = np.array(list(part_of.values()), np.int32)
    writers: dict[int, pq.ParquetWriter] = {}
    try:
        source = pq.ParquetFile(observations)
        for batch in source.iter_batches(batch_size=ROW_GROUP):
            table = pa.Table.from_batches([batch], schema=source.schema_arrow)
            positions = pc.index_in(table.column(key), value_set=codes_known, skip_nulls=False)
            which = part_at[positions.to_numpy(zero_copy_only=False)]
            for i in np.unique(which):
                if i not in writers:
                    writers[i] = pq.ParquetWriter(folder / f"{i}.parquet", source.schema_arrow)
                writers[i].write_table(table.filter(pa.array(which == i)))
    finally:
        for writer in writers.values():
            writer.close()
    return files


def _read_part(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    return pq.read_table(path, columns=list(columns)).to_pandas()
