"""Tables flattened into text, one cell per line, as saved plans and reports print them.

    Mục tiêu/Chỉ tiêu
    Đề ra năm 2023
    Kết quả thực hiện
    Đánh giá
    - Tỷ lệ văn bản, hồ sơ công việc được xử lý trên môi trường mạng
    + Cấp huyện
    92%
    95%
    Vượt

A header names the value columns ('Đề ra …', 'Kế hoạch …' are targets;
'Kết quả …', 'Thực hiện …' are results); each row label is followed by its
cells in column order ('Đạt', 'Vượt' judge the row and are no column of
figures); a '+' row refines the '-' row above it. Sentences cannot read such
a layout, so the cells are read here and kept out of the sentence rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cds_analysis.lang import numbers, periods
from cds_analysis.lang.segments import Paragraph

__all__ = ["TableCell", "find_flat_tables"]

_TARGET_HEADER = re.compile(r"^(?:Đề ra|Kế hoạch|Chỉ tiêu|Mục tiêu)(?![/ ]*(?:Chỉ tiêu|Mục tiêu)\b)", re.I)
_RESULT_HEADER = re.compile(r"^(?:Kết quả|Thực hiện|Ước thực hiện|Ước đạt)", re.I)
_LABEL_HEADER = re.compile(r"^(?:Mục tiêu\s*/\s*Chỉ tiêu|Chỉ tiêu|Nội dung|Tên chỉ tiêu|Mục tiêu)\s*$", re.I)
_VERDICT = re.compile(r"^(?:Đạt|Vượt|Chưa đạt|Không đạt|Hoàn thành|Chưa hoàn thành)\b", re.I)
_VALUE = re.compile(r"^\s*(?:trên|dưới|tối thiểu|ít nhất|khoảng|>|<|≥|≤)?\s*\d[\d.,]*\s*%?\s*$", re.I)
_END = re.compile(r"^\s*(?:[IVX]+\.|Phần\s|[A-ZĐ]\.)\s")


@dataclass(frozen=True)
class TableCell:
    """One figure of a flattened table with the words that say what it is."""

    quantity: numbers.Quantity
    label: str  # the row label, with its parent row's for a '+' row
    label_start: int
    is_target: bool
    period: periods.Period | None


def find_flat_tables(t: str, paragraphs: list[Paragraph], published=None) -> list[TableCell]:
    """Every figure in the flattened tables of ``t`` (normalised text)."""
    lines = [(p.start, p.end, t[p.start : p.end].strip()) for p in paragraphs]
    cells: list[TableCell] = []
    i = 0
    while i < len(lines):
        roles, period, i = _header(lines, i, t, published)
        if roles is None:
            continue
        i = _rows(lines, i, t, roles, period, cells)
    return cells


def _header(lines, i: int, t: str, published):
    """(column roles, period, index after the header) when a header starts at ``i``, else (None, None, i + 1)."""
    start, _, text = lines[i]
    if not _LABEL_HEADER.match(text):
        return None, None, i + 1
    roles, period, j = [], None, i + 1
    while j < len(lines) and len(lines[j][2]) <= 60 and not lines[j][2].startswith(("-", "+", "a)", "b)")):
        header = lines[j][2]
        if _RESULT_HEADER.match(header):
            roles.append("result")
        elif _TARGET_HEADER.match(header):
            roles.append("target")
        elif not _VERDICT.match(header) and not header.lower().startswith("đánh giá"):
            break
        found = [m.period for m in periods.find_periods(header, published) if m.period is not None]
        period = period or (found[0] if found else None)
        j += 1
    if "result" not in roles or "target" not in roles:
        return None, None, i + 1
    return roles, period, j


def _rows(lines, i: int, t: str, roles: list[str], period, cells: list[TableCell]) -> int:
    parent, label, label_start, column = "", None, 0, 0
    while i < len(lines):
        start, end, text = lines[i]
        if len(text) > 300 or _END.match(text):
            break
        if _VALUE.match(text):
            if label is not None and column < len(roles):
                found = numbers.find_quantities(t[start:end])
                if found:
                    q = _shifted(found[0], start)
                    cells.append(TableCell(q, label, label_start, roles[column] == "target", period))
            column += 1
        elif _VERDICT.match(text):
            column = len(roles)
        elif label is not None and column == 0 and (text.startswith("(") or text[:1].islower()):
            label = f"{label} {text}"  # the label runs on over two lines
        else:
            sub = text.startswith("+")
            if not sub:
                parent = text.lstrip("-• ").strip()
            label = f"{parent} {text.lstrip('+ ').strip()}" if sub else parent
            label_start, column = start, 0
        i += 1
    return i


def _shifted(q: numbers.Quantity, by: int) -> numbers.Quantity:
    """A quantity found in one line, with offsets into the whole text."""
    return replace(
        q, start=q.start + by, end=q.end + by, number_start=q.number_start + by, number_end=q.number_end + by
    )
