"""The Typer app, its global options, and the one place errors become exit codes."""

import copy
import functools
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperGroup

from .. import __version__
from ..context import AppContext, add_note, command_failed, flush_notes
from ..db import COMMAND, store_error
from ..errors import InvalidInput, PlnError
from ..fast import GLOBAL_VALUED
from ..files import is_output_error, output_error
from ..tables import emit

F = TypeVar("F", bound=Callable[..., Any])

HELP = """Keep your professional learning network alive.

\b
  pln add "Ana Ruiz" "Ben Okafor" --met-at "researchED 2026" --follow-up "in 3 days"
  pln log "Ana Ruiz" -m "Coffee: swapped quiz designs" --kind coffee --on yesterday
  pln due                  what you owe, and whom you have let go quiet
  pln show Ana             profile, follow-ups and timeline
  pln help COMMAND         its manual page (pln COMMAND --help: the options)

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
    add_completion=False,  # `pln completion SHELL` (complete.py): Typer's runs the whole app
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# The modules that register each command and group, in the order `load_all` imports
# them (the order `pln --help` lists the commands in); tests/test_app_for.py holds this
# to what each module registers.
MODULES: dict[str, tuple[str, ...]] = {
    "kinds": ("kinds",),
    **dict.fromkeys(
        ("add", "edit", "show", "list", "events", "find", "archive", "restore"), ("people",)
    ),
    **dict.fromkeys(("log", "remind", "done", "snooze", "drop", "reminders", "due"), ("activity",)),
    "event": ("events",),
    "forget": ("forget",),
    "graph": ("graph",),
    **dict.fromkeys(("knows", "unknows", "introduce", "intros", "who", "private"), ("network",)),
    "intro": ("network",),
    "group": ("network", "resources"),
    **dict.fromkeys(("resources", "share", "resource"), ("resources",)),
    **dict.fromkeys(("completion", "help"), ("shell",)),
    "stats": ("stats",),
    **dict.fromkeys(("history", "undo", "db"), ("store",)),
    **dict.fromkeys(("import", "export", "merge"), ("transfer",)),
}
ORDER = tuple(sorted({m for modules in MODULES.values() for m in modules}))


def load_all() -> typer.Typer:
    """The whole app: every command module imported (each registers its commands)."""
    from importlib import import_module

    for module in ORDER:
        import_module(f"{__package__}.{module}")
    return app


def app_for(argv: list[str]) -> typer.Typer:
    """The app to run ``argv`` with: when it names one of pln's commands or groups (after
    the global options), a copy of the app that holds that one alone, with only the
    modules that register it imported; else the whole app (``load_all``).

    Typer builds the Click command of every command it holds before it parses a word,
    and each module imported costs its own imports: ~60 commands, ~40 ms of a `pln add`
    at 10,000 people. The one command parses, helps and fails as in the whole app
    (tests/test_app_for.py); what names no one command (a bare `pln`, `pln --help`, a
    word that is no command, an option pln does not know before it) runs the whole app,
    whose messages list or suggest the others."""
    from importlib import import_module

    from ..fast import split_db, without_pager_flag  # the fast path's reading of them

    split = split_db(without_pager_flag(argv)[0])
    rest = split[1] if split is not None else []
    modules = MODULES.get(rest[0]) if rest else None
    if modules is None:
        return load_all()
    name = rest[0]
    for module in modules:
        import_module(f"{__package__}.{module}")
    one = copy.copy(app)
    one.registered_commands = [c for c in app.registered_commands if c.name == name]
    one.registered_groups = [g for g in app.registered_groups if g.name == name]
    return one


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
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager", help="Print long output directly, not through $PLN_PAGER or $PAGER."
        ),
    ] = False,
) -> None:
    """Keep your professional learning network alive."""
    given = None if db is None else _raw_db(str(db))

    def start() -> AppContext:
        app_ctx = AppContext(given, pager=not no_pager)  # (what a fast path said is unsaid)
        given_once(ctx.command.params, COMMAND.get() or [], before_command=True)
        return app_ctx

    app_ctx = guarded(start)()
    ctx.obj = app_ctx
    ctx.call_on_close(app_ctx.close)


def _raw_db(value: str) -> str:
    """``--db`` as typed: a path folds ``postgresql://`` to ``postgresql:/``, so a shared
    book's URL is taken from the command line itself."""
    if not value.startswith("postgres"):
        return value
    words = COMMAND.get() or []
    for n, word in enumerate(words):
        if word == "--db" and n + 1 < len(words):
            return words[n + 1]
        if word.startswith("--db="):
            return word[5:]
    return value


def fail(exc: PlnError) -> NoReturn:
    from ..tables import emit

    command_failed()

    emit(
        f"error: {exc.message}", *([(f"hint: {exc.hint}", "dim")] if exc.hint else []), stderr=True
    )
    raise typer.Exit(exc.exit_code) from None


def note_on_success(message: str) -> None:
    """A note about how the input was read, said after the command's own output and only
    if it succeeds (a failed command prints its one `error:` line and nothing else)."""
    add_note(message)


