"""Read a raw report file (.txt, .html, .docx, .pdf) into one decoded text.

Analysts receive reports in every shape: UTF-8 with or without BOM, UTF-16
from Excel and Word, legacy Windows-1258 and TCVN3 text, web pages, Word and
PDF files. :func:`read_document` turns each into a :class:`Document` whose
``text`` is the string that evidence offsets point into, so nothing may
rewrite it after it is returned. Anything that cannot be read raises
:class:`ReadError` naming the file, the reason and, when known, the place.

Decisions:
- Line ends become ``\\n`` (as Python's text mode does); nothing else is
  changed. Text bytes are decoded by :mod:`cds_analysis.read.decode` (BOMs,
  Windows-1258, TCVN3; VNI refused).
- A first line ``source: URL`` (how collected web texts are saved) stays in
  the text; it is skipped when looking for the title and date.
- Title and date the file declares (HTML metadata through trafilatura, the
  .docx or PDF title property) come first; otherwise
  :func:`~cds_analysis.read.page.find_title_and_date` reads them from the top of the text.
- Tables stay tables: a Word, HTML or PDF file's tables come with the document
  as grids of cells pointing into its text (:mod:`cds_analysis.read.layout`); a
  Word table row is one line of the text, its cells separated by tabs; a PDF
  table that runs over pages is one table.
- A PDF locked only against editing (empty user password) is read; one that
  needs a password to open is an error, and so is a PDF without a text layer
  (no OCR).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cds_analysis.errors import ReadError
from cds_analysis.read.decode import decode_text
from cds_analysis.read.limits import check_chars, check_file, check_zip
from cds_analysis.read.page import find_title_and_date, is_date_stamp
from cds_analysis.read.tables import Sheet

logger = logging.getLogger(__name__)

__all__ = [
    "FORMATS",
    "Document",
    "ReadError",
    "content_id",
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
    SHA-256 of the file's bytes. ``tables`` are the tables of a Word, HTML or PDF file as grids
    of cells that point into ``text`` (:mod:`cds_analysis.read.layout`); a plain text's tables are
    found in its text (:func:`cds_analysis.read.tables.find_text_tables`).
    """

    path: str
    format: str
    text: str
    title: str | None
    published: date | None
    encoding: str | None
    document_id: str
    tables: tuple[Sheet, ...] = ()


def content_id(data: bytes) -> str:
    """A file's document id: the first 16 hex digits of the SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


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
    text, encoding, title, published, tables = _READERS[fmt](name, data)
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
        document_id=content_id(data),
        tables=tables,
    )


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_not_binary(path: str, text: str) -> None:
    controls = [m.start() for m in _CONTROL.finditer(text)]
    if len(controls) > max(2, len(text) // 100):
        first = controls[0]
        raise ReadError(path, "binary file, not text (control characters)", f"character {first}")


_Read = tuple[str, str | None, str | None, date | None, tuple[Sheet, ...]]  # text, encoding, title, date, tables


def _read_txt(path: str, data: bytes) -> _Read:
    text, encoding = decode_text(path, data)
    _check_not_binary(path, text)
    return _lines(text), encoding, None, None, ()


# --- web pages, Word and PDF ------------------------------------------------


def _read_html(path: str, data: bytes) -> _Read:
    import trafilatura
    from trafilatura.settings import Document as Page

    from cds_analysis.read.layout import html_tables

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
    if not isinstance(page, Page) or not (page.text or "").strip():
        raise ReadError(path, "no main text found in the HTML page")
    published = None
    if page.date:
        try:
            published = date.fromisoformat(page.date[:10])
        except ValueError:
            published = None
    text = _lines(page.text or "")
    return text, encoding, page.title or None, published, html_tables(html, text)


def _read_docx(path: str, data: bytes) -> _Read:
    import docx

    from cds_analysis.read.layout import docx_text_and_tables

    check_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        text, tables = docx_text_and_tables(document)
        title = document.core_properties.title or None
    except Exception as err:
        logger.debug("%s failed", "documents", exc_info=True)
        raise ReadError(path, f"corrupt or truncated .docx ({type(err).__name__}: {err})") from None
    return text, None, title, None, tables


def _read_pdf(path: str, data: bytes) -> _Read:
    import pypdf

    from cds_analysis.read.layout import pdf_tables

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
    texts = [_lines(t) for t in texts]
    starts = [sum(len(t) + 1 for t in texts[:k]) for k in range(len(texts))]
    text = "\n".join(texts)
    return text, None, str(title) if title else None, None, pdf_tables(data, text, starts)


def _opens_without_password(reader) -> bool:
    """A PDF locked only against editing or printing has an empty user password and can be read."""
    try:
        return bool(reader.decrypt(""))
    except Exception:
        logger.debug("%s failed", "documents", exc_info=True)
        return False


_READERS = {"txt": _read_txt, "html": _read_html, "docx": _read_docx, "pdf": _read_pdf}
