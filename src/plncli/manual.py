"""The manual: a page for `pln` and for each command (roff, section 1), and `pln help`.

The pages are made from the same declarations as `--help` (``generate`` walks the Typer
app's command tree: each command's usage, docstring, arguments and options with their
help), plus what `--help` does not say: EXIT STATUS (``EXIT_CODES``, the README's table,
held equal to it by a test), ENVIRONMENT and FILES. They ship in the package
(``man/man1/*.1``) and are installed to ``share/man/man1`` where the platform's layout
allows (a wheel's data files: `man pln` then works in a venv or a prefix install).
``tests/test_manual.py`` regenerates them and fails while they differ from what is
shipped: after changing a command, run ``python -m plncli.manual``.

`pln help [COMMAND...]` shows a page: in ``man -l`` when standard output is a terminal and
``man`` is installed, else as plain text rendered here from the same roff (the subset
``generate`` writes). Showing a page imports neither Typer nor the commands: the command
tree comes from ``completion.json`` (``complete.py``).
"""

import os
import re
import sys
from typing import Any

MAN_DIR = os.path.join(os.path.dirname(__file__), "man", "man1")
WIDTH = 80  # the plain rendering's width
DATE = "2026-11-28"  # the pages' date (.TH): when their layout last changed
INDENT = 7  # as man indents a section's text

EXIT_CODES = (  # README, "Errors and exit codes"
    ("0", "success"),
    (
        "1",
        "unexpected internal error (answering no to `pln undo`/`pln merge`/`pln event merge`"
        "/`pln forget` exits 0: nothing changed)",
    ),
    (
        "2",
        "bad input: an unknown option, a date or interval not understood, an empty or"
        " over-long name; `pln import -` without `--format`; an option that holds one value"
        ' given twice with two values (`-m "first" -m "second"`, `--db a.db --db b.db`: the'
        " second would replace the first unsaid)",
    ),
    (
        "3",
        "not found: no such person, event, group, resource or follow-up; or what a command"
        " would take away is not there (`pln group remove` of someone not in the group,"
        " `pln unknows` of a tie not recorded, `--remove-topic` of a topic not held)",
    ),
    ("4", "ambiguous: PERSON matches several people, or EVENT several events (they are listed)"),
    (
        "5",
        "conflict: a likely duplicate person; a file that already exists (`--force` replaces"
        " it); the book changed while `pln undo` asked (nothing was undone); `pln db init`"
        " given a database that is not empty",
    ),
    ("6", "the database is busy: another pln kept it locked for more than 5 s"),
    (
        "7",
        "the database cannot be used: not a database, from a newer pln, damaged, read-only,"
        " its directory is missing, or a path given with `--db`/`$PLN_DB` does not exist; or"
        " the disk (or the output) is full; a PostgreSQL server that cannot be reached,"
        " refuses the login, has no such database or no right to prepare it; a shared book"
        " made by an older pln (its keeper runs `pln db upgrade`), or a role that may not"
        " upgrade it",
    ),
    ("130", "interrupted (Ctrl-C); `pln add -i` keeps the cards already saved and says so"),
)

ENVIRONMENT = (
    ("PLN_DB", "The book: a file, or a shared book's postgresql:// URL (after --db)."),
    ("PLN_HOME", "A folder for pln.db and config.toml, instead of the user directories."),
    ("NO_COLOR", "No colour. Colour is also off when standard output is not a terminal."),
    ("FORCE_COLOR", "Colour even when standard output is not a terminal."),
    ("PLN_NOW", 'An ISO date-time from 1900 to 2999 that pins "now", for tests and demos.'),
    ("PLN_DEBUG", "Set to 1: show the traceback of an internal error."),
    ("PLN_NO_FASTPATH", "Set to 1: always go through the full command-line parser."),
)

FILES = (
    (
        "~/.local/share/pln/pln.db",
        "The book, on Linux (the platform's user data directory elsewhere; $PLN_HOME/pln.db"
        " when PLN_HOME is set). `pln db path` prints the one in use.",
    ),
    (
        "~/.config/pln/config.toml",
        "Preferences: dayfirst, first_contact_days, db (a shared book), [cadence], [synonyms]"
        " ($PLN_HOME/config.toml when PLN_HOME is set).",
    ),
    ("backups/", "Beside the book: `pln db backup` and the copies made before a migration."),
)


# ---- showing a page --------------------------------------------------------------------------


class NoPage(Exception):
    """The words name no command."""


def page_name(words: list[str]) -> str:
    """``pln``, ``pln-log``, ``pln-group-add``: the page of the command ``words`` name."""
    from .complete import load_spec

    spec = load_spec()
    path = ""
    for word in words:
        if word not in spec[path].get("commands", ()):
            raise NoPage(word)
        path = f"{path} {word}".strip()
    return "-".join(["pln", *path.split()])


def page_path(name: str) -> str:
    return os.path.join(MAN_DIR, f"{name}.1")


