"""Where the database lives, how it is protected, and what pln refuses to touch."""

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plncli.migrations import LATEST

pytestmark = pytest.mark.sqlite_only(
    reason="where the SQLite file lives, its permissions, locks and connection settings"
)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_db_path_resolution_order(pln, tmp_path: Path, env_setup: Path, monkeypatch) -> None:
    assert pln("db", "path").stdout.strip() == str(env_setup / "pln.db")
    monkeypatch.setenv("PLN_DB", str(tmp_path / "env.db"))
    assert pln("db", "path").stdout.strip() == str(tmp_path / "env.db")
    assert pln("--db", str(tmp_path / "cli.db"), "db", "path").stdout.strip() == str(
        tmp_path / "cli.db"
    )


def test_default_location_is_the_user_data_dir(pln, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLN_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert pln("db", "path").stdout.strip() == str(tmp_path / "xdg" / "pln" / "pln.db")


def test_directory_0700_and_file_0600(pln, env_setup: Path, db_path: Path) -> None:
    old = os.umask(0o022)
    try:
        pln("add", "Ana Ruiz")
    finally:
        os.umask(old)
    assert _mode(env_setup) == 0o700
    assert _mode(db_path) == 0o600


def test_connection_settings(pln, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST


def _refused_untouched(pln, path: Path, content: bytes, words: str) -> None:
    path.write_bytes(content)
    before = path.read_bytes()
    r = pln("--db", str(path), "list", code=7)
    assert words in r.stderr
    assert r.stderr.startswith("error:")
    assert "Traceback" not in r.output
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_not_a_database_is_refused_untouched(pln, tmp_path: Path) -> None:
    _refused_untouched(
        pln, tmp_path / "notes.db", b"my precious notes\n" * 100, "not a pln database"
    )


def test_empty_file_is_refused_untouched(pln, tmp_path: Path) -> None:
    _refused_untouched(pln, tmp_path / "empty.db", b"", "is empty")


def test_database_from_a_newer_pln_is_refused_untouched(pln, tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    pln("--db", str(path), "add", "Ana Ruiz")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = path.read_bytes()
    r = pln("--db", str(path), "list", code=7)
    assert "newer pln" in r.stderr
    assert path.read_bytes() == before


def test_missing_directory_and_directory_as_file(pln, tmp_path: Path, monkeypatch) -> None:
    r = pln("--db", str(tmp_path / "nope" / "pln.db"), "list", code=7)
    assert "does not exist" in r.stderr
    assert not (tmp_path / "nope").exists()
    monkeypatch.setenv("PLN_DB", str(tmp_path))
    r = pln("list", code=7)
    assert "is a directory" in r.stderr


def test_read_only_database_gives_a_clear_error(pln, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    path = tmp_path / "ro.db"
    pln("--db", str(path), "add", "Ana Ruiz")
    path.chmod(0o400)
    r = pln("--db", str(path), "add", "Ben Okafor", code=7)
    assert "read-only" in r.stderr


def test_a_failed_multi_name_add_adds_no_one(pln, dump) -> None:
    pln("add", "Ana Ruiz")
    before = dump()
    r = pln("add", "Ben Okafor", "ana ruiz", "--met-at", "researchED 2026", code=5)
    assert "Ana Ruiz (#1)" in r.stderr
    assert dump() == before


@pytest.mark.slow
def test_a_writer_holding_the_lock_gives_busy(pln, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(db_path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        r = pln("add", "Ben Okafor", code=6)
        assert time.monotonic() - start >= 4  # it waited for the busy timeout first
        assert "busy" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert [p["name"] for p in pln.json("list")] == ["Ana Ruiz"]


def test_backup_into_a_missing_folder_is_bad_input(pln, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    r = pln("db", "backup", str(tmp_path / "nowhere" / "copy.db"), code=2)
    assert "does not exist" in r.stderr
