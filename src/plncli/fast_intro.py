"""The fast path for `pln introduce` and `pln intro asked|made|declined|outcome`.

Typer, Click and their imports cost ~100 ms, several times what scoring one pair
or one person's suggestions takes. ``fast.run`` hands these commands here (see
``fast.HOOKS``); like the rest of the fast path, this parser takes only what it
fully understands and returns ``None`` for anything else (``--help``, an unknown,
repeated or malformed option, a value that starts with ``-``, text that is not
UTF-8), and the Typer app runs the command instead. Both ways call the same
functions in ``intro_commands.py``; tests prove they print and store the same.

Errors: a command that fails before it has written anything (an unknown or
ambiguous PERSON, a bad date, a busy database, any exception at all) is handed
to Typer, which runs it again and reports the error its own way; a failed write
has rolled back, so the second run starts from the same book. A close spelling
of PERSON in a command that writes is handed over too (Typer asks about it on a
terminal, and refuses it in a script). Only an error after a write committed
(output that cannot be written, say) is reported here, the way ``cli.base``
reports it, since running the write again would repeat it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import sys

from .lean import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    Parsed = tuple[str | None, str, dict[str, Any], list[str]]

# command -> (options taking a value, flags, (min, max) positional arguments)
Spec = tuple[frozenset[str], frozenset[str], tuple[int, int]]
SPECS: dict[str, Spec] = {
    "introduce": (
        frozenset({"--limit", "--for", "--topic", "--per-person", "--message", "-m", "--until"}),
        frozenset({"--include-following", "--draft", "--dismiss", "--json"}),
        (0, 2),
    ),
    "intro asked": (frozenset(), frozenset({"--json"}), (2, 2)),
    "intro made": (frozenset(), frozenset({"--json"}), (2, 2)),
    "intro declined": (frozenset(), frozenset({"--json"}), (2, 2)),
    "intro outcome": (frozenset({"--message", "-m"}), frozenset({"--json"}), (3, 3)),
}
SAME = {"-m": "--message"}  # short option -> the long one it is
NUMBERS = {"--limit": 10, "--per-person": 2}  # integer options (at least 1) and defaults


class Handoff(Exception):
    """Typer should run this command (a close spelling of PERSON in a command that writes)."""


def parse(argv: list[str]) -> Parsed | None:
    """Split ``[--db PATH] COMMAND [options/args]``; None when not fully understood."""
    from .fast import not_utf8, split_db

    if not_utf8(argv):
        return None  # Typer says so

    split = split_db(argv)
    if split is None:
        return None
    db, args = split
    if args[:1] == ["intro"]:
        args[:2] = [" ".join(args[:2])]
    if not args or args[0] not in SPECS:
        return None
    parsed = _options(SPECS[args[0]], args[1:])
    if parsed is None:
        return None
    return (db, args[0], *parsed)


def _options(spec: Spec, rest: list[str]) -> tuple[dict[str, Any], list[str]] | None:
    valued, flags, (least, most) = spec
    opts: dict[str, Any] = {}
    positional: list[str] = []
    only_positional = False
    while rest:
        token = rest.pop(0)
        name, eq, value = token.partition("=")
        if only_positional or not token.startswith("-") or token == "-":
            positional.append(token)
        elif token == "--":
            only_positional = True
        elif token in flags and token not in opts:
            opts[token] = True
        elif name in valued and (eq == "" or name.startswith("--")):
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            name = SAME.get(name, name)
            if name in opts or value.startswith("-") or not _valid(name, value):
                return None
            opts[name] = int(value) if name in NUMBERS else value
        else:
            return None
    if not least <= len(positional) <= most:
        return None
    return opts, positional


def _valid(name: str, value: str) -> bool:
    return name not in NUMBERS or (value.isascii() and value.isdigit() and int(value) >= 1)


def run(argv: list[str]) -> int | None:
    """Run the command and return its exit code, or None to hand it to Typer."""
    from .fast import without_pager_flag

    args, pager = without_pager_flag(argv)
    parsed = parse(args)
    if parsed is None:
        return None
    db, command, opts, positional = parsed
    collecting = gc.isenabled()
    # Loading a book makes ~10 container objects per person, none of them garbage: the
    # cycle collector would walk them again and again (a fifth of `pln introduce` at 10k
    # people, a third at 100k). The command is one short process, and it makes few cycles.
    # Off before the command's imports too (their objects are not garbage either).
    gc.disable()
    from .context import AppContext, flush_notes
    from .db import COMMAND

    COMMAND.set(list(argv))  # what `pln history` records, as the Typer app sets it
    app: Any = None
    mark: int | None = None
    try:
        app = AppContext(None if db is None else _as_typer_path(db), pager=pager)
        if _writes(command, opts, positional):
            mark = _last_change(app.conn)
        _dispatch(app, command, opts, positional)
        sys.stdout.flush()
        flush_notes()
        return 0
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted.\n")  # as Click says it
        return 1
    except Handoff:
        return None
    except OSError as exc:
        from .fast import _output_failed

        code = _output_failed(exc)
        if code is None and _committed(app, mark):
            return _failed(exc)
        return code
    except Exception as exc:
        if isinstance(exc, UnicodeEncodeError) or _committed(app, mark):
            return _failed(exc)
        from .errors import PlnError

        if isinstance(exc, PlnError | sqlite3.DatabaseError) or _from_server(exc):
            return None  # a user's error, nothing written: Typer words it and exits
        from .fast import _bug

        return _bug(exc)  # a bug is reported as one, never hidden by running it again
    finally:
        if app is not None:
            app.close()
        if collecting:
            gc.enable()


def _as_typer_path(db: str) -> str:
    """--db as the Typer app passes it on (a ``Path``: `a//b/` is `a/b`), but a shared
    book's URL as typed (the Typer app takes it from the command line: ``cli.base._raw_db``)."""
    if db.startswith("postgres"):
        return db
    if os.sep != "/":
        from pathlib import Path

        return str(Path(db))
    # what str(PurePosixPath(db)) gives, without importing pathlib (and urllib.parse): a
    # sixth of `pln share`'s start-up
    root = "//" if db.startswith("//") and not db.startswith("///") else "/" * db.startswith("/")
    return root + "/".join(p for p in db.split("/") if p not in ("", ".")) or "."


