"""Issue 11, items 4 and 5: what `pln introduce --for` and the one-pair commands load.

`--for P` finds its candidates through P's own topics, offers, needs, event,
organisation, place and ties, and loads the topics of only the people it scores;
acting on one pair reads the topics of those two people only. Both must give exactly
what loading the whole book gives.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from plncli import introduce, render_net
from plncli import suggest as engine
from plncli.cli import app

# spellings that count as one topic (topics.py), and some that do not
TOPICS = [
    "assessment",
    "Assessments",
    "behaviour management",
    "managing behaviour",
    "oracy",
    "retrieval practice",
    "retrieval",
    "SEND",
]
ORGS = ["Hillside", "hillside", "Oak Academy"]  # the same organisation, in another case
PLACES = ["Leeds", "LEEDS", "York"]
EVENTS = ["ResearchEd", "BETT"]

person = st.fixed_dictionaries(
    {
        "topic": st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
        "offers": st.lists(st.sampled_from(TOPICS), max_size=1),
        "seeks": st.lists(st.sampled_from(TOPICS), max_size=1),
        "org": st.none() | st.sampled_from(ORGS),
        "location": st.none() | st.sampled_from(PLACES),
        "met-at": st.none() | st.sampled_from(EVENTS),
        "circle": st.sampled_from(["network", "network", "colleague", "following"]),
    }
)
N = 9
book_shape = st.fixed_dictionaries(
    {
        "people": st.lists(person, min_size=N, max_size=N),
        "ties": st.lists(
            st.tuples(st.integers(1, N), st.integers(1, N)).filter(lambda t: t[0] != t[1]),
            max_size=14,
        ),
        "archived": st.lists(st.integers(1, N), max_size=2, unique=True),
        "introduced": st.lists(
            st.tuples(st.integers(1, N), st.integers(1, N)).filter(lambda t: t[0] != t[1]),
            max_size=2,
        ),
    }
)


def _make_book(pln: Any, db: str, shape: dict[str, Any]) -> None:
    for i, p in enumerate(shape["people"], start=1):
        args = [f"Person {chr(64 + i)}"]
        for option in ("topic", "offers", "seeks"):
            for value in p[option]:
                args += [f"--{option}", value]
        for option in ("org", "location", "met-at"):
            if p[option] is not None:
                args += [f"--{option}", p[option]]
        pln("--db", db, "add", *args, "--circle", p["circle"])
    for a, b in shape["ties"]:
        pln("--db", db, "knows", f"#{a}", f"#{b}")
    for a, b in shape["introduced"]:
        argv = ["--db", db, "introduce", f"#{a}", f"#{b}", "--include-following"]
        done = pln.runner.invoke(app, argv)
        assert done.exit_code in (0, 5), done.stderr  # 5: already tied or introduced
    for a in shape["archived"]:
        pln("--db", db, "archive", f"#{a}")


def _whole_book(db: str, following: bool) -> tuple[sqlite3.Connection, engine.Book]:
    conn = sqlite3.connect(db)
    today = date(2026, 11, 23)  # conftest's PLN_NOW
    return conn, engine.Book(conn, include_following=following, today=today, synonyms={})


@pytest.mark.sqlite_only(
    reason="a new SQLite file (--db) for each hypothesis example, read with sqlite3"
)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    shape=book_shape,
    who=st.integers(1, N),
    limit=st.integers(1, 6),
    per_person=st.integers(1, 3),
    following=st.booleans(),
    topic=st.none() | st.sampled_from(["assessment", "behaviour", "retrieval practice"]),
)
def test_for_lists_what_loading_the_whole_book_lists(
    pln: Any,
    shape: dict[str, Any],
    who: int,
    limit: int,
    per_person: int,
    following: bool,
    topic: str | None,
) -> None:
    # --for someone archived or only followed is refused either way (tested elsewhere)
    assume(who not in shape["archived"])
    assume(following or shape["people"][who - 1]["circle"] != "following")
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pln.db")
        _make_book(pln, db, shape)
        args = ["--db", db, "introduce", "--for", f"#{who}", "--limit", str(limit)]
        args += ["--per-person", str(per_person)] + (["--include-following"] if following else [])
        args += [] if topic is None else ["--topic", topic]
        shown = pln.json(*args)
        conn, whole = _whole_book(db, following)
        try:

            def lists(book: engine.Book) -> list[engine.Suggestion]:
                return engine.suggestions(
                    book, focus=who, topic=topic, limit=limit, per_person=per_person
                )

            expected = lists(whole)
            assert shown == [render_net.suggestion_json(s) for s in expected]
            # and why the introductions are empty, when they are, is said the same way
            scoped = engine.Book(
                conn, include_following=following, today=date(2026, 11, 23), focus=who
            )
            found = lists(scoped)
            assert found == expected
            assert introduce.why_none(conn, scoped, found, focus=who, topic=topic) == (
                introduce.why_none(conn, whole, expected, focus=who, topic=topic)
            )
        finally:
            conn.close()


@pytest.mark.sqlite_only(
    reason="a new SQLite file (--db) for each hypothesis example, read with sqlite3"
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(shape=book_shape, a=st.integers(1, N), b=st.integers(1, N))
def test_one_pair_is_scored_as_over_the_whole_book(
    pln: Any, shape: dict[str, Any], a: int, b: int
) -> None:
    assume(a != b)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pln.db")
        shape = {**shape, "introduced": [], "archived": []}
        _make_book(pln, db, shape)
        conn, whole = _whole_book(db, True)
        try:
            x, y = whole.people[min(a, b)], whole.people[max(a, b)]
            expected = engine.score_pair(whole, x, y)
            drafts = pln.json("--db", db, "introduce", f"#{a}", f"#{b}", "--draft")
            assert [d["message"] for d in drafts] == [
                m for _, m in introduce.drafts(whole, x if a < b else y, y if a < b else x)
            ]
            if y.id in whole.neighbours.get(x.id, set()):
                return  # already tied: recording is refused
            recorded = pln.json("--db", db, "introduce", f"#{a}", f"#{b}", "--include-following")
        finally:
            conn.close()
    assert recorded["reasons"] == (expected.reasons if expected else [])
    assert recorded["evidence"] == (list(dict.fromkeys(expected.evidence)) if expected else [])


# ---------------------------------------------------------------- what one pair reads


class _Recording:
    """A connection that keeps every row its statements hand back, with the statement."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.fetched: list[tuple[str, tuple[Any, ...]]] = []

    def execute(self, sql: str, params: Any = ()) -> Any:
        return _Cursor(self, sql, self.conn.execute(sql, params))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


