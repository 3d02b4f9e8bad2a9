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
        row = (
            None
            if eid > MAX_ID
            else conn.execute("SELECT id, name FROM event WHERE id = ?", (eid,)).fetchone()
        )
        if row is None:
            raise NotFound(f"no event has id {typed}", _HINT)
        return EventRef(row[0], row[1])
    key = fold(typed)
    if not key:
        raise NotFound("an empty name matches no event", _HINT)
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    for sql, args in (
        ("name_key = ?", (key,)),
        (
            "name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\'",
            (like + "%", "% " + like + "%"),
        ),
    ):
        rows = conn.execute(
            f"SELECT id, name FROM event WHERE {sql} ORDER BY name_key, id", args
        ).fetchall()
        if len(rows) == 1:
            return EventRef(*rows[0])
        if rows:
            raise _ambiguous(typed, rows)
    return _close_spelling(conn, typed, key)


def _close_spelling(conn: sqlite3.Connection, text: str, key: str) -> EventRef:
    import difflib

    by_key = {
        k: (eid, name) for eid, name, k in conn.execute("SELECT id, name, name_key FROM event")
    }
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
    e = conn.execute('SELECT id, name, "on", place, name_key FROM event WHERE id = ?', (ref.id,))
    eid, name, on, place, key = e.fetchone()
    rows = conn.execute(
        "SELECT id, name, org, met_on, date(last_contact_at, 'localtime') FROM person"
        " WHERE met_at_id = ? AND archived_at IS NULL ORDER BY name_key, id",
        (eid,),
    ).fetchall()
    people = [
        MetThere(
            PersonRef(pid, pname),
            org,
            date.fromisoformat(met) if met else None,
            date.fromisoformat(last) if last else None,
            last is not None and (met is None or last >= met),
        )
        for pid, pname, org, met, last in rows
    ]
    people.sort(key=lambda m: m.contacted_since)  # stable: by name within each
    waiting = sum(not m.contacted_since for m in people)
    row = EventRow(eid, name, date.fromisoformat(on) if on else None, place, len(people), waiting)
    return EventDetail(row, _is_private(conn, key), people)


def _is_private(conn: sqlite3.Connection, key: str) -> bool:
    found = conn.execute(
        "SELECT 1 FROM private_mark WHERE kind = 'event' AND key = ?", (key,)
    ).fetchone()
    return found is not None


class EventChange(NamedTuple):
    """What `pln event edit` was given; None means "not given", "" clears (place)."""

    name: str | None = None
    on: date | None = None
    clear_on: bool = False
    place: str | None = None


def edit_event(conn: sqlite3.Connection, ref: EventRef, change: EventChange) -> EventRef:
    sets: dict[str, object] = {}
    name = ref.name
    if change.name is not None:
        name = clean_event_name(change.name)
        _refuse_taken(conn, name, ref.id)
        sets["name"], sets["name_key"] = name, fold(name)
        _keep_private(conn, ref.id, name)
    if change.on is not None:
        sets['"on"'] = change.on.isoformat()
    if change.clear_on:
        sets['"on"'] = None
    if change.place is not None:
        sets["place"] = clean_line(change.place, "place") if change.place.strip() else None
    if not sets:
        raise InvalidInput("nothing to change", "give --name, --on or --place")
    assignments = ", ".join(f"{col} = ?" for col in sets)
    conn.execute(f"UPDATE event SET {assignments} WHERE id = ?", (*sets.values(), ref.id))
    return EventRef(ref.id, name)


def _keep_private(conn: sqlite3.Connection, eid: int, name: str) -> None:
    """A private event stays private under its new name."""
    (old_key,) = conn.execute("SELECT name_key FROM event WHERE id = ?", (eid,)).fetchone()
    if not _is_private(conn, old_key):
        return
    if fold(name) != old_key:  # a mark left on the new name gives way to this one
        conn.execute("DELETE FROM private_mark WHERE kind = 'event' AND key = ?", (fold(name),))
    conn.execute(
        "UPDATE private_mark SET key = ?, name = ? WHERE kind = 'event' AND key = ?",
        (fold(name), name, old_key),
    )


