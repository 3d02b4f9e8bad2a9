"""The manual (issue 14): man pages made from the Typer declarations, shipped in the package
and installed with it, and shown by `pln help [COMMAND]`."""

import os
import pty
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plncli import complete, manual

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(manual.MAN_DIR)


def test_the_shipped_pages_are_what_the_typer_app_declares() -> None:
    """Fails after a command's name, options or docstring change until the pages are
    regenerated (`python -m plncli.manual`): they cannot drift from `--help`."""
    generated = manual.generate()
    shipped = {p.name: p.read_text(encoding="utf-8") for p in PAGES.glob("*.1")}
    assert sorted(shipped) == sorted(generated), "run: python -m plncli.manual"
    for name, text in generated.items():
        assert shipped[name] == text, f"{name} is stale; run: python -m plncli.manual"


def test_there_is_a_page_for_pln_and_for_every_command() -> None:
    paths = complete.load_spec()
    assert {p.name for p in PAGES.glob("*.1")} == {
        "-".join(["pln", *path.split()]) + ".1" for path in paths
    }


def test_a_page_says_what_help_says_and_what_it_does_not(pln: Any) -> None:
    page = (PAGES / "pln-log.1").read_text(encoding="utf-8")
    text = manual.plain(page)
    help_ = pln("log", "--help").stdout
    assert "log [OPTIONS] [people]..." in help_
    assert "pln log [OPTIONS] [people]..." in text
    for option in re.findall(r"^  (-\S+|--\S+)", help_, flags=re.M):
        assert option.rstrip(",") in text
    assert "Plan the next step too: a follow-up for each person" in " ".join(text.split())
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT"):
        assert f"\n{section}\n" in text
    assert "FILES" in text
    assert "pln-group-add(1)" in manual.plain((PAGES / "pln-group.1").read_text("utf-8"))


def test_the_exit_status_section_is_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| code | meaning |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    rows = [
        tuple(cell.strip() for cell in line.strip("|").split("|", 1)) for line in table.split("\n")
    ]
    assert rows == [tuple(r) for r in manual.EXIT_CODES]


def test_the_roff_is_valid() -> None:
    groff, mandoc = shutil.which("groff"), shutil.which("mandoc")
    if groff is None and mandoc is None:
        pytest.skip("neither groff nor mandoc is installed")
    for page in sorted(PAGES.glob("*.1")):
        if groff is not None:
            r = subprocess.run(
                [groff, "-man", "-Tutf8", "-ww", "-z", str(page)], capture_output=True, text=True
            )
            assert (r.returncode, r.stderr) == (0, ""), page.name
        if mandoc is not None:
            r = subprocess.run(
                [mandoc, "-Tlint", "-W", "warning", str(page)], capture_output=True, text=True
            )
            assert (r.returncode, r.stdout + r.stderr) == (0, ""), page.name


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60))
def test_text_survives_roff_escaping(text: str) -> None:
    assert manual.inline(manual.roff(text)) == text


# ---- pln help --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "page"),
    [([], "pln"), (["log"], "pln-log"), (["group", "add"], "pln-group-add"), (["db"], "pln-db")],
)
def test_pln_help_prints_the_page_as_plain_text_off_a_terminal(
    pln: Any, capsys: pytest.CaptureFixture[str], words: list[str], page: str
) -> None:
    expected = manual.plain((PAGES / f"{page}.1").read_text(encoding="utf-8"))
    assert pln("help", *words).stdout == expected  # through Typer
    assert manual.run(["help", *words]) == 0  # the fast path, without Typer
    assert capsys.readouterr() == (expected, "")


def test_help_for_an_unknown_command_is_a_clean_error(
    pln: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    result = pln("help", "group", "nosuch", code=2)
    assert result.stderr == (
        "error: No such command 'nosuch'.\nhint: see `pln --help` for the commands\n"
    )
    assert result.stdout == ""
    assert manual.run(["help", "nosuch"]) == 2
    assert capsys.readouterr().err.startswith("error: No such command 'nosuch'.")
    assert manual.run(["help", "--help"]) is None  # the help of help: Typer's


@pytest.mark.slow
def test_on_a_terminal_the_page_opens_in_man(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    called = tmp_path / "called"
    fake = bin_dir / "man"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{called}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    leader, follower = pty.openpty()
    try:
        r = subprocess.run(
            [sys.executable, "-m", "plncli", "help", "group", "add"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert r.returncode == 0
    assert called.read_text().splitlines() == ["-l", str(PAGES / "pln-group-add.1")]


def test_the_pages_are_installed_with_the_package() -> None:
    """The wheel's shared data puts them in PREFIX/share/man/man1, where `man` looks for
    a venv's or a prefix's pages (PATH's bin/../share/man)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["shared-data"] == {"src/plncli/man/man1": "share/man/man1"}
    assert Path(ROOT / "src/plncli/man/man1") == PAGES


@pytest.mark.slow
def test_pln_help_runs_without_typer() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['pln', 'help', 'group', 'add']\n"
        "from plncli.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('typer', 'click', 'rich', 'sqlmodel', 'sqlalchemy', 'psycopg')\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stderr == "[]"
    assert r.stdout.startswith("PLN-GROUP-ADD(1)")
