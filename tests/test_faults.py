"""Hostile input and faults: every bad file is refused with its reason, the others go through,
and nothing already written is lost (issue 16). Small inputs; limits lowered to reach them.

The extraction rules are the real ones here (the texts are short); the reference and
derived tables are left out where they would only cost time.
"""

from __future__ import annotations

import errno
import io
import json
import os
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cds_analysis import cli, store
from cds_analysis import pipeline as ingest_module
from cds_analysis.config import Limits, set_limits
from cds_analysis.pipeline import ingest
from cds_analysis.reference.schemas import schema
from cds_analysis.store import read_table

ROOT = Path(__file__).resolve().parents[1]
SON_HA = (
    "Sơn Hà tăng tốc chuyển đổi số\nNăm 2023, tỷ lệ hồ sơ trực tuyến của huyện Sơn Hà, tỉnh Quảng Ngãi đạt 87,5%.\n"
)
BA_TO = "Ba Tơ: kết quả năm 2023\nNăm 2023, huyện Ba Tơ, tỉnh Quảng Ngãi có 12/19 xã có Tổ công nghệ số cộng đồng.\n"


@pytest.fixture(autouse=True)
def quick(monkeypatch):
    """No reference or derived tables (they cost seconds and are not what is tested), fixed time, default limits."""
    monkeypatch.setattr(ingest_module, "REFERENCE_TABLES", {})
    monkeypatch.setattr(ingest_module, "DERIVED_TABLES", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for var in ("CDS_MAX_FILE_BYTES", "CDS_MAX_INFLATED_BYTES", "CDS_MAX_SHEET_ROWS", "CDS_MAX_DOCUMENT_CHARS"):
        monkeypatch.delenv(var, raising=False)
    set_limits(Limits())
    yield
    set_limits(Limits())


@pytest.fixture
def raw(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "son_ha.txt").write_text(SON_HA, encoding="utf-8")
    (raw / "ba_to.txt").write_text(BA_TO, encoding="utf-8")
    return raw


def snapshot(folder: Path) -> dict[str, bytes]:
    """The published tables of ``folder`` → their bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.parquet"))}


def reasons(result) -> dict[str, str]:
    return {r.path: r.reason for r in result.rejects}


def _docx(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


# --------------------------------------------------------------------------- limits


def test_zip_bomb_is_refused_before_it_is_inflated(raw, tmp_path):
    set_limits(inflated_bytes=1_000_000)
    (raw / "bom.docx").write_bytes(_docx({"word/document.xml": b"<w:t>" + b"0" * 5_000_000 + b"</w:t>"}))
    result = ingest(raw, tmp_path / "out", progress=False)
    assert "inflates to" in reasons(result)["bom.docx"] and "CDS_MAX_INFLATED_BYTES" in reasons(result)["bom.docx"]
    assert [r.location for r in result.rejects] == ["word/document.xml"]
    assert result.documents_read == 2  # the others went through


def test_a_sheet_over_the_row_limit_is_refused_before_openpyxl_loads_it(raw, tmp_path):
    set_limits(sheet_rows=500)
    wb = openpyxl.Workbook()
    for i in range(800):
        wb.active.append(["Sơn Hà", "Tỷ lệ hồ sơ trực tuyến", i])
    wb.save(raw / "dai.xlsx")
    (raw / "dai.csv").write_text("\n".join(f"Sơn Hà;{i}" for i in range(800)), encoding="utf-8")
    result = ingest(raw, tmp_path / "out", progress=False)
    assert "over the limit of 500 rows per sheet" in reasons(result)["dai.xlsx"]
    assert "over the limit of 500 rows per sheet" in reasons(result)["dai.csv"]
    assert result.documents_read == 2


def test_file_bytes_and_document_characters_have_limits(raw, tmp_path, monkeypatch):
    monkeypatch.setenv("CDS_MAX_DOCUMENT_CHARS", "1000")
    (raw / "dai.txt").write_text(SON_HA * 20, encoding="utf-8")
    assert (
        cli.main(["ingest", str(raw), "--out", str(tmp_path / "a"), "--no-progress", "--max-file-bytes", "1500"]) == 1
    )
    rejected = read_table("rejects", tmp_path / "a").set_index("path")["reason"]
    assert rejected["dai.txt"].startswith("2,") and "over the limit of 1,500 bytes per file" in rejected["dai.txt"]
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "b"), "--no-progress"]) == 1
    rejected = read_table("rejects", tmp_path / "b").set_index("path")["reason"]
    assert "over the limit of 1,000 characters per document (CDS_MAX_DOCUMENT_CHARS raises it)" in rejected["dai.txt"]


def test_a_bad_limit_setting_is_a_message(monkeypatch, capsys):
    monkeypatch.setenv("CDS_MAX_SHEET_ROWS", "nhiều")
    assert cli.main(["extract", "x.txt"]) == 2
    assert capsys.readouterr().err == "cds-analysis: CDS_MAX_SHEET_ROWS must be a whole number, not 'nhiều'\n"


# --------------------------------------------------------------------------- one file must not kill the run


def test_a_derived_table_that_fails_is_a_reject_and_the_extracted_tables_are_kept(raw, tmp_path, monkeypatch):
    def out_of_memory(observations, documents):
        raise MemoryError("Unable to allocate 3.9 GiB")

    monkeypatch.setattr(
        ingest_module,
        "DERIVED_TABLES",
        {
            "progress": (("value",), out_of_memory),
            "conflicts": (("value",), lambda o, d: pd.DataFrame(columns=schema("conflicts").names)),
        },
    )
    result = ingest(raw, tmp_path / "out", progress=False)
    assert reasons(result) == {
        "(progress table)": "progress table not computed (MemoryError: Unable to allocate 3.9 GiB); written empty"
    }
    assert len(read_table("observations", tmp_path / "out")) == result.observations == 2
    assert read_table("progress", tmp_path / "out").empty and (tmp_path / "out" / "conflicts.parquet").exists()


def test_an_extractor_that_runs_out_of_memory_rejects_its_file_only(raw, tmp_path, monkeypatch):
    def greedy(doc):
        raise MemoryError()

    reader, extract = ingest_module.FORMATS[".txt"]
    monkeypatch.setitem(
        ingest_module.FORMATS, ".txt", (reader, lambda d: greedy(d) if "Ba Tơ" in d.text else extract(d))
    )
    result = ingest(raw, tmp_path / "out", progress=False)
    assert [(r.path, r.stage, r.reason) for r in result.rejects] == [("ba_to.txt", "extract", "MemoryError: ")]
    assert result.documents_read == 1


# --------------------------------------------------------------------------- all tables of a run at once


def _ingest_killed_at(raw: Path, out: Path, owner: str, name: str, call: int) -> subprocess.CompletedProcess:
    """Run ingest in a child process that kills itself (SIGKILL) at the ``call``-th call of ``owner.name``."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from cds_analysis import pipeline, store
        pipeline.REFERENCE_TABLES, pipeline.DERIVED_TABLES = {{}}, {{}}
        original = getattr({owner}, "{name}")
        calls = []
        def dying(*args, **kwargs):
            calls.append(1)
            if len(calls) == {call}:
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kwargs)
        setattr({owner}, "{name}", dying)
        pipeline.ingest({str(raw)!r}, {str(out)!r}, progress=False)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "owner, name, call",
    [("store.RunWriter", "write", 2), ("store.os", "replace", 1), ("store", "_fsync_dir", 2)],
    ids=["between-tables", "before-switch", "after-switch"],
)
def test_a_run_killed_while_writing_leaves_one_consistent_set_of_tables(raw, tmp_path, owner, name, call):
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    before = snapshot(out)
    (raw / "ba_to.txt").unlink()
    (raw / "son_ha_2.txt").write_text(SON_HA.replace("87,5%", "91,2%"), encoding="utf-8")
    killed = _ingest_killed_at(raw, out, owner, name, call)
    assert killed.returncode == -9, killed.stderr
    docs, obs = read_table("documents", out), read_table("observations", out)
    assert set(obs["source"]) == set(docs["path"])  # documents and observations of the same run
    if name == "_fsync_dir":  # killed after the switch: the new run is published whole
        assert sorted(docs["path"]) == ["son_ha.txt", "son_ha_2.txt"]
    else:
        assert snapshot(out) == before
    again = ingest(raw, out, progress=False)  # the next run cleans up after the killed one
    assert again.rejects == [] and len(list((out / ".runs").iterdir())) == 1
    assert not [p for p in out.iterdir() if p.name.endswith((".tmp", ".new", ".link"))]


