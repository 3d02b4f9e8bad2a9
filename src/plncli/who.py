"""`pln who TOPIC`: who offers or works on a topic, and how to reach them.

Best first: people who offer it, then who work on it, then who talked about it
with you; within each, the same topic (in any words' order or form, or a synonym)
before a topic that holds its words among others ("microscale" finds "microscale
chemistry"), before one whose words only begin with what was typed ("chem"), as
``topics.py`` decides; then the people you are most in touch with first. Someone you
only follow, or have never been in touch with, is shown with the contact you
know them through when the tie graph has one ("you know her through Ben").
"""

import sqlite3
from datetime import date
from typing import NamedTuple

from .resolve import PersonRef
from .topics import GRADE_NAMES, matching

HOW = {3: "offers it", 2: "works on it", 1: "talked about it with you"}


class Expert(NamedTuple):
    person: PersonRef
    how: str
    circle: str
    last_contact: date | None
    via: PersonRef | None
    topic: str  # the person's topic that matched, as written
    match: str  # how well: "same", "words" or "prefix" (see topics.py)


def who(
    conn: sqlite3.Connection, topic: str, *, synonyms: dict[str, str], limit: int
) -> list[Expert]:
    # every stored topic that matches (topics.py), with its grade: SAME, WORDS or PREFIX;
    # a person's best hit is the best way of knowing it, then the best grade within it
    found = matching(conn, topic, synonyms, interactions=True)
    rows = conn.execute(
        "WITH m AS (SELECT j.key AS key, j.value AS grade FROM json_each(?) AS j),"
        " hits AS ("
        " SELECT a.person_id, CASE a.kind WHEN 'offers' THEN 3 ELSE 2 END * 4 + m.grade AS score,"
        "  a.value AS topic FROM m JOIN person_attr a ON a.key = m.key"
        "  WHERE a.kind IN ('offers', 'topic')"
        " UNION ALL SELECT ip.person_id, 4 + m.grade, t.topic FROM m"
        "  JOIN interaction_topic t ON t.key = m.key"
        "  JOIN interaction_person ip ON ip.interaction_id = t.interaction_id)"
        " SELECT p.id, p.name, p.circle, date(p.last_contact_at, 'localtime'), max(h.score),"
        " h.topic FROM hits h JOIN person p ON p.id = h.person_id WHERE p.archived_at IS NULL"
        " GROUP BY p.id ORDER BY max(h.score) DESC, p.circle = 'following',"
        " p.last_contact_at IS NULL, p.last_contact_at DESC, p.name_key LIMIT ?",
        (found, limit),
    ).fetchall()
    return [
        Expert(
            PersonRef(r[0], r[1]),
            HOW[r[4] // 4],
            r[2],
            date.fromisoformat(r[3]) if r[3] else None,
            _through(conn, r[0]) if r[2] == "following" or r[3] is None else None,
            r[5],
            GRADE_NAMES[r[4] % 4],
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
