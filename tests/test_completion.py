"""Shell completion of values (issue 14): people, events, groups, kinds, formats, circles,
served by complete.py without Typer, in real bash (and zsh/fish where installed)."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.core import TyperArgument
from typer.main import get_command

from plncli import complete, kinds
from plncli.cli import app

HEAVY = ("typer", "click", "rich", "sqlmodel", "sqlalchemy", "pydantic", "psycopg")


def _params() -> list[tuple[str, Any]]:
    """(command path, parameter) for every parameter of every command."""
    found: list[tuple[str, Any]] = []

    def walk(command: Any, path: str) -> None:
        found.extend((path, p) for p in command.params)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    return found


def _kind(path: str, param: Any) -> Any:
    spec = complete.load_spec()[path]
    if isinstance(param, TyperArgument):
        return next(a["value"] for a in spec["arguments"] if a["name"] == param.name)
    return spec["options"].get(param.opts[0], "flag")


# ---- the declarations ------------------------------------------------------------------------


def test_the_completion_spec_is_what_the_typer_app_declares() -> None:
    """Fails after a command, option or argument changes until the spec is regenerated."""
    with open(complete.SPEC_FILE, encoding="utf-8") as fh:
        assert fh.read() == complete.generate(), "run: python -m plncli.complete"


def test_every_parameter_of_every_command_is_classified() -> None:
    """A new option or argument fails here until OPTION_KINDS/ARGUMENT_KINDS says what
    its values are (None: free text)."""
    missing = []
    for path, param in _params():
        try:
            if isinstance(param, TyperArgument):
                complete.argument_kind(path, param.name)
            elif not param.is_flag:
                complete.option_kind(path, param.opts[0])
        except KeyError as exc:
            missing.append(str(exc))
    assert missing == []


def test_every_person_event_group_kind_format_and_circle_parameter_has_a_completer() -> None:
    wrong = []
    for path, param in _params():
        help_ = getattr(param, "help", None) or ""
        name = param.opts[0] if not isinstance(param, TyperArgument) else param.name
        kind = _kind(path, param)
        if re.search(r"\bPERSON\b|\bPEOPLE\b|^Members", help_) and path != "restore":
            expected: Any = "person"
        elif re.search(r"\bEVENT\b", help_) or name == "--met-at":
            expected = "event"
        elif name == "--group" or (path.startswith("group ") and name == "name"):
            expected = "group"
        elif name == "--kind":
            expected = "kind"
        elif name in ("--format", "--circle"):
            expected = list
        else:
            continue
        ok = isinstance(kind, list) and kind if expected is list else kind == expected
        if not ok:
            wrong.append((path, name, kind, expected))
    assert wrong == []
    spec = complete.load_spec()
    assert spec["add"]["options"]["--introduced-by"] == "person"
    assert spec["add"]["options"]["--met-at"] == "event"
    assert spec["restore"]["arguments"][0]["value"] == "archived"
    assert spec["export"]["options"]["--format"] == ["json", "csv", "vcard", "ics", "vdir"]
    assert spec["add"]["options"]["--circle"] == ["colleague", "network", "following"]
    for path in ("knows", "unknows", "merge", "intro asked", "intro made", "intro outcome"):
        assert [a["value"] for a in spec[path]["arguments"]][:2] == ["person", "person"], path
    assert spec["introduce"]["arguments"][0]["value"] == "person"
    assert spec["introduce"]["options"]["--for"] == "person"


def test_the_built_in_kinds_are_the_ones_pln_log_knows() -> None:
    assert complete.BUILTIN_KINDS == kinds.BUILTIN


# ---- values from the book --------------------------------------------------------------------


@pytest.fixture
def book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "José Núñez", "Ben O'Neil", "--met-at", "researchED 2026")
    pln("add", "Anabel Lee", "--met-at", "ResearchEd Leeds")
    pln("group", "add", "Science dept", "Ana Ruiz")
    pln("log", "Ana Ruiz", "-m", "a walk", "--kind", "walk-and-talk")
    pln("archive", "Anabel Lee")


def values(*words: str) -> list[str]:
    found, result = complete.complete(list(words))
    assert found == "values"
    return result


@pytest.mark.sqlite_only(reason="names are completed from a book on this machine only")
def test_values_come_from_the_book_by_folded_prefix(book: None, db_path: Path) -> None:
    assert values("show", "") == ["Ana Ruiz", "Ben O'Neil", "José Núñez"]  # not the archived
    assert values("show", "jose n") == ["José Núñez"]  # case and accents folded
    assert values("show", "ANA ") == ["Ana Ruiz"]
    assert values("restore", "") == ["Anabel Lee"]
    assert values("add", "X", "--introduced-by", "b") == ["Ben O'Neil"]
    assert values("knows", "Ana", "j") == ["José Núñez"]
    assert values("intro", "asked", "Ana", "") == ["Ana Ruiz", "Ben O'Neil", "José Núñez"]
    assert values("list", "--met-at", "research") == ["researchED 2026", "ResearchEd Leeds"]
    assert values("list", "--met-at=researched l") == ["--met-at=ResearchEd Leeds"]
    assert values("event", "merge", "researchED 2026", "") == [
        "researchED 2026",
        "ResearchEd Leeds",
    ]
    assert values("log", "--group", "sc") == ["Science dept"]
    assert values("group", "add", "Science dept", "b") == ["Ben O'Neil"]
    assert values("private", "group", "") == ["Science dept"]
    assert "walk-and-talk" in values("log", "Ana", "--kind", "")
    assert values("log", "-k", "w") == ["walk-and-talk"]
    os.environ["PLN_HOME"] = str(db_path.parent.parent / "elsewhere")
    assert values("show", "b") == []
    assert values("--db", str(db_path), "show", "b") == ["Ben O'Neil"]
    assert values("--db=" + str(db_path), "show", "b") == ["Ben O'Neil"]


SHARED = "postgresql://pln@127.0.0.1:9/nowhere"


def test_a_shared_book_completes_no_names_but_everything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """psycopg's import alone is over the 100 ms a Tab may take (benchmarks/completion.py)."""
    monkeypatch.setenv("PLN_DB", SHARED)
    assert values("show", "") == []
    assert values("log", "--kind", "cof") == ["coffee"]
    assert values("due", "--circle", "n") == ["network"]
    assert values("intro", "a") == ["asked"]


