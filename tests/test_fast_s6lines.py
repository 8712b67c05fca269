"""The shortcuts of issue 15's sixth round (whole-document passes) find what the plain code they replace finds."""

import random
import re

from cds_analysis.lang import segments

# Texts in other provinces' wording, with the marks the shortcuts turn on.
_TEXTS = [
    "Sở Thông tin và Truyền thông tỉnh Đắk Lắk cho biết, tỷ lệ hồ sơ trực tuyến tại cấp\n"
    "huyện đạt 87,5%; cấp xã đạt  \n  71%.\nNăm 2024:\n  toàn tỉnh có 12 xã\n\n"
    "hoàn thành; (Ảnh: Hoàng Anh)   \n\t…\nđã xong…  \r\nsau đó",
    "BẢN TIN CHUYỂN ĐỔI SỐ\nQuý II/2024, Cà Mau có\n6 tháng đầu năm 2024\u00a0\nđạt\nthấp!\nvà\n\n\nrồi",
]


def _unwrapped_as_searched(text: str, start: int, end: int) -> bool:
    """The former test of an unfinished line: a search of the whole span for its last letter."""
    return bool(re.compile(r"[^.!?…:;\s]\s*$").search(text, start, end))


def test_an_unfinished_line_is_what_the_search_from_its_start_found():
    rng = random.Random(6)
    texts = _TEXTS + [
        "".join(rng.choice([".", "…", ";", ":", " ", "\u00a0", "\t", "\n", "x", "Đ", "!", "1"]) for _ in range(25))
        for _ in range(400)
    ]
    for text in texts:
        for start in range(len(text) + 1):
            for end in range(start, min(len(text), start + 12) + 1):
                assert segments._unfinished(text, start, end) == _unwrapped_as_searched(text, start, end), (
                    text,
                    start,
                    end,
                )


_SENTENCE_END_ON_THE_SPACE = re.compile(r"\s(?:(?<=[.!?…]\s)|(?<=[.!?…][\"”’)]\s))\s*(?=[\"“‘(]?(\w))")  # the former


def test_sentence_ends_found_from_their_mark_are_those_found_from_the_space():
    rng = random.Random(16)
    alphabet = [".", "!", "?", "…", '"', "”", "’", ")", "(", "“", "‘", " ", "  ", "\t", "\n", "\u00a0", "a", "B", "7"]
    texts = _TEXTS + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(2000)]
    for text in texts:
        for start, end in [(0, len(text)), (len(text) // 3, len(text) - len(text) // 4)]:
            found = [(m.span("gap"), m.group("next")) for m in segments._SENTENCE_END.finditer(text, start, end)]
            former = [(m.span(), m.group(1)) for m in _SENTENCE_END_ON_THE_SPACE.finditer(text, start, end)]
            if start == 0 or text[start - 1] not in '.!?…"”’)':  # a paragraph starts after a newline, not a mark
                assert found == former, (text, start, end)


def test_sentences_of_a_long_and_a_short_paragraph_are_those_cut_to_the_limit():
    sentence = "Tỉnh Sóc Trăng có 1.234 điểm phục vụ, đạt 85%; còn lại 15% chưa kết nối. "
    for text in ("Lâm Đồng đạt 90%. " + sentence * 40, sentence * 3, "x" * (segments.MAX_SENTENCE + 5)):
        (paragraph,) = segments.split_paragraphs(text)
        wholes = segments._split(text, 0, len(text), segments._SENTENCE_END, lambda s, m: True)
        pieces = [p for whole in wholes for p in segments._bounded(text, *whole)]
        assert [(s.start, s.end) for s in paragraph.sentences] == pieces
