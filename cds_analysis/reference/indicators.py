"""The indicator catalogue: what a number in a CĐS report measures.

The catalogue is one data file, ``data/indicators.yaml``, one entry per
indicator (code, names, unit, levels, direction, roll-up rule, trigger
phrases, aliases). This module loads and validates it; matching its trigger
phrases in text is an extraction rule, :mod:`cds_analysis.rules.naming`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import pyarrow as pa
import yaml

from cds_analysis.errors import CatalogueError
from cds_analysis.lang.text import fold
from cds_analysis.reference.levels import ADMIN_LEVELS
from cds_analysis.reference.measures import UNITS as MEASURE_UNITS
from cds_analysis.reference.schemas import INDICATORS

__all__ = [
    "Indicator",
    "CatalogueError",
    "UNITS",
    "AGGREGATIONS",
    "LEVELS",
    "load_indicators",
    "catalogue",
    "phrase_key",
    "get",
    "codes",
    "canonical",
    "narrower",
]

UNITS = (*MEASURE_UNITS, "varies")  # "varies": an indicator whose unit its reports choose
AGGREGATIONS = ("sum", "weighted_mean", "mean", "none")
LEVELS = ADMIN_LEVELS

_REQUIRED = (
    "code",
    "name_vi",
    "name_en",
    "unit",
    "levels",
    "higher_is_better",
    "aggregation",
    "triggers",
    "description",
)
_OPTIONAL = ("counts", "refines", "aliases")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_DEFAULT = "indicators.yaml"


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry. ``counts`` and ``refines`` steer :func:`cds_analysis.rules.naming.match_indicator`."""

    code: str
    name_vi: str
    name_en: str
    unit: str
    levels: tuple[str, ...]
    higher_is_better: bool
    aggregation: str
    triggers: tuple[str, ...]
    description: str
    counts: tuple[str, ...] = ()
    refines: str | None = None
    aliases: tuple[str, ...] = ()


def phrase_key(phrase: str) -> str:
    """Folded, single-spaced form of a trigger phrase: what it is matched as (punctuation kept)."""
    return " ".join(fold(phrase).split())


# --- loading and validation ----------------------------------------------------------


def _default_path() -> Path:
    return Path(str(resources.files("cds_analysis") / "reference" / "data" / _DEFAULT))


# libyaml's loader where PyYAML was built with it: the same nodes and line marks, 7× faster,
# and every process that extracts (each pool or Dask worker) reads the catalogue once.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose(path: Path) -> tuple[list, list[int]]:
    """Entries of the YAML list and the line (1-based) each starts on."""
    try:
        loader = _LOADER(path.read_text(encoding="utf-8"))
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    if node is None or not isinstance(data, list):
        raise CatalogueError(f"{path}: expected a list of entries at the top level")
    return data, [item.start_mark.line + 1 for item in node.value]


def _strings(value, field: str, fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"{field} must be a list of non-empty strings")
    keys = [phrase_key(v) for v in value]
    dupes = sorted({v for v, k in zip(value, keys) if keys.count(k) > 1})
    if dupes:
        fail(f"{field} repeats {dupes} (the same once accents and case are folded)")
    return tuple(v.strip() for v in value)


def _entry(raw, where: str) -> Indicator:
    """Validate one raw entry; every error names ``where`` (file, line, code)."""

    def fail(reason: str):
        raise CatalogueError(f"{where}: {reason}")

    if not isinstance(raw, dict):
        fail("an entry must be a mapping of fields")
    missing = [k for k in _REQUIRED if k not in raw]
    unknown = [k for k in raw if k not in _REQUIRED + _OPTIONAL]
    if missing:
        fail(f"missing field(s) {missing}")
    if unknown:
        fail(f"unknown field(s) {unknown}; fields are {list(_REQUIRED + _OPTIONAL)}")
    code = raw["code"]
    if not isinstance(code, str) or not _CODE.match(code):
        fail(f"code {code!r} is not snake_case")
    for field in ("name_vi", "name_en", "description"):
        if not isinstance(raw[field], str) or not raw[field].strip():
            fail(f"{field} must be a non-empty string")
    if raw["unit"] not in UNITS:
        fail(f"unknown unit {raw['unit']!r}; units are {list(UNITS)}")
    if (raw["unit"] == "varies") != (code == "other"):
        fail("unit 'varies' is for the catch-all 'other' only")
    if raw["aggregation"] not in AGGREGATIONS:
        fail(f"unknown aggregation {raw['aggregation']!r}; aggregations are {list(AGGREGATIONS)}")
    if not isinstance(raw["higher_is_better"], bool):
        fail("higher_is_better must be true or false")
    levels = raw["levels"]
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        fail(f"levels must be a non-empty list drawn from {list(LEVELS)}, not {levels!r}")
    triggers = _strings(raw["triggers"], "triggers", fail)
    if not triggers and code != "other":
        fail("needs at least one trigger phrase")
    counts = _strings(raw.get("counts", []), "counts", fail)
    if counts and raw["unit"] not in ("count", "criteria", "percent"):
        fail(
            "counts (nouns of what is counted, or of the population of a share) belong to count, criteria or percent entries"
        )
    refines = raw.get("refines")
    if refines is not None and not isinstance(refines, str):
        fail("refines must be the code of another entry")
    aliases = _strings(raw.get("aliases", []), "aliases", fail)
    bad = [a for a in aliases if not _CODE.match(a) or a == code]
    if bad:
        fail(f"aliases {bad} must be snake_case codes other than the entry's own")
    return Indicator(
        code=code,
        name_vi=raw["name_vi"].strip(),
        name_en=raw["name_en"].strip(),
        unit=raw["unit"],
        levels=tuple(levels),
        higher_is_better=raw["higher_is_better"],
        aggregation=raw["aggregation"],
        triggers=triggers,
        description=raw["description"].strip(),
        counts=counts,
        refines=refines,
        aliases=aliases,
    )


