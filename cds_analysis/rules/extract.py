"""Free-text extraction: every number that measures digital transformation
becomes one observation that points at the words it came from.

The pipeline for one text:

1. normalise (``text.NormalizedText``) — rules match the canonical form,
   evidence is cut from the original;
2. drop page furniture (``boilerplate``) and split into paragraphs, sentences
   and clauses (``segments``);
3. find the quantities (``quantities``), periods (``periods``) and places
   (``gazetteer``) in the text;
4. give each quantity its context — place and admin level (``places``),
   period (``timing``), target or result (``goals``), indicator (``naming``) — and keep
   it when it reads as a measure rather than a date, a name, a duration or a
   crowd (``measures``, ``nouns``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.internals import create_dataframe_from_blocks

from cds_analysis.lang import periods
from cds_analysis.lang.segments import Span, split_paragraphs, unwrap
from cds_analysis.lang.text import NormalizedText
from cds_analysis.read.documents import Document, read_document
from cds_analysis.read.tables import Sheet, find_text_tables
from cds_analysis.reference.gazetteer import CURRENT_COLUMNS, current_map_rows, on_current_map
from cds_analysis.reference.schemas import OBSERVATIONS
from cds_analysis.rules import boilerplate, enumerations, evidence, goals, measures, naming, places, timing
from cds_analysis.rules import tables as report_tables
from cds_analysis.rules.boilerplate import in_boilerplate
from cds_analysis.rules.quantities import Quantity, find_quantities
from cds_analysis.versions import rules_version

__all__ = ["extract_text", "extract_document", "extract_documents", "extract_file"]


# Evidence is the clause piece around a number, capped so it stays a quote.
_MAX_EVIDENCE = 240


@dataclass
class _Fact:
    quantity: Quantity
    indicator: str
    indicator_text: str | None
    place: places.Place
    period: periods.Period | None
    period_marked: bool  # a period word applied (even one that resolved to nothing)
    is_target: bool
    evidence_span: tuple[int, int]


def extract_text(
    text: str,
    published: date | None = None,
    source: str | None = None,
    document_id: str | None = None,
    tables: tuple[Sheet, ...] | None = None,
) -> pd.DataFrame:
    """Observations found in ``text``, one row per fact, in text order.

    ``published`` resolves 'đến nay', 'hiện nay' and 'năm nay'; without it
    such facts get no period. ``source`` is stored as given (a path, a URL).
    ``tables`` are the text's tables as a reader kept them; None: those the text
    spells out. Table cells are read by :mod:`cds_analysis.rules.tables`, the
    rest sentence by sentence. Columns are those of the ``observations`` table.
    """
    found = _extract(text, published, source, document_id, tables)
    return found if isinstance(found, pd.DataFrame) else _frame(*found)


def extract_document(doc: Document) -> pd.DataFrame:
    """Observations of a document read by :func:`cds_analysis.read.documents.read_document`."""
    return extract_text(
        doc.text, published=doc.published, source=doc.path, document_id=doc.document_id, tables=doc.tables or None
    )


def extract_documents(docs: Iterable[Document]) -> pd.DataFrame:
    """Observations of many documents in one frame: what concatenating :func:`extract_document` of each gives.

    The frame is built once for the batch rather than once per document (a
    short report's frame costs as much as reading its sentences); a document
    with a period that is not a plain date brings its own frame (:func:`current_map_rows`).
    """
    parts: list[pd.DataFrame] = []
    rows: list[dict] = []
    placed: list[tuple] = []
    for doc in docs:
        found = _extract(doc.text, doc.published, doc.path, doc.document_id, doc.tables or None)
        if isinstance(found, pd.DataFrame):
            if rows:
                parts.append(_frame(rows, placed))
                rows, placed = [], []
            parts.append(found)
        else:
            rows += found[0]
            placed += found[1]
    if rows or not parts:
        parts.append(_frame(rows, placed))
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _extract(
    text: str,
    published: date | None,
    source: str | None,
    document_id: str | None,
    tables: tuple[Sheet, ...] | None,
) -> tuple[list[dict], list[tuple]] | pd.DataFrame:
    """The rows of ``text`` (its sentences' and its tables') with their places on the current map, or its frame
    when a period is not a plain date."""
    nt = NormalizedText.of(text)
    doc_id = document_id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    sheets = find_text_tables(text) if tables is None else tables
    # Most reports have no table: no table facts to read, nor an empty frame to build for them.
    found = report_tables.read_tables(text, sheets, published, source or "<text>", doc_id) if sheets else None
    regions = [nt.from_original(*region) for region in found.regions] if found is not None else []
    facts = _facts(unwrap(nt.text), published, regions)
    version = rules_version("text")
    rows = [_row(fact, nt, doc_id, source or "<text>", version) for fact in facts]
    if found is not None:
        rows = report_tables.without_restatements(rows, found.rows)
    placed = current_map_rows(rows, published)
    if placed is None:
        return on_current_map(pa.Table.from_pylist(rows, schema=OBSERVATIONS).to_pandas(), published)
    return rows, placed  # placed on the current map before any frame is built


def _frame(rows: list[dict], placed: list[tuple]) -> pd.DataFrame:
    """The observations frame of ``rows`` and their :data:`CURRENT_COLUMNS` (as :func:`on_current_map` sets them).

    The frame is built from its blocks in the dtypes Arrow's ``to_pandas``
    gives (one 2-D array per NumPy dtype, one Arrow array per string column), as
    Arrow itself builds it: for the few rows of one report the DataFrame
    constructor's checks and alignment cost more than reading them. The rows
    are checked against the schema by Arrow on the way, as ``Table.from_pylist``
    would (each value converted to its field's type), in one conversion that
    also gives the string columns.
    """
    dtypes = _dtypes()
    current = {column: [p[i] for p in placed] for i, column in enumerate(CURRENT_COLUMNS)}
    checked = pa.array(rows, type=_row_type())  # raises on a value outside the schema
    blocks: list[tuple[object, np.ndarray]] = []
    same_dtype: dict[np.dtype, tuple[list[int], list]] = {}
    for position, field in enumerate(OBSERVATIONS):
        column, dtype = field.name, dtypes[field.name]
        if not isinstance(dtype, np.dtype):  # pandas' string dtype: Arrow large strings
            strings = pa.chunked_array([checked.field(position)])
            # pandas 3 takes the dtype (str, NaN for missing); its stubs do not know the keyword yet
            text_column = pd.arrays.ArrowStringArray(strings, dtype=dtype)  # type: ignore[call-arg]
            blocks.append((text_column, np.array([position])))
            continue
        values = current[column] if column in current else [r.get(column) for r in rows]
        if dtype.kind == "f":
            values = [np.nan if v is None else v for v in values]
        elif dtype.kind in "biu" and None in values:  # a missing integer or flag: Arrow's conversion decides its dtype
            return _arrow_frame(rows, placed)
        positions, columns = same_dtype.setdefault(dtype, ([], []))
        positions.append(position)
        columns.append(values)
    for dtype, (positions, columns) in same_dtype.items():
        array = np.empty((len(columns), len(rows)), dtype=dtype)
        for i, values in enumerate(columns):
            array[i, :] = values  # filled row by row: an object row keeps its values as they are
        blocks.append((array, np.array(positions)))
    return create_dataframe_from_blocks(blocks, pd.RangeIndex(len(rows)), _columns())


def _arrow_frame(rows: list[dict], placed: list[tuple]) -> pd.DataFrame:
    frame = pa.Table.from_pylist(rows, schema=OBSERVATIONS).to_pandas()
    for i, column in enumerate(CURRENT_COLUMNS):
        frame[column] = pd.Series([p[i] for p in placed], index=frame.index, dtype=object)
    return frame


@cache
def _row_type() -> pa.StructType:
    """A row of the schema as one Arrow struct, the columns pandas holds as strings in Arrow large strings."""
    dtypes = _dtypes()
    return pa.struct(
        [f if isinstance(dtypes[f.name], np.dtype) else pa.field(f.name, pa.large_string()) for f in OBSERVATIONS]
    )


@cache
def _dtypes() -> dict:
    """Column → dtype of the frame :func:`_arrow_frame` builds."""
    return _arrow_frame([], []).dtypes.to_dict()


@cache
def _columns() -> pd.Index:
    """The column labels of the frame :func:`_arrow_frame` builds."""
    return _arrow_frame([], []).columns


def extract_file(path: str | Path) -> pd.DataFrame:
    """Read ``path`` (txt, html, docx, pdf) and extract its observations.

    Raises :class:`cds_analysis.read.documents.ReadError` naming the file when it
    cannot be read.
    """
    return extract_document(read_document(path))


def _facts(t: str, published: date | None, in_tables: list[tuple[int, int]]) -> list[_Fact]:
    paragraphs = split_paragraphs(t)
    furniture = boilerplate.merge_spans(boilerplate.boilerplate_spans(t) + _headline(t, paragraphs), t)
    quantities = [q for q in find_quantities(t) if not in_boilerplate(furniture, q.number_start)]
    all_mentions = periods.find_periods(t, published)
    period_mentions = [m for m in all_mentions if not in_boilerplate(furniture, m.start)]
    heading_periods = _heading_periods(t, paragraphs, _ByStart(all_mentions, lambda m: m.start))
    in_period = _Covering([(m.start, m.end) for m in period_mentions])
    quantities = [q for q in quantities if not in_period.covers(q.number_start)]
    quantities = _without_repeating_captions(t, paragraphs, quantities)
    in_focus = places.PlaceContext(t, paragraphs, furniture, published)
    in_a_table = _Covering(in_tables)
    quantities = [q for q in quantities if not in_a_table.covers(q.number_start)]
    facts: list[_Fact] = []
    seen: set[tuple] = set()
    previous_sentence_facts: list[_Fact] = []
    previous_sentence = None
    last_sentence = None
    report_period: periods.Period | None = None
    section_period: periods.Period | None = None
    plan_goals = _GoalSection(_is_plan(t, paragraphs), None)
    # Numbers and periods looked up by offset (a long line has thousands of both: no rescan per sentence).
    by_offset = _ByStart(quantities, lambda q: q.number_start)
    mentions_at = _ByStart(period_mentions, lambda m: m.start)
    for paragraph in paragraphs:
        previous_sentence_facts, previous_sentence = [], None
        last_in_paragraph = None
        in_paragraph = mentions_at.between(paragraph.start, paragraph.end)
        plan_goals = _goal_section(t, paragraph, in_paragraph, plan_goals)
        states = bool(by_offset.between(paragraph.start, paragraph.end))
        new_unit = in_focus.opens_with_unit(paragraph)
        if not _CONTINUES.match(t, paragraph.start) and (states or new_unit):
            report_period = None  # a paragraph with figures is a new statement, unless it details the last one
        section_period = _section_period(t, paragraph, in_paragraph, section_period, new_unit)
        for k, sentence in enumerate(paragraph.sentences):
            in_sentence = by_offset.between(sentence.start, sentence.end)
            sentence_mentions = mentions_at.between(sentence.start, sentence.end)
            if not in_sentence:  # a sentence without figures states no fact: it may only set the report's period
                report_period = _report_period(t, sentence, sentence_mentions, report_period, sentence.end)
                last_sentence = last_in_paragraph = sentence
                continue
            # period_for reads the sentence's periods and those of the sentence before it
            since = last_in_paragraph.start if last_in_paragraph is not None else sentence.start
            nearby_mentions = mentions_at.between(min(since, sentence.start), sentence.end)
            sentence_facts: list[_Fact] = []
            postal = measures.is_postal(t, sentence)
            for q in in_sentence:
                if postal or measures.is_not_a_measure(t, q, sentence):
                    continue
                clause = sentence.clause_at(q.number_start)
                neighbours = [o for o in in_sentence if o is not q]
                if measures.is_threshold(t, q, clause, neighbours):
                    continue
                q = measures.as_rate_change(t, q, sentence, neighbours)
                span = evidence.evidence_span(t, q, clause, neighbours, _MAX_EVIDENCE)
                place = in_focus.place_for(q, sentence, clause, paragraph, neighbours)
                is_target = goals.is_target(t, q, sentence, clause, sentence_mentions)
                period, marked = timing.period_for(
                    t, q, sentence, clause, nearby_mentions, published, is_target, last_in_paragraph, neighbours
                )
                if period is not None and _DAY_LABEL.match(period.label):
                    # 'Sáng 5/4, … đã thành lập 04 tổ': what stands on a day is a status as of that day
                    period = periods.Period(f"as_of {period.label}", period.start, period.end)
                if marked and period is not None and period.label.startswith("as_of"):
                    is_target = False  # 'Tính đến hết năm 2024, … hoàn thành 100%' reports a status
                for indicator, indicator_text in naming.indicator_for(
                    t, q, clause, neighbours, sentence, last_sentence
                ):
                    if measures.is_structural(t, q, indicator):
                        continue
                    sentence_facts.append(_Fact(q, indicator, indicator_text, place, period, marked, is_target, span))
            for fact in sentence_facts:
                if not fact.period_marked and paragraph.start in heading_periods:
                    fact.period, fact.period_marked = heading_periods[paragraph.start], True
            evidence.share_fractions(t, sentence_facts)
            evidence.share_subjects(t, ([facts[-1]] if facts else []) + sentence_facts)
            sentence_facts = _enumerated(t, sentence_facts, k, paragraph, in_focus)
            # What no entry names, in sentences that do not speak of CĐS, is about something else. 'tỷ lệ này'
            # speaks of the sentence before, 'Đứng đầu là …' names the index after: the sentences around a
            # figure must speak of CĐS.
            if any(f.indicator == "other" for f in sentence_facts) and not measures.speaks_of_digital(
                t, _around(paragraph, k)
            ):
                sentence_facts = [f for f in sentence_facts if f.indicator != "other"]
            timing.carry_periods(t, sentence, previous_sentence, sentence_facts, previous_sentence_facts, published)
            for fact in sentence_facts:
                if plan_goals.active and not fact.is_target and not _reports_done(t, sentence, fact):
                    fact.is_target = True  # an item under a plan's goal ('Mục tiêu đến năm 2026:↵- 95% …')
                    if fact.period is None and not fact.period_marked:
                        fact.period = plan_goals.period
                if fact.period is None and not fact.period_marked and not fact.is_target:
                    fact.period = report_period or section_period  # a report's breakdown, a section's items
            first_number = min(q.number_start for q in in_sentence)
            report_period = _report_period(t, sentence, sentence_mentions, report_period, first_number)
            for fact in sentence_facts:
                key = (
                    fact.indicator,
                    fact.quantity.value,
                    fact.place.key,
                    fact.period and fact.period.label,
                    fact.is_target,
                )
                if key in seen:
                    continue
                seen.add(key)
                facts.append(fact)
            previous_sentence_facts, previous_sentence = sentence_facts, sentence
            last_sentence = last_in_paragraph = sentence
    facts.sort(key=lambda f: f.quantity.number_start)
    return _without_unnamed_repeats(facts)


class _ByStart:
    """Items in text order, looked up by the offsets they start at (a bisection, not a scan)."""

    def __init__(self, items: list, start) -> None:
        self.items = items
        self.starts = [start(x) for x in items]
        self.ordered = all(a <= b for a, b in zip(self.starts, self.starts[1:]))

    def between(self, lo: int, hi: int) -> list:
        """The items starting in ``[lo, hi)``, in their order."""
        if not self.ordered:
            return [x for x, s in zip(self.items, self.starts) if lo <= s < hi]
        return self.items[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]


class _Covering:
    """Spans (start, end), asked whether any covers an offset, in log time."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = list(accumulate((e for _, e in spans), max))  # furthest end among spans starting so far

    def covers(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos)
        return i > 0 and self.reach[i - 1] > pos


@dataclass(frozen=True)
class _GoalSection:
    """Whether the text is in a plan's goals, and the horizon the goals named ('đến năm 2026')."""

    active: bool
    period: periods.Period | None


# Headings and openers of a plan's goals and of a report's results; numbering ('II.', '2.', 'a)', '-') aside.
_NUMBERING = r"\s*(?:[IVX]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|[-+•–*])?\s*"
_GOAL_HEAD = re.compile(_NUMBERING + r"(?:mục tiêu|chỉ tiêu|phấn đấu|định hướng)\b", re.IGNORECASE)
_RESULT_HEAD = re.compile(
    _NUMBERING + r"(?:kết quả|tình hình|đánh giá|đến nay|tính đến|hiện nay|qua \d|sau \d|sau khi)\b", re.IGNORECASE
)
_PLAN_TITLE = re.compile(r"\s*(?:KẾ HOẠCH|Kế hoạch)\b(?![^\n]{0,40}\b(?:đã|được)\b)")
_PLAN_ADDRESS = re.compile(r"\s*source:\s*\S+/ke-hoach-", re.IGNORECASE)
_DONE_BEFORE = re.compile(r"\b(?:đã|đạt được|kết quả|hiện có|hiện nay|đến nay)\b", re.IGNORECASE)


def _is_plan(t: str, paragraphs) -> bool:
    """A plan ('KẾ HOẠCH …' as its title, or a page address naming one): its figures are goals."""
    if _PLAN_ADDRESS.match(t):
        return True
    heads = [t[p.start : p.end] for p in paragraphs[:8]]
    return any(_PLAN_TITLE.match(h) and len(h.strip()) <= 200 for h in heads)


def _goal_section(t: str, paragraph, mentions, current: _GoalSection) -> _GoalSection:
    """The goal state after a paragraph's opening words.

    A goal heading or opener ('Mục tiêu đến năm 2026', 'II. CHỈ TIÊU', 'Phấn đấu')
    starts the goals, with the horizon it names; a results heading or opener
    ('I. KẾT QUẢ THỰC HIỆN', 'Đến nay', 'Kết quả') ends them. A programme's span
    ('giai đoạn 2021 - 2025') is no horizon.
    """
    if _RESULT_HEAD.match(t, paragraph.start):
        return _GoalSection(False, None)
    if not _GOAL_HEAD.match(t, paragraph.start):
        return current
    head_end = min(paragraph.end, paragraph.start + 120)
    horizons = [
        m.period
        for m in mentions
        if paragraph.start <= m.start < head_end
        and m.period is not None
        and m.kind in ("target_horizon", "explicit")
        and not m.period.label.startswith("range")
    ]
    return _GoalSection(True, horizons[0] if horizons else current.period)


def _reports_done(t: str, sentence, fact: _Fact) -> bool:
    """A figure a sentence reports as done ('đã', 'kết quả', 'đến nay' before it), or a status as of a date."""
    if fact.period is not None and fact.period.label.startswith("as_of"):
        return True
    return bool(_DONE_BEFORE.search(t, sentence.start, fact.quantity.number_start))


_DAY_LABEL = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# A paragraph that details the one before it: 'Trong đó, …', 'Theo đó, …', a bullet or list item.
_CONTINUES = re.compile(
    r"\s*(?:[-+•–*]\s|[a-zđ]\)\s|(?:Trong đó|Theo đó|Cụ thể|Ngoài ra|Bên cạnh đó|Đối với|Riêng|Đồng thời)\b"
    r"|[^.,;:\n]{0,40}\bcũng\b)"  # 'Hà Tĩnh cũng xếp thứ 28 …': 'also' continues the statement before
)
# A paragraph that opens with its period ('Năm 2024, tỉnh …', 'Trong 6 tháng đầu năm 2024, …') starts a section.
_OPENS_WITH_PERIOD = re.compile(r"\s*(?:Trong\s+|Tính đến\s+)?")


def _section_period(t: str, paragraph, mentions, current: periods.Period | None, new_unit: bool):
    """The period of the section a paragraph belongs to (convention F: a section's period holds for its items).

    A paragraph that opens with a period names it; the period holds over the
    paragraphs after it until another period is named or a paragraph turns to
    another unit ('Tại huyện Tư Nghĩa, …').
    """
    inside = [
        m
        for m in mentions
        if paragraph.start <= m.start < paragraph.end and not timing.is_baseline(t, paragraph.start, m.start)
    ]
    lead = _OPENS_WITH_PERIOD.match(t, paragraph.start)
    opening = next((m for m in inside if lead is not None and m.start == lead.end()), None)
    if opening is not None:
        period = opening.period
        later = [m for m in inside if m.start > opening.start]
        if period is None or any(m.period is None or not period.start <= m.period.start <= period.end for m in later):
            return None  # 'Năm 2022, … Từ tháng 11/2022 đến nay, …': the paragraph moved on
        explicit = opening.kind in ("explicit", "relative")
        ok = (
            explicit
            and not opening.period.label.startswith(("as_of", "since"))
            and not _DAY_LABEL.match(opening.period.label)
        )
        return opening.period if ok else None
    if inside or new_unit:
        return None
    return current


def _enumerated(t: str, sentence_facts: list[_Fact], k: int, paragraph, in_focus) -> list[_Fact]:
    """One fact per unit of an enumeration that shares a figure (convention J); ``k``: the sentence's index."""
    sentence = paragraph.sentences[k]
    following = paragraph.sentences[k + 1] if k + 1 < len(paragraph.sentences) else None
    out = []
    for fact in sentence_facts:
        q = fact.quantity
        group = enumerations.members(t, q, sentence, sentence.clause_at(q.number_start), following, in_focus)
        out += [replace(fact, place=place) for place in group] if group else [fact]
    return out


def _around(paragraph, k: int) -> Span:
    """The ``k``-th sentence of a paragraph with its neighbours."""
    return Span(
        paragraph.sentences[max(0, k - 1)].start, paragraph.sentences[min(len(paragraph.sentences) - 1, k + 1)].end
    )


def _report_period(
    t: str, sentence, mentions, current: periods.Period | None, first_number: int
) -> periods.Period | None:
    """The period that holds after ``sentence`` for the breakdown that follows it.

    'Năm 2022, …', 'trong tháng 8/2021 đã tiếp nhận …' name the period of a report
    before its first figure; it holds for the rest of the paragraph and the
    paragraphs that detail it (convention F of the gold set) until another period
    is named. 'đến nay' holds for its own sentence only, a goal's horizon for the
    goal, a single day for an event: naming one ends the report's period. A period
    after the first figure or in brackets qualifies that figure only ('… (năm 2022
    và quý I/2023) cho 1.112 lượt'); a baseline ('so với năm 2021') names none.
    """
    named = [
        m
        for m in mentions
        if sentence.start <= m.start < sentence.end and not timing.is_baseline(t, sentence.start, m.start)
    ]
    if not named:
        return current
    m = named[-1]
    head = t[sentence.start : m.start]
    if m.start > first_number or head.count("(") > head.count(")"):
        return current if m.period is not None and not m.period.label.startswith("as_of") else None
    if (
        m.period is None
        or m.kind not in ("explicit", "relative")
        or m.period.label.startswith(("as_of", "since"))
        or _DAY_LABEL.match(m.period.label)
    ):
        return None
    return m.period


def _without_unnamed_repeats(facts: list[_Fact]) -> list[_Fact]:
    """'Hoàn thành 17/18 nhiệm vụ' as a sub-heading, then in a sentence that names it: keep the named one.

    Only counts and fractions: '100%' of two different things is common and both stay.
    """

    def key(f: _Fact) -> tuple:
        q = f.quantity
        return (q.value, q.numerator, q.denominator, q.unit, f.place.key)

    named = {key(f) for f in facts if f.indicator != "other"}
    return [f for f in facts if f.indicator != "other" or f.quantity.unit == "percent" or key(f) not in named]


_BULLET = re.compile(r"\s*[-+•–*]\s")
_HEADING_END = (".", "!", "?", "…", ";", ",")


def _heading_periods(t: str, paragraphs, mentions) -> dict[int, periods.Period]:
    """Period of each bullet paragraph from the heading above it.

    A formal report lists results under headings ('Kết quả … quý I năm 2024',
    'II. NHIỆM VỤ QUÝ II/2024'); a bullet item without a period word of its own
    belongs to the nearest heading above that names one.
    """
    found: dict[int, periods.Period] = {}
    current = None
    for p in paragraphs:
        line = t[p.start : p.end].strip()
        if _SOURCE.match(line):
            continue  # a saved page's address: its slug is no heading
        if _BULLET.match(line):
            if current is not None:
                found[p.start] = current
            continue
        if len(line) <= 150 and not line.endswith(_HEADING_END):
            named = [m.period for m in mentions.between(p.start, p.end) if m.period is not None]
            if named:
                current = named[-1]
        else:
            current = None  # running text ends the list
    return found


_SOURCE = re.compile(r"\s*source:\s*\S+\s*$")


def _headline(t: str, paragraphs) -> list[tuple[int, int]]:
    """A headline restates a fact of the body; its numbers are not counted again."""
    spans = []
    if paragraphs and _SOURCE.match(t[paragraphs[0].start : paragraphs[0].end]):
        spans.append((paragraphs[0].start, paragraphs[0].end))  # a saved page's 'source: URL' line
        paragraphs = paragraphs[1:]
    if len(paragraphs) < 2:
        return spans
    first = paragraphs[0]
    line = t[first.start : first.end].strip()
    if len(line) <= 200 and not line.endswith((".", "!", "?", "…")):
        spans.append((first.start, first.end))
    return spans


_CAPTION = re.compile(r"^\s*(?:Ảnh|ẢNH|Ảnh minh họa)\s*:|(?:\(|\.\s|\s)(?:Ảnh|ẢNH)\s*:?\s*[^.]{0,40}\)?\s*$")


def _is_caption(paragraph: str) -> bool:
    """Whether a paragraph is a short photo caption (searched only where 'Ảnh' is: every caption names it)."""
    return len(paragraph) < 300 and ("Ảnh" in paragraph or "ẢNH" in paragraph) and bool(_CAPTION.search(paragraph))


def _without_repeating_captions(t: str, paragraphs, quantities):
    """A photo caption that restates figures of the body adds no fact ('Ảnh: … 13 điểm cầu')."""
    in_a_caption = _Covering([(p.start, p.end) for p in paragraphs if _is_caption(t[p.start : p.end])])
    kept, seen = [], set()
    for q in quantities:
        if q.value in seen and in_a_caption.covers(q.number_start):
            continue
        seen.add(q.value)
        kept.append(q)
    return kept


def _row(fact: _Fact, nt: NormalizedText, doc_id: str, source: str, version: str) -> dict:
    q = fact.quantity
    evidence, start, end = nt.evidence(*fact.evidence_span)
    place = fact.place
    obs_key = f"{doc_id}|{start}|{end}|{fact.indicator}|{q.value!r}|{place.key}"
    return {
        "observation_id": hashlib.sha256(obs_key.encode("utf-8")).hexdigest()[:16],
        "document_id": doc_id,
        "source": source,
        "indicator": fact.indicator,
        "indicator_text": fact.indicator_text,
        "value": float(q.value),
        "unit": q.unit,
        "numerator": q.numerator,
        "denominator": q.denominator,
        "qualifier": q.qualifier,
        "is_target": bool(fact.is_target),
        "period_label": fact.period.label if fact.period else None,
        "period_start": fact.period.start if fact.period else None,
        "period_end": fact.period.end if fact.period else None,
        "admin_level": place.level,
        "place": place.label,
        "province": place.province,
        "province_code": place.province_code,
        "district": place.district,
        "district_code": place.district_code,
        "commune": place.commune,
        "commune_code": place.commune_code,
        "map": place.unit.map if place.unit else None,
        "evidence": evidence,
        "char_start": start,
        "char_end": end,
        "extractor_version": version,
    }
