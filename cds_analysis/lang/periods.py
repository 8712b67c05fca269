"""Reporting periods in Vietnamese reports: 'quý 2/2023', '6 tháng đầu năm 2023', 'đến nay'.

A :class:`Period` is a label plus its first and last day. Labels follow the
gold set (``shared/gold/README.md``):

====================================  ==============================================
text                                  label
====================================  ==============================================
năm 2023                              ``2023``
quý 2/2023, quý II/2023, quý I-2023   ``2023-Q2``, ``2023-Q2``, ``2023-Q1``
6 tháng đầu / cuối năm 2023           ``2023-H1`` / ``2023-H2`` (3 tháng: a quarter)
9 tháng (đầu) năm 2023                ``range 2023-01..2023-09``
tháng 8/2022, tháng 8 năm 2022        ``2022-08``
ngày 30/5/2023                        ``2023-05-30``
tính đến (ngày) 30/5/2023             ``as_of 2023-05-30`` (start = end = that day)
tính đến hết tháng 6/2023             ``as_of 2023-06-30``
từ tháng 8/2022 đến hết quý I/2023    ``range 2022-08..2023-Q1``
năm 2022 và quý I/2023                ``range 2022..2023-Q1`` (only when contiguous)
giai đoạn 2021-2025, 2023-2025        ``range 2021..2025``
đến năm 2025, tầm nhìn 2030           ``2025`` (kind ``target_horizon``)
====================================  ==============================================

Range labels name each end at month precision at most (a day becomes its
month, a multi-month span its first or last month); ``start``/``end`` keep
the days. A range whose two ends name the same month is labelled as that month.

Relative forms resolve against the publication date: 'đến nay', 'hiện nay',
'hiện tại' → ``as_of <published>``; 'năm nay', 'cuối năm nay' → its year;
'năm trước'/'năm ngoái' → the year before; '6 tháng đầu năm', 'trong 9
tháng,', 'quý I', 'tháng 8', 'Chiều 28/7' without a year → the publication
year; 'từ đầu năm đến nay' → ``range <year>..<published month>``; 'trong
thời gian 7 ngày kể từ' → the 7 days from the publication date. Without a
publication date these give a mention whose period is None.

'đến (cuối/hết) năm 2025' is a target horizon unless a publication date
shows that year is already over, then it is ``as_of`` the 31 December;
'tính đến …' is always ``as_of``. Dates of legal documents ('Nghị định số
43/2011/NĐ-CP ngày 13/6/2011') and page stamps next to a clock time
('14:19 | 11/01/2022') are not periods. ``dateparser`` is not used: it reads
'quý 2/2023' as 22 February.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from cds_analysis.lang.passes import OnePass
from cds_analysis.lang.text import normalize

__all__ = [
    "ENGLISH_MONTHS",
    "KINDS",
    "Period",
    "PeriodMention",
    "find_periods",
    "human_label",
    "parse_period",
    "period_key",
]

KINDS = ("explicit", "as_of", "relative", "target_horizon")
# Month names of saved English pages ('20 December 2022'), lower case, January first.
ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# ---------------------------------------------------------------- Period and labels

_POINT = r"(?P<y>\d{4})(?:-Q(?P<q>[1-4])|-H(?P<h>[12])|-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?"
_POINT_RE = re.compile(_POINT)
_SIMPLE_LABEL = re.compile(r"\d{4}(?:-Q[1-4]|-H[12]|-\d{2})?")
_RANGE_LABEL = re.compile(r"range (\S+)\.\.(\S+)")
_AS_OF_LABEL = re.compile(r"as_of (\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Period:
    """A reporting period: its label ('2023-Q2', 'as_of 2023-05-30', …) and its first and last day."""

    label: str
    start: date
    end: date

    @classmethod
    def from_label(cls, label: str) -> Period:
        """The period a label names; the inverse of ``.label`` up to the month precision of ranges."""
        text = label.strip()
        if m := _AS_OF_LABEL.fullmatch(text):
            return _as_of(_iso_day(m.group(1), label))
        if m := _RANGE_LABEL.fullmatch(text):
            first, last = _point(m.group(1), label), _point(m.group(2), label)
            if last.end < first.start:
                raise ValueError(f"range ends before it starts: {label!r}")
            return cls(text, first.start, last.end)
        return _point(text, label)


def _iso_day(s: str, label: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError as err:
        raise ValueError(f"not a date in period label {label!r}: {s!r}") from err


def _point(s: str, label: str) -> Period:
    m = _POINT_RE.fullmatch(s)
    if m is None:
        raise ValueError(
            f"not a period label: {label!r} (expected e.g. '2023', '2023-Q2', '2023-H1', '2022-08', '2023-05-30',"
            " 'as_of 2023-05-30', 'range 2022-08..2023-Q1')"
        )
    y = int(m.group("y"))
    try:
        if m.group("q"):
            return _quarter(y, int(m.group("q")))
        if m.group("h"):
            return _half(y, int(m.group("h")))
        if m.group("d"):
            return _day(date(y, int(m.group("m")), int(m.group("d"))))
        if m.group("m"):
            return _month(y, int(m.group("m")))
    except ValueError as err:
        raise ValueError(f"impossible date in period label {label!r}") from err
    return _year(y)


def _year(y: int) -> Period:
    return Period(str(y), date(y, 1, 1), date(y, 12, 31))


def _quarter(y: int, q: int) -> Period:
    return Period(f"{y}-Q{q}", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))


def _half(y: int, h: int) -> Period:
    return Period(f"{y}-H{h}", date(y, 6 * h - 5, 1), _month_end(y, 6 * h))


def _month(y: int, m: int) -> Period:
    return Period(f"{y}-{m:02d}", date(y, m, 1), _month_end(y, m))


def _day(d: date) -> Period:
    return Period(d.isoformat(), d, d)


def _as_of(d: date) -> Period:
    return Period(f"as_of {d.isoformat()}", d, d)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _range(first: Period, last: Period) -> Period:
    """From the start of ``first`` to the end of ``last``, labelled at month precision at most."""
    a = first.label if _SIMPLE_LABEL.fullmatch(first.label) else f"{first.start:%Y-%m}"
    b = last.label if _SIMPLE_LABEL.fullmatch(last.label) else f"{last.end:%Y-%m}"
    return Period(a if a == b else f"range {a}..{b}", first.start, last.end)


def _first_months(y: int, n: int) -> Period:
    """The first ``n`` months of ``y`` ('6 tháng đầu năm' → H1)."""
    named = {3: _quarter(y, 1), 6: _half(y, 1), 12: _year(y)}
    return named.get(n) or _range(_month(y, 1), _month(y, n))


def _last_months(y: int, n: int) -> Period:
    named = {3: _quarter(y, 4), 6: _half(y, 2), 12: _year(y)}
    return named.get(n) or _range(_month(y, 13 - n), _month(y, 12))


_QUARTER_NUMERALS = ("I", "II", "III", "IV")


def _human_point(text: str) -> str | None:
    """'2023-Q2' → 'quý II/2023', '2023-H1' → '6 tháng đầu năm 2023', '2022-08' → 'tháng 8/2022'."""
    m = _POINT_RE.fullmatch(text)
    if m is None:
        return None
    y = m.group("y")
    if m.group("q"):
        return f"quý {_QUARTER_NUMERALS[int(m.group('q')) - 1]}/{y}"
    if m.group("h"):
        return f"6 tháng {'đầu' if m.group('h') == '1' else 'cuối'} năm {y}"
    if m.group("d"):
        return f"{int(m.group('d'))}/{int(m.group('m'))}/{y}"
    if m.group("m"):
        return f"tháng {int(m.group('m'))}/{y}"
    return f"năm {y}"


def human_label(label: str | None) -> str:
    """A period label as Vietnamese readers write it, capitalised for a table cell.

    '2023-Q2' → 'Quý II/2023', 'as_of 2023-07-28' → 'Đến 28/7/2023',
    'range 2022..2023-Q1' → '2022 – quý I/2023', '2024' → 'Năm 2024'. The machine
    label stays the key in the tables; this is only what a report prints.
    An empty label gives '–'; one that is not a period label is returned as written.
    """
    if label is None or not str(label).strip():
        return "–"
    text = str(label).strip()
    if m := _AS_OF_LABEL.fullmatch(text):
        day = date.fromisoformat(m.group(1))
        written = f"đến {day.day}/{day.month}/{day.year}"
    elif (m := _RANGE_LABEL.fullmatch(text)) and None not in (parts := [_human_point(p) for p in m.groups()]):
        written = " – ".join(str(part).removeprefix("năm ") for part in parts)
    elif (point := _human_point(text)) is not None:
        written = point
    else:
        return text
    return written[0].upper() + written[1:]


def period_key(label: str) -> tuple[date, date]:
    """(first day, last day) of a period label, for sorting and comparing."""
    p = Period.from_label(label)
    return p.start, p.end


# ---------------------------------------------------------------- finding periods in text


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase in normalised text: its span, its period (None when unresolvable) and its kind."""

    start: int
    end: int
    period: Period | None
    kind: str
    text: str


