"""Who needs attention: open follow-ups, reconnects and first contacts.

``due_items`` is pure: it gets plain rows and ``today`` and returns the list,
most urgent first. ``load_due_inputs`` reads those rows from the store.

Order: everything due today or earlier comes before anything upcoming. Among
what is due now, promised follow-ups first (most overdue first), then first
contacts after an event, then reconnects ranked by how far past their cadence
they are relative to it (120 days since contact on a 60-day cadence ranks above
20 days on a 14-day one). A person with an open follow-up is not also listed as
a reconnect or first contact: the follow-up is the plan.
"""

import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from functools import cache
from operator import itemgetter
from typing import NamedTuple

from .dates import Interval, humanize_day, parse_interval, say_every, say_span
from .resolve import PersonRef
from .store import activity as store
from .store import is_pg
from .topics import matching

KIND_RANK = {"follow-up": 0, "first-contact": 1, "reconnect": 2}


class PersonState(NamedTuple):
    ref: PersonRef
    circle: str
    cadence: str | None
    added: date
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


class DueItem(NamedTuple):
    kind: str
    person: PersonRef
    due: date
    days_overdue: int
    reason: str
    followup_id: int | None
    weight: float  # within a kind: larger is more urgent


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


def first_due(
    people: list[PersonState],
    followups: list[OpenFollowUp],
    *,
    today: date,
    horizon: date,
    cadences: dict[str, str],
    first_contact_days: int,
    limit: int | None = None,
) -> tuple[list[DueItem], int]:
    """The first ``limit`` of ``due_items`` (None: all of them), and how many there are.

    Everything is ranked, but only the items given get their reason in words: `pln due`
    shows 30 of the thousands a large book can have due (each reason costs a few dates
    said in words, most of the time the command spent deciding)."""
    ranked: list[tuple[tuple[int, int, int, float, str], DueItem, _Why | None]] = [
        (_urgency(item), item, None)
        for item in [_followup_item(f, today) for f in followups if f.due <= horizon]
    ]
    parsed = {c: _interval(v) for c, v in cadences.items()}
    for person in people:
        if person.has_open_followup:
            continue
        found = _first_contact(person, today, first_contact_days) or _reconnect(
            person, today, parsed
        )
        if found is not None and found[0].due <= horizon:
            ranked.append((_urgency(found[0]), *found))
    ranked.sort(key=itemgetter(0))
    shown = ranked if limit is None else ranked[:limit]
    items = [item if why is None else _explained(item, why, today) for _, item, why in shown]
    return items, len(ranked)


def _urgency(item: DueItem) -> tuple[int, int, int, float, str]:
    if item.days_overdue >= 0:
        return (0, KIND_RANK[item.kind], 0, -item.weight, item.person.name)
    return (1, 0, -item.days_overdue, -item.weight, item.person.name)


@cache
def _interval(text: str | None) -> Interval | None:
    return None if text is None or text == "never" else parse_interval(text)


@cache
def _every(every: str) -> str:
    return f" ({say_every(every)})"


def _followup_item(f: OpenFollowUp, today: date) -> DueItem:
    what = f.note or "follow up"
    repeat = _every(f.every) if f.every else ""
    overdue = (today - f.due).days
    return DueItem("follow-up", f.person, f.due, overdue, f"{what}{repeat}", f.id, float(overdue))


FIRST_CONTACT_WINDOW = 30  # days a missing first contact is flagged, from meeting or adding


class _Why(NamedTuple):
    """What a first contact's or a reconnect's reason says, before it is put in words."""

    form: str  # "first-contact", "last contact", "met", "added"
    since: date
    met_at: str | None
    cadence: Interval | None


def _explained(item: DueItem, why: _Why, today: date) -> DueItem:
    return item._replace(reason=_reason(why, today))


@cache
def _reason(why: _Why, today: date) -> str:
    ago = humanize_day(why.since, today=today)
    if why.form == "first-contact":
        return f"met at {why.met_at} {ago}; no contact since"
    if why.form == "last contact":
        what = f"last contact {ago}"
    elif why.form == "met":
        what = f"met at {why.met_at} {ago}; no contact since"
    else:
        what = f"no contact yet (added {ago})"
    assert why.cadence is not None
    return f"{what}; you aim for every {_say(why.cadence)}"


def _first_contact(person: PersonState, today: date, grace: int) -> tuple[DueItem, _Why] | None:
    """Someone met at an event (not someone you only follow) with no contact since.

    It is flagged for FIRST_CONTACT_WINDOW days from the meeting or, for someone
    added later (a conference caught up on weeks after), from the day they were
    added; after that they are due as a reconnect."""
    if person.met_at is None or person.met_on is None or person.circle == "following":
        return None
    if (today - max(person.met_on, person.added)).days > FIRST_CONTACT_WINDOW:
        return None
    if person.last_contact is not None and person.last_contact >= person.met_on:
        return None
    due = person.met_on + timedelta(days=grace)
    overdue = (today - due).days
    why = _Why("first-contact", person.met_on, person.met_at, None)
    return DueItem("first-contact", person.ref, due, overdue, "", None, float(overdue)), why


def _reconnect(
    person: PersonState, today: date, defaults: dict[str, Interval | None]
) -> tuple[DueItem, _Why] | None:
    """Due when the cadence has run out since the last contact: the last interaction,
    or meeting at an event if that was later, or else the day they were added."""
    cadence = _interval(person.cadence) if person.cadence else defaults.get(person.circle)
    if cadence is None:
        return None
    met = person.met_on if person.met_at is not None else None
    contacts = [d for d in (person.last_contact, met) if d is not None]
    since = max(contacts) if contacts else person.added
    due = cadence.add_to(since)
    if person.last_contact is not None and since == person.last_contact:
        form = "last contact"
    elif met is not None and since == met:
        form = "met"
    else:
        form = "added"
    ratio = (today - since).days / cadence.approx_days()
    why = _Why(form, since, person.met_at if form == "met" else None, cadence)
    return DueItem("reconnect", person.ref, due, (today - due).days, "", None, ratio), why


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
) -> tuple[list[PersonState], list[OpenFollowUp]]:
    """Read the rows ``due_items`` needs: open follow-ups, and the people who may be due.

    The people are narrowed in SQL by a bound that can only over-include (a month
    counts as 28 days, a day of slack for time zones), so a book of 100,000
    people loads the few hundred that may be due, and ``due_items`` decides.
    """
    where = store.due_filter(
        circle,
        matching(conn, topic, synonyms or {}) if topic else None,
        pg=is_pg(conn),
    )
    people = [
        PersonState(
            PersonRef(r.id, r.name),
            r.circle,
            r.cadence,
            date.fromisoformat(r.added),
            date.fromisoformat(r.last_contact) if r.last_contact else None,
            date.fromisoformat(r.met_on) if r.met_on else None,
            r.met_at,
            False,
        )
        for r in store.maybe_due_people(
            conn,
            where,
            met_before=horizon - timedelta(days=first_contact_days) + _SLACK,
            circle_bounds=_circle_bounds(horizon, cadences),
        )
    ]
    followups = [
        OpenFollowUp(
            r.id, PersonRef(r.person_id, r.person_name), date.fromisoformat(r.due), r.note, r.every
        )
        for r in store.open_followups_due(conn, where, by=horizon)
    ]
    return people, followups


_SLACK = timedelta(days=2)  # a day of slack for time zones, and one more


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
