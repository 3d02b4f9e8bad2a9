"""Follow-ups, editing, archiving and kinds on a shared book (PostgreSQL): the same
script on a SQLite book and on PostgreSQL, every command printing the same and exiting
the same, normal use and bad input alike (issue 13, item 3). Skipped without a server."""

import json
from pathlib import Path
from typing import Any

import pytest

from test_pg_commands import on_both

psycopg = pytest.importorskip("psycopg")

SETUP = [
    ["add", "Ana Ruiz", "--org", "Escuela Pública", "--topic", "assessment"],
    ["add", "Ben Okafor", "--org", "Northfield Academy", "--circle", "colleague"],
    ["add", "Carla Núñez", "--topic", "reading"],
]

FOLLOWUPS = [
    ["remind", "Ana", "next friday", "-m", "Send the KS3 quiz bank"],  # #1
    ["remind", "Ben", "in 2 weeks", "-m", "Mentoring check-in", "--every", "1m"],  # #2
    ["remind", "Carla", "2026-12-01", "--json"],  # #3
    ["remind", "Ana", "tomorrow", "-m", "Call back"],  # #4
    ["remind", "Zed", "tomorrow", "-m", "nobody"],  # unknown person
    ["remind", "Ana", "the day after never", "-m", "bad date"],  # bad date
    ["remind", "Ana", "tomorrow", "--every", "sometimes"],  # bad cadence
    ["reminders"],
    ["reminders", "--json"],
    ["reminders", "--person", "Ana"],
    ["reminders", "--person", "Zed"],
    ["reminders", "--state", "bogus"],
    ["done", "1"],
    ["done", "#2", "--json"],  # recurring: rolls forward
    ["done", "99"],  # bad id
    ["done", "abc"],
    ["done", "1"],  # already done
    ["snooze", "3", "next monday"],
    ["snooze", "4", "3", "in 1 week", "--json"],
    ["snooze", "99", "tomorrow"],
    ["snooze", "3", "whenever-ish"],
    ["drop", "4"],
    ["drop", "99"],
    ["drop", "4"],  # already dropped
    ["reminders", "--state", "all"],
    ["reminders", "--state", "done", "--json"],
    ["reminders", "--state", "dropped"],
    ["due", "--within", "1y"],
    ["show", "Ana"],
    ["show", "Ben", "--json"],
    # several ids are one change: one bad id and none is done or moved
    ["done", "3", "99"],
    ["snooze", "3", "99", "tomorrow"],
    ["snooze", "3", "yesterday"],  # the past
    ["remind", "#99", "tomorrow"],  # an id that is no one's
    ["done", "3", "--no-log", "--json"],
    ["reminders", "--state", "all", "--json"],
]

EDITS = [
    ["edit", "Ana", "--org", "Hillside Trust", "--add-topic", "oracy"],
    ["edit", "Ben", "--email", "ben@example.org", "--every", "30d", "--role-tag", "mentor"],
    ["edit", "Carla", "--name", "Carla Núñez Gil", "--topic", "reading", "--topic", "maths"],
    ["edit", "Ana", "--org", ""],
    ["edit", "Zed", "--org", "x"],  # unknown person
    ["edit", "Ana", "--every", "whenever"],  # bad cadence
    ["edit", "Ana", "--circle", "bogus"],
    ["edit", "Ben", "--name", "Carla Núñez Gil"],  # another's name
    ["edit", "#99", "--org", "x"],  # bad id
    ["show", "Ana", "--json"],
    ["show", "Carla", "--all"],
    ["find", "hillside"],
    ["find", "maths"],
    ["list", "--topic", "oracy"],
    ["archive", "Ben"],
    ["archive", "Ben"],  # archived already: not found among the active
    ["archive", "Zed"],
    ["list"],
    ["find", "northfield"],
    ["due", "--within", "1y"],
    ["restore", "Ben"],
    ["restore", "Ben"],  # not archived
    ["restore", "Zed"],
    ["list"],
    ["log", "Ana", "-m", "Coffee", "--kind", "coffee", "--on", "2026-11-01"],
    ["log", "Ben", "-m", "Call", "--kind", "call"],
    ["log", "Carla", "-m", "Another coffee", "--kind", "coffee"],
    ["kinds"],
    ["kinds", "--json"],
]


def _codes(script: list[list[str]], results: list[Any]) -> list[tuple[str, int]]:
    return [(" ".join(argv), r.exit_code) for argv, r in zip(script, results, strict=True)]


