"""The history aggregate: ``change_log`` (one entry per command) and ``undo_step`` (how to
revert every row a change touched). Recording, reading and reverting live here;
``history.py`` holds the rules of `pln history` and `pln undo`, ``forget.py`` those of
`pln forget` (its erasure is ``store/forget.py``).

**change_log** — ``id``; ``at`` (UTC instant as ``db.to_db_time`` writes it); ``command``
(the command line, ``pln ...``; an undo's reads ``undo #N (<the command it undid>)``);
``kind`` (``change``, ``undo`` or ``forget``: a forget is a barrier no undo goes past);
``summary`` (``(open)`` — ``migrations.OPEN`` — while the command runs, then
``table +n, table ~n, table -n`` in the order the tables were first touched: rows added,
changed and removed, each row once, by what it is after the change, ``_SUMMARY``); ``undone_at``
(when an undo reverted it, else NULL). A change that changed no row leaves no entry.

**undo_step — the row format every engine's capture writes.** SQLite writes it with
triggers (``migrations.undo_triggers``, SQLite only); PostgreSQL with one trigger function
(``store/pg.py``) that must produce exactly these rows. One row per row changed:

- ``id`` — increasing in the order the changes happened; a change is reverted by its steps
  in descending ``id``.
- ``change_id`` — the change_log entry being recorded: the newest entry, and only while its
  summary is ``(open)`` (rows other tools change are not pln's to undo).
- ``tbl`` — the table, one of ``migrations.UNDONE_TABLES`` (the search index is not
  recorded: an undo rewrites it).
- ``op`` — what the change did to the row: ``insert``, ``update`` or ``delete``.
- ``sql`` — the statement that reverts it, in exactly one of three shapes, where ``KEY``
  is the row's number (below), the columns are all of the table's columns in table order,
  and each value is written as SQLite's ``quote()`` writes it (``NULL``; an integer's
  digits; text in single quotes with ``'`` doubled; a blob as ``X'hex'``):

  - op ``insert``: ``DELETE FROM tbl WHERE rowid = KEY``
  - op ``update``: ``UPDATE tbl SET "c1"=v1,"c2"=v2,... WHERE rowid = KEY`` (values before)
  - op ``delete``: ``INSERT INTO tbl (rowid,"c1","c2",...) VALUES (KEY,v1,v2,...)``

  The row's number ``KEY`` is its ``id`` in the tables that have one (on SQLite ``id`` is
  the rowid); in the tables keyed by a pair (``tie``, ``interaction_person``, ...) it is
  the engine's row number: SQLite's ``rowid``, on PostgreSQL a ``rowid`` column the
  engine's schema gives those tables. Comparing (``tbl``, ``KEY``) between steps tells
  which changes touched the same rows (`pln undo ID`'s conflict check).

Reverting (``revert``) reads a step into its parts (``Step``) and builds the statement
in one place, ``_statement``, in the SQL both engines speak: ``?`` parameters, quoted
identifiers, ``id`` rather than the row number wherever the table has one. A step whose
text is not one of the shapes (a REAL value, which SQLite and Python may round
differently; pln stores none) runs as written — SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from ..db import local_now, to_db_time
from ..migrations import OPEN
from . import Conn, column, execute, is_pg, marks, row, rows, scalar

# ------------------------------------------------------------------ change_log

_CHANGE = "SELECT id, at, command, kind, summary, undone_at FROM change_log"
# On a shared book each entry also names its author (the member's database role).
_CHANGE_PG = "SELECT id, at, command, kind, summary, undone_at, author FROM change_log"


def _changes(conn: Conn) -> str:
    return _CHANGE_PG if is_pg(conn) else _CHANGE


def open_change(conn: Conn, command: str, kind: str) -> int:
    """Start the history entry of the transaction being run; its id."""
    return execute(
        conn,
        "INSERT INTO change_log (at, command, kind, summary) VALUES (?, ?, ?, ?)",
        (to_db_time(local_now()), command, kind, OPEN),
    )


def close_change(conn: Conn, change: int, *, keep: int) -> None:
    """Summarise what the change did; forget a change that changed nothing. Undo steps of
    changes ``keep`` or more entries older go (their summary stays)."""
    counts = _counts(conn, change)
    if not counts:  # no step, or every row it added it also removed
        execute(conn, "DELETE FROM undo_step WHERE change_id = ?", (change,))
        execute(conn, "DELETE FROM change_log WHERE id = ?", (change,))
        return
    sign = {"insert": "+", "update": "~", "delete": "-"}
    summary = ", ".join(f"{c.tbl} {sign[c.op]}{c.n}" for c in counts)
    execute(conn, "UPDATE change_log SET summary = ? WHERE id = ?", (summary, change))
    execute(conn, "DELETE FROM undo_step WHERE change_id <= ?", (change - keep,))


def _counts(conn: Conn, change: int) -> list[Any]:
    """(tbl, op, n) of what the change did to each table, rows counted once (``_SUMMARY``),
    in the order the tables were first touched. A table it only inserted into (or only
    deleted from) is counted by its steps, a row each: read row by row, the 70,000 steps
    of an import of 10,000 people took 0.2 s, by table and op 0.04 s."""
    by_op = rows(
        conn,
        "SELECT tbl, op, count(*) AS n, min(id) AS first FROM undo_step WHERE change_id = ?"
        " GROUP BY tbl, op",
        (change,),
    )
    ops: dict[str, set[str]] = {}
    for r in by_op:
        ops.setdefault(r.tbl, set()).add(r.op)
    mixed = sorted(t for t, seen in ops.items() if seen not in ({"insert"}, {"delete"}))
    found = [r for r in by_op if r.tbl not in mixed]
    if mixed:
        where = f"change_id = ? AND tbl IN ({marks(len(mixed))})"
        found += rows(conn, _SUMMARY.format(keys=_step_keys(conn, where)), (change, *mixed))
    return sorted(found, key=lambda r: int(r.first))


# What a change did, row by row, as `pln history` says it: each row it touched counts once,
# by what it is after the change against what it was before (a step's row is its KEY; a
# row's steps read in order: ``first_op``/``last_op``, 1 insert, 2 update, 3 delete).
# Added (+): the row is there at the end and came in by an insert of this change (one
# added and then changed is added); changed (~): it was there before and after and was
# only updated (however often); removed (-): it was there before and a delete took it
# out. A row number used again after a delete (SQLite gives a new row the largest number
# plus one) is a row removed and another added; a row added and removed again is nothing.
_SUMMARY = """
WITH s AS ({keys}),
r AS (
    SELECT tbl, min(id) AS first,
        min(CAST(id AS BIGINT) * 4 + CASE op WHEN 'insert' THEN 1 WHEN 'update' THEN 2
            ELSE 3 END) % 4 AS first_op,
        max(CAST(id AS BIGINT) * 4 + CASE op WHEN 'insert' THEN 1 WHEN 'update' THEN 2
            ELSE 3 END) % 4 AS last_op,
        sum(CASE WHEN op = 'insert' THEN 1 ELSE 0 END) AS inserts,
        sum(CASE WHEN op = 'delete' THEN 1 ELSE 0 END) AS deletes
    FROM s GROUP BY tbl, k, CASE WHEN k IS NULL THEN id END
)
SELECT tbl, op, count(*) AS n, min(first) AS first FROM (
    SELECT tbl, 'insert' AS op, first FROM r WHERE inserts > 0 AND last_op <> 3
    UNION ALL SELECT tbl, 'update' AS op, first FROM r WHERE inserts = 0 AND deletes = 0
    UNION ALL SELECT tbl, 'delete' AS op, first FROM r WHERE first_op <> 1 AND deletes > 0
) c GROUP BY tbl, op
"""


def recent_changes(conn: Conn, limit: int) -> list[Any]:
    """The newest ``limit`` entries, newest first (id, at, command, kind, summary, undone_at)."""
    return rows(conn, f"{_changes(conn)} ORDER BY id DESC LIMIT ?", (limit,))


def change(conn: Conn, change_id: int) -> Any | None:
    return row(conn, f"{_changes(conn)} WHERE id = ?", (change_id,))


def newest_undoable(conn: Conn, *, mine: bool = False) -> Any | None:
    """The newest change not undone since the last forget (a barrier), or None. ``mine``
    (a shared book): the newest of those the connected member made."""
    own = " AND author = current_user" if mine else ""
    return row(
        conn,
        f"{_changes(conn)} WHERE kind = 'change' AND undone_at IS NULL{own}"
        " AND id > coalesce((SELECT max(id) FROM change_log WHERE kind = 'forget'), 0)"
        " ORDER BY id DESC LIMIT 1",
    )


def last_forget(conn: Conn) -> int | None:
    """The id of the newest `pln forget` entry, if any."""
    found = scalar(conn, "SELECT max(id) FROM change_log WHERE kind = 'forget'")
    return None if found is None else int(found)


def last_change_id(conn: Conn) -> int:
    """The id of the newest entry of the history (0 when it is empty)."""
    return int(scalar(conn, "SELECT coalesce(max(id), 0) FROM change_log"))


def still_done(conn: Conn, change_id: int) -> bool:
    """Whether entry ``change_id`` exists and no undo has reverted it."""
    return (
        row(conn, "SELECT 1 FROM change_log WHERE id = ? AND undone_at IS NULL", (change_id,))
        is not None
    )


def mark_undone(conn: Conn, change_id: int, *, at: datetime, by: int, command: str) -> None:
    """Entry ``change_id`` was undone ``at`` by the undo entry ``by``, which shows ``command``."""
    execute(conn, "UPDATE change_log SET undone_at = ? WHERE id = ?", (to_db_time(at), change_id))
    execute(conn, "UPDATE change_log SET command = ? WHERE id = ?", (command, by))


def command_lines(conn: Conn) -> list[Any]:
    """Every entry's (id, command), oldest first."""
    return rows(conn, "SELECT id, command FROM change_log ORDER BY id")


