"""Defects found at stop 28, by using pln as a user and attacking it as an adversary.

- `pln resource add "javascript:alert(1)"` (and `vbscript:`, `data:`, any case, after
  spaces) was kept as a resource's *title*, where the README refuses such a link (exit 2)
  as a person's `--link` is; `pln resource edit --url javascript:x` said only that it was
  not a URL.
- `pln stats --since DAY` counted contacts on the days from DAY to today, both ends, but
  its previous period one day shorter ("contacted: the 2 days from 2026-11-21 against the
  2 before" counted three days against two).
- `pln group remove GROUP PERSON` of someone not in the group exited 2 (bad input) where
  `pln unknows` of a tie not recorded and `pln resource edit --remove-topic` of a topic not
  held exit 3 (not found); so did `pln edit --remove-topic` of a topic not held.
- A second `pln introduce A B --dismiss` (the same `--until`) wrote a history entry
  ("dismissed suggestions ~1") for nothing, which `pln undo` then undid.
- The history's `when` read the computer's clock, not `PLN_NOW` (the clock every command
  reads): an entry of a command run "on 2026-11-23" was dated the day the tests ran.
- `pln private event|group NAME` said and kept the name as typed ("The event 'RESEARCHED
  2026' is private."), not the event's or group's own name.
- `pln history` counted undo steps, not rows: a merge of two people was "people ~4", an
  import that added a person and then set who introduced them was "people +2, people ~1".
- Naming one person or topic twice in a removal (`pln group remove G Ana "#1"`,
  `--remove-topic x --remove-topic X`) was refused as not there (exit 3), and the whole
  command with it; a one-word title with a colon (a wiki's `File:Example.jpg`) was
  refused as a link that opens a file.
- `pln merge` of a record added today (met today, no event) with one met at BETT today
  said "takes #2's meeting BETT, 2026-11-23 (not 2026-11-23)": the day it named as
  replaced was the day it kept.
"""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW
from helpers import Dump, fails, in_zone, pinned_today, query

ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago"]


# ---- 1. a link that runs code is no title ------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "  JavaScript:alert(document.cookie)",
        "vbscript:msgbox(1)",
        "DATA:text/html,<script>alert(1)</script>",
        "file:/etc/passwd",
    ],
)
def test_a_link_that_runs_code_is_refused_not_kept_as_a_title(
    pln: Any, dump: Dump, typed: str
) -> None:
    pln("resource", "add", "https://example.org/oracy", "--title", "Oracy")
    line = fails(pln, dump, 2, "resource", "add", typed)
    assert line == f"error: URL {typed.strip()!r} is not a web page"
    fails(pln, dump, 2, "resource", "add", typed, "--title", "A title")


def test_a_title_with_a_colon_is_still_a_title(pln: Any) -> None:
    titles = [
        "JavaScript: The Good Parts",
        "Data: A Love Story",
        "File: the lost papers",
        "File:Example.jpg",  # a wiki's page name
        "ISBN:9780262033848",
        "data:2024",  # no comma: no data link
    ]
    for title in titles:
        pln("resource", "add", title)
    assert sorted((r["title"], r["url"]) for r in pln.json("resources")) == sorted(
        (t, None) for t in titles
    )


def test_resource_edit_says_why_a_url_that_runs_code_is_refused(pln: Any, dump: Dump) -> None:
    pln("resource", "add", "https://example.org/oracy", "--title", "Oracy")
    for url in ("javascript:alert(1)", " data:text/html,x"):
        line = fails(pln, dump, 2, "resource", "edit", "Oracy", "--url", url)
        assert line == f"error: URL {url.strip()!r} is not a web page"


# ---- 2. the previous period is as long as the period ------------------------------------


