"""Introductions keep what was typed, and say in words what they do (issue 9, item 2 and
its "confusing" list; issue 12, item 4).

- An outcome's note shows in `pln intros`, on both people's timelines in `pln show`, and is
  found by `pln find`; a second outcome says what it replaces and keeps the earlier one.
- `pln introduce --for P` (or `pln introduce P`) says why its list is empty.
- `pln intros` and `pln history` speak in words, not table or evidence names (JSON keeps them).
"""

import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Dump, fails, query
from plncli import fast

NOTE = "now co-running a retrieval trial"


def _utc_of_local(text: str) -> str:
    """The UTC instant of a local date-time (the suite's pinned "now" is local)."""
    from datetime import UTC, datetime

    at = datetime.fromisoformat(text).astimezone(UTC)
    return at.isoformat().replace("+00:00", "Z")


@pytest.fixture
def pair(pln: Any) -> None:
    """Ana seeks assessment, Ben offers it; their introduction is made."""
    pln("add", "Ana Ruiz", "--seeks", "assessment", "--topic", "oracy")
    pln("add", "Ben Okafor", "--offers", "assessment", "--topic", "oracy")
    pln("add", "Carla Diaz", "--topic", "chemistry")
    pln("introduce", "Ana", "Ben", "-m", "both on assessment")
    pln("intro", "made", "Ana", "Ben")


def _zone(monkeypatch: pytest.MonkeyPatch, name: str) -> Iterator[None]:
    """Pin the local zone for real (tzset), and put the process's own back after."""
    monkeypatch.setenv("TZ", name)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time in New Zealand (UTC+13 in November)."""
    yield from _zone(monkeypatch, "Pacific/Auckland")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so that the days a test spells out are the user's days."""
    yield from _zone(monkeypatch, "UTC")


# ---------------------------------------------------------------- the outcome's note


