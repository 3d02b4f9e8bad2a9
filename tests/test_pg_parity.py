"""One store, two engines (issue 13): what is left of making the shared book answer as the
personal one does.

- `pln undo` on a shared book finds the rows a change touched on the server, in one
  statement (``store.history.later_touching`` and ``spill``), not by reading every step's
  text into the client: the server must read each step's row as the client's ``_row_of``
  does, whatever the values in the step's text, and the undo of an import must leave
  the same book on both engines.

Skipped, with one line, without a server (tests/pgserver.py).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

psycopg = pytest.importorskip("psycopg")
from plncli.store import history, pg  # noqa: E402  (psycopg first: an optional extra)

T = "2026-11-23 10:00:00.000000"
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def shared(pg_book_url: str) -> Iterator[Any]:
    conn = pg.connect(pg_book_url)
    try:
        yield conn
    finally:
        conn.close()


def _quote(value: object) -> str:
    """A value as SQLite's quote() (and the capture) writes it."""
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


# Text that looks like the parts of a step the key is read from.
TRICKY = st.sampled_from(
    [" WHERE rowid = 7", ") VALUES (8,", "rowid = 9", ",", "'", ")", " = diwor EREHW ", "\n"]
)
VALUES = st.one_of(
    st.none(),
    st.integers(-(2**40), 2**40),
    st.lists(st.one_of(TRICKY, st.text(max_size=6)), max_size=4).map("".join),
)


@st.composite
def step(draw: st.DrawFn) -> tuple[str, str, str]:
    """(tbl, op, sql) in one of the three shapes the capture writes."""
    tbl = draw(st.sampled_from(["person", "person_attr", "tie"]))
    op = draw(st.sampled_from(["insert", "update", "delete"]))
    key = draw(st.integers(-2, 9))  # few keys: changes touch the same rows often
    values = draw(st.lists(VALUES, min_size=1, max_size=3))
    names = [f"c{i}" for i in range(len(values))]
    if op == "insert":
        return tbl, op, f"DELETE FROM {tbl} WHERE rowid = {key}"
    if op == "update":
        sets = ",".join(f'"{n}"={_quote(v)}' for n, v in zip(names, values, strict=True))
        return tbl, op, f"UPDATE {tbl} SET {sets} WHERE rowid = {key}"
    cols = ",".join(f'"{n}"' for n in names)
    vals = ",".join(_quote(v) for v in values)
    return tbl, op, f"INSERT INTO {tbl} (rowid,{cols}) VALUES ({key},{vals})"


@PROPERTY
@given(
    changes=st.lists(st.lists(step(), min_size=1, max_size=4), min_size=2, max_size=5),
    data=st.data(),
)
def test_the_server_finds_the_rows_a_change_touched_as_the_client_does(
    shared: Any, changes: list[list[tuple[str, str, str]]], data: st.DataObject
) -> None:
    ids = []
    try:
        for steps in changes:
            cid = shared.execute(
                "INSERT INTO change_log (at, command, kind, summary)"
                " VALUES (?, 'pln x', 'change', 'x')",
                (T,),
            ).lastrowid
            ids.append(cid)
            for tbl, op, sql in steps:
                shared.execute(
                    "INSERT INTO undo_step (change_id, tbl, op, sql) VALUES (?, ?, ?, ?)",
                    (cid, tbl, op, sql),
                )
        for n, target in enumerate(ids):
            skip = frozenset(data.draw(st.sets(st.sampled_from(ids))))
            mine = history.rows_changed_by(shared, target)
            # every step of the format names its row
            assert len(mine) == len({(t, history._row_of(s)) for t, _, s in changes[n]})
            expected = history.later_change_touching(shared, target, mine, skip)
            assert history.later_touching(shared, target, skip) == expected
            for undo in ids[n + 1 :]:
                extra = history.rows_changed_by(shared, undo) - mine
                later = history.later_change_touching(shared, target, extra, skip)
                assert history.spill(shared, target, undo, skip) == (
                    bool(extra),
                    later if extra else None,
                )
    finally:
        shared.rollback()


def _search_rows(conn: Any) -> list[tuple[Any, ...]]:
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT person_id, name, org, tags, notes, interactions FROM person_search"
            " ORDER BY person_id"
        ).fetchall()
    ]


def test_undo_on_a_shared_book_leaves_the_search_rows_a_rebuild_would(
    pln: Any, pg_book_url: str
) -> None:
    """The runs of deletes an undo makes (one statement each on a shared book) say whose
    search rows to rewrite: interactions (through who took part), details, people."""
    book = ("--db", pg_book_url)
    pln(*book, "add", "Ana Ruiz", "Ben Okafor", "Cleo Diaz", "--topic", "oracy")
    pln(*book, "log", "Ana", "Ben", "-m", "talked about phonics", "--kind", "coffee")
    pln(*book, "log", "Ben", "Cleo", "-m", "marking workload")
    pln(*book, "edit", "Cleo", "--add-topic", "assessment", "--org", "Hillside")
    conn = pg.connect(pg_book_url)
    try:
        for _ in range(3):  # the edit, then each log
            pln(*book, "undo", "--yes")
            undone = _search_rows(conn)
            conn.rollback()
            from plncli.people import rebuild_search

            rebuild_search(conn)
            assert _search_rows(conn) == undone
            conn.rollback()
        assert [r[4:] for r in undone] == [("", "")] * 3
        assert "phonics" not in str(undone)
    finally:
        conn.close()
