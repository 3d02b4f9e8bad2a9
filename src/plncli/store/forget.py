"""`pln forget`'s erasure: the statements that find and remove a person's rows, table by
table, and rewrite the file's bytes. The rules (what goes, what is only listed, in what
order) are ``forget.py``'s; the history's side (command lines, undo data, the forget's
own entry) is ``store/history.py``'s.

Engine-specific, and named so (``*_sqlite`` with a ``*_pg`` twin, chosen by
``is_pg``): the search index (FTS5 ``MATCH`` and its ``optimize`` on SQLite; the
``person_search`` texts on PostgreSQL), the schema lookup (``sqlite_master`` /
``to_regclass``), ``LIKE``'s case folding, and rewriting the bytes: ``secure_delete``,
``VACUUM`` and the WAL checkpoints on SQLite; ``VACUUM (FULL, ANALYZE)`` of the tables
your role owns on PostgreSQL (``rewrite_tables_pg``). Opening a backup file of any schema
to erase in it is SQLite's alone: pln makes no copies of a shared book.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from ..db import backup_to
from ..errors import StoreError
from ..migrations import LATEST
from ..text import fold
from . import Conn, column, execute, is_pg, row, rows, scalar

# ------------------------------------------------------------------ what is theirs

_ALONE = "(SELECT count(*) FROM interaction_person o WHERE o.interaction_id = ip.interaction_id)"


def what_is_theirs(conn: Conn, pid: int) -> Any:
    """How many rows of each kind are theirs (attributes, interactions of theirs alone,
    shared_interactions, ties, groups, introductions, dismissals, and the people they
    introduced)."""
    return row(
        conn,
        "SELECT"
        " (SELECT count(*) FROM person_attr WHERE person_id = ?) AS attributes,"
        " (SELECT count(*) FROM interaction_person ip"
        f"  WHERE person_id = ? AND {_ALONE} = 1) AS interactions,"
        " (SELECT count(*) FROM interaction_person ip"
        f"  WHERE person_id = ? AND {_ALONE} > 1) AS shared_interactions,"
        " (SELECT count(*) FROM tie WHERE a_id = ? OR b_id = ?) AS ties,"
        " (SELECT count(*) FROM pgroup_member WHERE person_id = ?) AS groups,"
        " (SELECT count(*) FROM introduction WHERE a_id = ? OR b_id = ?) AS introductions,"
        " (SELECT count(*) FROM dismissal WHERE a_id = ? OR b_id = ?) AS dismissals,"
        " (SELECT count(*) FROM person WHERE introduced_by_id = ?) AS introduced",
        (pid,) * 11,
    )


def followups_of(conn: Conn, pid: int) -> list[int]:
    """Their follow-ups, and those made by introductions with them (owed to either side)."""
    return [
        int(f)
        for f in column(
            conn,
            "SELECT id FROM followup WHERE person_id = ? UNION SELECT f.followup_id"
            " FROM intro_followup f JOIN introduction i ON i.id = f.introduction_id"
            " WHERE i.a_id = ? OR i.b_id = ?",
            (pid, pid, pid),
        )
    ]


def merged_into(conn: Conn, pid: int) -> list[Any]:
    """(id, name) of the records `pln merge` kept beside them ("merged into #ID" notes)."""
    return rows(
        conn,
        "SELECT id, name FROM person WHERE id != ? AND replace(notes, ?, '') <> notes ORDER BY id",
        (pid, f"merged into #{pid} "),
    )


def person(conn: Conn, pid: int) -> Any | None:
    """(id, name) of a person, or None."""
    return row(conn, "SELECT id, name FROM person WHERE id = ?", (pid,))


def name_of(conn: Conn, pid: int) -> str:
    return str(scalar(conn, "SELECT name FROM person WHERE id = ?", (pid,)))


def contact_values(conn: Conn, pid: int, kinds: tuple[str, ...]) -> list[str]:
    """Their attribute values of these kinds (emails, phones, links), as stored."""
    return [
        str(v)
        for v in column(
            conn,
            f"SELECT value FROM person_attr WHERE person_id = ? AND kind IN ({_marks(kinds)})",
            (pid, *kinds),
        )
    ]


def people_by_id_or_key(conn: Conn, pid: int, name_key: str) -> list[Any]:
    """(id, name) of the person with this id or this folded name (in a backup copy)."""
    return rows(conn, "SELECT id, name FROM person WHERE id = ? OR name_key = ?", (pid, name_key))


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join("?" * len(values))


# ------------------------------------------------------------------ texts naming them

# The texts that may name them, by the kind of mention: (table, column).
TEXTS = {
    "notes": ("person", "notes"),
    "interaction": ("interaction", "note"),
    "followup": ("followup", "note"),
}


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids) or "NULL"


def people_notes(conn: Conn, people: list[int]) -> list[Any]:
    """(id, text, owner_id) of these people's notes."""
    return rows(
        conn,
        f"SELECT id, notes AS text, id AS owner_id FROM person WHERE id IN ({_ids(people)})",
    )


