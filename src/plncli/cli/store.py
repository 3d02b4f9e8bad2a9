"""`pln db`: where the data lives and what it holds."""

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from .. import history as hist
from .. import render
from ..commands import book as cmd
from ..errors import StoreError
from ..tables import Table, emit
from .base import JsonOpt, command, guarded, state

if TYPE_CHECKING:
    from ..store.pg.book import Facts

db_app = typer.Typer(
    help="The database file: where it is and what it holds.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

from .base import app  # noqa: E402

app.add_typer(db_app, name="db")


@db_app.command("path")
@guarded
def path(ctx: typer.Context) -> None:
    """Print the database file's path.

    \b
      pln db path
    """
    print(cmd.path(state(ctx)))  # noqa: T201


@db_app.command("status")
@guarded
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show the database's path, size, schema version and counts.

    \b
      pln db status
    """
    found = cmd.status(state(ctx))
    if found.shared is not None:
        _shared_status(found, found.shared, json)
        return
    doc = {
        "path": found.path,
        "size_bytes": found.size_bytes,
        "schema_version": found.schema_version,
        "counts": found.counts,
    }
    if json:
        render.print_json(doc)
        return
    table = Table("", "", header=False)
    table.add_row("path", found.path)
    table.add_row("size", f"{found.size_bytes:,} bytes")
    table.add_row("schema version", str(found.schema_version))
    for k, v in found.counts.items():
        table.add_row(k.replace("_", " "), str(v))
    emit(table)


def _shared_status(found: cmd.Status, facts: "Facts", json: bool) -> None:
    """`pln db status` on a shared book: the server, the database, who you are there."""
    url, counts = found.path, found.counts
    doc = {
        "path": url,
        "server": facts.server,
        "database": facts.database,
        "size_bytes": facts.size_bytes,
        "schema_version": facts.schema_version,
        "role": facts.role,
        "may_write": facts.may_write,
        "counts": counts,
    }
    if json:
        render.print_json(doc)
        return
    table = Table("", "", header=False)
    table.add_row("path", url)
    table.add_row("server", facts.server)
    table.add_row("database", facts.database)
    table.add_row("size", f"{facts.size_bytes:,} bytes")
    table.add_row("schema version", str(facts.schema_version))
    table.add_row("your role", facts.role)
    table.add_row("you may", "read and write" if facts.may_write else "read only")
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
    health = cmd.check(state(ctx))
    doc = {
        "healthy": health.healthy,
        "integrity": health.integrity,
        "foreign_key_problems": health.foreign_key_problems,
        "schema_version": health.schema_version,
    }
    if json:
        render.print_json(doc)
    else:
        render.say(
            f"integrity: {', '.join(health.integrity[:5])};"
            f" foreign-key problems: {health.foreign_key_problems};"
            f" schema version {health.schema_version}"
        )
    if not health.healthy:
        sys.exit(StoreError.exit_code)  # said above; SystemExit passes `guarded`


@db_app.command("backup")
@guarded
def backup(
    ctx: typer.Context,
    path: Annotated[
        str | None,
        typer.Argument(
            help="Where to write it (default: backups/ beside the database).", show_default=False
        ),
    ] = None,
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep", min=1, help="Keep only the newest N backups in backups/.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
    json: JsonOpt = False,
) -> None:
    """Write a consistent, verified, owner-only copy of the database.

    \b
      pln db backup                      (backups/pln-YYYYMMDD-HHMMSS.db beside the database)
      pln db backup ~/safe/pln.db
      pln db backup --keep 10            (and delete all but the newest 10 in backups/)
    """
    made = cmd.backup(state(ctx), path, keep=keep, force=force)
    doc = {"path": made.path, "size_bytes": made.size_bytes, "removed": made.removed}
    if json:
        render.print_json(doc)
    else:
        render.say(f"Backed up to {made.shown} ({made.size_bytes:,} bytes, integrity checked).")
        for old in made.removed:
            render.say(f"Removed old backup {old}.", style="dim")


@command("history")
def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many.")] = 20,
    json: JsonOpt = False,
) -> None:
    """List recent changes: what command, when, and what it changed.

    \b
      pln history
      pln history --limit 50 --json
    """
    rows = cmd.history(state(ctx), limit=limit)
    state(ctx).page()
    if json:
        render.print_json([_change_json(c) for c in rows])
        return
    if not rows:
        emit("No changes yet.")
        return
    shared = any(c.author is not None for c in rows)  # a shared book: who made each
    table = Table("#", "when", *(["by"] if shared else []), "command", "changed")
    for c in rows:
        when = c.at.astimezone().strftime("%Y-%m-%d %H:%M")
        table.add_row(
            str(c.id),
            when,
            *([c.author or ""] if shared else []),
            c.command + ("  (undone)" if c.undone else ""),
            render.change_words(c.summary),
        )
    emit(table)


def _change_json(c: hist.Change) -> dict[str, object]:
    return {
        "id": c.id,
        "at": render.iso_instant(c.at),
        "command": c.command,
        "kind": c.kind,
        "summary": c.summary,
        "undone": c.undone,
        **({"author": c.author} if c.author is not None else {}),
    }


@command("undo")
def undo(
    ctx: typer.Context,
    change: Annotated[
        str | None,
        typer.Argument(
            help="A history entry (#ID, as `pln history` shows) to revert on its own.",
            show_default=False,
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    json: JsonOpt = False,
) -> None:
    """Revert the newest change not yet undone; run it again to go further back.

    \b
      pln undo              (shows the change and asks)
      pln undo --yes
      pln undo 42           (only change #42, if nothing later touched the same records)
    """

    def approve(target: hist.Change) -> bool:
        render.say(f"Undo #{target.id}: {target.command}  [{render.change_words(target.summary)}]")
        return yes or typer.confirm("Undo it?", default=False, err=True)

    done = cmd.undo(state(ctx), change, may_ask=yes or sys.stdin.isatty(), approve=approve)
    if done.history_id is None:
        render.say("Nothing changed.")
    elif json:
        render.print_json({"undone": _change_json(done.target), "history_id": done.history_id})
    else:
        render.say(f"Undone. (`pln history` shows it as #{done.history_id}.)")


@db_app.command("init")
@guarded
def init(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Argument(
            help="The empty PostgreSQL database: postgresql://[USER@]HOST[:PORT]/DATABASE"
            " (default: the book pln uses, when it is one: --db, PLN_DB or the config's db).",
            show_default=False,
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Prepare an empty PostgreSQL database as a shared book, and its members' roles.

    Passwords come from ~/.pgpass, PGPASSWORD or a service file, never from the URL.

    \b
      createdb -O me department          (as a PostgreSQL administrator)
      pln db init postgresql://me@db.example.org/department
    """
    done = cmd.init(state(ctx), url)
    doc = {
        "database": done.database,
        "server": done.where,
        "schema_version": done.version,
        "roles": {"read": done.read_role, "write": done.write_role},
        "created_roles": done.roles_created,
        "accent_folding": done.unaccent,
    }
    if json:
        render.print_json(doc)
        return
    made = "created" if done.roles_created else "already there"
    writer, reader = _sql_name(done.write_role), _sql_name(done.read_role)
    lines = [
        f"Prepared {done.database} on {done.where} as a shared pln book (schema {done.version}).",
        f"Members' roles ({made}): {done.read_role} may read,"
        f" {done.write_role} may read and write.",
        "Next, as a role that may create roles (in psql), one role per member:",
        *_aligned(
            [
                (f"CREATE ROLE alice LOGIN IN ROLE {writer};", "a member who writes"),
                (f"CREATE ROLE ben LOGIN IN ROLE {reader};", "a member who only reads"),
                ("\\password alice", "each member's password"),
            ]
        ),
        "Members keep their password in ~/.pgpass (or PGPASSWORD), never in pln's config.",
        "Every pln command then runs on it: each member gives the book's URL, with their own"
        " role, to --db, PLN_DB or the config's db.",
    ]
    if not done.unaccent:
        lines.append(
            "Note: the server has no unaccent extension: search folds case but not accents."
        )
    emit("\n".join(lines))


@db_app.command("upgrade")
@guarded
def upgrade(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Argument(
            help="The shared book's URL (default: the book pln uses).", show_default=False
        ),
    ] = None,
    json: JsonOpt = False,
) -> None:
    """Bring a shared book made by an older pln to this pln's schema (its keeper, once).

    Run as the role that ran `pln db init`: it owns the tables. A personal book
    upgrades itself when opened (after a backup beside it); this opens it.

    \b
      pln db upgrade postgresql://me@db.example.org/department
    """
    done = cmd.upgrade(state(ctx), url)
    if json:
        render.print_json(
            {
                "database": done.database,
                "server": done.where or None,
                "schema_version_before": done.before,
                "schema_version": done.after,
                "added": done.added,
            }
        )
        return
    where = f"{done.database} on {done.where}" if done.where else done.database
    if done.before == done.after:
        emit(f"{where} is at schema {done.after}, this pln's; nothing to do.")
        return
    added = f": added {', '.join(done.added)}" if done.added else ""
    emit(f"Upgraded {where} from schema {done.before} to {done.after}{added}.")


def _aligned(rows: list[tuple[str, str]]) -> list[str]:
    """SQL statements with their ``--`` comments in one column, whatever the names' lengths."""
    width = max(len(sql) for sql, _ in rows)
    return [f"  {sql.ljust(width)}   -- {comment}" for sql, comment in rows]


def _sql_name(name: str) -> str:
    """A role's name as SQL writes it: quoted unless plain lower-case (``"Dept-1_write"``)."""
    import re

    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'
