"""Fault injection: pln killed, starved of disk, raced, and fed damaged files and bad bytes.

Every test runs real ``pln`` processes (``python -m plncli``) against its own database.
What is proven, and how often (figures of one run; kill moments are seeded random):

* **Killed mid-write** (``SIGKILL`` during ``pln add`` of 3,000 names on a 2,000-person book,
  18 kills: 14 spread over the command's measured duration, 4 around its commit): after every
  kill the file passes ``integrity_check`` and ``foreign_key_check``, holds exactly the people
  before or before + 3,000 (never in between), and its history has no half-open change.
* **Killed mid-backup** (``pln db backup`` of 20,000 people and 100,000 interactions, 10 kills):
  the target is absent or a complete, healthy copy; the source is unchanged row for row.
* **Killed mid-migration** (``pln list`` upgrading a schema-2 book of 10,000 people and 50,000
  interactions, 10 kills, a fresh copy each time): the file is at schema 2 or a later one (each
  migration is one transaction),
  healthy, with every row as before; every ``*.bak`` kept is complete.
* **Two writers at once** (2 processes x 25 ``pln log``): every command exits 0 or 6 (busy), and
  exactly the interactions of the commands that exited 0 are stored, each once.
* **Disk full** (``RLIMIT_FSIZE`` just above the database): ``pln add`` fails with one error
  line and no traceback; the earlier data is all there and healthy.
* **Files pln must refuse untouched** (truncated, damaged header, random bytes: 14 commands):
  exit 7, the same bytes, no ``-wal``/``-shm`` beside them; the same for an immutable
  (``chattr +i``) database, reads included.
* **Privacy**: 33 error paths provoked on a book holding marker email and notes; no marker
  ever appears in stdout or stderr.
* **Bad bytes on the command line** (22 inputs: 4 with invalid UTF-8, 5 of 10,000+ characters,
  6 right-to-left or combining-accent names, 7 SQL and shell look-alikes): refused with nothing
  stored, or stored exactly (NFC) with the tables intact. A NUL cannot be passed in argv at all.

The first version of this file found four bugs, fixed since and guarded here: the disk-full
message, ``-wal``/``-shm`` created beside a read-only file, invalid UTF-8 in argv reported as an
internal error, and ``pln undo`` showing a stored note when it refused to run without ``--yes``.
Run ``pytest -s tests/test_faults.py`` to see one line of figures per test.
"""

import hashlib
import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from plncli.db import open_store, to_db_time, transaction
from plncli.migrations import LATEST, M001_INITIAL, M002_NETWORK, statements
from plncli.text import fold

pytestmark = pytest.mark.slow  # subprocesses, kills and timing: `make test-fast` skips them

NOW = "2026-11-23T10:00:00"
SEED = 20261123
STAMP = to_db_time(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))

KILLS_WRITE = 14  # spread over the whole command
KILLS_AT_COMMIT = 4  # extra, around the moment the commit was seen to start
KILLS_BACKUP = 10
KILLS_MIGRATE = 10
WRITES_PER_WRITER = 25
BIG_ADD = 3_000


# ----------------------------------------------------------------- helpers


def _env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PLN_DEBUG", "FORCE_COLOR", "PLN_NO_FASTPATH")
    }
    env.update(PLN_DB=str(db), PLN_NOW=NOW, TZ="UTC", NO_COLOR="1", COLUMNS="200")
    env.update(extra)
    return env


def _argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "plncli", *args]


def pln(db: Path, *args: str, timeout: float = 60, **kw: Any) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(
        _argv(*args),
        env=_env(db),
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        **kw,
    )


def pln_bytes(db: Path, *args: bytes, timeout: float = 60) -> "subprocess.CompletedProcess[bytes]":
    """pln with raw bytes for argv, as a shell would pass them."""
    argv = [os.fsencode(sys.executable), b"-m", b"plncli", *args]
    return subprocess.run(argv, env=_env(db), capture_output=True, timeout=timeout)


