"""People and events: add, edit, find by name, archive. Services never commit or print."""

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from .db import to_db_time
from .errors import Conflict, InvalidInput, NotFound
from .migrations import new_uid
from .resolve import PersonRef
from .store import people as store
from .store.search import rebuild_search as rebuild_search  # their home; kept here for callers
from .store.search import refresh_search as refresh_search
from .text import attr_key, clean_email, clean_line, clean_link, clean_phone, clean_text, fold

LIST_KINDS = ("email", "phone", "link", "topic", "offers", "seeks", "role")
SCALARS = ("org", "role", "location")


@dataclass
class PersonInput:
    """What `pln add` and `pln edit` were given. None means "not given"."""

    lists: dict[str, list[str]] = field(default_factory=dict)  # kind -> values to set/add
    remove: dict[str, list[str]] = field(default_factory=dict)  # kind -> values to remove
    replace: dict[str, list[str]] = field(default_factory=dict)  # kind -> new list (edit --topic)
    scalars: dict[str, str | None] = field(default_factory=dict)  # org/role/location
    circle: str | None = None
    cadence: str | None = None  # canonical interval text or "never"
    met_at: str | None = None
    met_on: date | None = None
    met_on_precision: str | None = None  # "year"/"month" when only that much is known
    place: str | None = None  # add: where the --met-at event was
    introduced_by: PersonRef | None = None
    clear_introduced_by: bool = False  # edit --introduced-by ""
    note: str | None = None
    name: str | None = None  # edit: new name
    birthday: date | None = None  # birthdays.py: the year 1604 when it is not known
    clear_birthday: bool = False  # edit --birthday ""
    clear_met_on: bool = False  # edit --on "": the day met is not known


def add_people(
    conn: sqlite3.Connection,
    names: list[str],
    data: PersonInput,
    *,
    now: datetime,
    allow_duplicate: bool = False,
) -> list[PersonRef]:
    clean = [clean_line(n, "name") for n in names]
    if len(clean) > 1 and any(data.lists.get(k) for k in ("email", "phone")):
        raise InvalidInput(
            "--email and --phone belong to one person, but several names were given",
            "add them one at a time, or edit each person afterwards",
        )
    _check_no_repeats(clean)
    if not allow_duplicate:
        for name in clean:
            _refuse_duplicate(conn, name, data.lists.get("email", []))
    event_id = ensure_event(conn, data.met_at, data.met_on, now=now) if data.met_at else None
    if event_id is not None and data.place:
        from .events import set_place

        set_place(conn, event_id, data.place)
    met_on = data.met_on or now.date()
    added = [_insert_person(conn, name, data, event_id, met_on, now) for name in clean]
    refresh_search(conn, [p.id for p in added])
    return added


