"""The activity aggregate's SQL: interactions, follow-ups, kinds, what is due.

Writes take domain values (``datetime``, ``date``) and store them in the book's encoding
(``db.to_db_time`` for instants, ISO text for days); reads return named rows of the stored
values (``r.due`` is ISO text, ``r.closed_at`` the stored UTC instant), which the services
turn into dates and times.

Everything here is the SQL both engines share, except what the functions named
``*_sqlite`` hold (each says what it uses that only SQLite has). New ids come back from
``INSERT … RETURNING id`` (SQLite 3.35+ and PostgreSQL), in ``_insert`` alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from ..db import to_db_time
from ..lean import TYPE_CHECKING
from . import Conn, column, execute, execute_many, is_pg, marks, row, rows
from . import limit as limit_value
from .network import MATCHES

if TYPE_CHECKING:
    from typing import Any

# ``network.MATCHES`` on PostgreSQL: the keys of the JSON object ``topics.matching`` gives.
MATCHES_PG = "key IN (SELECT jsonb_object_keys(CAST(? AS jsonb)))"


def topic_matches(conn: object) -> str:
    """``network.MATCHES`` in the connection's engine's SQL."""
    return MATCHES_PG if is_pg(conn) else MATCHES


def local_day_sqlite(column: str) -> str:
    """The SQL for the local calendar day (ISO text) of a stored UTC instant ``column``.

    SQLite only: ``date(…, 'localtime')`` asks the C library for the zone, as Python's
    ``astimezone()`` does, so SQL and Python agree on which day an instant fell on.
    """
    return f"date({column}, 'localtime')"


def local_day_pg(column: str) -> str:
    """``local_day_sqlite`` on PostgreSQL: the stored instant (a ``timestamp`` in UTC) as
    a ``timestamptz``, written as a day in the session's time zone, which ``store.pg``
    sets to this machine's zone when it connects (daylight saving included)."""
    return f"to_char(({column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"


def local_day(conn: object, column: str) -> str:
    """The local day of a stored instant, in the connection's engine's SQL."""
    return local_day_pg(column) if is_pg(conn) else local_day_sqlite(column)


def _insert(conn: Conn, sql: str, params: Sequence[Any]) -> int:
    """Run one INSERT and return the new row's id (the one place pln learns a new id)."""
    return int(rows(conn, sql + " RETURNING id", params)[0].id)


# Interactions


def insert_interaction(conn: Conn, *, at: datetime, kind: str, note: str, now: datetime) -> int:
    return _insert(
        conn,
        "INSERT INTO interaction (at, kind, note, created_at) VALUES (?, ?, ?, ?)",
        (to_db_time(at), kind, note, to_db_time(now)),
    )


def add_participants(conn: Conn, interaction_id: int, person_ids: Iterable[int]) -> None:
    execute_many(
        conn,
        "INSERT INTO interaction_person (interaction_id, person_id) VALUES (?, ?)",
        [(interaction_id, pid) for pid in person_ids],
    )


def add_topic(conn: Conn, interaction_id: int, key: str, topic: str) -> None:
    """Tag the interaction with a topic; a topic with the same key is kept as it is."""
    execute(
        conn,
        "INSERT INTO interaction_topic (interaction_id, key, topic) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (interaction_id, key, topic),
    )


def advance_last_contact(conn: Conn, person_ids: Iterable[int], at: datetime) -> None:
    """Make ``at`` these people's last contact, where it is later than the one stored."""
    stamp = to_db_time(at)
    execute_many(
        conn,
        "UPDATE person SET last_contact_at = ? WHERE id = ?"
        " AND (last_contact_at IS NULL OR last_contact_at < ?)",
        [(stamp, pid, stamp) for pid in person_ids],
    )


# Kinds


def kind_used(conn: Conn, kind: str) -> bool:
    return (
        row(conn, "SELECT 1 AS used FROM interaction WHERE kind = ? LIMIT 1", (kind,)) is not None
    )


def used_kinds(conn: Conn) -> list[str]:
    return column(conn, "SELECT DISTINCT kind FROM interaction")


def kind_usage(conn: Conn) -> list[Any]:
    """Per kind used: ``kind``, ``interactions`` (how many), ``last_at`` (stored instant)."""
    return rows(
        conn,
        "SELECT kind, count(*) AS interactions, max(at) AS last_at FROM interaction GROUP BY kind",
    )


# Follow-ups

FOLLOWUP_COLUMNS = (
    "SELECT f.id, p.id AS person_id, p.name AS person_name, f.due, f.note, f.every, f.state,"
    " f.closed_at, f.anchor FROM followup f JOIN person p ON p.id = f.person_id"
)


