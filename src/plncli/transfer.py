"""Bringing people in from files, and taking the whole book out again.

Imports are planned first (what would be added, merged, skipped or rejected),
then applied in one transaction with bulk inserts: ``--dry-run`` shows the plan
and writes nothing. pln's own JSON export is a faithful copy of every table; it
restores into an empty database exactly.
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from .db import to_db_time
from .errors import Conflict, InvalidInput
from .formats.clean import spacing_notes
from .formats.records import Problem, ReadResult, Record
from .migrations import LATEST, UNDONE_TABLES, new_uid
from .people import ensure_event, rebuild_search, refresh_search
from .resolve import PersonRef
from .store import people as people_store
from .store import transfer as store
from .store.search import refresh_search_from
from .text import MAX_TEXT, attr_key, fold, json_safe
from .ties import bulk_insert_ties

if TYPE_CHECKING:
    from .formats.export import ExportDue, ExportPerson

ON_DUPLICATE = ("merge", "skip", "add")
LISTS = (
    ("email", "emails"),
    ("phone", "phones"),
    ("link", "links"),
    ("topic", "topics"),
    ("offers", "offers"),
    ("seeks", "seeks"),
    ("role", "role_tags"),
)


class Held(NamedTuple):
    """The book as an import's plan compares records with it, read at once for everyone
    the file's records may match (by UID, email or name): their single values
    (``store.held_values``), list values' keys and ties. Person by person, a re-import of
    5,000 rows made three to ten queries a row."""

    values: dict[int, Any]
    keys: dict[int, dict[str, set[str]]]
    ties: set[tuple[int, int]]


class Plan(NamedTuple):
    add: list[Record]
    merge: list[tuple[Record, PersonRef]]
    skip: list[tuple[Record, PersonRef]]
    invalid: list[Problem]
    notes: list[Problem]


def last_change(conn: sqlite3.Connection, before: int | None = None) -> int:
    """The newest history entry (older than ``before``): it moves on with every write."""
    return store.last_change(conn, before)


def with_defaults(
    record: Record, *, met_at: str | None, topic: list[str], circle: str | None
) -> Record:
    """The record with what `--met-at`, `--topic` and `--circle` give everyone imported
    (``overridden`` says what of the record's own they replace)."""
    return record._replace(
        met_at=met_at or record.met_at,
        topics=record.topics + [t for t in topic if t not in record.topics],
        circle=circle or record.circle,
    )


def overridden(
    records: Iterable[Record], *, met_at: str | None, circle: str | None
) -> list[Problem]:
    """What `--met-at` and `--circle` replace: a record's own event or circle that differs
    (events with case, accents and spacing folded), one note each, so that no value of the
    file is dropped unsaid."""
    notes = []
    for r in records:
        for field, option, given, own, same in (
            ("met_at", "--met-at", met_at, r.met_at, fold),
            ("circle", "--circle", circle, r.circle, str.lower),
        ):
            if given and own and same(own) != same(given):
                notes.append(
                    Problem(r.where, field, f"{option} gave {given!r}; file had {own!r}, not kept")
                )
    return notes


def plan_import(
    conn: sqlite3.Connection,
    result: ReadResult,
    *,
    on_duplicate: str,
    topic: Sequence[str] = (),
    given: Mapping[str, str] | None = None,
    tick: Callable[[], None] = lambda: None,
) -> Plan:
    """Match each record against the book (UID, email, then folded name) and within the file.

    A record merged into someone in the book (or combined with an earlier record of the
    file) brings every value of its list fields; a single value that differs from the
    one held is kept as held and reported, as is an email that belongs to someone else.
    A card with someone's UID is that person edited elsewhere: it updates them
    (``card_updates``), or is skipped when it says nothing new; so is a row of pln's CSV
    with their UID, whose other single values (``_ROW_ONLY``) are kept as a merge keeps them.
    ``topic`` (`--topic`) is added to every record's topics; to a card with someone's UID
    that holds none, it is added to the person's. ``given``: the fields an option set
    (``{"circle": "--circle"}``), which a note names instead of the file.
    """
    from .store.views import attributes_of

    given = given or {}
    by_name: dict[str, list[PersonRef]] = {}
    for p in people_store.name_keys(conn):
        by_name.setdefault(p.name_key, []).append(PersonRef(p.id, p.name))
    by_email = {e.key: PersonRef(e.id, e.name) for e in store.email_owners(conn)}
    by_uid = {p.uid: PersonRef(p.id, p.name) for p in store.person_uids(conn)}
    book = _held(conn, result.records, by_name, by_email, by_uid, on_duplicate)
    plan = Plan([], [], [], list(result.invalid), list(result.notes))
    in_file: dict[str, int] = {}  # a UID or an email -> the first record to add with it
    in_file_names: dict[str, list[int]] = {}  # a name -> the records to add with it
    filling: dict[int, dict[str, object]] = {}  # person -> values earlier records fill
    kept: list[Problem] = []

    def book_links(person: PersonRef) -> list[str]:
        return attributes_of(conn, person.id).get("link", [])

    def file_links(index: int) -> list[str]:
        return plan.add[index].links

    in_this_file = {fold(r.name) for r in result.records}
    for record in result.records:
        tick()
        own_topics = bool(record.topics)
        plan.notes.extend(_given_twice(record))
        record = with_defaults(record, met_at=None, topic=list(topic), circle=None)
        name = fold(record.name)
        keys = [f"u:{record.uid}"] * bool(record.uid) + [f"e:{fold(e)}" for e in record.emails]
        same_card = by_uid.get(record.uid) if record.uid else None
        match = next((by_email[k[2:]] for k in keys[bool(record.uid) :] if k[2:] in by_email), None)
        if not (same_card or match) and on_duplicate != "add":  # "add" matches no one
            people = by_name.get(name, [])
            at, apart = _namesake(record, [partial(book_links, p) for p in people])
            match = None if at is None else people[at]
            if apart is not None:
                why = f"another person than {people[apart].name} (#{people[apart].id}): {_ELSE}"
                plan.notes.append(Problem(record.where, "name", why))
        match = same_card or match
        earlier = next((in_file[k] for k in keys if k in in_file), None)
        if earlier is None and match is None and on_duplicate != "add":
            same_name = in_file_names.get(name, [])
            at, told = _namesake(record, [partial(file_links, i) for i in same_name])
            earlier = None if at is None else same_name[at]
            if told is not None:
                first = plan.add[same_name[told]]
                why = f"another person than {first.name} ({first.where}): {_ELSE}"
                plan.notes.append(Problem(record.where, "name", why))
        if same_card is not None and on_duplicate == "merge":
            record = _foreign_emails(record, same_card, by_email, plan.notes)
            if not own_topics and record.topics:  # only --topic's: added to theirs
                record = _topics_added(conn, record, same_card)
            updates = card_updates(book, record, same_card)
            said = UPDATED if result.format != "csv" else UPDATED_ROW
            plan.notes.extend(
                Problem(record.where, f, said) for f in updates if own_topics or f != "topics"
            )
            differs = _kept_by_uid(book, record, same_card, given)
            kept.extend(differs)  # said also when the card changes nothing else
            fills = bool(record.met_at) and not book.values[same_card.id].met_at  # --met-at
            (plan.merge if updates or fills else plan.skip).append((record, same_card))
        elif match is not None and on_duplicate == "merge":
            said_of_it: list[Problem] = []
            record = _foreign_emails(record, match, by_email, said_of_it)
            before = dict(filling.get(match.id, {}))
            record = _differences(book, record, match, said_of_it, filling, given)
            if before == filling[match.id] and not _new_values(
                book, record, match, by_name, in_this_file
            ):
                plan.skip.append((record, match))  # nothing new: no write, no history
                kept.extend(said_of_it)  # what differs is said all the same, and so is a
                kept.extend(  # knows of no one, which the import's ties say of the others
                    Problem(record.where, "knows", f"no one called {other!r}")
                    for other in record.knows
                    if fold(other) not in by_name and fold(other) not in in_this_file
                )
            else:
                plan.notes.extend(said_of_it)
                plan.merge.append((record, match))
        elif match is not None and on_duplicate == "skip":
            plan.skip.append((record, match))
        elif earlier is not None and on_duplicate != "add":
            plan.add[earlier] = _combine(plan.add[earlier], record, plan.notes)
            plan.notes.append(
                Problem(record.where, "name", f"same person as {plan.add[earlier].where}; combined")
            )
        else:
            for k in keys:
                in_file.setdefault(k, len(plan.add))
            in_file_names.setdefault(name, []).append(len(plan.add))
            plan.add.append(record)
    skipped = {r.where for r, _ in plan.skip}
    tidied = spacing_notes(r for r in result.records if r.where not in skipped)
    plan.notes[:] = [n for n in plan.notes if n.where not in skipped] + kept + tidied
    return plan


_SCALARS = (
    "org",
    "role",
    "location",
    "birthday",
    "met_at",
    "met_on",
    "circle",
    "cadence",
    "introduced_by",
)
_CARD_SCALARS = ("name", "org", "role", "location", "birthday", "notes")
UPDATED = "updated from the card (the same UID)"
UPDATED_ROW = "updated from the row (the same UID)"
# What pln's CSV holds of a person and a card cannot: a row matched by UID keeps the
# person's values of these, and says where the row had another (as a merge does).
_ROW_ONLY = tuple(f for f in _SCALARS if f not in _CARD_SCALARS)


def _held(
    conn: sqlite3.Connection,
    records: Iterable[Record],
    by_name: Mapping[str, list[PersonRef]],
    by_email: Mapping[str, PersonRef],
    by_uid: Mapping[str, PersonRef],
    on_duplicate: str,
) -> Held:
    """``Held`` for everyone the records may be merged into (none but with ``merge``)."""
    ids: set[int] = set()
    for r in records if on_duplicate == "merge" else ():
        ids.update(p.id for p in by_name.get(fold(r.name), []))
        ids.update(by_email[k].id for k in map(fold, r.emails) if k in by_email)
        if r.uid and r.uid in by_uid:
            ids.add(by_uid[r.uid].id)
    found = sorted(ids)
    return Held(
        store.held_values(conn, found),
        store.attr_keys_of(conn, found),
        store.ties_of_people(conn, found),
    )


def _kept_by_uid(
    book: Held, record: Record, person: PersonRef, given: Mapping[str, str]
) -> list[Problem]:
    """The single values a record with the person's UID brings that are kept as held (a
    CSV row's, or a card's given by ``--circle``/``--met-at``), said as a merge says them."""
    held = book.values[person.id]
    takes = _takes_meeting(held.met_at, record)
    said = _meeting_note(record, held.met_on) if takes else None
    return [
        Problem(record.where, f, _kept(f, old, new, given, _precisions(held, record)))
        for f in _ROW_ONLY
        if _differs(old := getattr(held, f), new := getattr(record, f))
        and not (takes and f == "met_on")
    ] + ([said] if said else [])


# Two people of one name are told apart by their LinkedIn profiles (linkedin.com/in/NAME):
# a profile is one person, so two different ones are two people (LinkedIn's own export
# holds many namesakes), where a name alone would make them one.
_PROFILE = "linkedin.com/in/"
_ELSE = "the same name, another LinkedIn profile; added as a new person"


def _profiles(links: Iterable[str]) -> set[str]:
    found = set()
    for link in links:
        key = fold(link)
        at = key.find(_PROFILE)
        if at >= 0:
            handle = key[at + len(_PROFILE) :].split("?")[0].split("#")[0].strip("/")
            found.add(handle.split("/")[0])
    return found - {""}


def _namesake(
    record: Record, links: Sequence[Callable[[], Iterable[str]]]
) -> tuple[int | None, int | None]:
    """Which of the people of the record's name (in the book, or earlier in the file; each
    given by its links, read only if needed) it is, by index, and the one it was told
    apart from when it is none of them. The last of them, unless LinkedIn profiles tell
    them apart: the one with the record's profile, else the last with none; none when each
    has another profile."""
    if not links:
        return None, None
    mine = _profiles(record.links)
    if not mine:
        return len(links) - 1, None
    held = [(i, _profiles(links[i]())) for i in reversed(range(len(links)))]
    for i, theirs in held:
        if theirs & mine:
            return i, None
    for i, theirs in held:
        if not theirs:
            return i, None
    return None, held[0][0]


def _given_twice(record: Record) -> list[Problem]:
    """A record's list value that is another of its values once case, accents and spacing
    are folded (a card's `CATEGORIES:Café,cafe`) is kept once, as `pln add` keeps it: said."""
    said = []
    for kind, f in LISTS:
        first: dict[str, str] = {}
        for value in getattr(record, f):
            key = attr_key(kind, value)
            if key not in first:
                first[key] = value
                continue
            held = first[key]
            same = "is given twice" if value == held else f"is the same as {held!r}"
            said.append(Problem(record.where, f, f"{value!r} {same}: kept once"))
    return said


def _new_values(
    book: Held,
    record: Record,
    person: PersonRef,
    by_name: Mapping[str, list[PersonRef]],
    in_file: set[str],
) -> bool:
    """Whether merging the record would add a list value, or a tie (``knows``: someone
    of the book the person has no tie with, or someone of the file, ``in_file``, who is
    not in the book yet; a name of no one is a note, not a tie), to the person (its
    single values and notes: ``_differences``)."""
    for other in record.knows:
        known = by_name.get(fold(other), [])
        if not known and fold(other) in in_file:
            return True
        if known and not any(tuple(sorted((p.id, person.id))) in book.ties for p in known):
            return True
    keys = book.keys.get(person.id, {})
    return any(
        attr_key(kind, v) not in keys.get(kind, set())
        for kind, f in LISTS
        for v in getattr(record, f)
    )


def _topics_added(conn: sqlite3.Connection, record: Record, person: PersonRef) -> Record:
    """A card that holds no topics keeps the person's: ``--topic`` adds to them, as it does
    to a person matched by email or name (the card's topics replace theirs as a whole)."""
    from .store.views import attributes_of

    held = attributes_of(conn, person.id).get("topic", [])
    keys = {attr_key("topic", t) for t in held}
    return record._replace(
        topics=held + [t for t in record.topics if attr_key("topic", t) not in keys]
    )


def card_updates(book: Held, record: Record, person: PersonRef) -> list[str]:
    """The fields a card with the person's UID changes: the card is the same contact,
    edited elsewhere (a phone, a mail client). Each field the card holds replaces the
    person's; a field it does not hold is kept (a phone may not carry topics). A list
    compares as a whole (emails, phones, links, topics), by the values' folded keys."""
    held = book.values[person.id]
    changed = [
        f
        for f in _CARD_SCALARS
        if (new := _card_value(record, f)) not in (None, "") and new != getattr(held, f)
    ]
    keys = book.keys.get(person.id, {})
    for kind, f in LISTS:
        given = {attr_key(kind, v) for v in getattr(record, f)}
        if given and given != keys.get(kind, set()):
            changed.append(f)
    return changed


def _card_value(record: Record, field: str) -> object:
    value = getattr(record, field)
    return value.isoformat() if isinstance(value, date) else value


def _combine(first: Record, later: Record, notes: list[Problem]) -> Record:
    """Two rows of one file about one person: keep the first's values, add the later's;
    a single value of the later that differs is reported."""
    lists = {
        f: getattr(first, f) + [v for v in getattr(later, f) if v not in getattr(first, f)]
        for _, f in LISTS
    }
    if fold(first.name) != fold(later.name):
        kept_name, file_name = _shown("name", first.name), _shown("name", later.name)
        why = f"kept {kept_name} ({first.where}), file had {file_name}"
        notes.append(Problem(later.where, "name", why))
    for field in _SCALARS:
        held, new = getattr(first, field), getattr(later, field)
        if _differs(held, new):
            a, b = first.met_on_precision, later.met_on_precision
            why = f"kept {_shown(field, held, a)} ({first.where}), file had {_shown(field, new, b)}"
            notes.append(Problem(later.where, field, why))
    scalars = {f: getattr(first, f) or getattr(later, f) for f in _SCALARS}
    text = "\n".join(dict.fromkeys(n for n in (first.notes, later.notes) if n))
    if len(text) > MAX_TEXT:
        why = f"notes not added to {first.where}'s: the notes would pass {MAX_TEXT:,} characters"
        notes.append(Problem(later.where, "notes", why))
        text = first.notes
    return first._replace(**lists, **scalars, notes=text, knows=first.knows + later.knows)


def _foreign_emails(
    record: Record, match: PersonRef, by_email: dict[str, PersonRef], notes: list[Problem]
) -> Record:
    """The record without the emails that belong to another person in the book."""
    kept = []
    for email in record.emails:
        owner = by_email.get(fold(email))
        if owner is not None and owner.id != match.id:
            why = f"'{email}' not added to {match.name}: it is {owner.name}'s (#{owner.id})"
            notes.append(Problem(record.where, "email", why))
        else:
            kept.append(email)
    return record._replace(emails=kept)


def _differences(
    book: Held,
    record: Record,
    match: PersonRef,
    notes: list[Problem],
    filling: dict[int, dict[str, object]],
    given: Mapping[str, str],
) -> Record:
    """What merging the record into the person would not change, said field by field
    (``filling``: what earlier records of the file fill); the record without notes that
    would not fit."""
    row = book.values[match.id]
    if fold(record.name) != fold(match.name):
        notes.append(Problem(record.where, "name", _kept("name", match.name, record.name, given)))
    pending = filling.setdefault(match.id, {})
    held = {f: v if (v := getattr(row, f)) not in (None, "") else pending.get(f) for f in _SCALARS}
    takes = _takes_meeting(held["met_at"], record)
    filled_p = pending.get("met_on_precision")  # the day an earlier record of the file filled
    held_p = row.met_on_precision if row.met_on else filled_p if isinstance(filled_p, str) else None
    new_p = record.met_on_precision
    for field in _SCALARS:
        if held[field] in (None, "") and getattr(record, field) not in (None, ""):
            pending[field] = getattr(record, field)
    notes += [
        Problem(record.where, field, _kept(field, held[field], new, given, (held_p, new_p)))
        for field in _SCALARS
        if _differs(held[field], new := getattr(record, field))
        and not (takes and field == "met_on")
    ]
    if takes or (held["met_on"] in (None, "") and record.met_on is not None):
        pending["met_on_precision"] = record.met_on_precision
    if takes:
        pending["met_on"] = record.met_on
        said = _meeting_note(record, held["met_on"])
        notes += [said] if said else []
    held_notes = "\n".join(n for n in (row.notes, str(pending.get("notes", ""))) if n)
    if not record.notes or record.notes in held_notes:
        return record
    if len(held_notes) + 1 + len(record.notes) > MAX_TEXT:
        why = f"the file's notes not added: the notes would pass {MAX_TEXT:,} characters"
        notes.append(Problem(record.where, "notes", why))
        return record._replace(notes="")
    if held_notes:
        why = "the file's notes are added after the notes already held"
        notes.append(Problem(record.where, "notes", why))
    pending["notes"] = "\n".join(n for n in (str(pending.get("notes", "")), record.notes) if n)
    return record


def _takes_meeting(held_event: object, record: Record) -> bool:
    """Whether the record's meeting fills the person's whole: the person names no event and
    the record names one with its day. The event and the day are one fact, never put
    together from two sources (the person's day with the record's event: "met BETT today"
    for someone met at BETT in 2019); `pln merge` moves a meeting the same way."""
    return bool(record.met_at) and record.met_on is not None and held_event in (None, "")


def _meeting_note(record: Record, held_day: object) -> Problem | None:
    """The note on the day a record's meeting replaces (``_takes_meeting``), if another."""
    assert record.met_on is not None
    if not _differs(held_day, record.met_on):
        return None
    from .dates import say_partial

    day = say_partial(record.met_on, record.met_on_precision)
    why = f"{day} from the file, with its event '{record.met_at}'; the book had {held_day}"
    return Problem(record.where, "met_on", why)


def _differs(held: object, new: object) -> bool:
    """Both set, and not the same value (text compared with case, accents and spacing folded)."""
    if held is None or new is None or held == "" or new == "":
        return False
    if isinstance(new, date):
        return str(held) != new.isoformat()
    return held != new and fold(str(held)) != fold(str(new))


def _precisions(held: Any, record: Record) -> tuple[str | None, str | None]:
    """How precisely the person's day met and the record's are known ("year", "month")."""
    return held.met_on_precision, record.met_on_precision


def _kept(
    field: str,
    held: object,
    new: object,
    given: Mapping[str, str],
    precisions: tuple[str | None, str | None] = (None, None),
) -> str:
    """The note on a value kept as held: the other came from the file, or from an option
    (``--circle`` gave 'colleague')."""
    source = f"{given[field]} gave" if field in given else "file had"
    shown = [_shown(field, v, p) for v, p in zip((held, new), precisions, strict=True)]
    return f"kept {shown[0]}, {source} {shown[1]}"


def _shown(field: str, value: object, precision: str | None = None) -> str:
    """A value as the note shows it: dates bare (a day met known to its month or year
    alone as that: "September 2019"), text quoted."""
    if field == "birthday":
        from .birthdays import shown

        return shown(value if isinstance(value, date) else date.fromisoformat(str(value)))
    if field == "met_on":
        from .dates import say_partial

        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return say_partial(day, precision)
    return f"'{value}'"


def apply_import(conn: sqlite3.Connection, plan: Plan, *, now: datetime) -> tuple[int, int, int]:
    """Write the plan: returns (people added, people merged, ties recorded)."""
    events = {
        fold(r.met_at): ensure_event(conn, r.met_at, r.met_on, now=now)
        for r in plan.add + [m[0] for m in plan.merge]
        if r.met_at
    }
    ids = store.new_person_ids(conn, len(plan.add))
    uids = _new_people_uids(conn, plan.add)
    stamp = to_db_time(now)
    store.insert_people(
        conn,
        [
            {
                "id": pid,
                "name": r.name,
                "name_key": fold(r.name),
                "org": r.org,
                "role": r.role,
                "location": r.location,
                "circle": r.circle or "network",
                "met_on": (r.met_on or now.date()).isoformat(),
                "met_at_id": events.get(fold(r.met_at)) if r.met_at else None,
                "notes": r.notes,
                "created_at": stamp,
                "updated_at": stamp,
                "birthday": r.birthday.isoformat() if r.birthday else None,
                "met_on_precision": r.met_on_precision if r.met_on else None,
                "uid": uid,
                "cadence": r.cadence,
            }
            for pid, r, uid in zip(ids, plan.add, uids, strict=True)
        ],
    )
    _insert_attrs(conn, list(zip(ids, plan.add, strict=True)))
    for record, person in plan.merge:
        if record.uid and record.uid == store.uid_of(conn, person.id):
            _update_from_card(conn, person.id, record, events, stamp)
        else:
            _merge_record(conn, person.id, record, events, stamp)
    ties = _ties_from_knows(conn, plan, ids, now)
    _introducers(conn, plan, ids)
    if ids:
        refresh_search_from(conn, ids[0])
    refresh_search(conn, [p.id for _, p in plan.merge])
    return len(plan.add), len(plan.merge), ties


def _insert_attrs(conn: sqlite3.Connection, people: list[tuple[int, Record]]) -> None:
    store.insert_attrs(
        conn,
        [
            (pid, kind, v, attr_key(kind, v))
            for pid, r in people
            for kind, f in LISTS
            for v in getattr(r, f)
        ],
    )


def _new_people_uids(conn: sqlite3.Connection, people: list[Record]) -> list[str]:
    """Each new person's UID: the card's own when no one holds it yet, else a new one."""
    taken = {p.uid for p in store.person_uids(conn)}
    out = []
    for r in people:
        uid = r.uid if r.uid and r.uid not in taken else new_uid()
        taken.add(uid)
        out.append(uid)
    return out


def _update_from_card(
    conn: sqlite3.Connection, pid: int, r: Record, events: dict[str, int], stamp: str
) -> None:
    """The card is the person as edited elsewhere (``card_updates``): each value it holds
    replaces the person's, lists as a whole; the rest is kept (an event given with
    ``--met-at`` fills an empty one, as a merge does)."""
    sets: dict[str, object] = {}
    for f in _CARD_SCALARS:
        value = _card_value(r, f)
        if value not in (None, ""):
            sets[f] = value
    if "name" in sets:
        sets["name_key"] = fold(r.name)
    sets["updated_at"] = stamp
    people_store.update_person(conn, pid, sets)
    for kind, f in LISTS:
        if getattr(r, f):
            people_store.delete_attrs(conn, pid, kind)
    _insert_attrs(conn, [(pid, r)])
    if r.met_at:
        empty = dict.fromkeys(
            ("org", "role", "location", "birthday", "cadence", "met_on", "met_on_precision"), None
        )
        _meeting_day(conn, pid, r)
        store.fill_person(
            conn,
            pid,
            {**empty, "met_at_id": events.get(fold(r.met_at)), "notes": ""},
            updated_at=stamp,
        )


def _merge_record(
    conn: sqlite3.Connection, pid: int, r: Record, events: dict[str, int], stamp: str
) -> None:
    """Fill the person's empty fields from the record and add every value of its lists
    (as `pln merge` does); the notes it brings go after the person's own. A meeting
    fills the person's whole (``_takes_meeting``)."""
    _meeting_day(conn, pid, r)
    store.fill_person(
        conn,
        pid,
        {
            "org": r.org,
            "role": r.role,
            "location": r.location,
            "birthday": r.birthday.isoformat() if r.birthday else None,
            "met_at_id": events.get(fold(r.met_at)) if r.met_at else None,
            "met_on": r.met_on.isoformat() if r.met_on else None,  # a day not known yet
            "met_on_precision": r.met_on_precision,
            "notes": r.notes,
            "cadence": r.cadence,
        },
        updated_at=stamp,
    )
    _insert_attrs(conn, [(pid, r)])


def _meeting_day(conn: sqlite3.Connection, pid: int, r: Record) -> None:
    """The day of the meeting whose event the record is about to fill (``fill_person``):
    the person's, if they name no event (``_takes_meeting``, said in the plan)."""
    if r.met_at and r.met_on is not None:
        store.date_meeting(conn, pid, r.met_on.isoformat(), r.met_on_precision)


def _ties_from_knows(conn: sqlite3.Connection, plan: Plan, ids: list[int], now: datetime) -> int:
    names = {fold(r.name): pid for pid, r in zip(ids, plan.add, strict=True)}
    names.update({fold(r.name): p.id for r, p in plan.merge + plan.skip})
    book = {p.name_key: p.id for p in store.person_keys(conn)}
    pairs = []
    owners = list(zip(ids, plan.add, strict=True)) + [(p.id, r) for r, p in plan.merge]
    for pid, record in owners:
        for other in record.knows:
            oid = names.get(fold(other)) or book.get(fold(other))
            if oid is None:
                plan.notes.append(Problem(record.where, "knows", f"no one called {other!r}"))
            elif oid != pid:
                pairs.append((pid, oid))
    bulk_insert_ties(conn, pairs, since=None, source="import", now=now)
    return len(pairs)


def _introducers(conn: sqlite3.Connection, plan: Plan, ids: list[int]) -> None:
    """``introduced_by`` (pln's CSV) names someone in the file or in the book: it is set
    where the person has no introducer yet (a name found nowhere, or the person themselves,
    is a note)."""
    owners = list(zip(ids, plan.add, strict=True)) + [(p.id, r) for r, p in plan.merge]
    if not any(r.introduced_by for _, r in owners):
        return
    names = {fold(r.name): pid for pid, r in zip(ids, plan.add, strict=True)}
    names.update({fold(r.name): p.id for r, p in plan.merge + plan.skip})
    book = {p.name_key: p.id for p in store.person_keys(conn)}
    for pid, record in owners:
        if not record.introduced_by:
            continue
        key = fold(record.introduced_by)
        oid = names.get(key) or book.get(key)
        if oid is None or oid == pid:
            why = f"no one else called {record.introduced_by!r}; not kept"
            plan.notes.append(Problem(record.where, "introduced_by", why))
        else:
            store.fill_introducer(conn, pid, oid)


# ---- pln's own JSON -----------------------------------------------------------------------


def row_encoder() -> Callable[[Any], str]:
    """``json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode``, made once: that
    method makes a new C encoder for every value, which was a third of `pln export
    --format json` at 10,000 people (~480,000 rows, one call each). The same C encoder
    (``json.encoder.c_make_encoder`` with the arguments ``JSONEncoder.iterencode`` gives
    it on Python 3.11-3.13) is made here once and called for each row. Where the C
    accelerator is missing, takes other arguments, or writes a sample row otherwise, the
    method itself is used. tests/test_export_encoder.py holds the two to the same text."""
    from json import encoder as stdlib

    plain = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
    make = getattr(stdlib, "c_make_encoder", None)
    if make is None:
        return plain.encode
    try:
        one = make({}, plain.default, stdlib.encode_basestring, None, ": ", ", ", True, False, True)

        def encode(value: Any) -> str:
            return "".join(one(value, 0))

        sample = {"a": [1, 2.5, None, True, 'é\n"x"'], "b": {"c": -0.0, "d": 10**20}}
        if encode(sample) == plain.encode(sample):
            return encode
    except (TypeError, ValueError):
        pass
    return plain.encode


def export_book(conn: sqlite3.Connection, *, now: datetime) -> Iterator[bytes]:
    """Every row of every table the book is made of, with the schema version, as JSON.

    Streamed in chunks of rows (memory stays flat however big the book), one row per
    line, encoded by the C encoder.
    """
    plain = row_encoder()

    def encode(value: Any) -> str:  # C1 and bidi controls as \u escapes (text.json_safe)
        return json_safe(plain(value))

    store.read_snapshot(conn)
    head = {"pln_export": 1, "schema_version": LATEST, "exported_at": to_db_time(now)}
    yield (encode(head)[:-1] + ', "tables": {\n').encode()
    for n, table in enumerate(UNDONE_TABLES):
        cols, chunks = store.table_chunks(conn, table)
        yield f'"{table}": ['.encode()
        first = True
        for rows in chunks:
            text = ",\n".join(encode(dict(zip(cols, row, strict=True))) for row in rows)
            yield (("\n" if first else ",\n") + text).encode()
            first = False
        sep = "," if n < len(UNDONE_TABLES) - 1 else ""
        yield (("]" if first else "\n]") + sep + "\n").encode()
    yield b"}}\n"


def is_pln_json(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(200).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{") and b'"pln_export"' in head


def refuse_unless_empty(conn: sqlite3.Connection) -> None:
    """A restore fills an empty book only (its `--dry-run` says so too)."""
    held = store.tables_holding_rows(conn, UNDONE_TABLES)
    if held:
        raise Conflict(
            "a pln JSON export restores a whole book into an empty database; this one"
            f" already holds {', '.join(held)} rows",
            "import it into a new book (pln --db NEW.db import FILE; a shared one: a new"
            " database, after `pln db init URL`), or use CSV to add people",
        )


def restore_book(conn: sqlite3.Connection, path: str) -> dict[str, int]:
    """Load a pln JSON export into an empty book: every table, ids and all."""
    doc = load_export(path)
    refuse_unless_empty(conn)
    store.defer_foreign_keys(conn)
    counts = {}
    for table in UNDONE_TABLES:
        rows = doc["tables"].get(table, [])
        counts[table] = len(rows)
        try:
            _restore_rows(conn, table, rows)
        except (sqlite3.IntegrityError, sqlite3.InterfaceError, TypeError, AttributeError) as exc:
            raise InvalidInput(
                f"{path} is not a valid pln export: table {table}: {exc}",
                "use an export written by `pln export --format json`",
            ) from None
    for pid in store.people_without_uid(conn):  # an export from before UIDs
        store.set_uid(conn, pid, new_uid())
    store.after_restore(conn, UNDONE_TABLES)
    rebuild_search(conn)
    return counts


def _restore_rows(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    valid = store.columns_of(conn, table)
    cols = list(dict.fromkeys(c for row in rows for c in row))  # every row's columns
    if not set(cols) <= valid:
        raise TypeError(f"unknown columns {sorted(set(cols) - valid)}")
    store.insert_rows(conn, table, cols, [[row.get(c) for c in cols] for row in rows])


def note_restore(
    conn: sqlite3.Connection, path: str, counts: dict[str, int], *, now: datetime
) -> None:
    summary = ", ".join(f"{t} +{n}" for t, n in counts.items() if n)
    store.log_restore(conn, at=to_db_time(now), command=f"pln import {path}", summary=summary)


def load_export(path: str) -> dict[str, Any]:
    """The export at ``path``, every value checked (``restore_check``); InvalidInput if not."""
    from .restore_check import Refused, problems

    name = "standard input" if path == "-" else path
    try:
        doc = _load_json(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            f"cannot read {name} as a pln JSON export: {exc}",
            "give a file `pln export --format json` wrote, or --format to say what it is",
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"cannot read {name} as a pln JSON export: it is nested too deeply"
        ) from None
    if (
        not isinstance(doc, dict)
        or doc.get("pln_export") != 1
        or not isinstance(doc.get("tables"), dict)
    ):
        raise InvalidInput(f"{name} is not a pln JSON export", "use --format to say what it is")
    version = doc.get("schema_version", 0)
    if type(version) is not int:
        raise InvalidInput(
            f"{name}: schema_version is not a number", "use --format to say what it is"
        )
    if version > LATEST:
        raise InvalidInput(f"{name} comes from a newer pln", "upgrade pln to import it")
    unknown = set(doc["tables"]) - set(UNDONE_TABLES)
    if unknown:
        raise InvalidInput(
            f"{name} has tables this pln does not know: {', '.join(sorted(unknown))}"
        )
    found = problems(doc["tables"])
    if found:
        raise Refused(name, found)
    return doc


def _load_json(path: str) -> Any:
    """The JSON document in the file at ``path`` (``-``: on standard input)."""
    if path == "-":
        import sys

        return json.loads(sys.stdin.buffer.read().decode("utf-8-sig"))
    with open(path, encoding="utf-8-sig") as fh:
        return json.load(fh)


# ---- writing files ------------------------------------------------------------------------


def refuse_database_path(path: str, db_path: str) -> None:
    """An export must never land on the database (or its journal files)."""
    target = os.path.realpath(path)
    if target in {os.path.realpath(db_path + s) for s in ("", "-wal", "-shm")}:
        raise Conflict(f"{path} is the database itself", "choose another file to export to")


def write_atomically(path: str, data: bytes | Iterable[bytes], *, force: bool = False) -> int:
    """Owner-only, through a temporary file renamed into place (the rules: files.py)."""
    from . import files

    return files.write(files.target(path, force=force), data)


# ---- people and calendar for the other formats ------------------------------------------


def export_people(conn: sqlite3.Connection) -> list["ExportPerson"]:
    """Every active person, with everything the CSV and vCard exports carry."""
    from .formats.export import ExportPerson

    store.read_snapshot(conn)
    attrs = store.attrs_by_person(conn)
    knows = store.names_known(conn)
    out = []
    for r in store.people_for_export(conn):
        a = attrs.get(r.id, {})
        out.append(
            ExportPerson(
                id=r.id,
                name=r.name,
                emails=a.get("email", []),
                phones=a.get("phone", []),
                org=r.org,
                role=r.role,
                location=r.location,
                links=a.get("link", []),
                circle=r.circle,
                topics=a.get("topic", []),
                offers=a.get("offers", []),
                seeks=a.get("seeks", []),
                notes=r.notes,
                met_at=r.met_at,
                met_on=_day(r.met_on),
                birthday=_day(r.birthday),
                last_contact=_day(r.last_contact),
                knows=knows.get(r.id, []),
                met_on_precision=r.met_on_precision,
                uid=r.uid,
                cadence=r.cadence,
                role_tags=a.get("role", []),
                introduced_by=r.introduced_by,
            )
        )
    return out


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def calendar_items(
    conn: sqlite3.Connection,
    *,
    today: date,
    cadences: dict[str, str],
    first_contact_days: int,
    birthdays: bool = True,
) -> list["ExportDue"]:
    """Every open follow-up (each on its due date, however far; a recurring one as one
    recurring event), groups' readings, first contacts and keep-in-touch dates of the
    coming year, and, with ``birthdays``, everyone's birthday as a yearly event
    (formats/feed.py)."""
    from .dates import parse_interval
    from .due import due_where, first_due, load_birthdays, load_due_inputs, load_due_readings
    from .formats import feed
    from .formats.export import ExportDue
    from .store import resources

    horizon = today + timedelta(days=365)
    store.read_snapshot(conn)
    where = due_where(conn)
    people, followups = load_due_inputs(
        conn,
        horizon=horizon,
        cadences=cadences,
        first_contact_days=first_contact_days,
        where=where,
        followups_by=date.max,  # a follow-up set for 2028 is in the feed, on its day
    )
    items, _ = first_due(
        people,
        [f for f in followups if f.due <= horizon],
        today=today,
        horizon=horizon,
        cadences=cadences,
        first_contact_days=first_contact_days,
        readings=load_due_readings(conn, horizon=horizon),
    )
    titles = {"first-contact": "First contact", "reconnect": "Reconnect"}
    uids = {p.id: p.uid for p in store.person_uids(conn)}

    def key(pid: int) -> str:
        return feed.person_key(uids.get(pid), pid)

    read = {r.id: r for r in resources.reading_keys(conn)}

    events = [
        feed.followup(
            f.id,
            key(f.person.id),
            f.person.name,
            f.note,
            f.due,
            parse_interval(f.every) if f.every else None,
            f.anchor,
        )
        for f in sorted(followups, key=lambda f: (f.due, f.id))
    ]
    # a reading has a day of its own, kept as a follow-up's is (the group is its "person")
    for i in items:
        if i.reading_id:
            r = read[i.reading_id]
            uid = feed.reading_uid(r.group_key, r.url or r.title_key)
            events.append(feed.reading(uid, i.person.name, r.title, r.url, i.due))
    events += [
        ExportDue(
            uid=f"{i.kind}-{key(i.person.id)}@pln",
            summary=f"{titles[i.kind]}: {i.person.name}",
            # a first contact or a reconnect has no day of its own: due since, so today
            due=max(i.due, today),
            description=i.reason,
        )
        for i in items
        if i.kind in titles
    ]
    if birthdays:
        born = load_birthdays(conn, where, start=today, end=today + timedelta(days=366))
        events += [feed.birthday(key(b.person.id), b.person.name, b.birthday) for b in born]
    return _unique_uids(events)


def _unique_uids(events: list["ExportDue"]) -> list["ExportDue"]:
    """Two series of one person about the same thing at the same rhythm would share a UID:
    the later ones (by due date, then id) get ``-2``, ``-3``, ... before the ``@``."""
    seen: set[str] = set()
    out = []
    for event in events:
        uid, n = event.uid, 2
        while uid in seen:
            uid, n = event.uid.replace("@pln", f"-{n}@pln"), n + 1
        seen.add(uid)
        out.append(event._replace(uid=uid))
    return out
