"""`pln history` and `pln undo`: every change is one entry; undo reverts the newest.

Triggers (``migrations.undo_triggers``) log, for each row a command inserts,
updates or deletes, the SQL that puts it back. Undo replays that SQL newest
first in one transaction, with foreign keys checked at the commit, and is itself
an entry of the history. Repeated undos walk back through the history; changes
older than the last ``db.KEEP_UNDO`` keep their summary but can no longer be undone.
"""

import sqlite3
from datetime import UTC, datetime
from typing import NamedTuple

from .db import to_db_time, transaction
from .errors import InvalidInput, NotFound
from .people import rebuild_search


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


def next_to_undo(conn: sqlite3.Connection) -> Change:
    row = conn.execute(
        "SELECT id, at, command, kind, summary, undone_at FROM change_log"
        " WHERE kind = 'change' AND undone_at IS NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise NotFound("there is nothing to undo", "see `pln history`")
    return _row(row)


def undo(conn: sqlite3.Connection, path: str, target: Change, *, now: datetime) -> int:
    """Revert ``target``; returns the id of the history entry the undo made."""
    with transaction(conn, path, kind="undo") as change:
        steps = conn.execute(
            "SELECT sql FROM undo_step WHERE change_id = ? ORDER BY id DESC", (target.id,)
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
        for (sql,) in steps:
            conn.execute(sql)
        conn.execute(
            "UPDATE change_log SET undone_at = ? WHERE id = ?", (to_db_time(now), target.id)
        )
        conn.execute(
            "UPDATE change_log SET command = ? WHERE id = ?",
            (f"undo #{target.id} ({target.command})", change),
        )
        rebuild_search(conn)
    assert change is not None
    return change
