"""`pln forget PERSON`: erase a person from the book, its history, and the file's bytes.

What goes (``erase``, one transaction):

* the person and everything that is theirs: attributes, follow-ups, ties, group
  memberships, introductions (and the follow-ups those introductions made, whoever
  they were owed to), dismissed suggestions, their search row;
* interactions that were theirs alone; shared ones lose them as a participant and
  keep the rest;
* "introduced by" on the people they introduced (the link, not the people);
* their full name where pln or the user wrote it into another record (other people's
  notes, shared interactions' notes, other people's follow-ups, a resource's title,
  author or note): replaced by
  "(forgotten person)", and every such record listed. Mentions by a single word of
  the name (a first name alone) are listed and left as they are: pln cannot tell
  whom they mean;
* every trace in the history: command lines that name them become
  ``pln <command> (forgotten person)``, and the undo data of every earlier change is
  removed (it holds row values, and replaying it over a book with rows missing could
  touch other people's rows). A forget is a barrier: `pln undo` never goes past it,
  and nothing undoes the forget itself.

Then ``wipe`` rewrites the file so the bytes are gone: ``secure_delete`` while erasing,
the search index merged (FTS5 ``optimize``), a checkpoint, ``VACUUM`` and a
truncating checkpoint, so neither the database nor its ``-wal`` holds them. On a shared
book (PostgreSQL) ``wipe_shared`` rewrites the tables the member's role owns (``VACUUM
(FULL, ANALYZE)``) and names the others; the server's own copies are its operator's.
``holding_backups`` lists the copies that still hold them (``backups/`` beside the
database and the schema-upgrade ``.bak`` files); ``forget_in_backup`` rewrites one.
"""

import codecs
import os
import re
import shlex
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .people import refresh_search
from .resolve import PersonRef
from .store import Conn, history
from .store import forget as store
from .text import fold

FORGOTTEN = "(forgotten person)"


@dataclass
class Mention:
    kind: str  # notes | interaction | followup | resource
    id: int  # the person (notes), interaction, follow-up or resource
    person: PersonRef | None  # whose record it is (None: a shared interaction)
    rewritten: bool

    def as_json(self) -> dict[str, object]:
        who = None if self.person is None else {"id": self.person.id, "name": self.person.name}
        return {"kind": self.kind, "id": self.id, "person": who, "rewritten": self.rewritten}


@dataclass
class Plan:
    person: PersonRef
    counts: dict[str, int] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    merged_records: list[PersonRef] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "person": {"id": self.person.id, "name": self.person.name},
            "erased": dict(self.counts),
            "mentions": [m.as_json() for m in self.mentions],
            "merged_records": [{"id": p.id, "name": p.name} for p in self.merged_records],
        }


# ------------------------------------------------------------------ what goes


def plan(conn: Conn, person: PersonRef) -> Plan:
    """What ``erase`` will do, read only (shown before the user is asked)."""
    pid = person.id
    result = Plan(person)
    theirs = store.what_is_theirs(conn, pid)
    result.counts = {
        "attributes": theirs.attributes,
        "interactions": theirs.interactions,
        "shared_interactions": theirs.shared_interactions,
        "followups": len(store.followups_of(conn, pid)),
        "ties": theirs.ties,
        "groups": theirs.groups,
        "introductions": theirs.introductions,
        "dismissals": theirs.dismissals,
        "introduced": theirs.introduced,
        "history": len(_history_entries(conn, _Traits.of(conn, pid))),
    }
    result.mentions = list(_mentions(conn, person, rewrite=False))
    result.merged_records = [PersonRef(r.id, r.name) for r in store.merged_into(conn, pid)]
    return result


# ------------------------------------------------------------------ mentions


