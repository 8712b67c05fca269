"""District sheets (.xlsx, .csv) → observations with cell evidence, and the rows that fail.

Districts send figures as spreadsheets, each laid out its own way.
:func:`read_sheet` (from :mod:`cds_analysis.read.workbooks`) reads a workbook or
CSV file into grids of cells;
:func:`extract_sheet` finds in each sheet the header row below any title
rows, turns every filled value cell into a candidate observation and checks
the candidates with :mod:`cds_analysis.sheets.validation`: a failing row becomes a
reject naming its cell and reason, and the rest of the sheet lands.

Layouts read:

- long: one row per indicator ('Chỉ tiêu' and/or 'Mã chỉ tiêu', with
  'Giá trị' / 'Kết quả' / 'Thực hiện' and 'Kế hoạch' / 'Mục tiêu' columns;
  a value column may name its period, 'Thực hiện quý I/2024', or be one,
  'Quý I/2024' | 'Quý II/2024');
- wide: one column per indicator (its header matched to the catalogue,
  the unit in parentheses: 'Tỷ lệ hồ sơ trực tuyến (%)'), one row per place
  or period;
- a merged group header over the header row ('Quý I/2024' over 'Kế hoạch' |
  'Thực hiện', 'Hồ sơ TTHC' over 'Số hồ sơ trực tuyến' | …) adds to the
  headers below it;
- title rows above the header set the sheet's place, period and unit
  ('UBND HUYỆN TƯ NGHĨA', 'BÁO CÁO … QUÝ I NĂM 2024', 'Kỳ báo cáo: Quý I/2024',
  'Huyện/TX/TP:' | 'Tư Nghĩa', 'Đơn vị tính: %'); failing that, the sheet
  name ('Tư Nghĩa', 'Quý I-2024'). A row's own cells take precedence.

Decisions:

- ``Document.text`` of a workbook is its cells rendered as text: per sheet a
  line ``[sheet name]``, then one line per row with cells separated by tabs
  (a tab or line break inside a cell becomes a space). Of a CSV file, it is
  the decoded file. ``char_start``/``char_end`` of an observation span its
  value cell in that text, so ``doc.text[char_start:char_end]`` is the cell as
  written (inside the quotes of a quoted CSV field). ``evidence`` is
  ``'file!sheet!H7: <cell text>'`` (``'file!H7: …'`` for a CSV file).
- A number cell's text is the number as stored ('0.9545'); in a percentage
  format the format follows in parentheses ('0.9545 (0.00%)') and the value
  is read ×100 (95.45).
- Every cell of a merged range reads the value of its top-left cell.
- Blank cells and '-' are "no figure": no observation and no reject. A
  formula whose result the file does not hold is a reject.
- Strings are read the Vietnamese way ('4.573' = 4573, '99,89' = 99.89,
  '95%', 'trên 40%', '1.458/1.604'); '1,458,000' is not a number.
- A total row ('Tổng cộng', 'Toàn huyện') is the unit of the title; 'Các
  xã, thị trấn' / 'Cấp xã' is the commune level of the district taken together.
- Indicators are matched by catalogue code, then catalogue name, then the
  catalogue's trigger phrases (with the unit of the row, or 'Tỷ lệ …' →
  percent, 'Số …' → count); a sheet row that matches none is rejected, not
  filed under 'other'.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cache
from pathlib import Path

import pandas as pd
import pyarrow as pa

from cds_analysis.lang import numbers, periods
from cds_analysis.lang.text import fold, fold_key, normalize
from cds_analysis.read.documents import ReadError
from cds_analysis.read.workbooks import (
    EMPTY_CELL,
    SHEET_FORMATS,
    Cell,
    Sheet,
    SheetDocument,
    column_letters,
    read_sheet,
)
from cds_analysis.reference import gazetteer, indicators
from cds_analysis.reference.schemas import OBSERVATIONS, empty_frame, schema
from cds_analysis.rules.places import Place
from cds_analysis.sheets.validation import CELL_COLUMNS, row_failures
from cds_analysis.versions import rules_version

__all__ = [
    "SHEET_FORMATS",
    "UNIT_LABELS",
    "Cell",
    "Sheet",
    "SheetDocument",
    "extract_sheet",
    "extract_sheet_file",
    "read_sheet",
]


# How the template writes each catalogue unit; the reader knows these words.
UNIT_LABELS = {
    "percent": "%",
    "count": "số lượng",
    "vnd": "đồng",
    "rank": "thứ hạng",
    "criteria": "tiêu chí",
    "km": "km",
    "mbps": "Mbps",
    "percentage_points": "điểm phần trăm",
    "points": "điểm",
    "per_100_people": "/100 dân",
    "ranks": "bậc",
}

_HEADER_SEARCH_ROWS = 30


# --------------------------------------------------------------------------- words in cells


_PARENS = re.compile(r"\(([^()]*)\)")


def _header_key(text: str) -> str:
    """How a header or name is compared: folded, without parentheses, '*' or a final ':'."""
    return fold_key(_PARENS.sub(" ", text).replace("*", " ").strip().rstrip(":"))


# Words of periods and collectives as typed without diacritics (folded) → as the parsers expect them.
_ACCENTS = {
    "quy": "quý", "nam": "năm", "thang": "tháng", "dau": "đầu", "cuoi": "cuối", "tinh den": "tính đến",
    "ngay": "ngày", "den": "đến", "het": "hết", "cac": "các", "cap": "cấp", "tat ca": "tất cả", "toan bo": "toàn bộ",
    "xa": "xã", "phuong": "phường", "thi tran": "thị trấn", "thon": "thôn", "to dan pho": "tổ dân phố",
    "huyen": "huyện", "thi xa": "thị xã", "thanh pho": "thành phố", "quan": "quận",
}  # fmt: skip
_ACCENT_WORDS = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, _ACCENTS), key=len, reverse=True)) + r")(?!\w)")


def _accented(text: str) -> str:
    """'Cac xa, thi tran' → 'các xã, thị trấn'; 'Quy I/2024' → 'quý i/2024' (other words stay folded)."""
    return _ACCENT_WORDS.sub(lambda m: _ACCENTS[m.group()], fold(normalize(text)))


_LABEL_START = re.compile(r"\d{4}(?!\d)|as_of |range ")


def _period(text: str) -> periods.Period | None:
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
    for candidate in dict.fromkeys((normalize(t), _accented(t))):
        for m in periods.find_periods(candidate):
            if m.period is not None and (best is None or m.end - m.start > best[0]):
                best = (m.end - m.start, m.period)
    return best[1] if best else None


_DAY_LABEL = re.compile(r"\d{4}-\d{2}-\d{2}")


def _period_in(text: str) -> periods.Period | None:
    """The first period a title or header names, passing over a day (the date the report is signed)."""
    if not text:
        return None
    found = [m.period for m in periods.find_periods(normalize(text)) if m.period is not None]
    return next((p for p in found if not _DAY_LABEL.fullmatch(p.label)), None)


def _whole_period(text: str) -> periods.Period | None:
    """The period a header is, when it is nothing else ('Quý I/2024', 'Năm 2023', 'Quy II/2024')."""
    for candidate in dict.fromkeys((normalize(text).strip(), _accented(text).strip())):
        found = [m for m in periods.find_periods(candidate) if m.period is not None]
        if len(found) == 1 and found[0].start == 0 and found[0].end >= len(candidate.rstrip(" .:")):
            return found[0].period
    return None


def _unit_in(header: str) -> str | None:
    """The unit a header gives in parentheses: '%' of 'Tỷ lệ (%)', 'hồ sơ' of 'Số hồ sơ (hồ sơ)'."""
    found = [m.group(1).strip() for m in _PARENS.finditer(header) if m.group(1).strip()]
    return next((t for t in reversed(found) if _unit(t)[0] is not None), None)


_UNIT_WORDS: dict[str, tuple[str, float]] = {
    **{fold_key(label): (unit, 1.0) for unit, label in UNIT_LABELS.items() if fold_key(label)},
    **{w: ("percent", 1.0) for w in ("ty le", "ti le", "phan tram", "percent")},
    **{w: ("count", 1.0) for w in ("so", "cai", "don vi", "count")},
    **{w: ("vnd", 1.0) for w in ("vnd", "vnd dong", "dong vn")},
    "nghin dong": ("vnd", 1e3), "trieu dong": ("vnd", 1e6), "ty dong": ("vnd", 1e9), "ti dong": ("vnd", 1e9),
    **{w: ("rank", 1.0) for w in ("hang", "xep hang", "thu", "thu bac", "vi tri")},
    "mb s": ("mbps", 1.0), "mbit s": ("mbps", 1.0),
}  # fmt: skip


def _unit(text: str) -> tuple[str | None, float]:
    """(catalogue unit, scale) of a unit word ('%', 'hồ sơ', 'triệu đồng'); (None, 1) when unknown."""
    t = normalize(text).strip()
    if "%" in t:
        return "percent", 1.0
    if fold_key(t) in _UNIT_WORDS:
        return _UNIT_WORDS[fold_key(t)]
    found = numbers.find_quantities(f"1 {t}")
    if len(found) == 1 and found[0].end == len(t) + 2:
        q = found[0]
        if q.unit != "count" or q.unit_word:
            return q.unit, q.value
    return None, 1.0


_RATE_NAME = re.compile(r"^(?:ty le|ti le|ty trong)\b")
_COUNT_NAME = re.compile(r"^(?:so|tong so|so luong)\b")
_OUTLINE = re.compile(r"^\s*(?:(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)/]\s*|[-+•*]\s+)+", re.IGNORECASE)


def _unit_hint(unit_text: str | None, value_unit: str | None, name: str | None) -> str | None:
    """The unit that steers indicator matching: the value's own, the unit column's, or the name's."""
    if value_unit:
        return value_unit
    if unit_text and (unit := _unit(unit_text)[0]):
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
        names.setdefault(_header_key(indicators.get(code).name_vi), []).append(code)
    return {key: codes[0] for key, codes in names.items() if len(set(codes)) == 1}


