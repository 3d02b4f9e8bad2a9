"""What `pln graph` reads: everyone's row, how often each was in touch lately, ties,
groups and their members, the topics of the people drawn, and events' names.

The SQL both engines share (``?`` parameters); the local day of a stored instant is
written by ``activity.local_day`` in the connection's engine. The loops that make one
entry per person iterate the cursor here and return the structure ``graph.py`` needs.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from . import Conn, marks, rows
from .activity import local_day


def people(conn: Conn) -> list[Any]:
    """Everyone not archived, by id: ``id``, ``name``, ``circle``, ``org``, ``role``,
    ``cadence``, ``last_contact`` and ``added`` (local days), ``met_on``, ``met_at_id``."""
    return rows(
        conn,
        "SELECT id, name, circle, org, role, cadence,"
        f" {local_day(conn, 'last_contact_at')} AS last_contact,"
        f" {local_day(conn, 'created_at')} AS added, met_on, met_at_id"
        " FROM person WHERE archived_at IS NULL ORDER BY id",
    )


def contacts_since(conn: Conn, since: str) -> dict[int, int]:
    """How many interactions each person was in from the stored instant ``since`` on.

    The interactions are found through the index on ``at`` and their people through the
    primary key (interaction, person): at 10,000 people a join read every person's rows
    through the person index instead, 7x slower (measured on SQLite)."""
    return dict(
        conn.execute(
            "SELECT person_id, count(*) FROM interaction_person WHERE interaction_id IN"
            " (SELECT id FROM interaction WHERE at >= ?) GROUP BY person_id",
            (since,),
        ).fetchall()
    )


def ties(conn: Conn) -> list[tuple[int, int]]:
    """Every tie (a_id < b_id), archived people's too (the caller keeps whom it draws)."""
    found: list[tuple[int, int]] = conn.execute(
        "SELECT a_id, b_id FROM tie ORDER BY a_id, b_id"
    ).fetchall()
    return found


def groups(conn: Conn) -> list[Any]:
    """Every group that is not private: ``id``, ``name``, by name."""
    return rows(
        conn,
        "SELECT g.id, g.name FROM pgroup g WHERE NOT EXISTS (SELECT 1 FROM private_mark m"
        " WHERE m.kind = 'group' AND m.key = g.name_key) ORDER BY g.name_key",
    )


def members(conn: Conn) -> dict[int, list[int]]:
    """Each person's groups (ids), by person id."""
    found: dict[int, list[int]] = defaultdict(list)
    for gid, pid in conn.execute("SELECT group_id, person_id FROM pgroup_member ORDER BY 1, 2"):
        found[int(pid)].append(int(gid))
    return found


def topics_of(conn: Conn, ids: Sequence[int]) -> list[tuple[int, str, str, str]]:
    """The topics, offers and seeks of these people: (person id, kind, value, key), in
    the order they were added to each person."""
    found: list[tuple[int, str, str, str]] = []
    for start in range(0, len(ids), 500):  # well under any engine's limit on parameters
        chunk = ids[start : start + 500]
        found += conn.execute(
            "SELECT person_id, kind, value, key FROM person_attr"
            f" WHERE person_id IN ({marks(len(chunk))}) AND kind IN ('topic', 'offers', 'seeks')"
            " ORDER BY person_id, id",
            chunk,
        ).fetchall()
    return found


def events(conn: Conn) -> list[Any]:
    """Every event's ``id``, ``name`` and whether it is ``private``."""
    return rows(
        conn,
        "SELECT e.id, e.name, EXISTS (SELECT 1 FROM private_mark m WHERE m.kind = 'event'"
        " AND m.key = e.name_key) AS private FROM event e",
    )


def private_topic_keys(conn: Conn) -> list[str]:
    """The keys of the topics marked private."""
    return [str(k) for (k,) in conn.execute("SELECT key FROM private_mark WHERE kind = 'topic'")]
