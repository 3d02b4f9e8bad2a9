"""Events as records: find one by name, see who was met there, fix it, merge two spellings.

An EVENT is found as a person is (``resolve.py``): ``#id``; the whole name (case,
accents and spacing folded); a unique prefix of the name or of any word in it; one
close spelling (``guessed_from`` set, for the command to confirm or note). Several
candidates at any step is an error listing them. Services never commit or print.
"""

import re
import sqlite3
from datetime import date
from typing import NamedTuple

from .errors import Ambiguous, Conflict, InvalidInput, NotFound
from .people import clean_event_name
from .resolve import MAX_ID, MAX_LISTED, PersonRef
from .store import events as store
from .text import clean_line, fold
from .views import EventRow

_HINT = "see `pln events`"


class EventRef(NamedTuple):
    id: int
    name: str
    guessed_from: str | None = None  # set when found by a close spelling


def resolve_event(conn: sqlite3.Connection, text: str) -> EventRef:
    typed = text.strip()
    if m := re.fullmatch(r"#(\d+)", typed):
        eid = int(m.group(1))
        row = None if eid > MAX_ID else store.event(conn, eid)
        if row is None:
            raise NotFound(f"no event has id {typed}", _HINT)
        return EventRef(row.id, row.name)
    key = fold(typed)
    if not key:
        raise NotFound("an empty name matches no event", _HINT)
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    for find, arg in ((store.events_named, key), (store.events_with_word_starting, like)):
        rows = [(r.id, r.name) for r in find(conn, arg)]
        if len(rows) == 1:
            return EventRef(*rows[0])
        if rows:
            raise _ambiguous(typed, rows)
    return _close_spelling(conn, typed, key)


def _close_spelling(conn: sqlite3.Connection, text: str, key: str) -> EventRef:
    import difflib

    by_key = {r.name_key: (r.id, r.name) for r in store.event_names(conn)}
    close = difflib.get_close_matches(key, list(by_key), n=MAX_LISTED, cutoff=0.8)
    if not close:
        raise NotFound(f"no event matches {text!r}", _HINT)
    if len(close) > 1:
        raise _ambiguous(text, [by_key[k] for k in close])
    eid, name = by_key[close[0]]
    return EventRef(eid, name, guessed_from=text)


