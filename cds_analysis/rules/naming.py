"""Which catalogue indicator a stretch of report text names: the trigger phrases, matched.

    >>> match_indicator("tỷ lệ hồ sơ nộp trực tuyến toàn trình đạt", unit="percent")
    'full_process_online_dossier_rate'

Matching runs on :func:`cds_analysis.lang.text.fold` (accent- and case-blind, same
length as the text), so 'ho so cong viec' finds 'hồ sơ công việc' and every
offset is valid in the text given. The phrases are the catalogue's
(:mod:`cds_analysis.reference.indicators`); the rules that decide which window
of a sentence to name are :func:`indicator_for` and its helpers, below.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.lang.text import fold, fold_key
from cds_analysis.reference import indicators
from cds_analysis.reference.indicators import catalogue, phrase_key
from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import quantities
from cds_analysis.rules.nouns import ADMIN_NOUNS, PEOPLE, RATE_WORD, noun_after
from cds_analysis.rules.places import TIER_WORD

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
        """Matches in ``folded`` (a text already passed through :func:`fold`).

        Searched again from the character after each match's start, so a phrase
        that starts inside a longer one is found too.
        """
        found: list[TriggerMatch] = []
        owners = self.owners
        search = self.regex.search
        m = search(folded)
        while m is not None:
            start, end = m.span(1)
            phrase = m.group(1)
            # The phrase as written is its key unless a run of spaces or a line break sits inside it.
            for code, trigger, weight in owners.get(phrase) or owners[" ".join(phrase.split())]:
                found.append(TriggerMatch(start, end, code, trigger, weight))
            m = search(folded, start + 1)
        return found

    def at(self, folded: str, pos: int) -> list[TriggerMatch]:
        """The matches of :meth:`scan` that start at ``pos`` (the longest phrase there, once per owner)."""
        m = self.regex.match(folded, pos)
        if m is None:
            return []
        start, end = m.span(1)
        key = " ".join(m.group(1).split())
        return [TriggerMatch(start, end, code, phrase, weight) for code, phrase, weight in self.owners[key]]


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
    # One search per match rather than an empty look-ahead match at every character (four times faster).
    regex = re.compile(rf"(?<!\w)({trie})(?!\w)")
    return _Matcher(regex, {k: tuple(v) for k, v in owners.items()})


def find_triggers(text: str, unit: str | None = None) -> list[TriggerMatch]:
    """Every trigger phrase in ``text`` (normalised), with offsets into ``text``.

    Matching is accent- and case-blind and on whole words. At each start the
    longest phrase is reported, once for each indicator that owns it; shorter
    phrases that start later inside it are reported too. ``unit`` restricts
    the search to indicators of that unit ('percent', 'count', ...).
    """
    return list(_triggers(fold(text), unit))


@lru_cache(maxsize=1 << 14)  # a number's window is read again by the rules around it, and reports repeat phrasing
def _triggers(folded: str, unit: str | None) -> tuple[TriggerMatch, ...]:
    """:func:`find_triggers` of a text already folded: what the matching reads, so texts folded alike share it."""
    matcher = _matcher(unit, "triggers")
    return tuple(matcher.scan(folded)) if matcher else ()


@lru_cache(maxsize=4)  # the report being read: each of its numbers folds windows of it
def _folded(t: str) -> str:
    """The report folded once. Folding maps each character on its own, so a slice of this is the slice folded."""
    return fold(t)


def _triggers_in(t: str, start: int, end: int, unit: str | None = None) -> list[TriggerMatch]:
    """``find_triggers(t[start:end], unit)``, the slice folded from the report's fold."""
    return list(_triggers(_folded(t)[start:end], unit))


def _outermost(matches: Iterable[TriggerMatch]) -> list[TriggerMatch]:
    """Drop matches lying inside a longer match: the longer phrase is the more specific.

    ``matches`` are in the order of their starts, and those that start
    together span the same text (one phrase, its owners), as
    :meth:`_Matcher.scan` finds them: a match lies inside a longer one when a
    match that starts before it reaches as far. One pass, where comparing each
    match with every other grew with the square of a long clause's phrases.
    """
    kept: list[TriggerMatch] = []
    reach = reach_before = -1  # the furthest end of the matches so far, and of those that start before this one
    start = -1
    for m in matches:
        if m.start != start:
            start, reach_before = m.start, reach
        if reach_before < m.end:
            kept.append(m)
        reach = max(reach, m.end)
    return kept


