"""`pln list` at 10,000 people, a second pass (issue 13, speed).

- `pln list` no longer loads ``due`` nor ``resolve`` (and ``store.people``): ``reads``
  imports them where `pln due` and `pln show` use them (~1.5 ms of a fresh process).
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LIST_UNUSED = {"plncli.due", "plncli.resolve", "plncli.store.people", "typer", "rich"}


@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's SQLite file")
@pytest.mark.parametrize(
    "argv", [["list"], ["list", "--sort", "added"], ["list", "--org", "north", "--archived"]]
)
def test_list_loads_neither_due_nor_resolve(pln: Any, db_path: Path, argv: list[str]) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy", "--org", "Northfield", "--circle", "colleague")
    pln("add", "Ben Okafor", "--circle", "network")
    modules = db_path.parent / "modules.json"
    code = (
        "import atexit, json, sys;"
        f"atexit.register(lambda: open({str(modules)!r}, 'w')"
        ".write(json.dumps(list(sys.modules))));"
        f"sys.argv = ['pln', '--db', {str(db_path)!r}, *{argv!r}];"
        "from plncli.__main__ import main; main()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    if "--archived" in argv:  # no one archived
        assert (run.stdout, run.stderr) == ("No one matches.\n", "")  # --org filters
    else:
        assert (
            run.stdout.splitlines()[1:]
            == [
                "1  Ana Ruiz    Northfield  colleague  oracy   never",
                "2  Ben Okafor              network            never",
            ][:: 1 if argv == ["list"] else -1]
        )
        assert run.stderr == "2 people\n"
    loaded = set(json.loads(modules.read_text()))
    assert "plncli.reads" in loaded  # the fast path served it
    assert not loaded & LIST_UNUSED
