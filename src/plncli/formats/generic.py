"""pln's own CSV layout: one row per person, a header naming pln's fields.

Columns (any order, case-insensitive, ``Met On`` = ``met_on``): name (required),
email, phone, org, role, location, circle, topics, offers, seeks, met_at, met_on,
notes, knows, birthday, links, cadence, role_tags, introduced_by, uid; ``last_contact``
(written by ``pln export``) is read and ignored, as pln keeps its own contact history.
A birthday with no year is ``--MM-DD``; a cadence is an interval (``30d``, ``2w``,
``3m``) or ``never``; ``introduced_by`` names someone in the file or in the book;
``uid`` is the person's UID (RFC 6350, as a vCard's: the import matches by it first).

Multi-valued cells (email, phone, topics, offers, seeks, knows, links, role_tags) hold several
values separated by ``;`` in comma- or tab-delimited files, and by ``|`` in
``;``-delimited files; a ``\\`` before the separator or a ``\\`` makes it part of the
value. Dates are ISO ``YYYY-MM-DD``. A cell that ``pln export``
guarded against spreadsheet formula injection (a leading ``'`` before ``= + - @``,
a tab, a carriage return or another ``'``) has that quote removed.
"""

from datetime import date
from typing import Any

from ..birthdays import NO_YEAR
from ..settings import CIRCLES
from .clean import Bad, check, met_day, parse_iso, too_long
from .csvread import CSV_FIELDS, Header, Row, field_key
from .records import Problem, Record, blank

_LISTS = {
    "email": "emails",
    "phone": "phones",
    "topics": "topics",
    "offers": "offers",
    "seeks": "seeks",
    "knows": "knows",
    "links": "links",
    "role_tags": "role_tags",
}
_GUARDED = ("'=", "'+", "'-", "'@", "'\t", "'\r", "''")


class Columns:
    """Which column holds which field, and what the header itself tells the user."""

    def __init__(self, header: Header) -> None:
        self.fields: dict[int, str] = {}
        self.unknown: dict[int, str] = {}
        self.skip: set[int] = set()
        self.notes: list[Problem] = []
        self.names = header.columns
        for i, column in enumerate(header.columns):
            self._place(i, column, f"line {header.at + 1}")
        self.separator = "|" if header.delimiter == ";" else ";"

    def _place(self, i: int, column: str, where: str) -> None:
        key = field_key(column)
        if key in self.fields.values():
            self.skip.add(i)
            why = f"column '{column}' appears twice; the second is ignored"
        elif key == "last_contact":
            self.skip.add(i)
            why = "column 'last_contact' is not imported: pln keeps its own contact history"
        elif key in CSV_FIELDS:
            self.fields[i] = key
            return
        else:
            self.unknown[i] = column
            why = f"column '{column}' is not a pln field; ignored"
        self.notes.append(Problem(where, column, why))


def read_row(row: Row, cols: Columns) -> Record | Problem:
    where = f"line {row.line}"
    names = [*cols.names, *["cell"] * (len(row.cells) - len(cols.names))]
    bad = too_long(zip(names, row.cells, strict=False))
    if bad:
        return Problem(where, bad.field, bad.why)
    try:
        rec = _fill(blank(where), row, cols)
    except Bad as exc:
        return Problem(where, exc.field, exc.why)
    return check(rec)


def _fill(rec: Record, row: Row, cols: Columns) -> Record:
    values: dict[str, Any] = {}
    unknown: list[str] = []
    for i, raw in enumerate(row.cells):
        cell = _unguard(raw).strip()
        field = cols.fields.get(i)
        if not cell or i in cols.skip:
            continue
        if field is None:
            column = cols.unknown.get(i)
            unknown.append(f"column '{column}'" if column else "a cell past the last column")
        elif field in _LISTS:
            values[_LISTS[field]] = split_values(cell, cols.separator)
        elif field == "met_on":
            values["met_on"], values["met_on_precision"] = met_day(cell)
        else:
            values[field] = _scalar(field, cell)
    return rec._replace(unknown=list(dict.fromkeys(unknown)), **values)


def split_values(cell: str, separator: str) -> list[str]:
    """The values of a multi-valued cell: split at each ``separator`` that no ``\\``
    escapes; ``\\`` before the separator or another ``\\`` is read as that character
    (``pln export`` writes a topic "a;b" as ``a\\;b``), and any other ``\\`` as itself."""
    if "\\" not in cell:
        return [v.strip() for v in cell.split(separator) if v.strip()]
    values: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in cell:
        if escaped:
            current.append(ch if ch in (separator, "\\") else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == separator:
            values.append("".join(current))
            current = []
        else:
            current.append(ch)
    values.append("".join(current) + "\\" * escaped)
    return [v.strip() for v in values if v.strip()]


def _scalar(field: str, cell: str) -> object:
    if field == "birthday":
        return _birthday(cell)
    if field == "cadence":
        return _cadence(cell)
    if field == "uid":
        return _uid(cell)
    if field == "circle":
        circle = cell.lower()
        if circle not in CIRCLES:
            raise Bad("circle", f"'{cell}' is not a circle (use {', '.join(CIRCLES)})")
        return circle
    return cell


def _uid(cell: str) -> str:
    """A person's UID as a card's is taken (``vcard_fields``): text, at most 1,000 characters."""
    from .vcard_fields import MAX_UID, is_text

    if len(cell) > MAX_UID:
        raise Bad("uid", f"a UID is at most {MAX_UID:,} characters (this one has {len(cell):,})")
    if not is_text(cell):
        raise Bad("uid", "a UID is text: this one holds control characters")
    return cell


def _cadence(cell: str) -> str:
    """A keep-in-touch cadence as `pln add --every` takes it: canonical interval or never."""
    from ..dates import DateError, parse_interval

    if cell.lower() == "never":
        return "never"
    try:
        return str(parse_interval(cell))
    except DateError:
        raise Bad("cadence", f"'{cell}' is not a cadence (30d, 2w, 3m, 1y or never)") from None


def _birthday(cell: str) -> date:
    if cell.startswith("--"):  # no year, as pln export writes it
        try:
            return date(NO_YEAR, int(cell[2:4]), int(cell[5:7]))
        except ValueError:
            pass
    day = parse_iso(cell)
    if day is None:
        raise Bad("birthday", f"'{cell}' is not a date like 2024-03-15")
    return day


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith(_GUARDED) else cell
