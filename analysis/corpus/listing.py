"""Which files a corpus is made of, and the checks each passes before it is read: one listing for the loader
(analysis/corpus/load.py) and the corpus fingerprint (analysis/provenance.py), so that a cache key or a manifest
reads what the loader reads and nothing else.

Every corpus file is checked from a stat before it is opened, and again on the open file: it must be a regular
file (a FIFO would hang the reader, a device such as /dev/zero never ends), a symbolic link in a corpus folder
must lead to a file inside the folder, and a file read whole must be at most ANALYSIS_MAX_FILE_MB megabytes
(default MAX_FILE_MB). Exempt from the size limit, though still checked for their type and links: Parquet files (a
Parquet corpus table, read column by column, and the parts of a processed corpus folder) and web archives (read a
record at a time, each record within the limit). A file that fails is a CorpusError naming it; nothing of it has
been read.

Which files a corpus folder is made of is decided once, here (folder_kind), for the loader and the fingerprint
alike: with a metadata.csv, it and the files it lists; else, with a `.json` file at its top level, those `.json`
records; else its saved web pages and web archives, reached without a symbolic link.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import warnings
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pandas as pd

from analysis.corpus.decode import decode_bytes
from analysis.corpus.errors import CorpusError
from analysis.corpus.pages import page_kind
from analysis.files import open_regular

METADATA_FILE = "metadata.csv"
TEXT_SUFFIXES = (".txt", ".text")
#: The records of a folder of JSON records: the entries at its top level so named (Path.glob's matching).
RECORD_PATTERN = "*.json"
#: The largest corpus file read whole, in megabytes (10^6 bytes), unless $ANALYSIS_MAX_FILE_MB says otherwise:
#: a bound on the memory one file can take, far above any article, metadata file or table of a research corpus.
#: Parquet files and web archives are exempt (see the module's docstring).
MAX_FILE_MB = 200
ENV_MAX_FILE_MB = "ANALYSIS_MAX_FILE_MB"
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def max_file_bytes() -> int:
    """The size limit per corpus file read whole in bytes: $ANALYSIS_MAX_FILE_MB megabytes (decimals allowed),
    else MAX_FILE_MB; a value that is not a positive number is a CorpusError naming it. Parquet files (a corpus
    table, the parts of a processed folder) and web archives are exempt: check_file(..., limited=False)."""
    value = os.environ.get(ENV_MAX_FILE_MB, "").strip()
    if not value:
        return MAX_FILE_MB * 1_000_000
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not megabytes > 0 or megabytes == float("inf"):
        raise CorpusError(f"{ENV_MAX_FILE_MB}={value!r}: give the size limit per corpus file in megabytes, "
                          f"a positive number (default {MAX_FILE_MB})")
    return int(megabytes * 1_000_000)


def check_file(path: Path, origin: str, *, root: Path | None = None, limited: bool = True) -> os.stat_result:
    """Refuse, from a stat and without opening it, a corpus file the loader must not read; return its stat.

    Parameters
    ----------
    path : the file.
    origin : its name in messages ("x.json", "metadata.csv: listed file 'a.txt'").
    root : the resolved corpus folder a symbolic link must stay in (None: the file was named by the user, or
        resolved inside the folder already).
    limited : whether the size limit applies (not to a web archive, which is read a record at a time, nor to a
        Parquet file: a corpus table, which pyarrow reads column by column, or a part process_corpus wrote).
    """
    try:
        if root is not None and path.is_symlink() and not path.resolve().is_relative_to(root):
            raise CorpusError(f"{origin}: a symbolic link out of the corpus folder {root}; not read (copy the file "
                              "into the folder)")
        found = path.stat()
    except FileNotFoundError:
        raise CorpusError(f"{origin}: does not exist (a broken symbolic link?)") from None
    except (OSError, RuntimeError) as error:  # a symlink loop, a name too long, no permission to look
        raise CorpusError(f"{origin}: cannot be read ({getattr(error, 'strerror', None) or error})") from None
    if not stat.S_ISREG(found.st_mode):
        kind = _KINDS.get(stat.S_IFMT(found.st_mode), "a special file")
        raise CorpusError(f"{origin}: not a regular file but {kind}; a corpus holds regular files only")
    if limited:
        _check_size(found.st_size, origin)
    return found


def _check_size(size: int, origin: str) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise CorpusError(f"{origin}: {size:,} bytes, over the limit of {limit:,} bytes per corpus file; raise it "
                          f"with {ENV_MAX_FILE_MB}=<megabytes> (now {limit / 1_000_000:g})")


def read_file(path: Path, origin: str, *, root: Path | None = None, checked: bool = False,
              limited: bool = True) -> bytes:
    """A corpus file's bytes, read whole once check_file passed it (and checked again on the open file).

    Parameters
    ----------
    path, origin, root, limited : as for check_file.
    checked : the listing saw the file as a regular one reached without a link: no stat before opening (the
        open file is still checked).
    """
    if not checked:
        check_file(path, origin, root=root, limited=limited)
    limit = max_file_bytes() if limited else None
    try:
        with open_regular(path) as file:
            if limit is None:
                data = file.read()
            else:
                _check_size(os.fstat(file.fileno()).st_size, origin)
                data = file.read(limit + 1)  # never more than the limit, whatever the file grew to since
    except OSError as error:  # unreadable (permissions), or swapped for a FIFO since the stat
        raise CorpusError(f"{origin}: cannot be read ({error.strerror or error})") from None
    if limit is not None:
        _check_size(len(data), origin)
    return data


def csv_table(data: bytes, path: Path) -> pd.DataFrame:
    """A CSV file's bytes as a table of strings, decoded like the texts (UTF-8 with or without BOM, UTF-16 with
    BOM, else Windows-1252 with a warning). Read without pandas' header handling, which turns the first column
    into the index when the rows have one cell more than the header ('a.txt,X,'): that is an error naming the line.

    Parameters
    ----------
    data : the file's bytes.
    path : the file, for messages.
    """
    text = decode_bytes(data, path)
    try:
        rows = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = str(error).strip()
        raise CorpusError(f"{path}: cannot be read as CSV ({reason}; the first line is the header)") from None
    return pd.DataFrame(rows.iloc[1:].to_numpy(), columns=list(rows.iloc[0]), dtype="str")


def listing(root: Path) -> tuple[set[str], list[str]]:
    """The regular files under `root` reached without passing a symbolic link, and every other entry there that
    is not a folder (symbolic links, FIFOs, devices): their paths relative to `root`, with '/'. One listing of
    each folder (its entries tell them apart without a stat), of the folders Path.rglob walks: it does not follow
    a link to a folder either. Nothing in the second list is read before check_file has passed it."""
    plain, others, folders = set(), [], [("", str(root))]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # unreadable: its files, if listed, are resolved and checked one by one
            continue
        for entry in entries:
            if entry.is_symlink() or _is_junction(entry):
                others.append(prefix + entry.name)
            elif entry.is_dir(follow_symlinks=False):
                folders.append((f"{prefix}{entry.name}/", entry.path))
            elif entry.is_file(follow_symlinks=False):
                plain.add(prefix + entry.name)
            else:
                others.append(prefix + entry.name)
    return plain, others


def _is_junction(entry: os.DirEntry) -> bool:
    """A Windows junction (a link to a folder that is_symlink does not tell): a file reached through one is
    resolved, so that it cannot lead out of the corpus folder."""
    if os.name != "nt":
        return False
    return bool(entry.stat(follow_symlinks=False).st_file_attributes & stat.FILE_ATTRIBUTE_REPARSE_POINT)


def suffix(name: str) -> str:
    """PurePosixPath(name).suffix.lower(), without making a path."""
    last = name.rpartition("/")[2]
    dot = last.rfind(".")
    return last[dot:].lower() if 0 < dot < len(last) - 1 else ""


def is_article_file(name: str) -> bool:
    """A text file, a saved web page or a web archive: what a corpus folder's metadata.csv lists."""
    return suffix(name) in TEXT_SUFFIXES or page_kind(name) is not None


