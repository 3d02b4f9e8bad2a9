"""Checks the CLI test files share."""

from collections.abc import Callable
from typing import Any

Dump = Callable[[], list[str]]


def assert_clean_error(result: Any) -> str:
    """One `error: ...` line on stderr (plus at most one `hint: ...`), nothing on stdout."""
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 2, f"stderr should be one error line (+ hint): {result.stderr!r}"
    assert lines[0].startswith("error: "), lines
    if len(lines) == 2:
        assert lines[1].startswith("hint: "), lines
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    return str(lines[0])


def fails(pln: Any, dump: Dump, code: int, *args: str, input: str | None = None) -> str:
    """Run a command that must fail with ``code`` and leave every row as it was."""
    before = dump()
    assert before, "set up some data first, so that 'unchanged' means something"
    result = pln(*args, input=input, code=code)
    line = assert_clean_error(result)
    assert dump() == before
    return line
