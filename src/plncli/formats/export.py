"""Writing pln's people out: CSV (read back by the generic import), vCard 4.0, iCalendar.

vCard: what a card has a property for, and the meeting (``_meeting``) in pln's own
``X-PLN-MET-AT`` and ``X-PLN-MET-ON``; the rest of a person (circle, cadence, offers,
seeks, role tags, introducer, ties) is pln's own, in the CSV and JSON exports only.

CSV: RFC 4180 (CRLF row ends: write the text with ``newline=""``); the header is
``CSV_COLUMNS``; multi-valued cells are joined with ``;``, a ``;`` or ``\\`` inside a
value escaped with ``\\`` (``a\\;b``: one value, as a vCard escapes them; the import
reads it back whole); dates are ISO. Unless ``raw``, a cell
starting with ``= + - @``, a tab, a carriage return or ``'`` gets a leading ``'``
(OWASP's advice against CSV injection), which spreadsheets show as plain text and
pln's CSV import removes again.
"""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from .csvread import CSV_FIELDS


class ExportPerson(NamedTuple):
    id: int
    name: str
    emails: list[str]
    phones: list[str]
    org: str | None
    role: str | None
    location: str | None
    links: list[str]
    circle: str
    topics: list[str]
    offers: list[str]
    seeks: list[str]
    notes: str
    met_at: str | None
    met_on: date | None
    birthday: date | None
    last_contact: date | None
    knows: list[str]
    met_on_precision: str | None = None  # "year"/"month": written as 2019 / 2019-09
    uid: str | None = None  # RFC 6350 UID: the person's, stable across exports
    cadence: str | None = None  # the person's own keep-in-touch cadence ("30d", "never")
    role_tags: list[str] = []  # never mutated
    introduced_by: str | None = None  # the introducer's name


class ExportDue(NamedTuple):
    """One event of the calendar feed (``feed.py`` says which and how)."""

    uid: str  # stable, e.g. "reconnect-PERSON@pln" (feed.py: PERSON is the person's UID)
    summary: str  # e.g. "Follow up: Ana Ruiz — Send the quiz bank"
    due: date  # the (first) day of the event
    description: str
    rrule: dict[str, Any] | None = None  # icalendar's vRecur parts: {"FREQ": "WEEKLY"}
    rdates: tuple[date, ...] = ()  # further occurrences no RRULE can say


CSV_COLUMNS = CSV_FIELDS  # the layout the pln CSV import reads back
_RISKY = ("=", "+", "-", "@", "\t", "\r", "'")
_FOLD = 75  # octets per vCard line, CRLF excluded (RFC 6350 3.2)
# The feed's name in a calendar application: what `pln due` lists (follow-ups, readings,
# birthdays, first contacts, reconnects), not the follow-ups alone.
CALENDAR_NAME = "pln: what is due"


def to_csv(people: list[ExportPerson], *, raw: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a lone CR gets quoted
    writer.writerow(CSV_COLUMNS)
    for p in people:
        cells = [
            p.name,
            _joined(p.emails),
            _joined(p.phones),
            p.org or "",
            p.role or "",
            p.location or "",
            p.circle,
            _joined(p.topics),
            _joined(p.offers),
            _joined(p.seeks),
            p.met_at or "",
            _partial_iso(p.met_on, p.met_on_precision),
            p.notes,
            _joined(p.knows),
            _birthday(p.birthday),
            _joined(p.links),
            _iso(p.last_contact),
            p.cadence or "",
            _joined(p.role_tags),
            p.introduced_by or "",
            p.uid or "",
        ]
        writer.writerow(cells if raw else [_neutralise(c) for c in cells])
    return out.getvalue()


def _joined(values: list[str]) -> str:
    """A multi-valued cell: the values joined with ``;``, each ``\\`` and ``;`` in a value
    escaped with a ``\\`` (``generic.split_values`` reads them back)."""
    return ";".join(v.replace("\\", "\\\\").replace(";", "\\;") for v in values)


def _partial_iso(day: date | None, precision: str | None) -> str:
    """A day known only to the year or month as that much (2019, 2019-09): the CSV import
    reads it back with its precision."""
    if day is None:
        return ""
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}"}.get(precision or "", day.isoformat())


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _birthday(day: date | None) -> str:
    """ISO, or ``--MM-DD`` for a birthday with no year (birthdays.py)."""
    from ..birthdays import shown

    return shown(day) if day else ""


def _neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(_RISKY) else cell


def to_vcard(people: list[ExportPerson]) -> str:
    """vCard 4.0 (RFC 6350), a card per person, CRLF line ends, lines folded at 75 octets."""
    lines: list[str] = []
    for p in people:
        lines += _card(p)
    return "".join(_fold(line) + "\r\n" for line in lines)


# What a name's last word may be that is not its family name, and its first word that is
# not a given name; the small words a family name begins with ("Anke de Vries"); and the
# last word of a company's name, which is no person's
_SUFFIXES, _PREFIXES, _PARTICLES, _COMPANIES = (
    frozenset(words.split())
    for words in (
        "jr jr. sr sr. ii iii iv v phd ph.d. md m.d. esq esq. mbe obe cbe qc kc",
        "mr mr. mrs mrs. ms ms. miss mx mx. dr dr. prof prof. sir dame rev rev.",
        "de da di del della der den van von le la du dos das ten ter bin al",
        "inc inc. ltd ltd. llc plc gmbh co. corp corp.",
    )
)


