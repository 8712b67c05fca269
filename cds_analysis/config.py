"""Default paths and input limits, in one place, each overridable by an environment variable.

Relative defaults are relative to the working directory, as the README's commands run
from the repository root (the owid ``etl/paths.py`` pattern).

| constant | default | environment variable |
|---|---|---|
| ``RAW_DIR`` | ``data/raw`` | ``CDS_RAW_DIR`` |
| ``PROCESSED_DIR`` | ``data/processed`` | ``CDS_PROCESSED_DIR`` |
| ``REPORTS_DIR`` | ``reports`` | ``CDS_REPORTS_DIR`` |

Limits (see :class:`Limits`) keep one hostile or broken file from taking the memory or
the time of a whole run: a file over a limit is refused with a reject row naming the
limit, and the other files go on. The command line's ``--max-*`` options and the
``CDS_MAX_*`` variables raise them.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from cds_analysis.errors import ConfigError

__all__ = ["PACKAGE_DATA", "PROCESSED_DIR", "RAW_DIR", "REPORTS_DIR", "Limits", "limits", "set_limits"]

RAW_DIR = Path(os.environ.get("CDS_RAW_DIR", "data/raw"))
PROCESSED_DIR = Path(os.environ.get("CDS_PROCESSED_DIR", "data/processed"))
REPORTS_DIR = Path(os.environ.get("CDS_REPORTS_DIR", "reports"))

# Reference data shipped inside the package: catalogue, targets, gazetteer, vocabularies.
PACKAGE_DATA = Path(__file__).parent / "reference" / "data"

_MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The most one input may hold before it is refused.

    The defaults are far above any real report (a 300-page provincial report is
    ~2 MB as .docx and ~600 000 characters; a district workbook a few thousand rows)
    and far below what exhausts a laptop: reading costs ~100 bytes of memory
    per character of text and ~1 kB per workbook cell.
    """

    file_bytes: int = 100 * _MIB  # bytes of one raw file on disk
    inflated_bytes: int = 200 * _MIB  # bytes of one member of a .docx/.xlsx (zip) once decompressed
    sheet_rows: int = 200_000  # rows of one sheet
    document_chars: int = 5_000_000  # characters of one document's text

    # Environment variable of each field.
    ENV: ClassVar[dict[str, str]] = {
        "file_bytes": "CDS_MAX_FILE_BYTES",
        "inflated_bytes": "CDS_MAX_INFLATED_BYTES",
        "sheet_rows": "CDS_MAX_SHEET_ROWS",
        "document_chars": "CDS_MAX_DOCUMENT_CHARS",
    }

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, with each ``CDS_MAX_*`` variable that is set taking the place of its field."""
        values = {}
        for field, var in cls.ENV.items():
            raw = os.environ.get(var)
            if raw is None:
                continue
            try:
                values[field] = int(raw.replace("_", ""))
            except ValueError:
                raise ConfigError(f"{var} must be a whole number, not {raw!r}") from None
            if values[field] <= 0:
                raise ConfigError(f"{var} must be positive, not {raw!r}")
        return cls(**values)


_current: Limits | None = None


def limits() -> Limits:
    """The limits in force: those set by :func:`set_limits`, else the defaults and ``CDS_MAX_*``."""
    global _current
    if _current is None:
        _current = Limits.from_env()
    return _current


def set_limits(new: Limits | None = None, **changes: int) -> Limits:
    """Put ``new`` (or the current limits with ``changes``) in force for this process; return them.

    Worker processes get the limits of the run passed to them, so a raised limit holds there too.
    """
    global _current
    _current = dataclasses.replace(new or limits(), **changes)
    return _current
