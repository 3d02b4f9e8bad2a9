"""Who should meet whom: scoring pairs of contacts, with reasons a person would say.

Evidence for a pair (a, b). The introduce score weighs a thing shared by ``df`` of
``N`` eligible contacts by ``w = ln(N/df) / ln(N)`` (1 for a thing only these two
share, near 0 for what everyone has); the know score by ``1 / df``.

========================  ==================================  ===================
evidence                  introduce score                     know score
========================  ==================================  ===================
a seeks what b offers     3 x (0.5 + 0.5 w) each way           -
... met in part           0.5 x 3 x 0.5 each way               -
a seeks what b works on   1 x (0.5 + 0.5 w) each way           -
both work on a topic      1 x w per topic                      0.25 / df per topic
both look for a topic     0.6 x w per topic                    -
met at the same event     -                                    0.5 / df
same organisation         -                                    1.0 / df
acquaintance at b's org   -                                    1.0 / df each, each way
same place                -                                    0.25 / df
common acquaintances      -                                    RA
chains of acquaintances   -                                    1.0 x RA3
========================  ==================================  ===================

A need is met in part (``PARTIAL``) by an offer that holds every word of it and more
("retrieval practice coaching" for "retrieval practice": what ``pln who NEED`` finds;
``Book.covering``), with the offer of the fewest words when several do.

A need is also met, at a third of an offer's weight (``WORKS_ON``), by someone who works on
it (a topic of theirs, not an offer: they know the field, not that they would help); ``w``
is then the topic's (who works on it or offers it), as for "both work on a topic".

The introduce score is the topical evidence (the first five rows), multiplied by
``DISCOUNT / (DISCOUNT + s)`` with ``DISCOUNT`` (0.05) and ``s`` the know score less
its topics part (events, organisation, place, acquaintances, chains): 1 for a pair
with no such evidence, 1/2 when ``s`` is ``DISCOUNT``. What says two people already
know each other is no reason to introduce them: measured, it made hidden ties rank
as introductions (``benchmarks/eval_introduce.py``, "intro ∩ ties"). RA is resource
allocation, the sum over common acquaintances z of 1 / degree z: a friend
who knows few people says more than one who knows everyone, and RA shrinks as the
book fills, so that one cut-off keeps its meaning. RA3 (weight ``KNOW_PATH``)
carries it one step on: the sum over chains a - y - z - b of
1 / (degree y x degree z), walking only through people who know at most
``PATH_CAP`` (100) others. Whom a knows at b's organisation (``colleague``), and whom b
knows at a's, add ``KNOW_ORG`` / df each, df the eligible people at that organisation
(for organisations of at most ``COLLEAGUE_CAP`` (100) people: past that an acquaintance
there weighs under 1 / 100, and with ``--for`` the people there and their ties are not
loaded): measured on the seven held-out graphs with
80% of ties hidden, 0.85 of the people asked had a hidden tie among their first 5
"already-know?" pairs with it, 0.82 without it (20% hidden: 0.84, 0.83), and the
baselines at most 0.82 (0.81). Weights were chosen by measurement on the karate club
with ``benchmarks/eval_introduce.py`` (other graphs held out), and judged on the
held-out graphs pooled: the organisation weighs 1 / df, as in the resource
allocation + attributes baseline (0.5 / df found fewer hidden ties with 80% hidden,
on the first five held-out graphs: 0.75 against 0.76, the high school, whose
organisation is the real class, 0.69 against 0.72). The cut-off ``LIKELY_AT`` by the
precision of the likely marks over the held-out graphs and seeds with 80% of ties
hidden (on the first five: 0.82 at 0.7, of 1,631 pairs marked; 0.79 at 0.6, 0.84 at
0.8; on all seven: 0.79 at 0.7, of 4,586 pairs; 0.75 at 0.6, 0.81 at 0.8; a cut-off
of 1.0 marks under a third as many pairs).

A pair whose know score reaches ``LIKELY_AT`` (0.7) is marked *likely* to know
each other already, any other listed pair *possible*. The "already-know?" list
shows, best first by the know score alone, the pairs with know evidence that are
not proposed, and is chosen first: a pair with evidence beyond shared topics
(``SOCIAL``: acquaintances, chains, organisation, acquaintances at the other's
organisation, place, event) that ranks within
the limit there is never proposed. A need met under ``LIKELY_AT``, and a pair
known by shared topics alone, are introductions first, listed as "already-know?"
only when the introductions leave them out. Introductions are the pairs with a
topical reason (a need met, a shared topic or a shared need) not kept for the
other list: those with a need met by an offer first, then the others, each best first (the
discount alone cost needs met their place, measured). Pairs already tied, in one group,
introduced before, or dismissed are never suggested; neither are archived people
nor (unless asked) people you only follow. Private topics, events and groups are
never used as evidence.

Candidates come from inverted indexes (people per topic, need, offer, event,
organisation, place, and per acquaintance), never from all pairs. Over the whole
book, needs met are walked first when seekers x offerers is at most ``PAIR_CAP``
(5,000), then the other lists (needs met in part among them) from the cheapest
(rarest) up, until
max(``PAIR_BUDGET``, ``PAIRS_PER_PERSON`` x N) = max(50,000, 10 N) pair updates
are spent. With ``--topic`` the lists of each topic matching it (topics.py) are
walked when held by at most 10 x ``CAP`` (600) people (needs: 10 x ``PAIR_CAP``
pairings); with ``--for`` every pair with that person is considered (through keys held by at most
``FOCUS_CAP``, 3,000, people, and needs met in part through offers or needs held by at most
10 x ``CAP``; pairs linked only by a chain of three ties are
candidates too, and so are pairs linked only by an acquaintance at the other's
organisation: the scope holds everyone at the organisations of whom the focus knows, and
the ties of everyone at the focus's organisation). With ``--for`` or one pair
(``pln introduce A B``) the book is loaded in two steps: everyone's row in the scope
(the focus's sharers and ties, or the two and their acquaintances), then topics,
offers and needs only for the people scored (``Book.complete``: the candidates, or
the two; with ``--for`` and no ``--topic``, ``Book.complete_focus``: of the candidates'
rows already read for the focus's lists, those a pair with the focus is scored on, with
no second read). Every candidate is then scored exactly, on all of its evidence; with
``--for`` (no ``--topic``), only those that can be listed: best first by bounds, until
``--limit`` scored pairs come before the best any other could reach in each list
(``_scored_with_focus``: the lists are those of scoring them all). The reasons are said
only for the pairs listed (``_explained``).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import chain, combinations
from operator import itemgetter

from .errors import InvalidInput
from .lean import NamedTuple
from .resolve import PersonRef
from .store import Conn
from .store import index as store
from .text import and_joined, fold, topic_key
from .topics import Topics, key_words, matched_words

COMPLEMENT, TOPIC, SHARED_NEED = 3.0, 1.0, 0.6
# a need met in part: an offer holding every word of the need and more ("retrieval practice
# coaching" for "retrieval practice", as `pln who` finds it) weighs PARTIAL x the least a need
# met weighs (COMPLEMENT x 0.5: its rarity is not counted, so it is always under a need met
# in full, and needs no count of the offer's holders: a count a key at 100,000 people)
PARTIAL = 0.5
MET_IN_PART = COMPLEMENT * 0.5 * PARTIAL
# a need met by someone who works on it (a topic of theirs, not an offer): WORKS_ON x (0.5 +
# 0.5 w) of the topic's key, each way; a third of a need met by an offer (an offer says they
# would help; a topic, only that they know the field), about a rare topic both work on
WORKS_ON = 1.0
# the introduce score is topical only: a shared event, organisation or place, and common
# acquaintances, are evidence that the two already know each other (the know score)
INTRO_WEIGHT = {"s": SHARED_NEED, "i": TOPIC}
# know score: resource allocation (sum of 1 / degree over common acquaintances) plus
# K / df for each shared event, organisation, place and topic held by df people
KNOW_EVENT, KNOW_ORG, KNOW_PLACE, KNOW_TOPIC = 0.5, 1.0, 0.25, 0.25
LIKELY_AT = 0.7  # a know score from here on is marked "likely" and never an introduction
DISCOUNT = 0.05  # the introduce score x DISCOUNT / (DISCOUNT + know less its topics part)
# chains of acquaintances a - z1 - z2 - b add KNOW_PATH / (degree z1 x degree z2) each, through
# people who know at most PATH_CAP others (past that a chain weighs under 1 / PATH_CAP^2)
KNOW_PATH, PATH_CAP = 1.0, 100
# whom one knows at the other's organisation adds KNOW_ORG / df each, for organisations of
# at most COLLEAGUE_CAP people
COLLEAGUE_CAP = 100
CAP, PAIR_CAP = 60, 5_000  # --topic walks lists of at most 10 x CAP (needs: 10 x PAIR_CAP)
PAIR_BUDGET, PAIRS_PER_PERSON = 50_000, 10  # whole book: pair updates, max(budget, 10 N)
KNOW_WEIGHT = {"e": KNOW_EVENT, "g": KNOW_ORG, "l": KNOW_PLACE, "i": KNOW_TOPIC}
# know evidence beyond topics
SOCIAL = frozenset(("mutual", "path", "org", "colleague", "place", "event"))
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
    org_key: str | None
    place_key: str | None

    def index_keys(self) -> list[str]:
        """This person's entries in the inverted index."""
        keys = [f"i:{k}" for k in self.interests] + [f"o:{k}" for k in self.offers]
        keys += [f"s:{k}" for k in self.seeks] + [f"e:{e}" for e in self.events]
        keys += [f"g:{self.org_key}"] if self.org_key else []
        return keys + ([f"l:{self.place_key}"] if self.place_key else [])


