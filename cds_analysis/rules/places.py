"""Where a fact is: the unit, or the lower units of a unit taken together, and its tier.

Places are read in reading order. A unit that qualifies the number's noun
('100% xã của huyện Tư Nghĩa') wins; then a unit named in the number's own
clause; otherwise the first unit the sentence names; otherwise the last unit
named before it, so an opener such as 'Tại điểm cầu huyện Tư Nghĩa' holds
until another place takes over. Bare tier words ('huyện', 'toàn huyện',
'trên địa bàn tỉnh') point at the last unit of that tier. Units listed after
'gồm' and a bracketed parent ('xã Tịnh Long (TP.Quảng Ngãi)') are not
subjects. The tier is that of the number's own noun phrase ('22 điểm cầu tại
các xã', '120 Tổ thôn, tổ dân phố', '100% xã, thị trấn'), else of a
collective marker earlier in the clause ('Đối với cấp xã,', 'UBND các xã, thị
trấn ban hành'), else the place's own.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import accumulate
from urllib.parse import urlsplit

from cds_analysis.lang.segments import Paragraph, Sentence, Span
from cds_analysis.lang.text import occurrences, phrase_trie
from cds_analysis.reference import gazetteer
from cds_analysis.reference.levels import RANK
from cds_analysis.reference.vocab import load_vocabulary, phrase_pattern
from cds_analysis.rules import quantities
from cds_analysis.rules.boilerplate import in_boilerplate
from cds_analysis.rules.nouns import noun_after

__all__ = ["Place", "PlaceContext", "TIER_WORD", "site_units"]

# Phrases spanning tiers ('từ huyện đến xã', 'cấp huyện, cấp xã') name no single tier.
_FROM_TO = re.compile(
    r"\btừ (?:cấp )?(?:tỉnh|huyện|xã|thị xã|trung ương)\b[^.;]{0,30}?\bđến (?:cấp )?(?:tỉnh|huyện|xã|thị xã|cơ sở|thôn)[\w, ]{0,20}",
    re.I,
)
_BOTH_TIERS = re.compile(r"\bcấp (?:tỉnh|huyện)(?:,| và) cấp (?:huyện|xã)\b(?:(?:,| và) cấp xã\b)?", re.I)


def _without_spanning_phrases(words: str) -> str:
    """``words`` with the phrases spanning tiers blanked out (offsets kept).

    Most stretches name neither 'từ … đến' nor 'cấp': the patterns run only where their words are.
    """
    lowered = words.lower()
    if "từ" in lowered and "đến" in lowered:
        words = _FROM_TO.sub(_blank, words)
    if "cấp" in lowered:
        words = _BOTH_TIERS.sub(_blank, words)
    return words


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group())


# 'Ở cấp xã, …' at the head of a sentence sets the tier for all its clauses.
_HEAD_TIER = re.compile(
    r"\s*(?:(?:Ở|Đối với|Riêng|Còn|Với|Tại) (?P<tier>(?:cấp|các) (?:xã|thôn)(?:, (?:phường|thị trấn|tổ dân phố))*),"
    r"|(?P<subject>(?:UBND )?[Cc]ác (?:xã|thôn)(?:, (?:phường|thị trấn|bản|tổ dân phố))*)\s(?!của|thuộc|trên|tại))"
)
# 'Tỷ lệ thôn được phủ sóng …: 100%': a rate of units of a tier. (Lookaheads such as '(?=[tT])' name the
# first letters of every match: where they fail, ``re`` tries nothing else.)
_RATE_OF_TIER = re.compile(
    r"(?=[tT])\b(?i:t[ỷỉ] lệ)\s+(?:(?:số|các)\s+)?(?P<tier>thôn|bản|tổ dân phố|xã|phường|huyện)\b(?!\s+[A-ZĐ])[^.;\n]{0,100}$"
)

# Tier words in a number's noun phrase or earlier in its clause.
_TIER = re.compile(
    r"(?P<village>(?<![\wÀ-ỹ])(?:các |cấp |tại các |tại |của các )?(?:thôn|tổ dân phố|ấp|khu phố|làng)\b(?:, (?:tổ dân phố|khu phố|bản|làng))?)"
    r"|(?P<commune>(?:(?<![\wÀ-ỹ])(?:các |cấp |tại các |của các |UBND các |UBND cấp )(?:xã|phường|thị trấn)"
    r"|(?<![\wÀ-ỹ])(?:tại |của )?(?<!thị )(?:xã|phường|thị trấn)(?=, (?:xã|phường|thị trấn))|\A\s*(?:xã|phường|thị trấn))"
    r"\b(?:, (?:xã|phường|thị trấn))*(?!\s+[A-ZĐ]))"
    r"|(?P<localities>các địa phương|\d+ địa phương)"
    r"|(?P<districts>(?:(?:UBND )?các |^\s*)(?:huyện|quận|thị xã|thành phố)(?:, (?:thị xã|thành phố|quận|huyện))*(?!\s+[A-ZĐ]))"
    r"|(?P<units>^\s*đơn vị\b)"
    r"|(?P<district>(?:toàn|cấp|UBND cấp) (?:huyện|thị xã)\b|(?:tại|của) (?:UBND )?(?:huyện|thị xã)\b(?!\s+[A-ZĐ]))",
)
# Every match of _TIER has one of these words: where none is, _TIER is not tried.
_TIER_NOUN = re.compile("thôn|tổ dân phố|ấp|khu phố|làng|xã|phường|thị trấn|địa phương|huyện|quận|thành phố|đơn vị")
# '100% (số) xã', '9/9 huyện': the noun follows the percent sign or the denominator.
_RATE_HEAD = re.compile(r"^\s*(?:%|/\s?[\d.]+)(?:\s+số\b)?")
_LEVEL_OF_GROUP = {
    "village": "village",
    "commune": "commune",
    "localities": "commune",
    "districts": "district_collective",
    "district": "district",
    "units": "sub_units",
}
_CLAUSE_MARKER = re.compile(
    r"(?=[cCtTđĐU])(?:(?P<commune>(?:(?i:đối với) |của |UBND |tại )?(?i:các|cấp) (?:xã|phường|thị trấn)\b(?:, (?:phường|thị trấn))*(?!\s+[A-ZĐ])|(?i:các) địa phương)"
    r"|(?P<village>(?i:các|cấp) (?:thôn|tổ dân phố|bản|ấp|khu phố)\b)"
    r"|(?P<district>(?i:toàn) huyện|(?i:toàn) thị xã|(?i:cấp) huyện)"
    r"|(?P<district_collective>(?i:các) (?:huyện|quận|thị xã|thành phố)(?:, (?:thị xã|thành phố|quận|huyện))*(?!\s+[A-ZĐ])))"
)
# Every match of _CLAUSE_MARKER has one of these words: where none is, _CLAUSE_MARKER is not tried. (Each
# alternative opens on a letter as written: ``re`` skips ahead to those letters rather than trying every position.)
_MARKER_WORD = re.compile(r"c(?i:ác|ấp)|C(?i:ác|ấp)|t(?i:oàn)|T(?i:oàn)")
# 'thành viên Tổ CNSCĐ cấp xã': the tier describes the team, not the fact's unit.
_ORGANISATION = re.compile(r"(Tổ CNSCĐ|Tổ công nghệ số cộng đồng|thành viên|Ban Chỉ đạo|Tổ giúp việc)\s*$", re.I)


def _tier_words_of(level: str) -> str:
    return {
        "commune": "các xã, thị trấn",
        "village": "các thôn, tổ dân phố",
        "district_collective": "các huyện, thị xã, thành phố",
    }[level]


@dataclass(frozen=True)
class Place:
    """The place a fact is about: a unit, or the lower units of a unit taken together."""

    level: str
    unit: gazetteer.Unit | None
    collective: str | None = None  # the text's tier words ('các xã, phường') for a collective

    @property
    def label(self) -> str | None:
        if self.unit is None or (self.named_village and self.unit.level != "commune"):
            return self.collective  # a named village whose commune the text does not give is named alone
        return f"{self.collective} {self.unit.label}" if self.collective else self.unit.label

    @property
    def named_village(self) -> bool:
        """'thôn Phủ Lý Bắc', not the collective 'các thôn, tổ dân phố'."""
        words = (self.collective or "").lower()
        return self.level == "village" and bool(words) and not words.startswith(("các ", "cấp "))

    @property
    def key(self) -> tuple:
        return (self.level, self.unit.code if self.unit else None, self.collective)

    def _tier(self, level: str) -> tuple[str | None, str | None]:
        u = self.unit
        if u is None:
            return None, None
        if level == "province":
            return (u.name, u.code) if u.level == "province" else (u.province_name, u.province_code)
        if level == "district":
            if u.level == "district":
                return u.label, u.code
            if u.level == "commune" and u.district_code:
                return _district_label(u), u.district_code
            return None, None
        if u.level == "commune":
            return u.label, u.code
        return None, None

    province = property(lambda self: self._tier("province")[0])
    province_code = property(lambda self: self._tier("province")[1])
    district = property(lambda self: self._tier("district")[0])
    district_code = property(lambda self: self._tier("district")[1])
    commune = property(lambda self: self._tier("commune")[0])
    commune_code = property(lambda self: self._tier("commune")[1])


@lru_cache(maxsize=1 << 12)
def _district_label(unit: gazetteer.Unit) -> str | None:
    """The label of a commune's district ('huyện Tư Nghĩa'), looked up once for each commune a corpus names."""
    district = (
        gazetteer.resolve(unit.district_name, level="district", province=unit.province_code)
        if unit.district_name
        else None
    )
    return district.label if district else unit.district_name