def insert_followup(
    conn: Conn,
    *,
    person_id: int,
    due: date,
    note: str,
    every: str | None,
    now: datetime,
    anchor: date | None = None,
) -> int:
    return _insert(
        conn,
        "INSERT INTO followup (person_id, due, note, every, state, created_at, anchor)"
        " VALUES (?, ?, ?, ?, 'open', ?, ?)",
        (person_id, due.isoformat(), note, every, to_db_time(now), _day(anchor)),
    )


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def followup(conn: Conn, fid: int) -> Any | None:
    """One follow-up (FOLLOWUP_COLUMNS), or None."""
    return row(conn, f"{FOLLOWUP_COLUMNS} WHERE f.id = ?", (fid,))


def followups(conn: Conn, *, person_id: int | None, state: str) -> list[Any]:
    """Follow-ups of people not archived, in ``state`` ("all": any), soonest first."""
    where, args = ["p.archived_at IS NULL"], []
    if state != "all":
        where.append("f.state = ?")
        args.append(state)
    if person_id is not None:
        where.append("p.id = ?")
        args.append(str(person_id))
    return rows(conn, f"{FOLLOWUP_COLUMNS} WHERE {' AND '.join(where)} ORDER BY f.due, f.id", args)


def done_followups(conn: Conn, person_id: int, *, limit: int | None) -> list[Any]:
    """This person's done follow-ups, the most recently done first."""
    return rows(
        conn,
        f"{FOLLOWUP_COLUMNS} WHERE p.id = ? AND f.state = 'done'"
        " ORDER BY f.closed_at DESC, f.id DESC LIMIT ?",
        (person_id, limit_value(conn, limit)),
    )


def open_followups_of(conn: Conn, person_ids: Sequence[int]) -> list[Any]:
    """The open follow-ups of these people (``id``, ``person_id``, ``person_name``, ``due``,
    ``note``), soonest first."""
    if not person_ids:  # `IN ()` is SQLite's, not PostgreSQL's
        return []
    return rows(
        conn,
        "SELECT f.id, p.id AS person_id, p.name AS person_name, f.due, f.note FROM followup f"
        " JOIN person p ON p.id = f.person_id"
        f" WHERE f.state = 'open' AND f.person_id IN ({marks(len(person_ids))})"
        " ORDER BY f.due, f.id",
        list(person_ids),
    )


def close_followups(conn: Conn, fids: Iterable[int], *, state: str, now: datetime) -> None:
    """Close these follow-ups as ``state`` ("done" or "dropped") at ``now``."""
    stamp = to_db_time(now)
    execute_many(
        conn,
        "UPDATE followup SET state = ?, closed_at = ? WHERE id = ?",
        [(state, stamp, fid) for fid in fids],
    )


def move_followup(
    conn: Conn, fid: int, *, due: date, every: str | None, anchor: date | None = None
) -> None:
    execute(
        conn,
        "UPDATE followup SET due = ?, every = ?, anchor = ? WHERE id = ?",
        (due.isoformat(), every, _day(anchor), fid),
    )


# What is due


def due_filter(
    circle: str | None, topic_keys: str | None, *, pg: bool = False
) -> tuple[str, list[str]]:
    """The condition on ``person p`` for `pln due --circle/--topic`, and its parameters
    (``topic_keys``: the matching topics, as ``topics.matching`` gives them; ``pg``: in
    PostgreSQL's SQL)."""
    where, args = ["p.archived_at IS NULL"], []
    if circle:
        where.append("p.circle = ?")
        args.append(circle)
    if topic_keys is not None:
        where.append(
            "p.id IN (SELECT person_id FROM person_attr"
            f" WHERE kind IN ('topic', 'offers', 'seeks') AND {MATCHES_PG if pg else MATCHES})"
        )
        args.append(topic_keys)
    return " AND ".join(where), args


def maybe_due_people_sqlite(
    conn: Conn,
    where: tuple[str, list[str]],
    *,
    met_before: date,
    circle_bounds: list[tuple[str, date]],
) -> list[Any]:
    """People matching ``where`` with no open follow-up who may be due (a bound that can
    only over-include): met at an event before ``met_before`` with no contact since the
    meeting day; or with a cadence of their own; or, per (circle, day) in
    ``circle_bounds``, in that circle on its cadence and with no contact (or meeting, or
    adding) since that day.

    Rows: ``id``, ``name``, ``circle``, ``cadence``, ``added`` and ``last_contact`` (local
    days, ISO), ``met_on``, ``met_at`` (the event's name). ``added`` only where ``due`` can
    use it (no last contact, or met at an event), else NULL: each local day is a call to the
    C library's ``localtime``, and most people who may be due have a last contact.

    SQLite only: local days (``local_day_sqlite``), ``date(…, '+1 day')`` and the
    two-argument ``min``.
    """
    return _maybe_due_people(
        conn,
        where,
        met_before=met_before,
        circle_bounds=circle_bounds,
        local_day=local_day_sqlite,
        day_after_met="date(p.met_on, '+1 day')",
        least="min",
    )


