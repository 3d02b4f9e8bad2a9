"""Looking at an existing database file before SQLite is allowed to change it.

Opening a book for use changes its file: pln switches it to WAL mode, and SQLite
replays or deletes a ``-wal`` file. So before that, for a file that exists:

1. The header is read with plain file reads: a file that is not SQLite, is empty,
   or whose schema version (``user_version``, bytes 60-63) is newer than this pln
   is refused with its bytes untouched.
2. The ``-wal`` is kept aside if the last close was not clean (below).
3. A file not yet in WAL mode (header bytes 18-19 are 1, a rollback journal: a
   ``pln db backup`` copy, a file from another tool), or one with a ``-wal`` whose
   newest version the header may not show, is opened read-only first: its version
   is read again and, in rollback mode, ``PRAGMA quick_check`` must pass. A damaged
   file is refused unchanged instead of being converted and then used.

**When was the last close not clean?** SQLite deletes the ``-wal`` when the last
connection to a book closes cleanly. While any connection is open, it holds a shared
lock on the dead-man-switch byte (128) of the ``-shm`` file. So a ``-wal`` that is not
empty while no process holds that lock (pln tries an exclusive, open-file-description
lock on it, and releases it at once) was left by a pln, or another program, that was
killed or crashed. Before SQLite replays it, and may delete it on a clean close (with
any frames it found damaged), pln copies it to ``BOOK-wal.unclean-DATE`` (owner-only)
and says so on stderr. If instead the ``-wal`` is missing or shorter than the ``-shm``
left beside it says (its committed frames not yet copied into the book), the book is
refused, unchanged, until the user puts the ``-wal`` back or removes the ``-shm`` (then
SQLite opens the book without those changes). On a system without open-file-description
locks the book counts as in use, and nothing is copied or refused.

``pln db check`` only ever reads (``open_read_only``): it never converts, migrates or
checkpoints the file it checks.
"""

import os
import sqlite3
import sys
from datetime import datetime

from .errors import StoreError
from .migrations import LATEST

SQLITE_HEADER = b"SQLite format 3\x00"
_DMS = 128  # the -shm byte every open connection holds a shared lock on (SQLite os_unix.c)


def check_existing(path: str) -> None:
    """Refuse, untouched, an existing file pln cannot use; keep an unclean ``-wal`` aside.
    (pln never creates a fresh schema over an existing file: an empty one is refused too.)"""
    head = read_header(path)
    keep_unclean_wal(path)
    rollback = head[18:20] == b"\x01\x01"
    if rollback or _wal_size(path) > 0:
        conn = _connect_read_only(path, immutable=False)
        try:
            _check_version(conn, path)
            if rollback:
                _quick_check(conn, path)
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc):  # a hot journal only a writer can roll back
                raise _damaged(path, exc) from None
        except sqlite3.DatabaseError as exc:
            raise _damaged(path, exc) from None
        finally:
            conn.close()


