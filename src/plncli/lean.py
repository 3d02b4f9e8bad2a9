"""What the modules every read loads take from ``typing``, without importing it.

``typing`` (and ``re``, which it imports) cost a read ~5 ms of a ~17 ms floor at start-up
(`pln list`, `pln due --json` at 10,000 people: ``benchmarks/run.py``), and the commands
the fast path serves use it for two things only: names for annotations, which
``from __future__ import annotations`` leaves unevaluated, and ``NamedTuple`` classes.
So those modules import ``TYPE_CHECKING`` and ``NamedTuple`` from here:

- ``TYPE_CHECKING`` is False when running; mypy reads any name spelled so as true, so
  ``if TYPE_CHECKING: from typing import Any`` gives mypy the names and costs nothing.
- ``NamedTuple`` is ``typing.NamedTuple`` to mypy; when running it is a base class that
  makes the same class ``typing.NamedTuple`` makes (``collections.namedtuple`` with the
  annotated fields, their defaults, and the class body's methods and docstring).
  ``tests/test_lean.py`` compares the two.

And they compile their regular expressions with ``regex``, on first use: ``re`` is
imported by the first command that needs one (parsing a date, wrapping a long word, ...).
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False

if TYPE_CHECKING:
    import re
    from typing import NamedTuple as NamedTuple
else:
    from collections import namedtuple

    # as typing.NamedTupleMeta: names a class body may not set, and names not copied
    _PROHIBITED = frozenset(
        {
            "__new__",
            "__init__",
            "__slots__",
            "__getnewargs__",
            "_fields",
            "_field_defaults",
            "_make",
            "_replace",
            "_asdict",
            "_source",
        }
    )
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

    class _NamedTupleMeta(type):
        def __new__(mcs, typename, bases, ns):
            types = ns.get("__annotations__", {})
            defaults = []
            for field in types:
                if field in ns:
                    defaults.append(ns[field])
                elif defaults:
                    raise TypeError(
                        f"Non-default namedtuple field {field} cannot follow default field"
                        f"{'s' if len(defaults) > 1 else ''} {', '.join(types)}"
                    )
            made = namedtuple(typename, list(types), defaults=defaults, module=ns["__module__"])
            made.__annotations__ = dict(types)
            for key, value in ns.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SPECIAL and key not in made._fields:
                    setattr(made, key, value)
            return made

    NamedTuple = type.__new__(_NamedTupleMeta, "NamedTuple", (), {})


@cache
def regex(pattern: str) -> re.Pattern[str]:
    """``re.compile(pattern)``, importing ``re`` on first use; each pattern compiled once."""
    import re

    return re.compile(pattern)


def dumps(value: object) -> str:
    """``json.dumps(value)``, the same text, from json's C accelerator: ``json`` imports
    ``re`` (the introductions' reasons and a topic's matches are written as JSON)."""
    try:
        from _json import encode_basestring_ascii, make_encoder
    except ImportError:  # an interpreter without the accelerator
        import json

        return json.dumps(value)

    def refuse(o: object) -> object:  # JSONEncoder.default's refusal, word for word
        raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

    # markers (circular references refused), default, quoting, no indent, json.dumps's
    # separators, keys unsorted, none skipped, NaN allowed: json.dumps's defaults
    encode = make_encoder({}, refuse, encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return "".join(encode(value, 0))
