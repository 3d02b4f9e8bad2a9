"""Issue 9 (people and the everyday loop): nothing typed is lost or changed without saying so.

Each test drives the real CLI and checks what the user sees and what is stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import Dump, assert_clean_error, fails, query


def people(db: Path) -> list[str]:
    return [r[0] for r in query(db, "SELECT name FROM person ORDER BY id")]


# ---------------------------------------------------------------- 1. interactive add


CARD_ANA = "Ana Ruiz\nHillside\nHead of science\nana@example.org\nassessment, oracy\n\n\n\n"


def test_interactive_add_keeps_good_cards_when_a_later_card_has_problems(
    pln: Any, db_path: Path
) -> None:
    pln("add", "Leo Fischer", "--email", "leo@example.org")
    answers = (
        CARD_ANA
        # a name already in the book: asked, and skipped
        + "Leo Fischer\ns\n"
        # a bad email is asked for again; the card is kept
        + "Mia Wong\n\n\nleo@\nmia@example.org\n\n\n\n\n"
        # an email someone else has: added anyway when the user says so
        + "Leo F.\n\n\nleo@example.org\na\nphysics\n\n\n\n"
        + "\n"
    )
    result = pln("add", "-i", "--met-at", "researchED 2026", input=answers)
    err = result.stderr
    assert "this looks like Leo Fischer (#1), who has the same name" in err
    assert "skipped Leo Fischer" in err
    assert "'leo@' does not look like an email address; type it again" in err
    assert "who has the same email" in err
    assert "saved Ana Ruiz (person #2)" in err
    assert people(db_path) == ["Leo Fischer", "Ana Ruiz", "Mia Wong", "Leo F."]
    assert query(
        db_path,
        "SELECT value FROM person_attr WHERE kind = 'email' AND person_id = 3",
    ) == [("mia@example.org",)]
    assert query(db_path, "SELECT org, role FROM person WHERE id = 2") == [
        ("Hillside", "Head of science")
    ]
    assert "Added Ana Ruiz (#2), Mia Wong (#3), Leo F. (#4)." in err


def test_interactive_add_end_of_input_inside_a_card_keeps_what_was_typed(
    pln: Any, db_path: Path
) -> None:
    result = pln("add", "-i", input="Ana Ruiz\nHillside\n")
    assert people(db_path) == ["Ana Ruiz"]
    assert query(db_path, "SELECT org FROM person") == [("Hillside",)]
    assert "saved Ana Ruiz (person #1)" in result.stderr


def test_interactive_add_bad_name_is_asked_again(pln: Any, db_path: Path) -> None:
    result = pln("add", "-i", input="#5\nAna Ruiz\n\n\n\n\n\n\n\n\n")
    assert "a name cannot look like an id" in result.stderr
    assert people(db_path) == ["Ana Ruiz"]


@pytest.mark.slow
def test_ctrl_c_in_interactive_add_keeps_saved_cards_and_says_what_was_not_added(
    tmp_path: Path,
) -> None:
    db = tmp_path / "book.db"
    env = {**os.environ, "PLN_DB": str(db), "NO_COLOR": "1", "PLN_NO_FASTPATH": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plncli", "add", "-i", "--follow-up", "in 3 days"],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stderr is not None
    proc.stdin.write(CARD_ANA + "Ben Okafor\n\n\n\n\n\n\n\n" + "Carla Diaz\nOakfield\n")
    proc.stdin.flush()
    seen = ""
    deadline = time.monotonic() + 60
    while "saved Ben Okafor" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    time.sleep(0.3)  # Carla's card is being typed: pln waits for her job title
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = seen + err
    assert proc.returncode == 130
    assert "Interrupted. Added 2: Ana Ruiz (#1), Ben Okafor (#2)." in err
    assert "Not added: the card for 'Carla Diaz' that was being typed." in err
    assert "Traceback" not in err
    assert people(db) == ["Ana Ruiz", "Ben Okafor"]
    # each saved card got its follow-up, in the same transaction as the person
    assert query(db, "SELECT person_id FROM followup ORDER BY person_id") == [(1,), (2,)]


# ---------------------------------------------------------------- 5. edit --email


def test_edit_refuses_an_email_that_belongs_to_someone_else(
    pln: Any, dump: Dump, db_path: Path
) -> None:
    pln("add", "Leo Fischer", "--email", "leo@example.org")
    pln("add", "Ana Ruiz", "--email", "ana@example.org")
    line = fails(pln, dump, 5, "edit", "Ana", "--email", "LEO@example.org")
    assert "is the email of Leo Fischer (#1)" in line
    fails(pln, dump, 5, "edit", "Ana", "--add-email", "leo@example.org")
    # her own address, and a new one, are fine
    pln("edit", "Ana", "--email", "ana@example.org", "--add-email", "ana@school.org")
    pln("edit", "Ana", "--add-email", "leo@example.org", "--allow-duplicate")
    assert sorted(
        r[0] for r in query(db_path, "SELECT value FROM person_attr WHERE person_id = 2")
    ) == ["ana@example.org", "ana@school.org", "leo@example.org"]


# ---------------------------------------------------------------- 6. met long before added


def test_someone_added_weeks_after_the_event_is_owed_a_first_contact(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "6 weeks ago")
    rows = pln.json("due")
    assert [(r["kind"], r["person"]["name"]) for r in rows] == [("first-contact", "Ana Ruiz")]
    assert rows[0]["due"] == "2026-10-15"  # met on 2026-10-12, + 3 days


def test_after_the_first_contact_window_the_reconnect_counts_from_the_meeting(
    pln: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "2026-08-01")
    monkeypatch.setenv("PLN_NOW", "2027-01-10T10:00:00")  # 48 days after she was added
    rows = pln.json("due")
    assert [(r["kind"], r["due"]) for r in rows] == [("reconnect", "2026-09-30")]
    assert "met at researchED 2026" in rows[0]["reason"]


# ---------------------------------------------------------------- 11. merged record


def test_a_record_merged_into_another_has_no_last_contact(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ana Ruiz", "--allow-duplicate")
    pln("log", "#2", "-m", "coffee", "--on", "3 days ago")
    pln("merge", "#1", "#2", "--yes")
    archived = pln.json("list", "--archived")
    assert [(p["id"], p["last_contact"]) for p in archived] == [(2, None)]
    assert pln.json("show", "#1")["last_contact"] == "2026-11-20"
    assert query(db_path, "SELECT last_contact_at FROM person WHERE id = 2") == [(None,)]


# ---------------------------------------------------------------- 12. introduced by self


def test_a_person_cannot_introduce_themselves(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "edit", "Ana", "--introduced-by", "Ana")
    assert "cannot have introduced themselves" in line


# ---------------------------------------------------------------- close spellings and archives


def test_a_close_spelling_is_refused_for_a_write_in_a_script(
    pln: Any, dump: Dump, db_path: Path
) -> None:
    pln("add", "Leo Fischer")
    line = fails(pln, dump, 3, "log", "Leon Fischer", "-m", "coffee")
    assert line == "error: no one is called 'Leon Fischer'; did you mean Leo Fischer (#1)?"
    fails(pln, dump, 3, "remind", "Leon Fischer", "tomorrow")
    fails(pln, dump, 3, "edit", "Leon Fischer", "--org", "X")
    # reads still follow the close spelling, saying so
    result = pln("show", "Leon Fischer")
    assert "taking 'Leon Fischer' to mean Leo Fischer (#1)" in result.stderr
    # exact names, prefixes and ids are unchanged
    pln("log", "Leo", "-m", "coffee")
    pln("log", "#1", "-m", "call")
    assert query(db_path, "SELECT count(*) FROM interaction") == [(2,)]


def test_an_archived_person_is_named_with_how_to_restore(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    pln("archive", "Ana")
    line = fails(pln, dump, 3, "log", "Ana", "-m", "coffee")
    assert line == "error: Ana Ruiz (#1) is archived"
    result = pln("log", "#1", "-m", "x", code=3)
    assert "pln restore '#1'" in result.stderr
    assert_clean_error(result)


@pytest.mark.parametrize("name", ["#5", "# 12", "#0"])
def test_names_that_look_like_ids_are_refused(pln: Any, dump: Dump, name: str) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, 2, "add", name)
    assert "cannot look like an id" in line
    fails(pln, dump, 2, "edit", "Ana", "--name", name)


# ---------------------------------------------------------------- logging after `add --follow-up`


def test_logging_contact_closes_the_automatic_first_follow_up_and_names_the_others(
    pln: Any, db_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--follow-up", "in 3 days")
    pln("remind", "Ana", "friday", "-m", "Send the quiz bank")
    result = pln("log", "Ana", "-m", "coffee", "--kind", "coffee")
    err = result.stderr
    assert "Logged coffee with Ana Ruiz (interaction #1)." in err
    assert "Closed the first follow-up #1 for Ana Ruiz" in err
    assert "Still open: follow-up #2 for Ana Ruiz" in err
    assert "`pln done 2`" in err
    assert query(db_path, "SELECT id, state FROM followup ORDER BY id") == [
        (1, "done"),
        (2, "open"),
    ]
    doc = pln.json("log", "Ana", "-m", "email")
    assert doc["closed_followups"] == []
    assert doc["open_followups"] == [2]
    assert [r["kind"] for r in pln.json("due")] == []  # friday is upcoming, contact is fresh


# ---------------------------------------------------------------- who: words of topics


def test_who_and_topic_filters_match_words_and_word_prefixes(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--offers", "microscale chemistry")
    pln("add", "Ben Okafor", "--topic", "chemistry")
    pln("add", "Carla Diaz", "--topic", "alchemy")
    doc = pln.json("who", "microscale")
    assert [(r["person"]["name"], r["how"]) for r in doc] == [("Ana Ruiz", "offers it")]
    doc = pln.json("who", "chemistry")
    # the whole topic and a word of one both match; "alchemy" does not start with it
    assert sorted(r["person"]["name"] for r in doc) == ["Ana Ruiz", "Ben Okafor"]
    assert [p["name"] for p in pln.json("list", "--topic", "chem")] == ["Ana Ruiz", "Ben Okafor"]


# ---------------------------------------------------------------- tables in a pipe


def test_in_a_pipe_every_row_stays_on_one_line(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    long_org = "The Very Long Name of a Multi-Academy Trust in the North of England"
    pln("add", "Ana Ruiz", "--org", long_org, "--note", "line one\nline two")
    pln("add", "Ben Okafor", "--follow-up", "today")
    pln("remind", "Ben", "today", "-m", "Send " + "the long reading list " * 5)
    listing = pln("list").stdout.splitlines()
    assert len(listing) == 3  # header and two rows, however narrow the terminal
    assert long_org in listing[1]
    due_rows = pln("due").stdout.splitlines()
    assert len(due_rows) == 3
    assert "the long reading list " * 4 in due_rows[2]
    show = pln("show", "Ana").stdout
    assert "line one" in show


def test_add_help_says_it_asks_for_whole_cards(pln: Any) -> None:
    text = " ".join(pln("add", "--help").stdout.split())
    assert "business cards one at a time" in text
    assert "one per line" not in text


def test_a_duplicate_added_by_another_pln_while_typing_is_not_saved_silently(
    pln: Any, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The duplicate check is made again under the write lock: another pln may have added
    the same person while the card was being typed (simulated: the check at typing time
    sees no one)."""
    from plncli.cli import prompt

    pln("add", "Leo Fischer")
    ask = prompt.ask_cards
    monkeypatch.setattr(
        prompt, "ask_cards", lambda base, session, _dup, save: ask(base, session, _none, save)
    )
    result = pln("add", "-i", input="Leo Fischer\n\n\n\n\n\n\n\nAna Ruiz\n\n\n\n\n\n\n\n\n")
    assert "not saved: 'Leo Fischer' looks like Leo Fischer (#1)" in result.stderr
    assert "skipped Leo Fischer" in result.stderr
    assert people_in(db_path) == ["Leo Fischer", "Ana Ruiz"]


def people_in(db: Path) -> list[str]:
    return [r[0] for r in query(db, "SELECT name FROM person ORDER BY id")]


def _none(*_: object) -> None:
    return None
