"""Defects found at stop 27, by using pln as a user and attacking it as an adversary.

`pln merge KEEP OTHER`:
- put one meeting together from two records: KEEP's day (`pln add` dates a meeting
  today) with OTHER's event ("met BETT 2026-11-29 (today)" for someone met at BETT in
  September 2019), and lost the month OTHER's day was known to;
- kept KEEP's organisation, circle and the rest without a word of OTHER's other values;
- named columns in its plan ("fills birthday, met_at_id");
- left a person introduced by themselves when one record had introduced the other.
"""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import change


def export_doc(pln: Any) -> dict[str, Any]:
    """`pln export --format json` parsed, without `exported_at`."""
    doc = json.loads(pln("export", "--format", "json").stdout)
    doc.pop("exported_at")
    return doc  # type: ignore[no-any-return]


def _meeting(pln: Any, who: str) -> tuple[Any, ...]:
    p = pln.json("show", who)
    return (p["met_at"], p["met_on"], p["met_on_precision"])


def test_the_meeting_moves_whole_and_the_plan_says_what_it_keeps(pln: Any) -> None:
    pln("add", "Bea Tran", "--org", "Northfield", "--circle", "colleague")
    pln(
        "add", "Bea Tran", "--allow-duplicate", "--org", "Hillside", "--met-at", "BETT",
        "--on", "sept 2019", "--birthday", "--03-14", "--every", "2w",
    )  # fmt: skip
    before = export_doc(pln)
    result = pln("merge", "#1", "#2", "--yes")
    assert result.stderr.splitlines()[0] == (
        "Merge Bea Tran (#2) into Bea Tran (#1): 0 interactions, 0 follow-ups, 0 ties,"
        " 0 groups, 0 introductions move; 0 values added; fills birthday, keep in touch;"
        " keeps its org Northfield (not Hillside) and its circle colleague (not network);"
        " takes #2's meeting BETT, September 2019 (not 2026-11-23); then Bea Tran (#2) is"
        " archived."
    )
    assert _meeting(pln, "#1") == ("BETT", "2019-09-01", "month")
    shown = pln("show", "#1").stdout
    assert "BETT in September 2019" in shown
    assert "today" not in shown
    keep = pln.json("show", "#1")
    assert (keep["org"], keep["circle"], keep["birthday"]) == ("Northfield", "colleague", "--03-14")
    pln("undo", "--yes")
    assert export_doc(pln) == before


def test_an_event_keep_names_is_kept_with_its_day_and_said(pln: Any) -> None:
    pln("add", "Cal Wu", "--met-at", "ResearchEd", "--on", "2026-03-07")
    pln("add", "Cal Wu", "--allow-duplicate", "--met-at", "BETT", "--on", "2019")
    result = pln("merge", "#1", "#2", "--yes")
    assert "; keeps its meeting ResearchEd, 2026-03-07 (not BETT, 2019);" in result.stderr
    assert _meeting(pln, "#1") == ("ResearchEd", "2026-03-07", "day")


def test_without_events_the_earlier_day_is_kept_with_its_precision(pln: Any) -> None:
    pln("add", "Dee Roy")  # met today, as far as pln was told
    pln("add", "Dee Roy", "--allow-duplicate", "--on", "2019-05-10")
    pln("add", "Eli Fox", "--on", "2019-05-10")
    pln("add", "Eli Fox", "--allow-duplicate", "--on", "2019")  # the year only: ends later
    first = pln("merge", "#1", "#2", "--yes")
    assert "; takes #2's meeting 2019-05-10 (not 2026-11-23);" in first.stderr
    assert _meeting(pln, "#1") == (None, "2019-05-10", "day")
    second = pln("merge", "#3", "#4", "--yes")
    assert "; keeps its meeting 2019-05-10 (not 2019);" in second.stderr
    assert _meeting(pln, "#3") == (None, "2019-05-10", "day")


def test_a_keep_without_a_meeting_is_filled_whole(pln: Any, db_path: Path) -> None:
    pln("add", "Fay Lee")
    pln("add", "Fay Lee", "--allow-duplicate", "--met-at", "BETT", "--on", "2024")
    change(db_path, "UPDATE person SET met_on = NULL WHERE id = 1")  # a restored book
    result = pln("merge", "#1", "#2", "--yes")
    assert "; fills meeting;" in result.stderr
    assert _meeting(pln, "#1") == ("BETT", "2024-01-01", "year")


