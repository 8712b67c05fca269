"""The place and period of a table's rows: from the title rows, the sheet name and the row's own cells.

Title rows above the header set the sheet's place, period and unit ('UBND HUYỆN
TƯ NGHĨA', 'BÁO CÁO … QUÝ I NĂM 2024', 'Kỳ báo cáo: Quý I/2024', 'Huyện/TX/TP:' |
'Tư Nghĩa', 'Đơn vị tính: %'); failing that, the sheet name. A row's own cells
take precedence; a total row ('Tổng cộng', 'Toàn huyện') is the unit of the
title, and 'Các xã, thị trấn' the commune level of the district taken together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cds_analysis.lang import periods
from cds_analysis.lang.text import fold_key, normalize
from cds_analysis.read.workbooks import Sheet
from cds_analysis.reference import gazetteer
from cds_analysis.reference.table_headers import role_of
from cds_analysis.rules.places import Place
from cds_analysis.sheets.headers import FIELD_ROLES
from cds_analysis.sheets.words import accented, period_in, period_of, unit_words

__all__ = ["Context", "Where", "row_place", "sheet_context", "title_context"]

_TOTAL_WORDS = frozenset(fold_key(w) for w in ("Tổng", "Tổng cộng", "Cộng", "Tổng số", "Tổng hợp", "Toàn đơn vị"))
_WHOLE = re.compile(r"^toan (?:(?P<province>tinh)|huyen|thi xa|thanh pho|quan|xa|phuong|thi tran)$")
_TIER_LEVEL = {"cap tinh": "province", "cap huyen": "district", "cap xa": "commune"}  # the row's unit itself
_COLLECTIVE = re.compile(r"^(?:cac|cap|tat ca|toan bo) ")


@dataclass(frozen=True)
class Context:
    """What the title rows and sheet name say about every row."""

    province: gazetteer.Unit | None = None
    district: gazetteer.Unit | None = None
    commune: gazetteer.Unit | None = None
    unknown: tuple[str, str] | None = None  # (level, text) of a title field naming no known unit
    period: periods.Period | None = None
    period_text: str | None = None  # a title field's period that could not be read
    unit_text: str | None = None
    on: date | None = None  # the day whose map names the units: None before the 2025 reform


def _fields(sheet: Sheet, rows: tuple[int, ...]) -> dict[str, str]:
    """'Label: value' pairs of the title rows, in one cell or two ('Huyện/TX/TP:' | 'Tư Nghĩa')."""
    fields: dict[str, str] = {}
    for r in rows:
        texts = [c.text.strip() for c in sheet.rows[r]]
        for i, text in enumerate(texts):
            label, colon, value = text.partition(":")
            role = role_of(label) if colon else role_of(text)
            if role not in FIELD_ROLES or role in fields:
                continue
            value = value.strip() or next((t for t in texts[i + 1 :] if t), "")
            if value:
                fields[role] = value
    return fields


def sheet_context(sheet: Sheet, title_rows: tuple[int, ...]) -> Context:
    """What the title rows (and, failing them, the name) of a sheet say about its rows."""
    title = " ".join(c.text.strip() for r in title_rows for c in sheet.rows[r] if c.text.strip())
    return title_context(title, _fields(sheet, title_rows), sheet.name)


def title_context(title: str, fields: dict[str, str] | None = None, name: str | None = None) -> Context:
    """What a title ('BÁO CÁO … QUÝ III/2024 CỦA UBND HUYỆN MỘ ĐỨC'), its 'Label: value' fields and a
    sheet ``name`` say about the rows of a table: the unit it names (the lowest, when one per level)
    and its period.

    The period decides the map: a period that ends on or after 1 July 2025 is read
    on the new one (34 provinces, their communes and wards, no districts), an
    earlier one on the old. A title typed without diacritics ('UBND HUYEN MO DUC',
    'QUY 1/2024') is read too.
    """
    fields = fields or {}
    title = normalize(title)
    period, period_text = None, None
    if "period" in fields:
        period = period_of(fields["period"])
        period_text = None if period else fields["period"]
    period = (
        period or period_in(title) or period_in(accented(title)) or (None if period_text else period_of(name or ""))
    )
    on = period.end if period is not None and period.end >= gazetteer.FIRST_NEW_DAY else None
    mentions = gazetteer.find_mentions(title, on=on) or gazetteer.find_mentions(unit_words(title), on=on)
    named = [m.unit for m in mentions if m.unit is not None]
    provinces = {u.province_code for u in named}
    province = gazetteer.resolve(next(iter(provinces)), level="province", on=on) if len(provinces) == 1 else None
    unknown = None
    if "province" in fields:
        province = gazetteer.resolve(fields["province"], level="province", on=on)
        unknown = None if province else ("province", fields["province"])
    lower = {level: {u.code: u for u in named if u.level == level} for level in ("district", "commune")}
    district = next(iter(lower["district"].values())) if len(lower["district"]) == 1 else None
    commune = next(iter(lower["commune"].values())) if len(lower["commune"]) == 1 else None
    for role in ("district", "place", "commune"):
        if role in fields and unknown is None:
            found = _field_unit(fields[role], province, district, on)
            if found is None:
                unknown = ("commune" if role == "commune" else "district", fields[role])
            elif found.level == "district":
                district, commune = found, None
            elif found.level == "commune":
                commune = found
    if district is None and commune is None and name and unknown is None:
        found = _named_unit(name, province, None, on)  # a sheet per district: 'Tư Nghĩa'
        if found is not None and (found.level == "district" or (province and found.level == "commune")):
            district, commune = (found, None) if found.level == "district" else (None, found)
    if commune is not None and district is not None and commune.district_code != district.code:
        commune = None
    return Context(province, district, commune, unknown, period, period_text, fields.get("unit"), on)


def _named_unit(
    text: str, province: gazetteer.Unit | None, district: gazetteer.Unit | None, on: date | None
) -> gazetteer.Unit | None:
    """The unit a name stands for, inside ``province`` (and ``district`` for a commune)."""
    name = re.sub(r"^(?:UBND|ủy ban nhân dân)\s+", "", normalize(text).strip(), flags=re.IGNORECASE)
    ref = gazetteer.parse_place(name, province=province, on=on)
    if ref is not None and not ref.collective:
        return ref.unit
    if district is not None:
        return gazetteer.resolve(name, level="commune", province=province, district=district, on=on)
    return None


def _field_unit(
    text: str, province: gazetteer.Unit | None, district: gazetteer.Unit | None, on: date | None
) -> gazetteer.Unit | None:
    """The unit a title field names: a name ('Tư Nghĩa'), or the lowest unit of a phrase
    ('UBND huyện Tư Nghĩa, tỉnh Quảng Ngãi')."""
    found = _named_unit(text, province, district, on)
    if found is not None:
        return found
    mentions = gazetteer.find_mentions(normalize(text), province=province, on=on)
    named = {m.unit.code: m.unit for m in mentions if m.unit}
    ranked = sorted(named.values(), key=lambda u: ("province", "district", "commune").index(u.level))
    if ranked and (len(ranked) == 1 or ranked[-1].level != ranked[-2].level):
        return ranked[-1]
    return None


@dataclass(frozen=True)
class Where:
    """A row's place, or the level and text of the cell that names no known unit."""

    place: Place | None
    level: str | None = None
    text: str | None = None