def test_outcome_note_shows_in_intros_show_and_find(
    pln: Any, pair: None, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = pln("intro", "outcome", "Ben", "Ana", "connected", "-m", NOTE)
    assert "replaces" not in done.stderr
    assert query(db_path, "SELECT outcome, outcome_note FROM introduction") == [("connected", NOTE)]
    # pln intros, human and JSON
    human = pln("intros").stdout
    assert "Outcome notes" in human
    assert re.search(rf"Ana Ruiz \+ Ben Okafor\s+today\s+{NOTE}", human), human
    (doc,) = pln.json("intros")
    assert doc["outcome"] == "connected"
    assert doc["outcome_note"] == NOTE
    assert doc["outcome_at"] == _utc_of_local("2026-11-23T10:00:00")
    # both people's timelines, human (Typer and fast path) and JSON
    for me, other in (("Ana Ruiz", "Ben Okafor"), ("Ben Okafor", "Ana Ruiz")):
        shown = pln("show", me).stdout
        assert re.search(rf"introduction outcome\s+{other}\s+connected: {NOTE}", shown), shown
        assert fast.run(["show", me]) == 0
        assert capsys.readouterr().out == shown
        prof = pln.json("show", me)
        assert prof["introduction_outcomes"] == [
            {
                "introduction": 1,
                "at": _utc_of_local("2026-11-23T10:00:00"),
                "with": {"id": 2 if me.startswith("Ana") else 1, "name": other},
                "outcome": "connected",
                "note": NOTE,
            }
        ]
    shown = pln("show", "Carla").stdout
    assert "introduction outcome" not in shown
    assert pln.json("show", "Carla")["introduction_outcomes"] == []
    # pln find (the search index)
    hits = pln.json("find", "co-running")
    assert sorted(h["person"]["name"] for h in hits) == ["Ana Ruiz", "Ben Okafor"]
    assert "co-running" in pln("find", "retrieval", "trial").stdout


def test_a_second_outcome_says_what_it_replaces_and_keeps_it(
    pln: Any, utc: None, pair: None, db_path: Path, dump: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pln("intro", "outcome", "Ana", "Ben", "nothing", "-m", "no reply yet")
    assert "replaces" not in first.stderr
    monkeypatch.setenv("PLN_NOW", "2026-12-20T09:00:00+00:00")
    second = pln("intro", "outcome", "Ana", "Ben", "connected", "-m", NOTE)
    said = [line for line in second.stderr.splitlines() if "replaces" in line]
    assert said == [
        "This replaces the earlier outcome 'nothing' (2026-11-23);"
        " the outcome's note keeps it as an 'earlier' line."
    ]
    kept = f"{NOTE}\nearlier (2026-11-23): nothing — no reply yet"
    assert query(db_path, "SELECT outcome, outcome_note, updated_at FROM introduction") == [
        ("connected", kept, "2026-12-20 09:00:00.000000")
    ]
    (doc,) = pln.json("intros")
    assert (doc["outcome"], doc["outcome_note"]) == ("connected", kept)
    assert doc["outcome_at"] == "2026-12-20T09:00:00Z"
    shown = pln("show", "Ana").stdout
    assert f"connected: {NOTE} · earlier (2026-11-23): nothing — no reply yet" in shown
    assert NOTE in pln("intros").stdout
    assert "no reply yet" in pln("intros").stdout
    assert sorted(h["person"]["name"] for h in pln.json("find", "reply")) == [
        "Ana Ruiz",
        "Ben Okafor",
    ]

    # The same outcome and note again: nothing changes, and it says so.
    before = dump()
    again = pln("intro", "outcome", "Ben", "Ana", "connected", "-m", NOTE)
    assert "already recorded (2026-12-20); nothing changed" in again.stderr
    assert dump() == before

    # The same outcome with another note: the earlier note is kept, and it says so.
    monkeypatch.setenv("PLN_NOW", "2027-01-05T09:00:00+00:00")
    third = pln("intro", "outcome", "Ana", "Ben", "connected", "-m", "wrote a paper together")
    assert "This replaces the earlier note of 'connected' (2026-12-20)" in third.stderr
    assert query(db_path, "SELECT outcome_note FROM introduction") == [
        (
            "wrote a paper together\n"
            f"earlier (2026-12-20): connected — {NOTE}\n"
            "earlier (2026-11-23): nothing — no reply yet",
        )
    ]
    # An outcome without a note still keeps every earlier one.
    pln("intro", "outcome", "Ana", "Ben", "nothing")
    (stored,) = query(db_path, "SELECT outcome_note FROM introduction")[0]
    assert stored.startswith("earlier (2027-01-05): connected — wrote a paper together\n")
    assert NOTE in stored
    assert "no reply yet" in stored
    assert re.search(
        r"introduction outcome\s+Ben Okafor\s+nothing: earlier", pln("show", "Ana").stdout
    )
    # Undo puts back the outcome it replaced.
    pln("undo", "--yes")
    assert query(db_path, "SELECT outcome FROM introduction") == [("connected",)]


def test_outcome_dates_are_local_days(
    auckland: None, pln: Any, pair: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """12:00 UTC on 23 November is 24 November in Auckland: the day said is the user's."""
    monkeypatch.setenv("PLN_NOW", "2026-11-23T12:00:00+00:00")
    pln("intro", "outcome", "Ana", "Ben", "nothing", "-m", "quiet")
    monkeypatch.setenv("PLN_NOW", "2026-11-30T12:00:00+00:00")
    said = pln("intro", "outcome", "Ana", "Ben", "connected").stderr
    assert "the earlier outcome 'nothing' (2026-11-24)" in said
    (doc,) = pln.json("intros")
    assert doc["outcome_note"] == "earlier (2026-11-24): nothing — quiet"
    assert doc["outcome_at"] == "2026-11-30T12:00:00Z"
    # stored instants are UTC: JSON gives them back unchanged whatever the zone
    # (the pair was set up at 10:00 Auckland time: 21:00 UTC the day before)
    assert doc["created"] == "2026-11-22T21:00:00Z"
    assert doc["made"] == "2026-11-22T21:00:00Z"


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-.,'", min_size=1, max_size=12)
NOTES = st.lists(WORD, max_size=5).map(" ".join)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.sampled_from(["connected", "nothing"]), NOTES), max_size=5))
def test_no_outcome_or_note_is_ever_lost(pln: Any, steps: list[tuple[str, str]]) -> None:
    """Whatever sequence of outcomes is recorded, the last is current and every word of
    every note typed is still in the stored note; one 'earlier' line per real change."""
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "pln.db"
        pln("--db", str(db), "add", "Ana Ruiz", "Ben Okafor")
        pln("--db", str(db), "introduce", "Ana", "Ben")
        pln("--db", str(db), "intro", "made", "Ana", "Ben")
        changes, last = 0, None
        for outcome, note in steps:
            result = pln("--db", str(db), "intro", "outcome", "Ana", "Ben", outcome, "-m", note)
            if last is not None and (outcome, note) != last:
                changes += 1
                assert "This replaces the earlier" in result.stderr
            elif last is not None:
                assert "nothing changed" in result.stderr
            last = (outcome, note)
        ((stored_outcome, stored),) = query(db, "SELECT outcome, outcome_note FROM introduction")
        if last is None:
            assert (stored_outcome, stored) == (None, "")
            return
        assert stored_outcome == last[0]
        assert stored.split("\n")[0] == last[1] or (not last[1] and changes)
        for _, note in steps:
            for word in note.split():
                assert word in stored
        assert len(re.findall(r"^earlier \(", stored, re.M)) == changes


