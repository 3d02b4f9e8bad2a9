"""`python -m plncli` and the `pln` console script."""

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
        sys.exit(code)
    from .cli import app

    app(prog_name="pln")


if __name__ == "__main__":
    main()
