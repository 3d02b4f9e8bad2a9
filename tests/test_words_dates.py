"""Issue 12: words, not codes (item 10); see what was done (item 6); dates people type (item 5)."""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import Dump, change, fails, pinned_today, query
from plncli import fast
from plncli.dates import Interval, humanize_day, parse_interval, say_every
from plncli.db import from_db_time

TODAY = date(2026, 11, 23)


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    return query(db_path, sql)


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
    assert result.stderr == "Nothing changed: ChemChat: Ana Ruiz was already a member.\n"
    result = pln("group", "add", "ChemChat", "Ben", "Carla", "Ben")
    assert result.stderr == "Updated ChemChat: 2 members added.\n"  # Ben named twice: once
    result = pln("group", "add", "ChemChat", "Ana", "Ben")
    assert (
        result.stderr
        == "Nothing changed: ChemChat: Ana Ruiz and Ben Okafor were already members.\n"
    )
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


def test_pln_help_shows_the_manual_page(pln: Any) -> None:
    """`pln help COMMAND` is the command's manual page now (tests/test_manual.py)."""
    assert pln("help", "log").stdout.startswith("PLN-LOG(1)")
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


def test_circle_case_on_the_fast_path_prints_what_typer_prints(pln: Any, capsys: Any) -> None:
    pln("add", "Ana Ruiz", "--circle", "colleague")
    pln("add", "Ben Okafor")
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


def test_one_more_open_followup_in_the_singular(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    for n in range(4):
        pln("remind", "Ana", f"in {n + 1} days", "-m", f"task {n}")
    result = pln("log", "Ana", "-m", "coffee")
    assert "... and 1 more open follow-up; see `pln reminders`." in result.stderr


# ---------------------------------------------------------------- item 5: dates people type


@pytest.mark.parametrize(
    ("env", "dayfirst"),
    [
        ({"LANG": "en_GB.UTF-8"}, True),
        ({"LANG": "en_AU.UTF-8"}, True),
        ({"LANG": "fr_FR.UTF-8"}, True),
        ({"LANG": "de_DE@euro"}, True),
        ({"LANG": "en_US.UTF-8"}, False),
        ({"LANG": "en_CA.UTF-8"}, False),
        ({"LANG": "fr_CA.UTF-8"}, True),
        ({"LANG": "ja_JP.UTF-8"}, False),
        ({"LANG": "C.UTF-8"}, False),
        ({"LANG": "POSIX"}, False),
        ({}, False),
        ({"LANG": "en_US.UTF-8", "LC_TIME": "en_GB.UTF-8"}, True),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "en_US.UTF-8"}, False),
        ({"LC_ALL": "en_GB.UTF-8", "LC_TIME": "en_US.UTF-8"}, True),
        ({"LC_ALL": "", "LC_TIME": "", "LANG": "en_NZ.UTF-8"}, True),
    ],
)
def test_locale_decides_day_or_month_first(env: dict[str, str], dayfirst: bool) -> None:
    from plncli.settings import locale_dayfirst

    assert locale_dayfirst(env) is dayfirst


def _met_on(pln: Any, name: str) -> str:
    return str(pln.json("show", name)["met_on"])


@pytest.mark.parametrize("var", ["LANG", "LC_TIME", "LC_ALL"])
def test_11_03_is_11_march_in_a_day_first_locale(
    pln: Any, monkeypatch: pytest.MonkeyPatch, var: str
) -> None:
    monkeypatch.delenv("LC_TIME")
    monkeypatch.setenv(var, "en_GB.UTF-8")
    pln("add", "Ana Ruiz", "--on", "11/03/2026")
    assert _met_on(pln, "Ana") == "2026-03-11"
    monkeypatch.setenv(var, "en_US.UTF-8")
    pln("add", "Ben Okafor", "--on", "11/03/2026")
    assert _met_on(pln, "Ben") == "2026-11-03"


