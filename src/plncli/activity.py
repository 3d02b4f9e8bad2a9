"""Interactions and follow-ups: what happened with people, and what is owed to them."""

import sqlite3
from datetime import date, datetime
from typing import NamedTuple

from .dates import DateError, Interval, parse_interval
from .errors import InvalidInput
from .kinds import kind_key
from .resolve import PersonRef
from .store import activity as store
from .store.search import refresh_search
from .text import clean_line, clean_text, topic_key
from .ties import tie_everyone
from .views import FollowUpRow, get_followup, list_followups


def log_interaction(
    conn: sqlite3.Connection,
    people: list[PersonRef],
    *,
    at: datetime,
    kind: str,
    note: str,
    topics: list[str],
    now: datetime,
) -> int:
    """Record one interaction with one or several people; keep their last contact current.
    ``note`` is checked as typed by the command that took it (a share's, a done
    follow-up's and an introduction's are made from stored values)."""
    ids = _distinct(people)
    text = clean_text(note, "note", keep_invisible=True)
    iid = store.insert_interaction(conn, at=at, kind=kind_key(kind), note=text, now=now)
    store.add_participants(conn, iid, ids)
    for topic in topics:
        value = clean_line(topic, "topic")
        store.add_topic(conn, iid, topic_key(value), value)
    store.advance_last_contact(conn, ids, at)
    if len(ids) > 1:
        tie_everyone(conn, ids, since=at.astimezone().date(), source="interaction", now=now)
    refresh_search(conn, ids)
    return iid


def _distinct(people: list[PersonRef]) -> list[int]:
    ids: list[int] = []
    for person in people:
        if person.id in ids:
            raise InvalidInput(f"{person.name} is named twice", "name each person once")
        ids.append(person.id)
    return ids


def add_followup(
    conn: sqlite3.Connection,
    person: PersonRef,
    *,
    due: date,
    note: str,
    every: Interval | None,
    now: datetime,
    anchor: date | None = None,
) -> int:
    """A new follow-up; ``anchor``: the first day of the series it goes on (None: ``due``).
    ``note`` is checked as typed by the command that took it (a series' next one, and an
    introduction's check-in, carry stored text)."""
    return store.insert_followup(
        conn,
        person_id=person.id,
        due=due,
        note=clean_text(note, "note", keep_invisible=True),
        every=_every(every),
        now=now,
        anchor=None if anchor == due else anchor,
    )


def _every(every: Interval | None) -> str | None:
    return None if every is None else str(every)


def same_open_followup(
    conn: sqlite3.Connection, person: PersonRef, *, due: date, note: str, every: Interval | None
) -> FollowUpRow | None:
    """The open follow-up ``add_followup`` would make again (the same day, text as stored
    and rhythm), if the person has one: `pln remind` run twice."""
    wanted = (due, clean_text(note, "note", keep_invisible=True), _every(every))
    for row in list_followups(conn, person=person, state="open"):
        if (row.due, row.note, row.every) == wanted:
            return row
    return None


def _open(conn: sqlite3.Connection, fid: int) -> FollowUpRow:
    row = get_followup(conn, fid)
    if row.state != "open":
        raise InvalidInput(
            f"follow-up #{fid} is already {row.state}", "see `pln reminders` for open ones"
        )
    return row


def complete_followup(
    conn: sqlite3.Connection, fid: int, *, today: date, now: datetime, log: bool
) -> tuple[FollowUpRow, int | None]:
    """Mark done; a recurring one rolls forward to its next date after today.

    Returns the follow-up and the id of the next occurrence, if any. With ``log``,
    doing it counts as contact: an interaction of kind "follow-up" is recorded.
    """
    row = _open(conn, fid)
    _close(conn, fid, "done", now)
    next_id = _continue_series(conn, row, after=today, now=now)
    if log:
        log_interaction(
            conn, [row.person], at=now, kind="follow-up", note=row.note, topics=[], now=now
        )
    return row, next_id