def kill_after(argv: list[str], env: dict[str, str], delay: float) -> int:
    """Start a process, SIGKILL it ``delay`` seconds later; its return code (-9 if killed)."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def spread(rng: random.Random, n: int, lo: float, hi: float) -> list[float]:
    """``n`` random moments in [lo, hi], one in each of ``n`` equal slices (shuffled)."""
    width = (hi - lo) / n
    moments = [rng.uniform(lo + i * width, lo + (i + 1) * width) for i in range(n)]
    rng.shuffle(moments)
    return moments


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(path)


def health(path: Path, *, readonly: bool = False) -> tuple[list[str], list[Any]]:
    conn = connect(path, readonly=readonly)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return integrity, fk


def scalar(path: Path, sql: str, *, readonly: bool = False) -> Any:
    conn = connect(path, readonly=readonly)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def digest(path: Path, queries: Iterable[str], *, readonly: bool = False) -> str:
    """A hash of every row the queries return, in order."""
    h = hashlib.sha256()
    conn = connect(path, readonly=readonly)
    try:
        for q in queries:
            h.update(q.encode())
            for row in conn.execute(q):
                h.update(repr(row).encode())
    finally:
        conn.close()
    return h.hexdigest()


def dump_digest(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        h = hashlib.sha256()
        for line in conn.iterdump():
            h.update(line.encode())
        return h.hexdigest()
    finally:
        conn.close()


def file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def person_rows(n: int, start: int = 1, prefix: str = "Base") -> list[tuple[Any, ...]]:
    return [
        (
            pid,
            f"{prefix} {pid}",
            fold(f"{prefix} {pid}"),
            f"School {pid % 50}",
            "network",
            "",
            STAMP,
            STAMP,
        )
        for pid in range(start, start + n)
    ]


PERSON_INSERT = (
    "INSERT INTO person (id, name, name_key, org, circle, notes, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?)"
)


def interaction_rows(n: int, people: int, rng: random.Random) -> tuple[list[Any], list[Any]]:
    inter, links = [], []
    for iid in range(1, n + 1):
        inter.append((iid, STAMP, "coffee", f"talked {iid}", STAMP))
        links.append((iid, rng.randint(1, people)))
    return inter, links


def build_book(path: Path, people: int, interactions: int = 0) -> None:
    """A book at the latest schema, filled through pln's own store in one transaction."""
    rng = random.Random(SEED)
    conn = open_store(path, create_parent=True)
    try:
        with transaction(conn, str(path), record=False):
            conn.executemany(PERSON_INSERT, person_rows(people))
            if interactions:
                inter, links = interaction_rows(interactions, people, rng)
                conn.executemany("INSERT INTO interaction VALUES (?,?,?,?,?)", inter)
                conn.executemany("INSERT INTO interaction_person VALUES (?,?)", links)
    finally:
        conn.close()


def count_leftovers(paths: Iterable[Path]) -> int:
    """Half-written ``*.tmp-PID`` copies a kill left behind (not their -journal): litter that
    is tolerated, but it must be owner-only like the database."""
    count = 0
    for path in paths:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name} is {oct(path.stat().st_mode)}"
        count += not path.name.endswith(("-journal", "-wal", "-shm"))
    return count


FIGURES: list[str] = []


def figure(line: str) -> None:
    FIGURES.append(line)
    print(f"\n[faults] {line}")  # noqa: T201 (shown with -s)


# ----------------------------------------------------------------- 1. killed mid-write