@pytest.mark.parametrize("zone", ZONES)
def test_the_previous_period_has_as_many_days_as_the_period(pln: Any, zone: str) -> None:
    with in_zone(zone):
        with pinned_today(datetime.fromisoformat(NOW).date().replace(day=1)):
            pln("add", "Ana Ruiz", "Ben Okafor", "Cy Moss")
        # the period 11-21..11-23 (three days), the previous one 11-18..11-20
        pln("log", "Ana", "-m", "first day of the period", "--on", "2026-11-21")
        pln("log", "Ben", "-m", "first day of the previous period", "--on", "2026-11-18")
        pln("log", "Cy", "-m", "the day before that", "--on", "2026-11-17")
        doc = pln.json("stats", "--since", "2026-11-21")
        assert doc["period"] == {
            "since": "2026-11-21",
            "today": "2026-11-23",
            "previous_since": "2026-11-18",
        }
        everyone = doc["circles"][-1]
        assert (everyone["contacted"], everyone["then"]["contacted"]) == (1, 1)
        head = pln("stats", "--since", "2026-11-21").stdout.splitlines()[0]
        assert head == (
            "People, and the change since 2026-11-20"
            " (contacted: the 3 days from 2026-11-21 against the 3 before)"
        )
        # the same period said as a length back from today
        assert pln.json("stats", "--since", "2d") == doc


