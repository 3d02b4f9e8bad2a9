"""Resources: what passes between people (articles, books, blogs, videos, courses, podcasts).

- **One resource, one record.** A URL is stored as given (nothing is fetched); with no
  ``--title`` the URL is the title. The same URL, or the same title once folded (case,
  accents and spacing: ``text.fold``), is one resource: adding it again adds nothing.
- **Sharing is contact.** Sending a resource to someone (`pln share R --with P`) or
  receiving one (`pln resource add R --from P`) is an interaction of kind ``shared`` with
  that one person (several people get one each: sending the same link to two people does
  not mean they know each other), linked to the resource with its direction (``to``: you
  sent it; ``from``: they sent it to you). Like any interaction it moves their last
  contact, so it resets their keep-in-touch clock, and it closes their automatic first
  follow-up as `pln log` does.
- **Who it would help**: ``sharing.py`` (`pln share RESOURCE`, `pln who`, `pln due`).
- **Reading together.** A group reads a resource, by a day or not; a dated reading is
  due for you on its day (`pln due`, and the ICS feed) until it is marked done.
"""

from __future__ import annotations

from datetime import date, datetime

from .db import from_db_time, to_db_time
from .errors import Ambiguous, Conflict, InvalidInput, NotFound
from .lean import TYPE_CHECKING, NamedTuple, regex
from .resolve import MAX_ID, MAX_LISTED, PersonRef
from .store import Conn
from .store import resources as store
from .text import clean_line, clean_text, fold, id_typed, runs_when_clicked, topic_key
from .topics import Topics

if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # `pln share RESOURCE` (the fast path) loads neither
    from .ties import Group

KINDS = ("article", "book", "blog", "video", "course", "podcast", "other")
SHARED = "shared"  # the kind of interaction a share is
MAX_TITLE = 300
MAX_URL = 2000
# compiled when first asked (re's own cache): `pln due` loads this module for the share hints and
# never asks, and this case-blind pattern over all of Unicode takes ~1-5 ms to compile
_URL = r"(?i)[a-z][a-z0-9+.-]*://\S+|www\.\S+"
_HINT = "give the title, a unique start of it, the URL or #id (see `pln resources`)"


class ResourceRef(NamedTuple):
    id: int
    title: str


class ResourceRow(NamedTuple):
    id: int
    title: str
    url: str | None
    kind: str
    author: str | None
    note: str
    topics: list[str]
    added: datetime
    sent: int  # times you shared it
    received: int  # times it was shared with you


class Share(NamedTuple):
    person: PersonRef
    direction: str  # to (you sent it) | from (they sent it to you)
    at: datetime
    note: str


class Reading(NamedTuple):
    id: int
    group: str
    resource: ResourceRef
    url: str | None
    due: date | None
    done: datetime | None


class Detail(NamedTuple):
    resource: ResourceRow
    shares: list[Share]
    readings: list[tuple[str, date | None, datetime | None]]  # group, due, done


def is_url(text: str) -> bool:
    return regex(_URL).fullmatch(text.strip()) is not None


def _typed_link(text: str) -> bool:
    """Whether one word is a link that runs code or opens a file, typed where a title may
    be: ``javascript:…``, ``vbscript:…``, ``data:…,…`` (a data link holds a comma) or
    ``file:/…``. A page's name with a colon is a title: ``File:Example.jpg`` (a wiki's),
    ``ISBN:9780262033848``, ``Note:x``; so is a title with a space after its colon."""
    if " " in text.strip():
        return False
    low = text.strip().lower()
    return low.startswith(("javascript:", "vbscript:", "file:/")) or (
        low.startswith("data:") and "," in low
    )


def _refuse_unsafe(url: str) -> None:
    """A resource's URL is a page to visit, as a person's link is (``text.clean_link``).
    `pln resource add` asks it of a URL and of one word that is such a link typed
    (``_typed_link``: ``javascript:alert(1)``, ``data:text/html,...``), not a title."""
    if runs_when_clicked(url):
        raise InvalidInput(
            f"URL {url!r} is not a web page",
            "give https://...; javascript:, vbscript:, data: and file: links are refused",
        )