_COUNT_PREFIX = re.compile(r"^(?:tổng số|số lượng|số)\s+", re.IGNORECASE)


def _phrase(text: str) -> str:
    """A name as matched: without outline numbers ('1.2.', '-') and unit parentheses ('(%)')."""
    without_units = _PARENS.sub(lambda m: " " if _unit(m.group(1))[0] else m.group(), normalize(text))
    return _OUTLINE.sub("", without_units).strip()


def _indicator(name: str | None, code: str | None, unit: str | None, counted: str | None = None) -> str | None:
    """Catalogue code of a row or column: by code, then by name, then by trigger phrases.

    The noun after 'Số …' is what a count counts ('Số thành viên' → 'thành
    viên'); it decides first for ``counted``, a header under a group header
    ('Số thành viên' under 'Tổ CNSCĐ'), and breaks ties otherwise.
    """
    for text in (code, name):
        if text and (found := _by_name().get(_header_key(text))):
            return found
    phrase = _phrase(name or "")
    if not phrase:
        return None
    own = _phrase(counted) if counted else phrase
    prefix = _COUNT_PREFIX.match(own)
    noun = own[prefix.end() :] if prefix and unit in ("count", None) else None
    for unit_word in dict.fromkeys([noun, None] if counted else [None, noun]):
        if found := indicators.match_indicator(phrase, unit=unit, unit_word=unit_word):
            return found
    return None


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _Value:
    value: float | None
    unit: str | None = None  # when the cell itself says it ('95%', '46 tỷ đồng', a percentage format)
    numerator: float | None = None
    denominator: float | None = None
    qualifier: str = "exact"


