"""A book that many tests share, built through the CLI once per test process and engine.

Building a book of a few dozen commands costs a test seconds, on each engine; the tests
that read it need it as the commands left it, not the commands themselves (tests of the
commands build their own). ``built_once(request, "name", build)`` runs ``build()`` in the
first test that asks (against that test's book, as any fixture would), keeps what it left,
and gives every later test of the process an exact copy instead: the SQLite book's folder
(PLN_HOME: the book and whatever pln wrote beside it) copied file by file, or, on
PostgreSQL, the test's database made again from a template of the built one
(``CREATE DATABASE ... TEMPLATE``: the same rows, sequences, history and undo steps).
The copy is keyed by what the build depends on besides its commands: the engine, the
time zone and "now" (PLN_NOW).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_BUILT = pytest.StashKey[dict[tuple[str, ...], tuple[Path, str | None]]]()


def built_once(request: pytest.FixtureRequest, name: str, build: Callable[[], None]) -> None:
    """Give the test the book ``build()`` makes (see the module's docstring)."""
    engine = str(request.getfixturevalue("book_engine"))
    home = Path(request.getfixturevalue("env_setup"))
    key = (name, engine, os.environ.get("TZ", ""), "/".join(time.tzname))
    key += (os.environ.get("PLN_NOW", ""),)
    built = request.config.stash.setdefault(_BUILT, {})
    server: Any = request.getfixturevalue("pg_server") if engine == "postgresql" else None
    database = ""
    if server is not None:
        from psycopg.conninfo import conninfo_to_dict

        database = str(conninfo_to_dict(request.getfixturevalue("pg_book_url"))["dbname"])
    if key in built:
        folder, template = built[key]
        shutil.copytree(folder, home, dirs_exist_ok=True)
        if server is not None and template is not None:
            server.fill(database, template)
        return
    build()
    folder = request.config.stash.setdefault(_FOLDERS, _Folders(request)).new()
    shutil.copytree(home, folder, dirs_exist_ok=True)
    built[key] = (folder, server.keep(database) if server is not None else None)


class _Folders:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.root = request.getfixturevalue("tmp_path_factory").mktemp("built-once")
        self.made = 0

    def new(self) -> Path:
        self.made += 1
        return self.root / str(self.made)


_FOLDERS = pytest.StashKey[_Folders]()
