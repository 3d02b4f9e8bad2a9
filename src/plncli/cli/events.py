"""`pln event show|edit|merge`: an event is a record to read and fix (`pln events` lists them)."""

import sys
from typing import Annotated, Any

import typer

from .. import events as svc
from .. import render
from ..commands import events as cmd
from ..context import AppContext
from ..dates import humanize_day
from ..errors import InvalidInput
from ..tables import Block, Table, emit
from . import parse
from .base import JsonOpt, app, guarded, state

event_app = typer.Typer(
    help="One event: show who you met there, fix its name, date or place, merge two spellings."
    " `pln events` lists them all.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(event_app, name="event")

EventArg = Annotated[
    str,
    typer.Argument(metavar="EVENT", help="EVENT: name, unique prefix, close spelling or #id."),
]


def on_terminal() -> bool:
    """A person is there to answer a question (as for PERSON in `parse.person`)."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def ask(question: str) -> bool:
    """EVENT's close spelling for a write: asked about on a terminal, refused in a script."""
    return on_terminal() and typer.confirm(question, default=False, err=True)


@event_app.command("show")
@guarded
def show(ctx: typer.Context, name: EventArg, json: JsonOpt = False) -> None:
    """Show an event: its date and place, and who you met there, with contact since.

    \b
      pln event show "researchED 2026"
      pln event show research --json
    """
    app_ = state(ctx)
    shown = cmd.show(app_, name)
    if shown.event.guessed_from is not None:
        render.say(
            f"taking {shown.event.guessed_from!r} to mean {shown.event.name} (#{shown.event.id})",
            style="dim",
        )
    if json:
        render.print_json(detail_json(shown.detail))
    else:
        show_detail(shown.detail, app_)


def detail_json(d: svc.EventDetail) -> dict[str, Any]:
    return {
        **render.event_json(d.event),
        "private": d.private,
        "people": [
            {
                "person": render.ref_json(m.person),
                "org": m.org,
                "met_on": None if m.met_on is None else m.met_on.isoformat(),
                "last_contact": None if m.last_contact is None else m.last_contact.isoformat(),
                "contacted_since": m.contacted_since,
            }
            for m in d.people
        ],
    }


def show_detail(d: svc.EventDetail, app_: AppContext) -> None:
    e, today = d.event, app_.today
    facts = Table("", "", header=False)
    if e.on:
        facts.add_row(("date", "dim"), render.when(e.on, today))
    facts.add_row(("place", "dim"), e.place or "not known (`pln event edit --place`)")
    waiting = f", {e.no_contact_since} with no contact since" if e.no_contact_since else ""
    facts.add_row(("met", "dim"), f"{_people(e.met)}{waiting}")
    if d.private:
        facts.add_row(("private", "dim"), "never used as a reason for an introduction")
    blocks: list[Block] = [(f"{e.name}  #{e.id}", "bold"), facts]
    if d.people:
        table = Table("#", "name", "org", "last contact", "")
        for m in d.people:
            last = humanize_day(m.last_contact, today=today) if m.last_contact else "never"
            status = "" if m.contacted_since else ("no contact since", "yellow")
            table.add_row(str(m.person.id), m.person.name, m.org or "", last, status)
        blocks += ["", table]
    emit(*blocks)


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


@event_app.command("edit")
@guarded
def edit(
    ctx: typer.Context,
    name: EventArg,
    new_name: Annotated[
        str | None, typer.Option("--name", help="New name.", show_default=False)
    ] = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help='When it was (today or earlier); "" clears it.', show_default=False
        ),
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help='Where it was; "" clears it.', show_default=False)
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Fix an event's name, date or place. An empty value clears the date or the place.

    \b
      pln event edit "researchED 2026" --place "Harris Academy, London" --on 2026-09-05
      pln event edit research --name "researchED National 2026"
    """
    app_ = state(ctx)
    change = svc.EventChange(
        name=new_name,
        on=parse.past_day(app_, on) if on and on.strip() else None,
        clear_on=on is not None and not on.strip(),
        place=place,
    )
    done = cmd.edit(app_, name, change, confirm=ask, with_detail=json)
    if done.detail is not None:
        render.print_json(detail_json(done.detail))
    elif done.changed:
        render.say(f"Updated {done.event.name} (#{done.event.id}).")
    else:
        render.say(
            f"Nothing changed: {done.event.name} (#{done.event.id}) already has what was given."
        )


@event_app.command("merge")
@guarded
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="EVENT to keep.")],
    other: Annotated[
        str, typer.Argument(metavar="OTHER", help="EVENT to merge into KEEP (then removed).")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Two spellings of one event become one: people met at OTHER were met at KEEP.

    KEEP's empty date and place are taken from OTHER; a private OTHER makes KEEP
    private; then OTHER is removed. `pln undo` reverts it.

    \b
      pln event merge "researchED 2026" "ResearchEd 26"
      pln event merge "#3" "#7" --yes
    """
    app_ = state(ctx)
    if not yes and not on_terminal():
        raise InvalidInput("pln event merge asks before it changes anything", "add --yes")

    def approve(plan: svc.EventMergePlan, k: svc.EventRef, o: svc.EventRef) -> bool:
        render.say(
            f"Merge {o.name} (#{o.id}) into {k.name} (#{k.id}): {_people(plan.people)} met there"
            f" move{'s' if plan.people == 1 else ''}"
            + (f"; fills {' and '.join(plan.filled)}" if plan.filled else "")
            + (f"; keeps its {' and '.join(plan.kept)}" if plan.kept else "")
            + ("; it becomes private, as the other was" if plan.private else "")
            + f"; then {o.name} (#{o.id}) is removed."
        )
        return yes or typer.confirm("Merge?", default=False, err=True)

    done = cmd.merge(app_, keep, other, confirm=ask, approve=approve)
    render.say("Merged. `pln undo` reverts it." if done.merged else "Nothing changed.")
