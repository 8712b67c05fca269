"""The shortcuts of issue 15 in rules/ and lang/ find what the plain code they replace finds."""

from __future__ import annotations

import re

import pytest

from cds_analysis.lang.text import fold, fold_key, normalize, phrase_trie
from cds_analysis.reference.vocab import load_vocabulary, phrase_pattern
from cds_analysis.rules import boilerplate, evidence, timing

TEXTS = [
    "Mục tiêu năm 2025: 100% hồ sơ được số hóa; kế hoạch đề ra phấn đấu đạt 95%.",
    "Tỉnh sẽ   triển khai Chuyển Đổi Số, CHÍNH QUYỀN SỐ và kinh tế số; chỉ tiêu được giao là 80%.",
    "Số hóađược 12 hồ sơ, không dùng tiền mặt,dịch vụ công trực tuyến toàn trình.",
    "Kế hoạchsố 12 đã ban hành; cần đạt 90%, tối thiểu mỗi xã 2 điểm cầu; Wi-Fi, wifi, 4G và 5G phủ sóng.",
    "Đài truyền hình, trang thông tin điện tử, thư điện tử công vụ, máy tính bảng; CĐS cấp xã.",
    "",
    "chuyển\u00a0đổi số\nở thôn 6\n\ncông nghệ số. nhiệm vụ, mục tiêu chỉ tiêu",
]


@pytest.mark.parametrize("vocabulary", ["digital_words", "goal_cues"])
@pytest.mark.parametrize(
    "frame",
    [r"\b({})\b", r"(?<![\wÀ-ỹ])(?:{})(?![\wÀ-ỹ])", r"(?:{})"],
)
def test_phrase_trie_finds_what_the_sorted_alternation_finds(vocabulary, frame):
    phrases = load_vocabulary(vocabulary)["phrase"]
    plain = re.compile(frame.format(phrase_pattern(phrases)), re.I)
    trie = re.compile(frame.format(phrase_trie(phrases)), re.I)
    for text in [normalize(t) for t in TEXTS] + [normalize(" ".join(phrases)), normalize(", ".join(phrases).upper())]:
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]
        for start in range(0, len(text), 7):  # windows cut phrases at either end
            for end in range(start, min(len(text), start + 60) + 1, 5):
                found, expected = trie.search(text, start, end), plain.search(text, start, end)
                assert (found and found.span()) == (expected and expected.span())


def test_phrase_trie_takes_the_longest_phrase_the_pattern_accepts():
    pattern = re.compile(rf"\b(?:{phrase_trie(['công nghệ', 'công nghệ số', 'công', 'số hóa'])})\b", re.I)
    assert [m.group() for m in pattern.finditer("Công nghệ số, công nghệ sốx, công  nghệ và số hóa")] == [
        "Công nghệ số",
        "công nghệ",
        "công  nghệ",
        "số hóa",
    ]


def test_line_keys_from_the_whole_text_are_the_keys_of_each_line():
    text = normalize(
        "  Tin liên quan:  \n(Baoquangngai.vn)- Tỉnh đạt 95% hồ sơ “trực tuyến”!\n\u00a0\n"
        "Ảnh: T.HẬU\nCÔNG NGHỆ SỐ – Đà Nẵng ĐÃ số hoá 1.234 hồ sơ (Ảnh: VGP)\n\tİstanbul ß đ Đ\n"
    )
    lines = boilerplate._lines(text)
    assert len(lines) == text.count("\n") + 1
    assert [line.key for line in lines] == [boilerplate._key(line.content) for line in lines]


def test_cached_rate_of_and_event_answer_as_the_plain_functions():
    from cds_analysis.reference import indicators

    for code in indicators.codes():
        assert evidence._rate_of(code) == evidence._rate_of.__wrapped__(code)
    assert evidence._rate_of("dossiers_digitized_count") == evidence._rate_of.__wrapped__("dossiers_digitized_count")
    for sentence in ["Tại lễ phát động, 13 điểm cầu đã kết nối.", "Hội nghị trực tuyến tới 20 xã.", "Đạt 95%.", ""]:
        assert timing._at_event(sentence) == bool(timing._EVENT.search(sentence))


def _plain_fold_key(text: str) -> str:
    key = re.sub(r"[^\w\s]", " ", fold(normalize(text)))
    return re.sub(r"\s+", " ", key).strip()


def test_fold_key_in_one_table_is_the_fold_then_the_punctuation_then_the_spaces():
    every_character = "".join(chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000)
    for text in [
        *TEXTS,
        every_character,
        every_character.upper(),
        "  Huyện  Hoằng\tHoá, (Thanh Hóa)!\u00a0\n",
        "e\u0301 \u0301",
    ]:
        assert fold_key.__wrapped__(text) == _plain_fold_key(text)


def test_rules_a_report_cannot_match_are_not_searched():
    from cds_analysis.lang.segments import split_paragraphs
    from cds_analysis.rules import measures

    texts = [
        *TEXTS,
        "Có 283 điểm phục vụ BƯU CHÍNH. Trả kết quả qua bưu chính công ích 95%.",
        "Các tỉnh CÒN LẠI đều dưới 50%; THÀNH PHẦN GỒM 3 Tổ viên; “Xã 5 sao” đạt 12 xã.",
    ]
    for text in map(normalize, texts):
        for rule in measures._NEEDS:
            if not measures._may_occur(text, rule):
                assert rule.search(text) is None
        for paragraph in split_paragraphs(text):
            for sentence in paragraph.sentences:
                expected = bool(measures._POSTAL.search(text, sentence.start, sentence.end))
                assert measures.is_postal(text, sentence) == expected
    assert not measures._absent(normalize(texts[-1])) - {measures._POSTAL}
    assert measures._absent(normalize(TEXTS[0])) == set(measures._NEEDS)


def test_the_words_rules_need_have_no_other_spelling_when_case_is_ignored():
    from cds_analysis.rules import measures

    for rule, words in measures._NEEDS.items():
        for ch in set("".join(words)) - {" "}:
            twin = re.compile(re.escape(ch), rule.flags)
            assert all(c.lower() == ch for c in map(chr, range(0x10000)) if twin.fullmatch(c)), (rule, ch)
