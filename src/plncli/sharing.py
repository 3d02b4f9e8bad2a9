"""Who a resource would help: `pln share RESOURCE`'s ranking, the people `pln who` names for
having shared something on a topic, and the resource `pln due` suggests to a reconnect.

`pln share RESOURCE` ranks people who seek one of its topics (the strongest reason), who
work on one, or who talked about one with you, matched as `pln who` and `pln introduce`
match topics (``topics.py``: same words in any order or form, or a synonym; a topic
holding its words; words begun). Left out: anyone it already went to or came from, and
archived people. Best first: the strongest reason (its weight x 4 + the grade of the
match), then the number of reasons, then people you are in touch with before people you
only follow, then the longest since last contact (a resource is a good reason to get back
in touch), then by name. The ranking is done in SQL (``store.resources.share_ranking``),
so that at 10,000 people only the people shown are read and put in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .db import from_db_time, to_db_time
from .lean import TYPE_CHECKING, NamedTuple
from .resolve import PersonRef
from .store import Conn
from .store import network as network_store
from .store import resources as store
from .text import fold, topic_key
from .topics import GRADE_NAMES, Topics

if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # `pln due --json`'s share hints need neither resources.py nor its rules
    from .resources import ResourceRef

# how a person knows a topic -> its weight, in `pln share`'s ranking
SEEKS, WORKS, TALKED = 3, 2, 1


class Candidate(NamedTuple):
    """Someone a resource would help, with the reasons in words."""

    person: PersonRef
    circle: str
    last_contact: date | None
    score: int  # the strongest reason: how (seeks 3, works on 2, talked 1) x 4 + grade
    reasons: list[str]
    topics: list[str]  # their topics that matched, as written


def suggest(
    conn: Conn,
    ref: ResourceRef,
    *,
    synonyms: dict[str, str],
    circle: str | None,
    limit: int | None,
) -> tuple[list[str], list[Candidate]]:
    """The resource's topics, and who it would help, best first (module docstring)."""
    topics = store.topics_of(conn, [ref.id]).get(ref.id, [])
    matcher = Topics(conn, synonyms)
    stored = matcher.stored()
    talked = network_store.interaction_topic_keys(conn)
    held: dict[str, int] = {}
    spoken: dict[str, int] = {}
    for topic in topics:
        if not topic_key(topic).strip():
            continue
        for key, g in matcher.grades(topic, stored).items():
            held[key] = max(g, held.get(key, 0))
        for key, g in matcher.grades(topic, talked).items():
            spoken[key] = max(g, spoken.get(key, 0))
    ranked = store.share_ranking(conn, ref.id, held, spoken, circle=circle, limit=limit)
    reasons: dict[int, list[tuple[int, str, int]]] = {}
    for r in store.share_reasons(conn, [r.id for r in ranked], held, spoken):
        reasons.setdefault(r.pid, []).append((r.score, r.topic, r.how))
    return topics, [_candidate(r, reasons.get(r.id, [])) for r in ranked]


def _candidate(r: Any, reasons: list[tuple[int, str, int]]) -> Candidate:
    """A ranked person with their reasons in words, strongest first."""
    first = r.name.split()[0] if r.name.split() else r.name
    said, topics = [], []
    for _score, topic, how in sorted(reasons, key=lambda x: (-x[0], fold(x[1]))):
        if how == SEEKS:
            said.append(f"{first} is looking for help with {topic}")
        elif how == WORKS:
            said.append(f"{first} works on {topic}")
        else:
            said.append(f"you talked about {topic} with {first}")
        topics.append(topic)
    last = from_db_time(r.last_contact_at)
    return Candidate(
        PersonRef(r.id, r.name),
        r.circle,
        last.astimezone().date() if last else None,
        r.score,
        list(dict.fromkeys(said)),
        list(dict.fromkeys(topics)),
    )


# ---- `pln who`: people who shared something on a topic with you ---------------------------


class Sharer(NamedTuple):
    person: PersonRef
    circle: str
    last_contact: date | None
    topic: str  # the resource's topic that matched
    title: str  # the resource
    match: str


def sharers(conn: Conn, topic: str, *, synonyms: dict[str, str]) -> list[Sharer]:
    """People (not archived) who shared with you a resource on ``topic``, best match
    first, then the most recently in touch."""
    grades = Topics(conn, synonyms).grades(topic, store.topic_keys(conn))
    best: dict[int, tuple[int, Sharer]] = {}
    for r in store.sharers(conn, sorted(grades)):
        last = from_db_time(r.last_contact_at)
        s = Sharer(
            PersonRef(r.id, r.name),
            r.circle,
            last.astimezone().date() if last else None,
            r.topic,
            r.title,
            GRADE_NAMES[grades[r.key]],
        )
        if r.id not in best or grades[r.key] > best[r.id][0]:
            best[r.id] = (grades[r.key], s)
    return [
        s
        for _g, s in sorted(
            best.values(),
            key=lambda gs: (
                -gs[0],
                gs[1].last_contact is None,
                _minus(gs[1].last_contact),
                fold(gs[1].person.name),
            ),
        )
    ]


def _minus(day: date | None) -> int:
    return -(day.toordinal() if day else 0)


# ---- `pln due`: share something new with someone due a reconnect --------------------------


def share_hints(
    conn: Conn,
    people: list[PersonRef],
    *,
    now: datetime,
    synonyms: dict[str, str],
    recent: Sequence[Any] | None = None,
) -> dict[int, tuple[int, str]]:
    """For people due a reconnect: a resource added in the last ``RECENT_DAYS`` whose topic
    matches one of their topics or seeks (as `pln share` matches), not yet shared either way;
    the best match, then the newest, as (resource id, title). Only the people shown are
    looked at. ``recent``: ``store.recent_topics`` of that window, when the caller has read
    it already (`pln due` reads it first, to skip all of this on a book with none)."""
    if recent is None:
        from datetime import timedelta

        from .due import RECENT_DAYS

        recent = store.recent_topics(conn, since=to_db_time(now - timedelta(days=RECENT_DAYS)))
    if not recent or not people:
        return {}
    ids = [p.id for p in people]
    holders: dict[str, list[int]] = {}
    for r in store.interests_of(conn, ids):
        holders.setdefault(r.key, []).append(r.person_id)
    done = store.already_shared(conn, ids, sorted({r.id for r in recent}))
    matcher = Topics(conn, synonyms)
    found: dict[int, tuple[int, int, tuple[int, str]]] = {}
    graded: dict[str, dict[str, int]] = {}  # resources lately added often share a topic
    for order, r in enumerate(recent):
        grades = graded.get(r.topic)
        if grades is None:
            grades = graded[r.topic] = matcher.grades(r.topic, holders)
        for key, grade in grades.items():
            for pid in holders[key]:
                if (pid, r.id) not in done and (
                    pid not in found or (-grade, order) < found[pid][:2]
                ):
                    found[pid] = (-grade, order, (r.id, r.title))
    return {pid: share for pid, (_g, _o, share) in found.items()}
