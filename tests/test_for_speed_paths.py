"""Issue 11, item 5: `pln introduce --for P` at 100,000 people (schema 10's indexes).

No timings here (``benchmarks/run.py --shape dense`` measures): these tests hold what
`--for` reads to an index where it used to read every row of ``person`` or sort every
holder of a common topic, check the counts it takes that way against counting by hand,
and check that it lists exactly what it did: against the whole book (with FOCUS_CAP
lowered, so that the paths a book of 100,000 people takes are the ones taken), on a book
made by an older pln (SQLite and a shared book), and on both engines.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import query, without_person_topics
from plncli import migrations
from plncli import suggest as engine
from plncli.db import open_store
from plncli.store import index
from test_intro_loading import N, _make_book, _whole_book, book_shape
from test_pg_commands import on_both

NEW_INDEXES = {
    "ix_person_eligible": "ON person (id, archived_at, circle)",
    "ix_person_org_fold": "ON person (org COLLATE NOCASE, archived_at, circle)",
    "ix_person_location_fold": "ON person (location COLLATE NOCASE, archived_at, circle)",
    "ix_person_attr_kind_key_id": 'ON person_attr (kind, "key", id)',
}
TODAY = date(2026, 11, 23)  # conftest's PLN_NOW

# Ana seeks what Ben offers; an event (Ana, Dev, Eve); one organisation in three cases
# (Ana, Carla, Eve, Gus, and Kim who is archived), one place in three cases (Ana, Finn,
# Gus, Hana), someone only followed (Gus), and a school written with capitals off A-Z (not
# the same to SQLite's case-blind comparison, nor to the shared book's)
BOOK = [
    ["add", "Ana Ruiz", "--topic", "assessment", "--seeks", "retrieval practice"]
    + ["--org", "Hillside Academy", "--location", "Leeds", "--circle", "colleague"]
    + ["--met-at", "ResearchEd", "--on", "2026-11-01"],
    ["add", "Ben Okafor", "--offers", "Retrieval Practice", "--topic", "Assessments"]
    + ["--org", "Northfield"],
    ["add", "Carla Núñez", "--topic", "assessment", "--org", "HILLSIDE academy"],
    ["add", "Dev Patel", "--topic", "reading", "--met-at", "ResearchEd", "--on", "2026-11-01"],
    ["add", "Eve Stone", "--topic", "reading", "--seeks", "phonics", "--met-at", "ResearchEd"]
    + ["--on", "2026-11-01", "--org", "hillside academy"],
    ["add", "Finn Lee", "--offers", "phonics", "--location", "LEEDS", "--topic", "assessment"],
    ["add", "Gus Berg", "--circle", "following", "--offers", "assessment"]
    + ["--org", "hillside academy", "--location", "leeds"],
    ["add", "Hana Ito", "--location", "leeds", "--topic", "reading", "--topic", "oracy"],
    ["add", "Íñigo Sanz", "--org", "ÉCOLE Nord", "--topic", "maths", "--offers", "chess"],
    ["add", "Jo Marsh", "--org", "école nord", "--topic", "maths", "--seeks", "chess"],
    ["add", "Kim Lund", "--org", "Hillside ACADEMY", "--topic", "assessment", "--offers", "oracy"],
    ["knows", "Ana", "Dev"],
    ["knows", "Dev", "Carla"],
    ["archive", "Kim"],
]

# the text and the JSON of --for, with and without the people you only follow
ASKED = [
    ["introduce", "--for", who, *extra]
    for who in ("Ana", "Finn", "Íñigo", "Eve")
    for extra in ([], ["--json"], ["--include-following", "--json"])
]


def _lists(pln: Any, *db: str) -> list[str]:
    return [pln(*db, *argv).stdout for argv in ASKED]


def _plans(conn: sqlite3.Connection, focus: int) -> dict[str, list[str]]:
    """Every statement `--for` runs on this book (as the suggestions are made and their
    reasons written), with the lines of its query plan."""
    ran: list[str] = []
    conn.set_trace_callback(ran.append)
    try:
        book = engine.Book(conn, include_following=False, today=TODAY, focus=focus)
        assert engine.suggestions(book, focus=focus)
    finally:
        conn.set_trace_callback(None)
    return {
        sql: [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        for sql in ran
        if sql.lstrip().upper().startswith(("SELECT", "INSERT", "WITH"))
    }


@pytest.mark.sqlite_only(reason="reads SQLite's query plans of the file")
def test_for_reads_no_whole_person_table_and_sorts_no_holders(
    pln: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each statement `--for` runs, planned on the book: how many share the organisation
    or place comes from its case-blind index, whether a holder counts from the narrow
    index by id, and a topic's first spelling from (kind, key, id) with no sort. Before
    schema 10 the first two read every row of ``person`` and the last sorted every holder
    of the topic: tens of milliseconds each at 100,000 people."""
    for argv in BOOK:
        pln(*argv)
    monkeypatch.setattr(engine, "FOCUS_CAP", 1)  # every key and place "common"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        ana = conn.execute("SELECT id FROM person WHERE name = 'Ana Ruiz'").fetchone()[0]
        plans = _plans(conn, ana)
    finally:
        conn.close()
    lines = [line for plan in plans.values() for line in plan]
    assert not [line for line in lines if line in ("SCAN person", "SCAN p", "SCAN f")], plans
    shared = [sql for sql in plans if "COLLATE NOCASE" in sql]
    assert {"org", "location"} <= {w for sql in shared for w in ("org", "location") if w in sql}
    for sql in shared:
        fold = "ix_person_org_fold" if "org" in sql else "ix_person_location_fold"
        index = f"COVERING INDEX {fold}"
        if "FROM key_count" in sql:  # how many share it: their counts (schema 13)
            index = "INDEX ix_key_count_fold"
        assert any(index in line for line in plans[sql]), plans[sql]
    # how many hold a key, and everyone: its row of key_count (schema 13), by its key
    looked_up = [sql for sql in plans if "FROM key_count WHERE" in sql]
    assert looked_up
    for sql in looked_up:
        read = [line for line in plans[sql] if "key_count" in line]
        assert read, plans[sql]
        assert all(line.startswith("SEARCH key_count USING") for line in read), plans[sql]
    counted = [sql for sql in plans if "FROM person_attr a" in sql and "count(*)" in sql]
    for sql in counted:  # a key of several spellings: counted from its holders
        assert any("COVERING INDEX ix_person_eligible" in line for line in plans[sql])
        assert not any("TEMP B-TREE" in line for line in plans[sql]), plans[sql]
    first = [sql for sql in plans if "ORDER BY rowid LIMIT 1" in sql and "person_id =" not in sql]
    assert first
    for sql in first:
        assert any("ix_person_attr_kind_key_id" in line for line in plans[sql]), plans[sql]
    events = [sql for sql in plans if "FROM person WHERE met_at_id" in sql]
    assert events
    for sql in events:
        assert any("ix_person_met_at" in line for line in plans[sql]), plans[sql]


