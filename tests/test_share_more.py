"""Issue 16, finished: `pln share` at 10,000 people (schema m008's indexes, the read's
imports), `pln forget` over resources, one built-in kind for a share (``shared``), and
what a user saw wrong in the whole list, checked by hand on a fresh book.

"now" is pinned to Monday 2026-11-23 10:00 by conftest.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import query, without_followup_anchor, without_person_topics
from plncli import migrations


def _talkers(pln: Any) -> None:
    """Who knows oracy how: seeks it, works on it, talked about it (often, or on two topics)."""
    pln("add", "Ben Okafor", "--seeks", "oracy")
    pln("add", "Carla Diaz", "--topic", "oracy", "--seeks", "oracy")
    pln("add", "Dev Patel")
    pln("add", "Eve Stone")
    for note in ("chat", "again", "and again"):
        pln("log", "Dev", "-m", note, "--topic", "oracy")
    pln("log", "Eve", "-m", "talk", "--topic", "oracy", "--topic", "oracy in science")
    pln("resource", "add", "Talk for learning", "--topic", "oracy")


# ---- 1. speed: the ranking, its indexes, what the read loads -------------------------------


def test_the_ranking_counts_each_reason_once_however_often_it_was_said(pln: Any) -> None:
    _talkers(pln)
    ranked = {c["person"]["name"]: c for c in pln.json("share", "talk")}
    assert list(ranked) == ["Carla Diaz", "Ben Okafor", "Eve Stone", "Dev Patel"]
    # seeking and working on the same topic: two reasons, the stronger one first
    assert ranked["Carla Diaz"]["reasons"] == [
        "Carla is looking for help with oracy",
        "Carla works on oracy",
    ]
    # three talks on one topic are one reason; two topics are two
    assert ranked["Dev Patel"]["reasons"] == ["you talked about oracy with Dev"]
    assert ranked["Eve Stone"]["reasons"] == [
        "you talked about oracy with Eve",
        "you talked about oracy in science with Eve",
    ]
    assert ranked["Eve Stone"]["score"] == ranked["Dev Patel"]["score"]  # more reasons first


@pytest.mark.sqlite_only(reason="reads SQLite's query plans of the file")
def test_who_holds_a_topic_is_read_from_an_index_alone(pln: Any, db_path: Path) -> None:
    """m008: the ranking reads people's topics and seeks from (kind, key, person_id), and
    interactions' topics by key, from (key, interaction_id): no table row, no scan."""
    _talkers(pln)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 8
        held = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT person_id FROM person_attr"
                " WHERE kind IN ('seeks', 'topic') AND key = 'oracy'"
            )
        )
        assert "COVERING INDEX ix_person_attr_kind_key_person" in held
        talked = " ".join(
            r[3]
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT interaction_id FROM interaction_topic"
                " WHERE key = 'oracy'"
            )
        )
        assert "COVERING INDEX ix_interaction_topic_key" in talked
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "ix_person_attr_kind_key" not in names  # the covering one replaced it
    finally:
        conn.close()


@pytest.mark.sqlite_only(reason="migrates a SQLite file of schema 7")
def test_a_book_of_schema_7_gets_the_indexes_and_keeps_every_row(
    pln: Any, db_path: Path, dump: Any
) -> None:
    _talkers(pln)
    before = dump()
    conn = sqlite3.connect(db_path)
    conn.executescript(
        "DROP INDEX ix_person_attr_kind_key_person; DROP INDEX ix_interaction_topic_key;"
        " CREATE INDEX ix_person_attr_kind_key ON person_attr (kind, key);"
        # and m010's indexes (`introduce --for`), m011's table and its triggers
        " DROP INDEX ix_person_eligible; DROP INDEX ix_person_org_fold;"
        " DROP INDEX ix_person_location_fold; DROP INDEX ix_person_attr_kind_key_id;"
        + without_person_topics()
    )
    # m009's column too (a book of schema 7 has not got it), its triggers as m007 left them
    without_followup_anchor(conn)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    assert [c["person"]["name"] for c in pln.json("share", "talk")][:1] == ["Carla Diaz"]
    assert query(db_path, "PRAGMA user_version") == [(migrations.LATEST,)]
    assert dump() == before
    assert list(db_path.parent.glob(f"{db_path.name}.schema7-*.bak"))  # the copy before


@pytest.mark.sqlite_only(reason="makes its own shared book")
def test_db_upgrade_brings_a_shared_book_of_schema_7_to_the_new_indexes(
    pln: Any, pg_url: str
) -> None:
    import psycopg

    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ben Okafor", "--seeks", "oracy")
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP INDEX ix_person_attr_kind_key_person")
        conn.execute("DROP INDEX ix_interaction_topic_key")
        conn.execute("CREATE INDEX ix_person_attr_kind_key ON person_attr (kind, key)")
        conn.execute("UPDATE pln_version SET version = 7")
    done = pln("db", "upgrade", pg_url).stdout
    assert f"from schema 7 to {migrations.LATEST}: added index ix_interaction_topic_key," in done
    assert "index ix_person_attr_kind_key_person." in done
    with psycopg.connect(pg_url) as conn:
        indexes = {
            r[0]: r[1]
            for r in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN"
                " ('person_attr', 'interaction_topic')"
            ).fetchall()
        }
    assert "ix_person_attr_kind_key" not in indexes
    assert "(kind, key, person_id)" in indexes["ix_person_attr_kind_key_person"]
    assert "(key, interaction_id)" in indexes["ix_interaction_topic_key"]
    pln("--db", pg_url, "resource", "add", "Talk", "--topic", "oracy")
    assert [c["person"]["name"] for c in pln.json("--db", pg_url, "share", "talk")] == [
        "Ben Okafor"
    ]


