"""The numbers of a report that can be facts, with what surrounds them.

Reports also mix in numbers that are not measurements: dates, decree codes,
phone numbers, '4G', 'công nghiệp 4.0', 'thôn 6'. :func:`find_quantities`
skips those (one named rule each in :data:`EXCLUSION_RULES`) and reads the
rest with what surrounds them: qualifier ('gần', 'trên', 'tối thiểu' …),
fraction ('1.458/1.604'), '%', scale ('tỷ'), currency or measure, and the
noun that says what was counted ('hồ sơ', 'xã', 'Tổ').

Decisions (the gold set does not settle them):

- Numbers are read by :func:`cds_analysis.lang.numbers.parse_number`; units
  are its closed set, :data:`cds_analysis.lang.numbers.UNITS`. 'Gb/s' is
  stored in mbps (×1000).
- Ranges ('60-80%', 'từ 60% đến 80%') give two quantities: the lower bound
  with qualifier ``at_least`` (its span covers the whole range) and the upper
  bound with ``at_most`` (contract C of the gold set).
- Upper bounds that include the bound ('tối đa', 'không quá', 'trở xuống',
  '≤') are ``at_most``; 'dưới', 'chưa đến', '<' are ``less_than``.
- Units beyond counts and money (contract D): '5,2 điểm phần trăm' is
  ``percentage_points``; '0,7955 điểm', '85,6/100 điểm' an index score in
  ``points``; '92 thuê bao/100 dân' and 'Số thuê bao …/100 dân: 90%'
  ``per_100_people``; 'tăng 12 bậc', '5 hạng' a change of rank in ``ranks``.
- 'vượt' only qualifies a plain number: in 'đạt và vượt 43/51 chỉ tiêu' the
  fraction is exact.
- Ranks: 'xếp thứ 37/63', 'đứng thứ 2', 'hạng 15', 'Top 10', 'nhóm 10 tỉnh,
  thành phố dẫn đầu' (unit ``rank``, qualifier ``exact`` as in the gold set;
  denominator from '/63', 'trên 63' or 'trong số 63').
- Durations ('7 ngày', '6 tháng', 'gần 3 năm') and ages ('15 tuổi') are not
  quantities: they qualify a fact or a period, they are not one.
- A bare 19xx/20xx number is a year; so a count of 2000 written without a
  thousands dot is lost (reports write '2.000').
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeGuard

from cds_analysis.lang.numbers import parse_number
from cds_analysis.lang.passes import OnePass
from cds_analysis.lang.periods import ENGLISH_MONTHS
from cds_analysis.lang.text import led_by, phrase_trie

__all__ = ["EXCLUSION_RULES", "Exclusion", "Quantity", "find_exclusions", "find_quantities"]

# ---------------------------------------------------------------- vocabulary

_L = r"[^\W\d_]"  # one letter, any script
_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_NUM = r"\d+(?:[.,]\d+)*"

# Nouns that follow a count ('498 thành viên'); the longest reading wins.
_UNIT_NOUNS = (
    # places and bodies
    "tỉnh",
    "thành phố",
    "huyện",
    "quận",
    "thị xã",
    "xã",
    "phường",
    "thị trấn",
    "thôn",
    "xóm",
    "ấp",
    "bản",
    "làng",
    "buôn",
    "khu phố",
    "tổ dân phố",
    "khu dân cư",
    "địa phương",
    "đơn vị",
    "cơ quan",
    "sở",
    "ban",
    "ngành",
    "bộ",
    "doanh nghiệp",
    "hợp tác xã",
    "tổ chức",
    "chi bộ",
    "đảng bộ",
    "trường",
    # people
    "người",
    "người dân",
    "lượt người",
    "lượt",
    "hộ",
    "hộ dân",
    "hộ gia đình",
    "hộ kinh doanh",
    "khẩu",
    "nhân khẩu",
    "dân",
    "dân số",
    "thành viên",
    "tổ viên",
    "cán bộ",
    "công chức",
    "viên chức",
    "đảng viên",
    "đoàn viên",
    "hội viên",
    "tình nguyện viên",
    "công dân",
    "học sinh",
    "giáo viên",
    "cá nhân",
    "tiểu thương",
    # things counted in CĐS reports
    "hồ sơ",
    "văn bản",
    "thủ tục",
    "thủ tục hành chính",
    "tthc",
    "dịch vụ công",
    "dịch vụ",
    "tài khoản",
    "địa chỉ",
    "hộp thư",
    "thư điện tử",
    "chữ ký số",
    "chứng thư số",
    "ký số",
    "tổ",
    "nhóm",
    "điểm cầu",
    "điểm",
    "điểm phục vụ",
    "hệ thống",
    "phần mềm",
    "ứng dụng",
    "nền tảng",
    "camera",
    "trạm",
    "thuê bao",
    "máy tính",
    "máy",
    "thiết bị",
    "sản phẩm",
    "hóa đơn",
    "giao dịch",
    "tin",
    "tin bài",
    "bài",
    "bài viết",
    "lớp",
    "cuộc",
    "hội nghị",
    "buổi",
    "trường hợp",
    "nhiệm vụ",
    "mục tiêu",
    "chỉ tiêu",
    "tiêu chí",
    "chế độ",
    "phân hệ",
    "cơ sở dữ liệu",
    "bộ dữ liệu",
    "dữ liệu",
    "chiếc",
    "cái",
    "bậc",
    "lần",
    "mô hình",
    "trang",
    "cổng",
    "website",
    "kênh",
    "biên lai",
    "phiếu",
    "giấy phép",
    "cấp",
)
# As a trie of letters (re follows one branch instead of trying each noun), the longest noun the rest
# of a pattern accepts first, as in an alternation sorted longest first.
_NOUN_ALT = phrase_trie(_UNIT_NOUNS, gap=" ")

# ---------------------------------------------------------------- exclusions


@dataclass(frozen=True)
class _Rule:
    """One reason a number is not a fact.

    ``pattern`` runs on the lower-cased text (on the text as written when
    ``cased``). It starts with a literal or one digit so that ``re`` can skip
    ahead quickly (a digit then a repeat: a pattern opening on a repeat of
    digits is tried at every character), and a pattern that reads a run of
    digits to its end opens on the run's first digit (:data:`_RUN_START`), so
    that a run is read once; the word boundary on its left is
    checked in Python (``left``: 'word' — no letter or digit before; 'number' — nor a '.' or
    ','). ``gates``: the rule only runs when one of them occurs in the
    lower-cased text. ``accept(text, start, end, match)`` vetoes a match on
    grounds a regex cannot say. Rules see only the text within
    ``_MARGIN`` characters of a digit unless ``whole_text``. ``scan(text)``
    gives the matches of ``pattern.finditer`` where that would read a run
    from each of its characters.
    """

    name: str
    pattern: re.Pattern[str]
    left: str | None = None
    gates: tuple[str, ...] = ()
    cased: bool = False
    accept: Callable[[str, int, int, re.Match[str]], bool] | None = None
    whole_text: bool = False
    scan: Callable[[str], Iterator[re.Match[str]]] | None = None


def _rule(
    name: str,
    pattern: str,
    left: str | None = None,
    gates: tuple[str, ...] = (),
    cased: bool = False,
    accept=None,
    whole_text: bool = False,
    scan=None,
) -> _Rule:
    return _Rule(name, re.compile(pattern, re.MULTILINE), left, gates, cased, accept, whole_text, scan)


def _is_day_month_not_fraction(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    """'28/7' is a date; '4/4 thôn', '5/9 huyện' are fractions (a part never exceeds its whole)."""
    day, month = int(m.group(1)), int(m.group(2))
    return 1 <= month <= 12 and month < day <= 31


def _follows_letter(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    return start > 0 and text[start - 1].isalpha()


def _follows_word(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    """'/100 dân' after a noun ('thuê bao/100 dân'), not a fraction '1.458/1.604'."""
    before = text[max(0, start - 2) : start]
    return bool(before) and (before[-1].isalpha() or (before[-1] == " " and before[:1].isalpha()))


_DOCUMENT_WORD_BEFORE = re.compile(
    r"(?:kế hoạch|báo cáo|thông báo|văn bản|hướng dẫn|quy định|quy chế|dự án|giấy phép)\s+$"
)


def _after_document_word(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    """'Kế hoạch số 119', 'Báo cáo số 19': a plan or report number; 'tổng số 498' is not."""
    return bool(_DOCUMENT_WORD_BEFORE.search(text[max(0, start - 16) : start].lower()))


_ORDINAL_NOUN_AFTER = re.compile(rf"\s+(?:{_NOUN_ALT})(?!{_L})(?:\s+(?P<next>\S))?")


def _is_place_name(text: str, start: int, end: int, m: re.Match[str]) -> bool:
    """'thôn 6 có', 'TDP 1 thị trấn Đình Cả' name a place; 'mỗi thôn 01 Tổ', 'tổ 5 người' count."""
    if text[max(0, start - 4) : start].lower() == "mỗi ":
        return False
    noun = _ORDINAL_NOUN_AFTER.match(text[end : end + 40].lower())
    if noun is None:
        return True
    return bool(noun.group("next")) and text[end + noun.start("next")].isupper()


# Not a percentage; after digits taken whole ('\d++'): if '%' follows the whole number it follows any
# shorter part too, so giving digits back finds no other match and would only cost time.
_NOT_PCT = r"(?![\d.,]*\s?%)"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.MULTILINE)
_EMAIL_AT_RUN_START = re.compile(r"(?<![\w.+-])" + _EMAIL.pattern, re.MULTILINE)


def _emails(text: str) -> Iterator[re.Match[str]]:
    """``_EMAIL.finditer(text)``, reading each run of the characters of an address once, not from each of them.

    The run's first character starts the match any of its characters starts, except where the match
    before ends inside the run ('a@b.vn+c@d.vn'): there the next one is tried first.
    """
    pos = 0
    while (m := (_EMAIL.match(text, pos) if pos else None) or _EMAIL_AT_RUN_START.search(text, pos)) is not None:
        yield m
        pos = m.end()


# A digit that opens a number: no '0-9', '.' or ',' before it. A rule that reads a run of digits to
# its end opens on this, so that it reads a run once, not once from each of its digits. It keeps the
# same matches: ``left="number"`` refuses a match after those characters, and such a match hides no
# match the rule would keep (a digit inside it follows a digit, '.' or ','); the two rules where one
# could hide a kept match open otherwise (legal_code, comment_counter). tests/test_digit_runs.py.
_RUN_START = r"\d(?<![\d.,]\d)"
_MONTHS_EN = ENGLISH_MONTHS
_ME = "|".join(_MONTHS_EN)

#: Numbers that are never facts, each with the reason it is skipped.
EXCLUSION_RULES: tuple[_Rule, ...] = (
    # addresses
    _rule(
        "url",
        r"(?:https?://|www\.)\S+|\.(?:vn|com|net|org|gov|edu|info)(?:\.vn)?/\S*",
        gates=("http", "www.", ".vn/", ".com/", ".net/", ".org/", ".gov/", ".edu/", ".info/"),
        whole_text=True,
    ),
    _rule("email", _EMAIL.pattern, gates=("@",), whole_text=True, scan=_emails),
    _rule(
        "file_name",
        # Opens where a run of non-spaces does: the match from there ends at the run's last name, which
        # any match from inside the run would too.
        r"(?<!\S)\S+\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?)\b",
        gates=(".jp", ".png", ".gif", ".webp", ".svg", ".pdf", ".doc", ".xls"),
        whole_text=True,
    ),
    _rule(
        "phone",
        r"\(0\d{2,3}\)\s?[\dx]{3,4}[ .]?[\dx]{3,4}|0\d{2,4}[ .][\dx]{3,4}[ .][\dx]{3,4}(?!\w)"
        r"|\+84[ .]?\d{2,3}[ .]?\d{3}[ .]?\d{3,4}|1[89]00[ .]?\d{3,4}(?![\w.,])",
        left="number",
    ),
    _rule(
        "phone_label",
        r"(?:điện thoại|đt|sđt|tel|fax|hotline|đường dây nóng)\s*:?\s*\+?[\d(][\d .()x-]{5,}\d",
        left="word",
        gates=("điện thoại", "đt", "tel", "fax", "hotline", "đường dây nóng"),
    ),
    # dates and times
    _rule("time", r"\d\d?:\d{2}(?::\d{2})?(?!\d)", left="number", gates=(":",)),
    _rule("date_iso", r"\d\d{3}-\d{1,2}-\d{1,2}(?!\d)", left="number", gates=("-",)),
    # the same separator twice, each written out (a back-reference cannot sit in the one-pass look-behind)
    _rule("date_dmy", r"\d\d?\s?(?:/\s?\d{1,2}\s?/|\.\s?\d{1,2}\s?\.|-\s?\d{1,2}\s?-)\s?\d{2,4}(?!\d)", left="number"),
    _rule("date_words", r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?", left="word", gates=("tháng",)),
    _rule(
        "date_english",
        rf"\d{{1,2}}\s+(?:{_ME})\s+\d{{4}}|(?:{_ME})\s+\d{{1,2}},?\s+\d{{4}}",
        left="word",
        gates=_MONTHS_EN,
    ),
    _rule(
        "date_after_cue",
        r"(?:ngày|sáng|chiều|trưa|tối|đêm|hôm|mùng|mồng)\s+\d{1,2}\s?[/.-]\s?\d{1,2}(?!\d)",
        left="word",
        gates=("ngày", "sáng", "chiều", "trưa", "tối", "đêm", "hôm", "mùng", "mồng"),
    ),
    _rule(
        "date_span",
        r"\d\d?/\d{1,2}\s*(?:-|–|—|đến|tới)\s*(?:ngày\s+)?\d{1,2}/\d{1,2}(?!\d)",
        left="number",
        gates=("/",),
    ),
    _rule(
        "date_day_month",
        r"(\d\d?)/(\d{1,2})(?![\d/]|[.,]\d)",
        left="number",
        gates=("/",),
        accept=_is_day_month_not_fraction,
    ),
    _rule("weekday", r"thứ\s+[2-7]\s*[,|-]\s*(?:ngày\s+)?\d{1,2}/", left="word", gates=("thứ",)),
    # periods
    _rule("year", r"(?:19|20)\d{2}(?![\w%]|[.,]\d|\s%)", left="number"),
    _rule(
        "month_name",
        r"tháng\s+\d{1,2}(?:\s*[/-]\s*\d{4}|\s+năm\s+\d{4})?(?![\d.,]|\s?%)",
        left="word",
        gates=("tháng",),
    ),
    _rule("quarter_name", r"quý\s+\d(?:\s*[/-]\s*\d{4}|\s+năm\s+\d{4})?(?![\d.,%])", left="word", gates=("quý",)),
    # '30 ngày đêm', '2 năm' — but not 'vị trí 60 năm 2021', where the year dates a rank.
    _rule(
        "duration",
        rf"{_RUN_START}\d*\s+(?:ngày(?:\s+đêm)?|tuần|tháng|năm(?!\s+(?:19|20)\d\d)|quý|giờ|tiếng|phút|giây)(?!{_L})",
        left="number",
    ),
    _rule("age", rf"{_RUN_START}\d*\s+tuổi(?!\w)", left="number", gates=("tuổi",)),
    # legal and document references
    # Opens after no digit, not on _RUN_START: after '.' or ',' the match is refused but hides the code in it
    # ('1,5/2021/QĐ-UBND' is no '2021/QĐ-UBND').
    _rule("legal_code", rf"\d(?<!\d\d)\d*(?:/\d{{2,4}})?[/-](?=[{_UPPER}]{{2}})[\w/&-]*", left="number", cased=True),
    _rule(
        "legal_reference",
        rf"(?:nghị quyết|quyết định|nghị định|chỉ thị|công văn|thông tư|công điện|tờ trình|pháp lệnh|đề án"
        rf"|chương trình|luật)\s+(?:số\s*)?:?\s*\d++{_NOT_PCT}[^\s,;:)]*",
        left="word",
        gates=(
            "nghị",
            "quyết định",
            "chỉ thị",
            "công văn",
            "thông tư",
            "công điện",
            "tờ trình",
            "pháp lệnh",
            "đề án",
            "chương trình",
            "luật",
        ),
    ),
    _rule(
        "numbered_document",
        rf"số\s*:?\s*\d++{_NOT_PCT}[^\s,;:)]*",
        left="word",
        gates=("số",),
        accept=_after_document_word,
    ),
    _rule("document_number", r"^[ \t]*số(?:\s+hiệu)?\s*:\s*\d+\S*", gates=("số:", "số :", "số hiệu")),
    _rule(
        "section_reference",
        rf"(?:bài|phần|chương|mục|điều|khoản(?<!tài khoản)|phụ lục|kỳ|tập|khóa|khoá|đợt|lần thứ|lần)\s+\d++{_NOT_PCT}",
        left="word",
        gates=("bài", "phần", "chương", "mục", "điều", "khoản", "phụ lục", "kỳ", "tập", "khóa", "khoá", "đợt", "lần"),
    ),
    _rule(
        "section_number", r"^[ \t]*\d{1,2}(?:\.\d{1,2})*\.(?=\s)|^[ \t]*\d{1,2}(?:\.\d{1,2})+(?=\s)|^[ \t]*\d{1,2}\)"
    ),
    # Digits taken whole, as before _NOT_PCT; a dotted group is still given back ('tiêu chí 1.2%' is 'tiêu chí 1').
    _rule(
        "ntm_criterion",
        r"(?:tiêu chí|chỉ tiêu)\s+(?:số\s+)?\d++(?:\.\d++)*(?![\d,]*\s?%)",
        left="word",
        gates=("tiêu chí", "chỉ tiêu"),
    ),
    # names that contain digits
    _rule(
        "service_level",
        rf"(?:mức độ|cấp độ)\s+[1-4](?:\s*(?:,|và|hoặc|/|-)\s*[1-4](?![\d%])(?!\s+(?:{_NOUN_ALT})(?!{_L})))*(?![\d%])",
        left="word",
        gates=("mức độ", "cấp độ"),
    ),
    _rule("identity_level", r"mức\s+[1-4](?![\d%]|[.,]\d|\s%)", left="word", gates=("mức",)),
    _rule(
        "version",
        r"(?:công nghiệp|cmcn|web|phiên bản|version)\s+\d+(?:\.\d+)*|\d\.0(?![\w.,])",
        left="word",
        gates=(".0", "công nghiệp", "cmcn", "web", "phiên bản", "version"),
    ),
    _rule("mobile_generation", r"[2-6]G(?!\w)", left="word", cased=True, gates=("g",)),
    _rule("covid", r"covid[\s-]?19(?!\d)", left="word", gates=("covid",)),
    _rule("standard", r"(?:iso|tcvn)\s*\d+(?::\d{4})?", left="word", gates=("iso", "tcvn")),
    _rule("letter_code", r"-\d+", gates=("-",), accept=_follows_letter),
    _rule("glued_code", rf"{_RUN_START}\d*(?:[.,]\d+)*(?!(?:km|mb|gb|kb|đ)(?!{_L})){_L}", left="number"),
    _rule("one_stop", r"1\s+cửa(?!\w)", left="word", gates=("cửa",)),
    _rule("quoted_name", r"[“\"]\d[^”\"\n%,.;:]{0,40}[”\"]", gates=("“", '"')),
    _rule(
        "place_ordinal",
        r"(?:tổ dân phố|khu phố|khu dân cư|khu vực|thôn|xóm|ấp|khu|tổ|tdp|kp|phường|quận|khối|đội|lớp)"
        r"(?:\s*\([^)\d]{1,12}\))?\s+\d{1,3}(?![\d/%]|[.,]\d|\s%)",
        left="word",
        gates=("thôn", "xóm", "ấp", "khu", "tổ", "tdp", "kp", "phường", "quận", "khối", "đội", "lớp"),
        accept=_is_place_name,
    ),
    _rule("per_base", r"/\s?(?:1|10|100|1\.000|10\.000|100\.000)(?![\d.,])", gates=("/",), accept=_follows_word),
    # page furniture
    _rule(
        "view_counter",
        r"(?:lượt xem|lượt đọc|lượt thích)\s*:?\s*[\d.,]+|(?:lượt truy cập|truy cập|đang online|views?)\s*:\s*[\d.,]+",
        left="word",
        gates=("lượt", "truy cập", "online", "view"),
    ),
    _rule(
        "view_count_before_label",
        rf"{_RUN_START}[\d.,]*\s+(?:lượt xem|lượt thích|lượt chia sẻ|views?)(?!\w)",
        left="number",
        gates=("lượt", "view"),
    ),
    # '(' opens with no guard: a refused '(12) bình luận' after a digit hides the '12' in it.
    _rule(
        "comment_counter",
        rf"(?:\(\d|{_RUN_START})\d*\)?\s*(?:bình luận|comments?)(?!\w)",
        left="number",
        gates=("bình luận", "comment"),
    ),
    _rule("long_plain_integer", rf"{_RUN_START}\d{{5,}}(?![\w]|[.,]\d)", left="number"),
    _rule("leading_zero_code", r"0(?<![\d.,]0)\d{3,}(?![\w]|[.,]\d)", left="number"),
)


@dataclass(frozen=True)
class Exclusion:
    """A stretch of text whose digits are not facts, and the rule that says so."""

    start: int
    end: int
    rule: str
    text: str


def _lower(text: str) -> str:
    """Lower-cased ``text`` with the same length (a few characters grow when lower-cased)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _left_ok(text: str, i: int, left: str | None) -> bool:
    if left is None or i == 0:
        return True
    c = text[i - 1]
    return not (c.isalnum() or c == "_" or (left == "number" and c in ".,"))