def test_the_config_overrides_the_locale(
    pln: Any, env_setup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_setup.mkdir(parents=True, exist_ok=True)
    config = env_setup / "config.toml"
    monkeypatch.setenv("LC_TIME", "en_GB.UTF-8")
    config.write_text("dayfirst = false\n")
    pln("add", "Ana Ruiz", "--on", "11/03/2026")
    assert _met_on(pln, "Ana") == "2026-11-03"
    monkeypatch.setenv("LC_TIME", "en_US.UTF-8")
    config.write_text("dayfirst = true\n")
    pln("add", "Ben Okafor", "--on", "11/03/2026")
    assert _met_on(pln, "Ben") == "2026-03-11"


def test_13_03_under_month_first_names_dayfirst(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "log", "Ana", "-m", "x", "--on", "13/03/2026")
    assert line == (
        "error: --on: 13/03/2026 is not a date read month first (there is no month 13);"
        " set dayfirst = true in config.toml to read dates like it day first"
    )


def test_03_13_under_day_first_names_dayfirst(
    pln: Any, dump: Dump, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LC_TIME", "en_GB.UTF-8")
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "edit", "Ana", "--on", "03/13/2026")
    assert "read day first (there is no month 13); set dayfirst = false" in line
    line = fails(pln, dump, 2, "edit", "Ana", "--on", "31/13/2026")  # no order makes it a date
    assert "dayfirst" not in line


@pytest.mark.parametrize(
    ("typed", "due", "kept"),
    [
        ("tomorrow 9am", "2026-11-24", "09:00"),
        ("Friday at 15:30", "2026-11-27", "15:30"),
        ("dec 3 3:30pm", "2026-12-03", "15:30"),
        ("5pm", "2026-11-23", "17:00"),
    ],
)
def test_a_followup_keeps_the_day_and_says_the_time_is_not_kept(
    pln: Any, db_path: Path, typed: str, due: str, kept: str
) -> None:
    pln("add", "Ana Ruiz")
    day = date.fromisoformat(due)
    result = pln("remind", "Ana", typed, "-m", "call")
    assert result.stderr.splitlines() == [
        f"Follow-up #1 for Ana Ruiz due {due} ({humanize_day(day, today=TODAY)}).",
        f"note: follow-ups are due on a day; the time ({kept}) is not kept",
    ]
    assert rows(db_path, "SELECT due FROM followup") == [(due,)]
    result = pln("log", "Ana", "-m", "coffee", "--follow-up", typed)
    assert result.stderr.splitlines()[-1].startswith("note: follow-ups are due on a day")
    pln("snooze", "1", typed)
    result = pln("add", "Ben Okafor", "--follow-up", typed)
    assert result.stderr.splitlines()[-1].startswith("note: follow-ups are due on a day")
    assert pln("remind", "Ana", "tomorrow", "-m", "x").stderr.count("note:") == 0


def test_a_followup_time_on_a_failed_command_says_only_the_error(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    fails(pln, dump, 3, "remind", "Nobody At All", "tomorrow 9am", "-m", "x")
    line = fails(pln, dump, 2, "remind", "Ana", "yesterday 9am", "-m", "x")
    assert "in the past" in line
    line = fails(pln, dump, 2, "remind", "Ana", "tomorrow 25:00", "-m", "x")
    assert line == (
        "error: WHEN: 25:00 is not a time: hours run from 0 to 23; try: 15:30, 9:05, 3pm, 3:30pm"
    )
    line = fails(pln, dump, 2, "remind", "Ana", "next tuseday 9am", "-m", "x")
    assert "could not read 'next tuseday 9am' as a date" in line


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    st.sampled_from(["tomorrow", "friday", "in 3 days", "dec 3", "2027-01-31", "next week"]),
    st.integers(0, 23),
    st.integers(0, 59),
    st.booleans(),
)
def test_parse_day_at_keeps_the_day_of_parse_day(
    today: date, day_text: str, hour: int, minute: int, ampm: bool
) -> None:
    from plncli.dates import parse_day, parse_day_at

    clock = (
        f"{hour % 12 or 12}:{minute:02d}{'pm' if hour >= 12 else 'am'}"
        if ampm
        else (f"{hour}:{minute:02d}")
    )
    day, kept = parse_day_at(f"{day_text} {clock}", today=today)
    assert day == parse_day(day_text, today=today)
    assert kept is not None
    assert (kept.hour, kept.minute) == (hour, minute)
    assert parse_day_at(day_text, today=today) == (day, None)


def test_a_rhythm_pln_did_not_write_is_shown_as_stored(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    pln("remind", "Ana", "tomorrow", "-m", "call", "--every", "2w")
    change(db_path, "UPDATE followup SET every = 'fortnight-ish'")
    assert "call (every fortnight-ish)" in pln("reminders").stdout
    assert say_every("never") == "never"


def test_done_followups_on_the_fast_path_print_what_typer_prints(
    pln: Any, capsys: Any, done_three: None
) -> None:
    for argv in (["show", "Ana"], ["show", "Ana", "--json"], ["show", "--all", "#1"]):
        assert fast.run(argv) == 0
        got = capsys.readouterr()
        typer_result = pln(*argv)
        assert got.out == typer_result.stdout
        assert got.err == typer_result.stderr
        assert "follow-up #2 done" in got.out or '"done_followups"' in got.out
