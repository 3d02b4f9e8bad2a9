"""Resources' SQL: the resources, their topics, what was shared with whom, group readings.

Rows are named by their columns; every statement is the SQL both engines share. A share
is an interaction of kind ``shared`` (``store.activity``) linked to one resource by
``interaction_resource`` with its direction: ``to`` (you sent it), ``from`` (they sent it
to you); who is its ``interaction_person``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..lean import TYPE_CHECKING
from . import Conn, execute, insert_id, marks, row, rows
from . import limit as sql_limit

if TYPE_CHECKING:
    from typing import Any

COLUMNS = "r.id, r.title, r.url, r.kind, r.author, r.note, r.created_at, r.updated_at"

# ---- resources ----------------------------------------------------------------------------


def resource(conn: Conn, rid: int) -> Any | None:
    return row(conn, f"SELECT {COLUMNS} FROM resource r WHERE r.id = ?", (rid,))


def resource_with_url(conn: Conn, url: str) -> Any | None:
    return row(conn, f"SELECT {COLUMNS} FROM resource r WHERE r.url = ?", (url,))


def resource_with_key(conn: Conn, key: str) -> Any | None:
    """The resource whose folded title is ``key``."""
    return row(conn, f"SELECT {COLUMNS} FROM resource r WHERE r.title_key = ?", (key,))


def resources_starting(conn: Conn, like: str) -> list[Any]:
    """Resources (``id``, ``title``) whose folded title, or a word of it, starts with
    ``like`` (LIKE-escaped, ``\\`` the escape), by title."""
    return rows(
        conn,
        "SELECT id, title FROM resource WHERE title_key LIKE ? ESCAPE '\\'"
        " OR title_key LIKE ? ESCAPE '\\' ORDER BY title_key, id",
        (like + "%", "% " + like + "%"),
    )


def insert_resource(
    conn: Conn,
    *,
    title: str,
    key: str,
    url: str | None,
    kind: str,
    author: str | None,
    note: str,
    at: str,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO resource (title, title_key, url, kind, author, note, created_at,"
        " updated_at) VALUES (?,?,?,?,?,?,?,?)",
        (title, key, url, kind, author, note, at, at),
    )


def update_resource(conn: Conn, rid: int, sets: dict[str, Any], *, at: str) -> None:
    """Set the given columns (names from the service, never from input) and updated_at."""
    assignments = ", ".join(f"{col} = ?" for col in [*sets, "updated_at"])
    execute(conn, f"UPDATE resource SET {assignments} WHERE id = ?", (*sets.values(), at, rid))


def delete_resource(conn: Conn, rid: int) -> None:
    execute(conn, "DELETE FROM resource WHERE id = ?", (rid,))


def list_resources(conn: Conn, *, kind: str | None, keys: Sequence[str] | None) -> list[Any]:
    """Resources by title, with how often each was shared each way: ``COLUMNS`` and
    ``sent``, ``received``. ``keys``: only those with one of these topic keys."""
    where, params = ["1 = 1"], []
    if kind is not None:
        where.append("r.kind = ?")
        params.append(kind)
    if keys is not None:
        where.append(
            "EXISTS (SELECT 1 FROM resource_topic t WHERE t.resource_id = r.id"
            f" AND t.key IN ({marks(len(keys))}))"
            if keys
            else "1 = 0"
        )
        params.extend(keys)
    return rows(
        conn,
        f"SELECT {COLUMNS},"
        " (SELECT count(*) FROM interaction_resource s WHERE s.resource_id = r.id"
        "  AND s.direction = 'to') AS sent,"
        " (SELECT count(*) FROM interaction_resource s WHERE s.resource_id = r.id"
        "  AND s.direction = 'from') AS received"
        f" FROM resource r WHERE {' AND '.join(where)} ORDER BY r.title_key, r.id",
        params,
    )


# ---- topics -------------------------------------------------------------------------------


def add_topic(conn: Conn, rid: int, key: str, topic: str) -> bool:
    cur = conn.execute(
        "INSERT INTO resource_topic (resource_id, key, topic) VALUES (?,?,?)"
        " ON CONFLICT DO NOTHING",
        (rid, key, topic),
    )
    return cur.rowcount == 1


def remove_topic(conn: Conn, rid: int, key: str) -> bool:
    return (
        execute(conn, "DELETE FROM resource_topic WHERE resource_id = ? AND key = ?", (rid, key))
        > 0
    )


def topics_of(conn: Conn, rids: Sequence[int]) -> dict[int, list[str]]:
    """Each resource's topics as written, in the order added."""
    if not rids:
        return {}
    found: dict[int, list[str]] = {}
    for r in rows(
        conn,
        f"SELECT resource_id, topic FROM resource_topic WHERE resource_id IN ({marks(len(rids))})"
        " ORDER BY resource_id, key",
        list(rids),
    ):
        found.setdefault(r.resource_id, []).append(r.topic)
    return found


