"""Refuse an input before it takes the memory or the time of a run.

Each check raises :class:`ReadError` naming the file, what it holds and the limit
it crossed, with the environment variable that raises the limit; ingest records it
as a reject and goes on with the other files. The checks run before the costly
step they protect: the size of a file before it is read, the decompressed size of
each member of a .docx/.xlsx before the Office library opens it (a zip bomb
declares a small size or none, so members are inflated in chunks and counted,
never held), rows of a sheet before they are parsed, characters of a text
before it is extracted.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
import zlib

from cds_analysis.config import Limits, limits
from cds_analysis.errors import ReadError

__all__ = ["check_file", "check_zip", "check_rows", "check_chars"]

_CHUNK = 1 << 20
_ROW_TAG = b"<row"  # one per row of an .xlsx worksheet that holds anything
_KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISDIR: "a directory",
}


_WHAT = {
    "file_bytes": "{:,} bytes, over the limit of {:,} bytes per file",
    "inflated_bytes": "inflates to {:,} bytes or more, over the limit of {:,} bytes per Office member (zip bomb?)",
    "sheet_rows": "{:,} rows or more, over the limit of {:,} rows per sheet",
    "document_chars": "{:,} characters, over the limit of {:,} characters per document",
}


def _over(value: int, field: str) -> str:
    """The reason of a refusal: what the file holds, the limit, and how to raise it."""
    return _WHAT[field].format(value, getattr(limits(), field)) + f" ({Limits.ENV[field]} raises it)"


def check_file(path: str) -> int:
    """The size of regular file ``path``; refuse FIFOs, devices and sockets (reading them could
    block for ever) and files over the byte limit. A missing file is left to the reader."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return 0
    except OSError as err:
        raise ReadError(path, f"cannot read file ({err.strerror or err})") from None
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS.items() if test(st.st_mode)), "not a regular file")
        if stat.S_ISDIR(st.st_mode):
            raise ReadError(path, "is a directory, not a file")
        raise ReadError(path, f"is {kind}, not a regular file")
    if st.st_size > limits().file_bytes:
        raise ReadError(path, _over(st.st_size, "file_bytes"))
    return st.st_size


def check_zip(path: str, data: bytes, sheet_rows: bool = False) -> None:
    """Refuse an Office file (a zip) that inflates past the limit, member by member.

    The declared size of each member is checked first (cheap); then each member is
    inflated in chunks and counted, since a crafted archive can declare less than it
    holds. With ``sheet_rows`` the rows of each worksheet are counted on the way,
    so a million-row sheet is refused before openpyxl builds a million rows of cells.
    A file that is not a zip at all is left to the reader, which says so.
    """
    cap, row_cap = limits().inflated_bytes, limits().sheet_rows
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        for info in archive.infolist():
            if info.file_size > cap:
                raise ReadError(path, _over(info.file_size, "inflated_bytes"), info.filename)
        for info in archive.infolist():
            counting = sheet_rows and info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            size = rows = 0
            tail = b""
            try:
                with archive.open(info) as member:
                    while chunk := member.read(_CHUNK):
                        size += len(chunk)
                        if size > cap:
                            raise ReadError(path, _over(size, "inflated_bytes"), info.filename)
                        if counting:
                            window = tail + chunk
                            rows += window.count(_ROW_TAG) - tail.count(_ROW_TAG)
                            tail = window[-len(_ROW_TAG) + 1 :]
                            if rows > row_cap:
                                raise ReadError(path, _over(rows, "sheet_rows"), info.filename)
            except ReadError:
                raise
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError, OSError):
                # corrupt member, bad CRC, unsupported compression or encryption: the reader reports it
                return


def check_rows(path: str, n_rows: int, where: str | None = None) -> None:
    """Refuse a sheet of more than the row limit."""
    if n_rows > limits().sheet_rows:
        raise ReadError(path, _over(n_rows, "sheet_rows"), where)


def check_chars(path: str, text: str) -> None:
    """Refuse a text of more than the character limit (extraction time and memory grow with it)."""
    if len(text) > limits().document_chars:
        raise ReadError(path, _over(len(text), "document_chars"))
