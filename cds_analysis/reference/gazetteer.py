"""Vietnamese administrative units: the table, name lookup and place mentions.

Reports name places loosely ('TX.Đức Phổ', 'H. Yên Định', 'Hoằng Hoá',
'huyen Nhu Xuan', 'TP.HCM'); every table needs the statistics-office code.
The table (``data/units.csv.gz``, built by ``scripts/build_gazetteer.py``
from the vietnamadminunits package) holds two eras:

- before 1 July 2025: 63 provinces, their district-level units and
  communes, with the GSO codes ('51', '522', '21394'); valid_to 2025-06-30;
- from 1 July 2025: the 34 provinces of Resolution 202/2025/QH15 and their
  communes (no district level); valid_from 2025-07-01.

Each row carries the statistics-office code as published (``code``) and says
which map it is on (``map``: :data:`OLD_MAP` '2008–2025' or :data:`NEW_MAP`
'2025'). The 2025 list reuses old numbers for other units ('91' was Kiên
Giang, is now An Giang), so a unit is (code, map): a parent code is on its
child's map, a successor code on the 2025 map, and :func:`resolve` reads a
code on the map of ``map=`` or ``on=``.

Old provinces (and old communes that went whole into one new commune) carry
``successor_code``. Lookups default to the pre-2025 units, since most reports
predate the merger; pass ``map=`` or ``on=`` a date to pick the other map. A
name that fits several units gives None, not a guess. :func:`on_current_map`
places every observation on the 2025 map.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from importlib import resources

import pandas as pd
import pyarrow.csv as pa_csv

from cds_analysis.lang.text import fold, fold_key, normalize, phrase_trie
from cds_analysis.reference.levels import CHILD, RANK, UNIT_LEVELS
from cds_analysis.reference.schemas import NEW_MAP, OLD_MAP, schema

__all__ = [
    "OLD_MAP",
    "NEW_MAP",
    "Unit",
    "Mention",
    "PlaceRef",
    "load_units",
    "resolve",
    "find_mentions",
    "squashed_name",
    "district_names",
    "current_province_codes",
    "parse_place",
    "successor_province",
    "province_table",
    "map_on",
    "on_current_map",
    "current_map_rows",
]

UNITS_FILE = "units.csv.gz"
LAST_OLD_DAY = date(2025, 6, 30)
FIRST_NEW_DAY = date(2025, 7, 1)
_MAP_DAY = {OLD_MAP: LAST_OLD_DAY, NEW_MAP: FIRST_NEW_DAY}

_PROVINCE, _DISTRICT, _COMMUNE = frozenset(["province"]), frozenset(["district"]), frozenset(["commune"])

# Unit word (folded, without its dot) → (type, levels it may name); 'thành phố' is a province or a district.
_UNIT_WORDS: dict[str, tuple[str, frozenset[str]]] = {
    "tinh": ("tỉnh", _PROVINCE),
    "thanh pho": ("thành phố", _PROVINCE | _DISTRICT),
    "tp": ("thành phố", _PROVINCE | _DISTRICT),
    "huyen": ("huyện", _DISTRICT),
    "h": ("huyện", _DISTRICT),
    "quan": ("quận", _DISTRICT),
    "q": ("quận", _DISTRICT),
    "thi xa": ("thị xã", _DISTRICT),
    "tx": ("thị xã", _DISTRICT),
    "xa": ("xã", _COMMUNE),
    "phuong": ("phường", _COMMUNE),
    "p": ("phường", _COMMUNE),
    "thi tran": ("thị trấn", _COMMUNE),
    "tt": ("thị trấn", _COMMUNE),
    "dac khu": ("đặc khu", _COMMUNE),
}

# Other names of provinces: alias → the province's name in the table.
_PROVINCE_ALIASES = {
    "HCM": "Hồ Chí Minh",
    "TPHCM": "Hồ Chí Minh",
    "Thừa Thiên Huế": "Huế",
    "TT-Huế": "Huế",
    "BR-VT": "Bà Rịa - Vũng Tàu",
    "BRVT": "Bà Rịa - Vũng Tàu",
}

# Unit word at the start of a query, matched on the folded query (so 'huyen' works too).
_LEADING_WORD = re.compile(
    r"^(?:(thanh pho|thi tran|thi xa|dac khu|tinh|huyen|quan|phuong|xa|tp|tx|tt)(?:\s*\.\s*|\s+)|([hqp])\s*\.\s*)"
)
# Unit word before a name in running text: full words in any case, abbreviations as written. The lookahead
# names the first letters, so that ``re`` skips ahead to them rather than trying the alternation everywhere.
_TEXT_WORD = re.compile(
    r"(?=[tThHqQpPxXđĐ])(?<!\w)((?i:thành phố|thị trấn|thị xã|đặc khu|tỉnh|huyện|quận|phường|xã)\s+"
    r"|(?:TP|Tp|TX|Tx|TT)(?:\.\s*|\s+)|[HQP]\.\s*)"
)
_WORD = re.compile(r"\w+")
_NAME_GAP = re.compile(r"[ \t]*[-–—'’][ \t]*|[ \t]+")  # what may stand between the words of one name
_SPACES = re.compile(r"[ \t]+")

_MEMBER = (
    r"(?:thành phố|thị trấn|thị xã|tổ dân phố|khu phố|địa phương|đơn vị|đặc khu|huyện|quận|xã|phường"
    r"|thôn|bản|ấp|làng|buôn|xóm|khóm)(?!\w)"
)
_COLLECTIVE = re.compile(
    rf"^(?:(?:tất cả|toàn bộ)\s+)?(?:(?P<head>các|cấp)\s+)?(?P<members>{_MEMBER}(?:\s*(?:,|và|/)\s*{_MEMBER})*)"
    rf"\s+(?:(?:trên|thuộc)\s+)?(?:địa bàn\s+|của\s+|tại\s+)?(?P<parent>\S.*)$",
    re.IGNORECASE,
)
_MEMBER_LEVEL = {
    **dict.fromkeys(["xã", "phường", "thị trấn", "đặc khu"], "commune"),
    **dict.fromkeys(["huyện", "quận", "thị xã", "thành phố"], "district"),
    **dict.fromkeys(["thôn", "tổ dân phố", "khu phố", "bản", "ấp", "làng", "buôn", "xóm", "khóm"], "village"),
}


@dataclass(frozen=True)
class Unit:
    """One administrative unit with its province and district spelled out."""

    code: str  # statistics-office code as published on its map
    map: str  # OLD_MAP or NEW_MAP: the map of code, parent_code and province_code (successor_code is on NEW_MAP)
    name: str
    type: str
    level: str
    parent_code: str | None
    province_code: str
    province_name: str
    district_code: str | None
    district_name: str | None
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None

    @property
    def label(self) -> str:
        """Unit word and name as a report writes them: 'huyện Tư Nghĩa', 'thị xã Đức Phổ'."""
        return f"{self.type} {self.name}"


@dataclass(frozen=True)
class Mention:
    """A place named in a text: ``text[start:end]`` is the unit word (if any) and the name."""

    start: int
    end: int
    unit: Unit | None  # None when the name fits several units
    unit_word: str | None  # as written ('TX.', 'huyện'); None for a bare province name
    name: str  # as written


@dataclass(frozen=True)
class PlaceRef:
    """A place string: one unit, or the lower units of ``unit`` taken together (collective)."""

    unit: Unit
    level: str  # level of what the place stands for: the unit's own, or its members' for a collective
    collective: bool


@dataclass(frozen=True)
class _Index:
    """The table as lists plus the lookups every call needs, built once."""

    code: list[str]
    map: list[str]
    name: list[str]
    type: list[str]
    level: list[str]
    parent: list[str | None]
    valid_from: list[date | None]
    valid_to: list[date | None]
    successor: list[str | None]
    province_of: list[int]
    district_of: list[int | None]
    by_code: dict[tuple[str, str], int]  # (code, map) → row
    by_key: dict[str, tuple[int, ...]]
    alias: dict[str, str]  # alias key → name key of a province
    max_words: int
    province_name: re.Pattern[str]  # a province's name or alias in folded text, also where a word goes on before it


@cache
def _table() -> pd.DataFrame:
    units = schema("units")
    path = resources.files("cds_analysis") / "reference" / "data" / UNITS_FILE
    with resources.as_file(path) as file:
        table = pa_csv.read_csv(
            file,
            convert_options=pa_csv.ConvertOptions(
                column_types=dict(zip(units.names, units.types)), strings_can_be_null=True
            ),
        )
    if table.column_names != units.names:
        raise ValueError(f"{path}: columns {table.column_names} differ from the units schema {units.names}")
    return table.cast(units).to_pandas()


def load_units() -> pd.DataFrame:
    """The gazetteer table (``UNITS`` schema; codes are strings, dates ``datetime.date``)."""
    return _table().copy()


def _key(name: str) -> str:
    """:func:`fold_key` for names already in canonical form (the table's), without re-normalising."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(name)).split())


def _values(column: pd.Series) -> list:
    """Column as a list with None (not NaN) for missing values."""
    return [None if pd.isna(v) else v for v in column.tolist()]


@cache
def _index() -> _Index:
    t = _table()
    code, map_ = _values(t["code"]), _values(t["map"])
    parent = _values(t["parent_code"])
    level = _values(t["level"])
    by_code = {key: i for i, key in enumerate(zip(code, map_, strict=True))}
    province_of, district_of = [], []
    for i in range(len(code)):
        chain = [i]
        while parent[chain[-1]] is not None:
            chain.append(by_code[parent[chain[-1]], map_[i]])
        province_of.append(chain[-1])
        district_of.append(next((j for j in chain if level[j] == "district"), None))
    by_key: dict[str, list[int]] = {}
    for i, name in enumerate(_values(t["name"])):
        by_key.setdefault(_key(name), []).append(i)
    alias = {_key(normalize(a)): _key(n) for a, n in _PROVINCE_ALIASES.items()}
    provinces = {_key(n) for n, lv in zip(t["name"], level) if lv == "province"} | set(alias)
    trie = phrase_trie(provinces, gap=r"[ \t\-–—]+")  # any run of spaces or dashes between a name's words
    # No '(?<!\w)' first: a pattern opening on a look-behind is tried at every position, one opening on letters
    # skips ahead to them (:func:`_province_names` checks the word start).
    province_name = re.compile(rf"(?:{trie})(?!\w)")
    return _Index(
        code=code,
        map=map_,
        name=_values(t["name"]),
        type=_values(t["type"]),
        level=level,
        parent=parent,
        valid_from=_values(t["valid_from"]),
        valid_to=_values(t["valid_to"]),
        successor=_values(t["successor_code"]),
        province_of=province_of,
        district_of=district_of,
        by_code=by_code,
        by_key={k: tuple(v) for k, v in by_key.items()},
        alias=alias,
        max_words=max(len(k.split()) for k in by_key),
        province_name=province_name,
    )


def squashed_name(label: str, level: str) -> str | None:
    """The name of a unit of ``level`` that a web address writes as ``label``: folded, without spaces ('anthi').

    Where two names of the level squash alike, the later in the table wins.
    """
    g = _index()
    rows = [i for i in _rows_by_squashed_key().get(label, ()) if g.level[i] == level]
    return g.name[max(rows)] if rows else None


@cache
def _rows_by_squashed_key() -> dict[str, list[int]]:
    """Rows by their name key without spaces, read off the index's name keys for all levels at once.

    Paid by the first report whose address names a unit: folding the seven
    thousand commune names again cost a tenth of a second, and a dict of
    names per level three times this.
    """
    rows: dict[str, list[int]] = {}
    for key, of_key in _index().by_key.items():
        rows.setdefault(key.replace(" ", ""), []).extend(of_key)
    return rows


@cache
def district_names() -> dict[tuple[str, str], list[str]]:
    """Names of the district-level units by their province's (code, map), in table order.

    A province of the 2025 map has none, even where an old province had its
    code. Read off the index (a filter of the table frame took 0.04 s).
    """
    g = _index()
    names: dict[tuple[str, str], list[str]] = {}
    for i, level in enumerate(g.level):
        parent = g.parent[i]
        if level == "district" and parent is not None:
            names.setdefault((parent, g.map[i]), []).append(g.name[i])
    return names


@cache
def _unit(i: int) -> Unit:
    g = _index()
    p, d = g.province_of[i], g.district_of[i]
    return Unit(
        code=g.code[i],
        map=g.map[i],
        name=g.name[i],
        type=g.type[i],
        level=g.level[i],
        parent_code=g.parent[i],
        province_code=g.code[p],
        province_name=g.name[p],
        district_code=None if d is None else g.code[d],
        district_name=None if d is None else g.name[d],
        valid_from=g.valid_from[i],
        valid_to=g.valid_to[i],
        successor_code=g.successor[i],
    )


def _valid(g: _Index, i: int, day: date) -> bool:
    start, end = g.valid_from[i], g.valid_to[i]
    return (start is None or start <= day) and (end is None or day <= end)


def _candidates(key: str, word: str | None, level: str | None, day: date) -> list[int]:
    """Rows named ``key`` (or the province it is an alias of), valid on ``day``, at a level the unit word allows."""
    g = _index()
    rows = list(g.by_key.get(key, ()))
    if key in g.alias:
        rows += [i for i in g.by_key[g.alias[key]] if g.level[i] == "province"]
    levels = {level} if level else _UNIT_WORDS[word][1] if word else frozenset(UNIT_LEVELS)
    return [i for i in rows if g.level[i] in levels and _valid(g, i, day)]


def _choose(rows: list[int], written: str, word: str | None, province: int | None, district: int | None) -> int | None:
    """The one row meant, or None.

    In turn: the context keeps lower units inside it; the unit word's own type
    beats the same level under another word ('huyện Đức Phổ' still finds thị xã
    Đức Phổ); a spelling with diacritics equal to the name wins; the highest
    level wins ('Quảng Ngãi' is the province, not the city).
    """
    g = _index()
    rows = [
        i
        for i in rows
        if (province is None or g.level[i] == "province" or g.province_of[i] == province)
        and (district is None or g.level[i] != "commune" or g.district_of[i] == district)
    ]
    if word is not None:
        type_ = _UNIT_WORDS[word][0]
        rows = [i for i in rows if g.type[i] == type_] or rows
    query = " ".join(written.lower().split())
    if fold(query) != query:
        rows = [i for i in rows if g.name[i].lower() == query] or rows
    if not rows:
        return None
    top = min(RANK[g.level[i]] for i in rows)
    rows = [i for i in rows if RANK[g.level[i]] == top]
    return rows[0] if len(rows) == 1 else None


def _context(value: str | Unit, level: str, day: date, province: int | None = None) -> int:
    """Row of a province/district given as a code or name (on the map of ``day``) or a Unit; a clear error otherwise."""
    g = _index()
    if isinstance(value, Unit):
        i = g.by_code.get((value.code, value.map))
        i = i if i is not None and g.level[i] == level and _valid(g, i, day) else None
    else:
        i = _resolve_row(value, level, province, None, day)
    if i is None:
        raise ValueError(f"unknown {level} {value!r} on {day.isoformat()} (give a name or code of the gazetteer)")
    return i


def _resolve_row(name: str, level: str | None, province: int | None, district: int | None, day: date) -> int | None:
    g = _index()
    text = normalize(name).strip()
    i = g.by_code.get((text, map_on(day)))
    if i is not None and (level is None or g.level[i] == level) and _valid(g, i, day):
        return i
    rows = _candidates(fold_key(text), None, level, day)
    if rows:
        return _choose(rows, text, None, province, district)
    m = _LEADING_WORD.match(fold(text))
    if m is None:
        return None
    word, written = m.group(1) or m.group(2), text[m.end() :]
    rows = _candidates(fold_key(written), word, level, day)
    return _choose(rows, written, word, province, district)


def resolve(
    name: str,
    level: str | None = None,
    province: str | Unit | None = None,
    district: str | Unit | None = None,
    on: date | None = None,
    map: str | None = None,
) -> Unit | None:
    """The unit ``name`` (or code: '51', '522', read on the map picked) stands for, or None when no unit or several fit.

    ``name`` may carry a unit word, abbreviated or not ('TX.Đức Phổ', 'H. Yên
    Định', 'tỉnh Thanh Hóa'), either tone style and no diacritics at all. The
    unit word picks the type ('TP.Quảng Ngãi' is the city, 'tỉnh Quảng Ngãi'
    the province); a bare name prefers the highest level ('Quảng Ngãi' is the
    province). ``province``/``district`` (name, code or Unit) narrow the search
    to units inside them; ``map`` (:data:`OLD_MAP` or :data:`NEW_MAP`) or
    ``on`` (a date) picks the map, by default the units of 2025-06-30,
    before the merger: ``resolve('52')`` is Bình Định, ``resolve('52',
    map=NEW_MAP)`` the new Gia Lai.
    """
    if level is not None and level not in frozenset(UNIT_LEVELS):
        raise ValueError(f"level must be 'province', 'district' or 'commune', not {level!r}")
    day = _day(on, map)
    prov = None if province is None else _context(province, "province", day)
    dist = None if district is None else _context(district, "district", day, prov)
    i = _resolve_row(name, level, prov, dist, day)
    return None if i is None else _unit(i)


def _day(on: date | None, map: str | None) -> date:
    """The day a lookup is made on: ``on``, else the first (or last) day of ``map``, else the old map's last."""
    if map is None:
        return on or LAST_OLD_DAY
    if map not in _MAP_DAY:
        raise ValueError(f"map must be {OLD_MAP!r} or {NEW_MAP!r}, not {map!r}")
    if on is not None and map_on(on) != map:
        raise ValueError(f"{on.isoformat()} is not on the {map} map")
    return on or _MAP_DAY[map]


def _name_after(folded: str, pos: int, word: str, day: date) -> tuple[int, tuple[int, ...]] | None:
    """Longest known name starting at ``pos`` that fits the unit word: (end, rows)."""
    g = _index()
    parts: list[str] = []
    ends: list[int] = []
    while len(parts) < g.max_words:
        m = _WORD.match(folded, pos)
        if m is None:
            break
        parts.append(m.group())
        ends.append(m.end())
        gap = _NAME_GAP.match(folded, m.end())
        if gap is None:
            break
        pos = gap.end()
    known = _longest_known(tuple(parts), word, day)
    return None if known is None else (ends[known[0] - 1], known[1])


@lru_cache(maxsize=1 << 14)
def _longest_known(parts: tuple[str, ...], word: str, day: date) -> tuple[int, tuple[int, ...]] | None:
    """(n, rows) of the longest name of the first n ``parts`` (folded words) that fits the unit word, or None.

    The same words follow unit words all through a corpus: each is looked up once.
    """
    for n in range(len(parts), 0, -1):
        rows = _candidates(" ".join(parts[:n]), word, None, day)
        if rows:
            return n, tuple(rows)
    return None


@lru_cache(maxsize=1 << 14)
def _chosen(rows: tuple[int, ...], written: str, word: str | None, province: int | None) -> Unit | None:
    """The unit a mention names (:func:`_choose`, as a Unit), once for each way a text writes it."""
    i = _choose(list(rows), written, word, province, None)
    return None if i is None else _unit(i)


@lru_cache(maxsize=64)
def _word_key(written: str) -> str:
    """The key of a unit word as written ('TX. ' → 'tx', 'Thị  xã ' → 'thi xa'): a few ways, met thousands of times."""
    return " ".join(fold(written).replace(".", " ").split())


@lru_cache(maxsize=1 << 10)
def _province_named(folded: str, written: str, day: date) -> Unit | None:
    """The province a bare name names ('Quảng Ngãi', folded 'quang ngai'), once for each way a corpus writes it."""
    return _chosen(tuple(_candidates(_key(folded), None, "province", day)), written, None, None)


def _province_names(pattern: re.Pattern[str], folded: str):
    """The matches of ``pattern`` that start a word, as ``finditer`` finds them with a word-start look-behind first.

    Where a match starts inside a word ('thue' holds 'hue') the search goes
    on from the next character, as finditer's would.
    """
    m = pattern.search(folded)
    while m is not None:
        start = m.start()
        if start and _IS_WORD.match(folded, start - 1):
            m = pattern.search(folded, start + 1)
        else:
            yield m
            m = pattern.search(folded, m.end())


def _continues(text: str, end: int) -> bool:
    """True when a capitalised word follows: the name is part of a longer one ('Thái Bình Dương')."""
    gap = _SPACES.match(text, end)
    return gap is not None and gap.end() < len(text) and text[gap.end()].isupper()


def find_mentions(
    text: str,
    province: str | Unit | None = None,
    on: date | None = None,
    map: str | None = None,
    start: int = 0,
    end: int | None = None,
) -> list[Mention]:
    """Every place mention in a normalised text, in order.

    A mention is a unit word ('huyện', 'TX.', 'TP.', 'xã', …) followed by a
    name the gazetteer knows and that starts with a capital letter or digit,
    or a bare province name ('Quảng Ngãi'). With ``province`` the districts
    and communes are looked for inside it (provinces anywhere). A name that
    fits several units, or none inside ``province``, gives ``unit=None``.
    ``map`` or ``on`` picks the map, as in :func:`resolve`. ``start`` and
    ``end`` read ``text[start:end]`` as a text of its own (offsets stay those
    of ``text``): the whole text is read once, and its stretches reuse what it names.
    """
    day = _day(on, map)
    prov = None if province is None else _context(province, "province", day)
    end = len(text) if end is None else end
    scan = _scan(text, day)
    if (start, end) == (0, len(text)) or scan.reads_alone(start, end):
        named, bare = _within(scan.named, start, end), _within(scan.bare, start, end)
    else:  # a stretch whose edges cut into what the text names: read alone
        scan = _scan(text[start:end], day)
        named = [replace(n, start=n.start + start, end=n.end + start) for n in scan.named]
        bare = [replace(m, start=m.start + start, end=m.end + start) for m in scan.bare]
    mentions = [Mention(n.start, n.end, _chosen(n.rows, n.name, n.word, prov), n.unit_word, n.name) for n in named]
    return sorted([*mentions, *bare], key=lambda x: x.start)


@dataclass(frozen=True)
class _Named:
    """A unit word and the known name after it: a mention whose unit is not chosen yet."""

    start: int
    end: int
    name: str  # as written
    rows: tuple[int, ...]
    word: str  # folded, without its dot ('tx')
    unit_word: str  # as written ('TX.')


@dataclass(frozen=True)
class _Scan:
    """What :func:`find_mentions` finds in a text before a province narrows the choice.

    ``named`` and ``bare`` are the mentions; ``words`` and ``provinces`` every
    match of the unit-word and bare-province patterns, kept or not, so that a
    stretch can tell whether its edges cut into one of them.
    """

    text: str
    folded: str
    named: tuple[_Named, ...]
    bare: tuple[Mention, ...]
    words: tuple[tuple[int, int], ...]
    provinces: tuple[tuple[int, int], ...]
    mentioned: tuple[tuple[int, int], ...]  # the spans of ``named``

    def reads_alone(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` read as a text of its own names exactly the mentions of the text inside it.

        So it does unless an edge cuts a word, a match or a mention (a cut
        name is another name), or a province name is followed up to ``end``
        by spaces only (what comes next decides whether it is part of a
        longer name).
        """
        t, f = self.text, self.folded
        for edge in (start, end):
            if 0 < edge < len(t) and (
                (_IS_WORD.match(t, edge - 1) and (edge == start or _IS_WORD.match(t, edge)))
                or (_IS_WORD.match(f, edge - 1) and (edge == start or _IS_WORD.match(f, edge)))
            ):
                return False
            if any(_cuts(spans, edge) for spans in (self.words, self.provinces, self.mentioned)):
                return False
        last = bisect.bisect_right(self.provinces, (end, end)) - 1  # the last province name ending by ``end``
        while last >= 0 and self.provinces[last][1] > end:
            last -= 1
        return (
            end == len(t)
            or last < 0
            or self.provinces[last][0] < start
            or t[self.provinces[last][1] : end].strip(" \t") != ""
        )


_IS_WORD = re.compile(r"\w")


def _within(mentions, start: int, end: int) -> list:
    """The ``mentions`` (in order, not overlapping) that lie inside ``start:end``: a bisection, not a scan of all."""
    i = bisect.bisect_left(mentions, start, key=lambda m: m.start)
    found = []
    while i < len(mentions) and mentions[i].start < end:
        if mentions[i].end <= end:
            found.append(mentions[i])
        i += 1
    return found


def _cuts(spans, edge: int) -> bool:
    """Whether one of the ordered, non-overlapping ``spans`` starts before ``edge`` and ends after it."""
    i = bisect.bisect_left(spans, (edge, -1)) - 1
    return i >= 0 and spans[i][1] > edge


@lru_cache(maxsize=4)
def _scan(text: str, day: date) -> _Scan:
    """:class:`_Scan` of ``text``; a document is asked for several times (without and with its province, stretches)."""
    g = _index()
    folded = fold(text)
    named: list[_Named] = []
    words = []
    for m in _TEXT_WORD.finditer(text):
        words.append(m.span())
        pos = m.end()
        if pos >= len(text) or not (text[pos].isupper() or text[pos].isdigit()):
            continue
        if named and m.start() < named[-1].end:
            continue
        word = _word_key(m.group(1))
        hit = _name_after(folded, pos, word, day)
        if hit is not None:
            named.append(_Named(m.start(), hit[0], text[pos : hit[0]], hit[1], word, m.group(1).strip()))
    starts = [x.start for x in named]
    bare: list[Mention] = []
    provinces = []
    for m in _province_names(g.province_name, folded):
        start, end = m.span()
        provinces.append((start, end))
        if not text[start].isupper() or _continues(text, end):
            continue
        k = bisect.bisect_right(starts, start) - 1  # unit-word mentions do not overlap each other
        if (k >= 0 and named[k].end > start) or (k + 1 < len(starts) and starts[k + 1] < end):
            continue
        unit = _province_named(m.group(), text[start:end], day)
        if unit is not None:
            bare.append(Mention(start, end, unit, None, text[start:end]))
    mentioned = tuple((n.start, n.end) for n in named)
    return _Scan(text, folded, tuple(named), tuple(bare), tuple(words), tuple(provinces), mentioned)


def parse_place(
    text: str, province: str | Unit | None = None, on: date | None = None, map: str | None = None
) -> PlaceRef | None:
    """A place string as analysts write it, single unit or collective.

    'huyện Mộ Đức' → the district itself; 'các xã, thị trấn huyện Trà Bồng'
    → the communes of huyện Trà Bồng (level 'commune', collective); 'các
    thôn, tổ dân phố huyện Mộ Đức' → its villages; 'các địa phương trên địa
    bàn Thăng Bình' → the level just below Thăng Bình. None when the unit is
    unknown or ambiguous.
    """
    place = " ".join(normalize(text).split())
    m = _COLLECTIVE.match(place)
    members = [] if m is None else re.split(r"\s*(?:,|\bvà\b|/)\s*", m.group("members").lower())
    if m is None or not (m.group("head") or len(members) > 1):
        unit = resolve(place, province=province, on=on, map=map)
        return None if unit is None else PlaceRef(unit, unit.level, False)
    unit = resolve(m.group("parent"), province=province, on=on, map=map)
    if unit is None:
        return None
    level = _MEMBER_LEVEL.get(members[0]) or CHILD.get(unit.level)
    if level is None or RANK[level] <= RANK[unit.level]:
        return None
    return PlaceRef(unit, level, True)


def successor_province(code: str, map: str = OLD_MAP) -> str | None:
    """Code on the 2025 map of the province that unit (code, map) belongs to ('49' → '48', '513' → '48').

    A unit of the 2025 map is already on it: its own province (('30742',
    NEW_MAP) → '91'). KeyError for a unit the gazetteer does not know.
    """
    g = _index()
    _day(None, map)  # a clear error for an unknown map
    i = g.by_code.get((code, map))
    if i is None:
        raise KeyError(f"unknown unit code {code!r} on the {map} map (codes are strings with leading zeros, e.g. '08')")
    new = _new_province(i)
    return None if new is None else g.code[new]


@cache
def current_province_codes() -> tuple[str | None, ...]:
    """Per row of :func:`load_units`, the code of the 2025-map province the unit's figures are filed under.

    The province itself on the 2025 map, an old province's successor, and for
    districts and communes their province's; what ``current_province_code``
    says of an observation naming the unit. None where there is none.
    """
    g = _index()
    return tuple(None if (p := _new_province(i)) is None else g.code[p] for i in range(len(g.code)))


def _new_province(i: int) -> int | None:
    """Row of the 2025-map province that row ``i`` belongs to: its own province, or its old province's successor."""
    g = _index()
    province = g.province_of[i]
    if g.map[province] == NEW_MAP:
        return province
    successor = g.successor[province]
    return None if successor is None else g.by_code[successor, NEW_MAP]


def province_table(map: str = OLD_MAP) -> pd.DataFrame:
    """The provinces of ``map``: the 63 of :data:`OLD_MAP` (with successor_code) or the 34 of :data:`NEW_MAP`, by code."""
    day = _day(None, map)
    g = _index()
    rows = [i for i, level in enumerate(g.level) if level == "province" and _valid(g, i, day)]
    return _table().iloc[rows].sort_values("code").reset_index(drop=True)


def map_on(day: date) -> str:
    """The map in force on ``day``: :data:`OLD_MAP` until 30 June 2025, :data:`NEW_MAP` from 1 July 2025."""
    return OLD_MAP if day <= LAST_OLD_DAY else NEW_MAP


CURRENT_COLUMNS = [
    "figure_map",
    "current_province",
    "current_province_code",
    "current_commune",
    "current_commune_code",
]


def on_current_map(observations: pd.DataFrame, published: date | None = None) -> pd.DataFrame:
    """``observations`` with the map each figure is read on and its units on the 2025 map (:data:`CURRENT_COLUMNS`).

    The units the source named stay as they are: codes on the map of their
    row's ``map``. A figure's date is its
    period's end (or start), or ``published`` (the document's date) when that
    is earlier or the only one known: a report of 2024 names the units of
    2024 even for its 2025 goals. Dated before 1 July 2025 it is read on the
    old map: its province goes to the new province it became part of, its
    commune to the one new commune it went into whole (none when it was
    split). Dated later it is read on the new map: a commune an extractor
    resolved among the old units by name ('xã Thiệu Trung' of 2026) is looked
    up by that name among the new province's communes, so the figure lands
    on the commune of that name today.
    """
    frame = observations.copy()
    ends, starts = list(frame["period_end"]), list(frame["period_start"])
    days = _days(ends, starts, published)
    if days is None:
        days = _figure_days(frame, published)
    named = zip(*(frame[c] for c in _NAMED), strict=True)
    placed = _placed(days, ([None if pd.isna(v) else v for v in row] for row in named))
    current = pd.DataFrame(placed, columns=CURRENT_COLUMNS, index=frame.index, dtype=object)
    for column in CURRENT_COLUMNS:
        frame[column] = current[column]
    return frame


def current_map_rows(rows: list[dict], published: date | None = None) -> list[tuple] | None:
    """:data:`CURRENT_COLUMNS` of observation ``rows`` (dicts of Python values), as :func:`on_current_map` gives them.

    The per-document path of the extractor: no frame is built to place a
    handful of rows. None when a row's period is not a plain date (the frame
    path then reads it as pandas would).
    """
    days = _days([r["period_end"] for r in rows], [r["period_start"] for r in rows], published)
    if days is None:
        return None
    named = ([r[c] for c in _NAMED] for r in rows)
    return _placed(days, named)


_NAMED = ("map", "province_code", "district_code", "commune_code", "commune")  # what _current reads of a row


def _placed(days, named) -> list[tuple]:
    cache: dict[tuple, tuple] = {}
    placed = []
    for day, codes in zip(days, named, strict=True):
        key = (None if day is None else map_on(day), *codes)
        if key not in cache:
            cache[key] = (key[0], *_current(*key))
        placed.append(cache[key])
    return placed


# Days pandas reads as they are; outside them ``pd.to_datetime(errors="coerce")`` decides.
_FIRST_DAY, _LAST_DAY = date(1678, 1, 1), date(2262, 1, 1)


def _days(ends: list, starts: list, published: date | None) -> list[date | None] | None:
    """:func:`_figure_days` without pandas when every period bound is a plain ``date`` or None; else None."""
    days: list[date | None] = []
    for end, start in zip(ends, starts, strict=True):
        day = end if end is not None else start
        if day is not None and (type(day) is not date or not _FIRST_DAY <= day < _LAST_DAY):
            return None
        if end is not None and (type(end) is not date or not _FIRST_DAY <= end < _LAST_DAY):
            return None
        if published is not None:
            day = published if day is None else min(day, published)
        days.append(day)
    return days


def _figure_days(frame: pd.DataFrame, published: date | None) -> list[date | None]:
    """The day each row's figure is dated: period end (else start), capped by ``published``."""
    ends = pd.to_datetime(frame["period_end"], errors="coerce").fillna(
        pd.to_datetime(frame["period_start"], errors="coerce")
    )
    days: list[date | None] = []
    for end in ends:
        day = None if pd.isna(end) else end.date()
        if published is not None:
            day = published if day is None else min(day, published)
        days.append(day)
    return days


def _current(
    figure_map: str | None,
    map: str | None,
    province: str | None,
    district: str | None,
    commune: str | None,
    commune_label: str | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """(province name, province code, commune label, commune code) on the 2025 map of the units named on ``map``."""
    g = _index()
    keys = [(code, map) for code in (commune, district, province) if code is not None and map is not None]
    named = next((g.by_code[key] for key in keys if key in g.by_code), None)
    if named is None:
        return None, None, None, None
    new_province = _new_province(named)
    if g.map[named] == NEW_MAP:
        new_commune = named if g.level[named] == "commune" else None
    else:
        new_commune = None
        if g.level[named] == "commune":
            if figure_map == NEW_MAP and commune_label and new_province is not None:
                new_commune = _resolve_row(commune_label, "commune", new_province, None, FIRST_NEW_DAY)
            whole = g.successor[named]
            if new_commune is None and whole is not None:
                new_commune = g.by_code[whole, NEW_MAP]
    if new_province is None:
        return None, None, None, None
    if new_commune is None:
        return g.name[new_province], g.code[new_province], None, None
    return g.name[new_province], g.code[new_province], _unit(new_commune).label, g.code[new_commune]
