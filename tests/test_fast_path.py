"""The fast path (no Typer) prints exactly what the Typer commands print."""

import runpy
from pathlib import Path

import pytest

from plncli import fast
from plncli.db import open_store

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture
def demo(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    monkeypatch.setenv("PLN_DB", str(db_path))
    monkeypatch.setattr("sys.argv", ["load_demo.py", str(EXAMPLES / "demo-network.json")])
    runpy.run_path(str(EXAMPLES / "load_demo.py"), run_name="__main__")
    return db_path


AGREE = [
    ["due"],
    ["due", "--json"],
    ["due", "--within", "14d", "--json"],
    ["due", "--within=2w", "--circle", "network"],
    ["due", "--topic", "assessment", "--json"],
    ["due", "--limit", "3"],
    ["due", "--limit=0", "--json"],
    ["list"],
    ["list", "--json"],
    ["list", "--sort", "last-contact", "--circle=colleague"],
    ["list", "--topic", "Retrieval Practices", "--json"],
    ["list", "--met-at", "researchED National 2026", "--role-tag", "expert"],
    ["list", "--org", "Northfield", "--archived", "--json"],
    ["show", "Ana", "--json"],
    ["show", "Ana Ruiz"],
    ["show", "--all", "#3"],
    ["show", "Zoe", "--json"],
    ["find", "quiz", "--json"],
    ["find", "retriev", "practice", "--limit", "3"],
    ["find", "--archived", "--", "sustainability"],
]


@pytest.mark.sqlite_only(reason="the demo is loaded into a SQLite file (PLN_DB) of its own")
@pytest.mark.parametrize("argv", AGREE, ids=" ".join)
def test_fast_and_typer_paths_print_the_same(demo: Path, pln, capsys, argv: list[str]) -> None:
    assert fast.run(argv) == 0
    got = capsys.readouterr()
    typer_result = pln(*argv)
    assert got.out == typer_result.stdout
    assert got.err == typer_result.stderr
    assert got.out.strip()


@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--help"],
        ["due", "-h"],
        ["due", "--circle", "friends"],
        ["due", "--within"],
        ["due", "--json", "extra"],
        ["list", "--sort"],
        ["list", "--nonsense"],
        ["show"],
        ["show", "a", "b"],
        ["find"],
        ["find", "x", "--limit", "0"],
        ["due", "--limit", "-1"],
        ["find", "x", "--limit", "many"],
        ["add", "Ana"],
        ["--db"],
        [],
        ["due", "--topic", "a", "--topic", "b"],
    ],
    ids=" ".join,
)
def test_anything_not_fully_understood_goes_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None


@pytest.mark.parametrize("argv", [["show", "Nobody"], ["due", "--within", "soon"]])
def test_errors_are_left_to_typer(demo: Path, capsys, argv: list[str]) -> None:
    assert fast.run(argv) is None
    assert capsys.readouterr().out == ""


def test_global_db_option_and_version(tmp_path: Path, capsys) -> None:
    parsed = fast.parse(["--db", str(tmp_path / "x.db"), "due", "--json"])
    assert parsed == (str(tmp_path / "x.db"), "due", {"--json": True}, [])
    open_store(tmp_path / "x.db", create_parent=False).close()  # reads never create a book
    assert fast.run(["--db=" + str(tmp_path / "x.db"), "due", "--json"]) == 0
    assert capsys.readouterr().out == "[]\n"
    assert fast.run(["--version"]) == 0


def test_the_fast_path_can_be_switched_off(monkeypatch) -> None:
    monkeypatch.setenv("PLN_NO_FASTPATH", "1")
    assert fast.run(["--version"]) is None
