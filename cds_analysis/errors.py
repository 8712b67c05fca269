"""The package's errors: one base class, so a caller can catch everything the library refuses.

Each subclass says what was refused and where, in words an analyst can act on (the file,
its line or cell, and the reason). They stay ``ValueError`` subclasses where they were
before, so code that caught ``ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "CatalogueError",
    "CdsError",
    "ConfigError",
    "LockedError",
    "ReadError",
    "ReferenceDataError",
    "ReportError",
    "TableError",
    "TargetsError",
    "VocabularyError",
]


class CdsError(Exception):
    """Anything cds_analysis refuses on purpose (bad input, bad parameters, bad reference data)."""


class ReadError(CdsError, ValueError):
    """A file that cannot be read, with where and why, in words an analyst can act on."""

    def __init__(self, path: str, reason: str, location: str | None = None):
        self.path = str(path)
        self.reason = reason
        self.location = location
        super().__init__(f"{self.path}: {reason}")


class CatalogueError(CdsError, ValueError):
    """The indicator catalogue is malformed; the message names the file, line and entry."""


class VocabularyError(CdsError, ValueError):
    """A vocabulary file is malformed; the message names the file, line and column."""


class TargetsError(CdsError, ValueError):
    """A targets file or frame that does not hold valid targets."""


class ReferenceDataError(CdsError, ValueError):
    """A bundled reference file (outcomes, DTI) is malformed; the message names the file, line and reason."""


class TableError(CdsError, ValueError):
    """A frame does not fit the schema of the table it is written to."""


class ReportError(CdsError):
    """A report cannot be rendered: a bad parameter, missing tables, or a failing cell."""


class ConfigError(CdsError, ValueError):
    """A setting from the environment (SOURCE_DATE_EPOCH, CDS_MAX_*) that cannot be used."""


class LockedError(CdsError):
    """Another process is writing the tables of the same folder."""
