"""Default paths, in one place, each overridable by an environment variable.

Relative defaults are relative to the working directory, as the README's commands run
from the repository root (the owid ``etl/paths.py`` pattern).

| constant | default | environment variable |
|---|---|---|
| ``RAW_DIR`` | ``data/raw`` | ``CDS_RAW_DIR`` |
| ``PROCESSED_DIR`` | ``data/processed`` | ``CDS_PROCESSED_DIR`` |
| ``REPORTS_DIR`` | ``reports`` | ``CDS_REPORTS_DIR`` |
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PACKAGE_DATA", "PROCESSED_DIR", "RAW_DIR", "REPORTS_DIR"]

RAW_DIR = Path(os.environ.get("CDS_RAW_DIR", "data/raw"))
PROCESSED_DIR = Path(os.environ.get("CDS_PROCESSED_DIR", "data/processed"))
REPORTS_DIR = Path(os.environ.get("CDS_REPORTS_DIR", "reports"))

# Reference data shipped inside the package: catalogue, targets, gazetteer, vocabularies.
PACKAGE_DATA = Path(__file__).parent / "reference" / "data"
