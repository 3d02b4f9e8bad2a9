"""Looking after a shared book (PostgreSQL): `pln forget`, `pln db path|status|check|backup`,
and names in the same order as on SQLite whatever the database's collation (issue 13).
Skipped, with one line, without a server (tests/pgserver.py)."""

import itertools
import json
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error
from plncli.text import fold
from test_pg_commands import _run, _stderr, on_both, same_but_uids

psycopg = pytest.importorskip("psycopg")


# --- Names in the same order on both engines ----------------------------------------------

# Names whose order differs between byte order (SQLite's BINARY) and a language's rules
# (ICU's en-US): letters outside ASCII that fold to no ASCII letter, hyphens, apostrophes,
# digits and spaces.
NAMES = [
    "Ørjan Berg",
    "Oscar Diaz",
    "Łukasz Nowak",
    "Lara Croft",
    "ana-maria Lopez",
    "Ana Maria Soto",
    "anab Quist",
    "d'Arcy Moss",
    "Darcy Hill",
    "Zoe 2 Adams",
    "Zoe Adams",
    "Émile Roux",
    "Eve Zhang",
    "_Underscore Person",
]

ORDERED = [
    *(["add", n, "--follow-up", "tomorrow", "--every", "30d"] for n in NAMES),
    ["remind", "Oscar", "tomorrow", "-m", "same day as the first follow-ups"],
    ["list"],
    ["list", "--json"],
    ["list", "--sort", "last-contact"],
    ["due", "--within", "1y"],
    ["due", "--within", "1y", "--json"],
    ["reminders"],
    ["reminders", "--state", "all", "--json"],
]


_ICU_NAMES = itertools.count(1)


@pytest.fixture
def icu_url(pg_server: Any) -> Iterator[str]:
    """A fresh database whose default collation is ICU's en-US, not C."""
    name = f"pln_t{os.getpid()}_icu{next(_ICU_NAMES)}"
    pg_server.admin.execute(
        f"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu"
        " ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
    )
    try:
        yield pg_server.url_for(name)
    finally:
        pg_server.drop_database(name)


def test_the_test_database_really_sorts_by_language(icu_url: str) -> None:
    """Without this, the next test would prove nothing."""
    with psycopg.connect(icu_url) as conn:
        found = conn.execute(
            "SELECT n FROM unnest(ARRAY['zoe', 'ørjan', 'oscar']) AS n ORDER BY n"
        ).fetchall()
    assert [n for (n,) in found] == ["ørjan", "oscar", "zoe"]  # bytes: oscar, zoe, ørjan


def test_names_come_in_the_same_order_on_both_engines(
    pln: Any, tmp_path: Path, icu_url: str
) -> None:
    results = on_both(pln, tmp_path, icu_url, ORDERED)
    listed = [p["name"] for p in json.loads(results[ORDERED.index(["list", "--json"])].stdout)]
    assert listed == sorted(NAMES, key=lambda n: fold(n).encode())  # byte order, as SQLite
    assert listed.index("Zoe Adams") < listed.index("Ørjan Berg")


def test_every_text_column_of_a_shared_book_compares_as_sqlite_does(pln: Any, icu_url: str) -> None:
    """Byte by byte (the "C" collation), in every table pln orders or compares, so that a
    statement written later sorts the same on both engines without saying so."""
    pln("db", "init", icu_url)
    with psycopg.connect(icu_url) as conn:
        others = conn.execute(
            "SELECT c.relname || '.' || a.attname FROM pg_attribute a"
            " JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
            " AND a.attnum > 0 AND NOT a.attisdropped AND a.attcollation <> 0"
            " AND a.attcollation <> 'pg_catalog.\"C\"'::regcollation"
        ).fetchall()
        texts = conn.execute(
            "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'"
            " AND a.attcollation = 'pg_catalog.\"C\"'::regcollation"
        ).fetchone()[0]
    # person_search's texts are only searched (to_tsvector), never ordered
    assert sorted(o for (o,) in others) == [
        f"person_search.{c}" for c in ("interactions", "name", "notes", "org", "tags")
    ]
    assert texts > 20


