"""Follow-up and meeting dates say what they mean (issue 9 items 7-10; issue 12 item 2).

- `add --on` (and `edit --on`) refuse a meeting date in the future, as `log --on` does.
- One rule for every follow-up date typed (`add --follow-up`, `remind`, `snooze`): the past
  is an error naming the date; today is allowed.
- Snoozing one occurrence of a recurring follow-up leaves the series on its rhythm.
- A month and day without a year must exist in the year meant ("feb 29" in 2027 is refused).
- `done`, `snooze` and `drop` take `#3` and several ids, all or nothing.

"now" is pinned to Monday 2026-11-23 10:00 UTC by conftest.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import (
    Dump,
    assert_clean_error,
    book_exists,
    fails,
    pinned_today,
    query,
    remind_as_typed,
)
from plncli.dates import DateError, parse_day

TODAY = date(2026, 11, 23)  # a Monday
FRIDAY = date(2026, 11, 27)
_names = count(1)  # fresh names for people added by property tests
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def rows(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    return query(db, sql, *args)


def followups(db: Path) -> list[tuple[int, str, str | None, str]]:
    """(id, due, every, state) of every follow-up, by id."""
    return rows(db, "SELECT id, due, every, state FROM followup ORDER BY id")


def remind(pln: Any, person: str, when: str, *args: str) -> dict[str, Any]:
    return remind_as_typed(pln, person, when, *args, today=TODAY)  # type: ignore[no-any-return]


@pytest.fixture
def ana(pln: Any) -> None:
    pln("add", "Ana Ruiz")


# ---------------------------------------------------------------- item 7: add --on


@pytest.mark.parametrize(
    ("on", "day"),
    [("next year", "2027-11-23"), ("tomorrow", "2026-11-24"), ("2026-12-25", "2026-12-25")],
)
def test_add_on_in_the_future_is_refused(
    pln: Any, ana: None, dump: Dump, db_path: Path, on: str, day: str
) -> None:
    line = fails(pln, dump, 2, "add", "Ben Okafor", "--on", on)
    assert line == f"error: --on {on!r} is {day}, in the future"
    assert rows(db_path, "SELECT name FROM person") == [("Ana Ruiz",)]


def test_edit_on_in_the_future_is_refused(pln: Any, ana: None, dump: Dump) -> None:
    line = fails(pln, dump, 2, "edit", "Ana", "--on", "next year")
    assert "in the future" in line


def test_add_on_today_or_earlier_is_kept(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--on", "today")
    pln("add", "Ben Okafor", "--on", "nov 24")  # no year: the last nov 24, in 2025
    pln("edit", "Ana", "--on", "yesterday")
    assert rows(db_path, "SELECT name, met_on FROM person ORDER BY id") == [
        ("Ana Ruiz", "2026-11-22"),
        ("Ben Okafor", "2025-11-24"),
    ]


def test_add_on_future_error_has_a_hint(pln: Any, ana: None) -> None:
    result = pln("add", "Ben Okafor", "--on", "next year", code=2)
    assert assert_clean_error(result)
    assert result.stderr.splitlines()[1] == "hint: --on is the day you met: today or earlier"


# ---------------------------------------------------------------- item 8: one rule


def test_add_follow_up_in_the_past_is_refused_naming_the_date(
    pln: Any, ana: None, dump: Dump, db_path: Path
) -> None:
    line = fails(pln, dump, 2, "add", "Ben Okafor", "--follow-up", "yesterday")
    assert line == "error: --follow-up 'yesterday' is 2026-11-22, in the past"
    assert rows(db_path, "SELECT count(*) FROM person") == [(1,)]
    assert followups(db_path) == []


def test_every_follow_up_date_may_be_today(pln: Any, ana: None, db_path: Path) -> None:
    pln("add", "Ben Okafor", "--follow-up", "today")
    pln("remind", "Ana", "today")
    pln("remind", "Ana", "tomorrow")
    pln("snooze", "3", "today")
    assert followups(db_path) == [
        (1, "2026-11-23", None, "open"),
        (2, "2026-11-23", None, "open"),
        (3, "2026-11-23", None, "open"),
    ]


@PROPERTY
@given(offset=st.integers(min_value=-3000, max_value=3000))
def test_one_rule_for_every_follow_up_date(
    pln: Any, dump: Dump, db_path: Path, offset: int
) -> None:
    """add --follow-up, remind and snooze accept a day iff it is today or later."""
    if not book_exists(db_path) or rows(db_path, "SELECT count(*) FROM person") == [(0,)]:
        pln("add", "Ana Ruiz")
        pln("remind", "Ana", "tomorrow", "-m", "the one to snooze")
    day = (TODAY + timedelta(days=offset)).isoformat()
    commands = [
        ("add", f"Person {next(_names)}", "--follow-up", day),
        ("remind", "Ana", day),
        ("snooze", "1", day),
    ]
    for args in commands:
        if offset < 0:
            line = fails(pln, dump, 2, *args)
            assert line.endswith(f"is {day}, in the past")
        else:
            pln(*args)
    if offset >= 0:
        newest = rows(db_path, "SELECT due FROM followup ORDER BY id DESC LIMIT 2")
        snoozed = rows(db_path, "SELECT due FROM followup WHERE id = 1")
        assert newest + snoozed == [(day,)] * 3


# ---------------------------------------------------------------- item 9: series rhythm


def test_snoozing_one_friday_leaves_the_series_on_fridays(
    pln: Any, ana: None, db_path: Path
) -> None:
    remind(pln, "Ana", "friday", "-m", "Weekly check-in", "--every", "weekly")
    doc = pln.json("snooze", "1", "sunday")
    assert (doc["due"], doc["every"]) == ("2026-11-29", None)
    assert doc["next"] == {
        "id": 2,
        "person": {"id": 1, "name": "Ana Ruiz"},
        "due": "2026-12-04",  # a Friday
        "note": "Weekly check-in",
        "every": "1w",
        "state": "open",
        "closed": None,
    }
    assert followups(db_path) == [
        (1, "2026-11-29", None, "open"),
        (2, "2026-12-04", "1w", "open"),
    ]
    # on Sunday the snoozed one is done; the series is still on Fridays
    with pinned_today(date(2026, 11, 29)):
        assert pln.json("done", "1")["next"] is None
    with pinned_today(date(2026, 12, 4)):
        assert pln.json("done", "2")["next"]["due"] == "2026-12-11"
    assert [r[1] for r in followups(db_path) if r[3] == "open"] == ["2026-12-11"]


def test_snooze_human_output_says_the_series_goes_on(pln: Any, ana: None) -> None:
    remind(pln, "Ana", "friday", "--every", "weekly")
    err = pln("snooze", "1", "sunday").stderr
    assert "Snoozed #1 for Ana Ruiz until 2026-11-29 (in 6 days)." in err
    assert "Only this one moved: its series goes on as #2 due 2026-12-04 (in 11 days)." in err


def test_snoozing_an_overdue_occurrence_keeps_the_next_one(
    pln: Any, ana: None, db_path: Path
) -> None:
    remind(pln, "Ana", "last friday", "--every", "weekly")  # due 2026-11-20, overdue
    pln("snooze", "1", "wednesday")
    assert followups(db_path) == [
        (1, "2026-11-25", None, "open"),
        (2, "2026-11-27", "1w", "open"),
    ]


def test_snoozing_onto_the_rhythm_moves_the_series(pln: Any, ana: None, db_path: Path) -> None:
    remind(pln, "Ana", "friday", "--every", "weekly")
    doc = pln.json("snooze", "1", "in 11 days")  # Friday 2026-12-04: skips one week
    assert (doc["due"], doc["every"], doc["next"]) == ("2026-12-04", "1w", None)
    assert followups(db_path) == [(1, "2026-12-04", "1w", "open")]
    with pinned_today(date(2026, 12, 4)):
        assert pln.json("done", "1")["next"]["due"] == "2026-12-11"


def test_snoozing_a_monthly_series_keeps_its_day_of_month(
    pln: Any, ana: None, db_path: Path
) -> None:
    remind(pln, "Ana", "2026-10-31", "--every", "monthly")  # month ends: oct 31, nov 30, dec 31
    pln("snooze", "1", "dec 2")
    assert followups(db_path) == [
        (1, "2026-12-02", None, "open"),
        (2, "2026-11-30", "1m", "open"),  # the series' next date after today
    ]
    with pinned_today(date(2026, 11, 30)):  # the 31st again: counted from 31 October
        assert pln.json("done", "2")["next"]["due"] == "2026-12-31"


INTERVALS = st.one_of(
    st.integers(min_value=1, max_value=60).map(lambda n: (f"{n}d", n, 0)),
    st.integers(min_value=1, max_value=12).map(lambda n: (f"{n}m", 0, n)),
)


@PROPERTY
@given(
    interval=INTERVALS,
    first=st.integers(min_value=-100, max_value=100),
    later=st.integers(min_value=0, max_value=400),
)
def test_after_a_snooze_the_series_stays_on_its_rhythm(
    pln: Any, db_path: Path, interval: tuple[str, int, int], first: int, later: int
) -> None:
    from plncli.dates import Interval

    every, days, months = interval
    iv = Interval(months, days)
    name = f"Series {next(_names)}"
    pln("add", name)
    start = TODAY + timedelta(days=first)
    fid = remind(pln, name, start.isoformat(), "--every", every)["id"]
    until = TODAY + timedelta(days=later)
    doc = pln.json("snooze", str(fid), until.isoformat())
    rhythm = {iv.add_to(start, k) for k in range(0, 500)}
    assert doc["due"] == until.isoformat()
    if until in rhythm:
        assert doc["next"] is None
        assert doc["every"] is not None
    else:
        assert doc["every"] is None
        following = date.fromisoformat(doc["next"]["due"])
        assert following in rhythm
        assert following > max(TODAY, start)
        earlier = [d for d in rhythm if max(TODAY, start) < d < following]
        assert earlier == []


# ---------------------------------------------------------------- item 10: feb 29


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("feb 29", "feb 29 is not a date: February 2027 has 28 days"),
        ("feb 30", "feb 30 is not a date: February 2027 has 28 days"),
        ("29th feb", "29th feb is not a date: February 2027 has 28 days"),
        ("apr 31", "apr 31 is not a date: April 2027 has 30 days"),
    ],
)
def test_remind_on_a_day_the_year_meant_lacks_is_refused(
    pln: Any, ana: None, dump: Dump, db_path: Path, when: str, reason: str
) -> None:
    line = fails(pln, dump, 2, "remind", "Ana", when)
    assert line == f"error: WHEN: {reason}"
    assert followups(db_path) == []


def test_in_the_year_before_a_leap_year_feb_29_is_kept(pln: Any, ana: None, dump: Dump) -> None:
    with pinned_today(date(2027, 3, 1)):
        assert pln.json("remind", "Ana", "feb 29")["due"] == "2028-02-29"
        line = fails(pln, dump, 2, "remind", "Ana", "feb 30")
    assert line == "error: WHEN: feb 30 is not a date: February 2028 has 29 days"


def test_log_on_feb_29_names_the_past_year(pln: Any, ana: None, dump: Dump) -> None:
    line = fails(pln, dump, 2, "log", "Ana", "-m", "x", "--on", "feb 29")
    assert line == "error: --on: feb 29 is not a date: February 2026 has 28 days"
    with pinned_today(date(2028, 3, 1)):
        pln("log", "Ana", "-m", "leap day coffee", "--on", "feb 29")
    at = pln.json("show", "Ana")["interactions"][0]["at"]  # a UTC instant: noon local time
    assert datetime.fromisoformat(at).astimezone().date() == date(2028, 2, 29)


@given(
    today=st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)),
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=1, max_value=31),
    prefer=st.sampled_from(["future", "past"]),
)
def test_a_month_and_day_is_that_day_in_the_year_meant_or_refused(
    today: date, month: int, day: int, prefer: str
) -> None:
    text = f"{MONTHS[month - 1]} {day}"
    is_today = (month, day) == (today.month, today.day)
    if prefer == "future":
        year = today.year + (1 if (month, day) < (today.month, today.day) else 0)
    else:
        year = today.year - (1 if (month, day) > (today.month, today.day) else 0)
    try:
        expected: date | None = date(year, month, day)
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(DateError, match=f"{year} has (28|29|30|31) days"):
            parse_day(text, today=today, prefer=prefer)  # type: ignore[arg-type]
        return
    found = parse_day(text, today=today, prefer=prefer)  # type: ignore[arg-type]
    assert found == expected
    assert abs((found - today).days) < 366
    assert (found == today) == is_today


# ---------------------------------------------------------------- several ids, and #3


@pytest.fixture
def five(pln: Any, ana: None) -> None:
    for n in range(1, 6):
        pln("remind", "Ana", "tomorrow", "-m", f"task {n}")


def test_done_accepts_the_id_as_due_prints_it(pln: Any, five: None, db_path: Path) -> None:
    doc = pln.json("done", "#3")
    assert doc["done"]["id"] == 3
    assert doc["done"]["state"] == "done"
    assert "Dropped #4 for Ana Ruiz." in pln("drop", "#4").stderr
    assert pln.json("snooze", "#5", "friday")["due"] == FRIDAY.isoformat()
    assert followups(db_path)[2:] == [
        (3, "2026-11-24", None, "done"),
        (4, "2026-11-24", None, "dropped"),
        (5, "2026-11-27", None, "open"),
    ]


def test_done_several_is_one_change_and_a_json_array(pln: Any, five: None, db_path: Path) -> None:
    docs = json.loads(pln("done", "1", "#2", "3", "--json").stdout)
    assert [(d["done"]["id"], d["done"]["state"], d["next"]) for d in docs] == [
        (1, "done", None),
        (2, "done", None),
        (3, "done", None),
    ]
    assert [r[3] for r in followups(db_path)] == ["done", "done", "done", "open", "open"]
    # each counts as contact, as `pln done` always has
    assert rows(db_path, "SELECT count(*) FROM interaction WHERE kind = 'follow-up'") == [(3,)]
    # one change in the history, undone as one
    assert [h["command"] for h in pln.json("history")][0] == "pln done 1 '#2' 3 --json"
    pln("undo", "--yes")
    assert [r[3] for r in followups(db_path)] == ["open"] * 5


def test_done_several_human_output(pln: Any, five: None) -> None:
    err = pln("done", "1", "2").stderr
    assert err.splitlines() == ["Done: #1 for Ana Ruiz.", "Done: #2 for Ana Ruiz."]


def test_snooze_several_then_the_date(pln: Any, five: None, db_path: Path) -> None:
    docs = pln.json("snooze", "3", "4", "friday")
    assert [(d["id"], d["due"]) for d in docs] == [(3, "2026-11-27"), (4, "2026-11-27")]
    assert [r[1] for r in followups(db_path)] == [
        "2026-11-24",
        "2026-11-24",
        "2026-11-27",
        "2026-11-27",
        "2026-11-24",
    ]


def test_drop_several(pln: Any, five: None, db_path: Path) -> None:
    docs = pln.json("drop", "#1", "5")
    assert [(d["id"], d["state"]) for d in docs] == [(1, "dropped"), (5, "dropped")]
    assert [r[3] for r in followups(db_path)] == ["dropped", "open", "open", "open", "dropped"]


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("done", "1", "2", "42"), 3, "there is no follow-up #42"),
        (("drop", "1", "#42", "2"), 3, "there is no follow-up #42"),
        (("snooze", "1", "42", "friday"), 3, "there is no follow-up #42"),
        (("done", "1", "2", "1"), 2, "follow-up #1 is named twice"),
        (("done", "1", "three"), 2, "'three' is not a follow-up id"),
        (("snooze", "1", "next", "friday"), 2, "'next' is not a follow-up id"),
        (("snooze", "1", "2", "yesterday"), 2, "'yesterday' is 2026-11-22, in the past"),
        (("snooze", "3"), 2, "give the follow-up id(s), then the new date"),
    ],
)
def test_several_ids_are_all_or_nothing(
    pln: Any, five: None, dump: Dump, args: tuple[str, ...], code: int, says: str
) -> None:
    line = fails(pln, dump, code, *args)
    assert says in line


def test_one_closed_follow_up_among_several_changes_nothing(
    pln: Any, five: None, dump: Dump
) -> None:
    pln("done", "2")
    line = fails(pln, dump, 2, "done", "1", "2", "3")
    assert line == "error: follow-up #2 is already done"
    line = fails(pln, dump, 2, "snooze", "3", "2", "friday")
    assert line == "error: follow-up #2 is already done"


def test_an_id_made_by_the_same_command_is_not_one_typed(
    pln: Any, ana: None, dump: Dump, db_path: Path
) -> None:
    remind(pln, "Ana", "2026-11-20", "--every", "1w")
    # `done 1` would open #2 (the series' next one): naming #2 too is naming what does not exist
    line = fails(pln, dump, 3, "done", "1", "2")
    assert line == "error: there is no follow-up #2"
    assert followups(db_path) == [(1, "2026-11-20", "1w", "open")]


def test_quote_hint_for_a_date_of_several_words(pln: Any, five: None) -> None:
    result = pln("snooze", "1", "next", "friday", code=2)
    assert "quote a date of several words" in result.stderr


def test_several_recurring_done_each_roll_forward(pln: Any, ana: None, db_path: Path) -> None:
    remind(pln, "Ana", "2026-11-20", "-m", "weekly", "--every", "1w")
    remind(pln, "Ana", "2026-11-02", "-m", "monthly", "--every", "1m")
    docs = pln.json("done", "1", "2")
    assert [(d["next"]["id"], d["next"]["due"]) for d in docs] == [
        (3, "2026-11-27"),
        (4, "2026-12-02"),
    ]


@PROPERTY
@given(
    ids=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=6, unique=True),
    hashes=st.lists(st.booleans(), min_size=6, max_size=6),
    command=st.sampled_from(["done", "drop", "snooze"]),
)
def test_any_set_of_ids_is_all_or_nothing(
    pln: Any, dump: Dump, db_path: Path, ids: list[int], hashes: list[bool], command: str
) -> None:
    """Ids 1-5 exist and are open, 6-8 do not: all change, or nothing does."""
    if not book_exists(db_path) or rows(db_path, "SELECT count(*) FROM followup") == [(0,)]:
        pln("add", "Ana Ruiz")
        for n in range(1, 6):
            pln("remind", "Ana", "tomorrow", "-m", f"task {n}")
    typed = [f"#{i}" if h else str(i) for i, h in zip(ids, hashes, strict=False)]
    args = [command, *typed, *(["friday"] if command == "snooze" else [])]
    missing = [i for i in ids if i > 5]
    if missing:
        line = fails(pln, dump, 3, *args)
        assert line == f"error: there is no follow-up #{missing[0]}"
        return
    before = followups(db_path)
    pln(*args)
    states = dict(rows(db_path, "SELECT id, state FROM followup WHERE id <= 5"))
    dues = dict(rows(db_path, "SELECT id, due FROM followup WHERE id <= 5"))
    for i in ids:
        if command == "snooze":
            assert (states[i], dues[i]) == ("open", FRIDAY.isoformat())
        else:
            assert states[i] == {"done": "done", "drop": "dropped"}[command]
    pln("undo", "--yes")  # the next example starts from five open follow-ups again
    assert followups(db_path) == before
