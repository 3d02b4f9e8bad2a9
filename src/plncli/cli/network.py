"""Network commands: knows, unknows, group, introduce, intro, intros, who, private."""

from typing import Annotated

import typer

from .. import intro_commands as intro_cmds
from .. import introduce as intro_svc
from .. import render, render_net, render_res
from ..commands import network as cmd
from ..commands import resources as resources_cmd
from ..context import AppContext
from ..errors import InvalidInput
from ..resolve import PersonRef, resolve
from ..text import and_joined
from . import parse
from .base import JsonOpt, app, command, guarded, state

PersonArg = Annotated[str, typer.Argument(help="PERSON: name, prefix or #id.")]


def _person(app_: AppContext, ref: str, *, write: bool = True) -> PersonRef:
    """PERSON; for commands that write, a close spelling is confirmed (see parse.person)."""
    if write:
        return parse.person(app_, ref)
    found = resolve(app_.conn, ref)
    render.notice(found)
    return found


@command("knows")
def knows(
    ctx: typer.Context,
    a: PersonArg,
    b: Annotated[str | None, typer.Argument(help="Another PERSON who knows A.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Since when.")] = None,
    message: Annotated[str, typer.Option("--message", "-m", help="How they know each other.")] = "",
    json: JsonOpt = False,
) -> None:
    """Record that two contacts know each other, or list whom one knows.

    \b
      pln knows Ana Ben --since "2024-09-01" -m "taught together at Hillside"
      pln knows Ana            (whom Ana knows: ties and fellow group members)
    """
    app_ = state(ctx)
    if b is None:
        if since or message:
            raise InvalidInput(
                "--since and -m describe a tie: name two people", "pln knows A B -m ..."
            )
        found = cmd.acquaintances(app_, a)
        render.notice(found.person)
        if json:
            render.print_json([render_net.acquaintance_json(r) for r in found.known])
        else:
            render_net.show_acquaintances(found.person, found.known, today=app_.today)
        return
    if json:  # refused, not ignored: a script reading stdout would get nothing
        raise InvalidInput(
            "--json lists whom one person knows: `pln knows A B` records a tie",
            "pln knows A --json",
        )
    began = parse.met_day(app_, since, "--since") if since else None
    tie = cmd.knows(app_, a, b, since=began, note=message, confirm=parse.ask)
    verb = "Recorded" if tie.new else "Updated" if tie.changed else "Nothing changed"
    render.say(f"{verb}: {tie.a.name} and {tie.b.name} know each other.")


@command("unknows")
def unknows(ctx: typer.Context, a: PersonArg, b: PersonArg) -> None:
    """Remove a tie recorded by mistake.

    \b
      pln unknows Ana Ben
    """
    tie = cmd.unknows(state(ctx), a, b, confirm=parse.ask)
    render.say(f"Removed the tie between {tie.a.name} and {tie.b.name}.")


group_app = typer.Typer(
    help="Groups: DM groups, associations, departments, book clubs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(group_app, name="group")


@group_app.command("add")
@guarded
def group_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Group name (created if new).")],
    people: Annotated[list[str] | None, typer.Argument(help="Members to add.")] = None,
) -> None:
    """Create a group and/or add members to it. Members count as knowing each other.

    \b
      pln group add "Science dept" Ana Ben Carla
      pln group add "#ChemChat DMs" Wei
    """
    done = cmd.group_add(state(ctx, creates=True), name, people or [], confirm=parse.ask)
    verb = "Created" if done.created else "Updated" if done.added else "Nothing changed:"
    render.say(f"{verb} {done.group.name}: {_joined(done.added, done.already)}.")


def _joined(added: list[PersonRef], already: list[PersonRef]) -> str:
    """ "2 members added", "Ana was already a member", "1 member added; Ana and Ben were
    already members"."""
    said = []
    if added or not already:
        said.append(f"{render.number_of(len(added), 'member', 'members')} added")
    if already:
        were = "was already a member" if len(already) == 1 else "were already members"
        said.append(f"{and_joined(p.name for p in already)} {were}")
    return "; ".join(said)


