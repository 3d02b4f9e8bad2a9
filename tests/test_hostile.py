"""Hostile values and files (issue 10, items 7, 8, 9, 11 and 12).

- Item 7: a pln JSON export is checked value by value before it is restored; a crafted one is
  refused whole (exit 2) with its first problems listed, and the new book stays empty.
- Item 8: control characters (C0, C1, bidi overrides and isolates, a carriage return) cannot
  reach a terminal: refused in single-line fields, a CR in a note becomes a line break, and
  everything printed (tables, show, pipes, JSON) is escaped, also values stored by an older pln.
- Item 9: an over-long logical line in an imported file is refused before it is parsed; a
  100 MB line is refused with a peak memory under 200 MB (measured in a subprocess).
- Item 11: hostile files, config and environment end in a one-line error with exit 2 or 7,
  never the exit-1 "internal error"; hypothesis feeds arbitrary values to each.
- Item 12: with PLN_DEBUG=1 the traceback keeps its shape but shows no stored value.

Every test drives the real CLI (the `pln` fixture, or `python -m plncli` in a subprocess where a
real pipe, environment or memory limit is needed) against real files in tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import Dump, assert_clean_error, change, fails, query, shared_book

# what a terminal obeys: C0 (but tab and line feed), DEL, C1, and the bidi controls
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = ["\x1b]0;owned\x07", "\x9b31m", "\x9d8;;http://evil\x9c", "\u202e", "\u2066", "\x85"]


def run(
    *args: str, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[str]:
    """`python -m plncli ARGS` in a subprocess, with this test's environment."""
    return subprocess.run(
        [sys.executable, "-m", "plncli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        **kw,
    )


def raw(pln: Any, *args: str) -> Any:
    """The CLI's result whatever its exit code (``pln(...)`` asserts one)."""
    from plncli.cli import app

    return pln.runner.invoke(app, list(args))


# ---- item 8: control characters ----------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x9b", "\x9d", "\u202e", "\u2066", "\u2069", "\x1b", "\x7f"])
@pytest.mark.parametrize("option", ["name", "--org", "--role", "--location", "--topic"])
def test_single_line_fields_refuse_controls(pln: Any, dump: Dump, option: str, bad: str) -> None:
    pln("add", "Ben Okafor")
    args = [f"Ana{bad}Ruiz"] if option == "name" else ["Ana Ruiz", option, f"x{bad}y"]
    line = fails(pln, dump, 2, "add", *args)
    assert "control characters" in line
    assert not UNSAFE.search(line)


@pytest.mark.parametrize("bad", ["\x9b", "\u202e"])
def test_edit_and_event_names_refuse_controls(pln: Any, dump: Dump, bad: str) -> None:
    pln("add", "Ana Ruiz")
    fails(pln, dump, 2, "edit", "Ana", "--org", f"Evil{bad}Corp")
    fails(pln, dump, 2, "edit", "Ana", "--name", f"Ana{bad}")
    fails(pln, dump, 2, "add", "Ben", "--met-at", f"conf{bad}")
    fails(pln, dump, 2, "group", "add", f"club{bad}", "Ana")


def test_a_carriage_return_in_a_note_becomes_a_line_break(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz", "--note", "first\r\nsecond\rthird")
    pln("log", "Ana", "-m", "coffee\rthen a walk")
    ((notes,),) = query(db_path, "SELECT notes FROM person")
    ((note,),) = query(db_path, "SELECT note FROM interaction")
    assert notes == "first\nsecond\nthird"
    assert note == "coffee\nthen a walk"
    out = pln("show", "Ana").stdout
    assert "\r" not in out
    assert "then a walk" in out


def test_a_note_refuses_c1_controls_but_keeps_bidi_text(
    pln: Any, dump: Dump, db_path: Path
) -> None:
    pln("add", "Ana Ruiz")
    fails(pln, dump, 2, "log", "Ana", "-m", "hi \x9b31m there")
    pln("log", "Ana", "-m", "quoted \u2067عربي\u2069 text")
    assert query(db_path, "SELECT note FROM interaction") == [("quoted \u2067عربي\u2069 text",)]
    out = pln("show", "Ana").stdout
    assert "\\u2067عربي\\u2069" in out
    assert not UNSAFE.search(out)


def _plant(db_path: Path, marker: str) -> None:
    """Store hostile text the way an older pln (or a crafted restore) could have. A NUL
    byte only in a SQLite book: PostgreSQL's text cannot hold one."""
    if "\x00" in marker and shared_book(db_path) is not None:
        assume(False)
    for sql, *args in [
        (
            "UPDATE person SET name = ?, org = ?, role = ?, location = ?, notes = ?",
            *(f"Ana{marker}Ruiz", f"Org{marker}", f"Role{marker}", f"Town{marker}", f"n\r{marker}"),
        ),
        ("UPDATE person_attr SET value = value || ?", marker),
        ("UPDATE interaction SET note = ?, kind = ?", f"met{marker}", f"k{marker}"),
        ("UPDATE followup SET note = ?", f"send{marker}"),
        ("UPDATE event SET name = ?", f"conf{marker}"),
    ]:
        change(db_path, sql, *args)


@pytest.fixture
def planted(pln: Any, db_path: Path) -> Any:
    pln(
        "add",
        "Ana Ruiz",
        "--org",
        "Org",
        "--topic",
        "assessment",
        "--email",
        "ana@example.org",
        "--met-at",
        "X",
    )
    pln("log", "Ana", "-m", "coffee", "--on", "yesterday")
    pln("remind", "Ana", "today", "-m", "send it")
    pln("add", "Ben Okafor", "--topic", "assessment")

    def plant(marker: str) -> None:
        _plant(db_path, marker)

    return plant


READS = [
    ["list"],
    ["list", "--sort", "last-contact"],
    ["show", "Ana"],
    ["show", "#1", "--all"],
    ["due"],
    ["reminders"],
    ["events"],
    ["find", "Org"],
    ["who", "assessment"],
    ["history"],
]


@pytest.mark.parametrize("marker", HOSTILE)
def test_stored_controls_are_escaped_in_every_view(pln: Any, planted: Any, marker: str) -> None:
    planted(marker)
    for args in READS:
        result = pln(*args)
        out = result.stdout + result.stderr
        assert not UNSAFE.search(out), (args, out)
        assert "\r" not in out
    shown = pln("show", "#1").stdout
    escaped = re.sub(
        UNSAFE,
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}",
        marker,
    )
    assert f"Ana{escaped}Ruiz" in shown


@pytest.mark.parametrize("marker", HOSTILE)
def test_json_output_escapes_what_json_dumps_leaves_raw(
    pln: Any, planted: Any, marker: str
) -> None:
    planted(marker)
    for args in (["list"], ["show", "#1"], ["due"], ["reminders"], ["events"]):
        text = pln(*args, "--json").stdout
        assert not UNSAFE.search(text), (args, text)
        assert text.isascii() or "\x85" not in text
    doc = pln.json("show", "#1")
    assert doc["name"] == f"Ana{marker}Ruiz"  # the value itself is unchanged
    assert doc["org"] == f"Org{marker}"


def test_json_export_escapes_controls_and_restores_them(
    pln: Any, planted: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted("\u202e\x9b")
    out = tmp_path / "book.json"
    pln("export", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert not UNSAFE.search(text)
    assert json.loads(text)["tables"]["person"][0]["org"] == "Org\u202e\x9b"


def test_a_pipe_gets_escaped_text_on_the_fast_path(pln: Any, planted: Any) -> None:
    planted("\x1b[2J\x9b31m\u202e")
    for args in (["list"], ["show", "Ana"], ["find", "Org"], ["due"]):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert not UNSAFE.search(result.stdout + result.stderr), (args, result.stdout)
    assert "Org\\x1b[2J\\x9b31m\\u202e" in run("list").stdout


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=12))
def test_no_stored_text_reaches_the_terminal_raw(pln: Any, planted: Any, marker: str) -> None:
    planted(marker)
    for args in (["list"], ["show", "#1"], ["find", "Org"]):
        result = pln(*args)
        assert not UNSAFE.search(result.stdout + result.stderr), (args, marker)


# ---- item 9: a huge line ---------------------------------------------------------------------

MEASURE = """
import resource, subprocess, sys
limit = 1 << 30  # a safety net: an unbounded reader fails here instead of swapping the machine
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, preexec_fn=cap)
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, peak_kib)
sys.stderr.write(done.stderr)
"""


def _huge_line_file(path: Path, head: bytes, tail: bytes, size: int = 100 << 20) -> None:
    with path.open("wb") as fh:
        fh.write(head)
        block = b"x" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
        fh.write(tail)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "head", "tail"),
    [
        ("note.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Ruiz\r\nNOTE:", b"\r\nEND:VCARD\r\n"),
        ("photo.vcf", b"BEGIN:VCARD\nVERSION:4.0\nFN:Ana Ruiz\nPHOTO:data:,", b"\nEND:VCARD\n"),
        ("folded.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ruiz\nNOTE:a\n", b"\nEND:VCARD\n"),
        ("people.csv", b"name,notes\nAna Ruiz,", b"\nBen Okafor,hi\n"),
    ],
)
def test_a_100_mb_line_is_refused_within_200_mb(
    pln: Any, dump: Dump, tmp_path: Path, name: str, head: bytes, tail: bytes
) -> None:
    path = tmp_path / name
    if name == "folded.vcf":  # 100 MB of one NOTE, folded into 1,400,000 continuation lines
        with path.open("wb") as fh:
            fh.write(head)
            chunk = b" " + b"x" * 73 + b"\n"
            for _ in range((100 << 20) // (len(chunk) * 1000) + 1):
                fh.write(chunk * 1000)
            fh.write(tail)
    else:
        _huge_line_file(path, head, tail)
    assert path.stat().st_size >= 100 << 20
    pln("add", "Ben Okafor")
    before = dump()
    cmd = [sys.executable, "-m", "plncli", "import", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, timeout=600
    )
    code, peak_kib = map(int, done.stdout.split())
    print(f"{name}: exit {code}, peak {peak_kib / 1024:.0f} MiB")
    assert code == 2, done.stderr
    assert peak_kib < 200 * 1024
    lines = done.stderr.splitlines()
    assert lines[0].startswith("error: "), lines
    assert "MiB long" in lines[0]
    assert len(lines) <= 2
    assert dump() == before


def test_lines_up_to_the_limit_still_import(pln: Any, tmp_path: Path) -> None:
    """A long photo (set aside, listed) and a long folded note (too long: an invalid record)."""
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 500_000  # 2 MB: over 1 MiB, a photo may
    card = f"BEGIN:VCARD\nVERSION:3.0\nFN:Ana Ruiz\n{photo}\nEND:VCARD\n"
    (tmp_path / "photo.vcf").write_text(card)
    doc = pln.json("import", str(tmp_path / "photo.vcf"))
    assert doc["added"] == ["Ana Ruiz"]
    note = "NOTE:" + "\n ".join(["y" * 70] * 200)  # 14,000 characters, folded
    card = f"BEGIN:VCARD\nVERSION:3.0\nFN:Ben Okafor\n{note}\nEND:VCARD\n"
    (tmp_path / "note.vcf").write_text(card)
    result = pln("import", str(tmp_path / "note.vcf"), code=2)
    assert "card 1: notes: notes is 14000 characters long" in result.stderr
    big = tmp_path / "note.csv"
    big.write_text("name,notes\nCarla Diaz," + "z" * ((1 << 20) - 20) + "\n")
    result = pln("import", str(big), code=2)
    assert "line 2: notes:" in result.stderr  # a record too long, not a file refused


# ---- item 7: a crafted pln JSON export --------------------------------------------------------


@pytest.fixture
def export_doc(pln: Any, tmp_path: Path) -> dict[str, Any]:
    """A book using every table, exported as pln JSON."""
    db = ["--db", str(tmp_path / "source.db")]
    pln(
        *db,
        "add",
        "Ana Ruiz",
        "--email",
        "ana@example.org",
        "--phone",
        "+44 1111",
        "--topic",
        "assessment",
        "--offers",
        "quizzes",
        "--seeks",
        "oracy",
        "--link",
        "https://ana.example",
        "--role-tag",
        "mentor",
        "--met-at",
        "researchED 2026",
        "--org",
        "Hillside",
        "--every",
        "30d",
        "--note",
        "first\nsecond",
    )
    pln(*db, "add", "Ben Okafor", "--topic", "assessment", "--introduced-by", "Ana")
    pln(*db, "add", "Carla Diaz", "--seeks", "quizzes")
    pln(*db, "log", "Ana", "Ben", "-m", "coffee", "--topic", "oracy", "--on", "yesterday")
    pln(*db, "remind", "Ana", "in 3 days", "-m", "send it", "--every", "2w")
    pln(*db, "group", "add", "Book club", "Ana", "Carla")
    pln(*db, "introduce", "Ana", "Carla", "-m", "quizzes")
    pln(*db, "intro", "asked", "Ana", "Carla")
    pln(*db, "introduce", "Ben", "Carla", "--dismiss")
    pln(*db, "private", "topic", "oracy")
    doc: dict[str, Any] = json.loads(pln(*db, "export").stdout)
    assert all(doc["tables"][t] for t in ("tie", "intro_followup", "dismissal", "private_mark"))
    return doc


def _row(doc: dict[str, Any], table: str, n: int = 0) -> dict[str, Any]:
    row: dict[str, Any] = doc["tables"][table][n]
    return row


CRAFTED: dict[str, tuple[str, str, Any]] = {
    # what: (table, column, value) set in the first row of the table
    "an escape sequence in a name": ("person", "name", "Ana\x1b]0;SECRET\x07Ruiz"),
    "a C1 CSI in an organisation": ("person", "org", "Evil\x9b31mSECRET"),
    "a bidi override in an event": ("event", "name", "conf\u202eSECRET"),
    "a control in a topic": ("interaction_topic", "topic", "ora\x9dSECRET"),
    "a control in a note": ("interaction", "note", "hi \x1b[2J SECRET"),
    "an over-long name": ("person", "name", "SECRET" * 50),
    "an impossible date": ("person", "met_on", "2026-02-30"),
    "a date that is not one": ("followup", "due", "SECRET"),
    "an instant that is not one": ("interaction", "at", "SECRET-not-a-time"),
    "an instant at the calendar's end": ("person", "last_contact_at", "9999-12-31 23:59:59.000000"),
    "an instant with a zone": ("person", "created_at", "2026-11-23T10:00:00+05:00"),
    "an unknown circle": ("person", "circle", "SECRET"),
    "an unknown state": ("followup", "state", "SECRET"),
    "an unknown introduction state": ("introduction", "state", "SECRET"),
    "a cadence that is not an interval": ("person", "cadence", "SECRET"),
    "a repeat that is not canonical": ("followup", "every", "fortnightly"),
    "an id that is text": ("person", "id", "1"),
    "an id that is negative": ("event", "id", -1),
    "an id beyond SQLite's integers": ("interaction", "id", 2**64),
    "a boolean id": ("followup", "id", True),
    "a reference to no one": ("followup", "person_id", 999),
    "an introducer who is missing": ("person", "introduced_by_id", 77),
    "a member of no group": ("pgroup_member", "group_id", 5),
    "a name key that does not match": ("person", "name_key", "someone else"),
    "an attribute key that does not match": ("person_attr", "key", "SECRET"),
    "an email that is not one": ("person_attr", "value", "SECRET at nowhere"),
    "a tie in the wrong order": ("tie", "a_id", 3),
    "reasons that are not JSON": ("introduction", "reasons", "[SECRET"),
    "a number for a name": ("person", "name", 42),
    "a missing name": ("person", "name", None),
    "a column no table has": ("person", "SECRET_column", "x"),
}


@pytest.mark.parametrize("what", list(CRAFTED))
def test_a_crafted_export_is_refused_whole(
    pln: Any, dump: Dump, tmp_path: Path, export_doc: dict[str, Any], what: str
) -> None:
    table, column, value = CRAFTED[what]
    good = tmp_path / "good.json"
    good.write_text(json.dumps(export_doc), encoding="utf-8")
    _row(export_doc, table)[column] = value
    bad = tmp_path / "crafted.json"
    bad.write_text(json.dumps(export_doc), encoding="utf-8")
    pln("db", "status")  # an empty book, as a restore needs
    before = dump()
    for args in (["import", str(bad)], ["import", str(bad), "--dry-run"]):
        result = pln(*args, code=2)
        problems, error = result.stderr.splitlines()[:-2], result.stderr.splitlines()[-2]
        assert error.startswith("error: ")
        assert "not a valid pln export" in error
        assert result.stderr.splitlines()[-1].startswith("hint: ")
        assert result.stdout == ""
        assert any(f"{table} row 1" in p and f": {column[:40]}:" in p for p in problems), problems
        assert "SECRET" not in result.stderr.replace("SECRET_column", "")
        assert not UNSAFE.search(result.stderr)
    assert dump() == before
    pln("import", str(good))  # the file as pln wrote it restores
    for args in (["list"], ["show", "Ana"], ["due"], ["export"], ["intros"]):
        pln(*args)


def test_only_the_first_problems_are_listed(
    pln: Any, tmp_path: Path, export_doc: dict[str, Any]
) -> None:
    person = _row(export_doc, "person")
    export_doc["tables"]["person"] = [
        {**person, "id": n, "name": f"P\x9b{n}", "name_key": f"p {n}"} for n in range(1, 41)
    ]
    bad = tmp_path / "crafted.json"
    bad.write_text(json.dumps(export_doc), encoding="utf-8")
    result = pln("import", str(bad), code=2)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 + 2  # twenty of the same problem are one line
    assert lines[0].startswith(
        "  person row 1 (#1), person row 2 (#2), person row 3 (#3) and 17 more: name: "
    )
    assert "the first ones of its problems" in lines[-2]
    assert pln.json("list") == []


def test_a_restored_book_keeps_every_value(
    pln: Any, tmp_path: Path, export_doc: dict[str, Any], db_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(export_doc), encoding="utf-8")
    pln("import", str(good))
    again = json.loads(pln("export").stdout)
    assert again["tables"] == export_doc["tables"]


JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            "never",
            "2w",
            "2026-02-29",
            "2028-02-29",
            "0001-01-01",
            "9999-12-31",
            "2026-11-23 10:00:00",
            "0001-01-01 00:00:00.000000",
            "9998-12-31 23:59:59.999999",
            "1",
            "open",
            "made",
            "following",
        ]
    ),
    st.lists(st.integers(), max_size=2),
)


