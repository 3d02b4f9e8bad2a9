"""What the calendar feed (`pln export --format ics`) says about follow-ups and birthdays.

Every event is all-day. Its UID stays the same from one export to the next, so a
calendar that subscribes to the feed updates the event rather than adding another.
PERSON in a UID is the person's own UID (``person_key``: a ``urn:uuid:`` one as its UUID,
any other, from a card, as a hash of it), not their id: ids are one book's numbering (a
book rebuilt from a CSV or vCards numbers its people anew, and two books both have a
person 1), a UID is the person's everywhere. So:

- a one-off follow-up: ``followup-ID-PERSON@pln`` (ID the follow-up's, which a restore
  keeps), on its due date (an overdue one stays on the day it was due: the promise is
  not moved to the day of the export);
- a recurring follow-up: ONE event with an ``RRULE`` of its rhythm, starting on its
  open occurrence's due date. pln opens each occurrence as a follow-up of its own
  (`pln done` rolls the series on), so the UID names the series rather than the
  occurrence: ``followup-series-PERSON-HASH@pln``, the hash of what it is about and its
  rhythm; marking one done moves the event's start to the next occurrence;
- a birthday: ``birthday-PERSON@pln``, yearly (``RRULE:FREQ=YEARLY``) from the birth
  date (from 2000, a leap year, when the year is not known); 29 February is
  ``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1``: the 29th in a leap year, the 28th otherwise,
  as `pln due` counts it.

The event's days are the days pln will open the series on, each done on its day: each
occurrence is the one before plus the interval (``dates.Interval.add_to``), so a series
on a day a shorter month lacks moves to that month's last day and stays there (31
January, monthly: 28 February, then 28 March). Where an RRULE says exactly those days
(every daily and weekly rhythm; months on a day every month of the rhythm has) it is
one; where none does (such a month-end series, 29 February yearly, or months and days
together: ``1m2w``) the event lists its days of the coming two years (``RDATE``), and
the next export, after `pln done`, lists them on.
"""

import hashlib
import re
from datetime import date, timedelta
from typing import Any

from ..birthdays import has_year
from ..dates import DateError, Interval, say_every
from .export import ExportDue

YEARLESS_START = 2000  # a leap year: a birthday with no year starts here
RDATE_YEARS = 2
_URN_UUID = re.compile(r"urn:uuid:([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})")


def person_key(uid: str | None, person_id: int) -> str:
    """The person in an event's UID: their UID's UUID (pln's ``urn:uuid:…``), or a hash of
    any other UID a card brought (any text: not all of it may stand in an event's UID);
    ``p`` and the id only for someone with no UID yet (a book not yet upgraded)."""
    if uid is None:
        return f"p{person_id}"
    m = _URN_UUID.fullmatch(uid)
    return m[1].lower() if m else hashlib.sha256(uid.encode()).hexdigest()[:32]


def rhythm(interval: Interval, start: date) -> dict[str, Any] | None:
    """The RRULE of the days pln opens the series on from ``start``, or None when no
    RRULE says them (months and days together, or a day of the month the series will
    have to leave: see the module's docstring)."""
    months, days = interval
    if months and days or not (months or days):
        return None
    if days:
        weekly = days % 7 == 0
        return _every("WEEKLY" if weekly else "DAILY", days // 7 if weekly else days)
    steps = 48 // months + 2  # the months' lengths repeat within four years
    if chain(interval, start, steps) != _one_step(interval, start, steps):
        return None  # a shorter month moves the series to an earlier day for good
    if months % 12 == 0:
        return _every("YEARLY", months // 12)
    return _every("MONTHLY", months)


def _every(freq: str, n: int) -> dict[str, Any]:
    return {"FREQ": freq} if n == 1 else {"FREQ": freq, "INTERVAL": n}


def chain(interval: Interval, start: date, steps: int, *, until: date = date.max) -> list[date]:
    """The days `pln done` opens the series on, each done on its day: each the one before
    plus the interval (``dates.Interval.add_to``), up to ``steps`` of them or ``until``."""
    found = [start]
    while len(found) < steps:
        try:
            day = interval.add_to(found[-1])
        except DateError:
            break
        if day > until:
            break
        found.append(day)
    return found


def _one_step(interval: Interval, start: date, steps: int) -> list[date]:
    found = []
    for k in range(steps):
        try:
            found.append(interval.add_to(start, k))
        except DateError:
            break
    return found


def followup(
    fid: int, person: str, name: str, note: str, due: date, every: Interval | None
) -> ExportDue:
    """The event of an open follow-up; ``person``: their ``person_key``."""
    summary = f"Follow up: {name} — {note}" if note else f"Follow up: {name}"
    if every is None:
        return ExportDue(f"followup-{fid}-{person}@pln", summary, due, note)
    how_often = say_every(str(every))
    said = f"{note} ({how_often})" if note else how_often
    rule = rhythm(every, due)
    until = due + timedelta(days=366 * RDATE_YEARS)
    rdates = () if rule else tuple(chain(every, due, 1000, until=until)[1:])
    return ExportDue(series_uid(person, note, every), summary, due, said, rule, rdates)


def series_uid(person: str, note: str, every: Interval) -> str:
    """The same for every occurrence of a series: who (``person_key``), what about, how
    often."""
    digest = hashlib.sha256(f"{note}\n{every}".encode()).hexdigest()[:12]
    return f"followup-series-{person}-{digest}@pln"


def birthday(person: str, name: str, born: date) -> ExportDue:
    start = born if has_year(born) else born.replace(year=YEARLESS_START)
    rule: dict[str, Any] = {"FREQ": "YEARLY"}
    if (born.month, born.day) == (2, 29):
        rule.update(BYMONTH=2, BYMONTHDAY=-1)
    said = f"born {born.isoformat()}" if has_year(born) else "birthday (year not known)"
    return ExportDue(f"birthday-{person}@pln", f"Birthday: {name}", start, said, rule)
