"""An output folder: the files the notebooks save, their manifest, the lock, and whose corpus they are of.

`OutputFolder` is all the package knows of a folder: analysis/figures.py renders a figure, a table or a report
into bytes and asks the folder to write them; analysis/runner.py asks it for the lock, whether it holds another
corpus's outputs, whether a notebook's outputs are up to date, and to clear it.

The manifest (`manifest.json`) has one entry per saved output: its caption, notebook, the files' checksums, the
corpus (`corpus_record`: path, column mapping, group, fingerprint), the code's commit, the shipped data's
fingerprints and the libraries' versions (analysis/provenance.py). It is written whole, after the files, and an
entry whose files change is withdrawn before they do: a kill at any moment leaves files the manifest does not
list, never files whose checksums contradict it. Files are written by analysis.files.write_atomic.

Every output lands in a folder of its own corpus, by any route (`python -m analysis run`, `jupyter nbconvert
--execute` or papermill with $ANALYSIS_CORPUS set, a notebook run by hand, `an.save_figure` from plain Python):
`write` and `write_report` refuse (OutputRefused, one line) to write into a folder whose manifest records another
corpus content, column mapping or group, into the corpus folder itself or a folder inside it (links resolved: the
corpus is never written to), and to write anything but the seeds grouped by outlet into the project's figures/
(PROJECT_FIGURES). They refuse before any file, the lock or the manifest changes.

One writer at a time, across processes: the lock file `.analysis.lock` in the folder. `python -m analysis run`
holds it for its whole run; the notebook kernels it starts must not wait for it (their parent holds it), so the
run tells them, in `$ANALYSIS_OUT_LOCKED` ("pid:folder"), and they take turns under the lock file
`$ANALYSIS_KERNELS_LOCK` instead. A kernel whose run has died (its parent is no longer that pid) writes nothing.

A folder the system will not let us write (read-only, full, a folder where the lock file goes) raises FileFault
(analysis/files.py): one line naming the folder or file and what to do. Only temporary files the package made, of
writers no longer running, are ever cleared (remove_temporaries); another program's hidden `.tmp` files stay.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.files import TEMPORARY, TEMPORARY_PREFIX, FileFault, file_fault, temporary_owner, write_atomic, write_note
from analysis.paths import ENV_KERNELS_LOCK, ENV_LOCKED, PROJECT_DIR, SEEDS_DIR, shown_path
from analysis.provenance import code_version, corpus_fingerprint, lexicon_fingerprints, library_versions, sha256

MANIFEST = "manifest.json"
REPORTS = "reports"  # executed notebooks as HTML and .ipynb, in this folder of the output folder
LOCK = ".analysis.lock"  # in the output folder; hidden, so that no one takes it for an output
LOCK_TIMEOUT = 10.0  # seconds a writer waits for another one to release the folder
#: The project's committed figures: the seeds' outputs grouped by outlet, and nothing else.
PROJECT_FIGURES = PROJECT_DIR / "figures"
#: How a refusal says where else to write, for every route an output can take.
WRITE_ELSEWHERE = ("write elsewhere: set ANALYSIS_OUT=DIR (a notebook kernel reads it), OUT = 'DIR' in a notebook's "
                   "parameters cell, an.configure(out=DIR) in Python, or --out DIR on the command line")


class OutputBusy(RuntimeError):
    """Another process writes into the output folder; the message names the folder and, where known, the holder."""


class OutputRefused(ValueError):
    """An output would land in the wrong place (a folder of another corpus or grouping, the project's figures/, or
    a manifest that would have to guess its corpus); the message names the folder, the corpus recorded there and
    the one being written, and how to write elsewhere. Nothing has been written."""


def is_project_figures(path: str | Path) -> bool:
    """Whether `path` is the project's committed figures/ folder (PROJECT_FIGURES).

    Parameters
    ----------
    path : an output folder.
    """
    return Path(path).resolve() == Path(PROJECT_FIGURES).resolve()


def inside_corpus(out: str | Path, corpus: str | Path) -> bool:
    """Whether the output folder `out` is the corpus (folder or table file) `corpus` or lies inside it, with links
    resolved: nothing may be written there (the corpus is never written to, and its fingerprint would change).

    Parameters
    ----------
    out : an output folder.
    corpus : the corpus folder or table file.
    """
    if _resolved(out).is_relative_to(_resolved(corpus)):
        return True
    # Two spellings of one folder (a case-insensitive file system, a bind mount) resolve to different paths:
    # compare the folders themselves, out's and each of its ancestors that exist.
    corpus = Path(corpus)
    for folder in (_resolved(out), *_resolved(out).parents):
        try:
            if folder.exists() and corpus.exists() and os.path.samefile(folder, corpus):
                return True
        except OSError:
            return False
    return False


def _resolved(path: str | Path) -> Path:
    """The path with its links resolved as far as they can be (a link loop is left as it is)."""
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(path).absolute()


def _seeds_as_committed(corpus: dict) -> bool:
    """Whether a corpus record is what the project's figures/ holds: the seeds, grouped by outlet, unmapped."""
    seeds = SEEDS_DIR.resolve().relative_to(PROJECT_DIR).as_posix()
    return corpus.get("path") == seeds and corpus.get("group") == "outlet" and not corpus.get("columns")


