"""`pln merge KEEP OTHER`: two records of one person become one; OTHER is archived.

KEEP's empty fields are filled from OTHER and KEEP's own values are kept; where OTHER
has another value, the plan says so before the user agrees ("keeps its org Northfield
(not Hillside)"): nothing is dropped unsaid. The meeting (the event met at, the day and
how precisely it is known) is one fact, never put together from two records: KEEP keeps
its own when it names an event; else it takes OTHER's whole when OTHER's names one, or,
when neither does, is the earlier day of the two (`pln add` dates a meeting today when
it is not told, so the record added later usually holds a later day).
"""

import sqlite3
from datetime import date, datetime
from typing import Any, NamedTuple

from .db import to_db_time
from .errors import InvalidInput
from .people import refresh_search
from .resolve import PersonRef
from .store import merge as store
from .text import MAX_TEXT, fold

# KEEP's empty ones take OTHER's; each as the plan names it
SCALARS = {
    "org": "org",
    "role": "role",
    "location": "location",
    "birthday": "birthday",
    "introduced_by_id": "introduced by",
    "cadence": "keep in touch",
}


class MergePlan(NamedTuple):
    interactions: int
    followups: int
    ties: int
    groups: int
    introductions: int
    filled: list[str]  # KEEP's empty fields that OTHER fills, in words ("birthday", "meeting")
    values: int  # list values (emails, topics, ...) OTHER adds
    kept: tuple[str, ...] = ()  # KEEP's values where OTHER has another: "org Northfield
    # (not Hillside)", said before the user agrees, as nothing is dropped unsaid
    meeting: str | None = None  # OTHER's meeting where it replaces KEEP's (``takes_meeting``):
    # "BETT, September 2019 (not 2026-11-29)"
    dropped: str | None = None  # KEEP's introducer when it is OTHER: "Cai Lee (#2)"
    notes: str | None = None  # what becomes of OTHER's notes: "added" after KEEP's, or
    # "kept apart" (on OTHER) when the two would pass ``text.MAX_TEXT`` together


class Meeting(NamedTuple):
    event_id: int | None
    event: str | None
    day: date | None
    precision: str | None  # "year" / "month" when only that is known; None: the day

    def said(self) -> str:
        from .dates import say_partial

        when = say_partial(self.day, self.precision) if self.day else None
        return ", ".join(x for x in (self.event, when) if x)

    def last_day(self) -> date | None:
        """The last day the meeting may have been on: its year's or month's last."""
        from .dates import period_end

        return None if self.day is None else period_end(self.day, self.precision)


def _meeting(r: Any) -> Meeting:
    day = date.fromisoformat(str(r.met_on)) if r.met_on else None
    return Meeting(r.met_at_id, r.met_at, day, r.met_on_precision if day else None)


def takes_meeting(k: Meeting, o: Meeting) -> bool:
    """Whether KEEP takes OTHER's meeting: KEEP has none; or both name one event and only
    OTHER knows its day; or KEEP names no event and OTHER does; or neither names one and
    OTHER's day is the earlier (it ends first: "2019" is earlier than 2026-11-29, and
    2019-05-10 than "2019")."""
    if k.event_id == o.event_id and k.event_id and k.day is None:  # the same event: its day
        return o.day is not None
    if k.event_id or not (o.event_id or o.day):
        return False
    if o.event_id or k.day is None:
        return True
    ko, oo = k.last_day(), o.last_day()
    return ko is not None and oo is not None and oo < ko


def _value(field: str, r: Any) -> str:
    """A single value as the plan says it."""
    value = getattr(r, field)
    if field == "birthday":
        from .birthdays import from_stored, shown

        return shown(from_stored(str(value)))
    if field == "cadence":
        from .dates import say_every

        return say_every(str(value))
    if field == "introduced_by_id":
        return f"{r.introduced_by} (#{value})"
    return str(value)


def _differ(field: str, k: Any, o: Any) -> bool:
    kv, ov = getattr(k, field), getattr(o, field)
    if kv in (None, "") or ov in (None, ""):
        return False
    if isinstance(kv, str) and field not in ("birthday", "cadence"):
        return fold(kv) != fold(str(ov))
    return str(kv) != str(ov)