@pytest.mark.sqlite_only(reason="its books are SQLite files of its own (--db)")
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_restore_either_refuses_or_gives_a_working_book(
    pln: Any, tmp_path: Path, export_doc: dict[str, Any], data: st.DataObject
) -> None:
    doc = json.loads(json.dumps(export_doc))
    for _ in range(data.draw(st.integers(1, 3))):
        table = data.draw(st.sampled_from(sorted(t for t in doc["tables"] if doc["tables"][t])))
        row = data.draw(st.sampled_from(doc["tables"][table]))
        row[data.draw(st.sampled_from(sorted(row)))] = data.draw(JSON_VALUES)
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    db = tmp_path / "target.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = raw(pln, "--db", str(db), "import", str(path))
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 0:
        for args in (
            ["list"],
            ["list", "--sort", "last-contact"],
            ["show", "#1"],
            ["due"],
            ["export"],
            ["export", "--format", "csv"],
            ["export", "--format", "ics"],
            ["export", "--format", "vcard"],
            ["intros"],
            ["introduce"],
            ["events"],
            ["reminders", "--state", "all"],
            ["group", "list"],
            ["private"],
        ):
            done = raw(pln, "--db", str(db), *args)
            assert done.exit_code in (0, 3), (args, done.stderr)


# ---- item 11: the right exit code for hostile files, config and environment ------------------


