"""cds_analysis: Vietnamese digital-transformation (chuyển đổi số) reports → tidy tables.

    import cds_analysis as cds
    obs = cds.read_table("observations")              # after `cds-analysis ingest`
    cds.extract_text("Năm 2023, huyện Sơn Hà đạt 90,9% hồ sơ trực tuyến.")
    cds.progress(obs, documents=cds.read_table("documents"), level="district")
    cds.sql("select province, count(*) from observations group by 1")

Modules, in the order data flows through them: text → numbers, periods →
gazetteer → indicators → readers, boilerplate, segments → nouns, places,
context, extract (free text) and sheets (structured) → tables, ingest →
targets, progress, conflicts → plots → reports → cli.
"""

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING, Any

# Public name → module that defines it. Imported on first use (PEP 562), so that
# `cds-analysis --version` and a script that only reads tables do not pay for the
# extraction rules, the gazetteer and the charts.
_PUBLIC = {
    "conflicts": "cds_analysis.analysis.conflicts",
    "extract_document": "cds_analysis.rules.extract",
    "extract_file": "cds_analysis.rules.extract",
    "extract_text": "cds_analysis.rules.extract",
    "ingest": "cds_analysis.pipeline",
    "load_dti": "cds_analysis.reference.dti",
    "load_outcomes": "cds_analysis.reference.outcomes",
    "load_targets": "cds_analysis.reference.targets",
    "progress": "cds_analysis.analysis.progress",
    "read_table": "cds_analysis.store",
    "scorecard_2025": "cds_analysis.analysis.scorecard",
    "sql": "cds_analysis.store",
}

if TYPE_CHECKING:
    from cds_analysis.analysis.conflicts import conflicts
    from cds_analysis.analysis.progress import progress
    from cds_analysis.analysis.scorecard import scorecard_2025
    from cds_analysis.pipeline import ingest
    from cds_analysis.reference.dti import load_dti
    from cds_analysis.reference.outcomes import load_outcomes
    from cds_analysis.reference.targets import load_targets
    from cds_analysis.rules.extract import extract_document, extract_file, extract_text
    from cds_analysis.store import read_table, sql


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cds_analysis' has no attribute {name!r}")


__all__ = [
    "__version__",
    "conflicts",
    "extract_document",
    "extract_file",
    "extract_text",
    "ingest",
    "load_dti",
    "load_outcomes",
    "load_targets",
    "progress",
    "read_table",
    "scorecard_2025",
    "sql",
]
