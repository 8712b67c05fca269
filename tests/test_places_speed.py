"""The fast paths of place resolution find exactly what the plain scans find."""

import random

import pytest

from cds_analysis.rules import places

_PIECES = [
    "tỉnh", "Tỉnh", "TỈNH", "huyện", "Huyện", "thị xã", "toàn", "Toàn", "trên địa bàn", "UBND", "các", "cấp", "của",
    "cả", "xã", "Xã", "địa phương này", "Bộ Công an", "BỘ CÔNG AN", "Bộ TT&TT", "Ủy ban Dân tộc", "bình quân",
    "cả nước", "Cả nước", "toàn quốc", "Toàn quốc", "Nam", "Hà", "miền", "đã", "đạt", "tiếp tục", "6", "2024", ",",
    ".", ":", ";", "(", ")", "\n", "-", "İ", "Ngân hàng Nhà nước", "Văn phòng Chính phủ", "tỷ lệ chung của",
]  # fmt: skip


def _texts(n: int, seed: int = 15) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(_PIECES) + rng.choice([" ", " ", "", ", ", "  "]) for _ in range(rng.randint(1, 60)))
        for _ in range(n)
    ]


def _found(matches) -> list[tuple]:
    return [(m.span(), m.lastgroup, m.group()) for m in matches]


@pytest.mark.parametrize("text", _texts(400))
def test_bare_refs_near_keywords_are_all_bare_refs(text):
    anchors = (m.start() for m in places._BARE_ANCHOR.finditer(text))
    near = places._matches_near(places._BARE_REF, text, anchors, places._BARE_REACH)
    assert _found(near) == _found(places._BARE_REF.finditer(text))


@pytest.mark.parametrize("text", _texts(400, seed=16))
def test_national_refs_near_first_words_are_all_national_refs(text):
    lowered = text.lower()
    lowered_or_none = lowered if len(lowered) == len(text) else None
    rng = random.Random(len(text))
    for start, end in [(0, len(text))] + [sorted(rng.sample(range(len(text) + 1), 2)) for _ in range(5)]:
        want = _found(places._NATIONAL_REF.finditer(text, start, end))
        assert _found(places._national_refs(text, lowered_or_none, start, end)) == want
        assert _found(places._national_refs(text, None, start, end)) == want  # the fallback when lower() grows


def test_the_scans_find_something():
    """The generated texts exercise every kind of reference, so the comparisons above can fail."""
    text = " ".join(_texts(400))
    assert {m.lastgroup for m in places._BARE_REF.finditer(text)} == {"province", "district", "commune"}
    assert {m.lastgroup for m in places._NATIONAL_REF.finditer(text)} == {"body", "country", "whole"}


def test_mentions_with_a_province_after_mentions_without_it_are_those_found_alone():
    """find_mentions reads a text once for both calls a document makes; the province still narrows the choice."""
    from cds_analysis.reference import gazetteer

    text = "Huyện Bình Sơn và xã Tịnh Long đạt 90%; Quảng Ngãi dẫn đầu, tỉnh Bình Định thứ hai; xã Bình Châu"
    gazetteer._scan.cache_clear()
    alone = gazetteer.find_mentions(text, province="51")
    gazetteer._scan.cache_clear()
    without = gazetteer.find_mentions(text)
    after = gazetteer.find_mentions(text, province="51")
    assert gazetteer._scan.cache_info().hits == 1
    assert after == alone
    assert [m.name for m in alone] == ["Bình Sơn", "Tịnh Long", "Quảng Ngãi", "Bình Định", "Bình Châu"]
    assert without[-1].unit is None and alone[-1].unit is not None  # 'Bình Châu' is ambiguous outside Quảng Ngãi


_TIER_PIECES = [
    "từ", "Từ", "TỪ", "đến", "ĐẾN", "Đến", "cấp", "CẤP", "Cấp", "tỉnh", "huyện", "xã", "thị xã", "trung ương",
    "cơ sở", "thôn", "và", ",", "các", "tại", "của", "UBND", "tổ dân phố", "khu phố", "làng", "ấp", "phường",
    "thị trấn", "địa phương", "quận", "thành phố", "đơn vị", "toàn", "Nam", "100%", "9/9", "số", "(", ".",
    "từ cấp tỉnh đến cấp xã", "TỪ HUYỆN ĐẾN THÔN", "cấp huyện, cấp xã", "Cấp tỉnh và cấp huyện",
]  # fmt: skip


def _clauses(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_TIER_PIECES) for _ in range(rng.randint(1, 25))) for _ in range(n)]


def test_spanning_phrases_are_blanked_as_by_both_patterns():
    def blank(m):
        return " " * len(m.group())

    clauses = _clauses(3000, seed=17)
    blanked = 0
    for words in clauses:
        plain = places._BOTH_TIERS.sub(blank, places._FROM_TO.sub(blank, words))
        assert places._without_spanning_phrases(words) == plain
        blanked += plain != words
    assert blanked > 100


def test_tier_words_are_only_where_a_tier_noun_is():
    found = 0
    for words in _clauses(3000, seed=18) + [" ".join(_TIER_PIECES[i:]) for i in range(len(_TIER_PIECES))]:
        if places._TIER.search(words):
            found += 1
            assert places._TIER_NOUN.search(words)
    assert found > 100


_PLACE_PIECES = [
    "huyện", "Huyện", "xã", "thị xã", "TX.", "TP.", "tỉnh", "H.", "Bình Sơn", "Tịnh Long", "Quảng Ngãi", "Quảng Nam",
    "Bình Định", "Bình", "Thái Bình", "Dương", "Hà Nam", "Ninh", "Đức Phổ", "Hồ Chí Minh", "đạt", "90%", "và", ",",
    ".", "-", "(", ")", "\n", "  ",
]  # fmt: skip


def test_mentions_of_a_stretch_are_those_of_the_stretch_read_alone():
    """A stretch of a scanned text gives what scanning the stretch alone gives, edges cutting names or not."""
    from dataclasses import replace

    from cds_analysis.reference import gazetteer

    rng = random.Random(19)
    compared = 0
    for _ in range(300):
        text = "".join(rng.choice(_PLACE_PIECES) + rng.choice(["", " ", " ", "\t"]) for _ in range(rng.randint(1, 30)))
        for _ in range(10):
            start, end = sorted(rng.randrange(len(text) + 1) for _ in range(2))
            alone = gazetteer.find_mentions(text[start:end])
            compared += bool(alone)
            want = [replace(m, start=m.start + start, end=m.end + start) for m in alone]
            assert gazetteer.find_mentions(text, start=start, end=end) == want, (text, start, end)
    assert compared > 500
