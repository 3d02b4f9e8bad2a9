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


# ---- 3. the calendar feed's events say each thing once ---------------------------------


def _feed(pln: Any, tmp_path: Path) -> dict[str, tuple[str, str | None]]:
    """The feed's events as a calendar shows them: UID -> (SUMMARY, DESCRIPTION or None)."""
    from icalendar import Calendar

    path = tmp_path / "due.ics"
    pln("export", "--format", "ics", "-o", str(path), "--force")
    cal = Calendar.from_ical(path.read_bytes())
    return {
        str(e["UID"]): (str(e["SUMMARY"]), str(e["DESCRIPTION"]) if "DESCRIPTION" in e else None)
        for e in cal.walk("VEVENT")
    }


def test_calendar_events_say_each_thing_once(pln: Any, tmp_path: Path) -> None:
    """A reading was "Reading: Book club — group reading: Making Good Progress?" with the
    description "group reading: Making Good Progress?"; a follow-up's description was its
    note again, and pln's own notes said "follow up" twice ("Follow up: Ana — First
    follow-up"). Each event now says a thing once, and its description what the summary
    does not: the resource's URL, the follow-up's number and how to close it."""
    pln("add", "Ana Ruiz", "Ben Okafor", "--follow-up", "in 3 days", "--circle", "following")
    pln("group", "add", "Book club", "Ana", "Ben")
    pln("resource", "add", "https://example.org/mgp", "--title", "Making Good Progress?")
    pln("resource", "add", "Oracy in science", "--kind", "book")
    pln("group", "read", "Book club", "making", "--by", "dec 3")
    pln("group", "read", "Book club", "oracy", "--by", "dec 4")
    pln("remind", "Ana", "dec 5", "-m", "Send the quiz bank")
    pln("remind", "Ben", "friday", "-m", "Weekly chase", "--every", "weekly")
    pln("log", "Ben", "-m", "Coffee", "--on", "yesterday", "--follow-up", "dec 8")
    events = sorted(_feed(pln, tmp_path).values())
    assert events == [
        ("Ana Ruiz — First follow-up", "follow-up #1: pln done 1 when it is done"),
        ("Ben Okafor — Follow up on: Coffee", "follow-up #5: pln done 5 when it is done"),
        ("Follow up: Ana Ruiz — Send the quiz bank", "follow-up #3: pln done 3 when it is done"),
        (
            "Follow up: Ben Okafor — Weekly chase",
            "weekly; follow-up #4: pln done 4 when it is done",
        ),
        ("Reading: Book club — Making Good Progress?", "https://example.org/mgp"),
        ("Reading: Book club — Oracy in science", None),  # no URL: nothing more to say
    ]
    for summary, description in events:  # no word said twice in a row, nor the summary again
        assert summary.lower().count("reading") <= 1
        assert summary.lower().replace("-", " ").count("follow up") <= 1
        assert description is None or description not in summary
