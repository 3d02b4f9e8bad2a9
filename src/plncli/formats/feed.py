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
- a group's reading ("Reading: GROUP — TITLE"): ``reading-HASH@pln``, the hash of the
  group's folded name and the resource's URL (or folded title): neither group nor
  resource has a UID of its own;
- a birthday: ``birthday-PERSON@pln``, yearly (``RRULE:FREQ=YEARLY``) from the birth
  date (from 2000, a leap year, when the year is not known); 29 February is
  ``FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1``: the 29th in a leap year, the 28th otherwise,
  as `pln due` counts it.

The event's days are the days pln will open the series on: the series' first day (its
anchor) plus whole intervals, each counted from the anchor (``dates.Interval.add_to``),
so a series on a day a shorter month lacks is on that month's last day and then back on
its own (31 January, monthly: 28 February, then 31 March). The RRULE says exactly those
days: a day after the 28th is ``BYMONTHDAY=28,...,DAY;BYSETPOS=-1`` (the last of those
the month has), 29 February yearly ``BYMONTH=2;BYMONTHDAY=-1``. Only months and days
together (``1m2w``) have no RRULE: the event lists its days of the coming two years
(``RDATE``), and the next export, after `pln done`, lists them on.
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


def rhythm(interval: Interval, anchor: date) -> dict[str, Any] | None:
    """The RRULE of the days pln opens a series on that started on ``anchor`` (from any of
    them: each is the anchor plus whole intervals), or None when no RRULE says them
    (months and days together: see the module's docstring)."""
    months, days = interval
    if months and days or not (months or days):
        return None
    if days:
        weekly = days % 7 == 0
        return _every("WEEKLY" if weekly else "DAILY", days // 7 if weekly else days)
    if months % 12 == 0:
        rule = _every("YEARLY", months // 12)
        if (anchor.month, anchor.day) == (2, 29):  # the 28th when the year has no 29th
            rule.update(BYMONTH=2, BYMONTHDAY=-1)
        return rule
    rule = _every("MONTHLY", months)
    if anchor.day > 28:  # the anchor's day, or the month's last when it is shorter
        rule.update(BYMONTHDAY=list(range(28, anchor.day + 1)), BYSETPOS=-1)
    return rule


def _every(freq: str, n: int) -> dict[str, Any]:
    return {"FREQ": freq} if n == 1 else {"FREQ": freq, "INTERVAL": n}


def occurrences(interval: Interval, anchor: date, *, after: date, until: date) -> list[date]:
    """The days of the series that started on ``anchor`` (the anchor plus k intervals,
    each counted from it) after ``after`` and up to ``until``."""
    found: list[date] = []
    k = 1
    while True:
        try:
            day = interval.add_to(anchor, k)
        except DateError:
            return found
        if day > until:
            return found
        if day > after:
            found.append(day)
        k += 1


def followup(
    fid: int,
    person: str,
    name: str,
    note: str,
    due: date,
    every: Interval | None,
    anchor: date | None = None,
) -> ExportDue:
    """The event of an open follow-up; ``person``: their ``person_key``; ``anchor``: the
    first day of its series (None: ``due``)."""
    summary = _followup_summary(name, note)
    # what the summary does not say: the follow-up's number, and how to close it
    done = f"follow-up #{fid}: pln done {fid} when it is done"
    if every is None:
        return ExportDue(f"followup-{fid}-{person}@pln", summary, due, done)
    said = f"{say_every(str(every))}; {done}"
    start = anchor or due
    rule = rhythm(every, start)
    until = due + timedelta(days=366 * RDATE_YEARS)
    rdates = () if rule else tuple(occurrences(every, start, after=due, until=until))
    return ExportDue(series_uid(person, note, every), summary, due, said, rule, rdates)


def _followup_summary(name: str, note: str) -> str:
    """The follow-up's summary, "Follow up: NAME — NOTE"; a note that says "follow up"
    itself (pln's own "First follow-up", "Follow up on: …") is not said twice: "NAME — NOTE"."""
    if not note:
        return f"Follow up: {name}"
    if re.search(r"\bfollow[\s-]*up\b", note, re.IGNORECASE):
        return f"{name} — {note}"
    return f"Follow up: {name} — {note}"


def reading(uid: str, group: str, title: str, url: str | None, due: date) -> ExportDue:
    """The event of a group's dated reading: "Reading: GROUP — TITLE", with the resource's
    URL (when it has one) as its description."""
    return ExportDue(uid, f"Reading: {group} — {title}", due, url or "")


def reading_uid(group_key: str, resource: str) -> str:
    """A group's reading: the same wherever the book goes (its ids are one book's), named by
    the group's folded name and the resource's URL (its folded title when it has none)."""
    digest = hashlib.sha256(f"{group_key}\n{resource}".encode()).hexdigest()[:32]
    return f"reading-{digest}@pln"


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
