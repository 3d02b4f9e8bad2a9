"""Drawing tables and lines: styled on a terminal, plain aligned text otherwise.

Views build a ``Table`` of plain cells, each optionally styled ("bold", "dim",
"yellow", "bold red", ...), and ``emit`` draws it. On a terminal (or with
FORCE_COLOR) tables are laid out as Rich lays out ``Table(box=None, pad_edge=False,
header_style="bold")``, drawn here by hand: with Rich, `pln due` on a terminal
took ~55 ms more CPU than in a pipe (5.3x the floor's CPU against 3.4x) and a
10,000-row `pln list` took 15-19 s; without it the two ways cost the same. A test
draws random tables both ways and requires the same text; tabs are expanded to
8 columns (Rich measured them as nothing). NO_COLOR keeps bold and dim but drops
colours, as Rich does. A pipe or a file gets one line per row, however long. Every cell and line
is passed through ``text.visible`` on the way out, so no stored value can send a
control sequence to the terminal.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import chain, compress, count, repeat
from operator import gt, le

from .lean import TYPE_CHECKING, regex
from .text import visible

if TYPE_CHECKING:
    from typing import Any, TextIO

Cell = str | tuple[str, str]  # text, or (text, style: words of STYLE_CODES)


class Table:
    def __init__(self, *columns: str, header: bool = True) -> None:
        self.columns = columns
        self.header = header
        self.rows: list[tuple[Cell, ...]] = []

    def add_row(self, *cells: Cell) -> None:
        self.rows.append(cells)


Block = Table | Cell


def _styled_wanted(stream: TextIO) -> bool:
    """A terminal that is not dumb (Rich's test: TERM "dumb" or "unknown"), or FORCE_COLOR."""
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty() and os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


def emit(*blocks: Block, stderr: bool = False) -> None:
    """Print tables and lines to stdout (data) or stderr (chatter)."""
    stream = sys.stderr if stderr else sys.stdout
    if _styled_wanted(stream):
        colour = not os.environ.get("NO_COLOR")
        columns = terminal_columns()
        _write(stream, (p for b in blocks for p in _drawn_parts(b, columns, colour=colour)))
    else:
        # a pipe or a file gets one line per row, whatever its length, so that grep and
        # awk see whole rows; only a terminal without colour gets the last column wrapped
        fold_rows = stream.isatty()
        _write(stream, (p for b in blocks for p in _plain_parts(b, wrap=fold_rows)))


CHUNK = 512  # rows of a long table made and written at a time
WRITE_SIZE = 1 << 16  # characters gathered before a write


def _write(stream: TextIO, parts: Iterable[str]) -> None:
    """Write ``parts`` as they are made: all at once when short, a long table in runs of
    some 64 KB. The 10,000 rows of `pln list` were one string of 1.7 MB, encoded to
    another, each in new memory the system had to clear (as long as formatting them)."""
    pending: list[str] = []
    size = 0
    for part in parts:
        pending.append(part)
        size += len(part)
        if size >= WRITE_SIZE:
            stream.write("".join(pending))
            pending, size = [], 0
    stream.write("".join(pending))
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
    if "".join(cells).isascii():
        return max(map(len, cells))
    return max(map(width, cells))


def _one_line(text: str) -> str:
    """A cell on one line: line breaks inside it are shown as ' / '."""
    if text.isprintable():
        return text
    parts = text.splitlines()
    return " / ".join(p.strip() for p in parts) if len(parts) > 1 else "".join(parts)


def _plain_cells(row: tuple[Cell, ...]) -> tuple[str, ...]:
    """A row's cells as a pipe shows them; quick for the usual row of printable text."""
    try:
        if "".join(row).isprintable():  # type: ignore[arg-type]  # TypeError: a styled cell
            return row  # type: ignore[return-value]
    except TypeError:
        pass
    return tuple(_one_line(_text(c)) for c in row)


def _plain(block: Block, *, wrap: bool = False) -> str:
    return "".join(_plain_parts(block, wrap=wrap))


def _plain_parts(block: Block, *, wrap: bool = False) -> Iterable[str]:
    if not isinstance(block, Table):
        return (_text(block) + "\n",)
    if not wrap and len(block.columns) > 1 and _narrow_text(block.rows):
        return _plain_narrow_parts(block)
    return (_plain_table(block, wrap=wrap),)


def _plain_table(block: Table, *, wrap: bool) -> str:
    rows = [_plain_cells(row) for row in block.rows]
    if block.header:
        rows.insert(0, block.columns)
    if not rows:
        return ""
    widths = [_column_width(col) for col in zip(*rows, strict=True)]
    room = terminal_columns() - sum(widths[:-1]) - 2 * (len(widths) - 1)
    wrap = wrap and widths[-1] > room >= 20
    if not wrap:
        return _plain_lines(rows, widths)
    lines = []
    for row in rows:
        first = "  ".join(
            c.ljust(w) if c.isascii() else _pad(c, w)
            for c, w in zip(row[:-1], widths[:-1], strict=True)
        )
        if not wrap or len(row[-1]) <= room:
            lines.append(f"{first}  {row[-1]}" if first else row[-1])
            continue
        import textwrap  # only a terminal without colour (TERM=dumb) folds the last column

        last = textwrap.wrap(row[-1], room) or [""]
        lines.append(f"{first}  {last[0]}" if first else last[0])
        lines += [" " * (len(first) + 2) + more for more in last[1:]]
    return "\n".join(line.rstrip() for line in lines) + "\n"


# Characters from U+0300 on: combining marks start there, wide ones later (U+1100)
_MAYBE_NOT_ONE_COLUMN = "[^\x00-\u02ff]"
_PRINTABLE_LATIN1 = bytes(b for b in range(256) if chr(b).isprintable())


def _narrow_text(rows: list[tuple[Cell, ...]]) -> bool:
    """Whether every cell is unstyled, printable text below U+0300 (ASCII, and the Latin
    letters of most European names): one line a cell, and as many columns as characters
    (every row of most tables, of `pln list` above all)."""
    for start in range(0, len(rows), CHUNK):  # a chunk at a time: no copy of all the text
        try:  # TypeError: a styled cell
            text = "".join(chain.from_iterable(rows[start : start + CHUNK]))  # type: ignore[arg-type]
        except TypeError:
            return False
        try:  # Latin-1 text is one byte a character: checked byte by byte, in C
            if text.encode("latin-1").translate(None, _PRINTABLE_LATIN1):
                return False
        except UnicodeEncodeError:
            if not text.isprintable() or regex(_MAYBE_NOT_ONE_COLUMN).search(text):
                return False
    return True


def _plain_narrow(table: Table) -> str:
    return "".join(_plain_narrow_parts(table))


def _plain_narrow_parts(table: Table) -> Iterator[str]:
    """``_plain_lines`` for a table of ``_narrow_text``: the widths are measured column by
    column and the lines made by one printf-style format mapped over the rows, with no
    Python code per row (a pipe gets all 10,000 rows of `pln list` at 10,000 people),
    ``CHUNK`` rows at a time."""
    columns = list(zip(*table.rows, strict=True)) or [()] * len(table.columns)
    if table.header:
        columns = [(name, *cells) for name, cells in zip(table.columns, columns, strict=True)]
    if not columns[0]:
        return
    widths = [max(map(len, cells)) for cells in columns[:-1]]
    rows = [table.columns, *table.rows] if table.header else table.rows
    if widths == [0]:  # two columns, the first empty throughout: no gap before the last
        yield "".join(f"{row[-1].rstrip()}\n" for row in rows)  # type: ignore[union-attr]
        return
    line = "  ".join(f"%-{w}s" for w in widths) + "  %s"
    last = columns[-1]
    ragged = "" in last or " \n" in "\n".join(last) + "\n"  # lines that end in spaces
    for start in range(0, len(rows), CHUNK):
        lines = map(line.__mod__, rows[start : start + CHUNK])
        yield "\n".join(map(str.rstrip, lines) if ragged else lines) + "\n"


def _plain_lines(rows: list[tuple[str, ...]], widths: list[int]) -> str:
    """Rows of one line each, the columns but the last padded to their widths and two
    spaces apart. An ASCII row is padded by one format string (a pipe gets every row of
    `pln list`: 10,000 at 10,000 people)."""
    head = "  ".join(f"{{:<{w}}}" for w in widths[:-1])
    lines = []
    for row in rows:
        if "".join(row).isascii():
            first = head.format(*row[:-1])
        else:
            first = "  ".join(
                c.ljust(w) if c.isascii() else _pad(c, w)
                for c, w in zip(row[:-1], widths[:-1], strict=True)
            )
        lines.append(f"{first}  {row[-1]}".rstrip() if first else row[-1].rstrip())
    return "\n".join(lines) + "\n"


# ---- terminal ------------------------------------------------------------------------
# Rich's table layout (rich/table.py, _wrap.py, _ratio.py), for the one kind of table pln
# draws: no box, one space of padding between columns and none at the edges, left-justified
# cells that wrap at spaces, a word too long for its column cut with "…".

STYLE_CODES = {
    "bold": 1,
    "dim": 2,
    "italic": 3,
    "underline": 4,
    "black": 30,
    "red": 31,
    "green": 32,
    "yellow": 33,
    "blue": 34,
    "magenta": 35,
    "cyan": 36,
    "white": 37,
}
_WORD = r"\s*\S+\s*"


def _sgr_on(style: str, colour: bool) -> str:
    """The escape code that turns ``style`` on (NO_COLOR: bold and dim, no colours)."""
    codes = sorted(STYLE_CODES[w] for w in style.split())
    on = ";".join(str(c) for c in codes if colour or c < 30)
    return f"\x1b[{on}m" if on else ""


def _drawn_parts(block: Block, columns: int, *, colour: bool) -> Iterable[str]:
    if isinstance(block, Table) and block.rows and len(block.columns) > 1:
        if _narrow_text(block.rows):
            return _drawn_narrow_parts(block, columns, colour)
        return (_drawn_rows(block, columns, colour),)
    return (_drawn(block, columns, colour=colour),)


def _drawn(block: Block, columns: int, *, colour: bool) -> str:
    if isinstance(block, Table):
        return _drawn_table(block, columns, colour)
    style = "" if isinstance(block, str) else block[1]
    on = _sgr_on(style, colour) if style else ""
    lines = _text(block).split("\n")
    return "".join(f"{on}{line}\x1b[0m\n" if on and line else line + "\n" for line in lines)


def _cell_lines(cell: Cell) -> tuple[list[str], str]:
    text, style = (cell, "") if isinstance(cell, str) else cell
    text = visible(text)
    if "\n" in text or "\t" in text:
        return text.expandtabs(8).split("\n"), style
    return [text], style


def _longest(lines: list[str]) -> int:
    return max(map(width, lines)) if len(lines) > 1 else width(lines[0])


def _column_widths(longest: list[int], pads: list[int], most: int) -> list[int]:
    """Each column's width with its padding (Rich's measurement of padded text): its
    longest line, or less when the table is wider than ``most``."""

    def measured(col: int, limit: int) -> int:
        return limit if limit - pads[col] < 1 else min(longest[col] + pads[col], limit)

    widths = [measured(c, most) or 1 for c in range(len(pads))]
    if sum(widths) <= most:
        return widths
    widths = _collapse(widths, most)
    if sum(widths) > most:
        widths = _reduce(sum(widths) - most, [1] * len(widths), widths, widths)
    return [measured(c, w) for c, w in enumerate(widths)]


def _collapse(widths: list[int], most: int) -> list[int]:
    """Narrow the widest columns, step by step, to the width of the next widest."""
    excess = sum(widths) - most
    while excess > 0:
        top = max(widths)
        second = max((w for w in widths if w != top), default=0)
        ratios = [1 if w == top else 0 for w in widths]
        if not top - second:
            break
        widths = _reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
        excess = sum(widths) - most
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take ``total`` off ``values`` in proportion to ``ratios`` (Rich's ratio_reduce)."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    left, weight = total, sum(ratios)
    out = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and weight > 0:
            taken = min(most, round(ratio * left / weight))
            out.append(value - taken)
            left -= taken
            weight -= ratio
        else:
            out.append(value)
    return out


def _fit(text: str, n: int) -> str:
    """``text`` cut or padded to exactly ``n`` columns."""
    if text.isascii():
        return text[:n].ljust(n)
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > n:
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * (n - used)


def _wrapped(line: str, n: int) -> list[str]:
    """One line of a cell in lines of ``n`` columns: broken at spaces, a long word cut."""
    measure = len if line.isascii() else width
    if measure(line) <= n:
        return [line]
    if measure is len and line.isprintable() and "  " not in line and line.strip(" ") == line:
        return _wrapped_words(line, n)
    breaks, used = [0], 0
    for match in regex(_WORD).finditer(line):
        start, word = match.start(), match.group()
        size = measure(word.rstrip())
        if n - used >= size:
            used += measure(word)
            continue
        if start and (size > n or used):
            breaks.append(start)
        used = measure(word)
    pieces = [line[a:b] for a, b in zip(breaks, [*breaks[1:], len(line)], strict=True)]
    out = []
    for piece in pieces:
        if len(piece) > n:
            trail = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(trail, len(piece) - n)]
        out.append(_fit(piece, n - 1) + "…" if width(piece) > n else piece)
    return out


def _wrapped_words(line: str, n: int) -> list[str]:
    """``_wrapped`` of printable ASCII words one space apart, with no space at either end
    (the topics of `pln list`): each line cut at the last space that fits, found by
    ``str.rfind``, rather than word by word (a fifth of `pln list`'s rows wrap on a
    terminal 120 wide). The same pieces, trailing space and all (a test compares them)."""
    out = []
    while len(line) > n:
        cut = line.rfind(" ", 0, n + 1)
        if cut < 0:  # a word longer than the column, on a line of its own, cut with "…"
            out.append(line[: n - 1] + "…")
            end = line.find(" ")
            if end < 0:
                return out
            line = line[end + 1 :]
        else:  # the words before the space, and the space if the column has room for it
            out.append(line[: cut + 1] if cut < n else line[:cut])
            line = line[cut + 1 :]
    out.append(line)
    return out


def _quick(row: tuple[Cell, ...]) -> bool:
    """Whether a row is plain ASCII text, printable, with no style: one line a cell, as
    many columns as characters (most rows of most tables, every row of `pln list`)."""
    try:
        text = "".join(row)  # type: ignore[arg-type]  # TypeError: a styled cell
    except TypeError:
        return False
    return text.isascii() and text.isprintable()


def _drawn_narrow(table: Table, columns: int, colour: bool) -> str:
    return "".join(_drawn_narrow_parts(table, columns, colour))


def _drawn_narrow_parts(table: Table, columns: int, colour: bool) -> Iterator[str]:
    """``_drawn_table`` for a table whose every cell is ``_narrow_text``, column by column:
    the rows that fit their columns are formatted by one printf-style format mapped over
    the rows, ``CHUNK`` rows at a time, and only those that do not are wrapped row by row
    (on a terminal 120 wide, a fifth of `pln list`'s rows wrap their topics)."""
    body = list(zip(*table.rows, strict=True))
    most = [max(map(len, cells)) for cells in body]
    head = [width(c) if table.header else 0 for c in table.columns]
    room, inner = _room(list(map(max, most, head)), columns)
    if table.header:
        starts = {"bold": _sgr_on("bold", colour)}
        named = [([c], "bold") for c in table.columns]
        if all(map(le, head, inner)):
            yield _one_line_row(named, room, starts)
        else:
            yield "".join(_wrapped_row(named, room, starts, header=True))
    line = "".join(f"{left}%-{space}s" for _, left, space in room)
    wide: dict[int, int] = {}  # row -> the one column too narrow for it, or -1: several
    for col, (cells, longest, n) in enumerate(zip(body, most, inner, strict=True)):
        if longest > n:
            for r in compress(count(), map(gt, map(len, cells), repeat(n))):
                wide[r] = -1 if r in wide or not n else col
    # a row that fits: its last cell not padded, and no spaces to strip after it, unless
    # some last cell is empty or ends in spaces
    last = body[-1]
    ragged = "" in last or " \n" in "\n".join(last) + "\n"
    fitted = line[: line.rindex("%")] + "%s"
    del body, last
    # where each column's text starts: the indent of a wrapped cell's next lines
    indents = [
        " " * (len(left) + sum(len(a) + b for _, a, b in room[:c]))
        for c, (_, left, _) in enumerate(room)
    ]
    rows: list[tuple[str, ...]] = table.rows  # type: ignore[assignment]  # narrow text
    order = sorted(wide)
    at = 0  # the next row of ``order``
    for start in range(0, len(rows), CHUNK):
        lines = list(map(fitted.__mod__, rows[start : start + CHUNK]))
        if ragged:
            lines = list(map(str.rstrip, lines))
        while at < len(order) and order[at] < start + CHUNK:
            r = order[at]
            lines[r - start] = _drawn_wide_row(rows[r], wide[r], line, room, indents)
            at += 1
        yield "\n".join(lines) + "\n"


def _drawn_wide_row(
    row: tuple[str, ...], col: int, line: str, room: list[tuple[int, str, int]], indents: list[str]
) -> str:
    """The lines of a row of narrow text that does not fit its columns: ``col`` the one
    column too narrow for it, or -1 (several, or one with no room at all)."""
    if col >= 0:  # one cell wraps (topics, in `pln list`): the others fit on its first line
        cells = list(row)
        first, *more = _wrapped(cells[col], room[col][0])
        cells[col] = first.rstrip()
        indent = indents[col]
        return "\n".join([(line % tuple(cells)).rstrip(), *[(indent + m).rstrip() for m in more]])
    wrapped = [  # a cell that fits is one line as it is (its length is its width here)
        [] if not n else [c] if len(c) <= n else _wrapped(c, n)
        for c, (n, _, _) in zip(row, room, strict=True)
    ]
    template = "".join(f"{left}{{:<{space}}}" for _, left, space in room)
    return "\n".join(
        template.format(*[c[i].rstrip() if i < len(c) else "" for c in wrapped]).rstrip()
        for i in range(max(1, *map(len, wrapped)))
    )


def _room(longest: list[int], columns: int) -> tuple[list[tuple[int, str, int]], list[int]]:
    """Each column's (room inside its padding, left padding, room with the right padding),
    and the room inside alone: no box, one space between columns, none at the edges."""
    last = len(longest) - 1
    lefts = [0 if c == 0 else 1 for c in range(last + 1)]
    pads = [lefts[c] + (0 if c == last else 1) for c in range(last + 1)]
    widths = _column_widths(longest, pads, columns)
    inner = [max(w - p, 0) for w, p in zip(widths, pads, strict=True)]
    room = [
        (n, " " * left, n + pad - left) for n, left, pad in zip(inner, lefts, pads, strict=True)
    ]
    return room, inner


def _drawn_table(table: Table, columns: int, colour: bool) -> str:
    if table.rows and len(table.columns) > 1 and _narrow_text(table.rows):
        return _drawn_narrow(table, columns, colour)
    return _drawn_rows(table, columns, colour)


def _drawn_rows(table: Table, columns: int, colour: bool) -> str:
    """A table drawn row by row (``_drawn_narrow``: the quick way, for narrow text)."""
    quick = [_quick(row) for row in table.rows]
    rows: list[Any] = [
        row if q else [_cell_lines(c) for c in row]
        for row, q in zip(table.rows, quick, strict=True)
    ]
    if table.header:
        rows.insert(0, [([c], "bold") for c in table.columns])
        quick.insert(0, False)
    if not rows:
        return ""
    sizes = [
        list(map(len, row)) if q else [_longest(lines) for lines, _ in row]
        for row, q in zip(rows, quick, strict=True)
    ]
    longest = [max(col) for col in zip(*sizes, strict=True)]
    room, inner = _room(longest, columns)
    starts = {
        style: _sgr_on(style, colour)
        for row, q in zip(rows, quick, strict=True)
        if not q
        for _, style in row
        if style
    }
    # a quick row that fits: each cell left-justified in its room, by one format string
    template = "".join(f"{left}{{:<{space}}}" for _, left, space in room)
    out: list[str] = []
    for r, row in enumerate(rows):
        if quick[r]:
            if all(map(le, sizes[r], inner)):
                out.append(template.format(*[c.rstrip() for c in row]).rstrip() + "\n")
            else:
                cells = [
                    _wrapped(c, n) if n else [] for c, (n, _, _) in zip(row, room, strict=True)
                ]
                out += [
                    template.format(*[c[i].rstrip() if i < len(c) else "" for c in cells]).rstrip()
                    + "\n"
                    for i in range(max(1, *map(len, cells)))
                ]
            continue
        if all(
            len(lines) == 1 and w <= n
            for (lines, _), w, n in zip(row, sizes[r], inner, strict=True)
        ):
            out.append(_one_line_row(row, room, starts))  # the common case, kept quick
        else:
            out += _wrapped_row(row, room, starts, header=table.header and r == 0)
    return "".join(out)


def _one_line_row(
    row: list[tuple[list[str], str]], room: list[tuple[int, str, int]], starts: dict[str, str]
) -> str:
    parts = []
    for (lines, style), (_, left, space) in zip(row, room, strict=True):
        text = lines[0].rstrip()
        used = len(text) if text.isascii() else width(text)
        on = starts[style] if style and text else ""
        parts.append(f"{left}{on}{text}\x1b[0m" if on else left + text)
        parts.append(" " * (space - used))
    return "".join(parts).rstrip() + "\n"


def _wrapped_row(
    row: list[tuple[list[str], str]],
    room: list[tuple[int, str, int]],
    starts: dict[str, str],
    *,
    header: bool,
) -> list[str]:
    cells = [  # as Rich: a cell with no room inside its padding has no lines at all
        [piece for line in lines for piece in _wrapped(line, n)] if n else []
        for (lines, _), (n, _, _) in zip(row, room, strict=True)
    ]
    height = max(1, *map(len, cells))
    if header:  # a header's cells line up at the bottom
        cells = [[""] * (height - len(c)) + c for c in cells]
    return [
        _one_line_row(
            [
                ([c[i] if i < len(c) else ""], style)
                for c, (_, style) in zip(cells, row, strict=True)
            ],
            room,
            starts,
        )
        for i in range(height)
    ]
