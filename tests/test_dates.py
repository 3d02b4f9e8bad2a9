"""Tests for plncli.dates: the strict date, time and interval grammar."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from plncli.dates import (
    DateError,
    Interval,
    humanize_day,
    local_now,
    parse_day,
    parse_interval,
    parse_moment,
)

MON = date(2026, 11, 23)  # a Monday
SAT = date(2026, 11, 28)
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAY_FORMS = "today, tomorrow, yesterday, in 3 days, 3d, 2w, next friday, last monday, dec 3"
SRC = Path(__file__).resolve().parents[1] / "src"


def _error_of(call: Callable[[], object]) -> str | None:
    """The DateError message ``call`` raises, or None when it succeeds."""
    try:
        call()
    except DateError as exc:
        return str(exc)
    return None


def test_fixed_days_are_the_weekdays_the_tests_assume() -> None:
    assert MON.weekday() == 0
    assert SAT.weekday() == 5


# ---------------------------------------------------------------- parse_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 23)),
        ("tomorrow", date(2026, 11, 24)),
        ("yesterday", date(2026, 11, 22)),
        ("day after tomorrow", date(2026, 11, 25)),
        ("the day after tomorrow", date(2026, 11, 25)),
        ("day before yesterday", date(2026, 11, 21)),
        ("in 3 days", date(2026, 11, 26)),
        ("in 1 day", date(2026, 11, 24)),
        ("in a week", date(2026, 11, 30)),
        ("in 2 weeks", date(2026, 12, 7)),
        ("in 3 months", date(2027, 2, 23)),
        ("in 1 year", date(2027, 11, 23)),
        ("in an year", date(2027, 11, 23)),
        ("in 1 month 2 weeks", date(2027, 1, 6)),
        ("in 3d", date(2026, 11, 26)),
        ("in 10 years", date(2036, 11, 23)),
        ("in 0 days", date(2026, 11, 23)),
        ("3 days ago", date(2026, 11, 20)),
        ("2 weeks ago", date(2026, 11, 9)),
        ("a month ago", date(2026, 10, 23)),
        ("2w ago", date(2026, 11, 9)),
        ("3d", date(2026, 11, 26)),
        ("2w", date(2026, 12, 7)),
        ("3m", date(2027, 2, 23)),
        ("1y", date(2027, 11, 23)),
        ("+3d", date(2026, 11, 26)),
        ("-2w", date(2026, 11, 9)),
        ("1m2w", date(2027, 1, 6)),
        ("next friday", date(2026, 11, 27)),
        ("next fri", date(2026, 11, 27)),
        ("next monday", date(2026, 11, 30)),
        ("next sunday", date(2026, 11, 29)),
        ("last monday", date(2026, 11, 16)),
        ("last sunday", date(2026, 11, 22)),
        ("last tuesday", date(2026, 11, 17)),
        ("this friday", date(2026, 11, 27)),
        ("this monday", date(2026, 11, 23)),
        ("this sunday", date(2026, 11, 29)),
        ("next week", date(2026, 11, 30)),
        ("last week", date(2026, 11, 16)),
        ("next month", date(2026, 12, 23)),
        ("last month", date(2026, 10, 23)),
        ("next year", date(2027, 11, 23)),
        ("last year", date(2025, 11, 23)),
        ("dec 3", date(2026, 12, 3)),
        ("3 dec", date(2026, 12, 3)),
        ("december 3", date(2026, 12, 3)),
        ("3rd december", date(2026, 12, 3)),
        ("3rd of december", date(2026, 12, 3)),
        ("dec 3rd", date(2026, 12, 3)),
        ("sept 1st", date(2027, 9, 1)),
        ("nov 22nd", date(2027, 11, 22)),
        ("nov 23", date(2026, 11, 23)),
        ("dec 11th", date(2026, 12, 11)),
        ("Dec 3, 2026", date(2026, 12, 3)),
        ("dec 3 2025", date(2025, 12, 3)),
        ("3 december 2026", date(2026, 12, 3)),
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/01", date(2026, 12, 1)),
        ("2026-1-5", date(2026, 1, 5)),
        ("0999-01-02", date(999, 1, 2)),
        ("  Next   FRIDAY ", date(2026, 11, 27)),
        ("IN\t3  DAYS", date(2026, 11, 26)),
    ],
)
def test_parse_day_forms(text: str, expected: date) -> None:
    assert parse_day(text, today=MON) == expected


@pytest.mark.parametrize(
    ("text", "future", "past"),
    [
        ("fri", date(2026, 11, 27), date(2026, 11, 20)),
        ("friday", date(2026, 11, 27), date(2026, 11, 20)),
        ("mon", date(2026, 11, 30), date(2026, 11, 16)),
        ("Monday", date(2026, 11, 30), date(2026, 11, 16)),
        ("tue", date(2026, 11, 24), date(2026, 11, 17)),
        ("sunday", date(2026, 11, 29), date(2026, 11, 22)),
        ("dec 3", date(2026, 12, 3), date(2025, 12, 3)),
        ("nov 23", date(2026, 11, 23), date(2026, 11, 23)),
        ("nov 22", date(2027, 11, 22), date(2026, 11, 22)),
        ("nov 24", date(2026, 11, 24), date(2025, 11, 24)),
        # explicit and relative forms ignore prefer
        ("next friday", date(2026, 11, 27), date(2026, 11, 27)),
        ("dec 3, 2026", date(2026, 12, 3), date(2026, 12, 3)),
        ("3d", date(2026, 11, 26), date(2026, 11, 26)),
    ],
)
def test_prefer_future_and_past(text: str, future: date, past: date) -> None:
    assert parse_day(text, today=MON, prefer="future") == future
    assert parse_day(text, today=MON, prefer="past") == past


def test_weekdays_from_a_saturday() -> None:
    assert parse_day("this friday", today=SAT) == date(2026, 11, 27)
    assert parse_day("this sunday", today=SAT) == date(2026, 11, 29)
    assert parse_day("next saturday", today=SAT) == date(2026, 12, 5)
    assert parse_day("sat", today=SAT, prefer="past") == date(2026, 11, 21)


def test_feb_29_on_a_leap_day_is_that_day() -> None:
    leap = date(2028, 2, 29)
    assert parse_day("feb 29", today=leap) == leap
    assert parse_day("feb 29", today=leap, prefer="past") == leap
    assert parse_day("feb 29", today=date(2028, 2, 28)) == leap
    assert parse_day("29th feb", today=date(2028, 3, 1), prefer="past") == leap
    # the year meant has no 29 February: refused, never moved to a leap year
    with pytest.raises(DateError, match="February 2029 has 28 days"):
        parse_day("feb 29", today=date(2028, 3, 1))
    with pytest.raises(DateError, match="February 2100 has 28 days"):  # 2100 is not leap
        parse_day("feb 29", today=date(2099, 3, 1))


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("01/12/2026", True, date(2026, 12, 1)),
        ("01/12/2026", False, date(2026, 1, 12)),
        ("1.12.2026", True, date(2026, 12, 1)),
        ("1.12.2026", False, date(2026, 1, 12)),
        ("01/12/26", True, date(2026, 12, 1)),
        ("12/31/99", False, date(1999, 12, 31)),
        ("1/2/75", False, date(2075, 1, 2)),
        ("1/2/76", False, date(1976, 1, 2)),
        ("2026/12/01", True, date(2026, 12, 1)),  # year first is always ISO order
        ("31/01/2026", True, date(2026, 1, 31)),
    ],
)
def test_numeric_dates(text: str, dayfirst: bool, expected: date) -> None:
    assert parse_day(text, today=MON, dayfirst=dayfirst) == expected


@pytest.mark.parametrize(
    ("today", "text", "expected"),
    [
        (date(2027, 1, 31), "next month", date(2027, 2, 28)),
        (date(2028, 1, 31), "next month", date(2028, 2, 29)),
        (date(2027, 3, 31), "a month ago", date(2027, 2, 28)),
        (date(2026, 5, 31), "in 1 month", date(2026, 6, 30)),
        (date(2028, 2, 29), "in 1 year", date(2029, 2, 28)),
        (date(2028, 2, 29), "1y ago", date(2027, 2, 28)),
        (date(2026, 12, 31), "tomorrow", date(2027, 1, 1)),
    ],
)
def test_month_ends_and_leap_days(today: date, text: str, expected: date) -> None:
    assert parse_day(text, today=today) == expected


@pytest.mark.parametrize(
    "text",
    [
        "next tuseday",
        "25:00",
        "",
        "   ",
        "soonish",
        "3 dayz",
        "in -3 days",
        "in +3 days",
        "3 days",  # direction unclear: "in 3 days" or "3 days ago"
        "a week",
        "3th december",
        "dec 3th",
        "22th nov",
        "dec 3 26",
        "01-12-2026",
        "2026/12-01",
        "1d1d",
        "a d",
        "in a d",
        "in 3 days ago",
        "friday next",
        "next",
        "in",
        "ago",
        "thurs",
        "next tues",
        "\u0663d",  # ARABIC-INDIC DIGIT THREE
        "1234567d",
        "tomorrow 15:30",
        "today!",
    ],
)
def test_parse_day_rejects(text: str) -> None:
    with pytest.raises(DateError, match="as a date; try: ") as info:
        parse_day(text, today=MON)
    assert DAY_FORMS in str(info.value)


@pytest.mark.parametrize(
    ("text", "dayfirst"),
    [
        ("feb 30", False),
        ("30 feb", False),
        ("apr 31", False),
        ("dec 32", False),
        ("dec 0", False),
        ("2026-02-29", False),
        ("feb 29, 2026", False),
        ("2026-13-01", False),
        ("2026-00-10", False),
        ("0000-01-01", False),
        ("13/01/2026", False),  # month/day: no month 13, and no silent swap
        ("01/13/2026", True),
        ("31.04.2026", True),
    ],
)
def test_impossible_dates_are_named(text: str, dayfirst: bool) -> None:
    with pytest.raises(DateError, match="is not a date") as info:
        parse_day(text, today=MON, dayfirst=dayfirst)
    assert str(info.value).startswith(" ".join(text.lower().split()))
    assert "\n" not in str(info.value)


def test_feb_30_message() -> None:
    with pytest.raises(DateError, match=r"^feb 30 is not a date"):
        parse_day("Feb 30", today=MON)


def test_offsets_are_limited_to_ten_years() -> None:
    assert parse_day("in 3653 days", today=MON) == MON + timedelta(days=3653)
    for text in ("in 11 years", "121m", "in 3654 days", "600 weeks ago"):
        with pytest.raises(DateError, match="at most 10 years"):
            parse_day(text, today=MON)


def test_calendar_edges_raise_date_error() -> None:
    with pytest.raises(DateError, match="outside the calendar"):
        parse_day("tomorrow", today=date.max)
    with pytest.raises(DateError, match="outside the calendar"):
        parse_day("in 2 years", today=date(9998, 6, 1))
    with pytest.raises(DateError, match="outside the calendar"):
        parse_day("dec 3", today=date(9999, 12, 4))


def test_parse_day_accepts_a_datetime_as_today() -> None:
    assert parse_day("tomorrow", today=datetime(2026, 11, 23, 23, 59)) == date(2026, 11, 24)


def test_bad_prefer_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="prefer"):
        parse_day("fri", today=MON, prefer="later")  # type: ignore[arg-type]


# ---------------------------------------------------------------- intervals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", Interval(days=30)),
        ("2w", Interval(days=14)),
        ("3m", Interval(months=3)),
        ("1y", Interval(months=12)),
        ("30 days", Interval(days=30)),
        ("1 day", Interval(days=1)),
        ("2 weeks", Interval(days=14)),
        ("3 months", Interval(months=3)),
        ("1 year", Interval(months=12)),
        ("a week", Interval(days=7)),
        ("a month", Interval(months=1)),
        ("an year", Interval(months=12)),
        ("every 2 weeks", Interval(days=14)),
        ("every 3d", Interval(days=3)),
        ("every week", Interval(days=7)),
        ("every day", Interval(days=1)),
        ("every month", Interval(months=1)),
        ("every fortnight", Interval(days=14)),
        ("every quarter", Interval(months=3)),
        ("every year", Interval(months=12)),
        ("daily", Interval(days=1)),
        ("weekly", Interval(days=7)),
        ("fortnightly", Interval(days=14)),
        ("monthly", Interval(months=1)),
        ("quarterly", Interval(months=3)),
        ("yearly", Interval(months=12)),
        ("annually", Interval(months=12)),
        ("1m2w", Interval(months=1, days=14)),
        ("1y6m", Interval(months=18)),
        ("1 month 3 days", Interval(months=1, days=3)),
        ("10y", Interval(months=120)),
        ("3653d", Interval(days=3653)),
        ("  Every  2   WEEKS ", Interval(days=14)),
        ("3 M", Interval(months=3)),
        ("MONTHLY", Interval(months=1)),
    ],
)
def test_parse_interval_forms(text: str, expected: Interval) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0d", "must be positive"),
        ("0 weeks", "must be positive"),
        ("every 0 days", "must be positive"),
        ("-3d", "must be positive"),
        ("- 2 weeks", "must be positive"),
        ("11y", "at most 10 years"),
        ("121 months", "at most 10 years"),
        ("522w", "at most 10 years"),
        ("", "as an interval"),
        ("biweekly", "as an interval"),
        ("every", "as an interval"),
        ("every a week", "as an interval"),
        ("every other week", "as an interval"),
        ("3 dayz", "as an interval"),
        ("2w2w", "as an interval"),
        ("1.5 weeks", "as an interval"),
        ("in 3 days", "as an interval"),
        ("soon", "as an interval"),
    ],
)
def test_parse_interval_rejects(text: str, match: str) -> None:
    with pytest.raises(DateError, match=match) as info:
        parse_interval(text)
    message = str(info.value)
    assert "\n" not in message
    assert "try: 30d, 2w, 3m, 1y, 30 days, 3 months" in message
    assert "monthly" in message


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(days=14), "2w"),
        (Interval(days=10), "10d"),
        (Interval(months=3), "3m"),
        (Interval(months=12), "1y"),
        (Interval(months=24), "2y"),
        (Interval(months=14), "14m"),
        (Interval(months=1, days=14), "1m2w"),
        (Interval(months=12, days=3), "1y3d"),
        (Interval(), "0d"),
    ],
)
def test_interval_str(interval: Interval, text: str) -> None:
    assert str(interval) == text


def test_interval_rejects_negative_parts() -> None:
    with pytest.raises(ValueError, match="negative"):
        Interval(days=-1)
    with pytest.raises(ValueError, match="negative"):
        Interval(months=-1)


def test_interval_add_to_clamps_month_ends_without_drift() -> None:
    monthly = Interval(months=1)
    assert monthly.add_to(date(2027, 1, 31)) == date(2027, 2, 28)
    assert monthly.add_to(date(2028, 1, 31)) == date(2028, 2, 29)
    assert monthly.add_to(date(2027, 1, 31), 2) == date(2027, 3, 31)  # not mar 28
    assert monthly.add_to(date(2027, 1, 31), 3) == date(2027, 4, 30)
    assert monthly.add_to(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert Interval(months=12).add_to(date(2028, 2, 29)) == date(2029, 2, 28)
    assert Interval(months=12).add_to(date(2028, 2, 29), 4) == date(2032, 2, 29)
    assert Interval(months=1, days=1).add_to(date(2027, 1, 31)) == date(2027, 3, 1)
    assert Interval(days=14).add_to(date(2026, 12, 25), 0) == date(2026, 12, 25)


def test_interval_add_to_outside_calendar() -> None:
    with pytest.raises(DateError, match="outside the calendar"):
        Interval(months=1).add_to(date(9999, 12, 1))
    with pytest.raises(DateError, match="outside the calendar"):
        Interval(days=1).add_to(date.min, -1)


def test_approx_days() -> None:
    assert Interval(days=14).approx_days() == 14.0
    assert Interval(months=1).approx_days() == 30.4375
    assert Interval(months=12, days=1).approx_days() == 366.25
    assert Interval(months=1).approx_days() > Interval(days=30).approx_days()


# ---------------------------------------------------------------- parse_moment

NOW_NY = datetime(2026, 11, 23, 10, 0, tzinfo=NEW_YORK)  # 15:00 UTC, EST (-5)


@pytest.mark.parametrize(
    ("text", "expected_utc"),
    [
        ("now", datetime(2026, 11, 23, 15, 0)),
        ("today", datetime(2026, 11, 23, 15, 0)),
        ("0d", datetime(2026, 11, 23, 15, 0)),
        ("15:30", datetime(2026, 11, 23, 20, 30)),
        ("9:05", datetime(2026, 11, 23, 14, 5)),
        ("09:05", datetime(2026, 11, 23, 14, 5)),
        ("0:00", datetime(2026, 11, 23, 5, 0)),
        ("3pm", datetime(2026, 11, 23, 20, 0)),
        ("3:30pm", datetime(2026, 11, 23, 20, 30)),
        ("3:30 PM", datetime(2026, 11, 23, 20, 30)),
        ("12am", datetime(2026, 11, 23, 5, 0)),
        ("12pm", datetime(2026, 11, 23, 17, 0)),
        ("9am", datetime(2026, 11, 23, 14, 0)),
        ("at 15:30", datetime(2026, 11, 23, 20, 30)),
        ("at 3pm", datetime(2026, 11, 23, 20, 0)),
        ("yesterday", datetime(2026, 11, 22, 17, 0)),
        ("yesterday 15:30", datetime(2026, 11, 22, 20, 30)),
        ("yesterday at 15:30", datetime(2026, 11, 22, 20, 30)),
        ("tomorrow 9am", datetime(2026, 11, 24, 14, 0)),
        ("fri", datetime(2026, 11, 20, 17, 0)),  # prefer="past" by default
        ("next friday at 3:30pm", datetime(2026, 11, 27, 20, 30)),
        ("dec 3 3pm", datetime(2025, 12, 3, 20, 0)),
        ("3 dec 2026 at 9:05", datetime(2026, 12, 3, 14, 5)),
        ("in 3 days 9:05", datetime(2026, 11, 26, 14, 5)),
        ("2026-07-01 09:00", datetime(2026, 7, 1, 13, 0)),  # EDT: zone rules follow the day
        ("2026-07-01", datetime(2026, 7, 1, 16, 0)),
    ],
)
def test_parse_moment_forms(text: str, expected_utc: datetime) -> None:
    got = parse_moment(text, now=NOW_NY)
    assert got == expected_utc.replace(tzinfo=UTC)
    assert got.tzinfo is UTC


def test_parse_moment_prefer_and_dayfirst() -> None:
    got = parse_moment("fri 9am", now=NOW_NY, prefer="future")
    assert got == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    got = parse_moment("01/12/2026 9am", now=NOW_NY, dayfirst=True)
    assert got == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_parse_moment_today_follows_the_local_zone() -> None:
    late = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # still Nov 23 in New York
    assert parse_moment("15:30", now=late, tz=NEW_YORK) == datetime(
        2026, 11, 23, 20, 30, tzinfo=UTC
    )
    assert parse_moment("today", now=late, tz=NEW_YORK) == late


def test_parse_moment_with_fixed_offset_now_uses_the_system_zone_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time as time_mod

    monkeypatch.setenv("TZ", "America/New_York")
    time_mod.tzset()
    try:
        fixed = datetime(2026, 11, 23, 10, 0).astimezone()  # what pln passes: EST, -05:00
        assert fixed.utcoffset() == timedelta(hours=-5)
        assert parse_moment("15:30", now=fixed) == datetime(2026, 11, 23, 20, 30, tzinfo=UTC)
        # July is EDT (-04:00): the system's rules for that day apply, not today's offset
        got = parse_moment("2026-07-01 09:00", now=fixed)
        assert got == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
        got = parse_moment("2026-07-01 09:00", now=fixed, tz=NEW_YORK)
        assert got == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    finally:
        monkeypatch.undo()
        time_mod.tzset()


@pytest.mark.parametrize(
    ("tz", "text", "expected_utc", "wall_clock"),
    [
        # clocks go forward: 01:30 does not exist; read with the old offset -> 02:30 BST
        (LONDON, "2026-03-29 01:30", datetime(2026, 3, 29, 1, 30), time(2, 30)),
        # clocks go back: 01:30 happens twice; the first one (BST, fold=0)
        (LONDON, "2026-10-25 01:30", datetime(2026, 10, 25, 0, 30), time(1, 30)),
        (NEW_YORK, "2026-03-08 02:30", datetime(2026, 3, 8, 7, 30), time(3, 30)),
        (NEW_YORK, "2026-11-01 01:30", datetime(2026, 11, 1, 5, 30), time(1, 30)),
        (LONDON, "2026-03-29", datetime(2026, 3, 29, 11, 0), time(12, 0)),
    ],
)
def test_parse_moment_across_dst(
    tz: ZoneInfo, text: str, expected_utc: datetime, wall_clock: time
) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=tz)
    got = parse_moment(text, now=now, tz=tz)
    assert got == expected_utc.replace(tzinfo=UTC)
    assert got.astimezone(tz).time() == wall_clock


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("25:00", "25:00 is not a time"),
        ("12:60", "12:60 is not a time"),
        ("13pm", "13pm is not a time"),
        ("0am", "0am is not a time"),
        ("15:30pm", "15:30pm is not a time"),
        ("yesterday 24:00", "24:00 is not a time"),
        ("next tuseday 15:30", "as a date and time; try: now, 15:30, 3pm"),
        ("next tuseday", "as a date and time; try: now, 15:30, 3pm"),
        ("", "as a date and time"),
        ("at", "as a date and time"),
        ("yesterday at", "as a date and time"),
        ("at at 3pm", "as a date and time"),
        ("dec 3 at 3", "as a date and time"),
        ("15:30 yesterday", "as a date and time"),
        ("9:5", "as a date and time"),
        ("15:30:00", "as a date and time"),
        ("feb 30 9am", "feb 30 is not a date"),
    ],
)
def test_parse_moment_rejects(text: str, match: str) -> None:
    with pytest.raises(DateError, match=match) as info:
        parse_moment(text, now=NOW_NY)
    assert "\n" not in str(info.value)


def test_parse_moment_outside_the_calendar() -> None:
    edge = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12)))
    with pytest.raises(DateError, match="outside the calendar"):
        parse_moment("now", now=edge)
    with pytest.raises(DateError, match="outside the calendar"):
        parse_moment("tomorrow 9am", now=NOW_NY.replace(year=9999, month=12, day=31))


def test_parse_moment_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_moment("now", now=datetime(2026, 11, 23, 10, 0))


# ---------------------------------------------------------------- humanize_day


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (0, "today"),
        (1, "tomorrow"),
        (-1, "yesterday"),
        (2, "in 2 days"),
        (3, "in 3 days"),
        (-3, "3 days ago"),
        (7, "in 7 days"),
        (13, "in 13 days"),
        (14, "in 2 weeks"),
        (20, "in 3 weeks"),
        (-35, "5 weeks ago"),
        (59, "in 8 weeks"),
        (60, "in 2 months"),
        (-91, "3 months ago"),
        (729, "in 2 years"),
        (-730, "2 years ago"),
        (3652, "in 10 years"),
    ],
)
def test_humanize_day(delta: int, expected: str) -> None:
    assert humanize_day(MON + timedelta(days=delta), today=MON) == expected


def test_local_now_is_aware() -> None:
    now = local_now()
    assert now.tzinfo is not None
    assert abs(now.astimezone(UTC) - datetime.now(UTC)) < timedelta(seconds=5)


# ---------------------------------------------------------------- properties

DAYS = st.dates(min_value=date(1, 1, 1), max_value=date(9989, 12, 31))
INTERVALS = st.builds(Interval, months=st.integers(0, 120), days=st.integers(0, 3650)).filter(
    lambda iv: iv.months or iv.days
)


@given(DAYS, st.integers(1, 3650))
def test_in_n_days_and_compact_agree(today: date, n: int) -> None:
    expected = today + timedelta(days=n)
    assert parse_day(f"in {n} days", today=today) == expected
    assert parse_day(f"{n}d", today=today) == expected
    assert parse_day(f"+{n}d", today=today) == expected
    assert parse_day(f"{n} days ago", today=expected) == today


@given(st.dates(), st.dates(), st.booleans(), st.sampled_from(["future", "past"]))
def test_iso_dates_read_back(today: date, e: date, dayfirst: bool, prefer: str) -> None:
    assert parse_day(e.isoformat(), today=today, dayfirst=dayfirst, prefer=prefer) == e  # type: ignore[arg-type]
    assert parse_day(e.isoformat().replace("-", "/"), today=today) == e


@given(INTERVALS)
def test_interval_canonical_form_round_trips(iv: Interval) -> None:
    assert parse_interval(str(iv)) == iv
    assert parse_interval(str(iv).upper()) == iv


@given(
    st.dates(min_value=date(500, 1, 1), max_value=date(7000, 12, 31)),
    st.integers(0, 120),
    st.integers(0, 3650),
    st.integers(-20, 20),
)
def test_add_to_matches_relativedelta(d: date, months: int, days: int, times: int) -> None:
    iv = Interval(months, days)
    got = iv.add_to(d, times)
    assert got == d + relativedelta(months=months * times, days=days * times)
    if days == 0 and times:
        assert got.day <= d.day


@given(st.dates(max_value=date(9979, 12, 31)), INTERVALS)
def test_add_to_never_raises_and_months_only_never_pass_the_start_day(
    d: date, iv: Interval
) -> None:
    got = iv.add_to(d)
    assert got > d
    months_only = Interval(months=iv.months or 1).add_to(d)
    assert months_only.day <= d.day


@given(st.dates(), st.dates())
def test_humanize_day_never_raises(d: date, today: date) -> None:
    text = humanize_day(d, today=today)
    assert (text == "today") == (d == today)
    words = text.split()
    for number, unit in zip(words, words[1:], strict=False):
        assert not (number == "1" and unit.endswith("s")), text


@given(st.dates(min_value=date(2, 1, 1), max_value=date(9998, 1, 1)), st.integers(-13, 13))
def test_humanize_day_reads_back_for_short_spans(today: date, n: int) -> None:
    d = today + timedelta(days=n)
    assert parse_day(humanize_day(d, today=today), today=today) == d


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from([LONDON, NEW_YORK]),
)
def test_parse_moment_across_zones_keeps_the_local_date(
    day: date, hour: int, minute: int, tz: ZoneInfo
) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=tz)
    got = parse_moment(f"{day.isoformat()} {hour:02d}:{minute:02d}", now=now, tz=tz)
    assert got.tzinfo is UTC
    local = got.astimezone(tz)
    assert local.date() == day
    shift = local.replace(tzinfo=None) - datetime.combine(day, time(hour, minute))
    assert shift in (timedelta(0), timedelta(hours=1))  # +1h only inside a spring-forward gap
    if shift:
        wall = datetime.combine(day, time(hour, minute), tzinfo=tz)
        assert wall.utcoffset() != wall.replace(fold=1).utcoffset()


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_parse_moment_without_time_is_local_noon(day: date) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    assume(day != now.date())
    got = parse_moment(day.isoformat(), now=now)
    assert got.tzinfo is UTC
    assert got.astimezone(LONDON).replace(tzinfo=None) == datetime.combine(day, time(12, 0))


@given(st.text(max_size=40))
def test_any_text_is_read_or_rejected_with_one_line(text: str) -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    calls = [
        lambda: parse_day(text, today=MON),
        lambda: parse_day(text, today=MON, prefer="past", dayfirst=True),
        lambda: parse_interval(text),
        lambda: parse_moment(text, now=now, tz=LONDON),
    ]
    for call in calls:
        message = _error_of(call)
        assert message is None or len(message.splitlines()) == 1


@given(
    st.from_regex(
        r"\A(in [0-9]{1,3} (days|weeks)|[0-9]{1,2}[dw]|(next|last|this) (mon|fri|sunday)"
        r"|(jan|dec|feb) [0-9]{1,2}|[0-9]{1,2} (march|july))\Z"
    ),
    st.dates(min_value=date(2, 1, 1), max_value=date(9900, 1, 1)),
)
def test_valid_looking_input_is_read_or_rejected_specifically(text: str, today: date) -> None:
    message = _error_of(lambda: parse_day(text, today=today))
    assert message is None or "is not a date" in message or "at most 10 years" in message


# ---------------------------------------------------------------- start-up cost


def test_import_uses_only_the_standard_library() -> None:
    code = (
        "import sys; import plncli; before = set(sys.modules); import plncli.dates; "
        "new = {m.split('.')[0] for m in set(sys.modules) - before} - {'plncli'}; "
        "print(sorted(new - set(sys.stdlib_module_names)))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
