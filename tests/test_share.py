"""`pln share RESOURCE` (who it would help, and why) and `pln share RESOURCE --with PEOPLE`
(sharing is contact), through the real CLI on both engines; `pln who` naming people who
shared something on a topic; the fast path printing what the Typer command prints.

"now" is pinned to Monday 2026-11-23 10:00 by conftest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import fails, pinned_today, query

CANDIDATE_KEYS = {"person", "circle", "last_contact", "score", "reasons", "topics"}


def _network(pln: Any) -> None:
    """Who knows what about oracy, each in a different way."""
    pln("add", "Ben Okafor", "--seeks", "Oracy")
    pln("add", "Carla Diaz", "--topic", "oracy in science")
    pln("add", "Dev Patel", "--topic", "geography")
    pln("add", "Eve Stone", "--seeks", "oracy", "--circle", "following")
    pln("add", "Fay Lee", "--topic", "oracy")
    pln("add", "Gus Hill", "--seeks", "assessment")
    pln("add", "Hal Moss", "--topic", "oracy")
    pln("log", "Dev", "-m", "talked speaking and listening", "--topic", "oracy")
    pln("log", "Fay", "-m", "coffee")
    pln("resource", "add", "Talk for learning", "--kind", "book", "--topic", "oracy")


def test_share_ranks_who_it_would_help_with_reasons_in_words(pln: Any) -> None:
    _network(pln)
    people = pln.json("share", "talk")
    assert all(set(c) == CANDIDATE_KEYS for c in people)
    ranked = [(c["person"]["name"], c["reasons"]) for c in people]
    assert ranked == [
        # seeking it is the strongest reason; someone you only follow comes after
        ("Ben Okafor", ["Ben is looking for help with Oracy"]),
        ("Eve Stone", ["Eve is looking for help with oracy"]),
        # works on the same topic, then on a topic holding its words
        ("Hal Moss", ["Hal works on oracy"]),  # never in touch: before Fay, contacted today
        ("Fay Lee", ["Fay works on oracy"]),
        ("Carla Diaz", ["Carla works on oracy in science"]),
        # talked about it with you
        ("Dev Patel", ["you talked about oracy with Dev"]),
    ]
    table = pln("share", "talk").stdout
    assert "Ben is looking for help with Oracy" in table
    assert "Gus" not in table  # seeks something else


def test_share_leaves_out_who_it_went_to_or_came_from_and_archived_people(
    pln: Any, db_path: Path
) -> None:
    _network(pln)
    pln("share", "talk", "--with", "Ben", "-m", "for your trial")
    pln("resource", "add", "talk for learning", "--from", "Hal")
    pln("archive", "Carla")
    names = [c["person"]["name"] for c in pln.json("share", "talk")]
    assert names == ["Eve Stone", "Fay Lee", "Dev Patel"]
    assert [c["person"]["name"] for c in pln.json("share", "talk", "--circle", "following")] == [
        "Eve Stone"
    ]
    assert [c["person"]["name"] for c in pln.json("share", "talk", "--limit", "2")] == [
        "Eve Stone",
        "Fay Lee",
    ]
    assert query(
        db_path,
        "SELECT p.name, s.direction, i.note FROM interaction_resource s"
        " JOIN interaction i ON i.id = s.interaction_id"
        " JOIN interaction_person ip ON ip.interaction_id = i.id"
        " JOIN person p ON p.id = ip.person_id ORDER BY p.name",
    ) == [
        ("Ben Okafor", "to", "Talk for learning — for your trial"),
        ("Hal Moss", "from", "Talk for learning"),
    ]


def test_topics_match_as_who_and_introduce_match_them(pln: Any, env_setup: Path) -> None:
    pln("add", "Ana Ruiz", "--seeks", "Managing behaviours")
    pln("add", "Ben Okafor", "--topic", "classroom management")
    pln("add", "Carla Diaz", "--topic", "AfL")
    pln("resource", "add", "Calm classrooms", "--topic", "behaviour management")
    pln("resource", "add", "Inside the black box", "--topic", "assessment")
    # the same words in another order and form; one shared word is not enough
    assert [c["person"]["name"] for c in pln.json("share", "calm")] == ["Ana Ruiz"]
    assert pln.json("share", "inside") == []
    # a synonym counts as the topic
    (env_setup / "config.toml").write_text('[synonyms]\nAfL = "assessment"\n')
    got = pln.json("share", "inside")
    assert [(c["person"]["name"], c["reasons"]) for c in got] == [
        ("Carla Diaz", ["Carla works on AfL"])
    ]


def test_sharing_is_contact(pln: Any, db_path: Path) -> None:
    pln("add", "Ben Okafor", "Carla Diaz", "--seeks", "oracy", "--circle", "colleague")
    pln("resource", "add", "Talk for learning", "--topic", "oracy")
    with pinned_today(date(2027, 3, 1)):
        due = {d["person"]["name"] for d in pln.json("due") if d["kind"] == "reconnect"}
        assert {"Ben Okafor", "Carla Diaz"} <= due
        out = pln("share", "talk", "--with", "Ben", "Carla", "-m", "for the trial")
        assert "you shared Talk for learning with Ben Okafor, Carla Diaz" in out.stderr
        due = {d["person"]["name"] for d in pln.json("due") if d["kind"] == "reconnect"}
        assert not {"Ben Okafor", "Carla Diaz"} & due
    # one interaction each: sending a link to two people does not make them know each other
    assert query(db_path, "SELECT count(*) FROM interaction WHERE kind = 'shared'") == [(2,)]
    assert query(db_path, "SELECT count(*) FROM tie") == [(0,)]
    ben = pln.json("show", "Ben")
    assert [(r["resource"]["title"], r["direction"]) for r in ben["resources"]] == [
        ("Talk for learning", "to")
    ]
    assert ben["interactions"][0]["kind"] == "shared"
    shown = pln("resource", "show", "talk").stdout
    assert "Ben Okafor" in shown
    assert "you shared it" in shown
    assert "for the trial" in shown


def test_share_errors_change_nothing(pln: Any, dump: Any) -> None:
    pln("add", "Ben Okafor", "--seeks", "oracy")
    pln("resource", "add", "Talk for learning", "--topic", "oracy")
    fails(pln, dump, 3, "share", "nothing like it")
    fails(pln, dump, 3, "share", "talk", "--with", "Nobody")
    fails(pln, dump, 2, "share", "talk", "--with")
    fails(pln, dump, 2, "share", "talk", "Ben")  # people without --with
    fails(pln, dump, 2, "share", "talk", "--with", "Ben", "Ben")
    fails(pln, dump, 2, "share", "talk", "--circle", "friends")
    fails(pln, dump, 2, "share", "talk", "--limit", "0")


def test_a_resource_without_topics_says_how_to_add_them(pln: Any) -> None:
    pln("add", "Ben Okafor", "--seeks", "oracy")
    pln("resource", "add", "Untitled notes")
    out = pln("share", "untitled")
    assert "has no topics" in out.stdout
    assert pln.json("share", "untitled") == []


def test_who_names_people_who_shared_something_on_it(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy")
    pln("add", "Ben Okafor")
    pln("resource", "add", "Talk for learning", "--topic", "oracy", "--from", "Ben")
    got = pln.json("who", "oracy")
    assert [(e["person"]["name"], e["how"], e["resource"]) for e in got] == [
        ("Ana Ruiz", "works on it", None),
        ("Ben Okafor", "shared something on it with you", "Talk for learning"),
    ]
    assert "shared Talk for learning with you" in pln("who", "oracy").stdout
    assert [e["person"]["name"] for e in pln.json("who", "oracy", "--limit", "1")] == ["Ana Ruiz"]


@pytest.mark.parametrize(
    "argv",
    [
        ["share", "talk"],
        ["share", "talk", "--json"],
        ["share", "Talk for learning", "--circle", "following", "--limit", "3"],
        ["share", "--limit=2", "#1", "--json"],
    ],
    ids=" ".join,
)
def test_the_fast_path_prints_what_typer_prints(pln: Any, capsys: Any, argv: list[str]) -> None:
    from plncli import fast

    _network(pln)
    capsys.readouterr()
    assert fast.run(argv) == 0
    got = capsys.readouterr()
    typer_result = pln(*argv)
    assert got.out == typer_result.stdout
    assert got.out.strip()
    assert got.err == typer_result.stderr


def test_the_fast_path_leaves_writes_and_the_unknown_to_typer() -> None:
    from plncli import fast_share

    for argv in (
        ["share", "talk", "--with", "Ben"],
        ["share", "talk", "-m", "x"],
        ["share", "talk", "--help"],
        ["share", "talk", "--circle", "friends"],
        ["share", "talk", "--limit", "0"],
        ["share"],
        ["share", "a", "b"],
    ):
        assert fast_share.parse(argv) is None, argv
    assert fast_share.parse(["share", "talk", "--circle", "Network"]) == (
        None,
        {"--circle": "network"},
        "talk",
    )


def test_the_fast_paths_options_are_the_typer_commands_read_options() -> None:
    import typer.main

    from plncli import fast_share
    from plncli.cli import app

    command = typer.main.get_command(app).commands["share"]  # type: ignore[attr-defined]
    options = {o for p in command.params if p.param_type_name == "option" for o in p.opts}
    valued, flags, _ = fast_share.SPEC
    writes = {"--with", "--message", "-m", "--help"}
    assert set(valued) | set(flags) == options - writes


@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's SQLite file")
def test_the_fast_path_loads_neither_typer_nor_rich(pln: Any, db_path: Path) -> None:
    import json
    import subprocess
    import sys

    _network(pln)
    modules = db_path.parent / "modules.json"
    code = (
        "import atexit, json, sys;"
        f"atexit.register(lambda: open({str(modules)!r}, 'w')"
        ".write(json.dumps(list(sys.modules))));"
        "sys.argv = ['pln', 'share', 'talk'];"
        "from plncli.__main__ import main; main()"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "Ben is looking for help with Oracy" in run.stdout
    loaded = set(json.loads(modules.read_text()))
    assert not loaded & {"typer", "click", "rich", "sqlmodel", "sqlalchemy"}


def test_share_says_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    from test_pg_commands import on_both

    script = [
        ["add", "Ben Okafor", "--seeks", "oracy"],
        ["add", "Carla Diaz", "--topic", "oracy in science"],
        ["add", "Dev Patel"],
        ["log", "Dev", "-m", "chat", "--topic", "Oracy"],
        ["resource", "add", "https://example.org/t", "--title", "Talk", "--topic", "oracy"],
        ["share", "talk"],
        ["share", "talk", "--json"],
        ["share", "talk", "--with", "Ben", "-m", "for you"],
        ["resource", "add", "talk", "--from", "Carla"],
        ["share", "talk"],
        ["resource", "show", "talk"],
        ["resources", "--topic", "oracy"],
        ["who", "oracy"],
        ["show", "Ben"],
        ["share", "nothing"],
    ]
    results = on_both(pln, tmp_path, pg_url, script)
    assert "Dev Patel" in results[9].stdout
    assert results[-1].exit_code == 3


def test_due_suggests_a_new_resource_to_a_reconnect_on_their_topics(pln: Any) -> None:
    pln("add", "Ben Okafor", "--seeks", "oracy", "--circle", "colleague")
    pln("add", "Carla Diaz", "--topic", "geography", "--circle", "colleague")
    pln("add", "Dev Patel", "--topic", "oracy", "--circle", "colleague")
    pln("resource", "add", "Old oracy book", "--topic", "oracy")
    with pinned_today(date(2026, 12, 20)):
        pln("resource", "add", "Talk for learning", "--topic", "Oracy")
        pln("resource", "add", "Talk again", "--topic", "oracy", "--from", "Dev")
        due = {d["person"]["name"]: d for d in pln.json("due") if d["kind"] == "reconnect"}
        assert due["Ben Okafor"]["share"] == {"id": 3, "title": "Talk again"}  # the newest
        assert due["Ben Okafor"]["reason"].endswith("; share Talk again?")
        assert "share" not in due["Carla Diaz"]  # nothing on geography
        assert "share" not in due.get("Dev Patel", {})  # he sent it; contact, not due
        assert "share Talk again?" in pln("due").stdout
        pln("share", "again", "--with", "Carla")  # not Ben: still due, still suggested
        due = {d["person"]["name"]: d for d in pln.json("due") if d["kind"] == "reconnect"}
        assert due["Ben Okafor"]["share"]["title"] == "Talk again"
    # a month and more later, neither is new any more
    with pinned_today(date(2027, 2, 1)):
        due = {d["person"]["name"]: d for d in pln.json("due") if d["kind"] == "reconnect"}
        assert "share" not in due["Ben Okafor"]
