"""`pln due --json` at 10,000 people (issue 13, item 6), third round: the same output, less work.

- The share hints read the topics and seeks of the few reconnects they look at by the
  (person_id, kind, key) index: SQLite otherwise chose the (kind, key, person_id) one and
  read every topic and seek of the book through it (~45M instructions at 10,000 people,
  an eighth of the command).

No timings: benchmarks/run.py measures.
"""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import open_book
from plncli.store import resources as store


@pytest.fixture
def topical_book(pln: Any) -> None:
    """Six people with topics and seeks (and an email, another kind of attribute)."""
    for n in range(6):
        pln(
            "add",
            f"Person {n}",
            "--topic",
            f"topic {n % 3}",
            "--topic",
            "assessment",
            "--seeks",
            f"seek {n}",
            "--offers",
            "oracy",
            "--email",
            f"p{n}@example.org",
        )


@pytest.mark.sqlite_only  # the plan is SQLite's; PostgreSQL plans with its statistics
def test_the_hints_read_their_peoples_topics_by_person(db_path: Path, topical_book: None) -> None:
    conn = sqlite3.connect(db_path)
    try:
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        store.interests_of(conn, [1, 3])
        conn.set_trace_callback(None)
        (sql,) = statements
        plan = " ".join(str(r[3]) for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    finally:
        conn.close()
    assert "sqlite_autoindex_person_attr_1 (person_id=?" in plan, plan
    assert "kind=?" not in plan.split("(")[1], plan


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.integers(min_value=0, max_value=8), max_size=6, unique=True))
def test_the_hints_read_exactly_their_peoples_topics_and_seeks(
    db_path: Path, topical_book: None, ids: list[int]
) -> None:
    """What they read: every topic and seek of those people, no offer, email or other person."""
    conn = open_book(db_path)
    try:
        got = sorted((r.person_id, r.key) for r in store.interests_of(conn, ids))
    finally:
        conn.close()
    want = sorted(
        (pid, key)
        for pid in ids
        if 1 <= pid <= 6
        for key in ("assessment", f"topic {(pid - 1) % 3}", f"seek {pid - 1}")
    )
    assert got == want
