"""Kinds of interaction: `pln kinds`, and the check `pln log --kind` makes on a new kind."""

import typer

from .. import render
from ..commands.activity import AskKind, kinds_in_use
from ..dates import humanize_day
from ..tables import Table, emit
from .base import JsonOpt, command, state
from .events import on_terminal


def ask_kind(question: str, default: bool) -> bool:
    """How `pln log` asks about a new kind on a terminal (``commands.activity.checked_kind``)."""
    return typer.confirm(question, default=default, err=True)


def kind_asker() -> AskKind | None:
    """Who answers about a new kind: the person at the terminal, or no one (a script)."""
    return ask_kind if on_terminal() else None


@command("kinds")
def kinds(ctx: typer.Context, json: JsonOpt = False) -> None:
    """List kinds of interaction, how often each was logged, and when last.

    \b
      pln kinds
      pln log Ana -m "..." --kind coffee      (a new kind is asked about first)
    """
    app = state(ctx)
    rows = kinds_in_use(app)
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