@dataclass(frozen=True)
class _Atom:
    """One period phrase before it is combined with its neighbours.

    ``build`` gives the period for a year; ``year`` is the year the phrase
    writes (None when the year must come from context). Phrases whose period
    does not depend on a year carry it in ``fixed``.
    """

    start: int
    end: int
    grain: str
    year: int | None = None
    build: Callable[[int], Period] | None = None
    fixed: Period | None = None
    relative: bool = False

    def period(self, year: int | None = None) -> Period | None:
        if self.build is None:
            return self.fixed
        y = self.year if self.year is not None else year
        return None if y is None else self.build(y)


_YEAR = r"(?:19|20)\d{2}"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Q = r"(?P<q>iv|iii|ii|i|[1-4])"
_SEP_YEAR = rf"(?:\s*[/.-]\s*|\s+năm\s+)(?P<y>{_YEAR})"  # 'tháng 8/2024', 'tháng 8.2024', 'quý I-2024'

# Each pattern starts with a literal or one digit so that ``re`` skips ahead fast (``\d\d?``: a
# pattern opening on a repeat such as ``\d{1,2}`` is tried at every character); optional words in
# front ('ngày', 'cuối', 'giai đoạn', 'tính') are taken by _widen. A phrase that opens on one of
# several words is several patterns, one per opening word (``re`` skips to a word, not to one of
# several letters), read as their alternation would be (:func:`_alternation`); the patterns that
# open on a digit are read in one scan (:data:`_DIGIT_LED`).
_P: dict[str, re.Pattern[str] | tuple[re.Pattern[str], ...]] = {
    "day": re.compile(rf"(?P<d>\d\d?)\s*(?P<s>[/.-])\s*(?P<m>\d{{1,2}})\s*(?P=s)\s*(?P<y>{_YEAR})(?!\d)"),
    "day_words": re.compile(rf"ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})\s+năm\s+(?P<y>{_YEAR})"),
    # '20/6', and with a cue word or in a range also '20-6', '1.4' ('Đến hết ngày 20-6', 'từ 1.4 đến 15.5')
    "day_no_year": re.compile(r"(?P<d>\d\d?)\s*(?P<s>[/.-])\s*(?P<m>\d{1,2})(?![\d/]|[.,-]\d)"),
    "month": re.compile(rf"tháng\s+(?P<m>\d{{1,2}})(?:{_SEP_YEAR})?(?![\d%/]|[.,]\d)"),
    "quarter": re.compile(rf"quý\s+{_Q}(?:{_SEP_YEAR})?(?![\w/])"),
    "months": re.compile(
        rf"(?P<n>\d\d?)\s+tháng\s+(?:(?P<edge>đầu|cuối)\s+)?năm(?:\s+(?P<y>{_YEAR})|\s+(?P<nay>nay))?"
    ),
    "half_year": re.compile(rf"nửa\s+(?P<edge>đầu|cuối)\s+năm(?:\s+(?P<y>{_YEAR})|\s+(?P<nay>nay))?"),
    "months_bare": re.compile(r"trong\s+(?P<n>3|6|9)\s+tháng(?=\s*[,:])"),
    "year": re.compile(rf"năm\s+(?P<y>{_YEAR})(?!\d|[ \t]*[-–—][ \t]*\d)"),  # a range stays on its line
    "bare_year": tuple(re.compile(rf"{w} (?P<y>{_YEAR})(?![\d/.,%-])") for w in ("đến", "tới")),
    "years": re.compile(rf"(?P<y>{_YEAR})[ \t]*[-–—][ \t]*(?:năm\s+)?(?P<y2>{_YEAR})(?!\d)"),
    "relative_year": re.compile(r"năm\s+(?P<rel>nay|trước|ngoái|sau|tới)(?!\w)"),
    "now": (
        *(re.compile(rf"{w}\s+(?:nay|thời điểm (?:này|hiện tại|hiện nay))(?!\w)") for w in ("đến", "tới")),
        re.compile(r"hiện(?: nay| tại| có|(?=[ ,]))"),
    ),
    "year_to_date": re.compile(rf"từ\s+đầu\s+năm(?:\s+(?P<y>{_YEAR}))?\s+(?:đến|tới)\s+nay(?!\w)"),
    "window": re.compile(
        r"trong\s+(?:thời gian\s+|vòng\s+|thời hạn\s+)?(?P<n>\d+)\s+(?P<u>ngày|tuần)\s*\(?\s*(?:kể từ|tính từ)"
    ),
    "horizon": re.compile(rf"tầm nhìn\s+(?:đến\s+)?(?:năm\s+)?(?P<y>{_YEAR})"),
}
_EDGE_BEFORE = re.compile(r"(?:đầu|cuối|giữa)\s+$")
_PREFIX = {
    "day": re.compile(r"ngày\s+$"),
    "day_no_year": re.compile(r"(?:ngày|sáng|chiều|trưa|tối|đêm|hôm|mùng|mồng)\s+$"),
    "year": _EDGE_BEFORE,
    "relative_year": _EDGE_BEFORE,
    "years": re.compile(r"(?:giai đoạn|năm)\s+$"),
    "now": re.compile(r"tính\s+$"),
}
_DATE_TO_FOLLOW = re.compile(r"\s*(?:đến|tới|-|–)")

