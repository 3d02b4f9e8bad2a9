"""Reading the rows of a CSV file once its header and layout are known."""

import unicodedata
from collections.abc import Callable

from . import generic, google, linkedin
from .clean import collect_fixed
from .csvread import BrokenCsv, Header, Row, rows
from .records import Problem, ReadResult, Record, listed


def read_rows(lines: list[str], header: Header) -> ReadResult:
    records: list[Record] = []
    invalid: list[Problem] = []
    notes: list[Problem] = []
    columns = generic.Columns(header) if header.format == "csv" else None
    if columns is not None:
        notes += columns.notes
    try:
        for row in rows(lines, header):
            result, row_notes = _read_row(row, header, columns)
            notes += row_notes
            if isinstance(result, Record) and result.fixed:  # after the record's own notes
                notes += collect_fixed([result], _column_of(row, header))
            if isinstance(result, Record):
                records.append(result)
            else:
                invalid.append(result)
    except BrokenCsv as exc:
        invalid.append(Problem(f"line {exc.line}", "file", exc.why))
    if columns is None:  # pln's own layout reports its unknown columns from the header
        notes += unkept_columns(records, f"line {header.at + 1}")
    return ReadResult(header.format, records, invalid, notes)


# words a column for a field is named with, in pln's, Google's and LinkedIn's layouts
_NAMED = {"link": ("link", "website", "url"), "phone": ("phone",), "topic": ("topic", "label")}


def _column_of(row: Row, header: Header) -> Callable[[str, str], str]:
    """The column whose cell held a value: of those holding it, one named for its field
    first, and one not named yet for the same value (the field's name when no cell
    holds it whole)."""
    said: set[tuple[str, str]] = set()

    def column(word: str, value: str) -> str:
        cells = zip(header.columns, row.cells, strict=False)
        found = [c for c, cell in cells if value in _as_read(cell) and (c, value) not in said]
        names = _NAMED.get(word, (word,))
        named = [c for c in found if any(n in c.lower() for n in names)]
        chosen = (named or found or [word])[0]
        said.add((chosen, value))
        return chosen

    return column


def _as_read(cell: str) -> str:
    """A cell as its values are read (NFC, runs of spaces as one: ``text.clean_line``), so
    that a value is found in the cell it came from (U+F900 is read as U+8C48)."""
    return " ".join(unicodedata.normalize("NFC", cell).split())


def unkept_columns(records: list[Record], where: str) -> list[Problem]:
    """One note per column whose cells pln does not keep, with the lines that hold one."""
    lines: dict[str, list[str]] = {}
    for record in records:
        for item in record.unknown:
            lines.setdefault(item, []).append(record.where.removeprefix("line "))
    notes = []
    for item, found in lines.items():
        column = item[len("column '") : -1] if item.startswith("column '") else "cell"
        why = f"not kept: {item} (pln has no field for it), on line(s) {listed(found)}"
        notes.append(Problem(where, column, why))
    return notes


def _read_row(
    row: Row, header: Header, columns: generic.Columns | None
) -> tuple[Record | Problem, list[Problem]]:
    if columns is not None:
        return generic.read_row(row, columns), []
    if header.format == "linkedin":
        return linkedin.read_row(row, header), []
    return google.read_row(row, header)
