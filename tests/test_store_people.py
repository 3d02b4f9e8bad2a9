"""The people store (issue 13, "one store"): named rows, portable upserts and new ids,
the search index, and no SQL left in the modules that call it."""

import ast
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from helpers import insert_person, query
from plncli import db
from plncli.store import book, search
from plncli.store import merge as merge_store
from plncli.store import people as store
from plncli.store import transfer as transfer_store
from plncli.text import attr_key, fold

SRC = Path(__file__).resolve().parent.parent / "src" / "plncli"
STAMP = "2026-11-23 10:00:00.000000"


@pytest.fixture
def conn(store_book: sqlite3.Connection) -> sqlite3.Connection:
    return store_book


def _fts(conn: sqlite3.Connection, word: str) -> list[int]:
    sql = "SELECT rowid FROM person_fts WHERE person_fts MATCH ? ORDER BY rowid"
    return [r[0] for r in conn.execute(sql, (word,))]


def test_insert_person_gives_the_new_id_and_rows_read_by_name(conn: sqlite3.Connection) -> None:
    ana = insert_person(conn, "Ana Ruiz", org="Lakeside School")
    ben = insert_person(conn, "Ben Okafor")
    assert (ana, ben) == (1, 2)
    found = store.person_by_id(conn, ana)
    assert (found.id, found.name) == (ana, "Ana Ruiz")
    assert store.person_by_id(conn, 99) is None
    assert [p.name for p in store.people_by_name_key(conn, "ana ruiz")] == ["Ana Ruiz"]
    assert [p.name for p in store.people_by_name_prefix(conn, "oka")] == ["Ben Okafor"]
    keys = store.name_keys(conn)
    assert [(p.id, p.name, p.name_key) for p in keys] == [
        (1, "Ana Ruiz", "ana ruiz"),
        (2, "Ben Okafor", "ben okafor"),
    ]
    assert store.ids_and_names_by_key(conn) == {
        "ana ruiz": [(1, "Ana Ruiz")],
        "ben okafor": [(2, "Ben Okafor")],
    }
    assert store.find_by_name_key(conn, "ana ruiz", other_than=ana) is None
    assert store.find_by_name_key(conn, "ana ruiz").id == ana


def test_the_id_given_back_is_the_stored_row(conn: sqlite3.Connection) -> None:
    """RETURNING id names the row just written, wherever the engine put it."""
    for n in range(3):
        insert_person(conn, f"Person {n}")
    with db.transaction(conn):
        conn.execute("DELETE FROM person WHERE id = 2")
    pid = insert_person(conn, "Dana Lee")
    assert conn.execute("SELECT id FROM person WHERE name = 'Dana Lee'").fetchone()[0] == pid


