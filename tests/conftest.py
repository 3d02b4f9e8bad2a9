"""Shared fixtures: every test gets its own PLN_HOME and a pinned "now".

The book's engine: every test that drives the CLI (it takes the ``pln`` fixture) runs
twice, ``[sqlite]`` and ``[postgresql]``: on PostgreSQL its book is a fresh database
holding an empty shared book (``pg_book_url``), and ``PLN_DB`` is its URL. Not on PostgreSQL:
a test (or file) marked ``sqlite_only`` (about the SQLite file itself, or one whose books
are all SQLite files of its own, ``--db``: on PostgreSQL it would run the same again).
``--engine sqlite|postgresql|both`` (or ``PLN_TEST_ENGINE``) picks; ``both``, the
default, runs PostgreSQL only where a server is available (tests/pgserver.py).
"""

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from hypothesis import settings
from typer.testing import CliRunner

import helpers
from helpers import dump_shared, in_zone, shared_book
from plncli import db
from plncli.cli import app

pytest_plugins = ["pgserver"]  # a real PostgreSQL server: the pg_server and pg_url fixtures

# Typer's CliRunner.invoke builds the Click command of the whole app from the Typer app on
# every call: ~12 ms of CPU, three quarters of an in-process `pln` call. The app is complete
# once plncli.cli is imported (every module registers its commands then) and nothing changes
# it after, as in `pln` itself, which builds it once a process: so does each test process.
_build_command = getattr(typer.testing, "_get_command", None)
if _build_command is not None:
    _APP_COMMAND = _build_command(app)

    def _command_of(given: Any) -> Any:
        return _APP_COMMAND if given is app else _build_command(given)

    typer.testing._get_command = _command_of  # type: ignore[attr-defined]

# `make test-fast` runs hypothesis with few examples; CI and `make test` use its defaults.
# No deadlines: no timed assertions, and parallel workers on shared cores make times vary.
settings.register_profile("suite", deadline=None)
settings.register_profile("dev", parent=settings.get_profile("suite"), max_examples=15)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

NOW = "2026-11-23T10:00:00"  # a Monday, 10:00 local time in whatever zone the suite runs


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--engine",
        choices=("sqlite", "postgresql", "both"),
        default=os.environ.get("PLN_TEST_ENGINE") or "both",
        help="the book's engine for the CLI tests (default: both where a PostgreSQL"
        " server is available; also PLN_TEST_ENGINE)",
    )


def pytest_configure(config: pytest.Config) -> None:
    import pgserver  # registered as a plugin above: imported here, after pytest rewrote it

    wanted = config.getoption("engine")
    if wanted != "sqlite":
        pgserver.start_for_workers(config)
    on_pg = wanted != "sqlite" and pgserver.available()
    if wanted == "postgresql" and not on_pg:
        raise pytest.UsageError(f"--engine postgresql: {pgserver.why_not()}")
    config.stash[_ENGINES] = ("sqlite",) * (wanted != "postgresql") + ("postgresql",) * on_pg


_ENGINES = pytest.StashKey[tuple[str, ...]]()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test that drives the CLI runs once per engine (the id says which); one that
    takes a PostgreSQL database of its own (``pg_url``, ``pg_server``), or sits in a
    ``test_pg_*`` file, chooses its engines itself."""
    names = metafunc.fixturenames
    if "pln" not in names or "pg_url" in names or "pg_server" in names:
        return
    if metafunc.definition.path.name.startswith("test_pg_"):  # they compare the engines
        return
    engines = metafunc.config.stash[_ENGINES]
    if metafunc.definition.get_closest_marker("sqlite_only"):
        engines = tuple(e for e in engines if e == "sqlite")
    metafunc.parametrize("book_engine", engines, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--engine postgresql``: only the tests that run on a shared book."""
    if config.getoption("engine") != "postgresql":
        return
    keep = [i for i in items if _on_postgresql(i)]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


def _on_postgresql(item: pytest.Item) -> bool:
    params = getattr(item, "callspec", None)
    if params is not None and params.params.get("book_engine") == "postgresql":
        return True
    names = getattr(item, "fixturenames", ())
    return "pg_url" in names or "pg_server" in names


@pytest.fixture
def book_engine(request: pytest.FixtureRequest) -> str:
    """The engine of this test's book: ``sqlite`` unless the test runs on both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(autouse=True)
def env_setup(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    book_engine: str,
) -> Path:
    home = tmp_path / "plnhome"
    monkeypatch.setenv("PLN_HOME", str(home))
    url = request.getfixturevalue("pg_book_url") if book_engine == "postgresql" else None
    helpers.use_shared_book(home / "pln.db", url)  # what query(db_path, ...) reads
    if url is not None:
        monkeypatch.setenv("PLN_DB", url)
        home.mkdir(mode=0o700)  # for config.toml: no SQLite book will create it
    else:
        monkeypatch.delenv("PLN_DB", raising=False)
    monkeypatch.setenv("PLN_NOW", NOW)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("PLN_PAGER", "cat")  # a test on a pseudo-terminal waits for no pager
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
        shared = shared_book(db_path)
        if shared is not None:
            return dump_shared(shared)
        if not db_path.exists():
            return []
        conn = sqlite3.connect(db_path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    return _dump