_STAMP_NEAR = re.compile(r"\d{1,2}:\d{2}")
_STAMP_LABEL_BEFORE = re.compile(
    r"(?:ngày(?: ban hành| đăng| hiệu lực| công báo| cập nhật)?|xuất bản(?: lúc)?|cập nhật)\s*:\s*$"
)
_LEGAL_BEFORE = re.compile(r"(?:[/-][a-zđ]{2}[\w/&-]*|số\s*\d+)\s*,?\s*(?:ngày\s*)?$")
_HIEN_BEFORE = re.compile(r"(?:thực|thể|xuất|phát|biểu|trình|hiển|tái)\s$")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\n\"“(]\s*)$")
_COUNTED_BEFORE = re.compile(r"(?:\d|nhiều|mấy|những|các|vài|mỗi|hằng|hàng)\s+$")
_FROM_BEFORE = re.compile(r"từ\s+$")
_UNTIL_BEFORE = re.compile(r"(?:(?P<tinh>tính)\s+)?(?:đến|tới)\s+(?:(?P<edge>hết|cuối)\s+)?$")
_RANGE_BETWEEN = re.compile(r"\s*(?:(?:đến|tới)\s+(?:(?:hết|cuối)\s+)?|[-–—]\s*)")
_AND_BETWEEN = re.compile(r"\s+và\s+")