# 'tỷ lệ' / 'tỉ lệ', folded, at a word's start: opening on the letter lets re skip to each 't' (the look-behind
# after it reads the 't' and the character before it), where opening on the look-behind tried every character.
_FOLDED_RATE_WORD = re.compile(r"t(?<!\wt)[yi] le\s+")
# An abbreviation in brackets interrupts a phrase ('dịch vụ công (DVC) trực tuyến'); it is read as a space.
_ASIDE = re.compile(r"\s*\(\s*[a-z0-9&.\-]{2,10}\s*\)")


def _rate_named(folded: str) -> set[int]:
    """Where the words right after 'tỷ lệ' start in ``folded`` (a phrase there names the rate itself)."""
    return {m.end() for m in _FOLDED_RATE_WORD.finditer(folded)}


def _evidence(folded: str, unit_word: str | None, unit: str | None) -> dict[str, dict[str, int]]:
    """Code → phrase → score for the phrases of ``folded`` (a context, folded) and ``unit_word`` (rule 2).

    The unit word is looked for in the context (its last occurrence), so a
    noun the caller passes in both is scored once; otherwise it is read as if
    it followed the context after a separator no phrase crosses (' | '): its
    phrases are those of the noun alone, shifted past the separator.
    """
    evidence: dict[str, dict[str, int]] = defaultdict(dict)
    if _matcher(unit, "triggers") is None:
        return evidence
    if "(" in folded:
        folded = _ASIDE.sub(lambda m: " " * len(m.group()), folded)
    found = _triggers(folded, unit)
    named_rate = _rate_named(folded)
    near = (0, 0)
    if unit_word and unit_word.strip():
        noun = phrase_key(unit_word)
        at = folded.rfind(noun)
        if at >= 0:
            near = (at, at + len(noun))
        else:
            shift = len(folded) + 3
            near = (shift, shift + len(noun))
            found += tuple(
                TriggerMatch(m.start + shift, m.end + shift, m.code, m.trigger, m.weight) for m in _triggers(noun, unit)
            )
            named_rate = named_rate | {shift + end for end in _rate_named(noun)}
    unit_factor = 1 if unit == "percent" else 2
    for m in _outermost(found):
        score = m.weight * (2 if m.start in named_rate else 1)
        if near[0] <= m.start and m.end <= near[1]:
            score *= unit_factor
        phrases = evidence[m.code]
        phrases[m.trigger] = max(phrases.get(m.trigger, 0), score)
    return evidence


@cache
def _place_unit() -> re.Pattern:
    """The nouns of place units, folded, as one pattern that matches at the start of a folded phrase."""
    table = load_vocabulary("counted_nouns")
    nouns = (phrase_key(n) for n in table.loc[table["role"] == "place_unit", "noun"])
    return re.compile(rf"(?:{'|'.join(re.escape(n) for n in nouns)})(?!\w)")


@lru_cache(maxsize=1 << 12)  # a number's noun, asked again for each window around it; reports repeat their nouns
def _is_place_unit(unit_word: str) -> bool:
    """Whether ``unit_word`` starts with the noun of a place unit ('xã', 'huyện', 'địa phương')."""
    return bool(_place_unit().match(_DETERMINER.sub("", phrase_key(unit_word))))


_DETERMINER = re.compile(r"^\s*(?:cac|nhung|so|toan bo|tat ca)\s+")  # 'các cơ quan', folded


@lru_cache(maxsize=1 << 12)  # a number's noun, asked again for each window around it; reports repeat their nouns
def _counted(unit_word: str, unit: str | None) -> dict[str, int]:
    """Entries whose counted noun heads ``unit_word`` → the noun's weight (one dict per noun: read, never changed)."""
    matcher = _matcher(unit, "counts")
    if matcher is None:
        return {}
    folded = _DETERMINER.sub("", fold(unit_word))
    head = len(folded) - len(folded.lstrip())
    return {m.code: m.weight for m in matcher.at(folded, head)}


def counted_phrase(text: str, unit: str | None = None) -> str | None:
    """The longest noun an entry counts that ``text`` starts with ('hộ, cá nhân kinh doanh đăng ký' → 'hộ, cá nhân kinh doanh')."""
    matcher = _matcher(unit, "counts")
    if matcher is None:
        return None
    folded = fold(text)
    head = len(folded) - len(folded.lstrip())
    ends = [m.end for m in matcher.at(folded, head)]
    return text[head : max(ends)] if ends else None


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
    return _match_folded(fold(context), unit, unit_word, named)


@lru_cache(maxsize=1 << 14)  # a pure function of its strings; the extractor asks some windows twice
def _match_folded(folded: str, unit: str | None, unit_word: str | None, named: bool) -> str | None:
    """:func:`match_indicator` of a context already folded (all it reads of the context)."""
    evidence = _evidence(folded, unit_word, unit)
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


