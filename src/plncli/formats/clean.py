"""Checking a record the way pln's own commands check what users type.

A record that passes :func:`check` can be imported without any of pln's text rules
refusing it; one that fails becomes a :class:`Problem` naming the field.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from ..errors import InvalidInput
from ..text import MAX_TEXT, clean_email, clean_line, clean_text
from .records import Problem, Record
from .source import unify_breaks

# field of Record -> the word used for one of its values in a Problem
_LISTS = (
    ("emails", "email"),
    ("phones", "phone"),
    ("links", "link"),
    ("topics", "topic"),
    ("offers", "offers"),
    ("seeks", "seeks"),
    ("knows", "knows"),
    ("role_tags", "role tag"),
)
_SCALARS = ("org", "role", "location", "met_at", "introduced_by")


class Bad(Exception):
    """A value that makes its whole record invalid."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(why)
        self.field = field
        self.why = why


def check(rec: Record) -> Record | Problem:
    """The record with every value cleaned, or the first problem that rejects it."""
    try:
        return _clean(rec)
    except Bad as bad:
        return Problem(rec.where, bad.field, bad.why)


def too_long(cells: Iterable[tuple[str, str]]) -> Bad | None:
    """A field over 10,000 characters rejects its record (it is never truncated)."""
    for field, value in cells:
        if len(value) > MAX_TEXT:
            return Bad(field, f"{field} is {len(value)} characters long (at most {MAX_TEXT})")
    return None


def _clean(rec: Record) -> Record:
    if not rec.name.strip():
        raise Bad("name", "there is no name")
    changes: dict[str, Any] = {"name": _value("name", rec.name)}
    for field in _SCALARS:
        value = getattr(rec, field)
        changes[field] = _value(field, value) if value is not None and value.strip() else None
    for field, word in _LISTS:
        changes[field] = [_value(word, v) for v in getattr(rec, field) if v.strip()]
    changes["notes"] = _value("notes", rec.notes) if rec.notes.strip() else ""
    return rec._replace(**changes)


def _value(word: str, value: str) -> str:
    try:
        if word == "email":
            return clean_email(value)
        if word == "notes":
            return clean_text(unify_breaks(value), word)
        return clean_line(value, word)
    except InvalidInput as exc:
        raise Bad(word, exc.message) from None


def parse_iso(value: str) -> date | None:
    """A strict YYYY-MM-DD date, or None when the text is anything else."""
    text = value.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    if not (text[:4] + text[5:7] + text[8:]).isdigit() or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
