"""Defects found at stop 25 by an adversary and a demanding new user ("trust is the
product"), each reproduced through the real CLI first: a failed first command leaves no
folder behind, an edit of a resource that changes nothing says so and writes nothing,
and free text refuses what would make it read as other text.

Every test that takes the ``pln`` fixture runs on SQLite and on a shared book (PostgreSQL)
when PLN_TEST_PG names a server (tests/conftest.py)."""

from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error, fails, query

# ---- 1. a failed first command leaves nothing behind ---------------------------------------


@pytest.mark.sqlite_only(reason="about the default location of a SQLite book")
@pytest.mark.parametrize("xdg", [False, True])
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("resource", "add", "https://example.org/a", "--from", "Nobody"), 3),
        (("group", "add", "ChemChat", "Nobody"), 3),
        (("add", ""), 2),
        (("add", "Ana", "--introduced-by", "Nobody"), 3),
    ],
)
def test_a_failed_first_command_leaves_no_folder(
    pln: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], code: int, xdg: bool
) -> None:
    """With no book yet, `pln group add ChemChat Nobody` failed (no such person) and removed
    the book it had created, but left ~/.local/share/pln (and ~/.local/share, ~/.local)
    behind: a failed command must leave nothing. Now the folders it made go too."""
    home = tmp_path / "fresh-home"
    home.mkdir()
    monkeypatch.delenv("PLN_HOME")
    monkeypatch.setenv("HOME", str(home))
    if xdg:
        monkeypatch.setenv("XDG_DATA_HOME", str(home / "data" / "xdg"))
    else:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert_clean_error(pln(*args, code=code))
    assert list(home.iterdir()) == []
    # and a command that succeeds still creates the folder and the book, owner-only
    out = pln("add", "Ana Ruiz")
    book = (home / "data" / "xdg" if xdg else home / ".local" / "share") / "pln" / "pln.db"
    assert out.stderr.splitlines()[-1] == f"Created a new book at {book}."
    assert book.is_file() and (book.parent.stat().st_mode & 0o777) == 0o700


@pytest.mark.sqlite_only(reason="about the default location of a SQLite book")
def test_a_failed_first_command_keeps_a_folder_that_was_there(
    pln: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only what the command made goes: a data folder that existed (holding the user's
    other files) is left as it was."""
    home = tmp_path / "fresh-home"
    share = home / ".local" / "share"
    share.mkdir(parents=True)
    (share / "other-app.txt").write_text("mine")
    monkeypatch.delenv("PLN_HOME")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    pln("group", "add", "ChemChat", "Nobody", code=3)
    assert sorted(p.name for p in share.iterdir()) == ["other-app.txt"]


# ---- 2. `pln resource edit` that changes nothing -------------------------------------------

RESOURCE = "SELECT title, title_key, url, kind, author, note, updated_at FROM resource"


def _resource_state(db_path: Path) -> Any:
    return (
        query(db_path, RESOURCE),
        query(db_path, "SELECT key, topic FROM resource_topic ORDER BY key"),
        query(db_path, "SELECT command FROM change_log ORDER BY id"),
    )


def test_a_resource_edit_that_changes_nothing_says_so(pln: Any, db_path: Path) -> None:
    """`pln resource edit X --kind article` of an article printed "Updated X (#1)." and wrote
    a history entry (and a new updated_at) for nothing. It now says `Nothing changed: …`
    as `pln edit` does, exit 0, and writes nothing; a topic it has already is said in
    `pln edit --add-topic`'s words."""
    pln("resource", "add", "https://example.org/q", "--title", "Quiz design", "--kind",
        "article", "--topic", "Café", "--by", "Ana", "--note", "good")
    before = _resource_state(Path(db_path))
    for args in (
        ("--title", "Quiz design"),
        ("--kind", "article", "--by", "Ana", "--note", "good", "--url", "https://example.org/q"),
    ):
        out = pln("resource", "edit", "Quiz", *args)
        assert out.stderr == "Nothing changed: Quiz design (#1) already has what was given.\n"
    out = pln("resource", "edit", "Quiz", "--topic", "cafe", "--topic", "Café")
    assert out.stderr.splitlines() == [
        "Nothing changed: Quiz design (#1) already has what was given.",
        "note: --topic 'cafe' is already there as 'Café': kept as it was",
        "note: --topic 'Café' is already there: nothing added",
    ]
    assert _resource_state(Path(db_path)) == before  # no updated_at, no history entry
    # a real change beside one already there: updated, and the topic still said
    out = pln("resource", "edit", "Quiz", "--topic", "cafe", "--by", "")
    assert out.stderr.splitlines() == [
        "Updated Quiz design (#1).",
        "note: --topic 'cafe' is already there as 'Café': kept as it was",
    ]
    assert query(db_path, "SELECT author FROM resource") == [(None,)]
    # a title that differs only in case is a change
    assert pln("resource", "edit", "Quiz", "--title", "quiz design").stderr == (
        "Updated quiz design (#1).\n"
    )