def test_an_introducer_the_plan_fills_is_kept(pln: Any) -> None:
    # Ana was introduced by Bea, Bea by Xavi: merging Bea into Ana said "fills introduced
    # by", and then left Ana introduced by no one
    pln("add", "Xavi Cruz")
    pln("add", "Bea Ode", "--introduced-by", "Xavi Cruz")
    pln("add", "Ana Ruiz", "--introduced-by", "Bea Ode")
    result = pln("merge", "Ana Ruiz", "Bea Ode", "--yes")
    assert "; fills introduced by;" in result.stderr
    assert "; no longer introduced by Bea Ode (#2);" in result.stderr
    assert pln.json("show", "Ana")["introduced_by"] == {"id": 1, "name": "Xavi Cruz"}


def test_the_day_of_an_event_both_records_name_is_taken(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--met-at", "BETT")
    pln("edit", "Ana Ruiz", "--on", "")
    pln("add", "Ana R", "--met-at", "BETT", "--on", "sept 2019", "--allow-duplicate")
    result = pln("merge", "Ana Ruiz", "Ana R", "--yes")
    assert "; fills day met;" in result.stderr
    assert _meeting(pln, "#1") == ("BETT", "2019-09-01", "month")


@pytest.mark.parametrize(("keep", "other"), [("Cai Li", "Cai Lee"), ("Cai Lee", "Cai Li")])
def test_no_one_is_left_introduced_by_themselves(pln: Any, keep: str, other: str) -> None:
    pln("add", "Cai Li")
    pln("add", "Cai Lee", "--introduced-by", "Cai Li")
    result = pln("merge", keep, other, "--yes")
    assert pln.json("show", keep)["introduced_by"] is None
    said = "; no longer introduced by Cai Li (#1);" in result.stderr
    assert said == (keep == "Cai Lee")
    assert "fills introduced by" not in result.stderr


MEETINGS = st.tuples(
    st.sampled_from([None, "BETT", "ResearchEd"]),
    # None: no day known (`pln edit --on ""`, or a restored book)
    st.sampled_from([None, "2019", "sept 2019", "2019-09-12", "2026-11-20", "2026"]),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keep=MEETINGS, other=MEETINGS)
def test_a_merged_meeting_is_one_of_the_two_whole(
    pln: Any,
    db_path: Path,
    keep: tuple[str | None, str | None],
    other: tuple[str | None, str | None],
) -> None:
    name = f"Gil Moss {next(_EXAMPLES)}"  # one book for all examples: new people each
    ids = []
    for event, on in (keep, other):
        args = ["--met-at", event] * bool(event) + ["--on", on] * bool(on)
        [added] = pln.json("add", name, "--allow-duplicate", *args)
        ids.append(added["id"])
        if on is None:
            pln("edit", f"#{added['id']}", "--on", "")
    meetings = [_meeting(pln, f"#{i}") for i in ids]
    pln("merge", f"#{ids[0]}", f"#{ids[1]}", "--yes")
    merged = _meeting(pln, f"#{ids[0]}")
    # never KEEP's day with OTHER's event: one of the two whole, or KEEP's event without a
    # day given OTHER's day of that same event
    same_event = merged[0] == meetings[0][0] == meetings[1][0] and meetings[0][1] is None
    assert merged in meetings or (same_event and merged[1:] == meetings[1][1:])
    if meetings[0][0] is not None:  # an event KEEP names is kept (with OTHER's day of it)
        assert merged[0] == meetings[0][0]


_EXAMPLES = itertools.count()


def test_an_import_fills_an_empty_meeting_whole_and_says_the_day_it_replaces(
    pln: Any, tmp_path: Path
) -> None:
    pln("add", "Bea Tran")  # met today, as far as pln was told
    pln("add", "Cal Wu", "--met-at", "ResearchEd", "--on", "2026-03-07")
    old = tmp_path / "old.csv"
    old.write_text(
        "name,met_at,met_on\nBea Tran,BETT,2019-09\nCal Wu,BETT,2019-09\n", encoding="utf-8"
    )
    dry = pln("import", str(old), "--dry-run")
    done = pln("import", str(old))
    for result in (dry, done):
        assert (
            "line 2: met_on: September 2019 from the file, with its event 'BETT';"
            " the book had 2026-11-23"
        ) in result.stderr
        assert "line 3: met_at: kept 'ResearchEd', file had 'BETT'" in result.stderr
        assert "line 3: met_on: kept 2026-03-07, file had September 2019" in result.stderr
    assert _meeting(pln, "Bea") == ("BETT", "2019-09-01", "month")
    assert _meeting(pln, "Cal") == ("ResearchEd", "2026-03-07", "day")  # an event named stays


def test_a_row_with_the_persons_uid_fills_an_empty_meeting_whole(pln: Any, tmp_path: Path) -> None:
    pln("add", "Uma Das")
    out = tmp_path / "book.csv"
    pln("export", "--format", "csv", "-o", str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("met_at")], row[header.index("met_on")] = "ResearchEd 2019", "2019-09-14"
    out.write_text("\n".join([lines[0], ",".join(row)]) + "\n", encoding="utf-8")
    result = pln("import", str(out))
    assert (
        "met_on: 2019-09-14 from the file, with its event 'ResearchEd 2019';"
        " the book had 2026-11-23"
    ) in result.stderr
    assert _meeting(pln, "Uma") == ("ResearchEd 2019", "2019-09-14", "day")


def test_a_day_before_the_year_1000_is_stored_as_an_instant(pln: Any, tmp_path: Path) -> None:
    # the year 226 was written "226-11-01 12:00:00": `pln show` and `pln kinds` then failed
    # with an internal error, and the book's JSON export could not be restored
    pln("add", "Tess Typo")
    pln("log", "Tess", "-m", "coffee", "--on", "0226-11-01")
    # the year in four digits (noon of that day here may be the day before in UTC: in the
    # year 226, Pago Pago kept its own local mean time, 12:37 ahead of UTC)
    assert pln.json("show", "Tess")["interactions"][0]["at"][:5] == "0226-"
    pln("kinds")
    backup = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(backup))
    pln("--db", str(tmp_path / "restored.db"), "import", str(backup))
    restored = pln.json("--db", str(tmp_path / "restored.db"), "show", "Tess")
    assert restored["interactions"] == pln.json("show", "Tess")["interactions"]