# --- pln forget -----------------------------------------------------------------------------

MARK = "zanzibarqa"  # in their name, organisation, topic, notes, interactions...
EMAIL = "ana.qx7@example.org"

BOOK = [
    ["add", "Ana Zanzibarqa", "--email", EMAIL, "--phone", "+44 7700 900123"]
    + ["--org", "Zanzibarqa Academy", "--topic", "zanzibarqa studies", "--note", "runs trials"]
    + ["--follow-up", "in 3 days", "--met-at", "ResearchEd", "--on", "2026-11-01"],
    ["add", "Ben Okafor", "--introduced-by", "Ana Zanzibarqa", "--note", "met Ana Zanzibarqa"],
    ["add", "Carla Núñez", "--note", "Ana said hello", "--email", "carla@example.org"],
    ["log", "Ana", "Ben", "-m", "Coffee with Ana Zanzibarqa and Ben", "--kind", "coffee"],
    ["log", "Ana", "-m", "Call about her zanzibarqa trial", "--kind", "call"],
    ["remind", "Ben", "tomorrow", "-m", "Send Ana Zanzibarqa's slides to Ben"],
    ["edit", "Ana", "--role", "Head of Zanzibarqa"],
    # bad input: nothing is erased
    ["forget", "Nobody", "--yes"],  # not found
    ["forget", "Ana"],  # a script must say --yes
    ["forget", "Ana Zanzibarqq", "--yes"],  # a close spelling: refused in a script
    ["forget", "#99", "--yes"],
    ["forget", "Ana", "--bogus"],
    ["show", "Ana", "--json"],
]

AFTER = [
    ["show", "Ben"],
    ["show", "Ben", "--json"],
    ["show", "Carla", "--all"],
    ["list", "--json"],
    ["find", MARK],
    ["find", "slides"],
    ["due", "--within", "1y"],
    ["reminders", "--state", "all", "--json"],
    ["forget", "Ana", "--yes"],  # gone: not found
    ["show", "Ana"],
]

SHARED_ONLY = "On a shared book pln erases them from every table"
REWRITTEN = "The book's tables were rewritten (VACUUM FULL): their files on the server no longer"


def _both(pln: Any, lite: str, url: str, argv: list[str]) -> tuple[Any, Any]:
    return _run(pln, lite, argv), _run(pln, url, argv)


