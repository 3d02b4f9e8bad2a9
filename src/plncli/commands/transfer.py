"""`pln import` and `pln export`, free of Typer.

What only a terminal shows is the caller's: a progress bar for a large import
(``Progress``), and the list of a file's problems before the error that names them
(``InvalidRecords.problems``; a refused pln export is ``restore_check.Refused``)."""

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, NamedTuple

from .. import files
from .. import transfer as svc
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..formats.records import Problem, ReadResult

FORMATS = ("vcard", "linkedin", "google", "csv", "json")
EXPORTS = ("json", "csv", "vcard", "ics", "vdir")

# (how many steps, what is being done, one tick per step) -> a context giving the tick
Progress = Callable[[int, str, bool], AbstractContextManager[Callable[[], None]]]


@contextmanager
def no_progress(size: int, what: str, counted: bool) -> Iterator[Callable[[], None]]:
    yield lambda: None


class Imported(NamedTuple):
    plan: svc.Plan
    dry_run: bool
    counts: tuple[int, int, int]  # people added, merged into people in the book, ties made
    rejects: files.Target | None  # where the invalid records were listed (--skip-invalid)


class Restored(NamedTuple):
    """A pln export (JSON) read into an empty book."""

    dry_run: bool
    tables: dict[str, int]  # rows per table


class Written(NamedTuple):
    shown: str  # the file written, as the command reports it
    size: int  # bytes


if TYPE_CHECKING:
    from .. import vdir


