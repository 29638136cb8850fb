"""Save figures with their numbers and provenance; the only module that writes images.

`save_figure(fig, name)` writes `<out>/<name>.png` and `.svg`, the plotted
numbers as `<name>.csv`, and an entry in `<out>/manifest.json` with the
caption, the notebook, checksums of the files, a fingerprint of the corpus and
of the shipped lexicons, and the versions of the libraries. Re-running on the
same input produces byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import matplotlib
import pandas as pd

from analysis.paths import DATA_DIR, PROJECT_DIR
from analysis.settings import current_settings

PNG_DPI = 150
FLOAT_FORMAT = "%.6g"  # six significant digits: enough for any figure, stable across platforms
SVG_HASHSALT = "soleimani-framing"
MANIFEST = "manifest.json"
LIBRARIES = ("pandas", "numpy", "matplotlib", "nltk", "vaderSentiment")
DISTRIBUTION = "soleimani-framing"


def save_figure(fig, name: str, *, data: pd.DataFrame | None = None, caption: str | None = None) -> list[Path]:
    """Write the figure as PNG and SVG, its numbers as CSV, and record it in the manifest.

    Parameters
    ----------
    fig : a matplotlib Figure.
    name : file stem, e.g. "01-corpus-removed-lines" (letters, digits, '-', '_').
    data : the numbers the figure plots; saved as `<name>.csv`.
    caption : one or two sentences a reader can cite with the figure.

    Returns the paths written (PNG, SVG, then CSV if `data` was given).
    """
    _check_name(name)
    settings = current_settings()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=PNG_DPI, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(paths[1], metadata={"Date": None})
    if data is not None:
        paths.append(out / f"{name}.csv")
        data.to_csv(paths[2], index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    _record(out, name, paths, caption, settings)
    return paths


def save_table(table: pd.DataFrame, name: str, *, caption: str | None = None) -> Path:
    """Write a table the notebook shows (e.g. KWIC lines) as `<out>/<name>.csv` and record it in the manifest."""
    _check_name(name)
    settings = current_settings()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    table.to_csv(path, index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    _record(out, name, [path], caption, settings)
    return path


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '-' and '_' only")


def _record(out: Path, name: str, paths: list[Path], caption: str | None, settings) -> None:
    manifest_path = out / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    manifest[name] = {
        "caption": caption or "",
        "notebook": settings.notebook or "",
        "files": {path.name: _sha256(path.read_bytes()) for path in paths},
        "corpus": {
            "path": _display_path(settings.corpus),
            "columns": settings.columns,
            "group": settings.group,
            "fingerprint": corpus_fingerprint(str(Path(settings.corpus).resolve())),
        },
        "lexicons": lexicon_fingerprints(),
        "versions": library_versions(),
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    manifest_path.write_text(text, encoding="utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _display_path(path: Path) -> str:
    resolved = Path(path).resolve()
    return resolved.relative_to(PROJECT_DIR).as_posix() if resolved.is_relative_to(PROJECT_DIR) else str(path)


@lru_cache(maxsize=8)
def corpus_fingerprint(path: str) -> str:
    """SHA-256 over the corpus's files (relative names and contents), in sorted order."""
    root = Path(path)
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    digest = hashlib.sha256()
    for file in files:
        relative = file.relative_to(root).as_posix() if root.is_dir() else file.name
        digest.update(relative.encode("utf-8") + b"\0" + _sha256(file.read_bytes()).encode("ascii") + b"\n")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def lexicon_fingerprints() -> dict[str, str]:
    """SHA-256 of every data file the package ships (lexicons, rules, tokenizer parameters)."""
    return {
        path.name: _sha256(path.read_bytes())
        for path in sorted(DATA_DIR.iterdir())
        if path.is_file() and path.suffix in (".csv", ".json", ".txt")
    }


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of Python, this package and the libraries behind the numbers."""
    versions = {"python": platform.python_version()}
    for library in ("analysis", *LIBRARIES):
        try:
            versions[library] = metadata.version(DISTRIBUTION if library == "analysis" else library)
        except metadata.PackageNotFoundError:
            versions[library] = "not installed"
    return versions
