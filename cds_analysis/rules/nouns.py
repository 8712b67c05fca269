"""What a number counts: the noun written after it, and the word lists that classify it.

'8 nhóm nhiệm vụ' counts tasks (not a measure), '30 ngày đêm' a duration,
'250 cán bộ' people, '13/13 xã' units. Both the place rules and the
measure rules ask these questions; the word lists are data
(``reference/data/vocab/counted_nouns.csv``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import quantities

__all__ = ["ADMIN_NOUNS", "DURATIONS", "NOT_MEASURES", "PEOPLE", "noun_after", "fold_noun"]

_WORD = r"[\wÀ-ỹ]+"


def _nouns(role: str) -> frozenset[str]:
    table = load_vocabulary("counted_nouns")
    return frozenset(table.loc[table["role"] == role, "noun"])


# Nouns that count things which are not measures of progress (tasks, steps…)
# unless written as a fraction ('42/48 nhiệm vụ'); durations; people; units of places.
NOT_MEASURES = _nouns("not_measure")
DURATIONS = _nouns("duration")
PEOPLE = _nouns("people")
ADMIN_NOUNS = _nouns("place_unit")
_LISTED = NOT_MEASURES | DURATIONS | PEOPLE | ADMIN_NOUNS
_NOUNS_LONGEST_FIRST = sorted(_LISTED, key=len, reverse=True)
# Up to three words after a number: the longest counted noun the lists know.
_WORDS_AFTER = re.compile(r"\s*(" + _WORD + r"(?: " + _WORD + r"){0,2})")


def noun_after(t: str, q: quantities.Quantity) -> str | None:
    """The counted noun, matched against the word lists on the text itself ('8 nhóm nhiệm vụ')."""
    return _noun_of(t[q.number_end : q.number_end + 40], q.unit_word)


@lru_cache(maxsize=1 << 14)  # every rule asks it of the same numbers
def _noun_of(after: str, unit_word: str | None) -> str | None:
    m = _WORDS_AFTER.match(after)
    if m:
        noun = fold_noun(m.group(1))
        if noun in _LISTED:
            return noun
    if unit_word:
        return fold_noun(unit_word)
    return fold_noun(m.group(1)) if m else None


@lru_cache(maxsize=1 << 14)
def fold_noun(word: str) -> str:
    """The listed noun ``word`` starts with ('nhóm nhiệm vụ trong' → 'nhóm nhiệm vụ'), else its first word."""
    w = word.strip().lower()
    for noun in _NOUNS_LONGEST_FIRST:
        if w == noun or w.startswith(noun + " "):
            return noun
    return w.split(" ")[0] if w else w


# 'tỷ lệ' / 'tỉ lệ': the word that makes a figure a rate.
RATE_WORD = re.compile(r"\bt[ỷỉ] lệ\b", re.I)
