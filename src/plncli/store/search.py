"""The full-text index `pln find` searches: one row per person in ``person_fts``.

SQLite engine; PostgreSQL uses tsvector (store/pg.py). Everything here is specific to
SQLite's FTS5 (a virtual table keyed by ``rowid``, filled with ``group_concat``), and so
is ``pln_fold``, the Python function ``db.py`` registers on every SQLite connection for
folded comparisons. The rest of the store never names either: after a change to what a
person's row holds, services call ``refresh_search`` (a few people or many) or
``rebuild_search`` (the whole book, after a bulk load).
"""

from __future__ import annotations

from . import Conn, execute, is_pg, marks

_SEARCH_COLUMNS = (
    " INSERT INTO person_fts (rowid, name, org, tags, notes, interactions)"
    " SELECT p.id, p.name,"
    " trim(coalesce(p.org, '') || ' ' || coalesce(p.role, '')"
    "   || ' ' || coalesce(p.location, '')),"
    " (SELECT coalesce(group_concat(value, ' ; '), '') FROM person_attr"
    "   WHERE person_id = p.id AND kind IN ('topic', 'offers', 'seeks', 'role')),"
    " p.notes,"
    " (SELECT coalesce(group_concat(i.note, ' ; '), '') FROM interaction i"
    "   JOIN interaction_person ip ON ip.interaction_id = i.id WHERE ip.person_id = p.id)"
    # Introduction outcome notes count as interaction notes: `pln find` finds them.
    " || (SELECT coalesce(' ; ' || group_concat(replace(o.note, char(10), ' ; '), ' ; '), '')"
    "   FROM outcome o WHERE o.pid = p.id)"
    " FROM person p"
)
_OUTCOMES = (
    "   SELECT a_id, outcome_note FROM introduction WHERE outcome_note != '' {}"
    "   UNION ALL SELECT b_id, outcome_note FROM introduction WHERE outcome_note != '' {}"
)
# Many people at once: every outcome note is listed once, and looked up by person.
_SEARCH_ROWS = f"WITH outcome (pid, note) AS ({_OUTCOMES.format('', '')})" + _SEARCH_COLUMNS
# One person (`WHERE p.id = ?`, the id given twice more first): only their outcome notes.
_SEARCH_ROW = (
    "WITH outcome (pid, note) AS ("
    + _OUTCOMES.format("AND a_id = ?", "AND b_id = ?")
    + ")"
    + _SEARCH_COLUMNS
)


def refresh_search(conn: Conn, person_ids: list[int]) -> None:
    """Rewrite the full-text rows of these people from what is stored."""
    if is_pg(conn):  # the PostgreSQL twin: ``person_search`` (store/pg/search.py)
        from .pg import search

        search.refresh_search(conn, person_ids)  # type: ignore[arg-type]
        return
    if len(person_ids) <= 50:  # a few people: their own outcome notes only
        for pid in person_ids:
            execute(conn, "DELETE FROM person_fts WHERE rowid = ?", (pid,))
            execute(conn, f"{_SEARCH_ROW} WHERE p.id = ?", (pid, pid, pid))
        return
    for start in range(0, len(person_ids), 500):  # a statement per 500: undo of an import
        chunk = person_ids[start : start + 500]
        execute(conn, f"DELETE FROM person_fts WHERE rowid IN ({marks(len(chunk))})", chunk)
        execute(conn, f"{_SEARCH_ROWS} WHERE p.id IN ({marks(len(chunk))})", chunk)


def refresh_search_from(conn: Conn, first_id: int) -> None:
    """Rewrite the full-text rows of every person whose id is ``first_id`` or more
    (the people a bulk import has just added)."""
    if is_pg(conn):
        from .pg import search

        search.refresh_search_from(conn, first_id)  # type: ignore[arg-type]
        return
    execute(conn, "DELETE FROM person_fts WHERE rowid >= ?", (first_id,))
    execute(conn, f"{_SEARCH_ROWS} WHERE p.id >= ?", (first_id,))


def rebuild_search(conn: Conn) -> None:
    """Rewrite the whole full-text index (after a bulk load)."""
    if is_pg(conn):
        from .pg import search

        search.rebuild_search(conn)  # type: ignore[arg-type]
        return
    execute(conn, "DELETE FROM person_fts")
    execute(conn, _SEARCH_ROWS)
