"""`pln forget PERSON`: erase a person from the book, its history, and the file's bytes.

What goes (``erase``, one transaction):

* the person and everything that is theirs: attributes, follow-ups, ties, group
  memberships, introductions (and the follow-ups those introductions made, whoever
  they were owed to), dismissed suggestions, their search row;
* interactions that were theirs alone; shared ones lose them as a participant and
  keep the rest;
* "introduced by" on the people they introduced (the link, not the people);
* their full name where pln or the user wrote it into another record (other people's
  notes, shared interactions' notes, other people's follow-ups): replaced by
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
truncating checkpoint, so neither the database nor its ``-wal`` holds them.
``holding_backups`` lists the copies that still hold them (``backups/`` beside the
database and the schema-upgrade ``.bak`` files); ``forget_in_backup`` rewrites one.
"""

import os
import re
import shlex
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from difflib import SequenceMatcher

from .db import backup_to, to_db_time
from .errors import StoreError
from .migrations import LATEST
from .people import refresh_search
from .resolve import PersonRef
from .text import fold

FORGOTTEN = "(forgotten person)"


@dataclass
class Mention:
    kind: str  # notes | interaction | followup
    id: int  # the person (notes), interaction or follow-up
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


def plan(conn: sqlite3.Connection, person: PersonRef) -> Plan:
    """What ``erase`` will do, read only (shown before the user is asked)."""
    pid = person.id
    result = Plan(person)

    def count(sql: str) -> int:
        return int(conn.execute(sql, (pid,) * sql.count("?")).fetchone()[0])

    alone = "(SELECT count(*) FROM interaction_person o WHERE o.interaction_id = ip.interaction_id)"
    result.counts = {
        "attributes": count("SELECT count(*) FROM person_attr WHERE person_id = ?"),
        "interactions": count(
            f"SELECT count(*) FROM interaction_person ip WHERE person_id = ? AND {alone} = 1"
        ),
        "shared_interactions": count(
            f"SELECT count(*) FROM interaction_person ip WHERE person_id = ? AND {alone} > 1"
        ),
        "followups": len(_followups(conn, pid)),
        "ties": count("SELECT count(*) FROM tie WHERE a_id = ? OR b_id = ?"),
        "groups": count("SELECT count(*) FROM pgroup_member WHERE person_id = ?"),
        "introductions": count("SELECT count(*) FROM introduction WHERE a_id = ? OR b_id = ?"),
        "dismissals": count("SELECT count(*) FROM dismissal WHERE a_id = ? OR b_id = ?"),
        "introduced": count("SELECT count(*) FROM person WHERE introduced_by_id = ?"),
        "history": len(_history_entries(conn, _Traits.of(conn, pid))),
    }
    result.mentions = list(_mentions(conn, person, rewrite=False))
    result.merged_records = [
        PersonRef(r[0], r[1])
        for r in conn.execute(
            "SELECT id, name FROM person WHERE id != ? AND instr(notes, ?) > 0 ORDER BY id",
            (pid, f"merged into #{pid} "),
        )
    ]
    return result


