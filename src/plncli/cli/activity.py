"""Interaction and follow-up commands: log, remind, done, snooze, drop, reminders, due."""

from datetime import date, timedelta
from typing import Annotated

import typer

from .. import activity as svc
from .. import reads, render, ties, views
from ..dates import DateError, parse_interval
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import resolve
from . import parse
from .app import JsonOpt, command, state
from .people import CircleOpt


@command("log")
def log(
    ctx: typer.Context,
    people: Annotated[
        list[str] | None,
        typer.Argument(help="PERSON, or several for one group conversation.", show_default=False),
    ] = None,
    message: Annotated[str, typer.Option("--message", "-m", help="What happened.")] = "",
    group: Annotated[
        str | None,
        typer.Option(
            "--group", "-g", help="Log it with every member of this group.", show_default=False
        ),
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="coffee, call, email, message, meeting, event, video, shared-resource, ...",
        ),
    ] = "note",
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="When (default now): yesterday, last monday, 'dec 3 15:00'.",
            show_default=False,
        ),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", help="What it was about (repeatable).", show_default=False),
    ] = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            help="Plan the next step too: a follow-up for each person, e.g. 'in 2 weeks'.",
            show_default=False,
        ),
    ] = None,
    about: Annotated[
        str | None,
        typer.Option(
            "--about", help="With --follow-up: what the follow-up is for.", show_default=False
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Record an interaction with one or several people.

    \b
      pln log Ana -m "Coffee: swapped quiz designs" --kind coffee --on yesterday
      pln log Ana Ben Carla -m "DM group: Y7 transition ideas" --kind message
      pln log --group "Science dept" -m "Department meeting" --kind meeting
      pln log Ana -m "Coffee" --follow-up "in 2 weeks" --about "Send the quiz bank"
    """
    app = state(ctx)
    at = parse.moment(app, on, "--on")
    if about is not None and follow_up is None:
        raise InvalidInput("--about describes a follow-up", 'add --follow-up, e.g. "in 2 weeks"')
    next_due = parse.day(app, follow_up, "--follow-up", "future") if follow_up else None
    if next_due is not None:
        _not_past(next_due, app.today, follow_up or "")
    if at > app.now + timedelta(minutes=1):
        raise InvalidInput(
            f"--on {on!r} is in the future",
            "log what has happened; use `pln remind` for what is owed",
        )
    if not people and not group:
        raise InvalidInput("name someone to log with", 'e.g. pln log Ana -m "coffee"')
    with transaction(app.conn):
        refs = [parse.person(app, p) for p in people or []]
        if group:
            found = ties.find_group(app.conn, group)
            refs += [m for m in ties.members(app.conn, found) if m not in refs]
            if not refs:
                raise InvalidInput(f"{found.name} has no members", "pln group add NAME PERSON ...")
        iid = svc.log_interaction(
            app.conn, refs, at=at, kind=kind, note=message, topics=topic or [], now=app.now
        )
        closed, still_open = svc.settle_first_followups(app.conn, refs, now=app.now)
        planned = (
            [
                svc.add_followup(
                    app.conn,
                    r,
                    due=next_due,
                    note=_next_note(about, message),
                    every=None,
                    now=app.now,
                )
                for r in refs
            ]
            if next_due is not None
            else []
        )
    if json:
        render.print_json(
            {
                "id": iid,
                "at": render.iso_instant(at),
                "people": [render.ref_json(r) for r in refs],
                "closed_followups": [f.id for f in closed],
                "open_followups": [f.id for f in still_open],
                "followup_ids": planned,
            }
        )
        return
    render.say(f"Logged {kind} with {', '.join(r.name for r in refs)} (interaction #{iid}).")
    for f in closed:
        render.say(
            f"Closed the first follow-up #{f.id} for {f.person.name}: this was that contact."
        )
    for f in still_open[:3]:
        render.say(
            f"Still open: follow-up #{f.id} for {f.person.name}, due"
            f" {render.when(f.due, app.today)} ({f.note or 'follow up'});"
            f" `pln done {f.id}` when it is done."
        )
    if len(still_open) > 3:
        render.say(f"... and {len(still_open) - 3} more open follow-ups; see `pln reminders`.")
    if next_due is not None:
        ids = ", ".join(f"#{fid}" for fid in planned)
        render.say(
            f"Next: follow-up {ids} due {render.when(next_due, app.today)}"
            f" ({_next_note(about, message)})."
        )


def _next_note(about: str | None, message: str) -> str:
    """The follow-up `log --follow-up` plans: what --about says, else what the contact was."""
    if about and about.strip():
        return about
    first = message.strip().splitlines()[0] if message.strip() else ""
    short = first if len(first) <= 60 else first[:57].rstrip() + "..."
    return f"Follow up on: {short}" if short else "Follow up"


def _not_past(day: date, today: date, text: str) -> None:
    if day < today:
        raise InvalidInput(
            f"WHEN {text!r} is {day.isoformat()}, in the past", "give today or a later date"
        )


@command("remind")
def remind(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="PERSON the follow-up is owed to.")],
    when: Annotated[
        str, typer.Argument(help="When it is due: tomorrow, in 3 days, next friday, 2026-12-01.")
    ],
    message: Annotated[str, typer.Option("--message", "-m", help="What to do.")] = "",
    every: Annotated[
        str | None,
        typer.Option("--every", help="Repeat: 2w, monthly, 3 months.", show_default=False),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Create a follow-up owed to someone; recurring ones roll forward when done.

    \b
      pln remind Ana "next friday" -m "Send the KS3 quiz bank"
      pln remind "Zoë" "in 2 weeks" -m "Mentoring check-in" --every 1m
    """
    app = state(ctx)
    due = parse.day(app, when, "WHEN", "future")
    try:
        interval = parse_interval(every) if every else None
    except DateError as exc:
        raise InvalidInput(f"--every: {exc}") from None
    with transaction(app.conn):
        ref = parse.person(app, person)
        fid = svc.add_followup(app.conn, ref, due=due, note=message, every=interval, now=app.now)
        row = views.get_followup(app.conn, fid)
    if json:
        render.print_json(render.followup_json(row))
    else:
        late = " (already overdue)" if due < app.today else ""
        render.say(f"Follow-up #{fid} for {ref.name} due {render.when(due, app.today)}{late}.")


FidArg = Annotated[
    int, typer.Argument(help="Follow-up id, as shown by `pln due` or `pln reminders`.")
]


@command("done")
def done(
    ctx: typer.Context,
    fid: FidArg,
    no_log: Annotated[
        bool, typer.Option("--no-log", help="Do not count this as contact with the person.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Mark a follow-up done (and log it as contact, unless --no-log).

    \b
      pln done 7
    """
    app = state(ctx)
    with transaction(app.conn):
        row, next_id = svc.complete_followup(
            app.conn, fid, today=app.today, now=app.now, log=not no_log
        )
        nxt = views.get_followup(app.conn, next_id) if next_id else None
    if json:
        render.print_json(
            {
                "done": render.followup_json(views.get_followup(app.conn, fid)),
                "next": render.followup_json(nxt) if nxt else None,
            }
        )
        return
    render.say(f"Done: #{fid} for {row.person.name}.")
    if nxt:
        render.say(f"Next one: #{nxt.id} due {render.when(nxt.due, app.today)}.")


@command("snooze")
def snooze(
    ctx: typer.Context,
    fid: FidArg,
    when: Annotated[str, typer.Argument(help="New due date: tomorrow, in 1 week, next monday.")],
    json: JsonOpt = False,
) -> None:
    """Move a follow-up to a later date.

    \b
      pln snooze 7 "next monday"
    """
    app = state(ctx)
    until = parse.day(app, when, "WHEN", "future")
    _not_past(until, app.today, when)
    with transaction(app.conn):
        row = svc.snooze_followup(app.conn, fid, until=until)
    if json:
        render.print_json(render.followup_json(row))
    else:
        render.say(f"Snoozed #{fid} for {row.person.name} until {render.when(until, app.today)}.")


@command("drop")
def drop(ctx: typer.Context, fid: FidArg, json: JsonOpt = False) -> None:
    """Drop a follow-up you no longer intend to do (it stays in the history).

    \b
      pln drop 7
    """
    app = state(ctx)
    with transaction(app.conn):
        svc.drop_followup(app.conn, fid, now=app.now)
        row = views.get_followup(app.conn, fid)
    if json:
        render.print_json(render.followup_json(row))
    else:
        render.say(f"Dropped #{fid} for {row.person.name}.")


@command("reminders")
def reminders(
    ctx: typer.Context,
    person: Annotated[
        str | None, typer.Option("--person", "-p", help="Only this PERSON's.", show_default=False)
    ] = None,
    state_: Annotated[str, typer.Option("--state", help="open, done, dropped or all.")] = "open",
    json: JsonOpt = False,
) -> None:
    """List follow-ups (open ones by default), soonest first.

    \b
      pln reminders
      pln reminders --person Ana --state all
    """
    app = state(ctx)
    if state_ not in ("open", "done", "dropped", "all"):
        raise InvalidInput(f"--state {state_!r} is not known", "use open, done, dropped or all")
    ref = resolve(app.conn, person) if person else None
    rows = views.list_followups(app.conn, person=ref, state=state_)
    if json:
        render.print_json([render.followup_json(r) for r in rows])
    else:
        render.show_followups(rows, today=app.today)


@command("due")
def due(
    ctx: typer.Context,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            help="Also show what falls due within this period, e.g. 7d.",
            show_default=False,
        ),
    ] = None,
    circle: CircleOpt = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only people with this topic.", show_default=False)
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help="Show at most this many (0: all). Default: 30 on screen, all with --json.",
            show_default=False,
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """What you owe now, and whom you have let go quiet; most urgent first.

    \b
      pln due
      pln due --within 7d --circle network
      pln due --json
      pln due --limit 0         (everything, not just the 30 most urgent)
    """
    circle_ = circle.value if circle else None
    reads.run_due(state(ctx), within=within, circle=circle_, topic=topic, limit=limit, json=json)
