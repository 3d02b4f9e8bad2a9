"""Defects found at stop 28 in `pln import` and `pln export`.

- A vCard round trip (`pln export --format vcard`, then `pln import` of that file into
  another book) dated everyone's meeting the day of the import and dropped its event:
  the card held neither. The export now writes them (`X-PLN-MET-AT`, `X-PLN-MET-ON`, the
  day or its month or year alone), and the import reads them back. The same round trip
  changed a phone typed `+44 20 7946 0000;ext=2` (to `... ext. 2`) or `tel:...` (the
  scheme left out), and a link holding a backslash (`\\n` became a space).
- A phone's extension (`;ext=2`, in a text value or a `tel:` URI) was already kept, as
  `+44 20 7946 0000 ext. 2` (not reproduced); a `tel:` URI's percent-escapes were kept
  as written (`%2B44...`), and a phone the card declares text (`VALUE=text`) was rewritten.
- Spacing inside a name (a run of spaces, a tab, a no-break space) was tidied unsaid, as
  `pln add` tidies what it is given: the import now says it, once per field, with the
  records it was done in.
- An import's plan read each matched person's single values, list values and ties one
  query (or ten) per person: a re-import of 5,000 rows made 15,000 to 60,000 queries,
  seconds on PostgreSQL. It reads them for everyone at once (a query per 500 people).
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import pinned_today


def book_of(pln: Any, *db: str) -> dict[str, Any]:
    """`pln export --format json` of a book, as what must survive a round trip: each
    person by UID without their id, timestamps and last contact (what the other book
    makes anew), with their event by name and their list values in order; each event
    by name without its id."""
    doc = json.loads(pln(*db, "export", "--format", "json").stdout)["tables"]
    events = {e["id"]: e["name"] for e in doc["event"]}
    attrs: dict[int, list[tuple[str, str]]] = {}
    for a in doc["person_attr"]:
        attrs.setdefault(a["person_id"], []).append((a["kind"], a["value"]))
    people = {}
    for p in doc["person"]:
        kept = {k: v for k, v in p.items() if k not in ("id", "created_at", "updated_at")}
        kept["met_at_id"] = events.get(p["met_at_id"])
        kept["attrs"] = attrs.get(p["id"], [])
        people[p["uid"]] = kept
    return {
        "people": people,
        "events": {e["name"]: {"on": e["on"], "place": e["place"]} for e in doc["event"]},
    }


def vcard_round_trip(pln: Any, tmp_path: Path, *, on: date = date(2026, 12, 1)) -> str:
    """The book exported as vCards and imported into a new book, on the day ``on``; the
    new book's ``--db``."""
    cards = tmp_path / "book.vcf"
    pln("export", "--format", "vcard", "-o", str(cards))
    other = str(tmp_path / "other.db")
    with pinned_today(on):
        pln("--db", other, "import", str(cards))
    return other


# ---- 1. the meeting survives a vCard round trip --------------------------------------------


