"""Small defects found at the end of issue 14, each fixed with a test that failed before:
the person's UID in the CSV export and import; calendar event UIDs from the person's UID
and the calendar's name; a monthly follow-up on the 31st that kept the 28th after February;
`pln --no-pager help COMMAND`; one list of the tables keyed by id."""

import ast
import itertools
import os
import pty
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import in_zone, pinned_today, query
from plncli import manual
from plncli.formats.csvread import CSV_FIELDS
from plncli.store import history, pg

ROOT = Path(__file__).resolve().parent.parent
SRC = str(ROOT / "src")
PAGES = ROOT / "src" / "plncli" / "man" / "man1"


# ---- 1. the person's UID in pln's CSV ----------------------------------------------------------


def _uids(db: Path) -> dict[str, str]:
    return dict(query(db, "SELECT name, uid FROM person ORDER BY id"))


def _csv(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_a_csv_round_trip_keeps_the_uids(pln: Any, db_path: Path, tmp_path: Path) -> None:
    """The CSV had no UID: a copy made through it gave everyone a new one, so the copy's
    vCards were strangers to the phone that held the book's."""
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--circle", "colleague")
    pln("add", "Ben Okafor", "--every", "2w")
    held = _uids(db_path)
    out = tmp_path / "people.csv"
    pln("export", "--format", "csv", "-o", str(out))
    rows = _csv(out)
    assert rows[0] == list(CSV_FIELDS)
    assert rows[0][-1] == "uid"
    assert {r[0]: r[-1] for r in rows[1:]} == held
    copy = tmp_path / "copy.db"
    doc = pln.json("--db", str(copy), "import", str(out))
    assert (doc["added"], doc["invalid"]) == (["Ana Ruiz", "Ben Okafor"], [])
    assert [n["field"] for n in doc["notes"]] == ["last_contact"]  # not "column 'uid' ignored"
    got = {name: pln.json("--db", str(copy), "show", name)["uid"] for name in held}
    assert got == held
    # and the copy's vCards carry them: the same contacts for a phone
    cards = pln("--db", str(copy), "export", "--format", "vcard").stdout
    assert all(f"UID:{uid}" in cards.splitlines() for uid in held.values())


def test_a_csv_row_with_a_known_uid_updates_that_person(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """A row whose UID is someone's is that person edited in a spreadsheet, as a card is
    one edited on a phone: matched before email and name, no duplicate."""
    pln("add", "Ana Ruiz", "--email", "ana@example.org", "--org", "Hillside", "--circle", "network")
    pln("add", "Ben Okafor", "--email", "ben@example.org")
    held = _uids(db_path)
    out = tmp_path / "people.csv"
    pln("export", "--format", "csv", "-o", str(out))
    # unchanged, it changes nothing: both skipped
    again = pln.json("import", str(out))
    assert (again["added"], again["merged"]) == ([], [])
    assert [s["name"] for s in again["skipped"]] == ["Ana Ruiz", "Ben Okafor"]
    # renamed, a new email, a new org and another circle: no name or email matches any more
    rows = _csv(out)
    col = {name: i for i, name in enumerate(rows[0])}
    ana = rows[1]
    ana[col["name"]], ana[col["email"]], ana[col["org"]] = "Ana García", "ana@new.example", "Oak"
    ana[col["circle"]] = "colleague"
    import csv

    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    doc = pln.json("import", str(out))
    assert doc["added"] == []
    assert [(m["name"], m["into"]["name"]) for m in doc["merged"]] == [("Ana García", "Ana Ruiz")]
    notes = {(n["where"], n["field"]): n["why"] for n in doc["notes"]}
    assert notes[("line 2", "name")] == "updated from the row (the same UID)"
    assert notes[("line 2", "emails")] == "updated from the row (the same UID)"
    assert notes[("line 2", "circle")] == "kept 'network', file had 'colleague'"
    assert _uids(db_path) == {"Ana García": held["Ana Ruiz"], "Ben Okafor": held["Ben Okafor"]}
    shown = pln.json("show", "Ana")
    assert (shown["emails"], shown["org"], shown["circle"]) == (
        ["ana@new.example"],
        "Oak",
        "network",
    )


def test_an_unusable_uid_in_a_csv_rejects_its_row(
    pln: Any, db_path: Path, tmp_path: Path, dump: Any
) -> None:
    pln("add", "Ana Ruiz")
    before = dump()
    bad = tmp_path / "bad.csv"
    for uid, why in (
        ("x\x07y", "a UID is text: this one holds control characters"),
        ("u" * 1001, "a UID is at most 1,000 characters (this one has 1,001)"),
    ):
        bad.write_text(f"name,uid\nBen Okafor,{uid}\n", encoding="utf-8")
        result = pln("import", str(bad), code=2)
        assert result.stderr.splitlines()[0] == f"  line 2: uid: {why}"  # the cell not echoed
        assert result.stderr.splitlines()[1].startswith("error: 1 invalid record in ")
        assert dump() == before
    # an older CSV, without the column, still imports (everyone gets a UID of their own)
    bad.write_text("name,email\nBen Okafor,ben@example.org\n", encoding="utf-8")
    pln("import", str(bad))
    assert _uids(db_path)["Ben Okafor"].startswith("urn:uuid:")


# ---- 2. calendar events named by the person's UID; the calendar's name -------------------------


def _feed(pln: Any, *db: str) -> Any:
    from icalendar import Calendar

    return Calendar.from_ical(pln(*db, "export", "--format", "ics").stdout_bytes)


def _event_uids(cal: Any) -> set[str]:
    return {str(e["UID"]) for e in cal.walk("VEVENT")}


def test_feed_events_are_named_by_the_persons_uid_not_their_id(
    pln: Any, db_path: Path, tmp_path: Path
) -> None:
    """Event UIDs held the person's id: a book rebuilt elsewhere numbers its people anew,
    and a subscribed calendar then showed each birthday twice (and two books both have a
    person 1). Now the person in an event's UID is their own UID."""
    pln("add", "Ana Ruiz", "--birthday", "1985-11-30", "--follow-up", "in 3 days")
    pln("add", "Ben Okafor")  # a keep-in-touch date of the coming year
    pln("remind", "Ana", "monday", "--every", "1m", "-m", "Mentoring")
    ana, ben = (_uids(db_path)[n].removeprefix("urn:uuid:") for n in ("Ana Ruiz", "Ben Okafor"))
    cal = _feed(pln)
    assert str(cal["X-WR-CALNAME"]) == "pln: what is due"
    got = _event_uids(cal)
    assert {u for u in got if not u.startswith("followup-series-")} == {
        f"birthday-{ana}@pln",
        f"followup-1-{ana}@pln",
        f"reconnect-{ben}@pln",
    }
    [series] = [u for u in got if u.startswith("followup-series-")]
    assert series.startswith(f"followup-series-{ana}-")
    # the same people rebuilt in another book, where they have other ids: the same events
    out = tmp_path / "people.csv"
    pln("export", "--format", "csv", "-o", str(out))
    other = str(tmp_path / "other.db")
    pln("--db", other, "add", "Zoë Adams", "--circle", "following")  # takes id 1
    pln("--db", other, "import", str(out))
    assert [p["id"] for p in pln.json("--db", other, "list") if p["name"] != "Zoë Adams"] == [2, 3]
    again = _event_uids(_feed(pln, "--db", other))
    # follow-ups are not in a CSV: there, Ana is due a keep-in-touch date instead
    assert again == {f"birthday-{ana}@pln", f"reconnect-{ben}@pln", f"reconnect-{ana}@pln"}


def test_a_card_uid_of_any_text_names_the_event_by_a_hash_of_it(pln: Any, tmp_path: Path) -> None:
    card = tmp_path / "c.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:weird uid, with; text@x\r\nFN:Ana Ruiz\r\n"
        "BDAY:1985-11-30\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    pln("import", str(card), "--circle", "following")
    import hashlib
    import re

    [uid] = _event_uids(_feed(pln))
    digest = hashlib.sha256(b"weird uid, with; text@x").hexdigest()[:32]
    assert uid == f"birthday-{digest}@pln"
    assert re.fullmatch(r"[a-z-]+-[0-9a-f]{32}@pln", uid)


# ---- 3. a monthly follow-up keeps its day of the month ------------------------------------------


def _open_series(pln: Any, name: str) -> dict[str, Any]:
    [open_one] = [f for f in pln.json("reminders") if f["person"]["name"] == name]
    return dict(open_one)


def _done_in_turn(pln: Any, name: str, times: int) -> list[date]:
    """`pln done` on each occurrence of the person's series, on its own day: the days opened."""
    opened = []
    for _ in range(times):
        fu = _open_series(pln, name)
        opened.append(date.fromisoformat(fu["due"]))
        with pinned_today(opened[-1]):
            pln("done", str(fu["id"]), "--no-log")
    return opened


def test_a_monthly_follow_up_on_the_31st_comes_back_to_the_31st(pln: Any, db_path: Path) -> None:
    """31 January monthly went to 28 February and stayed on the 28th (each occurrence was
    the one before plus a month). It is 31 January plus k months, counted from there: the
    month's last day when it is shorter, the 31st again when it is not. In any zone."""
    for zone, (first, want) in zip(
        ("Pacific/Kiritimati", "Pacific/Pago_Pago"),
        (
            ("2027-01-31", ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]),
            ("2028-01-31", ["2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30", "2028-05-31"]),
        ),
        strict=True,
    ):
        with in_zone(zone):
            name = f"Ana {first[:4]}"
            pln("add", name, "--circle", "following")
            pln("remind", name, first, "-m", "Month-end report", "--every", "monthly")
            assert [d.isoformat() for d in _done_in_turn(pln, name, 5)] == want
            # what is stored: each occurrence's day, and the series' first day it counts from
            held = query(
                db_path,
                "SELECT f.due, f.anchor, f.state FROM followup f JOIN person p"
                " ON p.id = f.person_id WHERE p.name = ? ORDER BY f.id",
                name,
            )
            assert [r[0] for r in held] == [*want, want[-1][:5] + "06-30"]
            assert [r[1] for r in held] == [None] + [first] * 5
            assert [r[2] for r in held] == ["done"] * 5 + ["open"]


def test_the_feed_and_a_snooze_count_from_the_series_first_day(pln: Any) -> None:
    """The calendar shows the days `pln done` will open (28 February, then 31 March), and a
    snooze onto the rhythm keeps counting from 31 January."""
    from icalendar import Calendar

    pln("add", "Ana Ruiz", "--circle", "following")
    pln("remind", "Ana", "2027-01-31", "-m", "Report", "--every", "monthly")
    assert _done_in_turn(pln, "Ana Ruiz", 1) == [date(2027, 1, 31)]
    with pinned_today(date(2027, 2, 1)):
        cal = Calendar.from_ical(pln("export", "--format", "ics").stdout_bytes)
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == date(2027, 2, 28)
    assert event["RRULE"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
    import recurring_ical_events

    days = [
        e.decoded("DTSTART")
        for e in recurring_ical_events.of(cal).between(date(2027, 2, 1), date(2027, 7, 1))
    ]
    assert days == [date(2027, m, d) for m, d in ((2, 28), (3, 31), (4, 30), (5, 31), (6, 30))]
    fu = _open_series(pln, "Ana Ruiz")
    with pinned_today(date(2027, 2, 1)):
        moved = pln.json("snooze", str(fu["id"]), "2027-04-30")  # on the rhythm: just moved
    assert (moved["due"], moved["every"], moved["next"]) == ("2027-04-30", "1m", None)
    assert _done_in_turn(pln, "Ana Ruiz", 2) == [date(2027, 4, 30), date(2027, 5, 31)]


_series = itertools.count()


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    # late in a month (the days some months lack) most of the time
    first=st.one_of(
        st.builds(
            lambda y, m, d: date(y, m, 1) + relativedelta(day=d),
            st.integers(2027, 2030),
            st.integers(1, 12),
            st.integers(29, 31),
        ),
        st.dates(date(2026, 11, 23), date(2030, 12, 31)),
    ),
    months=st.sampled_from([1, 2, 3, 6, 12, 24]),
)
def test_every_occurrence_is_the_first_day_plus_whole_intervals(
    pln: Any, first: date, months: int
) -> None:
    """The oracle is dateutil's relativedelta from the series' first day (the anchor)."""
    name = f"Series {next(_series)}"
    pln("add", name, "--circle", "following")
    pln("remind", name, first.isoformat(), "--every", f"{months}m")
    opened = _done_in_turn(pln, name, 6)
    assert opened == [first + relativedelta(months=months * k) for k in range(6)]


# ---- 4. global options before `help` ---------------------------------------------------------


def _plain(page: str) -> str:
    return manual.plain((PAGES / f"{page}.1").read_text(encoding="utf-8"))


def _pln_process(*argv: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "plncli", *argv], env=env, text=True, check=False, **kw
    )


