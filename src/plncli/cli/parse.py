"""Turning option text into domain values, with one-line errors."""

import sys
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from ..context import AppContext
from ..dates import DateError, parse_day, parse_interval, parse_moment
from ..errors import InvalidInput, NotFound
from ..resolve import PersonRef, resolve


class Circle(StrEnum):
    colleague = "colleague"
    network = "network"
    following = "following"


def day(app: AppContext, text: str, what: str, prefer: Literal["future", "past"]) -> date:
    try:
        return parse_day(text, today=app.today, prefer=prefer, dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def moment(app: AppContext, text: str | None, what: str) -> datetime:
    if text is None:
        return app.now
    try:
        return parse_moment(text, now=app.now, prefer="past", dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"{what}: {exc}") from None


def cadence(text: str | None, *, allow_default: bool = False) -> str | None:
    """An --every value: canonical interval text, "never", or (edit) "default"."""
    if text is None:
        return None
    word = text.strip().lower()
    if word in ("never", "none", "no"):
        return "never"
    if allow_default and word == "default":
        return "default"
    try:
        return str(parse_interval(text))
    except DateError as exc:
        raise InvalidInput(f"--every: {exc}", "or `never` for no keep-in-touch rhythm") from None


def person(app: AppContext, text: str, *, archived: bool = False) -> PersonRef:
    """PERSON for a command that writes. Exact names, unique prefixes and #id are taken as
    they are; a close spelling is asked about on a terminal and refused in a script, so a
    typo never writes to the wrong person."""
    ref = resolve(app.conn, text, archived=archived)
    if ref.guessed_from is None:
        return ref
    question = f"did you mean {ref.name} (#{ref.id})?"
    if sys.stdin.isatty() and sys.stderr.isatty():
        import typer

        if typer.confirm(f"no one is called {text!r}; {question}", default=False, err=True):
            return PersonRef(ref.id, ref.name)
    raise NotFound(f"no one is called {text!r}; {question}", f"give the exact name or '#{ref.id}'")
