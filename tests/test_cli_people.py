"""CLI tests for the people commands: add, edit, show, list, events, find, archive, restore.

Everything runs through the real Typer app (in-process) against the test's own SQLite file.
"now" is pinned to Monday 2026-11-23 10:00 UTC by conftest.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import assert_clean_error, fails, query
from plncli.cli import app

LIST_KEYS = {
    "id",
    "name",
    "org",
    "circle",
    "emails",
    "topics",
    "offers",
    "seeks",
    "role_tags",
    "last_contact",
    "added",
    "archived",
}
SHOW_KEYS = LIST_KEYS | {
    "met_on_precision",
    "uid",
    "role",
    "location",
    "phones",
    "links",
    "cadence",
    "met_at",
    "met_on",
    "introduced_by",
    "notes",
    "birthday",
    "knows",
    "followups",
    "interactions",
    "introduction_outcomes",
    "done_followups",
    "resources",  # what went between you (issue 16)
}
FOLLOWUP_KEYS = {"id", "person", "due", "note", "every", "state", "closed"}
INTERACTION_KEYS = {"id", "at", "kind", "note", "with", "topics"}
EVENT_KEYS = {"id", "name", "on", "place", "met", "no_contact_since"}
HIT_KEYS = {"person", "org", "archived", "match"}

Dump = Callable[[], list[str]]


# ---------------------------------------------------------------- helpers


def add(pln: Any, *args: str) -> list[dict[str, Any]]:
    return pln.json("add", *args)  # type: ignore[no-any-return]


def show(pln: Any, who: str) -> dict[str, Any]:
    return pln.json("show", who)  # type: ignore[no-any-return]


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in rows]


@pytest.fixture
def two(pln: Any) -> None:
    """Ana Ruiz (#1) and Alex Byrne (#2)."""
    add(pln, "Ana Ruiz", "--email", "ana@example.org")
    add(pln, "Alex Byrne")


# ---------------------------------------------------------------- add


def test_add_one_person_reports_id_and_stores_defaults(pln: Any, db_path: Path) -> None:
    result = pln("add", "Ana Ruiz")
    assert "Added Ana Ruiz (#1)." in result.stderr
    doc = show(pln, "#1")
    assert doc["name"] == "Ana Ruiz"
    assert doc["circle"] == "network"
    assert doc["cadence"] is None
    assert doc["met_at"] is None
    assert doc["added"] == "2026-11-23"
    assert doc["followups"] == []
    assert doc["interactions"] == []
    assert query(db_path, "SELECT name, name_key, circle FROM person") == [
        ("Ana Ruiz", "ana ruiz", "network")
    ]


def test_add_several_at_an_event_with_follow_up_each_due_in_three_days(
    pln: Any, db_path: Path
) -> None:
    out = add(
        pln,
        "Ana Ruiz",
        "Ben Okafor",
        "Carla Diaz",
        "--met-at",
        "researchED 2026",
        "--topic",
        "assessment",
        "--follow-up",
        "in 3 days",
    )
    assert names(out) == ["Ana Ruiz", "Ben Okafor", "Carla Diaz"]
    fids = [o["followup_id"] for o in out]
    assert len(set(fids)) == 3
    assert None not in fids
    rows = query(
        db_path,
        "SELECT f.id, p.name, f.due, f.state FROM followup f"
        " JOIN person p ON p.id = f.person_id ORDER BY f.id",
    )
    assert [(r[1], r[2], r[3]) for r in rows] == [
        ("Ana Ruiz", "2026-11-26", "open"),
        ("Ben Okafor", "2026-11-26", "open"),
        ("Carla Diaz", "2026-11-26", "open"),
    ]
    assert [r[0] for r in rows] == fids
    # one event, everyone met there
    assert query(db_path, "SELECT name FROM event") == [("researchED 2026",)]
    for o in out:
        doc = show(pln, f"#{o['id']}")
        assert doc["met_at"] == "researchED 2026"
        assert doc["met_on"] == "2026-11-23"
        assert doc["topics"] == ["assessment"]
        assert [f["due"] for f in doc["followups"]] == ["2026-11-26"]
        assert "researchED 2026" in doc["followups"][0]["note"]


def test_add_human_output_names_people_and_follow_up_date(pln: Any) -> None:
    result = pln(
        "add", "Ana Ruiz", "Ben Okafor", "--met-at", "researchED 2026", "--follow-up", "in 3 days"
    )
    assert "Added Ana Ruiz (#1), Ben Okafor (#2)." in result.stderr
    assert "2026-11-26" in result.stderr
    assert "in 3 days" in result.stderr


def test_add_every_option_is_stored_and_shown(pln: Any, db_path: Path) -> None:
    add(pln, "Carla Diaz")
    out = add(
        pln,
        "Ana Ruiz",
        "--email",
        "ana@example.org",
        "--email",
        "ana.ruiz@hillside.sch.uk",
        "--phone",
        "+44 7700 900123",
        "--org",
        "Hillside Academy",
        "--role",
        "Head of Maths",
        "--location",
        "Leeds",
        "--link",
        "https://example.org/ana",
        "--circle",
        "colleague",
        "--every",
        "3 months",
        "--topic",
        "assessment",
        "--topic",
        "oracy",
        "--offers",
        "retrieval practice",
        "--seeks",
        "Y7 transition",
        "--role-tag",
        "mentor",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-14",
        "--introduced-by",
        "Carla",
        "--note",
        "Runs the quiz club",
        "--follow-up",
        "2026-12-01",
    )
    pid = out[0]["id"]
    doc = show(pln, f"#{pid}")
    assert set(doc) == SHOW_KEYS
    assert doc["emails"] == ["ana@example.org", "ana.ruiz@hillside.sch.uk"]
    assert doc["phones"] == ["+44 7700 900123"]
    assert doc["org"] == "Hillside Academy"
    assert doc["role"] == "Head of Maths"
    assert doc["location"] == "Leeds"
    assert doc["links"] == ["https://example.org/ana"]
    assert doc["circle"] == "colleague"
    assert doc["cadence"] == "3m"
    assert doc["topics"] == ["assessment", "oracy"]
    assert doc["offers"] == ["retrieval practice"]
    assert doc["seeks"] == ["Y7 transition"]
    assert doc["role_tags"] == ["mentor"]
    assert doc["met_at"] == "researchED 2026"
    assert doc["met_on"] == "2026-11-14"
    assert doc["introduced_by"] == {"id": 1, "name": "Carla Diaz"}
    assert doc["notes"] == "Runs the quiz club"
    assert [f["due"] for f in doc["followups"]] == ["2026-12-01"]
    assert set(doc["followups"][0]) == FOLLOWUP_KEYS
    assert doc["followups"][0]["person"] == {"id": pid, "name": "Ana Ruiz"}
    # stored canonically in the file
    assert query(
        db_path, "SELECT cadence, circle, met_on, introduced_by_id FROM person WHERE id = ?", pid
    ) == [("3m", "colleague", "2026-11-14", 1)]
    assert query(db_path, 'SELECT "on" FROM event') == [("2026-11-14",)]


def test_add_human_show_has_the_key_facts(pln: Any) -> None:
    add(
        pln,
        "Ana Ruiz",
        "--org",
        "Hillside Academy",
        "--topic",
        "assessment",
        "--met-at",
        "researchED 2026",
        "--follow-up",
        "in 3 days",
    )
    out = pln("show", "Ana").stdout
    for word in (
        "Ana Ruiz",
        "Hillside Academy",
        "assessment",
        "researchED 2026",
        "Open follow-ups",
        "2026-11-26",
        "No interactions yet",
    ):
        assert word in out


@pytest.mark.parametrize(
    ("given_", "stored"),
    [
        ("3 months", "3m"),
        ("quarterly", "3m"),
        ("2 weeks", "2w"),
        ("fortnightly", "2w"),
        ("30d", "30d"),
        ("1 year", "1y"),
        ("never", "never"),
    ],
)
def test_add_every_is_stored_canonically(pln: Any, db_path: Path, given_: str, stored: str) -> None:
    add(pln, "Ana Ruiz", "--every", given_)
    assert show(pln, "Ana")["cadence"] == stored
    assert query(db_path, "SELECT cadence FROM person") == [(stored,)]


def test_add_bad_every_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Ben Okafor")
    line = fails(pln, dump, 2, "add", "Ana Ruiz", "--every", "sometimes")
    assert "--every" in line


@pytest.mark.parametrize("spelling", ["Ana Ruiz", "ana  RUÍZ", "  ANA ruiz ", "Ána Rúiz"])
def test_add_duplicate_name_is_refused_naming_the_existing_person(
    pln: Any, dump: Dump, spelling: str
) -> None:
    add(pln, "Ana Ruiz")
    line = fails(pln, dump, 5, "add", spelling)
    assert "Ana Ruiz (#1)" in line


def test_add_duplicate_email_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz", "--email", "ana@example.org")
    line = fails(pln, dump, 5, "add", "A. Ruiz", "--email", "ANA@example.org")
    assert "Ana Ruiz (#1)" in line
    assert "email" in line


def test_add_duplicate_in_a_batch_adds_no_one(pln: Any, dump: Dump, db_path: Path) -> None:
    add(pln, "Ana Ruiz")
    fails(pln, dump, 5, "add", "Ben Okafor", "ana ruiz", "Carla Diaz")
    assert query(db_path, "SELECT name FROM person") == [("Ana Ruiz",)]


def test_add_same_name_twice_in_one_command_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 2, "add", "Ana Ruiz", "ANA RUIZ")


