"""What every command shares: settings, the open store, and the current time."""

import os
import sqlite3
import sys
from contextlib import suppress
from datetime import date

from . import settings as settings_mod
from .db import check_place, local_now, no_book_yet, open_empty_book, open_store
from .errors import StoreError

_NOTES: list[str] = []  # said on stderr once the command has succeeded (flush_notes)


_CURRENT: list["AppContext"] = []  # the command's context (this process runs one at a time)


def add_note(message: str) -> None:
    """Say ``message`` on stderr after the command's own output, if it succeeds."""
    _NOTES.append(message)


def flush_notes() -> None:
    for line in _NOTES:
        sys.stderr.write(line + "\n")
    _NOTES.clear()


def command_failed() -> None:
    for app in _CURRENT:
        app.failed()


class AppContext:
    """Opened lazily: `pln --help` reads no config and `pln db path` opens no database.

    Only a command that can add to an empty book (``creates``: add, import, group add,
    private) creates a missing database file, and says so. Any other command finds
    a database named with ``--db`` or ``PLN_DB`` that does not exist an error (a
    mistyped path); at the default location it reads an empty book, says so, and
    writes nothing (``db.EmptyBook``).
    """

    def __init__(self, db_option: str | None, *, creates: bool = False, pager: bool = True) -> None:
        self.db_option = db_option
        self.creates = creates
        self.previews = False  # `import --dry-run`: a missing book reads as a new, empty one
        self.pager = pager  # False: --no-pager
        self.now = local_now()
        self._settings: settings_mod.Settings | None = None
        self._conn: sqlite3.Connection | None = None
        self._created = False
        self._new_dirs: list[str] = []  # folders made for the new book, deepest first
        _NOTES.clear()
        _CURRENT[:] = [self]

    @property
    def settings(self) -> settings_mod.Settings:
        if self._settings is None:
            self._settings = settings_mod.load(self.db_option)
        return self._settings

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = self._open()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        s = self.settings
        path = s.db_path
        if s.shared:  # a shared book on PostgreSQL: the store's adapter (store/pg)
            from .store.pg import connect

            return connect(path)  # type: ignore[return-value]
        if os.path.lexists(path):
            return open_store(path, create_parent=s.create_parent)
        if self.creates:
            self._new_dirs = _missing_folders(path)
            conn = open_store(path, create_parent=s.create_parent)
            self._created = True
            _NOTES.append(f"Created a new book at {path}.")
            return conn
        if self.previews:  # `import --dry-run`: what the import would do to a new book
            check_place(path, create_parent=s.create_parent)  # as the import would refuse
            _NOTES.append(f"There is no {path} yet: the import would create it.")
            return open_empty_book(path)
        if not s.create_parent:  # named with --db or PLN_DB: most likely a typo
            raise StoreError(
                f"database {path} does not exist",
                "check the path; `pln add NAME` or `pln import FILE` creates a new book there",
            )
        _NOTES.append(
            f"The book is empty: there is no {path} yet."
            " Start with `pln add NAME` or `pln import FILE`."
        )
        return open_empty_book(path)

    def existing_path(self) -> str:
        """The database file, for a command that looks at the file itself: it must exist."""
        path = self.settings.db_path
        if not os.path.lexists(path):
            self._open()  # the error for a path named with --db or PLN_DB
            raise no_book_yet(path)
        return path

    def failed(self) -> None:
        """The command failed: say no notes, and remove the book it created (still empty)."""
        _NOTES.clear()
        if not self._created or self._conn is None:
            return
        try:
            from .store.book import is_empty

            empty = is_empty(self._conn)
        except sqlite3.Error:
            empty = False  # cannot tell: keep it
        self.close()
        if empty:
            path = self.settings.db_path
            for name in (path, f"{path}-wal", f"{path}-shm"):
                with suppress(FileNotFoundError):
                    os.unlink(name)
            for folder in self._new_dirs:  # and the folders made for it, if still empty
                with suppress(OSError):
                    os.rmdir(folder)

    def page(self) -> None:
        """Long output follows: on a terminal, send it through the user's pager
        (``pager.py``, imported only then: a pipe pays nothing)."""
        if self.pager and sys.stdout.isatty() and self.settings.pager:
            from .pager import start

            start()

    @property
    def today(self) -> date:
        return self.now.date()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _missing_folders(path: str) -> list[str]:
    """The folders above ``path`` that do not exist yet, deepest first: what creating the
    book there makes, and what a failed command that created it removes again."""
    missing: list[str] = []
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.lexists(folder) and folder != os.path.dirname(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing
