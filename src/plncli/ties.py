"""Who knows whom: ties between contacts, groups, and private marks."""

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from .db import to_db_time
from .errors import Conflict, InvalidInput, NotFound
from .resolve import PersonRef
from .text import clean_line, clean_text, fold, topic_key


def _pair(a: PersonRef, b: PersonRef) -> tuple[int, int]:
    if a.id == b.id:
        raise InvalidInput(f"{a.name} is the same person twice", "name two different people")
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


def add_tie(
    conn: sqlite3.Connection,
    a: PersonRef,
    b: PersonRef,
    *,
    since: date | None,
    note: str,
    source: str,
    now: datetime,
    since_precision: str | None = None,
) -> bool:
    """Record that a and b know each other; False if that was already known.
    ``since_precision``: "year"/"month" when only that much of ``since`` is known."""
    x, y = _pair(a, b)
    note = clean_text(note, "note")
    precision = since_precision if since else None
    cur = conn.execute(
        "INSERT OR IGNORE INTO tie (a_id, b_id, since, note, source, created_at,"
        " since_precision) VALUES (?,?,?,?,?,?,?)",
        (x, y, since.isoformat() if since else None, note, source, to_db_time(now), precision),
    )
    if cur.rowcount == 0 and (since or note):
        conn.execute(
            "UPDATE tie SET since = coalesce(?, since), since_precision = CASE WHEN ? IS NULL"
            " THEN since_precision ELSE ? END, note = CASE WHEN ? = '' THEN note"
            " ELSE ? END WHERE a_id = ? AND b_id = ?",
            (since.isoformat() if since else None, since, precision, note, note, x, y),
        )
    return cur.rowcount == 1


def tie_everyone(
    conn: sqlite3.Connection, ids: list[int], *, since: date, source: str, now: datetime
) -> None:
    """People in one conversation know each other."""
    pairs = [(x, y) for i, x in enumerate(sorted(ids)) for y in sorted(ids)[i + 1 :]]
    bulk_insert_ties(conn, pairs, since=since, source=source, now=now)


def bulk_insert_ties(
    conn: sqlite3.Connection,
    pairs: Iterable[tuple[int, int]],
    *,
    since: date | None = None,
    source: str = "import",
    now: datetime | None = None,
) -> None:
    stamp = to_db_time(now or datetime.now().astimezone())
    day = since.isoformat() if since else None
    conn.executemany(
        "INSERT OR IGNORE INTO tie (a_id, b_id, since, note, source, created_at)"
        " VALUES (?, ?, ?, '', ?, ?)",
        ((min(x, y), max(x, y), day, source, stamp) for x, y in pairs if x != y),
    )


def remove_tie(conn: sqlite3.Connection, a: PersonRef, b: PersonRef) -> None:
    x, y = _pair(a, b)
    if conn.execute("DELETE FROM tie WHERE a_id = ? AND b_id = ?", (x, y)).rowcount == 0:
        raise NotFound(
            f"no tie between {a.name} and {b.name} is recorded", f"see `pln knows '{a.name}'`"
        )


class Acquaintance(NamedTuple):
    person: PersonRef
    since: date | None
    how: str  # "tie: <source>", or "group: <name>"
    note: str
    since_precision: str | None = None  # "year"/"month": since is that period's first day


def acquaintances(conn: sqlite3.Connection, person: PersonRef) -> list[Acquaintance]:
    """Whom this person knows: recorded ties, then fellow group members."""
    rows = conn.execute(
        "SELECT p.id, p.name, t.since, t.source, t.note, t.since_precision FROM tie t"
        " JOIN person p ON p.id = CASE WHEN t.a_id = ? THEN t.b_id ELSE t.a_id END"
        " WHERE (t.a_id = ? OR t.b_id = ?) AND p.archived_at IS NULL ORDER BY p.name_key",
        (person.id, person.id, person.id),
    ).fetchall()
    out = [
        Acquaintance(
            PersonRef(r[0], r[1]), date.fromisoformat(r[2]) if r[2] else None, r[3], r[4], r[5]
        )
        for r in rows
    ]
    seen = {a.person.id for a in out} | {person.id}
    for pid, name, group in conn.execute(
        "SELECT p.id, p.name, g.name FROM pgroup_member m JOIN pgroup_member o"
        " ON o.group_id = m.group_id JOIN person p ON p.id = o.person_id"
        " JOIN pgroup g ON g.id = m.group_id WHERE m.person_id = ? AND p.archived_at IS NULL"
        " ORDER BY p.name_key",
        (person.id,),
    ):
        if pid not in seen:
            seen.add(pid)
            out.append(Acquaintance(PersonRef(pid, name), None, f"group {group}", ""))
    return out


# ---- groups ---------------------------------------------------------------------------


class Group(NamedTuple):
    id: int
    name: str


