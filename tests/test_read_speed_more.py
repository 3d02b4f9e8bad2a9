"""Read speed, continued (issue 13, items 6 and 7): `pln due --json` writes every item
straight out (``render.print_due_json``), a group's reading, a birthday and a reconnect
with a resource to share included, and prints what the general way printed (a DueItem,
the share hint, a dict and json.dumps each: ``_old_due_json``), byte for byte; the quick
path loads nothing it must not (json, Typer, Rich; subprocess for a pager that is not
there); `pln list` sorted by name keeps its order among equal names; the default pager
starts only for output longer than the screen (``pager._Held``).

No timings: benchmarks/run.py measures."""

import fcntl
import io
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import book_location, shared_book
from plncli import fast, reads, render
from plncli.context import AppContext
from plncli.due import (
    Birthday,
    DueReading,
    items_of,
    load_birthdays,
    load_due_inputs,
    load_due_readings,
    ranked_due,
)
from plncli.resolve import PersonRef
from plncli.settings import DEFAULT_CADENCE
from test_list_speed_paths import AWKWARD, old_book  # noqa: F401  (a fixture)
from test_pager import RECORDER, _env, _recorded, book, built_book  # noqa: F401  (fixtures)
from test_read_speed import _states, people_

TODAY = date(2026, 11, 23)


def _captured(write: Any) -> str:
    out, sys.stdout = sys.stdout, io.StringIO()
    try:
        write()
        return sys.stdout.getvalue()
    finally:
        sys.stdout = out


# ---- the writer, on open-ended input ---------------------------------------------------------

# any text but lone surrogates: quotes, backslashes, controls, DEL, bidi, non-BMP emoji
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=10)
NAMES = st.lists(TEXT.filter(bool), min_size=40, max_size=40)
BORN = st.one_of(
    st.dates(min_value=date(1604, 1, 1), max_value=date(2030, 12, 31)),  # 1604: no year
    st.sampled_from([date(1604, 2, 29), date(1992, 2, 29), date(2026, 11, 23)]),
)


@pytest.mark.parametrize("ascii_only", [False, True])
@given(
    specs=people_,
    names=NAMES,
    titles=st.lists(TEXT, min_size=6, max_size=6),
    readings=st.lists(st.integers(-5, 40), max_size=4),  # due, days from today
    born=st.lists(BORN, max_size=5),
    hinted=st.sets(st.integers(0, 39)),  # whose reconnect gets a resource to share
    within=st.integers(0, 60),
)
def test_the_due_json_writer_is_the_general_way_with_every_kind(
    specs: list[Any],
    names: list[str],
    titles: list[str],
    readings: list[int],
    born: list[date],
    hinted: set[int],
    within: int,
    ascii_only: bool,
) -> None:
    people, followups = _states(specs)
    people = [p._replace(ref=p.ref._replace(name=names[i])) for i, p in enumerate(people)]
    followups = [f._replace(note=names[i % 40] * (i % 2)) for i, f in enumerate(followups)]
    group = PersonRef(900, names[-1])
    dated = [
        DueReading(i + 1, group, titles[i % 6], TODAY + timedelta(days=d))
        for i, d in enumerate(readings)
    ]
    birthdays = [Birthday(PersonRef(i + 1, names[i]), b) for i, b in enumerate(born)]
    ranked = ranked_due(
        people,
        followups,
        today=TODAY,
        horizon=TODAY + timedelta(days=within),
        cadences=DEFAULT_CADENCE,
        first_contact_days=3,
        readings=dated,
        birthdays=birthdays,
    )
    shares = {i + 1: (70 + i, titles[i % 6]) for i in hinted}

    def general() -> None:  # what `pln due --json` did before, share hint included
        items = [
            i._replace(
                share=shares[i.person.id],
                reason=f"{i.reason}; {render.share_hint(shares[i.person.id][1])}",
            )
            if i.kind == "reconnect" and i.person.id in shares
            else i
            for i in items_of(ranked, TODAY)
        ]
        render.print_json([render.due_json(i) for i in items])

    unicode_out = render._unicode_out
    render._unicode_out = lambda: not ascii_only  # type: ignore[assignment]
    try:
        expected = _captured(general)
        got = _captured(lambda: render.print_due_json(ranked, today=TODAY, shares=shares))
    finally:
        render._unicode_out = unicode_out  # type: ignore[method-assign]
    assert got == expected


# ---- on a real book --------------------------------------------------------------------------