def pln_command_lines(conn: Conn) -> list[str]:
    """The command lines that start ``pln `` (ASCII case folded, as LIKE does)."""
    return [
        str(c) for c in column(conn, "SELECT command FROM change_log WHERE command LIKE 'pln %'")
    ]


def rename_commands(conn: Conn, commands: dict[int, str]) -> None:
    """Give entries new command lines (id -> command)."""
    conn.executemany(
        "UPDATE change_log SET command = ? WHERE id = ?", [(c, i) for i, c in commands.items()]
    )


def drop_all_steps(conn: Conn) -> None:
    """Remove the undo data of every change (their summaries stay)."""
    execute(conn, "DELETE FROM undo_step")


def record_forget(conn: Conn, command: str, summary: str) -> int:
    """The history entry of a forget, written whole (no steps: it cannot be undone)."""
    return execute(
        conn,
        "INSERT INTO change_log (at, command, kind, summary) VALUES (?, ?, 'forget', ?)",
        (to_db_time(local_now()), command, summary),
    )


# ------------------------------------------------------------------ undo_step


def steps_of(conn: Conn, change_id: int) -> list[Any]:
    """A change's undo steps, newest first: the order they revert it in (id, tbl, op, sql)."""
    return rows(
        conn,
        "SELECT id, tbl, op, sql FROM undo_step WHERE change_id = ? ORDER BY id DESC",
        (change_id,),
    )


