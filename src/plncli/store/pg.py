"""The PostgreSQL engine: a shared book on a server (issue 13).

What only PostgreSQL needs lives here; every other statement is the SQL both engines
share (``store/__init__.py``). Imported only for a ``postgresql://`` book: psycopg and
SQLAlchemy are the ``postgres`` extra, and nothing on the SQLite path imports this.

- **Connecting** (``connect``): a libpq URL (``postgresql://`` or ``postgres://``; a
  service file entry with ``?service=NAME``). Passwords come only from where libpq
  looks (``PGPASSWORD``, ``~/.pgpass``, the service file): a URL holding one is refused,
  so that no password sits in pln's config or shell history. Every failure is one line:
  server unreachable, authentication failed, no such database, not a pln book, a book
  from a newer pln.
- **The schema** (``init``): the tables are created from the models' metadata
  (``models.py``, compiled by SQLAlchemy for PostgreSQL), then ``EXTRA_DDL`` adds what
  the models cannot say:

  * ``pln_version``: one row, the schema number SQLite keeps in ``user_version``
    (``migrations.LATEST``);
  * ``change_log.author``: the database role that made the change (``current_user``),
    set by a trigger whatever the client writes (PostgreSQL only: SQLite books have one
    author and no such column, so the models and SQLite's migrations do not change);
  * a ``rowid`` column on every table ``pln undo`` restores: on a table with an ``id``
    it always equals ``id``; on the others it is a serial number. The undo steps name
    rows by it, in the very format SQLite's triggers write (``history.py`` reads and
    replays them unchanged), and ``ORDER BY rowid`` keeps meaning insertion order;
  * every foreign key ``DEFERRABLE``: undo replays steps newest first and checks the
    keys at the end (``SET CONSTRAINTS ALL DEFERRED``, SQLite's ``defer_foreign_keys``);
  * the history capture: one PL/pgSQL function, ``pln_capture()``, attached to every
    table ``migrations.UNDONE_TABLES`` lists, writing the same ``undo_step`` rows as
    ``migrations.undo_triggers`` (values quoted as SQLite's ``quote()`` does, instants
    as ``YYYY-MM-DD HH:MM:SS.ffffff``), for the change this transaction opened;
  * the search index: ``person_search``, one row per person with the same five texts
    as SQLite's ``person_fts`` and a weighted ``tsvector`` over them, in a text search
    configuration ``pln`` that folds case and accents (the ``unaccent`` extension,
    shipped in Debian's ``postgresql`` package). Where ``unaccent`` is not installed,
    ``pln`` is the ``simple`` configuration: case is folded, accents are not
    (``é`` finds ``é`` only) and ``pln db init`` says so.

- **Members** (``init``): two roles, ``<db>_read`` (SELECT) and ``<db>_write`` (reads,
  and writes every table; ``undo_step`` only through the capture trigger, so that no
  member can plant SQL another member's undo would run), with default privileges for
  tables a later pln adds. pln writes no authentication of its own: members are
  PostgreSQL roles (``CREATE ROLE alice LOGIN IN ROLE <db>_write``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import Conflict, InvalidInput, StoreError
from ..migrations import LATEST, OPEN, UNDONE_TABLES

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10
# Tables whose key is an ``id`` column (an INSERT's new id: ``RETURNING id``).
ID_TABLES = frozenset(
    {
        "event",
        "person",
        "person_attr",
        "interaction",
        "followup",
        "pgroup",
        "introduction",
        "change_log",
        "undo_step",
    }
)
EXTRA_TABLES = ("pln_version", "person_search")
DEFER_FOREIGN_KEYS = "SET CONSTRAINTS ALL DEFERRED"


def is_url(text: str) -> bool:
    """Whether a ``--db``/``PLN_DB`` value names a PostgreSQL book, not a file.

    ``--db`` is read as a path, which folds ``//`` to ``/``: ``postgresql:/`` counts."""
    return re.match(r"postgres(?:ql)?:/", text.strip()) is not None


