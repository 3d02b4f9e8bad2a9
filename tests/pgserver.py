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
`pln db init` prepared once per process (~100 ms a test, against seconds for the init).

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
        """A fresh database holding an empty pln book: a copy of one that `pln db init`
        prepared once per test process (its schema and capture triggers; the members'
        roles are the template's, ``pln_test_book_<pid>_read``/``_write``)."""
        if not self._book_ready:
            from plncli.store.pg import prepare

            self.admin.execute(f"DROP DATABASE IF EXISTS {BOOK_TEMPLATE} WITH (FORCE)")
            self.admin.execute(f"CREATE DATABASE {BOOK_TEMPLATE} TEMPLATE {TEMPLATE}")
            prepare.init(self.url_for(BOOK_TEMPLATE))
            self._book_ready = True
        return self.create_database(BOOK_TEMPLATE)

    def drop_database(self, name: str) -> None:
        self.admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        roles = self.admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (name + "\\_%",)
        ).fetchall()
        for (role,) in roles:
            self.admin.execute(f'DROP ROLE IF EXISTS "{role}"')

    def close(self) -> None:
        if self._book_ready:
            self.drop_database(BOOK_TEMPLATE)
        self.admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
        self.admin.close()


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
        pg_server.drop_database(name)


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
