"""The fast path for `pln introduce` and `pln intro ...` prints and stores what Typer does.

Every command is run both ways, each on its own copy of the same book: ``fast.run``
(as ``pln`` runs it, falling back to the Typer app when it returns None) and the
Typer app alone. Standard output, standard error, the exit code and every stored
row (history included, but for the wall-clock instant of each change) must agree.
"""

import os
import pty
import runpy
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plncli import fast, fast_intro
from plncli.cli import app as typer_app

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def demo(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    monkeypatch.setenv("PLN_DB", str(db_path))
    monkeypatch.setattr("sys.argv", ["load_demo.py", str(EXAMPLES / "demo-network.json")])
    runpy.run_path(str(EXAMPLES / "load_demo.py"), run_name="__main__")
    return db_path


def rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table; a change's wall-clock instant is the one thing left out."""
    conn = sqlite3.connect(db)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        found = {}
        for table in tables:
            data = sorted(conn.execute(f'SELECT * FROM "{table}"'), key=repr)
            if table == "change_log":
                data = [(r[0], None, *r[2:]) for r in data]  # (id, at, command, ...)
            found[table] = data
        return found
    finally:
        conn.close()


class TwoBooks:
    """The same book twice: one for the fast path, one for the Typer app."""

    def __init__(self, demo: Path, tmp: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
        self.fast_db, self.typer_db = tmp / "fast.db", tmp / "typer.db"
        for target in (self.fast_db, self.typer_db):
            copy(demo, target)
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def run_fast(self, argv: list[str]) -> tuple[int | None, str, str, int]:
        """What `pln ARGV` does: the fast path, else Typer. (served?, stdout, stderr, code)"""
        self.monkeypatch.setenv("PLN_DB", str(self.fast_db))
        self.capsys.readouterr()
        served = fast.run(argv)
        got = self.capsys.readouterr()
        if served is not None:
            return served, got.out, got.err, served
        assert (got.out, got.err) == ("", ""), "a command handed to Typer printed nothing"
        out, err, code = self._typer(argv)
        return None, out, err, code

    def run_typer(self, argv: list[str]) -> tuple[str, str, int]:
        self.monkeypatch.setenv("PLN_DB", str(self.typer_db))
        return self._typer(argv)

    def _typer(self, argv: list[str]) -> tuple[str, str, int]:
        from typer.testing import CliRunner

        result = CliRunner().invoke(typer_app, argv)
        assert "Traceback" not in result.stdout + result.stderr
        return result.stdout, result.stderr, result.exit_code

    def agree(self, argv: list[str]) -> tuple[int | None, str, str, int]:
        served, out, err, code = self.run_fast(argv)
        assert (out, err, code) == self.run_typer(argv), argv
        assert rows(self.fast_db) == rows(self.typer_db), argv
        return served, out, err, code


def copy(src: Path, dst: Path) -> None:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


@pytest.fixture
def books(demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> TwoBooks:
    return TwoBooks(demo, tmp_path, monkeypatch, capsys)


READS = [
    ["introduce"],
    ["introduce", "--json"],
    ["introduce", "--limit", "3", "--per-person=1"],
    ["introduce", "--for", "Ana Ruiz"],
    ["introduce", "Declan"],
    ["introduce", "--for", "#4", "--json"],
    ["introduce", "--for", "Ana", "--topic", "assessment", "--json"],
    ["introduce", "--topic", "retrieval practice", "--limit=2"],
    ["introduce", "--include-following", "--limit", "4"],
    ["introduce", "--for", "Rebecca Thornton", "--include-following"],
    ["introduce", "--for", "Declan Byrn"],  # a close spelling: a read takes it and says so
    ["introduce", "Declan", "Fiona", "--draft"],
    ["introduce", "--draft", "Declan", "Fiona", "--json"],
    ["--db", "{db}", "introduce", "--limit", "2"],
]


@pytest.mark.parametrize("argv", READS, ids=" ".join)
def test_reads_print_the_same_both_ways(books: TwoBooks, argv: list[str]) -> None:
    if "{db}" in argv:
        argv = [books.fast_db.as_posix() if a == "{db}" else a for a in argv]
        books.typer_db = books.fast_db
    served, out, _, code = books.agree(argv)
    assert served == 0
    assert code == 0
    assert out.strip()


# A life of introductions, step by step; after each, both books must hold the same rows.
STORY = [
    ["introduce", "Declan", "Fiona", "-m", "both planning a trial"],
    ["intro", "asked", "Declan", "Fiona"],
    ["intro", "asked", "Fiona", "Declan", "--json"],
    ["intro", "made", "Declan", "Fiona"],
    ["intro", "outcome", "Declan", "Fiona", "connected", "-m", "co-running it now"],
    ["intro", "outcome", "Declan", "Fiona", "nothing", "--json"],
    ["intro", "outcome", "Declan", "Fiona", "nothing"],  # the same again: nothing changes
    ["introduce", "Kwame Mensah", "Ben Okafor", "--json"],
    ["intro", "declined", "Kwame", "Ben Okafor", "--json"],
    ["introduce", "Ana Ruiz", "Ben Okafor"],  # they already know each other
    ["introduce", "Wei Chen", "Leah Goldberg", "--dismiss"],
    ["introduce", "Wei", "Kofi", "--dismiss", "--until", "in 3 months"],
    ["intro", "made", "Wei Chen", "Kofi Asante", "--json"],  # never proposed
    ["introduce", "Eleanor Pryce", "Hannah Clarke", "--message=why not"],
    ["intro", "declined", "Hannah Clarke", "Eleanor"],
]
ERRORS = [
    ["introduce", "Declan", "Declan"],  # cannot introduce someone to themselves
    ["introduce", "Declan", "Nobody Atall"],
    ["introduce", "Declan", "Fiona", "--until", "tomorrow"],  # --until without --dismiss
    ["introduce", "Declan", "Fiona", "--dismiss", "--until", "yesterday"],
    ["introduce", "Declan", "Fiona", "--dismiss", "--until", "someday"],
    ["introduce", "Declan", "-m", "x"],  # -m needs two people
    ["introduce", "Declan", "--for", "Fiona"],
    ["introduce", "Declan", "Rebecca Thornton"],  # only followed
    ["intro", "made", "Declan", "Zoe"],  # no introduction recorded
    ["intro", "outcome", "Declan", "Fiona", "maybe"],
    ["intro", "asked", "Declan", "Fiona Macleodd"],  # a close spelling in a write
    ["introduce", "Declan Byrn", "Fiona"],
    ["introduce", "--for", "Nobody Atall"],
    ["intro", "declined", "Zo", "Ana"],
]


def test_writes_store_and_print_the_same_both_ways(books: TwoBooks) -> None:
    served_all = []
    for argv in STORY:
        served, _, err, code = books.agree(argv)
        served_all.append(served)
        if code == 0:
            assert served == 0, f"the fast path should serve {argv}"
    commands = [r[2] for r in rows(books.fast_db)["change_log"]]
    assert "pln intro asked Declan Fiona" in commands
    assert "pln introduce 'Eleanor Pryce' 'Hannah Clarke' '--message=why not'" in commands
    assert served_all.count(0) >= 10


@pytest.mark.parametrize("argv", ERRORS, ids=" ".join)
def test_errors_are_left_to_typer_and_change_nothing(books: TwoBooks, argv: list[str]) -> None:
    books.agree(["introduce", "Declan", "Fiona"])  # something to find, and to keep
    before = rows(books.fast_db)
    served, out, err, code = books.agree(argv)
    assert served is None
    assert code != 0
    assert out == ""
    assert err.startswith("error: ")
    assert rows(books.fast_db) == before


def test_history_records_the_command_as_typed(books: TwoBooks) -> None:
    books.agree(["introduce", "Declan", "Fiona", "-m", "a note"])
    history = rows(books.fast_db)["change_log"]
    assert history[-1][2:4] == ("pln introduce Declan Fiona -m 'a note'", "change")


@pytest.mark.parametrize(
    "argv",
    [
        ["introduce", "--help"],
        ["introduce", "-h"],
        ["introduce", "--limit", "0"],
        ["introduce", "--limit", "x"],
        ["introduce", "--limit", "²"],
        ["introduce", "--per-person", "-1"],
        ["introduce", "--limit"],
        ["introduce", "--json", "--json"],
        ["introduce", "--for", "a", "--for", "b"],
        ["introduce", "-m", "a", "--message", "b", "A", "B"],
        ["introduce", "-m=x", "A", "B"],
        ["introduce", "-mx", "A", "B"],
        ["introduce", "-m", "--json", "A", "B"],
        ["introduce", "A", "B", "C"],
        ["introduce", "--draft=yes", "A", "B"],
        ["introduce", "--nonsense"],
        ["intro"],
        ["intro", "--help"],
        ["intro", "asked", "A"],
        ["intro", "asked", "A", "B", "--nope"],
        ["intro", "outcome", "A", "B"],
        ["intro", "made", "A", "B", "-m", "x"],
        ["intro", "nope", "A", "B"],
        ["intros"],
        ["--db", "introduce"],
        ["--db=", "introduce"],
        ["introduce", "Ana\udce9"],
    ],
    ids=repr,
)
def test_anything_not_fully_understood_goes_to_typer(argv: list[str]) -> None:
    assert fast_intro.parse(argv) is None


def test_parsed_options(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert fast_intro.parse(["--db", db, "introduce", "A", "--", "-B"]) == (
        db,
        "introduce",
        {},
        ["A", "-B"],
    )
    assert fast_intro.parse(["introduce", "--limit=5", "--for", "Ana", "-m", "hi"]) == (
        None,
        "introduce",
        {"--limit": 5, "--for": "Ana", "--message": "hi"},
        [],
    )
    assert fast_intro.parse(["intro", "outcome", "A", "B", "connected", "--json"]) == (
        None,
        "intro outcome",
        {"--json": True},
        ["A", "B", "connected"],
    )


def test_the_fast_path_imports_no_framework(demo: Path) -> None:
    code = (
        "import sys\nfrom plncli import fast\n"
        "assert fast.run(['introduce', 'Declan', 'Fiona', '--draft']) == 0\n"
        "assert fast.run(['introduce', '--for', 'Declan', '--json']) == 0\n"
        "heavy = {'typer', 'click', 'rich', 'sqlmodel', 'sqlalchemy'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_the_fast_path_can_be_switched_off(books: TwoBooks, monkeypatch) -> None:
    monkeypatch.setenv("PLN_NO_FASTPATH", "1")
    assert fast.run(["introduce", "Declan", "Fiona", "--draft"]) is None


def test_output_that_cannot_be_encoded_is_reported_the_same(demo: Path) -> None:
    """`PYTHONIOENCODING=ascii` and names it cannot show: one error line, both ways."""
    results = []
    for extra in ({}, {"PLN_NO_FASTPATH": "1"}):
        db = demo.parent / f"enc{len(results)}.db"
        copy(demo, db)
        env = dict(os.environ, PLN_DB=str(db), PYTHONIOENCODING="ascii", **extra)
        argv = ["introduce", "Zoë Kowalczyk", "Siobhán Ní Bhriain", "--draft"]
        done = subprocess.run([sys.executable, "-m", "plncli", *argv], env=env, capture_output=True)
        results.append((done.stdout, done.stderr, done.returncode))
    assert results[0] == results[1]
    assert results[0][1].startswith(b"error: the output's encoding")
    assert results[0][2] == 2


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> bytes:
    """What `pln ARGV` draws on a terminal (Rich tables), read from a pseudo-terminal."""
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "plncli", *argv],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
            close_fds=True,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
        return b"".join(chunks)
    finally:
        os.close(leader)


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [["introduce", "--for", "Declan"], ["introduce", "Declan", "Fiona", "--draft"]],
    ids=" ".join,
)
def test_a_terminal_sees_the_same_both_ways(demo: Path, argv: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", COLUMNS="100", LINES="40")
    fast_drawn = _on_a_terminal(argv, env)
    typer_drawn = _on_a_terminal(argv, dict(env, PLN_NO_FASTPATH="1"))
    assert fast_drawn == typer_drawn
    assert b"\x1b[" in fast_drawn  # drawn by Rich, in colour


WORDS = st.sampled_from(
    [
        "--limit",
        "2",
        "0",
        "--for",
        "Declan",
        "Fiona",
        "Ana",
        "Nobody",
        "--topic",
        "assessment",
        "--json",
        "--draft",
        "--dismiss",
        "--until",
        "tomorrow",
        "-m",
        "hi",
        "--per-person",
        "1",
        "--include-following",
        "--",
        "#3",
    ]
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(WORDS, max_size=6))
def test_any_introduce_command_line_agrees(
    demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, words: list[str]
) -> None:
    books = TwoBooks(demo, tmp_path, monkeypatch, capsys)
    books.agree(["introduce", *words])
    for db in (books.fast_db, books.typer_db):
        db.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)


def traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the commands run from here on."""
    from plncli import context, db

    statements: list[str] = []

    def open_traced(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = db.open_store(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(context, "open_store", open_traced)
    return statements


def test_one_pair_reads_only_what_its_reasons_need(demo: Path, monkeypatch, capsys) -> None:
    """A draft and a record count only the keys the two share (for the reasons, and for the
    know score that says whether they most likely know each other already: the same counts),
    never every topic either of them has; neither loads people beyond the two and whom they know."""
    statements = traced(monkeypatch)
    assert fast.run(["introduce", "Declan", "Fiona", "--draft"]) == 0
    assert "Hi Declan" in capsys.readouterr().out

    # how many hold a topic (``store.index.count_holders``: its row of key_count, or its
    # holders joined to person for a topic of several spellings)
    def holders(s: str) -> bool:
        counts = ("listed", "everyone")
        if s.startswith(
            tuple(f"SELECT {c} FROM key_count WHERE tag = '{t}'" for c in counts for t in "ios")
        ):
            return True
        return "count(" in s and "FROM person_attr a" in s and "JOIN person p" in s

    drafted = sorted(s for s in statements if holders(s))
    statements.clear()
    assert fast.run(["introduce", "Declan", "Fiona"]) == 0
    counted = [s for s in statements if holders(s)]
    assert drafted == sorted(counted)
    keys = {
        k
        for (k,) in sqlite3.connect(demo).execute(
            "SELECT DISTINCT key FROM person_attr WHERE kind IN ('topic', 'offers', 'seeks')"
            " AND person_id IN (SELECT id FROM person"
            " WHERE name IN ('Declan Byrne', 'Fiona MacLeod'))"
        )
    }
    assert 0 < len(counted) < len(keys)
    people = [s for s in statements if s.startswith("SELECT id, name, circle, org")]
    assert people
    assert all("_scope" in s for s in people)


@pytest.mark.parametrize("command", sorted(fast_intro.SPECS))
def test_the_fast_path_knows_exactly_the_typer_options(command: str) -> None:
    """Read from the Typer declarations, so an option added there cannot be missed here
    (the fast path would not take it, and fall back) nor one removed there kept here."""
    import typer.main

    found: Any = typer.main.get_command(typer_app)
    for word in command.split():
        found = found.commands[word]
    options = [p for p in found.params if p.param_type_name == "option"]
    flags = {o for p in options if p.is_flag for o in p.opts}
    valued = {o for p in options if not p.is_flag for o in p.opts}
    spec_valued, spec_flags, _ = fast_intro.SPECS[command]
    assert (spec_valued, spec_flags) == (valued, flags)
    integers = {o for p in options if type(p.type).__name__.startswith("Int") for o in p.opts}
    assert integers == set(fast_intro.NUMBERS) & valued
    for option in integers:  # at least 1, with the same default
        param = next(p for p in options if option in p.opts)
        assert (param.type.min, param.default) == (1, fast_intro.NUMBERS[option])
