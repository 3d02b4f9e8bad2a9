"""Long output on a terminal goes through the user's pager, as git does (issue 14).

Every test runs pln on a real pseudo-terminal (or a pipe) in a subprocess, with
``PAGER`` a small script that records what it was given, and its environment."""

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plncli import fast

SRC = str(Path(__file__).resolve().parent.parent / "src")

# A pager that records its input and environment: PAGER_LOG names the file it writes.
RECORDER = """\
import json, os, sys
data = sys.stdin.read()
with open(os.environ["PAGER_LOG"], "w", encoding="utf-8") as log:
    json.dump({"input": data, "LESS": os.environ.get("LESS"), "args": sys.argv[1:]}, log)
"""

# A pager the user quits at once: it reads one line and leaves.
QUITTER = """\
import sys
sys.stdin.readline()
"""


@pytest.fixture(scope="module")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book of 3,000 people (more than a pipe's buffer holds, listed), made by import
    once for this module's tests (each gets a copy: ``book``)."""
    folder = tmp_path_factory.mktemp("pager-book")
    csv = folder / "people.csv"
    lines = ["name,email,org,topics"] + [
        f"Person {i:04d},p{i}@example.org,School {i % 40},assessment;oracy" for i in range(3000)
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = folder / "book.db"
    run = subprocess.run(
        [sys.executable, "-m", "plncli", "--db", str(path), "import", str(csv), "--format", "csv"],
        env=_env(PLN_NOW="2026-01-05T10:00:00"),  # added long ago: all of them due now
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert [p.name for p in folder.glob("book.db*")] == ["book.db"]  # closed: one file
    return path


@pytest.fixture
def book(built_book: Path, tmp_path: Path) -> Path:
    """A copy of ``built_book`` of this test's own."""
    path = tmp_path / "book.db"
    shutil.copy2(built_book, path)
    return path


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LESS")}
    env.update(TERM="xterm-256color", PYTHONPATH=SRC)
    env.pop("PLN_PAGER", None)
    env.pop("PAGER", None)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _script(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return f"{sys.executable} {path}"


def on_terminal(argv: list[str], env: dict[str, str], timeout: float = 120.0) -> tuple[int, str]:
    """Run ``python -m plncli ARGV`` with stdin, stdout and stderr a pseudo-terminal, read
    the terminal to the end; the exit code and what the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child becomes pln
        try:
            os.execve(sys.executable, [sys.executable, "-m", "plncli", *argv], env)
        finally:
            os._exit(127)
    out = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace").replace("\r\n", "\n")


def _recorded(log: Path) -> dict[str, str]:
    recorded: dict[str, str] = json.loads(log.read_text(encoding="utf-8"))
    return recorded


def test_long_output_on_a_terminal_goes_through_the_pager(book: Path, tmp_path: Path) -> None:
    log = tmp_path / "pager.json"
    pager = _script(tmp_path, "recorder.py", RECORDER)
    code, shown = on_terminal(["--db", str(book), "list"], _env(PAGER=pager, PAGER_LOG=str(log)))
    assert code == 0, shown
    got = _recorded(log)
    assert "Person 0042" in got["input"]  # the table went to the pager, drawn as on a terminal:
    assert "\x1b[1m#\x1b[0m" in got["input"]  # the header in bold
    assert "3,000 people" in got["input"]  # stderr is the terminal too: it follows the table
    assert got["LESS"] == "FRX"  # set for the pager when unset, as git does
    assert "Person 0042" not in shown  # nothing but the pager wrote to the terminal
    assert "error" not in shown


def test_the_user_s_less_settings_are_kept_and_pln_pager_comes_first(
    book: Path, tmp_path: Path
) -> None:
    log = tmp_path / "pager.json"
    recorder = _script(tmp_path, "recorder.py", RECORDER)
    env = _env(PLN_PAGER=f"{recorder} --from-pln", PAGER="no-such-pager", LESS="R")
    code, shown = on_terminal(
        ["--db", str(book), "show", "Person 0042"], {**env, "PAGER_LOG": str(log)}
    )
    assert code == 0, shown
    got = _recorded(log)
    assert got["args"] == ["--from-pln"]  # PLN_PAGER, with its own arguments
    assert got["LESS"] == "R"
    assert "p42@example.org" in got["input"]


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--limit", "0"],  # the fast path
        ["find", "person"],
        ["list", "--json"],
        ["reminders"],  # the Typer app
        ["history"],
        ["events"],
        ["who", "oracy"],
        ["intros"],
        ["introduce"],  # the introductions' own fast path
    ],
)
def test_every_long_read_is_paged_and_no_pager_prints_directly(
    book: Path, tmp_path: Path, argv: list[str]
) -> None:
    log = tmp_path / "pager.json"
    pager = _script(tmp_path, "recorder.py", RECORDER)
    env = _env(PAGER=pager, PAGER_LOG=str(log))
    code, shown = on_terminal(["--db", str(book), *argv], env)
    assert code == 0, shown
    paged = _recorded(log)["input"]
    assert paged.strip()
    log.unlink()
    code, direct = on_terminal(["--db", str(book), "--no-pager", *argv], env)
    assert code == 0, direct
    assert not log.exists()  # --no-pager: the pager never ran
    first = paged.splitlines()[0]
    assert first in direct.splitlines()[0]  # and the same output is on the terminal


def test_no_pager_from_the_config_an_empty_pager_or_cat(book: Path, tmp_path: Path) -> None:
    log = tmp_path / "pager.json"
    pager = _script(tmp_path, "recorder.py", RECORDER)
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text("pager = false\n", encoding="utf-8")
    argv = ["--db", str(book), "list"]
    for env in (
        _env(PAGER=pager, PAGER_LOG=str(log), PLN_HOME=str(home)),
        _env(PLN_PAGER="", PAGER=pager, PAGER_LOG=str(log)),
        _env(PLN_PAGER="cat", PAGER=pager, PAGER_LOG=str(log)),
    ):
        code, shown = on_terminal(argv, env)
        assert code == 0, shown
        assert "Person 0042" in shown
        assert not log.exists()


def test_a_wrong_config_pager_value_is_a_config_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('pager = "less"\n', encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "plncli", "--db", str(tmp_path / "b.db"), "list"],
        env=_env(PLN_HOME=str(home)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: config.toml: pager must be bool")
    assert "Traceback" not in run.stderr


def test_never_in_a_pipe_and_nothing_more_imported(book: Path, tmp_path: Path) -> None:
    log = tmp_path / "pager.json"
    pager = _script(tmp_path, "recorder.py", RECORDER)
    probe = (
        "import sys; from plncli.fast import run; code = run(sys.argv[1:]);"
        " sys.stdout.flush();"
        " sys.stderr.write(repr(sorted(m for m in ('plncli.pager', 'subprocess')"
        " if m in sys.modules)))"
    )
    for argv in (["list"], ["due"], ["list", "--json"]):
        run = subprocess.run(
            [sys.executable, "-c", probe, "--db", str(book), *argv],
            env=_env(PAGER=pager, PAGER_LOG=str(log)),
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert "Person 0" in run.stdout
        assert run.stderr.endswith("[]"), run.stderr  # no pager module, no subprocess
        assert not log.exists()


def test_a_pager_that_cannot_start_leaves_the_output_on_the_terminal(
    book: Path, tmp_path: Path
) -> None:
    for pager in ("/no/such/pager -R", str(tmp_path)):  # missing; a folder, not executable
        code, shown = on_terminal(["--db", str(book), "list"], _env(PAGER=pager))
        assert code == 0, shown
        assert "Person 0042" in shown
        assert "3,000 people" in shown
        assert "error" not in shown.lower()
        assert "Traceback" not in shown


@pytest.mark.parametrize("argv", [["list"], ["list", "--json"], ["due", "--json"], ["events"]])
def test_quitting_the_pager_early_is_success_without_a_word(
    book: Path, tmp_path: Path, argv: list[str]
) -> None:
    pager = _script(tmp_path, "quitter.py", QUITTER)
    code, shown = on_terminal(["--db", str(book), *argv], _env(PAGER=pager))
    assert code == 0, shown
    assert "Traceback" not in shown
    assert "Exception" not in shown
    assert "error" not in shown.lower()


def test_exported_data_is_never_paged(book: Path, tmp_path: Path) -> None:
    log = tmp_path / "pager.json"
    pager = _script(tmp_path, "recorder.py", RECORDER)
    code, shown = on_terminal(
        ["--db", str(book), "export", "--format", "csv"], _env(PAGER=pager, PAGER_LOG=str(log))
    )
    assert code == 0, shown
    assert "Person 0042" in shown
    assert not log.exists()


def test_no_pager_is_a_global_option_of_both_ways_in() -> None:
    assert fast.without_pager_flag(["--no-pager", "--db", "x.db", "list"]) == (
        ["--db", "x.db", "list"],
        False,
    )
    assert fast.without_pager_flag(["--db", "--no-pager", "--no-pager", "due"]) == (
        ["--db", "--no-pager", "due"],
        False,
    )  # the first is --db's value (which the Typer app then refuses)
    assert fast.without_pager_flag(["list", "--no-pager"]) == (["list", "--no-pager"], True)
    assert fast.parse(["list", "--no-pager"]) is None  # after the command: Typer's to refuse
