"""Reading together (issue 16): `pln group read GROUP RESOURCE [--by DATE] [--done]`, due
for you on its date (`pln due`, the ICS feed), listed by `pln group show` as upcoming or
past; through the real CLI on both engines.

"now" is pinned to Monday 2026-11-23 10:00 by conftest.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from helpers import fails, pinned_today, query

READING_KEYS = {"id", "resource", "url", "by", "done"}


def _club(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("group", "add", "Book club", "Ana", "Ben")
    pln("resource", "add", "Making Good Progress?", "--kind", "book", "--topic", "assessment")
    pln("resource", "add", "https://example.org/oracy", "--title", "Oracy in science")


def test_a_reading_is_set_shown_and_due_on_its_day(pln: Any, db_path: Path) -> None:
    _club(pln)
    out = pln("group", "read", "Book club", "making", "--by", "dec 3")
    assert "Set: Book club reads Making Good Progress? by 2026-12-03." in out.stderr
    pln("group", "read", "book club", "oracy")  # no date: a reading, due for no one
    assert query(db_path, "SELECT group_id, resource_id, due, done_at FROM group_reading") == [
        (1, 1, "2026-12-03", None),
        (1, 2, None, None),
    ]
    shown = pln.json("group", "show", "Book club")
    assert all(set(r) == READING_KEYS for r in shown["readings"])
    assert [(r["resource"]["title"], r["by"]) for r in shown["readings"]] == [
        ("Making Good Progress?", "2026-12-03"),
        ("Oracy in science", None),
    ]
    text = pln("group", "show", "Book club").stdout
    assert "Reading" in text
    assert "2026-12-03 (in 10 days)" in text
    # not due yet; due within the horizon and on its day, owed to the group
    assert not [d for d in pln.json("due") if d["kind"] == "reading"]
    (soon,) = [d for d in pln.json("due", "--within", "2w") if d["kind"] == "reading"]
    assert soon == {
        "kind": "reading",
        "person": None,
        "group": {"id": 1, "name": "Book club"},
        "reading_id": 1,
        "due": "2026-12-03",
        "days_overdue": -10,
        "reason": "group reading: Making Good Progress?",
        "followup_id": None,
    }
    with pinned_today(date(2026, 12, 5)):
        (late,) = [d for d in pln.json("due") if d["kind"] == "reading"]
        assert late["days_overdue"] == 2
        assert "group reading: Making Good Progress?" in pln("due").stdout
        # a reading is the group's, not one person's: a filter on people leaves it out
        assert not [d for d in pln.json("due", "--circle", "network") if d["kind"] == "reading"]
        shown = pln("group", "show", "Book club").stdout
        assert shown.index("Read\n") > shown.index("Oracy in science")  # its day has gone


def test_done_moves_it_to_the_past_and_out_of_due(pln: Any, db_path: Path) -> None:
    _club(pln)
    pln("group", "read", "Book club", "making", "--by", "tomorrow")
    out = pln("group", "read", "Book club", "making", "--done")
    assert "Updated: Book club read Making Good Progress?." in out.stderr
    assert query(db_path, "SELECT done_at IS NULL FROM group_reading") in ([(False,)], [(0,)])
    with pinned_today(date(2026, 11, 30)):
        assert not [d for d in pln.json("due") if d["kind"] == "reading"]
    (r,) = pln.json("group", "show", "Book club")["readings"]
    assert r["done"] is not None
    assert "Read\n" in pln("group", "show", "Book club").stdout
    # a new date reopens it
    pln("group", "read", "Book club", "making", "--by", "dec 10")
    assert query(db_path, "SELECT due, done_at FROM group_reading") == [("2026-12-10", None)]
    assert pln.json("resource", "show", "making")["readings"] == [
        {"group": "Book club", "by": "2026-12-10", "done": None}
    ]


def test_a_reading_is_in_the_calendar_feed(pln: Any, tmp_path: Path) -> None:
    _club(pln)
    pln("group", "read", "Book club", "making", "--by", "2026-12-03")
    feed = tmp_path / "due.ics"
    pln("export", "--format", "ics", "-o", str(feed))
    text = feed.read_text().replace("\r\n ", "")
    assert re.search(r"^UID:reading-[0-9a-f]{32}@pln$", text, re.MULTILINE)
    assert "SUMMARY:Reading: Book club — Making Good Progress?" in text
    assert "DTSTART;VALUE=DATE:20261203" in text


def test_reading_errors_change_nothing(pln: Any, dump: Any) -> None:
    _club(pln)
    fails(pln, dump, 3, "group", "read", "Chess club", "making")
    fails(pln, dump, 3, "group", "read", "Book club", "nothing like it")
    fails(pln, dump, 2, "group", "read", "Book club", "making", "--by", "yesterday")
    fails(pln, dump, 2, "group", "read", "Book club", "making", "--by", "someday")
    fails(pln, dump, 3, "group", "read", "Book club", "making", "--done")  # never set


def test_undo_and_a_removed_resource_take_the_reading(pln: Any, db_path: Path) -> None:
    _club(pln)
    pln("group", "read", "Book club", "making", "--by", "dec 3")
    pln("undo", "--yes")
    assert query(db_path, "SELECT count(*) FROM group_reading") == [(0,)]
    pln("group", "read", "Book club", "making", "--by", "dec 3")
    pln("resource", "remove", "making")
    assert pln.json("group", "show", "Book club")["readings"] == []
    pln("group", "read", "Book club", "oracy", "--by", "dec 3")
    pln("group", "delete", "Book club")
    assert query(db_path, "SELECT count(*) FROM group_reading") == [(0,)]
