"""Vietnamese text normalisation that never loses the original.

Reports arrive in NFC or NFD, with old-style ('Hoà', 'Thuỷ') or new-style
('Hòa', 'Thủy') tone marks and with no-break or zero-width spaces. Matching
runs on one canonical form; evidence offsets must still point into the text
as it was received. :class:`NormalizedText` keeps both and maps between them.

Canonical form: NFC, the tone mark of open 'oa', 'oe', 'uy' syllables on the
first vowel ('Hóa', 'Thủy', 'Khánh Hòa': the placement of the official lists
of administrative units), every Unicode space as ' ', zero-width characters
and soft hyphens dropped.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

__all__ = [
    "CHAR_TABLE_END",
    "CHAR_TABLE_FROM",
    "NormalizedText",
    "code_points",
    "fold",
    "fold_key",
    "led_by",
    "normalize",
    "occurrences",
    "phrase_trie",
    "table_codes",
]

_TONES = set("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_DROP = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
_GLIDES = {"o": "ae", "u": "y"}  # open syllables whose tone placement varies


def _is_space(ch: str) -> bool:
    return ch not in "\n\r\t" and (ch.isspace() or unicodedata.category(ch) == "Zs")


def _clusters(text: str) -> list[tuple[int, int]]:
    """Split into (start, end) spans of a base character and its combining marks."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or not unicodedata.combining(text[i]):
            spans.append((start, i))
            start = i
    return spans


def _retone(nfd: list[str]) -> list[str]:
    """Move the tone of open 'oá', 'oè', 'uỷ' onto the first vowel ('óa', 'ỏe', 'ủy').

    Works on NFD clusters so that only marks move and the cluster count (and
    so the offset map) stays the same. After 'q' the 'u' belongs to the
    consonant ('quý') and is left alone.
    """
    out = list(nfd)
    for i in range(len(out) - 1):
        first, second = out[i], out[i + 1]
        glide = _GLIDES.get(first.lower())
        if not glide or len(second) != 2 or second[0].lower() not in glide or second[1] not in _TONES:
            continue
        if i > 0 and out[i - 1][:1].lower() == "q":
            continue
        if i + 2 < len(out) and (out[i + 2][:1].isalpha()):
            continue
        out[i], out[i + 1] = first + second[1], second[0]
    return out


# Combining marks: the blocks whose characters join the base character before them.
_MARK_BLOCKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))


