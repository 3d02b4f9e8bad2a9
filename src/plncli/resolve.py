"""Turning what the user typed for PERSON into one person, or a clear error.

Order: ``#id``; the whole name (case, accents and spacing folded); a unique
prefix of the name or of any word in it; one close fuzzy match. Several
candidates at any step is an error that lists them: never a silent guess.
"""

import re
import sqlite3
from typing import NamedTuple

from .errors import Ambiguous, NotFound
from .text import fold

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
        raise NotFound(
            f"{gone.name} (#{gone.id}) is archived",
            f"`pln restore '#{gone.id}'` brings them back",
        ) from None


def _archived_match(conn: sqlite3.Connection, ref: str) -> PersonRef | None:
    """The one archived person ``ref`` names by id, name or prefix (no close spellings)."""
    text = ref.strip()
    if m := re.fullmatch(r"#(\d+)", text):
        pid = int(m.group(1))
        rows = (
            []
            if pid > MAX_ID
            else conn.execute(
                "SELECT id, name FROM person WHERE id = ? AND archived_at IS NOT NULL", (pid,)
            ).fetchall()
        )
    else:
        key, scope = fold(text), " AND archived_at IS NOT NULL"
        rows = (_exact(conn, key, scope) or _prefix(conn, key, scope)) if key else []
    return PersonRef(*rows[0]) if len(rows) == 1 else None


def _resolve(conn: sqlite3.Connection, ref: str, *, archived: bool) -> PersonRef:
    text = ref.strip()
    scope = "" if archived else " AND archived_at IS NULL"
    if m := re.fullmatch(r"#(\d+)", text):
        pid = int(m.group(1))
        row = (
            None
            if pid > MAX_ID
            else conn.execute(f"SELECT id, name FROM person WHERE id = ?{scope}", (pid,)).fetchone()
        )
        if row is None:
            raise NotFound(f"no {'' if archived else 'active '}person has id {text}", _HINT)
        return PersonRef(row[0], row[1])
    key = fold(text)
    if not key:
        raise NotFound("an empty name matches no one", _HINT)
    for finder in (_exact, _prefix):
        rows = finder(conn, key, scope)
        if len(rows) == 1:
            return PersonRef(*rows[0])
        if rows:
            raise _ambiguous(text, rows)
    return _fuzzy(conn, text, key, scope)


_HINT = "see `pln list`, or `pln find TEXT` to search"


def _exact(conn: sqlite3.Connection, key: str, scope: str) -> list[tuple[int, str]]:
    return conn.execute(
        f"SELECT id, name FROM person WHERE name_key = ?{scope} ORDER BY id", (key,)
    ).fetchall()


def _prefix(conn: sqlite3.Connection, key: str, scope: str) -> list[tuple[int, str]]:
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return conn.execute(
        "SELECT id, name FROM person WHERE (name_key LIKE ? ESCAPE '\\'"
        f" OR name_key LIKE ? ESCAPE '\\'){scope} ORDER BY name_key LIMIT 50",
        (like + "%", "% " + like + "%"),
    ).fetchall()


def _fuzzy(conn: sqlite3.Connection, text: str, key: str, scope: str) -> PersonRef:
    import difflib

    rows = conn.execute(f"SELECT id, name, name_key FROM person WHERE 1{scope}").fetchall()
    by_key: dict[str, list[tuple[int, str]]] = {}
    for pid, name, name_key in rows:
        by_key.setdefault(name_key, []).append((pid, name))
    close = difflib.get_close_matches(key, list(by_key), n=MAX_LISTED, cutoff=0.8)
    found = [person for k in close for person in by_key[k]]
    if not found:
        raise NotFound(f"no one matches {text!r}", _HINT)
    if len(found) > 1:
        raise _ambiguous(text, found)
    return PersonRef(found[0][0], found[0][1], guessed_from=text)


def _ambiguous(text: str, rows: list[tuple[int, str]]) -> Ambiguous:
    shown = ", ".join(f"{name} (#{pid})" for pid, name in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    return Ambiguous(
        f"{text!r} matches {len(rows)} people: {shown}{more}",
        "use more of the name, or the #id",
    )
