"""The title and publication date printed at the top of a report or a saved web page.

A first line ``source: URL`` (how collected web texts are saved) is skipped; page
furniture before the headline (a date stamp, a breadcrumb, 'A+ | A | A-') is passed
over; only dates printed as a stamp or after a label count as the publication date.
"""

from __future__ import annotations

import re
from datetime import date

from cds_analysis.lang.periods import ENGLISH_MONTHS

__all__ = ["find_title_and_date", "is_date_stamp"]

_WORD = re.compile(r"\w+")
_HEAD_CHARS = 400
_TITLE_MAX_LINES = 30
_DATE_PREFIX = re.compile(r"date\s+[\d/.-]{8,10}\s+", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"source:\s*\S+[ \t]*\n", re.IGNORECASE)
_D = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)"
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
_WORDS = r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>(?:19|20)\d\d)"
_MONTHS = ENGLISH_MONTHS
_EN = rf"(?P<ed>\d{{1,2}})\s+(?P<em>{'|'.join(_MONTHS)})\s+(?P<ey>(?:19|20)\d\d)"  # saved English page chrome
_DATE = re.compile(rf"(?<![\d/.-])(?:{_D}|{_ISO}|{_WORDS}|{_EN})(?![\d/-])", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_LABEL = re.compile(
    r"(?:(?:ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|xuất\s+bản(?:\s+lúc)?|"
    r"ngày\s+ban\s+hành|thời\s+gian\s+đăng)\s*:?|(?:^|\s)(?:ngày|date)\s*:|^\s*date)"
    r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*[|,-]?\s*)?$",
    re.IGNORECASE,
)
_PAREN_DATE = re.compile(rf"\(\s*(?:ngày\s+)?(?:{_D}|{_ISO})\s*\)", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ\s+nhật)\b", re.IGNORECASE)
_STAMP_WORDS = {"ngày", "lúc", "date", "đăng", "cập", "nhật", "xuất", "bản", "gmt"}
_STAMP_MAX_NAMES = 4
_OUTLINE_NUMBER = re.compile(r"(?:\d+(?:\.\d+)*|[IVX]+|[a-zđ])[.)]\s")


def _to_date(match: re.Match) -> date | None:
    """The date of a :data:`_DATE` match, or None for an impossible one ('31/02/2023')."""
    for y, m, d in (("y", "m", "d"), ("iy", "im", "id"), ("wy", "wm", "wd"), ("ey", "em", "ed")):
        if match.group(y):
            month = match.group(m)
            month = _MONTHS.index(month.lower()) + 1 if month.isalpha() else int(month)
            try:
                return date(int(match.group(y)), month, int(match.group(d)))
            except ValueError:
                return None
    return None


def is_date_stamp(line: str) -> bool:
    """True for a short line that is a publication stamp: a date with at most time,
    weekday, separators, a place or byline name and a view count around it
    ('18:22, 28/07/2023', 'Thứ Sáu, 28/07/2023 18:22', 'ĐÔNG ANH 02/02/2024 14:51')."""
    if len(line) > 120 or _DATE.search(line) is None:
        return False
    rest = _WEEKDAY.sub(" ", _TIME.sub(" ", _DATE.sub(" ", line)))
    names = [w for w in _WORD.findall(rest) if w.lower() not in _STAMP_WORDS]
    return len(names) <= _STAMP_MAX_NAMES and all(w[0].isupper() or w.isdigit() for w in names)


def _publication_date(body: str) -> date | None:
    """A date the page prints as its own near the top: labelled, alone in parentheses, or on a stamp line.

    Only dates starting in the first ``_HEAD_CHARS`` characters count; each is judged on its whole line.
    """
    lines, pos = [], 0
    for line in body.split("\n"):
        if pos >= _HEAD_CHARS:
            break
        lines.append(line)
        pos += len(line) + 1
    head = "\n".join(lines)
    for match in _DATE.finditer(head, 0, _HEAD_CHARS):
        line_start = head.rfind("\n", 0, match.start()) + 1
        if _LABEL.search(head[line_start : match.start()]) and _to_date(match):
            return _to_date(match)
    for match in _PAREN_DATE.finditer(head, 0, _HEAD_CHARS):
        inner = _DATE.search(match.group())
        found = _to_date(inner) if inner else None
        if found:
            return found
    for line in lines:
        if is_date_stamp(line):
            inner = _DATE.search(line)
            found = _to_date(inner) if inner else None
            if found:
                return found
    return None


def _looks_like_headline(line: str) -> bool:
    n_words = len(_WORD.findall(line))
    return (
        4 <= n_words <= 30
        and len(line) <= 200
        and not line.endswith((".", ":", ";", ","))
        and not _OUTLINE_NUMBER.match(line)
    )


def _is_furniture(line: str) -> bool:
    """Lines passed over before a title: stamps, breadcrumbs, controls, ASCII-only site chrome."""
    return is_date_stamp(line) or len(_WORD.findall(line)) < 4 or line.isascii()


def find_title_and_date(text: str) -> tuple[str | None, date | None]:
    """Title (a headline-like first line) and publication date printed near the top.

    Lines before the title that are page furniture (a date stamp, a
    breadcrumb of fewer than four words, 'A+ | A | A-') are passed over; the
    first real line is the title only if it is short and has no final period.
    Only the first ~400 characters are searched for the date, and only dates
    printed as a stamp or after a label count: 'tính đến ngày 30/5/2023' in
    the body is a period, not a publication date.
    """
    source = _SOURCE_LINE.match(text)
    body = text[source.end() :] if source else text
    title = None
    for raw in body.split("\n", _TITLE_MAX_LINES):
        line = raw.strip()
        if not line:
            continue
        stamp = _DATE_PREFIX.match(line)
        if stamp:  # ' date 2025-12-10 Headline' puts the stamp before the headline
            line = line[stamp.end() :]
        elif _is_furniture(line):
            continue
        title = line if _looks_like_headline(line) else None
        break
    return title, _publication_date(body)
