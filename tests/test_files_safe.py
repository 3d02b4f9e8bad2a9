"""Files pln writes, files it opens, and its output stream.

Issue 9 items 13-14 and issue 10 items 3-6 and 10.

Each test drives the real CLI (in-process, or as a subprocess where a real pipe, a full device, a
file-size limit or a kill is the point) against real files, and checks what the user sees and
what is on disk, byte for byte where a file must not change.
"""

import hashlib
import json
import os
import re
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from built_once import built_once
from conftest import NOW
from helpers import assert_clean_error, book_location, dump_shared, fails, shared_book

PEOPLE = 2_500  # enough that every listing is larger than a pipe's buffer (64 KiB)


def env_for(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PLN_DEBUG", "FORCE_COLOR", "PLN_HOME", "PLN_DB", "PLN_NO_FASTPATH")
    }
    env.update(PLN_DB=book_location(db), PLN_NOW=NOW, NO_COLOR="1", COLUMNS="200", **extra)
    return env


def argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "plncli", *args]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored(db: Path) -> str | list[str]:
    """What the book holds: the SQLite file's bytes (their digest), or a shared book's rows."""
    url = shared_book(db)
    return dump_shared(url) if url is not None else sha(db)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def big_db(pln: Any, tmp_path: Path, db_path: Path, request: pytest.FixtureRequest) -> Path:
    """A book of PEOPLE people, imported once per test process and engine (``built_once``)."""

    def build() -> None:
        rows = "".join(
            f"Person {i:05d},p{i}@example.org,,Organisation number {i} of a long list\n"
            for i in range(PEOPLE)
        )
        src = tmp_path / "people.csv"
        src.write_text("name,email,phone,org\n" + rows, encoding="utf-8")
        pln("import", str(src))

    built_once(request, "files-safe-big", build)
    return db_path


# ---- issue 9 item 14: the output stream ------------------------------------------------------

OUTPUTS = [
    ("export",),
    ("export", "--format", "csv"),
    ("list",),
    ("list", "--json"),
    ("find", "Person"),
    ("history",),
]


@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "typer"])
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_a_reader_that_closes_the_pipe_early_is_success(
    big_db: Path, args: tuple[str, ...], fast: bool
) -> None:
    env = env_for(big_db, **({} if fast else {"PLN_NO_FASTPATH": "1"}))
    proc = subprocess.Popen(
        argv(*args), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )  # `pln ... | head -1`
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert first.strip()
    assert "error" not in err
    assert "Traceback" not in err
    assert "Exception" not in err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "typer"])
@pytest.mark.parametrize("args", [*OUTPUTS, ("db", "path"), ("due",), ("--version",)], ids=" ".join)
def test_a_full_output_is_a_clear_error(big_db: Path, args: tuple[str, ...], fast: bool) -> None:
    env = env_for(big_db, **({} if fast else {"PLN_NO_FASTPATH": "1"}))
    before = stored(big_db)
    with open("/dev/full", "wb") as full:  # `pln ... > /dev/full`
        r = subprocess.run(argv(*args), env=env, stdout=full, stderr=subprocess.PIPE, timeout=60)
    err = r.stderr.decode()
    assert r.returncode == 7, err
    lines = err.splitlines()
    assert lines[0] == "error: cannot write the output: the disk is full", lines
    assert len(lines) == 2, lines
    assert lines[1].startswith("hint: "), lines
    assert stored(big_db) == before


# ---- issue 10 item 3: an existing file is refused unless --force ---------------------------------


def test_export_never_overwrites_an_existing_file_without_force(
    pln: Any, dump: Any, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--org", "Hillside")
    backup = tmp_path / "only-backup.json"
    pln("export", "-o", str(backup))
    kept = sha(backup)
    line = fails(pln, dump, 5, "export", "--format", "csv", "-o", str(backup))
    assert line == f"error: {backup} already exists; nothing was written"
    assert sha(backup) == kept
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "plnhome") == [backup.name]

    result = pln("export", "--format", "csv", "-o", str(backup), "--force")
    assert result.stderr == f"Wrote {backup} ({backup.stat().st_size:,} bytes).\n"
    assert backup.read_text(encoding="utf-8").startswith("name,")
    assert mode(backup) == 0o600


