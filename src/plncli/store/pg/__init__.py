"""The PostgreSQL engine: a shared book on a server (issue 13).

This module connects and runs the store's SQL (``?`` parameters, named rows, dates and
instants read back as the text SQLite stores); ``schema`` holds the DDL, ``search`` the
full-text search, ``prepare`` `pln db init`, ``upgrade`` `pln db upgrade`.

What only PostgreSQL needs lives here; every other statement is the SQL both engines
share (``store/__init__.py``). Imported only for a ``postgresql://`` book: psycopg and
SQLAlchemy are the ``postgres`` extra, and nothing on the SQLite path imports this.

- **Connecting** (``connect``): a libpq URL (``postgresql://`` or ``postgres://``; a
  service file entry with ``?service=NAME``). Passwords come only from where libpq
  looks (``PGPASSWORD``, ``~/.pgpass``, the service file): a URL holding one is refused,
  so that no password sits in pln's config or shell history. Every failure is one line:
  server unreachable, authentication failed, no such database, not a pln book, a book
  from a newer pln.
- **The schema** (``prepare.init``): the tables are created from the models' metadata
  (``models.py``, compiled by SQLAlchemy for PostgreSQL), then ``extra_ddl`` adds what
  the models cannot say (``schema.py``):

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
  * the history capture: on every table ``migrations.UNDONE_TABLES`` lists, its own
    PL/pgSQL function ``pln_capture_<table>()``, generated from the table's columns with
    static SQL (a generic function building each row's SQL with ``EXECUTE`` cost 3-15x
    as much per updated or deleted row: ``benchmarks/pg_capture.py``), writing the same
    ``undo_step`` rows as ``migrations.undo_triggers`` (values quoted as SQLite's
    ``quote()`` does, instants as ``YYYY-MM-DD HH:MM:SS.ffffff``), for the change this
    transaction opened;
  * the search index (``search.py``): ``person_search``, one row per person with the same five texts
    as SQLite's ``person_fts`` and a weighted ``tsvector`` over them, in a text search
    configuration ``pln`` that folds case and accents (the ``unaccent`` extension,
    shipped in Debian's ``postgresql`` package). Where ``unaccent`` is not installed,
    ``pln`` is the ``simple`` configuration: case is folded, accents are not
    (``é`` finds ``é`` only) and ``pln db init`` says so.
  * the triggers that keep the derived tables exact (``schema.py``): ``person_topics``
    (`pln list`'s topics) and ``key_count`` (`pln introduce --for`'s counts), whose
    triggers on ``person_attr`` run ``BEFORE`` each row's change (an ``AFTER`` row
    trigger sees every row of its statement, so one row's part could not be told from
    the others'), which add a transaction's counts to ``key_count_delta`` and fold them
    into ``key_count`` at its commit (``key_count_pending``'s deferred trigger), and whose
    rows are counted again after a bulk load that ran without triggers
    (``KEY_COUNT_REFILL``).

- **Members** (``prepare.init``, `pln db init`): two roles, ``<db>_read`` (SELECT) and
  ``<db>_write`` (reads, and writes every table; ``undo_step`` only through the capture
  trigger, so that no member can plant SQL another member's undo would run), with default
  privileges for tables a later pln adds. pln writes no authentication of its own: members are
  PostgreSQL roles (``CREATE ROLE alice LOGIN IN ROLE <db>_write``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from ...errors import Busy, InvalidInput, StoreError
from ...migrations import LATEST
from ..history import BY_ID

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 10
# Tables whose key is an ``id`` column (an INSERT's new id: ``RETURNING id``): the book's
# (the history's ``BY_ID``, one list for both) and the history's own two.
ID_TABLES = BY_ID | {"change_log", "undo_step"}


def is_url(text: str) -> bool:
    """Whether a ``--db``/``PLN_DB`` value names a PostgreSQL book, not a file.

    ``--db`` is read as a path, which folds ``//`` to ``/``: ``postgresql:/`` counts."""
    return re.match(r"postgres(?:ql)?:/", text.strip()) is not None