def _is_page_or_legal_date(low: str, s: int, e: int) -> bool:
    """'14:19 | 11/01/2022', 'Ngày đăng: …' and '43/2011/NĐ-CP ngày 13/6/2011' are not reporting periods."""
    before = low[max(0, s - 40) : s]
    return bool(
        _STAMP_NEAR.search(low, max(0, s - 12), s)
        or _STAMP_NEAR.search(low, e, e + 12)
        or _STAMP_LABEL_BEFORE.search(before)
        or _LEGAL_BEFORE.search(before)
    )


def _widen(low: str, name: str, start: int) -> int:
    """Start of a phrase once the optional words before it are included ('cuối năm 2025')."""
    prefix = _PREFIX.get(name)
    m = prefix.search(low, max(0, start - 14), start) if prefix else None
    return m.start() if m else start


def _number_starts(low: str, i: int) -> bool:
    return i == 0 or low[i - 1] not in "0123456789.,/"


# Patterns opening on a digit, read in one scan of the text. 'day' refers back to its separator
# ('20/6/2024', not '20/6-2024'), which the scan cannot (its patterns sit in a look-behind): it is
# scanned as the same pattern with each separator spelled out (the separator is the character after
# the day's digits and spaces, so both match where the other does, to the same end), then read by
# 'day' itself where the scan found it.
_DIGIT_LED = {name: p for name in ("day", "day_no_year", "months", "years") if isinstance(p := _P[name], re.Pattern)}
_DAY_SCAN = re.compile(rf"\d\d?\s*(?:/\s*\d{{1,2}}\s*/|\.\s*\d{{1,2}}\s*\.|-\s*\d{{1,2}}\s*-)\s*{_YEAR}(?!\d)")
_ONE_PASS = OnePass([_DAY_SCAN if name == "day" else p for name, p in _DIGIT_LED.items()], r"\d")


