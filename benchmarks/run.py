"""Time whole pln commands as a user runs them, beside the floor of the same machine.

    make bench                                   # 1k and 10k people
    .venv/bin/python benchmarks/run.py --sizes 10000,100000 --runs 9
    .venv/bin/python benchmarks/run.py --sizes 10000 --shape dense --only introduce,intro

Each command runs in a fresh process, several times, in shuffled interleaved
rounds after one warm-up; the table gives the median, the spread (min-max),
peak memory (max RSS of the process), the ratio to the floor and the target.
Every command runs twice a round: with its output going nowhere (stdout to
/dev/null, stderr to a pipe: what a script sees), and on a pseudo-terminal of
120x40 with TERM=xterm-256color and no NO_COLOR (what a person sees: tables
drawn in colour, the output read to the end; PLN_PAGER=cat, so no pager waits
for a reader); the terminal columns give the
median there and its ratio to the floor run on a terminal in the same rounds,
and the same of the CPU time there (on a shared machine the CPU columns say
what a command costs; the wall times also say how long it waited for a core).
A target is met ("ok") only if it is met both ways. ``--no-terminal`` skips
the terminal runs.
The floor is the interpreter itself opening the same database and running one
query: ``python -I -S -c "import sqlite3; ..."``. Beside it, where `pln list` is timed,
a row with no target ("bound"): the least any program can do to show `pln list`, its
statement run and the very bytes pln writes written (``BOUND``). Books are generated once by
``generate.py`` into ``benchmarks/out/`` and copied before each size, so the
write commands never change the cached book. Not part of the test suite.

``--engine postgresql`` (``make bench ENGINE=postgresql``) times the read commands
(``due``, ``list``, ``show``, ``find``) on a shared book, ``--db URL``, on the same
machine: the server of ``PLN_BENCH_PG`` (or ``PLN_TEST_PG``; a URL whose role may create
databases), else a throw-away cluster started with ``tests/pgserver.py``. A database is
created, prepared by ``pln db init`` and loaded with the generated SQLite book, table by
table (see ``load_pg``). The floor is then the interpreter connecting with psycopg and
running one query: ``python -I -S -c "import psycopg; ..."`` (psycopg's folder put on
``sys.path`` by hand, as ``-S`` leaves site-packages out).
"""

import argparse
import fcntl
import os
import pty
import random
import re
import select
import shutil
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
PY = sys.executable
PLN = str(Path(PY).with_name("pln"))
NOW = "2026-11-23T10:00:00+00:00"
IMPORT_DB = OUT / "import-target.db"
RESOURCE = "Bench resource"
EXPORT_FILE = OUT / "x.json"
GRAPH_FILE = OUT / "network.html"

FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT id, name, last_contact_at FROM person WHERE archived_at IS NULL"
    " ORDER BY last_contact_at LIMIT 20').fetchall()"
)

# The least any program can do to show `pln list` of the whole book: run its statement (as
# ``store.views.people_table`` does, sorted by name) and write the very bytes pln writes
# (captured once beforehand: ``list_output``), with no layout, no dates put in words and
# none of pln's start-up. No target: a reference that tells how much of `pln list` the
# size of its output takes, on a terminal above all.
LIST_STATEMENT = (
    "SELECT CAST(p.id AS TEXT), p.name, coalesce(p.org, ''), p.circle,"
    " coalesce(t.topics, ''), date(p.last_contact_at, 'localtime')"
    " FROM person p INDEXED BY ix_person_list LEFT JOIN person_topics t ON t.person_id = p.id"
    " WHERE p.archived_at IS NULL ORDER BY p.name_key, p.id"
)
BOUND = (
    "import os, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    f" c.execute({LIST_STATEMENT!r}).fetchall();"
    " f = open(sys.argv[3 if os.isatty(1) else 2], 'rb'); sys.stdout.buffer.write(f.read())"
)
BOUND_NAME = "bound: list's statement + its output, written"

# name -> (argv, target kind, target value); ratio targets are multiples of the floor
READ = {
    "due": ["due"],
    "due --json": ["due", "--json"],
    "list": ["list"],
    "show PERSON": ["show", "{person}"],
    "find WORD": ["find", "retrieval"],
}


FLOOR_PG = (
    "import sys; sys.path.append(sys.argv[2]); import psycopg;"
    " c = psycopg.connect(sys.argv[1]); c.execute('SELECT count(*) FROM person').fetchone()"
)


