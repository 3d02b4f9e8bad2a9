"""`pln merge KEEP OTHER`: two records of one person become one; OTHER is archived."""

import sqlite3
from datetime import datetime
from typing import NamedTuple

from .db import to_db_time
from .errors import InvalidInput
from .people import refresh_search
from .resolve import PersonRef

SCALARS = (
    "org",
    "role",
    "location",
    "birthday",
    "met_on",
    "met_at_id",
    "introduced_by_id",
    "cadence",
)


class MergePlan(NamedTuple):
    interactions: int
    followups: int
    ties: int
    groups: int
    introductions: int
    filled: list[str]  # KEEP's empty fields that OTHER fills
    values: int  # list values (emails, topics, ...) OTHER adds


def plan_merge(conn: sqlite3.Connection, keep: PersonRef, other: PersonRef) -> MergePlan:
    if keep.id == other.id:
        raise InvalidInput(f"{keep.name} is the same person twice", "name two records")

    def count(sql: str) -> int:
        return int(conn.execute(sql, (other.id,) * sql.count("?")).fetchone()[0])

    k = conn.execute(f"SELECT {','.join(SCALARS)} FROM person WHERE id = ?", (keep.id,)).fetchone()
    o = conn.execute(f"SELECT {','.join(SCALARS)} FROM person WHERE id = ?", (other.id,)).fetchone()
    values = conn.execute(
        "SELECT count(*) FROM person_attr o WHERE o.person_id = ? AND NOT EXISTS (SELECT 1"
        " FROM person_attr k WHERE k.person_id = ? AND k.kind = o.kind AND k.key = o.key)",
        (other.id, keep.id),
    ).fetchone()[0]
    return MergePlan(
        count("SELECT count(*) FROM interaction_person WHERE person_id = ?"),
        count("SELECT count(*) FROM followup WHERE person_id = ?"),
        count("SELECT count(*) FROM tie WHERE a_id = ? OR b_id = ?"),
        count("SELECT count(*) FROM pgroup_member WHERE person_id = ?"),
        count("SELECT count(*) FROM introduction WHERE a_id = ? OR b_id = ?"),
        [c for c, kv, ov in zip(SCALARS, k, o, strict=True) if kv is None and ov is not None],
        int(values),
    )


def merge(conn: sqlite3.Connection, keep: PersonRef, other: PersonRef, *, now: datetime) -> None:
    k, o = keep.id, other.id
    conn.execute(
        "UPDATE OR IGNORE interaction_person SET person_id = ? WHERE person_id = ?", (k, o)
    )
    conn.execute("DELETE FROM interaction_person WHERE person_id = ?", (o,))
    conn.execute("UPDATE followup SET person_id = ? WHERE person_id = ?", (k, o))
    conn.execute("UPDATE OR IGNORE pgroup_member SET person_id = ? WHERE person_id = ?", (k, o))
    conn.execute("DELETE FROM pgroup_member WHERE person_id = ?", (o,))
    conn.execute("UPDATE person SET introduced_by_id = ? WHERE introduced_by_id = ?", (k, o))
    for table in ("tie", "introduction", "dismissal"):
        _rekey_pairs(conn, table, k, o)
    sets = ", ".join(f"{c} = coalesce({c}, (SELECT {c} FROM person WHERE id = ?))" for c in SCALARS)
    conn.execute(f"UPDATE person SET {sets} WHERE id = ?", (*(o,) * len(SCALARS), k))
    notes = [
        n
        for (n,) in conn.execute(
            "SELECT notes FROM person WHERE id IN (?, ?) ORDER BY id = ? DESC", (k, o, k)
        )
    ]
    kept = "\n".join(dict.fromkeys(n for n in notes if n))
    conn.execute(
        "UPDATE person SET last_contact_at = (SELECT max(last_contact_at) FROM person"
        " WHERE id IN (?, ?)), notes = ?, updated_at = ? WHERE id = ?",
        (k, o, kept, to_db_time(now), k),
    )
    conn.execute(
        "INSERT OR IGNORE INTO person_attr (person_id, kind, value, key)"
        " SELECT ?, kind, value, key FROM person_attr WHERE person_id = ?",
        (k, o),
    )
    line = f"merged into #{k} on {now.date().isoformat()}"
    conn.execute(
        "UPDATE person SET archived_at = ?, updated_at = ?, last_contact_at = NULL,"
        " notes = CASE WHEN notes = '' THEN ? ELSE notes || char(10) || ? END WHERE id = ?",
        (to_db_time(now), to_db_time(now), line, line, o),
    )
    refresh_search(conn, [k, o])


def _rekey_pairs(conn: sqlite3.Connection, table: str, keep: int, other: int) -> None:
    """Move OTHER's pairs onto KEEP; a pair with KEEP itself, or one KEEP already has, goes."""
    rows = conn.execute(
        f"SELECT rowid, a_id, b_id FROM {table} WHERE a_id = ? OR b_id = ?", (other, other)
    ).fetchall()
    for rowid, a, b in rows:
        third = b if a == other else a
        x, y = min(keep, third), max(keep, third)
        taken = conn.execute(f"SELECT 1 FROM {table} WHERE a_id = ? AND b_id = ?", (x, y))
        if third == keep or taken.fetchone():
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
        else:
            conn.execute(f"UPDATE {table} SET a_id = ?, b_id = ? WHERE rowid = ?", (x, y, rowid))
