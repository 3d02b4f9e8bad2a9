"""The read commands people run all day (due, list, show, find), free of Typer.

Both the Typer commands and the fast path (``fast.py``) call these, so the two
ways in cannot drift apart: they differ only in how the arguments are parsed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from . import render
from .context import AppContext
from .dates import DateError, parse_interval
from .db import EmptyBook, to_db_time
from .errors import InvalidInput
from .lean import TYPE_CHECKING

if TYPE_CHECKING:  # `pln list` loads neither (~1.5 ms of a fresh process)
    from .due import DueItem
    from .resolve import PersonRef

DUE_SHOWN = 30  # rows of the human `pln due` unless --limit says otherwise


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """`pln due` and `pln list` make tens of thousands of tuples and strings, none of them
    garbage and none in a cycle: the cycle collector would only walk them again and again
    (as in ``fast_intro``)."""
    import gc

    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


HINTED = 30  # reconnects that may get a resource to share (`sharing.share_hints`)


def run_due(
    app: AppContext,
    *,
    within: str | None,
    circle: str | None,
    topic: str | None,
    limit: int | None,
    json: bool,
) -> None:
    with _no_cycle_collection():
        _due(app, within=within, circle=circle, topic=topic, limit=limit, json=json)


def _due(
    app: AppContext,
    *,
    within: str | None,
    circle: str | None,
    topic: str | None,
    limit: int | None,
    json: bool,
) -> None:
    from .due import (
        due_where,
        first_due,
        load_birthdays,
        load_due_inputs,
        load_due_readings,
        ranked_due,
    )

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
    app.page()
    # birthdays: with --within (config: birthdays = "within", the default), or always
    wanted = s.birthdays == "always" or (s.birthdays == "within" and within)
    birthdays = load_birthdays(app.conn, where, start=app.today, end=horizon) if wanted else []
    # a group's reading is no one person's: left out when people are filtered
    readings = None if circle or topic else load_due_readings(app.conn, horizon=horizon)
    if json:
        ranked = ranked_due(
            people,
            followups,
            today=app.today,
            horizon=horizon,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
            readings=readings,
            birthdays=birthdays,
        )
        ranked = ranked[:limit] if limit else ranked
        # every item, in words, written straight out (render.print_due_json)
        hinted = [r[2] for r in ranked if r[1] == "reconnect"][:HINTED]
        shares = _share_hints(app, hinted)
        render.print_due_json(ranked, today=app.today, shares=shares)
        return
    shown, total = first_due(
        people,
        followups,
        today=app.today,
        horizon=horizon,
        cadences=s.cadence,
        first_contact_days=s.first_contact_days,
        limit=DUE_SHOWN if limit is None else limit or None,
        readings=readings,
        birthdays=birthdays,
    )
    shown = _with_share_hints(app, shown)
    if total or not isinstance(app.conn, EmptyBook):
        render.show_due(shown, today=app.today, more=total - len(shown))
    # else: no book yet; its note says how to start ("in good shape" would be untrue)


def _share_hints(app: AppContext, people: list[PersonRef]) -> dict[int, tuple[int, str]]:
    """A resource added lately on one of their topics, as (id, title), for those of ``people``
    it suits (``sharing.share_hints``); a book with no recent resource pays one small query,
    which the hints then use rather than read again."""
    if not people:
        return {}
    from datetime import timedelta

    from .due import RECENT_DAYS
    from .store.resources import recent_topics

    since = to_db_time(app.now - timedelta(days=RECENT_DAYS))
    recent = recent_topics(app.conn, since=since)
    if not recent:
        return {}
    from .sharing import share_hints

    return share_hints(app.conn, people, now=app.now, synonyms=app.settings.synonyms, recent=recent)


def _with_share_hints(app: AppContext, shown: list[DueItem]) -> list[DueItem]:
    """The first ``HINTED`` reconnects shown get a resource added lately on one of their
    topics, if there is one (``_share_hints``)."""
    # the most urgent reconnects only: `due --json` lists thousands on a large book
    hints = _share_hints(app, [i.person for i in shown if i.kind == "reconnect"][:HINTED])
    if not hints:
        return shown
    return [
        i._replace(
            share=hints[i.person.id],
            reason=f"{i.reason}; {render.share_hint(hints[i.person.id][1])}",
        )
        if i.kind == "reconnect" and i.person.id in hints
        else i
        for i in shown
    ]


def people_table(
    app: AppContext, *, filters: dict[str, str | None], sort: str, archived: bool
) -> list[tuple[str, str, str, str, str, str | None]]:
    """`pln list`'s rows as its table's cells (``store.views.people_table``). ``views`` (2.4
    ms of classes to make, a twentieth of the whole command) is loaded only for a topic."""
    from .store.views import people_table as cells

    if filters.get("topic") is not None:  # "" is refused (no word), not read as no --topic
        from .views import topic_keys

        filters = topic_keys(app.conn, filters, app.settings.synonyms)
    return cells(app.conn, filters=filters, sort=sort, archived=archived)


def run_list(
    app: AppContext, *, filters: dict[str, str | None], sort: str, archived: bool, json: bool
) -> None:
    from .store.views import SORTS

    if sort not in SORTS:
        raise InvalidInput(f"--sort {sort!r} is not known", "use name, last-contact or added")
    for name in ("org", "met_at", "role_tag"):  # an empty one would filter nothing, silently
        value = filters.get(name)
        if value is not None and not value.strip():
            option = "--" + name.replace("_", "-")
            raise InvalidInput(
                f"{option} is empty", f"give what to look for, or leave {option} out"
            )
    met_at = filters.get("met_at")
    if met_at is not None:  # EVENT as everywhere: a unique start, #id or a close spelling
        from .events import resolve_event

        event = resolve_event(app.conn, met_at)
        if event.guessed_from is not None:
            render.say(f"taking {met_at!r} to mean {event.name} (#{event.id})", style="dim")
        filters = {**filters, "met_at": event.name}
    if not json:
        with _no_cycle_collection():
            table = people_table(app, filters=filters, sort=sort, archived=archived)
            app.page()
            nobody = "" if table else _nobody(app, any(filters.values()), archived)
            render.show_people(table, today=app.today, nobody=nobody)
        return
    from . import views  # not loaded by `pln due`, nor by the table

    rows = views.list_people(
        app.conn, filters=filters, sort=sort, archived=archived, synonyms=app.settings.synonyms
    )
    app.page()
    render.print_json([render.person_json(r) for r in rows])


def _nobody(app: AppContext, filtered: bool, archived: bool) -> str:
    """What an empty `pln list` says: no one matched the filters, or there is no one (but
    archived people, perhaps)."""
    if filtered:
        return "No one matches."
    if archived:
        return "No one is archived."
    from .store.book import counts

    put_away = counts(app.conn)["archived"]
    if put_away:
        some = render.number_of(put_away, "archived person", "archived people")
        return f"No one but {some}: `pln list --archived` lists them."
    return "No one in the book yet: `pln add NAME` adds someone."


def run_show(app: AppContext, person: str, *, all_: bool, json: bool) -> None:
    from . import views  # not loaded by `pln due`
    from .resolve import resolve

    ref = resolve(app.conn, person, archived=True)
    render.notice(ref)
    prof = views.profile(app.conn, ref, limit=None if all_ or json else 20)
    app.page()
    if json:
        render.print_json(render.profile_json(prof))
    else:
        render.show_profile(prof, today=app.today)


def run_find(app: AppContext, text: str, *, limit: int, archived: bool, json: bool) -> None:
    from . import views  # not loaded by `pln due`

    hits = views.find(app.conn, text, limit=limit, archived=archived)
    app.page()
    if json:
        render.print_json([render.hit_json(h) for h in hits])
        return
    render.show_hits(hits)
    if not hits and not archived:  # a record merged into another, or archived: say so
        found = views.find(app.conn, text, limit=1_000, archived=True)  # counted, not shown
        put_away = [h for h in found if h.archived]
        if put_away:
            from shlex import quote as shell_quote

            render.say(
                f"{render.number_of(len(put_away), 'archived person', 'archived people')}"
                f" {'matches' if len(put_away) == 1 else 'match'}:"
                f" `pln find --archived {shell_quote(text)}`",
                style="dim",
            )
