"""`knows`, `unknows`, `group`, `who`, `private` and `events` as framework-free functions
(`plncli.commands.network`, `commands.events.listed`), called directly against a real
book; and their Typer layer (`cli/network.py`) opens no transaction of its own."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from helpers import query
from plncli.commands import events as events_cmd
from plncli.commands import network as cmd
from plncli.commands import never
from plncli.commands import people as people_cmd
from plncli.context import AppContext
from plncli.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def app(db_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(None, creates=True)  # the book at $PLN_HOME/pln.db: db_path
    for name, topic in (("Ana Ruiz", "assessment"), ("Ben Okafor", "reading"), ("Carla Núñez", "")):
        data = people_cmd.person_input(
            lists={"topic": [topic] if topic else []},
            scalars={"org": None, "role": None, "location": None},
            circle=None,
            cadence=None,
            met_at="researchED",
            met=None,
            place=None,
            note=None,
        )
        people_cmd.add(ctx, [name], data, confirm=never)
    yield ctx
    ctx.close()


def test_knows_lists_and_unknows(app: AppContext, db_path: Path) -> None:
    tie = cmd.knows(app, "Ana", "Ben", since=(date(2019, 1, 1), "year"), note="", confirm=never)
    assert (tie.a.name, tie.b.name, tie.new) == ("Ana Ruiz", "Ben Okafor", True)
    again = cmd.knows(app, "Ben", "Ana", since=None, note="same school", confirm=never)
    assert not again.new
    assert query(db_path, "SELECT since, since_precision, note FROM tie") == [
        ("2019-01-01", "year", "same school")
    ]
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    with pytest.raises(NotFound):  # a close spelling in a write: put to confirm, refused
        cmd.knows(app, "Ana Ruis", "Carla", since=None, note="", confirm=no)
    assert asked == ["no one is called 'Ana Ruis'; did you mean Ana Ruiz (#1)?"]
    assert cmd.knows(app, "Ana Ruis", "Carla", since=None, note="", confirm=lambda q: True).new
    found = cmd.acquaintances(app, "Ana Ruis")  # a read: taken, and said
    assert found.person.guessed_from == "Ana Ruis"
    assert [k.person.name for k in found.known] == ["Ben Okafor", "Carla Núñez"]
    cmd.unknows(app, "Carla", "Ana", confirm=never)
    with pytest.raises(NotFound, match="no tie between"):
        cmd.unknows(app, "Carla", "Ana", confirm=never)
    assert query(db_path, "SELECT count(*) FROM tie") == [(1,)]


def test_groups(app: AppContext, db_path: Path) -> None:
    added = cmd.group_add(app, "Science dept", ["Ana", "Ben"], confirm=never)
    assert (added.created, [p.name for p in added.added], added.already) == (
        True,
        ["Ana Ruiz", "Ben Okafor"],
        [],
    )
    more = cmd.group_add(app, "science DEPT", ["Ana", "Carla"], confirm=never)
    assert (more.created, [p.name for p in more.already]) == (False, ["Ana Ruiz"])
    cmd.group_remove(app, "Science dept", ["Carla", "Carla"], confirm=never)  # once
    with pytest.raises(NotFound, match="Carla Núñez is not in Science dept"):
        cmd.group_remove(app, "Science dept", ["Ana", "Carla"], confirm=never)
    # all or nothing: Ana, taken out before the refusal, is still in the group
    shown = cmd.group_show(app, "science dept")
    assert (shown.group.members, [p.name for p in shown.people]) == (2, ["Ana Ruiz", "Ben Okafor"])
    assert [g.name for g in cmd.group_list(app)] == ["Science dept"]
    assert cmd.group_delete(app, "Science dept").name == "Science dept"
    with pytest.raises(NotFound):
        cmd.group_show(app, "Science dept")
    assert query(db_path, "SELECT count(*) FROM pgroup_member") == [(0,)]


def test_who_private_and_events(app: AppContext, db_path: Path) -> None:
    assert [e.person.name for e in cmd.who(app, "assess", limit=5)] == ["Ana Ruiz"]
    with pytest.raises(InvalidInput):
        cmd.set_private(app, "topic", None, off=False)
    cmd.set_private(app, "topic", "Reading", off=False)
    cmd.set_private(app, "event", "researched", off=False)
    with pytest.raises(Conflict):
        cmd.set_private(app, "topic", "reading", off=False)
    assert cmd.private_marks(app) == [("event", "researchED"), ("topic", "Reading")]
    cmd.set_private(app, "topic", "reading", off=True)
    assert query(db_path, "SELECT kind, key FROM private_mark") == [("event", "researched")]
    [event] = events_cmd.listed(app)
    assert (event.name, event.met, event.no_contact_since) == ("researchED", 3, 3)


def test_the_typer_layer_opens_no_transaction() -> None:
    import plncli.cli

    source = (Path(plncli.cli.__file__).parent / "network.py").read_text(encoding="utf-8")
    assert "transaction" not in source
    assert ".execute(" not in source
