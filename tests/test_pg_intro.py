"""Introductions on a shared book (PostgreSQL): `pln introduce` (the whole book, --for or
one name, --topic, recording a pair, --draft, --dismiss), `pln intros` and `pln intro
asked|made|declined|outcome`, each script run on a SQLite book and on PostgreSQL with every
command printing the same and exiting the same (``on_both``), good input and bad; then what
is stored, `pln undo` of each write, the fast path (``fast_intro.py``) on a shared book,
and a member who may only read. Skipped, with one line, without a server."""

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error
from plncli import fast
from plncli.migrations import UNDONE_TABLES
from test_pg_commands import _db, _run, on_both

psycopg = pytest.importorskip("psycopg")

# A small network: a complementary pair (Ana seeks what Ben offers), a shared organisation
# written in two cases (Ana and Carla), an event (Dev and Eve), a place (Finn and Hana),
# and someone you only follow (Gus).
BOOK = [
    ["add", "Ana Ruiz", "--topic", "assessment", "--seeks", "retrieval practice"]
    + ["--org", "Hillside Academy", "--circle", "colleague"],
    ["add", "Ben Okafor", "--offers", "retrieval practice", "--topic", "assessment"]
    + ["--org", "Northfield"],
    ["add", "Carla Núñez", "--topic", "assessment", "--org", "HILLSIDE academy"],
    ["add", "Dev Patel", "--topic", "reading", "--met-at", "ResearchEd", "--on", "2026-11-01"],
    ["add", "Eve Stone", "--topic", "reading", "--seeks", "phonics", "--met-at", "ResearchEd"]
    + ["--on", "2026-11-01"],
    ["add", "Finn Lee", "--offers", "phonics", "--location", "Leeds", "--topic", "oracy"],
    ["add", "Gus Berg", "--circle", "following", "--offers", "assessment"],
    ["add", "Hana Ito", "--location", "leeds", "--topic", "reading", "--topic", "oracy"],
    # one school written with and without capitals off A-Z: SQLite's case-blind comparison
    # folds A-Z only, so neither engine counts them as one organisation when it counts
    ["add", "Íñigo Sanz", "--org", "ÉCOLE Nord", "--topic", "maths", "--offers", "chess"],
    ["add", "Jo Marsh", "--org", "école nord", "--topic", "maths", "--seeks", "chess"],
]

SUGGEST = [
    ["introduce"],
    ["introduce", "--json"],
    ["introduce", "--for", "Ana"],
    ["introduce", "Ana"],
    ["introduce", "Eve", "--json"],
    ["introduce", "--for", "Finn"],
    ["introduce", "--topic", "assessment"],
    ["introduce", "--topic", "reading", "--json"],
    ["introduce", "--for", "Carla", "--topic", "assessment"],
    ["introduce", "--include-following"],
    ["introduce", "--for", "Gus", "--include-following", "--json"],
    ["introduce", "--limit", "1", "--per-person", "1"],
    ["introduce", "Ana", "Ben", "--draft"],
    ["introduce", "Eve", "Finn", "--draft", "--json"],
    ["introduce", "--for", "Íñigo", "--json"],
    ["introduce", "Íñigo", "Jo", "--draft"],
]

WORKFLOW = [
    ["introduce", "Ana", "Ben", "-m", "both trialling retrieval practice"],  # recorded
    ["intros"],
    ["intros", "--state", "suggested", "--json"],
    ["intro", "asked", "Ana", "Ben"],
    ["intro", "asked", "Ben", "Ana", "--json"],
    ["intros", "--state", "asked"],
    ["due", "--within", "30d"],  # the follow-ups chasing each answer
    ["intro", "made", "Ana", "Ben"],
    ["intro", "outcome", "Ana", "Ben", "connected", "-m", "co-running a trial"],
    ["intro", "outcome", "Ana", "Ben", "nothing", "--json"],  # replaces it, and says so
    ["introduce", "Eve", "Finn", "--json"],
    ["intro", "declined", "Eve", "Finn"],
    ["introduce", "Hana", "Finn"],
    ["intro", "made", "Hana", "Finn", "--json"],  # made with no one asked first
    ["introduce", "Dev", "Hana"],
    ["introduce", "Eve", "Hana", "--json"],
    # two asked at the same moment, the later-recorded first: listed in the order recorded
    ["intro", "asked", "Hana", "Eve"],
    ["intro", "asked", "Dev", "Hana"],
    ["introduce", "Dev", "Eve", "--dismiss", "--until", "in 3 months"],
    ["introduce", "Carla", "Ben", "--dismiss"],
    ["introduce"],  # what is recorded, declined or dismissed is not suggested again
    ["introduce", "--for", "Dev"],  # and says why there is nothing
    ["intros"],
    ["intros", "--json"],
    ["intros", "--state", "declined"],
    ["show", "Ana", "--json"],  # the tie, the note, the interaction of `intro made`
    ["reminders", "--state", "all"],
    ["due", "--within", "60d", "--json"],
]