def test_allow_duplicate_adds_a_second_person_with_the_same_name(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--email", "ana@example.org")
    out = add(pln, "Ana Ruiz", "--email", "ana@example.org", "--allow-duplicate")
    assert out[0]["id"] == 2
    assert names(pln.json("list")) == ["Ana Ruiz", "Ana Ruiz"]


def test_email_with_several_names_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    line = fails(pln, dump, 2, "add", "Ana Ruiz", "Ben Okafor", "--email", "ana@example.org")
    assert "--email" in line


def test_phone_with_several_names_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 2, "add", "Ana Ruiz", "Ben Okafor", "--phone", "0113 496 0000")


@pytest.mark.parametrize(
    "bad_name",
    ["", "   ", "x" * 10_000, "Ana\x00Ruiz", "Ana\x07Ruiz"],
    ids=["empty", "blank", "10000-chars", "nul", "bell"],
)
def test_unusable_names_are_refused(pln: Any, dump: Dump, bad_name: str) -> None:
    add(pln, "Carla Diaz")
    line = fails(pln, dump, 2, "add", "Ben Okafor", bad_name)
    assert "name" in line


@pytest.mark.parametrize("email", ["not-an-email", "ana@", "ana@example", "a b@example.org"])
def test_invalid_email_is_refused(pln: Any, dump: Dump, email: str) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 2, "add", "Ana Ruiz", "--email", email)


