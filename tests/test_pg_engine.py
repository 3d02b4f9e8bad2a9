"""The PostgreSQL engine's own parts, against a real server (tests/pgserver.py): `pln db init`,
the members' roles, the history capture (the same undo steps SQLite's triggers write), the
accent-folding search, and every refusal as one line. Skipped, with one line, without a server."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import assert_clean_error
from plncli import models
from plncli.db import open_store
from plncli.migrations import LATEST, UNDONE_TABLES
from plncli.store import history
from plncli.store import rows as store_rows

psycopg = pytest.importorskip("psycopg")
from plncli.store import pg  # noqa: E402  (psycopg first: it is an optional extra)
from plncli.store.pg import prepare, schema, search  # noqa: E402

T = "2026-11-23 10:00:00.000000"


def _db(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def _admin(url: str) -> Any:
    return psycopg.connect(url, autocommit=True)


def _tables(conn: Any) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    }


def _has_unaccent(conn: Any) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'").fetchone())


def _columns(conn: Any, table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            (table,),
        ).fetchall()
    ]


# --- db init ------------------------------------------------------------------------------


def test_db_init_creates_the_models_tables_and_the_postgresql_extras(pln, pg_url: str) -> None:
    result = pln("db", "init", pg_url)
    db = _db(pg_url)
    assert f"Prepared {db} on " in result.stdout
    assert f"CREATE ROLE alice LOGIN IN ROLE {db}_write" in result.stdout
    assert "Every pln command then runs on it" in result.stdout
    with _admin(pg_url) as conn:
        assert _tables(conn) == set(models.SQLModel.metadata.tables) | set(schema.EXTRA_TABLES)
        for name, table in models.SQLModel.metadata.tables.items():
            extra = (["rowid"] if name in UNDONE_TABLES else []) + (
                ["author"] if name == "change_log" else []
            )
            assert _columns(conn, name) == [c.name for c in table.columns] + extra, name
        assert conn.execute("SELECT version FROM pln_version").fetchall() == [(LATEST,)]
        not_deferrable = conn.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT condeferrable"
        ).fetchall()
        assert not_deferrable == []
        triggers = {
            r[0]
            for r in conn.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'pln_capture_write'"
            ).fetchall()
        }
        assert triggers == set(UNDONE_TABLES)
        assert _has_unaccent(conn)
        assert conn.execute("SELECT count(*) FROM person").fetchone() == (0,)


def _shape(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Columns, constraints and indexes of the models' tables (the PostgreSQL extras aside)."""
    tables = list(models.SQLModel.metadata.tables)
    columns = conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default"
        " FROM information_schema.columns WHERE table_schema = 'public'"
        " AND table_name = ANY(%s) AND column_name NOT IN ('rowid', 'author') ORDER BY 1, 2",
        (tables,),
    ).fetchall()
    constraints = conn.execute(
        "SELECT conrelid::regclass::text, contype,"
        " replace(pg_get_constraintdef(oid), ' DEFERRABLE', '')"
        " FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) ORDER BY 1, 2, 3",
        (tables,),
    ).fetchall()
    indexes = conn.execute(
        "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename = ANY(%s) AND indexname NOT LIKE '%%rowid' ORDER BY 1, 2",
        (tables,),
    ).fetchall()
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def test_db_init_makes_the_tables_sqlalchemy_create_all_makes(
    pln, pg_url: str, pg_server: Any
) -> None:
    """The DDL `pln db init` runs in its one transaction is what create_all would run."""
    from sqlalchemy import create_engine

    pln("db", "init", pg_url)
    other = pg_server.create_database()
    try:
        other_url = pg_server.url_for(other)
        engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(other_url))
        models.SQLModel.metadata.create_all(engine)
        engine.dispose()
        with _admin(pg_url) as ours, _admin(other_url) as theirs:
            assert _shape(ours) == _shape(theirs)
            compared = {c[0] for c in _shape(ours)["columns"]}
            assert compared == set(models.SQLModel.metadata.tables)
    finally:
        pg_server.drop_database(other)