_MARGIN = 40
# Digit runs no more than two margins apart, as one stretch: their margins touch or overlap.
_NEAR_DIGIT_RUNS = re.compile(rf"\d\d*(?:.{{0,{2 * _MARGIN}}}\d+)*", re.S)  # opens on one digit: re skips ahead


class _NearDigits:
    """The parts of a text within ``_MARGIN`` characters of a digit, joined by NULs.

    Every exclusion has a digit and reaches at most ``_MARGIN`` characters
    from it, so the rules scan only this (about a third of a report).
    """

    def __init__(self, text: str):
        spans = [
            (max(0, m.start() - _MARGIN), min(len(text), m.end() + _MARGIN)) for m in _NEAR_DIGIT_RUNS.finditer(text)
        ]
        self.spans = spans
        self.starts = list(itertools.accumulate((e - s + 1 for s, e in spans), initial=0))[:-1]

    def condense(self, text: str) -> str:
        return "\0".join(text[s:e] for s, e in self.spans)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, start) - 1
        s, e = self.spans[i]
        offset = s - self.starts[i]
        return start + offset, min(end + offset, e)


# The rules whose every match starts with a digit or one of these marks: matched in one pass over
# the lower-cased text, where one scan per rule cost more than matching them.
_DIGIT_LED = r"[\d(+/“\"-]"
_DIGIT_LED_RULES = frozenset(
    {
        "phone",
        "time",
        "date_iso",
        "date_dmy",
        "date_span",
        "date_day_month",
        "year",
        "duration",
        "letter_code",
        "glued_code",
        "one_stop",
        "per_base",
        "long_plain_integer",
        "leading_zero_code",
    }
)


