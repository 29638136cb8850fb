"""Execute the numbered notebooks headless, two at a time, with the settings passed through the environment.

`run_all` checks the settings before it starts a kernel (the corpus loads, the
group column exists, another corpus is not written into the project's
figures/), takes the output folder's lock for the whole run (its kernels write
under it: see analysis/output.py), refuses to mix corpora in one
folder unless forced, prints one progress line per notebook, keeps each
executed notebook as HTML in `<out>/reports/` (in the notebooks' order), and ends
with the corpus warnings.

These checks come first, with the command line's advice (--out, --force); the
output folder (analysis/output.py) makes the same refusals on every write, so a
notebook run any other way (nbconvert, papermill, by hand) or a save from plain
Python cannot mix corpora, or write into the corpus, either.

Every line it prints goes through `terminal_text`: a file name, a corpus warning or an error message holding
escape sequences cannot clear or recolour the user's terminal, nor one warning spread over several lines.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from analysis.corpus import CorpusError
from analysis.pipeline import load_articles  # also reads a folder written by process_corpus
from analysis.paths import (
    ENV_COLUMNS,
    ENV_CORPUS,
    ENV_CODES,
    ENV_EVENT,
    ENV_GROUP,
    ENV_KERNELS_LOCK,
    ENV_LOCKED,
    ENV_OUT,
    NOTEBOOKS_DIR,
    PROJECT_DIR,
    SEEDS_DIR,
)
from analysis.escape import terminal_text
from analysis.figures import save_report
from analysis.output import LOCK_TIMEOUT, OutputFolder, describe, inside_corpus, is_project_figures
from analysis.settings import Settings, check_group, configure

CELL_TIMEOUT = 1800  # seconds; a large corpus may take a while in one cell
#: Notebooks executed at once ($ANALYSIS_NOTEBOOKS_AT_ONCE). Each spends seconds starting its kernel, importing
#: and loading the corpus, mostly waiting on one core: two at a time overlap that, and their results are the same
#: (each notebook reads only the corpus and the cache; their outputs go to one manifest, written in turn).
NOTEBOOKS_AT_ONCE = int(os.environ.get("ANALYSIS_NOTEBOOKS_AT_ONCE", "2"))
HEARTBEAT = 10  # seconds between the lines saying which cell is still running


def _say(text: str, stream) -> None:
    """Print one line to `stream`, safe for the terminal (terminal_text), at once."""
    print(terminal_text(text), file=stream, flush=True)


class NotebookFailed(RuntimeError):
    """A notebook cell raised, or the settings cannot work; the message names the notebook, cell or setting."""


@dataclass
class RunSummary:
    """What `run_all` did: the reports it wrote, seconds per notebook, the corpus warnings."""

    reports: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # notebooks not executed: their last outputs are up to date


def notebooks(folder: Path = NOTEBOOKS_DIR, only: list[str] | None = None) -> list[Path]:
    """The numbered notebooks (NN-slug.ipynb) in order, or those `only` names: "5", "05", "05-validation" or the file name.

    Raises NotebookFailed naming the notebooks there are when an entry of `only` matches none.
    """
    found = sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb"))
    if not only:
        return found
    chosen = []
    for wanted in only:
        key = wanted.strip().removesuffix(".ipynb")
        key = f"{int(key):02d}" if key.isdigit() else key
        matches = [p for p in found if p.stem == key or p.stem.startswith(f"{key}-") or p.stem.split("-")[0] == key]
        if not matches:
            raise NotebookFailed(f"--only {wanted!r} names no notebook; there are {', '.join(p.stem for p in found)}")
        chosen.extend(p for p in matches if p not in chosen)
    return sorted(chosen)


class _Heartbeat:
    """Every HEARTBEAT seconds that one cell runs, a line saying which (a large corpus spends minutes in a cell;
    the kernel's own progress bars are off in a headless run: they would write timings into the report)."""

    def __init__(self, name: str, cells: int, stream):
        import threading

        self.name, self.cells, self.stream = name, cells, stream
        self.cell, self.started = 0, time.perf_counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True)

    def cell_started(self, cell, cell_index, **_):
        if cell.cell_type == "code":
            self.cell, self.started = self.cell + 1, time.perf_counter()

    def _beat(self):
        while not self.stop.wait(HEARTBEAT):
            seconds = time.perf_counter() - self.started
            if seconds >= HEARTBEAT:
                _say(f"    {self.name}: cell {self.cell} of {self.cells} running for {seconds:.0f} s", self.stream)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def run_notebook(path: Path, env: dict[str, str], stream=sys.stderr):
    """Execute one notebook in a fresh kernel, in its own folder; return it with its outputs (the file is not changed)."""
    with _environment(env):
        return _run_coroutine(_execute(path, stream))


@contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment with `env` set (the kernels inherit it), restored afterwards."""
    old = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_coroutine(coroutine):
    """Run a coroutine to its end: here, or in a thread of its own when this thread already runs an event loop
    (a notebook calling run_all). There an interrupt (Kernel > Interrupt) cancels the coroutine, as Ctrl-C does
    on the command line, and is raised once it has stopped: the notebooks it runs are stopped and their kernels
    shut down, not left running in the thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    running: dict = {}
    started = threading.Event()

    async def main():
        running["task"], running["loop"] = asyncio.current_task(), asyncio.get_running_loop()
        started.set()
        return await coroutine

    with ThreadPoolExecutor(max_workers=1) as thread:
        future = thread.submit(asyncio.run, main())
        try:
            return future.result()
        except KeyboardInterrupt:
            started.wait()
            try:
                running["loop"].call_soon_threadsafe(running["task"].cancel)
            except RuntimeError:  # the loop has closed: the coroutine ended before the interrupt was raised here
                pass
            try:
                future.result()
            except (asyncio.CancelledError, Exception):  # stopped by the cancel, or failed while stopping
                pass
            raise


async def _execute(path: Path, stream):
    # Imported here: a second and a half, which a settings error should not wait for.
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    from analysis.kernels import kernel_manager_class

    notebook = nbformat.read(path, as_version=4)
    try:
        with tempfile.TemporaryDirectory(prefix="analysis-kernel-") as sockets:
            client = NotebookClient(
                notebook, timeout=CELL_TIMEOUT, kernel_name="python3", kernel_manager_class=kernel_manager_class(),
                record_timing=False,  # cell start and end times in the kept .ipynb would differ run to run
                # A socket file in a private folder, not an open TCP port (and no warning about one).
                config=Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}}),
                resources={"metadata": {"path": str(path.parent)}},
            )
            with _Heartbeat(path.stem, sum(c.cell_type == "code" for c in notebook.cells), stream) as beat:
                client.on_cell_execute = beat.cell_started
                try:
                    await client.async_execute()
                except asyncio.CancelledError:
                    await _shut_down(client)  # stopped while its kernel started: nbclient would leave it running
                    raise
                finally:
                    # ... and its clean-up registered for the exit, where it fails (AssertionError) on a kernel gone.
                    atexit.unregister(client._cleanup_kernel)
    except CellExecutionError as error:
        cell = _failed_cell(notebook)
        raise NotebookFailed(f"{path.name}, cell {cell}: {_last_line(str(error))}") from None
    return notebook


async def _run_in_order(paths: list[Path], settings: Settings, folder: OutputFolder, summary: RunSummary, stream,
                        rerun: bool) -> None:
    """Execute the notebooks, NOTEBOOKS_AT_ONCE at a time, and keep their reports in order; at a failure the
    notebooks still running are stopped (their kernels shut down) and the failure is raised. A notebook whose
    last outputs in the folder are up to date (OutputFolder.up_to_date) is not executed, unless `rerun`."""
    from analysis.validation_data import read_by_validate_all

    at_once = asyncio.Semaphore(max(1, NOTEBOOKS_AT_ONCE))
    data = read_by_validate_all()  # notebook 05 reads the public data sets: a changed file there runs it again
    keys = {path: _inputs_key(path, settings, folder, data) for path in paths}
    kept = {path: None if rerun else folder.up_to_date(path.stem, keys[path]) for path in paths}

    async def one(number: int, path: Path):
        try:
            async with at_once:
                _say(f"[{number}/{len(paths)}] {path.stem} ...", stream)
                start = time.perf_counter()
                executed = await _execute(path, stream)
                return executed, time.perf_counter() - start
        except BaseException:
            # A notebook that failed of itself (not one stopped here, which raises CancelledError or, from
            # nbclient, a dead kernel) stops the one running beside it and those waiting.
            if asyncio.current_task() not in stopped:
                stop(task for task in tasks.values() if task is not asyncio.current_task())
            raise

    stopped: set[asyncio.Task] = set()

    def stop(chosen) -> None:
        for task in chosen:
            stopped.add(task)
            task.cancel()

    tasks = {path: asyncio.create_task(one(number, path))
             for number, path in enumerate(paths, start=1) if kept[path] is None}
    try:
        for number, path in enumerate(paths, start=1):
            if kept[path] is not None:
                summary.kept.append(path.stem)
                summary.reports.append(kept[path])
                _say(f"[{number}/{len(paths)}] {path.stem}: kept (the notebook, package, libraries, corpus, settings "
                     f"and data are as when it last ran here), report {kept[path]}", stream)
                continue
            executed, seconds = await tasks[path]
            summary.seconds[path.stem] = seconds
            summary.reports.append(save_report(executed, path.stem, folder=folder, inputs=keys[path]))
            _say(f"[{number}/{len(paths)}] {path.stem}: {seconds:.1f} s, report {summary.reports[-1]}", stream)
    except BaseException:
        failed = [task for task in tasks.values() if task.done() and task not in stopped and not task.cancelled()
                  and task.exception() is not None]
        stop(task for task in tasks.values() if not task.done())
        await asyncio.gather(*tasks.values(), return_exceptions=True)
        if failed:
            raise failed[0].exception() from None  # the first notebook that failed of itself, in the notebooks' order
        raise


