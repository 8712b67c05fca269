"""Context rules: what place, level, period, status and indicator a number has.

Each rule is written for the language of district reports, and each has a
reach that follows how such reports are written:

- place: a unit that qualifies the number's noun ('100% xã của huyện Tư
  Nghĩa') wins; then a unit named in the number's own clause; otherwise the first
  unit the sentence names; otherwise the last unit named before it, so an
  opener such as 'Tại điểm cầu huyện Tư Nghĩa' holds until another place
  takes over. Bare tier words ('huyện', 'toàn huyện', 'trên địa bàn tỉnh')
  point at the last unit of that tier. Units listed after 'gồm' and a
  bracketed parent ('xã Tịnh Long (TP.Quảng Ngãi)') are not subjects.
- admin level: the tier words of the number's own noun phrase ('22 điểm cầu
  tại các xã', '120 Tổ thôn, tổ dân phố', '100% xã, thị trấn'), else a
  collective marker earlier in the clause ('Đối với cấp xã,', 'UBND các xã,
  thị trấn ban hành'), else the level of the place.
- period: a period at the head of a sentence holds for the sentence, one
  inside a clause (or in brackets) for that clause; the narrower of nested
  periods wins; an explicit period carries to the next sentence when that
  sentence continues the same subject.
- target: a goal word ('mục tiêu', 'phấn đấu', 'kế hoạch', 'sẽ', 'được
  giao', 'chỉ đạo mỗi') before the number in its sentence, with no 'đã'
  (done) between them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from datetime import date

from . import gazetteer, indicators, numbers, periods
from .segments import Paragraph, Sentence, Span
from .text import fold_key


__all__ = [
    "Place",
    "PlaceContext",
    "is_not_a_measure",
    "evidence_span",
    "period_for",
    "is_target",
    "indicator_for",
    "carry_periods",
    "share_fractions",
    "share_subjects",
]

# ---------------------------------------------------------------------------
# words

_WORD = r"[\wÀ-ỹ]+"
# Nouns that count things which are not measures of progress (tasks, steps…)
# unless written as a fraction ('42/48 nhiệm vụ').
_NOT_MEASURES = {
    "nhiệm vụ", "giải pháp", "nội dung", "bước", "cấp", "lĩnh vực", "trụ cột", "nhóm giải pháp",
    "chương trình", "đề án", "mục tiêu", "chỉ tiêu", "lần", "tuổi", "khâu", "đợt", "phần",
    "thành phần", "loại", "nhóm nhiệm vụ", "quan điểm", "định hướng", "kiến nghị", "ý kiến",
}
_DURATIONS = {"ngày", "tháng", "năm", "tuần", "giờ", "phút", "giây", "ngày đêm", "quý", "buổi", "ngày làm việc"}
_PEOPLE = {"cán bộ", "đại biểu", "người", "khách", "công chức", "viên chức", "học viên", "đồng chí", "người dân"}
_ADMIN_NOUNS = {
    "xã", "phường", "thị trấn", "thôn", "địa phương", "huyện", "thị xã", "thành phố", "quận",
    "tổ dân phố", "bản", "ấp", "khu phố", "đơn vị",
}
_NOUNS_LONGEST_FIRST = sorted(_NOT_MEASURES | _DURATIONS | _PEOPLE | _ADMIN_NOUNS, key=len, reverse=True)
_ATTENDANCE = re.compile(r"\b(tham dự|dự lễ|dự hội nghị|có mặt|theo dõi (?:buổi |lễ|hội nghị)|dự buổi)\b", re.I)
_EVENT = re.compile(r"\b(lễ phát động|lễ ra mắt|lễ khai trương|buổi lễ|hội nghị trực tuyến|tham dự lễ|tại lễ)\b", re.I)
# Goal words whose reach is the rest of the sentence …
_TARGET_CUE = re.compile(
    r"\b(mục tiêu|phấn đấu|kế hoạch|sẽ|dự kiến|được giao|giao chỉ tiêu|chỉ đạo mỗi|chỉ đạo các|"
    r"yêu cầu mỗi|yêu cầu các|định hướng|đề ra|đặt ra|nhằm đạt|cần đạt|phải đạt|tối thiểu mỗi|mỗi thành viên)\b",
    re.I,
)
# … and 'chỉ tiêu 97%', whose reach is the number it stands before ('đạt 95%, vượt chỉ tiêu 92%').
_LOCAL_TARGET = re.compile(r"\b(chỉ tiêu|kế hoạch|mục tiêu)(?: (?:là|đề ra|đặt ra|của tỉnh|năm \d{4}))?\s*(?:(?:là|đạt|khoảng|trên|tối thiểu)\s*)?$", re.I)
_TARGET_AFTER = re.compile(r"^[^.;]{0,40}?\b(được (?:\w+ ){0,3}giao|phải hoàn thành|cần hoàn thành)\b", re.I)
# 'đã ban hành kế hoạch …' reports a plan that was issued, not a goal.
_PLAN_ISSUED = re.compile(r"\b(ban hành|xây dựng|triển khai|thực hiện|phê duyệt)\s*(?:các\s*)?$", re.I)
_DONE = re.compile(r"\b(đã|đạt được|kết quả)\b", re.I)
_BASELINE = re.compile(r"\b(so với|so cùng kỳ|cùng kỳ)(?:\s+\S+){0,4}\s*$", re.I)
_QUOTED = re.compile(r"[“\"]([^”\"\n]{1,60})[”\"]")
# Phrases spanning tiers ('từ huyện đến xã', 'cấp huyện, cấp xã') name no single tier.
_FROM_TO = re.compile(r"\btừ (?:cấp )?(?:tỉnh|huyện|xã|thị xã|trung ương)\b[^.;]{0,30}?\bđến (?:cấp )?(?:tỉnh|huyện|xã|thị xã|cơ sở|thôn)[\w, ]{0,20}", re.I)
_BOTH_TIERS = re.compile(r"\bcấp (?:tỉnh|huyện)(?:,| và) cấp (?:huyện|xã)\b(?:(?:,| và) cấp xã\b)?", re.I)
_HEAD_TIER = re.compile(r"\s*(?:Ở|Đối với|Riêng|Còn|Với|Tại) (?P<tier>(?:cấp|các) (?:xã|thôn)(?:, (?:phường|thị trấn|tổ dân phố))*),")
_NEW_RATE = re.compile(r"[,;]\s*t[ỷỉ] lệ\b", re.I)
_RATE_WORD = re.compile(r"\bt[ỷỉ] lệ\b", re.I)
_CARRY_OPENER = re.compile(r"^\s*(Trong đó|Cụ thể|Riêng|Ngoài ra|Theo đó)\b", re.I)

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
_LEVEL_OF_GROUP = {
    "village": "village", "commune": "commune", "localities": "commune",
    "districts": "district_collective", "district": "district", "units": "sub_units",
}
_CLAUSE_MARKER = re.compile(
    r"(?P<commune>(?:(?i:đối với) |của |UBND |tại )?(?i:các|cấp) (?:xã|phường|thị trấn)\b(?:, (?:phường|thị trấn))*(?!\s+[A-ZĐ])|(?i:các) địa phương)"
    r"|(?P<village>(?i:các|cấp) (?:thôn|tổ dân phố|bản|ấp|khu phố)\b)"
    r"|(?P<district>(?i:toàn) huyện|(?i:toàn) thị xã|(?i:cấp) huyện)"
    r"|(?P<district_collective>(?i:các) (?:huyện|quận|thị xã|thành phố)(?:, (?:thị xã|thành phố|quận|huyện))*(?!\s+[A-ZĐ]))"
)


# 'thành viên Tổ CNSCĐ cấp xã': the tier describes the team, not the fact's unit.
_ORGANISATION = re.compile(r"(Tổ CNSCĐ|Tổ công nghệ số cộng đồng|thành viên|Ban Chỉ đạo|Tổ giúp việc)\s*$", re.I)


def _tier_words_of(level: str) -> str:
    return {"commune": "các xã, thị trấn", "village": "các thôn, tổ dân phố", "district_collective": "các huyện, thị xã, thành phố"}[level]


# ---------------------------------------------------------------------------
# place


@dataclass(frozen=True)
class Place:
    """The place a fact is about: a unit, or the lower units of a unit taken together."""

    level: str
    unit: gazetteer.Unit | None
    collective: str | None = None  # the text's tier words ('các xã, phường') for a collective

    @property
    def label(self) -> str | None:
        if self.unit is None:
            return self.collective
        return f"{self.collective} {self.unit.label}" if self.collective else self.unit.label

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


def _district_label(unit: gazetteer.Unit) -> str | None:
    district = gazetteer.resolve(unit.district_name, level="district", province=unit.province_code) if unit.district_name else None
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
    r"(?P<province>\b(?i:trên địa bàn|toàn|của|cả|cấp) tỉnh\b)(?!\s+[A-ZĐ])"
    r"|(?P<district>(?<!, )(?<!các )(?<!cấp )\b(?:(?i:toàn) huyện|(?i:trên) địa bàn huyện|UBND huyện|(?i:h)uyện|thị xã|(?i:toàn) thị xã|UBND thị xã)\b)(?!\s+(?:[A-ZĐ]|miền|vùng))"
    r"|(?P<commune>(?<![,\w] )\bXã\b(?!\s+[A-ZĐ])|\b(?:toàn xã|UBND xã|địa phương này)\b(?!\s+[A-ZĐ]))"
)
_COLLECTIVE_REF = re.compile(r"\b(?P<words>các địa phương|các xã, thị trấn|các xã, phường, thị trấn|các xã, phường|các xã) (?:trên địa bàn |của |thuộc )?$")
_RESPECTIVELY = re.compile(r"\blần lượt\b")
_QUALIFYING = re.compile(r"\b(của|tại|ở|thuộc|trên địa bàn)\s*$")
_ACTOR = re.compile(r"(UBND|Ủy ban nhân dân|Tỉnh ủy|Huyện ủy|Thủ tướng|Chủ tịch)\s*$")
_LIST_OPENER = re.compile(r"\b(gồm|bao gồm|như)\s*:?\s*(?:các )?(?:xã|thị trấn|phường)?\s*$")
_OPENER = re.compile(r"^\s*(?:Tại|Ở) (?:điểm cầu |buổi lễ tại )?")


class PlaceContext:
    """Places named in one document, in reading order, and the unit in focus at each point."""

    def __init__(self, text: str, paragraphs: list[Paragraph], furniture: list[tuple[int, int]]):
        self.text = text
        first = [m for m in gazetteer.find_mentions(text) if not _in(furniture, m.start)]
        self.province = _main_province(first)
        code = self.province.code if self.province else None
        if code is not None and any(m.unit is None for m in first):
            # Names that are ambiguous across the country may be unique inside the province.
            first = [m for m in gazetteer.find_mentions(text, province=code) if not _in(furniture, m.start)]
        # Lower units of other provinces are homonyms of places the gazetteer lacks, not the subject.
        named = [m for m in first if m.unit is not None
                 and (code is None or m.unit.level == "province" or m.unit.province_code == code)]
        self.district = _main_district(named)
        sentence_starts = sorted(s.start for p in paragraphs for s in p.sentences)
        self.refs = [r for r in self._refs(named, furniture) if not self._in_list(r, _floor(sentence_starts, r.start))]
        self._starts = [r.start for r in self.refs]

    # -- references -----------------------------------------------------
    def _refs(self, named, furniture) -> list[_Ref]:
        refs = [_Ref(m.start, m.end, m.unit) for m in named if not self._is_parent_aside(m.start)]
        taken = [(r.start, r.end) for r in refs]
        # A unit named once with its unit word is recognised bare later on ('Bình Đào đã …').
        known = {}
        for m in named:
            if m.unit.level in ("district", "commune"):
                known.setdefault(m.unit.name, m.unit)
        for name, unit in known.items():
            for start in _bare_occurrences(self.text, name):
                end = start + len(name)
                if not _overlaps(taken, start, end) and not _in(furniture, start) and not self._is_parent_aside(start):
                    refs.append(_Ref(start, end, unit))
        for hit in _BARE_REF.finditer(self.text):
            if _overlaps(taken, hit.start(), hit.end()) or _in(furniture, hit.start()):
                continue
            counted = re.search(r"(\d+)\s$", self.text[max(0, hit.start() - 12):hit.start()])
            if counted and not re.fullmatch(r"(19|20)\d\d", counted.group(1)):
                continue  # '6 huyện, thị xã' counts units; 'năm 2024 thị xã' names one
            refs.append(_Ref(hit.start(), hit.end(), None, tier=hit.lastgroup))
        refs.sort(key=lambda r: r.start)
        out = []
        for ref in refs:
            if out and _is_apposed_parent(self.text, out[-1], ref):
                continue
            before = self.text[max(0, ref.start - 60):ref.start]
            words = _COLLECTIVE_REF.search(before)
            if words and ref.unit is not None:
                ref = replace(ref, start=ref.start - (len(before) - words.start()), collective=words.group("words"))
            if ref.unit is None and ref.tier == "province" and _ACTOR.search(self.text[max(0, ref.start - 20):ref.start]):
                continue
            out.append(ref)
        return out

    def _is_parent_aside(self, start: int) -> bool:
        """'xã Tịnh Long (TP.Quảng Ngãi)': the bracketed unit only locates the one before it."""
        return self.text[max(0, start - 1):start] == "(" and bool(re.search(r"[\wÀ-ỹ]\s*\($", self.text[max(0, start - 3):start]))

    def _in_list(self, ref: _Ref, sentence_start: int) -> bool:
        """Units enumerated after 'gồm' are members of a count, not the subject."""
        before = self.text[sentence_start:ref.start]
        if _LIST_OPENER.search(before):
            return True
        m = list(re.finditer(r"\b(gồm|bao gồm)\b", before))
        return bool(m) and ";" not in before[m[-1].end():] and "." not in before[m[-1].end():]

    def _refs_between(self, start: int, end: int) -> list[_Ref]:
        i = bisect_right(self._starts, start - 1)
        out = []
        while i < len(self.refs) and self.refs[i].start < end:
            out.append(self.refs[i])
            i += 1
        return out

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
        return self.district if level == "district" else None

    def _unit_of(self, ref: _Ref) -> gazetteer.Unit | None:
        if ref.unit is not None:
            return ref.unit
        if ref.tier == "province":
            return self.province
        return self._last_unit(ref.start, ref.tier)

    def _respective(self, q: numbers.Quantity, sentence: Sentence, neighbours) -> _Ref | None:
        """The k-th unit named before 'lần lượt' for the k-th number after it."""
        word = _RESPECTIVELY.search(self.text, sentence.start, q.number_start)
        if word is None:
            return None
        units = [r for r in self._refs_between(sentence.start, word.start()) if r.unit is not None]
        numbers_after = sorted([o.number_start for o in neighbours if word.end() <= o.number_start < sentence.end] + [q.number_start])
        k = numbers_after.index(q.number_start)
        return units[k] if len(units) >= 2 and k < len(units) else None

    def place_for(self, q: numbers.Quantity, sentence: Sentence, clause: Span, paragraph: Paragraph, neighbours) -> Place:
        in_sentence = self._refs_between(sentence.start, q.number_start)
        in_clause = [r for r in in_sentence if r.start >= clause.start]
        after = [r for r in self._refs_between(q.end, min(clause.end, q.end + 60))
                 if r.unit is not None and _QUALIFYING.search(self.text[max(q.end, r.start - 15):r.start])]
        respective = self._respective(q, sentence, neighbours)
        if respective is not None:
            chosen = respective  # 'Thừa Thiên Huế và Cần Thơ lần lượt xếp thứ 4 và thứ 5'
        elif after:
            chosen = after[0]  # '100% xã, thị trấn của huyện Tư Nghĩa'
        elif in_clause:
            chosen = in_clause[-1]
        elif in_sentence:
            chosen = in_sentence[0]
        else:
            earlier = [r for r in self._refs_between(0, sentence.start) if r.unit is not None]
            chosen = earlier[-1] if earlier else None
        unit = self._unit_of(chosen) if chosen else None
        # A collective ('các địa phương trên địa bàn X') holds for the rest of its paragraph.
        collective = chosen.collective if chosen and chosen.start >= paragraph.start else None
        if unit is None:
            unit = self.district or self.province
        level, words = _tier_of_quantity(self.text, q, clause, neighbours)
        if level is None:
            level, words, where = _clause_marker(self.text, q, clause, neighbours)
            named_after = chosen is not None and chosen.unit is not None and chosen in in_clause and chosen.start > where
            if level and named_after and _RANK[chosen.unit.level] >= _RANK[level.replace("_collective", "")]:
                level, words = None, None  # '… của các huyện đạt 45,6%, trong đó huyện Phù Cát đạt 71,2%'
        if level is None:
            head = _HEAD_TIER.match(self.text, sentence.start, sentence.end)
            if head:  # 'Ở cấp xã, 37/37 xã …; tỷ lệ … đạt 65,2%': the opener holds for the sentence
                level, words = ("commune", head.group("tier")) if "xã" in head.group("tier") else ("village", head.group("tier"))
        if level is None and collective:
            level, words = "commune", collective
        if level == "sub_units":
            level = {"province": "district", "district": "commune", "commune": "village"}.get(unit.level if unit else "province")
        return _place(unit, level, _collective_words(words))


def _bare_occurrences(text: str, name: str):
    """Starts of ``name`` as a whole word in ``text`` (str.find: no regex to compile per name)."""
    start = text.find(name)
    while start >= 0:
        before = text[start - 1] if start else " "
        after = text[start + len(name)] if start + len(name) < len(text) else " "
        if not (before.isalnum() or before == ".") and not after.isalnum():
            yield start
        start = text.find(name, start + 1)


def _is_apposed_parent(text: str, first: _Ref, second: _Ref) -> bool:
    """'phường Tân Quang, thành phố Tuyên Quang': the second unit only locates the first."""
    if first.unit is None or second.unit is None or text[first.end:second.start].strip() not in (",", "-", "–"):
        return False
    child, parent = first.unit, second.unit
    return parent.code in (child.parent_code, child.district_code, child.province_code)


_RANK = {"province": 0, "district": 1, "commune": 2, "village": 3}


def _floor(starts: list[int], pos: int) -> int:
    i = bisect_right(starts, pos) - 1
    return starts[i] if i >= 0 else 0


def _collective_words(words: str | None) -> str | None:
    """'UBND các xã, thị trấn' → 'các xã, thị trấn'; '300 xã, phường' → 'các xã, phường'."""
    if not words:
        return None
    words = re.sub(r"^(?:\d+ |UBND |tại |của |đối với )+", "", words.strip(" ,"))
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
    if level == "district_collective" and own == "district" and unit.province_code:
        unit, own = gazetteer.resolve(unit.province_code, level="province") or unit, "province"
    if level == "district_collective":
        return Place("district", unit, collective_words or _tier_words_of("district_collective")) if own == "province" else Place(own, unit)
    if _RANK[level] <= _RANK[own]:
        return Place(own, unit)
    return Place(level, unit, collective_words or _tier_words_of(level))


_TIER_WORD = r"(?:xã|phường|thị trấn|thôn|tổ dân phố|bản|làng|ấp|khu phố|huyện|thị xã|thành phố|quận)\b"
# A noun phrase ends at a bracket, a semicolon, or a comma that does not continue a list of unit words.
_PHRASE_END = re.compile(rf"[();]|,\s(?!{_TIER_WORD})")


def _noun_phrase_end(t: str, q: numbers.Quantity, clause: Span, neighbours) -> int:
    """End of the words that qualify number ``q`` (at most nine words, before the next number)."""
    end = min([o.number_start for o in neighbours if o.number_start > q.number_start] + [clause.end])
    stop = _PHRASE_END.search(t, q.end, end)
    end = stop.start() if stop else end
    words = t[q.number_end:end].split()
    head = len(t[q.number_end:end]) - len(t[q.number_end:end].lstrip())
    return min(end, q.number_end + head + len(" ".join(words[:9])))


def _tier_of_quantity(t: str, q: numbers.Quantity, clause: Span, neighbours) -> str | None:
    """Tier named in the number's own noun phrase ('22 điểm cầu tại các xã')."""
    lead = t[q.number_end:_noun_phrase_end(t, q, clause, neighbours)]
    lead = re.sub(r"^\s*%", " ", lead)  # '100% xã': the noun follows the sign
    lead = _BOTH_TIERS.sub(lambda m: " " * len(m.group()), _FROM_TO.sub(lambda m: " " * len(m.group()), lead))
    m = _TIER.search(lead)
    if m:
        return _LEVEL_OF_GROUP[m.lastgroup], m.group().strip()
    nxt = [o for o in neighbours if o.number_start > q.number_start and o.number_start - q.number_end < 80]
    if nxt and re.search(r"\b(cho|dành cho)\s*$", t[q.number_end:nxt[0].number_start]) and _noun_after(t, nxt[0]) in ("xã", "địa phương", "thôn"):
        return {"xã": "commune", "địa phương": "commune", "thôn": "village"}[_noun_after(t, nxt[0])], None
    return None, None


