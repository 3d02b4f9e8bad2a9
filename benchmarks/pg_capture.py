"""What the history capture costs on a shared book (PostgreSQL), beside the same statements
with no capture, measured in the same run.

    PLN_TEST_PG=postgresql://... .venv/bin/python benchmarks/pg_capture.py --rows 2000 --csv 4000

1. Per row: EXPLAIN ANALYZE of a bulk INSERT, UPDATE and DELETE of ``--rows`` people
   and of their ``person_attr`` rows, in a change pln opened (so the capture records),
   each statement also run with the capture off (``session_replication_role = replica``,
   a superuser's setting), in a transaction rolled back. Prints the capture triggers'
   own time per row (as EXPLAIN reports it) and the statement's total with and without.
2. ``pln import`` of a ``--csv``-row CSV and the ``pln undo --yes`` that reverts it, each a
   fresh process, on a shared book and on a SQLite book (the reference), in the same run.

The database is created on the server of ``PLN_BENCH_PG`` or ``PLN_TEST_PG`` and dropped
at the end. Not part of the test suite.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import NOW, OUT, csv_file, url_for

# The pln of PYTHONPATH (this checkout's src, or an older one's, to compare).
PLN = [sys.executable, "-m", "plncli"]

T = "2026-11-23 10:00:00"


def _explain(conn, sql: str) -> tuple[float, float]:
    """The statement's total ms, and the ms of the pln_capture triggers it fired."""
    plan = "\n".join(r[0] for r in conn.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}"))
    total = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
    capture = sum(
        float(m.group(1)) for m in re.finditer(r"Trigger pln_capture_\w+[^:]*: time=([\d.]+)", plan)
    )
    return total, capture


STATEMENTS = [
    (
        "person insert",
        "INSERT INTO person (name, name_key, circle, notes, created_at, updated_at)"
        f" SELECT 'Bench ' || i, 'bench ' || i, 'network', 'it''s', '{T}', '{T}'"
        " FROM generate_series(1, {rows}) i",
    ),
    (
        "person_attr insert",
        "INSERT INTO person_attr (person_id, kind, value, key)"
        " SELECT id, 'topic', 'oracy', 'oracy' FROM person WHERE name_key LIKE 'bench %'",
    ),
    ("person update", "UPDATE person SET notes = 'x' WHERE name_key LIKE 'bench %'"),
    ("person_attr update", "UPDATE person_attr SET value = 'Oracy' WHERE key = 'oracy'"),
    ("person_attr delete", "DELETE FROM person_attr WHERE key = 'oracy'"),
    ("person delete", "DELETE FROM person WHERE name_key LIKE 'bench %'"),
]


def per_row(url: str, rows: int) -> None:
    import psycopg

    print(f"| statement ({rows:,} rows) | capture ms/row | total ms | no-capture ms | ratio |")
    print("|---|---|---|---|---|")
    with psycopg.connect(url) as conn:
        results: dict[str, list[float]] = {}
        for capture in (True, False):
            if not capture:
                conn.execute("SET session_replication_role = replica")
            change = conn.execute(
                "INSERT INTO change_log (at, command, kind, summary)"
                f" VALUES ('{T}', 'bench', 'change', '(open)') RETURNING id"
            ).fetchone()[0]
            for name, sql in STATEMENTS:
                results.setdefault(name, []).extend(_explain(conn, sql.format(rows=rows)))
            steps = conn.execute(
                "SELECT count(*) FROM undo_step WHERE change_id = %s", (change,)
            ).fetchone()[0]
            assert (steps > 0) == capture, steps
            conn.rollback()
        for name, (total, trig, bare, _) in results.items():
            print(f"| {name} | {trig / rows:.3f} | {total:.0f} | {bare:.0f} | {total / bare:.1f} |")


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[3:5])} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_utime + usage.ru_stime


def import_undo(url: str, rows: int) -> None:
    OUT.mkdir(exist_ok=True)
    csv = str(csv_file(rows))
    print(f"\n| book | import s | undo s | client CPU s (import, undo) |  ({rows:,}-row CSV)")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, db in (("SQLite", str(Path(tmp) / "pln.db")), ("PostgreSQL", url)):
            env = dict(os.environ, PLN_DB=db, PLN_NOW=NOW, NO_COLOR="1")
            if name == "SQLite":
                run([*PLN, "add", "Seed Person"], env)
            imp = run([*PLN, "import", csv, "--format", "csv"], env)
            undo = run([*PLN, "undo", "--yes"], env)
            print(f"| {name} | {imp[0]:.2f} | {undo[0]:.2f} | {imp[1]:.2f}, {undo[1]:.2f} |")


def main() -> None:
    import psycopg

    ap = argparse.ArgumentParser(description="Time the history capture on PostgreSQL.")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--csv", type=int, default=4000)
    args = ap.parse_args()
    server = os.environ.get("PLN_BENCH_PG") or os.environ.get("PLN_TEST_PG")
    if not server:
        raise SystemExit("set PLN_BENCH_PG (or PLN_TEST_PG) to a server URL")
    dbname = f"pln_capture_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {dbname}")
    try:
        url = url_for(server, dbname)
        env = dict(os.environ, PLN_NOW=NOW)
        subprocess.run([*PLN, "db", "init", url], env=env, check=True, capture_output=True)
        subprocess.run([*PLN, "--db", url, "add", "Seed Person"], env=env, check=True)
        per_row(url, args.rows)
        import_undo(url, args.csv)
        sys.stdout.flush()
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
            for role in ("read", "write"):
                admin.execute(f"DROP ROLE IF EXISTS {dbname}_{role}")


if __name__ == "__main__":
    main()
