"""The labels, marks and colours reports print for the codes of the tables, read from ``labels_vi.yaml``.

Knowledge as data: the Vietnamese wording of statuses, trend arrows and tiers lives in
``reference/data/labels_vi.yaml`` so that an analyst rewords a label without touching Python.
A status the file does not know (a new one from progress) is shown with its code in grey,
never an exception, so the reports keep rendering while the file catches up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from cds_analysis.config import PACKAGE_DATA
from cds_analysis.errors import ReportError

__all__ = ["LABELS_FILE", "Status", "Trend", "conflict_text", "status", "statuses", "tier_label", "trend", "trends"]

LABELS_FILE = PACKAGE_DATA / "labels_vi.yaml"
_UNKNOWN_COLOUR = "#bdbdbd"


@dataclass(frozen=True)
class Status:
    """How a report shows one status: its label, its mark and its colour (which agree), and its order."""

    code: str
    label: str
    mark: str
    colour: str
    rank: int


@dataclass(frozen=True)
class Trend:
    """An SDSN-style trend arrow and the rule it stands for."""

    code: str
    arrow: str
    label: str


@cache
def _load() -> dict:
    try:
        data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ReportError(f"{LABELS_FILE}: cannot read the report labels: {exc}") from exc
    for section, keys in {"status": ("label", "mark", "colour", "rank"), "trend": ("arrow", "label")}.items():
        for code, entry in (data or {}).get(section, {}).items():
            missing = [k for k in keys if k not in (entry or {})]
            if missing:
                raise ReportError(f"{LABELS_FILE}: {section} {code!r} lacks {', '.join(missing)}")
    if not data or not {"status", "trend", "tier", "conflict"} <= set(data):
        raise ReportError(f"{LABELS_FILE}: needs the sections status, trend, tier and conflict")
    return data


@cache
def statuses() -> dict[str, Status]:
    """Every status the labels file knows, in report order (met first)."""
    entries = _load()["status"]
    return {
        code: Status(code, str(e["label"]), str(e["mark"]), str(e["colour"]), int(e["rank"]))
        for code, e in sorted(entries.items(), key=lambda item: int(item[1]["rank"]))
    }


def status(code: object) -> Status:
    """The labels of status ``code``; an unknown code shows as itself, in grey, after the known ones."""
    known = statuses()
    key = str(code) if code is not None else "no_data"
    return known.get(key) or Status(key, key, "?", _UNKNOWN_COLOUR, len(known) + 1)


@cache
def trends() -> dict[str, Trend]:
    """Every trend arrow, in the order the legend states the rules."""
    return {code: Trend(code, str(e["arrow"]), str(e["label"])) for code, e in _load()["trend"].items()}


def trend(code: str) -> Trend:
    return trends().get(code) or trends()["unknown"]


def tier_label(tier: object) -> str:
    """'cấp xã' for 'commune'; an unknown tier as written."""
    return str(_load()["tier"].get(str(tier), tier))


def conflict_text(key: str, **values: object) -> str:
    """The wording of where sources disagree ('⚠ 2 nguồn khác nhau'), with ``values`` filled in."""
    wording = _load()["conflict"].get(key)
    if wording is None:
        raise ReportError(f"{LABELS_FILE}: conflict lacks {key!r}")
    return str(wording).format(**values)