_ONE_PASS_RULES = tuple(r for r in EXCLUSION_RULES if r.name in _DIGIT_LED_RULES)
_ONE_PASS = OnePass([r.pattern for r in _ONE_PASS_RULES], _DIGIT_LED)


# Gates of a whole-text rule that open on one character, searched as one pattern: re skips from one such
# character to the next. (The rules near digits have their gates looked for together: :func:`_gated_in`.)
_ONE_GATE = {
    r.name: re.compile("|".join(map(re.escape, r.gates)))
    for r in EXCLUSION_RULES
    if r.whole_text and len({g[0] for g in r.gates}) == 1
}


def _has_gate(r: _Rule, text: str) -> bool:
    """Whether one of the gates of ``r`` occurs in ``text`` (asked of the whole-text rules)."""
    one = _ONE_GATE.get(r.name)
    return one.search(text) is not None if one is not None else any(g in text for g in r.gates)


# The gates of the rules that see the text near digits, looked for in one loop per text (a call per rule cost
# more than the rules themselves on a short text, a table cell); a rule's gates are looked for until one is found.
_NEAR_GATES = tuple((r.name, r.gates) for r in EXCLUSION_RULES if r.gates and not r.whole_text)


def _gated_in(text: str) -> set[str]:
    """The rules of :data:`_NEAR_GATES` one of whose gates occurs in ``text``."""
    found = set()
    for name, gates in _NEAR_GATES:
        for gate in gates:
            if gate in text:
                found.add(name)
                break
    return found