def _clause_marker(t: str, q: numbers.Quantity, clause: Span, neighbours) -> str | None:
    """A collective marker earlier in the clause that no other number's noun phrase uses."""
    before = _BOTH_TIERS.sub(lambda m: " " * len(m.group()), t[clause.start:q.number_start])
    taken = [(o.number_start - clause.start, _noun_phrase_end(t, o, clause, neighbours) - clause.start)
             for o in neighbours if clause.start <= o.number_start < q.number_start]
    found = None
    for m in _CLAUSE_MARKER.finditer(before):
        if any(s <= m.start() < e for s, e in taken) or _ORGANISATION.search(before[max(0, m.start() - 30):m.start()]):
            continue
        found = m.lastgroup, m.group(), clause.start + m.start()
    return found or (None, None, -1)


# ---------------------------------------------------------------------------
# which numbers are facts


def _noun_after(t: str, q: numbers.Quantity) -> str | None:
    """The counted noun, matched against the word lists on the text itself ('8 nhóm nhiệm vụ')."""
    m = re.match(r"\s*(" + _WORD + r"(?: " + _WORD + r"){0,2})", t[q.number_end:q.number_end + 40])
    if m:
        noun = fold_noun(m.group(1))
        if noun in _NOT_MEASURES | _DURATIONS | _PEOPLE | _ADMIN_NOUNS:
            return noun
    if q.unit_word:
        return fold_noun(q.unit_word)
    return fold_noun(m.group(1)) if m else None