def _percent_of(number: float) -> float:
    """0.9545 → 95.45 exactly (not 95.45000000000002)."""
    return float(Decimal(repr(float(number))) * 100)


def _read_value(cell: Cell) -> _Value:
    """The figure of a value cell; ``value`` None when the cell holds no number."""
    v = cell.value
    if isinstance(v, bool) or cell.formula or isinstance(v, (date, time)):
        return _Value(None)
    if isinstance(v, (int, float)):
        return _Value(_percent_of(v), "percent") if cell.percent else _Value(float(v))
    t = normalize(str(v)).strip()
    try:
        return _Value(numbers.parse_number(t))
    except ValueError:
        pass
    found = numbers.find_quantities(t)
    if len(found) != 1 or found[0].start != 0 or t[found[0].end :].strip(" .;"):
        return _Value(None)
    q = found[0]
    unit = q.unit if q.unit != "count" or q.unit_word else None
    return _Value(q.value, unit, q.numerator, q.denominator, q.qualifier)


def _number_in(cell: Cell) -> float | None:
    return None if cell.blank else _read_value(cell).value


def _figure(
    parsed: _Value | None, unit_text: str | None, indicator: str | None, fraction: list[Cell] | None
) -> tuple[float | None, str | None, float | None, float | None]:
    """(value, unit, numerator, denominator) of a value cell read as ``parsed`` (None: no value cell).

    The unit is the cell's own ('95%', a percentage format), else the unit
    column's (scaling 'triệu đồng'), else the indicator's; an unknown unit
    word is kept as written, for the reject. Without a value cell, the
    fraction of the 'Tử số'/'Mẫu số' cells gives the value; a percentage
    written as a fraction ('1.458/1.604') is its rate.
    """
    fraction_only = parsed is None
    parsed = parsed or _Value(None)
    unit, scale = _unit(unit_text) if unit_text else (None, 1.0)
    if parsed.unit is not None:
        unit, scale = parsed.unit, 1.0
    elif unit is None and unit_text:
        unit = normalize(unit_text).strip()
    elif unit is None and indicator is not None:
        unit = indicators.get(indicator).unit
    numerator, denominator = parsed.numerator, parsed.denominator
    if numerator is None and fraction:
        numerator, denominator = (_number_in(cell) for cell in fraction)
    value = None if parsed.value is None else parsed.value * scale
    has_fraction = numerator is not None and bool(denominator)
    if has_fraction and (fraction_only or parsed.numerator is not None):
        value = 100 * numerator / denominator if unit == "percent" else numerator
    return value, unit, numerator, denominator


