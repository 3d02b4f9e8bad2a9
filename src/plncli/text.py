"""Normalising what users type: names, topics, emails; and making stored text safe to print.

Control characters never reach a terminal: single-line fields (names, organisations,
topics, ...) refuse C0 and C1 controls and the bidirectional embeddings, overrides and
isolates (U+202A-U+202E, U+2066-U+2069); notes keep line breaks and tabs (a carriage
return becomes a line break) and refuse the other controls, and the bidi embeddings and
overrides (U+202A-U+202E).
Whatever is printed goes through :func:`visible` (or :func:`json_safe` for JSON), so a
value stored by an older pln, or restored from a crafted file, is shown escaped
(``\\x9b``), never obeyed.
"""

from __future__ import annotations

import unicodedata

from .errors import InvalidInput
from .lean import TYPE_CHECKING, regex

if TYPE_CHECKING:
    import re
    from collections.abc import Iterable

MAX_NAME = 200
MAX_TEXT = 10_000
# The patterns below are compiled on first use (``lean.regex``): compiling one costs
# ~1 ms, importing ``re`` more, and most commands print only printable text and write none.
# controls a note may not hold (it keeps \t and \n), and what a single line may not hold
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]"
_LINE_CONTROL = "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffd]"
# what is escaped on output: every control but tab and line feed, and the bidi controls
# and the line and paragraph separators (U+2028, U+2029): a terminal does not break the
# line there, while splitlines and other tools do, so a name holding one printed as two
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
# what JSON output escapes besides what json.dumps already does (it escapes only C0)
_JSON_UNSAFE = "[\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
# invisible characters a one-line value may not hold: they make two values that look the
# same differ (a name with a zero-width space is not found by its name, nor folded as a
# duplicate): soft hyphen, zero-width space, the word joiner and the invisible
# operators, and the BOM. A zero-width joiner or non-joiner belongs inside a word
# (Persian, Indic scripts, emoji): only at an end of a word it is. The bidi marks (LRM,
# RLM, ALM) are kept: right-to-left text holds them to show numbers and Latin rightly.
_INVISIBLE = "[\u00ad\u200b\u2060-\u2064\ufeff]"
_LOOSE_JOINER = "(?:^|(?<=\\s))[\u200c\u200d]+|[\u200c\u200d]+(?=\\s|$)"
# the bidi embeddings, overrides and isolates, which _LINE_CONTROL refuses in typed text
_BIDI = "[\u202a-\u202e\u2066-\u2069]"
# link schemes a browser or a mail client runs or opens locally rather than visits
_UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")
_SCHEME = r"\s*([A-Za-z][A-Za-z0-9+.\-]*):"
_HIDDEN = f"{_INVISIBLE}|{_BIDI}|{_LOOSE_JOINER}"  # what invisible_in finds
# what free text (notes) may not hold: the invisible characters (they hide a word from
# `pln find`: "assess\u200bment" is not found as assessment) and the bidi embeddings and
# overrides (U+202E shows "pay \u202e0001" as "pay 1000"). A note keeps the joiners anywhere
# (it is no key two values are told apart by) and the isolates U+2066-U+2069, Unicode's
# way to quote right-to-left words in a left-to-right line (shown escaped, never obeyed).
_TEXT_HIDDEN = f"{_INVISIBLE}|[\u202a-\u202e]"
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


