"""Results on disk, keyed by their input, the code and the settings, so a stale result is never served.

Two kinds: each chunk of a per-article stage (analysis/pipeline.py; below), and
a notebook-level table (a permutation test, a bootstrap, keyness, similarity,
the validation table) through the `memoised` decorator (at the end).

A key is a SHA-256 over: the stage's name; a fingerprint of the package (its
version and every file under `analysis/`, code and data, so an edited rule or
lexicon changes it); the stage's options (a lexicon passed as a table or a file
is hashed by content); and the exact rows of the input chunk (every column).
Results are Parquet files named by their key, written whole or not at all
(`analysis.files.write_atomic`), so a reader never sees half a file.

Where: `$ANALYSIS_CACHE` if set (`off` turns caching off), else the user's cache
folder (`platformdirs.user_cache_dir("soleimani-framing")`). Never the corpus.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import os
import sys
import time
import warnings
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import analysis
from analysis.files import write_atomic

ENVIRONMENT = "ANALYSIS_CACHE"
APP = "soleimani-framing"


def cache_folder() -> Path | None:
    """The cache folder ($ANALYSIS_CACHE, else the user cache folder); None when $ANALYSIS_CACHE is "off"."""
    setting = os.environ.get(ENVIRONMENT, "").strip()
    if setting.lower() in ("off", "0", "false", "no"):
        return None
    if setting:
        return Path(setting).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP))


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The package version and a hash of every file of the package (code and shipped data)."""
    root = Path(analysis.__file__).resolve().parent
    digest = hashlib.sha256(analysis.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".json", ".txt"):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(value) -> str:
    """A stable hash of a value: tables by content (columns, dtypes, every cell), files by their bytes,
    containers element by element, anything else by its repr."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value) -> None:
    if isinstance(value, pd.DataFrame):
        digest.update(b"frame" + repr([(str(c), str(t)) for c, t in value.dtypes.items()]).encode())
        digest.update(row_hashes(value).tobytes())
    elif isinstance(value, (str, Path)) and _is_file(value):
        digest.update(b"file" + Path(value).read_bytes())
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            digest.update(b"key" + str(key).encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(b"seq%d" % len(value))
        for item in value:
            _feed(digest, item)
    else:
        digest.update(b"value" + repr(value).encode())


def _is_file(value) -> bool:
    try:
        return Path(value).is_file()
    except (OSError, ValueError):
        return False


def row_hashes(table: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row, over every column (pandas' hash_pandas_object; index left out)."""
    if table.empty:
        return np.zeros(0, dtype=np.uint64)
    return pd.util.hash_pandas_object(table, index=False).to_numpy()


def chunk_key(stage: str, options: str, chunk_rows: np.ndarray, columns: str) -> str:
    """The key of one chunk's result: stage, code, options and the chunk's row hashes."""
    digest = hashlib.sha256(f"{stage}\0{code_fingerprint()}\0{options}\0{columns}\0".encode())
    digest.update(chunk_rows.tobytes())
    return digest.hexdigest()


def read_result(folder: Path, stage: str, key: str) -> pd.DataFrame | None:
    """The stored result for `key`, or None."""
    path = folder / stage / f"{key}.parquet"
    if not path.is_file():
        return None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError):
        return None  # unreadable (another process's disk was full, a manual edit): recompute it


def write_result(folder: Path, stage: str, key: str, table: pd.DataFrame | bytes) -> Path:
    """Store a result (a table, or its Parquet bytes) whole or not at all (analysis.files.write_atomic);
    returns its path."""
    target = folder / stage / f"{key}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(table, pd.DataFrame):
        data = io.BytesIO()
        table.to_parquet(data, index=False)
        table = data.getvalue()
    write_atomic(target, table)
    return target


# --- Notebook-level results ------------------------------------------------------------------------------------

#: The cache's sub-folder for `memoised` results.
RESULTS = "results"
#: A result computed faster than this (seconds) is not stored: reading it back would cost about as much.
MIN_SECONDS = 0.2
#: Libraries whose version can change a result; their versions are part of a memoised result's key.
LIBRARIES = ("numpy", "pandas", "pyarrow", "scikit-learn", "scipy", "nltk", "vaderSentiment", "regex")
_SAID = "analysis.cache.warnings"  # attrs key under which a stored table keeps the warnings its call gave


class _Unkeyable(TypeError):
    """An argument the key cannot describe exactly (a function, a generator, any other object)."""