# --------------------------------------------------------------------------- headers

# Header text (folded, without parentheses, ':' or '*') → the column it names.
_ROLES: dict[str, frozenset[str]] = {
    role: frozenset(fold_key(a) for a in aliases)
    for role, aliases in {
        "row_number": ["STT", "TT", "Số TT", "Số thứ tự"],
        "province": ["Tỉnh", "Tỉnh/Thành phố", "Tỉnh/TP", "Tên tỉnh", "Tỉnh, thành phố"],
        "district": [
            "Huyện",
            "Huyện/TX/TP",
            "Huyện/Thị xã/Thành phố",
            "Huyện, thị xã, thành phố",
            "Huyện/Thị xã",
            "Quận/Huyện",
            "Huyện/Quận",
            "Đơn vị cấp huyện",
            "Cấp huyện",
            "Tên huyện",
            "Huyện/TX",
            "Huyện/TP",
        ],
        "commune": [
            "Xã",
            "Xã/Phường/Thị trấn",
            "Xã, phường, thị trấn",
            "Xã/Phường/TT",
            "Xã/Thị trấn",
            "Xã/Phường",
            "Phường/Xã",
            "Đơn vị cấp xã",
            "Cấp xã",
            "Tên xã",
        ],
        "place": ["Đơn vị", "Tên đơn vị", "Địa phương", "Địa bàn", "Đơn vị hành chính", "Đơn vị báo cáo"],
        "indicator": [
            "Chỉ tiêu",
            "Tên chỉ tiêu",
            "Nội dung",
            "Nội dung chỉ tiêu",
            "Chỉ số",
            "Tên chỉ số",
            "Chỉ tiêu đánh giá",
        ],
        "code": ["Mã chỉ tiêu", "Mã", "Mã số", "Mã chỉ số"],
        "period": [
            "Kỳ báo cáo",
            "Kỳ",
            "Thời gian",
            "Thời điểm",
            "Thời kỳ",
            "Năm",
            "Quý",
            "Giai đoạn",
            "Thời điểm báo cáo",
        ],
        "value": [
            "Giá trị",
            "Kết quả",
            "Số liệu",
            "Thực hiện",
            "Kết quả thực hiện",
            "Giá trị thực hiện",
            "Số liệu thực hiện",
        ],
        "target": ["Kế hoạch", "Mục tiêu", "Chỉ tiêu kế hoạch", "Giá trị mục tiêu", "Chỉ tiêu giao"],
        "numerator": ["Tử số"],
        "denominator": ["Mẫu số"],
        "unit": ["Đơn vị tính", "ĐVT", "Đơn vị đo"],
        "note": ["Ghi chú"],
    }.items()
}
_VALUE_ROLES = ("value", "target")
_PLACE_ROLES = ("province", "district", "commune", "place")
_FIELD_ROLES = (*_PLACE_ROLES, "period", "unit")  # what a title row may state as 'Label: value'


def _role_of(text: str) -> str | None:
    """The column a header names: 'Giá trị (%)' → value, 'Thực hiện quý I/2024' → value."""
    key = _header_key(text)
    if not key:
        return None
    for role, aliases in _ROLES.items():
        if key in aliases:
            return role
    for role in _VALUE_ROLES:
        if any(key.startswith(alias + " ") for alias in _ROLES[role]):
            return role
    return None


@dataclass(frozen=True)
class _Column:
    index: int
    role: str  # a key of _ROLES, or 'measure': a column of one indicator (wide layout)
    header: str
    period: periods.Period | None = None
    indicator: str | None = None  # of a measure; None when no catalogue entry fits
    unit_text: str | None = None  # '%' of 'Tỷ lệ hồ sơ trực tuyến (%)'


