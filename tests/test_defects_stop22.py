"""Small defects found at stop 22, each reproduced through the real CLI first: what the
user typed or imported is applied or said, never silently dropped."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import query

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _cli(*args: str) -> "subprocess.CompletedProcess[str]":
    """`pln ARGS` in a process of its own, on the test's book (conftest's environment)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    r = subprocess.run(
        [sys.executable, "-m", "plncli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert r.returncode == 0, (args, r.returncode, r.stdout, r.stderr)
    return r


def _notes(result: Any) -> list[str]:
    """The import's notes on what was not kept (its summary's indented lines)."""
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]


def test_import_options_reach_cards_matched_by_uid(pln: Any, db_path: Path, tmp_path: Path) -> None:
    """A card with someone's UID is that person: `--met-at` fills an empty event and
    `--circle` or another event is kept and said, as for a person matched by email or
    name (they were ignored without a word, and a card with news crashed on --met-at)."""
    pln("add", "Ana Ruiz", "--met-at", "Conf A", "--topic", "assessment")
    pln("add", "Ben Okafor")
    cards = tmp_path / "cards.vcf"
    cards.write_text(pln("export", "--format", "vcard").stdout, encoding="utf-8")

    out = pln("import", str(cards), "--circle", "colleague", "--met-at", "Conf B")
    assert "merged into people already in the book: 1, skipped: 1" in out.stderr
    assert _notes(out)[-2:] == [  # the same note of two cards is one line
        "card 1: met_at: kept 'Conf A', --met-at gave 'Conf B'",
        "card 1, card 2: circle: kept 'network', --circle gave 'colleague'",
    ]
    stored = "SELECT p.name, p.circle, e.name FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
    assert sorted(query(db_path, stored + " ORDER BY p.id")) == [
        ("Ana Ruiz", "network", "Conf A"),
        ("Ben Okafor", "network", "Conf B"),  # filled, as a merge fills it
    ]
    # a card that changes the person, with --met-at: the update and the event, no crash
    cards.write_text(cards.read_text().replace("FN:Ben Okafor", "FN:Ben Okafor-Smith"))
    out = pln("import", str(cards), "--met-at", "Conf C")
    assert "card 2: name: updated from the card (the same UID)" in _notes(out)
    assert "card 2: met_at: kept 'Conf B', --met-at gave 'Conf C'" in _notes(out)
    assert sorted(query(db_path, stored + " ORDER BY p.id")) == [
        ("Ana Ruiz", "network", "Conf A"),
        ("Ben Okafor-Smith", "network", "Conf B"),
    ]


def test_import_topic_adds_to_a_uid_matched_card_that_holds_none(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """`--topic` with a card that has someone's UID and no CATEGORIES replaced all their
    topics with the option's, said as "updated from the card": it adds to them, as it
    does to a person matched by email or name. A card with topics still sets them."""
    pln("add", "Ana Ruiz", "--topic", "assessment", "--topic", "oracy")
    bare = tmp_path / "bare.vcf"
    bare.write_text(
        "".join(
            line
            for line in pln("export", "--format", "vcard").stdout.splitlines(keepends=True)
            if not line.startswith("CATEGORIES")
        ),
        encoding="utf-8",
    )
    topics = "SELECT value FROM person_attr WHERE kind = 'topic'"
    out = pln("import", str(bare), "--topic", "Retrieval practice")
    assert "merged into people already in the book: 1" in out.stderr
    assert not [n for n in _notes(out) if "topics" in n]
    assert sorted(v for (v,) in query(db_path, topics)) == [
        "Retrieval practice",
        "assessment",
        "oracy",
    ]
    out = pln("import", str(bare), "--topic", "ORACY")  # held already: nothing new
    assert "skipped: 1" in out.stderr
    assert sorted(v for (v,) in query(db_path, topics)) == [
        "Retrieval practice",
        "assessment",
        "oracy",
    ]
    own = tmp_path / "own.vcf"
    own.write_text(bare.read_text().replace("END:VCARD", "CATEGORIES:water\r\nEND:VCARD"))
    out = pln("import", str(own), "--topic", "oracy")
    assert "card 1: topics: updated from the card (the same UID)" in _notes(out)
    assert sorted(v for (v,) in query(db_path, topics)) == ["oracy", "water"]


def test_share_notes_follow_the_resources_title(pln: Any, db_path: Path) -> None:
    """A share's note begins with the resource's title: an edited title reaches it (the
    old one lingered in the timelines, and `pln resource show` lost the note after it);
    the note written after it, and a note that no longer begins with it, stay as they are."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("resource", "add", "Slides", "--topic", "oracy", "--from", "Ana")
    pln("share", "Slides", "--with", "Ben", "-m", "for the trial")
    pln("log", "Ben", "-m", "Slides were good", "--kind", "shared")  # not linked: not a share
    pln("resource", "edit", "Slides", "--title", "Oracy slides — year 7")
    notes = "SELECT note FROM interaction ORDER BY id"
    assert [n for (n,) in query(db_path, notes)] == [
        "Oracy slides — year 7",
        "Oracy slides — year 7 — for the trial",
        "Slides were good",
    ]
    shown = pln("resource", "show", "Oracy").stdout
    assert "for the trial" in shown
    assert "Slides" not in pln("show", "Ben").stdout.replace("Slides were good", "")
    assert [p["person"]["name"] for p in pln.json("find", "year")] == ["Ana Ruiz", "Ben Okafor"]
    # the user's `--title` goes back, and the notes with it (undo is exact)
    pln("undo", "--yes")
    assert [n for (n,) in query(db_path, notes)][:2] == ["Slides", "Slides — for the trial"]


def test_forget_finds_the_name_as_whole_words(pln: Any, db_path: Path, tmp_path: Path) -> None:
    """`pln forget Ana`: a command line or an imported file that says "Anatomy" does not
    name her (the history lost that line's arguments, and the file was listed as holding
    her); one that says "ÁNA", a word of its own, does (case and accents folded)."""
    # in a process of its own: the history keeps the command line pln was given
    _cli("add", "Ana", "Carla Diaz")
    _cli("log", "Carla", "-m", "Anatomy lesson")
    _cli("log", "Carla", "Ana", "-m", "Coffee")
    unrelated, naming = tmp_path / "anatomy.csv", tmp_path / "naming.csv"
    unrelated.write_text("name,notes\nDev Patel,Anatomy teacher\n", encoding="utf-8")
    naming.write_text("name,notes\nEli Stone,met through ÁNA.\n", encoding="utf-8")
    _cli("import", str(unrelated))
    _cli("import", str(naming))
    out = json.loads(_cli("forget", "Ana", "--yes", "--json").stdout)
    assert out["files"] == [str(naming)]
    assert out["erased"]["history"] == 2  # `add Ana`, `log Carla Ana`
    commands = [c for (c,) in query(db_path, "SELECT command FROM change_log ORDER BY id")]
    assert "pln log Carla -m 'Anatomy lesson'" in commands
    assert "pln log Carla Ana -m Coffee" not in commands


def _reading_uids(pln: Any, *db: str) -> list[str]:
    ics = pln(*db, "export", "--format", "ics").stdout.replace("\r\n ", "")
    return re.findall(r"^UID:(reading-.*)\r?$", ics, re.MULTILINE)


def test_a_readings_calendar_uid_names_it_not_its_row(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """Two books each have their reading 1: their calendar events shared the UID
    `reading-1@pln`, so a calendar subscribed to both kept one. The UID now names the
    group and the resource, so it is the same in every book that holds them, and stays
    when the day moves."""
    other = ["--db", str(tmp_path / "other.db")]
    for book, title in (([], "Making Good Progress?"), (other, "Oracy in science")):
        pln(*book, "add", "Ana Ruiz")
        pln(*book, "group", "add", "Book club", "Ana")
        pln(*book, "resource", "add", title)
        pln(*book, "group", "read", "Book club", title, "--by", "2026-12-03")
    (mine,), (theirs,) = _reading_uids(pln), _reading_uids(pln, *other)
    assert re.fullmatch(r"reading-[0-9a-f]{32}@pln", mine)
    assert mine != theirs
    pln("group", "read", "Book club", "Making", "--by", "2026-12-10")
    assert _reading_uids(pln) == [mine]
    # a third book holding the same group reading the same resource: the same event
    third = ["--db", str(tmp_path / "third.db")]
    pln(*third, "add", "Ben Okafor")
    pln(*third, "group", "add", "book  CLUB", "Ben")
    pln(*third, "resource", "add", "Making Good Progress?")
    pln(*third, "group", "read", "book club", "Making", "--by", "2027-01-05")
    assert _reading_uids(pln, *third) == [mine]


_LOADS_TYPER = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write(str('typer' in sys.modules)));"
    " from plncli.__main__ import main; sys.argv[0] = 'pln'; main()"
)


def _completion(*args: str, fast: bool = True) -> tuple[str, str]:
    """(stdout, whether Typer was loaded) of `pln ARGS` in a process of its own."""
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("PLN_NO_FASTPATH", None)
    if not fast:
        env["PLN_NO_FASTPATH"] = "1"
    r = subprocess.run(
        [sys.executable, "-c", _LOADS_TYPER, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout, r.stderr


@pytest.mark.parametrize(
    ("shell", "before"),
    [
        ("bash", ["--no-pager"]),
        ("zsh", ["--db", "other.db", "--no-pager"]),
        ("fish", ["--no-pager", "--db=other.db"]),
    ],
)
def test_completion_after_global_options_takes_the_fast_path(shell: str, before: list[str]) -> None:
    """`pln --no-pager completion bash` printed the script through Typer (the fast path
    read only `--db` before the command): now as `pln completion bash` does, the same text."""
    script, typer_loaded = _completion("completion", shell)
    assert typer_loaded == "False"
    assert script.startswith(("#", "_", "complete", "function"))
    assert _completion(*before, "completion", shell) == (script, "False")
    assert _completion(*before, "completion", shell, fast=False) == (script, "True")


def test_the_fast_reads_share_one_boundary(
    pln: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pln share RESOURCE` opened, read, flushed and closed the book with a copy of
    `fast.run`'s block: both now go through `fast.serve`, and print what Typer prints; a
    user's error in either still goes to Typer (None), which words it."""
    from plncli import fast

    pln("add", "Ana Ruiz", "--seeks", "oracy")
    pln("resource", "add", "Oracy in science", "--topic", "oracy")
    served: list[str] = []
    serve = fast.serve
    monkeypatch.setattr(
        fast, "serve", lambda db, read, **kw: served.append("x") or serve(db, read, **kw)
    )
    capsys.readouterr()
    for argv in (["share", "Oracy"], ["list"]):
        assert fast.run([*argv, "--json"]) == 0
        assert json.loads(capsys.readouterr().out) == pln.json(*argv)
    assert served == ["x", "x"]
    assert fast.run(["share", "Nothing like it"]) is None
    assert fast.run(["show", "Nobody"]) is None
    assert len(served) == 4


def test_share_after_no_pager_takes_the_fast_path(
    pln: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`pln --no-pager share R` fell back to Typer (the share hook did not drop the global
    flag): now it is served fast, with the pager off, and prints what Typer prints."""
    from plncli import fast

    pln("add", "Ana Ruiz", "--seeks", "oracy")
    pln("resource", "add", "Oracy in science", "--topic", "oracy")
    pagers: list[bool] = []
    serve = fast.serve
    monkeypatch.setattr(
        fast, "serve", lambda db, read, **kw: pagers.append(kw["pager"]) or serve(db, read, **kw)
    )
    capsys.readouterr()
    assert fast.run(["--no-pager", "share", "Oracy", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == pln.json("share", "Oracy")
    assert fast.run(["share", "Oracy", "--json"]) == 0
    capsys.readouterr()
    assert pagers == [False, True]