def has_metadata(path: Path) -> bool:
    """Whether `path` is a folder with a metadata.csv, of whatever kind: a FIFO or a link out so named is refused
    by name when read, not taken for a folder of records.

    Parameters
    ----------
    path : the corpus.
    """
    return path.is_dir() and os.path.lexists(path / METADATA_FILE)


def record_files(folder: Path) -> list[Path]:
    """The records of a folder of JSON records, in name order: its top-level entries named `*.json`, whatever
    they are (a link, a FIFO: the loader refuses them by name).

    Parameters
    ----------
    folder : the corpus folder.
    """
    return sorted(folder.glob(RECORD_PATTERN))


def page_names(root: Path, plain: set[str] | None = None) -> list[str]:
    """The saved pages and web archives under `root`, reached without a symbolic link, in path order.

    Parameters
    ----------
    root : the corpus folder, resolved.
    plain : listing(root)'s regular files, if listed already.
    """
    if plain is None:
        plain, _ = listing(root)
    return sorted((name for name in plain if page_kind(name)), key=lambda name: name.split("/"))


def folder_kind(path: Path, plain: set[str] | None = None) -> str | None:
    """How the loader reads a corpus path, and so which files the fingerprint takes: the one decision both make.

    "metadata": a folder with a metadata.csv (has_metadata), read with the files it lists; "pages": a folder
    without one, with no `.json` record at its top level and a saved web page or web archive under it, read from
    those pages (page_names); "records": any other folder, read from its top-level `.json` records
    (record_files); None: not a folder (a table file).

    Parameters
    ----------
    path : the corpus.
    plain : listing(path.resolve())'s regular files, if listed already.
    """
    if not path.is_dir():
        return None
    if has_metadata(path):
        return "metadata"
    if not any(path.glob(RECORD_PATTERN)) and page_names(path.resolve(), plain):
        return "pages"
    return "records"