def test_the_default_period_and_today_alone(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    assert pln.json("stats")["period"] == {
        "since": "2026-08-25",  # 90 days ago: 91 days with today, and 91 before them
        "today": "2026-11-23",
        "previous_since": "2026-05-26",
    }
    today = pln.json("stats", "--since", "today")["period"]
    assert (today["since"], today["previous_since"]) == ("2026-11-23", "2026-11-22")
    head = pln("stats", "--since", "today").stdout.splitlines()[0]
    assert (
        head == "People, and the change since 2026-11-22 (contacted: today against the day before)"
    )


# ---- 3. "X is not in Y" is not found (exit 3) -------------------------------------------


def test_removing_what_is_not_there_is_not_found(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor", "--topic", "assessment")
    pln("group", "add", "ChemChat", "Ana")
    line = fails(pln, dump, 3, "group", "remove", "ChemChat", "Ben")
    assert line == "error: Ben Okafor is not in ChemChat"
    fails(pln, dump, 3, "group", "remove", "ChemChat", "Ana", "Ben")  # Ana stays too
    line = fails(pln, dump, 3, "edit", "Ana", "--remove-topic", "oracy")
    assert line == "error: 'oracy' is not among this person's topic values"
    assert [m["name"] for m in pln.json("group", "show", "ChemChat")["members"]] == ["Ana Ruiz"]


def test_what_is_named_twice_is_removed_once(pln: Any) -> None:
    """Naming one person, topic or resource topic twice in a removal takes it away once:
    the second was refused as "not in the group" (exit 3), which it had been a moment
    before, and the whole command with it."""
    pln("add", "Ana Ruiz", "Ben Okafor", "--topic", "assessment", "--topic", "oracy")
    pln("group", "add", "ChemChat", "Ana", "Ben")
    said = pln("group", "remove", "ChemChat", "Ana", "#1").stderr
    assert "Removed 1 member from ChemChat." in said
    assert [m["name"] for m in pln.json("group", "show", "ChemChat")["members"]] == ["Ben Okafor"]
    pln("edit", "Ben", "--remove-topic", "oracy", "--remove-topic", "Oracy")
    assert pln.json("show", "Ben")["topics"] == ["assessment"]
    pln("resource", "add", "Inside the Black Box", "--topic", "a", "--topic", "b")
    pln("resource", "edit", "Inside the Black Box", "--remove-topic", "a", "--remove-topic", "A")
    assert pln.json("resources")[0]["topics"] == ["b"]


# ---- 4. the same dismissal again changes nothing ----------------------------------------


def _history(pln: Any) -> list[Any]:
    return json.loads(pln("history", "--json").stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("until", [[], ["--until", "2027-01-01"]])
def test_dismissing_a_pair_again_changes_nothing(
    pln: Any, dump: Dump, db_path: Path, until: list[str]
) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("introduce", "Ana", "Ben", "--dismiss", *until)
    entries, rows = _history(pln), dump()
    again = pln("introduce", "Ana", "Ben", "--dismiss", *until)
    how = "before 2027-01-01" if until else "for good"
    assert again.stderr == (
        f"Nothing changed: Ana Ruiz + Ben Okafor were dismissed already ("
        f"{'not suggested ' + how if until else how}).\n"
    )
    assert again.stdout == ""
    assert _history(pln) == entries
    assert dump() == rows
    pln("undo", "--yes")  # undoes the dismissal itself, not the nothing after it
    assert query(db_path, "SELECT count(*) FROM dismissal") == [(0,)]


def test_a_new_until_is_a_change(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("introduce", "Ana", "Ben", "--dismiss", "--until", "2027-01-01")
    moved = pln("introduce", "Ana", "Ben", "--dismiss")
    assert moved.stderr == "Will not suggest Ana Ruiz + Ben Okafor again.\n"
    assert query(db_path, "SELECT until FROM dismissal") == [(None,)]
    assert [e["summary"] for e in _history(pln)][:2] == ["dismissal ~1", "dismissal +1"]


# ---- 5. the history's clock is pln's clock ----------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
def test_the_history_is_dated_by_pln_now(pln: Any, zone: str) -> None:
    with in_zone(zone):
        now = datetime.fromisoformat(NOW).astimezone()
        pln("add", "Ana Ruiz")
        pln("undo", "--yes")
        entries = _history(pln)
        assert len(entries) == 2
        for entry in entries:
            assert datetime.fromisoformat(entry["at"].replace("Z", "+00:00")) == now
        assert entries[1]["at"] == now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        table = pln("history").stdout.splitlines()
        assert all("2026-11-23 10:00" in line for line in table[1:]), table


# ---- 6. an event or group marked private is named as stored ------------------------------


def test_private_names_the_event_and_the_group_as_stored(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026")
    pln("group", "add", "Book Club", "Ana")
    said = pln("private", "event", "RESEARCHED  2026").stderr
    assert said == "The event 'researchED 2026' is private.\n"
    assert pln("private", "group", "book club").stderr == "The group 'Book Club' is private.\n"
    assert pln.json("private") == [
        {"kind": "event", "name": "researchED 2026"},
        {"kind": "group", "name": "Book Club"},
    ]
    assert query(db_path, "SELECT name FROM private_mark ORDER BY kind") == [
        ("researchED 2026",),
        ("Book Club",),
    ]
    line = pln("private", "group", "BOOK CLUB", code=5).stderr
    assert line.startswith("error: the group 'Book Club' is already private\n")
    assert "hint: see `pln private`; `pln private group NAME --off` makes it usable again" in line
    off = pln("private", "event", "researched 2026", "--off").stderr
    assert off == "The event 'researchED 2026' is usable as a reason again.\n"
    pln("private", "topic", "Assessment")
    off = pln("private", "topic", "assessment", "--off").stderr
    assert off == "The topic 'Assessment' is usable as a reason again.\n"


# ---- 7. the history counts rows, each once -----------------------------------------------


def test_the_history_counts_each_row_once(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--org", "Hillside")
    pln("add", "Ana R", "--allow-duplicate", "--met-at", "BETT", "--email", "ana@example.org")
    pln("merge", "Ana Ruiz", "Ana R", "--yes")
    assert _history(pln)[0]["summary"] == "person ~2, person_attr +1"
    assert pln("history").stdout.splitlines()[1].endswith("people ~2, details +1")
    # added, then given who introduced them, by one import: added
    src = tmp_path / "people.csv"
    src.write_text(
        "name,email,introduced_by\nCy Moss,cy@example.org,Di Lowe\nDi Lowe,di@example.org,\n",
        encoding="utf-8",
    )
    pln("import", str(src))
    assert _history(pln)[0]["summary"] == "person +2, person_attr +2"
    # topics replaced: the rows removed and the row added (SQLite may give it a number
    # just freed), each said
    pln("add", "Eve Li", "--topic", "a", "--topic", "b")
    pln("edit", "Eve", "--topic", "c")
    assert _history(pln)[0]["summary"] == "person_attr -2, person_attr +1, person ~1"


# ---- the merge names no replaced day that is the day it keeps --------------------------


def test_a_merge_that_takes_only_the_event_names_no_replaced_day(pln: Any) -> None:
    pln("add", "Bea Tran")  # met today, at no event
    pln("add", "Bea Tran", "--allow-duplicate", "--met-at", "BETT")  # met at BETT, today
    today = NOW[:10]  # the suite's clock, in local time
    result = pln("merge", "#1", "#2", "--yes")
    line = result.stderr.splitlines()[0]
    assert f"takes #2's meeting BETT, {today}; then" in line
    assert "(not" not in line
    assert pln.json("show", "#1")["met_at"] == "BETT"
