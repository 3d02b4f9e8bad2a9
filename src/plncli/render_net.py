"""What the network commands show: ties, groups, suggestions, introductions, experts.

The rows' types are imported for annotations only: a one-pair command (`pln intro made
A B --json`) imports this module without loading suggestions, ties or `pln who`.
"""

from __future__ import annotations

from datetime import date

from .dates import humanize_day, say_partial
from .lean import TYPE_CHECKING
from .render import iso_instant, number_of, ref_json
from .resolve import PersonRef
from .tables import Block, Table, emit

if TYPE_CHECKING:
    from typing import Any

    from .introduce import Intro, KindStats, Recorded
    from .suggest import Suggestion
    from .ties import Acquaintance, GroupRow
    from .who import Expert


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {
        "a": ref_json(s.a),
        "b": ref_json(s.b),
        "kind": s.kind,
        "score": s.score,
        "reasons": s.reasons,
        "evidence": list(dict.fromkeys(s.evidence)),
        "likely": s.likely,
    }


def intro_json(i: Intro) -> dict[str, Any]:
    return {
        "id": i.id,
        "a": ref_json(i.a),
        "b": ref_json(i.b),
        "state": i.state,
        "reasons": i.reasons,
        "evidence": i.kinds,
        "note": i.note,
        "asked": i.asked,
        "created": iso_instant(i.created),
        "made": iso_instant(i.made) if i.made else None,
        "outcome": i.outcome,
        "outcome_note": i.outcome_note,
        "outcome_at": iso_instant(i.outcome_at) if i.outcome_at else None,
    }


def replaced_outcome(done: Recorded) -> str | None:
    """One line saying what a newly recorded outcome replaced, if anything."""
    before, after = done.before, done.after
    if before.outcome is None or before.outcome_at is None:
        return None
    day = before.outcome_at.astimezone().date().isoformat()
    if not done.changed:
        return f"The same outcome and note were already recorded ({day}); nothing changed."
    if after.outcome != before.outcome:
        what = f"the earlier outcome '{before.outcome}' ({day})"
    else:
        what = f"the earlier note of '{before.outcome}' ({day})"
    return f"This replaces {what}; the outcome's note keeps it as an 'earlier' line."


# What each kind of evidence is called in what people read (JSON keeps the kind itself).
EVIDENCE_WORDS = {
    "complement": "one offers what the other seeks",
    "works-on": "one works on what the other seeks",
    "topic": "shared topics",
    "need": "shared needs",
    "event": "met at the same event",
    "org": "same organisation",
    "colleague": "knows someone at the other's organisation",
    "place": "same place",
    "mutual": "common acquaintances",
    "path": "chains of acquaintances",
}


def acquaintance_json(a: Acquaintance) -> dict[str, Any]:
    return {
        "person": ref_json(a.person),
        "since": a.since.isoformat() if a.since else None,
        "since_precision": (a.since_precision or "day") if a.since else None,
        "how": a.how,
        "note": a.note,
    }


