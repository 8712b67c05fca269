"""Shared fixtures (PUDL's pattern: fixtures live here, never imported from another test module)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _untracked_and_changed() -> set[str] | None:
    """`git status --porcelain` of the repository, or None outside a git checkout."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
    )
    return set(done.stdout.splitlines()) if done.returncode == 0 else None


@pytest.fixture(scope="session", autouse=True)
def working_tree_stays_clean():
    """Tests write only under their temporary folders: the checkout looks the same after the run."""
    before = _untracked_and_changed()
    yield
    after = _untracked_and_changed()
    if before is not None and after is not None:
        written = sorted(after - before)
        assert not written, f"the test run wrote into the working tree: {written[:10]}"
