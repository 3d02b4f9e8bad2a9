"""Offline evaluation of "probably already know each other" on real social networks.

    .venv/bin/pip install networkx && .venv/bin/python benchmarks/eval_introduce.py

For each graph networkx ships (Zachary's karate club: the one looked at while
building; Les Misérables co-appearances and the Florentine families: kept apart),
hide 20% or 80% of the ties at random, load the people and the visible ties into
a fresh pln database through pln's own CLI (`pln add`, `pln knows`), then ask
pln which pairs probably already know each other and measure how well that
recovers the hidden ties:

- AUC: the chance that a hidden tie is ranked above a pair that is not a tie
  (pln's know score over all unrecorded pairs; 0.5 is chance);
- hits@5: for each person with a hidden tie, whether their top 5 of
  `pln introduce --for PERSON` "already-know?" suggestions contains one.

Baselines on the same visible graph: random order, and plain common-neighbour
counts (ties broken at random). Several seeds; the mean is reported.
"""

import json
import math
import os
import random
import sys
import tempfile
from collections import defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from plncli.cli import app
from plncli.db import open_store
from plncli.suggest import Book, code, score_pair

GRAPHS = {
    "karate club (dev)": nx.karate_club_graph,
    "Les Misérables (held out)": nx.les_miserables_graph,
    "Florentine families (held out)": nx.florentine_families_graph,
}
SEEDS = (1, 2, 3, 4, 5)
NOW = "2026-11-23T10:00:00+00:00"


def pln(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exit_code != 0:
        raise RuntimeError(f"pln {' '.join(args)}: {result.stderr or result.output}")
    return result.stdout


def load(db: Path, nodes: list[str], visible: list[tuple[str, str]]) -> dict[str, int]:
    ids = {}
    for name in nodes:
        (added,) = json.loads(pln(db, "add", name, "--allow-duplicate", "--json"))
        ids[name] = added["id"]
    for a, b in visible:
        pln(db, "knows", f"#{ids[a]}", f"#{ids[b]}")
    return ids


def auc(pos: list[float], neg: list[float], rng: random.Random, samples: int = 20000) -> float:
    if not pos or not neg:
        return float("nan")
    wins = 0.0
    for _ in range(samples):
        p, n = rng.choice(pos), rng.choice(neg)
        wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / samples


def run_once(name: str, graph: nx.Graph, hide: float, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    nodes = [f"{name.split()[0]} {n}" for n in graph.nodes]
    label = dict(zip(graph.nodes, nodes, strict=True))
    edges = [(label[a], label[b]) for a, b in graph.edges if a != b]
    rng.shuffle(edges)
    cut = round(len(edges) * hide)
    hidden, visible = edges[:cut], edges[cut:]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pln.db"
        ids = load(db, nodes, visible)
        conn = open_store(db, create_parent=False)
        book = Book(conn, include_following=True, today=date(2026, 11, 23))
        hidden_codes = {code(ids[a], ids[b]) for a, b in hidden}
        seen = {code(ids[a], ids[b]) for a, b in visible}
        pairs = [code(ids[a], ids[b]) for a, b in combinations(nodes, 2)]
        pairs = [p for p in pairs if p not in seen]
        ours = {p: _know(book, p) for p in pairs}
        cn = {
            p: len(book.neighbours.get(p >> 32, set()) & book.neighbours.get(p & 0xFFFFFFFF, set()))
            for p in pairs
        }
        pos = [p for p in pairs if p in hidden_codes]
        neg = [p for p in pairs if p not in hidden_codes]
        result = {
            "AUC pln": auc([ours[p] for p in pos], [ours[p] for p in neg], rng),
            "AUC common neighbours": auc([cn[p] for p in pos], [cn[p] for p in neg], rng),
            "AUC random": auc([rng.random() for _ in pos], [rng.random() for _ in neg], rng),
        }
        result.update(_hits(db, ids, hidden, ours, cn, rng))
        conn.close()
    return result


def _know(book: Book, pair: int) -> float:
    a, b = book.people[pair >> 32], book.people[pair & 0xFFFFFFFF]
    found = score_pair(book, a, b, keep=True)
    return found.know if found is not None else 0.0


def _hits(
    db: Path,
    ids: dict[str, int],
    hidden: list[tuple[str, str]],
    ours: dict[int, float],
    cn: dict[int, int],
    rng: random.Random,
) -> dict[str, float]:
    partners: dict[int, set[int]] = defaultdict(set)
    for a, b in hidden:
        partners[ids[a]].add(ids[b])
        partners[ids[b]].add(ids[a])
    hits = {"hits@5 pln": 0, "hits@5 common neighbours": 0, "hits@5 random": 0}
    everyone = list(ids.values())
    for person, wanted in partners.items():
        listed = json.loads(
            pln(
                db,
                "introduce",
                "--for",
                f"#{person}",
                "--limit",
                "5",
                "--per-person",
                "99",
                "--json",
            )
        )
        top = [
            s["b"]["id"] if s["a"]["id"] == person else s["a"]["id"]
            for s in listed
            if s["kind"] == "already-know?"
        ][:5]
        hits["hits@5 pln"] += bool(set(top) & wanted)
        others = [o for o in everyone if o != person and code(o, person) in cn]
        by_cn = sorted(others, key=lambda o: (-cn[code(o, person)], rng.random()))[:5]
        hits["hits@5 common neighbours"] += bool(set(by_cn) & wanted)
        hits["hits@5 random"] += bool(set(rng.sample(others, min(5, len(others)))) & wanted)
    return {k: v / max(len(partners), 1) for k, v in hits.items()}


def main() -> None:
    os.environ["PLN_NOW"] = NOW
    os.environ.pop("PLN_DB", None)
    print(
        "| graph | hidden | AUC pln | AUC common neighbours | AUC random |"
        " hits@5 pln | hits@5 common neighbours | hits@5 random |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, make in GRAPHS.items():
        graph = nx.Graph(make())
        for hide in (0.2, 0.8):
            runs = [run_once(name, graph, hide, seed) for seed in SEEDS]
            mean = {k: sum(r[k] for r in runs) / len(runs) for k in runs[0]}
            cols = [
                "AUC pln",
                "AUC common neighbours",
                "AUC random",
                "hits@5 pln",
                "hits@5 common neighbours",
                "hits@5 random",
            ]
            print(
                f"| {name} | {hide:.0%} | "
                + " | ".join("n/a" if math.isnan(mean[c]) else f"{mean[c]:.2f}" for c in cols)
                + " |"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
