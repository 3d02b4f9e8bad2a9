"""Read-only views of the store: list, show, events, find."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date, datetime

from .db import from_db_time
from .errors import InvalidInput, NotFound
from .lean import TYPE_CHECKING, NamedTuple
from .resolve import PersonRef
from .store import activity as activity_store
from .store import views as store
from .ties import Acquaintance, acquaintances

if TYPE_CHECKING:
    from typing import Any

SORTS = store.SORTS


class FollowUpRow(NamedTuple):
    id: int
    person: PersonRef
    due: date
    note: str
    every: str | None
    state: str
    closed: datetime | None = None  # when it was done or dropped (UTC)
    anchor: date | None = None  # a series' first day: its rhythm counts from it (None: due)


def _row(r: Any) -> FollowUpRow:
    """A follow-up from its store row (``store.activity.FOLLOWUP_COLUMNS``)."""
    return FollowUpRow(
        r.id,
        PersonRef(r.person_id, r.person_name),
        date.fromisoformat(r.due),
        r.note,
        r.every,
        r.state,
        from_db_time(r.closed_at),
        date.fromisoformat(r.anchor) if r.anchor else None,
    )


def get_followup(conn: sqlite3.Connection, fid: int) -> FollowUpRow:
    row = None if not 0 < fid < 2**63 else activity_store.followup(conn, fid)
    if row is None:
        raise NotFound(f"there is no follow-up #{fid}", "see `pln reminders` for their ids")
    return _row(row)


def list_followups(
    conn: sqlite3.Connection, *, person: PersonRef | None = None, state: str = "open"
) -> list[FollowUpRow]:
    found = activity_store.followups(
        conn, person_id=None if person is None else person.id, state=state
    )
    return [_row(r) for r in found]


class PersonRow(NamedTuple):
    id: int
    name: str
    org: str | None
    circle: str
    last_contact: date | None
    added: date
    archived: bool
    attrs: dict[str, list[str]]


class TimelineEntry(NamedTuple):
    id: int
    at: datetime
    kind: str
    note: str
    with_: list[str]
    topics: list[str]


class OutcomeEntry(NamedTuple):
    """The recorded outcome of an introduction of this person, for their timeline."""

    introduction: int
    at: datetime
    other: PersonRef
    outcome: str
    note: str


class Profile(NamedTuple):
    row: PersonRow
    role: str | None
    location: str | None
    cadence: str | None
    met_at: str | None
    met_on: date | None
    introduced_by: PersonRef | None
    notes: str
    followups: list[FollowUpRow]
    timeline: list[TimelineEntry]
    birthday: date | None
    knows: list[Acquaintance]
    outcomes: list[OutcomeEntry]
    done: list[FollowUpRow]  # done follow-ups, newest first
    met_on_precision: str | None = None  # "year"/"month": met_on is that period's first day
    uid: str | None = None  # RFC 6350 UID (the vCard export's, matched by the import)
    shares: tuple[Any, ...] = ()  # resources.PersonShare: what went each way, newest first


def _person_row(r: Any, attrs: dict[str, list[str]]) -> PersonRow:
    """A person from a row of ``store.views.PERSON_COLUMNS``."""
    return PersonRow(
        r.id,
        r.name,
        r.org,
        r.circle,
        date.fromisoformat(r.last_contact) if r.last_contact else None,
        date.fromisoformat(r.added),
        r.archived_at is not None,
        attrs,
    )


def list_people(
    conn: sqlite3.Connection,
    *,
    filters: dict[str, str | None],
    sort: str = "name",
    archived: bool = False,
    kinds: tuple[str, ...] | None = None,
    synonyms: Mapping[str, str] | None = None,
) -> list[PersonRow]:
    """People matching ``filters``, with their ``kinds`` of attributes (None: all)."""
    filters = topic_keys(conn, filters, synonyms)
    found, attrs = store.people(conn, filters=filters, sort=sort, archived=archived, kinds=kinds)
    return [_person_row(r, attrs.get(r.id, {})) for r in found]


def topic_keys(
    conn: sqlite3.Connection, filters: dict[str, str | None], synonyms: Mapping[str, str] | None
) -> dict[str, str | None]:
    """``filters`` with its topic as the stored topics it matches (``topics.matching``)."""
    if filters.get("topic") is None:
        return filters
    from .topics import matching  # only a --topic loads the topic words

    return {**filters, "topic": matching(conn, str(filters["topic"]), synonyms or {})}


def profile(conn: sqlite3.Connection, person: PersonRef, *, limit: int | None) -> Profile:
    from .resources import shares_of  # (resources imports activity, which imports this)

    r = store.person_profile(conn, person.id)
    return Profile(
        _person_row(r, store.attributes_of(conn, person.id)),
        r.role,
        r.location,
        r.cadence,
        r.met_at,
        date.fromisoformat(r.met_on) if r.met_on else None,
        PersonRef(r.introduced_by_id, r.introduced_by_name) if r.introduced_by_id else None,
        r.notes,
        list_followups(conn, person=person),
        timeline(conn, person.id, limit=limit),
        date.fromisoformat(r.birthday) if r.birthday else None,
        acquaintances(conn, person),
        intro_outcomes(conn, person.id),
        done_followups(conn, person.id, limit=limit),
        r.met_on_precision,
        r.uid,
        tuple(shares_of(conn, person.id)),
    )


def done_followups(conn: sqlite3.Connection, pid: int, *, limit: int | None) -> list[FollowUpRow]:
    """This person's done follow-ups, the most recently done first."""
    return [_row(r) for r in activity_store.done_followups(conn, pid, limit=limit)]


