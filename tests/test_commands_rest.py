"""`pln forget`, `pln db path|status|check|backup|init`, `pln history` and `pln undo` as
framework-free functions (`plncli.commands.forget`, `plncli.commands.book`), called
directly against a real book: on SQLite, and on a shared book on PostgreSQL."""

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import query
from plncli.commands import book as book_cmd
from plncli.commands import forget as forget_cmd
from plncli.commands import never
from plncli.commands import people as people_cmd
from plncli.context import AppContext
from plncli.errors import Conflict, InvalidInput, NotFound, StoreError
from plncli.forget import FORGOTTEN
from plncli.history import Change
from plncli.people import PersonInput

WORDS = {"add", "edit", "log", "forget", "db"}


@pytest.fixture
def app(db_path: Path) -> Iterator[AppContext]:
    ctx = AppContext(None, creates=True)  # the book at $PLN_HOME/pln.db: db_path
    yield ctx
    ctx.close()


def _add(app: AppContext, *names: str, topic: str = "oracy") -> None:
    data = PersonInput(lists={"topic": [topic]}, scalars={}, note=f"met {names[0]} at BETT")
    people_cmd.add(app, list(names), data, confirm=never)


def _snapshot(path: Path) -> list[tuple[Any, ...]]:
    c = sqlite3.connect(path)
    try:
        return list(c.iterdump())  # type: ignore[arg-type]
    finally:
        c.close()


class Asked:
    """An ``approve`` callback that records what it was shown and answers ``answer``."""

    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.seen: list[Any] = []

    def __call__(self, shown: Any) -> bool:
        self.seen.append(shown)
        return self.answer


# ---- forget ----------------------------------------------------------------------------


