"""What a number counts: the noun written after it, and the word lists that classify it.

'8 nhóm nhiệm vụ' counts tasks (not a measure), '30 ngày đêm' a duration,
'250 cán bộ' people, '13/13 xã' units. Both the place rules and the
measure rules ask these questions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cds_analysis.lang import numbers

__all__ = ["ADMIN_NOUNS", "DURATIONS", "NOT_MEASURES", "PEOPLE", "noun_after", "fold_noun"]

_WORD = r"[\wÀ-ỹ]+"
# Nouns that count things which are not measures of progress (tasks, steps…)
# unless written as a fraction ('42/48 nhiệm vụ').
NOT_MEASURES = {
    "nhiệm vụ",
    "giải pháp",
    "nội dung",
    "bước",
    "cấp",
    "lĩnh vực",
    "trụ cột",
    "nhóm giải pháp",
    "chương trình",
    "đề án",
    "mục tiêu",
    "chỉ tiêu",
    "lần",
    "tuổi",
    "khâu",
    "đợt",
    "phần",
    "thành phần",
    "loại",
    "nhóm nhiệm vụ",
    "quan điểm",
    "định hướng",
    "kiến nghị",
    "ý kiến",
}
DURATIONS = {"ngày", "tháng", "năm", "tuần", "giờ", "phút", "giây", "ngày đêm", "quý", "buổi", "ngày làm việc"}


PEOPLE = {"cán bộ", "đại biểu", "người", "khách", "công chức", "viên chức", "học viên", "đồng chí", "người dân"}
ADMIN_NOUNS = {
    "xã",
    "phường",
    "thị trấn",
    "thôn",
    "địa phương",
    "huyện",
    "thị xã",
    "thành phố",
    "quận",
    "tổ dân phố",
    "bản",
    "ấp",
    "khu phố",
    "đơn vị",
}
_NOUNS_LONGEST_FIRST = sorted(NOT_MEASURES | DURATIONS | PEOPLE | ADMIN_NOUNS, key=len, reverse=True)


def noun_after(t: str, q: numbers.Quantity) -> str | None:
    """The counted noun, matched against the word lists on the text itself ('8 nhóm nhiệm vụ')."""
    m = re.match(r"\s*(" + _WORD + r"(?: " + _WORD + r"){0,2})", t[q.number_end : q.number_end + 40])
    if m:
        noun = fold_noun(m.group(1))
        if noun in NOT_MEASURES | DURATIONS | PEOPLE | ADMIN_NOUNS:
            return noun
    if q.unit_word:
        return fold_noun(q.unit_word)
    return fold_noun(m.group(1)) if m else None


@lru_cache(maxsize=1 << 14)
def fold_noun(word: str) -> str:
    """The listed noun ``word`` starts with ('nhóm nhiệm vụ trong' → 'nhóm nhiệm vụ'), else its first word."""
    w = word.strip().lower()
    for noun in _NOUNS_LONGEST_FIRST:
        if w == noun or w.startswith(noun + " "):
            return noun
    return w.split(" ")[0] if w else w
