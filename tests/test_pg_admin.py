"""Looking after a shared book (PostgreSQL): `pln forget`, `pln db path|status|check|backup`,
and names in the same order as on SQLite whatever the database's collation (issue 13).
Skipped, with one line, without a server (tests/pgserver.py)."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plncli.text import fold
from test_pg_commands import on_both

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


@pytest.fixture
def icu_url(pg_server: Any) -> Iterator[str]:
    """A fresh database whose default collation is ICU's en-US, not C."""
    name = f"{pg_server.create_database()}_icu"
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


def test_every_text_column_of_a_shared_book_compares_as_sqlite_does(
    pln: Any, icu_url: str
) -> None:
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
