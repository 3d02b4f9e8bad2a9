"""Interaction and follow-up commands: log, remind, done, snooze, drop, reminders, due."""

from datetime import timedelta
from typing import Annotated

import typer

from .. import activity as svc
from .. import reads, render, ties, views
from ..context import AppContext
from ..dates import DateError, parse_interval
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import resolve
from . import parse
from .app import JsonOpt, command, state
from .kinds import checked_kind
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
            help="coffee, call, email, message, meeting, event, video, shared-resource, ..."
            " (`pln kinds`); a new kind is asked about first.",
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
    next_due = parse.followup_day(app, follow_up, "--follow-up") if follow_up else None
    if at > app.now + timedelta(minutes=1):
        raise InvalidInput(
            f"--on {on!r} is in the future",
            "log what has happened; use `pln remind` for what is owed",
        )
    if not people and not group:
        raise InvalidInput("name someone to log with", 'e.g. pln log Ana -m "coffee"')
    kind, new_kind = checked_kind(app, kind)
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
    if new_kind:
        render.say(new_kind)
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
    what = "a note" if kind.strip().lower() == "note" else kind
    render.say(f"Logged {what} with {', '.join(r.name for r in refs)} (interaction #{iid}).")
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
        more = render.number_of(len(still_open) - 3, "more open follow-up", "more open follow-ups")
        render.say(f"... and {more}; see `pln reminders`.")
    if next_due is not None:
        ids = ", ".join(f"#{fid}" for fid in planned)
        render.say(
            f"Next: follow-up {ids} due {render.when(next_due, app.today)}:"
            f" {_next_note(about, message)}"
        )


def _next_note(about: str | None, message: str) -> str:
    """The follow-up `log --follow-up` plans: what --about says, else what the contact was."""
    if about and about.strip():
        return about
    first = message.strip().splitlines()[0] if message.strip() else ""
    short = first if len(first) <= 60 else first[:57].rstrip() + "..."
    return f"Follow up on: {short}" if short else "Follow up"


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
    due = parse.followup_day(app, when, "WHEN")
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
        render.say(f"Follow-up #{fid} for {ref.name} due {render.when(due, app.today)}.")


FidsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Follow-up id(s), as `pln due` or `pln reminders` show them: 3 or #3.",
        show_default=False,
    ),
]


def _existing(app: AppContext, ids: list[int]) -> None:
    """Every id given names a follow-up that exists now; the first that does not is the error."""
    for fid in ids:
        views.get_followup(app.conn, fid)


@command("done")
def done(
    ctx: typer.Context,
    fids: FidsArg,
    no_log: Annotated[
        bool, typer.Option("--no-log", help="Do not count this as contact with the person.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Mark follow-ups done (and log each as contact, unless --no-log).

    Several ids are one change: all are done, or (on any error) none.

    \b
      pln done 7
      pln done 3 4 "#5"
    """
    app = state(ctx)
    ids = parse.followup_ids(fids)
    with transaction(app.conn):
        _existing(app, ids)  # before any change: an id this command creates is no id typed
        results = [
            svc.complete_followup(app.conn, fid, today=app.today, now=app.now, log=not no_log)
            for fid in ids
        ]
        docs = [
            (
                views.get_followup(app.conn, row.id),
                views.get_followup(app.conn, nid) if nid else None,
            )
            for row, nid in results
        ]
    if json:
        shown = [
            {"done": render.followup_json(d), "next": render.followup_json(n) if n else None}
            for d, n in docs
        ]
        render.print_json(shown[0] if len(ids) == 1 else shown)
        return
    for row, nxt in docs:
        render.say(f"Done: #{row.id} for {row.person.name}.")
        if nxt:
            render.say(f"Next one: #{nxt.id} due {render.when(nxt.due, app.today)}.")


@command("snooze")
def snooze(
    ctx: typer.Context,
    fids_when: Annotated[
        list[str],
        typer.Argument(
            metavar="ID... WHEN",
            help="Follow-up id(s) (3 or #3), then the new due date: tomorrow, in 1 week, friday.",
            show_default=False,
        ),
    ],
    json: JsonOpt = False,
) -> None:
    """Move follow-ups to a later date (a recurring series keeps its rhythm).

    Several ids are one change: all are moved, or (on any error) none.

    \b
      pln snooze 7 "next monday"
      pln snooze 3 4 friday
    """
    app = state(ctx)
    if len(fids_when) < 2:
        raise InvalidInput(
            "give the follow-up id(s), then the new date", "e.g. pln snooze 3 friday"
        )
    ids, when = parse.followup_ids(fids_when[:-1]), fids_when[-1]
    until = parse.followup_day(app, when, "WHEN")
    with transaction(app.conn):
        _existing(app, ids)  # before any change: an id this command creates is no id typed
        results = [
            svc.snooze_followup(app.conn, fid, until=until, today=app.today, now=app.now)
            for fid in ids
        ]
        docs = [(row, views.get_followup(app.conn, nid) if nid else None) for row, nid in results]
    if json:
        shown = [
            {**render.followup_json(row), "next": render.followup_json(n) if n else None}
            for row, n in docs
        ]
        render.print_json(shown[0] if len(ids) == 1 else shown)
        return
    for row, nxt in docs:
        render.say(
            f"Snoozed #{row.id} for {row.person.name} until {render.when(until, app.today)}."
        )
        if nxt:
            render.say(
                f"Only this one moved: its series goes on as #{nxt.id}"
                f" due {render.when(nxt.due, app.today)}."
            )


@command("drop")
def drop(ctx: typer.Context, fids: FidsArg, json: JsonOpt = False) -> None:
    """Drop follow-ups you no longer intend to do (they stay in the history).

    Several ids are one change: all are dropped, or (on any error) none.

    \b
      pln drop 7
      pln drop 3 4
    """
    app = state(ctx)
    ids = parse.followup_ids(fids)
    with transaction(app.conn):
        for fid in ids:
            svc.drop_followup(app.conn, fid, now=app.now)
        rows = [views.get_followup(app.conn, fid) for fid in ids]
    if json:
        shown = [render.followup_json(row) for row in rows]
        render.print_json(shown[0] if len(ids) == 1 else shown)
        return
    for row in rows:
        render.say(f"Dropped #{row.id} for {row.person.name}.")


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