# The step patterns are compiled when first used (re's own cache), not at import: every
# command that writes loads this module, and compiling them all cost ~5% of the floor.
# The row each step names: `DELETE/UPDATE ... WHERE rowid = N`, `INSERT ... VALUES (N,`
_STEP_ROW = r"WHERE rowid = (-?\d+)$|^INSERT INTO \w+ \(rowid,[^)]*\) VALUES \((-?\d+),"


def _row_of(sql: str) -> int | None:
    m = re.compile(_STEP_ROW).search(sql)
    return None if m is None else int(m.group(1) or m.group(2))


def rows_changed_by(conn: Conn, change_id: int) -> set[tuple[str, int]]:
    """(table, KEY) of every row a history entry changed."""
    found: set[tuple[str, int]] = set()
    for step in rows(conn, "SELECT tbl, sql FROM undo_step WHERE change_id = ?", (change_id,)):
        key = _row_of(step.sql)
        if key is not None:
            found.add((step.tbl, key))
    return found


def later_change_touching(
    conn: Conn,
    change_id: int,
    touched: set[tuple[str, int]],
    skip: frozenset[int] = frozenset(),
) -> int | None:
    """The first entry after ``change_id`` that changed one of ``touched`` (one query),
    but the entries in ``skip``."""
    for step in rows(
        conn,
        "SELECT change_id, tbl, sql FROM undo_step WHERE change_id > ? ORDER BY change_id, id",
        (change_id,),
    ):
        if step.change_id in skip:
            continue
        key = _row_of(step.sql)
        if key is not None and (step.tbl, key) in touched:
            return int(step.change_id)
    return None