def test_a_second_ingest_into_a_locked_folder_is_refused_with_a_message(raw, tmp_path, capsys):
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    before = snapshot(out)
    with store.locked(out):
        assert cli.main(["ingest", str(raw), "--out", str(out), "--no-progress"]) == 3
    err = capsys.readouterr().err
    assert err.startswith(f"cds-analysis: {out} is being written by pid {os.getpid()}, since ")
    assert snapshot(out) == before
    assert cli.main(["ingest", str(raw), "--out", str(out), "--no-progress"]) == 0  # the lock went with its holder


def test_tables_are_readable_by_the_group(raw, tmp_path):
    old = os.umask(0o022)
    try:
        ingest(raw, tmp_path / "out", progress=False)
    finally:
        os.umask(old)
    for table in (tmp_path / "out").glob("*.parquet"):
        assert stat.S_IMODE(table.stat().st_mode) == 0o644, table


# --------------------------------------------------------------------------- links, pipes, the out folder


def test_links_out_of_the_raw_folder_are_refused_and_links_inside_are_read(raw, tmp_path):
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "mat.txt").write_text(SON_HA.replace("Sơn Hà", "Minh Long"), encoding="utf-8")
    (raw / "mat.txt").symlink_to(secret / "mat.txt")
    (raw / "thu_muc").symlink_to(secret)
    (raw / "ban_sao.txt").symlink_to(raw / "son_ha.txt")
    result = ingest(raw, tmp_path / "out", progress=False)
    assert {
        p: r.startswith("symbolic link to something outside the raw folder") for p, r in reasons(result).items()
    } == {
        "mat.txt": True,
        "thu_muc": True,
        "son_ha.txt": False,  # the link inside sorts first and is read; the file is its repeat
    }
    assert "Minh Long" not in " ".join(read_table("observations", tmp_path / "out")["evidence"])


