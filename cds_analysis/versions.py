"""The version of the rules that read a file, computed so that it cannot be forgotten.

Ingest reuses a file's earlier rows when its content and the version of the rules that
read it are unchanged. A hand-kept version string was never bumped through 23 rule
changes, so re-ingesting after an upgrade silently kept stale facts. The version is now
the package version plus a hash of every source and data file the rules read: change a
rule, a vocabulary or the catalogue, and the files are read again on the next ingest.
Text and sheets share the folders (tables in reports go through the sheet reader), so one
hash serves both; the kind only names which rules wrote a row.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = ["RULE_FOLDERS", "rules_version"]

_PACKAGE = Path(__file__).parent

# Folders whose code and data decide what a file yields, text or sheet.
RULE_FOLDERS: tuple[str, ...] = ("lang", "reference", "read", "rules", "sheets")


@cache
def _rules_digest() -> str:
    """12 hex digits of the hash of every file under :data:`RULE_FOLDERS`, read once per process."""
    digest = hashlib.sha256()
    for folder in RULE_FOLDERS:
        for path in sorted((_PACKAGE / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(_PACKAGE).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def rules_version(kind: Literal["text", "sheet"]) -> str:
    """'<package version>+<kind>.<12 hex digits>': the rules that read files of ``kind``."""
    from cds_analysis import __version__

    return f"{__version__}+{kind}.{_rules_digest()}"
