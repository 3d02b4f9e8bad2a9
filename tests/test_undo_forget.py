"""`pln undo` under a race, undo's speed fixes, and `pln forget` (issue 10, items 1, 2, 13).

* **Undo races** (``RACES`` real processes): a ``pln undo`` waits at its prompt on a
  terminal (a pty), a second ``pln`` writes, then the first is answered ``y``. The undo
  must refuse (exit 5) having changed nothing, and the second writer's work must stay.
* **Foreign keys**: every foreign-key column is the first column of an index, so deleting
  a person never scans a table (undoing a large import was quadratic).
* **Undo steps run as parameterised statements**: for arbitrary values, running a step
  with its values as parameters stores exactly what the literal SQL stores.
"""

import json
import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

NOW = "2026-11-23T10:00:00+00:00"
RACES = 10


def _env(db: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PLN_DEBUG", "FORCE_COLOR", "PLN_NO_FASTPATH")
    }
    env.update(PLN_DB=str(db), PLN_NOW=NOW, TZ="UTC", NO_COLOR="1", COLUMNS="200")
    return env


def run(db: Path, *args: str, code: int = 0) -> "subprocess.CompletedProcess[str]":
    r = subprocess.run(
        [sys.executable, "-m", "plncli", *args],
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert r.returncode == code, (args, r.returncode, r.stdout, r.stderr)
    return r


def _dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


class WaitingUndo:
    """`pln undo` on a terminal, stopped at its "Undo it?" question."""

    def __init__(self, db: Path) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "plncli", "undo"],
            env=_env(db),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(slave)
        self.shown = self._read_until("Undo it?")

    def _read_until(self, text: str) -> str:
        assert self.proc.stderr is not None
        seen = ""
        deadline = time.monotonic() + 60
        fd = self.proc.stderr.fileno()
        while text not in seen:
            assert time.monotonic() < deadline, f"no {text!r} from pln undo: {seen!r}"
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                chunk = os.read(fd, 4096).decode()
                assert chunk, f"pln undo ended before asking: {seen!r}"
                seen += chunk
        return seen

    def answer(self, text: str) -> tuple[int, str, str]:
        os.write(self.master, text.encode() + b"\n")
        out, err = self.proc.communicate(timeout=60)
        os.close(self.master)
        return self.proc.returncode, out, err


def _race_edit(db: Path) -> None:
    run(db, "add", "Ana Ruiz", "--org", "Old Org", "--role", "Teacher")
    run(db, "edit", "Ana", "--org", "New Org")
    undo = WaitingUndo(db)
    assert "edit Ana --org 'New Org'" in undo.shown
    run(db, "edit", "Ana", "--role", "Head")
    before = _dump(db)
    code, out, err = undo.answer("y")
    assert code == 5, (code, out, err)
    assert err.splitlines()[-2].startswith("error: the book changed since change #2 was shown")
    assert err.splitlines()[-1] == "hint: run `pln undo` again to see the newest change"
    assert _dump(db) == before
    (ana,) = json.loads(run(db, "list", "--json").stdout)
    shown = json.loads(run(db, "show", "Ana", "--json").stdout)
    assert (ana["org"], shown["role"]) == ("New Org", "Head")
    history = json.loads(run(db, "history", "--json").stdout)
    assert [(h["command"], h["undone"]) for h in history] == [
        ("pln edit Ana --role Head", False),
        ("pln edit Ana --org 'New Org'", False),
        ("pln add 'Ana Ruiz' --org 'Old Org' --role Teacher", False),
    ]


def _race_add(db: Path) -> None:
    run(db, "add", "Ana Ruiz")
    undo = WaitingUndo(db)
    run(db, "remind", "Ana", "tomorrow", "-m", "send the quiz bank")
    before = _dump(db)
    code, _, err = undo.answer("y")
    assert code == 5, err
    assert _dump(db) == before
    (f,) = json.loads(run(db, "reminders", "--json").stdout)
    assert (f["person"]["name"], f["note"]) == ("Ana Ruiz", "send the quiz bank")


def test_undo_refuses_when_another_writer_changed_the_book(tmp_path: Path) -> None:
    lost = 0
    for n in range(RACES):
        db = tmp_path / f"race{n}.db"
        try:
            (_race_edit if n % 2 == 0 else _race_add)(db)
        except AssertionError:
            lost += 1
            raise
    print(f"\n{RACES} undo races, {lost} writes lost")  # noqa: T201


