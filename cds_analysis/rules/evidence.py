"""The evidence of a number, and the subject it shares with its neighbours.

``evidence_span`` gives the clause a number is quoted with; ``share_subjects`` and
``share_fractions`` let a figure whose own words name nothing take the subject of the
statement it continues ('… đạt 95%, tỷ lệ này …', '13/13 xã, 100%').
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from cds_analysis.lang.segments import Span
from cds_analysis.reference import indicators
from cds_analysis.rules import quantities
from cds_analysis.rules.goals import LOCAL_TARGET
from cds_analysis.rules.places import TIER_WORD

_BASELINE_VALUE = re.compile(r"\b(?:so với|so cùng kỳ)\b[^,;()]{0,30}\(\s*$", re.I)


def evidence_span(t: str, q: quantities.Quantity, clause: Span, neighbours, cap: int) -> tuple[int, int]:
    """The piece of the clause between the neighbouring numbers that holds this one."""
    prev_end = max([o.end for o in neighbours if o.end <= q.start and o.start >= clause.start] + [clause.start])
    next_start = min([o.start for o in neighbours if o.start >= q.end and o.start < clause.end] + [clause.end])
    start, end = prev_end, next_start
    text = t[start:end]
    start += len(text) - len(text.lstrip(" ,;:–-"))
    end -= len(text) - len(text.rstrip(" ,;:.–-"))
    if end - start > cap:
        start = max(start, q.start - cap // 2)
        end = min(end, max(q.end, start + cap))
    start = min(start, q.start)
    end = max(end, q.end)
    return start, end


# Patterns anchored at the end ('…\s*$') that start on a letter and hold fewer non-space characters than this.
_END_WORDS = 64
# The last _END_WORDS non-space characters of a text read backwards, with the spaces among them.
_TAIL_REVERSED = re.compile(rf"(?:\s*\S){{{_END_WORDS}}}")


def _ends_with(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)`` for a pattern of :data:`_END_WORDS`, tried on the tail only.

    The gap between two facts can be the rest of a long line ('facts' skip
    repeats); searching all of it for every fact made extraction quadratic.
    """
    if len(text) <= _END_WORDS:
        return pattern.search(text)
    tail = _TAIL_REVERSED.match(text[::-1])
    return pattern.search(text, len(text) - tail.end() if tail else 0)


# Between a count and its share ('57.877 hồ sơ (đạt 99,1%)'), a bracket opening a share, two coordinated numbers.
_SHARE_OF_COUNT_GAP = re.compile(r"(?:\s*[^\s(),;]+){0,3}\s*[(,]?\s*(?:đạt|chiếm|bằng|tương đương)?\s*")
_OPEN_BRACKET = re.compile(r"\(\s*$")
_COORDINATED_GAP = re.compile(r"(?:[\s,]|xã|phường|thị trấn|thôn|tổ dân phố)*(?:và|hoặc)\s*")


def share_subjects(t: str, facts) -> None:
    """'đạt 75,3%, cao hơn chỉ tiêu 30%': a target set beside a result measures the same thing;
    so does the second of two coordinated numbers ('ở 13/13 xã và 68/68 thôn')."""
    for before, fact in zip(facts, facts[1:]):
        if before.indicator != "other":
            gap = t[before.quantity.end : fact.quantity.start]
            if fact.quantity.unit == before.quantity.unit and _ends_with(_BASELINE_VALUE, gap):
                fact.indicator, fact.indicator_text = (
                    before.indicator,
                    before.indicator_text,
                )  # 'tăng so với năm 2022 (48,9%)'
                continue
            rate = _rate_of(before.indicator)
            if (
                fact.quantity.unit == "percent"
                and before.quantity.unit == "count"
                and rate
                and _SHARE_OF_COUNT_GAP.fullmatch(gap)
            ):
                fact.indicator, fact.indicator_text = rate, before.indicator_text  # '57.877 hồ sơ (đạt 99,1%)'
                continue
            if fact.quantity.unit != before.quantity.unit:
                continue
            if (
                fact.indicator == "other"
                and fact.quantity.unit == "percent"
                and _OPEN_BRACKET.search(t[max(0, fact.quantity.start - 3) : fact.quantity.start])
            ):
                fact.indicator, fact.indicator_text = (
                    before.indicator,
                    before.indicator_text,
                )  # 'Lạc Dương (41,7%)' in a list
                continue
            coordinated = fact.indicator == "other" and _COORDINATED_GAP.fullmatch(gap)
            if _ends_with(LOCAL_TARGET, gap) or coordinated:
                fact.indicator, fact.indicator_text = before.indicator, before.indicator_text
                continue
            if fact.indicator == "other" and fact.quantity.unit == "percent" and _continues_rate(t, gap, fact):
                # 'Huyện Lập Thạch … tỷ lệ chậm, quá hạn 0,33%; huyện Sông Lô giảm từ 10,85% …', 'TP HCM,
                # Hà Nội thuộc nhóm thấp nhất, dưới 10%': a rate that names nothing continues the last one
                fact.indicator, fact.indicator_text = before.indicator, before.indicator_text


_NEW_SUBJECT = re.compile(r"\bt[ỷỉ] lệ\s+(?!này|đó|trên|dưới|khoảng|gần|đạt|là|chung|cao|thấp)\w", re.I)


_OWN_WORDS_AFTER = re.compile(
    r"[\d.,%()]|\b(?:xuống|còn|lên|tăng|giảm|so|với|cùng|kỳ|năm|tháng|quý|và|đạt|là|tại|ở|của|các)\b", re.I
)


_CLAUSE_STOP = re.compile(r"[;.]")
_TIER_AND_NAME = re.compile(rf"{TIER_WORD}\s*\S*")


def _continues_rate(t: str, gap: str, fact) -> bool:
    """A percentage with no subject of its own, within a few lines of the last named rate."""
    if len(gap) > 400 or _NEW_SUBJECT.search(gap):
        return False
    after = _CLAUSE_STOP.split(t[fact.quantity.end : fact.quantity.end + 60], maxsplit=1)[0]
    return len(_OWN_WORDS_AFTER.sub(" ", _TIER_AND_NAME.sub(" ", after)).split()) <= 1


@cache
def _rate_of(code: str) -> str | None:
    """The rate entry of a count entry ('dossiers_digitized_count' → 'dossier_digitization_rate').

    A function of the code and of the packaged catalogue, which is loaded once: asked once per code.
    """
    for candidate in (code.replace("_count", "_rate"), code + "_rate"):
        if candidate != code and indicators.canonical(candidate) in indicators.codes():
            return indicators.canonical(candidate)
    return None


_RATE_VERB = re.compile(r"\b(đạt|bằng|chiếm)\b")


def share_fractions(t: str, facts) -> None:
    """'1.458/1.604 hồ sơ, đạt tỉ lệ 90,8%': the rate carries the fraction it was computed from."""
    for before, fact in zip(facts, facts[1:]):
        q, b = fact.quantity, before.quantity
        if q.unit == "percent" and b.denominator is not None and q.numerator is None:
            gap = t[b.end : q.number_start]
            if len(gap) < 40 and ";" not in gap and _RATE_VERB.search(gap):
                fact.quantity = replace(q, numerator=b.numerator, denominator=b.denominator)
