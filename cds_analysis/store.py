"""Write and read the Parquet tables declared in :mod:`cds_analysis.reference.schemas`.

A table is one file, ``{data_dir}/{name}.parquet``, which analysts and other tools
read directly. Writing casts to the declared schema and sorts by the table's
natural key, so the same rows give the same bytes.

The tables of one run appear all at once or not at all. A run writes every
table into a folder of its own, ``{data_dir}/.runs/{run}/``, and publishes
them by one atomic rename of the link ``{data_dir}/.current`` to that folder;
``{data_dir}/{name}.parquet`` are fixed links through ``.current``. A run killed
or failing before the rename (a bad frame, a full disk) leaves the previous
tables as they were; its folder is removed by the next run. Writers into one
folder take a lock (``{data_dir}/.lock``) and a second one is refused with a
message naming the first.

Beside the tables, observations are also written as a Parquet dataset,
``{data_dir}/dataset/observations/current_province_code=…/year=…/part-N-0.parquet``
so that a province or a year is read without the rest. The province is the one on
today's map (34 provinces): its code means one unit, and a former province's or
district's figures are in the folder of the province they now belong to. A null key is the
folder ``…=__HIVE_DEFAULT_PARTITION__``. Its partition keys are
strings (:data:`PARTITIONING`): read it with that partitioning (or with
``cds.sql``), never letting a reader infer ``current_province_code=08`` as the number 8.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cds_analysis.config import PROCESSED_DIR
from cds_analysis.errors import LockedError, TableError
from cds_analysis.reference.schemas import SCHEMAS, schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NATURAL_KEYS",
    "is_disk_full",
    "PARTITIONING",
    "LockedError",
    "RowGroupReader",
    "RunWriter",
    "TableError",
    "locked",
    "read_arrow",
    "read_table",
    "sql",
    "table_path",
    "to_arrow",
    "write_table",
    "write_tables",
]

DEFAULT_DATA_DIR = PROCESSED_DIR

# Columns that order each table's rows, so that the same rows give the same file.
NATURAL_KEYS: dict[str, list[str]] = {
    "documents": ["path", "document_id"],
    "observations": ["source", "char_start", "char_end", "observation_id"],
    "rejects": ["path", "stage", "location", "reason"],
    "units": ["level", "code", "valid_from"],
    "indicators": ["code"],
    "targets": ["target_id"],
    "progress": ["admin_level", "unit_code", "indicator", "as_of"],
    "conflicts": ["indicator", "period_label", "admin_level", "unit_code", "map", "is_target", "value", "qualifier"],
    "outcomes": ["outcome_id"],
    "dti": ["year", "provinces", "metric", "derived", "province"],
}

# The partitions of the observations dataset: the province on the 2025 map (a plain code of
# the other map would put two provinces in one folder) and the year of the period's end;
# both keys are strings ('08' stays '08').
PARTITIONING = pa.schema([("current_province_code", pa.string()), ("year", pa.string())])

_PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}
ROW_GROUP = 64_000  # rows per row group of a table written in batches
_RUNS, _CURRENT, _LOCK, _DATASET = ".runs", ".current", ".lock", "dataset"


def table_path(name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR) -> Path:
    """Where table ``name`` lives under ``data_dir``."""
    schema(name)  # an unknown name fails here, with the list of tables
    return Path(data_dir) / f"{name}.parquet"


def to_arrow(df: pd.DataFrame, name: str) -> pa.Table:
    """``df`` cast to the schema of table ``name``, rows in natural-key order.

    Raises :class:`TableError` naming the table and the column that is
    missing, unknown, of the wrong type or null where it may not be.
    """
    import pandas as pd

    target = schema(name)
    missing = [c for c in target.names if c not in df.columns]
    if missing:
        raise TableError(f"table {name!r}: missing column(s) {', '.join(missing)}")
    unknown = [str(c) for c in df.columns if c not in target.names]
    if unknown:
        raise TableError(f"table {name!r}: column(s) not in the schema: {', '.join(unknown)}")
    rows = df[target.names].sort_values(NATURAL_KEYS[name], kind="mergesort", na_position="last")
    # A column with no value at all (NaN floats from a missing key) fits any type.
    if len(rows):
        empty = rows.columns[rows.isna().all().to_numpy()]
        if len(empty):
            rows = rows.assign(**{c: pd.Series([None] * len(rows), index=rows.index, dtype=object) for c in empty})
    try:
        table = pa.Table.from_pandas(rows, schema=target, preserve_index=False)
    except (pa.ArrowException, ValueError) as exc:
        raise _column_error(rows, name) or TableError(f"table {name!r}: {exc}") from exc
    return table.replace_schema_metadata(target.metadata)


def _column_error(df: pd.DataFrame, name: str) -> TableError | None:
    """The first column of ``df`` that does not convert to its field, as an error."""
    for field in schema(name):
        try:
            pa.Table.from_pandas(df[[field.name]], schema=pa.schema([field]), preserve_index=False)
        except (pa.ArrowException, ValueError) as exc:
            detail = exc.args[0] if exc.args else exc
            return TableError(
                f"table {name!r}, column {field.name!r} (dtype {df[field.name].dtype}) "
                f"cannot be stored as {field.type}{'' if field.nullable else ' not null'}: {detail}"
            )
    return None


@contextlib.contextmanager
def locked(out_dir: str | os.PathLike) -> Iterator[Path]:
    """Hold the write lock of ``out_dir`` (created if needed); refuse at once if another process holds it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / _LOCK, os.O_RDWR | os.O_CREAT, 0o664)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise LockedError(
                f"{out} is being written by {holder}; wait for it to finish (two runs into one folder "
                f"would mix their tables)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}".encode(), 0)
        yield out
    finally:
        os.close(fd)  # closing releases the lock


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class RunWriter:
    """The tables of one run, written into a folder of their own and published all at once.

    Use it while holding :func:`locked`. Tables not written by this run are
    carried over from the published run (hard links, or copies), so publishing
    one table keeps the others.
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.out = Path(out_dir)
        runs = self.out / _RUNS
        runs.mkdir(parents=True, exist_ok=True)
        _clean(self.out)
        self.folder = runs / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9:09d}"
        self.folder.mkdir(mode=0o777 & ~_umask())
        self.written: set[str] = set()

    def path(self, name: str) -> Path:
        """The file of table ``name`` in this run's folder."""
        return table_path(name, self.folder)

    def write(self, name: str, df: pd.DataFrame | pa.Table) -> Path:
        """Write the whole table ``name`` (a frame is cast and sorted by :func:`to_arrow`)."""
        table = df if isinstance(df, pa.Table) else to_arrow(df, name)
        pq.write_table(table, self.path(name), **_PARQUET_OPTIONS)
        self.written.add(name)
        return self.path(name)

    def writer(self, name: str) -> pq.ParquetWriter:
        """A writer of table ``name`` batch by batch (each ``write_table`` of it one row group or more);
        the caller closes it and gives each batch in natural-key order."""
        self.written.add(name)
        return pq.ParquetWriter(self.path(name), schema(name), **_PARQUET_OPTIONS)

    def write_dataset(self, parts: Iterable[pa.Table]) -> None:
        """The observations table as a dataset partitioned by current province code and year of period end.

        ``parts`` are the table's rows, each part written at once so that a
        partition gets one row group per part it has rows in (written batch
        by batch, a partition got a row group of a few rows from every batch:
        thousands of them, and three times the time). Ingest passes parts of
        whole provinces, so each partition is one part's, rows in table order.
        """
        target = self.folder / _DATASET / "observations"
        target.mkdir(parents=True)  # there even when no row was found
        year = PARTITIONING.field("year")
        for n, table in enumerate(parts):
            years = pc.year(table.column("period_end")).cast(pa.string())
            ds.write_dataset(
                table.append_column(year, years),
                target,
                format="parquet",
                partitioning=ds.partitioning(PARTITIONING, flavor="hive"),
                basename_template=f"part-{n}-{{i}}.parquet",
                use_threads=False,  # rows keep their order: the same tables give the same bytes
                file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
                min_rows_per_group=ROW_GROUP,  # the part is in memory: its rows of a partition make one group
                max_rows_per_group=ROW_GROUP,
                existing_data_behavior="overwrite_or_ignore",  # each part's files have names of their own
            )

    def publish(self) -> dict[str, Path]:
        """Carry over the tables this run did not write, then switch ``.current`` to this run in one rename."""
        current = self.out / _CURRENT
        if current.is_dir():
            for old in current.glob("*.parquet"):
                if old.stem not in self.written and old.stem in SCHEMAS:
                    _link_or_copy(old, self.folder / old.name)
            if _DATASET not in {p.name for p in self.folder.iterdir()} and (current / _DATASET).is_dir():
                if "observations" not in self.written:
                    shutil.copytree(current / _DATASET, self.folder / _DATASET, copy_function=_link_or_copy)
        _fsync_dir(self.folder)
        link = self.out / f"{_CURRENT}.new"
        link.unlink(missing_ok=True)
        link.symlink_to(Path(_RUNS) / self.folder.name)
        os.replace(link, current)  # the one rename that publishes the run
        _fsync_dir(self.out)
        names = sorted(p.stem for p in self.folder.glob("*.parquet"))
        for name in [*names, *([_DATASET] if (self.folder / _DATASET).is_dir() else [])]:
            fixed = self.out / (name if name == _DATASET else f"{name}.parquet")
            target = Path(_CURRENT) / fixed.name
            if not (fixed.is_symlink() and Path(os.readlink(fixed)) == target):
                # the first run into a folder of the old layout replaces its files one by one
                if fixed.is_dir() and not fixed.is_symlink():
                    shutil.rmtree(fixed)
                tmp = self.out / f".{fixed.name}.link"
                tmp.unlink(missing_ok=True)
                tmp.symlink_to(target)
                os.replace(tmp, fixed)
        _clean(self.out)
        return {name: table_path(name, self.out) for name in names}

    def discard(self) -> None:
        """Remove this run's folder (the published tables stay as they were)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _link_or_copy(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system syncs folders
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _clean(out: Path) -> None:
    """Remove what killed runs left: run folders not published and temporary files (caller holds the lock)."""
    current = os.readlink(out / _CURRENT) if (out / _CURRENT).is_symlink() else None
    for folder in (out / _RUNS).glob("*") if (out / _RUNS).is_dir() else []:
        if current is None or Path(current).name != folder.name:
            shutil.rmtree(folder, ignore_errors=True)
    for tmp in [*out.glob(".*.tmp"), *out.glob(".*.link"), out / f"{_CURRENT}.new"]:
        if tmp.is_symlink() or tmp.is_file():
            tmp.unlink(missing_ok=True)


def write_table(df: pd.DataFrame, name: str, out_dir: str | os.PathLike) -> Path:
    """Write ``df`` as table ``name`` in ``out_dir``, atomically; return the file's path."""
    return write_tables({name: df}, out_dir)[name]


