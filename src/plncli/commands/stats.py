"""`pln stats` and `pln stats --person P`, free of Typer.

A read: no transaction, nothing written. PERSON is found as `pln show` finds it (a close
spelling is taken, and the result's ``person.guessed_from`` says so, for the caller to
note; archived people too).
"""

from datetime import date

from .. import stats as svc
from ..context import AppContext
from ..errors import InvalidInput
from ..resolve import resolve


def network(
    app: AppContext, *, since: date | None, circle: str | None, topic: str | None
) -> svc.Stats:
    """The whole screen: bands and their trend, what is owed, rhythm, gaps, events,
    introductions (``stats.py`` defines each number)."""
    if since is not None and since > app.today:
        raise InvalidInput(
            f"--since is {since.isoformat()}, in the future", "give a day that has been, or 90d"
        )
    s = app.settings
    return svc.network_stats(
        app.conn,
        today=app.today,
        since=since,
        circle=circle,
        topic=topic,
        cadences=s.cadence,
        first_contact_days=s.first_contact_days,
        synonyms=s.synonyms,
    )


def person(app: AppContext, text: str) -> svc.PersonStats:
    """One relationship's rhythm (``--person``)."""
    ref = resolve(app.conn, text, archived=True)
    found = svc.person_stats(app.conn, ref, today=app.today, cadences=app.settings.cadence)
    return found._replace(person=ref)