def check_kind(kind: str) -> str:
    word = kind.strip().lower()
    if word not in KINDS:
        raise InvalidInput(f"--kind {kind!r} is not known", f"use one of {', '.join(KINDS)}")
    return word


def _row(r: Any, topics: list[str], sent: int = 0, received: int = 0) -> ResourceRow:
    added = from_db_time(r.created_at)
    assert added is not None
    return ResourceRow(
        r.id, r.title, r.url, r.kind, r.author, r.note, topics, added, sent, received
    )


# ---- adding, finding, changing ------------------------------------------------------------


def add_resource(
    conn: Conn,
    what: str,
    *,
    title: str | None,
    kind: str,
    topics: list[str],
    author: str | None,
    note: str,
    now: datetime,
) -> tuple[ResourceRef, bool]:
    """Add a resource (``what``: a URL or a title); (it, False) when the book already has
    it (the same URL or folded title), which is then left as it is."""
    typed = clean_line(what, "the resource", limit=MAX_URL)
    url = typed if is_url(typed) else None
    if url is not None or _typed_link(typed):  # javascript:alert(1) is a link, not a title
        _refuse_unsafe(typed)
    if url is None and title is not None:
        raise InvalidInput(
            "--title names a resource given by its URL",
            "give the title once: pln resource add TITLE",
        )
    name = clean_line(title if title is not None else typed, "title", limit=MAX_TITLE)
    key = fold(name)
    # everything typed is checked first, whether or not the book has it already
    kind = check_kind(kind)
    values = [clean_line(t, "topic") for t in topics]
    by = None if not author else clean_line(author, "author")
    text = clean_text(note, "note")
    found = (store.resource_with_url(conn, url) if url else None) or store.resource_with_key(
        conn, key
    )
    if found is not None:
        return ResourceRef(found.id, found.title), False
    rid = store.insert_resource(
        conn, title=name, key=key, url=url, kind=kind, author=by, note=text, at=to_db_time(now)
    )
    for value in values:
        store.add_topic(conn, rid, topic_key(value), value)
    return ResourceRef(rid, name), True


def find_resource(conn: Conn, text: str) -> ResourceRef:
    """RESOURCE: ``#id``, its URL, its title (folded), or a unique start of the title or
    of a word in it."""
    typed = text.strip()
    if (rid := id_typed(typed)) is not None:
        found = None if rid > MAX_ID else store.resource(conn, rid)
        if found is None:
            raise NotFound(f"no resource has id {typed}", _HINT)
        return ResourceRef(found.id, found.title)
    key = fold(typed)
    if not key:
        raise NotFound("an empty title matches no resource", _HINT)
    exact = store.resource_with_url(conn, typed) or store.resource_with_key(conn, key)
    if exact is not None:
        return ResourceRef(exact.id, exact.title)
    like = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.resources_starting(conn, like)
    if len(rows) == 1:
        return ResourceRef(rows[0].id, rows[0].title)
    if not rows:
        raise NotFound(f"no resource matches {typed!r}", _HINT)
    shown = ", ".join(f"{r.title} (#{r.id})" for r in rows[:MAX_LISTED])
    more = f" and {len(rows) - MAX_LISTED} more" if len(rows) > MAX_LISTED else ""
    raise Ambiguous(
        f"{typed!r} matches {len(rows)} resources: {shown}{more}",
        "use more of the title, or the #id",
    )


class Change(NamedTuple):
    title: str | None = None
    url: str | None = None  # "": no URL
    kind: str | None = None
    author: str | None = None  # "": none
    note: str | None = None
    add_topics: tuple[str, ...] = ()
    remove_topics: tuple[str, ...] = ()


class Edited(NamedTuple):
    resource: ResourceRef
    changed: bool  # False: it had everything given already; nothing written
    kept: list[str]  # notes: a --topic it has already (as stored), kept as it was


