"""Long runs (#15): a flattened table, a barcode or a scanned number string is read once, not once per digit.

The exclusion rules that read a run of digits to its end open on the run's first digit
(``quantities._RUN_START``) or take the digits whole before a look-ahead (``\\d++``); those that
read the whole text, e-mail addresses and file names, open on a run of their characters too. Each
such rule is checked here against the pattern it had before, on texts of other provinces' reports
and on random strings of the characters the rules turn on: the matches that the rule keeps are the same.
"""

from __future__ import annotations

import random
import re

import pytest
from cpu_time import best_seconds

from cds_analysis.lang.numbers import parse_number
from cds_analysis.rules import quantities
from cds_analysis.rules.extract import extract_text

# The patterns as they were before the guards: each reads a run from every one of its digits.
_UNGUARDED = {
    "duration": r"\d\d*\s+(?:ngày(?:\s+đêm)?|tuần|tháng|năm(?!\s+(?:19|20)\d\d)|quý|giờ|tiếng|phút|giây)(?![^\W\d_])",
    "age": r"\d\d*\s+tuổi(?!\w)",
    "legal_code": rf"\d\d*(?:/\d{{2,4}})?[/-](?=[{quantities._UPPER}]{{2}})[\w/&-]*",
    "legal_reference": r"(?:nghị quyết|quyết định|nghị định|chỉ thị|công văn|thông tư|công điện|tờ trình|pháp lệnh"
    r"|đề án|chương trình|luật)\s+(?:số\s*)?:?\s*\d+(?![\d.,]*\s?%)[^\s,;:)]*",
    "numbered_document": r"số\s*:?\s*\d+(?![\d.,]*\s?%)[^\s,;:)]*",
    "section_reference": r"(?:bài|phần|chương|mục|điều|khoản(?<!tài khoản)|phụ lục|kỳ|tập|khóa|khoá|đợt|lần thứ|lần)"
    r"\s+\d+(?![\d.,]*\s?%)",
    "ntm_criterion": r"(?:tiêu chí|chỉ tiêu)\s+(?:số\s+)?\d+(?:\.\d+)*(?![\d,]*\s?%)",
    "glued_code": r"\d\d*(?:[.,]\d+)*(?!(?:km|mb|gb|kb|đ)(?![^\W\d_]))[^\W\d_]",
    "view_count_before_label": r"\d[\d.,]*\s+(?:lượt xem|lượt thích|lượt chia sẻ|views?)(?!\w)",
    "comment_counter": r"\(?\d+\)?\s*(?:bình luận|comments?)(?!\w)",
    "long_plain_integer": r"\d\d{5,}(?![\w]|[.,]\d)",
    "leading_zero_code": r"0\d{3,}(?![\w]|[.,]\d)",
}
_RULES = {r.name: r for r in quantities.EXCLUSION_RULES}

_TEXTS = [
    "Thực hiện Quyết định số 749/QĐ-TTg, Nghị định 43/2011/NĐ-CP và Thông tư số 01/2021/TT-BTTTT; QĐ 12-KH/TU.",
    "Kế hoạch số 119/KH-UBND; Báo cáo số 19; Văn bản số 1234 ngày 5/6; chỉ tiêu 1.2.3 đạt 100%, tiêu chí số 8.",
    "Tỉnh Sơn La rút ngắn 30 ngày đêm, 6 tháng, 2 năm 2021, 15 tuổi; 5 năm 2023 xếp thứ 12 trong 63 tỉnh.",
    "Bắc Kạn: 4G, 12abc, 2,5km, 100Mb, 3.000đ, 0912345678, 00123, 1234567 lượt xem, (25) bình luận, 7 comments.",
    "Tập 3, Điều 5, khoản 2, phụ lục 12, lần thứ 4, bài 70%, đợt 2 đạt 95 %, Chương trình 06 và Đề án số 06/ĐA.",
    "Số liệu quét: 1234567890123456789012345 7700 2024 12/3/2024 1.234.567.890,5 1,2,3,4,5 9.9.9.9a 8,8,8,8b",
    # where a guard wider or narrower than the rule's would keep another match: a code after a decimal
    # comma or inside a dotted number, a bracketed count glued to a number, a zero code inside a run
    "Ghi chú 1,5/2021/QĐ-UBND, mục 1.23/45/QĐ-BTC, 5(12) bình luận, 10000 và 3,0001 hồ sơ, 2.000 lượt xem, tiêu chí 1.2%, chỉ tiêu 5,5 %.",
]
_PIECES = ["1", "12", "2024", "123456", "0", "00", "/", "-", ":", ".", ",", " ", "(", ")", "%", "\n", "x", "QĐ"]
_PIECES += ["-TTg", "/NĐ-CP", "ngày", " tháng", " năm", " tuổi", "km", "đ", " lượt xem", " bình luận", "số ", "Số: "]
_PIECES += ["tiêu chí ", "quyết định ", "điều ", "abc", "Ủy"]


def _texts() -> list[str]:
    rng = random.Random(15)
    return _TEXTS + ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 60))) for _ in range(1500)]


