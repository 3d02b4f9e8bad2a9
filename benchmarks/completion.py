"""Time shell completion (one Tab) on a generated book, beside the floor of the same machine.

    .venv/bin/python benchmarks/completion.py                       # 10,000 people, SQLite
    .venv/bin/python benchmarks/completion.py --engine postgresql   # and on a shared book

A Tab runs ``_PLN_COMPLETE=bash pln CURRENT LINE`` in a fresh process, as the script of
`pln completion bash` does; each case runs several times in shuffled rounds after one
warm-up (``run.timed``: wall time, CPU time, peak memory). The floor is ``run.py``'s: the
interpreter opening the same database and running one query (for PostgreSQL: connecting
with psycopg and running one), and `pln --version` is shown for scale. The target is
100 ms a Tab. On a shared book a Tab completes no names (complete.py, ``_open``): that
floor alone, mostly psycopg's import, measured ~220 ms of CPU on this machine, so the
PostgreSQL rows show what a Tab costs there without it. Books come from ``generate.py``
(``benchmarks/out/``), as for ``run.py``. Not part of the test suite.
"""

import argparse
import os
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (benchmarks/run.py: books, timing, the PostgreSQL loader)

# name -> the line typed so far (the word bash replaces is its last word)
CASES = {
    "show <Tab> (every person)": "pln show ",
    "show an<Tab>": "pln show an",
    "knows Ana x<Tab> (2nd PERSON)": "pln knows Ana b",
    "list --met-at <Tab>": "pln list --met-at ",
    "log --kind <Tab> (scans kinds)": "pln log x --kind ",
    "log --group <Tab>": "pln log --group ",
    "export --format <Tab>": "pln export --format ",
    "re<Tab> (commands)": "pln re",
}


def measure(db: str, floor: list[str], runs: int, env: dict[str, str]) -> None:
    env = {**env, "_PLN_COMPLETE": "bash"}
    jobs = {"floor": floor, "pln --version": [run.PLN, "--version"]}
    for name, line in CASES.items():
        jobs[name] = [run.PLN, line.split(" ")[-1], line.replace("pln ", f"pln --db {db} ", 1)]
    plain_env = {k: v for k, v in env.items() if k != "_PLN_COMPLETE"}
    samples: dict[str, list[tuple[float, float, int, float]]] = {k: [] for k in jobs}
    for name, argv in jobs.items():
        run.timed(argv, plain_env if name in ("floor", "pln --version") else env)  # warm-up
    for _ in range(runs):
        order = list(jobs.items())
        random.shuffle(order)
        for name, argv in order:
            samples[name].append(
                run.timed(argv, plain_env if name in ("floor", "pln --version") else env)
            )
    floor_wall = statistics.median(s[0] for s in samples["floor"])
    floor_cpu = statistics.median(s[3] for s in samples["floor"])
    print(f"{'case':34} {'wall ms':>8} {'x floor':>8} {'cpu ms':>7} {'x floor':>8} {'MB':>5}")
    for name, got in samples.items():
        wall = statistics.median(s[0] for s in got)
        cpu = statistics.median(s[3] for s in got)
        mem = max(s[1] for s in got)
        bad = "" if all(s[2] == 0 for s in got) else "  (failed)"
        print(
            f"{name:34} {wall * 1000:8.1f} {wall / floor_wall:8.1f} {cpu * 1000:7.1f}"
            f" {cpu / floor_cpu:8.1f} {mem:5.0f}{bad}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    args = ap.parse_args()
    run.OUT.mkdir(exist_ok=True)
    path = run.book(args.people)
    env = run.env_for(path)
    print(f"{args.people:,} people, SQLite ({path.name})")
    measure(str(path), [run.PY, "-I", "-S", "-c", run.FLOOR, str(path)], args.runs, env)
    if args.engine == "postgresql":
        url = shared_book(args.people, path)
        where = str(Path(__import__("psycopg").__file__).parent.parent)
        print(f"\n{args.people:,} people, a shared book on PostgreSQL (same machine)")
        measure(url, [run.PY, "-I", "-S", "-c", run.FLOOR_PG, url, where], args.runs, env)


def shared_book(size: int, path: Path) -> str:
    """The generated book loaded into a fresh database on the server (as run.py does)."""
    import subprocess

    import psycopg

    server, _ = run.pg_server(run.OUT / "pg")
    dbname = f"pln_bench_complete_{size}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")
        for role in ("read", "write"):
            admin.execute(f"DROP ROLE IF EXISTS {dbname}_{role}")
        admin.execute(f"CREATE DATABASE {dbname}")
    url = run.url_for(server, dbname)
    env = run.env_for(run.OUT / "none.db")
    subprocess.run([run.PLN, "db", "init", url], env=env, check=True, capture_output=True)
    run.load_pg(path, url)
    return url


if __name__ == "__main__":
    main()
