"""What one vCard says, property by property, decoded per RFC 6350.

Text values are unescaped here (``\\n``, ``\\,``, ``\\;``, ``\\\\`` and the ``\\:``
some exporters write in URLs); in single-valued properties (FN, NOTE, TITLE...) an
unescaped comma is a plain comma, as vCard 2.1 and many exporters write it.
Structured values (N, ADR, ORG) split at unescaped ``;``, and CATEGORIES at
unescaped ``,``.
"""

import base64
import binascii
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from .records import Problem, Record, blank
from .source import unify_breaks

KEPT = frozenset(
    {"FN", "N", "EMAIL", "TEL", "URL", "CATEGORIES", "ORG", "TITLE", "ROLE", "NOTE", "ADR", "BDAY"}
)
DESCRIBE = {
    "ADR": "ADR (postal address)",
    "LABEL": "LABEL (postal address label)",
    "KEY": "KEY (public key)",
    "GEO": "GEO (map position)",
    "TZ": "TZ (time zone)",
    "IMPP": "IMPP (instant messaging)",
}
_SKIP = frozenset({"VERSION", "PRODID", "REV", "UID", "X-ABUID", "X-ABLABEL", "CLIENTPIDMAP"})
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}
_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:T[\d:.Z+-]*)?")


class Card:
    """The values of one card gathered, then turned into a Record."""

    def __init__(self, where: str, *, modern: bool) -> None:
        self.where = where
        self.modern = modern  # vCard 3.0 or 4.0 (2.1 otherwise)
        self.fn: list[str] = []
        self.n = ""
        self.lists: dict[str, list[str]] = {"emails": [], "phones": [], "links": [], "topics": []}
        self.orgs: list[str] = []
        self.titles: list[str] = []
        self.roles: list[str] = []
        self.notes: list[str] = []
        self.places: list[str] = []
        self.bdays: list[tuple[str, bool]] = []  # (value, declared as text)
        self.unknown: list[str] = []

    def take(self, line: Any) -> None:
        """One content line from vobject, or the name of a property it could not parse."""
        if isinstance(line, str):
            self.unknown.append(f"{line} (unreadable)")
            return
        name = str(line.name).upper()
        params = {str(k).upper(): [str(v) for v in vs] for k, vs in dict(line.params).items()}
        singles = [str(s).upper() for s in line.singletonparams]
        value = _raw(line.value, params, singles)
        handler = _HANDLERS.get(name)
        if value is None:
            self.unknown.append(f"{name} (encoded; not read)")
        elif name == "BEGIN":
            self.unknown.append(f"{value.upper()} (a card inside the card)")
        elif handler is not None:
            handler(self, value, params)
        elif name == "KIND":
            if unescape(value).strip().lower() not in ("", "individual"):
                self.unknown.append("KIND")
        elif name not in _SKIP:
            self.unknown.append(DESCRIBE.get(name, name))

    def record(self) -> tuple[Record, list[Problem]]:
        birthday, notes = self._birthday()
        extra = [
            f"{label} (more than one; the first is kept)"
            for label, values in (("ORG", self.orgs), ("TITLE", self.titles))
            if len(values) > 1
        ]
        if self.titles and self.roles:
            extra.append("ROLE")
        rec = blank(self.where)._replace(
            name=next((f for f in self.fn if f.strip()), "") or self.n,
            org=self.orgs[0] if self.orgs else None,
            role=(self.titles or self.roles or [""])[0],
            location=self.places[0] if self.places else None,
            notes="\n\n".join(n for n in self.notes if n.strip()),
            birthday=birthday,
            unknown=list(dict.fromkeys(self.unknown + extra)),
            emails=self.lists["emails"],
            phones=self.lists["phones"],
            links=self.lists["links"],
            topics=self.lists["topics"],
        )
        return rec, notes

    def _birthday(self) -> tuple[date | None, list[Problem]]:
        for value, as_text in self.bdays:
            day = None if as_text else _date(value)
            if day is not None:
                return day, []
        if not self.bdays:
            return None, []
        value, as_text = self.bdays[0]
        if as_text:
            why = f"BDAY '{value}' is text, not a date; not kept"
        elif value.startswith("--"):
            why = f"BDAY '{value}' has no year; not kept"
        else:
            why = f"BDAY '{value}' is not a full date; not kept"
        return None, [Problem(self.where, "BDAY", why)]


def unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_ESCAPES.get(nxt, ch + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def split_escaped(text: str, sep: str) -> list[str]:
    """``text`` cut at each ``sep`` not escaped by a backslash; pieces stay escaped."""
    pieces: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == sep:
            pieces.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    pieces.append("".join(current))
    return pieces


def _raw(value: Any, params: dict[str, list[str]], singles: list[str]) -> str | None:
    """The line's value as text; base64 text values decoded; None if undecodable."""
    encoding = [e.upper() for e in params.get("ENCODING", [])] + singles
    text = value if isinstance(value, str) else str(value)
    if not {"B", "BASE64"} & set(encoding):
        return text
    charset = (params.get("CHARSET") or ["utf-8"])[0]
    try:
        return base64.b64decode(text).decode(charset)
    except (binascii.Error, ValueError, LookupError):
        return None


def _components(value: str, count: int) -> list[str]:
    parts = [
        " ".join(unescape(p).strip() for p in split_escaped(c, ","))
        for c in split_escaped(value, ";")
    ]
    return [p.strip() for p in parts] + [""] * max(0, count - len(parts))


def _on_fn(card: Card, value: str, params: dict[str, list[str]]) -> None:
    card.fn.append(unescape(value))


def _on_n(card: Card, value: str, params: dict[str, list[str]]) -> None:
    family, given, additional, prefix, suffix = _components(value, 5)[:5]
    if not card.n:
        card.n = " ".join(p for p in (prefix, given, additional, family, suffix) if p)


def _on_tel(card: Card, value: str, params: dict[str, list[str]]) -> None:
    phone = unescape(value).strip()
    if phone.lower().startswith("tel:"):
        phone = phone[4:]
    card.lists["phones"].append(re.sub(r";ext=", " ext. ", phone, flags=re.I))


def _on_categories(card: Card, value: str, params: dict[str, list[str]]) -> None:
    card.lists["topics"] += [
        t for t in (unescape(v).strip() for v in split_escaped(value, ",")) if t
    ]


def _on_org(card: Card, value: str, params: dict[str, list[str]]) -> None:
    units = [unescape(u).strip() for u in split_escaped(value, ";")]
    if units[0]:
        card.orgs.append(units[0])
    if any(units[1:]):
        card.unknown.append("ORG (department)")


def _on_adr(card: Card, value: str, params: dict[str, list[str]]) -> None:
    parts = [unescape(p).strip() for p in split_escaped(value, ";")] + [""] * 7
    box, extended, street, city, region, code, country = parts[:7]
    place = ", ".join(p for p in (city, region, country) if p)
    if place:
        card.places.append(place)
    if not place or box or extended or street or code or len(card.places) > 1:
        card.unknown.append(DESCRIBE["ADR"])


def _on_bday(card: Card, value: str, params: dict[str, list[str]]) -> None:
    as_text = any(k.lower() == "text" for k in params.get("VALUE", []))
    card.bdays.append((unescape(value).strip(), as_text))


def _adder(attr: str, key: str = "") -> Callable[[Card, str, dict[str, list[str]]], None]:
    def add(card: Card, value: str, params: dict[str, list[str]]) -> None:
        text = unify_breaks(unescape(value)).strip()
        target = card.lists[key] if key else getattr(card, attr)
        target.append(text)

    return add


_HANDLERS: dict[str, Callable[[Card, str, dict[str, list[str]]], None]] = {
    "FN": _on_fn,
    "N": _on_n,
    "EMAIL": _adder("lists", "emails"),
    "TEL": _on_tel,
    "URL": _adder("lists", "links"),
    "CATEGORIES": _on_categories,
    "ORG": _on_org,
    "TITLE": _adder("titles"),
    "ROLE": _adder("roles"),
    "NOTE": _adder("notes"),
    "ADR": _on_adr,
    "BDAY": _on_bday,
}


def _date(text: str) -> date | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
