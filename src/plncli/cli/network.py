"""Network commands: knows, unknows, group, introduce, intro, intros, who, private."""

from typing import Annotated

import typer

from .. import introduce as intro_svc
from .. import render, render_net, ties
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import PersonRef, resolve
from ..suggest import Book, suggestions
from ..who import who as find_experts
from . import parse
from .app import JsonOpt, app, command, guarded, state

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
        person = _person(app_, a, write=False)
        rows = ties.acquaintances(app_.conn, person)
        if json:
            render.print_json([render_net.acquaintance_json(r) for r in rows])
        else:
            render_net.show_acquaintances(person, rows, today=app_.today)
        return
    day, precision = parse.met_day(app_, since, "--since") if since else (None, None)
    with transaction(app_.conn):
        pa, pb = _person(app_, a), _person(app_, b)
        new = ties.add_tie(
            app_.conn,
            pa,
            pb,
            since=day,
            note=message,
            source="manual",
            now=app_.now,
            since_precision=precision,
        )
    render.say(f"{'Recorded' if new else 'Updated'}: {pa.name} and {pb.name} know each other.")


@command("unknows")
def unknows(ctx: typer.Context, a: PersonArg, b: PersonArg) -> None:
    """Remove a tie recorded by mistake.

    \b
      pln unknows Ana Ben
    """
    app_ = state(ctx)
    with transaction(app_.conn):
        pa, pb = _person(app_, a), _person(app_, b)
        ties.remove_tie(app_.conn, pa, pb)
    render.say(f"Removed the tie between {pa.name} and {pb.name}.")


