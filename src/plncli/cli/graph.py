"""`pln graph`: the network as a picture to explore, or as data for other tools."""

import sys
from typing import Annotated

import typer

from .. import render
from ..commands import graph as cmd
from ..errors import InvalidInput
from ..graph import LIMIT, SUGGESTIONS
from .base import JsonOpt, command, state


@command("graph")
def graph(
    ctx: typer.Context,
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="File to write (HTML: required).", show_default=False),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="html, json, dot (Graphviz), graphml or mermaid.")
    ] = "html",
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
    for_: Annotated[
        str | None,
        typer.Option("--for", help="PERSON and whom they know.", show_default=False),
    ] = None,
    everyone: Annotated[
        bool, typer.Option("--all", help="Everyone (else the most active, see --limit).")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="People drawn, most active first.")] = LIMIT,
    suggestions: Annotated[
        int, typer.Option("--suggestions", help="Suggested introductions drawn (0: none).")
    ] = SUGGESTIONS,
    ego: Annotated[bool, typer.Option("--ego", help="Put yourself in the centre.")] = False,
    json: JsonOpt = False,
) -> None:
    """Draw your network: one HTML file that opens offline, or data for other tools.

    \b
      pln graph -o network.html              (the most active people; open it in a browser)
      pln graph -o network.html --ego --all  (everyone, you in the centre)
      pln graph -o ana.html --for Ana        (Ana and whom she knows)
      pln graph --format dot | neato -Tsvg > network.svg
      pln graph --format mermaid             (for Markdown)
    """
    if json and output is None:
        if format_ not in ("html", "json"):
            raise InvalidInput("--json prints JSON: leave out --format", "or use --format json")
        format_ = "json"
    done = cmd.graph(
        state(ctx),
        output=output,
        format_=format_,
        force=force,
        for_=for_,
        everyone=everyone,
        limit=limit,
        suggestions=suggestions,
        ego=ego,
    )
    p = done.picture
    if p.focus is not None and p.focus.guessed_from:
        render.notice(p.focus)
    from ..graph_render import summary_lines

    lines = summary_lines(p)
    if done.text is not None:
        sys.stdout.write(done.text)
        for line in lines[1:]:
            render.say(line[:1].upper() + line[1:] + ".")
        return
    assert done.written is not None
    if json:
        render.print_json(
            {
                "path": done.written.real,
                "format": done.format,
                "size_bytes": done.size,
                "drawn": {
                    "people": len(p.people),
                    "ties": len(p.ties),
                    "groups": len(p.groups),
                    "memberships": len(p.memberships),
                    "introductions": len(p.intros),
                },
                "left_out": p.left_out._asdict(),
            }
        )
        return
    render.say(f"Wrote {done.written.shown} ({done.size:,} bytes): {lines[0]}.")
    for line in lines[1:]:
        render.say(line[:1].upper() + line[1:] + ".")
