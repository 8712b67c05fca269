"""What a number is: a measure or not, its evidence, period, status and indicator.

Each rule is written for the language of district reports, and each has a
reach that follows how such reports are written (places are in ``places``):

- period: a period at the head of a sentence holds for the sentence, one
  inside a clause (or in brackets) for that clause; the narrower of nested
  periods wins; an explicit period carries to the next sentence when that
  sentence continues the same subject.
- target: a goal word ('mục tiêu', 'phấn đấu', 'kế hoạch', 'sẽ', 'được
  giao', 'chỉ đạo mỗi') before the number in its sentence, with no 'đã'
  (done) between them.
- indicator: the catalogue phrases around the number; a rate written 'X đạt
  N%' is named by what comes before it, 'N% X' by what follows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from cds_analysis.lang import periods
from cds_analysis.lang.segments import Sentence, Span
from cds_analysis.lang.text import fold_key
from cds_analysis.reference import indicators
from cds_analysis.reference.vocab import load_vocabulary, phrase_pattern
from cds_analysis.rules import naming, quantities
from cds_analysis.rules.nouns import ADMIN_NOUNS, DURATIONS, NOT_MEASURES, PEOPLE, noun_after
from cds_analysis.rules.places import TIER_WORD

__all__ = [
    "is_structural",
    "is_not_a_measure",
    "is_threshold",
    "as_rate_change",
    "speaks_of_digital",
    "is_postal",
    "evidence_span",
    "period_for",
    "is_target",
    "is_baseline",
    "indicator_for",
    "carry_periods",
    "share_fractions",
    "share_subjects",
]

# ---------------------------------------------------------------------------
# words

_ATTENDANCE = re.compile(r"\b(tham dự|dự lễ|dự hội nghị|có mặt|theo dõi (?:buổi |lễ|hội nghị)|dự buổi)\b", re.I)
_EVENT = re.compile(r"\b(lễ phát động|lễ ra mắt|lễ khai trương|buổi lễ|hội nghị trực tuyến|tham dự lễ|tại lễ)\b", re.I)
# Goal words whose reach is the rest of the sentence …
_TARGET_CUE = re.compile(rf"\b({phrase_pattern(load_vocabulary('goal_cues')['phrase'])})\b", re.I)
# … and 'chỉ tiêu 97%', whose reach is the number it stands before ('đạt 95%, vượt chỉ tiêu 92%').
_LOCAL_TARGET = re.compile(
    r"\b(chỉ tiêu|kế hoạch|mục tiêu)(?: (?:là|đề ra|đặt ra|của tỉnh|năm \d{4}))?\s*(?:(?:là|đạt|khoảng|trên|tối thiểu)\s*)?$",
    re.I,
)
_TARGET_AFTER = re.compile(r"^[^.;]{0,40}?\b(được (?:\w+ ){0,3}giao|phải hoàn thành|cần hoàn thành)\b", re.I)
# 'đã ban hành kế hoạch …' reports a plan that was issued, 'trong kế hoạch …' names one, 'đã phấn đấu'
# reports the effort made: none of them sets a goal.
_PLAN_ISSUED = re.compile(
    r"\b(ban hành|xây dựng|triển khai|thực hiện|phê duyệt|trong|theo|đã)\s*(?:các\s*|tốt\s*)?$", re.I
)
_DONE = re.compile(r"\b(đã|đạt được|kết quả)\b", re.I)
_BASELINE = re.compile(r"\b(so với|so cùng kỳ|cùng kỳ)(?:\s+\S+){0,4}\s*$", re.I)
_QUOTED = re.compile(r"[“\"]([^”\"\n]{1,60})[”\"]")
_NEW_RATE = re.compile(r"[,;]\s*t[ỷỉ] lệ\b", re.I)
_BASELINE_VALUE = re.compile(r"\b(?:so với|so cùng kỳ)\b[^,;()]{0,30}\(\s*$", re.I)
_RATE_WORD = re.compile(r"\bt[ỷỉ] lệ\b", re.I)
_POPULATION = re.compile(
    r"\s+(?:hộ(?: dân| gia đình)?\s*(?:với|và|,)\s*(?:trên |hơn |gần |khoảng )?[\d.]+\s*(?:nhân )?khẩu|(?:nhân )?khẩu)\b",
    re.I,
)
_COMPOSITION = re.compile(r"\bthành phần(?: gồm| bao gồm)?\b", re.I)
_INDEX = re.compile(r"\s+[A-ZĐ][^\s:]*(?:\s+[^\s:]+){0,3}\s*:")
_CARRY_OPENER = re.compile(r"^\s*(Trong đó|Cụ thể|Riêng|Ngoài ra|Theo đó)\b", re.I)


# ---------------------------------------------------------------------------
# place


# ---------------------------------------------------------------------------
# which numbers are facts


def is_not_a_measure(t: str, q: quantities.Quantity, sentence: Sentence) -> bool:
    """Numbers that are durations, names, crowds at an event, remainders or beneficiaries."""
    noun = noun_after(t, q)
    fraction = q.denominator is not None
    if q.unit == "count" and noun in DURATIONS:
        return True
    if q.unit == "count" and noun in NOT_MEASURES and not fraction:
        return True
    if re.search(r"\bmột trong(?: số)?\s*$", t[max(sentence.start, q.start - 14) : q.start], re.I):
        return True  # 'là một trong 2 địa phương được chọn': membership of a group, not a measure
    if q.unit == "count" and not fraction and _POPULATION.match(t, q.number_end):
        return True  # 'TDP 1 có 170 hộ với trên 700 khẩu': the size of a place, told as context
    clause_before = t[sentence.clause_at(q.number_start).start : q.number_start]
    if q.unit == "count" and not fraction and _COMPOSITION.search(clause_before):
        return True  # 'thành phần gồm Tổ trưởng …, Tổ phó … và 03 Tổ viên': who makes up a team
    if q.unit == "count" and not t[sentence.start : q.number_start].strip() and _INDEX.match(t, q.number_end):
        return True  # '3 Phong trào ĐTN: …' at the head of a paragraph numbers a heading
    after = t[q.end : min(sentence.end, q.end + 60)]
    if (
        q.unit == "count"
        and noun in PEOPLE
        and (_ATTENDANCE.search(after) or _ATTENDANCE.search(t[sentence.start : q.number_start]))
        and "thành viên" not in t[q.number_end : q.end + 15]
    ):
        return True
    if re.match(r"^\s*(?:\S+\s){0,2}còn lại\b", t[q.number_end : q.number_end + 40]):
        return True
    piece = t[sentence.clause_at(q.number_start).start : q.number_start]
    piece = piece[max([0] + [m.end() for m in re.finditer(r",\s", piece)]) :]  # the number's own part
    if re.search(r"\bcòn lại\b", piece):
        return True  # 'Các tỉnh còn lại đều dưới 50%': a remainder group, not a place
    if (
        q.unit == "count"
        and noun in ADMIN_NOUNS
        and not fraction
        and re.search(
            r"\b(cho|dành cho|trực thuộc|thuộc|gồm|của|ở)\s*$", t[max(sentence.start, q.start - 14) : q.start]
        )
    ):
        return True
    for m in _QUOTED.finditer(t, max(sentence.start, q.number_start - 60), min(sentence.end, q.number_end + 60)):
        if m.start() < q.number_start and q.number_end <= m.end():
            return True
    if q.unit == "count" and not noun:
        return True
    if (
        q.unit == "count"
        and not fraction
        and q.value in (63, 34)
        and re.match(r"\s*tỉnh", t[q.number_end : q.number_end + 8])
    ):
        return True  # 'dẫn đầu 63 tỉnh, thành phố': the country, not a measure
    return False


_DIGITAL = re.compile(rf"(?<![\wÀ-ỹ])(?:{phrase_pattern(load_vocabulary('digital_words')['phrase'])})(?![\wÀ-ỹ])", re.I)
# A postal network ('283 điểm phục vụ bưu chính', '6.343 người/1 điểm') is no e-government measure;
# the public postal service that returns results ('trả kết quả qua bưu chính công ích') is.
_POSTAL = re.compile(r"\bbưu (?:chính|cục|điện)\b(?! công ích)", re.I)


def speaks_of_digital(t: str, span: Span) -> bool:
    """Whether a stretch of text (a paragraph) speaks of digital transformation at all.

    A figure no catalogue entry names is kept only where it does.
    """
    return bool(_DIGITAL.search(t, span.start, span.end))


def is_postal(t: str, sentence: Sentence) -> bool:
    """A sentence about the postal network: its figures are not CĐS facts (convention H)."""
    return bool(_POSTAL.search(t, sentence.start, sentence.end))


def is_threshold(t: str, q: quantities.Quantity, clause: Span, neighbours) -> bool:
    """'5/9 huyện đạt tỷ lệ này dưới 3%', '15/16 mục tiêu hoàn thành 100%': the bar that selects the counted units.

    A percentage after a fraction in its clause that is not the fraction's own
    share (1.458/1.604 hồ sơ, đạt 90,8%) describes each member, not a fact.
    """
    if q.unit != "percent":
        return False
    before = [o for o in neighbours if clause.start <= o.number_start < q.number_start]
    if not before or before[-1].denominator is None or not before[-1].denominator:
        return False
    fraction = before[-1]
    share = 100 * (fraction.numerator or fraction.value) / fraction.denominator
    gap = t[fraction.end : q.number_start]
    return abs(share - q.value) > 1 and bool(re.search(r"\b(đạt|hoàn thành|có|ở mức)\b", gap)) and len(gap) < 80


_CHANGE_BEFORE = re.compile(r"\b(?:tăng|giảm)(?:\s+(?:tới|thêm|được|khoảng|gần|hơn|trên|mạnh|nhẹ))*\s*$", re.I)


def as_rate_change(t: str, q: quantities.Quantity, sentence: Sentence, neighbours) -> quantities.Quantity:
    """'đạt 3,45%, so với tháng 7 giảm 3,86%': a change between two rates is in percentage points (contract D).

    The percentage right after 'tăng'/'giảm' is a change of a rate when the
    sentence names a rate before it ('tỷ lệ', or another percentage).
    """
    if q.unit != "percent" or not _CHANGE_BEFORE.search(t, max(sentence.start, q.number_start - 30), q.number_start):
        return q
    earlier = t[sentence.start : q.number_start]
    if _RATE_WORD.search(earlier) or any(
        o.unit == "percent" and sentence.start <= o.number_start < q.number_start for o in neighbours
    ):
        return replace(q, unit="percentage_points")
    return q


# What the counted units did or are: '15 địa phương xếp loại tốt', '21 xã đang triển khai …', '11 xã đã công bố'.
_STATUS_AFTER = re.compile(
    rf"^(?:\s*,?\s*{TIER_WORD})*\s*(?:của \S+\s+)?(?:đã|đang|được|xếp loại|đạt|hoàn thành|có kết nối|triển khai)\b",
    re.I,
)


def is_structural(t: str, q: quantities.Quantity, indicator: str) -> bool:
    """'Huyện có 153 thôn': a count of units that measures nothing about CĐS.

    A count of units that did something ('15 địa phương xếp loại tốt', '21 xã
    đang triển khai …') measures that, even where no catalogue entry names it.
    """
    if indicator != "other" or q.unit != "count" or q.denominator is not None or noun_after(t, q) not in ADMIN_NOUNS:
        return False
    return not _STATUS_AFTER.match(t[q.end : q.end + 80])


# ---------------------------------------------------------------------------
# evidence


def evidence_span(t: str, q: quantities.Quantity, clause: Span, neighbours, cap: int) -> tuple[int, int]:
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


# Patterns anchored at the end ('…\s*$') that start on a letter and hold fewer non-space characters than this.
_END_WORDS = 64


def _ends_with(pattern: re.Pattern, text: str) -> re.Match | None:
    """``pattern.search(text)`` for a pattern of :data:`_END_WORDS`, tried on the tail only.

    The gap between two facts can be the rest of a long line ('facts' skip
    repeats); searching all of it for every fact made extraction quadratic.
    """
    if len(text) <= _END_WORDS:
        return pattern.search(text)
    i, seen = len(text), 0
    while i > 0 and seen < _END_WORDS:
        i -= 1
        seen += not text[i].isspace()
    return pattern.search(text, i)


def share_subjects(t: str, facts) -> None:
    """'đạt 75,3%, cao hơn chỉ tiêu 30%': a target set beside a result measures the same thing;
    so does the second of two coordinated numbers ('ở 13/13 xã và 68/68 thôn')."""
    for before, fact in zip(facts, facts[1:]):
        if before.indicator != "other":
            gap = t[before.quantity.end : fact.quantity.start]
            if fact.quantity.unit == before.quantity.unit and _ends_with(_BASELINE_VALUE, gap):
                fact.indicator, fact.indicator_text = (
                    before.indicator,
                    before.indicator_text,
                )  # 'tăng so với năm 2022 (48,9%)'
                continue
            rate = _rate_of(before.indicator)
            if (
                fact.quantity.unit == "percent"
                and before.quantity.unit == "count"
                and rate
                and re.fullmatch(r"(?:\s*[^\s(),;]+){0,3}\s*[(,]?\s*(?:đạt|chiếm|bằng|tương đương)?\s*", gap)
            ):
                fact.indicator, fact.indicator_text = rate, before.indicator_text  # '57.877 hồ sơ (đạt 99,1%)'
                continue
            if fact.quantity.unit != before.quantity.unit:
                continue
            if (
                fact.indicator == "other"
                and fact.quantity.unit == "percent"
                and re.search(r"\(\s*$", t[max(0, fact.quantity.start - 3) : fact.quantity.start])
            ):
                fact.indicator, fact.indicator_text = (
                    before.indicator,
                    before.indicator_text,
                )  # 'Lạc Dương (41,7%)' in a list
                continue
            coordinated = fact.indicator == "other" and re.fullmatch(
                r"(?:[\s,]|xã|phường|thị trấn|thôn|tổ dân phố)*(?:và|hoặc)\s*", gap
            )
            if _ends_with(_LOCAL_TARGET, gap) or coordinated:
                fact.indicator, fact.indicator_text = before.indicator, before.indicator_text
                continue
            if fact.indicator == "other" and fact.quantity.unit == "percent" and _continues_rate(t, gap, fact):
                # 'Huyện Lập Thạch … tỷ lệ chậm, quá hạn 0,33%; huyện Sông Lô giảm từ 10,85% …', 'TP HCM,
                # Hà Nội thuộc nhóm thấp nhất, dưới 10%': a rate that names nothing continues the last one
                fact.indicator, fact.indicator_text = before.indicator, before.indicator_text


_NEW_SUBJECT = re.compile(r"\bt[ỷỉ] lệ\s+(?!này|đó|trên|dưới|khoảng|gần|đạt|là|chung|cao|thấp)\w", re.I)
_OWN_WORDS_AFTER = re.compile(
    r"[\d.,%()]|\b(?:xuống|còn|lên|tăng|giảm|so|với|cùng|kỳ|năm|tháng|quý|và|đạt|là|tại|ở|của|các)\b", re.I
)


def _continues_rate(t: str, gap: str, fact) -> bool:
    """A percentage with no subject of its own, within a few lines of the last named rate."""
    if len(gap) > 400 or _NEW_SUBJECT.search(gap):
        return False
    after = re.split(r"[;.]", t[fact.quantity.end : fact.quantity.end + 60], maxsplit=1)[0]
    return len(_OWN_WORDS_AFTER.sub(" ", re.sub(rf"{TIER_WORD}\s*\S*", " ", after)).split()) <= 1


def _rate_of(code: str) -> str | None:
    """The rate entry of a count entry ('dossiers_digitized_count' → 'dossier_digitization_rate')."""
    for candidate in (code.replace("_count", "_rate"), code + "_rate"):
        if candidate != code and indicators.canonical(candidate) in indicators.codes():
            return indicators.canonical(candidate)
    return None


def share_fractions(t: str, facts) -> None:
    """'1.458/1.604 hồ sơ, đạt tỉ lệ 90,8%': the rate carries the fraction it was computed from."""
    for before, fact in zip(facts, facts[1:]):
        q, b = fact.quantity, before.quantity
        if q.unit == "percent" and b.denominator is not None and q.numerator is None:
            gap = t[b.end : q.number_start]
            if len(gap) < 40 and ";" not in gap and re.search(r"\b(đạt|bằng|chiếm)\b", gap):
                fact.quantity = replace(q, numerator=b.numerator, denominator=b.denominator)


# ---------------------------------------------------------------------------
# period


def period_for(
    t: str,
    q: quantities.Quantity,
    sentence: Sentence,
    clause: Span,
    mentions,
    published: date | None,
    target: bool = False,
    previous: Sentence | None = None,
    neighbours=(),
):
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
        if is_baseline(t, sentence.start, m.start):
            if re.fullmatch(r"\s*\(\s*", t[m.end : q.number_start]):
                return m.period, True  # 'tăng so với năm 2022 (48,9%)': the bracketed value is 2022's
            continue
        if m.start >= q.number_end and (
            any(q.number_end <= o.number_start < m.start for o in neighbours)
            or _RATE_WORD.search(t[q.number_end : m.start])
        ):
            continue
        bracketed = t[sentence.start : m.start].count("(") > t[sentence.start : m.start].count(")")
        same_clause = clause.start <= m.start < clause.end
        sentence_wide = head.start <= m.start < head.end and not bracketed and m.start < first_q
        if same_clause or sentence_wide:
            candidates.append(m)
    if not candidates and previous is not None and _CARRY_OPENER.search(t[sentence.start : sentence.end]):
        # 'công bố kết quả DTI cấp huyện năm 2023. Theo đó, …': the opener continues that sentence.
        earlier = [
            m
            for m in mentions
            if previous.start <= m.start < previous.end
            and m.period is not None
            and not m.period.label.startswith("as_of")  # 'đến nay' holds for its own sentence only
            and not _BASELINE.search(t[max(previous.start, m.start - 20) : m.start])
        ]
        if earlier:
            return earlier[-1].period, True
    if not candidates:
        at_event = _EVENT.search(t[sentence.start : sentence.end]) or (
            previous is not None
            and _EVENT.search(t[previous.start : previous.end])
            and "điểm cầu" in t[sentence.start : sentence.end]
        )
        if published and at_event and not target:
            return periods.Period(f"as_of {published.isoformat()}", published, published), True
        return None, False
    chosen = _narrowest_or_nearest(candidates, q)
    return chosen.period, True


def is_baseline(t: str, sentence_start: int, mention_start: int) -> bool:
    """'so với năm 2021', 'so cùng kỳ năm 2022': the period a figure is compared with, not its own."""
    return bool(_BASELINE.search(t[max(sentence_start, mention_start - 40) : mention_start]))


def _narrowest_or_nearest(candidates, q):
    with_period = [m for m in candidates if m.period is not None]
    pool = with_period or candidates
    nested = [
        m
        for m in pool
        if m.period
        and any(
            o is not m and o.period and o.period.start <= m.period.start and m.period.end <= o.period.end for o in pool
        )
    ]
    if nested:
        pool = nested
    return min(pool, key=lambda m: min(abs(m.start - q.number_start), abs(m.end - q.number_start)))


def carry_periods(t: str, sentence: Sentence, previous: Sentence | None, facts, previous_facts, published) -> None:
    """An explicit period carries to the next sentence that continues its subject."""
    if previous is None or not previous_facts or any(f.period_marked for f in facts):
        return
    opener = bool(_CARRY_OPENER.search(t[sentence.start : sentence.end]))
    inherited = [
        f
        for f in previous_facts
        if f.period is not None and f.period_marked and (opener or not f.period.label.startswith("as_of"))
    ]
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


def is_target(t: str, q: quantities.Quantity, sentence: Sentence, clause: Span, mentions) -> bool:
    before = t[sentence.start : q.number_start]
    if _LOCAL_TARGET.search(t[max(sentence.start, q.start - 30) : q.start]):
        return True
    cues = [
        c for c in _TARGET_CUE.finditer(before) if not _PLAN_ISSUED.search(before[max(0, c.start() - 25) : c.start()])
    ]
    if cues and not _DONE.search(before[cues[-1].end() :]):
        return True
    if _TARGET_AFTER.search(t[q.end : min(sentence.end, q.end + 60)]):
        return True
    for m in mentions:
        if sentence.start <= m.start < sentence.end and m.kind == "target_horizon":
            return True
    return False


# ---------------------------------------------------------------------------
# indicator


_DISTRICT_TWIN = {"communes_completed_dx": "districts_completed_dx"}
# A team counted in people is the size of the team: 'Tổ CNSCĐ thôn 6 có 5 người' counts members.
_MEMBERS_TWIN = {
    "community_tech_teams": "community_tech_team_members",
    "youth_dx_support_teams": "youth_dx_support_team_members",
}
_RANGE_GAP = re.compile(r"\s*%?\s*(?:-|–|đến|tới)\s*", re.I)
_PREDICATE = re.compile(
    r"(?:\(|\b(?:đạt|là|chiếm|bằng|với))\s*(?:(?:tỷ lệ|tỉ lệ|chỉ tiêu|kế hoạch|khoảng|gần|trên|hơn|dưới|tối thiểu|ít nhất|xấp xỉ|mức|cao nhất|thấp nhất)\s*)*$",
    re.I,
)
_RATE_SUBJECT = re.compile(
    r"\b(?:tỷ lệ|tỉ lệ)\s+(?P<subject>[^;:]+?)\s+(?:đều\s+)?(?:đạt|là|chiếm)\s*(?:(?:khoảng|gần|trên|hơn)\s*)?$", re.I
)


def indicator_for(
    t: str,
    q: quantities.Quantity,
    clause: Span,
    neighbours,
    sentence: Sentence | None = None,
    previous: Sentence | None = None,
) -> list[tuple[str, str | None]]:
    """Catalogue codes the number measures, each with the words that name it.

    Mostly one; two when one rate covers two listed indicators ('tỷ lệ phủ
    sóng 3G, băng thông rộng đạt 100%'). A rate written 'X đạt N%' takes its
    subject from before the number; 'N% X …' from the words after it.
    """
    prev = [o for o in neighbours if o.number_start < q.number_start and o.number_start >= clause.start]
    nxt = [o for o in neighbours if o.number_start > q.number_start and o.number_start < clause.end]
    if nxt and _RANGE_GAP.fullmatch(t[q.number_end : nxt[0].number_start]):
        nxt = nxt[1:]  # '60-80% hồ sơ công việc …': the low end of a range is named by the words after the high end
    if q.unit != "percent" and nxt and re.search(r"\(\s*(?:\w+\s*){0,2}$", t[q.end : nxt[0].number_start]):
        # '1.548/1.562 thôn (tương đương 99%) được phủ sóng': the bracketed share is an aside; what the
        # count measures is said after the bracket closes.
        close = t.find(")", nxt[0].number_end, clause.end)
        if close >= 0:
            nxt = [o for o in nxt if o.number_start > close]
    start = prev[-1].number_end if prev else clause.start
    end = nxt[0].number_start if nxt else clause.end
    new_rate = _NEW_RATE.search(t, q.end, end)
    end = new_rate.start() if new_rate else end  # '18.236 hồ sơ, tỷ lệ hồ sơ trực tuyến …': a new subject
    before = t[start : q.number_start]
    if prev and re.search(r"\b(và|hoặc)\s*$", t[prev[-1].end : q.number_start]) and _own_words(t[q.end : end]):
        # '60% hồ sơ … toàn trình và 100% xã đạt tiêu chí …': what comes before names the first number.
        joined, start, before = clause.start, q.number_start, ""
    else:
        joined = None
    before_named = bool(_PREDICATE.search(before))  # 'X đạt N%': the subject comes before, commas and all
    if before_named:
        stop = re.search(r"[,;]|\s(?:và|còn)\s", t[q.end : end])
        end = q.end + stop.start() if stop else end
        subject = _RATE_SUBJECT.search(before)
        if subject and q.unit == "percent":
            parts = [p for p in re.split(r",\s*|\s+và\s+", subject.group("subject")) if p.strip()]
            codes = [naming.match_indicator(p, unit=q.unit) for p in parts]
            found = [(c, p) for c, p in zip(codes, parts) if c]
            if len(found) >= 2 and len({c for c, _ in found}) == len(found):
                return [(c, p.strip()) for c, p in found]
    elif (
        nxt
        and re.search(r"\b(và|hoặc)\s*$", t[q.end : nxt[0].number_start])
        and not naming.match_indicator(t[start:end], unit=q.unit, unit_word=q.unit_word)
    ):
        # '6 huyện … và 300 xã … hoàn thành CĐS': the shared predicate comes after the second number.
        end = nxt[1].number_start if len(nxt) > 1 else clause.end
    if (
        q.unit == "percent"
        and prev
        and prev[-1].unit == "count"
        and re.search(r"\(\s*(?:đạt|chiếm|bằng)?\s*$", t[prev[-1].end : q.number_start])
    ):
        # '1.548/1.562 thôn (99%)', '19.255 hồ sơ (đạt 96,55%)': the bracketed rate is that count's share.
        earlier = [o for o in prev[:-1]]
        start = earlier[-1].number_end if earlier else clause.start
    window = t[start:end]
    code = None
    if q.unit != "percent":
        # A count is named by its own noun phrase first when that phrase says more than
        # the counted noun ('40 TTHC mức độ 3 và 13 TTHC mức độ 4').
        phrase = re.split(r"[,;(]|\s(?:và|với|trong đó|của)\s", t[q.number_end : end], maxsplit=1)[0]
        noun = (q.unit_word or "").strip()
        head = len(phrase) - len(phrase.lstrip()) + len(noun) + 1  # a modifier starts right after the noun
        if any(fold_key(m.trigger) != fold_key(noun) and m.start <= head for m in naming.find_triggers(phrase, q.unit)):
            code = naming.match_indicator(phrase, unit=q.unit, unit_word=q.unit_word)
    counted = None
    if code is None and q.unit == "count":
        # '507 hộ, cá nhân kinh doanh …': the counted noun may run past the word the number parser took
        counted = naming.counted_phrase(t[q.number_end : q.number_end + 40], q.unit)
        if counted and len(counted) > len(q.unit_word or ""):
            code = naming.match_indicator(window, unit=q.unit, unit_word=counted, named=True)
        else:
            counted = None
    if code is None and joined is not None and q.unit == "percent":
        # '… Sổ tay đảng viên điện tử cho 67.500 đảng viên và 100% chi bộ': the share's own population
        # names an entry of the words before the 'và'.
        shared = naming.match_indicator(t[joined:end], unit=q.unit, unit_word=q.unit_word)
        code = shared if shared and indicators.get(shared).counts else None
    code = code or naming.match_indicator(window, unit=q.unit, unit_word=q.unit_word)
    if not before_named:
        code = _own_item_reading(t, q, start, end, code) or code
    if (
        code is None
        and sentence is not None
        and (_PREDICATE.search(before) or q.unit in ("rank", "ranks", "points", "percentage_points"))
    ):
        # 'tỷ lệ này đạt 97%', 'tại cấp huyện đạt 95%': the subject was named earlier.
        for words in (
            t[clause.start : q.number_start],
            t[sentence.start : clause.start],
            t[previous.start : previous.end] if previous else "",
            t[max(0, sentence.start - 1500) : sentence.start] if q.unit in ("rank", "ranks", "points") else "",
        ):
            code = naming.match_indicator(words, unit=q.unit) if words.strip() else None
            if code:
                return [(code, None)]
    if code is None and counted and sentence is not None and noun_after(t, q) not in ADMIN_NOUNS:
        # 'Hệ thống quản lý văn bản … . Đến nay có 19.881 người sử dụng': the counted noun of one entry,
        # whose system the sentence before names.
        for words in (t[sentence.start : q.number_start], t[previous.start : previous.end] if previous else ""):
            code = naming.match_indicator(words, unit=q.unit, unit_word=counted, named=True) if words else None
            if code:
                return [(code, None)]
    if code is None:
        return [("other", _phrase_of(t, q, start, end))]
    if sentence is not None:
        code = _narrower_named_before(t, q, sentence, start, neighbours, code)
    if code in _DISTRICT_TWIN and noun_after(t, q) in ("huyện", "thị xã", "thành phố", "quận"):
        code = _DISTRICT_TWIN[code]  # '6 huyện … hoàn thành CĐS' counts districts, not communes
    if code in _MEMBERS_TWIN and q.unit == "count" and noun_after(t, q) in PEOPLE:
        code = _MEMBERS_TWIN[code]
    here = q.number_start - start
    hits = [m for m in naming.find_triggers(window) if m.code == code]
    nearest = min(hits, key=lambda m: min(abs(m.start - here), abs(m.end - here)), default=None)
    return [(code, window[nearest.start : nearest.end] if nearest else None)]


_ITEM_END = re.compile(rf"[;:]|,\s*(?!\s*(?:và\s+|các\s+)?{TIER_WORD})", re.I)


def _own_item_reading(t: str, q: quantities.Quantity, start: int, end: int, code: str | None) -> str | None:
    """The reading of the comma-separated item that holds the number, where the span's reading comes from elsewhere.

    'phủ cáp quang đến 100% xã, độ phủ sóng di động đạt …', 'hồ sơ đến hạn 19.944 hồ sơ, hồ sơ quá hạn …':
    in a list of comma-joined items the number is named by its own item, not by the phrases of the next
    one. A comma that only continues a list of unit words ('100% xã, phường, thị trấn đã …') does not end
    the item; where a phrase of the span's reading reaches into the item ('được kết nối, liên thông qua
    trục …') the span's reading stands.
    """
    cuts = [m.end() for m in _ITEM_END.finditer(t, start, q.number_start)]
    left = cuts[-1] if cuts else start
    stop = _ITEM_END.search(t, q.end, end)
    right = stop.start() if stop else end
    if left == start and right == end:
        return None
    own = naming.match_indicator(t[left:right], unit=q.unit, unit_word=q.unit_word)
    if own is None or own == code:
        return None
    if code is not None and any(
        m.code == code and start + m.start < right and left < start + m.end
        for m in naming.find_triggers(t[start:end], q.unit)
    ):
        return None
    return own


def _narrower_named_before(
    t: str, q: quantities.Quantity, sentence: Sentence, start: int, neighbours, code: str
) -> str:
    """'Mạng 5G đã được triển khai … với 167 trạm, phủ sóng 17% khu vực': a narrower reading named earlier in
    the sentence holds for the number, unless the sentence has another figure of its unit before it or names
    a new rate in between."""
    narrower = indicators.narrower(code)
    if not narrower or start <= sentence.start:
        return code
    head = t[sentence.start : start]
    hits = [m for m in naming.find_triggers(head, q.unit) if m.code in narrower]
    if not hits:
        return code
    last = max(hits, key=lambda m: m.end)
    if _RATE_WORD.search(t, sentence.start + last.end, q.number_start) or any(
        o.unit == q.unit and sentence.start <= o.number_start < q.number_start for o in neighbours if o is not q
    ):
        return code  # a new rate named in between, or another figure the phrase may belong to
    return last.code


def _own_words(after: str) -> bool:
    """Whether a number's following words name something besides unit tiers ('xã, thị trấn')."""
    words = re.sub(rf"{TIER_WORD}|[,;.()]|\b(?:các|của|và|tổ|dân|phố)\b", " ", after.split(";")[0], flags=re.I)
    return bool(words.split())


def _phrase_of(t: str, q: quantities.Quantity, start: int, end: int) -> str | None:
    after = t[q.end : end].strip(" ,.;:")
    words = after.split()
    if q.unit_word:
        return q.unit_word + (" " + " ".join(words[:5]) if words else "")
    before = t[start : q.number_start]
    m = re.search(r"(tỷ lệ|tỉ lệ|số)\s[^,;]*$", before, re.I)
    if m:
        return m.group().strip()
    return " ".join(words[:6]) or None


# ---------------------------------------------------------------------------
# helpers