def corpus_record(settings) -> dict[str, object]:
    """How the manifest describes the corpus behind an output: path, column mapping, group and fingerprint, and
    the order numeric dates were read in where it was set (`dayfirst`; absent when decided from the dates, so
    the records of corpora read without it are unchanged).

    Parameters
    ----------
    settings : analysis.settings.Settings (its corpus, columns, group and dayfirst).
    """
    resolved = Path(settings.corpus).resolve()
    path = resolved.relative_to(PROJECT_DIR).as_posix() if resolved.is_relative_to(PROJECT_DIR) else str(settings.corpus)
    record = {"path": path, "columns": settings.columns, "group": settings.group,
              "fingerprint": corpus_fingerprint(settings.corpus)}
    if getattr(settings, "dayfirst", None) is not None:  # the same files read day first and month first differ
        record["dayfirst"] = settings.dayfirst
    return record


def describe(corpus: dict) -> str:
    """A corpus record in words: path, fingerprint's start, column mapping and group."""
    columns = ",".join(f"{k}={v}" for k, v in (corpus.get("columns") or {}).items())
    order = {True: ", dates day first", False: ", dates month first"}.get(corpus.get("dayfirst"), "")
    return (f"{corpus.get('path')} (fingerprint {str(corpus.get('fingerprint'))[:8]}"
            f"{', columns ' + columns if columns else ''}{order}) grouped by {corpus.get('group')!r}")


def _identity(corpus: dict) -> tuple:
    """What makes two outputs comparable: the same corpus content, column mapping, group and date order."""
    return corpus.get("fingerprint"), corpus.get("columns") or {}, corpus.get("group"), corpus.get("dayfirst")


