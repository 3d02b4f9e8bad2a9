"""The introduction workflow: suggested -> asked -> made | declined, then a check-in.

Double opt-in: `pln intro asked A B` records that A was asked about meeting B, and
leaves a follow-up to chase the answer; `pln intro made A B` records the tie,
notes it on both people, logs the introduction as an interaction with both and
schedules a check-in; `pln intro outcome A B connected|nothing` closes the loop
and, over time, shows which kinds of introductions work.

Scoring (``suggest.py``) is imported where it is used: `pln intro made|declined|outcome`
and `pln introduce A B --dismiss` never load it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .db import from_db_time, to_db_time
from .errors import Conflict, InvalidInput, NotFound
from .lean import TYPE_CHECKING, NamedTuple, dumps
from .resolve import PersonRef
from .store import Conn, network
from .store import intros as store
from .text import MAX_TEXT, clean_text

if TYPE_CHECKING:
    from typing import Any

    from .suggest import Book, Person, Suggestion

WAIT_DAYS = 7  # an unanswered ask comes back in `pln due` after a week
CHECK_IN_DAYS = 21  # "did they connect?" three weeks after the introduction
STATES = ("suggested", "asked", "made", "declined")
OUTCOMES = ("connected", "nothing")


class Intro(NamedTuple):
    id: int
    a: PersonRef
    b: PersonRef
    state: str
    reasons: list[str]
    kinds: list[str]
    note: str
    asked: list[str]  # names of the sides asked
    created: datetime
    made: datetime | None
    outcome: str | None
    outcome_note: str  # the note of the outcome, then one `earlier (DAY): ...` line per earlier one
    outcome_at: datetime | None  # when the outcome was recorded


def _row(r: Any) -> Intro:
    import json  # an introduction read back: its reasons (``json`` imports ``re``)

    a, b = PersonRef(int(r.a_id), str(r.a_name)), PersonRef(int(r.b_id), str(r.b_name))
    asked = [p.name for p, at in ((a, r.asked_a_at), (b, r.asked_b_at)) if at]
    return Intro(
        int(r.id),
        a,
        b,
        str(r.state),
        json.loads(str(r.reasons)),
        [k for k in str(r.kinds).split(",") if k],
        str(r.note),
        asked,
        from_db_time(str(r.created_at)) or datetime.min,
        from_db_time(str(r.made_at)) if r.made_at else None,
        None if r.outcome is None else str(r.outcome),
        str(r.outcome_note),
        # Once made, an introduction changes only by its outcome: updated_at is when
        # the outcome was recorded.
        from_db_time(str(r.updated_at)) if r.outcome is not None else None,
    )


def _ordered(a: PersonRef, b: PersonRef) -> tuple[PersonRef, PersonRef]:
    if a.id == b.id:
        raise InvalidInput(f"cannot introduce {a.name} to themselves", "name two people")
    return (a, b) if a.id < b.id else (b, a)


def find_intro(conn: Conn, a: PersonRef, b: PersonRef) -> Intro | None:
    x, y = _ordered(a, b)
    row = store.intro_between(conn, x.id, y.id)
    return None if row is None else _row(row)


def _require(conn: Conn, a: PersonRef, b: PersonRef) -> Intro:
    intro = find_intro(conn, a, b)
    if intro is None:
        raise NotFound(
            f"no introduction of {a.name} and {b.name} is recorded",
            f"propose it first: pln introduce '{a.name}' '{b.name}'",
        )
    return intro


def evidence(book: Book, a: PersonRef, b: PersonRef) -> Suggestion | None:
    from .suggest import score_pair

    pa, pb = book.people.get(a.id), book.people.get(b.id)
    if pa is None or pb is None:
        return None
    return score_pair(book, pa, pb)


def likely_known(book: Book, a: PersonRef, b: PersonRef) -> Suggestion | None:
    """The pair's evidence when the "already know?" list would mark it likely (its know
    score reaches ``suggest.LIKELY_AT``), else None: introducing them may tell them nothing.
    The two in the list's order (and so its reasons' words), as the record names them."""
    found = evidence(book, *_ordered(a, b))
    return found if found is not None and found.likely else None


def propose(
    conn: Conn, book: Book, a: PersonRef, b: PersonRef, *, note: str, now: datetime
) -> Intro:
    x, y = _ordered(a, b)
    if network.tie_exists(conn, x.id, y.id):
        raise Conflict(
            f"{x.name} and {y.name} already know each other", f"see `pln knows '{x.name}'`"
        )
    existing = find_intro(conn, x, y)
    if existing is not None:
        raise Conflict(
            f"the introduction of {x.name} and {y.name} is already recorded ({existing.state})",
            "see `pln intros`",
        )
    found = evidence(book, x, y)
    reasons, kinds = (found.reasons, found.evidence) if found else ([], [])
    stamp = to_db_time(now)
    store.insert_intro(
        conn,
        x.id,
        y.id,
        reasons=dumps(reasons),
        kinds=",".join(dict.fromkeys(kinds)),
        note=clean_text(note, "note"),
        at=stamp,
    )
    store.undismiss(conn, x.id, y.id)
    return _require(conn, x, y)


def _link_followup(conn: Conn, intro: Intro, fid: int, purpose: str) -> None:
    store.link_followup(conn, intro.id, fid, purpose)


def _close_followups(conn: Conn, intro: Intro, purpose: str, state: str, now: datetime) -> None:
    store.close_followups(conn, intro.id, purpose, state=state, at=to_db_time(now))


def _open_state(intro: Intro, verb: str) -> None:
    if intro.state in ("made", "declined"):
        raise InvalidInput(
            f"the introduction of {intro.a.name} and {intro.b.name} was already {intro.state}",
            f"cannot mark it {verb}; see `pln intros`",
        )


def mark_asked(
    conn: Conn,
    book: Book,
    asked: PersonRef,
    other: PersonRef,
    *,
    now: datetime,
    chase: list[tuple[int, date, bool]] | None = None,
) -> Intro:
    """``asked`` was asked whether they would like to meet ``other``: a follow-up chases
    the answer in ``WAIT_DAYS``. Asked again while that chase is open, the one chase moves
    to ``WAIT_DAYS`` from now (none is added beside it); if it is due then already,
    nothing changes. ``chase`` gets (the open chase's id, its day, whether it moved)."""
    # the follow-up as ``activity.add_followup`` stores one that does not recur: that
    # module's imports (dates, views, ties) cost `pln intro asked` a third of the floor
    from .store.activity import insert_followup, move_followup

    intro = find_intro(conn, asked, other) or propose(conn, book, asked, other, note="", now=now)
    _open_state(intro, "asked")
    side = "a" if asked.id == intro.a.id else "b"
    due = now.date() + timedelta(days=WAIT_DAYS)
    open_chase = store.open_followup(conn, intro.id, "waiting", asked.id)
    if open_chase is not None:
        held = date.fromisoformat(str(open_chase.due))
        if held < due:
            store.mark_asked(conn, intro.id, side=side, at=to_db_time(now))
            move_followup(conn, open_chase.id, due=due, every=None)
        if chase is not None:
            chase.append((open_chase.id, max(held, due), held < due))
        return _require(conn, asked, other)
    store.mark_asked(conn, intro.id, side=side, at=to_db_time(now))
    fid = insert_followup(
        conn,
        person_id=asked.id,
        due=now.date() + timedelta(days=WAIT_DAYS),
        note=clean_text(
            f"Waiting: did {asked.name} answer about meeting {other.name}?",
            "note",
            keep_invisible=True,  # stored names (a restore keeps them as an older pln wrote)
        ),
        every=None,
        now=now,
    )
    _link_followup(conn, intro, fid, "waiting")
    return _require(conn, asked, other)


def mark_made(
    conn: Conn, a: PersonRef, b: PersonRef, *, now: datetime, notes_full: list[str] | None = None
) -> Intro:
    """The introduction made: a tie, a line in each one's notes, an interaction, and a
    check-in follow-up. A line that would take someone's notes past ``text.MAX_TEXT`` is
    not added (their backup would no longer restore); it is put in ``notes_full``, and the
    interaction holds the introduction all the same."""
    from .activity import add_followup, log_interaction
    from .ties import add_tie

    intro = _require(conn, a, b)
    _open_state(intro, "made")
    today = now.astimezone().date()
    store.mark_made(conn, intro.id, at=to_db_time(now))
    add_tie(
        conn,
        intro.a,
        intro.b,
        since=today,
        note="you introduced them",
        source="introduction",
        now=now,
    )
    for person, other in ((intro.a, intro.b), (intro.b, intro.a)):
        line = f"{today.isoformat()}: you introduced them to {other.name}"
        if (
            not store.append_note(conn, person.id, line, at_most=MAX_TEXT)
            and notes_full is not None
        ):
            notes_full.append(person.name)
    log_interaction(
        conn,
        [intro.a, intro.b],
        at=now,
        kind="introduction",
        note=f"Introduced {intro.a.name} and {intro.b.name}",
        topics=[],
        now=now,
    )
    _close_followups(conn, intro, "waiting", "done", now)
    fid = add_followup(
        conn,
        intro.a,
        due=today + timedelta(days=CHECK_IN_DAYS),
        note=f"Check in: did {intro.a.name} and {intro.b.name} connect?",
        every=None,
        now=now,
    )
    _link_followup(conn, intro, fid, "check-in")
    return _require(conn, a, b)


def mark_declined(conn: Conn, a: PersonRef, b: PersonRef, *, now: datetime) -> Intro:
    intro = _require(conn, a, b)
    _open_state(intro, "declined")
    store.mark_declined(conn, intro.id, at=to_db_time(now))
    _close_followups(conn, intro, "waiting", "dropped", now)
    return _require(conn, a, b)


EARLIER = "earlier ("  # how a replaced outcome starts its line in the outcome note


class Recorded(NamedTuple):
    before: Intro
    after: Intro
    changed: bool  # False when the same outcome and note were already recorded


def record_outcome(
    conn: Conn, a: PersonRef, b: PersonRef, outcome: str, *, note: str, now: datetime
) -> Recorded:
    """Record the outcome; returns the introduction before and after.

    A second outcome replaces the first, and keeps it: the earlier outcome, its day and
    its note become a line after the new note, so nothing recorded is lost.
    """
    from .store.search import refresh_search

    if outcome not in OUTCOMES:
        raise InvalidInput(f"outcome {outcome!r} is not known", "use connected or nothing")
    before = _require(conn, a, b)
    if before.state != "made":
        raise InvalidInput(
            f"the introduction of {before.a.name} and {before.b.name} is {before.state}, not made",
            "record an outcome once it is made: pln intro made A B",
        )
    text = clean_text(note, "note")
    changed = not _same_outcome(before, outcome, text)
    if changed:
        store.set_outcome(
            conn, before.id, outcome, note=_kept_note(before, text), at=to_db_time(now)
        )
        refresh_search(conn, [before.a.id, before.b.id])
    _close_followups(conn, before, "check-in", "done", now)
    return Recorded(before, _require(conn, a, b), changed)


def _split_note(stored: str) -> tuple[list[str], list[str]]:
    """The lines of the current outcome's note, and the lines of earlier outcomes."""
    lines = stored.split("\n") if stored else []
    cut = next((n for n, line in enumerate(lines) if line.startswith(EARLIER)), len(lines))
    return lines[:cut], lines[cut:]


def _current_note(intro: Intro) -> str:
    """The note of the outcome now recorded, without the lines of earlier outcomes."""
    return "\n".join(_split_note(intro.outcome_note)[0])


def _same_outcome(intro: Intro, outcome: str, note: str) -> bool:
    return intro.outcome == outcome and _current_note(intro) == note


def _kept_note(before: Intro, note: str) -> str:
    if before.outcome is None or before.outcome_at is None:
        return note
    now_lines, older = _split_note(before.outcome_note)
    kept = " ".join(now_lines).strip()
    day = before.outcome_at.astimezone().date().isoformat()
    line = f"{EARLIER}{day}): {before.outcome}" + (f" — {kept}" if kept else "")
    return "\n".join([*([note] if note else []), line, *older])


def dismiss(conn: Conn, a: PersonRef, b: PersonRef, *, until: date | None, now: datetime) -> bool:
    """Stop suggesting the pair (until that day; None: for good). False when it is
    dismissed so already: nothing is written, so the history gets no entry for it."""
    x, y = _ordered(a, b)
    day = until.isoformat() if until else None
    held = store.dismissal(conn, x.id, y.id)
    if held is not None and (None if held.until is None else str(held.until)) == day:
        return False
    store.dismiss(conn, x.id, y.id, until=day, at=to_db_time(now))
    return True


def list_intros(conn: Conn, state: str | None = None) -> list[Intro]:
    return [_row(r) for r in store.intros(conn, state)]


class KindStats(NamedTuple):
    kind: str
    made: int
    connected: int


def what_works(intros: list[Intro]) -> list[KindStats]:
    """For each kind of evidence: introductions made with it, and how many connected."""
    stats: dict[str, list[int]] = {}
    for intro in intros:
        if intro.state != "made" or intro.outcome is None:
            continue
        for kind in intro.kinds or ["no stated reason"]:
            made, connected = stats.setdefault(kind, [0, 0])
            stats[kind] = [made + 1, connected + (intro.outcome == "connected")]
    return [KindStats(k, v[0], v[1]) for k, v in sorted(stats.items())]


def drafts(book: Book, a: PersonRef, b: PersonRef) -> list[tuple[str, str]]:
    """A short message to each side, built from what the two have in common."""
    pa, pb = book.people.get(a.id), book.people.get(b.id)
    if pa is None or pb is None:
        raise InvalidInput("drafts need two active contacts", "restore archived people first")
    return [(p.name, _draft(book, p, o)) for p, o in ((pa, pb), (pb, pa))]


def _draft(book: Book, to: Person, other: Person) -> str:
    names = book.topic_names
    lines = []
    # a need met is said in the words the message's reader wrote it in
    for k in sorted(to.seeks & other.offers):
        lines.append(
            f"you mentioned you are looking for help with"
            f" {book.written(to.id, 'seeks', k) or names[k]}, and {other.name} knows it well"
        )
    for k in sorted(other.seeks & to.offers):
        lines.append(
            f"{other.name} is looking for help with {book.written(to.id, 'offers', k) or names[k]},"
            " which you know well"
        )
    for k, o in book.met_in_part(to, other):  # an offer holding the need's words and more
        lines.append(
            f"you mentioned you are looking for help with"
            f" {book.written(to.id, 'seeks', k) or names[k]}, and {other.name} offers"
            f" {book.written(other.id, 'offers', o) or names[o]}"
        )
    for k, o in book.met_in_part(other, to):
        lines.append(
            f"{other.name} is looking for help with"
            f" {book.written(other.id, 'seeks', k) or names[k]}, and you offer"
            f" {book.written(to.id, 'offers', o) or names[o]}"
        )
    # a need met by someone who works on it (a topic, not an offer)
    from .suggest import works_on

    helped, helping = works_on(to, other), works_on(other, to)
    for k in sorted(helped):
        lines.append(
            f"you mentioned you are looking for help with"
            f" {book.written(to.id, 'seeks', k) or names[k]}, and {other.name} works on it"
        )
    for k in sorted(helping):
        lines.append(
            f"{other.name} is looking for help with"
            f" {book.written(other.id, 'seeks', k) or names[k]}, which you work on"
        )
    shared = sorted((to.interests & other.interests) - helped - helping)
    if shared:
        lines.append(f"you both work on {', '.join(names[k] for k in shared[:3])}")
    for e in sorted(to.events & other.events):
        if e in book.event_names:
            lines.append(f"you were both at {book.event_names[e]}")
    about = "; ".join(lines) or "I think you would enjoy talking"
    who = other.name + (f" ({other.org})" if other.org else "")
    first = to.name.split()[0]
    return (
        f"Hi {first},\n\nI'd like to introduce you to {who}: {about}.\n"
        f"Would you be happy for me to put you in touch? No pressure either way.\n"
    )


# ---- why a list of suggestions is empty -------------------------------------------------


def why_none(
    conn: Conn,
    book: Book,
    found: list[Suggestion],
    *,
    focus: int | None,
    topic: str | None,
) -> str:
    """Why no introduction is suggested, in words a person can act on."""
    from .suggest import wanted

    want = None if topic is None else wanted(book, topic)
    if focus is None:
        return _why_none_overall(book, found, want, topic)
    book.complete(list(book.people))  # whom the focus could meet, all of them (rare: none found)
    person = book.people[focus]
    first = person.name.split()[0] if person.name.split() else person.name
    if not (person.interests or person.seeks):
        return (
            f"{first} has no topics, offers or seeks to match on (private ones are never"
            f" used): add some with `pln edit '{person.name}' --add-topic ...`."
        )
    if want is not None and not want & (person.interests | person.seeks):
        return f"{first} does not work on, offer or seek {topic}."
    sharing = [
        p.id for p in book.people.values() if p.id != focus and _topical(book, person, p, want)
    ]
    what = f"{first}'s topics, offers or seeks" if want is None else f"{topic} with {first}"
    if not sharing:
        return f"no other contact shares {what}."
    counts = _blocked_reasons(conn, book, focus, sharing, found)
    labels = {
        "tie": f"already knows {first}",
        "group": f"shares a group with {first}",
        "intro": f"was already introduced to {first}",
        "dismissed": "was dismissed",
        "know": f"probably knows {first} already (listed below)",
    }
    said = [f"{labels[k]} ({n})".replace(") (", ", ") for k, n in counts.items() if n]
    if not said:
        return f"the contacts who share {what} score too low to suggest."
    joined = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
    return f"every contact who shares {what} {joined}."


def _topical(book: Book, a: Person, b: Person, want: frozenset[str] | None) -> bool:
    if want is not None:
        return bool(want & (a.interests | a.seeks)) and bool(want & (b.interests | b.seeks))
    return bool(
        a.seeks & b.interests
        or b.seeks & a.interests
        or book.met_in_part(a, b)
        or book.met_in_part(b, a)
        or a.interests & b.interests
        or (a.seeks & b.seeks) - a.offers - b.offers
    )


def _blocked_reasons(
    conn: Conn, book: Book, focus: int, others: list[int], found: list[Suggestion]
) -> dict[str, int]:
    """How many of ``others`` are kept from the list by each reason, the first that applies."""
    from .suggest import code

    held = {
        kind: {code(r.a_id, r.b_id) for r in found_rows}
        for kind, found_rows in store.pairs_kept_from_suggestions(conn, focus).items()
    }
    listed = {code(s.a.id, s.b.id) for s in found}
    counts = dict.fromkeys(("tie", "group", "intro", "dismissed", "know"), 0)
    for other in others:
        pair = code(focus, other)
        if other in book.neighbours.get(focus, set()):
            counts["tie"] += 1
        elif pair in held["group"]:
            counts["group"] += 1
        elif pair in held["intro"]:
            counts["intro"] += 1
        elif pair in held["dismissed"] and pair in book.blocked:
            counts["dismissed"] += 1
        elif pair in listed:
            counts["know"] += 1
    return counts


def _why_none_overall(
    book: Book, found: list[Suggestion], want: frozenset[str] | None, topic: str | None
) -> str:
    holders = [p for p in book.people.values() if p.interests or p.seeks]
    if want is not None:
        holders = [p for p in holders if want & (p.interests | p.seeks)]
        if len(holders) < 2:
            return f"fewer than two of your contacts work on, offer or seek {topic}."
    elif len(holders) < 2:
        return "add topics, offers and seeks to people (`pln edit NAME --add-topic ...`)."
    if want is not None:
        shared = True  # two contacts hold the topic
    else:
        shared = any(
            len(ids) > 1 or (key[0] == "s" and set(book.index.get("o:" + key[2:], [])) - set(ids))
            for key, ids in book.index.items()
            if key[0] in "is"
        )
    if not shared:
        return "no two of your contacts share a topic, offer or seek yet."
    also = " (some probably know each other already: listed below)" if found else ""
    return (
        "the contacts who share a topic, offer or seek already know each other, share a group,"
        f" were introduced or were dismissed{also}."
    )