def memoised(function=None, *, depends_on=None):
    """Decorator: keep the table a function returns in the cache; a call with the same inputs reads it back.

    The key is a SHA-256 over the function's module and name, code_fingerprint(), Python's and LIBRARIES'
    versions, where the package and Python's environment are (a stored warning names their files), every
    argument with its default filled in (tables by content: column names, dtypes with their categories, index,
    every cell, attrs; arrays by their bytes; a str or Path naming a file by the file's bytes; numbers,
    strings, dates and containers of them by value) and, when given, `depends_on(**arguments)`: what else the
    function reads (a folder's files, passed as Paths so they are hashed by content).

    The call runs uncached, as if undecorated, when the cache is off (`ANALYSIS_CACHE=off`) or an argument is
    anything else (the key could not say whether it changed). A result is stored only when it is a DataFrame,
    took at least MIN_SECONDS, and reads back identical (dtypes, index, attrs, every cell: checked before it is
    written); seeded randomness stays seeded, so a stored result equals a computed one. The warnings the call
    gave are stored with it and given again, through the warning filters, each time it is read, so a notebook
    shows the same output either way. Not in the key: a module constant changed while the program runs
    (monkeypatched); an edit to any file of the package is.
    """
    if function is None:
        return functools.partial(memoised, depends_on=depends_on)
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        folder = cache_folder()
        key = None
        if folder is not None:
            try:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                key = memo_key(name, bound.arguments, depends_on(**bound.arguments) if depends_on else None)
            except (_Unkeyable, TypeError, OSError):  # a wrong call raises as it would undecorated
                key = None
        if key is None:
            return function(*args, **kwargs)
        stored = _read_memo(folder, key)
        if stored is not None:
            result, said = stored
        else:
            failed = None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")  # every warning, whatever this process filters: another may not
                started = time.perf_counter()
                try:
                    result = function(*args, **kwargs)
                except BaseException as error:
                    failed = error
                seconds = time.perf_counter() - started
            said = [{"category": f"{w.category.__module__}:{w.category.__qualname__}", "message": str(w.message),
                     "filename": w.filename, "lineno": w.lineno} for w in caught]
            if failed is not None:
                _say_again(said)
                raise failed
            if isinstance(result, pd.DataFrame) and seconds >= MIN_SECONDS:
                _write_memo(folder, key, result, said)
        _say_again(said)
        return result

    wrapper.__memoised__ = name
    return wrapper


