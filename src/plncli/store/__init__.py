"""The store: the one home of pln's SQL (issue 13, "one store, two engines").

Layout, by aggregate (each module speaks in the domain's terms and returns named rows;
commands and services call these functions and never execute SQL themselves):

- ``people``    — person, person_attr, the search index, duplicates, merge, archive
- ``activity``  — interactions, follow-ups, kinds, what is due
- ``events``    — events and attendance, and events' private marks
- ``views``     — the read views: `pln list`, `show`, `events`, `find`
- ``history``   — change_log and undo_step: recording, undo (``forget``: forget's erasure)
- ``transfer``  — bulk reads for export and bulk writes for import and restore
- ``network``   — ties, groups, private marks, `pln who` and the stored topic keys
- ``intros``    — introductions, dismissals and their follow-ups
- ``index``     — what suggestions load: people and their keys, ties, blocked pairs, scopes

Rows: ``rows``/``row``/``scalar`` below run one statement and give NamedTuples whose fields
are the statement's column names (``SELECT id, name AS full_name`` gives ``r.id`` and
``r.full_name``), so no caller reads a row by position. Statements are written in the SQL
both engines share (``?`` parameters, no ``INSERT OR IGNORE``/``ROWID`` outside the named
engine-specific places), so that the PostgreSQL engine can run the same text.

``Conn`` is the connection type the store functions take: today the standard library's
``sqlite3.Connection`` (opened and migrated by ``db.py``).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Iterable, Sequence
from functools import partial

from ..lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    Params = Sequence[Any] | dict[str, Any]

Conn = sqlite3.Connection

_CLASSES: dict[tuple[str, ...], type[Any]] = {}


def _row_class(description: Sequence[Sequence[Any]]) -> type[Any]:
    names = tuple(str(d[0]) for d in description)
    known = _CLASSES.get(names)
    if known is None:
        known = _CLASSES[names] = namedtuple("Row", names, rename=True)
    return known


def rows(conn: Conn, sql: str, params: Params = ()) -> list[Any]:
    """Every row of one statement, as NamedTuples named by its columns."""
    cur = conn.execute(sql, params)
    if cur.description is None:
        return []
    # what ``_make`` does, without a Python call per row (the class has the row's length)
    return list(map(partial(tuple.__new__, _row_class(cur.description)), cur.fetchall()))


def row(conn: Conn, sql: str, params: Params = ()) -> Any | None:
    """The first row of one statement as a NamedTuple, or None."""
    cur = conn.execute(sql, params)
    first = cur.fetchone()
    if first is None or cur.description is None:
        return None
    return _row_class(cur.description)._make(first)


def scalar(conn: Conn, sql: str, params: Params = ()) -> Any:
    """The first column of the first row (None when there is no row)."""
    first = conn.execute(sql, params).fetchone()
    return None if first is None else first[0]


def column(conn: Conn, sql: str, params: Params = ()) -> list[Any]:
    """The first column of every row."""
    return [r[0] for r in conn.execute(sql, params).fetchall()]


def execute(conn: Conn, sql: str, params: Params = ()) -> int:
    """Run one writing statement; the new row's id for an INSERT, else the rows changed."""
    cur = conn.execute(sql, params)
    if sql.lstrip()[:6].upper() == "INSERT":
        return int(cur.lastrowid or 0)
    return int(cur.rowcount)


# RETURNING came with SQLite 3.35 (2021); a Python linked to an older library (RHEL 9 has
# 3.34) still has the cursor's lastrowid. pln's own floor is 3.27 (FTS5 remove_diacritics 2).
RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)


def insert_id(conn: Conn, sql: str, params: Params = ()) -> int:
    """Run one ``INSERT`` of one row and give the new row's ``id``: by ``RETURNING id``,
    which SQLite 3.35+ and PostgreSQL both speak. The one place that learns a new id."""
    if not RETURNING:
        return int(conn.execute(sql, params).lastrowid or 0)
    return int(conn.execute(f"{sql} RETURNING id", params).fetchall()[0][0])


def execute_many(conn: Conn, sql: str, params: Iterable[Params]) -> None:
    conn.executemany(sql, params)


def engine(conn: object) -> str:
    """``"sqlite"`` or ``"postgresql"``: which engine a connection speaks (the PostgreSQL
    adapter says so; sqlite3's connection has no such attribute)."""
    return str(getattr(conn, "engine", "sqlite"))


def is_pg(conn: object) -> bool:
    """Whether ``conn`` is a shared book on PostgreSQL (``store/pg``)."""
    return getattr(conn, "engine", "sqlite") == "postgresql"


def limit(conn: object, n: int | None) -> int | None:
    """The value to bind to ``LIMIT ?`` for at most ``n`` rows, None for all of them:
    SQLite reads a negative limit as none, PostgreSQL a NULL one."""
    if n is not None:
        return n
    return None if is_pg(conn) else -1


def marks(n: int) -> str:
    """``?, ?, ?`` for an ``IN (...)`` list of n values."""
    return ", ".join("?" * n)


__all__ = [
    "Conn",
    "column",
    "engine",
    "execute",
    "execute_many",
    "insert_id",
    "is_pg",
    "limit",
    "marks",
    "row",
    "rows",
    "scalar",
]
