"""Topics matched as people write them: by their words and the words' stems.

A topic's *words* are what its key holds (``text.topic_key``: case and accents
folded, punctuation to spaces, a plural ``s`` dropped; an underscore parts words
too) less the stop words (``STOP_WORDS``: "and", "of", "the", "for", ...; a topic
made only of stop words keeps them), each reduced to its Snowball English stem:
"Managing behaviours" and "behaviour management" both have the words {behaviour,
manag}. A topic's ``words_key`` is those stems, sorted, in one string.

One rule decides every match: **a topic covers a query when every word of the
query is among the topic's words**; ``grade`` says how well:

- ``SAME`` (3): the same words, in any order or form, or a synonym of it (the
  user's ``[synonyms]``, whose both sides are read as words too).
- ``WORDS`` (2): every word of the query (or of one of its synonyms) and more:
  "microscale" finds "microscale chemistry".
- ``PREFIX`` (1): every word the user typed begins a word of the topic, or has its
  stem: "chem" finds "microscale chemistry" (typing is often cut short).

Where each grade is used, through the same functions:

- ``pln who TOPIC`` and every ``--topic`` filter (``list``, ``due``,
  ``introduce --topic``) keep a stored topic of any grade; ``who`` ranks within
  each way of knowing the topic SAME, then WORDS, then PREFIX.
- Two stored topics are one topic for introductions (a need met by an offer, a
  topic both work on, a need both have) only when they are SAME: each covers the
  other. An offer that covers a need with more words meets it *in part*, at
  half the least weight of a need met (``suggest.PARTIAL``): "retrieval practice coaching" for a
  need of "retrieval practice", as ``pln who`` finds it. One shared word is not
  enough: "behaviour management" and "classroom management" do not meet.

Nothing is stored: the stems are computed when a command compares topics, over
the book's distinct stored keys (an index-only read), so books written by any
version of pln match the same way. A stored word is stemmed only when its first
letter could match (a Snowball stem keeps the word's first letter).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Iterable, Mapping
from functools import cache

from .errors import InvalidInput
from .lean import TYPE_CHECKING, NamedTuple, dumps
from .store import Conn
from .store import network as store
from .text import singular, topic_key

# words that say how topics relate, not what they are about
_STOP = "a an and as at by for from in into of on or the to via vs with"
STOP_WORDS = frozenset(_STOP.split())  # noqa: SIM905
SAME, WORDS, PREFIX = 3, 2, 1
_GROUP_ALL_AFTER = 8  # Topics.spellings: after this many topics, group every stored key once
GRADE_NAMES = {SAME: "same", WORDS: "words", PREFIX: "prefix"}
_STEMS: dict[str, str] = {}


if TYPE_CHECKING:
    from typing import Protocol

    class _Stemmer(Protocol):  # the one method pln uses (snowballstemmer has no types)
        def stemWord(self, word: str) -> str: ...  # noqa: N802


@cache
def _stemmer() -> _Stemmer:
    """Snowball's English stemmer, loaded when a command first compares topics.

    ``import snowballstemmer`` builds the tables of all its 36 languages (measured at
    13 ms of CPU, ~50 ms on a busy machine); pln loads only the English module (under
    1 ms), from the installed package's folder under a private name so that the package
    itself is left as it is. Should that ever fail, the ordinary import is used.
    """
    try:
        spec = importlib.util.find_spec("snowballstemmer")
        folders = spec.submodule_search_locations if spec else None
        if not folders:
            raise ImportError("snowballstemmer is not a package folder")
        package = types.ModuleType("_pln_snowball")
        package.__path__ = list(folders)
        sys.modules.setdefault("_pln_snowball", package)
        english = importlib.import_module("_pln_snowball.english_stemmer")
        stemmer: _Stemmer = english.EnglishStemmer()
    except Exception:  # a future layout of the package: the documented way, slower
        import snowballstemmer  # type: ignore[import-untyped]

        stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of one folded word, cached per process."""
    got = _STEMS.get(word)
    if got is None:
        got = _STEMS[word] = _stemmer().stemWord(word)
    return got


def _split(key: str) -> list[str]:
    """A key's words. An underscore, which keys keep (it is a word character), parts
    words too, and the parts lose a plural as the key's words did."""
    if "_" not in key:
        return key.split()
    return [singular(w) for w in key.replace("_", " ").split()]


def content_words(text: str) -> list[str]:
    """The folded words of a topic, stop words left out (kept when there is nothing else)."""
    return key_words(topic_key(text))


def key_words(key: str) -> list[str]:
    """``content_words`` of a stored key, which is folded already."""
    words = _split(key)
    return [w for w in words if w not in STOP_WORDS] or words


def stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in content_words(text))


def words_key(text: str) -> str:
    """The topic's words in one string: the same for every way of writing the same words."""
    return " ".join(sorted(stems(text)))


def matched_words(a: str, b: str) -> list[str]:
    """The words ``a`` and ``b`` share, as ``a`` writes them ("managing/management" where
    the two write one word differently)."""
    theirs = {stem(w): w for w in content_words(b)}
    shared = []
    for word in content_words(a):
        other = theirs.get(stem(word))
        if other is not None and word not in shared:
            shared.append(word if other == word else f"{word}/{other}")
    return shared


class Query(NamedTuple):
    """What a typed topic is matched with: its words, and its synonyms' words."""

    same: frozenset[str]  # words_keys that are this topic (its own, its synonyms')
    covers: tuple[frozenset[str], ...]  # the same, as sets of words
    typed: tuple[tuple[str, str], ...]  # each content word as typed (folded), with its stem
    initials: tuple[frozenset[str], ...]  # first letters a stored topic needs for a match


