"""`pln due --json` at 10,000 people (issue 13, item 6), third round: the same output, less work.

- ``due.ranked_due`` ranks someone not met at an event (most of a book) without a call to
  ``_first_contact`` and ``_reconnect`` each: held here to those two, the rule, on
  open-ended people.
- The share hints read the topics and seeks of the few reconnects they look at by the
  (person_id, kind, key) index: SQLite otherwise chose the (kind, key, person_id) one and
  read every topic and seek of the book through it (~45M instructions at 10,000 people,
  an eighth of the command).

No timings: benchmarks/run.py measures.
"""

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import open_book
from plncli import due
from plncli.due import PersonState
from plncli.resolve import PersonRef
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


# one person: circle, own cadence, days before today added, last contact and meeting (None:
# none), met at an event (its name; None: not met at one), an open follow-up
_person = st.tuples(
    st.sampled_from(["colleague", "network", "following"]),
    st.sampled_from([None, "2w", "1m", "60d", "1y", "never"]),
    st.integers(min_value=0, max_value=400),
    st.one_of(st.none(), st.integers(min_value=-3, max_value=400)),
    st.one_of(st.none(), st.integers(min_value=-3, max_value=400)),
    st.sampled_from([None, None, "BETT"]),
    st.booleans(),
)


@example(  # due today, overdue by a day, due tomorrow; added, never met: one of each form
    people=[
        ("colleague", None, 30, 14, None, None, False),
        ("network", "60d", 61, None, None, None, False),
        ("network", "2w", 20, 13, 30, None, False),
        ("colleague", None, 50, None, 20, "BETT", False),
    ],
    ahead=1,
    cadences={"colleague": "2w", "network": "1m"},
)
@given(
    people=st.lists(_person, max_size=12),
    ahead=st.integers(min_value=0, max_value=90),
    cadences=st.fixed_dictionaries(
        {
            "colleague": st.sampled_from(["2w", "1m", "never"]),
            "network": st.sampled_from(["1m", "3m", "60d"]),
        }
    ),
)
def test_a_reconnect_is_ranked_as_the_rule_ranks_it(
    people: list[Any], ahead: int, cadences: dict[str, str]
) -> None:
    """``ranked_due`` writes out the common case, someone not met at an event, rather than
    calling ``_first_contact`` and ``_reconnect`` for each person: the same candidates, in
    the same order, as those two give (``past_cadence`` and `pln stats` count by them)."""
    today = date(2026, 11, 23)
    horizon = today + timedelta(days=ahead)
    states = [
        PersonState(
            PersonRef(n, f"Person {n % 4}"),
            circle,
            own,
            today - timedelta(days=added) if last is None or event else None,
            None if last is None else today - timedelta(days=last),
            None if met is None else today - timedelta(days=met),
            event,
            open_followup,
        )
        for n, (circle, own, added, last, met, event, open_followup) in enumerate(people)
    ]
    defaults = {c: due._interval(v) for c, v in cadences.items()}
    grace = timedelta(days=7)
    expected = []
    for p in states:
        found = None
        if not p.has_open_followup:
            found = due._first_contact(p, today, grace) or due._reconnect(p, today, defaults)
        if found is not None and found[3] <= horizon:
            expected.append(found)
    expected.sort(key=lambda r: r[0])
    got = due.ranked_due(
        states, [], today=today, horizon=horizon, cadences=cadences, first_contact_days=7
    )
    assert got == expected
