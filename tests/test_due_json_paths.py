"""`pln due --json` at 10,000 people (issue 13, item 6): the share hints a reconnect gets are
looked for with only what they need, and what the user gets stays the same.

- The resources added lately are read once (the hints used to read them a second time).
- Each of their topics is graded once against the reconnects' topics (the resources added
  lately often share a topic: the benchmark's 13 have two), not once per resource.
- The hints load neither ``resources.py`` nor its rules: ``sharing.share_hints`` gives
  (resource id, title), what the JSON and the table print.
- The people who may be due are made as the tuples they are (``due.load_due_inputs``).
- The birthdays' rules (``birthdays.py``) load only when birthdays are asked for.
- A topic's grade stems only the stored words that can match (``topics.grade``).
- The JSON is passed over for controls to escape (``text.json_safe``) only when the names
  and words in it have one.

The hints are held to the rule they had, written here plainly (``_hints_as_before``: every
recent resource graded on its own), on open-ended books; the fast path's JSON to Typer's,
on both engines. No timings: benchmarks/run.py measures.
"""

import io
import json
import sqlite3
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import shared_book
from plncli import fast, render, topics
from plncli.context import AppContext
from plncli.db import to_db_time
from plncli.due import (
    RECENT_DAYS,
    OpenFollowUp,
    PersonState,
    items_of,
    load_due_inputs,
    ranked_due,
)
from plncli.resolve import PersonRef
from plncli.settings import DEFAULT_CADENCE
from plncli.store import resources as store
from plncli.text import topic_key
from test_read_speed_more import _loaded

LONG_AGO = "2025-06-02T10:00:00"  # people added then are due a reconnect on 23 November 2026

# topics written the ways people write them: same words in another form or order, more words,
# a word begun, a synonym-free miss
TOPICS = [
    "assessment",
    "Assessing",
    "formative assessment",
    "assessment for learning",
    "oracy",
    "Oracy in science",
    "managing behaviour",
    "behaviour management",
    "behav",
    "geography",
]


def _hints_as_before(app: AppContext, ids: list[int]) -> dict[int, Any]:
    """The share hint each of ``ids`` (the first reconnects) gets, by the rule as it was
    written before: every resource added in the last RECENT_DAYS, newest first, graded on its
    own against their topics and seeks; the best grade, then the newest; none already
    shared either way."""
    conn = app.conn
    recent = store.recent_topics(conn, since=to_db_time(app.now - timedelta(days=RECENT_DAYS)))
    holders: dict[str, list[int]] = {}
    for r in store.interests_of(conn, ids):
        holders.setdefault(r.key, []).append(r.person_id)
    done = store.already_shared(conn, ids, sorted({r.id for r in recent}))
    found: dict[int, tuple[int, int, dict[str, Any]]] = {}
    for order, r in enumerate(recent):
        for key, grade in (
            topics.Topics(conn, app.settings.synonyms).grades(r.topic, holders).items()
        ):
            for pid in holders[key]:
                if (pid, r.id) in done:
                    continue
                if pid not in found or (-grade, order) < found[pid][:2]:
                    found[pid] = (-grade, order, {"id": r.id, "title": r.title})
    return {pid: share for pid, (_g, _o, share) in found.items()}


def _due_json(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert fast.run([*argv, "due", "--json"]) == 0
    return capsys.readouterr().out


def _check_hints(book: str | None, out: str) -> None:
    """Every reconnect among the first 30 has the hint the rule gives, and no other item
    has one; the reason asks to share it."""
    items = json.loads(out)
    first = [i for i in items if i["kind"] == "reconnect"][:30]
    app = AppContext(book)
    try:
        expected = _hints_as_before(app, [i["person"]["id"] for i in first])
    finally:
        app.close()
    for item in items:
        share = expected.get(item["person"]["id"]) if item in first else None
        assert item.get("share") == share, item
        if share is not None:
            assert item["reason"].endswith(f"; share {share['title']}?")


people_ = st.lists(
    st.tuples(
        st.lists(st.sampled_from(TOPICS), max_size=2),  # topics
        st.lists(st.sampled_from(TOPICS), max_size=1),  # seeks
        st.sampled_from(["colleague", "network", "following"]),
    ),
    min_size=1,
    max_size=8,
)
resources_ = st.lists(
    st.tuples(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=2), st.booleans()),
    min_size=1,
    max_size=6,
)


