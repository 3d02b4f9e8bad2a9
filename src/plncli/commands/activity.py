"""`pln log`, `remind`, `done`, `snooze`, `drop`, `reminders` and `kinds`, free of Typer."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import NamedTuple

from .. import activity as svc
from .. import kinds, ties, views
from ..activity import OwedRow
from ..context import AppContext
from ..dates import Interval
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import PersonRef, resolve
from ..text import clean_text
from ..views import FollowUpRow
from . import Confirm, find_person

# (question, the answer Enter gives) -> the answer; None: no one is there to ask
AskKind = Callable[[str, bool], bool]

STATES = ("open", "done", "dropped", "all")


class Logged(NamedTuple):
    id: int  # the interaction
    at: datetime
    kind: str  # as stored
    new_kind: str | None  # a note to say: a new kind was created without asking
    people: list[PersonRef]
    closed: list[OwedRow]  # first follow-ups this contact settled
    still_open: list[OwedRow]  # their other open follow-ups
    followup_ids: list[int]  # planned with --follow-up, one per person
    next_due: date | None
    next_note: str  # what those follow-ups say


class Reminded(NamedTuple):
    person: PersonRef
    followup: FollowUpRow
    added: bool = True  # False: the same open follow-up was there already (``followup``)


class Moved(NamedTuple):
    """A follow-up done or snoozed, and the next one of its series (if it recurs)."""

    followup: FollowUpRow
    next: FollowUpRow | None
    changed: bool = True  # False: a snooze to the day it was due already (nothing written)


_DECLINED = "see `pln kinds` for the kinds in use"


def checked_kind(app: AppContext, typed: str, *, ask: AskKind | None) -> tuple[str, str | None]:
    """The kind `pln log` stores, and a note to say once it is logged.

    A new kind (neither built in nor used in the book) is put to ``ask``, a close known
    spelling offered first (`coffe`: coffee?); with no one to ask it is created, and the
    note says so."""
    kind = kinds.kind_key(typed)
    if kinds.is_known(app.conn, kind):
        return kind, None
    close = kinds.close_kind(app.conn, kind)
    if ask is None:
        return kind, f"new kind {kind!r}" + (f" (did you mean {close}?)" if close else "")
    if close is not None and ask(
        f"{kind!r} is a new kind of interaction; did you mean {close}?", True
    ):
        return close, None
    question = (
        f"create the new kind {kind!r}?"
        if close
        else f"{kind!r} is a new kind of interaction; create it?"
    )
    if ask(question, close is None):
        return kind, None
    raise InvalidInput(f"the new kind {kind!r} was not created; nothing was logged", _DECLINED)


def kinds_in_use(app: AppContext) -> list[kinds.KindCount]:
    """Every kind of interaction, how often each was logged, and when last."""
    return kinds.kind_counts(app.conn)


def log(
    app: AppContext,
    people: list[str],
    *,
    at: datetime,
    on: str | None = None,
    message: str = "",
    group: str | None = None,
    kind: str = "note",
    topics: list[str] | None = None,
    next_due: date | None = None,
    about: str | None = None,
    confirm: Confirm,
    ask_kind: AskKind | None = None,
) -> Logged:
    """Record an interaction with ``people`` (and every member of ``group``) at ``at``
    (``on``: how it was typed, for the error); with ``next_due``, plan a follow-up each."""
    if about is not None and next_due is None:
        raise InvalidInput("--about describes a follow-up", 'add --follow-up, e.g. "in 2 weeks"')
    if at > app.now + timedelta(minutes=1):
        raise InvalidInput(
            f"--on {on!r} is in the future",
            "log what has happened; use `pln remind` for what is owed",
        )
    if not people and not group:
        raise InvalidInput("name someone to log with", 'e.g. pln log Ana -m "coffee"')
    for typed, what in ((message, "note"), (about or "", "--about")):
        clean_text(typed, what)  # as typed: the service keeps what stored text holds
    kind, new_kind = checked_kind(app, kind, ask=ask_kind)
    note = next_note(about, message)
    with transaction(app.conn):
        refs = [find_person(app, p, confirm=confirm) for p in people]
        if group:
            found = ties.find_group(app.conn, group)
            refs += [m for m in ties.members(app.conn, found) if m not in refs]
            if not refs:
                raise InvalidInput(f"{found.name} has no members", "pln group add NAME PERSON ...")
        iid = svc.log_interaction(
            app.conn, refs, at=at, kind=kind, note=message, topics=topics or [], now=app.now
        )
        closed, still_open = svc.settle_first_followups(app.conn, refs, now=app.now)
        planned = (
            [
                svc.add_followup(app.conn, r, due=next_due, note=note, every=None, now=app.now)
                for r in refs
            ]
            if next_due is not None
            else []
        )
    return Logged(iid, at, kind, new_kind, refs, closed, still_open, planned, next_due, note)


def next_note(about: str | None, message: str) -> str:
    """The follow-up `log --follow-up` plans: what --about says, else what the contact was."""
    if about and about.strip():
        return about
    first = message.strip().splitlines()[0] if message.strip() else ""
    short = first if len(first) <= 60 else first[:57].rstrip() + "..."
    return f"Follow up on: {short}" if short else "Follow up"


def remind(
    app: AppContext,
    person: str,
    due: date,
    *,
    message: str = "",
    every: Interval | None = None,
    confirm: Confirm,
) -> Reminded:
    """A follow-up owed to PERSON, due on ``due``; with ``every``, a recurring one."""
    clean_text(message, "note")  # as typed: the service keeps what stored text holds
    with transaction(app.conn):
        ref = find_person(app, person, confirm=confirm)
        same = svc.same_open_followup(app.conn, ref, due=due, note=message, every=every)
        if same is not None:  # run twice: nothing to add
            return Reminded(ref, same, added=False)
        fid = svc.add_followup(app.conn, ref, due=due, note=message, every=every, now=app.now)
        row = views.get_followup(app.conn, fid)
    return Reminded(ref, row)


def _existing(app: AppContext, ids: list[int]) -> list[FollowUpRow]:
    """The follow-ups the ids name, as they are now; the first id naming none is the error."""
    return [views.get_followup(app.conn, fid) for fid in ids]


def done(app: AppContext, ids: list[int], *, log: bool = True) -> list[Moved]:
    """Mark follow-ups done (each logged as contact when ``log``): all of them, or none."""
    with transaction(app.conn):
        _existing(app, ids)  # before any change: an id this command creates is no id typed
        results = [
            svc.complete_followup(app.conn, fid, today=app.today, now=app.now, log=log)
            for fid in ids
        ]
        return [
            Moved(
                views.get_followup(app.conn, row.id),
                views.get_followup(app.conn, nid) if nid else None,
            )
            for row, nid in results
        ]


def snooze(app: AppContext, ids: list[int], until: date) -> list[Moved]:
    """Move follow-ups to ``until`` (a recurring series keeps its rhythm): all, or none."""
    with transaction(app.conn):
        # before any change: an id this command creates is no id typed
        already = {row.id for row in _existing(app, ids) if row.due == until}
        results = [
            svc.snooze_followup(app.conn, fid, until=until, today=app.today, now=app.now)
            for fid in ids
        ]
        return [
            Moved(row, views.get_followup(app.conn, nid) if nid else None, row.id not in already)
            for row, nid in results
        ]


def drop(app: AppContext, ids: list[int]) -> list[FollowUpRow]:
    """Drop follow-ups no longer intended (they stay in the history): all, or none."""
    with transaction(app.conn):
        for fid in ids:
            svc.drop_followup(app.conn, fid, now=app.now)
        return [views.get_followup(app.conn, fid) for fid in ids]


def reminders(app: AppContext, *, person: str | None, state: str) -> list[FollowUpRow]:
    """Follow-ups in ``state`` (open, done, dropped or all), of PERSON if given; soonest first."""
    if state not in STATES:
        raise InvalidInput(f"--state {state!r} is not known", "use open, done, dropped or all")
    ref = resolve(app.conn, person) if person else None
    return views.list_followups(app.conn, person=ref, state=state)
