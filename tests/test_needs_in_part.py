"""A need met in part (issue 11, item 3): an offer that holds every word of a need and
more ("retrieval practice coaching" for "retrieval practice") meets it at PARTIAL x the
least weight of a need met, as `pln who NEED` finds that offer; found over the whole book,
with --for either person, with --topic, and for one pair. Runs on both engines (the
``pln`` fixture)."""

import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import query
from plncli.suggest import COMPLEMENT, MET_IN_PART, PARTIAL


def add(pln: Any, *args: str) -> None:
    if "add" not in args:
        args = ("add", *args)
    assert pln(*args).exit_code == 0


def intros(pln: Any, *args: str) -> dict[tuple[str, str], dict[str, Any]]:
    if "introduce" not in args:
        args = ("introduce", *args)
    found = pln.json(*args)
    return {
        tuple(sorted((s["a"]["name"], s["b"]["name"]))): s
        for s in found
        if s["kind"] == "introduce"
    }


REASON = (
    'Tom is looking for help with "Retrieval Practice"; Priya offers'
    ' "retrieval-practice coaching" (matched: retrieval, practice)'
)


def test_an_offer_holding_the_needs_words_meets_it_everywhere(pln: Any, db_path: Path) -> None:
    add(pln, "Tom Brennan", "--seeks", "Retrieval Practice")
    add(pln, "Priya Shah", "--offers", "retrieval-practice coaching")
    add(pln, "Ann Lo", "--offers", "retrieval practices")  # the same topic: a need met
    add(pln, "Cy Moss", "--offers", "coaching")  # one word of the need: nothing
    pair = ("Priya Shah", "Tom Brennan")
    for args in ([], ["--for", "Tom"], ["--for", "Priya"], ["--topic", "retrieval"]):
        found = intros(pln, *args)
        assert found[pair]["reasons"] == [REASON], args
        assert found[pair]["evidence"] == ["complement"]
        if args != ["--for", "Priya"]:  # Ann's need met in full: more, and first
            exact = found[("Ann Lo", "Tom Brennan")]["score"]
            assert found[pair]["score"] == MET_IN_PART == COMPLEMENT * 0.5 * PARTIAL < exact
            assert list(found)[:2] == [("Ann Lo", "Tom Brennan"), pair], args
        assert not any("Cy Moss" in p for p in found), args
    # one pair: recorded with the reason shown, and each draft says it in its reader's words
    drafts = {d["to"]: d["message"] for d in pln.json("introduce", "Tom", "Priya", "--draft")}
    assert (
        "you mentioned you are looking for help with Retrieval Practice,"
        " and Priya Shah offers retrieval-practice coaching" in drafts["Tom Brennan"]
    )
    assert (
        "Tom Brennan is looking for help with Retrieval Practice,"
        " and you offer retrieval-practice coaching" in drafts["Priya Shah"]
    )
    assert pln("introduce", "Tom", "Priya").exit_code == 0
    [(reasons,)] = query(db_path, "SELECT reasons FROM introduction")
    assert json.loads(reasons) == [REASON]


def test_the_need_must_be_held_whole_by_the_offer(pln: Any) -> None:
    # the other way round is not a need met: the offer lacks a word the need asks for
    add(pln, "Tom Brennan", "--seeks", "retrieval practice coaching")
    add(pln, "Priya Shah", "--offers", "retrieval practice")
    out = pln("introduce", "--for", "Tom")
    assert out.exit_code == 0
    assert "no other contact shares Tom's topics, offers or seeks" in out.stdout
    assert intros(pln) == {}


def test_the_empty_list_no_longer_hides_a_need_met_in_part(pln: Any) -> None:
    add(pln, "Tom Brennan", "--seeks", "microscale")
    add(pln, "Dev Patel", "--offers", "Microscale Chemistry")
    out = pln("introduce", "--for", "Tom")
    assert out.exit_code == 0
    assert "Dev offers" in out.stdout
    assert "no other contact" not in out.stdout


