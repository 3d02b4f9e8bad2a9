"""Ties, groups, `pln who`, private marks and events on a shared book (PostgreSQL): the
same script on a SQLite book and on PostgreSQL, every command printing the same and
exiting the same, normal use and bad input alike; then what is stored on the shared
book, and `pln undo` of every kind of write there (issue 13, item 3). Skipped without a
server (tests/pgserver.py)."""

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import assert_clean_error
from test_pg_commands import on_both

psycopg = pytest.importorskip("psycopg")

SETUP = [
    ["add", "Ana Ruiz", "--topic", "assessment", "--offers", "retrieval practice"]
    + ["--met-at", "ResearchEd", "--on", "2026-11-01", "--circle", "colleague"],
    ["add", "Ben Okafor", "--topic", "reading", "--met-at", "researchED", "--on", "2026-11-01"],
    ["add", "Carla Núñez", "--topic", "formative assessment", "--circle", "following"]
    + ["--topic", "Assessment for learning"],  # two topics that match "assessment" equally
    ["add", "Dev Patel", "--seeks", "assessment", "--met-at", "BETT Show", "--place", "London"],
    ["add", "Eve Adams", "--met-at", "Maths Conf North"],
    ["add", "Fay Brown", "--met-at", "Maths Conf South", "--on", "2026-10-01"],
    ["log", "Ana", "Ben", "-m", "Call about quizzes", "--topic", "assessment"]
    + ["--on", "2026-11-02"],
]

KNOWS = [
    ["knows", "Ana", "Carla", "--since", "sept 2019", "-m", "taught together"],  # recorded
    ["knows", "Ana", "Ben", "--since", "2019"],  # known from the log: updated
    ["knows", "Carla", "Dev"],
    ["knows", "Carla", "Dev"],  # again: nothing new
    ["knows", "Ana", "Ana"],  # the same person twice (2)
    ["knows", "Ana", "Zed"],  # unknown person (3)
    ["knows", "Ana", "Ben", "--since", "the day after never"],  # bad date (2)
    ["knows", "Ana", "Ben", "--since", "next year"],  # the future (2)
    ["knows", "Ana", "--since", "2019"],  # --since needs two people (2)
    ["knows", "#99", "Ana"],  # an id that is no one's (3)
    ["knows", "Ana Ruis", "Dev"],  # a close spelling in a write, in a script: refused (3)
    ["knows", "Ana"],
    ["knows", "Ana", "--json"],
    ["knows", "Ana Ruis"],  # a close spelling in a read: taken, with a note
    ["knows", "Zed"],  # (3)
    ["unknows", "Carla", "Dev"],
    ["unknows", "Carla", "Dev"],  # no such tie (3)
    ["unknows", "Ana", "Zed"],  # (3)
    ["unknows", "Ana", "Ana"],  # (2)
    ["knows", "Dev", "--json"],
    ["knows", "Fay"],  # no one yet
]

GROUPS = [
    ["group", "list"],  # none yet
    ["group", "add", "Science dept", "Ana", "Ben", "Eve"],
    ["group", "add", "science DEPT", "Carla", "Ana"],  # the same group; Ana already in it
    ["group", "add", "ChemChat"],
    ["group", "add", "Science dept", "Zed"],  # (3), nothing added
    ["group", "add", "Science dept", "Carla Nunes"],  # a close spelling in a write (3)
    ["group", "add", "   "],  # an empty name (2)
    ["group", "show", "Science dept"],
    ["group", "show", "science dept", "--json"],
    ["group", "show", "Nope"],  # (3)
    ["group", "list"],
    ["group", "list", "--json"],
    ["group", "remove", "Science dept", "Carla"],
    ["group", "remove", "Science dept", "Carla"],  # not in it (3)
    ["group", "remove", "Nope", "Ana"],  # (3)
    ["group", "remove", "Science dept", "Zed"],  # (3)
    ["group", "delete", "ChemChat"],
    ["group", "delete", "ChemChat"],  # (3)
    ["group", "list"],
    ["knows", "Eve"],  # fellow members count
]