def plan_merge(conn: sqlite3.Connection, keep: PersonRef, other: PersonRef) -> MergePlan:
    if keep.id == other.id:
        raise InvalidInput(f"{keep.name} is the same person twice", "name two records")
    k, o = store.merge_view(conn, keep.id), store.merge_view(conn, other.id)
    n = store.linked_counts(conn, other.id)
    # who introduced OTHER is no one to KEEP if it is KEEP, and KEEP's introducer is no one
    # once it is OTHER: no one is introduced by themselves
    if o.introduced_by_id == keep.id:
        o = o._replace(introduced_by_id=None, introduced_by=None)
    dropped = None
    if k.introduced_by_id == other.id:
        dropped = _value("introduced_by_id", k)
        k = k._replace(introduced_by_id=None, introduced_by=None)
    filled = [word for c, word in SCALARS.items() if getattr(k, c) is None and getattr(o, c)]
    kept = [
        f"{word} {_value(c, k)} (not {_value(c, o)})"
        for c, word in {**SCALARS, "circle": "circle"}.items()
        if _differ(c, k, o)
    ]
    km, om = _meeting(k), _meeting(o)
    meeting = None
    if takes_meeting(km, om):
        if km.day:  # the day alone is no other meeting to name: "BETT, 2026-11-23"
            same_day = (km.day, km.precision) == (om.day, om.precision) and not km.event_id
            meeting = om.said() if same_day else f"{om.said()} (not {km.said()})"
        else:  # KEEP knows no meeting, or not the day of the one event both name
            filled.append("day met" if km.event_id else "meeting")
    elif (om.event_id or om.day) and om[:1] + om[2:] != km[:1] + km[2:]:
        kept.append(f"meeting {km.said()} (not {om.said()})")
    return MergePlan(
        n.interactions,
        n.followups,
        n.ties,
        n.groups,
        n.introductions,
        filled,
        store.count_new_attrs(conn, keep.id, other.id),
        tuple(kept),
        meeting,
        dropped,
        _notes_plan(conn, keep.id, other.id),
    )


def _marker(keep: int, day: str) -> str:
    """The line a merged record's notes end with (``resolve`` reads it)."""
    return f"merged into #{keep} on {day}"


def _notes(conn: sqlite3.Connection, keep: int, other: int) -> tuple[str, str, str | None]:
    """KEEP's notes, OTHER's, and the two joined (each once), or None when together they
    would pass MAX_TEXT: notes pln wrote that it would not read back (a backup that does
    not restore). A merge whose OTHER has no room for the line that marks it merged is
    refused."""
    keep_notes, other_notes = store.notes_keep_first(conn, keep, other)
    room = MAX_TEXT - len(_marker(keep, "YYYY-MM-DD")) - 1
    if len(other_notes) > room:
        raise InvalidInput(
            f"the notes of #{other} are {len(other_notes):,} characters: the line that marks"
            f" it merged would take them past {MAX_TEXT:,}",
            f"shorten them to {room:,} characters first (pln edit '#{other}' --note ...)",
        )
    joined = "\n".join(dict.fromkeys(n for n in (keep_notes, other_notes) if n))
    return keep_notes, other_notes, joined if len(joined) <= MAX_TEXT else None


def _notes_plan(conn: sqlite3.Connection, keep: int, other: int) -> str | None:
    """What becomes of OTHER's notes (``MergePlan.notes``)."""
    keep_notes, other_notes, joined = _notes(conn, keep, other)
    if not other_notes or other_notes == keep_notes:
        return None
    return "added" if joined is not None else "kept apart"


def merge(conn: sqlite3.Connection, keep: PersonRef, other: PersonRef, *, now: datetime) -> None:
    k, o = keep.id, other.id
    keep_notes, _, joined = _notes(conn, k, o)  # refused if OTHER has no room for the marker
    store.clear_introducer(conn, k, o)  # KEEP introduced by OTHER: by no one, or OTHER's
    store.move_links(conn, k, o)
    for table in store.PAIR_TABLES:
        _rekey_pairs(conn, table, k, o)
    store.fill_empty_fields(conn, k, o, tuple(SCALARS))
    store.clear_introducer(conn, k, k)  # OTHER introduced by KEEP: KEEP by no one
    om = _meeting(store.merge_view(conn, o))
    if takes_meeting(_meeting(store.merge_view(conn, k)), om):
        met_on = om.day.isoformat() if om.day else None
        store.set_meeting(conn, k, om.event_id, met_on, om.precision)
    kept = keep_notes if joined is None else joined
    store.set_merged_notes(conn, k, o, kept, updated_at=to_db_time(now))
    store.copy_attrs(conn, k, o)
    line = _marker(k, now.date().isoformat())
    store.archive_merged(conn, o, line, at=to_db_time(now))
    refresh_search(conn, [k, o])


def _rekey_pairs(conn: sqlite3.Connection, table: str, keep: int, other: int) -> None:
    """Move OTHER's pairs onto KEEP; a pair with KEEP itself, or one KEEP already has, goes."""
    for pair in store.pairs_of(conn, table, other):
        third = pair.b_id if pair.a_id == other else pair.a_id
        x, y = min(keep, third), max(keep, third)
        if third == keep or store.has_pair(conn, table, x, y):
            store.delete_pair(conn, table, pair.a_id, pair.b_id)
        else:
            store.rekey_pair(conn, table, (pair.a_id, pair.b_id), (x, y))
