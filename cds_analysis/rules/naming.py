"""Which catalogue indicator a stretch of report text names: the trigger phrases, matched.

    >>> match_indicator("tỷ lệ hồ sơ nộp trực tuyến toàn trình đạt", unit="percent")
    'full_process_online_dossier_rate'

Matching runs on :func:`cds_analysis.lang.text.fold` (accent- and case-blind, same
length as the text), so 'ho so cong viec' finds 'hồ sơ công việc' and every
offset is valid in the text given. The phrases are the catalogue's
(:mod:`cds_analysis.reference.indicators`); the rules that decide which window
of a sentence to name are in :mod:`cds_analysis.rules.context`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from cds_analysis.lang.text import fold
from cds_analysis.reference.indicators import catalogue, phrase_key
from cds_analysis.reference.vocab import load_vocabulary

__all__ = ["TriggerMatch", "counted_phrase", "find_triggers", "match_indicator"]


class TriggerMatch(NamedTuple):
    """A trigger phrase of indicator ``code`` found at ``text[start:end]``."""

    start: int
    end: int
    code: str
    trigger: str
    weight: int


def _weight(phrase: str) -> int:
    """How specific a phrase is: its word count, an abbreviation counting one per capital.

    'TTHC' weighs like 'thủ tục hành chính' (4) and 'Tổ CNSCĐ' like 'Tổ công
    nghệ số cộng đồng' (6), so a text scores the same whichever form it uses.
    """
    total = 0
    for token in phrase.split():
        capitals = sum(ch.isupper() for ch in token)
        total += capitals if capitals >= 2 else 1
    return total


def _trie_pattern(keys: list[str]) -> str:
    """One regex alternation for ``keys`` as a trie: prefixes shared, longest first.

    A space in a key matches any run of whitespace. Python's ``re`` tries
    alternatives in order and ``?`` is greedy, so at each start the longest
    key that ends on a word boundary is the one matched.
    """
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        alternatives = [
            (r"\s+" if ch == " " else re.escape(ch)) + pattern(child) for ch, child in sorted(node.items()) if ch
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return pattern(trie)


@dataclass(frozen=True)
class _Matcher:
    """Compiled phrases of one field (triggers or counts) of the entries of one unit."""

    regex: re.Pattern
    owners: dict[str, tuple[tuple[str, str, int], ...]]  # key → (code, phrase, weight)

    def scan(self, folded: str) -> list[TriggerMatch]:
        """Matches in ``folded`` (a text already passed through :func:`fold`)."""
        found: list[TriggerMatch] = []
        for m in self.regex.finditer(folded):
            start, end = m.span(1)
            key = " ".join(m.group(1).split())
            found.extend(TriggerMatch(start, end, code, phrase, weight) for code, phrase, weight in self.owners[key])
        return found


@cache
def _matcher(unit: str | None, field: str) -> _Matcher | None:
    owners: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for ind in catalogue().values():
        if unit is None or ind.unit == unit:
            for phrase in getattr(ind, field):
                owners[phrase_key(phrase)].append((ind.code, phrase, _weight(phrase)))
    if not owners:
        return None
    trie = _trie_pattern(sorted(owners))
    regex = re.compile(rf"(?=(?<!\w)({trie})(?!\w))")
    return _Matcher(regex, {k: tuple(v) for k, v in owners.items()})


def find_triggers(text: str, unit: str | None = None) -> list[TriggerMatch]:
    """Every trigger phrase in ``text`` (normalised), with offsets into ``text``.

    Matching is accent- and case-blind and on whole words. At each start the
    longest phrase is reported, once for each indicator that owns it; shorter
    phrases that start later inside it are reported too. ``unit`` restricts
    the search to indicators of that unit ('percent', 'count', ...).
    """
    matcher = _matcher(unit, "triggers")
    return matcher.scan(fold(text)) if matcher else []


def _outermost(matches: list[TriggerMatch]) -> list[TriggerMatch]:
    """Drop matches lying inside a longer match: the longer phrase is the more specific."""
    return [
        m
        for m in matches
        if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in matches)
    ]


_RATE_WORD = re.compile(r"(?<!\w)t[yi] le\s+")  # 'tỷ lệ' / 'tỉ lệ', folded
# An abbreviation in brackets interrupts a phrase ('dịch vụ công (DVC) trực tuyến'); it is read as a space.
_ASIDE = re.compile(r"\s*\(\s*[a-z0-9&.\-]{2,10}\s*\)")


def _evidence(context: str, unit_word: str | None, unit: str | None) -> dict[str, dict[str, int]]:
    """Code → phrase → score for the phrases of ``context`` and ``unit_word`` (rule 2).

    The unit word is looked for in the context (its last occurrence), so a
    noun the caller passes in both is scored once; otherwise it is appended
    after a separator no phrase crosses.
    """
    evidence: dict[str, dict[str, int]] = defaultdict(dict)
    matcher = _matcher(unit, "triggers")
    if matcher is None:
        return evidence
    folded = _ASIDE.sub(lambda m: " " * len(m.group()), fold(context))
    near = (0, 0)
    if unit_word and unit_word.strip():
        noun = " ".join(fold(unit_word).split())
        at = folded.rfind(noun)
        if at >= 0:
            near = (at, at + len(noun))
        else:
            near = (len(folded) + 3, len(folded) + 3 + len(noun))
            folded = f"{folded} | {noun}"
    named_rate = {m.end() for m in _RATE_WORD.finditer(folded)}
    unit_factor = 1 if unit == "percent" else 2
    for m in _outermost(matcher.scan(folded)):
        score = m.weight * (2 if m.start in named_rate else 1)
        if near[0] <= m.start and m.end <= near[1]:
            score *= unit_factor
        phrases = evidence[m.code]
        phrases[m.trigger] = max(phrases.get(m.trigger, 0), score)
    return evidence


@cache
def _place_units() -> tuple[str, ...]:
    table = load_vocabulary("counted_nouns")
    return tuple(phrase_key(n) for n in table.loc[table["role"] == "place_unit", "noun"])


def _is_place_unit(unit_word: str) -> bool:
    """Whether ``unit_word`` starts with the noun of a place unit ('xã', 'huyện', 'địa phương')."""
    words = _DETERMINER.sub("", phrase_key(unit_word))
    return any(re.match(rf"{re.escape(n)}(?!\w)", words) for n in _place_units())


_DETERMINER = re.compile(r"^\s*(?:cac|nhung|so|toan bo|tat ca)\s+")  # 'các cơ quan', folded


def _counted(unit_word: str, unit: str | None) -> dict[str, int]:
    """Entries whose counted noun heads ``unit_word`` → the noun's weight."""
    matcher = _matcher(unit, "counts")
    if matcher is None:
        return {}
    folded = _DETERMINER.sub("", fold(unit_word))
    head = len(folded) - len(folded.lstrip())
    return {m.code: m.weight for m in matcher.scan(folded) if m.start == head}