@lru_cache(maxsize=1 << 14)
def fold_noun(word: str) -> str:
    """The listed noun ``word`` starts with ('nhóm nhiệm vụ trong' → 'nhóm nhiệm vụ'), else its first word."""
    w = word.strip().lower()
    for noun in _NOUNS_LONGEST_FIRST:
        if w == noun or w.startswith(noun + " "):
            return noun
    return w.split(" ")[0] if w else w


def is_not_a_measure(t: str, q: numbers.Quantity, sentence: Sentence) -> bool:
    """Numbers that are durations, names, crowds at an event, remainders or beneficiaries."""
    noun = _noun_after(t, q)
    fraction = q.denominator is not None
    if q.unit == "count" and noun in _DURATIONS:
        return True
    if q.unit == "count" and noun in _NOT_MEASURES and not fraction:
        return True
    after = t[q.end:min(sentence.end, q.end + 60)]
    if q.unit == "count" and noun in _PEOPLE and (_ATTENDANCE.search(after) or _ATTENDANCE.search(t[sentence.start:q.number_start])) and "thành viên" not in t[q.number_end:q.end + 15]:
        return True
    if re.match(r"^\s*(?:\S+\s){0,2}còn lại\b", t[q.number_end:q.number_end + 40]):
        return True
    if re.search(r"\bcòn lại\b", t[sentence.clause_at(q.number_start).start:q.number_start]):
        return True  # 'Các tỉnh còn lại đều dưới 50%': a remainder group, not a place
    if q.unit == "count" and noun in _ADMIN_NOUNS and not fraction and re.search(r"\b(cho|dành cho|trực thuộc|thuộc|gồm|của)\s*$", t[max(sentence.start, q.start - 14):q.start]):
        return True
    for m in _QUOTED.finditer(t, max(sentence.start, q.number_start - 60), min(sentence.end, q.number_end + 60)):
        if m.start() < q.number_start and q.number_end <= m.end():
            return True
    if q.unit == "count" and not noun:
        return True
    if q.unit == "count" and not fraction and q.value in (63, 34) and re.match(r"\s*tỉnh", t[q.number_end:q.number_end + 8]):
        return True  # 'dẫn đầu 63 tỉnh, thành phố': the country, not a measure
    return False


