"""The per-document indexes of the extractor answer as the per-span scans they replace.

Each index is checked against the scan it stands for on texts written for these
tests, over every span (or every line break) where the two could disagree.
"""

import re

import pytest

from cds_analysis.lang import segments
from cds_analysis.lang.segments import Span
from cds_analysis.reference.indicators import phrase_key
from cds_analysis.reference.vocab import load_vocabulary
from cds_analysis.rules import measures, naming

_DIGITAL_TEXTS = [
    "Chuyển đổi số được triển khai tại 15 xã. Tỷ lệ hồ sơ trực tuyến đạt 80%.",
    "chuyểnđổi số; chuyển đổi sốx và dịch vụ công trực tuyến, Chuyển   đổi số!",
    "Ứng dụng công nghệ số, chữ ký số cho 300 cán bộ; công nghệ sốhoá.",
    "Huyện có 153 thôn. Hội nghị tổng kết năm 2023 có 200 người tham dự.",
    "",
]


@pytest.mark.parametrize("text", _DIGITAL_TEXTS)
def test_digital_words_answer_as_a_search_of_every_span(text):
    index = measures.DigitalWords(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            span = Span(start, end)
            assert index.speak(span) == measures.speaks_of_digital(text, span), (start, end, text[start:end])


def _unwrap_char_by_char(text: str) -> str:
    """The former ``unwrap``: every newline inside a paragraph replaced, one character at a time."""
    chars = list(text)
    for p in segments.split_paragraphs(text):
        for i in range(p.start, p.end):
            if chars[i] == "\n":
                chars[i] = " "
    return "".join(chars)


@pytest.mark.parametrize(
    "text",
    [
        "tỷ lệ hồ sơ công việc tại cấp\nxã được xử lý trên môi trường mạng\nđạt 95%.\n\nNăm 2024:\n- 100% xã",
        "Dòng một\n  \n   tiếp tục viết thường\ncòn đây\n",
        "\n\n",
        "",
        "không kết thúc\n\nkhông nối",
    ],
)
def test_unwrap_joins_the_same_lines_as_before(text):
    assert segments.unwrap(text) == _unwrap_char_by_char(text)


def test_find_triggers_from_its_cache_is_a_fresh_list_each_time():
    first = naming.find_triggers("tỷ lệ hồ sơ trực tuyến toàn trình", unit="percent")
    first.clear()
    assert naming.find_triggers("tỷ lệ hồ sơ trực tuyến toàn trình", unit="percent")


def test_place_units_in_one_pattern_match_as_one_pattern_per_noun():
    table = load_vocabulary("counted_nouns")
    nouns = [phrase_key(n) for n in table.loc[table["role"] == "place_unit", "noun"]]
    for words in ["xã đạt chuẩn", "xãhội", "huyện", "thị xã", "thị", "địa phương", "các xã", "tổ chức", ""]:
        key = naming._DETERMINER.sub("", phrase_key(words))
        one_per_noun = any(re.match(rf"{re.escape(n)}(?!\w)", key) for n in nouns)
        assert naming._is_place_unit(words) == one_per_noun, words