BAD = [
    ["introduce", "Zed", "Ana"],  # no such person: 3
    ["introduce", "Ana", "Zed", "--draft"],
    ["introduce", "--for", "Zed"],
    ["introduce", "Ana", "Ana"],  # the same person twice: 2
    ["introduce", "Ana", "#1"],
    ["intro", "asked", "Ben", "Ben"],
    ["intro", "outcome", "Ana", "Ben", "maybe"],  # a bad outcome word: 2
    ["introduce", "Dev", "Eve", "--dismiss", "--until", "the day after never"],  # bad --until
    ["introduce", "Dev", "Eve", "--dismiss", "--until", "yesterday"],  # not in the future
    ["introduce", "Dev", "Eve", "--until", "tomorrow"],  # --until without --dismiss
    ["introduce", "Ana", "--draft"],  # one person
    ["introduce", "Ana", "--for", "Ben"],
    ["introduce", "Ana", "Ben", "Carla"],  # three
    ["introduce", "--topic", "  "],
    ["introduce", "--for", "Gus"],  # only followed
    ["introduce", "Ana", "Gus"],
    ["intros", "--state", "bogus"],
    ["intro", "declined", "Zed", "Ana"],
    ["intro", "outcome", "Carla", "Dev", "connected"],  # no introduction recorded
    ["intro", "made", "Ana", "Ben"],
    ["intro", "asked", "Ana Ruis", "Ben"],  # a close spelling, in a script: refused
]


def _codes(script: list[list[str]], results: list[Any]) -> dict[str, int]:
    return {" ".join(argv): r.exit_code for argv, r in zip(script, results, strict=True)}


# What the introductions' commands store, by names (ids may skip on a shared book), in SQL
# both engines read the same way (days and instants as text, truth values as 0 or 1).
STORED = {
    "intros": "SELECT a.name, b.name, i.state, i.note, i.asked_a_at IS NOT NULL,"
    " i.asked_b_at IS NOT NULL, i.made_at IS NOT NULL, i.declined_at IS NOT NULL, i.outcome,"
    " i.outcome_note FROM introduction i JOIN person a ON a.id = i.a_id"
    " JOIN person b ON b.id = i.b_id ORDER BY a.name, b.name",
    "dismissals": "SELECT a.name, b.name, CAST(d.until AS TEXT) FROM dismissal d"
    " JOIN person a ON a.id = d.a_id JOIN person b ON b.id = d.b_id ORDER BY a.name",
    "ties": "SELECT a.name, b.name, t.source FROM tie t JOIN person a ON a.id = t.a_id"
    " JOIN person b ON b.id = t.b_id ORDER BY a.name",
    "followups": "SELECT p.name, f.note, f.state, CAST(f.due AS TEXT), x.purpose FROM followup f"
    " JOIN person p ON p.id = f.person_id JOIN intro_followup x ON x.followup_id = f.id"
    " ORDER BY p.name, x.purpose, f.due",
    "notes": "SELECT name, notes FROM person WHERE notes != '' ORDER BY name",
    "interactions": "SELECT i.kind, i.note, count(*) FROM interaction i JOIN interaction_person"
    " ip ON ip.interaction_id = i.id GROUP BY i.kind, i.note ORDER BY i.note",
}


def _stored(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url) as conn:
        return {k: [tuple(r) for r in conn.execute(sql).fetchall()] for k, sql in STORED.items()}