def edit_resource(conn: Conn, ref: ResourceRef, change: Change, *, now: datetime) -> Edited:
    """Change a resource's title, URL, kind, author, note or topics; a title or URL another
    resource has is refused (they would be one resource: remove one of them). What it
    holds already is no change: given nothing else, nothing is written (not even the
    history's entry), and a topic it has is said, as `pln edit --add-topic` says it."""
    sets: dict[str, Any] = {}
    if change.title is not None:
        sets["title"] = clean_line(change.title, "title", limit=MAX_TITLE)
        sets["title_key"] = fold(sets["title"])
        _not_taken(store.resource_with_key(conn, sets["title_key"]), ref, "title")
    if change.url is not None:
        url = clean_line(change.url, "URL", limit=MAX_URL) if change.url.strip() else None
        if url is not None:
            _refuse_unsafe(url)  # said as such, before "not a URL" (javascript:x is not one)
        if url is not None and not is_url(url):
            raise InvalidInput(f"--url {change.url!r} is not a URL", "e.g. https://example.org/a")
        sets["url"] = url
        _not_taken(store.resource_with_url(conn, url) if url else None, ref, "URL")
    if change.kind is not None:
        sets["kind"] = check_kind(change.kind)
    if change.author is not None:
        sets["author"] = clean_line(change.author, "author") if change.author.strip() else None
    if change.note is not None:
        sets["note"] = clean_text(change.note, "note")
    held = store.resource(conn, ref.id)
    assert held is not None  # found in this transaction
    stored = held._asdict()
    if sets.get("title") == stored["title"]:
        del sets["title"], sets["title_key"]
    sets = {k: v for k, v in sets.items() if k == "title_key" or v != stored[k]}
    held = {topic_key(t): t for t in store.topics_of(conn, [ref.id]).get(ref.id, [])}
    kept, added = [], False
    for value in change.add_topics:
        topic = clean_line(value, "topic")
        if store.add_topic(conn, ref.id, topic_key(topic), topic):
            added = True
            held.setdefault(topic_key(topic), topic)
        elif held.get(topic_key(topic), topic) == value:
            kept.append(f"note: --topic {value!r} is already there: nothing added")
        else:
            there = held.get(topic_key(topic), topic)
            kept.append(f"note: --topic {value!r} is already there as {there!r}: kept as it was")
    gone: dict[str, str] = {}  # each topic once, however often named (`a`, `A`)
    for value in change.remove_topics:
        gone.setdefault(topic_key(value), value)
    for key, value in gone.items():
        if not store.remove_topic(conn, ref.id, key):
            raise NotFound(f"{ref.title} has no topic {value!r}", "see pln resource show")
    changed = bool(sets or added or change.remove_topics)
    if changed:
        store.update_resource(conn, ref.id, sets, at=to_db_time(now))
    if sets.get("title", ref.title) != ref.title:
        _retitle_shares(conn, ref, sets["title"])
    return Edited(ResourceRef(ref.id, sets.get("title", ref.title)), changed, kept)


def _retitle_shares(conn: Conn, ref: ResourceRef, title: str) -> None:
    """The shares' notes begin with the title they were recorded under (``record_share``):
    they follow it when it changes; the note the user wrote after it stays as it was."""
    from .store.search import refresh_search

    people = set()
    for s in store.share_notes(conn, ref.id):
        people.add(s.person_id)
        if s.note == ref.title:
            store.set_share_note(conn, s.id, title)
        elif s.note.startswith(f"{ref.title} — "):
            store.set_share_note(conn, s.id, title + s.note[len(ref.title) :])
    refresh_search(conn, sorted(people))


def _not_taken(other: Any | None, ref: ResourceRef, what: str) -> None:
    if other is not None and other.id != ref.id:
        raise Conflict(
            f"another resource has that {what}: {other.title} (#{other.id})",
            "the same title or URL is one resource; remove one of them first",
        )


def remove_resource(conn: Conn, ref: ResourceRef) -> None:
    """Remove it, its topics, its links to shares and its group readings; the shares
    themselves stay in the timelines as interactions."""
    store.delete_resource(conn, ref.id)


# ---- reading ------------------------------------------------------------------------------


def list_resources(
    conn: Conn, *, kind: str | None, topic: str | None, synonyms: dict[str, str]
) -> list[ResourceRow]:
    """Resources by title; ``topic`` matched as `pln list --topic` matches."""
    keys = None
    if topic is not None:
        from .topics import require_words

        require_words(topic)
        keys = list(Topics(conn, synonyms).grades(topic, store.topic_keys(conn)))
    found = store.list_resources(conn, kind=None if kind is None else check_kind(kind), keys=keys)
    topics = store.topics_of(conn, [r.id for r in found])
    return [_row(r, topics.get(r.id, []), r.sent, r.received) for r in found]


