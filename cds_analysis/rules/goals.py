"""Whether a number is a goal (target) or a result.

A goal word ('mục tiêu', 'phấn đấu', 'kế hoạch', 'sẽ', 'được giao', 'chỉ đạo mỗi'; the
vocabulary ``goal_cues``) before the number in its sentence makes it a target, unless 'đã'
(done) stands between them; 'chỉ tiêu 97%' names the target of the number it stands before.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.lang.text import led_by, phrase_trie
from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import quantities

# Goal words whose reach is the rest of the sentence …
_GOAL_WORDS = list(load_vocabulary("goal_cues")["phrase"])
_TARGET_CUE = re.compile(rf"{led_by(_GOAL_WORDS)}\b({phrase_trie(_GOAL_WORDS)})\b", re.I)


# … and 'chỉ tiêu 97%', whose reach is the number it stands before ('đạt 95%, vượt chỉ tiêu 92%').
LOCAL_TARGET = re.compile(
    r"\b(chỉ tiêu|kế hoạch|mục tiêu)(?: (?:là|đề ra|đặt ra|của tỉnh|năm \d{4}))?\s*(?:(?:là|đạt|khoảng|trên|tối thiểu)\s*)?$",
    re.I,
)


_TARGET_AFTER = re.compile(r"^[^.;]{0,40}?\b(được (?:\w+ ){0,3}giao|phải hoàn thành|cần hoàn thành)\b", re.I)


# 'đã ban hành kế hoạch …' reports a plan that was issued, 'trong kế hoạch …' names one, 'đã phấn đấu'
# reports the effort made: none of them sets a goal.
_PLAN_ISSUED = re.compile(
    r"\b(ban hành|xây dựng|triển khai|thực hiện|phê duyệt|trong|theo|đã)\s*(?:các\s*|tốt\s*)?$", re.I
)


_DONE = re.compile(r"\b(đã|đạt được|kết quả)\b", re.I)


@lru_cache(maxsize=1 << 12)
def _goal_cues(words: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of the goal words in ``words`` that set a goal ('đã ban hành kế hoạch' sets none).

    No goal word holds a digit or ends on anything but a letter, so the goal
    words before a number that follows a space or a sign are the same whether
    the sentence is read up to the number or whole.
    """
    return tuple(
        c.span()
        for c in _TARGET_CUE.finditer(words)
        if not _PLAN_ISSUED.search(words[max(0, c.start() - 25) : c.start()])
    )


def is_target(t: str, q: quantities.Quantity, sentence: Sentence, clause: Span, mentions) -> bool:
    before = t[sentence.start : q.number_start]
    if LOCAL_TARGET.search(t[max(sentence.start, q.start - 30) : q.start]):
        return True
    if before[-1:].isalnum() or before[-1:] == "_":  # a number glued to a word: read the words before it alone
        cues = _goal_cues(before)
    else:  # the sentence's goal words before the number (found once for all its numbers)
        cues = tuple(c for c in _goal_cues(t[sentence.start : sentence.end]) if c[1] <= len(before))
    if cues and not _DONE.search(before[cues[-1][1] :]):
        return True
    if _TARGET_AFTER.search(t[q.end : min(sentence.end, q.end + 60)]):
        return True
    for m in mentions:
        if sentence.start <= m.start < sentence.end and m.kind == "target_horizon":
            return True
    return False
