"""Follow-ups, editing, archiving and kinds on a shared book (PostgreSQL): the same
script on a SQLite book and on PostgreSQL, every command printing the same and exiting
the same, normal use and bad input alike (issue 13, item 3). Skipped without a server."""

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
    assert codes[24:] == [0] * (len(codes) - 24)
    assert "error:" in results[len(SETUP) + 15].stderr
    # what is stored on the shared book: #1 and #2 done (each logged as contact), #2's
    # next in the series open, #3 open (snoozed), #4 dropped
    with psycopg.connect(pg_url) as conn:
        states = conn.execute("SELECT id, state FROM followup ORDER BY id").fetchall()
        logged = conn.execute("SELECT count(*) FROM interaction").fetchone()[0]
    assert states == [(1, "done"), (2, "done"), (3, "open"), (4, "dropped"), (5, "open")]
    assert logged == 2
    # the drop is undone on the shared book as on a personal one
    undone = pln("--db", pg_url, "undo", "--yes")
    assert "drop 4" in undone.stderr + undone.stdout
    with psycopg.connect(pg_url) as conn:
        state = conn.execute("SELECT state FROM followup WHERE id = 4").fetchone()[0]
    assert state == "open"