def _from_server(exc: BaseException) -> bool:
    """A shared book's server refused a statement (psycopg's errors; ``cli.base.guarded``
    words them)."""
    return type(exc).__module__.startswith("psycopg")


def _writes(command: str, opts: dict[str, Any], positional: list[str]) -> bool:
    if command == "introduce":
        return len(positional) == 2 and "--draft" not in opts
    return True


def _last_change(conn: sqlite3.Connection) -> int:
    from .store.history import last_change_id

    return last_change_id(conn)


def _committed(app: Any, mark: int | None) -> bool:
    """Whether the command wrote to the book (its change is in the history)."""
    if mark is None or app is None:
        return False
    try:
        return _last_change(app.conn) > mark
    except Exception:
        return True  # cannot tell: never run a write twice


def _failed(exc: BaseException) -> int:
    """Report an error the way ``cli.base.guarded`` does: one line, a hint, the exit code."""
    from .context import command_failed
    from .db import store_error
    from .errors import InvalidInput, PlnError
    from .tables import emit

    if isinstance(exc, PlnError):
        problem = exc
    elif isinstance(exc, sqlite3.DatabaseError):
        problem = store_error(exc, "the database")
    elif isinstance(exc, Exception) and _from_server(exc):
        from .store.pg import write_error

        problem = write_error(exc)
    elif isinstance(exc, UnicodeEncodeError):
        problem = InvalidInput(
            f"the output's encoding ({exc.encoding}) cannot show some of the text",
            "use a UTF-8 terminal or set PYTHONIOENCODING=utf-8",
        )
    else:
        problem = PlnError(
            f"internal error ({type(exc).__name__}); this is a bug in pln",
            "rerun with PLN_DEBUG=1 to see the traceback, and report it",
        )
    command_failed()
    hint = [(f"hint: {problem.hint}", "dim")] if problem.hint else []
    with contextlib.suppress(OSError):
        emit(f"error: {problem.message}", *hint, stderr=True)
    return problem.exit_code


def _writer(app: Any, text: str) -> Any:
    """PERSON for a command that writes: as typed (name, prefix, #id), never a guess."""
    from .resolve import resolve

    found = resolve(app.conn, text)
    if found.guessed_from is not None:
        raise Handoff
    return found


def _dispatch(app: Any, command: str, o: dict[str, Any], p: list[str]) -> None:
    from . import intro_commands as run

    json = bool(o.get("--json"))
    if command == "introduce":
        run.run_introduce(
            app,
            p,
            person=_writer,
            limit=o.get("--limit", NUMBERS["--limit"]),
            for_=o.get("--for"),
            topic=o.get("--topic"),
            include_following=bool(o.get("--include-following")),
            per_person=o.get("--per-person", NUMBERS["--per-person"]),
            message=o.get("--message", ""),
            draft=bool(o.get("--draft")),
            dismiss=bool(o.get("--dismiss")),
            until=o.get("--until"),
            json=json,
        )
    elif command == "intro outcome":
        message = o.get("--message", "")
        run.run_outcome(app, p[0], p[1], p[2], person=_writer, message=message, json=json)
    else:
        act = {
            "intro asked": run.run_asked,
            "intro made": run.run_made,
            "intro declined": run.run_declined,
        }[command]
        act(app, p[0], p[1], person=_writer, json=json)