def test_fixed_values_commands_and_options() -> None:
    assert values("export", "--format", "") == ["json", "csv", "vcard", "ics", "vdir"]
    assert values("import", "x.vcf", "--format", "l") == ["linkedin"]
    assert values("due", "--circle", "") == ["colleague", "network", "following"]
    assert values("re") == ["restore", "remind", "reminders", "resources", "resource"]
    assert values("group", "") == ["add", "remove", "delete", "show", "list", "read"]
    assert values("log", "--fo") == ["--follow-up"]
    assert values("help", "group", "s") == ["show"]
    assert values("completion", "") == ["bash", "zsh", "fish"]
    assert values("log", "-m", "") == []  # free text: nothing to offer
    assert complete.complete(["import", ""]) == ("files", [])
    assert complete.complete(["--db", ""]) == ("files", [])


def test_a_missing_or_unreadable_book_completes_nothing_and_is_not_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nothere.db"
    monkeypatch.setenv("PLN_DB", str(missing))
    assert values("show", "") == []
    assert not missing.exists()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database\n" * 100)
    monkeypatch.setenv("PLN_DB", str(junk))
    assert values("show", "") == []
    assert values("log", "--kind", "cof") == ["coffee"]
    assert junk.read_bytes() == b"not a database\n" * 100


# ---- the scripts, in real shells -------------------------------------------------------------


@pytest.fixture
def pln_on_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose PATH finds a `pln` running this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "pln"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m plncli "$@"\n')
    shim.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


BASH_PROBE = r"""
source "$1"
complete -p pln
probe() {  # the line typed so far, as bash would pass it to the function
    COMP_LINE=$1; COMP_POINT=${#COMP_LINE}
    shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
    _pln_complete
    printf '%s\n' "${#COMPREPLY[@]}" "${COMPREPLY[@]}"
}
probe 'pln show A' pln show A
probe 'pln show jo' pln show jo
probe 'pln show "Ana R' pln show '"Ana R'
probe 'pln knows Ana\ Ruiz J' pln knows 'Ana\ Ruiz' J
probe 'pln list --met-at=research' pln list --met-at = research
probe 'pln log Ana --kind walk' pln log Ana --kind walk
probe 'pln remi' pln remi
probe "pln show 'Ben O" pln show "'Ben O"
probe 'pln show Ben' pln show Ben
"""


def _replies(stdout: str) -> list[list[str]]:
    lines = stdout.splitlines()[1:]
    out: list[list[str]] = []
    while lines:
        n = int(lines.pop(0))
        out.append(lines[:n])
        del lines[:n]
    return out


@pytest.mark.slow
@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's file")
def test_the_bash_script_in_a_real_bash(
    pln: Any, book: None, db_path: Path, tmp_path: Path, pln_on_path: dict[str, str]
) -> None:
    script = tmp_path / "pln.bash"
    script.write_text(pln("completion", "bash").stdout)
    probe = tmp_path / "probe.sh"
    probe.write_text(BASH_PROBE)
    before = db_path.read_bytes()
    r = subprocess.run(
        ["bash", "--norc", "--noprofile", str(probe), str(script)],
        capture_output=True,
        text=True,
        env=pln_on_path,
        check=True,
    )
    assert r.stdout.splitlines()[0] == "complete -o nosort -F _pln_complete pln"
    assert _replies(r.stdout) == [
        [r"Ana\ Ruiz"],
        [r"José\ Núñez"],
        ["Ana Ruiz"],  # inside the quote the user opened: readline closes it
        [r"José\ Núñez"],
        [r"researchED\ 2026", r"ResearchEd\ Leeds"],  # bash replaces what follows the =
        ["walk-and-talk"],
        ["remind", "reminders"],
        ["Ben O'\\''Neil"],  # inside single quotes: close, an escaped quote, open again
        ["Ben\\ O\\'Neil"],
    ]
    assert r.stderr == ""
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_the_zsh_and_fish_scripts_parse(shell: str, pln: Any, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"pln.{shell}"
    script.write_text(pln("completion", shell).stdout)
    r = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, check=False)
    assert (r.returncode, r.stderr) == (0, "")


