"""`pln graph`, free of Typer: the picture of the network, written to a file or returned
as text for standard output."""

from typing import NamedTuple

from .. import files
from .. import graph as svc
from ..context import AppContext
from ..errors import InvalidInput
from ..resolve import PersonRef, resolve


class Drawn(NamedTuple):
    picture: svc.Picture
    format: str
    text: str | None  # the picture, when it goes to standard output
    written: files.Target | None  # the file written (-o)
    size: int  # bytes written


def graph(
    app: AppContext,
    *,
    output: str | None,
    format_: str = "html",
    force: bool = False,
    for_: str | None = None,
    everyone: bool = False,
    limit: int = svc.LIMIT,
    suggestions: int = svc.SUGGESTIONS,
    ego: bool = False,
) -> Drawn:
    """Draw the book (``graph.build``) as ``format_``: to ``output`` (owner-only, never
    replacing a file without ``force``), or as text for standard output. An HTML page
    holds personal data and a whole library: it is only ever written to a file."""
    from .. import graph_render as render

    if format_ not in render.FORMATS:
        raise InvalidInput(f"--format {format_!r} is not known", f"use {', '.join(render.FORMATS)}")
    if format_ == "html" and output is None:
        raise InvalidInput(
            "the HTML picture is written to a file: give -o FILE",
            "pln graph -o network.html (or --format json|dot|graphml|mermaid for stdout)",
        )
    if everyone and for_ is not None:
        raise InvalidInput(
            "give --all or --for, not both", "--for PERSON draws their neighbourhood"
        )
    if limit < 1:
        raise InvalidInput(f"--limit {limit} draws no one", "give 1 or more, or --all")
    if suggestions < 0:
        raise InvalidInput(f"--suggestions {suggestions} is negative", "give 0 for none")
    where = None
    if output is not None:
        from ..transfer import refuse_database_path

        refuse_database_path(output, app.settings.db_path)
        where = files.target(output, force=force)  # refused before any work is done
    focus = _person(app, for_) if for_ is not None else None
    s = app.settings
    picture = svc.build(
        app.conn,
        now=app.now,
        settings=svc.Settings(s.cadence, s.first_contact_days, s.synonyms),
        focus=focus,
        everyone=everyone,
        limit=limit,
        suggestions=suggestions,
        ego=ego,
    )
    text = render.render(picture, format_)
    if where is None:
        return Drawn(picture, format_, text, None, 0)
    size = files.write(where, text.encode("utf-8"))
    return Drawn(picture, format_, None, where, size)


def _person(app: AppContext, text: str) -> PersonRef:
    """--for PERSON, found as a read finds it (a close spelling is taken; the caller says
    so from ``guessed_from``)."""
    return resolve(app.conn, text)