@dataclass(frozen=True)
class _Table:
    header_row: int
    layout: str  # 'long' or 'wide'
    columns: tuple[_Column, ...]
    title_rows: tuple[int, ...]

    def of(self, role: str) -> list[_Column]:
        return [c for c in self.columns if c.role == role]


def _group_row(sheet: Sheet, r: int) -> bool:
    """True when row ``r`` holds a merged header over several (not all) columns of the row below."""
    texts = {c.text.strip() for c in sheet.rows[r] if c.text.strip()}
    return len(texts) >= 2 and any(
        r1 == r and c1 > c0 and not (c0 == 0 and c1 >= sheet.width - 1) for r0, c0, r1, c1 in sheet.merged if r0 <= r
    )


def _columns(sheet: Sheet, r: int) -> list[_Column]:
    """The columns named by header row ``r`` (and the merged group headers just above it)."""
    group = r > 0 and _group_row(sheet, r - 1)
    columns = []
    for c in range(sheet.width):
        own = "" if sheet.spanned(r, c) else sheet.cell(r, c).text.strip()
        parent = sheet.cell(r - 1, c).text.strip() if group else ""
        if parent == own:
            parent = ""
        header = " ".join(t for t in (parent, own) if t)
        if not header:
            continue
        role = _role_of(own) if own else _role_of(parent)
        if role in _VALUE_ROLES:
            columns.append(_Column(c, role, header, period=_period_in(own) or _period_in(parent)))
        elif role is not None:
            columns.append(_Column(c, role, header))
        elif period := _whole_period(own or parent):  # 'Chỉ tiêu' | 'Quý I/2024' | 'Quý II/2024'
            columns.append(_Column(c, "value", header, period=period))
        else:
            unit_text = _unit_in(header)
            code = _indicator(header, None, _unit_hint(unit_text, None, own or header), counted=own if parent else None)
            columns.append(_Column(c, "measure", header, _period_in(header), code, unit_text))
    return columns


def _layout(columns: list[_Column]) -> tuple[str | None, int]:
    """('long' | 'wide' | None, how many columns are recognised)."""
    roles = {c.role for c in columns}
    measures = [c for c in columns if c.role == "measure" and c.indicator]
    score = sum(c.role != "measure" for c in columns) + len(measures)
    if roles & {"indicator", "code"}:
        return ("long" if roles & {*_VALUE_ROLES, "numerator"} else None), score
    if measures and (roles & {*_PLACE_ROLES, "period"} or len(measures) >= 2):
        return "wide", score
    return None, score


def _find_table(sheet: Sheet) -> _Table | None:
    """The header row of ``sheet`` that names the most columns of a long or wide table."""
    best: tuple[int, int, str, list[_Column]] | None = None
    for r in range(min(len(sheet.rows), _HEADER_SEARCH_ROWS)):
        columns = _columns(sheet, r)
        layout, score = _layout(columns)
        if layout is not None and (best is None or score > best[0]):
            best = (score, r, layout, columns)
    if best is None:
        return None
    _, r, layout, columns = best
    title_rows = tuple(range(r - 1 if r > 0 and _group_row(sheet, r - 1) else r))
    return _Table(r, layout, tuple(columns), title_rows)


# --------------------------------------------------------------------------- places and context


_TOTAL_WORDS = frozenset(fold_key(w) for w in ("Tổng", "Tổng cộng", "Cộng", "Tổng số", "Tổng hợp", "Toàn đơn vị"))
_WHOLE = re.compile(r"^toan (?:(?P<province>tinh)|huyen|thi xa|thanh pho|quan|xa|phuong|thi tran)$")
_COLLECTIVE = re.compile(r"^(?:cac|cap|tat ca|toan bo) ")


@dataclass(frozen=True)
class _Context:
    """What the title rows and sheet name say about every row."""

    province: gazetteer.Unit | None = None
    district: gazetteer.Unit | None = None
    commune: gazetteer.Unit | None = None
    unknown: tuple[str, str] | None = None  # (level, text) of a title field naming no known unit
    period: periods.Period | None = None
    period_text: str | None = None  # a title field's period that could not be read
    unit_text: str | None = None


def _fields(sheet: Sheet, rows: tuple[int, ...]) -> dict[str, str]:
    """'Label: value' pairs of the title rows, in one cell or two ('Huyện/TX/TP:' | 'Tư Nghĩa')."""
    fields: dict[str, str] = {}
    for r in rows:
        texts = [c.text.strip() for c in sheet.rows[r]]
        for i, text in enumerate(texts):
            label, colon, value = text.partition(":")
            role = _role_of(label) if colon else _role_of(text)
            if role not in _FIELD_ROLES or role in fields:
                continue
            value = value.strip() or next((t for t in texts[i + 1 :] if t), "")
            if value:
                fields[role] = value
    return fields


