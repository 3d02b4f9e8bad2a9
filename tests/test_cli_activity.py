"""CLI tests for interactions and follow-ups: log, remind, reminders, done, snooze, drop, due.

Everything runs through the real Typer app (in-process) against the test's own SQLite file.
"now" is pinned to Monday 2026-11-23 10:00 UTC by conftest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import fails, pinned_today, query, remind_as_typed

Dump = Callable[[], list[str]]
DUE_KEYS = {"kind", "person", "due", "days_overdue", "reason", "followup_id"}
FOLLOWUP_KEYS = {"id", "person", "due", "note", "every", "state", "closed"}


# ---------------------------------------------------------------- helpers


def add(pln: Any, *args: str) -> list[dict[str, Any]]:
    return pln.json("add", *args)  # type: ignore[no-any-return]


def remind(pln: Any, person: str, when: str, *args: str) -> dict[str, Any]:
    """`pln remind --json`; a date in the past is set up as a follow-up made back then."""
    return remind_as_typed(pln, person, when, *args, today=date(2026, 11, 23))  # type: ignore[no-any-return]


def due(pln: Any, *args: str) -> list[tuple[str, str, str, int]]:
    """`pln due --json` as (kind, name, due, days_overdue) rows."""
    return [
        (d["kind"], d["person"]["name"], d["due"], d["days_overdue"])
        for d in pln.json("due", *args)
    ]


def last_contact(pln: Any, name: str) -> str | None:
    rows = [r for r in pln.json("list") if r["name"] == name]
    assert len(rows) == 1
    return rows[0]["last_contact"]  # type: ignore[no-any-return]


@pytest.fixture
def trio(pln: Any) -> None:
    """Ana Ruiz #1, Ben Okafor #2, Carla Diaz #3, added today."""
    add(pln, "Ana Ruiz", "Ben Okafor", "Carla Diaz")


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def set_tz(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


# ---------------------------------------------------------------- log


@pytest.mark.usefixtures("utc")
def test_log_one_person(pln: Any, trio: None, db_path: Path) -> None:
    result = pln("log", "Ana", "-m", "Coffee: swapped quiz designs", "--kind", "coffee")
    assert "Logged coffee with Ana Ruiz (interaction #1)." in result.stderr
    doc = pln.json("log", "Ben", "-m", "Email about Y7")
    assert doc == {
        "id": 2,
        "at": "2026-11-23T10:00:00Z",
        "people": [{"id": 2, "name": "Ben Okafor"}],
        "closed_followups": [],
        "open_followups": [],
        "followup_ids": [],
    }
    assert query(db_path, "SELECT id, at, kind, note FROM interaction ORDER BY id") == [
        (1, "2026-11-23 10:00:00.000000", "coffee", "Coffee: swapped quiz designs"),
        (2, "2026-11-23 10:00:00.000000", "note", "Email about Y7"),
    ]
    assert query(
        db_path, "SELECT interaction_id, person_id FROM interaction_person ORDER BY 1, 2"
    ) == [(1, 1), (2, 2)]
    assert last_contact(pln, "Ana Ruiz") == "2026-11-23"
    assert last_contact(pln, "Carla Diaz") is None


def test_log_several_people_is_one_interaction(pln: Any, trio: None, db_path: Path) -> None:
    doc = pln.json(
        "log", "Carla", "Ana", "Ben", "-m", "DM group: Y7 transition ideas", "--kind", "message"
    )
    assert [p["name"] for p in doc["people"]] == ["Carla Diaz", "Ana Ruiz", "Ben Okafor"]
    assert query(db_path, "SELECT count(*) FROM interaction") == [(1,)]
    assert query(db_path, "SELECT person_id FROM interaction_person ORDER BY 1") == [
        (1,),
        (2,),
        (3,),
    ]
    for name in ("Ana Ruiz", "Ben Okafor", "Carla Diaz"):
        assert last_contact(pln, name) == "2026-11-23"
    shown = pln.json("show", "Ben")["interactions"]
    assert len(shown) == 1
    assert sorted(shown[0]["with"]) == ["Ana Ruiz", "Carla Diaz"]


def test_log_kind_is_stored_lowercase(pln: Any, trio: None, db_path: Path) -> None:
    pln("log", "Ana", "-m", "x", "--kind", "Video")
    assert query(db_path, "SELECT kind FROM interaction") == [("video",)]


@pytest.mark.parametrize(
    ("on", "stored", "shown"),
    [
        ("yesterday", "2026-11-22 12:00:00.000000", "2026-11-22T12:00:00Z"),
        ("yesterday 15:30", "2026-11-22 15:30:00.000000", "2026-11-22T15:30:00Z"),
        ("friday", "2026-11-20 12:00:00.000000", "2026-11-20T12:00:00Z"),  # the last one
        ("dec 3 3pm", "2025-12-03 15:00:00.000000", "2025-12-03T15:00:00Z"),  # the last one
        ("3 days ago", "2026-11-20 12:00:00.000000", "2026-11-20T12:00:00Z"),
        ("08:15", "2026-11-23 08:15:00.000000", "2026-11-23T08:15:00Z"),
    ],
)
@pytest.mark.usefixtures("utc")
def test_log_on_is_stored_as_a_utc_instant(
    pln: Any, trio: None, db_path: Path, on: str, stored: str, shown: str
) -> None:
    doc = pln.json("log", "Ana", "-m", "x", "--on", on)
    assert doc["at"] == shown
    assert query(db_path, "SELECT at FROM interaction") == [(stored,)]
    assert pln.json("show", "Ana")["interactions"][0]["at"] == shown
    assert last_contact(pln, "Ana Ruiz") == shown[:10]


@pytest.mark.parametrize(
    ("tz", "on", "shown", "local_day"),
    [
        # 05:00 EST on Monday 23rd; yesterday noon EST is 17:00 UTC
        ("America/New_York", "yesterday", "2026-11-22T17:00:00Z", "2026-11-22"),
        ("America/New_York", "yesterday 15:30", "2026-11-22T20:30:00Z", "2026-11-22"),
        # 23:00 NZDT on Monday 23rd; yesterday noon NZDT is still Saturday in UTC
        ("Pacific/Auckland", "yesterday", "2026-11-21T23:00:00Z", "2026-11-22"),
    ],
)
def test_log_on_uses_the_local_time_zone(
    pln: Any,
    local_tz: Callable[[str], None],
    db_path: Path,
    tz: str,
    on: str,
    shown: str,
    local_day: str,
) -> None:
    local_tz(tz)
    add(pln, "Ana Ruiz")
    assert pln.json("log", "Ana", "-m", "x", "--on", on)["at"] == shown
    assert query(db_path, "SELECT at FROM interaction") == [
        (shown.replace("T", " ")[:-1] + ".000000",)
    ]
    assert last_contact(pln, "Ana Ruiz") == local_day


@pytest.mark.parametrize(
    "on", ["tomorrow", "in 2 days", "tomorrow 09:00", "2026-12-01", "next friday"]
)
def test_log_in_the_future_is_refused(pln: Any, trio: None, dump: Dump, on: str) -> None:
    line = fails(pln, dump, 2, "log", "Ana", "-m", "x", "--on", on)
    assert "future" in line


@pytest.mark.parametrize("on", ["25:00", "next tuseday", "feb 30", "yesterday 3:75"])
def test_log_bad_on_is_refused(pln: Any, trio: None, dump: Dump, on: str) -> None:
    line = fails(pln, dump, 2, "log", "Ana", "-m", "x", "--on", on)
    assert "--on" in line


def test_log_bad_on_lists_the_accepted_forms(pln: Any, trio: None, dump: Dump) -> None:
    line = fails(pln, dump, 2, "log", "Ana", "-m", "x", "--on", "next tuseday")
    assert "yesterday 15:30" in line


def test_log_unknown_person_among_several_stores_nothing(
    pln: Any, trio: None, dump: Dump, db_path: Path
) -> None:
    pln("log", "Ana", "-m", "earlier")
    line = fails(pln, dump, 3, "log", "Ana", "Ben", "Zebedee", "-m", "group chat")
    assert "Zebedee" in line
    assert query(db_path, "SELECT count(*) FROM interaction") == [(1,)]
    assert last_contact(pln, "Ben Okafor") is None


def test_log_ambiguous_person_stores_nothing(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz", "Alex Byrne")
    line = fails(pln, dump, 4, "log", "A", "-m", "x")
    assert "Ana Ruiz" in line
    assert "Alex Byrne" in line


@pytest.mark.parametrize("again", ["#1", "ana ruiz", "Ruiz"])
def test_log_same_person_twice_is_refused(pln: Any, trio: None, dump: Dump, again: str) -> None:
    line = fails(pln, dump, 2, "log", "Ana", "Ben", again, "-m", "x")
    assert "Ana Ruiz" in line


def test_log_topics_are_stored(pln: Any, trio: None, db_path: Path) -> None:
    pln("log", "Ana", "-m", "x", "--topic", "Assessments", "--topic", "oracy")
    assert query(db_path, "SELECT key, topic FROM interaction_topic ORDER BY key") == [
        ("assessment", "Assessments"),
        ("oracy", "oracy"),
    ]
    assert sorted(pln.json("show", "Ana")["interactions"][0]["topics"]) == ["Assessments", "oracy"]


@pytest.mark.parametrize(
    "extra",
    [("-m", "bad\x00note"), ("-m", "ok", "--topic", ""), ("-m", "ok", "--kind", " ")],
    ids=["nul-note", "empty-topic", "blank-kind"],
)
def test_log_unusable_text_stores_nothing(
    pln: Any, trio: None, dump: Dump, extra: tuple[str, ...]
) -> None:
    fails(pln, dump, 2, "log", "Ana", *extra)


@pytest.mark.usefixtures("utc")
def test_last_contact_is_the_latest_and_never_moves_back(
    pln: Any, trio: None, db_path: Path
) -> None:
    pln("log", "Ana", "-m", "a", "--on", "3 days ago")
    assert last_contact(pln, "Ana Ruiz") == "2026-11-20"
    pln("log", "Ana", "-m", "b", "--on", "yesterday")
    assert last_contact(pln, "Ana Ruiz") == "2026-11-22"
    pln("log", "Ana", "Ben", "-m", "older", "--on", "2026-10-01")
    assert last_contact(pln, "Ana Ruiz") == "2026-11-22"
    assert last_contact(pln, "Ben Okafor") == "2026-10-01"
    assert query(db_path, "SELECT last_contact_at FROM person WHERE id = 1") == [
        ("2026-11-22 12:00:00.000000",)
    ]
    # the timeline is by when it happened, not when it was typed
    notes = [i["note"] for i in pln.json("show", "Ana")["interactions"]]
    assert notes == ["b", "a", "older"]


# ---------------------------------------------------------------- remind


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("next friday", "2026-11-27"),
        ("friday", "2026-11-27"),
        ("tomorrow", "2026-11-24"),
        ("in 2 weeks", "2026-12-07"),
        ("dec 3", "2026-12-03"),
        ("2027-01-15", "2027-01-15"),
        ("next monday", "2026-11-30"),
    ],
)
def test_remind_due_date(pln: Any, trio: None, db_path: Path, when: str, expected: str) -> None:
    doc = remind(pln, "Ana", when, "-m", "Send the KS3 quiz bank")
    assert doc == {
        "id": 1,
        "person": {"id": 1, "name": "Ana Ruiz"},
        "due": expected,
        "note": "Send the KS3 quiz bank",
        "every": None,
        "state": "open",
        "closed": None,
        "changed": True,
    }
    assert query(db_path, "SELECT person_id, due, note, every, state FROM followup") == [
        (1, expected, "Send the KS3 quiz bank", None, "open")
    ]


