"""Issue 14, "a vdir": `pln export --format vdir DIR` writes a card per person named by
their UID, rewriting only what changed and removing cards of people gone from the book
only with --delete; `pln import DIR` reads every card back, matched by UID."""

import os
import stat
from pathlib import Path
from typing import Any

from helpers import assert_clean_error, fails, query


def _cards(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.vcf"))}


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.vcf")}


def _uid(db: Path, name: str) -> str:
    return str(query(db, "SELECT uid FROM person WHERE name = ?", name)[0][0])


def test_export_writes_a_private_card_per_person_and_only_what_changed(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--phone", "+44 20 1111")
    pln("add", "Ben Okafor", "--org", "Northfield")
    folder = tmp_path / "contacts"
    done = pln("export", "--format", "vdir", str(folder))
    assert done.stderr == f"Wrote 2 cards to {folder} (created); 0 unchanged.\n"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    ana, ben = _uid(db_path, "Ana Ruiz"), _uid(db_path, "Ben Okafor")
    names = {ana.removeprefix("urn:uuid:") + ".vcf", ben.removeprefix("urn:uuid:") + ".vcf"}
    assert set(_cards(folder)) == names
    for p in folder.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    text = (folder / f"{ana.removeprefix('urn:uuid:')}.vcf").read_text(encoding="utf-8")
    assert f"UID:{ana}" in text.splitlines()
    assert "EMAIL:ana@example.org" in text
    assert text.count("BEGIN:VCARD") == 1

    before = _stamps(folder)
    again = pln("export", "--format", "vdir", "-o", str(folder))
    assert again.stderr == f"Wrote 0 cards to {folder}; 2 unchanged.\n"
    assert _stamps(folder) == before  # not rewritten: a sync sees nothing new
    pln("edit", "Ben", "--org", "Hillside")
    assert "Wrote 1 card" in pln("export", "--format", "vdir", str(folder)).stderr
    after = _stamps(folder)
    ana_file = f"{ana.removeprefix('urn:uuid:')}.vcf"
    ben_file = f"{ben.removeprefix('urn:uuid:')}.vcf"
    assert after[ana_file] == before[ana_file]
    assert after[ben_file] != before[ben_file]
    assert "ORG:Hillside" in (folder / ben_file).read_text(encoding="utf-8")


def test_cards_of_people_gone_are_removed_only_with_delete(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    pln("add", "Ben Okafor")
    folder = tmp_path / "contacts"
    pln("export", "--format", "vdir", str(folder))
    # what is not one card with a UID is never touched: another tool's, a group, hidden
    (folder / "notes.vcf").write_text("BEGIN:VCARD\r\nFN:No Uid\r\nEND:VCARD\r\n", "utf-8")
    (folder / ".tmp.vcf").write_text("x", "utf-8")
    (folder / "README").write_text("mine", "utf-8")
    pln("archive", "Ben")
    kept = pln("export", "--format", "vdir", str(folder))
    assert kept.stderr.splitlines() == [
        f"Wrote 0 cards to {folder}; 1 unchanged.",
        "Left 1 card of people no longer in the book (--delete removes them).",
    ]
    ben_file = _uid(db_path, "Ben Okafor").removeprefix("urn:uuid:") + ".vcf"
    assert (folder / ben_file).exists()
    gone = pln("export", "--format", "vdir", str(folder), "--delete")
    assert gone.stderr.splitlines()[1] == "Removed 1 card of people no longer in the book."
    assert not (folder / ben_file).exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".tmp.vcf", "README", "notes.vcf", _uid(db_path, "Ana Ruiz")[9:] + ".vcf"]
    )


def test_a_card_another_tool_named_is_rewritten_in_place(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """A server or vdirsyncer may name a card otherwise: pln writes to the file holding the
    UID (no second card of the person), and leaves it when it says the same in another order."""
    pln("add", "Ana Ruiz", "--email", "ana@example.org")
    folder = tmp_path / "contacts"
    folder.mkdir()
    uid = _uid(db_path, "Ana Ruiz")
    sorted_lines = [  # as Radicale stores a card: its properties sorted, another program
        "BEGIN:VCARD",
        "VERSION:4.0",
        "PRODID:-//Radicale//NONSGML Version 3//EN",
        f"UID:{uid}",
        "EMAIL:ana@example.org",
        "FN:Ana Ruiz",
        "N:Ruiz;Ana;;;",
        "X-PLN-MET-ON:2026-11-23",  # the day `pln add` dated the meeting
        "END:VCARD",
    ]
    theirs = folder / "5f3a.vcf"
    theirs.write_text("\r\n".join(sorted_lines) + "\r\n", "utf-8")
    stamp = theirs.stat().st_mtime_ns
    done = pln("export", "--format", "vdir", str(folder))
    assert done.stderr == f"Wrote 0 cards to {folder}; 1 unchanged.\n"
    assert [p.name for p in folder.iterdir()] == ["5f3a.vcf"]
    assert theirs.stat().st_mtime_ns == stamp
    pln("edit", "Ana", "--org", "Hillside")
    pln("export", "--format", "vdir", str(folder))
    assert [p.name for p in folder.iterdir()] == ["5f3a.vcf"]
    assert "ORG:Hillside" in theirs.read_text(encoding="utf-8")


def test_import_of_a_vdir_reads_every_card_matched_by_uid(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    pln("add", "Ana Ruiz", "--email", "ana@example.org")
    folder = tmp_path / "contacts"
    pln("export", "--format", "vdir", str(folder))
    (card,) = folder.glob("*.vcf")
    card.write_text(card.read_text("utf-8").replace("FN:Ana Ruiz", "FN:Ana García"), "utf-8")
    (folder / "new-one.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-42\r\nFN:Carla Diaz\r\n"
        "EMAIL:carla@example.org\r\nEND:VCARD\r\n",
        "utf-8",
    )
    (folder / ".hidden.vcf").write_text("not a card", "utf-8")
    done = pln("import", str(folder), "--json")
    assert done.stdout.count('"into"') == 1
    people = {p["name"]: p for p in pln.json("list")}
    assert set(people) == {"Ana García", "Carla Diaz"}
    assert _uid(db_path, "Carla Diaz") == "phone-42"
    again = pln("import", str(folder))
    assert "Added 0 people" in again.stderr
    assert "skipped: 2" in again.stderr  # the same cards: nothing new
    assert len(pln.json("list")) == 2


def test_a_vdir_with_a_broken_card_file_imports_nothing_unless_skip_invalid(
    pln: Any, tmp_path: Path, dump: Any
) -> None:
    pln("add", "Ana Ruiz")
    folder = tmp_path / "contacts"
    folder.mkdir()
    (folder / "a.vcf").write_text("BEGIN:VCARD\r\nFN:Ben Okafor\r\nEND:VCARD\r\n", "utf-8")
    (folder / "b.vcf").write_bytes(b"\x89PNG\r\n\x00\x00")
    result = pln("import", str(folder), code=2)
    assert "b.vcf: file: " in result.stderr
    assert "1 invalid record in" in result.stderr
    assert [p["name"] for p in pln.json("list")] == ["Ana Ruiz"]
    pln("import", str(folder), "--skip-invalid")
    assert [p["name"] for p in pln.json("list")] == ["Ana Ruiz", "Ben Okafor"]


def test_vdir_mistakes_are_one_line_and_change_nothing(pln: Any, tmp_path: Path, dump: Any) -> None:
    pln("add", "Ana Ruiz")
    a_file = tmp_path / "file.txt"
    a_file.write_text("mine", "utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    fails(pln, dump, 2, "export", "--format", "vdir")
    fails(pln, dump, 2, "export", "--format", "vdir", str(a_file))
    fails(pln, dump, 2, "export", "--format", "vdir", str(tmp_path / "no" / "such"))
    fails(pln, dump, 2, "export", "--format", "csv", "--delete")
    fails(pln, dump, 2, "export", "x.csv", "-o", "y.csv")
    fails(pln, dump, 2, "import", str(empty))
    fails(pln, dump, 2, "import", str(empty), "--format", "csv")
    assert a_file.read_text("utf-8") == "mine"
    assert not (tmp_path / "no").exists()
    said = assert_clean_error(pln("import", str(empty), code=2))
    assert said == f"error: {empty} holds no .vcf file"
    assert os.listdir(empty) == []