def later_touching(conn: Conn, change_id: int, skip: frozenset[int] = frozenset()) -> int | None:
    """The first entry after ``change_id`` (but those in ``skip``) that changed a row
    ``change_id`` changed: ``later_change_touching`` of ``rows_changed_by``, which a shared
    book answers in one statement on the server (no step's text comes to the client)."""
    if not is_pg(conn):
        return later_change_touching(conn, change_id, rows_changed_by(conn, change_id), skip)
    mine = f"SELECT tbl, k FROM ({_pg_keys('change_id = ?')}) m WHERE k IS NOT NULL"
    return _pg_first_later(conn, mine, (change_id,), change_id, skip)


def spill(
    conn: Conn, target: int, undo: int, skip: frozenset[int] = frozenset()
) -> tuple[bool, int | None]:
    """Whether entry ``undo`` (reverting ``target``) changed rows ``target`` did not; and
    then the first entry after ``target`` (but those in ``skip``) that changed one of them."""
    if not is_pg(conn):
        extra = rows_changed_by(conn, undo) - rows_changed_by(conn, target)
        return bool(extra), (later_change_touching(conn, target, extra, skip) if extra else None)
    undo_only = (
        f"SELECT tbl, k FROM ({_pg_keys('change_id = ?')}) u WHERE k IS NOT NULL"
        f" EXCEPT SELECT tbl, k FROM ({_pg_keys('change_id = ?')}) t"
    )
    if scalar(conn, f"SELECT EXISTS ({undo_only})", (undo, target)) is not True:
        return False, None
    return True, _pg_first_later(conn, undo_only, (undo, target), target, skip)


# A step's KEY as the server reads it from its text, where the format puts it for its op:
# after the last " WHERE rowid = " (insert, update), or first of the VALUES (delete).
# String functions, not a regular expression: ~20x faster over thousands of steps.
_PG_KEY_TEXT = (
    "CASE WHEN op = 'delete' THEN split_part(split_part(sql, ') VALUES (', 2), ',', 1)"
    " ELSE reverse(split_part(reverse(sql), ' = diwor EREHW ', 1)) END"
)


def _pg_keys(where: str) -> str:
    """(id, change_id, tbl, op, k) of the steps ``where`` selects: k is the row's KEY, as
    ``_row_of`` reads it (NULL where the text does not say)."""
    return (
        "SELECT id, change_id, tbl, op, CASE WHEN t ~ '^-?[0-9]+$' THEN t::bigint END AS k"
        f" FROM (SELECT id, change_id, tbl, op, {_PG_KEY_TEXT} AS t FROM undo_step"
        f" WHERE {where}) s"
    )


