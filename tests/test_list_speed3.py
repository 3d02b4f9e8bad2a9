"""`pln list` at 10,000 people, a third pass (issue 13, speed).

- Schema 12 (m012): ``ix_person_list``, the people not archived by name and id with the
  cells `pln list` shows. The default list (and --circle, --org) reads its rows from that
  index alone, already in order: no read of the table and no sort (a sixth of the
  instructions of a 10,000-person `pln list`). --archived, --topic, --role-tag and --met-at
  read as before. What it prints is unchanged: in a book whose people are renamed,
  archived and restored, the rows come in the order of the sort the list made before.
- ``dates.Interval``'s fields are declared as types, not as annotation text: NamedTuple
  compiled the text, and the first ``compile`` of a process makes Python's AST classes
  (~10M instructions, 2.5% of `pln list` at 10,000 people, and of every command that reads
  a date). Nothing `pln list` or `pln due` runs compiles source now but namedtuple's own.
"""

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import without_key_count
from plncli import migrations
from plncli.cli import app
from plncli.db import open_store
from plncli.store import views

# an index, read in order, holding all the statement reads; the sort it replaced
COVERED = "SCAN p USING COVERING INDEX ix_person_list"
SORTED = "USE TEMP B-TREE FOR ORDER BY"
NO_FILTERS = {"topic": None, "org": None, "circle": None, "met_at": None, "role_tag": None}


def _plan(path: Path, archived: bool = False, **filters: str) -> list[str]:
    """The query plan of the statement `pln list` runs (``views.people_table``)."""
    conn = open_store(path, create_parent=False)
    try:
        ran: list[str] = []
        conn.set_trace_callback(ran.append)
        views.people_table(conn, filters={**NO_FILTERS, **filters}, sort="name", archived=archived)
        conn.set_trace_callback(None)
        [statement] = [s for s in ran if "person_topics" in s]
        return [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
    finally:
        conn.close()


def _book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy", "--org", "Northfield", "--circle", "colleague")
    pln("add", "ana ruiz", "--org", "Hillside", "--allow-duplicate")  # the same name key: by id
    pln("add", "Ben Okafor", "--topic", "retrieval", "--topic", "oracy")
    pln("add", "Carla Núñez", "--org", "North Academy", "--circle", "colleague")
    pln("archive", "Ben Okafor")


@pytest.mark.sqlite_only(reason="SQLite's query plan of the list statement")
@pytest.mark.parametrize(
    "filters", [{}, {"circle": "colleague"}, {"org": "%north%"}, {"circle": "network", "org": "%"}]
)
def test_the_list_reads_an_index_in_its_order_without_a_sort(
    pln: Any, db_path: Path, filters: dict[str, str]
) -> None:
    _book(pln)
    plan = _plan(db_path, **filters)
    assert plan[0] == COVERED
    assert not any(SORTED in step for step in plan)
    assert not any(step.startswith("SCAN p") and "INDEX" not in step for step in plan)


@pytest.mark.sqlite_only(reason="SQLite's query plan of the list statement")
def test_the_archived_and_the_topics_are_read_as_before(pln: Any, db_path: Path) -> None:
    _book(pln)
    # the index holds no archived person; a topic or an event picks a few people by id
    for plan in (_plan(db_path, archived=True), _plan(db_path, met_at="somewhere")):
        assert not any("ix_person_list" in step for step in plan)
        assert any(SORTED in step for step in plan)


def test_the_list_prints_the_same_rows_in_the_same_order(pln: Any) -> None:
    _book(pln)
    assert pln("list").stdout.splitlines() == [
        "#  name         org            circle     topics  last contact",
        "1  Ana Ruiz     Northfield     colleague  oracy   never",
        "2  ana ruiz     Hillside       network            never",
        "4  Carla Núñez  North Academy  colleague          never",
    ]
    assert [r.split()[0] for r in pln("list", "--circle", "colleague").stdout.splitlines()] == [
        "#",
        "1",
        "4",
    ]
    assert [r.split()[0] for r in pln("list", "--org", "north").stdout.splitlines()] == [
        "#",
        "1",
        "4",
    ]
    assert pln("list", "--archived").stdout.splitlines()[1].startswith("3  Ben Okafor")


@pytest.mark.sqlite_only(reason="a SQLite book of schema 11, upgraded")
def test_a_book_of_schema_11_gets_the_index_and_lists_the_same(pln: Any, db_path: Path) -> None:
    _book(pln)
    before = pln("list").stdout
    conn = sqlite3.connect(db_path)
    conn.execute("DROP INDEX ix_person_list")
    conn.executescript(without_key_count())  # and what m013 added after it
    conn.execute("PRAGMA user_version = 11")
    conn.commit()
    conn.close()
    assert pln("list").stdout == before
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone() == (migrations.LATEST,)
    [(sql,)] = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'ix_person_list'")
    assert "WHERE" not in sql  # whole: a partial index was chosen for `pln due` (slower)
    conn.close()
    assert _plan(db_path)[0] == COVERED


NAMES = st.sampled_from(["Ana Ruiz", "ana ruiz", "Ána Ruiz", "Ben", "ben", "Zoë", "Al"])


@pytest.mark.sqlite_only(reason="the index's order against the sort SQLite made before")
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(NAMES, min_size=1, max_size=8),
    changes=st.lists(
        st.tuples(st.sampled_from(["archive", "restore", "rename"]), st.integers(0, 7), NAMES),
        max_size=6,
    ),
)
def test_the_rows_come_in_the_order_of_the_old_sort(
    pln: Any, tmp_path_factory: pytest.TempPathFactory, names: list[str], changes: list[Any]
) -> None:
    path = tmp_path_factory.mktemp("book") / "pln.db"
    for name in names:
        pln("--db", str(path), "add", name, "--allow-duplicate")
    for what, n, name in changes:
        who = f"#{n % len(names) + 1}"
        argv = ["edit", who, "--name", name] if what == "rename" else [what, who]
        done = pln.runner.invoke(app, ["--db", str(path), *argv])  # refused: nothing changed
        assert isinstance(done.exception, SystemExit | None), done.exception
    shown = pln("--db", str(path), "list").stdout.splitlines()
    conn = sqlite3.connect(path)
    # the statement `pln list` ran before schema 12: the table read whole and sorted
    expected = conn.execute(
        "SELECT id, name FROM person WHERE archived_at IS NULL ORDER BY +name_key, id"
    ).fetchall()
    conn.close()
    if not expected:
        assert len(shown) == 1
        assert shown[0].startswith(("No one in the book yet", "No one but"))
        return
    assert [(int(r.split()[0]), r.split("  ")[1].strip()) for r in shown[1:]] == expected


