"""`pln forget`, free of Typer: erase someone for good (the rules are in ``forget.py``)."""

import sqlite3
from collections.abc import Callable
from typing import NamedTuple

from .. import forget as svc
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput, PlnError
from ..resolve import resolve
from ..store.forget import secure_delete
from . import Confirm, find_person


class Preview(NamedTuple):
    """What will go, read before anything changes (no lock held while the user reads)."""

    plan: svc.Plan
    holding: list[str]  # backups beside a personal book that still hold them
    files: list[str]  # files the user imported that hold them (listed, never changed)
    backups: bool  # --backups: the backups holding them are rewritten too
    shared: bool  # a shared book on PostgreSQL


class Forgotten(NamedTuple):
    preview: Preview
    done: svc.Plan | None  # None: not approved, nothing changed
    history_id: int = 0
    wiped: bool = False  # no copy of them left in the book's own files
    not_rewritten: list[str] = []  # a shared book: tables the member's role could not rewrite
    older_open: bool = False  # a shared book: an older transaction kept the rewrite from them
    rewritten: list[str] = []  # the backups rewritten
    failed: list[tuple[str, str]] = []  # (backup, why) for a backup that could not be rewritten

    def as_json(self) -> dict[str, object]:
        """`pln forget --json` (once done)."""
        assert self.done is not None
        shared = self.preview.shared
        return self.done.as_json() | {
            "history_id": self.history_id,
            "file_rewritten": self.wiped,
            "backups": [
                {"path": c, "rewritten": c in self.rewritten} for c in self.preview.holding
            ],
            "files": self.preview.files,
            **(
                {
                    "tables_not_rewritten": self.not_rewritten,
                    "older_transaction_open": self.older_open,
                }
                if shared
                else {}
            ),
        }


# the preview -> go ahead: shown to the user and asked, or --yes
Approve = Callable[[Preview], bool]


def forget(
    app: AppContext,
    person: str,
    *,
    backups: bool,
    command_words: set[str],
    may_ask: bool,
    confirm: Confirm,
    approve: Approve,
) -> Forgotten:
    """Erase PERSON (archived people too) and every trace of them, once ``approve`` has
    seen what goes; it cannot be undone.

    ``may_ask`` False (no --yes and no one at a terminal) refuses before anything is read;
    ``command_words`` are the command and group names a forgotten command line keeps;
    ``backups`` also rewrites the backups beside a personal book that still hold them (a
    backup that cannot be rewritten is reported in ``failed`` and kept)."""
    if not may_ask:
        raise InvalidInput("pln forget asks before it erases anything", "add --yes")
    conn, path, shared = app.conn, app.settings.db_path, app.settings.shared
    if shared:
        _refuse_a_reader(conn)
    ref = find_person(app, person, confirm=confirm, archived=True)
    plan = svc.plan(conn, ref)  # read only: no lock held while the user reads
    marks = svc.marks(conn, ref)
    # pln makes no copies of a shared book (`pln db backup` names pg_dump)
    holding = [] if shared else [c for c in svc.backup_files(path) if svc.holds(c, marks)]
    preview = Preview(plan, holding, svc.import_files(conn, marks), backups, shared)
    if not approve(preview):
        return Forgotten(preview, None)
    traits = svc.traits_of(conn, ref.id)
    secure_delete(conn)
    with transaction(conn, path, record=False):
        current = resolve(conn, f"#{ref.id}", archived=True)
        done, history_id = svc.erase(conn, current, command_words=command_words)
        erased_in = svc.erasing_transaction(conn) if shared else 0
    if shared:
        rewrite = svc.wipe_shared(conn, erased_in)
        kept, older_open = rewrite.not_rewritten, rewrite.older_open
        wiped = not kept and not older_open
    else:
        kept, older_open, wiped = [], False, svc.wipe(conn)
    rewritten: list[str] = []
    failed: list[tuple[str, str]] = []
    for copy in holding if backups else []:
        try:
            svc.forget_in_backup(copy, traits, command_words=command_words)
        except (sqlite3.Error, OSError, PlnError) as exc:
            failed.append((copy, exc.message if isinstance(exc, PlnError) else type(exc).__name__))
            continue
        rewritten.append(copy)
    return Forgotten(preview, done, history_id, wiped, kept, older_open, rewritten, failed)


def _refuse_a_reader(conn: object) -> None:
    """A member who may only read is told so before the plan, not after it."""
    from ..store.pg import book, not_a_writer

    if not book.may_write(conn):  # type: ignore[arg-type]
        raise not_a_writer(conn.raw.info.dbname)  # type: ignore[attr-defined]