def test_the_calendars_first_day_is_a_clear_error(pln: Any) -> None:
    # in a zone west of UTC, noon on 1 January of the year 1 is in the year 0 in UTC: the
    # moment could not be made, and pln said "internal error" (exit 1)
    pln("add", "Tess Typo")
    result = pln("log", "Tess", "-m", "t", "--on", "0001-01-01", code=2)
    assert result.stderr.splitlines()[0].startswith("error: --on: '0001-01-01' is ")
    assert "internal error" not in result.stderr


def test_merged_notes_stay_within_what_a_restore_reads(pln: Any, tmp_path: Path, dump: Any) -> None:
    # two records of 9,000 characters of notes made one of 18,001: the book's own JSON
    # backup (and its CSV and vCards) then refused to restore
    pln("add", "Big One", "--note", "n" * 9000, "--email", "a@example.org")
    pln("add", "Big Two", "--note", "m" * 9000, "--email", "b@example.org")
    pln("add", "Cy Ray", "--note", "short")
    pln("add", "Cy Ray", "--allow-duplicate", "--note", "other")
    big = pln("merge", "#1", "#2", "--yes")
    assert "; #2's notes stay with #2: together they would pass 10,000 characters;" in big.stderr
    assert pln.json("show", "#1")["notes"] == "n" * 9000
    assert pln.json("show", "#2")["notes"].startswith("m" * 9000 + "\nmerged into #1 on ")
    small = pln("merge", "#3", "#4", "--yes")
    assert "; #4's notes go after #3's;" in small.stderr
    assert pln.json("show", "#3")["notes"] == "short\nother"
    backup = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(backup))
    pln("--db", str(tmp_path / "restored.db"), "import", str(backup))
    # no room in OTHER's notes for the line that marks it merged: refused, nothing changed
    pln("add", "Long One", "--note", "l" * 9990)
    pln("add", "Long Two", "--allow-duplicate")
    before = dump()
    result = pln("merge", "#6", "#5", "--yes", code=2)
    assert result.stderr.splitlines()[0] == (
        "error: the notes of #5 are 9,990 characters: the line that marks it merged would take"
        " them past 10,000"
    )
    assert dump() == before


