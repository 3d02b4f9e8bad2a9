"""Who knows whom: ties between contacts, groups, and private marks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from .db import to_db_time
from .errors import Conflict, InvalidInput, NotFound
from .lean import NamedTuple
from .resolve import PersonRef
from .store import Conn
from .store import network as store
from .text import clean_line, clean_text, fold, topic_key


def _pair(a: PersonRef, b: PersonRef) -> tuple[int, int]:
    if a.id == b.id:
        raise InvalidInput(f"{a.name} is the same person twice", "name two different people")
    return (a.id, b.id) if a.id < b.id else (b.id, a.id)


def add_tie(
    conn: Conn,
    a: PersonRef,
    b: PersonRef,
    *,
    since: date | None,
    note: str,
    source: str,
    now: datetime,
    since_precision: str | None = None,
) -> tuple[bool, bool]:
    """Record that a and b know each other: (new, changed). A tie known already takes
    ``since`` and a non-empty ``note`` (changed: they were not its own already).
    ``since_precision``: "year"/"month" when only that much of ``since`` is known."""
    x, y = _pair(a, b)
    note = clean_text(note, "note")
    precision = since_precision if since else None
    day = since.isoformat() if since else None
    new = store.insert_tie(
        conn,
        x,
        y,
        since=day,
        note=note,
        source=source,
        created_at=to_db_time(now),
        since_precision=precision,
    )
    if new:
        return True, True
    changed = bool(since or note) and store.update_tie(
        conn, x, y, since=day, since_precision=precision, note=note
    )
    return False, changed


def tie_everyone(conn: Conn, ids: list[int], *, since: date, source: str, now: datetime) -> None:
    """People in one conversation know each other."""
    pairs = [(x, y) for i, x in enumerate(sorted(ids)) for y in sorted(ids)[i + 1 :]]
    bulk_insert_ties(conn, pairs, since=since, source=source, now=now)


def bulk_insert_ties(
    conn: Conn,
    pairs: Iterable[tuple[int, int]],
    *,
    since: date | None = None,
    source: str = "import",
    now: datetime | None = None,
) -> None:
    stamp = to_db_time(now or datetime.now().astimezone())
    day = since.isoformat() if since else None
    store.insert_ties(
        conn,
        ((min(x, y), max(x, y)) for x, y in pairs if x != y),
        since=day,
        source=source,
        created_at=stamp,
    )


def remove_tie(conn: Conn, a: PersonRef, b: PersonRef) -> None:
    x, y = _pair(a, b)
    if not store.delete_tie(conn, x, y):
        raise NotFound(
            f"no tie between {a.name} and {b.name} is recorded", f"see `pln knows '{a.name}'`"
        )


class Acquaintance(NamedTuple):
    person: PersonRef
    since: date | None
    how: str  # "tie: <source>", or "group: <name>"
    note: str
    since_precision: str | None = None  # "year"/"month": since is that period's first day


def acquaintances(conn: Conn, person: PersonRef) -> list[Acquaintance]:
    """Whom this person knows: recorded ties, then fellow group members."""
    out = [
        Acquaintance(
            PersonRef(r.id, r.name),
            date.fromisoformat(r.since) if r.since else None,
            r.source,
            r.note,
            r.since_precision,
        )
        for r in store.ties_of(conn, person.id)
    ]
    seen = {a.person.id for a in out} | {person.id}
    for r in store.group_fellows(conn, person.id):
        if r.id not in seen:
            seen.add(r.id)
            out.append(Acquaintance(PersonRef(r.id, r.name), None, f"group {r.group_name}", ""))
    return out


# ---- groups ---------------------------------------------------------------------------


class Group(NamedTuple):
    id: int
    name: str


def find_group(conn: Conn, name: str) -> Group:
    row = store.group_named(conn, fold(name))
    if row is None:
        raise NotFound(f"there is no group called {name!r}", "see `pln group list`")
    return Group(row.id, row.name)


def ensure_group(conn: Conn, name: str, *, now: datetime) -> tuple[Group, bool]:
    text = clean_line(name, "group name")
    row = store.group_named(conn, fold(text))
    if row:
        return Group(row.id, row.name), False
    gid = store.insert_group(conn, name=text, key=fold(text), created_at=to_db_time(now))
    return Group(gid, text), True


def add_members(
    conn: Conn, group: Group, people: list[PersonRef]
) -> tuple[list[PersonRef], list[PersonRef]]:
    """Add each person (once, however often named); return (added, already members)."""
    added: list[PersonRef] = []
    already: list[PersonRef] = []
    for person in {p.id: p for p in people}.values():
        new = store.add_member(conn, group.id, person.id)
        (added if new else already).append(person)
    return added, already


def remove_members(conn: Conn, group: Group, people: list[PersonRef]) -> list[PersonRef]:
    """Take each person out (once, however often named: `Ana "#1"` is one person); the
    people taken out."""
    once = list({p.id: p for p in people}.values())
    for person in once:
        if not store.remove_member(conn, group.id, person.id):
            raise NotFound(f"{person.name} is not in {group.name}", "see `pln group show`")
    return once


def delete_group(conn: Conn, group: Group) -> None:
    store.delete_group(conn, group.id)


def members(conn: Conn, group: Group) -> list[PersonRef]:
    return [PersonRef(r.id, r.name) for r in store.group_members(conn, group.id)]


class GroupRow(NamedTuple):
    id: int
    name: str
    members: int
    private: bool


def list_groups(conn: Conn) -> list[GroupRow]:
    return [GroupRow(r.id, r.name, r.members, bool(r.private)) for r in store.groups(conn)]


# ---- private marks ------------------------------------------------------------------

PRIVATE_KINDS = ("topic", "event", "group")


def private_key(kind: str, name: str) -> str:
    return topic_key(name) if kind == "topic" else fold(name)


def set_private(conn: Conn, kind: str, name: str, *, private: bool, now: datetime) -> str:
    """Mark it private (or not); the name to say: an event's or a group's as stored (not
    as typed: `researched 2026` is researchED 2026), a topic's as typed, or the mark's own."""
    if kind not in PRIVATE_KINDS:
        raise InvalidInput(f"cannot mark a {kind!r} private", "use topic, event or group")
    text = clean_line(name, kind)
    key = private_key(kind, text)
    marked = store.private_mark_name(conn, kind, key)
    if not private:
        if marked is None or not store.delete_private_mark(conn, kind, key):
            raise NotFound(f"the {kind} {text!r} is not marked private", "see `pln private`")
        return marked
    stored = text if kind == "topic" else store.name_of(conn, kind, key)
    if stored is None:
        raise NotFound(
            f"there is no {kind} called {text!r}",
            f"see `pln {kind}s`" if kind == "event" else "see `pln group list`",
        )
    at = to_db_time(now)
    if marked is not None or not store.insert_private_mark(
        conn, kind, key, name=stored, created_at=at
    ):
        raise Conflict(
            f"the {kind} {marked or stored!r} is already private",
            f"see `pln private`; `pln private {kind} NAME --off` makes it usable again",
        )
    return stored


def private_marks(conn: Conn) -> list[tuple[str, str]]:
    return [(r.kind, r.name) for r in store.private_marks(conn)]
