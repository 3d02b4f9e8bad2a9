"""Checking a pln JSON export value by value before it is restored.

A restore writes rows straight into the tables, so nothing the commands check on the
way in would be checked. A crafted or foreign export could otherwise store terminal
escape sequences in names, or dates and instants that make ``show``, ``list``, ``due``
and ``export`` fail for good. :func:`problems` checks every value as the commands that
write do: text cleaning (``text.clean_line`` / ``clean_text``), dates (YYYY-MM-DD),
instants (as ``db.to_db_time`` writes them), circles, states and other closed sets,
intervals, the keys derived from names, ids, and that every reference names a row the
file holds. A restore refuses the whole file when any value fails (the first problems
are listed), so a book is never half restored.
"""

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from .dates import DateError, parse_interval
from .errors import InvalidInput
from .formats.records import Problem
from .resolve import MAX_ID
from .resources import KINDS as RESOURCE_KINDS
from .settings import CIRCLES
from .text import attr_key, clean_email, clean_line, clean_text, fold, topic_key

SHOWN = 20  # problems listed: enough to see what is wrong with a file
_INSTANT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")

Check = Callable[[Any], str | None]  # why the value is refused, or None


class Bad(Exception):
    pass


class Refused(InvalidInput):
    """An export with values pln would not have written: nothing of it is restored."""

    def __init__(self, path: str, found: list[Problem]) -> None:
        more = "the first ones" if len(found) == SHOWN else "all"
        super().__init__(
            f"{path} is not a valid pln export ({more} of its problems listed above);"
            " nothing restored",
            "use an export written by `pln export --format json`, unchanged",
        )
        self.problems = found


def _text_of(value: Any) -> str:
    if not isinstance(value, str):
        raise Bad("is not text")
    return value


def _any_text(value: Any) -> str | None:
    """Text checked against another value (a key derived from a name): see _consistency."""
    _text_of(value)
    return None


def _cleaned(clean: Callable[[str], str]) -> Check:
    def check(value: Any) -> str | None:
        try:
            clean(_text_of(value))
        except InvalidInput as exc:
            return exc.message.split(" ", 1)[1] if " " in exc.message else exc.message
        return None

    return check


def line(limit: int = 200) -> Check:
    return _cleaned(lambda v: clean_line(v, "it", limit=limit, keep_invisible=True))


def _free_text(value: Any) -> str | None:
    if _text_of(value) == "":
        return None
    return _cleaned(lambda v: clean_text(v, "it", keep_invisible=True))(value)


def _day(value: Any) -> str | None:
    text = _text_of(value)
    try:
        if _DATE.fullmatch(text) and date.fromisoformat(text):
            return None
    except ValueError:
        pass
    return "is not a date (YYYY-MM-DD)"


def _instant(value: Any) -> str | None:
    text = _text_of(value)
    try:
        # years 2-9998: converting to any time zone stays inside the calendar
        if _INSTANT.fullmatch(text) and 2 <= datetime.fromisoformat(text).year <= 9998:
            return None
    except ValueError:
        pass
    return "is not an instant (YYYY-MM-DD HH:MM:SS.ffffff, UTC)"


def _interval(value: Any) -> str | None:
    text = _text_of(value)
    try:
        if str(parse_interval(text)) == text:
            return None
    except DateError:
        pass
    return "is not an interval (such as 2w, 30d, 3m)"


def one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"is not one of {', '.join(allowed)}"

    return check


def _ident(value: Any) -> str | None:
    if type(value) is not int or not 0 < value <= MAX_ID:
        return "is not an id (a whole number from 1)"
    return None


def _cadence(value: Any) -> str | None:
    return None if value == "never" else _interval(value)


def _reasons(value: Any) -> str | None:
    try:
        reasons = json.loads(_text_of(value))
    except (ValueError, RecursionError):
        return "is not a JSON list of reasons"
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        return "is not a JSON list of reasons"
    return next((why for r in reasons if (why := line(1000)(r))), None)


def _kinds(value: Any) -> str | None:
    return None if _text_of(value) == "" else line(1000)(value)


