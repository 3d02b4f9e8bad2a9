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

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

NOW = "2026-11-23T10:00:00+00:00"
RACES = 6  # each a pair of processes racing; 10 were 17 s of the suite


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
    """`pln undo` (or another command that asks) on a terminal, stopped at its question."""

    def __init__(self, db: Path, *args: str, question: str = "Undo it?") -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "plncli", *(args or ("undo",))],
            env=_env(db),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(slave)
        self.shown = self._read_until(question)

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


@pytest.mark.slow
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
    from plncli.db import open_store  # a new book at the latest schema (reads create none)

    open_store(db, create_parent=True).close()
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
    from plncli.store.history import parameterized

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
                reals = any(isinstance(v, float) for v in row) and "DELETE" not in sql
                assert "?" in template or reals, sql  # a step with a REAL runs as written
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


# ---------------------------------------------------------------------------- pln forget

MARK = "qqzmark"  # in every field and table about the person; never in anyone else's


def _old_book(db: Path) -> None:
    """A schema-3 book holding the person, so that opening it writes a schema .bak."""
    from plncli.migrations import MIGRATIONS

    conn = sqlite3.connect(db, isolation_level=None)
    for _name, steps in MIGRATIONS[:3]:
        for statement in steps(conn):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    stamp = "2026-11-01 09:00:00.000000"
    conn.execute(
        "INSERT INTO person (id, name, name_key, circle, notes, created_at, updated_at)"
        " VALUES (1, 'Qqzmark Person', 'qqzmark person', 'network', 'qqzmark old note', ?, ?)",
        (stamp, stamp),
    )
    conn.close()


def _marked_book(tmp_path: Path) -> Path:
    db = tmp_path / "pln.db"
    _old_book(db)
    run(db, "db", "status")  # upgrades the schema: pln.db.schema3-*.bak holds them
    m = MARK
    fields = {
        "--org": "org",
        "--role": "role",
        "--location": "town",
        "--email": "@example.org",
        "--link": "https://{m}.example",
        "--topic": "topic",
        "--offers": "offers",
        "--seeks": "seeks",
        "--role-tag": "tag",
        "--note": "note",
    }
    args = [a for k, v in fields.items() for a in (k, v.format(m=m) if "{" in v else m + v)]
    run(db, "edit", "Qqzmark", *args, "--phone", "+44 7700 900 111", "--circle", "colleague")
    run(db, "add", "Ben Okafor", "Carla Diaz", "Dev Patel", "Eve Stone", "--introduced-by", m)
    run(db, "log", m, "-m", f"{m} alone", "--topic", f"{m} itopic")
    run(db, "log", m, "Ben", "-m", "coffee with Qqzmark Person about maps", "--topic", "maps")
    run(db, "remind", m, "tomorrow", "-m", f"{m} remind")
    run(db, "introduce", m, "Carla", "-m", f"{m} intro")
    run(db, "intro", "asked", m, "Carla")
    run(db, "intro", "made", m, "Carla")
    run(db, "knows", m, "Dev", "-m", f"{m} tie")
    run(db, "introduce", m, "Eve", "--dismiss")
    run(db, "group", "add", "Book club", m, "Ben")
    run(db, "remind", "Ben", "friday", "-m", "ask Qqzmark Person for the slides")
    run(db, "edit", m, "--name", "Qqzmark Persona", "--org", f"{m} org 2")
    run(db, "undo", "--yes")  # the undo data holds the values of both versions
    run(db, "db", "backup")
    return db


def _files(tmp_path: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in [*tmp_path.iterdir(), *(tmp_path / "backups").iterdir()]
        if p.is_file()
    }


def _holding(tmp_path: Path) -> list[str]:
    return sorted(name for name, data in _files(tmp_path).items() if MARK.encode() in data.lower())


