"""What every command shares: settings, the open store, and the current time."""

import os
import sqlite3
from datetime import date, datetime

from . import settings as settings_mod
from .db import open_store
from .errors import InvalidInput


class AppContext:
    """Opened lazily: `pln --help` reads no config and `pln db path` opens no database."""

    def __init__(self, db_option: str | None) -> None:
        self.db_option = db_option
        self.now = _now()
        self._settings: settings_mod.Settings | None = None
        self._conn: sqlite3.Connection | None = None

    @property
    def settings(self) -> settings_mod.Settings:
        if self._settings is None:
            self._settings = settings_mod.load(self.db_option)
        return self._settings

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            s = self.settings
            self._conn = open_store(s.db_path, create_parent=s.create_parent)
        return self._conn

    @property
    def today(self) -> date:
        return self.now.date()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _now() -> datetime:
    """The local time; ``PLN_NOW`` (ISO, e.g. 2026-11-23T09:00) pins it for tests and demos."""
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
