"""Issue 11, item 5: `pln introduce --for P` at 100,000 people reads its counts of the whole
book from ``key_count`` (schema 13) by key, instead of counting tens of thousands of rows a
run. The table is derived, kept exact by triggers on both engines, so everything here is
held to an oracle computed in Python from the people and their attributes as stored:

- any sequence of real commands (add, edit, archive, restore, merge, forget, an event
  merged, a CSV import, undo of each) leaves every row exact, and every count the store
  reads (one key, an organisation or place in any case, the whole book) the exact count;
- so does any sequence of raw row changes (what an undo replays, or another program does),
  a JSON book imported, a SQLite book of schema 12 migrated, and a shared book upgraded;
- `pln introduce --for` says exactly what it says when every count is taken from the
  people themselves (the statements the table replaced);
- `pln db check` names a trigger of the table dropped or disabled on a shared book.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import change, open_book, query, without_key_count
from plncli import db, migrations, suggest
from plncli.migrations import LATEST
from plncli.store import index

TAGS_OF_KIND = {"topic": ("i",), "offers": ("i", "o"), "seeks": ("s",)}
COLUMN_TAG = {"met_at_id": "e", "org": "g", "location": "l"}
_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


# ---- the oracle: the counts from the people and their attributes as stored ----------------


def _people(db_path: Path) -> dict[int, tuple[Any, ...]]:
    """Every person not archived: (circle, org, location, met_at_id) by id."""
    found = query(
        db_path,
        "SELECT id, circle, org, location, met_at_id FROM person WHERE archived_at IS NULL",
    )
    return {r[0]: tuple(r[1:]) for r in found}


def _oracle(db_path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """(tag, key) -> (everyone, listed), counted here in Python (``migrations``' table)."""
    people = _people(db_path)
    holders: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pid, kind, key in query(db_path, "SELECT person_id, kind, key FROM person_attr"):
        if pid in people:
            for tag in TAGS_OF_KIND.get(kind, ()):
                holders[tag, key].add(pid)  # a set: a topic that is also an offer counts once
    for pid, (_, org, location, met_at) in people.items():
        holders["n", ""].add(pid)
        for tag, value in (("e", met_at), ("g", org), ("l", location)):
            if value is not None:
                holders[tag, str(value)].add(pid)
    return {
        key: (len(ids), sum(people[p][0] != "following" for p in ids))
        for key, ids in holders.items()
    }


def _stored(db_path: Path) -> dict[tuple[str, str], tuple[int, int]]:
    rows = query(db_path, "SELECT tag, key, everyone, listed FROM key_count")
    return {(tag, key): (everyone, listed) for tag, key, everyone, listed in rows}


def _exact(db_path: Path) -> None:
    """``key_count`` is the oracle's, row for row, and every count the store reads from it
    is the count of the people themselves."""
    assert _stored(db_path) == _oracle(db_path)
    people = _people(db_path)
    conn = open_book(db_path)
    try:
        for following in (True, False):
            counted = {p for p, row in people.items() if following or row[0] != "following"}
            assert index.count_eligible(conn, following=following) == len(counted)
            _holders_read_exactly(db_path, conn, following, counted)
            _sharing_read_exactly(conn, following, {p: people[p] for p in counted})
    finally:
        conn.close()


def _holders_read_exactly(db_path: Path, conn: Any, following: bool, counted: set[int]) -> None:
    held: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pid, kind, key in query(db_path, "SELECT person_id, kind, key FROM person_attr"):
        held[kind, key].add(pid)
    keys = {key for kind, key in held if kind in TAGS_OF_KIND} | {"nobody holds this"}
    for key in keys:
        for kinds in (("topic", "offers"), ("offers",), ("seeks",)):
            want = set().union(*(held[kind, key] for kind in kinds)) & counted
            assert index.count_holders(conn, kinds, [key], following=following) == len(want)


def _sharing_read_exactly(conn: Any, following: bool, people: dict[int, tuple[Any, ...]]) -> None:
    for column, at in (("org", 1), ("location", 2), ("met_at_id", 3)):
        values = (
            {row[at] for row in people.values()} | {"Nowhere"}
            if column != "met_at_id"
            else {row[at] for row in people.values()} | {999}
        )
        for value in values:
            for asked in _spellings(value):
                want = sum(1 for row in people.values() if _same(column, row[at], asked))
                got = index.sharing(conn, column, asked, following=following)
                assert got == want, (column, asked, following)
                both = index.count_eligible_sharing(conn, column, asked, following=following)
                assert both == (len(people), want)


def _spellings(value: object) -> list[object]:
    if not isinstance(value, str):
        return [value]
    return [value, value.upper(), value.lower(), value.swapcase()]


def _same(column: str, stored: object, asked: object) -> bool:
    """Equal as the statements the table replaced compared: case-blind A-Z only."""
    if stored is None or asked is None:
        return False
    if column == "met_at_id":
        return bool(stored == asked)
    return str(stored).translate(_ASCII_FOLD) == str(asked).translate(_ASCII_FOLD)


# ---- any sequence of real commands --------------------------------------------------------

NAMES = ["Ana", "Ben", "Cy", "Dee"]
WORDS = ["assessment", "Assessment", "oracy", "retrieval practice", "Ørsted method"]
ORGS = ["Hill School", "HILL SCHOOL", "hill school", "Zürich Lab", "ZüRICH LAB", ""]
PLACES = ["Leeds", "LEEDS", "Écully", "écully"]
EVENTS = ["researchED", "ResearchED 2026"]
CIRCLES = ["colleague", "network", "following"]
LIST_OPTIONS = {"topic": "--topic", "offers": "--offers", "seeks": "--seeks"}

NAME = st.sampled_from(NAMES)
WORD = st.sampled_from(WORDS)
ADD = st.builds(
    lambda name, kinds, org, place, circle, event: [
        "add",
        name,
        "--allow-duplicate",
        *[a for kind, word in kinds for a in (LIST_OPTIONS[kind], word)],
        *(["--org", org] if org is not None else []),
        *(["--location", place] if place is not None else []),
        "--circle",
        circle,
        *(["--met-at", event] if event else []),
    ],
    NAME,
    st.lists(st.tuples(st.sampled_from(list(LIST_OPTIONS)), WORD), max_size=4),
    st.none() | st.sampled_from(ORGS),
    st.none() | st.sampled_from(PLACES),
    st.sampled_from(CIRCLES),
    st.none() | st.sampled_from(EVENTS),
)
EDIT = (
    st.builds(
        lambda name, option, value: ["edit", name, option, value],
        NAME,
        st.sampled_from(
            [
                "--add-topic",
                "--remove-topic",
                "--add-offers",
                "--remove-offers",
                "--add-seeks",
                "--remove-seeks",
                "--topic",
                "--offers",
            ]
        ),
        WORD,
    )
    | st.builds(
        lambda name, option, value: ["edit", name, option, value],
        NAME,
        st.just("--org"),
        st.sampled_from(ORGS),
    )
    | st.builds(
        lambda name, value: ["edit", name, "--location", value], NAME, st.sampled_from(PLACES)
    )
    | st.builds(
        lambda name, value: ["edit", name, "--circle", value], NAME, st.sampled_from(CIRCLES)
    )
    | st.builds(
        lambda name, value: ["edit", name, "--met-at", value], NAME, st.sampled_from(EVENTS)
    )
)
COMMAND = st.one_of(
    ADD,
    EDIT,
    st.builds(lambda n: ["archive", n], NAME),
    st.builds(lambda n: ["restore", n], NAME),
    st.builds(lambda a, b: ["merge", a, b, "--yes"], NAME, NAME),
    st.builds(lambda n: ["forget", n, "--yes"], NAME),
    st.just(["event", "merge", EVENTS[0], EVENTS[1], "--yes"]),
    st.just(["import", "{csv}", "--format", "csv", "--topic", "oracy"]),
    st.just(["undo", "--yes"]),
)


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(
        "name,email,org,location,topics\n"
        "Ed,ed@example.org,HILL SCHOOL,Leeds,assessment;oracy\n"
        "Fay,fay@example.org,Zürich Lab,,retrieval practice\n",
        encoding="utf-8",
    )
    return path


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(commands=st.lists(COMMAND, min_size=1, max_size=10))
def test_any_commands_and_their_undo_keep_the_counts_exact(
    pln: Any, db_path: Path, tmp_path: Path, commands: list[list[str]]
) -> None:
    pln("add", "Zed")  # the book exists (on either engine): each example starts empty
    change(db_path, "DELETE FROM person")
    change(db_path, "DELETE FROM event")
    csv = str(_csv(tmp_path))
    for argv in commands:
        pln.runner.invoke(pln_app(), [a.replace("{csv}", csv) for a in argv])
        _exact(db_path)
    for _ in range(4):  # and back, newest change first
        pln.runner.invoke(pln_app(), ["undo", "--yes"])
        _exact(db_path)


def pln_app() -> Any:
    from plncli.cli import app

    return app


def test_the_everyday_commands_keep_the_counts_exact(pln: Any, db_path: Path) -> None:
    """The cases the random sequences may miss, each checked: a topic also offered counts
    once, and still once when one of the two goes; archive, restore, a circle left and
    joined; a topic added again; a merge moving one person's topic and offer of one key to
    another, and a topic both hold (each skipped by ``ON CONFLICT DO NOTHING``); forget."""
    pln("add", "Ana", "--topic", "oracy", "--offers", "oracy", "--org", "Hill School")
    pln("add", "Ben", "--topic", "Oracy", "--seeks", "oracy", "--org", "HILL SCHOOL")
    pln("add", "Cy", "--topic", "maths", "--offers", "maths", "--circle", "following")
    assert _stored(db_path)["i", "oracy"] == (2, 2)
    assert _stored(db_path)["i", "math"] == (1, 0)  # the key is the words' stems
    steps = [
        ["edit", "Ana", "--remove-offers", "oracy"],
        ["edit", "Ana", "--add-offers", "oracy", "--remove-topic", "oracy"],
        ["archive", "Ben"],
        ["restore", "Ben"],
        ["edit", "Cy", "--circle", "colleague", "--add-topic", "ORACY"],
        ["edit", "Ana", "--add-topic", "Oracy"],  # held already: nothing is added
        ["merge", "Ben", "Cy", "--yes"],  # Cy's topic and offer of maths move to Ben; oracy, held
        ["edit", "Ana", "--org", "Dale School", "--location", "Leeds"],
    ]
    for step in steps:
        pln(*step)
        _exact(db_path)
    assert _stored(db_path)["i", "math"] == (1, 1)  # Ben, once; Cy is archived
    assert _stored(db_path)["o", "math"] == (1, 1)
    for _ in steps:
        pln("undo", "--yes")
        _exact(db_path)
    pln("forget", "Cy", "--yes")
    _exact(db_path)
    assert ("i", "math") not in _stored(db_path)  # no row left naming what only Cy held
    assert _stored(db_path)["n", ""] == (2, 2)


def test_a_json_book_imported_is_counted(pln: Any, db_path: Path, tmp_path: Path) -> None:
    pln("add", "Ana", "--topic", "oracy", "--offers", "oracy", "--org", "Hill School")
    pln("add", "Ben", "--seeks", "oracy", "--location", "Leeds", "--met-at", "researchED")
    pln("add", "Cy", "--topic", "maths", "--circle", "following")
    pln("archive", "Cy")
    before = _stored(db_path)
    book = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(book))
    assert "key_count" not in json.loads(book.read_text(encoding="utf-8"))["tables"]
    for name in ("Ana", "Ben", "Cy"):
        pln("forget", name, "--yes")
    change(db_path, "DELETE FROM event")
    assert _stored(db_path) == {}
    pln("import", str(book), "--format", "json")
    _exact(db_path)
    assert _stored(db_path) == before


