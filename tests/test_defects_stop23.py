"""Small defects found at stop 23 while trying pln as a user, each reproduced through the
real CLI first: what pln says names where a value came from, warns before an introduction
of two people who most likely know each other, and keeps the calendar's events short."""

import json
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import assert_clean_error, book_exists, query
from test_pg_commands import on_both

SRC = str(Path(__file__).resolve().parent.parent / "src")


def _notes(result: Any) -> list[str]:
    """The import's notes on what was not kept (its summary's indented lines)."""
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]


# ---- 2. an import's note names the option that gave a value, not the file ---------------


@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_a_kept_value_an_option_gave_is_said_as_the_options(
    pln: Any, db_path: Path, tmp_path: Path, fmt: str
) -> None:
    """`--circle colleague` meeting a matched person in another circle said "file had
    'colleague'": the file had no circle. The note names the option; a value the file
    itself had is still "file had"."""
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--met-at", "Conf A")
    pln("add", "Ben Okafor", "--circle", "following")
    if fmt == "vcard":
        path = tmp_path / "cards.vcf"
        path.write_text(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nEND:VCARD\r\n",
            encoding="utf-8",
        )
        where = ("card 1", "card 2")
    else:  # the generic CSV, whose met_at column the file fills for Ben
        path = tmp_path / "people.csv"
        path.write_text(
            "name,email,met_at\nAna Ruiz,ana@example.org,\nBen Okafor,,Conf Z\n", encoding="utf-8"
        )
        where = ("line 2", "line 3")
    out = pln("import", str(path), "--circle", "colleague", "--met-at", "Conf B")
    notes = _notes(out)
    assert f"{where[0]}: met_at: kept 'Conf A', --met-at gave 'Conf B'" in notes
    assert f"{where[0]}: circle: kept 'network', --circle gave 'colleague'" in notes
    assert f"{where[1]}: circle: kept 'following', --circle gave 'colleague'" in notes
    assert not [n for n in notes if "file had 'Conf B'" in n or "file had 'colleague'" in n]
    # the file's own event for Ben, which --met-at replaced, is said (stop 25)
    replaced = [n for n in notes if "file had" in n]
    said = f"{where[1]}: met_at: --met-at gave 'Conf B'; file had 'Conf Z', not kept"
    assert replaced == ([said] if fmt == "csv" else [])
    stored = "SELECT p.name, p.circle, e.name FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
    assert query(db_path, stored + " ORDER BY p.id") == [
        ("Ana Ruiz", "network", "Conf A"),
        ("Ben Okafor", "following", "Conf B"),  # an empty event is filled, by the option
    ]
    # the same in --json, and --dry-run; a value the file itself had is the file's
    if fmt == "csv":
        path.write_text("name,circle\nAna Ruiz,following\n", encoding="utf-8")
        doc = pln.json("import", str(path), "--met-at", "Conf C", "--dry-run")
        whys = {n["field"]: n["why"] for n in doc["notes"]}
        assert whys == {
            "circle": "kept 'network', file had 'following'",
            "met_at": "kept 'Conf A', --met-at gave 'Conf C'",
        }


# ---- 3. the calendar feed's events say each thing once ---------------------------------


def _feed(pln: Any, tmp_path: Path) -> dict[str, tuple[str, str | None]]:
    """The feed's events as a calendar shows them: UID -> (SUMMARY, DESCRIPTION or None)."""
    from icalendar import Calendar

    path = tmp_path / "due.ics"
    pln("export", "--format", "ics", "-o", str(path), "--force")
    cal = Calendar.from_ical(path.read_bytes())
    return {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["DESCRIPTION"]) if "DESCRIPTION" in e else None)
        for e in cal.walk("VEVENT")
    }


def test_calendar_events_say_each_thing_once(pln: Any, tmp_path: Path) -> None:
    """A reading was "Reading: Book club — group reading: Making Good Progress?" with the
    description "group reading: Making Good Progress?"; a follow-up's description was its
    note again, and pln's own notes said "follow up" twice ("Follow up: Ana — First
    follow-up"). Each event now says a thing once, and its description what the summary
    does not: the resource's URL, the follow-up's number and how to close it."""
    pln("add", "Ana Ruiz", "Ben Okafor", "--follow-up", "in 3 days", "--circle", "following")
    pln("group", "add", "Book club", "Ana", "Ben")
    pln("resource", "add", "https://example.org/mgp", "--title", "Making Good Progress?")
    pln("resource", "add", "Oracy in science", "--kind", "book")
    pln("group", "read", "Book club", "making", "--by", "dec 3")
    pln("group", "read", "Book club", "oracy", "--by", "dec 4")
    pln("remind", "Ana", "dec 5", "-m", "Send the quiz bank")
    pln("remind", "Ben", "friday", "-m", "Weekly chase", "--every", "weekly")
    pln("log", "Ben", "-m", "Coffee", "--on", "yesterday", "--follow-up", "dec 8")
    events = sorted(_feed(pln, tmp_path).values())
    assert events == [
        ("Ana Ruiz — First follow-up", "follow-up #1: pln done 1 when it is done"),
        ("Ben Okafor — Follow up on: Coffee", "follow-up #5: pln done 5 when it is done"),
        ("Follow up: Ana Ruiz — Send the quiz bank", "follow-up #3: pln done 3 when it is done"),
        (
            "Follow up: Ben Okafor — Weekly chase",
            "weekly; follow-up #4: pln done 4 when it is done",
        ),
        ("Reading: Book club — Making Good Progress?", "https://example.org/mgp"),
        ("Reading: Book club — Oracy in science", None),  # no URL: nothing more to say
    ]
    for summary, description in events:  # no word said twice in a row, nor the summary again
        assert summary.lower().count("reading") <= 1
        assert summary.lower().replace("-", " ").count("follow up") <= 1
        assert description is None or description not in summary


