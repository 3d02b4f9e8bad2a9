"""Two pln opening an older book at the same moment: the one that waited for the other's
migration finds the schema already moved on, and neither fails nor runs a step twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers import query, without_followup_anchor, without_person_topics
from plncli import db, migrations


def _back_to_schema_8(path: Path) -> None:
    """The book as a pln of schema 8 left it: no followup.anchor (m009), its triggers as
    m008 left them, and no person_topics (m011)."""
    conn = sqlite3.connect(path)
    conn.executescript(without_person_topics())
    without_followup_anchor(conn)
    conn.execute("PRAGMA user_version = 8")
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only(reason="the SQLite file's own migrations")
def test_a_migration_another_pln_ran_meanwhile_is_not_run_again(
    pln: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pln("add", "Ana Ruiz", "--follow-up", "tomorrow")
    _back_to_schema_8(db_path)
    rows = "SELECT p.name, f.due, f.note FROM followup f JOIN person p ON p.id = f.person_id"
    before = query(db_path, rows)
    real = db.backup_before_migration

    def other_pln_migrates_first(conn: sqlite3.Connection, path: str, version: int) -> str:
        # this pln has read schema 8; before it takes the write lock, another one
        # opens the same book and migrates it
        monkeypatch.setattr(db, "backup_before_migration", real)
        db.open_store(path, create_parent=False).close()
        return real(conn, path, version)

    monkeypatch.setattr(db, "backup_before_migration", other_pln_migrates_first)
    conn = db.open_store(db_path, create_parent=False)  # was: duplicate column name: anchor
    try:
        assert db.schema_version(conn) == migrations.LATEST
    finally:
        conn.close()
    assert query(
        db_path, "SELECT count(*) FROM pragma_table_info('followup') WHERE name = 'anchor'"
    ) == [(1,)]
    assert query(db_path, rows) == before
    assert "Ana Ruiz" in pln("reminders").stdout  # the book works on
