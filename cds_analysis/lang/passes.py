"""Several patterns matched in one scan of a text, each giving the matches its own ``finditer`` gives.

``re`` skips quickly only to a literal: a pattern that opens on a digit or a set
of characters checks every character of the text, and a rule set of such
patterns pays that scan once per pattern. :class:`OnePass` scans once and tries
every pattern, in a look-ahead, where any can start.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["OnePass"]

_GROUP_NAME = re.compile(r"\(\?P([<=])(\w+)")


def _named_apart(pattern: str, i: int) -> str:
    """``pattern`` with its group names prefixed by ``p{i}_`` (and the references to them)."""
    return _GROUP_NAME.sub(lambda m: f"(?P{m.group(1)}p{i}_{m.group(2)}", pattern)


class OnePass:
    """``patterns``, every match of which starts with a character that ``lead`` (a set, '[…]') matches.

    The combined pattern consumes one such character, steps back onto it in a
    look-behind and tries each pattern there in a look-ahead; it stops only
    where one matches. Each pattern's look-ahead captures what
    ``pattern.match(text, position)`` matches, so a pattern's matches at every
    position are known, and those its ``finditer`` gives are the leftmost ones
    that do not start inside the one before. The patterns share their flags and
    hold no back-references (a look-behind cannot); their group names are
    prefixed so that two patterns may use the same name.
    """

    def __init__(self, patterns: Sequence[re.Pattern[str]], lead: str) -> None:
        flags = {p.flags for p in patterns}
        if len(flags) > 1:
            raise ValueError("patterns matched in one pass share their flags")
        self.patterns = tuple(patterns)
        looks = "".join(f"(?:(?=(?P<p{i}>{_named_apart(p.pattern, i)}))|)" for i, p in enumerate(patterns))
        any_matched = "(?!)"
        for i in reversed(range(len(patterns))):
            any_matched = f"(?(p{i})|{any_matched})"
        self.pattern = re.compile(f"{lead}(?<={looks}{lead}){any_matched}", flags.pop() if flags else 0)
        self.groups = tuple(self.pattern.groupindex[f"p{i}"] for i in range(len(patterns)))

    def spans(self, text: str) -> list[list[tuple[int, int]]]:
        """For each pattern, the spans of ``pattern.finditer(text)``."""
        found: list[list[tuple[int, int]]] = [[] for _ in self.groups]
        reach = [0] * len(self.groups)
        for m in self.pattern.finditer(text):
            regs = m.regs
            for i, group in enumerate(self.groups):
                start, end = regs[group]
                if start >= reach[i]:
                    found[i].append((start, end))
                    reach[i] = end
        return found

    def matches(self, text: str) -> list[list[re.Match[str]]]:
        """For each pattern, ``list(pattern.finditer(text))`` (the matches with their groups)."""
        return [
            [m for start, _ in spans if (m := pattern.match(text, start)) is not None]
            for pattern, spans in zip(self.patterns, self.spans(text), strict=True)
        ]