# ---- 1. an introduction of two people who most likely know each other says so ----------

NOTE = (
    "note: Ana Ruiz and Ben Okafor probably know each other already (both work on assessment;"
    " both at Hillside Academy; 2 people you know know both); {}"
)
FRIENDS = [
    ["add", "Ana Ruiz", "Ben Okafor", "--org", "Hillside Academy", "--topic", "assessment"],
    ["add", "Cy Moss", "Di Lowe", "Ed Park", "--topic", "assessment"],
    ["knows", "Cy", "Ana"],
    ["knows", "Cy", "Ben"],
    ["knows", "Di", "Ana"],
    ["knows", "Di", "Ben"],
]


def _cli(*args: str) -> "subprocess.CompletedProcess[str]":
    """`pln ARGS` in a process of its own (the fast path), on the test's book."""
    return subprocess.run(
        [sys.executable, "-m", "plncli", *args],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def test_introducing_two_people_who_most_likely_know_each_other_says_so(
    pln: Any, db_path: Path
) -> None:
    """The "already know?" list marks Ana + Ben likely; `pln introduce Ana Ben` recorded
    them without a word. It still records them (exit 0), with one note on stderr in the
    list's words; --json carries it as a field; a pair with no such evidence has no note."""
    for argv in FRIENDS:
        pln(*argv)
    [listed] = [
        s
        for s in pln.json("introduce")
        if {s["a"]["name"], s["b"]["name"]} == {"Ana Ruiz", "Ben Okafor"}
    ]
    assert (listed["kind"], listed["likely"]) == ("already-know?", True)
    draft = pln("introduce", "Ben", "Ana", "--draft")
    assert "Hi Ben," in draft.stdout
    assert draft.stderr == NOTE.format("drafted anyway") + "\n"
    drafts = pln.json("introduce", "Ana", "Ben", "--draft")
    said = {"know": listed["score"], "reasons": listed["reasons"]}
    assert [d["already_know"] for d in drafts] == [said, said]
    assert query(db_path, "SELECT count(*) FROM introduction") == [(0,)]
    done = pln("introduce", "Ana", "Ben", "-m", "both new to the trust")
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "Recorded the introduction of Ana Ruiz and Ben Okafor (suggested).",
        NOTE.format("recorded anyway"),
    ]
    assert query(db_path, "SELECT a_id, b_id, state, note FROM introduction") == [
        (1, 2, "suggested", "both new to the trust")
    ]
    # --json: the field, with the same note on stderr and nothing else on stdout
    out = pln("introduce", "Cy", "Di", "--json")
    doc = json.loads(out.stdout)
    assert doc["already_know"]["reasons"] == [
        "both work on assessment",
        "2 people you know know both",
    ]
    assert doc["already_know"]["know"] >= 0.7
    assert out.stderr.startswith("note: Cy Moss and Di Lowe probably know each other already")
    quiet = pln("introduce", "Cy", "Ed", "--json")  # only a topic in common: possible at most
    assert json.loads(quiet.stdout)["already_know"] is None
    assert quiet.stderr == ""
    assert pln("introduce", "Di", "Ed").stderr.splitlines() == [
        "Recorded the introduction of Di Lowe and Ed Park (suggested)."
    ]
    # an error is still one error line, with no note (they are already recorded)
    assert_clean_error(pln("introduce", "Ana", "Ben", code=5))


@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's file")
def test_the_fast_path_says_it_too(pln: Any) -> None:
    """`pln introduce A B` is served without Typer: the same note, the same exit code."""
    for argv in FRIENDS:
        pln(*argv)
    draft = _cli("introduce", "Ana", "Ben", "--draft")
    assert (draft.returncode, draft.stderr) == (0, NOTE.format("drafted anyway") + "\n")
    done = _cli("introduce", "Ana", "Ben")
    assert done.returncode == 0
    assert done.stderr.splitlines()[-1] == NOTE.format("recorded anyway")


