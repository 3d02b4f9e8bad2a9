"""``plncli.lean``: the fast path's reads start without ``typing`` and ``re``, and what
stands in for them behaves as they do."""

import os
import pickle
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import book_location, shared_book
from plncli import dates, lean, settings, text
from plncli.dates import Interval, parse_interval

PROBE = (
    "import io, os, sys\n"
    "from plncli.fast import run\n"
    "class Terminal(io.StringIO):\n"  # PLN_TTY: a terminal's output (styled, paged)
    "    def isatty(self): return True\n"
    "page = Terminal if os.environ.get('PLN_TTY') else io.StringIO\n"
    "out, sys.stdout = sys.stdout, page()\n"
    "code = run(sys.argv[1:])\n"
    "shown, sys.stdout = sys.stdout.getvalue(), out\n"
    "print(code, len(shown) > 0, 'share' in shown)\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


def _loaded(db_path: Path, *argv: str, tty: bool = False) -> tuple[str, set[str]]:
    env = {**os.environ, "PLN_DB": book_location(db_path), "PLN_NOW": "2026-12-10T10:00:00"}
    if tty:  # as on a terminal with no pager: pager.py is loaded, and tables drawn styled
        env.update(PLN_TTY="1", PLN_PAGER="cat", COLUMNS="120")
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], env=env, capture_output=True, text=True, check=False
    )
    first, loaded = done.stdout.splitlines()
    return first, set(loaded.split())


@pytest.mark.parametrize(
    "argv",
    [
        ("due",),
        ("due", "--json"),
        ("list",),
        ("list", "--json"),
        ("list", "--sort", "last-contact"),
        ("find", "Ana"),
        ("find", "Ana", "--json"),
        ("show", "Ana"),
        ("share", "Talk"),
        ("introduce", "--for", "Ana"),
        ("introduce", "Ana", "Ben", "--draft"),
    ],
)
def test_the_common_reads_start_without_typing_or_re(
    db_path: Path, pln: Any, argv: tuple[str, ...]
) -> None:
    """``typing`` and ``re`` (which ``typing`` and ``json`` import) cost ~5 ms of a ~17 ms
    floor: the reads the fast path serves, and the introductions it serves, answered in
    full, load neither."""
    pln("add", "Ana Ruiz", "--circle", "colleague", "--topic", "oracy", "--every", "2w")
    pln("add", "Ben Ode", "--circle", "network", "--org", "Hillside", "--offers", "oracy")
    pln("log", "Ana", "-m", "coffee", "--kind", "coffee", "--on", "2026-01-02")
    # a resource added lately on Ana's topic: `pln due` offers it to share (sharing, topics)
    pln("resource", "add", "https://example.org/talk", "--title", "Talk", "--topic", "oracy")
    for tty in (False, True):
        first, loaded = _loaded(db_path, *argv, tty=tty)
        assert first == ("0 True True" if argv[0] in ("due", "share") else "0 True False")
        if shared_book(db_path):  # psycopg loads both for itself: only pln's part counts
            return
        assert not loaded & {"typing", "re", "json", "enum"}


class Typed(typing.NamedTuple):
    """A docstring."""

    a: int
    b: str = "x"
    c: tuple[int, ...] = ()

    def total(self) -> int:
        return self.a + len(self.b)


class Lean(lean.NamedTuple):
    """A docstring."""

    a: int
    b: str = "x"
    c: tuple[int, ...] = ()

    def total(self) -> int:
        return self.a + len(self.b)


def test_lean_namedtuple_makes_the_class_typing_makes() -> None:
    assert Lean._fields == Typed._fields == ("a", "b", "c")
    assert Lean._field_defaults == Typed._field_defaults == {"b": "x", "c": ()}
    assert Lean.__doc__ == Typed.__doc__ == "A docstring."
    assert Lean.__name__ == "Lean"
    assert Lean.__module__ == __name__
    assert Lean.__mro__[1:] == Typed.__mro__[1:] == (tuple, object)
    made = Lean(1)
    assert made == Typed(1) == (1, "x", ())
    assert made.total() == 2
    assert made._replace(b="yy").total() == 3
    assert made._asdict() == {"a": 1, "b": "x", "c": ()}
    assert Lean._make([2, "z", (3,)]) == (2, "z", (3,))
    assert repr(made) == "Lean(a=1, b='x', c=())"
    assert pickle.loads(pickle.dumps(made)) == made
    assert set(Lean.__annotations__) == {"a", "b", "c"}
    with pytest.raises(TypeError):
        Lean()  # type: ignore[call-arg]
    with pytest.raises(AttributeError):
        made.a = 3  # type: ignore[misc]