def write_tables(frames: dict[str, pd.DataFrame], out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write several tables, all or nothing.

    Every frame is cast first, so a frame that does not fit its schema leaves
    every existing table untouched; then all are written into a new run folder
    and published by one rename. The other tables of ``out_dir`` are kept.
    """
    tables = {name: to_arrow(df, name) for name, df in frames.items()}
    with locked(out_dir):
        run = RunWriter(out_dir)
        try:
            for name, table in tables.items():
                run.write(name, table)
            if "observations" in tables:
                run.write_dataset([tables["observations"]])
            written = run.publish()
        except BaseException:
            run.discard()
            raise
    return {name: written[name] for name in tables}


def read_table(
    name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR, columns: list[str] | None = None
) -> pd.DataFrame:
    """Table ``name`` from ``data_dir`` as a DataFrame (codes stay strings); only ``columns`` if given.

    >>> obs = read_table("observations")  # doctest: +SKIP
    >>> values = read_table("observations", columns=["indicator", "value", "period_label"])  # doctest: +SKIP
    """
    return read_arrow(name, data_dir, columns).to_pandas()


def read_arrow(name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR, columns: list[str] | None = None) -> pa.Table:
    """Table ``name`` from ``data_dir`` as an Arrow table (what :func:`read_table` converts).

    Reading only ``columns`` decodes only those: at 11 million observations the 20 columns
    progress reads take a quarter of the time of the whole table.
    """
    path = _readable(name, data_dir)
    if columns is not None:
        unknown = [c for c in columns if c not in SCHEMAS[name].names]
        if unknown:
            raise TableError(f"table {name!r} has no column(s) {', '.join(unknown)}")
    return pq.read_table(path, columns=columns, schema=SCHEMAS[name])


def _readable(name: str, data_dir: str | os.PathLike) -> Path:
    """The file of table ``name``, checked to exist and to have every column of its schema."""
    path = table_path(name, data_dir)
    if not path.is_file():
        raise FileNotFoundError(
            f"table {name!r} not found at {path}; run `cds-analysis ingest` to build the tables "
            f"(or pass data_dir= pointing at them)"
        )
    missing = [c for c in SCHEMAS[name].names if c not in pq.read_schema(path).names]
    if missing:  # pyarrow would fill them with nulls
        raise TableError(
            f"{path} has no column(s) {', '.join(missing)}: it was written by an older version; "
            f"run `cds-analysis ingest` again"
        )
    return path


class RowGroupReader:
    """Rows of table ``name`` taken by position, read one row group at a time.

    Why: a rerun copies the rows of every unchanged file from the last run's
    table; holding that table whole costs the memory of every observation.
    Files come in the order they were written, so the row groups are read in
    turn, the last one kept.
    """

    def __init__(self, name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR):
        self.path = _readable(name, data_dir)
        self.schema = SCHEMAS[name]
        self.file = pq.ParquetFile(self.path)
        sizes = [self.file.metadata.row_group(i).num_rows for i in range(self.file.num_row_groups)]
        self.starts = np.cumsum([0, *sizes])
        self.group, self.table = -1, self.schema.empty_table()

    def column(self, name: str) -> pa.ChunkedArray:
        """One column, whole."""
        return self.file.read(columns=[name]).column(name)

    def take(self, rows: np.ndarray) -> pa.Table:
        """The rows at positions ``rows`` (ascending), in the table's schema."""
        groups = np.searchsorted(self.starts, rows, side="right") - 1
        pieces = [self.schema.empty_table()]
        for group in np.unique(groups):
            if group != self.group:
                try:
                    read = self.file.read_row_group(int(group), columns=self.schema.names)
                except (pa.ArrowException, OSError) as exc:
                    raise TableError(
                        f"{self.path}: row group {group} cannot be read ({exc}); remove the tables to ingest anew"
                    ) from exc
                self.group, self.table = group, read.select(self.schema.names).cast(self.schema)
            pieces.append(self.table.take(rows[groups == group] - self.starts[group]))
        return pa.concat_tables(pieces)


def sql(query: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """Run a DuckDB ``query`` over the tables of ``data_dir``, each a view named after its table.

    ``observations_dataset`` is the partitioned dataset, whose filters on
    ``province_code`` and ``year`` read only the matching files.

    >>> cds.sql("select province, count(*) from observations group by 1")  # doctest: +SKIP
    """
    import duckdb

    data = Path(data_dir)
    with duckdb.connect() as con:
        for name in SCHEMAS:
            path = table_path(name, data)
            if path.is_file():
                con.execute(f"create view {name} as select * from read_parquet('{_quoted(path)}')")
        dataset = data / _DATASET / "observations"
        if dataset.is_dir():
            types = ", ".join(f"{f.name}: 'VARCHAR'" for f in PARTITIONING)
            con.execute(
                f"create view observations_dataset as select * from read_parquet("
                f"'{_quoted(dataset)}/**/*.parquet', hive_partitioning = true, hive_types = {{{types}}})"
            )
        try:
            return con.execute(query).df()
        except duckdb.Error as exc:
            raise TableError(f"query over the tables in {data} failed: {exc}") from None


def _quoted(path: Path) -> str:
    return path.resolve().as_posix().replace("'", "''")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is the file system being out of space or quota."""
    while exc is not None:
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False
