"""`python -m plncli` and the `pln` console script."""

import sys


def main() -> None:
    from .fast import run

    code = run(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .cli import app

    app(prog_name="pln")


if __name__ == "__main__":
    main()