@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's SQLite file")
def test_the_share_read_loads_neither_the_due_nor_the_write_modules(
    pln: Any, db_path: Path
) -> None:
    _talkers(pln)
    modules = db_path.parent / "modules.json"
    code = (
        "import atexit, json, sys;"
        f"atexit.register(lambda: open({str(modules)!r}, 'w')"
        ".write(json.dumps(list(sys.modules))));"
        f"sys.argv = ['pln', '--db', {f'{db_path.parent}//./{db_path.name}'!r}, 'share', 'talk'];"
        "from plncli.__main__ import main; main()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "Carla is looking for help with oracy" in run.stdout
    loaded = set(json.loads(modules.read_text()))
    assert not loaded & {
        "pathlib",  # --db is made a path as Typer makes it, without it
        "plncli.reads",
        "plncli.due",
        "plncli.commands",
        "plncli.ties",
        "typer",
        "rich",
    }


@given(st.text(alphabet="/.a b~", min_size=1))
def test_the_quick_paths_db_is_the_path_typer_makes_of_it(db: str) -> None:
    from plncli.fast_intro import _as_typer_path

    assert _as_typer_path(db) == str(PurePosixPath(db))


# ---- 2. pln forget covers resources and share notes ----------------------------------------


def _shared_book(pln: Any) -> None:
    pln("add", "Qqzmark Person", "--topic", "oracy")
    pln("add", "Ben Okafor", "--seeks", "oracy")
    pln(
        "resource",
        "add",
        "Slides by Qqzmark Person",
        "--by",
        "Qqzmark Person",
        "--note",
        "qqzmark person sent these; Qqzmark is kind",
        "--topic",
        "oracy",
    )
    pln("resource", "add", "Qqzmark's reading list", "--note", "from Qqzmark")
    pln("resource", "add", "Talk for learning", "--from", "Qqzmark")
    pln("share", "slides", "--with", "Ben", "-m", "Qqzmark Person's slides")


def test_forget_rewrites_their_name_in_resources_and_share_notes(
    pln: Any, db_path: Path, dump: Any
) -> None:
    _shared_book(pln)
    said = pln("forget", "Qqzmark", "--yes").stderr
    assert "Their full name becomes '(forgotten person)' in: resource #1, interaction #" in said
    assert "left as they are (check them): resource #2." in said
    assert query(db_path, "SELECT title, title_key, author, note FROM resource WHERE id = 1") == [
        (
            "Slides by (forgotten person)",
            "slides by (forgotten person)",
            "(forgotten person)",
            "(forgotten person) sent these; Qqzmark is kind",
        )
    ]
    # a first name alone is left (pln cannot tell whom it means), as in people's notes
    assert query(db_path, "SELECT title, note FROM resource WHERE id = 2") == [
        ("Qqzmark's reading list", "from Qqzmark")
    ]
    shown = pln.json("resource", "show", "slides")
    assert [(s["person"]["name"], s["note"]) for s in shown["shares"]] == [
        ("Ben Okafor", "Slides by (forgotten person) — (forgotten person)'s slides")
    ]
    assert not any("qqzmark person" in line.lower() for line in dump())
    # what they sent you stays a resource of yours, without them
    assert pln.json("resource", "show", "talk")["shares"] == []


def test_forget_keeps_two_resources_apart_when_a_rewritten_title_meets_another(
    pln: Any, db_path: Path
) -> None:
    pln("add", "Qqzmark Person")
    pln("resource", "add", "Notes from (forgotten person)")
    pln("resource", "add", "Notes from Qqzmark Person")
    doc = pln.json("forget", "Qqzmark", "--yes")
    assert [(m["kind"], m["id"]) for m in doc["mentions"] if m["rewritten"]] == [("resource", 2)]
    assert query(db_path, "SELECT id, title FROM resource ORDER BY id") == [
        (1, "Notes from (forgotten person)"),
        (2, "Notes from (forgotten person) (#2)"),
    ]
    assert pln.json("resource", "show", "#2")["title"] == "Notes from (forgotten person) (#2)"


# ---- 3. one built-in kind for a share ------------------------------------------------------


def test_shared_is_the_one_built_in_kind_of_a_share(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    kinds = [k["kind"] for k in pln.json("kinds")]
    assert "shared" in kinds
    assert "shared-resource" not in kinds
    # typed in a book that never used it: logged (a script cannot be asked), `shared` offered
    said = pln("log", "Ana", "-m", "sent the slides", "--kind", "shared-resource").stderr
    assert "new kind 'shared-resource' (did you mean shared?)" in said
    # a book that used it knows it: no question, no note, and `pln kinds` counts it
    again = pln("log", "Ana", "-m", "and the notes", "--kind", "shared-resource").stderr
    assert "new kind" not in again
    used = {k["kind"]: k for k in pln.json("kinds")}
    assert used["shared-resource"]["count"] == 2
    assert used["shared-resource"]["builtin"] is False
    assert query(db_path, "SELECT kind FROM interaction ORDER BY id") == [
        ("shared-resource",),
        ("shared-resource",),
    ]


def test_the_demo_network_logs_shares_as_shared() -> None:
    demo = json.loads(
        (Path(__file__).resolve().parents[1] / "examples" / "demo-network.json").read_text()
    )
    kinds = {i["kind"] for i in demo["interactions"]}
    assert "shared-resource" not in kinds
    assert "shared" in kinds
