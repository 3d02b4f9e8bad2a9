"""`pln add` with no names on a terminal: type a stack of business cards in one sitting."""

import sys
from dataclasses import replace

from ..people import PersonInput

FIELDS = [
    ("org", "organisation"),
    ("role", "job title"),
    ("email", "email"),
    ("topic", "topics (comma-separated)"),
    ("offers", "offers (comma-separated)"),
    ("seeks", "seeks (comma-separated)"),
    ("note", "note"),
]


def _ask(label: str) -> str | None:
    sys.stderr.write(label)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        return None
    return line.strip()


def ask_cards(base: PersonInput) -> list[tuple[str, PersonInput]]:
    """Ask for one name per card, then its optional fields; an empty name ends."""
    sys.stderr.write(
        "One person per card; leave a field empty to skip it, an empty name to finish.\n"
    )
    cards: list[tuple[str, PersonInput]] = []
    while True:
        name = _ask(f"name {len(cards) + 1}: ")
        if not name:
            return cards
        cards.append((name, _card_fields(base)))


def _card_fields(base: PersonInput) -> PersonInput:
    lists = {k: list(v) for k, v in base.lists.items()}
    scalars = dict(base.scalars)
    note = base.note
    for key, label in FIELDS:
        answer = _ask(f"  {label}: ")
        if not answer:
            continue
        if key in ("org", "role"):
            scalars[key] = answer
        elif key == "note":
            note = answer
        else:
            parts = [answer] if key == "email" else [p.strip() for p in answer.split(",")]
            lists.setdefault(key, []).extend(p for p in parts if p)
    return replace(base, lists=lists, scalars=scalars, note=note)
