"""Resource commands: resource add|show|edit|remove, resources, share, group read."""

from typing import Annotated

import typer

from .. import fast_share, render, render_res
from ..commands import resources as cmd
from ..errors import InvalidInput
from ..resources import KINDS, Change
from . import parse
from .base import JsonOpt, app, command, guarded, state
from .network import group_app
from .people import CircleOpt, _given_once

ResourceArg = Annotated[
    str,
    typer.Argument(
        metavar="RESOURCE", help="RESOURCE: its title, a unique start of it, its URL, or #id."
    ),
]
TopicOpt = Annotated[
    list[str] | None,
    typer.Option("--topic", help="A topic it is about (repeatable).", show_default=False),
]
_KIND_HELP = f"What it is: {', '.join(KINDS)}."

resource_app = typer.Typer(
    help="One resource (an article, book, blog, video, course, podcast): add, show, edit,"
    " remove. `pln resources` lists them; `pln share` says whom they would help.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(resource_app, name="resource")


@resource_app.command("add")
@guarded
def add(
    ctx: typer.Context,
    what: Annotated[
        str, typer.Argument(metavar="URL-or-TITLE", help="A URL (stored as given) or a title.")
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Its title, for a URL.", show_default=False)
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help=_KIND_HELP)] = "other",
    topic: TopicOpt = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who wrote or made it.", show_default=False)
    ] = None,
    note: Annotated[str, typer.Option("--note", help="A note on it.")] = "",
    from_: Annotated[
        list[str] | None,
        typer.Option(
            "--from", help="PERSON who shared it with you (repeatable).", show_default=False
        ),
    ] = None,
) -> None:
    """Add a resource; the same URL or title again is the same resource.

    \b
      pln resource add https://example.org/oracy --title "Oracy in science" --kind article \\
          --topic oracy --by "J. Mercer" --from Ana
      pln resource add "Making Good Progress?" --kind book --topic assessment
    """
    done = cmd.add(
        state(ctx, creates=True),
        what,
        title=title,
        kind=kind,
        topics=topic or [],
        author=by,
        note=note,
        from_=from_ or [],
        confirm=parse.ask,
    )
    r = done.resource
    if done.created:
        render.say(f'Added {r.title} (#{r.id}). `pln share "#{r.id}"` says whom it would help.')
        for line in _given_once(("", {"topic": topic or []})):  # kept once, as `pln add` says
            render.say(line)
    else:
        render.say(
            f"{r.title} (#{r.id}) is already in your book; nothing added"
            " (`pln resource edit` changes it)."
        )
    if done.shared_by:
        names = ", ".join(p.name for p in done.shared_by)
        render.say(f"Recorded that {names} shared it with you.")


@resource_app.command("show")
@guarded
def show(ctx: typer.Context, resource: ResourceArg, json: JsonOpt = False) -> None:
    """Show a resource: what it is, with whom it was shared and when, and who reads it.

    \b
      pln resource show oracy
      pln resource show "#3" --json
    """
    app_ = state(ctx)
    found = cmd.show(app_, resource)
    if json:
        render.print_json(render_res.detail_json(found))
    else:
        render_res.show_detail(found, today=app_.today)


@resource_app.command("edit")
@guarded
def edit(
    ctx: typer.Context,
    resource: ResourceArg,
    title: Annotated[
        str | None, typer.Option("--title", help="New title.", show_default=False)
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help='New URL ("" removes it).', show_default=False)
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=_KIND_HELP, show_default=False)] = None,
    by: Annotated[
        str | None, typer.Option("--by", help='Who wrote it ("" removes it).', show_default=False)
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="New note.", show_default=False)
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", help="Add a topic (repeatable).", show_default=False),
    ] = None,
    remove_topic: Annotated[
        list[str] | None,
        typer.Option("--remove-topic", help="Remove a topic (repeatable).", show_default=False),
    ] = None,
) -> None:
    """Change a resource's title, URL, kind, author, note or topics.

    \b
      pln resource edit oracy --topic "classroom talk" --remove-topic speaking
    """
    change = Change(
        title=title,
        url=url,
        kind=kind,
        author=by,
        note=note,
        add_topics=tuple(topic or ()),
        remove_topics=tuple(remove_topic or ()),
    )
    done = cmd.edit(state(ctx), resource, change)
    ref = done.resource
    if done.changed:
        render.say(f"Updated {ref.title} (#{ref.id}).")
    else:
        render.say(f"Nothing changed: {ref.title} (#{ref.id}) already has what was given.")
    for line in done.kept:
        render.say(line)


