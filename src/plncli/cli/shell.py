"""`pln completion SHELL` and `pln help [COMMAND]`: the shell and the manual.

Both are served without Typer on the fast path (``complete.run``, ``manual.run``); these
declarations are what `--help`, the manual pages and the completion spec are made from,
and what runs with PLN_NO_FASTPATH=1.
"""

from enum import StrEnum
from typing import Annotated

import typer

from .. import complete, manual
from .base import command, state


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


@command("completion")
def completion(
    shell: Annotated[Shell, typer.Argument(help="bash, zsh or fish.", show_default=False)],
) -> None:
    """Print the script that completes pln's commands, options, people, events, groups,
    kinds and formats in SHELL.

    \b
      eval "$(pln completion bash)"                           (in ~/.bashrc)
      pln completion zsh > ~/.zfunc/_pln                      (a directory in $fpath)
      pln completion fish > ~/.config/fish/completions/pln.fish
    """
    typer.echo(complete.SCRIPTS[shell.value], nl=False)


@command("help")
def help_(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(metavar="[COMMAND]...", help="A command, e.g. log or group add."),
    ] = None,
) -> None:
    """Show the manual page of pln, or of a command.

    \b
      pln help              the manual page of pln
      pln help log          the manual page of pln log (as `man pln-log`)
      pln help group add

    On a terminal with `man` installed the page opens in it; otherwise it is printed as
    plain text (also with --no-pager).
    """
    # an unknown command is said there, as on the fast path
    code = manual.show(words or [], pager=state(ctx).pager)
    if code:
        raise SystemExit(code)
