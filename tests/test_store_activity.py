"""The activity store (issue 13, "one store"): interactions, follow-ups, kinds, what is due,
events and the read views speak through ``plncli.store`` in named rows, against a real
migrated book; and the services and commands of that slice hold no SQL of their own."""

import ast
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import in_zone, open_book
from plncli import db
from plncli.store import activity as store
from plncli.store import events as event_store
from plncli.store import views as view_store
from plncli.text import fold
from plncli.topics import matching

SRC = Path(__file__).resolve().parent.parent / "src" / "plncli"
AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def book(pln, db_path: Path) -> Iterator[sqlite3.Connection]:
    """A real book (made by the CLI) with Ana, Ben and Carla, opened as commands open it."""
    pln("add", "Ana Ruiz", "--org", "Harris Academy", "--topic", "oracy")
    pln("add", "Ben Okafor", "--met-at", "researchED 2026", "--on", "2026-11-20")
    pln("add", "Carla Diaz", "--circle", "colleague")
    conn = open_book(db_path)
    try:
        yield conn
    finally:
        conn.close()


def pid(conn: sqlite3.Connection, name: str) -> int:
    return int(conn.execute("SELECT id FROM person WHERE name = ?", (name,)).fetchone()[0])


@pytest.fixture
def auckland() -> Iterator[None]:
    """Run in Pacific/Auckland (UTC+13 in November), then restore the zone."""
    with in_zone("Pacific/Auckland"):
        yield


def test_an_interaction_is_written_and_read_back_by_name(book: sqlite3.Connection) -> None:
    ana, ben = pid(book, "Ana Ruiz"), pid(book, "Ben Okafor")
    with db.transaction(book, record=False):
        iid = store.insert_interaction(book, at=AT, kind="coffee", note="quizzes", now=NOW)
        store.add_participants(book, iid, [ana, ben])
        store.add_topic(book, iid, "retrieval", "Retrieval")
        store.add_topic(book, iid, "retrieval", "RETRIEVAL")  # same key: the first is kept
        store.add_topic(book, iid, "oracy", "Oracy")
        store.advance_last_contact(book, [ana, ben], AT)
        store.advance_last_contact(book, [ana], datetime(2026, 1, 1, tzinfo=UTC))  # earlier
    assert iid == book.execute("SELECT max(id) FROM interaction").fetchone()[0]
    (entry,) = view_store.interactions_of(book, ana, limit=None)
    assert (entry.id, entry.kind, entry.note) == (iid, "coffee", "quizzes")
    assert db.from_db_time(entry.at) == AT
    others = view_store.others_in_interactions(book, ana, limit=None)
    assert [(o.interaction_id, o.name) for o in others] == [(iid, "Ben Okafor")]
    topics = view_store.topics_of_interactions(book, ben, limit=None)
    assert [(t.interaction_id, t.topic) for t in topics] == [(iid, "Oracy"), (iid, "Retrieval")]
    assert view_store.interactions_of(book, ana, limit=0) == []
    last = book.execute("SELECT last_contact_at FROM person WHERE id = ?", (ana,)).fetchone()[0]
    assert last == db.to_db_time(AT)


def test_follow_ups_open_move_and_close_by_name(book: sqlite3.Connection) -> None:
    ana, carla = pid(book, "Ana Ruiz"), pid(book, "Carla Diaz")
    with db.transaction(book, record=False):
        first = store.insert_followup(
            book, person_id=ana, due=date(2026, 12, 1), note="send slides", every=None, now=NOW
        )
        second = store.insert_followup(
            book, person_id=ana, due=date(2026, 11, 25), note="call", every="2 weeks", now=NOW
        )
        third = store.insert_followup(
            book, person_id=carla, due=date(2026, 11, 24), note="", every=None, now=NOW
        )
    f = store.followup(book, second)
    assert f is not None
    assert (f.id, f.person_id, f.person_name, f.due, f.note, f.every, f.state, f.closed_at) == (
        second,
        ana,
        "Ana Ruiz",
        "2026-11-25",
        "call",
        "2 weeks",
        "open",
        None,
    )
    assert store.followup(book, third + 1) is None
    owed = store.open_followups_of(book, [ana])
    assert [(r.id, r.person_name, r.due, r.note) for r in owed] == [
        (second, "Ana Ruiz", "2026-11-25", "call"),
        (first, "Ana Ruiz", "2026-12-01", "send slides"),
    ]
    with db.transaction(book, record=False):
        store.move_followup(book, second, due=date(2026, 12, 9), every=None)
        store.close_followups(book, [first, third], state="done", now=NOW)
    moved = store.followup(book, second)
    assert moved is not None
    assert (moved.due, moved.every) == ("2026-12-09", None)
    assert [r.id for r in store.followups(book, person_id=None, state="open")] == [second]
    assert [r.id for r in store.followups(book, person_id=ana, state="all")] == [first, second]
    done = store.done_followups(book, ana, limit=None)
    assert [(r.id, r.state, db.from_db_time(r.closed_at)) for r in done] == [(first, "done", NOW)]
    assert store.done_followups(book, ana, limit=0) == []