def commands(size: int, person: str, csv: Path) -> list[tuple[str, list[str], str, float]]:
    read_ratio = 3.0 if size <= 10_000 else 4.0
    rows: list[tuple[str, list[str], str, float]] = [
        ("pln --help", ["--help"], "x", 5.0),
        ("pln --version", ["--version"], "x", 5.0),
    ]
    rows += [
        (f"pln {k}", [a.format(person=person) for a in v], "x", read_ratio) for k, v in READ.items()
    ]
    rows += [
        (
            "pln add",
            ["add", "Bench Person", "--allow-duplicate", "--topic", "assessment"],
            "x",
            8.0,
        ),
        ("pln log", ["log", person, "-m", "bench", "--kind", "call"], "x", 8.0),
        # who a resource on the book's two commonest topics would help (add_resources)
        ("pln share RESOURCE", ["share", RESOURCE], "x", read_ratio),
        ("pln remind", ["remind", person, "tomorrow", "-m", "bench"], "x", 8.0),
        (
            "pln introduce --limit 20",
            ["introduce", "--limit", "20"],
            "s",
            0.5 if size <= 10_000 else 5.0,
        ),
        ("pln stats", ["stats"], "s", 1.0),  # issue 15: at most 1 s at 10,000 people
        ("pln stats --json", ["stats", "--json"], "s", 1.0),
        ("pln introduce --for PERSON", ["introduce", "--for", person], "x", 5.0),
        (
            "pln introduce A B --draft",
            ["introduce", person, f"#{int(person[1:]) + 1}", "--draft"],
            "x",
            3.0,
        ),
        # one pair each: every run takes a fresh pair of people ({a}, {b}), set up untimed
        ("pln introduce A B (record)", ["introduce", "{a}", "{b}"], "x", 3.0),
        ("pln introduce A B --dismiss", ["introduce", "{a}", "{b}", "--dismiss"], "x", 3.0),
        ("pln intro asked A B", ["intro", "asked", "{a}", "{b}"], "x", 3.0),
        ("pln intro made A B", ["intro", "made", "{a}", "{b}"], "x", 3.0),
        ("pln intro declined A B", ["intro", "declined", "{a}", "{b}"], "x", 3.0),
        ("pln intro outcome A B", ["intro", "outcome", "{a}", "{b}", "connected"], "x", 3.0),
        (
            "pln import 10k CSV (into an empty book)",
            ["--db", str(IMPORT_DB), "import", str(csv), "--format", "csv"],
            "s",
            2.0,
        ),
        (
            "pln export --format json",
            ["export", "--format", "json", "-o", str(EXPORT_FILE)],
            "s",
            2.0,
        ),
        # the bounded picture (the 150 most active, 10 suggested introductions), and everyone
        ("pln graph -o network.html", ["graph", "-o", str(GRAPH_FILE)], "s", 2.0),
        ("pln graph --all -o network.html", ["graph", "--all", "-o", str(GRAPH_FILE)], "s", 4.0),
    ]
    return rows


# what a pair command needs done first (untimed), on the same pair
SETUP = {
    "pln intro made A B": [["intro", "asked", "{a}", "{b}"]],
    "pln intro declined A B": [["introduce", "{a}", "{b}"]],
    "pln intro outcome A B": [["introduce", "{a}", "{b}"], ["intro", "made", "{a}", "{b}"]],
}


class Pairs:
    """Fresh pairs of people no one has introduced: ids half the book apart (the generated
    ties are between people at most 200 ids apart), never the benchmark's PERSON."""

    def __init__(self, db: Path, skip: int) -> None:
        conn = sqlite3.connect(db)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM person WHERE circle != 'following' AND archived_at IS NULL"
                " AND id > ? ORDER BY id",
                (skip + 1,),
            )
        ]
        conn.close()
        half = len(ids) // 2
        self.pairs = iter(zip(ids[:half], ids[half:], strict=False))

    def fill(self, name: str, argv: list[str], env: dict[str, str]) -> list[str]:
        if "{a}" not in argv:
            return argv
        a, b = (f"#{i}" for i in next(self.pairs))
        for step in SETUP.get(name, []):
            args = [a if x == "{a}" else b if x == "{b}" else x for x in step]
            subprocess.run([PLN, *args], env=env, capture_output=True, check=True)
        return [a if x == "{a}" else b if x == "{b}" else x for x in argv]