def find_group(conn: sqlite3.Connection, name: str) -> Group:
    row = conn.execute("SELECT id, name FROM pgroup WHERE name_key = ?", (fold(name),)).fetchone()
    if row is None:
        raise NotFound(f"there is no group called {name!r}", "see `pln group list`")
    return Group(row[0], row[1])


def ensure_group(conn: sqlite3.Connection, name: str, *, now: datetime) -> tuple[Group, bool]:
    text = clean_line(name, "group name")
    row = conn.execute("SELECT id, name FROM pgroup WHERE name_key = ?", (fold(text),)).fetchone()
    if row:
        return Group(row[0], row[1]), False
    cur = conn.execute(
        "INSERT INTO pgroup (name, name_key, created_at) VALUES (?,?,?)",
        (text, fold(text), to_db_time(now)),
    )
    return Group(int(cur.lastrowid or 0), text), True


def add_members(
    conn: sqlite3.Connection, group: Group, people: list[PersonRef]
) -> tuple[list[PersonRef], list[PersonRef]]:
    """Add each person (once, however often named); return (added, already members)."""
    added: list[PersonRef] = []
    already: list[PersonRef] = []
    for person in {p.id: p for p in people}.values():
        cur = conn.execute(
            "INSERT OR IGNORE INTO pgroup_member (group_id, person_id) VALUES (?, ?)",
            (group.id, person.id),
        )
        (added if cur.rowcount else already).append(person)
    return added, already


def remove_members(conn: sqlite3.Connection, group: Group, people: list[PersonRef]) -> None:
    for person in people:
        cur = conn.execute(
            "DELETE FROM pgroup_member WHERE group_id = ? AND person_id = ?",
            (group.id, person.id),
        )
        if cur.rowcount == 0:
            raise InvalidInput(f"{person.name} is not in {group.name}", "see `pln group show`")


def delete_group(conn: sqlite3.Connection, group: Group) -> None:
    conn.execute("DELETE FROM pgroup WHERE id = ?", (group.id,))


def members(conn: sqlite3.Connection, group: Group) -> list[PersonRef]:
    return [
        PersonRef(r[0], r[1])
        for r in conn.execute(
            "SELECT p.id, p.name FROM pgroup_member m JOIN person p ON p.id = m.person_id"
            " WHERE m.group_id = ? AND p.archived_at IS NULL ORDER BY p.name_key",
            (group.id,),
        )
    ]


class GroupRow(NamedTuple):
    id: int
    name: str
    members: int
    private: bool


def list_groups(conn: sqlite3.Connection) -> list[GroupRow]:
    return [
        GroupRow(r[0], r[1], r[2], bool(r[3]))
        for r in conn.execute(
            "SELECT g.id, g.name, count(p.id), EXISTS (SELECT 1 FROM private_mark"
            "   WHERE kind = 'group' AND key = g.name_key)"
            " FROM pgroup g LEFT JOIN pgroup_member m ON m.group_id = g.id"
            " LEFT JOIN person p ON p.id = m.person_id AND p.archived_at IS NULL"
            " GROUP BY g.id ORDER BY g.name_key"
        )
    ]


# ---- private marks ------------------------------------------------------------------

PRIVATE_KINDS = ("topic", "event", "group")


def private_key(kind: str, name: str) -> str:
    return topic_key(name) if kind == "topic" else fold(name)


def set_private(
    conn: sqlite3.Connection, kind: str, name: str, *, private: bool, now: datetime
) -> None:
    if kind not in PRIVATE_KINDS:
        raise InvalidInput(f"cannot mark a {kind!r} private", "use topic, event or group")
    text = clean_line(name, kind)
    key = private_key(kind, text)
    table = {"event": "event", "group": "pgroup"}.get(kind)
    known = (
        table is None
        or conn.execute(f"SELECT 1 FROM {table} WHERE name_key = ?", (key,)).fetchone()
    )
    if private and not known:
        raise NotFound(
            f"there is no {kind} called {text!r}",
            f"see `pln {kind}s`" if kind == "event" else "see `pln group list`",
        )
    if private:
        cur = conn.execute(
            "INSERT OR IGNORE INTO private_mark (kind, key, name, created_at) VALUES (?,?,?,?)",
            (kind, key, text, to_db_time(now)),
        )
        if cur.rowcount == 0:
            raise Conflict(f"the {kind} {text!r} is already private")
    elif (
        conn.execute("DELETE FROM private_mark WHERE kind = ? AND key = ?", (kind, key)).rowcount
        == 0
    ):
        raise NotFound(f"the {kind} {text!r} is not marked private", "see `pln private`")


def private_marks(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [
        (r[0], r[1]) for r in conn.execute("SELECT kind, name FROM private_mark ORDER BY kind, key")
    ]
