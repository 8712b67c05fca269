"""Find the parts of a page that are not its body, so no fact is read from them.

Web pages and portal posts carry furniture around the article: comment
widgets, related-article lists, share and font-size controls, spokesperson
and contact blocks, copyright footers, bylines and photo captions, and they
often print the lead or a caption twice. A number inside such a span is not
a fact of the document, and a fact printed twice is one fact: the first
copy is kept, every later copy is boilerplate.

:func:`boilerplate_spans` works on the normalised text
(``cds_analysis.lang.text.normalize(doc.text)``) line by line. Precision comes
first: furniture rules only touch short lines, and a body paragraph is only
ever dropped as the second copy of an earlier one.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from cds_analysis.lang.text import CHAR_TABLE_END, table_codes
from cds_analysis.read.documents import is_date_stamp

__all__ = ["boilerplate_spans", "in_boilerplate", "merge_spans"]

_I = re.IGNORECASE
_SHORT = 200  # furniture lines are at most this long; body paragraphs are longer or are sentences
_HEAD = 600  # publication stamps ('18:22, 28/07/2023') sit near the top; lower down a lone date is a table cell

# Whole lines that are widget or control labels ('Chia sẻ | In bài viết | Cỡ chữ A- A+').
_CONTROL = (
    r"\(?\d*\)?\s*bình luận|ý kiến bạn đọc|gửi bình luận|viết bình luận|gửi ý kiến|bình luận của bạn|trả lời"
    r"|họ(?: và)? tên:?|e-?mail:?|mã xác nhận:?|gửi|hủy|tắt \[x\]|chia sẻ(?: bài viết| thông tin với bạn bè!?)?"
    r"|in bài(?: viết)?|in trang|bản in|gửi email|lưu bài(?: viết)?|cỡ chữ(?:\s*a\s*[-+])*|a\s*[-+]?(?:\s+a\s*[-+]?)*"
    r"|lượt xem:?\s*[\d.,]*|quay lại|về đầu trang|trở về|facebook|zalo|twitter|copy link"
)
_CONTROL_PIECE = re.compile(rf"(?:{_CONTROL})", _I)
_PIECE_SEPARATOR = re.compile(r"\s*[|•·/]\s*")
_COMMENT_NOTICE = re.compile(r"(?:ý kiến của bạn|vui lòng (?:gõ|nhập|đăng nhập))\b", _I)
_COMMENT_SECTION = re.compile(r"bình luận|ý kiến bạn đọc|ý kiến của bạn", _I)
_VIEW_COUNT = re.compile(r"lượt xem:?\s*[\d.,]+", _I)

_TEMPLATE = re.compile(r"\{(?:name|time|body|date|content)\}")
_COMMENT_HEADER = re.compile(
    r"[^\d\n]{2,40}?\s+-\s*(?:\d{1,2}:\d{2}\b.*|\d{1,2}/\d{1,2}/\d{4}.*|\d+\s+(?:phút|giờ|ngày)\s+trước)"
)

_RELATED_HEADING = re.compile(
    r"(?:(?:các\s+)?(?:tin|bài|tin,?\s+bài|bài viết|tin bài)\s+(?:liên quan|khác|cùng chuyên mục|mới hơn|cũ hơn"
    r"|đã đưa(?: ngày)?|mới(?: nhất)?|đọc nhiều(?: nhất)?|xem nhiều(?: nhất)?|nổi bật)"
    r"|xem thêm|đọc thêm|mới nhất|có thể bạn quan tâm|chuyên mục khác|liên kết website)\s*:?",
    _I,
)
_RELATED_INLINE = re.compile(r"(?:xem thêm|đọc thêm|tin liên quan)\s*:\s*\S.*", _I)

_SPOKESPERSON = re.compile(r"(?:thông tin )?người phát ngôn.*|thông tin liên hệ:?", _I)
_CONTACT = re.compile(
    r"(?:họ(?: và)? tên|chức vụ|số điện thoại|điện thoại|đt|sđt|di động|hotline|fax|e-?mail|địa chỉ|website)\s*:.*"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    _I,
)
_LABEL_LINE = re.compile(r"[^\d:\n]{2,30}:.*")
_BYLINE = re.compile(
    r"(?:tác giả|nguồn tin|nguồn|người đăng|ngày đăng|xuất bản(?: lúc)?|cập nhật|thực hiện"
    r"|bài(?: và|,|\s*&)\s*ảnh)\s*:",
    _I,
)
_FOOTER = re.compile(
    r"(?:©|bản quyền thuộc|copyright|ghi rõ nguồn|giấy phép (?:số|xuất bản|hoạt động|thiết lập)|cơ quan chủ quản"
    r"|chịu trách nhiệm (?:nội dung|xuất bản)|tổng biên tập\s*:|powered by)",
    _I,
)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)\s*\|?|[\w./-]+\.(?:jpe?g|png|gif|webp)", _I)
# How every furniture line but a template one opens: a control label (after any separators), or
# the opening of a notice, a related link, a contact, a byline, a footer, an image. A line where
# none opens (most body lines) is no furniture, at the cost of one match instead of one per rule.
_FURNITURE_OPENING = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            rf"[\s|•·/]*(?:{_CONTROL})",
            *(rule.pattern for rule in (_COMMENT_NOTICE, _RELATED_INLINE, _CONTACT, _BYLINE, _FOOTER, _IMAGE)),
        )
    ),
    _I,
)

_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_NAME = rf"[{_UPPER}][^\s()]*(?:\s+[{_UPPER}][^\s()]*){{0,4}}"
# A photo credit that ends a line: '(Ảnh: Nhị Phương).', '(ảnh: VGP)', '. Ảnh: T.HẬU', '. Ảnh TT'.
_CREDIT = re.compile(
    rf"\(\s*(?:[Nn]guồn\s+)?[Ảả]nh(?:\s+minh\s+họa)?(?:\s*:[^()\n]{{0,50}}|\s+{_NAME})?\s*\)\s*\.?\s*$"
    rf"|(?:^|(?<=[.!?…”\"]\s)|(?<=[.!?…]))(?:Nguồn ảnh|Ảnh)(?: minh họa)?"
    rf"(?:\s*:\s*(?:(?!\.\s)[^\n]){{1,50}}|\s+{_NAME})?\s*$"
)
_CAPTION_MAX = 300
_CREDIT_TAIL = 120  # a credit and its opening parenthesis fit in the last characters of a line
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SOURCE_TAG = re.compile(r"\([^()\n]{2,40}\)\s*[-–—:]?\s*")  # '(Baoquangngai.vn)- ' before a lead
_BULLET = re.compile(r"[-•]\s+\S")
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+[" + _UPPER + r"]")
_NON_WORD = re.compile(r"[^\w\s]")


def _folded(s: str) -> str:
    """``s`` lower-cased, ASCII only, with punctuation as spaces; newlines stay where they were.

    Each character is folded on its own (to its letter without marks, to a space, or to nothing),
    so the folding of a text is the folding of its lines joined by newlines, and a long text is
    folded through one array look-up of its code points (:data:`_FOLDED_CODES`).
    """
    codes = table_codes(s)
    if codes is not None:
        folded = _FOLDED_CODES[codes]
        if not (folded == _SEVERAL).any():
            return folded[folded != _NOTHING].tobytes().decode("ascii")
    return _folded_as_written(s)


def _folded_as_written(s: str) -> str:
    spaced = _NON_WORD.sub(" ", s.lower()).replace("đ", "d")
    return unicodedata.normalize("NFD", spaced).encode("ascii", "ignore").decode()


def _folded_codes(end: int) -> np.ndarray:
    """The folding of each code point below ``end``: an ASCII code, :data:`_NOTHING` or :data:`_SEVERAL`.

    The characters are folded together, a newline between each two (a newline folds to itself).
    """
    chars = [chr(i) for i in range(end) if chr(i) != "\n"]
    pieces = iter(_folded_as_written("\n".join(chars)).split("\n"))
    table = np.empty(end, dtype=np.uint8)
    for ch in chars:
        piece = next(pieces)
        table[ord(ch)] = ord(piece) if len(piece) == 1 else _NOTHING if not piece else _SEVERAL
    table[ord("\n")] = ord("\n")
    return table


_NOTHING, _SEVERAL = 0xFF, 0xFE  # no ASCII code is either
_FOLDED_CODES = _folded_codes(CHAR_TABLE_END)


def _key(s: str) -> str:
    """:func:`cds_analysis.lang.text.fold_key` of an already normalised line, at C speed.

    Decomposes and drops what is not ASCII instead of folding character by character; the
    two agree on Vietnamese text (``tests/test_boilerplate.py`` checks it).
    """
    return " ".join(_folded(s).split())


@dataclass
class _Line:
    start: int  # offsets of the line's content without surrounding spaces
    end: int
    content: str
    key: str  # _key(content)
    credit: re.Match | None  # the photo credit that ends the line, if any
    junk: bool = False  # the whole line is boilerplate

    @cached_property
    def words(self) -> set[str]:
        return set(self.key.split())

    @cached_property
    def numbers(self) -> set[str]:
        return set(_NUMBER.findall(self.content))


def _lines(text: str) -> list[_Line]:
    """The lines of ``text``, each with its key (the text folded in one go, then cut at its newlines)."""
    lines = []
    pos = 0
    photos = "ảnh" in text or "Ảnh" in text  # every photo credit names one; most texts have none
    for raw, folded in zip(text.split("\n"), _folded(text).split("\n"), strict=True):
        stripped = raw.strip()
        start = pos + (len(raw) - len(raw.lstrip())) if stripped else pos
        credit = _credit(stripped) if photos else None
        lines.append(_Line(start, start + len(stripped), stripped, " ".join(folded.split()), credit))
        pos += len(raw) + 1
    return lines


def _credit(content: str) -> re.Match | None:
    """The photo credit that ends a line, if any (only the tail can hold one, and it writes 'ảnh' or 'Ảnh')."""
    tail = content[-_CREDIT_TAIL:]
    if "ảnh" not in tail and "Ảnh" not in tail:
        return None
    return _CREDIT.search(content, len(content) - len(tail))


def _is_control_line(content: str) -> bool:
    pieces = [p for p in _PIECE_SEPARATOR.split(content) if p]
    return bool(pieces) and all(_CONTROL_PIECE.fullmatch(p) for p in pieces)


def _is_furniture(content: str) -> bool:
    """A short line that is a widget, control, byline, contact line, footer or image placeholder."""
    if len(content) > _SHORT or (not _FURNITURE_OPENING.match(content) and "{" not in content):
        return False
    return bool(
        _is_control_line(content)
        or _TEMPLATE.search(content)
        or _COMMENT_NOTICE.match(content)
        or _RELATED_INLINE.fullmatch(content)
        or _CONTACT.fullmatch(content)
        or (_BYLINE.match(content) and "%" not in content)
        or _FOOTER.match(content)
        or _IMAGE.fullmatch(content)
    )


def _headline_like(content: str) -> bool:
    """A listed headline: short, one phrase, no final stop (a sentence ending in '.' is body again)."""
    return len(content) <= _SHORT and not content.endswith((".", ":", ";")) and not _SENTENCE_BREAK.search(content)


def _contact_like(content: str) -> bool:
    return len(content) <= 120 and bool(_LABEL_LINE.fullmatch(content) or _CONTACT.fullmatch(content))


def _mark_blocks(lines: list[_Line]) -> None:
    """Headings that own the lines below them: related lists, spokesperson blocks, reader comments.

    A rendered comment ('Trần Văn Bình - 10:20 12/03/2023' and its text up to the next blank line)
    is only recognised once the comment section has begun, so a byline never swallows the article.
    """
    in_comments = False
    i = 0
    while i < len(lines):
        content = lines[i].content
        if _TEMPLATE.search(content) or (lines[i].junk and _COMMENT_SECTION.search(content)):
            in_comments = True
        if _RELATED_HEADING.fullmatch(content):
            follows = _headline_like
        elif _SPOKESPERSON.fullmatch(content) and len(content) <= _SHORT:
            follows = _contact_like
        elif in_comments and _COMMENT_HEADER.fullmatch(content):
            follows = None  # a comment: its text runs to the next blank line
        else:
            i += 1
            continue
        lines[i].junk = True
        i += 1
        while i < len(lines):
            content = lines[i].content
            if (follows is None and not content) or (follows is not None and content and not follows(content)):
                break
            lines[i].junk = lines[i].junk or bool(content)
            i += 1


def _mark_tail_list(lines: list[_Line]) -> None:
    """A run of '- Headline' items that ends the page and lists the page's own headline among
    other headlines is a related-article list, even without a heading.

    A plan can end with a bullet list of targets too: without its own headline among the
    items (and with items ending in ';' or '.', or introduced by a line ending with ':') the
    run is body.
    """
    items: list[_Line] = []
    k = len(lines) - 1
    while k >= 0 and (not lines[k].content or lines[k].junk or _BULLET.match(lines[k].content)):
        if lines[k].content and not lines[k].junk:
            items.append(lines[k])
        k -= 1
    previous = lines[k].content if k >= 0 else ""
    headline = next((line.key for line in lines if line.content), "")
    if (
        len(items) >= 3
        and any(it.key == headline for it in items)
        and not previous.endswith(":")
        and all(len(it.content) <= _SHORT and not it.content.endswith((";", ":")) for it in items)
        and sum(it.content.endswith(".") for it in items) <= 1
    ):
        for it in items:
            it.junk = True


def _glued_headlines(lines: list[_Line]) -> dict[int, int]:
    """Lines that start with an earlier short line glued to a capital ('…của người dânBộ phận một cửa…').

    Image blocks print the page headline as alt text right before the caption; returns line index ->
    length of the repeated headline.
    """
    glued: dict[int, int] = {}
    # Each earlier short line with its rank (the first copy's), and their lengths by their first
    # characters: a line is compared with the earlier lines it can start with, one length at a time
    # (a page of short lines would otherwise take time quadratic in them).
    ranks: dict[str, int] = {}
    lengths: dict[str, set[int]] = {}
    for idx, line in enumerate(lines):
        content = line.content
        if not content or line.junk:
            continue
        heads = [
            (ranks[content[:n]], n)
            for n in lengths.get(content[:_HEADLINE_MIN], ())
            if n < len(content) and content[n].isupper() and content[:n] in ranks
        ]
        if heads:
            glued[idx] = min(heads)[1]  # the earliest of the lines it starts with
        elif _HEADLINE_MIN <= len(content) <= _SHORT:
            ranks.setdefault(content, len(ranks))
            lengths.setdefault(content[:_HEADLINE_MIN], set()).add(len(content))
    return glued


_HEADLINE_MIN = 15  # shorter lines are not taken for a glued headline


def _mark_captions(lines: list[_Line]) -> list[tuple[int, int]]:
    """Mark whole captions that have no number of their own or repeat the body; return the spans of
    photo credits and glued headlines, which are boilerplate in any case.

    A caption is a line ending in a photo credit, the uncredited twin printed next to one, or the
    text after a glued headline.
    """
    spans: list[tuple[int, int]] = []
    captions: dict[int, tuple[int, int]] = {}  # line index -> the caption text's slice of the line
    for idx, head in _glued_headlines(lines).items():
        spans.append((lines[idx].start, lines[idx].start + head))
        captions[idx] = (head, len(lines[idx].content))
    for idx, line in enumerate(lines):
        if line.content and not line.junk and line.credit:
            spans.append((line.start + line.credit.start(), line.end))
            if line.credit.start() <= _CAPTION_MAX:
                captions[idx] = (captions.get(idx, (0,))[0], line.credit.start())
    for idx in list(captions):
        for near in (idx - 1, idx + 1):
            twin = 0 <= near < len(lines) and near not in captions and lines[near].content and not lines[near].junk
            if twin and _similar(lines[near], lines[idx].content[slice(*captions[idx])]):
                captions[near] = (0, len(lines[near].content))
    body = [line for idx, line in enumerate(lines) if line.content and not line.junk and idx not in captions]
    # The body lines by the numbers they write: a caption is compared with the lines that write its
    # numbers, not with every line (a photo page would take time quadratic in its captions).
    writing: dict[str, list[_Line]] = {}
    for line in body if captions else ():
        for number in line.numbers:
            writing.setdefault(number, []).append(line)
    for idx, (start, end) in captions.items():
        caption = lines[idx].content[start:end]
        numbers, words = set(_NUMBER.findall(caption)), set(_key(caption).split())
        if not numbers or any(
            numbers <= line.numbers and len(words & line.words) >= 0.7 * len(words)
            for line in min((writing.get(number, []) for number in numbers), key=len)
        ):
            lines[idx].junk = True
    return spans


def _similar(line: _Line, caption: str) -> bool:
    """The uncredited twin of a caption: nearly the same words and the same numbers."""
    wa, wb = line.words, set(_key(caption).split())
    same_numbers = line.numbers == set(_NUMBER.findall(caption))
    return bool(wa and wb) and same_numbers and len(wa & wb) / len(wa | wb) >= 0.8


def _repeat_key(line: _Line) -> str | None:
    """Matching key of a line for repeat detection, or None when the line is too short to judge.

    A leading source tag ('(Baoquangngai.vn)- ') and a trailing photo credit are left out, so a lead
    printed with and without its tag, and a caption printed in two styles, meet. Short lines (table
    cells such as '100%' or 'Đạt') repeat legitimately and are never compared.
    """
    tag = _SOURCE_TAG.match(line.content)
    end = line.credit.start() if line.credit else len(line.content)
    key = _key(line.content[tag.end() if tag else 0 : end]) if tag or line.credit else line.key
    # fewer than 5 words (a key has one space between each two), or short with no number
    if key.count(" ") < 4 or (len(key) < 80 and not _NUMBER.search(key)):
        return None
    return key


def _repeat_spans(lines: list[_Line]) -> list[tuple[int, int]]:
    """Second and later copies of a body line.

    Lines already marked as boilerplate neither count as a first copy nor are compared, so a body
    paragraph is never dropped because a caption or widget said the same first.
    """
    spans: list[tuple[int, int]] = []
    seen: set[str] = set()
    for line in lines:
        key = None if line.junk else _repeat_key(line)
        if key in seen:
            spans.append((line.start, line.end))
        elif key is not None:
            seen.add(key)
    return spans


def merge_spans(spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans; spans apart only by white space become one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` that are not body text.

    ``text`` is the normalised text (``normalize(doc.text)``); the spans index into it.
    """
    lines = _lines(text)
    for line in lines:
        line.junk = bool(line.content) and (
            _is_furniture(line.content) or (line.start < _HEAD and is_date_stamp(line.content))
        )
    _mark_blocks(lines)
    _mark_tail_list(lines)
    spans = _mark_captions(lines)
    for line in lines:
        if not line.junk and len(line.content) <= _SHORT:
            spans.extend((line.start + m.start(), line.start + m.end()) for m in _VIEW_COUNT.finditer(line.content))
    spans += _repeat_spans(lines)
    spans += [(line.start, line.end) for line in lines if line.junk]
    return merge_spans(spans, text)


def in_boilerplate(spans: list[tuple[int, int]], pos: int) -> bool:
    """True when offset ``pos`` lies inside one of ``spans`` (as returned by :func:`boilerplate_spans`)."""
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]