def memo_key(name: str, arguments: dict, depends_on=None) -> str:
    """The key of a memoised call (see `memoised`); raises _Unkeyable for an argument it cannot describe exactly."""
    # Where the package and the libraries are installed too: a stored warning names their files.
    where = f"{Path(analysis.__file__).resolve().parent}\0{sys.prefix}"
    digest = hashlib.sha256(f"memo\0{name}\0{code_fingerprint()}\0{library_versions()!r}\0{where}\0".encode())
    _feed_exact(digest, arguments)
    _feed_exact(digest, depends_on)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """Python's version and each of LIBRARIES' ("" when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    found = [("python", sys.version)]
    for library in LIBRARIES:
        try:
            found.append((library, version(library)))
        except PackageNotFoundError:
            found.append((library, ""))
    return tuple(found)


def _feed_exact(digest, value) -> None:
    """Like _feed, but every value exactly, or _Unkeyable: two values that feed the same bytes are equal."""
    if value is None or isinstance(value, (bool, int, float, complex, bytes, np.generic,
                                           pd.Timestamp, pd.Timedelta, pd.Period, datetime, date, timedelta)):
        digest.update(b"value" + repr(value).encode() + b"\0")  # repr is exact for these (floats round-trip)
    elif isinstance(value, (str, Path)):
        digest.update(b"path" if isinstance(value, Path) else b"str")
        digest.update(str(value).encode() + b"\0")
        if _is_file(value):
            digest.update(b"file" + hashlib.sha256(Path(value).read_bytes()).digest())
    elif isinstance(value, pd.DataFrame):
        digest.update(b"frame%d" % value.shape[1])
        for column in value.columns:
            digest.update(repr(column).encode() + b"\0")
            _feed_exact(digest, value[column])
        _feed_exact(digest, value.index)
        _feed_exact(digest, value.attrs)
    elif isinstance(value, (pd.Series, pd.Index)):
        digest.update(f"{type(value).__qualname__}\0{value.name!r}\0{value.dtype!r}\0".encode())
        if isinstance(value, pd.MultiIndex):
            digest.update(repr(value.names).encode())
            for level in range(value.nlevels):
                _feed_exact(digest, value.get_level_values(level))
            return
        if isinstance(value.dtype, pd.CategoricalDtype):  # its repr may shorten a long list of categories
            digest.update(b"ordered%d" % value.dtype.ordered)
            _feed_exact(digest, pd.Series(value.dtype.categories))
        if value.dtype == object:  # None and NaN, 1 and 1.0 hash alike: the types tell them apart
            digest.update(repr([type(item).__qualname__ for item in value]).encode())
        if isinstance(value, pd.Series):
            _feed_exact(digest, value.index)
        try:
            digest.update(pd.util.hash_pandas_object(value, index=False).to_numpy().tobytes()
                          if len(value) else b"empty")
        except TypeError as error:  # unhashable cells (lists, dicts)
            raise _Unkeyable(str(error)) from None
    elif isinstance(value, np.ndarray):
        digest.update(b"array" + value.dtype.str.encode() + repr(value.shape).encode())
        if value.dtype.hasobject:
            _feed_exact(digest, value.ravel().tolist())
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, dict):
        digest.update(b"dict%d" % len(value))
        for key in sorted(value, key=repr):
            digest.update(b"key" + repr(key).encode() + b"\0")
            _feed_exact(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(b"list%d" % len(value) if isinstance(value, list) else b"tuple%d" % len(value))
        for item in value:
            _feed_exact(digest, item)
    else:
        raise _Unkeyable(f"{type(value).__qualname__} cannot be part of a cache key")


def _write_memo(folder: Path, key: str, result: pd.DataFrame, said: list[dict]) -> None:
    """Store a result with the warnings its call gave, if it reads back identical; else store nothing."""
    kept = result.copy(deep=False)
    kept.attrs = {**result.attrs, _SAID: said}
    data = io.BytesIO()
    try:
        kept.to_parquet(data)
        back = pd.read_parquet(io.BytesIO(data.getvalue()))
    except (TypeError, ValueError, ArithmeticError, ImportError, OSError, RuntimeError):
        return  # not storable as Parquet (column names that are not strings, cells of mixed types, ...)
    back.attrs.pop(_SAID, None)
    if _identical(result, back):
        write_result(folder, RESULTS, key, data.getvalue())


def _read_memo(folder: Path, key: str) -> tuple[pd.DataFrame, list[dict]] | None:
    result = read_result(folder, RESULTS, key)
    if result is None:
        return None
    said = result.attrs.pop(_SAID, None)
    if not isinstance(said, list) or not all(isinstance(w, dict) and _category(w.get("category")) for w in said):
        return None  # not one of ours, or a warning class that no longer exists: compute it again
    return result, said


def _identical(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same table in every respect a later step could see: column names and dtypes, index, attrs, every cell
    (and, in object columns, every cell's type)."""
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=True, check_index_type=True, check_column_type=True,
                                      check_categorical=True, check_flags=True, check_freq=True)
    except AssertionError:
        return False
    pairs = [(a[c], b[c]) for c in a.columns] + [(a.index, b.index), (a.columns.to_series(), b.columns.to_series())]
    return (a.attrs == b.attrs and type(a.index) is type(b.index) and type(a.columns) is type(b.columns)
            and all(repr(x.dtype) == repr(y.dtype) and (x.dtype != object or list(map(type, x)) == list(map(type, y)))
                    for x, y in pairs))


def _category(name) -> type | None:
    """The warning class named "module:qualname", or None."""
    if not isinstance(name, str) or ":" not in name:
        return None
    module, _, qualname = name.partition(":")
    try:
        found = __import__(module, fromlist=["_"])
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, type) and issubclass(found, Warning) else None


def _say_again(said: list[dict]) -> None:
    """Give stored warnings again as the call gave them: same class, text, file and line, through this process's
    filters and the registry of the module they came from (so "default" still says each once)."""
    if not said:
        return
    modules = {getattr(module, "__file__", None): module for module in list(sys.modules.values())}
    for warning in said:
        module = modules.get(warning["filename"])
        registry = vars(module).setdefault("__warningregistry__", {}) if module is not None else None
        warnings.warn_explicit(warning["message"], _category(warning["category"]), warning["filename"],
                               warning["lineno"], module=getattr(module, "__name__", None), registry=registry)
