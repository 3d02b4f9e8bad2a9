"""The fast path: `pln due`, `list`, `show`, `find` and `--version` without Typer.

Typer and its Click core cost ~35 ms to import, more than the rest of a read
command together (benchmarks/README.md). These commands are the ones people run
many times a day, so ``__main__`` first offers the arguments here. This parser
accepts only what it fully understands: anything else (``--help``, an unknown
or malformed option, a bad choice, any error at all) returns ``None`` and the
Typer app runs the command instead, with its own messages. Both ways call the
same functions in ``reads.py``; tests prove they print the same.
"""

import os
import sys
from collections.abc import Callable
from typing import Any

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


# command -> module whose run(argv) serves it (the same contract as run: an exit code or None)
HOOKS = {"introduce": "fast_intro", "intro": "fast_intro"}


def _hook(argv: list[str]) -> Callable[[list[str]], int | None] | None:
    first = 2 if argv[:1] == ["--db"] else 1 if argv[:1] and argv[0].startswith("--db=") else 0
    module = HOOKS.get(argv[first]) if len(argv) > first else None
    if module is None:
        return None
    from importlib import import_module

    run_: Callable[[list[str]], int | None] = import_module(f".{module}", __package__).run
    return run_


def parse(argv: list[str]) -> tuple[str | None, str, dict[str, Any], list[str]] | None:
    """Split ``[--db PATH] COMMAND [options/args]``; None when not fully understood."""
    db: str | None = None
    args = list(argv)
    while args and args[0].startswith("--db"):
        flag = args.pop(0)
        if flag.startswith("--db="):
            db = flag[5:]
        elif flag == "--db" and args:
            db = args.pop(0)
        else:
            return None
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

        try:
            sys.stdout.write(f"pln {__version__}\n")
            sys.stdout.flush()
        except OSError as exc:
            return _output_failed(exc)
        return 0
    hooked = _hook(argv)
    if hooked is not None:
        return hooked(argv)
    parsed = parse(argv)
    if parsed is None:
        return None
    db, command, opts, positional = parsed
    from .context import AppContext, flush_notes

    try:
        app = AppContext(db)
        try:
            _dispatch(app, command, opts, positional)
            sys.stdout.flush()
            flush_notes()
        finally:
            app.close()
    except OSError as exc:  # output that cannot be written (or an error: Typer reports it)
        return _output_failed(exc)
    except Exception:
        # Errors come before any output; Typer runs the (read-only) command again
        # and reports the error its own way, with the same message and exit code.
        return None
    return 0


def _output_failed(exc: OSError) -> int | None:
    """`pln list | head` is success: the reader has all it wants; a full disk is exit 7."""
    from .files import is_output_error, output_error

    if not is_output_error(exc):
        return None
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