def topic_keys(conn: Conn) -> list[str]:
    """The distinct keys of resources' topics."""
    return [r.key for r in rows(conn, "SELECT DISTINCT key FROM resource_topic")]


# ---- shares -------------------------------------------------------------------------------


def link_share(conn: Conn, iid: int, rid: int, direction: str) -> None:
    execute(
        conn,
        "INSERT INTO interaction_resource (interaction_id, resource_id, direction) VALUES (?,?,?)",
        (iid, rid, direction),
    )


def share_notes(conn: Conn, rid: int) -> list[Any]:
    """The resource's shares: ``id`` (the interaction), ``note``, ``person_id``."""
    return rows(
        conn,
        "SELECT i.id, i.note, ip.person_id FROM interaction_resource s"
        " JOIN interaction i ON i.id = s.interaction_id"
        " JOIN interaction_person ip ON ip.interaction_id = i.id"
        " WHERE s.resource_id = ? ORDER BY i.id",
        (rid,),
    )


def set_share_note(conn: Conn, iid: int, note: str) -> None:
    execute(conn, "UPDATE interaction SET note = ? WHERE id = ?", (note, iid))


def shares_of_resource(conn: Conn, rid: int) -> list[Any]:
    """With whom the resource went, newest first: ``person_id``, ``name``, ``direction``,
    ``at``, ``note``."""
    return rows(
        conn,
        "SELECT p.id AS person_id, p.name, s.direction, i.at, i.note FROM interaction_resource s"
        " JOIN interaction i ON i.id = s.interaction_id"
        " JOIN interaction_person ip ON ip.interaction_id = i.id"
        " JOIN person p ON p.id = ip.person_id"
        " WHERE s.resource_id = ? ORDER BY i.at DESC, p.name_key, p.id",
        (rid,),
    )


def shares_of_person(conn: Conn, pid: int) -> list[Any]:
    """What went between you and this person, newest first: ``resource_id``, ``title``,
    ``url``, ``direction``, ``at``."""
    return rows(
        conn,
        "SELECT r.id AS resource_id, r.title, r.url, s.direction, i.at"
        " FROM interaction_person ip JOIN interaction_resource s"
        " ON s.interaction_id = ip.interaction_id"
        " JOIN interaction i ON i.id = ip.interaction_id JOIN resource r ON r.id = s.resource_id"
        " WHERE ip.person_id = ? ORDER BY i.at DESC, r.title_key",
        (pid,),
    )


# ---- who it would help (`pln share RESOURCE`) ---------------------------------------------


def _graded(column: str, grades: dict[str, int]) -> tuple[str, list[Any]]:
    """SQL giving the grade of ``column``'s key (``grades``: key -> 3, 2 or 1), and its
    parameters: ``CASE WHEN col IN (...) THEN 3 WHEN col IN (...) THEN 2 ELSE 1 END``."""
    parts, params = [], []
    for g in (3, 2):
        keys = sorted(k for k, v in grades.items() if v == g)
        if keys:
            parts.append(f"WHEN {column} IN ({marks(len(keys))}) THEN {g}")
            params.extend(keys)
    return (f"CASE {' '.join(parts)} ELSE 1 END" if parts else "1"), params


def _graded_keys(name: str, grades: dict[str, int]) -> tuple[str, list[Any]]:
    """A CTE ``name(key, grade)`` of these keys with their grade (3, 2 or 1: written as
    numbers, the keys bound), and its parameters."""
    keys = sorted(grades)
    values = ", ".join(f"(?, {int(grades[k])})" for k in keys)
    return f"{name}(key, grade) AS (VALUES {values})", keys


def _hits(held: dict[str, int], spoken: dict[str, int]) -> tuple[str, str, list[Any]]:
    """Each (person, how they know a matching topic, its key) as rows: ``pid``, ``key``,
    ``score`` (how x 4 + the grade of the match; how: seeks 3, works on 2, talked about it
    with you 1): the CTEs of the graded keys, the rows' SELECT, and their parameters. A person's
    topic or seek is read from the index of (kind, key, person) alone."""
    ctes, selects, params = [], [], []
    if held:
        cte, keys = _graded_keys("kh", held)
        ctes.append(cte)
        params += keys
        selects.append(
            "SELECT a.person_id AS pid, a.key AS key,"
            " CASE a.kind WHEN 'seeks' THEN 12 ELSE 8 END + kh.grade AS score"
            " FROM kh JOIN person_attr a ON a.key = kh.key WHERE a.kind IN ('seeks', 'topic')"
        )
    if spoken:
        cte, keys = _graded_keys("ks", spoken)
        ctes.append(cte)
        params += keys
        selects.append(  # one hit per topic however often you talked about it
            "SELECT DISTINCT ip.person_id AS pid, t.key AS key, 4 + ks.grade AS score"
            " FROM ks JOIN interaction_topic t ON t.key = ks.key"
            " JOIN interaction_person ip ON ip.interaction_id = t.interaction_id"
        )
    return ", ".join(ctes), " UNION ALL ".join(selects), params