def _name_pattern(name: str) -> re.Pattern[str]:
    """The name as a whole: "Al" is not in "Also"."""
    words = r"\s+".join(re.escape(w) for w in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _says(folded_text: str, folded_name: str) -> bool:
    return _name_pattern(folded_name).search(folded_text) is not None


def _mentions(conn: Conn, person: PersonRef, *, rewrite: bool) -> Iterator[Mention]:
    """Other records whose text holds their name; with ``rewrite``, the full name replaced."""
    pid, full = person.id, fold(person.name)
    words = [w for w in full.split() if len(w) >= 3]
    pattern = _name_pattern(person.name)
    if store.table_exists(conn, "resource"):  # a backup's older schema may have none
        yield from _resource_mentions(conn, person, words, pattern, rewrite=rewrite)
    for kind, texts in _texts(conn, person, words):
        for t in texts:
            mention = _mention(conn, kind, t.id, t.text, t.owner_id, full, words, pid)
            if mention is None:
                continue
            if rewrite and mention.rewritten:
                new = pattern.sub(FORGOTTEN, t.text)
                store.rewrite_text(conn, kind, t.id, new)
                mention.rewritten = not _says(fold(new), full)
            yield mention


def _resource_mentions(
    conn: Conn, person: PersonRef, words: list[str], pattern: re.Pattern[str], *, rewrite: bool
) -> Iterator[Mention]:
    """Resources whose title, author or note holds their name (the user's own records:
    a share's note is an interaction's); with ``rewrite``, the full name replaced."""
    full = fold(person.name)
    for r in store.resource_texts(conn, _likes(person, words)):
        texts = (r.title, r.author or "", r.note)
        folded = fold("\n".join(texts))
        named = _says(folded, full)
        if not named and not any(_says(folded, w) for w in words):
            continue
        mention = Mention("resource", r.id, None, rewritten=named)
        if rewrite and named:
            title, author, note = (pattern.sub(FORGOTTEN, t) for t in texts)
            store.rewrite_resource(conn, r.id, title=title, author=author or None, note=note)
            mention.rewritten = not _says(fold("\n".join((title, author, note))), full)
        yield mention


def _likes(person: PersonRef, words: list[str]) -> list[str]:
    """What LIKE looks for: the folded name and its words, and its words as written."""
    phrases = [fold(person.name), *words]
    return [*dict.fromkeys([*phrases, *(w for w in person.name.split() if len(w) >= 3)])]


def _texts(conn: Conn, person: PersonRef, words: list[str]) -> Iterator[tuple[str, list[Any]]]:
    """Notes, interaction notes and follow-up notes that may hold the name or a word of it.

    The search index (accents and case folded) finds the people whose notes or
    interactions may; LIKE narrows the interactions and finds the follow-ups (not
    indexed). ``_mention`` then decides, on the folded text."""
    phrases = [fold(person.name), *words]
    likes = _likes(person, words)
    noted = _others(store.people_whose(conn, "notes", phrases), person.id)
    met = _others(store.people_whose(conn, "interactions", phrases), person.id)
    yield "notes", store.people_notes(conn, noted)
    yield "interaction", store.interaction_notes(conn, met, likes)
    yield "followup", store.followup_notes(conn, person.id, likes)


def _others(ids: list[int], but: int) -> list[int]:
    return [i for i in ids if i != but]


def _mention(
    conn: Conn,
    kind: str,
    rid: int,
    text: str,
    owner_id: int | None,
    full: str,
    words: list[str],
    pid: int,
) -> Mention | None:
    folded = fold(text)
    named = _says(folded, full)
    if not named and not any(_says(folded, w) for w in words):
        return None
    if kind == "interaction" and not store.shares_interaction(conn, rid, pid):
        return None
    owner = rid if kind == "notes" else owner_id
    who = None
    if owner is not None:
        found = store.person(conn, owner)
        who = PersonRef(found.id, found.name) if found else None
    return Mention(kind, rid, who, rewritten=named)


# ------------------------------------------------------------------ history


@dataclass
class _Traits:
    """What identifies a person in a command line or an undo step."""

    id: int
    name: str
    folded: str
    words: list[str]
    values: list[str]  # folded emails, phones, links

    @classmethod
    def of(cls, conn: Conn, pid: int) -> "_Traits":
        name = store.name_of(conn, pid)
        values = [fold(v) for v in store.contact_values(conn, pid, ("email", "phone", "link"))]
        return cls(pid, name, fold(name), fold(name).split(), [v for v in values if len(v) >= 3])

    def named_by(self, token: str) -> bool:
        """Whether one word of a command line could have meant them."""
        t = fold(token)
        if not t or t.startswith("-"):
            return False
        if t == f"#{self.id}" or _says(t, self.folded) or any(v in t for v in self.values):
            return True
        if self.folded.startswith(t) or any(w.startswith(t) for w in self.words):
            return True
        if any(len(w) >= 3 and re.search(rf"\b{re.escape(w)}\b", t) for w in self.words):
            return True
        return SequenceMatcher(None, t, self.folded).ratio() >= 0.75 or any(
            len(w) >= 3 and SequenceMatcher(None, t, w).ratio() >= 0.8 for w in self.words
        )


def _history_entries(conn: Conn, traits: _Traits) -> list[int]:
    """The history entries whose command line names them (the undo data all goes)."""
    if not store.table_exists(conn, "change_log"):
        return []
    found: set[int] = set()
    for entry in history.command_lines(conn):
        if any(traits.named_by(t) for t in _tokens(entry.command)[1:]):
            found.add(int(entry.id))
    return sorted(found)


def _tokens(command: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return [w.strip("()") for w in words]


def _rewrite_history(conn: Conn, entries: list[int], command_words: set[str]) -> None:
    """Command lines that name them lose their arguments; all undo data goes."""
    rewritten: dict[int, str] = {}
    undos: dict[int, tuple[int, str]] = {}
    for entry in history.command_lines(conn):
        cid, command = int(entry.id), str(entry.command)
        if m := re.fullmatch(r"undo #(\d+) \((.*)\)", command, re.DOTALL):
            undos[cid] = (int(m[1]), m[2])
        elif cid in entries:
            rewritten[cid] = _forgotten_command(command, command_words)
    for cid, (target, inner) in undos.items():
        if target in rewritten or cid in entries:
            new = rewritten.get(target) or _forgotten_command(inner, command_words)
            rewritten[cid] = f"undo #{target} ({new})"
    history.rename_commands(conn, rewritten)
    history.drop_all_steps(conn)


def _forgotten_command(command: str, command_words: set[str]) -> str:
    """``pln log Ana -m "coffee"`` -> ``pln log (forgotten person)``."""
    words = _tokens(command)[1:] if command.startswith("pln ") else []
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--db":
            skip = True
            continue
        if word.startswith("--db="):
            continue
        if word in command_words and len(kept) < 2:
            kept.append(word)
            continue
        break
    return " ".join(["pln", *kept, FORGOTTEN])


# ------------------------------------------------------------------ erasing


# The history summary of a forget, in the words of every other change ("table -n").
_SUMMARY = (
    ("person_attr", "attributes"),
    ("interaction", "interactions"),
    ("interaction_person", "shared_interactions"),
    ("followup", "followups"),
    ("tie", "ties"),
    ("pgroup_member", "groups"),
    ("introduction", "introductions"),
    ("dismissal", "dismissals"),
)


def erase(
    conn: Conn,
    person: PersonRef,
    *,
    command_words: set[str],
) -> tuple[Plan, int]:
    """Erase them (inside the caller's transaction); the plan as done, and the history id."""
    traits = _Traits.of(conn, person.id)
    entries = _history_entries(conn, traits)
    done = _erase_person(conn, person)
    _rewrite_history(conn, entries, command_words)
    return done, _record(conn, done)


def _record(conn: Conn, done: Plan) -> int:
    """The forget's own history entry: the barrier `pln undo` never goes past."""
    parts = ["person -1"] + [f"{t} -{done.counts[k]}" for t, k in _SUMMARY if done.counts.get(k)]
    if done.counts.get("introduced"):
        parts.append(f"person ~{done.counts['introduced']}")
    return history.record_forget(conn, f"pln forget {FORGOTTEN}", ", ".join(parts))


def _erase_person(conn: Conn, person: PersonRef) -> Plan:
    done = plan(conn, person)
    affected = _erase_rows(conn, person)
    done.mentions = list(_mentions(conn, person, rewrite=True))
    affected |= {m.person.id for m in done.mentions if m.person is not None}
    affected |= store.participants(conn, [m.id for m in done.mentions if m.kind == "interaction"])
    store.erase_person(conn, person.id)
    refresh_search(conn, sorted(affected - {person.id}))
    store.merge_search_index(conn)
    return done


def _erase_rows(conn: Conn, person: PersonRef) -> set[int]:
    """Their follow-ups and interactions; the people whose search rows change."""
    pid = person.id
    store.erase_followups(conn, store.followups_of(conn, pid))
    shared = store.shared_interactions_of(conn, pid)
    store.erase_interactions_alone(conn, pid)
    store.erase_participation(conn, pid)
    return store.participants(conn, shared)


# ------------------------------------------------------------------ bytes


def wipe(conn: Conn) -> bool:
    """Rewrite the file without the freed pages; False if a reader kept the -wal in use."""
    return store.rewrite_file(conn)


def erasing_transaction(conn: Conn) -> int:
    """A shared book: the id of the transaction that erases (inside it)."""
    return store.transaction_id_pg(conn)


def wipe_shared(conn: Conn, erased_in: int) -> store.Rewrite:
    """A shared book: rewrite the tables (``VACUUM (FULL, ANALYZE)``) the member's role
    owns, once no transaction older than the erase runs; the tables it could not. What
    the server keeps besides (its write-ahead log and archives, base backups, replicas,
    ``pg_dump`` files) is beyond pln's reach: the server's operator's (README, "A shared
    book on PostgreSQL")."""
    return store.rewrite_tables_pg(conn, erased_in)


def traits_of(conn: Conn, pid: int) -> _Traits:
    return _Traits.of(conn, pid)


def import_files(conn: Conn, marks: list[bytes]) -> list[str]:
    """Files named by `pln import` in the history, and their rejects files, that hold them
    (``holds_words``: "Ana" is not in "Anatomy").

    They are the user's own files (or written beside them): listed, never changed."""
    needles = [m.decode("utf-8", "replace") for m in marks]
    found: list[str] = []
    for command in history.pln_command_lines(conn):
        words = _tokens(command)
        if "import" not in words:
            continue
        rest = [w for w in words[words.index("import") + 1 :] if not w.startswith("-")]
        for candidate in rest[:1] + [f"{w}.rejects.txt" for w in rest[:1]]:
            path = os.path.abspath(os.path.expanduser(candidate))
            if os.path.isfile(path) and path not in found and holds_words(path, needles):
                found.append(path)
    return found


def backup_files(db_path: str) -> list[str]:
    """Copies of the book pln made: backups/ beside it and the schema-upgrade .bak files."""
    folder, name = os.path.split(os.path.abspath(db_path))
    found = [
        os.path.join(folder, n)
        for n in sorted(os.listdir(folder))
        if n.startswith(f"{name}.schema") and n.endswith(".bak")
    ]
    backups = os.path.join(folder, "backups")
    if os.path.isdir(backups):
        found += [
            os.path.join(backups, n)
            for n in sorted(os.listdir(backups))
            if n.endswith(".db") and os.path.isfile(os.path.join(backups, n))
        ]
    return found


def holds(path: str, needles: list[bytes]) -> bool:
    """Whether any of ``needles`` is in the file's bytes (case folded for ASCII)."""
    wanted = [n.lower() for n in needles if n]
    overlap = max((len(n) for n in wanted), default=1)
    tail = b""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 24):
                data = tail + chunk.lower()
                if any(n in data for n in wanted):
                    return True
                tail = data[-overlap:]
    except OSError:
        return True  # cannot tell: say it may hold them
    return False


def holds_words(path: str, needles: list[str]) -> bool:
    """Whether a text file (read as UTF-8) holds any of ``needles`` as whole words, case and
    accents folded as ``fold`` folds them. A database copy is searched by ``holds`` instead:
    a SQLite record packs its values with nothing between them, so a name there need not
    stand as a word of its own."""
    alternatives = [r"\s+".join(map(re.escape, fold(n).split())) for n in needles if n.strip()]
    if not alternatives:
        return False
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")
    overlap = 4 * max(len(n) for n in needles) + 16  # what folding and spacing may add
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    tail = ""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 22):
                text = tail + _folded(decoder.decode(chunk))
                if pattern.search(text, 1 if tail else 0):  # tail[0]: what goes before
                    return True
                tail = text[-overlap:]
            return pattern.search(tail + _folded(decoder.decode(b"", final=True)), 1) is not None
    except OSError:
        return True  # cannot tell: say it may hold them


