"""`pln graph`: the network as a picture — who is in it, how they are linked, and what
each person's card says.

Who is drawn (``Scope``):

- by default, the ``limit`` (150) most active people: the most interactions in the last
  ``RECENT_DAYS`` (365) days first, then the most recent last contact, then the oldest
  record; ``--all`` draws everyone, ``--for PERSON`` that person and everyone they know
  (their ties and the members of their groups), the most active first, up to ``limit``;
- and the people of the suggested introductions (``pln introduce``'s own list, the
  ``suggestions`` best: over the whole book, or with ``--for`` around that person), so
  that every suggestion can be drawn as a dashed line between its two people.

Then every tie between two people drawn, every group (not private) with a member drawn,
and what was left out is counted. Archived people are never drawn. Private topics,
events and groups (`pln private`) are left out of the picture altogether: a private
group is neither drawn nor named on a card, and a private topic, offer or need is not
listed (nor a private event as where someone was met).

A person is *dormant* when their keep-in-touch cadence (their own, else their circle's)
has run out more than twice over since their last contact (or meeting them at an event,
if later; or else the day they were added). The size of a person's dot says how many
interactions they were in over the last ``RECENT_DAYS`` days.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from .dates import Interval, parse_interval
from .db import to_db_time
from .due import first_due, load_due_inputs
from .resolve import PersonRef
from .store import Conn
from .store import graph as store

LIMIT = 150  # people in the default picture
SUGGESTIONS = 10  # suggested introductions drawn
RECENT_DAYS = 365  # "recent contact": the interactions of the last year
DORMANT_AFTER = 2  # a cadence run out more than this many times over
KNOWS_SHOWN = 12  # names of acquaintances on a card


class Person(NamedTuple):
    id: int
    name: str
    circle: str
    org: str | None
    role: str | None
    topics: list[str]
    offers: list[str]
    seeks: list[str]
    last_contact: date | None
    contacts: int  # interactions in the last RECENT_DAYS days
    dormant: bool
    due: list[str]  # what `pln due` says is owed to them now
    groups: list[int]  # the groups drawn they are in
    met_at: str | None  # the event, unless it is private
    knows: list[str]  # whom they know (ties), the first KNOWS_SHOWN by name
    knows_more: int  # and how many more


class Group(NamedTuple):
    id: int
    name: str
    members: int  # people not archived in it, drawn or not


class Intro(NamedTuple):
    a: int
    b: int
    score: float
    reasons: list[str]
    evidence: list[str]


class LeftOut(NamedTuple):
    people: int
    ties: int
    groups: int
    memberships: int


class Picture(NamedTuple):
    scope: str  # "active" | "for" | "all"
    focus: PersonRef | None
    ego: bool
    limit: int
    people: list[Person]
    ties: list[tuple[int, int]]
    groups: list[Group]
    memberships: list[tuple[int, int]]  # (person id, group id)
    intros: list[Intro]
    left_out: LeftOut


class Settings(NamedTuple):
    """What the picture needs of the user's settings."""

    cadences: dict[str, str]
    first_contact_days: int
    synonyms: Mapping[str, str]