def code_points(text: str) -> np.ndarray:
    """The code points of ``text`` as one array (a lone surrogate stays one code point)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


# A text this long or longer is read through its code points, each looking up a table of one entry per code
# point below CHAR_TABLE_END (Latin, Vietnamese, combining marks, punctuation): one array look-up beats
# ``str.translate`` and the string methods, which handle shorter texts.
CHAR_TABLE_FROM, CHAR_TABLE_END = 128, 0x3000


def table_codes(text: str) -> np.ndarray | None:
    """:func:`code_points` of ``text`` where a table of :data:`CHAR_TABLE_END` entries reads it faster; else None."""
    if len(text) < CHAR_TABLE_FROM:
        return None
    codes = code_points(text)
    return codes if codes.max() < CHAR_TABLE_END else None


def _cluster_starts(text: str) -> list[int]:
    """Where each base character with the combining marks after it starts (marks opening the text: one cluster).

    Read off all code points at once: a decomposed report has a mark every few
    characters, and a regex match per cluster cost milliseconds per report.
    """
    codes = code_points(text)
    is_mark = np.zeros(len(codes), dtype=bool)
    for first, last in _MARK_BLOCKS:
        is_mark |= (codes >= first) & (codes <= last)
    is_mark[:1] = False
    return np.flatnonzero(~is_mark).tolist()


_DROP_CHARS = re.compile("[" + "".join(sorted(_DROP)) + "]")
_DROP_OR_COMBINING = re.compile("[" + "".join(sorted(_DROP)) + "\u0300-\u036f]")
# Unicode spaces other than ' ' (a regex finds the few there are faster than str.translate reads every character).
_SPACES = re.compile("[" + "".join(chr(i) for i in range(0x3001) if chr(i) != " " and _is_space(chr(i))) + "]")
# Old-style tone in composed text: 'oá' → 'óa', 'uỷ' → 'ủy' (same length). The pattern opens on the glide so
# that re skips from one 'o'/'u' to the next; one opening on the look-behind for 'q' is tried at every character.
_TONED = {c: unicodedata.normalize("NFD", c) for c in "áàảãạéèẻẽẹýỳỷỹỵÁÀẢÃẠÉÈẺẼẸÝỲỶỸỴ"}
_OLD_STYLE_NFC = re.compile(r"[oOuU](?<![qQ].)(?:(?<=[oO])[áàảãạéèẻẽẹÁÀẢÃẠÉÈẺẼẸ]|(?<=[uU])[ýỳỷỹỵÝỲỶỸỴ])(?!\w)")


def _retone_nfc(m: re.Match) -> str:
    glide, toned = m.group()
    base, tone = _TONED[toned][0], _TONED[toned][1]
    return unicodedata.normalize("NFC", glide + tone) + base


@dataclass(frozen=True)
class NormalizedText:
    """A text in canonical form together with the original it came from.

    ``text`` is what rules match against; ``original`` is what evidence quotes.
    ``to_original(start, end)`` turns a span of ``text`` into the span of
    ``original`` that produced it.
    """

    original: str
    text: str
    _starts: tuple[int, ...] | None = field(repr=False)  # None: position i is position i
    _ends: tuple[int, ...] | None = field(repr=False)

    @classmethod
    def of(cls, original: str) -> NormalizedText:
        if unicodedata.is_normalized("NFC", original) and not _DROP_OR_COMBINING.search(original):
            # Common case: every change is one character for one, offsets stay put.
            return cls(original, _OLD_STYLE_NFC.sub(_retone_nfc, _SPACES.sub(" ", original)), None, None)
        if not _DROP_CHARS.search(original):
            # Decomposed text: each base letter with its marks composes to one character.
            composed = unicodedata.normalize("NFC", original)
            clusters = _cluster_starts(original)
            if len(clusters) == len(composed):
                text = _OLD_STYLE_NFC.sub(_retone_nfc, _SPACES.sub(" ", composed))
                return cls(original, text, tuple(clusters), (*clusters[1:], len(original)))
        nfd: list[str] = []
        owners: list[tuple[int, int]] = []
        for s, e in _clusters(original):
            cluster = original[s:e]
            if cluster in _DROP:
                continue
            if len(cluster) == 1 and _is_space(cluster):
                cluster = " "
            nfd.append(unicodedata.normalize("NFD", cluster))
            owners.append((s, e))
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for cluster, (s, e) in zip(_retone(nfd), owners):
            for ch in unicodedata.normalize("NFC", cluster):
                pieces.append(ch)
                starts.append(s)
                ends.append(e)
        return cls(original, "".join(pieces), tuple(starts), tuple(ends))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to the ``original`` span it came from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside text of length {len(self.text)}")
        if self._starts is None or self._ends is None:
            return start, end
        if start == end:
            pos = self._starts[start] if start < len(self._starts) else len(self.original)
            return pos, pos
        return self._starts[start], self._ends[end - 1]

    def from_original(self, start: int, end: int) -> tuple[int, int]:
        """Map an ``original`` span to the smallest covering span of ``text``."""
        if self._starts is None or self._ends is None:
            return start, end
        s = bisect.bisect_right(self._ends, start)
        e = bisect.bisect_left(self._starts, end)
        return s, max(s, e)

    def evidence(self, start: int, end: int) -> tuple[str, int, int]:
        """Original substring and offsets for a span of the normalised text."""
        s, e = self.to_original(start, end)
        return self.original[s:e], s, e


def normalize(text: str) -> str:
    """Canonical form of ``text`` (NFC, canonical tone marks, plain spaces)."""
    if len(text) <= 200:
        return _normalize_short(text)
    return NormalizedText.of(text).text


@lru_cache(maxsize=1 << 16)
def _normalize_short(text: str) -> str:
    """Names and phrases recur thousands of times in a corpus: normalise each once."""
    return NormalizedText.of(text).text


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    if unicodedata.combining(ch):
        return ch
    low = unicodedata.normalize("NFD", ch)[0].lower()
    return low[0] if low else ch


_NOT_WORD = re.compile(r"[^\w\s]")


def _key_char(ch: str) -> str:
    """A character of a :func:`fold_key`: folded, a space where the folded character is no letter, digit or space."""
    folded = _fold_char(ch)
    return " " if _NOT_WORD.match(folded) else folded


class _FoldTable(dict):
    """``str.translate`` table of a function of one character, filled one character at a time."""

    def __init__(self, of_char: Callable[[str], str]):
        super().__init__()
        self.of_char = of_char

    def __missing__(self, ordinal: int) -> str:
        self[ordinal] = folded = self.of_char(chr(ordinal))
        return folded


_FOLD = _FoldTable(_fold_char)
_FOLD_KEY = _FoldTable(_key_char)

_FOLD_ARRAY = np.array([ord(_fold_char(chr(i))) for i in range(CHAR_TABLE_END)], dtype=np.uint32)


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` with the same length.

    Position ``i`` of ``fold(t)`` corresponds to position ``i`` of ``t``, so a
    match found in the folded text is a match in ``t``. 'đ' folds to 'd'.
    A long text (a whole report) is folded with one array look-up, several
    times faster than ``str.translate``; both give the same characters.
    """
    codes = table_codes(text)
    if codes is not None:
        return _FOLD_ARRAY[codes].tobytes().decode("utf-32-le", "surrogatepass")
    return text.translate(_FOLD)


