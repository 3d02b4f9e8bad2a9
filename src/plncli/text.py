"""Normalising what users type: names, topics, emails."""

import re
import unicodedata

from .errors import InvalidInput

MAX_NAME = 200
MAX_TEXT = 10_000
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def fold(text: str) -> str:
    """Case, accents and spacing folded: the key two spellings of one name share."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare.casefold()).strip()


def topic_key(text: str) -> str:
    """A topic's matching key: folded, punctuation to spaces, a plural 's' dropped."""
    words = re.sub(r"[^\w]+", " ", fold(text)).split()
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def clean_line(value: str, what: str, *, limit: int = MAX_NAME) -> str:
    """One line of user text, NFC, trimmed; refused (not truncated) when unusable."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFC", value)).strip()
    if not text:
        raise InvalidInput(f"{what} is empty", f"give a non-empty {what}")
    _refuse_controls(text, what)
    if len(text) > limit:
        raise InvalidInput(
            f"{what} is {len(text)} characters long (at most {limit})", f"shorten the {what}"
        )
    return text


def clean_text(value: str, what: str) -> str:
    """Free text (notes): newlines kept, NFC, refused when it holds control characters."""
    text = unicodedata.normalize("NFC", value).strip()
    _refuse_controls(text, what)
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            f"{what} is {len(text)} characters long (at most {MAX_TEXT})", f"shorten the {what}"
        )
    return text


def _refuse_controls(text: str, what: str) -> None:
    if _CONTROL.search(text) or "\ufffd" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise InvalidInput(
            f"{what} contains control characters or bytes that are not valid text",
            f"retype the {what}",
        )


def clean_email(value: str) -> str:
    email = clean_line(value, "email")
    if not _EMAIL.match(email):
        raise InvalidInput(f"{email!r} does not look like an email address", "use name@domain")
    return email


def attr_key(kind: str, value: str) -> str:
    if kind in ("topic", "offers", "seeks"):
        return topic_key(value)
    if kind == "phone":  # the digits; a "number" without any is told apart by its text
        return re.sub(r"[^\d+]", "", value) or fold(value)
    return fold(value)
