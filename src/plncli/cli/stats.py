"""`pln stats`: the network's health on one screen (``stats.py`` defines every number).

Bars: on a terminal whose output is UTF-8, blocks (``█`` with eighths, ``▏``…``▉``);
in a pipe, a file or any other encoding, ASCII ``#`` (a whole number of them), so the
output stays plain text for grep and for any terminal.
"""

from datetime import date, timedelta
from typing import Annotated, Any

import typer

from .. import render
from .. import stats as svc
from ..commands import stats as cmd
from ..context import AppContext
from ..dates import DateError, humanize_day, parse_interval, parse_partial_day, say_every
from ..errors import InvalidInput
from ..render_net import EVIDENCE_WORDS
from ..tables import Block, Cell, Table, _styled_wanted, emit
from .base import JsonOpt, command, state
from .people import CircleOpt

BAR = 40  # columns of the longest bar
SHOWN = 10  # rows of each list on screen (--json has them all)
_EIGHTHS = " ▏▎▍▌▋▊▉"
_SINCE_HINT = (
    "give a day (2026-09-01, 3 months ago, 2019) or a length back from today (90d, 6m, 1y)"
)


@command("stats")
def stats(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="The period: a day (2026-09-01, 3 months ago) or a length (90d, 6m); default 90d.",
            show_default=False,
        ),
    ] = None,
    circle: CircleOpt = None,
    topic: Annotated[
        str | None,
        typer.Option("--topic", help="Only people with this topic.", show_default=False),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help="One relationship's rhythm.", show_default=False),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Your network's health: who is active, due or dormant, rhythm, gaps, events, intros.

    \b
      pln stats
      pln stats --since 6m --circle network
      pln stats --topic assessment --json
      pln stats --person Ana     (one relationship's rhythm)
    """
    app_ = state(ctx)
    if person is not None:
        if since is not None or circle is not None or topic is not None:
            raise InvalidInput(
                "--person draws one relationship: it takes no --since, --circle or --topic",
                "leave them out, or leave out --person",
            )
        one = cmd.person(app_, person)
        render.notice(one.person)
        if json:
            render.print_json(person_json(one))
        else:
            show_person(one, today=app_.today)
        return
    found = cmd.network(
        app_,
        since=since_day(app_, since),
        circle=circle.value if circle else None,
        topic=topic,
    )
    if json:
        render.print_json(as_json(found))
    else:
        show(found)


def since_day(app: AppContext, text: str | None) -> date | None:
    """--since as typed: a length back from today (90d, 6m) or a day (today or earlier)."""
    if text is None:
        return None
    try:
        return parse_interval(text).add_to(app.today, -1)
    except DateError:
        pass
    try:
        day, _ = parse_partial_day(text, today=app.today, dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"--since: {exc}", _SINCE_HINT) from None
    if day.year < 1900:
        raise InvalidInput(f"--since {text!r} is too far back", "give a day from 1900 on")
    return day


# ---- JSON ---------------------------------------------------------------------------------


def as_json(s: svc.Stats) -> dict[str, Any]:
    """``pln stats --json`` (the README's JSON output section)."""
    return {
        "period": {
            "since": s.period.since.isoformat(),
            "today": s.period.today.isoformat(),
            "previous_since": s.period.previous.isoformat(),
        },
        "circles": [
            {"circle": c.circle, **c.now._asdict(), "then": c.then._asdict()} for c in s.circles
        ],
        "owed": s.owed._asdict(),
        "rhythm": [m._asdict() for m in s.rhythm],
        "gaps": {
            "sought_not_offered": [g._asdict() for g in s.gaps],
            "one_contact": [
                {"topic": t.topic, "person": {"id": t.person.id, "name": t.person.name}}
                for t in s.thin
            ],
        },
        "events": [
            {**e._asdict(), "on": None if e.on is None else e.on.isoformat()} for e in s.events
        ],
        "introductions": {
            **{k: v for k, v in s.intros._asdict().items() if k != "evidence"},
            "evidence": [e._asdict() for e in s.intros.evidence],
        },
    }


def person_json(s: svc.PersonStats) -> dict[str, Any]:
    return {
        "person": {"id": s.person.id, "name": s.person.name},
        "circle": s.circle,
        "cadence": s.cadence,
        "band": s.band,
        "last_contact": None if s.last_contact is None else s.last_contact.isoformat(),
        "rhythm": [m._asdict() for m in s.rhythm],
    }


# ---- the screen ---------------------------------------------------------------------------


def _trend(now: int, then: int) -> str:
    change = now - then
    return str(now) if change == 0 else f"{now} ({change:+d})"


def show(s: svc.Stats) -> None:
    p = s.period
    span = (  # --since today: today against the day before
        "contacted: today against the day before"
        if p.days == 1
        else f"contacted: the {render.number_of(p.days, 'day', 'days')} from {p.since}"
        f" against the {p.days:,} before"
    )
    blocks: list[Block] = [
        (f"People, and the change since {p.since - timedelta(days=1)} ({span})", "bold"),
        _circle_table(s.circles),
        _owed_line(s.owed),
        "",
        ("Contact rhythm: interactions per month", "bold"),
        _bars(s.rhythm),
        "",
        *_gap_blocks(s),
        *_event_blocks(s),
        *_intro_blocks(s.intros),
    ]
    emit(*blocks)


def _circle_table(circles: list[svc.CircleStats]) -> Table:
    table = Table("circle", "people", "active", "due", "dormant", "no cadence", "contacted")
    for c in circles:
        cells = [_trend(n, t) for n, t in zip(c.now, c.then, strict=True)]
        name: Cell = (c.circle, "bold") if c.circle == "all" else c.circle
        table.add_row(name, *cells)
    return table


def _owed_line(o: svc.Owed) -> Block:
    return (
        f"Owed now (pln due): {render.number_of(o.follow_ups, 'follow-up', 'follow-ups')},"
        f" {render.number_of(o.first_contacts, 'first contact', 'first contacts')},"
        f" {render.number_of(o.reconnects, 'reconnect', 'reconnects')}",
        "dim",
    )


def _blocks_wanted() -> bool:
    import sys

    return _styled_wanted(sys.stdout) and render._unicode_out()


def bar(n: int, most: int, *, blocks: bool) -> str:
    """A bar ``n`` long on a scale where ``most`` is BAR columns (at least a sliver for
    any n > 0): blocks with eighths, or whole ``#``s."""
    if n <= 0 or most <= 0:
        return ""
    if not blocks:
        return "#" * max(1, round(n * BAR / most))
    eighths = max(1, round(n * BAR * 8 / most))
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def _bars(months: list[svc.Month]) -> Table:
    most = max((m.interactions for m in months), default=0)
    blocks = _blocks_wanted()
    table = Table("month", "", "interactions", header=False)
    for m in months:
        label = date.fromisoformat(m.month + "-01").strftime("%b %Y")
        table.add_row(
            label, (bar(m.interactions, most, blocks=blocks), "cyan"), str(m.interactions)
        )
    return table


def _more(n: int) -> list[Block]:
    return [(f"... and {n} more; --json lists them all", "dim")] if n > 0 else []


def _gap_blocks(s: svc.Stats) -> list[Block]:
    blocks: list[Block] = [("Knowledge gaps", "bold")]
    if not s.gaps and not s.thin:
        return [
            *blocks,
            "None: every need is offered by someone; no topic you log rests on one contact.",
            "",
        ]
    if s.gaps:
        table = Table("sought, offered by no one", "people seeking it")
        for g in s.gaps[:SHOWN]:
            table.add_row(g.topic, str(g.seekers))
        blocks += [table, *_more(len(s.gaps) - SHOWN)]
    if s.thin:
        table = Table("you work on it with one contact only", "contact")
        for t in s.thin[:SHOWN]:
            table.add_row(t.topic, t.person.name)
        blocks += [table, *_more(len(s.thin) - SHOWN)]
    return [*blocks, ""]


def _event_blocks(s: svc.Stats) -> list[Block]:
    title = ("Events: people met, followed up within a week, never followed up", "bold")
    if not s.events:
        return [
            title,
            "No one met at an event" + (" in the period." if s.period.given else "."),
            "",
        ]
    table = Table("date", "event", "met", "within a week", "never")
    for e in s.events[:SHOWN]:
        never: Cell = (str(e.never), "yellow") if e.never else "0"
        table.add_row(
            e.on.isoformat() if e.on else "", e.name, str(e.met), str(e.within_week), never
        )
    return [title, table, *_more(len(s.events) - SHOWN), ""]


def _intro_blocks(f: svc.Funnel) -> list[Block]:
    arrow = " → " if render._unicode_out() else " -> "
    stages = arrow.join(
        f"{n} {word}"
        for n, word in (
            (f.proposed, "proposed"),
            (f.asked, "asked"),
            (f.made, "made"),
            (f.connected, "connected"),
        )
    )
    blocks: list[Block] = [
        ("Introductions", "bold"),
        f"{stages} ({f.declined} declined, {f.nothing} made with nothing coming of it)",
    ]
    if f.evidence:
        table = Table("evidence", "connected")
        for e in f.evidence:
            table.add_row(EVIDENCE_WORDS.get(e.kind, e.kind), f"{e.connected} of {e.made}")
        blocks.append(table)
    return blocks


# ---- one relationship ---------------------------------------------------------------------

BAND_WORDS = {
    "active": "active: within their cadence",
    "due": "due: past their cadence",
    "dormant": "dormant: more than twice past their cadence",
    "no_cadence": "on no cadence",
}


def show_person(s: svc.PersonStats, *, today: date) -> None:
    rhythm = say_every(s.cadence) if s.cadence and s.cadence != "never" else ""
    last = humanize_day(s.last_contact, today=today) if s.last_contact else "never"
    about = ", ".join(x for x in (s.circle, rhythm, f"last contact {last}") if x)
    emit(
        (f"{s.person.name} (#{s.person.id})", "bold"),
        f"{about}; {BAND_WORDS[s.band]}",
        "",
        ("Contact rhythm: interactions per month", "bold"),
        _bars(s.rhythm),
    )