@pytest.mark.sqlite_only(
    reason="a new SQLite file (--db) for each hypothesis example, read with sqlite3"
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=book_shape, who=st.integers(1, N), cap=st.integers(0, 3), following=st.booleans())
def test_for_with_common_keys_scores_each_pair_as_the_whole_book(
    pln: Any,
    monkeypatch: pytest.MonkeyPatch,
    shape: dict[str, Any],
    who: int,
    cap: int,
    following: bool,
) -> None:
    """With FOCUS_CAP lowered, the topics, organisations and places of a small book are as
    common as they are at 100,000 people: counted by the new statements (case-blind, each
    person once however many spellings and kinds they hold a topic by), and their holders
    found in the scope person by person. Every pair the focus's book can score is scored
    exactly as over the whole book. (Which pairs it finds is not the whole book's: a key
    held by more than FOCUS_CAP finds no candidates, by design.)"""
    assume(who not in shape["archived"])
    assume(following or shape["people"][who - 1]["circle"] != "following")
    monkeypatch.setattr(engine, "FOCUS_CAP", cap)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pln.db")
        _make_book(pln, db, shape)
        conn, whole = _whole_book(db, following)
        try:
            scoped = engine.Book(conn, include_following=following, today=TODAY, focus=who)
            assert scoped.n == whole.n
            scoped.complete(list(scoped.people))
            focus = scoped.people[who]
            for pid, other in scoped.people.items():
                if pid != who:
                    found = engine.score_pair(scoped, focus, other, keep=True)
                    expected = engine.score_pair(
                        whole, whole.people[who], whole.people[pid], keep=True
                    )
                    assert found == expected
        finally:
            conn.close()


KINDS = ("topic", "offers", "seeks")


