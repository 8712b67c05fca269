"""Ingest at scale (issue 15): a process pool and a Dask cluster write the same bytes as one
process; the tables are a dataset DuckDB queries; extraction time grows with length, not its square."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from cds_analysis import pipeline as ingest_module
from cds_analysis.pipeline import ingest
from cds_analysis.store import PARTITIONING, sql

DERIVED_TABLES = ingest_module.DERIVED_TABLES  # the fixture below leaves them out; the test of parts needs them
DISTRICTS = ["Sơn Hà", "Ba Tơ", "Trà Bồng", "Minh Long", "Sơn Tây", "Tư Nghĩa"]


def _report(i: int) -> str:
    district = DISTRICTS[i % len(DISTRICTS)]
    return (
        f"Huyện {district} đẩy mạnh chuyển đổi số\n"
        f"Năm {2022 + i % 2}, tỷ lệ hồ sơ trực tuyến của huyện {district}, tỉnh Quảng Ngãi đạt {60 + i},5%.\n"
        f"Huyện có {i % 9 + 3}/19 xã thành lập Tổ công nghệ số cộng đồng.\n"
    )


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for i in range(12):
        (raw / f"bao_cao_{i:02d}.txt").write_text(_report(i), encoding="utf-8")
    # a report that names no period (a section's period reaches the lines under it, so it needs its own file)
    (raw / "khong_ky.txt").write_text("Huyện Sơn Hà, tỉnh Quảng Ngãi có 5/19 xã có Tổ công nghệ số cộng đồng.\n")
    (raw / "hong.docx").write_bytes(b"PK\x03\x04 truncated")
    return raw


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    monkeypatch.setattr(ingest_module, "REFERENCE_TABLES", {})
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _files(out: Path) -> dict[str, bytes]:
    found = [*out.glob("*.parquet"), *(out / "dataset").rglob("*.parquet")]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(found)}


@pytest.fixture(scope="module")
def one_process(raw, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("one")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest_module, "REFERENCE_TABLES", {})
        mp.setattr(ingest_module, "DERIVED_TABLES", {})
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = ingest(raw, out, progress=False, jobs=1)
    assert result.documents_read == 13 and [r.path for r in result.rejects] == ["hong.docx"]
    return _files(out)


def test_a_process_pool_writes_the_same_bytes_as_one_process(raw, tmp_path, one_process):
    ingest(raw, tmp_path / "pool", progress=False, jobs=2)
    assert _files(tmp_path / "pool") == one_process


def test_a_dask_local_cluster_of_two_workers_writes_the_same_bytes(raw, tmp_path, one_process):
    result = ingest(raw, tmp_path / "dask", progress=False, jobs=2, scheduler="local")
    assert result.documents_read == 13
    assert _files(tmp_path / "dask") == one_process


def test_files_extracted_in_batches_write_the_same_bytes_as_one_at_a_time(raw, tmp_path, one_process, monkeypatch):
    monkeypatch.setattr(ingest_module, "BATCH_FILES", 5)  # batches of 5, 5 and 4 files, one with the broken docx
    ingest(raw, tmp_path / "batched", progress=False, jobs=1)
    assert _files(tmp_path / "batched") == one_process
    monkeypatch.setattr(ingest_module, "BATCH_EXTRACTORS", {})  # every file on its own
    ingest(raw, tmp_path / "alone", progress=False, jobs=1)
    assert _files(tmp_path / "alone") == one_process


def test_each_file_of_a_batch_travels_with_its_own_rows_only(raw):
    """A worker's outcomes are pickled to the writing process: a file's table must not carry the batch's."""
    import pickle

    tasks = [
        ingest_module._Task(str(p), p.name, p.stem, None, "v", ingest_module.limits())
        for p in sorted(raw.glob("bao_cao_*.txt"))
    ]
    outcomes = ingest_module._work_batch(tasks)
    tables = [o.observations for o in outcomes]
    assert all(t is not None and len(t) > 0 for t in tables)
    schema_only = len(pickle.dumps(tables[0].schema.empty_table()))  # the fields' descriptions travel with each
    whole = len(pickle.dumps(pa.concat_tables(tables).combine_chunks())) - schema_only
    assert sum(len(pickle.dumps(t)) - schema_only for t in tables) < 2 * whole


def test_a_batch_that_fails_is_read_file_by_file_so_only_the_culprit_is_rejected(raw, tmp_path, monkeypatch):
    from cds_analysis.rules.extract import extract_documents

    sizes = []

    def fails_on_ba_to(docs):
        sizes.append(len(docs))
        if any("Ba Tơ" in d.text for d in docs):
            raise ValueError("cannot read this one")
        return extract_documents(docs)

    def extract_one(doc):
        return fails_on_ba_to([doc])

    monkeypatch.setattr(ingest_module, "BATCH_FILES", 6)
    monkeypatch.setitem(ingest_module.FORMATS, ".txt", (ingest_module.read_document, extract_one))
    monkeypatch.setitem(ingest_module.BATCH_EXTRACTORS, extract_one, fails_on_ba_to)
    result = ingest(raw, tmp_path / "out", progress=False, jobs=1)
    failed = sorted(r.path for r in result.rejects if "cannot read this one" in r.reason)
    assert failed == [f"bao_cao_{i:02d}.txt" for i in range(12) if DISTRICTS[i % 6] == "Ba Tơ"]
    assert result.documents_read == 13 - len(failed) and max(sizes) == 6