def build(
    conn: Conn,
    *,
    now: datetime,
    settings: Settings,
    focus: PersonRef | None = None,
    everyone: bool = False,
    limit: int = LIMIT,
    suggestions: int = SUGGESTIONS,
    ego: bool = False,
) -> Picture:
    """The picture of the book (see the module's docstring for who is drawn)."""
    today = now.date()
    rows = {int(r.id): r for r in store.people(conn)}
    since = to_db_time(now - timedelta(days=RECENT_DAYS))
    contacts = store.contacts_since(conn, since)
    ties = [t for t in store.ties(conn) if t[0] in rows and t[1] in rows]
    groups = {int(g.id): str(g.name) for g in store.groups(conn)}
    in_groups = {
        pid: [g for g in gids if g in groups]
        for pid, gids in store.members(conn).items()
        if pid in rows
    }
    chosen = _choose(rows, contacts, ties, in_groups, focus=focus, everyone=everyone, limit=limit)
    intros = _suggested(conn, today, settings, focus, rows, suggestions)
    drawn = set(chosen)
    for i in (i for s in intros for i in (s.a, s.b) if i not in drawn):
        drawn.add(i)
        chosen.append(i)
    drawn_ties = [t for t in ties if t[0] in drawn and t[1] in drawn]
    memberships = [(p, g) for p in chosen for g in in_groups.get(p, [])]
    group_ids = {g for _, g in memberships}
    all_memberships = sum(len(v) for v in in_groups.values())
    sizes = _group_sizes(in_groups)
    people = _people(conn, chosen, rows, contacts, ties, in_groups, today, settings)
    return Picture(
        "all" if everyone else "for" if focus is not None else "active",
        focus,
        ego,
        limit,
        people,
        drawn_ties,
        [Group(g, groups[g], sizes.get(g, 0)) for g in groups if g in group_ids],
        memberships,
        intros,
        LeftOut(
            len(rows) - len(chosen),
            len(ties) - len(drawn_ties),
            len([g for g in groups if sizes.get(g) and g not in group_ids]),
            all_memberships - len(memberships),
        ),
    )


def _choose(
    rows: Mapping[int, Any],
    contacts: Mapping[int, int],
    ties: list[tuple[int, int]],
    in_groups: Mapping[int, list[int]],
    *,
    focus: PersonRef | None,
    everyone: bool,
    limit: int,
) -> list[int]:
    """Who is drawn (before the people of the suggestions), the most active first: everyone,
    or ``focus`` and whom they know, or the ``limit`` most active."""
    rank = _activity(rows, contacts)
    if everyone:
        return sorted(rows, key=rank)
    if focus is not None:
        hood = _acquaintances(focus.id, ties, in_groups) - {focus.id}
        return [focus.id, *sorted(hood, key=rank)[: max(limit - 1, 0)]]
    return sorted(rows, key=rank)[:limit]


def _activity(rows: Mapping[int, Any], contacts: Mapping[int, int]) -> Callable[[int], Any]:
    """The order of the most active first: interactions in the last year, then the most
    recent last contact, then the oldest record."""

    def key(pid: int) -> tuple[int, int, int]:
        last = rows[pid].last_contact
        recent = -date.fromisoformat(last).toordinal() if last else 0  # never: after all
        return (-contacts.get(pid, 0), recent, pid)

    return key


def _acquaintances(
    pid: int, ties: Iterable[tuple[int, int]], in_groups: Mapping[int, list[int]]
) -> set[int]:
    """Whom ``pid`` knows: their ties, and the members of their groups (not private)."""
    found = {b if a == pid else a for a, b in ties if pid in (a, b)}
    theirs = set(in_groups.get(pid, []))
    if theirs:
        found |= {p for p, gids in in_groups.items() if theirs.intersection(gids)}
    return found


def _group_sizes(in_groups: Mapping[int, list[int]]) -> dict[int, int]:
    sizes: dict[int, int] = defaultdict(int)
    for gids in in_groups.values():
        for g in gids:
            sizes[g] += 1
    return sizes


def _suggested(
    conn: Conn,
    today: date,
    settings: Settings,
    focus: PersonRef | None,
    rows: Mapping[int, Any],
    limit: int,
) -> list[Intro]:
    """`pln introduce`'s introductions to consider (its own scoring and list), the best
    ``limit``: over the whole book, or around ``focus``. None for someone you only follow
    (suggestions leave them out)."""
    if limit <= 0 or (focus is not None and rows[focus.id].circle == "following"):
        return []
    from .suggest import Book, suggestions

    book = Book(
        conn,
        include_following=False,
        today=today,
        synonyms=dict(settings.synonyms),
        focus=focus.id if focus else None,
    )
    found = suggestions(book, focus=focus.id if focus else None, limit=limit)
    return [
        Intro(s.a.id, s.b.id, round(s.score, 2), list(s.reasons), list(s.evidence))
        for s in found
        if s.kind == "introduce"
    ]