def share_ranking(
    conn: Conn,
    rid: int,
    held: dict[str, int],
    spoken: dict[str, int],
    *,
    circle: str | None,
    limit: int | None,
) -> list[Any]:
    """`pln share`: the people (not archived, not already given the resource nor given it
    by) best helped, best first: ``id``, ``name``, ``circle``, ``last_contact_at``,
    ``score`` (their strongest reason), ``reasons`` (how many). ``held``: the matching keys
    of people's topics and seeks, with their grade; ``spoken``: of interactions' topics.
    Ranked in SQL, so that only the people shown are read into Python."""
    if not held and not spoken:
        return []
    keys, hits, params = _hits(held, spoken)
    extra = ""
    if circle is not None:
        extra = "AND p.circle = ?"
        params.append(circle)
    params += [rid, sql_limit(conn, limit)]
    return rows(
        conn,
        # hits are distinct (person, how, key): one person's count of them is their reasons
        f"WITH {keys}, h AS ({hits}), g AS (SELECT pid, max(score) AS score, count(*) AS reasons"
        " FROM h GROUP BY pid)"
        " SELECT p.id, p.name, p.circle, p.last_contact_at, g.score, g.reasons"
        f" FROM g JOIN person p ON p.id = g.pid WHERE p.archived_at IS NULL {extra}"
        " AND p.id NOT IN (SELECT ip.person_id FROM interaction_resource s"
        "  JOIN interaction_person ip ON ip.interaction_id = s.interaction_id"
        "  WHERE s.resource_id = ?)"
        " ORDER BY g.score DESC, g.reasons DESC, p.circle = 'following',"
        " p.last_contact_at IS NOT NULL, p.last_contact_at, p.name_key, p.id"
        " LIMIT ?",
        params,
    )


def share_reasons(
    conn: Conn, ids: Sequence[int], held: dict[str, int], spoken: dict[str, int]
) -> list[Any]:
    """The reasons of these people (``share_ranking``'s): ``pid``, ``how``, ``topic`` (as
    they or the interaction wrote it), ``score``."""
    if not ids:
        return []
    selects, params = [], []
    how = "CASE a.kind WHEN 'seeks' THEN 3 ELSE 2 END"
    if held:
        grade, gparams = _graded("a.key", held)
        selects.append(
            f"SELECT a.person_id AS pid, {how} AS how, a.value AS topic,"
            f" {how} * 4 + {grade} AS score FROM person_attr a"
            f" WHERE a.person_id IN ({marks(len(ids))}) AND a.kind IN ('seeks', 'topic')"
            f" AND a.key IN ({marks(len(held))})"
        )
        params += [*gparams, *ids, *sorted(held)]
    if spoken:
        grade, gparams = _graded("t.key", spoken)
        selects.append(
            f"SELECT ip.person_id AS pid, 1 AS how, min(t.topic) AS topic, 4 + {grade} AS score"
            " FROM interaction_person ip JOIN interaction_topic t"
            f" ON t.interaction_id = ip.interaction_id WHERE ip.person_id IN ({marks(len(ids))})"
            f" AND t.key IN ({marks(len(spoken))}) GROUP BY ip.person_id, t.key"
        )
        params += [*gparams, *ids, *sorted(spoken)]
    return rows(conn, " UNION ALL ".join(selects), params)


def sharers(conn: Conn, keys: Sequence[str]) -> list[Any]:
    """`pln who`: people (not archived) who shared with you a resource on one of ``keys``:
    ``id``, ``name``, ``circle``, ``last_contact_at``, ``title``, ``key``, ``topic``."""
    if not keys:
        return []
    return rows(
        conn,
        "SELECT DISTINCT p.id, p.name, p.circle, p.last_contact_at, r.title, t.key, t.topic"
        " FROM resource_topic t JOIN resource r ON r.id = t.resource_id"
        " JOIN interaction_resource s ON s.resource_id = r.id AND s.direction = 'from'"
        " JOIN interaction_person ip ON ip.interaction_id = s.interaction_id"
        " JOIN person p ON p.id = ip.person_id"
        f" WHERE t.key IN ({marks(len(keys))}) AND p.archived_at IS NULL ORDER BY p.id, t.key",
        list(keys),
    )


# ---- group readings -----------------------------------------------------------------------


