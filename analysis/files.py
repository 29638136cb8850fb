"""Writing a file whole or not at all: the one way the package writes its outputs, its cache and processed corpora
(and the note a lock file keeps on its holder)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TEMPORARY = ".tmp"  # temporary files are hidden and end so: no reader takes them for outputs


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace `path` by `data` so that a reader, or a crash at any moment, sees the old file or the new one, never a part.

    The bytes go to a hidden temporary file in the same folder (a rename is atomic only within one file
    system), are flushed to disk, and the file is renamed over `path`; on any error the temporary file is removed.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{TEMPORARY}")
    try:
        with open(temporary, "xb") as file:  # "x": never write into a file someone else made
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


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