def env_for(db: Path) -> dict[str, str]:
    # as a user's shell runs pln: compiled modules are kept, and output is buffered (a
    # session that sets PYTHONUNBUFFERED makes every write of a long table a system call)
    unlike_a_user = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}
    env = {k: v for k, v in os.environ.items() if k not in unlike_a_user}
    env.update(PLN_DB=str(db), PLN_NOW=NOW, COLUMNS="120", NO_COLOR="1")
    return env


def fresh_start(argv: list[str]) -> None:
    """Every import starts from the same empty book, and every export writes a new file
    (pln refuses to replace one without --force, so a second run would fail)."""
    if "import" in argv:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{IMPORT_DB}{suffix}").unlink(missing_ok=True)
    if "export" in argv:
        EXPORT_FILE.unlink(missing_ok=True)
    if "graph" in argv:
        GRAPH_FILE.unlink(missing_ok=True)


ERRORS: dict[str, str] = {}  # the first error line of a command that failed


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, float]:
    """Wall seconds, peak RSS in MB, exit code and CPU seconds (user + system) of one
    fresh process. On a shared machine the CPU time says what the command costs; the
    wall time also says how long it waited for a core or the disk."""
    fresh_start(argv)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        ERRORS.setdefault(" ".join(argv[1:3]), err.strip().splitlines()[0] if err.strip() else "")
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, usage.ru_utime + usage.ru_stime


