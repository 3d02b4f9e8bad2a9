"""The calendar feed (`pln export --format ics`): follow-ups that repeat are one recurring
event, birthdays are yearly events, and two parsers read the feed and expand its rules
to the days pln itself counts.

The parsers: ``icalendar`` (with ``recurring_ical_events``, which expands recurring
events as a calendar application does) and ``vobject`` with ``dateutil``, written
independently of it. "Today" is 2026-11-23 (conftest.NOW).
"""

import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import recurring_ical_events
import vobject
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from helpers import pinned_today, query, remind_as_typed
from plncli.dates import Interval
from plncli.formats import feed
from plncli.formats.export import to_ics

TODAY = date(2026, 11, 23)


def last_of(day: int) -> dict[str, Any]:
    """The RRULE parts of "the DAYth, or the month's last day when it is shorter"."""
    return {"BYMONTHDAY": list(range(28, day + 1)), "BYSETPOS": -1}


def ics(pln: Any) -> bytes:
    data: bytes = pln("export", "--format", "ics").stdout_bytes
    return data


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def numbered(uid: str) -> str:
    """An event's UID with the person in it (their UID's UUID: feed.person_key) written as
    their id in the test's book, for reading: ``birthday-1@pln``."""
    found = _UUID.search(uid)
    if found is None:
        return uid
    book = Path(os.environ["PLN_HOME"]) / "pln.db"
    people = query(book, "SELECT id, uid FROM person")
    ids = {str(u).removeprefix("urn:uuid:"): i for i, u in people}
    return uid.replace(found[0], str(ids[found[0]]))


def events(data: bytes) -> dict[str, Any]:
    """The feed's events by UID (``numbered``), read by icalendar; checks what every event
    must have."""
    cal = Calendar.from_ical(data)
    assert cal.errors == []
    found = {}
    for event in cal.walk("VEVENT"):
        assert event.errors == []
        for needed in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert needed in event, needed
        assert numbered(str(event["UID"])) not in found  # unique in the feed
        found[numbered(str(event["UID"]))] = event
    return found


def expanded(data: bytes, start: date, end: date) -> dict[str, list[date]]:
    """Occurrences from ``start`` to ``end`` by UID, as a calendar application shows them."""
    out: dict[str, list[date]] = {}
    cal = Calendar.from_ical(data)
    for event in recurring_ical_events.of(cal).between(start, end + timedelta(days=1)):
        out.setdefault(numbered(str(event["UID"])), []).append(event.decoded("DTSTART"))
    return {uid: sorted(days) for uid, days in out.items()}


def by_vobject(data: bytes, start: date, end: date) -> dict[str, list[date]]:
    """The same, read and expanded by the second parser (vobject and dateutil)."""
    cal = vobject.readOne(data.decode("utf-8"))
    out = {}
    low = datetime(start.year, start.month, start.day)
    high = datetime(end.year, end.month, end.day)
    for event in cal.vevent_list:
        rules = event.getrruleset(addRDate=True)
        first = event.dtstart.value
        days = [d.date() for d in rules.between(low, high, inc=True)] if rules else [first]
        out[numbered(event.uid.value)] = [d for d in days if start <= d <= end]
    return out


def test_the_feed_is_valid_icalendar_for_both_parsers(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30")
    pln("add", "Ben Okafor, Jr.", "--birthday", "--02-29")
    long_note = (
        "Send the quiz bank; the one with commas, semicolons; and a \\ backslash " * 3
    ).strip()
    pln("remind", "Ana", "friday", "-m", long_note, "--every", "weekly")
    pln("remind", "Ben", "2026-12-31", "-m", "Zoë's café — ünïcödé\nsecond line")
    data = ics(pln)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)  # folded at 75 octets (RFC 5545 3.1)
    assert b"\n" not in data.replace(b"\r\n", b"")  # only CRLF line ends
    found = events(data)
    assert set(found) == {
        "birthday-1@pln",
        "birthday-2@pln",
        feed.series_uid(1, long_note, Interval(0, 7)),
        "followup-2-2@pln",
    }
    # escaping: the text comes back exactly, through both parsers
    series = found[feed.series_uid(1, long_note, Interval(0, 7))]
    assert str(series["SUMMARY"]) == f"Follow up: Ana Ruiz — {long_note}"
    ben = found["followup-2-2@pln"]
    assert str(ben["SUMMARY"]) == "Follow up: Ben Okafor, Jr. — Zoë's café — ünïcödé\nsecond line"
    assert str(ben["DESCRIPTION"]) == "follow-up #2: pln done 2 when it is done"
    assert str(found["birthday-2@pln"]["SUMMARY"]) == "Birthday: Ben Okafor, Jr."
    cal = vobject.readOne(data.decode("utf-8"))
    summaries = {numbered(e.uid.value): e.summary.value for e in cal.vevent_list}
    assert summaries["birthday-2@pln"] == "Birthday: Ben Okafor, Jr."
    assert summaries[numbered(str(series["UID"]))] == f"Follow up: Ana Ruiz — {long_note}"
    for event in found.values():  # DTSTAMP: the moment of the export, in UTC
        assert event.decoded("DTSTAMP").tzinfo is not None