WHO = [
    ["who", "assessment"],
    ["who", "assessment", "--json"],
    ["who", "retrieval"],
    ["who", "assess", "--limit", "1"],
    ["who", "quizzes"],
    ["who", "!!!"],  # no word in it (2)
    ["who", "assessment", "--limit", "0"],  # (2)
]

PRIVATE = [
    ["private"],
    ["private", "topic", "assessment"],
    ["private", "event", "ResearchEd"],
    ["private", "group", "Science dept"],
    ["private", "topic", "assessment"],  # already private (5)
    ["private", "group", "Nope"],  # (3)
    ["private", "event", "Nope"],  # (3)
    ["private", "thing", "x"],  # not a topic, event or group (2)
    ["private", "topic"],  # no name (2)
    ["private"],
    ["private", "--json"],
    ["group", "list", "--json"],
    ["private", "topic", "assessment", "--off"],
    ["private", "topic", "assessment", "--off"],  # not private (3)
    ["private", "--json"],
]

EVENTS = [
    ["private", "event", "ResearchEd"],
    ["events"],
    ["event", "edit", "Maths Conf North", "--on", ""],  # no date: listed last
    ["events"],
    ["events", "--json"],
    ["event", "show", "ResearchEd"],
    ["event", "show", "bett", "--json"],
    ["event", "show", "researchd"],  # a close spelling: taken, with a note
    ["event", "show", "Maths"],  # two events (4)
    ["event", "show", "Nope"],  # (3)
    ["event", "show", "#99"],  # (3)
    ["event", "edit", "ResearchEd", "--place", "Harris Academy", "--on", "2026-10-31"],
    ["event", "edit", "ResearchEd", "--on", "tomorrow"],  # the future (2)
    ["event", "edit", "ResearchEd", "--on", "not a date"],  # (2)
    ["event", "edit", "ResearchEd"],  # nothing to change (2)
    ["event", "edit", "Nope", "--place", "x"],  # (3)
    ["event", "edit", "researchd", "--place", "x"],  # a close spelling in a write (3)
    ["event", "edit", "BETT", "--name", "researched"],  # another event's name (5)
    ["event", "edit", "Maths Conf North", "--name", "Maths Conference", "--json"],
    ["event", "edit", "Maths Conf South", "--place", "Leeds"],
    ["event", "edit", "BETT", "--place", ""],  # clears the place
    ["event", "merge", "ResearchEd", "BETT Show"],  # asks first: in a script, refused (2)
    ["event", "merge", "ResearchEd", "ResearchEd", "--yes"],  # the same event (2)
    ["event", "merge", "ResearchEd", "Nope", "--yes"],  # (3)
    ["event", "merge", "BETT Show", "ResearchEd", "--yes"],  # the private one into the other
    ["event", "merge", "Maths Conference", "Maths Conf South", "--yes"],
    ["events"],
    ["events", "--json"],
    ["event", "show", "BETT", "--json"],
    ["private"],
]


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def _codes(script: list[list[str]], results: list[Any]) -> list[int]:
    """The exit codes of the script's commands after SETUP."""
    return [r.exit_code for r in results[len(SETUP) :]]


