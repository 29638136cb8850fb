"""Where a result comes from: the libraries, the code, the shipped data and the corpus, each as a fingerprint.

Everything that records or keys a result asks here: the figures' manifest (analysis/output.py), the cache's keys
(analysis/cache.py), a processed corpus's manifest (analysis/pipeline.py) and the run's up-to-date check
(analysis/runner.py). So there is one list of libraries (RUNTIME_DEPENDENCIES, which is pyproject.toml's
dependencies), one fingerprint of the package's files (`code_fingerprint`) and one hasher (`fingerprint`).
"""

from __future__ import annotations

import hashlib
import platform
import stat
import subprocess
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

import analysis
from analysis.files import open_regular
from analysis.paths import DATA_DIR, PROJECT_DIR

DISTRIBUTION = "soleimani-framing"
#: What `import analysis` and the notebooks run on: pyproject.toml's dependencies (a test keeps the two in step).
RUNTIME_DEPENDENCIES = (
    "pandas", "numpy", "matplotlib", "nltk", "vaderSentiment", "scikit-learn", "pyarrow",
    "nbclient", "jupyter_client", "nbformat", "nbconvert", "traitlets", "ipykernel", "ipython", "tabulate", "Jinja2",
    "tqdm", "platformdirs", "filelock", "dask", "distributed", "regex",
    "openpyxl",  # the coding sheets' XLSX (analysis/sheets.py)
    "krippendorff",  # agreement between hand coders (analysis/measures/agreement.py)
    "scipy",  # t quantiles and false discovery control of the corrected estimates (analysis/measures/corrected.py)
    "trafilatura", "warcio",  # saved web pages and web archives as a corpus (analysis/corpus/pages.py)
)
#: The files whose git state the figures' manifest records: the package, the notebooks and the pins.
CODE_PATHS = ("analysis", "notebooks", "requirements.txt", "constraints.txt", "pyproject.toml")
#: The suffixes of the package's files that decide its results: code and shipped data.
PACKAGE_FILES = (".py", ".csv", ".json", ".txt")


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of Python, this package and every runtime dependency ("not installed" for a missing one)."""
    versions = {"python": platform.python_version()}
    for library in ("analysis", *RUNTIME_DEPENDENCIES):
        try:
            versions[library] = metadata.version(DISTRIBUTION if library == "analysis" else library)
        except metadata.PackageNotFoundError:
            versions[library] = "not installed"
    return versions


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 over the package version and every file of the package (code and shipped data), by content."""
    root = Path(analysis.__file__).resolve().parent
    digest = hashlib.sha256(analysis.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in PACKAGE_FILES:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_version() -> dict[str, object]:
    """The commit that last changed CODE_PATHS, and whether they differ from it now: what the figures' manifest
    records, so that a reader can check out the code behind a figure (code_fingerprint names no commit).

    `commit` is empty outside a git checkout; `modified` is true when files under CODE_PATHS have uncommitted
    changes or are new, so a figure made from edited code says so.
    """
    try:
        commit = _git("log", "-1", "--format=%H", "--", *CODE_PATHS)
        modified = bool(_git("status", "--porcelain", "--untracked-files=normal", "--", *CODE_PATHS))
    except (OSError, subprocess.SubprocessError):
        return {"commit": "", "modified": False}
    return {"commit": commit, "modified": modified}


def _git(*arguments: str) -> str:
    result = subprocess.run(["git", "-C", str(PROJECT_DIR), *arguments], capture_output=True, text=True,
                            timeout=30, check=True)
    return result.stdout.strip()


@lru_cache(maxsize=1)
def lexicon_fingerprints() -> dict[str, str]:
    """SHA-256 of every data file the package ships (lexicons, rules, tokenizer parameters), by file name."""
    return {path.name: sha256(path.read_bytes()) for path in sorted(DATA_DIR.iterdir())
            if path.is_file() and path.suffix in (".csv", ".json", ".txt")}


def corpus_fingerprint(path: str | Path) -> str:
    """SHA-256 over the files a corpus uses (names relative to the corpus, and contents), in path order.

    The files are those the loader reads (analysis.corpus.listing.corpus_files): a folder's metadata.csv and the
    files it lists, or without one its top-level `.json` records, or else its web pages and archives; a file
    that is there but not used is never opened. A file the loader refuses unread (a link out of the folder, a FIFO, a device) is hashed as refused,
    never followed. Each file is read once, in chunks. It follows the content, not where the corpus lies: edit a
    file in a live session and the next figure records the new fingerprint. A file is hashed again only when its
    size or modification time changed.

    Parameters
    ----------
    path : the corpus folder or table file.
    """
    # Imported here: the listing lives with the loader, whose cache imports this module.
    from analysis.corpus.listing import corpus_files  # noqa: PLC0415

    root = Path(path).resolve()
    if not root.exists():
        raise FileNotFoundError(f"corpus not found: {path}")
    files = corpus_files(root) if root.is_dir() else [(root.name, root, None)]
    digest = hashlib.sha256()
    for name, file, known in files:  # known: metadata.csv's, from the one reading that listed the others
        digest.update(name.encode("utf-8") + b"\0" + (known or _digest_or_refusal(file)).encode("ascii") + b"\n")
    return digest.hexdigest()


#: What a file the loader refuses unread is hashed as: a FIFO, a device, a link out of the corpus, unreadable.
REFUSED = "refused"


def _digest_or_refusal(file: Path | None) -> str:
    """The SHA-256 of a regular file, else REFUSED (the file is not opened unless it is a regular file)."""
    if file is None:
        return REFUSED
    try:
        found = file.stat()
        if not stat.S_ISREG(found.st_mode):
            return REFUSED
        return _file_digest(str(file), found.st_size, found.st_mtime_ns)
    except OSError:  # gone since it was listed, unreadable, swapped for a FIFO: the loader will say which
        return REFUSED


@lru_cache(maxsize=65536)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a regular file, cached by its path, size and modification time (a changed file is read again).

    Parameters
    ----------
    path : the file.
    size, mtime_ns : its stat's, only to key the cache.
    """
    return stream_digest(path)


def stream_digest(path: str | Path) -> str:
    """SHA-256 of a regular file, read in chunks (never whole); OSError for anything but a regular file.

    Parameters
    ----------
    path : the file.
    """
    with open_regular(path) as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def table_fingerprint(table: pd.DataFrame) -> str:
    """The fingerprint a processed corpus records for its articles: SHA-256 over the columns' names and dtypes
    (column_types), then every row's hash (row_hashes). Unlike `fingerprint` it can be computed part by part:
    feed `b"frame" + column_types(part)` once, then each part's row hashes in order."""
    digest = hashlib.sha256(b"frame" + column_types(table).encode())
    digest.update(row_hashes(table).tobytes())
    return digest.hexdigest()


def column_types(table: pd.DataFrame) -> str:
    """The columns' names and dtypes as table_fingerprint hashes them."""
    return repr([(str(column), str(dtype)) for column, dtype in table.dtypes.items()])


def row_hashes(table: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row, over every column (pandas' hash_pandas_object; index left out)."""
    if table.empty:
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(table, index=False).to_numpy()


def sha256(data: bytes) -> str:
    """The SHA-256 of bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


class Unkeyable(TypeError):
    """A value `fingerprint` cannot describe exactly (a function, a generator, any other object)."""


def fingerprint(value) -> str:
    """SHA-256 of a value, exact: two values with one fingerprint are equal.

    Tables by content (column names, dtypes with their categories, index, every cell and, in object columns,
    every cell's type, attrs); arrays by their bytes; a str or Path naming a file by its text and the file's bytes;
    numbers, strings, dates and containers of them by value. Raises Unkeyable for anything else.
    """
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value) -> None:
    if value is None or isinstance(value, (bool, int, float, complex, bytes, np.generic,
                                           pd.Timestamp, pd.Timedelta, pd.Period, datetime, date, timedelta)):
        digest.update(b"value" + repr(value).encode() + b"\0")  # repr is exact for these (floats round-trip)
    elif isinstance(value, (str, Path)):
        digest.update(b"path" if isinstance(value, Path) else b"str")
        digest.update(str(value).encode() + b"\0")
        if _is_file(value):
            digest.update(b"file" + bytes.fromhex(stream_digest(value)))
    elif isinstance(value, pd.DataFrame):
        digest.update(b"frame%d" % value.shape[1])
        for column in value.columns:
            digest.update(repr(column).encode() + b"\0")
            _feed(digest, value[column])
        _feed(digest, value.index)
        _feed(digest, value.attrs)
    elif isinstance(value, (pd.Series, pd.Index)):
        digest.update(f"{type(value).__qualname__}\0{value.name!r}\0{value.dtype!r}\0".encode())
        if isinstance(value, pd.MultiIndex):
            digest.update(repr(value.names).encode())
            for level in range(value.nlevels):
                _feed(digest, value.get_level_values(level))
            return
        if isinstance(value.dtype, pd.CategoricalDtype):  # its repr may shorten a long list of categories
            digest.update(b"ordered%d" % value.dtype.ordered)
            _feed(digest, pd.Series(value.dtype.categories))
        if value.dtype == object:  # None and NaN, 1 and 1.0 hash alike: the types tell them apart
            digest.update(repr([type(item).__qualname__ for item in value]).encode())
        if isinstance(value, pd.Series):
            _feed(digest, value.index)
        try:
            digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes()
                          if len(value) else b"empty")
        except TypeError as error:  # unhashable cells (lists, dicts)
            raise Unkeyable(str(error)) from None
    elif isinstance(value, np.ndarray):
        digest.update(b"array" + value.dtype.str.encode() + repr(value.shape).encode())
        if value.dtype.hasobject:
            _feed(digest, value.ravel().tolist())
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        digest.update(b"dict%d" % len(value))
        for key in sorted(value, key=repr):
            digest.update(b"key" + repr(key).encode() + b"\0")
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(b"list%d" % len(value) if isinstance(value, list) else b"tuple%d" % len(value))
        for item in value:
            _feed(digest, item)
    else:
        raise Unkeyable(f"{type(value).__qualname__} cannot be part of a fingerprint")


def _is_file(value) -> bool:
    try:
        return Path(value).is_file()
    except (OSError, ValueError):
        return False
