"""Issue 11: a calibrated know score, an "already know?" list never empty for no reason,
introductions that are not pairs who already know each other, one-pair commands that load
two people, and README caps that are the code's."""

from __future__ import annotations

import itertools
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import intro_lists as lists
from helpers import pair_names as names
from plncli import suggest as engine

Dump = Callable[[], list[str]]
ROOT = Path(__file__).resolve().parent.parent


def add(pln: Any, *args: str) -> None:
    pln.json("add", *args)


# ---------------------------------------------------------------- item 1: the know score


def test_one_common_acquaintance_is_listed_as_possible_with_the_ra_score(
    pln: Any, dump: Dump
) -> None:
    # Zoe knows three people: one shared acquaintance adds 1/3 (Adamic-Adar's 1/ln 3 = 0.91
    # stayed under the old cut-off of 1.0, so Ann's list used to be empty)
    add(pln, "Ann One", "Bea Two", "Cal Three", "Zoe Hub")
    for x in ("Ann", "Bea", "Cal"):
        pln("knows", "Zoe", x)
    before = dump()
    intro, know = lists(pln, "--for", "Ann")
    assert dump() == before  # suggestions only read
    assert intro == []
    assert {names(s) for s in know} == {
        frozenset(("Ann One", "Bea Two")),
        frozenset(("Ann One", "Cal Three")),
    }
    for s in know:
        assert s["score"] == pytest.approx(1 / 3, abs=1e-3)
        assert s["likely"] is False
        assert s["reasons"] == ["Zoe Hub knows both"]
        assert s["evidence"] == ["mutual"]
    text = pln("introduce", "--for", "Ann").stdout
    assert "Probably already know each other" in text
    assert re.search(r"0\.3\s+possible\s+Ann One \+ Bea Two\s+Zoe Hub knows both", text), text


def test_two_acquaintances_who_know_only_the_pair_make_it_likely(pln: Any) -> None:
    add(pln, "Kim Ito", "Lee Park", "Max Roy", "Nia Sol")
    for x, y in (("Kim", "Max"), ("Lee", "Max"), ("Kim", "Nia"), ("Lee", "Nia")):
        pln("knows", x, y)
    _, know = lists(pln)
    [kl] = [s for s in know if names(s) == frozenset(("Kim Ito", "Lee Park"))]
    assert kl["score"] == pytest.approx(1 / 2 + 1 / 2, abs=1e-3)
    assert kl["likely"] is True
    assert kl["reasons"] == ["2 people you know know both"]
    assert re.search(r"likely\s+Kim Ito \+ Lee Park", pln("introduce").stdout)


def test_shared_organisation_and_place_are_know_evidence_weighted_by_rarity(pln: Any) -> None:
    add(pln, "Ana Ruiz", "Ben Okafor", "--org", "Hillside Academy", "--location", "Leeds")
    add(pln, "Cy Moss", "Di Lowe", "Ed Fox", "--org", "Big Trust")
    add(pln, "Fay Gill")
    _, know = lists(pln, "--per-person", "9")
    by_pair = {names(s): s for s in know}
    ab = by_pair[frozenset(("Ana Ruiz", "Ben Okafor"))]
    # KNOW_ORG / 2 for the organisation only they share, KNOW_PLACE / 2 for the place
    assert ab["score"] == pytest.approx(engine.KNOW_ORG / 2 + engine.KNOW_PLACE / 2, abs=1e-3)
    assert ab["likely"] is (ab["score"] >= engine.LIKELY_AT)
    assert ab["reasons"] == ["both at Hillside Academy", "both in Leeds"]
    cd = by_pair[frozenset(("Cy Moss", "Di Lowe"))]
    # an organisation of three says less
    assert cd["score"] == pytest.approx(engine.KNOW_ORG / 3, abs=1e-3)
    assert cd["likely"] is False
    assert cd["reasons"] == ["both at Big Trust"]
    scores = [s["score"] for s in know]
    assert scores == sorted(scores, reverse=True)
    assert not any("Fay Gill" in names(s) for s in know)  # no evidence, not listed


def test_know_list_keeps_its_limit_and_per_person(pln: Any) -> None:
    add(pln, *[f"P{i} Person" for i in range(8)], "--org", "Hillside")
    _, know = lists(pln, "--limit", "3")
    assert len(know) == 3
    _, know = lists(pln, "--limit", "50")
    seen = [n for s in know for n in names(s)]
    assert max(seen.count(n) for n in set(seen)) <= 2  # --per-person 2 by default
    _, know = lists(pln, "--limit", "50", "--per-person", "7")
    assert len(know) == 28  # every pair of the eight