@dataclass(frozen=True)
class OutputFolder:
    """An output folder, and the corpus (corpus_record) whose outputs go into it; None for a folder that is only
    locked, read or cleared."""

    path: Path
    corpus: dict | None = field(default=None, compare=False)
    source: Path | None = field(default=None, compare=False)  # the corpus's folder or file, which is never written to

    @classmethod
    def of(cls, settings) -> OutputFolder:
        """The folder the settings write into (settings.out), for their corpus.

        Parameters
        ----------
        settings : analysis.settings.Settings.
        """
        return cls(Path(settings.out), corpus_record(settings), Path(settings.corpus))

    # --- The manifest --------------------------------------------------------------------------------------------

    def manifest(self) -> dict[str, dict]:
        """The manifest ({} when there is none); ValueError when it is not valid JSON."""
        path = self.path / MANIFEST
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except ValueError as error:
            raise ValueError(f"{path} is not valid JSON ({error})") from None

    def _write_manifest(self, manifest: dict) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_atomic(self.path / MANIFEST, text.encode("utf-8"))

    def write(self, name: str, files: dict[str, bytes], *, caption: str | None, notebook: str | None) -> list[Path]:
        """Write one output's files (name -> bytes, rendered beforehand) and its manifest entry, under the lock.

        Parameters
        ----------
        name : the entry's name (the files' stem).
        files : file name -> bytes.
        caption : what the output shows, for the manifest.
        notebook : the notebook that saved it.

        Returns the paths written.
        Raises OutputRefused, before anything is written, when the folder is not this corpus's (refuse_other_corpus).
        """
        self._refuse_place()  # before the lock: not even a lock file goes into the corpus or the project's figures/
        entry = {"caption": caption or "", "notebook": notebook or "",
                 "files": {file: sha256(data) for file, data in files.items()}, "corpus": self.corpus,
                 "code": code_version(), "lexicons": lexicon_fingerprints(), "versions": library_versions()}
        with self.lock():
            manifest = self.manifest()
            self._refuse_others(manifest)  # under the lock: no other writer changes the manifest in between
            if name in manifest and manifest[name].get("files") != entry["files"]:
                del manifest[name]  # withdrawn before its files change (see the module's docstring)
                self._write_manifest(manifest)
            for file, data in files.items():
                write_atomic(self.path / file, data)
            manifest[name] = entry
            self._write_manifest(manifest)
        return [self.path / file for file in files]

    def refuse_to_overwrite_changed(self, files: list[str]) -> None:
        """A ValueError when one of these files is in the folder but not as the manifest says it was written: a
        coder filled it in place, and writing the blank sheet again would lose the codes.

        Parameters
        ----------
        files : file names in the folder.
        """
        written = {file: digest for entry in self.manifest().values() for file, digest in entry.get("files", {}).items()}
        for file in files:
            path = self.path / file
            if path.is_file() and written.get(file) != sha256(path.read_bytes()):
                raise ValueError(f"{file} in the output folder was changed since it was written (coded in place?): "
                                 "move it out of the output folder, e.g. to codes/, and run again with --codes codes/; "
                                 "the blank sheets are written again on every run")

    # --- Whose outputs --------------------------------------------------------------------------------------------

    def other_corpora(self) -> list[str]:
        """The corpora (described) whose outputs the manifest lists besides this folder's corpus: another corpus
        content, column mapping or group. ValueError when the manifest is not valid JSON."""
        return self._others(self.manifest())

    def _others(self, manifest: dict) -> list[str]:
        corpora = [entry.get("corpus") or {} for entry in manifest.values()]
        return sorted({describe(corpus) for corpus in corpora if _identity(corpus) != _identity(self.corpus)})

    def refuse_other_corpus(self) -> None:
        """Raise OutputRefused when this folder's corpus may not write into it: the folder is the corpus folder or
        lies inside it, the folder is the project's figures/ and the corpus is not the seeds grouped by outlet, or
        its manifest lists the outputs of another corpus content, column mapping or group. `write` and
        `write_report` check this themselves, under the lock; call it to refuse before rendering or checking
        anything else. ValueError when the manifest is not valid JSON.
        """
        self._refuse_place()
        self._refuse_others(self.manifest())

    def _refuse_place(self) -> None:
        """OutputRefused when the folder is in the corpus, or is the project's figures/ and the corpus is not the
        seeds by outlet."""
        if self.source is not None and inside_corpus(self.path, self.source):
            where = ("is the corpus folder" if _resolved(self.path) == _resolved(self.source)
                     else f"is inside the corpus folder {shown_path(self.source)}")
            raise OutputRefused(f"{shown_path(self.path)} {where}, and nothing is written into a corpus: "
                                f"{WRITE_ELSEWHERE}")
        self._refuse_project_figures()

    def _refuse_project_figures(self) -> None:
        if self.corpus is None:
            raise ValueError(f"OutputFolder({str(self.path)!r}) has no corpus to record: "
                             "write outputs through OutputFolder.of(settings)")
        if is_project_figures(self.path) and not _seeds_as_committed(self.corpus):
            raise OutputRefused(f"{shown_path(self.path)} is the project's figures/, which holds the seeds' outputs "
                                f"grouped by 'outlet', not those of {describe(self.corpus)}: {WRITE_ELSEWHERE}")

    def _refuse_others(self, manifest: dict) -> None:
        others = self._others(manifest)
        if others:
            raise OutputRefused(f"{shown_path(self.path)} holds the outputs of {'; '.join(others)}, not of "
                                f"{describe(self.corpus)}: {WRITE_ELSEWHERE}; or replace them: `python -m analysis run "
                                f"--out {self.path} --force` with this corpus's --corpus, --group and --columns")

    def clear(self, *, reports: tuple[str, ...] = ()) -> list[Path]:
        """Delete what earlier runs wrote: the files the manifest lists, the named notebooks' reports, then the
        manifest (an unreadable one too); nothing else. Call it holding the lock.

        Parameters
        ----------
        reports : notebook names ("01-corpus") whose `reports/<name>.html` and `.ipynb` go too.

        Returns the paths removed.
        """
        try:
            manifest = self.manifest()
        except ValueError:
            manifest = {}
        listed = {file for entry in manifest.values() for file in entry.get("files", {})}
        # Only plain file names: an edited manifest must not reach out of the folder.
        paths = [self.path / file for file in sorted(listed) if Path(file).name == file and not file.startswith(".")]
        paths += [self.path / REPORTS / f"{name}{suffix}" for name in reports for suffix in (".html", ".ipynb")]
        paths.append(self.path / MANIFEST)  # last: until the files are gone, the manifest still says whose they were
        removed = [path for path in paths if path.is_file()]
        for path in removed:
            path.unlink()
        return removed

    def remove_temporaries(self) -> list[Path]:
        """Delete the temporary files interrupted writers of the package left in the folder and its reports/: those
        write_atomic names (`.analysis-<pid>-...tmp`) whose process has ended, or is this one (which, holding the
        lock, is writing none). Another program's files and those of a writer still running stay. Call it holding
        the lock. Returns the paths removed."""
        stale = sorted(path for folder in (self.path, self.path / REPORTS) if folder.is_dir()
                       for path in folder.glob(f"{TEMPORARY_PREFIX}*{TEMPORARY}")
                       if not path.is_symlink() and path.is_file() and _abandoned(temporary_owner(path.name)))
        for path in stale:
            path.unlink(missing_ok=True)
        return stale

    # --- Reports and the up-to-date check --------------------------------------------------------------------------

    def report_stamp(self, notebook: str, inputs: str) -> dict:
        """What an executed notebook keeps in its metadata ("analysis") for `up_to_date`: the key of its inputs and
        the manifest's entries it wrote (entry name -> {file: sha256}).

        Parameters
        ----------
        notebook : the notebook's name ("01-corpus").
        inputs : a hash of all its outputs depend on.
        """
        outputs = {name: entry.get("files", {}) for name, entry in self.manifest().items()
                   if entry.get("notebook") == notebook}
        return {"inputs": inputs, "outputs": outputs}

    def write_report(self, notebook: str, *, html: bytes, ipynb: bytes) -> Path:
        """Keep an executed notebook as `reports/<notebook>.html` and `.ipynb`, under the lock; returns the HTML's path.

        Parameters
        ----------
        notebook : the notebook's name ("01-corpus").
        html : the report, rendered.
        ipynb : the executed notebook, with its report_stamp in its metadata.

        Raises OutputRefused as `write` does.
        """
        path = self.path / REPORTS / f"{notebook}.html"
        self._refuse_place()
        with self.lock():
            self._refuse_others(self.manifest())
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:  # a file named reports/, a read-only folder: one line saying what to do
                raise file_fault(error, path.parent) from None
            write_atomic(path, html)
            write_atomic(path.with_suffix(".ipynb"), ipynb)
        return path

    def up_to_date(self, notebook: str, inputs: str) -> Path | None:
        """The HTML report of this notebook's last run into the folder, when executing it again would write the
        same: that run had the same inputs (its report_stamp), and every output it wrote is still in the manifest
        and on disk with the same checksums. None otherwise.

        Parameters
        ----------
        notebook : the notebook's name ("01-corpus").
        inputs : the key of its inputs now.
        """
        report = self.path / REPORTS / f"{notebook}.ipynb"
        try:
            last = json.loads(report.read_bytes()).get("metadata", {}).get("analysis", {})
            manifest = self.manifest()
        except (OSError, ValueError, AttributeError):
            return None
        if last.get("inputs") != inputs or not report.with_suffix(".html").is_file() \
                or not isinstance(last.get("outputs"), dict):
            return None
        for name, files in last["outputs"].items():
            if manifest.get(name, {}).get("files") != files or manifest[name].get("notebook") != notebook:
                return None
            for file, digest in files.items():
                path = self.path / file
                if not path.is_file() or sha256(path.read_bytes()) != digest:
                    return None
        return report.with_suffix(".html")

    # --- The lock -------------------------------------------------------------------------------------------------

    @contextmanager
    def lock(self, *, timeout: float = LOCK_TIMEOUT, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the folder's lock: one writer at a time, across processes; re-entrant within one.

        In a kernel of `python -m analysis run` (see the module's docstring) the lock taken is the run's kernels'
        lock, and OutputBusy is raised when the run has ended.

        Parameters
        ----------
        timeout : seconds to wait for another holder before giving up.
        on_wait : called with the holder's description when the lock is taken and we start waiting.

        Raises OutputBusy naming the folder and the holder when the wait times out; FileFault naming the folder (or
        the lock file) and what to do when the folder cannot be made or written, or a folder stands where the lock
        file goes.
        """
        out = self.path.resolve()
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise file_fault(error, out) from error
        lock = self._lock_file(out)
        if lock is None:
            yield
            return
        # One lock object per file in a process (is_singleton), so that nested holders count instead of deadlocking.
        lock = FileLock(lock, is_singleton=True, on_acquired=_note_holder)
        try:
            _acquire(lock, timeout, on_wait)
        except Timeout:  # a TimeoutError, so an OSError: before the faults
            raise OutputBusy(f"{out} is in use by {_holder(lock.lock_file)}; waited {timeout:g} s") from None
        except OSError as error:
            raise _lock_fault(error, out, Path(lock.lock_file)) from error
        try:
            yield
        finally:
            lock.release()

    @staticmethod
    def _lock_file(out: Path) -> Path | None:
        """The file to lock: the folder's own; in a kernel of a live run, the run's kernels' lock (None when the
        run gave none: then the run's lock suffices); OutputBusy in a kernel of a run that has ended."""
        pid, _, folder = os.environ.get(ENV_LOCKED, "").partition(":")
        if not folder or Path(folder) != out or pid == str(os.getpid()):
            return out / LOCK
        if pid != str(os.getppid()):
            raise OutputBusy(f"{out}: the run that started this kernel (pid {pid}) has ended; nothing more is written")
        shared = os.environ.get(ENV_KERNELS_LOCK)
        return Path(shared) if shared else None


def _acquire(lock: FileLock, timeout: float, on_wait: Callable[[str], None] | None) -> None:
    """Take the lock at once, or say who holds it (on_wait) and wait up to `timeout` seconds (Timeout after)."""
    try:
        lock.acquire(blocking=False)
    except Timeout:
        if on_wait is not None:
            on_wait(_holder(lock.lock_file))
        lock.acquire(timeout=timeout)


def _lock_fault(error: OSError, out: Path, lock_file: Path) -> FileFault:
    """The one line for a lock that cannot be taken: a folder standing at its path, or a folder we may not write."""
    if error.errno == errno.EISDIR or lock_file.is_dir():
        return FileFault(error.errno, f"{lock_file} is a folder, where the output folder's lock file goes: move it "
                                      "away, or write elsewhere", str(lock_file))
    return file_fault(error, out)


def _abandoned(pid: int | None) -> bool:
    """Whether a temporary file written by process `pid` (None: not the package's) can go: that process has ended,
    or it is this one. Where a process cannot be asked about (Windows), only this one's."""
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    if os.name == "nt" or pid <= 0:  # os.kill(pid, 0) would signal there, not ask
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # another user's live process (EPERM)
        return False
    except OverflowError:  # no process has such a number: a name like ours, not written by the package
        return False
    return _zombie(pid)


def _zombie(pid: int) -> bool:
    """Whether process `pid` has ended but its parent has not yet collected it (Linux: state Z in /proc), as a
    killed run is until its parent waits for it: it answers os.kill(pid, 0), yet will never write again."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):  # no /proc (macOS), or the process is gone meanwhile
        return False


def _note_holder(descriptor: int) -> None:
    """Write who holds the lock into the lock file, for the message of whoever waits for it; a full disk leaves the
    note out (the lock holds without it, and the first output written then names the fault)."""
    try:
        since = time.strftime("%Y-%m-%d %H:%M:%S")
        write_note(descriptor, f"pid {os.getpid()} on {socket.gethostname()} since {since}")
    except OSError:
        pass


def _holder(lock_file: str | Path) -> str:
    try:
        return Path(lock_file).read_text(encoding="utf-8", errors="replace").strip() or "another process"
    except OSError:
        return "another process"
