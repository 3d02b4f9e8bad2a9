"""`pln db upgrade`: a shared book made by an older pln brought to this pln's schema, by its
keeper (the role that owns its tables: members have no right to change them), in one
transaction: all of it or nothing.

What changes is read from the models, not written again here (``models.py`` is the one
definition, README "One schema definition"):

1. every table, column and index the models have and the database lacks, as SQLAlchemy
   compiles them for PostgreSQL (``missing_ddl``); a new column's foreign key or unique
   constraint comes with it. A column added to a table that holds rows must be nullable
   or have a default, as on SQLite (``ALTER TABLE ... ADD COLUMN``);
2. each version's data step (``DATA_STEPS``), where existing rows need a value the
   models cannot give (version 6: every person's UID, as SQLite's ``m006_person_uid``);
3. what the models cannot say, made again for what is new (``schema.py``): the byte
   order of new text columns (``byte_order_ddl``), a ``rowid`` on a new table `pln undo`
   restores, its foreign keys deferrable, the history capture of every table (regenerated
   from the columns as they now are: a new column is captured, so undo restores it), and
   the members' grants (``prepare.grant_ddl``) on what is new;
4. ``pln_version`` set to this pln's ``LATEST``.

Members' pln refuses a book older than itself (``connect``) with one line naming this
command, so no member writes a row the new schema would miss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ...errors import StoreError
from ...migrations import LATEST, UNDONE_TABLES
from . import WRITE_LOCK, _open, _where, conninfo, require, schema_version
from .prepare import grant_ddl, role_names
from .schema import (
    _rowid_ddl,
    byte_order_ddl,
    capture_ddl,
    deferrable_ddl,
    key_count_ddl,
    topics_ddl,
)

if TYPE_CHECKING:
    import psycopg

# version -> what brings the existing rows to it, after its tables, columns and indexes
# (and drops what the models no longer have: version 8's covering index replaced one)
DATA_STEPS: dict[int, list[str]] = {
    6: ["UPDATE person SET uid = 'urn:uuid:' || gen_random_uuid() WHERE uid IS NULL"],
    8: ["DROP INDEX IF EXISTS ix_person_attr_kind_key"],
    11: topics_ddl(),  # `pln list`'s topics column, and its trigger
    13: key_count_ddl(),  # `pln introduce --for`'s counts, and their triggers
}


class Upgraded(NamedTuple):
    database: str
    where: str
    before: int  # the book's schema before
    after: int  # and now (LATEST)
    added: list[str]  # "column person.uid", "index ix_person_uid", "table x"


class Missing(NamedTuple):
    statements: list[str]
    added: list[str]
    tables: list[str]  # new tables


def missing_ddl(conn: psycopg.Connection[Any]) -> Missing:
    """The DDL that adds what the models have and the database lacks (imports SQLModel)."""
    from sqlalchemy import PrimaryKeyConstraint
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import AddConstraint, CreateColumn, CreateIndex, CreateTable
    from sqlmodel import SQLModel

    from ... import models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]

    def sql(element: Any) -> str:
        return str(element.compile(dialect=dialect)).strip()

    tables = _names(conn, "SELECT relname FROM pg_class WHERE relkind = 'r'")
    indexes = _names(conn, "SELECT relname FROM pg_class WHERE relkind = 'i'")
    out = Missing([], [], [])
    for table in SQLModel.metadata.sorted_tables:
        if table.name not in tables:
            out.statements.append(sql(CreateTable(table)))
            out.added.append(f"table {table.name}")
            out.tables.append(table.name)
        else:
            held = set(_columns(conn, table.name))
            new = [c for c in table.columns if c.name not in held]
            for col in new:
                out.statements.append(
                    f"ALTER TABLE {table.name} ADD COLUMN {sql(CreateColumn(col))}"
                )
                out.added.append(f"column {table.name}.{col.name}")
            names = {c.name for c in new}
            for constraint in table.constraints:
                cols = {c.name for c in getattr(constraint, "columns", ())}
                if not isinstance(constraint, PrimaryKeyConstraint) and cols & names:
                    out.statements.append(sql(AddConstraint(constraint)))
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            if index.name not in indexes:
                out.statements.append(sql(CreateIndex(index)))
                out.added.append(f"index {index.name}")
    return out


def _names(conn: psycopg.Connection[Any], sql: str) -> set[str]:
    where = " AND relnamespace = 'public'::regnamespace"
    return {str(r[0]) for r in conn.execute(sql + where).fetchall()}


def _columns(conn: psycopg.Connection[Any], table: str) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
            " AND NOT attisdropped",
            (table,),
        ).fetchall()
    ]


def upgrade_ddl(conn: psycopg.Connection[Any], version: int) -> tuple[list[str], list[str]]:
    """Run, on ``conn``, everything that brings a book at ``version`` to ``LATEST`` (but
    the commit); what was added, and the statements run."""
    from sqlmodel import SQLModel

    missing = missing_ddl(conn)
    ran: list[str] = []

    def run(statements: list[str]) -> None:
        for statement in statements:
            conn.execute(statement)
            ran.append(statement)

    run(missing.statements)
    for table in missing.tables:
        if table in UNDONE_TABLES:
            run(_rowid_ddl(table))
    for number in range(version + 1, LATEST + 1):
        run(DATA_STEPS.get(number, []))
    models = set(SQLModel.metadata.tables)  # not person_search: its words are only searched
    run([s for s in byte_order_ddl(conn) if s.split()[2] in models])
    run(deferrable_ddl(conn))
    run(capture_ddl(conn))
    dbname = str(conn.info.dbname)
    read, write = role_names(dbname)
    if _role_exists(conn, read) and _role_exists(conn, write):
        run(grant_ddl(dbname, read, write))
    run([f"UPDATE pln_version SET version = {LATEST}"])
    return missing.added, ran


def _role_exists(conn: psycopg.Connection[Any], role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is not None


def upgrade(url: str) -> Upgraded:
    """Bring the shared book at ``url`` to this pln's schema, in one transaction."""
    conninfo(url)
    require("psycopg", "sqlmodel")
    import psycopg

    conn, params = _open(url)
    try:
        dbname = str(conn.info.dbname)
        where = f"{dbname} on {_where(params)}"
        version = schema_version(conn)
        if version is None:
            raise StoreError(
                f"{where} is not a pln book", "prepare an empty database: `pln db init URL`"
            )
        if version > LATEST:
            raise StoreError(
                f"{where} was made by a newer pln (schema {version}; this pln knows {LATEST})",
                "upgrade pln",
            )
        if version == LATEST:
            conn.rollback()
            return Upgraded(dbname, _where(params), version, version, [])
        try:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))  # writers wait
            added, _ran = upgrade_ddl(conn, version)
            conn.commit()
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
            raise StoreError(
                f"your role may not upgrade {where} (it must own the book's tables);"
                " nothing was changed",
                "run `pln db upgrade` as the book's keeper (the role that ran `pln db init`)",
            ) from None
        except psycopg.Error as exc:
            conn.rollback()
            raise StoreError(
                f"the PostgreSQL server refused to upgrade {where} ({type(exc).__name__});"
                " nothing was changed",
                "check that nothing else is changing the book's tables, and run it again",
            ) from None
        return Upgraded(dbname, _where(params), version, LATEST, added)
    finally:
        conn.close()