@group_app.command("remove")
@guarded
def group_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Group name.")],
    people: Annotated[list[str], typer.Argument(help="Members to remove.")],
) -> None:
    """Remove members from a group.

    \b
      pln group remove "Science dept" Carla
    """
    group, removed = cmd.group_remove(state(ctx), name, people, confirm=parse.ask)
    render.say(f"Removed {render.number_of(len(removed), 'member', 'members')} from {group.name}.")


@group_app.command("delete")
@guarded
def group_delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Group.")]) -> None:
    """Delete a group (its members and their interactions stay).

    \b
      pln group delete "Old book club"
    """
    group = cmd.group_delete(state(ctx), name)
    render.say(f"Deleted {group.name}.")


@group_app.command("show")
@guarded
def group_show(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Group.")], json: JsonOpt = False
) -> None:
    """Show a group's members, and its readings (upcoming, then past).

    \b
      pln group show "Science dept"
    """
    app_ = state(ctx)
    shown = cmd.group_show(app_, name)
    readings = resources_cmd.group_readings(app_, name)
    if json:
        doc = render_net.group_json(shown.group, shown.people)
        doc["readings"] = [render_res.reading_json(r) for r in readings]
        render.print_json(doc)
    else:
        render_net.show_group(shown.group, shown.people)
        if readings:
            from ..tables import emit

            emit(*render_res.show_readings(readings, today=app_.today))