def _keys_sqlite(where: str) -> str:
    """``_pg_keys`` in SQLite's words (``instr``; a text cast to an integer reads its
    leading digits, ``12,'Ana'`` as 12): the KEY ends an insert's and an update's text
    (``rtrim`` of the digits finds where it begins) and begins a delete's VALUES."""
    return (
        "SELECT id, change_id, tbl, op, CASE WHEN op = 'delete' THEN CASE WHEN"
        " instr(sql, ') VALUES (') > 0 THEN CAST(substr(sql, instr(sql, ') VALUES (') + 10)"
        " AS INTEGER) END ELSE CAST(nullif(substr(sql, length(rtrim(sql, '-0123456789')) + 1),"
        f" '') AS INTEGER) END AS k FROM undo_step WHERE {where}"
    )


def _step_keys(conn: Conn, where: str) -> str:
    return _pg_keys(where) if is_pg(conn) else _keys_sqlite(where)


def _pg_first_later(
    conn: Conn, touched: str, params: tuple[object, ...], after: int, skip: frozenset[int]
) -> int | None:
    """The first entry after ``after`` (not in ``skip``) with a step on one of the rows
    (``tbl``, ``k``) that the statement ``touched`` gives."""
    later = _pg_keys("change_id > ? AND NOT change_id = ANY(?)")
    found = scalar(
        conn,
        f"WITH touched AS ({touched}) SELECT min(l.change_id) FROM ({later}) l"
        " JOIN touched t ON l.tbl = t.tbl AND l.k = t.k",
        (*params, after, sorted(skip)),
    )
    return None if found is None else int(found)


def cancelled_after(conn: Conn, change_id: int) -> frozenset[int]:
    """The entries after ``change_id`` that no longer count: each change undone since,
    with the undo entry that reverted it (its command reads ``undo #N (…)``)."""
    later = rows(
        conn,
        "SELECT id, kind, command, undone_at FROM change_log WHERE id > ? ORDER BY id",
        (change_id,),
    )
    undone = {int(r.id) for r in later if r.undone_at is not None}
    undos = {
        int(r.id)
        for r in later
        if r.kind == "undo"
        and (m := re.match(r"undo #(\d+) ", str(r.command)))
        and int(m[1]) in undone
    }
    return frozenset(undone | undos)


def defer_foreign_keys(conn: Conn) -> None:
    """Check foreign keys at the commit: a change's steps revert parents and children in
    the order they happened, not the order the keys need (SQLite; PostgreSQL: SET
    CONSTRAINTS ALL DEFERRED)."""
    if is_pg(conn):
        conn.execute("SET CONSTRAINTS ALL DEFERRED")
        return
    conn.execute("PRAGMA defer_foreign_keys = ON")


# ------------------------------------------------------------------ reverting


class Step(NamedTuple):
    """One undo step read into its parts."""

    tbl: str
    op: str  # what the change did: insert | update | delete
    key: int  # the row's number (KEY in the format above)
    columns: tuple[str, ...]  # update, delete: every column of the row
    values: tuple[object, ...]  # their values before the change


# The tables whose KEY is their `id`; in the others (keyed by a pair of columns) it is
# the engine's row number, `rowid`.
BY_ID = frozenset(
    (
        "event",
        "person",
        "person_attr",
        "interaction",
        "followup",
        "pgroup",
        "introduction",
        "resource",
        "group_reading",
    )
)
ROW_NUMBER = "rowid"


def key_column(tbl: str) -> str:
    return "id" if tbl in BY_ID else ROW_NUMBER


