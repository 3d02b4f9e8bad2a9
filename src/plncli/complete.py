"""Shell completion of commands, options and values (bash, zsh, fish), without Typer.

A completion runs pln once per Tab, so it must answer well within 100 ms on a book of
10,000 people: Typer's own completion builds the whole app (every command's module,
Typer, Click, Rich) and cannot. ``__main__`` hands any process with ``_PLN_COMPLETE`` in
its environment to :func:`main` before importing anything else; this module imports only
the standard library, ``settings`` (where the book is) and ``text.fold``.

- **What it knows of the commands** is ``completion.json`` beside this file: every
  command and group, its options (which take a value, and what kind of value) and its
  arguments, generated from the Typer declarations by ``python -m plncli.complete``.
  ``tests/test_completion.py`` regenerates it and fails while the two differ, and fails
  when a parameter of any command has no entry in ``OPTION_KINDS``/``ARGUMENT_KINDS``
  below: a new option or argument cannot be forgotten.
- **Values** come from the book with one indexed query each: people (by the prefix of the
  folded name key, as PERSON is matched: case, accents and spacing folded), events and
  groups likewise, kinds of interaction (the built-in ones and every kind used), and
  fixed lists (``--circle``, ``--format``, ``--sort``, ...). A book that does not exist,
  cannot be read or is from another pln completes no names: completion never creates,
  migrates or writes a book, and never prints an error. Names come from a book on this
  machine only: on a shared book (PostgreSQL) psycopg's import alone is over the budget
  (``_open``).
- **The protocol**: the scripts ``pln completion SHELL`` prints run
  ``_PLN_COMPLETE=SHELL pln WORD...`` (bash passes its whole line up to the cursor, and
  the word it will replace). The answer is a first line ``values`` or ``files`` (let the
  shell complete a file name), then one candidate per line, quoted for bash as bash
  needs it (a name with a space is ``Ana\\ Ruiz``, or stays as it is inside a quote the
  user opened); zsh and fish quote what they insert themselves. Scripts installed
  earlier with Typer's ``--install-completion`` (``_PLN_COMPLETE=complete_bash`` with
  ``COMP_WORDS``) are answered too, one value per line.
"""

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

SHELLS = ("bash", "zsh", "fish")
SPEC_FILE = os.path.join(os.path.dirname(__file__), "completion.json")

# The kind of value each option takes, by option name; "COMMAND --option" overrides it for
# one command. A kind is "person", "archived" (archived people), "event", "group", "kind"
# (of interaction), "format" (the command's formats), "file" (the shell completes a file
# name), "command" (pln's commands), a tuple of the words it accepts, or None: free text.
OPTION_KINDS: dict[str, Any] = {
    "--db": "file",
    "--met-at": "event",
    "--introduced-by": "person",
    "--for": "person",
    "--from": "person",
    "--person": "person",
    "--group": "group",
    "--kind": "kind",
    "--format": "format",
    "--circle": "circle",
    "--output": "file",
    "--sort": ("name", "last-contact", "added"),
    "--on-duplicate": ("merge", "skip", "add"),
    "reminders --state": ("open", "done", "dropped", "all"),
    "intros --state": ("suggested", "asked", "made", "declined"),
    "graph --format": ("html", "json", "dot", "graphml", "mermaid"),
    **dict.fromkeys(
        (
            "--email",
            "--phone",
            "--org",
            "--role",
            "--location",
            "--link",
            "--every",
            "--topic",
            "--offers",
            "--seeks",
            "--role-tag",
            "--on",
            "--place",
            "--note",
            "--follow-up",
            "--name",
            "--message",
            "--about",
            "--within",
            "--limit",
            "--since",
            "--per-person",
            "--until",
            "--encoding",
            "--keep",
            "--suggestions",
            "--birthday",
            "--title",
            "--by",
            "--url",
        )
    ),
}

# The kind of each argument: "COMMAND:param" (the command's path, "group add:people"),
# else "GROUP:param" (its first word), else the parameter's name.
ARGUMENT_KINDS: dict[str, Any] = {
    "person": "person",
    "people": "person",
    "a": "person",
    "b": "person",
    "keep": "person",
    "other": "person",
    "restore:person": "archived",
    "event:name": "event",
    "event:keep": "event",
    "event:other": "event",
    "group:name": "group",
    "group read:group": "group",
    "private:kind": ("topic", "event", "group"),
    "private:name": "private",  # an event or a group, as the argument before it says
    "intro outcome:outcome": ("connected", "nothing"),
    "completion:shell": SHELLS,
    "help:words": "command",
    "file": "file",
    "path": "file",
    "export:target": "file",
    **dict.fromkeys(
        ("resource", "what", "names", "when", "fids", "fids_when", "text", "topic", "change", "url")
    ),
}

