"""What one vCard says, property by property, decoded per RFC 6350.

Text values are unescaped here (``\\n``, ``\\,``, ``\\;``, ``\\\\``, the ``\\:``
some exporters write in URLs and the ``\\"`` Apple's and Google's write for a quote);
in single-valued properties (FN, NOTE, TITLE...) an unescaped comma is a plain comma, as
vCard 2.1 and many exporters write it.
Structured values (N, ADR, ORG) split at unescaped ``;``, and CATEGORIES at
unescaped ``,``.

Nothing on a card goes unmentioned. Every property, parameter and value ends in one
of three places: a field of the person (``KEPT``); a labelled line added to the
person's notes (``NOTED``, and the organisation's department, postal addresses, fax
and pager numbers, a second name, organisation or title); or a note (a
:class:`Problem` naming the property) saying what was not kept. Parameters are kept
where they become part of a label in the notes ("Address (work): ..."); the kinds of
the emails, phones and links (``TYPE=WORK``, Apple's ``X-ABLabel``) are reported.
Fax and pager numbers are not phones — pln's phones are numbers to call — so they
are kept in the notes, labelled, and the import says so. pln's own export writes where
and when a person was met as ``X-PLN-MET-AT`` and ``X-PLN-MET-ON`` (``2019-09-14``, or
``2019-09``/``2019`` when only the month or year is known): read back as they were.
"""

import base64
import binascii
import re
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from ..birthdays import NO_YEAR
from ..text import MAX_TEXT, fold
from .clean import Bad, met_day
from .records import Problem, Record, blank
from .source import unify_breaks

KEPT = frozenset(
    {"FN", "N", "EMAIL", "TEL", "URL", "CATEGORIES", "ORG", "TITLE", "ROLE", "NOTE", "ADR", "BDAY"}
    | {"X-PLN-MET-AT", "X-PLN-MET-ON"}  # pln's own export: where and when they were met
)
# property -> the label of its line in the person's notes
NOTED = {
    "NICKNAME": "Nickname",
    "LABEL": "Address label",
    "IMPP": "Messaging",
    "X-AIM": "AIM",
    "X-ICQ": "ICQ",
    "X-GTALK": "Google Talk",
    "X-YAHOO": "Yahoo",
    "X-SKYPE": "Skype",
    "X-QQ": "QQ",
    "X-MSN": "MSN",
    "X-JABBER": "Jabber",
    "X-MS-IMADDRESS": "Messaging",
    "X-MS-TEL": "Phone",
    "RELATED": "Related",
    "X-ABRELATEDNAMES": "Related",
    "X-SPOUSE": "Spouse",
    "X-MS-SPOUSE": "Spouse",
    "X-EVOLUTION-SPOUSE": "Spouse",
    "X-MS-MANAGER": "Manager",
    "X-EVOLUTION-MANAGER": "Manager",
    "X-MS-ASSISTANT": "Assistant",
    "X-EVOLUTION-ASSISTANT": "Assistant",
    "ANNIVERSARY": "Anniversary",
    "X-ANNIVERSARY": "Anniversary",
    "X-MS-ANNIVERSARY": "Anniversary",
    "X-EVOLUTION-ANNIVERSARY": "Anniversary",
    "X-ABDATE": "Date",
    "X-PHONETIC-FIRST-NAME": "Phonetic first name",
    "X-PHONETIC-LAST-NAME": "Phonetic last name",
    "LANG": "Language",
}
# words for properties pln does not keep (any other: "pln has no field for it")
DESCRIBE = {
    "PHOTO": "photo",
    "LOGO": "logo",
    "SOUND": "sound",
    "KEY": "public key",
    "GEO": "map position",
    "TZ": "time zone",
    "REV": "when the card last changed",
    "PRODID": "the program that wrote the card",
    "GENDER": "gender",
    "FBURL": "free/busy address",
    "KIND": "not a person",
}
_CONSUMED = frozenset({"ENCODING", "CHARSET", "VALUE"})  # how the value is written: applied
_SYNTAX = frozenset({"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"})
_SKIP = frozenset({"VERSION", "END"})
_SERVICE = "X-SERVICE-TYPE="
_KIND_WORDS = {"pref": "preferred"}
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":", '"': '"'}
_DATE = re.compile(r"(\d{4})-?(\d\d)-?(\d\d)(?:T[\d:.Z+-]*)?")
_NO_YEAR = re.compile(r"()--(\d\d)-?(\d\d)")  # vCard 4.0 and 3.0's birthday with no year
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
MAX_UID = 1000  # characters: a UID is an id, not a document
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd\ud800-\udfff]")