def _inputs_key(path: Path, settings: Settings, folder: OutputFolder, data: list) -> str:
    """A hash of all a notebook's outputs depend on: the notebook file, the package (every file under analysis/,
    and the commit its outputs' manifest entries record), Python's and every library's version, the corpus (by content), the
    settings, and the files of the public data sets (`data`, by content). Not the output folder's path: the
    outputs name it nowhere."""
    from analysis.cache import memo_key
    from analysis.provenance import code_version

    # The commit, not whether files differ from it: an edited notebook would otherwise change every key. The
    # package's files and the libraries' versions are in the key already (memo_key), the notebook by its content.
    return memo_key("analysis.runner.notebook", {
        "notebook": path, "commit": code_version()["commit"], "corpus": folder.corpus, "event": settings.event,
        "table_rows": os.environ.get("ANALYSIS_TABLE_ROWS", "")},  # how many rows a saved table's CSV holds
        [*data, *_codes_files(settings)])


def _codes_files(settings: Settings) -> list[Path]:
    """The filled coding sheets notebook 07 reads (a file, or the sheets in a folder): a changed code runs it again."""
    if settings.codes is None:
        return []
    if settings.codes.is_dir():
        return sorted(path for path in settings.codes.iterdir() if path.suffix.lower() in (".csv", ".xlsx"))
    return [settings.codes]


async def _shut_down(client) -> None:
    """Shut down a notebook client's kernel if it is still alive (best effort: it may be gone already)."""
    manager = getattr(client, "km", None)
    try:
        if manager is not None and await manager.is_alive():
            await manager.shutdown_kernel(now=True)
    except Exception:  # noqa: BLE001 - the kernel is being stopped anyway; the cancellation goes on
        pass


def check_settings(settings: Settings) -> list[str]:
    """Load the corpus once before any kernel starts; return its warnings as lines.

    Raises NotebookFailed with one line when the corpus does not load, when the
    group column is missing (listing the columns there are and a close match), when the output folder is the
    corpus folder or inside it, or when another corpus or grouping would overwrite the project's committed figures/.

    Parameters
    ----------
    settings : the run's Settings.
    """
    seeds_as_committed = (settings.corpus.resolve() == SEEDS_DIR.resolve()
                          and settings.group == "outlet" and not settings.columns)
    if settings.codes is not None and not settings.codes.exists():
        raise NotebookFailed(f"--codes {settings.codes}: no such file or folder (give the filled coding sheets "
                             "notebook 07 wrote, or a folder of them)")
    if is_project_figures(settings.out) and not seeds_as_committed:
        raise NotebookFailed(f"the project's figures/ holds the seeds' figures grouped by outlet; "
                             f"write {settings.corpus} grouped by {settings.group!r} elsewhere with --out DIR")
    if inside_corpus(settings.out, settings.corpus):  # before the lock: not even a lock file goes into the corpus
        same = inside_corpus(settings.corpus, settings.out)
        where = "is the corpus" if same else f"is inside the corpus {settings.corpus}"
        raise NotebookFailed(f"--out {settings.out} {where}, and nothing is written into a corpus: "
                             "give --out a folder outside it")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            articles = load_articles(settings.corpus, dayfirst=settings.dayfirst, **settings.columns)
        except (CorpusError, OSError, ValueError) as error:
            raise NotebookFailed(f"corpus: {error}") from None
    try:
        check_group(articles, settings.group, settings.corpus)
    except CorpusError as error:
        raise NotebookFailed(f"--group {settings.group!r} is not a column: {error}") from None
    return list(dict.fromkeys(str(warning.message) for warning in caught))