class Topics:
    """The user's synonyms and the book's stored topics, read once per command."""

    def __init__(self, conn: Conn, synonyms: Mapping[str, str]) -> None:
        self.conn = conn
        self._raw = dict(synonyms)
        self._synonyms: dict[str, str] | None = None
        self._stored: list[str] | None = None
        self._groups: dict[str, list[str]] | None = None  # canonical -> stored keys
        self._by_canonical: dict[str, list[str]] | None = None  # every stored key, grouped
        self._canonical: dict[str, str] = {}  # text -> canonical, each text's words once

    @property
    def synonyms(self) -> dict[str, str]:
        """alias words_key -> the words_key of the topic it means."""
        if self._synonyms is None:
            self._synonyms = {words_key(k): words_key(v) for k, v in self._raw.items()}
        return self._synonyms

    def canonical(self, text: str) -> str:
        """The words_key a topic counts as: its own, or (a synonym) its topic's (each text
        read once: `pln introduce --for` asks for most stored keys twice)."""
        found = self._canonical.get(text)
        if found is None:
            key = words_key(text)
            found = self._canonical[text] = self.synonyms.get(key, key)
        return found

    def family(self, canonical: str) -> set[str]:
        """Every words_key that counts as ``canonical``: itself and its aliases."""
        return {canonical, *(a for a, c in self.synonyms.items() if c == canonical)}

    def stored(self) -> list[str]:
        """The distinct keys of people's topics, offers and seeks."""
        if self._stored is None:
            self._stored = store.topic_keys(self.conn)
        return self._stored

    def spellings(self, canonical: str) -> list[str]:
        """The stored keys that count as ``canonical`` (for ``key IN (...)``), in the order
        stored. Only keys whose words begin with the right letters are stemmed (``_could``:
        a stem keeps its word's first letter), so one topic costs no pass over all of them."""
        if self._groups is None:
            self._groups = {}
        if canonical not in self._groups:
            initials = [frozenset(w[0] for w in f.split()) for f in self.family(canonical)]
            every = not all(initials)  # a topic with no word: no letters to go by
            if len(self._groups) >= _GROUP_ALL_AFTER and self._by_canonical is None:
                # asked for many: each stored key's canonical once, rather than a pass
                # over all of them per topic (`pln introduce` asks for every topic it
                # names: 28,000 tests of initials at 10,000 people, a sixth of its time)
                self._by_canonical = {}
                for key in self.stored():
                    self._by_canonical.setdefault(self.canonical(key), []).append(key)
            keys = (
                self.stored()
                if self._by_canonical is None
                else self._by_canonical.get(canonical, [])
            )
            self._groups[canonical] = [
                key
                for key in keys
                if (every or _could(key, initials)) and self.canonical(key) == canonical
            ]
        return self._groups[canonical]

    def query(self, text: str) -> Query:
        family = self.family(self.canonical(text))
        covers = tuple(frozenset(f.split()) for f in sorted(family))
        typed = tuple((w, stem(w)) for w in content_words(text))
        initials = tuple(frozenset(w[0] for w in c) for c in covers)
        initials += (frozenset(w[0] for w, _ in typed),)
        return Query(frozenset(family), covers, typed, initials)

    def grades(self, text: str, keys: Iterable[str]) -> dict[str, int]:
        """The stored ``keys`` that match ``text``, each with its grade."""
        q = self.query(text)
        if not q.typed:
            return {}
        found = {}
        for key in keys:
            if _could(key, q.initials):
                g = grade(q, key)
                if g:
                    found[key] = g
        return found


def _could(key: str, initials: Iterable[frozenset[str]]) -> bool:
    """Cheap test before stemming: some word set's first letters all begin words of ``key``."""
    have = {w[0] for w in _split(key)}
    return any(need and need <= have for need in initials)


def grade(q: Query, key: str) -> int:
    """How well a stored topic (its key) matches a query: SAME, WORDS, PREFIX or 0.

    A stem keeps its word's first letter: only the key's words that begin with one of the
    query's letters can have a stem of the query's, and only they are stemmed (Snowball is
    the dearest part of matching: `pln due --json`'s share hints stemmed 15 words for 4)."""
    words = content_words(key)
    letters = frozenset().union(*q.initials)
    kept = [w for w in words if w[0] in letters]
    own = frozenset(stem(w) for w in kept)
    if len(kept) == len(words) and " ".join(sorted(own)) in q.same:
        return SAME
    if any(c <= own for c in q.covers):
        return WORDS
    if all(
        any(w.startswith(t) or (w[0] in letters and stem(w) == s) for w in words)
        for t, s in q.typed
    ):
        return PREFIX
    return 0


def require_words(text: str) -> None:
    """Refuse a topic typed with no word in it (it would otherwise match nothing, silently)."""
    if not topic_key(text).strip():
        raise InvalidInput(f"no topic to look for in {text!r}", "give a word, e.g. assessment")


def matching(
    conn: Conn, text: str, synonyms: Mapping[str, str], *, interactions: bool = False
) -> str:
    """The stored topic keys matching ``text``, as a JSON object {key: grade}, to bind
    where ``store.network.MATCHES`` (or ``experts``) reads it. ``interactions``: also
    the topics of interactions."""
    require_words(text)
    topics = Topics(conn, synonyms)
    keys = topics.stored()
    if interactions:
        keys = keys + store.interaction_topic_keys(conn)
    return dumps(topics.grades(text, keys))
