"""Bulk reads for export and bulk writes for import and restore.

Engine-specific, and only here, in functions named ``*_sqlite`` with a ``*_pg`` twin
(``store.is_pg`` chooses): a restore defers foreign keys (SQLite's ``PRAGMA``;
PostgreSQL's ``SET CONSTRAINTS``) and reads a table's columns (``PRAGMA table_info``;
``pg_attribute``, without the ``rowid`` column a shared book adds), and on PostgreSQL
then moves each table's id sequence past the ids it restored; new people's ids
(``new_person_ids``: one more than the largest and on, on SQLite, so that a whole file
is inserted in one ``executemany``; on PostgreSQL taken from the person id sequence, as
`pln add` takes one); the people export's order (SQLite compares bytes, PostgreSQL
``COLLATE "C"``). The export keeps each table's insertion
order (``ORDER BY rowid``: SQLite's own, a real column on a shared book) and, on
PostgreSQL, reads every table in one snapshot through a server-side cursor (memory stays
flat, and other members' writes meanwhile are not half in it). Table and column names
passed in come from ``migrations.UNDONE_TABLES`` and the table's own columns, never from
a file unchecked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from . import Conn, column, execute, execute_many, is_pg, marks, rows, scalar

# ---- import --------------------------------------------------------------------------------


def email_owners(conn: Conn) -> list[Any]:
    """(id, name, key) for every email in the book: who holds each folded address; the
    archived first, then the others, each by id (an import takes the last: a person not
    archived before the record `pln merge` put away, which kept its emails)."""
    return rows(
        conn,
        "SELECT p.id, p.name, a.key FROM person_attr a JOIN person p ON p.id = a.person_id"
        " WHERE a.kind = 'email' ORDER BY p.archived_at IS NULL, p.id",
    )


def person_keys(conn: Conn) -> list[Any]:
    """(id, name_key) of everyone, archived or not: the archived first, as ``email_owners``."""
    return rows(conn, "SELECT id, name_key FROM person ORDER BY archived_at IS NULL, id")


def person_uids(conn: Conn) -> list[Any]:
    """(id, name, uid) of everyone who has a UID, archived or not."""
    return rows(conn, "SELECT id, name, uid FROM person WHERE uid IS NOT NULL")


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """``ids`` a few hundred at a time: an ``IN (...)`` list well under either engine's
    limit on parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def held_values(conn: Conn, ids: Sequence[int]) -> dict[int, Any]:
    """What an imported record is compared with, for each of these people (by id): the
    single values a card carries (``name``, ``org``, ``role``, ``location``,
    ``birthday``, ``notes``, ``uid``) and those a merge compares besides (``met_at`` the
    event's name, ``met_on``, ``met_on_precision``, ``circle``, ``cadence``,
    ``introduced_by`` the introducer's name)."""
    found: dict[int, Any] = {}
    for chunk in _chunks(ids):
        for r in rows(
            conn,
            "SELECT p.id, p.name, p.org, p.role, p.location, p.birthday, p.notes, p.uid,"
            " e.name AS met_at, p.met_on, p.met_on_precision, p.circle, p.cadence,"
            " i.name AS introduced_by FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
            f" LEFT JOIN person i ON i.id = p.introduced_by_id WHERE p.id IN ({marks(len(chunk))})",
            chunk,
        ):
            found[r.id] = r
    return found


