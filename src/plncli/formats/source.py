"""Turning a file's bytes into text, or saying plainly why that cannot be done.

UTF-8 (with or without a byte-order mark) unless an encoding is given; nothing is
guessed, so a name is never silently garbled: bytes that are not valid in the
encoding stop the import with the byte offset and line, and a hint to pass
``--encoding``.
"""

import codecs
import re

from ..errors import InvalidInput

ENCODING_HINT = "use --encoding latin-1 (or the file's real encoding)"
# signatures of common binary files that happen to have no NUL byte near the start
_MAGIC = (
    b"\x89PNG",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"%PDF",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"SQLite format 3",
    b"\xd0\xcf\x11\xe0",
    b"7z\xbc\xaf",
)
_WIDE = ("utf-16", "utf-32")
_BREAKS = re.compile(r"\r*\n|\r")


def read_text(path: str, encoding: str | None) -> str:
    """The file's text, without a byte-order mark."""
    name = _codec(encoding) if encoding else "utf-8-sig"
    data = _read_bytes(path)
    if not data.strip():
        raise InvalidInput(f"{path} is empty", "give a file with at least one contact")
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidInput(f"{path} is UTF-16 text", "use --encoding utf-16")
    if not name.startswith(_WIDE) and _looks_binary(data):
        raise InvalidInput(f"{path} is not a text file", "give a .vcf or .csv file")
    text = _decode(path, data, name, encoding or "UTF-8")
    if "\x00" in text:
        raise InvalidInput(f"{path} is not a text file", "give a .vcf or .csv file")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput(f"{path} is empty", "give a file with at least one contact")
    return text


def unify_breaks(text: str) -> str:
    """Every line break as a single \\n (CRLF, lone CR, and the CR CR LF some tools write)."""
    return _BREAKS.sub("\n", text)


def _codec(encoding: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InvalidInput(
            f"unknown encoding {encoding!r}",
            "use a Python codec name such as utf-8, latin-1, cp1252 or utf-16",
        )
    return info.name


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInput(
            f"cannot open {path}: {reason}", "check the path and that you may read the file"
        ) from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise InvalidInput(f"cannot open {path}: {exc}", "check the path") from None


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data or data.startswith(_MAGIC)


def _decode(path: str, data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex()
        raise InvalidInput(
            f"{path} is not valid {label} text: byte 0x{bad} at offset {exc.start} (line {line})",
            ENCODING_HINT,
        ) from None
    except (LookupError, ValueError) as exc:
        raise InvalidInput(f"cannot decode {path} as {label}: {exc}", ENCODING_HINT) from None
