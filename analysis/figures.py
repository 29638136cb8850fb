"""Save figures with their numbers and provenance; the only module that writes images.

`save_figure(fig, name)` writes `<out>/<name>.png` and `.svg`, the plotted
numbers as `<name>.csv`, and an entry in `<out>/manifest.json` with the
caption, the notebook, checksums of the files, a fingerprint of the corpus and
of the shipped lexicons, and the versions of the libraries. Re-running on the
same input produces byte-identical files.

Nothing is ever half-written: every file is rendered in memory, written to a
hidden temporary file in the same folder (`.<name>.<pid>-<random>.tmp`),
flushed to disk and renamed over the old one (`write_atomic`), and the
manifest is rewritten whole. Writers of one folder take its lock
(`output_lock`, the file `.analysis.lock`); `python -m analysis run` holds it
for the whole run and its notebook kernels write under it (see `output_lock`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from analysis.files import TEMPORARY, write_atomic
from analysis.paths import DATA_DIR, ENV_KERNELS_LOCK, ENV_LOCKED, PROJECT_DIR
from analysis.plots.style import house_style
from analysis.settings import Settings, current_settings

PNG_DPI = 150
FLOAT_FORMAT = "%.6g"  # six significant digits: enough for any figure, stable across platforms
SVG_HASHSALT = "soleimani-framing"
MANIFEST = "manifest.json"
REPORTS = "reports"  # executed notebooks as HTML, in this folder of the output folder
LOCK = ".analysis.lock"  # in the output folder; hidden, so that no one takes it for an output
LOCK_TIMEOUT = 10.0  # seconds a writer waits for another one to release the folder
LONG_TABLE = 40  # rows; a longer LaTeX table breaks across pages
DISTRIBUTION = "soleimani-framing"
#: What `import analysis` and the notebooks run on: pyproject.toml's dependencies (a test keeps the two in step).
RUNTIME_DEPENDENCIES = (
    "pandas", "numpy", "matplotlib", "nltk", "vaderSentiment", "scikit-learn", "pyarrow",
    "nbclient", "nbformat", "nbconvert", "traitlets", "ipykernel", "ipython", "tabulate", "Jinja2",
    "tqdm", "platformdirs", "filelock", "dask", "distributed", "regex",
    "openpyxl",  # the coding sheets' XLSX (analysis/sheets.py)
    "krippendorff",  # agreement between hand coders (analysis/measures/agreement.py)
    "scipy",  # t quantiles and false discovery control of the corrected estimates (analysis/measures/corrected.py)
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
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    with house_style({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(svg, format="svg", metadata={"Date": None})
    files = {f"{name}.png": png.getvalue(), f"{name}.svg": svg.getvalue()}
    if data is not None:
        files[f"{name}.csv"] = _csv(data)
    return _save(name, files, caption, settings)


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
    latex = table.to_latex(index=False, escape=True, float_format=FLOAT_FORMAT.__mod__,
                           longtable=len(table) > LONG_TABLE, caption=_latex_text(caption or name), label=f"tab:{name}")
    files = {f"{name}.csv": _csv(table), f"{name}.md": (_markdown(table) + "\n").encode("utf-8"),
             f"{name}.tex": latex.encode("utf-8")}
    return _save(name, files, caption, settings)[0]


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
    parquet = io.BytesIO()
    table.to_parquet(parquet, index=False)
    files = {f"{name}.csv": _csv(table), f"{name}.parquet": parquet.getvalue(),
             f"{name}-dictionary.csv": _csv(dictionary, float_format=None),
             f"{name}-dictionary.md": (_markdown(dictionary) + "\n").encode("utf-8")}
    return _save(name, files, caption, settings)


def save_coding_sheets(samples: dict[str, pd.DataFrame], *, name: str, settings: Settings | None = None) -> pd.DataFrame:
    """Write each sample's coding sheet into the output folder (`<name>-<measure>.csv`, `.xlsx` and
    `-codebook.md`, see analysis.sheets) and record them in the manifest.

    Parameters
    ----------
    samples : {measure: sample_for_coding's table}.
    name : the files' common stem, e.g. "07-coding".
    settings : as for save_figure.

    Returns one row per measure: `measure`, `units` (to code) and `files` (the sheet's file names).
    """
    from analysis.sheets import coding_sheet_files

    rows = []
    for measure, sample in samples.items():
        if sample.empty:  # nothing to code: no sheet, and the table says so
            rows.append({"measure": measure, "units": 0, "files": "none: no units to code in this corpus"})
            continue
        stem = f"{name}-{measure}"
        _check_name(stem)
        files = coding_sheet_files(sample, stem, measure=measure)
        _refuse_to_overwrite_coded(files, settings)
        caption = (f"Coding sheet for {measure}: {len(sample)} units drawn at random (stratified by group, seeded), "
                   "without the measure's verdict or the group; with its codebook.")
        _save(stem, files, caption, settings)
        rows.append({"measure": measure, "units": len(sample), "files": ", ".join(files)})
    return pd.DataFrame(rows, columns=["measure", "units", "files"])


def _refuse_to_overwrite_coded(files: dict[str, bytes], settings: Settings | None) -> None:
    """A ValueError when a sheet in the output folder is not as the manifest says it was written: a coder filled it
    in place, and writing the blank sheet again would lose the codes."""
    out = Path((settings or current_settings()).out)
    written = {file: digest for entry in read_manifest(out).values() for file, digest in entry.get("files", {}).items()}
    for file in files:
        path = out / file
        if path.is_file() and written.get(file) != _sha256(path.read_bytes()):
            raise ValueError(f"{file} in the output folder was changed since it was written (coded in place?): move "
                             "it out of the output folder, e.g. to codes/, and run again with --codes codes/; "
                             "the blank sheets are written again on every run")


def _csv(table: pd.DataFrame, float_format: str | None = FLOAT_FORMAT) -> bytes:
    return table.to_csv(index=False, lineterminator="\n", float_format=float_format).encode("utf-8")


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
    html, _ = HTMLExporter().from_notebook_node(notebook)
    text = io.StringIO()
    nbformat.write(notebook, text)
    with output_lock(settings.out):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, html.encode("utf-8"))
        write_atomic(path.with_suffix(".ipynb"), text.getvalue().encode("utf-8"))
    return path


def _check_name(name: str) -> None:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise ValueError(f"figure name {name!r}: use letters, digits, '-' and '_' only")


def _save(name: str, files: dict[str, bytes], caption: str | None, settings: Settings | None) -> list[Path]:
    """Write one manifest entry's files (name -> bytes, rendered beforehand) and the entry, under the folder's lock."""
    settings = settings or current_settings()
    out = Path(settings.out)
    entry = {
        "caption": caption or "",
        "notebook": settings.notebook or "",
        "files": {file: _sha256(data) for file, data in files.items()},
        "corpus": corpus_record(settings),
        "code": code_version(),
        "lexicons": lexicon_fingerprints(),
        "versions": library_versions(),
    }
    with output_lock(out):
        manifest = read_manifest(out)
        if name in manifest and manifest[name].get("files") != entry["files"]:
            # Withdraw the entry before its files change: a kill in between then leaves files the
            # manifest does not list, never files whose checksums contradict it.
            del manifest[name]
            _write_manifest(out, manifest)
        for file, data in files.items():
            write_atomic(out / file, data)
        manifest[name] = entry
        _write_manifest(out, manifest)
    return [out / file for file in files]


def corpus_record(settings: Settings) -> dict[str, object]:
    """How the manifest describes the corpus behind an output: path, column mapping, group and fingerprint."""
    return {
        "path": _display_path(settings.corpus),
        "columns": settings.columns,
        "group": settings.group,
        "fingerprint": corpus_fingerprint(settings.corpus),
    }


def read_manifest(out: str | Path) -> dict[str, dict]:
    """The manifest of an output folder ({} when there is none); ValueError when it is not valid JSON."""
    path = Path(out) / MANIFEST
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ValueError(f"{path} is not valid JSON ({error})") from None


def _write_manifest(out: Path, manifest: dict) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    write_atomic(out / MANIFEST, text.encode("utf-8"))


class OutputBusy(RuntimeError):
    """Another process writes into the output folder; the message names the folder and, where known, the holder."""


@contextmanager
def output_lock(out: str | Path, *, timeout: float = LOCK_TIMEOUT,
                on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock on an output folder: one writer at a time, across processes; re-entrant within one.

    `python -m analysis run` holds it for its whole run and passes `$ANALYSIS_OUT_LOCKED` ("pid:folder")
    to the notebook kernels it starts, which then write without taking it (they would wait for their own
    parent); two kernels of the run write in turn, under the lock file `$ANALYSIS_KERNELS_LOCK` outside the
    folder. A kernel whose run has died (its parent is no longer that pid) writes nothing more.

    Parameters
    ----------
    out : the output folder (created if missing).
    timeout : seconds to wait for another holder before giving up.
    on_wait : called with the holder's description when the lock is taken and we start waiting.

    Raises OutputBusy naming the folder and the holder when the wait times out.
    """
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    pid, _, folder = os.environ.get(ENV_LOCKED, "").partition(":")
    if folder and Path(folder) == out and pid != str(os.getpid()):
        if pid != str(os.getppid()):
            raise OutputBusy(f"{out}: the run that started this kernel (pid {pid}) has ended; nothing more is written")
        shared = os.environ.get(ENV_KERNELS_LOCK)
        if not shared:
            yield
            return
        # The run's other kernel may be writing into the same manifest: one at a time.
        kernels = FileLock(shared, is_singleton=True)
        try:
            kernels.acquire(timeout=timeout)
        except Timeout:
            raise OutputBusy(f"{out}: another notebook of this run kept writing for {timeout:g} s") from None
        try:
            yield
        finally:
            kernels.release()
        return
    # One lock object per folder in a process (is_singleton), so that nested holders count instead of deadlocking.
    lock = FileLock(out / LOCK, is_singleton=True, on_acquired=_note_holder)
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if on_wait is not None:
            on_wait(_holder(out))
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise OutputBusy(f"{out} is in use by {_holder(out)}; waited {timeout:g} s") from None
    try:
        yield
    finally:
        lock.release()


def _note_holder(descriptor: int) -> None:
    """Write who holds the lock into the lock file, for the message of whoever waits for it."""
    note = f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%Y-%m-%d %H:%M:%S')}"
    os.ftruncate(descriptor, 0)
    os.lseek(descriptor, 0, os.SEEK_SET)
    os.write(descriptor, note.encode("utf-8"))


def _holder(out: Path) -> str:
    try:
        return (out / LOCK).read_text(encoding="utf-8", errors="replace").strip() or "another process"
    except OSError:
        return "another process"


def remove_temporaries(out: str | Path) -> list[Path]:
    """Delete the temporary files interrupted writers left in `out` and its reports/; call it holding the lock.

    Returns the paths removed.
    """
    out = Path(out)
    stale = sorted(path for folder in (out, out / REPORTS) if folder.is_dir()
                   for path in folder.glob(f".*{TEMPORARY}") if path.is_file())
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


def clear_outputs(out: str | Path, manifest: dict[str, dict], *, reports: tuple[str, ...] = ()) -> list[Path]:
    """Delete what earlier runs wrote into `out`: the files its manifest lists, the named notebooks' reports,
    then the manifest; nothing else. Call it holding the lock.

    Parameters
    ----------
    out : the output folder.
    manifest : its manifest (read_manifest), or {} when it could not be read.
    reports : notebook names ("01-corpus") whose `reports/<name>.html` and `.ipynb` go too.

    Returns the paths removed.
    """
    out = Path(out)
    listed = {file for entry in manifest.values() for file in entry.get("files", {})}
    # Only plain file names: an edited manifest must not reach out of the folder.
    paths = [out / file for file in sorted(listed) if Path(file).name == file and not file.startswith(".")]
    paths += [out / REPORTS / f"{name}{suffix}" for name in reports for suffix in (".html", ".ipynb")]
    paths.append(out / MANIFEST)  # last: until the files are gone, the manifest still says whose they were
    removed = [path for path in paths if path.is_file()]
    for path in removed:
        path.unlink()
    return removed


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