def _read(path: Path) -> dict[str, Indicator]:
    """Parse and validate a catalogue file into code → Indicator (file order)."""
    data, lines = _compose(path)
    entries: dict[str, Indicator] = {}
    where: dict[str, str] = {}
    for i, (raw, line) in enumerate(zip(data, lines), 1):
        label = raw.get("code") if isinstance(raw, dict) else None
        here = f"{path}:{line}: entry {i}" + (f" ({label!r})" if label else "")
        indicator = _entry(raw, here)
        if indicator.code in entries:
            raise CatalogueError(f"{here}: code {indicator.code!r} already defined at {where[indicator.code]}")
        entries[indicator.code] = indicator
        where[indicator.code] = here
    owner: dict[str, str] = {}
    for code, ind in entries.items():
        for alias in ind.aliases:
            if alias in entries or alias in owner:
                first = owner.get(alias, alias)
                raise CatalogueError(f"{where[code]}: alias {alias!r} already names entry {first!r}")
            owner[alias] = code
    for code, ind in entries.items():
        if ind.refines is None:
            continue
        parent = entries.get(ind.refines)
        if parent is None or parent.code == code:
            raise CatalogueError(f"{where[code]}: refines unknown entry {ind.refines!r}")
        if parent.unit != ind.unit or parent.refines is not None:
            raise CatalogueError(
                f"{where[code]}: refines {parent.code!r}, which must have the same unit and refine nothing itself"
            )
    if "other" not in entries:
        raise CatalogueError(f"{path}: the catch-all entry 'other' is missing")
    return entries


@cache
def catalogue() -> dict[str, Indicator]:
    """The packaged catalogue's entries by code, loaded and checked once."""
    return _read(_default_path())


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """The catalogue as a DataFrame in the ``indicators`` table schema.

    ``levels`` are joined with ',', ``triggers`` with '|'. ``path`` defaults to
    the packaged ``data/indicators.yaml``; a malformed file raises
    :class:`CatalogueError` naming the file, line and entry.
    """
    entries = catalogue() if path is None else _read(Path(path))
    rows = [
        {
            "code": i.code,
            "name_vi": i.name_vi,
            "name_en": i.name_en,
            "unit": i.unit,
            "levels": ",".join(i.levels),
            "higher_is_better": i.higher_is_better,
            "aggregation": i.aggregation,
            "triggers": "|".join(i.triggers),
            "description": i.description,
        }
        for i in entries.values()
    ]
    return pa.Table.from_pylist(rows, schema=INDICATORS).to_pandas()


def codes() -> tuple[str, ...]:
    """All indicator codes, in catalogue order."""
    return tuple(catalogue())


@cache
def _aliases() -> dict[str, str]:
    return {alias: ind.code for ind in catalogue().values() for alias in ind.aliases}


@cache
def narrower(code: str) -> tuple[str, ...]:
    """The entries that refine ``code`` ('full_process_online_dossier_rate' of 'online_dossier_rate')."""
    return tuple(ind.code for ind in catalogue().values() if ind.refines == code)


def canonical(code: str) -> str:
    """The catalogue code of ``code``: itself, or the entry it is an alias of.

    An alias is another code for the same indicator, e.g. the code a labelling
    contract or an earlier catalogue used ('late_dossier_rate' for
    'dossiers_late_rate'). Unknown codes are returned unchanged.
    """
    return _aliases().get(code, code)


def get(code: str) -> Indicator:
    """The catalogue entry of ``code`` (or of the entry it is an alias of); a KeyError suggests near codes."""
    try:
        return catalogue()[canonical(code)]
    except KeyError:
        near = difflib.get_close_matches(code, list(catalogue()), n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise KeyError(f"unknown indicator code {code!r}{hint}") from None
