"""CLI tests for data in and out: `pln import`, `pln export`, `pln merge`.

Every test drives the real CLI (in-process through the Typer app, or as a `python -m plncli`
subprocess for the kill tests) against real SQLite files, and checks what a user sees: `--json`
output, exit codes, one `error:` line (+ `hint:`) on stderr and no traceback, and what is stored.
A command that fails must leave every row of the book as it was (`dump()`).

The file-format parsers are unit-tested in test_formats.py; here the commands are tested.
Real-world files come from the shared corpora folder (skipped with a message when it is missing);
they are copied into the test's tmp_path (never into the project) because `--skip-invalid` writes
`FILE.rejects.txt` beside the imported file.

Kill tests (figures printed with `pytest -s`; kill moments are seeded random): `pln import` of a
20,000-row CSV into a 1,000-person book (9 kills: 5 spread over the run, 4 around the commit), and
`pln export --format json -o out.json` of a 20,000-person book (8 kills: 5 spread, 3 around the
moment the temporary file appears).

Bugs this file found, fixed since and guarded here: merging two people with equal (e.g. empty)
notes failed; merge leaves stray newlines in notes; `--skip-invalid` exits 2
after committing when the rejects file cannot be written; `export -o` into a missing folder is an
internal error; `export -o` onto the database file replaces the book; restoring JSON into a book
with only a group is exit 7, not the exit-5 conflict; a damaged JSON export is exit 1 or 7, not 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import pinned_today, query
from plncli.errors import InvalidInput
from plncli.formats import read_file
from plncli.text import fold, invisible_in

NOW = "2026-11-23T10:00:00"  # as conftest pins it: a Monday
TODAY = date(2026, 11, 23)
SEED = 20261123

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
VCARDS = sorted(p.name for p in (CORPORA / "vcard").glob("*.vcf")) if CORPORA.is_dir() else []
LINKEDIN = CORPORA / "linkedin" / "Connections.csv"
CSV_HEADER = [
    "name",
    "email",
    "phone",
    "org",
    "role",
    "location",
    "circle",
    "topics",
    "offers",
    "seeks",
    "met_at",
    "met_on",
    "notes",
    "knows",
    "birthday",
    "links",
    "last_contact",
    "cadence",
    "role_tags",
    "introduced_by",
    "uid",
]
RISKY = ("=", "+", "-", "@", "\t", "\r")

Dump = Callable[[], list[str]]
FIGURES: list[str] = []


# ---------------------------------------------------------------- helpers


def need_corpora() -> None:
    if not CORPORA.is_dir():
        pytest.skip(f"the shared real-world corpora are not at {CORPORA}; corpus tests skipped")


def corpus_copy(tmp_path: Path, *parts: str) -> Path:
    """A copy of a corpus file in tmp_path (imports may write FILE.rejects.txt beside it)."""
    need_corpora()
    src = CORPORA.joinpath(*parts)
    if not src.is_file():
        pytest.skip(f"{src} is missing from the shared corpora")
    dest = tmp_path / "in" / src.name
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def run(pln: Any, *args: str) -> Any:
    """The CLI's result whatever its exit code (pln(...) asserts one)."""
    return pln.runner.invoke(pln_app(), list(args))


def pln_app() -> Any:
    from plncli.cli import app

    return app


def no_traceback(result: Any) -> None:
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    assert "internal error" not in text, text
    if result.exception is not None:
        assert isinstance(result.exception, SystemExit), repr(result.exception)


def error_of(result: Any, *, listed: bool = False) -> tuple[str, list[str]]:
    """The `error:` line of a failed command, and the problem lines printed before it.

    Exactly one `error: ...` line, at most one `hint: ...` after it, nothing on stdout, no
    traceback; unless ``listed``, nothing else on stderr."""
    no_traceback(result)
    assert result.stdout == "", result.stdout
    lines = result.stderr.splitlines()
    errors = [n for n, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1, f"want one error line: {result.stderr!r}"
    at = errors[0]
    tail = lines[at + 1 :]
    assert len(tail) <= 1, result.stderr
    assert all(t.startswith("hint: ") for t in tail), result.stderr
    before = lines[:at]
    if not listed:
        assert before == [], result.stderr
    return lines[at], before


def fails(
    pln: Any, dump: Dump, code: int, *args: str, listed: bool = False
) -> tuple[str, list[str], Any]:
    """Run a command that must fail with ``code`` and change no row of the book."""
    before = dump()
    assert before, "set up some data first, so that 'unchanged' means something"
    result = pln(*args, code=code)
    line, problems = error_of(result, listed=listed)
    assert dump() == before
    return line, problems, result


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return str(path)


def export_doc(pln: Any, *db: str) -> dict[str, Any]:
    """`pln export --format json` parsed, without `exported_at`."""
    doc = json.loads(pln(*db, "export", "--format", "json").stdout)
    assert doc.pop("exported_at")
    return doc  # type: ignore[no-any-return]


def dump_of(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in rows}


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def expected_people(records: list[Any]) -> int:
    """Records a reader accepted, minus later records of the same person in the file
    (same folded name or same folded email as a record kept before them)."""
    seen: set[str] = set()
    kept = 0
    for r in records:
        keys = {f"n:{fold(r.name)}"} | {f"e:{fold(e)}" for e in r.emails}
        if keys & seen:
            continue
        seen |= keys
        kept += 1
    return kept


# ---------------------------------------------------------------- 1. the corpora


@pytest.mark.parametrize("name", VCARDS or ["(corpora missing)"])
def test_corpus_vcard_imports_with_skip_invalid(
    pln: Any, db_path: Path, tmp_path: Path, name: str
) -> None:
    path = corpus_copy(tmp_path, "vcard", name)
    try:
        read = read_file(str(path))
    except InvalidInput:
        read = None
    result = run(pln, "import", str(path), "--skip-invalid", "--json")
    no_traceback(result)
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    if result.exit_code == 2:
        error_of(result)
        assert read is None or not read.records, "a file with valid cards was refused"
        assert not db_path.exists() or query(db_path, "SELECT count(*) FROM person") == [(0,)]
        return
    assert read is not None, "pln imported a file its reader refuses"
    doc = json.loads(result.stdout)
    people = query(db_path, "SELECT count(*) FROM person")[0][0]
    assert people == expected_people(read.records) == len(doc["added"])
    assert len(doc["invalid"]) == len(read.invalid)
    assert sorted(r["name"] for r in pln.json("list")) == sorted(doc["added"])
    rejects = Path(f"{path}.rejects.txt")
    if read.invalid:
        assert mode(rejects) == 0o600
        listed = rejects.read_text(encoding="utf-8").splitlines()
        assert [line.split("\t")[0] for line in listed] == [p.where for p in read.invalid]
    else:
        assert not rejects.exists()


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each corpus file")
def test_corpus_vcards_with_invalid_cards_import_nothing_without_skip_invalid(
    pln: Any, tmp_path: Path
) -> None:
    need_corpora()
    checked = 0
    for name in VCARDS:
        path = corpus_copy(tmp_path, "vcard", name)
        try:
            read = read_file(str(path))
        except InvalidInput:
            continue
        if not read.invalid:
            continue
        db = tmp_path / f"{name}.db"
        pln("--db", str(db), "add", "Seed Person", "--email", "seed@example.org")
        before = dump_of(db)
        result = pln("--db", str(db), "import", str(path), code=2)
        line, problems = error_of(result, listed=True)
        assert "nothing imported" in line
        assert f"{len(read.invalid)} invalid" in line
        said: dict[tuple[str, str], list[str]] = {}  # the same problem of many cards: a line
        for p in read.invalid:
            said.setdefault((p.field, p.why), []).append(p.where)
        assert problems == [
            f"  {', '.join(where[:3])}{f' and {len(where) - 3} more' if len(where) > 3 else ''}"
            f": {field}: {why}"
            for (field, why), where in list(said.items())[:50]
        ]
        assert all(p.strip().startswith("card ") for p in problems)
        assert dump_of(db) == before
        assert not Path(f"{path}.rejects.txt").exists()
        checked += 1
    assert checked >= 1, "no corpus vCard has invalid cards any more (John_Doe_ANDROID had)"


def test_corpus_linkedin_connections(pln: Any, tmp_path: Path) -> None:
    path = corpus_copy(tmp_path, "linkedin", "Connections.csv")
    read = read_file(str(path))
    assert read.format == "linkedin"
    assert read.records
    doc = pln.json("import", str(path), "--met-at", "LinkedIn", "--circle", "following")
    assert sorted(doc["added"]) == sorted(r.name for r in read.records)
    assert doc["invalid"] == []
    listed = by_name(pln.json("list"))
    assert set(listed) == {r.name for r in read.records}
    for r in read.records:
        shown = pln.json("show", f"#{listed[r.name]['id']}")
        assert shown["name"] == r.name
        assert shown["org"] == r.org
        assert shown["role"] == r.role
        assert shown["met_on"] == r.met_on.isoformat()  # "Connected On"
        assert shown["met_at"] == "LinkedIn"
        assert shown["circle"] == "following"
        assert shown["emails"] == r.emails
    # The Tomás row: quoted org with a comma, accented first name.
    assert listed["Tomás Herrera"]["org"] == "Herrera, Lund & Co"
    assert pln.json("due") == []


def test_linkedin_connections_met_recently_are_first_contacts_unless_following(
    pln: Any, tmp_path: Path
) -> None:
    """The corpus connections are too old to be first contacts either way: this proves that
    `--circle following` is what keeps recent ones out of `pln due`."""
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"Some notes LinkedIn writes first."\n\n'
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Maya,Okonkwo,https://www.linkedin.com/in/x,,Greenfield,Head of Science,18 Nov 2026\n"
        'Tomás,Herrera,https://www.linkedin.com/in/y,t@example.org,"H, L & Co",CTO,19 Nov 2026\n',
        encoding="utf-8",
    )
    pln("import", str(path), "--met-at", "LinkedIn", "--circle", "following")
    assert pln.json("due") == []
    assert pln.json("due", "--within", "400d") == []
    other = str(tmp_path / "other.db")
    pln("--db", other, "import", str(path), "--met-at", "LinkedIn")
    due = {(d["kind"], d["person"]["name"], d["due"]) for d in pln.json("--db", other, "due")}
    assert due == {
        ("first-contact", "Maya Okonkwo", "2026-11-21"),
        ("first-contact", "Tomás Herrera", "2026-11-22"),
    }


