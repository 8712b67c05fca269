"""What the benchmarks share: memory read from /proc, and a git revision of the package to time beside this tree."""

from __future__ import annotations

import io
import resource
import subprocess
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def memory_mb(field: str = "VmHWM", pid: int | str = "self") -> float:
    """``field`` of ``/proc/<pid>/status`` in MB: the peak (VmHWM) or current (VmRSS) resident memory.

    Without /proc, this process's peak from ``getrusage``; another process gone
    (or without the line) counts 0.
    """
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        return next((int(line.split()[1]) for line in lines if line.startswith(field)), 0) / 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 if pid == "self" else 0.0


def reset_peak() -> None:
    """Start a new peak-RSS window for this process (Linux); elsewhere the process peak is reported."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def export_revision(ref: str, into: str | Path) -> Path:
    """The files of git revision ``ref`` of this repository, written under ``into`` (run with PYTHONPATH=into)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(into, filter="data")
    return Path(into)
