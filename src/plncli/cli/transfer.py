"""Data in and out: import, export, merge."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from .. import render
from .. import transfer as svc
from ..commands import people as people_cmd
from ..commands import transfer as cmd
from ..errors import InvalidInput
from ..formats.records import Problem, listed
from ..resolve import PersonRef
from ..tables import Table, emit
from ..text import MAX_TEXT, visible
from . import parse
from .base import JsonOpt, command, state
from .parse import Circle

if TYPE_CHECKING:
    from ..merge import MergePlan
    from ..vdir import Written


@command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="vCard, LinkedIn/Google/pln CSV, or pln JSON; a vdir (a folder of .vcf"
            " files); - reads standard input (with --format)."
        ),
    ],
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
      pln import ~/.contacts/pln              (a vdir: every card, matched by its UID)
      some-tool | pln import - --format vcard (standard input)
    """
    from ..restore_check import Refused

    app = state(ctx, creates=not dry_run)
    app.previews = dry_run
    try:
        done = cmd.import_file(
            app,
            file,
            format_=format_,
            encoding=encoding,
            dry_run=dry_run,
            on_duplicate=on_duplicate,
            skip_invalid=skip_invalid,
            met_at=met_at,
            topics=topic,
            circle=circle.value if circle else None,
            force=force,
            progress=_progress,
        )
    except (Refused, cmd.InvalidRecords) as exc:
        _list_problems(exc.problems)
        raise
    file = "standard input" if file == "-" else file
    if isinstance(done, cmd.Restored):
        _report_restore(done, file, json=json)
        return
    if done.rejects:
        n = render.number_of(len(done.plan.invalid), "invalid record", "invalid records")
        render.say(f"{n} skipped; listed in {done.rejects.shown}.")
    _report(done.plan, file, dry=done.dry_run, json=json, counts=done.counts)


PROGRESS_FROM = 2000  # records: smaller imports are over before a bar could be read


@contextmanager
def _progress(size: int, what: str, counted: bool) -> Iterator[Callable[[], None]]:
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


def _report_restore(done: cmd.Restored, file: str, *, json: bool) -> None:
    counts = done.tables
    if json:
        render.print_json({"restored": not done.dry_run, "tables": counts})
    else:
        verb = "Would restore" if done.dry_run else "Restored"
        render.say(
            f"{verb} {render.number_of(counts.get('person', 0), 'person', 'people')},"
            f" {render.number_of(counts.get('interaction', 0), 'interaction', 'interactions')}"
            f" and {render.number_of(counts.get('followup', 0), 'follow-up', 'follow-ups')}"
            f" from {file}."
        )


def _list_problems(problems: list[Problem], *, rest: str = "") -> None:
    """At most 50 lines, one per thing said: the same note of many records (a phone's
    export has `PRODID` and `REV` on every card) is one line naming the first of them
    (``card 1, card 2, card 3 and 997 more: PRODID: not kept: ...``), so that a note of
    one card is not lost among a thousand of the same."""
    said: dict[tuple[str, str], list[str]] = {}
    for p in problems:
        said.setdefault((p.field, p.why), []).append(p.where)
    lines = list(said.items())
    for (field, why), wheres in lines[:50]:  # a file's text may hold controls: escaped
        sys.stderr.write(visible(f"  {listed(wheres, 3)}: {field}: {why}") + "\n")
    if len(lines) > 50:
        from collections import Counter

        common: Counter[str] = Counter()
        for (field, _), wheres in lines[50:]:
            common[field] += len(wheres)
        left = sum(common.values())
        fields = ", ".join(f"{field} {count:,}" for field, count in common.most_common(8))
        sys.stderr.write(f"  ... and {left:,} more ({fields}{rest})\n")


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
    target: Annotated[
        str | None,
        typer.Argument(
            help="File to write (as --output); for vdir, the folder.", show_default=False
        ),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help="json, csv, vcard, ics or vdir (a folder).")
    ] = "json",
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="File to write (default: stdout).", show_default=False),
    ] = None,
    delete: Annotated[
        bool,
        typer.Option("--delete", help="vdir: remove the cards of people no longer in the book."),
    ] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="CSV: leave cells as they are (no formula guard).")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the output file if it exists.")
    ] = False,
) -> None:
    """Export the book: json (everything), csv (people), vcard (4.0), ics (follow-ups),
    vdir (a folder with a card per person, for khard and vdirsyncer).

    \b
      pln export --format json -o pln-backup.json
      pln export --format csv -o people.csv
      pln export --format ics -o follow-ups.ics      (subscribe from a calendar)
      pln export --format vdir ~/.contacts/pln       (only changed cards are rewritten)
    """
    app = state(ctx)
    if target is not None and output is not None:
        raise InvalidInput("give the file either as an argument or with --output, not both")
    output = output if output is not None else target
    if delete and format_ != "vdir":
        raise InvalidInput("--delete is for --format vdir", "leave --delete out")
    if raw and format_ != "csv":  # refused, not ignored: only a CSV has a formula guard
        raise InvalidInput("--raw is for --format csv", "leave --raw out")
    if format_ == "vdir" and output is not None:
        _report_vdir(cmd.export_vdir(app, output, delete=delete))
        return
    if output is None:
        for chunk in cmd.export(app, format_, raw=raw):
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    done = cmd.export_file(app, output, format_, raw=raw, force=force)
    render.say(f"Wrote {done.shown} ({done.size:,} bytes).")


def _report_vdir(done: "Written") -> None:
    cards = render.number_of(done.written, "card", "cards")
    made = " (created)" if done.created else ""
    render.say(f"Wrote {cards} to {done.folder}{made}; {done.unchanged:,} unchanged.")
    if done.removed:
        gone = render.number_of(done.removed, "card", "cards")
        render.say(f"Removed {gone} of people no longer in the book.")
    if done.left:
        left = render.number_of(done.left, "card", "cards")
        render.say(f"Left {left} of people no longer in the book (--delete removes them).")


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

    KEEP's empty fields are filled from OTHER and its own values kept (the plan names
    each of OTHER's it does not keep); the meeting (event, day) moves as one.

    \b
      pln merge "Ana Ruiz" "Ana Ruiz-Garcia"
      pln merge "#12" "#40" --yes
    """
    app = state(ctx)
    if not yes and not sys.stdin.isatty():
        raise InvalidInput("pln merge asks before it changes anything", "add --yes")

    def approve(plan: "MergePlan", k: PersonRef, o: PersonRef) -> bool:
        render.say(
            f"Merge {o.name} (#{o.id}) into {k.name} (#{k.id}): {_moves(plan)} move;"
            f" {render.number_of(plan.values, 'value', 'values')} added"
            + (f"; fills {', '.join(plan.filled)}" if plan.filled else "")
            + (f"; keeps its {' and its '.join(plan.kept)}" if plan.kept else "")
            + (f"; takes #{o.id}'s meeting {plan.meeting}" if plan.meeting else "")
            + (f"; no longer introduced by {plan.dropped}" if plan.dropped else "")
            + (f"; #{o.id}'s notes go after #{k.id}'s" if plan.notes == "added" else "")
            + (
                f"; #{o.id}'s notes stay with #{o.id}: together they would pass"
                f" {MAX_TEXT:,} characters"
                if plan.notes == "kept apart"
                else ""
            )
            + f"; then {o.name} (#{o.id}) is archived."
        )
        return yes or typer.confirm("Merge?", default=False, err=True)

    done = people_cmd.merge(app, keep, other, confirm=parse.ask, approve=approve)
    render.say("Merged. `pln undo` reverts it." if done.merged else "Nothing changed.")