def attr_keys_of(conn: Conn, ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    """These people's list values by kind, as their folded keys, by person id."""
    found: dict[int, dict[str, set[str]]] = {}
    for chunk in _chunks(ids):
        sql = (
            f"SELECT person_id, kind, key FROM person_attr WHERE person_id IN ({marks(len(chunk))})"
        )
        for pid, kind, key in conn.execute(sql, chunk):
            found.setdefault(pid, {}).setdefault(kind, set()).add(key)
    return found


def ties_of_people(conn: Conn, ids: Sequence[int]) -> set[tuple[int, int]]:
    """Every tie (a_id, b_id) one of these people has."""
    found: set[tuple[int, int]] = set()
    for chunk in _chunks(ids):
        listed = marks(len(chunk))
        sql = f"SELECT a_id, b_id FROM tie WHERE a_id IN ({listed}) OR b_id IN ({listed})"
        found.update((a, b) for a, b in conn.execute(sql, [*chunk, *chunk]))
    return found


def people_without_uid(conn: Conn) -> list[int]:
    """The ids of people with no UID (restored from an export older than UIDs)."""
    return column(conn, "SELECT id FROM person WHERE uid IS NULL ORDER BY id")


def uid_of(conn: Conn, pid: int) -> str | None:
    value = scalar(conn, "SELECT uid FROM person WHERE id = ?", (pid,))
    return None if value is None else str(value)


def set_uid(conn: Conn, pid: int, uid: str) -> None:
    execute(conn, "UPDATE person SET uid = ? WHERE id = ?", (uid, pid))


def last_change(conn: Conn, before: int | None = None) -> int:
    """The id of the newest entry of the history (older than ``before``, the change a
    transaction has opened), 0 when there is none: every write pln makes adds one, so
    an import sees by it whether the book changed since it was planned."""
    if before is None:
        return int(scalar(conn, "SELECT coalesce(max(id), 0) FROM change_log"))
    return int(scalar(conn, "SELECT coalesce(max(id), 0) FROM change_log WHERE id < ?", (before,)))


def new_person_ids(conn: Conn, count: int) -> list[int]:
    """Ids for ``count`` new people, ascending (a bulk insert gives them)."""
    return new_person_ids_pg(conn, count) if is_pg(conn) else new_person_ids_sqlite(conn, count)


def new_person_ids_sqlite(conn: Conn, count: int) -> list[int]:
    """SQLite only: one more than the largest id and on, as SQLite itself gives a new row
    (the book has one writer at a time, and a rolled-back insert leaves no gap)."""
    first = int(scalar(conn, "SELECT coalesce(max(id), 0) FROM person")) + 1
    return list(range(first, first + count))


def new_person_ids_pg(conn: Conn, count: int) -> list[int]:
    """``count`` ids taken from the person id sequence (after it has caught up with the
    largest id: never one a person has had), as `pln add` takes them. The book's write
    lock is held, so they follow each other unless a tool other than pln takes one."""
    if count == 0:
        return []
    catch_up_pg(conn, "person")
    return column(
        conn,
        "SELECT nextval(pg_get_serial_sequence('person', 'id')) AS id"
        " FROM generate_series(1, ?) ORDER BY 1",
        (count,),
    )


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


def date_meeting(conn: Conn, pid: int, met_on: str, precision: str | None) -> None:
    """The day met, if the person names no event yet: a record whose event is about to
    fill theirs brings its day (the meeting is one fact), before ``fill_person``."""
    execute(
        conn,
        "UPDATE person SET met_on = ?, met_on_precision = ? WHERE id = ? AND met_at_id IS NULL",
        (met_on, precision, pid),
    )


def fill_person(conn: Conn, pid: int, fields: Mapping[str, object], *, updated_at: str) -> None:
    """Each of the person's empty single values takes the one given (``fields``: org, role,
    location, birthday, met_at_id, met_on with met_on_precision, cadence, notes); notes
    given go after the person's own, unless already among them."""
    notes = fields["notes"]
    execute(
        conn,
        "UPDATE person SET org = coalesce(org, ?), role = coalesce(role, ?),"
        " location = coalesce(location, ?), birthday = coalesce(birthday, ?),"
        " met_at_id = coalesce(met_at_id, ?), cadence = coalesce(cadence, ?),"
        " met_on_precision = CASE WHEN met_on IS NULL THEN ? ELSE met_on_precision END,"
        " met_on = coalesce(met_on, ?),"
        " notes = CASE WHEN ? = '' OR replace(notes, ?, '') != notes THEN notes"
        " WHEN notes = '' THEN ? ELSE notes || ? || ? END,"
        " updated_at = ? WHERE id = ?",
        (
            fields["org"],
            fields["role"],
            fields["location"],
            fields["birthday"],
            fields["met_at_id"],
            fields["cadence"],
            fields["met_on_precision"] if fields["met_on"] else None,
            fields["met_on"],
            notes,
            notes,
            notes,
            "\n",
            notes,
            updated_at,
            pid,
        ),
    )


def fill_introducer(conn: Conn, pid: int, introducer: int) -> None:
    """The person's introducer, unless they have one."""
    execute(
        conn,
        "UPDATE person SET introduced_by_id = coalesce(introduced_by_id, ?) WHERE id = ?",
        (introducer, pid),
    )


# ---- pln's own JSON ------------------------------------------------------------------------


def read_snapshot(conn: Conn) -> None:
    """The reads that follow see the book as it is now, all of them (an export's tables
    agree with each other while other members write). PostgreSQL only: a personal
    book has one writer, who is the one exporting."""
    if is_pg(conn):
        conn.commit()  # a transaction an earlier read opened: the snapshot starts anew
        execute(conn, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def table_chunks(conn: Conn, table: str, size: int = 5000) -> tuple[list[str], Iterator[list[Any]]]:
    """A table's column names, and its rows in insertion order, ``size`` rows at a time."""
    if is_pg(conn):
        return table_chunks_pg(conn, table, size)
    cur = conn.execute(f"SELECT * FROM {table} ORDER BY rowid")
    cols = [str(d[0]) for d in cur.description]

    def chunks() -> Iterator[list[Any]]:
        while chunk := cur.fetchmany(size):
            yield chunk

    return cols, chunks()


def tables_holding_rows(conn: Conn, tables: Sequence[str]) -> list[str]:
    """Those of ``tables`` that hold at least one row."""
    return [t for t in tables if column(conn, f"SELECT 1 FROM {t} LIMIT 1")]


def table_chunks_pg(conn: Conn, table: str, size: int) -> tuple[list[str], Iterator[list[Any]]]:
    """``table_chunks`` on PostgreSQL: the table's own columns (not the ``rowid`` a shared
    book adds), read through a server-side cursor, ``size`` rows a round trip."""
    cols = columns_pg(conn, table)
    names = ", ".join('"' + c + '"' for c in cols)
    cur = conn.raw.cursor(name=f"pln_export_{table}")  # type: ignore[attr-defined]
    cur.execute(f"SELECT {names} FROM {table} ORDER BY rowid")

    def chunks() -> Iterator[list[Any]]:
        try:
            while chunk := cur.fetchmany(size):
                yield chunk
        finally:
            cur.close()

    return cols, chunks()


def defer_foreign_keys(conn: Conn) -> None:
    """Check foreign keys at commit, not row by row (tables restore in any order)."""
    from .history import defer_foreign_keys as defer  # both engines' ways, in one place

    defer(conn)


def columns_of(conn: Conn, table: str) -> set[str]:
    """The columns a restored row may name."""
    return set(columns_pg(conn, table)) if is_pg(conn) else columns_sqlite(conn, table)


def columns_sqlite(conn: Conn, table: str) -> set[str]:
    """SQLite only: ``PRAGMA table_info``."""
    return {r.name for r in rows(conn, f"PRAGMA table_info('{table}')")}


def columns_pg(conn: Conn, table: str) -> list[str]:
    """A table's columns in order, but ``rowid`` (a shared book's own: ``store/pg/schema``)."""
    return column(
        conn,
        "SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
        " AND NOT attisdropped AND attname <> 'rowid' ORDER BY attnum",
        (table,),
    )


def after_restore(conn: Conn, tables: Sequence[str]) -> None:
    """What a restore of rows with their ids needs before its commit (nothing on SQLite,
    which gives a new row one more than the largest id)."""
    if is_pg(conn):
        move_sequences_pg(conn, tables)


def move_sequences_pg(conn: Conn, tables: Sequence[str]) -> None:
    """Each of these tables' id sequence catches up with its largest id, so that the next
    new row does not take a restored one's id. PostgreSQL only."""
    from .pg import ID_TABLES

    for table in (t for t in tables if t in ID_TABLES):
        catch_up_pg(conn, table)


def catch_up_pg(conn: Conn, table: str) -> None:
    """The table's id sequence moved on (never back) until it has given its largest id.

    By ``nextval``, which a member's write role may call, not ``setval``, which only the
    sequence's owner may: one call per id to skip, thousands a millisecond. PostgreSQL only."""
    seq = f"pg_get_serial_sequence('{table}', 'id')"
    scalar(
        conn,
        f"SELECT count(nextval({seq})) FROM generate_series(1,"
        f" (SELECT coalesce(max(id), 0) FROM {table})"
        f" - coalesce(pg_sequence_last_value({seq}::regclass), 0))",
    )


def insert_rows(
    conn: Conn, table: str, cols: Sequence[str], values: Sequence[Sequence[Any]]
) -> None:
    """Rows of one table, ids and all (``cols`` checked against ``columns_of`` first).
    Rows the engine refuses are a ``TypeError`` naming why (PostgreSQL's first line only:
    its details quote the values)."""
    names = ",".join('"' + c + '"' for c in cols)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks(len(cols))})"
    if not is_pg(conn):
        execute_many(conn, sql, values)
        return
    import psycopg

    try:
        execute_many(conn, sql, values)
    except (psycopg.IntegrityError, psycopg.DataError) as exc:
        raise TypeError(exc.diag.message_primary or type(exc).__name__) from None


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
    ``last_contact`` the local day, ``introduced_by`` the introducer's name)."""
    from .activity import local_day

    order = 'p.name_key COLLATE "C"' if is_pg(conn) else "p.name_key"  # byte order, as SQLite
    return rows(
        conn,
        "SELECT p.id, p.name, p.org, p.role, p.location, p.circle, p.notes, e.name AS met_at,"
        f" p.met_on, p.birthday, {local_day(conn, 'p.last_contact_at')} AS last_contact,"
        " p.met_on_precision, p.uid, p.cadence, i.name AS introduced_by FROM person p"
        " LEFT JOIN event e ON e.id = p.met_at_id"
        " LEFT JOIN person i ON i.id = p.introduced_by_id"
        f" WHERE p.archived_at IS NULL ORDER BY {order}",
    )