def _statement(tbl: str, op: str, columns: tuple[str, ...], n: int = 1) -> str:
    """The one place a step becomes SQL: the portable statement reverting ``op`` on ``n``
    rows of ``tbl``. Its parameters (``_parameters``): the keys, to revert inserts; the
    values then the key, an update; the values (the key first where the table has no
    ``id``), a delete. No ``INSERT OR REPLACE``: the row is not there to replace."""
    key = key_column(tbl)
    if op == "insert":
        return f'DELETE FROM "{tbl}" WHERE "{key}" IN ({marks(n)})'
    if op == "update":
        sets = ",".join(f'"{c}"=?' for c in columns)
        return f'UPDATE "{tbl}" SET {sets} WHERE "{key}" = ?'
    names = columns if key == "id" else (key, *columns)
    quoted = ",".join(f'"{c}"' for c in names)
    return f'INSERT INTO "{tbl}" ({quoted}) VALUES ({marks(len(names))})'


def _parameters(step: Step) -> tuple[object, ...]:
    if step.op == "insert":
        return (step.key,)
    if step.op == "update":
        return (*step.values, step.key)
    return step.values if key_column(step.tbl) == "id" else (step.key, *step.values)


def parameterized(sql: str) -> tuple[str, tuple[object, ...]]:
    """A step's text as a statement with ``?`` and its values; unchanged if not a known shape."""
    step = parse(sql)
    if step is None:
        return sql, ()
    return _statement(step.tbl, step.op, step.columns), _parameters(step)


# For the tables the search index is made of: the table and column that give the
# people a row of it belongs to.
_SEARCHED = {
    "person_attr": ("person_attr", "id"),
    "interaction_person": ("interaction_person", ROW_NUMBER),
    "interaction": ("interaction_person", "interaction_id"),
}
CHUNK = 500  # rows per statement when a run of deletes is done at once


class _Batch(NamedTuple):
    tbl: str
    statement: str
    params: tuple[object, ...]
    keys: list[int]  # the rows it changes (empty: cannot tell)


def revert(conn: Conn, steps: list[Any]) -> set[int] | None:
    """Run the steps (rows of ``steps_of``, in that order); the people whose search rows
    they changed (None: cannot tell)."""
    touched: set[int] | None = set()
    for batch in _batches(steps, shared=is_pg(conn)):
        if touched is None or (batch.tbl != "person" and batch.tbl not in _SEARCHED):
            conn.execute(batch.statement, batch.params)
        elif not batch.keys:
            touched = None
            conn.execute(batch.statement, batch.params)
        elif batch.tbl == "person":
            touched.update(batch.keys)
            conn.execute(batch.statement, batch.params)
        else:
            touched |= _people_of(conn, batch)
    return touched


def _batches(steps: list[Any], *, shared: bool = False) -> Iterator[_Batch]:
    """Consecutive deletes from one table (the undo of an import is thousands of them)
    become one statement per ``CHUNK`` rows; on a shared book one statement for all of
    them (an array parameter: a statement of thousands of ``?`` costs psycopg more to
    read than the server to run)."""
    run: list[int] = []
    run_tbl = ""
    chunk = None if shared else CHUNK
    for found in steps:
        step = parse(found.sql)
        deleting = step is not None and step.op == "insert"
        if run and (not deleting or step is None or step.tbl != run_tbl or len(run) == chunk):
            yield _delete_many(run_tbl, run, shared)
            run = []
        if step is None:
            yield _Batch(found.tbl, found.sql, (), [])
        elif deleting:
            run_tbl = step.tbl
            run.append(step.key)
        else:
            yield _Batch(
                found.tbl,
                _statement(step.tbl, step.op, step.columns),
                _parameters(step),
                [step.key],
            )
    if run:
        yield _delete_many(run_tbl, run, shared)


def _delete_many(tbl: str, keys: list[int], shared: bool) -> _Batch:
    if shared:
        return _Batch(tbl, f'DELETE FROM "{tbl}" WHERE "{key_column(tbl)}" = ANY(?)', (keys,), keys)
    return _Batch(tbl, _statement(tbl, "insert", (), len(keys)), tuple(keys), keys)


