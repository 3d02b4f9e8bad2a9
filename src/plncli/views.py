"""Read-only views of the store: list, show, events, find."""

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from .db import from_db_time
from .errors import InvalidInput, NotFound
from .resolve import PersonRef
from .text import fold
from .ties import Acquaintance, acquaintances
from .topics import MATCHES, matching

SORTS = ("name", "last-contact", "added")


class FollowUpRow(NamedTuple):
    id: int
    person: PersonRef
    due: date
    note: str
    every: str | None
    state: str
    closed: datetime | None = None  # when it was done or dropped (UTC)


_FOLLOWUP_SELECT = (
    "SELECT f.id, p.id, p.name, f.due, f.note, f.every, f.state, f.closed_at"
    " FROM followup f JOIN person p ON p.id = f.person_id"
)


def _row(r: tuple[int, int, str, str, str, str | None, str, str | None]) -> FollowUpRow:
    return FollowUpRow(
        r[0], PersonRef(r[1], r[2]), date.fromisoformat(r[3]), r[4], r[5], r[6], from_db_time(r[7])
    )


def get_followup(conn: sqlite3.Connection, fid: int) -> FollowUpRow:
    row = (
        None
        if not 0 < fid < 2**63
        else conn.execute(f"{_FOLLOWUP_SELECT} WHERE f.id = ?", (fid,)).fetchone()
    )
    if row is None:
        raise NotFound(f"there is no follow-up #{fid}", "see `pln reminders` for their ids")
    return _row(row)


def list_followups(
    conn: sqlite3.Connection, *, person: PersonRef | None = None, state: str = "open"
) -> list[FollowUpRow]:
    where, args = ["p.archived_at IS NULL"], []
    if state != "all":
        where.append("f.state = ?")
        args.append(state)
    if person is not None:
        where.append("p.id = ?")
        args.append(str(person.id))
    sql = f"{_FOLLOWUP_SELECT} WHERE {' AND '.join(where)} ORDER BY f.due, f.id"
    return [_row(r) for r in conn.execute(sql, args)]


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


_PERSON_COLS = (
    "p.id, p.name, p.org, p.circle, date(p.last_contact_at, 'localtime'),"
    " date(p.created_at, 'localtime'), p.archived_at"
)


def _person_row(r: tuple[object, ...]) -> PersonRow:
    last = str(r[4]) if r[4] else None
    return PersonRow(
        int(str(r[0])),
        str(r[1]),
        r[2] if r[2] is None else str(r[2]),
        str(r[3]),
        date.fromisoformat(last) if last else None,
        date.fromisoformat(str(r[5])),
        r[6] is not None,
        {},
    )


def _attach_attrs(
    conn: sqlite3.Connection,
    rows: list[PersonRow],
    where: str,
    args: tuple[object, ...],
    kinds: tuple[str, ...] | None = None,
) -> None:
    """Fill ``attrs`` of the people selected by ``where`` (the query that found them)."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    only = f" AND a.kind IN ({','.join('?' * len(kinds))})" if kinds else ""
    for pid, kind, value in conn.execute(
        "SELECT a.person_id, a.kind, a.value FROM person_attr a JOIN person p ON p.id = a.person_id"
        f" WHERE {where}{only} ORDER BY a.id",
        (*args, *(kinds or ())),
    ):
        by_id[pid].attrs.setdefault(kind, []).append(value)


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
    where = ["p.archived_at IS NOT NULL" if archived else "p.archived_at IS NULL"]
    args: list[str] = []
    for name, value in filters.items():
        if value:
            clause, arg = _FILTERS[name]
            where.append(clause)
            args.append(matching(conn, value, synonyms or {}) if name == "topic" else arg(value))
    order = {
        "name": "p.name_key",
        "last-contact": "p.last_contact_at IS NOT NULL, p.last_contact_at, p.name_key",
        "added": "p.created_at DESC, p.id DESC",
    }[sort]
    cond = " AND ".join(where)
    rows = [
        _person_row(r)
        for r in conn.execute(
            f"SELECT {_PERSON_COLS} FROM person p WHERE {cond} ORDER BY {order}", args
        )
    ]
    _attach_attrs(conn, rows, cond, tuple(args), kinds)
    return rows


_ATTR = "p.id IN (SELECT person_id FROM person_attr WHERE kind {} AND key = ?)"
_FILTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "topic": (
        "p.id IN (SELECT person_id FROM person_attr"
        f" WHERE kind IN ('topic', 'offers', 'seeks') AND {MATCHES})",
        str,  # bound to topics.matching(), which reads the book's topics
    ),
    "role_tag": (_ATTR.format("= 'role'"), fold),
    "circle": ("p.circle = ?", str),
    "org": ("pln_fold(p.org) LIKE ? ESCAPE '\\'", lambda v: "%" + _like(fold(v)) + "%"),
    "met_at": ("p.met_at_id IN (SELECT id FROM event WHERE name_key = ?)", fold),
}


def _like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def profile(conn: sqlite3.Connection, person: PersonRef, *, limit: int | None) -> Profile:
    r = conn.execute(
        f"SELECT {_PERSON_COLS}, p.role, p.location, p.cadence, e.name, p.met_on,"
        " i.id, i.name, p.notes, p.birthday, p.met_on_precision"
        " FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
        " LEFT JOIN person i ON i.id = p.introduced_by_id WHERE p.id = ?",
        (person.id,),
    ).fetchone()
    row = _person_row(r[:7])
    _attach_attrs(conn, [row], "p.id = ?", (person.id,))
    return Profile(
        row,
        r[7],
        r[8],
        r[9],
        r[10],
        date.fromisoformat(r[11]) if r[11] else None,
        PersonRef(r[12], r[13]) if r[12] else None,
        r[14],
        list_followups(conn, person=person),
        timeline(conn, person.id, limit=limit),
        date.fromisoformat(r[15]) if r[15] else None,
        acquaintances(conn, person),
        intro_outcomes(conn, person.id),
        done_followups(conn, person.id, limit=limit),
        r[16],
    )


def done_followups(conn: sqlite3.Connection, pid: int, *, limit: int | None) -> list[FollowUpRow]:
    """This person's done follow-ups, the most recently done first."""
    rows = conn.execute(
        f"{_FOLLOWUP_SELECT} WHERE p.id = ? AND f.state = 'done'"
        " ORDER BY f.closed_at DESC, f.id DESC LIMIT ?",
        (pid, -1 if limit is None else limit),
    )
    return [_row(r) for r in rows]


