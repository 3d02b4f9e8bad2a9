"""`pln forget PERSON`: erase someone for good (the rules are in ``forget.py``)."""

import sys
from typing import Annotated

import typer

from .. import forget as svc
from .. import render
from ..commands import forget as cmd
from . import parse
from .base import JsonOpt, command, load_all, state


@command("forget")
def forget(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="PERSON (archived people too).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False,
    backups: Annotated[
        bool, typer.Option("--backups", help="Also rewrite the backups that still hold them.")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Erase someone and every trace of them: their records, the history, the search
    index and the file's bytes. It cannot be undone.

    \b
      pln forget "Ana Ruiz"              (shows what will be erased and asks)
      pln forget "#12" --yes --backups   (and rewrite the backups that hold them)
    """

    def approve(preview: cmd.Preview) -> bool:
        _show_plan(preview.plan, preview.holding, preview.files, backups, shared=preview.shared)
        return yes or typer.confirm("Forget them? This cannot be undone.", default=False, err=True)

    done = cmd.forget(
        state(ctx),
        person,
        backups=backups,
        command_words=_command_words(),
        may_ask=yes or sys.stdin.isatty(),
        confirm=parse.ask,  # a close spelling: asked, or refused
        approve=approve,
    )
    if done.done is None:
        render.say("Nothing changed.")
        return
    for copy, why in done.failed:
        render.say(f"Could not rewrite backup {copy} ({why}).", style="bold")
    if json:
        render.print_json(done.as_json())
        return
    name, pid = done.done.person.name, done.done.person.id
    if done.preview.shared:
        _show_done_shared(name, pid, done.not_rewritten, done.older_open)
        return
    _show_done(name, pid, done.wiped, done.preview.holding, done.rewritten)


def _command_words() -> set[str]:
    """Command and group names, kept in a forgotten command line (`pln log ...`): every
    module's, though `pln forget` itself loads only its own (``base.app_for``)."""
    whole = load_all()
    words = {c.name or "" for c in whole.registered_commands}
    for group in whole.registered_groups:
        words.add(group.name or "")
        if group.typer_instance is not None:
            words |= {c.name or "" for c in group.typer_instance.registered_commands}
    return words - {""}


def _show_plan(
    plan: svc.Plan, holding: list[str], files: list[str], backups: bool, *, shared: bool
) -> None:
    c, p = plan.counts, plan.person
    render.say(
        f"Forget {p.name} (#{p.id}): {c['attributes']} attribute(s),"
        f" {c['interactions']} interaction(s) of theirs alone, their part in"
        f" {c['shared_interactions']} shared interaction(s), {c['followups']} follow-up(s),"
        f" {c['ties']} tie(s), {c['groups']} group membership(s),"
        f" {c['introductions']} introduction(s), {c['dismissals']} dismissed suggestion(s);"
        f" 'introduced by' on {c['introduced']} person(s); {c['history']} history"
        " entr(y/ies) rewritten; the undo data of every earlier change removed."
    )
    rewritten = [m for m in plan.mentions if m.rewritten]
    left = [m for m in plan.mentions if not m.rewritten]
    if rewritten:
        render.say("Their full name becomes '(forgotten person)' in: " + _where(rewritten) + ".")
    if left:
        render.say(
            "A word of their name appears in these, left as they are (check them): "
            + _where(left)
            + "."
        )
    for other in plan.merged_records:
        render.say(
            f"{other.name} (#{other.id}) was merged into them and is kept;"
            f" `pln forget '#{other.id}'` erases it too."
        )
    for copy in holding:
        verb = "will be rewritten too" if backups else "still holds them (--backups rewrites it)"
        render.say(f"Backup {copy} {verb}.")
    for f in files:
        render.say(f"{f} (a file you imported) holds them; pln does not change it.")
    if shared:
        render.say(SERVER_COPIES)
    render.say("This cannot be undone.", style="bold")


SERVER_COPIES = (
    "On a shared book pln erases them from every table and rewrites the tables your role"
    " owns; the server's own copies (its write-ahead log and WAL archive, base backups,"
    " replicas, pg_dump files) may hold them until they expire: clearing those is the"
    " server operator's job."
)


def _where(mentions: list[svc.Mention]) -> str:
    parts = []
    for m in mentions:
        if m.kind == "notes" and m.person is not None:
            parts.append(f"the notes of {m.person.name} (#{m.person.id})")
        elif m.kind == "followup":
            parts.append(f"follow-up #{m.id}")
        elif m.kind == "resource":
            parts.append(f"resource #{m.id}")
        else:
            parts.append(f"interaction #{m.id}")
    return ", ".join(parts)


def _show_done_shared(name: str, pid: int, kept: list[str], older_open: bool) -> None:
    render.say(f"Forgot {name} (#{pid}). This cannot be undone.")
    if older_open:
        render.say(
            "A transaction older than the forget was still running on the server: the"
            " rewritten tables may keep a copy of them until their next `VACUUM FULL`."
        )
    if not kept and not older_open:
        render.say(
            "The book's tables were rewritten (VACUUM FULL): their files on the server no"
            " longer hold them."
        )
    if not kept:
        return
    render.say(
        f"Not rewritten: {', '.join(kept)} (only a table's owner may, and members may have"
        " kept it busy); their files on the server may hold them until the book's owner"
        " runs `VACUUM (FULL, ANALYZE)` on them, or runs `pln forget` itself."
    )


def _show_done(name: str, pid: int, wiped: bool, holding: list[str], rewritten: list[str]) -> None:
    render.say(f"Forgot {name} (#{pid}). This cannot be undone.")
    if wiped:
        render.say("The database file was rewritten: its bytes no longer hold them.")
    else:
        render.say(
            "The database was rewritten, but another pln has it open: its -wal may hold"
            " them until that pln ends; run `pln db check` afterwards."
        )
    for copy in holding:
        if copy in rewritten:
            render.say(f"Rewrote backup {copy}.")
        else:
            render.say(f"Backup {copy} still holds them; `pln forget` with --backups rewrites it.")
