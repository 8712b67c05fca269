"""Ingest: raw directory → documents, observations and rejects tables.

The extractor is replaced by a small fake, so that these tests check what
ingest does with files (walking, skipping, rejecting, writing) whatever the
extraction rules find. The readers are the real ones.
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from cds_analysis import pipeline as ingest_module
from cds_analysis.pipeline import ingest, raw_files
from cds_analysis.read.documents import Document, read_document
from cds_analysis.reference.schemas import schema
from cds_analysis.store import read_table

EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC


CALLS: list[str] = []
_FACT = re.compile(r"(?:huyện (?P<district>[^,]+), )?tỉnh (?P<province>[^:]+):[^\d]*(?P<value>\d+)%")
_CODES = {"Quảng Ngãi": "51", "Thanh Hóa": "38", "Trà Bồng": "526", "Tư Nghĩa": "528"}


def fake_extract(doc: Document) -> pd.DataFrame:
    """One observation per 'huyện X, tỉnh Y: … N%' line; 'LỖI' in a text raises."""
    CALLS.append(Path(doc.path).name)
    if "LỖI" in doc.text:
        raise RuntimeError("không tách được câu")
    rows = []
    for m in _FACT.finditer(doc.text):
        rows.append(
            {
                "observation_id": f"{doc.document_id}-{m.start()}",
                "document_id": doc.document_id,
                "source": str(doc.path),
                "indicator": "online_dossier_rate",
                "indicator_text": "tỷ lệ hồ sơ trực tuyến",
                "value": float(m["value"]),
                "unit": "percent",
                "qualifier": "exact",
                "is_target": False,
                "province": m["province"],
                "province_code": _CODES[m["province"]],
                "current_province_code": _CODES[m["province"]],  # both provinces kept their codes in 2025
                "district": m["district"],
                "district_code": _CODES.get(m["district"]),
                "admin_level": "district" if m["district"] else "province",
                "evidence": m.group(0),
                "char_start": m.start(),
                "char_end": m.end(),
                "extractor_version": "test",
            }
        )
    return pd.DataFrame(rows, columns=schema("observations").names)


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    """Fake extractor for every format, no reference tables, a fixed ingest time."""
    CALLS.clear()
    for ext, (reader, _) in list(ingest_module.FORMATS.items()):
        monkeypatch.setitem(ingest_module.FORMATS, ext, (reader, fake_extract))
    monkeypatch.setattr(ingest_module, "REFERENCE_TABLES", {})
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


QN = (
    "Chuyển đổi số ở Quảng Ngãi\n"
    "Ngày đăng: 09:05 | 28/07/2023\n"
    "Huyện Trà Bồng: huyện Trà Bồng, tỉnh Quảng Ngãi: hồ sơ trực tuyến đạt 98%.\n"
    "huyện Tư Nghĩa, tỉnh Quảng Ngãi: hồ sơ trực tuyến đạt 95%.\n"
    "huyện Trà Bồng, tỉnh Quảng Ngãi: văn bản điện tử đạt 100%.\n"
)
TH = "Thanh Hóa đẩy mạnh chuyển đổi số\ntỉnh Thanh Hóa: mục tiêu 80% hồ sơ trực tuyến.\n"


@pytest.fixture
def raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    (raw / "quang_ngai").mkdir(parents=True)
    (raw / "quang_ngai" / "tra_bong.txt").write_text(QN, encoding="utf-8")
    (raw / "thanh_hoa.txt").write_text(TH, encoding="utf-8")
    (raw / "README.md").write_text("# Nguồn số liệu\n", encoding="utf-8")
    (raw / ".~lock.thanh_hoa.txt#").write_text("khóa", encoding="utf-8")
    return raw


def test_raw_files_are_sorted_without_readme_or_hidden_files(raw):
    (raw / ".cache").mkdir()
    (raw / ".cache" / "x.txt").write_text("tỉnh Thanh Hóa: 1%", encoding="utf-8")
    assert [p.relative_to(raw).as_posix() for p in raw_files(raw)] == ["quang_ngai/tra_bong.txt", "thanh_hoa.txt"]


def test_ingest_writes_documents_and_observations(raw, tmp_path):
    out = tmp_path / "processed"
    result = ingest(raw, out, progress=False)
    assert (result.documents_read, result.documents_skipped, result.observations) == (2, 0, 4)
    assert result.observations_by_province == {"Quảng Ngãi": 3, "Thanh Hóa": 1}
    assert result.rejects == []
    assert sorted(p.name for p in out.glob("*.parquet")) == [
        "documents.parquet",
        "observations.parquet",
        "rejects.parquet",
    ]

    docs = read_table("documents", out).set_index("path")
    qn = docs.loc["quang_ngai/tra_bong.txt"]
    assert (qn["province"], qn["province_code"]) == ("Quảng Ngãi", "51")
    assert (qn["district"], qn["district_code"]) == ("Trà Bồng", "526")  # 2 of 3 facts
    assert (qn["n_chars"], qn["n_observations"], qn["format"]) == (len(QN), 3, "txt")
    assert qn["title"] == "Chuyển đổi số ở Quảng Ngãi" and qn["published"] == dt.date(2023, 7, 28)
    assert qn["ingested_at"] == pd.Timestamp(EPOCH, unit="s", tz="UTC")
    assert qn["document_id"] == hashlib.sha256(QN.encode()).hexdigest()[:16]
    assert pd.isna(docs.loc["thanh_hoa.txt", "district"])

    obs = read_table("observations", out)
    assert list(obs["source"]) == ["quang_ngai/tra_bong.txt"] * 3 + ["thanh_hoa.txt"]  # relative to RAW_DIR
    assert list(obs["value"]) == [98.0, 95.0, 100.0, 80.0]
    assert obs["province_code"].tolist() == ["51", "51", "51", "38"]


def test_tie_between_districts_goes_to_the_first_in_the_text(raw, tmp_path):
    tie = "Hai huyện\nhuyện Trà Bồng, tỉnh Quảng Ngãi: đạt 98%.\nhuyện Tư Nghĩa, tỉnh Quảng Ngãi: đạt 95%.\n"
    (raw / "quang_ngai" / "tra_bong.txt").write_text(tie, encoding="utf-8")
    ingest(raw, tmp_path / "out", progress=False)
    docs = read_table("documents", tmp_path / "out").set_index("path")
    assert docs.loc["quang_ngai/tra_bong.txt", "district"] == "Trà Bồng"


def test_same_inputs_give_the_same_bytes(raw, tmp_path):
    ingest(raw, tmp_path / "a", progress=False)
    ingest(raw, tmp_path / "b", progress=False)

    def tables(out):
        return sorted(p.relative_to(out) for p in [*out.glob("*.parquet"), *(out / "dataset").rglob("*.parquet")])

    files = tables(tmp_path / "a")
    assert files == tables(tmp_path / "b")
    assert len(files) == 3 + 2  # the tables, and the observations dataset of each province
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_reingest_skips_known_content_and_keeps_first_ingest_time(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    first = (out / "observations.parquet").read_bytes()
    CALLS.clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    (raw / "thanh_hoa.txt").rename(raw / "thanh_hoa_2023.txt")  # renamed: same content
    (raw / "moi.txt").write_text("Tin mới\ntỉnh Thanh Hóa: đạt 61%.\n", encoding="utf-8")
    result = ingest(raw, out, progress=False)
    assert CALLS == ["moi.txt"]
    assert (result.documents_read, result.documents_skipped, result.observations) == (1, 2, 5)
    docs = read_table("documents", out).set_index("path")
    assert docs.loc["thanh_hoa_2023.txt", "ingested_at"] == pd.Timestamp(EPOCH, unit="s", tz="UTC")
    assert docs.loc["moi.txt", "ingested_at"] == pd.Timestamp(EPOCH + 86_400, unit="s", tz="UTC")
    obs = read_table("observations", out)
    assert set(obs["source"]) == {"quang_ngai/tra_bong.txt", "thanh_hoa_2023.txt", "moi.txt"}
    assert first != (out / "observations.parquet").read_bytes()


def test_unreadable_old_tables_are_ingested_anew_with_a_warning(raw, tmp_path, caplog):
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.parquet").write_bytes(b"not parquet")
    (out / "observations.parquet").write_bytes(b"not parquet")
    result = ingest(raw, out, progress=False)
    assert any(r.levelname == "WARNING" and "ignoring the tables" in r.getMessage() for r in caplog.records)
    assert (result.documents_read, result.documents_skipped) == (2, 0)
    assert len(read_table("documents", out)) == 2


def test_removed_file_loses_its_rows(raw, tmp_path):
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    (raw / "quang_ngai" / "tra_bong.txt").unlink()
    result = ingest(raw, out, progress=False)
    assert result.documents == 1
    assert list(read_table("documents", out)["path"]) == ["thanh_hoa.txt"]
    assert set(read_table("observations", out)["province"]) == {"Thanh Hóa"}


def test_bad_files_are_rejected_and_the_others_go_on(raw, tmp_path):
    (raw / "rong.txt").write_bytes(b"")
    (raw / "nhi_phan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (raw / "hong.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (raw / "utf16.txt").write_bytes("Bản UTF-16\ntỉnh Thanh Hóa: đạt 61%.\n".encode("utf-16"))
    (raw / "loi.txt").write_text("Bài lỗi\nLỖI ở đây\n", encoding="utf-8")
    (raw / "bang.odt").write_bytes(b"PK\x03\x04")
    (raw / "ban_sao.txt").write_text(TH, encoding="utf-8")
    out = tmp_path / "out"
    result = ingest(raw, out, progress=False)
    assert sorted(read_table("documents", out)["path"]) == ["ban_sao.txt", "quang_ngai/tra_bong.txt", "utf16.txt"]
    assert result.observations == 5
    rejects = read_table("rejects", out).set_index("path")
    assert list(rejects.index) == ["bang.odt", "hong.docx", "loi.txt", "nhi_phan.txt", "rong.txt", "thanh_hoa.txt"]
    assert [r.path for r in result.rejects] == list(rejects.index)  # raw files in sorted order
    assert rejects.loc["rong.txt", ["stage", "reason"]].tolist() == ["read", "empty file"]
    assert pd.isna(rejects.loc["rong.txt", "document_id"])
    assert rejects.loc["nhi_phan.txt", "stage"] == "read" and "binary" in rejects.loc["nhi_phan.txt", "reason"]
    assert rejects.loc["hong.docx", "stage"] == "read"
    assert rejects.loc["bang.odt", "reason"].startswith("unsupported file type '.odt'")
    assert rejects.loc["loi.txt", ["stage", "reason"]].tolist() == ["extract", "RuntimeError: không tách được câu"]
    assert rejects.loc["loi.txt", "document_id"] == hashlib.sha256("Bài lỗi\nLỖI ở đây\n".encode()).hexdigest()[:16]
    # ban_sao.txt sorts before thanh_hoa.txt: the first path keeps the content, the second is named as a repeat
    assert rejects.loc["thanh_hoa.txt", "reason"] == "same content as ban_sao.txt, ingested once"


def test_extractor_output_outside_the_schema_is_a_validate_reject(raw, tmp_path, monkeypatch):
    monkeypatch.setitem(
        ingest_module.FORMATS, ".txt", (read_document, lambda doc: fake_extract(doc).drop(columns="unit"))
    )
    result = ingest(raw, tmp_path / "out", progress=False)
    assert {(r.stage, r.reason) for r in result.rejects} == {
        ("validate", "table 'observations': missing column(s) unit")
    }
    assert result.documents == 0


def test_reference_and_derived_tables_are_written_beside_the_extracted_ones(raw, tmp_path, monkeypatch):
    indicators = pd.DataFrame(
        {
            "code": ["online_dossier_rate"],
            "name_vi": ["Tỷ lệ hồ sơ trực tuyến"],
            "name_en": ["Online dossier rate"],
            "unit": ["percent"],
            "levels": ["district"],
            "higher_is_better": [True],
            "aggregation": ["weighted_mean"],
            "triggers": ["hồ sơ trực tuyến"],
            "description": [None],
        }
    )
    seen = {}

    def progress(parts, documents=None):
        seen["observations"] = sum(len(read()) for read in parts.values())
        seen["documents"] = len(documents)
        return pd.DataFrame(columns=schema("progress").names)

    monkeypatch.setattr(ingest_module, "REFERENCE_TABLES", {"indicators": lambda: indicators})
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", {"progress": (("observation_id",), progress)})
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    assert read_table("indicators", out)["code"].tolist() == ["online_dossier_rate"]
    assert not (out / "targets.parquet").exists()
    assert seen == {"observations": 4, "documents": 2}
    assert (out / "progress.parquet").exists()


def test_no_progress_bar_when_stderr_is_not_a_terminal(raw, tmp_path, capsys):
    ingest(raw, tmp_path / "out", progress=True)
    assert capsys.readouterr().err == ""


def test_missing_raw_dir_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="raw directory .*khong_co"):
        ingest(tmp_path / "khong_co", tmp_path / "out", progress=False)


def test_files_read_by_older_rules_are_read_again(raw, tmp_path, monkeypatch):
    out = tmp_path / "out"
    first = ingest(raw, out, progress=False)
    docs = read_table("documents", out)
    assert docs["extractor_version"].notna().all() and first.documents_read == 2
    monkeypatch.setattr(ingest_module, "_rules_version", lambda path: "rules changed since")
    again = ingest(raw, out, progress=False)
    assert (again.documents_read, again.documents_skipped) == (2, 0)
    assert read_table("documents", out)["ingested_at"].tolist() == docs["ingested_at"].tolist()
