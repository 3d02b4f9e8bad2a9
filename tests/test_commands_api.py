"""The framework-free command functions (`plncli.commands`), called directly against a real
book: they take an AppContext and typed values and return a result (or raise a PlnError),
and importing them loads no Typer, Click or Rich."""

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import query
from plncli.commands import activity as activity_cmd
from plncli.commands import events as events_cmd
from plncli.commands import never
from plncli.commands import people as people_cmd
from plncli.commands import transfer as transfer_cmd
from plncli.context import AppContext
from plncli.dates import parse_interval
from plncli.errors import Conflict, InvalidInput, NotFound
from plncli.events import EventChange
from plncli.people import PersonInput
from plncli.resolve import PersonRef


@pytest.fixture
def app(db_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(None, creates=True)  # the book at $PLN_HOME/pln.db: db_path
    yield ctx
    ctx.close()


def _input(**given: object) -> PersonInput:
    values: dict[str, object] = {
        "lists": {},
        "scalars": {"org": None, "role": None, "location": None},
        "circle": None,
        "cadence": None,
        "met_at": None,
        "met": None,
        "place": None,
        "note": None,
    }
    values.update(given)
    return people_cmd.person_input(**values)  # type: ignore[arg-type]


def test_add_returns_the_people_and_their_first_followups(app: AppContext, db_path: Path) -> None:
    data = _input(lists={"topic": ["oracy"]}, met_at="researchED 2026")
    due = date(2026, 11, 26)
    done = people_cmd.add(app, ["Ana Ruiz", "Ben Okafor"], data, due=due, confirm=never)
    assert [p.name for p in done.people] == ["Ana Ruiz", "Ben Okafor"]
    assert len(done.followup_ids) == 2
    assert done.due == due
    assert query(db_path, "SELECT name FROM person ORDER BY id") == [("Ana Ruiz",), ("Ben Okafor",)]
    assert query(db_path, "SELECT id, due FROM followup ORDER BY id") == [
        (fid, "2026-11-26") for fid in done.followup_ids
    ]


def test_a_place_needs_its_event() -> None:
    with pytest.raises(InvalidInput, match="--place is where the --met-at event was"):
        _input(place="Leeds")


def test_a_close_spelling_is_put_to_confirm(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    with pytest.raises(NotFound):
        people_cmd.add(app, ["Ben Okafor"], _input(), introduced_by="Ana Ruis", confirm=no)
    assert asked == ["no one is called 'Ana Ruis'; did you mean Ana Ruiz (#1)?"]
    assert query(db_path, "SELECT count(*) FROM person") == [(1,)]  # nothing written

    done = people_cmd.add(
        app, ["Ben Okafor"], _input(), introduced_by="Ana Ruis", confirm=lambda q: True
    )
    assert query(
        db_path, "SELECT introduced_by_id FROM person WHERE id = ?", done.people[0].id
    ) == [(1,)]


def test_no_names_asks_for_cards_or_is_an_error(app: AppContext, db_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no NAME given"):
        people_cmd.add(app, [], _input(), confirm=never)

    def cards(base: PersonInput, duplicate: object, save: people_cmd.SaveCard) -> list[PersonRef]:
        return [save("Ana Ruiz", base, False), save("Ben Okafor", base, False)]

    done = people_cmd.add(
        app,
        [],
        _input(met_at="TeachMeet North"),
        due=date(2026, 11, 30),
        confirm=never,
        cards=cards,
    )
    assert [p.name for p in done.people] == ["Ana Ruiz", "Ben Okafor"]
    assert query(db_path, "SELECT count(*) FROM followup") == [(2,)]


def test_edit_changes_and_returns_the_person(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    change = PersonInput(scalars={"org": "Hillside Trust"}, lists={"topic": ["oracy"]})
    done = people_cmd.edit(app, "ana", change, every="30d", confirm=never, with_profile=True)
    assert done.person == PersonRef(1, "Ana Ruiz")
    assert done.profile is not None
    assert query(db_path, "SELECT org, cadence FROM person") == [("Hillside Trust", "30d")]
    assert query(db_path, "SELECT value FROM person_attr WHERE kind = 'topic'") == [("oracy",)]
    with pytest.raises(InvalidInput, match="nothing to change"):
        people_cmd.edit(app, "ana", PersonInput(), confirm=never)


def test_archive_and_restore(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    assert people_cmd.set_archived(app, "Ana", True, confirm=never).archived
    assert query(db_path, "SELECT archived_at IS NOT NULL FROM person") == [(1,)]
    with pytest.raises(NotFound, match="is archived"):
        people_cmd.set_archived(app, "Ana", True, confirm=never)
    people_cmd.set_archived(app, "Ana", False, confirm=never)
    assert query(db_path, "SELECT archived_at IS NULL FROM person") == [(1,)]
    with pytest.raises(InvalidInput, match="is not archived"):
        people_cmd.set_archived(app, "Ana", False, confirm=never)


def test_commands_import_no_framework() -> None:
    code = (
        "import sys, pkgutil, importlib, plncli.commands as c\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module(f'plncli.commands.{m.name}')\n"
        "names = [n for n in sys.modules if n.split('.')[0] in ('typer', 'click', 'rich')]\n"
        "print(len(list(pkgutil.iter_modules(c.__path__))), ' '.join(sorted(names)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    count, *loaded = out.stdout.split()
    assert int(count) >= 1  # the modules were found and imported
    assert loaded == []


def test_log_settles_first_followups_and_plans_the_next(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz", "Ben Okafor"], _input(), due=date(2026, 11, 25), confirm=never)
    done = activity_cmd.log(
        app,
        ["Ana", "Ben"],
        at=app.now,
        message="Coffee: swapped quiz designs",
        kind="coffee",
        next_due=date(2026, 12, 7),
        confirm=never,
    )
    assert [p.name for p in done.people] == ["Ana Ruiz", "Ben Okafor"]
    assert [f.id for f in done.closed] == [1, 2]
    assert done.still_open == []
    assert done.next_note == "Follow up on: Coffee: swapped quiz designs"
    assert query(db_path, "SELECT id, state FROM followup ORDER BY id") == [
        (1, "done"),
        (2, "done"),
        *((fid, "open") for fid in done.followup_ids),
    ]
    assert query(db_path, "SELECT kind, note FROM interaction") == [
        ("coffee", "Coffee: swapped quiz designs")
    ]


def test_log_puts_a_new_kind_to_the_asker(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    asked: list[tuple[str, bool]] = []

    def decline(question: str, default: bool) -> bool:
        asked.append((question, default))
        return False

    with pytest.raises(InvalidInput, match="was not created; nothing was logged"):
        activity_cmd.log(app, ["Ana"], at=app.now, kind="podcast", confirm=never, ask_kind=decline)
    assert asked == [("'podcast' is a new kind of interaction; create it?", True)]
    assert query(db_path, "SELECT count(*) FROM interaction") == [(0,)]
    unasked = activity_cmd.log(app, ["Ana"], at=app.now, kind="podcast", confirm=never)
    assert unasked.new_kind == "new kind 'podcast'"


def test_remind_done_snooze_drop(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    first = activity_cmd.remind(
        app, "Ana", date(2026, 11, 30), message="Send the quiz bank", confirm=never
    )
    assert first.followup.note == "Send the quiz bank"
    assert first.followup.due == date(2026, 11, 30)
    monthly = activity_cmd.remind(
        app, "Ana", date(2026, 11, 24), every=parse_interval("1m"), confirm=never
    )
    [moved] = activity_cmd.done(app, [monthly.followup.id])
    assert moved.followup.state == "done"
    assert moved.next is not None
    assert moved.next.due == date(2026, 12, 24)
    [snoozed] = activity_cmd.snooze(app, [first.followup.id], date(2026, 12, 4))
    assert snoozed.followup.due == date(2026, 12, 4)
    with pytest.raises(NotFound):  # one id unknown: nothing dropped
        activity_cmd.drop(app, [first.followup.id, 99])
    assert query(db_path, "SELECT state FROM followup WHERE id = ?", first.followup.id) == [
        ("open",)
    ]
    [dropped] = activity_cmd.drop(app, [first.followup.id])
    assert dropped.state == "dropped"
    open_now = activity_cmd.reminders(app, person="Ana", state="open")
    assert [r.id for r in open_now] == [moved.next.id]
    with pytest.raises(InvalidInput, match="--state 'later' is not known"):
        activity_cmd.reminders(app, person=None, state="later")


def test_import_all_or_nothing_then_skip_invalid(
    app: AppContext, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,email\nAna Ruiz,ana@example.org\nBen Okafor,not-an-email\n")
    with pytest.raises(transfer_cmd.InvalidRecords) as refused:
        transfer_cmd.import_file(app, str(path))
    assert [(p.where, p.field) for p in refused.value.problems] == [("line 3", "email")]
    assert query(db_path, "SELECT count(*) FROM person") == [(0,)]

    ticks: list[tuple[int, str, bool]] = []

    @contextmanager
    def progress(size: int, what: str, counted: bool) -> Iterator[Callable[[], None]]:
        ticks.append((size, what, counted))
        yield lambda: None

    done = transfer_cmd.import_file(
        app, str(path), skip_invalid=True, topics=["oracy"], progress=progress
    )
    assert isinstance(done, transfer_cmd.Imported)
    assert done.counts == (1, 0, 0)
    assert done.rejects is not None
    assert Path(done.rejects.real).read_text().startswith("line 3\temail\t")
    assert ticks == [(1, "checking 1 records", True), (1, "writing", False)]  # read: 1 valid
    assert query(
        db_path,
        "SELECT p.name, a.value FROM person p JOIN person_attr a ON a.person_id = p.id"
        " WHERE a.kind IN ('email', 'topic') ORDER BY a.kind",
    ) == [("Ana Ruiz", "ana@example.org"), ("Ana Ruiz", "oracy")]


def test_export_to_a_file_and_read_it_back(app: AppContext, tmp_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz", "Ben Okafor"], _input(), confirm=never)
    with pytest.raises(InvalidInput, match="--format 'pdf' is not known"):
        transfer_cmd.export(app, "pdf")
    out = tmp_path / "book.json"
    written = transfer_cmd.export_file(app, str(out), "json")
    assert written.shown == str(out)
    assert written.size == out.stat().st_size
    assert b"".join(transfer_cmd.export(app, "csv")).decode().count("Ruiz") == 1
    # a restore fills an empty book only: its dry run says so too (stop 27)
    with pytest.raises(Conflict, match="restores a whole book into an empty database"):
        transfer_cmd.import_file(app, str(out), dry_run=True)
    empty = AppContext(str(tmp_path / "empty.db"))
    empty.previews = True  # as `pln import --dry-run` opens a book that does not exist
    try:
        again = transfer_cmd.import_file(empty, str(out), dry_run=True)
    finally:
        empty.close()
    assert again == transfer_cmd.Restored(True, again.tables)
    assert again.tables["person"] == 2
    assert not (tmp_path / "empty.db").exists()


def test_merge_people_shows_the_plan_before_anything_changes(
    app: AppContext, db_path: Path
) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    people_cmd.add(app, ["Ana Ruiz-Garcia"], _input(lists={"topic": ["oracy"]}), confirm=never)
    activity_cmd.log(app, ["Ana Ruiz-Garcia"], at=app.now, confirm=never)
    seen: list[tuple[int, str, str]] = []

    def decline(plan: Any, keep: PersonRef, other: PersonRef) -> bool:
        seen.append((plan.interactions, keep.name, other.name))
        return False

    refused = people_cmd.merge(app, "#1", "#2", confirm=never, approve=decline)
    assert not refused.merged
    assert seen == [(1, "Ana Ruiz", "Ana Ruiz-Garcia")]
    assert query(db_path, "SELECT count(*) FROM person WHERE archived_at IS NULL") == [(2,)]
    done = people_cmd.merge(app, "#1", "#2", confirm=never, approve=lambda *_: True)
    assert done.merged
    assert query(db_path, "SELECT id FROM person WHERE archived_at IS NULL") == [(1,)]
    assert query(db_path, "SELECT person_id FROM interaction_person") == [(1,)]


def test_event_show_edit_merge(app: AppContext, db_path: Path) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(met_at="researchED 2026"), confirm=never)
    people_cmd.add(app, ["Ben Okafor"], _input(met_at="ResearchEd Natl"), confirm=never)
    shown = events_cmd.show(app, "researchED 2025")  # a close spelling: taken for a read
    assert shown.event.guessed_from == "researchED 2025"
    assert [m.person.name for m in shown.detail.people] == ["Ana Ruiz"]
    with pytest.raises(NotFound, match="did you mean researchED 2026"):  # refused for a write
        events_cmd.edit(app, "researchED 2025", EventChange(place="London"), confirm=never)
    with pytest.raises(InvalidInput, match="nothing to change"):
        events_cmd.edit(app, "#1", EventChange(), confirm=never)
    edited = events_cmd.edit(app, "#1", EventChange(place="London"), confirm=never)
    assert edited.event.name == "researchED 2026"
    assert query(db_path, "SELECT place FROM event WHERE id = 1") == [("London",)]
    merged = events_cmd.merge(app, "#1", "#2", confirm=never, approve=lambda *_: True)
    assert merged.plan.people == 1
    assert query(db_path, "SELECT id FROM event") == [(1,)]


def test_kinds_in_use_counts_what_was_logged(app: AppContext) -> None:
    people_cmd.add(app, ["Ana Ruiz"], _input(), confirm=never)
    for _ in range(2):
        activity_cmd.log(app, ["Ana"], at=app.now, kind="coffee", confirm=never)
    counts = {k.kind: k.interactions for k in activity_cmd.kinds_in_use(app)}
    assert counts["coffee"] == 2
    assert counts["call"] == 0


@pytest.mark.parametrize(
    "module", ["people", "activity", "events", "kinds", "transfer", "forget", "store"]
)
def test_the_typer_layer_opens_no_transaction(module: str) -> None:
    """The converted Typer modules declare, call one command function, and render: the
    transaction (and any statement) is the command function's. Read in the code's names,
    not its words: `pln forget` says "transaction" to the user and in its JSON."""
    import ast

    import plncli.cli

    source = (Path(plncli.cli.__file__).parent / f"{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert not {n for n in names if "transaction" in n}
    assert not names & {"execute", "executemany", "executescript", "commit", "rollback", "conn"}
    assert not names & {"secure_delete", "open_read_only", "backup_to"}
    assert ".execute(" not in source
