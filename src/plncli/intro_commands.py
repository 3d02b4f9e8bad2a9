"""`pln introduce` and `pln intro asked|made|declined|outcome`, free of Typer.

Both the Typer commands (``cli/network.py``) and the fast path (``fast_intro.py``)
call these, so the two ways in cannot drift apart: they differ only in how the
arguments are parsed and in how PERSON is found for a command that writes
(``Finder``: the Typer path asks about a close spelling on a terminal; the fast
path hands such a name back to Typer).

Imports: a command that acts on one pair loads only what it uses (the module-level
imports are those every one of them needs). Suggestions, rendering tables and dates
are imported where they are used: `pln intro made|declined|outcome` never import the
scoring (`introduce A B` and `intro asked` score the one pair, to say when the two
most likely know each other already), `pln introduce A B` never the date parser
(``tests/test_intro_speed_paths.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from . import introduce as intro_svc
from .db import transaction
from .errors import InvalidInput
from .lean import TYPE_CHECKING
from .resolve import PersonRef, resolve
from .store import intros as intro_store
from .tables import emit
from .text import MAX_TEXT

if TYPE_CHECKING:
    from datetime import date

    from .context import AppContext
    from .suggest import Book, Suggestion

Finder = Callable[["AppContext", str], PersonRef]  # PERSON for a command that writes


def _say(message: str, style: str | None = None) -> None:
    """``render.say``: chatter on stderr (render imports the date words a pair never shows)."""
    emit((message, style) if style else message, stderr=True)


def read_person(app: AppContext, ref: str) -> PersonRef:
    """PERSON for a read: a close spelling is taken, and said on stderr."""
    from . import render

    found = resolve(app.conn, ref)
    render.notice(found)
    return found


def book(
    app: AppContext,
    include_following: bool,
    focus: int | None = None,
    pair: tuple[PersonRef, PersonRef] | None = None,
) -> Book:
    from .suggest import Book

    return Book(
        app.conn,
        include_following=include_following,
        today=app.today,
        synonyms=app.settings.synonyms,
        focus=focus,
        pair=(pair[0].id, pair[1].id) if pair else None,
    )


def introducible(app: AppContext, refs: list[PersonRef], include_following: bool) -> None:
    for ref in refs:
        if intro_store.circle_of(app.conn, ref.id) == "following" and not include_following:
            raise InvalidInput(
                f"you only follow {ref.name}, so you cannot introduce them",
                "move them to your network with `pln edit --circle network`,"
                " or add --include-following",
            )


def run_introduce(
    app: AppContext,
    names: list[str],
    *,
    person: Finder,
    limit: int,
    for_: str | None,
    topic: str | None,
    include_following: bool,
    per_person: int,
    message: str,
    draft: bool,
    dismiss: bool,
    until: str | None,
    json: bool,
) -> None:
    """Suggestions (no name, one name or --for), or act on one pair (two names)."""
    if len(names) == 1:  # `pln introduce Tom` is `pln introduce --for Tom`
        if for_ is not None:
            raise InvalidInput(
                "give one person, or --for, not both", f"e.g. pln introduce --for {names[0]!r}"
            )
        one_person_only(message=message, draft=draft, dismiss=dismiss, until=until)
        for_, names = names[0], []
    if not names:  # the options that act on one pair are refused, not ignored
        one_person_only(message=message, draft=draft, dismiss=dismiss, until=until)
        suggest(app, for_, topic, include_following, per_person, limit, json)
        return
    if len(names) != 2:
        raise InvalidInput(
            "give one person (suggestions for them) or two (their introduction)",
            "e.g. pln introduce Ana, or pln introduce Ana Ben",
        )
    one_pair(
        app,
        names,
        person=person,
        draft=draft,
        dismiss=dismiss,
        until=until,
        note=message,
        include_following=include_following,
        json=json,
    )


def not_with_one_another(*, draft: bool, dismiss: bool, note: str, json: bool) -> None:
    """Refused, not ignored: --draft and --dismiss together (one of them was dropped),
    -m with either (the note of a recorded introduction, which neither records), and
    --json with --dismiss (which prints no JSON: a script would read nothing)."""
    if draft and dismiss:
        raise InvalidInput("--draft and --dismiss do different things", "give one of them")
    for given, option in ((draft, "--draft"), (dismiss, "--dismiss")):
        if given and note:
            raise InvalidInput(
                f"-m is the note of an introduction recorded, which {option} does not record",
                "pln introduce A B -m NOTE records one",
            )
    if dismiss and json:
        raise InvalidInput("--dismiss prints no JSON", "leave out --json")


def one_person_only(*, message: str, draft: bool, dismiss: bool, until: str | None) -> None:
    """With one name, options that act on a pair are refused, not ignored."""
    for given, option in ((message, "-m"), (draft, "--draft"), (dismiss, "--dismiss")):
        if given:
            raise InvalidInput(f"{option} needs two people", f"e.g. pln introduce Ana Ben {option}")
    if until:
        raise InvalidInput(
            "--until goes with --dismiss", "pln introduce A B --dismiss --until WHEN"
        )


def suggest(
    app: AppContext,
    for_: str | None,
    topic: str | None,
    include_following: bool,
    per_person: int,
    limit: int,
    json: bool,
) -> None:
    from . import render, render_net
    from .suggest import suggestions
    from .topics import require_words

    if topic is not None:
        require_words(topic)
    person = read_person(app, for_) if for_ else None
    focus = person.id if person else None
    found_book = book(app, include_following, focus)
    found = suggestions(found_book, focus=focus, topic=topic, per_person=per_person, limit=limit)
    why = None
    if not json and not any(s.kind == "introduce" for s in found):
        why = intro_svc.why_none(app.conn, found_book, found, focus=focus, topic=topic)
    app.page()
    if json:
        render.print_json([render_net.suggestion_json(s) for s in found])
        return
    render_net.show_suggestions(found, why=why, person=person)


def one_pair(
    app: AppContext,
    names: list[str],
    *,
    person: Finder,
    draft: bool,
    dismiss: bool,
    until: str | None,
    note: str,
    include_following: bool,
    json: bool,
) -> None:
    a, b = person(app, names[0]), person(app, names[1])
    if a.id == b.id:
        raise InvalidInput(f"cannot introduce {a.name} to themselves", "name two people")
    if until and not dismiss:
        raise InvalidInput(
            "--until goes with --dismiss", "pln introduce A B --dismiss --until WHEN"
        )
    not_with_one_another(draft=draft, dismiss=dismiss, note=note, json=json)
    if draft:
        from . import render, render_net

        pair_book = book(app, True, pair=(a, b))
        messages = intro_svc.drafts(pair_book, a, b)
        known = intro_svc.likely_known(pair_book, a, b)
        if json:
            said = known_json(known)
            render.print_json([{"to": n, "message": m, "already_know": said} for n, m in messages])
        else:
            render_net.show_drafts(messages)
        say_known(known, "drafted anyway")
        return
    if dismiss:
        day = _future_day(app, until) if until else None
        if day and day <= app.today:
            raise InvalidInput(f"--until {until!r} is not in the future", "give a later date")
        with transaction(app.conn):
            a, b = _again(app, a, b)
            changed = intro_svc.dismiss(app.conn, a, b, until=day, now=app.now)
        if not changed:  # the same --dismiss again: no write, no history entry
            how = f"not suggested before {day.isoformat()}" if day else "for good"
            _say(f"Nothing changed: {a.name} + {b.name} were dismissed already ({how}).")
            return
        _say(
            f"Will not suggest {a.name} + {b.name}"
            + (f" before {day.isoformat()}." if day else " again.")
        )
        return
    introducible(app, [a, b], include_following)
    with transaction(app.conn):
        a, b = _again(app, a, b)
        pair_book = book(app, True, pair=(a, b))
        done = intro_svc.propose(app.conn, pair_book, a, b, note=note, now=app.now)
        known = intro_svc.likely_known(pair_book, a, b)  # propose scored it: counts are kept
    if json:
        from . import render, render_net

        render.print_json({**render_net.intro_json(done), "already_know": known_json(known)})
    else:
        report_intro(done, False, "Recorded the introduction")
    say_known(known, "recorded anyway")


def known_json(known: Suggestion | None) -> dict[str, object] | None:
    """``"already_know"`` of `pln introduce A B [--draft] --json`: the know score and its
    reasons when the "already know?" list would mark the pair likely, else null."""
    return None if known is None else {"know": known.know, "reasons": known.reasons}


def say_known(known: Suggestion | None, anyway: str) -> None:
    """One note on stderr when the two most likely know each other already (the
    "already know?" list's likely mark, its reasons as the list words them)."""
    if known is not None:
        _say(
            f"note: {known.a.name} and {known.b.name} probably know each other already"
            f" ({'; '.join(known.reasons)}); {anyway}"
        )


def _again(app: AppContext, a: PersonRef, b: PersonRef) -> tuple[PersonRef, PersonRef]:
    """A and B, found before the write lock, found again under it: another member may
    have forgotten, merged or archived one of them meanwhile (then: not found, exit 3)."""
    return resolve(app.conn, f"#{a.id}"), resolve(app.conn, f"#{b.id}")


def _future_day(app: AppContext, text: str) -> date:
    """--until as `cli.parse.day` reads it (that module is not imported on the fast path)."""
    from .dates import DateError, parse_day

    try:
        return parse_day(text, today=app.today, prefer="future", dayfirst=app.settings.dayfirst)
    except DateError as exc:
        raise InvalidInput(f"--until: {exc}") from None


def report_intro(done: intro_svc.Intro, json: bool, verb: str) -> None:
    if json:
        from . import render, render_net

        render.print_json(render_net.intro_json(done))
    else:
        _say(f"{verb} of {done.a.name} and {done.b.name} ({done.state}).")


def run_asked(app: AppContext, a: str, b: str, *, person: Finder, json: bool) -> None:
    with transaction(app.conn):
        pa, pb = person(app, a), person(app, b)
        introducible(app, [pa, pb], include_following=False)
        pair_book = book(app, True, pair=(pa, pb))
        chase: list[tuple[int, date, bool]] = []
        done = intro_svc.mark_asked(app.conn, pair_book, pa, pb, now=app.now, chase=chase)
        known = intro_svc.likely_known(pair_book, pa, pb)
    if chase and not json:  # asked before, the answer still awaited: the one chase
        fid, due, moved = chase[0]
        if not moved:
            _say(
                f"Nothing changed: {pa.name} was asked already; follow-up #{fid} chases the"
                f" answer on {due.isoformat()}."
            )
            return
        _say(f"Noted that {pa.name} was asked again: follow-up #{fid} now chases it on {due}.")
        return
    _report_pair(done, known, json, f"Noted that {pa.name} was asked about the introduction")


def run_made(app: AppContext, a: str, b: str, *, person: Finder, json: bool) -> None:
    # not scored for "probably know each other already", as `intro asked` is: once the
    # introduction is made the note comes too late to help, and scoring the pair put
    # `pln intro made` at ~3x the floor (issue 11's target for one pair) at 10,000 people
    full: list[str] = []
    with transaction(app.conn):
        done = intro_svc.mark_made(
            app.conn, person(app, a), person(app, b), now=app.now, notes_full=full
        )
    for name in full:
        _say(
            f"Note: the line of this introduction is not added to {name}'s notes: they would"
            f" pass {MAX_TEXT:,} characters (the timeline has it).",
            style="dim",
        )
    if not done.asked:
        _say("Note: neither side was recorded as asked first.", style="dim")
    report_intro(done, json, "Made the introduction")
    _say(f"A check-in follow-up is due in {intro_svc.CHECK_IN_DAYS} days.")


def _report_pair(done: intro_svc.Intro, known: Suggestion | None, json: bool, verb: str) -> None:
    """`pln intro asked|made` as `pln introduce A B` reports: the introduction (with
    ``"already_know"`` in --json), and the note when the two most likely know each other."""
    if json:
        from . import render, render_net

        render.print_json({**render_net.intro_json(done), "already_know": known_json(known)})
    else:
        report_intro(done, False, verb)
    say_known(known, "recorded anyway")


def run_declined(app: AppContext, a: str, b: str, *, person: Finder, json: bool) -> None:
    with transaction(app.conn):
        done = intro_svc.mark_declined(app.conn, person(app, a), person(app, b), now=app.now)
    report_intro(done, json, "Recorded the decline")


def run_outcome(
    app: AppContext, a: str, b: str, outcome: str, *, person: Finder, message: str, json: bool
) -> None:
    with transaction(app.conn):
        done = intro_svc.record_outcome(
            app.conn, person(app, a), person(app, b), outcome, note=message, now=app.now
        )
    from . import render_net

    if json or done.changed:  # the same outcome again: only that nothing changed is said
        report_intro(done.after, json, f"Recorded the outcome ({outcome})")
    replaced = render_net.replaced_outcome(done)
    if replaced:
        _say(replaced)
