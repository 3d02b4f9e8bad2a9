"""`pln add` with no names on a terminal: type a stack of business cards in one sitting.

Each card is checked field by field as it is typed (a bad value is asked for again)
and saved as soon as it is finished, so a problem in one card, or Ctrl-C, never
costs the cards before it. A likely duplicate is a question, not an error.
"""

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..errors import PlnError
from ..people import PersonInput
from ..resolve import PersonRef
from ..text import clean_email, clean_line, clean_text

FIELDS = [
    ("org", "organisation"),
    ("role", "job title"),
    ("email", "email"),
    ("topic", "topics (comma-separated)"),
    ("offers", "offers (comma-separated)"),
    ("seeks", "seeks (comma-separated)"),
    ("note", "note"),
]

# (name, emails) -> the person already in the book this card may be, and why
FindDuplicate = Callable[[str, list[str]], tuple[PersonRef, str] | None]
# (name, card, the user said "add anyway") -> the person saved (in its own transaction), or
# None when, meanwhile, someone else added a likely duplicate (the error is said)
Save = Callable[[str, PersonInput, bool], PersonRef | None]


@dataclass
class Session:
    """What happened so far: what is reported when the session ends or is interrupted."""

    added: list[PersonRef] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    typing: str | None = None  # the name of the card being typed, not yet saved


class _EndOfInput(Exception):
    """Standard input closed (Ctrl-D): finish as if an empty name were given."""


def _ask(label: str) -> str:
    sys.stderr.write(label)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        sys.stderr.write("\n")
        raise _EndOfInput
    return line.strip()


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def ask_cards(
    base: PersonInput, session: Session, find_duplicate: FindDuplicate, save: Save
) -> None:
    """Ask for cards until an empty name (or the end of input); save each when finished."""
    _say(
        "One business card at a time; each is saved as soon as it is finished."
        " Leave a field empty to skip it, and the name empty to finish."
    )
    while True:
        try:
            name = _ask_name(len(session.added) + len(session.skipped) + 1)
        except _EndOfInput:
            return
        if name is None:
            return
        session.typing = name
        dup = find_duplicate(name, [])
        card, ended, confirmed = (None, False, False)
        if not dup or _add_anyway(*dup):
            card, ended, confirmed = _fields(base, name, None if dup else find_duplicate)
        ref = None if card is None else save(name, card, confirmed or dup is not None)
        session.typing = None
        if ref is None:
            session.skipped.append(name)
            _say(f"  skipped {name}")
        else:
            session.added.append(ref)
            _say(f"  saved {ref.name} (person #{ref.id})")
        if ended:
            return


def _ask_name(number: int) -> str | None:
    while True:
        answer = _ask(f"name {number}: ")
        if not answer:
            return None
        try:
            return clean_line(answer, "name")
        except PlnError as exc:
            _say(f"  error: {exc.message}; type the name again, or Enter to finish")


def _fields(
    base: PersonInput, name: str, find_duplicate: FindDuplicate | None
) -> tuple[PersonInput | None, bool, bool]:
    """The card's fields, each checked as typed: (the card, or None if skipped; input ended;
    a likely duplicate by email was added anyway)."""
    lists = {k: list(v) for k, v in base.lists.items()}
    scalars = dict(base.scalars)
    note = base.note
    ended = confirmed = False
    for key, label in FIELDS:
        try:
            answer = _ask_field(key, label)
        except _EndOfInput:
            ended = True
            break
        if answer is None:
            continue
        if key in ("org", "role"):
            scalars[key] = answer[0]
        elif key == "note":
            note = answer[0]
        else:
            lists.setdefault(key, []).extend(answer)
        if key == "email" and find_duplicate is not None:
            dup = find_duplicate(name, answer)
            if dup is not None and not _add_anyway(*dup):
                return None, False, False
            confirmed = dup is not None
    return replace(base, lists=lists, scalars=scalars, note=note), ended, confirmed


def _ask_field(key: str, label: str) -> list[str] | None:
    """The cleaned value(s) of one field, asked again until they are valid; None to skip."""
    while True:
        answer = _ask(f"  {label}: ")
        if not answer:
            return None
        try:
            return _clean(key, answer)
        except PlnError as exc:
            _say(f"  error: {exc.message}; type it again, or Enter to skip")


def _clean(key: str, answer: str) -> list[str]:
    if key == "email":
        return [clean_email(answer)]
    if key == "note":
        return [clean_text(answer, "note")]
    if key in ("org", "role"):
        return [clean_line(answer, dict(FIELDS)[key])]
    return [clean_line(p, key) for p in answer.split(",") if p.strip()]


def _add_anyway(other: PersonRef, how: str) -> bool:
    _say(f"  this looks like {other.name} (#{other.id}), who has {how}")
    while True:
        try:
            answer = _ask("  skip this card, or add anyway? [s/a] (s): ").lower()
        except _EndOfInput:
            return False
        if answer in ("", "s", "skip"):
            return False
        if answer in ("a", "add", "add anyway"):
            return True
        _say("  answer s (skip) or a (add anyway)")