def test_a_fifo_is_refused_not_hung_on_by_ingest_and_extract(raw, tmp_path):
    os.mkfifo(raw / "ong.txt")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = "import sys; from cds_analysis import cli, pipeline; pipeline.REFERENCE_TABLES = {}; sys.exit(cli.main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", script, "ingest", str(raw), "--out", str(tmp_path / "out"), "--no-progress", "--jobs", "1"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and "ong.txt: is a named pipe (FIFO), not a regular file [read]" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "cds_analysis", "extract", str(raw / "ong.txt")],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (
        done.returncode == 1
        and done.stderr == f"cds-analysis extract: {raw / 'ong.txt'}: is a named pipe (FIFO), not a regular file\n"
    )


def test_an_out_folder_inside_the_raw_folder_is_not_read_as_input(raw):
    ingest(raw, raw / "processed", progress=False)
    again = ingest(raw, raw / "processed", progress=False)
    assert again.rejects == [] and again.documents == 2


# --------------------------------------------------------------------------- what the project writes for spreadsheets


def test_extract_csv_neutralises_formula_like_cells(raw, capsys, monkeypatch):
    monkeypatch.chdir(raw)
    (raw / "son_ha.txt").rename(raw / "=HYPERLINK(1).txt")
    assert cli.main(["extract", "=HYPERLINK(1).txt", "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame["source"].tolist() == ["'=HYPERLINK(1).txt"] and frame["value"].tolist() == [87.5]


def test_the_template_stores_formula_like_text_as_text(tmp_path, monkeypatch):
    from cds_analysis.sheets import template

    monkeypatch.setattr(template, "TITLE", "=cmd|'/c calc'!A1")
    path = template.write_template(tmp_path / "mau.xlsx")
    cells = [c for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows() for c in row]
    assert [c.data_type for c in cells if c.value == "=cmd|'/c calc'!A1"] == ["s"]


# --------------------------------------------------------------------------- disk full, paths that cannot be written


def test_disk_full_is_its_own_exit_code_and_keeps_the_previous_tables(raw, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    ingest(raw, out, progress=False)
    before = snapshot(out)
    (raw / "ba_to.txt").unlink()

    def full(self, name, df):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.RunWriter, "write", full)
    assert cli.main(["ingest", str(raw), "--out", str(out), "--no-progress"]) == 4
    err = capsys.readouterr().err
    assert err.startswith(f"cds-analysis ingest: disk full while writing {out} (No space left on device)")
    assert "No such file" not in err and snapshot(out) == before
    assert len(list((out / ".runs").iterdir())) == 1  # the failed run's folder is gone


def test_an_out_path_that_is_a_file_or_read_only_is_a_message(raw, tmp_path, monkeypatch, capsys):
    (tmp_path / "tep").write_text("x")
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "tep" / "out"), "--no-progress"]) == 2
    assert capsys.readouterr().err.startswith(
        f"cds-analysis ingest: cannot write {tmp_path / 'tep' / 'out'} (Not a directory"
    )

    def read_only(out_dir):
        raise OSError(errno.EROFS, "Read-only file system", str(out_dir))

    monkeypatch.setattr(store, "locked", read_only)
    monkeypatch.setattr(ingest_module, "locked", read_only)
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "ro"), "--no-progress"]) == 2
    assert (
        capsys.readouterr().err
        == f"cds-analysis ingest: cannot write {tmp_path / 'ro'} (Read-only file system: {tmp_path / 'ro'})\n"
    )