def detail(conn: Conn, ref: ResourceRef) -> Detail:
    r = store.resource(conn, ref.id)
    assert r is not None
    shares = [
        Share(PersonRef(s.person_id, s.name), s.direction, _at(s.at), s.note)
        for s in store.shares_of_resource(conn, ref.id)
    ]
    readings = [
        (g.name, date.fromisoformat(g.due) if g.due else None, from_db_time(g.done_at))
        for g in store.readings_of_resource(conn, ref.id)
    ]
    sent = sum(1 for s in shares if s.direction == "to")
    row = _row(r, store.topics_of(conn, [ref.id]).get(ref.id, []), sent, len(shares) - sent)
    return Detail(row, shares, readings)


def _at(text: str) -> datetime:
    at = from_db_time(text)
    assert at is not None
    return at


class PersonShare(NamedTuple):
    resource: ResourceRef
    url: str | None
    direction: str
    at: datetime


def shares_of(conn: Conn, pid: int) -> list[PersonShare]:
    """What went between you and this person, newest first (`pln show`)."""
    return [
        PersonShare(ResourceRef(r.resource_id, r.title), r.url, r.direction, _at(r.at))
        for r in store.shares_of_person(conn, pid)
    ]


# ---- sharing ------------------------------------------------------------------------------


def record_share(
    conn: Conn,
    ref: ResourceRef,
    people: list[PersonRef],
    *,
    direction: str,
    note: str,
    at: datetime,
    now: datetime,
) -> list[int]:
    """One ``shared`` interaction per person, linked to the resource; the interactions."""
    from .activity import log_interaction, settle_first_followups

    if len({p.id for p in people}) < len(people):
        raise InvalidInput("someone is named twice", "name each person once")
    text = clean_text(note, "note")
    said = f"{ref.title} — {text}" if text else ref.title
    ids = []
    for person in people:
        iid = log_interaction(conn, [person], at=at, kind=SHARED, note=said, topics=[], now=now)
        store.link_share(conn, iid, ref.id, direction)
        ids.append(iid)
    settle_first_followups(conn, people, now=now)
    return ids


# ---- group readings -----------------------------------------------------------------------


def set_reading(
    conn: Conn,
    group: Group,
    ref: ResourceRef,
    *,
    due: date | None,
    done: bool,
    now: datetime,
) -> tuple[bool, bool, date | None]:
    """The group reads the resource (by ``due``); again: the date moves (when given, and
    reopens it), and ``done`` marks it read. (new, changed, the date it now has): the same
    date again, or ``done`` of a reading done already (the day it was read stays), is no
    change, and writes nothing."""
    found = store.reading(conn, group.id, ref.id)
    done_at = to_db_time(now) if done else None
    if found is None:
        if done and due is None:
            raise NotFound(
                f"{group.name} is not reading {ref.title}",
                f"set it first: pln group read {group.name!r} RESOURCE --by DATE",
            )
        store.insert_reading(
            conn, group.id, ref.id, due=due.isoformat() if due else None, at=to_db_time(now)
        )
        if done:
            found = store.reading(conn, group.id, ref.id)
            assert found is not None
            store.update_reading(conn, found.id, due=found.due, done_at=done_at)
        return True, True, due
    day = due.isoformat() if due else found.due
    read = (found.done_at or done_at) if done else None if due else found.done_at
    changed = (day, read) != (found.due, found.done_at)
    if changed:
        store.update_reading(conn, found.id, due=day, done_at=read)
    return False, changed, date.fromisoformat(day) if day else None


def readings(conn: Conn, group: Group) -> list[Reading]:
    return [
        Reading(
            r.id,
            group.name,
            ResourceRef(r.resource_id, r.title),
            r.url,
            date.fromisoformat(r.due) if r.due else None,
            from_db_time(r.done_at),
        )
        for r in store.readings_of_group(conn, group.id)
    ]
