"""Who needs attention: open follow-ups, reconnects and first contacts.

``due_items`` is pure: it gets plain rows and ``today`` and returns the list,
most urgent first. ``load_due_inputs`` reads those rows from the store.

Order: everything due today or earlier comes before anything upcoming. Among
what is due now, promised follow-ups first (most overdue first), then first
contacts after an event, then reconnects ranked by how far past their cadence
they are relative to it (120 days since contact on a 60-day cadence ranks above
20 days on a 14-day one). A person with an open follow-up is not also listed as
a reconnect or first contact: the follow-up is the plan.

A group's dated reading (``DueReading``) ranks after follow-ups, owed to the group. A
reconnect shown may carry a resource added in the last ``RECENT_DAYS`` on one of the
person's topics or seeks, not yet shared either way (``reads``, ``resources.share_hints``):
something to share is the kindest reason to get in touch.

Birthdays (``load_birthdays``, then ``first_due``) are a kind of their own, listed only
when asked for (`pln due --within`, or ``birthdays = "always"`` in the config): each
person's next birthday from today to the horizon, 29 February on 28 February in a
common year (``birthdays.py``). A birthday is never overdue: once past it is next year's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from operator import itemgetter

from .dates import Interval, humanize_day, parse_interval, say_every, say_span
from .lean import NamedTuple
from .resolve import PersonRef
from .store import activity as store
from .store import is_pg

RECENT_DAYS = 30  # a resource added lately: suggested to share with a reconnect on its topic
KIND_RANK = {"follow-up": 0, "reading": 1, "birthday": 2, "first-contact": 3, "reconnect": 4}


class PersonState(NamedTuple):
    ref: PersonRef
    circle: str
    cadence: str | None
    added: date | None  # None: not needed (a last contact, and not met at an event)
    last_contact: date | None
    met_on: date | None
    met_at: str | None
    has_open_followup: bool


class OpenFollowUp(NamedTuple):
    id: int
    person: PersonRef
    due: date
    note: str
    every: str | None
    anchor: date | None = None  # a series' first day: its rhythm counts from it (None: due)


class DueReading(NamedTuple):
    """A group's dated reading, not yet done: due for you on its day (``resources.py``)."""

    id: int
    group: PersonRef  # the group's id and name (a reading is owed to a group, not a person)
    title: str
    due: date


class DueItem(NamedTuple):
    kind: str
    person: PersonRef  # a reading: the group
    due: date
    days_overdue: int
    reason: str
    followup_id: int | None
    weight: float  # within a kind: larger is more urgent
    reading_id: int | None = None
    share: tuple[int, str] | None = None  # a reconnect: a new resource to share (id, title)
    birthday: date | None = None  # kind "birthday": the stored birthday (year 1604: no year)


class Birthday(NamedTuple):
    person: PersonRef
    birthday: date  # as stored (``birthdays.NO_YEAR`` when the year is not known)


def due_items(
    people: list[PersonState],
    followups: list[OpenFollowUp],
    *,
    today: date,
    horizon: date,
    cadences: dict[str, str],
    first_contact_days: int,
) -> list[DueItem]:
    return first_due(
        people,
        followups,
        today=today,
        horizon=horizon,
        cadences=cadences,
        first_contact_days=first_contact_days,
    )[0]


# What a first contact's or a reconnect's reason says, before it is put in words: the form
# ("first-contact", "last contact", "met", "added"), the day since, the event, the cadence.
# A plain tuple: thousands are made, and a NamedTuple's constructor runs Python code.
_Why = tuple[str, date, str | None, Interval | None]

# A candidate, ranked before it is put in words: its sort key, then DueItem's fields
# but the reason, then what the reason says (the follow-up, or a first contact's or a
# reconnect's ``_Why``).
Ranked = tuple[
    tuple[int, int, int, float, str],
    str,
    PersonRef,
    date,
    int,
    float,
    int | None,
    OpenFollowUp | DueReading | _Why,
]


def first_due(
    people: list[PersonState],
    followups: list[OpenFollowUp],
    *,
    today: date,
    horizon: date,
    cadences: dict[str, str],
    first_contact_days: int,
    limit: int | None = None,
    readings: list[DueReading] | None = None,
    birthdays: Sequence[Birthday] = (),
) -> tuple[list[DueItem], int]:
    """The first ``limit`` of ``due_items`` (None: all of them), and how many there are.

    Everything is ranked, but only the items given are made, with their reason in words:
    `pln due` shows 30 of the thousands a large book can have due."""
    ranked = ranked_due(
        people,
        followups,
        today=today,
        horizon=horizon,
        cadences=cadences,
        first_contact_days=first_contact_days,
        readings=readings,
        birthdays=birthdays,
    )
    return items_of(ranked if limit is None else ranked[:limit], today), len(ranked)