def test_follow_ups_say_the_same_on_both_engines(pln: Any, tmp_path: Path, pg_url: str) -> None:
    script = SETUP + FOLLOWUPS
    results = on_both(pln, tmp_path, pg_url, script)
    codes = [code for _, code in _codes(script, results)][len(SETUP) :]
    # remind x4, then an unknown person (3), a bad date and a bad cadence (2)
    assert codes[:7] == [0, 0, 0, 0, 3, 2, 2]
    # reminders x3, an unknown person, a bad state
    assert codes[7:12] == [0, 0, 0, 3, 2]
    # done: ok, ok (recurring), no such id (3), not an id (2), done already (2)
    assert codes[12:17] == [0, 0, 3, 2, 2]
    # snooze: ok, ok, no such id, bad date; drop: ok, no such id, dropped already
    assert codes[17:24] == [0, 0, 3, 2, 0, 3, 2]
    assert codes[24:-6] == [0] * (len(codes) - 30)
    assert codes[-6:] == [3, 3, 2, 3, 0, 0]
    assert "error:" in results[len(SETUP) + 15].stderr
    # what is stored on the shared book: #1 and #2 done (each logged as contact), #2's
    # next in the series open, #3 done without a log, #4 dropped
    with psycopg.connect(pg_url) as conn:
        states = conn.execute("SELECT id, state FROM followup ORDER BY id").fetchall()
        logged = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
    assert states == [(1, "done"), (2, "done"), (3, "done"), (4, "dropped"), (5, "open")]
    assert logged == 2
    # the last done is undone on the shared book as on a personal one
    undone = pln("--db", pg_url, "undo", "--yes")
    assert "done 3" in undone.stderr + undone.stdout
    with psycopg.connect(pg_url) as conn:
        state = conn.execute("SELECT state FROM followup WHERE id = 3").fetchone()[0]
    assert state == "open"


def test_edit_archive_and_kinds_say_the_same_on_both_engines(
    pln: Any, tmp_path: Path, pg_url: str
) -> None:
    script = SETUP + EDITS
    results = on_both(pln, tmp_path, pg_url, script)
    codes = [code for _, code in _codes(script, results)][len(SETUP) :]
    # edit x4, then an unknown person (3), a bad cadence, a bad circle (2), another's
    # name (5: a likely duplicate), an id that is no one's (3)
    assert codes[:9] == [0, 0, 0, 0, 3, 2, 2, 5, 3]
    # archive: ok, archived already (3: not among the active), unknown (3)
    assert codes[14:17] == [0, 3, 3]
    # restore: ok, not archived (2), unknown (3)
    assert codes[20:23] == [0, 2, 3]
    assert all(code == 0 for code in codes[9:14] + codes[17:20] + codes[23:])
    kinds = json.loads(results[-1].stdout)
    counts = {k["kind"]: k["count"] for k in kinds}
    assert (counts["coffee"], counts["call"]) == (2, 1)
    # what is stored on the shared book
    with psycopg.connect(pg_url) as conn:
        people = conn.execute(
            "SELECT name, org, cadence, archived_at IS NULL FROM person ORDER BY id"
        ).fetchall()
        attrs = conn.execute(
            "SELECT p.name, a.kind, a.value FROM person_attr a JOIN person p"
            " ON p.id = a.person_id ORDER BY p.id, a.kind, a.key"
        ).fetchall()
    assert people == [
        ("Ana Ruiz", None, None, True),
        ("Ben Okafor", "Northfield Academy", "30d", True),
        ("Carla Núñez Gil", None, None, True),
    ]
    assert attrs == [
        ("Ana Ruiz", "topic", "assessment"),
        ("Ana Ruiz", "topic", "oracy"),
        ("Ben Okafor", "email", "ben@example.org"),
        ("Ben Okafor", "role", "mentor"),
        ("Carla Núñez Gil", "topic", "maths"),
        ("Carla Núñez Gil", "topic", "reading"),
    ]
    # and an edit is undone on the shared book as on a personal one
    pln("--db", pg_url, "edit", "Ana", "--org", "Hillside Trust")
    undone = pln("--db", pg_url, "undo", "--yes")
    assert "edit Ana" in undone.stderr + undone.stdout
    with psycopg.connect(pg_url) as conn:
        org = conn.execute("SELECT org FROM person WHERE name = 'Ana Ruiz'").fetchone()[0]
    assert org is None
