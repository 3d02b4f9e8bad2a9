"""Opening the store safely, and one transaction per command.

The standard library's sqlite3 is the only database code a command imports
(see models.py for why). Every connection runs in WAL mode with foreign keys on
and a busy timeout; every write is one ``BEGIN IMMEDIATE`` transaction. This is the
SQLite engine's connection layer: what a transaction records in the history is
``store/history.py``'s.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import UTC, date, datetime

from .errors import Busy, InvalidInput, PlnError, StoreError
from .lean import TYPE_CHECKING
from .migrations import LATEST, MIGRATIONS
from .opening import check_existing
from .text import fold

if TYPE_CHECKING:
    from typing import Any

BUSY_TIMEOUT_MS = 5000


def to_db_time(value: datetime) -> str:
    """The text SQLModel/SQLAlchemy write for a datetime on SQLite, in UTC: the year in
    four digits, as ISO 8601 has it (``strftime("%Y")`` writes the year 226 as "226",
    which no reader takes for an instant)."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def local_now() -> datetime:
    """The local time: pln's one clock (a command's "now", the history's entries).
    ``PLN_NOW`` (ISO, e.g. 2026-11-23T09:00) pins it for tests and demos."""
    pinned = os.environ.get("PLN_NOW")
    if not pinned:
        return datetime.now().astimezone()
    try:
        now = datetime.fromisoformat(pinned).astimezone()
    except (ValueError, OverflowError):
        now = None
    if now is None or not 1900 <= now.year <= 2999:  # far enough from the calendar's ends
        raise InvalidInput(f"PLN_NOW={pinned!r} is not an ISO date-time from 1900 to 2999")
    return now


