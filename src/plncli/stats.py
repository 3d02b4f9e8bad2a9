"""`pln stats`: the network's health in numbers.

Definitions (the README's `pln stats` section says the same in words):

- **The period** is the days from ``since`` to today, both counted; by default ``since``
  is 90 days ago (today − 90: 91 days). The **previous period** is as many days again,
  just before ``since``. "Then" is the day before ``since``: the end of the previous period.
- **Bands.** Everyone on a keep-in-touch cadence (their own, else their circle's) is in one
  band, by ``pln due``'s own rule (``due.past_cadence``): counted from their last contact,
  or meeting them at an event if that was later, or else the day they were added, they are
  **active** while the cadence has not run out, **dormant** when more than twice the
  cadence has passed (the ratio ``pln due`` ranks by, a month counted as 30.4375 days), and
  **due** in between. People on no cadence (``following`` by default, or ``--every never``)
  are counted as such. Then: the same rule on the day before the period, over the people
  added by then and their interactions up to then (with today's circles and cadences).
- **Contacted**: people with an interaction in the period (then: in the previous period).
- **Owed now** is ``pln due``'s own list (``due.first_due``): follow-ups due, first
  contacts and reconnects, as it counts them.
- **Rhythm**: interactions per calendar month (local time) over the 12 months ending with
  this one, counting each interaction once however many people were in it: every one in the
  book (archived people's too: archiving someone does not rewrite the past), or with
  ``--circle``/``--topic`` those with someone chosen in them.
- **Gaps**: what people seek that nobody in the book (not archived) offers, the same topic
  as ``pln introduce`` matches a need to an offer (``topics.py``: the same words, or a
  synonym); and the topics of your interactions (``pln log --topic``: the topics you work
  on) that only one contact in the book has: talked about with you, worked on or offered.
- **Events**: per event, the people met there; followed up **within a week**: an
  interaction on the day they were met (or added, if that was later) or in the 7 days
  after; **never**: no contact since the meeting (as ``pln events`` counts it).
- **Introductions**: proposed (every one recorded), asked (at least one side asked, or
  made), made, connected; declined and "nothing" besides; and per kind of evidence, the
  introductions made with an outcome and how many connected (``introduce.what_works``).

``--circle``/``--topic`` choose the people every number counts (introductions: those with
someone chosen in them); archived people are never counted. Without ``--since`` the events
and introductions are of all time; with it, people met and introductions proposed in the
period.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from .dates import parse_interval
from .db import to_db_time
from .due import PersonState, first_due, load_due_inputs, local_day, past_cadence
from .resolve import PersonRef
from .store import Conn, is_pg
from .store import activity as activity_store
from .store import stats as store

if TYPE_CHECKING:  # topics.py (and its stemmer) is loaded only where topics are compared
    from .topics import Topics

DEFAULT_DAYS = 90  # the period without --since
MONTHS = 12  # months of rhythm
FOLLOW_UP_DAYS = 7  # "followed up within a week"
DORMANT_RATIO = 2.0  # dormant: more than twice the cadence since the last contact
BANDS = ("active", "due", "dormant", "no_cadence")
CIRCLES = ("colleague", "network", "following")


class Counts(NamedTuple):
    people: int
    active: int
    due: int
    dormant: int
    no_cadence: int
    contacted: int


class CircleStats(NamedTuple):
    circle: str  # a circle's name, or "all"
    now: Counts
    then: Counts  # the day before the period (contacted: in the previous period)


class Period(NamedTuple):
    since: date  # the first day of the period
    today: date
    previous: date  # the first day of the previous period (it ends the day before since)
    given: bool  # --since was given: events and introductions are of the period too

    @property
    def days(self) -> int:
        """How many days the period has: since and today are both in it."""
        return (self.today - self.since).days + 1


class Owed(NamedTuple):
    follow_ups: int
    first_contacts: int
    reconnects: int


class Month(NamedTuple):
    month: str  # YYYY-MM
    interactions: int


class Gap(NamedTuple):
    topic: str  # as the first of its seekers wrote it (byte order)
    seekers: int


class Thin(NamedTuple):
    topic: str  # as written in the interactions (the first in byte order)
    person: PersonRef  # the one contact


class EventStats(NamedTuple):
    id: int
    name: str
    on: date | None
    met: int
    within_week: int
    never: int


class Evidence(NamedTuple):
    kind: str
    made: int  # made, with an outcome recorded
    connected: int


class Funnel(NamedTuple):
    proposed: int
    asked: int
    made: int
    connected: int
    declined: int
    nothing: int
    evidence: list[Evidence]


class Stats(NamedTuple):
    period: Period
    circles: list[CircleStats]  # the circles with anyone in them (now or then), then "all"
    owed: Owed
    rhythm: list[Month]
    gaps: list[Gap]
    thin: list[Thin]
    events: list[EventStats]
    intros: Funnel


class PersonStats(NamedTuple):
    person: PersonRef
    circle: str
    cadence: str | None  # their own; None: the circle's
    band: str
    last_contact: date | None
    rhythm: list[Month]


class _Person(NamedTuple):
    now: PersonState
    then: PersonState | None  # None: added after the day before the period
    contacted: bool
    contacted_then: bool
    met_at_id: int | None


def default_since(today: date) -> date:
    return today - timedelta(days=DEFAULT_DAYS)


def period(today: date, since: date | None) -> Period:
    start = default_since(today) if since is None else since
    days = (today - start).days + 1  # both ends counted, as "contacted" counts them
    previous = date.fromordinal(max(1, start.toordinal() - days))
    return Period(start, today, previous, since is not None)


def midnight(day: date) -> str:
    """The instant (stored UTC text) at which ``day`` begins here."""
    return to_db_time(datetime.combine(day, time()).astimezone())


def scope_of(
    conn: Conn, circle: str | None, topic: str | None, synonyms: Mapping[str, str]
) -> store.Scope:
    keys = None
    if topic is not None:
        from .topics import matching

        keys = matching(conn, topic, synonyms)
    return activity_store.due_filter(circle, keys, pg=is_pg(conn))


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _window(p: Period, cadences: Mapping[str, str], own: list[str]) -> date:
    """The first day of the interactions read for "then": the previous period, and long
    enough before the day before the period that anyone whose last contact is older is
    dormant then whatever their cadence (twice the longest, and two days)."""
    longest = max(
        (parse_interval(c).approx_days() for c in [*cadences.values(), *own] if c != "never"),
        default=0.0,
    )
    return min(p.previous, p.since - timedelta(days=math.ceil(2 * longest) + 2))


def _people(
    conn: Conn, scope: store.Scope, p: Period, cadences: Mapping[str, str]
) -> list[_Person]:
    """Everyone in scope as they are today and as they were on the day before the period.

    Their interactions are read back only to ``_window``: someone with none since then
    is dormant then whatever came before, unless they were met or added since; those few
    are asked whether they have any earlier interaction (a stand-in day before the
    window then gives the same band as their real last contact would)."""
    then_day = p.since - timedelta(days=1)
    first = _window(p, cadences, store.own_cadences(conn))
    last_then = {
        r.person_id: date.fromisoformat(r.last_day)
        for r in store.last_between(conn, midnight(first), midnight(p.since))
    }
    found = []
    for r in store.people(conn, scope):
        ref = PersonRef(r.id, r.name)
        added, met_on = date.fromisoformat(r.added), _day(r.met_on)
        met_at = "" if r.met_at_id is not None else None  # the event's name is not needed
        last = _day(r.last_contact)
        now = PersonState(ref, r.circle, r.cadence, added, last, met_on, met_at, False)
        then = None
        if added <= then_day:
            met_then = met_on if met_on is not None and met_on <= then_day else None
            at_then = met_at if met_then is not None else None
            then = PersonState(
                ref, r.circle, r.cadence, added, last_then.get(r.id), met_then, at_then, False
            )
        found.append((now, then, r.met_at_id))
    unsure = [
        t.ref.id
        for _, t, _ in found
        if t is not None
        and t.last_contact is None
        and (t.met_on if t.met_at is not None else t.added) >= first  # type: ignore[operator]
    ]
    earlier = store.contacted_before(conn, unsure, midnight(first)) if unsure else set()
    stand_in = first - timedelta(days=1)
    return [
        _Person(
            now,
            then._replace(last_contact=stand_in) if then and then.ref.id in earlier else then,
            now.last_contact is not None and now.last_contact >= p.since,
            (last_then.get(now.ref.id) or date.min) >= p.previous,
            met_at_id,
        )
        for now, then, met_at_id in found
    ]


def band(person: PersonState, today: date, cadences: dict[str, str]) -> str:
    """active, due, dormant or no_cadence, by ``pln due``'s rule (``due.past_cadence``)."""
    found = past_cadence(person, today, cadences)
    if found is None:
        return "no_cadence"
    due_day, ratio = found
    if due_day > today:
        return "active"
    return "dormant" if ratio > DORMANT_RATIO else "due"


