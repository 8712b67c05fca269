"""Write and read the Parquet tables declared in :mod:`cds_analysis.reference.schemas`.

A table is one file, ``{data_dir}/{name}.parquet``, never partitioned: the
tables are small, and a hive folder such as ``province_code=08`` would come
back from pandas as the integer 8. Writing casts to the declared schema,
sorts by the table's natural key and writes aside before renaming, so the
same rows give the same bytes and a failed write leaves the old file intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cds_analysis.config import PROCESSED_DIR
from cds_analysis.errors import TableError
from cds_analysis.reference.schemas import SCHEMAS, schema

__all__ = ["NATURAL_KEYS", "TableError", "table_path", "to_arrow", "write_table", "write_tables", "read_table"]

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
    "conflicts": ["indicator", "unit_code", "period_label", "source_a", "source_b"],
    "outcomes": ["outcome_id"],
    "dti": ["year", "provinces", "metric", "derived", "province"],
}

_PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


def table_path(name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR) -> Path:
    """Where table ``name`` lives under ``data_dir``."""
    schema(name)  # an unknown name fails here, with the list of tables
    return Path(data_dir) / f"{name}.parquet"


def to_arrow(df: pd.DataFrame, name: str) -> pa.Table:
    """``df`` cast to the schema of table ``name``, rows in natural-key order.

    Raises :class:`TableError` naming the table and the column that is
    missing, unknown, of the wrong type or null where it may not be.
    """
    target = schema(name)
    missing = [c for c in target.names if c not in df.columns]
    if missing:
        raise TableError(f"table {name!r}: missing column(s) {', '.join(missing)}")
    unknown = [str(c) for c in df.columns if c not in target.names]
    if unknown:
        raise TableError(f"table {name!r}: column(s) not in the schema: {', '.join(unknown)}")
    rows = df[target.names].sort_values(NATURAL_KEYS[name], kind="mergesort", na_position="last")
    # A column with no value at all (NaN floats from a missing key) fits any type.
    empty = [c for c in target.names if len(rows) and rows[c].isna().all()]
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


def _write_aside(table: pa.Table, target: Path) -> Path:
    """Write ``table`` to a hidden temporary file next to ``target``; return its path."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
    os.close(fd)
    try:
        pq.write_table(table, tmp, **_PARQUET_OPTIONS)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def write_table(df: pd.DataFrame, name: str, out_dir: str | os.PathLike) -> Path:
    """Write ``df`` as table ``name`` in ``out_dir``, atomically; return the file's path."""
    return write_tables({name: df}, out_dir)[name]


def write_tables(frames: dict[str, pd.DataFrame], out_dir: str | os.PathLike) -> dict[str, Path]:
    """Write several tables, all or nothing as far as the file system allows.

    Every frame is cast and written aside first; only when all are written is
    each renamed into place. A frame that does not fit its schema therefore
    leaves every existing table untouched.
    """
    out = Path(out_dir)
    tables = {name: to_arrow(df, name) for name, df in frames.items()}
    out.mkdir(parents=True, exist_ok=True)
    aside: dict[str, Path] = {}
    try:
        for name, table in tables.items():
            aside[name] = _write_aside(table, table_path(name, out))
        for name, tmp in list(aside.items()):
            os.replace(tmp, table_path(name, out))
            del aside[name]
    finally:
        for tmp in aside.values():
            tmp.unlink(missing_ok=True)
    return {name: table_path(name, out) for name in tables}


def read_table(name: str, data_dir: str | os.PathLike = DEFAULT_DATA_DIR) -> pd.DataFrame:
    """Table ``name`` from ``data_dir`` as a DataFrame (codes stay strings).

    >>> obs = read_table("observations")  # doctest: +SKIP
    """
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
    return pq.read_table(path, schema=SCHEMAS[name]).to_pandas()
