"""`pln db path|status|check|backup|init|upgrade`, `pln history` and `pln undo`, free of Typer:
the book itself, where it lives, what it holds, and its changes."""

import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from .. import history as hist
from ..context import AppContext
from ..db import EmptyBook, backup_to, no_book_yet, schema_version
from ..errors import InvalidInput, StoreError
from ..store import book

if TYPE_CHECKING:
    from ..store.pg.book import Facts
    from ..store.pg.prepare import Prepared
    from ..store.pg.upgrade import Upgraded


class Status(NamedTuple):
    path: str  # the file, or a shared book's URL
    size_bytes: int
    schema_version: int
    counts: dict[str, int]
    shared: "Facts | None" = None  # a shared book: the server, the database, who you are


class Health(NamedTuple):
    integrity: list[str]  # ["ok"] when sound
    foreign_key_problems: int
    schema_version: int

    @property
    def healthy(self) -> bool:
        return self.integrity == ["ok"] and not self.foreign_key_problems


class Backup(NamedTuple):
    path: str  # as named (or the default in backups/)
    shown: str  # the file written (a link's target)
    size_bytes: int
    removed: list[str]  # old backups deleted by --keep


class Undone(NamedTuple):
    target: hist.Change
    history_id: int | None  # the undo's own entry; None: not approved, nothing changed


# the change about to be undone -> go ahead: shown to the user and asked, or --yes
ApproveUndo = Callable[[hist.Change], bool]


def path(app: AppContext) -> str:
    """Where the book is (`pln db path`): opens nothing."""
    return app.settings.db_path


def status(app: AppContext) -> Status:
    """The book's path, size, schema version and counts; on a shared book also the
    server, the database and the member's role."""
    conn, where = app.conn, app.settings.db_path
    if app.settings.shared:
        from ..store.pg import book as pg_book

        facts = pg_book.facts(conn)  # type: ignore[arg-type]
        counts = book.counts(conn)
        return Status(where, facts.size_bytes, facts.schema_version, counts, facts)
    counts = book.counts(conn)
    size = os.path.getsize(where) if os.path.exists(where) else 0  # none before a write
    return Status(where, size, schema_version(conn), counts)


def check(app: AppContext) -> Health:
    """Integrity, foreign keys and schema version, read without changing anything: a
    personal book's file is opened read-only; a shared book's server checks run in a
    read-only transaction."""
    from ..opening import open_read_only

    if app.settings.shared:
        from ..store.pg import book as pg_book

        health = pg_book.health(app.conn)  # type: ignore[arg-type]
        return Health(health.problems or ["ok"], health.foreign_key_problems, health.schema_version)
    conn = open_read_only(app.existing_path())  # checking never changes the file
    try:
        return Health(
            book.integrity_problems(conn),
            len(book.foreign_key_problems(conn)),
            schema_version(conn),
        )
    finally:
        conn.close()


def backup(app: AppContext, target: str | None, *, keep: int | None, force: bool) -> Backup:
    """A consistent, verified, owner-only copy at ``target`` (default: backups/ beside the
    database), and with ``keep`` only the newest that many left in backups/."""
    if app.settings.shared:
        raise _no_shared_backup(app.settings.db_path, app.now.strftime("%Y%m%d-%H%M%S"))
    conn = app.conn
    if isinstance(conn, EmptyBook):
        raise no_book_yet(conn.path)
    folder = os.path.join(os.path.dirname(os.path.abspath(app.settings.db_path)), "backups")
    if target is None:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        target = os.path.join(folder, f"pln-{app.now.strftime('%Y%m%d-%H%M%S')}.db")
    target = os.path.expanduser(target)
    shown = backup_to(conn, target, force=force)
    removed = _rotate(folder, keep) if keep else []
    return Backup(target, shown, os.path.getsize(target), removed)


