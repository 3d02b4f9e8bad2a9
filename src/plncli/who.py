"""`pln who TOPIC`: who offers or works on a topic, and how to reach them.

Best first: people who offer it, then who work on it, then who talked about it
with you; within each, the same topic (in any words' order or form, or a synonym)
before a topic that holds its words among others ("microscale" finds "microscale
chemistry"), before one whose words only begin with what was typed ("chem"), as
``topics.py`` decides; then the people you are most in touch with first. Someone you
only follow, or have never been in touch with, is shown with the contact you
know them through when the tie graph has one ("you know her through Ben").
After them, up to the limit: people who shared with you a resource on the topic
(``resources.sharers``), named with the resource.
"""

from datetime import date
from typing import NamedTuple

from .resolve import PersonRef
from .store import Conn
from .store import network as store
from .topics import GRADE_NAMES, matching

HOW = {3: "offers it", 2: "works on it", 1: "talked about it with you"}


class Expert(NamedTuple):
    person: PersonRef
    how: str
    circle: str
    last_contact: date | None
    via: PersonRef | None
    topic: str  # the person's topic that matched, as written
    match: str  # how well: "same", "words" or "prefix" (see topics.py)
    resource: str | None = None  # what they shared with you on it (how: SHARED)


SHARED = "shared something on it with you"


def who(conn: Conn, topic: str, *, synonyms: dict[str, str], limit: int) -> list[Expert]:
    # every stored topic that matches (topics.py), with its grade: SAME, WORDS or PREFIX;
    # a person's best hit is the best way of knowing it, then the best grade within it
    found = matching(conn, topic, synonyms, interactions=True)
    experts = [
        Expert(
            PersonRef(r.id, r.name),
            HOW[r.score // 4],
            r.circle,
            date.fromisoformat(r.last_contact) if r.last_contact else None,
            _through(conn, r.id) if r.circle == "following" or r.last_contact is None else None,
            r.topic,
            GRADE_NAMES[r.score % 4],
        )
        for r in store.experts(conn, found, limit)
    ]
    return (
        experts
        + _sharers(conn, topic, synonyms, {e.person.id for e in experts})[: limit - len(experts)]
    )


def _sharers(conn: Conn, topic: str, synonyms: dict[str, str], listed: set[int]) -> list[Expert]:
    """People not listed yet who shared with you a resource on the topic."""
    from .sharing import sharers

    return [
        Expert(
            s.person,
            SHARED,
            s.circle,
            s.last_contact,
            _through(conn, s.person.id)
            if s.circle == "following" or s.last_contact is None
            else None,
            s.topic,
            s.match,
            s.title,
        )
        for s in sharers(conn, topic, synonyms=synonyms)
        if s.person.id not in listed
    ]


def _through(conn: Conn, pid: int) -> PersonRef | None:
    """The contact you are most in touch with who knows this person."""
    row = store.best_known_contact_of(conn, pid)
    return None if row is None else PersonRef(row.id, row.name)
