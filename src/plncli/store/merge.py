"""Merging two records of one person (`pln merge KEEP OTHER`): what OTHER brings, and
moving it onto KEEP.

Statements in the SQL both engines share: a link KEEP already has is dropped by a
``NOT EXISTS`` test rather than SQLite's ``UPDATE OR IGNORE``, a list value by
``ON CONFLICT DO NOTHING``, and pairs (ties, introductions, dismissals) are named by
their ``(a_id, b_id)`` key, not by ``rowid``. Columns passed in come from the merge
service's own constant, never from the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import Conn, column, execute, row, rows

PAIR_TABLES = ("tie", "introduction", "dismissal")


def person_fields(conn: Conn, pid: int, columns: Sequence[str]) -> Any | None:
    """These columns of one person, by name."""
    return row(conn, f"SELECT {', '.join(columns)} FROM person WHERE id = ?", (pid,))


def merge_view(conn: Conn, pid: int) -> Any:
    """What a merge compares of one person: ``org``, ``role``, ``location``, ``birthday``,
    ``cadence``, ``circle``, ``introduced_by_id`` and ``introduced_by`` (the name), and the
    meeting: ``met_at_id``, ``met_at`` (the event's name), ``met_on``, ``met_on_precision``."""
    return row(
        conn,
        "SELECT p.org, p.role, p.location, p.birthday, p.cadence, p.circle,"
        " p.introduced_by_id, i.name AS introduced_by, p.met_at_id, e.name AS met_at,"
        " p.met_on, p.met_on_precision FROM person p"
        " LEFT JOIN event e ON e.id = p.met_at_id LEFT JOIN person i ON i.id = p.introduced_by_id"
        " WHERE p.id = ?",
        (pid,),
    )


def clear_introducer(conn: Conn, pid: int, introducer: int) -> None:
    """The person is introduced by no one if ``introducer`` introduced them (a merge:
    no one is introduced by themselves)."""
    execute(
        conn,
        "UPDATE person SET introduced_by_id = NULL WHERE id = ? AND introduced_by_id = ?",
        (pid, introducer),
    )


def set_meeting(
    conn: Conn, pid: int, event_id: int | None, met_on: str | None, precision: str | None
) -> None:
    """The person's meeting, whole: the event met at, the day and how precisely it is known."""
    execute(
        conn,
        "UPDATE person SET met_at_id = ?, met_on = ?, met_on_precision = ? WHERE id = ?",
        (event_id, met_on, precision, pid),
    )


def linked_counts(conn: Conn, pid: int) -> Any:
    """How many interactions, follow-ups, ties, groups and introductions name the person."""
    return row(
        conn,
        "SELECT (SELECT count(*) FROM interaction_person WHERE person_id = ?) AS interactions,"
        " (SELECT count(*) FROM followup WHERE person_id = ?) AS followups,"
        " (SELECT count(*) FROM tie WHERE a_id = ? OR b_id = ?) AS ties,"
        " (SELECT count(*) FROM pgroup_member WHERE person_id = ?) AS groups,"
        " (SELECT count(*) FROM introduction WHERE a_id = ? OR b_id = ?) AS introductions",
        (pid,) * 7,
    )


def count_new_attrs(conn: Conn, keep: int, other: int) -> int:
    """How many of OTHER's list values KEEP does not have."""
    return int(
        column(
            conn,
            "SELECT count(*) FROM person_attr o WHERE o.person_id = ? AND NOT EXISTS (SELECT 1"
            " FROM person_attr k WHERE k.person_id = ? AND k.kind = o.kind AND k.key = o.key)",
            (other, keep),
        )[0]
    )


def move_links(conn: Conn, keep: int, other: int) -> None:
    """OTHER's interactions, follow-ups, groups and the people OTHER introduced go to KEEP;
    an interaction or group KEEP is already in stays KEEP's once."""
    execute(
        conn,
        "UPDATE interaction_person SET person_id = ? WHERE person_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM interaction_person k WHERE k.person_id = ?"
        " AND k.interaction_id = interaction_person.interaction_id)",
        (keep, other, keep),
    )
    execute(conn, "DELETE FROM interaction_person WHERE person_id = ?", (other,))
    execute(conn, "UPDATE followup SET person_id = ? WHERE person_id = ?", (keep, other))
    execute(
        conn,
        "UPDATE pgroup_member SET person_id = ? WHERE person_id = ? AND NOT EXISTS"
        " (SELECT 1 FROM pgroup_member k WHERE k.person_id = ?"
        " AND k.group_id = pgroup_member.group_id)",
        (keep, other, keep),
    )
    execute(conn, "DELETE FROM pgroup_member WHERE person_id = ?", (other,))
    execute(
        conn, "UPDATE person SET introduced_by_id = ? WHERE introduced_by_id = ?", (keep, other)
    )


def pairs_of(conn: Conn, table: str, pid: int) -> list[Any]:
    """(a_id, b_id) of every pair of ``table`` (one of PAIR_TABLES) the person is in, in
    key order (not the order an engine's plan happens to read them: a merge's history
    lists its steps in the order they were made, the same on both engines)."""
    assert table in PAIR_TABLES
    return rows(
        conn,
        f"SELECT a_id, b_id FROM {table} WHERE a_id = ? OR b_id = ? ORDER BY a_id, b_id",
        (pid, pid),
    )


def has_pair(conn: Conn, table: str, a: int, b: int) -> bool:
    assert table in PAIR_TABLES
    return bool(column(conn, f"SELECT 1 FROM {table} WHERE a_id = ? AND b_id = ?", (a, b)))


def delete_pair(conn: Conn, table: str, a: int, b: int) -> None:
    assert table in PAIR_TABLES
    execute(conn, f"DELETE FROM {table} WHERE a_id = ? AND b_id = ?", (a, b))


def rekey_pair(conn: Conn, table: str, old: tuple[int, int], new: tuple[int, int]) -> None:
    """The pair ``old`` becomes the pair ``new`` (a_id < b_id), keeping its other columns."""
    assert table in PAIR_TABLES
    execute(
        conn,
        f"UPDATE {table} SET a_id = ?, b_id = ? WHERE a_id = ? AND b_id = ?",
        (*new, *old),
    )


def fill_empty_fields(conn: Conn, keep: int, other: int, columns: Sequence[str]) -> None:
    """Each of these columns KEEP has empty takes OTHER's value."""
    sets = ", ".join(f"{c} = coalesce({c}, (SELECT {c} FROM person WHERE id = ?))" for c in columns)
    execute(conn, f"UPDATE person SET {sets} WHERE id = ?", (*(other,) * len(columns), keep))


def notes_keep_first(conn: Conn, keep: int, other: int) -> list[str]:
    """The notes of KEEP, then OTHER's."""
    return column(
        conn,
        "SELECT notes FROM person WHERE id IN (?, ?) ORDER BY id = ? DESC",
        (keep, other, keep),
    )


def set_merged_notes(conn: Conn, keep: int, other: int, notes: str, *, updated_at: str) -> None:
    """KEEP gets these notes and the later of the two last contacts."""
    execute(
        conn,
        "UPDATE person SET last_contact_at = (SELECT max(last_contact_at) FROM person"
        " WHERE id IN (?, ?)), notes = ?, updated_at = ? WHERE id = ?",
        (keep, other, notes, updated_at, keep),
    )


def copy_attrs(conn: Conn, keep: int, other: int) -> None:
    """OTHER's list values KEEP does not have yet."""
    execute(
        conn,
        "INSERT INTO person_attr (person_id, kind, value, key)"
        " SELECT ?, kind, value, key FROM person_attr WHERE person_id = ?"
        " ON CONFLICT DO NOTHING",
        (keep, other),
    )


def archive_merged(conn: Conn, other: int, line: str, *, at: str) -> None:
    """OTHER is archived, without a last contact, ``line`` added to its notes."""
    execute(
        conn,
        "UPDATE person SET archived_at = ?, updated_at = ?, last_contact_at = NULL,"
        " notes = CASE WHEN notes = '' THEN ? ELSE notes || ? || ? END WHERE id = ?",
        (at, at, line, "\n", line, other),
    )