def guarded(fn: F) -> F:
    """Turn PlnErrors and database trouble into one line on stderr and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            given_once(_running_params(args, kwargs), COMMAND.get() or [])
            return _writing_output(fn, *args, **kwargs)
        except PlnError as exc:
            fail(exc)
        except sqlite3.DatabaseError as exc:
            fail(store_error(exc, "the database"))
        except UnicodeEncodeError as exc:
            fail(_unprintable(exc))
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):  # a shared book's server refused
                from ..store.pg import write_error

                fail(write_error(exc))
            if os.environ.get("PLN_DEBUG"):
                sys.stderr.write(safe_traceback(exc))
                raise typer.Exit(1) from None
            fail(
                PlnError(
                    f"internal error ({type(exc).__name__}); this is a bug in pln",
                    "rerun with PLN_DEBUG=1 to see the traceback, and report it",
                )
            )

    return wrapper  # type: ignore[return-value]


def _running_params(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """The parameters of the command running, from its context (an argument of every
    command that reads options; none: nothing to check)."""
    for value in (*args, *kwargs.values()):
        # Typer's context, or the Click it carries within (by its shape: not its class)
        params = getattr(getattr(value, "command", None), "params", None)
        if isinstance(params, list):
            return params
    return []


def given_once(params: list[Any], words: list[str], *, before_command: bool = False) -> None:
    """An option that holds one value, given twice with two values, is refused (exit 2):
    Click keeps the last and drops the first without a word, and what was typed is lost
    (`pln log Ana -m "first part" -m "second part"`). The same value twice is no loss.
    ``params``: the running command's; ``words``: the command line (``before_command``:
    only up to the command's name, for pln's own options such as ``--db``: a book named
    twice is one the user did not mean to write to)."""
    options = [p for p in params if p.param_type_name == "option"]  # Click's own test
    # the options that take a value (repeatable ones too: `--topic -kids` is a topic), and
    # of those the ones that hold one
    valued = {name: p for p in options if not (p.is_flag or p.count) for name in p.opts}
    single = {name: p for name, p in valued.items() if not p.multiple}
    flags = {name for p in options for name in (*p.opts, *p.secondary_opts)} - set(valued)
    values: dict[str, list[tuple[str, str]]] = {}

    def typed(name: str, value: str) -> None:
        if name in single:
            values.setdefault(single[name].name or name, []).append((name, value))

    i = 0
    while i < len(words):
        word, i = words[i], i + 1
        if word == "--":
            break
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            if (name in valued or name in GLOBAL_VALUED) and not eq and i < len(words):
                value, i = words[i], i + 1
            typed(name, value)
        elif before_command and not word.startswith("-"):
            break
        elif word.startswith("-") and len(word) > 1:
            for at, letter in enumerate(word[1:], start=2):
                name = "-" + letter
                if name in valued:
                    value = word[at:]
                    if not value and i < len(words):
                        value, i = words[i], i + 1
                    typed(name, value)
                    break
                if name not in flags:
                    break
    for given in values.values():
        if len({v for _, v in given}) > 1:
            (first, a), (second, b) = given[0], next(g for g in given if g[1] != given[0][1])
            said = first if first == second else f"{first}/{second}"
            raise InvalidInput(
                f"{said} was given twice ({_cut(a)!r}, then {_cut(b)!r}): it holds one value",
                f"give {first} once",
            )


def _cut(value: str, width: int = 30) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def _unprintable(exc: UnicodeEncodeError) -> PlnError:
    """PYTHONIOENCODING=ascii (or a terminal in an old encoding) and a name it cannot show."""
    return InvalidInput(
        f"the output's encoding ({exc.encoding}) cannot show some of the text",
        "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8",
    )


_QUOTED = re.compile(r"""['"].*""", re.S)
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def _redacted(exc: BaseException) -> str:
    """An exception's message cut at its first quote: Python and SQLite quote the value
    they choke on (``Invalid isoformat string: 'SECRET'``), and that may be a stored value."""
    try:
        message = str(exc)
    except Exception:
        message = ""
    name = type(exc).__qualname__
    module = type(exc).__module__
    name = name if module == "builtins" else f"{module}.{name}"
    cut = _QUOTED.sub("'…' (value withheld)", message)
    return f"{name}: {cut}\n" if cut else f"{name}\n"


def safe_traceback(exc: BaseException) -> str:
    """The traceback Python would print (frames, source lines, the chain of causes), with
    no local variables, exception notes or quoted values in messages (PLN_DEBUG=1)."""
    import traceback

    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_tb(current.__traceback__) if current.__traceback__ else []
        head = ["Traceback (most recent call last):\n"] if frames else []
        parts.append("".join(head + frames) + _redacted(current))
        if current.__cause__ is not None:
            parts.append(_CAUSE)
            current = current.__cause__
        elif current.__context__ is not None and not current.__suppress_context__:
            parts.append(_CONTEXT)
            current = current.__context__
        else:
            current = None
    return "".join(reversed(parts))


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