def counted_phrase(text: str, unit: str | None = None) -> str | None:
    """The longest noun an entry counts that ``text`` starts with ('hộ, cá nhân kinh doanh đăng ký' → 'hộ, cá nhân kinh doanh')."""
    matcher = _matcher(unit, "counts")
    if matcher is None:
        return None
    folded = fold(text)
    head = len(folded) - len(folded.lstrip())
    ends = [m.end for m in matcher.scan(folded) if m.start == head]
    return text[head : max(ends)] if ends else None


@lru_cache(maxsize=1 << 14)  # a pure function of its strings; the extractor asks some windows twice
def match_indicator(
    context: str, unit: str | None = None, unit_word: str | None = None, named: bool = False
) -> str | None:
    """The catalogue code that best names the number ``context`` is about, or None.

    ``context`` is the words around the number: the clause before it and
    what follows it up to the next number or the end of the clause (a rate's
    subject often comes after it: '100% thôn đã có Tổ CNSCĐ').
    ``unit`` is the number's unit ('percent', 'count', ...); ``unit_word`` is
    the noun written right after the number ('hồ sơ', 'Tổ CNSCĐ', 'thành
    viên', 'TTHC mức độ 4'). The rules, in order:

    1. Only entries of ``unit`` compete: '%' picks ``*_rate``, a count picks
       ``*_count`` of the same concept (without a unit, both compete and a
       count and a rate named alike tie).
    2. Each trigger phrase found scores its word count (an abbreviation one
       per capital: 'TTHC' = 4). A phrase inside a longer phrase found at the
       same place does not score ('toàn trình' inside 'hồ sơ trực tuyến toàn
       trình'); each phrase scores once. A phrase right after 'tỷ lệ' names
       the rate itself and scores double ('với tỷ lệ giải quyết đúng hạn'), and
       so do phrases in the ``unit_word`` of a count, which name what is
       counted (after a percentage the noun names the population, not the
       rate: '100% phần mềm quản lý văn bản … kết nối trục liên thông').
    3. When ``unit_word`` starts with a noun an entry counts (its ``counts``:
       '1.410 hồ sơ', '615 thành viên'), only entries counting that noun
       compete, and the noun adds its weight to them. A place unit ('15 địa
       phương', '6 huyện') only adds its weight: what the units did decides
       ('6 huyện … hoàn thành CĐS' is no count of DTI grades). A
       percent entry's ``counts`` name the population of the share ('100%
       cơ quan'): it competes only when that noun follows the number.
       With ``named``, the noun decides only where an entry counting it
       has a phrase in the context (otherwise None).
    4. An entry that refines a broader one ('toàn trình' of 'hồ sơ trực
       tuyến', 'ký số tập thể' of 'ký số') competes only if one of its own
       phrases is found, and then adds the broader entry's score: the
       narrower reading wins whenever the text names it.
    5. The highest score wins. A tie between two readings, or no phrase at
       all, gives None: the extractor then records ``other`` with the text's
       own phrase rather than a guess.
    """
    evidence = _evidence(context, unit_word, unit)
    nouns = _counted(unit_word, unit) if unit_word else {}
    entries = catalogue()
    own = {code: sum(phrases.values()) for code, phrases in evidence.items()}
    scores: dict[str, int] = {}
    if unit == "percent":
        # A share names its population ('100% cơ quan' → agencies): an entry that names its population
        # competes only over that population, and only where its own phrases are found.
        candidates = [c for c in own if not entries[c].counts or c in nouns]
    elif nouns and not _is_place_unit(unit_word or ""):
        if named and not any(own.get(c) for c in nouns):
            return None
        candidates = list(nouns)
    else:
        # A place unit ('15 địa phương', '6 huyện') says which tier is counted, not what about it: the
        # phrases decide, and the noun adds its weight to the entries counting that tier.
        candidates = list(own)
    for code in candidates:
        ind = entries[code]
        if ind.refines is not None and not own.get(code):
            continue
        score = own.get(code, 0) + nouns.get(code, 0)
        if ind.refines is not None:
            score += own.get(ind.refines, 0)
        if score > 0:
            scores[code] = score
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
