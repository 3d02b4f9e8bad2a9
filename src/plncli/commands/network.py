"""`pln knows`, `unknows`, `group ...`, `who` and `private`, free of Typer.

Each write is one transaction (on a shared book: the write lock, and one entry of the
history that `pln undo` reverts); PERSON is found inside it, a close spelling put to
``confirm`` (``commands.find_person``). Reads find PERSON as `pln show` does: a close
spelling is taken, and the result carries it (``guessed_from``) for the caller to note.
"""

from datetime import date
from typing import NamedTuple

from .. import ties
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import PersonRef, resolve
from ..who import Expert
from ..who import who as find_experts
from . import Confirm, find_person


class Tie(NamedTuple):
    a: PersonRef
    b: PersonRef
    new: bool  # False: the tie was known already (its start and note may have changed)
    changed: bool = True  # False: known already, with that start and note: nothing written


class Acquaintances(NamedTuple):
    person: PersonRef  # ``guessed_from`` is set when a close spelling was taken
    known: list[ties.Acquaintance]


def knows(
    app: AppContext,
    a: str,
    b: str,
    *,
    since: tuple[date, str | None] | None,
    note: str,
    confirm: Confirm,
) -> Tie:
    """Record that A and B know each other (`pln knows A B`): ``since`` is the day it
    began with its precision ("year", "month", or None for the day itself)."""
    day, precision = since if since else (None, None)
    with transaction(app.conn):
        pa = find_person(app, a, confirm=confirm)
        pb = find_person(app, b, confirm=confirm)
        new, changed = ties.add_tie(
            app.conn,
            pa,
            pb,
            since=day,
            note=note,
            source="manual",
            now=app.now,
            since_precision=precision,
        )
    return Tie(pa, pb, new, changed)


def acquaintances(app: AppContext, person: str) -> Acquaintances:
    """Whom PERSON knows (`pln knows A`): recorded ties, then fellow group members."""
    ref = resolve(app.conn, person)
    return Acquaintances(ref, ties.acquaintances(app.conn, ref))


def unknows(app: AppContext, a: str, b: str, *, confirm: Confirm) -> Tie:
    """Remove the tie between A and B (`pln unknows`); none recorded is ``NotFound``."""
    with transaction(app.conn):
        pa = find_person(app, a, confirm=confirm)
        pb = find_person(app, b, confirm=confirm)
        ties.remove_tie(app.conn, pa, pb)
    return Tie(pa, pb, False)


# ---- groups -------------------------------------------------------------------------------


class GroupAdded(NamedTuple):
    group: ties.Group
    created: bool
    added: list[PersonRef]
    already: list[PersonRef]  # named, and members already


class Members(NamedTuple):
    group: ties.GroupRow
    people: list[PersonRef]


def group_add(app: AppContext, name: str, people: list[str], *, confirm: Confirm) -> GroupAdded:
    """Create the group NAME if new, and add PEOPLE to it (`pln group add`)."""
    with transaction(app.conn):
        group, created = ties.ensure_group(app.conn, name, now=app.now)
        refs = [find_person(app, p, confirm=confirm) for p in people]
        added, already = ties.add_members(app.conn, group, refs)
    return GroupAdded(group, created, added, already)


def group_remove(
    app: AppContext, name: str, people: list[str], *, confirm: Confirm
) -> tuple[ties.Group, list[PersonRef]]:
    """Take PEOPLE out of the group NAME (`pln group remove`); one who is not in it is
    refused, and then no one is taken out. The group, and the people taken out (each once)."""
    with transaction(app.conn):
        group = ties.find_group(app.conn, name)
        found = [find_person(app, p, confirm=confirm) for p in people]
        removed = ties.remove_members(app.conn, group, found)
    return group, removed


def group_delete(app: AppContext, name: str) -> ties.Group:
    """Delete the group NAME (`pln group delete`); its members and their interactions stay."""
    with transaction(app.conn):
        group = ties.find_group(app.conn, name)
        ties.delete_group(app.conn, group)
    return group


def group_show(app: AppContext, name: str) -> Members:
    """The group NAME, with its member count, whether it is private, and its members."""
    group = ties.find_group(app.conn, name)
    row = next(g for g in ties.list_groups(app.conn) if g.id == group.id)
    return Members(row, ties.members(app.conn, group))


def group_list(app: AppContext) -> list[ties.GroupRow]:
    return ties.list_groups(app.conn)


# ---- who, private -------------------------------------------------------------------------


def who(app: AppContext, topic: str, *, limit: int) -> list[Expert]:
    """Who offers or works on TOPIC (or talked about it with you), best first."""
    return find_experts(app.conn, topic, synonyms=app.settings.synonyms, limit=limit)


def set_private(app: AppContext, kind: str, name: str | None, *, off: bool) -> str:
    """Mark the topic, event or group NAME private (`pln private KIND NAME`), or, ``off``,
    usable as a reason for an introduction again; the name to say (an event's or a
    group's as stored)."""
    if name is None:
        raise InvalidInput("give the name of the topic, event or group", "see pln private --help")
    with transaction(app.conn):
        return ties.set_private(app.conn, kind, name, private=not off, now=app.now)


def private_marks(app: AppContext) -> list[tuple[str, str]]:
    """What is private: (kind, name), by kind, then by the folded name."""
    return ties.private_marks(app.conn)