def _exclusion_matches(text: str) -> Iterator[tuple[str, int, int]]:
    low = _lower(text)
    near = _NearDigits(text)
    condensed = {False: near.condense(low), True: near.condense(text)}
    digit_led = {r.name: spans for r, spans in zip(_ONE_PASS_RULES, _ONE_PASS.spans(condensed[False]), strict=True)}
    gated = _gated_in(condensed[False])
    for r in EXCLUSION_RULES:
        source = (text if r.cased else low) if r.whole_text else condensed[r.cased]
        spans = digit_led.get(r.name)
        if spans == []:
            continue  # no match: its gates need no look
        if r.gates and (not _has_gate(r, low) if r.whole_text else r.name not in gated):
            continue
        if spans is not None:
            matches: Iterable[re.Match[str] | None] = (r.pattern.match(source, s) for s, _ in spans)
        else:
            matches = (r.scan or r.pattern.finditer)(source)
        for m in matches:
            assert m is not None  # a one-pass span is where the rule matches
            start, end = m.span() if r.whole_text else near.to_text(*m.span())
            if _left_ok(text, start, r.left) and (r.accept is None or r.accept(text, start, end, m)):
                yield r.name, start, end


def find_exclusions(text: str) -> list[Exclusion]:
    """Every stretch of ``text`` an exclusion rule claims, in order (for tests and debugging)."""
    found = [Exclusion(s, e, name, text[s:e]) for name, s, e in _exclusion_matches(text)]
    return sorted(found, key=lambda x: (x.start, x.end))


