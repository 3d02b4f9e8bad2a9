"""Everything the user sees: JSON documents (stable, sorted keys) and tables.

Human views are built as ``tables.Table``s; ``tables.emit`` draws them in colour on a
terminal and as plain aligned text in a pipe.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from .dates import humanize_day, say_every, say_partial
from .lean import TYPE_CHECKING
from .tables import Block, Cell, Table, emit
from .text import json_safe

if TYPE_CHECKING:
    from typing import Any

if TYPE_CHECKING:  # `pln due` loads neither (nor json, until --json asks for it)
    from .due import DueItem, Ranked
    from .resolve import PersonRef  # nor `pln list` this one
    from .views import (
        EventRow,
        FollowUpRow,
        OutcomeEntry,
        PersonRow,
        Profile,
        SearchHit,
        TimelineEntry,
    )


def print_json(doc: Any) -> None:
    """Objects indented; arrays one element per line (the C encoder: fast on big lists).
    Controls json.dumps leaves raw (DEL, C1, bidi) are escaped too (``text.json_safe``);
    an output that is not UTF (PYTHONIOENCODING=ascii, say) gets \\u escapes for all but ASCII."""
    ascii_only = not _unicode_out()
    if not isinstance(doc, list):
        import json  # not for a list: it imports ``re`` (``_item_encoder``)

        text = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=ascii_only)
        sys.stdout.write(json_safe(text) + "\n")
        return
    if not doc:
        sys.stdout.write("[]\n")
        return
    encode = _item_encoder(ascii_only)
    text = ",\n".join(["  " + encode(item) for item in doc])
    sys.stdout.write("[\n" + json_safe(text) + "\n]\n")


def print_due_json(
    ranked: list[Ranked], *, today: date, shares: Mapping[int, tuple[int, str]] | None = None
) -> None:
    """``print_json([due_json(i) for i in items])``, byte for byte, written straight from
    ``due.ranked_due``'s candidates: no DueItem, no dict and no key sort per item (`pln due
    --json` writes thousands). The keys are written here in sorted order, the strings
    by json's own C quoting. ``shares``: person id -> (resource id, title) of the resource
    to share with that reconnect (``reads._share_hints``; the reason then asks)."""
    from .due import reason

    if not ranked:
        sys.stdout.write("[]\n")
        return
    quote = _string_quoter(ascii_only=not _unicode_out())
    shares = shares or {}
    # A first contact's or reconnect's reason is said of a plain tuple that many share (the
    # same day since, the same cadence): each is put in words and quoted once.
    said: dict[Any, str] = {}
    own: list[str] = []  # the other items' words: follow-ups' reasons, the items of their own
    # Each item's text before its follow-up's id, and from there to the person's id: the
    # same for every item of a kind due on one day (the days overdue follow from the day).
    before: dict[date, str] = {}
    after: dict[tuple[date, str], str] = {}
    lines: list[str] = []
    add = lines.append
    for _, kind, ref, due, overdue, _, fid, why in ranked:
        if kind not in _PLAIN_KINDS or (kind == "reconnect" and ref.id in shares):
            add(_due_line(kind, ref, due, overdue, fid, why, today, quote, shares))
            own.append(lines[-1])
            continue
        if fid is None:
            why_said = said.get(why)
            if why_said is None:
                why_said = said[why] = quote(reason(why, today))
            head = after.get((due, kind))
            if head is None:
                head = after[due, kind] = _due_head(due, overdue, "null", kind)
        else:
            why_said = quote(reason(why, today))
            own.append(why_said)
            start = before.get(due)
            if start is None:
                start = before[due] = _due_head(due, overdue, "", "")
            head = f'{start}{fid}, "kind": "{kind}", "person": {{"id": '
        add(f'{head}{ref.id}, "name": {quote(ref.name)}}}, "reason": {why_said}}}')
    text = ",\n".join(lines)
    # What json_safe escapes (DEL, C1 and bidi controls) can only come from what people
    # wrote, the rest being ASCII without DEL: the whole text is passed over only when the
    # names and words in it have one (not the ~600 kB of a 10,000-person book every time).
    words = "".join([r[2].name for r in ranked]) + "".join(said.values()) + "".join(own)
    if json_safe(words) != words:
        text = json_safe(text)
    sys.stdout.write("[\n" + text + "\n]\n")


_PLAIN_KINDS = frozenset({"follow-up", "first-contact", "reconnect"})  # no fields of their own


def _due_head(due: date, overdue: int, follow: str, kind: str) -> str:
    """An item of ``print_due_json`` up to its follow-up's id (``kind`` empty), or, with the
    id (``follow``) and the kind, up to the person's id."""
    head = f'  {{"days_overdue": {overdue}, "due": "{due.isoformat()}", "followup_id": {follow}'
    return f'{head}, "kind": "{kind}", "person": {{"id": ' if kind else head


def _due_line(
    kind: str,
    ref: PersonRef,
    due: date,
    overdue: int,
    fid: int | None,
    why: Any,
    today: date,
    quote: Callable[[str], str],
    shares: Mapping[int, tuple[int, str]],
) -> str:
    """One item of ``print_due_json`` with fields of its own (``due_json``): a group's
    reading, a birthday, a reconnect with a resource to share; keys in sorted order."""
    from .due import reason

    said = reason(why, today)
    head = f'"days_overdue": {overdue}, "due": "{due.isoformat()}", "followup_id": '
    head += "null" if fid is None else str(fid)
    person = f'{{"id": {ref.id}, "name": {quote(ref.name)}}}'
    if kind == "reading":
        return (
            f'  {{{head}, "group": {person}, "kind": "reading", "person": null, '
            f'"reading_id": {why.id}, "reason": {quote(said)}}}'
        )
    share = shares.get(ref.id) if kind == "reconnect" else None
    tail = "}"
    if share is not None:
        said = f"{said}; {share_hint(share[1])}"
        tail = f', "share": {{"id": {share[0]}, "title": {quote(share[1])}}}}}'
    if kind == "birthday":
        from . import birthdays

        born: date = why[1]
        age = birthdays.turns(born, due)
        return (
            f'  {{"birthday": "{birthdays.shown(born)}", {head}, "kind": "birthday", '
            f'"person": {person}, "reason": {quote(said)}, '
            f'"turns": {"null" if age is None else age}{tail}'
        )
    return f'  {{{head}, "kind": {quote(kind)}, "person": {person}, "reason": {quote(said)}{tail}'


def _string_quoter(*, ascii_only: bool) -> Callable[[str], str]:
    """A str as json.dumps writes it, from the C accelerator without importing json."""
    try:
        from _json import encode_basestring, encode_basestring_ascii
    except ImportError:  # an interpreter without the accelerator
        from json.encoder import (
            encode_basestring,
            encode_basestring_ascii,
        )
    quote: Callable[[str], str] = encode_basestring_ascii if ascii_only else encode_basestring
    return quote


def _item_encoder(ascii_only: bool) -> Callable[[Any], str]:
    """``JSONEncoder(sort_keys=True).encode`` for the elements of one list: the encoder
    JSONEncoder builds on every call (from the C accelerator, where there is one) built
    once, as `pln due --json` and `pln list --json` encode thousands of elements."""
    try:  # the accelerator itself: ``json.encoder`` imports ``re`` (a fifth of the floor)
        from _json import encode_basestring, encode_basestring_ascii
        from _json import make_encoder as c_make_encoder
    except ImportError:  # an interpreter without it
        from json import JSONEncoder

        return JSONEncoder(sort_keys=True, ensure_ascii=ascii_only).encode

    def default(o: object) -> Any:  # JSONEncoder.default's refusal, word for word
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    chunks = c_make_encoder(
        {},  # markers: circular references are refused, as check_circular does
        default,
        encode_basestring_ascii if ascii_only else encode_basestring,
        None,  # no indent
        ": ",  # JSONEncoder's separators when there is no indent
        ", ",
        True,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    return lambda item: "".join(chunks(item, 0))


def _unicode_out() -> bool:
    import codecs

    try:
        return codecs.lookup(sys.stdout.encoding or "utf-8").name.startswith("utf")
    except (LookupError, AttributeError, TypeError):
        return True


def ref_json(ref: PersonRef) -> dict[str, Any]:
    return {"id": ref.id, "name": ref.name}


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def due_json(item: DueItem) -> dict[str, Any]:
    doc = {
        "kind": item.kind,
        "person": ref_json(item.person),
        "due": item.due.isoformat(),
        "days_overdue": item.days_overdue,
        "reason": item.reason,
        "followup_id": item.followup_id,
    }
    if item.kind == "reading":  # a group's reading: owed to the group, not a person
        doc.update(person=None, group=ref_json(item.person), reading_id=item.reading_id)
    if item.share is not None:  # a reconnect: something new on their topics to share
        doc["share"] = {"id": item.share[0], "title": item.share[1]}
    if item.birthday is not None:  # kind "birthday": the birthday, and the age reached
        from . import birthdays

        doc["birthday"] = birthdays.shown(item.birthday)
        doc["turns"] = birthdays.turns(item.birthday, item.due)
    return doc


def person_json(row: PersonRow) -> dict[str, Any]:
    a = row.attrs
    return {
        "id": row.id,
        "name": row.name,
        "org": row.org,
        "circle": row.circle,
        "emails": a.get("email", []),
        "topics": a.get("topic", []),
        "offers": a.get("offers", []),
        "seeks": a.get("seeks", []),
        "role_tags": a.get("role", []),
        "last_contact": _iso(row.last_contact),
        "added": row.added.isoformat(),
        "archived": row.archived,
    }


def followup_json(f: FollowUpRow) -> dict[str, Any]:
    return {
        "id": f.id,
        "person": ref_json(f.person),
        "due": f.due.isoformat(),
        "note": f.note,
        "every": f.every,
        "state": f.state,
        "closed": _local_day(f.closed),
    }


def _local_day(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone().date().isoformat()


def iso_instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def interaction_json(t: TimelineEntry) -> dict[str, Any]:
    return {
        "id": t.id,
        "at": iso_instant(t.at),
        "kind": t.kind,
        "note": t.note,
        "with": t.with_,
        "topics": t.topics,
    }


def _met_when(p: Profile, today: date) -> str:
    """The day met, or the year or month alone when only that is known, as it was typed."""
    if p.met_on is None:
        return ""
    if p.met_on_precision in ("year", "month"):
        return f"in {say_partial(p.met_on, p.met_on_precision)}"
    return when(p.met_on, today)


def profile_json(p: Profile) -> dict[str, Any]:
    doc = person_json(p.row)
    doc.update(
        role=p.role,
        location=p.location,
        phones=p.row.attrs.get("phone", []),
        links=p.row.attrs.get("link", []),
        cadence=p.cadence,
        met_at=p.met_at,
        met_on=_iso(p.met_on),
        met_on_precision=(p.met_on_precision or "day") if p.met_on else None,
        introduced_by=ref_json(p.introduced_by) if p.introduced_by else None,
        notes=p.notes,
        birthday=_birthday(p.birthday),
        uid=p.uid,
        knows=[{**ref_json(a.person), "how": a.how} for a in p.knows],
        followups=[followup_json(f) for f in p.followups],
        interactions=[interaction_json(t) for t in p.timeline],
        done_followups=[followup_json(f) for f in p.done],
        introduction_outcomes=[
            {
                "introduction": o.introduction,
                "at": iso_instant(o.at),
                "with": ref_json(o.other),
                "outcome": o.outcome,
                "note": o.note,
            }
            for o in p.outcomes
        ],
    )
    from .render_res import person_share_json

    doc["resources"] = [person_share_json(s) for s in p.shares]
    return doc


def _birthday(day: date | None) -> str | None:
    """``1985-05-17``, or ``--05-17`` for a birthday with no year (birthdays.py)."""
    if day is None:
        return None
    from . import birthdays

    return birthdays.shown(day)


def event_json(e: EventRow) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "on": _iso(e.on),
        "place": e.place,
        "met": e.met,
        "no_contact_since": e.no_contact_since,
    }


def hit_json(h: SearchHit) -> dict[str, Any]:
    return {"person": ref_json(h.person), "org": h.org, "archived": h.archived, "match": h.snippet}


# ---- human views -------------------------------------------------------------------------


def share_hint(title: str) -> str:
    """The question a reconnect ends with: "share Inside the Black Box?" (one "?" for a
    title that asks already: "share Making Good Progress?")."""
    return f"share {title}" + ("" if title.rstrip().endswith("?") else "?")


def number_of(n: int, one: str, many: str) -> str:
    """ "1 person", "3 people", "1,200 people"."""
    return f"{n:,} {one if n == 1 else many}"


def when(d: date, today: date) -> str:
    return f"{d.isoformat()} ({humanize_day(d, today=today)})"


def _repeat(note: str, every: str | None) -> str:
    return note + (f" ({say_every(every)})" if every else "")


KIND_STYLE = {
    "follow-up": "yellow",
    "reading": "green",
    "birthday": "blue",
    "first-contact": "cyan",
    "reconnect": "magenta",
}


def show_due(items: list[DueItem], *, today: date, more: int = 0) -> None:
    if not items:
        emit("Nothing due. Your network is in good shape.")
        return
    table = Table("", "who", "due", "why")
    for item in items:
        tag = item.kind + (f" #{item.followup_id}" if item.followup_id else "")
        due = humanize_day(item.due, today=today)
        table.add_row(
            (tag, KIND_STYLE[item.kind]),
            item.person.name,
            (due, "bold red") if item.days_overdue > 0 else due,
            item.reason,
        )
    emit(table)
    if more:
        emit((f"... and {more} more; `pln due --limit 0` shows them all", "dim"), stderr=True)


def show_people(
    rows: list[tuple[str, str, str, str, str, str | None]],
    *,
    today: date,
    nobody: str = "No one matches.",
) -> None:
    """`pln list`: rows of ``views.people_table``, the last contact's day put in words
    (``nobody``: what to say when there are none)."""
    if not rows:
        emit(nobody)
        return
    said: dict[str | None, str] = {None: "never"}  # each day in words once: rows share them
    for day in {r[5] for r in rows}.difference(said):
        assert day is not None
        said[day] = humanize_day(date.fromisoformat(day), today=today)
    table = Table("#", "name", "org", "circle", "topics", "last contact")
    table.rows = [
        (i, name, org, circle, topics, said[day]) for i, name, org, circle, topics, day in rows
    ]
    emit(table)
    emit((number_of(len(rows), "person", "people"), "dim"), stderr=True)


def show_profile(p: Profile, *, today: date) -> None:
    r, a = p.row, p.row.attrs
    title = f"{r.name}  #{r.id}" + ("  (archived)" if r.archived else "")
    facts = [
        ("org", r.org),
        ("role", p.role),
        ("location", p.location),
        ("circle", r.circle),
        ("keep in touch", say_every(p.cadence) if p.cadence else "circle default"),
        ("met", " ".join(x for x in (p.met_at, p.met_on and _met_when(p, today)) if x)),
        ("introduced by", p.introduced_by.name if p.introduced_by else None),
        ("birthday", _birthday(p.birthday)),
        ("knows", _names(p)),
        ("notes", p.notes),
    ]
    lists = [
        ("emails", "email"),
        ("phones", "phone"),
        ("links", "link"),
        ("topics", "topic"),
        ("offers", "offers"),
        ("seeks", "seeks"),
        ("roles", "role"),
    ]
    facts[4:4] = [(label, ", ".join(a.get(kind, []))) for label, kind in lists]
    table = Table("", "", header=False)
    for label, value in facts:
        if value:
            table.add_row((label, "dim"), value)
    blocks: list[Block] = [(title, "bold"), table]
    if p.followups:
        fu = Table("#", "due", "what")
        for f in p.followups:
            fu.add_row(str(f.id), when(f.due, today), _repeat(f.note, f.every))
        blocks += ["", ("Open follow-ups", "bold"), fu]
    if p.shares:
        from .render_res import show_person_shares

        blocks += show_person_shares(list(p.shares), today)
    blocks += ["", *_timeline(p.timeline, p.outcomes, p.done, today)]
    emit(*blocks)


def _names(p: Profile, shown: int = 8) -> str:
    names = [a.person.name for a in p.knows]
    more = f" and {len(names) - shown} more (pln knows)" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


_NEVER = datetime.min.replace(tzinfo=UTC)  # a done follow-up with no closing time sorts last


def _timeline(
    rows: list[TimelineEntry],
    outcomes: list[OutcomeEntry],
    done: list[FollowUpRow],
    today: date,
) -> list[Block]:
    """Interactions, introduction outcomes and done follow-ups, newest first.

    Doing a follow-up logs an interaction of kind "follow-up" at the same moment (unless
    --no-log): that row is labelled "follow-up #ID done" rather than shown twice."""
    if not rows and not outcomes and not done:
        return [("No interactions yet.", "dim")]
    table = Table("when", "kind", "with", "note")
    unmatched = {f.id: f for f in done}
    by_moment: dict[tuple[datetime | None, str], list[int]] = {}
    for f in done:
        by_moment.setdefault((f.closed, f.note), []).append(f.id)
    entries = []
    for t in rows:
        kind = t.kind
        ids = by_moment.get((t.at, t.note)) if t.kind == "follow-up" else None
        if ids:
            fid = ids.pop(0)
            kind = f"follow-up #{fid} done"
            del unmatched[fid]
        entries.append((t.at, kind, ", ".join(t.with_), t.note))
    entries += [(o.at, "introduction outcome", o.other.name, _outcome_text(o)) for o in outcomes]
    entries += [
        (f.closed or _NEVER, f"follow-up #{f.id} done", "", _repeat(f.note, f.every))
        for f in unmatched.values()
    ]
    for at, kind, with_, note in sorted(entries, key=lambda e: e[0], reverse=True):
        table.add_row(when(at.astimezone().date(), today), kind, with_, note)
    return [("Timeline", "bold"), table]


def _outcome_text(o: OutcomeEntry) -> str:
    """The outcome and its note on one line (a note's lines joined by a dot)."""
    lines = [line.strip() for line in o.note.split("\n") if line.strip()]
    return f"{o.outcome}: {' · '.join(lines)}" if lines else o.outcome


def show_followups(rows: list[FollowUpRow], *, today: date) -> None:
    if not rows:
        emit("No follow-ups.")
        return
    closed = any(f.closed for f in rows)
    table = Table("#", "who", "due", "state", *(["closed"] if closed else []), "what")
    for f in rows:
        day = [when(f.closed.astimezone().date(), today) if f.closed else ""] if closed else []
        table.add_row(
            str(f.id), f.person.name, when(f.due, today), f.state, *day, _repeat(f.note, f.every)
        )
    emit(table)


def show_events(rows: list[EventRow], *, today: date) -> None:
    if not rows:
        emit("No events yet. `pln add NAME --met-at EVENT` records one.")
        return
    table = Table("#", "date", "place", "met", "no contact since", "event")
    for e in rows:
        day = when(e.on, today) if e.on else ""
        count = str(e.no_contact_since)
        waiting: Cell = (count, "yellow") if e.no_contact_since else count
        table.add_row(str(e.id), day, e.place or "", str(e.met), waiting, e.name)
    emit(table)


def show_hits(hits: list[SearchHit]) -> None:
    if not hits:
        emit("No matches.")
        return
    table = Table("#", "name", "org", "match")
    for h in hits:
        name = h.person.name + (" (archived)" if h.archived else "")
        table.add_row(str(h.person.id), name, h.org or "", h.snippet)
    emit(table)


def say(message: str, style: str | None = None) -> None:
    """Chatter about what was done goes to stderr; stdout stays for data."""
    emit((message, style) if style else message, stderr=True)


def notice(ref: PersonRef) -> None:
    """Say so when PERSON was found by a close spelling rather than the name itself."""
    if ref.guessed_from:
        say(f"taking {ref.guessed_from!r} to mean {ref.name} (#{ref.id})", style="dim")


# What `pln history` calls each table (the stored summary, and its JSON, keep the names).
TABLE_WORDS = {
    "event": "events",
    "person": "people",
    "person_attr": "details",  # emails, phones, links, topics, offers, seeks, roles
    "interaction": "interactions",
    "interaction_person": "people in interactions",
    "interaction_topic": "interaction topics",
    "followup": "follow-ups",
    "tie": "ties",
    "pgroup": "groups",
    "pgroup_member": "group members",
    "introduction": "introductions",
    "intro_followup": "introduction follow-ups",
    "dismissal": "dismissed suggestions",
    "private_mark": "private marks",
    "resource": "resources",
    "resource_topic": "resource topics",
    "interaction_resource": "shared resources",
    "group_reading": "group readings",
}


def change_words(summary: str) -> str:
    """A history summary ("person +1, person_attr +3") in words ("people +1, details +3")."""
    parts = []
    for part in summary.split(", "):
        table, _, count = part.rpartition(" ")
        parts.append(f"{TABLE_WORDS[table]} {count}" if table in TABLE_WORDS else part)
    return ", ".join(parts)