def require(*modules: str) -> None:
    """The ``postgres`` extra must be installed (a personal book never needs it)."""
    import importlib.util

    for name in modules:
        if importlib.util.find_spec(name) is None:
            raise StoreError(
                "a shared book on PostgreSQL needs pln's PostgreSQL support, not installed here",
                "pip install 'plncli[postgres]'",
            )


def conninfo(url: str) -> dict[str, str]:
    """The URL's connection parameters; a malformed URL, one holding a password, or one
    naming no database (nor a service, which may) is refused."""
    if not url.startswith(SCHEMES):
        raise InvalidInput("not a PostgreSQL URL", "write postgresql://[USER@]HOST[:PORT]/DATABASE")
    require("psycopg")
    from psycopg.conninfo import conninfo_to_dict

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
    if not params.get("dbname") and "service" not in params:  # libpq would take the user's name
        raise InvalidInput(
            "the PostgreSQL URL must name the database",
            "write postgresql://[USER@]HOST[:PORT]/DATABASE",
        )
    return params


def _where(params: dict[str, str]) -> str:
    if "service" in params and "host" not in params:
        return f"service {params['service']}"
    host = params.get("host") or "the local socket"
    return f"{host}:{params['port']}" if "port" in params else host


def _connect_error(exc: Exception, params: dict[str, str]) -> StoreError | InvalidInput:
    """One line for why libpq could not connect (its message is not shown: it may be long)."""
    text = str(exc)
    if re.search(r'definition of service "|service file "[^"]*" not found', text):
        return StoreError(
            f"there is no PostgreSQL service {params.get('service', '')} in your service file",
            "check its name, and ~/.pg_service.conf (or PGSERVICEFILE)",
        )
    if re.search(r"invalid \w+ value|invalid port number|bad value for", text):
        return InvalidInput(  # a value in the URL itself, not the server, is wrong
            "the PostgreSQL URL has a connection setting libpq does not accept",
            "write postgresql://[USER@]HOST[:PORT]/DATABASE, with a port from 1 to 65535",
        )
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
    import psycopg

    try:
        conn = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S, application_name="pln")
    except psycopg.Error as exc:
        raise _connect_error(exc, params) from None
    # Whatever the server's default: pln's writes rely on READ COMMITTED (``transaction``).
    conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
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
    if version < LATEST:  # its keeper upgrades it first: members have no right to
        conn.close()
        raise StoreError(
            f"{where} is at schema {version}, older than this pln's ({LATEST}); it was not changed",
            "the book's keeper (the role that ran `pln db init`) runs `pln db upgrade URL` once",
        )
    try:
        _local_zone(conn)
    except Exception:
        conn.close()
        raise
    return PgConn(conn)


