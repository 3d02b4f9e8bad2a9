"""The history aggregate of the store (store/history.py, store/forget.py) against a real
migrated book: what a change records, read by name; reverting inserts, updates and
deletes through the store's functions; and that the modules moved into the store run
no SQL of their own."""

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import plncli
from plncli import db
from plncli.migrations import MIGRATIONS, UNDONE_TABLES
from plncli.store import history
from plncli.store import rows as store_rows

STAMP = db.to_db_time(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = db.open_store(tmp_path / "book.db", create_parent=False)
    try:
        yield c
    finally:
        c.close()


def _add_person(c: sqlite3.Connection, name: str, notes: str = "") -> int:
    cur = c.execute(
        "INSERT INTO person (name, name_key, circle, notes, created_at, updated_at)"
        " VALUES (?, ?, 'acquaintance', ?, ?, ?)",
        (name, name.lower(), notes, STAMP, STAMP),
    )
    return int(cur.lastrowid or 0)


def _tie(c: sqlite3.Connection, a: int, b: int) -> None:
    c.execute(
        "INSERT INTO tie (a_id, b_id, note, source, created_at) VALUES (?, ?, '', 'manual', ?)",
        (a, b, STAMP),
    )


def _book(c: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every undone table's rows with their row numbers."""
    return {
        t: c.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall() for t in UNDONE_TABLES
    }


def _change(c: sqlite3.Connection, path: Path, body: Any) -> int:
    token = db.COMMAND.set(["test", "change"])
    try:
        with db.transaction(c, str(path)) as change:
            body()
    finally:
        db.COMMAND.reset(token)
    assert change is not None
    return change


def _revert(c: sqlite3.Connection, path: Path, change: int) -> set[int] | None:
    with db.transaction(c, str(path), record=False):
        history.defer_foreign_keys(c)
        return history.revert(c, history.steps_of(c, change))


def test_a_recorded_change_reads_by_name(conn: sqlite3.Connection, tmp_path: Path) -> None:
    pid = 0

    def add() -> None:
        nonlocal pid
        pid = _add_person(conn, "Ana Ruiz")

    change = _change(conn, tmp_path, add)
    (entry,) = history.recent_changes(conn, 5)
    assert (entry.id, entry.command, entry.kind, entry.summary) == (
        change,
        "pln test change",
        "change",
        "person +1",
    )
    assert entry.undone_at is None
    (step,) = history.steps_of(conn, change)
    assert (step.tbl, step.op) == ("person", "insert")
    assert step.sql == f"DELETE FROM person WHERE rowid = {pid}"
    assert history.parse(step.sql) == history.Step("person", "insert", pid, (), ())
    assert history.rows_changed_by(conn, change) == {("person", pid)}
    assert history.newest_undoable(conn).id == change
    assert history.still_done(conn, change)


def test_a_change_that_changes_nothing_leaves_no_entry(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    _change(conn, tmp_path, lambda: None)
    assert history.recent_changes(conn, 5) == []


def test_undo_of_insert_update_and_delete_through_the_store(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    with db.transaction(conn, str(tmp_path), record=False):
        ana, ben = _add_person(conn, "Ana"), _add_person(conn, "Ben", notes="it's Ben")
        _tie(conn, ana, ben)
    snapshots = [_book(conn)]

    def update() -> None:
        conn.execute("UPDATE person SET notes = ?, org = NULL WHERE id = ?", ("new 'x'", ben))

    def delete() -> None:
        conn.execute("DELETE FROM tie WHERE a_id = ?", (ana,))  # a table keyed by a pair
        conn.execute("DELETE FROM person WHERE id = ?", (ana,))

    def insert() -> None:
        _add_person(conn, "Cleo")
        _tie(conn, ben, _add_person(conn, "Dan"))

    changes = []
    for body in (update, delete, insert):
        changes.append(_change(conn, tmp_path, body))
        snapshots.append(_book(conn))
    ops = [{(s.tbl, s.op) for s in history.steps_of(conn, c)} for c in changes]
    assert ops == [
        {("person", "update")},
        {("tie", "delete"), ("person", "delete")},
        {("person", "insert"), ("tie", "insert")},
    ]
    for n in (2, 1, 0):  # newest first, as `pln undo` walks back
        touched = _revert(conn, tmp_path, changes[n])
        assert _book(conn) == snapshots[n]
        assert touched is not None
    assert history.later_change_touching(conn, changes[0], {("person", ben)}) is None


def test_a_later_change_touching_the_same_row_is_found(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    pid = 0

    def add() -> None:
        nonlocal pid
        pid = _add_person(conn, "Ana")

    first = _change(conn, tmp_path, add)
    _change(conn, tmp_path, lambda: _add_person(conn, "Ben"))
    third = _change(
        conn, tmp_path, lambda: conn.execute("UPDATE person SET org = 'x' WHERE id = ?", (pid,))
    )
    assert history.later_change_touching(conn, first, history.rows_changed_by(conn, first)) == third


def test_old_changes_lose_their_steps_but_keep_their_summary(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    changes = [_change(conn, tmp_path, lambda: _add_person(conn, "A")) for _ in range(3)]
    with db.transaction(conn, str(tmp_path), record=False):
        history.close_change(conn, changes[-1], keep=1)
    assert [len(history.steps_of(conn, c)) for c in changes] == [0, 0, 1]
    assert [c.summary for c in history.recent_changes(conn, 5)] == ["person +1"] * 3


def test_the_tables_keyed_by_id_are_the_ones_with_an_id(conn: sqlite3.Connection) -> None:
    for table in UNDONE_TABLES:
        pk = [r[1] for r in conn.execute(f"PRAGMA table_info('{table}')") if r[5]]
        assert (pk == ["id"]) == (table in history.BY_ID), table


def test_reverting_statements_are_portable() -> None:
    """Quoted names, ? parameters, no row number where the table has an id, no OR REPLACE."""
    shapes = [
        "DELETE FROM person WHERE rowid = 3",
        'UPDATE person SET "id"=3,"name"=\'O\'\'Neil\',"org"=NULL WHERE rowid = 3',
        'INSERT INTO person (rowid,"id","name","org") VALUES (3,3,\'Ana\',X\'00ff\')',
    ]
    for sql in shapes:
        statement, params = history.parameterized(sql)
        assert "rowid" not in statement
        assert "REPLACE" not in statement
        assert re.search(r"'|\d", statement) is None, statement  # every value a parameter
        assert '"person"' in statement
        assert '"id"' in statement
        assert 3 in params
    statement, params = history.parameterized('INSERT INTO tie (rowid,"a_id") VALUES (9,1)')
    assert statement == 'INSERT INTO "tie" ("rowid","a_id") VALUES (?, ?)'
    assert params == (9, 1)


# Text as pln stores it: its cleaning refuses NUL (which SQLite's quote(), and so the
# capture format, cannot carry) and the other controls.
TEXT = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=20
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=st.tuples(TEXT, st.none() | TEXT),
    after=st.tuples(TEXT, st.none() | TEXT),
    delete=st.booleans(),
)
def test_any_text_reverts_exactly(
    before: tuple[str, str | None], after: tuple[str, str | None], delete: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.db"
        c = db.open_store(path, create_parent=False)
        try:
            with db.transaction(c, str(path), record=False):
                pid = _add_person(c, "Ana", notes=before[0])
                c.execute("UPDATE person SET org = ? WHERE id = ?", (before[1], pid))
            snapshot = _book(c)

            def body() -> None:
                if delete:
                    c.execute("DELETE FROM person WHERE id = ?", (pid,))
                else:
                    c.execute("UPDATE person SET notes = ?, org = ? WHERE id = ?", (*after, pid))

            change = _change(c, path, body)
            assert _revert(c, path, change) == {pid}
            assert _book(c) == snapshot
        finally:
            c.close()


def test_forget_erases_in_a_backup_of_the_first_schema(tmp_path: Path) -> None:
    """A copy made before the network tables: the person, their interactions alone, and
    their full name in other records (store/forget.py's erasure of an older schema)."""
    from plncli import forget

    copy = tmp_path / "old.db"
    c = sqlite3.connect(copy, isolation_level=None)
    c.create_function("pln_fold", 1, lambda t: t)
    for statement in MIGRATIONS[0][1](c):
        c.execute(statement)
    c.execute("PRAGMA user_version = 1")
    ana, ben = _add_person(c, "Ana Ruiz"), _add_person(c, "Ben", notes="met Ana Ruiz at BETT")
    for who in ([ana], [ana, ben]):
        iid = c.execute(
            "INSERT INTO interaction (at, kind, note, created_at) VALUES (?, 'call', 'x', ?)",
            (STAMP, STAMP),
        ).lastrowid
        c.executemany(
            "INSERT INTO interaction_person (interaction_id, person_id) VALUES (?, ?)",
            [(iid, p) for p in who],
        )
    c.close()
    traits = forget._Traits(ana, "Ana Ruiz", "ana ruiz", ["ana", "ruiz"], [])
    forget.forget_in_backup(str(copy), traits, command_words={"log"})
    c = sqlite3.connect(copy)
    try:
        assert c.execute("SELECT id, notes FROM person").fetchall() == [
            (ben, "met (forgotten person) at BETT")
        ]
        assert c.execute("SELECT count(*) FROM interaction").fetchone() == (1,)
        assert c.execute("SELECT person_id FROM interaction_person").fetchall() == [(ben,)]
    finally:
        c.close()
    assert not Path(f"{copy}.forget").exists()


CONVERTED = ["history.py", "forget.py", "restore_check.py", "cli/forget.py"]


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_execute_no_sql(module: str) -> None:
    text = (Path(plncli.__file__).parent / module).read_text()
    assert ".execute(" not in text
    assert "executemany(" not in text


def test_db_records_no_history_itself() -> None:
    """db.py opens, configures, migrates and brackets transactions; the history's SQL is
    the store's."""
    text = (Path(plncli.__file__).parent / "db.py").read_text()
    assert "change_log" not in text
    assert "undo_step" not in text


def test_store_rows_are_named(conn: sqlite3.Connection) -> None:
    (r,) = store_rows(conn, "SELECT 1 AS one, 'x' AS two")
    assert (r.one, r.two) == (1, "x")
