"""How soon `pln graph`'s page is ready to explore in headless Chromium.

    .venv/bin/python benchmarks/graph_browser.py benchmarks/out/10000.db [--runs 5] [--all]

Writes the page of the book (the default bounded picture, or ``--all``) and opens it in
headless Chromium, a fresh profile each run. The page writes on ``<html>`` when its layout
is done (``data-ready-ms``: milliseconds since navigation began, the page's own clock) and
how long its script took from its first line (``data-layout-ms``); the table gives their
median and spread, beside the wall time of the whole browser process. Not part of the test
suite; Chromium as Debian packages it (``apt-get install chromium``).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLN = str(Path(sys.executable).with_name("pln"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("book")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--all", action="store_true")
    args = ap.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "network.html"
        env = {**os.environ, "PLN_DB": args.book}
        start = time.perf_counter()
        argv = [PLN, "graph", "-o", str(page)] + (["--all"] if args.all else [])
        subprocess.run(argv, env=env, check=True)
        print(f"pln graph: {time.perf_counter() - start:.2f} s, {page.stat().st_size:,} bytes")
        ready, layout, wall = [], [], []
        for n in range(args.runs):
            start = time.perf_counter()
            run = subprocess.run(
                [browser, "--headless", "--disable-gpu", "--no-first-run"]
                + (["--no-sandbox"] if os.getuid() == 0 else [])
                + [f"--user-data-dir={tmp}/profile-{n}", "--dump-dom", page.as_uri()],
                capture_output=True,
                text=True,
                check=True,
            )
            wall.append((time.perf_counter() - start) * 1000)
            head = re.search(r"<html([^>]*)>", run.stdout)
            attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', head.group(1) if head else ""))
            if "data-ready-ms" not in attrs:
                sys.exit(f"the page did not get ready: {attrs}")
            ready.append(float(attrs["data-ready-ms"]))
            layout.append(float(attrs["data-layout-ms"]))
        for what, values in (
            ("ready (ms from navigation)", ready),
            ("script and layout (ms)", layout),
            ("browser process (ms)", wall),
        ):
            print(
                f"{what}: median {statistics.median(values):.0f}"
                f" ({min(values):.0f}-{max(values):.0f})"
            )
        print(f"people drawn: {attrs.get('data-people')}; load: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