def items_of(ranked: list[Ranked], today: date) -> list[DueItem]:
    """Ranked candidates as DueItems, with their reasons in words."""
    return [
        DueItem(
            kind,
            ref,
            due,
            (today - due).days,
            reason(why, today),
            fid,
            weight,
            reading_id=why.id if isinstance(why, DueReading) else None,
            birthday=_born(why),
        )
        for _, kind, ref, due, _, weight, fid, why in ranked
    ]


def ranked_due(
    people: list[PersonState],
    followups: list[OpenFollowUp],
    *,
    today: date,
    horizon: date,
    cadences: dict[str, str],
    first_contact_days: int,
    readings: list[DueReading] | None = None,
    birthdays: Sequence[Birthday] = (),
) -> list[Ranked]:
    """Every candidate due by ``horizon``, in ``due_items``' order, not yet put in words
    (``reason`` does that): `pln due --json` writes thousands of them straight out."""
    ranked = [
        _ranked("follow-up", f.person, f.due, today, float((today - f.due).days), f.id, f)
        for f in followups
        if f.due <= horizon
    ]
    ranked += [
        _ranked("reading", r.group, r.due, today, float((today - r.due).days), None, r)
        for r in readings or ()
        if r.due <= horizon
    ]
    defaults = {c: _interval(v) for c, v in cadences.items()}
    grace = timedelta(days=first_contact_days)
    spans: dict[Interval, float] = {}  # a cadence's length in days (``Interval.approx_days``)
    rank = KIND_RANK["reconnect"]
    for person in people:
        ref, circle, own, added, last, _met_on, met_at, has_open_followup = person
        if has_open_followup:
            continue
        if met_at is not None:  # maybe a first contact; else a reconnect since meeting
            found = _first_contact(person, today, grace) or _reconnect(person, today, defaults)
            if found is not None and found[3] <= horizon:
                ranked.append(found)
            continue
        # Not met at an event: a reconnect or nothing, as ``_reconnect`` ranks one, written
        # out here for the thousands a large book has (a call and a lookup less each).
        cadence = _interval(own) if own else defaults.get(circle)
        if cadence is None:
            continue
        why: _Why
        if last is not None:
            since, why = last, ("last contact", last, None, cadence)
        else:
            assert added is not None  # read for everyone with no last contact
            since, why = added, ("added", added, None, cadence)
        due = _after(cadence, since)
        if due > horizon:
            continue
        span = spans.get(cadence)
        if span is None:
            span = spans[cadence] = cadence.approx_days()
        weight = (today - since).days / span
        overdue = (today - due).days
        key = (
            (0, rank, 0, -weight, ref.name) if overdue >= 0 else (1, 0, -overdue, -weight, ref.name)
        )
        ranked.append((key, "reconnect", ref, due, overdue, weight, None, why))
    ranked += _birthdays(birthdays, today, horizon)
    ranked.sort(key=itemgetter(0))
    return ranked


def _birthdays(birthdays: Sequence[Birthday], today: date, horizon: date) -> list[Ranked]:
    """Each person's next birthday from today to the horizon, soonest first."""
    if not birthdays:
        return []
    from . import birthdays as bd  # only when birthdays are asked for (`pln due --within`)

    found = []
    for b in birthdays:
        on = bd.next_on_or_after(b.birthday, today)
        if on <= horizon:
            why = ("birthday", b.birthday, None, None)
            found.append(_ranked("birthday", b.person, on, today, 0.0, None, why))
    return found


def _born(why: OpenFollowUp | DueReading | _Why) -> date | None:
    if isinstance(why, OpenFollowUp | DueReading):
        return None
    return why[1] if why[0] == "birthday" else None


def _ranked(
    kind: str,
    ref: PersonRef,
    due: date,
    today: date,
    weight: float,
    fid: int | None,
    why: OpenFollowUp | DueReading | _Why,
) -> Ranked:
    """A candidate with its place in the order: everything due today or earlier first
    (by kind, then most urgent first), then what is upcoming, soonest first."""
    overdue = (today - due).days
    if overdue >= 0:
        key = (0, KIND_RANK[kind], 0, -weight, ref.name)
    else:
        key = (1, 0, -overdue, -weight, ref.name)
    return key, kind, ref, due, overdue, weight, fid, why