@pytest.mark.sqlite_only(reason="counts on a SQLite file, against counting by hand")
@settings(max_examples=40, deadline=None)
@given(
    people=st.lists(
        st.tuples(
            st.sets(st.tuples(st.sampled_from(KINDS), st.sampled_from("abc"))),
            st.sampled_from(["network", "colleague", "following"]),
            st.booleans(),  # archived
        ),
        max_size=8,
    ),
    kinds=st.sampled_from([("topic", "offers"), ("offers",), ("seeks",), KINDS]),
    keys=st.lists(st.sampled_from("abc"), min_size=1, max_size=3, unique=True),
    padding=st.sampled_from([0, 40]),  # spellings no one holds: past one UNION's arms
    following=st.booleans(),
)
def test_holders_are_counted_once_however_many_kinds_and_spellings(
    people: list[tuple[set[tuple[str, str]], str, bool]],
    kinds: tuple[str, ...],
    keys: list[str],
    padding: int,
    following: bool,
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_store(Path(tmp) / "book.db", create_parent=False)
        try:
            for i, (held, circle, archived) in enumerate(people, start=1):
                conn.execute(
                    "INSERT INTO person (id, name, name_key, circle, notes, created_at,"
                    " updated_at, archived_at) VALUES (?, ?, ?, ?, '', '2026-11-23',"
                    " '2026-11-23', ?)",
                    (i, f"P{i}", f"p{i}", circle, "2026-11-23" if archived else None),
                )
                conn.executemany(
                    "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, ?, ?, ?)",
                    [(i, kind, key, key) for kind, key in sorted(held)],
                )
            spellings = keys + [f"unheld {n}" for n in range(padding)]
            counted = index.count_holders_sqlite(conn, kinds, spellings, following=following)
        finally:
            conn.close()
    expected = sum(
        1
        for held, circle, archived in people
        if not archived
        and (following or circle != "following")
        and any(kind in kinds and key in keys for kind, key in held)
    )
    assert counted == expected


def _back_to_schema_9(path: Path) -> None:
    """The book as a pln of schema 9 left it: without m010's indexes (nor m011's table)."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "".join(f"DROP INDEX {name};" for name in NEW_INDEXES) + without_person_topics()
    )
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only(reason="migrates a SQLite file of schema 9")
def test_a_book_of_schema_9_gets_the_indexes_and_lists_the_same(
    pln: Any, db_path: Path, dump: Any
) -> None:
    for argv in BOOK:
        pln(*argv)
    before, rows = _lists(pln), dump()
    _back_to_schema_9(db_path)
    assert _lists(pln) == before  # the first command migrated the book
    assert query(db_path, "PRAGMA user_version") == [(migrations.LATEST,)]
    made = dict(query(db_path, "SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    for name, columns in NEW_INDEXES.items():
        assert made[name].endswith(columns), made[name]
    assert dump() == rows  # every row kept, the same
    assert list(db_path.parent.glob(f"{db_path.name}.schema9-*.bak"))  # the copy before


def test_for_with_common_keys_says_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared book's twins of the new statements (``translate`` for SQLite's NOCASE,
    counts, the scope's holders), every key common (FOCUS_CAP 1) and not (3,000)."""
    monkeypatch.setattr(engine, "FOCUS_CAP", 1)
    on_both(pln, tmp_path, pg_url, BOOK + ASKED)
    monkeypatch.setattr(engine, "FOCUS_CAP", 3000)
    for argv in ASKED:
        lite = pln("--db", str(tmp_path / "book.db"), *argv).stdout
        assert pln("--db", pg_url, *argv).stdout == lite


@pytest.mark.sqlite_only(reason="makes its own shared book")
def test_db_upgrade_brings_a_shared_book_of_schema_9_to_the_new_indexes(
    pln: Any, pg_url: str
) -> None:
    psycopg = pytest.importorskip("psycopg")
    pln("db", "init", pg_url)
    for argv in BOOK:
        pln("--db", pg_url, *argv)
    before = _lists(pln, "--db", pg_url)
    with psycopg.connect(pg_url) as conn:
        for name in NEW_INDEXES:
            conn.execute(f"DROP INDEX {name}")
        conn.execute("UPDATE pln_version SET version = 9")
    done = pln("db", "upgrade", pg_url).stdout
    assert f"from schema 9 to {migrations.LATEST}: added index ix_person_eligible," in done
    assert "index ix_person_location_fold, index ix_person_org_fold" in done
    assert "index ix_person_attr_kind_key_id" in done
    with psycopg.connect(pg_url) as conn:
        made = dict(
            conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN"
                " ('person', 'person_attr')"
            ).fetchall()
        )
        assert "(id, archived_at, circle)" in made["ix_person_eligible"]
        assert "(kind, key, id)" in made["ix_person_attr_kind_key_id"]
        # on the very expression the shared book compares with, so that it is used
        for column in ("org", "location"):
            fold = index.folding_ascii_pg(column)
            made_on = made[f"ix_person_{column}_fold"]
            assert f"(translate(({column})::text, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'" in made_on
            assert made_on.endswith("'abcdefghijklmnopqrstuvwxyz'::text), archived_at, circle)")
            conn.execute("SET enable_seqscan = off")
            plan = " ".join(
                r[0]
                for r in conn.execute(
                    f"EXPLAIN SELECT count(*) FROM person WHERE {fold} ="
                    f" {index.folding_ascii_pg('%s')}",
                    ("Leeds",),
                ).fetchall()
            )
            assert f"ix_person_{column}_fold" in plan, plan
    assert _lists(pln, "--db", pg_url) == before
