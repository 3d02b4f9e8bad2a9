"""What the calendar feed (`pln export --format ics`) says about follow-ups and birthdays.

Every event is all-day. Its UID stays the same from one export to the next, so a
calendar that subscribes to the feed updates the event rather than adding another:

- a one-off follow-up: ``followup-ID@pln``, on its due date (an overdue one stays on
  the day it was due: the promise is not moved to the day of the export);
- a recurring follow-up: ONE event with an ``RRULE`` of its rhythm, starting on its
  open occurrence's due date. pln opens each occurrence as a follow-up of its own
  (`pln done` rolls the series on), so the UID names the series rather than the
  occurrence: ``followup-series-PERSON-HASH@pln``, the hash of what it is about and its
  rhythm; marking one done moves the event's start to the next occurrence;
- a birthday: ``birthday-PERSON@pln``, yearly (``RRULE:FREQ=YEARLY``) from the birth
  date (from 2000, a leap year, when the year is not known); 29 February is
  ``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1``: the 29th in a leap year, the 28th otherwise,
  as `pln due` counts it.

A rhythm pln keeps as months falls on the same day of the month, and on the last day
of a shorter month (31 January, monthly: 28 or 29 February, 31 March), as
``dates.Interval.add_to`` counts it: a start after the 28th is written
``BYMONTHDAY=28,...,DAY;BYSETPOS=-1`` (the latest of those days the month has). A
rhythm of months and days together (``1m2w``) has no ``RRULE``: its occurrences of the
coming two years are listed (``RDATE``) in the one event.
"""

import hashlib
from datetime import date, timedelta
from typing import Any

from ..birthdays import has_year
from ..dates import DateError, Interval, say_every
from .export import ExportDue

YEARLESS_START = 2000  # a leap year: a birthday with no year starts here
RDATE_YEARS = 2


def rhythm(interval: Interval, start: date) -> dict[str, Any] | None:
    """The RRULE of ``start + k * interval`` (k = 0, 1, ...), or None when there is none."""
    months, days = interval
    if months and days or not (months or days):
        return None
    if days:
        weekly = days % 7 == 0
        return _every("WEEKLY" if weekly else "DAILY", days // 7 if weekly else days)
    if months % 12 == 0:
        rule = _every("YEARLY", months // 12)
        if (start.month, start.day) == (2, 29):
            rule.update(BYMONTH=2, BYMONTHDAY=-1)
        return rule
    rule = _every("MONTHLY", months)
    if start.day > 28:
        rule.update(BYMONTHDAY=list(range(28, start.day + 1)), BYSETPOS=-1)
    return rule


def _every(freq: str, n: int) -> dict[str, Any]:
    return {"FREQ": freq} if n == 1 else {"FREQ": freq, "INTERVAL": n}


def listed(interval: Interval, start: date, *, until: date) -> tuple[date, ...]:
    """The occurrences after ``start`` up to ``until`` (for a rhythm with no RRULE)."""
    found: list[date] = []
    k = 1
    while True:
        try:
            day = interval.add_to(start, k)
        except DateError:
            break
        if day > until:
            break
        found.append(day)
        k += 1
    return tuple(found)


def followup(
    fid: int, person_id: int, name: str, note: str, due: date, every: Interval | None
) -> ExportDue:
    summary = f"Follow up: {name} — {note}" if note else f"Follow up: {name}"
    if every is None:
        return ExportDue(f"followup-{fid}@pln", summary, due, note)
    how_often = say_every(str(every))
    said = f"{note} ({how_often})" if note else how_often
    rule = rhythm(every, due)
    rdates = () if rule else listed(every, due, until=due + timedelta(days=366 * RDATE_YEARS))
    return ExportDue(series_uid(person_id, note, every), summary, due, said, rule, rdates)


def series_uid(person_id: int, note: str, every: Interval) -> str:
    """The same for every occurrence of a series: who, what about, how often."""
    digest = hashlib.sha256(f"{note}\n{every}".encode()).hexdigest()[:12]
    return f"followup-series-{person_id}-{digest}@pln"


def birthday(person_id: int, name: str, born: date) -> ExportDue:
    start = born if has_year(born) else born.replace(year=YEARLESS_START)
    rule: dict[str, Any] = {"FREQ": "YEARLY"}
    if (born.month, born.day) == (2, 29):
        rule.update(BYMONTH=2, BYMONTHDAY=-1)
    said = f"born {born.isoformat()}" if has_year(born) else "birthday (year not known)"
    return ExportDue(f"birthday-{person_id}@pln", f"Birthday: {name}", start, said, rule)
