"""`pln due --json` at 10,000 people (issue 13, item 6), continued: less work, the same output.

- The day each person was added is read only where ``due`` can use it: no last contact
  (a reconnect counted from the day added), or met at an event (a first contact's window).
  Held here to the rule written plainly (``_reference_people``: every day read, in Python)
  on open-ended books, in time zones either side of UTC.
- A command the fast path served ends the process once its output is out, without taking
  the interpreter apart (``__main__.entry``, the console script), unless something waits
  to run at exit (a pager, ``atexit``): what it printed and its exit code are the same.

No timings: benchmarks/run.py measures.
"""

import io
import os
import sqlite3
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import in_zone
from plncli import fast, render
from plncli.context import AppContext
from plncli.due import PersonState, due_items, load_due_inputs, local_day
from plncli.resolve import PersonRef

SRC = str(Path(__file__).resolve().parents[1] / "src")
NOW = "2026-11-23T10:00:00"
ZONES = ["Pacific/Pago_Pago", "Pacific/Auckland", "America/Los_Angeles", "Europe/London"]


def _reference_people(book: str, app: AppContext) -> list[PersonState]:
    """Everyone ``load_due_inputs`` read, made as before: the day added read for all, in
    Python (``due.local_day``), whatever else they have."""
    conn = sqlite3.connect(book)
    try:
        stored = {
            pid: (created, last, met_on, event)
            for pid, created, last, met_on, event in conn.execute(
                "SELECT p.id, p.created_at, p.last_contact_at, p.met_on, e.name"
                " FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
            )
        }
    finally:
        conn.close()
    people, _ = load_due_inputs(
        app.conn,
        horizon=app.today,
        cadences=app.settings.cadence,
        first_contact_days=app.settings.first_contact_days,
    )
    made = []
    for p in people:
        created, last, met_on, event = stored[p.ref.id]
        made.append(
            PersonState(
                PersonRef(p.ref.id, p.ref.name),
                p.circle,
                p.cadence,
                local_day(created),
                None if last is None else local_day(last),
                None if met_on is None else date.fromisoformat(met_on),
                event,
                False,
            )
        )
    return made


def _reference_json(book: str) -> str:
    """`pln due --json` by the rule as written: ``due_items`` of the reference people and
    the open follow-ups, each item's JSON (``render.due_json``) printed as one document."""
    app = AppContext(book)
    try:
        _, followups = load_due_inputs(
            app.conn,
            horizon=app.today,
            cadences=app.settings.cadence,
            first_contact_days=app.settings.first_contact_days,
        )
        items = due_items(
            _reference_people(book, app),
            followups,
            today=app.today,
            horizon=app.today,
            cadences=app.settings.cadence,
            first_contact_days=app.settings.first_contact_days,
        )
        out = io.StringIO()
        with redirect_stdout(out):
            render.print_json([render.due_json(i) for i in items])
        return out.getvalue()
    finally:
        app.close()


# one person: circle, own cadence, days before now added, met at an event (days before being
# added; None: not met at one), days before now of the last contact (None: none yet), hour
person_ = st.tuples(
    st.sampled_from(["colleague", "network", "following"]),
    st.sampled_from([None, None, "2w", "1 month", "never"]),
    st.integers(min_value=1, max_value=200),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    st.one_of(st.none(), st.integers(min_value=1, max_value=150)),
    st.sampled_from(["00:30", "10:00", "23:30"]),
)