def test_bad_on_date_is_refused_with_accepted_forms(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    line = fails(pln, dump, 2, "add", "Ana Ruiz", "--met-at", "TeachMeet", "--on", "next tuseday")
    assert "--on" in line
    assert "next tuseday" in line
    assert "yesterday" in line
    assert "2026-12-01" in line


def test_impossible_on_date_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    line = fails(pln, dump, 2, "add", "Ana Ruiz", "--on", "feb 30")
    assert "feb 30" in line


def test_bad_follow_up_date_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 2, "add", "Ana Ruiz", "--follow-up", "someday")


def test_unknown_introducer_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 3, "add", "Ana Ruiz", "--introduced-by", "Zebedee")


def test_interactive_add_asks_for_cards(pln: Any, db_path: Path) -> None:
    answers = (
        "Ana Ruiz\nHillside\n\nana@example.org\nassessment, oracy\n\n\n\n"
        "Ben Okafor\n\n\n\n\n\n\n\n\n"
    )
    result = pln("add", "-i", "--met-at", "researchED 2026", "--json", input=answers)
    out = json.loads(result.stdout)
    assert names(out) == ["Ana Ruiz", "Ben Okafor"]
    assert "name 1" in result.stderr
    assert "organisation" in result.stderr
    ana, ben = show(pln, "Ana"), show(pln, "Ben")
    assert ana["org"] == "Hillside"
    assert ana["role"] is None
    assert ana["emails"] == ["ana@example.org"]
    assert ana["topics"] == ["assessment", "oracy"]
    assert ana["offers"] == []
    assert ana["seeks"] == []
    assert ana["notes"] == ""
    assert ben["org"] is None
    assert ben["emails"] == []
    assert ben["topics"] == []
    assert ana["met_at"] == ben["met_at"] == "researchED 2026"
    events = pln.json("events")
    assert [(e["name"], e["met"]) for e in events] == [("researchED 2026", 2)]
    assert query(db_path, "SELECT count(*) FROM person") == [(2,)]


def test_interactive_add_keeps_introduced_by(pln: Any) -> None:
    add(pln, "Carla Diaz")
    pln("add", "-i", "--introduced-by", "Carla", input="Ana Ruiz\n\n\n\n\n\n\n\n\n")
    assert show(pln, "Ana")["introduced_by"] == {"id": 1, "name": "Carla Diaz"}