def _digit_led(low: str) -> dict[str, list[re.Match[str]]]:
    """The matches of each :data:`_DIGIT_LED` pattern (what its ``finditer`` gives), from one scan."""
    return {
        name: [m for start, _ in spans if (m := pattern.match(low, start)) is not None]
        for (name, pattern), spans in zip(_DIGIT_LED.items(), _ONE_PASS.spans(low), strict=True)
    }


def _alternation(low: str, patterns: tuple[re.Pattern[str], ...]) -> list[re.Match[str]]:
    """The matches of the alternation of ``patterns``, each opening on its own word.

    No match of a pattern starts inside another of its own, so its ``finditer``
    gives all of them; the alternation keeps, left to right, those that do not
    start inside the one kept before ('đến thời điểm hiện tại' hides 'hiện tại').
    """
    kept: list[re.Match[str]] = []
    for m in sorted((m for p in patterns for m in p.finditer(low)), key=lambda m: m.start()):
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    return kept


def _found(low: str, led: dict[str, list[re.Match[str]]], name: str) -> Iterator[tuple[re.Match[str], int]]:
    """Matches of pattern ``name`` with their widened start; digit-first patterns need a clean left edge.

    ``led``: the matches of the :data:`_DIGIT_LED` patterns, from one scan.
    """
    pattern = _P[name]
    if name in led:
        found: Iterable[re.Match[str]] = led[name]
    elif isinstance(pattern, re.Pattern):
        found = pattern.finditer(low)
    else:
        found = _alternation(low, pattern)
    for m in found:
        if low[m.start()].isdigit() and not _number_starts(low, m.start()):
            continue
        yield m, _widen(low, name, m.start())


