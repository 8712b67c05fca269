"""The period of a number.

A period at the head of a sentence holds for the sentence, one inside a clause (or in
brackets) for that clause; the narrower of nested periods wins; an explicit period carries
to the next sentence when that sentence continues the same subject; a baseline ('so với
năm 2021') is no period of the figure.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from cds_analysis.lang import periods
from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.rules import quantities
from cds_analysis.rules.nouns import RATE_WORD

_EVENT = re.compile(r"\b(lễ phát động|lễ ra mắt|lễ khai trương|buổi lễ|hội nghị trực tuyến|tham dự lễ|tại lễ)\b", re.I)


_BASELINE = re.compile(r"\b(so với|so cùng kỳ|cùng kỳ)(?:\s+\S+){0,4}\s*$", re.I)


_BRACKET_ONLY = re.compile(r"\s*\(\s*")


_CARRY_OPENER = re.compile(r"^\s*(Trong đó|Cụ thể|Riêng|Ngoài ra|Theo đó)\b", re.I)


def period_for(
    t: str,
    q: quantities.Quantity,
    sentence: Sentence,
    clause: Span,
    mentions,
    published: date | None,
    target: bool = False,
    previous: Sentence | None = None,
    neighbours=(),
):
    """(period or None, whether a period word applied) for one number.

    A period written after the number reaches back to it only across its own
    words ('6 xã … hoàn thành trong năm 2023'), not across another number or a
    new rate ('122 dịch vụ …, tỷ lệ hồ sơ … trong 6 tháng đầu năm 2023 đạt 96%').
    A result stated at an event ('… kết nối tới 13 điểm cầu' at a launch, or
    the connection points of the sentence after it) is as of the publication day.
    """
    head = sentence.clauses[0]
    first_q = q.number_start
    candidates = []
    for m in mentions:
        if not sentence.start <= m.start < sentence.end:
            continue
        if is_baseline(t, sentence.start, m.start):
            if _BRACKET_ONLY.fullmatch(t, m.end, q.number_start):
                return m.period, True  # 'tăng so với năm 2022 (48,9%)': the bracketed value is 2022's
            continue
        if m.start >= q.number_end and (
            any(q.number_end <= o.number_start < m.start for o in neighbours)
            or RATE_WORD.search(t[q.number_end : m.start])
        ):
            continue
        bracketed = t[sentence.start : m.start].count("(") > t[sentence.start : m.start].count(")")
        same_clause = clause.start <= m.start < clause.end
        sentence_wide = head.start <= m.start < head.end and not bracketed and m.start < first_q
        if same_clause or sentence_wide:
            candidates.append(m)
    if not candidates and previous is not None and _CARRY_OPENER.search(t[sentence.start : sentence.end]):
        # 'công bố kết quả DTI cấp huyện năm 2023. Theo đó, …': the opener continues that sentence.
        earlier = [
            m
            for m in mentions
            if previous.start <= m.start < previous.end
            and m.period is not None
            and not m.period.label.startswith("as_of")  # 'đến nay' holds for its own sentence only
            and not _BASELINE.search(t[max(previous.start, m.start - 20) : m.start])
        ]
        if earlier:
            return earlier[-1].period, True
    if not candidates:
        at_event = _at_event(t[sentence.start : sentence.end]) or (
            previous is not None
            and _at_event(t[previous.start : previous.end])
            and "điểm cầu" in t[sentence.start : sentence.end]
        )
        if published and at_event and not target:
            return periods.Period(f"as_of {published.isoformat()}", published, published), True
        return None, False
    chosen = _narrowest_or_nearest(candidates, q)
    return chosen.period, True


@lru_cache(maxsize=1 << 10)
def _at_event(sentence: str) -> bool:
    """Whether a sentence tells of an event (asked for each number of the sentence and of the next one)."""
    return bool(_EVENT.search(sentence))


def is_baseline(t: str, sentence_start: int, mention_start: int) -> bool:
    """'so với năm 2021', 'so cùng kỳ năm 2022': the period a figure is compared with, not its own."""
    return bool(_BASELINE.search(t[max(sentence_start, mention_start - 40) : mention_start]))


def _narrowest_or_nearest(candidates, q):
    with_period = [m for m in candidates if m.period is not None]
    pool = with_period or candidates
    nested = [
        m
        for m in pool
        if m.period
        and any(
            o is not m and o.period and o.period.start <= m.period.start and m.period.end <= o.period.end for o in pool
        )
    ]
    if nested:
        pool = nested
    return min(pool, key=lambda m: min(abs(m.start - q.number_start), abs(m.end - q.number_start)))


def carry_periods(t: str, sentence: Sentence, previous: Sentence | None, facts, previous_facts, published) -> None:
    """An explicit period carries to the next sentence that continues its subject."""
    if previous is None or not previous_facts or any(f.period_marked for f in facts):
        return
    opener = bool(_CARRY_OPENER.search(t[sentence.start : sentence.end]))
    inherited = [
        f
        for f in previous_facts
        if f.period is not None and f.period_marked and (opener or not f.period.label.startswith("as_of"))
    ]
    if not inherited:
        return
    shared = {_family(f.indicator) for f in previous_facts} & {_family(f.indicator) for f in facts}
    if not opener and not (shared - {"other"}):
        return
    for fact in facts:
        fact.period = inherited[-1].period


def _family(code: str) -> str:
    for stem in ("dossier", "document", "signature", "tech_team", "public_services", "payment", "video"):
        if stem in code:
            return stem
    return code
