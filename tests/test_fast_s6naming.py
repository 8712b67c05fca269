"""Naming's shortcuts find what the plain code finds (issue 15, session 6).

A report is folded once and each window of it read as a slice of that fold; a phrase's key
is read off the match as written unless spaces inside it need joining; a unit word the
context lacks is scanned on its own and shifted past the separator, not appended and the
whole text scanned again. Each is checked here against the code it replaces, on texts
written for these tests (other provinces' wording).
"""

import re
from collections import defaultdict

import pytest

from cds_analysis.lang.text import fold
from cds_analysis.reference.indicators import catalogue, phrase_key
from cds_analysis.rules import naming

_TEXTS = [
    # long enough to be folded through the code-point table, with a rate, asides and a list
    "Năm 2024, tỉnh Lạng Sơn có 1.204/1.311 hồ sơ nộp trực tuyến toàn trình, tỉ lệ đạt 91,8%; "
    "dịch vụ công (DVC) trực tuyến một phần 235 thủ tục; 100% xã, phường đã có Tổ CNSCĐ với 2.871 thành viên.",
    # short (folded through str.translate), old-style tones, capitals, a line break inside a phrase
    "TỶ LỆ hồ sơ\ncông   việc xử lý trên môi trường mạng: 97%",
    # decomposed (NFD) accents and characters beyond the table (CJK, emoji)
    "Ty\u0309 le\u0302\u0323 ho\u0302\u0300 so\u031b thanh toa\u0301n trư\u0323c tuye\u0302\u0301n 64% 中文 😀 "
    "tại huyện Mường Tè, Lai Châu đến hết quý III.",
    "",
]


def _clear_caches() -> None:
    """The naming caches start empty here, whatever other tests left in them."""
    naming._folded.cache_clear()
    naming._triggers.cache_clear()
    naming._match_folded.cache_clear()


@pytest.mark.parametrize("text", _TEXTS + [_TEXTS[0] * 3])
def test_a_slice_of_the_reports_fold_is_the_slice_folded(text):
    _clear_caches()
    whole = naming._folded(text)
    assert len(whole) == len(text)
    cuts = sorted({0, len(text), *range(0, len(text), 7), *range(3, len(text), 29)})
    for a in cuts:
        for b in cuts:
            if a <= b:
                assert whole[a:b] == fold(text[a:b]), (a, b)


@pytest.mark.parametrize("unit", [None, "percent", "count"])
def test_windows_named_off_the_reports_fold_are_named_as_their_slices(unit):
    _clear_caches()
    for text in _TEXTS:
        words = [0, *(i + 1 for i, ch in enumerate(text) if ch in " ,;:(\n"), len(text)]
        for a in words:
            for b in words[::3]:
                if a > b:
                    continue
                for unit_word in (None, "hồ sơ", "thành viên", "xã"):
                    got = naming._match_span(text, a, b, unit, unit_word)
                    assert got == naming.match_indicator(text[a:b], unit, unit_word), (a, b, unit_word)
                assert naming._triggers_in(text, a, b, unit) == naming.find_triggers(text[a:b], unit)


def _evidence_of_the_text_with_the_noun_appended(folded: str, unit_word, unit):
    """The former ``_evidence``: the noun the context lacks appended after ' | ', the whole text scanned again."""
    evidence: dict = defaultdict(dict)
    matcher = naming._matcher(unit, "triggers")
    if matcher is None:
        return evidence
    folded = naming._ASIDE.sub(lambda m: " " * len(m.group()), folded)
    near = (0, 0)
    if unit_word and unit_word.strip():
        noun = " ".join(fold(unit_word).split())
        at = folded.rfind(noun)
        if at >= 0:
            near = (at, at + len(noun))
        else:
            near = (len(folded) + 3, len(folded) + 3 + len(noun))
            folded = f"{folded} | {noun}"
    named_rate = {m.end() for m in naming._FOLDED_RATE_WORD.finditer(folded)}
    unit_factor = 1 if unit == "percent" else 2
    for m in naming._outermost(matcher.scan(folded)):
        score = m.weight * (2 if m.start in named_rate else 1)
        if near[0] <= m.start and m.end <= near[1]:
            score *= unit_factor
        phrases = evidence[m.code]
        phrases[m.trigger] = max(phrases.get(m.trigger, 0), score)
    return evidence