def _people(
    conn: Conn,
    chosen: list[int],
    rows: Mapping[int, Any],
    contacts: Mapping[int, int],
    ties: list[tuple[int, int]],
    in_groups: Mapping[int, list[int]],
    today: date,
    settings: Settings,
) -> list[Person]:
    """Each drawn person's card."""
    drawn = set(chosen)
    attrs = _topics(conn, chosen, settings)
    knows: dict[int, list[str]] = defaultdict(list)
    for a, b in ties:
        if a in drawn:
            knows[a].append(rows[b].name)
        if b in drawn:
            knows[b].append(rows[a].name)
    events = {int(e.id): (None if e.private else str(e.name)) for e in store.events(conn)}
    due = _due(conn, today, settings, drawn)
    cadences = {c: _interval(v) for c, v in settings.cadences.items()}
    out = []
    for pid in chosen:
        r = rows[pid]
        names = sorted(knows.get(pid, []), key=str.casefold)
        last = date.fromisoformat(r.last_contact) if r.last_contact else None
        out.append(
            Person(
                pid,
                str(r.name),
                str(r.circle),
                r.org,
                r.role,
                attrs.get((pid, "topic"), []),
                attrs.get((pid, "offers"), []),
                attrs.get((pid, "seeks"), []),
                last,
                contacts.get(pid, 0),
                _dormant(r, last, today, cadences),
                due.get(pid, []),
                in_groups.get(pid, []),
                events.get(r.met_at_id) if r.met_at_id is not None else None,
                names[:KNOWS_SHOWN],
                max(len(names) - KNOWS_SHOWN, 0),
            )
        )
    return out


def _topics(conn: Conn, ids: list[int], settings: Settings) -> dict[tuple[int, str], list[str]]:
    """Each person's topics, offers and seeks as they wrote them, without the private
    ones: a topic marked private (`pln private topic`), or one counting as it (its
    words, or through the synonyms), as suggestions leave them out."""
    private = set(store.private_topic_keys(conn))
    counts_as: Callable[[str], str] = str
    if private:
        from .topics import Topics

        topics = Topics(conn, settings.synonyms)
        counts_as = topics.canonical
        private |= {counts_as(k) for k in private}
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for pid, kind, value, key in store.topics_of(conn, ids):
        if private and (key in private or counts_as(key) in private):
            continue
        found[pid, kind].append(str(value))
    return found


def _due(conn: Conn, today: date, settings: Settings, drawn: set[int]) -> dict[int, list[str]]:
    """What `pln due` lists for each drawn person today, in its order."""
    people, followups = load_due_inputs(
        conn,
        horizon=today,
        cadences=settings.cadences,
        first_contact_days=settings.first_contact_days,
    )
    items, _ = first_due(
        people,
        followups,
        today=today,
        horizon=today,
        cadences=settings.cadences,
        first_contact_days=settings.first_contact_days,
    )
    found: dict[int, list[str]] = defaultdict(list)
    for item in items:
        if item.person.id in drawn:
            found[item.person.id].append(f"{item.kind}: {item.reason}")
    return found


def _interval(text: str | None) -> Interval | None:
    return None if text is None or text == "never" else parse_interval(text)


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _dormant(
    r: Any, last: date | None, today: date, cadences: Mapping[str, Interval | None]
) -> bool:
    """The cadence has run out more than DORMANT_AFTER times over since the last contact
    (or meeting them, if later; or else the day they were added)."""
    cadence = _interval(r.cadence) if r.cadence else cadences.get(r.circle)
    if cadence is None:
        return False
    met = _day(r.met_on) if r.met_at_id is not None else None
    since = max(d for d in (last, met) if d) if (last or met) else date.fromisoformat(r.added)
    return (today - since).days > DORMANT_AFTER * cadence.approx_days()
