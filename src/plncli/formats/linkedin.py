"""LinkedIn's connections export (Connections.csv).

A few lines of notes come before the header ``First Name,Last Name,URL,Email
Address,Company,Position,Connected On``. Name is First + Last, Company the org,
Position the role, URL a link, and "Connected On" (e.g. ``15 Mar 2024``) the day
met; a date in any other form rejects the row.
"""

from datetime import date, datetime

from .clean import Bad, check, too_long
from .csvread import Header, Row
from .records import Problem, Record, blank

_FIELDS = {
    "first name": "first",
    "last name": "last",
    "url": "url",
    "email address": "email",
    "company": "company",
    "position": "position",
    "connected on": "connected",
}


def read_row(row: Row, header: Header) -> Record | Problem:
    where = f"line {row.line}"
    named: dict[str, str] = {}
    unknown: list[str] = []
    for i, raw in enumerate(row.cells):
        column = header.columns[i] if i < len(header.columns) else ""
        key = _FIELDS.get(column.lower())
        if key and key not in named:
            named[key] = raw.strip()
        elif raw.strip():
            unknown.append(f"column '{column}'" if column else "a cell past the last column")
    bad = too_long(
        (header.columns[i] if i < len(header.columns) else "cell", c)
        for i, c in enumerate(row.cells)
    )
    if bad:
        return Problem(where, bad.field, bad.why)
    try:
        met_on = _connected_on(named.get("connected", ""))
    except Bad as exc:
        return Problem(where, exc.field, exc.why)
    name = f"{named.get('first', '')} {named.get('last', '')}".strip()
    return check(
        blank(where)._replace(
            name=name,
            emails=[named["email"]] if named.get("email") else [],
            org=named.get("company") or None,
            role=named.get("position") or None,
            links=[named["url"]] if named.get("url") else [],
            met_on=met_on,
            unknown=list(dict.fromkeys(unknown)),
        )
    )


def _connected_on(text: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d %b %Y").date()
    except ValueError:
        raise Bad("met_on", f"'{text}' is not a date like 15 Mar 2024") from None
