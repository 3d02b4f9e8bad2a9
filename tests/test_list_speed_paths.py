"""The quick ways `pln due --json` and `pln list` print what the slower ways printed (issue 13,
speed): byte for byte, on a book with awkward values, on both engines; and their pieces on
open-ended input.

- `pln due --json` writes its items straight from the ranked candidates
  (``render.print_due_json``) instead of a DueItem, a dict and a key sort per item.
- `pln list` reads its table's cells in one statement (and the topics in one scan) instead of
  a named row, dates and an attribute map per person (``store.views.people_table``), and
  draws tables of one-column-a-character text column by column (``tables._plain_narrow``,
  ``tables._drawn_narrow``).
"""

import io
import sys
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plncli import reads, render, tables, views
from plncli.context import AppContext
from plncli.due import first_due, load_due_inputs, ranked_due
from plncli.settings import DEFAULT_CADENCE
from plncli.tables import Table
from test_read_speed import _plain_reference, _states, people_

TODAY = date(2026, 11, 23)

# Names that test the quoting and the drawing: quotes, backslashes, accents, wide characters,
# a combining accent, an emoji outside the BMP (pln refuses controls in what it stores; the
# writer is held to json.dumps on any text below).
AWKWARD = [
    'Ana "the quiz" Ruiz',
    "Ben \\ Okafor",
    "Chloé Dubois",
    "Dara O'Neil",
    "Eve Del",
    "Fatima 東京",
    "Gus e\u0301",
    "Hana 🙂",
]


def _book(pln: Any) -> None:
    """People added long ago (all due), in several circles, with topics added out of
    alphabetical order; ``_later``: more topics (their ids interleave with others'), a
    meeting, contacts, follow-ups and someone archived, today."""
    for n, name in enumerate(AWKWARD):
        circle = ("colleague", "network", "following")[n % 3]
        org = ["Escuela Pública", "", "Northfield", 'Zoë\'s "school"', "東京学校"][n % 5]
        args = ["add", name, "--circle", circle, "--topic", "oracy", "--topic", "Assessment"]
        args += ["--org", org] if org else []
        pln(*args)


def _later(pln: Any) -> None:
    pln("add", "Ivo Ñúñez", "--met-at", "researchED", "--on", "2026-11-10", "--topic", "zeta")
    pln("edit", "Ben \\ Okafor", "--add-topic", "behaviour")
    pln("edit", "Chloé Dubois", "--add-topic", "Álgebra")
    pln("log", "Chloé Dubois", "-m", "coffee", "--on", "2026-11-01")
    pln("log", "Eve Del", "-m", "call", "--on", "2026-10-02")
    pln("remind", "Fatima 東京", "today", "-m", 'send the "slides" \\ notes')
    pln("remind", "Gus e\u0301", "today", "-m", "weekly check", "--every", "1w")
    pln("archive", "Hana 🙂")


