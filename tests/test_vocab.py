"""Vocabularies as data: loading, errors that name file and line, and re-ingest after an edit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cds_analysis
from cds_analysis.errors import VocabularyError
from cds_analysis.reference.vocab import VOCABULARIES, load_vocabulary, phrase_pattern

PACKAGE = Path(cds_analysis.__file__).parent


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_bundled_vocabulary_loads(name):
    frame = load_vocabulary(name)
    assert list(frame.columns) == list(VOCABULARIES[name].columns)
    assert len(frame) > 0


def _write(tmp_path, text):
    path = tmp_path / "goal_cues.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("phrase,reach\nmục tiêu,sentence\nMục  tiêu,sentence\n", r"goal_cues.csv:3: 'Mục  tiêu' repeats line 2"),
        ("# comment\nphrase,reach\nphấn đấu,forever\n", r"goal_cues.csv:3: reach 'forever' is not one of sentence"),
        ("phrase,reach\n,sentence\n", r"goal_cues.csv:2: empty phrase"),
        ("phrase,kind\nsẽ,sentence\n", r"goal_cues.csv:1: columns must be phrase, reach"),
        ("phrase,reach\nsẽ,sentence,x\n", r"goal_cues.csv:2: 3 cells where the header has 2"),
    ],
)
def test_a_malformed_vocabulary_names_file_and_line(tmp_path, body, message):
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary("goal_cues", _write(tmp_path, body))


def test_phrases_match_longest_first_and_across_spaces():
    import re

    pattern = re.compile(phrase_pattern(["kế hoạch", "kế hoạch năm"]))
    assert pattern.search("theo kế  hoạch năm 2025")[0] == "kế  hoạch năm"


TEXT = "Năm 2024, huyện Sơn Hà, tỉnh Quảng Ngãi hướng tới 95% hồ sơ trực tuyến.\n"
INGEST = """
import json, sys
import cds_analysis as cds
result = cds.ingest(sys.argv[1], sys.argv[2], progress=False)
obs = cds.read_table("observations", sys.argv[2])
print(json.dumps({"read": result.documents_read, "targets": obs["is_target"].tolist()}))
"""


def _ingest_with(package_parent: Path, raw: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(package_parent), "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(
        [sys.executable, "-c", INGEST, str(raw), str(out)],
        env=env,
        cwd=package_parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_edited_vocabulary_re_extracts_on_the_next_ingest(tmp_path):
    """A goal phrase added to a copy of the package turns a result into a target on re-ingest."""
    copy = tmp_path / "pkg"
    shutil.copytree(PACKAGE, copy / "cds_analysis", ignore=shutil.ignore_patterns("__pycache__"))
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "son-ha.txt").write_text(TEXT, encoding="utf-8")

    before = _ingest_with(copy, raw, out)
    assert before == {"read": 1, "targets": [False]}
    unchanged = _ingest_with(copy, raw, out)
    assert unchanged["read"] == 0  # same content, same rules: the earlier rows are reused

    cues = copy / "cds_analysis" / "reference" / "data" / "vocab" / "goal_cues.csv"
    cues.write_text(cues.read_text(encoding="utf-8") + "hướng tới,sentence\n", encoding="utf-8")
    after = _ingest_with(copy, raw, out)
    assert after == {"read": 1, "targets": [True]}
