"""Turning a file's bytes into text, or saying plainly why that cannot be done.

UTF-8 (with or without a byte-order mark) unless an encoding is given; nothing is
guessed, so a name is never silently garbled: bytes that are not valid in the
encoding stop the import with the byte offset and line, and a hint to pass
``--encoding``.
"""

import codecs
import re
from io import BufferedReader
from typing import NoReturn

from ..errors import InvalidInput

ENCODING_HINT = "use --encoding latin-1 (or the file's real encoding)"
# what --encoding accepts: Python's standard encodings (its codecs of character sets)
_CHARSETS = (
    "give the file's character set: utf-8, utf-16, utf-32, latin-1, cp1252, mac-roman,"
    " shift_jis, gb18030, koi8-r, ... (any of Python's standard encodings)"
)
# Python's codecs that are text encodings to Python but no file's character set
_NOT_CHARSETS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined", "charmap"}
)
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
# The longest logical line read (a vCard line with its folded continuations): longer ones
# are refused before anything parses them (vobject needs ~150 bytes per byte of a line).
# A field pln keeps is at most 10,000 characters; photos and keys, set aside unparsed,
# may be longer.
MAX_LINE = 1 << 20
MAX_BINARY_LINE = 16 << 20
_BINARY_PROP = re.compile(rb"\s*(?:[A-Za-z0-9_-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:]", re.I)
_VCARD_START = re.compile(rb"\s*(?:\xef\xbb\xbf)?\s*BEGIN\s*:\s*VCARD", re.I)
_BREAKS = re.compile(r"\r*\n|\r")


STDIN = "-"  # `pln import -`: the records come on standard input


def shown(path: str) -> str:
    """How messages name what is read: the path, or "standard input"."""
    return "standard input" if path == STDIN else path


def read_text(path: str, encoding: str | None) -> str:
    """The file's text (``-``: standard input's), without a byte-order mark."""
    name = _codec(encoding) if encoding else "utf-8-sig"
    data = _read_bytes(path)
    path = shown(path)
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
    """The codec of a character set a file can be written in. Python's own transforms are
    refused: binary ones (rot13, base64, hex, zlib, ...: not text encodings) and the text
    ones that read escapes or domain names rather than a file's characters."""
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError, TypeError):
        info = None
    if info is None:
        raise InvalidInput(f"unknown encoding {encoding!r}", _CHARSETS)
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise InvalidInput(
            f"--encoding {encoding!r} is not the character set of a text file", _CHARSETS
        )
    return info.name


def _read_bytes(path: str) -> bytes:
    if path == STDIN:
        return _read_stdin()
    try:
        with open(path, "rb") as fh:
            return _bounded_lines(path, fh)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInput(
            f"cannot open {path}: {reason}", "check the path and that you may read the file"
        ) from None
    except ValueError as exc:  # e.g. an embedded NUL in the path
        raise InvalidInput(f"cannot open {path}: {exc}", "check the path") from None


def _read_stdin() -> bytes:
    """Standard input's bytes, held to the same line limits as a file's."""
    import io
    import sys

    try:
        data = sys.stdin.buffer.read()
    except OSError as exc:
        raise InvalidInput(f"cannot read standard input: {exc.strerror or exc}") from None
    return _bounded_lines(shown(STDIN), io.BufferedReader(io.BytesIO(data)))


def _bounded_lines(path: str, fh: BufferedReader) -> bytes:
    """The file's bytes, read so that an over-long logical line is refused after at most
    its first MAX_LINE (photos: MAX_BINARY_LINE) bytes, before anything parses it."""
    if _VCARD_START.match(fh.peek(64)[:64]):
        return _vcard_lines(path, fh)
    blocks: list[bytes] = []
    run = 0  # bytes since the last line break
    while block := fh.read(MAX_LINE):  # a line within one block is shorter than a block
        first = block.find(b"\n")
        if (run + len(block) if first < 0 else run + first) > MAX_LINE:
            _too_long(path, sum(b.count(b"\n") for b in blocks) + 1, MAX_LINE)
        run = run + len(block) if first < 0 else len(block) - block.rfind(b"\n") - 1
        blocks.append(block)
    return b"".join(blocks)


def _vcard_lines(path: str, fh: BufferedReader) -> bytes:
    """vCard: a logical line is a line with its folded continuations (starting with a
    space or tab, or after a quoted-printable soft break)."""
    lines: list[bytes] = []
    length, limit, start, soft = 0, MAX_LINE, 1, False
    while line := fh.readline(MAX_BINARY_LINE + 1):
        if soft or line[:1] in (b" ", b"\t"):
            length += len(line)
        else:
            length, start = len(line), len(lines) + 1
            limit = MAX_BINARY_LINE if _BINARY_PROP.match(line) else MAX_LINE
        if length > limit:
            _too_long(path, start, limit)
        soft = line.rstrip(b"\r\n").endswith(b"=")
        lines.append(line)
    return b"".join(lines)


def _too_long(path: str, line: int, limit: int) -> NoReturn:
    raise InvalidInput(
        f"{path}: line {line} is over {limit >> 20} MiB long; nothing imported",
        "check the file: pln reads lines of up to 1 MiB (photos up to 16 MiB)",
    )


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
