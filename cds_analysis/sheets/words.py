"""What the words of a table's headers and names say: periods, units and catalogue indicators.

A header is read the way an analyst reads it: folded and without its parentheses
when compared, with its diacritics restored when typed without them ('Quy I/2024'),
its unit from parentheses ('Tỷ lệ hồ sơ trực tuyến (%)') and its indicator from the
catalogue. Shared by district spreadsheets and tables inside reports.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from cds_analysis.lang import periods
from cds_analysis.lang.text import fold, fold_key, normalize
from cds_analysis.reference import indicators
from cds_analysis.reference.measures import UNIT_LABELS as MEASURE_LABELS
from cds_analysis.reference.table_headers import PARENS, header_key
from cds_analysis.rules import naming, quantities

__all__ = [
    "UNIT_LABELS",
    "accented",
    "indicator_of",
    "period_in",
    "period_of",
    "unit_hint",
    "unit_in",
    "unit_of",
    "unit_words",
    "whole_period",
]

# How the template writes each catalogue unit; the reader knows these words.
UNIT_LABELS = MEASURE_LABELS  # how the template writes each unit; the reader knows these words


# Words of periods and collectives as typed without diacritics (folded) → as the parsers expect them.
_ACCENTS = {
    "quy": "quý", "nam": "năm", "thang": "tháng", "dau": "đầu", "cuoi": "cuối", "tinh den": "tính đến",
    "ngay": "ngày", "den": "đến", "het": "hết", "cac": "các", "cap": "cấp", "tat ca": "tất cả", "toan bo": "toàn bộ",
    "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "thon": "thôn", "to dan pho": "tổ dân phố",
    "huyen": "huyện", "thi xa": "thị xã", "thanh pho": "thành phố", "quan": "quận",
}  # fmt: skip
_ACCENT_WORDS = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, _ACCENTS), key=len, reverse=True)) + r")(?!\w)")


def accented(text: str) -> str:
    """'Cac xa, thi tran' → 'các xã, thị trấn'; 'Quy I/2024' → 'quý i/2024' (other words stay folded)."""
    return _ACCENT_WORDS.sub(lambda m: _ACCENTS[m.group()], fold(normalize(text)))


_UNIT_WORD_ASCII = re.compile(r"(?<!\w)(?i:(thanh pho|thi tran|thi xa|tinh|huyen|quan|phuong|xa))(?=\s+[A-ZĐ])")
_UNIT_WORD = {**{w: _ACCENTS[w] for w in ("thanh pho", "thi tran", "thi xa", "huyen", "quan", "phuong", "xa")},
              "tinh": "tỉnh"}  # fmt: skip


def unit_words(text: str) -> str:
    """'UBND HUYEN MO DUC' → 'UBND huyện MO DUC': unit words typed without diacritics, restored
    before a capitalised name, so that the gazetteer finds the unit (names match without diacritics)."""
    return _UNIT_WORD_ASCII.sub(lambda m: _UNIT_WORD[m.group(1).lower()], text)


_LABEL_START = re.compile(r"\d{4}(?!\d)|as_of |range ")


def period_of(text: str) -> periods.Period | None:
    """The period a cell names ('Quý I/2024', '2024-Q1', 'Quy I/2024' without diacritics too).

    Of the readings of the text as written and with diacritics restored, the
    one that covers the most of it wins ('Tinh den 30/5/2023' is as of that
    day, not the day).
    """
    t = text.strip()
    if _LABEL_START.match(t):
        try:
            return periods.parse_period(t)
        except ValueError:
            return None
    best: tuple[int, periods.Period] | None = None
    for candidate in dict.fromkeys((normalize(t), accented(t))):
        for m in periods.find_periods(candidate):
            if m.period is not None and (best is None or m.end - m.start > best[0]):
                best = (m.end - m.start, m.period)
    return best[1] if best else None


_DAY_LABEL = re.compile(r"\d{4}-\d{2}-\d{2}")


def period_in(text: str) -> periods.Period | None:
    """The first period a title or header names, passing over a day (the date the report is signed)."""
    if not text:
        return None
    found = [m.period for m in periods.find_periods(normalize(text)) if m.period is not None]
    return next((p for p in found if not _DAY_LABEL.fullmatch(p.label)), None)


def whole_period(text: str) -> periods.Period | None:
    """The period a header is, when it is nothing else ('Quý I/2024', 'Năm 2023', 'Quy II/2024')."""
    for candidate in dict.fromkeys((normalize(text).strip(), accented(text).strip())):
        found = [m for m in periods.find_periods(candidate) if m.period is not None]
        if len(found) == 1 and found[0].start == 0 and found[0].end >= len(candidate.rstrip(" .:")):
            return found[0].period
    return None


def unit_in(header: str) -> str | None:
    """The unit a header gives in parentheses: '%' of 'Tỷ lệ (%)', 'hồ sơ' of 'Số hồ sơ (hồ sơ)'."""
    found = [m.group(1).strip() for m in PARENS.finditer(header) if m.group(1).strip()]
    return next((t for t in reversed(found) if unit_of(t)[0] is not None), None)


_UNIT_WORDS: dict[str, tuple[str, float]] = {
    **{fold_key(label): (unit, 1.0) for unit, label in UNIT_LABELS.items() if fold_key(label)},
    **{w: ("percent", 1.0) for w in ("ty le", "ti le", "phan tram", "percent")},
    **{w: ("count", 1.0) for w in ("so", "cai", "don vi", "count")},
    **{w: ("vnd", 1.0) for w in ("vnd", "vnd dong", "dong vn")},
    "nghin dong": ("vnd", 1e3), "trieu dong": ("vnd", 1e6), "ty dong": ("vnd", 1e9), "ti dong": ("vnd", 1e9),
    **{w: ("rank", 1.0) for w in ("hang", "xep hang", "thu", "thu bac", "vi tri")},
    "mb s": ("mbps", 1.0), "mbit s": ("mbps", 1.0),
}  # fmt: skip


def unit_of(text: str) -> tuple[str | None, float]:
    """(catalogue unit, scale) of a unit word ('%', 'hồ sơ', 'triệu đồng'); (None, 1) when unknown."""
    t = normalize(text).strip()
    if "%" in t:
        return "percent", 1.0
    if fold_key(t) in _UNIT_WORDS:
        return _UNIT_WORDS[fold_key(t)]
    found = quantities.find_quantities(f"1 {t}")
    if len(found) == 1 and found[0].end == len(t) + 2:
        q = found[0]
        if q.unit != "count" or q.unit_word:
            return q.unit, q.value
    return None, 1.0


_RATE_NAME = re.compile(r"^(?:ty le|ti le|ty trong)\b")
_COUNT_NAME = re.compile(r"^(?:so|tong so|so luong)\b")
_OUTLINE = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/]\s*|[-+•*]\s+)+", re.IGNORECASE)


def unit_hint(unit_text: str | None, value_unit: str | None, name: str | None) -> str | None:
    """The unit that steers indicator matching: the value's own, the unit column's, or the name's."""
    if value_unit:
        return value_unit
    if unit_text and (unit := unit_of(unit_text)[0]):
        return unit
    key = fold_key(name or "")
    if _RATE_NAME.match(key):
        return "percent"
    if _COUNT_NAME.match(key):
        return "count"
    return None