def test_interactive_add_with_no_cards_does_not_claim_to_add(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    before = dump()
    # adding no one may be a quiet success or a refusal, but not a report of an empty list
    result = pln.runner.invoke(app, ["add", "-i"], input="\n")
    assert result.exit_code in (0, 2)
    assert "Traceback" not in result.output
    assert dump() == before
    assert "Added ." not in result.stderr


def test_add_without_names_off_a_terminal_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    line = fails(pln, dump, 2, "add", "--met-at", "researchED 2026")
    assert "NAME" in line


def test_unknown_option_is_one_error_line(pln: Any, dump: Dump) -> None:
    add(pln, "Carla Diaz")
    fails(pln, dump, 2, "add", "Ana Ruiz", "--bogus")


# ---------------------------------------------------------------- unicode names (hypothesis)

_counter = itertools.count()

_letters = st.characters(
    categories=("Lu", "Ll", "Lo", "Lt", "Mn", "Nd", "So"),
    exclude_characters="\ufffd",
) | st.sampled_from(
    [
        "é",
        "ñ",
        "ø",
        "ß",
        "İ",
        "ǅ",
        "\u0301",
        "\u0308",
        "\u05e9",
        "\u05dc\u05d5\u05dd",
        "\u0645\u0631\u062d\u0628\u0627",
        "\u200f",
        "😀",
        "👩🏽‍🏫",
        "🇬🇧",
        "Zoë",
        "Zoe\u0308",
    ]
)
_word = st.lists(_letters, min_size=1, max_size=8).map("".join)
_name = st.lists(_word, min_size=1, max_size=4).map(" ".join)


def _fresh_db(tmp_path: Path) -> str:
    return str(tmp_path / f"h{next(_counter)}.db")


def _dump_file(db: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=_name)
def test_unicode_names_round_trip_as_nfc(pln: Any, tmp_path: Path, name: str) -> None:
    expected = " ".join(unicodedata.normalize("NFC", name).split())
    assume(expected and not expected.startswith("-"))
    db = _fresh_db(tmp_path)
    out = pln.json("--db", db, "add", name)
    assert names(out) == [expected]
    listed = pln.json("--db", db, "list")
    assert names(listed) == [expected]
    assert unicodedata.is_normalized("NFC", listed[0]["name"])
    shown = pln.json("--db", db, "show", f"#{out[0]['id']}")
    assert shown["name"] == expected


_accented = st.lists(
    st.sampled_from(["é", "ü", "ñ", "å", "ç", "ô", "ǖ", "ẫ", "a", "n", "z", "Å", "Ç"]),
    min_size=1,
    max_size=8,
).map("".join)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=_accented, last=_accented, nfd_first=st.booleans())
def test_nfc_and_nfd_spellings_are_one_person(
    pln: Any, tmp_path: Path, first: str, last: str, nfd_first: bool
) -> None:
    name = f"{first} {last}"
    nfc, nfd = unicodedata.normalize("NFC", name), unicodedata.normalize("NFD", name)
    one, other = (nfd, nfc) if nfd_first else (nfc, nfd)
    db = _fresh_db(tmp_path)
    out = pln.json("--db", db, "add", one)
    assert names(out) == [nfc]
    before = _dump_file(db)
    result = pln("--db", db, "add", other, code=5)
    line = assert_clean_error(result)
    assert f"(#{out[0]['id']})" in line
    assert _dump_file(db) == before
    assert names(pln.json("--db", db, "list")) == [nfc]


# ---------------------------------------------------------------- edit


def test_edit_scalars(pln: Any, db_path: Path) -> None:
    add(pln, "Ana Ruiz", "--org", "Hillside Academy")
    result = pln(
        "edit",
        "Ana",
        "--org",
        "Hillside Trust",
        "--role",
        "Head of Year 7",
        "--location",
        "York",
        "--circle",
        "colleague",
        "--note",
        "Met twice",
    )
    assert "Updated Ana Ruiz (#1)." in result.stderr
    doc = show(pln, "Ana")
    assert (doc["org"], doc["role"], doc["location"], doc["circle"], doc["notes"]) == (
        "Hillside Trust",
        "Head of Year 7",
        "York",
        "colleague",
        "Met twice",
    )
    assert query(db_path, "SELECT org, circle FROM person") == [("Hillside Trust", "colleague")]


def test_edit_json_returns_the_profile(pln: Any) -> None:
    add(pln, "Ana Ruiz")
    doc = pln.json("edit", "Ana", "--org", "Hillside")
    assert set(doc) == SHOW_KEYS
    assert doc["org"] == "Hillside"


def test_edit_empty_org_clears_it(pln: Any, db_path: Path) -> None:
    add(pln, "Ana Ruiz", "--org", "Hillside Academy", "--role", "Teacher")
    pln("edit", "Ana", "--org", "")
    doc = show(pln, "Ana")
    assert doc["org"] is None
    assert doc["role"] == "Teacher"
    assert query(db_path, "SELECT org FROM person") == [(None,)]


