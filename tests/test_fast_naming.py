"""Shortcuts in goal words, naming and lists find what the plain code finds (issue 15)."""

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


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh Bắc Giang đạt 72%, dịch vụ công trực tuyến toàn trình 95%",
        "Hồ sơ giải quyết đúng hạn, hồ sơ trực tuyến một phần và hồ sơ được số hóa kết quả giải quyết TTHC",
        "Tổ công nghệ số cộng đồng, thành viên Tổ CNSCĐ, nền tảng số, chữ ký số, chữ ký số công cộng",
        "",
    ],
)
@pytest.mark.parametrize("unit", [None, "percent", "count"])
def test_outermost_in_one_pass_keeps_what_comparing_every_pair_keeps(text, unit):
    from cds_analysis.lang.text import fold
    from cds_analysis.rules import naming

    matcher = naming._matcher(unit, "triggers")
    found = matcher.scan(fold(text)) if matcher else []
    pairwise = [
        m
        for m in found
        if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in found)
    ]
    assert naming._outermost(found) == pairwise
    assert len(found) > len(pairwise) or not text  # phrases inside longer ones are there to drop


@pytest.mark.parametrize(
    "text",
    ["Hai huyện Yên Định, Thọ Xuân CÙNG đạt 100%; ba xã ĐỀU thuộc nhóm dẫn đầu", "Đều nằm trong nhóm A", "", "cùn"],
)
def test_words_of_sharing_led_by_their_first_letters_are_those_found_without(text):
    from cds_analysis.rules import enumerations

    plain = re.compile(r"cùng|đều|thuộc nhóm|nằm trong nhóm", re.IGNORECASE)
    assert [m.span() for m in enumerations._SHARED_WORD.finditer(text)] == [m.span() for m in plain.finditer(text)]