def test_a_json_file_nested_200000_levels_is_bad_input(
    pln: Any, dump: Dump, tmp_path: Path
) -> None:
    pln("add", "Ben Okafor")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    for args in (["--format", "json"], [], ["--format", "json", "--dry-run"]):
        fails(pln, dump, 2, "import", str(deep), *args)
    crafted = tmp_path / "deep-export.json"
    crafted.write_text('{"pln_export": 1, "tables": ' + "[" * 200_000 + "]" * 200_000 + "}")
    line = fails(pln, dump, 2, "import", str(crafted))
    assert "nested too deeply" in line


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (bytes(range(256)) * 4, "not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "cannot read config file"),
        (b"first_contact_days = 99999999999999999999\n", "first_contact_days must be 0 to 3650"),
        (b"first_contact_days = 999999999\n", "first_contact_days must be 0 to 3650"),
        (b"first_contact_days = -1\n", "first_contact_days must be 0 to 3650"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "cannot read config file"),
    ],
)
def test_a_bad_config_file_is_bad_input(
    pln: Any, dump: Dump, env_setup: Path, content: bytes, why: str
) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "3 days ago")
    (env_setup / "config.toml").write_bytes(content)
    for args in (["due"], ["list"], ["add", "Ben Okafor"], ["export", "--format", "ics"]):
        line = fails(pln, dump, 2, *args)
        assert why in line


