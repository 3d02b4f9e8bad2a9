"""Kinds of interaction: `pln kinds`, and the check `pln log --kind` makes on a new kind."""

import typer

from .. import kinds as svc
from .. import render
from ..context import AppContext
from ..dates import humanize_day
from ..errors import InvalidInput
from ..tables import Table, emit
from .app import JsonOpt, command, state
from .events import on_terminal

_DECLINED = "see `pln kinds` for the kinds in use"


def checked_kind(app: AppContext, typed: str) -> tuple[str, str | None]:
    """The kind `pln log` stores, and a note to print once it is logged.

    A new kind (neither built in nor used in the book) is asked about on a terminal,
    a close known spelling offered first (`coffe`: coffee?); in a script it is
    created, and the note says so."""
    kind = svc.kind_key(typed)
    if svc.is_known(app.conn, kind):
        return kind, None
    close = svc.close_kind(app.conn, kind)
    if not on_terminal():
        return kind, f"new kind {kind!r}" + (f" (did you mean {close}?)" if close else "")
    if close is not None and typer.confirm(
        f"{kind!r} is a new kind of interaction; did you mean {close}?", default=True, err=True
    ):
        return close, None
    question = (
        f"create the new kind {kind!r}?"
        if close
        else f"{kind!r} is a new kind of interaction; create it?"
    )
    if typer.confirm(question, default=close is None, err=True):
        return kind, None
    raise InvalidInput(f"the new kind {kind!r} was not created; nothing was logged", _DECLINED)


@command("kinds")
def kinds(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List kinds of interaction, how often each was logged, and when last.

    \b
      pln kinds
      pln log Ana -m "..." --kind coffee      (a new kind is asked about first)
    """
    app = state(ctx)
    rows = svc.kind_counts(app.conn)
    if json:
        render.print_json(
            [
                {
                    "kind": r.kind,
                    "count": r.interactions,
                    "last": None if r.last is None else render.iso_instant(r.last),
                    "builtin": r.builtin,
                }
                for r in rows
            ]
        )
        return
    table = Table("kind", "interactions", "last")
    for r in rows:
        last = humanize_day(r.last.astimezone().date(), today=app.today) if r.last else ""
        table.add_row(r.kind, str(r.interactions), last)
    emit(table)
