"""Issue 11, item 5: `pln introduce --for P` reads the organisations of everyone the focus
knows in one statement (``index.sharing_values_of``), not one statement an acquaintance.

No timings here (``benchmarks/run.py --shape dense`` measures). These tests hold the new
store function to the one it replaces (``index.sharing_values``, person by person) on both
engines, for archived, forgotten and unknown ids, organisations in other cases, people with
no organisation; and hold `--for` to one read for all acquaintances, with the same lists.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import STAMP, book_exists, insert_person, open_book, query
from plncli.store import index
from test_pg_commands import on_both

# Ana knows everyone below but Zed: people at one school written in three cases (and one
# of them archived), at a school whose capitals are off A-Z, with no organisation, with
# only a place or an event; Fay is forgotten after Ana knew her
BOOK = [
    ["add", "Ana Ruiz", "--topic", "assessment", "--org", "Hillside Academy"],
    ["add", "Ben Okafor", "--org", "Northfield", "--topic", "assessment"],
    ["add", "Carla Núñez", "--org", "NORTHFIELD", "--topic", "reading"],
    ["add", "Dev Patel", "--org", "northfield", "--location", "Leeds"],
    ["add", "Eve Stone", "--org", "ÉCOLE Nord", "--topic", "assessment"],
    ["add", "Fay Lund", "--org", "école nord"],
    ["add", "Gus Berg", "--location", "LEEDS", "--topic", "assessment"],
    ["add", "Hana Ito", "--met-at", "ResearchEd", "--on", "2026-11-01", "--topic", "oracy"],
    ["add", "Ivo Marsh", "--org", "Northfield", "--topic", "assessment"],
    ["add", "Jo Kent", "--org", "École Nord", "--topic", "assessment"],
    ["add", "Kim Ford", "--org", "Hillside academy", "--topic", "reading"],
    ["add", "Zed Moor", "--org", "Northfield", "--topic", "assessment"],
    *[["knows", "Ana", who] for who in ("Ben", "Carla", "Dev", "Eve", "Fay", "Gus", "Hana")],
    ["knows", "Ivo", "Zed"],
    ["archive", "Carla"],
    ["forget", "Fay", "--yes"],
]
ASKED = [
    ["introduce", "--for", who, *extra]
    for who in ("Ana", "Ben", "Gus")
    for extra in ([], ["--json"], ["--include-following", "--json"])
]


def _each(conn: Any, ids: list[int]) -> dict[int, list[tuple[str, object]]]:
    return {pid: index.sharing_values(conn, pid) for pid in ids}


def test_sharing_values_of_many_is_each_ones_on_both_engines(pln: Any, db_path: Path) -> None:
    """Archived (Carla), forgotten (Fay: no row), never known ids, no organisation, and
    organisations in other cases: as stored, the same as one statement a person."""
    for argv in BOOK[:-1]:
        pln(*argv)
    [(fay,)] = query(db_path, "SELECT id FROM person WHERE name = 'Fay Lund'")
    pln(*BOOK[-1])  # forgotten: her row is gone
    ids = [pid for (pid,) in query(db_path, "SELECT id FROM person ORDER BY id")]
    assert fay not in ids
    assert len(ids) == len(BOOK[:12]) - 1
    asked = [*ids, fay, 999, ids[0], 0]  # Fay's id, ids never used, a repeat
    conn = open_book(db_path)
    try:
        found = index.sharing_values_of(conn, asked)
        assert found == _each(conn, asked)
        assert list(found) == list(dict.fromkeys(asked))
        assert index.sharing_values_of(conn, []) == {}
    finally:
        conn.close()
    by_name = dict(query(db_path, "SELECT name, id FROM person"))
    assert dict(found[by_name["Carla Núñez"]])["org"] == "NORTHFIELD"  # archived, as stored
    assert dict(found[by_name["Gus Berg"]]) == {"met_at_id": None, "org": None, "location": "LEEDS"}
    assert found[fay] == [("met_at_id", None), ("org", None), ("location", None)]
    assert found[999] == found[fay]


ORGS = st.sampled_from([None, "Northfield", "NORTHFIELD", "northfield", "École", "ÉCOLE", ""])
PLACES = st.sampled_from([None, "Leeds", "LEEDS", "Zürich"])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(st.tuples(ORGS, PLACES, st.booleans()), max_size=12),
    extra=st.lists(st.integers(0, 2000), max_size=600),
)
def test_sharing_values_of_any_ids_is_each_ones(
    pln: Any, db_path: Path, people: list[tuple[str | None, str | None, bool]], extra: list[int]
) -> None:
    """Any people (archived or not, any organisation and place or none), asked for in any
    order with repeats and ids no one has, more than one statement's 500 at a time."""
    if not book_exists(db_path):
        pln("add", "Ana Ruiz")  # the book exists (on either engine)
    conn = open_book(db_path)
    try:
        made = [
            insert_person(
                conn,
                f"P {n}",
                org=org,
                location=place,
                archived_at=STAMP if archived else None,
            )
            for n, (org, place, archived) in enumerate(people)
        ]
        asked = made[::-1] + extra
        assert index.sharing_values_of(conn, asked) == _each(conn, asked)
    finally:
        conn.close()


def _statements(db: Path, who: str) -> list[str]:
    """Every statement `pln introduce --for WHO` runs on the SQLite book at ``db``."""
    from datetime import date

    from plncli import suggest as engine

    ran: list[str] = []
    conn = sqlite3.connect(db)
    try:
        (focus,) = conn.execute("SELECT id FROM person WHERE name = ?", (who,)).fetchone()
        conn.set_trace_callback(ran.append)
        book = engine.Book(conn, include_following=False, today=date(2026, 11, 23), focus=focus)
        engine.suggestions(book, focus=focus)
    finally:
        conn.close()
    return ran


@pytest.mark.sqlite_only(reason="counts the statements SQLite runs (its trace callback)")
def test_for_reads_the_organisations_of_whom_the_focus_knows_at_once(
    pln: Any, db_path: Path
) -> None:
    """Ana knows 30 people at 3 organisations: their organisations come in one statement,
    each organisation's people are added to the scope once (it was one read and one
    insert an acquaintance)."""
    pln("add", "Ana Ruiz", "--topic", "assessment")
    for n in range(30):
        pln("add", f"Pal {n}", "--org", ["Northfield", "NORTHFIELD", "Hillside"][n % 3])
        pln("knows", "Ana", f"Pal {n}")
    ran = _statements(db_path, "Ana Ruiz")
    one_each = [sql for sql in ran if "FROM person WHERE id = " in sql and "org" in sql]
    assert len(one_each) == 1, one_each  # the focus's own
    at_once = [sql for sql in ran if "SELECT id, met_at_id, org, location FROM person" in sql]
    assert len(at_once) == 1
    added = [sql for sql in ran if sql.startswith("INSERT OR IGNORE INTO _scope") and "org" in sql]
    assert len(added) == 3  # Northfield, NORTHFIELD (the same people), Hillside


def test_for_says_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    """The lists of --for, with acquaintances at organisations in several cases, archived
    and none: the same on a SQLite book and on a shared book (but Fay is not forgotten:
    `pln forget` says more on a shared book)."""
    book = BOOK[:-1]
    results = on_both(pln, tmp_path, pg_url, book + ASKED)
    ana = results[len(book)].stdout
    assert "Ivo Marsh" in ana  # Ana knows Ben, Ivo's colleague at Northfield