@pytest.mark.sqlite_only(reason="where the SQLite file lives (a shared book is a URL)")
@pytest.mark.parametrize("variable", ["PLN_HOME", "XDG_DATA_HOME", "XDG_DATA_HOME/below"])
def test_a_data_directory_that_is_a_file_makes_the_store_unusable(
    pln: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("my notes\n")
    name, _, below = variable.partition("/")
    if name != "PLN_HOME":
        monkeypatch.delenv("PLN_HOME")
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv(name, str(a_file / below) if below else str(a_file))
    for args in (["list"], ["add", "Ana Ruiz"], ["db", "path"], ["due"]):
        line = assert_clean_error(pln(*args, code=7))
        assert "is a file, not a directory" in line
    assert a_file.read_text() == "my notes\n"


def test_an_output_encoding_that_cannot_show_a_name_is_bad_input(pln: Any) -> None:
    pln("add", "Zoë Ñúñez", "--org", "École")
    for args in (["list"], ["show", "#1"], ["find", "Zoe"]):
        result = run(*args, env={"PYTHONIOENCODING": "ascii"})
        assert result.returncode == 2, result.stderr
        assert assert_clean_error(result).startswith("error: the output's encoding (ascii)")
    for args in (["show", "#1", "--json"], ["add", "Ana Ñ", "--json"], ["list", "--json"]):
        result = run(*args, env={"PYTHONIOENCODING": "ascii"})  # JSON: \u escapes, still valid
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii()
    names = {p["name"] for p in json.loads(result.stdout)}
    assert names == {"Zoë Ñúñez", "Ana Ñ"}
    assert run("list", env={"PYTHONIOENCODING": "utf-8"}).returncode == 0


@pytest.fixture
def book(pln: Any) -> None:
    pln("add", "Ana Ruiz", "--met-at", "researchED 2026", "--on", "3 days ago", "--topic", "x")
    pln("log", "Ana", "-m", "coffee", "--on", "yesterday")


FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CONFIG_TEXT = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.builds(
        lambda k, v: f"{k} = {v}\n".encode(),
        st.sampled_from(["first_contact_days", "dayfirst", "cadence", "synonyms", "x"]),
        st.one_of(
            st.integers().map(str),
            st.text(max_size=20).map(json.dumps),
            st.sampled_from(["true", "[1, 2]", "{ a = 1 }", "1e999", "-0", "nan", "inf"]),
        ),
    ),
    st.builds(
        lambda section, k, v: f"[{section}]\n{k} = {json.dumps(v)}\n".encode(),
        st.sampled_from(["cadence", "synonyms"]),
        st.sampled_from(["colleague", "network", "following", "AfL", "x"]),
        st.one_of(st.text(max_size=20), st.integers(), st.sampled_from(["never", "2w", "0d"])),
    ),
)
COMMANDS = (
    ["due"],
    ["list"],
    ["introduce"],
    ["export", "--format", "ics"],
    ["add", "Zed Zulu", "--allow-duplicate"],
)