def test_a_birthday_is_one_yearly_event_and_29_february_falls_on_the_28th(pln: Any) -> None:
    for name, born in (
        ("Ana Ruiz", "1985-11-30"),
        ("Leap Baby", "2000-02-29"),
        ("No Year", "--02-29"),
    ):
        pln("add", name, "--birthday", born, "--circle", "following")  # no reconnects
    data = ics(pln)
    found = events(data)
    ana, leap, no_year = (found[f"birthday-{n}@pln"] for n in (1, 2, 3))
    assert ana.decoded("DTSTART") == date(1985, 11, 30)
    assert ana["RRULE"].to_ical() == b"FREQ=YEARLY"
    assert str(ana["SUMMARY"]) == "Birthday: Ana Ruiz"
    assert leap.decoded("DTSTART") == date(2000, 2, 29)
    assert b"RRULE:FREQ=YEARLY;BYMONTHDAY=-1;BYMONTH=2\r\n" in data
    assert no_year.decoded("DTSTART") == date(2000, 2, 29)  # no year: from 2000, a leap year
    want = {
        "birthday-1@pln": [date(2026, 11, 30), date(2027, 11, 30), date(2028, 11, 30)],
        "birthday-2@pln": [date(2027, 2, 28), date(2028, 2, 29)],
        "birthday-3@pln": [date(2027, 2, 28), date(2028, 2, 29)],
    }
    assert expanded(data, TODAY, date(2028, 12, 31)) == want
    assert by_vobject(data, TODAY, date(2028, 12, 31)) == want
    # and `pln due` says the same days
    with pinned_today(date(2027, 2, 27)):
        due = pln.json("due", "--within", "2d")
        assert {(i["person"]["name"], i["due"]) for i in due if i["kind"] == "birthday"} == {
            ("Leap Baby", "2027-02-28"),
            ("No Year", "2027-02-28"),
        }