def _counts(bands: list[str], contacted: int) -> Counts:
    return Counts(
        len(bands),
        bands.count("active"),
        bands.count("due"),
        bands.count("dormant"),
        bands.count("no_cadence"),
        contacted,
    )


def _circles(people: list[_Person], p: Period, cadences: dict[str, str]) -> list[CircleStats]:
    then_day = p.since - timedelta(days=1)
    now: dict[str, list[str]] = defaultdict(list)
    then: dict[str, list[str]] = defaultdict(list)
    contacted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for x in people:
        circle = x.now.circle
        now[circle].append(band(x.now, p.today, cadences))
        if x.then is not None:
            then[circle].append(band(x.then, then_day, cadences))
        contacted[circle][0] += x.contacted
        contacted[circle][1] += x.contacted_then
    names = [c for c in CIRCLES if c in now] + sorted(set(now) - set(CIRCLES))
    out = [
        CircleStats(c, _counts(now[c], contacted[c][0]), _counts(then.get(c, []), contacted[c][1]))
        for c in names
    ]
    every_now = [b for c in names for b in now[c]]
    every_then = [b for c in names for b in then.get(c, [])]
    total_now = sum(contacted[c][0] for c in names)
    total_then = sum(contacted[c][1] for c in names)
    out.append(CircleStats("all", _counts(every_now, total_now), _counts(every_then, total_then)))
    return out