def test_forget_shows_the_preview_and_changes_nothing_unless_approved(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz", "Ben Okafor")
    copy = book_cmd.backup(app, None, keep=None, force=False)
    before = _snapshot(db_path)
    asked = Asked(False)
    done = forget_cmd.forget(
        app,
        "Ana",
        backups=True,
        command_words=WORDS,
        may_ask=True,
        confirm=never,
        approve=asked,
    )
    assert done.done is None
    (preview,) = asked.seen
    assert preview == done.preview
    assert preview.plan.person.name == "Ana Ruiz"
    assert preview.plan.counts["attributes"] == 1  # her topic
    assert preview.holding == [copy.path]  # the backup still holds her
    assert (preview.backups, preview.shared, preview.files) == (True, False, [])
    assert _snapshot(db_path) == before


def test_forget_erases_them_and_rewrites_the_backups_that_hold_them(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz", "Ben Okafor")
    copy = book_cmd.backup(app, None, keep=None, force=False).path
    done = forget_cmd.forget(
        app,
        "#1",
        backups=True,
        command_words=WORDS,
        may_ask=True,
        confirm=never,
        approve=Asked(True),
    )
    assert done.done is not None
    assert done.done.person.name == "Ana Ruiz"
    assert (done.wiped, done.rewritten, done.failed) == (True, [copy], [])
    assert query(db_path, "SELECT name FROM person") == [("Ben Okafor",)]
    assert query(db_path, "SELECT id, command FROM change_log WHERE id = ?", done.history_id) == [
        (done.history_id, f"pln forget {FORGOTTEN}")
    ]
    assert b"Ana Ruiz" not in db_path.read_bytes()
    assert b"Ana Ruiz" not in Path(copy).read_bytes()
    doc = done.as_json()
    assert doc["history_id"] == done.history_id
    assert doc["backups"] == [{"path": copy, "rewritten": True}]
    assert (doc["file_rewritten"], doc["files"]) == (True, [])
    assert "tables_not_rewritten" not in doc  # a shared book's keys only


def test_forget_keeps_a_backup_it_cannot_rewrite_and_says_why(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz", "Ben Okafor")
    good = book_cmd.backup(app, None, keep=None, force=False).path
    bad = Path(good).parent / "pln-20260101-000000.db"  # holds her, but is no database
    bad.write_bytes(b"not a database, but it says Ana Ruiz" * 200)
    done = forget_cmd.forget(
        app,
        "Ana",
        backups=True,
        command_words=WORDS,
        may_ask=True,
        confirm=never,
        approve=Asked(True),
    )
    assert done.done is not None
    assert sorted(done.preview.holding) == sorted([good, str(bad)])
    assert done.rewritten == [good]
    assert [c for c, _ in done.failed] == [str(bad)]
    assert all(why for _, why in done.failed)
    assert sorted(done.as_json()["backups"], key=str) == sorted(  # type: ignore[arg-type]
        [{"path": good, "rewritten": True}, {"path": str(bad), "rewritten": False}], key=str
    )
    assert query(db_path, "SELECT name FROM person") == [("Ben Okafor",)]
    assert b"Ana Ruiz" in bad.read_bytes()  # kept as it was


def test_forget_refuses_before_anything_when_no_one_can_be_asked(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz")
    before = _snapshot(db_path)
    asked = Asked(True)
    with pytest.raises(InvalidInput, match="asks before it erases anything"):
        forget_cmd.forget(
            app,
            "Ana",
            backups=False,
            command_words=WORDS,
            may_ask=False,
            confirm=never,
            approve=asked,
        )
    assert asked.seen == []
    assert _snapshot(db_path) == before


def test_forget_puts_a_close_spelling_to_confirm_before_the_preview(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz")
    questions: list[str] = []

    def no(question: str) -> bool:
        questions.append(question)
        return False

    asked = Asked(True)
    with pytest.raises(NotFound):
        forget_cmd.forget(
            app,
            "Ana Ruis",
            backups=False,
            command_words=WORDS,
            may_ask=True,
            confirm=no,
            approve=asked,
        )
    assert questions == ["no one is called 'Ana Ruis'; did you mean Ana Ruiz (#1)?"]
    assert asked.seen == []
    done = forget_cmd.forget(
        app,
        "Ana Ruis",
        backups=False,
        command_words=WORDS,
        may_ask=True,
        confirm=lambda q: True,
        approve=asked,
    )
    assert done.done is not None
    assert done.done.person.id == 1
    assert query(db_path, "SELECT count(*) FROM person") == [(0,)]


# ---- history and undo -------------------------------------------------------------------


def test_history_lists_the_newest_first(app: AppContext) -> None:
    _add(app, "Ana Ruiz")
    _add(app, "Ben Okafor")
    rows = book_cmd.history(app, limit=20)
    assert [c.id for c in rows] == [2, 1]
    assert all(isinstance(c, Change) and not c.undone for c in rows)
    assert [c.id for c in book_cmd.history(app, limit=1)] == [2]


def test_undo_shows_the_change_and_undoes_it_only_when_approved(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz")
    _add(app, "Ben Okafor")
    before = _snapshot(db_path)
    asked = Asked(False)
    kept = book_cmd.undo(app, None, may_ask=True, approve=asked)
    assert (kept.target.id, kept.history_id) == (2, None)
    assert [c.id for c in asked.seen] == [2]
    assert _snapshot(db_path) == before
    done = book_cmd.undo(app, None, may_ask=True, approve=Asked(True))
    assert done.target.id == 2
    assert done.history_id is not None
    assert query(db_path, "SELECT name FROM person") == [("Ana Ruiz",)]
    assert [(c.id, c.undone) for c in book_cmd.history(app, limit=3)] == [
        (done.history_id, False),
        (2, True),
        (1, False),
    ]


def test_undo_finds_the_change_before_it_refuses_to_ask(app: AppContext, db_path: Path) -> None:
    """Nothing to undo is said first; then, with a change found, no one to ask is refused."""
    with pytest.raises(NotFound, match="nothing to undo"):
        book_cmd.undo(app, None, may_ask=False, approve=Asked(True))
    _add(app, "Ana Ruiz")
    before = _snapshot(db_path)
    asked = Asked(True)
    with pytest.raises(InvalidInput, match="asks before it changes anything"):
        book_cmd.undo(app, None, may_ask=False, approve=asked)
    assert asked.seen == []
    assert _snapshot(db_path) == before


def test_undo_of_one_change_is_refused_before_it_is_shown(app: AppContext, db_path: Path) -> None:
    _add(app, "Ana Ruiz")
    people_cmd.edit(app, "Ana", PersonInput(lists={"topic": ["maths"]}, scalars={}), confirm=never)
    before = _snapshot(db_path)
    asked = Asked(True)
    with pytest.raises(Conflict, match="change #2 changed the same records"):
        book_cmd.undo(app, "#1", may_ask=True, approve=asked)
    assert asked.seen == []
    assert _snapshot(db_path) == before
    done = book_cmd.undo(app, " 2 ", may_ask=True, approve=asked)
    assert (done.target.id, [c.id for c in asked.seen]) == (2, [2])


@given(st.integers(min_value=0, max_value=10**18 - 1), st.sampled_from(["{}", "#{}", " #{} "]))
def test_a_history_entry_is_read_as_pln_history_shows_it(number: int, form: str) -> None:
    assert book_cmd.history_id(form.format(number)) == number


@given(st.text(max_size=30))
def test_anything_else_is_not_a_history_entry(text: str) -> None:
    stripped = text.strip()
    digits = stripped.removeprefix("#")
    if digits.isascii() and digits.isdigit() and len(digits) <= 18:
        assert book_cmd.history_id(text) == int(digits)
        return
    with pytest.raises(InvalidInput, match="is not a history entry"):
        book_cmd.history_id(text)


# ---- db path, status, check, backup -----------------------------------------------------


def test_path_status_and_check_of_a_personal_book(app: AppContext, db_path: Path) -> None:
    assert book_cmd.path(app) == str(db_path)
    _add(app, "Ana Ruiz", "Ben Okafor")
    found = book_cmd.status(app)
    assert (found.path, found.shared) == (str(db_path), None)
    assert found.size_bytes == db_path.stat().st_size > 0
    assert found.counts["people"] == 2
    health = book_cmd.check(app)
    assert health == (["ok"], 0, found.schema_version)
    assert health.healthy


def test_check_counts_a_foreign_key_problem_and_changes_nothing(
    app: AppContext, db_path: Path
) -> None:
    _add(app, "Ana Ruiz")
    app.close()
    c = sqlite3.connect(db_path)
    c.execute("PRAGMA foreign_keys = OFF")
    c.execute(
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (99, 'topic', 'x', 'x')"
    )
    c.commit()
    c.close()
    before = _snapshot(db_path)
    health = book_cmd.check(AppContext(None))
    assert (health.integrity, health.foreign_key_problems, health.healthy) == (["ok"], 1, False)
    assert _snapshot(db_path) == before


def test_backup_writes_a_copy_and_keeps_the_newest(
    app: AppContext, db_path: Path, tmp_path: Path
) -> None:
    _add(app, "Ana Ruiz")
    folder = db_path.parent / "backups"
    folder.mkdir(mode=0o700)
    older = [folder / f"pln-2026010{i}-000000.db" for i in (1, 2)]
    for p in older:
        p.write_bytes(b"old")
    made = book_cmd.backup(app, None, keep=2, force=False)
    assert made.path == str(folder / "pln-20261123-100000.db")
    assert made.size_bytes == os.path.getsize(made.path)
    assert made.removed == [str(older[0])]
    assert sorted(os.listdir(folder)) == ["pln-20260102-000000.db", "pln-20261123-100000.db"]
    assert query(Path(made.path), "SELECT name FROM person") == [("Ana Ruiz",)]
    named = book_cmd.backup(app, str(tmp_path / "copy.db"), keep=None, force=False)
    assert (named.path, named.removed) == (str(tmp_path / "copy.db"), [])
    with pytest.raises(Conflict, match="already exists"):
        book_cmd.backup(app, named.path, keep=None, force=False)
    assert book_cmd.backup(app, named.path, keep=None, force=True).path == named.path


def test_backup_of_no_book_yet_is_refused(app: AppContext, db_path: Path) -> None:
    with pytest.raises(StoreError):
        book_cmd.backup(AppContext(None), None, keep=None, force=False)
    assert not db_path.exists()
    assert not (db_path.parent / "backups").exists()


# ---- a shared book on PostgreSQL ----------------------------------------------------------


def test_the_same_functions_on_a_shared_book(pg_url: str) -> None:
    prepared = book_cmd.init(AppContext(None), pg_url)
    assert prepared.version > 0
    app = AppContext(pg_url)
    try:
        _add(app, "Ana Ruiz", "Ben Okafor")
        found = book_cmd.status(app)
        assert found.shared is not None
        assert (found.path, found.shared.database, found.shared.may_write) == (
            pg_url,
            prepared.database,
            True,
        )
        assert found.schema_version == prepared.version
        assert found.counts["people"] == 2
        assert book_cmd.check(app) == (["ok"], 0, prepared.version)
        with pytest.raises(StoreError, match="pg_dump"):
            book_cmd.backup(app, None, keep=None, force=False)
        [newest] = book_cmd.history(app, limit=5)  # one command: one change
        assert newest.author == "postgres"
        done = forget_cmd.forget(
            app,
            "Ana",
            backups=True,
            command_words=WORDS,
            may_ask=True,
            confirm=never,
            approve=Asked(True),
        )
        assert done.done is not None
        assert done.preview.shared
        assert done.preview.holding == []  # pln makes no copies of a shared book
        doc = done.as_json()
        assert doc["tables_not_rewritten"] == done.not_rewritten
        assert doc["older_transaction_open"] is done.older_open
        assert book_cmd.status(app).counts["people"] == 1
        with pytest.raises(NotFound, match="since `pln forget`"):
            book_cmd.undo(app, None, may_ask=True, approve=Asked(True))
    finally:
        app.close()
