"""Issue 12 (the daily loop without friction), the parts in the people and log commands."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from helpers import Dump, fails


def query(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


# ------------------------------------------------ 1. plan the next step while logging


def test_log_with_a_follow_up_records_both_in_one_command(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    result = pln(
        "log", "Ana", "-m", "Coffee", "--follow-up", "in 2 weeks", "--about", "Send the quiz bank"
    )
    assert "Next: follow-up #1 due 2026-12-07" in result.stderr
    assert query(db_path, "SELECT person_id, due, note, state FROM followup") == [
        (1, "2026-12-07", "Send the quiz bank", "open")
    ]
    assert query(db_path, "SELECT count(*) FROM interaction") == [(1,)]
    doc = pln.json("log", "Ana", "-m", "Call about the trial", "--follow-up", "friday")
    assert doc["followup_ids"] == [2]
    assert query(db_path, "SELECT note, due FROM followup WHERE id = 2") == [
        ("Follow up on: Call about the trial", "2026-11-27")
    ]


def test_log_with_a_follow_up_for_several_people_plans_one_each(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("log", "Ana", "Ben", "-m", "DM group", "--follow-up", "tomorrow")
    assert query(db_path, "SELECT person_id, due FROM followup ORDER BY person_id") == [
        (1, "2026-11-24"),
        (2, "2026-11-24"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--follow-up", "yesterday"), 2, "in the past"),
        (("--follow-up", "someday"), 2, "--follow-up"),
        (("--about", "Send it"), 2, "--about describes a follow-up"),
    ],
)
def test_log_with_a_bad_follow_up_changes_nothing(
    pln: Any, dump: Dump, args: tuple[str, ...], code: int, words: str
) -> None:
    pln("add", "Ana Ruiz")
    line = fails(pln, dump, code, "log", "Ana", "-m", "Coffee", *args)
    assert words in line


# ---------------------------------------------------------------- 9. clearing a list


def test_an_empty_value_clears_a_list_as_it_clears_a_field(pln: Any, db_path: Path) -> None:
    pln(
        "add",
        "Ana Ruiz",
        "--topic",
        "oracy",
        "--topic",
        "assessment",
        "--email",
        "a@example.org",
        "--met-at",
        "researchED 2026",
        "--org",
        "Hillside",
    )
    pln("add", "Ben Okafor", "--introduced-by", "Ana")
    pln("edit", "Ana", "--topic", "", "--email", "", "--org", "", "--met-at", "")
    doc = pln.json("show", "Ana")
    assert (doc["topics"], doc["emails"], doc["org"], doc["met_at"]) == ([], [], None, None)
    pln("edit", "Ben", "--introduced-by", "")
    assert pln.json("show", "Ben")["introduced_by"] is None
    # in `add`, an empty value is the same as not giving the option
    pln("add", "Carla Diaz", "--topic", "", "--org", "")
    doc = pln.json("show", "Carla")
    assert (doc["topics"], doc["org"]) == ([], None)


def test_an_empty_value_to_add_or_remove_is_refused(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz", "--topic", "oracy")
    line = fails(pln, dump, 2, "edit", "Ana", "--add-topic", "")
    assert "--add-topic needs a value" in line
    fails(pln, dump, 2, "edit", "Ana", "--remove-offers", " ")