@resource_app.command("remove")
@guarded
def remove(ctx: typer.Context, resource: ResourceArg) -> None:
    """Remove a resource (the shares stay in the timelines; `pln undo` brings it back).

    \b
      pln resource remove "#3"
    """
    ref = cmd.remove(state(ctx), resource)
    render.say(f"Removed {ref.title} (#{ref.id}).")


@command("resources")
def resources(
    ctx: typer.Context,
    topic: Annotated[
        str | None, typer.Option("--topic", help="Only those on this topic.", show_default=False)
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this kind.", show_default=False)
    ] = None,
    json: JsonOpt = False,
) -> None:
    """List resources, with their topics and how often they were shared.

    \b
      pln resources --topic assessment
      pln resources --kind book --json
    """
    rows = cmd.listed(state(ctx), kind=kind, topic=topic)
    if json:
        render.print_json([render_res.resource_json(r) for r in rows])
    else:
        render_res.show_resources(rows)


@command("share")
def share(
    ctx: typer.Context,
    resource: ResourceArg,
    people: Annotated[
        list[str] | None,
        typer.Argument(metavar="[PEOPLE]...", help="With --with: whom you shared it with."),
    ] = None,
    with_: Annotated[
        bool,
        typer.Option("--with", help="Record that you shared it with the people named after it."),
    ] = False,
    message: Annotated[str, typer.Option("--message", "-m", help="Note on the share.")] = "",
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 10,
    circle: CircleOpt = None,
    json: JsonOpt = False,
) -> None:
    """Who a resource would help, best first, with the reasons; or record a share.

    \b
      pln share oracy                       (who seeks, works on or talked about its topics)
      pln share oracy --circle colleague --limit 5
      pln share oracy --with Ben Carla -m "for your Y8 trial"
    """
    app_ = state(ctx)
    if not with_:
        if people or message:
            raise InvalidInput(
                "PEOPLE and -m record a share: add --with",
                "pln share RESOURCE --with PERSON ... [-m NOTE]",
            )
        fast_share.show(
            app_, resource, circle=circle.value if circle else None, limit=limit, json=json
        )
        return
    for option, given in (
        ("--limit", getattr(ctx.get_parameter_source("limit"), "name", None) == "COMMANDLINE"),
        ("--circle", circle is not None),
        ("--json", json),
    ):
        if given:  # refused, not ignored: they choose whom it would help, which --with is not
            raise InvalidInput(
                f"{option} goes with the list of whom it would help, not with --with",
                f"drop {option}, or drop --with to list whom it would help",
            )
    done = cmd.share(app_, resource, people or [], note=message, confirm=parse.ask)
    names = ", ".join(p.name for p in done.people)
    render.say(f"Recorded: you shared {done.resource.title} with {names}.")


@group_app.command("read")
@guarded
def group_read(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(help="Group.")],
    resource: ResourceArg,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Read by this date (due for you then).", show_default=False),
    ] = None,
    done: Annotated[bool, typer.Option("--done", help="It has been read.")] = False,
) -> None:
    """Set a reading for a group (a book club, a department): due for you on its date.

    \b
      pln group read "Book club" "Making Good Progress?" --by "dec 3"
      pln group read "Book club" "Making Good Progress?" --done
    """
    app_ = state(ctx)
    due = parse.followup_day(app_, by, "--by") if by else None
    set_ = cmd.read(app_, group, resource, due=due, done=done)
    what = f"{set_.group.name} {'read' if done else 'reads'} {set_.resource.title}"
    when = f" by {set_.due.isoformat()}" if set_.due and not done else ""
    verb = "Set" if set_.new else "Updated" if set_.changed else "Nothing changed"
    render.say(f"{verb}: {what}{when}.")