def test_an_introduction_made_keeps_notes_within_what_a_restore_reads(
    pln: Any, tmp_path: Path
) -> None:
    pln("add", "Long One", "--note", "l" * 9990)
    pln("add", "Ana Ruiz", "--note", "met at BETT")
    pln("introduce", "Long One", "Ana Ruiz")
    result = pln("intro", "made", "Long One", "Ana Ruiz")
    assert (
        "Note: the line of this introduction is not added to Long One's notes: they would pass"
        " 10,000 characters (the timeline has it)."
    ) in result.stderr
    assert pln.json("show", "Long One")["notes"] == "l" * 9990
    assert pln.json("show", "Ana")["notes"].startswith("met at BETT\n2026-11-23: you introduced")
    assert pln.json("show", "Long One")["interactions"][0]["kind"] == "introduction"
    backup = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(backup))
    pln("--db", str(tmp_path / "restored.db"), "import", str(backup))


def test_an_import_says_the_name_it_keeps_and_skips_what_brings_nothing(
    pln: Any, tmp_path: Path
) -> None:
    pln("add", "Jane Doe", "--email", "jane@example.org")
    history = pln.json("history")
    rows = tmp_path / "rows.csv"
    rows.write_text("name,email\nJane Smith-Doe,jane@example.org\n", encoding="utf-8")
    done = pln("import", str(rows))
    # matched by email: the name differs, and nothing else is new
    assert "line 2: name: kept 'Jane Doe', file had 'Jane Smith-Doe'" in done.stderr
    assert "merged into people already in the book: 0, skipped: 1" in done.stderr
    assert pln.json("history") == history  # nothing written, no undo step for nothing


def test_namesakes_with_other_linkedin_profiles_stay_two_people(pln: Any, tmp_path: Path) -> None:
    head = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    rows = [
        "Priya,Natarajan,https://www.linkedin.com/in/priya-n,,Riverside Trust,Head,14 Mar 2024",
        "Priya,Natarajan,https://www.linkedin.com/in/priya-2,,Hillside School,Maths,01 Jan 2022",
    ]
    export = tmp_path / "Connections.csv"
    export.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    first = pln("import", str(export), "--format", "linkedin")
    assert (
        "line 3: name: another person than Priya Natarajan (line 2): the same name, another"
        " LinkedIn profile; added as a new person"
    ) in first.stderr
    people = pln.json("list")
    assert sorted(p["org"] for p in people) == ["Hillside School", "Riverside Trust"]
    # again: each row is the one with its profile, and brings nothing new
    again = pln("import", str(export), "--format", "linkedin")
    assert "merged into people already in the book: 0, skipped: 2" in again.stderr
    assert "another person" not in again.stderr
    # a third row of that name and a profile the book holds merges into that one
    third = tmp_path / "more.csv"
    third.write_text(head + rows[1].replace("Maths", "Head of Maths") + "\n", encoding="utf-8")
    more = pln("import", str(third), "--format", "linkedin")
    assert "role: kept 'Maths', file had 'Head of Maths'" in more.stderr
    assert len(pln.json("list")) == 2


def test_a_quote_apple_and_google_escape_is_a_quote(pln: Any, tmp_path: Path) -> None:
    card = tmp_path / "quote.vcf"
    card.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
        b'NOTE:provided \\"AS IS\\"\\, with no warranty\r\nEND:VCARD\r\n'
    )
    pln("import", str(card))
    assert pln.json("show", "Ana")["notes"] == 'provided "AS IS", with no warranty'


