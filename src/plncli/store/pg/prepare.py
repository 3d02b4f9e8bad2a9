"""`pln db init`: an empty database becomes a shared book, in one transaction, with two
roles for its members (see the package's docstring)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from ...errors import Conflict, InvalidInput, StoreError
from ...migrations import LATEST
from . import _open, _where, conninfo, require, schema_version
from .schema import capture_ddl, extra_ddl, model_ddl

if TYPE_CHECKING:
    import psycopg


class Prepared(NamedTuple):
    database: str
    where: str
    version: int
    read_role: str
    write_role: str
    roles_created: list[str]
    unaccent: bool


def role_names(dbname: str) -> tuple[str, str]:
    read, write = f"{dbname}_read", f"{dbname}_write"
    if len(write.encode()) > 63:  # PostgreSQL would cut the name (and could merge two)
        raise InvalidInput(
            "the database name is too long to name its members' roles after it",
            "use a database name of at most 57 bytes",
        )
    return read, write


def _refuse_unless_empty(conn: psycopg.Connection[Any], where: str) -> None:
    version = schema_version(conn)
    if version is not None:
        raise Conflict(
            f"{where} is already a pln book (schema {version}); nothing was changed",
            "to start again, use a new empty database",
        )
    found = conn.execute(
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " AND n.nspname NOT LIKE 'pg\\_toast%'"
    ).fetchone()
    if found and found[0]:
        raise Conflict(
            f"{where} is not empty ({found[0]} tables, views or sequences); nothing was changed",
            "`pln db init` prepares an empty database: create one with `createdb NAME`",
        )


def _has_unaccent(conn: psycopg.Connection[Any]) -> bool:
    available = conn.execute(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'"
    ).fetchone()
    if not available:
        return False
    conn.execute("SAVEPOINT unaccent")
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:
        conn.execute("ROLLBACK TO SAVEPOINT unaccent")
        return False
    conn.execute("RELEASE SAVEPOINT unaccent")
    return True


def _roles(conn: psycopg.Connection[Any], dbname: str) -> tuple[str, str, list[str]]:
    from psycopg import sql

    read, write = role_names(dbname)
    created: list[str] = []
    for role in (read, write):
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
            created.append(role)
    return read, write, created


def _writers_read(conn: psycopg.Connection[Any], read: str, write: str) -> None:
    """``write`` is a member of ``read`` (granted once: granting needs CREATEROLE)."""
    from psycopg import sql

    member = conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", (write, read)).fetchone()
    if not (member and member[0]):
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(read), sql.Identifier(write)))


def grant_ddl(dbname: str, read: str, write: str) -> list[str]:
    """The two members' roles: ``read`` may SELECT; ``write`` may also change every table,
    except ``undo_step``, which only the capture trigger writes (a member may read and
    prune it). Default privileges reach the tables and sequences a later pln adds."""
    from psycopg import sql

    r, w, db = sql.Identifier(read), sql.Identifier(write), sql.Identifier(dbname)
    statements = [
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(w),
        sql.SQL("REVOKE INSERT, UPDATE ON undo_step, pln_version FROM {}").format(w),
        sql.SQL("REVOKE DELETE ON pln_version FROM {}").format(w),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(w),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {}").format(r),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(w),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(w),
    ]
    return [s.as_string(None) for s in statements]


def init(url: str) -> Prepared:
    """Prepare an empty database as a shared book, in one transaction: all or nothing."""
    conninfo(url)  # a bad URL is refused before anything else
    require("psycopg", "sqlmodel")  # the driver, and the models the tables are made from
    import psycopg

    conn, params = _open(url)
    try:
        dbname = str(conn.info.dbname)
        where = f"{dbname} on {_where(params)}"
        role_names(dbname)
        _refuse_unless_empty(conn, where)
        try:
            unaccent = _has_unaccent(conn)
            for statement in model_ddl():
                conn.execute(statement)
            for statement in extra_ddl(conn, unaccent=unaccent):
                conn.execute(statement)
            for statement in capture_ddl(conn):
                conn.execute(statement)
            read, write, created = _roles(conn, dbname)
            _writers_read(conn, read, write)
            for statement in grant_ddl(dbname, read, write):
                conn.execute(statement)
            conn.commit()
        except psycopg.errors.InsufficientPrivilege:
            conn.rollback()
            raise StoreError(
                f"your role may not prepare {where}"
                " (it must own the database and may create roles)",
                "run `pln db init` as the database's owner with CREATEROLE, or as a superuser",
            ) from None
        except psycopg.Error as exc:  # another `pln db init` at the same moment, say
            conn.rollback()
            raise StoreError(
                f"the PostgreSQL server refused to prepare {where} ({type(exc).__name__});"
                " nothing was changed",
                "check that nothing else is preparing it, and run `pln db init` again",
            ) from None
        return Prepared(dbname, _where(params), LATEST, read, write, created, unaccent)
    finally:
        conn.close()