def test_a_synonym_meets_in_part_too(pln: Any, env_setup: Path) -> None:
    add(pln, "Tom Brennan", "--seeks", "RP")
    add(pln, "Priya Shah", "--offers", "retrieval practice coaching")
    (env_setup / "config.toml").write_text(
        '[synonyms]\nRP = "retrieval practice"\n', encoding="utf-8"
    )
    for args in ([], ["--for", "Tom"], ["--for", "Priya"]):
        assert list(intros(pln, *args)) == [("Priya Shah", "Tom Brennan")], args


def test_a_private_offer_meets_nothing(pln: Any) -> None:
    add(pln, "Tom Brennan", "--seeks", "retrieval practice")
    add(pln, "Priya Shah", "--offers", "retrieval practice coaching")
    assert pln("private", "topic", "retrieval practice coaching").exit_code == 0
    for args in ([], ["--for", "Tom"], ["--for", "Priya"]):
        assert intros(pln, *args) == {}, args


# words whose stems differ, so that a phrase's words are its stems' words
WORDS = ["retrieval", "practice", "coaching", "maths", "reading", "oracy"]
phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True).map(" ".join)
# one person's needs (or offers): each topic once, in any order of its words
held = st.lists(phrases, min_size=1, max_size=2, unique_by=lambda p: frozenset(p.split()))


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seeks=st.lists(held, min_size=1, max_size=3),
    offers=st.lists(held, min_size=1, max_size=3),
)
def test_needs_met_are_every_need_an_offer_holds(
    pln: Any, seeks: list[list[str]], offers: list[list[str]]
) -> None:
    """Computed here from the words alone: a seeker and an offerer meet when some offer
    holds every word of some need (the same words, or more)."""
    seekers = [f"Seeker {chr(65 + i)}" for i in range(len(seeks))]
    offerers = [f"Offerer {chr(65 + i)}" for i in range(len(offers))]
    expected = {
        tuple(sorted((s, o)))
        for (s, needs), (o, offered) in itertools.product(
            zip(seekers, seeks, strict=True), zip(offerers, offers, strict=True)
        )
        if any(set(n.split()) <= set(f.split()) for n in needs for f in offered)
    }
    many = ["--limit", "100", "--per-person", "100"]
    with tempfile.TemporaryDirectory() as tmp:
        db = ["--db", str(Path(tmp) / "pln.db")]
        for name, held in [*zip(seekers, seeks, strict=True)]:
            add(pln, *db, "add", name, *[a for h in held for a in ("--seeks", h)])
        for name, held in [*zip(offerers, offers, strict=True)]:
            add(pln, *db, "add", name, *[a for h in held for a in ("--offers", h)])
        met = {
            p
            for p, s in intros(pln, *db, "introduce", *many).items()
            if "complement" in s["evidence"]
        }
        assert met == expected
        for name in seekers + offerers:
            found = intros(pln, *db, "introduce", "--for", name, *many)
            met = {p for p, s in found.items() if "complement" in s["evidence"]}
            assert met == {p for p in expected if name in p}, name


def test_readme_and_docstring_give_the_weight_the_code_uses() -> None:
    from plncli import suggest

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if "(met in part)" in line)
    assert f"| {suggest.PARTIAL} × {suggest.COMPLEMENT:g} × 0.5, each way" in row
    doc_row = next(line for line in (suggest.__doc__ or "").splitlines() if "met in part" in line)
    assert f"{suggest.PARTIAL} x {suggest.COMPLEMENT:g} x 0.5 each way" in doc_row


def test_a_need_met_in_part_is_no_knowledge_gap(pln: Any) -> None:
    add(pln, "Tom Brennan", "--seeks", "retrieval practice", "--seeks", "oracy")
    add(pln, "Priya Shah", "--offers", "retrieval practice coaching")
    gaps = pln.json("stats")["gaps"]["sought_not_offered"]
    assert gaps == [{"topic": "oracy", "seekers": 1}]