@lru_cache(maxsize=1 << 16)
def fold_key(text: str) -> str:
    """Matching key: canonical form, folded, punctuation-light, single spaces.

    'huyen Hoang Hoa', 'Huyện Hoằng Hoá' and 'HUYỆN HOẰNG HÓA' share one key.
    Folding and punctuation are one table, so a long line is read once.
    """
    return " ".join(normalize(text).translate(_FOLD_KEY).split())


def phrase_trie(phrases, gap: str = r"\s+") -> str:
    """The alternation of lower-case ``phrases`` as a trie, ``gap`` (any run of spaces) between words.

    For a pattern compiled with ``re.IGNORECASE``, or over folded text: ``re``
    tries the phrases one after another at every position of a text, which for
    a long list costs more than the rest of a rule; as a trie it follows one
    branch per letter. Where several phrases start at a position the longest
    that the rest of the pattern accepts is taken (optional tails are greedy),
    as in an alternation sorted longest first
    (``cds_analysis.reference.vocab.phrase_pattern``).
    """
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in " ".join(phrase.lower().split()):
            node = node.setdefault(ch, {})
        node[""] = {}  # a phrase ends here

    def branches(node: dict) -> str:
        alternatives = [(gap if ch == " " else re.escape(ch)) + branches(child) for ch, child in node.items() if ch]
        if not alternatives:
            return ""
        if "" in node:
            return f"(?:{'|'.join(alternatives)})?"
        return alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"

    return branches(trie)


def occurrences(text: str, word: str) -> list[int]:
    """Every start of ``word`` in ``text``, overlapping ones too (``str.find``: one pass, no regex to compile)."""
    found, start = [], text.find(word)
    while start >= 0:
        found.append(start)
        start = text.find(word, start + 1)
    return found


def led_by(words) -> str:
    """A lookahead for the first characters of ``words``, to lead a pattern whose every match starts with one.

    ``re`` skips ahead only when a pattern opens on a literal or a set; a
    pattern opening on a look-behind or an alternation is tried at every
    position. With this test first, most positions fail at once.
    """
    return "(?=[" + re.escape("".join(sorted({w[0] for w in words}))) + "])"