def test_help_after_the_global_options_shows_the_commands_page(
    pln: Any, tmp_path: Path, capsys: Any
) -> None:
    """`pln --no-pager help list` said "No such command 'list'" (the fast path read `help`
    as the command to show); every order of the global options shows pln-list."""
    book = str(tmp_path / "book.db")
    for argv in (
        ["--no-pager", "help", "list"],
        ["--db", book, "--no-pager", "help", "list"],
        ["--no-pager", "--db", book, "help", "list"],
        ["--no-pager", "--no-pager", "help", "group", "add"],
    ):
        page = "pln-group-add" if argv[-1] == "add" else "pln-list"
        assert manual.run(argv) in (0, None), argv  # None: Typer serves it
        out = capsys.readouterr()
        assert out.err == ""
        if out.out:
            assert out.out == _plain(page), argv
        run = _pln_process(*argv, capture_output=True)  # the real command, off a terminal
        assert (run.returncode, run.stderr, run.stdout) == (0, "", _plain(page)), argv
        assert pln(*argv).stdout == _plain(page), argv  # through Typer
    assert not (tmp_path / "book.db").exists()  # the manual opens no book


def test_no_pager_on_a_terminal_prints_the_page_rather_than_opening_man(tmp_path: Path) -> None:
    """On a terminal `pln help` opens `man` (and so its pager); with --no-pager the page is
    printed as plain text, as in a pipe."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    called = tmp_path / "called"
    fake = bin_dir / "man"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{called}"\n')
    fake.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": SRC, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for argv in (["--no-pager", "help", "log"], ["--db", "x.db", "--no-pager", "help", "log"]):
        leader, follower = pty.openpty()
        try:
            run = subprocess.run(
                [sys.executable, "-m", "plncli", *argv],
                stdout=follower,
                stderr=subprocess.PIPE,
                env=env,
                cwd=tmp_path,
                check=False,
            )
            os.close(follower)
            shown = b""
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # EIO: the terminal's other side is closed and drained
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(leader)
        assert run.returncode == 0, run.stderr
        assert not called.exists(), argv
        assert shown.decode().replace("\r\n", "\n") == _plain("pln-log")


# ---- 5. one list of the tables keyed by id ---------------------------------------------------


def test_the_shared_books_id_tables_are_the_historys_plus_its_own() -> None:
    """store/pg's ID_TABLES is derived from store/history's BY_ID (it repeated the list):
    the same tables as before, written once."""
    derived = history.BY_ID | {"change_log", "undo_step"}
    assert derived == pg.ID_TABLES
    before = {  # the list store/pg spelled out
        "event",
        "person",
        "person_attr",
        "interaction",
        "followup",
        "pgroup",
        "introduction",
        "resource",
        "group_reading",
        "change_log",
        "undo_step",
    }
    assert before == pg.ID_TABLES
    source = (ROOT / "src" / "plncli" / "store" / "pg" / "__init__.py").read_text()
    [assign] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "ID_TABLES" for t in node.targets)
    ]
    names = {n.id for n in ast.walk(assign.value) if isinstance(n, ast.Name)}
    assert "BY_ID" in names
    spelled = {n.value for n in ast.walk(assign.value) if isinstance(n, ast.Constant)} & set(
        history.BY_ID
    )
    assert spelled == set()  # no table of BY_ID written a second time