def _excluded_mask(text: str) -> bytearray:
    mask = bytearray(len(text))
    for _, s, e in _exclusion_matches(text):
        mask[s:e] = b"\x01" * (e - s)
    return mask


# ---------------------------------------------------------------- quantities


@dataclass(frozen=True)
class Quantity:
    """One number of a report read with its qualifier, unit and counted noun.

    ``start``/``end`` span the whole phrase ('hơn 46 tỷ đồng', '300 xã,
    phường, thị trấn trở lên'); ``number_start``/``number_end`` span the
    digits of ``value`` only. Offsets are into the normalised text.
    """

    start: int
    end: int
    number_start: int
    number_end: int
    value: float
    unit: str
    unit_word: str | None
    numerator: float | None
    denominator: float | None
    qualifier: str
    text: str


# Not inside a word or a number ('1,,5': the '5' after a doubled separator is no number of its
# own), and not after a minus sign ('-5%' is no 5%; a dash between numbers is a range). The
# pattern opens on the first digit, so that re skips from digit to digit, and looks behind it.
_TOKEN = re.compile(r"\d(?<!\w\d)(?<![\d.,][.,]\d)(?<![\s(:]-\d)(?<!^-\d)\d*(?:[.,]\d+)*")

_QUALIFIER_WORDS = {
    "trên dưới": "approx",
    "xấp xỉ": "approx",
    "khoảng": "approx",
    "gần": "approx",
    "ước đạt": "approx",
    "ước tính": "approx",
    "ước khoảng": "approx",
    "chừng": "approx",
    "hơn": "more_than",
    "trên": "more_than",
    "vượt": "more_than",
    "nhiều hơn": "more_than",
    "tối thiểu": "at_least",
    "ít nhất": "at_least",
    "không dưới": "at_least",
    "không ít hơn": "at_least",
    "dưới": "less_than",
    "chưa đến": "less_than",
    "chưa tới": "less_than",
    "chưa đầy": "less_than",
    "ít hơn": "less_than",
    "tối đa": "at_most",
    "không quá": "at_most",
    "không vượt quá": "at_most",
}
_QUALIFIER_SYMBOLS = {
    ">": "more_than",
    ">=": "at_least",
    "≥": "at_least",
    "<": "less_than",
    "<=": "at_most",
    "≤": "at_most",
}
_QUAL_ALT = phrase_trie(_QUALIFIER_WORDS, gap=" ")  # a trie, as _NOUN_ALT


