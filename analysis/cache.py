"""Results on disk, keyed by their input, the code and the settings, so a stale result is never served.

Two kinds: each chunk of a per-article stage (analysis/pipeline.py; below), and
a notebook-level table (a permutation test, a bootstrap, keyness, similarity,
the validation table) through the `memoised` decorator (at the end).

A key is a fingerprint (analysis/provenance.py) of: the stage's name; the
package's (its version and every file under `analysis/`, code and data, so an
edited rule or lexicon changes it); the stage's options (a lexicon passed as a
table or a file is hashed by content); and the exact rows of the input chunk
(every column).
Results are Parquet files named by their key, written whole or not at all
(`analysis.files.write_atomic`), so a reader never sees half a file.

Where: `$ANALYSIS_CACHE` if set (`off` turns caching off), else the user's cache
folder (`platformdirs.user_cache_dir("soleimani-framing")`). Never the corpus.
"""

from __future__ import annotations

import functools
import inspect
import io
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import analysis
from analysis.files import write_atomic
from analysis.provenance import Unkeyable, code_fingerprint, fingerprint, library_versions, row_hashes

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


def chunk_key(stage: str, options: str, chunk_rows: np.ndarray, columns: str) -> str:
    """The key of one chunk's result: stage, code, options, the input's columns and the chunk's row hashes."""
    return fingerprint((f"chunk\0{stage}\0{code_fingerprint()}\0{options}\0{columns}".encode(), chunk_rows))


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
_SAID = "analysis.cache.warnings"  # attrs key under which a stored table keeps the warnings its call gave


def memoised(function=None, *, depends_on=None):
    """Decorator: keep the table a function returns in the cache; a call with the same inputs reads it back.

    The key is analysis.provenance.fingerprint over the function's module and name, code_fingerprint(), the
    library versions, where the package and Python's environment are (a stored warning names their files), every
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
            except (Unkeyable, TypeError, OSError):  # a wrong call raises as it would undecorated
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
    """The key of a memoised call (see `memoised`); raises Unkeyable for an argument it cannot describe exactly."""
    # Where the package and the libraries are installed too: a stored warning names their files.
    where = f"{Path(analysis.__file__).resolve().parent}\0{sys.prefix}"
    return fingerprint((f"memo\0{name}\0{code_fingerprint()}\0{where}".encode(), library_versions(), arguments,
                        depends_on))


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
