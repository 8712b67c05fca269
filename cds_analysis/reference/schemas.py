"""The tables of cds_analysis, declared once.

Each table is a pyarrow schema whose fields carry a description in their
metadata. Everything that writes or reads a table goes through these
schemas, so a column exists, has one type and one meaning in one place.
Administrative and statistics-office codes are strings: '08' is not 8.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["OLD_MAP", "NEW_MAP", "SCHEMAS", "schema", "describe", "empty_frame"]


def _f(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


_S, _F, _I, _B, _D = pa.string(), pa.float64(), pa.int64(), pa.bool_(), pa.date32()

OLD_MAP, NEW_MAP = "2008–2025", "2025"
"""The two maps of Vietnam's units, the values of every ``map`` column: the 63 provinces, their districts and
communes until 30 June 2025, and the 34 provinces and their communes from 1 July 2025."""


def _map_field(of: str, nullable: bool = True) -> pa.Field:
    """The ``map`` column beside plain codes: which of the two maps ``of`` is on."""
    return _f(
        "map",
        _S,
        f"Map of {of}: '{OLD_MAP}' (63 provinces, their districts and communes, until 30 June 2025) or "
        f"'{NEW_MAP}' (34 provinces and their communes, from 1 July 2025). The 2025 list reuses old numbers for "
        "other units ('52' was Bình Định, is now Gia Lai): a code is read with its map.",
        nullable,
    )


_TS = pa.timestamp("s", tz="UTC")

_PLACE = [
    _f(
        "admin_level",
        _S,
        "Tier whose units the fact measures: national, province, district, commune, village; unknown for mixed tiers.",
    ),
    _f("place", _S, "The unit or collective as the text names it ('huyện Mộ Đức', 'các xã, thị trấn huyện Trà Bồng')."),
    _f("province", _S, "Province name without its unit word ('Quảng Ngãi'), the fact belongs to."),
    _f("province_code", _S, "Statistics-office code of that province on the map in ``map`` ('51')."),
    _f(
        "district",
        _S,
        "District-level unit with its unit word ('huyện Mộ Đức', 'thị xã Đức Phổ'), null for province-wide facts.",
    ),
    _f("district_code", _S, "Statistics-office code of the district, e.g. '522' (districts are on the 2008–2025 map)."),
    _f("commune", _S, "Commune-level unit with its unit word ('xã Định Long') when the fact is about one commune."),
    _f("commune_code", _S, "Statistics-office code of the commune on the map in ``map``, e.g. '21394'."),
    _map_field(
        "the units the source named (province_code, district_code, commune_code), those in force on the "
        "document's date (on a sheet's period for a workbook)"
    ),
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
        _map_field("province_code and district_code"),
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
            "figure_map",
            _S,
            f"Map the figure is read on: '{OLD_MAP}' when it is dated before 1 July 2025, '{NEW_MAP}' from then. Its "
            "date is the period's end, or the document's date when that is earlier (a 2024 plan's 2025 goal names "
            "old units); null when neither is known.",
        ),
        _f("current_province", _S, "Province of the 2025 map the fact belongs to ('Quảng Ngãi' for Kon Tum)."),
        _f("current_province_code", _S, f"Code of that province, on the '{NEW_MAP}' map ('51')."),
        _f(
            "current_commune",
            _S,
            "Commune of the 2025 map, with its unit word, for a commune fact whose commune is one new commune "
            "(named after the reform, or an old commune that went whole into one); null otherwise.",
        ),
        _f("current_commune_code", _S, f"Code of that commune, on the '{NEW_MAP}' map ('15835')."),
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
        _f(
            "code",
            _S,
            "Statistics-office code as published on the unit's map, leading zeros kept ('51', '08', '21394'). The "
            "2025 list reuses old numbers for other units ('91' was Kiên Giang, is now An Giang): a unit is "
            "(code, map).",
            False,
        ),
        _map_field("the unit (and its parent_code)", nullable=False),
        _f("name", _S, "Name without the unit word ('Quảng Ngãi', 'Đức Phổ').", False),
        _f("type", _S, "Unit word: tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn, đặc khu.", False),
        _f("level", _S, "province, district or commune.", False),
        _f("parent_code", _S, "Code of the unit one level up, on the same map."),
        _f("valid_from", _D, "First day the unit existed as recorded (null: before the source's start)."),
        _f("valid_to", _D, "Last day the unit existed (null: still valid)."),
        _f(
            "successor_code",
            _S,
            "Code on the 2025 map of the unit it became part of after valid_to: an old province's new province; an "
            "old commune's new commune when it went whole into one (null when it was split).",
        ),
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
        _f(
            "scope",
            _S,
            "'national' or the code of the unit whose plan sets it (a province's, or a report's unit).",
            False,
        ),
        _map_field("the scope's code (null for 'national')"),
        _f("scope_name", _S, "'Toàn quốc' or the province name."),
        _f("comparator", _S, "'>=', '>', '<=', 'top_n'.", False),
        _f("target_value", _F, "Target value in the unit below.", False),
        _f("as_written", _S, "The number as the source writes it ('trên 80%', 'nhóm 50', '14,5%')."),
        _f("unit", _S, "Unit of the target value.", False),
        _f("year", _I, "Year by which the target is to be reached (2025, 2026, 2030…): its horizon.", False),
        _f("source_decision", _S, "Legal source, e.g. '749/QĐ-TTg', or the newspaper that reported it.", False),
        _f("source_kind", _S, "decision, resolution, plan, programme, newspaper or report."),
        _f("source_level", _S, "Level of the body that set the target: national or province."),
        _f("source_date", _D, "Date of the legal source."),
        _f("source_url", _S, "Page the figure was read on, where recorded."),
        _f("confirmed", _B, "False where the figure was not seen in the wording of its source.", False),
        _f(
            "superseded_by",
            _S,
            "target_id of the target that wins for the same indicator, tier and scope (a decision over a newspaper).",
        ),
        _f("origin", _S, "'reference' (package data) or 'report' (stated in an ingested report).", False),
        _f("note", _S, "Wording or caveat."),
    ]
)

PROGRESS = pa.schema(
    [
        _f("unit_code", _S, "Statistics-office code of the unit (province, district or commune) on ``map``.", False),
        _map_field("unit_code", nullable=False),
        _f("unit_name", _S, "Name of the unit.", False),
        _f(
            "admin_level",
            _S,
            "Tier measured, as in observations: a district has a row for itself and one for its communes taken together.",
            False,
        ),
        _f("province_code", _S, "Code of the province the unit belongs to, on ``province_map``."),
        _f(
            "province_map",
            _S,
            f"Map of province_code, the one requested: '{OLD_MAP}' (63 provinces) or '{NEW_MAP}' (34, into which "
            "the old provinces and their districts and communes are rolled up).",
        ),
        _f("province", _S, "Name of that province."),
        _f("indicator", _S, "Catalogue code.", False),
        _f("as_of", _S, "Period label the progress is computed at.", False),
        _f("horizon", _I, "Target year the row is judged against (2025, 2026, 2030…)."),
        _f("latest_value", _F, "Latest observed (not target) value at or before as_of; a lower bound for sum_partial."),
        _f("latest_period", _S, "Period label of that value ('as_of YYYY-MM-DD' when dated by its document)."),
        _f("latest_period_end", _D, "Last day of that period: the day the value speaks of."),
        _f(
            "dated_by_document",
            _B,
            "True when the figure had no period and takes its document's publication day.",
        ),
        _f("age_quarters", _I, "Quarters from the value's period end to as_of; over 4 the value is stale."),
        _f("n_periods", _I, "Dated period ends of the unit's own series behind the trend.", False),
        _f("target_value", _F, "Target of the horizon that applies (province plan over national)."),
        _f("comparator", _S, "Comparator of the target."),
        _f("target_year", _I, "Year of the target."),
        _f("target_source", _S, "Legal source of the target."),
        _f("gap", _F, "target_value − latest_value (in the indicator's direction)."),
        _f("share_of_target", _F, "latest_value / target_value (inverted for ranks), capped at none."),
        _f("trend_per_year", _F, "Least-squares slope over the unit's own dated series, per year."),
        _f(
            "projected_2025",
            _F,
            "Value projected along the trend to 31 December of the horizon year (2025 by default), within bounds.",
        ),
        _f(
            "status",
            _S,
            "met, on_track, off_track, not_met (target year over), no_target, no_data or stale (older than 4 quarters).",
            False,
        ),
        _f("status_rule", _S, "The rule that gave the status, with its figures and sources, in Vietnamese."),
        _f("n_units_reported", _I, "Units of the tier the value covers (1 for a unit's own figure of itself)."),
        _f("n_units_total", _I, "Units of the tier that exist under the unit (the gazetteer's count)."),
        _f(
            "aggregation",
            _S,
            "How the value was obtained: observed (the unit's own), sum (complete), sum_partial (at least, "
            "incomplete coverage), weighted_mean (by denominators, complete).",
        ),
        _f("observation_ids", _S, "Observations behind latest_value, ';'-separated: the evidence trail."),
        _f(
            "set_aside_ids",
            _S,
            "Observations of the same unit and period end not used (less specific, older or unofficial source).",
        ),
    ]
)

CONFLICTS = pa.schema(
    [
        _f("indicator", _S, "Catalogue code.", False),
        _f("period_label", _S, "Period the sources speak of."),
        _f("admin_level", _S, "Level of the unit."),
        _f("unit_code", _S, "Code of the unit the sources speak of (the most specific code they name)."),
        _map_field("unit_code"),
        _f("place", _S, "Unit name."),
        _f("is_target", _B, "Whether the sources state a target rather than a result.", False),
        _f("value", _F, "One of the values stated for the unit, indicator and period.", False),
        _f("qualifier", _S, "How the value is stated (exact, more_than, at_least, less_than, approx).", False),
        _f("disagrees_with", _I, "How many of the other values stated for the same thing this one cannot be.", False),
        _f("n_sources", _I, "How many sources state this value.", False),
        _f("source", _S, "The first source stating it.", False),
        _f("observation_id", _S, "Its observation in the first source.", False),
        _f("evidence", _S, "Its evidence in the first source.", False),
    ]
)

OUTCOMES = pa.schema(
    [
        _f("outcome_id", _S, "Stable id of the published figure.", False),
        _f("indicator", _S, "Catalogue code where one fits, else a descriptive code (5g_population_coverage).", False),
        _f("name_vi", _S, "What is measured, in Vietnamese.", False),
        _f("scope", _S, "'national': the figure is the country's.", False),
        _f("value", _F, "The figure, in the unit below.", False),
        _f("qualifier", _S, "exact, approx (gần, khoảng), more_than (hơn, trên), as the source states it.", False),
        _f("unit", _S, "percent, count, rank or index.", False),
        _f("period_label", _S, "Period the figure speaks of ('2025', '2025-11', 'as_of 2025-10-21').", False),
        _f("period_end", _D, "Last day of that period.", False),
        _f("source_url", _S, "Page the figure was published on.", False),
        _f("source_date", _D, "Date of the page (null where the page is undated)."),
        _f("note", _S, "Context: breakdowns, what the figure is compared with, caveats."),
    ]
)

DTI = pa.schema(
    [
        _f("year", _I, "DTI year (the assessment of that year, published the next).", False),
        _f("provinces", _S, "Map of the ranking: pre2025 (63 provinces), post2025 (34) or national.", False),
        _f("province_code", _S, "Code of the province on that map (null for national figures and means)."),
        _map_field("province_code (null for national figures and means)"),
        _f("province", _S, "Province name as in the gazetteer (null for national figures and means)."),
        _f(
            "metric",
            _S,
            "pdti (provincial index), pillar_* (chính quyền số, kinh tế số, xã hội số), a main index "
            "(nhan_thuc_so, the_che_so, ha_tang_so, nhan_luc_so, an_toan_thong_tin_mang, hoat_dong_*), "
            "*_mean (mean of the provinces) or dti_national.",
            False,
        ),
        _f("score", _F, "Score 0–1 (null where only the rank was published)."),
        _f("rank", _I, "Rank among rank_of provinces."),
        _f("rank_of", _I, "Provinces ranked: 63 or 34."),
        _f(
            "derived",
            _B,
            "True for a post-2025 score computed here as the mean of its former provinces' scores.",
            False,
        ),
        _f("source", _S, "Page the figure was published on, or how it was derived.", False),
        _f("source_date", _D, "Date of the page (null where undated)."),
        _f("note", _S, "Method notes and caveats (the 2020 method is not comparable with later years)."),
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
    "outcomes": OUTCOMES,
    "dti": DTI,
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