@pytest.mark.sqlite_only  # a new book per example: files are cheap, databases are not
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=people_, resources=resources_)
def test_the_hints_follow_the_rule_they_had_on_any_book(
    pln: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    people: list[Any],
    resources: list[Any],
) -> None:
    """Resources lately added on topics people have or seek, several on the same topic,
    some shared with the first person already: each reconnect gets the resource the rule
    gives (best match, then newest, not yet shared), on the fast path as through Typer."""
    book = str(tmp_path / f"book-{len(list(tmp_path.iterdir()))}.db")
    monkeypatch.setenv("PLN_NOW", LONG_AGO)
    for n, (held, sought, circle) in enumerate(people):
        args = ["add", f"Person {n}", "--circle", circle]
        args += [a for t in held for a in ("--topic", t)]
        args += [a for t in sought for a in ("--seeks", t)]
        pln("--db", book, *args)
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    for n, (about, shared) in enumerate(resources):
        pln(
            "--db",
            book,
            "resource",
            "add",
            f"Resource {n}",
            *[a for t in about for a in ("--topic", t)],
        )
        if shared:
            pln("--db", book, "share", f"Resource {n}", "--with", "Person 0")
    out = _due_json(capsys, "--db", book)
    assert out == pln("--db", book, "due", "--json").stdout
    _check_hints(book, out)


