"""Data in and out: import, export, merge."""

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from .. import files, render
from .. import transfer as svc
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..formats.records import Problem
from ..resolve import resolve
from ..tables import Table, emit
from ..text import visible
from . import parse
from .app import JsonOpt, command, state
from .parse import Circle

if TYPE_CHECKING:
    from ..merge import MergePlan

FORMATS = ("vcard", "linkedin", "google", "csv", "json")
EXPORTS = ("json", "csv", "vcard", "ics")


@command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="vCard, LinkedIn/Google/pln CSV, or pln JSON.")],
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="vcard, linkedin, google, csv or json (default: from the content).",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="The file's encoding if not UTF-8, e.g. latin-1.", show_default=False
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")
    ] = False,
    on_duplicate: Annotated[
        str,
        typer.Option(
            "--on-duplicate",
            help="merge (fill empty fields, add list values), skip, or add anyway.",
        ),
    ] = "merge",
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help="Import the valid records; write the rejects to a report."
        ),
    ] = False,
    met_at: Annotated[
        str | None,
        typer.Option("--met-at", help="Everyone was met at this event.", show_default=False),
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option("--topic", help="Add this topic to everyone.", show_default=False),
    ] = None,
    circle: Annotated[
        Circle | None,
        typer.Option(
            "--circle",
            help="Put everyone in this circle.",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE.rejects.txt if it exists.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Import people from a file, all or nothing.

    \b
      pln import contacts.vcf --dry-run
      pln import Connections.csv --met-at "LinkedIn" --circle following
      pln import attendees.csv --met-at "researchED 2026" --topic assessment
      pln import backup.json                  (a pln export, into an empty database)
    """
    app = state(ctx, creates=not dry_run)
    if format_ is not None and format_ not in FORMATS:
        raise InvalidInput(f"--format {format_!r} is not known", f"use {', '.join(FORMATS)}")
    if on_duplicate not in svc.ON_DUPLICATE:
        raise InvalidInput(
            f"--on-duplicate {on_duplicate!r} is not known", "use merge, skip or add"
        )
    if format_ == "json" or (format_ is None and svc.is_pln_json(file)):
        _restore(app, file, dry_run=dry_run, json=json)
        return
    from ..formats import read_file

    result = read_file(file, fmt=format_, encoding=encoding)
    records = [
        svc.with_defaults(
            r, met_at=met_at, topic=topic or [], circle=circle.value if circle else None
        )
        for r in result.records
    ]
    with _progress(len(records), f"checking {len(records):,} records") as tick:
        plan = svc.plan_import(
            app.conn, result._replace(records=records), on_duplicate=on_duplicate, tick=tick
        )
    if plan.invalid and not skip_invalid:
        _list_problems(plan.invalid)
        bad = render.number_of(len(plan.invalid), "invalid record", "invalid records")
        raise InvalidInput(
            f"{bad} in {file} (listed above); nothing imported",
            "fix them, or add --skip-invalid to import the rest",
        )
    if dry_run:
        _report(plan, file, dry=True, json=json, counts=(len(plan.add), len(plan.merge), 0))
        return
    rejects = files.target(f"{file}.rejects.txt", force=force) if plan.invalid else None
    with transaction(app.conn), _progress(len(plan.add), "writing", counted=False):
        counts = svc.apply_import(app.conn, plan, now=app.now)
        if rejects:  # written before the commit: if it cannot be, nothing is imported
            _write_rejects(rejects, plan.invalid)
    _report(plan, file, dry=False, json=json, counts=counts)


PROGRESS_FROM = 2000  # records: smaller imports are over before a bar could be read


@contextmanager
def _progress(size: int, what: str, *, counted: bool = True) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, only on a terminal and only for large imports
    (``counted``: one tick per record; else a bar that only shows pln is working)."""
    if not sys.stderr.isatty() or size < PROGRESS_FROM:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=size if counted else None)
        yield lambda: bar.advance(task)


def _restore(app: AppContext, file: str, *, dry_run: bool, json: bool) -> None:
    from ..restore_check import Refused

    try:
        _restore_checked(app, file, dry_run=dry_run, json=json)
    except Refused as exc:
        _list_problems(exc.problems)
        raise


def _restore_checked(app: AppContext, file: str, *, dry_run: bool, json: bool) -> None:
    if dry_run:
        doc = svc.load_export(file)
        counts = {t: len(rows) for t, rows in doc["tables"].items()}
    else:
        # A restore fills an empty book: it is one history entry, not row-by-row undo
        # steps (undoing it is deleting the new file).
        with transaction(app.conn, record=False):
            counts = svc.restore_book(app.conn, file)
            svc.note_restore(app.conn, file, counts, now=app.now)
    if json:
        render.print_json({"restored": not dry_run, "tables": counts})
    else:
        verb = "Would restore" if dry_run else "Restored"
        render.say(
            f"{verb} {render.number_of(counts.get('person', 0), 'person', 'people')},"
            f" {render.number_of(counts.get('interaction', 0), 'interaction', 'interactions')}"
            f" and {render.number_of(counts.get('followup', 0), 'follow-up', 'follow-ups')}"
            f" from {file}."
        )


def _list_problems(problems: list[Problem], *, rest: str = "") -> None:
    for p in problems[:50]:  # a file's text may hold controls: escaped (text.visible)
        sys.stderr.write(visible(f"  {p.where}: {p.field}: {p.why}") + "\n")
    if len(problems) > 50:
        from collections import Counter

        common = Counter(p.field for p in problems[50:]).most_common(8)
        fields = ", ".join(f"{field} {count:,}" for field, count in common)
        sys.stderr.write(f"  ... and {len(problems) - 50:,} more ({fields}{rest})\n")


def _write_rejects(where: files.Target, problems: list[Problem]) -> None:
    text = "".join(f"{p.where}\t{p.field}\t{p.why}\n" for p in problems)
    files.write(where, text.encode("utf-8"))
    n = render.number_of(len(problems), "invalid record", "invalid records")
    render.say(f"{n} skipped; listed in {where.shown}.")


def _report(
    plan: svc.Plan, file: str, *, dry: bool, json: bool, counts: tuple[int, int, int]
) -> None:
    if json:
        render.print_json(
            {
                "dry_run": dry,
                "added": [r.name for r in plan.add],
                "merged": [{"name": r.name, "into": render.ref_json(p)} for r, p in plan.merge],
                "skipped": [{"name": r.name, "existing": render.ref_json(p)} for r, p in plan.skip],
                "invalid": [p._asdict() for p in plan.invalid],
                "notes": [p._asdict() for p in plan.notes],
                "ties": counts[2],
            }
        )
        return
    added = render.number_of(counts[0], "person", "people")
    verb = "Would add" if dry else "Added"
    render.say(
        f"{verb} {added} from {file}; merged into people already in the book: {counts[1]},"
        f" skipped: {len(plan.skip)}, invalid: {len(plan.invalid)}."
    )
    if dry and (plan.merge or plan.skip):
        table = Table("record", "name", "matches")
        for r, p in plan.merge + plan.skip:
            table.add_row(r.where, r.name, f"{p.name} (#{p.id})")
        emit(table, stderr=True)
    if plan.notes:
        notes = render.number_of(len(plan.notes), "note", "notes")
        render.say(f"{notes} on what was not kept, or not kept as it was:", style="dim")
        _list_problems(plan.notes, rest="; all in --json")


@command("export")
def export(
    ctx: typer.Context,
    format_: Annotated[str, typer.Option("--format", help="json, csv, vcard or ics.")] = "json",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="File to write (default: stdout).", show_default=False),
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="CSV: leave cells as they are (no formula guard).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
) -> None:
    """Export the book: json (everything), csv (people), vcard (4.0), ics (follow-ups).

    \b
      pln export --format json -o pln-backup.json
      pln export --format csv -o people.csv
      pln export --format ics -o follow-ups.ics      (subscribe from a calendar)
    """
    app = state(ctx)
    if format_ not in EXPORTS:
        raise InvalidInput(f"--format {format_!r} is not known", f"use {', '.join(EXPORTS)}")
    if output is None:
        for chunk in _render_export(app, format_, raw=raw):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    svc.refuse_database_path(output, app.settings.db_path)
    where = files.target(output, force=force)  # refused before any work is done
    size = files.write(where, _render_export(app, format_, raw=raw))
    render.say(f"Wrote {where.shown} ({size:,} bytes).")