def is_structural(t: str, q: numbers.Quantity, indicator: str) -> bool:
    """'Huyện có 153 thôn': a count of units that measures nothing about CĐS."""
    return indicator == "other" and q.unit == "count" and q.denominator is None and _noun_after(t, q) in _ADMIN_NOUNS


# ---------------------------------------------------------------------------
# evidence


def evidence_span(t: str, q: numbers.Quantity, clause: Span, neighbours, cap: int) -> tuple[int, int]:
    """The piece of the clause between the neighbouring numbers that holds this one."""
    prev_end = max([o.end for o in neighbours if o.end <= q.start and o.start >= clause.start] + [clause.start])
    next_start = min([o.start for o in neighbours if o.start >= q.end and o.start < clause.end] + [clause.end])
    start, end = prev_end, next_start
    text = t[start:end]
    start += len(text) - len(text.lstrip(" ,;:–-"))
    end -= len(text) - len(text.rstrip(" ,;:.–-"))
    if end - start > cap:
        start = max(start, q.start - cap // 2)
        end = min(end, max(q.end, start + cap))
    start = min(start, q.start)
    end = max(end, q.end)
    return start, end


def share_subjects(t: str, facts) -> None:
    """'đạt 75,3%, cao hơn chỉ tiêu 30%': a target set beside a result measures the same thing;
    so does the second of two coordinated numbers ('ở 13/13 xã và 68/68 thôn')."""
    for before, fact in zip(facts, facts[1:]):
        if before.indicator != "other":
            gap = t[before.quantity.end:fact.quantity.start]
            rate = _rate_of(before.indicator)
            if fact.quantity.unit == "percent" and before.quantity.unit == "count" and rate and re.fullmatch(r"(?:\s*[^\s(),;]+){0,3}\s*[(,]?\s*(?:đạt|chiếm|bằng|tương đương)?\s*", gap):
                fact.indicator, fact.indicator_text = rate, before.indicator_text  # '57.877 hồ sơ (đạt 99,1%)'
                continue
            if fact.quantity.unit != before.quantity.unit:
                continue
            coordinated = fact.indicator == "other" and re.fullmatch(r"(?:[\s,]|xã|phường|thị trấn|thôn|tổ dân phố)*(?:và|hoặc)\s*", gap)
            if _LOCAL_TARGET.search(gap) or coordinated:
                fact.indicator, fact.indicator_text = before.indicator, before.indicator_text


def _rate_of(code: str) -> str | None:
    """The rate entry of a count entry ('digitised_dossiers_count' → 'digitised_dossiers_rate')."""
    for candidate in (code.replace("_count", "_rate"), code + "_rate"):
        if candidate != code and candidate in indicators.codes():
            return candidate
    return None


def share_fractions(t: str, facts) -> None:
    """'1.458/1.604 hồ sơ, đạt tỉ lệ 90,8%': the rate carries the fraction it was computed from."""
    for before, fact in zip(facts, facts[1:]):
        q, b = fact.quantity, before.quantity
        if q.unit == "percent" and b.denominator is not None and q.numerator is None:
            gap = t[b.end:q.number_start]
            if len(gap) < 40 and ";" not in gap and re.search(r"\b(đạt|bằng|chiếm)\b", gap):
                fact.quantity = replace(q, numerator=b.numerator, denominator=b.denominator)


# ---------------------------------------------------------------------------
# period


def period_for(t: str, q: numbers.Quantity, sentence: Sentence, clause: Span, mentions, published: date | None,
               target: bool = False, previous: Sentence | None = None, neighbours=()):
    """(period or None, whether a period word applied) for one number.

    A period written after the number reaches back to it only across its own
    words ('6 xã … hoàn thành trong năm 2023'), not across another number or a
    new rate ('122 dịch vụ …, tỷ lệ hồ sơ … trong 6 tháng đầu năm 2023 đạt 96%').
    A result stated at an event ('… kết nối tới 13 điểm cầu' at a launch, or
    the connection points of the sentence after it) is as of the publication day.
    """
    head = sentence.clauses[0]
    first_q = q.number_start
    candidates = []
    for m in mentions:
        if not sentence.start <= m.start < sentence.end:
            continue
        if _BASELINE.search(t[max(sentence.start, m.start - 20):m.start]):
            continue
        if m.start >= q.number_end and (
            any(q.number_end <= o.number_start < m.start for o in neighbours) or _RATE_WORD.search(t[q.number_end:m.start])
        ):
            continue
        bracketed = t[sentence.start:m.start].count("(") > t[sentence.start:m.start].count(")")
        same_clause = clause.start <= m.start < clause.end
        sentence_wide = head.start <= m.start < head.end and not bracketed and m.start < first_q
        if same_clause or sentence_wide:
            candidates.append(m)
    if not candidates and previous is not None and _CARRY_OPENER.search(t[sentence.start:sentence.end]):
        # 'công bố kết quả DTI cấp huyện năm 2023. Theo đó, …': the opener continues that sentence.
        earlier = [m for m in mentions if previous.start <= m.start < previous.end and m.period is not None
                   and not m.period.label.startswith("as_of")  # 'đến nay' holds for its own sentence only
                   and not _BASELINE.search(t[max(previous.start, m.start - 20):m.start])]
        if earlier:
            return earlier[-1].period, True
    if not candidates:
        at_event = _EVENT.search(t[sentence.start:sentence.end]) or (
            previous is not None and _EVENT.search(t[previous.start:previous.end]) and "điểm cầu" in t[sentence.start:sentence.end]
        )
        if published and at_event and not target:
            return periods.Period(f"as_of {published.isoformat()}", published, published), True
        return None, False
    chosen = _narrowest_or_nearest(candidates, q)
    return chosen.period, True


def _narrowest_or_nearest(candidates, q):
    with_period = [m for m in candidates if m.period is not None]
    pool = with_period or candidates
    nested = [m for m in pool if m.period and any(o is not m and o.period and o.period.start <= m.period.start and m.period.end <= o.period.end for o in pool)]
    if nested:
        pool = nested
    return min(pool, key=lambda m: min(abs(m.start - q.number_start), abs(m.end - q.number_start)))


def carry_periods(t: str, sentence: Sentence, previous: Sentence | None, facts, previous_facts, published) -> None:
    """An explicit period carries to the next sentence that continues its subject."""
    if previous is None or not previous_facts or any(f.period_marked for f in facts):
        return
    opener = bool(_CARRY_OPENER.search(t[sentence.start:sentence.end]))
    inherited = [f for f in previous_facts if f.period is not None and f.period_marked and (opener or not f.period.label.startswith("as_of"))]
    if not inherited:
        return
    shared = {_family(f.indicator) for f in previous_facts} & {_family(f.indicator) for f in facts}
    if not opener and not (shared - {"other"}):
        return
    for fact in facts:
        fact.period = inherited[-1].period


def _family(code: str) -> str:
    for stem in ("dossier", "document", "signature", "tech_team", "public_services", "payment", "video"):
        if stem in code:
            return stem
    return code


# ---------------------------------------------------------------------------
# target


def is_target(t: str, q: numbers.Quantity, sentence: Sentence, clause: Span, mentions) -> bool:
    before = t[sentence.start:q.number_start]
    if _LOCAL_TARGET.search(t[max(sentence.start, q.start - 30):q.start]):
        return True
    cues = [c for c in _TARGET_CUE.finditer(before) if not _PLAN_ISSUED.search(before[max(0, c.start() - 25):c.start()])]
    if cues and not _DONE.search(before[cues[-1].end():]):
        return True
    if _TARGET_AFTER.search(t[q.end:min(sentence.end, q.end + 60)]):
        return True
    for m in mentions:
        if sentence.start <= m.start < sentence.end and m.kind == "target_horizon":
            return True
    return False


# ---------------------------------------------------------------------------
# indicator


_DISTRICT_TWIN = {"communes_completed_dx": "districts_completed_dx"}
_PREDICATE = re.compile(
    r"\b(đạt|là|chiếm|bằng|với)\s*(?:(?:tỷ lệ|tỉ lệ|chỉ tiêu|kế hoạch|khoảng|gần|trên|hơn|dưới|tối thiểu|ít nhất|xấp xỉ|mức|cao nhất|thấp nhất)\s*)*$", re.I
)
_RATE_SUBJECT = re.compile(r"\b(?:tỷ lệ|tỉ lệ)\s+(?P<subject>[^;:]+?)\s+(?:đều\s+)?(?:đạt|là|chiếm)\s*(?:(?:khoảng|gần|trên|hơn)\s*)?$", re.I)


def indicator_for(t: str, q: numbers.Quantity, clause: Span, neighbours, sentence: Sentence | None = None,
                  previous: Sentence | None = None) -> list[tuple[str, str | None]]:
    """Catalogue codes the number measures, each with the words that name it.

    Mostly one; two when one rate covers two listed indicators ('tỷ lệ phủ
    sóng 3G, băng thông rộng đạt 100%'). A rate written 'X đạt N%' takes its
    subject from before the number; 'N% X …' from the words after it.
    """
    prev = [o for o in neighbours if o.number_start < q.number_start and o.number_start >= clause.start]
    nxt = [o for o in neighbours if o.number_start > q.number_start and o.number_start < clause.end]
    start = prev[-1].number_end if prev else clause.start
    end = nxt[0].number_start if nxt else clause.end
    new_rate = _NEW_RATE.search(t, q.end, end)
    end = new_rate.start() if new_rate else end  # '18.236 hồ sơ, tỷ lệ hồ sơ trực tuyến …': a new subject
    before = t[start:q.number_start]
    if prev and re.search(r"\b(và|hoặc)\s*$", t[prev[-1].end:q.number_start]) and _own_words(t[q.end:end]):
        # '60% hồ sơ … toàn trình và 100% xã đạt tiêu chí …': what comes before names the first number.
        start, before = q.number_start, ""
    if _PREDICATE.search(before):
        stop = re.search(r"[,;]", t[q.end:end])
        end = q.end + stop.start() if stop else end
        subject = _RATE_SUBJECT.search(before)
        if subject and q.unit == "percent":
            parts = [p for p in re.split(r",\s*|\s+và\s+", subject.group("subject")) if p.strip()]
            codes = [indicators.match_indicator(p, unit=q.unit) for p in parts]
            found = [(c, p) for c, p in zip(codes, parts) if c]
            if len(found) >= 2 and len({c for c, _ in found}) == len(found):
                return [(c, p.strip()) for c, p in found]
    elif nxt and re.search(r"\b(và|hoặc)\s*$", t[q.end:nxt[0].number_start]) and not indicators.match_indicator(
        t[start:end], unit=q.unit, unit_word=q.unit_word
    ):
        # '6 huyện … và 300 xã … hoàn thành CĐS': the shared predicate comes after the second number.
        end = nxt[1].number_start if len(nxt) > 1 else clause.end
    if q.unit == "percent" and prev and prev[-1].unit == "count" and re.search(r"\(\s*(?:đạt|chiếm|bằng)?\s*$", t[prev[-1].end:q.number_start]):
        # '1.548/1.562 thôn (99%)', '19.255 hồ sơ (đạt 96,55%)': the bracketed rate is that count's share.
        earlier = [o for o in prev[:-1]]
        start = earlier[-1].number_end if earlier else clause.start
    window = t[start:end]
    code = None
    if q.unit != "percent":
        # A count is named by its own noun phrase first when that phrase says more than
        # the counted noun ('40 TTHC mức độ 3 và 13 TTHC mức độ 4').
        phrase = re.split(r"[,;(]|\s(?:và|với|trong đó|của)\s", t[q.number_end:end], maxsplit=1)[0]
        noun = (q.unit_word or "").strip()
        head = len(phrase) - len(phrase.lstrip()) + len(noun) + 1  # a modifier starts right after the noun
        if any(fold_key(m.trigger) != fold_key(noun) and m.start <= head for m in indicators.find_triggers(phrase, q.unit)):
            code = indicators.match_indicator(phrase, unit=q.unit, unit_word=q.unit_word)
    code = code or indicators.match_indicator(window, unit=q.unit, unit_word=q.unit_word)
    if code is None and sentence is not None and (_PREDICATE.search(before) or q.unit == "rank"):
        # 'tỷ lệ này đạt 97%', 'tại cấp huyện đạt 95%': the subject was named earlier.
        for earlier in (t[clause.start:q.number_start], t[sentence.start:clause.start],
                        t[previous.start:previous.end] if previous else "",
                        t[max(0, sentence.start - 1500):sentence.start] if q.unit == "rank" else ""):
            code = indicators.match_indicator(earlier, unit=q.unit) if earlier.strip() else None
            if code:
                return [(code, None)]
    if code is None:
        return [("other", _phrase_of(t, q, start, end))]
    if code in _DISTRICT_TWIN and _noun_after(t, q) in ("huyện", "thị xã", "thành phố", "quận"):
        code = _DISTRICT_TWIN[code]  # '6 huyện … hoàn thành CĐS' counts districts, not communes
    here = q.number_start - start
    hits = [m for m in indicators.find_triggers(window) if m.code == code]
    nearest = min(hits, key=lambda m: min(abs(m.start - here), abs(m.end - here)), default=None)
    return [(code, window[nearest.start:nearest.end] if nearest else None)]


def _own_words(after: str) -> bool:
    """Whether a number's following words name something besides unit tiers ('xã, thị trấn')."""
    words = re.sub(rf"{_TIER_WORD}|[,;.()]|\b(?:các|của|và|tổ|dân|phố)\b", " ", after.split(";")[0], flags=re.I)
    return bool(words.split())


def _phrase_of(t: str, q: numbers.Quantity, start: int, end: int) -> str | None:
    after = t[q.end:end].strip(" ,.;:")
    words = after.split()
    if q.unit_word:
        return q.unit_word + (" " + " ".join(words[:5]) if words else "")
    before = t[start:q.number_start]
    m = re.search(r"(tỷ lệ|tỉ lệ|số)\s[^,;]*$", before, re.I)
    if m:
        return m.group().strip()
    return " ".join(words[:6]) or None


# ---------------------------------------------------------------------------
# helpers


def _in(spans, pos: int) -> bool:
    from .boilerplate import in_boilerplate

    return in_boilerplate(spans, pos)


def _overlaps(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _main_province(mentions) -> gazetteer.Unit | None:
    codes = Counter(m.unit.province_code if m.unit.level != "province" else m.unit.code for m in mentions if m.unit is not None)
    if not codes:
        return None
    code = codes.most_common(1)[0][0]
    return gazetteer.resolve(code, level="province")


def _main_district(named) -> gazetteer.Unit | None:
    districts = Counter()
    for m in named:
        if m.unit.level == "district":
            districts[m.unit.code] += 1
    if not districts:
        return None
    (code, n), total = districts.most_common(1)[0], sum(districts.values())
    if n / total < 0.6:
        return None
    return next(m.unit for m in named if m.unit.code == code)