# ---- any sequence of raw row changes ------------------------------------------------------

ROW_OPS = st.one_of(
    st.tuples(st.just("attr"), st.sampled_from(["topic", "offers", "seeks", "email"]), WORD),
    st.tuples(st.just("attr move"), st.integers(0, 30), st.integers(0, 3)),
    st.tuples(st.just("attr rekind"), st.integers(0, 30), st.sampled_from(list(TAGS_OF_KIND))),
    st.tuples(st.just("attr rekey"), st.integers(0, 30), WORD),
    st.tuples(st.just("attr renumber"), st.integers(0, 30)),
    st.tuples(st.just("attr remove"), st.integers(0, 30)),
    st.tuples(st.just("person"), st.integers(0, 3), st.sampled_from(["archived_at", "circle"])),
    st.tuples(st.just("person set"), st.integers(0, 3), st.sampled_from(["org", "location"])),
    st.tuples(st.just("person event"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("person drop"), st.integers(0, 3)),
    st.tuples(st.just("person renumber"), st.integers(0, 3)),
    st.tuples(st.just("event drop"), st.integers(0, 1)),
)


def _row_change(db_path: Path, op: tuple[Any, ...]) -> None:
    """One change of rows straight in the database (foreign keys on, as pln has them), as
    an undo replays them or another program makes them; one refused changes nothing."""
    people = [r[0] for r in query(db_path, "SELECT id FROM person ORDER BY id")]
    attrs = [r[0] for r in query(db_path, "SELECT id FROM person_attr ORDER BY id")]
    events = [r[0] for r in query(db_path, "SELECT id FROM event ORDER BY id")]
    who = people[op[1] % len(people)] if people and isinstance(op[1], int) else None
    row = attrs[op[1] % len(attrs)] if attrs and isinstance(op[1], int) else None
    sql: tuple[str, tuple[object, ...]] | None = None
    if op[0] == "attr" and people:
        sql = (
            "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, ?, ?, ?)",
            (people[len(attrs) % len(people)], op[1], op[2], op[2].lower()),
        )
    elif op[0] == "attr move" and row is not None and people:
        sql = (
            "UPDATE person_attr SET person_id = ? WHERE id = ?",
            (people[op[2] % len(people)], row),
        )
    elif op[0] == "attr rekind" and row is not None:
        sql = ("UPDATE person_attr SET kind = ? WHERE id = ?", (op[2], row))
    elif op[0] == "attr rekey" and row is not None:
        sql = ("UPDATE person_attr SET key = ? WHERE id = ?", (op[2].lower(), row))
    elif op[0] == "attr renumber" and row is not None:
        sql = ("UPDATE person_attr SET id = 1000 - id WHERE id = ?", (row,))
    elif op[0] == "attr remove" and row is not None:
        sql = ("DELETE FROM person_attr WHERE id = ?", (row,))
    elif op[0] == "person" and who is not None:
        flip = {
            "archived_at": "CASE WHEN archived_at IS NULL THEN updated_at END",
            "circle": "CASE WHEN circle = 'following' THEN 'network' ELSE 'following' END",
        }[op[2]]
        sql = (f"UPDATE person SET {op[2]} = {flip} WHERE id = ?", (who,))
    elif op[0] == "person set" and who is not None:
        sql = (f"UPDATE person SET {op[2]} = ? WHERE id = ?", (PLACES[who % 4], who))
    elif op[0] == "person event" and who is not None and events:
        sql = ("UPDATE person SET met_at_id = ? WHERE id = ?", (events[0] if op[2] else None, who))
    elif op[0] == "person drop" and who is not None:
        sql = ("DELETE FROM person WHERE id = ?", (who,))  # the attributes cascade
    elif op[0] == "person renumber" and who is not None:
        sql = ("UPDATE person SET id = 500 - id WHERE id = ?", (who,))
    elif op[0] == "event drop" and events:
        sql = ("DELETE FROM event WHERE id = ?", (events[op[1] % len(events)],))  # SET NULL
    if sql is None:
        return
    try:
        change(db_path, sql[0], *sql[1], foreign_keys=True)
    except Exception as exc:  # a clash of (person, kind, key), of ids, or a foreign key
        if not any(w in str(exc).lower() for w in ("unique", "foreign key", "duplicate")):
            raise


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(ROW_OPS, max_size=14))
def test_any_row_changes_keep_the_counts_exact(
    pln: Any, db_path: Path, ops: list[tuple[Any, ...]]
) -> None:
    pln("add", "Zed")  # the book exists: each example starts empty
    change(db_path, "DELETE FROM person")
    change(db_path, "DELETE FROM event")
    pln("add", "Ana", "--topic", "oracy", "--offers", "oracy", "--org", "Hill School")
    pln("add", "Ben", "--topic", "assessment", "--met-at", "researchED", "--circle", "following")
    pln("add", "Cy", "--seeks", "oracy", "--location", "LEEDS", "--met-at", "ResearchED 2026")
    for op in ops:
        _row_change(db_path, op)
        _exact(db_path)