@cache
def _interval(text: str | None) -> Interval | None:
    return None if text is None or text == "never" else parse_interval(text)


FIRST_CONTACT_WINDOW = 30  # days a missing first contact is flagged, from meeting or adding
# a meeting more days than this before the person was added is history (someone met years ago,
# brought in by an import), not a first contact owed: they are due as a reconnect
LATE_ADD_DAYS = 90


def reason(why: OpenFollowUp | DueReading | _Why, today: date) -> str:
    """A ranked candidate's reason in words (``DueItem.reason``)."""
    if isinstance(why, OpenFollowUp):
        return (why.note or "follow up") + (_every(why.every) if why.every else "")
    if isinstance(why, DueReading):
        return f"group reading: {why.title}"
    return _said(why, today)


@cache
def _every(every: str) -> str:
    return f" ({say_every(every)})"


@cache
def _said(why: _Why, today: date) -> str:
    form, since, met_at, cadence = why
    if form == "birthday":
        from . import birthdays as bd

        age = bd.turns(since, bd.next_on_or_after(since, today))
        return "birthday" if age is None else f"birthday: turns {age}"
    ago = humanize_day(since, today=today)
    if form == "first-contact":
        return f"met at {met_at} {ago}; no contact since"
    if form == "last contact":
        what = f"last contact {ago}"
    elif form == "met":
        what = f"met at {met_at} {ago}; no contact since"
    else:
        what = f"no contact yet (added {ago})"
    assert cadence is not None
    return f"{what}; you aim for every {_say(cadence)}"


def _first_contact(person: PersonState, today: date, grace: timedelta) -> Ranked | None:
    """Someone met at an event (not someone you only follow) with no contact since.

    It is flagged for FIRST_CONTACT_WINDOW days from the meeting or, for someone
    added later (a conference caught up on weeks after), from the day they were
    added; after that they are due as a reconnect. Someone added more than
    LATE_ADD_DAYS after the meeting is never a first contact."""
    met_on = person.met_on
    if person.met_at is None or met_on is None or person.circle == "following":
        return None
    assert person.added is not None  # read for everyone met at an event
    if (person.added - met_on).days > LATE_ADD_DAYS:
        return None
    if (today - max(met_on, person.added)).days > FIRST_CONTACT_WINDOW:
        return None
    if person.last_contact is not None and person.last_contact >= met_on:
        return None
    due = met_on + grace
    why = ("first-contact", met_on, person.met_at, None)
    return _ranked("first-contact", person.ref, due, today, float((today - due).days), None, why)


def _reconnect(
    person: PersonState, today: date, defaults: dict[str, Interval | None]
) -> Ranked | None:
    """Due when the cadence has run out since the last contact: the last interaction,
    or meeting at an event if that was later, or else the day they were added."""
    cadence = _interval(person.cadence) if person.cadence else defaults.get(person.circle)
    if cadence is None:
        return None
    last = person.last_contact
    met = person.met_on if person.met_at is not None else None
    why: _Why
    if last is not None and (met is None or last >= met):
        since, why = last, ("last contact", last, None, cadence)
    elif met is not None:
        since, why = met, ("met", met, person.met_at, cadence)
    else:
        assert person.added is not None  # read for everyone with no last contact
        since, why = person.added, ("added", person.added, None, cadence)
    ratio = (today - since).days / cadence.approx_days()
    return _ranked("reconnect", person.ref, _after(cadence, since), today, ratio, None, why)


def past_cadence(
    person: PersonState, today: date, cadences: dict[str, str]
) -> tuple[date, float] | None:
    """When the person's cadence runs out (``pln due`` lists them as a reconnect from that
    day, unless a follow-up is the plan) and how far past it they are relative to it (the
    ratio ``pln due`` ranks by: 120 days on a 60-day cadence is 2.0); None: no cadence.
    For `pln stats`, which counts by the same rule."""
    defaults = {c: _interval(v) for c, v in cadences.items()}
    found = _reconnect(person, today, defaults)
    return None if found is None else (found[3], found[5])


@cache
def _after(cadence: Interval, since: date) -> date:
    return cadence.add_to(since)