def _followups(conn: sqlite3.Connection, pid: int) -> list[int]:
    """Their follow-ups, and those made by introductions with them (owed to either side)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM followup WHERE person_id = ? UNION SELECT f.followup_id"
            " FROM intro_followup f JOIN introduction i ON i.id = f.introduction_id"
            " WHERE i.a_id = ? OR i.b_id = ?",
            (pid, pid, pid),
        )
    ]


# ------------------------------------------------------------------ mentions


def _name_pattern(name: str) -> re.Pattern[str]:
    """The name as a whole: "Al" is not in "Also"."""
    words = r"\s+".join(re.escape(w) for w in name.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def _says(folded_text: str, folded_name: str) -> bool:
    return _name_pattern(folded_name).search(folded_text) is not None


def _mentions(conn: sqlite3.Connection, person: PersonRef, *, rewrite: bool) -> Iterator[Mention]:
    """Other records whose text holds their name; with ``rewrite``, the full name replaced."""
    pid, full = person.id, fold(person.name)
    words = [w for w in full.split() if len(w) >= 3]
    pattern = _name_pattern(person.name)
    for kind, table, column, rows in _texts(conn, person, words):
        for rid, text, owner_id in rows:
            mention = _mention(conn, kind, rid, text, owner_id, full, words, pid)
            if mention is None:
                continue
            if rewrite and mention.rewritten:
                new = pattern.sub(FORGOTTEN, text)
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (new, rid))
                mention.rewritten = not _says(fold(new), full)
            yield mention


def _texts(
    conn: sqlite3.Connection, person: PersonRef, words: list[str]
) -> Iterator[tuple[str, str, str, list[tuple[int, str, int | None]]]]:
    """Notes, interaction notes and follow-up notes that may hold the name or a word of it.

    The search index (accents and case folded) finds the people whose notes or
    interactions may; LIKE narrows the interactions and finds the follow-ups (not
    indexed). ``_mention`` then decides, on the folded text."""
    folded = fold(person.name)
    phrases = [folded, *words]
    likes = [*dict.fromkeys([*phrases, *(w for w in person.name.split() if len(w) >= 3)])]
    like = " OR ".join("{c} LIKE ?" for _ in likes)
    patterns = [f"%{w}%" for w in likes]
    noted = _ids(_search(conn, "notes", phrases), person.id)
    met = _ids(_search(conn, "interactions", phrases), person.id)
    yield (
        "notes",
        "person",
        "notes",
        conn.execute(f"SELECT id, notes, id FROM person WHERE id IN ({noted})").fetchall(),
    )
    yield (
        "interaction",
        "interaction",
        "note",
        conn.execute(
            "SELECT id, note, NULL FROM interaction WHERE id IN (SELECT interaction_id"
            f" FROM interaction_person WHERE person_id IN ({met})) AND ({like.format(c='note')})",
            patterns,
        ).fetchall(),
    )
    yield (
        "followup",
        "followup",
        "note",
        conn.execute(
            "SELECT id, note, person_id FROM followup WHERE person_id != ?"
            f" AND ({like.format(c='note')})",
            (person.id, *patterns),
        ).fetchall(),
    )


def _ids(ids: list[int], but: int) -> str:
    return ",".join(str(i) for i in ids if i != but) or "NULL"


def _search(conn: sqlite3.Connection, column: str, phrases: list[str]) -> list[int]:
    """People whose ``column`` of the search index holds one of ``phrases``."""
    query = " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases)
    try:
        return [
            int(r[0])
            for r in conn.execute(
                "SELECT rowid FROM person_fts WHERE person_fts MATCH ?",
                (f"{column} : ({query})",),
            )
        ]
    except sqlite3.OperationalError:  # a phrase the index cannot parse: look everywhere
        return [int(r[0]) for r in conn.execute("SELECT id FROM person")]


def _mention(
    conn: sqlite3.Connection,
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
    if kind == "interaction" and _alone(conn, rid, pid):
        return None
    owner = rid if kind == "notes" else owner_id
    who = None
    if owner is not None:
        row = conn.execute("SELECT id, name FROM person WHERE id = ?", (owner,)).fetchone()
        who = PersonRef(row[0], row[1]) if row else None
    return Mention(kind, rid, who, rewritten=named)


def _alone(conn: sqlite3.Connection, interaction: int, pid: int) -> bool:
    others = conn.execute(
        "SELECT count(*) FROM interaction_person WHERE interaction_id = ? AND person_id != ?",
        (interaction, pid),
    ).fetchone()[0]
    return bool(others == 0)


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
    def of(cls, conn: sqlite3.Connection, pid: int) -> "_Traits":
        name = str(conn.execute("SELECT name FROM person WHERE id = ?", (pid,)).fetchone()[0])
        values = [
            fold(str(r[0]))
            for r in conn.execute(
                "SELECT value FROM person_attr WHERE person_id = ?"
                " AND kind IN ('email', 'phone', 'link')",
                (pid,),
            )
        ]
        return cls(pid, name, fold(name), fold(name).split(), [v for v in values if len(v) >= 3])

    def named_by(self, token: str) -> bool:
        """Whether one word of a command line could have meant them."""
        t = fold(token)
        if not t or t.startswith("-"):
            return False
        if t == f"#{self.id}" or self.folded in t or any(v in t for v in self.values):
            return True
        if self.folded.startswith(t) or any(w.startswith(t) for w in self.words):
            return True
        if any(len(w) >= 3 and re.search(rf"\b{re.escape(w)}\b", t) for w in self.words):
            return True
        return SequenceMatcher(None, t, self.folded).ratio() >= 0.75 or any(
            len(w) >= 3 and SequenceMatcher(None, t, w).ratio() >= 0.8 for w in self.words
        )


def _history_entries(conn: sqlite3.Connection, traits: _Traits) -> list[int]:
    """The history entries whose command line names them (the undo data all goes)."""
    if not _has(conn, "change_log"):
        return []
    found: set[int] = set()
    for cid, command in conn.execute("SELECT id, command FROM change_log"):
        if any(traits.named_by(t) for t in _tokens(command)[1:]):
            found.add(int(cid))
    return sorted(found)


def _tokens(command: str) -> list[str]:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return [w.strip("()") for w in words]


def _rewrite_history(conn: sqlite3.Connection, entries: list[int], command_words: set[str]) -> None:
    """Command lines that name them lose their arguments; all undo data goes."""
    rewritten: dict[int, str] = {}
    undos: dict[int, tuple[int, str]] = {}
    for cid, command in conn.execute("SELECT id, command FROM change_log ORDER BY id").fetchall():
        if m := re.fullmatch(r"undo #(\d+) \((.*)\)", str(command), re.DOTALL):
            undos[int(cid)] = (int(m[1]), m[2])
        elif cid in entries:
            rewritten[int(cid)] = _forgotten_command(str(command), command_words)
    for cid, (target, inner) in undos.items():
        if target in rewritten or cid in entries:
            new = rewritten.get(target) or _forgotten_command(inner, command_words)
            rewritten[cid] = f"undo #{target} ({new})"
    conn.executemany(
        "UPDATE change_log SET command = ? WHERE id = ?", [(c, i) for i, c in rewritten.items()]
    )
    conn.execute("DELETE FROM undo_step")


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
    conn: sqlite3.Connection,
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


def _record(conn: sqlite3.Connection, done: Plan) -> int:
    """The forget's own history entry: the barrier `pln undo` never goes past."""
    parts = ["person -1"] + [f"{t} -{done.counts[k]}" for t, k in _SUMMARY if done.counts.get(k)]
    if done.counts.get("introduced"):
        parts.append(f"person ~{done.counts['introduced']}")
    cur = conn.execute(
        "INSERT INTO change_log (at, command, kind, summary) VALUES (?, ?, 'forget', ?)",
        (to_db_time(datetime.now(UTC)), f"pln forget {FORGOTTEN}", ", ".join(parts)),
    )
    return int(cur.lastrowid or 0)