def _atoms(low: str, published: date | None) -> list[_Atom]:
    """Every period phrase of lower-cased ``low``; overlapping ones are resolved by the caller."""
    out: list[_Atom] = []
    add = out.append
    led = _digit_led(low)
    for name in ("day", "day_words", "day_no_year"):
        for m, start in _found(low, led, name):
            d, mo, year = int(m.group("d")), int(m.group("m")), _int(m, "y") if name != "day_no_year" else None
            if (
                name == "day_no_year"
                and start == m.start()
                and not _opens_a_range(low, start, m.end())
                and not _closes_a_range(low, start)
            ):
                continue  # without a cue word a bare 'd/m' is a date only as an end of a range
            if _is_date(year or 2000, mo, d) and not _is_page_or_legal_date(low, start, m.end()):
                add(_Atom(start, m.end(), "day", year, _day_builder(d, mo)))
    for m, start in _found(low, led, "month"):
        mo = int(m.group("m"))
        if 1 <= mo <= 12:
            add(_Atom(start, m.end(), "month", _int(m, "y"), partial(_month, m=mo)))
    for m, start in _found(low, led, "quarter"):
        q = _ROMAN[m.group("q")]
        add(_Atom(start, m.end(), "quarter", _int(m, "y"), partial(_quarter, q=q)))
    for name in ("months", "half_year"):
        for m, start in _found(low, led, name):
            n = int(m.group("n")) if name == "months" else 6
            if not (1 <= n <= 12) or not (m.group("edge") or m.group("y") or m.group("nay")):
                continue  # '3 tháng năm' without 'đầu', a year or 'nay' is not a period
            take = _last_months if m.group("edge") == "cuối" else _first_months
            add(_Atom(start, m.end(), "months", _int(m, "y"), partial(take, n=n)))
    for m, start in _found(low, led, "months_bare"):
        n = int(m.group("n"))
        add(_Atom(start, m.end(), "months", None, partial(_first_months, n=n)))
    for m, start in _found(low, led, "year"):
        add(_Atom(start, m.end(), "year", int(m.group("y")), _year))
    for m, _ in _found(low, led, "bare_year"):
        add(_Atom(m.start("y"), m.end(), "year", int(m.group("y")), _year))
    for m, start in _found(low, led, "years"):
        y, y2 = int(m.group("y")), int(m.group("y2"))
        if y < y2:
            add(_Atom(start, m.end(), "years", fixed=_range(_year(y), _year(y2))))
    for m, start in _found(low, led, "relative_year"):
        if _COUNTED_BEFORE.search(low, max(0, start - 12), start):
            continue  # 'gần 1 năm nay', 'những năm trước': a duration, not a year
        shift = {"nay": 0, "trước": -1, "ngoái": -1, "sau": 1, "tới": 1}[m.group("rel")]
        year = published.year + shift if published else None
        add(_Atom(start, m.end(), "year", year, _year, relative=True))
    for m, start in _found(low, led, "now"):
        if _is_now(low, m):
            add(_Atom(start, m.end(), "now", fixed=_as_of(published) if published else None, relative=True))
    for m, start in _found(low, led, "year_to_date"):
        since = _int(m, "y") or (published.year if published else None)
        fixed = _range(_year(since), _as_of(published)) if published and since else None
        add(_Atom(start, m.end(), "year_to_date", fixed=fixed, relative=True))
    for m, start in _found(low, led, "window"):
        days = int(m.group("n")) * (7 if m.group("u") == "tuần" else 1)
        fixed = _range(_day(published), _day(published + timedelta(days=days - 1))) if published and days else None
        add(_Atom(start, m.end(), "window", fixed=fixed, relative=True))
    for m, start in _found(low, led, "horizon"):
        add(_Atom(start, m.end(), "horizon", int(m.group("y")), _year))
    return out


def _opens_a_range(low: str, start: int, end: int) -> bool:
    """'từ 21/7 đến 20/8/2021'."""
    return bool(_FROM_BEFORE.search(low, max(0, start - 6), start) and _DATE_TO_FOLLOW.match(low, end))


_CLOSES_A_RANGE = re.compile(r"từ\s+(?:ngày\s+)?\d{1,2}\s*[/.-]\s*\d{1,2}\s*(?:đến|tới|-|–)\s*(?:hết\s+)?(?:ngày\s+)?$")


def _closes_a_range(low: str, start: int) -> bool:
    """The '15.5' of 'từ 1.4 đến 15.5'."""
    return bool(_CLOSES_A_RANGE.search(low, max(0, start - 40), start))


def _int(m: re.Match[str], group: str) -> int | None:
    return int(m.group(group)) if m.group(group) else None


def _is_date(y: int, mo: int, d: int) -> bool:
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return True


def _day_builder(d: int, mo: int) -> Callable[[int], Period]:
    return lambda y: _day(date(y, mo, d))


def _is_now(low: str, m: re.Match[str]) -> bool:
    """'hiện nay', 'đến nay'; not 'thực hiện tại', and a bare 'Hiện' only at the start of a sentence."""
    before = low[max(0, m.start() - 8) : m.start()]
    if m.group().startswith("hiện") and _HIEN_BEFORE.search(before):
        return False
    return m.group() != "hiện" or bool(_SENTENCE_START.search(before))


