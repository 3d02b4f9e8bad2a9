"""Google Contacts CSV, in both its layouts.

The old one (``Name,Given Name,Additional Name,Family Name,...,Group Membership,
E-mail 1 - Type,E-mail 1 - Value,...``) and the 2024 one (``First Name,Middle Name,
Last Name,...,Labels,E-mail 1 - Label,E-mail 1 - Value,...``). A cell may hold
several values separated by `` ::: ``. Labels become topics, except Google's own
system labels (``* myContacts``, ``* starred``). As for vCards, what is about the
person but has no field of its own is kept as a labelled line of the notes: the
nickname, the department, formatted addresses, relations, events, messaging handles,
and fax and pager numbers (not phones: pln's phones are numbers to call), each with
the kind its label column gives ("Address (work): ..."). Every other non-empty cell
(the kinds of emails and phones, "Home" or "Mobile", among them) is listed in the
record's ``unknown``, which the import reports column by column.
"""

import re
from datetime import date

from ..birthdays import NO_YEAR
from ..text import MAX_TEXT
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
_NOTED = {
    "nickname": "Nickname",
    "organization department": "Department",
    "organization 1 - department": "Department",
}
_NOTED_LIST = re.compile(r"^((address|relation|event|im) \d+) - (formatted|value)$")
_NOTED_BASE = {"address": "Address", "relation": "Related", "event": "Date", "im": "Messaging"}
_IN_FORMATTED = re.compile(r"^(address \d+) - (street|po box|extended address|postal code)$")


class _Draft:
    def __init__(self, kinds: dict[str, str], filled: dict[str, str]) -> None:
        self.kinds = kinds  # "phone 1" -> its label ("Work Fax"), from the label columns
        self.filled = filled  # the row's non-empty cells by column, lower case
        self.lines: list[tuple[str, str, str]] = []  # (column, label, value) for the notes
        self.noted: set[str] = set()  # "address 1": values whose label column went into a line
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
        elif listed and listed.group(1) == "phone" and _special(self.kinds.get(low[:-8], "")):
            self.note(column, _special(self.kinds[low[:-8]]), value)  # "phone 1 - value"
        elif listed:
            self.lists[_LIST_FIELD[listed.group(1)]] += _split(value)
        elif low in _NOTED:
            self.lines.append((column, _NOTED[low], value))
        elif _NOTED_LIST.match(low):
            self.note(column, _NOTED_BASE[low.split()[0]], value)
        elif _IN_FORMATTED.match(low) and _within(
            value, self.filled.get(f"{low.split(' - ')[0]} - formatted", "")
        ):
            pass  # part of the formatted address kept beside it
        elif _LABEL_COLUMN.match(low):
            pass  # "Home", "Mobile": the kind of a value; see finish_labels
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

    def note(self, column: str, base: str, value: str) -> None:
        """Each value of the cell as a line of the notes, labelled with its kind."""
        prefix = column.lower().rsplit(" - ", 1)[0]
        kind = self.kinds.get(prefix, "").lstrip("* ").strip()
        if base in ("Fax", "Pager"):
            kind = " ".join(re.sub(r"(?i)\b(fax|pager)\b", " ", kind).split())
        for part in _split(value):
            self.lines.append((column, f"{base} ({kind})" if kind else base, part))
        self.noted.add(prefix)

    def finish_labels(self, cells: list[tuple[str, str]]) -> None:
        """A label column is kept when its value went into a labelled line; else reported."""
        for column, _ in cells:
            low = column.lower()
            if _LABEL_COLUMN.match(low) and low.rsplit(" - ", 1)[0] not in self.noted:
                self.unknown.append(f"column '{column}'")

    def notes(self) -> tuple[str, list[str]]:
        """The Notes cell, then the labelled lines; a line that does not fit is reported."""
        text = self.scalars.get("notes", "")
        lines: list[str] = []
        moved: list[str] = []
        for column, label, value in self.lines:
            line = f"{label}: {', '.join(p.strip() for p in value.splitlines() if p.strip())}"
            if len(text) + 2 + sum(len(x) + 1 for x in lines) + len(line) > MAX_TEXT:
                self.unknown.append(f"column '{column}'")
            else:
                lines.append(line)
                moved.append(label)
        return "\n\n".join(p for p in (text, "\n".join(lines)) if p), moved


def _within(part: str, whole: str) -> bool:
    """True when the words of ``part`` come, in order, in ``whole``."""
    words, among = re.findall(r"\w+", part.casefold()), re.findall(r"\w+", whole.casefold())
    return bool(words) and any(
        among[i : i + len(words)] == words for i in range(len(among) - len(words) + 1)
    )


def _special(kind: str) -> str:
    """'Fax' or 'Pager' when a phone's label says it is one."""
    low = kind.lower()
    return "Fax" if "fax" in low else "Pager" if "pager" in low else ""


def read_row(row: Row, header: Header) -> tuple[Record | Problem, list[Problem]]:
    where = f"line {row.line}"
    columns = [header.columns[i] if i < len(header.columns) else "" for i in range(len(row.cells))]
    bad = too_long(zip(columns, row.cells, strict=True))
    if bad:
        return Problem(where, bad.field, bad.why), []
    cells = [(c, v.strip()) for c, v in zip(columns, row.cells, strict=True) if v.strip()]
    kinds = {c.lower().rsplit(" - ", 1)[0]: v for c, v in cells if _LABEL_COLUMN.match(c.lower())}
    draft = _Draft(kinds, {c.lower(): v for c, v in cells})
    for column, cell in cells:
        draft.take(column, cell)
    draft.finish_labels(cells)
    text, moved = draft.notes()
    birthday, notes = _birthday(draft.birthday, where)
    if moved:
        why = "kept in the person's notes: " + ", ".join(dict.fromkeys(moved))
        notes.append(Problem(where, "notes", why))
    name = draft.full or " ".join(p for p in draft.parts if p)
    location = draft.scalars.get("location") or ", ".join(p for p in draft.place if p)
    rec = blank(where)._replace(
        name=name,
        org=draft.scalars.get("org"),
        role=draft.scalars.get("role"),
        notes=text,
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
        try:  # no year: kept as birthdays.py says
            return date(NO_YEAR, int(text[2:4]), int(text[5:7])), []
        except ValueError:
            pass
    why = f"birthday '{text}' is not a date like 1990-05-17; not kept"
    return None, [Problem(where, "birthday", why)]
