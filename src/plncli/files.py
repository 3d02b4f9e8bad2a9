"""Writing the files a user names (exports, backups, reject lists) and the output stream.

The rules, the same for every command that writes a file:

- An existing regular file is refused unless ``--force``; then it is replaced atomically
  (a temporary file in the same folder, flushed to disk, renamed into place).
  Without ``--force`` the new file is linked into place, so one that appeared meanwhile
  is refused as well.
- A symbolic link is followed: the link's target is what is written (or refused), the
  link itself stays, and the command says so. A link to nothing is refused.
- A FIFO or a character device (a named pipe, ``/dev/stdout``, ``/dev/null``) is written
  to directly and never replaced; any other kind of file (a directory, a socket, a block
  device) is refused.
- Temporary files are ``.NAME.tmp-PID`` (``NAME.tmp-PID`` for database copies, to which
  SQLite may add ``-journal``). Those of a pln process that is gone are removed by the
  next pln that writes a file in the same folder, whatever file they were meant to become.

And for standard output: a reader that closes the pipe early (``pln export | head -1``)
has all it wants, which is success; a full disk is an error (exit 7).
"""

import errno
import os
import re
import stat
import sys
from collections.abc import Iterable
from contextlib import suppress
from typing import NamedTuple

from .errors import Conflict, InvalidInput, PlnError, StoreError

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}  # "the disk is full", as the user sees it
_STALE = re.compile(r".+\.tmp-(\d+)(?:-journal|-wal|-shm)?", re.S)  # a name may hold a newline


class Target(NamedTuple):
    """Where a file named by the user is written."""

    path: str  # as the user gave it
    real: str  # the file written: the link's target when ``path`` is a link
    direct: bool  # a FIFO or device: written to in place, never replaced
    link: bool
    force: bool = False  # an existing file may be replaced

    @property
    def shown(self) -> str:
        """The file written, as the command reports it."""
        return f"{self.real} (through the link {self.path})" if self.link else self.path


def target(path: str, *, force: bool, regular_only: bool = False) -> Target:
    """Check, before anything is written, where ``path`` leads and whether it may be written."""
    lst = _lstat(path)
    link = lst is not None and stat.S_ISLNK(lst.st_mode)
    st = _lstat(path, follow=True) if link else lst
    if link and st is None:
        raise InvalidInput(
            f"{path} is a link to {os.readlink(path)}, which does not exist; nothing was written",
            "give the path of the file itself",
        )
    real = os.path.realpath(path) if link else path
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not regular_only and (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode)):
            return Target(path, path, True, link)
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise InvalidInput(f"{path} is {kind}; nothing was written", "give a file path")
    if st is not None and not force:
        via = f" (a link to {real})" if link else ""
        raise Conflict(
            f"{path} already exists{via}; nothing was written",
            "add --force to replace it, or choose another file",
        )
    folder = os.path.dirname(os.path.abspath(real))
    if not os.path.isdir(folder):
        raise InvalidInput(
            f"cannot write {path}: directory {folder} does not exist",
            "create it first, or choose another path",
        )
    return Target(path, real, False, link, force)


def _lstat(path: str, *, follow: bool = False) -> os.stat_result | None:
    try:
        return os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}", "check the path") from None


def write(where: Target, data: bytes | Iterable[bytes]) -> int:
    """Write ``data`` to ``where``: the number of bytes written.

    A regular file is either absent (or the old one) or complete, owner-only."""
    chunks = [data] if isinstance(data, bytes) else data
    if where.direct:
        return _write_direct(where, chunks)
    folder = os.path.dirname(os.path.abspath(where.real))
    remove_stale_temps(folder)
    tmp = os.path.join(folder, f".{os.path.basename(where.real)}.tmp-{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
            size = fh.tell()
        place(tmp, where)
    except OSError as exc:
        raise write_error(where.path, exc) from None
    finally:  # an error while producing the data, too: no half file is left
        discard(tmp)
    return size


def _write_direct(where: Target, chunks: Iterable[bytes]) -> int:
    size = 0
    try:
        fd = os.open(where.path, os.O_WRONLY)  # no O_CREAT, no O_TRUNC: never replaced
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                size += len(chunk)
    except BrokenPipeError:  # the reader stopped: it has all it wants
        return size
    except OSError as exc:
        raise write_error(where.path, exc) from None
    return size


def place(tmp: str, where: Target) -> None:
    """Move the complete ``tmp`` to the target, replacing a file only with ``--force``."""
    if where.force:
        os.replace(tmp, where.real)
        return
    try:
        os.link(tmp, where.real)  # unlike a rename, fails if the file appeared meanwhile
    except FileExistsError:
        raise Conflict(
            f"{where.path} appeared while it was written; nothing was written",
            "add --force to replace it, or choose another file",
        ) from None
    except OSError as exc:  # a file system without hard links
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
        os.replace(tmp, where.real)


def discard(tmp: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(tmp)


def write_error(path: str, exc: OSError) -> PlnError:
    if exc.errno in FULL:
        return StoreError(
            f"cannot write {path}: the disk is full; nothing was written",
            "free some space and try again",
        )
    return InvalidInput(f"cannot write {path}: {exc.strerror}", "check the path")


def remove_stale_temps(folder: str) -> list[str]:
    """Delete the temporary files of pln processes that are gone (see the module's rules):
    owner's regular files named ``*.tmp-PID`` (and their ``-journal``) whose process is dead.
    They are half-written copies of personal data."""
    removed: list[str] = []
    try:
        entries = os.listdir(folder)
    except OSError:
        return removed
    for entry in entries:
        found = _STALE.fullmatch(entry)
        if found is None or _alive(int(found.group(1))):
            continue
        full = os.path.join(folder, entry)
        with suppress(OSError):
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid():
                os.unlink(full)
                removed.append(full)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


# ---- standard output ------------------------------------------------------------------------


def is_output_error(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno in FULL)


def output_error(exc: OSError) -> PlnError | None:
    """What a failure to write standard output means (see ``is_output_error``):
    None for a reader that left, which is success."""
    _silence_stdout()
    if isinstance(exc, BrokenPipeError):
        return None
    return StoreError(
        "cannot write the output: the disk is full", "free some space, or write elsewhere"
    )


def _silence_stdout() -> None:
    """Point standard output at /dev/null so Python's last flush at exit cannot fail again."""
    with suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