# table -> column -> (check, may be null); "ref:TABLE" checks that the row exists
Spec = dict[str, tuple[Check | str, bool]]
STAMP: Spec = {"created_at": (_instant, False)}
TABLES: dict[str, Spec] = {
    "event": {
        "id": (_ident, False),
        "name": (line(), False),
        "name_key": (_any_text, False),
        "on": (_day, True),
        "place": (line(), True),
        **STAMP,
    },
    "person": {
        "id": (_ident, False),
        "name": (line(), False),
        "name_key": (_any_text, False),
        "org": (line(), True),
        "role": (line(), True),
        "location": (line(), True),
        "circle": (one_of(*CIRCLES), False),
        "cadence": (_cadence, True),
        "met_on": (_day, True),
        "met_at_id": ("ref:event", True),
        "introduced_by_id": ("ref:person", True),
        "notes": (_free_text, False),
        **STAMP,
        "updated_at": (_instant, False),
        "archived_at": (_instant, True),
        "last_contact_at": (_instant, True),
        "birthday": (_day, True),
        "met_on_precision": (one_of("year", "month"), True),
        "uid": (line(1000), True),
    },
    "person_attr": {
        "id": (_ident, False),
        "person_id": ("ref:person", False),
        "kind": (one_of("email", "phone", "link", "topic", "offers", "seeks", "role"), False),
        "value": (_any_text, False),
        "key": (_any_text, False),
    },
    "interaction": {
        "id": (_ident, False),
        "at": (_instant, False),
        "kind": (line(40), False),
        "note": (_free_text, False),
        **STAMP,
    },
    "interaction_person": {
        "interaction_id": ("ref:interaction", False),
        "person_id": ("ref:person", False),
    },
    "interaction_topic": {
        "interaction_id": ("ref:interaction", False),
        "key": (_any_text, False),
        "topic": (line(), False),
    },
    "followup": {
        "id": (_ident, False),
        "person_id": ("ref:person", False),
        "due": (_day, False),
        "note": (_free_text, False),
        "every": (_interval, True),
        "state": (one_of("open", "done", "dropped"), False),
        **STAMP,
        "closed_at": (_instant, True),
        "anchor": (_day, True),
    },
    "tie": {
        "a_id": ("ref:person", False),
        "b_id": ("ref:person", False),
        "since": (_day, True),
        "note": (_free_text, False),
        "source": (one_of("manual", "interaction", "introduction", "import"), False),
        "since_precision": (one_of("year", "month"), True),
        **STAMP,
    },
    "pgroup": {
        "id": (_ident, False),
        "name": (line(), False),
        "name_key": (_any_text, False),
        **STAMP,
    },
    "pgroup_member": {"group_id": ("ref:pgroup", False), "person_id": ("ref:person", False)},
    "introduction": {
        "id": (_ident, False),
        "a_id": ("ref:person", False),
        "b_id": ("ref:person", False),
        "state": (one_of("suggested", "asked", "made", "declined"), False),
        "reasons": (_reasons, False),
        "kinds": (_kinds, False),
        "note": (_free_text, False),
        "asked_a_at": (_instant, True),
        "asked_b_at": (_instant, True),
        "made_at": (_instant, True),
        "declined_at": (_instant, True),
        "outcome": (one_of("connected", "nothing"), True),
        "outcome_note": (_free_text, False),
        **STAMP,
        "updated_at": (_instant, False),
    },
    "intro_followup": {
        "introduction_id": ("ref:introduction", False),
        "followup_id": ("ref:followup", False),
        "purpose": (one_of("waiting", "check-in"), False),
    },
    "dismissal": {
        "a_id": ("ref:person", False),
        "b_id": ("ref:person", False),
        "until": (_day, True),
        **STAMP,
    },
    "private_mark": {
        "kind": (one_of("topic", "event", "group"), False),
        "key": (_any_text, False),
        "name": (line(), False),
        **STAMP,
    },
    "resource": {
        "id": (_ident, False),
        "title": (line(300), False),
        "title_key": (_any_text, False),
        "url": (line(2000), True),
        "kind": (one_of(*RESOURCE_KINDS), False),
        "author": (line(), True),
        "note": (_free_text, False),
        **STAMP,
        "updated_at": (_instant, False),
    },
    "resource_topic": {
        "resource_id": ("ref:resource", False),
        "key": (_any_text, False),
        "topic": (line(), False),
    },
    "interaction_resource": {
        "interaction_id": ("ref:interaction", False),
        "resource_id": ("ref:resource", False),
        "direction": (one_of("to", "from"), False),
    },
    "group_reading": {
        "id": (_ident, False),
        "group_id": ("ref:pgroup", False),
        "resource_id": ("ref:resource", False),
        "due": (_day, True),
        "done_at": (_instant, True),
        **STAMP,
    },
}