def interaction_notes(conn: Conn, people: list[int], words: list[str]) -> list[Any]:
    """(id, text, owner_id: NULL) of the notes of these people's interactions that hold
    one of ``words`` (LIKE: ASCII case folded)."""
    return rows(
        conn,
        "SELECT id, note AS text, NULL AS owner_id FROM interaction WHERE id IN"
        f" (SELECT interaction_id FROM interaction_person WHERE person_id IN ({_ids(people)}))"
        f" AND ({_likes(conn, 'note', words)})",
        [f"%{w}%" for w in words],
    )


def followup_notes(conn: Conn, but: int, words: list[str]) -> list[Any]:
    """(id, text, owner_id) of other people's follow-up notes holding one of ``words``."""
    return rows(
        conn,
        "SELECT id, note AS text, person_id AS owner_id FROM followup WHERE person_id != ?"
        f" AND ({_likes(conn, 'note', words)})",
        (but, *[f"%{w}%" for w in words]),
    )


def _likes(conn: Conn, col: str, words: list[str]) -> str:
    """``col`` holds one of the patterns, ASCII case folded: SQLite's ``LIKE``; on
    PostgreSQL ``ILIKE`` over the book's "C"-collated text (``pg/schema.byte_order_ddl``),
    which folds ASCII alone too."""
    like = "ILIKE" if is_pg(conn) else "LIKE"
    return " OR ".join(f"{col} {like} ?" for _ in words)


def resource_texts(conn: Conn, words: list[str]) -> list[Any]:
    """(id, title, author, note) of the resources whose title, author or note holds one of
    ``words`` (LIKE: ASCII case folded)."""
    if not words:
        return []
    likes = " OR ".join(f"({_likes(conn, col, words)})" for col in ("title", "author", "note"))
    return rows(
        conn,
        f"SELECT id, title, author, note FROM resource WHERE {likes} ORDER BY id",
        [f"%{w}%" for _col in range(3) for w in words],
    )


def rewrite_resource(conn: Conn, rid: int, *, title: str, author: str | None, note: str) -> None:
    """A resource's texts rewritten; its title's key follows its title (a key another
    resource holds already: the title gets its id, so that both stay)."""
    key = fold(title)
    if row(conn, "SELECT 1 FROM resource WHERE title_key = ? AND id != ?", (key, rid)):
        title = f"{title} (#{rid})"
        key = fold(title)
    execute(
        conn,
        "UPDATE resource SET title = ?, title_key = ?, author = ?, note = ? WHERE id = ?",
        (title, key, author, note, rid),
    )


def all_texts(conn: Conn, kind: str) -> list[Any]:
    """(id, text) of every text of one kind of mention (a copy of an older schema)."""
    table, col = TEXTS[kind]
    return rows(conn, f"SELECT id, {col} AS text FROM {table}")


def rewrite_text(conn: Conn, kind: str, rid: int, text: str) -> None:
    table, col = TEXTS[kind]
    execute(conn, f"UPDATE {table} SET {col} = ? WHERE id = ?", (text, rid))


def people_whose(conn: Conn, column_name: str, phrases: list[str]) -> list[int]:
    """People whose ``column_name`` (notes, interactions) of the search index holds one of
    ``phrases`` (folded words, in order)."""
    if is_pg(conn):
        return people_whose_pg(conn, column_name, phrases)
    return people_whose_sqlite(conn, column_name, phrases)


def people_whose_pg(conn: Conn, column_name: str, phrases: list[str]) -> list[int]:
    """PostgreSQL: the ``person_search`` text of that column, as a phrase in the ``pln``
    text search configuration (case and accents folded, as FTS5's tokenizer does)."""
    if column_name not in ("notes", "interactions") or not phrases:
        return []
    query = " || ".join("phraseto_tsquery('pln', ?)" for _ in phrases)
    return [
        int(r)
        for r in column(
            conn,
            f"SELECT person_id FROM person_search WHERE to_tsvector('pln', {column_name})"
            f" @@ ({query}) ORDER BY person_id",
            phrases,
        )
    ]