def test_an_unwritable_template_path_is_a_message(tmp_path, capsys):
    (tmp_path / "tep").write_text("x")
    assert cli.main(["template", "--out", str(tmp_path / "tep" / "mau.xlsx")]) == 2
    assert capsys.readouterr().err.startswith(f"cds-analysis template: cannot write {tmp_path / 'tep' / 'mau.xlsx'} (")


# --------------------------------------------------------------------------- impossible numbers


def test_impossible_numbers_are_rejects_and_extract_prints_valid_json(tmp_path, capsys):
    (tmp_path / "so.csv").write_text(
        "Tỉnh;Huyện;Chỉ tiêu;Đơn vị tính;Giá trị;Kỳ báo cáo\n"
        "Quảng Ngãi;Sơn Hà;Số thủ tục hành chính trực tuyến;thủ tục;1e309;2023\n"
        "Quảng Ngãi;Sơn Hà;Số thủ tục hành chính trực tuyến;thủ tục;120;2023\n",
        encoding="utf-8",
    )
    (tmp_path / "van.txt").write_text(
        "Sơn Hà: số liệu 2023\nNăm 2023, tỷ lệ hồ sơ trực tuyến của huyện Sơn Hà đạt 1,,5%; "
        "tỷ lệ văn bản điện tử giảm -5%; huyện tiếp nhận 1.458/0 hồ sơ trực tuyến.\n",
        encoding="utf-8",
    )
    code = cli.main(["extract", str(tmp_path / "so.csv"), str(tmp_path / "van.txt")])
    printed = capsys.readouterr()

    def no_constant(name):
        raise AssertionError(f"{name} is not JSON")

    rows = [json.loads(line, parse_constant=no_constant) for line in printed.out.splitlines()]
    assert code == 1 and [r["value"] for r in rows] == [120.0]  # not inf, nor 5 from '1,,5%' or '-5%'
    assert printed.err.splitlines() == [
        f"cds-analysis extract: {tmp_path / 'so.csv'} (so.csv!E2: 1e309): not a finite number",
        f"cds-analysis extract: {tmp_path / 'van.txt'} (huyện tiếp nhận 1.458/0 hồ sơ trực tuyến): denominator is zero",
    ]


# --------------------------------------------------------------------------- smaller ones