class Entry(NamedTuple):
    """One content line of the card."""

    name: str  # property name, upper case
    group: str  # "ITEM1" of "item1.TEL"; "" if none
    value: str  # the value, still escaped
    kinds: list[str]  # TYPE values (and vCard 2.1 bare parameters), lower case
    other: list[str]  # the other parameters, as NAME=value
    as_text: bool  # VALUE=text


class Line(NamedTuple):
    """A value kept as a labelled line of the person's notes."""

    prop: str
    label: str
    value: str


class Card:
    """The lines of one card gathered, then turned into a Record and its notes."""

    def __init__(self, where: str, *, modern: bool) -> None:
        self.where = where
        self.modern = modern  # vCard 3.0 or 4.0 (2.1 otherwise)
        self.entries: list[Entry] = []
        self.labels: dict[str, list[str]] = {}  # group -> its X-ABLabels
        self.dropped: dict[str, list[str]] = {}  # property -> what of it is not kept

    def take(self, line: Any) -> None:
        """One content line from vobject, or the name of a property it could not parse."""
        if isinstance(line, str):
            self.drop(line, "it cannot be read")
            return
        name = str(line.name).upper()
        params = {str(k).upper(): [str(v) for v in vs] for k, vs in dict(line.params).items()}
        singles = [str(s).upper() for s in line.singletonparams]
        value = _raw(line.value, params, singles)
        group = str(line.group or "").upper()
        if value is None:
            self.drop(name, "encoded in a way pln cannot read")
        elif name == "BEGIN":
            self.drop(value.upper(), "a card inside the card")
        elif name == "X-ABLABEL":
            label = unescape(value).strip()
            match = _APPLE_LABEL.match(label)
            self.labels.setdefault(group, []).append(match.group(1) if match else label)
        elif name not in _SKIP:
            as_text = any(v.lower() == "text" for v in params.get("VALUE", []))
            self.entries.append(Entry(name, group, value, *_params(params, singles), as_text))

    def drop(self, name: str, why: str) -> None:
        self.dropped.setdefault(name, []).append(why)

    def record(self) -> tuple[Record, list[Problem]]:
        """The person the card describes, and a note on everything not kept as it was."""
        fields = Fields(self)
        for entry in self.entries:
            handler = _HANDLERS.get(entry.name)
            if handler is not None:
                handler(fields, entry)
            elif entry.name in NOTED:
                fields.note_line(NOTED[entry.name], entry, unescape(entry.value))
            elif entry.name == "KIND" and unescape(entry.value).strip().lower() in (
                "",
                "individual",
            ):
                fields.report_params(entry)
            else:
                self.drop(entry.name, DESCRIBE.get(entry.name, "pln has no field for it"))
        record, notes = fields.finish()
        for group, labels in self.labels.items():
            if group not in fields.labelled:
                owner = next((e.name for e in self.entries if e.group == group), "X-ABLABEL")
                for label in labels:
                    self.drop(owner, f"the label X-ABLabel={label}")
        return record, notes + self.problems(fields.moved)

    def problems(self, moved: list[str]) -> list[Problem]:
        notes = [
            Problem(self.where, name, "not kept: " + "; ".join(dict.fromkeys(whys)))
            for name, whys in self.dropped.items()
        ]
        if moved:
            why = "kept in the person's notes: " + ", ".join(dict.fromkeys(moved))
            notes.append(Problem(self.where, "notes", why))
        return notes


