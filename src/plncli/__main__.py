"""`python -m plncli` and the `pln` console script."""

import gc
import os
import sys


def main() -> None:
    mode = os.environ.get("_PLN_COMPLETE")
    if mode is not None:  # a shell asks for completions: answered without Typer
        from .complete import main as complete

        sys.exit(complete(mode))
    # Starting makes tens of thousands of objects (modules, classes, rows) and no garbage
    # worth a collection: the collections it set off were ~3 ms of `pln list`.
    gc.disable()
    from .fast import run

    code = run(sys.argv[1:])
    if code is not None:
        # What the command loaded lives until the process ends: the collections at exit
        # would walk it all once more (~5% of `pln introduce --for` at 10,000 people).
        gc.freeze()
        global _served
        _served = True
        sys.exit(code)
    gc.enable()
    from .cli import app_for

    app_for(sys.argv[1:])(prog_name="pln")


_served = False  # the fast path served the command (``main``)


def entry() -> None:
    """The `pln` console script and `python -m plncli`: ``main``; then, for a command the
    fast path served, the process ends at once (``_exit``). ``main`` itself ends by
    ``sys.exit`` as it always has, for code that runs it and goes on (tests do)."""
    try:
        main()
    except SystemExit as done:
        if _served and isinstance(done.code, int):
            _exit(done.code)
        raise


def _exit(code: int) -> None:
    """End the process once a command the fast path served is done and its output is out.

    Finalizing the interpreter only takes apart what the command loaded, module by module
    (~5M instructions of `pln due --json`, as much as its JSON writer). Ending it at once
    skips nothing that matters when nothing is registered to run at exit (a pager,
    ``pager.start``, registers its wait there; so do coverage and tests) and standard
    output and error are flushed; otherwise, or if a flush fails, the usual exit says it."""
    import atexit

    if atexit._ncallbacks() == 0:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # a closed or full output: sys.exit reports it as it always has
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
