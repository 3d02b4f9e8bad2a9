"""A vdir: a folder with one vCard file per person, the layout khard reads and vdirsyncer
synchronises with CardDAV servers (https://vdirsyncer.pimutils.org/en/stable/vdir.html).

Writing (``pln export --format vdir DIR``): each active person's card (the vCard export's,
with their UID) goes to the file that already holds that UID, or to a new one named after
it (``card_name``). A file that already says the same (``same_card``: the same lines in
any order) is not touched, so a sync sees only what changed; files are written
owner-only through a temporary file renamed into place, and a folder pln creates is
owner-only. A file holding one card whose UID is no
longer among the book's active people is removed only when asked (``delete``); files that
are not one card with a UID (or whose names start with a dot, as the vdir layout keeps
for temporary files) are never touched.

Reading (``pln import DIR``): every ``*.vcf`` file of the folder (not its subfolders, not
hidden files), in name order, read as the vCard import reads a file; the records say
which file they come from.
"""

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from typing import NamedTuple

from . import files
from .errors import InvalidInput
from .formats.records import Problem, ReadResult

SUFFIX = ".vcf"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,150}")
_UID = re.compile(r"^(?:[A-Za-z0-9_-]+\.)?UID(?:;[^:\r\n]*)?:(.*(?:\r?\n[ \t].*)*)", re.I | re.M)


class Written(NamedTuple):
    folder: str
    created: bool  # the folder was made
    written: int  # cards new or changed
    unchanged: int
    removed: int  # cards of people no longer in the book (``delete``)
    left: int  # such cards left in place (no ``delete``)


def card_name(uid: str) -> str:
    """The file a person's card is written to when none holds it yet: the UID itself
    where it is a safe file name (``urn:uuid:`` left out), else its SHA-256 digest."""
    bare = uid.removeprefix("urn:uuid:")
    if _SAFE.fullmatch(bare):
        return bare + SUFFIX
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:40] + SUFFIX


def card_files(folder: str) -> list[str]:
    """The names of the folder's vCard files, in name order (hidden files left out)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise InvalidInput(f"cannot read the folder {folder}: {exc.strerror}") from None
    return [
        n
        for n in names
        if n.lower().endswith(SUFFIX)
        and not n.startswith(".")
        and os.path.isfile(os.path.join(folder, n))
    ]


def uids_in(text: str) -> list[str]:
    """The UIDs a file's cards give (unfolded and unescaped as the import reads them)."""
    from .formats.vcard_fields import unescape

    found = []
    for match in _UID.finditer(text):
        value = re.sub(r"\r?\n[ \t]", "", match.group(1))
        found.append(unescape(value).strip())
    return found


def _held(folder: str) -> tuple[dict[str, str], set[str]]:
    """uid -> the file holding that card alone; and the names of the other files."""
    by_uid: dict[str, str] = {}
    others: set[str] = set()
    for name in card_files(folder):
        try:
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as fh:
                uids = uids_in(fh.read())
        except OSError:
            uids = []
        if len(uids) == 1 and uids[0] not in by_uid:
            by_uid[uids[0]] = name
        else:
            others.add(name)
    return by_uid, others


def prepare(folder: str) -> bool:
    """The folder exists (created owner-only if missing, its parent must exist);
    whether it was created."""
    st = _stat(folder)
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            raise InvalidInput(
                f"{folder} is not a folder; nothing was written",
                "a vdir is a folder: give a folder's path (a new one is created)",
            )
        return False
    parent = os.path.dirname(os.path.abspath(folder))
    if not os.path.isdir(parent):
        raise InvalidInput(
            f"cannot create {folder}: directory {parent} does not exist",
            "create it first, or choose another path",
        )
    try:
        os.mkdir(folder, 0o700)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise files.write_error(folder, exc) from None
    return True


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InvalidInput(f"cannot use {path}: {exc.strerror}", "check the path") from None


def write(folder: str, cards: Iterable[tuple[str, bytes]], *, delete: bool) -> Written:
    """Each (uid, card) into the folder, only where the file's content changes; the cards
    of UIDs not given removed with ``delete``, else counted."""
    created = prepare(folder)
    files.remove_stale_temps(folder)  # once: a folder of 10,000 cards is listed once, not per card
    by_uid, others = _held(folder)
    taken = set(by_uid.values()) | others
    written = unchanged = 0
    given: set[str] = set()
    for uid, data in cards:
        given.add(uid)
        name = by_uid.get(uid) or _free_name(card_name(uid), taken)
        taken.add(name)
        path = os.path.join(folder, name)
        if same_card(_content(path), data):
            unchanged += 1
            continue
        _write_card(path, data)
        written += 1
    gone = [name for uid, name in by_uid.items() if uid not in given]
    if delete:
        for name in gone:
            files.discard(os.path.join(folder, name))
    removed = len(gone) if delete else 0
    return Written(folder, created, written, unchanged, removed, len(gone) - removed)


def _write_card(path: str, data: bytes) -> None:
    """One card, owner-only, through a temporary file (hidden: ``.NAME.tmp-PID``, which
    vdir readers skip) flushed to disk and renamed into place (a link: its target, as
    every file pln writes, ``files.py``)."""
    if os.path.islink(path):
        files.write(files.target(path, force=True), data)
        return
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise files.write_error(path, exc) from None
    finally:
        files.discard(tmp)


def _free_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2.vcf``... when another card's file already has it."""
    stem, n = name.removesuffix(SUFFIX), 1
    while name in taken:
        n += 1
        name = f"{stem}-{n}{SUFFIX}"
    return name


def same_card(held: bytes | None, new: bytes) -> bool:
    """Whether a file already says what pln would write: the same lines (unfolded), in any
    order, but the program that wrote it (a server such as Radicale stores a card with
    its properties sorted; rewriting it would only make the next sync send it again)."""
    if held is None:
        return False
    if held == new:
        return True

    def lines(data: bytes) -> list[bytes]:
        unfolded = re.sub(rb"\r?\n[ \t]", b"", data)
        return sorted(
            line
            for line in re.split(rb"\r?\n", unfolded)
            if line and not line.upper().startswith(b"PRODID")
        )

    return lines(held) == lines(new)


def _content(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def read(folder: str, *, encoding: str | None) -> ReadResult:
    """Every card of the folder's vCard files; a file that cannot be read as vCards is an
    invalid record (named by the file), as a broken card is in one file."""
    from .formats.source import read_text
    from .formats.vcard import read_vcard

    names = card_files(folder)
    if not names:
        raise InvalidInput(
            f"{folder} holds no .vcf file", "give a vdir (a folder of .vcf files) or a file"
        )
    out = ReadResult("vcard", [], [], [])
    for name in names:
        path = os.path.join(folder, name)
        try:
            result = read_vcard(read_text(path, encoding), path)
        except InvalidInput as exc:
            out.invalid.append(Problem(name, "file", exc.message))
            continue
        several = len(result.records) + len(result.invalid) > 1

        def where(text: str, name: str = name, several: bool = several) -> str:
            return name if not several and text.startswith("card ") else f"{name} {text}"

        out.records.extend(r._replace(where=where(r.where)) for r in result.records)
        out.invalid.extend(p._replace(where=where(p.where)) for p in result.invalid)
        out.notes.extend(p._replace(where=where(p.where)) for p in result.notes)
    return out
