"""The fast path: `pln due`, `list`, `show`, `find`, `--version` and `--help` without Typer.

The global options it reads before the command are ``--db PATH`` and ``--no-pager``
(``GLOBAL_VALUED``, ``GLOBAL_FLAGS``).

Typer and its Click core cost ~35 ms to import, more than the rest of a read
command together (README, Development). These commands are the ones people run
many times a day, so ``__main__`` first offers the arguments here. This parser
accepts only what it fully understands: anything else (a command's ``--help``,
an unknown or malformed option, a bad choice) returns ``None`` and the Typer app
runs the command instead, with its own messages. Both ways call the same
functions in ``reads.py``; tests prove they print the same, and that ``SPECS``
agrees with the Typer declarations of every command it lists.

Errors: a user error (a ``PlnError``: no such person, a bad --within), a database
that cannot be read, and text the output's encoding cannot show also go to Typer,
which runs the read-only command again and words the error and its exit code in
the one place that does so for every command. Any other exception is a bug, and
it is reported as the Typer boundary reports one (`error: internal error (...)`,
exit 1; the traceback with PLN_DEBUG=1), never hidden by a second run.

`pln --help` (and `-h`, and a bare `pln`) print ``help_text.TOP``, the
text Typer prints, on anything 80 columns wide or more.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .context import AppContext

CIRCLES = ("colleague", "network", "following")

# command -> (options taking a value, flags, (min, max) positional arguments)
SPECS: dict[str, tuple[frozenset[str], frozenset[str], tuple[int, int]]] = {
    "due": (
        frozenset({"--within", "--circle", "--topic", "--limit"}),
        frozenset({"--json"}),
        (0, 0),
    ),
    "list": (
        frozenset({"--topic", "--org", "--circle", "--met-at", "--role-tag", "--sort"}),
        frozenset({"--json", "--archived"}),
        (0, 0),
    ),
    "show": (frozenset(), frozenset({"--json", "--all"}), (1, 1)),
    "find": (frozenset({"--limit"}), frozenset({"--json", "--archived"}), (1, 1_000)),
}


# Global options: valued (before the command; the same one twice, or it is refused) and flags;
# a test requires the Typer app's root options to be these (and --version, -h, --help).
GLOBAL_VALUED = frozenset({"--db"})
GLOBAL_FLAGS = frozenset({"--no-pager"})


def without_pager_flag(argv: list[str]) -> tuple[list[str], bool]:
    """``argv`` without the ``--no-pager`` flags among the global options before the
    command, and whether the pager is still wanted (no such flag)."""
    rest, pager, i = list(argv), True, 0
    while i < len(rest) and rest[i].startswith("--"):
        if rest[i] == "--no-pager":
            del rest[i]
            pager = False
        elif rest[i] == "--db":
            i += 2
        elif rest[i].startswith("--db="):
            i += 1
        else:
            break
    return rest, pager


# command -> module whose run(argv) serves it (the same contract as run: an exit code or None)
HOOKS = {
    "introduce": "fast_intro",
    "intro": "fast_intro",
    "share": "fast_share",
    "completion": "complete",
    "help": "manual",
}


def _hook(argv: list[str]) -> Callable[[list[str]], int | None] | None:
    first = 2 if argv[:1] == ["--db"] else 1 if argv[:1] and argv[0].startswith("--db=") else 0
    module = HOOKS.get(argv[first]) if len(argv) > first else None
    if module is None:
        return None
    from importlib import import_module

    run_: Callable[[list[str]], int | None] = import_module(f".{module}", __package__).run
    return run_


def not_utf8(argv: list[str]) -> bool:
    """Whether a word holds bytes that are no UTF-8 (read as lone surrogates): the hooks
    leave such a line to the Typer app, which says which argument it is."""
    return any("\udc80" <= ch <= "\udcff" for word in argv for ch in word)


def split_db(argv: list[str]) -> tuple[str | None, list[str]] | None:
    """``[--db PATH]... REST`` as (PATH, REST); None for a ``--db`` without a value (or an
    empty one, or one that looks like an option), or two different ones (refused:
    ``cli.base.given_once``), which the Typer app words."""
    db: str | None = None
    args = list(argv)
    while args and args[0].startswith("--db"):
        flag = args.pop(0)
        if flag.startswith("--db="):
            value = flag[5:]
        elif flag == "--db" and args:
            value = args.pop(0)
        else:
            return None
        if not value or value.startswith("-") or db not in (None, value):
            return None
        db = value
    return db, args


def parse(argv: list[str]) -> tuple[str | None, str, dict[str, Any], list[str]] | None:
    """Split ``[--db PATH] COMMAND [options/args]``; None when not fully understood."""
    split = split_db(argv)
    if split is None:
        return None
    db, args = split
    if not args or args[0] not in SPECS:
        return None
    command, rest = args[0], args[1:]
    parsed = _options(command, rest)
    if parsed is None:
        return None
    return (db, command, *parsed)


def _options(command: str, rest: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    valued, flags, (least, most) = SPECS[command]
    opts: dict[str, Any] = {}
    positional: list[str] = []
    only_positional = False
    while rest:
        token = rest.pop(0)
        if only_positional or not token.startswith("-") or token == "-":
            positional.append(token)
        elif token == "--":
            only_positional = True
        elif token in flags:
            opts[token] = True
        elif token.split("=", 1)[0] in valued and token not in opts:
            name, eq, value = token.partition("=")
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            if name in opts:
                return None
            opts[name] = value.lower() if name == "--circle" else value
        else:
            return None
    if not least <= len(positional) <= most or not _valid(command, opts):
        return None
    return opts, positional


def _valid(command: str, opts: dict[str, Any]) -> bool:
    if "--circle" in opts and opts["--circle"] not in CIRCLES:
        return False
    limit = opts.get("--limit")
    least = 1 if command == "find" else 0
    return limit is None or (limit.isdigit() and int(limit) >= least)


def run(argv: list[str]) -> int | None:
    """Run the command and return its exit code, or None to hand it to Typer."""
    if os.environ.get("PLN_NO_FASTPATH"):
        return None
    if argv == ["--version"]:
        from . import __version__

        return _write(f"pln {__version__}\n")
    if argv in (["--help"], ["-h"], []):
        return _help(to_stderr=not argv)
    args, pager = without_pager_flag(argv)
    hooked = _hook(args)
    if hooked is not None:
        return hooked(argv)
    parsed = parse(args)
    if parsed is None:
        return None
    db, command, opts, positional = parsed
    return serve(db, lambda app: _dispatch(app, command, opts, positional), pager=pager)


def serve(db: str | None, read: Callable[[AppContext], None], *, pager: bool = True) -> int | None:
    """Open the book (``--db``), run ``read`` on it and close it: 0, or what ``_failed``
    makes of an error (None: Typer runs the command again and words it). Also the
    hooks' (``fast_share``)."""
    from .context import AppContext, flush_notes

    try:
        app = AppContext(db, pager=pager)
        try:
            read(app)
            sys.stdout.flush()
            flush_notes()
        finally:
            app.close()
    except Exception as exc:
        return _failed(exc)
    return 0


