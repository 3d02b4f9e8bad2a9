"""Drawing tables and lines: Rich on a colour terminal, plain aligned text otherwise.

Rich costs ~55 ms to import (PERF_NOTES.md), a third of a command's whole budget,
and buys nothing when the output goes to a pipe or a file. So views build a
``Table`` of plain cells, each optionally styled, and ``emit`` draws it with
Rich only when the output is a terminal (or FORCE_COLOR is set). Every cell and
line is passed through ``text.visible`` on the way out, so no stored value can
send a control sequence to the terminal.
"""

import os
import sys
import textwrap
import unicodedata
from typing import TextIO

from .text import visible

Cell = str | tuple[str, str]  # text, or (text, Rich style)


class Table:
    def __init__(self, *columns: str, header: bool = True) -> None:
        self.columns = columns
        self.header = header
        self.rows: list[tuple[Cell, ...]] = []

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)


Block = Table | Cell


def _rich_wanted(stream: TextIO) -> bool:
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def emit(*blocks: Block, stderr: bool = False) -> None:
    """Print tables and lines to stdout (data) or stderr (chatter)."""
    stream = sys.stderr if stderr else sys.stdout
    if _rich_wanted(stream):
        _emit_rich(blocks, stderr)
    else:
        # a pipe or a file gets one line per row, whatever its length, so that grep and
        # awk see whole rows; only a terminal without colour gets the last column wrapped
        fold_rows = stream.isatty()
        stream.write("".join(_plain(b, wrap=fold_rows) for b in blocks))
        stream.flush()


def _text(cell: Cell) -> str:
    return visible(cell if isinstance(cell, str) else cell[0])


# ---- plain ---------------------------------------------------------------------------


def width(text: str) -> int:
    """Columns a string takes in a terminal (wide East Asian characters take two)."""
    if text.isascii():
        return len(text)
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def terminal_columns() -> int:
    """As ``shutil.get_terminal_size``: $COLUMNS, else the terminal's, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _pad(text: str, n: int) -> str:
    return text + " " * (n - width(text))


def _column_width(cells: tuple[str, ...]) -> int:
    if all(c.isascii() for c in cells):
        return max(map(len, cells))
    return max(map(width, cells))


def _one_line(text: str) -> str:
    """A cell on one line: line breaks inside it are shown as ' / '."""
    if text.isprintable():
        return text
    parts = text.splitlines()
    return " / ".join(p.strip() for p in parts) if len(parts) > 1 else "".join(parts)


def _plain(block: Block, *, wrap: bool = False) -> str:
    if not isinstance(block, Table):
        return _text(block) + "\n"
    rows = [tuple(_one_line(_text(c)) for c in row) for row in block.rows]
    if block.header:
        rows.insert(0, block.columns)
    if not rows:
        return ""
    widths = [_column_width(col) for col in zip(*rows, strict=True)]
    room = terminal_columns() - sum(widths[:-1]) - 2 * (len(widths) - 1)
    wrap = wrap and widths[-1] > room >= 20
    lines = []
    for row in rows:
        first = "  ".join(
            c.ljust(w) if c.isascii() else _pad(c, w)
            for c, w in zip(row[:-1], widths[:-1], strict=True)
        )
        if not wrap or len(row[-1]) <= room:
            lines.append(f"{first}  {row[-1]}" if first else row[-1])
            continue
        last = textwrap.wrap(row[-1], room) or [""]
        lines.append(f"{first}  {last[0]}" if first else last[0])
        lines += [" " * (len(first) + 2) + more for more in last[1:]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# ---- rich ----------------------------------------------------------------------------


def _emit_rich(blocks: tuple[Block, ...], stderr: bool) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    def text(cell: Cell) -> Text:
        return Text(_text(cell)) if isinstance(cell, str) else Text(_text(cell), style=cell[1])

    console = Console(stderr=stderr, highlight=False)
    for block in blocks:
        if not isinstance(block, Table):
            console.print(text(block), soft_wrap=True)
            continue
        table = RichTable(box=None, pad_edge=False, header_style="bold", show_header=block.header)
        for col in block.columns:
            table.add_column(col)
        for row in block.rows:
            table.add_row(*(text(c) for c in row))
        console.print(table)