def test_a_bad_source_date_epoch_is_a_message(raw, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hôm qua")
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert (
        capsys.readouterr().err == "cds-analysis: SOURCE_DATE_EPOCH must be whole seconds since 1970, not 'hôm qua'\n"
    )


def test_a_period_that_has_not_begun_is_refused(tmp_path, capsys):
    assert cli.main(["report", "--all", "--period", "9999-Q4", "--data", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err
        == "cds-analysis report: period '9999-Q4' has not begun yet: no results can exist for it\n"
    )


def test_escape_codes_in_file_names_are_printed_escaped(raw, tmp_path, capsys):
    (raw / "do\x1b[31mred.odt").write_text("x", encoding="utf-8")
    assert cli.main(["ingest", str(raw), "--out", str(tmp_path / "out"), "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "do\\x1b[31mred.odt: unsupported file type '.odt'" in out


def test_stale_run_folders_and_temporary_files_are_removed(raw, tmp_path):
    out = tmp_path / "out"
    (out / ".runs" / "20240101T000000-1-000000001").mkdir(parents=True)
    (out / ".observations.x1y2.tmp").write_bytes(b"PAR1 half")
    ingest(raw, out, progress=False)
    assert len(list((out / ".runs").iterdir())) == 1 and not (out / ".observations.x1y2.tmp").exists()


def test_a_worker_process_that_dies_rejects_its_file_only(raw, tmp_path, monkeypatch):
    import multiprocessing

    for i in range(6):
        (raw / f"them_{i}.txt").write_text(SON_HA.replace("87,5", f"{80 + i},5"), encoding="utf-8")
    (raw / "chet.txt").write_text("CHẾT\n" + SON_HA, encoding="utf-8")
    reader, extract = ingest_module.FORMATS[".txt"]

    def dies_on_chet(doc):
        if "CHẾT" in doc.text:
            os._exit(1)  # as the kernel's OOM killer would end it: no exception, no reject from inside
        return extract(doc)

    monkeypatch.setitem(ingest_module.FORMATS, ".txt", (reader, dies_on_chet))
    # forked workers inherit the patched extractor (the default start method starts them fresh)
    monkeypatch.setattr(ingest_module, "_pool_context", lambda: multiprocessing.get_context("fork"))
    pooled = ingest(raw, tmp_path / "pool", progress=False, jobs=2)
    assert [(r.path, r.reason) for r in pooled.rejects] == [
        ("chet.txt", "the process reading it died (out of memory, or a crash in a reading library)")
    ]
    assert pooled.documents_read == 8


def test_two_ingests_started_together_leave_one_consistent_set_of_tables(raw, tmp_path):
    out = tmp_path / "out"
    script = "import sys; from cds_analysis import cli, pipeline; pipeline.REFERENCE_TABLES = pipeline.DERIVED_TABLES = {}; sys.exit(cli.main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, "-c", script, "ingest", str(raw), "--out", str(out), "--no-progress", "--jobs", "1"]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    codes = sorted(run.wait(timeout=300) for run in runs)
    assert codes in ([0, 0], [0, 3])  # the second waits its turn or is refused, never interleaved
    docs, obs = read_table("documents", out), read_table("observations", out)
    assert sorted(docs["path"]) == ["ba_to.txt", "son_ha.txt"] and set(obs["source"]) == set(docs["path"])
    assert len(list((out / ".runs").iterdir())) == 1


def test_formula_like_text_is_neutralised_and_numbers_are_not():
    from cds_analysis.lang.cells import safe_frame

    frame = pd.DataFrame(
        {"text": ["=1+1", "+84 90", "-5% so với", "@SUM(A1)", "\t=x", "Sơn Hà", None], "value": [-5.0] * 7}
    )
    safe = safe_frame(frame)
    assert safe["text"].tolist()[:6] == ["'=1+1", "'+84 90", "'-5% so với", "'@SUM(A1)", "'\t=x", "Sơn Hà"]
    assert safe["text"].isna().tolist()[6] and safe["value"].tolist() == [-5.0] * 7
    assert frame["text"].tolist()[0] == "=1+1"  # a copy: the caller's frame is unchanged
