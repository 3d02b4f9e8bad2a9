"""Issue 14, "a stable identity per person": every person has an RFC 6350 UID, given once
by whatever path they came in (add, interactive add, import, restore) and never changed;
vCard import keeps the card's, vCard export writes it, and an import matches by it before
email and name, so a contact edited elsewhere comes back as the same person."""

import itertools
import json
import re
import sqlite3
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import change, query
from plncli.migrations import MIGRATIONS

UID = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def uids(db: Path) -> dict[str, str]:
    return dict(query(db, "SELECT name, uid FROM person ORDER BY id"))


def card(uid: str, name: str, email: str = "", phone: str = "", version: str = "4.0") -> str:
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"UID:{uid}", f"FN:{name}"]
    lines += [f"EMAIL:{email}"] * bool(email) + [f"TEL:{phone}"] * bool(phone)
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


def test_every_way_in_gives_one_uid_that_never_changes(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org")
    pln("add", "-i", input="Ben Okafor\n\n\n\n\n\n\n\n\n")
    people = tmp_path / "people.csv"
    people.write_text("name,email\nCarla Diaz,carla@example.org\n", encoding="utf-8")
    pln("import", str(people))
    found = uids(db_path)
    assert set(found) == {"Ana Ruiz", "Ben Okafor", "Carla Diaz"}
    assert all(UID.fullmatch(u) for u in found.values()), found
    assert len(set(found.values())) == 3
    # what the user sees
    assert pln.json("show", "Ana")["uid"] == found["Ana Ruiz"]
    # never changed: by an edit, an archive, a merge (the survivor keeps its own)
    pln("edit", "Ana", "--name", "Ana Ruiz-Garcia", "--email", "ana2@example.org")
    pln("archive", "Ben")
    pln("restore", "Ben")
    pln("merge", "Carla", "Ben", "--yes")
    after = uids(db_path)
    assert after["Ana Ruiz-Garcia"] == found["Ana Ruiz"]
    assert after["Carla Diaz"] == found["Carla Diaz"]
    assert after["Ben Okafor"] == found["Ben Okafor"]  # archived, with their own


def test_a_cards_uid_is_kept_written_back_and_unique(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    f = tmp_path / "in.vcf"
    f.write_text(
        card("4C1F0E1A-ABCD-1234", "Ana Ruiz", "ana@example.org")
        + card("weird uid, with; text", "Ben Okafor", version="3.0"),
        encoding="utf-8",
    )
    pln("import", str(f))
    assert uids(db_path) == {
        "Ana Ruiz": "4C1F0E1A-ABCD-1234",
        "Ben Okafor": "weird uid, with; text",
    }
    out = pln("export", "--format", "vcard").stdout.splitlines()
    assert "UID;VALUE=text:4C1F0E1A-ABCD-1234" in out  # not a URI: said to be text
    assert "UID;VALUE=text:weird uid\\, with\\; text" in out
    # "add anyway" a card whose UID is taken: a new person, with a UID of their own
    g = tmp_path / "again.vcf"
    g.write_text(card("4C1F0E1A-ABCD-1234", "Ana Ruiz"), encoding="utf-8")
    pln("import", str(g), "--on-duplicate", "add")
    taken = query(db_path, "SELECT uid FROM person WHERE name = 'Ana Ruiz' ORDER BY id")
    assert taken[0] == ("4C1F0E1A-ABCD-1234",)
    assert UID.fullmatch(taken[1][0])
    # two people can never share one (the unique index)
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        change(db_path, "UPDATE person SET uid = ? WHERE id = 2", "4C1F0E1A-ABCD-1234")


def test_a_card_edited_elsewhere_updates_the_same_person(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--phone", "+44 20 1111")
    pln("edit", "Ana", "--topic", "assessment", "--org", "Hillside", "--note", "met at INSET")
    pln("add", "Ben Okafor")
    out = tmp_path / "out.vcf"
    pln("export", "--format", "vcard", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    text = text.replace("FN:Ana Ruiz", "FN:Ana García").replace("N:Ruiz;Ana;;;", "N:García;Ana;;;")
    text = text.replace("EMAIL:ana@example.org", "EMAIL:ana@school.example")
    text = text.replace("TEL:+44 20 1111", "TEL:+44 20 2222")
    out.write_text(text, encoding="utf-8")
    before = uids(db_path)
    done = pln("import", str(out), "--json")
    doc = json.loads(done.stdout)
    assert doc["added"] == []
    assert [m["into"]["id"] for m in doc["merged"]] == [1]
    assert [s["existing"]["id"] for s in doc["skipped"]] == [2]  # Ben's card: nothing new
    ana = pln.json("show", "#1")
    assert (ana["name"], ana["emails"], ana["phones"]) == (
        "Ana García",
        ["ana@school.example"],
        ["+44 20 2222"],
    )
    assert (ana["org"], ana["topics"], ana["notes"]) == ("Hillside", ["assessment"], "met at INSET")
    assert uids(db_path) == {"Ana García": before["Ana Ruiz"], "Ben Okafor": before["Ben Okafor"]}
    assert pln("list", "--json").stdout.count('"id"') == 2
    # the update is one change, undone as one
    pln("undo", "--yes")
    assert pln.json("show", "#1")["emails"] == ["ana@example.org"]
    assert pln.json("show", "#1")["name"] == "Ana Ruiz"


_BOOKS = itertools.count()
WORDS = st.text(string.ascii_letters, min_size=2, max_size=10)


@pytest.mark.sqlite_only(reason="many imports per example; the UID match is engine-free SQL")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    given_name=WORDS,
    family=WORDS,
    user=st.text(string.ascii_lowercase, min_size=1, max_size=8),
    phone=st.integers(1000, 99999999),
    edits=st.sets(st.sampled_from(["name", "email", "phone"]), min_size=1),
)
def test_any_edit_of_an_exported_card_comes_back_to_the_same_person(
    pln: Any, tmp_path: Path, given_name: str, family: str, user: str, phone: int, edits: set[str]
) -> None:
    book = str(tmp_path / f"book{next(_BOOKS)}.db")  # one per example (tmp_path is shared)
    pln("--db", book, "add", "Ana Ruiz", "--email", "ana@example.org", "--phone", "+44 1")
    pln("--db", book, "add", "Ana Ruizz", "--email", "ana2@example.org", "--allow-duplicate")
    text = pln("--db", book, "export", "--format", "vcard").stdout.replace("\r\n", "\n")
    new_name = f"{given_name} {family}"
    if "name" in edits:
        text = text.replace("FN:Ana Ruiz\n", f"FN:{new_name}\n", 1)
    if "email" in edits:
        text = text.replace("EMAIL:ana@example.org", f"EMAIL:{user}@elsewhere.example")
    if "phone" in edits:
        text = text.replace("TEL:+44 1\n", f"TEL:+{phone}\n")
    f = tmp_path / "edited.vcf"
    f.write_text(text, encoding="utf-8")
    pln("--db", book, "import", str(f))
    people = pln.json("--db", book, "list")
    assert len(people) == 2  # no duplicate, whatever was changed
    ana = pln.json("--db", book, "show", "#1")
    assert ana["name"] == (new_name if "name" in edits else "Ana Ruiz")
    assert ana["emails"] == [f"{user}@elsewhere.example" if "email" in edits else "ana@example.org"]
    assert ana["phones"] == [f"+{phone}" if "phone" in edits else "+44 1"]
    assert pln.json("--db", book, "show", "#2")["emails"] == ["ana2@example.org"]


def test_json_export_and_restore_carry_the_uid(pln: Any, db_path: Path, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    f = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(f))
    doc = json.loads(f.read_text(encoding="utf-8"))
    held = {p["name"]: p["uid"] for p in doc["tables"]["person"]}
    assert held == uids(db_path)
    restored = str(tmp_path / "restored.db")
    pln("--db", restored, "import", str(f))
    assert {p["name"]: p["uid"] for p in _people(pln, restored)} == held
    # an export from before UIDs (schema 5): each person restored gets a new one
    for p in doc["tables"]["person"]:
        del p["uid"]
    doc["schema_version"] = 5
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    older = str(tmp_path / "older.db")
    pln("--db", older, "import", str(old))
    got = [p["uid"] for p in _people(pln, older)]
    assert all(UID.fullmatch(u) for u in got)
    assert len(set(got)) == 2
    assert set(got).isdisjoint(held.values())


def _people(pln: Any, book: str) -> list[dict[str, Any]]:
    return [pln.json("--db", book, "show", f"#{p['id']}") for p in pln.json("--db", book, "list")]


def test_a_bad_uid_in_a_restored_export_is_refused(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz")
    f = tmp_path / "book.json"
    pln("export", "--format", "json", "-o", str(f))
    doc = json.loads(f.read_text(encoding="utf-8"))
    doc["tables"]["person"][0]["uid"] = "bad\x07uid"
    f.write_text(json.dumps(doc), encoding="utf-8")
    other = str(tmp_path / "other.db")
    result = pln("--db", other, "import", str(f), code=2)
    assert "uid" in result.stderr
    assert not Path(other).exists()


def _schema5_book(path: Path) -> None:
    """A personal book as pln made it before UIDs: migrations 1 to 5, with two people."""
    conn = sqlite3.connect(path, isolation_level=None)
    for _name, steps in MIGRATIONS[:5]:
        for statement in steps(conn):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    stamp = "2026-11-20 10:00:00.000000"
    for pid, name in ((1, "Ana Ruiz"), (2, "Ben Okafor")):
        conn.execute(
            "INSERT INTO person (id, name, name_key, circle, notes, created_at, updated_at)"
            " VALUES (?, ?, ?, 'network', '', ?, ?)",
            (pid, name, name.lower(), stamp, stamp),
        )
    conn.close()


@pytest.mark.sqlite_only(reason="SQLite's own migration of a personal book on open")
def test_a_personal_book_at_schema_5_gets_uids_on_open_with_a_backup(
    pln: Any, tmp_path: Path
) -> None:
    book = tmp_path / "old.db"
    _schema5_book(book)
    people = pln.json("--db", str(book), "list")
    assert [p["name"] for p in people] == ["Ana Ruiz", "Ben Okafor"]
    got = dict(sqlite3.connect(book).execute("SELECT name, uid FROM person").fetchall())
    assert all(UID.fullmatch(u) for u in got.values())
    assert len(set(got.values())) == 2
    assert sqlite3.connect(book).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert list(tmp_path.glob("old.db.schema5-*.bak"))
    # the undo triggers were made again with the new column: an edit's undo step holds the
    # UID, and undoing the edit leaves every person with the UID they had
    pln("--db", str(book), "edit", "Ana", "--name", "Ana García")
    steps = sqlite3.connect(book).execute("SELECT sql FROM undo_step").fetchall()
    assert any(got["Ana Ruiz"] in s for (s,) in steps)
    pln("--db", str(book), "undo", "--yes")
    again = dict(sqlite3.connect(book).execute("SELECT name, uid FROM person").fetchall())
    assert again == got