def _no_shared_backup(url: str, stamp: str) -> StoreError:
    """A shared book is backed up by PostgreSQL's own tools: ``pg_dump`` keeps all of it
    (the history with its authors, the undo data, the triggers, the members' grants) in
    one consistent snapshot, and ``pg_restore`` puts it back; a copy pln wrote would hold
    less, and would put every member's records in a file outside the server's care."""
    import shlex

    from ..store.pg import conninfo

    name = conninfo(url).get("dbname", "book")
    return StoreError(
        "pln does not back up a shared book on PostgreSQL: the server's own pg_dump does",
        f"pg_dump --format=custom --file={shlex.quote(f'{name}-{stamp}.dump')} {shlex.quote(url)}",
    )


def _rotate(folder: str, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` pln-*.db backups in ``folder``."""
    if not os.path.isdir(folder):
        return []
    names = sorted(n for n in os.listdir(folder) if n.startswith("pln-") and n.endswith(".db"))
    old = [os.path.join(folder, n) for n in names[:-keep]]
    for p in old:
        os.unlink(p)
    return old


def init(app: AppContext, url: str | None) -> "Prepared":
    """Prepare an empty PostgreSQL database as a shared book, and its members' roles:
    ``url``, or the book pln uses (``--db``, ``PLN_DB``, the config) when it is a shared
    one, as ``pln --db URL add`` would use it; a personal book needs no preparing."""
    from ..store.pg import prepare

    if url is None:
        if not app.settings.shared:
            raise InvalidInput(
                "`pln db init` prepares a PostgreSQL database as a shared book: give its URL",
                "pln db init postgresql://[USER@]HOST[:PORT]/DATABASE (a personal book needs"
                " none: `pln add` starts one)",
            )
        url = app.settings.db_path
    return prepare.init(url)


def upgrade(app: AppContext, url: str | None) -> "Upgraded":
    """Bring the book to this pln's schema: a shared one (``url``, or the configured book)
    by its keeper (``store.pg.upgrade``); a personal one upgrades itself when opened,
    after a backup (``db.migrate``), which this does."""
    from ..store.pg import is_url
    from ..store.pg.upgrade import Upgraded, upgrade

    if url is not None:
        if not is_url(url):
            raise InvalidInput(
                "`pln db upgrade URL` takes a shared book's PostgreSQL URL",
                "a personal book upgrades itself when opened: `pln db upgrade` alone opens it",
            )
        return upgrade(url)
    if app.settings.shared:
        return upgrade(app.settings.db_path)
    path = app.existing_path()
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as before:
        version = schema_version(before)
    return Upgraded(path, "", version, schema_version(app.conn), [])


def history(app: AppContext, *, limit: int) -> list[hist.Change]:
    """The newest ``limit`` changes, newest first."""
    return hist.changes(app.conn, limit=limit)


def undo(app: AppContext, change: str | None, *, may_ask: bool, approve: ApproveUndo) -> Undone:
    """Revert the newest change not yet undone (on a shared book: your own), or with
    ``change`` (#ID as `pln history` shows it) only that one, once ``approve`` has seen it.

    ``may_ask`` False (no --yes and no one at a terminal) refuses once the change is
    found; a change that cannot be undone on its own is refused before ``approve``."""
    conn, where = app.conn, app.settings.db_path
    target = (
        hist.change_to_undo(conn, history_id(change))
        if change is not None
        else hist.next_to_undo(conn)
    )
    if not may_ask:
        raise InvalidInput("pln undo asks before it changes anything", "add --yes")
    only = change is not None
    if only:
        hist.check_undo_alone(conn, where, target, now=app.now)
    if not approve(target):
        return Undone(target, None)
    return Undone(target, hist.undo(conn, where, target, now=app.now, only=only))


def history_id(text: str) -> int:
    """A history entry as typed: 42 or #42."""
    found = re.fullmatch(r"\s*#?(\d{1,18})\s*", text)
    if found is None:
        raise InvalidInput(
            f"{text!r} is not a history entry", "give its id as `pln history` shows it"
        )
    return int(found.group(1))