# ------------------------------------------------ introduce: one name, and why empty


@pytest.fixture
def circle(pln: Any) -> None:
    """Ana works on assessment; Ben, Carla, Dev and Eve share it; Zed has no topics."""
    pln("add", "Ana Ruiz", "--topic", "assessment", "--seeks", "oracy")
    for name in ("Ben Okafor", "Carla Diaz", "Dev Patel", "Eve Stone"):
        pln("add", name, "--topic", "assessment")
    pln("add", "Zed Null")


def test_introduce_one_name_is_introduce_for(pln: Any, circle: None, dump: Dump) -> None:
    assert pln.json("introduce", "Ana") == pln.json("introduce", "--for", "Ana")
    human = pln("introduce", "Ana").stdout
    assert human == pln("introduce", "--for", "Ana").stdout
    assert "Introductions to consider" in human
    assert "Ana Ruiz + " in human
    assert pln("introduce", "Ana", "--topic", "assessment").stdout == (
        pln("introduce", "--for", "Ana", "--topic", "assessment").stdout
    )
    for extra in (["-m", "note"], ["--draft"], ["--dismiss"], ["--until", "friday"]):
        line = fails(pln, dump, 2, "introduce", "Ana", *extra)
        assert extra[0] in line
    assert "not both" in fails(pln, dump, 2, "introduce", "Ana", "--for", "Ben")
    fails(pln, dump, 2, "introduce", "Ana", "Ben", "Carla")
    fails(pln, dump, 3, "introduce", "Nobody Here")


def test_introduce_for_says_why_the_list_is_empty(pln: Any, circle: None, dump: Dump) -> None:
    pln("knows", "Ana", "Ben")
    pln("knows", "Ana", "Carla")
    pln("knows", "Ana", "Dev")
    pln("knows", "Ana", "Eve")
    out = pln("introduce", "--for", "Ana").stdout
    assert "add topics" not in out
    assert out.startswith(
        "No introductions to suggest for Ana Ruiz: every contact who shares Ana's topics,"
        " offers or seeks already knows Ana (4)."
    )
    # each reason, counted
    pln("unknows", "Ana", "Carla")
    pln("unknows", "Ana", "Dev")
    pln("unknows", "Ana", "Eve")
    pln("group", "add", "Science", "Ana", "Carla")
    pln("introduce", "Ana", "Dev")
    pln("introduce", "Ana", "Eve", "--dismiss")
    before = dump()
    out = pln("introduce", "Ana").stdout
    assert out.startswith(
        "No introductions to suggest for Ana Ruiz: every contact who shares Ana's topics,"
        " offers or seeks already knows Ana (1), shares a group with Ana (1),"
        " was already introduced to Ana (1) or was dismissed (1)."
    ), out
    assert dump() == before  # a read


