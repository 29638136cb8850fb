"""An output folder: the files the notebooks save, their manifest, the lock, and whose corpus they are of.

`OutputFolder` is all the package knows of a folder: analysis/figures.py renders a figure, a table or a report
into bytes and asks the folder to write them; analysis/runner.py asks it for the lock, whether it holds another
corpus's outputs, whether a notebook's outputs are up to date, and to clear it.

The manifest (`manifest.json`) has one entry per saved output: its caption, notebook, the files' checksums, the
corpus (`corpus_record`: path, column mapping, group, fingerprint), the code's commit, the shipped data's
fingerprints and the libraries' versions (analysis/provenance.py). It is written whole, after the files, and an
entry whose files change is withdrawn before they do: a kill at any moment leaves files the manifest does not
list, never files whose checksums contradict it. Files are written by analysis.files.write_atomic.

One writer at a time, across processes: the lock file `.analysis.lock` in the folder. `python -m analysis run`
holds it for its whole run; the notebook kernels it starts must not wait for it (their parent holds it), so the
run tells them, in `$ANALYSIS_OUT_LOCKED` ("pid:folder"), and they take turns under the lock file
`$ANALYSIS_KERNELS_LOCK` instead. A kernel whose run has died (its parent is no longer that pid) writes nothing.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from analysis.files import TEMPORARY, write_atomic, write_note
from analysis.paths import ENV_KERNELS_LOCK, ENV_LOCKED, PROJECT_DIR
from analysis.provenance import code_version, corpus_fingerprint, lexicon_fingerprints, library_versions, sha256

MANIFEST = "manifest.json"
REPORTS = "reports"  # executed notebooks as HTML and .ipynb, in this folder of the output folder
LOCK = ".analysis.lock"  # in the output folder; hidden, so that no one takes it for an output
LOCK_TIMEOUT = 10.0  # seconds a writer waits for another one to release the folder


class OutputBusy(RuntimeError):
    """Another process writes into the output folder; the message names the folder and, where known, the holder."""


def corpus_record(settings) -> dict[str, object]:
    """How the manifest describes the corpus behind an output: path, column mapping, group and fingerprint.

    Parameters
    ----------
    settings : analysis.settings.Settings (its corpus, columns and group).
    """
    resolved = Path(settings.corpus).resolve()
    path = resolved.relative_to(PROJECT_DIR).as_posix() if resolved.is_relative_to(PROJECT_DIR) else str(settings.corpus)
    return {"path": path, "columns": settings.columns, "group": settings.group,
            "fingerprint": corpus_fingerprint(settings.corpus)}


def describe(corpus: dict) -> str:
    """A corpus record in words: path, fingerprint's start, column mapping and group."""
    columns = ",".join(f"{k}={v}" for k, v in (corpus.get("columns") or {}).items())
    return (f"{corpus.get('path')} (fingerprint {str(corpus.get('fingerprint'))[:8]}"
            f"{', columns ' + columns if columns else ''}) grouped by {corpus.get('group')!r}")


def _identity(corpus: dict) -> tuple:
    """What makes two outputs comparable: the same corpus content, column mapping and group."""
    return corpus.get("fingerprint"), corpus.get("columns") or {}, corpus.get("group")


@dataclass(frozen=True)
class OutputFolder:
    """An output folder, and the corpus (corpus_record) whose outputs go into it; None for a folder that is only
    locked, read or cleared."""

    path: Path
    corpus: dict | None = field(default=None, compare=False)

    @classmethod
    def of(cls, settings) -> OutputFolder:
        """The folder the settings write into (settings.out), for their corpus.

        Parameters
        ----------
        settings : analysis.settings.Settings.
        """
        return cls(Path(settings.out), corpus_record(settings))

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
        """
        entry = {"caption": caption or "", "notebook": notebook or "",
                 "files": {file: sha256(data) for file, data in files.items()}, "corpus": self.corpus,
                 "code": code_version(), "lexicons": lexicon_fingerprints(), "versions": library_versions()}
        with self.lock():
            manifest = self.manifest()
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
        corpora = [entry.get("corpus", {}) for entry in self.manifest().values()]
        return sorted({describe(corpus) for corpus in corpora if _identity(corpus) != _identity(self.corpus)})

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
        """Delete the temporary files interrupted writers left in the folder and its reports/; call it holding the
        lock. Returns the paths removed."""
        stale = sorted(path for folder in (self.path, self.path / REPORTS) if folder.is_dir()
                       for path in folder.glob(f".*{TEMPORARY}") if path.is_file())
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
        """
        path = self.path / REPORTS / f"{notebook}.html"
        with self.lock():
            path.parent.mkdir(parents=True, exist_ok=True)
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

        Raises OutputBusy naming the folder and the holder when the wait times out.
        """
        out = self.path.resolve()
        out.mkdir(parents=True, exist_ok=True)
        lock = self._lock_file(out)
        if lock is None:
            yield
            return
        # One lock object per file in a process (is_singleton), so that nested holders count instead of deadlocking.
        lock = FileLock(lock, is_singleton=True, on_acquired=_note_holder)
        try:
            lock.acquire(blocking=False)
        except Timeout:
            if on_wait is not None:
                on_wait(_holder(lock.lock_file))
            try:
                lock.acquire(timeout=timeout)
            except Timeout:
                raise OutputBusy(f"{out} is in use by {_holder(lock.lock_file)}; waited {timeout:g} s") from None
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


def _note_holder(descriptor: int) -> None:
    """Write who holds the lock into the lock file, for the message of whoever waits for it."""
    write_note(descriptor, f"pid {os.getpid()} on {socket.gethostname()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")


def _holder(lock_file: str | Path) -> str:
    try:
        return Path(lock_file).read_text(encoding="utf-8", errors="replace").strip() or "another process"
    except OSError:
        return "another process"