class InvalidRecords(InvalidInput):
    """Records that cannot be imported as they are: nothing was imported."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        n = len(problems)
        bad = f"{n:,} invalid record" + ("" if n == 1 else "s")
        super().__init__(
            f"{bad} in {file} (listed above); nothing imported",
            "fix them, or add --skip-invalid to import the rest",
        )
        self.problems = problems


def import_file(
    app: AppContext,
    file: str,
    *,
    format_: str | None = None,
    encoding: str | None = None,
    dry_run: bool = False,
    on_duplicate: str = "merge",
    skip_invalid: bool = False,
    met_at: str | None = None,
    topics: list[str] | None = None,
    circle: str | None = None,
    force: bool = False,
    progress: Progress = no_progress,
) -> Imported | Restored:
    """Import people from ``file``, all or nothing; a pln export fills an empty book."""
    if format_ is not None and format_ not in FORMATS:
        raise InvalidInput(f"--format {format_!r} is not known", f"use {', '.join(FORMATS)}")
    if on_duplicate not in svc.ON_DUPLICATE:
        raise InvalidInput(
            f"--on-duplicate {on_duplicate!r} is not known", "use merge, skip or add"
        )
    if file == "-":
        _stdin_options(format_, skip_invalid)
    if file != "-" and os.path.isdir(file):
        result = _read_vdir(file, format_, encoding)
    elif format_ == "json" or (format_ is None and svc.is_pln_json(file)):
        _restored_as_written(
            {
                "--met-at": met_at is not None,
                "--topic": bool(topics),
                "--circle": circle is not None,
                "--on-duplicate": on_duplicate != "merge",
                "--skip-invalid": skip_invalid,
            }
        )
        return restore(app, file, dry_run=dry_run)
    else:
        from ..formats import read_file

        result = read_file(file, fmt=format_, encoding=encoding)
    records = [
        svc.with_defaults(r, met_at=met_at, topic=[], circle=circle)  # topics: plan_import
        for r in result.records
    ]
    said = svc.overridden(result.records, met_at=met_at, circle=circle)
    result = result._replace(records=records, notes=[*result.notes, *said])
    # a value an option set is said as the option's in the notes, not the file's
    given = {
        f: o for f, o, v in (("circle", "--circle", circle), ("met_at", "--met-at", met_at)) if v
    }
    planned = svc.last_change(app.conn)
    with progress(len(records), f"checking {len(records):,} records", True) as tick:
        plan = svc.plan_import(
            app.conn, result, on_duplicate=on_duplicate, topic=topics or [], given=given, tick=tick
        )
    if plan.invalid and not skip_invalid:
        raise InvalidRecords("standard input" if file == "-" else file, plan.invalid)
    if dry_run:
        return Imported(plan, True, (len(plan.add), len(plan.merge), 0), None)
    rejects = files.target(f"{file}.rejects.txt", force=force) if plan.invalid else None
    with transaction(app.conn) as change, progress(len(plan.add), "writing", False):
        # Planned without the write lock: if anyone wrote since (another member adding
        # one of these people), plan again under it, so that no one is added twice.
        if svc.last_change(app.conn, change) != planned:
            plan = svc.plan_import(
                app.conn, result, on_duplicate=on_duplicate, topic=topics or [], given=given
            )
        counts = svc.apply_import(app.conn, plan, now=app.now)
        if rejects:  # written before the commit: if it cannot be, nothing is imported
            text = "".join(f"{p.where}\t{p.field}\t{p.why}\n" for p in plan.invalid)
            files.write(rejects, text.encode("utf-8"))
    return Imported(plan, False, counts, rejects)


def _read_vdir(folder: str, format_: str | None, encoding: str | None) -> "ReadResult":
    """A folder is a vdir: its .vcf files (``vdir.read``)."""
    from .. import vdir

    if format_ not in (None, "vcard"):
        raise InvalidInput(
            f"{folder} is a folder: a vdir of vCard files, not --format {format_}",
            "give a file for that format, or leave --format out",
        )
    return vdir.read(folder, encoding=encoding)


def _stdin_options(format_: str | None, skip_invalid: bool) -> None:
    """`pln import -` reads standard input: what it holds is said, not guessed from a peek,
    and there is no FILE beside which to write the rejects."""
    if format_ is None:
        raise InvalidInput(
            "pln import - (standard input) needs --format", f"add --format {'|'.join(FORMATS)}"
        )
    if skip_invalid:
        raise InvalidInput(
            "--skip-invalid writes the rejects beside FILE; standard input has none",
            "save the input to a file and import that",
        )


def _restored_as_written(given: dict[str, bool]) -> None:
    """A restore brings the book back as it was written: an option that would change or
    choose among its people is refused, not ignored."""
    for option, was_given in given.items():
        if was_given:
            raise InvalidInput(
                f"{option} is for importing people; a pln JSON export is restored as it was",
                f"leave {option} out",
            )


def restore(app: AppContext, file: str, *, dry_run: bool = False) -> Restored:
    """A pln export (JSON) into an empty book (``restore_check.Refused`` if it is not valid)."""
    if dry_run:
        doc = svc.load_export(file)
        svc.refuse_unless_empty(app.conn)
        return Restored(True, {t: len(rows) for t, rows in doc["tables"].items()})
    # A restore fills an empty book: it is one history entry, not row-by-row undo
    # steps (undoing it is deleting the new file).
    with transaction(app.conn, record=False):
        counts = svc.restore_book(app.conn, file)
        svc.note_restore(app.conn, file, counts, now=app.now)
    return Restored(False, counts)


def export(app: AppContext, format_: str = "json", *, raw: bool = False) -> Iterable[bytes]:
    """The book as ``format_``: json (everything), csv (people), vcard (4.0), ics (follow-ups);
    ``raw``: CSV cells as they are (no formula guard). JSON comes as it is read."""
    _known_export(format_)
    return _render_export(app, format_, raw=raw)


def export_file(
    app: AppContext, output: str, format_: str = "json", *, raw: bool = False, force: bool = False
) -> Written:
    """The export written to ``output`` (never the book itself; replaced only with ``force``)."""
    _known_export(format_)
    svc.refuse_database_path(output, app.settings.db_path)
    where = files.target(output, force=force)  # refused before any work is done
    size = files.write(where, _render_export(app, format_, raw=raw))
    return Written(where.shown, size)


def _known_export(format_: str) -> None:
    if format_ not in EXPORTS:
        raise InvalidInput(f"--format {format_!r} is not known", f"use {', '.join(EXPORTS)}")
    if format_ == "vdir":
        raise InvalidInput("--format vdir writes a folder: give it", "pln export --format vdir DIR")


def export_vdir(app: AppContext, folder: str, *, delete: bool = False) -> "vdir.Written":
    """Every active person's card in the vdir ``folder`` (``vdir.write``: only changed files
    are rewritten; cards of people no longer in the book removed only with ``delete``)."""
    from .. import vdir
    from ..formats.export import to_vcard

    people = svc.export_people(app.conn)
    cards = ((p.uid, to_vcard([p]).encode("utf-8")) for p in people if p.uid)
    return vdir.write(folder, cards, delete=delete)


def _render_export(app: AppContext, format_: str, *, raw: bool) -> Iterable[bytes]:
    from ..formats import export as fx

    if format_ == "json":
        return svc.export_book(app.conn, now=app.now)
    if format_ == "ics":
        s = app.settings
        items = svc.calendar_items(
            app.conn,
            today=app.today,
            cadences=s.cadence,
            first_contact_days=s.first_contact_days,
            birthdays=s.birthdays != "never",
        )
        return [fx.to_ics(items, now=app.now)]
    people = svc.export_people(app.conn)
    text = fx.to_csv(people, raw=raw) if format_ == "csv" else fx.to_vcard(people)
    return [text.encode("utf-8")]