def people_whose_sqlite(conn: Conn, column_name: str, phrases: list[str]) -> list[int]:
    """SQLite only (FTS5 ``MATCH``): every person when the index cannot parse a phrase."""
    query = " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases)
    try:
        return [
            int(r)
            for r in column(
                conn,
                "SELECT rowid FROM person_fts WHERE person_fts MATCH ?",
                (f"{column_name} : ({query})",),
            )
        ]
    except sqlite3.OperationalError:  # a phrase the index cannot parse: look everywhere
        return [int(r) for r in column(conn, "SELECT id FROM person")]


# ------------------------------------------------------------------ interactions


def shares_interaction(conn: Conn, interaction: int, pid: int) -> bool:
    """Whether anyone but ``pid`` took part in the interaction."""
    others = scalar(
        conn,
        "SELECT count(*) FROM interaction_person WHERE interaction_id = ? AND person_id != ?",
        (interaction, pid),
    )
    return bool(others != 0)


def shared_interactions_of(conn: Conn, pid: int) -> list[int]:
    """Their interactions that others took part in too."""
    return [
        int(i)
        for i in column(
            conn,
            "SELECT interaction_id FROM interaction_person ip WHERE person_id = ? AND"
            " (SELECT count(*) FROM interaction_person o"
            "  WHERE o.interaction_id = ip.interaction_id) > 1",
            (pid,),
        )
    ]


def participants(conn: Conn, interactions: Iterable[int]) -> set[int]:
    """Everyone who took part in these interactions."""
    people: set[int] = set()
    for iid in interactions:
        people.update(
            column(
                conn, "SELECT person_id FROM interaction_person WHERE interaction_id = ?", (iid,)
            )
        )
    return people


# ------------------------------------------------------------------ erasing, table by table


def erase_followups(conn: Conn, followups: list[int]) -> None:
    conn.executemany("DELETE FROM followup WHERE id = ?", [(f,) for f in followups])


def erase_interactions_alone(conn: Conn, pid: int) -> None:
    """The interactions that were theirs alone."""
    execute(
        conn,
        "DELETE FROM interaction WHERE id IN (SELECT interaction_id FROM interaction_person ip"
        " WHERE person_id = ? AND (SELECT count(*) FROM interaction_person o"
        " WHERE o.interaction_id = ip.interaction_id) = 1)",
        (pid,),
    )


def erase_participation(conn: Conn, pid: int) -> None:
    """Their part in the interactions they shared."""
    execute(conn, "DELETE FROM interaction_person WHERE person_id = ?", (pid,))


def erase_person(conn: Conn, pid: int) -> None:
    """The person row (its attributes, ties, groups, introductions, dismissals go with it,
    "introduced by" on others is cleared: the foreign keys' actions) and its search row."""
    if is_pg(conn):
        execute(conn, "DELETE FROM person_search WHERE person_id = ?", (pid,))
        execute(conn, "DELETE FROM person WHERE id = ?", (pid,))
        return
    erase_person_sqlite(conn, pid)


def erase_person_sqlite(conn: Conn, pid: int) -> None:
    """SQLite only: the FTS5 table is named by ``rowid`` and has no foreign key."""
    execute(conn, "DELETE FROM person WHERE id = ?", (pid,))
    execute(conn, "DELETE FROM person_fts WHERE rowid = ?", (pid,))


def merge_search_index(conn: Conn) -> None:
    """FTS5 ``optimize``: one segment, so no old segment keeps what was erased. (On
    PostgreSQL, ``rewrite_tables_pg`` rebuilds the search index after the erase.)"""
    if not is_pg(conn):
        merge_search_index_sqlite(conn)


def merge_search_index_sqlite(conn: Conn) -> None:
    """SQLite only: FTS5's special ``optimize`` insert."""
    execute(conn, "INSERT INTO person_fts (person_fts) VALUES ('optimize')")


def table_exists(conn: Conn, table: str) -> bool:
    if is_pg(conn):
        return bool(scalar(conn, "SELECT to_regclass(?) IS NOT NULL", (table,)))
    return table_exists_sqlite(conn, table)