def test_knows_and_unknows_say_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    script = SETUP + KNOWS
    results = on_both(pln, tmp_path, pg_url, script)
    # knows x4; the same person twice, unknown (3), bad date, the future, --since with one
    # person (2), an id that is no one's, a close spelling in a write (3); the list x3,
    # unknown (3); unknows, no such tie, unknown (3), the same person twice (2); a list
    codes = [0, 0, 0, 0, 2, 3, 2, 2, 2, 3, 3, 0, 0, 0, 3, 0, 3, 3, 2, 0, 0]
    assert _codes(script, results) == codes
    said = [r.stderr for r in results[len(SETUP) :]]
    assert said[0] == "Recorded: Ana Ruiz and Carla Núñez know each other.\n"
    assert said[1] == "Updated: Ana Ruiz and Ben Okafor know each other.\n"
    assert said[4].startswith("error: Ana Ruiz is the same person twice")
    assert said[10].startswith("error: no one is called 'Ana Ruis'; did you mean Ana Ruiz (#1)?")
    assert said[13] == "taking 'Ana Ruis' to mean Ana Ruiz (#1)\n"
    known = json.loads(results[len(SETUP) + 12].stdout)
    assert [(k["person"]["name"], k["since"], k["since_precision"]) for k in known] == [
        ("Ben Okafor", "2019-01-01", "year"),
        ("Carla Núñez", "2019-09-01", "month"),
    ]
    assert json.loads(results[-2].stdout) == []  # Dev's one tie was removed
    # what is stored on the shared book: the two ties, with their start and precision
    assert _rows(
        pg_url,
        "SELECT a_id, b_id, CAST(since AS text), since_precision, note, source FROM tie"
        " ORDER BY a_id, b_id",
    ) == [
        (1, 2, "2019-01-01", "year", "", "interaction"),
        (1, 3, "2019-09-01", "month", "taught together", "manual"),
    ]


def test_groups_say_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = SETUP + GROUPS
    results = on_both(pln, tmp_path, pg_url, script)
    # list (none); add x3; unknown, a close spelling (3), an empty name (2); show x2, unknown
    # (3); list x2; remove, not a member (2), no such group, unknown person (3); delete, again (3)
    assert _codes(script, results) == [0, 0, 0, 0, 3, 3, 2, 0, 0, 3, 0, 0, 0, 3, 3, 3, 0, 3, 0, 0]
    said = [r.stderr for r in results[len(SETUP) + 1 :]]
    assert said[0] == "Created Science dept: 3 members added.\n"
    assert said[1] == "Updated Science dept: 1 member added; Ana Ruiz was already a member.\n"
    shown = json.loads(results[len(SETUP) + 8].stdout)
    members = [m["name"] for m in shown["members"]]
    assert members == ["Ana Ruiz", "Ben Okafor", "Carla Núñez", "Eve Adams"]
    assert results[-1].stdout.count("group Science dept") == 2  # Eve knows Ana and Ben
    # what is stored on the shared book: one group of three; nothing of the refused commands
    assert _rows(pg_url, "SELECT id, name, name_key FROM pgroup") == [
        (1, "Science dept", "science dept")
    ]
    assert _rows(pg_url, "SELECT group_id, person_id FROM pgroup_member ORDER BY 2") == [
        (1, 1),
        (1, 2),
        (1, 5),
    ]


def test_who_says_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = SETUP + KNOWS + WHO
    results = on_both(pln, tmp_path, pg_url, script)
    assert [r.exit_code for r in results[-len(WHO) :]] == [0, 0, 0, 0, 0, 2, 2]
    found = json.loads(results[-len(WHO) + 1].stdout)
    assert [(e["person"]["name"], e["how"], e["topic"], e["match"]) for e in found] == [
        ("Ana Ruiz", "works on it", "assessment", "same"),
        # two of Carla's topics match as well: the first in byte order, on both engines
        ("Carla Núñez", "works on it", "Assessment for learning", "words"),
        ("Ben Okafor", "talked about it with you", "assessment", "same"),
    ]
    assert found[1]["via"] == {"id": 1, "name": "Ana Ruiz"}  # Carla is only followed
    assert found[0]["last_contact"] == "2026-11-02"
    assert "error: no topic to look for in '!!!'" in results[-2].stderr


def test_private_marks_say_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = SETUP + GROUPS + PRIVATE
    results = on_both(pln, tmp_path, pg_url, script)
    # none yet; mark x3; already private (5); no such group, no such event (3); not a
    # kind, no name (2); list x2, groups; --off, not private (3); list
    assert [r.exit_code for r in results[-len(PRIVATE) :]] == (
        [0, 0, 0, 0, 5, 3, 3, 2, 2, 0, 0, 0, 0, 3, 0]
    )
    assert results[-len(PRIVATE)].stdout == "Nothing is private.\n"
    marked = json.loads(results[-len(PRIVATE) + 10].stdout)
    assert marked == [
        {"kind": "event", "name": "ResearchEd"},
        {"kind": "group", "name": "Science dept"},
        {"kind": "topic", "name": "assessment"},
    ]
    assert json.loads(results[-4].stdout)[0]["private"] is True  # `group list`
    # what is stored on the shared book: the event's and the group's marks
    assert _rows(pg_url, "SELECT kind, key, name FROM private_mark ORDER BY kind") == [
        ("event", "researched", "ResearchEd"),
        ("group", "science dept", "Science dept"),
    ]


