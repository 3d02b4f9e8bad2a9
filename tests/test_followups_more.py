"""Small defects found at the end of issue 14, each fixed with a test that failed before:
the person's UID in the CSV export and import; calendar event UIDs from the person's UID
and the calendar's name; a monthly follow-up on the 31st that kept the 28th after February;
`pln --no-pager help COMMAND`; one list of the tables keyed by id."""

import ast
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

from plncli import manual
from plncli.store import history, pg

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "src")
PAGES = ROOT / "src" / "plncli" / "man" / "man1"


# ---- 4. global options before `help` ---------------------------------------------------------


def _plain(page: str) -> str:
    return manual.plain((PAGES / f"{page}.1").read_text(encoding="utf-8"))


def _pln_process(*argv: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "plncli", *argv], env=env, text=True, check=False, **kw
    )


def test_help_after_the_global_options_shows_the_commands_page(
    pln: Any, tmp_path: Path, capsys: Any
) -> None:
    """`pln --no-pager help list` said "No such command 'list'" (the fast path read `help`
    as the command to show); every order of the global options shows pln-list."""
    book = str(tmp_path / "book.db")
    for argv in (
        ["--no-pager", "help", "list"],
        ["--db", book, "--no-pager", "help", "list"],
        ["--no-pager", "--db", book, "help", "list"],
        ["--no-pager", "--no-pager", "help", "group", "add"],
    ):
        page = "pln-group-add" if argv[-1] == "add" else "pln-list"
        assert manual.run(argv) in (0, None), argv  # None: Typer serves it
        out = capsys.readouterr()
        assert out.err == ""
        if out.out:
            assert out.out == _plain(page), argv
        run = _pln_process(*argv, capture_output=True)  # the real command, off a terminal
        assert (run.returncode, run.stderr, run.stdout) == (0, "", _plain(page)), argv
        assert pln(*argv).stdout == _plain(page), argv  # through Typer
    assert not (tmp_path / "book.db").exists()  # the manual opens no book


def test_no_pager_on_a_terminal_prints_the_page_rather_than_opening_man(tmp_path: Path) -> None:
    """On a terminal `pln help` opens `man` (and so its pager); with --no-pager the page is
    printed as plain text, as in a pipe."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    called = tmp_path / "called"
    fake = bin_dir / "man"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{called}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": SRC, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for argv in (["--no-pager", "help", "log"], ["--db", "x.db", "--no-pager", "help", "log"]):
        leader, follower = pty.openpty()
        try:
            run = subprocess.run(
                [sys.executable, "-m", "plncli", *argv],
                stdout=follower,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
                check=False,
            )
            os.close(follower)
            shown = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the terminal's other side is closed and drained
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(leader)
        assert run.returncode == 0, run.stderr
        assert not called.exists(), argv
        assert shown.decode().replace("\r\n", "\n") == _plain("pln-log")


# ---- 5. one list of the tables keyed by id ---------------------------------------------------


def test_the_shared_books_id_tables_are_the_historys_plus_its_own() -> None:
    """store/pg's ID_TABLES is derived from store/history's BY_ID (it repeated the list):
    the same tables as before, written once."""
    derived = history.BY_ID | {"change_log", "undo_step"}
    assert derived == pg.ID_TABLES
    before = {  # the list store/pg spelled out
        "event",
        "person",
        "person_attr",
        "interaction",
        "followup",
        "pgroup",
        "introduction",
        "resource",
        "group_reading",
        "change_log",
        "undo_step",
    }
    assert before == pg.ID_TABLES
    source = (ROOT / "src" / "plncli" / "store" / "pg" / "__init__.py").read_text()
    [assign] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "ID_TABLES" for t in node.targets)
    ]
    names = {n.id for n in ast.walk(assign.value) if isinstance(n, ast.Name)}
    assert "BY_ID" in names
    spelled = {n.value for n in ast.walk(assign.value) if isinstance(n, ast.Constant)} & set(
        history.BY_ID
    )
    assert spelled == set()  # no table of BY_ID written a second time
