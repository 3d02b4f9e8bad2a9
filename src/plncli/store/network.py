"""The network's SQL: ties, groups, private marks, `pln who` and the stored topic keys.

Rows are named by their columns. The SQL is the one both engines share, except where a
function's name ends in ``_sqlite`` (each says what it uses that only SQLite has): the
topic filter's ``json_each`` and `pln who`'s ranking, which reads the same JSON. The
introductions' SQL is in ``intros.py``; what suggestions load, in ``index.py``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..lean import TYPE_CHECKING
from . import Conn, column, execute, execute_many, insert_id, is_pg, row, rows

if TYPE_CHECKING:
    from typing import Any


def key_matches_sqlite() -> str:
    """The condition "the row's ``key`` is one of the keys ``topics.matching()`` found";
    bind that JSON object ({key: grade}) to its one parameter.

    SQLite only: ``json_each`` turns the bound JSON into rows (PostgreSQL would read it
    with ``jsonb_object_keys``).
    """
    return "key IN (SELECT j.key FROM json_each(?) AS j)"


# A topic filter, for the WHERE clauses of the read views and `pln due`.
MATCHES = key_matches_sqlite()

# ---- ties ---------------------------------------------------------------------------------


def insert_tie(
    conn: Conn,
    a_id: int,
    b_id: int,
    *,
    since: str | None,
    note: str,
    source: str,
    created_at: str,
    since_precision: str | None,
) -> bool:
    """Record the tie a_id < b_id; False (and nothing written) when it was already known."""
    cur = conn.execute(
        "INSERT INTO tie (a_id, b_id, since, note, source, created_at,"
        " since_precision) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        (a_id, b_id, since, note, source, created_at, since_precision),
    )
    return cur.rowcount == 1


def update_tie(
    conn: Conn, a_id: int, b_id: int, *, since: str | None, since_precision: str | None, note: str
) -> bool:
    """Give a known tie the day it began (when ``since``) and its note (when not empty);
    whether that changed it (the same day and note again write nothing)."""
    held = row(
        conn,
        "SELECT since, since_precision, note FROM tie WHERE a_id = ? AND b_id = ?",
        (a_id, b_id),
    )
    sets: dict[str, object] = {}
    if since is not None:
        sets["since"], sets["since_precision"] = since, since_precision
    if note:
        sets["note"] = note
    if held is not None:
        sets = {col: v for col, v in sets.items() if getattr(held, col) != v}
    if sets:
        assignments = ", ".join(f"{col} = ?" for col in sets)
        execute(
            conn,
            f"UPDATE tie SET {assignments} WHERE a_id = ? AND b_id = ?",
            (*sets.values(), a_id, b_id),
        )
    return bool(sets)


def insert_ties(
    conn: Conn,
    pairs: Iterable[tuple[int, int]],
    *,
    since: str | None,
    source: str,
    created_at: str,
) -> None:
    """Record many ties (pairs a_id < b_id), each once: known ties are left as they are."""
    execute_many(
        conn,
        "INSERT INTO tie (a_id, b_id, since, note, source, created_at)"
        " VALUES (?, ?, ?, '', ?, ?) ON CONFLICT DO NOTHING",
        ((a, b, since, source, created_at) for a, b in pairs),
    )


def delete_tie(conn: Conn, a_id: int, b_id: int) -> bool:
    """Forget the tie a_id < b_id; False when there was none."""
    return execute(conn, "DELETE FROM tie WHERE a_id = ? AND b_id = ?", (a_id, b_id)) > 0


def tie_exists(conn: Conn, a_id: int, b_id: int) -> bool:
    return (
        row(conn, "SELECT 1 AS known FROM tie WHERE a_id = ? AND b_id = ?", (a_id, b_id))
        is not None
    )


def ties_of(conn: Conn, pid: int) -> list[Any]:
    """Whom this person has a tie with (not archived), by name: ``id``, ``name``,
    ``since``, ``source``, ``note``, ``since_precision``."""
    return rows(
        conn,
        "SELECT p.id, p.name, t.since, t.source, t.note, t.since_precision FROM tie t"
        " JOIN person p ON p.id = CASE WHEN t.a_id = ? THEN t.b_id ELSE t.a_id END"
        " WHERE (t.a_id = ? OR t.b_id = ?) AND p.archived_at IS NULL ORDER BY p.name_key",
        (pid, pid, pid),
    )


def group_fellows(conn: Conn, pid: int) -> list[Any]:
    """Everyone (not archived) in a group with this person, themselves included, by name:
    ``id``, ``name``, ``group_name``."""
    return rows(
        conn,
        "SELECT p.id, p.name, g.name AS group_name FROM pgroup_member m JOIN pgroup_member o"
        " ON o.group_id = m.group_id JOIN person p ON p.id = o.person_id"
        " JOIN pgroup g ON g.id = m.group_id WHERE m.person_id = ? AND p.archived_at IS NULL"
        " ORDER BY p.name_key",
        (pid,),
    )


def best_known_contact_of(conn: Conn, pid: int) -> Any | None:
    """The contact (``id``, ``name``) you are most recently in touch with who has a tie
    with this person: in your network, not archived; None when there is none."""
    return row(
        conn,
        "SELECT p.id, p.name FROM tie t"
        " JOIN person p ON p.id = CASE WHEN t.a_id = ? THEN t.b_id ELSE t.a_id END"
        " WHERE (t.a_id = ? OR t.b_id = ?) AND p.archived_at IS NULL"
        " AND p.circle != 'following' AND p.last_contact_at IS NOT NULL"
        " ORDER BY p.last_contact_at DESC, p.name_key, p.id LIMIT 1",
        (pid, pid, pid),
    )


# ---- groups -------------------------------------------------------------------------------


def group_named(conn: Conn, key: str) -> Any | None:
    """The group (``id``, ``name``) whose folded name is ``key``, or None."""
    return row(conn, "SELECT id, name FROM pgroup WHERE name_key = ?", (key,))


def insert_group(conn: Conn, *, name: str, key: str, created_at: str) -> int:
    return insert_id(
        conn,
        "INSERT INTO pgroup (name, name_key, created_at) VALUES (?,?,?)",
        (name, key, created_at),
    )


def add_member(conn: Conn, gid: int, pid: int) -> bool:
    """Put the person in the group; False when they already were."""
    cur = conn.execute(
        "INSERT INTO pgroup_member (group_id, person_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (gid, pid),
    )
    return cur.rowcount == 1


def remove_member(conn: Conn, gid: int, pid: int) -> bool:
    """Take the person out of the group; False when they were not in it."""
    return (
        execute(conn, "DELETE FROM pgroup_member WHERE group_id = ? AND person_id = ?", (gid, pid))
        > 0
    )


def delete_group(conn: Conn, gid: int) -> None:
    execute(conn, "DELETE FROM pgroup WHERE id = ?", (gid,))


def group_members(conn: Conn, gid: int) -> list[Any]:
    """The group's members (not archived), by name: ``id``, ``name``."""
    return rows(
        conn,
        "SELECT p.id, p.name FROM pgroup_member m JOIN person p ON p.id = m.person_id"
        " WHERE m.group_id = ? AND p.archived_at IS NULL ORDER BY p.name_key",
        (gid,),
    )