@pytest.mark.parametrize("unit", [None, "percent", "count", "rank"])
@pytest.mark.parametrize(
    "unit_word",
    [None, "", "  ", "hồ sơ", "Tổ CNSCĐ", "tỷ lệ hồ sơ trực tuyến", "thủ tục hành chính mức độ 4", "thành viên", "xã"],
)
def test_a_noun_scanned_alone_scores_as_the_noun_appended(unit, unit_word):
    _clear_caches()
    contexts = [fold(t) for t in _TEXTS] + [
        fold("đạt tỷ lệ  "),  # 'tỷ lệ' right before the separator
        fold("số lượng Tổ công nghệ số cộng đồng (TCNSCĐ) được thành lập"),
        fold("hồ sơ"),
        "",
    ]
    for folded in contexts:
        got = naming._evidence(folded, unit_word, unit)
        assert got == _evidence_of_the_text_with_the_noun_appended(folded, unit_word, unit), folded


def test_no_phrase_crosses_the_separator_a_noun_is_read_after():
    keys = {phrase_key(p) for ind in catalogue().values() for p in (*ind.triggers, *ind.counts)}
    assert keys and not any("|" in key for key in keys)


@pytest.mark.parametrize("unit", [None, "percent", "count"])
def test_a_phrase_read_as_written_has_the_owners_of_its_joined_key(unit):
    matcher = naming._matcher(unit, "triggers")
    for text in [
        "Tổ  công\tnghệ số\ncộng đồng",
        "hồ sơ   trực tuyến toàn\u00a0trình",
        "ký số tập thể, chữ ký số",
        "",
    ]:
        folded = fold(text)
        for m in matcher.scan(folded):
            key = " ".join(folded[m.start : m.end].split())
            assert (m.code, m.trigger, m.weight) in matcher.owners[key]
        whole = {(m.start, m.end, m.code) for m in matcher.scan(folded)}
        joined = {(m.start, m.end, m.code) for m in matcher.scan(" ".join(folded.split()))}
        assert len(whole) == len(joined)


def test_a_codes_phrases_read_off_its_units_scan_are_those_the_scan_of_all_units_finds():
    _clear_caches()
    texts = _TEXTS + [
        # phrases of one unit inside longer phrases of another: 'hồ sơ trực tuyến' (count, percent, ...)
        "tỷ lệ hồ sơ trực tuyến toàn trình, số hồ sơ trực tuyến, dịch vụ công trực tuyến toàn trình, ký số tập thể",
        "Tổ công nghệ số cộng đồng thôn Nà Hẩu, thành viên Tổ CNSCĐ, chữ ký số công cộng, nền tảng số",
    ]
    codes = [c for c, ind in catalogue().items() if ind.triggers]
    for text in texts:
        every = naming.find_triggers(text)
        for code in codes:
            plain = [m for m in every if m.code == code]
            assert naming._phrases_of(code, text, 0, len(text)) == plain, (code, text)


@pytest.mark.parametrize(
    "text",
    [
        "tỷ lệ hồ sơ; ty le, tỉ lệ\nhộ; stỷ lệ x; tỷ lệtỷ lệ y; (tỷ lệ  z); TỶ LỆ số; t ỷ lệ; 5tỷ lệ a; _ty le b",
        "ty le ",
        "ty le",
        "",
    ],
)
def test_the_rate_word_led_by_its_letter_is_found_where_the_look_behind_first_found_it(text):
    former = re.compile(r"(?<!\w)t[yi] le\s+")
    folded = fold(text)
    assert [m.span() for m in naming._FOLDED_RATE_WORD.finditer(folded)] == [m.span() for m in former.finditer(folded)]