# ---- what `pln introduce --for` says ------------------------------------------------------


def _count_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every count `pln introduce` takes, from the people themselves (as before schema 13)."""

    def eligible(conn: Any, *, following: bool) -> int:
        return int(
            conn.execute(
                f"SELECT count(*) FROM person WHERE {index._eligible(following)}"
            ).fetchone()[0]
        )

    def holders(conn: Any, kinds: Any, keys: Any, *, following: bool) -> int:
        either = index.count_holders_pg if index.is_pg(conn) else index.count_holders_sqlite
        return either(conn, kinds, keys, following=following)

    def sharing(conn: Any, column: str, value: object, *, following: bool) -> int:
        if value is None:
            return 0
        equal = (
            index._equal_folding_ascii_pg
            if index.is_pg(conn)
            else index._equal_folding_ascii_sqlite
        )
        same = equal(column, "?", column)
        sql = f"SELECT count(*) FROM person WHERE {same} AND {index._eligible(following)}"
        return int(conn.execute(sql, (value,)).fetchone()[0])

    def both(conn: Any, column: str, value: object, *, following: bool) -> tuple[int, int]:
        return eligible(conn, following=following), sharing(
            conn, column, value, following=following
        )

    monkeypatch.setattr(index, "count_eligible", eligible)
    monkeypatch.setattr(index, "count_holders", holders)
    monkeypatch.setattr(index, "sharing", sharing)
    monkeypatch.setattr(index, "count_eligible_sharing", both)


PERSON = st.fixed_dictionaries(
    {
        "topic": st.lists(WORD, max_size=3),
        "offers": st.lists(WORD, max_size=2),
        "seeks": st.lists(WORD, max_size=2),
        "org": st.sampled_from([None, *ORGS]),
        "location": st.sampled_from([None, *PLACES]),
        "circle": st.sampled_from(CIRCLES),
        "event": st.sampled_from([None, *EVENTS]),
        "archived": st.booleans(),
    }
)


def _add(pln: Any, n: int, person: dict[str, Any]) -> None:
    argv = ["add", f"P{n}", "--circle", person["circle"]]
    for kind in ("topic", "offers", "seeks"):
        for word in person[kind]:
            argv += [f"--{kind}", word]
    for option, value in (("--org", person["org"]), ("--location", person["location"])):
        argv += [option, value] if value is not None else []
    argv += ["--met-at", person["event"]] if person["event"] else []
    pln(*argv)
    if person["archived"]:
        pln("archive", f"P{n}")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(PERSON, min_size=2, max_size=7),
    ties=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=6),
    capped=st.booleans(),
    synonyms=st.booleans(),
)
def test_introduce_for_says_what_the_counts_of_the_people_say(
    pln: Any,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    people: list[dict[str, Any]],
    ties: list[tuple[int, int]],
    capped: bool,
    synonyms: bool,
) -> None:
    """Random books, the caps as they are or at 1 (every key, organisation and place then
    counted from ``key_count``), a synonym (a key of two spellings: counted from the
    people): the same text and JSON as with every count taken from the people."""
    pln("add", "Zed")
    change(db_path, "DELETE FROM person")
    config = db_path.parent / "config.toml"
    config.unlink(missing_ok=True)
    for n, person in enumerate(people):
        _add(pln, n, person)
    for a, b in ties:
        if a != b and a < len(people) and b < len(people):
            pln.runner.invoke(pln_app(), ["knows", f"P{a}", f"P{b}"])
    if synonyms:  # "oracy" counts as "retrieval practice": two stored keys for one
        config.write_text('[synonyms]\noracy = "retrieval practice"\n', encoding="utf-8")
    if capped:
        monkeypatch.setattr(suggest, "FOCUS_CAP", 1)
        monkeypatch.setattr(suggest, "COLLEAGUE_CAP", 1)
    names = [f"P{n}" for n, p in enumerate(people) if not p["archived"]]
    said = _said(pln, names)
    with monkeypatch.context() as m:
        _count_exactly(m)
        assert _said(pln, names) == said


def _said(pln: Any, names: list[str]) -> list[tuple[int, str, str]]:
    out = []
    for name in names:
        for extra in (["--json"], [], ["--include-following", "--json"]):
            result = pln.runner.invoke(pln_app(), ["introduce", "--for", name, *extra])
            out.append((result.exit_code, result.stdout, result.stderr))
    return out


# ---- an older book -------------------------------------------------------------------------


@pytest.mark.sqlite_only(reason="SQLite's migration m013")
def test_a_schema_12_book_gets_its_counts(tmp_path: Path) -> None:
    """m013 counts what the book already holds: archived people and those only followed,
    a topic also offered, organisations in several cases, events; and its triggers then
    keep the counts."""
    path = tmp_path / "old.db"
    db.open_store(path, create_parent=False).close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.executescript(without_key_count())
    raw.execute("INSERT INTO event (id, name, name_key, created_at) VALUES (7, 'E', 'e', '2026')")
    people = [
        (1, "Ana", "network", "Hill School", "Leeds", 7, None),
        (2, "Ben", "following", "HILL SCHOOL", None, 7, None),
        (3, "Cy", "colleague", "Hill School", "leeds", None, "2026-01-02 10:00:00"),
        (4, "Dee", "colleague", None, "", None, None),
    ]
    for pid, name, circle, org, place, event, archived in people:
        raw.execute(
            "INSERT INTO person (id, name, name_key, circle, org, location, met_at_id,"
            " archived_at, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, '', '2026-01-01 10:00:00', '2026-01-01 10:00:00')",
            (pid, name, name.lower(), circle, org, place, event, archived),
        )
    attrs = [(1, "topic", "oracy"), (1, "offers", "oracy"), (2, "topic", "oracy")]
    attrs += [(3, "topic", "oracy"), (2, "seeks", "maths"), (4, "offers", "maths")]
    attrs += [(1, "email", "a@x.org")]
    for pid, kind, key in attrs:
        raw.execute(
            "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?, ?, ?, ?)",
            (pid, kind, key, key),
        )
    assert raw.execute(
        "SELECT count(*) FROM sqlite_master WHERE name LIKE '%key_count%'"
    ).fetchone() == (0,)
    raw.execute("PRAGMA user_version = 12")
    raw.close()
    conn = db.open_store(path, create_parent=False)
    conn.close()
    _exact(path)
    assert _stored(path)["i", "oracy"] == (2, 1)  # Ana once; Ben only followed; Cy archived
    assert _stored(path)["g", "Hill School"] == (1, 1)
    assert _stored(path)["l", ""] == (1, 1)
    assert query(path, "PRAGMA user_version") == [(LATEST,)]
    change(path, "UPDATE person SET archived_at = NULL WHERE id = 3", foreign_keys=True)
    _exact(path)


def test_a_shared_book_upgraded_to_13_gets_the_table_its_triggers_and_rows(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    psycopg = pytest.importorskip("psycopg")
    from test_pg_commands import _member

    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana", "--topic", "oracy", "--offers", "oracy", "--org", "Hill")
    pln("--db", pg_url, "add", "Ben", "--topic", "oracy", "--org", "HILL", "--circle", "following")
    with psycopg.connect(pg_url) as conn:
        conn.execute("DROP TABLE key_count")
        for table in ("person", "person_attr"):
            for op in ("insert", "update", "delete"):
                conn.execute(f"DROP TRIGGER pln_key_count_{op} ON {table}")
        conn.execute("UPDATE pln_version SET version = 12")
    done = pln.json("db", "upgrade", pg_url)
    assert (done["schema_version_before"], done["schema_version"]) == (12, LATEST)
    assert done["added"] == ["table key_count", "index ix_key_count_fold"]
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT tag, key, everyone, listed FROM key_count ORDER BY 1, 2")
        assert rows.fetchall() == [
            ("g", "HILL", 1, 0),
            ("g", "Hill", 1, 1),
            ("i", "oracy", 2, 1),
            ("n", "", 2, 1),
            ("o", "oracy", 1, 1),
        ]
    member = _member(pg_server, pg_url, "carla")  # a member's writes go through the triggers
    pln("--db", member, "edit", "Ben", "--circle", "network", "--remove-topic", "oracy")
    pln("--db", member, "merge", "Ana", "Ben", "--yes")
    pln("--db", member, "undo", "--yes")
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT tag, key, everyone, listed FROM key_count ORDER BY 1, 2")
        assert rows.fetchall() == [
            ("g", "HILL", 1, 1),
            ("g", "Hill", 1, 1),
            ("i", "oracy", 1, 1),
            ("n", "", 2, 2),
            ("o", "oracy", 1, 1),
        ]


def test_a_shared_books_counts_are_folded_at_each_commit(pln: Any, pg_url: str) -> None:
    """On PostgreSQL a transaction's counts wait in ``key_count_delta`` and are added at
    its commit, once; constraints made immediate in the middle fold what came before, and
    what comes after is folded at the commit all the same; a rollback adds nothing."""
    psycopg = pytest.importorskip("psycopg")
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana", "--topic", "oracy")
    attr = "INSERT INTO person_attr (person_id, kind, value, key) VALUES (1, %s, %s, %s)"
    with psycopg.connect(pg_url) as conn:
        conn.execute(attr, ("offers", "oracy", "oracy"))
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deltas so far are added now
        assert conn.execute("SELECT count(*) FROM key_count_delta").fetchone() == (0,)
        conn.execute(attr, ("seeks", "maths", "math"))
        conn.execute("UPDATE person SET circle = 'following' WHERE id = 1")
    with psycopg.connect(pg_url) as conn:
        conn.execute(attr, ("topic", "maths", "math"))
        conn.rollback()
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT tag, key, everyone, listed FROM key_count ORDER BY 1, 2")
        assert rows.fetchall() == [
            ("i", "oracy", 1, 0),
            ("n", "", 1, 0),
            ("o", "oracy", 1, 0),
            ("s", "math", 1, 0),
        ]
        assert conn.execute("SELECT count(*) FROM key_count_delta").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM key_count_pending").fetchone() == (0,)


def test_db_check_names_a_counts_trigger_dropped_or_disabled(pln: Any, pg_url: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    pln("db", "init", pg_url)
    pln("--db", pg_url, "db", "check")
    with psycopg.connect(pg_url) as conn:
        conn.execute("ALTER TABLE person_attr DISABLE TRIGGER pln_key_count_update")
        conn.execute("DROP TRIGGER pln_key_count_delete ON person")
    result = pln("--db", pg_url, "db", "check", code=7)
    assert "a trigger that keeps `pln introduce --for`'s counts is missing on person" in (
        result.stderr
    )
    assert "a trigger that keeps `pln introduce --for`'s counts is disabled on person_attr" in (
        result.stderr
    )


def test_the_sqlite_triggers_are_the_ones_named() -> None:
    """``KEY_COUNT_TRIGGERS`` names what m013 makes (``helpers.without_key_count`` drops
    them by these names)."""
    made = [s.split()[2] for s in migrations.key_count_triggers()]
    assert made == [f"key_count_{name}" for name in migrations.KEY_COUNT_TRIGGERS]
    assert Counter(made).most_common(1)[0][1] == 1
