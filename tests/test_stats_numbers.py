"""`pln stats --json` on random small books, against a model of the definitions.

Each example builds a fresh book through the CLI (people added on days of their own, met at
events, interactions logged on given days, some archived) and works out every number from what
it added, by the README's definitions, with none of pln's code: the bands and their change,
contacted, what `pln due` owes, the rhythm, the gaps, the events. (Introductions are counted by
hand in test_stats.py.) A fresh SQLite book per example: the shared book's runs of the same
numbers are test_stats.py's, on both engines.
"""

import os
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import pinned_today

TODAY = date(2026, 11, 23)
NAMES = ["Ana Ruiz", "Ben Okafor", "Cy Moss", "Di Lowe", "Ed Park", "Flo Hart"]
WORDS = ["oracy", "assessment", "phonics", "safeguarding"]
EVENTS = ["researchED 2026", "TeachMeet North"]
CIRCLES = ["colleague", "network", "following"]
DEFAULT = {"colleague": 14, "network": 60, "following": None}
EVERY = {"7d": 7, "30d": 30, "200d": 200, "never": None}


class P(NamedTuple):
    name: str
    circle: str
    every: str | None
    added: date
    met: tuple[str, date] | None
    topics: list[str]
    offers: list[str]
    seeks: list[str]
    archived: bool


class I(NamedTuple):  # noqa: E742
    day: date
    who: frozenset[int]
    topic: str | None


words = st.lists(st.sampled_from(WORDS), max_size=2, unique=True)


@st.composite
def people(draw: Any) -> list[P]:
    n = draw(st.integers(1, len(NAMES)))
    out = []
    for name in NAMES[:n]:
        added = TODAY - timedelta(days=draw(st.integers(0, 300)))
        met = draw(
            st.one_of(
                st.none(),
                st.tuples(st.sampled_from(EVENTS), st.integers(0, 40)).map(
                    lambda x, added=added: (x[0], added - timedelta(days=x[1]))
                ),
            )
        )
        out.append(
            P(
                name,
                draw(st.sampled_from(CIRCLES)),
                draw(st.one_of(st.none(), st.sampled_from(sorted(EVERY)))),
                added,
                met,
                draw(words),
                draw(words),
                draw(words),
                draw(st.integers(0, 5)) == 0,
            )
        )
    return out


def anchors(p: P, since: date | None) -> list[date]:
    """Days where one of this person's numbers turns: a week from meeting them (or adding
    them), and their cadence once or twice before today or before the period."""
    then = (since or TODAY - timedelta(days=90)) - timedelta(days=1)
    found = [max(p.met[1], p.added)] if p.met else [p.added]
    c = cadence(p)
    if c is not None:
        found += [day - timedelta(days=k * c) for day in (TODAY, then) for k in (1, 2)]
    return found


@st.composite
def interaction(draw: Any, ps: list[P], since: date | None) -> "I":
    """With one to three people; the day random, or close to where a number of the first
    of them turns."""
    who = draw(st.lists(st.integers(0, len(ps) - 1), min_size=1, max_size=3, unique=True))
    if draw(st.booleans()):
        day = TODAY - timedelta(days=draw(st.integers(0, 400)))
    else:
        near = draw(st.sampled_from(anchors(ps[who[0]], since)))
        day = min(TODAY, near + timedelta(days=draw(st.integers(-2, 9))))
    return I(day, frozenset(who), draw(st.one_of(st.none(), st.sampled_from(WORDS))))


@st.composite
def books(draw: Any) -> tuple[list[P], list[I], date | None, str | None, str | None]:
    ps = draw(people())
    since = draw(st.one_of(st.none(), st.integers(0, 200).map(lambda d: TODAY - timedelta(d))))
    interactions = draw(st.lists(interaction(ps, since), max_size=10))
    circle = draw(st.one_of(st.none(), st.sampled_from(CIRCLES)))
    topic = draw(st.one_of(st.none(), st.sampled_from(WORDS)))
    return ps, interactions, since, circle, topic


def build(pln: Any, ps: list[P], interactions: list[I]) -> None:
    for p in ps:
        args = ["add", p.name, "--circle", p.circle]
        if p.every:
            args += ["--every", p.every]
        if p.met:
            args += ["--met-at", p.met[0], "--on", p.met[1].isoformat()]
        for option, values in (("--topic", p.topics), ("--offers", p.offers), ("--seeks", p.seeks)):
            for value in values:
                args += [option, value]
        with pinned_today(p.added):
            pln(*args)
    for i in interactions:
        names = [ps[n].name for n in sorted(i.who)]
        topic = ["--topic", i.topic] if i.topic else []
        pln("log", *names, "-m", "talked", "--on", i.day.isoformat(), *topic)
    for p in ps:
        if p.archived:
            pln("archive", p.name)


# ---- the model --------------------------------------------------------------------------


def cadence(p: P) -> int | None:
    return EVERY[p.every] if p.every else DEFAULT[p.circle]


def since_contact(last: date | None, met: date | None, added: date) -> date:
    if last is not None and (met is None or last >= met):
        return last
    return met if met is not None else added


def band(c: int | None, since: date, today: date) -> str:
    if c is None:
        return "no_cadence"
    if since + timedelta(days=c) > today:
        return "active"
    return "dormant" if (today - since).days / c > 2 else "due"


