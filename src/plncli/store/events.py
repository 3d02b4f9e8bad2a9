"""Events and attendance: the event table, who was met there, and events' private marks.

Rows are named by their columns (``on`` is the event's ISO day, or None). The SQL is the
one both engines share, but for the local day of a last contact (``activity.local_day``).
"""

from typing import Any

from . import Conn, execute, row, rows, scalar
from .activity import local_day


def event(conn: Conn, eid: int) -> Any | None:
    """``id``, ``name``, ``on``, ``place``, ``name_key`` of one event, or None."""
    return row(conn, 'SELECT id, name, "on", place, name_key FROM event WHERE id = ?', (eid,))


def existing_event(conn: Conn, eid: int) -> Any:
    """``event``, of an event known to exist (a resolved reference, in this transaction)."""
    found = event(conn, eid)
    if found is None:
        raise LookupError(f"event #{eid} is not in the book")
    return found


def events_named(conn: Conn, key: str) -> list[Any]:
    """Events (``id``, ``name``) whose folded name is ``key``."""
    return rows(conn, "SELECT id, name FROM event WHERE name_key = ? ORDER BY name_key, id", (key,))


def events_with_word_starting(conn: Conn, like: str) -> list[Any]:
    """Events (``id``, ``name``) whose folded name, or a word in it, starts with ``like``
    (a LIKE-escaped prefix, ``\\`` the escape), in name order."""
    return rows(
        conn,
        "SELECT id, name FROM event"
        " WHERE name_key LIKE ? ESCAPE '\\' OR name_key LIKE ? ESCAPE '\\'"
        " ORDER BY name_key, id",
        (like + "%", "% " + like + "%"),
    )


def event_names(conn: Conn) -> list[Any]:
    """Every event's ``id``, ``name`` and ``name_key``."""
    return rows(conn, "SELECT id, name, name_key FROM event")


def other_event_named(conn: Conn, key: str, eid: int) -> Any | None:
    """An event other than ``eid`` whose folded name is ``key`` (``id``, ``name``)."""
    return row(conn, "SELECT id, name FROM event WHERE name_key = ? AND id != ?", (key, eid))


def people_met_at(conn: Conn, eid: int) -> list[Any]:
    """The people (not archived) met at the event, by name: ``id``, ``name``, ``org``,
    ``met_on``, ``last_contact`` (the local day, ISO)."""
    return rows(
        conn,
        "SELECT id, name, org, met_on,"
        f" {local_day(conn, 'last_contact_at')} AS last_contact FROM person"
        " WHERE met_at_id = ? AND archived_at IS NULL ORDER BY name_key, id",
        (eid,),
    )


def count_met_at(conn: Conn, eid: int) -> int:
    """How many people (archived ones too) were met at the event."""
    return int(scalar(conn, "SELECT count(*) FROM person WHERE met_at_id = ?", (eid,)))


_EVENT_COLUMNS = {"name": "name", "name_key": "name_key", "on": '"on"', "place": "place"}


def update_event(conn: Conn, eid: int, changes: dict[str, object]) -> None:
    """Set the event's columns named in ``changes`` (name, name_key, on, place)."""
    assignments = ", ".join(f"{_EVENT_COLUMNS[col]} = ?" for col in changes)
    execute(conn, f"UPDATE event SET {assignments} WHERE id = ?", (*changes.values(), eid))


def move_attendance(conn: Conn, *, from_event: int, to_event: int) -> None:
    """People met at ``from_event`` were met at ``to_event``."""
    execute(conn, "UPDATE person SET met_at_id = ? WHERE met_at_id = ?", (to_event, from_event))


def fill_event_from(conn: Conn, eid: int, source: int) -> None:
    """The event's empty date and place take ``source``'s."""
    execute(
        conn,
        'UPDATE event SET "on" = coalesce("on", (SELECT "on" FROM event WHERE id = ?)),'
        " place = coalesce(place, (SELECT place FROM event WHERE id = ?))"
        ' WHERE id = ? AND ("on" IS NULL OR place IS NULL)',
        (source, source, eid),
    )


def delete_event(conn: Conn, eid: int) -> None:
    execute(conn, "DELETE FROM event WHERE id = ?", (eid,))


# Private marks of events (private_mark rows of kind 'event', keyed by the folded name)


def event_is_private(conn: Conn, key: str) -> bool:
    found = row(
        conn, "SELECT 1 AS marked FROM private_mark WHERE kind = 'event' AND key = ?", (key,)
    )
    return found is not None


def unmark_private_event(conn: Conn, key: str) -> None:
    execute(conn, "DELETE FROM private_mark WHERE kind = 'event' AND key = ?", (key,))


def rename_private_event(conn: Conn, old_key: str, *, key: str, name: str) -> None:
    execute(
        conn,
        "UPDATE private_mark SET key = ?, name = ? WHERE kind = 'event' AND key = ?",
        (key, name, old_key),
    )


def copy_private_event(conn: Conn, from_key: str, *, key: str, name: str) -> None:
    """Mark the event ``key`` private as ``from_key`` is (same time); a mark it already
    has is kept."""
    execute(
        conn,
        "INSERT INTO private_mark (kind, key, name, created_at)"
        " SELECT 'event', ?, ?, created_at FROM private_mark WHERE kind = 'event' AND key = ?"
        " ON CONFLICT DO NOTHING",
        (key, name, from_key),
    )
