"""Shortcuts of place reading, naming, tables and the frame answer as the plain code they replace.

Each is checked against what it stands for on texts written for these tests,
including the upper-case and edge spellings where the two could disagree.
"""

import random

import pandas as pd

from cds_analysis.read import tables as read_tables
from cds_analysis.reference import table_headers
from cds_analysis.reference.vocab import load_vocabulary
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


def _header_lines(n: int, seed: int) -> list[str]:
    """Headers of every role, alone, bracketed, run on and written in other ways, and prose."""
    headers = list(load_vocabulary("table_headers")["header"])
    pieces = [*headers, "(%)", "(đơn vị tính: hồ sơ, cái)", "(", ")", "*", ":", "năm 2025", "quý I/2024", "Hoà",
              "\u200b", "\u00ad", "e\u0301", "TÊN CHỈ TIÊU", "Ten chi tieu", "số liệu", "đạt 95%", "  ", "\t", "İ"]  # fmt: skip
    rng = random.Random(seed)
    lines = [*headers, *(h.upper() for h in headers), *(f"{h} ({h} và {h})" for h in headers)]
    lines += [
        "".join(rng.choice(pieces) + rng.choice([" ", "", "  "]) for _ in range(rng.randint(1, 12))) for _ in range(n)
    ]
    return lines


def test_a_role_is_named_as_role_of_names_it():
    """``names_role`` skips folding only texts that ``role_of`` gives another role (or none)."""
    named = 0
    for line in _header_lines(3000, seed=22):
        for role in table_headers.roles():
            expected = table_headers.role_of(line) == role
            assert table_headers.names_role(line, role) == expected, (line, role)
            named += expected
    assert named > 500


def test_lines_without_a_gap_open_no_aligned_table():
    """``_aligned`` gives up on a line without two spaces in a row, as splitting it would."""
    for line in _header_lines(1000, seed=23) + ["a  b  c", "Chỉ tiêu  Kế hoạch  Thực hiện", "x\t y  z"]:
        lines = read_tables._lines(line)
        if "  " not in line:
            assert len(read_tables._split(line, *lines[0], read_tables._GAP)) < 3
        assert read_tables._aligned(line, lines, 0) == ([], 0)


_LIST_PIECES = [
    "gồm", "bao gồm", "như", "Như", "GỒM", ":", "các", "xã", "thị trấn", "phường", "huyện", "Tư Nghĩa", "Bình Sơn",
    "(38,2%)", "đạt", "với", ";", ".", ",", "địa phương", "trên địa bàn", "của", "thuộc", "6", "nhưng", "gồ",
]  # fmt: skip


def test_a_unit_is_listed_only_after_a_list_word():
    """``_in_list`` answers without the patterns where the sentence before a unit has neither 'gồm' nor 'như'."""
    rng = random.Random(24)
    listed = 0
    for _ in range(3000):
        head = " ".join(rng.choice(_LIST_PIECES) for _ in range(rng.randint(0, 12)))
        text = f"{head} xã Tịnh Long {rng.choice(['', '(38,2%)', 'đạt 90%', 'với 5'])}"
        context = places.PlaceContext.__new__(places.PlaceContext)
        context.text = text
        ref = places._Ref(len(head) + 1, len(head) + 13, None)
        before = text[: ref.start]
        plain = not places._OWN_FIGURE.match(text[ref.end : ref.end + 12]) and (
            bool(places._LIST_OPENER.search(before))
            or any(
                ";" not in before[m.end() :] and "." not in before[m.end() :]
                for m in [*places._INCLUDING.finditer(before)][-1:]
            )
        )
        assert context._in_list(ref, 0) == plain, text
        listed += plain
    assert listed > 200


def test_collective_words_start_with_cac():
    """The words before a unit name a collective only where 'các ' is among them."""
    rng = random.Random(25)
    found = 0
    for _ in range(3000):
        words = [*_LIST_PIECES, "các xã, thị trấn", "các xã, phường", "các địa phương", "Các xã", "cácxã"]
        before = " ".join(rng.choice(words) for _ in range(rng.randint(0, 10))) + " "
        if places._COLLECTIVE_REF.search(before):
            found += 1
            assert "các " in before
    assert found > 100


_VILLAGE_PIECES = [
    "thôn", "Thôn", "THÔN", "TDP", "tổ dân phố", "Tổ dân phố", "xóm", "Xóm", "khu phố", "Khu phố", "không", "hôn",
    "ổ dân phố", "óm", "hu phố", "Phủ Lý Bắc", "6", "12", "An", "đạt", "có", ",", "(", "\n", "xã", "Tịnh Long",
]  # fmt: skip


def test_villages_near_their_words_are_all_villages():
    rng = random.Random(26)
    found = 0
    for _ in range(2000):
        text = "".join(
            rng.choice(_VILLAGE_PIECES) + rng.choice([" ", "", "  ", ", "]) for _ in range(rng.randint(1, 30))
        )
        anchors = (m.start() for m in places._VILLAGE_ANCHOR.finditer(text))
        near = [m.span() for m in places._matches_near(places._VILLAGE_REF, text, anchors, places._VILLAGE_REACH)]
        assert near == [m.span() for m in places._VILLAGE_REF.finditer(text)], text
        found += len(near)
    assert found > 1000


def test_a_number_names_a_tier_only_with_a_tier_noun_after_it():
    """The tier of a number's words is looked for only where a tier noun stands (before the rate sign is
    replaced and spanning phrases blanked)."""
    rng = random.Random(27)
    found = 0
    pieces = [*_MARKER_PIECES, "%", "/12", "/1.562", "số", "từ cấp huyện đến cấp xã", "xã", "thôn", "đơn vị"]
    for _ in range(4000):
        lead = (
            rng.choice(["", " ", "%", "/ 9", "/9 số"])
            + " "
            + " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        )
        if places._TIER.search(places._without_spanning_phrases(places._RATE_HEAD.sub(" ", lead))):
            found += 1
            assert places._TIER_NOUN.search(lead), lead
    assert found > 1000


def test_a_report_without_tables_gives_the_same_frame_on_either_path(monkeypatch):
    """No table is read for a report without one, on the per-document path and on the frame path (taken when
    a period is no plain date) alike."""
    text = "Năm 2024, huyện Tư Nghĩa có 1.458/1.604 hồ sơ trực tuyến, đạt tỉ lệ 90,8%. Đến nay, 100% xã có Tổ CNSCĐ."
    fast = extract.extract_text(text, source="x.txt", document_id="doc", tables=())
    monkeypatch.setattr(extract, "current_map_rows", lambda rows, published: None)
    framed = extract.extract_text(text, source="x.txt", document_id="doc", tables=())
    assert len(fast) >= 2
    pd.testing.assert_frame_equal(framed, fast, check_exact=True)
