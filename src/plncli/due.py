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
    items = [_followup_item(f, today) for f in followups if f.due <= horizon]
    parsed = {c: _interval(v) for c, v in cadences.items()}
    for person in people:
        if person.has_open_followup:
            continue
        item = _first_contact(person, today, first_contact_days) or _reconnect(
            person, today, parsed
        )
        if item is not None and item.due <= horizon:
            items.append(item)
    return sorted(items, key=_urgency)


def _urgency(item: DueItem) -> tuple[int, int, int, float, str]:
    if item.days_overdue >= 0:
        return (0, KIND_RANK[item.kind], 0, -item.weight, item.person.name)
    return (1, 0, -item.days_overdue, -item.weight, item.person.name)


def _interval(text: str | None) -> Interval | None:
    return None if text is None or text == "never" else parse_interval(text)


def _followup_item(f: OpenFollowUp, today: date) -> DueItem:
    what = f.note or "follow up"
    repeat = f" ({say_every(f.every)})" if f.every else ""
    overdue = (today - f.due).days
    return DueItem("follow-up", f.person, f.due, overdue, f"{what}{repeat}", f.id, float(overdue))


FIRST_CONTACT_WINDOW = 30  # days a missing first contact is flagged, from meeting or adding


def _first_contact(person: PersonState, today: date, grace: int) -> DueItem | None:
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
    met = humanize_day(person.met_on, today=today)
    reason = f"met at {person.met_at} {met}; no contact since"
    return DueItem("first-contact", person.ref, due, overdue, reason, None, float(overdue))


def _reconnect(
    person: PersonState, today: date, defaults: dict[str, Interval | None]
) -> DueItem | None:
    """Due when the cadence has run out since the last contact: the last interaction,
    or meeting at an event if that was later, or else the day they were added."""
    cadence = _interval(person.cadence) if person.cadence else defaults.get(person.circle)
    if cadence is None:
        return None
    met = person.met_on if person.met_at is not None else None
    contacts = [d for d in (person.last_contact, met) if d is not None]
    since = max(contacts) if contacts else person.added
    due = cadence.add_to(since)
    ago = humanize_day(since, today=today)
    if person.last_contact is not None and since == person.last_contact:
        what = f"last contact {ago}"
    elif met is not None and since == met:
        what = f"met at {person.met_at} {ago}; no contact since"
    else:
        what = f"no contact yet (added {ago})"
    ratio = (today - since).days / cadence.approx_days()
    reason = f"{what}; you aim for every {_say(cadence)}"
    return DueItem("reconnect", person.ref, due, (today - due).days, reason, None, ratio)


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
