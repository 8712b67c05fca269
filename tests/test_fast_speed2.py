"""Shortcuts of place reading, naming, tables and the frame answer as the plain code they replace.

Each is checked against what it stands for on texts written for these tests,
including the upper-case and edge spellings where the two could disagree.
"""

import random

import pandas as pd

from cds_analysis.rules import extract, places

_MARKER_PIECES = [
    "các", "Các", "CÁC", "cấp", "Cấp", "CẤP", "toàn", "Toàn", "TOÀN", "đối với", "Đối với", "của", "UBND", "tại",
    "xã", "phường", "thị trấn", "thôn", "tổ dân phố", "bản", "ấp", "khu phố", "huyện", "quận", "thị xã",
    "thành phố", "địa phương", ",", "Nam", "đạt", "100%", "từ cấp tỉnh đến cấp xã", "cấp huyện, cấp xã", "cá",
    "cấ", "toà", "(", ";",
]  # fmt: skip


def _clauses(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_MARKER_PIECES) for _ in range(rng.randint(1, 20))) for _ in range(n)]


def test_a_clause_marker_is_only_where_a_marker_word_is():
    """``_clause_marker`` skips the clauses without 'các', 'cấp' or 'toàn': none of them holds a marker."""
    found = 0
    for words in _clauses(4000, seed=21):
        blanked = places._without_spanning_phrases(words)
        if places._CLAUSE_MARKER.search(blanked):
            found += 1
            assert places._MARKER_WORD.search(words), words
        for m in places._CLAUSE_MARKER.finditer(blanked):
            assert places._MARKER_WORD.search(m.group()), m.group()
    assert found > 1000


def test_the_frame_of_many_rows_is_the_one_arrow_converts():
    """The frame built from blocks, on rows with missing and present values in every column kind."""
    text = (
        "Năm 2024, huyện Tư Nghĩa có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%. "
        "Đến nay, 100% xã, thị trấn có Tổ công nghệ số cộng đồng với 1.250 thành viên. "
        "Mục tiêu năm 2025: 95% hồ sơ được số hóa."
    )
    rows, placed = extract._extract(text, None, "x.txt", "doc", ())
    assert len(rows) >= 4 and any(r["period_start"] is None for r in rows) and any(r["period_start"] for r in rows)
    frame = extract._frame(rows, placed)
    pd.testing.assert_frame_equal(frame, extract._arrow_frame(rows, placed), check_exact=True)
    assert list(frame.columns) == list(extract._arrow_frame([], []).columns)