def test_forget_says_the_same_on_both_engines_but_for_the_bytes(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    results = on_both(pln, tmp_path, pg_url, BOOK)
    codes = [r.exit_code for r in results[-6:]]
    assert codes == [3, 2, 3, 3, 2, 0]
    lite_book = str(tmp_path / "book.db")
    lite, shared = _both(pln, lite_book, pg_url, ["forget", "Ana Zanzibarqa", "--yes"])
    assert (lite.exit_code, shared.exit_code, lite.stdout, shared.stdout) == (0, 0, "", "")
    said = _stderr(lite)
    assert said[-1] == "The database file was rewritten: its bytes no longer hold them."
    # the same plan and the same report, but what a server can and cannot promise
    expected = [*said[:-1], _bytes_line(shared)]
    expected.insert(said.index("This cannot be undone."), _line(shared, SHARED_ONLY))
    assert _stderr(shared) == expected
    assert "(forgotten person)" in " ".join(said)
    for argv in AFTER:
        lite, shared = _both(pln, lite_book, pg_url, argv)
        what = f"pln {' '.join(argv)}"
        assert shared.exit_code == lite.exit_code, what
        assert same_but_uids(shared.stdout) == same_but_uids(lite.stdout), what
        assert _stderr(shared) == _stderr(lite), what
        assert MARK not in (shared.stdout + shared.stderr).lower(), what
    # the history keeps no trace of them either; the command lines read the same
    lite_history = pln.json("--db", lite_book, "history")
    shared_history = pln.json("--db", pg_url, "history")
    assert [h["command"] for h in shared_history] == [h["command"] for h in lite_history]
    assert MARK not in json.dumps(shared_history).lower()
    # the forget is a barrier: nothing before it can be undone
    lite, shared = _both(pln, lite_book, pg_url, ["undo", "--yes"])
    assert (lite.exit_code, shared.exit_code) == (3, 3)
    forget_id = shared_history[0]["id"]
    assert _stderr(shared)[0] == (
        f"error: you have no change to undo since `pln forget` (#{forget_id}),"
        " which cannot be undone"
    )
    # --json: the same document, but for the bytes
    lite, shared = _both(pln, lite_book, pg_url, ["forget", "Carla", "--yes", "--json"])
    lite_doc, shared_doc = json.loads(lite.stdout), json.loads(shared.stdout)
    assert shared_doc.pop("tables_not_rewritten") == []
    older_open = shared_doc.pop("older_transaction_open")
    assert shared_doc.pop("file_rewritten") is not older_open
    assert lite_doc.pop("file_rewritten") is True
    assert shared_doc == lite_doc


OLDER = "A transaction older than the forget was still running on the server"


def _bytes_line(result: Any) -> str:
    """What a forget run by the owner says of the tables' files: rewritten, or (when a
    transaction older than it ran past the wait, in any database of the server: another
    test suite's, say) that they may keep a copy."""
    if OLDER in result.stderr:
        return _line(result, OLDER)
    return REWRITTEN + " hold them."


def _line(result: Any, start: str) -> str:
    found = [line for line in result.stderr.splitlines() if line.startswith(start)]
    assert len(found) == 1, result.stderr
    return found[0]


def _book_with_them_everywhere(pln: Any, url: str) -> None:
    """BOOK on a shared book, and the records no shared command writes yet (a group, an
    introduction with its check-in, a dismissed suggestion), by SQL."""
    assert pln("db", "init", url).exit_code == 0
    for argv in BOOK[:7] + [["remind", "Carla", "tomorrow", "-m", "Intro check-in"]]:
        pln("--db", url, *argv)
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO pgroup (name, name_key, created_at) VALUES ('Trials', 'trials', now())"
        )
        conn.execute("INSERT INTO pgroup_member (group_id, person_id) VALUES (1, 1), (1, 3)")
        conn.execute(
            "INSERT INTO introduction (a_id, b_id, state, reasons, kinds, note, outcome_note,"
            " created_at, updated_at) VALUES (1, 3, 'made', '[]', '', 'Ana Zanzibarqa meets"
            " Carla', 'zanzibarqa trial shared', now(), now())"
        )
        conn.execute(
            "INSERT INTO intro_followup (introduction_id, followup_id, purpose) VALUES (1, 3,"
            " 'check-in')"
        )
        conn.execute("INSERT INTO dismissal (a_id, b_id, created_at) VALUES (1, 2, now())")


def _rows_holding_them(url: str) -> dict[str, int]:
    """Every table of the database, every column (the row as text): rows naming them."""
    found = {}
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)"
            " FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
            " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        assert len(tables) > 15
        for (table,) in tables:
            n = conn.execute(
                f"SELECT count(*) FROM {table} x WHERE lower(x::text) LIKE %s"
                " OR lower(x::text) LIKE %s OR x::text LIKE %s",
                (f"%{MARK}%", f"%{EMAIL}%", "%900123%"),
            ).fetchone()[0]
            if n:
                found[table] = n
    return found


def _statistics_holding_them(url: str) -> list[str]:
    """The planner's statistics (values ANALYZE sampled) naming them."""
    with psycopg.connect(url) as conn:
        return [
            f"{t}.{c}"
            for t, c in conn.execute(
                "SELECT tablename, attname FROM pg_stats s WHERE schemaname = 'public'"
                " AND lower(s::text) LIKE %s ORDER BY 1, 2",
                (f"%{MARK}%",),
            ).fetchall()
        ]