def check_output(folder: OutputFolder, *, force: bool = False, stream=None) -> None:
    """Refuse to mix corpora in one output folder; call it holding the folder's lock.

    The folder holds another corpus's outputs when an entry of its manifest records another corpus
    fingerprint, group column or column mapping than `folder.corpus`. Then this raises NotebookFailed with one
    line, or, with `force`, deletes those outputs first (OutputFolder.clear: the files the manifest lists, the
    notebooks' reports and the manifest, nothing else) and says so on `stream` (default: standard error).
    """
    stream = stream or sys.stderr
    try:
        others = folder.other_corpora()
    except ValueError as error:  # an unreadable manifest
        if not force:
            raise NotebookFailed(f"{error}; pass --force to replace it") from None
        others = ["an unreadable manifest"]
    if not others:
        return
    if not force:
        raise NotebookFailed(f"{folder.path} holds the outputs of {'; '.join(others)}, not of "
                             f"{describe(folder.corpus)}: write to another --out DIR, or pass --force to delete them first")
    removed = folder.clear(reports=tuple(path.stem for path in notebooks()))
    _say(f"--force: deleted {len(removed)} files of {'; '.join(others)} from {folder.path}", stream)


def _failed_cell(notebook) -> str:
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return f"{number} of {len(code_cells)} (code cells)"
    return "unknown"


def _last_line(message: str) -> str:
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)  # the kernel colours its tracebacks
    lines = [line for line in message.strip().splitlines() if line.strip()]
    return lines[-1] if lines else message


def run_all(*, corpus=None, group=None, out=None, columns=None, only=None, event=None, force=False,
            wait=LOCK_TIMEOUT, rerun=False, codes=None, stream=None) -> RunSummary:
    """Check the settings, then run the numbered notebooks (or `only` those) and keep each as an HTML report.

    The output folder is locked for the whole run: another run into it waits up to `wait` seconds.
    A folder holding another corpus's outputs is refused unless `force` (see check_output). A notebook whose
    outputs in the folder are up to date (the same notebook, package, libraries, corpus, settings and data as
    when it last ran there, and its outputs unchanged) is kept rather than executed, unless `rerun`.

    Every line goes to `stream` (default: standard error), safe for the terminal (terminal_text).

    Raises NotebookFailed at a bad setting (before any kernel starts), at the first failing cell, or when the
    corpus is gone (removed or moved) during the run; OutputBusy when another process keeps the folder longer than
    `wait`; FileFault (an OSError) naming the folder or file when the output folder cannot be written.
    Returns a RunSummary.
    """
    stream = stream or sys.stderr
    paths = notebooks(only=only)
    if not paths:
        raise NotebookFailed(f"no notebooks found in {NOTEBOOKS_DIR}")
    settings = configure(corpus=corpus, group=group, out=out, columns=columns, event=event, codes=codes)
    summary = RunSummary(warnings=check_settings(settings))
    env = {ENV_CORPUS: str(settings.corpus.resolve()), ENV_GROUP: settings.group, ENV_OUT: str(settings.out.resolve()),
           ENV_EVENT: settings.event}
    if settings.codes is not None:
        env[ENV_CODES] = str(settings.codes.resolve())
    if columns:
        env[ENV_COLUMNS] = columns if isinstance(columns, str) else ",".join(f"{k}={v}" for k, v in columns.items())
    # Figures show inline in the kept notebooks even when the caller set MPLBACKEND=Agg (make, CI).
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["ANALYSIS_PROGRESS"] = "off"  # the heartbeat reports instead; bars would put timings into the reports
    # The kernel imports this package even where it is not installed (a bare checkout).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    # The kernels are this process's children and write while it holds the lock; they must not wait for it.
    env[ENV_LOCKED] = f"{os.getpid()}:{settings.out.resolve()}"

    def waiting(holder: str) -> None:
        _say(f"waiting up to {wait:g} s for {settings.out}, in use by {holder}", stream)

    try:
        folder = OutputFolder.of(settings)
        with folder.lock(timeout=wait, on_wait=waiting), tempfile.TemporaryDirectory(prefix="analysis-run-") as private:
            folder.remove_temporaries()  # left by a killed run: no one else writes while we hold the lock
            check_output(folder, force=force, stream=stream)
            env[ENV_KERNELS_LOCK] = str(Path(private) / "kernels.lock")  # the kernels write in turn (OutputFolder.lock)
            with _environment(env):
                _run_coroutine(_run_in_order(paths, settings, folder, summary, stream, rerun))
    except (NotebookFailed, OSError) as error:
        if not settings.corpus.exists():  # what broke reading the vanished files says less than this
            raise NotebookFailed(f"the corpus {settings.corpus} was removed or moved during the run: put it back, "
                                 "or give --corpus its new place, and run again") from error
        raise
    if summary.warnings:
        _say(f"corpus warnings ({len(summary.warnings)}), also shown in the notebooks:", stream)
        for line in summary.warnings:
            _say(f"  - {line}", stream)
    return summary