@FAST
@given(content=CONFIG_TEXT, command=st.sampled_from(COMMANDS))
def test_any_config_file_gives_0_2_or_7(
    pln: Any, book: None, env_setup: Path, content: bytes, command: list[str]
) -> None:
    (env_setup / "config.toml").write_bytes(content)
    result = raw(pln, *command)
    assert result.exit_code in (0, 2, 7), (content, result.stderr, result.exception)
    assert "Traceback" not in result.stderr


EDGES = [
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01",
    "0001-01-01T00:00:00+14:00",
    "2026-11-23T10:00:00+14:00",
    "2026-02-29",
    "-5",
    "0",
    "99999999999999999999",
    "1",
    "dumb",
]


def _env_value(tmp_path: Path) -> st.SearchStrategy[str]:
    """Text, or a path inside tmp_path to nothing, a file, a folder, or below a file."""
    name = st.text(
        alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"]),
        min_size=1,
        max_size=12,
    ).filter(lambda n: n not in (".", "..") and not n.startswith("~"))
    places = st.sampled_from(["nothing", "file", "folder", "below-file", "empty", "binary"])
    return st.one_of(
        st.text(
            alphabet=st.characters(blacklist_characters="/\x00~", blacklist_categories=["Cs"]),
            max_size=20,
        ),
        st.sampled_from(EDGES),
        st.builds(lambda n, p: _place(tmp_path, n, p), name, places),
    )


