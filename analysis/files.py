"""Writing a file whole or not at all: the one way the package writes its outputs, its cache and processed corpora
(and the note a lock file keeps on its holder).

A write that fails for a fault of the machine (a full disk, a read-only or vanished folder, no permission) raises
FileFault: an OSError whose message is one line naming the file and what to do. Its temporary files are named
`.analysis-<pid>-<random>.<name>.tmp`: the package's prefix and the writing process, so that a run clears only
those its own killed writers left (temporary_owner), never another program's.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from pathlib import Path

TEMPORARY = ".tmp"  # temporary files are hidden and end so: no reader takes them for outputs
TEMPORARY_PREFIX = ".analysis-"  # then the writer's pid: whose they are, and whether that writer still runs
_OWN_TEMPORARY = re.compile(r"\.analysis-([0-9]+)-[0-9a-f]{8}\..+\.tmp", re.DOTALL)
#: What to do about a fault, by errno; anything else is "check the disk".
_ADVICE = {
    # before ENOSPC, which a system without EDQUOT keys it by
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk quota is used up: free some space, or write elsewhere",
    errno.ENOSPC: "the disk is full: free some space on it, or write elsewhere",
    errno.EROFS: "write elsewhere",
    errno.EACCES: "make the folder writable for you, or write elsewhere",
    errno.EPERM: "make the folder writable for you, or write elsewhere",
    errno.EISDIR: "a folder stands where the file goes: move it away",
    errno.ENOENT: "the folder is gone (removed or moved?): create it again, or write elsewhere",
    errno.ENOTDIR: "part of the path is a file, not a folder: write elsewhere",
    errno.EEXIST: "a file stands where the folder goes: move it away, or write elsewhere",
}


class FileFault(OSError):
    """A file or folder could not be written for a fault of the machine, not of the package: its message is one
    line naming the file, what failed and what to do (errno and filename as OSError's)."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


def file_fault(error: OSError, path: str | Path) -> FileFault:
    """The one-line FileFault for an OSError met while writing `path`.

    Parameters
    ----------
    error : the error the system raised.
    path : the file or folder being written, which the message names.
    """
    if isinstance(error, FileFault):
        return error
    reason = error.strerror or str(error)
    advice = _ADVICE.get(error.errno, "check the disk and the folder, or write elsewhere")
    return FileFault(error.errno, f"{path}: {reason}; {advice}", str(path))


def temporary_owner(name: str) -> int | None:
    """The pid of the process whose write_atomic made the temporary file `name`; None when the package did not
    make it (another program's file).

    Parameters
    ----------
    name : a file name.
    """
    own = _OWN_TEMPORARY.fullmatch(name)
    return int(own.group(1)) if own else None


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` by `data` so that a reader, or a crash at any moment, sees the old file or the new one, never a part.

    The bytes go to a hidden temporary file in the same folder (a rename is atomic only within one file
    system), are flushed to disk, and the file is renamed over `path`; on any error the temporary file is removed.

    Parameters
    ----------
    path : the file to write.
    data : its new content.

    Raises FileFault (an OSError) naming `path` when the system refuses the write (full disk, read-only, ...).
    """
    path = Path(path)
    temporary = path.with_name(f"{TEMPORARY_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.{path.name}{TEMPORARY}")
    try:
        try:
            with open(temporary, "xb") as file:  # "x": never write into a file someone else made
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            _remove_quietly(temporary)
            raise
        _sync_folder(path.parent)
    except OSError as error:
        raise file_fault(error, path) from error


def _remove_quietly(temporary: Path) -> None:
    """Remove a temporary file if it is there; a folder that refuses even that keeps it for a later run to clear."""
    try:
        temporary.unlink(missing_ok=True)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a rename survives a power cut (POSIX only; Windows cannot open a folder)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_note(descriptor: int, text: str) -> None:
    """Replace the content of an open file by `text`: the note a lock file keeps on who holds it (analysis/output.py)."""
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, text.encode("utf-8"))


def open_regular(path: str | Path):
    """Open a file for reading in binary, only if it is a regular file: the one way the corpus is opened.

    Opened without blocking, so that a FIFO (a named pipe) named like a corpus file cannot hang the reader
    before it is told apart, and checked on the open descriptor, so that a file swapped for a FIFO or a device
    after its path was checked is still refused; raises OSError for anything but a regular file. The caller
    checks the type from a stat first: this only closes the gap between that check and the opening.

    Parameters
    ----------
    path : the file.
    """
    import errno  # noqa: PLC0415 - kept with the one function that needs them
    import stat  # noqa: PLC0415

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
