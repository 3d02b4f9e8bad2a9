"""Issue 12: words, not codes (item 10); see what was done (item 6); dates people type (item 5)."""

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Dump, fails, pinned_today
from plncli import fast
from plncli.dates import Interval, humanize_day, parse_interval, say_every
from plncli.db import from_db_time

TODAY = date(2026, 11, 23)


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# ---------------------------------------------------------------- item 10: counts


def test_one_person_is_one_person_not_one_people(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    assert pln("list").stderr.strip() == "1 person"
    pln("add", "Ben Okafor")
    assert pln("list").stderr.strip() == "2 people"


def test_group_counts_and_an_existing_member_in_words(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor", "Carla Diaz")
    assert pln("group", "add", "ChemChat", "Ana").stderr == "Created ChemChat: 1 member added.\n"
    result = pln("group", "add", "ChemChat", "Ana")
    assert result.stderr == "Updated ChemChat: Ana Ruiz was already a member.\n"
    result = pln("group", "add", "ChemChat", "Ben", "Carla", "Ben")
    assert result.stderr == "Updated ChemChat: 2 members added.\n"  # Ben named twice: once
    result = pln("group", "add", "ChemChat", "Ana", "Ben")
    assert result.stderr == "Updated ChemChat: Ana Ruiz and Ben Okafor were already members.\n"
    assert rows(db_path, "SELECT count(*) FROM pgroup_member") == [(3,)]
    pln("group", "remove", "ChemChat", "Carla")
    result = pln("group", "add", "ChemChat", "Carla", "Ana")
    assert result.stderr == "Updated ChemChat: 1 member added; Ana Ruiz was already a member.\n"
    assert pln("group", "remove", "ChemChat", "Carla").stderr == (
        "Removed 1 member from ChemChat.\n"
    )
    assert pln("group", "show", "ChemChat").stdout.startswith("ChemChat: 2 members")
    pln("group", "remove", "ChemChat", "Ben")
    assert pln("group", "show", "ChemChat").stdout.startswith("ChemChat: 1 member\n")


def test_merge_plan_counts_in_words(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ana R")
    pln("log", "Ana R", "-m", "coffee")
    result = pln("merge", "Ana Ruiz", "Ana R", "--yes")
    assert "1 interaction, 0 follow-ups, 0 ties, 0 groups, 0 introductions move" in result.stderr
    assert "(s)" not in result.stderr


# ---------------------------------------------------------------- item 10: cadences


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("1w", "weekly"),
        ("weekly", "weekly"),
        ("every month", "monthly"),
        ("1m", "monthly"),
        ("2w", "every 2 weeks"),
        ("fortnightly", "every 2 weeks"),
        ("60d", "every 60 days"),
        ("1y", "yearly"),
        ("3 months", "every 3 months"),
        ("1m2w", "every 1 month 2 weeks"),
        ("daily", "daily"),
    ],
)
def test_cadences_in_words_everywhere(pln: Any, typed: str, said: str) -> None:
    pln("add", "Ana Ruiz", "--every", typed)
    profile = pln("show", "Ana").stdout
    assert f"keep in touch  {said}" in profile
    pln("remind", "Ana", "tomorrow", "-m", "call", "--every", typed)
    assert f"call ({said})" in pln("reminders").stdout
    assert f"call ({said})" in pln("show", "Ana").stdout
    assert f"call ({said})" in pln("due", "--within", "7d").stdout
    # JSON keeps the stored canonical form (an interface; never renamed)
    [fu] = pln.json("reminders")
    assert fu["every"] == str(parse_interval(typed))
    assert pln.json("show", "Ana")["cadence"] == str(parse_interval(typed))


def test_reconnect_reason_says_every_month_not_every_1_month(pln: Any) -> None:
    with pinned_today(TODAY - timedelta(days=100)):
        pln("add", "Ana Ruiz", "--every", "1m")
        pln("add", "Ben Okafor", "--every", "1m2w")
    reasons = {d["person"]["name"]: d["reason"] for d in pln.json("due")}
    assert reasons["Ana Ruiz"] == "no contact yet (added 3 months ago); you aim for every month"
    assert reasons["Ben Okafor"].endswith("you aim for every 1 month 2 weeks")


@given(
    st.builds(Interval, months=st.integers(0, 120), days=st.integers(0, 3653)).filter(
        lambda iv: iv.months or iv.days
    )
)
def test_say_every_is_words_and_never_a_code(iv: Interval) -> None:
    said = say_every(iv)
    assert said == say_every(str(iv))
    for word in said.split():
        assert word.isdigit() or word.isalpha(), said
    words = said.split()
    for number, unit in zip(words, words[1:], strict=False):
        assert not (number == "1" and unit.endswith("s")), said
    assert parse_interval(said) == iv  # the words read back as the same rhythm


# ---------------------------------------------------------------- item 10: how long ago


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (-365, "a year ago"),
        (365, "in a year"),
        (-355, "a year ago"),
        (-334, "11 months ago"),
        (-1004, "2 years 9 months ago"),
        (-456, "1 year 3 months ago"),
        (-731, "2 years ago"),
        (-3652, "10 years ago"),
    ],
)
def test_long_spans_in_years_and_months(delta: int, expected: str) -> None:
    assert humanize_day(TODAY + timedelta(days=delta), today=TODAY) == expected