def test_db_init_json_names_the_roles(pln, pg_url: str) -> None:
    doc = pln.json("db", "init", pg_url)
    db = _db(pg_url)
    assert doc["database"] == db
    assert doc["schema_version"] == LATEST
    assert doc["roles"] == {"read": f"{db}_read", "write": f"{db}_write"}
    assert doc["created_roles"] == [f"{db}_read", f"{db}_write"]
    assert doc["accent_folding"] is True


def test_the_next_steps_name_the_role_as_sql_writes_it(pln, pg_server: Any) -> None:
    """A database named with capitals and a dash: its roles are quoted in what to run next,
    and what is printed runs."""
    name = f"Dept-{os.getpid()}"
    pg_server.admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        out = pln("db", "init", pg_server.url_for(name)).stdout
        statement = next(line for line in out.splitlines() if "CREATE ROLE alice" in line)
        assert f'IN ROLE "{name}_write";' in statement
        member = statement.split(";")[0].strip().replace("alice", f'"{name}_alice"', 1)
        pg_server.admin.execute(member)
        assert pg_server.admin.execute(
            "SELECT pg_has_role(%s, %s, 'MEMBER')", (f"{name}_alice", f"{name}_read")
        ).fetchone() == (True,)
    finally:
        pg_server.drop_database(f'"{name}"')
        for role in ("alice", "write", "read"):
            pg_server.admin.execute(f'DROP ROLE IF EXISTS "{name}_{role}"')


def test_the_id_tables_are_the_models_with_an_id() -> None:
    with_id = {n for n, t in models.SQLModel.metadata.tables.items() if "id" in t.columns}
    assert with_id == pg.ID_TABLES


def test_a_non_empty_database_is_refused_unchanged(pln, pg_url: str) -> None:
    with _admin(pg_url) as conn:
        conn.execute("CREATE TABLE grades (pupil text)")
        conn.execute("INSERT INTO grades VALUES ('x')")
    line = assert_clean_error(pln("db", "init", pg_url, code=5))
    assert "is not empty" in line
    with _admin(pg_url) as conn:
        assert _tables(conn) == {"grades"}
        assert conn.execute(
            "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"
        ).fetchone() == (0,)
        db = _db(pg_url)
        assert conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", (db + "\\_%",)
        ).fetchone() == (0,)


def test_an_initialised_book_is_not_initialised_again(pln, pg_url: str) -> None:
    pln("db", "init", pg_url)
    line = assert_clean_error(pln("db", "init", pg_url, code=5))
    assert f"is already a pln book (schema {LATEST})" in line


def test_init_without_the_right_to_create_roles_changes_nothing(
    pln, pg_url: str, pg_server: Any
) -> None:
    db = _db(pg_url)
    owner = f"{db}_owner"
    pg_server.admin.execute(f'CREATE ROLE "{owner}" LOGIN')
    pg_server.admin.execute(f'ALTER DATABASE {db} OWNER TO "{owner}"')
    line = assert_clean_error(pln("db", "init", pg_server.url_for(db, user=owner), code=7))
    assert "may not prepare" in line
    with _admin(pg_url) as conn:
        assert _tables(conn) == set()
        assert conn.execute(
            "SELECT count(*) FROM pg_extension WHERE extname = 'unaccent'"
        ).fetchone() == (0,)


def test_a_keeper_who_owns_the_database_and_may_create_roles_prepares_it(
    pln, pg_url: str, pg_server: Any
) -> None:
    """The README's way, with no superuser: the owner, with CREATEROLE, adds a member."""
    db = _db(pg_url)
    keeper = f"{db}_keeper"
    pg_server.admin.execute(f'CREATE ROLE "{keeper}" LOGIN CREATEROLE')
    pg_server.admin.execute(f'ALTER DATABASE {db} OWNER TO "{keeper}"')
    pln("db", "init", pg_server.url_for(db, user=keeper))
    as_keeper = psycopg.connect(pg_server.url_for(db, user=keeper), autocommit=True)
    as_keeper.execute(f'CREATE ROLE "{db}_ben" LOGIN IN ROLE "{db}_write"')
    as_keeper.close()
    ben = pg.connect(pg_server.url_for(db, user=f"{db}_ben"))
    _open_change(ben)
    _add_person(ben, "Ana Ruiz")
    ben.commit()
    assert [tuple(r) for r in store_rows(ben, "SELECT author FROM change_log")] == [(f"{db}_ben",)]
    assert len(store_rows(ben, "SELECT sql FROM undo_step")) == 1
    ben.close()