def table_exists_sqlite(conn: Conn, table: str) -> bool:
    """SQLite only: ``sqlite_master``."""
    found = row(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return found is not None


# ------------------------------------------------------------------ the file's bytes


def secure_delete(conn: Conn) -> None:
    """Freed pages are overwritten with zeros from now on (this connection). SQLite only:
    PostgreSQL has no such setting (``rewrite_tables_pg`` rewrites the tables instead)."""
    if not is_pg(conn):
        conn.execute("PRAGMA secure_delete = ON")


def rewrite_file(conn: Conn) -> bool:
    """Rewrite the file without the freed pages; False if a reader kept the -wal in use."""
    try:
        first = row(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        last = row(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError:  # another pln kept writing: the erase is done anyway
        return False
    return bool(first is not None and last is not None and first[0] == 0 and last[0] == 0)


# How long a table's rewrite waits for members reading or writing it (then it is skipped).
REWRITE_LOCK_TIMEOUT = "5s"
# How long the rewrite waits for transactions older than the erase to end (seconds).
OLDER_WAIT_S = 10.0


def transaction_id_pg(conn: Conn) -> int:
    """PostgreSQL: the id of the transaction being run (it gets one if it has none)."""
    return int(scalar(conn, "SELECT pg_current_xact_id()::text"))


class Rewrite(NamedTuple):
    not_rewritten: list[str]  # tables, sorted
    older_open: bool  # a transaction older than the erase was still running


def rewrite_tables_pg(conn: Conn, erased_in: int) -> Rewrite:
    """PostgreSQL: rewrite every table of the book the connected role owns, with its
    indexes and TOAST (``VACUUM (FULL, ANALYZE)``: new files without the erased rows'
    bytes, and the planner's statistics, which sample values, taken again). Run after
    the erase (transaction ``erased_in``) has committed: VACUUM runs outside a
    transaction, and copies any row a transaction still running might see, so it first
    waits (up to ``OLDER_WAIT_S``) until no transaction older than the erase runs on the
    server, in any database. The tables it could not rewrite: not owned by the role
    (only an owner may VACUUM), or kept busy by other members past
    ``REWRITE_LOCK_TIMEOUT``."""
    import psycopg

    owned = {
        str(r.name): bool(r.owned)
        for r in rows(
            conn,
            "SELECT c.relname AS name, pg_has_role(c.relowner, 'USAGE') AS owned FROM pg_class c"
            " WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
        )
    }
    conn.rollback()
    raw = conn.raw  # type: ignore[attr-defined]
    skipped = [t for t, mine in owned.items() if not mine]
    mine = sorted(t for t, m in owned.items() if m)
    raw.autocommit = True
    try:
        older_open = bool(mine) and not _older_ended(raw, erased_in)
        raw.execute(f"SET lock_timeout = '{REWRITE_LOCK_TIMEOUT}'")
        for table in mine:
            try:
                raw.execute(f'VACUUM (FULL, ANALYZE) "{table}"')
                _forget_statistics_if_empty(raw, table)
            except psycopg.Error:
                skipped.append(table)
        raw.execute("RESET lock_timeout")
    finally:
        raw.autocommit = False
    return Rewrite(sorted(skipped), older_open)


def _older_ended(raw: Any, xid: int) -> bool:
    """Wait until every transaction that began before ``xid`` ended; False on timeout."""
    import time

    deadline = time.monotonic() + OLDER_WAIT_S
    while True:
        (ended,) = raw.execute(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) > %s::text::xid8", (str(xid),)
        ).fetchone()
        if ended or time.monotonic() > deadline:
            return bool(ended)
        time.sleep(0.05)


def _forget_statistics_if_empty(raw: Any, table: str) -> None:
    """ANALYZE keeps the values it sampled before when it finds a table empty (undo_step,
    always, after a forget); changing a text column to the type and collation it has
    removes its statistics."""
    if raw.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
        return
    for name, kind in raw.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
        " || ' COLLATE ' || a.attcollation::regcollation::text FROM pg_attribute a"
        " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped"
        " AND a.attcollation <> 0"
        " AND EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = 'public'"
        " AND s.tablename = %s AND s.attname = a.attname) ORDER BY a.attnum",
        (f'"{table}"', table),
    ).fetchall():
        raw.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{name}" TYPE {kind}')


@contextmanager
def erasing_in_copy(path: str, written_to: str) -> Iterator[Conn]:
    """A backup file (of any schema pln wrote) open for erasing in one transaction; once
    it commits, the copy is written whole to ``written_to`` (the caller moves it in)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        version = int(scalar(conn, "PRAGMA user_version"))
        if version > LATEST:
            raise StoreError(f"{path} was written by a newer pln; it was not changed")
        conn.create_function("pln_fold", 1, lambda t: None if t is None else fold(t))
        conn.execute("PRAGMA foreign_keys = ON")
        secure_delete(conn)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        backup_to(conn, written_to)
    finally:
        conn.close()