@pytest.mark.sqlite_only(reason="makes its own shared book")
def test_db_upgrade_gives_a_shared_book_of_schema_11_the_index(pln: Any, pg_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "--topic", "oracy", "--org", "Northfield")
    pln("--db", pg_url, "add", "Ben Okafor", "--circle", "colleague")
    before = pln("--db", pg_url, "list").stdout
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP INDEX ix_person_list")
        conn.execute("UPDATE pln_version SET version = 11")
    done = pln("db", "upgrade", pg_url).stdout
    assert f"from schema 11 to {migrations.LATEST}: added index ix_person_list" in done
    with psycopg.connect(pg_url) as conn:
        [(made,)] = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_person_list'"
        ).fetchall()
    assert "(name_key, id, name, org, circle, last_contact_at, archived_at)" in made
    assert "WHERE" not in made
    assert pln("--db", pg_url, "list").stdout == before


@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's SQLite file")
@pytest.mark.parametrize("argv", [["list"], ["due"], ["due", "--json"]])
def test_no_annotation_is_compiled(pln: Any, db_path: Path, argv: list[str]) -> None:
    _book(pln)
    compiled = db_path.parent / "compiled.json"
    code = (
        "import atexit, json, sys; seen = [];"
        # text compiled in the process (not a module's file, as when no bytecode is kept)
        "sys.addaudithook(lambda e, a: seen.append(repr(a[0])) if e == 'compile'"
        " and a[1] == '<string>' else None);"
        f"atexit.register(lambda: open({str(compiled)!r}, 'w').write(json.dumps(seen)));"
        f"sys.argv = ['pln', '--db', {str(db_path)!r}, *{argv!r}];"
        "from plncli.__main__ import main; main()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    seen = json.loads(compiled.read_text())
    assert seen  # the hook saw namedtuple's
    assert all(source.startswith("b'lambda _cls") for source in seen), seen


def test_an_interval_declares_its_fields_as_types() -> None:
    from plncli.dates import Interval, parse_interval

    assert Interval._fields == ("months", "days")
    assert parse_interval("1m2w") == Interval(1, 14) == (1, 14)
    assert str(Interval(days=14)) == "2w"


@pytest.mark.sqlite_only(reason="SQLite's query plan of a statement on the people")
def test_the_list_index_is_read_by_the_list_alone(pln: Any, db_path: Path) -> None:
    """Partial (WHERE archived_at IS NULL), the index was chosen for statements on the
    people not archived that need columns it lacks: `pln due` read the table through it
    person by person (52 -> 57 ms at 10,000 people). Whole, it is read where it covers."""
    _book(pln)
    conn = sqlite3.connect(db_path)
    try:
        generic = "SELECT p.id, p.cadence FROM person p WHERE p.archived_at IS NULL"
        plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {generic}")]
    finally:
        conn.close()
    assert plan == ["SCAN p"]
    assert _plan(db_path)[0] == COVERED


@pytest.mark.sqlite_only(reason="the benchmark's bound runs the SQLite statement")
def test_the_benchmarks_bound_runs_the_statement_pln_list_runs(pln: Any, db_path: Path) -> None:
    """benchmarks/run.py times, beside `pln list`, the least a program can do to show it:
    its statement and its output written (``BOUND``). That statement is a copy, held here
    to the one ``views.people_table`` runs for the whole book."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _book(pln)
    conn = open_store(db_path, create_parent=False)
    try:
        ran: list[str] = []
        conn.set_trace_callback(ran.append)
        shown = views.people_table(conn, filters=NO_FILTERS, sort="name", archived=False)
        conn.set_trace_callback(None)
        assert [s for s in ran if "person_topics" in s] == [bench.LIST_STATEMENT]
        assert conn.execute(bench.LIST_STATEMENT).fetchall() == shown
    finally:
        conn.close()