@cache
def _say(interval: Interval) -> str:
    """The cadence after "every": "month", "2 weeks", "60 days", "1 month 2 weeks"."""
    span = say_span(interval)
    return span[2:] if span.startswith("1 ") and span.count(" ") == 1 else span


def local_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).replace(tzinfo=UTC).astimezone().date()


def load_due_inputs(
    conn: sqlite3.Connection,
    *,
    horizon: date,
    cadences: dict[str, str],
    first_contact_days: int,
    circle: str | None = None,
    topic: str | None = None,
    synonyms: Mapping[str, str] | None = None,
    where: tuple[str, list[str]] | None = None,
    followups_by: date | None = None,
) -> tuple[list[PersonState], list[OpenFollowUp]]:
    """Read the rows ``due_items`` needs: open follow-ups (due by ``followups_by``, else
    by ``horizon``), and the people who may be due.

    The people are narrowed in SQL by a bound that can only over-include (a month
    counts as 28 days, a day of slack for time zones), so a book of 100,000
    people loads the few hundred that may be due, and ``due_items`` decides.
    """
    if where is None:
        where = due_where(conn, circle=circle, topic=topic, synonyms=synonyms)
    # thousands of rows at 10,000 people: each PersonState, OpenFollowUp and PersonRef made as
    # the tuple it is (a NamedTuple's own constructor is Python code)
    new, day = tuple.__new__, date.fromisoformat
    people: list[PersonState] = [
        new(
            PersonState,
            (
                new(PersonRef, (r.id, r.name, None)),
                r.circle,
                r.cadence,
                day(r.added) if r.added else None,
                day(r.last_contact) if r.last_contact else None,
                day(r.met_on) if r.met_on else None,
                r.met_at,
                False,
            ),
        )
        for r in store.maybe_due_people(
            conn,
            where,
            met_before=horizon - timedelta(days=first_contact_days) + _SLACK,
            circle_bounds=_circle_bounds(horizon, cadences),
        )
    ]
    followups: list[OpenFollowUp] = [
        new(
            OpenFollowUp,
            (
                r.id,
                new(PersonRef, (r.person_id, r.person_name, None)),
                day(r.due),
                r.note,
                r.every,
                day(r.anchor) if r.anchor else None,
            ),
        )
        for r in store.open_followups_due(conn, where, by=followups_by or horizon)
    ]
    return people, followups


def due_where(
    conn: sqlite3.Connection,
    *,
    circle: str | None = None,
    topic: str | None = None,
    synonyms: Mapping[str, str] | None = None,
) -> tuple[str, list[str]]:
    """The condition on ``person p`` for --circle and --topic (and not archived); a
    --topic with no word in it ("") is refused, not read as no --topic."""
    if topic is not None:
        from .topics import matching  # only a --topic loads the topic words

        return store.due_filter(circle, matching(conn, topic, synonyms or {}), pg=is_pg(conn))
    return store.due_filter(circle, None, pg=is_pg(conn))


def load_birthdays(
    conn: sqlite3.Connection, where: tuple[str, list[str]], *, start: date, end: date
) -> list[Birthday]:
    """The people matching ``where`` whose birthday falls from ``start`` to ``end`` (the
    book narrows them by month and day; ``due`` with a window of a year or more reads
    every birthday)."""
    from . import birthdays as bd

    return [
        Birthday(PersonRef(r.id, r.name), bd.from_stored(r.birthday))
        for r in store.birthdays_on(conn, where, bd.month_days(start, end))
    ]


_SLACK = timedelta(days=2)  # a day of slack for time zones, and one more


def load_due_readings(conn: sqlite3.Connection, *, horizon: date) -> list[DueReading]:
    """Groups' dated readings not yet done, due by ``horizon``."""
    from .store import resources

    return [
        DueReading(r.id, PersonRef(r.group_id, r.group_name), r.title, date.fromisoformat(r.due))
        for r in resources.readings_due(conn, by=horizon.isoformat())
    ]


def _circle_bounds(horizon: date, cadences: dict[str, str]) -> list[tuple[str, date]]:
    """Per circle on a cadence: the day before which its last contact must fall for it
    to be due by ``horizon`` (a month counted as 28 days, so it can only over-include)."""
    bounds = []
    for circle_name, text in sorted(cadences.items()):
        interval = _interval(text)
        if interval is not None:
            least = timedelta(days=interval.months * 28 + interval.days)
            bounds.append((circle_name, horizon - least + _SLACK))
    return bounds
