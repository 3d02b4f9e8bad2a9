"""Google Contacts CSV, in both its layouts.

The old one (``Name,Given Name,Additional Name,Family Name,...,Group Membership,
E-mail 1 - Type,E-mail 1 - Value,...``) and the 2024 one (``First Name,Middle Name,
Last Name,...,Labels,E-mail 1 - Label,E-mail 1 - Value,...``). A cell may hold
several values separated by `` ::: ``. Labels become topics, except Google's own
system labels (``* myContacts``, ``* starred``). Every other non-empty cell (the
kinds of values, "Home" or "Mobile", among them) is listed in the record's
``unknown``, which the import reports column by column.
"""

import re
from datetime import date

from .clean import check, parse_iso, too_long
from .csvread import Header, Row
from .records import Problem, Record, blank

_MULTI = " ::: "
_NAME_PART = {
    "first name": 0,
    "given name": 0,
    "middle name": 1,
    "additional name": 1,
    "last name": 2,
    "family name": 2,
}
_LIST_COLUMN = re.compile(r"^(e-mail|phone|website) \d+ - value$")
_LIST_FIELD = {"e-mail": "emails", "phone": "phones", "website": "links"}
_LABEL_COLUMN = re.compile(r"^.+ \d+ - (type|label)$")
_SCALAR = {
    "organization name": "org",
    "organization 1 - name": "org",
    "organization title": "role",
    "organization 1 - title": "role",
    "notes": "notes",
    "location": "location",
}
_PLACE = {"address 1 - city": 0, "address 1 - region": 1, "address 1 - country": 2}


class _Draft:
    def __init__(self) -> None:
        self.full = ""
        self.parts = ["", "", ""]
        self.place = ["", "", ""]
        self.lists: dict[str, list[str]] = {"emails": [], "phones": [], "links": [], "topics": []}
        self.scalars: dict[str, str] = {}
        self.birthday = ""
        self.unknown: list[str] = []

    def take(self, column: str, value: str) -> None:
        low = column.lower()
        listed = _LIST_COLUMN.match(low)
        if low == "name":
            self.full = value
        elif low in _NAME_PART:
            self.parts[_NAME_PART[low]] = value
        elif listed:
            self.lists[_LIST_FIELD[listed.group(1)]] += _split(value)
        elif _LABEL_COLUMN.match(low):
            self.unknown.append(f"column '{column}'")  # "Home", "Mobile": the kind of a value
        elif low in _SCALAR:
            self.scalars.setdefault(_SCALAR[low], value)
        elif low in _PLACE:
            self.place[_PLACE[low]] = value
        elif low == "birthday":
            self.birthday = value
        elif low in ("labels", "group membership"):
            self.lists["topics"] += [v for v in _split(value) if not v.startswith("*")]
        else:
            self.unknown.append(f"column '{column}'" if column else "a cell past the last column")


def read_row(row: Row, header: Header) -> tuple[Record | Problem, list[Problem]]:
    where = f"line {row.line}"
    columns = [header.columns[i] if i < len(header.columns) else "" for i in range(len(row.cells))]
    bad = too_long(zip(columns, row.cells, strict=True))
    if bad:
        return Problem(where, bad.field, bad.why), []
    draft = _Draft()
    for column, cell in zip(columns, row.cells, strict=True):
        if cell.strip():
            draft.take(column, cell.strip())
    birthday, notes = _birthday(draft.birthday, where)
    name = draft.full or " ".join(p for p in draft.parts if p)
    location = draft.scalars.get("location") or ", ".join(p for p in draft.place if p)
    rec = blank(where)._replace(
        name=name,
        org=draft.scalars.get("org"),
        role=draft.scalars.get("role"),
        notes=draft.scalars.get("notes", ""),
        location=location or None,
        birthday=birthday,
        unknown=list(dict.fromkeys(draft.unknown)),
        emails=draft.lists["emails"],
        phones=draft.lists["phones"],
        links=draft.lists["links"],
        topics=draft.lists["topics"],
    )
    return check(rec), notes


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(_MULTI) if v.strip()]


def _birthday(text: str, where: str) -> tuple[date | None, list[Problem]]:
    if not text:
        return None, []
    day = parse_iso(text)
    if day is not None:
        return day, []
    if re.fullmatch(r"--\d\d-\d\d", text):
        why = f"birthday '{text}' has no year; not kept"
    else:
        why = f"birthday '{text}' is not a date like 1990-05-17; not kept"
    return None, [Problem(where, "birthday", why)]