def problems(tables: dict[str, Any]) -> list[Problem]:
    """The first SHOWN problems of an export's tables (empty when it may be restored)."""
    found: list[Problem] = []
    for problem in _all_problems(tables):
        found.append(problem)
        if len(found) == SHOWN:
            break
    return found


def _all_problems(tables: dict[str, Any]) -> Iterator[Problem]:
    ids: dict[str, set[int]] = {}
    for table, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            yield Problem(table, "table", "is not a list of rows")
            continue
        if "id" in TABLES.get(table, {}):
            ids[table] = {r["id"] for r in rows if type(r.get("id")) is int}
            if len(ids[table]) < len(rows):
                yield from _duplicate_ids(table, rows)
    for table, rows in tables.items():
        if isinstance(rows, list) and table in TABLES:
            for n, row in enumerate(rows, 1):
                if isinstance(row, dict):
                    yield from _row_problems(table, n, row, ids)


def _duplicate_ids(table: str, rows: list[dict[str, Any]]) -> Iterator[Problem]:
    seen: set[Any] = set()
    for n, row in enumerate(rows, 1):
        key = row.get("id")
        if type(key) is int and key in seen:
            yield Problem(f"{table} row {n}", "id", f"#{key} is used twice")
        seen.add(key if type(key) is int else None)


def _row_problems(
    table: str, n: int, row: dict[str, Any], ids: dict[str, set[int]]
) -> Iterator[Problem]:
    spec = TABLES[table]
    where = f"{table} row {n}" + (f" (#{row['id']})" if type(row.get("id")) is int else "")
    for column in row:
        if column not in spec:
            yield Problem(where, str(column)[:40], "is not a column of this table")
    found = [
        Problem(where, column, why)
        for column, (check, nullable) in spec.items()
        if (why := _why(row.get(column), check, nullable, ids))
    ]
    yield from found
    if not found:  # derived keys and pair order, once every value is sound
        derived = _consistency(table, row)
        if derived:
            yield Problem(where, *derived)


def _why(value: Any, check: Check | str, nullable: bool, ids: dict[str, set[int]]) -> str | None:
    if value is None:
        return None if nullable else "is missing"
    if isinstance(check, str):
        target = check.removeprefix("ref:")
        if _ident(value):
            return _ident(value)
        return None if value in ids.get(target, set()) else f"names a {target} the file lacks"
    try:
        return check(value)
    except Bad as bad:
        return str(bad)


def _consistency(table: str, row: dict[str, Any]) -> tuple[str, str] | None:
    """Keys pln derives from values must be the ones it would derive; pairs are ordered."""
    try:
        if table in ("event", "person", "pgroup") and row.get("name_key") != fold(row["name"]):
            return "name_key", "does not match the name"
        if table == "resource" and row.get("title_key") != fold(row["title"]):
            return "title_key", "does not match the title"
        if table == "resource_topic" and row.get("key") != topic_key(row["topic"]):
            return "key", "does not match the topic"
        if table == "person_attr":
            return _attr_consistency(row)
        if table == "interaction_topic" and row.get("key") != topic_key(row["topic"]):
            return "key", "does not match the topic"
        if table == "private_mark":
            key = topic_key(row["name"]) if row["kind"] == "topic" else fold(row["name"])
            if row.get("key") != key:
                return "key", "does not match the name"
        if table in ("tie", "dismissal", "introduction") and not row["a_id"] < row["b_id"]:
            return "a_id", "must be less than b_id"
    except (KeyError, TypeError, AttributeError):
        return None  # a missing or mistyped value: reported by its own check
    return None


def _attr_consistency(row: dict[str, Any]) -> tuple[str, str] | None:
    kind, value = row["kind"], row["value"]
    if not isinstance(value, str):
        return None
    try:
        if kind == "email":
            clean_email(value, keep_invisible=True)
        else:
            clean_line(value, "it", keep_invisible=True)
    except InvalidInput:
        return "value", "is not a valid " + ("email address" if kind == "email" else kind)
    if row.get("key") != attr_key(kind, value):
        return "key", "does not match the value"
    return None
