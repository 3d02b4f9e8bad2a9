"""A schema upgrade that fails on its first step keeps no copy: the book was rolled back,
unchanged, and every new try of a command would have kept one more copy of the whole book
(a book left at schema 6 by a development build, whose upgrade met a table it already had,
gained two copies per command). A copy taken before a later step failed is kept: the book
then changed, and the copy is its only former state."""

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from plncli import migrations

pytestmark = pytest.mark.sqlite_only(reason="SQLite's versioned migrations")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wound_back(path: Path, version: int) -> None:
    """The version set back over a schema that has the newer steps' objects already: the
    step after it meets a table that exists."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


def test_a_failed_first_step_keeps_no_copy_and_changes_nothing(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy")
    _wound_back(db_path, migrations.LATEST - 1)  # the last step's table is there already
    before = _sha(db_path)
    for _ in range(2):
        result = pln("list", code=7)
        assert result.stderr.startswith("error: cannot use")
        assert "Traceback" not in result.stderr
    assert sorted(p.name for p in db_path.parent.glob("*.bak")) == []
    assert _sha(db_path) == before


def test_a_copy_is_kept_when_an_earlier_step_had_changed_the_book(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    conn = sqlite3.connect(db_path)  # back to schema 9: without m010's indexes
    for name in ("ix_person_eligible", "ix_person_org_fold", "ix_person_location_fold"):
        conn.execute(f"DROP INDEX {name}")
    conn.execute("DROP INDEX ix_person_attr_kind_key_id")
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()
    pln("list", code=7)  # m010 is made again, then m011 meets its table
    [kept] = db_path.parent.glob(f"{db_path.name}.schema9-*.bak")
    assert sqlite3.connect(kept).execute("PRAGMA user_version").fetchone() == (9,)
    assert sqlite3.connect(db_path).execute("PRAGMA user_version").fetchone() == (10,)
