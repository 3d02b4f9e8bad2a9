"""Reading contacts from files other tools write, and writing pln's own exports.

``read_file`` tells the format from the content (or takes ``fmt``): vCard, LinkedIn's
Connections.csv, Google Contacts CSV, or pln's own CSV. vobject and icalendar are
imported only inside the functions that need them.
"""

from ..errors import InvalidInput
from .records import Problem, ReadResult, Record

FORMATS = ("vcard", "linkedin", "google", "csv")
_FORMAT_HINT = "use --format vcard|linkedin|google|csv|json"
_LAYOUT_NAME = {"linkedin": "a LinkedIn", "google": "a Google Contacts", "csv": "a pln CSV"}

__all__ = ["FORMATS", "Problem", "ReadResult", "Record", "read_file"]


def read_file(path: str, *, fmt: str | None = None, encoding: str | None = None) -> ReadResult:
    """Every record in the file at ``path``; InvalidInput when the file cannot be read at all."""
    from .source import read_text, shown

    if fmt is not None and fmt not in FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}", _FORMAT_HINT)
    text = read_text(path, encoding)
    path = shown(path)
    if fmt == "vcard" or (fmt is None and _starts_vcard(text)):
        from .vcard import read_vcard

        return read_vcard(text, path)
    return _read_csv(text, path, fmt)


def _starts_vcard(text: str) -> bool:
    return text.lstrip()[:11].upper() == "BEGIN:VCARD"


def _read_csv(text: str, path: str, fmt: str | None) -> ReadResult:
    from .csvread import find_header, physical_lines
    from .tabular import read_rows

    lines = physical_lines(text)
    header = find_header(lines, fmt)
    if header is None and fmt is None:
        raise InvalidInput(f"could not tell the format of {path}", _FORMAT_HINT)
    if header is None:
        raise InvalidInput(
            f"{path} has no header row of {_LAYOUT_NAME[str(fmt)]} file in its first lines",
            f"check the file, or {_FORMAT_HINT}",
        )
    return read_rows(lines, header)
