"""Finding the header row, the delimiter and the rows of a CSV file.

The delimiter (``,``, ``;`` or tab) is chosen from the header line: the one that
splits it into the most known column names, then the one seen most often outside
quotes. Rows are read with the ``csv`` module in strict mode, so quoted fields may
hold line breaks; each row carries the physical line of the file where it starts.
"""

import csv
import io
import re
from collections.abc import Iterator
from typing import NamedTuple

DELIMITERS = (",", ";", "\t")
HEADER_WINDOW = 10  # LinkedIn puts a few lines of notes before its header
CSV_FIELDS = (
    "name",
    "email",
    "phone",
    "org",
    "role",
    "location",
    "circle",
    "topics",
    "offers",
    "seeks",
    "met_at",
    "met_on",
    "notes",
    "knows",
    "birthday",
    "links",
    "last_contact",
    "cadence",
    "role_tags",
    "introduced_by",
    "uid",
)
LINKEDIN_NEEDS = frozenset({"first name", "last name", "company", "position", "connected on"})
LINKEDIN_COLUMNS = LINKEDIN_NEEDS | {"url", "email address"}
_GOOGLE_VALUE = re.compile(r"^(e-mail|phone|website|address|organization|relation) \d+ - ", re.I)
_GOOGLE_NAMES = frozenset({"name", "given name", "first name", "family name", "last name"})
_FIELD_LIMIT = 1 << 20  # a quoted field over 1 MiB (as source.MAX_LINE) stops the reader


class Header(NamedTuple):
    format: str  # "linkedin" | "google" | "csv", or "" when no layout matched
    at: int  # 0-based index of the header line in the file's physical lines
    delimiter: str
    columns: list[str]  # as written in the file, stripped


class Row(NamedTuple):
    line: int  # physical line (1-based) where the row starts
    cells: list[str]


class BrokenCsv(Exception):
    """The rows cannot be read on from ``line`` (broken quoting)."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line = line
        self.why = why


def field_key(column: str) -> str:
    """A generic-CSV column name as pln spells its fields: ``Met On`` -> ``met_on``."""
    return re.sub(r"[\s\-]+", "_", column.strip().lower())


def layout(columns: list[str]) -> str:
    """Which known layout a header row has: linkedin, google, csv, or ""."""
    return next((fmt for fmt in ("linkedin", "google", "csv") if fits(columns, fmt)), "")


def fits(columns: list[str], fmt: str) -> bool:
    """Whether a header row names the columns format ``fmt`` needs."""
    lowered = {c.strip().lower() for c in columns}
    if fmt == "linkedin":
        return lowered >= LINKEDIN_NEEDS
    if fmt == "google":
        return bool(lowered & _GOOGLE_NAMES) and any(_GOOGLE_VALUE.match(c) for c in lowered)
    return "name" in {field_key(c) for c in columns}


def physical_lines(text: str) -> list[str]:
    """The file's lines with their line ends, split only at CR, LF and CRLF."""
    return list(io.StringIO(text, newline=""))


def find_header(lines: list[str], want: str | None) -> Header | None:
    """The first line within the window that is a header (of format ``want`` if given)."""
    for index, line in enumerate(lines[:HEADER_WINDOW]):
        if not line.strip():
            continue
        delimiter, columns = split_header(line)
        found = layout(columns) if want is None else (want if fits(columns, want) else "")
        if found:
            return Header(found, index, delimiter, columns)
    return None


def split_header(line: str) -> tuple[str, list[str]]:
    best: tuple[int, int, str, list[str]] | None = None
    for delimiter in DELIMITERS:
        columns = _split_one(line, delimiter)
        score = (_known(columns), _count_outside_quotes(line, delimiter))
        if best is None or score > best[:2]:
            best = (*score, delimiter, columns)
    assert best is not None
    return best[2], best[3]


def _split_one(line: str, delimiter: str) -> list[str]:
    try:
        cells = next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        cells = line.rstrip("\r\n").split(delimiter)
    return [c.strip() for c in cells]


def _known(columns: list[str]) -> int:
    count = 0
    for column in columns:
        low = column.strip().lower()
        if (
            field_key(column) in CSV_FIELDS
            or low in LINKEDIN_COLUMNS
            or low in _GOOGLE_NAMES
            or _GOOGLE_VALUE.match(low)
        ):
            count += 1
    return count


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            count += 1
    return count


def rows(lines: list[str], header: Header) -> Iterator[Row]:
    """The data rows after the header, blank rows skipped."""
    csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(iter(lines[header.at + 1 :]), delimiter=header.delimiter, strict=True)
    done = header.at + 1  # physical lines consumed so far
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise BrokenCsv(done + 1, f"the CSV cannot be read from here on ({exc})") from None
        start, done = done + 1, header.at + 1 + reader.line_num
        if any(c.strip() for c in cells):
            yield Row(start, cells)