def test_remind_human_output(pln: Any, trio: None) -> None:
    result = pln("remind", "Ana", "next friday", "-m", "Send it")
    assert "Follow-up #1 for Ana Ruiz due 2026-11-27 (in 4 days)." in result.stderr


@pytest.mark.parametrize(
    ("every", "stored"), [("2 weeks", "2w"), ("monthly", "1m"), ("3 months", "3m"), ("10d", "10d")]
)
def test_remind_every(pln: Any, trio: None, db_path: Path, every: str, stored: str) -> None:
    assert remind(pln, "Ana", "tomorrow", "--every", every)["every"] == stored
    assert query(db_path, "SELECT every FROM followup") == [(stored,)]


@pytest.mark.parametrize("when", ["next tuseday", "feb 30", "someday", "25:00"])
def test_remind_bad_when_is_refused(pln: Any, trio: None, dump: Dump, when: str) -> None:
    pln("remind", "Ben", "tomorrow")
    line = fails(pln, dump, 2, "remind", "Ana", when, "-m", "x")
    assert "WHEN" in line


def test_remind_bad_when_lists_the_accepted_forms(pln: Any, trio: None, dump: Dump) -> None:
    line = fails(pln, dump, 2, "remind", "Ana", "next tuseday")
    assert "next tuseday" in line
    assert "next friday" in line
    assert "2026-12-01" in line