@group_app.command("list")
@guarded
def group_list(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List groups and how many members each has.

    \b
      pln group list
    """
    rows = cmd.group_list(state(ctx))
    if json:
        render.print_json([render_net.group_json(g) for g in rows])
    else:
        render_net.show_groups(rows)


@command("introduce")
def introduce(
    ctx: typer.Context,
    people: Annotated[
        list[str] | None,
        typer.Argument(
            help="One PERSON: suggestions for them (as --for). Two PEOPLE: record"
            " (or --draft, --dismiss) their introduction."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Suggestions per list.")] = 10,
    for_: Annotated[
        str | None, typer.Option("--for", help="Only pairs with this PERSON.", show_default=False)
    ] = None,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only pairs about this topic.", show_default=False)
    ] = None,
    include_following: Annotated[
        bool, typer.Option("--include-following", help="Also people you only follow.")
    ] = False,
    per_person: Annotated[
        int, typer.Option("--per-person", min=1, help="At most this many suggestions per person.")
    ] = 2,
    message: Annotated[str, typer.Option("--message", "-m", help="Note on the introduction.")] = "",
    draft: Annotated[bool, typer.Option("--draft", help="Print a message to each side.")] = False,
    dismiss: Annotated[
        bool, typer.Option("--dismiss", help="Never suggest this pair again.")
    ] = False,
    until: Annotated[
        str | None,
        typer.Option("--until", help="With --dismiss: only until this date.", show_default=False),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Who should meet whom, with the reasons; or record, draft or dismiss one introduction.

    \b
      pln introduce                          (suggestions, best first)
      pln introduce --for Ana --topic assessment
      pln introduce Ana                      (the same as --for Ana)
      pln introduce Ana Ben -m "both running retrieval-practice trials"
      pln introduce Ana Ben --draft          (a message to each side)
      pln introduce Ana Ben --dismiss --until "in 3 months"
    """
    intro_cmds.run_introduce(
        state(ctx),
        people or [],
        person=_person,
        limit=limit,
        for_=for_,
        topic=topic,
        include_following=include_following,
        per_person=per_person,
        message=message,
        draft=draft,
        dismiss=dismiss,
        until=until,
        json=json,
    )


intro_app = typer.Typer(
    help="Carry an introduction through: asked, made, declined, outcome.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(intro_app, name="intro")


@intro_app.command("asked")
@guarded
def intro_asked(ctx: typer.Context, a: PersonArg, b: PersonArg, json: JsonOpt = False) -> None:
    """Record that A was asked whether they would like to meet B.

    A follow-up to chase the answer appears in `pln due` after a week. Asked again while
    it is open, that one chase moves to a week from then; no second one is added.

    \b
      pln intro asked Ana Ben
    """
    intro_cmds.run_asked(state(ctx), a, b, person=_person, json=json)


@intro_app.command("made")
@guarded
def intro_made(ctx: typer.Context, a: PersonArg, b: PersonArg, json: JsonOpt = False) -> None:
    """Record that the introduction happened: tie, notes, an interaction, and a check-in.

    \b
      pln intro made Ana Ben
    """
    intro_cmds.run_made(state(ctx), a, b, person=_person, json=json)


@intro_app.command("declined")
@guarded
def intro_declined(ctx: typer.Context, a: PersonArg, b: PersonArg, json: JsonOpt = False) -> None:
    """Record that someone declined: it will not be suggested again.

    \b
      pln intro declined Ana Ben
    """
    intro_cmds.run_declined(state(ctx), a, b, person=_person, json=json)


@intro_app.command("outcome")
@guarded
def intro_outcome(
    ctx: typer.Context,
    a: PersonArg,
    b: PersonArg,
    outcome: Annotated[str, typer.Argument(help="connected or nothing.")],
    message: Annotated[str, typer.Option("--message", "-m", help="What came of it.")] = "",
    json: JsonOpt = False,
) -> None:
    """Record whether an introduction went somewhere (closes its check-in).

    A second outcome replaces the first and says so; the earlier outcome and its note
    are kept as a line of the outcome's note.

    \b
      pln intro outcome Ana Ben connected -m "now co-running a trial"
    """
    intro_cmds.run_outcome(state(ctx), a, b, outcome, person=_person, message=message, json=json)


@command("intros")
def intros(
    ctx: typer.Context,
    state_: Annotated[
        str | None,
        typer.Option("--state", help="suggested, asked, made, declined.", show_default=False),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List introductions by state, and what kinds of introductions have worked.

    \b
      pln intros
      pln intros --state asked
    """
    app_ = state(ctx)
    if state_ is not None and state_ not in intro_svc.STATES:
        raise InvalidInput(
            f"--state {state_!r} is not known", "use suggested, asked, made or declined"
        )
    rows = intro_svc.list_intros(app_.conn, state_)
    app_.page()
    if json:
        render.print_json([render_net.intro_json(i) for i in rows])
    else:
        render_net.show_intros(rows, intro_svc.what_works(rows), today=app_.today)


@command("who")
def who(
    ctx: typer.Context,
    topic: Annotated[list[str], typer.Argument(help="A topic, e.g. assessment.")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 20,
    json: JsonOpt = False,
) -> None:
    """Who offers or works on a topic, best first, and how to reach them.

    \b
      pln who assessment
      pln who "retrieval practice" --json
    """
    app_ = state(ctx)
    text = " ".join(topic)
    rows = cmd.who(app_, text, limit=limit)
    app_.page()
    if json:
        render.print_json([render_net.expert_json(e) for e in rows])
    else:
        render_net.show_experts(text, rows, today=app_.today)


@command("private")
def private(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Argument(help="topic, event or group.")] = None,
    name: Annotated[str | None, typer.Argument(help="Its name.")] = None,
    off: Annotated[bool, typer.Option("--off", help="Make it usable as a reason again.")] = False,
    json: JsonOpt = False,
) -> None:
    """Mark a topic, event or group private: never used as a reason to introduce.

    \b
      pln private topic "mental health"
      pln private group "Heads' WhatsApp" --off
      pln private               (list what is private)
    """
    if kind is not None and json:  # refused, not ignored: a script would read nothing
        raise InvalidInput(
            "--json lists what is private: marking prints none", "pln private --json"
        )
    if kind is None and off:  # refused, not ignored: nothing would be made usable again
        raise InvalidInput("--off needs what to make usable again", "pln private KIND NAME --off")
    app_ = state(ctx, creates=kind is not None)
    if kind is not None:
        said = cmd.set_private(app_, kind, name, off=off)
        render.say(f"The {kind} {said!r} is {'usable as a reason again' if off else 'private'}.")
        return
    marks = cmd.private_marks(app_)
    if json:
        render.print_json([{"kind": k, "name": n} for k, n in marks])
    else:
        from ..tables import Table, emit

        table = Table("kind", "private")
        for k, n in marks:
            table.add_row(k, n)
        emit(table if marks else "Nothing is private.")
