"""`pln resource add|show|edit|remove`, `pln resources`, `pln share` and `pln group read`,
free of Typer.

Each write is one transaction (one entry of the history that `pln undo` reverts); PERSON
is found inside it, a close spelling put to ``confirm`` (``commands.find_person``).
RESOURCE is found as ``resources.find_resource`` says (no close spellings: a title is
matched by its start).
"""

from datetime import date, datetime
from typing import NamedTuple

from .. import resources as svc
from .. import ties
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import PersonRef
from ..resources import Detail, Reading, ResourceRef, ResourceRow
from . import Confirm, find_person


class Added(NamedTuple):
    resource: ResourceRef
    created: bool  # False: the book had it already (the same URL or title)
    shared_by: list[PersonRef]  # --from: who shared it with you


class Shared(NamedTuple):
    resource: ResourceRef
    people: list[PersonRef]
    at: datetime


class ReadingSet(NamedTuple):
    group: ties.Group
    resource: ResourceRef
    new: bool
    due: date | None
    done: bool
    changed: bool = True  # False: it was so already; nothing written


def add(
    app: AppContext,
    what: str,
    *,
    title: str | None = None,
    kind: str = "other",
    topics: list[str] | None = None,
    author: str | None = None,
    note: str = "",
    from_: list[str] | None = None,
    confirm: Confirm,
) -> Added:
    """Add a resource (`pln resource add`); ``from_``: these people shared it with you
    (an interaction of kind ``shared`` each). The same URL or title again adds nothing
    new, but ``from_`` is still recorded."""
    with transaction(app.conn):
        ref, created = svc.add_resource(
            app.conn,
            what,
            title=title,
            kind=kind,
            topics=topics or [],
            author=author,
            note=note,
            now=app.now,
        )
        people = [find_person(app, p, confirm=confirm) for p in from_ or []]
        if people:
            svc.record_share(
                app.conn, ref, people, direction="from", note="", at=app.now, now=app.now
            )
    return Added(ref, created, people)


def show(app: AppContext, text: str) -> Detail:
    return svc.detail(app.conn, svc.find_resource(app.conn, text))


def edit(app: AppContext, text: str, change: svc.Change) -> svc.Edited:
    """Change a resource (`pln resource edit`); nothing to change is refused."""
    if change == svc.Change():
        raise InvalidInput(
            "nothing to change",
            "give --title, --url, --kind, --by, --note, --topic or --remove-topic",
        )
    with transaction(app.conn):
        return svc.edit_resource(app.conn, svc.find_resource(app.conn, text), change, now=app.now)


def remove(app: AppContext, text: str) -> ResourceRef:
    """Remove a resource (`pln resource remove`); its shares stay as interactions."""
    with transaction(app.conn):
        ref = svc.find_resource(app.conn, text)
        svc.remove_resource(app.conn, ref)
    return ref


def listed(app: AppContext, *, kind: str | None, topic: str | None) -> list[ResourceRow]:
    return svc.list_resources(app.conn, kind=kind, topic=topic, synonyms=app.settings.synonyms)


def share(app: AppContext, text: str, people: list[str], *, note: str, confirm: Confirm) -> Shared:
    """Record that you shared RESOURCE with PEOPLE (`pln share R --with A B`)."""
    if not people:
        raise InvalidInput("name someone to share it with", "pln share RESOURCE --with PERSON")
    with transaction(app.conn):
        ref = svc.find_resource(app.conn, text)
        refs = [find_person(app, p, confirm=confirm) for p in people]
        svc.record_share(app.conn, ref, refs, direction="to", note=note, at=app.now, now=app.now)
    return Shared(ref, refs, app.now)


def read(app: AppContext, group: str, resource: str, *, due: date | None, done: bool) -> ReadingSet:
    """The group reads RESOURCE, by ``due`` (`pln group read`); ``done``: it has been read."""
    with transaction(app.conn):
        found = ties.find_group(app.conn, group)
        ref = svc.find_resource(app.conn, resource)
        new, changed, day = svc.set_reading(app.conn, found, ref, due=due, done=done, now=app.now)
    return ReadingSet(found, ref, new, day, done, changed)


def group_readings(app: AppContext, group: str) -> list[Reading]:
    """The group's readings, dated ones by date (`pln group show`)."""
    return svc.readings(app.conn, ties.find_group(app.conn, group))