def test_export_onto_a_link_writes_its_target_and_says_so(
    pln: Any, dump: Any, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    line = fails(pln, dump, 5, "export", "--format", "csv", "-o", str(link))
    assert line == f"error: {link} already exists (a link to {real}); nothing was written"
    assert real.read_text(encoding="utf-8") == "old\n"

    result = pln("export", "--format", "csv", "-o", str(link), "--force")
    assert f"Wrote {real} (through the link {link})" in result.stderr
    assert link.is_symlink()
    assert os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("name,")

    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere" / "x.csv")
    line = fails(pln, dump, 2, "export", "--format", "csv", "-o", str(dangling), "--force")
    assert "which does not exist; nothing was written" in line
    assert dangling.is_symlink()
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.sqlite_only(reason="a copy of the SQLite file (a shared book is backed up by pg_dump)")
def test_db_backup_refuses_an_existing_file_unless_force(
    pln: Any, dump: Any, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    target = tmp_path / "b.db"
    target.write_bytes(b"precious")
    line = fails(pln, dump, 5, "db", "backup", str(target))
    assert line == f"error: {target} already exists; nothing was written"
    assert target.read_bytes() == b"precious"
    pln("db", "backup", str(target), "--force")
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
    link = tmp_path / "b-link.db"
    link.symlink_to(target)
    result = pln("db", "backup", str(link), "--force")
    assert f"Backed up to {target} (through the link {link})" in result.stderr
    assert link.is_symlink()


def test_import_refuses_to_replace_an_existing_rejects_file(
    pln: Any, dump: Any, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    src = tmp_path / "in.csv"
    src.write_text("name,email\nBen Okafor,ben@example.org\nCleo,not-an-email\n", encoding="utf-8")
    rejects = tmp_path / "in.csv.rejects.txt"
    rejects.write_text("my own notes\n", encoding="utf-8")
    line = fails(pln, dump, 5, "import", str(src), "--skip-invalid")
    assert line == f"error: {rejects} already exists; nothing was written"
    assert rejects.read_text(encoding="utf-8") == "my own notes\n"
    pln("import", str(src), "--skip-invalid", "--force")
    assert "not-an-email" in rejects.read_text(encoding="utf-8") or "email" in rejects.read_text(
        encoding="utf-8"
    )
    assert [p["name"] for p in pln.json("list")] == ["Ana Ruiz", "Ben Okafor"]


# ---- issue 10 item 4: FIFOs and devices are written to, never replaced ---------------------------


def test_export_to_a_fifo_writes_into_it(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--org", "Hillside")
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # `cat f` waiting (the book is small)
    try:
        pln("export", "-o", str(fifo))
        got = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    doc = json.loads(got)
    assert [p["name"] for p in doc["tables"]["person"]] == ["Ana Ruiz"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "plnhome") == ["f"]


def system_file(tmp_path: Path, name: str) -> Path:
    """``/dev/NAME``; as root, a private twin of it in tmp_path: a pln that replaced its
    target (the bug tested for) could otherwise replace the system's own /dev/null."""
    if os.geteuid() != 0:
        return Path("/dev") / name
    twin = tmp_path / name
    if name == "null":
        os.mknod(twin, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        twin.symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    return twin


def test_export_to_dev_null_and_dev_stdout_keeps_them(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    null = system_file(tmp_path, "null")
    before = os.stat(null)
    pln("export", "-o", str(null))
    after = os.stat(null)
    assert stat.S_ISCHR(after.st_mode)
    assert after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino
    stdout = system_file(tmp_path, "stdout")
    r = subprocess.run(
        argv("export", "--format", "csv", "-o", str(stdout)),
        env=env_for(db_path),
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().startswith("name,")
    assert "Ana Ruiz" in r.stdout.decode()
    assert stdout.is_symlink()


@pytest.mark.sqlite_only(reason="a copy of the SQLite file (a shared book is backed up by pg_dump)")
def test_a_backup_into_a_fifo_is_refused(pln: Any, dump: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    for flags in ((), ("--force",)):
        line = fails(pln, dump, 2, "db", "backup", str(fifo), *flags)
        assert line == f"error: {fifo} is not a regular file; nothing was written"
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_export_into_a_directory_is_refused(pln: Any, dump: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "export", "-o", str(tmp_path), "--force")
    assert line == f"error: {tmp_path} is a directory; nothing was written"


# ---- issue 10 item 10: leftovers of killed copies ----------------------------------------------


def test_temporary_files_of_gone_processes_are_removed_by_an_export(
    pln: Any, tmp_path: Path
) -> None:
    stale_files_go(pln, tmp_path, "export")


@pytest.mark.sqlite_only(reason="a copy of the SQLite file (a shared book is backed up by pg_dump)")
def test_temporary_files_of_gone_processes_are_removed_by_a_backup(
    pln: Any, tmp_path: Path
) -> None:
    stale_files_go(pln, tmp_path, "backup")


def stale_files_go(pln: Any, tmp_path: Path, how: str) -> None:
    """Leftovers of killed copies (of any target's name) go; other files stay."""
    pln("add", "Ana Ruiz")
    folder = tmp_path / "out"
    folder.mkdir()
    gone = dead_pid()
    stale = [
        f".people.csv.tmp-{gone}",
        f"pln-20261101-090000.db.tmp-{gone}",
        f"pln-20261101-090000.db.tmp-{gone}-journal",
        f".book.json.tmp-{gone}",
    ]
    alive = [f".other.json.tmp-{os.getpid()}", "notes.tmp-1x", "keep.txt"]
    for name in stale + alive:
        (folder / name).write_bytes(b"personal data")
    if how == "export":
        pln("export", "-o", str(folder / "new.json"))
        made = "new.json"
    else:
        pln("db", "backup", str(folder / "new.db"))
        made = "new.db"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*alive, made])


NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
    min_size=1,
    max_size=40,
).filter(lambda n: n not in (".", "..") and re.fullmatch(r".+\.tmp-\d+.*", n) is None)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(NAMES, min_size=1, max_size=4, unique=True))
def test_stale_temporary_files_of_any_name_go_and_nothing_else(
    pln: Any, tmp_path: Path, names: list[str]
) -> None:
    if not list(tmp_path.glob("plnhome")):
        pln("add", "Ana Ruiz")
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    gone = dead_pid()
    stale = [f".{n}.tmp-{gone}" for n in names] + [f"{n}.tmp-{gone}-journal" for n in names]
    kept = [*names, *(f"{n}.tmp-{os.getpid()}" for n in names)]
    for name in stale + kept:
        (folder / name).write_bytes(b"personal data")
    pln("export", "-o", str(folder / "out.json"))
    assert sorted(p.name for p in folder.iterdir()) == sorted([*kept, "out.json"])


def test_a_backup_on_a_full_disk_says_the_disk_is_full(
    pln: Any, big_db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    # half of what is written: the export, and on SQLite also the copy of the file
    limit = len(pln("export").stdout) // 2
    copies = [("export", "-o", str(folder / "e.json"))]
    if shared_book(big_db) is None:  # a shared book is backed up by pg_dump, not pln
        limit = min(limit, big_db.stat().st_size // 2)
        copies.insert(0, ("db", "backup", str(folder / "b.db")))

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    before = stored(big_db)
    for args in copies:
        r = subprocess.run(
            argv(*args),
            env=env_for(big_db),
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=limited,
        )
        assert r.returncode == 7, r.stderr
        assert r.stderr.splitlines()[0].endswith(": the disk is full; nothing was written")
        assert list(folder.iterdir()) == []
    assert stored(big_db) == before


# ---- issue 10 item 5: a file pln refuses keeps every byte ----------------------------------------


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


def newer(path: Path) -> None:
    from plncli.migrations import LATEST

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()


def made_by_pln(pln: Any, path: Path, *, wal: bool) -> Path:
    """A small book; ``wal``: in WAL mode as pln leaves it, else a rollback-mode backup."""
    pln("add", "Ana Ruiz", "--org", "Hillside")
    if wal:
        pln("--db", str(path), "add", "Ben Okafor")
    else:
        pln("db", "backup", str(path))
    assert path.read_bytes()[18:20] == (b"\x02\x02" if wal else b"\x01\x01")
    return path


READS_AND_WRITES = [("list",), ("due",), ("add", "Cleo"), ("db", "status"), ("db", "check")]


@pytest.mark.sqlite_only(reason="a SQLite file from a newer pln")
@pytest.mark.parametrize("wal", [False, True], ids=["rollback", "wal"])
def test_a_database_from_a_newer_pln_is_refused_byte_for_byte(
    pln: Any, tmp_path: Path, wal: bool
) -> None:
    book = made_by_pln(pln, tmp_path / "book.db", wal=wal)
    newer(book)
    before, beside = sha(book), files_beside(book)
    for args in READS_AND_WRITES:
        result = pln("--db", str(book), *args, code=7)
        line = assert_clean_error(result)
        assert line.startswith(f"error: database {book} was written by a newer pln"), line
        assert sha(book) == before
        assert files_beside(book) == beside


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
def test_a_newer_version_only_in_the_wal_is_refused_byte_for_byte(pln: Any, tmp_path: Path) -> None:
    from plncli.migrations import LATEST

    book = made_by_pln(pln, tmp_path / "book.db", wal=True)
    code = (
        "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        f" c.execute('PRAGMA user_version = {LATEST + 1}'); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(book)], check=True)  # killed: -wal stays
    wal = Path(f"{book}-wal")
    assert wal.stat().st_size > 0
    before = sha(book), sha(wal)
    result = pln("--db", str(book), "list", code=7)
    assert "was written by a newer pln" in result.stderr
    assert (sha(book), sha(wal)) == before


def damage(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    data[(page - 1) * 4096] = 0x07  # not a b-tree page type
    path.write_bytes(bytes(data))


@pytest.mark.sqlite_only(reason="a damaged SQLite file")
def test_a_damaged_rollback_mode_file_is_refused_unchanged(pln: Any, tmp_path: Path) -> None:
    book = made_by_pln(pln, tmp_path / "book.db", wal=False)
    conn = sqlite3.connect(book)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'person'").fetchone()[0]
    conn.close()
    damage(book, root)
    before = sha(book)
    for args in (("list",), ("show", "Ana"), ("add", "Cleo")):
        result = pln("--db", str(book), *args, code=7)
        line = assert_clean_error(result)
        assert line.startswith(f"error: database {book} is damaged"), line
        assert sha(book) == before
        assert files_beside(book) == ["book.db"]
    result = pln("--db", str(book), "db", "check", code=7)
    assert sha(book) == before
    assert files_beside(book) == ["book.db"]


@pytest.mark.sqlite_only(reason="the SQLite file's bytes")
@pytest.mark.parametrize("wal", [False, True], ids=["rollback", "wal"])
def test_db_check_never_changes_the_file_it_checks(pln: Any, tmp_path: Path, wal: bool) -> None:
    book = made_by_pln(pln, tmp_path / "book.db", wal=wal)
    before = sha(book)
    doc = pln.json("--db", str(book), "db", "check")
    assert doc["healthy"] is True
    assert sha(book) == before
    assert files_beside(book) == ["book.db"]


# ---- issue 10 item 6: an unclean -wal is kept aside ---------------------------------------------


def unclean_wal(book: Path, sql: str) -> Path:
    """Run ``sql`` in a process that then dies without closing: its -wal stays behind."""
    code = (
        "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        " c.execute(sys.argv[2]); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(book), sql], check=True)
    wal = Path(f"{book}-wal")
    assert wal.stat().st_size > 0
    return wal


def kept_copies(book: Path) -> list[Path]:
    return sorted(book.parent.glob(f"{book.name}-wal.unclean-*"))


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
def test_a_wal_left_by_an_unclean_close_is_copied_aside_first(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--org", "Old Org")
    wal = unclean_wal(db_path, "UPDATE person SET org = 'New Org'")
    evidence = wal.read_bytes()
    result = pln("list", "--json")
    [kept] = kept_copies(db_path)
    assert result.stderr == (
        f"note: {wal} was left by a pln (or another program) that did not close the book"
        f" cleanly; a copy is kept at {kept}\n"
    )
    assert kept.read_bytes() == evidence
    assert mode(kept) == 0o600
    assert [p["org"] for p in json.loads(result.stdout)] == ["New Org"]
    pln("list")  # closed cleanly since: nothing more to keep
    assert kept_copies(db_path) == [kept]


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
def test_a_damaged_wal_is_kept_before_sqlite_drops_it(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--org", "Old Org")
    wal = unclean_wal(db_path, "UPDATE person SET org = 'New Org'")
    data = bytearray(wal.read_bytes())
    data[-100] ^= 0xFF  # the last frame's checksum no longer matches: SQLite ignores it
    wal.write_bytes(bytes(data))
    pln("list")
    assert not wal.exists() or wal.stat().st_size == 0  # SQLite's clean close removed it...
    [kept] = kept_copies(db_path)
    assert kept.read_bytes() == bytes(data)  # ...but the evidence is kept


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
def test_a_lost_wal_is_an_error_until_the_user_decides(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--org", "Old Org")
    wal = unclean_wal(db_path, "UPDATE person SET org = 'New Org'")
    wal.unlink()  # copied without it, or deleted by hand
    before = sha(db_path)
    for args in (("list",), ("add", "Ben"), ("db", "check")):
        line = assert_clean_error(pln(*args, code=7))
        assert line == (
            f"error: {wal} is missing or cut short: the changes it held are not in {db_path};"
            " pln did not change the book"
        )
        assert sha(db_path) == before
    Path(f"{db_path}-shm").unlink()  # the user's choice: open without those changes
    assert [p["org"] for p in pln.json("list")] == ["Old Org"]


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
@pytest.mark.parametrize("when", ["before the copy", "during the copy"])
def test_a_wal_a_clean_close_removes_meanwhile_is_not_an_error(
    pln: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Another pln's clean close removes the -shm, then the -wal (SQLite's order). Seen in
    between, the -wal looks left behind; when it is gone by the time it is copied, there was
    nothing to keep: no error (CI's two-writer race met this), no note, no copy."""
    import plncli.opening as opening

    pln("add", "Ana Ruiz", "--org", "Old Org")
    code = (
        "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        " c.execute(\"UPDATE person SET org = 'New Org'\");"
        " c.execute('PRAGMA wal_checkpoint(PASSIVE)'); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True)
    wal = Path(f"{db_path}-wal")
    assert wal.stat().st_size > 0
    Path(f"{db_path}-shm").unlink()  # the closer's first step
    copy = opening._copy_private

    def closer_finishes(source: str, target: str) -> None:
        if when == "before the copy":
            wal.unlink()
        copy(source, target)
        if when == "during the copy":
            wal.unlink()

    monkeypatch.setattr(opening, "_copy_private", closer_finishes)
    result = pln("list", "--json")
    assert result.stderr == ""
    assert [p["org"] for p in json.loads(result.stdout)] == ["New Org"]
    assert kept_copies(db_path) == []


@pytest.mark.sqlite_only(reason="SQLite's WAL file")
def test_a_wal_of_a_book_in_use_is_left_alone(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    other = sqlite3.connect(db_path, isolation_level=None)  # another pln, still running
    try:
        other.execute("UPDATE person SET org = 'Busy Org'")
        assert Path(f"{db_path}-wal").stat().st_size > 0
        result = pln("list", "--json")
        assert result.stderr == ""
        assert [p["org"] for p in json.loads(result.stdout)] == ["Busy Org"]
        assert kept_copies(db_path) == []
        other.execute("UPDATE person SET org = 'Still Works'")  # its locks were not disturbed
    finally:
        other.close()


# ---- issue 9 item 13: reads never create a book ------------------------------------------------

READS = [
    ("due",),
    ("due", "--json"),
    ("list",),
    ("list", "--json"),
    ("find", "Ana"),
    ("events",),
    ("reminders",),
    ("intros",),
    ("who", "assessment"),
    ("introduce",),
    ("history",),
    ("export",),
    ("db", "status"),
    ("private",),
]
WRITES_NEEDING_PEOPLE = [
    ("done", "3"),
    ("log", "Ana", "-m", "coffee"),
    ("edit", "Ana", "--org", "X"),
    ("undo", "--yes"),
    ("db", "backup"),
    ("db", "check"),
]


@pytest.mark.sqlite_only(reason="a path to a SQLite file")
@pytest.mark.parametrize("fast", [True, False], ids=["fast-path", "typer"])
@pytest.mark.parametrize("args", READS + WRITES_NEEDING_PEOPLE, ids=" ".join)
def test_a_mistyped_database_path_is_an_error_not_a_new_book(
    tmp_path: Path, args: tuple[str, ...], fast: bool
) -> None:
    typo = tmp_path / "typo.db"
    for how in ("--db", "PLN_DB"):
        env = env_for(typo, **({} if fast else {"PLN_NO_FASTPATH": "1"}))
        cmd = argv("--db", str(typo), *args) if how == "--db" else argv(*args)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 7, (how, r.stderr)
        assert r.stdout == ""
        assert r.stderr.splitlines() == [
            f"error: database {typo} does not exist",
            "hint: check the path; `pln add NAME` or `pln import FILE` creates a new book there",
        ]
        assert list(tmp_path.iterdir()) == []


EMPTY = "The book is empty: there is no {} yet. Start with `pln add NAME` or `pln import FILE`.\n"


@pytest.mark.sqlite_only(reason="the SQLite file is made by the first write")
@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_before_the_first_write_says_the_book_is_empty(
    pln: Any, env_setup: Path, db_path: Path, args: tuple[str, ...]
) -> None:
    result = pln(*args)
    assert result.stderr.endswith(EMPTY.format(db_path))
    assert not env_setup.exists()  # no file, not even pln's folder
    if "--json" in args:
        assert json.loads(result.stdout) == []


def test_the_fast_path_says_the_book_is_empty_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = env_for(tmp_path / "unused.db")
    del env["PLN_DB"]
    env["PLN_HOME"] = str(home)
    for args in (("due", "--json"), ("list",), ("show", "Ana")):
        r = subprocess.run(argv(*args), env=env, capture_output=True, text=True, timeout=60)
        if args[0] == "show":  # an error is one line (and its hint), nothing more
            assert r.returncode == 3
            assert r.stderr.splitlines()[0] == "error: no one matches 'Ana'"
            assert "book is empty" not in r.stderr
        else:
            assert r.returncode == 0, r.stderr
            assert r.stderr.count("The book is empty") == 1
    r = subprocess.run(argv("due"), env=env, capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, "")  # not "in good shape": there is no book
    assert r.stderr.count("The book is empty") == 1
    assert not home.exists()


@pytest.mark.sqlite_only(reason="the SQLite file is made by the first write")
def test_writes_that_need_people_say_there_is_no_book_yet(
    pln: Any, env_setup: Path, db_path: Path
) -> None:
    needs = (("done", "3"), ("log", "Ana", "-m", "x"), ("db", "backup"), ("db", "check"))
    for args in needs:
        line = assert_clean_error(pln(*args, code=7))
        assert line == f"error: there is no book at {db_path} yet", line
    assert assert_clean_error(pln("undo", "-y", code=3)).startswith("error: ")
    assert not env_setup.exists()
    assert pln("db", "path").stdout == f"{db_path}\n"
    assert not env_setup.exists()


@pytest.mark.sqlite_only(reason="the SQLite file is made by the first write")
def test_only_a_write_creates_the_book_and_says_so_once(
    pln: Any, env_setup: Path, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "", code=2)  # a failed write leaves no book behind
    assert not db_path.exists()
    result = pln("add", "Ana Ruiz")
    assert result.stderr == f"Added Ana Ruiz (#1).\nCreated a new book at {db_path}.\n"
    assert mode(db_path) == 0o600
    assert pln("add", "Ben Okafor").stderr == "Added Ben Okafor (#2).\n"
    assert pln("due").stderr == ""
    other = tmp_path / "elsewhere.db"
    result = pln("--db", str(other), "add", "Cleo")
    assert result.stderr == f"Added Cleo (#1).\nCreated a new book at {other}.\n"
    src = tmp_path / "in.csv"
    src.write_text("name\nDee\n", encoding="utf-8")
    fresh = tmp_path / "fresh.db"
    preview = pln("--db", str(fresh), "import", str(src), "--dry-run")  # a dry run only reads
    assert preview.stderr.endswith(f"There is no {fresh} yet: the import would create it.\n")
    assert not fresh.exists()
    result = pln("--db", str(fresh), "import", str(src))
    assert result.stderr.endswith(f"Created a new book at {fresh}.\n")
    assert [p["name"] for p in pln.json("--db", str(fresh), "list")] == ["Dee"]
