"""`pln events` and `pln event show|edit|merge`, free of Typer."""

from collections.abc import Callable
from typing import NamedTuple

from .. import events as svc
from .. import views
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput, NotFound
from ..views import EventRow
from . import Confirm

# (the plan, KEEP, OTHER) -> go ahead: shown to the user and asked, or --yes
Approve = Callable[[svc.EventMergePlan, svc.EventRef, svc.EventRef], bool]


class Shown(NamedTuple):
    event: svc.EventRef  # ``guessed_from`` is set when a close spelling was taken
    detail: svc.EventDetail


class Edited(NamedTuple):
    event: svc.EventRef
    detail: svc.EventDetail | None  # when asked for (`--json`): the event as it is now
    changed: bool = True  # False: it had everything given already; nothing written


class Merged(NamedTuple):
    keep: svc.EventRef
    other: svc.EventRef
    plan: svc.EventMergePlan
    merged: bool  # False: not approved, nothing changed


def find_event(app: AppContext, text: str, *, confirm: Confirm) -> svc.EventRef:
    """EVENT for a write: a close spelling is put to ``confirm`` and refused unless it says yes."""
    ref = svc.resolve_event(app.conn, text)
    if ref.guessed_from is None:
        return ref
    question = f"did you mean {ref.name} (#{ref.id})?"
    if confirm(f"no event is called {text!r}; {question}"):
        return svc.EventRef(ref.id, ref.name)
    raise NotFound(
        f"no event is called {text!r}; {question}", f"give the exact name or '#{ref.id}'"
    )


def listed(app: AppContext) -> list[EventRow]:
    """Every event (`pln events`): latest first, with how many people were met there and
    how many of them have had no contact since."""
    return views.list_events(app.conn)


def show(app: AppContext, text: str) -> Shown:
    """An event (a close spelling is taken: a read), with who was met there."""
    ref = svc.resolve_event(app.conn, text)
    return Shown(ref, svc.event_detail(app.conn, ref))


def edit(
    app: AppContext,
    text: str,
    change: svc.EventChange,
    *,
    confirm: Confirm,
    with_detail: bool = False,
) -> Edited:
    """Fix an event's name, date or place (``change.clear_on``, or a place "", clears)."""
    if change.name is None and change.on is None and not change.clear_on and change.place is None:
        raise InvalidInput("nothing to change", "give --name, --on or --place")
    ref = find_event(app, text, confirm=confirm)  # asked about before the book is locked
    with transaction(app.conn):
        ref, changed = svc.edit_event(app.conn, svc.resolve_event(app.conn, f"#{ref.id}"), change)
    return Edited(ref, svc.event_detail(app.conn, ref) if with_detail else None, changed)


def merge(app: AppContext, keep: str, other: str, *, confirm: Confirm, approve: Approve) -> Merged:
    """Two spellings of one event become one (``events.merge_events``), once ``approve``
    has seen the plan (read without holding the lock while the user reads it)."""
    k = find_event(app, keep, confirm=confirm)
    o = find_event(app, other, confirm=confirm)
    plan = svc.plan_event_merge(app.conn, k, o)
    if not approve(plan, k, o):
        return Merged(k, o, plan, False)
    with transaction(app.conn):
        svc.merge_events(
            app.conn,
            svc.resolve_event(app.conn, f"#{k.id}"),
            svc.resolve_event(app.conn, f"#{o.id}"),
        )
    return Merged(k, o, plan, True)