def test_remind_bad_every_is_refused(pln: Any, trio: None, dump: Dump) -> None:
    line = fails(pln, dump, 2, "remind", "Ana", "tomorrow", "--every", "now and then")
    assert "--every" in line


def test_remind_unknown_person_is_not_found(pln: Any, trio: None, dump: Dump) -> None:
    fails(pln, dump, 3, "remind", "Zebedee", "tomorrow")


# ---------------------------------------------------------------- reminders


def test_reminders_soonest_first_and_filters(pln: Any, trio: None) -> None:
    remind(pln, "Ana", "in 10 days", "-m", "a10")
    remind(pln, "Ben", "tomorrow", "-m", "b1")
    remind(pln, "Ana", "in 3 days", "-m", "a3")
    remind(pln, "Carla", "2026-11-20", "-m", "c-overdue")
    rows = pln.json("reminders")
    assert all(set(r) == FOLLOWUP_KEYS for r in rows)
    assert [r["note"] for r in rows] == ["c-overdue", "b1", "a3", "a10"]
    assert [r["note"] for r in pln.json("reminders", "--person", "Ana")] == ["a3", "a10"]
    pln("done", "2", "--no-log")
    pln("drop", "1")
    assert [r["note"] for r in pln.json("reminders")] == ["c-overdue", "a3"]
    assert [(r["note"], r["state"]) for r in pln.json("reminders", "--state", "done")] == [
        ("b1", "done")
    ]
    assert [(r["note"], r["state"]) for r in pln.json("reminders", "--state", "dropped")] == [
        ("a10", "dropped")
    ]
    assert [r["note"] for r in pln.json("reminders", "--state", "all")] == [
        "c-overdue",
        "b1",
        "a3",
        "a10",
    ]
    assert [r["note"] for r in pln.json("reminders", "--person", "Ana", "--state", "all")] == [
        "a3",
        "a10",
    ]
    human = pln("reminders").stdout
    assert "Carla Diaz" in human
    assert "c-overdue" in human
    assert "open" in human