def _erase_person(conn: sqlite3.Connection, person: PersonRef) -> Plan:
    done = plan(conn, person)
    affected = _erase_rows(conn, person)
    done.mentions = list(_mentions(conn, person, rewrite=True))
    affected |= {m.person.id for m in done.mentions if m.person is not None}
    affected |= _participants(conn, [m.id for m in done.mentions if m.kind == "interaction"])
    conn.execute("DELETE FROM person WHERE id = ?", (person.id,))
    conn.execute("DELETE FROM person_fts WHERE rowid = ?", (person.id,))
    refresh_search(conn, sorted(affected - {person.id}))
    conn.execute("INSERT INTO person_fts (person_fts) VALUES ('optimize')")
    return done


def _erase_rows(conn: sqlite3.Connection, person: PersonRef) -> set[int]:
    """Their follow-ups and interactions; the people whose search rows change."""
    pid = person.id
    fids = _followups(conn, pid)
    conn.executemany("DELETE FROM followup WHERE id = ?", [(f,) for f in fids])
    shared = [
        r[0]
        for r in conn.execute(
            "SELECT interaction_id FROM interaction_person ip WHERE person_id = ? AND"
            " (SELECT count(*) FROM interaction_person o"
            "  WHERE o.interaction_id = ip.interaction_id) > 1",
            (pid,),
        )
    ]
    conn.execute(
        "DELETE FROM interaction WHERE id IN (SELECT interaction_id FROM interaction_person ip"
        " WHERE person_id = ? AND (SELECT count(*) FROM interaction_person o"
        " WHERE o.interaction_id = ip.interaction_id) = 1)",
        (pid,),
    )
    conn.execute("DELETE FROM interaction_person WHERE person_id = ?", (pid,))
    return _participants(conn, shared)


def _participants(conn: sqlite3.Connection, interactions: Iterable[int]) -> set[int]:
    people: set[int] = set()
    for iid in interactions:
        people.update(
            r[0]
            for r in conn.execute(
                "SELECT person_id FROM interaction_person WHERE interaction_id = ?", (iid,)
            )
        )
    return people


