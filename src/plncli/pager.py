"""Long output on a terminal goes through the user's pager, as git does.

The read commands whose output can be long (list, due, show, find, reminders,
history, events, who, intros, introduce's suggestions) call ``AppContext.page``
just before they print; it imports this module only when standard output is a
terminal, so a pipe pays nothing. Which pager: ``$PLN_PAGER``, else ``$PAGER``,
else ``less -FRX`` (``LESS=FRX`` is set for it when ``LESS`` is unset: quit at
once if the output fits on one screen, pass colours, leave the screen as it is).
An empty value or ``cat`` means no pager; so do ``--no-pager`` and ``pager =
false`` in the config file. Exported data is never paged. The default pager starts
only once the output is longer than the screen (``_Held``): what fits, less would
show and quit at once, so it goes straight to the terminal (the same text, without
the ~10 ms of CPU of starting less: `pln due` on a terminal).

Standard output (and standard error, when it is a terminal too) then write to the
pager's input, still styled as for a terminal; pln waits for the pager to end
before it exits. A pager that cannot be started (not found, not executable)
leaves the output on the terminal, without a word. Quitting the pager before the
end is success: the output's reader has all it wants (``files.output_error``).
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import suppress

from .lean import TYPE_CHECKING

if TYPE_CHECKING:  # subprocess, shlex and atexit load only when a pager is to start
    import subprocess
    from typing import TextIO

DEFAULT = "less -FRX"
# Characters a shell would read: a command holding any of them runs through /bin/sh.
SHELL_CHARACTERS = frozenset("|&;<>()$`\\\"'*?[#~=%\n")


class _ToPager(io.TextIOWrapper):
    """The pager's input, shown on the terminal: drawn as for a terminal."""

    def isatty(self) -> bool:
        return True


def command() -> str | None:
    """The pager to run, or None for none."""
    for name in ("PLN_PAGER", "PAGER"):
        value = os.environ.get(name)
        if value is not None:
            break
    else:
        value = DEFAULT
    value = value.strip()
    return None if value in ("", "cat") else value


def start() -> bool:
    """Send standard output (and a terminal's standard error) through the pager;
    False, with the output left as it was, when there is none or it cannot start.
    The default pager starts only once the output is longer than one screen
    (``_Held``)."""
    if isinstance(sys.stdout, _ToPager | _Held):
        return True  # already paging (a command run again after a fast path's error)
    pager = command()
    if pager is None:
        return False
    if pager == DEFAULT:
        held = _Held.for_terminal(sys.stdout)
        if held is not None:
            held.saved = _redirect(held)
            import atexit

            atexit.register(held.finish)
            return True
    return _launch(pager, sys.stdout) is not None


def _redirect(stream: TextIO | _Held) -> tuple[TextIO, TextIO]:
    """Standard output, and standard error when it is a terminal too, to ``stream``;
    the two as they were."""
    saved = (sys.stdout, sys.stderr)
    sys.stdout = stream  # a text stream to write to
    if sys.stderr is not None and sys.stderr.isatty():
        sys.stderr = stream
    return saved


def _launch(
    pager: str, out: TextIO, restore: tuple[TextIO, TextIO] | None = None
) -> _ToPager | None:
    """Start ``pager`` and send the output (``out``: the terminal's) to it; None when it
    cannot start. At exit the streams become ``restore`` (by default: as they were)."""
    import atexit
    import subprocess  # not before: no pager (PLN_PAGER=cat) pays nothing for it

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")  # as git: lv, another pager, then passes colours
    try:
        proc = subprocess.Popen(_argv(pager), stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):
        return None
    assert proc.stdin is not None
    paged = _ToPager(
        proc.stdin, encoding=out.encoding, errors=out.errors, newline="\n", write_through=False
    )
    saved = _redirect(paged)
    atexit.register(_finish, proc, paged, restore or saved)
    return paged


class _Held(io.TextIOBase):
    """The output held back while it fits on one screen, for the default pager: ``less
    -FRX`` would show it and quit at once, the screen left as it is (-X), so output
    that fits is written to the terminal at exit and less never starts (starting it
    cost `pln due` on a terminal ~10 ms of CPU). Once the output is longer, less
    starts and gets it all, and what follows. Counted conservatively: every character
    of a line that is not ASCII as two columns, escape codes as columns too, so output
    said to fit always fits. Text the terminal's encoding cannot show fails as the
    terminal would fail it, at the write."""

    def __init__(self, out: TextIO, rows: int, columns: int) -> None:
        self._out = out
        self._room = rows - 2  # less keeps the last line for its prompt; one more spare
        self._columns = max(columns, 1)
        self._held: list[str] = []
        self._lines = 0
        self._paged: TextIO | None = None
        self.saved = (sys.stdout, sys.stderr)  # the streams to restore (``start``)

    @classmethod
    def for_terminal(cls, out: TextIO) -> _Held | None:
        try:
            size = os.get_terminal_size(out.fileno())
        except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
            return None
        return cls(out, size.lines, size.columns) if size.lines > 2 else None

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._out.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self._out.errors

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._out.fileno()

    def write(self, text: str) -> int:
        if self._paged is not None:
            return self._paged.write(text)
        text.encode(self._out.encoding or "utf-8", self._out.errors or "strict")
        self._held.append(text)
        self._lines += _screen_lines(text, self._columns)
        if self._lines > self._room:
            self._page()
        return len(text)

    def flush(self) -> None:
        if self._paged is not None:
            self._paged.flush()

    def _page(self) -> None:
        """Longer than a screen: start the pager with what was held."""
        held, self._held = "".join(self._held), []
        paged = _launch(DEFAULT, self._out, self.saved)
        if paged is None:  # no less: the terminal, as when a pager cannot start
            sys.stdout, sys.stderr = self.saved
        self._paged = paged if paged is not None else self._out
        self._paged.write(held)

    def finish(self) -> None:
        """At exit: what was held fits on the screen; it goes to the terminal."""
        if self._paged is not None:
            return
        if sys.stdout is self or sys.stderr is self:
            sys.stdout, sys.stderr = self.saved
        with suppress(OSError, ValueError):
            self._out.write("".join(self._held))
            self._out.flush()
        self._held = []


def _screen_lines(text: str, columns: int) -> int:
    """Lines of the screen ``text`` takes at most (``_Held``)."""
    lines = text.split("\n")
    total = 0
    for n, line in enumerate(lines):
        width = len(line) if line.isascii() else 2 * len(line)
        if n < len(lines) - 1 or width:
            total += max(1, -(-width // columns))
    return total


def _argv(pager: str) -> list[str]:
    """The pager's command line: its words, or ``sh -c`` for anything a shell must read."""
    if SHELL_CHARACTERS.isdisjoint(pager):
        import shlex

        words = shlex.split(pager)
        if words:
            return words
    return ["/bin/sh", "-c", pager]


def _finish(proc: subprocess.Popen[bytes], paged: _ToPager, saved: tuple[TextIO, TextIO]) -> None:
    """At exit: end the pager's input and wait until the user has left the pager."""
    sys.stdout, sys.stderr = saved
    with suppress(OSError, ValueError):  # the user quit the pager before the end
        paged.close()
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C is the pager's to handle; wait for it to end
            continue
