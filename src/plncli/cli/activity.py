"""Interaction and follow-up commands: log, remind, done, snooze, drop, reminders, due."""

from typing import Annotated

import typer

from .. import reads, render
from ..commands import activity as cmd
from ..dates import DateError, parse_interval
from ..errors import InvalidInput
from . import parse
from .base import JsonOpt, command, note_on_success, state
from .kinds import kind_asker
from .people import CircleOpt, _given_once


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
            help="coffee, call, email, message, meeting, event, video, shared, ..."
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
    done = cmd.log(
        app,
        people or [],
        at=at,
        on=on,
        message=message,
        group=group,
        kind=kind,
        topics=topic,
        next_due=parse.followup_day(app, follow_up, "--follow-up") if follow_up else None,
        about=about,
        confirm=parse.ask,
        ask_kind=kind_asker(),
    )
    if done.new_kind:
        render.say(done.new_kind)
    for line in _given_once(("", {"topic": topic or []})):  # kept once: said, as `pln add` does
        note_on_success(line)
    if json:
        render.print_json(
            {
                "id": done.id,
                "at": render.iso_instant(done.at),
                "people": [render.ref_json(r) for r in done.people],
                "closed_followups": [f.id for f in done.closed],
                "open_followups": [f.id for f in done.still_open],
                "followup_ids": done.followup_ids,
            }
        )
        return
    what = "a note" if done.kind.strip().lower() == "note" else done.kind
    render.say(
        f"Logged {what} with {', '.join(r.name for r in done.people)} (interaction #{done.id})."
    )
    for f in done.closed:
        render.say(
            f"Closed the first follow-up #{f.id} for {f.person.name}: this was that contact."
        )
    for f in done.still_open[:3]:
        render.say(
            f"Still open: follow-up #{f.id} for {f.person.name}, due"
            f" {render.when(f.due, app.today)} ({f.note or 'follow up'});"
            f" `pln done {f.id}` when it is done."
        )
    if len(done.still_open) > 3:
        more = render.number_of(
            len(done.still_open) - 3, "more open follow-up", "more open follow-ups"
        )
        render.say(f"... and {more}; see `pln reminders`.")
    if done.next_due is not None:
        ids = ", ".join(f"#{fid}" for fid in done.followup_ids)
        render.say(
            f"Next: follow-up {ids} due {render.when(done.next_due, app.today)}: {done.next_note}"
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

    The same open follow-up again (day, text and --every) is not added twice.

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
    done = cmd.remind(app, person, due, message=message, every=interval, confirm=parse.ask)
    if json:
        render.print_json({**render.followup_json(done.followup), "changed": done.added})
    elif not done.added:
        render.say(
            f"Nothing changed: {done.person.name} already has this follow-up"
            f" (#{done.followup.id}, due {render.when(due, app.today)})."
        )
    else:
        render.say(
            f"Follow-up #{done.followup.id} for {done.person.name}"
            f" due {render.when(due, app.today)}."
        )


FidsArg = Annotated[
    list[str],
    typer.Argument(
        metavar="ID...",
        help="Follow-up id(s), as `pln due` or `pln reminders` show them: 3 or #3.",
        show_default=False,
    ),
]


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
    moved = cmd.done(app, parse.followup_ids(fids), log=not no_log)
    if json:
        shown = [
            {
                "done": render.followup_json(m.followup),
                "next": render.followup_json(m.next) if m.next else None,
            }
            for m in moved
        ]
        render.print_json(shown[0] if len(moved) == 1 else shown)
        return
    for m in moved:
        render.say(f"Done: #{m.followup.id} for {m.followup.person.name}.")
        if m.next:
            render.say(f"Next one: #{m.next.id} due {render.when(m.next.due, app.today)}.")


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

    Several ids are one change: all are moved, or (on any error) none. One due that day
    already is left as it is ("Nothing changed").

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
    moved = cmd.snooze(app, ids, until)
    if json:
        shown = [
            {
                **render.followup_json(m.followup),
                "next": render.followup_json(m.next) if m.next else None,
                "changed": m.changed,
            }
            for m in moved
        ]
        render.print_json(shown[0] if len(moved) == 1 else shown)
        return
    for m in moved:
        if not m.changed:
            render.say(
                f"Nothing changed: #{m.followup.id} for {m.followup.person.name}"
                f" is due {render.when(until, app.today)} already."
            )
            continue
        render.say(
            f"Snoozed #{m.followup.id} for {m.followup.person.name}"
            f" until {render.when(until, app.today)}."
        )
        if m.next:
            render.say(
                f"Only this one moved: its series goes on as #{m.next.id}"
                f" due {render.when(m.next.due, app.today)}."
            )


@command("drop")
def drop(ctx: typer.Context, fids: FidsArg, json: JsonOpt = False) -> None:
    """Drop follow-ups you no longer intend to do (they stay in the history).

    Several ids are one change: all are dropped, or (on any error) none.

    \b
      pln drop 7
      pln drop 3 4
    """
    rows = cmd.drop(state(ctx), parse.followup_ids(fids))
    if json:
        shown = [render.followup_json(row) for row in rows]
        render.print_json(shown[0] if len(rows) == 1 else shown)
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
    rows = cmd.reminders(app, person=person, state=state_)
    app.page()
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