def test_reminders_bad_state_and_unknown_person(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    fails(pln, dump, 2, "reminders", "--state", "closed")
    fails(pln, dump, 3, "reminders", "--person", "Zebedee")


# ---------------------------------------------------------------- done


@pytest.mark.usefixtures("utc")
def test_done_marks_done_and_logs_contact(pln: Any, trio: None, db_path: Path) -> None:
    remind(pln, "Ana", "2026-11-20", "-m", "Send the KS3 quiz bank")
    doc = pln.json("done", "1")
    assert doc["next"] is None
    assert doc["done"] == {
        "id": 1,
        "person": {"id": 1, "name": "Ana Ruiz"},
        "due": "2026-11-20",
        "note": "Send the KS3 quiz bank",
        "every": None,
        "state": "done",
        "closed": "2026-11-23",
    }
    assert query(db_path, "SELECT state, closed_at IS NOT NULL FROM followup") == [("done", 1)]
    timeline = pln.json("show", "Ana")["interactions"]
    assert [(i["kind"], i["note"], i["at"]) for i in timeline] == [
        ("follow-up", "Send the KS3 quiz bank", "2026-11-23T10:00:00Z")
    ]
    assert last_contact(pln, "Ana Ruiz") == "2026-11-23"
    assert pln.json("reminders") == []
    assert due(pln) == []


def test_done_human_output(pln: Any, trio: None) -> None:
    remind(pln, "Ana", "2026-11-02", "--every", "1w")
    result = pln("done", "1")
    assert "Done: #1 for Ana Ruiz." in result.stderr
    assert "Next one: #2 due 2026-11-30" in result.stderr


def test_done_no_log_records_no_contact(pln: Any, trio: None, db_path: Path) -> None:
    remind(pln, "Ana", "tomorrow")
    pln("done", "1", "--no-log")
    assert query(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    assert last_contact(pln, "Ana Ruiz") is None
    assert pln.json("reminders", "--state", "done")[0]["id"] == 1


@pytest.mark.parametrize(
    ("first_due", "every", "next_due"),
    [
        ("2026-11-02", "1w", "2026-11-30"),  # 11-23 is today, so not it: after today
        ("2026-11-27", "2w", "2026-12-11"),  # done early: the next one after its due date
        ("2026-01-31", "1m", "2026-11-30"),  # from the due date, month ends clamped, no drift
        ("2026-11-22", "1d", "2026-11-24"),
    ],
)
def test_done_recurring_rolls_forward_from_its_due_date(
    pln: Any, trio: None, db_path: Path, first_due: str, every: str, next_due: str
) -> None:
    remind(pln, "Ana", first_due, "-m", "Mentoring check-in", "--every", every)
    doc = pln.json("done", "1")
    assert doc["done"]["state"] == "done"
    assert doc["next"] == {
        "id": 2,
        "person": {"id": 1, "name": "Ana Ruiz"},
        "due": next_due,
        "note": "Mentoring check-in",
        "every": every,
        "state": "open",
        "closed": None,
    }
    assert query(db_path, "SELECT id, due, state, every FROM followup ORDER BY id") == [
        (1, first_due, "done", every),
        (2, next_due, "open", every),
    ]
    assert [r["id"] for r in pln.json("reminders")] == [2]


def test_done_twice_is_refused(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    pln("done", "1")
    line = fails(pln, dump, 2, "done", "1")
    assert "#1" in line
    assert "done" in line


def test_done_after_drop_is_refused(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    pln("drop", "1")
    fails(pln, dump, 2, "done", "1")


def test_done_unknown_id_is_not_found(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    line = fails(pln, dump, 3, "done", "42")
    assert "42" in line


# ---------------------------------------------------------------- snooze / drop


def test_snooze_moves_the_due_date(pln: Any, trio: None, db_path: Path) -> None:
    remind(pln, "Ana", "2026-11-20", "-m", "Send it")
    assert [d[0] for d in due(pln)] == ["follow-up"]
    doc = pln.json("snooze", "1", "next monday")
    assert doc == {
        "id": 1,
        "person": {"id": 1, "name": "Ana Ruiz"},
        "due": "2026-11-30",
        "note": "Send it",
        "every": None,
        "state": "open",
        "closed": None,
        "next": None,
        "changed": True,
    }
    assert query(db_path, "SELECT due, state FROM followup") == [("2026-11-30", "open")]
    assert due(pln) == []
    assert due(pln, "--within", "7d") == [("follow-up", "Ana Ruiz", "2026-11-30", -7)]
    result = pln("snooze", "1", "in 2 weeks")
    assert "Snoozed #1 for Ana Ruiz until 2026-12-07" in result.stderr


def test_snooze_errors(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    remind(pln, "Ben", "tomorrow")
    pln("done", "2")
    fails(pln, dump, 2, "snooze", "1", "next tuseday")
    fails(pln, dump, 3, "snooze", "9", "tomorrow")
    fails(pln, dump, 2, "snooze", "2", "tomorrow")


def test_drop_keeps_the_history(pln: Any, trio: None, db_path: Path) -> None:
    remind(pln, "Ana", "2026-11-20", "-m", "Send it")
    doc = pln.json("drop", "1")
    assert doc["state"] == "dropped"
    assert doc["due"] == "2026-11-20"
    assert query(db_path, "SELECT due, note, state, closed_at IS NOT NULL FROM followup") == [
        ("2026-11-20", "Send it", "dropped", 1)
    ]
    assert query(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    assert pln.json("reminders") == []
    assert due(pln) == []


def test_drop_errors(pln: Any, trio: None, dump: Dump) -> None:
    remind(pln, "Ana", "tomorrow")
    pln("drop", "1")
    fails(pln, dump, 2, "drop", "1")
    fails(pln, dump, 3, "drop", "7")


def test_drop_human_output(pln: Any, trio: None) -> None:
    remind(pln, "Ana", "tomorrow")
    assert "Dropped #1 for Ana Ruiz." in pln("drop", "1").stderr


# ---------------------------------------------------------------- due


@pytest.fixture
def busy_book(pln: Any) -> None:
    """Follow-ups, a first contact and reconnects, none of them in name order."""
    add(pln, "Yara Quinn", "Mo Farah", "Abe Lincoln")
    remind(pln, "Yara", "5 days ago", "-m", "Send the KS3 quiz bank")  # 5 overdue
    remind(pln, "Mo", "2 days ago", "-m", "Call back")  # 2 overdue
    remind(pln, "Abe", "today")  # due today
    # met 10 days ago: first contact was due 7 days ago (more overdue than any follow-up)
    add(pln, "Ivy Chen", "--met-at", "TeachMeet Northfield", "--on", "10 days ago")
    # reconnects: (days since contact / cadence) decides, not days overdue, not name
    add(pln, "Kofi Asante")  # network: 60 days
    pln("log", "Kofi", "-m", "x", "--on", "120 days ago")  # 2.0, 60 days overdue
    add(pln, "Priya Chandrasekar", "--circle", "colleague")  # 14 days
    pln("log", "Priya", "-m", "x", "--on", "20 days ago")  # 1.43, 6 days overdue
    add(pln, "Zed Young", "--every", "10d")
    pln("log", "Zed", "-m", "x", "--on", "30 days ago")  # 3.0, 20 days overdue
    # not due
    add(pln, "Quentin Quiet")
    pln("log", "Quentin", "-m", "x", "--on", "30 days ago")
    add(pln, "Fern Follow", "--circle", "following")
    pln("log", "Fern", "-m", "x", "--on", "400 days ago")


def test_due_order(pln: Any, busy_book: None) -> None:
    assert due(pln) == [
        ("follow-up", "Yara Quinn", "2026-11-18", 5),
        ("follow-up", "Mo Farah", "2026-11-21", 2),
        ("follow-up", "Abe Lincoln", "2026-11-23", 0),
        ("first-contact", "Ivy Chen", "2026-11-16", 7),
        ("reconnect", "Zed Young", "2026-11-03", 20),
        ("reconnect", "Kofi Asante", "2026-09-24", 60),
        ("reconnect", "Priya Chandrasekar", "2026-11-17", 6),
    ]


def test_due_json_item_shape(pln: Any, busy_book: None) -> None:
    items = pln.json("due")
    assert all(set(i) == DUE_KEYS for i in items)
    assert items[0] == {
        "kind": "follow-up",
        "person": {"id": 1, "name": "Yara Quinn"},
        "due": "2026-11-18",
        "days_overdue": 5,
        "reason": "Send the KS3 quiz bank",
        "followup_id": 1,
    }
    kofi = next(i for i in items if i["person"]["name"] == "Kofi Asante")
    assert kofi == {
        "kind": "reconnect",
        "person": {"id": 5, "name": "Kofi Asante"},
        "due": "2026-09-24",
        "days_overdue": 60,
        "reason": "last contact 4 months ago; you aim for every 60 days",
        "followup_id": None,
    }
    ivy = next(i for i in items if i["kind"] == "first-contact")
    assert ivy["followup_id"] is None
    assert ivy["reason"] == "met at TeachMeet Northfield 10 days ago; no contact since"


def test_due_human_output(pln: Any, busy_book: None) -> None:
    out = pln("due").stdout
    for word in (
        "follow-up #1",
        "Yara Quinn",
        "Send the KS3 quiz bank",
        "first-contact",
        "Ivy Chen",
        "reconnect",
        "Kofi Asante",
        "5 days ago",
    ):
        assert word in out
    assert "Fern" not in out
    assert "Quentin" not in out


def test_due_nothing(pln: Any) -> None:
    add(pln, "Ana Ruiz")
    assert pln.json("due") == []
    assert "Nothing due" in pln("due").stdout


def test_due_within_adds_upcoming_after_what_is_due_now(pln: Any) -> None:
    add(pln, "Abe Early", "Hu Late", "Wes Two", "Tom Seven", "Sam Eight")
    remind(pln, "Abe", "yesterday")
    pln("edit", "Hu", "--circle", "colleague")
    pln("log", "Hu", "-m", "x", "--on", "20 days ago")  # reconnect, 6 days overdue
    remind(pln, "Wes", "in 2 days")
    add(pln, "Vic Three", "--met-at", "TeachMeet")  # first contact due in 3 days
    add(pln, "Uma Five", "--circle", "colleague")
    pln("log", "Uma", "-m", "x", "--on", "9 days ago")  # reconnect due in 5 days
    remind(pln, "Tom", "in 7 days")  # on the horizon: in
    remind(pln, "Sam", "in 8 days")  # past the horizon: out
    now_only = [
        ("follow-up", "Abe Early", "2026-11-22", 1),
        ("reconnect", "Hu Late", "2026-11-17", 6),
    ]
    assert due(pln) == now_only
    assert due(pln, "--within", "7d") == now_only + [
        ("follow-up", "Wes Two", "2026-11-25", -2),
        ("first-contact", "Vic Three", "2026-11-26", -3),
        ("reconnect", "Uma Five", "2026-11-28", -5),
        ("follow-up", "Tom Seven", "2026-11-30", -7),
    ]
    assert [i[1] for i in due(pln, "--within", "1w")] == [i[1] for i in due(pln, "--within", "7d")]
    assert due(pln, "--within", "8d")[-1] == ("follow-up", "Sam Eight", "2026-12-01", -8)


def test_due_within_bad_interval_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz")
    line = fails(pln, dump, 2, "due", "--within", "a while")
    assert "--within" in line


def test_open_follow_up_replaces_reconnect_and_first_contact(pln: Any) -> None:
    add(pln, "Kofi Asante")
    pln("log", "Kofi", "-m", "x", "--on", "120 days ago")
    add(
        pln, "Ivy Chen", "--met-at", "TeachMeet", "--on", "10 days ago", "--follow-up", "in 10 days"
    )
    assert [(k, n) for k, n, _, _ in due(pln)] == [("reconnect", "Kofi Asante")]
    remind(pln, "Kofi", "in 10 days")
    assert due(pln) == []
    assert [(k, n) for k, n, _, _ in due(pln, "--within", "14d")] == [
        ("follow-up", "Ivy Chen"),
        ("follow-up", "Kofi Asante"),
    ]
    # dropping the plan brings the person back
    pln("drop", "1")
    assert [(k, n) for k, n, _, _ in due(pln)] == [("first-contact", "Ivy Chen")]


def test_following_circle_is_never_a_reconnect(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_NOW", "2024-01-10T10:00:00")
    add(pln, "Fay Never", "--circle", "following")
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    add(pln, "Fern Follow", "--circle", "following")
    pln("log", "Fern", "-m", "x", "--on", "2025-01-01")
    assert due(pln, "--within", "1y") == []
    # a cadence of their own does make them a reconnect
    pln("edit", "Fern", "--every", "30d")
    assert [(k, n) for k, n, _, _ in due(pln)] == [("reconnect", "Fern Follow")]


def test_every_never_is_never_a_reconnect(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--every", "never", "--circle", "colleague")
    pln("log", "Ana", "-m", "x", "--on", "2025-01-01")
    assert due(pln) == []


def test_never_contacted_counts_from_when_added(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_NOW", "2026-09-01T10:00:00")
    add(pln, "Olga Colleague", "--circle", "colleague")
    add(pln, "Otto Network")
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    add(pln, "Nina New", "--circle", "colleague")
    items = pln.json("due")
    assert [(i["kind"], i["person"]["name"], i["due"], i["days_overdue"]) for i in items] == [
        ("reconnect", "Olga Colleague", "2026-09-15", 69),  # 83 days on 14: 5.9
        ("reconnect", "Otto Network", "2026-10-31", 23),  # 83 days on 60: 1.4
    ]
    assert "no contact yet" in items[0]["reason"]
    assert "every 2 weeks" in items[0]["reason"]
    assert [i[1] for i in due(pln, "--within", "14d")][-1] == "Nina New"


def test_first_contact_until_contact_after_meeting(pln: Any) -> None:
    add(pln, "Ivy Chen", "Jo Park", "--met-at", "TeachMeet Northfield", "--on", "8 days ago")
    pln("log", "Jo", "-m", "before we met properly", "--on", "9 days ago")
    assert due(pln) == [
        ("first-contact", "Ivy Chen", "2026-11-18", 5),
        ("first-contact", "Jo Park", "2026-11-18", 5),
    ]
    pln("log", "Ivy", "-m", "Thanks for the chat", "--on", "yesterday")
    assert due(pln) == [("first-contact", "Jo Park", "2026-11-18", 5)]
    pln("log", "Jo", "-m", "Hello")
    assert due(pln) == []
    # and after the follow-up they are ordinary network contacts again
    assert due(pln, "--within", "60d")[0][0] == "reconnect"


def test_done_follow_up_ends_the_first_contact(pln: Any) -> None:
    with pinned_today(date(2026, 11, 22)):  # --follow-up refuses the past: made yesterday
        add(pln, "Ivy Chen", "--met-at", "TeachMeet", "--on", "7 days ago", "--follow-up", "today")
    assert [k for k, *_ in due(pln)] == ["follow-up"]
    pln("done", "1")
    assert due(pln) == []


def test_due_circle_and_topic_filters(pln: Any) -> None:
    add(pln, "Cat Colleague", "--circle", "colleague", "--topic", "assessment")
    pln("log", "Cat", "-m", "x", "--on", "30 days ago")
    add(pln, "Nat Network", "--seeks", "Assessment for learning")
    pln("log", "Nat", "-m", "x", "--on", "90 days ago")
    add(pln, "Ola Oracy", "--circle", "colleague", "--offers", "oracy")
    remind(pln, "Ola", "yesterday", "-m", "Share the talk frames")
    add(pln, "Pat Promise", "--offers", "assessment")
    remind(pln, "Pat", "2 days ago")
    assert [n for _, n, _, _ in due(pln)] == [
        "Pat Promise",
        "Ola Oracy",
        "Cat Colleague",
        "Nat Network",
    ]
    assert [n for _, n, _, _ in due(pln, "--circle", "colleague")] == ["Ola Oracy", "Cat Colleague"]
    assert [n for _, n, _, _ in due(pln, "--circle", "network")] == ["Pat Promise", "Nat Network"]
    # a topic filter matches words and word prefixes of topics, as `pln find` does
    assert [n for _, n, _, _ in due(pln, "--topic", "Assessments")] == [
        "Pat Promise",
        "Cat Colleague",
        "Nat Network",
    ]
    assert [n for _, n, _, _ in due(pln, "--topic", "learning")] == ["Nat Network"]
    assert [n for _, n, _, _ in due(pln, "--topic", "assessment for learning")] == ["Nat Network"]
    assert [n for _, n, _, _ in due(pln, "--topic", "oracy", "--circle", "colleague")] == [
        "Ola Oracy"
    ]
    assert due(pln, "--topic", "oracy", "--circle", "network") == []


def test_due_excludes_archived_people(pln: Any, busy_book: None) -> None:
    pln("archive", "Yara")
    pln("archive", "Kofi")
    pln("archive", "Ivy")
    names = [n for _, n, _, _ in due(pln)]
    assert names == ["Mo Farah", "Abe Lincoln", "Zed Young", "Priya Chandrasekar"]
    pln("restore", "Kofi")
    assert "Kofi Asante" in [n for _, n, _, _ in due(pln)]


def test_snooze_and_remind_into_the_past_are_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    remind(pln, "Ana", "yesterday", "-m", "late")
    before = dump()
    r = pln("remind", "Ana", "yesterday", "-m", "late", code=2)
    assert "2026-11-22, in the past" in r.stderr
    r = pln("snooze", "1", "2026-11-20", code=2)
    assert "in the past" in r.stderr
    assert dump() == before


def test_log_later_today_is_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    before = dump()
    r = pln("log", "Ana", "-m", "soon", "--on", "today 23:00", code=2)
    assert "in the future" in r.stderr
    assert dump() == before
    pln("log", "Ana", "-m", "this morning", "--on", "today 09:00")


def test_huge_ids_and_the_end_of_the_calendar(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    before = dump()
    assert "error:" in pln("show", "#99999999999999999999999", code=3).stderr
    assert "error:" in pln("done", "99999999999999999999999", code=3).stderr
    assert dump() == before
    fid = pln.json("remind", "Ana", "dec 31 9999", "--every", "1y")["id"]
    pln("done", str(fid))  # the last one there can be: closed, nothing rolls forward
    assert pln.json("reminders") == []
