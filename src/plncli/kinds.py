"""Kinds of interaction: the built-in ones, those the book uses, and close spellings.

A kind is one line of text, lowercased (``Coffee`` is ``coffee``). Known kinds are
the built-in list (what `pln log --kind` offers, and what pln itself logs) and
every kind already used in the book; anything else is a new kind, which `pln log`
checks first against the known ones for a close spelling (``coffe``: coffee?).
"""

import sqlite3
from datetime import datetime
from typing import NamedTuple

from .db import from_db_time
from .store import activity as store
from .text import clean_line

# What `pln log --kind` offers, then what pln logs itself (`done`, `intro made`, the default).
BUILTIN = (
    "coffee",
    "call",
    "email",
    "message",
    "meeting",
    "event",
    "video",
    "note",
    "follow-up",
    "introduction",
    "shared",
)
MAX_KIND = 40
# Built in once, before pln had resources: `pln share R --with P` now logs `shared`, the one
# kind a share is. A book that used it still knows it (a kind it uses); typed in a book that
# never did, `shared` is offered instead, as a close spelling is.
FORMER = {"shared-resource": "shared"}


def kind_key(text: str) -> str:
    """The kind as stored: one line, trimmed, lowercased."""
    return clean_line(text, "kind", limit=MAX_KIND).lower()


def is_known(conn: sqlite3.Connection, kind: str) -> bool:
    if kind in BUILTIN:
        return True
    return store.kind_used(conn, kind)


def close_kind(conn: sqlite3.Connection, kind: str) -> str | None:
    """The one known kind ``kind`` is most likely a misspelling of, if any."""
    import difflib

    if kind in FORMER:
        return FORMER[kind]
    known = list(dict.fromkeys([*BUILTIN, *store.used_kinds(conn)]))
    close = difflib.get_close_matches(kind, known, n=1, cutoff=0.8)
    return close[0] if close else None


class KindCount(NamedTuple):
    kind: str
    interactions: int
    last: datetime | None
    builtin: bool


def kind_counts(conn: sqlite3.Connection) -> list[KindCount]:
    """Every kind used, and the built-in ones not used yet; most used first."""
    used = {r.kind: (int(r.interactions), from_db_time(r.last_at)) for r in store.kind_usage(conn)}
    rows = [
        KindCount(k, *used.get(k, (0, None)), builtin=k in BUILTIN)
        for k in dict.fromkeys([*BUILTIN, *used])
    ]
    return sorted(rows, key=lambda r: (-r.interactions, r.kind))
