"""Birthdays: how they are typed, stored and counted.

A birthday is stored in the person's ``birthday`` column (a ``DATE`` on both engines).
A birthday known without its year (vCard's ``--MMDD``, typed ``--05-17`` or ``05-17``)
is stored in the year 1604, as Apple's Contacts writes one (``BDAY;X-APPLE-OMIT-YEAR=1604``):
a leap year, so 29 February can be kept, and long before anyone in a contact book was
born. Wherever pln shows or writes such a birthday it writes ``--MM-DD`` (vCard 4.0:
``--MMDD``), never the year 1604.

A birthday falls each year on its month and day; 29 February falls on 28 February in
a year that has no 29 February (as the calendar feed's ``RRULE`` does).

Only ``datetime`` is imported: `pln due` (the fast path) reads birthdays.
"""

import re
from datetime import date, timedelta

NO_YEAR = 1604
FORMS = "YYYY-MM-DD, or --MM-DD / MM-DD for a birthday with no year"
_FULL = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NO_YEAR = re.compile(r"(?:--([0-9]{2})-?|([0-9]{2})-)([0-9]{2})")


class BirthdayError(ValueError):
    """Text that is not a birthday; the message says why, in words."""


def parse(text: str, *, today: date) -> date:
    """A birthday as typed: ``1985-05-17``, ``--05-17``, ``--0517`` or ``05-17``.

    A date after ``today`` is refused: no one is born in the future."""
    value = text.strip()
    full, part = _FULL.fullmatch(value), _NO_YEAR.fullmatch(value)
    if full is not None:
        year, month, day_of_month = int(full[1]), int(full[2]), int(full[3])
    elif part is not None:
        year, month, day_of_month = NO_YEAR, int(part[1] or part[2]), int(part[3])
    else:
        raise BirthdayError(f"{text!r} is not a birthday")
    try:
        day = date(year, month, day_of_month)
    except ValueError:
        raise BirthdayError(f"{text!r} is not a day of the calendar") from None
    if day > today:
        raise BirthdayError(f"{text!r} is in the future: a birthday is today or earlier")
    return day


def from_stored(text: str) -> date:
    """The stored value (ISO text) as a date."""
    return date.fromisoformat(text)


def has_year(day: date) -> bool:
    return day.year != NO_YEAR


def shown(day: date) -> str:
    """``1985-05-17``, or ``--05-17`` for a birthday with no year."""
    return day.isoformat() if has_year(day) else f"--{day:%m-%d}"


def in_year(day: date, year: int) -> date:
    """The day the birthday falls on in ``year`` (29 February: the 28th in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def next_on_or_after(day: date, start: date) -> date:
    """The first day on or after ``start`` the birthday falls on."""
    this_year = in_year(day, start.year)
    return this_year if this_year >= start else in_year(day, start.year + 1)


def turns(day: date, on: date) -> int | None:
    """The age reached on the birthday ``on`` (None when the year is not known, or when
    ``on`` is not after the birth: a file may hold a birthday in the future)."""
    age = on.year - day.year
    return age if has_year(day) and age > 0 else None


def month_days(start: date, end: date) -> list[str] | None:
    """``MM-DD`` of every day from ``start`` to ``end``, with ``02-29`` where a common
    year's 28 February is among them; None when the days cover a whole year."""
    if (end - start).days >= 365:
        return None
    days: list[str] = []
    day = start
    while day <= end:
        days.append(f"{day:%m-%d}")
        if day.month == 2 and day.day == 28 and in_year(date(2000, 2, 29), day.year).day == 28:
            days.append("02-29")
        day += timedelta(days=1)
    return days
