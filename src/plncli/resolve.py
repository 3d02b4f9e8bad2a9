"""Turning what the user typed for PERSON into one person, or a clear error.

Order: ``#id``; the whole name (case, accents and spacing folded); a unique
prefix of the name or of any word in it; one close fuzzy match. Several
candidates at any step is an error that lists them: never a silent guess.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from .errors import Ambiguous, NotFound
from .lean import TYPE_CHECKING, NamedTuple, regex
from .store import people as store
from .text import fold, id_typed

if TYPE_CHECKING:
    from typing import Any

    from .store.people import Scope

MAX_LISTED = 8
MAX_ID = 2**63 - 1  # SQLite's largest integer: a bigger #id names no one


class PersonRef(NamedTuple):
    id: int
    name: str
    guessed_from: str | None = None  # set when found by a fuzzy match


def resolve(conn: sqlite3.Connection, ref: str, *, archived: bool = False) -> PersonRef:
    try:
        return _resolve(conn, ref, archived=archived)
    except NotFound:
        if archived:
            raise
        gone = _archived_match(conn, ref)
        if gone is None:
            raise
        refuse_merged(conn, gone)
        raise NotFound(
            f"{gone.name} (#{gone.id}) is archived",
            f"`pln restore '#{gone.id}'` brings them back",
        ) from None


# The line `pln merge` adds to the notes of the record it archives (merge.py).
_MERGED = r"(?m)^merged into #(\d+) on \d{4}-\d{2}-\d{2}$"


def refuse_merged(conn: sqlite3.Connection, ref: PersonRef) -> None:
    """A write to a record `pln merge` archived into another person is refused (exit 3),
    naming that person: the record lives on as them."""
    notes = store.archived_notes(conn, ref.id)
    lines = regex(_MERGED).findall(notes or "")
    if not lines:
        return
    keep = int(lines[-1])
    found = store.person_by_id(conn, keep)
    into = f"#{keep}" if found is None else f"{found.name} (#{keep})"
    raise NotFound(
        f"{ref.name} (#{ref.id}) was merged into {into}",
        f"give '#{keep}' instead (see `pln show '#{ref.id}'`)",
    )


def _archived_match(conn: sqlite3.Connection, ref: str) -> PersonRef | None:
    """The one archived person ``ref`` names by id, name or prefix (no close spellings)."""
    text = ref.strip()
    if (pid := id_typed(text)) is not None:
        found = None if pid > MAX_ID else store.person_by_id(conn, pid, "archived")
        rows = [] if found is None else [found]
    else:
        key = fold(text)
        rows = (_exact(conn, key, "archived") or _prefix(conn, key, "archived")) if key else []
    return PersonRef(rows[0].id, rows[0].name) if len(rows) == 1 else None


def _resolve(conn: sqlite3.Connection, ref: str, *, archived: bool) -> PersonRef:
    text = ref.strip()
    scope: Scope = "all" if archived else "active"
    if (pid := id_typed(text)) is not None:
        row = None if pid > MAX_ID else store.person_by_id(conn, pid, scope)
        if row is None:
            raise NotFound(f"no {'' if archived else 'active '}person has id {text}", _HINT)
        return PersonRef(row.id, row.name)
    key = fold(text)
    if not key:
        raise NotFound("an empty name matches no one", _HINT)
    for finder in (_exact, _prefix):
        rows = finder(conn, key, scope)
        if len(rows) == 1:
            return PersonRef(rows[0].id, rows[0].name)
        if rows:
            raise _ambiguous(text, rows)
    return _fuzzy(conn, text, key, scope)


_HINT = "see `pln list`, or `pln find TEXT` to search"


def _exact(conn: sqlite3.Connection, key: str, scope: Scope) -> list[Any]:
    return store.people_by_name_key(conn, key, scope)


def _prefix(conn: sqlite3.Connection, key: str, scope: Scope) -> list[Any]:
    return store.people_by_name_prefix(conn, key, scope)


def _fuzzy(conn: sqlite3.Connection, text: str, key: str, scope: Scope) -> PersonRef:
    import difflib

    by_key = store.ids_and_names_by_key(conn, scope)
    close = difflib.get_close_matches(key, list(by_key), n=MAX_LISTED, cutoff=0.8)
    found = [PersonRef(*person) for k in close for person in by_key[k]]
    if not found:
        raise NotFound(f"no one matches {text!r}", _HINT)
    if len(found) > 1:
        raise _ambiguous(text, found)
    return found[0]._replace(guessed_from=text)


def _ambiguous(text: str, rows: Sequence[Any]) -> Ambiguous:
    """``rows``: the candidates, each with ``id`` and ``name``."""
    shown = ", ".join(f"{p.name} (#{p.id})" for p in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    return Ambiguous(
        f"{text!r} matches {len(rows)} people: {shown}{more}",
        "use more of the name, or the #id",
    )
