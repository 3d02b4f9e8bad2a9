"""The everyday commands on a shared book (PostgreSQL), driven through the real CLI with
``--db postgresql://…`` and compared with the same commands on a SQLite book built the same
way: the seed of "the same suite on both engines". Also: who made each change (`pln
history`), `pln undo` between two members, local days in a zone other than UTC, and
several writers at once. Skipped, with one line, without a server (tests/pgserver.py)."""

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error

psycopg = pytest.importorskip("psycopg")

SRC = str(Path(__file__).resolve().parent.parent / "src")

# A day of a small book: adding, listing, showing, searching, logging, what is due.
DAY = [
    [
        "add",
        "Ana Ruiz",
        "--org",
        "Escuela Pública",
        "--topic",
        "assessment",
        "--circle",
        "colleague",
    ],
    ["add", "Ben Okafor", "--org", "Northfield Academy", "--topic", "reading", "--role", "HoD"],
    ["add", "Carla Núñez", "--topic", "Assessment for learning", "--note", "quiz designs"],
    ["add", "Dev Patel", "--met-at", "ResearchEd", "--on", "2026-11-01", "--role-tag", "mentor"]
    + ["--follow-up", "in 3 days", "--email", "dev@example.org"],
    ["add", "Ana Ruiz"],  # a likely duplicate: refused, exit 5
    ["list"],
    ["list", "--json"],
    ["list", "--org", "publica"],
    ["list", "--topic", "assessment"],
    ["list", "--circle", "colleague", "--sort", "added"],
    ["show", "Ana"],
    ["show", "carla", "--json"],
    ["show", "Nobody"],  # not found, exit 3
    ["find", "escuela"],
    ["find", "nunez"],
    ["find", "assess", "--json"],
    ["find", "zzz"],
    ["log", "Ana", "-m", "Coffee: swapped quiz designs", "--kind", "coffee", "--on", "yesterday"],
    ["log", "Ana", "Ben", "-m", "Call about the reading list", "--kind", "call"],
    ["log", "Zed", "-m", "nobody"],  # not found, exit 3
    ["show", "Ana"],
    ["find", "quiz"],
    ["due"],
    ["due", "--within", "90d", "--json"],
    ["due", "--circle", "network", "--within", "1y"],
    ["due", "--topic", "reading", "--within", "1y"],
    ["list", "--met-at", "researched", "--role-tag", "mentor"],
    ["show", "Dev", "--all"],
    ["list", "--sort", "last-contact"],
]


def _db(url: str) -> str:
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])


def _run(pln: Any, book: str, argv: list[str]) -> Any:
    return pln.runner.invoke(_app(), ["--db", book, *argv])


def _app() -> Any:
    from plncli.cli import app

    return app


def _stderr(result: Any) -> list[str]:
    """What the command said on stderr, but the SQLite book's "Created a new book" note."""
    return [line for line in result.stderr.splitlines() if not line.startswith("Created a new")]


# with or without its urn:uuid: (a calendar event names its person by the bare UUID)
_UID = re.compile(
    r"(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)


def same_but_uids(text: str) -> str:
    """The text with each person's UID (random by design: RFC 6350) as one placeholder."""
    return _UID.sub("urn:uuid:(uid)", text)


def on_both(pln: Any, tmp_path: Path, url: str, script: list[list[str]]) -> list[Any]:
    """Run ``script`` on a new SQLite book and on the shared book at ``url`` (prepared
    here); assert every command prints the same and exits the same on both (but the
    people's UIDs, random on each). The results on the shared book."""
    assert pln("db", "init", url).exit_code == 0
    sqlite_book = str(tmp_path / "book.db")
    out = []
    for argv in script:
        lite, shared = _run(pln, sqlite_book, argv), _run(pln, url, argv)
        what = f"pln {' '.join(argv)}"
        assert shared.exit_code == lite.exit_code, (what, lite.stderr, shared.stderr)
        assert same_but_uids(shared.stdout) == same_but_uids(lite.stdout), what
        assert _stderr(shared) == _stderr(lite), what
        assert "Traceback" not in shared.stderr
        out.append(shared)
    return out


def test_the_everyday_commands_say_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    results = on_both(pln, tmp_path, pg_url, DAY)
    codes = {" ".join(argv): r.exit_code for argv, r in zip(DAY, results, strict=True)}
    assert codes["add Ana Ruiz"] == 5
    assert codes["show Nobody"] == 3
    assert codes["log Zed -m nobody"] == 3
    assert "Escuela Pública" in results[DAY.index(["find", "escuela"])].stdout
    assert "Carla Núñez" in results[DAY.index(["find", "nunez"])].stdout  # accents folded
    # and what is stored on the shared book: four people, two interactions, three links
    with psycopg.connect(pg_url) as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("person", "interaction", "interaction_person", "person_search")
        ]
    assert counts == [4, 2, 3, 4]