def from_db_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def from_db_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def open_store(path: str | os.PathLike[str], *, create_parent: bool) -> sqlite3.Connection:
    """Open (creating if needed) and migrate the database at ``path``."""
    path = os.fspath(path)
    _prepare_file(path, create_parent=create_parent)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None
    try:
        _configure(conn, path)
        migrate(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


class EmptyBook(sqlite3.Connection):
    """The book a read sees before the first write created its file: empty, in memory,
    with the current schema. Nothing can be written to it (``transaction`` refuses)."""

    path = ""
    sealed = False


def open_empty_book(path: str) -> EmptyBook:
    conn = sqlite3.connect(":memory:", isolation_level=None, factory=EmptyBook)
    assert isinstance(conn, EmptyBook)
    conn.path = path
    conn.create_function("pln_fold", 1, _fold_or_none, deterministic=True)
    conn.execute("PRAGMA foreign_keys = ON")
    migrate(conn, path)
    conn.sealed = True
    return conn


def no_book_yet(path: str) -> StoreError:
    return StoreError(
        f"there is no book at {path} yet",
        "`pln add NAME` or `pln import FILE` starts one",
    )


def check_place(path: str, *, create_parent: bool) -> str:
    """Refuse a path no book can be at: a folder, or in a folder that does not exist
    (unless pln makes it: ``create_parent``); the folder. Writes nothing (`pln import
    --dry-run` asks it of a book the import would create)."""
    parent = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StoreError(f"{path} is a directory, not a database file", "give a file path")
    if not os.path.isdir(parent) and not create_parent:
        raise StoreError(
            f"directory {parent} does not exist", "create it first or choose another --db"
        )
    return parent


def _prepare_file(path: str, *, create_parent: bool) -> None:
    parent = check_place(path, create_parent=create_parent)
    if not os.path.isdir(parent):
        os.makedirs(parent, mode=0o700, exist_ok=True)
    if os.path.exists(path):
        check_existing(path)  # not SQLite, newer, damaged: refused before anything writes
        _check_writable(path)
        return
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise StoreError(f"cannot create database {path}: {exc.strerror}") from None
    os.close(fd)


def _check_writable(path: str) -> None:
    """Refuse a file pln could not write (read-only, immutable) before SQLite touches it,
    so that no -wal or -shm file appears beside it."""
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        raise StoreError(
            f"database {path} is read-only ({exc.strerror})", "check the file's permissions"
        ) from None


def _configure(conn: sqlite3.Connection, path: str) -> None:
    conn.create_function("pln_fold", 1, _fold_or_none, deterministic=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from None
    if str(mode).lower() != "wal":
        raise StoreError(f"cannot switch {path} to WAL mode (got {mode})")


def _fold_or_none(text: str | None) -> str | None:
    return None if text is None else fold(text)


def store_error(exc: sqlite3.Error, path: str) -> StoreError | Busy:
    """What an SQLite error means for the user, in one line with what to do."""
    text = str(exc)
    where = path if path.startswith("the ") else f"database {path}"
    if "locked" in text or "busy" in text:
        return Busy("the database is busy (another pln is writing)", "try again in a moment")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{where} is read-only", "check the file's permissions")
    if "full" in text:
        return StoreError(
            f"the disk is full ({text}); nothing was changed", "free some space and try again"
        )
    if "malformed" in text or "not a database" in text:
        return StoreError(
            f"{where} is damaged ({text}); pln did not change it",
            "restore a copy from backups/ beside it (see `pln db backup`)",
        )
    return StoreError(f"cannot use {where}: {text}", "run `pln db check`")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, path: str) -> None:
    try:
        version = schema_version(conn)
    except sqlite3.DatabaseError as exc:
        raise store_error(exc, path) from None
    if version > LATEST:
        raise StoreError(
            f"database {path} was written by a newer pln"
            f" (schema {version}; this pln knows {LATEST})",
            "upgrade pln; the file was not changed",
        )
    kept = backup_before_migration(conn, path, version) if 0 < version < LATEST else None
    try:
        for number, (_name, steps) in enumerate(MIGRATIONS[version:], start=version + 1):
            with transaction(conn, path, record=False):
                if schema_version(conn) >= number:
                    continue  # another pln, opening the book at the same moment, ran it first
                for statement in steps(conn):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        # the first step failed and was rolled back: the copy is the book as it still is,
        # and each new try would keep one more (of the whole book)
        if kept is not None and _unchanged(conn, version):
            os.unlink(kept)
        raise


def _unchanged(conn: sqlite3.Connection, version: int) -> bool:
    try:
        return schema_version(conn) == version
    except sqlite3.Error:
        return False


def backup_before_migration(conn: sqlite3.Connection, path: str, version: int) -> str:
    """A verified, owner-only copy of the database, taken before its schema changes."""
    base = f"{path}.schema{version}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    target, n = f"{base}.bak", 1
    while os.path.lexists(target):  # another pln, opening the book this second, made one
        n += 1
        target = f"{base}-{n}.bak"
    try:
        backup_to(conn, target)
    except PlnError as exc:
        raise StoreError(
            f"could not back up {path} before upgrading its schema: {exc.message}",
            "free some disk space; the database was not changed",
        ) from None
    return target


def backup_to(conn: sqlite3.Connection, target: str, *, force: bool = False) -> str:
    """A consistent copy through SQLite (VACUUM INTO), checked before it is kept: the file
    written (a link's target, see files.py; a backup must be a regular file).

    Written owner-only under a temporary name in the target's directory and moved into
    place only once ``PRAGMA integrity_check`` passes: the target is either absent (or
    the old file) or a complete, healthy database. An existing file is kept unless ``force``.
    """
    from . import files

    where = files.target(target, force=force, regular_only=True)
    files.remove_stale_temps(os.path.dirname(os.path.abspath(where.real)))
    tmp = f"{where.real}.tmp-{os.getpid()}"
    old_umask = os.umask(0o077)
    try:
        conn.execute("VACUUM INTO ?", (tmp,))
        check = sqlite3.connect(tmp)
        try:
            ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            check.close()
        if not ok:
            raise StoreError(f"the copy at {tmp} failed its integrity check")
        os.chmod(tmp, 0o600)
        files.place(tmp, where)
    except sqlite3.Error as exc:
        raise _copy_error(conn, target, exc) from None
    except OSError as exc:
        raise files.write_error(target, exc) from None
    finally:
        os.umask(old_umask)
        for leftover in (tmp, f"{tmp}-journal"):
            files.discard(leftover)
    return where.shown


def _copy_error(conn: sqlite3.Connection, target: str, exc: sqlite3.Error) -> StoreError:
    text = str(exc)
    # an I/O error with no room to write the copy: SQLite says SQLITE_IOERR_WRITE, or plain
    # SQLITE_IOERR when the write that failed was inside a b-tree's (which one depends on
    # the book's pages: where the limit falls)
    if "full" in text or (
        getattr(exc, "sqlite_errorname", "").startswith("SQLITE_IOERR") and _no_room(conn, target)
    ):
        return StoreError(
            f"could not write {target}: the disk is full; nothing was written",
            "free some space and try again",
        )
    return StoreError(f"could not write {target}: {text}")


def _no_room(conn: sqlite3.Connection, target: str) -> bool:
    """Whether a copy that failed to write had no room: on the disk, or under the process's
    file-size limit (which SQLite reports as an I/O error, not as a full disk)."""
    import resource

    try:
        pages, size = (
            conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size")
        )
        st = os.statvfs(os.path.dirname(os.path.abspath(target)))
    except (sqlite3.Error, OSError):
        return False
    needed = pages * size
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return st.f_bavail * st.f_frsize < needed or limit != resource.RLIM_INFINITY and limit < needed


KEEP_UNDO = 100  # changes whose row-level undo steps are kept


# The command line being run, as `pln history` shows it (set by the CLI's entry point).
COMMAND: ContextVar[list[str] | None] = ContextVar("COMMAND", default=None)


def command_line() -> str:
    """The command line being run, as `pln history` shows it. A NUL byte is written
    ``\\x00``: PostgreSQL's text cannot hold one, and a shared book records the command
    line before the command refuses the text that holds it. The password of a PostgreSQL
    URL in it is never kept (``postgresql://u:***@h/db``)."""
    import shlex
    import sys

    from .settings import without_password

    given = COMMAND.get()
    words = [without_password(w) for w in (sys.argv[1:] if given is None else given)]
    return "pln " + shlex.join(words).replace("\x00", "\\x00")


@contextmanager
def transaction(
    conn: sqlite3.Connection, path: str | None = None, *, record: bool = True, kind: str = "change"
) -> Iterator[int | None]:
    """Run the body in one ``BEGIN IMMEDIATE`` transaction: all of it happens or none.

    With ``record``, the transaction is one entry of `pln history` (the command
    line that ran it), and the undo triggers log how to revert each row it changes.
    """
    if isinstance(conn, EmptyBook) and conn.sealed:
        raise no_book_yet(conn.path)
    if getattr(conn, "engine", "sqlite") != "sqlite":  # a shared book (store/pg)
        with _shared_transaction(conn, record=record, kind=kind) as shared:
            yield shared
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise store_error(exc, path or "?") from None
    try:
        change = None
        if record:
            from .store import history

            change = history.open_change(conn, command_line(), kind)
        yield change
        if change is not None:
            history.close_change(conn, change, keep=KEEP_UNDO)
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        raise store_error(exc, path or "the database") from None


@contextmanager
def _shared_transaction(conn: Any, *, record: bool, kind: str) -> Iterator[int | None]:
    """``transaction`` on PostgreSQL (``store.pg.transaction``: the isolation and the
    write lock). The change is opened first, so the capture trigger files every undo
    step under it and the server records its author (the member's role)."""
    from .store import history
    from .store.pg import transaction as pg_transaction

    with pg_transaction(conn):
        change = history.open_change(conn, command_line(), kind) if record else None
        yield change
        if change is not None:
            history.close_change(conn, change, keep=KEEP_UNDO)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back if SQLite has not already (it does itself on a full disk, for one)."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
