"""Reading the rows of a CSV file once its header and layout are known."""

from . import generic, google, linkedin
from .csvread import BrokenCsv, Header, Row, rows
from .records import Problem, ReadResult, Record


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
            if isinstance(result, Record):
                records.append(result)
            else:
                invalid.append(result)
    except BrokenCsv as exc:
        invalid.append(Problem(f"line {exc.line}", "file", exc.why))
    return ReadResult(header.format, records, invalid, notes)


def _read_row(
    row: Row, header: Header, columns: generic.Columns | None
) -> tuple[Record | Problem, list[Problem]]:
    if columns is not None:
        return generic.read_row(row, columns), []
    if header.format == "linkedin":
        return linkedin.read_row(row, header), []
    return google.read_row(row, header)
