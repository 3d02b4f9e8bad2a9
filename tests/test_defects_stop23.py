"""Small defects found at stop 23 while trying pln as a user, each reproduced through the
real CLI first: what pln says names where a value came from, warns before an introduction
of two people who most likely know each other, and keeps the calendar's events short."""

from pathlib import Path
from typing import Any

import pytest

from helpers import query


def _notes(result: Any) -> list[str]:
    """The import's notes on what was not kept (its summary's indented lines)."""
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  ")]


# ---- 2. an import's note names the option that gave a value, not the file ---------------


@pytest.mark.parametrize("fmt", ["vcard", "csv"])
def test_a_kept_value_an_option_gave_is_said_as_the_options(
    pln: Any, db_path: Path, tmp_path: Path, fmt: str
) -> None:
    """`--circle colleague` meeting a matched person in another circle said "file had
    'colleague'": the file had no circle. The note names the option; a value the file
    itself had is still "file had"."""
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--met-at", "Conf A")
    pln("add", "Ben Okafor", "--circle", "following")
    if fmt == "vcard":
        path = tmp_path / "cards.vcf"
        path.write_text(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nEND:VCARD\r\n",
            encoding="utf-8",
        )
        where = ("card 1", "card 2")
    else:  # the generic CSV, whose met_at column the file fills for Ben
        path = tmp_path / "people.csv"
        path.write_text(
            "name,email,met_at\nAna Ruiz,ana@example.org,\nBen Okafor,,Conf Z\n", encoding="utf-8"
        )
        where = ("line 2", "line 3")
    out = pln("import", str(path), "--circle", "colleague", "--met-at", "Conf B")
    notes = _notes(out)
    assert f"{where[0]}: met_at: kept 'Conf A', --met-at gave 'Conf B'" in notes
    assert f"{where[0]}: circle: kept 'network', --circle gave 'colleague'" in notes
    assert f"{where[1]}: circle: kept 'following', --circle gave 'colleague'" in notes
    assert not [n for n in notes if "file had" in n]
    stored = "SELECT p.name, p.circle, e.name FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
    assert query(db_path, stored + " ORDER BY p.id") == [
        ("Ana Ruiz", "network", "Conf A"),
        ("Ben Okafor", "following", "Conf B"),  # an empty event is filled, by the option
    ]
    # the same in --json, and --dry-run; a value the file itself had is the file's
    if fmt == "csv":
        path.write_text("name,circle\nAna Ruiz,following\n", encoding="utf-8")
        doc = pln.json("import", str(path), "--met-at", "Conf C", "--dry-run")
        whys = {n["field"]: n["why"] for n in doc["notes"]}
        assert whys == {
            "circle": "kept 'network', file had 'following'",
            "met_at": "kept 'Conf A', --met-at gave 'Conf C'",
        }
