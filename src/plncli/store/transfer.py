"""Bulk reads for export and bulk writes for import and restore.

Engine-specific, and only here: the export keeps each table's insertion order
(``ORDER BY rowid``, which tables without an integer key need to come back out as they
went in), a restore defers foreign keys and reads a table's columns with SQLite's
``PRAGMA``s, and the people export takes the local day of an instant with SQLite's
``date(..., 'localtime')`` (as ``due.py`` and ``views.py`` do). Imported people get
their ids from ``next_person_id`` (one more than the largest), so that a whole file is
inserted in one ``executemany``. Table and column names passed in come from
``migrations.UNDONE_TABLES`` and the table's own columns, never from a file unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from . import Conn, column, execute, execute_many, marks, row, rows, scalar

# ---- import --------------------------------------------------------------------------------


def email_owners(conn: Conn) -> list[Any]:
    """(id, name, key) for every email in the book: who holds each folded address."""
    return rows(
        conn,
        "SELECT p.id, p.name, a.key FROM person_attr a JOIN person p ON p.id = a.person_id"
        " WHERE a.kind = 'email'",
    )


def person_keys(conn: Conn) -> list[Any]:
    """(id, name_key) of everyone, archived or not."""
    return rows(conn, "SELECT id, name_key FROM person")


def merge_target(conn: Conn, pid: int) -> Any | None:
    """What an imported record is compared with: the person's single values (``met_at``
    the event's name) and notes."""
    return row(
        conn,
        "SELECT p.org, p.role, p.location, p.birthday, e.name AS met_at, p.met_on, p.circle,"
        " p.notes FROM person p LEFT JOIN event e ON e.id = p.met_at_id WHERE p.id = ?",
        (pid,),
    )


def next_person_id(conn: Conn) -> int:
    """One more than the largest person id: the first id a bulk insert gives."""
    return int(scalar(conn, "SELECT coalesce(max(id), 0) FROM person")) + 1


def insert_people(conn: Conn, people: Sequence[Mapping[str, object]]) -> None:
    """Many new people at once, each with its ``id`` and the same columns."""
    if not people:
        return
    cols = list(people[0])
    execute_many(
        conn,
        f"INSERT INTO person ({', '.join(cols)}) VALUES ({marks(len(cols))})",
        list(map(itemgetter(*cols), people)),
    )


def insert_attrs(conn: Conn, values: Sequence[tuple[int, str, str, str]]) -> None:
    """Many (person_id, kind, value, key) list values; one a person has is kept as is."""
    execute_many(
        conn,
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?,?,?,?)"
        " ON CONFLICT DO NOTHING",
        values,
    )


def fill_person(conn: Conn, pid: int, fields: Mapping[str, object], *, updated_at: str) -> None:
    """Each of the person's empty single values takes the one given (``fields``: org, role,
    location, birthday, met_at_id, notes); notes given go after the person's own, unless
    already among them."""
    notes = fields["notes"]
    execute(
        conn,
        "UPDATE person SET org = coalesce(org, ?), role = coalesce(role, ?),"
        " location = coalesce(location, ?), birthday = coalesce(birthday, ?),"
        " met_at_id = coalesce(met_at_id, ?),"
        " notes = CASE WHEN ? = '' OR replace(notes, ?, '') != notes THEN notes"
        " WHEN notes = '' THEN ? ELSE notes || ? || ? END,"
        " updated_at = ? WHERE id = ?",
        (
            fields["org"],
            fields["role"],
            fields["location"],
            fields["birthday"],
            fields["met_at_id"],
            notes,
            notes,
            notes,
            "\n",
            notes,
            updated_at,
            pid,
        ),
    )


# ---- pln's own JSON ------------------------------------------------------------------------


def table_chunks(conn: Conn, table: str, size: int = 5000) -> tuple[list[str], Iterator[list[Any]]]:
    """A table's column names, and its rows in insertion order, ``size`` rows at a time."""
    cur = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
    cols = [str(d[0]) for d in cur.description]

    def chunks() -> Iterator[list[Any]]:
        while chunk := cur.fetchmany(size):
            yield chunk

    return cols, chunks()


def tables_holding_rows(conn: Conn, tables: Sequence[str]) -> list[str]:
    """Those of ``tables`` that hold at least one row."""
    return [t for t in tables if column(conn, f"SELECT 1 FROM {t} LIMIT 1")]


def defer_foreign_keys(conn: Conn) -> None:
    """Check foreign keys at commit, not row by row (tables restore in any order)."""
    execute(conn, "PRAGMA defer_foreign_keys = ON")


def columns_of(conn: Conn, table: str) -> set[str]:
    return {r.name for r in rows(conn, f"PRAGMA table_info('{table}')")}


def insert_rows(
    conn: Conn, table: str, cols: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """Rows of one table, ids and all (``cols`` checked against ``columns_of`` first)."""
    names = ",".join('"' + c + '"' for c in cols)
    execute_many(conn, f"INSERT INTO {table} ({names}) VALUES ({marks(len(cols))})", values)


def log_restore(conn: Conn, *, at: str, command: str, summary: str) -> None:
    """The history entry of a restore (which is not undone row by row)."""
    execute(
        conn,
        "INSERT INTO change_log (at, command, kind, summary) VALUES (?, ?, 'restore', ?)",
        (at, command, summary),
    )


# ---- people for CSV and vCard --------------------------------------------------------------


def attrs_by_person(conn: Conn) -> dict[int, dict[str, list[str]]]:
    """Every person's list values by kind, each list in the order the values were added.

    Grouped here, from the statement's own columns, rather than handed out as a named
    row per value: a book of 10k people holds ~40k values."""
    grouped: dict[int, dict[str, list[str]]] = {}
    sql = "SELECT person_id, kind, value FROM person_attr ORDER BY id"
    for pid, kind, value in conn.execute(sql):
        grouped.setdefault(pid, {}).setdefault(kind, []).append(value)
    return grouped


def names_known(conn: Conn) -> dict[int, list[str]]:
    """The names of the people each person has a tie with, in the order ties were recorded."""
    known: dict[int, list[str]] = {}
    for a, b, a_name, b_name in conn.execute(
        "SELECT t.a_id, t.b_id, pa.name, pb.name FROM tie t JOIN person pa ON pa.id = t.a_id"
        " JOIN person pb ON pb.id = t.b_id ORDER BY t.rowid"
    ):
        known.setdefault(a, []).append(b_name)
        known.setdefault(b, []).append(a_name)
    return known


def people_for_export(conn: Conn) -> list[Any]:
    """Every active person's single values, by folded name (``met_at`` the event's name,
    ``last_contact`` the local day)."""
    return rows(
        conn,
        "SELECT p.id, p.name, p.org, p.role, p.location, p.circle, p.notes, e.name AS met_at,"
        " p.met_on, p.birthday, date(p.last_contact_at, 'localtime') AS last_contact,"
        " p.met_on_precision FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
        " WHERE p.archived_at IS NULL ORDER BY p.name_key",
    )