class TopicNames(dict[str, str]):
    """A topic key's name as the user first wrote it, looked up when first shown."""

    def __init__(self, conn: Conn, book: Book) -> None:
        super().__init__()
        self.conn, self.book = conn, book

    def __missing__(self, key: str) -> str:
        stored = _aliases(self.book, key)
        first = store.topic_as_first_written(self.conn, stored)
        self[key] = key if first is None else first
        return self[key]


class Suggestion(NamedTuple):
    a: PersonRef
    b: PersonRef
    kind: str  # "introduce" | "already-know?"
    score: float
    reasons: list[str]
    evidence: list[str]  # complement, topic, need, event, org, place, mutual
    know: float = 0.0  # the know score, whichever list the pair is in
    likely: bool = False  # already-know? pairs: the know score reaches LIKELY_AT


def code(x: int, y: int) -> int:
    """One int for an unordered pair: cheaper than a tuple in the big dictionaries."""
    return (x << 32) | y if x < y else (y << 32) | x


class Book:
    """What suggestions need, loaded once: people, their keys, ties, and the rarity of each key."""

    def __init__(
        self,
        conn: Conn,
        *,
        include_following: bool,
        today: date,
        synonyms: dict[str, str] | None = None,
        focus: int | None = None,
        pair: tuple[int, int] | None = None,
    ) -> None:
        """Load the whole book, or (``focus``) only what suggestions for one person need,
        or (``pair``) only the two people and their acquaintances, to score one pair."""
        # topics are matched by their words' stems and the synonyms (topics.py): a person's
        # topics are held as the words_key they count as, so "managing behaviour" and
        # "behaviour management" are one key here
        self.conn = conn
        self.following = include_following
        self.topics = Topics(conn, synonyms or {})
        self.private = store.private_keys(conn)
        self.private_topics = {
            self.topics.canonical(k[6:]) for k in self.private if k.startswith("topic:")
        }
        self.topic_names = TopicNames(conn, self)
        self.focus = focus
        # with a focus or a pair, few keys are compared: no index of every key's words
        self._few = focus is not None or pair is not None
        self._by_word: dict[str, set[str]] | None = None
        self._covering: dict[str, tuple[str, ...]] = {}
        self._covered: dict[str, tuple[str, ...]] = {}
        # stored key -> its words' first letters, and how many words it has
        self._initials: dict[str, tuple[set[str], int]] | None = None
        self._matched: dict[tuple[str, str], str] = {}  # (need, offer) -> " (matched: ...)"
        self.counts: dict[str, int] | None = None
        # a scoped book loads everyone's row, but topics, offers and needs only for the
        # people it scores (``complete``): these are the others
        self.partial: set[int] = set()
        self._counts_as: dict[str, str | None] = {}
        # with a focus: each person's entries in the lists of the keys the focus's pairs are
        # scored on (``_index_focus``), from which ``complete_focus`` makes the people scored
        self._focus_held: dict[int, set[str]] = {}
        # with a focus: every (person id, kind, stored key) row of each of the focus's topics
        # held by at most FOCUS_CAP (read once: for the scope, the index and the counts)
        self.holders: dict[str, list[tuple[int, str, str]]] = {}
        # how many considered share an event, organisation or place with the focus
        self.sharing: dict[tuple[str, object], int] = {}
        # the focus's place (as stored) when more than FOCUS_CAP people have it: counted
        # with ``n``, in one read (``_focus_counts``)
        self.big_place: object = None
        self._n: Callable[[], int] | None = None
        self._weights: dict[str, float] = {}
        self.scope = ""
        if focus is not None:
            self.scope = _scope(conn, self, focus)
        elif pair is not None:
            self.scope = _pair_scope(conn, pair)
        self.people = self._load_people(conn, include_following)
        # scoped: only the events the people loaded were met at, by id
        met_at = sorted({e for p in self.people.values() for e in p.events}) if self.scope else None
        self.event_names = {
            eid: name
            for eid, name in store.event_names(conn, met_at)
            if f"event:{fold(name)}" not in self.private
        }
        self.neighbours = self._load_ties(conn)
        # one pair is scored whatever blocks it from the lists
        self.blocked = self._load_blocked(conn, today) if pair is None else set()
        self._whole_n = max(len(self.people), 2)
        if pair is not None:
            self.complete(pair)
            self._n, self.counts = _focus_counts(conn, self, include_following, pair)
        self.index: dict[str, list[int]] = defaultdict(list)
        if focus is not None:
            if focus not in self.people:
                raise InvalidInput(
                    "--for names someone you only follow",
                    "add --include-following to consider people you only follow",
                )
            self.complete((focus,))
            self._n, self.counts = _focus_counts(conn, self, include_following, (focus,))
            self._index_focus(conn, self.people[focus])
        elif pair is None:
            for p in self.people.values():
                for key in p.index_keys():
                    self.index[key].append(p.id)

    @property
    def n(self) -> int:
        """How many people suggestions consider (with a focus or a pair: counted when
        first asked for, as a draft never asks)."""
        if self._n is not None:
            self._whole_n, self._n = self._n(), None
        return self._whole_n

    def _effective(self, key: str) -> str | None:
        """The key a stored topic counts as (its words, through synonyms); None when private."""
        canonical = self.topics.canonical(key)
        if f"topic:{key}" in self.private or canonical in self.private_topics:
            return None
        return canonical

    def written(self, pid: int, kind: str, key: str) -> str | None:
        """How this person wrote the topic that counts as ``key`` (their first spelling)."""
        stored = _aliases(self, key)
        return store.topic_as_written_by(self.topics.conn, pid, kind, stored)

    def _load_people(self, conn: Conn, following: bool) -> dict[int, Person]:
        scoped = bool(self.scope)
        rows = store.people(conn, following=following, scoped=scoped)
        if scoped:  # their topics, offers and needs when they are scored (``complete``)
            return self._rows_only(rows)
        effective: dict[str, str | None] = {}
        # the whole book's distinct keys are the stored topics (one seek per key, where
        # DISTINCT reads every row: 6.5 ms at 10,000 people, and the topics read them anyway)
        for stored in self.topics.stored():
            effective[stored] = self._effective(stored)
        self._counts_as.update(effective)
        same = all(k == v for k, v in effective.items())
        attrs = store.topic_keys_by_person(
            conn, scoped=scoped, effective=None if same else effective
        )
        folded: dict[str, str] = {}
        people = {}
        empty: frozenset[str] = frozenset()
        for pid, name, circle, org, place, met_at in rows:
            offers = attrs.get((pid, "offers"), empty)
            people[pid] = Person(
                pid,
                name,
                circle,
                org,
                place,
                attrs.get((pid, "topic"), empty) | offers,
                offers,
                attrs.get((pid, "seeks"), empty),
                frozenset([met_at] if met_at else ()),
                _fold_cached(folded, org),
                _fold_cached(folded, place),
            )
        return people

    def _rows_only(self, rows: list[tuple[int, str, str, str, str, int]]) -> dict[int, Person]:
        # the folded organisations and places, each distinct value folded once (a few
        # thousand people share a few hundred); each Person made as the tuple it is
        # (``tuple.__new__``: the NamedTuple's own ``__new__`` is a Python call a person)
        folded = {v: fold(v) for v in {r[3] for r in rows} | {r[4] for r in rows} if v}
        empty: frozenset[str] = frozenset()
        none: frozenset[int] = frozenset()
        make, get = tuple.__new__, folded.get
        people = {
            pid: make(
                Person,
                (
                    pid,
                    name,
                    circle,
                    org,
                    place,
                    empty,
                    empty,
                    empty,
                    frozenset((met_at,)) if met_at else none,
                    get(org) if org else None,
                    get(place) if place else None,
                ),
            )
            for pid, name, circle, org, place, met_at in rows
        }
        self.partial = set(people)
        return people

    def complete(self, ids: Iterable[int]) -> None:
        """Load the topics, offers and needs of these people, as loading the whole book
        would (a scoped book loads them only for the people it scores)."""
        if not self.partial:
            return
        todo = sorted({i for i in ids if i in self.partial})
        if not todo:
            return
        self.partial.difference_update(todo)
        held: dict[tuple[int, str], set[str]] = defaultdict(set)
        counts_as, missing = self._counts_as, self._counts_as_key
        for pid, kind, stored in store.topic_keys_of_people(self.conn, todo):
            key = counts_as[stored] if stored in counts_as else missing(stored)
            if key is not None:
                held[pid, kind].add(key)
        empty: set[str] = set()
        people = self.people
        for pid in todo:
            p = people[pid]
            offers = frozenset(held.get((pid, "offers"), empty))
            interests = frozenset(held.get((pid, "topic"), empty)) | offers
            seeks = frozenset(held.get((pid, "seeks"), empty))
            people[pid] = Person(
                pid, p.name, p.circle, p.org, p.place, interests, offers, seeks, *p[8:]
            )

    def complete_focus(self, ids: Iterable[int]) -> None:
        """What scoring a pair with the focus reads of these people (not the focus), from
        their entries in the focus's lists (``_index_focus``, from the rows it read): their
        topics, offers and needs that count as a key the focus's pairs are scored on (the
        focus's own keys as any kind, the offers that meet a need of the focus in part,
        the needs an offer of the focus meets in part), and no other. ``score_pair`` of the
        focus and one of them compares only those (a topic both work on, a need met in
        full or in part, a need both have), so it gives what it gives with everything
        loaded; the rest is left unread (no statement).
        They stay in ``partial``: ``complete`` still loads all of theirs when asked."""
        todo = {i for i in ids if i in self.partial}
        held = self._focus_held
        people = self.people
        for pid in sorted(todo):
            p, tags = people[pid], held.get(pid, ())
            # "i:" a topic or an offer, "o:" an offer, "s:" a need (``_index_focus``)
            offers = frozenset(t[2:] for t in tags if t[0] == "o")
            interests = frozenset(t[2:] for t in tags if t[0] == "i") | offers
            seeks = frozenset(t[2:] for t in tags if t[0] == "s")
            people[pid] = Person(
                pid, p.name, p.circle, p.org, p.place, interests, offers, seeks, *p[8:]
            )

    def _counts_as_key(self, stored: str) -> str | None:
        if stored not in self._counts_as:
            self._counts_as[stored] = self._effective(stored)
        return self._counts_as[stored]

    def met_in_part(self, seeker: Person, offerer: Person) -> list[tuple[str, str]]:
        """(need, offer) for each need of ``seeker`` that ``offerer`` does not offer as such
        but meets in part: with the offer closest to it (the fewest words, then by key)."""
        found: list[tuple[str, str]] = []
        if not seeker.seeks or not offerer.offers:
            return found
        offered = [(set(o.split()), o) for o in offerer.offers]
        for k in sorted(seeker.seeks - offerer.offers):
            words = set(k.split())
            offers = [o for held, o in offered if words < held]
            if offers:
                found.append((k, min(offers, key=lambda o: (len(o.split()), o))))
        return found

    def covering(self, key: str) -> tuple[str, ...]:
        """The other keys (as they count here) that hold every word of ``key`` and more:
        the offers that meet a need in part ("retrieval practice coaching" for "retrieval
        practice"), as ``pln who`` finds them."""
        found = self._covering.get(key)
        if found is None:
            words = set(key.split())
            found = tuple(sorted(k for k in self._like(words, more=True) if words < set(k.split())))
            self._covering[key] = found
        return found

    def covered(self, key: str) -> tuple[str, ...]:
        """The other keys whose every word ``key`` holds: the needs an offer meets in part."""
        found = self._covered.get(key)
        if found is None:
            words = set(key.split())
            found = tuple(
                sorted(k for k in self._like(words, more=False) if set(k.split()) < words)
            )
            self._covered[key] = found
        return found

    def _like(self, words: set[str], *, more: bool) -> set[str]:
        """The keys (as they count here) that may hold every one of ``words`` and more
        (``more``), or only some of them: a superset of the answer, tested by the caller."""
        if not self._few:  # the whole book: an index of every key by its words, built once
            if self._by_word is None:
                self._by_word = defaultdict(set)
                for stored in self.topics.stored():
                    k = self._counts_as_key(stored)
                    if k:
                        for w in k.split():
                            self._by_word[w].add(k)
            lists = [self._by_word.get(w, set()) for w in words]
            if more:
                return set.intersection(*lists) if lists else set()
            return set().union(*lists)
        # a focus or a pair: only stored keys whose words begin with the right letters are
        # stemmed (a stem keeps its word's first letter; a synonym may have other words)
        # (and a key that holds more words than ``words`` has more words than they have)
        letters = {w[0] for w in words}
        any_key = bool(self.topics.synonyms)
        if self._initials is None:
            self._initials = {}
            for stored in self.topics.stored():
                held = key_words(stored)
                self._initials[stored] = ({w[0] for w in held}, len(held))
        found = set()
        for stored, (have, count) in self._initials.items():
            if not any_key and (
                not (letters <= have and count > len(words)) if more else not have <= letters
            ):
                continue
            k = self._counts_as_key(stored)
            if k:
                found.add(k)
        return found

    def _index_focus(self, conn: Conn, focus: Person) -> None:
        """The lists of the index that suggestions for ``focus`` walk: whoever (in the
        scope) holds one of the focus's topics, offers or needs, or shares their event,
        organisation or place; each in the order of the whole book's index."""
        tags = {"topic": ("i",), "offers": ("i", "o"), "seeks": ("s",)}
        # canonical key -> kind -> the index keys it puts its holder in: the focus's own
        # keys, who offers what meets the focus's needs in part, and who has a need one of
        # the focus's offers meets in part
        want: dict[str, dict[str, set[str]]] = {
            k: {kind: set(t) for kind, t in tags.items()} for k in focus.interests | focus.seeks
        }
        for need in focus.seeks:
            for k in self.covering(need):
                want.setdefault(k, {}).setdefault("offers", set()).add("o")
        for offer in focus.offers:
            for k in self.covered(offer):
                want.setdefault(k, {}).setdefault("seeks", set()).add("s")
        stored = sorted({s for k in want for s in _aliases(self, k)})
        rows = [row for k in want for row in self.holders.get(k, ())]
        # the others are held by more than FOCUS_CAP: only those in the scope count
        rows += store.scope_holders(
            conn, sorted({s for k in want if k not in self.holders for s in _aliases(self, k)})
        )
        # (kind, stored key) -> the index keys it puts its holder in
        entries = {
            (kind, key): [f"{tag}:{k}" for tag in sorted(found)]
            for key in stored
            for k in [self._counts_as_key(key)]
            if k in want
            for kind, found in want[k].items()
        }
        held: dict[int, set[str]] = defaultdict(set)
        for pid, kind, key in rows:
            found = entries.get((kind, key))
            if found:
                held[pid].update(found)
        self._focus_held = held  # for ``complete_focus``
        index, people = self.index, self.people
        for pid in people:  # each list in the order of the people, as the whole book's
            keys = held.get(pid)
            if keys:
                for key in keys:
                    index[key].append(pid)
        # who shares the focus's event, organisation and place: a list each, in one pass
        # each (a place is often everyone's)
        event = next(iter(focus.events), None)
        org, place = focus.org_key, focus.place_key
        everyone = people.values()
        shared = {
            f"e:{event}": [p.id for p in everyone if event in p.events] if event else [],
            f"g:{org}": [p.id for p in everyone if p.org_key == org] if org else [],
            f"l:{place}": [p.id for p in everyone if p.place_key == place] if place else [],
        }
        index.update((key, ids) for key, ids in shared.items() if ids)

    def _load_ties(self, conn: Conn) -> dict[int, set[int]]:
        # scoped: the focus's ties, and the ties of everyone it knows
        return store.neighbours(conn, scoped=bool(self.scope))

    def _load_blocked(self, conn: Conn, today: date) -> set[int]:
        """Pairs never to suggest: tied, introduced, dismissed, or in one group."""
        blocked = {code(a, b) for a, nb in self.neighbours.items() for b in nb if a < b}
        blocked.update(code(a, b) for a, b in store.introduced_pairs(conn))
        blocked.update(code(a, b) for a, b in store.dismissed_pairs(conn, today.isoformat()))
        for ids in store.group_memberships(conn).values():
            blocked.update(code(x, y) for i, x in enumerate(ids) for y in ids[i + 1 :])
        return blocked

    def df(self, key: str) -> int:
        if self.counts is not None:
            return self.counts.get(key, 1)
        return len(self.index.get(key, ()))

    def org_df(self, person: Person) -> int:
        """How many eligible people are at this person's organisation (any person's: with
        a focus or a pair, an organisation other than theirs is counted when first asked)."""
        key = f"g:{person.org_key}"
        if self.counts is None or key in getattr(self.counts, "held", ()):
            return self.df(key)
        return self.eligible_sharing("org", person.org)

    def eligible_sharing(self, column: str, value: object) -> int:
        """How many eligible people have this ``met_at_id``, ``org`` or ``location``
        (counted when first asked for)."""
        if (column, value) not in self.sharing:
            self.sharing[column, value] = store.sharing(
                self.conn, column, value, following=self.following
            )
        return self.sharing[column, value]

    def colleagues(self, x: int, y: Person) -> list[int]:
        """Whom ``x`` knows at ``y``'s organisation (not ``y``), when it has at most
        COLLEAGUE_CAP eligible people (past that, 1 / df is under 1 / COLLEAGUE_CAP)."""
        org, people = y.org_key, self.people
        if not org:
            return []
        found = sorted(
            z
            for z in self.neighbours.get(x, ())
            if z != y.id and z in people and people[z].org_key == org
        )
        # counted only then: with a focus, each organisation where it is not empty was
        # counted by ``_scope`` (one the focus knows someone at) or is the focus's own
        return found if found and self.org_df(y) <= COLLEAGUE_CAP else []

    def weight(self, key: str) -> float:
        """The introduce weight of a key (each computed once: its count and ``n`` are
        fixed once taken, and scoring asks for the same keys pair after pair)."""
        found = self._weights.get(key)
        if found is None:
            df = max(self.df(key), 1)
            found = self._weights[key] = max(math.log(self.n / df) / math.log(self.n), 0.05)
        return found

    # ---- candidates ------------------------------------------------------------------

    def accumulate(
        self, focus: int | None = None, topic: frozenset[str] | None = None
    ) -> dict[int, complex]:
        """Approximate introduce and know scores of candidate pairs, from the index.

        Each posting list adds its evidence to every pair in it, so the work is the
        number of pairs sharing something, never all pairs. Capped lists (things too
        common to distinguish anyone) are left to the exact scoring of candidates.
        Both sums live in one dictionary, as complex numbers: the real part is the
        introduce score, the imaginary part the know score (one update per pair).
        """
        if focus is None and topic is None:
            return self._accumulate_book()
        acc: dict[int, complex] = defaultdict(complex)
        keys = self._keys_to_walk(focus, topic)
        scale = 10 if topic else 1
        for key in keys:
            ids = self.index.get(key, [])
            tag, rest = key[0], key[2:]
            if tag == "s":
                offerers = self.index.get("o:" + rest, [])
                if focus or len(ids) * len(offerers) <= PAIR_CAP * scale:
                    w = COMPLEMENT * (0.5 + 0.5 * self.weight("o:" + rest))
                    _cross(acc, ids, offerers, w, focus)
                for offer in self.covering(rest):  # needs met in part
                    offerers = self.index.get("o:" + offer, [])
                    if not offerers or (focus is not None and focus not in ids + offerers):
                        continue
                    if focus or len(ids) * len(offerers) <= PAIR_CAP * scale:
                        _cross(acc, ids, offerers, MET_IN_PART, focus)
                workers = self.index.get("i:" + rest, [])  # and who works on it
                if workers and (focus or len(ids) * len(workers) <= PAIR_CAP * scale):
                    w = WORKS_ON * (0.5 + 0.5 * self.weight("i:" + rest))
                    _cross(acc, ids, workers, w, focus)
            if tag == "o" or not (focus or len(ids) <= CAP * scale):
                continue
            intro = INTRO_WEIGHT.get(tag, 0.0)
            know = KNOW_WEIGHT.get(tag, 0.0) / max(self.df(key), 1)
            _within(acc, ids, complex(intro * self.weight(key), know), focus)
        if focus is not None and topic is None:
            self._mutual(acc, focus)
            self._colleagues(acc, focus)
        for blocked in self.blocked:
            acc.pop(blocked, None)
        return acc

    def _accumulate_book(self) -> dict[int, complex]:
        """The whole book: needs met first, then the cheapest (rarest, so weightiest) lists.

        A list's cost is the number of pairs it adds to: seekers x offerers for a
        need (walked when at most PAIR_CAP), C(df, 2) within a key, C(degree, 2) for
        an acquaintance. Needs met are walked first (they weigh most); then the
        other lists in order of cost, until max(PAIR_BUDGET, PAIRS_PER_PERSON x N)
        pair updates are spent in all. What is left is evidence too common to single
        anyone out, and still counts in the exact scoring of every candidate.
        """
        units: list[tuple[int, int, str | int | tuple[str, str]]] = []
        for key, ids in list(self.index.items()):
            tag = key[0]
            if tag == "s":
                offerers = self.index.get("o:" + key[2:], ())
                if offerers and len(ids) * len(offerers) <= PAIR_CAP:
                    units.append((0, len(ids) * len(offerers), key))  # needs met: first
                for offer in self.covering(key[2:]):  # needs met in part: within the budget
                    offerers = self.index.get("o:" + offer, ())
                    if offerers and len(ids) * len(offerers) <= PAIR_CAP:
                        units.append((1, len(ids) * len(offerers), (key, "o:" + offer)))
                workers = self.index.get("i:" + key[2:], ())  # who works on it: the same
                if workers and len(ids) * len(workers) <= PAIR_CAP:
                    units.append((1, len(ids) * len(workers), (key, "i:" + key[2:])))
            if tag != "o" and len(ids) > 1:
                units.append((1, len(ids) * (len(ids) - 1) // 2, key))
        for z, nb in self.neighbours.items():
            if len(nb) > 1:
                units.append((1, len(nb) * (len(nb) - 1) // 2, z))
        units.sort(key=itemgetter(0, 1))
        acc: dict[int, complex] = defaultdict(complex)
        budget = max(PAIR_BUDGET, PAIRS_PER_PERSON * len(self.people))
        for kind, cost, item in units:
            budget -= cost
            if budget < 0 and kind:
                break
            if isinstance(item, int):
                known = [x for x in self.neighbours[item] if x in self.people]
                _within(acc, known, complex(0, 1 / len(self.neighbours[item])), None)
            elif isinstance(item, tuple):  # a need met in part, or by who works on it
                need, other = item
                w = MET_IN_PART if other[0] == "o" else WORKS_ON * (0.5 + 0.5 * self.weight(other))
                _cross(acc, self.index[need], self.index[other], w, None)
            elif kind == 0:
                w = COMPLEMENT * (0.5 + 0.5 * self.weight("o:" + item[2:]))
                _cross(acc, self.index[item], self.index["o:" + item[2:]], w, None)
            else:
                tag = item[0]
                intro = INTRO_WEIGHT.get(tag, 0.0)
                know = KNOW_WEIGHT.get(tag, 0.0) / self.df(item)
                _within(acc, self.index[item], complex(intro * self.weight(item), know), None)
        for blocked in self.blocked:
            acc.pop(blocked, None)
        return acc

    def _keys_to_walk(self, focus: int | None, topic: frozenset[str] | None) -> list[str]:
        if topic is not None:  # every topic matching --topic (see ``wanted``)
            return [f"{tag}:{key}" for key in sorted(topic) for tag in "si"]
        if focus is not None:
            person = self.people[focus]
            # and who seeks what I offer or work on, or a need my offers meet in part
            needs = [f"s:{k}" for k in person.interests]
            needs += [f"s:{k}" for o in sorted(person.offers) for k in self.covered(o)]
            return list(dict.fromkeys(person.index_keys() + needs))
        return list(self.index)

    def _mutual(self, acc: dict[int, complex], focus: int) -> None:
        """Resource allocation over common acquaintances, for the already-know list:
        each acquaintance z of the focus hands 1 / degree(z) to the focus and each
        other person z knows; then each chain focus - z1 - z2 - x hands
        KNOW_PATH / (degree z1 x degree z2) to the pair (focus, x)."""
        for z in self.neighbours.get(focus, ()):
            nb = self.neighbours[z]
            _within(acc, [x for x in nb if x in self.people], complex(0, 1 / len(nb)), focus)
        for z1 in self.neighbours.get(focus, ()):
            d1 = len(self.neighbours[z1])
            if d1 > PATH_CAP:
                continue
            for z2 in self.neighbours[z1]:
                nb2 = self.neighbours[z2]
                if z2 == focus or len(nb2) > PATH_CAP:
                    continue
                w = complex(0, KNOW_PATH / (d1 * len(nb2)))
                for x in nb2:
                    if x != focus and x != z1 and x in self.people:
                        acc[code(focus, x)] += w

    def _colleagues(self, acc: dict[int, complex], focus: int) -> None:
        """Acquaintances at the other's organisation, for the already-know list: each
        acquaintance z of the focus hands KNOW_ORG / df to the focus and each other person
        at z's organisation; each person at the focus's organisation hands it to the focus
        and each person they know."""
        by_org: dict[str, list[int]] = defaultdict(list)
        for p in self.people.values():
            if p.org_key:
                by_org[p.org_key].append(p.id)
        people = self.people
        for z in self.neighbours.get(focus, ()):
            other = people.get(z)
            org = other.org_key if other is not None else None
            if other is not None and org and self.org_df(other) <= COLLEAGUE_CAP:
                w = complex(0, KNOW_ORG / max(self.org_df(other), 1))
                _with_focus(acc, focus, [b for b in by_org[org] if b != z], w)
        me = people[focus]
        if me.org_key and self.org_df(me) <= COLLEAGUE_CAP:
            w = complex(0, KNOW_ORG / max(self.org_df(me), 1))
            for m in by_org[me.org_key]:
                if m != focus:
                    _with_focus(
                        acc, focus, [b for b in self.neighbours.get(m, ()) if b in people], w
                    )


def _aliases(book: Book, key: str) -> list[str]:
    """Every stored key that counts as ``key``: the same words, or a synonym."""
    return book.topics.spellings(key) or [key]


FOCUS_CAP = 3000  # with --for, a key held by more people than this finds no candidates


def _scope(conn: Conn, book: Book, focus: int) -> str:
    """Fill temp tables with the people worth loading for ``focus``: whoever shares a
    topic, need, offer, event, organisation or place with them (unless that is held
    by more than FOCUS_CAP people), and everyone within three ties of them."""
    store.open_scope(conn)
    store.hood_add_focus(conn, focus)
    known = store.hood_others(conn, focus)
    _hood_through_chains(conn, known)
    for canonical, kinds in _focus_keys(conn, book, focus).items():
        keys = _aliases(book, canonical)
        # a need met in part is searched through offers (needs) held by at most 10 x CAP
        cap = FOCUS_CAP if kinds == store.TOPIC_KINDS else 10 * CAP
        rows = store.key_holders(conn, keys, cap=cap, kinds=kinds)
        if rows is not None:
            book.holders[canonical] = rows
            store.scope_add_holders(conn, keys, kinds)
    for column, value in store.sharing_values(conn, focus):
        if value is None:
            continue
        # held by at most FOCUS_CAP, in all (counted when asked for: ``_focus_counts``)
        if not store.sharing_over(conn, column, value, FOCUS_CAP):
            store.scope_add_sharing(conn, focus, column)
        elif column == "location":
            book.big_place = value
        if column == "org" and book.eligible_sharing(column, value) <= COLLEAGUE_CAP:
            # whom the focus's colleagues know (``Book.colleagues``): their ties
            store.hood_add_sharing(conn, focus, column)
    # and everyone at the organisations of whom the focus knows: their organisations read
    # in one statement, and each organisation (as stored) added once
    added: set[object] = set()
    for z, values in store.sharing_values_of(conn, known).items():
        org = dict(values)["org"]
        if org is None or org in added:
            continue
        added.add(org)
        if book.eligible_sharing("org", org) <= COLLEAGUE_CAP:
            store.scope_add_sharing(conn, z, "org")
    store.scope_add_hood(conn)
    return "_scope"


def _focus_keys(conn: Conn, book: Book, focus: int) -> dict[str, tuple[str, ...]]:
    """The keys the focus's topics, offers and needs count as (held as any kind), then
    the offers that meet one of their needs in part and the needs one of their offers
    meets in part (held as that kind): each with the kinds of its holders that matter."""
    own: dict[str, set[str]] = defaultdict(set)
    for _, kind, stored in store.topic_keys_of_people(conn, [focus]):
        own[kind].add(book.topics.canonical(stored))
    every = set().union(*own.values())
    related: dict[str, set[str]] = defaultdict(set)
    for need in sorted(own["seeks"]):
        for k in book.covering(need):
            related[k].add("offers")
    for offer in sorted(own["offers"]):
        for k in book.covered(offer):
            related[k].add("seeks")
    keys: dict[str, tuple[str, ...]] = dict.fromkeys(sorted(every), store.TOPIC_KINDS)
    for k in sorted(set(related) - every):
        keys[k] = tuple(kind for kind in store.TOPIC_KINDS if kind in related[k])
    return keys


def _hood_through_chains(conn: Conn, known: list[int]) -> None:
    """Add to _hood whom the focus's acquaintances (``known``) know (through those who
    know at most PATH_CAP people), so that the middle of every chain focus - z1 - z2 - x
    has its ties loaded."""
    for z in known:
        if store.tie_degree(conn, z) <= PATH_CAP:
            store.hood_add_ties_of(conn, z)


def _pair_scope(conn: Conn, pair: tuple[int, int]) -> str:
    """Fill the temp tables with the two people and whom they know (for common
    acquaintances and their degrees): all that scoring one pair needs."""
    store.pair_scope(conn, pair)
    return "_scope"


def _focus_counts(
    conn: Conn, book: Book, following: bool, ids: Sequence[int]
) -> tuple[Callable[[], int], dict[str, int]]:
    """The number of eligible people, and how many hold each key of these people (each
    counted when first asked for: one pair's draft asks for none)."""
    held: dict[str, Person] = {}
    for i in ids:
        person = book.people.get(i)
        if person is not None:  # and who offers or works on what they seek (the weights
            # of a need met)
            offers = [f"{t}:{k}" for k in sorted(person.seeks) for t in "oi"]
            for k in person.index_keys() + offers:
                held.setdefault(k, person)

    def count(key: str) -> int:
        person = held[key]
        tag, rest = key[0], key[2:]
        if tag in "ios":
            kinds = {"i": ("topic", "offers"), "o": ("offers",), "s": ("seeks",)}[tag]
            rows = book.holders.get(rest)
            if rows is not None:  # all its holders are in the scope: the eligible are loaded
                return len({pid for pid, kind, _ in rows if kind in kinds and pid in book.people})
            return store.count_holders(conn, kinds, _aliases(book, rest), following=following)
        column, value = dict(zip("egl", _sharing(person), strict=True))[tag]
        return book.eligible_sharing(column, value)  # ``following`` is the book's

    def eligible() -> int:
        place = book.big_place
        if place is None or ("location", place) in book.sharing:
            return max(store.count_eligible(conn, following=following), 2)
        # a place most people share (one city's book): its count is asked for next, and
        # both are read in one statement (two rows of key_count)
        n, book.sharing["location", place] = store.count_eligible_sharing(
            conn, "location", place, following=following
        )
        return max(n, 2)

    return eligible, _Held(count, set(held))


def _sharing(person: Person) -> list[tuple[str, object]]:
    """The person's event, organisation and place, as stored (the columns of ``person``)."""
    event = next(iter(person.events), None)
    return [("met_at_id", event), ("org", person.org), ("location", person.place)]


class _Held(dict[str, int]):
    """Counts of the keys in ``held``, each taken when first asked for; any other key is
    held by no one loaded, and ``get`` gives its default for it."""

    def __init__(self, count: Callable[[str], int], held: set[str]) -> None:
        super().__init__()
        self.count, self.held = count, held

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        if key not in self.held:
            return default
        if key not in self:
            self[key] = self.count(key)
        return self[key]


def _fold_cached(cache: dict[str, str], value: str | None) -> str | None:
    if not value:
        return None
    if value not in cache:
        cache[value] = fold(value)
    return cache[value]


def _cross(
    acc: dict[int, complex], xs: list[int], ys: list[int], w: float, focus: int | None
) -> None:
    if focus is not None:
        if focus in xs:
            ys_ = ys
        elif focus in ys:
            ys_ = xs
        else:
            return
        _with_focus(acc, focus, ys_, w)
        return
    for x in xs:
        for y in ys:
            if x != y:
                acc[code(x, y)] += w


def _with_focus(acc: dict[int, complex], focus: int, ids: list[int], w: complex | float) -> None:
    """Add ``w`` to the pair of the focus and each other person in ``ids`` (``code``, inline)."""
    high = focus << 32
    for y in ids:
        if y != focus:
            acc[(y << 32) | focus if y < focus else high | y] += w


def _within(acc: dict[int, complex], ids: list[int], w: complex, focus: int | None) -> None:
    if focus is not None:
        if focus in ids:
            _with_focus(acc, focus, ids, w)
        return
    for pair in [(x << 32) | y for x, y in combinations(sorted(ids), 2)]:
        acc[pair] += w


# ---- scoring -------------------------------------------------------------------------


def works_on(seeker: Person, worker: Person) -> frozenset[str]:
    """The seeker's needs the worker works on without offering them (``WORKS_ON``)."""
    return (seeker.seeks & worker.interests) - worker.offers


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def score_pair(
    book: Book, a: Person, b: Person, *, keep: bool = False, explain: bool = True
) -> Suggestion | None:
    """The pair's suggestion, or None when it is neither (``keep``: never None); with
    ``explain`` False, its reasons are not said (the scores and evidence are the same)."""
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
            if explain:
                reasons.append(_need_met(book, seeker, offerer, k, sname, oname))
        for k, o in book.met_in_part(seeker, offerer):
            met_needs.add(o)
            comp += MET_IN_PART
            if explain:
                reasons.append(_need_met_in_part(book, (k, o), sname, oname))
    if comp:
        kinds.append("complement")
    intro += comp
    works = 0.0
    for seeker, worker, sname, wname in ((a, b, na, nb), (b, a, nb, na)):
        for k in sorted(works_on(seeker, worker)):
            met_needs.add(k)  # not also "both work on" it
            works += WORKS_ON * (0.5 + 0.5 * book.weight(f"i:{k}"))
            if explain:
                reasons.append(
                    f"{sname} is looking for help with {book.topic_names[k]}; {wname} works on it"
                )
    if works:
        kinds.append("works-on")
    intro += works
    common_topics = a.interests & b.interests
    topic_know = sum(KNOW_TOPIC / max(book.df(f"i:{k}"), 1) for k in common_topics)
    know += topic_know
    shared = sorted(common_topics - met_needs, key=lambda k: (book.df(f"i:{k}"), k))
    if shared:
        intro += sum(TOPIC * book.weight(f"i:{k}") for k in shared)
        kinds.append("topic")
        if explain:
            reasons.append(_shared_topics(book, shared))
    needs = sorted((a.seeks & b.seeks) - a.offers - b.offers)
    if needs:
        intro += sum(SHARED_NEED * book.weight(f"s:{k}") for k in needs)
        kinds.append("need")
        if explain:
            reasons.append(
                f"both are looking for {and_joined(book.topic_names[k] for k in needs)}:"
                " they could work on it together"
            )
    topical = bool(kinds)
    for e in sorted(a.events & b.events):
        if e in book.event_names:
            key = f"e:{e}"
            know += KNOW_EVENT / max(book.df(key), 1)
            kinds.append("event")
            if explain:
                reasons.append(f"both met at {book.event_names[e]}")
    for attr, tag, kw, say in (
        ("org", "g", KNOW_ORG, "both at"),
        ("place", "l", KNOW_PLACE, "both in"),
    ):
        ka, kb = getattr(a, f"{attr}_key"), getattr(b, f"{attr}_key")
        if ka and ka == kb:
            key = f"{tag}:{ka}"
            know += kw / max(book.df(key), 1)
            kinds.append(attr)
            if explain:
                reasons.append(f"{say} {getattr(a, attr)}")
    found: dict[str, list[int]] = {}
    for x, y, xname, yname in ((a, b, na, nb), (b, a, nb, na)):
        colleagues = book.colleagues(x.id, y)
        if colleagues:
            know += KNOW_ORG * len(colleagues) / max(book.org_df(y), 1)
            if "colleague" not in kinds:
                kinds.append("colleague")
            found[xname] = colleagues
            if explain and a.org_key != b.org_key:
                reasons.append(_colleague_reason(book, colleagues, y, xname, yname))
    if explain and found and a.org_key == b.org_key:  # colleagues of both: one reason
        reasons.append(_shared_colleagues_reason(book, found, a.org))
    common = book.neighbours.get(a.id, set()) & book.neighbours.get(b.id, set())
    if common:
        know += sum(1 / len(book.neighbours[z]) for z in common)
        kinds.append("mutual")
        if explain:
            reasons.append(_mutual(book, common))
    chains, best = _chains(book, a.id, b.id)
    if chains:
        know += KNOW_PATH * chains
        kinds.append("path")
        if explain and not common and best is not None:
            reasons.append(_chain_reason(book, best, na, nb))
    intro *= DISCOUNT / (DISCOUNT + know - topic_know)
    know = round(know, 3)
    if know >= LIKELY_AT:
        return Suggestion(_ref(a), _ref(b), "already-know?", know, reasons, kinds, know, True)
    if know > 0 and not topical:
        return Suggestion(_ref(a), _ref(b), "already-know?", know, reasons, kinds, know)
    if topical or keep:
        return Suggestion(_ref(a), _ref(b), "introduce", round(intro, 3), reasons, kinds, know)
    return None


def _chains(book: Book, a: int, b: int) -> tuple[float, tuple[int, int] | None]:
    """Chains of acquaintances a - z1 - z2 - b: the sum of 1 / (degree z1 x degree z2)
    over them (people who know more than PATH_CAP others are not walked), and the
    heaviest chain's (z1, z2)."""
    nbb = book.neighbours.get(b, set())
    total, heaviest, best = 0.0, 0.0, None
    for z1 in book.neighbours.get(a, ()):
        d1 = len(book.neighbours[z1])
        if z1 == b or d1 > PATH_CAP:
            continue
        for z2 in book.neighbours[z1] & nbb:
            d2 = len(book.neighbours[z2])
            if z2 != a and d2 <= PATH_CAP:
                total += 1 / (d1 * d2)
                if 1 / (d1 * d2) > heaviest:
                    heaviest, best = 1 / (d1 * d2), (z1, z2)
    return total, best


def _colleague_reason(
    book: Book, colleagues: list[int], y: Person, x_name: str, y_name: str
) -> str:
    if len(colleagues) == 1:
        z = book.people[colleagues[0]].name
        return f"{x_name} knows {z}, who is at {y.org} with {y_name}"
    return f"{x_name} knows {len(colleagues)} people at {y.org}, where {y_name} is"


def _shared_colleagues_reason(book: Book, found: dict[str, list[int]], org: str | None) -> str:
    """Two people at one organisation who know others there (after "both at ORG")."""
    if len(found) == 2:
        counts = ", ".join(f"{name} {len(c)}" for name, c in found.items())
        return f"each knows others at {org} ({counts})"
    [(name, colleagues)] = found.items()
    if len(colleagues) == 1:
        return f"{name} also knows {book.people[colleagues[0]].name} at {org}"
    return f"{name} knows {len(colleagues)} others at {org}"


def _chain_reason(book: Book, chain: tuple[int, int], a_name: str, b_name: str) -> str:
    z1, z2 = (book.people[z].name if z in book.people else "someone you know" for z in chain)
    return f"{a_name} knows {z1}, who knows {z2}, who knows {b_name}"


def _ref(p: Person) -> PersonRef:
    return PersonRef(p.id, p.name)


def _need_met(book: Book, seeker: Person, offerer: Person, key: str, sname: str, oname: str) -> str:
    """The reason for a need met; when the two wrote the same words differently, both
    spellings and the words that matched (topics.py). A synonym keeps the short reason."""
    if len(_aliases(book, key)) > 1:  # else both wrote it the same way
        sought = book.written(seeker.id, "seeks", key)
        offered = book.written(offerer.id, "offers", key)
        if sought and offered and topic_key(sought) != topic_key(offered):
            words = matched_words(sought, offered)
            if words:
                return (
                    f'{sname} is looking for help with "{sought}"; {oname} offers "{offered}"'
                    f" (matched: {', '.join(words)})"
                )
    return f"{sname} is looking for help with {book.topic_names[key]}; {oname} offers it"


def _need_met_in_part(book: Book, keys: tuple[str, str], sname: str, oname: str) -> str:
    """The reason for a need met by an offer that holds its words and more: both as
    written, and the words that matched."""
    need, offer = keys
    # each as first written in the book (read once per topic: a reason is made for every
    # pair scored, not only those shown; the drafts use each person's own words)
    sought, offered = book.topic_names[need], book.topic_names[offer]
    said = book._matched.get(keys)
    if said is None:  # once a pair of topics (stemming is dear; pairs repeat)
        words = matched_words(sought, offered)
        said = book._matched[keys] = f" (matched: {', '.join(words)})" if words else ""
    return f'{sname} is looking for help with "{sought}"; {oname} offers "{offered}"{said}'


def _shared_topics(book: Book, keys: list[str]) -> str:
    rarest = keys[0]
    df = book.df(f"i:{rarest}")
    text = f"both work on {and_joined(book.topic_names[k] for k in keys[:3])}"
    # "only N" is said when the topic is rare: at most RARE contacts, and at most one in
    # ten of them (3 of 12 contacts is a quarter of the book, not rare).
    if df <= RARE and df * 10 <= book.n:
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
    want = None if topic is None else wanted(book, topic)
    acc = book.accumulate(focus, want)
    pool = max(limit * per_person * 25, 500)
    ranked = dict.fromkeys(
        chain(
            (c for c, _ in heapq.nlargest(pool, acc.items(), key=_real)),
            (c for c, _ in heapq.nlargest(pool, acc.items(), key=_imag)),
        )
    )
    if focus is not None and want is None and per_person >= 1 and limit >= 1:
        found = _scored_with_focus(book, acc, list(ranked), focus, limit)
    else:
        book.complete(chain.from_iterable((c >> 32, c & 0xFFFFFFFF) for c in ranked))
        found = []
        for c in ranked:
            a, b = book.people.get(c >> 32), book.people.get(c & 0xFFFFFFFF)
            if a is None or b is None or (want is not None and not _about(a, b, want)):
                continue
            s = score_pair(book, a, b, explain=False)  # said only for the pairs listed (below)
            if s is not None:
                found.append(s)
    found.sort(key=_best_first)
    # "already know?" is chosen first, from the pairs with evidence beyond topics (not a
    # need met under LIKELY_AT); introductions are the other pairs with a topical reason;
    # then "already know?" is every pair with know evidence not proposed, by know score
    first = [s for s in found if s.know > 0 and _social(s)]
    shown = {(s.a.id, s.b.id) for s in _diverse(_by_know(first), per_person, limit, focus)}
    intro = [s for s in found if s.kind == "introduce" and (s.a.id, s.b.id) not in shown]
    intro.sort(key=lambda s: "complement" not in s.evidence)  # needs met first (stable)
    intro = _diverse(intro, per_person, limit, focus)
    proposed = {(s.a.id, s.b.id) for s in intro}
    rest = [s for s in found if s.know > 0 and (s.a.id, s.b.id) not in proposed]
    return [_explained(book, s) for s in intro + _diverse(_by_know(rest), per_person, limit, focus)]


def _best_first(s: Suggestion) -> tuple[float, str, str]:
    return (-s.score, s.a.name, s.b.name)


# an exact score is at most its rough one (``accumulate``: the same terms or more, before
# the discount) and an exact know score is its rough one, each but for the order of a sum
SLACK = 1e-9


def _scored_with_focus(
    book: Book, acc: dict[int, complex], ranked: list[int], focus: int, limit: int
) -> list[Suggestion]:
    """The candidates' suggestions that can be listed for the focus (no --topic; every
    other person is in one pair, so ``per_person``, at least 1, leaves out no one): scored
    best first by their rough scores, in rounds of 2, 4, 8 ... x ``limit`` from each end
    (introductions: needs met first, then by the rough introduce score; already-know?: by
    the rough know score), until ``limit`` pairs scored exactly come before the best any
    pair not scored could reach in each list (``_settled``); every pair, if need be.

    Measured on the dense books (10,000 and 100,000 people): 40 to 80 pairs scored of the
    ~950 candidates. The people scored are made by ``complete_focus``.
    """
    rough, meets = _bounds(book, book.people[focus])
    other = {c: c >> 32 if c >> 32 != focus else c & 0xFFFFFFFF for c in ranked}
    most = {c: rough.get(other[c], 0.0) for c in ranked}
    met = {c: other[c] in meets for c in ranked}
    by_intro = sorted(ranked, key=lambda c: (not met[c], -most[c]))
    by_know = sorted(ranked, key=lambda c: -acc[c].imag)
    scored: dict[int, Suggestion | None] = {}
    size = 2 * limit
    while True:
        todo = [c for c in chain(by_intro[:size], by_know[:size]) if c not in scored]
        book.complete_focus(chain.from_iterable((c >> 32, c & 0xFFFFFFFF) for c in todo))
        for c in todo:
            a, b = book.people.get(c >> 32), book.people.get(c & 0xFFFFFFFF)
            scored[c] = None if a is None or b is None else score_pair(book, a, b, explain=False)
        found = sorted((s for s in scored.values() if s is not None), key=_best_first)
        left = [c for c in ranked if c not in scored]
        if not left or _settled(found, acc, most, left, met, focus, limit):
            return found
        size *= 2


def _bounds(book: Book, me: Person) -> tuple[dict[int, float], set[int]]:
    """The most each person's pair with ``me`` can score as an introduction (before the
    discount, which only lowers it), from the index lists they share with ``me``: each
    need of ``me`` they offer (or offer more than: at most one need met in part a need)
    or work on, each need of theirs ``me`` offers (or meets in part) or works on, each
    topic and need they share, at its weight in ``score_pair``; and who has a need met by
    an offer with ``me`` at all."""
    index, weight = book.index, book.weight
    most: dict[int, float] = defaultdict(float)

    def add(ids: Iterable[int], w: float) -> None:
        for x in ids:
            most[x] += w

    meets: set[int] = set()
    for k in me.seeks:
        offer = COMPLEMENT * (0.5 + 0.5 * weight(f"o:{k}"))
        add(index.get(f"o:{k}", ()), offer)
        in_part = set(chain.from_iterable(index.get(f"o:{o}", ()) for o in book.covering(k)))
        add(in_part, MET_IN_PART)
        add(index.get(f"s:{k}", ()), SHARED_NEED * weight(f"s:{k}"))
        add(index.get(f"i:{k}", ()), WORKS_ON * (0.5 + 0.5 * weight(f"i:{k}")))
        meets.update(index.get(f"o:{k}", ()), in_part)
    for k in me.offers:
        add(index.get(f"s:{k}", ()), COMPLEMENT * (0.5 + 0.5 * weight(f"o:{k}")))
        meets.update(index.get(f"s:{k}", ()))
    for need in set(chain.from_iterable(book.covered(o) for o in me.offers)):
        add(index.get(f"s:{need}", ()), MET_IN_PART)
        meets.update(index.get(f"s:{need}", ()))
    for k in me.interests:
        add(index.get(f"i:{k}", ()), TOPIC * weight(f"i:{k}"))
        add(index.get(f"s:{k}", ()), WORKS_ON * (0.5 + 0.5 * weight(f"i:{k}")))
    return most, meets


def _settled(
    found: list[Suggestion],
    acc: dict[int, complex],
    most: dict[int, float],
    left: list[int],
    met: dict[int, bool],
    focus: int,
    limit: int,
) -> bool:
    """Are the lists of ``found`` those of every candidate? Yes when, in each list, ``limit``
    pairs of ``found`` come before the best any pair ``left`` (not scored) could reach:
    a know score above the greatest rough one left (rounded as scores are), and for the
    introductions a need met where one left may have one, or a score above its rough one."""
    most_known = round(max(acc[c].imag for c in left) + SLACK, 3)
    best_left = min((not met[c], -round(most[c] + SLACK, 3)) for c in left)
    first = [s for s in found if s.know > 0 and _social(s)]
    if sum(s.know > most_known for s in first) < limit:
        return False
    shown = {(s.a.id, s.b.id) for s in _diverse(_by_know(first), 1, limit, focus)}
    intro = [s for s in found if s.kind == "introduce" and (s.a.id, s.b.id) not in shown]
    ahead = sum(("complement" not in s.evidence, -s.score) < best_left for s in intro)
    if ahead < limit:
        return False
    intro.sort(key=lambda s: "complement" not in s.evidence)
    proposed = {(s.a.id, s.b.id) for s in _diverse(intro, 1, limit, focus)}
    rest = [s for s in found if s.know > 0 and (s.a.id, s.b.id) not in proposed]
    return sum(s.know > most_known for s in rest) >= limit


def _explained(book: Book, s: Suggestion) -> Suggestion:
    """A listed pair with its reasons: scored once more, saying them (the scores are the
    same; saying them for every candidate cost a third of the scoring)."""
    said = score_pair(book, book.people[s.a.id], book.people[s.b.id], keep=True)
    return s if said is None else s._replace(reasons=said.reasons)


def _social(s: Suggestion) -> bool:
    """Is the pair in the "already know?" list before the introductions are chosen?"""
    if s.kind != "introduce":
        return True
    return "complement" not in s.evidence and bool(SOCIAL.intersection(s.evidence))


def _by_know(found: list[Suggestion]) -> list[Suggestion]:
    """Best first by the know score, each marked as an "already know?" pair."""
    out = [
        s if s.kind != "introduce" else s._replace(kind="already-know?", score=s.know)
        for s in found
    ]
    return sorted(out, key=lambda s: (-s.score, s.a.name, s.b.name))


def _real(item: tuple[int, complex]) -> float:
    return item[1].real


def _imag(item: tuple[int, complex]) -> float:
    return item[1].imag


def wanted(book: Book, topic: str) -> frozenset[str]:
    """The keys ``--topic`` keeps: every stored topic that matches it, as ``pln who`` and
    the other ``--topic`` filters match (topics.py), as the key it counts as here."""
    found = book.topics.grades(topic, book.topics.stored())
    return frozenset(k for k in map(book._effective, found) if k)


def _about(a: Person, b: Person, keys: frozenset[str]) -> bool:
    """Both hold a topic (or seek) that matches --topic."""
    return bool(keys & (a.interests | a.seeks)) and bool(keys & (b.interests | b.seeks))


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