def test_undo_goes_ahead_when_nothing_changed_meanwhile(tmp_path: Path) -> None:
    db = tmp_path / "calm.db"
    run(db, "add", "Ana Ruiz", "--org", "Old Org")
    run(db, "edit", "Ana", "--org", "New Org")
    code, out, err = WaitingUndo(db).answer("y")
    assert code == 0, err
    assert json.loads(run(db, "list", "--json").stdout)[0]["org"] == "Old Org"


def test_undo_answered_no_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "no.db"
    run(db, "add", "Ana Ruiz")
    before = _dump(db)
    code, _, err = WaitingUndo(db).answer("n")
    assert code == 0, err
    assert _dump(db) == before


def test_every_foreign_key_has_an_index(tmp_path: Path) -> None:
    db = tmp_path / "fk.db"
    run(db, "db", "status")
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    missing = []
    for table in tables:
        leading = {
            conn.execute(f"PRAGMA index_info('{ix[1]}')").fetchone()[2]
            for ix in conn.execute(f"PRAGMA index_list('{table}')")
        }
        pk = [
            r[1]
            for r in sorted(conn.execute(f"PRAGMA table_info('{table}')"), key=lambda r: r[5])
            if r[5]
        ]
        leading |= set(pk[:1])
        for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
            if fk[3] not in leading:
                missing.append(f"{table}.{fk[3]}")
    assert missing == []


# quote() of every kind of value SQLite stores, through the step shapes the triggers write
values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.floats(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=150, deadline=None)
@given(row=st.tuples(values, values, values), new=st.tuples(values, values, values))
def test_undo_steps_with_parameters_store_what_the_literal_sql_stores(
    row: tuple[Any, Any, Any], new: tuple[Any, Any, Any]
) -> None:
    from plncli.history import parameterized

    results = []
    for literal in (True, False):
        conn = sqlite3.connect(":memory:")
        conn.execute('CREATE TABLE t (a, "on", "key")')
        conn.execute('INSERT INTO t (rowid, a, "on", "key") VALUES (7, ?, ?, ?)', new)
        cols = ",".join(f"quote({c})" for c in ("a", '"on"', '"key"'))
        q = conn.execute(
            f'SELECT {cols} FROM (SELECT ? AS a, ? AS "on", ? AS "key")', row
        ).fetchone()
        update = f'UPDATE t SET "a"={q[0]},"on"={q[1]},"key"={q[2]} WHERE rowid = 7'
        insert = f'INSERT INTO t (rowid,"a","on","key") VALUES (8,{q[0]},{q[1]},{q[2]})'
        for sql in (update, insert, "DELETE FROM t WHERE rowid = 8"):
            if literal:
                conn.execute(sql)
            else:
                template, params = parameterized(sql)
                assert "?" in template, sql
                conn.execute(template, params)
            results.append(
                conn.execute('SELECT rowid, *, typeof(a), typeof("on") FROM t').fetchall()
            )
    half = len(results) // 2
    assert results[:half] == results[half:]


def _search_rows(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT rowid, * FROM person_fts ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_undo_leaves_the_search_index_as_a_rebuild_would(tmp_path: Path) -> None:
    """Undo refreshes only the search rows of the people it touched: each of them right."""
    from plncli.db import open_store
    from plncli.people import rebuild_search

    db = tmp_path / "fts.db"
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,org,topics,notes\n"
        + "".join(
            f"Person {i},p{i}@example.org,School {i},oracy;maths,note {i}\n" for i in range(30)
        )
        + "Ana Ruiz,ana2@example.org,,assessment,merged in\n",
        encoding="utf-8",
    )
    run(db, "add", "Ana Ruiz", "Ben Okafor", "--topic", "retrieval")
    run(db, "log", "Ana", "Ben", "-m", "coffee about quizzes")
    run(db, "edit", "Ana", "--org", "Hillside", "--add-topic", "oracy", "--note", "likes maps")
    run(db, "import", str(csv), "--format", "csv")
    run(db, "merge", "Ana", "Person 3", "--yes")
    run(db, "unknows", "Ana", "Ben")
    for _ in range(6):
        rows = _search_rows(db)
        copy = tmp_path / "copy.db"
        for suffix in ("", "-wal", "-shm"):
            (tmp_path / f"copy.db{suffix}").unlink(missing_ok=True)
        src = sqlite3.connect(db)
        src.execute("VACUUM INTO ?", (str(copy),))
        src.close()
        conn = open_store(copy, create_parent=False)
        rebuild_search(conn)
        conn.close()
        assert rows == _search_rows(copy)
        run(db, "undo", "--yes")
    assert _search_rows(db) == []