# ASCII that is not a word character (``\w``: letters, digits, underscore) -> a space
_NOT_WORD_ASCII = {c: " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}


def topic_key(text: str) -> str:
    """A topic's matching key: folded, punctuation to spaces, a plural 's' dropped."""
    folded = fold(text)
    if folded.isascii():  # as the pattern below, with no ``re`` (`pln due`'s share hints)
        words = folded.translate(_NOT_WORD_ASCII).split()
    else:
        words = regex(r"[^\w]+").sub(" ", folded).split()
    return " ".join(singular(w) for w in words)


def id_typed(text: str) -> int | None:
    """N of "#N", an id as PERSON and RESOURCE arguments take it (any decimal digits, as
    the pattern ``#(\\d+)`` reads them), else None."""
    digits = text[1:]
    return int(digits) if text[:1] == "#" and digits.isdecimal() else None


def singular(word: str) -> str:
    """A plural 's' dropped (the same word when it has none: applying it twice is once)."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def clean_line(
    value: str, what: str, *, limit: int = MAX_NAME, keep_invisible: bool = False
) -> str:
    """One line of user text, NFC, trimmed; refused (not truncated) when unusable: empty,
    too long, holding a control or (unless ``keep_invisible``: a restore checks a book as
    an older pln wrote it) an invisible character."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text:
        raise InvalidInput(f"{what} is empty", f"give a non-empty {what}")
    _refuse_controls(text, what, _LINE_CONTROL)
    if not keep_invisible and not text.isascii():
        _refuse_invisible(text, what)
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


def clean_text(value: str, what: str, *, keep_invisible: bool = False) -> str:
    """Free text (notes): newlines and tabs kept (CR LF and a lone CR become LF), NFC,
    refused when it holds other control characters or (unless ``keep_invisible``: a
    restore, or a text pln made from stored values) a bidi embedding or override or an
    invisible character (``invisible_in(text, free=True)``); the isolates, the marks and
    the joiners stay."""
    text = regex(_BREAKS).sub("\n", unicodedata.normalize("NFC", value)).strip()
    _refuse_controls(text, what, _CONTROL)
    if not keep_invisible and not text.isascii():
        _refuse_invisible(text, what, free=True)
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


def invisible_in(text: str, *, free: bool = False) -> list[str]:
    """The invisible characters of one line that :func:`clean_line` refuses, in order:
    zero-width and bidi ones anywhere, a zero-width (non-)joiner at an end of a word;
    ``free``: those free text refuses (:func:`clean_text`: not the joiners, nor the
    bidi isolates)."""
    if text.isascii():  # every one of them is outside ASCII (an import asks of every value)
        return []
    found = regex(_TEXT_HIDDEN if free else _HIDDEN).findall(text)
    return [ch for run in found for ch in run]


def without_invisible(value: str, *, free: bool = False) -> str:
    """``value`` with the characters :func:`invisible_in` finds removed (for imports,
    which say what they removed; typed text is refused instead, to be retyped)."""
    return regex(_TEXT_HIDDEN if free else _HIDDEN).sub("", value)


def and_joined(items: Iterable[str]) -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b and c"."""
    words = list(items)
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def char_names(chars: list[str]) -> str:
    """ "U+200B ZERO WIDTH SPACE", each character once, in order."""
    return ", ".join(
        f"U+{ord(ch):04X} {unicodedata.name(ch, 'character')}" for ch in dict.fromkeys(chars)
    )


def _refuse_invisible(text: str, what: str, *, free: bool = False) -> None:
    found = invisible_in(text, free=free)
    if found:
        a = "an invisible character" if len(found) == 1 else "invisible characters"
        raise InvalidInput(
            f"{what} contains {a} ({char_names(found)})",
            f"retype the {what} without it (text copied from a web page or a PDF often has one)",
        )


def runs_when_clicked(link: str) -> bool:
    """Whether a browser or a mail client would run ``link`` or open a local file rather
    than visit it: a javascript:, vbscript:, data: or file: link, in any case."""
    scheme = regex(_SCHEME).match(link)
    return scheme is not None and scheme.group(1).lower() in _UNSAFE_SCHEMES


def clean_link(value: str) -> str:
    """A web page or a handle: a link that would run code or open a local file when
    clicked (javascript:, vbscript:, data:, file:) is refused."""
    link = clean_line(value, "link")
    if runs_when_clicked(link):
        raise InvalidInput(
            f"link {link!r} is not a web page or a handle",
            "give https://... or a handle such as @name;"
            " javascript:, vbscript:, data: and file: links are refused",
        )
    return link


def clean_phone(value: str) -> str:
    """A phone number: any text (`+44 20 7946 0000 ext. 12`) with at least one digit."""
    phone = clean_line(value, "phone")
    if not regex(r"\d").search(phone):
        raise InvalidInput(
            f"phone {phone!r} has no digit: it is not a phone number",
            "give the number, e.g. +44 20 7946 0000",
        )
    return phone


def clean_email(value: str, *, keep_invisible: bool = False) -> str:
    email = clean_line(value, "email", keep_invisible=keep_invisible)
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
    """Text safe to print: controls (but tab and line feed), line and paragraph separators
    and bidi controls escaped."""
    if text.isprintable():  # False for every control, bidi ones (category Cf) included
        return text
    if text.replace("\n", "").replace("\t", "").isprintable():  # lines (a draft): no re
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
