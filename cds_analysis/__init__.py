"""cds_analysis: Vietnamese digital-transformation (chuyển đổi số) reports → tidy tables.

    import cds_analysis as cds
    obs = cds.read_table("observations")

Submodules, in the order data flows through them: text → numbers, periods →
gazetteer → indicators → readers, boilerplate → extract, sheets → tables,
ingest → targets, progress → plots → reports → cli.
"""

__version__ = "0.1.0"
