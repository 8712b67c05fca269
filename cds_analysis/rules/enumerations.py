"""Enumerations: one figure stated for several named units is one fact per unit (convention J).

Reports name a group and give it one figure in three ways, each read here:

- the units are the subject, joined by commas or 'và', and share the figure
  ('Thị xã Buôn Hồ và huyện Krông Năng cùng số hóa 100%', 'TP HCM, Hà Nội thuộc
  nhóm thấp nhất, dưới 10%'): a word of sharing ('cùng', 'đều', 'thuộc nhóm')
  says that each has it, not that they have it together;
- a group is counted with its figure and the next sentence lists it ('15 bộ,
  ngành và địa phương có tỷ lệ … dưới 10%. Những đơn vị này bao gồm: Bộ Y tế,
  …'): every listed unit has the figure (the count stays a fact of its own);
- 'gồm: A 84,2%; B 79,9%', where each unit has its own figure, needs nothing
  here: each clause names its unit.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.lang.text import led_by, occurrences
from cds_analysis.rules import quantities
from cds_analysis.rules.places import Place, PlaceContext

__all__ = ["members"]

_JOINER = re.compile(r"\s*(?:,|;|và|cùng với)\s*")
_SHARED = re.compile(r"\b(?:cùng|đều|thuộc nhóm|nằm trong nhóm)\b", re.IGNORECASE)
_SHARED_WORDS = ("cùng", "đều", "thuộc nhóm", "nằm trong nhóm")
_SHARED_WORD = re.compile(  # _SHARED without its edges, led by its first letters so re skips ahead
    rf"{led_by(_SHARED_WORDS)}(?:{'|'.join(_SHARED_WORDS)})", re.IGNORECASE
)
_LIST_NEXT = re.compile(
    r"\s*(?:Những|Các)\s+(?:đơn vị|địa phương|bộ, ngành|tỉnh, thành phố|tỉnh|huyện|xã)[^.:]{0,30}?\b(?:bao gồm|gồm|là)\s*:?",
    re.IGNORECASE,
)
_COUNT_OF_UNITS = re.compile(r"\b\d+\s+(?:bộ|ngành|đơn vị|địa phương|tỉnh|thành phố|huyện|xã|cơ quan)\b", re.IGNORECASE)


def members(
    t: str,
    q: quantities.Quantity,
    sentence: Sentence,
    clause: Span,
    following: Sentence | None,
    in_focus: PlaceContext,
) -> list[Place]:
    """The units that each have figure ``q``, or [] when it is not stated for an enumeration."""
    if q.unit == "count" and q.denominator is None:
        return []  # a count of the group ('15 bộ, ngành') is the group's own figure
    subject = _coordinated_subject(t, q, sentence, in_focus)
    if subject:
        return subject
    if following is not None and _COUNT_OF_UNITS.search(t, clause.start, q.number_start):
        opener = _LIST_NEXT.match(t, following.start, following.end)
        if opener:
            return [place for _, _, place in in_focus.places_named(opener.end(), following.end)]
    return []


def _coordinated_subject(t: str, q: quantities.Quantity, sentence: Span, in_focus: PlaceContext) -> list[Place]:
    """'A, B thuộc nhóm …, dưới 10%': two or more units joined as the subject, with a word of sharing."""
    if not _has_shared_word(t, sentence.start, q.number_start):
        return []  # most sentences share nothing: their places need not be read
    named = in_focus.places_named(sentence.start, q.number_start)
    if len(named) < 2:
        return []
    run = [named[-1]]
    for prev in reversed(named[:-1]):
        if not _JOINER.fullmatch(t[prev[1] : run[0][0]]):
            break
        run.insert(0, prev)
    tail = t[run[-1][1] : q.number_start]
    if len(run) < 2 or not _SHARED.search(tail) or re.search(r"\d", tail):
        return []
    return [place for _, _, place in run]


@lru_cache(maxsize=2)
def _shared_words(t: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the words of sharing in ``t``, found once: each number of a sentence asks for them.

    No word of sharing can overlap another, so the words inside a stretch are
    the matches of the whole text that lie inside it: the occurrences of each
    word in the lower-cased text (found by ``str.find``, many times faster than
    a case-blind scan; no word overlaps itself), unless lower case changes the
    text's length.
    """
    low = t.lower()
    if len(low) != len(t):  # a letter whose lower case is two ('İ'): the offsets would shift
        spans = [m.span() for m in _SHARED_WORD.finditer(t)]
    else:
        spans = sorted((i, i + len(word)) for word in _SHARED_WORDS for i in occurrences(low, word))
    return [s for s, _ in spans], [e for _, e in spans]


def _has_shared_word(t: str, start: int, end: int) -> bool:
    """``_SHARED_WORD.search(t, start, end)`` found, from the text's words of sharing (a bisection)."""
    starts, ends = _shared_words(t)
    i = bisect_left(starts, start)  # ends rise with starts: the first word after ``start`` ends first
    return i < len(starts) and ends[i] <= end