def group_json(g: GroupRow, members: list[PersonRef] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": g.id, "name": g.name, "members": g.members, "private": g.private}
    if members is not None:
        doc["members"] = [ref_json(m) for m in members]
    return doc


def expert_json(e: Expert) -> dict[str, Any]:
    return {
        "person": ref_json(e.person),
        "how": e.how,
        "circle": e.circle,
        "last_contact": e.last_contact.isoformat() if e.last_contact else None,
        "via": ref_json(e.via) if e.via else None,
        "topic": e.topic,
        "match": e.match,
        "resource": e.resource,
    }


def show_suggestions(
    items: list[Suggestion], *, why: str | None = None, person: PersonRef | None = None
) -> None:
    intro = [s for s in items if s.kind == "introduce"]
    know = [s for s in items if s.kind != "introduce"]
    blocks: list[Block] = []
    if intro:
        blocks += [("Introductions to consider", "bold"), _pairs(intro)]
        blocks += [
            (
                "  record one: pln introduce A B   draft messages: --draft   not now: --dismiss",
                "dim",
            )
        ]
    else:
        whom = f" for {person.name}" if person else ""
        blocks.append(f"No introductions to suggest{whom}: {why or 'nothing to match on.'}")
    if know:
        blocks += [
            "",
            ("Probably already know each other — confirm with `pln knows A B`", "bold"),
            _pairs(know, marks=True),
        ]
    emit(*blocks)


def _pairs(items: list[Suggestion], *, marks: bool = False) -> Table:
    table = Table("score", *(["how sure"] if marks else []), "who", "why")
    for s in items:
        mark = ["likely" if s.likely else "possible"] if marks else []
        table.add_row(f"{s.score:.1f}", *mark, f"{s.a.name} + {s.b.name}", "; ".join(s.reasons))
    return table


def show_acquaintances(person: PersonRef, rows: list[Acquaintance], *, today: date) -> None:
    if not rows:
        emit(f"No one is recorded as knowing {person.name}. `pln knows A B` records a tie.")
        return
    table = Table("#", "knows", "since", "how", "note")
    for a in rows:
        since = (
            ""
            if a.since is None
            else say_partial(a.since, a.since_precision)
            if a.since_precision
            else humanize_day(a.since, today=today)
        )
        table.add_row(str(a.person.id), a.person.name, since, a.how, a.note)
    emit((f"{person.name} knows", "bold"), table)


def show_groups(rows: list[GroupRow]) -> None:
    if not rows:
        emit("No groups yet. `pln group add NAME [PERSON ...]` makes one.")
        return
    table = Table("#", "members", "group")
    for g in rows:
        table.add_row(str(g.id), str(g.members), g.name + ("  (private)" if g.private else ""))
    emit(table)


def show_group(group: GroupRow, members: list[PersonRef]) -> None:
    table = Table("#", "member")
    for m in members:
        table.add_row(str(m.id), m.name)
    count = number_of(len(members), "member", "members")
    title = f"{group.name}: {count}" + ("  (private)" if group.private else "")
    emit((title, "bold"), table if members else ("No members yet.", "dim"))


def show_intros(rows: list[Intro], works: list[KindStats], *, today: date) -> None:
    if not rows:
        emit("No introductions yet. `pln introduce` suggests some.")
        return
    table = Table("state", "who", "since", "outcome", "why")
    notes = Table("who", "recorded", "note")
    for i in rows:
        state = i.state + (f" ({', '.join(i.asked)})" if i.state == "asked" else "")
        since = humanize_day((i.made or i.created).astimezone().date(), today=today)
        table.add_row(
            state, f"{i.a.name} + {i.b.name}", since, i.outcome or "", "; ".join(i.reasons)
        )
        if i.outcome_note and i.outcome_at:
            notes.add_row(
                f"{i.a.name} + {i.b.name}",
                humanize_day(i.outcome_at.astimezone().date(), today=today),
                _one_line(i.outcome_note),
            )
    blocks: list[Block] = [table]
    if notes.rows:
        blocks += ["", ("Outcome notes", "bold"), notes]
    if works:
        summary = "; ".join(
            f"{EVIDENCE_WORDS.get(k.kind, k.kind)}: {k.connected} of {k.made} connected"
            for k in works
        )
        blocks += ["", (f"What works so far: {summary}", "dim")]
    emit(*blocks)


def _one_line(text: str) -> str:
    return " · ".join(line.strip() for line in text.split("\n") if line.strip())


def show_experts(topic: str, rows: list[Expert], *, today: date) -> None:
    if not rows:
        emit(f"No one in your book offers or works on {topic!r} yet.")
        return
    table = Table("#", "who", "how", "topic", "last contact", "reach")
    for e in rows:
        last = humanize_day(e.last_contact, today=today) if e.last_contact else "never"
        reach = (
            f"you know them through {e.via.name}"
            if e.via
            else ("you follow them" if e.circle == "following" else "")
        )
        how = f"shared {e.resource} with you" if e.resource else e.how
        table.add_row(str(e.person.id), e.person.name, how, e.topic, last, reach)
    emit(table)


def show_drafts(drafts: list[tuple[str, str]]) -> None:
    blocks: list[Block] = []
    for name, message in drafts:
        blocks += [(f"— to {name} —", "bold"), message]
    emit(*blocks)
