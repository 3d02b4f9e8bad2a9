"""Birthdays: typed on add and edit, listed by `pln due --within`, read and written in vCards.

"Today" is 2026-11-23 (conftest.NOW) unless a test pins another day.
"""

import calendar
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import fails, pinned_today, query
from plncli import birthdays, fast
from plncli.due import Birthday, first_due
from plncli.resolve import PersonRef

TODAY = date(2026, 11, 23)


def stored(db_path: Path, name: str) -> Any:
    return query(db_path, "SELECT birthday FROM person WHERE name = ?", name)[0][0]


def due_birthdays(pln: Any, *args: str) -> list[dict[str, Any]]:
    return [i for i in pln.json("due", *args) if i["kind"] == "birthday"]


# ---------------------------------------------------------------- add and edit


@pytest.mark.parametrize(
    ("typed", "kept", "shown"),
    [
        ("1985-11-30", "1985-11-30", "1985-11-30"),
        ("--05-17", "1604-05-17", "--05-17"),  # no year: vCard's form
        ("--0517", "1604-05-17", "--05-17"),
        ("05-17", "1604-05-17", "--05-17"),
        ("02-29", "1604-02-29", "--02-29"),  # 1604 is a leap year: 29 February is kept
        (" 2000-02-29 ", "2000-02-29", "2000-02-29"),
    ],
)
def test_add_keeps_the_birthday_as_typed(
    pln: Any, db_path: Path, typed: str, kept: str, shown: str
) -> None:
    pln("add", "Ana Ruiz", "--birthday", typed)
    assert stored(db_path, "Ana Ruiz") == kept
    assert pln.json("show", "Ana")["birthday"] == shown
    assert f"birthday       {shown}" in pln("show", "Ana").stdout


def test_edit_sets_changes_and_clears_the_birthday(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    assert stored(db_path, "Ana Ruiz") is None
    pln("edit", "Ana", "--birthday", "1985-11-30")
    assert stored(db_path, "Ana Ruiz") == "1985-11-30"
    assert pln.json("edit", "Ana", "--birthday", "--11-30")["birthday"] == "--11-30"
    pln("edit", "Ana", "--org", "Acme")  # another option leaves it alone
    assert stored(db_path, "Ana Ruiz") == "1604-11-30"
    pln("edit", "Ana", "--birthday", "")  # an empty value clears, as for every edit option
    assert stored(db_path, "Ana Ruiz") is None
    assert pln.json("show", "Ana")["birthday"] is None
    pln("add", "Ben Okafor", "--birthday", "")  # in add, empty is not giving it
    assert stored(db_path, "Ben Okafor") is None


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1985-02-30", "'1985-02-30' is not a day of the calendar"),
        ("--13-01", "'--13-01' is not a day of the calendar"),
        ("30 November 1985", "'30 November 1985' is not a birthday"),
        ("1985/11/30", "'1985/11/30' is not a birthday"),
        ("0517", "'0517' is not a birthday"),
        ("2026-11-24", "'2026-11-24' is in the future: a birthday is today or earlier"),
    ],
)
def test_a_birthday_that_is_not_one_is_refused(pln: Any, dump: Any, typed: str, says: str) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30")
    line = fails(pln, dump, 2, "edit", "Ana", "--birthday", typed)
    assert line == f"error: --birthday: {says}"
    fails(pln, dump, 2, "add", "Ben Okafor", "--birthday", typed)


# ---------------------------------------------------------------- pln due


