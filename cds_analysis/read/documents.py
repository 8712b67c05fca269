"""Read a raw report file (.txt, .html, .docx, .pdf) into one decoded text.

Analysts receive reports in every shape: UTF-8 with or without BOM, UTF-16
from Excel and Word, legacy Windows-1258 and TCVN3 text, web pages, Word and
PDF files. :func:`read_document` turns each into a :class:`Document` whose
``text`` is the string that evidence offsets point into, so nothing may
rewrite it after it is returned. Anything that cannot be read raises
:class:`ReadError` naming the file, the reason and, when known, the place.

Decisions:
- Line ends become ``\\n`` (as Python's text mode does); nothing else is
  changed: Windows-1258 text keeps its combining tone marks, which
  :mod:`cds_analysis.lang.text` composes when it normalises.
- TCVN3 (ABC) is a one-byte font encoding with a fixed table, so it is
  converted. VNI spells a letter with two bytes that are also ordinary
  Latin-1 letters, so a guess could corrupt real text: VNI is detected and
  refused with a message that says how to convert it.
- A UTF-8 file with a rare bad byte (cut mid-letter, a stray byte) is still
  UTF-8: the byte becomes U+FFFD and ``encoding`` says so.
- A first line ``source: URL`` (how collected web texts are saved) stays in
  the text; it is skipped when looking for the title and date.
- Title and date the file declares (HTML metadata through trafilatura, the
  .docx or PDF title property) come first; otherwise
  :func:`find_title_and_date` reads them from the top of the text.
- A PDF locked only against editing (empty user password) is read; one that
  needs a password to open is an error, and so is a PDF without a text layer
  (no OCR).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cds_analysis.errors import ReadError
from cds_analysis.read.limits import check_chars, check_file, check_zip

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "Document",
    "ReadError",
    "read_document",
    "read_bytes",
    "decode_text",
    "find_title_and_date",
    "is_date_stamp",
]

FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class Document:
    """One raw file as text. ``text`` is what evidence offsets index into.

    ``encoding`` is the codec of a .txt or .html file ('utf-8', 'utf-16-le', 'windows-1258',
    'tcvn3', …), None for .docx and .pdf; ``document_id`` is the first 16 hex digits of the
    SHA-256 of the file's bytes.
    """

    path: str
    format: str
    text: str
    title: str | None
    published: date | None
    encoding: str | None
    document_id: str


def read_bytes(name: str) -> bytes:
    """The bytes of a file, or a :class:`ReadError` saying why there are none."""
    check_file(name)
    try:
        data = Path(name).read_bytes()
    except FileNotFoundError:
        raise ReadError(name, "file not found") from None
    except IsADirectoryError:
        raise ReadError(name, "is a directory, not a file") from None
    except OSError as err:
        raise ReadError(name, f"cannot read file ({err.strerror or err})") from None
    if not data:
        raise ReadError(name, "empty file")
    return data


def read_document(path: str | Path) -> Document:
    """Read a .txt, .html/.htm, .docx or .pdf file; raise :class:`ReadError` if it cannot be read."""
    name = str(path)
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise ReadError(
            name, f"unknown extension {Path(name).suffix or '(none)'!r}; expected one of {', '.join(FORMATS)}"
        )
    data = read_bytes(name)
    text, encoding, title, published = _READERS[fmt](name, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(name, "empty file (no text)")
    check_chars(name, text)
    found_title, found_date = find_title_and_date(text)
    return Document(
        path=name,
        format=fmt,
        text=text,
        title=title or found_title,
        published=published or found_date,
        encoding=encoding,
        document_id=hashlib.sha256(data).hexdigest()[:16],
    )


# --- plain text and its encodings -------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]

# TCVN3 (TCVN 5712:1993, 'ABC'): each tone-marked vowel has its own byte.
# Rows: base letter, then grave, hook, tilde, acute, dot below.
_TCVN3_ROWS = [
    ("aàảãáạ", "aµ¶·¸¹"),
    ("ăằẳẵắặ", "¨»¼½¾Æ"),
    ("âầẩẫấậ", "©ÇÈÉÊË"),
    ("eèẻẽéẹ", "eÌÎÏÐÑ"),
    ("êềểễếệ", "ªÒÓÔÕÖ"),
    ("iìỉĩíị", "i×ØÜÝÞ"),
    ("oòỏõóọ", "oßáâãä"),
    ("ôồổỗốộ", "«åæçèé"),
    ("ơờởỡớợ", "¬êëìíî"),
    ("uùủũúụ", "uïñòóô"),
    ("ưừửữứự", "\xadõö÷øù"),
    ("yỳỷỹýỵ", "yúûüýþ"),
    ("đĂÂÊÔƠƯĐ", "®¡¢£¤¥¦§"),
]
_TCVN3 = {
    ord(code): letter
    for letters, codes in _TCVN3_ROWS
    for letter, code in zip(letters, codes, strict=True)
    if code != letter
}

# Frequent words that only a right decoding produces; VNI spellings of the same words.
_MARKERS = set("của và các được những có là đã với một năm số xã huyện tỉnh người không này để đến trên về tại".split())
_VNI_MARKERS = set("cuûa vaø caùc ñöôïc nhöõng coù laø ñaõ vôùi moät naêm soá xaõ huyeän tænh ngöôøi khoâng".split())
_WORD = re.compile(r"\w+")
_ENCODING_NAMES = {"cp1258": "windows-1258"}
_UTF8_EVIDENCE = 20  # valid multi-byte letters needed per bad byte to still read a file as UTF-8


def _marker_count(text: str, markers: set[str]) -> int:
    return sum(w in markers for w in _WORD.findall(unicodedata.normalize("NFC", text).lower()))


def decode_text(path: str, data: bytes) -> tuple[str, str]:
    """Decode text bytes; return (text, encoding name)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as err:
                location = f"byte {len(bom) + err.start}"
                raise ReadError(path, f"undecodable {encoding.upper()} text ({err.reason})", location) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ReadError(path, "binary file, not text (NUL byte); UTF-16 text needs a byte-order mark", f"byte {nul}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start
    text = data.decode("utf-8", errors="replace")
    n_bad = text.count("\ufffd")
    n_multibyte = sum(not ch.isascii() for ch in text) - n_bad
    if n_multibyte >= _UTF8_EVIDENCE * n_bad:  # a UTF-8 file cut mid-letter, or with a stray byte
        return text, f"utf-8 ({n_bad} bad byte{'s' * (n_bad > 1)} replaced, first at byte {first_bad})"
    return _decode_legacy(path, data, first_bad)


def _decode_legacy(path: str, data: bytes, first_bad: int) -> tuple[str, str]:
    """Choose among Windows-1258, TCVN3 and charset-normalizer's guess by the Vietnamese words each yields.

    Without such words (a short or non-Vietnamese text) the guess, then Windows-1258, is taken
    when it gives Latin letters only; anything else is an error rather than mojibake.
    """
    import charset_normalizer

    candidates: dict[str, str] = {}  # in order of preference when scores tie
    with contextlib.suppress(UnicodeDecodeError):  # bytes the code page leaves undefined
        candidates["cp1258"] = data.decode("cp1258")
    candidates["tcvn3"] = data.decode("latin-1").translate(_TCVN3)
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and guess.encoding not in candidates:
        candidates[guess.encoding] = str(guess)
    scores = {name: _marker_count(text, _MARKERS) for name, text in candidates.items()}
    best = max(scores, key=scores.get)
    if _marker_count(data.decode("latin-1"), _VNI_MARKERS) > scores[best]:
        raise ReadError(
            path,
            "VNI font-encoded Vietnamese (e.g. 'Vieät Nam'), which is not read: convert it to Unicode "
            "(UniKey: Công cụ chuyển mã, VNI Windows → Unicode) and save as UTF-8",
        )
    if scores[best] == 0:
        fallbacks = [name for name in (guess.encoding if guess else None, "cp1258") if name in candidates]
        best = next((name for name in fallbacks if _latin_only(candidates[name])), None)
    if best is None:
        raise ReadError(
            path,
            "undecodable text: not UTF-8 or UTF-16, and no legacy encoding (Windows-1258, TCVN3) fits",
            f"byte {first_bad}",
        )
    return candidates[best], _ENCODING_NAMES.get(best, best)


def _latin_only(text: str) -> bool:
    return all("LATIN" in unicodedata.name(ch, "") for ch in text if not ch.isascii() and ch.isalpha())


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_not_binary(path: str, text: str) -> None:
    controls = _CONTROL.findall(text)
    if len(controls) > max(2, len(text) // 100):
        first = _CONTROL.search(text).start()
        raise ReadError(path, "binary file, not text (control characters)", f"character {first}")


def _read_txt(path: str, data: bytes) -> tuple[str, str, None, None]:
    text, encoding = decode_text(path, data)
    _check_not_binary(path, text)
    return text, encoding, None, None


# --- web pages, Word and PDF ------------------------------------------------


def _read_html(path: str, data: bytes) -> tuple[str, str, str | None, date | None]:
    import trafilatura

    html, encoding = decode_text(path, data)
    try:
        page = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as err:
        logger.debug("%s failed", "documents", exc_info=True)
        raise ReadError(path, f"cannot parse HTML ({type(err).__name__}: {err})") from None
    if page is None or not (page.text or "").strip():
        raise ReadError(path, "no main text found in the HTML page")
    published = None
    if page.date:
        try:
            published = date.fromisoformat(page.date[:10])
        except ValueError:
            published = None
    return page.text, encoding, page.title or None, published


def _read_docx(path: str, data: bytes) -> tuple[str, None, str | None, None]:
    import docx
    from docx.table import Table

    def lines_of(container) -> list[str]:
        lines: list[str] = []
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                seen = set()  # a merged cell is returned once per grid cell it covers
                for row in block.rows:
                    for cell in row.cells:
                        if cell._tc not in seen:
                            seen.add(cell._tc)
                            lines.extend(lines_of(cell))
            else:
                lines.append(block.text)
        return lines

    check_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        text = "\n".join(lines_of(document))
        title = document.core_properties.title or None
    except Exception as err:
        logger.debug("%s failed", "documents", exc_info=True)
        raise ReadError(path, f"corrupt or truncated .docx ({type(err).__name__}: {err})") from None
    return text, None, title, None


def _read_pdf(path: str, data: bytes) -> tuple[str, None, str | None, None]:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise ReadError(path, "encrypted PDF (needs a password)")
        pages = reader.pages
        n_pages = len(pages)
        title = reader.metadata.title if reader.metadata else None
    except ReadError:
        raise
    except Exception as err:
        logger.debug("%s failed", "documents", exc_info=True)
        raise ReadError(path, f"corrupt or truncated PDF ({type(err).__name__}: {err})") from None
    texts = []
    for number in range(1, n_pages + 1):
        try:
            texts.append(pages[number - 1].extract_text() or "")
        except Exception as err:
            logger.debug("%s failed", "documents", exc_info=True)
            raise ReadError(path, f"cannot read the PDF text ({type(err).__name__}: {err})", f"page {number}") from None
    if not any(t.strip() for t in texts):
        raise ReadError(path, "PDF has no text layer (scanned pages?); OCR is not done")
    return "\n".join(texts), None, str(title) if title else None, None


def _opens_without_password(reader) -> bool:
    """A PDF locked only against editing or printing has an empty user password and can be read."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        logger.debug("%s failed", "documents", exc_info=True)
        return False


_READERS = {"txt": _read_txt, "html": _read_html, "docx": _read_docx, "pdf": _read_pdf}


# --- title and publication date ----------------------------------------------

_HEAD_CHARS = 400
_TITLE_MAX_LINES = 30
_DATE_PREFIX = re.compile(r"date\s+[\d/.-]{8,10}\s+", re.IGNORECASE)
_SOURCE_LINE = re.compile(r"source:\s*\S+[ \t]*\n", re.IGNORECASE)
_D = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)"
_ISO = r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
_WORDS = r"ngày\s+(?P<wd>\d{1,2})\s+tháng\s+(?P<wm>\d{1,2})\s+năm\s+(?P<wy>(?:19|20)\d\d)"
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_EN = rf"(?P<ed>\d{{1,2}})\s+(?P<em>{'|'.join(_MONTHS)})\s+(?P<ey>(?:19|20)\d\d)"  # saved English page chrome
_DATE = re.compile(rf"(?<![\d/.-])(?:{_D}|{_ISO}|{_WORDS}|{_EN})(?![\d/-])", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_LABEL = re.compile(
    r"(?:(?:ngày\s+đăng|đăng\s+ngày|ngày\s+cập\s+nhật|cập\s+nhật|ngày\s+xuất\s+bản|xuất\s+bản(?:\s+lúc)?|"
    r"ngày\s+ban\s+hành|thời\s+gian\s+đăng)\s*:?|(?:^|\s)(?:ngày|date)\s*:|^\s*date)"
    r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?\s*[|,-]?\s*)?$",
    re.IGNORECASE,
)
_PAREN_DATE = re.compile(rf"\(\s*(?:ngày\s+)?(?:{_D}|{_ISO})\s*\)", re.IGNORECASE)
_WEEKDAY = re.compile(r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|\d)|chủ\s+nhật)\b", re.IGNORECASE)
_STAMP_WORDS = {"ngày", "lúc", "date", "đăng", "cập", "nhật", "xuất", "bản", "gmt"}
_STAMP_MAX_NAMES = 4
_OUTLINE_NUMBER = re.compile(r"(?:\d+(?:\.\d+)*|[IVX]+|[a-zđ])[.)]\s")


def _to_date(match: re.Match) -> date | None:
    """The date of a :data:`_DATE` match, or None for an impossible one ('31/02/2023')."""
    for y, m, d in (("y", "m", "d"), ("iy", "im", "id"), ("wy", "wm", "wd"), ("ey", "em", "ed")):
        if match.group(y):
            month = match.group(m)
            month = _MONTHS.index(month.lower()) + 1 if month.isalpha() else int(month)
            try:
                return date(int(match.group(y)), month, int(match.group(d)))
            except ValueError:
                return None
    return None


def is_date_stamp(line: str) -> bool:
    """True for a short line that is a publication stamp: a date with at most time,
    weekday, separators, a place or byline name and a view count around it
    ('18:22, 28/07/2023', 'Thứ Sáu, 28/07/2023 18:22', 'ĐÔNG ANH 02/02/2024 14:51')."""
    if len(line) > 120 or _DATE.search(line) is None:
        return False
    rest = _WEEKDAY.sub(" ", _TIME.sub(" ", _DATE.sub(" ", line)))
    names = [w for w in _WORD.findall(rest) if w.lower() not in _STAMP_WORDS]
    return len(names) <= _STAMP_MAX_NAMES and all(w[0].isupper() or w.isdigit() for w in names)


def _publication_date(body: str) -> date | None:
    """A date the page prints as its own near the top: labelled, alone in parentheses, or on a stamp line.

    Only dates starting in the first ``_HEAD_CHARS`` characters count; each is judged on its whole line.
    """
    lines, pos = [], 0
    for line in body.split("\n"):
        if pos >= _HEAD_CHARS:
            break
        lines.append(line)
        pos += len(line) + 1
    head = "\n".join(lines)
    for match in _DATE.finditer(head, 0, _HEAD_CHARS):
        line_start = head.rfind("\n", 0, match.start()) + 1
        if _LABEL.search(head[line_start : match.start()]) and _to_date(match):
            return _to_date(match)
    for match in _PAREN_DATE.finditer(head, 0, _HEAD_CHARS):
        found = _to_date(_DATE.search(match.group()))
        if found:
            return found
    for line in lines:
        if is_date_stamp(line):
            found = _to_date(_DATE.search(line))
            if found:
                return found
    return None


def _looks_like_headline(line: str) -> bool:
    n_words = len(_WORD.findall(line))
    return (
        4 <= n_words <= 30
        and len(line) <= 200
        and not line.endswith((".", ":", ";", ","))
        and not _OUTLINE_NUMBER.match(line)
    )


def _is_furniture(line: str) -> bool:
    """Lines passed over before a title: stamps, breadcrumbs, controls, ASCII-only site chrome."""
    return is_date_stamp(line) or len(_WORD.findall(line)) < 4 or line.isascii()


def find_title_and_date(text: str) -> tuple[str | None, date | None]:
    """Title (a headline-like first line) and publication date printed near the top.

    Lines before the title that are page furniture (a date stamp, a
    breadcrumb of fewer than four words, 'A+ | A | A-') are passed over; the
    first real line is the title only if it is short and has no final period.
    Only the first ~400 characters are searched for the date, and only dates
    printed as a stamp or after a label count: 'tính đến ngày 30/5/2023' in
    the body is a period, not a publication date.
    """
    source = _SOURCE_LINE.match(text)
    body = text[source.end() :] if source else text
    title = None
    for raw in body.split("\n", _TITLE_MAX_LINES):
        line = raw.strip()
        if not line:
            continue
        stamp = _DATE_PREFIX.match(line)
        if stamp:  # ' date 2025-12-10 Headline' puts the stamp before the headline
            line = line[stamp.end() :]
        elif _is_furniture(line):
            continue
        title = line if _looks_like_headline(line) else None
        break
    return title, _publication_date(body)
