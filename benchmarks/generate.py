"""Generate a realistic synthetic pln book for benchmarks.

    python benchmarks/generate.py --people 10000 --out benchmarks/out/10k.db
    python benchmarks/generate.py --people 10000 --shape dense --out benchmarks/out/10k-dense.db

Topics come from a vocabulary of 300 with a Zipf-like skew (a few topics are
everywhere, most are rare); organisations and events are skewed too. Each
person has ~20 interactions over two years (one in ten with several people),
~5 ties when the store has a tie table, and one in five an open follow-up.
Rows go in through pln's own store (``db.open_store``, so the real schema and
migrations) in one transaction with ``executemany``; the search index and the
maintained last-contact values are then rebuilt the way pln keeps them.

``--shape dense`` is the book of issue 11, where every pair finds something in
common: every person has 1-6 topics drawn from the 300-word vocabulary with a
Pareto (power-law, exponent 1.2) skew over the words' ranks, one offer and one
seek drawn from the same words, and ~3 ties (clustered, as real ones are).
"""

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from plncli.db import open_store, to_db_time, transaction
from plncli.text import fold, topic_key

FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Ewa",
    "Femi",
    "Grace",
    "Hugo",
    "Ines",
    "Jun",
    "Kofi",
    "Lena",
    "Malik",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Vera",
    "Wei",
    "Xena",
    "Yusuf",
    "Zoë",
    "Aoife",
    "Bilal",
    "Chloé",
    "Dara",
    "Emeka",
    "Fatima",
]
LAST = [
    "Ruiz",
    "Okafor",
    "Diaz",
    "Patel",
    "Nowak",
    "Adeyemi",
    "Chen",
    "Kowalczyk",
    "Murphy",
    "Osei",
    "Farah",
    "Byrne",
    "Zhou",
    "Martín",
    "Campbell",
    "Hussain",
    "Clarke",
    "Bakare",
    "Goldberg",
    "Asante",
    "Lambert",
    "Rahman",
    "Boateng",
    "Mensah",
    "Sutherland",
    "Nguyen",
    "Haddad",
    "Kim",
    "Silva",
    "Novak",
    "Ivanova",
    "Müller",
]
KINDS = ("coffee", "call", "email", "message", "meeting", "event", "video")
SUBJECTS = [
    "assessment",
    "retrieval",
    "transition",
    "safeguarding",
    "cognition",
    "curriculum",
    "behaviour",
    "SEND",
    "oracy",
    "literacy",
    "practical",
    "climate",
    "sustainability",
    "edtech",
    "coaching",
    "leadership",
    "workload",
    "attendance",
    "reading",
    "data",
    "mentoring",
    "chemistry",
    "physics",
    "biology",
    "metacognition",
]


def zipf_choice(rng: random.Random, items: list[str], s: float = 1.1) -> str:
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights)[0]


def vocabulary(n: int = 300) -> list[str]:
    words = [
        f"{a} {b}"
        for a in SUBJECTS
        for b in (
            "practice",
            "research",
            "design",
            "policy",
            "networks",
            "trials",
            "pedagogy",
            "data",
        )
    ]
    return (SUBJECTS + words)[:n]


