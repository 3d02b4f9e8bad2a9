"""Random sequences of commands against a simple model of the book, compared after each step.

The model keeps, per person, the name and whether archived, plus the open
follow-ups; every successful write pushes the model's previous state, so that
`pln undo` can be checked as "back to exactly how it was".
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from typer.testing import CliRunner

from plncli.cli import app
from plncli.db import open_store
from plncli.text import fold

pytestmark = pytest.mark.slow  # subprocesses and many hypothesis steps: `make test-fast` skips them

NAMES = ["Ana Ruiz", "ana  RUIZ", "Ben Okafor", "Zoë Kowalczyk", "Zoe Kowalczyk", "Carla Díaz"]


class Book(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = CliRunner()
        self.people: dict[int, dict[str, Any]] = {}
        self.followups: dict[int, int] = {}  # open follow-up id -> person id
        self.undo_stack: list[tuple[dict[int, dict[str, Any]], dict[int, int]]] = []

    @initialize()
    def fresh_db(self) -> None:
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()
        self.db = str(Path(self.tmp.name) / "pln.db")
        open_store(self.db, create_parent=False).close()  # reads never create a book

    def teardown(self) -> None:
        self.tmp.cleanup()

    def pln(self, *args: str) -> Any:
        return self.runner.invoke(app, ["--db", self.db, *args])

    def remember(self) -> None:
        self.undo_stack.append((copy.deepcopy(self.people), dict(self.followups)))

    def active(self) -> list[int]:
        return [pid for pid, p in self.people.items() if not p["archived"]]

    @rule(name=st.sampled_from(NAMES))
    def add(self, name: str) -> None:
        r = self.pln("add", name, "--json")
        if any(fold(p["name"]) == fold(name) for p in self.people.values()):
            assert r.exit_code == 5, r.output
            return
        assert r.exit_code == 0, r.output
        self.remember()
        (added,) = json.loads(r.stdout)
        self.people[added["id"]] = {"name": " ".join(name.split()), "archived": False}

    @precondition(lambda self: bool(self.active()))
    @rule(data=st.data())
    def log(self, data: st.DataObject) -> None:
        pid = data.draw(st.sampled_from(self.active()))
        r = self.pln("log", f"#{pid}", "-m", "hello")
        assert r.exit_code == 0, r.output
        self.remember()

    @precondition(lambda self: bool(self.active()))
    @rule(data=st.data(), days=st.integers(0, 10))
    def remind(self, data: st.DataObject, days: int) -> None:
        pid = data.draw(st.sampled_from(self.active()))
        r = self.pln("remind", f"#{pid}", f"in {days} days", "--json")
        assert r.exit_code == 0, r.output
        done = json.loads(r.stdout)
        if done["changed"]:  # the same follow-up again is not added, nor an undo step
            self.remember()
        self.followups[done["id"]] = pid

    @precondition(lambda self: bool(self.followups))
    @rule(data=st.data())
    def done(self, data: st.DataObject) -> None:
        fid = data.draw(st.sampled_from(sorted(self.followups)))
        r = self.pln("done", str(fid))
        assert r.exit_code == 0, r.output
        self.remember()
        del self.followups[fid]

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data())
    def archive_or_restore(self, data: st.DataObject) -> None:
        pid = data.draw(st.sampled_from(sorted(self.people)))
        archived = self.people[pid]["archived"]
        r = self.pln("restore" if archived else "archive", f"#{pid}")
        assert r.exit_code == 0, r.output
        self.remember()
        self.people[pid]["archived"] = not archived

    @rule()
    def undo(self) -> None:
        r = self.pln("undo", "--yes")
        if not self.undo_stack:
            assert r.exit_code == 3, r.output
            return
        assert r.exit_code == 0, r.output
        self.people, self.followups = self.undo_stack.pop()

    @invariant()
    def matches_the_model(self) -> None:
        if not hasattr(self, "db"):
            return
        listed = json.loads(self.pln("list", "--json").stdout)
        archived = json.loads(self.pln("list", "--archived", "--json").stdout)
        assert {p["id"]: p["name"] for p in listed} == {
            pid: p["name"] for pid, p in self.people.items() if not p["archived"]
        }
        assert {p["id"] for p in archived} == {
            pid for pid, p in self.people.items() if p["archived"]
        }
        open_ids = {f["id"] for f in json.loads(self.pln("reminders", "--json").stdout)}
        # an archived person's follow-ups wait, hidden, until they are restored
        visible = {f for f, pid in self.followups.items() if not self.people[pid]["archived"]}
        assert open_ids == visible
        check = self.pln("db", "check")
        assert check.exit_code == 0, check.output


Book.TestCase.settings = settings(
    max_examples=15,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.usefixtures("env_setup")
class TestBook(Book.TestCase):  # type: ignore[name-defined,misc]
    pass