def _place(tmp_path: Path, name: str, kind: str) -> str:
    target = tmp_path / "env" / name
    target.parent.mkdir(exist_ok=True)
    if target.is_dir() and not target.is_symlink():
        return str(target)
    target.unlink(missing_ok=True)
    if kind in ("file", "below-file"):
        target.write_text("not pln's\n")
    elif kind == "folder":
        target.mkdir()
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "binary":
        target.write_bytes(bytes(range(256)))
    return str(target / "x.db") if kind == "below-file" else str(target)


ENV_VARS = [
    "PLN_DB",
    "PLN_HOME",
    "XDG_DATA_HOME",
    "XDG_CONFIG_HOME",
    "PLN_NOW",
    "COLUMNS",
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "PLN_NO_FASTPATH",
]


@FAST
@given(data=st.data(), command=st.sampled_from(COMMANDS))
def test_any_environment_gives_0_2_or_7(
    pln: Any, book: None, tmp_path: Path, data: st.DataObject, command: list[str]
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(ENV_VARS), min_size=1, max_size=3, unique=True))
    values = {v: data.draw(_env_value(tmp_path)) for v in chosen}
    with pytest.MonkeyPatch.context() as mp:
        (tmp_path / "cwd").mkdir(exist_ok=True)
        mp.chdir(tmp_path / "cwd")  # a relative PLN_DB or PLN_HOME lands here
        for variable, value in values.items():
            if value == "" and variable in ("PLN_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
                value = str(tmp_path / "empty-var")  # an unset-like value would be the real ~
            mp.setenv(variable, value)
        result = raw(pln, *command)
    assert result.exit_code in (0, 2, 7), (values, result.stderr, result.exception)
    assert "Traceback" not in result.stderr


IMPORT_BYTES = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda b: b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + b, st.binary(max_size=300)),
    st.builds(lambda b: b"name,email,met_on,birthday,knows\n" + b, st.binary(max_size=300)),
    st.builds(lambda b: b'{"pln_export": 1, "tables": ' + b, st.binary(max_size=300)),
    st.builds(
        lambda t: f'{{"pln_export": 1, "schema_version": 3, "tables": {t}}}'.encode(),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(["person", "id", "name", "event"]), inner, max_size=3
                )
            ),
            max_leaves=8,
        ).map(json.dumps),
    ),
)


