"""Issue 11, item 5: `pln introduce --for P` at 100,000 people.

Two shortcuts, each held here to the plain path it replaces (no timings here:
``benchmarks/run.py --shape dense`` measures):

- the people scored with the focus are made from the rows the focus's lists were read
  from (``Book.complete_focus``: their topics, offers and needs that count as a key the
  focus's pairs are scored on), not read again whole (``Book.complete``);
- a place most people share (more than ``FOCUS_CAP``) is counted with the eligible
  people in one read (``index.count_eligible_sharing``), not in two.

The lists (JSON and text) are the same as the plain path's on random books, on both
engines, with the caps as they are and with caps of 1 (every key, organisation and place
then "common"); the store function is the same as the two counts it replaces.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import STAMP, book_exists, insert_person, open_book, query
from plncli import suggest
from plncli.store import index
from test_for_speed3 import _statements

# words whose stems differ: multi-word topics meet in part ("retrieval practice coaching"
# for "retrieval practice") and one-word ones are covered by longer ones
WORDS = ["retrieval", "practice", "coaching", "maths", "oracy"]
TOPIC = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True).map(" ".join)
COUNT = itertools.count()  # each person's name, unique in the book
PERSON = st.fixed_dictionaries(
    {
        "topic": st.lists(TOPIC, max_size=3),
        "offers": st.lists(TOPIC, max_size=2),
        "seeks": st.lists(TOPIC, max_size=2),
        "org": st.sampled_from([None, "Northfield", "NORTHFIELD", "Hillside"]),
        "location": st.sampled_from([None, "Leeds", "LEEDS", "York"]),
        "circle": st.sampled_from(["network", "colleague", "following"]),
    }
)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """The paths the shortcuts replace: everyone scored loaded whole, and the place counted
    on its own."""

    def apart(conn: Any, column: str, value: object, *, following: bool) -> tuple[int, int]:
        n = index.count_eligible(conn, following=following)
        return n, index.sharing(conn, column, value, following=following)

    monkeypatch.setattr(suggest.Book, "complete_focus", suggest.Book.complete)
    monkeypatch.setattr(index, "count_eligible_sharing", apart)
    monkeypatch.setattr(suggest, "_settled", lambda *_: False)  # every candidate scored


def _lists(pln: Any, names: list[str], extra: list[str]) -> list[tuple[str, str]]:
    said = []
    for name in names:
        for fmt in (["--json"], []):
            result = pln("introduce", "--for", name, *extra, *fmt)
            said.append((result.stdout, result.stderr))
    return said


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(PERSON, min_size=2, max_size=7),
    ties=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=8),
    capped=st.booleans(),
    following=st.booleans(),
    limit=st.sampled_from([None, 1, 2, 3]),
)
def test_for_lists_what_the_plain_path_lists(
    pln: Any,
    monkeypatch: pytest.MonkeyPatch,
    people: list[dict[str, Any]],
    ties: list[tuple[int, int]],
    capped: bool,
    following: bool,
    limit: int | None,
) -> None:
    """Random books (needs met in full and in part, shared topics and needs, ties,
    organisations and places in other cases, people only followed): every person's --for
    lists, JSON and text, are the plain path's; ``capped``: with every cap at 1."""
    with monkeypatch.context() as patched:
        if capped:
            patched.setattr(suggest, "FOCUS_CAP", 1)
            patched.setattr(suggest, "CAP", 1)
            patched.setattr(suggest, "COLLEAGUE_CAP", 1)
        names = []  # the book grows over the examples (one book a test): more to meet
        for p in people:
            argv = ["add", f"P{next(COUNT)}", "--circle", p["circle"]]
            for kind in ("topic", "offers", "seeks"):
                argv += [a for t in p[kind] for a in (f"--{kind}", t)]
            argv += ["--org", p["org"]] if p["org"] else []
            argv += ["--location", p["location"]] if p["location"] else []
            [added] = pln.json(*argv)
            names.append(f"#{added['id']}")
        for a, b in {(a, b) for a, b in ties if max(a, b) < len(names) and a != b}:
            pln("knows", names[a], names[b])
        extra = ["--include-following"] if following else []
        extra += ["--limit", str(limit)] if limit else []  # short lists: few pairs scored
        asked = [
            name
            for name, p in zip(names, people, strict=True)
            if following or p["circle"] != "following"
        ]
        new = _lists(pln, asked, extra)
        _plain(patched)
        assert _lists(pln, asked, extra) == new


