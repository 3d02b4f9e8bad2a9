"""What every reader gives back: records, and the problems found on the way."""

from datetime import date
from typing import NamedTuple


class Record(NamedTuple):
    """One person as a file describes them, cleaned the way pln's own commands clean input."""

    where: str  # "line 12" (CSV: physical line where the row starts) or "card 3" (1-based)
    name: str  # full name as in the file (FN, or "First Last" for CSVs); "" if absent
    emails: list[str]
    phones: list[str]
    org: str | None
    role: str | None  # job title
    location: str | None  # town/region/country as one string, if the format has it
    links: list[str]  # URLs / profile links
    topics: list[str]
    offers: list[str]
    seeks: list[str]
    notes: str
    circle: str | None  # only the generic CSV can set it
    met_at: str | None  # event name (generic CSV column met_at)
    met_on: date | None  # LinkedIn "Connected On"; generic CSV met_on
    birthday: date | None
    knows: list[str]  # names of others (generic CSV `knows` column)
    unknown: list[str]  # what the record holds that pln does not keep, in words
    met_on_precision: str | None = None  # "year"/"month": met_on is that period's first day
    uid: str | None = None  # the card's UID (RFC 6350), as written: import matches by it first
    # pln's own CSV: the keep-in-touch cadence ("30d", "never"), role tags, who introduced them
    cadence: str | None = None
    role_tags: list[str] = []  # never mutated: replaced with _replace
    introduced_by: str | None = None
    # values check() changed or left out (an invisible character removed, a link that is
    # not a web page), as (field word, the value as read, why): each reader says them in
    # its notes under the column or property the value came from
    fixed: tuple[tuple[str, str, str], ...] = ()
    # one-line values whose spacing check() tidied, as (field word, the value as read):
    # said once per field for the whole file (``clean.spacing_notes``)
    spaced: tuple[tuple[str, str], ...] = ()


class Problem(NamedTuple):
    where: str  # "line 12" / "card 3" / "file"
    field: str  # e.g. "email", "met_on", "name", "BDAY"
    why: str  # one short sentence


class ReadResult(NamedTuple):
    format: str  # "vcard" | "linkedin" | "google" | "csv"
    records: list[Record]  # only valid records
    invalid: list[Problem]  # records rejected as a whole
    notes: list[Problem]  # things understood partly or not kept: reported, not fatal


def listed(wheres: list[str], most: int = 10) -> str:
    """Where something was found, the first ``most`` of them: "line 2, line 5 and 12 more"."""
    more = len(wheres) - most
    return ", ".join(wheres[:most]) + (f" and {more:,} more" if more > 0 else "")


def blank(where: str) -> Record:
    """An empty record to fill in with ``_replace``."""
    return Record(
        where=where,
        name="",
        emails=[],
        phones=[],
        org=None,
        role=None,
        location=None,
        links=[],
        topics=[],
        offers=[],
        seeks=[],
        notes="",
        circle=None,
        met_at=None,
        met_on=None,
        birthday=None,
        knows=[],
        unknown=[],
    )