def _check_no_repeats(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if fold(name) in seen:
            raise InvalidInput(f"{name!r} is given twice", "give each name once")
        seen.add(fold(name))


def find_duplicate(
    conn: sqlite3.Connection, name: str | None, emails: list[str], *, other_than: int = 0
) -> tuple[PersonRef, str] | None:
    """Someone already in the book who is likely this person, and why (same name or email)."""
    if name is not None:
        found = store.find_by_name_key(conn, fold(name), other_than=other_than)
        if found is not None:
            return PersonRef(found.id, found.name), "the same name"
    found = store.find_by_email(conn, [fold(e) for e in emails], other_than=other_than)
    if found is not None:
        return PersonRef(found.id, found.name), "the same email"
    return None


def _refuse_duplicate(
    conn: sqlite3.Connection, name: str | None, emails: list[str], *, other_than: int = 0
) -> None:
    found = find_duplicate(conn, name, emails, other_than=other_than)
    if found is None:
        return
    (other, how), what = found, name if name is not None else ", ".join(emails)
    if other_than and name is None:
        raise Conflict(
            f"{what!r} is the email of {other.name} (#{other.id})",
            "check the address; if both share it, --allow-duplicate",
        )
    raise Conflict(
        f"{what!r} looks like {other.name} (#{other.id}), who has {how}",
        f"use `pln edit '#{other.id}'`, or --allow-duplicate if they are different people",
    )


def _insert_person(
    conn: sqlite3.Connection,
    name: str,
    data: PersonInput,
    event_id: int | None,
    met_on: date,
    now: datetime,
) -> PersonRef:
    stamp = to_db_time(now)
    scalars = {k: _clean_scalar(k, data.scalars.get(k)) for k in SCALARS}
    pid = store.insert_person(
        conn,
        {
            "name": name,
            "name_key": fold(name),
            "org": scalars["org"],
            "role": scalars["role"],
            "location": scalars["location"],
            "circle": data.circle or "network",
            "cadence": data.cadence,
            "met_on": met_on.isoformat(),
            "met_at_id": event_id,
            "introduced_by_id": data.introduced_by.id if data.introduced_by else None,
            "notes": clean_text(data.note, "note") if data.note else "",
            "created_at": stamp,
            "updated_at": stamp,
            "met_on_precision": data.met_on_precision if data.met_on is not None else None,
            "uid": new_uid(),
            "birthday": data.birthday.isoformat() if data.birthday else None,
        },
    )
    for kind, values in data.lists.items():
        _add_attrs(conn, pid, kind, values)
    return PersonRef(pid, name)


def _clean_scalar(kind: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return clean_line(value, kind)


def _clean_attr(kind: str, value: str) -> str:
    if kind == "email":
        return clean_email(value)
    if kind == "link":
        return clean_link(value)
    if kind == "phone":
        return clean_phone(value)
    return clean_line(value, kind.replace("role", "role tag"))


def _add_attrs(conn: sqlite3.Connection, pid: int, kind: str, values: list[str]) -> None:
    for value in values:
        text = _clean_attr(kind, value)
        store.add_attr(conn, pid, kind, text, attr_key(kind, text))


def clean_event_name(name: str) -> str:
    """An event's name as stored; one that looks like an id (#5) is refused, as for people:
    EVENT arguments read #N as an id."""
    text = clean_line(name, "event name")
    if re.fullmatch(r"#\s*\d+", text):  # as text.clean_line refuses for a person's name
        raise InvalidInput(
            f"an event name cannot look like an id ({text})",
            "EVENT arguments read #N as an id; give the event's name",
        )
    return text


def ensure_event(
    conn: sqlite3.Connection, name: str, on: date | None, *, now: datetime, place: str | None = None
) -> int:
    """The id of the event called ``name``, created (dated ``on`` or today) if new."""
    text = clean_event_name(name)
    known = store.event_id_by_key(conn, fold(text))
    if known is not None:
        return known
    on_day = (on or now.date()).isoformat()
    return store.insert_event(
        conn, text, fold(text), on_day, place=place, created_at=to_db_time(now)
    )


class Kept(NamedTuple):
    """A list value `pln edit` was given that matched one the person has (case, accents
    and spacing folded): ``--add-*`` left the stored one as it was, ``--remove-*``
    removed the stored one (``stored`` differs from ``given``, or nothing was said)."""

    action: str  # "add" | "remove"
    kind: str
    given: str
    stored: str


class Edit(NamedTuple):
    person: PersonRef
    changed: bool  # False: every value given was already the person's; nothing written
    kept: list[Kept]


def edit_person(
    conn: sqlite3.Connection,
    person: PersonRef,
    data: PersonInput,
    *,
    now: datetime,
    allow_duplicate: bool = False,
) -> Edit:
    sets: dict[str, object] = {}
    name = person.name
    if data.name is not None:
        name = clean_line(data.name, "name")
        if not allow_duplicate:
            _refuse_duplicate(conn, name, [], other_than=person.id)
        sets["name"], sets["name_key"] = name, fold(name)
    new_emails = [*data.replace.get("email", []), *data.lists.get("email", [])]
    if new_emails and not allow_duplicate:
        _refuse_duplicate(conn, None, [clean_email(e) for e in new_emails], other_than=person.id)
    if data.introduced_by is not None and data.introduced_by.id == person.id:
        raise InvalidInput(
            f"{person.name} cannot have introduced themselves",
            "give the person who introduced you to them",
        )
    for kind in SCALARS:
        if kind in data.scalars:
            sets[kind] = _clean_scalar(kind, data.scalars[kind])
    _collect_edit_scalars(conn, data, sets, now)
    _drop_unchanged(conn, person.id, sets)
    kept: list[Kept] = []
    lists_changed = _edit_lists(conn, person.id, data, kept)
    if not sets and not lists_changed:
        return Edit(PersonRef(person.id, name), False, kept)
    sets["updated_at"] = to_db_time(now)
    store.update_person(conn, person.id, sets)
    refresh_search(conn, [person.id])
    return Edit(PersonRef(person.id, name), True, kept)


def _drop_unchanged(conn: sqlite3.Connection, pid: int, sets: dict[str, object]) -> None:
    """Leave out of ``sets`` the columns that already hold what they would be set to."""
    if not sets:
        return
    from .store.merge import person_fields

    current = person_fields(conn, pid, list(sets))
    if current is None:
        return
    for column, now_held in zip(list(sets), tuple(current), strict=True):
        if sets[column] == now_held:
            del sets[column]


def _collect_edit_scalars(
    conn: sqlite3.Connection, data: PersonInput, sets: dict[str, object], now: datetime
) -> None:
    if data.circle is not None:
        sets["circle"] = data.circle
    if data.cadence is not None:
        sets["cadence"] = None if data.cadence == "default" else data.cadence
    if data.met_at is not None:  # an empty value clears it, as for every option of edit
        sets["met_at_id"] = (
            ensure_event(conn, data.met_at, data.met_on, now=now) if data.met_at.strip() else None
        )
    if data.met_on is not None:
        sets["met_on"] = data.met_on.isoformat()
        sets["met_on_precision"] = data.met_on_precision
    if data.clear_met_on:
        sets["met_on"] = sets["met_on_precision"] = None
    if data.introduced_by is not None:
        sets["introduced_by_id"] = data.introduced_by.id
    if data.clear_introduced_by:
        sets["introduced_by_id"] = None
    if data.note is not None:
        sets["notes"] = clean_text(data.note, "note")
    if data.birthday is not None or data.clear_birthday:
        sets["birthday"] = data.birthday.isoformat() if data.birthday else None


def _edit_lists(conn: sqlite3.Connection, pid: int, data: PersonInput, kept: list[Kept]) -> bool:
    """Replace, add to and remove from the person's lists; whether any of them changed.
    What was given and matched a stored value is said in ``kept``."""
    held: dict[str, dict[str, str]] = {}  # kind -> key -> the value stored
    for attr in store.attrs_with_keys(conn, pid):
        held.setdefault(attr.kind, {})[attr.key] = attr.value
    changed = False
    given: set[tuple[str, str]] = set()  # given twice in this edit: the CLI says so itself
    for kind, values in data.replace.items():
        wanted = _deduped(kind, values)
        given.update((kind, key) for key in wanted)
        if list(held.get(kind, {}).items()) != list(wanted.items()):
            store.delete_attrs(conn, pid, kind)
            _add_attrs(conn, pid, kind, list(wanted.values()))
            held[kind], changed = dict(wanted), True
    for kind, values in data.lists.items():
        mine = held.setdefault(kind, {})
        for value in values:
            text = _clean_attr(kind, value)
            key = attr_key(kind, text)
            if key in mine:
                if (kind, key) not in given:
                    kept.append(Kept("add", kind, value, mine[key]))
                continue
            store.add_attr(conn, pid, kind, text, key)
            mine[key], changed = text, True
            given.add((kind, key))
    for kind, values in data.remove.items():
        mine = held.setdefault(kind, {})
        gone: set[str] = set()
        for value in values:
            key = attr_key(kind, value)
            if key in gone:  # named twice (`--remove-topic x --remove-topic X`): once
                continue
            gone.add(key)
            if store.delete_attr(conn, pid, kind, key) == 0:
                raise NotFound(
                    f"{value!r} is not among this person's {kind} values",
                    "see `pln show` for what is stored",
                )
            kept.append(Kept("remove", kind, value, mine.pop(key, value)))
            changed = True
    return changed


def _deduped(kind: str, values: list[str]) -> dict[str, str]:
    """The values cleaned, by key, the first of two with one key kept (as the store does)."""
    found: dict[str, str] = {}
    for value in values:
        text = _clean_attr(kind, value)
        found.setdefault(attr_key(kind, text), text)
    return found


def is_archived(conn: sqlite3.Connection, person: PersonRef) -> bool:
    return store.archived_at(conn, person.id) is not None


def set_archived(
    conn: sqlite3.Connection, person: PersonRef, *, archived: bool, now: datetime
) -> None:
    at = to_db_time(now) if archived else None
    store.set_archived_at(conn, person.id, at, updated_at=to_db_time(now))