def test_kinds_are_counted_by_name(book: sqlite3.Connection) -> None:
    ana = pid(book, "Ana Ruiz")
    with db.transaction(book, record=False):
        for at, kind in ((AT, "coffee"), (NOW, "coffee"), (AT, "podcast")):
            store.add_participants(
                book, store.insert_interaction(book, at=at, kind=kind, note="", now=NOW), [ana]
            )
    assert store.kind_used(book, "podcast")
    assert not store.kind_used(book, "call")
    assert sorted(store.used_kinds(book)) == ["coffee", "podcast"]
    usage = {r.kind: (r.interactions, db.from_db_time(r.last_at)) for r in store.kind_usage(book)}
    assert usage == {"coffee": (2, NOW), "podcast": (1, AT)}


@pytest.mark.sqlite_only(reason="calls the SQLite variant of the store's function (*_sqlite)")
def test_who_may_be_due_reads_local_days(book: sqlite3.Connection, auckland: None) -> None:
    """A contact at 11:00 UTC on the 22nd is the 23rd in Auckland: the store's local days
    are the zone's, as Python's are."""
    ben, carla = pid(book, "Ben Okafor"), pid(book, "Carla Diaz")
    with db.transaction(book, record=False):
        store.advance_last_contact(book, [carla], datetime(2026, 11, 22, 11, 0, tzinfo=UTC))
        store.insert_followup(
            book, person_id=ben, due=date(2026, 11, 30), note="n", every=None, now=NOW
        )
    everyone = store.due_filter(None, None)
    people = store.maybe_due_people_sqlite(
        book,
        everyone,
        met_before=date(2026, 12, 31),
        circle_bounds=[("colleague", date(2027, 1, 1))],
    )
    assert {r.name: (r.circle, r.last_contact) for r in people} == {
        "Carla Diaz": ("colleague", "2026-11-23")  # Ben has an open follow-up: it is the plan
    }
    (c,) = people
    # the day added is read only where `due` can use it (no last contact, or met at an
    # event): Carla has a last contact (test_due_json_paths2 holds the local day read)
    assert c.added is None
    assert (c.met_at, c.cadence) == (None, None)
    due = store.open_followups_due(book, everyone, by=date(2026, 11, 30))
    assert [(r.person_name, r.due, r.every) for r in due] == [("Ben Okafor", "2026-11-30", None)]
    assert store.open_followups_due(book, everyone, by=date(2026, 11, 29)) == []
    assert (
        store.open_followups_due(book, store.due_filter("colleague", None), by=date(2027, 1, 1))
        == []
    )
    oracy = store.due_filter(None, matching(book, "oracy", {}))
    none_due = store.maybe_due_people_sqlite(
        book, oracy, met_before=date(2026, 1, 1), circle_bounds=[]
    )
    assert none_due == []


def test_events_and_private_marks_by_name(book: sqlite3.Connection, pln) -> None:
    pln("add", "Dev Patel", "--met-at", "ResearchED Leeds", "--place", "Leeds")
    pln("private", "event", "ResearchED Leeds")
    pln("private", "event", "researchED 2026")
    keep = event_store.events_named(book, fold("researchED 2026"))[0].id
    (other,) = event_store.events_with_word_starting(book, "leed")
    assert other.name == "ResearchED Leeds"
    assert [e.name for e in event_store.events_with_word_starting(book, "research")] == [
        "researchED 2026",
        "ResearchED Leeds",
    ]
    e = event_store.existing_event(book, keep)
    assert (e.name, e.on, e.place, e.name_key) == (
        "researchED 2026",
        "2026-11-20",
        None,
        fold(e.name),
    )
    with pytest.raises(LookupError):
        event_store.existing_event(book, other.id + 100)
    assert event_store.other_event_named(book, fold("ResearchED Leeds"), keep).id == other.id
    (met,) = event_store.people_met_at(book, keep)
    assert (met.name, met.org, met.met_on, met.last_contact) == (
        "Ben Okafor",
        None,
        "2026-11-20",
        None,
    )
    with db.transaction(book, record=False):
        event_store.move_attendance(book, from_event=other.id, to_event=keep)
        event_store.fill_event_from(book, keep, other.id)
        # KEEP is already private: its own mark is kept, not doubled
        event_store.copy_private_event(book, fold(other.name), key=e.name_key, name=e.name)
        event_store.unmark_private_event(book, fold(other.name))
        event_store.delete_event(book, other.id)
        event_store.update_event(book, keep, {"on": None, "name": "researchED 26"})
    kept = event_store.existing_event(book, keep)
    assert (kept.name, kept.on, kept.place) == ("researchED 26", None, "Leeds")
    assert event_store.count_met_at(book, keep) == 2
    assert event_store.event_is_private(book, e.name_key)
    assert not event_store.event_is_private(book, fold(other.name))
    assert book.execute("SELECT count(*) FROM private_mark").fetchone()[0] == 1