def test_the_fast_path_reads_a_shared_book_as_typer_does(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    """`pln list/show/find/due` are served without Typer: the same output on PostgreSQL."""
    on_both(pln, tmp_path, pg_url, DAY[:3])
    env = {**os.environ, "PYTHONPATH": SRC}
    for argv in (["list"], ["show", "Ben"], ["find", "northfield"], ["due", "--within", "1y"]):
        typer = _run(pln, pg_url, argv)
        fast = subprocess.run(
            [sys.executable, "-m", "plncli", "--db", pg_url, *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert (fast.returncode, fast.stdout) == (0, typer.stdout), argv


@pytest.fixture
def zone(request: pytest.FixtureRequest) -> Iterator[str]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    try:
        yield request.param
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


# Auckland is 13 hours ahead of UTC in November; Los Angeles 8 behind; a POSIX rule with no
# IANA name (the session gets its offset) 5 behind.
@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "EST5"], indirect=True)
def test_local_days_are_the_users_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instants near midnight fall on the user's local day (not UTC's) in `list`, `show`,
    `due` on PostgreSQL as on SQLite."""
    monkeypatch.setenv("PLN_NOW", "2026-11-23T00:30:00")  # just after local midnight
    script = [
        ["add", "Ana Ruiz", "--circle", "colleague"],
        ["add", "Ben Okafor"],
        ["log", "Ben", "-m", "late call", "--on", "2026-11-22 23:45"],
        ["list", "--sort", "last-contact"],
        ["list", "--json"],
        ["show", "Ben", "--json"],
        ["due", "--within", "30d", "--json"],
    ]
    results = on_both(pln, tmp_path, pg_url, script)
    ben = json.loads(results[5].stdout)
    assert ben["last_contact"] == "2026-11-22"  # the local day, whatever UTC's is
    listed = {p["name"]: p for p in json.loads(results[4].stdout)}
    assert listed["Ana Ruiz"]["added"] == "2026-11-23"


# --- Who made each change, and undo between members ---------------------------------------


def _member(pg_server: Any, url: str, name: str) -> str:
    """A LOGIN role in the book's write role; the URL it connects with (trust auth)."""
    db = _db(url)
    role = f"{db}_{name}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN IN ROLE "{db}_write"')
    return str(pg_server.url_for(db, user=role))


@pytest.fixture
def members(pln: Any, pg_server: Any, pg_url: str) -> tuple[str, str, str]:
    """A prepared shared book and two members who may write: (db, ana's URL, ben's URL)."""
    assert pln("db", "init", pg_url).exit_code == 0
    return _db(pg_url), _member(pg_server, pg_url, "ana"), _member(pg_server, pg_url, "ben")


def test_history_shows_who_made_each_change(pln: Any, members: tuple[str, str, str]) -> None:
    db, ana, ben = members
    pln("--db", ana, "add", "Carla Núñez")
    pln("--db", ben, "add", "Dev Patel")
    pln("--db", ben, "log", "Carla", "-m", "Coffee")
    table = pln("--db", ana, "history").stdout.splitlines()
    assert table[0].split()[:4] == ["#", "when", "by", "command"]
    by = [line.split()[3] for line in table[1:]]
    assert by == [f"{db}_ben", f"{db}_ben", f"{db}_ana"]
    entries = pln.json("--db", ben, "history")
    assert [e["author"] for e in entries] == [f"{db}_ben", f"{db}_ben", f"{db}_ana"]
    assert entries[2]["command"].endswith("add 'Carla Núñez'")


def test_undo_reverts_your_own_newest_change_not_another_members(
    pln: Any, members: tuple[str, str, str]
) -> None:
    db, ana, ben = members
    pln("--db", ana, "add", "Carla Núñez")
    pln("--db", ben, "add", "Dev Patel")  # ben's, newer: not ana's to undo
    result = pln("--db", ana, "undo", "--yes")
    said = result.stdout + result.stderr
    assert said.startswith("Undo #1: ")
    assert "add 'Carla Núñez'" in said
    names = [p["name"] for p in pln.json("--db", ben, "list")]
    assert names == ["Dev Patel"]
    undone = pln.json("--db", ana, "history")[0]
    assert (undone["kind"], undone["author"]) == ("undo", f"{db}_ana")
    # nothing of ana's is left to undo; ben's change stays
    line = assert_clean_error(pln("--db", ana, "undo", "--yes", code=3))
    assert line == "error: you have no change to undo"
    assert [p["name"] for p in pln.json("--db", ana, "list")] == ["Dev Patel"]


