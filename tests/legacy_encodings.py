"""Bytes as legacy Vietnamese software writes them, for reader tests."""

import unicodedata

TONES = set("\u0300\u0301\u0303\u0309\u0323")


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed letters where the code page has them, else base + tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += base.encode("cp1258") + "".join(c for c in parts if c in TONES).encode("cp1258")
    return bytes(out)