def test_a_dry_run_says_what_the_import_would_do_into_a_new_or_a_full_book(
    pln: Any, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("name\nAna Ruiz\n", encoding="utf-8")
    new = tmp_path / "new.db"
    preview = pln("--db", str(new), "import", str(rows), "--dry-run")
    assert "Would add 1 person" in preview.stderr
    assert f"There is no {new} yet: the import would create it." in preview.stderr
    assert not new.exists()
    # a pln JSON export restores into an empty book only: its dry run says so as the import
    pln("add", "Ben Okafor")
    backup = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(backup))
    for args in (("--dry-run",), ()):
        refused = pln("import", str(backup), *args, code=5)
        assert refused.stderr.startswith("error: a pln JSON export restores a whole book")
    assert (
        "Would restore 1 person" in pln("--db", str(new), "import", str(backup), "--dry-run").stderr
    )
    bad = tmp_path / "bad.json"
    bad.write_text('{"pln_export": 1, "tables": {', encoding="utf-8")
    broken = pln("import", str(bad), "--format", "json", code=2)
    assert broken.stderr.splitlines()[1] == (
        "hint: give a file `pln export --format json` wrote, or --format to say what it is"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("log", "Ana", "-m", "first part", "-m", "second part"), "-m was given twice"),
        (("log", "Ana", "-m", "x", "--message=y"), "-m/--message was given twice"),
        (("log", "Ana", "-mhello", "-m", "bye"), "-m was given twice"),
        (("log", "Ana", "--kind", "call", "--kind", "coffee", "-m", "hi"), "--kind was given"),
        (("add", "Bo Li", "--org", "A", "--org", "B"), "--org was given twice ('A', then 'B')"),
        (("edit", "Ana", "--note", "one", "--note", "two"), "--note was given twice"),
        (("--db", "a.db", "--db", "b.db", "add", "Bo Li"), "--db was given twice"),
    ],
)
def test_an_option_given_twice_with_two_values_is_refused(
    pln: Any, dump: Any, args: tuple[str, ...], said: str
) -> None:
    # Click kept the last value and dropped the first without a word: `-m "first part"`
    # was lost, and a second --db wrote to another book than the first named
    pln("add", "Ana Ruiz")
    before = dump()
    result = pln(*args, code=2)
    first, hint = result.stderr.splitlines()
    assert first.startswith(f"error: {said}")
    assert hint.startswith("hint: give ")
    assert dump() == before


def test_an_option_given_twice_with_one_value_is_no_loss(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--org", "Hillside", "--org", "Hillside")
    pln("log", "Ana", "-m", "same", "--message", "same")
    assert pln.json("show", "Ana")["interactions"][0]["note"] == "same"
    # a value that looks like an option is the option's value, not the option again
    pln("log", "Ana", "-m", "-m", "--kind", "call")
    assert pln.json("show", "Ana")["interactions"][0]["note"] == "-m"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--add-topic", "z", "--remove-topic", "z"), "--add-topic and --remove-topic both name"),
        (("--add-topic", "A", "--remove-topic", "a"), "--add-topic and --remove-topic both name"),
        (("--topic", "a", "--topic", "b", "--remove-topic", "a"), "--topic and --remove-topic"),
    ],
)
def test_a_value_both_given_and_removed_is_refused(
    pln: Any, dump: Any, args: tuple[str, ...], said: str
) -> None:
    # `--add-topic a --remove-topic a` said "Updated" and removed the topic Carla had
    pln("add", "Carla Diaz", "--topic", "a")
    before = dump()
    result = pln("edit", "Carla", *args, code=2)
    assert result.stderr.startswith(f"error: {said}")
    assert dump() == before


def test_an_empty_on_clears_the_day_met(pln: Any) -> None:
    # `--on ""` said "Nothing changed: ... already has what was given", which was not so
    pln("add", "Carla Diaz", "--on", "2019")
    result = pln("edit", "Carla", "--on", "")
    assert result.stderr == "Updated Carla Diaz (#1).\n"
    shown = pln.json("show", "Carla")
    assert (shown["met_on"], shown["met_on_precision"]) == (None, None)
    assert pln("edit", "Carla", "--on", "").stderr.startswith("Nothing changed")


def test_the_calendar_feed_holds_a_follow_up_however_far(pln: Any) -> None:
    # a follow-up more than a year away was left out of the feed without a word
    pln("add", "Ana Ruiz")
    pln("remind", "Ana", "2028-02-29", "-m", "far")
    pln("remind", "Ana", "next friday", "-m", "near")
    feed = pln("export", "--format", "ics").stdout
    assert "DTSTART;VALUE=DATE:20280229" in feed
    assert "DTSTART;VALUE=DATE:20261127" in feed