def _files_holding_them(url: str) -> list[str]:
    """The book's relations (tables, indexes, TOAST) whose files on the server hold their
    name's bytes, after a checkpoint wrote every page out."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        relations = conn.execute(
            "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')"
            " UNION ALL SELECT t.relname, pg_relation_filepath(t.oid) FROM pg_class c"
            " JOIN pg_class t ON t.oid IN (c.reltoastrelid, (SELECT indexrelid FROM pg_index"
            "  WHERE indrelid = c.reltoastrelid LIMIT 1))"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.reltoastrelid <> 0"
        ).fetchall()
        assert len(relations) > 40
        return sorted(
            name
            for name, path in relations
            if MARK.encode()
            in bytes(
                conn.execute("SELECT pg_read_binary_file(%s::text)", (path,)).fetchone()[0] or b""
            ).lower()
        )


def test_forget_leaves_no_row_statistic_or_byte_of_them_in_the_book(pln: Any, pg_url: str) -> None:
    """Run by the book's owner: every table is rewritten."""
    _book_with_them_everywhere(pln, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    # without which the checks below would prove nothing
    before = _rows_holding_them(pg_url)
    assert {"public.introduction", "public.undo_step", "public.person_search"} <= set(before)
    assert {"public.person", "public.person_attr", "public.interaction"} <= set(before)
    assert "person.name" in _statistics_holding_them(pg_url)
    assert "person" in _files_holding_them(pg_url)
    doc = pln.json("--db", pg_url, "forget", "Ana Zanzibarqa", "--yes")
    assert doc["tables_not_rewritten"] == []
    assert doc["file_rewritten"] is not doc["older_transaction_open"]
    assert doc["erased"]["introductions"] == 1
    assert doc["erased"]["groups"] == 1
    assert _rows_holding_them(pg_url) == {}
    assert _statistics_holding_them(pg_url) == []
    if doc["file_rewritten"]:  # else a transaction elsewhere on the server outlived the wait
        assert _files_holding_them(pg_url) == []
    # the rest of the book is as it was: Ben and Carla, their group, their shared coffee
    with psycopg.connect(pg_url) as conn:
        people = conn.execute("SELECT name FROM person ORDER BY id").fetchall()
        assert [n for (n,) in people] == ["Ben Okafor", "Carla Núñez"]
        assert conn.execute("SELECT person_id FROM pgroup_member").fetchall() == [(3,)]
        assert conn.execute("SELECT note FROM interaction").fetchall() == [
            ("Coffee with (forgotten person) and Ben",)
        ]


def _role(pg_server: Any, url: str, name: str, group: str) -> str:
    """A LOGIN role in the book's ``group`` role (read or write); the URL it connects with."""
    db = str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])
    role = f"{db}_{name}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE "{db}_{group}"')
    return str(pg_server.url_for(db, user=role))