TERMINAL = (40, 120)  # rows, columns of the pseudo-terminal
TERMINAL_TIMEOUT = 120.0  # seconds: a command that waits for input is killed, not waited for
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def terminal_env(env: dict[str, str]) -> dict[str, str]:
    """A person's terminal: colour on, its size from the terminal itself; no pager
    (PLN_PAGER=cat, as with --no-pager: a pager would wait for a person to read)."""
    env = {k: v for k, v in env.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env["TERM"] = "xterm-256color"
    env["PLN_PAGER"] = "cat"
    return env


def timed_on_terminal(
    argv: list[str], env: dict[str, str], keep: bytearray | None = None
) -> tuple[float, float, int, float]:
    """As ``timed``, with stdin, stdout and stderr a pseudo-terminal whose output is read to
    the end (a terminal that is not read stalls the writer once its buffer is full); the
    output is added to ``keep`` if given."""
    fresh_start(argv)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: size the terminal, then become the command
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", *TERMINAL, 0, 0))
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    out = bytearray()
    deadline = start + TERMINAL_TIMEOUT
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every end of the terminal in the child is closed
            break
        if not chunk:
            break
        out += chunk
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(fd)
    if keep is not None:
        keep += out
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        text = ANSI.sub("", out.decode(errors="replace")).strip().splitlines()
        ERRORS.setdefault(" ".join(argv[1:3]) + " (terminal)", text[0] if text else "")
    return elapsed, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime


def supported(args: list[str], env: dict[str, str]) -> bool:
    if args[0] in ("--help", "--version"):
        return True
    words = [a for a in args if not a.startswith("-") and "/" not in a]
    words = words[:2] if words[0] == "intro" else words[:1]
    r = subprocess.run([PLN, *words, "--help"], env=env, capture_output=True, check=False)
    return r.returncode == 0


SHAPE = "default"  # or "dense" (--shape): see generate.py
ONLY: list[str] = []  # --only: run just the commands whose name holds one of these words
ON_TERMINAL = True  # --no-terminal: only the runs without a terminal


def book(size: int) -> Path:
    path = OUT / (f"{size}.db" if SHAPE == "default" else f"{size}-{SHAPE}.db")
    if not path.exists():
        subprocess.run(
            [PY, str(HERE / "generate.py"), "--people", str(size), "--out", str(path)]
            + ["--shape", SHAPE],
            check=True,
        )
    return path


def csv_file(rows: int) -> Path:
    path = OUT / f"import-{rows}.csv"
    if not path.exists():
        lines = ["name,email,org,topics"] + [
            f"Imported Person {i},imp{i}@example.net,School {i % 300},assessment;oracy"
            for i in range(rows)
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def add_resources(work: Path, person: str, env: dict[str, str]) -> None:
    """Untimed: resources on the book's two commonest topics (the most people to rank for
    `pln share`), one shared with PERSON, and a group reading due tomorrow (`pln due`
    reads it), so that the commands run with resources present."""
    conn = sqlite3.connect(work)
    common = [
        r[0]
        for r in conn.execute(
            "SELECT value FROM person_attr WHERE kind = 'topic'"
            " GROUP BY key ORDER BY count(*) DESC, key LIMIT 2"
        )
    ]
    conn.close()
    topics = [a for t in common for a in ("--topic", t)]
    steps = [
        ["resource", "add", RESOURCE, "--kind", "article", *topics],
        *(["resource", "add", f"Bench resource {n}", *topics[:2]] for n in range(11)),
        ["share", RESOURCE, "--with", person],
        ["group", "add", "Bench club", person],
        ["group", "read", "Bench club", RESOURCE, "--by", "tomorrow"],
    ]
    for step in steps:
        subprocess.run([PLN, *step], env=env, capture_output=True, check=True)


def measure(size: int, runs: int) -> list[tuple[str, ...]]:
    work = OUT / f"work-{size}-{SHAPE}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    src = sqlite3.connect(book(size))
    dst = sqlite3.connect(work)
    src.backup(dst)
    src.close()
    dst.close()
    env = env_for(work)
    conn = sqlite3.connect(work)
    person = "#" + str(
        conn.execute(
            "SELECT id FROM person WHERE circle != 'following' ORDER BY id LIMIT 1 OFFSET 41"
        ).fetchone()[0]
    )
    conn.close()
    add_resources(work, person, env)
    todo = [c for c in commands(size, person, csv_file(10_000)) if supported(c[1], env)]
    if ONLY:
        todo = [c for c in todo if any(w in c[0] for w in ONLY)]
    skipped = [
        c[0]
        for c in commands(size, person, csv_file(10_000))
        if c not in todo and (not ONLY or any(w in c[0] for w in ONLY))
    ]
    jobs = {"floor": [PY, "-I", "-S", "-c", FLOOR, str(work)]}
    if any(c[1] == ["list"] for c in todo):
        jobs[BOUND_NAME] = [PY, "-I", "-S", "-c", BOUND, str(work), *list_output(env)]
    jobs.update({name: [PLN, *argv] for name, argv, _, _ in todo})
    samples: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in jobs}
    on_tty: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in jobs}
    tty_env = terminal_env(env)
    pairs = Pairs(work, int(person[1:]))
    for name, argv in jobs.items():
        timed(pairs.fill(name, argv, env), env)  # warm-up: caches and bytecode
        if ON_TERMINAL:
            timed_on_terminal(pairs.fill(name, argv, env), tty_env)
    for _ in range(runs):
        order = list(jobs.items())
        random.shuffle(order)
        for name, argv in order:
            samples[name].append(timed(pairs.fill(name, argv, env), env))
            if ON_TERMINAL:
                on_tty[name].append(timed_on_terminal(pairs.fill(name, argv, env), tty_env))
    return report(size, samples, todo, skipped, on_tty)


def list_output(env: dict[str, str]) -> list[str]:
    """What `pln list` writes to a pipe and to the terminal, each in a file for ``BOUND``
    (the terminal's line ends back to the "\\n" pln wrote, before the terminal added "\\r")."""
    piped = subprocess.run([PLN, "list"], env=env, capture_output=True, check=True).stdout
    drawn = bytearray()
    timed_on_terminal([PLN, "list"], terminal_env(env), keep=drawn)
    files = [OUT / "list-pipe.out", OUT / "list-terminal.out"]
    files[0].write_bytes(piped)
    files[1].write_bytes(bytes(drawn).replace(b"\r\n", b"\n"))
    return [str(f) for f in files]


def report(  # type: ignore[no-untyped-def]
    size, samples, todo, skipped, on_tty=None, floor_name="python -I -S + sqlite3 + 1 query"
):
    floor = statistics.median(s[0] for s in samples["floor"])
    tty = on_tty if on_tty and on_tty["floor"] else None
    tty_floor = statistics.median(s[0] for s in tty["floor"]) if tty else 0.0

    def terminal(name: str) -> tuple[str, str, str, str]:
        """Median wall ms and its ratio to the terminal's floor; the same of the CPU."""
        if not tty:
            return ("", "", "", "")
        med = statistics.median(x[0] for x in tty[name])
        cpu = statistics.median(x[3] for x in tty[name])
        floor_cpu = statistics.median(x[3] for x in tty["floor"])
        return (
            f"{med * 1000:.1f}",
            f"{med / tty_floor:.1f}",
            f"{cpu * 1000:.0f}",
            f"{cpu / floor_cpu:.1f}" if floor_cpu else "",
        )

    floor_cpu = statistics.median(s[3] for s in samples["floor"])
    rows = [
        (
            f"floor ({floor_name})",
            f"{floor * 1000:.1f}",
            _spread(samples["floor"]),
            _mem(samples["floor"]),
            "1.0",
            *terminal("floor")[:2],
            f"{floor_cpu * 1000:.0f}",
            "1.0",
            *terminal("floor")[2:],
            "",
            "",
        )
    ]
    if BOUND_NAME in samples:  # a reference: no target
        s = samples[BOUND_NAME]
        med, cpu = (statistics.median(x[i] for x in s) for i in (0, 3))
        rows.append(
            (
                BOUND_NAME,
                f"{med * 1000:.1f}",
                _spread(s),
                _mem(s),
                f"{med / floor:.1f}",
                *terminal(BOUND_NAME)[:2],
                f"{cpu * 1000:.0f}",
                f"{cpu / floor_cpu:.1f}" if floor_cpu else "",
                *terminal(BOUND_NAME)[2:],
                "",
                "",
            )
        )
    for name, _, kind, target in todo:
        s = samples[name]
        med = statistics.median(x[0] for x in s)
        cpu = statistics.median(x[3] for x in s)
        ratio = med / floor
        t_ms, t_ratio, t_cpu, t_cpu_ratio = terminal(name)
        t_med = float(t_ms) / 1000 if t_ms else 0.0
        if kind == "x":
            ok, goal = ratio <= target and (not tty or float(t_ratio) <= target), f"<= {target:g}x"
        else:
            ok, goal = med <= target and t_med <= target, f"<= {target:g} s"
        failed = any(x[2] != 0 for x in s + (tty[name] if tty else []))
        rows.append(
            (
                name,
                f"{med * 1000:.1f}",
                _spread(s),
                _mem(s),
                f"{ratio:.1f}",
                t_ms,
                t_ratio,
                f"{cpu * 1000:.0f}",
                f"{cpu / floor_cpu:.1f}" if floor_cpu else "",
                t_cpu,
                t_cpu_ratio,
                goal,
                "EXIT!=0" if failed else ("ok" if ok else "MISS"),
            )
        )
    rows += [(name, "not built yet", *[""] * 11) for name in skipped]
    return rows


# PostgreSQL (--engine postgresql)

SKIP_TABLES = ("sqlite_", "person_fts")  # SQLite's own, and its search index (rebuilt)