CIRCLES = ("colleague", "network", "following")
BUILTIN_KINDS = (  # kinds.BUILTIN (tests/test_completion.py holds them equal)
    "coffee",
    "call",
    "email",
    "message",
    "meeting",
    "event",
    "video",
    "note",
    "follow-up",
    "introduction",
    "shared",
)
_BREAKS = "=:"  # where bash (COMP_WORDBREAKS) starts the word it completes, inside a word


def option_kind(path: str, option: str) -> Any:
    """The kind of ``option``'s value in command ``path``; KeyError when unclassified."""
    names = [f"{path} {option}", option]
    for prefix in ("--add-", "--remove-"):
        if option.startswith(prefix):
            names.append("--" + option[len(prefix) :])
    for name in names:
        if name in OPTION_KINDS:
            return OPTION_KINDS[name]
    raise KeyError(f"{path} {option}")


def argument_kind(path: str, param: str) -> Any:
    """The kind of argument ``param`` of command ``path``; KeyError when unclassified."""
    for name in (f"{path}:{param}", f"{path.split(' ')[0]}:{param}", param):
        if name in ARGUMENT_KINDS:
            return ARGUMENT_KINDS[name]
    raise KeyError(f"{path}:{param}")


# ---- answering a Tab -------------------------------------------------------------------------


def main(mode: str) -> int:
    """Answer the shell that ran ``_PLN_COMPLETE=MODE pln ARGS``; always exit 0."""
    try:
        lines = _answer(mode, sys.argv[1:])
        sys.stdout.write("".join(f"{line}\n" for line in lines))
        sys.stdout.flush()
    except Exception:  # a completion never prints a traceback into the user's prompt
        if os.environ.get("PLN_DEBUG"):
            raise
    return 0


def _answer(mode: str, args: list[str]) -> list[str]:
    if mode == "bash":  # args: the word bash replaces, then the line up to the cursor
        current, line = (args + ["", ""])[:2]
        words, raw = split_line(line)
        found, values = complete(words[1:])
        return [found, *bash_quote(values, raw, current)]
    if mode in ("zsh", "fish"):  # args: the words after `pln`, the last one current
        words = args or [""]
        # fish gives the current word as typed ('Ana R, Ana\\ R); zsh unquotes it, but
        # leaves the quote the user opened and has not closed ("Ana R)
        if mode == "fish" or words[-1][:1] in ("'", '"'):
            words[-1] = "".join(split_line(words[-1])[0])
        found, values = complete(words)
        return [found, *values]
    if mode.startswith("complete_"):  # a script from Typer's --install-completion
        legacy = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS", "")
        words = legacy.split()[1:]
        cword = int(os.environ.get("COMP_CWORD", len(words) + 1) or 0)
        words = (words + [""])[: max(cword, 1)]
        return complete(words)[1]
    return []


def complete(words: Sequence[str]) -> tuple[str, list[str]]:
    """``("values" | "files", candidates)`` for the last of ``words`` (the words after
    ``pln``, unquoted; the last one is being typed)."""
    spec = load_spec()
    *before, current = list(words) or [""]
    walk = _Walk(spec)
    for word in before:
        walk.take(word)
    return walk.candidates(current)


def load_spec() -> dict[str, Any]:
    with open(SPEC_FILE, encoding="utf-8") as fh:
        spec: dict[str, Any] = json.load(fh)
    return spec


