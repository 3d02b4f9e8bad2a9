"""Start-up where it matters (issue 13, item 7): terminal tables without Rich, the fast
path's option table read from the Typer app, and a fast path that cannot hide its bugs."""

import io
import os
import pty
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plncli import fast, help_text, tables
from plncli.__main__ import main
from plncli.tables import Table

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _rich(table: Table, columns: int) -> str:
    """What Rich draws for the table (the look pln's terminal tables keep)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=columns, color_system=None, highlight=False)
    rich = RichTable(box=None, pad_edge=False, header_style="bold", show_header=table.header)
    for name in table.columns:
        rich.add_column(name)
    for row in table.rows:
        rich.add_row(*(Text(c if isinstance(c, str) else c[0]) for c in row))
    console.print(rich)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def _drawn(table: Table, columns: int, colour: bool = False) -> str:
    return ANSI.sub("", tables._drawn(table, columns, colour=colour))


WORDS = st.text(
    alphabet=st.sampled_from("abcdefghijklmnop ABCXYZ0123456789-.,#()éüñ東京\n"),
    max_size=60,
)
HEADERS = st.sampled_from(["", "#", "who", "due", "why", "name", "org", "last contact"])


@st.composite
def tables_(draw: Any) -> Table:
    names = draw(st.lists(HEADERS, min_size=1, max_size=6))
    table = Table(*names, header=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 5))):
        table.add_row(*(draw(WORDS) for _ in names))
    return table


@settings(deadline=None)  # Rich is slow to import and the machine may be busy
@given(table=tables_(), columns=st.integers(30, 160))
def test_terminal_tables_are_laid_out_as_rich_lays_them_out(table: Table, columns: int) -> None:
    if not table.rows and not table.header:
        return  # nothing to draw either way
    assert _drawn(table, columns) == _rich(table, columns)


def test_a_long_table_wraps_its_widest_columns_on_a_narrow_terminal() -> None:
    table = Table("", "who", "due", "why")
    table.add_row(("follow-up #3", "yellow"), "Ana Ruiz", "today", "send the quiz " * 8)
    table.add_row(("reconnect", "magenta"), "Benjamin Okafor-Smithson", "3 days ago", "x")
    for columns in (120, 80, 60, 40):
        drawn = _drawn(table, columns)
        assert drawn == _rich(table, columns)
        assert max(len(line) for line in drawn.splitlines()) <= columns


def test_styles_are_ansi_codes_and_no_color_keeps_only_bold_and_dim() -> None:
    table = Table("who", "due")
    table.add_row(("Ana", "yellow"), ("today", "bold red"))
    coloured = tables._drawn(table, 80, colour=True)
    assert "\x1b[1mwho\x1b[0m" in coloured  # the header is bold
    assert "\x1b[33mAna\x1b[0m" in coloured
    assert "\x1b[1;31mtoday\x1b[0m" in coloured  # as Rich writes "bold red"
    plain = tables._drawn(table, 80, colour=False)
    assert "\x1b[33m" not in plain
    assert "\x1b[1;31m" not in plain
    assert "\x1b[1mtoday\x1b[0m" in plain  # bold stays
    assert "\x1b[1mwho\x1b[0m" in plain
    assert tables._drawn(("hint: x", "dim"), 80, colour=False) == "\x1b[2mhint: x\x1b[0m\n"


# ---- the fast path's option table is the Typer app's --------------------------------------

UNBOUNDED = 1_000  # SPECS writes "any number of words" as this many


def _typer_command(name: str) -> Any:
    import typer.main

    from plncli.cli import app

    return typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]


def _typer_spec(name: str) -> tuple[set[str], set[str], tuple[int, int]]:
    """(valued options, flags, (least, most) positional words) as the Typer app declares them."""
    valued: set[str] = set()
    flags: set[str] = set()
    least = most = 0
    for param in _typer_command(name).params:
        if param.param_type_name == "argument":
            unbounded = param.nargs == -1
            least += (1 if unbounded else param.nargs) if param.required else 0
            most += UNBOUNDED if unbounded else param.nargs
            continue
        names = set(param.opts) | set(param.secondary_opts)
        (flags if param.is_flag else valued).update(names)
    return valued, flags, (least, min(most, UNBOUNDED))


@pytest.mark.parametrize("command", sorted(fast.SPECS))
def test_the_fast_path_takes_the_options_the_typer_command_declares(command: str) -> None:
    valued, flags, arity = fast.SPECS[command]
    assert (set(valued), set(flags), arity) == _typer_spec(command)


def _values(param: Any) -> tuple[list[str], list[str]]:
    """Values the Typer option accepts, and values it refuses, judged from its type."""
    kind = param.type
    if hasattr(kind, "choices"):
        good = [str(c) for c in kind.choices]
        if not kind.case_sensitive:
            good += [c.upper() for c in good]
        bad = ["not-a-choice", *([c.upper() for c in good] if kind.case_sensitive else [])]
        return good, bad
    if kind.name in ("integer", "int range"):
        low = getattr(kind, "min", None)
        high = getattr(kind, "max", None)
        good = [str(low if low is not None else 0), "12"]
        bad = ["many", "1.5", *([str(low - 1)] if low is not None else [])]
        bad += [str(high + 1)] if high is not None else []
        return good, bad
    assert kind.name in ("str", "text"), f"teach this test what {kind.name} accepts"
    return ["x", "in 3 days", "Ana Ruiz"], []


@pytest.mark.parametrize("command", sorted(fast.SPECS))
def test_the_fast_path_accepts_and_refuses_the_values_typer_does(command: str) -> None:
    """Choices (circles), integer ranges and free text, option by option; refused means
    left to Typer (None), which then says why."""
    words = ["x"] * fast.SPECS[command][2][0]
    for param in _typer_command(command).params:
        if param.param_type_name != "option" or "--help" in param.opts:
            continue
        assert not param.multiple, f"{command} {param.opts}: the fast path takes one value"
        for name in param.opts:
            if param.is_flag:
                assert fast.parse([command, *words, name]) is not None, name
                continue
            good, bad = _values(param)
            for value in good:
                assert fast.parse([command, *words, name, value]) is not None, (name, value)
            for value in bad:
                assert fast.parse([command, *words, name, value]) is None, (name, value)


def test_the_global_options_the_fast_path_reads_are_typers() -> None:
    """`--db PATH` before the command, valued; `--version` and `--help` alone, flags."""
    import typer.main

    from plncli.cli import app

    group = typer.main.get_command(app)
    context = group.make_context("pln", ["due"], resilient_parsing=True)
    root = {o: p for p in group.get_params(context) for o in p.opts}
    assert not root["--db"].is_flag
    assert root["--version"].is_flag
    assert root["--help"].is_flag
    assert set(root["--help"].opts) == {"-h", "--help"}
    completion = {"--install-completion", "--show-completion"}
    valued = {o for o, p in root.items() if not p.is_flag}
    flags = {o for o, p in root.items() if p.is_flag} - completion - {"--version", "-h", "--help"}
    assert (valued, flags) == (set(fast.GLOBAL_VALUED), set(fast.GLOBAL_FLAGS))
    assert fast.parse(["--db", "x.db", "--no-pager", "due"]) is None  # run() takes it off first
    assert fast.parse(["--db", "x.db", "due"]) == ("x.db", "due", {}, [])
    assert fast.parse(["--db=x.db", "due"]) == ("x.db", "due", {}, [])


def test_a_wrong_spec_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison can fail: a flag taken for a valued option, a lost option, an arity."""
    valued, flags, arity = fast.SPECS["find"]
    for wrong in [
        (valued | {"--archived"}, flags - {"--archived"}, arity),
        (valued - {"--limit"}, flags, arity),
        (valued, flags, (1, 1)),
    ]:
        monkeypatch.setitem(fast.SPECS, "find", wrong)
        with pytest.raises(AssertionError):
            test_the_fast_path_takes_the_options_the_typer_command_declares("find")
    monkeypatch.setattr(fast, "CIRCLES", ("colleague", "network"))  # a circle forgotten
    with pytest.raises(AssertionError):
        test_the_fast_path_accepts_and_refuses_the_values_typer_does("due")


