"""The command line, run in-process through ``cli.main`` (plus one real console-script call)."""

import csv
import datetime as dt
import io
import json
import re
import subprocess

import pandas as pd
import pytest

from cds_analysis import __version__, cli
from cds_analysis import pipeline as ingest_module
from cds_analysis.reference.schemas import schema

REQUIRED_KEYS = {
    "source",
    "char_start",
    "char_end",
    "evidence",
    "value",
    "unit",
    "numerator",
    "denominator",
    "qualifier",
    "indicator",
    "indicator_text",
    "admin_level",
    "place",
    "province",
    "district",
    "commune",
    "period_label",
    "period_start",
    "period_end",
    "is_target",
}

TRA_BONG = (
    "Trà Bồng đẩy mạnh chuyển đổi số\n"
    "Trong 6 tháng đầu năm 2023, huyện Trà Bồng tiếp nhận 1.458/1.604 hồ sơ trực tuyến, đạt 90,9%.\n"
)
DUC_PHO = "Đức Phổ: cải cách hành chính\nTX.Đức Phổ có 100% xã, phường lập Tổ công nghệ số cộng đồng.\n"


def fake_extract(doc) -> pd.DataFrame:
    """One observation per 'N%' in the text, placed in Quảng Ngãi, period 2023-H1."""
    rows = []
    for i, m in enumerate(re.finditer(r"(\d+(?:,\d+)?)%", doc.text)):
        rows.append(
            {
                "observation_id": f"{doc.document_id}-{i}",
                "document_id": doc.document_id,
                "source": doc.path,
                "indicator": "online_dossier_rate",
                "indicator_text": "hồ sơ trực tuyến",
                "value": float(m[1].replace(",", ".")),
                "unit": "percent",
                "numerator": None,
                "denominator": None,
                "qualifier": "exact",
                "is_target": False,
                "period_label": "2023-H1",
                "period_start": dt.date(2023, 1, 1),
                "period_end": dt.date(2023, 6, 30),
                "admin_level": "district",
                "place": "huyện Trà Bồng",
                "province": "Quảng Ngãi",
                "province_code": "51",
                "district": "Trà Bồng",
                "district_code": "526",
                "evidence": m[0],
                "char_start": m.start(),
                "char_end": m.end(),
                "extractor_version": "test",
            }
        )
    return pd.DataFrame(rows, columns=schema("observations").names)


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    for ext, (reader, _) in list(ingest_module.FORMATS.items()):
        monkeypatch.setitem(ingest_module.FORMATS, ext, (reader, fake_extract))
    monkeypatch.setattr(ingest_module, "REFERENCE_TABLES", {})
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "tra_bong.txt").write_text(TRA_BONG, encoding="utf-8")
    (raw / "duc_pho.txt").write_text(DUC_PHO, encoding="utf-8")
    return raw


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: cds-analysis")
    assert all(command in out for command in ("extract", "ingest", "run"))


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"cds-analysis {__version__}"


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 0
    assert "usage: cds-analysis" in capsys.readouterr().out


def test_extract_jsonl_keys_types_and_evidence(raw, capsys, monkeypatch):
    monkeypatch.chdir(raw)
    assert cli.main(["extract", "tra_bong.txt", "./duc_pho.txt"]) == 0
    out = capsys.readouterr().out
    assert "Trà Bồng" in out  # UTF-8, not \\u escapes
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in rows] == ["tra_bong.txt", "./duc_pho.txt"]  # the paths as given
    assert set(schema("observations").names) <= set(rows[0]) and REQUIRED_KEYS <= set(rows[0])
    first = rows[0]
    assert first["value"] == 90.9 and isinstance(first["char_start"], int) and isinstance(first["char_end"], int)
    assert TRA_BONG[first["char_start"] : first["char_end"]] == first["evidence"] == "90,9%"
    assert first["numerator"] is None and first["commune"] is None
    assert (first["period_start"], first["period_end"]) == ("2023-01-01", "2023-06-30")
    assert first["is_target"] is False and first["province_code"] == "51"


def test_extract_csv_has_one_header(raw, capsys):
    paths = [str(raw / "tra_bong.txt"), str(raw / "duc_pho.txt")]
    assert cli.main(["extract", *paths, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["source"] for r in rows] == paths
    assert [r["value"] for r in rows] == ["90.9", "100.0"]
    assert rows[0]["period_end"] == "2023-06-30" and rows[0]["numerator"] == ""


def test_extract_goes_on_past_a_bad_file_and_exits_1(raw, capsys):
    (raw / "rong.txt").write_bytes(b"")
    paths = [str(raw / "rong.txt"), str(raw / "khong_co.txt"), str(raw / "duc_pho.txt")]
    assert cli.main(["extract", *paths]) == 1
    captured = capsys.readouterr()
    assert [json.loads(line)["source"] for line in captured.out.splitlines()] == [paths[2]]
    errors = captured.err.splitlines()
    assert errors == [
        f"cds-analysis extract: {paths[0]}: empty file",
        f"cds-analysis extract: {paths[1]}: file not found",
    ]


def test_ingest_prints_a_summary(raw, tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["ingest", str(raw), "--out", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr()
    assert "documents: 2 (2 read, 0 already ingested)" in printed.out
    assert re.search(r"observations: 2\n  Quảng Ngãi +2\n", printed.out)
    assert "rejects: 0" in printed.out and printed.err == ""
    assert (out / "observations.parquet").exists()


def test_ingest_with_a_rejected_file_exits_1_with_a_one_line_summary(raw, tmp_path, capsys):
    (raw / "hong.docx").write_bytes(b"PK\x03\x04 truncated")
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--no-progress"]) == 1
    printed = capsys.readouterr()
    assert re.search(r"rejects: 1\n  hong\.docx: corrupt .*\[read\]", printed.out)
    assert printed.err.strip().splitlines() == [
        f"cds-analysis: 1 rejected file; see the rejects table in {tmp_path / 'out'}"
    ]


def test_ingest_of_a_missing_directory_says_so(tmp_path, capsys):
    assert cli.main(["ingest", str(tmp_path / "khong_co"), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"cds-analysis: raw directory {tmp_path / 'khong_co'} not found\n"


def test_run_ingests_raw_into_out(raw, tmp_path, capsys):
    out, reports = tmp_path / "processed", tmp_path / "reports"
    command = ["run", "--raw", str(raw), "--out", str(out), "--reports", str(reports), "--no-progress"]
    assert cli.main(command) == 0
    assert "documents: 2" in capsys.readouterr().out
    assert (reports / "index.html").exists()
    assert cli.main(command) == 0
    assert "documents: 2 (0 read, 2 already ingested)" in capsys.readouterr().out


def test_installed_console_script_reports_its_version():
    done = subprocess.run(["cds-analysis", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"cds-analysis {__version__}"
