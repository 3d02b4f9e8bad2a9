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
        sys.exit(code)
    gc.enable()
    from .cli import app

    app(prog_name="pln")


if __name__ == "__main__":
    main()
