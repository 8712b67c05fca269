"""cds_analysis: Vietnamese digital-transformation (chuyển đổi số) reports → tidy tables.

    import cds_analysis as cds
    obs = cds.read_table("observations")              # after `cds-analysis ingest`
    cds.extract_text("Năm 2023, huyện Sơn Hà đạt 90,9% hồ sơ trực tuyến.")
    cds.progress(obs, documents=cds.read_table("documents"), level="district")

Modules, in the order data flows through them: text → numbers, periods →
gazetteer → indicators → readers, boilerplate, segments → nouns, places,
context, extract (free text) and sheets (structured) → tables, ingest →
targets, progress, conflicts → plots → reports → cli.
"""

__version__ = "0.1.0"

from cds_analysis.analysis.conflicts import conflicts
from cds_analysis.analysis.progress import progress
from cds_analysis.analysis.scorecard import scorecard_2025
from cds_analysis.pipeline import ingest
from cds_analysis.reference.dti import load_dti
from cds_analysis.reference.outcomes import load_outcomes
from cds_analysis.reference.targets import load_targets
from cds_analysis.rules.extract import extract_document, extract_file, extract_text
from cds_analysis.store import read_table

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
]
