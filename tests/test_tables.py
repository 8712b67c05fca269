"""Writing and reading the Parquet tables: schema casts, stable bytes, atomic writes."""

import datetime as dt

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cds_analysis import store as tables
from cds_analysis.reference.schemas import SCHEMAS, empty_frame
from cds_analysis.store import NATURAL_KEYS, TableError, read_table, write_table, write_tables


def _rejects(*paths: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "path": list(paths),
            "document_id": ["0123456789abcdef"] + [None] * (len(paths) - 1),
            "location": [None] * len(paths),
            "reason": ["tệp rỗng"] * len(paths),
            "stage": ["read"] * len(paths),
        }
    )


def _units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": ["08", "51", "522"],
            "map": ["2008–2025"] * 3,
            "name": ["Tuyên Quang", "Quảng Ngãi", "Bình Sơn"],
            "type": ["tỉnh", "tỉnh", "huyện"],
            "level": ["province", "province", "district"],
            "parent_code": [None, None, "51"],
            "valid_from": [None, None, dt.date(2020, 1, 1)],
            "valid_to": [dt.date(2025, 6, 30)] * 3,
            "successor_code": [None, None, None],
            "source": ["viết cho bài kiểm tra"] * 3,
        }
    )


def test_natural_keys_name_columns_of_every_table():
    assert set(NATURAL_KEYS) == set(SCHEMAS)
    for name, keys in NATURAL_KEYS.items():
        assert set(keys) <= set(SCHEMAS[name].names), name


def test_round_trip_keeps_codes_as_strings_and_dates(tmp_path):
    write_table(_units(), "units", tmp_path)
    back = read_table("units", tmp_path)
    assert list(back["code"]) == ["522", "08", "51"]  # district before province: sorted by level, code
    assert back.loc[back["code"] == "08", "valid_to"].item() == dt.date(2025, 6, 30)
    assert list(back.columns) == SCHEMAS["units"].names


def test_same_rows_in_any_order_give_the_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_table(_rejects("x.txt", "a.docx", "m.pdf"), "rejects", a)
    write_table(_rejects("x.txt", "a.docx", "m.pdf").iloc[[2, 0, 1]], "rejects", b)
    assert (a / "rejects.parquet").read_bytes() == (b / "rejects.parquet").read_bytes()
    assert list(read_table("rejects", a)["path"]) == ["a.docx", "m.pdf", "x.txt"]


def test_file_carries_schema_descriptions_and_no_pandas_metadata(tmp_path):
    path = write_table(empty_frame("observations"), "observations", tmp_path)
    stored = pq.read_schema(path)
    assert b"pandas" not in (stored.metadata or {})
    assert stored.field("value").metadata[b"description"].startswith(b"The number")
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"


def test_missing_column_names_table_and_column(tmp_path):
    with pytest.raises(TableError, match=r"'rejects'.*missing.*stage"):
        write_table(_rejects("a.txt").drop(columns="stage"), "rejects", tmp_path)


def test_unknown_column_is_refused(tmp_path):
    with pytest.raises(TableError, match=r"not in the schema: ghi_chu"):
        write_table(_rejects("a.txt").assign(ghi_chu="x"), "rejects", tmp_path)


def test_wrong_type_names_the_column(tmp_path):
    units = _units().assign(valid_from=["đầu năm", None, None])
    with pytest.raises(TableError, match=r"'units', column 'valid_from'.*date32"):
        write_table(units, "units", tmp_path)


def test_null_in_required_column_names_the_column(tmp_path):
    with pytest.raises(TableError, match=r"column 'reason'.*not null"):
        write_table(_rejects("a.txt").assign(reason=[None]), "rejects", tmp_path)


def _snapshot(folder):
    """Every file under ``folder`` (links followed) → its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_failed_write_leaves_old_tables_and_no_temporary_files(tmp_path):
    write_tables({"rejects": _rejects("a.txt"), "units": _units()}, tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(TableError):
        write_tables({"rejects": _rejects("b.txt", "c.txt"), "units": _units().drop(columns="name")}, tmp_path)
    assert _snapshot(tmp_path) == before


def test_crash_while_writing_aside_keeps_the_old_file(tmp_path, monkeypatch):
    write_table(_rejects("a.txt"), "rejects", tmp_path)
    before = (tmp_path / "rejects.parquet").read_bytes()

    def disk_full(table, where, **options):
        open(where, "wb").write(b"PAR1 half")
        raise OSError("No space left on device")

    monkeypatch.setattr(tables.pq, "write_table", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_table(_rejects("b.txt"), "rejects", tmp_path)
    assert (tmp_path / "rejects.parquet").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".current", ".lock", ".runs", "rejects.parquet"]
    assert len(list((tmp_path / ".runs").iterdir())) == 1  # the failed run's folder is gone


def test_reading_a_table_of_an_older_schema_says_so(tmp_path):
    old = SCHEMAS["rejects"].remove(SCHEMAS["rejects"].get_field_index("stage"))
    pq.write_table(old.empty_table(), tmp_path / "rejects.parquet")
    with pytest.raises(TableError, match=r"rejects\.parquet has no column\(s\) stage.*older version"):
        read_table("rejects", tmp_path)


def test_reading_an_absent_table_suggests_ingest(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"observations\.parquet.*cds-analysis ingest"):
        read_table("observations", tmp_path)


def test_unknown_table_name_lists_the_tables(tmp_path):
    with pytest.raises(KeyError, match="tables are: documents"):
        read_table("observation", tmp_path)


def test_read_table_decodes_only_the_columns_asked_for(tmp_path):
    from cds_analysis.analysis.progress import INPUT_COLUMNS
    from cds_analysis.errors import TableError
    from cds_analysis.reference.schemas import empty_frame
    from cds_analysis.store import read_table, write_tables

    write_tables({"observations": empty_frame("observations")}, tmp_path)
    assert list(read_table("observations", tmp_path, columns=list(INPUT_COLUMNS)).columns) == list(INPUT_COLUMNS)
    with pytest.raises(TableError, match="no column"):
        read_table("observations", tmp_path, columns=["not_a_column"])
