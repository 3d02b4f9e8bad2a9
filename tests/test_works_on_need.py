"""A need met by someone who works on it (issue 11: introductions a user would not have
thought of). Ravi seeks oracy; Zoë works on oracy (a topic, not an offer): pln used to
suggest nothing ("no other contact shares Ravi's topics, offers or seeks") while `pln who
oracy` listed Zoë. The pair is now an introduction, weighed below a need met by an offer
(WORKS_ON x (0.5 + 0.5 w), each way, against COMPLEMENT x (0.5 + 0.5 w)), with its own
reason and kind of evidence ("works-on"), over the whole book, with --for and for one
pair. Runs on both engines (the ``pln`` fixture)."""

from pathlib import Path
from typing import Any

from plncli.suggest import COMPLEMENT, WORKS_ON


def add(pln: Any, *args: str) -> None:
    pln("add", *args)


def pairs(found: list[dict[str, Any]]) -> list[tuple[str, frozenset[str], list[str]]]:
    return [(s["kind"], frozenset((s["a"]["name"], s["b"]["name"])), s["evidence"]) for s in found]


def test_someone_who_works_on_a_need_is_suggested(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "oracy", "--topic", "phonics")
    add(pln, "Ravi Patel", "--topic", "retrieval practice", "--seeks", "Oracy")
    add(pln, "Cleo Dunn", "--topic", "algebra")
    for args in (("introduce",), ("introduce", "--for", "Ravi"), ("introduce", "--for", "Zoë")):
        found = pln.json(*args)
        assert pairs(found) == [
            ("introduce", frozenset({"Zoë Adams", "Ravi Patel"}), ["works-on"])
        ], args
        assert found[0]["reasons"] == ["Ravi is looking for help with oracy; Zoë works on it"]
    out = pln("introduce", "--for", "Ravi").stdout
    assert "Ravi is looking for help with oracy; Zoë works on it" in out


def test_an_offer_comes_before_a_topic_and_weighs_more(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "oracy")
    add(pln, "Sam Lee", "--offers", "oracy")
    add(pln, "Ravi Patel", "--seeks", "oracy")
    add(pln, "Cleo Dunn", "--topic", "algebra")
    found = pln.json("introduce", "--for", "Ravi")
    assert pairs(found) == [
        ("introduce", frozenset({"Sam Lee", "Ravi Patel"}), ["complement"]),
        ("introduce", frozenset({"Zoë Adams", "Ravi Patel"}), ["works-on"]),
    ]
    offer, topic = (s["score"] for s in found)
    # oracy: 2 of 4 people hold it as a topic or an offer, 1 offers it
    n = 4
    from math import log

    w_offer, w_topic = log(n / 1) / log(n), log(n / 2) / log(n)
    assert offer == round(COMPLEMENT * (0.5 + 0.5 * w_offer), 3)
    assert topic == round(WORKS_ON * (0.5 + 0.5 * w_topic), 3)
    # the whole book lists the same two pairs with the same scores (and Zoë + Sam: a topic)
    whole = pln.json("introduce")
    assert [s for s in whole if "Ravi Patel" in (s["a"]["name"], s["b"]["name"])] == found


def test_one_pair_records_drafts_and_counts_it_by_its_own_kind(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "oracy")
    add(pln, "Ravi Patel", "--seeks", "oracy")
    draft = pln("introduce", "Ravi", "Zoë", "--draft").stdout
    assert "you mentioned you are looking for help with oracy, and Zoë Adams works on it" in draft
    assert "Ravi Patel is looking for help with oracy, which you work on" in draft
    recorded = pln.json("introduce", "Ravi", "Zoë")
    assert recorded["reasons"] == ["Ravi is looking for help with oracy; Zoë works on it"]
    assert recorded["evidence"] == ["works-on"]
    pln("intro", "made", "Ravi", "Zoë")
    pln("intro", "outcome", "Ravi", "Zoë", "connected")
    assert "one works on what the other seeks: 1 of 1 connected" in pln("intros").stdout


def test_two_who_already_know_each_other_are_not_introduced_for_it(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "oracy", "--org", "Hillside Academy")
    add(pln, "Ravi Patel", "--seeks", "oracy", "--org", "Hillside Academy")
    add(pln, "Cleo Dunn", "--org", "Hillside Academy")
    pln("knows", "Zoë", "Cleo")
    pln("knows", "Ravi", "Cleo")
    found = pln.json("introduce", "--for", "Ravi")
    assert [s["kind"] for s in found] == ["already-know?"]
    assert "works-on" in found[0]["evidence"]


def test_no_one_working_on_it_still_says_so(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "assessment")
    add(pln, "Ravi Patel", "--seeks", "oracy")
    out = pln("introduce", "--for", "Ravi").stdout
    assert out == (
        "No introductions to suggest for Ravi Patel: no other contact shares Ravi's topics,"
        " offers or seeks.\n"
    )


def test_readme_and_docstring_give_the_weight_the_code_uses() -> None:
    from plncli import suggest

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if "seeks what the other works on" in line)
    assert f"| {suggest.WORKS_ON:g} × (0.5 + 0.5 w), each way |" in row
    doc = suggest.__doc__ or ""
    doc_row = next(line for line in doc.splitlines() if line.startswith("a seeks what b works"))
    assert f"{suggest.WORKS_ON:g} x (0.5 + 0.5 w) each way" in doc_row


def test_every_kind_of_evidence_has_words_in_the_tally() -> None:
    """`pln intros` says each kind of reason in words ("colleague" was shown as itself)."""
    from plncli import suggest
    from plncli.render_net import EVIDENCE_WORDS

    kinds = {"complement", "works-on", "topic", "need", *suggest.SOCIAL}
    assert kinds <= set(EVIDENCE_WORDS)
