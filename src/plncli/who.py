"""`pln who TOPIC`: who offers or works on a topic, and how to reach them.

Best first: people who offer it, then who work on it, then who talked about it
with you; within each, the people you are most in touch with first. Someone you
only follow, or have never been in touch with, is shown with the contact you
know them through when the tie graph has one ("you know her through Ben").
"""

import sqlite3
from datetime import date
from typing import NamedTuple

from .resolve import PersonRef
from .text import TOPIC_WORDS, topic_key, topic_pattern

HOW = {3: "offers it", 2: "works on it", 1: "talked about it with you"}


class Expert(NamedTuple):
    person: PersonRef
    how: str
    circle: str
    last_contact: date | None
    via: PersonRef | None


def topic_keys(topic: str, synonyms: dict[str, str]) -> list[str]:
    """The topic's key, its canonical form, and every alias of that canonical form."""
    syn = {topic_key(k): topic_key(v) for k, v in synonyms.items()}
    key = syn.get(topic_key(topic), topic_key(topic))
    return sorted({key, *(alias for alias, canon in syn.items() if canon == key)})


def who(
    conn: sqlite3.Connection, topic: str, *, synonyms: dict[str, str], limit: int
) -> list[Expert]:
    keys = topic_keys(topic, synonyms)
    marks = ",".join("?" * len(keys))
    # a topic matches by its key (and synonyms), or by words and word prefixes of it;
    # whole matches come first within each way of knowing about it
    match = f"(key IN ({marks}) OR {TOPIC_WORDS})"
    whole = f"CASE WHEN key IN ({marks}) THEN 1 ELSE 0 END"
    pattern = topic_pattern(topic)
    rows = conn.execute(
        "WITH hits AS ("
        " SELECT person_id, CASE kind WHEN 'offers' THEN 3 ELSE 2 END AS rank,"
        f"  {whole} AS whole FROM person_attr"
        f"  WHERE kind IN ('offers', 'topic') AND {match}"
        " UNION ALL SELECT ip.person_id, 1, 0 FROM interaction_topic t"
        "  JOIN interaction_person ip ON ip.interaction_id = t.interaction_id"
        f"  WHERE {match})"  # `key` is interaction_topic's: the only table with one
        " SELECT p.id, p.name, p.circle, date(p.last_contact_at, 'localtime'), max(h.rank)"
        " FROM hits h JOIN person p ON p.id = h.person_id WHERE p.archived_at IS NULL"
        " GROUP BY p.id ORDER BY max(h.rank) DESC, max(h.whole) DESC, p.circle = 'following',"
        " p.last_contact_at IS NULL, p.last_contact_at DESC, p.name_key LIMIT ?",
        (*keys, *keys, pattern, *keys, pattern, limit),
    ).fetchall()
    return [
        Expert(
            PersonRef(r[0], r[1]),
            HOW[r[4]],
            r[2],
            date.fromisoformat(r[3]) if r[3] else None,
            _through(conn, r[0]) if r[2] == "following" or r[3] is None else None,
        )
        for r in rows
    ]


def _through(conn: sqlite3.Connection, pid: int) -> PersonRef | None:
    """The contact you are most in touch with who knows this person."""
    row = conn.execute(
        "SELECT p.id, p.name FROM tie t"
        " JOIN person p ON p.id = CASE WHEN t.a_id = ? THEN t.b_id ELSE t.a_id END"
        " WHERE (t.a_id = ? OR t.b_id = ?) AND p.archived_at IS NULL"
        " AND p.circle != 'following' AND p.last_contact_at IS NOT NULL"
        " ORDER BY p.last_contact_at DESC LIMIT 1",
        (pid, pid, pid),
    ).fetchone()
    return None if row is None else PersonRef(row[0], row[1])
