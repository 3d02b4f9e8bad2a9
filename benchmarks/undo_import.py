"""Time `pln import` of a CSV and the `pln undo` that reverts it, as a user runs them.

    .venv/bin/python benchmarks/undo_import.py                  # 4,000 and 20,000 rows
    .venv/bin/python benchmarks/undo_import.py --rows 4000 --people 10000 --runs 3

Each run copies a generated book (``generate.py``, cached in ``benchmarks/out/``), imports
a CSV of new people into it (the generator of ``run.py``) and undoes the import, each in
a fresh process; the target is an undo no slower than the import it reverts. Not part of
the test suite.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from run import NOW, OUT, PLN, book, csv_file


def timed(db: Path, *args: str) -> float:
    env = dict(os.environ, PLN_DB=str(db), PLN_NOW=NOW, NO_COLOR="1")
    start = time.perf_counter()
    subprocess.run(
        [PLN, *args], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def measure(people: int, rows: int, runs: int) -> tuple[float, float]:
    work = OUT / "undo-work.db"
    imports, undos = [], []
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copy(book(people), work)
        timed(work, "db", "status")  # schema upgrades happen here, not in the timings
        imports.append(timed(work, "import", str(csv_file(rows)), "--format", "csv"))
        undos.append(timed(work, "undo", "--yes"))
    return statistics.median(imports), statistics.median(undos)


def main() -> None:
    ap = argparse.ArgumentParser(description="Time an import and the undo that reverts it.")
    ap.add_argument("--rows", default="4000,20000")
    ap.add_argument("--people", type=int, default=10_000, help="size of the book imported into")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"| rows | import s | undo s | undo / import |  ({args.people:,}-person book)")
    print("|---|---|---|---|")
    for rows in (int(r) for r in args.rows.split(",")):
        imp, undo = measure(args.people, rows, args.runs)
        print(f"| {rows:,} | {imp:.2f} | {undo:.2f} | {undo / imp:.2f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