def structured_name(name: str) -> tuple[str, str, str, str]:
    """vCard's N of a full name: (family, given, prefix, suffix). The family name is the
    last word with the small words before it ("de Vries"), past a suffix ("III", "Jr.")
    and a title ("Dr."); one word, or a company's name ("Acme Inc."), is a family name.
    Every word of the name is in one part, in its order: the parts put back together
    are the name. Taking "III" for the family name, as the last word alone did, sorted
    people under their suffix in the phones and mail clients that read the export."""
    words = name.split()
    if words and words[-1].lower() in _COMPANIES:
        return " ".join(words), "", "", ""
    prefix = [words.pop(0)] if len(words) > 2 and words[0].lower() in _PREFIXES else []
    suffix = [words.pop()] if len(words) > 2 and words[-1].lower().rstrip(",") in _SUFFIXES else []
    if len(words) < 2:
        return " ".join(words), "", " ".join(prefix), " ".join(suffix)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[start:]), " ".join(words[:start]), " ".join(prefix), " ".join(suffix)


def _card(p: ExportPerson) -> list[str]:
    family, given, prefix, suffix = structured_name(p.name)
    lines = ["BEGIN:VCARD", "VERSION:4.0", "PRODID:-//pln//EN"]
    if p.uid:
        lines.append(uid_line(p.uid))
    lines.append(f"FN:{_esc(p.name)}")
    lines.append(f"N:{_esc(family)};{_esc(given)};;{_esc(prefix)};{_esc(suffix)}")
    lines += [f"EMAIL:{_esc(e)}" for e in p.emails]
    lines += [_tel(t) for t in p.phones]
    if p.org:
        lines.append(f"ORG:{_esc(p.org)}")
    if p.role:
        lines.append(f"TITLE:{_esc(p.role)}")
    if p.location:
        lines.append(f"ADR:;;;{_esc(p.location)};;;")  # the whole place as the locality
    lines += [f"URL:{_uri(u)}" for u in p.links]
    if p.topics:
        lines.append("CATEGORIES:" + ",".join(_esc(t) for t in p.topics))
    if p.notes:
        lines.append(f"NOTE:{_esc(p.notes)}")
    if p.birthday:
        from ..birthdays import has_year

        lines.append(
            f"BDAY:{p.birthday:%Y%m%d}" if has_year(p.birthday) else f"BDAY:--{p.birthday:%m%d}"
        )
    lines += _meeting(p)
    lines.append("END:VCARD")
    return lines


def _tel(phone: str) -> str:
    """A phone as a ``TEL`` line: declared text (``VALUE=text``) where a plain value would
    be read back as another (``tel:...`` as a URI, ``;ext=2`` as `` ext. 2``)."""
    from .vcard_fields import read_phone

    declared = "" if read_phone(phone) == phone else ";VALUE=text"
    return f"TEL{declared}:{_esc(phone)}"


def _meeting(p: ExportPerson) -> list[str]:
    """Where and when they were met, which no standard property holds: pln's own
    ``X-PLN-MET-AT`` (the event's name) and ``X-PLN-MET-ON`` (the day, or the month or year
    alone, as the CSV writes it), which pln's import reads back. Without them a card
    imported into another book was met there and then, on the day of the import."""
    lines = [f"X-PLN-MET-AT:{_esc(p.met_at)}"] if p.met_at else []
    if p.met_on is not None:
        lines.append(f"X-PLN-MET-ON:{_partial_iso(p.met_on, p.met_on_precision)}")
    return lines


def uid_line(uid: str) -> str:
    """``UID``: a URI as it is (vCard 4.0's default value type, e.g. pln's ``urn:uuid:…``);
    any other text a card came with, as text (``VALUE=text``), escaped."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s\\]+", uid):
        return f"UID:{uid}"
    return f"UID;VALUE=text:{_esc(uid)}"


def _esc(text: str) -> str:
    """RFC 6350 text escaping: backslash, comma, semicolon and line breaks."""
    out = text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return out.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def _uri(text: str) -> str:
    """A link as written, line breaks left out, and a backslash doubled: the import
    unescapes a link (some exporters write ``\\:`` for a colon), and read a link holding
    a backslash and an ``n`` back with a line break (a space) in it."""
    return "".join(text.split("\r")).replace("\n", "").replace("\\", "\\\\")


def _fold(line: str) -> str:
    """The line folded so no physical line exceeds 75 octets; never inside a character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, _FOLD
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, _FOLD - 1  # continuation lines start with a space
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def to_ics(items: list[ExportDue], *, now: datetime) -> bytes:
    """An iCalendar feed (RFC 5545): one all-day event per item, recurring where it repeats
    (folding and escaping are icalendar's)."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//pln//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", CALENDAR_NAME)
    stamp = now.astimezone(UTC)
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        if item.rrule:
            event.add("rrule", item.rrule)
        if item.rdates:
            event.add("rdate", list(item.rdates))
        event.add("summary", item.summary)
        if item.description:  # an event with nothing more to say has none
            event.add("description", item.description)
        cal.add_component(event)
    return bytes(cal.to_ical())
