"""The Typer app, its global options, and the one place errors become exit codes."""

import functools
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from .. import __version__
from ..context import AppContext, command_failed, flush_notes
from ..db import COMMAND, store_error
from ..errors import PlnError
from ..files import is_output_error, output_error
from ..tables import emit

F = TypeVar("F", bound=Callable[..., Any])

HELP = """Keep your professional learning network alive.

\b
  pln add "Ana Ruiz" "Ben Okafor" --met-at "researchED 2026" --follow-up "in 3 days"
  pln log "Ana Ruiz" -m "Coffee: swapped quiz designs" --kind coffee --on yesterday
  pln due                  what you owe, and whom you have let go quiet
  pln show Ana             profile, follow-ups and timeline

PERSON is a name, a unique prefix, a close spelling, or #id.
Dates: today, tomorrow, yesterday, in 3 days, 3d, 2w, next friday, last monday, dec 3, 2026-12-01.
"""


class PlnGroup(TyperGroup):
    """Typer's group, with usage errors as one `error:` line like every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        words = [str(a) for a in (sys.argv[1:] if argv is None else argv)]
        for n, word in enumerate(words, start=1):
            if any("\udc80" <= ch <= "\udcff" for ch in word):
                emit(
                    f"error: argument {n} is not valid text (UTF-8)",
                    ("hint: retype it, or check the terminal's encoding", "dim"),
                    stderr=True,
                )
                sys.exit(2)
        COMMAND.set(words)
        standalone = kwargs.get("standalone_mode", True)
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except typer.TyperException as exc:  # Click's usage errors derive from it
            if not standalone:
                raise
            _usage_error(exc)
        except typer.Abort:
            sys.stderr.write("Aborted.\n")
            sys.exit(1)
        if not standalone:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _usage_error(exc: Exception) -> NoReturn:
    code = int(getattr(exc, "exit_code", 2))
    if type(exc).__name__ == "NoArgsIsHelpError":  # bare `pln`: show the help
        exc.show()  # type: ignore[attr-defined]
        sys.exit(code)
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "pln"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    from ..tables import emit

    emit(f"error: {message}", (f"hint: see `{where} --help`", "dim"), stderr=True)
    sys.exit(code)


app = typer.Typer(
    cls=PlnGroup,
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (schema in the README).")]


def _version(value: bool) -> None:
    if value:
        try:
            _writing_output(sys.stdout.write, f"pln {__version__}\n")
        except PlnError as exc:
            fail(exc)
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file (else $PLN_DB, $PLN_HOME/pln.db, or the user data dir).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Keep your professional learning network alive."""
    app_ctx = guarded(lambda: AppContext(None if db is None else str(db)))()
    ctx.obj = app_ctx
    ctx.call_on_close(app_ctx.close)


def fail(exc: PlnError) -> NoReturn:
    from ..tables import emit

    command_failed()

    emit(
        f"error: {exc.message}", *([(f"hint: {exc.hint}", "dim")] if exc.hint else []), stderr=True
    )
    raise typer.Exit(exc.exit_code) from None


def guarded(fn: F) -> F:
    """Turn PlnErrors and database trouble into one line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return _writing_output(fn, *args, **kwargs)
        except PlnError as exc:
            fail(exc)
        except sqlite3.DatabaseError as exc:
            fail(store_error(exc, "the database"))
        except Exception as exc:
            if os.environ.get("PLN_DEBUG"):
                raise
            fail(
                PlnError(
                    f"internal error ({type(exc).__name__}); this is a bug in pln",
                    "rerun with PLN_DEBUG=1 to see the traceback, and report it",
                )
            )

    return wrapper  # type: ignore[return-value]


def _writing_output(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn``; standard output that cannot be written is an error (a full disk) or,
    for a reader that closed the pipe early (`pln export | head`), success."""
    try:
        result = fn(*args, **kwargs)
        sys.stdout.flush()  # met here, not in Python's last flush at exit
        flush_notes()
        return result
    except OSError as exc:
        if not is_output_error(exc):
            raise
        problem = output_error(exc)
        if problem is not None:
            raise problem from None
        return None


def command(*args: Any, **kwargs: Any) -> Callable[[F], F]:
    """``app.command`` with the error boundary applied."""

    def decorate(fn: F) -> F:
        app.command(*args, **kwargs)(guarded(fn))
        return fn

    return decorate


def state(ctx: typer.Context, *, creates: bool = False) -> AppContext:
    """The app context; ``creates``: this command may create a missing book (context.py)."""
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    obj.creates = obj.creates or creates
    return obj