def _people_of(conn: Conn, batch: _Batch) -> set[int]:
    """Run one statement on a table the search index reads; whose rows it changed."""
    table, key = _SEARCHED[batch.tbl]
    if is_pg(conn) and batch.statement.startswith("DELETE"):  # a run of deletes (_batches)
        if table == batch.tbl:  # the rows say whose they were as they go
            return set(column(conn, f"{batch.statement} RETURNING person_id", batch.params))
        whose = f'SELECT person_id FROM "{table}" WHERE "{key}" = ANY(?)'
        gone = set(column(conn, whose, batch.params))
        conn.execute(batch.statement, batch.params)
        return gone
    probe = f'SELECT person_id FROM "{table}" WHERE "{key}" IN ({marks(len(batch.keys))})'
    people: set[int] = set()
    if not batch.statement.startswith("INSERT"):
        people.update(column(conn, probe, batch.keys))
    conn.execute(batch.statement, batch.params)
    if not batch.statement.startswith("DELETE"):
        people.update(column(conn, probe, batch.keys))
    return people


# ------------------------------------------------------------------ reading a step

# The three shapes of the format, with the values quote() put in them. Run as written,
# each step would be a new statement to compile (with its foreign-key actions and
# triggers): undoing a 4,000 person import spent most of its time compiling. With the
# values as parameters one compiled statement per table and shape serves every step.
_DELETE = r"DELETE FROM (\w+) WHERE rowid = (-?\d+)"
_UPDATE = r"UPDATE (\w+) SET "
_INSERT = r'INSERT INTO (\w+) \(rowid((?:,"\w+")*)\) VALUES \((-?\d+)'
_COLUMN = r'"(\w+)"='
_WHERE = r" WHERE rowid = (-?\d+)"
_VALUE = r"NULL|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|'(?:[^']|'')*'|X'(?:[0-9A-Fa-f]{2})*'"


def parse(sql: str) -> Step | None:
    """A step's text read into its parts; None if it is not one of the three shapes."""
    if m := re.compile(_DELETE).fullmatch(sql):
        return Step(m[1], "insert", int(m[2]), (), ())
    try:
        if m := re.compile(_UPDATE).match(sql):
            return _update(sql, m)
        if m := re.compile(_INSERT).match(sql):
            return _insert(sql, m)
    except ValueError:
        pass
    return None


def _update(sql: str, m: re.Match[str]) -> Step:
    pos, cols, values = m.end(), [], []
    while True:
        col = re.compile(_COLUMN).match(sql, pos)
        if col is None:
            raise ValueError(sql)
        value, pos = _literal(sql, col.end())
        cols.append(col[1])
        values.append(value)
        if not sql.startswith(",", pos):
            break
        pos += 1
    where = re.compile(_WHERE).fullmatch(sql, pos)
    if where is None:
        raise ValueError(sql)
    return Step(m[1], "update", int(where[1]), tuple(cols), tuple(values))


def _insert(sql: str, m: re.Match[str]) -> Step:
    names = tuple(n.strip('"') for n in m[2].split(",")[1:])
    pos, values = m.end(), []
    for _name in names:
        if not sql.startswith(",", pos):
            raise ValueError(sql)
        value, pos = _literal(sql, pos + 1)
        values.append(value)
    if sql[pos:] != ")":
        raise ValueError(sql)
    return Step(m[1], "delete", int(m[3]), names, tuple(values))


def _literal(sql: str, pos: int) -> tuple[object, int]:
    """One value as quote() writes it, and where it ends."""
    m = re.compile(_VALUE).match(sql, pos)
    if m is None:
        raise ValueError(sql)
    text = m[0]
    if text == "NULL":
        return None, m.end()
    if text.startswith("'"):
        return text[1:-1].replace("''", "'"), m.end()
    if text.startswith("X'"):
        return bytes.fromhex(text[2:-1]), m.end()
    if any(c in text for c in ".e"):  # SQLite and Python may round a REAL differently:
        raise ValueError(text)  # such a step runs as written (pln stores no REALs)
    return int(text), m.end()