def pg_server(folder: Path) -> tuple[str, bool]:
    """A server URL, and whether this run started it (in ``folder``)."""
    given = os.environ.get("PLN_BENCH_PG") or os.environ.get("PLN_TEST_PG")
    if given:
        return given, False
    started = subprocess.run(
        [PY, str(ROOT / "tests" / "pgserver.py"), "start", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return started.stdout.strip(), True


def url_for(server: str, dbname: str) -> str:
    """The server's URL with another database (the keyword form pgserver.py writes)."""
    from psycopg.conninfo import conninfo_to_dict

    params = {**conninfo_to_dict(server), "dbname": dbname}
    return "postgresql://?" + "&".join(f"{k}={v}" for k, v in params.items() if v)


def load_order(src: sqlite3.Connection) -> list[str]:
    """The book's tables, every table after the tables its foreign keys name."""
    tables = [
        r[0]
        for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if not r[0].startswith(SKIP_TABLES)
    ]
    needs = {
        t: {r[2] for r in src.execute(f'PRAGMA foreign_key_list("{t}")')} - {t} for t in tables
    }
    order: list[str] = []
    while len(order) < len(tables):
        ready = [t for t in tables if t not in order and needs[t] <= set(order)]
        if not ready:
            raise SystemExit(f"foreign keys go round: {sorted(set(tables) - set(order))}")
        order += ready
    return order


def load_pg(book_path: Path, url: str) -> dict[str, int]:
    """Copy the generated SQLite book into the prepared shared book at ``url``, rows as
    stored (ids kept), with COPY, in one transaction; then move each ``id`` sequence past
    the rows, rebuild ``person_search`` and ANALYZE. No change is open in the transaction,
    so the capture triggers record nothing (``pln_capture`` only records for a
    ``change_log`` row this transaction opened with the summary ``(open)``): the history
    copied is the generated book's own. Each row keeps its SQLite ``rowid`` (on a table
    with an ``id`` it is the id, as the ``pln_rowid`` trigger makes it). As a superuser,
    the load runs with ``session_replication_role = replica``: no trigger fires (the
    capture function's one query per row made a 10k book take three minutes) and the
    foreign keys are not checked again (the rows come from a consistent book); so
    ``person_topics`` is made again from the topics after it, as the search rows are, and
    ``key_count`` from the people and their attributes.
    Returns the rows copied per table."""
    import psycopg

    from plncli.migrations import OPEN
    from plncli.store.pg import PgConn
    from plncli.store.pg.search import rebuild_search
    from plncli.store.pg.schema import KEY_COUNT_REFILL, TOPICS_FILL

    src = sqlite3.connect(book_path)
    if src.execute("SELECT count(*) FROM change_log WHERE summary = ?", (OPEN,)).fetchone()[0]:
        raise SystemExit(f"{book_path} has an open change: its copy would be recorded")
    copied: dict[str, int] = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET CONSTRAINTS ALL DEFERRED")  # a person's introducer, say
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if (superuser.fetchone() or (False,))[0]:
            conn.execute("SET LOCAL session_replication_role = replica")
        for table in load_order(src):
            theirs = {
                r[0]
                for r in conn.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass"
                    " AND attnum > 0 AND NOT attisdropped",
                    (table,),
                )
            }
            cols = [
                r[1]
                for r in src.execute(f'PRAGMA table_info("{table}")')
                if r[1] in theirs and r[1] != "rowid"
            ]
            names = ", ".join(f'"{c}"' for c in cols)
            rowid = ["rowid"] if "rowid" in theirs else []
            into = ", ".join([f'"{c}"' for c in cols] + rowid)
            n = 0
            with conn.cursor().copy(f"COPY {table} ({into}) FROM STDIN") as copy:
                for row in src.execute(
                    f'SELECT {", ".join([names, *rowid])} FROM "{table}" ORDER BY rowid'
                ):
                    copy.write_row(row)
                    n += 1
            copied[table] = n
            for serial in ("id", "rowid"):
                if serial in theirs:  # NULL when the column takes no default from a sequence
                    conn.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', '{serial}'),"
                        f" coalesce(max({serial}), 1), max({serial}) IS NOT NULL) FROM {table}"
                        f" HAVING pg_get_serial_sequence('{table}', '{serial}') IS NOT NULL"
                    )
        conn.execute("ANALYZE")  # else the search rows' subqueries scan whole tables: minutes
        rebuild_search(PgConn(conn))
        for statement in TOPICS_FILL:  # `pln list`'s topics: no trigger ran on the copy
            conn.execute(statement)
        for statement in KEY_COUNT_REFILL:  # `pln introduce --for`'s counts: the same
            conn.execute(statement)
        conn.commit()
        steps = src.execute("SELECT count(*) FROM undo_step").fetchone()[0]
        found = conn.execute("SELECT count(*) FROM undo_step").fetchone()[0]
        if found != steps:
            raise SystemExit(f"the load was recorded: {found} undo steps, not {steps}")
    src.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return copied