def corpus_files(folder: Path) -> list[tuple[str, Path | None, str | None]]:
    """The files a corpus folder is made of, in path order: (name relative to the folder with '/', the file to
    read, or None where the loader refuses it unread: a link out of the folder, a FIFO, a device, a missing file;
    the file's SHA-256 where it was read to list the others: metadata.csv, read once for both).

    The files the loader reads, as folder_kind decides: with a metadata.csv, it and the files it lists (only it,
    when it cannot be read as a listing: the loader then refuses the folder); without, a folder of records' top-
    level `.json` records, or a folder of pages' pages and web archives. A file that is there but not used (a
    text file without a metadata.csv, a nested `.json` file, a link in a folder of pages) is never opened.

    Parameters
    ----------
    folder : the corpus folder, resolved.
    """
    plain, _ = listing(folder)
    kind = folder_kind(folder, plain)
    names, digests = [], {}
    if kind == "metadata":
        metadata = folder / METADATA_FILE if METADATA_FILE in plain else _inside(folder, METADATA_FILE)
        if metadata is not None:  # a link to a file inside the folder is read by the loader too
            found = os.stat(metadata)
            digests[METADATA_FILE], listed = _listed_names(str(metadata), found.st_size, found.st_mtime_ns)
            names = list(listed or ())
        names = [METADATA_FILE, *names]
    elif kind == "pages":
        names = page_names(folder, plain)
    else:
        names = [path.name for path in record_files(folder)]
    files = {name: (folder / name if name in plain else _inside(folder, name)) for name in names}
    return [(name, files[name], digests.get(name)) for name in sorted(files, key=lambda name: name.split("/"))]


def _inside(root: Path, name: str) -> Path | None:
    """The regular file a name not seen by the listing leads to, if it lies inside `root`; else None."""
    if PurePosixPath(name).is_absolute() or name.startswith("\\"):
        return None
    try:
        target = (root / name).resolve()
        return target if target.is_relative_to(root) and stat.S_ISREG(target.stat().st_mode) else None
    except (OSError, RuntimeError, ValueError):  # missing, a symlink loop, a NUL in the name
        return None


@lru_cache(maxsize=64)
def _listed_names(path: str, size: int, mtime_ns: int) -> tuple[str | None, tuple[str, ...] | None]:
    """A metadata.csv's SHA-256 and the files it lists, as the loader names them; None for what cannot be told
    (the loader then says why). Read once, and again only when its size or modification time changed."""
    try:
        data = read_file(Path(path), path, checked=True)
    except CorpusError:
        return None, None
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the loader gives the decoding's warnings, where they are heard
            table = csv_table(data, Path(path))
    except (CorpusError, UnicodeError):
        return digest, None
    columns = [str(column).strip() for column in table.columns]
    if columns.count("file") != 1:
        return digest, None
    names = (name.strip() for name in table.iloc[:, columns.index("file")])
    return digest, tuple(PurePosixPath(name).as_posix() for name in names if name and "\x00" not in name)
