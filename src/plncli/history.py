"""`pln history` and `pln undo`: every change is one entry; undo reverts the newest.

The capture (on SQLite the triggers of ``migrations.undo_triggers``) logs, for each row
a command inserts, updates or deletes, how to put it back (the format is in
``store/history.py``, which reads and applies it). Undo reverts a change's steps newest
first in one transaction, with foreign keys checked at the commit, and is itself
an entry of the history. Repeated undos walk back through the history; changes
older than the last ``db.KEEP_UNDO`` keep their summary but can no longer be undone.
"""

from datetime import UTC, datetime
from typing import Any, NamedTuple

from .db import transaction
from .errors import Conflict, InvalidInput, NotFound
from .people import rebuild_search, refresh_search
from .store import Conn, is_pg
from .store import history as store


class Change(NamedTuple):
    id: int
    at: datetime
    command: str
    kind: str
    summary: str
    undone: bool
    author: str | None = None  # on a shared book, the member's database role


def _change(r: Any) -> Change:
    return Change(
        int(str(r.id)),
        datetime.fromisoformat(str(r.at)).replace(tzinfo=UTC),
        str(r.command),
        str(r.kind),
        str(r.summary),
        r.undone_at is not None,
        getattr(r, "author", None),
    )


def changes(conn: Conn, *, limit: int) -> list[Change]:
    return [_change(r) for r in store.recent_changes(conn, limit)]


def next_to_undo(conn: Conn) -> Change:
    """The newest change not undone; `pln forget` is a barrier no undo goes past. On a
    shared book: the newest change of the member's own."""
    shared = is_pg(conn)
    newest = store.newest_undoable(conn, mine=shared)
    if newest is None:
        forget = store.last_forget(conn)
        since = "" if forget is None else f" since `pln forget` (#{forget}), which cannot be undone"
        nothing = "you have no change to undo" if shared else "there is nothing to undo"
        raise NotFound(nothing + since, "see `pln history`")
    return _change(newest)


def change_to_undo(conn: Conn, change_id: int) -> Change:
    """The history entry `pln undo ID` names: a change, not undone, after any forget."""
    found_row = store.change(conn, change_id)
    if found_row is None:
        raise NotFound(f"there is no change #{change_id} in the history", "see `pln history`")
    found = _change(found_row)
    if found.kind != "change":
        raise InvalidInput(
            f"#{change_id} is {'an undo' if found.kind == 'undo' else 'a ' + found.kind};"
            " only changes can be undone",
            "see `pln history`",
        )
    if found.undone:
        raise InvalidInput(f"change #{change_id} was already undone", "see `pln history`")
    barrier = store.last_forget(conn)
    if barrier is not None and change_id < barrier:
        raise InvalidInput(
            f"change #{change_id} comes before `pln forget` (#{barrier}), which cannot be undone",
            "see `pln history`",
        )
    return found


class _DryRun(Exception):
    """Raised inside the transaction to roll a checked undo back."""


def check_undo_alone(conn: Conn, path: str, target: Change, *, now: datetime) -> None:
    """Everything `pln undo ID` will refuse, found before the user is asked: the undo is
    tried in a transaction that is always rolled back."""
    try:
        undo(conn, path, target, now=now, only=True, dry_run=True)
    except _DryRun:
        return


def undo(
    conn: Conn,
    path: str,
    target: Change,
    *,
    now: datetime,
    only: bool = False,
    dry_run: bool = False,
) -> int:
    """Revert ``target``; returns the id of the history entry the undo made.

    ``target`` was chosen (and shown to the user) before the write lock was taken;
    if another writer changed the book since, it is refused with nothing changed.
    With ``only`` (`pln undo ID`) the target need not be the newest change: it is
    refused, naming the later change, when a later change touched the same rows or
    when reverting it would reach rows it did not make (a cascade into later work).
    """
    shared = is_pg(conn)  # other members may have written since: check as `undo ID` does
    with transaction(conn, path, kind="undo") as change:
        if only or shared:
            # A shared book: another member's change that was undone since no longer counts.
            skip = store.cancelled_after(conn, target.id) if shared else frozenset()
            later = store.later_touching(conn, target.id, skip)
            if later is not None:
                raise Conflict(
                    f"change #{later}{_by(conn, later)} changed the same records after change"
                    f" #{target.id}; nothing was undone",
                    f"undo #{later} first (`pln undo {later}`), or use `pln undo` step by step"
                    if not shared
                    else f"see `pln history`; #{later} is undone by whoever made it",
                )
        if not only:
            newest = store.newest_undoable(conn, mine=shared)
            if newest is None or newest.id != target.id:
                raise Conflict(
                    f"the book changed since change #{target.id} was shown; nothing was undone",
                    "run `pln undo` again to see the newest change",
                )
        steps = store.steps_of(conn, target.id)
        if not steps:
            raise InvalidInput(
                f"change #{target.id} is too old to undo (only recent changes keep their details)",
                "restore a backup instead: see `pln db backup`",
            )
        if not store.still_done(conn, target.id):
            raise InvalidInput(f"change #{target.id} was already undone")
        store.defer_foreign_keys(conn)
        touched = store.revert(conn, steps)
        assert change is not None
        if only or shared:
            _refuse_spill(conn, target.id, change)
            if dry_run:
                raise _DryRun
        store.mark_undone(
            conn, target.id, at=now, by=change, command=f"undo #{target.id} ({target.command})"
        )
        if touched is None:
            rebuild_search(conn)
        else:
            refresh_search(conn, sorted(touched))
    return change


def _by(conn: Conn, change_id: int) -> str:
    """`` (by ROLE)`` naming who made a change, on a shared book; else nothing."""
    if not is_pg(conn):
        return ""
    found = store.change(conn, change_id)
    author = getattr(found, "author", None)
    return "" if author is None else f" (by {author})"


def _refuse_spill(conn: Conn, target: int, undo_change: int) -> None:
    """Undoing one change may reach only the rows it made: a delete that cascades into
    rows a later change wrote (a follow-up for a person being un-added) is refused."""
    skip = store.cancelled_after(conn, target) if is_pg(conn) else frozenset()
    spilled, later = store.spill(conn, target, undo_change, skip)
    if spilled:
        who = f"change #{later}{_by(conn, later)}" if later is not None else "a later change"
        raise Conflict(
            f"undoing change #{target} would also remove what {who} recorded; nothing was undone",
            f"undo #{later} first" if later is not None else "use `pln undo` step by step",
        )