_QUALIFIER_BEFORE = re.compile(
    led_by([*_QUALIFIER_WORDS, *_QUALIFIER_SYMBOLS])
    + rf"(?:(?<!{_L})(?P<word>{_QUAL_ALT})\s+(?:(?:cho|là|đạt|bằng|có)\s+)?|(?P<sym>>=|<=|≥|≤|>|<)\s?)$",
    re.IGNORECASE,
)
_RANK_WORDS = ("thứ", "hạng", "top", "tốp", "vị trí")
_RANK_BEFORE = re.compile(led_by(_RANK_WORDS) + rf"(?<!{_L})(?:{'|'.join(_RANK_WORDS)})\s+$", re.IGNORECASE)
_FROM_BEFORE = re.compile(led_by(["từ"]) + rf"(?<!{_L})từ\s+$", re.IGNORECASE)
_GROUP_BEFORE = re.compile(led_by(["nhóm"]) + rf"(?<!{_L})nhóm\s+$", re.IGNORECASE)
_LEADING_AFTER = re.compile(rf"(?:[\s,]+{_L}+){{0,4}}?[\s,]+(?:dẫn đầu|đứng đầu)(?!{_L})", re.IGNORECASE)

_FRACTION = re.compile(rf"\s?/\s?(?P<den>{_NUM})(?![\w/])")
_RANGE = re.compile(rf"(?:\s?%)?(?:\s?[-–—]\s?|\s+(?:đến|tới)\s+)(?P<hi>{_NUM})(?![\w/])", re.IGNORECASE)
_PERCENT = re.compile(r"\s?%|\s+phần\s+trăm", re.IGNORECASE)
_SCALE = re.compile(rf"\s+(?P<w>nghìn\s+tỷ|nghìn\s+tỉ|nghìn|ngàn|triệu|tỷ|tỉ)(?!\s+lệ)(?!{_L})", re.IGNORECASE)
_SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
_CURRENCY = re.compile(
    rf"\s?(?P<vnd>đồng|vnđ|vnd|đ)(?!{_L})(?!\s+(?:chí|bào|ý|thời|hành|bộ|nghiệp|loạt|đều|tình|thuận|minh|lòng|bằng))"
    rf"|\s?(?P<usd>usd|đô la(?: mỹ)?)(?!{_L})",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    rf"\s?(?:(?P<km>km|ki-lô-mét|kilômét)|(?P<mbps>mb/s|mbps|mbit/s)|(?P<gbps>gb/s|gbps))(?!{_L})", re.IGNORECASE
)
_RANK_OF = re.compile(rf"\s+(?:trên|trong số|trong tổng số)\s+(?P<den>{_NUM})(?![\w/])", re.IGNORECASE)
_NOUN_AFTER = re.compile(
    rf"\s+(?:(?:số|các|những)\s+)?(?:(?P<noun>{_NOUN_ALT})(?!{_L})|(?P<acronym>(?-i:[{_UPPER}]{{2,}}[{_UPPER}0-9]*))(?!\w))",
    re.IGNORECASE,
)
# '92 thuê bao/100 dân' after the counted noun; 'Số thuê bao …/100 dân: 90%' before the number.
_PER_100_AFTER = re.compile(rf"\s?/\s?100\s+(?:người\s+)?dân(?!{_L})", re.IGNORECASE)
_PER_100_BEFORE = re.compile(r"/\s?100\s+(?:người\s+)?dân\s*(?::|là|đạt|đạt mức)?\s*$", re.IGNORECASE)
_POINTS_AFTER = re.compile(
    rf"(?P<pp>\s+điểm\s+(?:phần\s+trăm|%))|(?:\s?/\s?100)?\s+điểm(?=\s*(?:[,.;:()]|$)|\s+(?:so với|xếp|đứng|tăng|giảm|và|trong|trên|cao|thấp)(?!{_L}))",
    re.IGNORECASE | re.MULTILINE,
)
_RANKS_AFTER = re.compile(rf"\s+(?:bậc|hạng)(?!{_L})", re.IGNORECASE)
_BOUND_AFTER = re.compile(rf"(?P<words>(?:[\s,]+{_L}+){{0,6}}?)\s+trở\s+(?P<way>lên|xuống)(?!{_L})", re.IGNORECASE)


