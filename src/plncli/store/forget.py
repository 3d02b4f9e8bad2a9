"""`pln forget`'s erasure: the statements that find and remove a person's rows, table by
table, and rewrite the file's bytes. The rules (what goes, what is only listed, in what
order) are ``forget.py``'s; the history's side (command lines, undo data, the forget's
own entry) is ``store/history.py``'s.

SQLite only, and named so: the search index (FTS5 ``MATCH``, its ``optimize``), the
schema lookup (``sqlite_master``), ``secure_delete``, ``VACUUM`` and the WAL
checkpoints, and opening a backup file of any schema to erase in it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..db import backup_to
from ..errors import StoreError
from ..migrations import LATEST
from ..text import fold
from . import Conn, column, execute, row, rows, scalar

# ------------------------------------------------------------------ what is theirs

_ALONE = "(SELECT count(*) FROM interaction_person o WHERE o.interaction_id = ip.interaction_id)"


def what_is_theirs(conn: Conn, pid: int) -> Any:
    """How many rows of each kind are theirs (attributes, interactions of theirs alone,
    shared_interactions, ties, groups, introductions, dismissals, and the people they
    introduced)."""
    return row(
        conn,
        "SELECT"
        " (SELECT count(*) FROM person_attr WHERE person_id = :p) AS attributes,"
        " (SELECT count(*) FROM interaction_person ip"
        f"  WHERE person_id = :p AND {_ALONE} = 1) AS interactions,"
        " (SELECT count(*) FROM interaction_person ip"
        f"  WHERE person_id = :p AND {_ALONE} > 1) AS shared_interactions,"
        " (SELECT count(*) FROM tie WHERE a_id = :p OR b_id = :p) AS ties,"
        " (SELECT count(*) FROM pgroup_member WHERE person_id = :p) AS groups,"
        " (SELECT count(*) FROM introduction WHERE a_id = :p OR b_id = :p) AS introductions,"
        " (SELECT count(*) FROM dismissal WHERE a_id = :p OR b_id = :p) AS dismissals,"
        " (SELECT count(*) FROM person WHERE introduced_by_id = :p) AS introduced",
        {"p": pid},
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
        "SELECT id, name FROM person WHERE id != ? AND instr(notes, ?) > 0 ORDER BY id",
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
        f" AND ({_likes('note', words)})",
        [f"%{w}%" for w in words],
    )


def followup_notes(conn: Conn, but: int, words: list[str]) -> list[Any]:
    """(id, text, owner_id) of other people's follow-up notes holding one of ``words``."""
    return rows(
        conn,
        "SELECT id, note AS text, person_id AS owner_id FROM followup WHERE person_id != ?"
        f" AND ({_likes('note', words)})",
        (but, *[f"%{w}%" for w in words]),
    )


def _likes(col: str, words: list[str]) -> str:
    return " OR ".join(f"{col} LIKE ?" for _ in words)


def all_texts(conn: Conn, kind: str) -> list[Any]:
    """(id, text) of every text of one kind of mention (a copy of an older schema)."""
    table, col = TEXTS[kind]
    return rows(conn, f"SELECT id, {col} AS text FROM {table}")


def rewrite_text(conn: Conn, kind: str, rid: int, text: str) -> None:
    table, col = TEXTS[kind]
    execute(conn, f"UPDATE {table} SET {col} = ? WHERE id = ?", (text, rid))


def people_whose(conn: Conn, column_name: str, phrases: list[str]) -> list[int]:
    """People whose ``column_name`` of the search index holds one of ``phrases`` (FTS5;
    every person when the index cannot parse a phrase)."""
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
    execute(conn, "DELETE FROM person WHERE id = ?", (pid,))
    execute(conn, "DELETE FROM person_fts WHERE rowid = ?", (pid,))


def merge_search_index(conn: Conn) -> None:
    """FTS5 ``optimize``: one segment, so no old segment keeps what was erased."""
    execute(conn, "INSERT INTO person_fts (person_fts) VALUES ('optimize')")


def table_exists(conn: Conn, table: str) -> bool:
    found = row(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return found is not None


# ------------------------------------------------------------------ the file's bytes


def secure_delete(conn: Conn) -> None:
    """Freed pages are overwritten with zeros from now on (this connection)."""
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