def test_the_id_without_returning_is_the_same(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Python linked to SQLite older than 3.35 learns the id from the cursor instead."""
    import plncli.store

    with_returning = insert_person(conn, "Ana Ruiz")
    monkeypatch.setattr(plncli.store, "RETURNING", False)
    without = insert_person(conn, "Ben Okafor")
    assert (with_returning, without) == (1, 2)
    assert store.person_by_id(conn, without).name == "Ben Okafor"


def test_scopes_separate_active_and_archived(conn: sqlite3.Connection) -> None:
    ana = insert_person(conn, "Ana Ruiz")
    with db.transaction(conn):
        store.set_archived_at(conn, ana, STAMP, updated_at=STAMP)
    assert store.archived_at(conn, ana) == STAMP
    assert store.person_by_id(conn, ana, "active") is None
    assert store.person_by_id(conn, ana, "archived").name == "Ana Ruiz"
    assert store.people_by_name_key(conn, "ana ruiz", "active") == []
    assert store.name_keys(conn, "active") == []
    assert [p.id for p in store.name_keys(conn, "archived")] == [ana]
    with db.transaction(conn):
        store.set_archived_at(conn, ana, None, updated_at=STAMP)
    assert store.archived_at(conn, ana) is None


def test_a_value_the_person_has_is_kept_as_first_given(conn: sqlite3.Connection) -> None:
    ana = insert_person(conn, "Ana Ruiz")
    with db.transaction(conn):
        for value in ("ana@example.org", "ANA@Example.org"):
            store.add_attr(conn, ana, "email", value, attr_key("email", value))
    assert query_attrs(conn, ana) == [("email", "ana@example.org")]
    assert store.find_by_email(conn, [fold("Ana@example.ORG")]).id == ana
    assert store.find_by_email(conn, []) is None
    with db.transaction(conn):
        assert store.delete_attr(conn, ana, "email", attr_key("email", "nobody@x.org")) == 0
        assert store.delete_attr(conn, ana, "email", attr_key("email", "ANA@example.org")) == 1
    assert query_attrs(conn, ana) == []


def query_attrs(conn: sqlite3.Connection, pid: int) -> list[tuple[str, str]]:
    sql = "SELECT kind, value FROM person_attr WHERE person_id = ? ORDER BY id"
    return [(k, v) for k, v in conn.execute(sql, (pid,))]


@hsettings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.sampled_from(["Assessment", "assessment", "ASSESSMENT", "Reading", "reading"])))
def test_bulk_and_single_values_agree_on_conflicts(
    conn: sqlite3.Connection, topics: list[str]
) -> None:
    """Whichever way values arrive, each folded key is stored once, with its first spelling."""
    one, many = insert_person(conn, "One"), insert_person(conn, "Many")
    with db.transaction(conn):
        for t in topics:
            store.add_attr(conn, one, "topic", t, attr_key("topic", t))
        transfer_store.insert_attrs(
            conn, [(many, "topic", t, attr_key("topic", t)) for t in topics]
        )
    first_seen: dict[str, tuple[str, str]] = {}
    for t in topics:
        first_seen.setdefault(attr_key("topic", t), ("topic", t))
    assert query_attrs(conn, one) == query_attrs(conn, many) == list(first_seen.values())


def test_events_are_found_by_folded_name(conn: sqlite3.Connection) -> None:
    with db.transaction(conn):
        eid = store.insert_event(
            conn, "ResearchEd", "researched", "2026-09-05", place=None, created_at=STAMP
        )
    assert store.event_id_by_key(conn, fold("RESEARCHED")) == eid
    assert store.event_id_by_key(conn, "other") is None


def test_refresh_search_follows_what_is_stored(conn: sqlite3.Connection) -> None:
    ana = insert_person(conn, "Ana Ruiz", org="Lakeside School")
    with db.transaction(conn):
        store.add_attr(conn, ana, "topic", "retrieval", "retrieval")
        search.refresh_search(conn, [ana])
    assert _fts(conn, "retrieval") == _fts(conn, "lakeside") == [ana]
    with db.transaction(conn):
        store.update_person(conn, ana, {"org": "Hillview Academy"})
        search.refresh_search(conn, [ana])
    assert _fts(conn, "lakeside") == []
    assert _fts(conn, "hillview") == [ana]


def test_refresh_search_of_many_and_from_an_id_and_rebuild(conn: sqlite3.Connection) -> None:
    ids = [insert_person(conn, f"Person {n}", org="Oldorg") for n in range(120)]
    with db.transaction(conn):
        search.refresh_search(conn, ids)  # more than 50: the chunked statements
    assert _fts(conn, "oldorg") == ids
    with db.transaction(conn):
        conn.execute("UPDATE person SET org = 'Neworg' WHERE id >= 101")
        search.refresh_search_from(conn, 101)
    assert _fts(conn, "neworg") == ids[100:]
    assert _fts(conn, "oldorg") == ids[:100]
    with db.transaction(conn):
        conn.execute("UPDATE person SET org = 'Allorg'")
        search.rebuild_search(conn)
    assert _fts(conn, "allorg") == ids
    assert _fts(conn, "oldorg") == _fts(conn, "neworg") == []


def test_merge_moves_links_once_and_rekeys_pairs(conn: sqlite3.Connection) -> None:
    keep, other, third = (insert_person(conn, n) for n in ("Keep", "Other", "Third"))
    with db.transaction(conn):
        conn.execute(
            "INSERT INTO interaction (id, at, kind, note, created_at) VALUES (1, ?, 'call', '', ?)",
            (STAMP, STAMP),
        )
        for pid in (keep, other):
            conn.execute("INSERT INTO interaction_person VALUES (1, ?)", (pid,))
        conn.execute(
            "INSERT INTO tie (a_id, b_id, note, source, created_at) VALUES (?, ?, '', 'manual', ?)",
            (other, third, STAMP),
        )
    counts = merge_store.linked_counts(conn, other)
    assert (counts.interactions, counts.ties, counts.followups) == (1, 1, 0)
    with db.transaction(conn):
        merge_store.move_links(conn, keep, other)
        for pair in merge_store.pairs_of(conn, "tie", other):
            merge_store.rekey_pair(conn, "tie", (pair.a_id, pair.b_id), (keep, third))
    assert conn.execute("SELECT * FROM interaction_person").fetchall() == [(1, keep)]
    assert merge_store.has_pair(conn, "tie", keep, third)
    assert not merge_store.has_pair(conn, "tie", other, third)


def test_book_counts_and_emptiness(conn: sqlite3.Connection) -> None:
    assert book.is_empty(conn)
    insert_person(conn, "Ana Ruiz")
    assert not book.is_empty(conn)
    assert book.counts(conn) == {
        "people": 1,
        "archived": 0,
        "events": 0,
        "interactions": 0,
        "open_followups": 0,
    }
    assert book.integrity_problems(conn) == ["ok"]
    assert book.foreign_key_problems(conn) == []


def test_add_stores_an_email_typed_twice_once(pln, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--email", "ANA@example.org")
    assert query(db_path, "SELECT kind, value FROM person_attr") == [("email", "ana@example.org")]
    assert pln.json("show", "Ana")["emails"] == ["ana@example.org"]


CONVERTED = [
    "people.py",
    "resolve.py",
    "merge.py",
    "transfer.py",
    "context.py",
    "cli/people.py",
    "cli/transfer.py",
    "cli/store.py",
]


def _code_strings(path: Path) -> str:
    """Every string constant of a module (f-string parts included) but its docstrings."""
    tree = ast.parse(path.read_text())
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return "\n".join(
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    )


@pytest.mark.parametrize("module", CONVERTED)
def test_converted_modules_run_no_sql(module: str) -> None:
    """The services and commands of the people slice call the store; SQL cannot creep back."""
    assert not re.search(r"\.execute(many|script)?\(", (SRC / module).read_text())
    sql = re.search(
        r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA)\b", _code_strings(SRC / module)
    )
    assert sql is None


@pytest.mark.parametrize("module", ["people.py", "merge.py", "transfer.py", "book.py"])
def test_the_people_store_speaks_the_shared_sql(module: str) -> None:
    """No SQLite-only idioms outside the named places (search.py; transfer.py's export)."""
    text = _code_strings(SRC / "store" / module)
    assert "OR IGNORE" not in text
    assert "lastrowid" not in text
    assert "char(10)" not in text
    assert "instr(" not in text
    if module != "transfer.py":  # its export keeps insertion order: named in its docstring
        assert "rowid" not in text.lower()
