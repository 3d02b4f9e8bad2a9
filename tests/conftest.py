"""Shared fixtures: every test gets its own PLN_HOME and a pinned "now"."""

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from plncli.cli import app

NOW = "2026-11-23T10:00:00+00:00"  # a Monday


@pytest.fixture(autouse=True)
def env_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "plnhome"
    monkeypatch.setenv("PLN_HOME", str(home))
    monkeypatch.delenv("PLN_DB", raising=False)
    monkeypatch.setenv("PLN_NOW", NOW)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NO_COLOR", "1")
    return home


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
