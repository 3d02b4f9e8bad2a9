"""Start-up where it matters (issue 13, item 7): terminal tables without Rich, the fast
path's option table read from the Typer app, and a fast path that cannot hide its bugs."""

import io
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plncli import tables
from plncli.tables import Table

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _rich(table: Table, columns: int) -> str:
    """What Rich draws for the table (the look pln's terminal tables keep)."""
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    out = io.StringIO()
    console = Console(file=out, width=columns, color_system=None, highlight=False)
    rich = RichTable(box=None, pad_edge=False, header_style="bold", show_header=table.header)
    for name in table.columns:
        rich.add_column(name)
    for row in table.rows:
        rich.add_row(*(Text(c if isinstance(c, str) else c[0]) for c in row))
    console.print(rich)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())


def _drawn(table: Table, columns: int, colour: bool = False) -> str:
    return ANSI.sub("", tables._drawn(table, columns, colour=colour))


WORDS = st.text(
    alphabet=st.sampled_from("abcdefghijklmnop ABCXYZ0123456789-.,#()éüñ東京\n"),
    max_size=60,
)
HEADERS = st.sampled_from(["", "#", "who", "due", "why", "name", "org", "last contact"])


@st.composite
def tables_(draw: Any) -> Table:
    names = draw(st.lists(HEADERS, min_size=1, max_size=6))
    table = Table(*names, header=draw(st.booleans()))
    for _ in range(draw(st.integers(0, 5))):
        table.add_row(*(draw(WORDS) for _ in names))
    return table


@given(table=tables_(), columns=st.integers(30, 160))
def test_terminal_tables_are_laid_out_as_rich_lays_them_out(table: Table, columns: int) -> None:
    if not table.rows and not table.header:
        return  # nothing to draw either way
    assert _drawn(table, columns) == _rich(table, columns)


def test_a_long_table_wraps_its_widest_columns_on_a_narrow_terminal() -> None:
    table = Table("", "who", "due", "why")
    table.add_row(("follow-up #3", "yellow"), "Ana Ruiz", "today", "send the quiz " * 8)
    table.add_row(("reconnect", "magenta"), "Benjamin Okafor-Smithson", "3 days ago", "x")
    for columns in (120, 80, 60, 40):
        drawn = _drawn(table, columns)
        assert drawn == _rich(table, columns)
        assert max(len(line) for line in drawn.splitlines()) <= columns


def test_styles_are_ansi_codes_and_no_color_keeps_only_bold_and_dim() -> None:
    table = Table("who", "due")
    table.add_row(("Ana", "yellow"), ("today", "bold red"))
    coloured = tables._drawn(table, 80, colour=True)
    assert "\x1b[1mwho\x1b[0m" in coloured  # the header is bold
    assert "\x1b[33mAna\x1b[0m" in coloured
    assert "\x1b[1;31mtoday\x1b[0m" in coloured  # as Rich writes "bold red"
    plain = tables._drawn(table, 80, colour=False)
    assert "\x1b[33m" not in plain
    assert "\x1b[1;31m" not in plain
    assert "\x1b[1mtoday\x1b[0m" in plain  # bold stays
    assert "\x1b[1mwho\x1b[0m" in plain
    assert tables._drawn(("hint: x", "dim"), 80, colour=False) == "\x1b[2mhint: x\x1b[0m\n"