def _owed(
    conn: Conn,
    today: date,
    *,
    cadences: dict[str, str],
    first_contact_days: int,
    circle: str | None,
    topic: str | None,
    synonyms: Mapping[str, str],
) -> Owed:
    people, followups = load_due_inputs(
        conn,
        horizon=today,
        cadences=cadences,
        first_contact_days=first_contact_days,
        circle=circle,
        topic=topic,
        synonyms=synonyms,
    )
    items, _ = first_due(
        people,
        followups,
        today=today,
        horizon=today,
        cadences=cadences,
        first_contact_days=first_contact_days,
    )
    kinds = [i.kind for i in items]
    return Owed(kinds.count("follow-up"), kinds.count("first-contact"), kinds.count("reconnect"))


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the ``months`` months ending with this one, and of the next."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 2)]


def rhythm(conn: Conn, scope: store.Scope | None, today: date) -> list[Month]:
    """Interactions per month over the 12 months ending with this one: with someone in
    ``scope`` in them, or (None) every interaction in the book, archived people's too
    (archiving someone today does not rewrite the rhythm you kept)."""
    starts = month_starts(today)
    bounds = [midnight(d) for d in starts]
    found = (
        store.monthly_all(conn, bounds)
        if scope is None
        else store.monthly_interactions(conn, scope, bounds)
    )
    counted = {r.month: r.interactions for r in found}
    return [Month(d.strftime("%Y-%m"), int(counted.get(n, 0))) for n, d in enumerate(starts[:-1])]


def _canonical(topics: "Topics") -> Callable[[str], str]:
    """``topics.canonical`` once per distinct key (thousands of rows share a few hundred)."""
    known: dict[str, str] = {}

    def canonical(key: str) -> str:
        found = known.get(key)
        if found is None:
            found = known[key] = topics.canonical(key)
        return found

    return canonical


def _gaps(conn: Conn, scope: store.Scope, synonyms: Mapping[str, str]) -> list[Gap]:
    from .topics import Topics

    canonical = _canonical(Topics(conn, synonyms))
    seekers: dict[str, set[int]] = defaultdict(set)
    written: dict[str, str] = {}
    for r in store.seeks(conn, scope):
        c = canonical(r.key)
        seekers[c].add(r.person_id)
        written[c] = min(written.get(c, r.value), r.value)
    if not seekers:
        return []
    offered = {canonical(r.key) for r in store.offered_keys(conn)}
    # an offer that holds every word of a need and more meets it in part (suggest.py)
    held = [set(o.split()) for o in offered]
    gaps = [
        Gap(written[c], len(s))
        for c, s in seekers.items()
        if c not in offered and not any(set(c.split()) < words for words in held)
    ]
    return sorted(gaps, key=lambda g: (-g.seekers, g.topic))


