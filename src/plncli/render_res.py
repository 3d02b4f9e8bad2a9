"""What the resource commands show: resources, who a resource would help, readings.

Light (the fast path's `pln share RESOURCE` renders through it): tables.py, no Rich."""

from __future__ import annotations

from datetime import date

from .dates import humanize_day
from .lean import TYPE_CHECKING
from .render import iso_instant, ref_json, when
from .resources import Detail, PersonShare, Reading, ResourceRef, ResourceRow
from .sharing import Candidate
from .tables import Block, Table, emit

if TYPE_CHECKING:
    from typing import Any

DIRECTION = {"to": "you shared it", "from": "shared it with you"}


def resource_ref_json(r: ResourceRef) -> dict[str, Any]:
    return {"id": r.id, "title": r.title}


def resource_json(r: ResourceRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "url": r.url,
        "kind": r.kind,
        "author": r.author,
        "note": r.note,
        "topics": r.topics,
        "added": iso_instant(r.added),
        "shared": r.sent,
        "received": r.received,
    }


def detail_json(d: Detail) -> dict[str, Any]:
    return {
        **resource_json(d.resource),
        "shares": [
            {
                "person": ref_json(s.person),
                "direction": s.direction,
                "at": iso_instant(s.at),
                "note": s.note,
            }
            for s in d.shares
        ],
        "readings": [
            {
                "group": group,
                "by": due.isoformat() if due else None,
                "done": iso_instant(done) if done else None,
            }
            for group, due, done in d.readings
        ],
    }


def candidate_json(c: Candidate) -> dict[str, Any]:
    return {
        "person": ref_json(c.person),
        "circle": c.circle,
        "last_contact": c.last_contact.isoformat() if c.last_contact else None,
        "score": c.score,
        "reasons": c.reasons,
        "topics": c.topics,
    }


def person_share_json(s: PersonShare) -> dict[str, Any]:
    return {
        "resource": resource_ref_json(s.resource),
        "url": s.url,
        "direction": s.direction,
        "at": iso_instant(s.at),
    }


def reading_json(r: Reading) -> dict[str, Any]:
    return {
        "id": r.id,
        "resource": resource_ref_json(r.resource),
        "url": r.url,
        "by": r.due.isoformat() if r.due else None,
        "done": iso_instant(r.done) if r.done else None,
    }


def show_resources(rows: list[ResourceRow]) -> None:
    if not rows:
        emit("No resources yet. `pln resource add URL-or-TITLE --topic T` adds one.")
        return
    table = Table("#", "title", "kind", "topics", "shared", "url")
    for r in rows:
        shared = f"{r.sent} sent, {r.received} received" if r.sent or r.received else ""
        table.add_row(str(r.id), r.title, r.kind, ", ".join(r.topics), shared, r.url or "")
    emit(table)


def show_detail(d: Detail, *, today: date) -> None:
    r = d.resource
    facts = Table("", "", header=False)
    for label, value in (
        ("url", r.url),
        ("kind", r.kind),
        ("by", r.author),
        ("topics", ", ".join(r.topics)),
        ("added", when(r.added.astimezone().date(), today)),
        ("note", r.note),
    ):
        if value:
            facts.add_row((label, "dim"), value)
    blocks: list[Block] = [(f"{r.title}  #{r.id}", "bold"), facts, ""]
    if d.shares:
        table = Table("when", "who", "", "note")
        for s in d.shares:
            day = when(s.at.astimezone().date(), today)
            table.add_row(day, s.person.name, DIRECTION[s.direction], _note(s.note, r.title))
        blocks += [("Shared", "bold"), table]
    else:
        blocks.append((f"Not shared yet: `pln share {_quoted(r.title)}` says with whom.", "dim"))
    if d.readings:
        readings = Table("group", "by", "")
        for group, due, done in d.readings:
            readings.add_row(group, when(due, today) if due else "", "done" if done else "")
        blocks += ["", ("Read by", "bold"), readings]
    emit(*blocks)


def _note(note: str, title: str) -> str:
    """A share's note without the title it starts with (``resources.record_share``)."""
    return note[len(title) + 3 :] if note.startswith(title + " — ") else ""


def _quoted(title: str) -> str:
    return title if title.replace("-", "").isalnum() else f'"{title}"'


def show_candidates(
    resource: ResourceRef, topics: list[str], people: list[Candidate], *, today: date
) -> None:
    if not topics:
        emit(
            f"{resource.title} has no topics, so pln cannot tell whom it would help.",
            (f"add some: pln resource edit {_quoted(resource.title)} --topic TOPIC", "dim"),
        )
        return
    if not people:
        emit(
            f"No one else seeks, works on or talked about {', '.join(topics)}"
            " (people it already went to or came from are left out)."
        )
        return
    table = Table("#", "who", "last contact", "why")
    for c in people:
        last = humanize_day(c.last_contact, today=today) if c.last_contact else "never"
        table.add_row(str(c.person.id), c.person.name, last, "; ".join(c.reasons))
    emit(
        (f"Who {resource.title} would help", "bold"),
        table,
        ("  record it: pln share RESOURCE --with PERSON [-m NOTE]", "dim"),
    )


def show_person_shares(shares: list[PersonShare], today: date) -> list[Block]:
    """`pln show PERSON`'s block: what went each way."""
    if not shares:
        return []
    table = Table("when", "", "resource")
    for s in shares:
        way = "you shared" if s.direction == "to" else "shared with you"
        table.add_row(when(s.at.astimezone().date(), today), way, s.resource.title)
    return ["", ("Resources", "bold"), table]


def show_readings(readings: list[Reading], *, today: date) -> list[Block]:
    """`pln group show`'s block: upcoming readings, then past ones (done, or their day gone)."""
    if not readings:
        return []
    upcoming = [r for r in readings if r.done is None and (r.due is None or r.due >= today)]
    past = [r for r in readings if r not in upcoming]
    blocks: list[Block] = []
    for title, chosen in (("Reading", upcoming), ("Read", past)):
        if chosen:
            table = Table("#", "resource", "by", "")
            for r in chosen:
                by = when(r.due, today) if r.due else ""
                table.add_row(str(r.resource.id), r.resource.title, by, "done" if r.done else "")
            blocks += ["", (title, "bold"), table]
    return blocks