def conninfo(url: str) -> dict[str, str]:
    """The URL's connection parameters; a malformed URL or one holding a password is refused."""
    from psycopg.conninfo import conninfo_to_dict

    if not url.startswith(SCHEMES):
        raise InvalidInput("not a PostgreSQL URL", "write postgresql://[USER@]HOST[:PORT]/DATABASE")
    try:
        params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    except Exception:  # psycopg's message repeats the URL, which may hold a password
        raise InvalidInput(
            "the PostgreSQL URL cannot be read", "write postgresql://[USER@]HOST[:PORT]/DATABASE"
        ) from None
    if "password" in params:
        raise InvalidInput(
            "the PostgreSQL URL holds a password; pln never takes one from a URL or its config",
            "remove it and put it in ~/.pgpass (or PGPASSWORD, or a service file)",
        )
    return params


def _where(params: dict[str, str]) -> str:
    if "service" in params and "host" not in params:
        return f"service {params['service']}"
    host = params.get("host") or "the local socket"
    return f"{host}:{params['port']}" if "port" in params else host


def _connect_error(exc: Exception, params: dict[str, str]) -> StoreError:
    """One line for why libpq could not connect (its message is not shown: it may be long)."""
    text = str(exc)
    dbname = params.get("dbname") or params.get("user") or "the default database"
    if re.search(r'database "[^"]*" does not exist', text):
        return StoreError(
            f"there is no database {dbname} on the PostgreSQL server at {_where(params)}",
            "create it (createdb NAME, as its future owner), then run `pln db init URL`",
        )
    if re.search(
        r"password authentication failed|authentication failed|no password supplied"
        r'|role "[^"]*" does not exist|pg_hba\.conf|permission denied for database',
        text,
    ):
        return StoreError(
            f"the PostgreSQL server at {_where(params)} refused the login (authentication failed)",
            "check the user name, and the password in ~/.pgpass or PGPASSWORD",
        )
    return StoreError(
        f"cannot reach the PostgreSQL server at {_where(params)}",
        "check the host and port, and that the server is running",
    )


def _open(url: str) -> tuple[psycopg.Connection[Any], dict[str, str]]:
    params = conninfo(url)
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "a shared book needs PostgreSQL support, which is not installed",
            "pip install 'plncli[postgres]'",
        ) from None
    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, application_name="pln")
    except psycopg.Error as exc:
        raise _connect_error(exc, params) from None
    _text_times(conn)
    return conn, params


def _text_times(conn: psycopg.Connection[Any]) -> None:
    """Dates and instants read back as the text SQLite stores (``2026-11-23``,
    ``2026-11-23 10:00:00.000000``), so the code above the store sees one shape."""
    from psycopg.types.string import TextLoader

    class SqliteTime(TextLoader):
        def load(self, data: Any) -> str:
            text = str(super().load(data))
            day, dot, fraction = text.partition(".")
            return f"{day}.{(fraction if dot else '').ljust(6, '0')}"

    conn.adapters.register_loader("date", TextLoader)
    conn.adapters.register_loader("timestamp", SqliteTime)
    conn.execute("SET datestyle = 'ISO, YMD'")
    conn.commit()


