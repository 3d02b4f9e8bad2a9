"""vCard 2.1, 3.0 and 4.0, read with the ``vobject`` library's parser, card by card.

The file is first cut into cards at ``BEGIN:VCARD``/``END:VCARD``, so one broken
card (cut short, or with a line vobject cannot parse) becomes an invalid record
while the others still come through. Each card's lines go through vobject's own
line parser (``getLogicalLines`` and ``textLineToContentLine``, the machinery
under ``readComponents``): it unfolds lines, decodes vCard 2.1 quoted-printable
values (soft line breaks, CHARSET) and splits parameters. Values are then decoded
here (see ``vcard_fields``), because vobject's own value decoding keeps only the
text before the first unescaped comma (``FN:Doe, John`` would become ``Doe``).

Binary properties pln never keeps (PHOTO, LOGO, SOUND, KEY) are set aside before
parsing, so a damaged photo cannot cost a contact; they are reported as not kept.
A card's notes (what was not kept, what went into the person's notes) are reported
only when the card itself is valid.
"""

import io
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from ..errors import InvalidInput
from .clean import check, collect_fixed
from .records import Problem, ReadResult, Record
from .source import unify_breaks
from .vcard_fields import DESCRIBE, KEPT, Card

_BEGIN = re.compile(r"begin\s*:\s*vcard\s*$", re.I)
_END = re.compile(r"end\s*:\s*vcard\s*$", re.I)
_PROP = re.compile(r"(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)[;:]")
_MODERN = re.compile(r"^version\s*:\s*[34]\.", re.I | re.M)
_AGENT = re.compile(r"(?:[A-Za-z0-9_-]+\.)?agent[;:]", re.I)
_BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# a value check() changed is said under its property, as the card's other notes are
_PROPERTY = {
    "name": "FN",
    "email": "EMAIL",
    "phone": "TEL",
    "link": "URL",
    "topic": "CATEGORIES",
    "org": "ORG",
    "role": "TITLE",
    "location": "ADR",
}


class Chunk(NamedTuple):
    start: int  # line of BEGIN:VCARD (1-based)
    lines: list[str]
    closed: bool  # False when the file ends before the card's END:VCARD


class Unreadable(Exception):
    """A line of a card that vobject cannot parse, in a property pln keeps."""


def read_vcard(text: str, path: str) -> ReadResult:
    chunks, stray = split_cards(unify_breaks(text).split("\n"))
    if not chunks:
        raise InvalidInput(
            f"{path} holds no vCard (no BEGIN:VCARD line)",
            "check the file, or use --format linkedin|google|csv|json",
        )
    records: list[Record] = []
    invalid: list[Problem] = []
    notes: list[Problem] = []
    if stray:
        why = "text outside BEGIN:VCARD ... END:VCARD is ignored"
        notes.append(Problem(f"line {stray}", "file", why))
    for number, chunk in enumerate(chunks, 1):
        result, card_notes = read_card(chunk, f"card {number}")
        notes += card_notes
        if isinstance(result, Record):
            records.append(result)
        else:
            invalid.append(result)
    said = collect_fixed(records, lambda word, _: _PROPERTY.get(word, word))
    return ReadResult("vcard", records, invalid, notes + said)


def split_cards(lines: list[str]) -> tuple[list[Chunk], int | None]:
    """The cards and the first stray line outside them.

    A BEGIN:VCARD inside a card starts a nested card only right after an AGENT
    property (vCard 2.1); anywhere else it means the card before was cut short.
    """
    chunks: list[Chunk] = []
    stray: int | None = None
    current: list[str] = []
    depth, start, previous = 0, 0, ""
    for number, line in enumerate(lines, 1):
        if _BEGIN.match(line.strip()) and (depth == 0 or not _AGENT.match(previous)):
            if depth:
                chunks.append(Chunk(start, current, closed=False))
            depth, start, current = 1, number, [line]
        elif depth == 0:
            stray = stray or (number if line.strip() else None)
        else:
            current.append(line)
            depth += 1 if _BEGIN.match(line) else -1 if _END.match(line) else 0
            if depth == 0:
                chunks.append(Chunk(start, current, closed=True))
        previous = line if line.strip() else previous
    if depth:
        chunks.append(Chunk(start, current, closed=False))
    return chunks, stray


def read_card(chunk: Chunk, where: str) -> tuple[Record | Problem, list[Problem]]:
    if not chunk.closed:
        why = f"the card starting on line {chunk.start} is cut short (no END:VCARD)"
        return Problem(where, "card", why), []
    kept, binary = _set_binary_aside(chunk.lines)
    text = "\n".join(kept) + "\n"
    card = Card(where, modern=bool(_MODERN.search(text)))
    for name in binary:
        card.drop(name, DESCRIBE.get(name, "pln has no field for it"))
    try:
        for line in _content_lines(text, chunk.start, qp=not card.modern):
            card.take(line)
    except Unreadable as exc:
        return Problem(where, "card", str(exc)), []
    except Exception as exc:  # anything else vobject's parser raises on a malformed card
        return Problem(where, "card", f"the card cannot be read: {_words(exc)}"), []
    record, notes = card.record()
    checked = check(record)
    return checked, notes if isinstance(checked, Record) else []


def _content_lines(text: str, start: int, *, qp: bool) -> Iterator[Any]:
    """vobject's content lines of one card (nested cards and BEGIN/END left out),
    or the bare name of a property whose line could not be parsed."""
    from vobject.base import (  # type: ignore[import-untyped]
        getLogicalLines,
        textLineToContentLine,
    )

    depth = 0
    for logical, number in getLogicalLines(io.StringIO(text), allowQP=qp):
        try:
            line = textLineToContentLine(logical, number)
        except Exception as exc:  # vobject raises many kinds; all mean "cannot parse"
            if depth == 1:
                yield _unparsable(logical, exc, start + max(int(number or 1), 1) - 1)
            continue
        name = str(line.name).upper()
        if name in ("BEGIN", "END"):
            depth += 1 if name == "BEGIN" else -1
            if name == "BEGIN" and depth == 2:
                yield line  # the card reports "a card inside the card"
            continue
        if depth == 1:
            yield line


def _unparsable(logical: str, exc: Exception, line: int) -> str:
    """The name of a property pln would not keep anyway; the card is refused otherwise."""
    match = _PROP.match(logical)
    name = match.group(1).upper() if match else ""
    if name and name not in KEPT:
        return name
    raise Unreadable(f"vobject cannot read the property near line {line}: {_words(exc)}")


def _words(exc: Exception) -> str:
    message = " ".join(str(getattr(exc, "msg", "") or exc or type(exc).__name__).split())
    return message if len(message) <= 100 else message[:97] + "..."


def _set_binary_aside(lines: list[str]) -> tuple[list[str], list[str]]:
    """Lines with binary properties blanked (line numbers kept), and their names."""
    kept: list[str] = []
    names: list[str] = []
    skipping = False
    for line in lines:
        if skipping and line.strip() and (line[0] in " \t" or ":" not in line):
            kept.append("")
            continue
        match = _PROP.match(line)
        name = match.group(1).upper() if match else ""
        skipping = name in _BINARY or name == "PROFILE"
        if name in _BINARY:
            names.append(name)
        kept.append("" if skipping else line)
    return kept, list(dict.fromkeys(names))
