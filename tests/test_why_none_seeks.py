"""An empty `pln introduce --for P` says who works on what P seeks.

A need is met by an offer, not by a topic ("works on"): an introduction's reason is "Ravi
is looking for help with oracy; Zoë offers it". When no one offers it, the empty list
used to say only "no other contact shares Ravi's topics, offers or seeks", which reads as
"no one has anything to do with oracy" while two contacts work on it. It now names how
many work on it and where to see them. Runs on both engines (the ``pln`` fixture)."""

from typing import Any


def add(pln: Any, *args: str) -> None:
    r = pln("add", *args)
    assert r.exit_code == 0, r.output


def test_an_empty_list_names_who_works_on_the_need(pln: Any) -> None:
    add(pln, "Zoë Adams", "Sam Lee", "--topic", "oracy")
    add(pln, "Ravi Patel", "--topic", "retrieval practice", "--seeks", "Oracy")
    out = pln("introduce", "--for", "Ravi")
    assert out.exit_code == 0
    assert out.stdout == (
        "No introductions to suggest for Ravi Patel: no other contact shares Ravi's topics,"
        " offers or seeks. 2 contacts work on oracy, which Ravi seeks: `pln who 'oracy'`"
        " lists them (an introduction needs one of them to offer it).\n"
    )
    assert pln.json("introduce", "--for", "Ravi") == []
    # and `pln who` lists the two it names
    who = pln.json("who", "oracy")
    assert sorted(w["person"]["name"] for w in who) == ["Sam Lee", "Zoë Adams"]


def test_the_need_most_people_work_on_is_named_and_one_is_said_as_one(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--topic", "assessment")
    add(pln, "Ben Okafor", "--topic", "oracy")
    add(pln, "Cleo Dunn", "--topic", "oracy")
    add(pln, "Ravi Patel", "--seeks", "assessment", "--seeks", "oracy")
    out = pln("introduce", "--for", "Ravi").stdout
    assert "2 contacts work on oracy, which Ravi seeks" in out
    pln("edit", "Cleo", "--topic", "")
    pln("edit", "Ben", "--topic", "")
    out = pln("introduce", "--for", "Ravi").stdout
    assert "1 contact works on assessment, which Ravi seeks: `pln who 'assessment'`" in out


def test_once_someone_offers_it_the_introduction_is_suggested(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "oracy")
    add(pln, "Ravi Patel", "--seeks", "oracy")
    assert "which Ravi seeks" in pln("introduce", "--for", "Ravi").stdout
    pln("edit", "Zoë", "--add-offers", "oracy")
    (found,) = pln.json("introduce", "--for", "Ravi")
    assert {found["a"]["name"], found["b"]["name"]} == {"Zoë Adams", "Ravi Patel"}


def test_no_one_working_on_it_says_what_it_said(pln: Any) -> None:
    add(pln, "Zoë Adams", "--topic", "assessment")
    add(pln, "Ravi Patel", "--seeks", "oracy")
    out = pln("introduce", "--for", "Ravi").stdout
    assert out == (
        "No introductions to suggest for Ravi Patel: no other contact shares Ravi's topics,"
        " offers or seeks.\n"
    )
