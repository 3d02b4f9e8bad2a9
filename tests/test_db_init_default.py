"""`pln db init` with no URL prepares the book pln uses (--db, PLN_DB, the config's db),
as `pln db upgrade` does: `pln --db URL db init` was refused with Typer's "Missing argument
'url'" while every other command took the book from --db. A personal book needs no
preparing: `pln db init` alone on one is refused in one line and creates nothing."""

from pathlib import Path
from typing import Any

import psycopg
import pytest


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {r[0] for r in rows}


def test_db_init_takes_the_book_from_the_db_option(pln: Any, pg_url: str) -> None:
    assert _tables(pg_url) == set()
    out = pln("--db", pg_url, "db", "init")
    assert out.stdout.startswith("Prepared ")
    assert "person" in _tables(pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "--topic", "oracy")
    assert [p["name"] for p in pln.json("--db", pg_url, "list")] == ["Ana Ruiz"]


def test_db_init_takes_the_book_from_pln_db(
    pln: Any, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLN_DB", pg_url)
    doc = pln.json("db", "init")
    assert doc["schema_version"] >= 12
    # a second init of the same book is refused (exit 5), as with the URL given
    again = pln("db", "init", code=5)
    assert again.stderr.splitlines()[0].endswith(
        f"is already a pln book (schema {doc['schema_version']}); nothing was changed"
    )


def test_db_init_of_a_personal_book_is_refused_and_creates_nothing(
    pln: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "mine" / "pln.db"
    monkeypatch.setenv("PLN_DB", str(book))
    out = pln("db", "init", code=2)
    assert out.stdout == ""
    assert out.stderr.splitlines() == [
        "error: `pln db init` prepares a PostgreSQL database as a shared book: give its URL",
        "hint: pln db init postgresql://[USER@]HOST[:PORT]/DATABASE (a personal book needs"
        " none: `pln add` starts one)",
    ]
    assert not book.exists()
    assert not book.parent.exists()