def _collective(text: str, parent: gazetteer.Unit | None, on: date | None) -> Place | None:
    """'Các xã, thị trấn' / 'Cấp xã' of ``parent`` → its lower units taken together."""
    if parent is None:
        return None
    for words in dict.fromkeys((normalize(text).strip(), accented(text).strip())):
        ref = gazetteer.parse_place(f"{words} {parent.label}", on=on)
        if ref is not None and ref.collective and ref.unit.code == parent.code:
            return Place(ref.level, ref.unit, words[0].lower() + words[1:])
    return None


def row_place(texts: dict[str, str], ctx: Context) -> Where:
    """The place of a row from its place cells, with the sheet's context for what they leave out."""
    if ctx.unknown and not any(texts.get(role) for role in ("district", "commune", "place")):
        return Where(None, *ctx.unknown)
    province, district, commune = ctx.province, ctx.district, ctx.commune
    if t := texts.get("province"):
        found = gazetteer.resolve(t, level="province", on=ctx.on)
        if found is None:
            return Where(None, "province", t)
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
        own = {"province": province, "district": district, "commune": commune}.get(_TIER_LEVEL.get(key, ""))
        if role == "place" and own is not None:  # 'Cấp huyện' in a district's report: the district itself
            district = district if own.level != "province" else None
            commune = commune if own.level == "commune" else None
            continue
        if _COLLECTIVE.match(key):
            parent = district if role != "district" else province
            parent = parent or (province if role == "place" else None)
            place = _collective(t, parent, ctx.on)
            if place is None:
                return Where(None, "commune" if role != "district" else "district", t)
            return Where(place)
        if role == "district":
            found = gazetteer.resolve(t, level="district", province=province, on=ctx.on)
        elif role == "commune":
            found = gazetteer.resolve(t, level="commune", province=province, district=district, on=ctx.on)
        else:
            found = _named_unit(t, province, district, ctx.on)
        if found is None:
            level = role if role != "place" else ("commune" if district else "district")
            return Where(None, level, t)
        if found.level == "district":
            district, commune = found, None
        elif found.level == "commune":
            commune = found
        else:
            province, district, commune = found, None, None
    unit = commune or district or province
    return Where(None) if unit is None else Where(Place(unit.level, unit))
