"""Defects found at stop 26, by using pln as a user and attacking it as an adversary."""

import json
from pathlib import Path
from typing import Any

from helpers import query


def test_someone_met_long_before_they_were_added_is_no_first_contact(
    pln: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # an old contact book (a meeting in 2019), and an attendee list of this week's event
    old = tmp_path / "old.csv"
    old.write_text(
        "name,email,met_at,met_on\nBea Stone,bea@example.org,ResearchEd 2019,2019-09\n",
        encoding="utf-8",
    )
    pln("import", str(old))
    attendees = tmp_path / "attendees.csv"
    attendees.write_text("name,email\nCal Wu,cal@example.org\n", encoding="utf-8")
    pln("import", str(attendees), "--met-at", "TeachMeet North")
    assert pln.json("show", "Bea")["met_on_precision"] == "month"
    # four days on: Bea was "2,641 days overdue" as a first contact for 30 days after the
    # import; she is a reconnect, and Cal, met at the event of the import's day, is owed one
    monkeypatch.setenv("PLN_NOW", "2026-11-27T10:00:00")
    owed = {i["person"]["name"]: i["kind"] for i in pln.json("due")}
    assert owed == {"Bea Stone": "reconnect", "Cal Wu": "first-contact"}


def test_a_person_added_at_an_event_is_still_met_today(pln: Any) -> None:
    pln("add", "Eve Hart", "--met-at", "ResearchEd 2026")
    assert pln.json("show", "Eve")["met_on"] == "2026-11-23"
    assert [e["on"] for e in pln.json("events")] == ["2026-11-23"]
    assert json.loads(pln("due", "--json").stdout) == []  # not yet owed: due in 3 days


def test_a_meeting_caught_up_on_weeks_later_is_still_a_first_contact(
    pln: Any, monkeypatch: Any
) -> None:
    pln("add", "Fay Lee", "--met-at", "ResearchEd 2026", "--on", "2026-10-12")  # 6 weeks
    pln("add", "Gus Roy", "--met-at", "BETT 2026", "--on", "2026-08-24")  # 91 days
    owed = {i["person"]["name"]: i["kind"] for i in pln.json("due")}
    assert owed.get("Fay Lee") == "first-contact"
    assert owed.get("Gus Roy") != "first-contact"


def test_the_same_follow_up_twice_is_kept_once(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    first = pln("remind", "Ana", "next friday", "-m", "send slides")
    assert first.stderr.startswith("Follow-up #1 for Ana Ruiz due 2026-11-27")
    history = pln.json("history")
    again = pln("remind", "Ana", "2026-11-27", "-m", "send slides")
    assert again.stderr == (
        "Nothing changed: Ana Ruiz already has this follow-up (#1, due 2026-11-27 (in 4 days)).\n"
    )
    same = pln.json("remind", "Ana", "2026-11-27", "-m", "send slides")
    assert (same["id"], same["changed"]) == (1, False)
    assert pln.json("history") == history  # nothing written
    # another day, another text, a rhythm, or the first one done: each is a follow-up
    assert pln.json("remind", "Ana", "2026-11-28", "-m", "send slides")["changed"] is True
    pln("remind", "Ana", "2026-11-27", "-m", "send the slides")
    pln("remind", "Ana", "2026-11-27", "-m", "send slides", "--every", "1m")
    pln("done", "1")
    pln("remind", "Ana", "2026-11-27", "-m", "send slides")
    rows = query(db_path, "SELECT CAST(due AS TEXT), note, every, state FROM followup ORDER BY id")
    assert rows == [
        ("2026-11-27", "send slides", None, "done"),
        ("2026-11-28", "send slides", None, "open"),
        ("2026-11-27", "send the slides", None, "open"),
        ("2026-11-27", "send slides", "1m", "open"),
        ("2026-11-27", "send slides", None, "open"),
    ]


def test_a_snooze_to_the_day_it_is_due_changes_nothing(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    pln("remind", "Ana", "2026-11-27", "-m", "send slides")
    pln("remind", "Ana", "2026-11-30", "-m", "call", "--every", "1w")
    history = pln.json("history")
    same = pln("snooze", "1", "2026-11-27")
    assert same.stderr == (
        "Nothing changed: #1 for Ana Ruiz is due 2026-11-27 (in 4 days) already.\n"
    )
    assert pln("snooze", "2", "2026-11-30").stderr.startswith("Nothing changed: #2")
    assert pln.json("snooze", "2", "2026-11-30")["changed"] is False
    assert pln.json("history") == history
    both = pln("snooze", "1", "2", "2026-11-30")
    assert both.stderr.splitlines() == [
        "Snoozed #1 for Ana Ruiz until 2026-11-30 (in 7 days).",
        "Nothing changed: #2 for Ana Ruiz is due 2026-11-30 (in 7 days) already.",
    ]
    assert len(pln.json("history")) == len(history) + 1
    moved = pln.json("snooze", "1", "2", "2026-12-01")
    assert [(d["id"], d["changed"]) for d in moved] == [(1, True), (2, True)]
    assert [(f["id"], f["due"], f["every"]) for f in pln.json("reminders")] == [
        (1, "2026-12-01", None),
        (2, "2026-12-01", None),  # off its Monday rhythm: a one-off; the series goes on
        (3, "2026-12-07", "1w"),
    ]


def test_the_stats_period_reads_well_for_today_and_one_day(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    pln("log", "Ana", "-m", "coffee")
    head = {w: pln("stats", "--since", w).stdout.splitlines()[0] for w in ("today", "yesterday")}
    # stop 28: the period counts today too (it said "the 1 day from 2026-11-22" of two)
    assert head["today"] == (
        "People, and the change since 2026-11-22 (contacted: today against the day before)"
    )
    assert head["yesterday"] == (
        "People, and the change since 2026-11-21"
        " (contacted: the 2 days from 2026-11-22 against the 2 before)"
    )
    first = pln("stats", "--since", "2019-01-01").stdout.splitlines()[0]
    assert first.endswith("(contacted: the 2,884 days from 2019-01-01 against the 2,884 before)")


def test_no_day_met_has_no_precision(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    book = json.loads(pln("export", "--format", "json").stdout)
    people = book["tables"]["person"]
    assert [p["met_on"] for p in people] == ["2026-11-23"]
    people[0]["met_on"] = None  # a book whose day met is not known
    src = tmp_path / "book.json"
    src.write_text(json.dumps(book), encoding="utf-8")
    pln("--db", str(tmp_path / "other.db"), "import", str(src))
    shown = pln.json("--db", str(tmp_path / "other.db"), "show", "Ana")
    assert (shown["met_on"], shown["met_on_precision"]) == (None, None)