def _match_span(
    t: str, start: int, end: int, unit: str | None, unit_word: str | None = None, named: bool = False
) -> str | None:
    """``match_indicator(t[start:end], unit, unit_word, named)``, the slice folded from the report's fold."""
    return _match_folded(_folded(t)[start:end], unit, unit_word, named)


# --- the indicator of a number in its sentence ---------------------------------------


_NEW_RATE = re.compile(r"[,;]\s*t[ỷỉ] lệ\b", re.I)


_DISTRICT_TWIN = {"communes_completed_dx": "districts_completed_dx"}


# A team counted in people is the size of the team: 'Tổ CNSCĐ thôn 6 có 5 người' counts members.
_MEMBERS_TWIN = {
    "community_tech_teams": "community_tech_team_members",
    "youth_dx_support_teams": "youth_dx_support_team_members",
}


_RANGE_GAP = re.compile(r"\s*%?\s*(?:-|–|đến|tới)\s*", re.I)


_PREDICATE = re.compile(
    r"(?:\(|\b(?:đạt|là|chiếm|bằng|với))\s*(?:(?:tỷ lệ|tỉ lệ|chỉ tiêu|kế hoạch|khoảng|gần|trên|hơn|dưới|tối thiểu|ít nhất|xấp xỉ|mức|cao nhất|thấp nhất)\s*)*$",
    re.I,
)


_RATE_SUBJECT = re.compile(
    r"\b(?:tỷ lệ|tỉ lệ)\s+(?P<subject>[^;:]+?)\s+(?:đều\s+)?(?:đạt|là|chiếm)\s*(?:(?:khoảng|gần|trên|hơn)\s*)?$", re.I
)


_OPEN_ASIDE = re.compile(r"\(\s*(?:\w+\s*){0,2}$")
_AND_BEFORE = re.compile(r"\b(và|hoặc)\s*$")
_SUBJECT_STOP = re.compile(r"[,;]|\s(?:và|còn)\s")
_LIST_SEPARATOR = re.compile(r",\s*|\s+và\s+")
_SHARE_BRACKET = re.compile(r"\(\s*(?:đạt|chiếm|bằng)?\s*$")
_PHRASE_END = re.compile(r"[,;(]|\s(?:và|với|trong đó|của)\s")
_NOT_OWN_WORDS = re.compile(rf"{TIER_WORD}|[,;.()]|\b(?:các|của|và|tổ|dân|phố)\b", re.I)
_RATE_OR_NUMBER_OF = re.compile(r"(tỷ lệ|tỉ lệ|số)\s[^,;]*$", re.I)


