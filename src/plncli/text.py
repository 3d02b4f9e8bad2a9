"""Normalising what users type: names, topics, emails; and making stored text safe to print.

Control characters never reach a terminal: single-line fields (names, organisations,
topics, ...) refuse C0 and C1 controls and the bidirectional embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069); notes keep line breaks and tabs (a carriage
return becomes a line break) and refuse the other controls. Whatever is printed goes
through :func:`visible` (or :func:`json_safe` for JSON), so a value stored by an older
pln, or restored from a crafted file, is shown escaped (``\\x9b``), never obeyed.
"""

from __future__ import annotations

import unicodedata

from .errors import InvalidInput
from .lean import TYPE_CHECKING, regex

if TYPE_CHECKING:
    import re

MAX_NAME = 200
MAX_TEXT = 10_000
# The patterns below are compiled on first use (``lean.regex``): compiling one costs
# ~1 ms, importing ``re`` more, and most commands print only printable text and write none.
# controls a note may not hold (it keeps \t and \n), and what a single line may not hold
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]"
_LINE_CONTROL = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffd]"
# what is escaped on output: every control but tab and line feed, and the bidi controls
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
# what JSON output escapes besides what json.dumps already does (it escapes only C0)
_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_BREAKS = r"\r\n?"
_ID_LIKE = r"#\s*\d+"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def fold(text: str) -> str:
    """Case, accents and spacing folded: the key two spellings of one name share."""
    if text.isascii():  # nothing to decompose, no accent (`introduce --for` folds thousands)
        return " ".join(text.lower().split())  # runs of spaces as one (str.split's are \s's)
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def topic_key(text: str) -> str:
    """A topic's matching key: folded, punctuation to spaces, a plural 's' dropped."""
    words = regex(r"[^\w]+").sub(" ", fold(text)).split()
    return " ".join(singular(w) for w in words)


def singular(word: str) -> str:
    """A plural 's' dropped (the same word when it has none: applying it twice is once)."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def clean_line(value: str, what: str, *, limit: int = MAX_NAME) -> str:
    """One line of user text, NFC, trimmed; refused (not truncated) when unusable."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise InvalidInput(f"{what} is empty", f"give a non-empty {what}")
    _refuse_controls(text, what, _LINE_CONTROL)
    if len(text) > limit:
        raise InvalidInput(
            f"{what} is {len(text)} characters long (at most {limit})", f"shorten the {what}"
        )
    if what == "name" and regex(_ID_LIKE).fullmatch(text):
        raise InvalidInput(
            f"a name cannot look like an id ({text})",
            "PERSON arguments read #N as an id; give the person's name",
        )
    return text


def clean_text(value: str, what: str) -> str:
    """Free text (notes): newlines kept (CR LF and a lone CR become LF), NFC, refused
    when it holds other control characters."""
    text = regex(_BREAKS).sub("\n", unicodedata.normalize("NFC", value)).strip()
    _refuse_controls(text, what, _CONTROL)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"{what} is {len(text)} characters long (at most {MAX_TEXT})", f"shorten the {what}"
        )
    return text


def _refuse_controls(text: str, what: str, pattern: str) -> None:
    if regex(pattern).search(text):
        raise InvalidInput(
            f"{what} contains control characters or bytes that are not valid text",
            f"retype the {what}",
        )


def clean_email(value: str) -> str:
    email = clean_line(value, "email")
    if not regex(_EMAIL).match(email):
        raise InvalidInput(f"{email!r} does not look like an email address", "use name@domain")
    return email


def attr_key(kind: str, value: str) -> str:
    if kind in ("topic", "offers", "seeks"):
        return topic_key(value)
    if kind == "phone":  # the digits; a "number" without any is told apart by its text
        return regex(r"[^\d+]").sub("", value) or fold(value)
    return fold(value)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text safe to print: controls (but tab and line feed) and bidi controls escaped."""
    if text.isprintable():  # False for every control, bidi ones (category Cf) included
        return text
    return regex(_UNSAFE).sub(_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


# every byte but DEL and the C1 controls: what is left of Latin-1 text without them is empty
_NOT_JSON_UNSAFE = bytes(b for b in range(256) if not 0x7F <= b <= 0x9F)


def json_safe(encoded: str) -> str:
    """JSON text with DEL, C1 and bidi controls as \\u escapes: the same value once parsed."""
    if encoded.isascii():
        return encoded.replace("\x7f", "\\u007f")
    try:  # Latin-1 text (one byte a character, no bidi control): checked byte by byte in C
        if not encoded.encode("latin-1").translate(None, _NOT_JSON_UNSAFE):
            return encoded
    except UnicodeEncodeError:
        if encoded.replace("\n", "").isprintable():  # none of them is printable: a quick test
            return encoded
    return regex(_JSON_UNSAFE).sub(_json_escape, encoded)