class Fields:
    """What the card's lines give the person, gathered in the order they come."""

    def __init__(self, card: Card) -> None:
        self.card = card
        self.fn: list[Entry] = []
        self.n: list[list[str]] = []
        self.lists: dict[str, list[str]] = {"emails": [], "phones": [], "links": [], "topics": []}
        self.org: str | None = None
        self.titles: list[Entry] = []
        self.notes: list[str] = []
        self.place: str | None = None
        self.bdays: list[tuple[str, bool]] = []  # (value, declared as text)
        self.lines: list[Line] = []
        self.labelled: set[str] = set()  # groups whose X-ABLabel became part of a label
        self.moved: list[str] = []  # labels of the lines added to the notes
        self.uid: str | None = None
        self.met_at: str | None = None
        self.met_on: tuple[date, str | None] | None = None  # (day, precision)

    def note_line(self, base: str, entry: Entry, text: str, *, skip: tuple[str, ...] = ()) -> None:
        """Keep ``text`` in the notes as "Base (kinds): text"; other parameters are reported."""
        value = ", ".join(p.strip() for p in unify_breaks(text).split("\n") if p.strip())
        if not value:
            return
        kinds = [_KIND_WORDS.get(k, k) for k in entry.kinds if k not in skip]
        kinds += [o.split("=", 1)[1].lower() for o in entry.other if o.startswith(_SERVICE)]
        if entry.group in self.card.labels:
            kinds += self.card.labels[entry.group]
            self.labelled.add(entry.group)
        label = f"{base} ({', '.join(dict.fromkeys(kinds))})" if kinds else base
        self.lines.append(Line(entry.name, label, value))
        self.report_params(entry._replace(kinds=[]))

    def report_params(self, entry: Entry) -> None:
        """The parameters of a kept value that pln does not keep."""
        params = [f"TYPE={','.join(entry.kinds)}"] if entry.kinds else []
        params += [o for o in entry.other if not o.startswith(_SERVICE)]
        for param in params:
            self.card.drop(entry.name, f"parameter {param}")

    def finish(self) -> tuple[Record, list[Problem]]:
        name = self._name()
        self._other_names(name)
        role = self._titles()
        birthday, notes = self._birthday()
        rec = blank(self.card.where)._replace(
            uid=self.uid,
            met_at=self.met_at,
            met_on=self.met_on[0] if self.met_on else None,
            met_on_precision=self.met_on[1] if self.met_on else None,
            name=name,
            org=self.org,
            role=role,
            location=self.place,
            notes=self._notes(),
            birthday=birthday,
            unknown=[n for n, whys in self.card.dropped.items() if not _only_parts(whys)],
            emails=self.lists["emails"],
            phones=self.lists["phones"],
            links=self.lists["links"],
            topics=self.lists["topics"],
        )
        return rec, notes

    def _name(self) -> str:
        name = next((unescape(e.value) for e in self.fn if unescape(e.value).strip()), "")
        if not name and self.n:
            family, given, additional, prefix, suffix = self.n[0][:5]
            name = " ".join(p for p in (prefix, given, additional, family, suffix) if p)
        return name

    def _other_names(self, name: str) -> None:
        """Further FNs go to the notes; parts of N that the name lacks are reported."""
        seen = {fold(name)}
        for entry in self.fn:
            other = unescape(entry.value).strip()
            if other and fold(other) not in seen:
                seen.add(fold(other))
                self.note_line("Other name", entry, other)
        words = _words(name)
        for parts in self.n:
            for part in parts:
                if part and not _within(_words(part), words):
                    self.card.drop("N", f"'{part}' (not part of the name)")

    def _titles(self) -> str | None:
        """The first TITLE (or ROLE, when there is no TITLE) is the role; others go to the notes."""
        titles = sorted(self.titles, key=lambda e: e.name != "TITLE")
        for entry in titles[1:]:
            self.note_line(entry.name.title(), entry, unescape(entry.value))
        if not titles:
            return None
        self.report_params(titles[0])
        return unify_breaks(unescape(titles[0].value)).strip()

    def _birthday(self) -> tuple[date | None, list[Problem]]:
        where = self.card.where
        found = [(v, t, None if t else _date(v)) for v, t in self.bdays]
        day = next((d for _, _, d in found if d is not None), None)
        notes = [
            Problem(where, "BDAY", _bad_birthday(value, as_text))
            if parsed is None
            else Problem(where, "BDAY", f"BDAY '{value}' not kept: the card has another")
            for value, as_text, parsed in found
            if parsed is None or parsed != day
        ]
        return day, notes[:1] if day is None else notes

    def _notes(self) -> str:
        """The card's NOTEs, then one line per value kept there; a line that cannot be kept
        (control characters, or past the notes' length limit) is reported instead."""
        text = "\n\n".join(n for n in self.notes if n.strip())
        lines: list[str] = []
        size = len(text) + 2
        held = set(text.split("\n"))
        for line in self.lines:
            entry = f"{line.label}: {line.value}"
            if entry in held:  # a card pln wrote holds its notes' lines already: not twice
                continue
            if size + len(entry) + 1 > MAX_TEXT:
                why = f"{line.label} (the notes would pass {MAX_TEXT:,} characters)"
                self.card.drop(line.prop, why)
            elif not is_text(entry):
                self.card.drop(line.prop, f"{line.label} (it holds control characters)")
            else:
                lines.append(entry)
                size += len(entry) + 1
                self.moved.append(line.label)
        return "\n\n".join(p for p in (text, "\n".join(lines)) if p)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _within(part: list[str], words: list[str]) -> bool:
    """True when the words of ``part`` come, in order, among ``words``."""
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _only_parts(whys: list[str]) -> bool:
    """True when only parameters or parts of a property were left out, not the property."""
    return all(
        w.startswith(("parameter ", "the label ")) or w.endswith("(not part of the name)")
        for w in whys
    )