def test_a_recurring_follow_up_is_one_event_on_the_days_pln_opens_it(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--circle", "following")
    pln("add", "Ben Okafor", "--circle", "following")
    pln("remind", "Ana", "friday", "-m", "Weekly chase", "--every", "weekly")
    pln("remind", "Ben", "2027-01-31", "-m", "Month-end report", "--every", "monthly")
    data = ics(pln)
    found = events(data)
    weekly = feed.series_uid(1, "Weekly chase", Interval(0, 7))
    monthly = feed.series_uid(2, "Month-end report", Interval(1, 0))
    assert set(found) == {weekly, monthly}  # one event each, not one per occurrence
    assert found[weekly]["RRULE"].to_ical() == b"FREQ=WEEKLY"
    assert found[weekly].decoded("DTSTART") == date(2026, 11, 27)
    assert str(found[weekly]["DESCRIPTION"]) == "weekly; follow-up #1: pln done 1 when it is done"
    fridays = [date(2026, 11, 27) + timedelta(weeks=k) for k in range(5)]
    # a month-end series: 28 February, then the 31st again, as `pln done` opens it
    month_ends = [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    for expand in (expanded, by_vobject):
        days = expand(data, TODAY, date(2027, 4, 30))
        assert days[weekly][:5] == fridays
        assert days[monthly] == month_ends
    # the days pln opens as the series goes on (`pln done` on each) are the feed's days
    opened = []
    for _ in range(4):
        [fu] = [f for f in pln.json("reminders") if f["person"]["name"] == "Ben Okafor"]
        opened.append(date.fromisoformat(fu["due"]))
        with pinned_today(opened[-1]):
            pln("done", str(fu["id"]), "--no-log")
    assert opened == month_ends
    # the same UID across exports (subscribers update the event, never duplicate it),
    # starting from the occurrence now open
    with pinned_today(date(2027, 5, 1)):
        later = events(ics(pln))
    assert later[monthly].decoded("DTSTART") == date(2027, 5, 31)
    # the 31st, or the month's last day when it has none
    assert later[monthly]["RRULE"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
    assert later[monthly].decoded("DTSTAMP") != found[monthly].decoded("DTSTAMP")


def test_an_overdue_follow_up_stays_on_its_due_date(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--circle", "following")
    remind_as_typed(pln, "Ana", "2026-11-02", "-m", "Send the quiz bank", today=TODAY)
    remind_as_typed(pln, "Ana", "2026-11-09", "-m", "Chase", "--every", "2w", today=TODAY)
    found = events(ics(pln))
    assert found["followup-1-1@pln"].decoded("DTSTART") == date(2026, 11, 2)  # not today
    chase = found[feed.series_uid(1, "Chase", Interval(0, 14))]
    assert chase.decoded("DTSTART") == date(2026, 11, 9)
    assert chase["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=2"


def test_uids_are_stable_across_exports(pln: Any, env_setup: Path) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30", "--follow-up", "in 3 days")
    pln("add", "Ben Okafor")  # a keep-in-touch date
    pln("remind", "Ana", "monday", "--every", "1m", "-m", "Mentoring")
    first = events(ics(pln))
    with pinned_today(TODAY + timedelta(days=1)):
        second = events(ics(pln))
    assert set(first) == set(second)
    assert {u.split("-")[0] for u in first} == {"birthday", "followup", "reconnect"}
    (env_setup / "config.toml").write_text('birthdays = "never"\n')  # the config switch
    assert "birthday-1@pln" not in events(ics(pln))


@given(
    start=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    months=st.integers(0, 30),
    days=st.integers(0, 70),
)
def test_a_rhythm_expands_to_the_days_pln_counts(start: date, months: int, days: int) -> None:
    """Whatever the rhythm, the event's occurrences are the days `pln done` opens the
    series on: the first day plus k intervals, each counted from it (month ends clamped
    by dates.Interval.add_to, and the day back after a shorter month)."""
    if not (months or days):
        return
    every = Interval(months, days)
    event = feed.followup(1, "1", "Ana", "note", start, every)
    data = to_ics([event], now=datetime(2026, 11, 23, tzinfo=UTC))
    want = [every.add_to(start, k) for k in range(12)]
    end = min(want[-1], start + timedelta(days=366 * feed.RDATE_YEARS))
    want = [d for d in want if d <= end]
    assert expanded(data, start, end)[event.uid] == want
    assert by_vobject(data, start, end)[event.uid] == want


@pytest.mark.parametrize(
    ("every", "rule"),
    [
        (Interval(0, 1), {"FREQ": "DAILY"}),
        (Interval(0, 10), {"FREQ": "DAILY", "INTERVAL": 10}),
        (Interval(0, 21), {"FREQ": "WEEKLY", "INTERVAL": 3}),
        (Interval(3, 0), {"FREQ": "MONTHLY", "INTERVAL": 3}),
        (Interval(24, 0), {"FREQ": "YEARLY", "INTERVAL": 2}),
        (Interval(1, 3), None),  # months and days: no RRULE, the days are listed
    ],
)
def test_the_rule_of_each_rhythm(every: Interval, rule: dict[str, Any] | None) -> None:
    assert feed.rhythm(every, date(2026, 11, 23)) == rule


@pytest.mark.parametrize(
    ("every", "start", "rule"),
    [
        # the 31st, or the month's last day (28 February, 30 April, then the 31st again)
        (Interval(1, 0), date(2027, 1, 31), {"FREQ": "MONTHLY", **last_of(31)}),
        (Interval(1, 0), date(2027, 3, 30), {"FREQ": "MONTHLY", **last_of(30)}),
        (Interval(2, 0), date(2027, 1, 30), {"FREQ": "MONTHLY", "INTERVAL": 2, **last_of(30)}),
        (Interval(12, 0), date(2027, 1, 31), {"FREQ": "YEARLY"}),
        (Interval(12, 0), date(2028, 2, 29), {"FREQ": "YEARLY", "BYMONTH": 2, "BYMONTHDAY": -1}),
        (Interval(1, 0), date(2027, 1, 28), {"FREQ": "MONTHLY"}),
        (Interval(1, 14), date(2027, 1, 31), None),  # months and days: the days are listed
    ],
)
def test_a_series_on_a_day_some_months_lack_has_a_rule_that_comes_back_to_it(
    every: Interval, start: date, rule: dict[str, Any] | None
) -> None:
    assert feed.rhythm(every, start) == rule
    event = feed.followup(1, "1", "Ana", "x", start, every)
    assert bool(event.rdates) == (rule is None)
