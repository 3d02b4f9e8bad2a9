"""People commands: add, edit, show, list, events, find, archive, restore."""

import sys
from datetime import date
from typing import Annotated

import typer

from .. import reads, render
from ..commands import events as event_cmd
from ..commands import people as cmd
from ..dates import humanize_day
from ..errors import Conflict, InvalidInput
from ..people import Kept, PersonInput
from ..resolve import PersonRef
from ..text import attr_key
from . import parse
from .base import JsonOpt, command, state

One = Annotated[str | None, typer.Option(show_default=False)]

EmailOpt = Annotated[
    list[str] | None, typer.Option("--email", help="Email address.", show_default=False)
]
PhoneOpt = Annotated[
    list[str] | None, typer.Option("--phone", help="Phone number.", show_default=False)
]
LinkOpt = Annotated[
    list[str] | None, typer.Option("--link", help="Web page or handle.", show_default=False)
]
TopicOpt = Annotated[
    list[str] | None, typer.Option("--topic", help="Interest (repeatable).", show_default=False)
]
OffersOpt = Annotated[
    list[str] | None,
    typer.Option("--offers", help="Expertise they can give (repeatable).", show_default=False),
]
SeeksOpt = Annotated[
    list[str] | None,
    typer.Option("--seeks", help="What they are looking for (repeatable).", show_default=False),
]
RoleTagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--role-tag", help="mentor, mentee, sponsor, collaborator, expert, ...", show_default=False
    ),
]
OrgOpt = Annotated[str | None, typer.Option("--org", help="Organisation.", show_default=False)]
RoleOpt = Annotated[str | None, typer.Option("--role", help="Job title.", show_default=False)]
LocationOpt = Annotated[
    str | None, typer.Option("--location", help="Town or region.", show_default=False)
]
CircleOpt = Annotated[
    parse.Circle | None,
    typer.Option(
        "--circle",
        help="colleague, network or following.",
        show_default=False,
        case_sensitive=False,
    ),
]
EveryOpt = Annotated[
    str | None,
    typer.Option(
        "--every", help="Keep-in-touch cadence: 30d, 2w, 3 months, never.", show_default=False
    ),
]
MetAtOpt = Annotated[
    str | None,
    typer.Option("--met-at", help="Event where you met (created if new).", show_default=False),
]
OnOpt = Annotated[
    str | None, typer.Option("--on", help="When you met (default today).", show_default=False)
]
IntroOpt = Annotated[
    str | None,
    typer.Option("--introduced-by", help="PERSON who introduced you.", show_default=False),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Free-text note.", show_default=False)]
BirthdayOpt = Annotated[
    str | None,
    typer.Option(
        "--birthday",
        help="Birthday: YYYY-MM-DD, or --MM-DD / MM-DD without the year.",
        show_default=False,
    ),
]

LIST_OPTS = {
    "email": "email",
    "phone": "phone",
    "link": "link",
    "topic": "topic",
    "offers": "offers",
    "seeks": "seeks",
    "role_tag": "role",
}
# a list kind -> its option's name ("role" -> "role-tag"), for the messages about it
OPTION_OF = {kind: name.replace("_", "-") for name, kind in LIST_OPTS.items()}


def _lists(**values: list[str] | None) -> dict[str, list[str]]:
    """The list options given, empty values left out: `--topic ""` is an empty list (for
    `pln edit`, the rule for every option: an empty value clears what it names)."""
    return {LIST_OPTS[k]: [x for x in v if x.strip()] for k, v in values.items() if v}


def _given_once(*given: tuple[str, dict[str, list[str]]]) -> list[str]:
    """The notes to say when a list value is given twice (`--topic Café --topic cafe`: one
    topic once case, accents and spacing are folded): the book keeps the first, and says
    so rather than drop the other unsaid. ``given``: (the options' prefix, "" or "add-",
    and their values by kind)."""
    seen: dict[tuple[str, str], str] = {}
    notes = []
    for prefix, values in given:
        for kind, texts in values.items():
            option = OPTION_OF[kind]
            what = {"offers": "offer", "seeks": "need"}.get(kind, option.replace("-", " "))
            for text in texts:
                key = (kind, attr_key(kind, text))
                if key not in seen:
                    seen[key] = text
                    continue
                first = seen[key]
                same = f"is the same {what} as {first!r}" if first != text else "is given twice"
                notes.append(f"note: --{prefix}{option} {text!r} {same}: kept once")
    return notes


def _not_both(removes: dict[str, list[str]], *given: tuple[str, dict[str, list[str]]]) -> None:
    """A value both set or added and removed in one edit is refused (exit 2): which one
    was meant cannot be told (`--add-topic z --remove-topic z` said "Updated" and wrote a
    change that changed nothing; with a topic the person had, it was removed)."""
    for kind, values in removes.items():
        gone = {attr_key(kind, v): v for v in values}
        for prefix, lists in given:
            for text in lists.get(kind, []):
                if attr_key(kind, text) in gone:
                    option = OPTION_OF[kind]
                    raise InvalidInput(
                        f"--{prefix}{option} and --remove-{option} both name {text!r}",
                        "give it to one of them",
                    )


def _no_empty(option: str, values: dict[str, list[str]]) -> None:
    for kind, kept in values.items():
        if not kept:
            name = OPTION_OF[kind]
            raise InvalidInput(
                f"--{option}-{name} needs a value",
                f'to clear the whole list use --{name} ""',
            )


@command("add")
def add(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None,
        typer.Argument(help="One or more names; all get the options below.", show_default=False),
    ] = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    org: OrgOpt = None,
    role: RoleOpt = None,
    location: LocationOpt = None,
    link: LinkOpt = None,
    circle: CircleOpt = None,
    every: EveryOpt = None,
    topic: TopicOpt = None,
    offers: OffersOpt = None,
    seeks: SeeksOpt = None,
    role_tag: RoleTagOpt = None,
    met_at: MetAtOpt = None,
    on: OnOpt = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place",
            help="With --met-at: where the event was (fills a place it does not have yet).",
            show_default=False,
        ),
    ] = None,
    introduced_by: IntroOpt = None,
    note: NoteOpt = None,
    birthday: BirthdayOpt = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up", help="Create a first follow-up, e.g. 'in 3 days'.", show_default=False
        ),
    ] = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate", help="Add even if someone with this name or email exists."
        ),
    ] = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="Ask for business cards one at a time, each saved when finished"
            " (the default on a terminal when no NAME is given).",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Add one or more people: everyone you met at a conference in one go.

    \b
      pln add "Ana Ruiz" "Ben Okafor" --met-at "researchED 2026" --follow-up "in 3 days"
      pln add "Carla Diaz" --circle colleague --topic assessment --offers "retrieval practice"
      pln add --met-at "TeachMeet North"      (asks for one business card at a time)
    """
    app = state(ctx, creates=True)
    met = parse.met_day(app, on) if on else None
    lists = _lists(
        email=email,
        phone=phone,
        link=link,
        topic=topic,
        offers=offers,
        seeks=seeks,
        role_tag=role_tag,
    )
    twice = _given_once(("", lists))
    data = cmd.person_input(
        lists=lists,
        scalars={"org": org, "role": role, "location": location},
        circle=circle.value if circle else None,
        cadence=parse.cadence(every),
        met_at=met_at,
        met=met,
        place=place,
        note=note,
        birthday=parse.birthday(app, birthday) if birthday and birthday.strip() else None,
    )
    due = parse.followup_day(app, follow_up, "--follow-up") if follow_up else None
    cards = _ask_cards if not names and (interactive or sys.stdin.isatty()) else None
    done = cmd.add(
        app,
        names or [],
        data,
        due=due,
        introduced_by=introduced_by,
        allow_duplicate=allow_duplicate,
        confirm=parse.ask,
        cards=cards,
    )
    if cards is not None and not done.people:
        render.say("No one added.")
        if json:
            render.print_json([])
        return
    _report_added(done, app.today, json)
    for line in twice:
        render.say(line)


def _ask_cards(
    data: PersonInput, duplicate: cmd.FindDuplicate, save: cmd.SaveCard
) -> list[PersonRef]:
    """Business cards typed one at a time (`pln add` with no NAME, on a terminal)."""
    from .prompt import Session, ask_cards

    session = Session()

    def save_or_say(name: str, card: PersonInput, confirmed: bool) -> PersonRef | None:
        try:
            return save(name, card, confirmed)
        except Conflict as exc:
            render.say(f"  not saved: {exc.message}")
            return None

    try:
        ask_cards(data, session, duplicate, save_or_say)
    except KeyboardInterrupt:
        _report_interrupted(session.added, session.typing)
        sys.exit(130)
    return session.added


def _report_interrupted(added: list[PersonRef], typing: str | None) -> None:
    saved = ", ".join(f"{p.name} (#{p.id})" for p in added)
    render.say(
        f"Interrupted. Added {len(added)}: {saved}." if added else "Interrupted. No one was added."
    )
    if typing:
        render.say(f"Not added: the card for {typing!r} that was being typed.")


def _report_added(done: cmd.Added, today: date, json: bool) -> None:
    if json:
        render.print_json(
            [
                {
                    **render.ref_json(p),
                    "followup_id": done.followup_ids[i] if done.followup_ids else None,
                }
                for i, p in enumerate(done.people)
            ]
        )
        return
    who = ", ".join(f"{p.name} (#{p.id})" for p in done.people)
    render.say(f"Added {who}.")
    if done.due:
        render.say(f"Follow-up due {done.due.isoformat()} ({humanize_day(done.due, today=today)}).")


@command("edit")
def edit(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="PERSON: name, prefix or #id.")],
    name: Annotated[
        str | None, typer.Option("--name", help="New name.", show_default=False)
    ] = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    org: OrgOpt = None,
    role: RoleOpt = None,
    location: LocationOpt = None,
    link: LinkOpt = None,
    circle: CircleOpt = None,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Cadence: 30d, 2w, 3 months, never, or default (the circle's).",
            show_default=False,
        ),
    ] = None,
    topic: TopicOpt = None,
    offers: OffersOpt = None,
    seeks: SeeksOpt = None,
    role_tag: RoleTagOpt = None,
    add_email: Annotated[
        list[str] | None,
        typer.Option(help="Add to the emails (repeatable).", show_default=False),
    ] = None,
    remove_email: Annotated[
        list[str] | None,
        typer.Option(
            help="Remove an email address from the list (repeatable).", show_default=False
        ),
    ] = None,
    add_phone: Annotated[
        list[str] | None,
        typer.Option(help="Add to the phones (repeatable).", show_default=False),
    ] = None,
    remove_phone: Annotated[
        list[str] | None,
        typer.Option(help="Remove one of the phones (repeatable).", show_default=False),
    ] = None,
    add_link: Annotated[
        list[str] | None,
        typer.Option(help="Add to the links (repeatable).", show_default=False),
    ] = None,
    remove_link: Annotated[
        list[str] | None,
        typer.Option(
            help="Remove a web page or handle from the list (repeatable).", show_default=False
        ),
    ] = None,
    add_topic: Annotated[
        list[str] | None,
        typer.Option(help="Add to the topics (repeatable).", show_default=False),
    ] = None,
    remove_topic: Annotated[
        list[str] | None,
        typer.Option(help="Remove one of the topics (repeatable).", show_default=False),
    ] = None,
    add_offers: Annotated[
        list[str] | None,
        typer.Option(help="Add to the offers (repeatable).", show_default=False),
    ] = None,
    remove_offers: Annotated[
        list[str] | None,
        typer.Option(
            help="Remove an offer (expertise) from the list (repeatable).", show_default=False
        ),
    ] = None,
    add_seeks: Annotated[
        list[str] | None,
        typer.Option(
            help="Add a need (what they look for) to the list (repeatable).", show_default=False
        ),
    ] = None,
    remove_seeks: Annotated[
        list[str] | None,
        typer.Option(
            help="Remove a need (what they look for) from the list (repeatable).",
            show_default=False,
        ),
    ] = None,
    add_role_tag: Annotated[
        list[str] | None,
        typer.Option(help="Add to the role tags (repeatable).", show_default=False),
    ] = None,
    remove_role_tag: Annotated[
        list[str] | None,
        typer.Option(help="Remove one of the role tags (repeatable).", show_default=False),
    ] = None,
    met_at: MetAtOpt = None,
    on: OnOpt = None,
    introduced_by: IntroOpt = None,
    note: NoteOpt = None,
    birthday: Annotated[
        str | None,
        typer.Option(
            "--birthday",
            help='Birthday: YYYY-MM-DD, or --MM-DD / MM-DD without the year ("" clears it).',
            show_default=False,
        ),
    ] = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Rename to a name, or give an email, that someone else already has.",
        ),
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Change someone's details. --topic etc. replace a list; --add-topic/--remove-topic edit it.

    An empty value clears what the option names (--org "", --on ""); a value both given
    and removed is refused.

    \b
      pln edit Ana --org "Hillside Trust" --add-topic oracy
      pln edit "#12" --every 30d --remove-seeks "Y7 transition"
      pln edit Ana --org ""        (clears the organisation)
    """
    app = state(ctx)
    replace = _lists(
        email=email,
        phone=phone,
        link=link,
        topic=topic,
        offers=offers,
        seeks=seeks,
        role_tag=role_tag,
    )
    adds = _lists(
        email=add_email,
        phone=add_phone,
        link=add_link,
        topic=add_topic,
        offers=add_offers,
        seeks=add_seeks,
        role_tag=add_role_tag,
    )
    removes = _lists(
        email=remove_email,
        phone=remove_phone,
        link=remove_link,
        topic=remove_topic,
        offers=remove_offers,
        seeks=remove_seeks,
        role_tag=remove_role_tag,
    )
    _no_empty("add", adds)
    _no_empty("remove", removes)
    twice = _given_once(("", replace), ("add-", adds))
    _not_both(removes, ("", replace), ("add-", adds))
    scalars: dict[str, str | None] = {
        k: v for k, v in {"org": org, "role": role, "location": location}.items() if v is not None
    }
    met = parse.met_day(app, on) if on and on.strip() else None
    done = cmd.edit(
        app,
        person,
        PersonInput(
            scalars=scalars,
            circle=circle.value if circle else None,
            met_at=met_at,
            met_on=met[0] if met else None,
            met_on_precision=met[1] if met else None,
            note=note,
            name=name,
            replace=replace,
            lists=adds,
            remove=removes,
            birthday=parse.birthday(app, birthday) if birthday and birthday.strip() else None,
            clear_birthday=birthday is not None and not birthday.strip(),
            clear_met_on=on is not None and not on.strip(),
        ),
        every=every,
        met_given=on is not None,
        introduced_by=introduced_by,
        allow_duplicate=allow_duplicate,
        confirm=parse.ask,
        with_profile=json,
    )
    if done.profile is not None:
        render.print_json(render.profile_json(done.profile))
    elif done.changed:
        render.say(f"Updated {done.person.name} (#{done.person.id}).")
    else:
        render.say(
            f"Nothing changed: {done.person.name} (#{done.person.id}) already has what was given."
        )
    for line in [*twice, *_kept_notes(done.kept)]:
        render.say(line)