def _failed(exc: Exception) -> int | None:
    """A user's error goes to Typer, which words it; anything else is a bug, said as one."""
    import sqlite3

    from .errors import PlnError

    if isinstance(exc, OSError):
        return _output_failed(exc)
    if isinstance(exc, PlnError | sqlite3.DatabaseError | UnicodeEncodeError) or type(
        exc
    ).__module__.startswith("psycopg"):
        # Errors come before any output; Typer runs the (read-only) command again
        # and reports the error its own way, with the same message and exit code.
        return None
    return _bug(exc)


def _bug(exc: BaseException) -> int:
    """As ``cli.base.guarded`` reports an unexpected exception: one line, or the traceback."""
    from .context import command_failed
    from .tables import emit

    command_failed()
    if os.environ.get("PLN_DEBUG"):
        from .cli.base import safe_traceback  # Typer too, but only to debug

        sys.stderr.write(safe_traceback(exc))
        return 1
    emit(
        f"error: internal error ({type(exc).__name__}); this is a bug in pln",
        ("hint: rerun with PLN_DEBUG=1 to see the traceback, and report it", "dim"),
        stderr=True,
    )
    return 1


def _help(*, to_stderr: bool) -> int | None:
    """Typer's own top-level help, where it would be this very text (80 columns or more);
    a bare `pln` prints it on stderr and exits 2, as Typer does."""
    if any(k.startswith("_PLN_COMPLETE") for k in os.environ) or _help_columns() < 80:
        return None  # shell completion, or a narrow terminal: Typer's business
    from .help_text import TOP

    code = _write(TOP, stream=sys.stderr if to_stderr else sys.stdout)
    return 2 if to_stderr and code == 0 else code


def _help_columns() -> int:
    """The width Click formats help for (``shutil.get_terminal_size``, without shutil)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def _write(text: str, stream: Any = None) -> int | None:
    stream = stream or sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        return _output_failed(exc)
    return 0


def _output_failed(exc: OSError) -> int | None:
    """`pln list | head` is success: the reader has all it wants; a full disk is exit 7."""
    from .files import is_output_error, output_error

    if not is_output_error(exc):
        return _bug(exc)
    problem = output_error(exc)
    if problem is None:
        return 0
    from .tables import emit

    emit(f"error: {problem.message}", (f"hint: {problem.hint}", "dim"), stderr=True)
    return problem.exit_code


def _dispatch(app: Any, command: str, o: dict[str, Any], positional: list[str]) -> None:
    from . import reads

    json = bool(o.get("--json"))
    if command == "due":
        limit = o.get("--limit")
        reads.run_due(
            app,
            within=o.get("--within"),
            circle=o.get("--circle"),
            topic=o.get("--topic"),
            limit=None if limit is None else int(limit),
            json=json,
        )
    elif command == "list":
        filters = {
            k.lstrip("-").replace("-", "_"): o.get(k)
            for k in ("--topic", "--org", "--circle", "--met-at", "--role-tag")
        }
        reads.run_list(
            app,
            filters=filters,
            sort=o.get("--sort", "name"),
            archived=bool(o.get("--archived")),
            json=json,
        )
    elif command == "show":
        reads.run_show(app, positional[0], all_=bool(o.get("--all")), json=json)
    else:
        reads.run_find(
            app,
            " ".join(positional),
            limit=int(o.get("--limit", 20)),
            archived=bool(o.get("--archived")),
            json=json,
        )