def test_a_member_forgets_and_is_told_what_only_the_owner_can_rewrite(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    pln("db", "init", pg_url)
    ana, ben = (_role(pg_server, pg_url, n, "write") for n in ("ana", "ben"))
    pln("--db", ben, "add", "Carla Núñez", "--note", "friend of Dana Zanzibarqa")
    pln("--db", ana, "add", "Dana Zanzibarqa", "--email", EMAIL)
    pln("--db", ana, "log", "Dana", "Carla", "-m", "Lunch with Dana Zanzibarqa")
    result = pln("--db", ana, "forget", "Dana", "--yes")
    assert _line(result, "On a shared book pln erases them")
    kept = _line(result, "Not rewritten: ")
    assert "person, person_attr, person_search" in kept  # the book's owner owns them
    assert "the book's owner runs `VACUUM (FULL, ANALYZE)`" in kept
    assert REWRITTEN not in result.stderr
    assert _rows_holding_them(pg_url) == {}  # the rows are gone whoever forgets
    # ben's earlier change is behind the forget now: no member undoes past it
    line = assert_clean_error(pln("--db", ben, "undo", "--yes", code=3))
    assert line.startswith("error: you have no change to undo since `pln forget` (#")
    assert [p["name"] for p in pln.json("--db", ben, "list")] == ["Carla Núñez"]
    assert pln.json("--db", ben, "show", "Carla")["notes"] == "friend of (forgotten person)"


def test_a_member_who_only_reads_is_refused_a_forget_before_anything(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    pln("db", "init", pg_url)
    reader = _role(pg_server, pg_url, "cleo", "read")
    pln("--db", pg_url, "add", "Dana Zanzibarqa", "--email", EMAIL)
    before = _rows_holding_them(pg_url)
    line = assert_clean_error(pln("--db", reader, "forget", "Dana", "--yes", code=7))
    assert line == "error: your PostgreSQL role may not change this book"
    assert _rows_holding_them(pg_url) == before
    assert [p["name"] for p in pln.json("--db", reader, "list")] == ["Dana Zanzibarqa"]


# --- pln db path, status, check and backup --------------------------------------------------

DB = [
    ["add", "Ana Ruiz", "--follow-up", "tomorrow"],
    ["add", "Ben Okafor", "--met-at", "ResearchEd"],
    ["log", "Ana", "-m", "Coffee"],
    ["archive", "Ben"],
    ["db", "check"],
    ["db", "check", "--json"],
    ["db", "bogus"],
    ["db", "status", "--bogus"],
]


def test_db_status_and_check_on_a_shared_book(pln: Any, tmp_path: Path, pg_url: str) -> None:
    results = on_both(pln, tmp_path, pg_url, DB)
    assert results[DB.index(["db", "check"])].stderr == (
        "integrity: ok; foreign-key problems: 0; schema version"
        f" {pln.json('--db', pg_url, 'db', 'check')['schema_version']}\n"
    )
    assert [r.exit_code for r in results[-2:]] == [2, 2]
    assert pln("--db", pg_url, "db", "path").stdout == pg_url + "\n"
    lite = pln.json("--db", str(tmp_path / "book.db"), "db", "status")
    doc = pln.json("--db", pg_url, "db", "status")
    db = str(psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"])
    assert (
        doc["counts"]
        == lite["counts"]
        == {
            "people": 1,
            "archived": 1,
            "events": 1,
            "interactions": 1,
            "open_followups": 0,  # the coffee closed Ana's first follow-up
        }
    )
    assert doc["schema_version"] == lite["schema_version"]
    assert (doc["path"], doc["database"], doc["role"], doc["may_write"]) == (
        pg_url,
        db,
        "postgres",
        True,
    )
    assert doc["server"].endswith(f":{psycopg.conninfo.conninfo_to_dict(pg_url)['port']}")
    assert doc["size_bytes"] > 0
    table = pln("--db", pg_url, "db", "status").stdout
    assert f"database        {db}\n" in table
    assert "you may         read and write\n" in table


def test_db_status_tells_a_reader_they_may_only_read(pln: Any, pg_server: Any, pg_url: str) -> None:
    pln("db", "init", pg_url)
    reader = _role(pg_server, pg_url, "cleo", "read")
    doc = pln.json("--db", reader, "db", "status")
    assert (doc["role"].endswith("_cleo"), doc["may_write"]) == (True, False)
    assert "you may         read only\n" in pln("--db", reader, "db", "status").stdout
    assert pln.json("--db", reader, "db", "check")["healthy"] is True


def _hand(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _catalog(url: str) -> list[Any]:
    """What `pln db check` reads, to show it changed nothing."""
    with psycopg.connect(url) as conn:
        return (
            conn.execute(
                "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relnamespace = 'public'::regnamespace ORDER BY 1, 2"
            ).fetchall()
            + conn.execute(
                "SELECT (SELECT count(*) FROM person_attr), (SELECT count(*) FROM person_search),"
                " (SELECT count(*) FROM change_log)"
            ).fetchall()
        )


def test_db_check_finds_what_was_changed_by_hand_and_changes_nothing(pln: Any, pg_url: str) -> None:
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "--topic", "assessment")
    pln("--db", pg_url, "add", "Ben Okafor")
    _hand(
        pg_url,
        "ALTER TABLE person DISABLE TRIGGER pln_capture_write",
        "DROP TRIGGER pln_author ON change_log",
        "ALTER TABLE person_attr DISABLE TRIGGER ALL",  # its foreign keys too
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (99, 'topic', 'x', 'x')",
        "DELETE FROM person_search WHERE person_id = 2",
    )
    before = _catalog(pg_url)
    result = pln("--db", pg_url, "db", "check", code=7)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(
        "integrity: the author trigger is missing on change_log,"
        " the history capture trigger (writes) is disabled on person,"
    )
    assert "; foreign-key problems: 1; schema version" in result.stderr
    doc = json.loads(pln("--db", pg_url, "db", "check", "--json", code=7).stdout)
    assert doc["healthy"] is False
    assert doc["foreign_key_problems"] == 1
    assert "the history capture trigger (writes) is disabled on person" in doc["integrity"]
    assert "foreign keys are not enforced on person_attr" in doc["integrity"]
    assert "1 people are missing from the search index" in doc["integrity"]
    assert _catalog(pg_url) == before


def test_db_check_of_an_unhealthy_sqlite_book_exits_7_not_as_a_bug(
    pln: Any, tmp_path: Path
) -> None:
    """The report is printed and the exit is 7 (it was an internal error, exit 1)."""
    import sqlite3

    book = str(tmp_path / "book.db")
    pln("--db", book, "add", "Ana Ruiz", "--topic", "assessment")
    conn = sqlite3.connect(book)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (99, 'topic', 'x', 'x')"
    )
    conn.commit()
    conn.close()
    result = pln("--db", book, "db", "check", code=7)
    assert "foreign-key problems: 1;" in result.stderr
    assert "error:" not in result.stderr
    assert "Traceback" not in result.stderr


def test_db_backup_of_a_shared_book_names_pg_dump(
    pln: Any, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz")
    monkeypatch.chdir(tmp_path)
    db = str(psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"])
    for argv in (["db", "backup"], ["db", "backup", "x.db", "--keep", "2"]):
        result = pln("--db", pg_url, *argv, code=7)
        line = assert_clean_error(result)
        assert line == (
            "error: pln does not back up a shared book on PostgreSQL: the server's own pg_dump does"
        )
        hint = result.stderr.splitlines()[1]
        assert hint.startswith(f"hint: pg_dump --format=custom --file={db}-20261123-100000.dump ")
    assert not (tmp_path / "x.db").exists()
    assert not (tmp_path / "plnhome" / "backups").exists()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:  # the hint's command itself, where the client tools are installed
        return
    done = subprocess.run(
        shlex.split(hint.removeprefix("hint: ")), cwd=tmp_path, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"{db}-20261123-100000.dump").stat().st_size > 0


def test_forget_says_when_an_older_transaction_keeps_a_copy_in_the_files(
    pln: Any, pg_server: Any, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """VACUUM FULL copies the rows a transaction still running might see: one that began
    before the erase, in any database of the server, keeps them in the files, and pln
    says so rather than claim the bytes are gone."""
    from plncli.store import forget as store_forget

    monkeypatch.setattr(store_forget, "OLDER_WAIT_S", 0.3)
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Dana Zanzibarqa", "--email", EMAIL)
    pln("--db", pg_url, "add", "Ben Okafor")
    elsewhere = psycopg.connect(pg_server.url)  # another database of the same server
    try:
        elsewhere.execute("SELECT pg_current_xact_id()")  # a transaction, left open
        result = pln("--db", pg_url, "forget", "Dana", "--yes")
        assert _line(result, OLDER).endswith("until their next `VACUUM FULL`.")
        assert REWRITTEN not in result.stderr
        assert _rows_holding_them(pg_url) == {}
        assert "person" in _files_holding_them(pg_url)  # what pln said is so
    finally:
        elsewhere.rollback()
        elsewhere.close()