def intro_outcomes(conn: sqlite3.Connection, pid: int) -> list[OutcomeEntry]:
    """Outcomes of this person's introductions, newest first (an introduction changes
    only by its outcome once made, so its updated_at is when the outcome was recorded)."""
    rows = conn.execute(
        "SELECT i.id, i.updated_at, o.id, o.name, i.outcome, i.outcome_note FROM introduction i"
        " JOIN person o ON o.id = CASE WHEN i.a_id = ? THEN i.b_id ELSE i.a_id END"
        " WHERE (i.a_id = ? OR i.b_id = ?) AND i.outcome IS NOT NULL"
        " ORDER BY i.updated_at DESC, i.id DESC",
        (pid, pid, pid),
    )
    return [
        OutcomeEntry(r[0], from_db_time(r[1]) or datetime.min, PersonRef(r[2], r[3]), r[4], r[5])
        for r in rows
    ]


def timeline(conn: sqlite3.Connection, pid: int, *, limit: int | None) -> list[TimelineEntry]:
    rows = conn.execute(
        "SELECT i.id, i.at, i.kind, i.note,"
        " (SELECT group_concat(p.name, '\x1f') FROM interaction_person x"
        "   JOIN person p ON p.id = x.person_id WHERE x.interaction_id = i.id AND p.id != ?),"
        " (SELECT group_concat(t.topic, '\x1f') FROM interaction_topic t"
        "   WHERE t.interaction_id = i.id)"
        " FROM interaction i JOIN interaction_person ip ON ip.interaction_id = i.id"
        " WHERE ip.person_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?",
        (pid, pid, -1 if limit is None else limit),
    )
    return [
        TimelineEntry(
            r[0],
            from_db_time(r[1]) or datetime.min,
            r[2],
            r[3],
            r[4].split("\x1f") if r[4] else [],
            r[5].split("\x1f") if r[5] else [],
        )
        for r in rows
    ]


class EventRow(NamedTuple):
    id: int
    name: str
    on: date | None
    place: str | None
    met: int
    no_contact_since: int


def list_events(conn: sqlite3.Connection) -> list[EventRow]:
    rows = conn.execute(
        'SELECT e.id, e.name, e."on", e.place, count(p.id),'
        " sum(CASE WHEN p.id IS NOT NULL AND (p.last_contact_at IS NULL"
        "   OR date(p.last_contact_at, 'localtime') < p.met_on) THEN 1 ELSE 0 END)"
        " FROM event e LEFT JOIN person p ON p.met_at_id = e.id AND p.archived_at IS NULL"
        ' GROUP BY e.id ORDER BY e."on" DESC, e.name'
    )
    return [
        EventRow(r[0], r[1], date.fromisoformat(r[2]) if r[2] else None, r[3], r[4], r[5] or 0)
        for r in rows
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
    query = " ".join(f'"{w}"*' for w in words)
    scope = "" if archived else " AND p.archived_at IS NULL"
    rows = conn.execute(
        "SELECT p.id, p.name, p.org, p.archived_at IS NOT NULL,"
        " snippet(person_fts, -1, '[', ']', '…', 10)"
        " FROM person_fts JOIN person p ON p.id = person_fts.rowid"
        f" WHERE person_fts MATCH ?{scope}"
        " ORDER BY bm25(person_fts, 10.0, 4.0, 4.0, 2.0, 1.0) LIMIT ?",
        (query, limit),
    )
    return [SearchHit(PersonRef(r[0], r[1]), r[2], bool(r[3]), r[4]) for r in rows]