def run(argv: list[str]) -> int | None:
    """`pln [--db PATH] [--no-pager] help [COMMAND...]` without Typer; None for what Typer
    words (an option such as `pln help --help`)."""
    from .fast import not_utf8, split_db, without_pager_flag

    if not_utf8(argv):
        return None  # the Typer app says which argument
    args, pager = without_pager_flag(argv)
    split = split_db(args)
    if split is None or any(w.startswith("-") for w in split[1][1:]):
        return None
    return show(split[1][1:], pager=pager)


def show(words: list[str], *, pager: bool = True) -> int:
    """Show the page of the command ``words`` name; the exit code. On a terminal the page
    opens in `man` (and its pager) unless ``pager`` is off (``--no-pager``): then it is
    printed as plain text, as in a pipe."""
    try:
        name = page_name(words)
    except NoPage as exc:
        from .tables import emit

        emit(
            f"error: No such command '{exc}'.",
            ("hint: see `pln --help` for the commands", "dim"),
            stderr=True,
        )
        return 2
    path = page_path(name)
    if pager and _on_terminal():
        import shutil
        import subprocess

        man = shutil.which("man")
        if man is not None:
            return subprocess.run([man, "-l", path], check=False).returncode
    from .fast import _write

    with open(path, encoding="utf-8") as fh:
        return _write(plain(fh.read())) or 0


def _on_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


# ---- the plain rendering ---------------------------------------------------------------------

_NAMED = {"-": "-", "e": "\\", "(aq": "'", "&": "", "(em": "\u2014", " ": " "}
_ESCAPE = re.compile(r"\\(f[BIRP]|\[u[0-9A-F]{4,6}\]|\(aq|\(em|[-e& ])")


def inline(text: str) -> str:
    """A roff text line as plain text: fonts dropped, escapes read (in one pass)."""

    def read(m: re.Match[str]) -> str:
        escape = m.group(1)
        if escape.startswith("f"):
            return ""
        if escape.startswith("[u"):
            return chr(int(escape[2:-1], 16))
        return _NAMED[escape]

    return _ESCAPE.sub(read, text)


def plain(roff: str) -> str:
    """A page written by ``generate`` as plain text, as man lays it out (without fonts)."""
    out: list[str] = []
    para: list[str] = []
    indent = INDENT
    fill = True
    tag: str | None = None
    pending_tag = False

    def flush() -> None:
        nonlocal tag
        if not para:
            return
        text = " ".join(para)
        para.clear()
        if tag is not None:
            out.extend(_tagged(tag, text, indent))
            tag = None
        else:
            out.extend(_wrap(text, indent))

    for line in roff.splitlines():
        if pending_tag:
            tag, pending_tag = _macro_text(line), False
            continue
        if not line.startswith("."):
            if fill:
                para.append(inline(line))
            else:
                out.append(" " * indent + inline(line))
            continue
        macro, _, rest = line.partition(" ")
        if macro == ".TH":
            title = rest.split(" ")[0] + "(1)"
            out.append(f"{title}{'pln manual'.center(WIDTH - 2 * len(title))}{title}".rstrip())
        elif macro == ".SH":
            flush()
            out.extend(["", inline(rest.strip('"'))])
            indent = INDENT
        elif macro in (".PP", ".P", ".LP"):
            flush()
            out.append("")
        elif macro == ".TP":
            flush()
            out.append("")
            pending_tag = True
        elif macro == ".nf":
            flush()
            fill = False
        elif macro == ".fi":
            fill = True
        elif macro == ".RS":
            flush()
            indent += 4
        elif macro == ".RE":
            flush()
            indent = max(INDENT, indent - 4)
        elif macro in (".B", ".I", ".BR", ".IR", ".BI", ".IB", ".RB", ".RI"):
            para.append(_macro_text(line)) if fill else out.append(" " * indent + _macro_text(line))
    flush()
    head, *body = _squeeze(out) or [""]
    return "\n".join([head, "", *body]).strip("\n") + "\n"


def _macro_text(line: str) -> str:
    """The text of a font macro line (``.B pln add``, ``.BR \\-\\-db " " PATH``)."""
    macro, _, rest = line.partition(" ")
    if not macro.startswith("."):
        return inline(line)
    words = re.findall(r'"((?:[^"]|"")*)"|(\S+)', rest)
    parts = [quoted.replace('""', '"') or bare for quoted, bare in words]
    alternating = len(macro) == 3
    return inline(("" if alternating else " ").join(parts))