def test_forget_leaves_no_byte_of_them_anywhere(tmp_path: Path) -> None:
    db = _marked_book(tmp_path)
    (bak,) = [p.name for p in tmp_path.glob("pln.db.schema3-*.bak")]
    (backup,) = [p.name for p in (tmp_path / "backups").iterdir()]
    assert {"pln.db", bak, backup} <= set(_holding(tmp_path))
    r = run(db, "forget", MARK, "--yes", "--backups", "--json")
    doc = json.loads(r.stdout)
    assert doc["person"] == {"id": 1, "name": "Qqzmark Person"}
    assert doc["erased"] == {
        "attributes": 7,
        "interactions": 1,
        "shared_interactions": 2,  # the coffee with Ben, and the introduction with Carla
        "followups": 3,  # the reminder, the intro's waiting follow-up and its check-in
        "ties": 3,
        "groups": 1,
        "introductions": 1,
        "dismissals": 1,
        "introduced": 4,
        "history": 14,  # every change since the upgrade names them
    }
    assert {(m["kind"], m["rewritten"]) for m in doc["mentions"]} >= {
        ("notes", True),
        ("interaction", True),
        ("followup", True),
    }
    assert doc["file_rewritten"] is True
    assert sorted(b["path"] for b in doc["backups"]) == sorted(
        [str(tmp_path / bak), str(tmp_path / "backups" / backup)]
    )
    assert all(b["rewritten"] for b in doc["backups"])
    assert "This cannot be undone" in r.stderr
    assert MARK not in (r.stderr + r.stdout).replace("Qqzmark", "").lower()
    assert _holding(tmp_path) == []
    wal = tmp_path / "pln.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    # everyone else is there, with what was theirs
    people = {p["name"]: p for p in json.loads(run(db, "list", "--json").stdout)}
    assert sorted(people) == ["Ben Okafor", "Carla Diaz", "Dev Patel", "Eve Stone"]
    ben = json.loads(run(db, "show", "Ben", "--json").stdout)
    assert [i["note"] for i in ben["interactions"]] == ["coffee with (forgotten person) about maps"]
    assert ben["introduced_by"] is None
    assert [f["note"] for f in ben["followups"]] == ["ask (forgotten person) for the slides"]
    assert json.loads(run(db, "group", "show", "Book club", "--json").stdout)["members"] == [
        {"id": people["Ben Okafor"]["id"], "name": "Ben Okafor"}
    ]
    carla = json.loads(run(db, "show", "Carla", "--json").stdout)
    assert "(forgotten person)" in carla["notes"]
    assert carla["knows"] == []
    history = json.loads(run(db, "history", "--json", "--limit", "100").stdout)
    assert history[0]["kind"] == "forget"
    assert history[0]["command"] == "pln forget (forgotten person)"
    assert MARK not in json.dumps(history).lower()
    assert run(db, "db", "check").returncode == 0
    assert run(db, "find", MARK, "--json").stdout.strip() == "[]"
    for copy in (tmp_path / bak, tmp_path / "backups" / backup):
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM person WHERE id = 1").fetchone()[0] == 0
        conn.close()
        assert oct(copy.stat().st_mode & 0o777) == "0o600"


def test_forget_without_backups_says_which_still_hold_them(tmp_path: Path) -> None:
    db = _marked_book(tmp_path)
    r = run(db, "forget", MARK, "--yes")
    assert "still holds them (--backups rewrites it)" in r.stderr
    assert "cannot be undone" in r.stderr
    assert [n for n in _holding(tmp_path) if not n.endswith(".bak")] == [
        next((tmp_path / "backups").iterdir()).name
    ]
    assert "pln.db" not in _holding(tmp_path)