def test_the_note_is_the_same_on_a_shared_book(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = [
        *FRIENDS,
        ["introduce", "Ana", "Ben", "--draft"],
        ["introduce", "Ana", "Ben", "--draft", "--json"],
        ["introduce", "Ana", "Ben"],
        ["introduce", "Cy", "Di", "--json"],
        ["introduce", "Cy", "Ed"],
    ]
    results = on_both(pln, tmp_path, pg_url, script)
    assert results[-3].stderr.splitlines()[-1] == NOTE.format("recorded anyway")
    assert "probably know each other" not in results[-1].stderr


@pytest.mark.sqlite_only(reason="a fresh book per example, by --db")
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(ties={(0, 2), (1, 2), (0, 3), (1, 3)}, orgs=["Oak", "Oak", "", "", "", ""])  # likely
@given(
    ties=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda t: t[0] < t[1])),
    orgs=st.lists(st.sampled_from(["", "Hillside", "Oak"]), min_size=6, max_size=6),
)
def test_the_note_is_said_exactly_for_the_pairs_the_list_marks_likely(
    pln: Any, tmp_path_factory: pytest.TempPathFactory, ties: set[tuple[int, int]], orgs: list[str]
) -> None:
    """On any small book, `introduce A B --draft` says the note for a pair exactly when the
    "already know?" list (everything shown) marks it likely: one know score, one cut-off."""
    db = str(tmp_path_factory.mktemp("book") / "pln.db")
    names = [f"P{i} Person" for i in range(6)]
    for name, org in zip(names, orgs, strict=True):
        pln("--db", db, "add", name, "--topic", "assessment", *(["--org", org] if org else []))
    for x, y in sorted(ties):
        pln("--db", db, "knows", f"#{x + 1}", f"#{y + 1}")
    listed = {
        frozenset((s["a"]["id"], s["b"]["id"])): s["likely"]
        for s in pln.json("--db", db, "introduce", "--limit", "100", "--per-person", "100")
    }
    for x, y in combinations(range(1, 7), 2):
        if (x - 1, y - 1) in ties:
            continue
        drafted = pln("--db", db, "introduce", f"#{x}", f"#{y}", "--draft")
        assert ("probably know each other" in drafted.stderr) == listed.get(
            frozenset((x, y)), False
        )


# ---- 4. bad input to add, and unknown or ambiguous people, as a new user types them -----

LONG = "x" * 5_000