def local_zone_name() -> str | None:
    """The IANA name of this machine's zone (``TZ``, else ``/etc/localtime``), or None when
    it has none (``TZ`` holding a POSIX rule such as ``EST5``, or a zone file that names
    no zone): the caller then uses today's offset."""
    import os
    import zoneinfo

    given = os.environ.get("TZ")
    if given is not None:
        name = given.lstrip(":")
        if "zoneinfo/" in name:
            name = name.rsplit("zoneinfo/", 1)[1]
        if name in ("", "UTC", "UTC0", "GMT", "GMT0"):
            return "UTC"
        try:
            zoneinfo.ZoneInfo(name)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            return None
        return name
    real = os.path.realpath("/etc/localtime")
    if "zoneinfo/" in real:
        return real.rsplit("zoneinfo/", 1)[1]
    try:  # Debian keeps the name here when /etc/localtime is a copy, not a link
        with open("/etc/timezone", encoding="utf-8") as fh:
            name = fh.read().strip()
        zoneinfo.ZoneInfo(name)
    except (OSError, ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None
    return name


def _local_zone(conn: psycopg.Connection[Any]) -> None:
    """Local days are the user's (as SQLite's ``date(…, 'localtime')``): the session's
    time zone is this machine's, so that ``local_day`` computes them on the server,
    daylight saving included. A zone with no IANA name gets its offset of today."""
    import time

    name = local_zone_name()
    if name is None:
        offset = -time.altzone if time.localtime().tm_isdst > 0 else -time.timezone
        sign = "+" if offset >= 0 else "-"
        name = f"{sign}{abs(offset) // 3600:02d}{abs(offset) % 3600 // 60:02d}"
        # PostgreSQL reads a bare offset in POSIX's sense (west positive): write it as ISO.
        conn.execute("SELECT set_config('TimeZone', %s, false)", (f"<{name}>{_posix(offset)}",))
    else:
        conn.execute("SELECT set_config('TimeZone', %s, false)", (name,))
    conn.commit()


def _posix(offset: int) -> str:
    """A POSIX zone's offset: hours west of Greenwich (the opposite sign of ISO's)."""
    west = -offset
    sign = "-" if west < 0 else ""
    return f"{sign}{abs(west) // 3600}:{abs(west) % 3600 // 60:02d}"


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

    engine = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

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


# --- One transaction per write ---------------------------------------------------------

# The book's write lock: an advisory lock every pln write takes first (key: "pln" in ASCII).
WRITE_LOCK = 0x706C6E
LOCK_TIMEOUT = "5s"  # as SQLite's busy timeout (db.BUSY_TIMEOUT_MS)


@contextmanager
def transaction(conn: PgConn) -> Iterator[None]:
    """One write, all of it or none: a READ COMMITTED transaction (``connect`` asks for it
    whatever the server's default), whose first act is to take the book's write lock.

    pln's writers take turns, as on SQLite (``BEGIN IMMEDIATE``: one writer at a time,
    readers never wait): each write first takes a transaction-level advisory lock, so
    every statement after it sees every earlier write committed, and no read-then-write
    (is this person already here? the newest contact) can lose another member's update.
    Writes take milliseconds; a member who waits more than ``LOCK_TIMEOUT`` for the lock
    (or whom the server refuses as a deadlock or serialization failure) gets ``Busy``
    (exit 6) and nothing is written. Readers never take the lock.
    """
    import psycopg

    try:
        if conn.in_transaction:  # a read's transaction (psycopg opens one): the write starts anew
            conn.raw.commit()
        conn.raw.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")  # BEGINs (read committed)
        conn.raw.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
    except psycopg.Error as exc:
        _rollback(conn)
        raise write_error(exc, _dbname(conn)) from None
    try:
        yield
    except psycopg.Error as exc:
        _rollback(conn)
        raise write_error(exc, _dbname(conn)) from None
    except BaseException:
        _rollback(conn)
        raise
    try:
        conn.raw.commit()
    except psycopg.Error as exc:
        _rollback(conn)
        raise write_error(exc, _dbname(conn)) from None


def _dbname(conn: PgConn) -> str | None:
    """The book's database name, for a hint (None if the connection cannot say)."""
    try:
        return conn.raw.info.dbname or None
    except Exception:
        return None


def _rollback(conn: PgConn) -> None:
    import psycopg

    with suppress(psycopg.Error):
        conn.raw.rollback()


def not_a_writer(dbname: str | None = None) -> StoreError:
    """A member who may only read, refused a write; the hint names the book's write role
    (``pln db init`` names it after the database) when the database is known."""
    role = f"{dbname}_write" if dbname else "named after the database, ending in _write"
    return StoreError(
        "your PostgreSQL role may not change this book",
        f"ask the book's keeper to grant you its write role ({role})",
    )


def write_error(exc: Exception, dbname: str | None = None) -> StoreError | Busy:
    """What the server's refusal of a write means for the user, in one line."""
    code = getattr(exc, "sqlstate", None) or ""
    if code in ("55P03", "40001", "40P01", "57014"):
        return Busy("the shared book is busy (other members are writing)", "try again in a moment")
    if code.startswith("08"):
        return StoreError(
            "the connection to the PostgreSQL server was lost; nothing was changed",
            "check the server, and try again",
        )
    if code == "42501":
        return not_a_writer(dbname)
    return StoreError(f"the PostgreSQL server refused pln's request ({code or 'no code'})")
