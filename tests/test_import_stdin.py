"""`pln import -` reads standard input, in every format that is text (with --format)."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_clean_error, fails

CSV = "name,email,cadence,role_tags\r\nAna Ruiz,ana@example.org,30d,mentor\r\nBen Okafor,,,\r\n"
VCARD = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana Ruiz\r\nEMAIL:ana@example.org\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nBDAY:--05-17\r\nEND:VCARD\r\n"
)
LINKEDIN = (
    "Notes:\r\n\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Ana,Ruiz,https://www.linkedin.com/in/ana,ana@example.org,Acme,CTO,05 Mar 2024\r\n"
    "Ben,Okafor,,,,,06 Mar 2024\r\n"
)
GOOGLE = (
    "First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\r\n"
    "Ana,Ruiz,Home,ana@example.org\r\nBen,Okafor,,\r\n"
)


@pytest.mark.parametrize(
    ("fmt", "text"), [("csv", CSV), ("vcard", VCARD), ("linkedin", LINKEDIN), ("google", GOOGLE)]
)
def test_import_dash_reads_standard_input(pln: Any, fmt: str, text: str) -> None:
    dry = json.loads(pln("import", "-", "--format", fmt, "--dry-run", "--json", input=text).stdout)
    assert dry["added"] == ["Ana Ruiz", "Ben Okafor"]
    assert pln.json("list") == []
    result = pln("import", "-", "--format", fmt, input=text)
    assert result.stderr.startswith("Added 2 people from standard input;")
    people = {p["name"]: p for p in pln.json("list")}
    assert set(people) == {"Ana Ruiz", "Ben Okafor"}
    assert people["Ana Ruiz"]["emails"] == ["ana@example.org"]


def test_a_pln_json_export_restores_from_standard_input(pln: Any, tmp_path: Path) -> None:
    pln("add", "Ana Ruiz", "--every", "30d", "--birthday", "1985-11-30")
    pln("log", "Ana", "-m", "Coffee")
    exported = pln("export", "--format", "json").stdout
    copy = str(tmp_path / "copy.db")
    result = pln("--db", copy, "import", "-", "--format", "json", input=exported)
    assert "Restored 1 person, 1 interaction and 0 follow-ups from standard input." in (
        result.stderr
    )
    assert pln.json("--db", copy, "show", "Ana")["birthday"] == "1985-11-30"


def test_without_format_it_is_refused(pln: Any, dump: Any) -> None:
    pln("add", "Zed Zero")
    line = fails(pln, dump, 2, "import", "-", input=CSV)
    assert line == "error: pln import - (standard input) needs --format"
    result = pln("import", "-", input=CSV, code=2)
    assert result.stderr.splitlines()[1] == "hint: add --format vcard|linkedin|google|csv|json"


def test_what_cannot_be_read_from_standard_input_is_a_clean_error(pln: Any, dump: Any) -> None:
    pln("add", "Zed Zero")
    assert fails(pln, dump, 2, "import", "-", "--format", "csv", input="") == (
        "error: standard input is empty"
    )
    line = fails(pln, dump, 2, "import", "-", "--format", "csv", input="nothing,here\r\n1,2\r\n")
    assert line == "error: standard input has no header row of a pln CSV file in its first lines"
    line = fails(pln, dump, 2, "import", "-", "--format", "json", input="{not json")
    assert line.startswith("error: cannot read standard input as a pln JSON export:")
    line = fails(pln, dump, 2, "import", "-", "--format", "csv", "--skip-invalid", input=CSV)
    assert line == "error: --skip-invalid writes the rejects beside FILE; standard input has none"
    # invalid records: listed, nothing imported
    result = pln(
        "import", "-", "--format", "csv", input="name,email\r\nAna,not-an-email\r\n", code=2
    )
    assert "  line 2: email:" in result.stderr
    assert result.stderr.splitlines()[-2].startswith("error: 1 invalid record in standard input")


@pytest.mark.slow
@pytest.mark.sqlite_only(reason="runs pln in a subprocess on the test's file")
def test_a_real_pipe(tmp_path: Path) -> None:
    """Through a real process's standard input: a pipe and a redirected file."""
    env = {**os.environ, "PLN_DB": str(tmp_path / "book.db")}
    pln = [sys.executable, "-m", "plncli"]

    def run(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pln, *args], env=env, capture_output=True, text=True, timeout=60, **kw
        )

    done = run("import", "-", "--format", "vcard", input=VCARD)
    assert done.returncode == 0, done.stderr
    assert "Added 2 people from standard input" in done.stderr
    source = tmp_path / "people.csv"
    source.write_text("name,role_tags\r\nCarla Diaz,mentor\r\nDee Mann,\r\n", encoding="utf-8")
    with source.open("rb") as fh:
        done = run("import", "-", "--format", "csv", stdin=fh)
    assert done.returncode == 0, done.stderr
    listed = run("list").stdout
    assert all(n in listed for n in ("Ana Ruiz", "Ben Okafor", "Carla Diaz", "Dee Mann"))
    refused = run("import", "-", input=CSV)
    assert refused.returncode == 2
    assert refused.stderr == (
        "error: pln import - (standard input) needs --format\n"
        "hint: add --format vcard|linkedin|google|csv|json\n"
    )
    # and one command's export piped into another's import
    other = tmp_path / "other.db"
    export = subprocess.Popen([*pln, "export", "--format", "csv"], env=env, stdout=subprocess.PIPE)
    done = subprocess.run(
        [*pln, "--db", str(other), "import", "-", "--format", "csv"],
        env=env,
        stdin=export.stdout,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert export.wait(timeout=60) == 0
    assert done.returncode == 0, done.stderr
    assert "Added 4 people from standard input" in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert errors == []


def test_the_error_is_one_clean_line(pln: Any) -> None:
    assert_clean_error(pln("import", "-", input=CSV, code=2))