@pytest.fixture
def hinted_book(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Five people due a reconnect on topics written five ways; four resources added lately,
    three on the same topic, one of them shared with Ana on 1 November (she is a colleague:
    due again a fortnight later)."""
    monkeypatch.setenv("PLN_NOW", LONG_AGO)
    pln("add", "Ana Ruiz", "--topic", "Assessment", "--circle", "colleague")
    pln("add", "Ben Okafor", "--seeks", "formative assessment")
    pln("add", "Chloé Dubois", "--topic", "assessing", "--topic", "oracy")
    pln("add", "Dara O'Neil", "--topic", "behaviour management", "--circle", "network")
    pln("add", "Eve Del", "--topic", "geography", "--circle", "following")
    monkeypatch.setenv("PLN_NOW", "2026-11-01T10:00:00")
    pln("resource", "add", "Assessment 101", "--topic", "assessment")
    pln("share", "Assessment 101", "--with", "Ana Ruiz")
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    for title in ("Making Good Progress?", "Embedded formative assessment"):
        pln("resource", "add", title, "--topic", "assessment")
    pln("resource", "add", 'Talk "well"', "--topic", "Oracy", "--topic", "managing behaviour")


def test_the_fast_path_prints_typers_json_and_the_hints_on_both_engines(
    pln: Any, db_path: Path, hinted_book: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same JSON both ways in, the hints as the rule gives them, the table's hints too."""
    out = _due_json(capsys)
    assert out == pln("due", "--json").stdout
    _check_hints(None, out)
    shares = {i["person"]["name"]: i["share"]["title"] for i in json.loads(out) if "share" in i}
    assert shares == {
        "Ana Ruiz": "Embedded formative assessment",  # the newest; she has Assessment 101
        "Ben Okafor": "Embedded formative assessment",  # seeks more words than "assessment"
        "Chloé Dubois": 'Talk "well"',  # oracy, and assessing = assessment: the newest
        "Dara O'Neil": 'Talk "well"',
    }
    table = pln("due").stdout
    assert "share Embedded formative assessment?" in table
    assert 'share Talk "well"?' in table


def test_the_recent_resources_are_read_once_and_each_topic_graded_once(
    pln: Any,
    db_path: Path,
    hinted_book: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three of the four resources share one topic: three topics are graded, not five
    (one per resource and topic), and the resources added lately are read once."""
    graded: list[str] = []
    grades = topics.Topics.grades

    def counted(self: topics.Topics, text: str, keys: Any) -> dict[str, int]:
        graded.append(text)
        return grades(self, text, keys)

    monkeypatch.setattr(topics.Topics, "grades", counted)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    _due_json(capsys)
    assert sorted(graded) == ["Oracy", "assessment", "managing behaviour"]
    if not shared_book(db_path):
        assert sum("JOIN resource_topic" in s for s in statements) == 1


@pytest.mark.parametrize("where", ["pipe", "tty"])
def test_the_hints_load_neither_resources_nor_its_rules(
    db_path: Path,
    hinted_book: None,
    where: str,
) -> None:
    """`pln due --json` with resources to share: the hints need the topic words and the
    store's queries, not ``resources.py`` (its references, its rules for adding); and the
    birthdays' rules load only when birthdays are asked for (--within)."""
    first, loaded = _loaded(db_path, where, "due", "--json")
    assert first.startswith("0 ")
    assert "plncli.topics" in loaded  # the hints were graded
    assert not loaded & {"plncli.resources", "plncli.birthdays"}
    first, loaded = _loaded(db_path, where, "due", "--json", "--within", "1y")
    assert first.startswith("0 ")
    assert "plncli.birthdays" in loaded


def test_the_people_who_may_be_due_are_whole_person_states(pln: Any, hinted_book: None) -> None:
    """Made as plain tuples, they are the NamedTuples they were: every field there, the
    reference without a guess, equal to the same made the usual way; the open follow-ups
    too."""
    pln("remind", "Eve Del", "today", "-m", "call back")
    pln("remind", "Ben Okafor", "today", "-m", "weekly", "--every", "1w")
    app = AppContext(None)
    try:
        people, followups = load_due_inputs(
            app.conn, horizon=app.today, cadences=app.settings.cadence, first_contact_days=3
        )
    finally:
        app.close()
    assert {p.ref.name for p in people} >= {"Ana Ruiz", "Dara O'Neil"}
    for p in people:
        assert type(p) is PersonState
        assert type(p.ref) is PersonRef
        assert p == PersonState(PersonRef(p.ref.id, p.ref.name), *p[1:])
        assert p.ref.guessed_from is None
        assert p.has_open_followup is False
        # the day added is read where it can be used: no last contact, or met at an event
        if p.last_contact is None or p.met_at is not None:
            assert p.added is not None
            assert p.added.year == 2025
        else:
            assert p.added is None
        assert p.last_contact == (date(2026, 11, 1) if p.ref.name == "Ana Ruiz" else None)
    assert sorted((f.person.name, f.note, f.every, f.due) for f in followups) == [
        ("Ben Okafor", "weekly", "1w", date(2026, 11, 23)),
        ("Eve Del", "call back", None, date(2026, 11, 23)),
    ]
    for f in followups:
        assert type(f) is OpenFollowUp
        assert type(f.person) is PersonRef
        assert f == OpenFollowUp(f.id, PersonRef(f.person.id, f.person.name), *f[2:])
        assert f.person.guessed_from is None


# the controls json.dumps leaves raw and pln's JSON escapes (``text.json_safe``)
UNSAFE = ["\x7f", "\x85", "\u202e"]


@pytest.mark.parametrize("control", UNSAFE, ids=["DEL", "C1", "bidi"])
@pytest.mark.parametrize("where", ["name", "note", "event", "title"])
def test_a_control_anywhere_in_the_words_is_escaped(control: str, where: str) -> None:
    """The writer passes over the whole JSON only when the names and words have a control:
    one in a single name, follow-up note, event (a first contact's reason) or shared title
    is escaped there, as the general way (a dict and json.dumps each) escapes it."""
    today = date(2026, 11, 23)
    odd = f"x{control}y"
    ana = PersonRef(1, odd if where == "name" else "Ana")
    ben = PersonRef(2, "Ben")
    eve = PersonRef(3, "Eve")
    people = [
        PersonState(ben, "colleague", None, date(2026, 1, 5), None, None, None, False),
        PersonState(
            eve,
            "network",
            None,
            date(2026, 11, 10),
            None,
            date(2026, 11, 10),
            odd if where == "event" else "researchED",
            False,
        ),
    ]
    note = odd if where == "note" else "call"
    followups = [OpenFollowUp(7, ana, today, note, None)]
    ranked = ranked_due(
        people,
        followups,
        today=today,
        horizon=today,
        cadences=DEFAULT_CADENCE,
        first_contact_days=3,
    )
    shares = {2: (9, odd if where == "title" else "Talk")}
    general = [
        i._replace(share=shares[2], reason=f"{i.reason}; share {shares[2][1]}?")
        if i.person.id == 2
        else i
        for i in items_of(ranked, today)
    ]
    got = _printed(lambda: render.print_due_json(ranked, today=today, shares=shares))
    assert got == _printed(lambda: render.print_json([render.due_json(i) for i in general]))
    assert control not in got
    assert f"x\\u{ord(control):04x}y" in got


def _printed(write: Any) -> str:
    out, sys.stdout = sys.stdout, io.StringIO()
    try:
        write()
        return sys.stdout.getvalue()
    finally:
        sys.stdout = out


# ---- topic grades: only the words that can match are stemmed -------------------------------

VOCABULARY = [
    "a",
    "the",
    "of",
    "and",
    "assess",
    "assessing",
    "assessment",
    "assessments",
    "formative",
    "behav",
    "behaviour",
    "behaviours",
    "managing",
    "management",
    "manage",
    "science",
    "sciences",
    "scientific",
    "oracy",
    "y",
    "yoga",
    "dying",
    "die",
    "lying",
    "reading",
    "read",
    "research",
    "retrieval",
    "practice",
    "practise",
    "maths",
    "math",
    "chem",
    "chemistry",
]
WORD = st.one_of(
    st.sampled_from(VOCABULARY), st.text(alphabet="abcdeiorsty", min_size=1, max_size=7)
)
TOPIC = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


def _grade_stemming_every_word(q: topics.Query, key: str) -> int:
    """``topics.grade`` as it was written before: every word of the key stemmed."""
    words = topics.content_words(key)
    own = frozenset(topics.stem(w) for w in words)
    if " ".join(sorted(own)) in q.same:
        return topics.SAME
    if any(c <= own for c in q.covers):
        return topics.WORDS
    if all(any(w.startswith(t) or topics.stem(w) == s for w in words) for t, s in q.typed):
        return topics.PREFIX
    return 0


@given(
    query=TOPIC,
    keys=st.lists(TOPIC, max_size=6),
    synonyms=st.dictionaries(TOPIC, TOPIC, max_size=2),
)
def test_a_grade_is_the_same_stemming_only_the_words_that_can_match(
    query: str, keys: list[str], synonyms: dict[str, str]
) -> None:
    """A stem keeps its word's first letter, so a word beginning with none of the query's
    letters is not stemmed: every grade is what stemming every word gave."""
    q = topics.Topics(None, synonyms).query(query)  # type: ignore[arg-type]  # no book read
    for key in (topic_key(k) for k in keys):
        assert topics.grade(q, key) == _grade_stemming_every_word(q, key), key


def test_a_word_that_cannot_match_is_not_stemmed() -> None:
    """`pln due --json`'s share hints grade the reconnects' topics against a resource's:
    a stored word beginning with none of its letters is never stemmed."""
    q = topics.Topics(None, {}).query("Assessment")  # type: ignore[arg-type]
    assert topics.grade(q, "zymurgy assessment") == topics.WORDS
    assert topics.grade(q, "zymurgy") == 0
    assert "zymurgy" not in topics._STEMS
    assert "assessment" in topics._STEMS
