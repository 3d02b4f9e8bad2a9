"""Read speed (issue 13, items 6 and 7): what `pln due` loads and decides, and the quick
paths of tables and JSON, which must print exactly what the general ones print.

No timings here: the benchmark (benchmarks/run.py) measures; these tests hold the
shortcuts to the same output, and `pln due` to loading only what it shows."""

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import book_location, shared_book
from plncli import render, tables
from plncli.due import OpenFollowUp, PersonState, due_items, first_due
from plncli.resolve import PersonRef
from plncli.settings import DEFAULT_CADENCE
from plncli.tables import Table

TODAY = date(2026, 11, 23)

# ---- pln due: only what it shows ---------------------------------------------------------


def test_pln_due_loads_no_views_topic_words_or_json(db_path: Path, pln: Any) -> None:
    """The list/show/find views, the topic words and json are for other commands (and for
    --topic and --json): `pln due` starts without them."""
    assert pln("add", "Ana Ruiz", "--circle", "colleague").exit_code == 0
    probe = (
        "import io, sys\n"
        "from plncli.fast import run\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "code = run(sys.argv[1:])\n"
        "shown, sys.stdout = sys.stdout.getvalue(), out\n"
        "print(code, 'Ana Ruiz' in shown)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )

    def modules(*argv: str) -> tuple[str, set[str]]:
        now = "2027-03-01T10:00:00+00:00"
        env = {**os.environ, "PLN_DB": book_location(db_path), "PLN_NOW": now}
        done = subprocess.run(
            [sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True
        )
        first, loaded = done.stdout.splitlines()
        return first, set(loaded.split())

    first, loaded = modules("due")
    assert first == "0 True"
    # psycopg loads json for its own adapters: on a shared book only pln's modules count
    unwanted = {"plncli.views", "plncli.topics", "plncli.ties"}
    assert not loaded & (unwanted if shared_book(db_path) else {*unwanted, "json"})
    first, loaded = modules("due", "--json")
    assert first == "0 True"
    assert "_json" in loaded  # render.print_due_json quotes with json's C accelerator alone
    assert not loaded & ({*unwanted} if shared_book(db_path) else {*unwanted, "json"})


days = st.integers(min_value=0, max_value=900)
people_ = st.lists(
    st.tuples(
        st.sampled_from(["colleague", "network", "following"]),
        st.sampled_from([None, None, "7d", "2w", "1m", "3m", "never"]),
        days,  # added, days ago
        st.one_of(st.none(), days),  # last contact, days ago
        st.one_of(st.none(), st.integers(0, 40)),  # met at an event, days ago
        st.booleans(),  # an open follow-up
        st.sampled_from(["Ana", "Ben", "Chloé"]),  # names that tie
    ),
    max_size=40,
)


def _states(specs: list[Any]) -> tuple[list[PersonState], list[OpenFollowUp]]:
    people, followups = [], []
    for i, (circle, cadence, added, last, met, open_, name) in enumerate(specs):
        ref = PersonRef(i + 1, name)
        added_on = TODAY - timedelta(days=added)
        people.append(
            PersonState(
                ref,
                circle,
                cadence,
                added_on,
                None if last is None else max(added_on, TODAY - timedelta(days=last)),
                None if met is None else TODAY - timedelta(days=met),
                None if met is None else "researchED",
                open_,
            )
        )
        if open_:
            every = "2w" if i % 2 else None
            due = TODAY + timedelta(days=i % 9 - 4)
            followups.append(OpenFollowUp(100 + i, ref, due, "call" if i % 3 else "", every))
    return people, followups


@given(specs=people_, within=st.integers(0, 60), limit=st.integers(0, 12))
def test_the_first_items_are_the_head_of_the_whole_list(
    specs: list[Any], within: int, limit: int
) -> None:
    """`pln due` makes only the items it shows, with their reasons: the same items, in the
    same order, as the whole list; and it counts the rest."""
    people, followups = _states(specs)
    kw: dict[str, Any] = {
        "today": TODAY,
        "horizon": TODAY + timedelta(days=within),
        "cadences": DEFAULT_CADENCE,
        "first_contact_days": 3,
    }
    everything = due_items(people, followups, **kw)
    shown, total = first_due(people, followups, limit=limit or None, **kw)
    assert total == len(everything)
    assert shown == (everything[:limit] if limit else everything)
    assert all(item.reason for item in shown)


# ---- tables: the quick rows print what the general path prints -----------------------------

CELLS = st.text(alphabet=st.sampled_from("abc XYZ019-,.#{}()\t\né東ü\x1b\u202e"), max_size=40)
ASCII_CELLS = st.text(alphabet=st.sampled_from("abc XYZ019-,.#{}() "), max_size=50)


@st.composite
def tables_(draw: Any) -> Table:
    columns = draw(st.integers(1, 6))
    table = Table(*(draw(ASCII_CELLS) for _ in range(columns)), header=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 8))):
        cells = st.one_of(ASCII_CELLS, CELLS, st.tuples(ASCII_CELLS, st.just("bold")))
        table.add_row(*(draw(cells) for _ in range(columns)))
    return table


def _plain_reference(table: Table) -> str:
    """A pipe's table, cell by cell, as `tables._plain` printed it before its quick rows."""
    rows = [
        tuple(tables._one_line(tables._text(c)) for c in row) for row in table.rows
    ]  # every cell made visible and put on one line
    if table.header:
        rows.insert(0, table.columns)
    if not rows:
        return ""
    widths = [max(map(tables.width, col)) for col in zip(*rows, strict=True)]
    lines = []
    for row in rows:
        first = "  ".join(tables._pad(c, w) for c, w in zip(row[:-1], widths[:-1], strict=True))
        lines.append(f"{first}  {row[-1]}" if first else row[-1])
    return "\n".join(line.rstrip() for line in lines) + "\n"


@given(table=tables_())
def test_a_pipe_gets_the_same_table_from_the_quick_rows(table: Table) -> None:
    assert tables._plain(table) == _plain_reference(table)


@given(table=tables_(), columns=st.integers(20, 140))
def test_a_terminal_gets_the_same_table_from_the_quick_rows(table: Table, columns: int) -> None:
    """The quick rows of a drawn table are drawn as the general path draws the same rows
    (``_wrapped_row``/``_one_line_row``, which test_startup holds to Rich's layout)."""
    drawn = tables._drawn_table(table, columns, True)
    general = Table(*table.columns, header=table.header)
    for row in table.rows:  # the same text, but no row is quick any more
        general.add_row(*((c, "") if isinstance(c, str) else c for c in row))
    assert drawn == tables._drawn_table(general, columns, True)


# ---- JSON: one encoder for the elements of a list -----------------------------------------

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@pytest.mark.parametrize("encoding", ["utf-8", "ascii"])
@given(doc=st.lists(st.dictionaries(st.text(max_size=6), VALUES, max_size=5), max_size=6))
def test_a_json_list_is_its_elements_encoded_one_a_line(
    doc: list[dict[str, Any]], encoding: str
) -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="strict")
    with redirect_stdout(out):
        render.print_json(doc)
    out.flush()
    text = out.buffer.getvalue().decode(encoding)  # type: ignore[attr-defined]
    assert json.loads(text) == doc
    ascii_only = encoding == "ascii"
    lines = [json.dumps(item, sort_keys=True, ensure_ascii=ascii_only) for item in doc]
    expected = "[\n" + ",\n".join("  " + line for line in lines) + "\n]\n" if doc else "[]\n"
    assert text == render.json_safe(expected)
    for unsafe in "\x7f\x85\u202e\u2066":
        assert unsafe not in text
