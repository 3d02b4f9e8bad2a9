"""The read commands people run all day (due, list, show, find), free of Typer.

Both the Typer commands and the fast path (``fast.py``) call these, so the two
ways in cannot drift apart: they differ only in how the arguments are parsed.
"""

from . import render
from .context import AppContext
from .dates import DateError, parse_interval
from .db import EmptyBook, to_db_time
from .due import RECENT_DAYS, DueItem, first_due, load_due_inputs, load_due_readings
from .errors import InvalidInput
from .resolve import resolve

DUE_SHOWN = 30  # rows of the human `pln due` unless --limit says otherwise


def run_due(
    app: AppContext,
    *,
    within: str | None,
    circle: str | None,
    topic: str | None,
    limit: int | None,
    json: bool,
) -> None:
    horizon = app.today
    if within:
        try:
            horizon = parse_interval(within).add_to(app.today)
        except DateError as exc:
            raise InvalidInput(f"--within: {exc}") from None
    s = app.settings
    people, followups = load_due_inputs(
        app.conn,
        horizon=horizon,
        cadences=s.cadence,
        first_contact_days=s.first_contact_days,
        circle=circle,
        topic=topic,
        synonyms=s.synonyms,
    )
    if limit is None and not json:
        limit = DUE_SHOWN
    shown, total = first_due(
        people,
        followups,
        today=app.today,
        horizon=horizon,
        cadences=s.cadence,
        first_contact_days=s.first_contact_days,
        limit=limit or None,
        # a group's reading is no one person's: left out when people are filtered
        readings=None if circle or topic else load_due_readings(app.conn, horizon=horizon),
    )
    shown = _with_share_hints(app, shown)
    if json:
        render.print_json([render.due_json(i) for i in shown])
    elif total or not isinstance(app.conn, EmptyBook):
        render.show_due(shown, today=app.today, more=total - len(shown))
    # else: no book yet; its note says how to start ("in good shape" would be untrue)


def _with_share_hints(app: AppContext, shown: list[DueItem]) -> list[DueItem]:
    """Reconnects shown get a resource added lately on one of their topics, if there is one
    (``resources.share_hints``); a book with no recent resource pays one small query."""
    from datetime import timedelta

    from .store.resources import recent_topics

    since = to_db_time(app.now - timedelta(days=RECENT_DAYS))
    people = [i.person for i in shown if i.kind == "reconnect"]
    if not people or not recent_topics(app.conn, since=since):
        return shown
    from .sharing import share_hints

    hints = share_hints(app.conn, people, now=app.now, synonyms=app.settings.synonyms)
    return [
        i._replace(
            share=(hints[i.person.id].id, hints[i.person.id].title),
            reason=f"{i.reason}; share {hints[i.person.id].title}?",
        )
        if i.kind == "reconnect" and i.person.id in hints
        else i
        for i in shown
    ]


def run_list(
    app: AppContext, *, filters: dict[str, str | None], sort: str, archived: bool, json: bool
) -> None:
    from . import views  # not loaded by `pln due`

    if sort not in views.SORTS:
        raise InvalidInput(f"--sort {sort!r} is not known", "use name, last-contact or added")
    kinds = None if json else ("topic",)  # the table shows topics only
    rows = views.list_people(
        app.conn,
        filters=filters,
        sort=sort,
        archived=archived,
        kinds=kinds,
        synonyms=app.settings.synonyms,
    )
    if json:
        render.print_json([render.person_json(r) for r in rows])
    else:
        render.show_people(rows, today=app.today)


def run_show(app: AppContext, person: str, *, all_: bool, json: bool) -> None:
    from . import views  # not loaded by `pln due`

    ref = resolve(app.conn, person, archived=True)
    render.notice(ref)
    prof = views.profile(app.conn, ref, limit=None if all_ or json else 20)
    if json:
        render.print_json(render.profile_json(prof))
    else:
        render.show_profile(prof, today=app.today)


def run_find(app: AppContext, text: str, *, limit: int, archived: bool, json: bool) -> None:
    from . import views  # not loaded by `pln due`

    hits = views.find(app.conn, text, limit=limit, archived=archived)
    if json:
        render.print_json([render.hit_json(h) for h in hits])
    else:
        render.show_hits(hits)


def run_share(
    app: AppContext, resource: str, *, circle: str | None, limit: int, json: bool
) -> None:
    """`pln share RESOURCE`: who it would help, best first, with the reasons."""
    from . import render_res
    from .commands import resources

    found = resources.suggest(app, resource, circle=circle, limit=limit)
    if json:
        render.print_json([render_res.candidate_json(c) for c in found.people])
    else:
        render_res.show_candidates(found.resource, found.topics, found.people, today=app.today)
