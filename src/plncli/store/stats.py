"""`pln stats`'s SQL: what the network-health screen counts, read in a few passes.

Every function takes ``scope``: the condition on ``person p`` that chooses the people
counted and its parameters (``activity.due_filter``: not archived, ``--circle``,
``--topic``; or one person for ``--person``). Instants are compared with bounds the
service computes in Python as UTC text (the local midnight that starts a day or a month),
so no statement converts an instant to a local day per interaction; the local days of a
person's own columns come from ``activity.local_day`` (each engine's SQL for it).

All of it is the SQL both engines share, except ``near_meeting_sqlite``/``_pg`` (a day
added to a date is written differently) behind the dispatcher ``near_meeting``.
"""

from typing import Any

from . import Conn, column, is_pg, marks, rows
from .activity import local_day

Scope = tuple[str, list[Any]]


def larger_cache_sqlite(conn: Conn) -> None:
    """Give this connection a 64 MiB page cache for the few whole-table reads `pln stats`
    makes (SQLite's default is 2 MiB: at 10,000 people the later reads would fetch the
    same pages from the file again, ~50 ms of system time). SQLite only: a PRAGMA; it
    lasts as long as the connection, which this read-only command closes when done."""
    if not is_pg(conn):
        conn.execute("PRAGMA cache_size = -65536")


def people(conn: Conn, scope: Scope) -> list[Any]:
    """The people in ``scope``: ``id``, ``name``, ``circle``, ``cadence``, ``added`` and
    ``last_contact`` (local ISO days), ``met_on``, ``met_at_id``."""
    cond, args = scope
    return rows(
        conn,
        f"SELECT p.id, p.name, p.circle, p.cadence, {local_day(conn, 'p.created_at')} AS added,"
        f" {local_day(conn, 'p.last_contact_at')} AS last_contact,"
        " CAST(p.met_on AS TEXT) AS met_on, p.met_at_id"
        f" FROM person p WHERE {cond} ORDER BY p.id",
        args,
    )


def own_cadences(conn: Conn) -> list[str]:
    """The cadences people have of their own (``--every``), each once."""
    return column(conn, "SELECT DISTINCT cadence FROM person WHERE cadence IS NOT NULL")


def last_between(conn: Conn, since: str, before: str) -> list[Any]:
    """Per person, the local day of their last interaction from the instant ``since`` up
    to ``before``: ``person_id``, ``last_day``.

    ``CROSS JOIN`` keeps SQLite's join order: the interactions of the window by their time
    index, then their people by the (interaction, person) key, rather than every person's
    interactions one row lookup at a time; PostgreSQL plans it as an inner join."""
    return rows(
        conn,
        f"SELECT b.person_id, {local_day(conn, 'b.last_at')} AS last_day FROM"
        " (SELECT ip.person_id, max(i.at) AS last_at"
        "  FROM interaction i CROSS JOIN interaction_person ip"
        "  WHERE ip.interaction_id = i.id AND i.at >= ? AND i.at < ?"
        "  GROUP BY ip.person_id) b",
        (since, before),
    )


def contacted_before(conn: Conn, ids: list[int], before: str) -> set[int]:
    """Which of these people have an interaction before the instant ``before``."""
    found: set[int] = set()
    for n in range(0, len(ids), 500):
        chunk = ids[n : n + 500]
        found.update(
            column(
                conn,
                "SELECT DISTINCT ip.person_id FROM interaction_person ip"
                " JOIN interaction i ON i.id = ip.interaction_id"
                f" WHERE ip.person_id IN ({marks(len(chunk))}) AND i.at < ?",
                [*chunk, before],
            )
        )
    return found


def monthly_interactions(conn: Conn, scope: Scope, bounds: list[str]) -> list[Any]:
    """Interactions with at least one person in ``scope`` per month: ``month`` (0 for
    the first) and ``interactions``, where month n runs from ``bounds[n]`` up to
    ``bounds[n + 1]`` (instants, as stored)."""
    cond, args = scope
    cases = " ".join(f"WHEN i.at < ? THEN {n}" for n in range(len(bounds) - 2))
    return rows(
        conn,
        f"SELECT CASE {cases} ELSE {len(bounds) - 2} END AS month, count(*) AS interactions"
        " FROM interaction i WHERE i.at >= ? AND i.at < ? AND EXISTS (SELECT 1"
        "   FROM interaction_person ip JOIN person p ON p.id = ip.person_id"
        f"   WHERE ip.interaction_id = i.id AND {cond})"
        " GROUP BY 1 ORDER BY 1",
        [*bounds[1:-1], bounds[0], bounds[-1], *args],
    )


def monthly_all(conn: Conn, bounds: list[str]) -> list[Any]:
    """Every interaction in the book per month (``month``, ``interactions``; months as in
    ``monthly_interactions``), each month counted on the index of ``at``."""
    return rows(
        conn,
        " UNION ALL ".join(
            f"SELECT {n} AS month, count(*) AS interactions FROM interaction"
            " WHERE at >= ? AND at < ?"
            for n in range(len(bounds) - 1)
        ),
        [b for n in range(len(bounds) - 1) for b in (bounds[n], bounds[n + 1])],
    )


