"""Per-chunk results on disk, keyed by their input, the code and the settings, so a stale result is never served.

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

import hashlib
import io
import os
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


def write_result(folder: Path, stage: str, key: str, table: pd.DataFrame) -> Path:
    """Store a result whole or not at all (analysis.files.write_atomic); returns its path."""
    target = folder / stage / f"{key}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    table.to_parquet(data, index=False)
    write_atomic(target, data.getvalue())
    return target