@pytest.mark.sqlite_only(reason="a new SQLite file (--db) for each hypothesis example")
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    content=IMPORT_BYTES,
    fmt=st.sampled_from([None, "vcard", "csv", "linkedin", "google", "json"]),
    dry=st.booleans(),
    encoding=st.one_of(
        st.none(),
        st.sampled_from(["latin-1", "utf-16", "utf-32", "cp1252", "utf-7", "idna", "punycode"]),
        st.sampled_from(["rot13", "base64", "hex", "zlib", "unicode_escape", "raw_unicode_escape"]),
        st.text(max_size=10),
    ),
)
def test_any_file_to_import_gives_0_2_or_7(
    pln: Any, tmp_path: Path, content: bytes, fmt: str | None, dry: bool, encoding: str | None
) -> None:
    path = tmp_path / "in.dat"
    path.write_bytes(content)
    db = tmp_path / "import.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    args = ["--db", str(db), "import", str(path), *(["--format", fmt] if fmt else [])]
    args += ["--encoding", encoding] if encoding is not None else []
    result = raw(pln, *args, *(["--dry-run"] if dry else []))
    assert result.exit_code in (0, 2, 7), (content, result.stderr, result.exception)
    assert "Traceback" not in result.stderr


# ---- item 12: PLN_DEBUG tracebacks -----------------------------------------------------------


