"""`pln db`: where the data lives and what it holds."""

import os

import typer

from .. import render
from ..db import schema_version
from ..errors import StoreError
from ..tables import Table, emit
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
    counts = {k: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for k, t in TABLES.items()}
    doc = {
        "path": p,
        "size_bytes": os.path.getsize(p),
        "schema_version": schema_version(conn),
        "counts": counts,
    }
    if json:
        render.print_json(doc)
        return
    table = Table("", "", header=False)
    table.add_row("path", p)
    table.add_row("size", f"{os.path.getsize(p):,} bytes")
    table.add_row("schema version", str(doc["schema_version"]))
    for k, v in counts.items():
        table.add_row(k.replace("_", " "), str(v))
    emit(table)


@db_app.command("check")
@guarded
def check(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Check the database: integrity, foreign keys and schema version. Exit 0 when healthy.

    \b
      pln db check
    """
    conn = state(ctx).conn
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    fk_problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    healthy = integrity == ["ok"] and not fk_problems
    doc = {
        "healthy": healthy,
        "integrity": integrity,
        "foreign_key_problems": len(fk_problems),
        "schema_version": schema_version(conn),
    }
    if json:
        render.print_json(doc)
    else:
        render.say(
            f"integrity: {', '.join(integrity[:5])}; foreign-key problems: {len(fk_problems)};"
            f" schema version {doc['schema_version']}"
        )
    if not healthy:
        raise typer.Exit(StoreError.exit_code)
