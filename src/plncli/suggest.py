"""Who should meet whom: scoring pairs of contacts, with reasons a person would say.

Evidence for a pair (a, b), each weighted by how rare it is in the book: a
thing shared by ``df`` of ``N`` eligible contacts weighs ``w = ln(N/df) / ln(N)``
(1 for a thing only these two share, near 0 for what everyone has).

========================  ==================================  ================
evidence                  introduce score                     know score
========================  ==================================  ================
a seeks what b offers     3 x (0.5 + 0.5 w) each way           -
both work on a topic      1 x w per topic                      -
both look for a topic     0.6 x w per topic                    -
met at the same event     0.5 x w                              0.6 x w
same organisation         0.3 x w                              1.0 x w
same place                0.4 x w                              -
common acquaintances      0.3 x min(AA, 2)                     AA
========================  ==================================  ================

AA is the Adamic-Adar index, the sum over common acquaintances z of
1 / ln(degree z): a friend who knows few people says more than one who knows
everyone. A pair whose know score reaches ``KNOW_AT`` probably already knows each
other: it is listed apart ("already-know?") for the user to confirm with
``pln knows``. Any other pair with a topical reason (a need met, a shared topic
or a shared need) is an introduction to consider. Pairs already tied, in one
group, introduced before, or dismissed are never suggested; neither are
archived people nor (unless asked) people you only follow. Private topics,
events and groups are never used as evidence.

Candidates come from inverted indexes (people per topic, need, offer, event,
organisation, place, and acquaintances of acquaintances), never from all pairs:
a pair is considered when it shares something distinctive (a key held by at
most ``CAP`` people, a need at most ``PAIR_CAP`` pairings can meet, or an
acquaintance who knows at most ``DEGREE_CAP`` people). Every candidate is then
scored on all of its evidence.
"""

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from typing import NamedTuple

from .resolve import PersonRef
from .text import fold, topic_key

COMPLEMENT, TOPIC, SHARED_NEED = 3.0, 1.0, 0.6
EVENT, ORG, PLACE, MUTUAL = 0.5, 0.3, 0.4, 0.3
KNOW_EVENT, KNOW_ORG = 0.6, 1.0
KNOW_AT = 1.0
CAP, PAIR_CAP, DEGREE_CAP = 150, 20_000, 60
RARE = 10  # "only N of your contacts do" is said for topics at most this many share


class Person(NamedTuple):
    id: int
    name: str
    circle: str
    org: str | None
    place: str | None
    interests: frozenset[str]  # topic keys from topics and offers
    offers: frozenset[str]
    seeks: frozenset[str]
    events: frozenset[int]


class Suggestion(NamedTuple):
    a: PersonRef
    b: PersonRef
    kind: str  # "introduce" | "already-know?"
    score: float
    reasons: list[str]
    evidence: list[
        str
    ]  # kinds of evidence used: complement, topic, need, event, org, place, mutual


