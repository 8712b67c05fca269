"""Decode the bytes of a text file: UTF-8 or UTF-16 with a byte-order mark, legacy Vietnamese encodings.

Decisions:
- Nothing but the decoding changes the text: Windows-1258 text keeps its
  combining tone marks, which :mod:`cds_analysis.lang.text` composes when it
  normalises.
- TCVN3 (ABC) is a one-byte font encoding with a fixed table, so it is
  converted. VNI spells a letter with two bytes that are also ordinary
  Latin-1 letters, so a guess could corrupt real text: VNI is detected and
  refused with a message that says how to convert it.
- A UTF-8 file with a rare bad byte (cut mid-letter, a stray byte) is still
  UTF-8: the byte becomes U+FFFD and the encoding name says so.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from cds_analysis.errors import ReadError

__all__ = ["decode_text"]

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
    best: str | None = max(scores, key=lambda name: scores[name])
    if _marker_count(data.decode("latin-1"), _VNI_MARKERS) > scores[best or ""]:
        raise ReadError(
            path,
            "VNI font-encoded Vietnamese (e.g. 'Vieät Nam'), which is not read: convert it to Unicode "
            "(UniKey: Công cụ chuyển mã, VNI Windows → Unicode) and save as UTF-8",
        )
    if scores[best or ""] == 0:
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
