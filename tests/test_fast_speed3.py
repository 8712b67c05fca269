"""The fold shortcut of the extractor's second speed round answers as the plain code it replaces.

Each is checked against the code it stands for, on texts written for these tests.
"""

import random

import pytest

from cds_analysis.lang import text as text_module
from cds_analysis.lang.text import fold


def _fold_by_table(text: str) -> str:
    """The plain fold: one ``str.translate`` look-up per character."""
    return text.translate(text_module._FOLD)


def test_fold_by_array_matches_translate_on_every_code_point():
    every = "".join(chr(i) for i in range(text_module.CHAR_TABLE_END))
    assert len(every) >= text_module.CHAR_TABLE_FROM
    assert fold(every) == _fold_by_table(every)


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ hồ sơ TTHC được xử lý trực tuyến ĐẠT 95%; Hoà, Thuỷ, Khánh Hoà. " * 4,
        "Quyết định số 12/QĐ-UBND ngày 3\u00a0tháng 5 — “Chuyển đổi số”\u200b\n" * 5,
        "Ký tự ngoài bảng: 中文 😀 và dấu tách \ud800 lẻ. " * 6,  # code points the array does not hold
        "x" * (text_module.CHAR_TABLE_FROM - 1),
        "É" * text_module.CHAR_TABLE_FROM,
        "",
    ],
)
def test_fold_long_and_short_texts_match_translate(text):
    assert fold(text) == _fold_by_table(text)
    assert len(fold(text)) == len(text)


def test_fold_random_texts_match_translate():
    rng = random.Random(15)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬĐÉÈẺẼẸỂỀỂỄỆ .,;:()%-\n\u0301\u0323"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 400)))
        assert fold(text) == _fold_by_table(text)
