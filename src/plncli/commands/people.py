"""`pln add`, `pln edit`, `pln archive` and `pln restore`, free of Typer."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from .. import people as svc
from .. import views
from ..activity import FIRST_FOLLOWUP, add_followup
from ..context import AppContext
from ..db import transaction
from ..errors import InvalidInput
from ..resolve import PersonRef, refuse_merged
from ..views import Profile
from . import Confirm, cadence, find_person

if TYPE_CHECKING:
    from ..merge import MergePlan

# (name, emails) -> the person already in the book a card may be, and why
FindDuplicate = Callable[[str, list[str]], tuple[PersonRef, str] | None]
# (name, card, the user said "add anyway") -> the person saved, in its own transaction
# (a Conflict when, meanwhile, someone else added a likely duplicate)
SaveCard = Callable[[str, svc.PersonInput, bool], PersonRef]
# asks for cards one at a time (base, find_duplicate, save) -> the people saved
Cards = Callable[[svc.PersonInput, FindDuplicate, SaveCard], list[PersonRef]]


class Added(NamedTuple):
    people: list[PersonRef]
    followup_ids: list[int]  # one per person when a first follow-up was asked for, else []
    due: date | None  # when those follow-ups are due


class Edited(NamedTuple):
    person: PersonRef
    profile: Profile | None  # when asked for (`--json`): the profile as it is now
    changed: bool = True  # False: everything given was the person's already; nothing written
    kept: list[svc.Kept] = []  # list values given that matched stored ones (never mutated)


class Archived(NamedTuple):
    person: PersonRef
    archived: bool  # True: archived; False: restored


def person_input(
    *,
    lists: dict[str, list[str]],
    scalars: dict[str, str | None],
    circle: str | None,
    cadence: str | None,
    met_at: str | None,
    met: tuple[date, str | None] | None,
    place: str | None,
    note: str | None,
    birthday: date | None = None,
) -> svc.PersonInput:
    """What `pln add` was given, checked: a --place belongs to a --met-at event."""
    data = svc.PersonInput(
        lists={kind: values for kind, values in lists.items() if values},
        scalars=scalars,
        circle=circle,
        cadence=cadence,
        met_at=met_at,
        met_on=met[0] if met else None,
        met_on_precision=met[1] if met else None,
        place=place if place and place.strip() else None,
        note=note,
        birthday=birthday,
    )
    if data.place and not met_at:
        raise InvalidInput("--place is where the --met-at event was", "give --met-at EVENT too")
    return data


def add(
    app: AppContext,
    names: list[str],
    data: svc.PersonInput,
    *,
    due: date | None = None,
    introduced_by: str | None = None,
    allow_duplicate: bool = False,
    confirm: Confirm,
    cards: Cards | None = None,
) -> Added:
    """Add ``names`` (all sharing ``data``) and, with ``due``, a first follow-up for each.

    With no names, ``cards`` asks for them one at a time, each card saved in its own
    transaction as soon as it is finished; without ``cards`` no names is an error."""
    if introduced_by:
        data = replace(data, introduced_by=find_person(app, introduced_by, confirm=confirm))
    if not names:
        if cards is None:
            raise InvalidInput(
                "no NAME given", 'e.g. pln add "Ana Ruiz" --met-at "researchED 2026"'
            )
        return _add_cards(app, data, due, cards)
    with transaction(app.conn):
        data = _introducer_again(app, data)
        added, fids = _save(app, [(n, data) for n in names], allow_duplicate, due)
    return Added(added, fids, due)


def _introducer_again(app: AppContext, data: svc.PersonInput) -> svc.PersonInput:
    """--introduced-by was found before the write lock (a close spelling is asked about
    without holding it): found again under it, as another member may have forgotten,
    merged or archived them meanwhile (then: not found, exit 3, nothing added)."""
    if data.introduced_by is None:
        return data
    from ..resolve import resolve

    return replace(data, introduced_by=resolve(app.conn, f"#{data.introduced_by.id}"))


def _add_cards(app: AppContext, data: svc.PersonInput, due: date | None, cards: Cards) -> Added:
    fids: list[int] = []

    def save(name: str, card: svc.PersonInput, confirmed: bool) -> PersonRef:
        # checked again under the write lock: another pln may have added them meanwhile
        with transaction(app.conn):
            added, new = _save(app, [(name, _introducer_again(app, card))], confirmed, due)
        fids.extend(new)
        return added[0]

    def duplicate(name: str, emails: list[str]) -> tuple[PersonRef, str] | None:
        return svc.find_duplicate(app.conn, name, emails)

    return Added(cards(data, duplicate, save), fids, due)


def _save(
    app: AppContext,
    cards: list[tuple[str, svc.PersonInput]],
    allow: bool,
    due: date | None,
) -> tuple[list[PersonRef], list[int]]:
    """Add the cards (people sharing one PersonInput together) and their first follow-ups."""
    added: list[PersonRef] = []
    groups: dict[int, tuple[svc.PersonInput, list[str]]] = {}
    for name, data in cards:
        groups.setdefault(id(data), (data, []))[1].append(name)
    for data, names in groups.values():
        added += svc.add_people(app.conn, names, data, now=app.now, allow_duplicate=allow)
    if due is None:
        return added, []
    note = _first_note(cards[0][1].met_at)
    return added, [
        add_followup(app.conn, p, due=due, note=note, every=None, now=app.now) for p in added
    ]


def _first_note(met_at: str | None) -> str:
    return f"{FIRST_FOLLOWUP} after {met_at}" if met_at else FIRST_FOLLOWUP


def edit(
    app: AppContext,
    person: str,
    data: svc.PersonInput,
    *,
    every: str | None = None,
    met_given: bool = False,
    introduced_by: str | None = None,
    allow_duplicate: bool = False,
    confirm: Confirm,
    with_profile: bool = False,
) -> Edited:
    """Change PERSON's details: ``data`` as `pln edit` builds it (lists to replace, add and
    remove; the scalars given; an empty text clears). ``every`` is the --every text, read
    once PERSON is found; ``introduced_by`` "" clears who introduced them; ``met_given``:
    --on was given (empty: the day met is cleared, as an empty value of any option)."""
    with transaction(app.conn):
        ref = find_person(app, person, confirm=confirm, archived=True)
        refuse_merged(app.conn, ref)  # archived into another: not edited, as `pln log` refuses
        data = replace(
            data,
            cadence=cadence(every, allow_default=True),
            introduced_by=(
                find_person(app, introduced_by, confirm=confirm)
                if introduced_by and introduced_by.strip()
                else None
            ),
            clear_introduced_by=introduced_by is not None and not introduced_by.strip(),
        )
        if not (
            data.replace
            or data.lists
            or data.remove
            or data.scalars
            or met_given
            or data.birthday is not None
            or data.clear_birthday
            or any(
                v is not None
                for v in (data.name, data.circle, every, data.met_at, introduced_by, data.note)
            )
        ):
            raise InvalidInput(
                "nothing to change",
                "give an option, e.g. --org or --add-topic; see pln edit --help",
            )
        done = svc.edit_person(app.conn, ref, data, now=app.now, allow_duplicate=allow_duplicate)
    profile = views.profile(app.conn, done.person, limit=0) if with_profile else None
    return Edited(done.person, profile, done.changed, done.kept)


def set_archived(app: AppContext, person: str, archived: bool, *, confirm: Confirm) -> Archived:
    """Archive PERSON (`pln archive`), or bring an archived one back (`pln restore`)."""
    with transaction(app.conn):
        ref = find_person(app, person, confirm=confirm, archived=not archived)
        if not archived and not svc.is_archived(app.conn, ref):
            raise InvalidInput(f"{ref.name} is not archived", "nothing to restore")
        svc.set_archived(app.conn, ref, archived=archived, now=app.now)
    return Archived(ref, archived)


class Merged(NamedTuple):
    keep: PersonRef
    other: PersonRef
    plan: "MergePlan"
    merged: bool  # False: not approved, nothing changed


# (the plan, KEEP, OTHER) -> go ahead: shown to the user and asked, or --yes
ApproveMerge = Callable[["MergePlan", PersonRef, PersonRef], bool]


def merge(
    app: AppContext, keep: str, other: str, *, confirm: Confirm, approve: ApproveMerge
) -> Merged:
    """Two records of one person become one: OTHER's history moves to KEEP and OTHER is
    archived, once ``approve`` has seen the plan (read without holding the lock)."""
    from .. import merge as svc_merge
    from ..resolve import resolve

    k = find_person(app, keep, confirm=confirm)
    o = find_person(app, other, confirm=confirm)
    plan = svc_merge.plan_merge(app.conn, k, o)
    if not approve(plan, k, o):
        return Merged(k, o, plan, False)
    with transaction(app.conn):
        svc_merge.merge(
            app.conn, resolve(app.conn, f"#{k.id}"), resolve(app.conn, f"#{o.id}"), now=app.now
        )
    return Merged(k, o, plan, True)