class _Walk:
    """Where a command line is: which command, which option waits for its value, which
    arguments are given."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.path = ""
        self.db: str | None = None
        self.waiting: str | None = None  # an option whose value comes next
        self.only_arguments = False
        self.arguments: list[str] = []

    @property
    def node(self) -> dict[str, Any]:
        node: dict[str, Any] = self.spec[self.path]
        return node

    def take(self, word: str) -> None:
        if self.waiting is not None:
            if self.waiting == "--db":
                self.db = word
            self.waiting = None
        elif word == "--" and not self.only_arguments:
            self.only_arguments = True
        elif word.startswith("-") and word != "-" and not self.only_arguments:
            name, eq, value = word.partition("=")
            if name == "--db" and eq:
                self.db = value
            elif name in self.node["options"] and not eq:
                self.waiting = name
        elif not self.arguments and word in self.node.get("commands", ()):
            self.path = f"{self.path} {word}".strip()
        else:
            self.arguments.append(word)

    def candidates(self, current: str) -> tuple[str, list[str]]:
        if self.waiting is not None:
            return self.values(self.node["options"][self.waiting], current)
        if current.startswith("-") and not self.only_arguments:
            name, eq, value = current.partition("=")
            if eq and name in self.node["options"]:
                found, values = self.values(self.node["options"][name], value)
                return found, [f"{name}={v}" for v in values] if found == "values" else []
            every = [*self.node["options"], *self.node["flags"]]
            return "values", sorted(o for o in every if o.startswith(current))
        commands = self.node.get("commands")
        if commands is not None and not self.arguments:
            return "values", [c for c in commands if c.startswith(current)]
        kind = self.argument()
        return self.values(kind, current)

    def argument(self) -> Any:
        """The kind of the argument being typed: by position, a variadic one takes the rest."""
        n = len(self.arguments)
        for arg in self.node.get("arguments", []):
            if arg["nargs"] == -1 or n < arg["nargs"]:
                return arg["value"]
            n -= arg["nargs"]
        return None

    def values(self, kind: Any, prefix: str) -> tuple[str, list[str]]:
        if kind == "file":
            return "files", []
        if isinstance(kind, list):
            folded = prefix.casefold()
            return "values", [v for v in kind if v.casefold().startswith(folded)]
        if kind == "command":
            return "values", self.commands(prefix)
        if kind == "private":
            chosen = self.arguments[0] if self.arguments else ""
            kind = chosen if chosen in ("event", "group") else None
        if kind == "kind":
            return "values", book_kinds(self.db, prefix)
        if kind in NAMED:
            return "values", book_names(self.db, kind, prefix)
        return "values", []

    def commands(self, prefix: str) -> list[str]:
        """For `pln help ...`: the commands of the group the earlier words name."""
        path = ""
        for word in self.arguments:
            if word in self.spec[path].get("commands", ()):
                path = f"{path} {word}".strip()
        return [c for c in self.spec[path].get("commands", ()) if c.startswith(prefix)]


# ---- names from the book ---------------------------------------------------------------------

NAMED = {
    "person": "SELECT name FROM person WHERE archived_at IS NULL AND {match}",
    "archived": "SELECT name FROM person WHERE archived_at IS NOT NULL AND {match}",
    "event": "SELECT name FROM event WHERE {match}",
    "group": "SELECT name FROM pgroup WHERE {match}",
}
_TOP = "\U0010ffff"


def key_prefix(typed: str) -> str:
    """What the folded name key of a match starts with: ``typed`` folded as names are
    (text.fold), keeping one trailing space (``Ana `` is not a prefix of ``Anabel``)."""
    from .text import fold

    key = fold(typed)
    return f"{key} " if key and typed[-1:].isspace() else key


def book_names(db: str | None, kind: str, typed: str) -> list[str]:
    prefix = key_prefix(typed)
    conn = _open(db)
    if conn is None:
        return []
    try:
        sql = NAMED[kind].format(match="name_key >= ? AND name_key < ? ORDER BY name_key")
        rows = conn.execute(sql, (prefix, prefix + _TOP)).fetchall()
    except Exception:  # another pln's schema, a damaged file: nothing to offer
        return []
    finally:
        conn.close()
    return list(dict.fromkeys(str(r[0]) for r in rows))


def book_kinds(db: str | None, typed: str) -> list[str]:
    """The built-in kinds, then every kind used in the book, that start with ``typed``."""
    known = list(BUILTIN_KINDS)
    conn = _open(db)
    if conn is not None:
        try:
            used = conn.execute("SELECT DISTINCT kind FROM interaction").fetchall()
            known += sorted(str(r[0]) for r in used)
        except Exception:  # another pln's schema, a damaged file: the built-in ones
            pass
        finally:
            conn.close()
    lowered = typed.lower()
    return [k for k in dict.fromkeys(known) if k.startswith(lowered)]


def _open(db: str | None) -> Any:
    """A read-only connection to the book, or None: no book there (completion never
    creates one), or a shared book. On PostgreSQL, importing psycopg alone costs more CPU
    than the 100 ms a Tab may take (~150-190 ms, and ~220 ms with connecting and one query;
    benchmarks/completion.py), so a shared book completes commands, options and fixed
    values, and no names."""
    from . import settings

    try:
        conf = settings._read_config(settings.config_path())
        path, _ = settings.resolve_db_path(db, conf.get("db"))
    except Exception:
        return None
    if path.startswith(("postgres:", "postgresql:")) or not os.path.isfile(path):
        return None
    import sqlite3
    from urllib.parse import quote

    try:
        conn = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?mode=ro", uri=True)
        conn.execute("PRAGMA query_only = 1")
    except sqlite3.Error:
        return None
    return conn


# ---- quoting for bash ------------------------------------------------------------------------

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/+@%=:")


def split_line(line: str) -> tuple[list[str], str]:
    """``line`` (a command line up to the cursor) as words with the shell's quoting
    removed, the last being the word under the cursor ("" after a space), and that last
    word as typed (quotes and backslashes included)."""
    words: list[str] = []
    word: list[str] = []
    raw_start = 0
    in_word = False
    quote = ""
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < len(line) and line[i + 1] in '"\\$`':
                i += 1
                word.append(line[i])
            else:
                word.append(ch)
        elif ch in " \t\n":
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
        else:
            if not in_word:
                in_word, raw_start = True, i
            if ch in "'\"":
                quote = ch
            elif ch == "\\":
                i += 1
                word.append(line[i] if i < len(line) else "")
            else:
                word.append(ch)
        i += 1
    if in_word:
        words.append("".join(word))
        return words, line[raw_start:]
    words.append("")
    return words, ""


def bash_quote(values: list[str], raw: str, current: str) -> list[str]:
    """``values`` as bash must be given them to replace ``current`` (COMP_WORDS[COMP_CWORD])
    within ``raw``, the word as typed: escaped with backslashes, or as they are inside a
    quote the user opened (readline closes it); without the part of the word before an
    ``=`` or ``:``, which bash does not replace."""
    if raw[:1] in ("'", '"'):
        quoted = [raw[0] + _in_quote(v, raw[0]) for v in values]
    else:
        quoted = [_escaped(v) for v in values]
    cut = _break(raw) if current != raw else 0
    if raw[:1] in ("'", '"'):
        cut = max(cut, 1)  # readline completes what follows the opening quote
    kept = raw[:cut]
    return [q[cut:] for q in quoted if q.startswith(kept)] if cut else quoted


# ASCII that is not in _PLAIN, each behind a backslash: the common case, as one translate
_SPECIAL = {ord(c): "\\" + c for c in " !\"#$&'()*;<>?[\\]^`{|}~"}


def _escaped(value: str) -> str:
    """``value`` as one bash word without quotes: what is not plain behind a backslash."""
    if value.isprintable():  # no controls; letters beyond ASCII stay as they are
        return value.translate(_SPECIAL)
    return "".join(
        c if c in _PLAIN or (ord(c) > 127 and c.isprintable()) else "\\" + c for c in value
    )


def _in_quote(value: str, quote: str) -> str:
    """``value`` as it must be written after an opening ``quote`` that readline closes."""
    if quote == "'":
        return value.replace("'", "'\\''")  # close, an escaped quote, open again
    return "".join("\\" + c if c in '"\\$`' else c for c in value)


def _break(raw: str) -> int:
    """Where bash's word starts in ``raw``: after its last ``=`` or ``:`` outside quotes."""
    quote, cut, i = "", 0, 0
    while i < len(raw):
        ch = raw[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            i += 1
        elif ch in _BREAKS:
            cut = i + 1
        i += 1
    return cut


# ---- the scripts `pln completion SHELL` prints ----------------------------------------------

BASH = r"""# pln completion for bash. Load it from ~/.bashrc with
#   eval "$(pln completion bash)"
# or save it once: pln completion bash > ~/.local/share/bash-completion/completions/pln
_pln_complete() {
    local line mode=""
    COMPREPLY=()
    while IFS= read -r line; do
        if [[ -z $mode ]]; then mode=$line; else COMPREPLY+=("$line"); fi
    done < <(_PLN_COMPLETE=bash "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
        "${COMP_LINE:0:COMP_POINT}" 2>/dev/null)
    if [[ $mode == files ]]; then
        compopt -o filenames 2>/dev/null
        while IFS= read -r line; do COMPREPLY+=("$line"); done \
            < <(compgen -f -- "${COMP_WORDS[COMP_CWORD]}")
    fi
}
complete -o nosort -F _pln_complete pln 2>/dev/null || complete -F _pln_complete pln
"""

ZSH = r"""#compdef pln
# pln completion for zsh. Save it as _pln in a directory of $fpath (before compinit runs):
#   pln completion zsh > ~/.zfunc/_pln     (with fpath=(~/.zfunc $fpath) in ~/.zshrc)
# or load it after compinit in ~/.zshrc: eval "$(pln completion zsh)"
_pln() {
    local -a reply
    reply=("${(@f)$(_PLN_COMPLETE=zsh ${words[1]} "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
    if [[ ${reply[1]} == files ]]; then
        _files
    elif (( ${#reply} > 1 )); then
        compadd -U -V pln -- "${(@)reply[2,-1]}"
    fi
}
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    _pln "$@"
else
    compdef _pln pln
fi
"""

FISH = r"""# pln completion for fish. Save it once:
#   pln completion fish > ~/.config/fish/completions/pln.fish
function __pln_complete
    set -l tokens (commandline -opc)
    set -l program $tokens[1]
    set -e tokens[1]
    set -l reply (env _PLN_COMPLETE=fish $program $tokens (commandline -ct) 2>/dev/null)
    set -l mode $reply[1]
    set -e reply[1]
    if test "$mode" = files
        __fish_complete_path (commandline -ct)
    else if set -q reply[1]
        printf '%s\n' $reply
    end
end
complete -c pln -f -a '(__pln_complete)'
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def run(argv: list[str]) -> int | None:
    """`pln completion SHELL` without Typer (it runs in every new shell that evals it);
    None for anything else, which the Typer app words."""
    from .fast import split_db, without_pager_flag

    split = split_db(without_pager_flag(argv)[0])  # no pager to turn off: it prints a script
    if split is None or len(split[1]) != 2 or split[1][1] not in SCRIPTS:
        return None
    from .fast import _write

    return _write(SCRIPTS[split[1][1]])


# ---- the commands, from the Typer declarations -----------------------------------------------


def generate() -> str:
    """``completion.json`` as the Typer app declares the commands today (imports Typer)."""
    from typer.core import TyperArgument, TyperGroup
    from typer.main import get_command

    from .cli import app

    spec: dict[str, Any] = {}

    def walk(command: Any, path: str) -> None:
        options: dict[str, Any] = {}
        flags = ["-h", "--help"]
        arguments: list[dict[str, Any]] = []
        for param in command.params:
            if isinstance(param, TyperArgument):
                kind = _resolved(argument_kind(path, str(param.name)), path, param)
                arguments.append({"name": param.name, "nargs": param.nargs, "value": kind})
                continue
            takes = not param.is_flag and not getattr(param, "count", False)
            names = (*param.opts, *param.secondary_opts)
            if not takes:
                flags += names
                continue
            kind = _resolved(option_kind(path, param.opts[0]), path, param)
            options.update(dict.fromkeys(names, kind))
        node: dict[str, Any] = {"options": options, "flags": flags, "arguments": arguments}
        if isinstance(command, TyperGroup):
            node["commands"] = list(command.commands)
        spec[path] = node
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(app), "")
    lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in spec.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _resolved(kind: Any, path: str, param: Any) -> Any:
    """A kind as the spec stores it: the words of a fixed list, or the name of a kind
    read from the book; None for free text (nothing to offer) or a file name."""
    choices = getattr(param.type, "choices", None)
    if choices:
        return [str(getattr(c, "value", c)) for c in choices]
    if kind == "circle":
        return list(CIRCLES)
    if kind == "format":
        from .commands.transfer import EXPORTS, FORMATS

        return list(FORMATS if path == "import" else EXPORTS)
    return list(kind) if isinstance(kind, tuple) else kind


def write_spec() -> None:
    """Rewrite ``completion.json`` from the Typer app (`python -m plncli.complete`)."""
    with open(SPEC_FILE, "w", encoding="utf-8") as fh:
        fh.write(generate())


if __name__ == "__main__":
    write_spec()
