"""Strict reading of the dates, times and intervals that users type.

Every ``pln`` command imports this module, so it uses only the standard library
(``dateutil`` is not imported at all: month arithmetic below reproduces
``relativedelta`` exactly).  The grammar is hand written and strict: text that
is not fully understood raises :class:`DateError`; nothing is guessed.

Input is case-insensitive; surrounding whitespace is ignored and internal runs
of whitespace count as one space.  Numbers are ASCII digits (or "a"/"an" for 1).

Days (:func:`parse_day`)
    today, tomorrow, yesterday, [the] day after tomorrow, [the] day before yesterday;
    in 3 days, in a week, in 1 month 2 weeks, 3 days ago, a month ago, in 3d, 2w ago;
    compact offsets 3d, 2w, 3m, 1y, 1m2w, +3d, -2w (no sign = forward);
    fri / friday, next friday, last monday, this friday (Mon-Sun week);
    next/last week (7 days), next/last month, next/last year (calendar, clamped);
    dec 3, 3 dec, december 3, 3rd december, 3rd of december, dec 3rd, Dec 3, 2026,
    3 december 2026 (3-letter or full month names, also "sept");
    2026-12-01, 2026/12/01; 01/12/2026, 1.12.2026, 01/12/26 (day/month when
    ``dayfirst`` else month/day).

Decisions
    * An ordinal suffix must fit its number: "3rd" is accepted, "3th" is not.
    * A month-day without a year means the next such month and day on/after
      today (``prefer="future"``) or the latest on/before today (``prefer="past"``),
      and must exist in that year: from 2026-11-23, "feb 29" is refused ("February
      2027 has 28 days"; ``prefer="past"``: "February 2026 has 28 days") rather
      than moved to a leap year, and "feb 30" names the days of the year meant.
    * Dates that do not exist ("feb 30", "2026-02-29", "2026-13-01", "13/01/2026"
      read month-first) are rejected as "... is not a date"; day and month are
      never swapped to make them fit.
    * A two-digit year is placed in the 100-year window that starts 50 years
      before today's year (in 2026: 76 -> 1976, 75 -> 2075).
    * Offsets and intervals go up to 10 years: at most 120 months and at most
      3653 days (each counted separately, weeks as 7 days).  "in 0 days" is today.
    * Bare or signed offsets must be compact ("3d", "-2w"); "3 days" alone is
      rejected (it could mean either direction): say "in 3 days" or "3 days ago".

Moments (:func:`parse_moment`)
    "now", or a day as above optionally followed by a time: 15:30, 9:05, 3pm,
    3:30pm, 3:30 pm, 12am (midnight), 12pm (noon), optionally after "at".  A time
    alone means today.  Without a time, today is ``now`` itself and any other day
    is 12:00 local time.  Seconds, "noon" and "15:30 yesterday" are not accepted.
    Local wall-clock times are built with ``fold=0``: an
    ambiguous time (clocks going back) is its first occurrence, and a time that
    does not exist (clocks going forward) is read with the offset in force before
    the change, so it lands one hour later on the wall clock ("2026-03-29 01:30"
    in Europe/London is 01:30 UTC, i.e. 02:30 BST).  Pass ``tz`` (a ZoneInfo) for
    DST-correct local times; otherwise ``now.tzinfo`` is used as it is, and a
    fixed-offset ``now`` (as from :func:`local_now`) applies that offset to every day.

Intervals (:func:`parse_interval`)
    30d, 2w, 3m, 1y, 1m2w, 30 days, 2 weeks, 3 months, 1 year, a week, a month,
    every 2 weeks, every day/week/fortnight/month/quarter/year, daily, weekly,
    fortnightly, monthly, quarterly, yearly / annually.  Zero, negative and
    "biweekly" (ambiguous) are rejected.  ``str(Interval)`` gives a canonical form
    that reads back: days as "Nw" when divisible by 7 else "Nd", months as "Ny"
    when divisible by 12 else "Nm" (so 14 months is "14m"), e.g. "1m2w".

Wording (:func:`humanize_day`)
    today / tomorrow / yesterday; under 14 days: "in 3 days", "3 days ago";
    under 60 days: weeks; then months (30.4375 days) rounded to the nearest whole
    month, said as years and months from 12 months on: "a year ago", "in 2 years",
    "2 years 9 months ago" (never "12 months ago").

Rhythms (:func:`say_every`, :func:`say_span`)
    "daily", "weekly", "monthly", "yearly" for one unit; else "every 2 weeks",
    "every 60 days", "every 1 month 2 weeks" (never the compact "2w").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from .lean import TYPE_CHECKING, NamedTuple, regex

if TYPE_CHECKING:
    import re
    from typing import Literal

    Prefer = Literal["future", "past"]
    Precision = Literal["day", "month", "year"]

__all__ = [
    "DateError",
    "Interval",
    "humanize_day",
    "local_now",
    "parse_day",
    "parse_day_at",
    "parse_interval",
    "parse_moment",
    "say_every",
    "say_span",
]


_DAY_FORMS = (
    "today, tomorrow, yesterday, in 3 days, 3d, 2w, next friday, last monday, dec 3, 2026-12-01"
)
_MOMENT_FORMS = "now, 15:30, 3pm, at 9:05, yesterday 15:30, next friday 3:30pm, " + _DAY_FORMS
_INTERVAL_FORMS = (
    "30d, 2w, 3m, 1y, 30 days, 3 months, a week, every 2 weeks, "
    "daily, weekly, fortnightly, monthly, quarterly, yearly"
)
_MAX_MONTHS = 120
_MAX_DAYS = 3653

_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_LENGTHS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_MONTH_RX = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WEEKDAY_RX = (
    r"(mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)
_UNIT_RX = r"(days?|d|weeks?|w|months?|m|years?|y)(?![a-z])"
_COMPONENT_RX = rf"(?:([0-9]{{1,6}}) ?|(an?) ){_UNIT_RX}"
_TIME_TAIL_RX = (
    r"(?:(?P<day>.+?) )??(?:at )?"
    r"(?P<time>(?P<h>[0-9]{1,2})(?::(?P<mi>[0-9]{2}))?(?: ?(?P<ap>am|pm))?)"
)


class DateError(ValueError):
    """A date, time or interval that could not be read.

    The message is one line: what was not understood, plus the accepted forms, e.g.
    "could not read 'next tuseday' as a date; try: today, tomorrow, ..."
    """


# ``lean.NamedTuple`` leaves the annotations as text: typing's compiles each, and the first
# ``compile`` of a process makes Python's AST classes (~10M instructions, every command).
class _Parts(NamedTuple):
    months: int
    days: int


class Interval(_Parts):
    """A calendar interval: whole months plus whole days (both >= 0).

    A NamedTuple rather than a dataclass: ``dataclasses`` costs every command ~9 ms
    of imports (benchmarks/README.md).
    """

    __slots__ = ()

    def __new__(cls, months: int = 0, days: int = 0) -> Interval:
        if months < 0 or days < 0:
            raise ValueError(f"interval parts must not be negative: {months}m {days}d")
        return super().__new__(cls, months, days)

    def __str__(self) -> str:
        """Canonical compact form that :func:`parse_interval` reads back: "2w", "1y", "1m3d"."""
        parts = []
        if self.months:
            parts.append(f"{self.months // 12}y" if self.months % 12 == 0 else f"{self.months}m")
        if self.days:
            parts.append(f"{self.days // 7}w" if self.days % 7 == 0 else f"{self.days}d")
        return "".join(parts) or "0d"

    def add_to(self, d: date, times: int = 1) -> date:
        """``d`` plus ``times`` intervals, computed from ``d`` in one step (no drift).

        Same as ``d + relativedelta(months=months*times, days=days*times)``: months
        first, with the day clamped to the month's end (jan 31 + 1m = feb 28/29),
        then days.  A result outside years 1-9999 raises DateError.
        """
        try:
            return _add_months(d, self.months * times) + timedelta(days=self.days * times)
        except (OverflowError, ValueError):
            raise DateError(
                f"{d.isoformat()} plus {times} x {self} is outside the calendar (years 1-9999)"
            ) from None

    def approx_days(self) -> float:
        """Length in days, counting a month as 30.4375 days (for ranking)."""
        return self.months * 30.4375 + self.days


class _Ctx:
    """What a relative day is read against (a plain class: cheaper to import)."""

    __slots__ = ("today", "prefer", "dayfirst")

    def __init__(self, today: date, prefer: Prefer, dayfirst: bool) -> None:
        self.today = today
        self.prefer = prefer
        self.dayfirst = dayfirst


# ---------------------------------------------------------------- helpers


def _normalize(text: str) -> str:
    return " ".join(text.lower().split())


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _not_understood(text: str, what: str, forms: str) -> DateError:
    return DateError(f"could not read {_quote(text)} as {what}; try: {forms}")


def _check_prefer(prefer: str) -> None:
    if prefer not in ("future", "past"):
        raise ValueError(f"prefer must be 'future' or 'past', not {prefer!r}")


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return _MONTH_LENGTHS[month - 1]


def _add_months(d: date, months: int) -> date:
    year, month0 = divmod(d.year * 12 + d.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date value out of range")
    return date(year, month0 + 1, min(d.day, _days_in(year, month0 + 1)))


def _month_number(name: str) -> int:
    return next(i for i, full in enumerate(_MONTHS, 1) if full.startswith(name[:3]))


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    if not 1 <= year <= 9999:
        reason = "years run from 1 to 9999"
    elif not 1 <= month <= 12:
        reason = f"there is no month {month}"
    elif not 1 <= day <= _days_in(year, month):
        reason = f"{_MONTHS[month - 1].title()} {year} has {_days_in(year, month)} days"
    else:
        return date(year, month, day)
    raise DateError(f"{shown} is not a date: {reason}")


def _ordinal_ok(n: int, suffix: str | None) -> bool:
    if suffix is None:
        return True
    expected = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return suffix == expected


def _full_year(two_digits: int, this_year: int) -> int:
    start = this_year - 50
    return start + (two_digits - start) % 100


# ---------------------------------------------------------------- spans


def _read_span(body: str) -> Interval | None:
    """Read "3 days", "a week", "1m2w", "1 month 2 weeks"; None if not a span."""
    counts = _compact_span(body)
    if counts is None:
        return _read_spelled_span(body)
    months = counts.get("y", 0) * 12 + counts.get("m", 0)
    return Interval(months, counts.get("w", 0) * 7 + counts.get("d", 0))


def _compact_span(body: str) -> dict[str, int] | None:
    """The units of a span in ``Interval``'s own form ("3m", "2w", "1m3d"), read without
    ``re`` (`pln due` reads every circle's cadence, and nothing else needs ``re``); None
    for anything else, which ``_read_spelled_span`` reads (the same counts: a test)."""
    counts: dict[str, int] = {}
    at, end = 0, len(body)
    while at < end:
        unit = at
        while unit < end and "0" <= body[unit] <= "9":
            unit += 1
        if not 0 < unit - at <= 6 or unit == end or body[unit] not in "dwmy":
            return None
        if body[unit] in counts:
            return None
        counts[body[unit]] = int(body[at:unit])
        at = unit + 1
    return counts or None


def _read_spelled_span(body: str) -> Interval | None:
    counts: dict[str, int] = {}
    component = regex(_COMPONENT_RX)
    pos = 0
    while True:
        m = component.match(body, pos)
        if m is None:
            return None
        digits, article, unit = m.groups()
        if unit[0] in counts or (article and len(unit) == 1):
            return None
        counts[unit[0]] = int(digits) if digits else 1
        pos = m.end()
        if pos == len(body):
            break
        if body[pos] == " ":
            pos += 1
    months = counts.get("y", 0) * 12 + counts.get("m", 0)
    return Interval(months, counts.get("w", 0) * 7 + counts.get("d", 0))


def _check_limit(iv: Interval, text: str, forms: str) -> Interval:
    if iv.months > _MAX_MONTHS or iv.days > _MAX_DAYS:
        raise DateError(
            f"{_quote(text)} is too long: at most 10 years "
            f"({_MAX_MONTHS} months, {_MAX_DAYS} days); try: {forms}"
        )
    return iv


_FREQUENCIES = {
    "daily": Interval(days=1),
    "weekly": Interval(days=7),
    "fortnightly": Interval(days=14),
    "monthly": Interval(months=1),
    "quarterly": Interval(months=3),
    "yearly": Interval(months=12),
    "annually": Interval(months=12),
}
_EVERY_UNIT = {
    "day": Interval(days=1),
    "week": Interval(days=7),
    "fortnight": Interval(days=14),
    "month": Interval(months=1),
    "quarter": Interval(months=3),
    "year": Interval(months=12),
}


def _read_interval(norm: str) -> Interval | None:
    if norm in _FREQUENCIES:
        return _FREQUENCIES[norm]
    body = norm.removeprefix("every ")
    if body != norm:
        if body in _EVERY_UNIT:
            return _EVERY_UNIT[body]
        if body.startswith(("a ", "an ")):
            return None
    return _read_span(body)


def parse_interval(text: str) -> Interval:
    """Read a repeat interval such as "2w", "3 months", "every 2 weeks" or "monthly"."""
    norm = _normalize(text)
    if norm.startswith("-"):
        raise DateError(f"an interval must be positive, not {_quote(text)}; try: {_INTERVAL_FORMS}")
    iv = _read_interval(norm)
    if iv is None:
        raise _not_understood(text, "an interval", _INTERVAL_FORMS)
    if iv.months == 0 and iv.days == 0:
        raise DateError(f"an interval must be positive, not {_quote(text)}; try: {_INTERVAL_FORMS}")
    return _check_limit(iv, text, _INTERVAL_FORMS)


# ---------------------------------------------------------------- days


def _offset(span: str, today: date, sign: int, shown: str) -> date | None:
    iv = _read_span(span)
    if iv is None:
        return None
    return _check_limit(iv, shown, _DAY_FORMS).add_to(today, sign)


def _rule_in(m: re.Match[str], c: _Ctx) -> date | None:
    return _offset(m[1], c.today, 1, m[0])


def _rule_ago(m: re.Match[str], c: _Ctx) -> date | None:
    return _offset(m[1], c.today, -1, m[0])


def _rule_compact(m: re.Match[str], c: _Ctx) -> date | None:
    return _offset(m[2], c.today, -1 if m[1] == "-" else 1, m[0])


def _rule_weekday(m: re.Match[str], c: _Ctx) -> date | None:
    which, t = m[1], c.today
    wd = _WEEKDAYS.index(m[2][:3])
    if which == "this":
        return t + timedelta(days=wd - t.weekday())
    if which == "next" or (which is None and c.prefer == "future"):
        return t + timedelta(days=(wd - t.weekday() - 1) % 7 + 1)
    return t - timedelta(days=(t.weekday() - wd - 1) % 7 + 1)


def _month_day(c: _Ctx, month: int, day: int, year: str | None, shown: str) -> date:
    if year is not None:
        return _make_date(int(year), month, day, shown)
    meant = _year_meant(c, month, day)
    if not 1 <= meant <= 9999:
        raise DateError(f"{shown} is outside the calendar (years 1-9999)")
    return _make_date(meant, month, day, shown)


def _year_meant(c: _Ctx, month: int, day: int) -> int:
    """The year of the next (future) or last (past) such month and day, counted from today."""
    this_year = (c.today.month, c.today.day)
    if c.prefer == "future":
        return c.today.year + 1 if (month, day) < this_year else c.today.year
    return c.today.year - 1 if (month, day) > this_year else c.today.year


def _rule_month_first(m: re.Match[str], c: _Ctx) -> date | None:
    day = int(m[2])
    if not _ordinal_ok(day, m[3]):
        return None
    return _month_day(c, _month_number(m[1]), day, m[4], m[0])


def _rule_day_first(m: re.Match[str], c: _Ctx) -> date | None:
    day = int(m[1])
    if not _ordinal_ok(day, m[2]):
        return None
    return _month_day(c, _month_number(m[3]), day, m[4], m[0])


def _rule_iso(m: re.Match[str], c: _Ctx) -> date | None:
    return _make_date(int(m[1]), int(m[3]), int(m[4]), m[0])


def _rule_numeric(m: re.Match[str], c: _Ctx) -> date | None:
    first, second, year = int(m[1]), int(m[3]), m[4]
    day, month = (first, second) if c.dayfirst else (second, first)
    full = int(year) if len(year) == 4 else _full_year(int(year), c.today.year)
    if not 1 <= month <= 12 and 1 <= day <= 12:  # read the other way round, it would be a month
        was, other, flag = ("day", "month", "false") if c.dayfirst else ("month", "day", "true")
        raise DateError(
            f"{m[0]} is not a date read {was} first (there is no month {month}); set"
            f" dayfirst = {flag} in config.toml to read dates like it {other} first"
        )
    return _make_date(full, month, day, m[0])


if TYPE_CHECKING:
    _Rule = Callable[[re.Match[str], _Ctx], date | None]

_DAY_RULES: tuple[tuple[str, _Rule], ...] = (
    (r"in (.+)", _rule_in),
    (r"(.+) ago", _rule_ago),
    (r"([+-]?)((?:[0-9]{1,6}[dwmy])+)", _rule_compact),
    (rf"(?:(next|last|this) )?{_WEEKDAY_RX}", _rule_weekday),
    (rf"{_MONTH_RX} ([0-9]{{1,2}})(st|nd|rd|th)?(?:,? ([0-9]{{4}}))?", _rule_month_first),
    (rf"([0-9]{{1,2}})(st|nd|rd|th)? (?:of )?{_MONTH_RX}(?:,? ([0-9]{{4}}))?", _rule_day_first),
    (r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})", _rule_iso),
    (r"([0-9]{1,2})([/.])([0-9]{1,2})\2([0-9]{2}|[0-9]{4})", _rule_numeric),
)
_WORDS = {
    "today": 0,
    "tomorrow": 1,
    "yesterday": -1,
    "day after tomorrow": 2,
    "the day after tomorrow": 2,
    "day before yesterday": -2,
    "the day before yesterday": -2,
}
_RELATIVE = {
    "next week": (Interval(days=7), 1),
    "last week": (Interval(days=7), -1),
    "next month": (Interval(months=1), 1),
    "last month": (Interval(months=1), -1),
    "next year": (Interval(months=12), 1),
    "last year": (Interval(months=12), -1),
}


def _dispatch_day(norm: str, c: _Ctx) -> date | None:
    if norm in _WORDS:
        return c.today + timedelta(days=_WORDS[norm])
    if norm in _RELATIVE:
        iv, sign = _RELATIVE[norm]
        return iv.add_to(c.today, sign)
    for pattern, rule in _DAY_RULES:
        m = regex(pattern).fullmatch(norm)
        if m is not None:
            return rule(m, c)
    return None


def _read_day(norm: str, c: _Ctx) -> date | None:
    try:
        return _dispatch_day(norm, c)
    except OverflowError:
        raise DateError(f"{_quote(norm)} is outside the calendar (years 1-9999)") from None


def parse_day(text: str, *, today: date, prefer: Prefer = "future", dayfirst: bool = False) -> date:
    """Read a calendar day relative to ``today`` (see the module docstring for forms)."""
    _check_prefer(prefer)
    if isinstance(today, datetime):
        today = today.date()
    d = _read_day(_normalize(text), _Ctx(today, prefer, dayfirst))
    if d is None:
        raise _not_understood(text, "a date", _DAY_FORMS)
    return d


def parse_day_at(
    text: str, *, today: date, prefer: Prefer = "future", dayfirst: bool = False
) -> tuple[date, time | None]:
    """A day, possibly with a time of day ("tomorrow 9am", "friday at 15:30", "3pm"):
    the day, and the time if one was given (None otherwise), for callers that keep only
    the day and say so.  Errors are those of :func:`parse_day`, or of a time that is
    not one ("tomorrow 25:00")."""
    try:
        return parse_day(text, today=today, prefer=prefer, dayfirst=dayfirst), None
    except DateError as not_a_day:
        norm = _normalize(text)
        day_text, clock = _split_time(norm)
        if clock is None:
            raise
        if isinstance(today, datetime):
            today = today.date()
        ctx = _Ctx(today, prefer, dayfirst)
        day = today if day_text is None else _read_day(day_text, ctx)
        if day is None:
            raise not_a_day from None
        return day, clock


# ---------------------------------------------------------------- moments


def _make_time(m: re.Match[str]) -> time:
    hour, minute, ampm = int(m["h"]), int(m["mi"] or 0), m["ap"]
    if ampm and not 1 <= hour <= 12:
        reason = "with am/pm the hour runs from 1 to 12"
    elif not ampm and hour > 23:
        reason = "hours run from 0 to 23"
    elif minute > 59:
        reason = "minutes run from 00 to 59"
    else:
        if ampm:
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        return time(hour, minute)
    raise DateError(f"{m['time']} is not a time: {reason}; try: 15:30, 9:05, 3pm, 3:30pm")


def _split_time(norm: str) -> tuple[str | None, time | None]:
    """Split "yesterday at 15:30" into ("yesterday", 15:30); no time -> (norm, None)."""
    m = regex(_TIME_TAIL_RX).fullmatch(norm)
    if m is None or (m["mi"] is None and m["ap"] is None):
        return norm, None
    return m["day"], _make_time(m)


def _local_moment(
    norm: str, now: datetime, zone: tzinfo | None, prefer: Prefer, dayfirst: bool
) -> datetime | None:
    """The moment ``norm`` names, in local time; None if it is not understood."""
    if norm == "now":
        return now
    day_text, clock = _split_time(norm)
    today = now.astimezone(zone).date()
    day = today if day_text is None else _read_day(day_text, _Ctx(today, prefer, dayfirst))
    if day is None:
        return None
    if clock is None:
        if day == today:
            return now
        clock = time(12, 0)
    if zone is None:  # the system's own rules, daylight saving included
        return datetime.combine(day, clock).astimezone()
    return datetime.combine(day, clock, tzinfo=zone)


def parse_moment(
    text: str,
    *,
    now: datetime,
    prefer: Prefer = "past",
    dayfirst: bool = False,
    tz: tzinfo | None = None,
) -> datetime:
    """Read a day and optional time; return an aware datetime in UTC.

    ``now`` must be timezone-aware.  Local times are built in ``tz`` when given
    (use a ZoneInfo for DST-correct results); else, when ``now`` carries only a
    fixed offset (as ``datetime.now().astimezone()`` does), in the system's local
    time zone with its daylight-saving rules; else in ``now.tzinfo``.
    """
    _check_prefer(prefer)
    if now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    zone = tz if tz is not None else now.tzinfo
    if tz is None and isinstance(now.tzinfo, timezone):
        zone = None
    try:
        moment = _local_moment(_normalize(text), now, zone, prefer, dayfirst)
        if moment is None:
            raise _not_understood(text, "a date and time", _MOMENT_FORMS)
        return moment.astimezone(UTC)
    except DateError:
        raise
    except OverflowError:
        raise DateError(f"{_quote(text)} is outside the calendar (years 1-9999)") from None
    except ValueError:  # the calendar's first or last day: in UTC it is "year 0" or 10000
        raise DateError(
            f"{_quote(text)} is at the very edge of the calendar (year 1 or 9999): give another day"
        ) from None


# ---------------------------------------------------------------- output


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _describe_days(n: int) -> str:
    if n < 14:
        return _plural(n, "day")
    if n < 60:
        return _plural(round(n / 7), "week")
    months = round(n / 30.4375)
    if months < 12:
        return _plural(months, "month")
    years, months = divmod(months, 12)
    if months == 0:
        return "a year" if years == 1 else _plural(years, "year")
    return f"{_plural(years, 'year')} {_plural(months, 'month')}"


def humanize_day(d: date, *, today: date) -> str:
    """Say how far ``d`` is from ``today``: "today", "in 3 days", "5 weeks ago", "a year ago",
    "2 years 9 months ago", ..."""
    n = (d - today).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if n in named:
        return named[n]
    span = _describe_days(abs(n))
    return f"in {span}" if n > 0 else f"{span} ago"


def say_span(interval: Interval) -> str:
    """An interval in words, with the units of its canonical form: "2 weeks", "60 days",
    "1 month 2 weeks", "1 year"."""
    parts = []
    if interval.months:
        years, months = divmod(interval.months, 12)
        parts.append(_plural(years, "year") if months == 0 else _plural(interval.months, "month"))
    if interval.days:
        weeks, days = divmod(interval.days, 7)
        parts.append(_plural(weeks, "week") if days == 0 else _plural(interval.days, "day"))
    return " ".join(parts) or "0 days"


_EVERY_ONE = {"1 day": "daily", "1 week": "weekly", "1 month": "monthly", "1 year": "yearly"}


def say_every(interval: Interval | str) -> str:
    """A repeat or keep-in-touch rhythm in words: "weekly", "monthly", "every 2 weeks",
    "every 60 days"; the stored text (canonical form, or "never") is accepted as well."""
    if isinstance(interval, str):
        if interval == "never":
            return "never"
        try:
            interval = parse_interval(interval)
        except DateError:  # not pln's own form (a hand-edited database): shown as stored
            return f"every {interval}"
    span = say_span(interval)
    return _EVERY_ONE.get(span) or f"every {span}"


def local_now() -> datetime:
    """The current local time as an aware datetime (fixed offset of the moment)."""
    return datetime.now().astimezone()


# ---------------------------------------------------------------- partly known days


# patterns, compiled on first use (``re`` keeps them): most commands read no partial day
_YEAR_ONLY = r"(?:in )?([0-9]{4})"
_MONTH_YEAR = rf"(?:in )?{_MONTH_RX},? ([0-9]{{4}})"
_ISO_MONTH = r"([0-9]{4})-([0-9]{1,2})"


def parse_partial_day(text: str, *, today: date, dayfirst: bool = False) -> tuple[date, Precision]:
    """A past day that may be known only to the year ("2019") or the month ("sept 2019",
    "2019-09"): its first day and how much of it is known. Anything else is read by
    :func:`parse_day` (preferring the past) and known to the day."""
    if isinstance(today, datetime):
        today = today.date()
    norm = _normalize(text)
    if m := regex(_YEAR_ONLY).fullmatch(norm):
        return _partial(int(m[1]), 1, "year", text), "year"
    if m := regex(_MONTH_YEAR).fullmatch(norm):
        return _partial(int(m[2]), _month_number(m[1]), "month", text), "month"
    if m := regex(_ISO_MONTH).fullmatch(norm):
        return _partial(int(m[1]), int(m[2]), "month", text), "month"
    return parse_day(text, today=today, prefer="past", dayfirst=dayfirst), "day"


def _partial(year: int, month: int, what: str, text: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"{_quote(text)} is not a month: months run from 1 to 12")
    if not 1 <= year <= 9998:
        raise DateError(f"{_quote(text)} is not a {what} pln can keep (years 1 to 9998)")
    return date(year, month, 1)


def period_end(d: date, precision: str | None) -> date:
    """The last day a partly known day may be: its year's or month's last (the day itself
    when it is known)."""
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        return date(d.year, d.month, _days_in(d.year, d.month))
    return d


def say_partial(d: date, precision: str | None) -> str:
    """A partly known day as it was typed: "2019", "September 2019", or the ISO day."""
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{_MONTHS[d.month - 1].title()} {d.year}"
    return d.isoformat()