def _ambiguous(text: str, rows: list[tuple[int, str]]) -> Ambiguous:
    shown = ", ".join(f"{name} (#{eid})" for eid, name in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    return Ambiguous(
        f"{text!r} matches {len(rows)} events: {shown}{more}", "use more of the name, or the #id"
    )


class MetThere(NamedTuple):
    """Someone met at the event, and whether there has been contact since."""

    person: PersonRef
    org: str | None
    met_on: date | None
    last_contact: date | None
    contacted_since: bool


class EventDetail(NamedTuple):
    event: EventRow
    private: bool
    people: list[MetThere]


def event_detail(conn: sqlite3.Connection, ref: EventRef) -> EventDetail:
    """The event, and the people (not archived) met there, those still waiting first."""
    e = store.existing_event(conn, ref.id)
    people = [
        MetThere(
            PersonRef(p.id, p.name),
            p.org,
            date.fromisoformat(p.met_on) if p.met_on else None,
            date.fromisoformat(p.last_contact) if p.last_contact else None,
            p.last_contact is not None and (p.met_on is None or p.last_contact >= p.met_on),
        )
        for p in store.people_met_at(conn, e.id)
    ]
    people.sort(key=lambda m: m.contacted_since)  # stable: by name within each
    waiting = sum(not m.contacted_since for m in people)
    on = date.fromisoformat(e.on) if e.on else None
    row = EventRow(e.id, e.name, on, e.place, len(people), waiting)
    return EventDetail(row, store.event_is_private(conn, e.name_key), people)


class EventChange(NamedTuple):
    """What `pln event edit` was given; None means "not given", "" clears (place)."""

    name: str | None = None
    on: date | None = None
    clear_on: bool = False
    place: str | None = None


def edit_event(
    conn: sqlite3.Connection, ref: EventRef, change: EventChange
) -> tuple[EventRef, bool]:
    """The event as changed, and whether anything changed: what it holds already (its
    own name, date or place again) is no change, and nothing is written for it."""
    sets: dict[str, object] = {}  # column: new value
    name = ref.name
    stored = store.existing_event(conn, ref.id)
    if change.name is not None:
        name = clean_event_name(change.name)
        _refuse_taken(conn, name, ref.id)
        if name != stored.name:
            sets["name"], sets["name_key"] = name, fold(name)
            _keep_private(conn, ref.id, name)
    if change.on is not None:
        sets["on"] = change.on.isoformat()
    if change.clear_on:
        sets["on"] = None
    if change.place is not None:
        sets["place"] = clean_line(change.place, "place") if change.place.strip() else None
    if change == EventChange():
        raise InvalidInput("nothing to change", "give --name, --on or --place")
    for column in ("on", "place"):
        if column in sets and sets[column] == getattr(stored, column):
            del sets[column]
    if sets:
        store.update_event(conn, ref.id, sets)
    return EventRef(ref.id, name), bool(sets)


def _keep_private(conn: sqlite3.Connection, eid: int, name: str) -> None:
    """A private event stays private under its new name."""
    old_key = store.existing_event(conn, eid).name_key
    if not store.event_is_private(conn, old_key):
        return
    if fold(name) != old_key:  # a mark left on the new name gives way to this one
        store.unmark_private_event(conn, fold(name))
    store.rename_private_event(conn, old_key, key=fold(name), name=name)


def _refuse_taken(conn: sqlite3.Connection, name: str, eid: int) -> None:
    row = store.other_event_named(conn, fold(name), eid)
    if row is not None:
        raise Conflict(
            f"there is already an event called {name!r} (#{row.id})",
            f"`pln event merge '#{row.id}' '#{eid}'` makes the two one event",
        )


def set_place(conn: sqlite3.Connection, eid: int, place: str) -> bool:
    """`pln add --met-at EVENT --place P`: fill the event's place; True when it changed.

    A place the event already has is kept, and a different one is refused: the
    place is changed on purpose, with `pln event edit --place`.
    """
    text = clean_line(place, "place")
    e = store.existing_event(conn, eid)
    if e.place is not None and fold(e.place) == fold(text):
        return False
    if e.place is not None:
        raise Conflict(
            f"the event {e.name!r} already has another place",
            f"`pln event edit '#{eid}' --place ...` changes it",
        )
    store.update_event(conn, eid, {"place": text})
    return True


class EventMergePlan(NamedTuple):
    people: int  # met at OTHER (archived people too), who move to KEEP
    filled: list[str]  # KEEP's empty fields (date, place) that OTHER fills
    private: bool  # OTHER is private and KEEP is not: KEEP becomes private
    kept: tuple[str, ...] = ()  # KEEP's date or place where OTHER has another: "place London
    # (not Leeds)", said before the user agrees, as nothing is dropped unsaid


def plan_event_merge(conn: sqlite3.Connection, keep: EventRef, other: EventRef) -> EventMergePlan:
    if keep.id == other.id:
        raise InvalidInput(f"{keep.name} is the same event twice", "name two events")
    people = store.count_met_at(conn, other.id)
    k, o = store.existing_event(conn, keep.id), store.existing_event(conn, other.id)
    filled = [
        what
        for what, kv, ov in (("date", k.on, o.on), ("place", k.place, o.place))
        if kv is None and ov
    ]
    private = store.event_is_private(conn, o.name_key) and not store.event_is_private(
        conn, k.name_key
    )
    kept = tuple(
        f"{what} {kv} (not {ov})"
        for what, kv, ov, same in (
            ("date", k.on, o.on, k.on == o.on),
            ("place", k.place, o.place, fold(k.place or "") == fold(o.place or "")),
        )
        if kv is not None and ov and not same
    )
    return EventMergePlan(people, filled, private, kept)


def merge_events(conn: sqlite3.Connection, keep: EventRef, other: EventRef) -> None:
    """People met at OTHER were met at KEEP; KEEP's empty date and place come from OTHER;
    a private OTHER makes KEEP private; then OTHER is removed."""
    k, o = keep.id, other.id
    store.move_attendance(conn, from_event=o, to_event=k)
    store.fill_event_from(conn, k, o)
    other_key = store.existing_event(conn, o).name_key
    kept = store.existing_event(conn, k)
    if store.event_is_private(conn, other_key):
        store.copy_private_event(conn, other_key, key=kept.name_key, name=kept.name)
        store.unmark_private_event(conn, other_key)
    store.delete_event(conn, o)