def _context(sheet: Sheet, title_rows: tuple[int, ...]) -> _Context:
    fields = _fields(sheet, title_rows)
    title = normalize(" ".join(c.text.strip() for r in title_rows for c in sheet.rows[r] if c.text.strip()))
    named = [m.unit for m in gazetteer.find_mentions(title) if m.unit is not None]
    provinces = {u.province_code for u in named}
    province = gazetteer.resolve(next(iter(provinces)), level="province") if len(provinces) == 1 else None
    unknown = None
    if "province" in fields:
        province = gazetteer.resolve(fields["province"], level="province")
        unknown = None if province else ("province", fields["province"])
    lower = {level: {u.code: u for u in named if u.level == level} for level in ("district", "commune")}
    district = next(iter(lower["district"].values())) if len(lower["district"]) == 1 else None
    commune = next(iter(lower["commune"].values())) if len(lower["commune"]) == 1 else None
    for role in ("district", "place", "commune"):
        if role in fields and unknown is None:
            found = _field_unit(fields[role], province, district)
            if found is None:
                unknown = ("commune" if role == "commune" else "district", fields[role])
            elif found.level == "district":
                district, commune = found, None
            elif found.level == "commune":
                commune = found
    if district is None and commune is None and sheet.name and unknown is None:
        found = _named_unit(sheet.name, province, None)  # a sheet per district: 'Tư Nghĩa'
        if found is not None and (found.level == "district" or (province and found.level == "commune")):
            district, commune = (found, None) if found.level == "district" else (None, found)
    if commune is not None and district is not None and commune.district_code != district.code:
        commune = None
    period, period_text = None, None
    if "period" in fields:
        period = _period(fields["period"])
        period_text = None if period else fields["period"]
    period = period or _period_in(title) or (None if period_text else _period(sheet.name or ""))
    return _Context(province, district, commune, unknown, period, period_text, fields.get("unit"))


def _named_unit(text: str, province: gazetteer.Unit | None, district: gazetteer.Unit | None) -> gazetteer.Unit | None:
    """The unit a name stands for, inside ``province`` (and ``district`` for a commune)."""
    name = re.sub(r"^(?:UBND|ủy ban nhân dân)\s+", "", normalize(text).strip(), flags=re.IGNORECASE)
    ref = gazetteer.parse_place(name, province=province)
    if ref is not None and not ref.collective:
        return ref.unit
    if district is not None:
        return gazetteer.resolve(name, level="commune", province=province, district=district)
    return None


def _field_unit(text: str, province: gazetteer.Unit | None, district: gazetteer.Unit | None) -> gazetteer.Unit | None:
    """The unit a title field names: a name ('Tư Nghĩa'), or the lowest unit of a phrase
    ('UBND huyện Tư Nghĩa, tỉnh Quảng Ngãi')."""
    found = _named_unit(text, province, district)
    if found is not None:
        return found
    named = {m.unit.code: m.unit for m in gazetteer.find_mentions(normalize(text), province=province) if m.unit}
    ranked = sorted(named.values(), key=lambda u: ("province", "district", "commune").index(u.level))
    if ranked and (len(ranked) == 1 or ranked[-1].level != ranked[-2].level):
        return ranked[-1]
    return None


@dataclass(frozen=True)
class _Where:
    """A row's place, or the level and text of the cell that names no known unit."""

    place: Place | None
    level: str | None = None
    text: str | None = None


def _collective(text: str, parent: gazetteer.Unit | None) -> Place | None:
    """'Các xã, thị trấn' / 'Cấp xã' of ``parent`` → its lower units taken together."""
    if parent is None:
        return None
    for words in dict.fromkeys((normalize(text).strip(), _accented(text).strip())):
        ref = gazetteer.parse_place(f"{words} {parent.label}")
        if ref is not None and ref.collective and ref.unit.code == parent.code:
            return Place(ref.level, ref.unit, words[0].lower() + words[1:])
    return None