class _Cursor:
    def __init__(self, owner: _Recording, sql: str, cursor: Any) -> None:
        self.owner, self.sql, self.cursor = owner, sql, cursor

    def _kept(self, found: Any) -> Any:
        self.owner.fetched.append((self.sql, tuple(found)))
        return found

    def fetchall(self) -> list[Any]:
        return [self._kept(r) for r in self.cursor.fetchall()]

    def fetchone(self) -> Any:
        found = self.cursor.fetchone()
        return None if found is None else self._kept(found)

    def __iter__(self) -> Iterator[Any]:
        return (self._kept(r) for r in self.cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cursor, name)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[_Recording]:
    """The connections each Book of `pln introduce` and `pln intro` reads through."""
    books: list[_Recording] = []
    real = engine.Book

    def recording_book(conn: Any, **kwargs: Any) -> engine.Book:
        books.append(_Recording(conn))
        return real(books[-1], **kwargs)  # type: ignore[arg-type]

    # intro_commands imports Book where it loads one (suggest.Book, as it is then)
    monkeypatch.setattr(engine, "Book", recording_book)
    return books


def _person_rows(rec: _Recording) -> set[int]:
    """Whose person rows were fetched."""
    return {r[0] for sql, r in rec.fetched if sql.lstrip().startswith("SELECT id, name")}


def _mentions(rec: _Recording, word: str) -> bool:
    """Whether a row that names someone (more than one column: the book's list of distinct
    topics is one) handed back a topic with this word."""
    return any(
        word in value for _, r in rec.fetched if len(r) > 1 for value in r if isinstance(value, str)
    )


def test_one_pair_reads_the_topics_of_the_two_people_only(
    pln: Any, recorded: list[_Recording]
) -> None:
    topics = ["--topic", "oracy", "--topic", "chess", "--offers", "retrieval"]
    pln("add", *[f"Other {i} Person" for i in range(30)], *topics, "--org", "Hillside")
    pln("add", "Ana Ruiz", "--seeks", "retrieval", "--topic", "oracy", "--org", "Hillside")
    pln("add", "Ben Okafor", "--offers", "assessment", "--topic", "oracy")
    ana, ben = 31, 32
    for x in ("Ana", "Ben"):  # two acquaintances in common, who hold topics of their own
        pln("knows", "#1", x)
        pln("knows", "#2", x)
    pln("knows", "#3", "Ana")
    before = len(recorded)
    drafts = pln.json("introduce", "Ana", "Ben", "--draft")
    assert "Ana" in drafts[1]["message"]
    done = pln.json("introduce", "Ana", "Ben")
    assert "2 people you know know both" in done["reasons"]
    assert "both at Hillside" not in done["reasons"]
    pln("intro", "asked", "Ana", "Ben")
    books = recorded[before:]
    assert len(books) == 3  # the draft, the record and the ask
    for rec in books:
        topics_of = {r[0] for sql, r in rec.fetched if sql.lstrip().startswith("SELECT person_id")}
        assert topics_of == {ana, ben}
        assert not _mentions(rec, "chess")  # no acquaintance's topics
        # person rows: the two, and whom they know (named in "X knows both")
        assert _person_rows(rec) == {ana, ben, 1, 2, 3}


def test_for_reads_the_topics_of_the_people_it_scores_only(
    pln: Any, recorded: list[_Recording]
) -> None:
    # Ana's five acquaintances are never suggested to her (they are tied): their rows are
    # read (to name them in reasons), their topics are not
    pln("add", *[f"Near {i} Person" for i in range(20)], "--topic", "oracy")
    pln("add", *[f"Far {i} Person" for i in range(20)], "--topic", "assessment")
    pln("add", *[f"Friend {i} Person" for i in range(5)], "--topic", "chess")
    pln("add", "Ana Ruiz", "--topic", "oracy")
    for i in range(5):
        pln("knows", "Ana", f"Friend {i}")
    pln("knows", "Near 0", "Friend 0")  # "Friend 0 knows both"
    shown = pln.json("introduce", "--for", "Ana", "--limit", "3")
    intro = [s["a"]["name"] for s in shown if s["kind"] == "introduce"]
    assert intro == ["Near 1 Person", "Near 10 Person", "Near 11 Person"]
    know = [s for s in shown if s["kind"] == "already-know?"]
    assert know[0]["a"]["name"] == "Near 0 Person"
    assert know[0]["reasons"] == ["both work on oracy", "Friend 0 Person knows both"]
    [rec] = recorded
    assert not _mentions(rec, "chess")
    assert not _mentions(rec, "assessment")
    assert _person_rows(rec) == set(range(1, 21)) | set(range(41, 47))