def _kept(pattern: re.Pattern[str], text: str, left: str | None) -> list[tuple[int, int]]:
    """The spans of ``pattern`` in ``text`` that the rule keeps: those with the boundary it asks on the left."""
    return [m.span() for m in pattern.finditer(text) if quantities._left_ok(text, m.start(), left)]


_WHOLE_TEXT_UNGUARDED = {
    "email": r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    "file_name": r"\S+\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?)\b",
}
_ADDRESS_TEXTS = [
    "Liên hệ: vanthu@sotttt.laocai.gov.vn, so.tttt+bc@gmail.com; tải baocao_2024.pdf, Phu-luc.1.docx, anh.jpg.",
    "a@b.vn+c@d.vn a@b.vn.c@d.vn x.pdf,y.pdf tệp:bc.xlsx/và.doc",  # a match that ends inside a run
]
_ADDRESS_PIECES = ["a", "1", "@", "b.vn", ".", ".pdf", ".docx", ".jpg", "+", "-", " ", "_", "\n", ",", "/", "Ủy"]


def _address_texts() -> list[str]:
    rng = random.Random(16)
    randoms = ["".join(rng.choice(_ADDRESS_PIECES) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    return _ADDRESS_TEXTS + randoms


@pytest.mark.parametrize("name", sorted(_WHOLE_TEXT_UNGUARDED))
def test_a_whole_text_rule_finds_the_matches_of_its_unguarded_pattern(name):
    rule = _RULES[name]
    scan = rule.scan or rule.pattern.finditer
    unguarded = re.compile(_WHOLE_TEXT_UNGUARDED[name], rule.pattern.flags)
    for text in _address_texts():
        assert [m.span() for m in scan(text)] == [m.span() for m in unguarded.finditer(text)], text


@pytest.mark.parametrize("name", sorted(_UNGUARDED))
def test_a_guarded_rule_keeps_the_matches_of_its_unguarded_pattern(name):
    rule = _RULES[name]
    unguarded = re.compile(_UNGUARDED[name], rule.pattern.flags)
    assert rule.pattern.pattern != unguarded.pattern, "the rule has no guard any more: drop it from _UNGUARDED"
    for text in _texts():
        source = text if rule.cased else quantities._lower(text)
        assert _kept(rule.pattern, source, rule.left) == _kept(unguarded, source, rule.left), text


def test_the_guarded_rules_still_find_what_they_are_for():
    found = {(e.rule, e.text) for e in quantities.find_exclusions(_TEXTS[0] + " " + _TEXTS[2] + " " + _TEXTS[3])}
    assert {
        ("legal_code", "749/QĐ-TTg"),
        ("legal_code", "43/2011/NĐ-CP"),
        ("duration", "30 ngày đêm"),
        ("duration", "6 tháng"),
        ("age", "15 tuổi"),
        ("glued_code", "12a"),
        ("long_plain_integer", "0912345678"),
        ("leading_zero_code", "00123"),
        ("view_count_before_label", "1234567 lượt xem"),
        ("comment_counter", "(25) bình luận"),
    } <= found
    assert ("duration", "5 năm") not in found  # 'năm 2023' dates a rank


def test_a_long_dotted_number_is_read_not_refused_with_a_decimal_error():
    assert parse_number("1." + "234." * 300 + "567") == float("inf")  # 1,205 characters, as a plain run of digits
    assert extract_text("Năm 2023, huyện có 1." + "234." * 3000 + "567 hồ sơ.") is not None


_RUNS = {
    "digits": ("1", 20_000),  # before the guards: 20,000 digits took ~18 s, twice as many four times that
    "digits and letters": ("1234567890abc", 2_000),
    "thousands dots": ("234.", 5_000),
    "commas": ("1,", 10_000),
    "legal numbers": ("12/", 5_000),
    "percent after a document number": ("1", 20_000),
    "spaced numbers": ("12 ", 800),  # each is a quantity: the dearest per character
    "digits in a page with an e-mail address": ("1", 20_000),
    "a long word in a page with a file name": ("a", 20_000),
}
_BEFORE = {
    "percent after a document number": "Kế hoạch số ",
    "digits in a page with an e-mail address": "Liên hệ: vanthu@sotttt.gov.vn. Năm 2023, huyện có ",
    "a long word in a page with a file name": "Tải về baocao.pdf. Năm 2023, huyện có ",
}


@pytest.mark.parametrize("kind", sorted(_RUNS))
def test_doubling_a_run_of_numbers_about_doubles_its_extraction_time(kind):
    piece, count = _RUNS[kind]
    before = _BEFORE.get(kind, "Năm 2023, huyện có ")
    after = "% dân số." if kind.startswith("percent") else " hồ sơ."
    single, double = (before + piece * n + after for n in (count, 2 * count))
    extract_text(before + piece + after)  # compiled patterns are built once, not timed
    single_seconds, double_seconds = best_seconds(single, double)
    ratio = double_seconds / single_seconds
    assert ratio < 3.0, f"{kind}: twice the run took {ratio:.1f}x the time"
