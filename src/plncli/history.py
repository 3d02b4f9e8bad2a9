"""`pln history` and `pln undo`: every change is one entry; undo reverts the newest.

Triggers (``migrations.undo_triggers``) log, for each row a command inserts,
updates or deletes, the SQL that puts it back. Undo replays that SQL newest
first in one transaction, with foreign keys checked at the commit, and is itself
an entry of the history. Repeated undos walk back through the history; changes
older than the last ``db.KEEP_UNDO`` keep their summary but can no longer be undone.
"""

import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from .db import to_db_time, transaction
from .errors import Conflict, InvalidInput, NotFound
from .people import rebuild_search, refresh_search


class Change(NamedTuple):
    id: int
    at: datetime
    command: str
    kind: str
    summary: str
    undone: bool


def _row(r: tuple[object, ...]) -> Change:
    return Change(
        int(str(r[0])),
        datetime.fromisoformat(str(r[1])).replace(tzinfo=UTC),
        str(r[2]),
        str(r[3]),
        str(r[4]),
        r[5] is not None,
    )


def changes(conn: sqlite3.Connection, *, limit: int) -> list[Change]:
    return [
        _row(r)
        for r in conn.execute(
            "SELECT id, at, command, kind, summary, undone_at FROM change_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        )
    ]


# The newest change not undone; `pln forget` is a barrier no undo goes past.
_NEWEST = (
    "SELECT id, at, command, kind, summary, undone_at FROM change_log"
    " WHERE kind = 'change' AND undone_at IS NULL"
    " AND id > coalesce((SELECT max(id) FROM change_log WHERE kind = 'forget'), 0)"
    " ORDER BY id DESC LIMIT 1"
)


def next_to_undo(conn: sqlite3.Connection) -> Change:
    row = conn.execute(_NEWEST).fetchone()
    if row is None:
        forget = conn.execute("SELECT max(id) FROM change_log WHERE kind = 'forget'").fetchone()[0]
        if forget is not None:
            raise NotFound(
                f"there is nothing to undo since `pln forget` (#{forget}), which cannot be undone",
                "see `pln history`",
            )
        raise NotFound("there is nothing to undo", "see `pln history`")
    return _row(row)


def change_to_undo(conn: sqlite3.Connection, change_id: int) -> Change:
    """The history entry `pln undo ID` names: a change, not undone, after any forget."""
    row = conn.execute(
        "SELECT id, at, command, kind, summary, undone_at FROM change_log WHERE id = ?",
        (change_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"there is no change #{change_id} in the history", "see `pln history`")
    found = _row(row)
    if found.kind != "change":
        raise InvalidInput(
            f"#{change_id} is {'an undo' if found.kind == 'undo' else 'a ' + found.kind};"
            " only changes can be undone",
            "see `pln history`",
        )
    if found.undone:
        raise InvalidInput(f"change #{change_id} was already undone", "see `pln history`")
    barrier = conn.execute("SELECT max(id) FROM change_log WHERE kind = 'forget'").fetchone()[0]
    if barrier is not None and change_id < barrier:
        raise InvalidInput(
            f"change #{change_id} comes before `pln forget` (#{barrier}), which cannot be undone",
            "see `pln history`",
        )
    return found


# The row each undo step names: `DELETE/UPDATE ... WHERE rowid = N`, `INSERT ... VALUES (N,`
_STEP_ROW = re.compile(r"WHERE rowid = (-?\d+)$|^INSERT INTO \w+ \(rowid,[^)]*\) VALUES \((-?\d+),")


def rows_touched(conn: sqlite3.Connection, change_id: int) -> set[tuple[str, int]]:
    """(table, rowid) of every row a history entry changed, read from its undo steps."""
    return _step_rows(
        conn.execute("SELECT tbl, sql FROM undo_step WHERE change_id = ?", (change_id,))
    )


def _step_rows(steps: Iterable[tuple[str, str]]) -> set[tuple[str, int]]:
    found: set[tuple[str, int]] = set()
    for tbl, sql in steps:
        m = _STEP_ROW.search(sql)
        if m:
            found.add((tbl, int(m.group(1) or m.group(2))))
    return found


def _later_toucher(conn: sqlite3.Connection, target: int, rows: set[tuple[str, int]]) -> int | None:
    """The first later history entry that changed one of ``rows``, if any (one query)."""
    steps = conn.execute(
        "SELECT change_id, tbl, sql FROM undo_step WHERE change_id > ? ORDER BY change_id, id",
        (target,),
    )
    for change_id, tbl, sql in steps:
        if _step_rows([(tbl, sql)]) & rows:
            return int(change_id)
    return None


class _DryRun(Exception):
    """Raised inside the transaction to roll a checked undo back."""


def check_undo_alone(conn: sqlite3.Connection, path: str, target: Change, *, now: datetime) -> None:
    """Everything `pln undo ID` will refuse, found before the user is asked: the undo is
    tried in a transaction that is always rolled back."""
    try:
        undo(conn, path, target, now=now, only=True, dry_run=True)
    except _DryRun:
        return


def undo(
    conn: sqlite3.Connection,
    path: str,
    target: Change,
    *,
    now: datetime,
    only: bool = False,
    dry_run: bool = False,
) -> int:
    """Revert ``target``; returns the id of the history entry the undo made.

    ``target`` was chosen (and shown to the user) before the write lock was taken;
    if another writer changed the book since, it is refused with nothing changed.
    With ``only`` (`pln undo ID`) the target need not be the newest change: it is
    refused, naming the later change, when a later change touched the same rows or
    when reverting it would reach rows it did not make (a cascade into later work).
    """
    with transaction(conn, path, kind="undo") as change:
        if only:
            mine = rows_touched(conn, target.id)
            later = _later_toucher(conn, target.id, mine)
            if later is not None:
                raise Conflict(
                    f"change #{later} changed the same records after change #{target.id};"
                    " nothing was undone",
                    f"undo #{later} first (`pln undo {later}`), or use `pln undo` step by step",
                )
        else:
            newest = conn.execute(_NEWEST).fetchone()
            if newest is None or newest[0] != target.id:
                raise Conflict(
                    f"the book changed since change #{target.id} was shown; nothing was undone",
                    "run `pln undo` again to see the newest change",
                )
        steps = conn.execute(
            "SELECT tbl, sql FROM undo_step WHERE change_id = ? ORDER BY id DESC", (target.id,)
        ).fetchall()
        if not steps:
            raise InvalidInput(
                f"change #{target.id} is too old to undo (only recent changes keep their details)",
                "restore a backup instead: see `pln db backup`",
            )
        if (
            conn.execute(
                "SELECT 1 FROM change_log WHERE id = ? AND undone_at IS NULL", (target.id,)
            ).fetchone()
            is None
        ):
            raise InvalidInput(f"change #{target.id} was already undone")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        touched = _replay(conn, steps)
        if only:
            _refuse_spill(conn, target.id, change)
            if dry_run:
                raise _DryRun
        conn.execute(
            "UPDATE change_log SET undone_at = ? WHERE id = ?", (to_db_time(now), target.id)
        )
        conn.execute(
            "UPDATE change_log SET command = ? WHERE id = ?",
            (f"undo #{target.id} ({target.command})", change),
        )
        if touched is None:
            rebuild_search(conn)
        else:
            refresh_search(conn, sorted(touched))
    assert change is not None
    return change


def _refuse_spill(conn: sqlite3.Connection, target: int, undo_change: int | None) -> None:
    """Undoing one change may reach only the rows it made: a delete that cascades into
    rows a later change wrote (a follow-up for a person being un-added) is refused."""
    if undo_change is None:
        return
    spill = rows_touched(conn, undo_change) - rows_touched(conn, target)
    if spill:
        later = _later_toucher(conn, target, spill)
        who = f"change #{later}" if later is not None else "a later change"
        raise Conflict(
            f"undoing change #{target} would also remove what {who} recorded; nothing was undone",
            f"undo #{later} first" if later is not None else "use `pln undo` step by step",
        )


# For the tables the search index is made of: the table and column that give the
# people a row of it belongs to.
_SEARCHED = {
    "person_attr": ("person_attr", "rowid"),
    "interaction_person": ("interaction_person", "rowid"),
    "interaction": ("interaction_person", "interaction_id"),
}
CHUNK = 500  # rows per statement when a run of deletes is done at once


def _replay(conn: sqlite3.Connection, steps: list[tuple[str, str]]) -> set[int] | None:
    """Run the steps; the people whose search rows they changed (None: cannot tell)."""
    touched: set[int] | None = set()
    for tbl, statement, params, rowids in _batches(steps):
        if touched is None or (tbl != "person" and tbl not in _SEARCHED):
            conn.execute(statement, params)
        elif not rowids:
            touched = None
            conn.execute(statement, params)
        elif tbl == "person":
            touched.update(rowids)
            conn.execute(statement, params)
        else:
            touched |= _people_of(conn, tbl, rowids, statement, params)
    return touched


def _batches(
    steps: list[tuple[str, str]],
) -> Iterator[tuple[str, str, tuple[object, ...], list[int]]]:
    """(table, statement, parameters, rowids): consecutive deletes from one table (the
    undo of an import is thousands of them) become one statement per ``CHUNK`` rows."""
    run: list[int] = []
    run_tbl = run_sql = ""
    for tbl, sql in steps:
        statement, params = parameterized(sql)
        if run and (statement != run_sql or len(run) == CHUNK):
            yield _delete_many(run_tbl, run_sql, run)
            run = []
        if statement.startswith("DELETE") and params:
            run_tbl, run_sql = tbl, statement
            run.append(int(str(params[0])))
            continue
        rowid = params[0] if statement.startswith("INSERT") else params[-1] if params else None
        yield tbl, statement, params, [rowid] if isinstance(rowid, int) else []
    if run:
        yield _delete_many(run_tbl, run_sql, run)


def _delete_many(
    tbl: str, statement: str, rowids: list[int]
) -> tuple[str, str, tuple[object, ...], list[int]]:
    many = statement.replace("rowid = ?", f"rowid IN ({','.join('?' * len(rowids))})")
    return tbl, many, tuple(rowids), rowids


def _people_of(
    conn: sqlite3.Connection,
    tbl: str,
    rowids: list[int],
    statement: str,
    params: tuple[object, ...],
) -> set[int]:
    """Run one statement on a table the search index reads; whose rows it changed."""
    table, column = _SEARCHED[tbl]
    probe = f"SELECT person_id FROM {table} WHERE {column} IN ({','.join('?' * len(rowids))})"
    people: set[int] = set()
    if not statement.startswith("INSERT"):
        people.update(r[0] for r in conn.execute(probe, rowids))
    conn.execute(statement, params)
    if not statement.startswith("DELETE"):
        people.update(r[0] for r in conn.execute(probe, rowids))
    return people


# The three shapes of SQL the undo triggers write (migrations.undo_triggers), with
# the values SQLite's quote() put in them. Run as written, each step would be a new
# statement to compile (with its foreign-key actions and triggers): undoing a 4,000
# person import spent most of its time compiling. With the values as parameters one
# compiled statement per table and shape serves every step.
_DELETE = re.compile(r"DELETE FROM (\w+) WHERE rowid = (-?\d+)")
_UPDATE = re.compile(r"UPDATE (\w+) SET ")
_INSERT = re.compile(r'INSERT INTO (\w+) \((rowid(?:,"\w+")*)\) VALUES \(')
_COLUMN = re.compile(r'"(\w+)"=')
_WHERE = re.compile(r" WHERE rowid = (-?\d+)")
_VALUE = re.compile(r"NULL|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|'(?:[^']|'')*'|X'(?:[0-9A-Fa-f]{2})*'")


def parameterized(sql: str) -> tuple[str, tuple[object, ...]]:
    """``sql`` as a statement with ``?`` and its values; unchanged if not a known shape."""
    if m := _DELETE.fullmatch(sql):
        return f"DELETE FROM {m[1]} WHERE rowid = ?", (int(m[2]),)
    try:
        if m := _UPDATE.match(sql):
            return _update(sql, m)
        if m := _INSERT.match(sql):
            return _insert(sql, m)
    except ValueError:
        pass
    return sql, ()


def _update(sql: str, m: re.Match[str]) -> tuple[str, tuple[object, ...]]:
    pos, cols, values = m.end(), [], []
    while True:
        col = _COLUMN.match(sql, pos)
        if col is None:
            raise ValueError(sql)
        value, pos = _literal(sql, col.end())
        cols.append(col[1])
        values.append(value)
        if not sql.startswith(",", pos):
            break
        pos += 1
    where = _WHERE.fullmatch(sql, pos)
    if where is None:
        raise ValueError(sql)
    sets = ",".join(f'"{c}"=?' for c in cols)
    return f"UPDATE {m[1]} SET {sets} WHERE rowid = ?", (*values, int(where[1]))


def _insert(sql: str, m: re.Match[str]) -> tuple[str, tuple[object, ...]]:
    names = m[2].split(",")
    pos, values = m.end(), []
    for n, _name in enumerate(names):
        if n and not sql.startswith(",", pos):
            raise ValueError(sql)
        value, pos = _literal(sql, pos + (1 if n else 0))
        values.append(value)
    if sql[pos:] != ")":
        raise ValueError(sql)
    marks = ",".join("?" * len(names))
    return f"INSERT INTO {m[1]} ({m[2]}) VALUES ({marks})", tuple(values)


def _literal(sql: str, pos: int) -> tuple[object, int]:
    """One value as quote() writes it, and where it ends."""
    m = _VALUE.match(sql, pos)
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
