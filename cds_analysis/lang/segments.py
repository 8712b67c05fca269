"""Paragraphs, sentences and clauses of a normalised text, with their offsets.

Context in reports has a reach: a place opener holds for the paragraphs that
follow, a period at the head of a sentence holds for the whole sentence, a
period inside one clause (between semicolons) holds for that clause only.
The extractor asks these spans which context applies to a number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Span", "Sentence", "Paragraph", "split_paragraphs", "unwrap"]

# A sentence ends at . ! ? … followed by space and an upper-case letter, digit
# or opening quote — but not after unit abbreviations ('TX. Đức Phổ'). The pattern opens on the end mark,
# which is rare, rather than on the space, which stands every few letters; the cut is the space ('gap').
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?(?P<gap>\s+)(?=[\"“‘(]?(?P<next>\w))")
_ABBREVIATIONS = re.compile(r"(?:^|[\s.(])(?:TX|TP|TT|ThS|TS|PGS|GS|Tp|v\.v|[A-ZĐ])\.$")
_CLAUSE_END = re.compile(r"(?P<gap>;)")
# Longest sentence kept whole, in characters. Real report sentences stay under ~700; a text
# without sentence ends (one 1 MiB line) would otherwise be one sentence, and the extraction
# rules, which look around each number within its sentence, would take time quadratic in it.
MAX_SENTENCE = 2_000


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


@dataclass(frozen=True)
class Sentence(Span):
    clauses: tuple[Span, ...]

    def clause_at(self, pos: int) -> Span:
        for clause in self.clauses:
            if clause.contains(pos):
                return clause
        return self.clauses[-1]


@dataclass(frozen=True)
class Paragraph(Span):
    sentences: tuple[Sentence, ...]


def _split(text: str, start: int, end: int, pattern: re.Pattern, keep=lambda s, m: True) -> list[tuple[int, int]]:
    """The non-blank pieces of ``text[start:end]`` between the 'gap' groups of ``pattern``'s matches."""
    pieces, cursor = [], start
    for m in pattern.finditer(text, start, end):
        if not keep(cursor, m):
            continue
        gap = m.start("gap")
        pieces.append((cursor, gap if gap > cursor else m.end()))
        cursor = m.end()
    pieces.append((cursor, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _bounded(text: str, start: int, end: int, limit: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """``text[start:end]`` in pieces of at most ``limit`` characters, each cut after the last
    ';', then ',', then space of its second half (or at the limit when there is none)."""
    pieces = []
    while end - start > limit:
        cut = start + limit
        for mark in (";", ",", " "):
            found = text.rfind(mark, start + limit // 2, start + limit)
            if found >= 0:
                cut = found + 1
                break
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return [(s, e) for s, e in pieces if text[s:e].strip()]


def _sentences(text: str, start: int, end: int) -> tuple[Sentence, ...]:
    def is_boundary(s: int, m: re.Match) -> bool:
        following = m.group("next")
        gap = m.start("gap")
        return (following.isupper() or following.isdigit()) and not _ABBREVIATIONS.search(text[max(s, gap - 8) : gap])

    out = []
    for whole in _split(text, start, end, _SENTENCE_END, is_boundary):
        # most sentences are short and not blank (_split kept them): one piece, no copy of it to check
        for s, e in _bounded(text, *whole) if whole[1] - whole[0] > MAX_SENTENCE else (whole,):
            if text.find(";", s, e) < 0:  # most sentences: one clause, no split to make
                out.append(Sentence(s, e, (Span(s, e),)))
                continue
            clauses = tuple(Span(cs, ce) for cs, ce in _split(text, s, e, _CLAUSE_END))
            out.append(Sentence(s, e, clauses or (Span(s, e),)))
    return tuple(out)


# A line that stops mid-sentence and goes on in lower case on the next line is one line, hard-wrapped
# ('tỷ lệ hồ sơ công việc tại cấp\nxã được xử lý …').
_END_MARKS = ".!?…:;"


_LINE = re.compile(r"[^\n]+")


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs (non-empty lines, hard-wrapped lines joined), each split into sentences and clauses."""
    return [Paragraph(s, e, _sentences(text, s, e)) for s, e in _joined_lines(text)]


def _joined_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the non-empty lines, hard-wrapped lines joined."""
    joined: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        if not m.group().strip():
            continue
        start, end = m.span()
        if joined and _wraps(text, joined[-1], start):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def unwrap(text: str) -> str:
    """``text`` with the newlines of hard-wrapped lines read as spaces (same length, so offsets hold)."""
    pieces, cursor = [], 0
    for start, end in _joined_lines(text):
        pieces += [text[cursor:start], text[start:end].replace("\n", " ")]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


_NOT_SPACE = re.compile(r"\S")


def _wraps(text: str, previous: tuple[int, int], start: int) -> bool:
    """Whether the line at ``start`` continues ``previous`` (one newline between, no end mark, lower case).

    The end of ``previous`` is read backwards from its last character, not searched for from its
    first: a paragraph grows with each line it takes, and a search from its start would read it again
    for every line (a hard-wrapped page would take time quadratic in its length).
    """
    after = _NOT_SPACE.search(text, start)  # the first letter after the break (not a copy of the rest of the text)
    first = after.group() if after else ""
    return (
        first.isalpha()
        and first.islower()
        and text.count("\n", previous[1], start) == 1
        and _unfinished(text, *previous)
    )


def _unfinished(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends, white space aside, on a character other than an end mark."""
    last = end - 1
    while last >= start and text[last].isspace():
        last -= 1
    return last >= start and text[last] not in _END_MARKS