def groups(conn: Conn) -> list[Any]:
    """Every group by name: ``id``, ``name``, ``members`` (not archived), ``private``."""
    return rows(
        conn,
        "SELECT g.id, g.name, count(p.id) AS members, EXISTS (SELECT 1 FROM private_mark"
        "   WHERE kind = 'group' AND key = g.name_key) AS private"
        " FROM pgroup g LEFT JOIN pgroup_member m ON m.group_id = g.id"
        " LEFT JOIN person p ON p.id = m.person_id AND p.archived_at IS NULL"
        " GROUP BY g.id ORDER BY g.name_key",
    )


# ---- private marks ------------------------------------------------------------------------

_NAMED = {
    "event": "SELECT name FROM event WHERE name_key = ?",
    "group": "SELECT name FROM pgroup WHERE name_key = ?",
}


def name_of(conn: Conn, kind: str, key: str) -> str | None:
    """The stored name of the event or group (``kind``) with this folded name, or None."""
    found = row(conn, _NAMED[kind], (key,))
    return None if found is None else str(found.name)


def private_mark_name(conn: Conn, kind: str, key: str) -> str | None:
    """The name a private mark was made with, or None when this one is not marked."""
    found = row(conn, "SELECT name FROM private_mark WHERE kind = ? AND key = ?", (kind, key))
    return None if found is None else str(found.name)


def insert_private_mark(conn: Conn, kind: str, key: str, *, name: str, created_at: str) -> bool:
    """Mark the topic, event or group private; False when it already was."""
    cur = conn.execute(
        "INSERT INTO private_mark (kind, key, name, created_at) VALUES (?,?,?,?)"
        " ON CONFLICT DO NOTHING",
        (kind, key, name, created_at),
    )
    return cur.rowcount == 1


def delete_private_mark(conn: Conn, kind: str, key: str) -> bool:
    """Unmark it; False when it was not marked."""
    return execute(conn, "DELETE FROM private_mark WHERE kind = ? AND key = ?", (kind, key)) > 0


def private_marks(conn: Conn) -> list[Any]:
    """Every private mark's ``kind`` and ``name``, by kind and key."""
    return rows(conn, "SELECT kind, name FROM private_mark ORDER BY kind, key")


# ---- topics and `pln who` -----------------------------------------------------------------

