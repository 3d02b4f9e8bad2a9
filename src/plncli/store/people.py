"""People: ``person`` and its list values (``person_attr``), finding people by id, name,
prefix or email, and the events people were met at.

Every statement here is the SQL both engines share. Columns named in ``update_person``
and ``person_fields`` come from the services' own constants, never from the user. The
full-text index is ``store/search.py``; merging two records is ``store/merge.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..lean import TYPE_CHECKING
from . import Conn, execute, insert_id, marks, row, rows, scalar

if TYPE_CHECKING:
    from typing import Any, Literal

    Scope = Literal["active", "archived", "all"]

_SCOPE = {
    "active": "archived_at IS NULL",
    "archived": "archived_at IS NOT NULL",
    "all": "TRUE",
}

# ---- finding people ------------------------------------------------------------------------


def person_by_id(conn: Conn, pid: int, scope: Scope = "all") -> Any | None:
    """(id, name) of the person with this id, if they are in ``scope``."""
    return row(conn, f"SELECT id, name FROM person WHERE id = ? AND {_SCOPE[scope]}", (pid,))


def archived_notes(conn: Conn, pid: int) -> str | None:
    """The notes of an archived person (None: no such archived person)."""
    found = scalar(
        conn, "SELECT notes FROM person WHERE id = ? AND archived_at IS NOT NULL", (pid,)
    )
    return None if found is None else str(found)


def people_by_name_key(conn: Conn, key: str, scope: Scope = "all") -> list[Any]:
    """(id, name) of everyone whose folded name is ``key``, oldest first."""
    return rows(
        conn,
        f"SELECT id, name FROM person WHERE name_key = ? AND {_SCOPE[scope]} ORDER BY id",
        (key,),
    )


def people_by_name_prefix(conn: Conn, key: str, scope: Scope = "all") -> list[Any]:
    """(id, name) of up to 50 people whose folded name, or a word of it, starts with ``key``."""
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return rows(
        conn,
        "SELECT id, name FROM person WHERE (name_key LIKE ? ESCAPE '\\'"
        f" OR name_key LIKE ? ESCAPE '\\') AND {_SCOPE[scope]} ORDER BY name_key LIMIT 50",
        (like + "%", "% " + like + "%"),
    )


def name_keys(conn: Conn, scope: Scope = "all") -> list[Any]:
    """(id, name, name_key) of everyone in ``scope``: the archived first, then the others,
    each by id (the same on both engines; an import takes the last of a name: a person not
    archived before a record `pln merge` put away)."""
    return rows(
        conn,
        f"SELECT id, name, name_key FROM person WHERE {_SCOPE[scope]}"
        " ORDER BY archived_at IS NULL, id",
    )


def ids_and_names_by_key(conn: Conn, scope: Scope = "all") -> dict[str, list[tuple[int, str]]]:
    """Everyone in ``scope`` as (id, name), grouped by folded name, in the book's order.

    Grouped here from the statement's own columns: close spellings compare every name."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    sql = f"SELECT id, name, name_key FROM person WHERE {_SCOPE[scope]}"
    for pid, name, key in conn.execute(sql):
        grouped.setdefault(key, []).append((pid, name))
    return grouped


def find_by_name_key(conn: Conn, key: str, *, other_than: int = 0) -> Any | None:
    """(id, name) of the oldest person (archived or not) whose folded name is ``key``."""
    return row(
        conn,
        "SELECT id, name FROM person WHERE name_key = ? AND id != ? ORDER BY id",
        (key, other_than),
    )


def find_by_email(conn: Conn, keys: list[str], *, other_than: int = 0) -> Any | None:
    """(id, name) of the oldest person holding one of these folded emails."""
    if not keys:
        return None
    return row(
        conn,
        "SELECT p.id, p.name FROM person_attr a JOIN person p ON p.id = a.person_id"
        f" WHERE a.kind = 'email' AND a.key IN ({marks(len(keys))})"
        " AND p.id != ? ORDER BY p.id",
        (*keys, other_than),
    )


def archived_at(conn: Conn, pid: int) -> str | None:
    """When the person was archived (None if active or unknown)."""
    value = scalar(conn, "SELECT archived_at FROM person WHERE id = ?", (pid,))
    return None if value is None else str(value)


# ---- writing people ------------------------------------------------------------------------


def insert_person(conn: Conn, fields: Mapping[str, object]) -> int:
    """A new person from these columns; their id."""
    cols = ", ".join(fields)
    return insert_id(
        conn,
        f"INSERT INTO person ({cols}) VALUES ({marks(len(fields))})",
        tuple(fields.values()),
    )


def update_person(conn: Conn, pid: int, sets: Mapping[str, object]) -> None:
    """Set these columns of one person."""
    assignments = ", ".join(f"{col} = ?" for col in sets)
    execute(conn, f"UPDATE person SET {assignments} WHERE id = ?", (*sets.values(), pid))


def set_archived_at(conn: Conn, pid: int, at: str | None, *, updated_at: str) -> None:
    execute(
        conn,
        "UPDATE person SET archived_at = ?, updated_at = ? WHERE id = ?",
        (at, updated_at, pid),
    )


def add_attr(conn: Conn, pid: int, kind: str, value: str, key: str) -> None:
    """One list value (email, topic, ...); a value the person already has is kept as is."""
    execute(
        conn,
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?,?,?,?)"
        " ON CONFLICT DO NOTHING",
        (pid, kind, value, key),
    )


def attrs_with_keys(conn: Conn, pid: int) -> list[Any]:
    """Every list value of one person: ``kind``, ``value``, ``key``, in the order added."""
    return rows(
        conn, "SELECT kind, value, key FROM person_attr WHERE person_id = ? ORDER BY id", (pid,)
    )


def delete_attrs(conn: Conn, pid: int, kind: str) -> None:
    """Every value of one kind the person has."""
    execute(conn, "DELETE FROM person_attr WHERE person_id = ? AND kind = ?", (pid, kind))


def delete_attr(conn: Conn, pid: int, kind: str, key: str) -> int:
    """One value of the person (by its folded key); how many were removed (0 or 1)."""
    return execute(
        conn,
        "DELETE FROM person_attr WHERE person_id = ? AND kind = ? AND key = ?",
        (pid, kind, key),
    )


# ---- events people were met at -------------------------------------------------------------


def event_id_by_key(conn: Conn, key: str) -> int | None:
    value = scalar(conn, "SELECT id FROM event WHERE name_key = ?", (key,))
    return None if value is None else int(value)


def insert_event(
    conn: Conn, name: str, key: str, on: str, *, place: str | None, created_at: str
) -> int:
    return insert_id(
        conn,
        'INSERT INTO event (name, name_key, "on", place, created_at) VALUES (?,?,?,?,?)',
        (name, key, on, place, created_at),
    )