def test_list_met_at_names_the_event_as_every_event_argument_does(pln: Any) -> None:
    # `--met-at researchED` listed no one ("No one matches.", exit 0), as did an event
    # that does not exist; `pln event show researched` found it
    pln("add", "Ana Ruiz", "Ben Okafor", "--met-at", "researchED 2026")
    pln("add", "Cy Ray", "--met-at", "BETT 2026")
    for event in ("researchED", "#1", "researched 2026"):
        assert [p["name"] for p in pln.json("list", "--met-at", event)] == [
            "Ana Ruiz",
            "Ben Okafor",
        ]
    guessed = pln("list", "--met-at", "researchEd 2O26")
    assert "taking 'researchEd 2O26' to mean researchED 2026 (#1)" in guessed.stderr
    assert pln("list", "--met-at", "Nope", code=3).stderr.startswith(
        "error: no event matches 'Nope'"
    )
    assert "matches 2 events" in pln("list", "--met-at", "2026", code=4).stderr


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ana Ruiz", ("Ruiz", "Ana", "", "")),
        ("John Doe III", ("Doe", "John", "", "III")),
        ("Sammy Davis Jr.", ("Davis", "Sammy", "", "Jr.")),
        ("Anke de Vries", ("de Vries", "Anke", "", "")),
        ("Ana María de la Cruz", ("de la Cruz", "Ana María", "", "")),
        ("Dr. Jane Smith", ("Smith", "Jane", "Dr.", "")),
        ("Madonna", ("Madonna", "", "", "")),
        ("Acme Inc.", ("Acme Inc.", "", "", "")),
    ],
)
def test_the_vcard_name_is_split_where_phones_sort_it(
    name: str, parts: tuple[str, str, str, str]
) -> None:
    # the last word was the family name: "III", "Jr." and "Vries" sorted people in phones
    from plncli.formats.export import structured_name

    assert structured_name(name) == parts


@given(st.lists(st.text(min_size=1).filter(lambda w: w.split() == [w]), min_size=1, max_size=6))
def test_the_vcard_name_holds_every_word_of_the_name_in_its_order(words: list[str]) -> None:
    from plncli.formats.export import structured_name

    family, given_, prefix, suffix = structured_name(" ".join(words))
    assert " ".join(x for x in (prefix, given_, family, suffix) if x).split() == words
    assert family


def test_an_empty_list_or_search_says_why(pln: Any) -> None:
    # `pln list` of a book with no one said "No one matches." with no filter given, and
    # `pln find` of a name merged away said "No matches." with no word of the archived
    assert pln("list").stdout == "No one in the book yet: `pln add NAME` adds someone.\n"
    pln("add", "Evelyn Stone", "--location", "York")
    pln("add", "Eve Stone")
    pln("merge", "Eve Stone", "Evelyn Stone", "--yes")
    found = pln("find", "Evelyn")
    assert found.stdout == "No matches.\n"
    assert found.stderr == "1 archived person matches: `pln find --archived Evelyn`\n"
    assert pln.json("find", "Evelyn") == []
    pln("archive", "Eve")
    assert pln("list").stdout == (
        "No one but 2 archived people: `pln list --archived` lists them.\n"
    )
    assert pln("list", "--topic", "oracy").stdout == "No one matches.\n"


def test_a_repeatable_options_value_that_looks_like_an_option_is_its_value(pln: Any) -> None:
    # `--topic -kids` is the topic "-kids" to Click; the check of options given twice read
    # "-kids" as -k and refused the -k that followed
    pln("add", "Bob Roe")
    pln("log", "Bob", "--topic", "-kids", "-m", "hi", "-k", "call")
    assert pln.json("show", "Bob")["interactions"][0]["kind"] == "call"