@pytest.mark.sqlite_only(reason="plants text in a DATETIME column, which only SQLite's types allow")
def test_a_debug_traceback_withholds_stored_values(pln: Any, db_path: Path) -> None:
    pln("add", "Ana Ruiz")
    pln("log", "Ana", "-m", "coffee")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE interaction SET at = 'SECRET-Ana-07700900123'")
    conn.close()
    plain = run("show", "Ana")
    assert plain.returncode == 1
    assert "internal error (ValueError)" in assert_clean_error(plain)
    debug = run("show", "Ana", env={"PLN_DEBUG": "1"})
    assert debug.returncode == 1
    err = debug.stderr
    assert err.startswith("Traceback (most recent call last):\n"), err
    assert 'File "' in err
    assert "in from_db_time" in err  # the frames are all there
    assert err.rstrip().endswith("ValueError: Invalid isoformat string: '…' (value withheld)")
    assert "SECRET" not in err
    assert "07700900123" not in err
    assert debug.stdout == ""


def test_a_debug_traceback_keeps_the_chain_of_causes() -> None:
    from plncli.cli.base import safe_traceback

    try:
        try:
            value = "SECRET-1"  # a stored value, say
            int(value)
        except ValueError as exc:
            raise KeyError(value.replace("1", "2")) from exc
    except KeyError as exc:
        text = safe_traceback(exc)
    assert "SECRET" not in text
    assert text.count("Traceback (most recent call last):") == 2
    assert "The above exception was the direct cause of the following exception:" in text
    assert "ValueError: invalid literal for int() with base 10: '…' (value withheld)" in text
    assert text.rstrip().endswith("KeyError: '…' (value withheld)")


def test_a_colour_terminal_gets_escaped_text_too(
    pln: Any, planted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FORCE_COLOR: Rich draws the tables (its own colour codes are fine; the value's are not)."""
    planted("\x1b]0;owned\x07\x9b31m\u202e")
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR")
    for args in (["list"], ["show", "#1"], ["due"], ["find", "Org"]):
        out = pln(*args).stdout
        assert "\x1b]0;owned" not in out
        assert "\x9b" not in out
        assert "\u202e" not in out
        assert "\x07" not in out
    assert "\\x1b]0;owned\\x07\\x9b31m\\u202e" in pln("show", "#1").stdout


def test_a_quoted_csv_field_over_a_mib_stops_the_reader(pln: Any, tmp_path: Path) -> None:
    """Short physical lines, one 2 MiB logical line: the csv reader stops at 1 MiB."""
    path = tmp_path / "people.csv"
    path.write_text('name,notes\nAna Ruiz,"' + "word word\n" * 210_000 + '"\nBen Okafor,hi\n')
    result = pln("import", str(path), code=2)
    assert "line 2: file: the CSV cannot be read from here on" in result.stderr
    assert "field larger than field limit" in result.stderr
    assert pln.json("list") == []