ZSH_PROBE = r"""
compdef() { :; }  # compinit's; the script registers itself with it
source "$1"
compadd() { print -rl -- "$@"; }  # what the script offers zsh, which quotes what it inserts
_files() { print FILES; }
words=(pln show "Ana R"); CURRENT=3; _pln
words=(pln show '"jos'); CURRENT=3; _pln
words=(pln knows "Ana Ruiz" ""); CURRENT=4; _pln
words=(pln import ""); CURRENT=3; _pln
"""

FISH_PROBE = """
source $argv[1]
complete -C"pln show An"
complete -C"pln show 'Ana R"
complete -C"pln show Jos"
complete -C"pln log --kind walk"
complete -C"pln list --met-at=researched"
"""


@pytest.mark.slow
@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's file")
@pytest.mark.parametrize(
    ("shell", "probe", "expected"),
    [
        (
            "zsh",
            ZSH_PROBE,
            ["-U", "-V", "pln", "--", "Ana Ruiz"]
            + ["-U", "-V", "pln", "--", "José Núñez"]
            + ["-U", "-V", "pln", "--", "Ana Ruiz", "Ben O'Neil", "José Núñez"]
            + ["FILES"],
        ),
        (
            "fish",
            FISH_PROBE,
            ["Ana Ruiz", "Ana Ruiz", "José Núñez", "walk-and-talk"]
            + ["--met-at=researchED 2026", "--met-at=ResearchEd Leeds"],
        ),
    ],
)
def test_the_zsh_and_fish_scripts_in_real_shells(
    pln: Any,
    book: None,
    tmp_path: Path,
    pln_on_path: dict[str, str],
    shell: str,
    probe: str,
    expected: list[str],
) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"pln.{shell}"
    script.write_text(pln("completion", shell).stdout)
    (tmp_path / "probe").write_text(probe)
    run = [shell, "-f"] if shell == "zsh" else [shell, "--no-config"]
    r = subprocess.run(
        [*run, str(tmp_path / "probe"), str(script)],
        capture_output=True,
        text=True,
        env={**pln_on_path, "HOME": str(tmp_path)},
        check=True,
    )
    assert r.stdout.splitlines() == expected
    assert r.stderr == ""


@pytest.mark.slow
@pytest.mark.parametrize("book", ["none.db", SHARED])
def test_completion_imports_none_of_the_heavy_modules(tmp_path: Path, book: str) -> None:
    code = (
        "import sys\n"
        "sys.argv = ['pln', 'log', 'Ana', '--kind', '']\n"
        "from plncli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})))"
    )
    where = book if book == SHARED else str(tmp_path / book)
    env = {**os.environ, "_PLN_COMPLETE": "zsh", "PLN_DB": where}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.stderr == "[]"
    assert "coffee" in r.stdout


def test_pln_completion_prints_the_script_with_or_without_typer(
    pln: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for shell in complete.SHELLS:
        assert pln("completion", shell).stdout == complete.SCRIPTS[shell]
        assert complete.run(["completion", shell]) == 0
        assert capsys.readouterr().out == complete.SCRIPTS[shell]
    assert complete.run(["completion", "tcsh"]) is None  # Typer words the error
    result = pln("completion", "tcsh", code=2)
    assert result.stderr.startswith("error: ")
    assert "tcsh" in result.stderr


@pytest.mark.sqlite_only(reason="names are completed from a book on this machine only")
def test_scripts_from_typers_install_completion_are_still_answered(
    book: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COMP_WORDS", "pln show Ana")
    monkeypatch.setenv("COMP_CWORD", "2")
    monkeypatch.setattr("sys.argv", ["pln"])
    assert complete.main("complete_bash") == 0
    assert capsys.readouterr().out == "Ana Ruiz\n"


@given(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30),
    st.sampled_from(["", "'", '"']),
)
def test_what_bash_is_given_reads_back_as_the_value(value: str, quote: str) -> None:
    """The word on the line after the Tab (what was typed before bash's word, the reply,
    and the quote readline closes) is the value, as bash itself reads it."""
    (reply,) = complete.bash_quote([value], quote, quote)
    word = quote + reply + quote if quote else reply
    read = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"printf '%s\\0' {word}"],
        capture_output=True,
        check=True,
    )
    assert read.stdout.decode() == value + "\0"


def test_a_completion_never_prints_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> Any:
        raise json.JSONDecodeError("damaged", "", 0)

    monkeypatch.setattr(complete, "load_spec", broken)
    monkeypatch.setattr("sys.argv", ["pln", "sh"])
    assert complete.main("zsh") == 0
    assert capsys.readouterr() == ("", "")