def test_a_statement_the_server_refuses_midway_leaves_the_database_empty(
    pln, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a second `pln db init` races the first: one line, and nothing kept."""
    twice = ["CREATE TABLE person (id int)", "CREATE TABLE person (id int)"]
    monkeypatch.setattr(prepare, "model_ddl", lambda: twice)
    line = assert_clean_error(pln("db", "init", pg_url, code=7))
    assert "refused to prepare" in line
    assert "(DuplicateTable); nothing was changed" in line
    with _admin(pg_url) as conn:
        assert _tables(conn) == set()
        assert not _has_unaccent(conn)
        assert conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE %s", (_db(pg_url) + "\\_%",)
        ).fetchone() == (0,)


def _broken_urls(pg_server: Any, pg_url: str) -> list[tuple[str, int, str]]:
    port = pg_server.params.get("port", "5432")
    return [
        (pg_server.url_for("pln_no_such_db"), 7, "there is no database pln_no_such_db"),
        (pg_server.url_for(_db(pg_url), user="pln_nobody"), 7, "authentication failed"),
        ("postgresql://postgres@127.0.0.1:1/x", 7, "cannot reach the PostgreSQL server"),
        (f"postgresql://postgres:s3cret@127.0.0.1:{port}/x", 2, "holds a password"),
        ("postgresql:///x?password=s3cret", 2, "holds a password"),
        ("postgresql://[::1/x", 2, "cannot be read"),
        ("mysql://127.0.0.1/x", 2, "not a PostgreSQL URL"),
    ]


def test_bad_urls_are_one_line_without_a_traceback(pln, pg_server: Any, pg_url: str) -> None:
    for url, code, words in _broken_urls(pg_server, pg_url):
        line = assert_clean_error(pln("db", "init", url, code=code))
        assert words in line, (url, line)
        assert "s3cret" not in line


@given(
    rest=st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    scheme=st.sampled_from(["postgresql://", "postgres://", "", "http://"]),
    secret=st.booleans(),
)
def test_any_url_is_read_or_refused_in_words_that_never_repeat_it(
    scheme: str, rest: str, secret: bool
) -> None:
    """Any text given as a URL: its parameters, or a refusal (exit 2) naming no part of it;
    a password anywhere in it is always refused."""
    url = scheme + ("u:s3cretpw@h/" if secret else "") + rest
    refused: pg.InvalidInput | None = None
    try:
        params = pg.conninfo(url)
    except pg.InvalidInput as exc:
        refused = exc
    if refused is not None:
        assert refused.exit_code == 2
        assert refused.message in {
            "not a PostgreSQL URL",
            "the PostgreSQL URL cannot be read",
            "the PostgreSQL URL holds a password; pln never takes one from a URL or its config",
            "the PostgreSQL URL must name the database",
        }
        return
    assert scheme.startswith("postgres")
    assert "password" not in params
    assert params.get("dbname") or "service" in params
    assert not secret


def test_connect_refuses_what_is_not_a_pln_book_or_is_newer(pg_url: str) -> None:
    with pytest.raises(pg.StoreError, match="is not a pln book") as info:
        pg.connect(pg_url)
    assert info.value.exit_code == 7
    prepare.init(pg_url)
    pg.connect(pg_url).close()
    with _admin(pg_url) as conn:
        conn.execute("UPDATE pln_version SET version = %s", (LATEST + 1,))
    with pytest.raises(pg.StoreError, match=f"newer pln \\(schema {LATEST + 1}"):
        pg.connect(pg_url)


# --- members ------------------------------------------------------------------------------


def _member(pg_server: Any, pg_url: str, name: str, group: str) -> Any:
    db = _db(pg_url)
    role = f"{db}_{name}"
    pg_server.admin.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE "{db}_{group}"')
    return pg.connect(pg_server.url_for(db, user=role)), role


def _open_change(conn: Any, command: str = "pln test") -> int:
    return int(
        conn.execute(
            "INSERT INTO change_log (at, command, kind, summary) VALUES (?, ?, 'change', '(open)')",
            (T, command),
        ).lastrowid
    )


def _add_person(conn: Any, name: str, **more: Any) -> int:
    cols = {"name": name, "name_key": name.lower(), "circle": "network", "notes": ""}
    cols.update(created_at=T, updated_at=T, **more)
    sql = f"INSERT INTO person ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    return int(conn.execute(sql, tuple(cols.values())).lastrowid)


def test_the_write_role_writes_and_is_the_author_the_read_role_only_reads(
    pg_url: str, pg_server: Any
) -> None:
    prepare.init(pg_url)
    alice, alice_role = _member(pg_server, pg_url, "alice", "write")
    ben, _ = _member(pg_server, pg_url, "ben", "read")
    change = _open_change(alice)
    pid = _add_person(alice, "Ana Ruiz")
    alice.execute("UPDATE change_log SET author = 'mallory', summary = 'person +1'")
    alice.commit()
    steps = store_rows(alice, "SELECT change_id, tbl, op, sql FROM undo_step")
    assert [(s.change_id, s.tbl, s.op, s.sql) for s in steps] == [
        (change, "person", "insert", f"DELETE FROM person WHERE rowid = {pid}")
    ]
    assert store_rows(ben, "SELECT author FROM change_log")[0].author == alice_role
    ana = store_rows(ben, "SELECT name, created_at, met_on FROM person")[0]
    assert tuple(ana) == ("Ana Ruiz", T, None)  # an instant reads back as SQLite stores it
    assert store_rows(ben, "SELECT TIMESTAMP '2026-01-02 03:04:05.5' AS t")[0].t == (
        "2026-01-02 03:04:05.500000"
    )
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        ben.execute("UPDATE person SET notes = 'x'")
    ben.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        _add_person(ben, "Ben Okafor")
    ben.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no member plants undo SQL
        alice.execute(
            "INSERT INTO undo_step (change_id, tbl, op, sql) VALUES (?, 'person', 'insert', ?)",
            (change, "DROP TABLE person"),
        )
    alice.rollback()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        alice.execute("UPDATE pln_version SET version = 99")
    alice.rollback()
    for conn in (alice, ben):
        conn.close()


# --- the history capture: the same undo steps as SQLite -----------------------------------


def _change_adds(conn: Any) -> None:
    """Change 1: an event, two people met there, a topic, a shared coffee, a tie, a follow-up."""
    _open_change(conn, "pln add")
    conn.execute(
        'INSERT INTO event (name, name_key, "on", place, created_at) VALUES (?, ?, ?, NULL, ?)',
        ("researchED", "researched", "2026-11-20", T),
    )
    zoe = _add_person(conn, "Zoë O'Brien", met_at_id=1, met_on="2026-11-20")
    ben = _add_person(conn, "Ben 100% Okafor", introduced_by_id=zoe)
    conn.execute(
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, 'topic', ?, ?)",
        (zoe, "Assessment?", "assessment"),
    )
    iid = conn.execute(
        "INSERT INTO interaction (at, kind, note, created_at) VALUES (?, 'coffee', ?, ?)",
        (T, "quiz designs; it's 'retrieval'", T),
    ).lastrowid
    for p in (zoe, ben):
        conn.execute(
            "INSERT INTO interaction_person (interaction_id, person_id) VALUES (?, ?)", (iid, p)
        )
    conn.execute(
        "INSERT INTO tie (a_id, b_id, since, note, source, created_at, since_precision)"
        " VALUES (?, ?, ?, '', 'interaction', ?, 'month')",
        (zoe, ben, "2026-11-01", T),
    )
    conn.execute(
        "INSERT INTO followup (person_id, due, note, every, state, created_at)"
        " VALUES (?, ?, 'send quiz', '1m', 'open', ?)",
        (zoe, "2026-11-30", T),
    )
    conn.execute("UPDATE change_log SET summary = 'adds'")


def _change_removes(conn: Any) -> None:
    """Change 2: an edit, then an event and a person deleted (a SET NULL and cascades)."""
    _open_change(conn, "pln edit")
    conn.execute("UPDATE person SET org = ?, notes = ? WHERE id = 1", ("Hillside", "it's 100%?"))
    conn.execute("DELETE FROM event WHERE id = 1")
    conn.execute("DELETE FROM person WHERE id = 1")
    conn.execute("UPDATE change_log SET summary = 'removes' WHERE id = 2")


def _steps(conn: Any, change: int) -> list[tuple[str, str, str]]:
    return [
        (r.tbl, r.op, r.sql)
        for r in store_rows(
            conn, "SELECT tbl, op, sql FROM undo_step WHERE change_id = ? ORDER BY id", (change,)
        )
    ]


def _snapshot(conn: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: [tuple(r) for r in store_rows(conn, f"SELECT * FROM {t} ORDER BY rowid")]
        for t in UNDONE_TABLES
    }


def _undo(conn: Any, change: int) -> None:
    """Replay a change's steps newest first, as history.undo does (foreign keys at the end)."""
    conn.execute(schema.DEFER_FOREIGN_KEYS)
    for tbl, _op, sql in reversed(_steps(conn, change)):
        statement, params = history.parameterized(sql)
        assert statement != sql, f"{tbl}: a step history.py cannot read: {sql}"
        conn.execute(statement, params)


def test_the_capture_writes_the_undo_steps_sqlites_triggers_write(
    pg_url: str, tmp_path: Path
) -> None:
    prepare.init(pg_url)
    book = pg.connect(pg_url)
    lite = open_store(tmp_path / "pln.db", create_parent=False)
    for conn in (lite, book):
        _change_adds(conn)
        _change_removes(conn)
    for change in (1, 2):
        ours, sqlites = _steps(book, change), _steps(lite, change)
        assert len(sqlites) == 9, change  # every insert, the SET NULL and each cascade
        assert sorted(ours) == sorted(sqlites), change
        # The order matters where undo replays it: the parent's step before its cascade.
        assert [s[:2] for s in ours][:3] == [s[:2] for s in sqlites][:3]
    assert [r.author for r in store_rows(book, "SELECT author FROM change_log")] == [
        "postgres",
        "postgres",
    ]
    lite.close()
    book.close()


# What a stored value can be: any character both engines store (text holds no NUL on
# PostgreSQL, and no lone surrogate in UTF-8).
TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(before=st.text(alphabet=TEXT), org=st.one_of(st.none(), st.text(alphabet=TEXT)))
def test_any_text_is_captured_as_sqlite_quotes_it(
    pg_book: Any, before: str, org: str | None
) -> None:
    """Whatever a value holds (quotes, %, ?, newlines, any script), the update's undo step
    is SQLite's to the byte, and history.py reads the value back exactly."""
    lite, book = pg_book
    steps = []
    lite.execute("BEGIN")
    try:
        for conn in (lite, book):
            _open_change(conn)
            _add_person(conn, "Ana", notes=before, met_on="2026-11-20")
            conn.execute("UPDATE person SET notes = 'x', org = ? WHERE name = 'Ana'", (org,))
            steps.append(store_rows(conn, "SELECT sql FROM undo_step WHERE op = 'update'")[0].sql)
    finally:
        lite.execute("ROLLBACK")
        book.rollback()
    steps[1] = re.sub(
        r'"id"=\d+(.*)rowid = \d+$', r'"id"=1\1rowid = 1', steps[1], flags=re.S
    )  # a sequence is not rolled back
    assert steps[0] == steps[1]
    _statement, values = history.parameterized(steps[1])
    assert values[11] == before  # "notes", in the table's column order
    assert values[3] is None  # the org before the update


@pytest.fixture
def pg_book(pg_url: str, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """A SQLite book and a PostgreSQL one, side by side."""
    prepare.init(pg_url)
    lite = open_store(tmp_path / "pln.db", create_parent=False)
    book = pg.connect(pg_url)
    yield lite, book
    lite.close()
    book.close()


def test_undoing_the_captured_steps_restores_the_rows_on_postgresql(pg_url: str) -> None:
    prepare.init(pg_url)
    book = pg.connect(pg_url)
    _change_adds(book)
    after_adds = _snapshot(book)
    _change_removes(book)
    assert _snapshot(book) != after_adds
    _undo(book, 2)
    assert _snapshot(book) == after_adds
    _undo(book, 1)
    assert all(not r for r in _snapshot(book).values())
    book.commit()  # the deferred foreign keys hold at the commit
    book.close()


def test_each_writer_s_rows_go_to_its_own_change(pg_url: str) -> None:
    """Two members at once: a change another member opened (and committed) later is not
    where this transaction's steps go (SQLite's triggers take the newest change)."""
    prepare.init(pg_url)
    ana, ben = pg.connect(pg_url), pg.connect(pg_url)
    first = _open_change(ana, "pln add Ana")
    second = _open_change(ben, "pln add Ben")
    _add_person(ben, "Ben Okafor")
    ben.execute("UPDATE change_log SET summary = 'person +1' WHERE id = ?", (second,))
    ben.commit()
    _add_person(ana, "Ana Ruiz")
    ana.execute("UPDATE change_log SET summary = 'person +1' WHERE id = ?", (first,))
    ana.commit()
    steps = store_rows(ana, "SELECT change_id, sql FROM undo_step ORDER BY id")
    assert [(s.change_id, s.sql.split(" = ")[0]) for s in steps] == [
        (second, "DELETE FROM person WHERE rowid"),
        (first, "DELETE FROM person WHERE rowid"),
    ]
    ana.close()
    ben.close()


def test_writes_outside_an_open_change_are_not_captured(pg_url: str) -> None:
    prepare.init(pg_url)
    book = pg.connect(pg_url)
    _add_person(book, "Ana Ruiz")  # another tool's write: no change is open
    _open_change(book)
    book.execute("UPDATE change_log SET summary = 'closed'")
    _add_person(book, "Ben Okafor")  # after pln closed its change
    assert store_rows(book, "SELECT count(*) AS n FROM undo_step")[0].n == 0
    book.close()


# --- search -------------------------------------------------------------------------------

PEOPLE = [
    ("Zoë Kowalczyk", "retrieval practice"),
    ("José Núñez", "Colegio San José"),
    ("Ben Okafor", "Y7 transition"),
]
QUERIES = ["zoe", "ZOË", "Zoë", "nunez", "NÚÑEZ", "kowal", "retriev", "jose colegio", "okafor y7"]


def _found_on_sqlite(pln) -> dict[str, set[str]]:
    for name, what in PEOPLE:
        pln("add", name, "--note", what)
    return {q: {h["person"]["name"] for h in pln.json("find", q)} for q in QUERIES}


def _found_on_postgresql(url: str, monkeypatch: pytest.MonkeyPatch, *, unaccent: bool) -> Any:
    if not unaccent:
        monkeypatch.setattr(prepare, "_has_unaccent", lambda conn: False)
    prepare.init(url)
    book = pg.connect(url)
    for name, what in PEOPLE:
        _add_person(book, name, notes=what)
    search.rebuild_search(book)
    return book


def test_search_folds_accents_and_finds_what_sqlite_finds(
    pln, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _found_on_sqlite(pln)
    book = _found_on_postgresql(pg_url, monkeypatch, unaccent=True)
    found = {q: {h.name for h in search.find(book, q, limit=20)} for q in QUERIES}
    assert found == expected
    assert expected["zoe"] == {"Zoë Kowalczyk"}
    assert expected["nunez"] == {"José Núñez"}
    hit = search.find(book, "retriev", limit=5)[0]
    assert "[retrieval]" in hit.snippet
    assert search.find(book, "zoe", limit=5)[0].snippet == "[Zoë] Kowalczyk"
    book.execute("UPDATE person SET archived_at = ? WHERE name = 'Ben Okafor'", (T,))
    assert search.find(book, "okafor", limit=5) == []
    assert [h.name for h in search.find(book, "okafor", limit=5, archived=True)] == ["Ben Okafor"]
    book.close()


def test_without_unaccent_search_still_folds_case(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _found_on_postgresql(pg_url, monkeypatch, unaccent=False)
    assert [h.name for h in search.find(book, "Zoë", limit=5)] == ["Zoë Kowalczyk"]
    assert [h.name for h in search.find(book, "kowalczyk", limit=5)] == ["Zoë Kowalczyk"]
    assert search.find(book, "zoe", limit=5) == []  # the documented limit of the fallback
    book.close()


def test_refresh_search_rewrites_one_persons_row(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _found_on_postgresql(pg_url, monkeypatch, unaccent=True)
    book.execute("UPDATE person SET notes = 'formative assessment' WHERE id = 3")
    assert search.find(book, "formative", limit=5) == []
    search.refresh_search(book, [3])
    assert [h.name for h in search.find(book, "formative", limit=5)] == ["Ben Okafor"]
    book.close()


# --- no server needed ---------------------------------------------------------------------

URL = "postgresql://ana@db.example.org/department"


@pytest.mark.parametrize("missing", ["psycopg", "sqlmodel"])
def test_db_init_without_the_postgres_extra_says_what_to_install(
    pln, missing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == missing else real(name, *a)
    )
    result = pln("db", "init", URL, code=7)
    assert assert_clean_error(result).startswith("error: a shared book on PostgreSQL needs")
    assert "pip install 'plncli[postgres]'" in result.stderr


@pytest.mark.slow
def test_the_fast_path_says_an_unreachable_server_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "plncli", "--db", "postgresql://ana@127.0.0.1:1/department", "list"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PLN_HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 7
    assert done.stderr.splitlines()[0] == (
        "error: cannot reach the PostgreSQL server at 127.0.0.1:1"
    )
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_without_a_server_the_postgresql_tests_are_skipped_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PLN_TEST_PG"}
    env["PLN_TEST_PG_BINDIR"] = str(tmp_path)  # no initdb or pg_ctl there
    here = Path(__file__).parent
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rN"]
        + [str(here / "test_pg_engine.py"), "-k", "db_init or capture"],
        capture_output=True,
        text=True,
        env=env,
        cwd=here.parent,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    said = [line for line in done.stdout.splitlines() if "PostgreSQL tests skipped" in line]
    assert said == [
        "PostgreSQL tests skipped: no server binaries;"
        " install the postgresql package or set PLN_TEST_PG"
    ]
    assert " passed" not in done.stdout
    assert "skipped" in done.stdout.splitlines()[-1]


def test_placeholders_leave_a_question_mark_in_quotes_alone() -> None:
    """The store's ``?`` become psycopg's ``%s`` only outside quotes; every ``%`` is doubled
    (psycopg reads ``%`` everywhere in a statement that has parameters)."""
    assert pg.placeholders("SELECT '?%' || ? , \"a?\" FROM t WHERE x LIKE '%' || ?") == (
        "SELECT '?%%' || %s , \"a?\" FROM t WHERE x LIKE '%%' || %s"
    )
    assert pg.placeholders("SELECT 5 % ?") == "SELECT 5 %% %s"


def test_literal_percent_and_question_marks_reach_postgresql_as_written(pg_url: str) -> None:
    prepare.init(pg_url)
    book = pg.connect(pg_url)
    got = store_rows(book, "SELECT '100%?' AS a, ? AS b, 7 % 4 AS c", ("x?",))[0]
    assert tuple(got) == ("100%?", "x?", 3)
    assert store_rows(book, "SELECT '50%' AS a")[0].a == "50%"
    book.close()