@cache
def _by_name() -> dict[str, str]:
    """Folded catalogue code and Vietnamese name → code (names shared by two entries are left out)."""
    names: dict[str, list[str]] = {}
    for code in indicators.codes():
        if code == "other":
            continue
        names.setdefault(fold_key(code), []).append(code)
        names.setdefault(header_key(indicators.get(code).name_vi), []).append(code)
    return {key: codes[0] for key, codes in names.items() if len(set(codes)) == 1}


_COUNT_PREFIX = re.compile(r"^(?:tổng số|số lượng|số)\s+", re.IGNORECASE)


def _phrase(text: str) -> str:
    """A name as matched: without outline numbers ('1.2.', '-') and unit parentheses ('(%)')."""
    without_units = PARENS.sub(lambda m: " " if unit_of(m.group(1))[0] else m.group(), normalize(text))
    return _OUTLINE.sub("", without_units).strip()


@lru_cache(maxsize=1 << 12)  # a pure function of its strings; a table asks it for each figure of a row
def indicator_of(name: str | None, code: str | None, unit: str | None, counted: str | None = None) -> str | None:
    """Catalogue code of a row or column: by code, then by name, then by trigger phrases.

    The noun after 'Số …' is what a count counts ('Số thành viên' → 'thành
    viên'); it decides first for ``counted``, a header under a group header
    ('Số thành viên' under 'Tổ CNSCĐ'), and breaks ties otherwise.
    """
    for text in (code, name):
        if text and (found := _by_name().get(header_key(text))):
            return found
    phrase = _phrase(name or "")
    if not phrase:
        return None
    own = _phrase(counted) if counted else phrase
    prefix = _COUNT_PREFIX.match(own)
    noun = own[prefix.end() :] if prefix and unit in ("count", None) else None
    for unit_word in dict.fromkeys([noun, None] if counted else [None, noun]):
        if found := naming.match_indicator(phrase, unit=unit, unit_word=unit_word):
            return found
    return None