@dataclass(frozen=True)
class _Ref:
    """A mention of a place in the text (named, or a bare tier word)."""

    start: int
    end: int
    unit: gazetteer.Unit | None
    tier: str | None = None  # for bare references: 'province' | 'district' | 'commune'
    collective: str | None = None  # 'các địa phương trên địa bàn X' → commune collective


_BARE_REF = re.compile(
    r"(?P<province>\b(?i:trên địa bàn|toàn|của|cả|cấp) tỉnh\b(?!\s+[A-ZĐ])"
    r"|(?:(?<=^)|(?<=[,.:] ))(?i:t)ỉnh(?= (?:đã|đặt|đạt|có|tiếp tục|phấn đấu|xếp|vươn|tăng|giảm|hiện|triển khai|đề ra|hoàn thành)\b))"
    r"|(?P<district>(?<!, )(?<!các )(?<!cấp )\b(?:(?i:toàn) huyện|(?i:trên) địa bàn huyện|UBND huyện|(?i:h)uyện|thị xã|(?i:toàn) thị xã|UBND thị xã)\b)(?!\s+(?:[A-ZĐ]|miền|vùng))"
    r"|(?P<commune>(?<![,\w] )\bXã\b(?!\s+[A-ZĐ])|\b(?:toàn xã|UBND xã|địa phương này)\b(?!\s+[A-ZĐ]))"
)
# A ministry, or the country as a whole ('bình quân cả nước'), is national. 'Xếp thứ 21 cả nước' is a
# province's rank among the country's, not a national figure.
_NATIONAL_BODIES = load_vocabulary("national_bodies")["name"]
_NATIONAL_REF = re.compile(
    rf"(?<![\wÀ-ỹ])(?P<body>{phrase_pattern(_NATIONAL_BODIES)})(?![\wÀ-ỹ])"
    r"|\b(?P<country>(?:(?i:bình quân|trung bình|tỷ lệ chung của|mức chung của) )(?:cả nước|toàn quốc))\b"
    r"|(?:^|(?<=[.:;] ))(?P<whole>Cả nước|Toàn quốc)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Where _NATIONAL_REF's matches start, in the lower-cased text: a body's name or the words opening the others.
_NATIONAL_ANCHOR = re.compile(
    phrase_trie(
        [*_NATIONAL_BODIES, "bình quân", "trung bình", "tỷ lệ chung của", "mức chung của", "cả nước", "toàn quốc"]
    )
)
# The keywords of _BARE_REF ('tỉnh', 'huyện', 'xã', 'địa phương này') by their rarer letters, with what must stand
# before them for a match to end there: every match starts at most 14 characters before one ('trên địa bàn tỉnh')
# and ends with it, never before a capitalised word ('huyện Tư Nghĩa' is a name, looked for in the gazetteer).
_BARE_ANCHOR = re.compile(
    r"(?:ỉnh(?:(?<=[nNaAảẢpP] tỉnh|[,.:] [tT]ỉnh)|(?<=^[tT]ỉnh))"  # 'toàn|của|cả|cấp|… bàn tỉnh', 'Tỉnh đã'
    r"|uyện(?<=[hH]uyện)(?<!cấp [hH]uyện|các [hH]uyện)(?<!, [hH]uyện)"  # not 'cấp huyện', 'các huyện', ', huyện'
    r"|xã(?:(?<=thị xã)(?<!cấp thị xã|các thị xã)(?<!, thị xã)|(?<=toàn xã|UBND xã))"  # not 'cấp xã', '100% xã'
    r"|Xã|phương này)(?!\s+[A-ZĐ])"
)
_BARE_REACH = 14
# A village is named by its word and a name or number ('thôn Phủ Lý Bắc', 'TDP 1', 'thôn 6'); the gazetteer
# stops at communes, so the village is placed in the commune in focus.
_VILLAGE_REF = re.compile(
    r"(?<![\wÀ-ỹ])(?:[Tt]hôn|TDP|[Tt]ổ dân phố|[Xx]óm|[Kk]hu phố)\s+(?:\d+\b|(?:[^\W\d_]+ ?){1,4})"
)
# The village words of _VILLAGE_REF without their first letter, before a space ('thôn 6', not 'thông tin'): every
# match starts at most 1 character before one.
_VILLAGE_ANCHOR, _VILLAGE_REACH = re.compile(r"(?:hôn|TDP|ổ dân phố|óm|hu phố)(?=\s)"), 1


_WORD_START = re.compile(r"\b(?=\w)")


def _matches_near(pattern: re.Pattern[str], text: str, anchors: Iterable[int], reach: int, start=0, end=None):
    """``pattern.finditer(text, start, end)`` for a pattern whose every match starts a word at most ``reach``
    characters before one of the (ascending) ``anchors``.

    A large alternation tried at every character is slow; a few keywords are
    found in one fast pass, and the pattern is tried only at the word starts
    just before them. Matches do not overlap, as with ``finditer``.
    """
    end = len(text) if end is None else end
    pos = start
    for anchor in anchors:
        if reach:
            tried = [w.start() for w in _WORD_START.finditer(text, max(pos, anchor - reach), anchor + 1)]
        else:
            tried = [anchor]  # the pattern itself checks what stands before it
        for at in tried:
            if at < pos:
                continue
            m = pattern.match(text, at, end)
            if m:
                yield m
                pos = m.end()
        pos = max(pos, anchor + 1)


def _national_refs(text: str, lowered: str | None, start: int, end: int):
    """``_NATIONAL_REF.finditer(text, start, end)``, tried only where the lower-cased text starts a phrase of it."""
    if lowered is None:  # lower-casing does not give what IGNORECASE matches: try every word
        anchors = (m.start() for m in _WORD_START.finditer(text, start, end))
    else:
        anchors = _every_start(_NATIONAL_ANCHOR, lowered, start, end)
    return _matches_near(_NATIONAL_REF, text, anchors, 0, start, end)


def _every_start(pattern: re.Pattern[str], text: str, start: int, end: int):
    """Every position of ``text[start:end]`` where ``pattern`` matches, those inside another match too."""
    m = pattern.search(text, start, end)
    while m is not None:
        yield m.start()
        m = pattern.search(text, m.start() + 1, end)


def _village_name(hit: re.Match[str]) -> str | None:
    """'thôn Phủ Lý Bắc' of 'thôn Phủ Lý Bắc có …': the word and its number or capitalised name, else None."""
    word, _, rest = hit.group().partition(" ")
    if rest.strip().isdigit():
        return f"{word} {rest.strip()}"
    name = []
    for token in rest.split():
        if not token[0].isupper():
            break
        name.append(token)
    return f"{word} {' '.join(name)}" if name else None


# Every phrase of _COLLECTIVE_REF starts 'các ': where the words before a unit lack it, it is not tried.
_COLLECTIVE_REF = re.compile(
    r"\b(?P<words>các địa phương|các xã, thị trấn|các xã, phường, thị trấn|các xã, phường|các xã) (?:trên địa bàn |của |thuộc )?$"
)


_ROW_TIER = re.compile(r"\b(?i:cấp) (tỉnh|huyện|xã)\b")
_RESPECTIVELY = re.compile(r"\blần lượt\b")
_QUALIFYING = re.compile(r"\b(của|tại|ở|thuộc|trên địa bàn)\s*$")


_COUNT_BEFORE = re.compile(r"(\d+)\s$")  # '6 huyện, thị xã'
_YEAR = re.compile(r"(19|20)\d\d")
_OPENED_AFTER_WORD = re.compile(r"[\wÀ-ỹ]\s*\($")
_CLOSING = re.compile(r"\s*\)")
_OWN_FIGURE = re.compile(r"\s*(?:\(\s*\d|đạt\b|với\b)")
_INCLUDING = re.compile(r"\b(gồm|bao gồm)\b")
_BEFORE_TIER_WORDS = re.compile(r"^(?:\d+ |UBND |(?i:tại |của |đối với ))+")
_ACTOR = re.compile(r"(UBND|Ủy ban nhân dân|Tỉnh ủy|Huyện ủy|Thủ tướng|Chủ tịch)\s*$")
_LIST_OPENER = re.compile(r"\b(gồm|bao gồm|như)\s*:?\s*(?:các )?(?:xã|thị trấn|phường)?\s*$")


class PlaceContext:
    """Places named in one document, in reading order, and the unit in focus at each point."""

    def __init__(
        self,
        text: str,
        paragraphs: list[Paragraph],
        furniture: list[tuple[int, int]],
        published: date | None = None,
    ):
        self.text = text
        lowered = text.lower()
        # Where national bodies are looked for. Lower-casing keeps IGNORECASE's matches in place unless it changes the
        # length ('İ') or keeps a letter IGNORECASE equates with another (dotless 'ı' with 'i').
        self._lowered = lowered if len(lowered) == len(text) and "ı" not in lowered else None
        # A text dated after the 2025 reform names the new units (class R): 'xã Bắc Hà, tỉnh Lào Cai' is the new
        # commune, not the abolished district. Earlier and undated texts are read on the old map.
        self.on = published if published is not None and published > gazetteer.LAST_OLD_DAY else None
        site = site_units(text, self.on)
        everywhere = gazetteer.find_mentions(text, on=self.on)
        first = [m for m in everywhere if self._is_place(m, furniture)]
        # The title names the report's subject ('Hà Nam dẫn đầu …') although it is page furniture.
        title_end = next((p.end for p in paragraphs if not _SOURCE_LINE.match(text, p.start)), 0)
        kept = set(first)  # a set: a report on one line is all title, and has thousands of mentions
        title = [m for m in everywhere if m.start < title_end and m not in kept and self._is_place(m, [])]
        self.province = _main_province(first + title, self.on) or site.get("province")
        code = self.province.code if self.province else None
        if code is not None and any(m.unit is None for m in first):
            # Names that are ambiguous across the country may be unique inside the province.
            first = [
                m for m in gazetteer.find_mentions(text, province=code, on=self.on) if self._is_place(m, furniture)
            ]
        # Lower units of other provinces are homonyms of places the gazetteer lacks, not the subject.
        named = [
            m
            for m in first
            if m.unit is not None and (code is None or m.unit.level == "province" or m.unit.province_code == code)
        ]
        self.district = _main_district(named)
        # A report that names its own unit only as 'huyện', 'xã' is the unit of the site it was published on.
        self.site = {level: unit for level, unit in site.items() if code is None or unit.province_code == code}
        if self.district is None and "district" in self.site:
            self.district = self.site["district"]
        sentence_starts = sorted(s.start for p in paragraphs for s in p.sentences)
        self.refs = [r for r in self._refs(named, furniture) if not self._in_list(r, _floor(sentence_starts, r.start))]
        self._starts = [r.start for r in self.refs]
        # Units compared in one sentence ('huyện A đạt 92%, huyện B đạt 88%') do not become the focus. The last ref
        # that may, at or before each ref (-1: none): each number looks its focus up rather than walking back.
        compared = _compared_refs(self.refs, sentence_starts)
        self._focus_upto = list(
            accumulate((i if r.unit is not None and i not in compared else -1 for i, r in enumerate(self.refs)), max)
        )
        self._respectively = occurrences(text, "lần lượt")  # 'A và B lần lượt đạt 4 và 5' pairs units and numbers

    def places_named(self, start: int, end: int) -> list[tuple[int, int, Place]]:
        """(start, end, place) of every unit and national body named in ``text[start:end]``, in order.

        Reads the stretch afresh, so units listed after 'gồm' (not subjects in
        reading order) are found too; used to expand enumerations.
        """
        found = []
        for m in gazetteer.find_mentions(self.text, on=self.on, start=start, end=end):
            if m.unit is not None and self._is_place(m, []):
                found.append((m.start, m.end, Place(m.unit.level, m.unit)))
        for hit in _national_refs(self.text, self._lowered, start, end):
            if hit.group("body"):
                found.append((hit.start(), hit.end(), Place("national", None, hit.group("body"))))
        return sorted(found, key=lambda f: f[0])

    def _is_place(self, m: gazetteer.Mention, furniture) -> bool:
        """A mention outside page furniture that is not part of a person's name ('Đỗ Thái Bình')."""
        if in_boilerplate(furniture, m.start):
            return False
        return m.unit_word is not None or not _PERSON_BEFORE.search(self.text[max(0, m.start - 40) : m.start])

    # -- references -----------------------------------------------------
    def _refs(self, named, furniture) -> list[_Ref]:
        refs = [_Ref(m.start, m.end, m.unit) for m in named if not self._is_parent_aside(m.start, m.end)]
        taken = _Spans([(m.start, m.end) for m in named])  # a bracketed parent is no subject, nor is its name bare
        for name, unit in self._known_units(named).items():
            for start in _bare_occurrences(self.text, name):
                end = start + len(name)
                if (
                    not taken.overlaps(start, end)
                    and not in_boilerplate(furniture, start)
                    and not self._is_parent_aside(start, end)
                ):
                    refs.append(_Ref(start, end, unit))
        anchors = (m.start() for m in _BARE_ANCHOR.finditer(self.text))
        for hit in _matches_near(_BARE_REF, self.text, anchors, _BARE_REACH):
            if taken.overlaps(hit.start(), hit.end()) or in_boilerplate(furniture, hit.start()):
                continue
            counted = _COUNT_BEFORE.search(self.text[max(0, hit.start() - 12) : hit.start()])
            if counted and not _YEAR.fullmatch(counted.group(1)):
                continue  # '6 huyện, thị xã' counts units; 'năm 2024 thị xã' names one
            refs.append(_Ref(hit.start(), hit.end(), None, tier=hit.lastgroup))
        anchors = (m.start() for m in _VILLAGE_ANCHOR.finditer(self.text))
        for hit in _matches_near(_VILLAGE_REF, self.text, anchors, _VILLAGE_REACH):
            village = _village_name(hit)
            if village and not taken.overlaps(hit.start(), hit.end()) and not in_boilerplate(furniture, hit.start()):
                refs.append(_Ref(hit.start(), hit.start() + len(village), None, tier="village", collective=village))
        for hit in _national_refs(self.text, self._lowered, 0, len(self.text)):
            if not in_boilerplate(furniture, hit.start()):
                label = hit.group("body") or "cả nước"
                refs.append(_Ref(hit.start(), hit.end(), None, tier="national", collective=label))
        refs.sort(key=lambda r: r.start)
        out: list[_Ref] = []
        for ref in refs:
            if out and _is_apposed_parent(self.text, out[-1], ref):
                continue
            before = self.text[max(0, ref.start - 60) : ref.start]
            words = _COLLECTIVE_REF.search(before) if ref.unit is not None and "các " in before else None
            if words:
                ref = replace(ref, start=ref.start - (len(before) - words.start()), collective=words.group("words"))
            if (
                ref.unit is None
                and ref.tier == "province"
                and _ACTOR.search(self.text[max(0, ref.start - 20) : ref.start])
            ):
                continue
            out.append(ref)
        return out

    def _known_units(self, named) -> dict[str, gazetteer.Unit]:
        """Units recognised by their bare name: the province's districts, and a unit named once with its unit word
        ('Bình Đào đã …').

        Only the districts whose name the text holds are looked up: a province has dozens, a report names a few,
        and each look-up was paid by the first report naming the province.
        """
        known = {}
        if self.province:
            for name in _district_names(self.province):
                if name in self.text and (unit := _district_named(name, self.province.code)) is not None:
                    known[name] = unit
        for m in named:
            if m.unit.level in ("district", "commune"):
                known.setdefault(m.unit.name, m.unit)
        return known

    def _is_parent_aside(self, start: int, end: int) -> bool:
        """'xã Tịnh Long (TP.Quảng Ngãi)': a unit alone in brackets only locates the one before it.

        A bracket that goes on ('(huyện Sông Lô giảm từ 10,85% …') opens a clause about that unit.
        """
        return (
            self.text[max(0, start - 1) : start] == "("
            and bool(_OPENED_AFTER_WORD.search(self.text[max(0, start - 3) : start]))
            and bool(_CLOSING.match(self.text[end : end + 3]))
        )

    def _in_list(self, ref: _Ref, sentence_start: int) -> bool:
        """Units enumerated after 'gồm' are members of a count, not the subject."""
        t = self.text
        if _OWN_FIGURE.match(t, ref.end, ref.end + 12):
            return False  # 'như Đam Rông (38,2%), Lạc Dương (41,7%)': each listed unit has its own figure
        if t.find("gồm", sentence_start, ref.start) < 0 and t.find("như", sentence_start, ref.start) < 0:
            return False  # the words both patterns need: most sentences list nothing (nor is their start copied)
        before = t[sentence_start : ref.start]
        if _LIST_OPENER.search(before):
            return True
        m = list(_INCLUDING.finditer(before))
        return bool(m) and ";" not in before[m[-1].end() :] and "." not in before[m[-1].end() :]

    def _refs_between(self, start: int, end: int) -> list[_Ref]:
        i = bisect_right(self._starts, start - 1)
        out = []
        while i < len(self.refs) and self.refs[i].start < end:
            out.append(self.refs[i])
            i += 1
        return out

    def _last_focus(self, before: int) -> _Ref | None:
        """The last ref with a unit before ``before`` that is not one of units compared in a sentence."""
        i = bisect_right(self._starts, before - 1) - 1  # refs start in order; walk back from ``before``
        while i >= 0 and self.refs[i].start >= before:
            i -= 1
        focus = self._focus_upto[i] if i >= 0 else -1
        return self.refs[focus] if focus >= 0 else None

    def opens_with_unit(self, paragraph: Paragraph) -> bool:
        """Whether a paragraph starts by naming a district or commune ('Tại huyện Tư Nghĩa, …', 'Xã X đã …')."""
        head = self._refs_between(paragraph.start, min(paragraph.end, paragraph.start + 40))
        return any(r.unit is not None and r.unit.level in ("district", "commune") for r in head)

    # -- focus ------------------------------------------------------------
    def _last_unit(self, before: int, level: str) -> gazetteer.Unit | None:
        """The last unit of ``level`` named before ``before`` (a commune names its district too)."""
        i = bisect_right(self._starts, before - 1) - 1
        while i >= 0:
            unit = self.refs[i].unit
            if unit is not None:
                if unit.level == level:
                    return unit
                if level == "district" and unit.level == "commune" and unit.district_code:
                    return gazetteer.resolve(unit.district_code, level="district")
            i -= 1
        return self.district if level == "district" else self.site.get(level)

    def _unit_of(self, ref: _Ref) -> gazetteer.Unit | None:
        if ref.unit is not None:
            return ref.unit
        if ref.tier == "province":
            return self.province
        return self._last_unit(ref.start, ref.tier) if ref.tier else None

    def place_of_row(self, label: str) -> Place:
        """The place of a table row: the document's unit, at the tier the label names ('+ Cấp huyện')."""
        unit = self.district or self.province
        tier = _ROW_TIER.search(label)
        level = {"tỉnh": "province", "huyện": "district", "xã": "commune"}[tier.group(1).lower()] if tier else None
        return _place(unit, level, f"cấp {tier.group(1).lower()}" if tier else None)

    def _respective(self, q: quantities.Quantity, sentence: Sentence, neighbours) -> _Ref | None:
        """The k-th unit named before 'lần lượt' for the k-th number after it."""
        i = bisect_left(self._respectively, sentence.start)
        if i == len(self._respectively) or self._respectively[i] + len("lần lượt") > q.number_start:
            return None  # the common case, looked up rather than a scan of the sentence
        word = _RESPECTIVELY.search(self.text, sentence.start, q.number_start)
        if word is None:
            return None
        units = [r for r in self._refs_between(sentence.start, word.start()) if r.unit is not None]
        numbers_after = sorted(
            [o.number_start for o in neighbours if word.end() <= o.number_start < sentence.end] + [q.number_start]
        )
        k = numbers_after.index(q.number_start)
        return units[k] if len(units) >= 2 and k < len(units) else None

    def place_for(
        self, q: quantities.Quantity, sentence: Sentence, clause: Span, paragraph: Paragraph, neighbours
    ) -> Place:
        in_sentence = self._refs_between(sentence.start, q.number_start)
        in_clause = [r for r in in_sentence if r.start >= clause.start]
        after = [
            r
            for r in self._refs_between(q.end, min(clause.end, q.end + 60))
            if r.unit is not None and _QUALIFYING.search(self.text[max(q.end, r.start - 15) : r.start])
        ]
        respective = self._respective(q, sentence, neighbours)
        chosen: _Ref | None
        if respective is not None:
            chosen = respective  # 'Thừa Thiên Huế và Cần Thơ lần lượt xếp thứ 4 và thứ 5'
        elif after:
            chosen = after[0]  # '100% xã, thị trấn của huyện Tư Nghĩa'
        elif in_clause:
            chosen = in_clause[-1]
        elif in_sentence:
            chosen = in_sentence[0]
        else:
            chosen = self._last_focus(sentence.start)
        if chosen is not None and chosen.tier == "national":
            return Place("national", None, chosen.collective)
        if chosen is not None and chosen.tier == "village":  # 'Tổ CNSCĐ thôn 6 có 5 người'
            commune = self._last_unit(chosen.start, "commune") or self.site.get("commune")
            return Place("village", commune or self.district or self.province, chosen.collective)
        unit = self._unit_of(chosen) if chosen else None
        # A collective ('các địa phương trên địa bàn X') holds for the rest of its paragraph.
        collective = chosen.collective if chosen and chosen.start >= paragraph.start else None
        if unit is None:
            unit = self.site.get("commune") or self.district or self.province
        level, words = _tier_of_quantity(self.text, q, clause, neighbours)
        if level is None:
            level, words, where = _clause_marker(self.text, q, clause, neighbours)
            named = chosen.unit if chosen is not None and chosen in in_clause and chosen.start > where else None
            if (
                level
                and named is not None
                and (RANK[named.level] >= RANK[level.replace("_collective", "")] or "địa phương" in (words or ""))
            ):  # 'A và B là các địa phương có chuyển biến (huyện A giảm …)': the named unit is the subject
                level, words = None, None  # '… của các huyện đạt 45,6%, trong đó huyện Phù Cát đạt 71,2%'
        if level is None:
            head = _HEAD_TIER.match(self.text, sentence.start, sentence.end)
            between = self.text[head.end() : q.number_start] if head else ""
            if head and head.group("subject") and ";" in between and ":" not in between:
                head = None  # 'UBND các xã ban hành 5.963 văn bản; 100% văn bản của UBND huyện …': a new subject
            if head:  # 'Ở cấp xã, 37/37 xã …; tỷ lệ … đạt 65,2%', 'Các xã, phường … như: A; B': the subject holds
                tier = head.group("tier") or head.group("subject")
                level, words = ("commune", tier) if "xã" in tier else ("village", tier)
        if level is None and collective:
            level, words = "commune", collective
        if level == "sub_units":
            level = {"province": "district", "district": "commune", "commune": "village"}.get(
                unit.level if unit else "province"
            )
        return _place(unit, level, _collective_words(words))


# A family name, then the rest of a personal name: 'Đỗ Thái Bình' is a byline, not tỉnh Thái Bình.
_PERSON_BEFORE = re.compile(
    rf"(?<![\wÀ-ỹ])(?:{phrase_pattern(load_vocabulary('family_names')['name'])})(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){{0,2}}\s+$"
)
_SOURCE_LINE = re.compile(r"\A\s*source:\s*(?P<url>\S+)", re.IGNORECASE)
_CHILD_LEVEL = {"province": "district", "district": "commune"}


def site_units(text: str, on: date | None = None) -> dict[str, gazetteer.Unit]:
    """Units named by the address of the page a text was saved from, by level.

    A saved page starts 'source: URL'. Local portals name their unit in the
    host, the province rightmost ('xuantruc.anthi.hungyen.gov.vn' is xã Xuân
    Trúc, huyện Ân Thi, tỉnh Hưng Yên; a provincial paper 'baoquangnam.vn'
    names Quảng Nam). A lower unit counts only inside the unit to its right.
    """
    m = _SOURCE_LINE.match(text)
    host = (urlsplit(m.group("url")).hostname or "") if m else ""
    found: dict[str, gazetteer.Unit] = {}
    level, parent = "province", None
    for label in reversed(host.split(".")[:-1]):
        key = label.removeprefix("bao") if level == "province" and label.startswith("bao") else label
        name = gazetteer.squashed_name(key, level)
        unit = None
        if name is not None:
            if level == "province":
                unit = gazetteer.resolve(name, level="province", on=on)
            elif level == "district":
                unit = gazetteer.resolve(name, level="district", province=parent, on=on)
            else:
                unit = gazetteer.resolve(name, level="commune", district=parent, on=on)
        if unit is None:
            continue
        found[level] = parent = unit
        if level not in _CHILD_LEVEL:
            break
        level = _CHILD_LEVEL[level]
    return found


def _bare_occurrences(text: str, name: str):
    """Starts of ``name`` as a whole word in ``text`` (str.find: no regex to compile per name)."""
    for start in occurrences(text, name):
        before = text[start - 1] if start else " "
        after = text[start + len(name)] if start + len(name) < len(text) else " "
        if not (before.isalnum() or before == ".") and not after.isalnum():
            yield start


def _is_apposed_parent(text: str, first: _Ref, second: _Ref) -> bool:
    """'phường Tân Quang, thành phố Tuyên Quang': the second unit only locates the first."""
    if first.unit is None or second.unit is None or text[first.end : second.start].strip() not in (",", "-", "–"):
        return False
    child, parent = first.unit, second.unit
    return parent.code in (child.parent_code, child.district_code, child.province_code)


@lru_cache(maxsize=128)
def _district_names(province: gazetteer.Unit) -> tuple[str, ...]:
    """Names of the province's districts that may stand bare ('Đam Rông (38,2%)'), the province's own name aside."""
    return tuple(
        name
        for name in gazetteer.district_names().get((province.code, province.map), ())
        if not name.isdigit()  # 'Quận 1', 'Q.7' need their word: a bare '10' is a number
        and name != province.name
    )


@lru_cache(maxsize=1 << 12)
def _district_named(name: str, province_code: str) -> gazetteer.Unit | None:
    """The district a bare name names in the province, or None (ambiguous there)."""
    return gazetteer.resolve(name, level="district", province=province_code)


def _compared_refs(refs: list[_Ref], sentence_starts: list[int]) -> set[int]:
    """Indices of the refs in sentences that name two or more different units of one level.

    A unit is its (code, map): a set of Units would hash all their fields.
    """
    by_sentence: dict[int, list[tuple[int, gazetteer.Unit]]] = {}
    for i, r in enumerate(refs):
        if r.unit is not None:
            by_sentence.setdefault(_floor(sentence_starts, r.start), []).append((i, r.unit))
    compared: set[int] = set()
    for group in by_sentence.values():
        if len(group) < 2:
            continue  # most sentences name one unit at most
        levels = Counter(u.level for u in {(u.code, u.map): u for _, u in group}.values())
        compared.update(i for i, u in group if levels[u.level] >= 2)
    return compared


def _floor(starts: list[int], pos: int) -> int:
    i = bisect_right(starts, pos) - 1
    return starts[i] if i >= 0 else 0


def _collective_words(words: str | None) -> str | None:
    """'UBND các xã, thị trấn' → 'các xã, thị trấn'; '300 xã, phường' → 'các xã, phường'."""
    if not words:
        return None
    words = _BEFORE_TIER_WORDS.sub("", words.strip(" ,"))
    if words.startswith("cấp "):
        return words
    return words if words.lower().startswith("các ") else "các " + words


def _place(unit: gazetteer.Unit | None, level: str | None, collective_words: str | None) -> Place:
    own = unit.level if unit else "province"
    if level is None or level == own:
        return Place(own, unit)
    if level == "district":
        if own == "province":
            return Place("district", unit, collective_words or "cấp huyện")
        return Place(own, unit)
    if level == "district_collective" and own == "district" and unit is not None and unit.province_code:
        unit, own = gazetteer.resolve(unit.province_code, level="province") or unit, "province"
    if level == "district_collective":
        return (
            Place("district", unit, collective_words or _tier_words_of("district_collective"))
            if own == "province"
            else Place(own, unit)
        )
    if RANK[level] <= RANK[own]:
        return Place(own, unit)
    return Place(level, unit, collective_words or _tier_words_of(level))


TIER_WORD = r"(?:xã|phường|thị trấn|thôn|tổ dân phố|bản|làng|ấp|khu phố|huyện|thị xã|thành phố|quận)\b"


# A noun phrase ends at a bracket, a semicolon, or a comma that does not continue a list of unit words.
_PHRASE_END = re.compile(rf"[();]|,\s(?!{TIER_WORD})")


def _noun_phrase_end(t: str, q: quantities.Quantity, clause: Span, neighbours) -> int:
    """End of the words that qualify number ``q`` (at most nine words, before the next number)."""
    end = min([o.number_start for o in neighbours if o.number_start > q.number_start] + [clause.end])
    stop = _PHRASE_END.search(t, q.end, end)
    end = stop.start() if stop else end
    stretch = t[q.number_end : end]
    words = stretch.split()
    head = len(stretch) - len(stretch.lstrip())
    return min(end, q.number_end + head + len(" ".join(words[:9])))


_SHARE_AFTER_COUNT = re.compile(r"[^()\d]{0,30}\(\s*(?:\w+\s+){0,2}")  # '1.548/1.562 thôn (' before its share
_FOR_BEFORE = re.compile(r"\b(cho|dành cho|ở)\s*$")  # '40 máy cho 15 xã': the next number's noun is the tier


def _tier_of_quantity(t: str, q: quantities.Quantity, clause: Span, neighbours) -> tuple[str | None, str | None]:
    """Tier named in the number's own noun phrase ('22 điểm cầu tại các xã')."""
    lead = t[q.number_end : _noun_phrase_end(t, q, clause, neighbours)]
    m = None
    if _TIER_NOUN.search(lead):  # (the rate sign replaced and the phrases blanked below make no tier noun)
        m = _TIER.search(_without_spanning_phrases(_RATE_HEAD.sub(" ", lead)))
    if m:
        return _LEVEL_OF_GROUP[m.lastgroup or ""], m.group().strip()
    if q.unit in ("percent", "count") and (rate := _RATE_OF_TIER.search(t, clause.start, q.number_start)):
        tier = rate.group("tier")
        level = {"xã": "commune", "phường": "commune", "huyện": "districts"}.get(tier, "village")
        return _LEVEL_OF_GROUP[level], "các " + tier
    prev = [o for o in neighbours if o.number_end <= q.number_start and o.unit == "count"]
    if q.unit == "percent" and prev and _SHARE_AFTER_COUNT.fullmatch(t[prev[-1].end : q.number_start]):
        return _tier_of_quantity(
            t, prev[-1], clause, [o for o in neighbours if o is not prev[-1]] + [q]
        )  # '1.548/1.562 thôn (99%)'

    nxt = [o for o in neighbours if o.number_start > q.number_start and o.number_start - q.number_end < 80]
    if (
        nxt
        and _FOR_BEFORE.search(t[q.number_end : nxt[0].number_start])
        and noun_after(t, nxt[0]) in ("xã", "địa phương", "thôn")
    ):
        return {"xã": "commune", "địa phương": "commune", "thôn": "village"}[noun_after(t, nxt[0]) or ""], None
    return None, None


def _clause_marker(t: str, q: quantities.Quantity, clause: Span, neighbours) -> tuple[str | None, str | None, int]:
    """A collective marker earlier in the clause that no other number's noun phrase uses.

    Phrases spanning tiers ('từ cấp tỉnh đến cấp xã', 'cấp huyện, cấp xã') mark none.
    """
    if not _MARKER_WORD.search(t, clause.start, q.number_start):
        return None, None, -1  # most clauses: no marker word, nothing to blank or match
    before = _without_spanning_phrases(t[clause.start : q.number_start])
    markers = list(_CLAUSE_MARKER.finditer(before))
    if not markers:
        return None, None, -1
    taken = [
        (o.number_start - clause.start, _noun_phrase_end(t, o, clause, neighbours) - clause.start)
        for o in neighbours
        if clause.start <= o.number_start < q.number_start
    ]
    found: tuple[str | None, str | None, int] = (None, None, -1)
    for m in markers:
        if any(s <= m.start() < e for s, e in taken) or _ORGANISATION.search(
            before[max(0, m.start() - 30) : m.start()]
        ):
            continue
        found = m.lastgroup, m.group(), clause.start + m.start()
    return found


class _Spans:
    """Spans (start, end) asked whether any overlaps a stretch: a bisection, not a scan of them all."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((e for _, e in spans), max))  # furthest end among the spans so far

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.starts, end)  # the spans that start before ``end``
        return i > 0 and self.reach[i - 1] > start


def _main_province(mentions, on: date | None = None) -> gazetteer.Unit | None:
    """The province named most often; on a tie, the one named first."""
    codes = Counter(
        m.unit.province_code if m.unit.level != "province" else m.unit.code
        for m in sorted(mentions, key=lambda m: m.start)
        if m.unit is not None
    )
    if not codes:
        return None
    code = codes.most_common(1)[0][0]  # most_common keeps first-seen order among equal counts
    return gazetteer.resolve(code, level="province", on=on)


def _main_district(named) -> gazetteer.Unit | None:
    districts: Counter[str] = Counter()
    for m in named:
        if m.unit.level == "district":
            districts[m.unit.code] += 1
    if not districts:
        return None
    (code, n), total = districts.most_common(1)[0], sum(districts.values())
    if n / total < 0.6:
        return None
    return next(m.unit for m in named if m.unit.code == code)
