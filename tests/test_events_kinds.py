"""Issue 12, items 3 and 7: events are records you can fix; kinds of interaction.

- `pln event show|edit|merge`, EVENT resolved as PERSON is (exact, unique prefix, close
  spelling confirmed for a write); `pln add --met-at E --place P` fills the place.
- `pln log --kind` checks a new kind against the known ones (`coffe`: coffee?), asks
  on a terminal, notes it in a script; `pln kinds` lists kinds with counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import Dump, assert_clean_error, book_exists, book_rows, fails, query
from plncli.cli import events as events_cli
from plncli.cli import kinds as kinds_cli
from plncli.kinds import BUILTIN
from plncli.text import fold

PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_names = count(1)


def rows(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    return query(db, sql, *args)


def data_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The book's own rows (not its history), to compare before a change and after its undo."""
    return book_rows(db)


@pytest.fixture
def two_spellings(pln: Any) -> None:
    """One conference typed two ways, and a second event."""
    pln("add", "Ana Ruiz", "Ben Okafor", "--met-at", "researchED 2026", "--on", "2026-11-20")
    pln("add", "Carla Diaz", "--met-at", "ResearchEd Natl", "--place", "Harris Academy, London")
    pln("add", "Dev Patel", "--met-at", "TeachMeet Northfield", "--on", "2026-11-15")
    pln("log", "Ana", "-m", "coffee", "--kind", "coffee", "--on", "2026-11-21")


