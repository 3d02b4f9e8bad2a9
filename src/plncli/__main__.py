"""`python -m plncli` and the `pln` console script."""


def main() -> None:
    from .cli import app

    app(prog_name="pln")


if __name__ == "__main__":
    main()
