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
from .topics import MATCHES, matching

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


# The local calendar days of when a person was added and last contacted. SQLite's
# 'localtime' and Python's astimezone() both ask the C library, so they agree.
LOCAL_DAYS = "date(p.created_at, 'localtime'), date(p.last_contact_at, 'localtime')"


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
    where, args = ["p.archived_at IS NULL"], []
    if circle:
        where.append("p.circle = ?")
        args.append(circle)
    if topic:
        where.append(
            "p.id IN (SELECT person_id FROM person_attr"
            f" WHERE kind IN ('topic', 'offers', 'seeks') AND {MATCHES})"
        )
        args.append(matching(conn, topic, synonyms or {}))
    cond = " AND ".join(where)
    maybe, maybe_args = _maybe_due(horizon, cadences, first_contact_days)
    people = [
        PersonState(
            PersonRef(r[0], r[1]),
            r[2],
            r[3],
            date.fromisoformat(r[4]),
            date.fromisoformat(r[5]) if r[5] else None,
            date.fromisoformat(r[6]) if r[6] else None,
            r[7],
            False,
        )
        for r in conn.execute(
            "SELECT p.id, p.name, p.circle, p.cadence, " + LOCAL_DAYS + ","
            " p.met_on, e.name FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
            f" WHERE {cond} AND NOT EXISTS (SELECT 1 FROM followup f"
            "   WHERE f.person_id = p.id AND f.state = 'open') AND " + maybe,
            [*args, *maybe_args],
        )
    ]
    followups = [
        OpenFollowUp(r[0], PersonRef(r[1], r[2]), date.fromisoformat(r[3]), r[4], r[5])
        for r in conn.execute(
            "SELECT f.id, p.id, p.name, f.due, f.note, f.every FROM followup f"
            " JOIN person p ON p.id = f.person_id"
            f" WHERE f.state = 'open' AND f.due <= ? AND {cond}",
            [horizon.isoformat(), *args],
        )
    ]
    return people, followups


def _maybe_due(
    horizon: date, cadences: dict[str, str], first_contact_days: int
) -> tuple[str, list[str]]:
    """SQL that keeps every person who might be due by ``horizon`` (and a few more)."""
    slack = timedelta(days=2)
    met_cut = horizon - timedelta(days=first_contact_days) + slack
    clauses = [
        "(p.met_at_id IS NOT NULL AND p.met_on < ?"
        " AND (p.last_contact_at IS NULL OR p.last_contact_at < date(p.met_on, '+1 day')))",
        "(p.cadence IS NOT NULL AND p.cadence != 'never')",
    ]
    args = [met_cut.isoformat()]
    for circle_name, text in sorted(cadences.items()):
        interval = _interval(text)
        if interval is None:
            continue
        least = timedelta(days=interval.months * 28 + interval.days)
        clauses.append(
            "(p.cadence IS NULL AND p.circle = ? AND coalesce(p.last_contact_at,"
            " min(p.created_at, coalesce(p.met_on, p.created_at))) < ?)"
        )
        args += [circle_name, (horizon - least + slack).isoformat()]
    return "(" + " OR ".join(clauses) + ")", args