@given(st.integers(60, 40_000))
def test_never_twelve_months_or_more(n: int) -> None:
    said = humanize_day(TODAY - timedelta(days=n), today=TODAY)
    words = said.split()
    assert words[-1] == "ago"
    if "month" in said or "months" in said:
        months = int(words[words.index("months" if "months" in words else "month") - 1])
        assert 1 <= months <= 11, said


def test_list_says_a_year_ago(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    pln("log", "Ana", "-m", "coffee", "--on", (TODAY - timedelta(days=365)).isoformat())
    assert "a year ago" in pln("list").stdout


# ---------------------------------------------------------------- item 10: help, --circle


def test_pln_help_is_pln_dash_dash_help(pln: Any) -> None:
    assert pln("help").stdout == pln("--help").stdout
    assert pln("help", "log").stdout == pln("log", "--help").stdout
    assert pln("help", "group", "add").stdout == pln("group", "add", "--help").stdout
    assert "pln help COMMAND" in pln("--help").stdout


def test_help_for_an_unknown_command_is_a_clean_error(pln: Any) -> None:
    result = pln("help", "nosuch", code=2)
    assert result.stderr.startswith("error: No such command 'nosuch'.")


@pytest.mark.parametrize("typed", ["Colleague", "COLLEAGUE", "colleague"])
def test_circle_is_case_insensitive(pln: Any, db_path: Path, typed: str) -> None:
    pln("add", "Ana Ruiz", "--circle", typed)
    pln("add", "Ben Okafor", "--circle", "Network")
    assert rows(db_path, "SELECT name, circle FROM person ORDER BY id") == [
        ("Ana Ruiz", "colleague"),
        ("Ben Okafor", "network"),
    ]
    pln("edit", "Ben", "--circle", "FOLLOWING")
    assert rows(db_path, "SELECT circle FROM person WHERE id = 2") == [("following",)]
    assert [p["name"] for p in pln.json("list", "--circle", typed)] == ["Ana Ruiz"]


def test_circle_case_on_the_fast_path_prints_what_typer_prints(
    pln: Any, db_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pln("add", "Ana Ruiz", "--circle", "colleague")
    pln("add", "Ben Okafor")
    monkeypatch.setenv("PLN_DB", str(db_path))
    for argv in (["list", "--circle", "Colleague"], ["due", "--circle=NETWORK", "--json"]):
        assert fast.run(argv) == 0  # handled without Typer
        got = capsys.readouterr()
        typer_result = pln(*argv)
        assert got.out == typer_result.stdout
        assert got.err == typer_result.stderr


def test_an_unknown_circle_is_still_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "edit", "Ana", "--circle", "Friends")
    assert "'Friends' is not one of" in line


# ---------------------------------------------------------------- item 6: see what was done


@pytest.fixture
def done_three(pln: Any) -> None:
    """Ana's follow-ups: #1 done on the 18th (logged), #2 done on the 20th without a log,
    #3 dropped on the 21st, #4 still open; Ben's #5 done on the 22nd."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    with pinned_today(date(2026, 11, 16)):
        pln("remind", "Ana", "2026-11-17", "-m", "send slides")
        pln("remind", "Ana", "2026-11-19", "-m", "quiet one")
        pln("remind", "Ana", "2026-11-19", "-m", "dropped one")
        pln("remind", "Ana", "2026-12-01", "-m", "still open")
        pln("remind", "Ben", "2026-11-30", "-m", "ben's")
    with pinned_today(date(2026, 11, 18)):
        pln("done", "1")
    with pinned_today(date(2026, 11, 20)):
        pln("done", "2", "--no-log")
    with pinned_today(date(2026, 11, 21)):
        pln("drop", "3")
    with pinned_today(date(2026, 11, 22)):
        pln("done", "#5")


def test_reminders_done_say_when_each_was_done(pln: Any, db_path: Path, done_three: None) -> None:
    docs = pln.json("reminders", "--state", "done")
    assert [(d["id"], d["closed"]) for d in docs] == [
        (1, "2026-11-18"),
        (2, "2026-11-20"),
        (5, "2026-11-22"),
    ]
    # the day is the local day of the stored instant (the suite runs in any zone)
    stored = dict(rows(db_path, "SELECT id, closed_at FROM followup WHERE state = 'done'"))
    for d in docs:
        at = from_db_time(stored[d["id"]])
        assert at is not None
        assert at.astimezone().date().isoformat() == d["closed"]
    table = pln("reminders", "--state", "done").stdout.splitlines()
    assert table[0].split() == ["#", "who", "due", "state", "closed", "what"]
    assert "done   2026-11-18 (5 days ago)  send slides" in table[1]
    everything = {d["id"]: d["closed"] for d in pln.json("reminders", "--state", "all")}
    assert everything == {
        1: "2026-11-18",
        2: "2026-11-20",
        3: "2026-11-21",
        4: None,
        5: "2026-11-22",
    }
    assert "closed" not in pln("reminders").stdout.splitlines()[0]  # open ones: as before
    assert pln.json("reminders")[0]["closed"] is None


def test_show_lists_done_followups_on_the_timeline(pln: Any, done_three: None) -> None:
    doc = pln.json("show", "Ana")
    assert [(f["id"], f["closed"], f["state"]) for f in doc["done_followups"]] == [
        (2, "2026-11-20", "done"),
        (1, "2026-11-18", "done"),
    ]
    assert [f["id"] for f in doc["followups"]] == [4]  # unchanged: the open ones
    assert [i["kind"] for i in doc["interactions"]] == ["follow-up"]  # #1 was logged
    out = pln("show", "Ana").stdout
    timeline = out[out.index("Timeline") :].splitlines()
    assert len(timeline) == 4  # title, header, two rows: #1 and its log are one row
    assert timeline[2].split(maxsplit=4) == [
        "2026-11-20",
        "(3",
        "days",
        "ago)",
        "follow-up #2 done        quiet one",
    ]
    assert "follow-up #1 done" in timeline[3]
    assert "send slides" in timeline[3]
    assert "dropped one" not in out
    assert "ben's" not in out
    assert [f["id"] for f in pln.json("show", "Ben")["done_followups"]] == [5]


def test_show_without_done_followups_is_as_before(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    assert pln.json("show", "Ana")["done_followups"] == []
    assert "No interactions yet." in pln("show", "Ana").stdout
