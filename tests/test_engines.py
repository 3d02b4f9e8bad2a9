"""The suite on both engines (issue 13, item 5): a test that drives the CLI runs on a SQLite
book and on a shared book, and its checks of what is stored read the engine it ran on."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import Dump, fails, query

ROOT = Path(__file__).resolve().parent.parent
ONE_TEST = "tests/test_engines.py::test_the_book_is_on_the_engine_the_test_id_names"


def test_the_book_is_on_the_engine_the_test_id_names(
    pln: Any, db_path: Path, dump: Dump, book_engine: str
) -> None:
    pln("add", "Ana Ruiz", "--org", "Hillside")
    assert query(db_path, "SELECT name, org FROM person") == [("Ana Ruiz", "Hillside")]
    assert any("Ana Ruiz" in row for row in dump())
    fails(pln, dump, 5, "add", "Ana Ruiz")  # a likely duplicate: every row as it was
    if book_engine == "postgresql":
        import psycopg

        assert not db_path.exists()
        with psycopg.connect(os.environ["PLN_DB"]) as conn:
            assert conn.execute("SELECT name FROM person").fetchall() == [("Ana Ruiz",)]
    else:
        assert db_path.exists()
        assert "PLN_DB" not in os.environ


def _collect(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider"]
        + ["-o", "addopts=", "-q", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def _ids(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("tests/")]


def test_a_cli_test_runs_on_both_engines_where_a_server_is(pg_server: Any) -> None:
    env = {**os.environ, "PLN_TEST_PG": pg_server.url}
    env.pop("PLN_TEST_ENGINE", None)
    done = _collect(env, ONE_TEST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _ids(done.stdout) == [f"{ONE_TEST}[sqlite]", f"{ONE_TEST}[postgresql]"]
    only = _collect(env, "--engine", "postgresql", ONE_TEST, "tests/test_dates.py")
    assert _ids(only.stdout) == [f"{ONE_TEST}[postgresql]"]


def test_without_a_server_the_suite_runs_on_sqlite_and_says_so_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PLN_TEST_PG", "PLN_TEST_ENGINE")}
    env["PLN_TEST_PG_BINDIR"] = str(tmp_path)  # no initdb or pg_ctl there
    done = _collect(env, ONE_TEST)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _ids(done.stdout) == [f"{ONE_TEST}[sqlite]"]
    said = [line for line in done.stdout.splitlines() if "PostgreSQL" in line]
    assert said == [
        "PostgreSQL tests skipped: no server binaries;"
        " install the postgresql package or set PLN_TEST_PG"
    ]
    refused = _collect(env, "--engine", "postgresql", ONE_TEST)
    assert refused.returncode == 4  # a usage error, not "no tests ran"
    assert "--engine postgresql: PostgreSQL tests skipped" in refused.stderr


@pytest.mark.sqlite_only(reason="checks the marker itself")
def test_a_test_marked_sqlite_only_runs_on_sqlite_alone(pln: Any, book_engine: str) -> None:
    assert book_engine == "sqlite"
    pln("add", "Ana Ruiz")