def measure_pg(size: int, runs: int, server: str) -> list[tuple[str, ...]]:
    import psycopg

    dbname = f"pln_bench_{size}_{SHAPE}_{os.getpid()}"  # a shared server: one per run
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        for role in ("read", "write"):
            admin.execute(f"DROP ROLE IF EXISTS {dbname}_{role}")
        admin.execute(f"CREATE DATABASE {dbname}")
    url = url_for(server, dbname)
    env = env_for(OUT / "none.db")
    env["PLN_DB"] = url
    subprocess.run([PLN, "db", "init", url], env=env, check=True, capture_output=True)
    began = time.perf_counter()
    copied = load_pg(book(size), url)
    took = time.perf_counter() - began
    sys.stderr.write(f"loaded {sum(copied.values()):,} rows into {dbname} in {took:.1f} s\n")
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT id FROM person WHERE circle != 'following' ORDER BY id LIMIT 1 OFFSET 41"
        ).fetchone()
        assert row is not None
        person = f"#{row[0]}"
    todo = [
        (f"pln {k}", ["--db", url, *(a.format(person=person) for a in v)], "x", 3.0)
        for k, v in READ.items()
    ]
    if ONLY:
        todo = [c for c in todo if any(w in c[0] for w in ONLY)]
    where = str(Path(psycopg.__file__).parent.parent)
    jobs = {"floor": [PY, "-I", "-S", "-c", FLOOR_PG, url, where]}
    jobs.update({name: [PLN, *argv] for name, argv, _, _ in todo})
    samples: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in jobs}
    on_tty: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in jobs}
    tty_env = terminal_env(env)
    for argv in jobs.values():
        timed(argv, env)  # warm-up: caches and bytecode
        if ON_TERMINAL:
            timed_on_terminal(argv, tty_env)
    for _ in range(runs):
        order = list(jobs.items())
        random.shuffle(order)
        for name, argv in order:
            samples[name].append(timed(argv, env))
            if ON_TERMINAL:
                on_tty[name].append(timed_on_terminal(argv, tty_env))
    rows = report(size, samples, todo, [], on_tty, "python -I -S + psycopg connect + 1 query")
    for key in [k for k in ERRORS if url in k]:  # "pln --db URL", not the whole URL
        ERRORS[key.replace(url, "URL")] = ERRORS.pop(key)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        for role in ("read", "write"):
            admin.execute(f"DROP ROLE IF EXISTS {dbname}_{role}")
    return rows


def _spread(s) -> str:  # type: ignore[no-untyped-def]
    times = [x[0] * 1000 for x in s]
    return f"{min(times):.0f}-{max(times):.0f}"


def _mem(s) -> str:  # type: ignore[no-untyped-def]
    return f"{max(x[1] for x in s):.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description="Time pln commands beside the floor.")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--shape", choices=("default", "dense"), default="default")
    ap.add_argument("--only", default="", help="comma-separated words: only matching commands")
    ap.add_argument("--no-terminal", action="store_true", help="skip the runs on a pseudo-terminal")
    ap.add_argument(
        "--engine",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: the reads on a shared book (PLN_BENCH_PG, or a throw-away server)",
    )
    args = ap.parse_args()
    global SHAPE, ON_TERMINAL
    SHAPE = args.shape
    ON_TERMINAL = not args.no_terminal
    ONLY[:] = [w for w in args.only.split(",") if w]
    OUT.mkdir(exist_ok=True)
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "src")], check=True, env=env_for(OUT / "none.db")
    )
    head = (
        "command",
        "median ms",
        "min-max ms",
        "peak MB",
        "x floor",
        "terminal ms",
        "terminal x floor",
        "cpu ms",
        "cpu x floor",
        "terminal cpu ms",
        "terminal cpu x floor",
        "target",
        "",
    )
    if args.engine == "postgresql":
        main_pg(args, head)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        rows = measure(size, args.runs)
        print(
            f"\n### {size:,} people ({args.runs} runs each, {os.cpu_count()} cores, "
            f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version})\n"
        )
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        for command, error in ERRORS.items():
            print(f"\nfailed: pln {command}: {error}")
        ERRORS.clear()
    shutil.rmtree(OUT / "none.db", ignore_errors=True)


def main_pg(args: argparse.Namespace, head: tuple[str, ...]) -> None:
    import tempfile

    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="pln-bench-pg-"))
    server, started = pg_server(folder)
    try:
        with psycopg.connect(server) as conn:
            version = conn.execute("SHOW server_version").fetchone()
        for size in (int(s) for s in args.sizes.split(",")):
            rows = measure_pg(size, args.runs, server)
            print(
                f"\n### {size:,} people on PostgreSQL {version[0] if version else '?'}"
                f" ({'a throw-away cluster' if started else 'PLN_BENCH_PG'}, same machine;"
                f" {args.runs} runs each, {os.cpu_count()} cores,"
                f" Python {sys.version.split()[0]}, psycopg {psycopg.__version__})\n"
            )
            print("| " + " | ".join(head) + " |")
            print("|" + "---|" * len(head))
            for row in rows:
                print("| " + " | ".join(row) + " |")
            for command, error in ERRORS.items():
                print(f"\nfailed: pln {command}: {error}")
            ERRORS.clear()
    finally:
        if started:
            subprocess.run(
                [PY, str(ROOT / "tests" / "pgserver.py"), "stop", str(folder)], check=False
            )
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
