"""Speed of the introductions (issue 11, items 4 and 5): what each command loads.

No timings here (benchmarks/run.py measures, `--shape dense`): these tests hold a command
that acts on one pair to importing only what it uses, in a fresh process as a user runs
it, and check that it still prints and stores what it did.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import book_location, query
from plncli.text import topic_key
from plncli.topics import Topics

PROBE = (
    "import io, sys\n"
    "from plncli.fast import run\n"
    "out, err, sys.stdout, sys.stderr = sys.stdout, sys.stderr, io.StringIO(), io.StringIO()\n"
    "code = run(sys.argv[1:])\n"
    "said = (sys.stdout.getvalue() + sys.stderr.getvalue()).replace('\\n', ' ')\n"
    "sys.stdout, sys.stderr = out, err\n"
    "print(code, said)\n"
    "print(' '.join(sorted(sys.modules)))\n"
)

NOW = "2027-03-01T10:00:00"  # 10:00 local time in whatever zone the suite runs

# what only the lists, other commands or other options use
SHOWING = {"plncli.render", "plncli.render_net", "plncli.who", "plncli.views"}
SCORING = {"plncli.suggest", "plncli.topics", "plncli.store.index"}


def _run(db_path: Path, *argv: str) -> tuple[str, set[str]]:
    """What the command said (exit code first), and the modules it had imported."""
    env = {**os.environ, "PLN_DB": book_location(db_path), "PLN_NOW": NOW}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    said, loaded = done.stdout.splitlines()
    return said, set(loaded.split())


def _state(db_path: Path, a: str, b: str) -> list[tuple[Any, ...]]:
    return query(
        db_path,
        "SELECT i.state, i.outcome FROM introduction i JOIN person p ON p.id = i.a_id"
        " JOIN person q ON q.id = i.b_id WHERE p.name = ? AND q.name = ?",
        a,
        b,
    )


def _book(pln: Any) -> None:
    for name, topics in (
        ("Ana Ruiz", ["retrieval practice", "oracy"]),
        ("Ben Okafor", ["retrieval practice"]),
        ("Cleo Park", ["oracy"]),
        ("Dan Wu", ["oracy"]),
    ):
        extra = [x for t in topics for x in ("--topic", t)]
        assert pln("add", name, "--circle", "network", *extra).exit_code == 0


def test_acting_on_one_pair_imports_only_what_it_uses(db_path: Path, pln: Any) -> None:
    """Recording and asking score the pair (its reasons are stored; whether the two
    probably know each other already is said) but show no list, no dates and no
    follow-up machinery; made, declined, an outcome and a dismissal score nothing.
    Before, every one of them imported the lists' rendering, `pln who`, the ties and
    (through them) the scoring: a third of the floor of start-up at 10,000 people."""
    _book(pln)
    said, loaded = _run(db_path, "introduce", "Ana Ruiz", "Ben Okafor")
    assert said.startswith("0 Recorded the introduction of Ana Ruiz and Ben Okafor (suggested)")
    assert "plncli.suggest" in loaded  # the reasons are scored and stored
    assert not loaded & (SHOWING | {"plncli.dates", "plncli.activity", "plncli.ties"})
    reasons = query(db_path, "SELECT reasons, kinds FROM introduction")
    assert reasons == [('["both work on retrieval practice"]', "topic")]

    said, loaded = _run(db_path, "intro", "asked", "Ana Ruiz", "Cleo Park")
    assert said.startswith("0 Noted that Ana Ruiz was asked about the introduction")
    assert not loaded & (SHOWING | {"plncli.dates", "plncli.activity", "plncli.ties"})
    assert _state(db_path, "Ana Ruiz", "Cleo Park") == [("asked", None)]
    waiting = query(db_path, "SELECT note, due, every, state FROM followup")
    assert waiting == [
        ("Waiting: did Ana Ruiz answer about meeting Cleo Park?", "2027-03-08", None, "open")
    ]

    said, loaded = _run(db_path, "intro", "made", "Ana Ruiz", "Cleo Park")
    assert said.startswith("0 Made the introduction of Ana Ruiz and Cleo Park (made)")
    assert not loaded & (SCORING | {"plncli.render_net", "plncli.who"})
    assert _state(db_path, "Ana Ruiz", "Cleo Park") == [("made", None)]

    said, loaded = _run(db_path, "intro", "outcome", "Ana Ruiz", "Cleo Park", "connected")
    assert said.startswith("0 Recorded the outcome (connected)")
    assert not loaded & (SCORING | {"plncli.who", "plncli.ties"})
    assert _state(db_path, "Ana Ruiz", "Cleo Park") == [("made", "connected")]

    said, loaded = _run(db_path, "intro", "declined", "Ana Ruiz", "Ben Okafor")
    assert said.startswith("0 Recorded the decline of Ana Ruiz and Ben Okafor (declined)")
    assert not loaded & (SCORING | SHOWING | {"plncli.dates", "plncli.activity"})
    assert _state(db_path, "Ana Ruiz", "Ben Okafor") == [("declined", None)]

    said, loaded = _run(db_path, "introduce", "Cleo Park", "Dan Wu", "--dismiss")
    assert said.startswith("0 Will not suggest Cleo Park + Dan Wu again.")
    assert not loaded & (SCORING | SHOWING | {"plncli.dates", "plncli.activity"})
    assert query(db_path, "SELECT count(*) FROM dismissal") == [(1,)]


def test_a_draft_and_json_still_load_what_they_show(db_path: Path, pln: Any) -> None:
    """The imports moved into the functions that use them: a draft and --json output
    still find them (and say the same as before)."""
    _book(pln)
    said, loaded = _run(db_path, "introduce", "Ana Ruiz", "Ben Okafor", "--draft")
    assert said.startswith("0 ")
    assert "you both work on retrieval practice" in said
    assert "plncli.render_net" in loaded
    said, loaded = _run(db_path, "introduce", "Ana Ruiz", "Ben Okafor", "--json")
    assert '"state": "suggested"' in said
    assert '"reasons": [ "both work on retrieval practice" ]' in " ".join(said.split())
    said, _ = _run(
        db_path, "introduce", "Cleo Park", "Dan Wu", "--dismiss", "--until", "2027-04-15"
    )
    assert said.startswith("0 Will not suggest Cleo Park + Dan Wu before 2027-04-15.")
    assert query(db_path, "SELECT until FROM dismissal") == [("2027-04-15",)]


WORDS_ = st.sampled_from(
    [
        "behaviour",
        "behavior",
        "managing",
        "management",
        "retrieval",
        "practice",
        "practise",
        "oracy",
        "the",
        "of",
        "science",
        "sciences",
        "microscale",
        "chemistry",
        "send",
        "y",
    ]
)
KEYS = st.lists(st.lists(WORDS_, min_size=0, max_size=3).map(" ".join), max_size=30)


@settings(deadline=None, max_examples=60)
@given(stored=KEYS, synonyms=st.dictionaries(KEYS.map(" ".join), KEYS.map(" ".join), max_size=3))
def test_the_spellings_of_many_topics_are_those_of_one(
    stored: list[str], synonyms: dict[str, str]
) -> None:
    """`pln introduce` asks for the stored spellings of every topic it names: past a few,
    each stored key's canonical is taken once and grouped, where one topic alone is
    matched by a pass over the stored keys. Both give the same keys, in the order stored."""
    keys = list(dict.fromkeys(topic_key(k) for k in stored))

    def topics() -> Topics:
        found = Topics(None, synonyms)  # type: ignore[arg-type]
        found._stored = keys  # the book's distinct stored keys, as the store gives them
        return found

    many = topics()
    asked = [many.canonical(k) for k in keys] + ["nothing stored", ""] * 5
    grouped = {c: many.spellings(c) for c in asked}
    assert many._by_canonical is not None or len(set(asked)) <= 8
    for canonical, found in grouped.items():
        assert found == topics().spellings(canonical)


def _evidence(pln: Any, a: str, b: str) -> list[list[str]]:
    """What `pln introduce --json` gives as the evidence of the pair (a, b)."""
    found = json.loads(pln("introduce", "--json").stdout)
    return [s["evidence"] for s in found if (s["a"]["name"], s["b"]["name"]) == (a, b)]


def test_the_whole_book_leaves_out_the_ties_of_archived_people(db_path: Path, pln: Any) -> None:
    """The whole book reads every tie and leaves out those of archived people itself (no
    lookup of both people per tie): an archived acquaintance is no common acquaintance."""
    _book(pln)
    pln("add", "Eve Stone", "--circle", "network")
    for a, b in (("Eve Stone", "Cleo Park"), ("Eve Stone", "Dan Wu")):
        assert pln("knows", a, b).exit_code == 0
    assert _evidence(pln, "Cleo Park", "Dan Wu") == [["topic", "mutual"]]
    assert pln("archive", "Eve Stone").exit_code == 0
    assert query(db_path, "SELECT count(*) FROM tie") == [(2,)]  # kept, only not used
    assert _evidence(pln, "Cleo Park", "Dan Wu") == [["topic"]]