group_app = typer.Typer(
    help="Groups: DM groups, associations, departments, book clubs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(group_app, name="group")


def _group_row(app_: AppContext, name: str) -> ties.GroupRow:
    group = ties.find_group(app_.conn, name)
    return next(g for g in ties.list_groups(app_.conn) if g.id == group.id)


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
    app_ = state(ctx, creates=True)
    with transaction(app_.conn):
        group, created = ties.ensure_group(app_.conn, name, now=app_.now)
        added, already = ties.add_members(
            app_.conn, group, [_person(app_, p) for p in people or []]
        )
    render.say(f"{'Created' if created else 'Updated'} {group.name}: {_joined(added, already)}.")


def _joined(added: list[PersonRef], already: list[PersonRef]) -> str:
    """ "2 members added", "Ana was already a member", "1 member added; Ana and Ben were
    already members"."""
    said = []
    if added or not already:
        said.append(f"{render.number_of(len(added), 'member', 'members')} added")
    if already:
        names = [p.name for p in already]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        were = "was already a member" if len(names) == 1 else "were already members"
        said.append(f"{who} {were}")
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
    app_ = state(ctx)
    with transaction(app_.conn):
        group = ties.find_group(app_.conn, name)
        ties.remove_members(app_.conn, group, [_person(app_, p) for p in people])
    render.say(f"Removed {render.number_of(len(people), 'member', 'members')} from {group.name}.")


@group_app.command("delete")
@guarded
def group_delete(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Group.")]) -> None:
    """Delete a group (its members and their interactions stay).

    \b
      pln group delete "Old book club"
    """
    app_ = state(ctx)
    with transaction(app_.conn):
        group = ties.find_group(app_.conn, name)
        ties.delete_group(app_.conn, group)
    render.say(f"Deleted {group.name}.")


@group_app.command("show")
@guarded
def group_show(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Group.")], json: JsonOpt = False
) -> None:
    """Show a group's members.

    \b
      pln group show "Science dept"
    """
    app_ = state(ctx)
    row = _group_row(app_, name)
    people = ties.members(app_.conn, ties.Group(row.id, row.name))
    if json:
        render.print_json(render_net.group_json(row, people))
    else:
        render_net.show_group(row, people)


@group_app.command("list")
@guarded
def group_list(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List groups and how many members each has.

    \b
      pln group list
    """
    rows = ties.list_groups(state(ctx).conn)
    if json:
        render.print_json([render_net.group_json(g) for g in rows])
    else:
        render_net.show_groups(rows)


def _book(
    app_: AppContext,
    include_following: bool,
    focus: int | None = None,
    pair: tuple[PersonRef, PersonRef] | None = None,
) -> Book:
    return Book(
        app_.conn,
        include_following=include_following,
        today=app_.today,
        synonyms=app_.settings.synonyms,
        focus=focus,
        pair=(pair[0].id, pair[1].id) if pair else None,
    )


def _introducible(app_: AppContext, refs: list[PersonRef], include_following: bool) -> None:
    for ref in refs:
        circle = app_.conn.execute("SELECT circle FROM person WHERE id = ?", (ref.id,)).fetchone()
        if circle[0] == "following" and not include_following:
            raise InvalidInput(
                f"you only follow {ref.name}, so you cannot introduce them",
                "move them to your network with `pln edit --circle network`,"
                " or add --include-following",
            )


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
    app_ = state(ctx)
    names = people or []
    if len(names) == 1:  # `pln introduce Tom` is `pln introduce --for Tom`
        if for_ is not None:
            raise InvalidInput(
                "give one person, or --for, not both", f"e.g. pln introduce --for {names[0]!r}"
            )
        _one_person_only(message=message, draft=draft, dismiss=dismiss, until=until)
        for_, names = names[0], []
    if not names:
        _suggest(app_, for_, topic, include_following, per_person, limit, json)
        return
    if len(names) != 2:
        raise InvalidInput(
            "give one person (suggestions for them) or two (their introduction)",
            "e.g. pln introduce Ana, or pln introduce Ana Ben",
        )
    _one_pair(
        app_,
        names,
        draft=draft,
        dismiss=dismiss,
        until=until,
        note=message,
        include_following=include_following,
        json=json,
    )


def _one_person_only(*, message: str, draft: bool, dismiss: bool, until: str | None) -> None:
    """With one name, options that act on a pair are refused, not ignored."""
    for given, option in ((message, "-m"), (draft, "--draft"), (dismiss, "--dismiss")):
        if given:
            raise InvalidInput(f"{option} needs two people", f"e.g. pln introduce Ana Ben {option}")
    if until:
        raise InvalidInput(
            "--until goes with --dismiss", "pln introduce A B --dismiss --until WHEN"
        )


def _suggest(
    app_: AppContext,
    for_: str | None,
    topic: str | None,
    include_following: bool,
    per_person: int,
    limit: int,
    json: bool,
) -> None:
    person = _person(app_, for_, write=False) if for_ else None
    focus = person.id if person else None
    book = _book(app_, include_following, focus)
    found = suggestions(book, focus=focus, topic=topic, per_person=per_person, limit=limit)
    if json:
        render.print_json([render_net.suggestion_json(s) for s in found])
        return
    why = None
    if not any(s.kind == "introduce" for s in found):
        why = intro_svc.why_none(app_.conn, book, found, focus=focus, topic=topic)
    render_net.show_suggestions(found, why=why, person=person)


def _one_pair(
    app_: AppContext,
    names: list[str],
    *,
    draft: bool,
    dismiss: bool,
    until: str | None,
    note: str,
    include_following: bool,
    json: bool,
) -> None:
    a, b = _person(app_, names[0]), _person(app_, names[1])
    if a.id == b.id:
        raise InvalidInput(f"cannot introduce {a.name} to themselves", "name two people")
    if until and not dismiss:
        raise InvalidInput(
            "--until goes with --dismiss", "pln introduce A B --dismiss --until WHEN"
        )
    if draft:
        messages = intro_svc.drafts(_book(app_, True, pair=(a, b)), a, b)
        if json:
            render.print_json([{"to": n, "message": m} for n, m in messages])
        else:
            render_net.show_drafts(messages)
        return
    if dismiss:
        day = parse.day(app_, until, "--until", "future") if until else None
        if day and day <= app_.today:
            raise InvalidInput(f"--until {until!r} is not in the future", "give a later date")
        with transaction(app_.conn):
            intro_svc.dismiss(app_.conn, a, b, until=day, now=app_.now)
        render.say(
            f"Will not suggest {a.name} + {b.name}"
            + (f" before {day.isoformat()}." if day else " again.")
        )
        return
    _introducible(app_, [a, b], include_following)
    with transaction(app_.conn):
        done = intro_svc.propose(
            app_.conn, _book(app_, True, pair=(a, b)), a, b, note=note, now=app_.now
        )
    _report_intro(done, json, "Recorded the introduction")


def _report_intro(done: intro_svc.Intro, json: bool, verb: str) -> None:
    if json:
        render.print_json(render_net.intro_json(done))
    else:
        render.say(f"{verb} of {done.a.name} and {done.b.name} ({done.state}).")


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

    A follow-up to chase the answer appears in `pln due` after a week.

    \b
      pln intro asked Ana Ben
    """
    app_ = state(ctx)
    with transaction(app_.conn):
        pa, pb = _person(app_, a), _person(app_, b)
        _introducible(app_, [pa, pb], include_following=False)
        done = intro_svc.mark_asked(
            app_.conn, _book(app_, True, pair=(pa, pb)), pa, pb, now=app_.now
        )
    _report_intro(done, json, f"Noted that {pa.name} was asked about the introduction")


@intro_app.command("made")
@guarded
def intro_made(ctx: typer.Context, a: PersonArg, b: PersonArg, json: JsonOpt = False) -> None:
    """Record that the introduction happened: tie, notes, an interaction, and a check-in.

    \b
      pln intro made Ana Ben
    """
    app_ = state(ctx)
    with transaction(app_.conn):
        done = intro_svc.mark_made(app_.conn, _person(app_, a), _person(app_, b), now=app_.now)
    if not done.asked:
        render.say("Note: neither side was recorded as asked first.", style="dim")
    _report_intro(done, json, "Made the introduction")
    render.say(f"A check-in follow-up is due in {intro_svc.CHECK_IN_DAYS} days.")


@intro_app.command("declined")
@guarded
def intro_declined(ctx: typer.Context, a: PersonArg, b: PersonArg, json: JsonOpt = False) -> None:
    """Record that someone declined: it will not be suggested again.

    \b
      pln intro declined Ana Ben
    """
    app_ = state(ctx)
    with transaction(app_.conn):
        done = intro_svc.mark_declined(app_.conn, _person(app_, a), _person(app_, b), now=app_.now)
    _report_intro(done, json, "Recorded the decline")


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
    app_ = state(ctx)
    with transaction(app_.conn):
        done = intro_svc.record_outcome(
            app_.conn, _person(app_, a), _person(app_, b), outcome, note=message, now=app_.now
        )
    _report_intro(done.after, json, f"Recorded the outcome ({outcome})")
    replaced = render_net.replaced_outcome(done)
    if replaced:
        render.say(replaced)


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
    rows = find_experts(app_.conn, text, synonyms=app_.settings.synonyms, limit=limit)
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
    app_ = state(ctx, creates=kind is not None)
    if kind is not None:
        if name is None:
            raise InvalidInput(
                "give the name of the topic, event or group", "see pln private --help"
            )
        with transaction(app_.conn):
            ties.set_private(app_.conn, kind, name, private=not off, now=app_.now)
        render.say(f"The {kind} {name!r} is {'usable as a reason again' if off else 'private'}.")
        return
    marks = ties.private_marks(app_.conn)
    if json:
        render.print_json([{"kind": k, "name": n} for k, n in marks])
    else:
        from ..tables import Table, emit

        table = Table("kind", "private")
        for k, n in marks:
            table.add_row(k, n)
        emit(table if marks else "Nothing is private.")