def _refuse_taken(conn: sqlite3.Connection, name: str, eid: int) -> None:
    row = conn.execute(
        "SELECT id, name FROM event WHERE name_key = ? AND id != ?", (fold(name), eid)
    ).fetchone()
    if row is not None:
        raise Conflict(
            f"there is already an event called {name!r} (#{row[0]})",
            f"`pln event merge '#{row[0]}' '#{eid}'` makes the two one event",
        )


def set_place(conn: sqlite3.Connection, eid: int, place: str) -> bool:
    """`pln add --met-at EVENT --place P`: fill the event's place; True when it changed.

    A place the event already has is kept, and a different one is refused: the
    place is changed on purpose, with `pln event edit --place`.
    """
    text = clean_line(place, "place")
    name, stored = conn.execute("SELECT name, place FROM event WHERE id = ?", (eid,)).fetchone()
    if stored is not None and fold(stored) == fold(text):
        return False
    if stored is not None:
        raise Conflict(
            f"the event {name!r} already has another place",
            f"`pln event edit '#{eid}' --place ...` changes it",
        )
    conn.execute("UPDATE event SET place = ? WHERE id = ?", (text, eid))
    return True


class EventMergePlan(NamedTuple):
    people: int  # met at OTHER (archived people too), who move to KEEP
    filled: list[str]  # KEEP's empty fields (date, place) that OTHER fills
    private: bool  # OTHER is private and KEEP is not: KEEP becomes private


def plan_event_merge(conn: sqlite3.Connection, keep: EventRef, other: EventRef) -> EventMergePlan:
    if keep.id == other.id:
        raise InvalidInput(f"{keep.name} is the same event twice", "name two events")
    people = conn.execute(
        "SELECT count(*) FROM person WHERE met_at_id = ?", (other.id,)
    ).fetchone()[0]
    k = conn.execute('SELECT "on", place, name_key FROM event WHERE id = ?', (keep.id,)).fetchone()
    o = conn.execute('SELECT "on", place, name_key FROM event WHERE id = ?', (other.id,)).fetchone()
    filled = [
        what
        for what, kv, ov in zip(("date", "place"), k[:2], o[:2], strict=True)
        if kv is None and ov
    ]
    private = _is_private(conn, o[2]) and not _is_private(conn, k[2])
    return EventMergePlan(int(people), filled, private)


def merge_events(conn: sqlite3.Connection, keep: EventRef, other: EventRef) -> None:
    """People met at OTHER were met at KEEP; KEEP's empty date and place come from OTHER;
    a private OTHER makes KEEP private; then OTHER is removed."""
    k, o = keep.id, other.id
    conn.execute("UPDATE person SET met_at_id = ? WHERE met_at_id = ?", (k, o))
    conn.execute(
        'UPDATE event SET "on" = coalesce("on", (SELECT "on" FROM event WHERE id = ?)),'
        " place = coalesce(place, (SELECT place FROM event WHERE id = ?))"
        ' WHERE id = ? AND ("on" IS NULL OR place IS NULL)',
        (o, o, k),
    )
    (other_key,) = conn.execute("SELECT name_key FROM event WHERE id = ?", (o,)).fetchone()
    (keep_key, keep_name) = conn.execute(
        "SELECT name_key, name FROM event WHERE id = ?", (k,)
    ).fetchone()
    if _is_private(conn, other_key):
        conn.execute(
            "INSERT OR IGNORE INTO private_mark (kind, key, name, created_at)"
            " SELECT 'event', ?, ?, created_at FROM private_mark WHERE kind = 'event' AND key = ?",
            (keep_key, keep_name, other_key),
        )
        conn.execute("DELETE FROM private_mark WHERE kind = 'event' AND key = ?", (other_key,))
    conn.execute("DELETE FROM event WHERE id = ?", (o,))