def schema_version(conn: psycopg.Connection[Any]) -> int | None:
    """The book's schema number, or None when the database holds no pln book."""
    found = conn.execute("SELECT to_regclass('pln_version') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return None
    row = conn.execute("SELECT max(version) FROM pln_version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def connect(url: str) -> PgConn:
    """Open a shared book: it must be a pln book this pln can read."""
    conn, params = _open(url)
    try:
        version = schema_version(conn)
        conn.rollback()
    except Exception:
        conn.close()
        raise
    where = f"{params.get('dbname', 'the database')} on {_where(params)}"
    if version is None:
        conn.close()
        raise StoreError(
            f"{where} is not a pln book", "prepare an empty database: `pln db init URL`"
        )
    if version > LATEST:
        conn.close()
        raise StoreError(
            f"{where} was made by a newer pln (schema {version}; this pln knows {LATEST})",
            "upgrade pln",
        )
    return PgConn(conn)


# --- Running the store's SQL ------------------------------------------------------------

_TRANSLATED: dict[str, str] = {}
_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


def placeholders(sql: str) -> str:
    """The store's ``?`` parameters as psycopg's ``%s``, outside quoted strings and names;
    every ``%`` doubled (psycopg reads ``%`` even inside quotes: statements always run
    with a parameter list, so ``%%`` always means ``%``)."""
    known = _TRANSLATED.get(sql)
    if known is None:

        def swap(m: re.Match[str]) -> str:
            token = m[0]
            return "%s" if token == "?" else token.replace("%", "%%")

        known = _TRANSLATED[sql] = _TOKENS.sub(swap, sql)
    return known


_INSERT_INTO = re.compile(r"\s*INSERT\s+INTO\s+(\w+)", re.I)


class Cursor:
    """The part of sqlite3's cursor the store uses, over a psycopg cursor."""

    def __init__(self, cur: psycopg.Cursor[Any], lastrowid: int | None) -> None:
        self._cur = cur
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount
        self.description = None if lastrowid is not None else cur.description

    def fetchone(self) -> Any:
        return None if self.description is None else self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return [] if self.description is None else self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConn:
    """A psycopg connection that runs the store's statements as sqlite3 would: ``?``
    parameters, ``lastrowid`` after an INSERT into a table with an ``id`` (identity
    columns are the engine's business: PostgreSQL reports the new id with RETURNING)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        text = placeholders(sql)
        into = _INSERT_INTO.match(sql)
        wants_id = (
            into is not None
            and into[1].lower() in ID_TABLES
            and not re.search(r"\bRETURNING\b", sql, re.I)
        )
        cur = self.raw.cursor()
        cur.execute((text + " RETURNING id") if wants_id else text, params)
        if wants_id:
            first = cur.fetchone() if cur.rowcount == 1 else None
            return Cursor(cur, int(first[0]) if first else 0)
        return Cursor(cur, None)

    def executemany(self, sql: str, params: Iterable[Sequence[Any] | dict[str, Any]]) -> None:
        self.raw.cursor().executemany(placeholders(sql), list(params))

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()


# --- The schema: the models' tables, and what the models cannot say --------------------


def model_ddl() -> list[str]:
    """CREATE TABLE and CREATE INDEX for every model, as SQLAlchemy writes them for
    PostgreSQL (imports SQLModel: only `pln db init` and migrations pay for it)."""
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    from .. import models  # noqa: F401  (registers the tables)

    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return out


CAPTURE_FUNCTION = f"""
CREATE FUNCTION pln_capture() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    change bigint;
    undo text;
BEGIN
    -- Only while pln has a change open, in this transaction: writes by other tools,
    -- and other members' concurrent changes, are not this change's to undo.
    SELECT c.id INTO change FROM change_log c
     WHERE c.xmin = pg_current_xact_id()::xid AND c.summary = '{OPEN}'
     ORDER BY c.id DESC LIMIT 1;
    IF change IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    -- TG_ARGV[0]: this table's "col"=value list, TG_ARGV[1]: its value list, both
    -- over $1 (the old row), generated by `pln db init` from the table's columns.
    IF TG_OP = 'INSERT' THEN
        undo := format('DELETE FROM %s WHERE rowid = %s', TG_TABLE_NAME, NEW.rowid);
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE 'SELECT ' || TG_ARGV[0] USING OLD INTO undo;
        undo := format('UPDATE %s SET %s WHERE rowid = %s', TG_TABLE_NAME, undo, OLD.rowid);
    ELSE
        EXECUTE 'SELECT ' || TG_ARGV[1] USING OLD INTO undo;
        undo := format('INSERT INTO %s (rowid,%s) VALUES (%s,%s)',
                       TG_TABLE_NAME, TG_ARGV[2], OLD.rowid, undo);
    END IF;
    INSERT INTO undo_step (change_id, tbl, op, sql)
    VALUES (change, TG_TABLE_NAME, lower(TG_OP), undo);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$fn$
"""

ROWID_FUNCTION = """
CREATE FUNCTION pln_rowid_is_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.rowid := NEW.id;
    RETURN NEW;
END
$fn$
"""

AUTHOR_FUNCTION = """
CREATE FUNCTION pln_author() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.author := CASE WHEN TG_OP = 'INSERT' THEN current_user::text ELSE OLD.author END;
    RETURN NEW;
END
$fn$
"""


def _quoted(column: str, kind: str) -> str:
    """SQL giving, from the old row ``$1``, the value as SQLite's ``quote()`` writes it."""
    value = f'($1)."{column}"'
    if kind in {"integer", "bigint", "smallint"}:
        return f"coalesce({value}::text, 'NULL')"
    if kind == "boolean":
        return f"coalesce(CASE WHEN {value} THEN '1' ELSE '0' END, 'NULL')"
    if kind.startswith("timestamp"):
        value = f"to_char({value}, 'YYYY-MM-DD HH24:MI:SS.US')"
    # As quote(): only ' is doubled (quote_literal writes a backslash as E'\\').
    quote = "''''"  # SQL for the text '
    return f"coalesce({quote} || replace({value}::text, {quote}, '''''') || {quote}, 'NULL')"


def capture_ddl(conn: psycopg.Connection[Any], tables: Sequence[str] = UNDONE_TABLES) -> list[str]:
    """The capture triggers, generated from the tables' columns as they are now (a later
    migration that changes a table's columns makes its triggers again, as on SQLite)."""
    out: list[str] = []
    for table in tables:
        cols = conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
            " AND attname <> 'rowid' ORDER BY attnum",
            (table,),
        ).fetchall()
        sets = " || ',' || ".join(f"'\"{c}\"=' || {_quoted(c, k)}" for c, k in cols)
        values = " || ',' || ".join(_quoted(c, k) for c, k in cols)
        names = ",".join(f'"{c}"' for c, _ in cols)
        args = ", ".join(_literal(a) for a in (sets, values, names))
        out.append(f"DROP TRIGGER IF EXISTS pln_capture_write ON {table}")
        out.append(f"DROP TRIGGER IF EXISTS pln_capture_delete ON {table}")
        out.append(
            f"CREATE TRIGGER pln_capture_write AFTER INSERT OR UPDATE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION pln_capture({args})"
        )
        # Before the row goes, as on SQLite: a parent's step comes before its cascade's.
        out.append(
            f"CREATE TRIGGER pln_capture_delete BEFORE DELETE ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION pln_capture({args})"
        )
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rowid_ddl(table: str) -> list[str]:
    if table in ID_TABLES:
        return [
            f"ALTER TABLE {table} ADD COLUMN rowid bigint",
            f"CREATE UNIQUE INDEX ix_{table}_rowid ON {table} (rowid)",
            f"CREATE TRIGGER pln_rowid BEFORE INSERT OR UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION pln_rowid_is_id()",
        ]
    return [
        f"ALTER TABLE {table} ADD COLUMN rowid bigserial NOT NULL",
        f"CREATE UNIQUE INDEX ix_{table}_rowid ON {table} (rowid)",
    ]


SEARCH_TABLE = """
CREATE TABLE person_search (
    person_id integer PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE
        DEFERRABLE INITIALLY IMMEDIATE,
    name text NOT NULL DEFAULT '',
    org text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    notes text NOT NULL DEFAULT '',
    interactions text NOT NULL DEFAULT '',
    doc tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('pln', name), 'A')
        || setweight(to_tsvector('pln', org || ' ' || tags), 'B')
        || setweight(to_tsvector('pln', notes), 'C')
        || setweight(to_tsvector('pln', interactions), 'D')
    ) STORED
)
"""


def search_config_ddl(unaccent: bool) -> list[str]:
    """The ``pln`` text search configuration: words lower-cased, accents folded (unaccent)."""
    out = ["CREATE TEXT SEARCH CONFIGURATION pln (COPY = simple)"]
    if unaccent:
        out.append(
            "ALTER TEXT SEARCH CONFIGURATION pln ALTER MAPPING FOR"
            " asciiword, word, numword, asciihword, hword, numhword,"
            " hword_asciipart, hword_part, hword_numpart WITH unaccent, simple"
        )
    return out


def extra_ddl(conn: psycopg.Connection[Any], *, unaccent: bool) -> list[str]:
    """What the models cannot say (module docstring), after their tables exist."""
    out = [
        "CREATE TABLE pln_version (version integer NOT NULL)",
        f"INSERT INTO pln_version (version) VALUES ({LATEST})",
        "ALTER TABLE change_log ADD COLUMN author text NOT NULL DEFAULT current_user",
        AUTHOR_FUNCTION,
        "CREATE TRIGGER pln_author BEFORE INSERT OR UPDATE ON change_log"
        " FOR EACH ROW EXECUTE FUNCTION pln_author()",
        ROWID_FUNCTION,
        CAPTURE_FUNCTION,
    ]
    for table in UNDONE_TABLES:
        out.extend(_rowid_ddl(table))
    for table, name in conn.execute(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = 'public'::regnamespace ORDER BY 1, 2"
    ).fetchall():
        out.append(f'ALTER TABLE {table} ALTER CONSTRAINT "{name}" DEFERRABLE INITIALLY IMMEDIATE')
    out.extend(search_config_ddl(unaccent))
    out.append(SEARCH_TABLE)
    out.append("CREATE INDEX ix_person_search_doc ON person_search USING gin (doc)")
    return out


# --- Search: `pln find` on PostgreSQL ----------------------------------------------------

SEARCH_ROWS = """
INSERT INTO person_search (person_id, name, org, tags, notes, interactions)
SELECT p.id, p.name,
 trim(coalesce(p.org, '') || ' ' || coalesce(p.role, '') || ' ' || coalesce(p.location, '')),
 coalesce((SELECT string_agg(value, ' ; ' ORDER BY id) FROM person_attr
   WHERE person_id = p.id AND kind IN ('topic', 'offers', 'seeks', 'role')), ''),
 p.notes,
 coalesce((SELECT string_agg(i.note, ' ; ' ORDER BY i.id) FROM interaction i
   JOIN interaction_person ip ON ip.interaction_id = i.id WHERE ip.person_id = p.id), '')
 || coalesce((SELECT ' ; ' || string_agg(replace(o.outcome_note, chr(10), ' ; '), ' ; ')
   FROM introduction o WHERE o.outcome_note <> '' AND p.id IN (o.a_id, o.b_id)), '')
FROM person p
"""


def refresh_search(conn: PgConn, person_ids: Sequence[int]) -> None:
    """Rewrite the search rows of these people from what is stored (``people.refresh_search``)."""
    ids = list(person_ids)
    conn.execute("DELETE FROM person_search WHERE person_id = ANY(?)", (ids,))
    conn.execute(SEARCH_ROWS + " WHERE p.id = ANY(?)", (ids,))


def rebuild_search(conn: PgConn) -> None:
    conn.execute("DELETE FROM person_search")
    conn.execute(SEARCH_ROWS)


FIND = """
SELECT p.id, p.name, p.org, p.archived_at IS NOT NULL AS archived,
 ts_headline('pln', CASE
     WHEN to_tsvector('pln', s.name) @@ q THEN s.name
     WHEN to_tsvector('pln', s.org || ' ' || s.tags) @@ q THEN s.org || ' ' || s.tags
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
    from . import rows

    query = search_query(text)
    if query is None:
        raise InvalidInput("nothing to search for", "give a word, e.g. `pln find assessment`")
    scope = "" if archived else "AND p.archived_at IS NULL"
    # store.Conn names sqlite3's connection until the store is wired to both engines
    return rows(conn, FIND.format(scope=scope), (query, limit))  # type: ignore[arg-type]


# --- `pln db init` ---------------------------------------------------------------------


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
    import psycopg

    try:
        import sqlmodel  # noqa: F401  (the models the tables are created from)
    except ImportError:
        raise StoreError(
            "preparing a shared book needs SQLModel, which is not installed",
            "pip install 'plncli[postgres]'",
        ) from None
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
        return Prepared(dbname, _where(params), LATEST, read, write, created, unaccent)
    finally:
        conn.close()
