"""Checking a record the way pln's own commands check what users type.

A record that passes :func:`check` can be imported without any of pln's text rules
refusing it; one that fails becomes a :class:`Problem` naming the field.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from ..errors import InvalidInput
from ..text import (
    MAX_TEXT,
    and_joined,
    char_names,
    clean_email,
    clean_line,
    clean_link,
    clean_phone,
    clean_text,
    invisible_in,
    without_invisible,
)
from .records import Problem, Record, listed
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
    fixed: list[tuple[str, str, str]] = []
    spaced: list[tuple[str, str]] = []

    def line(word: str, value: str) -> str:
        visible = _visible(rec, word, value, fixed)
        if _respaced(visible):
            spaced.append((word, visible))
        return _value(word, visible)

    changes: dict[str, Any] = {"name": line("name", rec.name)}
    for field in _SCALARS:
        value = getattr(rec, field)
        changes[field] = line(field, value) if value is not None and value.strip() else None
    for field, word in _LISTS:
        changes[field] = [line(word, v) for v in getattr(rec, field) if v.strip()]
    for field, word, clean in (("links", "link", clean_link), ("phones", "phone", clean_phone)):
        changes[field] = [v for v in changes[field] if _usable(rec, word, v, clean, fixed)]
    notes = _visible_notes(rec.notes, fixed)
    changes["notes"] = _value("notes", notes) if notes.strip() else ""
    return rec._replace(
        **changes, fixed=rec.fixed + tuple(fixed), spaced=rec.spaced + tuple(spaced)
    )


def _respaced(value: str) -> bool:
    """Whether ``clean_line`` changes the spacing inside the value (a tab, a no-break
    space, a line break or a run of spaces made one space), as it does what `pln add` is
    given; spaces at its ends are no part of it."""
    inner = value.strip()
    return " ".join(inner.split()) != inner


def spacing_notes(records: Iterable[Record]) -> list[Problem]:
    """One note per field whose spacing ``_respaced`` tidied in some records: what was
    made one space, and where (not a note per record: a file may hold thousands)."""
    found: dict[str, tuple[dict[str, None], dict[str, None]]] = {}
    for record in records:
        for word, value in record.spaced:
            kinds, where = found.setdefault(word, ({}, {}))
            kinds.update(dict.fromkeys(_space_kinds(value.strip())))
            where[record.where] = None
    return [
        Problem(
            "file",
            word,
            f"spacing tidied as `pln add` tidies it ({and_joined(kinds)} made one space):"
            f" {listed(list(where))}",
        )
        for word, (kinds, where) in found.items()
    ]


_SPACES = {"\t": "tabs", "\n": "line breaks", "\xa0": "no-break spaces"}


def _space_kinds(inner: str) -> list[str]:
    """What of ``inner`` (a value without its ends) ``clean_line`` makes one space."""
    other = sorted({ch for ch in inner if ch.isspace() and ch != " " and ch not in _SPACES})
    return (
        [word for ch, word in _SPACES.items() if ch in inner]
        + ["runs of spaces"] * ("  " in inner)
        + [char_names([ch]) for ch in other]
    )


def _visible(rec: Record, word: str, value: str, fixed: list[tuple[str, str, str]]) -> str:
    """A one-line value without the invisible characters pln refuses when typed: a file
    cannot be retyped, so they are removed, and said."""
    found = invisible_in(value)
    if not found:
        return value
    kept = without_invisible(value)
    why = f"kept {' '.join(kept.split())!r} without {char_names(found)}"
    fixed.append((word, value, why))
    return kept


def _visible_notes(value: str, fixed: list[tuple[str, str, str]]) -> str:
    """Notes without the bidi controls and invisible characters pln refuses in a typed
    note (``text.clean_text``), said as for a one-line value (but not repeated whole)."""
    found = invisible_in(value, free=True)
    if not found:
        return value
    fixed.append(("notes", value, f"kept without {char_names(found)}"))
    return without_invisible(value, free=True)


def _usable(
    rec: Record,
    word: str,
    value: str,
    clean: Callable[[str], str],
    fixed: list[tuple[str, str, str]],
) -> bool:
    """A link or a phone the commands would refuse (javascript:, no digit) is left out of
    the record, and said: the person and the rest of the record still come in."""
    try:
        clean(value)
    except InvalidInput as exc:
        fixed.append((word, value, f"left out: {exc.message}"))
        return False
    return True


def collect_fixed(records: list[Record], field: Callable[[str, str], str]) -> list[Problem]:
    """The notes of what check() changed in valid records, each under ``field(word, value
    as read)``: the column or property it came from."""
    return [Problem(r.where, field(word, raw), why) for r in records for word, raw, why in r.fixed]


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


# the day met may be known only to the year or the month, as pln's exports write it
_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?")


def met_day(value: str) -> tuple[date, str | None]:
    """The day met as pln's CSV and vCard exports write it: ``YYYY-MM-DD``, or the year or
    the month alone (``2019``, ``2019-09``: the period's first day, with its precision
    "year" or "month"); :class:`Bad` for anything else."""
    if m := _PARTIAL.fullmatch(value):
        month = int(m[2] or 1)
        if not 1 <= int(m[1]) <= 9998 or not 1 <= month <= 12:
            raise Bad("met_on", f"'{value}' is not a year or a month like 2019 or 2019-09")
        return date(int(m[1]), month, 1), "month" if m[2] else "year"
    day = parse_iso(value)
    if day is None:
        raise Bad("met_on", f"'{value}' is not a date like 2024-03-15")
    return day, None