def test_a_dry_run_into_a_folder_that_does_not_exist_is_refused_as_the_import(
    pln: Any, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("name\nDee\n", encoding="utf-8")
    book = tmp_path / "nope" / "deeper.db"
    for args in (("--dry-run",), ()):
        refused = pln("--db", str(book), "import", str(rows), *args, code=7)
        assert refused.stderr.startswith(f"error: directory {book.parent} does not exist")
    assert not book.parent.exists()


def test_a_reimport_that_fills_a_day_met_writes_it_once(pln: Any, tmp_path: Path) -> None:
    # the day was planned as a fill and never written: every import of the file merged
    pln("add", "Ann Lee")
    pln("edit", "Ann Lee", "--on", "")
    rows = tmp_path / "rows.csv"
    rows.write_text("name,met_on,knows\nAnn Lee,2019-05,Zed Nowhere\n", encoding="utf-8")
    first = pln("import", str(rows))
    assert "merged into people already in the book: 1" in first.stderr
    assert _meeting(pln, "Ann")[1:] == ("2019-05-01", "month")
    history = pln.json("history")
    again = pln("import", str(rows))  # and a knows of no one is a note, not a tie to add
    assert "merged into people already in the book: 0, skipped: 1" in again.stderr
    assert "no one called 'Zed Nowhere'" in again.stderr
    assert pln.json("history") == history


def test_an_import_matches_the_person_a_merge_kept_not_the_record_it_put_away(
    pln: Any, tmp_path: Path
) -> None:
    pln("add", "Jane Doe", "--email", "jane@example.org")
    pln("add", "Jane Doe", "--allow-duplicate")
    pln("merge", "#2", "#1", "--yes")  # #1 is put away; #2 holds the name and the email
    rows = tmp_path / "rows.csv"
    rows.write_text("name,org\nJane Doe,Hillside\n", encoding="utf-8")
    pln("import", str(rows))
    assert pln.json("show", "#2")["org"] == "Hillside"
    assert pln.json("show", "#1")["org"] is None


def test_a_records_value_given_twice_is_kept_once_and_said(pln: Any, tmp_path: Path) -> None:
    # a card's `CATEGORIES:Café,cafe` became one topic without a word (`pln add` says it)
    card = tmp_path / "twice.vcf"
    card.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nN:Ruiz;Ana;;;\r\n"
        b"CATEGORIES:Caf\xc3\xa9,cafe,Oracy\r\nEMAIL:ana@example.org\r\n"
        b"EMAIL:ana@example.org\r\nEND:VCARD\r\n"
    )
    result = pln("import", str(card))
    assert "card 1: topics: 'cafe' is the same as 'Café': kept once" in result.stderr
    assert "card 1: emails: 'ana@example.org' is given twice: kept once" in result.stderr
    shown = pln.json("show", "Ana")
    assert (shown["topics"], shown["emails"]) == (["Café", "Oracy"], ["ana@example.org"])


def test_asking_the_same_side_again_moves_its_one_chase(pln: Any, monkeypatch: Any) -> None:
    # each `intro asked` added a "Waiting" follow-up: asked twice, Ana had two identical
    # chases, and the overdue ones stayed open beside a new one
    pln("add", "Ana Ruiz", "Cy Ray")
    pln("intro", "asked", "Ana", "Cy")
    history = pln.json("history")
    again = pln("intro", "asked", "Ana", "Cy")
    assert again.stderr == (
        "Nothing changed: Ana Ruiz was asked already; follow-up #1 chases the answer on"
        " 2026-11-30.\n"
    )
    assert pln.json("history") == history
    monkeypatch.setenv("PLN_NOW", "2026-12-01T10:00:00")  # local, as the suite's own
    later = pln("intro", "asked", "Ana", "Cy")
    assert later.stderr == (
        "Noted that Ana Ruiz was asked again: follow-up #1 now chases it on 2026-12-08.\n"
    )
    chases = [f for f in pln.json("reminders") if f["note"].startswith("Waiting")]
    assert [(f["id"], f["due"]) for f in chases] == [(1, "2026-12-08")]


def test_the_same_outcome_again_says_only_that_nothing_changed(pln: Any) -> None:
    pln("add", "Ana Ruiz", "Ben Okafor")
    pln("introduce", "Ana", "Ben")
    pln("intro", "made", "Ana", "Ben")
    pln("intro", "outcome", "Ana", "Ben", "connected")
    again = pln("intro", "outcome", "Ana", "Ben", "connected")
    assert again.stderr.startswith("The same outcome and note were already recorded")
    assert "Recorded the outcome" not in again.stderr


def test_a_title_that_asks_is_not_asked_twice() -> None:
    from plncli.render import share_hint

    assert share_hint("Inside the Black Box") == "share Inside the Black Box?"
    assert share_hint("Making Good Progress?") == "share Making Good Progress?"
