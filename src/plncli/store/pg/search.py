"""`pln find` on PostgreSQL: ``person_search`` holds, per person, the texts SQLite's
``person_fts`` holds (a person's topics, offers, seeks and roles in the order SQLite's
``group_concat`` reads them: by kind, then folded key, byte-wise), and a weighted
``tsvector`` over them in the ``pln`` configuration (case and accents folded); words match
as prefixes, best first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ...errors import InvalidInput
from . import PgConn

SEARCH_ROWS = """
INSERT INTO person_search (person_id, name, org, tags, notes, interactions)
SELECT p.id, p.name,
 trim(coalesce(p.org, '') || ' ' || coalesce(p.role, '') || ' ' || coalesce(p.location, '')),
 coalesce((SELECT string_agg(value, ' ; ' ORDER BY kind COLLATE "C", key COLLATE "C")
   FROM person_attr
   WHERE person_id = p.id AND kind IN ('topic', 'offers', 'seeks', 'role')), ''),
 p.notes,
 coalesce((SELECT string_agg(i.note, ' ; ' ORDER BY i.id) FROM interaction i
   JOIN interaction_person ip ON ip.interaction_id = i.id WHERE ip.person_id = p.id), '')
 || coalesce((SELECT ' ; ' || string_agg(replace(o.outcome_note, chr(10), ' ; '), ' ; ')
   FROM introduction o WHERE o.outcome_note <> '' AND p.id IN (o.a_id, o.b_id)), '')
FROM person p
"""


# Many people at once (a restore, an import, undoing one): each table read once and
# grouped by person, rather than ``SEARCH_ROWS``' subqueries per person, whose plan rests
# on statistics a transaction that has just filled the tables does not have, and that
# only the tables' owner may refresh (ANALYZE; PostgreSQL 15), not a member. 10,000
# restored people, on 2 cores at a load of 8-9: subqueries 532 s, subqueries after an
# ANALYZE 7.5-11 s, this 3.9 s, the very same texts. ``{scope}`` narrows every part to
# the same people (``>= ?``: the same parameter given four times).
MANY_SEARCH_ROWS = """
INSERT INTO person_search (person_id, name, org, tags, notes, interactions)
SELECT p.id, p.name,
 trim(coalesce(p.org, '') || ' ' || coalesce(p.role, '') || ' ' || coalesce(p.location, '')),
 coalesce(t.text, ''), p.notes, coalesce(n.text, '') || coalesce(' ; ' || o.text, '')
FROM person p
LEFT JOIN (SELECT person_id,
   string_agg(value, ' ; ' ORDER BY kind COLLATE "C", key COLLATE "C") AS text
   FROM person_attr WHERE kind IN ('topic', 'offers', 'seeks', 'role') AND person_id {scope}
   GROUP BY person_id) t ON t.person_id = p.id
LEFT JOIN (SELECT ip.person_id, string_agg(i.note, ' ; ' ORDER BY i.id) AS text
   FROM interaction_person ip JOIN interaction i ON i.id = ip.interaction_id
   WHERE ip.person_id {scope} GROUP BY ip.person_id) n ON n.person_id = p.id
LEFT JOIN (SELECT x.pid, string_agg(replace(x.note, chr(10), ' ; '), ' ; ' ORDER BY x.id) AS text
   FROM (SELECT id, a_id AS pid, outcome_note AS note FROM introduction WHERE outcome_note <> ''
         UNION ALL
         SELECT id, b_id, outcome_note FROM introduction WHERE outcome_note <> '') x
   WHERE x.pid {scope} GROUP BY x.pid) o ON o.pid = p.id
WHERE p.id {scope}
"""
MANY = 50  # people: from here on, MANY_SEARCH_ROWS


def refresh_search(conn: PgConn, person_ids: Sequence[int]) -> None:
    """Rewrite the search rows of these people from what is stored (``people.refresh_search``)."""
    ids = list(person_ids)
    conn.execute("DELETE FROM person_search WHERE person_id = ANY(?)", (ids,))
    if len(ids) >= MANY:
        conn.execute(MANY_SEARCH_ROWS.format(scope="= ANY(?)"), (ids,) * 4)
        return
    conn.execute(SEARCH_ROWS + " WHERE p.id = ANY(?)", (ids,))


def refresh_search_from(conn: PgConn, first_id: int) -> None:
    """Rewrite the search rows of every person whose id is ``first_id`` or more (the
    people an import has just added)."""
    conn.execute("DELETE FROM person_search WHERE person_id >= ?", (first_id,))
    conn.execute(MANY_SEARCH_ROWS.format(scope=">= ?"), (first_id,) * 4)


def rebuild_search(conn: PgConn) -> None:
    """Rewrite every search row (after a restore has filled the book)."""
    conn.execute("DELETE FROM person_search")
    conn.execute(MANY_SEARCH_ROWS.format(scope="IS NOT NULL"))


FIND = """
SELECT p.id, p.name, p.org, p.archived_at IS NOT NULL AS archived,
 ts_headline('pln', CASE
     WHEN to_tsvector('pln', s.name) @@ q THEN s.name
     WHEN to_tsvector('pln', s.org) @@ q THEN s.org
     WHEN to_tsvector('pln', s.tags) @@ q THEN s.tags
     WHEN to_tsvector('pln', s.notes) @@ q THEN s.notes
     ELSE s.interactions END, q,
   'StartSel=[, StopSel=], MaxWords=10, MinWords=3, ShortWord=0, MaxFragments=1,
    FragmentDelimiter=…') AS snippet
FROM person_search s JOIN person p ON p.id = s.person_id,
 to_tsquery('pln', ?) AS q
WHERE s.doc @@ q {scope}
ORDER BY ts_rank(s.doc, q, 0) DESC, p.id LIMIT ?
"""


def search_query(text: str) -> str | None:
    """``to_tsquery`` text for ``pln find`` words: every word, each as a prefix (as the
    FTS5 query ``"w1"* "w2"*``); None when no word is left."""
    words = re.findall(r"\w+", text)
    if not words:
        return None
    return " & ".join(f"'{w}':*" for w in words)


def find(conn: PgConn, text: str, *, limit: int, archived: bool = False) -> list[Any]:
    """People whose search row holds every word (as a word prefix), best first."""
    from .. import rows

    query = search_query(text)
    if query is None:
        raise InvalidInput("nothing to search for", "give a word, e.g. `pln find assessment`")
    scope = "" if archived else "AND p.archived_at IS NULL"
    # store.Conn names sqlite3's connection until the store is wired to both engines
    return rows(conn, FIND.format(scope=scope), (query, limit))  # type: ignore[arg-type]
