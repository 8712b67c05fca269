"""The tables of cds_analysis, declared once.

Each table is a pyarrow schema whose fields carry a description in their
metadata. Everything that writes or reads a table goes through these
schemas, so a column exists, has one type and one meaning in one place.
Administrative and statistics-office codes are strings: '08' is not 8.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["SCHEMAS", "schema", "describe", "empty_frame"]


def _f(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


_S, _F, _I, _B, _D = pa.string(), pa.float64(), pa.int64(), pa.bool_(), pa.date32()
_TS = pa.timestamp("s", tz="UTC")

_PLACE = [
    _f(
        "admin_level",
        _S,
        "Tier whose units the fact measures: national, province, district, commune, village; unknown for mixed tiers.",
    ),
    _f("place", _S, "The unit or collective as the text names it ('huyện Mộ Đức', 'các xã, thị trấn huyện Trà Bồng')."),
    _f("province", _S, "Province name without its unit word ('Quảng Ngãi'), the fact belongs to."),
    _f("province_code", _S, "Statistics-office code of the province (pre-2025 units), e.g. '51'."),
    _f(
        "district",
        _S,
        "District-level unit with its unit word ('huyện Mộ Đức', 'thị xã Đức Phổ'), null for province-wide facts.",
    ),
    _f("district_code", _S, "Statistics-office code of the district, e.g. '522'."),
    _f("commune", _S, "Commune-level unit with its unit word ('xã Định Long') when the fact is about one commune."),
    _f("commune_code", _S, "Statistics-office code of the commune, e.g. '21394'."),
]

DOCUMENTS = pa.schema(
    [
        _f(
            "document_id", _S, "SHA-256 of the file's bytes (first 16 hex digits): stable across runs and paths.", False
        ),
        _f("path", _S, "Path of the raw file relative to the raw directory.", False),
        _f("format", _S, "txt, html, docx, pdf, csv or xlsx.", False),
        _f("title", _S, "Title found in the document, if any."),
        _f("published", _D, "Publication date found in the document, if any; resolves 'đến nay'."),
        _f("province", _S, "Province the document is mostly about."),
        _f("province_code", _S, "Code of that province."),
        _f("district", _S, "District the document is mostly about."),
        _f("district_code", _S, "Code of that district."),
        _f("n_chars", _I, "Characters in the extracted text.", False),
        _f("n_observations", _I, "Observations extracted from the document.", False),
        _f(
            "extractor_version",
            _S,
            "Version of the rules that read it; a file read by older rules is read again.",
            False,
        ),
        _f("ingested_at", _TS, "When the document was first ingested (SOURCE_DATE_EPOCH when set).", False),
    ]
)

OBSERVATIONS = pa.schema(
    [
        _f("observation_id", _S, "Stable id: hash of document id, offsets, indicator and value.", False),
        _f("document_id", _S, "Document the fact comes from.", False),
        _f("source", _S, "Path of the source file as given.", False),
        _f("indicator", _S, "Catalogue code, or 'other' when no catalogue entry fits.", False),
        _f("indicator_text", _S, "Vietnamese phrase of the source that names what is measured."),
        _f("value", _F, "The number, in the unit below ('99,89%' → 99.89, '46 tỷ đồng' → 4.6e10).", False),
        _f(
            "unit",
            _S,
            "percent, count, vnd, rank, criteria, percentage_points, points, per_100_people, km, mbps, ranks, "
            "… (see the catalogue).",
            False,
        ),
        _f("numerator", _F, "Numerator when the text writes a fraction ('1.458/1.604' → 1458)."),
        _f("denominator", _F, "Denominator of that fraction (1604)."),
        _f(
            "qualifier",
            _S,
            "exact, approx (gần, khoảng), more_than (trên, hơn), at_least (tối thiểu, trở lên), less_than (dưới), "
            "at_most (tối đa, không quá, the upper end of a range).",
            False,
        ),
        _f("is_target", _B, "True for a goal or plan (mục tiêu, phấn đấu, kế hoạch, sẽ); false for a result.", False),
        _f("period_label", _S, "'2023', '2023-Q2', '2023-H1', 'as_of 2023-05-30', 'range 2022-08..2023-Q1'."),
        _f("period_start", _D, "First day of the period."),
        _f("period_end", _D, "Last day of the period (the 'as of' day for a status)."),
        *_PLACE,
        _f(
            "evidence",
            _S,
            "Exact substring of the original text (or 'file!sheet!A1' cell text) the fact comes from.",
            False,
        ),
        _f("char_start", _I, "Offset of the evidence in the original text (Python str index).", False),
        _f("char_end", _I, "End offset (exclusive) of the evidence in the original text.", False),
        _f("extractor_version", _S, "Version of the rules that produced the row.", False),
    ]
)

REJECTS = pa.schema(
    [
        _f("path", _S, "Raw file that was rejected, or that holds the rejected row.", False),
        _f("document_id", _S, "Content hash when the file could be read."),
        _f("location", _S, "Line, 'sheet!A1' cell or page of the problem; null for the whole file."),
        _f("reason", _S, "What is wrong, in words an analyst can act on.", False),
        _f("stage", _S, "read, extract, validate or write.", False),
    ]
)

UNITS = pa.schema(
    [
        _f("code", _S, "Statistics-office code (leading zeros kept).", False),
        _f("name", _S, "Name without the unit word ('Quảng Ngãi', 'Đức Phổ').", False),
        _f("type", _S, "Unit word: tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn, đặc khu.", False),
        _f("level", _S, "province, district or commune.", False),
        _f("parent_code", _S, "Code of the unit one level up."),
        _f("valid_from", _D, "First day the unit existed as recorded (null: before the source's start)."),
        _f("valid_to", _D, "Last day the unit existed (null: still valid)."),
        _f("successor_code", _S, "Unit it became part of after valid_to (old province → new province)."),
        _f("source", _S, "Where the row comes from, with its date.", False),
    ]
)

INDICATORS = pa.schema(
    [
        _f("code", _S, "Indicator code used in observations.", False),
        _f("name_vi", _S, "Vietnamese name shown to analysts.", False),
        _f("name_en", _S, "English name.", False),
        _f("unit", _S, "Unit of its values.", False),
        _f("levels", _S, "Admin levels it is reported at, comma-separated."),
        _f("higher_is_better", _B, "Direction of progress (False for ranks).", False),
        _f("aggregation", _S, "Roll-up rule: sum, weighted_mean, mean or none.", False),
        _f("triggers", _S, "Vietnamese trigger phrases, '|'-separated."),
        _f("description", _S, "What the indicator measures and where it was first seen."),
    ]
)

TARGETS = pa.schema(
    [
        _f("target_id", _S, "Stable id of the target.", False),
        _f("indicator", _S, "Catalogue code the target applies to.", False),
        _f("admin_level", _S, "Tier the target applies to: national, province, district, commune.", False),
        _f("scope", _S, "'national' or the code of the province whose plan sets it.", False),
        _f("scope_name", _S, "'Toàn quốc' or the province name."),
        _f("comparator", _S, "'>=', '>', '<=', 'top_n'.", False),
        _f("target_value", _F, "Target value in the unit below.", False),
        _f("unit", _S, "Unit of the target value.", False),
        _f("year", _I, "Year by which the target is to be reached.", False),
        _f("source_decision", _S, "Legal source, e.g. '749/QĐ-TTg'.", False),
        _f("source_date", _D, "Date of the legal source."),
        _f("confirmed", _B, "False where the figure was not seen in the text of its source.", False),
        _f("origin", _S, "'reference' (package data) or 'report' (stated in an ingested report).", False),
        _f("note", _S, "Wording or caveat."),
    ]
)

PROGRESS = pa.schema(
    [
        _f("unit_code", _S, "Code of the unit (province, district or commune).", False),
        _f("unit_name", _S, "Name of the unit.", False),
        _f(
            "admin_level",
            _S,
            "Tier measured, as in observations: a district has a row for itself and one for its communes taken together.",
            False,
        ),
        _f("province_code", _S, "Province (pre- or post-2025 as requested) the unit belongs to."),
        _f("province", _S, "Name of that province."),
        _f("indicator", _S, "Catalogue code.", False),
        _f("as_of", _S, "Period label the progress is computed at.", False),
        _f("latest_value", _F, "Latest observed (not target) value at or before as_of."),
        _f("latest_period", _S, "Period label of that value."),
        _f("n_periods", _I, "Observed periods used for the trend.", False),
        _f("target_value", _F, "Target that applies (province plan over national)."),
        _f("comparator", _S, "Comparator of the target."),
        _f("target_year", _I, "Year of the target."),
        _f("target_source", _S, "Legal source of the target."),
        _f("gap", _F, "target_value − latest_value (in the indicator's direction)."),
        _f("share_of_target", _F, "latest_value / target_value (inverted for ranks), capped at none."),
        _f("trend_per_year", _F, "Least-squares slope over observed periods, per year."),
        _f("projected_2025", _F, "Value projected to 31 Dec 2025 from the trend."),
        _f(
            "status", _S, "met, on_track, off_track, no_data, or no_target (a value but no 2025 target applies).", False
        ),
        _f("n_units_reported", _I, "Lower units that reported (roll-ups); 1 for a direct observation."),
        _f("n_units_total", _I, "Lower units that exist (roll-ups)."),
        _f("aggregation", _S, "How the value was obtained: observed, sum, weighted_mean, mean_unweighted."),
        _f("observation_ids", _S, "Observations behind latest_value, ';'-separated: the evidence trail."),
    ]
)

CONFLICTS = pa.schema(
    [
        _f("indicator", _S, "Catalogue code.", False),
        _f("period_label", _S, "Period both sources speak of."),
        _f("admin_level", _S, "Level of the unit."),
        _f("unit_code", _S, "Unit both sources speak of."),
        _f("place", _S, "Unit name."),
        _f("value_a", _F, "First value.", False),
        _f("source_a", _S, "Source of the first value.", False),
        _f("evidence_a", _S, "Evidence of the first value.", False),
        _f("value_b", _F, "Second value.", False),
        _f("source_b", _S, "Source of the second value.", False),
        _f("evidence_b", _S, "Evidence of the second value.", False),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "observations": OBSERVATIONS,
    "rejects": REJECTS,
    "units": UNITS,
    "indicators": INDICATORS,
    "targets": TARGETS,
    "progress": PROGRESS,
    "conflicts": CONFLICTS,
}


def schema(name: str) -> pa.Schema:
    """Schema of table ``name``; a clear error for an unknown name."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(SCHEMAS)}") from None


def describe(name: str) -> dict[str, str]:
    """Column → description of table ``name``, for docs and notebooks."""
    return {f.name: f.metadata[b"description"].decode() for f in schema(name)}


def empty_frame(name: str):
    """An empty DataFrame with the columns and dtypes of table ``name``."""
    return schema(name).empty_table().to_pandas()