def _has(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return row.fetchone() is not None


# ------------------------------------------------------------------ bytes


def wipe(conn: sqlite3.Connection) -> bool:
    """Rewrite the file without the freed pages; False if a reader kept the -wal in use."""
    try:
        first = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        conn.execute("VACUUM")
        last = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:  # another pln kept writing: the erase is done anyway
        return False
    return bool(first[0] == 0 and last[0] == 0)


def traits_of(conn: sqlite3.Connection, pid: int) -> _Traits:
    return _Traits.of(conn, pid)


def import_files(conn: sqlite3.Connection, marks: list[bytes]) -> list[str]:
    """Files named by `pln import` in the history, and their rejects files, that hold them.

    They are the user's own files (or written beside them): listed, never changed."""
    found: list[str] = []
    for (command,) in conn.execute("SELECT command FROM change_log WHERE command LIKE 'pln %'"):
        words = _tokens(str(command))
        if "import" not in words:
            continue
        rest = [w for w in words[words.index("import") + 1 :] if not w.startswith("-")]
        for candidate in rest[:1] + [f"{w}.rejects.txt" for w in rest[:1]]:
            path = os.path.abspath(os.path.expanduser(candidate))
            if os.path.isfile(path) and path not in found and holds(path, marks):
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


def marks(conn: sqlite3.Connection, person: PersonRef) -> list[bytes]:
    """The byte strings that would show a copy still holds them: name, emails, phones."""
    traits = _Traits.of(conn, person.id)
    raw = [
        str(r[0])
        for r in conn.execute(
            "SELECT value FROM person_attr WHERE person_id = ? AND kind IN ('email', 'phone')",
            (person.id,),
        )
    ]
    return [traits.name.encode(), traits.folded.encode(), *(v.encode() for v in raw)]


def forget_in_backup(path: str, traits: "_Traits", *, command_words: set[str]) -> None:
    """Erase them from one backup file (whatever its schema) and rewrite it in place."""
    conn = sqlite3.connect(path, isolation_level=None)
    tmp = f"{path}.forget"
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version > LATEST:
            raise StoreError(f"{path} was written by a newer pln; it was not changed")
        conn.create_function("pln_fold", 1, lambda t: None if t is None else fold(t))
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            _erase_in_copy(conn, traits, command_words)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        backup_to(conn, tmp)
    finally:
        conn.close()
    os.replace(tmp, path)
    for suffix in ("-journal", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)


def _erase_in_copy(conn: sqlite3.Connection, traits: "_Traits", command_words: set[str]) -> None:
    """``erase`` for a copy whose schema may be older: the person by id or by name."""
    ids = [
        (int(r[0]), str(r[1]))
        for r in conn.execute(
            "SELECT id, name FROM person WHERE id = ? OR name_key = ?", (traits.id, traits.folded)
        )
    ]
    history = _has(conn, "change_log")
    entries = _history_entries(conn, traits) if history else []
    for pid, name in ids:
        if _has(conn, "intro_followup"):
            _erase_person(conn, PersonRef(pid, name))
        else:
            _erase_rows_old(conn, PersonRef(pid, name))
    if history:
        _rewrite_history(conn, entries, command_words)
        _record(conn, Plan(PersonRef(traits.id, traits.name)))


def _erase_rows_old(conn: sqlite3.Connection, person: PersonRef) -> None:
    """A schema before the network tables: people, attributes, interactions, follow-ups."""
    pid = person.id
    conn.execute(
        "DELETE FROM interaction WHERE id IN (SELECT interaction_id FROM interaction_person ip"
        " WHERE person_id = ? AND (SELECT count(*) FROM interaction_person o"
        " WHERE o.interaction_id = ip.interaction_id) = 1)",
        (pid,),
    )
    pattern = _name_pattern(person.name)
    for table, column in (("person", "notes"), ("interaction", "note"), ("followup", "note")):
        for rid, text in conn.execute(f"SELECT id, {column} FROM {table}").fetchall():
            if text and pattern.search(text):
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE id = ?",
                    (pattern.sub(FORGOTTEN, text), rid),
                )
    conn.execute("DELETE FROM person WHERE id = ?", (pid,))
    conn.execute("DELETE FROM person_fts WHERE rowid = ?", (pid,))
    conn.execute("INSERT INTO person_fts (person_fts) VALUES ('optimize')")