def _stored_sqlite(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {k: conn.execute(sql).fetchall() for k, sql in STORED.items()}
    finally:
        conn.close()


def _dump(url: str) -> dict[str, list[str]]:
    """Every row of every table `pln undo` restores, on the shared book."""
    with psycopg.connect(url) as conn:
        return {
            t: sorted(repr(tuple(r)) for r in conn.execute(f"SELECT * FROM {t}").fetchall())
            for t in UNDONE_TABLES
        }


def _changes(url: str) -> int:
    with psycopg.connect(url) as conn:
        return int(conn.execute("SELECT count(*) FROM change_log").fetchone()[0])


def test_suggestions_say_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    results = on_both(pln, tmp_path, pg_url, BOOK + SUGGEST)[len(BOOK) :]
    assert [r.exit_code for r in results] == [0] * len(SUGGEST), [r.stderr for r in results]
    said = {" ".join(argv): r.stdout for argv, r in zip(SUGGEST, results, strict=True)}
    assert "Ana Ruiz + Ben Okafor" in said["introduce"]  # the complementary pair
    assert "both at Hillside Academy" in said["introduce"]  # one organisation, in two cases
    assert "both met at ResearchEd" in said["introduce"]
    assert "both in Leeds" in said["introduce"]
    assert "Gus Berg" not in said["introduce"]
    assert "Gus Berg" in said["introduce --include-following"]
    assert said["introduce Ana"] == said["introduce --for Ana"]
    for_gus = json.loads(said["introduce --for Gus --include-following --json"])
    assert for_gus
    assert all("Gus Berg" in (s["a"]["name"], s["b"]["name"]) for s in for_gus)
    reading = json.loads(said["introduce --topic reading --json"])
    assert {s["reasons"][0] for s in reading} == {"both work on reading"}
    drafts = json.loads(said["introduce Eve Finn --draft --json"])
    assert [d["to"] for d in drafts] == ["Eve Stone", "Finn Lee"]
    # suggestions and drafts write nothing
    assert _stored(pg_url)["intros"] == []
    assert _changes(pg_url) == len(BOOK)


def test_the_introduction_workflow_says_and_stores_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    results = on_both(pln, tmp_path, pg_url, BOOK + WORKFLOW)[len(BOOK) :]
    assert [r.exit_code for r in results] == [0] * len(WORKFLOW), [r.stderr for r in results]
    out = {" ".join(argv): r for argv, r in zip(WORKFLOW, results, strict=True)}
    assert (
        "replaces the earlier outcome 'connected'"
        in out["intro outcome Ana Ben nothing --json"].stderr
    )
    listed = [
        (i["a"]["name"], i["b"]["name"], i["state"])
        for i in json.loads(out["intros --json"].stdout)
    ]
    assert listed == [  # asked, suggested, made, declined; the first recorded first at one instant
        ("Dev Patel", "Hana Ito", "asked"),
        ("Eve Stone", "Hana Ito", "asked"),
        ("Ana Ruiz", "Ben Okafor", "made"),
        ("Finn Lee", "Hana Ito", "made"),
        ("Eve Stone", "Finn Lee", "declined"),
    ]
    assert (
        "Waiting: did Ana Ruiz answer about meeting Ben Okafor?" in out["due --within 30d"].stdout
    )
    assert out["introduce --for Dev"].stdout.startswith("No introductions to suggest for Dev Patel")
    # what is stored on the shared book, by names: the same as on the personal one
    stored = _stored(pg_url)
    assert stored == _stored_sqlite(tmp_path / "book.db")
    intros = {(r[0], r[1]): r[2:] for r in stored["intros"]}
    assert intros[("Ana Ruiz", "Ben Okafor")] == (
        "made",
        "both trialling retrieval practice",
        True,  # asked a
        True,  # asked b
        True,  # made
        False,  # declined
        "nothing",
        "earlier (2026-11-23): connected — co-running a trial",
    )
    assert intros[("Eve Stone", "Finn Lee")][:1] + intros[("Eve Stone", "Finn Lee")][5:7] == (
        "declined",
        True,
        None,
    )
    assert stored["dismissals"] == [
        ("Ben Okafor", "Carla Núñez", None),
        ("Dev Patel", "Eve Stone", "2027-02-23"),
    ]
    assert stored["ties"] == [
        ("Ana Ruiz", "Ben Okafor", "introduction"),
        ("Finn Lee", "Hana Ito", "introduction"),
    ]
    assert (
        "Finn Lee",
        "Check in: did Finn Lee and Hana Ito connect?",
        "open",
        "2026-12-14",
        "check-in",
    ) in stored["followups"]
    assert stored["interactions"] == [
        ("introduction", "Introduced Ana Ruiz and Ben Okafor", 2),
        ("introduction", "Introduced Finn Lee and Hana Ito", 2),
    ]


def test_bad_input_is_refused_in_one_line_and_changes_nothing_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    ready = BOOK + WORKFLOW[:1] + WORKFLOW[7:8]  # Ana and Ben: recorded, then made
    results = on_both(pln, tmp_path, pg_url, ready + BAD)
    assert [r.exit_code for r in results[: len(ready)]] == [0] * len(ready)
    results = results[len(ready) :]
    assert _codes(BAD, results) == {
        "introduce Zed Ana": 3,
        "introduce Ana Zed --draft": 3,
        "introduce --for Zed": 3,
        "introduce Ana Ana": 2,
        "introduce Ana #1": 2,
        "intro asked Ben Ben": 2,
        "intro outcome Ana Ben maybe": 2,
        "introduce Dev Eve --dismiss --until the day after never": 2,
        "introduce Dev Eve --dismiss --until yesterday": 2,
        "introduce Dev Eve --until tomorrow": 2,
        "introduce Ana --draft": 2,
        "introduce Ana --for Ben": 2,
        "introduce Ana Ben Carla": 2,
        "introduce --topic   ": 2,
        "introduce --for Gus": 2,
        "introduce Ana Gus": 2,
        "intros --state bogus": 2,
        "intro declined Zed Ana": 3,
        "intro outcome Carla Dev connected": 3,
        "intro made Ana Ben": 2,
        "intro asked Ana Ruis Ben": 3,
    }
    lines = {" ".join(argv): assert_clean_error(r) for argv, r in zip(BAD, results, strict=True)}
    assert lines["introduce Zed Ana"] == "error: no one matches 'Zed'"
    assert lines["introduce Ana Ana"] == "error: cannot introduce Ana Ruiz to themselves"
    assert lines["intro asked Ben Ben"] == "error: cannot introduce Ben Okafor to themselves"
    assert lines["intro outcome Ana Ben maybe"] == "error: outcome 'maybe' is not known"
    assert lines["introduce Dev Eve --dismiss --until yesterday"] == (
        "error: --until 'yesterday' is not in the future"
    )
    assert lines["introduce Dev Eve --dismiss --until the day after never"].startswith(
        "error: --until: could not read 'the day after never' as a date"
    )
    # each refusal leaves the shared book exactly as it was: no row, no history
    assert _changes(pg_url) == len(ready)
    for argv in BAD:
        before = _dump(pg_url)
        assert _run(pln, pg_url, argv).exit_code in (2, 3)
        assert (_dump(pg_url), _changes(pg_url)) == (before, len(ready)), argv


# --- pln undo of each write -------------------------------------------------------------

# Each write, in an order that makes the next possible; each is undone, checked, and redone.
WRITES = [
    ["introduce", "Ana", "Ben", "-m", "both trialling retrieval practice"],
    ["intro", "asked", "Ana", "Ben"],
    ["intro", "asked", "Ben", "Ana"],
    ["intro", "made", "Ana", "Ben"],
    ["intro", "outcome", "Ana", "Ben", "connected", "-m", "co-running a trial"],
    ["intro", "outcome", "Ana", "Ben", "nothing"],
    ["introduce", "Eve", "Finn"],
    ["intro", "declined", "Eve", "Finn"],
    ["introduce", "Dev", "Eve", "--dismiss", "--until", "in 3 months"],
    ["introduce", "Dev", "Eve", "--dismiss"],  # for good now: the dismissal is updated
    ["introduce", "Dev", "Eve"],  # recording a dismissed pair lifts the dismissal
]


def test_each_write_is_undone_on_a_shared_book(pln: Any, tmp_path: Path, pg_url: str) -> None:
    on_both(pln, tmp_path, pg_url, BOOK)
    for argv in WRITES:
        before, shown = _dump(pg_url), pln.json("--db", pg_url, "intros")
        pln("--db", pg_url, *argv)
        assert _dump(pg_url) != before, argv
        undone = pln("--db", pg_url, "undo", "--yes")
        said = undone.stdout + undone.stderr
        assert " ".join(argv[:2]) in said, (argv, said)
        assert _dump(pg_url) == before, argv
        assert pln.json("--db", pg_url, "intros") == shown
        pln("--db", pg_url, *argv)  # and again, for the next write
    # every write and every undo is in the history, each undone write marked so
    with psycopg.connect(pg_url) as conn:
        kinds = conn.execute(
            "SELECT kind, undone_at IS NOT NULL, count(*) FROM change_log"
            " GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    assert kinds == [
        ("change", False, len(BOOK) + len(WRITES)),
        ("change", True, len(WRITES)),
        ("undo", False, len(WRITES)),
    ]
    assert _stored(pg_url)["dismissals"] == []
    assert len(_stored(pg_url)["intros"]) == 3


@pytest.mark.slow
def test_an_introductions_write_waits_for_the_books_write_lock(pln: Any, pg_url: str) -> None:
    """Each write is one transaction that first takes the book's write lock: while another
    member holds it past the lock timeout, the write is refused (exit 6) and nothing lands."""
    from plncli.store.pg import WRITE_LOCK

    pln("db", "init", pg_url)
    for argv in BOOK[:2]:
        pln("--db", pg_url, *argv)
    before = _dump(pg_url)
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        result = pln("--db", pg_url, "introduce", "Ana", "Ben", code=6)
        assert "Ana Ruiz + Ben Okafor" in pln("--db", pg_url, "introduce").stdout  # reads go on
        holder.rollback()
    line = assert_clean_error(result)
    assert line == "error: the shared book is busy (other members are writing)"
    assert (_dump(pg_url), _changes(pg_url)) == (before, 2)


# --- the fast path on a shared book --------------------------------------------------------


def _as_pln(pln: Any, capsys: Any, book: str, argv: list[str]) -> tuple[Any, str, str, int]:
    """What `pln --db BOOK ARGV` does: the fast path, else the Typer app.
    (what the fast path returned, stdout, stderr, exit code)"""
    capsys.readouterr()
    served = fast.run(["--db", book, *argv])
    got = capsys.readouterr()
    if served is not None:
        return served, got.out, got.err, served
    assert (got.out, got.err) == ("", ""), "a command handed to Typer printed nothing"
    typer = _run(pln, book, argv)
    return None, typer.stdout, typer.stderr, typer.exit_code


FAST = [
    (["introduce"], 0),
    (["introduce", "--for", "Ana", "--json"], 0),
    (["introduce", "Eve", "--topic", "reading"], 0),
    (["introduce", "Ana", "Ben", "--draft"], 0),
    (["introduce", "Ana", "Ben", "-m", "fast"], 0),
    (["intro", "asked", "Ana", "Ben", "--json"], 0),
    (["intro", "made", "Ana", "Ben"], 0),
    (["intro", "outcome", "Ana", "Ben", "connected"], 0),
    (["introduce", "Dev", "Eve", "--dismiss", "--until", "in 2 weeks"], 0),
    (["intro", "outcome", "Ana", "Ben", "maybe"], None),  # errors: Typer words them
    (["introduce", "Zed", "Ana"], None),
    (["introduce", "Ana Ruis", "Ben"], None),  # a close spelling in a write: Typer asks
]


def test_the_fast_path_serves_a_shared_book_as_a_personal_one(
    pln: Any,
    tmp_path: Path,
    pg_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on_both(pln, tmp_path, pg_url, BOOK)
    lite = str(tmp_path / "book.db")
    for argv, served in FAST:
        on_lite, on_pg = _as_pln(pln, capsys, lite, argv), _as_pln(pln, capsys, pg_url, argv)
        assert on_pg == on_lite, argv
        assert on_pg[0] == served, (argv, on_pg)
    assert _stored(pg_url) == _stored_sqlite(tmp_path / "book.db")
    assert _stored(pg_url)["intros"][0][:3] == ("Ana Ruiz", "Ben Okafor", "made")
    # and a shared book named by PLN_DB
    monkeypatch.setenv("PLN_DB", pg_url)
    capsys.readouterr()
    assert fast.run(["introduce", "--for", "Eve"]) == 0
    assert capsys.readouterr().out == _run(pln, pg_url, ["introduce", "--for", "Eve"]).stdout
    commands = [e["command"] for e in pln.json("--db", pg_url, "history")]
    assert commands[0].endswith("introduce Dev Eve --dismiss --until 'in 2 weeks'")


def test_a_bug_on_the_fast_path_is_reported_on_a_shared_book_not_hidden(
    pln: Any, tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    """An exception that is no user's error is a bug, said as one (never run again by
    Typer); a server's refusal is handed to Typer, which words it."""
    from plncli.store.index import topic_keys_of_people as working

    on_both(pln, tmp_path, pg_url, BOOK)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setattr("plncli.store.index.topic_keys_by_person_pg", broken)
    capsys.readouterr()
    assert fast.run(["--db", pg_url, "introduce"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: internal error (KeyError); this is a bug in pln")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise psycopg.errors.UndefinedTable("no such table")

    # one pair reads the two people's topics alone (store.index.topic_keys_of_people)
    monkeypatch.setattr("plncli.store.index.topic_keys_of_people", refused)
    assert fast.run(["--db", pg_url, "introduce", "Ana", "Ben"]) is None
    assert capsys.readouterr() == ("", "")
    assert _changes(pg_url) == len(BOOK)
    # after the write committed, the fast path reports the trouble itself: never twice
    monkeypatch.setattr("plncli.store.index.topic_keys_of_people", working)
    monkeypatch.setattr("plncli.intro_commands.report_intro", refused)
    assert fast.run(["--db", pg_url, "introduce", "Ana", "Ben"]) == 7
    line = capsys.readouterr().err.splitlines()[0]
    assert line == "error: the PostgreSQL server refused pln's request (42P01)"
    assert [r[:3] for r in _stored(pg_url)["intros"]] == [("Ana Ruiz", "Ben Okafor", "suggested")]
    assert _changes(pg_url) == len(BOOK) + 1


def test_a_member_who_only_reads_gets_suggestions_and_is_refused_a_write(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    pln("db", "init", pg_url)
    for argv in BOOK:
        pln("--db", pg_url, *argv)
    db = _db(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{db}_cleo" LOGIN IN ROLE "{db}_read"')
    cleo = str(pg_server.url_for(db, user=f"{db}_cleo"))
    # --for and a pair fill temporary tables: a member who may only read may still
    assert pln("--db", cleo, "introduce", "--for", "Ana").stdout == (
        pln("--db", pg_url, "introduce", "--for", "Ana").stdout
    )
    assert "Hi Ana," in pln("--db", cleo, "introduce", "Ana", "Ben", "--draft").stdout
    result = pln("--db", cleo, "introduce", "Ana", "Ben", code=7)
    assert assert_clean_error(result) == "error: your PostgreSQL role may not change this book"
    assert _stored(pg_url)["intros"] == []
    assert _changes(pg_url) == len(BOOK)


def test_suggestions_load_people_in_id_order_on_a_shared_book(pln: Any, pg_url: str) -> None:
    """PostgreSQL reads a table in its heap's order, where an updated row moves; the
    suggestions' walk breaks ties in the order people are loaded, as on SQLite (by id)."""
    from plncli.store import index
    from plncli.store.pg import connect

    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz", "Ben Okafor", "Carla Núñez", "--topic", "reading")
    pln("--db", pg_url, "log", "Ana", "-m", "Coffee")  # Ana's row is rewritten: it moves
    with psycopg.connect(pg_url) as conn:
        heap = [r[0] for r in conn.execute("SELECT id FROM person").fetchall()]
    assert heap == [2, 3, 1]  # the order a statement with no ORDER BY gets
    conn = connect(pg_url)
    try:
        loaded = [p[0] for p in index.people(conn, following=False, scoped=False)]  # type: ignore[arg-type]
    finally:
        conn.close()
    assert loaded == [1, 2, 3]