def _where(texts: dict[str, str], ctx: _Context) -> _Where:
    """The place of a row from its place cells, with the sheet's context for what they leave out."""
    if ctx.unknown and not any(texts.get(role) for role in ("district", "commune", "place")):
        return _Where(None, *ctx.unknown)
    province, district, commune = ctx.province, ctx.district, ctx.commune
    if t := texts.get("province"):
        found = gazetteer.resolve(t, level="province")
        if found is None:
            return _Where(None, "province", t)
        if found != province:
            province, district, commune = found, None, None
    for role in ("district", "commune", "place"):
        t = texts.get(role)
        if not t:
            continue
        key = fold_key(t)
        whole = _WHOLE.match(key)
        if key in _TOTAL_WORDS or whole:
            if whole and whole.group("province"):
                district = commune = None
            elif role != "district":
                commune = None
            continue
        if _COLLECTIVE.match(key):
            parent = district if role != "district" else province
            place = _collective(t, parent)
            if place is None:
                return _Where(None, "commune" if role != "district" else "district", t)
            return _Where(place)
        if role == "district":
            found = gazetteer.resolve(t, level="district", province=province)
        elif role == "commune":
            found = gazetteer.resolve(t, level="commune", province=province, district=district)
        else:
            found = _named_unit(t, province, district)
        if found is None:
            level = role if role != "place" else ("commune" if district else "district")
            return _Where(None, level, t)
        if found.level == "district":
            district, commune = found, None
        elif found.level == "commune":
            commune = found
        else:
            province, district, commune = found, None, None
    unit = commune or district or province
    return _Where(None) if unit is None else _Where(Place(unit.level, unit))


# --------------------------------------------------------------------------- rows → candidates


_COLUMNS = [*OBSERVATIONS.names, *CELL_COLUMNS]


class _SheetReader:
    """Turns the data rows of one table of one sheet into candidate rows and column rejects."""

    def __init__(self, doc: SheetDocument, sheet: Sheet, table: _Table):
        self.doc, self.sheet, self.table = doc, sheet, table
        self.file = Path(doc.path).name
        self.ctx = _context(sheet, table.title_rows)

    def rows(self) -> tuple[list[dict], list[dict]]:
        candidates: list[dict] = []
        for r in range(self.table.header_row + 1, len(self.sheet.rows)):
            if all(c.blank for c in self.sheet.rows[r]):
                continue
            texts = {
                col.role: self.sheet.cell(r, col.index).text.strip()
                for col in reversed(self.table.columns)
                if col.role != "measure"
            }
            read = self._long_row if self.table.layout == "long" else self._wide_row
            candidates.extend(read(r, texts))
        return candidates, self._unread_columns()

    def _long_row(self, r: int, texts: dict[str, str]) -> list[dict]:
        name, code = texts.get("indicator"), texts.get("code")
        n_col, d_col = self.table.of("numerator"), self.table.of("denominator")
        fraction = [self.sheet.cell(r, cols[0].index) if cols else EMPTY_CELL for cols in (n_col, d_col)]
        out, fraction_used = [], False
        for col in self.table.columns:
            if col.role in _VALUE_ROLES and not self.sheet.cell(r, col.index).blank:
                with_fraction = col.role == "value" and not fraction_used  # the fraction is the first result's
                fraction_used |= with_fraction
                out.append(self._candidate(r, col.index, name, code, texts, col, fraction if with_fraction else None))
        if not fraction_used and not any(c.blank for c in fraction):
            out.append(self._candidate(r, None, name, code, texts, None, fraction))
        return out

    def _wide_row(self, r: int, texts: dict[str, str]) -> list[dict]:
        return [
            self._candidate(r, col.index, col.header, col.indicator, texts, col, None)
            for col in self.table.of("measure")
            if col.indicator and not self.sheet.cell(r, col.index).blank
        ]

    def _candidate(
        self, r: int, c: int | None, name: str | None, code: str | None, texts: dict[str, str],
        col: _Column | None, fraction: list[Cell] | None,
    ) -> dict:  # fmt: skip
        """One candidate observation: the value at (r, c), or the value of the fraction when ``c`` is None."""
        if c is not None:
            cell = self.sheet.cell(r, c)
            parsed = _read_value(cell)
            ref, text, start, end = self.sheet.ref(r, c), cell.text, cell.start, cell.end
        else:
            n_cell, d_cell = fraction
            parsed = None
            n_index, d_index = self.table.of("numerator")[0].index, self.table.of("denominator")[0].index
            ref = f"{self.sheet.ref(r, n_index)}:{column_letters(d_index)}{r + 1}"
            text, start, end = f"{n_cell.text}/{d_cell.text}", n_cell.start, d_cell.end
        unit_text = texts.get("unit") or (col.unit_text if col is not None else None) or self.ctx.unit_text
        indicator = _indicator(name, code, _unit_hint(unit_text, parsed and parsed.unit, name))
        value, unit, numerator, denominator = _figure(parsed, unit_text, indicator, fraction)
        period, period_label = self._period(texts, col)
        where = _where(texts, self.ctx)
        place = where.place
        is_target = col is not None and col.role == "target"
        key = f"{self.doc.document_id}|{ref}|{indicator}|{value!r}|{is_target}"
        return {
            "observation_id": hashlib.sha256(key.encode("utf-8")).hexdigest()[:16],
            "document_id": self.doc.document_id,
            "source": self.doc.path,
            "indicator": indicator,
            "indicator_text": normalize(name).strip() if name else None,
            "value": value,
            "unit": unit,
            "numerator": numerator,
            "denominator": denominator,
            "qualifier": parsed.qualifier if parsed else "exact",
            "is_target": is_target,
            "period_label": period_label,
            "period_start": period.start if period else None,
            "period_end": period.end if period else None,
            "admin_level": place.level if place else where.level,
            "place": place.label if place else where.text,
            "province": place.province if place else None,
            "province_code": place.province_code if place else None,
            "district": place.district if place else None,
            "district_code": place.district_code if place else None,
            "commune": place.commune if place else None,
            "commune_code": place.commune_code if place else None,
            "evidence": f"{self.file}!{ref}: {text}",
            "char_start": start,
            "char_end": end,
            "extractor_version": rules_version("sheet"),
            "cell": ref,
            "cell_text": text,
        }

    def _period(self, texts: dict[str, str], col: _Column | None) -> tuple[periods.Period | None, str | None]:
        """The row's period cell, else the column header's, else the sheet's; (None, text) when unreadable."""
        if t := texts.get("period"):
            period = _period(t)
            return period, (period.label if period else t)
        period = (col.period if col is not None else None) or self.ctx.period
        if period is not None:
            return period, period.label
        return None, self.ctx.period_text

    def _unread_columns(self) -> list[dict]:
        """Columns of a wide table whose header names no indicator but that hold figures: nothing is dropped unsaid."""
        rejects = []
        for col in self.table.of("measure"):
            if col.indicator is not None or self.table.layout != "wide":
                continue
            n = sum(
                _number_in(self.sheet.cell(r, col.index)) is not None
                for r in range(self.table.header_row + 1, len(self.sheet.rows))
            )
            if n:
                rejects.append(
                    {
                        "path": self.doc.path,
                        "document_id": self.doc.document_id,
                        "location": self.sheet.ref(*self.sheet.origin(self.table.header_row, col.index)),
                        "reason": f"column {col.header!r} names no catalogue indicator: "
                        f"its {n} figure(s) were not read",
                        "stage": "extract",
                    }
                )
        return rejects


