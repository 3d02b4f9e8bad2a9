"""`pln merge KEEP OTHER`: two records of one person become one; OTHER is archived."""

import sqlite3
from datetime import datetime
from typing import NamedTuple

from .db import to_db_time
from .errors import InvalidInput
from .people import refresh_search
from .resolve import PersonRef
from .store import merge as store

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
    k = store.person_fields(conn, keep.id, SCALARS)
    o = store.person_fields(conn, other.id, SCALARS)
    n = store.linked_counts(conn, other.id)
    return MergePlan(
        n.interactions,
        n.followups,
        n.ties,
        n.groups,
        n.introductions,
        [c for c in SCALARS if getattr(k, c) is None and getattr(o, c) is not None],
        store.count_new_attrs(conn, keep.id, other.id),
    )


def merge(conn: sqlite3.Connection, keep: PersonRef, other: PersonRef, *, now: datetime) -> None:
    k, o = keep.id, other.id
    store.move_links(conn, k, o)
    for table in store.PAIR_TABLES:
        _rekey_pairs(conn, table, k, o)
    store.fill_empty_fields(conn, k, o, SCALARS)
    kept = "\n".join(dict.fromkeys(n for n in store.notes_keep_first(conn, k, o) if n))
    store.set_merged_notes(conn, k, o, kept, updated_at=to_db_time(now))
    store.copy_attrs(conn, k, o)
    line = f"merged into #{k} on {now.date().isoformat()}"
    store.archive_merged(conn, o, line, at=to_db_time(now))
    refresh_search(conn, [k, o])


def _rekey_pairs(conn: sqlite3.Connection, table: str, keep: int, other: int) -> None:
    """Move OTHER's pairs onto KEEP; a pair with KEEP itself, or one KEEP already has, goes."""
    for pair in store.pairs_of(conn, table, other):
        third = pair.b_id if pair.a_id == other else pair.a_id
        x, y = min(keep, third), max(keep, third)
        if third == keep or store.has_pair(conn, table, x, y):
            store.delete_pair(conn, table, pair.a_id, pair.b_id)
        else:
            store.rekey_pair(conn, table, (pair.a_id, pair.b_id), (x, y))
