"""Turn the bytes of one article file into text, and normalise its whitespace.

Decoding is strict about what it accepts: UTF-8 (with or without a byte-order
mark), UTF-16 with a byte-order mark, and, as a last resort, Windows-1252 with
a warning. A file that looks binary is an error rather than a page of mojibake.
"""

from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

from analysis.corpus.errors import CorpusError, CorpusWarning

# Control characters that never occur in text files (tab, newline, form feed and
# carriage return are allowed). A few of them mean the file is not text.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_SPACES = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u3000]")
_INVISIBLE = re.compile(r"[\u200b\ufeff\u00ad]")


def decode_bytes(data: bytes, name: str | Path) -> str:
    """Decode one file's bytes; `name` is only used in messages.

    Returns the text exactly as decoded (no newline or space normalisation).
    Raises CorpusError for a binary file; warns (CorpusWarning) on the
    Windows-1252 fallback.
    """
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8):], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if _BINARY_BYTES.search(data[:65536]):
        raise CorpusError(f"{name}: looks like a binary file, not text (control bytes found)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = error.start
    warnings.warn(
        f"{name}: not valid UTF-8 (byte 0x{data[where]:02x} at offset {where}); "
        "read as Windows-1252",
        CorpusWarning,
        stacklevel=3,
    )
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # Five byte values are undefined in Windows-1252: Latin-1 maps every byte,
        # so one stray byte never loses an article.
        return data.decode("latin-1")


def _strict(data: bytes, encoding: str, name: str | Path) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise CorpusError(f"{name}: has a {encoding} byte-order mark but is not valid {encoding} ({error.reason})") from None
    if "\x00" in text:
        raise CorpusError(f"{name}: looks like a binary file, not text (NUL characters found)")
    return text.lstrip("\ufeff")


def normalise_text(text: str) -> str:
    """Normalise line endings to \\n and exotic spaces to plain spaces.

    NO-BREAK SPACE and its relatives become ' '; zero-width characters and
    soft hyphens are removed. Curly quotes, dashes and everything else stay.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    return _INVISIBLE.sub("", text)