def extract_sheet(doc: SheetDocument) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(observations, rejects) of a document read by :func:`read_sheet`.

    Raises :class:`ReadError` when no sheet holds a table this module can read.
    """
    candidates: list[dict] = []
    rejects: list[dict] = []
    found_table = False
    for sheet in doc.sheets:
        table = _find_table(sheet)
        if table is None:
            continue
        found_table = True
        rows, unread = _SheetReader(doc, sheet, table).rows()
        candidates.extend(rows)
        rejects.extend(unread)
    if not found_table:
        raise ReadError(
            doc.path,
            "no table found: no sheet has a header row with 'Chỉ tiêu' and 'Giá trị' columns, "
            "or a place column and one column per indicator",
        )
    frame = _typed_candidates(candidates)
    failures = row_failures(frame)
    for i, reason in failures.items():
        location = frame.at[i, "cell"]
        rejects.append({"path": doc.path, "document_id": doc.document_id, "location": location, "reason": reason,
                        "stage": "validate"})  # fmt: skip
    kept = frame.drop(index=failures.index).drop(columns=list(CELL_COLUMNS))
    observations = pa.Table.from_pandas(kept, schema=OBSERVATIONS, preserve_index=False).to_pandas()
    return observations, pd.DataFrame(rejects, columns=schema("rejects").names) if rejects else empty_frame("rejects")


def _typed_candidates(candidates: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(candidates, columns=_COLUMNS)
    return frame.astype(
        {"value": "float64", "numerator": "float64", "denominator": "float64", "is_target": "bool",
         "char_start": "int64", "char_end": "int64"}
    )  # fmt: skip


def extract_sheet_file(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a .xlsx or .csv file and return its (observations, rejects)."""
    return extract_sheet(read_sheet(path))