def _valid(atom: _Atom, year: int | None) -> Period | None:
    try:
        return atom.period(year)
    except ValueError:  # 31/2, 29/2 outside leap years
        return None


def find_periods(text: str, published: date | None = None) -> list[PeriodMention]:
    """Period phrases of normalised ``text`` in order, resolved against ``published``."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    atoms = sorted(_atoms(low, published), key=lambda a: (a.start, -a.end))
    kept: list[_Atom] = []
    for a in atoms:
        if not kept or a.start >= kept[-1].end:
            kept.append(a)
    out: list[PeriodMention] = []
    i = 0
    while i < len(kept):
        a, b = kept[i], kept[i + 1] if i + 1 < len(kept) else None
        mention = (_as_range(text, low, a, b, published) if b else None) or _single(text, low, a, published)
        out.append(mention)
        i += 2 if b is not None and mention.end == b.end else 1
    return out


def _fill_year(a: _Atom, published: date | None) -> tuple[int | None, bool]:
    """The year for ``a`` and whether it came from the publication date."""
    if a.year is not None or a.build is None:
        return a.year, a.relative
    return (published.year, True) if published else (None, True)


def _as_range(text: str, low: str, a: _Atom, b: _Atom, published: date | None) -> PeriodMention | None:
    """'từ A đến (hết) B', 'A – B' between dates, 'A và B' when B follows A without a gap."""
    between = low[a.end : b.start]
    frm = _FROM_BEFORE.search(low, max(0, a.start - 6), a.start)
    dash = _RANGE_BETWEEN.fullmatch(between) and between.strip()[:1] in "-–—"
    if b.grain == "now" and frm and not between.strip() and low[b.start : b.end].startswith(("đến", "tới")):
        first, last, relative = _valid(a, _fill_year(a, published)[0]), b.fixed, True
    elif _RANGE_BETWEEN.fullmatch(between) and (frm or (dash and a.grain == b.grain)):
        yb, rel_b = _fill_year(b, published)
        ya = a.year if a.year is not None or a.build is None else yb
        first, last = _valid(a, ya), _valid(b, yb)
        if first and last and a.year is None and a.build and ya is not None and first.start > last.end:
            first = _valid(a, ya - 1)  # 'từ tháng 11 đến tháng 2/2023'
        relative = rel_b or a.relative
    elif _AND_BETWEEN.fullmatch(between) and a.year is not None and b.year is not None:
        first, last, relative = _valid(a, None), _valid(b, None), a.relative or b.relative
        if not (first and last and first.end + timedelta(days=1) == last.start):
            return None
    else:
        return None
    if first is None or last is None or last.end < first.start:
        return None
    start = frm.start() if frm else a.start
    return PeriodMention(start, b.end, _range(first, last), "relative" if relative else "explicit", text[start : b.end])


def _single(text: str, low: str, a: _Atom, published: date | None) -> PeriodMention:
    year, relative = _fill_year(a, published)
    period = _valid(a, year)
    kind = "relative" if relative else "explicit"
    start = a.start
    if a.grain == "now":
        kind = "as_of"
    elif a.grain == "horizon":
        kind = "target_horizon"
    elif (until := _UNTIL_BEFORE.search(low, max(0, a.start - 16), a.start)) and a.grain not in ("years", "window"):
        start = until.start()
        if period is None:
            kind = "as_of" if a.grain == "day" else kind
        elif a.grain == "year" and not until.group("tinh") and not (published and period.end < published):
            kind = "target_horizon"
        else:
            kind, period = "as_of", _as_of(period.end)
    return PeriodMention(start, a.end, period, kind, text[start : a.end])


def parse_period(s: str, published: date | None = None) -> Period | None:
    """A period label ('2023-Q2', 'range 2022-08..2023-Q1') or one Vietnamese phrase ('quý II/2023') → Period.

    Returns None when the phrase names no period or cannot be resolved
    without a publication date. Raises ValueError for a malformed label.
    """
    text = s.strip()
    if re.match(r"\d{4}|as_of |range ", text):
        return Period.from_label(text)
    mentions = find_periods(normalize(text), published)
    return mentions[0].period if mentions else None
