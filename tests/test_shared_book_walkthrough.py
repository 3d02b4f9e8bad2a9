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