def maybe_due_people_pg(
    conn: Conn,
    where: tuple[str, list[str]],
    *,
    met_before: date,
    circle_bounds: list[tuple[str, date]],
) -> list[Any]:
    """``maybe_due_people_sqlite`` on PostgreSQL: local days (``local_day_pg``), a day
    added to a date, and ``least``."""
    return _maybe_due_people(
        conn,
        where,
        met_before=met_before,
        circle_bounds=circle_bounds,
        local_day=local_day_pg,
        day_after_met="p.met_on + 1",
        least="least",
    )


def _maybe_due_people(
    conn: Conn,
    where: tuple[str, list[str]],
    *,
    met_before: date,
    circle_bounds: list[tuple[str, date]],
    local_day: Callable[[str], str],
    day_after_met: str,
    least: str,
) -> list[Any]:
    """The statement both engines share, given each one's local day, the day after the
    meeting and its two-argument minimum."""
    cond, args = where
    clauses = [
        "(p.met_at_id IS NOT NULL AND p.met_on < ?"
        f" AND (p.last_contact_at IS NULL OR p.last_contact_at < {day_after_met}))",
        "(p.cadence IS NOT NULL AND p.cadence != 'never')",
    ]
    maybe_args = [met_before.isoformat()]
    for circle_name, bound in circle_bounds:
        clauses.append(
            "(p.cadence IS NULL AND p.circle = ? AND coalesce(p.last_contact_at,"
            f" {least}(p.created_at, coalesce(p.met_on, p.created_at))) < ?)"
        )
        maybe_args += [circle_name, bound.isoformat()]
    return rows(
        conn,
        "SELECT p.id, p.name, p.circle, p.cadence, CASE WHEN p.last_contact_at IS NULL"
        f" OR p.met_at_id IS NOT NULL THEN {local_day('p.created_at')} END AS added,"
        f" {local_day('p.last_contact_at')} AS last_contact, p.met_on, e.name AS met_at"
        " FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
        f" WHERE {cond} AND NOT EXISTS (SELECT 1 FROM followup f"
        "   WHERE f.person_id = p.id AND f.state = 'open')"
        f" AND ({' OR '.join(clauses)})",
        [*args, *maybe_args],
    )


def maybe_due_people(
    conn: Conn,
    where: tuple[str, list[str]],
    *,
    met_before: date,
    circle_bounds: list[tuple[str, date]],
) -> list[Any]:
    """``maybe_due_people_sqlite`` or its PostgreSQL twin, by the connection's engine."""
    run = maybe_due_people_pg if is_pg(conn) else maybe_due_people_sqlite
    return run(conn, where, met_before=met_before, circle_bounds=circle_bounds)


def open_followups_due(conn: Conn, where: tuple[str, list[str]], *, by: date) -> list[Any]:
    """Open follow-ups due by ``by`` of people matching ``where`` (``id``, ``person_id``,
    ``person_name``, ``due``, ``note``, ``every``, ``anchor``)."""
    cond, args = where
    return rows(
        conn,
        "SELECT f.id, p.id AS person_id, p.name AS person_name, f.due, f.note, f.every,"
        " f.anchor FROM followup f JOIN person p ON p.id = f.person_id"
        f" WHERE f.state = 'open' AND f.due <= ? AND {cond}",
        [by.isoformat(), *args],
    )


def birthdays_on(
    conn: Conn, where: tuple[str, list[str]], month_days: list[str] | None
) -> list[Any]:
    """People matching ``where`` with a birthday on one of ``month_days`` (``MM-DD``; None:
    any day): ``id``, ``name``, ``birthday`` (ISO text)."""
    cond, args = where
    month_day = "to_char(p.birthday, 'MM-DD')" if is_pg(conn) else "substr(p.birthday, 6, 5)"
    on = "" if month_days is None else f" AND {month_day} IN ({marks(len(month_days))})"
    return rows(
        conn,
        f"SELECT p.id, p.name, p.birthday FROM person p WHERE p.birthday IS NOT NULL{on}"
        f" AND {cond}",
        [*(month_days or []), *args],
    )


__all__ = [
    "birthdays_on",
    "FOLLOWUP_COLUMNS",
    "local_day",
    "local_day_pg",
    "local_day_sqlite",
    "topic_matches",
    "add_participants",
    "add_topic",
    "advance_last_contact",
    "close_followups",
    "done_followups",
    "due_filter",
    "followup",
    "followups",
    "insert_followup",
    "insert_interaction",
    "kind_usage",
    "kind_used",
    "maybe_due_people",
    "maybe_due_people_pg",
    "maybe_due_people_sqlite",
    "move_followup",
    "open_followups_due",
    "open_followups_of",
    "used_kinds",
]