def is_text(text: str) -> bool:
    """What pln's notes accept (``text.clean_text``): no control characters, no U+FFFD."""
    return not _NOT_TEXT.search(text)


def _bad_birthday(value: str, as_text: bool) -> str:
    if as_text:
        return f"BDAY '{value}' is text, not a date; not kept"
    return f"BDAY '{value}' is not a full date; not kept"


def _params(params: dict[str, list[str]], singles: list[str]) -> tuple[list[str], list[str]]:
    """(TYPE values, other parameters as NAME=value), leaving out how the value is written."""
    kinds = [k.strip().lower() for v in params.get("TYPE", []) for k in v.split(",") if k.strip()]
    kinds += [s.lower() for s in singles if s not in _SYNTAX]
    other = [f"{k}={','.join(vs)}" for k, vs in params.items() if k not in _CONSUMED | {"TYPE"}]
    return list(dict.fromkeys(kinds)), other


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


def _on_fn(f: Fields, e: Entry) -> None:
    f.fn.append(e)
    f.report_params(e)


def _on_n(f: Fields, e: Entry) -> None:
    f.n.append(_components(e.value, 5))
    f.report_params(e)


def read_phone(value: str, *, as_text: bool = False) -> str:
    """A TEL value (unescaped) as pln keeps it: one declared text (``VALUE=text``) as
    given; a ``tel:`` URI (RFC 3966) without its scheme and percent-escapes; in a URI or
    a plain value, an extension ``;ext=2`` as people write it, `` ext. 2``."""
    phone = value.strip()
    if as_text:
        return phone
    if phone.lower().startswith("tel:"):
        from urllib.parse import unquote

        phone = unquote(phone[4:])
    return re.sub(r";ext=", " ext. ", phone, flags=re.I)


def _on_tel(f: Fields, e: Entry) -> None:
    phone = read_phone(unescape(e.value), as_text=e.as_text)
    special = next((k for k in ("fax", "pager") if k in e.kinds), None)
    if special:
        f.note_line(special.title(), e, phone, skip=(special, "voice"))
    elif phone:
        f.lists["phones"].append(phone)
        f.report_params(e)