def expected(
    ps: list[P], ins: list[I], since: date | None, circle: str | None, topic: str | None
) -> dict[str, Any]:
    start = since or TODAY - timedelta(days=90)
    n = (TODAY - start).days + 1  # both ends: the period's days, and as many before
    previous, then_day = start - timedelta(days=n), start - timedelta(days=1)

    def chosen(k: int) -> bool:
        p = ps[k]
        return (
            not p.archived
            and (circle is None or p.circle == circle)
            and (topic is None or topic in p.topics + p.offers + p.seeks)
        )

    days = {k: sorted(i.day for i in ins if k in i.who) for k in range(len(ps))}
    rows: dict[str, list[tuple[str, bool, str | None, bool]]] = {}
    owed = {"follow_ups": 0, "first_contacts": 0, "reconnects": 0}
    for k, p in enumerate(ps):
        if not chosen(k):
            continue
        last = days[k][-1] if days[k] else None
        met = p.met[1] if p.met else None
        now = band(cadence(p), since_contact(last, met, p.added), TODAY)
        then = None
        if p.added <= then_day:
            before = [d for d in days[k] if d <= then_day]
            met_then = met if met is not None and met <= then_day else None
            last_then = before[-1] if before else None
            then = band(cadence(p), since_contact(last_then, met_then, p.added), then_day)
        contacted_then = any(previous <= d <= then_day for d in days[k])
        rows.setdefault(p.circle, []).append(
            (now, last is not None and last >= start, then, contacted_then)
        )
        # what `pln due` lists: a first contact, else a reconnect
        first = (
            met is not None
            and p.circle != "following"
            and (TODAY - max(met, p.added)).days <= 30
            and (last is None or last < met)
        )
        if first:
            owed["first_contacts"] += met + timedelta(days=3) <= TODAY  # type: ignore[operator]
        elif now in ("due", "dormant"):
            owed["reconnects"] += 1

    def counts(rs: list[tuple[str, bool, str | None, bool]]) -> dict[str, Any]:
        nows = [r[0] for r in rs]
        thens = [r[2] for r in rs if r[2] is not None]
        shape = ("active", "due", "dormant", "no_cadence")
        return {
            "people": len(nows),
            **{b: nows.count(b) for b in shape},
            "contacted": sum(r[1] for r in rs),
            "then": {
                "people": len(thens),
                **{b: thens.count(b) for b in shape},
                "contacted": sum(r[3] for r in rs),
            },
        }

    circles = [{"circle": c, **counts(rows[c])} for c in CIRCLES if c in rows]
    circles.append({"circle": "all", **counts([r for c in CIRCLES for r in rows.get(c, [])])})

    everyone = circle is None and topic is None  # every interaction, archived people's too
    months = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
    rhythm = [
        {
            "month": f"{y}-{m:02d}",
            "interactions": sum(
                1
                for i in ins
                if (i.day.year, i.day.month) == (y, m) and (everyone or any(map(chosen, i.who)))
            ),
        }
        for y, m in months
    ]

    alive = [k for k in range(len(ps)) if not ps[k].archived]
    offered = {w for k in alive for w in ps[k].offers}
    seekers = {w: sum(w in ps[k].seeks for k in range(len(ps)) if chosen(k)) for w in WORDS}
    gaps = sorted(
        ({"topic": w, "seekers": s} for w, s in seekers.items() if s and w not in offered),
        key=lambda g: (-g["seekers"], g["topic"]),
    )
    mine = {i.topic for i in ins if i.topic and any(map(chosen, i.who))}
    one = []
    for w in sorted(mine):
        who = {k for i in ins if i.topic == w for k in i.who if not ps[k].archived}
        who |= {k for k in alive if w in ps[k].topics + ps[k].offers}
        if len(who) == 1:
            (k,) = who
            one.append({"topic": w, "person": {"id": k + 1, "name": ps[k].name}})

    events: dict[str, list[int]] = {}
    for k, p in enumerate(ps):
        if not chosen(k) or p.met is None or (since is not None and p.met[1] < since):
            continue
        first_day = max(p.met[1], p.added)
        within = any(first_day <= d <= first_day + timedelta(days=7) for d in days[k])
        never = not days[k] or days[k][-1] < p.met[1]
        e = events.setdefault(p.met[0], [0, 0, 0])
        e[0], e[1], e[2] = e[0] + 1, e[1] + within, e[2] + never

    return {
        "period": {
            "since": start.isoformat(),
            "today": TODAY.isoformat(),
            "previous_since": previous.isoformat(),
        },
        "circles": circles,
        "owed": owed,
        "rhythm": rhythm,
        "gaps": {"sought_not_offered": gaps, "one_contact": one},
        "events": events,
    }


@pytest.mark.sqlite_only(reason="a fresh book per example; the shared book: test_stats.py")
@settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    max_examples=min(25, settings.default.max_examples),  # ~20 commands an example
)
@given(book=books())
def test_every_number_matches_the_definitions(pln: Any, tmp_path: Path, book: Any) -> None:
    ps, interactions, since, circle, topic = book
    folder = tempfile.mkdtemp(dir=tmp_path)
    os.environ["PLN_DB"] = str(Path(folder) / "pln.db")
    try:
        build(pln, ps, interactions)
        args = ["stats"]
        if since:
            args += ["--since", since.isoformat()]
        if circle:
            args += ["--circle", circle]
        if topic:
            args += ["--topic", topic]
        doc = pln.json(*args)
    finally:
        del os.environ["PLN_DB"]
    want = expected(ps, interactions, since, circle, topic)
    got_events = {e["name"]: [e["met"], e["within_week"], e["never"]] for e in doc["events"]}
    assert got_events == want.pop("events")
    assert doc["introductions"]["proposed"] == 0
    del doc["events"], doc["introductions"]
    assert doc == want