def generate(path: Path, people: int, seed: int = 7, shape: str = "default") -> None:
    rng = random.Random(seed)
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    conn = open_store(path, create_parent=True)
    vocab = vocabulary()
    weights = [1 / (i + 1) ** 1.1 for i in range(len(vocab))]
    orgs = [f"School {i}" for i in range(max(people // 20, 5))]
    events = [
        (f"Conference {i}", now.date() - timedelta(days=rng.randint(1, 700)))
        for i in range(max(people // 100, 3))
    ]
    with transaction(conn):
        conn.executemany(
            'INSERT INTO event (id, name, name_key, "on", place, created_at) VALUES (?,?,?,?,?,?)',
            [
                (i + 1, n, fold(n), d.isoformat(), "Somewhere", to_db_time(now))
                for i, (n, d) in enumerate(events)
            ],
        )
        if shape == "dense":
            dense = [1 / (i + 1) ** 1.2 for i in range(len(vocab))]
            _people(conn, rng, people, now, orgs, events, vocab, dense, dense=True)
        else:
            _people(conn, rng, people, now, orgs, events, vocab, weights)
        _interactions(conn, rng, people, now)
        _ties(conn, rng, people, per_person=(0, 6) if shape == "dense" else (0, 10))
        _followups(conn, rng, people, now)
        conn.execute(
            "UPDATE person SET last_contact_at = (SELECT max(i.at) FROM interaction i"
            " JOIN interaction_person ip ON ip.interaction_id = i.id WHERE ip.person_id = person.id)"
        )
        from plncli.people import rebuild_search

        rebuild_search(conn)
    # No ANALYZE (PRAGMA optimize): pln never runs it, so a user's book has no planner
    # statistics. Those taken here, right after one change that wrote every row, told the
    # planner that undo_step's index on change_id was useless, and every later write in the
    # benchmark scanned the whole table (~30 ms at 10k people) as no user's book would.
    conn.close()


def _people(conn, rng, n, now, orgs, events, vocab, weights, dense=False) -> None:  # type: ignore[no-untyped-def]
    rows, attrs = [], []
    for pid in range(1, n + 1):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {pid}"
        added = now - timedelta(days=rng.randint(30, 900))
        met = rng.random() < 0.3
        ev = rng.randrange(len(events)) if met else None
        circle = rng.choices(("colleague", "network", "following"), (2, 6, 2))[0]
        rows.append(
            (
                pid,
                name,
                fold(name),
                zipf_choice(rng, orgs),
                "Teacher",
                "Leeds",
                circle,
                None,
                (events[ev][1] if ev is not None else added.date()).isoformat(),
                ev + 1 if ev is not None else None,
                "",
                to_db_time(added),
                to_db_time(added),
                f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",  # as pln gives
            )
        )
        counts = (
            (("topic", rng.randint(1, 6)), ("offers", 1), ("seeks", 1))
            if dense
            else (
                ("topic", rng.randint(1, 5)),
                ("offers", rng.randint(0, 2)),
                ("seeks", rng.randint(0, 2)),
            )
        )
        for kind, count in counts:
            for topic in set(rng.choices(vocab, weights, k=count)):
                attrs.append((pid, kind, topic, topic_key(topic)))
        attrs.append((pid, "email", f"p{pid}@example.org", f"p{pid}@example.org"))
    conn.executemany(
        "INSERT INTO person (id, name, name_key, org, role, location, circle, cadence, met_on,"
        " met_at_id, notes, created_at, updated_at, uid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO person_attr (person_id, kind, value, key) VALUES (?,?,?,?)", attrs
    )


def _interactions(conn, rng, n, now) -> None:  # type: ignore[no-untyped-def]
    inter, links = [], []
    iid = 0
    for _ in range(n * 16):  # ~20 per person: one in ten has 2-5 people
        iid += 1
        at = now - timedelta(minutes=rng.randint(60, 730 * 24 * 60))
        inter.append(
            (
                iid,
                to_db_time(at),
                rng.choice(KINDS),
                f"talked about {rng.choice(SUBJECTS)}",
                to_db_time(at),
            )
        )
        group = (
            rng.sample(range(1, n + 1), rng.randint(2, 5))
            if rng.random() < 0.1
            else [rng.randint(1, n)]
        )
        links += [(iid, p) for p in group]
    conn.executemany("INSERT INTO interaction VALUES (?,?,?,?,?)", inter)
    conn.executemany("INSERT OR IGNORE INTO interaction_person VALUES (?,?)", links)


def _ties(conn, rng, n, per_person=(0, 10)) -> None:  # type: ignore[no-untyped-def]
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tie'").fetchone():
        return
    pairs = set()
    for a in range(1, n + 1):
        for _ in range(rng.randint(*per_person)):  # ~5 a person: 50,000 ties at 10k
            b = max(1, min(n, a + rng.randint(-200, 200)))  # ties cluster, as real ones do
            if a != b:
                pairs.add((min(a, b), max(a, b)))
    from plncli.ties import bulk_insert_ties

    bulk_insert_ties(conn, sorted(pairs))


def _followups(conn, rng, n, now) -> None:  # type: ignore[no-untyped-def]
    rows = [
        (
            pid,
            (now.date() + timedelta(days=rng.randint(-30, 30))).isoformat(),
            "follow up",
            None,
            "open",
            to_db_time(now),
        )
        for pid in range(1, n + 1)
        if rng.random() < 0.2
    ]
    conn.executemany(
        "INSERT INTO followup (person_id, due, note, every, state, created_at)"
        " VALUES (?,?,?,?,?,?)",
        rows,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--shape", choices=("default", "dense"), default="default")
    args = ap.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; remove it first")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    generate(args.out, args.people, args.seed, args.shape)
    print(
        f"wrote {args.out} ({args.people} people) in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