def test_killed_mid_write_leaves_the_book_as_before_or_after(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    build_book(db, 2_000)
    env = _env(db)

    def add_argv(i: int) -> list[str]:
        return _argv("add", "--allow-duplicate", *[f"Kill {i} {j}" for j in range(BIG_ADD)])

    # Measure once, watching for the moment the commit starts writing the -wal.
    wal = Path(f"{db}-wal")
    start = time.monotonic()
    proc = subprocess.Popen(
        add_argv(0), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    commit_seen: float | None = None
    while proc.poll() is None and time.monotonic() - start < 60:
        if commit_seen is None and file_size(wal) > 0:
            commit_seen = time.monotonic() - start
        time.sleep(0.001)
    assert proc.wait(timeout=60) == 0
    duration = time.monotonic() - start
    commit_at = commit_seen if commit_seen is not None else duration * 0.9
    assert scalar(db, "SELECT count(*) FROM person") == 2_000 + BIG_ADD

    rng = random.Random(SEED)
    delays = spread(rng, KILLS_WRITE, 0.010, duration)
    delays += [max(0.010, commit_at + rng.uniform(-0.03, 0.03)) for _ in range(KILLS_AT_COMMIT)]
    outcomes = {"before": 0, "after": 0, "finished": 0}
    deadline = time.monotonic() + 60
    done = 0
    for i, delay in enumerate(delays, start=1):
        if time.monotonic() > deadline:
            break
        before = scalar(db, "SELECT count(*) FROM person")
        code = kill_after(add_argv(i), env, delay)
        assert code in (0, -signal.SIGKILL), f"pln add exited {code}"
        integrity, fk = health(db)
        assert integrity == ["ok"], f"after a kill at {delay * 1000:.0f} ms: {integrity}"
        assert fk == []
        conn = sqlite3.connect(db)
        try:
            after = conn.execute("SELECT count(*) FROM person").fetchone()[0]
            mine = conn.execute(
                "SELECT count(*) FROM person WHERE name LIKE ?", (f"Kill {i} %",)
            ).fetchone()[0]
            open_changes = conn.execute(
                "SELECT count(*) FROM change_log WHERE summary = '(open)'"
            ).fetchone()[0]
            logged = conn.execute(
                "SELECT summary FROM change_log WHERE command LIKE ?", (f"%'Kill {i} 0'%",)
            ).fetchall()
        finally:
            conn.close()
        assert after in (before, before + BIG_ADD), (
            f"kill at {delay * 1000:.0f} ms left {after - before} of {BIG_ADD} new people"
        )
        assert mine == after - before
        assert open_changes == 0
        if after == before:
            assert logged == []
            outcomes["before"] += 1
        else:
            assert logged == [(f"person +{BIG_ADD}",)]
            outcomes["finished" if code == 0 else "after"] += 1
        done += 1
    assert done >= 12, f"only {done} kills fit in the time budget"
    figure(
        f"killed mid-write: {done} kills of `pln add` x{BIG_ADD} (run {duration * 1000:.0f} ms,"
        f" commit seen at {commit_at * 1000:.0f} ms): {outcomes['before']} landed before commit,"
        f" {outcomes['after']} after commit, {outcomes['finished']} after the process had exited"
    )


# ----------------------------------------------------------------- 2. killed mid-backup

BACKUP_PEOPLE = 20_000
BACKUP_INTERACTIONS = 100_000


def test_killed_mid_backup_leaves_no_partial_copy(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    build_book(db, BACKUP_PEOPLE, BACKUP_INTERACTIONS)
    source_before = dump_digest(db)
    env = _env(db)
    out = tmp_path / "out"
    out.mkdir()

    def check_copy(target: Path) -> None:
        assert health(target, readonly=True)[0] == ["ok"]
        assert scalar(target, "SELECT count(*) FROM person", readonly=True) == BACKUP_PEOPLE
        assert (
            scalar(target, "SELECT count(*) FROM interaction", readonly=True) == BACKUP_INTERACTIONS
        )

    start = time.monotonic()
    r = pln(db, "db", "backup", str(out / "measure.db"))
    duration = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    assert duration > 0.1
    check_copy(out / "measure.db")

    rng = random.Random(SEED + 2)
    complete = absent = leftovers = 0
    deadline = time.monotonic() + 45
    done = 0
    for i, delay in enumerate(spread(rng, KILLS_BACKUP, 0.010, duration)):
        if time.monotonic() > deadline:
            break
        target = out / f"kill-{i}.db"
        code = kill_after(_argv("db", "backup", str(target)), env, delay)
        assert code in (0, -signal.SIGKILL)
        if target.exists():
            check_copy(target)
            complete += 1
        else:
            absent += 1
        leftovers += count_leftovers(out.glob(f"kill-{i}.db.tmp-*"))
        assert health(db)[0] == ["ok"]
        assert scalar(db, "SELECT count(*) FROM person") == BACKUP_PEOPLE
        done += 1
    assert done >= 8, f"only {done} kills fit in the time budget"
    assert dump_digest(db) == source_before  # the source: every row as it was
    figure(
        f"killed mid-backup: {done} kills of `pln db backup` (run {duration * 1000:.0f} ms,"
        f" {BACKUP_PEOPLE} people, {BACKUP_INTERACTIONS} interactions): target absent {absent},"
        f" complete {complete}; leftover *.tmp-PID files {leftovers}"
    )


# ----------------------------------------------------------------- 3. killed mid-migration

MIGRATE_PEOPLE = 10_000
MIGRATE_INTERACTIONS = 50_000
V2_ROWS = (
    "SELECT id, name, name_key, org, circle, notes, created_at, updated_at FROM person ORDER BY id",
    "SELECT * FROM interaction ORDER BY id",
    "SELECT * FROM interaction_person ORDER BY interaction_id, person_id",
    "SELECT * FROM event ORDER BY id",
    # the columns schema 2 had (later migrations add some: their values are new, not kept)
    "SELECT a_id, b_id, since, note, source, created_at FROM tie ORDER BY a_id, b_id",
)


def build_schema2(path: Path) -> None:
    rng = random.Random(SEED + 3)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.executescript(M001_INITIAL)
        conn.execute("BEGIN")
        for statement in statements(M002_NETWORK):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 2")
        conn.executemany(PERSON_INSERT, person_rows(MIGRATE_PEOPLE))
        inter, links = interaction_rows(MIGRATE_INTERACTIONS, MIGRATE_PEOPLE, rng)
        conn.executemany("INSERT INTO interaction VALUES (?,?,?,?,?)", inter)
        conn.executemany("INSERT INTO interaction_person VALUES (?,?)", links)
        conn.executemany(
            "INSERT INTO tie (a_id, b_id, since, note, source, created_at)"
            " VALUES (?, ?, NULL, '', 'manual', ?)",
            [(a, a + 1, STAMP) for a in range(1, MIGRATE_PEOPLE, 7)],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    assert not Path(f"{path}-wal").exists()


def test_killed_mid_migration_leaves_schema_2_or_latest(tmp_path: Path) -> None:
    template = tmp_path / "schema2.db"
    build_schema2(template)
    rows_before = digest(template, V2_ROWS)

    def fresh(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        db = folder / "pln.db"
        shutil.copyfile(template, db)
        return db

    db = fresh("measure")
    start = time.monotonic()
    r = pln(db, "list", "--json")
    duration = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == MIGRATE_PEOPLE + 2
    assert scalar(db, "PRAGMA user_version") == LATEST
    assert digest(db, V2_ROWS) == rows_before

    rng = random.Random(SEED + 4)
    outcomes = dict.fromkeys(range(2, LATEST + 1), 0)  # each migration is one transaction
    backups = leftovers = 0
    deadline = time.monotonic() + 45
    done = 0
    for i, delay in enumerate(spread(rng, KILLS_MIGRATE, 0.010, duration)):
        if time.monotonic() > deadline:
            break
        db = fresh(f"kill-{i}")
        code = kill_after(_argv("list", "--json"), _env(db), delay)
        assert code in (0, -signal.SIGKILL)
        integrity, fk = health(db)
        assert integrity == ["ok"], f"kill at {delay * 1000:.0f} ms: {integrity}"
        assert fk == []
        version = scalar(db, "PRAGMA user_version")
        assert version in outcomes, f"kill at {delay * 1000:.0f} ms left schema {version}"
        assert digest(db, V2_ROWS) == rows_before
        if version >= 3:
            assert scalar(db, "SELECT count(*) FROM change_log") == 0
        outcomes[version] += 1
        for bak in db.parent.glob("pln.db.schema2-*.bak"):
            assert bak.stat().st_mode & 0o077 == 0, oct(bak.stat().st_mode)
            assert health(bak, readonly=True)[0] == ["ok"]
            assert scalar(bak, "PRAGMA user_version", readonly=True) == 2
            assert digest(bak, V2_ROWS, readonly=True) == rows_before
            backups += 1
        leftovers += count_leftovers(db.parent.glob("*.tmp-*"))
        done += 1
    assert done >= 8, f"only {done} kills fit in the time budget"
    figure(
        f"killed mid-migration: {done} kills of `pln list --json` upgrading schema 2 -> {LATEST}"
        f" (run {duration * 1000:.0f} ms): left at schema (count) {outcomes};"
        f" complete .bak files {backups}; leftover *.tmp-PID files {leftovers}"
    )


# ----------------------------------------------------------------- 4. two writers

WRITER = r"""
import json, subprocess, sys
py, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
codes, errors = [], []
for i in range(n):
    r = subprocess.run([py, "-m", "plncli", "log", "#1", "-m", f"from {tag} {i}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60)
    codes.append(r.returncode)
    if r.returncode:
        errors.append(r.stderr)
print(json.dumps({"codes": codes, "errors": errors}))
"""


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    assert pln(db, "add", "Ana Ruiz").returncode == 0
    env = _env(db)
    writers = {
        tag: subprocess.Popen(
            [sys.executable, "-c", WRITER, sys.executable, tag, str(WRITES_PER_WRITER)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    }
    results = {}
    try:
        for tag, proc in writers.items():
            out, err = proc.communicate(timeout=100)
            assert proc.returncode == 0, err
            results[tag] = json.loads(out)
    finally:
        for proc in writers.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    landed = {
        f"from {tag} {i}"
        for tag, res in results.items()
        for i, code in enumerate(res["codes"])
        if code == 0
    }
    codes = [c for res in results.values() for c in res["codes"]]
    assert set(codes) <= {0, 6}, [e for res in results.values() for e in res["errors"]]
    for res in results.values():
        assert all("busy" in e for e in res["errors"])
    conn = sqlite3.connect(db)
    try:
        notes = [r[0] for r in conn.execute("SELECT note FROM interaction")]
        linked = conn.execute("SELECT count(*) FROM interaction_person WHERE person_id = 1")
        linked_count = linked.fetchone()[0]
        logs = conn.execute(
            "SELECT count(*) FROM change_log WHERE command LIKE 'pln log %'"
        ).fetchone()[0]
        open_changes = conn.execute(
            "SELECT count(*) FROM change_log WHERE summary = '(open)'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert sorted(notes) == sorted(landed)  # each landed write once, nothing else
    assert linked_count == len(landed)
    assert logs == len(landed)
    assert open_changes == 0
    assert health(db) == (["ok"], [])
    figure(
        f"two writers: {len(codes)} concurrent `pln log` tried, {len(landed)} landed,"
        f" {codes.count(6)} refused busy (exit 6)"
    )


# ----------------------------------------------------------------- 5. disk full


def _add_under_size_limit(tmp_path: Path) -> tuple["subprocess.CompletedProcess[str]", Path, str]:
    db = tmp_path / "pln.db"
    build_book(db, 2_000)
    before = digest(db, ["SELECT id, name FROM person ORDER BY id"])
    limit = max(file_size(db), file_size(Path(f"{db}-wal"))) + 64 * 1024

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run(
        _argv("add", "--allow-duplicate", *[f"Full {j}" for j in range(BIG_ADD)]),
        env=_env(db),
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=limited,
    )
    return r, db, before


def test_disk_full_is_an_error_not_damage(tmp_path: Path) -> None:
    r, db, before = _add_under_size_limit(tmp_path)
    assert r.returncode == 7, (r.returncode, r.stderr)
    lines = r.stderr.splitlines()
    assert [ln for ln in lines if ln.startswith("error:")] == [lines[0]]
    assert all(ln.startswith(("error:", "hint:")) for ln in lines), lines
    assert "Traceback" not in r.stderr + r.stdout
    assert r.stdout == ""
    assert health(db) == (["ok"], [])
    assert digest(db, ["SELECT id, name FROM person ORDER BY id"]) == before
    assert scalar(db, "SELECT count(*) FROM change_log WHERE summary = '(open)'") == 0
    figure(f"disk full: `pln add` x{BIG_ADD} under RLIMIT_FSIZE -> exit {r.returncode}: {lines[0]}")


def test_disk_full_error_names_the_cause(tmp_path: Path) -> None:
    r, _db, _before = _add_under_size_limit(tmp_path)
    first = r.stderr.splitlines()[0]
    assert "cannot rollback" not in first
    assert "full" in first or "disk" in first, first


# ----------------------------------------------------------------- 6. refused untouched


def _valid_book(folder: Path) -> Path:
    folder.mkdir()
    db = folder / "pln.db"
    r = pln(db, "add", "Ana Ruiz", "Ben Okafor", "--note", "kept")
    assert r.returncode == 0, r.stderr
    assert not Path(f"{db}-wal").exists()
    return db


def _truncated(folder: Path) -> Path:
    db = _valid_book(folder)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])
    return db


def _bad_header(folder: Path) -> Path:
    db = _valid_book(folder)
    data = db.read_bytes()
    garbage = random.Random(SEED + 6).randbytes(84)
    db.write_bytes(data[:16] + garbage + data[100:])
    return db


def _random_bytes(folder: Path) -> Path:
    folder.mkdir()
    db = folder / "pln.db"
    db.write_bytes(random.Random(SEED + 7).randbytes(12_288))
    return db


REFUSE_COMMANDS = (("list",), ("add", "Cleo Diaz"), ("show", "Ana"), ("db", "status"))


@pytest.mark.parametrize(
    ("make", "extra"),
    [
        (_truncated, [("db", "check")]),
        (_bad_header, [("db", "check")]),
        (_random_bytes, []),
    ],
    ids=["truncated-to-half", "header-16-100-garbage", "random-bytes"],
)
def test_damaged_files_are_refused_untouched(tmp_path: Path, make: Any, extra: list[Any]) -> None:
    db = make(tmp_path / "book")
    before = db.read_bytes()
    commands = [*REFUSE_COMMANDS, *extra]
    for args in commands:
        r = pln(db, *args)
        assert r.returncode == 7, (args, r.returncode, r.stderr)
        assert r.stderr.startswith("error:"), r.stderr
        assert "Traceback" not in r.stderr
        assert db.read_bytes() == before, f"pln {' '.join(args)} changed the file"
        assert sorted(p.name for p in db.parent.iterdir()) == ["pln.db"], args
    figure(f"refused untouched ({make.__name__.strip('_')}): {len(commands)} commands, exit 7")


@pytest.fixture
def immutable_book(tmp_path: Path) -> Any:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not available")
    db = _valid_book(tmp_path / "book")
    r = subprocess.run(["chattr", "+i", str(db)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"chattr +i not permitted here: {r.stderr.strip()}")
    try:
        yield db
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)


def test_immutable_database_refuses_writes_untouched(immutable_book: Path) -> None:
    db = immutable_book
    before = db.read_bytes()
    for args in (("add", "Cleo Diaz"), ("log", "Ana", "-m", "coffee"), ("archive", "Ben")):
        r = pln(db, *args)
        assert r.returncode == 7, (args, r.returncode, r.stderr)
        assert r.stderr.startswith("error:")
        assert "readonly" in r.stderr or "read-only" in r.stderr, r.stderr
        assert db.read_bytes() == before
    figure("immutable (chattr +i): 3 writing commands refused with exit 7, bytes unchanged")


def test_immutable_database_gets_no_wal_or_shm(immutable_book: Path) -> None:
    pln(immutable_book, "add", "Cleo Diaz")
    assert sorted(p.name for p in immutable_book.parent.iterdir()) == ["pln.db"]


def test_immutable_database_is_refused_even_for_reads(immutable_book: Path) -> None:
    assert pln(immutable_book, "list").returncode == 7


# ----------------------------------------------------------------- 7. privacy

MARK_EMAIL = "marker-privacy@example.invalid"
MARK_NOTE = "MARKER-NOTE-q7z salary and health worries"
MARK_FOLLOWUP = "MARKER-FOLLOWUP-k3v ask about the tribunal"
MARK_LOG = "MARKER-LOG-w9x talked about the divorce"
MARKERS = (
    MARK_EMAIL,
    "marker-privacy",
    MARK_NOTE,
    "MARKER-NOTE",
    MARK_FOLLOWUP,
    "MARKER-FOLLOWUP",
    MARK_LOG,
    "MARKER-LOG",
    "example.invalid",
    "salary",
    "tribunal",
    "divorce",
)


def _ok(db: Path, *args: str) -> str:
    r = pln(db, *args)
    assert r.returncode == 0, (args, r.stderr)
    return r.stdout


def test_error_paths_never_show_private_data(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    _ok(db, "add", "Priv Person", "--email", MARK_EMAIL, "--note", MARK_NOTE, "--org", "Hillside")
    _ok(db, "add", "Priv Other")
    _ok(db, "log", "Priv Person", "-m", MARK_LOG, "--on", "yesterday")
    f1 = json.loads(_ok(db, "remind", "Priv Person", "tomorrow", "-m", MARK_FOLLOWUP, "--json"))
    f2 = json.loads(_ok(db, "remind", "Priv Person", "in 3 days", "-m", MARK_FOLLOWUP, "--json"))
    _ok(db, "done", str(f1["id"]))
    shown = _ok(db, "show", "Priv Person")  # the markers are really there
    assert MARK_EMAIL in shown
    assert MARK_NOTE in shown

    # Copies for the paths that need a different file: locked, newer, damaged.
    def copy(name: str) -> Path:
        (tmp_path / name).mkdir()
        target = tmp_path / name / "pln.db"
        shutil.copyfile(db, target)
        return target

    busy_db, newer_db, broken_db = copy("busy"), copy("newer"), copy("broken")
    conn = sqlite3.connect(newer_db)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    data = broken_db.read_bytes()
    broken_db.write_bytes(data[: len(data) // 2])

    holder = sqlite3.connect(busy_db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    busy = subprocess.Popen(
        _argv("edit", "Priv Person", "--org", "Elsewhere"),
        env=_env(busy_db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        fid, gone = str(f2["id"]), str(f1["id"])
        cases: list[tuple[Path, tuple[str, ...], int]] = [
            (db, ("show", "Nobody Atall"), 3),
            (db, ("show", "#999"), 3),
            (db, ("log", "Nobody Atall", "-m", "hello"), 3),
            (db, ("show", "Priv"), 4),
            (db, ("log", "Priv", "-m", "hello"), 4),
            (db, ("add", "priv  person"), 5),
            (db, ("log", "Priv Person", "-m", "hello", "--on", "next tuseday"), 2),
            (db, ("log", "Priv Person", "-m", "hello", "--on", "tomorrow"), 2),
            (db, ("remind", "Priv Person", "feb 30", "-m", "x"), 2),
            (db, ("remind", "Priv Person", "25:00"), 2),
            (db, ("edit", "Priv Person", "--every", "fortnightlyish"), 2),
            (db, ("remind", "Priv Person", "tomorrow", "--every", "every other tuesday"), 2),
            (db, ("edit", "Priv Person", "--email", "not-an-email"), 2),
            (db, ("add", ""), 2),
            (db, ("add", "   "), 2),
            (db, ("edit", "Priv Person", "--name", ""), 2),
            (db, ("add", "x" * 300), 2),
            (db, ("add", "Cleo Diaz", "Dev Patel", "--email", "c@example.org"), 2),
            (db, ("log", "Priv Person", "-m", "bell\x07here"), 2),
            (db, ("done", "999"), 3),
            (db, ("snooze", "999", "tomorrow"), 3),
            (db, ("drop", "999"), 3),
            (db, ("done", gone), 2),  # done twice
            (db, ("snooze", fid, "3 days ago"), 2),
            (db, ("knows", "Priv Person", "#1"), 2),
            (db, ("introduce", "Priv Person", "#1"), 2),
            (db, ("group", "show", "No Such Group"), 3),
            (db, ("show", "Priv Person", "--bogus"), 2),
            (db, ("list", "--circle", "bogus"), 2),
            (db, ("undo",), 2),
            (newer_db, ("show", "Priv Person"), 7),
            (broken_db, ("show", "Priv Person"), 7),
        ]
        seen: dict[str, int] = {}
        for path, args, code in cases:
            r = pln(path, *args, stdin=subprocess.DEVNULL)
            label = " ".join(args)[:60]
            seen[label] = r.returncode
            assert r.returncode != 0, (label, r.stdout, r.stderr)
            assert r.returncode == code, (label, r.returncode, r.stderr)
            errors = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
            assert len(errors) == 1, (label, r.stderr)
            assert "Traceback" not in r.stdout + r.stderr
            for marker in MARKERS:
                assert marker not in r.stdout + r.stderr, (label, marker)
        out, err = busy.communicate(timeout=30)
    finally:
        if busy.poll() is None:
            busy.kill()
            busy.wait()
        holder.rollback()
        holder.close()
    assert busy.returncode == 6, err
    assert "busy" in err
    for marker in MARKERS:
        assert marker not in out + err
    figure(
        f"privacy: {len(cases) + 1} error paths provoked (exit codes"
        f" {sorted(set(seen.values()) | {6})}), no marker in any stdout/stderr"
    )


def test_undo_refusal_does_not_show_stored_notes(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    _ok(db, "add", "Priv Person", "--email", MARK_EMAIL, "--note", MARK_NOTE)
    _ok(db, "remind", "Priv Person", "tomorrow", "-m", MARK_FOLLOWUP)
    r = pln(db, "undo", stdin=subprocess.DEVNULL)
    assert r.returncode == 2
    assert "--yes" in r.stderr
    assert MARK_FOLLOWUP not in r.stdout + r.stderr


# ----------------------------------------------------------------- 8. bad bytes in argv


def _people(db: Path) -> list[str]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM person ORDER BY id")]
    finally:
        conn.close()


BAD_UTF8 = [
    pytest.param([b"add", b"Ana\xffRuiz"], id="add-name"),
    pytest.param([b"add", b"Ben Okafor", b"Ana\xffRuiz"], id="add-two-names"),
    pytest.param([b"show", b"Ana\xffRuiz"], id="show-person"),
    pytest.param([b"log", b"#1", b"-m", b"coffee \xc3\x28 talk"], id="log-note"),
    # the commands the fast path's hooks serve (help was "No such command '\udcff'")
    pytest.param([b"help", b"\xff"], id="help"),
    pytest.param([b"introduce", b"--for", b"Ana\xff"], id="introduce"),
    pytest.param([b"share", b"B\xffok"], id="share"),
    pytest.param([b"completion", b"\xff"], id="completion"),
    pytest.param([b"list", b"--org", b"\xff"], id="list"),
]


def _seeded(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "pln.db"
    assert pln(db, "add", "Zed Base").returncode == 0
    return db, dump_digest(db)


@pytest.mark.parametrize("argv", BAD_UTF8)
def test_invalid_utf8_argv_stores_nothing(tmp_path: Path, argv: list[bytes]) -> None:
    db, before = _seeded(tmp_path)
    r = pln_bytes(db, *argv)
    assert r.returncode != 0
    assert r.stderr.startswith(b"error:")
    assert b"Traceback" not in r.stderr + r.stdout
    assert dump_digest(db) == before
    assert health(db) == (["ok"], [])


@pytest.mark.parametrize("argv", BAD_UTF8)
def test_invalid_utf8_argv_is_bad_input(tmp_path: Path, argv: list[bytes]) -> None:
    db, _before = _seeded(tmp_path)
    r = pln_bytes(db, *argv)
    assert r.returncode == 2, r.stderr
    assert b"internal error" not in r.stderr
    n = next(i for i, word in enumerate(argv, start=1) if not _utf8(word))
    assert r.stderr.decode().splitlines() == [
        f"error: argument {n} is not valid text (UTF-8)",
        "hint: retype it, or check the terminal's encoding",
    ]


def _utf8(word: bytes) -> bool:
    try:
        word.decode()
    except UnicodeDecodeError:
        return False
    return True


def test_overlong_input_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    db, before = _seeded(tmp_path)
    cases = [
        (b"add", b"x" * 10_000),
        (b"add", b"Ben Okafor", "\u00e9".encode() * 10_000),
        (b"add", b"Ben Okafor", b"--note", b"n" * 10_001),
        (b"log", b"Zed", b"-m", b"m" * 10_001),
        (b"add", b"Ben Okafor", b"--org", b"o" * 10_000),
    ]
    for argv in cases:
        r = pln_bytes(db, *argv)
        assert r.returncode == 2, (argv[:2], r.stderr[:300])
        assert r.stderr.startswith(b"error:")
        assert b"characters long" in r.stderr
        assert len(r.stderr) < 1_000  # the input is not echoed back
        assert dump_digest(db) == before
    figure(f"bad input: {len(cases)} over-long arguments (10,000+ characters) refused, exit 2")


UNICODE_NAMES = [
    "مريم الحسن",  # Arabic, right to left
    "דוד לוי",  # Hebrew, right to left
    "Jose\u0301 Nun\u0303ez",  # combining accents (NFD)
    "Zo\u0308e\u0308 Mu\u0308ller",  # combining diaeresis
    "Nguye\u0302\u0303n Va\u0306n A",  # stacked combining marks (Vietnamese)
    "한국 사람",  # Hangul, composed
]


def test_unicode_names_are_stored_exactly_as_nfc(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    for name in UNICODE_NAMES:
        r = pln_bytes(db, b"add", name.encode("utf-8"), b"--json")
        assert r.returncode == 0, r.stderr.decode()
        assert json.loads(r.stdout)[0]["name"] == unicodedata.normalize("NFC", name)
    assert _people(db) == [unicodedata.normalize("NFC", n) for n in UNICODE_NAMES]
    # Typed either way, NFD or NFC, each finds its person.
    for name in UNICODE_NAMES:
        for form in ("NFC", "NFD"):
            typed = unicodedata.normalize(form, name)
            r = pln_bytes(db, b"show", typed.encode("utf-8"), b"--json")
            assert r.returncode == 0, (form, name, r.stderr.decode())
            assert json.loads(r.stdout)["name"] == unicodedata.normalize("NFC", name)
    figure(f"bad input: {len(UNICODE_NAMES)} right-to-left / combining names stored as NFC")


SCHEMA = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
LOOKALIKES = [
    "Robert'); DROP TABLE person;--",
    "x' OR '1'='1",
    '"; DELETE FROM interaction; --',
    "$(rm -rf /)",
    "`touch {canary}`",
    "; cat /etc/passwd",
    "100% _under_ \\ back",
]


def test_sql_and_shell_lookalikes_are_stored_verbatim(tmp_path: Path) -> None:
    db = tmp_path / "pln.db"
    canary = tmp_path / "canary"
    names = [n.format(canary=canary) for n in LOOKALIKES]
    assert pln(db, "add", "Zed Base").returncode == 0
    conn = sqlite3.connect(db)
    schema_before = conn.execute(SCHEMA).fetchall()
    conn.close()
    r = pln_bytes(db, b"add", *[n.encode() for n in names])
    assert r.returncode == 0, r.stderr.decode()
    assert _people(db) == ["Zed Base", *names]
    for name in names:  # each resolves back to itself, exactly
        r = pln_bytes(db, b"show", name.encode(), b"--json")
        assert r.returncode == 0, (name, r.stderr.decode())
        assert json.loads(r.stdout)["name"] == name
    r = pln_bytes(db, b"log", names[0].encode(), b"-m", names[2].encode())
    assert r.returncode == 0, r.stderr.decode()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute(SCHEMA).fetchall() == schema_before
        assert [r[0] for r in conn.execute("SELECT note FROM interaction")] == [names[2]]
    finally:
        conn.close()
    assert health(db) == (["ok"], [])
    assert not canary.exists()
    figure(f"bad input: {len(names)} SQL/shell look-alike names stored verbatim, tables intact")