@pytest.mark.parametrize(
    ("code", "argv"),
    [
        (2, ["add", ""]),
        (2, ["add", "   "]),
        (2, ["add", LONG]),
        (2, ["add", "#5"]),
        (2, ["add", "Zed", "zed"]),
        (2, ["add", "Zed", "--follow-up", "not a date"]),
        (2, ["add", "Zed", "--follow-up", "yesterday"]),
        (2, ["add", "Zed", "--met-at", "Conf\x07bell"]),
        (2, ["add", "Zed", "--met-at", "Conf\x1b[31m red"]),
        (2, ["add", "Zed", "--met-at", "   "]),
        (2, ["add", "Zed", "--on", "blurgh"]),
        (2, ["add", "Zed", "--on", "2099-01-01"]),
        (2, ["add", "Zed", "--every", "blurgh"]),
        (2, ["add", "Zed", "--birthday", "1990-13-45"]),
        (2, ["add", "Zed", "--circle", "friends"]),
        (2, ["add", "Zed", "--place", "Leeds"]),
        (2, ["add", "Zed", "--org", LONG]),
        (2, ["add", "Zed", "--role", "x\x1b]0;title\x07"]),
        (2, ["add", "Zed", "Yan", "--email", "z@example.org"]),
        (3, ["add", "Zed", "--introduced-by", "Nobody"]),
        (4, ["add", "Zed", "--introduced-by", "Ana"]),
        (5, ["add", "Ana Ruiz"]),
        (3, ["log", "Nobody", "-m", "hi"]),
        (3, ["log", "Ben", "Nobody", "-m", "hi"]),
        (3, ["log", "#99", "-m", "hi"]),
        (3, ["log", "Ben Okafro", "-m", "hi"]),  # a close spelling, in a script
        (4, ["log", "Ana", "-m", "hi"]),
        (4, ["log", "Ben", "Ana", "-m", "hi", "--follow-up", "tomorrow"]),
        (3, ["edit", "Nobody", "--org", "X"]),
        (3, ["edit", "", "--org", "X"]),
        (4, ["edit", "Ana", "--org", "X"]),
        (4, ["edit", "Ben", "--introduced-by", "Ana"]),
        (3, ["merge", "Nobody", "Ben", "--yes"]),
        (3, ["merge", "Ben", "#99", "--yes"]),
        (4, ["merge", "Ana", "Ben", "--yes"]),
        (4, ["merge", "Ben", "Ana", "--yes"]),
        (3, ["forget", "Nobody", "--yes"]),
        (3, ["forget", "Ben Okafro", "--yes"]),
        (4, ["forget", "Ana", "--yes"]),
    ],
)
def test_bad_input_is_one_error_line_and_changes_nothing(
    pln: Any, dump: Any, code: int, argv: list[str]
) -> None:
    from helpers import fails

    pln("add", "Ana Ruiz", "Ana Ríos", "Ben Okafor")
    fails(pln, dump, code, *argv)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["add", "Zed", "--topic", "Café", "--topic", "cafe", "--topic", "Café"],
            [
                "note: --topic 'cafe' is the same topic as 'Café': kept once",
                "note: --topic 'Café' is given twice: kept once",
            ],
        ),
        (
            ["add", "Zed", "--offers", "Retrieval practice", "--offers", "retrieval  PRACTICE"],
            [
                "note: --offers 'retrieval  PRACTICE' is the same offer as"
                " 'Retrieval practice': kept once"
            ],
        ),
        (
            ["add", "Zed", "--email", "z@example.org", "--email", "Z@Example.org"],
            ["note: --email 'Z@Example.org' is the same email as 'z@example.org': kept once"],
        ),
        (
            ["edit", "Ben", "--seeks", "Évaluation", "--add-seeks", "evaluation"],
            ["note: --add-seeks 'evaluation' is the same need as 'Évaluation': kept once"],
        ),
        (
            ["edit", "Ben", "--add-role-tag", "mentor", "--add-role-tag", "Mentor"],
            ["note: --add-role-tag 'Mentor' is the same role tag as 'mentor': kept once"],
        ),
    ],
)
def test_a_list_value_given_twice_is_kept_once_and_said(
    pln: Any, db_path: Path, argv: list[str], said: list[str]
) -> None:
    """`--topic Café --topic cafe` is one topic: the book keeps the first, as it always did
    (tests/test_store_people.py), and now says so instead of dropping the other unsaid."""
    pln("add", "Ana Ruiz", "Ben Okafor")
    out = pln(*argv)
    assert out.stderr.splitlines()[-len(said) :] == said
    assert len(out.stderr.splitlines()) == len(said) + 1  # and the "Added"/"Updated" line
    rows = query(db_path, "SELECT kind, value FROM person_attr ORDER BY id")
    assert len(rows) == 1
    kept = pln("show", argv[1]).stdout
    assert rows[0][1] in kept


@given(
    word=st.text(alphabet="abcdeéèàôüñç", min_size=2, max_size=12),
    change=st.sampled_from(
        [str.upper, str.title, lambda w: f"  {w} ", lambda w: w.replace("é", "e")]
    ),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_topic_given_twice_in_any_spelling_is_kept_once_and_said(
    pln: Any, db_path: Path, word: str, change: Any
) -> None:
    """Whatever the two spellings, a value the book keeps once is said, not folded silently."""
    if not book_exists(db_path) or not query(db_path, "SELECT id FROM person"):
        pln("add", "Ana Ruiz")
    other = change(word)
    held = query(db_path, "SELECT value FROM person_attr") == [(" ".join(word.split()),)]
    out = pln("edit", "Ana", "--topic", word, "--add-topic", other)
    same = f"is the same topic as {word!r}" if other != word else "is given twice"
    assert out.stderr.splitlines() == [
        # an earlier example left the same topic: this edit changes nothing (stop 24)
        "Nothing changed: Ana Ruiz (#1) already has what was given."
        if held
        else "Updated Ana Ruiz (#1).",
        f"note: --add-topic {other!r} {same}: kept once",
    ]
    assert query(db_path, "SELECT value FROM person_attr") == [(" ".join(word.split()),)]


@pytest.mark.parametrize(
    "argv",
    [
        ["introduce", "--for", "Ana", "--draft"],
        ["introduce", "--draft"],
        ["introduce", "--for", "Ana", "--dismiss"],
        ["introduce", "--for", "Ana", "-m", "hello"],
    ],
    ids=" ".join,
)
def test_pair_options_without_a_pair_are_refused_not_ignored(pln: Any, argv: list[str]) -> None:
    pln("add", "Ana Ruiz", "--seeks", "oracy")
    pln("add", "Ben Okafor", "--offers", "oracy")
    result = pln(*argv, code=2)
    option = next(a for a in argv if a.startswith("-") and a != "--for")
    assert result.stderr.splitlines()[0] == f"error: {option} needs two people"
    assert result.stdout == ""
    assert pln.json("intros") == []  # nothing recorded or dismissed
