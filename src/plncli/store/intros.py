"""Introductions' SQL: the introduction workflow, dismissals and their follow-ups.

Rows are named by their columns; instants are the stored UTC text. All of it is the SQL
both engines share.
"""

from __future__ import annotations

from ..lean import TYPE_CHECKING
from . import Conn, execute, row, rows

if TYPE_CHECKING:
    from typing import Any

_SELECT = (
    "SELECT i.id, a.id AS a_id, a.name AS a_name, b.id AS b_id, b.name AS b_name, i.state,"
    " i.reasons, i.kinds, i.note, i.asked_a_at, i.asked_b_at, i.created_at, i.made_at,"
    " i.outcome, i.outcome_note, i.updated_at FROM introduction i"
    " JOIN person a ON a.id = i.a_id JOIN person b ON b.id = i.b_id"
)
_ORDER = "CASE i.state WHEN 'asked' THEN 0 WHEN 'suggested' THEN 1 WHEN 'made' THEN 2 ELSE 3 END"


def intro_between(conn: Conn, a_id: int, b_id: int) -> Any | None:
    """The introduction of a_id < b_id (the columns of ``introduction``, with ``a_id``,
    ``a_name``, ``b_id``, ``b_name``), or None."""
    return row(conn, f"{_SELECT} WHERE i.a_id = ? AND i.b_id = ?", (a_id, b_id))


def intros(conn: Conn, state: str | None) -> list[Any]:
    """Every introduction (in ``state``, when given): asked, suggested, made, declined,
    newest change first within each, and the first recorded first among changes made at
    the same instant (as SQLite's scan happened to give them; PostgreSQL would not)."""
    where, args = ("WHERE i.state = ?", (state,)) if state else ("", ())
    return rows(conn, f"{_SELECT} {where} ORDER BY {_ORDER}, i.updated_at DESC, i.id", args)


def insert_intro(
    conn: Conn, a_id: int, b_id: int, *, reasons: str, kinds: str, note: str, at: str
) -> None:
    """A suggested introduction of a_id < b_id (``reasons``: a JSON list)."""
    execute(
        conn,
        "INSERT INTO introduction (a_id, b_id, state, reasons, kinds, note, outcome_note,"
        " created_at, updated_at) VALUES (?, ?, 'suggested', ?, ?, ?, '', ?, ?)",
        (a_id, b_id, reasons, kinds, note, at, at),
    )


def mark_asked(conn: Conn, intro_id: int, *, side: str, at: str) -> None:
    """Side ``a`` or ``b`` of the introduction was asked."""
    column = {"a": "asked_a_at", "b": "asked_b_at"}[side]
    execute(
        conn,
        f"UPDATE introduction SET state = 'asked', {column} = ?, updated_at = ? WHERE id = ?",
        (at, at, intro_id),
    )


def mark_made(conn: Conn, intro_id: int, *, at: str) -> None:
    execute(
        conn,
        "UPDATE introduction SET state = 'made', made_at = ?, updated_at = ? WHERE id = ?",
        (at, at, intro_id),
    )


def mark_declined(conn: Conn, intro_id: int, *, at: str) -> None:
    execute(
        conn,
        "UPDATE introduction SET state = 'declined', declined_at = ?, updated_at = ? WHERE id = ?",
        (at, at, intro_id),
    )


def set_outcome(conn: Conn, intro_id: int, outcome: str, *, note: str, at: str) -> None:
    execute(
        conn,
        "UPDATE introduction SET outcome = ?, outcome_note = ?, updated_at = ? WHERE id = ?",
        (outcome, note, at, intro_id),
    )


def link_followup(conn: Conn, intro_id: int, fid: int, purpose: str) -> None:
    """The follow-up ``fid`` chases this introduction (``purpose``: waiting, check-in)."""
    execute(
        conn,
        "INSERT INTO intro_followup (introduction_id, followup_id, purpose) VALUES (?, ?, ?)",
        (intro_id, fid, purpose),
    )


def open_followup(conn: Conn, intro_id: int, purpose: str, person_id: int) -> Any | None:
    """The person's open follow-up of this ``purpose`` for the introduction: ``id``, ``due``."""
    return row(
        conn,
        "SELECT f.id, f.due FROM followup f JOIN intro_followup x ON x.followup_id = f.id"
        " WHERE x.introduction_id = ? AND x.purpose = ? AND f.person_id = ?"
        " AND f.state = 'open' ORDER BY f.id LIMIT 1",
        (intro_id, purpose, person_id),
    )


def close_followups(conn: Conn, intro_id: int, purpose: str, *, state: str, at: str) -> None:
    """Close the introduction's open follow-ups of ``purpose`` as ``state``."""
    execute(
        conn,
        "UPDATE followup SET state = ?, closed_at = ? WHERE state = 'open' AND id IN"
        " (SELECT followup_id FROM intro_followup WHERE introduction_id = ? AND purpose = ?)",
        (state, at, intro_id, purpose),
    )


def append_note(conn: Conn, pid: int, line: str, *, at_most: int) -> bool:
    """Add a line to the person's notes (the first line when they have none), if the notes
    stay within ``at_most`` characters; whether it was added."""
    return bool(
        execute(
            conn,
            "UPDATE person SET notes = CASE WHEN notes = '' THEN ? ELSE notes || ? END"
            " WHERE id = ? AND length(notes) + ? <= ?",
            (line, "\n" + line, pid, len(line) + 1, at_most),
        )
    )


def dismiss(conn: Conn, a_id: int, b_id: int, *, until: str | None, at: str) -> None:
    """Keep a_id < b_id out of suggestions (until that ISO day; None: for good)."""
    execute(
        conn,
        "INSERT INTO dismissal (a_id, b_id, until, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (a_id, b_id) DO UPDATE SET until = excluded.until",
        (a_id, b_id, until, at),
    )


def dismissal(conn: Conn, a_id: int, b_id: int) -> Any | None:
    """The pair's dismissal (its ``until``: an ISO day, or None for good), or None."""
    return row(conn, "SELECT until FROM dismissal WHERE a_id = ? AND b_id = ?", (a_id, b_id))


def undismiss(conn: Conn, a_id: int, b_id: int) -> None:
    execute(conn, "DELETE FROM dismissal WHERE a_id = ? AND b_id = ?", (a_id, b_id))


_KEPT_FROM = {
    "intro": "SELECT a_id, b_id FROM introduction WHERE a_id = ? OR b_id = ?",
    "dismissed": "SELECT a_id, b_id FROM dismissal WHERE a_id = ? OR b_id = ?",
    "group": "SELECT ? AS a_id, m.person_id AS b_id FROM pgroup_member g JOIN pgroup_member m"
    " ON m.group_id = g.group_id AND m.person_id != g.person_id WHERE g.person_id = ?",
}


def pairs_kept_from_suggestions(conn: Conn, pid: int) -> dict[str, list[Any]]:
    """The pairs (``a_id``, ``b_id``) with this person that suggestions leave out, by
    why: ``intro`` (an introduction is recorded), ``dismissed`` (ever dismissed) and
    ``group`` (in a group together)."""
    return {kind: rows(conn, sql, (pid, pid)) for kind, sql in _KEPT_FROM.items()}


def circle_of(conn: Conn, pid: int) -> str | None:
    """The person's circle, or None when there is no such person."""
    found = row(conn, "SELECT circle FROM person WHERE id = ?", (pid,))
    return None if found is None else str(found.circle)
