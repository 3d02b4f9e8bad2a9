"""`pln db upgrade`: a shared book made by an older pln reaches this pln's schema, by its
keeper, in one transaction, from the models (issue 13 "a new column reaches both
engines"; issue 14's UID is the first). Against the real server (tests/pgserver.py)."""

import re
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error, dump_shared
from plncli.migrations import LATEST
from plncli.store.pg import schema
from test_pg_commands import _db, _member

psycopg = pytest.importorskip("psycopg")

UID = re.compile(r"urn:uuid:[0-9a-f-]{36}")


def _make_schema5(url: str, *, drop_table: str | None = None) -> None:
    """The book as `pln db init` of schema 5 made it, rows and all: no ``person.uid`` (nor
    its index), the person capture generated without it, ``pln_version`` 5. With
    ``drop_table``, that table is missing too (a table a later version added)."""
    with psycopg.connect(url) as conn:
        conn.execute("ALTER TABLE person DROP COLUMN uid")
        if drop_table:
            conn.execute(f"DROP TABLE {drop_table}")
        for statement in schema.capture_ddl(conn, ("person",)):
            conn.execute(statement)
        conn.execute("UPDATE pln_version SET version = 5")


def _rows(url: str) -> list[str]:
    """Every row of the book, without the UIDs."""
    return [re.sub(r", '?urn:uuid:[0-9a-f-]{36}'?", "", r) for r in dump_shared(url)]


def _book(pln: Any, url: str) -> None:
    pln("db", "init", url)
    for argv in (
        ["add", "Ana Ruiz", "--email", "ana@example.org", "--topic", "assessment"],
        ["add", "Ben Okafor", "--org", "Northfield"],
        ["log", "Ana", "Ben", "-m", "Coffee about quizzes"],
        ["remind", "Ben", "in 3 days", "-m", "send the slides"],
    ):
        pln("--db", url, *argv)


def test_an_older_shared_book_is_refused_then_upgraded_by_its_keeper_keeping_every_row(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    _book(pln, pg_url)
    member = _member(pg_server, pg_url, "carla")
    _make_schema5(pg_url)
    before = _rows(pg_url)

    # Before the upgrade: every member (and the keeper's other commands) get one line.
    for who in (member, pg_url):
        for argv in (["list"], ["add", "Dev Patel"]):
            result = pln("--db", who, *argv, code=7)
            assert "is at schema 5, older than this pln's" in assert_clean_error(result)
            assert "runs `pln db upgrade URL` once" in result.stderr
    # A member may not upgrade it: the keeper owns the tables. Nothing changed.
    said = assert_clean_error(pln("db", "upgrade", member, code=7))
    assert "your role may not upgrade" in said
    assert _rows(pg_url) == before
    assert _version(pg_url) == 5

    done = pln("db", "upgrade", pg_url)
    assert done.stdout == (
        f"Upgraded {_db(pg_url)} on {_host(pg_url)} from schema 5 to {LATEST}:"
        " added column person.uid, index ix_person_uid.\n"
    )
    assert _version(pg_url) == LATEST
    assert _rows(pg_url) == [  # every row kept, as it was
        r if r != "pln_version (5,)" else f"pln_version ({LATEST},)" for r in before
    ]
    with psycopg.connect(pg_url) as conn:
        uids = [r[0] for r in conn.execute("SELECT uid FROM person ORDER BY id").fetchall()]
        assert all(UID.fullmatch(u) for u in uids)
        assert len(set(uids)) == 2
        collation = conn.execute(
            "SELECT attcollation::regcollation::text FROM pg_attribute"
            " WHERE attrelid = 'person'::regclass AND attname = 'uid'"
        ).fetchone()
        assert collation == ('"C"',)  # byte order, as every text column of the book
    assert pln("db", "upgrade", pg_url).stdout.endswith(
        f"schema {LATEST}, this pln's; nothing to do.\n"
    )

    # The member works again; the new column is captured, so undo restores it.
    pln("--db", member, "add", "Dev Patel")
    dev = pln.json("--db", member, "show", "Dev")
    assert UID.fullmatch(dev["uid"])
    ana = pln.json("--db", member, "show", "Ana")
    pln("--db", member, "edit", "Ana", "--name", "Ana García")
    with psycopg.connect(pg_url) as conn:
        step = conn.execute(
            "SELECT sql FROM undo_step WHERE tbl = 'person' AND op = 'update' ORDER BY id DESC"
        ).fetchone()
    assert f"\"uid\"='{ana['uid']}'" in step[0]
    pln("--db", member, "undo", "--yes")
    assert pln.json("--db", member, "show", "Ana")["uid"] == ana["uid"]
    pln("--db", member, "undo", "--yes")  # un-adds Dev: the delete step is captured too
    assert [p["name"] for p in pln.json("--db", member, "list")] == ["Ana Ruiz", "Ben Okafor"]


def test_a_table_the_book_lacks_is_created_with_its_rowid_capture_and_grants(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    _book(pln, pg_url)
    member = _member(pg_server, pg_url, "carla")
    _make_schema5(pg_url, drop_table="dismissal")
    done = pln.json("db", "upgrade", pg_url)
    assert done == {
        "database": _db(pg_url),
        "server": _host(pg_url),
        "schema_version_before": 5,
        "schema_version": LATEST,
        "added": [
            "column person.uid",
            "index ix_person_uid",
            "table dismissal",
            "index ix_dismissal_b",
        ],
    }
    write = f"{_db(pg_url)}_write"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'dismissal'::regclass"
            " AND attname = 'rowid'"
        ).fetchone() == (1,)
        triggers = {
            r[0]
            for r in conn.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'dismissal'::regclass"
                " AND NOT tgisinternal"
            ).fetchall()
        }
        assert triggers == {"pln_capture_write", "pln_capture_delete"}
        assert conn.execute(
            "SELECT has_table_privilege(%s, 'dismissal', 'INSERT')", (write,)
        ).fetchone() == (True,)
        deferrable = conn.execute(
            "SELECT bool_and(condeferrable) FROM pg_constraint"
            " WHERE conrelid = 'dismissal'::regclass AND contype = 'f'"
        ).fetchone()
        assert deferrable == (True,)
    # a member uses it, and undoes it, as on a book made new
    pln("--db", member, "introduce", "Ana", "Ben", "--dismiss")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dismissal").fetchone() == (1,)
    pln("--db", member, "undo", "--yes")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM dismissal").fetchone() == (0,)


def test_upgrade_refuses_what_is_not_an_older_pln_book(
    pln: Any, pg_url: str, tmp_path: Path
) -> None:
    said = assert_clean_error(pln("db", "upgrade", pg_url, code=7))
    assert "is not a pln book" in said
    said = assert_clean_error(pln("db", "upgrade", str(tmp_path / "x.db"), code=2))
    assert "PostgreSQL URL" in said


@pytest.mark.sqlite_only(reason="a personal book: opening it migrates it")
def test_on_a_personal_book_upgrade_says_it_is_current(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    done = pln.json("db", "upgrade")
    assert done == {
        "database": str(db_path),
        "server": None,
        "schema_version_before": LATEST,
        "schema_version": LATEST,
        "added": [],
    }


def _version(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT version FROM pln_version").fetchone()[0])


def _host(url: str) -> str:
    params = psycopg.conninfo.conninfo_to_dict(url)
    return f"{params['host']}:{params['port']}"