@pytest.mark.sqlite_only(reason="calls the SQLite variant of the store's function (*_sqlite)")
def test_read_views_by_name(book: sqlite3.Connection, pln) -> None:
    pln("log", "Ana Ruiz", "Ben Okafor", "-m", "talked about oracy", "--on", "2026-11-21")
    found, attrs = view_store.people(
        book, filters={"org": "harris"}, sort="name", archived=False, kinds=None
    )
    (ana,) = found
    assert (ana.name, ana.org, ana.circle, ana.archived_at) == (
        "Ana Ruiz",
        "Harris Academy",
        "network",
        None,
    )
    assert ana.last_contact == "2026-11-21"
    assert attrs == {ana.id: {"topic": ["oracy"]}}
    everyone, _ = view_store.people(book, filters={}, sort="added", archived=False, kinds=("role",))
    assert [p.name for p in everyone] == ["Carla Diaz", "Ben Okafor", "Ana Ruiz"]
    prof = view_store.person_profile(book, pid(book, "Ben Okafor"))
    assert (prof.name, prof.met_at, prof.met_on, prof.introduced_by_id) == (
        "Ben Okafor",
        "researchED 2026",
        "2026-11-20",
        None,
    )
    assert view_store.attributes_of(book, ana.id) == {"topic": ["oracy"]}
    (event,) = view_store.events_with_counts(book)
    assert (event.name, event.on, event.met, event.no_contact_since) == (
        "researchED 2026",
        "2026-11-20",
        1,
        0,
    )
    (hit,) = view_store.search_sqlite(book, ["harr"], limit=5, archived=False)
    assert (hit.name, hit.archived) == ("Ana Ruiz", 0)
    assert "[" in hit.snippet
    assert view_store.intro_outcomes(book, ana.id) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(prefix=st.text(alphabet="ab%_\\ ", min_size=1, max_size=3))
def test_event_prefixes_match_literally(book: sqlite3.Connection, prefix: str) -> None:
    """LIKE's wildcards and escape in what was typed match themselves, nothing more."""
    names = ["a%b", "a_b", "ab", "a\\b", "b a%"]
    with db.transaction(book, record=False):
        book.execute("DELETE FROM event WHERE name LIKE 'a%' OR name LIKE 'b%'")
        for n in names:
            book.execute(
                "INSERT INTO event (name, name_key, created_at) VALUES (?, ?, ?)",
                (n, n, db.to_db_time(NOW)),
            )
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    got = {e.name for e in event_store.events_with_word_starting(book, like)}
    assert got == {n for n in names if n.startswith(prefix) or (" " + prefix) in n}


# The modules of the activity slice: services and commands that must not run SQL themselves.
CONVERTED = [
    "activity.py",
    "events.py",
    "kinds.py",
    "due.py",
    "views.py",
    "cli/activity.py",
    "cli/events.py",
    "cli/kinds.py",
]


@pytest.mark.parametrize("module", CONVERTED)
def test_the_activity_slice_runs_no_sql_of_its_own(module: str) -> None:
    text = (SRC / module).read_text(encoding="utf-8")
    assert ".execute(" not in text
    assert ".executemany(" not in text
    assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b [^\n]*\b(FROM|INTO|SET)\b", text)


SQLITE_ONLY = re.compile(
    r"INSERT OR |lastrowid|\browid\b|julianday\(|strftime\(|date\(|group_concat\(|pln_fold\("
    r"|\bMATCH\b|bm25\(|snippet\(|\bmin\(p\.",
    re.IGNORECASE,
)


@pytest.mark.parametrize("module", ["store/activity.py", "store/events.py", "store/views.py"])
def test_sqlite_only_sql_sits_in_functions_named_for_it(module: str) -> None:
    """Outside a function named ``*_sqlite``, the activity store's SQL is what both
    engines speak: no SQLite-only function, ``INSERT OR …`` or ROWID."""
    tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_sqlite"):
            allowed |= {id(n) for n in ast.walk(node)}
    offending = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in allowed
        and SQLITE_ONLY.search(node.value)
    ]
    docstrings = {
        ast.get_docstring(n, clean=False)
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.Module)
    }
    assert [s for s in offending if s not in docstrings] == []
