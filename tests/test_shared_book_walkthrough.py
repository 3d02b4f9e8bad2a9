"""Found by following the README's "A shared book on PostgreSQL" by hand, as a new member would."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from helpers import assert_clean_error


def _reader(pg_server: Any, url: str) -> tuple[str, str]:
    """A member who may only read (in the book's ``<db>_read`` role): the book's database
    name and the URL the member connects with."""
    db = str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{db}_cleo" LOGIN IN ROLE "{db}_read"')
    return db, str(pg_server.url_for(db, user=f"{db}_cleo"))


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "Ana", "-m", "Coffee"],  # a write in the store's transaction
        ["forget", "Ana", "--yes"],  # refused before the plan
        ["intro", "made", "Ana", "Ben"],  # the fast path's write
    ],
)
def test_a_reader_refused_a_write_is_told_the_write_roles_real_name(
    pln: Any, pg_server: Any, pg_url: str, argv: list[str]
) -> None:
    """The hint used to say "(DATABASE_write)", a placeholder, not the role to ask for."""
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "Ben Okafor")
    db, cleo = _reader(pg_server, pg_url)
    result = pln("--db", cleo, *argv, code=7)
    assert assert_clean_error(result) == "error: your PostgreSQL role may not change this book"
    assert result.stderr.splitlines()[1] == (
        f"hint: ask the book's keeper to grant you its write role ({db}_write)"
    )
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM introduction").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == 1


HINT = (
    "hint: import it into a new book (pln --db NEW.db import FILE; a shared one: a new database,"
    " after `pln db init URL`), or use CSV to add people"
)


def test_a_restore_refused_by_a_shared_book_points_to_a_new_database_not_a_file(
    pln: Any, pg_url: str, tmp_path: Any
) -> None:
    """The hint used to say only `pln --db NEW.db import FILE`: a personal book, not a shared
    one. It says both, and the same on both engines (as every message but the documented few)."""
    export = str(tmp_path / "book.json")
    personal = str(tmp_path / "personal.db")
    pln("--db", personal, "add", "Ana Ruiz")
    pln("--db", personal, "export", "--format", "json", "-o", export)
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ben Okafor")
    result = pln("--db", pg_url, "import", export, code=5)
    assert "restores a whole book into an empty database" in assert_clean_error(result)
    assert result.stderr.splitlines()[1] == HINT
    assert [p["name"] for p in pln.json("--db", pg_url, "list")] == ["Ben Okafor"]
    refused = pln("--db", personal, "import", export, code=5)
    assert refused.stderr.splitlines()[1] == HINT


def test_the_configs_db_names_the_shared_book(
    pln: Any, pg_url: str, env_setup: Any, tmp_path: Any
) -> None:
    """The README says a shared book is given with --db, PLN_DB or `db = "postgresql://…"` in
    the config; the config's db used to be ignored, and pln quietly read an empty personal book."""
    pln("db", "init", pg_url)
    env_setup.mkdir()
    (env_setup / "config.toml").write_text(f'db = "{pg_url}"\n', encoding="utf-8")
    assert pln("db", "path").stdout.strip() == pg_url
    pln("add", "Ana Ruiz")
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT name FROM person").fetchall() == [("Ana Ruiz",)]
    assert not (env_setup / "pln.db").exists()
    personal = str(tmp_path / "personal.db")  # --db and PLN_DB still come first
    pln("--db", personal, "add", "Ben Okafor")
    assert [p["name"] for p in pln.json("--db", personal, "list")] == ["Ben Okafor"]
    assert [p["name"] for p in pln.json("list")] == ["Ana Ruiz"]
    with_password = pg_url.replace("://", "://someone:s3cret@", 1)
    for bad in (f'db = "{with_password}"', 'db = "/tmp/book.db"', "db = 3"):
        (env_setup / "config.toml").write_text(bad + "\n", encoding="utf-8")
        line = assert_clean_error(pln("list", code=2))
        assert "s3cret" not in line
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == 1


def test_db_inits_next_steps_keep_their_comments_in_one_column(pln: Any, pg_url: str) -> None:
    """The `\\password` line's comment was padded for one length of database name."""
    out = pln("db", "init", pg_url).stdout.splitlines()
    sql = [line for line in out if line.startswith(("  CREATE ROLE", "  \\password"))]
    assert len(sql) == 3
    assert len({line.index("   -- ") for line in sql}) == 1
    assert out[-1].endswith("to --db, PLN_DB or the config's db.")


@pytest.mark.parametrize(
    ("suffix", "code", "line"),
    [
        (
            "?sslmode=bogus",
            2,
            "error: the PostgreSQL URL has a connection setting libpq does not accept",
        ),
        ("?service=review_no_such_service", 7, "error: there is no PostgreSQL service"),
    ],
)
def test_a_url_libpq_refuses_is_not_called_a_server_that_cannot_be_reached(
    pln: Any, pg_url: str, tmp_path: Any, monkeypatch: Any, suffix: str, code: int, line: str
) -> None:
    """Both used to say "cannot reach the PostgreSQL server ... check that the server is
    running" of a server that was running."""
    pln("db", "init", pg_url)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "no-services.conf"))
    url = pg_url + (suffix.replace("?", "&") if "?" in pg_url else suffix)
    result = pln("--db", url, "list", code=code)
    said = assert_clean_error(result)
    assert said.startswith(line)
    assert "cannot reach" not in result.stderr
