"""Shared fixtures: every test gets its own PLN_HOME and a pinned "now"."""

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from helpers import in_zone
from plncli import db
from plncli.cli import app

pytest_plugins = ["pgserver"]  # a real PostgreSQL server: the pg_server and pg_url fixtures

# `make test-fast` runs hypothesis with few examples; CI and `make test` use its defaults.
settings.register_profile("dev", max_examples=15)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

NOW = "2026-11-23T10:00:00"  # a Monday, 10:00 local time in whatever zone the suite runs


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "plnhome"
    monkeypatch.setenv("PLN_HOME", str(home))
    monkeypatch.delenv("PLN_DB", raising=False)
    monkeypatch.setenv("PLN_NOW", NOW)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    # dates like 01/12/2026 are read as the locale writes them: pin month-first (the "C" locale)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_TIME", "C")
    return home


@pytest.fixture
def utc() -> Iterator[None]:
    """Run the test in UTC (for tests that spell out stored UTC instants), then restore the zone.

    The suite itself runs in whatever zone the machine has; setting TZ without
    time.tzset() would change nothing in this process."""
    with in_zone("UTC"):
        yield


@pytest.fixture
def store_book(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A real migrated book, opened as the commands open one, for tests of the store."""
    conn = db.open_store(tmp_path / "book.db", create_parent=True)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def db_path(env_setup: Path) -> Path:
    return env_setup / "pln.db"


class Pln:
    """Runs the real CLI in-process against the test's database."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0) -> Any:
        result = self.runner.invoke(app, list(args), input=input)
        assert result.exit_code == code, (
            f"pln {' '.join(args)} exited {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def pln() -> Pln:
    return Pln()


@pytest.fixture
def dump(db_path: Path) -> Callable[[], list[str]]:
    """Every row of every table, to prove a failed command changed nothing."""

    def _dump() -> list[str]:
        if not db_path.exists():
            return []
        conn = sqlite3.connect(db_path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    return _dump