@pytest.fixture
def full_book(pln: Any, old_book: None, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """``old_book``'s awkward people and more, on 23 November 2026: resources added today
    on the topics they have (so reconnects get one to share), one shared already, a
    group's reading due in two days, birthdays with and without a year (and one today)."""
    title = 'The "quiz" \\ back-slash 🙂'
    pln("resource", "add", "Assessment for learning", "--topic", "assessment")
    pln("resource", "add", title, "--topic", "oracy", "--kind", "article")  # the newest
    pln("share", "Assessment for learning", "--with", "Chloé Dubois")
    pln("group", "add", 'Book "club"', AWKWARD[0], AWKWARD[1])
    pln("group", "read", 'Book "club"', title, "--by", "2026-11-25")
    pln("edit", AWKWARD[0], "--birthday", "1990-11-24")
    pln("edit", AWKWARD[2], "--birthday", "--11-30")
    pln("edit", AWKWARD[5], "--birthday", "2000-11-23")


def _old_due_json(argv: list[str]) -> str:
    """What `pln due --json [--within W] [--limit N]` printed before, through the general
    way: DueItems, the share hints on them, a dict and json.dumps each."""
    within = argv[argv.index("--within") + 1] if "--within" in argv else None
    limit = int(argv[argv.index("--limit") + 1]) if "--limit" in argv else None
    app = AppContext(None)
    try:
        s = app.settings
        horizon = app.today + timedelta(days=int(within[:-1])) if within else app.today
        where = ("p.archived_at IS NULL", [])
        people, followups = load_due_inputs(
            app.conn,
            horizon=horizon,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
            where=where,
        )
        birthdays = load_birthdays(app.conn, where, start=app.today, end=horizon) if within else []
        ranked = ranked_due(
            people,
            followups,
            today=app.today,
            horizon=horizon,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
            readings=load_due_readings(app.conn, horizon=horizon),
            birthdays=birthdays,
        )
        ranked = ranked[:limit] if limit else ranked
        shown = reads._with_share_hints(app, items_of(ranked, app.today))
        return _captured(lambda: render.print_json([render.due_json(i) for i in shown]))
    finally:
        app.close()


DUE_JSON = [
    ["due", "--json"],
    ["due", "--json", "--within", "10d"],
    ["due", "--json", "--within", "10d", "--limit", "4"],
]


@pytest.mark.parametrize("argv", DUE_JSON, ids=" ".join)
def test_due_json_prints_what_the_general_way_printed(
    pln: Any, full_book: None, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    typer_way = pln(*argv)
    capsys.readouterr()
    assert fast.run(argv) == 0
    quick = capsys.readouterr()
    assert (quick.out, quick.err) == (typer_way.stdout, typer_way.stderr)
    assert quick.out == _old_due_json(argv)
    if "--within" in argv and "--limit" not in argv:  # every kind of its own is there
        for field in ('"share": {"id": ', '"reading_id": ', '"turns": 36', '"birthday": "--11-30"'):
            assert field in quick.out, field
        assert 'share The \\"quiz\\" \\\\ back-slash' in quick.out


# ---- what the quick path loads ---------------------------------------------------------------

PROBE = (
    "import io, sys\n"
    "class Terminal(io.StringIO):\n"
    "    def isatty(self): return True\n"
    "from plncli.fast import run\n"
    "out, sys.stdout = sys.stdout, (Terminal() if sys.argv[1] == 'tty' else io.StringIO())\n"
    "code = run(sys.argv[2:])\n"
    "shown, sys.stdout = sys.stdout.getvalue(), out\n"
    "print(code, len(shown.splitlines()))\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def _loaded(db_path: Path, where: str, *argv: str) -> tuple[str, set[str]]:
    env = {
        **os.environ,
        "PLN_DB": book_location(db_path),
        "PLN_NOW": "2026-11-23T10:00:00",
        "PLN_PAGER": "cat",  # no pager: as --no-pager, and as the benchmark on a terminal
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, where, *argv], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    first, loaded = done.stdout.splitlines()
    return first, set(loaded.split())


FRAMEWORKS = {"typer", "click", "rich", "sqlmodel", "sqlalchemy", "pydantic"}


@pytest.mark.parametrize("where", ["pipe", "tty"])
def test_the_quick_path_loads_only_what_it_needs(
    db_path: Path, full_book: None, where: str
) -> None:
    """`pln due --json` with hints and a reading loads no json (its strings are quoted by
    json's C accelerator alone); no read loads a framework; on a terminal with no pager,
    nothing starts one (no subprocess)."""
    first, loaded = _loaded(db_path, where, "due", "--json", "--within", "10d")
    assert first.startswith("0 ")
    assert int(first.split()[1]) > 5
    assert "plncli.sharing" in loaded  # the hints were looked for
    assert not loaded & FRAMEWORKS
    if not shared_book(db_path):  # psycopg loads json for its own adapters
        assert "json" not in loaded
    for argv in (["due"], ["list"], ["show", AWKWARD[2]], ["find", "oracy"]):
        first, loaded = _loaded(db_path, where, *argv)
        assert first.startswith("0 "), argv
        assert not loaded & FRAMEWORKS, argv
        if not shared_book(db_path):  # psycopg loads asyncio, and so subprocess, itself
            assert not loaded & {"subprocess", "shlex"}, argv
        assert ("plncli.pager" in loaded) == (where == "tty"), argv  # asked, and no pager


# ---- pln list: equal names in the order they had ---------------------------------------------


def test_list_keeps_equal_names_in_the_order_they_were_added(pln: Any) -> None:
    """Sorted by name, people of one name come in the order they were added (by id), as
    the name index gave them before the list sorted the rows itself."""
    for n in range(5):
        pln("add", "Sam Lee" if n % 2 else "sam lee", "--allow-duplicate", "--org", f"Org {n}")
    pln("add", "Ada Byron", "--org", "Org A")
    shown = pln("list").stdout.splitlines()
    assert "Ada Byron" in shown[1]
    rows = [line for line in shown[2:] if "Sam Lee" in line or "sam lee" in line]
    assert len(rows) == 5 == len(shown) - 2
    ids = [int(line.split()[0]) for line in rows]
    assert ids == sorted(ids)


# ---- the default pager starts only for more than a screen ------------------------------------


def _fake_less(tmp_path: Path) -> Path:
    """A folder holding a `less` that records its input, arguments and LESS (test_pager's
    recorder), to put first on PATH: the default pager is `less -FRX`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    less = folder / "less"
    less.write_text(f"#!{sys.executable}\n{RECORDER}", encoding="utf-8")
    less.chmod(0o755)
    return folder


def _on_sized_terminal(argv: list[str], env: dict[str, str], rows: int = 40) -> tuple[int, str]:
    """``test_pager.on_terminal`` on a terminal of ``rows`` x 120 (a pseudo-terminal
    starts with no size)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become pln
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 120, 0, 0))
            os.execve(sys.executable, [sys.executable, "-m", "plncli", *argv], env)
        finally:
            os._exit(127)
    out = bytearray()
    while True:
        ready, _, _ = select.select([fd], [], [], 120.0)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace").replace("\r\n", "\n")


def test_output_that_fits_on_the_screen_starts_no_default_pager(
    book: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """`less -FRX` would show it and quit: the same text reaches the terminal without it."""
    log = tmp_path / "pager.json"
    env = _env(PATH=f"{_fake_less(tmp_path)}:{os.environ['PATH']}", PAGER_LOG=str(log))
    for argv in (["due", "--limit", "5"], ["show", "Person 0042"], ["find", "Person 0042"]):
        code, shown = _on_sized_terminal(["--db", str(book), *argv], env)
        assert code == 0, shown
        assert not log.exists(), argv  # no pager started
        code, direct = _on_sized_terminal(["--db", str(book), *argv], {**env, "PLN_PAGER": "cat"})
        assert (code, shown) == (0, direct), argv
        assert "Person 0042" in shown or "due" in argv
    code, shown = _on_sized_terminal(["--db", str(book), "due", "--limit", "5"], env, rows=6)
    assert code == 0, shown
    assert log.exists()  # 5 rows, a header and a line on stderr: more than 6 rows hold


def test_output_longer_than_the_screen_goes_to_the_default_pager_whole(
    book: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    log = tmp_path / "pager.json"
    env = _env(PATH=f"{_fake_less(tmp_path)}:{os.environ['PATH']}", PAGER_LOG=str(log))
    code, shown = _on_sized_terminal(["--db", str(book), "due", "--limit", "50"], env)
    assert code == 0, shown
    got = _recorded(log)
    assert got["args"] == ["-FRX"]
    assert got["LESS"] == "FRX"
    _, direct = _on_sized_terminal(
        ["--db", str(book), "due", "--limit", "50"], {**env, "PLN_PAGER": "cat"}
    )
    assert got["input"].replace("\r\n", "\n") == direct  # all of it, stderr's line too
    assert "2950 more" in got["input"]
    assert "Person" not in shown  # nothing but the pager wrote to the terminal
