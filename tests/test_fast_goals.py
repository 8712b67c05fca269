"""Goal words led by a look-ahead of their first letters find what the plain pattern finds (issue 15)."""

import re

import pytest

from cds_analysis.lang.text import phrase_trie
from cds_analysis.rules import goals


@pytest.mark.parametrize(
    "text",
    [
        "Phấn đấu đến năm 2025, KẾ HOẠCH giao chỉ tiêu; Mục tiêu 95% — đã phấn đấu, sẽ hoàn thành, dự kiến",
        "ſẽ Kế hoạch İ mục tiêuxx, xphấn đấu, ĐỊNH HƯỚNG, đặt mục tiêu: 100%",
        "",
    ],
)
def test_goal_words_led_by_their_first_letters_are_those_found_without(text):
    plain = re.compile(rf"\b({phrase_trie(goals._GOAL_WORDS)})\b", re.I)  # the former pattern, without a lead
    assert [m.span() for m in goals._TARGET_CUE.finditer(text)] == [m.span() for m in plain.finditer(text)]