def find_quantities(text: str) -> list[Quantity]:
    """All numbers of normalised ``text`` that could be facts, in order.

    Numbers claimed by an :data:`EXCLUSION_RULES` rule, and tokens that are
    not Vietnamese numbers ('1,458,000'), do not appear.
    """
    mask = _excluded_mask(text)
    out: list[Quantity] = []
    last_end = 0
    for m in _TOKEN.finditer(text):
        s = m.start()
        if s < last_end or mask[s]:
            continue
        try:
            value = parse_number(m.group())
        except ValueError:
            continue
        q, upper = _read_quantity(text, s, m.end(), value, mask)
        out.append(q)
        if upper is not None:
            out.append(upper)
        last_end = q.end
    return out


def _free(m: re.Match[str] | None, mask: bytearray, group: str) -> TypeGuard[re.Match[str]]:
    """True when ``m`` matched and the digits of ``group`` are not excluded."""
    return m is not None and not mask[m.start(group)]


def _number(token: str) -> float | None:
    try:
        return parse_number(token)
    except ValueError:
        return None


def _read_quantity(text: str, s: int, e: int, value: float, mask: bytearray) -> tuple[Quantity, Quantity | None]:
    """The quantity around the number token ``text[s:e]`` worth ``value``, and a range's upper bound."""
    before = text[max(0, s - 40) : s]
    offset = s - len(before)
    rank = _RANK_BEFORE.search(before)
    qual = None if rank else _QUALIFIER_BEFORE.search(before)
    start, pos = (offset + rank.start() if rank else s), e
    numerator = denominator = None
    is_range = False
    hi: re.Match[str] | None = None

    frac = _FRACTION.match(text, pos)
    if frac is not None and _POINTS_AFTER.match(text, pos) and frac.group("den") == "100":
        frac = None  # '85,6/100 điểm' is a score out of 100, not a share
    if _free(frac, mask, "den") and (den := _number(frac.group("den"))) is not None:
        denominator, numerator, pos = den, (None if rank else value), frac.end()
    elif rank:
        of = _RANK_OF.match(text, pos)
        if _free(of, mask, "den") and (den := _number(of.group("den"))) is not None:
            denominator, pos = den, of.end()
    else:
        rng = _RANGE.match(text, pos)
        if _free(rng, mask, "hi") and (_number(rng.group("hi")) or 0) > value:
            is_range, pos, hi = True, rng.end(), rng

    raw = value
    unit, value, pos = ("rank", value, pos) if rank else _unit_after(text, pos, value)
    unit_word = None
    if unit in ("count", "percent", "rank") and (noun := _NOUN_AFTER.match(text, pos)):
        unit_word, pos = noun.group("noun") or noun.group("acronym"), noun.end()
        if unit == "count" and unit_word.lower() == "tiêu chí":
            unit = "criteria"
    if unit in ("count", "percent") and (per := _PER_100_AFTER.match(text, pos)):
        unit, pos = "per_100_people", per.end()
    elif unit == "percent" and _PER_100_BEFORE.search(before):
        unit = "per_100_people"
    if unit == "count" and (group := _GROUP_BEFORE.search(before)) and _LEADING_AFTER.match(text, pos):
        unit, start = "rank", offset + group.start()  # 'nằm trong nhóm 10 tỉnh dẫn đầu'

    qualifier = "exact"
    if qual and not (qual.group("word") and qual.group("word").lower() == "vượt" and denominator is not None):
        qualifier = (
            _QUALIFIER_WORDS[qual.group("word").lower()]
            if qual.group("word")
            else _QUALIFIER_SYMBOLS[qual.group("sym")]
        )
        start = offset + qual.start()
    bound = _BOUND_AFTER.match(text, pos) if unit != "rank" else None
    if bound and "tuổi" not in bound.group("words").lower():  # not 'từ 15 tuổi trở lên'
        qualifier, pos = ("at_least" if bound.group("way").lower() == "lên" else "at_most"), bound.end()
    else:
        bound = None
    if is_range:
        qualifier = "at_least"
    if (is_range or bound) and not qual and (frm := _FROM_BEFORE.search(before)):
        start = offset + frm.start()

    q = Quantity(start, pos, s, e, value, unit, unit_word, numerator, denominator, qualifier, text[start:pos])
    if hi is None:
        return q, None
    top = parse_number(hi.group("hi")) * (value / raw if raw else 1.0)  # the scale of 'tỷ đồng' applies to both
    h_start, h_end = hi.span("hi")
    return q, Quantity(h_start, pos, h_start, h_end, top, unit, unit_word, None, None, "at_most", text[h_start:pos])


def _unit_after(text: str, pos: int, value: float) -> tuple[str, float, int]:
    """Unit, scaled value and end of '%', 'tỷ đồng', 'km', 'Mb/s' … right after a number."""
    if pct := _PERCENT.match(text, pos):
        return "percent", value, pct.end()
    if scale := _SCALE.match(text, pos):
        value *= math.prod(_SCALES[w] for w in scale.group("w").lower().split())
        pos = scale.end()
    if money := _CURRENCY.match(text, pos):
        return ("vnd" if money.group("vnd") else "usd"), value, money.end()
    if measure := _MEASURE.match(text, pos):
        return ("km" if measure.group("km") else "mbps"), value * (1000 if measure.group("gbps") else 1), measure.end()
    if points := _POINTS_AFTER.match(text, pos):
        return ("percentage_points" if points.group("pp") else "points"), value, points.end()
    if ranks := _RANKS_AFTER.match(text, pos):
        return "ranks", value, ranks.end()
    return "count", value, pos
