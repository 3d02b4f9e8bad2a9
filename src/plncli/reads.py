"""The read commands people run all day (due, list, show, find), free of Typer.

Both the Typer commands and the fast path (``fast.py``) call these, so the two
ways in cannot drift apart: they differ only in how the arguments are parsed.
"""

from . import render
from .context import AppContext
from .dates import DateError, parse_interval
from .db import EmptyBook
from .due import due_where, first_due, load_birthdays, load_due_inputs
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
    where = due_where(app.conn, circle=circle, topic=topic, synonyms=s.synonyms)
    people, followups = load_due_inputs(
        app.conn,
        horizon=horizon,
        cadences=s.cadence,
        first_contact_days=s.first_contact_days,
        where=where,
    )
    # birthdays: with --within (config: birthdays = "within", the default), or always
    wanted = s.birthdays == "always" or (s.birthdays == "within" and within)
    birthdays = load_birthdays(app.conn, where, start=app.today, end=horizon) if wanted else []
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
        birthdays=birthdays,
    )
    if json:
        render.print_json([render.due_json(i) for i in shown])
    elif total or not isinstance(app.conn, EmptyBook):
        render.show_due(shown, today=app.today, more=total - len(shown))
    # else: no book yet; its note says how to start ("in good shape" would be untrue)


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
