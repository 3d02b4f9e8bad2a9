"""Long output on a terminal goes through the user's pager, as git does.

The read commands whose output can be long (list, due, show, find, reminders,
history, events, who, intros, introduce's suggestions) call ``AppContext.page``
just before they print; it imports this module only when standard output is a
terminal, so a pipe pays nothing. Which pager: ``$PLN_PAGER``, else ``$PAGER``,
else ``less -FRX`` (``LESS=FRX`` is set for it when ``LESS`` is unset: quit at
once if the output fits on one screen, pass colours, leave the screen as it is).
An empty value or ``cat`` means no pager; so do ``--no-pager`` and ``pager =
false`` in the config file. Exported data is never paged.

Standard output (and standard error, when it is a terminal too) then write to the
pager's input, still styled as for a terminal; pln waits for the pager to end
before it exits. A pager that cannot be started (not found, not executable)
leaves the output on the terminal, without a word. Quitting the pager before the
end is success: the output's reader has all it wants (``files.output_error``).
"""

import io
import os
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # subprocess, shlex and atexit load only when a pager is to start
    import subprocess

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
    False, with the output left as it was, when there is none or it cannot start."""
    if isinstance(sys.stdout, _ToPager):
        return True  # already paging (a command run again after a fast path's error)
    pager = command()
    if pager is None:
        return False
    import atexit
    import subprocess  # not before: no pager (PLN_PAGER=cat) pays nothing for it

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")  # as git: lv, another pager, then passes colours
    try:
        proc = subprocess.Popen(_argv(pager), stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):
        return False
    assert proc.stdin is not None
    out = sys.stdout
    paged = _ToPager(
        proc.stdin, encoding=out.encoding, errors=out.errors, newline="\n", write_through=False
    )
    saved = (sys.stdout, sys.stderr)
    sys.stdout = paged
    if sys.stderr is not None and sys.stderr.isatty():
        sys.stderr = paged
    atexit.register(_finish, proc, paged, saved)
    return True


def _argv(pager: str) -> list[str]:
    """The pager's command line: its words, or ``sh -c`` for anything a shell must read."""
    if SHELL_CHARACTERS.isdisjoint(pager):
        import shlex

        words = shlex.split(pager)
        if words:
            return words
    return ["/bin/sh", "-c", pager]


def _finish(proc: "subprocess.Popen[bytes]", paged: _ToPager, saved: tuple[TextIO, TextIO]) -> None:
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
