"""A real PostgreSQL server for the tests (a pytest plugin, registered in conftest.py).

``pg_server`` (session): the server named by ``PLN_TEST_PG`` (a libpq URL to a database
where the role may create databases and roles; ``.ci/run`` starts one for its whole run
and sets it), or else a throw-away cluster this module starts in a temporary directory
when PostgreSQL's server binaries are installed, or else every PostgreSQL test is
skipped with one line saying how to include them. Under pytest-xdist the controller
starts that cluster (``start_for_workers``) and its workers share it through
``PLN_TEST_PG``; each process has templates of its own (``TEMPLATE``, ``BOOK_TEMPLATE``).

``pg_url`` (function): the URL of a fresh, empty database, created for the test from a
prepared empty template (``CREATE DATABASE ... TEMPLATE``, WAL-logged: no checkpoint) and
dropped after it, with the roles whose names start with its name.

``pg_book_url`` (function): the same, holding an empty pln book: a copy of a database that
`pln db init` prepared once per process (~100 ms a test, against seconds for the init),
or the previous test's copy, emptied back to a fresh copy's state (``BookReset``) when
nothing but rows changed in it.

Run as a script, it starts a cluster and prints its URL, for `.ci/run`:
``python tests/pgserver.py start DIR`` / ``python tests/pgserver.py stop DIR``; and
``python tests/pgserver.py time URL`` times what a fresh database costs a test (medians of
10 on 2 cores shared with other work: 65 ms to create by file copy and 16 ms to drop at a
quiet moment; at a load of 8, 270-290 ms WAL-logged against 360-530 ms by file copy, which
waits for a checkpoint, and ~30 ms to drop).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SKIP = (
    "PostgreSQL tests skipped: no server binaries;"
    " install the postgresql package or set PLN_TEST_PG"
)
TEMPLATE = f"pln_test_template_{os.getpid()}"  # one per test process: runs may share a server
BOOK_TEMPLATE = f"pln_test_book_{os.getpid()}"  # the same, once `pln db init` has prepared it


def server_bin() -> Path | None:
    """The directory of initdb and pg_ctl: ``PLN_TEST_PG_BINDIR`` if set, else Debian's
    versioned one (the newest), else the one on PATH."""
    given = os.environ.get("PLN_TEST_PG_BINDIR")
    if given is not None:
        here = Path(given)
        return here if (here / "pg_ctl").exists() and (here / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb", path=str(Path(on_path).parent)):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    """initdb refuses to run as root: run the server as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def start_cluster(folder: Path) -> str:
    """initdb and start a cluster in ``folder`` (created); return a superuser URL."""
    binaries = server_bin()
    if binaries is None:
        raise RuntimeError(SKIP)
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
            + ["--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    port = _free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        _as_postgres(
            [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l"]
            + [str(folder / "server.log"), "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def stop_cluster(folder: Path) -> None:
    binaries = server_bin()
    if binaries is not None and (folder / "data" / "postmaster.pid").exists():
        subprocess.run(
            _as_postgres([str(binaries / "pg_ctl"), "-D", str(folder / "data")])
            + ["-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
    shutil.rmtree(folder, ignore_errors=True)


class PgServer:
    """A server the tests may create databases and roles on."""

    def __init__(self, url: str) -> None:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        self.url = url
        self.params = conninfo_to_dict(url)
        self._make = make_conninfo
        self.admin = psycopg.connect(url, autocommit=True)
        self._names = itertools.count(1)
        self._book_ready = False
        self._reset = BookReset()
        self._spare: str | None = None  # an empty book a finished test left (release_book)
        self._kept: list[str] = []  # books tests built once (keep)
        self.admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        self.admin.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0")

    def url_for(self, dbname: str, **kw: Any) -> str:
        """A libpq URL (keyword form) for ``dbname`` on this server."""
        params = {**self.params, "dbname": dbname, **kw}
        return "postgresql://?" + "&".join(f"{k}={v}" for k, v in params.items() if v)

    def create_database(self, template: str = TEMPLATE) -> str:
        name = f"pln_t{os.getpid()}_{next(self._names)}"
        self.admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY wal_log")
        return name

    def create_book(self) -> str:
        """A database holding an empty pln book: a copy of one that `pln db init` prepared
        once per test process (its schema and capture triggers; the members' roles are the
        template's, ``pln_test_book_<pid>_read``/``_write``), or the copy the previous test
        left and ``release_book`` emptied back to that state."""
        if not self._book_ready:
            from plncli.store.pg import prepare

            self.admin.execute(f"DROP DATABASE IF EXISTS {BOOK_TEMPLATE} WITH (FORCE)")
            self.admin.execute(f"CREATE DATABASE {BOOK_TEMPLATE} TEMPLATE {TEMPLATE}")
            prepare.init(self.url_for(BOOK_TEMPLATE))
            self._reset.learn(self.url_for(BOOK_TEMPLATE))
            self._book_ready = True
        if self._spare is not None:
            name, self._spare = self._spare, None
            return name
        name = self.create_database(BOOK_TEMPLATE)
        self._reset.copied(self, name)
        return name

    def release_book(self, name: str) -> None:
        """After a test: empty the book at ``name`` for the next test of this process, or
        drop it when it is not exactly an empty book again (see ``BookReset``)."""
        if self._spare is None and self._reset.empty(self, name):
            self._spare = name
        else:
            self.drop_database(name)

    def keep(self, name: str) -> str:
        """A template made of the database ``name`` as it is now (dropped with the server's
        other templates when the run ends): a book a test built, for ``fill``."""
        template = f"{name}_kept"
        self._end_sessions(name)
        # one a run that did not end cleanly left, under a process id used again
        self.admin.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        self.admin.execute(f"CREATE DATABASE {template} TEMPLATE {name} STRATEGY wal_log")
        self._kept.append(template)
        return template

    def fill(self, name: str, template: str) -> None:
        """Make the test's database ``name`` (same name, so the same URL) a fresh copy of
        ``template`` (from ``keep``)."""
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.admin.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY wal_log")
        self._reset.copied(self, name)

    def _end_sessions(self, name: str) -> None:
        """End every other session on ``name`` and wait until they are gone."""
        for _ in range(500):
            left = self.admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            ).fetchone()
            if not (left and left[0]):
                return
            time.sleep(0.01)

    def drop_database(self, name: str) -> None:
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        roles = self.admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (name + "\\_%",)
        ).fetchall()
        for (role,) in roles:
            self.admin.execute(f'DROP ROLE IF EXISTS "{role}"')

    def close(self) -> None:
        for template in self._kept:
            self.admin.execute(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)")
        if self._spare is not None:
            self.drop_database(self._spare)
        if self._book_ready:
            self.drop_database(BOOK_TEMPLATE)
        self.admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        self.admin.close()


# The relations of the book's own schemas (not the system's).
_OWN = (
    "c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace,"
    " 'pg_toast'::regnamespace)"
)


class BookReset:
    """Empties a test's shared book back to the state a fresh copy of the template starts
    in, so that the next test of the process reuses the database rather than copying the
    template again: a copy and a drop cost a test ~80 ms on a quiet machine and 300-900 ms
    at a load of 8-10, the check and the emptying here a tenth of that.

    The next test must not be able to tell: a book is reused only when no role was made
    for it, no transaction was left prepared, and no row of any of its catalogs (nor its
    own row in ``pg_database`` or its settings) was added, changed or removed since it was
    copied or last emptied (rows written since carry a newer ``xmin``; a removal changes
    a count): any change to the schema, a trigger, a privilege, a setting drops it
    instead. The rows of the tables an empty book holds (``pln_version``) must be the
    template's. Emptying truncates the tables rows were added to (new, empty files as in
    a fresh copy, so rows come back in the order they are written), forgets what ANALYZE
    learnt of them (plans are a fresh copy's), and sets every sequence back (a refused
    insert takes a number too); the sessions left on the book are ended first."""

    def __init__(self) -> None:
        self.check = ""
        self.expected: list[str] | None = None  # what ``check`` says of a fresh copy
        self.since: dict[str, int] = {}  # a book → the xid its catalogs date from
        self.used = ""
        self.restart = ""

    def learn(self, template_url: str) -> None:
        """Read the template (before any copy of it is made: a copy needs it unused)."""
        import psycopg

        with psycopg.connect(template_url, autocommit=True) as conn:
            catalogs = [
                t
                for (t,) in conn.execute(
                    "SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace"
                    " AND relkind = 'r' AND NOT relisshared"
                    " AND relname NOT IN ('pg_statistic', 'pg_largeobject') ORDER BY 1"
                )
            ]
            tables = [
                t
                for (t,) in conn.execute(
                    "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
                    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
                )
            ]
            held = [
                t for t in tables if conn.execute(f"SELECT EXISTS (SELECT FROM {t})").fetchone()[0]
            ]
            stats = conn.execute(
                f"SELECT count(*) FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid"
                f" WHERE {_OWN}"
            ).fetchone()[0]
            sequences = conn.execute(
                "SELECT format('%I.%I', schemaname, sequencename), start_value, last_value"
                " FROM pg_sequences ORDER BY 1"
            ).fetchall()
        if stats:  # the emptying would forget what the template knows: copy every time
            return
        new = "age(xmin) < age(%(since)s::text::xid)"
        this = "(SELECT oid FROM pg_database WHERE datname = current_database())"
        parts = [f"(SELECT count(*) FROM pg_catalog.{t})::text" for t in catalogs] + [
            f"(SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = {this})::text",
            f"(SELECT count(*) FROM pg_shdescription WHERE objoid = {this})::text",
            *(f"(SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {t} t)" for t in held),
        ]
        changed = [f"(SELECT count(*) FROM pg_catalog.{t} WHERE {new})" for t in catalogs] + [
            f"(SELECT count(*) FROM pg_database WHERE oid = {this} AND {new})",
            f"(SELECT count(*) FROM pg_db_role_setting WHERE setdatabase = {this} AND {new})",
            f"(SELECT count(*) FROM pg_shdescription WHERE objoid = {this} AND {new})",
        ]
        self.check = f"SELECT ARRAY[{', '.join(parts)}], {' + '.join(changed)}"
        self.used = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in tables if t not in held
        )
        self.restart = "SELECT " + (
            ", ".join(
                f"setval('{name}', {last}, true)"
                if last is not None
                else f"setval('{name}', {start}, false)"
                for name, start, last in sequences
            )
            or "1"
        )

    def copied(self, server: PgServer, name: str) -> None:
        """``name`` is a fresh copy of the template: what every emptied book must match."""
        if not self.check:
            return
        self.since[name] = _next_xid(server)
        if self.expected is None:
            import psycopg

            with psycopg.connect(server.url_for(name), autocommit=True) as conn:
                self.expected, _ = self._look(conn, name)

    def _look(self, conn: Any, name: str) -> tuple[list[str], int]:
        found = conn.execute(self.check, {"since": self.since[name]}).fetchone()
        return list(found[0]), int(found[1])

    def empty(self, server: PgServer, name: str) -> bool:
        """Whether ``name`` is a fresh copy's twin again (emptied here); False: drop it."""
        import psycopg

        since = self.since.pop(name, None)
        if since is None or self.expected is None:
            return False
        admin = server.admin
        admin.execute(  # not waiting: TRUNCATE waits for what their transactions hold
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        left = admin.execute(
            "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname LIKE %s)"
            " OR EXISTS (SELECT FROM pg_prepared_xacts WHERE database = %s)",
            (name + "\\_%", name),
        ).fetchone()
        if left is None or left[0]:
            return False
        try:
            with psycopg.connect(server.url_for(name), autocommit=True) as conn:
                self.since[name] = since
                if self._look(conn, name) != (self.expected, 0):
                    return False
                used = [t for (t,) in conn.execute(self.used).fetchall()] if self.used else []
                with conn.transaction():
                    # the book's triggers do not run on emptying it (nor capture it)
                    conn.execute("SET LOCAL session_replication_role = replica")
                    if used:
                        conn.execute(f"TRUNCATE {', '.join(used)} CASCADE")
                    conn.execute(
                        "DELETE FROM pg_statistic s USING pg_class c WHERE c.oid = s.starelid"
                        f" AND {_OWN}"
                    )
                    conn.execute(self.restart)
        except psycopg.Error:
            self.since.pop(name, None)
            return False
        self.since[name] = _next_xid(server)
        return True


def _next_xid(server: PgServer) -> int:
    """A transaction id newer than every one committed so far (32 bits, as ``xmin``)."""
    return int(server.admin.execute("SELECT txid_current()").fetchone()[0]) % 2**32


def available() -> bool:
    """Whether this run has a PostgreSQL server: ``PLN_TEST_PG``, or binaries to start one
    (and psycopg to talk to it)."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        return False
    return bool(os.environ.get("PLN_TEST_PG")) or server_bin() is not None


def why_not() -> str:
    if os.environ.get("PLN_TEST_PG") or server_bin() is not None:
        return "PostgreSQL tests skipped: no psycopg; pip install -e '.[test]'"
    return SKIP


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say once, at the end, why the PostgreSQL tests did not run."""
    if not available():
        terminalreporter.write_line(why_not())


_CLUSTER: list[Path] = []


def start_for_workers(config: Any) -> None:
    """Under pytest-xdist, the controller starts the one throw-away cluster its workers
    share (they inherit ``PLN_TEST_PG``), rather than one per worker; without xdist the
    ``pg_server`` fixture starts one when a test first needs it."""
    workers = getattr(config.option, "numprocesses", None)
    if hasattr(config, "workerinput") or not workers or os.environ.get("PLN_TEST_PG"):
        return
    if not available():
        return
    folder = Path(tempfile.mkdtemp(prefix="pln-pg-"))  # chowned to postgres when root
    _CLUSTER.append(folder)
    os.environ["PLN_TEST_PG"] = start_cluster(folder)


def pytest_unconfigure(config: Any) -> None:
    while _CLUSTER:
        stop_cluster(_CLUSTER.pop())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if not available():
        pytest.skip(why_not())
    given = os.environ.get("PLN_TEST_PG")
    if given:
        server = PgServer(given)
        yield server
        server.close()
        return
    folder = Path(tempfile.mkdtemp(prefix="pln-pg-"))  # chowned to postgres when root
    try:
        server = PgServer(start_cluster(folder))
        yield server
        server.close()
    finally:
        stop_cluster(folder)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database for this test (dropped after it, with its roles)."""
    name = pg_server.create_database()
    try:
        yield pg_server.url_for(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def pg_book_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a fresh database holding an empty pln book (dropped after the test)."""
    name = pg_server.create_book()
    try:
        yield pg_server.url_for(name)
    finally:
        pg_server.release_book(name)


def time_fresh_databases(url: str, runs: int = 10) -> tuple[float, float]:
    """Median milliseconds to create a test's database from the template, and to drop it."""
    server = PgServer(url)
    made, dropped = [], []
    try:
        for _ in range(runs):
            began = time.perf_counter()
            name = server.create_database()
            made.append(time.perf_counter() - began)
            began = time.perf_counter()
            server.drop_database(name)
            dropped.append(time.perf_counter() - began)
    finally:
        server.close()
    return sorted(made)[runs // 2] * 1000, sorted(dropped)[runs // 2] * 1000


def _main(argv: list[str]) -> int:
    """`start DIR` prints a superuser URL (or nothing, exit 3, without binaries); `stop DIR`;
    `time URL` prints what a fresh database costs a test."""
    if len(argv) != 2 or argv[0] not in {"start", "stop", "time"}:
        sys.stderr.write("usage: pgserver.py start|stop DIR, or pgserver.py time URL\n")
        return 2
    if argv[0] == "time":
        made, dropped = time_fresh_databases(argv[1])
        sys.stdout.write(f"fresh database: create {made:.0f} ms, drop {dropped:.0f} ms (medians)\n")
        return 0
    folder = Path(argv[1])
    if argv[0] == "stop":
        stop_cluster(folder)
        return 0
    if server_bin() is None:
        return 3
    began = time.monotonic()
    url = start_cluster(folder)
    sys.stderr.write(f"PostgreSQL test server started in {time.monotonic() - began:.1f} s\n")
    sys.stdout.write(url + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