def _folded(text: str) -> str:
    """``fold`` without its spacing (a chunk's edges are not the text's)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def marks(conn: Conn, person: PersonRef) -> list[bytes]:
    """The byte strings that would show a copy still holds them: name, emails, phones."""
    traits = _Traits.of(conn, person.id)
    raw = store.contact_values(conn, person.id, ("email", "phone"))
    return [traits.name.encode(), traits.folded.encode(), *(v.encode() for v in raw)]


def forget_in_backup(path: str, traits: "_Traits", *, command_words: set[str]) -> None:
    """Erase them from one backup file (whatever its schema) and rewrite it in place."""
    tmp = f"{path}.forget"
    with store.erasing_in_copy(path, tmp) as conn:
        _erase_in_copy(conn, traits, command_words)
    os.replace(tmp, path)
    for suffix in ("-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def _erase_in_copy(conn: Conn, traits: "_Traits", command_words: set[str]) -> None:
    """``erase`` for a copy whose schema may be older: the person by id or by name."""
    found = [
        PersonRef(int(r.id), str(r.name))
        for r in store.people_by_id_or_key(conn, traits.id, traits.folded)
    ]
    has_history = store.table_exists(conn, "change_log")
    entries = _history_entries(conn, traits) if has_history else []
    for ref in found:
        if store.table_exists(conn, "intro_followup"):
            _erase_person(conn, ref)
        else:
            _erase_rows_old(conn, ref)
    if has_history:
        _rewrite_history(conn, entries, command_words)
        _record(conn, Plan(PersonRef(traits.id, traits.name)))


def _erase_rows_old(conn: Conn, person: PersonRef) -> None:
    """A schema before the network tables: people, attributes, interactions, follow-ups."""
    store.erase_interactions_alone(conn, person.id)
    pattern = _name_pattern(person.name)
    for kind in ("notes", "interaction", "followup"):
        for t in store.all_texts(conn, kind):
            if t.text and pattern.search(t.text):
                store.rewrite_text(conn, kind, t.id, pattern.sub(FORGOTTEN, t.text))
    store.erase_person(conn, person.id)
    store.merge_search_index(conn)
