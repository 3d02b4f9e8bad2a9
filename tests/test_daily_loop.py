"""Issue 12 (the daily loop without friction), the parts in the people and log commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from helpers import Dump, fails, query

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


# ---------------------------------------------------------------- 8. undo one entry


def _history_ids(pln: Any) -> dict[str, int]:
    return {h["command"]: h["id"] for h in pln.json("history")}


def test_undo_id_reverts_one_entry_and_leaves_later_ones(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    pln("edit", "Ana", "--org", "Hillside")
    ids = _history_ids(pln)
    doc = pln.json("undo", str(ids["pln add 'Ben Okafor'"]), "--yes")
    assert doc["undone"]["command"] == "pln add 'Ben Okafor'"
    assert query(db_path, "SELECT name, org FROM person ORDER BY id") == [("Ana Ruiz", "Hillside")]
    # `#N` as history prints it is accepted too; the undone entry cannot be undone twice
    line = pln("undo", f"#{ids['pln add ' + chr(39) + 'Ben Okafor' + chr(39)]}", "--yes", code=2)
    assert "already undone" in line.stderr


def test_undo_id_refuses_when_a_later_change_touched_the_same_records(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    pln("edit", "Ana", "--org", "Hillside")
    ids = _history_ids(pln)
    line = fails(pln, dump, 5, "undo", str(ids["pln add 'Ana Ruiz'"]), "--yes")
    edit = ids["pln edit Ana --org Hillside"]
    # a shared book names who made the later change: "change #2 (by alice) changed ..."
    assert re.search(rf"change #{edit}( \(by \w+\))? changed the same records", line)


def test_undo_id_refuses_a_cascade_into_later_work(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    pln("remind", "Ana", "tomorrow", "-m", "Send the quiz bank")  # a row of its own
    ids = _history_ids(pln)
    line = fails(pln, dump, 5, "undo", str(ids["pln add 'Ana Ruiz'"]), "--yes")
    assert "would also remove what change #" in line


@pytest.mark.parametrize(("arg", "code"), [("99", 3), ("abc", 2)])
def test_undo_id_that_is_not_a_change(pln: Any, dump: Dump, arg: str, code: int) -> None:
    pln("add", "Ana Ruiz")
    fails(pln, dump, code, "undo", arg, "--yes")


def test_an_undo_entry_cannot_itself_be_undone_by_id(pln: Any, dump: Dump) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    pln("undo", "--yes")
    undo_id = next(h["id"] for h in pln.json("history") if h["kind"] == "undo")
    line = fails(pln, dump, 2, "undo", str(undo_id), "--yes")
    assert "only changes can be undone" in line


def test_the_default_kind_reads_as_a_note(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    assert "Logged a note with Ana Ruiz (interaction #1)." in pln("log", "Ana", "-m", "x").stderr


# ---------------------------------------------------------------- 5. a year or a month alone


@pytest.mark.parametrize(
    ("typed", "stored", "precision", "shown"),
    [
        ("2019", "2019-01-01", "year", "in 2019"),
        ("sept 2019", "2019-09-01", "month", "in September 2019"),
        ("September 2019", "2019-09-01", "month", "in September 2019"),
        ("2019-09", "2019-09-01", "month", "in September 2019"),
        ("2019-09-14", "2019-09-14", None, "2019-09-14"),
    ],
)
def test_met_on_a_year_or_a_month_is_kept_with_its_precision(
    pln: Any, db_path: Path, typed: str, stored: str, precision: str | None, shown: str
) -> None:
    pln("add", "Ana Ruiz", "--on", typed)
    assert query(db_path, "SELECT met_on, met_on_precision FROM person") == [(stored, precision)]
    doc = pln.json("show", "Ana")
    assert (doc["met_on"], doc["met_on_precision"]) == (stored, precision or "day")
    if precision:
        assert shown in pln("show", "Ana").stdout
    # edit keeps the rule, and a whole day clears the precision
    pln("edit", "Ana", "--on", "2020")
    assert query(db_path, "SELECT met_on, met_on_precision FROM person") == [("2020-01-01", "year")]
    pln("edit", "Ana", "--on", "2021-03-04")
    assert query(db_path, "SELECT met_on, met_on_precision FROM person") == [("2021-03-04", None)]


def test_knows_since_a_year_is_kept_and_shown_as_typed(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("knows", "Ana", "Ben", "--since", "2019")
    assert query(db_path, "SELECT since, since_precision FROM tie") == [("2019-01-01", "year")]
    (row,) = pln.json("knows", "Ana")
    assert (row["since"], row["since_precision"]) == ("2019-01-01", "year")
    assert "2019" in pln("knows", "Ana").stdout
    pln("knows", "Ana", "Ben", "--since", "march 2020")
    assert query(db_path, "SELECT since, since_precision FROM tie") == [("2020-03-01", "month")]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("add", "Ana Ruiz", "--on", "2030"), "in the future"),
        (("add", "Ana Ruiz", "--on", "dec 2026"), "in the future"),
        (("add", "Ana Ruiz", "--on", "2019-13"), "months run from 1 to 12"),
        (("knows", "Ben", "Carla", "--since", "2031"), "in the future"),
    ],
)
def test_a_year_or_month_in_the_future_or_impossible_is_refused(
    pln: Any, dump: Dump, args: tuple[str, ...], words: str
) -> None:
    pln("add", "Ben Okafor", "Carla Diaz")
    line = fails(pln, dump, 2, *args)
    assert words in line


def test_a_year_alone_survives_export_and_restore(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor", "--on", "sept 2019")
    pln("knows", "Ana", "Ben", "--since", "2018")
    out = tmp_path / "book.json"
    pln("export", "-o", str(out))
    other = tmp_path / "other.db"
    pln("--db", str(other), "import", str(out))
    assert query(other, "SELECT met_on_precision FROM person ORDER BY id") == [
        ("month",),
        ("month",),
    ]
    assert query(other, "SELECT since, since_precision FROM tie") == [("2018-01-01", "year")]


def test_a_year_alone_survives_a_csv_round_trip(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--on", "2019")
    pln("add", "Ben Okafor", "--on", "sept 2019")
    pln("add", "Carla Diaz", "--on", "2020-02-03")
    out = tmp_path / "book.csv"
    pln("export", "--format", "csv", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert ",2019," in text
    assert ",2019-09," in text
    other = tmp_path / "other.db"
    pln("--db", str(other), "import", str(out))
    assert query(other, "SELECT name, met_on, met_on_precision FROM person ORDER BY name") == [
        ("Ana Ruiz", "2019-01-01", "year"),
        ("Ben Okafor", "2019-09-01", "month"),
        ("Carla Diaz", "2020-02-03", None),
    ]