def test_the_observations_dataset_is_partitioned_by_province_and_year_as_strings(raw, tmp_path):
    ingest(raw, tmp_path / "out", progress=False)
    folders = sorted(
        p.relative_to(tmp_path / "out" / "dataset" / "observations").as_posix()
        for p in (tmp_path / "out" / "dataset" / "observations").glob("*/*")
    )
    # facts without a period ('3/19 xã' in a sentence of its own) are in the hive default partition
    assert folders == [f"current_province_code=51/year={y}" for y in ("2022", "2023", "__HIVE_DEFAULT_PARTITION__")]
    dataset = ds.dataset(
        tmp_path / "out" / "dataset" / "observations", partitioning=ds.partitioning(PARTITIONING, flavor="hive")
    )
    one_year = dataset.to_table(filter=(ds.field("year") == "2023") & (ds.field("current_province_code") == "51"))
    assert one_year.schema.field("current_province_code").type == "string"
    assert set(one_year["year"].to_pylist()) == {"2023"} and set(one_year["province_code"].to_pylist()) == {"51"}
    assert len(one_year) == len(sql("select * from observations where year(period_end) = 2023", tmp_path / "out"))


def test_sql_runs_duckdb_over_the_tables(raw, tmp_path):
    ingest(raw, tmp_path / "out", progress=False)
    by_year = sql(
        "select year, count(*) as n from observations_dataset where current_province_code = '51' group by year order by year",
        tmp_path / "out",
    )
    assert by_year["year"].tolist()[:2] == ["2022", "2023"] and by_year["year"].isna().tolist()[2:] == [True]
    assert by_year["n"].sum() == len(sql("select * from observations", tmp_path / "out"))
    assert sql("select count(*) as n from documents", tmp_path / "out")["n"].tolist() == [13]


def test_derived_tables_computed_a_few_provinces_at_a_time_are_the_whole_countrys(tmp_path, monkeypatch):
    # Thanh Hóa's two reports disagree on Yên Định; Kon Tum's figures roll into Quảng Ngãi after 2025.
    reports = {
        "thanh_hoa_1.txt": "Năm 2023, tỷ lệ hồ sơ trực tuyến của huyện Yên Định, tỉnh Thanh Hóa đạt 71,5%.",
        "thanh_hoa_2.txt": "Huyện Yên Định (Thanh Hóa): năm 2023 tỷ lệ hồ sơ trực tuyến đạt 75%, "
        "8/26 xã có Tổ công nghệ số cộng đồng.",
        "kon_tum.txt": "Năm 2023, thành phố Kon Tum, tỉnh Kon Tum có 21 Tổ công nghệ số cộng đồng; "
        "tỷ lệ hồ sơ trực tuyến đạt 64%.",
        "quang_ngai.txt": _report(3),
    }
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in reports.items():
        (raw / name).write_text(text + "\n", encoding="utf-8")
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", DERIVED_TABLES)
    ingest(raw, tmp_path / "whole", progress=False, jobs=1)
    monkeypatch.setattr(ingest_module, "ROWS_PER_PART", 1)  # every province a part of its own
    ingest(raw, tmp_path / "parts", progress=False, jobs=1)
    tables = {name: data for name, data in _files(tmp_path / "whole").items() if "/" not in name}
    assert {name: data for name, data in _files(tmp_path / "parts").items() if "/" not in name} == tables
    for partition in (tmp_path / "whole" / "dataset" / "observations").iterdir():  # one province each
        rows = ds.dataset(partition).to_table()
        again = ds.dataset(tmp_path / "parts" / "dataset" / "observations" / partition.name).to_table()
        assert again.equals(rows), partition.name
    conflicts = pq.read_table(tmp_path / "parts" / "conflicts.parquet")
    assert conflicts.column("unit_code").to_pylist() == ["394", "394"]  # the test would pass on empty tables
    progress = pq.read_table(tmp_path / "parts" / "progress.parquet", columns=["province_code", "latest_value"])
    assert {"38", "51", "62"} <= set(
        progress.filter(pc.is_valid(progress["latest_value"]))["province_code"].to_pylist()
    )


def test_a_rerun_copies_unchanged_files_rows_a_row_group_at_a_time(raw, tmp_path, monkeypatch):
    from cds_analysis.store import RowGroupReader, read_arrow, read_table

    monkeypatch.setattr(ingest_module, "ROW_GROUP", 4)  # a row group every few files: rows are read across them
    out = tmp_path / "out"
    ingest(raw, out, progress=False, jobs=1)
    reader = RowGroupReader("observations", out)
    assert reader.file.num_row_groups > 5
    rows = read_arrow("observations", out)
    for positions in ([0, 1, 2, 3, 4, 5], [7], [len(rows) - 2, len(rows) - 1], []):
        assert reader.take(np.array(positions, dtype=np.int64)).equals(rows.take(pa.array(positions, pa.int64())))
    # Renamed to come first, a file's rows are read back from a row group already passed.
    (raw / "bao_cao_09.txt").rename(raw / "a_bao_cao_09.txt")
    try:
        again = ingest(raw, out, progress=False, jobs=1)
        fresh = tmp_path / "fresh"
        ingest(raw, fresh, progress=False, jobs=1)
    finally:
        (raw / "a_bao_cao_09.txt").rename(raw / "bao_cao_09.txt")
    assert again.documents_skipped == 13 and again.documents_read == 0
    pd.testing.assert_frame_equal(read_table("observations", out), read_table("observations", fresh))


def test_documents_rows_gathered_in_arrow_batches_give_the_same_documents_table(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # both runs ingested at the same second
    ingest(raw, tmp_path / "one", progress=False, jobs=1)
    monkeypatch.setattr(ingest_module, "DOCUMENT_ROWS", 2)  # an Arrow table every two files, the last one short
    result = ingest(raw, tmp_path / "batches", progress=False, jobs=1)
    documents = pq.read_table(tmp_path / "batches" / "documents.parquet")
    assert result.documents_read == len(documents) > 2 * 2
    assert documents.equals(pq.read_table(tmp_path / "one" / "documents.parquet"))