def _kept_notes(kept: list[Kept]) -> list[str]:
    """What `--add-topic cafe` did when the person has "Café" (nothing: it is there), and
    what `--remove-topic cafe` removed ("Café"): the value stored, not the one typed."""
    notes = []
    for k in kept:
        option = f"--{k.action}-{OPTION_OF[k.kind]}"
        if k.action == "remove":
            if k.stored != k.given:
                notes.append(f"note: {option} {k.given!r} removed {k.stored!r}")
        elif k.stored != k.given:
            notes.append(
                f"note: {option} {k.given!r} is already there as {k.stored!r}: kept as it was"
            )
        else:
            notes.append(f"note: {option} {k.given!r} is already there: nothing added")
    return notes


@command("show")
def show(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="PERSON: name, prefix or #id.")],
    all_: Annotated[
        bool, typer.Option("--all", help="Show the whole timeline, not the last 20.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Show someone's profile, open follow-ups and timeline of interactions.

    \b
      pln show Ana
      pln show "#12" --json
    """
    reads.run_show(state(ctx), person, all_=all_, json=json)


@command("list")
def list_(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Option("--topic", help="Has this topic (or offers/seeks it).", show_default=False),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="Organisation contains this text.", show_default=False),
    ] = None,
    circle: CircleOpt = None,
    met_at: Annotated[
        str | None, typer.Option("--met-at", help="Met at this event.", show_default=False)
    ] = None,
    role_tag: Annotated[
        str | None, typer.Option("--role-tag", help="Has this role tag.", show_default=False)
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort", help="name, last-contact (longest ago first) or added (newest first)."
        ),
    ] = "name",
    archived: Annotated[
        bool, typer.Option("--archived", help="List archived people instead.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """List people, with filters.

    \b
      pln list --topic assessment --circle network
      pln list --sort last-contact
      pln list --met-at "researchED 2026" --json
    """
    filters = {
        "topic": topic,
        "org": org,
        "circle": circle.value if circle else None,
        "met_at": met_at,
        "role_tag": role_tag,
    }
    reads.run_list(state(ctx), filters=filters, sort=sort, archived=archived, json=json)


@command("events")
def events(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List events, who you met there, and how many have had no contact since.

    \b
      pln events
    """
    app = state(ctx)
    rows = event_cmd.listed(app)
    app.page()
    if json:
        render.print_json([render.event_json(e) for e in rows])
    else:
        render.show_events(rows, today=app.today)


@command("find")
def find(
    ctx: typer.Context,
    text: Annotated[list[str], typer.Argument(help="Words to look for (prefixes match).")],
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 20,
    archived: Annotated[bool, typer.Option("--archived", help="Include archived people.")] = False,
    json: JsonOpt = False,
) -> None:
    """Search names, organisations, topics, notes and interaction notes; best first.

    \b
      pln find retrieval
      pln find "quiz design" --json
    """
    reads.run_find(state(ctx), " ".join(text), limit=limit, archived=archived, json=json)


def _set_archived(ctx: typer.Context, person: str, archived: bool) -> None:
    done = cmd.set_archived(state(ctx), person, archived, confirm=parse.ask)
    verb = "Archived" if archived else "Restored"
    render.say(f"{verb} {done.person.name} (#{done.person.id}).")


@command("archive")
def archive(ctx: typer.Context, person: Annotated[str, typer.Argument(help="PERSON.")]) -> None:
    """Archive someone: gone from lists and `pln due`, nothing lost.

    \b
      pln archive "Ben Okafor"
      pln restore "Ben Okafor"      (undoes it)
    """
    _set_archived(ctx, person, True)


@command("restore")
def restore(
    ctx: typer.Context, person: Annotated[str, typer.Argument(help="PERSON (archived).")]
) -> None:
    """Bring an archived person back, with everything they had.

    \b
      pln restore "Ben Okafor"
    """
    _set_archived(ctx, person, False)