def _wrap(text: str, indent: int) -> list[str]:
    import textwrap

    return textwrap.wrap(
        text,
        WIDTH - indent,
        initial_indent=" " * indent,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _tagged(tag: str, text: str, indent: int) -> list[str]:
    """A ``.TP`` item: the tag, then its text 4 columns further in (beside a short tag)."""
    body = indent + 4
    lines = _wrap(text, body)
    head = " " * indent + tag
    if lines and len(head) < body - 1:
        return [head + lines[0][len(head) :], *lines[1:]]
    return [head, *lines]


def _squeeze(lines: list[str]) -> list[str]:
    """No two blank lines in a row, and none right after a section heading."""
    out: list[str] = []
    for line in lines:
        blank = not line.strip()
        if blank and (not out or not out[-1].strip() or not out[-1].startswith(" ")):
            continue
        out.append("" if blank else line)
    return out


# ---- writing the pages, from the Typer declarations ------------------------------------------


def roff(text: str) -> str:
    """Text as a roff text line: backslashes, hyphens and anything not ASCII escaped, and a
    line that would start with a control character guarded."""
    text = text.replace("\\", r"\e").replace("-", r"\-")
    text = "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)
    return "\\&" + text if text[:1] in (".", "'") else text


def text(paragraph: str) -> list[str]:
    """A paragraph as roff text lines of at most 78 characters before escaping (roff
    fills them again)."""
    import textwrap

    lines = textwrap.wrap(paragraph, 78, break_on_hyphens=False, break_long_words=False)
    return [roff(line) for line in lines] or [""]


def _paragraphs(help_text: str) -> list[tuple[bool, list[str]]]:
    """A docstring's paragraphs: (verbatim, lines). ``\\b`` marks a verbatim one (Click)."""
    out: list[tuple[bool, list[str]]] = []
    for block in re.split(r"\n\s*\n", help_text.strip()):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append((True, [ln.rstrip() for ln in lines[1:]]))
        else:
            out.append((False, [" ".join(ln.strip() for ln in lines)]))
    return out


def generate() -> dict[str, str]:
    """Every page, by file name (``pln-group-add.1``), as the Typer app declares today."""
    from typer.main import get_command

    from . import __version__
    from .cli import app

    pages: dict[str, str] = {}
    root = get_command(app)
    import typer

    ctx = typer.Context(root, info_name="pln", **root.context_settings)

    def walk(command: Any, context: Any, words: list[str]) -> None:
        name = "-".join(["pln", *words])
        pages[f"{name}.1"] = _page(command, context, name, __version__)
        for sub_name, sub in getattr(command, "commands", {}).items():
            sub_ctx = typer.Context(sub, info_name=sub_name, parent=context, **sub.context_settings)
            walk(sub, sub_ctx, [*words, sub_name])

    walk(root, ctx, [])
    return pages


def _page(command: Any, ctx: Any, name: str, version: str) -> str:
    help_text = command.help or ""
    paragraphs = _paragraphs(help_text)
    summary = paragraphs[0][1][0] if paragraphs and not paragraphs[0][0] else ""
    lines = [
        f'.TH {name.upper()} 1 {DATE} "pln {version}" "pln manual"',
        ".SH NAME",
        f"{roff(name)} \\- {roff(summary)}",  # one line: what apropos and whatis read
        ".SH SYNOPSIS",
        ".nf",
        roff(command.get_usage(ctx).removeprefix("Usage: ")),
        ".fi",
        ".SH DESCRIPTION",
    ]
    for n, (verbatim, body) in enumerate(paragraphs):
        if n:
            lines.append(".PP")
        lines.extend([".nf", *(roff(b) for b in body), ".fi"] if verbatim else text(body[0]))
    lines.extend(_params(command, ctx))
    lines.extend(_commands(command, name))
    lines.extend(_tail(name))
    return "\n".join(lines) + "\n"


def _params(command: Any, ctx: Any) -> list[str]:
    from typer.core import TyperArgument

    sections: dict[str, list[str]] = {"ARGUMENTS": [], "OPTIONS": []}
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_ = record
        where = "ARGUMENTS" if isinstance(param, TyperArgument) else "OPTIONS"
        sections[where] += [".TP", f".B {roff(names)}", *text(help_ or "")]
    return [line for title, body in sections.items() if body for line in (f".SH {title}", *body)]


def _commands(command: Any, name: str) -> list[str]:
    subs = getattr(command, "commands", {})
    if not subs:
        return []
    lines = [".SH COMMANDS"]
    for sub_name, sub in subs.items():
        page = f"{name}-{sub_name}"
        lines += [".TP", f".B {roff(page.replace('-', ' '))}"]
        lines += text(f"{sub.get_short_help_str(limit=200)} See {page}(1).")
    return lines


def _tail(name: str) -> list[str]:
    lines = [".SH EXIT STATUS"]
    for code, meaning in EXIT_CODES:
        lines += [".TP", f".B {code}", *text(meaning)]
    lines.append(".SH ENVIRONMENT")
    for var, meaning in ENVIRONMENT:
        lines += [".TP", f".B {var}", *text(meaning)]
    lines.append(".SH FILES")
    for path, meaning in FILES:
        lines += [".TP", f".I {roff(path)}", *text(meaning)]
    lines += [".SH SEE ALSO", roff("pln(1); pln help COMMAND; pln COMMAND --help")]
    if name == "pln":
        lines[-1] = roff("pln help COMMAND (the page of each command, e.g. pln-log(1)); the README")
    return lines


def write() -> None:
    """Rewrite the shipped pages from the Typer app (`python -m plncli.manual`)."""
    pages = generate()
    os.makedirs(MAN_DIR, exist_ok=True)
    for old in os.listdir(MAN_DIR):
        if old.endswith(".1") and old not in pages:
            os.remove(os.path.join(MAN_DIR, old))
    for file_name, text in pages.items():
        with open(os.path.join(MAN_DIR, file_name), "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    write()