def indicator_for(
    t: str,
    q: quantities.Quantity,
    clause: Span,
    neighbours,
    sentence: Sentence | None = None,
    previous: Sentence | None = None,
) -> list[tuple[str, str | None]]:
    """Catalogue codes the number measures, each with the words that name it.

    Mostly one; two when one rate covers two listed indicators ('tỷ lệ phủ
    sóng 3G, băng thông rộng đạt 100%'). A rate written 'X đạt N%' takes its
    subject from before the number; 'N% X …' from the words after it.
    """
    prev = [o for o in neighbours if o.number_start < q.number_start and o.number_start >= clause.start]
    nxt = [o for o in neighbours if o.number_start > q.number_start and o.number_start < clause.end]
    if nxt and _RANGE_GAP.fullmatch(t[q.number_end : nxt[0].number_start]):
        nxt = nxt[1:]  # '60-80% hồ sơ công việc …': the low end of a range is named by the words after the high end
    if q.unit != "percent" and nxt and _OPEN_ASIDE.search(t[q.end : nxt[0].number_start]):
        # '1.548/1.562 thôn (tương đương 99%) được phủ sóng': the bracketed share is an aside; what the
        # count measures is said after the bracket closes.
        close = t.find(")", nxt[0].number_end, clause.end)
        if close >= 0:
            nxt = [o for o in nxt if o.number_start > close]
    start = prev[-1].number_end if prev else clause.start
    end = nxt[0].number_start if nxt else clause.end
    new_rate = _NEW_RATE.search(t, q.end, end)
    end = new_rate.start() if new_rate else end  # '18.236 hồ sơ, tỷ lệ hồ sơ trực tuyến …': a new subject
    before = t[start : q.number_start]
    if prev and _AND_BEFORE.search(t[prev[-1].end : q.number_start]) and _own_words(t[q.end : end]):
        # '60% hồ sơ … toàn trình và 100% xã đạt tiêu chí …': what comes before names the first number.
        joined, start, before = clause.start, q.number_start, ""
    else:
        joined = None
    before_named = bool(_PREDICATE.search(before))  # 'X đạt N%': the subject comes before, commas and all
    if before_named:
        stop = _SUBJECT_STOP.search(t[q.end : end])
        end = q.end + stop.start() if stop else end
        subject = _RATE_SUBJECT.search(before)
        if subject and q.unit == "percent":
            parts = [p for p in _LIST_SEPARATOR.split(subject.group("subject")) if p.strip()]
            codes = [match_indicator(p, unit=q.unit) for p in parts]
            found = [(c, p) for c, p in zip(codes, parts) if c]
            if len(found) >= 2 and len({c for c, _ in found}) == len(found):
                return [(c, p.strip()) for c, p in found]
    elif (
        nxt
        and _AND_BEFORE.search(t[q.end : nxt[0].number_start])
        and not _match_span(t, start, end, q.unit, q.unit_word)
    ):
        # '6 huyện … và 300 xã … hoàn thành CĐS': the shared predicate comes after the second number.
        end = nxt[1].number_start if len(nxt) > 1 else clause.end
    if (
        q.unit == "percent"
        and prev
        and prev[-1].unit == "count"
        and _SHARE_BRACKET.search(t[prev[-1].end : q.number_start])
    ):
        # '1.548/1.562 thôn (99%)', '19.255 hồ sơ (đạt 96,55%)': the bracketed rate is that count's share.
        earlier = [o for o in prev[:-1]]
        start = earlier[-1].number_end if earlier else clause.start
    code = None
    if q.unit != "percent":
        # A count is named by its own noun phrase first when that phrase says more than
        # the counted noun ('40 TTHC mức độ 3 và 13 TTHC mức độ 4').
        phrase = _PHRASE_END.split(t[q.number_end : end], maxsplit=1)[0]
        phrase_end = q.number_end + len(phrase)
        noun = (q.unit_word or "").strip()
        head = len(phrase) - len(phrase.lstrip()) + len(noun) + 1  # a modifier starts right after the noun
        if any(
            fold_key(m.trigger) != fold_key(noun) and m.start <= head
            for m in _triggers_in(t, q.number_end, phrase_end, q.unit)
        ):
            code = _match_span(t, q.number_end, phrase_end, q.unit, q.unit_word)
    counted = None
    if code is None and q.unit == "count":
        # '507 hộ, cá nhân kinh doanh …': the counted noun may run past the word the number parser took
        counted = counted_phrase(t[q.number_end : q.number_end + 40], q.unit)
        if counted and len(counted) > len(q.unit_word or ""):
            code = _match_span(t, start, end, q.unit, counted, named=True)
        else:
            counted = None
    if code is None and joined is not None and q.unit == "percent":
        # '… Sổ tay đảng viên điện tử cho 67.500 đảng viên và 100% chi bộ': the share's own population
        # names an entry of the words before the 'và'.
        shared = _match_span(t, joined, end, q.unit, q.unit_word)
        code = shared if shared and indicators.get(shared).counts else None
    code = code or _match_span(t, start, end, q.unit, q.unit_word)
    if not before_named:
        code = _own_item_reading(t, q, start, end, code) or code
    if (
        code is None
        and sentence is not None
        and (before_named or q.unit in ("rank", "ranks", "points", "percentage_points"))
    ):
        # 'tỷ lệ này đạt 97%', 'tại cấp huyện đạt 95%': the subject was named earlier.
        for a, b in (
            (clause.start, q.number_start),
            (sentence.start, clause.start),
            (previous.start, previous.end) if previous else (0, 0),
            (max(0, sentence.start - 1500), sentence.start) if q.unit in ("rank", "ranks", "points") else (0, 0),
        ):
            code = _match_span(t, a, b, q.unit) if t[a:b].strip() else None
            if code:
                return [(code, None)]
    if code is None and counted and sentence is not None and noun_after(t, q) not in ADMIN_NOUNS:
        # 'Hệ thống quản lý văn bản … . Đến nay có 19.881 người sử dụng': the counted noun of one entry,
        # whose system the sentence before names.
        for a, b in ((sentence.start, q.number_start), (previous.start, previous.end) if previous else (0, 0)):
            code = _match_span(t, a, b, q.unit, counted, named=True) if a < b else None
            if code:
                return [(code, None)]
    if code is None:
        return [("other", _phrase_of(t, q, start, end))]
    if sentence is not None:
        code = _narrower_named_before(t, q, sentence, start, neighbours, code)
    if code in _DISTRICT_TWIN and noun_after(t, q) in ("huyện", "thị xã", "thành phố", "quận"):
        code = _DISTRICT_TWIN[code]  # '6 huyện … hoàn thành CĐS' counts districts, not communes
    if code in _MEMBERS_TWIN and q.unit == "count" and noun_after(t, q) in PEOPLE:
        code = _MEMBERS_TWIN[code]
    here = q.number_start - start
    hits = _phrases_of(code, t, start, end)
    nearest = min(hits, key=lambda m: min(abs(m.start - here), abs(m.end - here)), default=None)
    return [(code, t[start + nearest.start : start + nearest.end] if nearest else None)]


