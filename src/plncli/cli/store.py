"""`pln db`: where the data lives and what it holds."""

import os
import sys
from typing import Annotated

import typer

from .. import history as hist
from .. import render
from ..db import EmptyBook, backup_to, no_book_yet, schema_version
from ..errors import InvalidInput, StoreError
from ..store import book
from ..tables import Table, emit
from .app import JsonOpt, command, guarded, state

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


@db_app.command("status")
@guarded
def status(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show the database's path, size, schema version and counts.

    \b
      pln db status
    """
    app_ = state(ctx)
    if app_.settings.shared:
        _shared_status(app_.conn, app_.settings.db_path, json)
        return
    conn = app_.conn
    p = app_.settings.db_path
    counts = book.counts(conn)
    doc = {
        "path": p,
        "size_bytes": os.path.getsize(p) if os.path.exists(p) else 0,  # none before a write
        "schema_version": schema_version(conn),
        "counts": counts,
    }
    if json:
        render.print_json(doc)
        return
    table = Table("", "", header=False)
    table.add_row("path", p)
    table.add_row("size", f"{doc['size_bytes']:,} bytes")
    table.add_row("schema version", str(doc["schema_version"]))
    for k, v in counts.items():
        table.add_row(k.replace("_", " "), str(v))
    emit(table)


def _shared_status(conn: object, url: str, json: bool) -> None:
    """`pln db status` on a shared book: the server, the database, who you are there."""
    from ..store.pg import book as pg_book

    facts = pg_book.facts(conn)  # type: ignore[arg-type]
    counts = book.counts(conn)  # type: ignore[arg-type]
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
    from ..opening import open_read_only

    app_ = state(ctx)
    if app_.settings.shared:  # the server's checks, in a read-only transaction
        from ..store.pg import book as pg_book

        health = pg_book.health(app_.conn)  # type: ignore[arg-type]
        integrity, fk_count, version = (
            health.problems or ["ok"],
            health.foreign_key_problems,
            health.schema_version,
        )
    else:
        conn = open_read_only(app_.existing_path())  # checking never changes the file
        try:
            integrity = book.integrity_problems(conn)
            fk_count = len(book.foreign_key_problems(conn))
            version = schema_version(conn)
        finally:
            conn.close()
    healthy = integrity == ["ok"] and not fk_count
    doc = {
        "healthy": healthy,
        "integrity": integrity,
        "foreign_key_problems": fk_count,
        "schema_version": version,
    }
    if json:
        render.print_json(doc)
    else:
        render.say(
            f"integrity: {', '.join(integrity[:5])}; foreign-key problems: {fk_count};"
            f" schema version {doc['schema_version']}"
        )
    if not healthy:
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
    app_ = state(ctx)
    if app_.settings.shared:
        raise _no_shared_backup(app_.settings.db_path, app_.now.strftime("%Y%m%d-%H%M%S"))
    conn = app_.conn
    if isinstance(conn, EmptyBook):
        raise no_book_yet(conn.path)
    folder = os.path.join(os.path.dirname(os.path.abspath(app_.settings.db_path)), "backups")
    if path is None:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        path = os.path.join(folder, f"pln-{app_.now.strftime('%Y%m%d-%H%M%S')}.db")
    path = os.path.expanduser(path)
    shown = backup_to(conn, path, force=force)
    removed = _rotate(folder, keep) if keep else []
    doc = {"path": path, "size_bytes": os.path.getsize(path), "removed": removed}
    if json:
        render.print_json(doc)
    else:
        render.say(f"Backed up to {shown} ({doc['size_bytes']:,} bytes, integrity checked).")
        for old in removed:
            render.say(f"Removed old backup {old}.", style="dim")


def _no_shared_backup(url: str, stamp: str) -> StoreError:
    """A shared book is backed up by PostgreSQL's own tools: ``pg_dump`` keeps all of it
    (the history with its authors, the undo data, the triggers, the members' grants) in
    one consistent snapshot, and ``pg_restore`` puts it back; a copy pln wrote would hold
    less, and would put every member's records in a file outside the server's care."""
    import shlex

    from ..store.pg import conninfo

    name = conninfo(url).get("dbname", "book")
    return StoreError(
        "pln does not back up a shared book on PostgreSQL: the server's own pg_dump does",
        f"pg_dump --format=custom --file={shlex.quote(f'{name}-{stamp}.dump')} {shlex.quote(url)}",
    )


def _rotate(folder: str, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` pln-*.db backups in ``folder``."""
    if not os.path.isdir(folder):
        return []
    names = sorted(n for n in os.listdir(folder) if n.startswith("pln-") and n.endswith(".db"))
    old = [os.path.join(folder, n) for n in names[:-keep]]
    for p in old:
        os.unlink(p)
    return old


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
    app_ = state(ctx)
    rows = hist.changes(app_.conn, limit=limit)
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
    app_ = state(ctx)
    only = change is not None
    target = (
        hist.change_to_undo(app_.conn, _history_id(change))
        if change is not None
        else hist.next_to_undo(app_.conn)
    )
    if not yes and not sys.stdin.isatty():
        raise InvalidInput("pln undo asks before it changes anything", "add --yes")
    if only:
        hist.check_undo_alone(app_.conn, app_.settings.db_path, target, now=app_.now)
    render.say(f"Undo #{target.id}: {target.command}  [{render.change_words(target.summary)}]")
    if not yes and not typer.confirm("Undo it?", default=False, err=True):
        render.say("Nothing changed.")
        return
    made = hist.undo(app_.conn, app_.settings.db_path, target, now=app_.now, only=only)
    if json:
        render.print_json({"undone": _change_json(target), "history_id": made})
    else:
        render.say(f"Undone. (`pln history` shows it as #{made}.)")


def _history_id(text: str) -> int:
    import re

    found = re.fullmatch(r"\s*#?(\d{1,18})\s*", text)
    if found is None:
        raise InvalidInput(
            f"{text!r} is not a history entry", "give its id as `pln history` shows it"
        )
    return int(found.group(1))


@db_app.command("init")
@guarded
def init(
    url: Annotated[
        str,
        typer.Argument(
            help="The empty PostgreSQL database: postgresql://[USER@]HOST[:PORT]/DATABASE.",
            show_default=False,
        ),
    ],
    json: JsonOpt = False,
) -> None:
    """Prepare an empty PostgreSQL database as a shared book, and its members' roles.

    Passwords come from ~/.pgpass, PGPASSWORD or a service file, never from the URL.

    \b
      createdb -O me department          (as a PostgreSQL administrator)
      pln db init postgresql://me@db.example.org/department
    """
    from ..store.pg import prepare

    done = prepare.init(url)
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