def test_edit_topic_replaces_the_list(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--topic", "assessment", "--topic", "oracy", "--offers", "quizzes")
    pln("edit", "Ana", "--topic", "reading", "--topic", "Y7 transition")
    doc = show(pln, "Ana")
    assert doc["topics"] == ["reading", "Y7 transition"]
    assert doc["offers"] == ["quizzes"]


def test_edit_add_and_remove_topic(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--topic", "assessment", "--topic", "oracy")
    pln("edit", "Ana", "--add-topic", "reading", "--remove-topic", "oracy")
    assert show(pln, "Ana")["topics"] == ["assessment", "reading"]
    # removal matches topics folded: case and a plural 's'
    pln("edit", "Ana", "--remove-topic", "Assessments")
    assert show(pln, "Ana")["topics"] == ["reading"]


def test_edit_add_and_remove_other_lists(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--email", "ana@example.org", "--role-tag", "mentor")
    pln(
        "edit",
        "Ana",
        "--add-email",
        "ana@hillside.org",
        "--remove-email",
        "ana@example.org",
        "--add-role-tag",
        "expert",
        "--add-seeks",
        "a mentor",
        "--add-offers",
        "quiz bank",
    )
    doc = show(pln, "Ana")
    assert doc["emails"] == ["ana@hillside.org"]
    assert doc["role_tags"] == ["mentor", "expert"]
    assert doc["seeks"] == ["a mentor"]
    assert doc["offers"] == ["quiz bank"]


def test_edit_removing_an_absent_value_changes_nothing(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz", "--org", "Hillside", "--topic", "assessment")
    line = fails(
        pln,
        dump,
        3,
        "edit",
        "Ana",
        "--org",
        "Elsewhere",
        "--add-topic",
        "reading",
        "--remove-topic",
        "oracy",
    )
    assert "oracy" in line
    doc = show(pln, "Ana")
    assert doc["org"] == "Hillside"
    assert doc["topics"] == ["assessment"]


def test_edit_name_renames(pln: Any, db_path: Path) -> None:
    add(pln, "Ana Ruiz")
    pln("edit", "Ana", "--name", "Ana Ruiz-Okafor")
    assert show(pln, "#1")["name"] == "Ana Ruiz-Okafor"
    assert query(db_path, "SELECT name, name_key FROM person") == [
        ("Ana Ruiz-Okafor", "ana ruiz-okafor")
    ]
    assert show(pln, "ana ruiz-okafor")["id"] == 1
    assert pln.json("find", "Okafor")[0]["person"] == {"id": 1, "name": "Ana Ruiz-Okafor"}


def test_edit_every_and_back_to_default(pln: Any, db_path: Path) -> None:
    add(pln, "Ana Ruiz")
    pln("edit", "Ana", "--every", "2 weeks")
    assert show(pln, "Ana")["cadence"] == "2w"
    pln("edit", "Ana", "--every", "default")
    assert show(pln, "Ana")["cadence"] is None
    assert query(db_path, "SELECT cadence FROM person") == [(None,)]


def test_edit_with_nothing_to_change_is_refused(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz")
    line = fails(pln, dump, 2, "edit", "Ana")
    assert "nothing to change" in line


def test_edit_unknown_person_is_not_found(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz")
    fails(pln, dump, 3, "edit", "Zebedee", "--org", "X")


def test_edit_bad_email_changes_nothing(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz", "--email", "ana@example.org")
    fails(pln, dump, 2, "edit", "Ana", "--org", "X", "--email", "nope")


# ---------------------------------------------------------------- show


@pytest.mark.usefixtures("utc")
def test_show_timeline_newest_first_with_group_members_and_open_followups(pln: Any) -> None:
    add(pln, "Ana Ruiz", "Ben Okafor", "Carla Diaz")
    pln("log", "Ana", "-m", "Coffee", "--kind", "coffee", "--on", "5 days ago")
    pln(
        "log",
        "Ana",
        "Ben",
        "Carla",
        "-m",
        "DM group: Y7 ideas",
        "--kind",
        "message",
        "--on",
        "yesterday",
        "--topic",
        "transition",
    )
    pln("log", "Ana", "-m", "Call", "--kind", "call", "--on", "2 days ago")
    pln("remind", "Ana", "in 4 days", "-m", "Send the quiz bank")
    pln("remind", "Ben", "tomorrow", "-m", "Not Ana's")
    pln("remind", "Ana", "tomorrow", "-m", "Done already")
    pln("done", "3", "--no-log")
    doc = show(pln, "Ana")
    notes = [i["note"] for i in doc["interactions"]]
    assert notes == ["DM group: Y7 ideas", "Call", "Coffee"]
    assert all(set(i) == INTERACTION_KEYS for i in doc["interactions"])
    group = doc["interactions"][0]
    assert sorted(group["with"]) == ["Ben Okafor", "Carla Diaz"]
    assert group["kind"] == "message"
    assert group["topics"] == ["transition"]
    assert group["at"] == "2026-11-22T12:00:00Z"
    assert doc["interactions"][1]["with"] == []
    assert [(f["due"], f["note"], f["state"]) for f in doc["followups"]] == [
        ("2026-11-27", "Send the quiz bank", "open")
    ]
    assert sorted(show(pln, "Ben")["interactions"][0]["with"]) == ["Ana Ruiz", "Carla Diaz"]
    human = pln("show", "Ana").stdout
    assert "Timeline" in human
    assert "Send the quiz bank" in human
    assert "Ben Okafor" in human


def test_show_limits_timeline_to_20_unless_all(pln: Any) -> None:
    add(pln, "Ana Ruiz")
    for n in range(22):
        pln("log", "Ana", "-m", f"note {n:02d}", "--on", f"{n + 1} days ago")
    human = pln("show", "Ana").stdout
    assert "note 00" in human
    assert "note 19" in human
    assert "note 20" not in human
    assert "note 21" in pln("show", "Ana", "--all").stdout
    assert len(show(pln, "Ana")["interactions"]) == 22


# ---------------------------------------------------------------- person resolution


def test_resolve_exact_name_beats_prefix(pln: Any) -> None:
    add(pln, "Ana", "Ana Ruiz")
    assert show(pln, "ana")["id"] == 1
    assert show(pln, "ana ruiz")["id"] == 2


def test_resolve_prefix_and_word_prefix(pln: Any, two: None) -> None:
    assert show(pln, "Ana")["name"] == "Ana Ruiz"
    assert show(pln, "Ruiz")["name"] == "Ana Ruiz"
    assert show(pln, "ruí")["name"] == "Ana Ruiz"
    assert show(pln, "Byr")["name"] == "Alex Byrne"


def test_resolve_exact_name_shared_by_two_is_ambiguous(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz")
    add(pln, "Ana Ruiz", "--allow-duplicate")
    line = fails(pln, dump, 4, "show", "ana ruiz")
    assert "(#1)" in line
    assert "(#2)" in line


def test_resolve_id(pln: Any, two: None) -> None:
    assert show(pln, "#2")["name"] == "Alex Byrne"


def test_resolve_fuzzy_is_accepted_with_a_notice_on_stderr(pln: Any, two: None) -> None:
    result = pln("show", "Ana Ruis", "--json")
    doc = json.loads(result.stdout)  # the notice does not pollute stdout
    assert doc["name"] == "Ana Ruiz"
    assert "Ana Ruis" in result.stderr
    assert "Ana Ruiz (#1)" in result.stderr


def test_resolve_ambiguous_lists_candidates(pln: Any, two: None, dump: Dump) -> None:
    line = fails(pln, dump, 4, "show", "A")
    assert "Ana Ruiz" in line
    assert "Alex Byrne" in line


def test_resolve_ambiguous_never_guesses_when_editing(pln: Any, two: None, dump: Dump) -> None:
    fails(pln, dump, 4, "edit", "A", "--org", "X")


@pytest.mark.parametrize("who", ["Zebedee", "#99", "#0"])
def test_resolve_unknown_is_not_found(pln: Any, two: None, dump: Dump, who: str) -> None:
    fails(pln, dump, 3, "show", who)


# ---------------------------------------------------------------- list


@pytest.fixture
def crowd(pln: Any) -> None:
    add(
        pln,
        "Ana Ruiz",
        "--org",
        "Hillside Academy",
        "--topic",
        "assessment",
        "--role-tag",
        "mentor",
        "--met-at",
        "researchED 2026",
        "--email",
        "ana@example.org",
    )
    add(
        pln,
        "Ben Okafor",
        "--org",
        "Northfield School",
        "--offers",
        "assessment design",
        "--met-at",
        "researchED 2026",
    )
    add(
        pln,
        "Carla Diaz",
        "--org",
        "Hillside Trust",
        "--seeks",
        "Assessment",
        "--circle",
        "colleague",
        "--role-tag",
        "Mentee",
    )
    add(pln, "Dev Patel", "--topic", "oracy", "--circle", "following", "--role-tag", "Mentor")


def test_list_json_schema(pln: Any, crowd: None) -> None:
    rows = pln.json("list")
    assert names(rows) == ["Ana Ruiz", "Ben Okafor", "Carla Diaz", "Dev Patel"]
    assert all(set(r) == LIST_KEYS for r in rows)
    assert rows[0] == {
        "id": 1,
        "name": "Ana Ruiz",
        "org": "Hillside Academy",
        "circle": "network",
        "emails": ["ana@example.org"],
        "topics": ["assessment"],
        "offers": [],
        "seeks": [],
        "role_tags": ["mentor"],
        "last_contact": None,
        "added": "2026-11-23",
        "archived": False,
    }


def test_list_human_output(pln: Any, crowd: None) -> None:
    result = pln("list")
    assert "Ana Ruiz" in result.stdout
    assert "Hillside Academy" in result.stdout
    assert "never" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # words and word prefixes of topics match, as in `pln find` (issue 9)
        (("--topic", "assessment"), ["Ana Ruiz", "Ben Okafor", "Carla Diaz"]),
        (("--topic", "Assessments"), ["Ana Ruiz", "Ben Okafor", "Carla Diaz"]),
        (("--topic", "assessment design"), ["Ben Okafor"]),
        (("--topic", "design"), ["Ben Okafor"]),
        (("--topic", "assess"), ["Ana Ruiz", "Ben Okafor", "Carla Diaz"]),
        (("--topic", "essment"), []),
        (("--topic", "ORACY"), ["Dev Patel"]),
        (("--org", "hillside"), ["Ana Ruiz", "Carla Diaz"]),
        (("--org", "School"), ["Ben Okafor"]),
        (("--circle", "colleague"), ["Carla Diaz"]),
        (("--circle", "network"), ["Ana Ruiz", "Ben Okafor"]),
        (("--met-at", "researched 2026"), ["Ana Ruiz", "Ben Okafor"]),
        (("--role-tag", "MENTOR"), ["Ana Ruiz", "Dev Patel"]),
        (("--role-tag", "mentee"), ["Carla Diaz"]),
        (("--org", "hillside", "--circle", "colleague"), ["Carla Diaz"]),
        (("--topic", "nothing-like-it"), []),
    ],
)
def test_list_filters(pln: Any, crowd: None, args: tuple[str, ...], expected: list[str]) -> None:
    assert names(pln.json("list", *args)) == expected


def test_list_topic_matches_offers_and_seeks(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--offers", "retrieval practice")
    add(pln, "Ben Okafor", "--seeks", "Retrieval Practice")
    add(pln, "Carla Diaz", "--topic", "retrieval")
    assert names(pln.json("list", "--topic", "retrieval practice")) == ["Ana Ruiz", "Ben Okafor"]


def test_list_sort_last_contact_and_added(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_NOW", "2026-10-01T10:00:00")
    add(pln, "Cora Never")
    monkeypatch.setenv("PLN_NOW", "2026-11-01T10:00:00")
    add(pln, "Abe Recent")
    monkeypatch.setenv("PLN_NOW", "2026-09-01T10:00:00")
    add(pln, "Bea Old")
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    pln("log", "Abe", "-m", "x", "--on", "2 days ago")
    pln("log", "Bea", "-m", "x", "--on", "20 days ago")
    assert names(pln.json("list", "--sort", "name")) == ["Abe Recent", "Bea Old", "Cora Never"]
    # longest ago first; never contacted is longest ago of all
    assert names(pln.json("list", "--sort", "last-contact")) == [
        "Cora Never",
        "Bea Old",
        "Abe Recent",
    ]
    # newest first
    rows = pln.json("list", "--sort", "added")
    assert names(rows) == ["Abe Recent", "Cora Never", "Bea Old"]
    assert [r["added"] for r in rows] == ["2026-11-01", "2026-10-01", "2026-09-01"]
    assert [r["last_contact"] for r in rows] == ["2026-11-21", None, "2026-11-03"]


def test_list_org_ignores_case_beyond_ascii(pln: Any) -> None:
    add(pln, "Ana Ruiz", "--org", "École Jean Moulin")
    assert names(pln.json("list", "--org", "Jean")) == ["Ana Ruiz"]  # ASCII case folds already
    assert names(pln.json("list", "--org", "école")) == ["Ana Ruiz"]


def test_list_unknown_sort_is_refused(pln: Any, crowd: None, dump: Dump) -> None:
    fails(pln, dump, 2, "list", "--sort", "age")


def test_list_hides_archived_unless_asked(pln: Any, crowd: None) -> None:
    pln("archive", "Ben")
    assert names(pln.json("list")) == ["Ana Ruiz", "Carla Diaz", "Dev Patel"]
    archived = pln.json("list", "--archived")
    assert names(archived) == ["Ben Okafor"]
    assert archived[0]["archived"] is True


def test_list_empty(pln: Any) -> None:
    assert pln.json("list") == []
    assert pln("list").stdout == "No one in the book yet: `pln add NAME` adds someone.\n"


# ---------------------------------------------------------------- events


def test_events_counts_met_and_no_contact_since(pln: Any) -> None:
    add(
        pln,
        "Ana Ruiz",
        "Ben Okafor",
        "Carla Diaz",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-14",
    )
    add(pln, "Dev Patel", "--met-at", "TeachMeet Northfield", "--on", "2026-11-20")
    add(pln, "Eve Stone")
    events = pln.json("events")
    assert all(set(e) == EVENT_KEYS for e in events)
    assert [(e["name"], e["on"], e["met"], e["no_contact_since"]) for e in events] == [
        ("TeachMeet Northfield", "2026-11-20", 1, 1),
        ("researchED 2026", "2026-11-14", 3, 3),
    ]
    # a contact before the event does not count; one after it does
    pln("log", "Ana", "-m", "before", "--on", "2026-11-01")
    pln("log", "Ben", "-m", "after", "--on", "2026-11-15")
    events = {e["name"]: e for e in pln.json("events")}
    assert events["researchED 2026"]["no_contact_since"] == 2
    pln("log", "Ana", "Carla", "Dev", "-m", "thanks all")
    events = {e["name"]: e for e in pln.json("events")}
    assert events["researchED 2026"]["no_contact_since"] == 0
    assert events["TeachMeet Northfield"]["no_contact_since"] == 0
    assert events["researchED 2026"]["met"] == 3
    assert "researchED 2026" in pln("events").stdout


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    def set_tz(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


def test_events_no_contact_since_uses_local_days(pln: Any, local_tz: Callable[[str], None]) -> None:
    local_tz("Pacific/Auckland")  # now is 23:00 on Monday 23rd, NZDT (UTC+13)
    add(pln, "Ana Ruiz", "--met-at", "researchED 2026", "--on", "yesterday")
    pln("log", "Ana", "-m", "Thanks for the chat", "--on", "yesterday 09:00")
    assert pln.json("list")[0]["last_contact"] == "2026-11-22"
    assert pln.json("due") == []  # due agrees there has been contact since meeting
    assert pln.json("events")[0]["no_contact_since"] == 0


# ---------------------------------------------------------------- find


@pytest.fixture
def findable(pln: Any) -> None:
    add(pln, "Zoë Adams", "--org", "Quarry Bank School", "--topic", "retrieval practice")
    add(pln, "Ben Okafor", "--org", "Northfield", "--note", "Runs a podcast about phonics")
    add(pln, "Carla Diaz", "--seeks", "oracy resources")
    pln("log", "Carla", "-m", "Swapped notes on metacognition")


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("zoe", "Zoë Adams"),
        ("Zoë", "Zoë Adams"),
        ("quarry", "Zoë Adams"),
        ("retriev", "Zoë Adams"),
        ("phonics", "Ben Okafor"),
        ("oracy", "Carla Diaz"),
        ("metacog", "Carla Diaz"),
        ("okafor", "Ben Okafor"),
    ],
)
def test_find(pln: Any, findable: None, text: str, who: str) -> None:
    hits = pln.json("find", text)
    assert [h["person"]["name"] for h in hits] == [who]
    assert set(hits[0]) == HIT_KEYS
    assert "[" in hits[0]["match"]
    assert "]" in hits[0]["match"]
    assert hits[0]["archived"] is False


def test_find_several_words_and_no_match(pln: Any, findable: None) -> None:
    assert [h["person"]["name"] for h in pln.json("find", "quarry", "school")] == ["Zoë Adams"]
    assert pln.json("find", "xylophone") == []
    assert "No matches" in pln("find", "xylophone").stdout
    assert "Zoë Adams" in pln("find", "retrieval").stdout


def test_find_excludes_archived_unless_asked(pln: Any, findable: None) -> None:
    pln("archive", "Zoë")
    assert pln.json("find", "zoe") == []
    hits = pln.json("find", "zoe", "--archived")
    assert [(h["person"]["name"], h["archived"]) for h in hits] == [("Zoë Adams", True)]


@pytest.mark.parametrize("text", ["", "   ", '""'])
def test_find_empty_query_is_refused(pln: Any, findable: None, dump: Dump, text: str) -> None:
    fails(pln, dump, 2, "find", text)


def test_find_sees_edits(pln: Any, findable: None) -> None:
    pln("edit", "Ben", "--org", "Southfield Academy")
    assert pln.json("find", "northfield") == []
    assert [h["person"]["name"] for h in pln.json("find", "southfield")] == ["Ben Okafor"]


# ---------------------------------------------------------------- archive / restore


def test_archive_and_restore_keep_everything(pln: Any, db_path: Path) -> None:
    add(
        pln,
        "Ana Ruiz",
        "--org",
        "Hillside",
        "--topic",
        "assessment",
        "--email",
        "ana@example.org",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-01",
    )
    add(pln, "Ben Okafor")
    pln("log", "Ana", "Ben", "-m", "Coffee about quizzes", "--on", "3 days ago")
    pln("remind", "Ana", "today", "-m", "Send the quiz bank")
    before = show(pln, "Ana")
    assert [d["person"]["name"] for d in pln.json("due")] == ["Ana Ruiz"]

    result = pln("archive", "Ana")
    assert "Archived Ana Ruiz (#1)." in result.stderr
    assert names(pln.json("list")) == ["Ben Okafor"]
    assert pln.json("due") == []
    assert pln.json("reminders") == []
    assert [h["person"]["name"] for h in pln.json("find", "quizzes")] == ["Ben Okafor"]
    assert pln.json("events")[0]["met"] == 0
    assert show(pln, "#1")["archived"] is True  # still there by id
    assert query(db_path, "SELECT archived_at IS NOT NULL FROM person WHERE id = 1") == [(1,)]

    result = pln("restore", "#1")
    assert "Restored Ana Ruiz (#1)." in result.stderr
    assert show(pln, "Ana") == before
    assert names(pln.json("list")) == ["Ana Ruiz", "Ben Okafor"]
    assert [d["person"]["name"] for d in pln.json("due")] == ["Ana Ruiz"]
    assert [h["person"]["name"] for h in pln.json("find", "hillside")] == ["Ana Ruiz"]


def test_archived_people_cannot_be_logged_or_archived_again(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz", "Ben Okafor")
    pln("archive", "Ana")
    fails(pln, dump, 3, "archive", "Ana")
    fails(pln, dump, 3, "log", "Ana", "-m", "hi")
    fails(pln, dump, 3, "log", "#1", "-m", "hi")


def test_archive_unknown_is_not_found(pln: Any, dump: Dump) -> None:
    add(pln, "Ana Ruiz")
    fails(pln, dump, 3, "archive", "Zebedee")
    fails(pln, dump, 3, "restore", "Zebedee")


def test_rename_into_an_existing_name_is_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Bob Stone")
    pln("add", "Bobby Stone")
    before = dump()
    r = pln("edit", "Bobby", "--name", "bob  STONE", code=5)
    assert "Bob Stone (#1)" in r.stderr
    assert dump() == before
    pln("edit", "Bobby", "--name", "Bob Stone", "--allow-duplicate")
    assert [p["name"] for p in pln.json("list")] == ["Bob Stone", "Bob Stone"]


def test_restore_of_someone_not_archived_is_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    before = dump()
    r = pln("restore", "Ana", code=2)
    assert "is not archived" in r.stderr
    assert dump() == before