# ---------------------------------------------------------------- 2. generic CSV

EVERY_COLUMN = [
    [
        "name",
        "email",
        "phone",
        "org",
        "role",
        "location",
        "circle",
        "topics",
        "offers",
        "seeks",
        "met_at",
        "met_on",
        "notes",
        "knows",
        "birthday",
        "links",
    ],
    [
        "Ana Ruiz",
        "ana@example.org; ana.r@work.example",
        "+44 1234;+44 5678",
        "Hillside Academy",
        "Head of Maths",
        "Leeds",
        "colleague",
        "assessment;oracy",
        "retrieval practice",
        "Y7 transition;reading",
        "researchED 2026",
        "2026-09-05",
        "Met at the bar\nsecond line",
        "Ben Okafor",
        "1980-02-29",
        "https://a.example;https://b.example",
    ],
    ["Ben Okafor", "ben@example.org", "", "Northfield", "", "", "", "assessment"] + [""] * 8,
]


def test_csv_every_column(pln: Any, db_path: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", EVERY_COLUMN)
    doc = pln.json("import", path)
    assert doc["added"] == ["Ana Ruiz", "Ben Okafor"]
    assert doc["ties"] == 1
    assert doc["invalid"] == []
    assert doc["notes"] == []
    ana = pln.json("show", "Ana Ruiz")
    assert ana["emails"] == ["ana@example.org", "ana.r@work.example"]
    assert ana["phones"] == ["+44 1234", "+44 5678"]
    assert ana["org"] == "Hillside Academy"
    assert ana["role"] == "Head of Maths"
    assert ana["location"] == "Leeds"
    assert ana["circle"] == "colleague"
    assert ana["topics"] == ["assessment", "oracy"]
    assert ana["offers"] == ["retrieval practice"]
    assert ana["seeks"] == ["Y7 transition", "reading"]
    assert ana["met_at"] == "researchED 2026"
    assert ana["met_on"] == "2026-09-05"
    assert ana["notes"] == "Met at the bar\nsecond line"
    assert ana["links"] == ["https://a.example", "https://b.example"]
    assert query(db_path, "SELECT birthday FROM person WHERE name = 'Ana Ruiz'") == [
        ("1980-02-29",)
    ]
    ben = pln.json("show", "Ben Okafor")
    assert ben["circle"] == "network"  # the default when the cell is empty
    assert ben["met_at"] is None
    assert [k["person"]["name"] for k in pln.json("knows", "Ben Okafor")] == ["Ana Ruiz"]
    assert [k["person"]["name"] for k in pln.json("knows", "Ana Ruiz")] == ["Ben Okafor"]
    events = pln.json("events")
    assert [(e["name"], e["on"], e["met"]) for e in events] == [
        ("researchED 2026", "2026-09-05", 1)
    ]


def test_csv_topic_met_at_and_circle_apply_to_everyone(pln: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "attendees.csv", EVERY_COLUMN)
    pln(
        "import",
        path,
        "--met-at",
        "TeachMeet North",
        "--topic",
        "oracy",
        "--topic",
        "edtech",
        "--circle",
        "following",
    )
    for name in ("Ana Ruiz", "Ben Okafor"):
        shown = pln.json("show", name)
        assert shown["met_at"] == "TeachMeet North"
        assert {"oracy", "edtech"} <= set(shown["topics"])
        assert shown["circle"] == "following"
    assert pln.json("show", "Ana Ruiz")["topics"] == ["assessment", "oracy", "edtech"]
    assert pln.json("list", "--met-at", "TeachMeet North") != []
    assert len(pln.json("list", "--topic", "edtech")) == 2


def test_csv_bom_semicolon_delimiter_and_pipe_multivalues(pln: Any, tmp_path: Path) -> None:
    bom = write_csv(
        tmp_path / "bom.csv", [["name", "email"], ["Zoé Ärger", "zoe@example.org"]], bom=True
    )
    semi = write_csv(
        tmp_path / "semi.csv",
        [
            ["name", "email", "topics", "org"],
            ["Ana Ruiz", "ana@example.org|ana2@example.org", "assessment|oracy", "Org, Inc"],
        ],
        delimiter=";",
    )
    assert pln.json("import", bom)["added"] == ["Zoé Ärger"]
    assert pln.json("import", semi)["added"] == ["Ana Ruiz"]
    assert pln.json("show", "Zoé")["emails"] == ["zoe@example.org"]
    ana = pln.json("show", "Ana Ruiz")
    assert ana["emails"] == ["ana@example.org", "ana2@example.org"]
    assert ana["topics"] == ["assessment", "oracy"]
    assert ana["org"] == "Org, Inc"


def test_csv_latin1_is_refused_then_imported_with_encoding(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    pln("add", "Seed Person")
    path = write_csv(
        tmp_path / "latin1.csv",
        [["name", "org"], ["José Muñoz", "Café Señor"], ["Françoise Über", "Ålborg"]],
        encoding="latin-1",
    )
    line, _, result = fails(pln, dump, 2, "import", path)
    assert "UTF-8" in line
    assert "--encoding" in result.stderr.splitlines()[-1]
    assert result.stderr.splitlines()[-1].startswith("hint: ")
    doc = pln.json("import", path, "--encoding", "latin-1")
    assert doc["added"] == ["José Muñoz", "Françoise Über"]
    listed = by_name(pln.json("list"))
    assert listed["José Muñoz"]["org"] == "Café Señor"
    assert listed["Françoise Über"]["org"] == "Ålborg"


DUPES = [
    ["name", "email", "org", "role", "topics", "notes"],
    ["Ana R.", "ANA@example.org", "Other Org", "Head of Maths", "new;kept", "from the file"],
    ["JOSE  nunez", "", "Acme", "CTO", "t1", "n1"],
    ["New Person", "new@example.org", "", "", "", ""],
    ["new person", "new2@example.org", "NP Org", "", "x", "second row"],
]


@pytest.fixture
def two_in_book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--org", "Hillside", "--topic", "kept")
    pln("add", "José Núñez")


def test_dry_run_writes_nothing_and_shows_the_plan(
    pln: Any, dump: Dump, tmp_path: Path, two_in_book: None
) -> None:
    path = write_csv(tmp_path / "dupes.csv", DUPES)
    before = dump()
    plan = pln.json("import", path, "--dry-run")
    assert plan["dry_run"] is True
    assert plan["added"] == ["New Person"]
    assert plan["merged"] == [
        {"name": "Ana R.", "into": {"id": 1, "name": "Ana Ruiz"}},
        {"name": "JOSE nunez", "into": {"id": 2, "name": "José Núñez"}},
    ]
    assert plan["skipped"] == []
    assert plan["invalid"] == []
    assert {"where": "line 5", "field": "name", "why": "same person as line 4; combined"} in plan[
        "notes"
    ]
    skip = pln.json("import", path, "--dry-run", "--on-duplicate", "skip")
    assert skip["merged"] == []
    assert [(s["name"], s["existing"]["id"]) for s in skip["skipped"]] == [
        ("Ana R.", 1),
        ("JOSE nunez", 2),
    ]
    text = pln("import", path, "--dry-run")
    assert "Would add 1 person" in text.stderr
    assert dump() == before


def test_duplicates_are_merged_by_default(pln: Any, tmp_path: Path, two_in_book: None) -> None:
    path = write_csv(tmp_path / "dupes.csv", DUPES)
    doc = pln.json("import", path)
    assert doc["dry_run"] is False
    assert [m["into"]["id"] for m in doc["merged"]] == [1, 2]
    ana = pln.json("show", "#1")  # matched by email, case folded
    assert ana["name"] == "Ana Ruiz"  # untouched
    assert ana["org"] == "Hillside"  # untouched
    assert ana["emails"] == ["ana@example.org"]  # untouched
    assert ana["topics"] == ["kept", "new"]  # lists take the union, as `pln merge` does
    assert ana["role"] == "Head of Maths"  # empty: filled
    assert ana["notes"] == "from the file"  # empty: filled
    jose = pln.json("show", "#2")  # matched by folded name (case, accents, spacing)
    assert jose["name"] == "José Núñez"
    assert (jose["org"], jose["role"], jose["topics"], jose["notes"]) == (
        "Acme",
        "CTO",
        ["t1"],
        "n1",
    )
    # two rows of one person in the same file are combined into one new person
    listed = pln.json("list")
    assert [p["name"] for p in listed].count("New Person") == 1
    assert len(listed) == 3
    new = pln.json("show", "New Person")
    assert new["emails"] == ["new@example.org", "new2@example.org"]
    assert new["org"] == "NP Org"
    assert new["topics"] == ["x"]
    assert new["notes"] == "second row"


def test_on_duplicate_skip_and_add(pln: Any, dump: Dump, tmp_path: Path, two_in_book: None) -> None:
    path = write_csv(tmp_path / "dupes.csv", DUPES)
    ana_before = pln.json("show", "#1")
    jose_before = pln.json("show", "#2")
    doc = pln.json("import", path, "--on-duplicate", "skip")
    assert [s["existing"]["id"] for s in doc["skipped"]] == [1, 2]
    assert doc["added"] == ["New Person"]
    assert pln.json("show", "#1") == ana_before
    assert pln.json("show", "#2") == jose_before

    db2 = str(tmp_path / "add.db")
    pln("--db", db2, "add", "Ana Ruiz", "--email", "ana@example.org")
    doc = pln.json("--db", db2, "import", path, "--on-duplicate", "add")
    assert doc["merged"] == []
    assert doc["skipped"] == []
    assert doc["added"] == ["Ana R.", "JOSE nunez", "New Person", "new person"]
    assert len(pln.json("--db", db2, "list")) == 5
    assert pln.json("--db", db2, "show", "#1")["role"] is None

    line, _, _ = fails(pln, dump, 2, "import", path, "--on-duplicate", "overwrite")
    assert "--on-duplicate" in line


def invalid_rows(tmp_path: Path) -> str:
    return write_csv(
        tmp_path / "mixed.csv",
        [
            ["name", "email", "met_on", "circle", "notes"],
            ["Good One", "good@example.org", "2026-01-02", "network", "ok"],
            ["Bad Email", "not-an-email", "", "", ""],
            ["Bad Date", "", "2026-02-30", "", ""],
            ["Bad Circle", "", "", "friends", ""],
            ["Long Note", "", "", "", "x" * 20_000],
            ["Good Two", "", "", "", ""],
        ],
    )


def test_invalid_rows_import_nothing_and_are_listed(pln: Any, dump: Dump, tmp_path: Path) -> None:
    pln("add", "Seed Person")
    path = invalid_rows(tmp_path)
    line, problems, _ = fails(pln, dump, 2, "import", path, listed=True)
    assert line == f"error: 4 invalid records in {path} (listed above); nothing imported"
    assert [p.split(":")[0].strip() for p in problems] == ["line 3", "line 4", "line 5", "line 6"]
    assert [p.split(":")[1].strip() for p in problems] == ["email", "met_on", "circle", "notes"]
    assert "20000 characters" in problems[3]
    assert not Path(f"{path}.rejects.txt").exists()
    # --dry-run does not get around it either
    fails(pln, dump, 2, "import", path, "--dry-run", listed=True)


def test_skip_invalid_imports_the_valid_rows_and_writes_rejects(pln: Any, tmp_path: Path) -> None:
    path = invalid_rows(tmp_path)
    doc = pln.json("import", path, "--skip-invalid")
    assert doc["added"] == ["Good One", "Good Two"]
    assert [(i["where"], i["field"]) for i in doc["invalid"]] == [
        ("line 3", "email"),
        ("line 4", "met_on"),
        ("line 5", "circle"),
        ("line 6", "notes"),
    ]
    assert sorted(p["name"] for p in pln.json("list")) == ["Good One", "Good Two"]
    assert pln.json("show", "Good One")["met_on"] == "2026-01-02"
    rejects = Path(f"{path}.rejects.txt")
    assert mode(rejects) == 0o600
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert [tuple(line.split("\t")[:2]) for line in lines] == [
        ("line 3", "email"),
        ("line 4", "met_on"),
        ("line 5", "circle"),
        ("line 6", "notes"),
    ]
    assert "not-an-email" in lines[0]
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_skip_invalid_when_rejects_cannot_be_written_changes_nothing(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    pln("add", "Seed Person")
    path = invalid_rows(tmp_path)
    Path(f"{path}.rejects.txt").mkdir()  # stands for any unwritable place beside the file
    before = dump()
    result = run(pln, "import", path, "--skip-invalid")
    assert result.exit_code == 0 or dump() == before


# ---------------------------------------------------------------- 3. bad files


def _png(p: Path) -> str:
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))
    return str(p)


BAD_FILES: dict[str, tuple[str, bytes, tuple[str, ...], bool]] = {
    # name: (file name, content, extra args, problems listed before the error)
    "empty": ("empty.csv", b"", (), False),
    "blank lines": ("blank.vcf", b"\n\n  \r\n", (), False),
    "binary png": ("photo.png", b"", (), False),
    "truncated vcard": (
        "cut.vcf",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Trunc Ated\r\nEMAIL:t@example.org\r\n",
        (),
        True,
    ),
    "truncated second card": (
        "cut2.vcf",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Whole One\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n",
        (),
        True,
    ),
    "unknown format": ("notes.txt", b"hello world\nthis is not a contact file\n", (), False),
    "unknown --format": ("notes2.txt", b"name\nAna\n", ("--format", "xml"), False),
    "no such file": ("missing.csv", b"", (), False),
    "wrong --format": (
        "people.csv",
        b"name,email\nAna,a@example.org\n",
        ("--format", "linkedin"),
        False,
    ),
    "truncated pln json": (
        "cut.json",
        b'{"exported_at": "2026-11-23 10:00:00.000000", "pln_export": 1, "schema_version": 3,'
        b' "tables": {\n"event": [\n{"created_at": "2026-11-23 10:00:00.000000", "id": 1, "na',
        (),
        False,
    ),
    "pln json from a newer pln": (
        "newer.json",
        b'{"pln_export": 1, "schema_version": 999, "tables": {"person": []}}\n',
        (),
        False,
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_and_change_nothing(
    pln: Any, dump: Dump, tmp_path: Path, case: str
) -> None:
    pln("add", "Seed Person", "--email", "seed@example.org")
    name, content, extra, listed = BAD_FILES[case]
    path = tmp_path / name
    if case == "binary png":
        _png(path)
    elif case != "no such file":
        path.write_bytes(content)
    line, problems, _ = fails(pln, dump, 2, "import", str(path), *extra, listed=listed)
    if listed:
        assert problems
        assert all(p.startswith("  card ") for p in problems)
        assert "cut short" in problems[0]
    assert not Path(f"{path}.rejects.txt").exists()


# ---------------------------------------------------------------- 4. export


@pytest.fixture
def small_book(pln: Any) -> None:
    pln(
        "add",
        "Ana Ruiz",
        "--email",
        "ana@example.org",
        "--phone",
        "+44 1111",
        "--org",
        "Hillside",
        "--topic",
        "assessment",
        "--topic",
        "oracy",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-11-10",
    )
    pln("add", "Ben Okafor", "--email", "ben@example.org", "--org", "Northfield")
    pln("add", "Carla Díaz", "--circle", "following")
    pln("remind", "Ana", "in 3 days", "-m", "Send the quiz bank")
    pln("remind", "Ben", "2026-12-20", "-m", "Weekly chase", "--every", "2w")
    pln("remind", "Ben", "tomorrow", "-m", "finished already")
    pln("done", "3")


@pytest.mark.parametrize("fmt", ["json", "csv", "vcard", "ics"])
def test_export_to_stdout_and_to_an_owner_only_file(
    pln: Any, tmp_path: Path, small_book: None, fmt: str
) -> None:
    out = pln("export", "--format", fmt).stdout_bytes
    assert out
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / f"book.{fmt}"
    result = pln("export", "--format", fmt, "-o", str(target))
    assert result.stdout == ""
    assert f"Wrote {target}" in result.stderr
    assert target.read_bytes() == out  # "now" is pinned, so even exported_at/DTSTAMP agree
    assert mode(target) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [target.name]
    # overwriting an existing file keeps it owner-only and leaves nothing beside it
    target.chmod(0o644)
    pln("export", "--format", fmt, "--output", str(target), "--force")
    assert mode(target) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


def test_export_unknown_format(pln: Any, dump: Dump, tmp_path: Path, small_book: None) -> None:
    line, _, _ = fails(pln, dump, 2, "export", "--format", "yaml")
    assert "yaml" in line
    fails(pln, dump, 2, "export", "--format", "xlsx", "-o", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


def test_export_into_a_missing_folder_is_bad_input(
    pln: Any, dump: Dump, tmp_path: Path, small_book: None
) -> None:
    fails(pln, dump, 2, "export", "-o", str(tmp_path / "no" / "such" / "dir" / "out.json"))


@pytest.mark.sqlite_only(reason="writing over the SQLite file itself (a shared book has none)")
def test_export_onto_the_database_itself_is_refused(
    pln: Any, dump: Dump, db_path: Path, small_book: None
) -> None:
    before = dump()
    result = run(pln, "export", "--format", "json", "-o", str(db_path))
    assert result.exit_code != 0
    assert dump() == before


def test_export_csv_header_and_formula_guard(pln: Any, tmp_path: Path) -> None:
    pln(
        "add",
        "=HYPERLINK(1)",
        "--org",
        "+Org",
        "--role",
        "-role",
        "--location",
        "@here",
        "--note",
        "=1+1",
        "--topic",
        "@topic",
        "--phone",
        "+44 1",
        "--email",
        "x@example.org",
    )
    pln("add", "Plain Person", "--org", "Plain Org")
    pln("knows", "#1", "#2")
    guarded = csv_rows(pln("export", "--format", "csv").stdout)
    assert guarded[0] == CSV_HEADER
    cells = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in guarded[1:]}
    evil = cells["'=HYPERLINK(1)"]
    assert evil["org"] == "'+Org"
    assert evil["role"] == "'-role"
    assert evil["location"] == "'@here"
    assert evil["notes"] == "'=1+1"
    assert evil["topics"] == "'@topic"
    assert evil["phone"] == "'+44 1"
    assert evil["email"] == "x@example.org"
    assert cells["Plain Person"]["knows"] == "'=HYPERLINK(1)"
    assert cells["Plain Person"]["org"] == "Plain Org"
    for row in guarded[1:]:
        assert not any(c.startswith(RISKY) for c in row), row
    raw = csv_rows(pln("export", "--format", "csv", "--raw").stdout)
    assert raw[0] == CSV_HEADER
    raw_cells = {row[0]: dict(zip(CSV_HEADER, row, strict=True)) for row in raw[1:]}
    assert raw_cells["=HYPERLINK(1)"]["org"] == "+Org"
    assert raw_cells["=HYPERLINK(1)"]["notes"] == "=1+1"
    # pln's own import takes the guard off again
    path = tmp_path / "people.csv"
    pln("export", "--format", "csv", "-o", str(path))
    other = str(tmp_path / "other.db")
    pln("--db", other, "import", str(path))
    back = pln.json(
        "--db", other, "show", f"#{by_name(pln.json('--db', other, 'list'))['=HYPERLINK(1)']['id']}"
    )
    assert back["name"] == "=HYPERLINK(1)"
    assert (back["org"], back["role"], back["notes"]) == ("+Org", "-role", "=1+1")


def test_export_vcard_reimports_into_a_fresh_book(pln: Any, tmp_path: Path) -> None:
    pln(
        "add",
        "Zoë Ångström-Łukasz",
        "--email",
        "z@example.org",
        "--email",
        "z2@example.org",
        "--phone",
        "+33 1 23 45",
        "--org",
        "Acme, Inc; Ltd",
        "--role",
        "Head, Science",
        "--topic",
        "retrieval practice",
        "--topic",
        "a,b",
        "--topic",
        "日本語のトピックとても長い名前ですよ本当に長いです",
        "--note",
        "line1\nline2; with, stuff",
    )
    pln("add", "李小龍", "--org", "北京大学", "--topic", "功夫")
    pln("add", "Solo")
    pln("add", "Gone Person")
    pln("archive", "Gone Person")
    data = pln("export", "--format", "vcard").stdout_bytes
    assert data.count(b"BEGIN:VCARD") == 3  # archived people are not exported
    assert data.count(b"\r\nVERSION:4.0\r\n") == 3
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    path = tmp_path / "book.vcf"
    path.write_bytes(data)
    fresh = str(tmp_path / "fresh.db")
    assert sorted(pln.json("--db", fresh, "import", str(path))["added"]) == sorted(
        ["Zoë Ångström-Łukasz", "李小龍", "Solo"]
    )
    keys = ("name", "emails", "phones", "org", "topics")

    def people(*db: str) -> list[tuple[Any, ...]]:
        out = []
        for p in pln.json(*db, "list"):
            shown = pln.json(*db, "show", f"#{p['id']}")
            out.append(tuple(json.dumps(shown[k]) for k in keys))
        return sorted(out)

    assert people("--db", fresh) == people()
    assert pln.json("--db", fresh, "show", "Zoë")["role"] == "Head, Science"


def test_export_ics_has_one_event_per_open_follow_up(pln: Any, small_book: None) -> None:
    from icalendar import Calendar

    from plncli.dates import parse_interval
    from plncli.formats.feed import person_key, series_uid

    def key(pid: int) -> str:  # the person in an event's UID: their UID's UUID
        return person_key(pln.json("show", f"#{pid}")["uid"], pid)

    cal = Calendar.from_ical(pln("export", "--format", "ics").stdout_bytes)
    events = list(cal.walk("VEVENT"))
    by_uid = {str(e["UID"]): e for e in events}
    assert len(by_uid) == len(events)
    open_fus = pln.json("reminders")  # state open
    assert len(open_fus) == 2
    for fu in open_fus:  # a recurring one (Ben's, every 2w) is one event for the series
        every = fu["every"] and parse_interval(fu["every"])
        pid = fu["person"]["id"]
        uid = series_uid(key(pid), fu["note"], every) if every else None
        event = by_uid[uid or f"followup-{fu['id']}-{key(pid)}@pln"]
        assert event.decoded("DTSTART") == date.fromisoformat(fu["due"])
        assert fu["person"]["name"] in str(event["SUMMARY"])
    assert not [u for u in by_uid if u.startswith("followup-3-")]  # done
    # Ana and Ben have follow-ups (the plan); Carla is `following` (no cadence): no reconnects
    assert {u for u in by_uid if not u.startswith("followup-")} == set()
    # with no follow-up left, Ben's keep-in-touch date (network: 60 days) appears
    pln("drop", "2")
    cal = Calendar.from_ical(pln("export", "--format", "ics").stdout_bytes)
    uids = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(uids) == {f"followup-1-{key(1)}@pln", f"reconnect-{key(2)}@pln"}
    assert uids[f"reconnect-{key(2)}@pln"].decoded("DTSTART") == date(2027, 1, 22)
    for e in uids.values():
        assert TODAY <= e.decoded("DTSTART") <= date(2027, 11, 23)


# ---------------------------------------------------------------- 5. JSON round trip


def build_rich_book(pln: Any, tmp_path: Path) -> None:
    """Every kind of row pln keeps, made through the CLI."""
    pln(
        "add",
        "Ana Ruiz",
        "--email",
        "ana@example.org",
        "--email",
        "ana2@example.org",
        "--phone",
        "+44 1111",
        "--org",
        "Hillside",
        "--role",
        "Head of Maths",
        "--location",
        "Leeds",
        "--link",
        "https://ana.example",
        "--circle",
        "colleague",
        "--every",
        "30d",
        "--topic",
        "assessment",
        "--topic",
        "retrieval practice",
        "--offers",
        "quiz design",
        "--seeks",
        "oracy",
        "--role-tag",
        "mentor",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-09-05",
        "--note",
        "Likes tea\nand cake",
    )
    pln(
        "add",
        "Ben Okafor",
        "--email",
        "ben@example.org",
        "--org",
        "Northfield",
        "--topic",
        "oracy",
        "--offers",
        "oracy",
        "--seeks",
        "quiz design",
        "--met-at",
        "researchED 2026",
        "--on",
        "2026-09-05",
        "--introduced-by",
        "Ana",
    )
    pln("add", "Carla Díaz", "--org", "Hillside", "--topic", "assessment", "--circle", "following")
    pln("add", "Dev Patel", "--topic", "assessment", "--topic", "oracy", "--location", "Leeds")
    pln("add", "Eve 陳", "--topic", "retrieval practice", "--seeks", "assessment")
    pln("add", "Finn Old", "--topic", "assessment", "--follow-up", "in 5 days")
    pln("add", "Gita Rao", "--topic", "cognitive load", "--offers", "coaching", "--org", "Oakfield")
    pln("add", "Hugo Lind", "--topic", "cognitive load", "--seeks", "coaching", "--org", "Oakfield")
    csv_path = write_csv(
        tmp_path / "extra.csv",
        [
            ["name", "email", "birthday", "knows", "met_at", "met_on", "topics"],
            ["Iris Kim", "iris@example.org", "1990-04-01", "Gita Rao", "BETT", "2026-01-20", "ai"],
        ],
    )
    pln("import", csv_path)
    pln(
        "log",
        "Ana",
        "-m",
        "Coffee: swapped quiz designs",
        "--kind",
        "coffee",
        "--on",
        "2026-11-20 15:30",
    )
    pln(
        "log",
        "Ana",
        "Ben",
        "Dev",
        "-m",
        "Group chat",
        "--kind",
        "message",
        "--on",
        "yesterday",
        "--topic",
        "oracy",
    )
    pln("group", "add", "Book club", "Dev", "Eve", "Iris")
    pln("log", "--group", "Book club", "-m", "Read Make It Stick", "--on", "2026-11-01")
    pln("remind", "Ana", "in 3 days", "-m", "Send the quiz bank")
    with pinned_today(date(2026, 11, 20)):  # an overdue series: made when it was due
        pln("remind", "Ben", "2026-11-20", "-m", "Weekly check", "--every", "weekly")
    pln("remind", "Dev", "tomorrow", "-m", "will be done")
    pln("remind", "Eve", "next friday", "-m", "will be dropped")
    fus = {f["note"]: f["id"] for f in pln.json("reminders")}
    pln("done", str(fus["will be done"]))
    pln("done", str(fus["Weekly check"]))  # recurring: rolls forward
    pln("drop", str(fus["will be dropped"]))
    pln("knows", "Ana", "Carla", "--since", "2025-01-01", "-m", "same department")
    pln("introduce", "Ana", "Eve", "-m", "both on retrieval practice")
    pln("intro", "asked", "Ana", "Eve")
    pln("intro", "made", "Ana", "Eve")
    pln("introduce", "Ben", "Gita")
    pln("introduce", "Carla", "Hugo", "--dismiss", "--until", "2027-01-01")
    pln("introduce", "Dev", "Hugo", "--dismiss")
    pln("private", "topic", "oracy")
    pln("private", "event", "BETT")
    pln("archive", "Finn")


READS = [
    ("list",),
    ("list", "--archived"),
    ("due",),
    ("due", "--within", "30d"),
    ("introduce",),
    ("introduce", "--include-following"),
    ("intros",),
    ("reminders", "--state", "all"),
    ("events",),
    ("group", "list"),
    ("group", "show", "Book club"),
    ("private",),
    ("who", "assessment"),
]


@pytest.mark.slow
def test_json_export_restores_the_whole_book(pln: Any, db_path: Path, tmp_path: Path) -> None:
    build_rich_book(pln, tmp_path)
    original = export_doc(pln)
    tables = original["tables"]
    for table in (
        "event",
        "person",
        "person_attr",
        "interaction",
        "interaction_person",
        "interaction_topic",
        "followup",
        "tie",
        "pgroup",
        "pgroup_member",
        "introduction",
        "intro_followup",
        "dismissal",
        "private_mark",
    ):
        assert tables[table], f"the book should have {table} rows for this test to mean much"
    assert {f["state"] for f in tables["followup"]} == {"open", "done", "dropped"}
    assert pln.json("introduce"), "want at least one suggestion to compare"

    f = tmp_path / "f.json"
    pln("export", "--format", "json", "-o", str(f))
    assert mode(f) == 0o600
    new = str(tmp_path / "new.db")
    restored = pln.json("--db", new, "import", str(f))
    assert restored["restored"] is True
    assert restored["tables"]["person"] == len(tables["person"])
    assert export_doc(pln, "--db", new) == original
    for args in READS:
        assert pln.json(*args) == pln.json("--db", new, *args), args
    for person in tables["person"]:
        ref = f"#{person['id']}"
        assert pln.json("show", ref, "--all") == pln.json("--db", new, "show", ref, "--all")
        knows = [run(pln, *db, "knows", ref, "--json") for db in ((), ("--db", new))]
        assert [(r.exit_code, r.stdout, r.stderr) for r in knows][0] == (
            (knows[1].exit_code, knows[1].stdout, knows[1].stderr)
        )
    # search rebuilt: the same people found (when the two books' engines differ, equal ranks
    # may come in either order and the snippet shown may be another matching fragment)
    assert _found(pln.json("find", "quiz")) == _found(pln.json("--db", new, "find", "quiz"))
    assert pln.json("--db", new, "db", "check")["healthy"] is True


def test_json_import_into_a_non_empty_book_is_a_conflict(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    other = str(tmp_path / "other.db")
    pln("--db", other, "add", "Ana Ruiz", "--email", "ana@example.org")
    pln("--db", other, "log", "Ana", "-m", "hello")
    f = tmp_path / "f.json"
    pln("--db", other, "export", "-o", str(f))
    pln("add", "Zed Zulu")
    pln("archive", "Zed")  # archived people count too
    line, _, _ = fails(pln, dump, 5, "import", str(f))
    assert "empty" in line
    fails(pln, dump, 5, "import", str(f), "--format", "json")


def test_json_import_into_a_book_with_only_a_group_is_a_conflict(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    other = str(tmp_path / "other.db")
    pln("--db", other, "add", "Ana Ruiz")
    pln("--db", other, "group", "add", "Book club", "Ana")
    f = tmp_path / "f.json"
    pln("--db", other, "export", "-o", str(f))
    pln("group", "add", "Staff room")
    fails(pln, dump, 5, "import", str(f))


DAMAGED_EXPORTS = {
    "a row that is not an object": lambda doc: doc["tables"].update(person=[[1, "Ana"]]),
    "a row without a required column": lambda doc: doc["tables"]["person"][0].pop("name"),
}


@pytest.mark.parametrize("damage", list(DAMAGED_EXPORTS))
def test_damaged_json_export_is_bad_input(
    pln: Any, dump: Dump, tmp_path: Path, damage: str
) -> None:
    other = str(tmp_path / "other.db")
    pln("--db", other, "add", "Ana Ruiz")
    doc = json.loads(pln("--db", other, "export").stdout)
    DAMAGED_EXPORTS[damage](doc)
    f = tmp_path / "damaged.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    from plncli.db import open_store  # an empty book, as a restore needs (reads create none)

    open_store(Path(os.environ["PLN_HOME"]) / "pln.db", create_parent=True).close()
    fails(pln, dump, 2, "import", str(f), listed=True)  # the problems, listed


def test_json_dry_run_restores_nothing(pln: Any, tmp_path: Path) -> None:
    other = str(tmp_path / "other.db")
    pln("--db", other, "add", "Ana Ruiz", "Ben Okafor")
    f = tmp_path / "f.json"
    pln("--db", other, "export", "-o", str(f))
    doc = pln.json("import", str(f), "--dry-run")
    assert doc["restored"] is False
    assert doc["tables"]["person"] == 2
    assert pln.json("list") == []


LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèüñçøÅÉłŞßğ陳李王明花子 "
names_st = st.text(alphabet=LETTERS, min_size=1, max_size=24).map(str.strip).filter(bool)
emails_st = st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z]{1,10}\.(org|com|example)", fullmatch=True)
TOPICS = ["assessment", "oracy", "retrieval practice", "cognitive load", "ai", "Lesen"]
person_st = st.fixed_dictionaries(
    {
        "name": names_st,
        "email": st.none() | emails_st,
        "topics": st.lists(st.sampled_from(TOPICS), max_size=3, unique=True),
        "offers": st.lists(st.sampled_from(TOPICS), max_size=1),
        "seeks": st.lists(st.sampled_from(TOPICS), max_size=1),
        "circle": st.sampled_from(["colleague", "network", "following"]),
    }
)
interaction_st = st.tuples(
    st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True),
    st.sampled_from(["coffee", "message", "call", "note"]),
    st.integers(1, 90),
    st.text(alphabet=LETTERS, min_size=1, max_size=30).map(str.strip).filter(bool),
)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(person_st, min_size=1, max_size=4),
    interactions=st.lists(interaction_st, max_size=3),
    reminder=st.none() | st.integers(0, 3),
)
@pytest.mark.slow
def test_json_round_trip_of_generated_books(
    pln: Any,
    tmp_path: Path,
    people: list[dict[str, Any]],
    interactions: list[tuple[list[int], str, int, str]],
    reminder: int | None,
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        one = ("--db", str(Path(folder) / "one.db"))
        two = ("--db", str(Path(folder) / "two.db"))
        for p in people:
            args = ["add", "--allow-duplicate", "--circle", p["circle"]]
            args += ["--email", p["email"]] if p["email"] else []
            for opt in ("topics", "offers", "seeks"):
                for t in p[opt]:
                    args += ["--topic" if opt == "topics" else f"--{opt}", t]
            pln(*one, *args, "--", p["name"])
        n = len(people)
        for who, kind, days, note in interactions:
            refs = sorted({f"#{i % n + 1}" for i in who})
            pln(*one, "log", *refs, "-m", note, "--kind", kind, "--on", f"{days} days ago")
        if reminder is not None:
            pln(*one, "remind", f"#{reminder % n + 1}", "in 4 days", "-m", "follow up")
        f = Path(folder) / "f.json"
        pln(*one, "export", "--format", "json", "-o", str(f))
        pln(*two, "import", str(f))
        assert export_doc(pln, *two) == export_doc(pln, *one)
        for read in (("list",), ("due",), ("introduce", "--include-following")):
            assert pln.json(*two, *read) == pln.json(*one, *read)
        for i in range(1, n + 1):
            assert pln.json(*two, "show", f"#{i}") == pln.json(*one, "show", f"#{i}")


# ---------------------------------------------------------------- 6. re-import is idempotent


def test_importing_the_same_csv_twice_changes_nothing_the_second_time(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    rows = [list(r) for r in EVERY_COLUMN] + [
        ["Cleo Marsh"] + [""] * 15,
        ["cleo marsh", "cleo@example.org", "", "Org C"] + [""] * 8 + ["note c", "Ana Ruiz", "", ""],
    ]
    rows[2][13] = "Cleo Marsh"  # Ben knows Cleo
    path = write_csv(tmp_path / "people.csv", rows)
    opts = ("--topic", "conf", "--met-at", "Conf X")
    first = pln.json("import", path, *opts)
    assert first["added"] == ["Ana Ruiz", "Ben Okafor", "Cleo Marsh"]
    book, listed = export_doc(pln), pln.json("list")
    history = pln.json("history")
    second = pln.json("import", path, *opts)
    assert second["added"] == []
    # each record brings nothing new: skipped, and nothing written (stop 27: merged before)
    assert second["merged"] == []
    assert len(second["skipped"]) == 4
    assert pln.json("history") == history
    assert export_doc(pln) == book
    assert pln.json("list") == listed
    # a failed import (one invalid row) changes nothing
    bad = write_csv(tmp_path / "bad.csv", rows + [["Dora New", "dora@"] + [""] * 14])
    line, problems, _ = fails(pln, dump, 2, "import", bad, *opts, listed=True)
    assert problems == ["  line 7: email: 'dora@' does not look like an email address"]
    assert export_doc(pln) == book


# ---------------------------------------------------------------- 7. CSV formula guard, generated


def _valid_line(text: str) -> bool:
    if any(unicodedata.category(c) == "Cc" for c in text) or "\ufffd" in text:
        return False
    clean = " ".join(unicodedata.normalize("NFC", text).split())
    return 0 < len(clean) <= 200 and not invisible_in(clean)  # refused when typed (stop 24)


line_st = st.text(min_size=1, max_size=60).filter(_valid_line)
note_st = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufffd")
    | st.just("\n"),
    max_size=80,
).filter(lambda t: not invisible_in(t, free=True))  # refused when typed (stop 25)
risky_line_st = st.one_of(
    line_st,
    st.tuples(st.sampled_from(["=", "+", "-", "@"]), line_st).map("".join).filter(_valid_line),
)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(
        st.tuples(
            risky_line_st,
            risky_line_st,
            st.one_of(note_st, st.sampled_from(["=1+1", "@SUM(A1)", "-2", "+cmd"])),
            risky_line_st,
        ),
        min_size=1,
        max_size=3,
    )
)
def test_csv_export_never_starts_a_cell_with_a_formula(
    pln: Any, tmp_path: Path, people: list[tuple[str, str, str, str]]
) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        db = ("--db", str(Path(folder) / "f.db"))
        for name, org, note, topic in people:
            pln(
                *db,
                "add",
                "--allow-duplicate",
                f"--org={org}",
                f"--note={note}",
                f"--topic={topic}",
                f"--role={org}",
                "--",
                name,
            )
        rows = csv_rows(pln(*db, "export", "--format", "csv").stdout)
        assert rows[0] == CSV_HEADER
        assert len(rows) == len(people) + 1
        for row in rows[1:]:
            for cell in row:
                assert not cell.startswith(RISKY), (cell, row)


# ---------------------------------------------------------------- 8. merge


@pytest.fixture
def merge_book(pln: Any) -> dict[str, Any]:
    pln(
        "add",
        "Ana Ruiz",
        "--email",
        "ana@example.org",
        "--topic",
        "assessment",
        "--note",
        "keep note",
    )
    pln(
        "add",
        "Ana R",
        "--allow-duplicate",
        "--email",
        "ana@work.example",
        "--org",
        "Hillside",
        "--role",
        "Head",
        "--phone",
        "+44 1",
        "--topic",
        "oracy",
        "--topic",
        "assessment",
        "--location",
        "Leeds",
        "--note",
        "other note",
        "--met-at",
        "Conf",
        "--on",
        "2026-10-01",
    )
    pln("add", "Ben Okafor", "Carl Lee", "Dan Moss", "Eva Green")
    pln("log", "Ana R", "Ben", "-m", "chat with other", "--on", "yesterday")
    pln("log", "Ana Ruiz", "-m", "keep's own", "--on", "2 days ago")
    pln("remind", "Ana R", "tomorrow", "-m", "other's follow-up")
    pln("introduce", "Ana Ruiz", "Ana R")  # an introduction between the two records
    pln("knows", "Ana R", "Carl")
    pln("knows", "Ana Ruiz", "Ana R")  # a tie between the two records
    pln("group", "add", "Staff", "Ana R", "Dan")
    pln("introduce", "Ana R", "Eva")
    return {"keep": 1, "other": 2}


def test_merge_moves_everything_to_keep_and_archives_other(
    pln: Any, db_path: Path, merge_book: dict[str, Any]
) -> None:
    result = pln("merge", "Ana Ruiz", "Ana R", "--yes")
    assert "Merged." in result.stderr
    keep = pln.json("show", "#1")
    assert [i["note"] for i in keep["interactions"]] == ["chat with other", "keep's own"]
    assert keep["interactions"][0]["with"] == ["Ben Okafor"]
    assert [f["note"] for f in keep["followups"]] == ["other's follow-up"]
    assert pln.json("reminders", "--person", "#1")[0]["person"] == {"id": 1, "name": "Ana Ruiz"}
    # KEEP's empty fields filled, what it held kept, list fields united
    assert keep["name"] == "Ana Ruiz"
    assert (keep["org"], keep["role"], keep["location"], keep["met_at"]) == (
        "Hillside",
        "Head",
        "Leeds",
        "Conf",
    )
    assert keep["emails"] == ["ana@example.org", "ana@work.example"]
    assert keep["phones"] == ["+44 1"]
    assert sorted(keep["topics"]) == ["assessment", "oracy"]
    assert "keep note" in keep["notes"]
    assert "other note" in keep["notes"]
    assert keep["last_contact"] == "2026-11-22"
    # ties and groups: the tie between the two records is gone, not turned into a self-tie
    knows = {(k["person"]["name"], k["how"]) for k in pln.json("knows", "#1")}
    assert knows == {
        ("Ben Okafor", "interaction"),
        ("Carl Lee", "manual"),
        ("Dan Moss", "group Staff"),
    }
    members = pln.json("group", "show", "Staff")["members"]
    assert [m["id"] for m in members] == [1, 5]  # Dan Moss is #5
    intros = pln.json("intros")
    assert [(i["a"]["id"], i["b"]["id"]) for i in intros] == [(1, 6)]
    # OTHER archived, with nothing left to it
    assert [p["id"] for p in pln.json("list")] == [1, 3, 4, 5, 6]
    archived = pln.json("list", "--archived")
    assert [(p["id"], p["archived"]) for p in archived] == [(2, True)]
    other = pln.json("show", "#2")
    assert other["interactions"] == []
    assert other["followups"] == []
    assert query(db_path, "SELECT count(*) FROM tie WHERE 2 IN (a_id, b_id)") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM introduction WHERE 2 IN (a_id, b_id)") == [(0,)]
    assert query(db_path, "SELECT count(*) FROM pgroup_member WHERE person_id = 2") == [(0,)]
    assert pln.json("db", "check")["healthy"] is True


def test_merge_then_undo_restores_both_exactly(pln: Any, merge_book: dict[str, Any]) -> None:
    before = export_doc(pln)
    shows = [pln.json("show", f"#{i}") for i in (1, 2)]
    pln("merge", "#1", "#2", "--yes")
    assert export_doc(pln) != before
    pln("undo", "--yes")
    assert export_doc(pln) == before
    assert [pln.json("show", f"#{i}") for i in (1, 2)] == shows
    assert pln.json("find", "Hillside")[0]["person"]["id"] == 2  # search index back too


def test_merge_refusals_change_nothing(pln: Any, dump: Dump, merge_book: dict[str, Any]) -> None:
    line, _, result = fails(pln, dump, 2, "merge", "Ana Ruiz", "Ana R")
    assert "--yes" in result.stderr
    for secret in ("Ana", "Ruiz", "ana@", "Hillside", "note", "#1", "#2"):
        assert secret not in result.stderr + result.stdout
    line, _, _ = fails(pln, dump, 2, "merge", "Ana Ruiz", "Ana Ruiz", "--yes")
    assert "same person" in line
    fails(pln, dump, 2, "merge", "#1", "#1", "--yes")
    fails(pln, dump, 3, "merge", "#1", "Nobody Here", "--yes")


def test_merge_of_two_people_without_notes(pln: Any) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ana R", "--allow-duplicate", "--org", "Hillside")
    pln("merge", "Ana Ruiz", "Ana R", "--yes")
    assert pln.json("show", "#1")["org"] == "Hillside"


def test_merge_notes_have_no_stray_newlines(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--note", "keep note")
    pln("add", "Ana R", "--allow-duplicate")
    pln("add", "Ben Okafor")
    pln("add", "Ben O", "--allow-duplicate", "--note", "other note")
    pln("merge", "Ana Ruiz", "Ana R", "--yes")
    pln("merge", "Ben Okafor", "Ben O", "--yes")
    assert pln.json("show", "#1")["notes"] == "keep note"
    assert pln.json("show", "#3")["notes"] == "other note"


# ---------------------------------------------------------------- 9. kill tests


def _env(db: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PLN_DEBUG", "FORCE_COLOR", "PLN_HOME", "PLN_DB")
    }
    env.update(PLN_DB=str(db), PLN_NOW=NOW, TZ="UTC", NO_COLOR="1", COLUMNS="200")
    return env


def _argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "plncli", *args]


def _kill_after(argv: list[str], env: dict[str, str], delay: float) -> int:
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        return proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _spread(rng: random.Random, n: int, lo: float, hi: float) -> list[float]:
    width = (hi - lo) / n
    return [rng.uniform(lo + i * width, lo + (i + 1) * width) for i in range(n)]


def _count(db: Path) -> int:
    return int(query(db, "SELECT count(*) FROM person")[0][0])


def _healthy(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def _figure(line: str) -> None:
    FIGURES.append(line)
    print(f"\n[transfer] {line}")  # noqa: T201 (shown with -s)


BASE_PEOPLE = 1_000
BIG_IMPORT = 10_000  # enough rows for a kill to land mid-write; 20,000 took 37 s of the suite


@pytest.mark.slow
def test_killed_import_leaves_the_book_before_or_after(tmp_path: Path) -> None:
    base_csv = write_csv(
        tmp_path / "base.csv",
        [["name", "org"]] + [[f"Base {i}", f"School {i % 40}"] for i in range(BASE_PEOPLE)],
    )
    big_csv = write_csv(
        tmp_path / "big.csv",
        [["name", "org", "location"]]
        + [[f"Imported {i}", f"Org {i % 97}", f"Town {i % 13}"] for i in range(BIG_IMPORT)],
    )
    pristine = tmp_path / "pristine.db"
    done = subprocess.run(
        _argv("import", base_csv), env=_env(pristine), capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert _count(pristine) == BASE_PEOPLE
    work = tmp_path / "work.db"

    def fresh() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(pristine, work)

    # one full run, watching (read-only) for the moment the new people become visible
    fresh()
    argv = _argv("import", big_csv)
    start = time.monotonic()
    proc = subprocess.Popen(argv, env=_env(work), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    committed: float | None = None
    while proc.poll() is None and time.monotonic() - start < 60:
        if committed is None:
            try:
                conn = sqlite3.connect(f"file:{work}?mode=ro", uri=True, timeout=0.05)
                try:
                    if conn.execute("SELECT count(*) FROM person").fetchone()[0] > BASE_PEOPLE:
                        committed = time.monotonic() - start
                finally:
                    conn.close()
            except sqlite3.Error:
                pass
        time.sleep(0.01)
    assert proc.wait(timeout=60) == 0
    duration = time.monotonic() - start
    commit_at = committed if committed is not None else duration * 0.95
    assert _count(work) == BASE_PEOPLE + BIG_IMPORT

    rng = random.Random(SEED)
    delays = _spread(rng, 5, 0.05, duration)
    # and four around the commit: two just before the new rows became visible, two just after
    delays += [
        max(0.05, commit_at + rng.uniform(lo, lo + 0.03)) for lo in (-0.08, -0.04, 0.0, 0.02)
    ]
    outcomes = {"before": 0, "after": 0}
    for delay in delays:
        fresh()
        code = _kill_after(argv, _env(work), delay)
        assert code in (0, -signal.SIGKILL), f"pln import exited {code}"
        _healthy(work)
        people = _count(work)
        assert people in (BASE_PEOPLE, BASE_PEOPLE + BIG_IMPORT), (
            f"a kill at {delay * 1000:.0f} ms left {people - BASE_PEOPLE} of {BIG_IMPORT} new"
        )
        outcomes["before" if people == BASE_PEOPLE else "after"] += 1
        assert query(work, "SELECT count(*) FROM change_log WHERE summary = '(open)'") == [(0,)]
    assert sum(outcomes.values()) >= 6
    _figure(
        f"killed import: {len(delays)} kills of `pln import` of {BIG_IMPORT:,} rows into"
        f" {BASE_PEOPLE:,} people (run {duration * 1000:.0f} ms, new rows visible at"
        f" {commit_at * 1000:.0f} ms): {outcomes['before']} before, {outcomes['after']} after"
    )


EXPORT_PEOPLE = 20_000


def _big_book(db: Path) -> None:
    from plncli.db import open_store, to_db_time, transaction

    stamp = to_db_time(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    conn = open_store(db, create_parent=True)
    try:
        with transaction(conn, str(db), record=False):
            conn.executemany(
                "INSERT INTO person (id, name, name_key, org, circle, notes, created_at,"
                " updated_at) VALUES (?,?,?,?,?,?,?,?)",
                [
                    (
                        i,
                        f"Person {i}",
                        fold(f"Person {i}"),
                        f"Org {i % 50}",
                        "network",
                        f"notes about person {i}",
                        stamp,
                        stamp,
                    )
                    for i in range(1, EXPORT_PEOPLE + 1)
                ],
            )
            conn.executemany(
                "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?,?,?,?)",
                [
                    (i, "email", f"p{i}@example.org", f"p{i}@example.org")
                    for i in range(1, EXPORT_PEOPLE + 1)
                ],
            )
    finally:
        conn.close()


@pytest.mark.slow
def test_killed_export_leaves_no_partial_file(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    _big_book(db)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.json"
    argv = _argv("export", "--format", "json", "-o", str(out))
    env = _env(db)

    def temps() -> list[Path]:
        return sorted(folder.glob(".out.json.tmp-*"))

    start = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tmp_seen: float | None = None
    while proc.poll() is None and time.monotonic() - start < 60:
        if tmp_seen is None and temps():
            tmp_seen = time.monotonic() - start
        time.sleep(0.002)
    assert proc.wait(timeout=60) == 0
    duration = time.monotonic() - start
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["tables"]["person"]) == EXPORT_PEOPLE
    write_at = tmp_seen if tmp_seen is not None else duration * 0.9

    rng = random.Random(SEED + 1)
    delays = _spread(rng, 5, 0.05, duration)
    delays += [max(0.05, write_at + rng.uniform(-0.02, 0.03)) for _ in range(3)]
    outcomes = {"absent": 0, "complete": 0}
    leftovers = 0
    for delay in delays:
        out.unlink(missing_ok=True)
        code = _kill_after(argv, env, delay)
        assert code in (0, -signal.SIGKILL), f"pln export exited {code}"
        if out.exists():
            assert mode(out) == 0o600
            doc = json.loads(out.read_text(encoding="utf-8"))  # complete, valid JSON
            assert len(doc["tables"]["person"]) == EXPORT_PEOPLE
            outcomes["complete"] += 1
        else:
            outcomes["absent"] += 1
        for t in temps():
            assert mode(t) == 0o600, f"{t.name} is {oct(mode(t))}"
        names = {p.name for p in folder.iterdir()} - {"out.json"}
        assert all(n.startswith(".out.json.tmp-") for n in names), names
        leftovers = max(leftovers, len(temps()))
    planted = False
    if not temps():  # no kill landed while the file was written: leave one as a killed pln would
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        (folder / f".out.json.tmp-{dead.pid}").write_bytes(b'{"pln_export": 1, "tab')
        planted = True
    assert temps()
    out.unlink(missing_ok=True)  # an existing out.json is refused without --force
    done = subprocess.run(argv, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert temps() == [], "the next export should remove stale temporary files"
    assert sorted(p.name for p in folder.iterdir()) == ["out.json"]
    assert len(json.loads(out.read_text(encoding="utf-8"))["tables"]["person"]) == EXPORT_PEOPLE
    _figure(
        f"killed export: {len(delays)} kills of `pln export -o` of {EXPORT_PEOPLE:,} people (run"
        f" {duration * 1000:.0f} ms, temp file seen at {write_at * 1000:.0f} ms):"
        f" {outcomes['absent']} left no out.json, {outcomes['complete']} a complete one;"
        f" up to {leftovers} temp file(s) left by kills{' (one planted)' if planted else ''},"
        f" all removed by the next export"
    )


def _import_on_a_terminal(tmp_path: Path, rows: int) -> str:
    """Run an import with stderr on a pseudo-terminal; return what it showed there."""
    import os
    import pty
    import subprocess
    import sys

    csv_path = tmp_path / f"people-{rows}.csv"
    csv_path.write_text(
        "name,email\n" + "".join(f"Tty Person {i},tty{i}@example.org\n" for i in range(rows)),
        encoding="utf-8",
    )
    main, secondary = pty.openpty()
    env = {**os.environ, "PLN_DB": str(tmp_path / f"tty-{rows}.db"), "TERM": "xterm"}
    proc = subprocess.run(
        [sys.executable, "-m", "plncli", "import", str(csv_path)],
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
        check=False,
        timeout=120,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert proc.returncode == 0
    return shown.decode("utf-8", "replace")


def test_large_imports_show_progress_on_a_terminal_only(tmp_path: Path) -> None:
    assert "checking 3,000 records" in _import_on_a_terminal(tmp_path, 3000)
    assert "checking" not in _import_on_a_terminal(tmp_path, 100)


def _found(hits: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return sorted((int(h["person"]["id"]), str(h["person"]["name"])) for h in hits)