def on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if a person sat at the terminal (stdin and stderr are ttys)."""
    monkeypatch.setattr(events_cli, "on_terminal", lambda: True)
    monkeypatch.setattr(kinds_cli, "on_terminal", lambda: True)


# ---------------------------------------------------------------- item 3: place and date


def test_add_place_fills_the_event_and_events_shows_it(pln: Any, db_path: Path) -> None:
    pln(
        "add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "2026-11-20",
        "--place", "Harris Academy,  London",
    )  # fmt: skip
    [event] = pln.json("events")
    assert event == {
        "id": 1,
        "met": 1,
        "name": "researchED 2026",
        "no_contact_since": 1,
        "on": "2026-11-20",
        "place": "Harris Academy, London",
    }
    listed = pln("events").stdout
    assert "Harris Academy, London" in listed
    assert "2026-11-20" in listed
    # an existing event without a place gets one; the same place again changes nothing
    pln("add", "Ben Okafor", "--met-at", "TeachMeet North")
    pln("add", "Carla Diaz", "--met-at", "teachmeet north", "--place", "Leeds")
    pln("add", "Dev Patel", "--met-at", "TeachMeet North", "--place", "LEEDS")
    assert rows(db_path, "SELECT name, place FROM event ORDER BY id") == [
        ("researchED 2026", "Harris Academy, London"),
        ("TeachMeet North", "Leeds"),
    ]


def test_add_place_never_overwrites_another_place(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--place", "London")
    line = fails(
        pln, dump, 5, "add", "Ben Okafor", "--met-at", "researchED 2026", "--place", "Leeds"
    )
    assert line == "error: the event 'researchED 2026' already has another place"
    line = fails(pln, dump, 2, "add", "Ben Okafor", "--place", "Leeds")
    assert "--met-at" in line


# ---------------------------------------------------------------- item 3: event show


def test_event_show_says_who_was_met_there_and_who_is_waiting(
    pln: Any, two_spellings: None
) -> None:
    doc = pln.json("event", "show", "researchED 2026")
    assert {k: doc[k] for k in ("id", "name", "on", "place", "met", "no_contact_since")} == {
        "id": 1,
        "name": "researchED 2026",
        "on": "2026-11-20",
        "place": None,
        "met": 2,
        "no_contact_since": 1,
    }
    assert doc["private"] is False
    assert doc["people"] == [
        {
            "person": {"id": 2, "name": "Ben Okafor"},
            "org": None,
            "met_on": "2026-11-20",
            "last_contact": None,
            "contacted_since": False,
        },
        {
            "person": {"id": 1, "name": "Ana Ruiz"},
            "org": None,
            "met_on": "2026-11-20",
            "last_contact": "2026-11-21",
            "contacted_since": True,
        },
    ]
    result = pln("event", "show", "researchED 2026")
    out = result.stdout
    assert out.splitlines()[0] == "researchED 2026  #1"
    assert "2026-11-20 (3 days ago)" in out
    assert "2 people, 1 with no contact since" in out
    ben = next(line for line in out.splitlines() if "Ben Okafor" in line)
    assert "never" in ben
    assert "no contact since" in ben
    ana = next(line for line in out.splitlines() if "Ana Ruiz" in line)
    assert "2 days ago" in ana
    assert "no contact since" not in ana
    assert result.stderr == ""


def test_event_show_of_an_event_met_nobody_and_archived_people(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--met-at", "Solo Event")
    pln("archive", "Ana")
    doc = pln.json("event", "show", "Solo")
    assert (doc["met"], doc["people"]) == (0, [])
    assert "0 people" in pln("event", "show", "Solo").stdout


# ---------------------------------------------------------------- item 3: resolving EVENT


def test_event_names_resolve_like_people(pln: Any, two_spellings: None) -> None:
    def found(text: str) -> int:
        return int(pln.json("event", "show", text)["id"])

    assert found("RESEARCHED   2026") == 1  # exact, folded
    assert found("researched 2") == 1  # unique prefix of the name
    assert found("natl") == 2  # unique prefix of a word
    assert found("northfield") == 3
    assert found("#3") == 3
    result = pln("event", "show", "Teachmeet Nortfield")  # a close spelling: read, with a note
    assert "taking 'Teachmeet Nortfield' to mean TeachMeet Northfield (#3)" in result.stderr


def test_an_ambiguous_event_lists_the_candidates_and_none_found_is_exit_3(
    pln: Any, dump: Dump, two_spellings: None
) -> None:
    line = fails(pln, dump, 4, "event", "show", "research")
    assert line == "error: 'research' matches 2 events: researchED 2026 (#1), ResearchEd Natl (#2)"
    fails(pln, dump, 4, "event", "edit", "research", "--place", "X")
    line = fails(pln, dump, 3, "event", "show", "Pedagogy Summit")
    assert line == "error: no event matches 'Pedagogy Summit'"
    fails(pln, dump, 3, "event", "show", "#99")
    fails(pln, dump, 3, "event", "show", "#99999999999999999999999")
    fails(pln, dump, 3, "event", "edit", "Pedagogy Summit", "--place", "X")


def test_a_close_spelling_is_refused_for_a_write_in_a_script(
    pln: Any, dump: Dump, two_spellings: None
) -> None:
    line = fails(pln, dump, 3, "event", "edit", "Teachmeet Nortfield", "--place", "Leeds")
    assert line == (
        "error: no event is called 'Teachmeet Nortfield'; did you mean TeachMeet Northfield (#3)?"
    )
    fails(pln, dump, 3, "event", "merge", "Teachmeet Nortfield", "#1", "--yes")


def test_a_close_spelling_is_asked_about_on_a_terminal(
    pln: Any, dump: Dump, db_path: Path, two_spellings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_terminal(monkeypatch)
    before = dump()
    result = pln("event", "edit", "Teachmeet Nortfield", "--place", "Leeds", input="n\n", code=3)
    assert "did you mean TeachMeet Northfield (#3)?" in result.stderr
    assert dump() == before
    pln("event", "edit", "Teachmeet Nortfield", "--place", "Leeds", input="y\n")
    assert rows(db_path, "SELECT place FROM event WHERE id = 3") == [("Leeds",)]


@PROPERTY
@given(data=st.data())
def test_any_spelling_of_a_name_that_folds_to_it_finds_that_event(
    pln: Any, db_path: Path, data: st.DataObject
) -> None:
    words = data.draw(
        st.lists(st.text("abcdeéfgkmnorstuz", min_size=1, max_size=8), min_size=1, max_size=3)
    )
    name = " ".join(words)
    pln("add", f"Person {next(_names)}", "--met-at", name)
    [(eid,)] = rows(db_path, "SELECT id FROM event WHERE name_key = ?", fold(name))
    flips = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    typed = "".join(c.upper() if up else c for c, up in zip(name, flips, strict=True))
    typed = "  " + typed.replace(" ", data.draw(st.sampled_from([" ", "   ", "\t"]))) + " "
    result = pln("event", "show", typed, "--json")
    assert result.stderr == ""  # found as it is, not by a guess
    assert pln.json("event", "show", typed)["id"] == eid


# ---------------------------------------------------------------- item 3: event edit


def test_event_edit_renames_redates_and_places(
    pln: Any, db_path: Path, two_spellings: None
) -> None:
    pln("private", "event", "ResearchEd Natl")
    doc = pln.json(
        "event", "edit", "natl", "--name", "researchED National 2026", "--on", "2026-09-05",
        "--place", "London",
    )  # fmt: skip
    assert (doc["name"], doc["on"], doc["place"], doc["private"]) == (
        "researchED National 2026",
        "2026-09-05",
        "London",
        True,  # a private event stays private under its new name
    )
    assert pln.json("private") == [{"kind": "event", "name": "researchED National 2026"}]
    [carla] = pln.json("list", "--met-at", "researched national 2026")
    assert carla["name"] == "Carla Diaz"
    assert pln.json("show", "Carla")["met_at"] == "researchED National 2026"
    # an empty value clears the date or the place
    pln("event", "edit", "#2", "--on", "", "--place", "")
    assert rows(db_path, 'SELECT "on", place FROM event WHERE id = 2') == [(None, None)]
    assert (
        "Updated researchED National 2026 (#2)."
        in pln("event", "edit", "#2", "--place", "X").stderr
    )


def test_event_edit_refusals_change_nothing(pln: Any, dump: Dump, two_spellings: None) -> None:
    line = fails(pln, dump, 5, "event", "edit", "natl", "--name", "RESEARCHED 2026")
    assert line == "error: there is already an event called 'RESEARCHED 2026' (#1)"
    result = pln("event", "edit", "natl", "--name", "researchED 2026", code=5)
    assert "pln event merge '#1' '#2'" in result.stderr
    line = fails(pln, dump, 2, "event", "edit", "natl")
    assert line == "error: nothing to change"
    fails(pln, dump, 2, "event", "edit", "natl", "--name", "  ")
    line = fails(pln, dump, 2, "event", "edit", "natl", "--on", "tomorrow")
    assert "in the future" in line
    fails(pln, dump, 2, "event", "edit", "natl", "--on", "next tuseday")
    fails(pln, dump, 2, "event", "edit", "natl", "--place", "x" * 201)


# ---------------------------------------------------------------- item 3: event merge


def test_event_merge_moves_people_fills_keep_and_removes_other(
    pln: Any, db_path: Path, two_spellings: None
) -> None:
    pln("private", "event", "ResearchEd Natl")
    result = pln("event", "merge", "researchED 2026", "ResearchEd Natl", "--yes")
    assert result.stderr.splitlines() == [
        "Merge ResearchEd Natl (#2) into researchED 2026 (#1): 1 person met there moves;"
        " fills place; keeps its date 2026-11-20 (not 2026-11-23); it becomes private, as the"
        " other was; then ResearchEd Natl (#2) is removed.",
        "Merged. `pln undo` reverts it.",
    ]
    assert rows(db_path, 'SELECT id, name, "on", place FROM event ORDER BY id') == [
        (1, "researchED 2026", "2026-11-20", "Harris Academy, London"),
        (3, "TeachMeet Northfield", "2026-11-15", None),
    ]
    assert rows(db_path, "SELECT name FROM person WHERE met_at_id = 1 ORDER BY id") == [
        ("Ana Ruiz",),
        ("Ben Okafor",),
        ("Carla Diaz",),
    ]
    assert pln.json("private") == [{"kind": "event", "name": "researchED 2026"}]
    assert pln.json("event", "show", "researchED 2026")["met"] == 3


def test_event_merge_then_undo_restores_both_exactly(
    pln: Any, db_path: Path, two_spellings: None
) -> None:
    pln("private", "event", "ResearchEd Natl")
    pln("archive", "Carla")  # archived people move too, and come back
    before = data_rows(db_path)
    pln("event", "merge", "researchED 2026", "ResearchEd Natl", "--yes")
    assert data_rows(db_path) != before
    [entry] = pln.json("history", "--limit", "1")
    assert entry["command"].startswith("pln event merge")
    pln("undo", "--yes")
    assert data_rows(db_path) == before


def test_event_merge_asks_first(
    pln: Any, dump: Dump, db_path: Path, two_spellings: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    line = fails(pln, dump, 2, "event", "merge", "researchED 2026", "natl")
    assert line == "error: pln event merge asks before it changes anything"
    line = fails(pln, dump, 2, "event", "merge", "researchED 2026", "#1", "--yes")
    assert line == "error: researchED 2026 is the same event twice"
    on_terminal(monkeypatch)
    before = dump()
    result = pln("event", "merge", "researchED 2026", "natl", input="n\n")
    assert "Merge?" in result.stderr
    assert "Nothing changed." in result.stderr
    assert dump() == before
    pln("event", "merge", "researchED 2026", "natl", input="y\n")
    assert rows(db_path, "SELECT count(*) FROM event") == [(2,)]


def test_pln_events_lists_as_before(pln: Any, two_spellings: None) -> None:
    assert [e["name"] for e in pln.json("events")] == [
        "ResearchEd Natl",  # dated the day it was added
        "researchED 2026",
        "TeachMeet Northfield",
    ]
    assert "no contact since" in pln("events").stdout


# ---------------------------------------------------------------- item 7: kinds


def test_a_new_kind_close_to_a_known_one_is_noted_in_a_script(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    result = pln("log", "Ana", "-m", "x", "--kind", "Coffe")
    assert result.stderr.splitlines()[0] == "new kind 'coffe' (did you mean coffee?)"
    assert "Logged coffe with Ana Ruiz" in result.stderr
    result = pln("log", "Ana", "-m", "x", "--kind", "podcast", "--json")
    assert result.stderr == "new kind 'podcast'\n"
    # once used, a kind is known: no note, and it is offered for close spellings
    assert pln("log", "Ana", "-m", "x", "--kind", "PODCAST").stderr.startswith("Logged podcast")
    assert "did you mean podcast?" in pln("log", "Ana", "-m", "x", "--kind", "podcasts").stderr
    assert rows(db_path, "SELECT kind FROM interaction ORDER BY id") == [
        ("coffe",),
        ("podcast",),
        ("podcast",),
        ("podcasts",),
    ]


@PROPERTY
@given(kind=st.sampled_from(BUILTIN), flips=st.lists(st.booleans(), min_size=20, max_size=20))
def test_a_built_in_kind_in_any_case_is_known(
    pln: Any, db_path: Path, kind: str, flips: list[bool]
) -> None:
    if not book_exists(db_path) or not rows(db_path, "SELECT 1 FROM person LIMIT 1"):
        pln("add", "Ana Ruiz")
    typed = "".join(c.upper() if up else c for c, up in zip(kind, flips, strict=False))
    result = pln("log", "Ana", "-m", "x", "--kind", f" {typed} ")
    assert "new kind" not in result.stderr
    assert rows(db_path, "SELECT kind FROM interaction ORDER BY id DESC LIMIT 1") == [(kind,)]


def test_a_new_kind_is_asked_about_on_a_terminal(
    pln: Any, dump: Dump, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pln("add", "Ana Ruiz")
    on_terminal(monkeypatch)
    # did you mean coffee? yes: logged as coffee
    result = pln("log", "Ana", "-m", "x", "--kind", "coffe", input="\n")
    assert "'coffe' is a new kind of interaction; did you mean coffee?" in result.stderr
    # no, and create it: yes
    pln("log", "Ana", "-m", "x", "--kind", "coffe", input="n\ny\n")
    # a new kind with no close one: asked, created
    result = pln("log", "Ana", "-m", "x", "--kind", "podcast", input="y\n")
    assert "'podcast' is a new kind of interaction; create it?" in result.stderr
    assert rows(db_path, "SELECT kind FROM interaction ORDER BY id") == [
        ("coffee",),
        ("coffe",),
        ("podcast",),
    ]
    # declined: nothing logged
    before = dump()
    result = pln("log", "Ana", "-m", "x", "--kind", "webinar", input="n\n", code=2)
    assert result.stderr.splitlines()[-2].endswith(
        "[Y/n]:error: the new kind 'webinar' was not created; nothing was logged"
    )
    assert dump() == before


def test_pln_kinds_lists_kinds_with_counts(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("log", "Ana", "Ben", "-m", "x", "--kind", "coffee")
    pln("log", "Ana", "-m", "x", "--kind", "coffee", "--on", "2026-11-20 15:00")
    pln("log", "Ana", "-m", "x", "--kind", "podcast")
    doc = pln.json("kinds")
    assert doc[:2] == [
        {"kind": "coffee", "count": 2, "last": doc[0]["last"], "builtin": True},
        {"kind": "podcast", "count": 1, "last": doc[1]["last"], "builtin": False},
    ]
    assert doc[0]["last"].startswith("2026-11-2")
    assert doc[0]["last"].endswith("Z")
    assert {d["kind"] for d in doc[2:]} == set(BUILTIN) - {"coffee"}
    assert all(d["count"] == 0 and d["last"] is None for d in doc[2:])
    out = pln("kinds").stdout.splitlines()
    assert out[0].split() == ["kind", "interactions", "last"]
    assert out[1].split() == ["coffee", "2", "today"]
    assert out[2].split() == ["podcast", "1", "today"]


def test_a_refused_log_with_a_new_kind_says_only_the_error(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    fails(pln, dump, 3, "log", "Nobody", "-m", "x", "--kind", "coffe")
    fails(pln, dump, 2, "log", "Ana", "-m", "x", "--kind", "  ")


def test_a_new_kind_on_a_real_terminal_is_asked_about(tmp_path: Path) -> None:
    """stdin and stderr on a pseudo-terminal: pln asks, and takes the answer typed."""
    import pty

    env = {**os.environ, "PLN_DB": str(tmp_path / "tty.db")}
    subprocess.run(
        [sys.executable, "-m", "plncli", "add", "Ana Ruiz"],
        env=env,
        check=True,
        capture_output=True,
    )
    main, secondary = pty.openpty()
    os.write(main, b"y\n")
    proc = subprocess.run(
        [sys.executable, "-m", "plncli", "log", "Ana", "-m", "x", "--kind", "cofee"],
        stdin=secondary,
        stderr=secondary,
        stdout=subprocess.PIPE,
        env=env,
        check=False,
        timeout=120,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert proc.returncode == 0, shown
    assert "did you mean coffee?" in shown.decode()
    assert rows(tmp_path / "tty.db", "SELECT kind FROM interaction") == [("coffee",)]


def test_errors_are_one_line(pln: Any, two_spellings: None) -> None:
    assert_clean_error(pln("event", "show", "", code=3))


def test_a_private_event_stays_private_through_renames_and_their_undo(
    pln: Any, db_path: Path, two_spellings: None
) -> None:
    pln("private", "event", "ResearchEd Natl")
    before = data_rows(db_path)
    pln("event", "edit", "natl", "--name", "RESEARCHED NATL")  # only the case changes
    assert pln.json("private") == [{"kind": "event", "name": "RESEARCHED NATL"}]
    pln("event", "edit", "natl", "--name", "researchED National")
    assert pln.json("private") == [{"kind": "event", "name": "researchED National"}]
    assert pln.json("event", "show", "National")["private"] is True
    pln("undo", "--yes")
    pln("undo", "--yes")
    assert data_rows(db_path) == before


@pytest.mark.parametrize("name", ["#5", "# 12"])
def test_an_event_name_cannot_look_like_an_id(
    pln: Any, dump: Dump, two_spellings: None, name: str
) -> None:
    line = fails(pln, dump, 2, "event", "edit", "natl", "--name", name)
    assert line == f"error: an event name cannot look like an id ({name})"
    fails(pln, dump, 2, "add", "Eve Stone", "--met-at", name)