@pytest.mark.sqlite_only(reason="counts the statements SQLite runs (its trace callback)")
def test_for_reads_the_focus_alone_and_counts_a_common_place_with_everyone(
    pln: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The people scored with Ana are not read again (their topics came with Ana's
    lists), and Leeds, held by more than FOCUS_CAP, is counted in the read that counts
    everyone (it was read once more alone)."""
    monkeypatch.setattr(suggest, "FOCUS_CAP", 2)
    pln("add", "Ana Ruiz", "--topic", "oracy", "--seeks", "maths", "--location", "Leeds")
    for n, place in enumerate(["LEEDS", "Leeds", "leeds", "York"]):
        pln(
            "add", f"Pal {n}", "--topic", "oracy", "--offers", "maths coaching", "--location", place
        )
    pln("add", "Sam Lee", "--circle", "following", "--topic", "oracy", "--location", "Leeds")
    ran = _statements(db_path, "Ana Ruiz")
    [(ana,)] = query(db_path, "SELECT id FROM person WHERE name = 'Ana Ruiz'")
    read_by_person = [sql for sql in ran if "FROM person_attr WHERE person_id IN" in sql]
    assert read_by_person  # Ana's own, and no one else's
    assert all(f"person_id IN ({ana})" in sql for sql in read_by_person), read_by_person
    counted = [  # counts of eligible people (not the capped test of whether Leeds is common)
        sql
        for sql in ran
        if sql.startswith("SELECT count(*") and "FROM person WHERE" in sql and "LIMIT" not in sql
    ]
    assert counted == []  # read from key_count (schema 13), not from the people
    counted = [sql for sql in ran if "FROM key_count" in sql and "tag = 'n'" in sql]
    assert len(counted) == 1, counted  # was two: everyone, then those in Leeds
    assert "tag = 'l' AND \"key\" = 'Leeds' COLLATE NOCASE" in counted[0]
    said = pln.json("introduce", "--for", "Ana Ruiz")
    pals = {s["b"]["name"] for s in said if s["kind"] == "introduce"}
    assert pals == {f"Pal {n}" for n in range(4)}
    assert all('offers "maths coaching"' in " ".join(s["reasons"]) for s in said)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(
        st.tuples(
            st.sampled_from([None, "Leeds", "LEEDS", "leeds", "Zürich", "ZÜRICH", ""]),
            st.sampled_from(["network", "colleague", "following"]),
            st.booleans(),
        ),
        max_size=12,
    ),
    place=st.sampled_from(["Leeds", "leeds", "Zürich", "zürich", "York"]),
    following=st.booleans(),
)
def test_counting_a_place_with_everyone_is_the_two_counts(
    pln: Any,
    db_path: Path,
    people: list[tuple[str | None, str, bool]],
    place: str,
    following: bool,
) -> None:
    """Any people (archived, only followed, a place in any case, none): the one read gives
    what ``count_eligible`` and ``sharing`` give, on both engines (case folded A-Z only)."""
    if not book_exists(db_path):
        pln("add", "Ana Ruiz")  # the book exists (on either engine)
    conn = open_book(db_path)
    try:
        for n, (location, circle, archived) in enumerate(people):
            insert_person(
                conn,
                f"Q {n}",
                location=location,
                circle=circle,
                archived_at=STAMP if archived else None,
            )
        assert index.count_eligible_sharing(conn, "location", place, following=following) == (
            index.count_eligible(conn, following=following),
            index.sharing(conn, "location", place, following=following),
        )
    finally:
        conn.close()


def test_for_scores_only_the_pairs_that_can_be_listed(
    pln: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ana and 30 people who share her topics, offer what she seeks, or know her friend:
    with --limit 2, a few pairs are scored (not all 30), and the lists, with their scores,
    reasons and order, are those of scoring every candidate."""
    pln("add", "Ana Ruiz", "--topic", "oracy", "--topic", "maths", "--seeks", "retrieval")
    pln("add", "Ben Okafor", "--topic", "reading")
    pln("knows", "Ana", "Ben")
    for n in range(30):
        argv = ["add", f"Pal {n}", "--topic", ["oracy", "maths", "oracy maths"][n % 3]]
        argv += ["--offers", "retrieval practice"] if n % 4 == 0 else []
        argv += ["--offers", "retrieval"] if n % 7 == 0 else []
        pln(*argv)
        if n % 5 == 0:
            pln("knows", f"Pal {n}", "Ben")
    calls: list[int] = []
    real = suggest.score_pair

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(suggest, "score_pair", counted)
    asked = [["--limit", "2"], ["--limit", "2", "--json"], ["--limit", "1", "--per-person", "1"]]
    new = []
    for a in asked:
        calls.clear()
        new.append(pln("introduce", "--for", "Ana", *a).stdout)
        assert 0 < len(calls) < 30, a  # scored (and said: the pairs listed) of 31 candidates
    _plain(monkeypatch)
    for a, said in zip(asked, new, strict=True):
        calls.clear()
        assert pln("introduce", "--for", "Ana", *a).stdout == said
        assert len(calls) > 30  # every candidate
    assert "Pal 0" in new[0]  # offers what Ana seeks: first