# ---- the fast path's fall-back hides no bug ------------------------------------------------


@pytest.fixture
def book(pln: Any, db_path: Path) -> Path:
    pln("add", "Ana Ruiz", "--follow-up", "today", "--topic", "assessment")
    pln("add", "Ben Okafor", "--circle", "network")
    return db_path


SECRET = "a stored value"


def _broken(*args: Any, **kwargs: Any) -> None:
    raise KeyError(SECRET)


def test_a_bug_in_the_fast_path_is_reported_not_run_again(
    book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], dump: Any
) -> None:
    """Before: any exception fell back to Typer, which ran `due` again and succeeded, so a
    bug in the fast path was never seen. Now it is said as the Typer boundary says a bug."""
    before = dump()
    monkeypatch.setattr(fast, "_dispatch", _broken)
    assert fast.run(["due"]) == 1
    got = capsys.readouterr()
    assert got.out == ""
    assert got.err == (
        "error: internal error (KeyError); this is a bug in pln\n"
        "hint: rerun with PLN_DEBUG=1 to see the traceback, and report it\n"
    )
    monkeypatch.setattr("sys.argv", ["pln", "due"])
    with pytest.raises(SystemExit) as exit_:
        main()  # the console script: Typer never gets to run it a second time
    assert exit_.value.code == 1
    assert "internal error (KeyError)" in capsys.readouterr().err
    assert dump() == before