def _continue_series(
    conn: sqlite3.Connection, row: FollowUpRow, *, after: date, now: datetime
) -> int | None:
    """Open the series' next occurrence: the first date on its rhythm after ``after``.

    The rhythm is the series' first day (its anchor) plus whole intervals, each counted
    from the anchor (no drift): 31 January monthly is 28 February, then 31 March, never
    the 28th for good. None when the row does not repeat, or the next one would fall
    after the year 9999.
    """
    if not row.every:
        return None
    interval = parse_interval(row.every)
    start = row.anchor or row.due
    following = _first_on_rhythm(start, interval, at_least=max(after, row.due), strictly=True)
    if following is None:
        return None
    return add_followup(
        conn, row.person, due=following, note=row.note, every=interval, now=now, anchor=start
    )


def _first_on_rhythm(
    start: date, interval: Interval, *, at_least: date, strictly: bool
) -> date | None:
    """The first ``start + k * interval`` (k >= 0) on or after ``at_least`` (after, if strictly).

    A binary search on k, so a daily series years overdue costs a few dozen steps.
    None when the calendar (year 9999) ends first.
    """

    def reached(k: int) -> bool:
        try:
            day = interval.add_to(start, k)
        except DateError:
            return True
        return day > at_least if strictly else day >= at_least

    high = 1
    while not reached(high):
        high *= 2
    low = 0
    while low < high:
        middle = (low + high) // 2
        if reached(middle):
            high = middle
        else:
            low = middle + 1
    try:
        return interval.add_to(start, low)
    except DateError:
        return None


def _close(conn: sqlite3.Connection, fid: int, state: str, now: datetime) -> None:
    store.close_followups(conn, [fid], state=state, now=now)


def drop_followup(conn: sqlite3.Connection, fid: int, *, now: datetime) -> FollowUpRow:
    row = _open(conn, fid)
    _close(conn, fid, "dropped", now)
    return row


def snooze_followup(
    conn: sqlite3.Connection, fid: int, *, until: date, today: date, now: datetime
) -> tuple[FollowUpRow, int | None]:
    """Move one follow-up to ``until``; a recurring series keeps its rhythm.

    Snoozing to a date on the series' rhythm just moves the follow-up (the
    occurrences in between are skipped). Otherwise only this occurrence moves: it
    becomes a one-off due ``until``, and the series goes on as a new follow-up at
    its next date on the rhythm (after the old due date and after today). Returns
    the snoozed follow-up and the id of the series' new follow-up, if one was opened.
    """
    row = _open(conn, fid)
    if row.due == until:  # due then already: nothing to move (and no change in the history)
        return row, None
    every, next_id = row.every, None
    start = row.anchor or row.due
    if (
        every
        and _first_on_rhythm(start, parse_interval(every), at_least=until, strictly=False) != until
    ):
        next_id = _continue_series(conn, row, after=today, now=now)
        every = None
    anchor = start if every and start != until else None  # a series moved keeps its anchor
    store.move_followup(conn, fid, due=until, every=every, anchor=anchor)
    moved = FollowUpRow(row.id, row.person, until, row.note, every, row.state, anchor=anchor)
    return moved, next_id


# The note `pln add --follow-up` gives the first follow-up it creates (cli/people.py).
FIRST_FOLLOWUP = "First follow-up"


class OwedRow(NamedTuple):
    id: int
    person: PersonRef
    due: date
    note: str


def settle_first_followups(
    conn: sqlite3.Connection, people: list[PersonRef], *, now: datetime
) -> tuple[list[OwedRow], list[OwedRow]]:
    """After contact is logged: close the automatic first follow-ups of these people (the
    contact is what they asked for) and return them, with the follow-ups still open."""
    rows = [
        OwedRow(r.id, PersonRef(r.person_id, r.person_name), date.fromisoformat(r.due), r.note)
        for r in store.open_followups_of(conn, [p.id for p in people])
    ]
    first = [
        r for r in rows if r.note == FIRST_FOLLOWUP or r.note.startswith(FIRST_FOLLOWUP + " after ")
    ]
    store.close_followups(conn, [r.id for r in first], state="done", now=now)
    return first, [r for r in rows if r not in first]