def test_introduce_for_other_empty_lists(pln: Any, circle: None) -> None:
    out = pln("introduce", "--for", "Zed").stdout
    assert out.startswith("No introductions to suggest for Zed Null: Zed has no topics")
    out = pln("introduce", "Ana", "--topic", "chess").stdout
    assert "Ana does not work on, offer or seek chess." in out
    pln("add", "Fay Lee", "--topic", "water management")
    out = pln("introduce", "Fay").stdout
    assert "no other contact shares Fay's topics, offers or seeks." in out
    out = pln("introduce", "Ana", "--topic", "oracy").stdout
    assert "no other contact shares oracy with Ana." in out


def test_whole_book_empty_list_says_why(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    assert "add topics, offers and seeks to people" in pln("introduce").stdout
    pln("edit", "Ana", "--topic", "chess")
    pln("edit", "Ben", "--topic", "go")
    assert "no two of your contacts share a topic, offer or seek yet." in pln("introduce").stdout
    pln("edit", "Ben", "--topic", "chess")
    pln("knows", "Ana", "Ben")
    out = pln("introduce").stdout
    assert "the contacts who share a topic, offer or seek already know each other" in out


# ---------------------------------------------------------------- words, not internal names

INTERNAL = ("complement", "person_attr", "pgroup", "interaction_person", "intro_followup")


def test_intros_what_works_is_in_words(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--seeks", "assessment", "--topic", "oracy", "--location", "Leeds")
    pln("add", "Ben Okafor", "--offers", "assessment", "--topic", "oracy", "--location", "Leeds")
    pln("add", "Carla Diaz", "--topic", "oracy")
    pln("introduce", "Ana", "Ben")
    pln("intro", "made", "Ana", "Ben")
    pln("intro", "outcome", "Ana", "Ben", "connected")
    (doc,) = pln.json("intros")
    assert doc["evidence"] == ["complement", "topic", "place"]  # JSON keeps the kinds
    out = pln("intros").stdout
    works = next(line for line in out.splitlines() if line.startswith("What works so far"))
    assert works == (
        "What works so far: one offers what the other seeks: 1 of 1 connected;"
        " same place: 1 of 1 connected; shared topics: 1 of 1 connected"
    )
    assert not any(word in out for word in INTERNAL)


def test_history_speaks_in_words(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--topic", "assessment", "--offers", "oracy")
    pln("add", "Ben Okafor")
    pln("log", "Ana", "Ben", "-m", "coffee", "--topic", "oracy")
    pln("group", "add", "Science", "Ana", "Ben")
    pln("introduce", "Ana", "Ben", "--dismiss")
    pln("private", "topic", "oracy")
    pln("remind", "Ana", "friday", "-m", "send quiz")
    out = pln("history").stdout
    assert not any(word in out for word in INTERNAL)
    for words in (
        "people +1, details +2",
        "interactions +1, people in interactions +2, interaction topics +1",
        "groups +1, group members +2",
        "dismissed suggestions +1",
        "private marks +1",
        "follow-ups +1",
    ):
        assert words in out, (words, out)
    summaries = [c["summary"] for c in pln.json("history")]
    assert "person +1, person_attr +2" in summaries  # JSON keeps the table names
    assert "pgroup +1, pgroup_member +2" in summaries
    undo = pln("undo", "--yes")
    assert "[follow-ups +1]" in undo.stderr
