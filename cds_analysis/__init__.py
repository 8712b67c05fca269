"""cds_analysis: Vietnamese digital-transformation (chuyển đổi số) reports → tidy tables.

    import cds_analysis as cds
    obs = cds.read_table("observations")              # after `cds-analysis ingest`
    cds.extract_text("Năm 2023, huyện Sơn Hà đạt 90,9% hồ sơ trực tuyến.")
    cds.progress(obs, as_of="2023-Q2", level="district")

Modules, in the order data flows through them: text → numbers, periods →
gazetteer → indicators → readers, boilerplate, segments → nouns, places,
context, extract (free text) and sheets (structured) → tables, ingest →
targets, progress, conflicts → plots → reports → cli.
"""

__version__ = "0.1.0"

from . import conflicts  # noqa: E402  (a module you can call: cds_analysis.conflicts(observations))
from .extract import extract_document, extract_file, extract_text  # noqa: E402
from . import ingest  # noqa: E402  (a module you can call: cds_analysis.ingest(raw_dir, out_dir))
from . import progress  # noqa: E402  (a module you can call: cds_analysis.progress(observations, …))
from .tables import read_table  # noqa: E402
from .targets import load_targets  # noqa: E402

__all__ = [
    "__version__", "extract_text", "extract_file", "extract_document", "ingest", "read_table", "progress", "load_targets", "conflicts",
]
