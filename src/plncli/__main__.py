"""`python -m plncli` and the `pln` console script."""

import gc
import os
import sys


def main() -> None:
    mode = os.environ.get("_PLN_COMPLETE")
    if mode is not None:  # a shell asks for completions: answered without Typer
        from .complete import main as complete

        sys.exit(complete(mode))
    from .fast import run

    code = run(sys.argv[1:])
    if code is not None:
        # What the command loaded lives until the process ends: the collections at exit
        # would walk it all once more (~5% of `pln introduce --for` at 10,000 people).
        gc.freeze()
        sys.exit(code)
    from .cli import app

    app(prog_name="pln")


if __name__ == "__main__":
    main()