@pytest.fixture
def old_book(pln: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLN_NOW", "2026-01-05T10:00:00")
    _book(pln)
    monkeypatch.setenv("PLN_NOW", "2026-11-23T10:00:00")
    _later(pln)


def _old_due_json(limit: int | None) -> str:
    """What `pln due --json` printed before: a DueItem, a dict and a sorted encoding each."""
    app = AppContext(None)
    try:
        s = app.settings
        people, followups = load_due_inputs(
            app.conn,
            horizon=app.today,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
        )
        items, _ = first_due(
            people,
            followups,
            today=app.today,
            horizon=app.today,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
            limit=limit,
        )
        out, sys.stdout = sys.stdout, io.StringIO()
        try:
            render.print_json([render.due_json(i) for i in items])
            return sys.stdout.getvalue()
        finally:
            sys.stdout = out
    finally:
        app.close()


def test_due_json_is_byte_for_byte_what_it_was(pln: Any, old_book: None) -> None:
    new = pln("due", "--json").stdout
    assert new == _old_due_json(None)
    assert '"the quiz"' not in new
    assert '\\"the quiz\\"' in new  # quoted as json.dumps does
    assert pln("due", "--json", "--limit", "3").stdout == _old_due_json(3)
    assert pln("due", "--json", "--within", "1y").stdout.startswith("[\n  {")


def _old_people_table(app: Any, **kw: Any) -> list[tuple[Any, ...]]:
    """`pln list`'s cells as they were made before: named rows, dates and an attribute map."""
    rows = views.list_people(app.conn, kinds=("topic",), synonyms=app.settings.synonyms, **kw)
    return [
        (
            str(r.id),
            r.name,
            r.org or "",
            r.circle,
            ", ".join(r.attrs.get("topic", ())),
            r.last_contact.isoformat() if r.last_contact else None,
        )
        for r in rows
    ]


FILTERS = [
    [],
    ["--sort", "last-contact"],
    ["--sort", "added"],
    ["--topic", "assessment"],
    ["--org", "school"],
    ["--org", "PUBLICA"],
    ["--circle", "network"],
    ["--met-at", "researched"],
    ["--archived"],
    ["--org", "nobody"],
]


@pytest.mark.parametrize("columns", [None, "60", "120"])
def test_list_prints_byte_for_byte_what_it_printed(
    pln: Any, old_book: None, monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    """In a pipe (None) and drawn as on a terminal of 60 and 120 columns (FORCE_COLOR)."""
    if columns:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", columns)
    new = [pln("list", *f) for f in FILTERS]
    monkeypatch.setattr(reads, "people_table", _old_people_table)
    monkeypatch.setattr(tables, "_narrow_text", lambda rows: False)
    old = [pln("list", *f) for f in FILTERS]
    for f, n, o in zip(FILTERS, new, old, strict=True):
        assert (n.stdout, n.stderr) == (o.stdout, o.stderr), f
    if not columns:
        assert "Chloé Dubois" in new[0].stdout
        assert "oracy, Assessment, Álgebra" in new[0].stdout  # the order they were added


# ---- the pieces, on open-ended input ---------------------------------------------------------

NAMES = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@pytest.mark.parametrize("ascii_only", [False, True])
@given(specs=people_, names=st.lists(NAMES, min_size=40, max_size=40), within=st.integers(0, 60))
def test_the_due_json_writer_is_json_dumps(
    specs: list[Any], names: list[str], within: int, ascii_only: bool
) -> None:
    people, followups = _states(specs)
    people = [p._replace(ref=p.ref._replace(name=names[i])) for i, p in enumerate(people)]
    followups = [f._replace(note=names[i % 40] * (i % 2)) for i, f in enumerate(followups)]
    kw: dict[str, Any] = {
        "today": TODAY,
        "horizon": TODAY + timedelta(days=within),
        "cadences": DEFAULT_CADENCE,
        "first_contact_days": 3,
    }
    out, sys.stdout = sys.stdout, io.StringIO()
    unicode_out = render._unicode_out
    render._unicode_out = lambda: not ascii_only  # type: ignore[assignment]
    try:
        render.print_json([render.due_json(i) for i in first_due(people, followups, **kw)[0]])
        expected = sys.stdout.getvalue()
        sys.stdout = io.StringIO()
        render.print_due_json(ranked_due(people, followups, **kw), today=TODAY)
        assert sys.stdout.getvalue() == expected
    finally:
        sys.stdout = out
        render._unicode_out = unicode_out  # type: ignore[method-assign]


# cells of one column a character: ASCII and Latin letters, spaces at either end, empty
NARROW = st.text(alphabet=st.sampled_from("ab Z09-,.#éüñßÀ\xff"), max_size=30)
ANY = st.text(alphabet=st.sampled_from("ab Z é東\u0301\t\n\x1b\u202e"), max_size=20)


@st.composite
def narrow_tables(draw: Any, cells: Any = NARROW) -> Table:
    columns = draw(st.integers(1, 6))
    table = Table(*(draw(NARROW) for _ in range(columns)), header=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 10))):
        table.add_row(*(draw(cells) for _ in range(columns)))
    return table


@given(table=st.one_of(narrow_tables(), narrow_tables(ANY)))
def test_a_pipe_gets_the_same_narrow_table(table: Table) -> None:
    assert tables._plain(table) == _plain_reference(table)


@given(table=st.one_of(narrow_tables(), narrow_tables(ANY)), columns=st.integers(10, 140))
def test_a_terminal_gets_the_same_narrow_table(table: Table, columns: int) -> None:
    """Drawn column by column, or row by row as the general path draws it (every cell
    styled with no style: no table is narrow then)."""
    general = Table(*table.columns, header=table.header)
    for row in table.rows:
        general.add_row(*((c, "") for c in row))
    for colour in (True, False):
        assert tables._drawn_table(table, columns, colour) == tables._drawn_table(
            general, columns, colour
        )


def test_what_is_narrow() -> None:
    assert tables._narrow_text([("Chloé", "Zoë ÿ"), ("a", "")])
    assert tables._narrow_text([("Łukasz", "Ørsted")])  # Latin Extended: one column each
    assert not tables._narrow_text([("東京", "x")])  # two columns each
    assert not tables._narrow_text([("e\u0301", "x")])  # a combining accent: none
    assert not tables._narrow_text([("a\tb", "x")])  # a tab: eight
    assert not tables._narrow_text([("a\x85", "x")])  # a C1 control: escaped when shown
    assert not tables._narrow_text([("a\xad", "x")])  # a soft hyphen: not printable
    assert not tables._narrow_text([(("bold", "bold"), "x")])  # a styled cell
