"""`pln COMMAND` builds and loads that command alone (``cli.base.app_for``): it must parse,
help and fail exactly as the whole app does."""

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from plncli.cli import app
from plncli.cli.base import MODULES, ORDER, app_for

# What a Click command is to a user: every (sub)command's options and its --help. Run
# here on the whole app, and in a fresh interpreter on what app_for builds (DESCRIBE).
DESCRIBE_ONE = r"""
def describe(group, name):
    command = group.commands[name]
    found = []
    stack = [(f"pln {name}", command)]
    while stack:
        path, cmd = stack.pop()
        ctx = cmd.context_class(cmd, info_name=path.split()[-1])
        params = [
            [p.name, p.opts, p.secondary_opts, p.nargs, p.required, p.multiple]
            for p in cmd.params
        ]
        found.append([path, params, cmd.get_help(ctx)])
        for sub, c in sorted(getattr(cmd, "commands", {}).items()):
            stack.append((f"{path} {sub}", c))
    return found
"""
DESCRIBE = (
    DESCRIBE_ONE
    + r"""
import json, sys
import typer.main
from plncli.cli.base import app_for
out = {}
for name in sys.argv[1:]:
    group = typer.main.get_command(app_for([name]))
    loaded = sorted(m for m in sys.modules if m.startswith("plncli.cli."))
    out[name] = [describe(group, name), sorted(group.commands), loaded]
print(json.dumps(out))
"""
)
namespace: dict[str, Any] = {}
exec(DESCRIBE_ONE, namespace)
describe = namespace["describe"]


def whole_names() -> set[str]:
    return {c.name or "" for c in app.registered_commands} | {
        g.name or "" for g in app.registered_groups
    }


def test_every_command_and_group_has_its_modules() -> None:
    assert set(MODULES) == whole_names()
    assert {m for ms in MODULES.values() for m in ms} <= set(ORDER)
    whole = typer.main.get_command(app)
    for name, modules in MODULES.items():  # the modules named define what runs
        cmd = whole.commands[name]  # type: ignore[attr-defined]
        callbacks = [cmd] + list(getattr(cmd, "commands", {}).values())
        defined = {c.callback.__module__.rsplit(".", 1)[1] for c in callbacks if c.callback}
        assert defined <= set(modules) | {"base"}, name


def test_each_command_alone_parses_and_helps_as_in_the_whole_app(tmp_path: Path) -> None:
    whole = typer.main.get_command(app)
    by_modules: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for name, modules in MODULES.items():
        by_modules[modules].append(name)
    for names in by_modules.values():
        done = subprocess.run(
            [sys.executable, "-c", DESCRIBE, *names],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=True,
        )
        alone = json.loads(done.stdout)
        for name in names:
            built, commands, loaded = alone[name]
            assert commands == [name]
            assert built == json.loads(json.dumps(describe(whole, name))), name
            # only what it needs: never every module (the point of it)
            assert {m.rsplit(".", 1)[1] for m in loaded} < set(ORDER) | {"base", "parse"}


@pytest.mark.parametrize(
    ("argv", "name"),
    [
        (["add", "Ana"], "add"),
        (["--db", "add", "list"], "list"),  # the value of --db is no command
        (["--db=x.db", "intro", "made"], "intro"),
        (["--no-pager", "--db", "x", "log"], "log"),
        (["--db"], None),
        ([], None),
        (["--help"], None),
        (["--version"], None),
        (["nosuch"], None),
        (["--bogus", "add"], None),
        (["ad"], None),
    ],
)
def test_the_command_is_found_after_the_global_options(argv: list[str], name: str | None) -> None:
    chosen = app_for(argv)
    if name is None:
        assert chosen is app
        return
    assert chosen is not app
    assert [c.name for c in chosen.registered_commands] + [
        g.name for g in chosen.registered_groups
    ] == [name]
    assert len(app.registered_commands) > 30  # the whole app is left as it was


LINES = [
    ["add"],  # a missing argument
    ["add", "Ana Ruiz", "--no-such-option"],
    ["log", "Ana", "--kind"],
    ["intro", "nosuch"],
    ["intro"],
    ["group", "add"],
    ["add", "Ana Ruiz", "--met-on", "2026-02-30"],
    ["due", "--within", "soon"],
    ["nosuch"],
    ["ad", "Ana"],
    ["--db"],
]


def test_the_real_entry_point_says_what_the_whole_app_says(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PLN_HOME": str(tmp_path / "home"),
        "COLUMNS": "80",
        "NO_COLOR": "1",
        "PLN_NOW": "2026-11-23T10:00:00",
    }
    env.pop("PLN_DB", None)
    runner = CliRunner()
    for argv in LINES:
        real = subprocess.run(
            [sys.executable, "-m", "plncli", *argv], capture_output=True, text=True, env=env
        )
        same = runner.invoke(
            app, argv, env={"PLN_HOME": env["PLN_HOME"], "PLN_DB": None}, prog_name="pln"
        )
        assert (real.returncode, real.stdout, real.stderr) == (
            same.exit_code,
            same.stdout,
            same.stderr,
        ), argv
        assert "Traceback" not in real.stderr
    assert not (tmp_path / "home" / "pln.db").exists()  # no line above wrote a book
