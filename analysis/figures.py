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
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from analysis.paths import DATA_DIR, PROJECT_DIR
from analysis.plots.style import house_style
from analysis.settings import Settings, current_settings

PNG_DPI = 150
FLOAT_FORMAT = "%.6g"  # six significant digits: enough for any figure, stable across platforms
SVG_HASHSALT = "soleimani-framing"
MANIFEST = "manifest.json"
REPORTS = "reports"  # executed notebooks as HTML, in this folder of the output folder
LONG_TABLE = 40  # rows; a longer LaTeX table breaks across pages
DISTRIBUTION = "soleimani-framing"
#: What `import analysis` and the notebooks run on: pyproject.toml's dependencies (a test keeps the two in step).
RUNTIME_DEPENDENCIES = (
    "pandas", "numpy", "matplotlib", "nltk", "vaderSentiment", "scikit-learn", "pyarrow",
    "nbclient", "nbformat", "nbconvert", "traitlets", "ipykernel", "ipython", "tabulate", "Jinja2",
    "tqdm", "platformdirs", "filelock", "dask", "distributed",
)
#: The files whose state decides the figures: the package, the notebooks and the pins.
CODE_PATHS = ("analysis", "notebooks", "requirements.txt", "constraints.txt", "pyproject.toml")


def save_figure(
    fig,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    caption: str | None = None,
    settings: Settings | None = None,
) -> list[Path]:
    """Write the figure as PNG and SVG, its numbers as CSV, and record it in the manifest.

    Parameters
    ----------
    fig : a matplotlib Figure.
    name : file stem, e.g. "01-corpus-removed-lines" (letters, digits, '-', '_').
    data : the numbers the figure plots; saved as `<name>.csv`.
    caption : one or two sentences a reader can cite with the figure.
    settings : the notebook's settings (output folder, corpus, group); default the
        ones `configure` last set, else the environment's.

    Returns the paths written (PNG, SVG, then CSV if `data` was given).
    """
    _check_name(name)
    settings = settings or current_settings()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=PNG_DPI, metadata={"Software": None})
    with house_style({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(paths[1], metadata={"Date": None})
    if data is not None:
        paths.append(out / f"{name}.csv")
        data.to_csv(paths[2], index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    _record(out, name, paths, caption, settings)
    return paths


def save_table(table: pd.DataFrame, name: str, *, caption: str | None = None, settings: Settings | None = None) -> Path:
    """Write a table the notebook shows (e.g. KWIC lines) as `<out>/<name>.csv`, `.md` and `.tex`; record it in the manifest.

    The Markdown (GitHub pipes, via tabulate) and LaTeX (booktabs, a longtable past
    LONG_TABLE rows) copies are pandas' own writers, ready to paste into a paper.

    Parameters
    ----------
    table : the rows to save.
    name : file stem (letters, digits, '-', '_').
    caption : what the table holds, for the manifest and the LaTeX caption.
    settings : as for save_figure.

    Returns the path of the CSV.
    """
    _check_name(name)
    settings = settings or current_settings()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.csv", out / f"{name}.md", out / f"{name}.tex"]
    table.to_csv(paths[0], index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    paths[1].write_text(_markdown(table) + "\n", encoding="utf-8")
    paths[2].write_text(table.to_latex(index=False, escape=True, float_format=FLOAT_FORMAT.__mod__,
                                       longtable=len(table) > LONG_TABLE, caption=_latex_text(caption or name),
                                       label=f"tab:{name}"),
                        encoding="utf-8")
    _record(out, name, paths, caption, settings)
    return paths[0]


def save_measures(table: pd.DataFrame, name: str, *, dictionary: pd.DataFrame, caption: str | None = None,
                  settings: Settings | None = None) -> list[Path]:
    """Write a table of measures for R, Stata or pandas: `<name>.csv`, `<name>.parquet` and its data dictionary
    `<name>-dictionary.csv` (and `.md`); record them in the manifest.

    Parameters
    ----------
    table : one row per article (article_measures).
    name : file stem (letters, digits, '-', '_').
    dictionary : what each column is (measure_dictionary): `column`, `unit`, `how`.
    caption : what the table holds, for the manifest.
    settings : as for save_figure.

    Returns the paths written.
    """
    _check_name(name)
    missing = sorted(set(table.columns) - set(dictionary["column"]))
    if missing:
        raise ValueError(f"save_measures: the dictionary does not describe column(s) {missing}")
    settings = settings or current_settings()
    out = Path(settings.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.csv", out / f"{name}.parquet", out / f"{name}-dictionary.csv", out / f"{name}-dictionary.md"]
    table.to_csv(paths[0], index=False, lineterminator="\n", float_format=FLOAT_FORMAT)
    table.to_parquet(paths[1], index=False)
    dictionary.to_csv(paths[2], index=False, lineterminator="\n")
    paths[3].write_text(_markdown(dictionary) + "\n", encoding="utf-8")
    _record(out, name, paths, caption, settings)
    return paths


def _markdown(table: pd.DataFrame) -> str:
    """A pipe table; a '|' inside a cell is escaped so it cannot split the row."""
    escaped = table.apply(lambda column: column.str.replace("|", "\\|", regex=False)
                          if pd.api.types.is_string_dtype(column) else column)
    return escaped.to_markdown(index=False, floatfmt=".6g") if len(table.columns) else ""


def _latex_text(text: str) -> str:
    """Text with LaTeX's special characters escaped (pandas escapes the cells, not the caption)."""
    special = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
               "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(special.get(character, character) for character in text)


def save_report(notebook, name: str, *, settings: Settings | None = None) -> Path:
    """Keep an executed notebook: `<out>/reports/<name>.html` (self-contained, figures embedded) and `<name>.ipynb`.

    Parameters
    ----------
    notebook : an executed nbformat NotebookNode.
    name : file stem, the notebook's name ("01-corpus").
    settings : as for save_figure.

    Returns the path of the HTML.
    """
    import nbformat  # with nbconvert, a second and more to import; only the run command writes reports
    from nbconvert import HTMLExporter

    _check_name(name)
    settings = settings or current_settings()
    path = Path(settings.out) / REPORTS / f"{name}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    html, _ = HTMLExporter().from_notebook_node(notebook)
    path.write_text(html, encoding="utf-8")
    nbformat.write(notebook, path.with_suffix(".ipynb"))
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
            "fingerprint": corpus_fingerprint(settings.corpus),
        },
        "code": code_version(),
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


def corpus_fingerprint(path: str | Path) -> str:
    """SHA-256 over the corpus's files (relative names and contents), in sorted order.

    It follows the content: edit a file in a live session and the next figure
    records the new fingerprint. Files are hashed again only when their size or
    modification time changed.
    """
    root = Path(path).resolve()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    digest = hashlib.sha256()
    for file in files:
        relative = file.relative_to(root).as_posix() if root.is_dir() else file.name
        stat = file.stat()
        digest.update(relative.encode("utf-8") + b"\0" + _file_digest(str(file), stat.st_size, stat.st_mtime_ns).encode("ascii") + b"\n")
    return digest.hexdigest()


@lru_cache(maxsize=65536)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    """SHA-256 of a file, cached by its path, size and modification time (a changed file is read again)."""
    return _sha256(Path(path).read_bytes())


def code_version() -> dict[str, object]:
    """The commit that last changed the package, notebooks or pins, and whether they differ from it now.

    `commit` is empty outside a git checkout; `modified` is true when files under
    CODE_PATHS have uncommitted changes or are new, so a figure made from edited code says so.
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
    """SHA-256 of every data file the package ships (lexicons, rules, tokenizer parameters)."""
    return {
        path.name: _sha256(path.read_bytes())
        for path in sorted(DATA_DIR.iterdir())
        if path.is_file() and path.suffix in (".csv", ".json", ".txt")
    }


@lru_cache(maxsize=1)
def library_versions() -> dict[str, str]:
    """Versions of Python, this package and every runtime dependency."""
    versions = {"python": platform.python_version()}
    for library in ("analysis", *RUNTIME_DEPENDENCIES):
        try:
            versions[library] = metadata.version(DISTRIBUTION if library == "analysis" else library)
        except metadata.PackageNotFoundError:
            versions[library] = "not installed"
    return versions
