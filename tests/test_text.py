import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cds_analysis.lang.text import NormalizedText, fold, fold_key, normalize, occurrences


def test_both_tone_styles_and_forms_meet():
    forms = [
        "Hoằng Hoá",
        "Hoằng Hóa",
        unicodedata.normalize("NFD", "Hoằng Hoá"),
        unicodedata.normalize("NFD", "Hoằng Hóa"),
    ]
    assert {normalize(f) for f in forms} == {"Hoằng Hóa"}
    assert normalize("Thuỷ") == normalize("Thủy") == "Thủy"
    assert normalize("hoà") == normalize("hòa") == "hòa"
    assert normalize("KHÁNH HOÀ") == "KHÁNH HÒA"


def test_closed_syllables_and_qu_are_left_alone():
    for word in ["Hoàng", "khuyến", "toán", "quý", "quỳnh", "của", "mùa"]:
        assert normalize(word) == word


def test_spaces_are_plain_and_zero_width_dropped():
    assert normalize("đạt\u00a094%") == "đạt 94%"
    assert normalize("a\u200bb\ufeff") == "ab"
    assert normalize("dòng 1\ndòng 2") == "dòng 1\ndòng 2"


def test_fold_key_matches_without_diacritics():
    assert fold_key("huyen Hoang Hoa") == fold_key("huyện Hoằng Hóa") == fold_key("HUYỆN HOẰNG HOÁ")
    assert fold_key("Đức Phổ") == "duc pho"


def test_fold_keeps_length():
    s = normalize("Đạt 99,89% hồ sơ")
    assert len(fold(s)) == len(s)


def test_offsets_point_into_the_original_nfd_text():
    original = "Tại " + unicodedata.normalize("NFD", "huyện Hoằng Hoá") + " đạt\u00a099,89%"
    nt = NormalizedText.of(original)
    start = nt.text.index("Hoằng Hóa")
    quote, s, e = nt.evidence(start, start + len("Hoằng Hóa"))
    assert normalize(quote) == "Hoằng Hóa"
    assert original[s:e] == quote
    start = nt.text.index("99,89%")
    assert nt.evidence(start, start + 6)[0] == "99,89%"


def test_from_original_inverts_to_original():
    original = unicodedata.normalize("NFD", "Thuỷ lợi xã Hoà Bình")
    nt = NormalizedText.of(original)
    s, e = nt.to_original(9, 11)
    assert nt.from_original(s, e) == (9, 11)


@given(
    st.text(
        alphabet=st.sampled_from(list("aoeuyqhđĐ \u00a0\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u200bAOUY")),
        max_size=40,
    )
)
def test_every_span_maps_back_inside_the_original(original):
    nt = NormalizedText.of(original)
    assert normalize(nt.text) == nt.text  # idempotent
    for i in range(len(nt.text)):
        s, e = nt.to_original(i, i + 1)
        assert 0 <= s < e <= len(original)


_VIETNAMESE = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐqhngtc \u00a0\u2009" + "".join("áàảãạốồổỗộýỳỷỹỵéè")


@given(st.text(alphabet=st.sampled_from(list(_VIETNAMESE)), max_size=30))
def test_composed_and_decomposed_inputs_normalise_alike(s):
    composed = unicodedata.normalize("NFC", s)
    assert normalize(composed) == normalize(unicodedata.normalize("NFD", s))
    nt = NormalizedText.of(composed)
    assert len(nt.text) == len(composed) and nt.to_original(0, len(nt.text)) == (0, len(composed))


def test_occurrences_are_every_start_overlapping_ones_too():
    assert occurrences("xã Hòa Hòa Hòa", "Hòa Hòa") == [3, 7]  # the second starts inside the first
    assert occurrences("Các xã lần lượt đạt 92% và 88%, lần lượt", "lần lượt") == [7, 32]
    assert occurrences("huyện Lắk", "Đắk") == []