# The distinct keys by skipping along the (kind, key) index: one seek per key, ~1 ms at
# 10,000 people where DISTINCT reads every row (~15 ms).
_DISTINCT_KEYS = (
    "WITH RECURSIVE k(kind, key) AS ("
    " SELECT s.kind, (SELECT min(a.key) FROM person_attr a WHERE a.kind = s.kind)"
    " FROM (SELECT 'topic' AS kind UNION ALL SELECT 'offers' UNION ALL SELECT 'seeks') s"
    " UNION ALL SELECT k.kind,"
    " (SELECT min(a.key) FROM person_attr a WHERE a.kind = k.kind AND a.key > k.key)"
    " FROM k WHERE k.key IS NOT NULL)"
    " SELECT DISTINCT key FROM k WHERE key IS NOT NULL"
)


def topic_keys(conn: Conn) -> list[str]:
    """The distinct keys of people's topics, offers and seeks."""
    return column(conn, _DISTINCT_KEYS)


def interaction_topic_keys(conn: Conn) -> list[str]:
    """The distinct keys of the topics of interactions."""
    return column(conn, "SELECT DISTINCT key FROM interaction_topic")


# `pln who`'s ranking, written once: each engine says how it reads the JSON of the matching
# keys ({keys}), the local day of the last contact ({last_contact}), and its byte order
# ({bytes}). A person's best hit is the highest score and, of two topics that match equally
# well, the first in byte order: the least of "99 - score" (two digits: scores are 5 to 15)
# followed by the topic, which one aggregate finds (a window function made SQLite read every
# interaction: ~190 ms at 10,000 people against ~5-20 ms).
_EXPERTS = (
    "WITH m AS ({keys}),"
    " hits AS ("
    " SELECT a.person_id, CASE a.kind WHEN 'offers' THEN 3 ELSE 2 END * 4 + m.grade AS score,"
    "  a.value AS topic FROM m JOIN person_attr a ON a.key = m.key"
    "  WHERE a.kind IN ('offers', 'topic')"
    " UNION ALL SELECT ip.person_id, 4 + m.grade, t.topic FROM m"
    "  JOIN interaction_topic t ON t.key = m.key"
    "  JOIN interaction_person ip ON ip.interaction_id = t.interaction_id)"
    " SELECT p.id, p.name, p.circle, {last_contact} AS last_contact, max(h.score) AS score,"
    " substr(min((CAST(99 - h.score AS TEXT) || h.topic) COLLATE {bytes}), 3) AS topic"
    " FROM hits h JOIN person p ON p.id = h.person_id WHERE p.archived_at IS NULL"
    " GROUP BY p.id ORDER BY max(h.score) DESC, p.circle = 'following',"
    " p.last_contact_at IS NULL, p.last_contact_at DESC, p.name_key, p.id LIMIT ?"
)


def experts(conn: Conn, found: str, limit: int) -> list[Any]:
    """`pln who`: the people (not archived) holding a matching topic, best first:
    ``id``, ``name``, ``circle``, ``last_contact`` (local ISO day), ``score`` (how they
    know it x 4 + the match's grade: offers 3, works on 2, talked about it 1) and the
    ``topic`` that matched, as written (of two that match equally well, the first in
    byte order). ``found`` is ``topics.matching()``'s JSON. ``experts_sqlite`` or
    ``experts_pg``, by the connection's engine."""
    return (experts_pg if is_pg(conn) else experts_sqlite)(conn, found, limit)


def experts_sqlite(conn: Conn, found: str, limit: int) -> list[Any]:
    """``experts`` on SQLite.

    SQLite only: ``json_each`` reads the JSON; ``date(…, 'localtime')`` is the local day
    (as ``activity.local_day_sqlite`` gives it); ``BINARY`` is its byte order.
    """
    from .activity import local_day_sqlite  # (activity imports this module)

    sql = _EXPERTS.format(
        keys="SELECT j.key AS key, j.value AS grade FROM json_each(?) AS j",
        last_contact=local_day_sqlite("p.last_contact_at"),
        bytes="BINARY",
    )
    return rows(conn, sql, (found, limit))


def experts_pg(conn: Conn, found: str, limit: int) -> list[Any]:
    """``experts`` on PostgreSQL: ``jsonb_each_text`` reads the JSON, the local day is
    ``activity.local_day_pg``'s (in the session's zone, the user's), ``"C"`` the byte order."""
    from .activity import local_day_pg

    sql = _EXPERTS.format(
        keys="SELECT j.key AS key, CAST(j.value AS integer) AS grade"
        " FROM jsonb_each_text(CAST(? AS jsonb)) AS j",
        last_contact=local_day_pg("p.last_contact_at"),
        bytes='"C"',
    )
    return rows(conn, sql, (found, limit))