def test_forget_is_a_barrier_for_undo(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    run(db, "add", "Ana Ruiz", "Ben Okafor")
    run(db, "edit", "Ben", "--org", "Hillside")
    run(db, "forget", "Ana", "--yes")
    r = run(db, "undo", "--yes", code=3)
    assert r.stderr.startswith("error: there is nothing to undo since `pln forget`")
    run(db, "edit", "Ben", "--org", "Northfield")
    run(db, "undo", "--yes")
    assert json.loads(run(db, "show", "Ben", "--json").stdout)["org"] == "Hillside"
    run(db, "undo", "--yes", code=3)


def test_forget_asks_and_a_no_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    run(db, "add", "Ana Ruiz", "--note", "likes maps")
    run(db, "edit", "Ana", "--org", "Hillside")
    before = _dump(db)
    r = run(db, "forget", "Ana", code=2)
    assert r.stderr.splitlines()[0] == "error: pln forget asks before it erases anything"
    assert _dump(db) == before
    asking = WaitingUndo(db, "forget", "Ana", question="cannot be undone.")
    assert "Forget Ana Ruiz (#1)" in asking.shown
    code, _, err = asking.answer("n")
    assert code == 0, err
    assert _dump(db) == before
    r = run(db, "forget", "Nobody", "--yes", code=3)
    assert r.stderr.startswith("error: ")
    assert _dump(db) == before


def test_forget_leaves_a_first_name_alone_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    run(db, "add", "Ana Ruiz", "Ben Okafor", "Ana Lopez")
    run(db, "edit", "Ben", "--note", "Ana suggested the quiz; Ana Ruiz runs the trial")
    r = run(db, "forget", "Ana Ruiz", "--yes", "--json")
    (mention,) = json.loads(r.stdout)["mentions"]
    assert mention["kind"] == "notes"
    assert mention["person"]["name"] == "Ben Okafor"
    assert mention["rewritten"] is True
    ben = json.loads(run(db, "show", "Ben", "--json").stdout)
    assert ben["notes"] == "Ana suggested the quiz; (forgotten person) runs the trial"
    assert [p["name"] for p in json.loads(run(db, "list", "--json").stdout)] == [
        "Ana Lopez",
        "Ben Okafor",
    ]


@settings(max_examples=12, deadline=None)  # four commands each, every one a process
@given(
    name=st.sampled_from(["Al Di", "Ana Ruiz", "Zoë O'Neil", "Li"]),
    before=st.text(alphabet="Ala sozdiLIxy.,'", max_size=12),
    after=st.text(alphabet="Ala sozdiLIxy.,'", max_size=12),
)
@pytest.mark.slow
def test_forget_replaces_the_name_only_where_it_stands_whole(
    tmp_path_factory: pytest.TempPathFactory, name: str, before: str, after: str
) -> None:
    """Another person's note keeps every character but whole occurrences of the name."""
    import re

    db = tmp_path_factory.mktemp("names") / "pln.db"
    note = f"{before} {name} {after}".strip()
    run(db, "add", name, "Ben Okafor")
    run(db, "edit", "Ben", "--note", note)
    run(db, "forget", f"#{1}", "--yes")
    kept = json.loads(run(db, "show", "Ben", "--json").stdout)["notes"]
    whole = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    assert kept == whole.sub("(forgotten person)", note)


def test_forget_lists_imported_files_that_hold_them_and_leaves_them(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    csv = tmp_path / "people.csv"
    csv.write_text("name,email\nAna Ruiz,ana@example.org\nBen Okafor,ben@example.org\n")
    run(db, "import", str(csv), "--format", "csv")
    before = csv.read_bytes()
    r = run(db, "forget", "Ana", "--yes", "--json")
    assert json.loads(r.stdout)["files"] == [str(csv)]
    assert csv.read_bytes() == before
    run(db, "forget", "Ben", "--yes")
    history = json.loads(run(db, "history", "--json").stdout)
    assert [h["command"] for h in history] == [
        "pln forget (forgotten person)",
        "pln forget (forgotten person)",
        f"pln import {csv} --format csv",
    ]
    assert "ana@example.org" not in (db.read_bytes() + before[:0]).decode("latin-1")


def test_forget_reports_a_backup_it_cannot_rewrite(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    run(db, "add", "Ana Ruiz", "Ben Okafor")
    (tmp_path / "backups").mkdir()
    broken = tmp_path / "backups" / "pln-20261101-000000.db"
    broken.write_bytes(b"not a database, but it names Ana Ruiz")
    r = run(db, "forget", "Ana", "--yes", "--backups", "--json")
    assert json.loads(r.stdout)["backups"] == [{"path": str(broken), "rewritten": False}]
    assert f"Could not rewrite backup {broken}" in r.stderr
    assert [p["name"] for p in json.loads(run(db, "list", "--json").stdout)] == ["Ben Okafor"]


def test_forget_names_the_records_merged_into_them(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    run(db, "add", "Ana Ruiz", "--email", "ana@example.org")
    run(db, "add", "Ana Ruiz-Garcia", "--email", "ana.rg@example.org")
    run(db, "merge", "#1", "#2", "--yes")
    r = run(db, "forget", "#1", "--yes", "--json")
    assert json.loads(r.stdout)["merged_records"] == [{"id": 2, "name": "Ana Ruiz-Garcia"}]
    assert "`pln forget '#2'` erases it too" in r.stderr
    run(db, "forget", "#2", "--yes")
    assert run(db, "list", "--archived", "--json").stdout.strip() == "[]"
    assert b"ana" not in db.read_bytes().lower()
