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