def test_events_say_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = SETUP + EVENTS
    results = on_both(pln, tmp_path, pg_url, script)
    # mark, list, clear a date, list x2; show x4, two events (4), unknown, no such id (3)
    assert _codes(script, results)[:11] == [0, 0, 0, 0, 0, 0, 0, 0, 4, 3, 3]
    # edit; the future, not a date, nothing to change (2), unknown, a close spelling in a
    # write (3), another event's name (5); rename, a place, clear the place
    assert _codes(script, results)[11:21] == [0, 2, 2, 2, 3, 3, 5, 0, 0, 0]
    # merge: not asked (2), the same event twice (2), unknown (3), merge x2; the rest read
    assert _codes(script, results)[21:] == [2, 2, 3, 0, 0, 0, 0, 0, 0]
    first = results[len(SETUP) + 3].stdout.splitlines()
    assert first[-1].split()[-3:] == ["Maths", "Conf", "North"]  # no date: last, on both
    said = [r.stderr for r in results[len(SETUP) :]]
    assert said[7] == "taking 'researchd' to mean ResearchEd (#1)\n"
    assert said[8].startswith("error: 'Maths' matches 2 events: Maths Conf North (#3),")
    assert said[17].startswith("error: there is already an event called 'researched' (#1)")
    merged = json.loads(results[-2].stdout)
    # BETT Show's place was cleared: ResearchEd's fills it; ResearchEd was private
    assert (merged["name"], merged["place"], merged["private"]) == (
        "BETT Show",
        "Harris Academy",
        True,
    )
    assert [p["person"]["name"] for p in merged["people"]] == [
        "Dev Patel",
        "Ana Ruiz",
        "Ben Okafor",
    ]
    # what is stored on the shared book: two events left, everyone met at one of them, the
    # private mark moved to the event kept
    assert _rows(pg_url, 'SELECT id, name, CAST("on" AS text), place FROM event ORDER BY id') == [
        (2, "BETT Show", "2026-11-23", "Harris Academy"),
        (3, "Maths Conference", "2026-10-01", "Leeds"),  # its date, from South
    ]
    assert _rows(pg_url, "SELECT name, met_at_id FROM person ORDER BY id") == [
        ("Ana Ruiz", 2),
        ("Ben Okafor", 2),
        ("Carla Núñez", None),
        ("Dev Patel", 2),
        ("Eve Adams", 3),
        ("Fay Brown", 3),
    ]
    assert _rows(pg_url, "SELECT kind, key, name FROM private_mark") == [
        ("event", "bett show", "BETT Show")
    ]


# --- Undo, and refused writes, on the shared book -------------------------------------------

BASE = [
    ["knows", "Ana", "Dev", "-m", "same school"],
    ["group", "add", "Book club", "Ana", "Carla"],
    ["private", "topic", "reading"],
    ["private", "event", "ResearchEd"],
]

# Every kind of write of these commands, each from the same book (SETUP + BASE).
WRITES = [
    ["knows", "Ana", "Carla", "--since", "2019", "-m", "taught together"],  # a new tie
    ["knows", "Ana", "Ben", "--since", "sept 2019", "-m", "colleagues"],  # a known tie changed
    ["unknows", "Ana", "Dev"],
    ["group", "add", "Science dept", "Ana", "Ben"],  # a new group
    ["group", "add", "Book club", "Ben", "Ana"],  # a member more
    ["group", "remove", "Book club", "Carla"],
    ["group", "delete", "Book club"],  # and its members
    ["private", "topic", "assessment"],
    ["private", "topic", "reading", "--off"],
    ["private", "group", "Book club"],
    ["event", "edit", "ResearchEd", "--name", "researchED 2026", "--place", "Hall"],  # private
    ["event", "edit", "BETT", "--on", "2026-10-31", "--place", ""],
    ["event", "merge", "BETT Show", "ResearchEd", "--yes"],  # people, date, private mark
]