@pytest.mark.sqlite_only  # a new book per example: files are cheap, databases are not
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person_, min_size=1, max_size=7), zone=st.sampled_from(ZONES))
def test_the_day_added_is_read_only_where_due_can_use_it(
    pln: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    people: list[Any],
    zone: str,
) -> None:
    """People added, met at events and last contacted at times near midnight, in zones
    either side of UTC: the JSON is what the rule gives with every day read (a first
    contact's window and a reconnect from the day added included), both ways in; the day
    added is read for exactly those with no last contact or met at an event."""
    book = str(tmp_path / f"book-{len(list(tmp_path.iterdir()))}.db")
    with in_zone(zone):
        for n, (circle, every, added, met, last, hour) in enumerate(people):
            when = date.fromordinal(date(2026, 11, 23).toordinal() - added)
            monkeypatch.setenv("PLN_NOW", f"{when.isoformat()}T{hour}:00")
            args = ["--db", book, "add", f"Person {n}", "--circle", circle]
            args += [] if every is None else ["--every", every]
            if met is not None:
                on = date.fromordinal(when.toordinal() - met)  # met, then added
                args += ["--met-at", f"Event {met % 3}", "--on", on.isoformat()]
            pln(*args)
            if last is not None:
                monkeypatch.setenv("PLN_NOW", NOW)
                on = date.fromordinal(date(2026, 11, 23).toordinal() - last)
                pln("--db", book, "log", f"Person {n}", "--on", f"{on.isoformat()} {hour}")
        monkeypatch.setenv("PLN_NOW", NOW)
        capsys.readouterr()
        assert fast.run(["--db", book, "due", "--json"]) == 0
        out = capsys.readouterr().out
        assert out == _reference_json(book)
        assert out == pln("--db", book, "due", "--json").stdout
        app = AppContext(book)
        try:
            loaded, _ = load_due_inputs(
                app.conn,
                horizon=app.today,
                cadences=app.settings.cadence,
                first_contact_days=app.settings.first_contact_days,
            )
            reference = {p.ref.id: p for p in _reference_people(book, app)}
        finally:
            app.close()
        for p in loaded:
            wanted = p.last_contact is None or p.met_at is not None
            assert p.added == (reference[p.ref.id].added if wanted else None)
            assert p._replace(added=None) == reference[p.ref.id]._replace(added=None)


def _run_main(
    book: str, *argv: str, at_exit: bool = False, call: str = "entry"
) -> subprocess.CompletedProcess[str]:
    """`pln ARGV` by ``__main__.entry`` as the console script runs it (or ``call``), in a
    process of its own with standard output a pipe; "unwound" on standard error if it ended
    by raising (``sys.exit``) rather than ending the process; ``at_exit``: something
    registered to run at exit first (as a pager is), which says "at exit"."""
    env = {**os.environ, "PYTHONPATH": SRC, "PLN_DB": book, "PLN_NOW": NOW}
    env.pop("PLN_NO_FASTPATH", None)
    script = "\n".join(
        [
            "import atexit, os, sys",
            f"from plncli.__main__ import {call}",
            *(["atexit.register(lambda: os.write(2, b'at exit;'))"] if at_exit else []),
            f"sys.argv = ['pln', *{list(argv)!r}]",
            "try:",
            f"    {call}()",
            "finally:",
            "    os.write(2, b'unwound;')",
        ]
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )


@pytest.mark.sqlite_only  # the book is a file of its own (PLN_DB)
def test_a_fast_read_ends_the_process_once_its_output_is_out(pln: Any, tmp_path: Path) -> None:
    """`pln due --json` and `pln due` in a pipe print all of it and exit 0 from within the
    console script's ``entry``, with nothing unwound after; with something registered to
    run at exit (a pager waits so), it runs, as it always did; a command the fast path
    hands to Typer exits as Typer makes it."""
    book = str(tmp_path / "book.db")
    pln("--db", book, "add", "Ana Ruiz", "--circle", "colleague")
    pln("--db", book, "add", "Ben Okafor", "--met-at", "ResearchEd", "--on", "2026-11-01")
    expected = pln("--db", book, "due", "--json").stdout
    assert "Ben Okafor" in expected
    ended = _run_main(book, "due", "--json")
    assert (ended.returncode, ended.stdout, ended.stderr) == (0, expected, "")
    table = _run_main(book, "due")
    assert (table.returncode, table.stdout) == (0, pln("--db", book, "due").stdout)
    assert table.stderr == ""
    waited = _run_main(book, "due", "--json", at_exit=True)
    assert (waited.returncode, waited.stdout) == (0, expected)
    assert waited.stderr == "unwound;at exit;"
    # ``main`` itself still ends by sys.exit, for code that runs it and goes on
    unwound = _run_main(book, "due", "--json", call="main")
    assert (unwound.returncode, unwound.stdout, unwound.stderr) == (0, expected, "unwound;")
    refused = _run_main(book, "due", "--within", "soon")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: --within")
    assert refused.stderr.endswith("unwound;")
    assert refused.stdout == ""
