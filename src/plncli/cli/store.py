"""`pln db`: where the data lives and what it holds."""

import typer

from .. import render
from ..db import schema_version
from .app import JsonOpt, guarded, state

db_app = typer.Typer(
    help="The database file: where it is and what it holds.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

from .app import app  # noqa: E402

app.add_typer(db_app, name="db")


@db_app.command("path")
@guarded
def path(ctx: typer.Context) -> None:
    """Print the database file's path.

    \b
      pln db path
    """
    print(state(ctx).settings.db_path)  # noqa: T201


TABLES = {
    "people": "person WHERE archived_at IS NULL",
    "archived": "person WHERE archived_at IS NOT NULL",
    "events": "event",
    "interactions": "interaction",
    "open_followups": "followup WHERE state = 'open'",
}


@db_app.command("status")
@guarded
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show the database's path, size, schema version and counts.

    \b
      pln db status
    """
    app_ = state(ctx)
    conn = app_.conn
    p = app_.settings.db_path
    doc = {
        "path": str(p),
        "size_bytes": p.stat().st_size,
        "schema_version": schema_version(conn),
        "counts": {
            k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in TABLES.items()
        },
    }
    if json:
        render.print_json(doc)
        return
    out = render.console()
    out.print(f"path            {doc['path']}")
    out.print(f"size            {doc['size_bytes']:,} bytes")
    out.print(f"schema version  {doc['schema_version']}")
    for k, v in doc["counts"].items():  # type: ignore[attr-defined]
        out.print(f"{k.replace('_', ' '):<16}{v}")