def _thin(conn: Conn, scope: store.Scope, synonyms: Mapping[str, str]) -> list[Thin]:
    """Topics of interactions with people in scope that only one contact has."""
    from .topics import Topics

    topics = Topics(conn, synonyms)
    canonical = _canonical(topics)
    people: dict[str, set[int]] = defaultdict(set)
    written: dict[str, str] = {}
    mine: set[str] = set()
    for r in store.interaction_topics(conn, scope):
        c = canonical(r.key)
        people[c].add(r.person_id)
        written[c] = min(written.get(c, r.topic), r.topic)
        if r.in_scope:
            mine.add(c)
    if not mine:
        return []
    keys = [k for k in topics.stored() if canonical(k) in mine]
    for r in store.work_on(conn, keys):
        people[canonical(r.key)].add(r.person_id)
    single = {c: next(iter(people[c])) for c in mine if len(people[c]) == 1}
    named = {r.id: r.name for r in store.names(conn, sorted(set(single.values())))}
    found = [Thin(written[c], PersonRef(pid, named[pid])) for c, pid in single.items()]
    return sorted(found, key=lambda t: (t.topic, t.person.id))


def _events(conn: Conn, scope: store.Scope, people: list[_Person], p: Period) -> list[EventStats]:
    met = [
        x
        for x in people
        if x.met_at_id is not None
        and x.now.met_on is not None
        and (not p.given or x.now.met_on >= p.since)
    ]
    if not met:
        return []
    near: dict[int, list[date]] = defaultdict(list)
    for r in store.near_meeting(conn, scope):
        near[r.person_id].append(local_day(str(r.at)))
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for x in met:
        s = x.now
        assert s.met_on is not None
        assert s.added is not None
        assert x.met_at_id is not None
        start = max(s.met_on, s.added)
        last_day = start + timedelta(days=FOLLOW_UP_DAYS)
        c = counts[x.met_at_id]
        c[0] += 1
        c[1] += any(start <= d <= last_day for d in near[s.ref.id])
        c[2] += s.last_contact is None or s.last_contact < s.met_on
    found = [
        EventStats(e.id, e.name, _day(e.on), *counts[e.id])
        for e in store.events(conn)
        if e.id in counts
    ]
    # latest first, those with no date last, then by name (as `pln events`)
    found.sort(key=lambda e: (e.on is None, -(e.on.toordinal() if e.on else 0), e.name, e.id))
    return found


def _intros(conn: Conn, scoped: set[int] | None, p: Period) -> Funnel:
    from .introduce import list_intros, what_works

    chosen = [
        i
        for i in list_intros(conn)
        if (scoped is None or i.a.id in scoped or i.b.id in scoped)
        and (not p.given or i.created.astimezone().date() >= p.since)
    ]
    made = [i for i in chosen if i.state == "made"]
    return Funnel(
        len(chosen),
        sum(1 for i in chosen if i.asked or i.state == "made"),
        len(made),
        sum(1 for i in made if i.outcome == "connected"),
        sum(1 for i in chosen if i.state == "declined"),
        sum(1 for i in made if i.outcome == "nothing"),
        [Evidence(k.kind, k.made, k.connected) for k in what_works(chosen)],
    )


def network_stats(
    conn: Conn,
    *,
    today: date,
    since: date | None,
    circle: str | None,
    topic: str | None,
    cadences: dict[str, str],
    first_contact_days: int,
    synonyms: Mapping[str, str],
) -> Stats:
    p = period(today, since)
    store.larger_cache_sqlite(conn)
    scope = scope_of(conn, circle, topic, synonyms)
    people = _people(conn, scope, p, cadences)
    filtered = circle is not None or topic is not None
    return Stats(
        p,
        _circles(people, p, cadences),
        _owed(
            conn,
            today,
            cadences=cadences,
            first_contact_days=first_contact_days,
            circle=circle,
            topic=topic,
            synonyms=synonyms,
        ),
        rhythm(conn, scope if filtered else None, today),
        _gaps(conn, scope, synonyms),
        _thin(conn, scope, synonyms),
        _events(conn, scope, people, p),
        _intros(conn, {x.now.ref.id for x in people} if filtered else None, p),
    )


def person_stats(
    conn: Conn, person: PersonRef, *, today: date, cadences: dict[str, str]
) -> PersonStats:
    """One relationship: its band now and its rhythm over 12 months."""
    scope: store.Scope = ("p.id = ?", [person.id])
    p = period(today, None)
    (x,) = _people(conn, scope, p, cadences)
    return PersonStats(
        PersonRef(person.id, x.now.ref.name),
        x.now.circle,
        x.now.cadence,
        band(x.now, today, cadences),
        x.now.last_contact,
        rhythm(conn, scope, today),
    )