def test_due_within_lists_upcoming_birthdays_as_their_own_kind(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30", "--circle", "following")
    pln("add", "Ben Okafor", "--birthday", "--12-07", "--circle", "following")
    pln("add", "Carla Diaz", "--birthday", "1990-12-08", "--circle", "following")  # day 15
    pln("add", "Dee Mann", "--birthday", "1970-11-22", "--circle", "following")  # yesterday
    pln("add", "Eve Stone", "--birthday", "2001-11-23", "--circle", "following")  # today
    assert pln.json("due") == []  # plain `pln due`: no birthdays
    assert "Nothing due" in pln("due").stdout
    items = pln.json("due", "--within", "14d")
    assert items == [
        {
            "kind": "birthday",
            "person": {"id": 5, "name": "Eve Stone"},
            "due": "2026-11-23",
            "days_overdue": 0,
            "reason": "birthday: turns 25",
            "followup_id": None,
            "birthday": "2001-11-23",
            "turns": 25,
        },
        {
            "kind": "birthday",
            "person": {"id": 1, "name": "Ana Ruiz"},
            "due": "2026-11-30",
            "days_overdue": -7,
            "reason": "birthday: turns 41",
            "followup_id": None,
            "birthday": "1985-11-30",
            "turns": 41,
        },
        {
            "kind": "birthday",
            "person": {"id": 2, "name": "Ben Okafor"},
            "due": "2026-12-07",
            "days_overdue": -14,
            "reason": "birthday",
            "followup_id": None,
            "birthday": "--12-07",
            "turns": None,
        },
    ]
    table = pln("due", "--within", "14d").stdout.splitlines()
    assert table[1].split() == ["birthday", "Eve", "Stone", "today", "birthday:", "turns", "25"]
    assert table[3].split()[:4] == ["birthday", "Ben", "Okafor", "in"]
    # a year ahead: Dee's is next year's (a birthday is never overdue)
    dee = [i for i in due_birthdays(pln, "--within", "1y") if i["person"]["name"] == "Dee Mann"]
    assert (dee[0]["due"], dee[0]["turns"]) == ("2027-11-22", 57)
    # archived people and --circle/--topic filters apply as to everything due
    pln("archive", "Ana")
    assert "Ana Ruiz" not in pln("due", "--within", "14d").stdout
    assert due_birthdays(pln, "--within", "14d", "--circle", "colleague") == []


def test_29_february_falls_on_28_february_in_a_common_year(pln: Any) -> None:
    pln("add", "Leap Baby", "--birthday", "2000-02-29", "--circle", "following")
    pln("add", "No Year", "--birthday", "--02-29", "--circle", "following")
    with pinned_today(date(2027, 2, 20)):
        items = due_birthdays(pln, "--within", "14d")
        assert [(i["due"], i["turns"]) for i in items] == [("2027-02-28", 27), ("2027-02-28", None)]
    with pinned_today(date(2027, 2, 28)):
        assert [i["days_overdue"] for i in due_birthdays(pln, "--within", "1d")] == [0, 0]
    with pinned_today(date(2027, 3, 1)):  # past: the next is in 2028, a leap year
        assert due_birthdays(pln, "--within", "1d") == []
        assert {i["due"] for i in due_birthdays(pln, "--within", "1y")} == {"2028-02-29"}
    with pinned_today(date(2028, 2, 28)):  # in a leap year the 29th, not the 28th
        assert {i["due"] for i in due_birthdays(pln, "--within", "1d")} == {"2028-02-29"}


def test_the_config_switch(pln: Any, env_setup: Path) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-23", "--circle", "following")
    config = env_setup / "config.toml"
    config.write_text('birthdays = "always"\n')  # plain `pln due` too (today's)
    assert [i["kind"] for i in pln.json("due")] == ["birthday"]
    config.write_text('birthdays = "never"\n')
    assert pln.json("due", "--within", "1y") == []
    config.write_text('birthdays = "within"\n')  # the default, said
    assert pln.json("due") == []
    assert len(due_birthdays(pln, "--within", "1w")) == 1
    config.write_text("birthdays = true\n")
    result = pln("due", code=2)
    assert result.stderr.splitlines()[0] == (
        "error: config.toml: birthdays must be 'within', 'always', 'never', not True"
    )


def test_the_fast_path_lists_birthdays_as_typer_does(pln: Any, capsys: Any) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30", "--circle", "following")
    pln("add", "Ben Okafor", "--birthday", "--11-24")
    for argv in (["due", "--within", "14d"], ["due", "--within=2w", "--json"], ["due"]):
        assert fast.run(argv) == 0
        got = capsys.readouterr()
        assert got.out == pln(*argv).stdout
    assert "Ben Okafor" in pln("due", "--within", "14d").stdout


@pytest.mark.slow
@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's file")
def test_pln_due_with_birthdays_loads_no_heavy_module(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30")
    code = (
        "import sys; from plncli.fast import run; run(['due', '--within', '14d']);"
        "heavy = ('typer', 'click', 'rich', 'sqlmodel', 'vobject', 'icalendar', 'json');"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert "Ana Ruiz" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------- the rule itself


@given(
    born=st.dates(date(1604, 1, 1), date(2026, 11, 23)),
    today=st.dates(date(1900, 1, 1), date(2999, 12, 31)),
    window=st.integers(0, 400),
)
def test_a_birthday_is_listed_on_its_next_day_within_the_window(
    born: date, today: date, window: int
) -> None:
    horizon = today + timedelta(days=window)
    items, _ = first_due(
        [],
        [],
        today=today,
        horizon=horizon,
        cadences={},
        first_contact_days=3,
        birthdays=[Birthday(PersonRef(1, "Ana"), born)],
    )
    # the oracle: the first day on or after today with the birthday's month and day, or
    # 28 February in a year that has no 29th
    day = today
    while not (
        (day.month, day.day) == (born.month, born.day)
        or (
            (born.month, born.day) == (2, 29)
            and (day.month, day.day) == (2, 28)
            and not calendar.isleap(day.year)
        )
    ):
        day += timedelta(days=1)
    if day > horizon:
        assert items == []
        return
    [item] = items
    assert (item.kind, item.due, item.days_overdue) == ("birthday", day, (today - day).days)
    age = birthdays.turns(born, day)
    assert item.reason == ("birthday" if age is None else f"birthday: turns {age}")
    # and the book narrows by the same days (month_days), never leaving one out
    days = birthdays.month_days(today, horizon)
    assert days is None or f"{born:%m-%d}" in days


# ---------------------------------------------------------------- vCards


def test_a_vcard_birthday_with_no_year_is_kept_and_written_back(
    pln: Any, tmp_path: Path, db_path: Path
) -> None:
    card = tmp_path / "cards.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Ruiz\r\nBDAY:--0517\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nBDAY:--05-18\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Apple Person\r\n"
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-19\r\nEND:VCARD\r\n"
    )
    doc = pln.json("import", str(card))
    assert [n for n in doc["notes"] if n["field"] == "BDAY"] == []
    assert stored(db_path, "Ana Ruiz") == "1604-05-17"
    assert pln.json("show", "Ben")["birthday"] == "--05-18"
    assert pln.json("show", "Apple")["birthday"] == "--05-19"
    exported = pln("export", "--format", "vcard").stdout
    assert "BDAY:--0517\n" in exported
    assert "BDAY:--0519\n" in exported
    pln("edit", "Ana", "--birthday", "1985-05-17")
    assert "BDAY:19850517\n" in pln("export", "--format", "vcard").stdout
