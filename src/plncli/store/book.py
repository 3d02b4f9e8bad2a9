"""The book as a whole: what it holds (`pln db status`), whether it is still empty, and
its health (`pln db check`).

The counts are the SQL both engines share. The health checks are SQLite's own
(``PRAGMA integrity_check`` and ``foreign_key_check``): a PostgreSQL server keeps its
pages and constraints itself.
"""

from __future__ import annotations

from typing import Any

from . import Conn, column, rows, scalar

_COUNTED = {
    "people": "person WHERE archived_at IS NULL",
    "archived": "person WHERE archived_at IS NOT NULL",
    "events": "event",
    "interactions": "interaction",
    "open_followups": "followup WHERE state = 'open'",
}


def counts(conn: Conn) -> dict[str, int]:
    """Active people, archived people, events, interactions and open follow-ups."""
    return {k: int(scalar(conn, f"SELECT count(*) FROM {t}")) for k, t in _COUNTED.items()}


def is_empty(conn: Conn) -> bool:
    """No person and no history: nothing was ever written to the book."""
    return bool(
        scalar(
            conn,
            "SELECT NOT EXISTS (SELECT 1 FROM change_log) AND NOT EXISTS (SELECT 1 FROM person)",
        )
    )


def integrity_problems(conn: Conn) -> list[str]:
    """SQLite's integrity check: ``["ok"]`` when the file is sound."""
    return [str(v) for v in column(conn, "PRAGMA integrity_check")]


def foreign_key_problems(conn: Conn) -> list[Any]:
    """Rows that name a row that is not there (SQLite's ``foreign_key_check``)."""
    return rows(conn, "PRAGMA foreign_key_check")