def test_undo_is_refused_naming_the_other_members_change_to_the_same_rows(
    pln: Any, members: tuple[str, str, str]
) -> None:
    db, ana, ben = members
    pln("--db", ana, "add", "Carla Núñez")
    pln("--db", ana, "log", "Carla", "-m", "Coffee", "--on", "yesterday")  # #2: ana's newest
    pln("--db", ben, "log", "Carla", "-m", "Call")  # #3: ben's moves Carla's last contact on
    with psycopg.connect(ana) as conn:
        before = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
        steps = conn.execute("SELECT count(*) FROM undo_step").fetchone()[0]
    result = pln("--db", ana, "undo", "--yes", code=5)
    line = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert line == [
        f"error: change #3 (by {db}_ben) changed the same records after change #2;"
        " nothing was undone"
    ]
    assert "Traceback" not in result.stderr
    with psycopg.connect(ana) as conn:
        assert conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == before == 2
        assert conn.execute("SELECT count(*) FROM undo_step").fetchone()[0] == steps
        assert conn.execute("SELECT max(id) FROM change_log").fetchone()[0] == 3
    # ben's newest is his own: he may undo it, and then ana may undo hers
    pln("--db", ben, "undo", "--yes")
    pln("--db", ana, "undo", "--yes")
    carla = pln.json("--db", ana, "show", "Carla")
    assert carla["interactions"] == []


# --- Several writers at once ---------------------------------------------------------------

WRITERS, COMMANDS = 8, 10


def _pln(url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plncli", "--db", url, *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        check=False,
    )


def _writer(url: str, n: int) -> list[tuple[list[str], subprocess.CompletedProcess[str]]]:
    """One member's session: the shared person first (all at once), then their own
    person, then logs with them and with the shared person."""
    done = []
    script = [["add", "Shared Person"], ["add", f"Writer {n}"]]
    script += [
        ["log", f"Writer {n}", *(["Shared Person"] if i % 2 else []), "-m", f"w{n} note {i}"]
        for i in range(COMMANDS - 2)
    ]
    for argv in script:
        done.append((argv, _pln(url, *argv)))
    return done


@pytest.mark.slow
def test_eight_writers_at_once_lose_nothing(pln: Any, pg_url: str) -> None:
    pln("db", "init", pg_url)
    with ThreadPoolExecutor(WRITERS) as pool:
        sessions = list(pool.map(lambda n: _writer(pg_url, n), range(WRITERS)))
    added, logged, shared_adds, with_shared = 0, 0, 0, 0
    for session in sessions:
        for argv, done in session:
            assert "Traceback" not in done.stderr, done.stderr
            if done.returncode != 0:  # refused: one clear line, and (below) nothing stored
                lines = done.stderr.splitlines()
                assert lines[0].startswith("error: "), done.stderr
                assert done.returncode in (5, 6), done.stderr
                continue
            if argv[0] == "add":
                added += 1
                shared_adds += argv[1] == "Shared Person"
            else:
                logged += 1
                with_shared += "Shared Person" in argv
    # Two members adding the same person at once: one person, the others refused (exit 5).
    assert shared_adds == 1
    refusals = [d for s in sessions for a, d in s if a == ["add", "Shared Person"]]
    assert sorted(d.returncode for d in refusals) == [0] + [5] * (WRITERS - 1)
    with psycopg.connect(pg_url) as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        assert count("SELECT count(*) FROM person") == added
        assert count("SELECT count(*) FROM interaction") == logged
        assert count("SELECT count(*) FROM interaction_person") == logged + with_shared
        assert count("SELECT count(*) FROM change_log") == added + logged
        assert count("SELECT count(*) FROM person WHERE name = 'Shared Person'") == 1


def test_a_member_who_only_reads_reads_and_is_refused_a_write_in_one_line(
    pln: Any, pg_server: Any, pg_url: str
) -> None:
    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz")
    db = _db(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{db}_cleo" LOGIN IN ROLE "{db}_read"')
    cleo = str(pg_server.url_for(db, user=f"{db}_cleo"))
    assert [p["name"] for p in pln.json("--db", cleo, "list")] == ["Ana Ruiz"]
    assert "Ana Ruiz" in pln("--db", cleo, "find", "ruiz").stdout
    result = pln("--db", cleo, "log", "Ana", "-m", "Coffee", code=7)
    assert assert_clean_error(result) == "error: your PostgreSQL role may not change this book"
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM interaction").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == 1


@pytest.mark.slow
def test_a_write_that_waits_too_long_for_the_book_is_busy_and_changes_nothing(
    pln: Any, pg_url: str
) -> None:
    """Another writer holds the book's write lock past the 5 s lock timeout: exit 6, one line."""
    from plncli.store.pg import WRITE_LOCK

    pln("db", "init", pg_url)
    pln("--db", pg_url, "add", "Ana Ruiz")
    with psycopg.connect(pg_url) as holder:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        result = pln("--db", pg_url, "log", "Ana", "-m", "Coffee", code=6)
        assert "Ana Ruiz" in pln("--db", pg_url, "list").stdout  # readers never wait
        holder.rollback()
    line = assert_clean_error(result)
    assert line == "error: the shared book is busy (other members are writing)"
    assert pln.json("--db", pg_url, "show", "Ana")["interactions"] == []
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM change_log").fetchone()[0] == 1