def open_read_only(path: str) -> sqlite3.Connection:
    """A connection that cannot change the file at ``path`` (for `pln db check`)."""
    if not os.path.exists(path):
        raise StoreError(f"there is no database at {path}", "check the path (`pln db path`)")
    if os.path.isdir(path):
        raise StoreError(f"{path} is a directory, not a database file", "give a file path")
    head = read_header(path)
    keep_unclean_wal(path)
    # A WAL-mode file with no -wal holds everything itself: read it as immutable, so
    # that SQLite creates no -wal and -shm beside it (a backup stays one file).
    wal_mode = head[18:20] == b"\x02\x02"
    conn = _connect_read_only(path, immutable=wal_mode and not os.path.exists(f"{path}-wal"))
    try:
        _check_version(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _damaged(path, exc) from None
    except BaseException:
        conn.close()
        raise
    return conn


def read_header(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read database {path}: {exc.strerror}") from None
    if not head.startswith(SQLITE_HEADER):
        what = "is empty" if not head else "is not a pln database"
        raise StoreError(
            f"{path} {what}; refusing to touch it", "check the path, or restore it from a backup"
        )
    if len(head) >= 64:
        _refuse_newer(path, int.from_bytes(head[60:64], "big"))
    return head


def _refuse_newer(path: str, version: int) -> None:
    if version > LATEST:
        raise StoreError(
            f"database {path} was written by a newer pln"
            f" (schema {version}; this pln knows {LATEST})",
            "upgrade pln; the file was not changed",
        )


def _connect_read_only(path: str, *, immutable: bool) -> sqlite3.Connection:
    from urllib.parse import quote

    uri = f"file:{quote(os.path.abspath(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    try:
        return sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from None


def _check_version(conn: sqlite3.Connection, path: str) -> None:
    _refuse_newer(path, int(conn.execute("PRAGMA user_version").fetchone()[0]))


def _quick_check(conn: sqlite3.Connection, path: str) -> None:
    found = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    if found != ["ok"]:
        raise StoreError(
            f"database {path} is damaged ({found[0]}); pln did not change it",
            "restore a copy from backups/ beside it; `pln db check` shows more",
        )


def _damaged(path: str, exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"database {path} is damaged ({exc}); pln did not change it",
        "restore a copy from backups/ beside it (see `pln db backup`)",
    )


# ---- an unclean -wal --------------------------------------------------------------------------


def _wal_size(path: str) -> int:
    try:
        return os.path.getsize(f"{path}-wal")
    except OSError:
        return 0


def keep_unclean_wal(path: str) -> str | None:
    """Copy a ``-wal`` left by an unclean close aside (see the module's docstring); refuse
    a book whose ``-wal`` was lost after an unclean close."""
    wal = f"{path}-wal"
    if _wal_size(path) == 0 and not os.path.exists(f"{path}-shm") or in_use(path):
        return None
    if _wal_lost(path):
        raise StoreError(
            f"{wal} is missing or cut short: the changes it held are not in {path};"
            " pln did not change the book",
            f"put that file back beside the book, or remove {path}-shm to open the book"
            " without those changes",
        )
    if _wal_size(path) == 0:
        return None
    kept = f"{wal}.unclean-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    try:
        _copy_private(wal, kept)
    except FileExistsError:  # kept already, this very second
        return kept
    except FileNotFoundError:  # a pln closing cleanly removed it meanwhile: nothing to keep
        return None
    except OSError as exc:
        raise StoreError(
            f"cannot keep a copy of {wal} (left by a pln that did not close cleanly):"
            f" {exc.strerror}; the database was not opened",
            "free some space, or copy that file aside yourself",
        ) from None
    if not os.path.exists(wal):  # it was a clean close's, gone now (its -shm goes first)
        os.unlink(kept)
        return None
    sys.stderr.write(
        f"note: {wal} was left by a pln (or another program) that did not close the book"
        f" cleanly; a copy is kept at {kept}\n"
    )
    return kept


def _wal_lost(path: str) -> bool:
    """Whether the ``-shm`` left by an unclean close counts committed frames that are not
    in the ``-wal`` (missing or cut short) nor copied into the book yet. The wal-index
    header (native byte order): isInit at byte 12, page size at 14, mxFrame (the last
    committed frame) at 16; nBackfill (frames copied into the book) at 96."""
    import struct

    try:
        with open(f"{path}-shm", "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    if len(head) < 100 or not head[12]:
        return False
    size = struct.unpack_from("=H", head, 14)[0]
    frames, copied = struct.unpack_from("=I", head, 16)[0], struct.unpack_from("=I", head, 96)[0]
    page = 65536 if size == 1 else size
    return bool(frames > copied and _wal_size(path) < 32 + frames * (24 + page))


def _copy_private(source: str, target: str) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        if os.path.exists(target):
            os.unlink(target)
        raise


def in_use(path: str) -> bool:
    """Whether any connection (of any process, this one included) has the book open."""
    try:
        import fcntl
        import struct

        ofd_setlk = fcntl.F_OFD_SETLK  # type: ignore[attr-defined,unused-ignore]
    except (ImportError, AttributeError):
        return True
    try:
        fd = os.open(f"{path}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False  # every open connection has a -shm
    except OSError:
        return True
    try:
        lock = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, _DMS, 1, 0)
        try:
            fcntl.fcntl(fd, ofd_setlk, lock)
        except OSError:
            return True
        fcntl.fcntl(fd, ofd_setlk, struct.pack("hhqqi", fcntl.F_UNLCK, os.SEEK_SET, _DMS, 1, 0))
        return False
    finally:
        os.close(fd)