def intro_outcomes(conn: sqlite3.Connection, pid: int) -> list[OutcomeEntry]:
    """Outcomes of this person's introductions, newest first (an introduction changes
    only by its outcome once made, so its updated_at is when the outcome was recorded)."""
    return [
        OutcomeEntry(
            r.id,
            from_db_time(r.updated_at) or datetime.min,
            PersonRef(r.other_id, r.other_name),
            r.outcome,
            r.outcome_note,
        )
        for r in store.intro_outcomes(conn, pid)
    ]


def timeline(conn: sqlite3.Connection, pid: int, *, limit: int | None) -> list[TimelineEntry]:
    """This person's interactions, newest first, with who else was there and the topics."""
    others: dict[int, list[str]] = {}
    for o in store.others_in_interactions(conn, pid, limit=limit):
        others.setdefault(o.interaction_id, []).append(o.name)
    topics: dict[int, list[str]] = {}
    for t in store.topics_of_interactions(conn, pid, limit=limit):
        topics.setdefault(t.interaction_id, []).append(t.topic)
    return [
        TimelineEntry(
            r.id,
            from_db_time(r.at) or datetime.min,
            r.kind,
            r.note,
            others.get(r.id, []),
            topics.get(r.id, []),
        )
        for r in store.interactions_of(conn, pid, limit=limit)
    ]


class EventRow(NamedTuple):
    id: int
    name: str
    on: date | None
    place: str | None
    met: int
    no_contact_since: int


def list_events(conn: sqlite3.Connection) -> list[EventRow]:
    return [
        EventRow(
            r.id,
            r.name,
            date.fromisoformat(r.on) if r.on else None,
            r.place,
            r.met,
            r.no_contact_since,
        )
        for r in store.events_with_counts(conn)
    ]


class SearchHit(NamedTuple):
    person: PersonRef
    org: str | None
    archived: bool
    snippet: str


def find(
    conn: sqlite3.Connection, text: str, *, limit: int, archived: bool = False
) -> list[SearchHit]:
    words = [w for w in text.replace('"', " ").split() if w]
    if not words:
        raise InvalidInput("nothing to search for", "give a word, e.g. `pln find assessment`")
    found = store.search(conn, words, limit=limit, archived=archived)
    return [SearchHit(PersonRef(r.id, r.name), r.org, bool(r.archived), r.snippet) for r in found]
