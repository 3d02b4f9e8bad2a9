"""Every command as a function free of Typer, Click and Rich.

A command function takes the ``AppContext`` and plain typed values (the Typer layer
has already turned option text into dates, cadences and enums), does the work in one
transaction, and returns a result value or raises a ``PlnError``; the Typer layer
only declares the options, calls it, and renders what it returns. A question for the
user (a close spelling of PERSON) is a ``Confirm`` callback the caller passes in: the
Typer layer asks on a terminal, a script or a test answers without asking.
"""

from collections.abc import Callable

from ..context import AppContext
from ..dates import DateError, parse_interval
from ..errors import InvalidInput, NotFound
from ..resolve import PersonRef, resolve

Confirm = Callable[[str], bool]  # a yes/no question -> the answer


def never(question: str) -> bool:
    """The ``Confirm`` of a caller that cannot ask: a close spelling is refused."""
    return False


def find_person(
    app: AppContext, text: str, *, confirm: Confirm, archived: bool = False
) -> PersonRef:
    """PERSON for a command that writes. Exact names, unique prefixes and #id are taken as
    they are; a close spelling is put to ``confirm`` and refused unless it says yes, so a
    typo never writes to the wrong person."""
    ref = resolve(app.conn, text, archived=archived)
    if ref.guessed_from is None:
        return ref
    question = f"did you mean {ref.name} (#{ref.id})?"
    if confirm(f"no one is called {text!r}; {question}"):
        return PersonRef(ref.id, ref.name)
    raise NotFound(f"no one is called {text!r}; {question}", f"give the exact name or '#{ref.id}'")


def cadence(text: str | None, *, allow_default: bool = False) -> str | None:
    """An --every value: canonical interval text, "never", or (edit) "default"."""
    if text is None:
        return None
    word = text.strip().lower()
    if word in ("never", "none", "no"):
        return "never"
    if allow_default and word == "default":
        return "default"
    try:
        return str(parse_interval(text))
    except DateError as exc:
        raise InvalidInput(f"--every: {exc}", "or `never` for no keep-in-touch rhythm") from None
