"""Help, docs, version, colour, completion, configuration and the error boundary."""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plncli import __version__
from plncli.cli import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, ...]]:
    from typer.main import get_group

    group = get_group(app)
    names: list[tuple[str, ...]] = []
    for name, cmd in group.commands.items():
        sub = getattr(cmd, "commands", None)
        names += [(name, s) for s in sub] if sub else [(name,)]
    return names


def test_every_command_is_documented_with_examples(pln) -> None:
    commands = _commands()
    assert len(commands) >= 17
    for words in commands:
        text = pln(*words, "--help").stdout
        assert f"pln {' '.join(words)}" in text, f"no example in `pln {' '.join(words)} --help`"
        assert f"`pln {' '.join(words)}" in README, f"`pln {' '.join(words)}` missing from README"


def test_version(pln) -> None:
    assert pln("--version").stdout.strip() == f"pln {__version__}"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plncli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_python_dash_m_and_no_colour_when_piped(db_path: Path) -> None:
    assert _run("add", "Ana Ruiz", "--follow-up", "today").returncode == 0
    r = _run("due", env={"NO_COLOR": ""})
    assert r.returncode == 0
    assert "Ana Ruiz" in r.stdout
    assert "\x1b[" not in r.stdout


def test_no_colour_with_no_color_even_when_forced(db_path: Path) -> None:
    _run("add", "Ana Ruiz", "--follow-up", "today")
    forced = _run("due", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    yellow = "\x1b[33m"  # the follow-up tag's colour
    assert yellow in forced.stdout  # colour is possible...
    plain = _run("due", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "Ana Ruiz" in plain.stdout
    assert yellow not in plain.stdout  # ...and NO_COLOR turns it off


def test_shell_completion_completes_commands_and_options() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "plncli"],
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "_PLN_COMPLETE": "complete_bash",
            "COMP_WORDS": "pln re",
            "COMP_CWORD": "1",
        },
    )
    assert {"remind", "reminders", "restore"} <= set(r.stdout.split())


def test_an_internal_error_is_one_line_without_traceback(pln, monkeypatch) -> None:
    from plncli import reads

    def boom(*args: object, **kwargs: object) -> None:
        secret = "marker-ana@example.org"
        raise RuntimeError(secret)

    monkeypatch.setattr(reads, "people_table", boom)
    r = pln("list", code=1)
    assert r.stderr.startswith("error: internal error (RuntimeError)")
    assert "marker" not in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('dayfirst = "yes"\n', "dayfirst must be bool"),
        ('[cadence]\nfriends = "7d"\n', "unknown circle 'friends'"),
        ('[cadence]\nnetwork = "sometimes"\n', "[cadence] network"),
        ("this is not toml", "cannot read config file"),
    ],
)
def test_bad_config_is_a_clear_error(pln, env_setup: Path, config: str, words: str) -> None:
    env_setup.mkdir(parents=True, exist_ok=True)
    (env_setup / "config.toml").write_text(config)
    r = pln("list", code=2)
    assert words in r.stderr


def test_config_changes_cadence_and_dates(pln, env_setup: Path) -> None:
    env_setup.mkdir(parents=True, exist_ok=True)
    (env_setup / "config.toml").write_text('dayfirst = true\n[cadence]\nnetwork = "7d"\n')
    pln("add", "Ana Ruiz", "--on", "01/11/2026")
    assert pln.json("show", "Ana")["met_on"] == "2026-11-01"
    assert pln.json("due") == []
    (item,) = pln.json("due", "--within", "7d")
    assert item["kind"] == "reconnect"
    assert item["due"] == "2026-11-30"  # added 2026-11-23, network cadence now 7 days


def test_a_closed_pipe_is_not_an_error(db_path: Path) -> None:
    names = [f"Pipe Person {i}" for i in range(2000)]  # well past a 64 KB pipe buffer
    assert _run("add", *names, "--topic", "x" * 150).returncode == 0
    for args in (["export", "--format", "json"], ["list"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "plncli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        assert proc.stdout is not None
        proc.stdout.read(10)
        proc.stdout.close()  # like `| head -c 10`
        err = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait(timeout=30)
        assert "error" not in err, err
        assert "Traceback" not in err


def test_every_option_of_every_command_has_help() -> None:
    """STYLE: every option has help (the --add-*/--remove-* options of edit had none)."""
    import typer.main

    missing = []
    stack: list[tuple[str, Any]] = [("pln", typer.main.get_command(app))]
    while stack:
        name, cmd = stack.pop()
        if hasattr(cmd, "commands"):
            stack += [(f"{name} {n}", c) for n, c in cmd.commands.items()]
            continue
        for param in cmd.params:
            if param.param_type_name == "option" and not param.help:
                missing.append(f"{name} {param.opts[0]}")
    assert missing == []