def test_pln_debug_shows_the_fast_paths_traceback_without_the_value(
    book: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(fast, "_dispatch", _broken)
    monkeypatch.setenv("PLN_DEBUG", "1")
    assert fast.run(["list", "--json"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in _broken" in err
    assert err.rstrip().endswith("KeyError: '…' (value withheld)")
    assert SECRET not in err


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["show", "Nobody"], 3, "error: no one matches"),
        (["due", "--within", "soon"], 2, "error: --within"),
    ],
)
def test_user_errors_still_go_to_typer_which_words_them(
    book: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    assert fast.run(argv) is None
    assert capsys.readouterr() == ("", "")
    monkeypatch.setattr("sys.argv", ["pln", *argv])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == code
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "internal error" not in err


def test_a_file_that_is_no_database_goes_to_typer_and_exits_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not an SQLite file\n" * 200)
    assert fast.run(["--db", str(junk), "due"]) is None
    monkeypatch.setattr("sys.argv", ["pln", "--db", str(junk), "due"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 7
    assert capsys.readouterr().err.startswith("error: ")
    assert junk.read_bytes() == b"this is not an SQLite file\n" * 200


# ---- pln --help without Typer ----------------------------------------------------------------


def test_the_top_level_help_is_the_text_typer_prints() -> None:
    """Fails after a command's name, options or docstring change until the text is
    regenerated: `python -m plncli.help_text`."""
    assert help_text.generate() == help_text.TOP, "run: python -m plncli.help_text"


@pytest.mark.parametrize("argv", [["--help"], ["-h"]], ids=" ".join)
def test_help_is_printed_without_typer(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert fast.run(argv) == 0
    assert capsys.readouterr() == (help_text.TOP, "")


def test_a_bare_pln_prints_the_help_on_stderr_and_exits_2_as_typer_does(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fast.run([]) == 2
    assert capsys.readouterr() == ("", help_text.TOP)
    monkeypatch.setenv("PLN_NO_FASTPATH", "1")
    monkeypatch.setattr("sys.argv", ["pln"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert capsys.readouterr().err == help_text.TOP


def test_narrow_terminals_and_shell_completion_get_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "79")  # Typer wraps the help narrower there
    assert fast.run(["--help"]) is None
    monkeypatch.setenv("COLUMNS", "80")
    assert fast.run(["--help"]) == 0
    monkeypatch.setenv("_PLN_COMPLETE", "complete_bash")
    assert fast.run([]) is None


# ---- a real terminal -------------------------------------------------------------------------


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """Run `pln ARGV` on a 120x40 pseudo-terminal; its screen text, and the modules it loaded."""
    import fcntl
    import struct
    import termios

    modules = Path(env["PLN_HOME"]) / "modules.txt"
    code = (
        "import atexit, sys;"
        f"atexit.register(lambda: open({str(modules)!r}, 'w').write(' '.join(sys.modules)));"
        f"sys.argv = ['pln', *{argv!r}];"
        "from plncli.__main__ import main; main()"
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of a realistic size, then pln
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.execve(sys.executable, [sys.executable, "-c", code], env)
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, out
    return out.decode().replace("\r\n", "\n"), modules.read_text().split()


def test_a_terminal_gets_coloured_tables_without_rich_or_typer(book: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", PLN_DB=os.environ.get("PLN_DB") or str(book))
    screen, modules = _on_a_terminal(["due"], env)
    assert "rich" not in modules
    assert "typer" not in modules
    assert "\x1b[33mfollow-up #1\x1b[0m" in screen  # the colours Rich gave it
    assert "\x1b[1mwho\x1b[0m" in screen
    table = Table("", "who", "due", "why")
    for line in ANSI.sub("", screen).splitlines()[1:]:
        table.add_row(*(cell for cell in re.split(r"  +", line)))
    assert ANSI.sub("", screen) == _rich(table, 120)
    assert "Ana Ruiz  today  First follow-up" in screen