def test_a_vcard_round_trip_keeps_every_meeting_with_its_precision(
    pln: Any, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--met-at", "BETT, London; 2019", "--on", "sept 2019")
    pln("add", "Ben Okafor", "--met-at", "BETT, London; 2019", "--on", "2019-09-12")
    pln("add", "Cy Li", "--met-at", "ResearchEd", "--on", "2018")
    pln("add", "Dee Roy", "--on", "2020-03-04")  # a day, no event
    pln("add", "Eli Fox")  # met today, as `pln add` dates it
    pln(
        "add", "Zoë Ångström", "--email", "z@example.org", "--phone", "+44 20 7946 0000",
        "--org", "Acme, Inc; Ltd", "--role", "Head, Science", "--location", "Leeds, UK",
        "--link", "https://example.org/z", "--topic", "a,b", "--topic", "retrieval practice",
        "--birthday", "--05-17", "--note", "line1\nline2; with, stuff", "--on", "2021-06",
    )  # fmt: skip
    pln("add", "Fay Ng", "--birthday", "1980-02-29", "--met-at", "ResearchEd", "--on", "2018")
    other = vcard_round_trip(pln, tmp_path)
    assert book_of(pln, "--db", other) == book_of(pln)
    shown = pln.json("--db", other, "show", "Ana")
    assert (shown["met_at"], shown["met_on"], shown["met_on_precision"]) == (
        "BETT, London; 2019",
        "2019-09-01",
        "month",
    )
    assert pln.json("--db", other, "show", "Eli")["met_on"] == "2026-11-23"  # not Dec 1


def test_pln_s_own_cards_come_back_to_the_same_book_unchanged(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--met-at", "BETT", "--on", "sept 2019")
    pln("add", "Dee Roy", "--on", "2020")
    cards = tmp_path / "book.vcf"
    pln("export", "--format", "vcard", "-o", str(cards))
    before = book_of(pln)
    again = pln.json("import", str(cards))
    assert (again["added"], again["merged"], len(again["skipped"])) == ([], [], 2)
    assert book_of(pln) == before
    # a card whose meeting the book has since changed: the book's is kept, and said
    pln("edit", "Dee Roy", "--on", "2021-05-04")
    result = pln("import", str(cards))
    assert "card 2: met_on: kept 2021-05-04, file had 2020" in result.stderr


def test_a_meeting_a_card_cannot_hold_is_said_and_the_card_kept(pln: Any, tmp_path: Path) -> None:
    cards = tmp_path / "odd.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Gil Moss\r\nX-PLN-MET-AT:BETT\r\n"
        "X-PLN-MET-ON:2019-13\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Hal Ito\r\nX-PLN-MET-ON:sometime\r\n"
        "X-PLN-MET-ON:2019-09-14\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    result = pln("import", str(cards))
    assert (
        "card 1: X-PLN-MET-ON: not kept: '2019-13' is not a year or a month like 2019 or 2019-09"
    ) in result.stderr
    assert (
        "card 2: X-PLN-MET-ON: not kept: 'sometime' is not a date like 2024-03-15"
    ) in result.stderr
    gil, hal = pln.json("show", "Gil"), pln.json("show", "Hal")
    assert (gil["met_at"], gil["met_on"]) == ("BETT", "2026-11-23")  # the day as `pln add`'s
    assert (hal["met_at"], hal["met_on"], hal["met_on_precision"]) == (None, "2019-09-14", "day")


def test_phones_and_links_as_typed_survive_a_vcard_round_trip(pln: Any, tmp_path: Path) -> None:
    phones = ["+44 20 7946 0000;ext=2", "tel:+1 555 0100", "+44 20 7946 0001 ext. 3", "555 x5"]
    links = ["https://example.org/a\\nb,c;d", "https://example.org/?q=a\\:b"]
    pln("add", "Ann Lee", *[a for p in phones for a in ("--phone", p)], "--link", links[0])
    pln("edit", "Ann Lee", "--add-link", links[1])
    other = vcard_round_trip(pln, tmp_path)
    shown = pln.json("--db", other, "show", "Ann Lee")
    assert (shown["phones"], shown["links"]) == (phones, links)
    assert book_of(pln, "--db", other) == book_of(pln)


def test_a_phone_s_extension_is_kept_as_people_write_it(pln: Any, tmp_path: Path) -> None:
    cards = tmp_path / "ext.vcf"
    tels = [
        "TEL;TYPE=work:+44 20 7946 0000;ext=2",
        "TEL;VALUE=uri;TYPE=work:tel:+44-20-7946-0001;ext=2",
        "TEL;VALUE=uri:tel:%2B44-20-7946-0002;EXT=2",
        "TEL;VALUE=text:+44 20 7946 0003\\;ext=2",  # declared text: as given
        "TEL:+44 20 7946 0004 x2",
    ]
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Diaz\r\n" + "\r\n".join(tels) + "\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    pln("import", str(cards))
    assert pln.json("show", "Bo Diaz")["phones"] == [
        "+44 20 7946 0000 ext. 2",
        "+44-20-7946-0001 ext. 2",
        "+44-20-7946-0002 ext. 2",
        "+44 20 7946 0003;ext=2",
        "+44 20 7946 0004 x2",
    ]


# ---- 3. tidied spacing is said once per field -----------------------------------------------


def test_spacing_tidied_in_names_is_said_once_per_field(pln: Any, tmp_path: Path) -> None:
    names = ["Gil  Ho", "Hal\tIx", "Ivy\u00a0Jo", "Kai\u3000Lo"]
    cards = tmp_path / "spaced.vcf"
    cards.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{n}\r\nORG:Big   Org\r\nEND:VCARD\r\n" for n in names
        )
        + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lee Ng\r\nCATEGORIES:exam  boards\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    for args in (("--dry-run",), ()):
        result = pln.json("import", str(cards), *args)
        assert result["notes"] == [
            {
                "where": "file",
                "field": "name",
                "why": "spacing tidied as `pln add` tidies it (runs of spaces, tabs, no-break"
                " spaces and U+3000 IDEOGRAPHIC SPACE made one space): card 1, card 2, card 3,"
                " card 4",
            },
            {
                "where": "file",
                "field": "org",
                "why": "spacing tidied as `pln add` tidies it (runs of spaces made one space):"
                " card 1, card 2, card 3, card 4",
            },
            {
                "where": "file",
                "field": "topic",
                "why": "spacing tidied as `pln add` tidies it (runs of spaces made one space):"
                " card 5",
            },
        ]
    imported = sorted(p["name"] for p in pln.json("list"))
    other = str(tmp_path / "typed.db")
    for name in names + ["Lee Ng"]:
        pln("--db", other, "add", name, "--allow-duplicate")
    assert imported == sorted(p["name"] for p in pln.json("--db", other, "list"))
    assert "Gil Ho" in imported
    # the same file again brings nothing new: nothing to say
    assert pln.json("import", str(cards))["notes"] == []


def test_a_csv_s_tidied_names_are_one_line_however_many(pln: Any, tmp_path: Path) -> None:
    rows = "".join(f"Ann  Person {i},Oak  School\n" for i in range(25))
    people = tmp_path / "people.csv"
    people.write_text("name,org\n" + rows + "Bo Lim,Elm\n", encoding="utf-8")
    result = pln("import", str(people))
    lines = [line for line in result.stderr.splitlines() if "spacing tidied" in line]
    assert lines == [
        "  file: name: spacing tidied as `pln add` tidies it (runs of spaces made one space):"
        " line 2, line 3, line 4, line 5, line 6, line 7, line 8, line 9, line 10, line 11"
        " and 15 more",
        "  file: org: spacing tidied as `pln add` tidies it (runs of spaces made one space):"
        " line 2, line 3, line 4, line 5, line 6, line 7, line 8, line 9, line 10, line 11"
        " and 15 more",
    ]
    assert pln.json("show", "Ann Person 3")["name"] == "Ann Person 3"


# ---- 4. planning a re-import reads the book at once, not person by person ------------------


@pytest.mark.sqlite_only(reason="counts the statements SQLite runs")
def test_planning_a_re_import_reads_the_same_few_statements_for_any_size(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    from plncli import db
    from plncli import transfer as svc
    from plncli.formats import read_file

    rows = [
        f"Per Son {i},p{i}@example.org,School {i % 3},topic {i % 5};shared,Per Son {(i + 1) % 40}"
        for i in range(40)
    ]
    whole = tmp_path / "whole.csv"
    whole.write_text("name,email,org,topics,knows\n" + "\n".join(rows) + "\n", encoding="utf-8")
    pln("import", str(whole))
    for cut in ("uid", "email", "name"):  # matched by UID, by email, by name
        exported = tmp_path / f"{cut}.csv"
        pln("export", "--format", "csv", "-o", str(exported), "--force")
        text = exported.read_text(encoding="utf-8").splitlines()
        header = text[0].split(",")
        keep = [i for i, c in enumerate(header) if c not in {"uid", "email"} - {cut}]
        lines = [",".join(c for i, c in enumerate(line.split(",")) if i in keep) for line in text]
        ran = []
        for size in (10, 40):
            part = tmp_path / f"{cut}-{size}.csv"
            part.write_text("\n".join(lines[: size + 1]) + "\n", encoding="utf-8")
            conn = db.open_store(db_path, create_parent=False)
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            plan = svc.plan_import(conn, read_file(str(part)), on_duplicate="merge")
            conn.close()
            assert (len(plan.add), len(plan.merge), len(plan.skip)) == (0, 0, size)
            ran.append(len(statements))
        assert ran[0] == ran[1], (cut, ran)
