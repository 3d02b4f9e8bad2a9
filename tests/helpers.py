"""Checks the CLI test files share."""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

Dump = Callable[[], list[str]]


def assert_clean_error(result: Any) -> str:
    """One `error: ...` line on stderr (plus at most one `hint: ...`), nothing on stdout."""
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2, f"stderr should be one error line (+ hint): {result.stderr!r}"
    assert lines[0].startswith("error: "), lines
    if len(lines) == 2:
        assert lines[1].startswith("hint: "), lines
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    return str(lines[0])


def fails(pln: Any, dump: Dump, code: int, *args: str, input: str | None = None) -> str:
    """Run a command that must fail with ``code`` and leave every row as it was."""
    before = dump()
    assert before, "set up some data first, so that 'unchanged' means something"
    result = pln(*args, input=input, code=code)
    line = assert_clean_error(result)
    assert dump() == before
    return line


@contextmanager
def in_zone(name: str) -> Iterator[None]:
    """Run in the time zone ``name`` (TZ plus time.tzset(), which a running process needs),
    then restore the zone the suite had."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


@contextmanager
def pinned_today(day: date) -> Iterator[None]:
    """Run commands as if today were ``day`` (10:00 local time), then put "now" back."""
    before = os.environ.get("PLN_NOW")
    os.environ["PLN_NOW"] = f"{day.isoformat()}T10:00:00"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PLN_NOW"]
        else:
            os.environ["PLN_NOW"] = before


def remind_as_typed(pln: Any, person: str, when: str, *rest: str, today: date) -> Any:
    """`pln remind --json`; a due date before ``today`` is set up on that day itself.

    `pln remind` refuses a date in the past, so an overdue follow-up is one made
    back then: the same row a user who let it slip would have.
    """
    from plncli.dates import parse_day

    day = parse_day(when, today=today)
    if day >= today:
        return pln.json("remind", person, when, *rest)
    with pinned_today(day):
        return pln.json("remind", person, day.isoformat(), *rest)


_SHARED: dict[Path, str] = {}  # the test's book path -> its shared book's URL (one entry)


def use_shared_book(path: Path | None, url: str | None) -> None:
    """conftest.py: this test's book (``db_path``) is the shared book at ``url``."""
    _SHARED.clear()
    if path is not None and url is not None:
        _SHARED[path] = url


def shared_book(db: Path | str) -> str | None:
    """The shared book's URL when ``db`` is the test's book (``db_path``) and the test runs
    on PostgreSQL; else None: ``db`` is a SQLite file."""
    return _SHARED.get(Path(db))


def book_location(db: Path | str) -> str:
    """What ``PLN_DB`` (or ``--db``) says for the test's book, for a pln run in a
    subprocess: the shared book's URL on PostgreSQL, else the SQLite file's path."""
    return shared_book(db) or str(db)


def query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows read straight from the database: what is stored, not what pln says. On a
    shared book through pln's PostgreSQL adapter (``?`` parameters; dates and instants as
    the text SQLite stores), so that one statement checks both engines."""
    url = shared_book(db)
    if url is not None:
        from plncli.store import pg

        shared = pg.connect(url)
        try:
            return [tuple(r) for r in shared.execute(sql, args).fetchall()]
        finally:
            shared.close()
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def book_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The book's own rows, table by table (not its history, undo data or search rows),
    on either engine: to compare a book before a change and after its undo."""
    from plncli.migrations import UNDONE_TABLES

    return {t: sorted(query(db, f"SELECT * FROM {t}"), key=repr) for t in UNDONE_TABLES}


def change(db: Path, sql: str, *args: object, foreign_keys: bool = False) -> None:
    """A change made straight in the database, behind pln's back (as another program, or
    an older pln, would): committed, recorded in no history. ``foreign_keys``: with the
    foreign keys pln turns on, on SQLite too (a person's rows cascade; PostgreSQL always
    has them)."""
    url = shared_book(db)
    if url is not None:
        import psycopg

        with psycopg.connect(url) as conn:
            conn.execute(sql.replace("?", "%s"), args)
        return
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys = ON")
        with conn:
            conn.execute(sql, args)
    finally:
        conn.close()


def open_book(db: Path) -> Any:
    """The test's book opened as the commands open it: the SQLite file, or the shared book
    (pln's PostgreSQL adapter) when the test runs on PostgreSQL."""
    url = shared_book(db)
    if url is not None:
        from plncli.store import pg

        return pg.connect(url)
    from plncli import db as store

    return store.open_store(db, create_parent=False)


def book_exists(db: Path) -> bool:
    """Whether the test's book exists yet (a shared book always does)."""
    return shared_book(db) is not None or Path(db).exists()


def dump_shared(url: str) -> list[str]:
    """Every row of every table of a shared book (as ``sqlite3``'s ``iterdump`` for a
    file): rows only, not the sequences a rolled-back INSERT has advanced."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        ).fetchall()
        out: list[str] = []
        for (table,) in tables:
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            out.extend(sorted(f"{table} {row!r}" for row in rows))
        return out


STAMP = "2026-11-23 10:00:00.000000"  # a stored instant, as the store writes one


def insert_person(conn: Any, name: str, **more: object) -> int:
    """One person put straight into a book through the store, in its own transaction."""
    from plncli import db
    from plncli.store import people
    from plncli.text import fold

    fields: dict[str, object] = {
        "name": name,
        "name_key": fold(name),
        "circle": "network",
        "notes": "",
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    fields.update(more)
    with db.transaction(conn):
        return people.insert_person(conn, fields)


# --- the two lists of `pln introduce --json` ------------------------------------------------


def intro_lists(pln: Any, *args: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`pln introduce ARGS --json`, split into its introductions and its "already know?"."""
    found = pln.json("introduce", *args)
    return (
        [s for s in found if s["kind"] == "introduce"],
        [s for s in found if s["kind"] == "already-know?"],
    )


def pair_names(s: dict[str, Any]) -> frozenset[str]:
    """The two names of one suggestion."""
    return frozenset((s["a"]["name"], s["b"]["name"]))


def pair(x: str, y: str) -> frozenset[str]:
    return frozenset((x, y))


# ---- a book as an older pln left it (SQLite): what each later migration added, removed ----


def without_person_topics() -> str:
    """SQL removing m011's ``person_topics`` and its triggers, and what the steps after it
    add (m012's ``ix_person_list``, m013's ``key_count``): a book wound back to before m011
    has none of them."""
    from plncli import migrations

    drops = "".join(f" DROP TRIGGER person_topics_{t};" for t in migrations.TOPICS_TRIGGERS)
    return drops + " DROP TABLE person_topics; DROP INDEX ix_person_list;" + without_key_count()


def without_key_count() -> str:
    """SQL removing m013's ``key_count`` and its triggers: a book wound back to before m013."""
    from plncli import migrations

    drops = "".join(f" DROP TRIGGER key_count_{t};" for t in migrations.KEY_COUNT_TRIGGERS)
    return drops + " DROP TABLE key_count;"


def without_followup_anchor(conn: Any) -> None:
    """Remove m009's ``followup.anchor``, and make the followup's undo triggers again
    without it (as m008 left them)."""
    from plncli import migrations

    conn.executescript(
        "DROP TRIGGER undo_followup_insert; DROP TRIGGER undo_followup_update;"
        " DROP TRIGGER undo_followup_delete; ALTER TABLE followup DROP COLUMN anchor;"
    )
    for statement in migrations.undo_triggers(conn, tables=("followup",)):
        conn.execute(statement)