# Refused writes: one clear line, and nothing stored (a group created, a member taken
# out, before the refusal is rolled back with it)
REFUSED = [
    (["knows", "Ana", "Zed"], 3),
    (["unknows", "Carla", "Dev"], 3),
    (["group", "add", "New group", "Ana", "Zed"], 3),
    (["group", "remove", "Book club", "Ana", "Ben"], 3),
    (["group", "delete", "Nope"], 3),
    (["private", "group", "Nope"], 3),
    (["private", "topic", "reading"], 5),
    (["event", "edit", "BETT", "--name", "researched"], 5),
    (["event", "edit", "BETT", "--on", "in 3 days"], 2),
    (["event", "merge", "ResearchEd", "Nope", "--yes"], 3),
]

TABLES = ("tie", "pgroup", "pgroup_member", "private_mark", "event")


def _book(url: str) -> list[list[tuple[Any, ...]]]:
    """Every row these commands write, and where each person was met."""
    got = [_rows(url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in TABLES]
    return [*got, _rows(url, "SELECT id, met_at_id FROM person ORDER BY id")]


def _changes(url: str) -> int:
    return int(_rows(url, "SELECT count(*) FROM change_log")[0][0])


def test_every_write_is_undone_on_a_shared_book(pln: Any, pg_url: str) -> None:
    pln("db", "init", pg_url)
    for argv in SETUP + BASE:
        pln("--db", pg_url, *argv)
    for argv in WRITES:
        before = _book(pg_url)
        pln("--db", pg_url, *argv)
        assert _book(pg_url) != before, argv
        undone = pln("--db", pg_url, "undo", "--yes")
        assert f" {argv[0]} {argv[1]} " in undone.stderr.splitlines()[0], (argv, undone.stderr)
        assert _book(pg_url) == before, argv
    entries = pln.json("--db", pg_url, "history", "--limit", "2")
    assert [e["kind"] for e in entries] == ["undo", "change"]


def test_a_refused_write_leaves_the_shared_book_as_it_was(pln: Any, pg_url: str) -> None:
    pln("db", "init", pg_url)
    for argv in SETUP + BASE:
        pln("--db", pg_url, *argv)
    before, changes = _book(pg_url), _changes(pg_url)
    for argv, code in REFUSED:
        assert_clean_error(pln("--db", pg_url, *argv, code=code))
        assert (_book(pg_url), _changes(pg_url)) == (before, changes), argv


# Names as people type them: quotes, LIKE's wildcards, backslashes, accents, other scripts.
NAMES = st.text(
    alphabet=st.one_of(
        st.sampled_from("%_\\'\"#- ."),
        st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1FFFF),
    ),
    min_size=1,
    max_size=20,
)


@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES)
def test_any_name_of_a_group_or_event_says_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_server: Any, name: str
) -> None:
    """Whatever a group, an event or a note is called, every command of this slice prints
    the same and exits the same on both engines (a refusal included)."""
    db = pg_server.create_database()
    folder = tmp_path / db
    folder.mkdir()
    try:
        on_both(
            pln,
            folder,
            pg_server.url_for(db),
            [
                ["add", "Ana Ruiz", "--topic", "assessment"],
                ["group", "add", name, "Ana"],
                ["group", "show", name, "--json"],
                ["private", "group", name],
                ["group", "list"],
                ["add", "Ben Okafor", "--met-at", name, "--on", "2026-11-01"],
                ["event", "show", name, "--json"],
                ["event", "edit", "#1", "--place", name],
                ["events"],
                ["knows", "Ana", "Ben", "-m", name],
                ["knows", "Ben"],
                ["who", name],
                ["private"],
            ],
        )
    finally:
        pg_server.drop_database(db)
