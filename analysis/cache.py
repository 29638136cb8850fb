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
(`analysis.files.write_atomic`), so a reader never sees half a file. Each is sealed: a Parquet key-value
entry (SEAL) holds its key and the SHA-256 of the file's bytes (its own digest counted as zeros), checked
before the file is parsed. A file that fails (another key's, as a copy or a sync tool can leave it; a changed
byte; not sealed, as a file of an older version) is a miss: computed again, stored anew, and said once per
folder and stage in a process (DamagedCache). The files stay plain Parquet, so a processed corpus's folder
still reads as one table elsewhere.

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
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa  # loaded by pandas already (its str dtype)

import analysis
from analysis.files import file_fault, write_atomic
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


#: The Parquet key-value entry that seals a stored result: b"<key> sha256:<64 hex digits>".
SEAL = b"analysis.cache.seal"
_BLANK = b"0" * 64  # the digest as it is counted in itself


class DamagedCache(UserWarning):
    """A stored result failed its check (another key's, a changed byte, unreadable) and was computed again."""


#: (folder, what) pairs already said in this process: a damaged folder is said once, not once per file.
_reported: set[tuple[str, str]] = set()


def read_result(folder: Path, stage: str, key: str, *, what: str | None = None) -> pd.DataFrame | None:
    """The stored result for `key`, or None: when there is none, and when it fails its seal (said once per
    folder and stage, DamagedCache), so the caller computes it again and stores it anew.

    Parameters
    ----------
    folder : the cache folder (or a processed corpus's folder).
    stage : its sub-folder: a stage's name, or RESULTS.
    key : the result's key (chunk_key, memo_key); the file must hold this key and its checksum.
    what : what the result is of, for the warning (default: the stage).
    """
    path = folder / stage / f"{key}.parquet"
    if not path.is_file():
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return _damaged(path, "unreadable", what or stage)
    wrong = unsealed(data, key)
    if wrong:
        return _damaged(path, wrong, what or stage)
    try:
        return pd.read_parquet(io.BytesIO(data))
    except (OSError, ValueError):  # sealed but not Parquet: not one of ours
        return _damaged(path, "not Parquet", what or stage)


def read_part(path: Path, data: bytes | None = None) -> pd.DataFrame:
    """One part of a processed corpus (written by write_result, named by its key), its seal checked first: a
    damaged part is refused in one line, since a processed folder, unlike the cache, cannot compute it again.
    A part without a seal was written before parts were sealed, or damaged: either way, refused.

    Parameters
    ----------
    path : the part's file (its name is its key).
    data : its bytes, read already (analysis.corpus.load.checked_part checks that the part is a regular file
        inside its folder first); None reads them from `path`.
    """
    if data is None:
        data = path.read_bytes()
    wrong = unsealed(data, path.stem)
    if wrong == "not sealed":
        raise ValueError(f"{path}: this part of a processed corpus is not sealed: written by an older version of "
                         "the package, or damaged; run process_corpus again to write the folder anew")
    if wrong:
        raise ValueError(f"{path}: this part of a processed corpus is damaged ({wrong}); run process_corpus again "
                         "to write the folder anew")
    return pd.read_parquet(io.BytesIO(data))


def write_result(folder: Path, stage: str, key: str, table: pd.DataFrame | pa.Table | bytes) -> Path:
    """Store a result sealed with its key (`sealed`), whole or not at all (analysis.files.write_atomic).

    Parameters
    ----------
    folder : the cache folder (or a processed corpus's folder).
    stage : its sub-folder: a stage's name, or RESULTS.
    key : the result's key, which names the file.
    table : the result: a table (stored without its index), an Arrow table, or Parquet bytes.

    Returns
    -------
    The file's path.
    """
    return _store(folder, stage, key, sealed(key, table))


def _store(folder: Path, stage: str, key: str, data: bytes) -> Path:
    target = folder / stage / f"{key}.parquet"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # a read-only or full cache folder: one line naming it (ANALYSIS_CACHE moves it)
        raise file_fault(error, target.parent) from None
    write_atomic(target, data)
    return target


