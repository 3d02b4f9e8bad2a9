"""The fast path for `pln share RESOURCE` (who a resource would help): no Typer.

``fast.run`` hands `pln share` here (``fast.HOOKS``). Only the read is served:
``RESOURCE [--limit N] [--circle C] [--json]``; anything else (``--with`` and its
PEOPLE, ``-m``, ``--help``, an unknown, repeated or malformed option, a bad circle)
returns ``None`` and the Typer app runs the command. Errors are handled as ``fast.run``
handles them: a user's error goes to Typer (the read is run again there and worded),
anything else is a bug, said as one. Both ways call ``show`` (here, not in ``reads``: the
read loads neither ``reads`` nor ``due``).
"""

from __future__ import annotations

from .fast_intro import Spec, _options
from .lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .context import AppContext

# the read form's options; tests check them against the Typer declaration
SPEC: Spec = (frozenset({"--limit", "--circle"}), frozenset({"--json"}), (1, 1))
CIRCLES = ("colleague", "network", "following")


def parse(argv: list[str]) -> tuple[str | None, dict[str, Any], str] | None:
    """``[--db PATH] share RESOURCE [options]``: (db, options, RESOURCE), or None."""
    from .fast import not_utf8, split_db

    if not_utf8(argv):
        return None

    split = split_db(argv)
    if split is None:
        return None
    db, args = split
    if args[:1] != ["share"]:
        return None
    parsed = _options(SPEC, args[1:])
    if parsed is None:
        return None
    opts, positional = parsed
    circle = opts.get("--circle")
    if circle is not None:
        if circle.lower() not in CIRCLES:
            return None
        opts["--circle"] = circle.lower()
    return db, opts, positional[0]


def run(argv: list[str]) -> int | None:
    """Run `pln share RESOURCE` and return its exit code, or None to hand it to Typer."""
    from .fast import serve, without_pager_flag

    args, pager = without_pager_flag(argv)
    parsed = parse(args)
    if parsed is None:
        return None
    db, opts, resource = parsed
    import gc

    from .fast_intro import _as_typer_path

    collecting = gc.isenabled()
    gc.disable()  # imports and rows make many objects and no garbage (as in fast_intro)
    try:
        return serve(
            None if db is None else _as_typer_path(db),
            lambda app: show(
                app,
                resource,
                circle=opts.get("--circle"),
                limit=int(opts.get("--limit", 10)),
                json=bool(opts.get("--json")),
            ),
            pager=pager,
        )
    finally:
        if collecting:
            gc.enable()


def show(app: AppContext, resource: str, *, circle: str | None, limit: int, json: bool) -> None:
    """`pln share RESOURCE`: who it would help, best first, with the reasons. The services
    are called directly: ``commands`` would load the writes' modules too."""
    from . import render, render_res, sharing
    from .resources import find_resource

    ref = find_resource(app.conn, resource)
    topics, people = sharing.suggest(
        app.conn, ref, synonyms=app.settings.synonyms, circle=circle, limit=limit
    )
    if json:
        render.print_json([render_res.candidate_json(c) for c in people])
    else:
        render_res.show_candidates(ref, topics, people, today=app.today)
