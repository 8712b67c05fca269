"""Which numbers of a report are facts: a measure, not an attendance, a postal network, a threshold or a structure.

The questions asked of each number before anything else is read about it: is it a
measurement at all ('tham dự', a quoted name, a composition), does the passage speak of
digital transformation, is it the threshold that selects a list, a change of a rate, or a
count of the document's own structure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.lang.text import phrase_trie
from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import quantities
from cds_analysis.rules.nouns import ADMIN_NOUNS, DURATIONS, NOT_MEASURES, PEOPLE, RATE_WORD, noun_after
from cds_analysis.rules.places import TIER_WORD

_ATTENDANCE = re.compile(r"\b(tham dự|dự lễ|dự hội nghị|có mặt|theo dõi (?:buổi |lễ|hội nghị)|dự buổi)\b", re.I)


_QUOTED = re.compile(r"[“\"]([^”\"\n]{1,60})[”\"]")


_POPULATION = re.compile(
    r"\s+(?:hộ(?: dân| gia đình)?\s*(?:với|và|,)\s*(?:trên |hơn |gần |khoảng )?[\d.]+\s*(?:nhân )?khẩu|(?:nhân )?khẩu)\b",
    re.I,
)


_COMPOSITION = re.compile(r"\bthành phần(?: gồm| bao gồm)?\b", re.I)


_INDEX = re.compile(r"\s+[A-ZĐ][^\s:]*(?:\s+[^\s:]+){0,3}\s*:")


_ONE_OF = re.compile(r"\bmột trong(?: số)?\s*$", re.I)
_REMAINDER_AFTER = re.compile(r"^\s*(?:\S+\s){0,2}còn lại\b")
_REMAINDER = re.compile(r"\bcòn lại\b")
_TO_LAST_COMMA = re.compile(r".*,\s", re.S)
_OWNED_BY = re.compile(r"\b(cho|dành cho|trực thuộc|thuộc|gồm|của|ở)\s*$")
_PROVINCES_AFTER = re.compile(r"\s*tỉnh")


def is_not_a_measure(t: str, q: quantities.Quantity, sentence: Sentence) -> bool:
    """Numbers that are durations, names, crowds at an event, remainders or beneficiaries."""
    noun = noun_after(t, q)
    fraction = q.denominator is not None
    if q.unit == "count" and noun in DURATIONS:
        return True
    if q.unit == "count" and noun in NOT_MEASURES and not fraction:
        return True
    if _ONE_OF.search(t[max(sentence.start, q.start - 14) : q.start]):
        return True  # 'là một trong 2 địa phương được chọn': membership of a group, not a measure
    if q.unit == "count" and not fraction and _POPULATION.match(t, q.number_end):
        return True  # 'TDP 1 có 170 hộ với trên 700 khẩu': the size of a place, told as context
    clause_before = t[sentence.clause_at(q.number_start).start : q.number_start]
    if q.unit == "count" and not fraction and _may_occur(t, _COMPOSITION) and _COMPOSITION.search(clause_before):
        return True  # 'thành phần gồm Tổ trưởng …, Tổ phó … và 03 Tổ viên': who makes up a team
    if q.unit == "count" and not t[sentence.start : q.number_start].strip() and _INDEX.match(t, q.number_end):
        return True  # '3 Phong trào ĐTN: …' at the head of a paragraph numbers a heading
    after = t[q.end : min(sentence.end, q.end + 60)]
    if (
        q.unit == "count"
        and noun in PEOPLE
        and (_ATTENDANCE.search(after) or _ATTENDANCE.search(t[sentence.start : q.number_start]))
        and "thành viên" not in t[q.number_end : q.end + 15]
    ):
        return True
    if _REMAINDER_AFTER.match(t[q.number_end : q.number_end + 40]):
        return True
    if _may_occur(t, _REMAINDER):
        piece = t[sentence.clause_at(q.number_start).start : q.number_start]
        last_comma = _TO_LAST_COMMA.match(piece)
        piece = piece[last_comma.end() if last_comma else 0 :]  # the number's own part
        if _REMAINDER.search(piece):
            return True  # 'Các tỉnh còn lại đều dưới 50%': a remainder group, not a place
    if (
        q.unit == "count"
        and noun in ADMIN_NOUNS
        and not fraction
        and _OWNED_BY.search(t[max(sentence.start, q.start - 14) : q.start])
    ):
        return True
    if _may_occur(t, _QUOTED):
        for m in _QUOTED.finditer(t, max(sentence.start, q.number_start - 60), min(sentence.end, q.number_end + 60)):
            if m.start() < q.number_start and q.number_end <= m.end():
                return True
    if q.unit == "count" and not noun:
        return True
    if (
        q.unit == "count"
        and not fraction
        and q.value in (63, 34)
        and _PROVINCES_AFTER.match(t, q.number_end, q.number_end + 8)
    ):
        return True  # 'dẫn đầu 63 tỉnh, thành phố': the country, not a measure
    return False


_DIGITAL = re.compile(rf"(?<![\wÀ-ỹ])(?:{phrase_trie(load_vocabulary('digital_words')['phrase'])})(?![\wÀ-ỹ])", re.I)


# A postal network ('283 điểm phục vụ bưu chính', '6.343 người/1 điểm') is no e-government measure;
# the public postal service that returns results ('trả kết quả qua bưu chính công ích') is.
_POSTAL = re.compile(r"\bbưu (?:chính|cục|điện)\b(?! công ích)", re.I)


def speaks_of_digital(t: str, span: Span) -> bool:
    """Whether a stretch of text (a paragraph) speaks of digital transformation at all.

    A figure no catalogue entry names is kept only where it does.
    """
    return bool(_DIGITAL.search(t, span.start, span.end))


def is_postal(t: str, sentence: Sentence) -> bool:
    """A sentence about the postal network: its figures are not CĐS facts (convention H)."""
    return _may_occur(t, _POSTAL) and bool(_POSTAL.search(t, sentence.start, sentence.end))


# Rules that search each sentence or clause for a word most reports never write, with the words one of
# which a match holds (lower-cased; no other character matches theirs when case is ignored: 'i' and 's'
# have such twins, 'İ' and 'ſ', so no word here holds them).
_NEEDS = {
    _POSTAL: ("bưu",),
    _COMPOSITION: ("thành phần",),
    _REMAINDER: ("còn lạ",),
    _QUOTED: ("“", '"'),
}


@lru_cache(maxsize=1)
def _absent(t: str) -> frozenset[re.Pattern]:
    """The rules of :data:`_NEEDS` none of whose words occur in ``t``, looked up once per report."""
    low = t.lower()
    return frozenset(rule for rule, words in _NEEDS.items() if not any(w in low for w in words))


def _may_occur(t: str, rule: re.Pattern) -> bool:
    """False when ``rule`` cannot match anywhere in ``t``, so no sentence of ``t`` need be searched."""
    return rule not in _absent(t)


_REACHED = re.compile(r"\b(đạt|hoàn thành|có|ở mức)\b")


def is_threshold(t: str, q: quantities.Quantity, clause: Span, neighbours) -> bool:
    """'5/9 huyện đạt tỷ lệ này dưới 3%', '15/16 mục tiêu hoàn thành 100%': the bar that selects the counted units.

    A percentage after a fraction in its clause that is not the fraction's own
    share (1.458/1.604 hồ sơ, đạt 90,8%) describes each member, not a fact.
    """
    if q.unit != "percent":
        return False
    before = [o for o in neighbours if clause.start <= o.number_start < q.number_start]
    if not before or before[-1].denominator is None or not before[-1].denominator:
        return False
    fraction = before[-1]
    share = 100 * (fraction.numerator or fraction.value) / fraction.denominator
    gap = t[fraction.end : q.number_start]
    return abs(share - q.value) > 1 and bool(_REACHED.search(gap)) and len(gap) < 80


_CHANGE_BEFORE = re.compile(r"\b(?:tăng|giảm)(?:\s+(?:tới|thêm|được|khoảng|gần|hơn|trên|mạnh|nhẹ))*\s*$", re.I)


def as_rate_change(t: str, q: quantities.Quantity, sentence: Sentence, neighbours) -> quantities.Quantity:
    """'đạt 3,45%, so với tháng 7 giảm 3,86%': a change between two rates is in percentage points (contract D).

    The percentage right after 'tăng'/'giảm' is a change of a rate when the
    sentence names a rate before it ('tỷ lệ', or another percentage).
    """
    if q.unit != "percent" or not _CHANGE_BEFORE.search(t, max(sentence.start, q.number_start - 30), q.number_start):
        return q
    earlier = t[sentence.start : q.number_start]
    if RATE_WORD.search(earlier) or any(
        o.unit == "percent" and sentence.start <= o.number_start < q.number_start for o in neighbours
    ):
        return replace(q, unit="percentage_points")
    return q


# What the counted units did or are: '15 địa phương xếp loại tốt', '21 xã đang triển khai …', '11 xã đã công bố'.
_STATUS_AFTER = re.compile(
    rf"^(?:\s*,?\s*{TIER_WORD})*\s*(?:của \S+\s+)?(?:đã|đang|được|xếp loại|đạt|hoàn thành|có kết nối|triển khai)\b",
    re.I,
)


def is_structural(t: str, q: quantities.Quantity, indicator: str) -> bool:
    """'Huyện có 153 thôn': a count of units that measures nothing about CĐS.

    A count of units that did something ('15 địa phương xếp loại tốt', '21 xã
    đang triển khai …') measures that, even where no catalogue entry names it.
    """
    if indicator != "other" or q.unit != "count" or q.denominator is not None or noun_after(t, q) not in ADMIN_NOUNS:
        return False
    return not _STATUS_AFTER.match(t[q.end : q.end + 80])
