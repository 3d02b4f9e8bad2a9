"""Everything the user sees: JSON documents (stable, sorted keys) and Rich tables.

Rich is imported only when a human view is drawn, so ``--json`` never pays for it.
"""

import json
import sys
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from .activity import FollowUpRow
from .dates import humanize_day
from .due import DueItem
from .resolve import PersonRef
from .views import EventRow, PersonRow, Profile, SearchHit, TimelineEntry

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def print_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n")


def ref_json(ref: PersonRef) -> dict[str, Any]:
    return {"id": ref.id, "name": ref.name}


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def due_json(item: DueItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "person": ref_json(item.person),
        "due": item.due.isoformat(),
        "days_overdue": item.days_overdue,
        "reason": item.reason,
        "followup_id": item.followup_id,
    }


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
    }


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
        introduced_by=ref_json(p.introduced_by) if p.introduced_by else None,
        notes=p.notes,
        followups=[followup_json(f) for f in p.followups],
        interactions=[interaction_json(t) for t in p.timeline],
    )
    return doc


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


def console(stderr: bool = False) -> "Console":
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def esc(text: str) -> str:
    """User text, shown as typed: never read as Rich markup."""
    from rich.markup import escape

    return escape(text)


def _table(*columns: str) -> "Table":
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for col in columns:
        table.add_column(col)
    return table


def when(d: date, today: date) -> str:
    return f"{d.isoformat()} ({humanize_day(d, today=today)})"


KIND_STYLE = {"follow-up": "yellow", "first-contact": "cyan", "reconnect": "magenta"}


def show_due(items: list[DueItem], *, today: date) -> None:
    out = console()
    if not items:
        out.print("Nothing due. Your network is in good shape.")
        return
    table = _table("", "who", "due", "why")
    for item in items:
        style = "bold red" if item.days_overdue > 0 else ""
        tag = f"[{KIND_STYLE[item.kind]}]{item.kind}[/]"
        if item.followup_id:
            tag += f" #{item.followup_id}"
        due = humanize_day(item.due, today=today)
        table.add_row(
            tag, esc(item.person.name), f"[{style}]{due}[/]" if style else due, esc(item.reason)
        )
    out.print(table)


def show_people(rows: list[PersonRow], *, today: date) -> None:
    out = console()
    if not rows:
        out.print("No one matches.")
        return
    table = _table("#", "name", "org", "circle", "topics", "last contact")
    for r in rows:
        last = humanize_day(r.last_contact, today=today) if r.last_contact else "never"
        topics = ", ".join(r.attrs.get("topic", []))
        table.add_row(str(r.id), esc(r.name), esc(r.org or ""), r.circle, esc(topics), last)
    out.print(table)
    console(stderr=True).print(f"[dim]{len(rows)} people[/]")


def show_profile(p: Profile, *, today: date) -> None:
    out = console()
    r, a = p.row, p.row.attrs
    title = f"[bold]{esc(r.name)}[/] [dim]#{r.id}[/]" + (
        " [red](archived)[/]" if r.archived else ""
    )
    out.print(title)
    facts = [
        ("org", r.org),
        ("role", p.role),
        ("location", p.location),
        ("circle", r.circle),
        ("keep in touch", p.cadence or "circle default"),
        ("emails", ", ".join(a.get("email", []))),
        ("phones", ", ".join(a.get("phone", []))),
        ("links", ", ".join(a.get("link", []))),
        ("topics", ", ".join(a.get("topic", []))),
        ("offers", ", ".join(a.get("offers", []))),
        ("seeks", ", ".join(a.get("seeks", []))),
        ("roles", ", ".join(a.get("role", []))),
        ("met", " ".join(x for x in (p.met_at, p.met_on and when(p.met_on, today)) if x)),
        ("introduced by", p.introduced_by.name if p.introduced_by else None),
        ("notes", p.notes),
    ]
    table = _table("", "")
    table.show_header = False
    for label, value in facts:
        if value:
            table.add_row(f"[dim]{label}[/]", esc(value))
    out.print(table)
    _print_followups(out, p.followups, today)
    _print_timeline(out, p.timeline, today)


def _print_followups(out: "Console", rows: list[FollowUpRow], today: date) -> None:
    if not rows:
        return
    out.print("\n[bold]Open follow-ups[/]")
    table = _table("#", "due", "what")
    for f in rows:
        what = f.note + (f" (every {f.every})" if f.every else "")
        table.add_row(str(f.id), when(f.due, today), esc(what))
    out.print(table)


def _print_timeline(out: "Console", rows: list[TimelineEntry], today: date) -> None:
    out.print("\n[bold]Timeline[/]" if rows else "\n[dim]No interactions yet.[/]")
    if not rows:
        return
    table = _table("when", "kind", "note", "with")
    for t in rows:
        day = t.at.astimezone().date()
        table.add_row(when(day, today), esc(t.kind), esc(t.note), esc(", ".join(t.with_)))
    out.print(table)


def show_followups(rows: list[FollowUpRow], *, today: date) -> None:
    out = console()
    if not rows:
        out.print("No open follow-ups.")
        return
    table = _table("#", "who", "due", "what", "state")
    for f in rows:
        what = f.note + (f" (every {f.every})" if f.every else "")
        table.add_row(str(f.id), esc(f.person.name), when(f.due, today), esc(what), f.state)
    out.print(table)


def show_events(rows: list[EventRow], *, today: date) -> None:
    out = console()
    if not rows:
        out.print("No events yet. `pln add NAME --met-at EVENT` records one.")
        return
    table = _table("#", "event", "date", "place", "met", "no contact since")
    for e in rows:
        day = when(e.on, today) if e.on else ""
        waiting = f"[yellow]{e.no_contact_since}[/]" if e.no_contact_since else "0"
        table.add_row(str(e.id), esc(e.name), day, esc(e.place or ""), str(e.met), waiting)
    out.print(table)


def show_hits(hits: list[SearchHit]) -> None:
    out = console()
    if not hits:
        out.print("No matches.")
        return
    table = _table("#", "name", "org", "match")
    for h in hits:
        name = h.person.name + (" (archived)" if h.archived else "")
        table.add_row(str(h.person.id), esc(name), esc(h.org or ""), esc(h.snippet))
    out.print(table)


def say(message: str, style: str | None = None) -> None:
    """Chatter about what was done goes to stderr; stdout stays for data."""
    console(stderr=True).print(message, markup=False, style=style, soft_wrap=True)
