"""Decode a file's bytes to text, guessing the encodings Arabic newsrooms actually use.

Order of evidence, strongest first: a byte-order mark; the NUL pattern of BOM-less UTF-16; strict
UTF-8; a charset the file declares (HTML); then Windows-1256 or ISO-8859-6, whichever reads as more
plausible Arabic. Pure: bytes in, text out, :class:`~verify.errors.InputError` when nothing fits.
"""

from __future__ import annotations

import codecs
import unicodedata

from verify.errors import InputError

_BOMS = (
    # UTF-32 before UTF-16: the UTF-32 LE mark starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_LEGACY = ("cp1256", "iso8859_6")
# In UTF-16 text of Arabic or ASCII, the high byte of nearly every code unit is 0x00 or 0x06.
_UTF16_HIGH_BYTES = frozenset((0x00, 0x06))
_UTF16_MIN_SHARE = 0.3
_UTF16_MAX_OTHER_SHARE = 0.05
_MAX_IMPLAUSIBLE_SHARE = 0.05


def _utf16_without_bom(data: bytes) -> str | None:
    """The codec name when the bytes show UTF-16's alternating high-byte pattern, else None."""
    if len(data) < 2 or len(data) % 2:
        return None
    units = len(data) // 2
    even = sum(1 for b in data[0::2] if b in _UTF16_HIGH_BYTES) / units
    odd = sum(1 for b in data[1::2] if b in _UTF16_HIGH_BYTES) / units
    if odd >= _UTF16_MIN_SHARE and even <= _UTF16_MAX_OTHER_SHARE:
        return "utf-16-le"
    if even >= _UTF16_MIN_SHARE and odd <= _UTF16_MAX_OTHER_SHARE:
        return "utf-16-be"
    return None


def _is_arabic_letter(ch: str) -> bool:
    return "\u0621" <= ch <= "\u064a" or "\u0671" <= ch <= "\u06d3"


def _implausible(text: str) -> int:
    """Characters that a correct decoding of Arabic or Latin text would not produce."""
    count = 0
    prev = " "
    for ch in text:
        cat = unicodedata.category(ch)
        if (cat == "Cc" and ch not in "\t\n\r") or cat in ("Co", "Cn") or ch == "\ufffd":
            count += 1
        elif cat == "Mn" and not (_is_arabic_letter(prev) or unicodedata.category(prev) == "Mn"):
            count += 1  # a harakah with no letter to sit on
        elif _is_arabic_letter(ch) != _is_arabic_letter(prev) and ch.isalpha() and prev.isalpha():
            count += 1  # a Latin letter glued to an Arabic one: the wrong code page
        prev = ch
    return count


def _score(text: str) -> tuple[int, int]:
    implausible = _implausible(text)
    return sum(1 for ch in text if _is_arabic_letter(ch)) - 3 * implausible, implausible


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_line(line: bytes) -> str | None:
    """A line of a legacy-code-page file that is UTF-8 (non-ASCII, valid, plausible), decoded."""
    if line.isascii():
        return None
    text = _strict(line, "utf-8")
    return text if text is not None and not _implausible(text) else None


def decode_bytes(data: bytes, path: str, *, declared: str | None = None) -> str:
    """Decode ``data`` (the contents of ``path``, named in errors) to ``str``.

    ``declared`` is a charset the file itself names (an HTML ``<meta charset>``); it is trusted
    only when the bytes are not UTF-8 and decode cleanly with it.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec)
            if text is None:
                raise InputError(
                    path, f"starts with a {codec.upper()} byte-order mark but is not valid {codec}"
                )
            return text
    codec16 = _utf16_without_bom(data)
    if codec16 is not None:
        text = _strict(data, codec16)
        if text is not None:
            return text
    text = _strict(data, "utf-8")
    if text is not None and text.count("\x00") * 100 <= len(text):
        return text
    if declared:
        text = _strict(data, declared)
        if text is not None and _implausible(text) <= _MAX_IMPLAUSIBLE_SHARE * len(text):
            return text
    lines = data.split(b"\n")
    utf8 = [_utf8_line(line) for line in lines]
    legacy = b"\n".join(line for line, text in zip(lines, utf8, strict=True) if text is None)
    candidates = [(t, codec) for codec in _LEGACY if (t := _strict(legacy, codec)) is not None]
    if candidates:
        # max() keeps the first of equal scores, so Windows-1256, the commoner, wins ties.
        best, codec = max(candidates, key=lambda item: _score(item[0])[0])
        if _score(best)[1] <= _MAX_IMPLAUSIBLE_SHARE * max(len(best), 1):
            if all(text is None for text in utf8):
                return best
            # A file pasted together from two sources: its UTF-8 lines are read as UTF-8, not as
            # mojibake in the legacy code page of the rest.
            return "\n".join(
                text if text is not None else line.decode(codec)
                for line, text in zip(lines, utf8, strict=True)
            )
    raise InputError(path, "cannot decode: not UTF-8, UTF-16, Windows-1256 or ISO-8859-6 text (binary file?)")