def _phrases_of(code: str, t: str, start: int, end: int) -> list[TriggerMatch]:
    """``[m for m in find_triggers(t[start:end]) if m.code == code]``, read off the scan of ``code``'s unit.

    Where the longest phrase of all units at a start is ``code``'s, it is the
    longest of its unit's phrases there too: those matches are among the
    unit's, and a match of all phrases at the start tells which of the unit's
    no longer phrase of another unit outreaches. The unit's scan of the window
    is the one :func:`match_indicator` made of it, so the window is not
    scanned again with every phrase of the catalogue.
    """
    folded = _folded(t)[start:end]
    every = _matcher(None, "triggers")
    hits = []
    for m in _triggers(folded, catalogue()[code].unit):
        if m.code == code:
            longest = every.regex.match(folded, m.start) if every else None
            if longest is not None and longest.end(1) == m.end:
                hits.append(m)
    return hits


_ITEM_END = re.compile(rf"[;:]|,\s*(?!\s*(?:và\s+|các\s+)?{TIER_WORD})", re.I)


def _own_item_reading(t: str, q: quantities.Quantity, start: int, end: int, code: str | None) -> str | None:
    """The reading of the comma-separated item that holds the number, where the span's reading comes from elsewhere.

    'phủ cáp quang đến 100% xã, độ phủ sóng di động đạt …', 'hồ sơ đến hạn 19.944 hồ sơ, hồ sơ quá hạn …':
    in a list of comma-joined items the number is named by its own item, not by the phrases of the next
    one. A comma that only continues a list of unit words ('100% xã, phường, thị trấn đã …') does not end
    the item; where a phrase of the span's reading reaches into the item ('được kết nối, liên thông qua
    trục …') the span's reading stands.
    """
    cuts = [m.end() for m in _ITEM_END.finditer(t, start, q.number_start)]
    left = cuts[-1] if cuts else start
    stop = _ITEM_END.search(t, q.end, end)
    right = stop.start() if stop else end
    if left == start and right == end:
        return None
    own = _match_span(t, left, right, q.unit, q.unit_word)
    if own is None or own == code:
        return None
    if code is not None and any(
        m.code == code and start + m.start < right and left < start + m.end for m in _triggers_in(t, start, end, q.unit)
    ):
        return None
    return own


def _narrower_named_before(
    t: str, q: quantities.Quantity, sentence: Sentence, start: int, neighbours, code: str
) -> str:
    """'Mạng 5G đã được triển khai … với 167 trạm, phủ sóng 17% khu vực': a narrower reading named earlier in
    the sentence holds for the number, unless the sentence has another figure of its unit before it or names
    a new rate in between."""
    narrower = indicators.narrower(code)
    if not narrower or start <= sentence.start:
        return code
    hits = [m for m in _triggers_in(t, sentence.start, start, q.unit) if m.code in narrower]
    if not hits:
        return code
    last = max(hits, key=lambda m: m.end)
    if RATE_WORD.search(t, sentence.start + last.end, q.number_start) or any(
        o.unit == q.unit and sentence.start <= o.number_start < q.number_start for o in neighbours if o is not q
    ):
        return code  # a new rate named in between, or another figure the phrase may belong to
    return last.code


def _own_words(after: str) -> bool:
    """Whether a number's following words name something besides unit tiers ('xã, thị trấn')."""
    words = _NOT_OWN_WORDS.sub(" ", after.split(";")[0])
    return bool(words.split())


def _phrase_of(t: str, q: quantities.Quantity, start: int, end: int) -> str | None:
    after = t[q.end : end].strip(" ,.;:")
    words = after.split()
    if q.unit_word:
        return q.unit_word + (" " + " ".join(words[:5]) if words else "")
    before = t[start : q.number_start]
    m = _RATE_OR_NUMBER_OF.search(before)
    if m:
        return m.group().strip()
    return " ".join(words[:6]) or None