def test_lean_namedtuple_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError, match="Non-default namedtuple field"):

        class _Late(lean.NamedTuple):
            a: int = 1
            b: int  # type: ignore[misc]

    with pytest.raises(AttributeError, match="Cannot overwrite NamedTuple attribute _make"):

        class _Own(lean.NamedTuple):
            a: int

            def _make(self) -> None:  # type: ignore[override]
                pass


def test_an_interval_subclasses_its_fields_with_its_own_rules() -> None:
    assert Interval(1, 14) == (1, 14)
    assert Interval(days=3).days == 3
    with pytest.raises(ValueError, match="must not be negative"):
        Interval(-1, 0)


UNITS = st.sampled_from(["d", "w", "m", "y", "day", "days", "week", "weeks", "month", "months"])
SPAN_TEXT = st.lists(
    st.tuples(st.integers(0, 1_200_000), st.sampled_from(["", " "]), UNITS), min_size=1, max_size=4
).map(lambda parts: " ".join(f"{n}{gap}{u}" for n, gap, u in parts))


@given(body=st.one_of(SPAN_TEXT, st.text(alphabet="0123456789dwmyx ", max_size=10)))
def test_a_compact_span_reads_as_the_spelled_reading_does(body: str) -> None:
    """``dates._compact_span`` (no ``re``) gives what the pattern gives, or leaves it."""
    quick = dates._compact_span(body)
    if quick is not None:
        spelled = dates._read_spelled_span(body)
        assert spelled is not None
        months = quick.get("y", 0) * 12 + quick.get("m", 0)
        assert spelled == (months, quick.get("w", 0) * 7 + quick.get("d", 0))
    assert dates._read_span(body) == dates._read_spelled_span(body)


@given(st.text(max_size=12))
def test_an_id_is_read_as_the_pattern_reads_it(typed: str) -> None:
    m = re.fullmatch(r"#(\d+)", typed)
    assert text.id_typed(typed) == (int(m.group(1)) if m else None)


@given(st.text(max_size=30))
def test_spaces_fold_as_the_pattern_folded_them(typed: str) -> None:
    assert text.fold(typed) == re.sub(r"\s+", " ", text.fold(typed)).strip()
    assert " ".join(typed.split()) == re.sub(r"\s+", " ", typed).strip()


@given(st.text(alphabet=st.sampled_from(" \t=_abcdhostpr1"), max_size=20))
def test_a_connection_string_is_told_as_the_pattern_told_it(value: str) -> None:
    m = re.match(r"\s*(\w+)\s*=", value)
    assert settings.is_conninfo(value) == (m is not None and m[1] in settings.LIBPQ_KEYWORDS)
    assert settings.is_conninfo("host=db dbname=x")
    assert not settings.is_conninfo("a=b.db")


def test_parse_interval_reads_every_compact_cadence() -> None:
    assert parse_interval("3m") == Interval(3, 0)
    assert parse_interval("1m3d") == Interval(1, 3)
    assert parse_interval("1y2w") == Interval(12, 14)
    assert parse_interval("every 2 weeks") == Interval(0, 14)
    with pytest.raises(dates.DateError):
        parse_interval("3m3m")


@given(st.text(max_size=40))
def test_a_topic_key_splits_words_as_the_pattern_did(typed: str) -> None:
    folded = text.fold(typed)
    words = re.sub(r"[^\w]+", " ", folded).split()
    assert text.topic_key(typed) == " ".join(text.singular(w) for w in words)


@given(st.text(max_size=30))
def test_text_is_made_visible_as_the_pattern_made_it(typed: str) -> None:
    unsafe = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    assert text.visible(typed) == re.sub(unsafe, text._escape, typed)
