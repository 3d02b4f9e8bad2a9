"""The read views' SQL: `pln list`, `show`, `events`, `find` (and the event detail).

Rows are named by their columns and hold stored values (ISO days, stored UTC instants);
``views.py`` turns them into the shapes the renderers and the JSON take. Engine-specific
SQL sits in the functions named ``*_sqlite``; the rest is the SQL both engines share.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..lean import TYPE_CHECKING
from ..text import fold
from . import Conn, is_pg, marks, row, rows
from . import limit as limit_value
from .activity import MATCHES_PG, local_day, local_day_pg, local_day_sqlite
from .network import MATCHES

if TYPE_CHECKING:
    from typing import Any

PERSON_COLUMNS = (
    "p.id, p.name, p.org, p.circle,"
    f" {local_day_sqlite('p.last_contact_at')} AS last_contact,"
    f" {local_day_sqlite('p.created_at')} AS added, p.archived_at"
)
PERSON_COLUMNS_PG = (
    "p.id, p.name, p.org, p.circle,"
    f" {local_day_pg('p.last_contact_at')} AS last_contact,"
    f" {local_day_pg('p.created_at')} AS added, p.archived_at"
)


def person_columns(conn: Conn) -> str:
    """PERSON_COLUMNS in the connection's engine's SQL."""
    return PERSON_COLUMNS_PG if is_pg(conn) else PERSON_COLUMNS


def org_contains_sqlite() -> str:
    """The condition "the organisation holds these folded words" (a LIKE pattern).

    SQLite only: ``pln_fold`` is the Python function ``db.py`` registers on every
    connection (accents, case and spacing folded).
    """
    return "pln_fold(p.org) LIKE ? ESCAPE '\\'"


def like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_ATTR = "p.id IN (SELECT person_id FROM person_attr WHERE kind {} AND key = ?)"
_FILTERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "topic": (
        "p.id IN (SELECT person_id FROM person_attr"
        f" WHERE kind IN ('topic', 'offers', 'seeks') AND {MATCHES})",
        str,  # the matching keys, from topics.matching()
    ),
    "role_tag": (_ATTR.format("= 'role'"), fold),
    "circle": ("p.circle = ?", str),
    "org": (org_contains_sqlite(), lambda v: "%" + like_escaped(fold(v)) + "%"),
    "met_at": ("p.met_at_id IN (SELECT id FROM event WHERE name_key = ?)", fold),
}
_SORTS = {
    "name": "p.name_key",
    "last-contact": "p.last_contact_at IS NOT NULL, p.last_contact_at, p.name_key",
    "added": "p.created_at DESC, p.id DESC",
}
SORTS = tuple(_SORTS)  # `pln list --sort`
# SQLite: the people not archived by name and id, with the columns `pln list` shows
# (migrations.M012_LIST_INDEX); the filters its columns answer (the others pick a few
# people by id or by event, which a scan of every entry would only slow down)
LIST_INDEX = "ix_person_list"
_LISTED = {"circle", "org"}


# On PostgreSQL: the topic filter reads the JSON object as jsonb; the organisation is
# matched in Python (``people``), with the very ``text.fold`` SQLite's ``pln_fold`` calls.
_FILTERS_PG: dict[str, tuple[str, Callable[[str], str]]] = {
    **_FILTERS,
    "topic": (_FILTERS["topic"][0].replace(MATCHES, MATCHES_PG), str),
}


def _people_where(
    filters: dict[str, str | None], archived: bool, *, pg: bool = False
) -> tuple[str, list[str]]:
    where = ["p.archived_at IS NOT NULL" if archived else "p.archived_at IS NULL"]
    args: list[str] = []
    for name, value in filters.items():
        if value and not (pg and name == "org"):
            clause, arg = (_FILTERS_PG if pg else _FILTERS)[name]
            where.append(clause)
            args.append(arg(value))
    return " AND ".join(where), args


def people(
    conn: Conn,
    *,
    filters: dict[str, str | None],
    sort: str,
    archived: bool,
    kinds: tuple[str, ...] | None,
) -> tuple[list[Any], dict[int, dict[str, list[str]]]]:
    """The people `pln list` shows (PERSON_COLUMNS, in ``sort`` order) and their attributes
    of ``kinds`` (None: all), by person id and kind, in the order they were added.

    ``filters`` may name topic, role_tag, circle, org and met_at.
    """
    pg = is_pg(conn)
    cond, args = _people_where(filters, archived, pg=pg)
    found = rows(
        conn,
        f"SELECT {person_columns(conn)} FROM person p WHERE {cond} ORDER BY {_SORTS[sort]}",
        args,
    )
    org = filters.get("org")
    if pg and org:  # as ``org_contains_sqlite``: the folded words, anywhere in the folded org
        needle = fold(org)
        found = [r for r in found if r.org is not None and needle in fold(r.org)]
        attrs = _attributes(conn, cond, args, kinds) if found else {}
        keep = {r.id for r in found}
        return found, {pid: a for pid, a in attrs.items() if pid in keep}
    return found, (_attributes(conn, cond, args, kinds) if found else {})


def people_table(
    conn: Conn, *, filters: dict[str, str | None], sort: str, archived: bool
) -> list[tuple[str, str, str, str, str, str | None]]:
    """The people `pln list` shows (``people``' filters and order), each row already the
    table's cells: the id (as text), name, org ('' for none), circle, topics (joined by
    ", ", in the order added) and the local day of the last contact (ISO, None for none).

    Plain tuples, read by position, from one statement: a 10,000-row list spent most of
    its time making a named row, a date and an attribute map per person, and then a third
    of what was left reading every attribute to join the topics. The topics come joined
    from ``person_topics``, which triggers on the attributes keep exact on both engines
    (``migrations.TOPICS_OF``).
    """
    pg = is_pg(conn)
    cond, args = _people_where(filters, archived, pg=pg)
    day = (local_day_pg if pg else local_day_sqlite)("p.last_contact_at")
    # SQLite: sorting the rows read in table order beats reading them in the order of the
    # name index (a seek into the table per person: a fifth of the statement's time at
    # 10,000 people); the id after the name keeps the index's order among equal names
    order = "+p.name_key, p.id" if sort == "name" and not pg else _SORTS[sort]
    person = "person p"
    listed = not archived and {k for k, v in filters.items() if v} <= _LISTED
    if sort == "name" and not pg and listed:
        # the people not archived, in this very order, from an index holding all the
        # statement reads of them (``LIST_INDEX``): no table read, no sort
        person, order = f"person p INDEXED BY {LIST_INDEX}", "p.name_key, p.id"
    found: list[Any] = conn.execute(
        f"SELECT CAST(p.id AS TEXT), p.name, coalesce(p.org, ''), p.circle,"
        f" coalesce(t.topics, ''), {day} FROM {person}"
        f" LEFT JOIN person_topics t ON t.person_id = p.id WHERE {cond} ORDER BY {order}",
        args,
    ).fetchall()
    org = filters.get("org")
    if pg and org:  # as ``org_contains_sqlite``: the folded words, anywhere in the folded org
        needle = fold(org)
        found = [r for r in found if r[2] and needle in fold(r[2])]
    return found


def _attributes(
    conn: Conn, cond: str, args: Sequence[object], kinds: tuple[str, ...] | None
) -> dict[int, dict[str, list[str]]]:
    """Attributes of the people matching ``cond``, by person and kind.

    Built straight from the cursor (no named row per attribute): `pln list` reads tens of
    thousands of them in a large book.
    """
    # SQLite: the unary + keeps the planner off the (kind, key) index, so it reads the
    # attributes in id order, as they are wanted, instead of by kind and then sorting tens
    # of thousands of them (a third of the time of `pln list` at 10,000 people)
    kind = "a.kind" if is_pg(conn) else "+a.kind"
    only = f" AND {kind} IN ({marks(len(kinds))})" if kinds else ""
    found: dict[int, dict[str, list[str]]] = {}
    for person_id, kind, value in conn.execute(
        "SELECT a.person_id, a.kind, a.value FROM person_attr a JOIN person p ON p.id = a.person_id"
        f" WHERE {cond}{only} ORDER BY a.id",
        (*args, *(kinds or ())),
    ):
        found.setdefault(person_id, {}).setdefault(kind, []).append(value)
    return found


def person_profile(conn: Conn, person_id: int) -> Any:
    """One person's row for `pln show`: PERSON_COLUMNS, ``role``, ``location``,
    ``cadence``, ``met_at`` (the event's name), ``met_on``, ``introduced_by_id``,
    ``introduced_by_name``, ``notes``, ``birthday``, ``met_on_precision``, ``uid``."""
    return row(
        conn,
        f"SELECT {person_columns(conn)}, p.role, p.location, p.cadence, e.name AS met_at, p.met_on,"
        " i.id AS introduced_by_id, i.name AS introduced_by_name, p.notes, p.birthday,"
        " p.met_on_precision, p.uid"
        " FROM person p LEFT JOIN event e ON e.id = p.met_at_id"
        " LEFT JOIN person i ON i.id = p.introduced_by_id WHERE p.id = ?",
        (person_id,),
    )


def attributes_of(conn: Conn, person_id: int) -> dict[str, list[str]]:
    """One person's attributes by kind, in the order they were added."""
    return _attributes(conn, "p.id = ?", (person_id,), None).get(person_id, {})


def intro_outcomes(conn: Conn, person_id: int) -> list[Any]:
    """Introductions of this person with an outcome, newest first: ``id``, ``updated_at``,
    ``other_id``, ``other_name``, ``outcome``, ``outcome_note``."""
    return rows(
        conn,
        "SELECT i.id, i.updated_at, o.id AS other_id, o.name AS other_name, i.outcome,"
        " i.outcome_note FROM introduction i"
        " JOIN person o ON o.id = CASE WHEN i.a_id = ? THEN i.b_id ELSE i.a_id END"
        " WHERE (i.a_id = ? OR i.b_id = ?) AND i.outcome IS NOT NULL"
        " ORDER BY i.updated_at DESC, i.id DESC",
        (person_id, person_id, person_id),
    )


_NEWEST = (
    "SELECT i.id FROM interaction i JOIN interaction_person ip ON ip.interaction_id = i.id"
    " WHERE ip.person_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?"
)


def interactions_of(conn: Conn, person_id: int, *, limit: int | None) -> list[Any]:
    """This person's interactions, newest first: ``id``, ``at``, ``kind``, ``note``."""
    return rows(
        conn,
        "SELECT i.id, i.at, i.kind, i.note FROM interaction i"
        " JOIN interaction_person ip ON ip.interaction_id = i.id"
        " WHERE ip.person_id = ? ORDER BY i.at DESC, i.id DESC LIMIT ?",
        (person_id, limit_value(conn, limit)),
    )


def others_in_interactions(conn: Conn, person_id: int, *, limit: int | None) -> list[Any]:
    """The other people in the same interactions as ``interactions_of`` (``interaction_id``,
    ``name``), by interaction and person id."""
    return rows(
        conn,
        "SELECT x.interaction_id, p.name FROM interaction_person x"
        " JOIN person p ON p.id = x.person_id"
        f" WHERE x.interaction_id IN ({_NEWEST}) AND p.id != ?"
        " ORDER BY x.interaction_id, x.person_id",
        (person_id, limit_value(conn, limit), person_id),
    )


def topics_of_interactions(conn: Conn, person_id: int, *, limit: int | None) -> list[Any]:
    """The topics of the interactions ``interactions_of`` gives (``interaction_id``,
    ``topic``), by interaction and topic key."""
    return rows(
        conn,
        "SELECT t.interaction_id, t.topic FROM interaction_topic t"
        f" WHERE t.interaction_id IN ({_NEWEST}) ORDER BY t.interaction_id, t.key",
        (person_id, limit_value(conn, limit)),
    )


def events_with_counts(conn: Conn) -> list[Any]:
    """Every event, latest first (those with no date last), then by name: ``id``, ``name``,
    ``on``, ``place``, ``met`` (people not archived met there), ``no_contact_since``
    (of them, not contacted since the meeting: ISO days compared as text, on both engines)."""
    return rows(
        conn,
        'SELECT e.id, e.name, e."on", e.place, count(p.id) AS met,'
        " coalesce(sum(CASE WHEN p.id IS NOT NULL AND (p.last_contact_at IS NULL"
        f"   OR {local_day(conn, 'p.last_contact_at')} < CAST(p.met_on AS TEXT))"
        " THEN 1 ELSE 0 END), 0)"
        " AS no_contact_since"
        " FROM event e LEFT JOIN person p ON p.met_at_id = e.id AND p.archived_at IS NULL"
        ' GROUP BY e.id ORDER BY e."on" IS NULL, e."on" DESC, e.name, e.id',
    )


def search(conn: Conn, words: list[str], *, limit: int, archived: bool) -> list[Any]:
    """``search_sqlite`` or its PostgreSQL twin (``store.pg.search.find``: ``tsvector``,
    accents and case folded), by the connection's engine; the same columns."""
    if is_pg(conn):
        from .pg.search import find

        return find(conn, " ".join(words), limit=limit, archived=archived)  # type: ignore[arg-type]
    return search_sqlite(conn, words, limit=limit, archived=archived)


def search_sqlite(conn: Conn, words: list[str], *, limit: int, archived: bool) -> list[Any]:
    """People whose indexed text has words starting with each of ``words`` (none holding
    a double quote), best first: ``id``, ``name``, ``org``, ``archived`` (0/1),
    ``snippet`` (the match in [brackets]).

    SQLite only: the ``person_fts`` FTS5 table, its query syntax (``"word"*``), its
    ``snippet`` and ``bm25`` ranking (name, org, tags, notes, interactions weighted
    10, 4, 4, 2, 1).
    """
    query = " ".join(f'"{w}"*' for w in words)
    scope = "" if archived else " AND p.archived_at IS NULL"
    return rows(
        conn,
        "SELECT p.id, p.name, p.org, p.archived_at IS NOT NULL AS archived,"
        " snippet(person_fts, -1, '[', ']', '…', 10) AS snippet"
        " FROM person_fts JOIN person p ON p.id = person_fts.rowid"
        f" WHERE person_fts MATCH ?{scope}"
        " ORDER BY bm25(person_fts, 10.0, 4.0, 4.0, 2.0, 1.0) LIMIT ?",
        (query, limit),
    )