# Small books with random ties: the list is exactly the unrecorded pairs with a common
# acquaintance, best first, scored as resource allocation plus chains of three ties,
# marked by the cut-off.
_edges = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6)).filter(lambda e: e[0] != e[1]),
    max_size=12,
)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edges=_edges)
def test_know_list_is_resource_allocation_over_the_recorded_ties(
    pln: Any, edges: list[tuple[int, int]]
) -> None:
    people = [f"Member {chr(65 + i)}" for i in range(7)]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "pln.db")
        pln("--db", db, "add", *people)
        nb: dict[int, set[int]] = {i: set() for i in range(7)}
        for a, b in edges:
            pln("--db", db, "knows", f"#{a + 1}", f"#{b + 1}")
            nb[a].add(b)
            nb[b].add(a)
        found = pln.json("--db", db, "introduce", "--limit", "100", "--per-person", "99")
    expected = {}
    for a, b in itertools.combinations(range(7), 2):
        common = nb[a] & nb[b]
        if b not in nb[a] and common:
            chains = sum(
                1 / (len(nb[z1]) * len(nb[z2])) for z1 in nb[a] - {b} for z2 in nb[z1] & nb[b] - {a}
            )
            ra = sum(1 / len(nb[z]) for z in common)
            expected[frozenset((people[a], people[b]))] = ra + engine.KNOW_PATH * chains
    assert all(s["kind"] == "already-know?" for s in found)
    assert {names(s) for s in found} == set(expected)
    for s in found:
        assert s["score"] == pytest.approx(expected[names(s)], abs=2e-3)
        assert s["likely"] is (s["score"] >= engine.LIKELY_AT)
    scores = [s["score"] for s in found]
    assert scores == sorted(scores, reverse=True)


# ---------------------------------------------------------------- item 2: no known pairs


def test_pair_with_strong_know_evidence_is_not_proposed(pln: Any) -> None:
    # Ana seeks what Ben offers, but only they two are at Hillside, and in Leeds, and
    # Zoe knows only them: they are listed to confirm, not to introduce
    add(pln, "Ana Ruiz", "--seeks", "assessment", "--org", "Hillside", "--location", "Leeds")
    add(pln, "Ben Okafor", "--offers", "assessment", "--org", "Hillside", "--location", "Leeds")
    add(pln, "Cy Moss", "--offers", "assessment")
    add(pln, "Zoe Hub", "Ola Kay")
    pln("knows", "Zoe", "Ana")
    pln("knows", "Zoe", "Ben")
    intro, know = lists(pln)
    assert frozenset(("Ana Ruiz", "Ben Okafor")) not in {names(s) for s in intro}
    assert frozenset(("Ana Ruiz", "Cy Moss")) in {names(s) for s in intro}
    [ab] = [s for s in know if names(s) == frozenset(("Ana Ruiz", "Ben Okafor"))]
    assert ab["likely"] is True
    assert ab["score"] == pytest.approx(
        engine.KNOW_ORG / 2 + engine.KNOW_PLACE / 2 + 1 / 2, abs=1e-3
    )
    assert ab["reasons"] == [
        "Ana is looking for help with assessment; Ben offers it",
        "both at Hillside",
        "both in Leeds",
        "Zoe Hub knows both",
    ]
    intro, know = lists(pln, "--for", "Ana")
    assert [names(s) for s in intro] == [frozenset(("Ana Ruiz", "Cy Moss"))]
    assert [names(s) for s in know] == [frozenset(("Ana Ruiz", "Ben Okafor"))]
    # weaker know evidence (a shared town and acquaintance, under LIKELY_AT) does not stop
    # the introduction of a need met
    pln("edit", "Ben", "--org", "Elsewhere")
    intro, know = lists(pln, "--for", "Ana")
    assert frozenset(("Ana Ruiz", "Ben Okafor")) in {names(s) for s in intro}
    assert know == []


def test_a_pair_is_in_one_list_only(pln: Any) -> None:
    # a shared topic and a shared town: the town is know evidence beyond the topic, so the
    # pair is ranked in "already know?" (issue 11, item 2) and not proposed as well
    add(pln, "Ana Ruiz", "--topic", "oracy", "--location", "Leeds")
    add(pln, "Ben Okafor", "--topic", "oracy", "--location", "Leeds")
    add(pln, *[f"P{i} Person" for i in range(6)], "--location", "Leeds")
    intro, know = lists(pln, "--limit", "50", "--per-person", "9")
    assert frozenset(("Ana Ruiz", "Ben Okafor")) in {names(s) for s in know}
    assert not {names(s) for s in intro} & {names(s) for s in know}