def sealed(key: str, table: pd.DataFrame | pa.Table | bytes) -> bytes:
    """A result's Parquet bytes with the seal read_result checks: SEAL holds `key` and the SHA-256 of these bytes
    (with the digest's own 64 digits counted as zeros), so any changed byte or another key's file fails.

    Parameters
    ----------
    key : the result's key.
    table : the result: a table (written without its index), an Arrow table, or Parquet bytes.

    Returns
    -------
    The file's bytes: plain Parquet, the seal one more key-value entry of its schema.
    """
    import pyarrow.parquet as pq  # here, not at import: the runner imports this module and never writes Parquet

    if isinstance(table, pd.DataFrame):
        written = io.BytesIO()
        table.to_parquet(written, index=False)
        table = written.getvalue()
    if isinstance(table, bytes):  # read back as Arrow, not pandas: the same schema and metadata, written again
        table = pq.read_table(pa.BufferReader(table))
    label = _label(key)
    sink = pa.BufferOutputStream()
    pq.write_table(table.replace_schema_metadata({**(table.schema.metadata or {}), SEAL: label + _BLANK}), sink)
    data = sink.getvalue().to_pybytes()
    start = data.rindex(label) + len(label)  # the footer's entry: after every row's bytes and statistics
    return data[:start] + hashlib.sha256(data).hexdigest().encode() + data[start + len(_BLANK):]


def unsealed(data: bytes, key: str) -> str | None:
    """Why `data` is not key's sealed result ("another key's result", "checksum mismatch", "not sealed"), or None
    when it is. Read before any parsing: a flipped bit anywhere in the file fails the checksum, a swapped file the
    key.

    Parameters
    ----------
    data : a stored file's bytes.
    key : the key it is stored under.
    """
    label = _label(key)
    start = data.rfind(label)
    if start < 0:
        return "another key's result" if SEAL in data else "not sealed"
    start += len(label)
    digest = hashlib.sha256(memoryview(data)[:start])
    digest.update(_BLANK)
    digest.update(memoryview(data)[start + len(_BLANK):])
    return None if digest.hexdigest().encode() == data[start:start + len(_BLANK)] else "checksum mismatch"


def _label(key: str) -> bytes:
    # A space and a colon: never in ARROW:schema's base64, so the seal's text appears once, in its own entry.
    return f"{key} sha256:".encode()


def _damaged(path: Path, reason: str, what: str) -> None:
    """Say (once per folder and `what` in this process) that a stored result is not served; None, a miss."""
    said = (str(path.parent), what)
    if said not in _reported:
        _reported.add(said)
        warnings.warn(f"cache: a damaged result of {what} in {path.parent} ({path.name}: {reason}) was computed "
                      f"again; any more there are replaced without another warning", DamagedCache, stacklevel=3)
    return None


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
    shows the same output either way. The stored file, warnings included, is sealed as a chunk's is (read_result):
    a damaged one is computed again. Not in the key: a module constant changed while the program runs
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
        stored = _read_memo(folder, key, name)
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
            said = _said(caught)
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
        kept.to_parquet(data)  # with its index, unlike a chunk's result
        data = sealed(key, data.getvalue())
        back = pd.read_parquet(io.BytesIO(data))
    except (TypeError, ValueError, ArithmeticError, ImportError, OSError, RuntimeError):
        return  # not storable as Parquet (column names that are not strings, cells of mixed types, ...)
    back.attrs.pop(_SAID, None)
    if _identical(result, back):
        _store(folder, RESULTS, key, data)


def _read_memo(folder: Path, key: str, name: str) -> tuple[pd.DataFrame, list[dict]] | None:
    """The stored result and the warnings its call gave (both under the seal), or None."""
    result = read_result(folder, RESULTS, key, what=name)
    if result is None:
        return None
    said = result.attrs.pop(_SAID, None)
    if not isinstance(said, list) or not all(isinstance(w, dict) and _category(w.get("category")) for w in said):
        return None  # not one of ours, or a warning class that no longer exists: compute it again
    return result, said


def _said(caught: list) -> list[dict]:
    """The warnings a call gave, as stored with its result; a damaged cache found inside the call is said now
    instead, not kept (it would be said again at each read of a result that is sound)."""
    for w in caught:
        if issubclass(w.category, DamagedCache):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return [{"category": f"{w.category.__module__}:{w.category.__qualname__}", "message": str(w.message),
             "filename": w.filename, "lineno": w.lineno} for w in caught if not issubclass(w.category, DamagedCache)]


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