def events(conn: Conn) -> list[Any]:
    """Every event: ``id``, ``name``, ``on``."""
    return rows(conn, 'SELECT id, name, CAST("on" AS TEXT) AS "on" FROM event ORDER BY id')


def near_meeting_sqlite(conn: Conn, scope: Scope) -> list[Any]:
    """The interactions of people in ``scope`` met at an event that happened around the
    week after the meeting (an over-inclusive window in UTC: from the day before the
    meeting to ten days after it, or after the day they were added if that was later):
    ``person_id``, ``at`` (the stored instant).

    SQLite only: ``date(…, '±N days')`` and the two-argument ``max``."""
    return _near_meeting(
        conn,
        scope,
        since="date(p.met_on, '-1 day')",
        until="date(max(p.met_on, date(p.created_at)), '+10 days')",
    )


def near_meeting_pg(conn: Conn, scope: Scope) -> list[Any]:
    """``near_meeting_sqlite`` on PostgreSQL: days added to a date, and ``greatest``."""
    return _near_meeting(
        conn,
        scope,
        since="p.met_on - 1",
        until="greatest(p.met_on, CAST(p.created_at AS date)) + 10",
    )


def _near_meeting(conn: Conn, scope: Scope, *, since: str, until: str) -> list[Any]:
    cond, args = scope
    return rows(
        conn,
        "SELECT ip.person_id, i.at FROM person p"
        " JOIN interaction_person ip ON ip.person_id = p.id"
        " JOIN interaction i ON i.id = ip.interaction_id"
        f" WHERE p.met_at_id IS NOT NULL AND p.met_on IS NOT NULL AND {cond}"
        f" AND i.at >= {since} AND i.at < {until}",
        args,
    )


def near_meeting(conn: Conn, scope: Scope) -> list[Any]:
    """``near_meeting_sqlite`` or its PostgreSQL twin, by the connection's engine."""
    return (near_meeting_pg if is_pg(conn) else near_meeting_sqlite)(conn, scope)


def seeks(conn: Conn, scope: Scope) -> list[Any]:
    """What the people in ``scope`` seek: ``person_id``, ``value`` (as written), ``key``."""
    cond, args = scope
    return rows(
        conn,
        "SELECT a.person_id, a.value, a.key FROM person_attr a JOIN person p ON p.id = a.person_id"
        f" WHERE a.kind = 'seeks' AND {cond}",
        args,
    )


def offered_keys(conn: Conn) -> list[Any]:
    """The distinct keys of what anyone in the book (not archived) offers: ``key``."""
    return rows(
        conn,
        "SELECT DISTINCT a.key FROM person_attr a JOIN person p ON p.id = a.person_id"
        " WHERE a.kind = 'offers' AND p.archived_at IS NULL",
    )


def interaction_topics(conn: Conn, scope: Scope) -> list[Any]:
    """The topics of interactions, each with the people (not archived) in them:
    ``key``, ``topic`` (as written), ``person_id``, ``in_scope`` (1 for people in
    ``scope``). From the topics out (``CROSS JOIN`` keeps SQLite to that order): a book
    whose interactions have few topics reads few rows."""
    cond, args = scope
    return rows(
        conn,
        f"SELECT t.key, t.topic, p.id AS person_id, CASE WHEN {cond} THEN 1 ELSE 0 END"
        " AS in_scope FROM interaction_topic t CROSS JOIN interaction_person ip"
        " CROSS JOIN person p WHERE ip.interaction_id = t.interaction_id"
        " AND p.id = ip.person_id AND p.archived_at IS NULL",
        args,
    )


def work_on(conn: Conn, keys: list[str]) -> list[Any]:
    """Who (not archived) has one of ``keys`` among their topics or offers: ``key``,
    ``person_id``."""
    if not keys:  # `IN ()` is SQLite's, not PostgreSQL's
        return []
    return rows(
        conn,
        "SELECT a.key, a.person_id FROM person_attr a JOIN person p ON p.id = a.person_id"
        f" WHERE a.kind IN ('topic', 'offers') AND p.archived_at IS NULL"
        f" AND a.key IN ({', '.join('?' * len(keys))})",
        keys,
    )


def names(conn: Conn, ids: list[int]) -> list[Any]:
    """``id`` and ``name`` of these people."""
    if not ids:
        return []
    return rows(conn, f"SELECT id, name FROM person WHERE id IN ({', '.join('?' * len(ids))})", ids)


__all__ = [
    "Scope",
    "larger_cache_sqlite",
    "events",
    "interaction_topics",
    "monthly_all",
    "monthly_interactions",
    "names",
    "near_meeting",
    "near_meeting_pg",
    "near_meeting_sqlite",
    "offered_keys",
    "people",
    "seeks",
    "work_on",
]