def _on_categories(f: Fields, e: Entry) -> None:
    values = (unescape(v).strip() for v in split_escaped(e.value, ","))
    f.lists["topics"] += [t for t in values if t]
    f.report_params(e)


def _on_org(f: Fields, e: Entry) -> None:
    units = [unescape(u).strip() for u in split_escaped(e.value, ";")]
    if units[0] and f.org is None:
        f.org = units[0]
        f.report_params(e)
    elif units[0]:
        f.note_line("Organisation", e, units[0])
    if any(units[1:]):
        department = ", ".join(u for u in units[1:] if u)
        f.note_line("Department", e, department)


def _on_adr(f: Fields, e: Entry) -> None:
    parts = [unescape(p).strip(" ,") for p in split_escaped(e.value, ";")] + [""] * 7
    box, extended, street, city, region, code, country = parts[:7]
    place = ", ".join(p for p in (city, region, country) if p)
    full = ", ".join(p for p in (box, extended, street, city, region, code, country) if p)
    if f.place is None and place:
        f.place = place
    if full and full != f.place:
        f.note_line("Address", e, full)
    else:
        f.report_params(e)


def _on_bday(f: Fields, e: Entry) -> None:
    f.bdays.append((unescape(e.value).strip(), e.as_text))
    # Apple's birthday with no year (1604-MM-DD) is kept as one: its marker is applied
    f.report_params(e._replace(other=[o for o in e.other if o != f"X-APPLE-OMIT-YEAR={NO_YEAR}"]))


def _on_uid(f: Fields, e: Entry) -> None:
    """The card's id (a URN, a URL or any text, as the writer chose): the first is kept."""
    uid = unescape(e.value).strip()
    if uid and f.uid is None and is_text(uid) and len(uid) <= MAX_UID:
        f.uid = uid
        f.report_params(e)
    elif uid:
        f.card.drop("UID", "another UID" if f.uid is not None else "an unusable UID")


def _on_met_at(f: Fields, e: Entry) -> None:
    """The event where they were met (pln's export writes it): the first is kept."""
    event = unescape(e.value).strip()
    if event and f.met_at is None:
        f.met_at = event
        f.report_params(e)
    elif event:
        f.card.drop(e.name, f"another event '{event}'")


def _on_met_on(f: Fields, e: Entry) -> None:
    """The day they were met, or its month or year alone, as pln's CSV writes it."""
    text = unescape(e.value).strip()
    try:
        day = met_day(text)
    except Bad as bad:
        f.card.drop(e.name, bad.why)
        return
    if f.met_on is None:
        f.met_on = day
        f.report_params(e)
    else:
        f.card.drop(e.name, f"another day '{text}'")


def _on_title(f: Fields, e: Entry) -> None:
    if unescape(e.value).strip():
        f.titles.append(e)  # its parameters are reported once the role is chosen


def _adder(key: str) -> Callable[[Fields, Entry], None]:
    def add(f: Fields, e: Entry) -> None:
        text = unify_breaks(unescape(e.value)).strip()
        if key == "notes":
            f.notes.append(text)
        elif text:
            f.lists[key].append(text)
        f.report_params(e)

    return add


_HANDLERS: dict[str, Callable[[Fields, Entry], None]] = {
    "FN": _on_fn,
    "N": _on_n,
    "EMAIL": _adder("emails"),
    "TEL": _on_tel,
    "URL": _adder("links"),
    "CATEGORIES": _on_categories,
    "ORG": _on_org,
    "TITLE": _on_title,
    "ROLE": _on_title,
    "NOTE": _adder("notes"),
    "ADR": _on_adr,
    "BDAY": _on_bday,
    "UID": _on_uid,
    "X-PLN-MET-AT": _on_met_at,
    "X-PLN-MET-ON": _on_met_on,
}


def _date(text: str) -> date | None:
    """A full date, or a birthday with no year (``--MMDD``: stored as birthdays.py says)."""
    match = _DATE.fullmatch(text) or _NO_YEAR.fullmatch(text)
    if not match:
        return None
    year = int(match.group(1)) if match.group(1) else NO_YEAR
    try:
        return date(year, int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