def reading(conn: Conn, gid: int, rid: int) -> Any | None:
    return row(
        conn,
        "SELECT id, due, done_at FROM group_reading WHERE group_id = ? AND resource_id = ?",
        (gid, rid),
    )


def insert_reading(conn: Conn, gid: int, rid: int, *, due: str | None, at: str) -> int:
    return insert_id(
        conn,
        "INSERT INTO group_reading (group_id, resource_id, due, created_at) VALUES (?,?,?,?)",
        (gid, rid, due, at),
    )


def update_reading(conn: Conn, reading_id: int, *, due: str | None, done_at: str | None) -> None:
    execute(
        conn,
        "UPDATE group_reading SET due = ?, done_at = ? WHERE id = ?",
        (due, done_at, reading_id),
    )


def readings_of_group(conn: Conn, gid: int) -> list[Any]:
    """The group's readings, dated ones by date then undated by when set: ``id``,
    ``resource_id``, ``title``, ``url``, ``due``, ``done_at``, ``created_at``."""
    return rows(
        conn,
        "SELECT g.id, r.id AS resource_id, r.title, r.url, g.due, g.done_at, g.created_at"
        " FROM group_reading g JOIN resource r ON r.id = g.resource_id WHERE g.group_id = ?"
        " ORDER BY g.due IS NULL, g.due, g.created_at, g.id",
        (gid,),
    )


def readings_of_resource(conn: Conn, rid: int) -> list[Any]:
    """The groups reading the resource: ``group_id``, ``name``, ``due``, ``done_at``."""
    return rows(
        conn,
        "SELECT p.id AS group_id, p.name, g.due, g.done_at FROM group_reading g"
        " JOIN pgroup p ON p.id = g.group_id WHERE g.resource_id = ?"
        " ORDER BY g.due IS NULL, g.due, p.name_key",
        (rid,),
    )


def readings_due(conn: Conn, *, by: str) -> list[Any]:
    """Open dated readings due on or before ``by``: ``id``, ``group_id``, ``group_name``,
    ``title``, ``due``."""
    return rows(
        conn,
        "SELECT g.id, p.id AS group_id, p.name AS group_name, r.title, g.due"
        " FROM group_reading g JOIN pgroup p ON p.id = g.group_id"
        " JOIN resource r ON r.id = g.resource_id"
        " WHERE g.due IS NOT NULL AND g.due <= ? AND g.done_at IS NULL ORDER BY g.due, g.id",
        (by,),
    )


def reading_keys(conn: Conn) -> list[Any]:
    """Every reading's ``id`` with what names it outside this book: its group's
    ``group_key`` (the folded name) and its resource's ``url`` and ``title_key``; and the
    resource's ``title`` (what the calendar's event says)."""
    return rows(
        conn,
        "SELECT g.id, p.name_key AS group_key, r.url, r.title_key, r.title FROM group_reading g"
        " JOIN pgroup p ON p.id = g.group_id JOIN resource r ON r.id = g.resource_id",
    )


# ---- `pln due`: a recent resource to share with someone due a reconnect -------------------


def recent_topics(conn: Conn, *, since: str) -> list[Any]:
    """Resources added since ``since``, newest first, one row per topic: ``id``, ``title``,
    ``topic``."""
    return rows(
        conn,
        "SELECT r.id, r.title, t.topic FROM resource r"
        " JOIN resource_topic t ON t.resource_id = r.id WHERE r.created_at >= ?"
        " ORDER BY r.created_at DESC, r.id DESC, t.key",
        (since,),
    )


def interests_of(conn: Conn, ids: Sequence[int]) -> list[Any]:
    """These people's topics and seeks: ``person_id``, ``key``.

    ``kind || ''`` keeps SQLite off the (kind, key, person_id) index, which it would
    otherwise pick and read every topic and seek of the book through (10 ms and 45M
    instructions of `pln due --json` at 10,000 people); it reads the few people's rows by
    the (person_id, kind, key) one instead."""
    if not ids:
        return []
    return rows(
        conn,
        "SELECT person_id, key FROM person_attr WHERE kind || '' IN ('topic', 'seeks')"
        f" AND person_id IN ({marks(len(ids))})",
        list(ids),
    )


def already_shared(conn: Conn, ids: Sequence[int], rids: Sequence[int]) -> set[tuple[int, int]]:
    """(person, resource) pairs among these that went either way already."""
    if not ids or not rids:
        return set()
    return {
        (r.person_id, r.resource_id)
        for r in rows(
            conn,
            "SELECT ip.person_id, s.resource_id FROM interaction_resource s"
            " JOIN interaction_person ip ON ip.interaction_id = s.interaction_id"
            f" WHERE ip.person_id IN ({marks(len(ids))})"
            f" AND s.resource_id IN ({marks(len(rids))})",
            [*ids, *rids],
        )
    }
