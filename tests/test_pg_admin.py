"""Looking after a shared book (PostgreSQL): `pln forget`, `pln db path|status|check|backup`,
and names in the same order as on SQLite whatever the database's collation (issue 13).
Skipped, with one line, without a server (tests/pgserver.py)."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from plncli.text import fold
from test_pg_commands import _run, _stderr, on_both

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
    expected = said[:-2] + [said[-2]] + [REWRITTEN + " hold them."]
    expected.insert(said.index("This cannot be undone."), _line(shared, SHARED_ONLY))
    assert _stderr(shared) == expected
    assert "(forgotten person)" in " ".join(said)
    for argv in AFTER:
        lite, shared = _both(pln, lite_book, pg_url, argv)
        what = f"pln {' '.join(argv)}"
        assert (shared.exit_code, shared.stdout) == (lite.exit_code, lite.stdout), what
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
    assert shared_doc == lite_doc
    assert shared_doc["file_rewritten"] is True


def _line(result: Any, start: str) -> str:
    found = [line for line in result.stderr.splitlines() if line.startswith(start)]
    assert len(found) == 1, result.stderr
    return found[0]
