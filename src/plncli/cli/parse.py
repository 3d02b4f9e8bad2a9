"""Turning option text into domain values, with one-line errors."""

import re
import sys
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from .. import commands
from ..context import AppContext
from ..dates import (
    DateError,
    parse_day,
    parse_day_at,
    parse_moment,
    parse_partial_day,
    say_partial,
)
from ..errors import InvalidInput
from ..resolve import PersonRef


class Circle(StrEnum):
    colleague = "colleague"
    network = "network"
    following = "following"


def day(app: AppContext, text: str, what: str, prefer: Literal["future", "past"]) -> date:
    try:
        return parse_day(text, today=app.today, prefer=prefer, dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def met_day(app: AppContext, text: str, what: str = "--on") -> tuple[date, str | None]:
    """When someone was met (`--on` of add and edit, `knows --since`): today or earlier,
    never the future; a year or a month alone ("2019", "sept 2019") is kept as that much
    (the precision: "year", "month", or None for a day)."""
    try:
        found, precision = parse_partial_day(text, today=app.today, dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    if found > app.today:
        raise InvalidInput(
            f"{what} {text!r} is {say_partial(found, precision)}, in the future",
            f"{what} is {'the day you met' if what == '--on' else 'when they met'}:"
            " today or earlier",
        )
    return found, None if precision == "day" else precision


def past_day(app: AppContext, text: str, what: str = "--on") -> date:
    """A whole day, today or earlier (an event's date)."""
    found = day(app, text, what, "past")
    if found > app.today:
        raise InvalidInput(
            f"{what} {text!r} is {found.isoformat()}, in the future",
            f"{what} is a day that has been: today or earlier",
        )
    return found


def birthday(app: AppContext, text: str, what: str = "--birthday") -> date:
    """A birthday as typed: YYYY-MM-DD, or --MM-DD / MM-DD with no year (birthdays.py)."""
    from ..birthdays import FORMS, BirthdayError, parse

    try:
        return parse(text, today=app.today)
    except BirthdayError as exc:
        raise InvalidInput(f"{what}: {exc}", f"give {FORMS}") from None


def followup_day(app: AppContext, text: str, what: str) -> date:
    """The one rule for every follow-up date typed: today or later, never the past.

    A time typed with it ("tomorrow 9am") is not kept: follow-ups are due on a day, and a
    note on stderr says so."""
    try:
        found, clock = parse_day_at(
            text, today=app.today, prefer="future", dayfirst=app.settings.dayfirst
        )
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None
    if found < app.today:
        raise InvalidInput(
            f"{what} {text!r} is {found.isoformat()}, in the past", "give today or a later date"
        )
    if clock is not None:
        from .base import note_on_success

        note_on_success(f"note: follow-ups are due on a day; the time ({clock:%H:%M}) is not kept")
    return found


def followup_ids(texts: list[str]) -> list[int]:
    """Follow-up ids as typed: 3 or #3 (the form `pln due` prints), each named once."""
    ids: list[int] = []
    for text in texts:
        found = re.fullmatch(r"\s*#?([0-9]{1,25})\s*", text)
        if found is None:
            raise InvalidInput(
                f"{text!r} is not a follow-up id",
                "give the numbers `pln due` shows (3 or #3); quote a date of several words",
            )
        fid = int(found[1])
        if fid in ids:
            raise InvalidInput(f"follow-up #{fid} is named twice", "name each follow-up once")
        ids.append(fid)
    return ids


def moment(app: AppContext, text: str | None, what: str) -> datetime:
    if text is None:
        return app.now
    try:
        return parse_moment(text, now=app.now, prefer="past", dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def cadence(text: str | None, *, allow_default: bool = False) -> str | None:
    """An --every value: canonical interval text, "never", or (edit) "default"."""
    return commands.cadence(text, allow_default=allow_default)


def ask(question: str) -> bool:
    """The ``Confirm`` of the Typer layer: asked on a terminal; in a script, no."""
    if sys.stdin.isatty() and sys.stderr.isatty():
        import typer

        return typer.confirm(question, default=False, err=True)
    return False


def person(app: AppContext, text: str, *, archived: bool = False) -> PersonRef:
    """PERSON for a command that writes. Exact names, unique prefixes and #id are taken as
    they are; a close spelling is asked about on a terminal and refused in a script, so a
    typo never writes to the wrong person."""
    return commands.find_person(app, text, confirm=ask, archived=archived)