def _render_export(app: AppContext, format_: str, *, raw: bool) -> Iterable[bytes]:
    from ..formats import export as fx

    if format_ == "json":
        return svc.export_book(app.conn, now=app.now)
    if format_ == "ics":
        s = app.settings
        items = svc.calendar_items(
            app.conn, today=app.today, cadences=s.cadence, first_contact_days=s.first_contact_days
        )
        return [fx.to_ics(items, now=app.now)]
    people = svc.export_people(app.conn)
    text = fx.to_csv(people, raw=raw) if format_ == "csv" else fx.to_vcard(people)
    return [text.encode("utf-8")]


def _moves(plan: "MergePlan") -> str:
    """ "3 interactions, 1 follow-up, 0 ties, 0 groups, 1 introduction" (what a merge moves)."""
    words = (
        (plan.interactions, "interaction", "interactions"),
        (plan.followups, "follow-up", "follow-ups"),
        (plan.ties, "tie", "ties"),
        (plan.groups, "group", "groups"),
        (plan.introductions, "introduction", "introductions"),
    )
    return ", ".join(render.number_of(n, one, many) for n, one, many in words)


@command("merge")
def merge(
    ctx: typer.Context,
    keep: Annotated[str, typer.Argument(help="PERSON to keep.")],
    other: Annotated[str, typer.Argument(help="PERSON to merge into KEEP (then archived).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
) -> None:
    """Merge two records of one person: OTHER's history moves to KEEP, OTHER is archived.

    \b
      pln merge "Ana Ruiz" "Ana Ruiz-Garcia"
      pln merge "#12" "#40" --yes
    """
    from .. import merge as svc_merge

    app = state(ctx)
    if not yes and not sys.stdin.isatty():
        raise InvalidInput("pln merge asks before it changes anything", "add --yes")
    k, o = parse.person(app, keep), parse.person(app, other)
    plan = svc_merge.plan_merge(app.conn, k, o)  # read only: no lock held while the user reads
    render.say(
        f"Merge {o.name} (#{o.id}) into {k.name} (#{k.id}): {_moves(plan)} move;"
        f" {render.number_of(plan.values, 'value', 'values')} added"
        + (f"; fills {', '.join(plan.filled)}" if plan.filled else "")
        + f"; then {o.name} (#{o.id}) is archived."
    )
    if not yes and not typer.confirm("Merge?", default=False, err=True):
        render.say("Nothing changed.")
        return
    with transaction(app.conn):
        svc_merge.merge(
            app.conn, resolve(app.conn, f"#{k.id}"), resolve(app.conn, f"#{o.id}"), now=app.now
        )
    render.say("Merged. `pln undo` reverts it.")
