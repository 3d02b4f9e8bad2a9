"""A shared book as a whole: `pln db status` and `pln db check` on PostgreSQL.

SQLite checks its file (``PRAGMA integrity_check``, ``foreign_key_check``); a server keeps
its own pages, so what can go wrong with a shared book is what pln built on it, changed
by hand: a capture trigger dropped or disabled (changes would go unrecorded and could not
be undone), a foreign key whose enforcement was turned off (``DISABLE TRIGGER ALL``,
``session_replication_role``) and the rows it let through, a constraint left unvalidated,
people missing from the search index. ``health`` reads all of it in a READ ONLY
transaction: checking never changes the book.
"""

from __future__ import annotations

from typing import NamedTuple, cast

from ...migrations import UNDONE_TABLES
from .. import Conn, row, rows, scalar
from . import ID_TABLES, PgConn
from .schema import KEY_COUNT_TRIGGERS


def _store(conn: PgConn) -> Conn:
    """The store's row functions take ``Conn`` (sqlite3's type); the adapter speaks it."""
    return cast(Conn, conn)


_MAY_WRITE = (
    "has_table_privilege('person', 'INSERT') AND has_table_privilege('person', 'UPDATE')"
    " AND has_table_privilege('person', 'DELETE')"
)


def may_write(conn: PgConn) -> bool:
    """Whether the connected role may change the book (its write role, or its owner)."""
    return bool(scalar(_store(conn), f"SELECT {_MAY_WRITE}"))


class Facts(NamedTuple):
    server: str
    database: str
    role: str
    may_write: bool
    size_bytes: int
    schema_version: int


def facts(conn: PgConn) -> Facts:
    """Where the book is, who you are on it, and its size and schema (`pln db status`)."""
    found = row(
        _store(conn),
        "SELECT current_database() AS database, current_user AS role,"
        " pg_database_size(current_database()) AS size_bytes,"
        " (SELECT max(version) FROM pln_version) AS schema_version,"
        f" {_MAY_WRITE} AS may_write",
    )
    assert found is not None
    info = conn.raw.info
    server = f"{info.host}:{info.port}"
    return Facts(
        server,
        str(found.database),
        str(found.role),
        bool(found.may_write),
        int(found.size_bytes),
        int(found.schema_version),
    )


# The triggers pln's book cannot do without, by table.
def _expected_triggers() -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for table in UNDONE_TABLES:
        expected.setdefault(table, set()).update({"pln_capture_write", "pln_capture_delete"})
        if table in ID_TABLES:
            expected[table].add("pln_rowid")
    expected.setdefault("change_log", set()).add("pln_author")
    expected["person_attr"].add("pln_person_topics")
    for table, names in KEY_COUNT_TRIGGERS.items():
        expected.setdefault(table, set()).update(names)
    return expected


_WHAT = {
    "pln_capture_write": "the history capture trigger (writes)",
    "pln_capture_delete": "the history capture trigger (deletes)",
    "pln_rowid": "the rowid trigger",
    "pln_author": "the author trigger",
    "pln_person_topics": "the trigger that keeps `pln list`'s topics",
    **dict.fromkeys(
        [*KEY_COUNT_TRIGGERS["person"], *KEY_COUNT_TRIGGERS["key_count_pending"]],
        "a trigger that keeps `pln introduce --for`'s counts",
    ),
}


def _trigger_problems(conn: PgConn) -> list[str]:
    found = {
        (r.tbl, r.name): r.enabled
        for r in rows(
            _store(conn),
            "SELECT c.relname AS tbl, t.tgname AS name, t.tgenabled AS enabled"
            " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace",
        )
    }
    problems = []
    for table, names in sorted(_expected_triggers().items()):
        for name in sorted(names):
            state = found.get((table, name))
            if state is None:
                problems.append(f"{_WHAT[name]} is missing on {table}")
            elif state == "D":
                problems.append(f"{_WHAT[name]} is disabled on {table}")
    return problems


def _constraint_problems(conn: PgConn) -> list[str]:
    """Foreign keys whose enforcement is off, and constraints never validated."""
    off = rows(
        _store(conn),
        "SELECT DISTINCT c.relname AS tbl FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        " WHERE t.tgisinternal AND t.tgconstraint <> 0 AND t.tgenabled = 'D'"
        " AND c.relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    unchecked = rows(
        _store(conn),
        "SELECT conrelid::regclass::text AS tbl, conname AS name FROM pg_constraint"
        " WHERE NOT convalidated AND connamespace = 'public'::regnamespace ORDER BY 1, 2",
    )
    return [f"foreign keys are not enforced on {r.tbl}" for r in off] + [
        f"constraint {r.name} on {r.tbl} was never validated" for r in unchecked
    ]


def _search_problems(conn: PgConn) -> list[str]:
    missing = int(
        scalar(
            _store(conn),
            "SELECT count(*) FROM person p"
            " WHERE NOT EXISTS (SELECT 1 FROM person_search s WHERE s.person_id = p.id)",
        )
    )
    return [f"{missing} people are missing from the search index"] if missing else []


_FOREIGN_KEYS = """
SELECT con.conrelid::regclass::text AS child, con.confrelid::regclass::text AS parent,
 (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(con.conkey)
    WITH ORDINALITY AS k(attnum, n)
  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS cols,
 (SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(con.confkey)
    WITH ORDINALITY AS k(attnum, n)
  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS refs
FROM pg_constraint con
WHERE con.contype = 'f' AND con.connamespace = 'public'::regnamespace
ORDER BY 1, con.conname
"""


def foreign_key_problems(conn: PgConn) -> int:
    """Rows that name a row that is not there (as SQLite's ``foreign_key_check``): none can
    be while the keys are enforced, so a count above 0 means someone turned them off."""
    total = 0
    for fk in rows(_store(conn), _FOREIGN_KEYS):
        present = " AND ".join(f'c."{c}" IS NOT NULL' for c in fk.cols)
        same = " AND ".join(f'p."{r}" = c."{c}"' for c, r in zip(fk.cols, fk.refs, strict=True))
        total += int(
            scalar(
                _store(conn),
                f"SELECT count(*) FROM {fk.child} c WHERE {present}"
                f" AND NOT EXISTS (SELECT 1 FROM {fk.parent} p WHERE {same})",
            )
        )
    return total


class Health(NamedTuple):
    problems: list[str]  # empty when the book is sound
    foreign_key_problems: int
    schema_version: int


def health(conn: PgConn) -> Health:
    """Everything `pln db check` looks at, read in one READ ONLY transaction."""
    conn.rollback()  # a fresh transaction, read only from its first statement
    conn.raw.execute("SET TRANSACTION READ ONLY")
    try:
        problems = _trigger_problems(conn) + _constraint_problems(conn) + _search_problems(conn)
        fk = foreign_key_problems(conn)
        version = int(scalar(_store(conn), "SELECT max(version) FROM pln_version"))
    finally:
        conn.rollback()
    return Health(problems, fk, version)