# ---------------------------------------------------------------- item 4: one pair, two people


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many people each Book loads, command by command."""
    sizes: list[int] = []
    real = engine.Book._load_people

    def spy(self: engine.Book, conn: Any, following: bool) -> dict[int, engine.Person]:
        people = real(self, conn, following)
        sizes.append(len(people))
        return people

    monkeypatch.setattr(engine.Book, "_load_people", spy)
    return sizes


def test_acting_on_one_pair_loads_only_the_two_and_their_acquaintances(
    pln: Any, db_path: Path, loaded: list[int]
) -> None:
    add(pln, *[f"P{i} Person" for i in range(30)], "--topic", "oracy", "--org", "Hillside")
    add(pln, "Ana Ruiz", "--seeks", "assessment", "--topic", "oracy", "--org", "Hillside")
    add(pln, "Ben Okafor", "--offers", "assessment", "--topic", "oracy", "--org", "Hillside")
    add(pln, "Zoe Hub", "Cy Moss")
    for x in ("Ana", "Ben", "Cy"):
        pln("knows", "Zoe", x)
    [whole] = [
        s
        for s in pln.json("introduce", "--limit", "99", "--per-person", "99")
        if names(s) == frozenset(("Ana Ruiz", "Ben Okafor"))
    ]
    assert whole["kind"] == "introduce"
    loaded.clear()
    drafts = pln.json("introduce", "Ana", "Ben", "--draft")
    assert loaded == [3]  # Ana, Ben and Zoe, who knows both
    assert (
        "you mentioned you are looking for help with assessment, and Ben Okafor knows it well"
        in drafts[0]["message"]
    )
    recorded = pln.json("introduce", "Ana", "Ben")
    assert loaded == [3, 3]
    # the same reasons as scoring the pair over the whole book
    assert recorded["reasons"] == whole["reasons"]
    assert recorded["evidence"] == whole["evidence"]
    assert "Zoe Hub knows both" in recorded["reasons"]
    pln("intro", "asked", "Ben", "Ana")
    pln("intro", "made", "Ana", "Ben")
    # intro asked and intro made each score the pair alone (made: to say whether the two
    # probably know each other already, as `introduce A B` does; stop 24)
    assert loaded[2:] == [3, 3]


# ---------------------------------------------------------------- README and docstring caps


def _introduce_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### `pln introduce`")
    return readme[start : readme.index("\n### ", start + 1)]


def _n(text: str) -> float:
    return float(text.replace(",", ""))


def test_readme_and_docstring_give_the_caps_and_weights_the_code_uses() -> None:
    section = _introduce_section()
    doc = engine.__doc__ or ""
    found = re.search(r"at most ([\d,]+) seeker–offerer pairings", section)
    assert found
    assert _n(found[1]) == engine.PAIR_CAP
    found = re.search(r"until\s+max\(([\d,]+), (\d+) × N\) pair updates", section)
    assert found
    assert (_n(found[1]), _n(found[2])) == (engine.PAIR_BUDGET, engine.PAIRS_PER_PERSON)
    found = re.search(r"held by at\s+most ([\d,]+) contacts \(([\d,]+) pairings", section)
    assert found
    assert (_n(found[1]), _n(found[2])) == (10 * engine.CAP, 10 * engine.PAIR_CAP)
    found = re.search(r"held by at most ([\d,]+) contacts\)", section)
    assert found
    assert _n(found[1]) == engine.FOCUS_CAP
    found = re.search(r"know score is ([\d.]+) or more is marked \*\*likely\*\*", section)
    assert found
    assert _n(found[1]) == engine.LIKELY_AT
    rows = {
        "met at the same event": engine.KNOW_EVENT,
        "same organisation": engine.KNOW_ORG,
        "same place": engine.KNOW_PLACE,
        "both work on a topic": engine.KNOW_TOPIC,
    }
    for label, weight in rows.items():
        row = next(line for line in section.splitlines() if label in line)
        assert f"| {weight} / df" in row, row
        doc_row = next(line for line in doc.splitlines() if line.startswith(label[:20]))
        assert f"{weight} / df" in doc_row, doc_row
    # the docstring names the same numbers beside the constants
    for name, text in (
        ("PAIR_CAP", f"{engine.PAIR_CAP:,}"),
        ("PAIR_BUDGET", f"{engine.PAIR_BUDGET:,}"),
        ("PAIRS_PER_PERSON", f"{engine.PAIRS_PER_PERSON} N"),
        ("CAP", f"({10 * engine.CAP})"),
        ("FOCUS_CAP", f"{engine.FOCUS_CAP:,}"),
        ("LIKELY_AT", f"({engine.LIKELY_AT})"),
    ):
        assert f"``{name}``" in doc, name
        assert text in " ".join(doc.split()), text