class Book:
    """What suggestions need, loaded once: people, their keys, ties, and the rarity of each key."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        include_following: bool,
        today: date,
        synonyms: dict[str, str] | None = None,
    ) -> None:
        self.synonyms = {topic_key(k): topic_key(v) for k, v in (synonyms or {}).items()}
        self.private = {r[0] for r in conn.execute("SELECT kind || ':' || key FROM private_mark")}
        self.topic_names: dict[str, str] = {}
        self.people = self._load_people(conn, include_following)
        self.event_names = {
            r[0]: r[1]
            for r in conn.execute("SELECT id, name FROM event")
            if f"event:{fold(r[1])}" not in self.private
        }
        self.neighbours = self._load_ties(conn)
        self.blocked = self._load_blocked(conn, today)
        self.n = max(len(self.people), 2)
        self.df = self._document_frequencies()

    def _key(self, value: str) -> str | None:
        key = topic_key(value)
        key = self.synonyms.get(key, key)
        if f"topic:{key}" in self.private:
            return None
        self.topic_names.setdefault(key, value)
        return key

    def _load_people(self, conn: sqlite3.Connection, following: bool) -> dict[int, Person]:
        circles = "" if following else " AND circle != 'following'"
        rows = conn.execute(
            "SELECT id, name, circle, org, location, met_at_id FROM person"
            f" WHERE archived_at IS NULL{circles}"
        ).fetchall()
        attrs: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for pid, kind, value in conn.execute(
            "SELECT person_id, kind, value FROM person_attr"
            " WHERE kind IN ('topic', 'offers', 'seeks')"
        ):
            key = self._key(value)
            if key:
                attrs[pid][kind].add(key)
        people = {}
        for pid, name, circle, org, place, met_at in rows:
            a = attrs.get(pid, {})
            people[pid] = Person(
                pid,
                name,
                circle,
                org,
                place,
                frozenset(a.get("topic", set()) | a.get("offers", set())),
                frozenset(a.get("offers", set())),
                frozenset(a.get("seeks", set())),
                frozenset([met_at] if met_at else []),
            )
        return people

    def _load_ties(self, conn: sqlite3.Connection) -> dict[int, set[int]]:
        neighbours: dict[int, set[int]] = defaultdict(set)
        for a, b in conn.execute(
            "SELECT a_id, b_id FROM tie t JOIN person p ON p.id = t.a_id AND p.archived_at IS NULL"
            " JOIN person q ON q.id = t.b_id AND q.archived_at IS NULL"
        ):
            neighbours[a].add(b)
            neighbours[b].add(a)
        return neighbours

    def _load_blocked(self, conn: sqlite3.Connection, today: date) -> set[tuple[int, int]]:
        """Pairs never to suggest: tied, introduced, dismissed, or in one group."""
        blocked = {(a, b) for a, nb in self.neighbours.items() for b in nb if a < b}
        blocked |= set(conn.execute("SELECT a_id, b_id FROM introduction").fetchall())
        blocked |= set(
            conn.execute(
                "SELECT a_id, b_id FROM dismissal WHERE until IS NULL OR until > ?",
                (today.isoformat(),),
            ).fetchall()
        )
        groups: dict[int, list[int]] = defaultdict(list)
        for gid, pid in conn.execute("SELECT group_id, person_id FROM pgroup_member"):
            groups[gid].append(pid)
        for ids in groups.values():
            ids.sort()
            blocked |= {(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :]}
        return blocked

    def _document_frequencies(self) -> dict[str, int]:
        df: dict[str, int] = defaultdict(int)
        for p in self.people.values():
            for prefix, keys in (("i", p.interests), ("o", p.offers), ("s", p.seeks)):
                for k in keys:
                    df[f"{prefix}:{k}"] += 1
            for e in p.events:
                df[f"e:{e}"] += 1
            if p.org:
                df[f"g:{fold(p.org)}"] += 1
            if p.place:
                df[f"l:{fold(p.place)}"] += 1
        return df

    def weight(self, key: str) -> float:
        df = max(self.df.get(key, 1), 1)
        return max(math.log(self.n / df) / math.log(self.n), 0.05)

    # ---- candidates ------------------------------------------------------------------

    def postings(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = defaultdict(list)
        for p in self.people.values():
            for k in p.interests:
                index[f"i:{k}"].append(p.id)
            for k in p.offers:
                index[f"o:{k}"].append(p.id)
            for k in p.seeks:
                index[f"s:{k}"].append(p.id)
            for e in p.events:
                index[f"e:{e}"].append(p.id)
            if p.org:
                index[f"g:{fold(p.org)}"].append(p.id)
            if p.place:
                index[f"l:{fold(p.place)}"].append(p.id)
        return index

    def candidates(self, focus: int | None = None) -> Iterator[tuple[int, int]]:
        """Pairs worth scoring (each may come more than once)."""
        index = self.postings()
        for key, ids in index.items():
            if key.startswith("s:"):
                offerers = index.get("o:" + key[2:], [])
                if focus is not None or len(ids) * len(offerers) <= PAIR_CAP:
                    yield from _cross(ids, offerers, focus)
            if not key.startswith("o:") and (focus is not None or len(ids) <= CAP):
                yield from _within(ids, focus)
        for nb in self.neighbours.values():
            if len(nb) <= DEGREE_CAP or (focus is not None and focus in nb):
                yield from _within([x for x in nb if x in self.people], focus)


def _cross(xs: list[int], ys: list[int], focus: int | None) -> Iterator[tuple[int, int]]:
    for x in xs:
        for y in ys:
            if x != y and (focus is None or focus in (x, y)):
                yield (x, y) if x < y else (y, x)


def _within(ids: list[int], focus: int | None) -> Iterator[tuple[int, int]]:
    if focus is not None:
        if focus in ids:
            yield from ((min(focus, y), max(focus, y)) for y in ids if y != focus)
        return
    ordered = sorted(ids)
    for i, x in enumerate(ordered):
        for y in ordered[i + 1 :]:
            yield x, y


# ---- scoring -------------------------------------------------------------------------


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def score_pair(book: Book, a: Person, b: Person) -> Suggestion | None:
    intro, know = 0.0, 0.0
    reasons: list[str] = []
    kinds: list[str] = []
    na, nb = _first(a.name), _first(b.name)
    if na == nb:
        na, nb = a.name, b.name
    comp = 0.0
    met_needs: set[str] = set()
    for seeker, offerer, sname, oname in ((a, b, na, nb), (b, a, nb, na)):
        for k in sorted(seeker.seeks & offerer.offers):
            met_needs.add(k)
            comp += COMPLEMENT * (0.5 + 0.5 * book.weight(f"o:{k}"))
            reasons.append(
                f"{sname} is looking for help with {book.topic_names[k]}; {oname} offers it"
            )
    if comp:
        kinds.append("complement")
    intro += comp
    shared = sorted(
        (a.interests & b.interests) - met_needs, key=lambda k: (book.df.get(f"i:{k}", 0), k)
    )
    if shared:
        intro += sum(TOPIC * book.weight(f"i:{k}") for k in shared)
        kinds.append("topic")
        reasons.append(_shared_topics(book, shared))
    needs = sorted((a.seeks & b.seeks) - a.offers - b.offers)
    if needs:
        intro += sum(SHARED_NEED * book.weight(f"s:{k}") for k in needs)
        kinds.append("need")
        reasons.append(
            f"both are looking for {_join(book.topic_names[k] for k in needs)}:"
            " they could work on it together"
        )
    topical = bool(kinds)
    for e in sorted(a.events & b.events):
        if e in book.event_names:
            w = book.weight(f"e:{e}")
            intro, know = intro + EVENT * w, know + KNOW_EVENT * w
            kinds.append("event")
            reasons.append(f"both met at {book.event_names[e]}")
    for attr, label, iw, kw, say in (
        ("org", "org", ORG, KNOW_ORG, "both at"),
        ("place", "place", PLACE, 0.0, "both in"),
    ):
        va, vb = getattr(a, attr), getattr(b, attr)
        if va and vb and fold(va) == fold(vb):
            w = book.weight(f"{'g' if attr == 'org' else 'l'}:{fold(va)}")
            intro, know = intro + iw * w, know + kw * w
            kinds.append(label)
            reasons.append(f"{say} {va}")
    common = book.neighbours.get(a.id, set()) & book.neighbours.get(b.id, set())
    if common:
        aa = sum(1 / math.log(max(len(book.neighbours[z]), 2)) for z in common)
        intro, know = intro + MUTUAL * min(aa, 2.0), know + aa
        kinds.append("mutual")
        reasons.append(_mutual(book, common))
    if know >= KNOW_AT:
        return Suggestion(_ref(a), _ref(b), "already-know?", round(know, 3), reasons, kinds)
    if not topical:
        return None
    return Suggestion(_ref(a), _ref(b), "introduce", round(intro, 3), reasons, kinds)


def _ref(p: Person) -> PersonRef:
    return PersonRef(p.id, p.name)


def _join(items: Iterable[str]) -> str:
    words = list(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _shared_topics(book: Book, keys: list[str]) -> str:
    rarest = keys[0]
    df = book.df.get(f"i:{rarest}", 0)
    text = f"both work on {_join(book.topic_names[k] for k in keys[:3])}"
    if df <= RARE:
        text += f" (only {df} of your contacts work on {book.topic_names[rarest]})"
    return text


def _mutual(book: Book, common: set[int]) -> str:
    if len(common) == 1:
        (z,) = common
        name = book.people[z].name if z in book.people else "someone you know"
        return f"{name} knows both"
    return f"{len(common)} people you know know both"


# ---- the lists -------------------------------------------------------------------------


def suggestions(
    book: Book,
    *,
    focus: int | None = None,
    topic: str | None = None,
    per_person: int = 2,
    limit: int = 10,
) -> list[Suggestion]:
    """Both lists, each best first and at most ``limit`` long: introductions, then already-know?"""
    want = None if topic is None else book.synonyms.get(topic_key(topic), topic_key(topic))
    seen: set[tuple[int, int]] = set()
    found: list[Suggestion] = []
    for pair in book.candidates(focus):
        if pair in seen or pair in book.blocked:
            continue
        seen.add(pair)
        a, b = book.people.get(pair[0]), book.people.get(pair[1])
        if a is None or b is None:
            continue
        if want is not None and not _about(a, b, want):
            continue
        s = score_pair(book, a, b)
        if s is not None:
            found.append(s)
    found.sort(key=lambda s: (-s.score, s.a.name, s.b.name))
    intro = _diverse([s for s in found if s.kind == "introduce"], per_person, limit, focus)
    know = _diverse([s for s in found if s.kind != "introduce"], per_person, limit, focus)
    return intro + know


def _about(a: Person, b: Person, key: str) -> bool:
    both = (a.interests | a.seeks, b.interests | b.seeks)
    return key in both[0] and key in both[1]


def _diverse(
    ranked: list[Suggestion], per_person: int, limit: int, focus: int | None
) -> list[Suggestion]:
    """Best first, but nobody (except the --for person) more than ``per_person`` times."""
    counts: dict[int, int] = defaultdict(int)
    out: list[Suggestion] = []
    for s in ranked:
        if len(out) >= limit:
            break
        ids = [i for i in (s.a.id, s.b.id) if i != focus]
        if any(counts[i] >= per_person for i in ids):
            continue
        for i in ids:
            counts[i] += 1
        out.append(s)
    return out
