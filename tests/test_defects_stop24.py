"""Small defects found at stop 24 by a user and an adversary, each reproduced through the
real CLI first: an edit that changes nothing says so, values that are not what their field
means are refused (or, from a file, left out and said), a one-pair introduction command
warns as `pln introduce A B` does, and `pln import --encoding` takes only text encodings.

Every test that takes the ``pln`` fixture runs on SQLite and on a shared book (PostgreSQL)
when PLN_TEST_PG names a server (tests/conftest.py)."""

from pathlib import Path
from typing import Any

import pytest

from helpers import query

ATTRS = "SELECT kind, value FROM person_attr ORDER BY id"


def _history(db_path: Path) -> list[tuple[Any, ...]]:
    return query(db_path, "SELECT command FROM change_log ORDER BY id")


# ---- 1. `pln edit --add-*` of a value the person has already -------------------------------


@pytest.mark.parametrize(
    ("option", "stored", "typed"),
    [
        ("topic", "Café", "cafe"),
        ("offers", "Retrieval practice", "retrieval  PRACTICE"),
        ("seeks", "Y7 transitions", "y7 transition"),
        ("email", "Ana@Example.org", "ana@example.org"),
        ("phone", "+44 20 7946 0000", "+442079460000"),
        ("link", "https://ana.example.org", "HTTPS://ANA.example.org"),
        ("role-tag", "Mentor", "mentor"),
    ],
)
def test_adding_a_value_the_person_has_says_so_and_changes_nothing(
    pln: Any, db_path: Path, option: str, stored: str, typed: str
) -> None:
    """`pln edit Ana --add-topic cafe` when Ana has "Café" printed "Updated" and changed
    nothing (but the time of the change, a history entry). It now says nothing changed,
    and why, in the words of `pln add`'s note for a value given twice; exit 0, as every
    other no-op (`pln group add` of a member, `pln resource add` of a known one)."""
    pln("add", "Ana Ruiz", f"--{option}", stored)
    before = query(db_path, "SELECT * FROM person"), query(db_path, ATTRS), _history(db_path)
    out = pln("edit", "Ana", f"--add-{option}", typed)
    assert out.stderr.splitlines() == [
        "Nothing changed: Ana Ruiz (#1) already has what was given.",
        f"note: --add-{option} {typed!r} is already there as {stored!r}: kept as it was",
    ]
    assert "Updated" not in out.stderr + out.stdout
    after = query(db_path, "SELECT * FROM person"), query(db_path, ATTRS), _history(db_path)
    assert after == before  # not even updated_at, and no entry in `pln history`
    # the very same value: said in fewer words
    out = pln("edit", "Ana", f"--add-{option}", stored)
    assert (
        out.stderr.splitlines()[1]
        == f"note: --add-{option} {stored!r} is already there: nothing added"
    )


def test_a_value_already_there_beside_a_real_change_is_noted(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--topic", "Café", "--org", "Hillside")
    out = pln("edit", "Ana", "--add-topic", "cafe", "--add-topic", "oracy")
    assert out.stderr.splitlines() == [
        "Updated Ana Ruiz (#1).",
        "note: --add-topic 'cafe' is already there as 'Café': kept as it was",
    ]
    assert query(db_path, ATTRS) == [("topic", "Café"), ("topic", "oracy")]
    # a scalar set to what it holds, a list replaced by the same list: nothing changed
    entries = len(_history(db_path))
    out = pln("edit", "Ana", "--org", "Hillside", "--topic", "Café", "--topic", "oracy")
    assert out.stderr == "Nothing changed: Ana Ruiz (#1) already has what was given.\n"
    assert len(_history(db_path)) == entries
    out = pln("edit", "Ana", "--org", "Hillside Trust")
    assert out.stderr == "Updated Ana Ruiz (#1).\n"
    assert query(db_path, "SELECT org FROM person") == [("Hillside Trust",)]


def test_removing_by_another_spelling_names_what_was_removed(pln: Any, db_path: Path) -> None:
    """`--remove-topic CAFE` removes "Café" (the folded key matches): it now says which
    stored value went, rather than a bare "Updated"."""
    pln("add", "Ana Ruiz", "--topic", "Café", "--email", "Ana@Example.org")
    out = pln("edit", "Ana", "--remove-topic", "CAFE", "--remove-email", "ana@example.org")
    assert out.stderr.splitlines() == [
        "Updated Ana Ruiz (#1).",
        "note: --remove-email 'ana@example.org' removed 'Ana@Example.org'",
        "note: --remove-topic 'CAFE' removed 'Café'",
    ]
    assert query(db_path, ATTRS) == []
    pln("edit", "Ana", "--add-topic", "oracy")
    out = pln("edit", "Ana", "--remove-topic", "oracy")
    assert out.stderr == "Updated Ana Ruiz (#1).\n"  # the same spelling: nothing more to say
