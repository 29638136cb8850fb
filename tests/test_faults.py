"""Faults of the user's machine and files end in one line, the corpus is never written to, only the package's own
temporary files are ever removed, and nothing the command line prints can take over the terminal.

The command line runs in this process (`analysis.__main__.main`) where the fault comes before any notebook, and on
a one-cell notebook where it needs a kernel (runner.notebooks patched): a kernel starts in seconds, the numbered
notebooks take a quarter of a minute. One real `python -m analysis run --only 01` checks the terminal and the
temporary files end to end.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
import analysis.runner as runner  # noqa: E402
import analysis.settings as settings_module  # noqa: E402
from analysis.__main__ import main  # noqa: E402
from analysis.files import FileFault, file_fault, temporary_owner, write_atomic  # noqa: E402
from analysis.output import LOCK, WRITE_ELSEWHERE, OutputFolder, OutputRefused  # noqa: E402
from analysis.paths import ENV_COLUMNS, ENV_CORPUS, ENV_GROUP, ENV_LOCKED, ENV_OUT, shown_path  # noqa: E402
from analysis.runner import terminal_text  # noqa: E402
from conftest import PROJECT, one_cell_notebook, write_corpus  # noqa: E402

TEXT = ("The United States killed the Iranian general in a drone strike near Baghdad airport on Friday. "
        "Iran called the killing an act of terrorism.\n\nOfficials in Washington described the strike as "
        "self-defence.\n")
ANSI = "\x1b[2J\x1b[31m"  # clear the screen, then write in red
ESCAPED = "\\x1b[2J\\x1b[31m"


@pytest.fixture(autouse=True)
def fresh_session(monkeypatch):
    """A session as a new interpreter starts it: nothing configured, no analysis settings in the environment."""
    monkeypatch.setattr(settings_module, "_current", None)
    for name in (ENV_CORPUS, ENV_GROUP, ENV_OUT, ENV_COLUMNS, ENV_LOCKED):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def corpus(tmp_path) -> Path:
    """One article: the smallest corpus that loads."""
    return write_corpus(tmp_path / "corpus", {"a.txt": TEXT}, "file,outlet\na.txt,One\n")


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _command(capsys, *arguments: str) -> tuple[int, list[str]]:
    """`python -m analysis run ...` in this process: its exit status and the lines of its standard error."""
    status = main(["run", *arguments])
    return status, capsys.readouterr().err.splitlines()


def _figure():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar(["a"], [1])
    return fig


# --- Nothing is written into the corpus ---------------------------------------------------------------------------

OUT_IN_CORPUS = {  # how --out names a place in the corpus: (folder, what the message says of it)
    "the corpus itself": (".", "is the corpus"),
    "a folder inside it": ("figures", "is inside the corpus {corpus}"),
    "a link to the corpus": ("../link", "is the corpus"),
    "a folder inside it through a link": ("../link/figures", "is inside the corpus {corpus}"),
}


@pytest.mark.parametrize("case", OUT_IN_CORPUS)
def test_the_command_line_refuses_an_output_folder_in_the_corpus_with_one_line_and_writes_nothing(
        corpus, capsys, case):
    (corpus.parent / "link").symlink_to(corpus, target_is_directory=True)
    place, said = OUT_IN_CORPUS[case]
    out = corpus / place
    before = _listing(corpus)
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01")
    assert status == 1
    assert lines == [f"error: --out {out} {said.format(corpus=corpus)}, and nothing is written into a corpus: "
                     "give --out a folder outside it"]
    assert _listing(corpus) == before  # not even a lock file
    assert not (corpus / "figures").exists()


@pytest.mark.parametrize("case", OUT_IN_CORPUS)
def test_save_figure_from_python_refuses_an_output_folder_in_the_corpus(corpus, case):
    (corpus.parent / "link").symlink_to(corpus, target_is_directory=True)
    place, said = OUT_IN_CORPUS[case]
    out = corpus / place
    before = _listing(corpus)
    an.configure(corpus=corpus, out=out, notebook="01-corpus")
    with pytest.raises(OutputRefused) as refused:
        an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [1]}))
    plt.close("all")
    where = "is the corpus folder" if said == "is the corpus" else f"is inside the corpus folder {shown_path(corpus)}"
    assert str(refused.value) == (f"{shown_path(out)} {where}, and nothing is written into a corpus: "
                                  f"{WRITE_ELSEWHERE}")
    assert _listing(corpus) == before


def test_a_session_given_the_corpus_as_its_output_folder_in_the_environment_is_refused_too(corpus, monkeypatch):
    # nbconvert and papermill pass the settings as the environment; a kernel reads them so (test_output_routes).
    monkeypatch.setenv(ENV_CORPUS, str(corpus))
    monkeypatch.setenv(ENV_OUT, str(corpus))
    before = _listing(corpus)
    with pytest.raises(OutputRefused, match=r"is the corpus folder, and nothing is written into a corpus"):
        an.save_table(pd.DataFrame({"n": [1]}), "01-corpus-table")
    assert _listing(corpus) == before


def test_an_output_folder_that_holds_the_corpus_is_written(corpus, tmp_path):
    # The rule is "never into the corpus": a corpus kept inside the output folder is left as it is.
    paths = an.save_table(pd.DataFrame({"n": [1]}), "01-t", settings=an.Settings(corpus=corpus, out=tmp_path))
    assert paths == tmp_path / "01-t.csv"
    assert _listing(corpus) == {"a.txt": TEXT.encode(), "metadata.csv": b"file,outlet\na.txt,One\n"}


# --- Only the package's own temporary files are removed ----------------------------------------------------------

def test_write_atomic_names_its_temporary_file_with_the_packages_prefix_and_its_process(tmp_path, monkeypatch):
    import analysis.files as files

    seen, replace = [], os.replace
    monkeypatch.setattr(files.os, "replace", lambda source, target: (seen.append(Path(source).name),
                                                                     replace(source, target)))
    write_atomic(tmp_path / "a.csv", b"n\n1\n")
    assert re.fullmatch(rf"\.analysis-{os.getpid()}-[0-9a-f]{{8}}\.a\.csv\.tmp", seen[0])
    assert temporary_owner(seen[0]) == os.getpid()
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@pytest.mark.parametrize("name, owner", [
    (".analysis-123-0123abcd.01-corpus.png.tmp", 123),
    (".analysis-123-0123abcd..hidden.csv.tmp", 123),
    (".x.tmp", None),  # another program's
    (".a.png.123-0123abcd.tmp", None),  # the package's old name, no prefix: not told from another program's
    (".analysis-abc-0123abcd.a.png.tmp", None),
    (".analysis-123-0123abcd.a.png", None),
    ("analysis-123-0123abcd.a.png.tmp", None),
])
def test_temporary_owner_reads_the_pid_only_from_the_packages_own_names(name, owner):
    assert temporary_owner(name) == owner


def _ended_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_remove_temporaries_removes_the_packages_files_of_ended_writers_and_keeps_everything_else(tmp_path):
    (tmp_path / "reports").mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        ended = _ended_pid()
        stale = [tmp_path / f".analysis-{ended}-0123abcd.a.png.tmp",
                 tmp_path / "reports" / f".analysis-{ended}-0123abcd.01-corpus.html.tmp",
                 tmp_path / f".analysis-{os.getpid()}-0123abcd.b.csv.tmp"]  # this process's: it writes none now
        kept = [tmp_path / ".x.tmp", tmp_path / ".a.png.12-ab.tmp", tmp_path / "reports" / ".notes.tmp",
                tmp_path / f".analysis-{live.pid}-0123abcd.c.png.tmp",  # a writer still running
                tmp_path / "a.png", tmp_path / LOCK]
        for path in stale + kept:
            path.write_bytes(b"x")
        assert OutputFolder(tmp_path).remove_temporaries() == sorted(stale)
        assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == sorted(kept)
    finally:
        live.kill()
        live.wait()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="a zombie is told from /proc (Linux)")
def test_a_killed_writer_not_yet_collected_by_its_parent_has_ended_too(tmp_path):
    """A run killed mid-write is a zombie until its parent waits for it; the run that takes the lock over meanwhile
    must still remove what it left."""
    killed = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = tmp_path / f".analysis-{killed.pid}-0123abcd.a.png.tmp"
        left.write_bytes(b"x")
        assert OutputFolder(tmp_path).remove_temporaries() == []  # still running
        killed.kill()
        while Path(f"/proc/{killed.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            pass  # SIGKILL is delivered at once; the state follows within microseconds
        assert OutputFolder(tmp_path).remove_temporaries() == [left]
    finally:
        killed.kill()
        killed.wait()


# --- Every fault is one line ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, said", [
    (errno.ENOSPC, "No space left on device; the disk is full: free some space on it, or write elsewhere"),
    (errno.EROFS, "Read-only file system; write elsewhere"),
    (errno.EACCES, "Permission denied; make the folder writable for you, or write elsewhere"),
    (errno.EISDIR, "Is a directory; a folder stands where the file goes: move it away"),
    (errno.ENOENT, "No such file or directory; the folder is gone (removed or moved?): create it again, or write "
                   "elsewhere"),
    (errno.EIO, "Input/output error; check the disk and the folder, or write elsewhere"),
])
def test_a_write_fault_is_one_line_naming_the_file_and_what_to_do(number, said):
    fault = file_fault(OSError(number, os.strerror(number)), "/data/out/a.png")
    assert isinstance(fault, OSError) and fault.errno == number and fault.filename == "/data/out/a.png"
    assert str(fault) == f"/data/out/a.png: {said}"


def test_a_full_disk_names_the_file_and_leaves_the_old_one_whole_and_no_temporary_file(tmp_path, monkeypatch):
    import analysis.files as files

    path = tmp_path / "a.png"
    path.write_bytes(b"old")

    def full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(FileFault) as fault:
        write_atomic(path, b"new" * 100_000)
    assert str(fault.value) == (f"{path}: No space left on device; the disk is full: free some space on it, or write "
                                "elsewhere")
    assert _listing(tmp_path) == {"a.png": b"old"}


@pytest.fixture
def unwritable(tmp_path, monkeypatch) -> Path:
    """An output folder this user may not write into: chmod 555, and where we are root (which chmod does not bind)
    the system's answer to a non-root user, Permission denied, at the opening of any file in it."""
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:
        real_open = os.open

        def refused(path, flags, *arguments, **options):
            if Path(path).parent == out.resolve() and flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
            return real_open(path, flags, *arguments, **options)

        monkeypatch.setattr(os, "open", refused)
    yield out
    out.chmod(0o755)


def test_a_read_only_output_folder_is_one_line_naming_it(corpus, unwritable, capsys):
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(unwritable), "--only", "01")
    assert status == 1
    assert lines == [f"error: {unwritable}: Permission denied; make the folder writable for you, or write elsewhere"]
    assert list(unwritable.iterdir()) == []


def test_a_folder_where_the_lock_file_goes_is_one_line_and_debug_adds_the_traceback(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    (out / LOCK).mkdir(parents=True)
    said = (f"error: {out / LOCK} is a folder, where the output folder's lock file goes: move it away, or write "
            "elsewhere")
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01")
    assert (status, lines) == (1, [said])
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01", "--debug")
    assert status == 1
    assert lines[0] == "Traceback (most recent call last):"
    assert "IsADirectoryError: [Errno 21] Is a directory" in "\n".join(lines)
    assert lines[-1] == said
    assert [p.name for p in out.iterdir()] == [LOCK]


def test_the_same_folder_is_named_to_a_save_from_python(corpus, tmp_path):
    out = tmp_path / "out"
    (out / LOCK).mkdir(parents=True)
    with pytest.raises(FileFault, match=rf"^{re.escape(str(out / LOCK))} is a folder, where the output folder's lock"):
        an.save_table(pd.DataFrame({"n": [1]}), "01-t", settings=an.Settings(corpus=corpus, out=out))


def test_a_fault_of_the_package_is_one_line_saying_how_to_see_and_report_it(capsys, monkeypatch):
    def broken(**settings):
        raise TypeError(f"unexpected {ANSI}value")

    monkeypatch.setattr("analysis.__main__.run_all", broken)
    status, lines = _command(capsys, "--only", "01")
    assert (status, lines) == (1, [f"error: TypeError: unexpected {ESCAPED}value (a fault of the package, not of "
                                   "your files: run again with --debug for the traceback, and report it)"])


def test_a_full_disk_in_a_notebook_kernel_is_one_line_naming_the_file(corpus, tmp_path, capsys, monkeypatch):
    # The kernel's disk fills as it saves: every fsync there fails as a full disk's does.
    one_cell_notebook(tmp_path / "notebooks", monkeypatch, "import errno, os\n"
                       "def full(descriptor):\n    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
                       "os.fsync = full")
    out = tmp_path / "out"
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01")
    assert status == 1
    assert lines[-1] == (f"error: 01-tiny.ipynb, cell 2 of 2 (code cells): FileFault: {out.resolve()}/"
                         "01-tiny-figure.png: No space left on device; the disk is full: free some space on it, or "
                         "write elsewhere")
    assert [p.name for p in out.iterdir()] == [LOCK]  # nothing half-written, no temporary file left


def test_a_full_disk_for_the_report_is_one_line_naming_it(corpus, tmp_path, capsys, monkeypatch):
    import analysis.files as files

    one_cell_notebook(tmp_path / "notebooks", monkeypatch, "")
    fsync = os.fsync

    def full_for_reports(descriptor):  # this process writes the reports; the kernel wrote the figure
        if "/reports/" in os.readlink(f"/proc/self/fd/{descriptor}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        fsync(descriptor)

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell the report's descriptor from the others (Linux)")
    monkeypatch.setattr(files.os, "fsync", full_for_reports)
    out = tmp_path / "out"
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01")
    assert status == 1
    assert lines[-1] == (f"error: {out.resolve()}/reports/01-tiny.html: No space left on device; the disk is full: "
                         "free some space on it, or write elsewhere")
    saved = json.loads((out / "manifest.json").read_bytes())["01-tiny-figure"]["files"]
    assert "01-tiny-figure.png" in saved
    # The figure as the kernel saved it, and of the report neither a part nor a temporary file.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == sorted(
        [LOCK, *saved, "manifest.json", "reports"])


def test_a_corpus_removed_during_the_run_is_one_line_naming_it(corpus, tmp_path, capsys, monkeypatch):
    one_cell_notebook(tmp_path / "notebooks", monkeypatch, "import shutil\nshutil.rmtree(settings.corpus)")
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(tmp_path / "out"), "--only", "01")
    assert (status, lines[-1]) == (1, f"error: the corpus {corpus} was removed or moved during the run: put it "
                                      "back, or give --corpus its new place, and run again")


# --- The terminal is safe ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("plain words, é, ü, 中文, \\ and a path/x.txt", "plain words, é, ü, 中文, \\ and a path/x.txt"),
    (f"{ANSI}x.txt", f"{ESCAPED}x.txt"),
    ("one\nwarning\tspread\r", "one\\nwarning\\tspread\\r"),
    ("\x00\x07\x7f\x85\x9b", "\\x00\\x07\\x7f\\x85\\x9b"),  # NUL, BEL, DEL, NEL and the C1 CSI
    ("abc\u202edcba\u2066\u2069\u200f", "abc\\u202edcba\\u2066\\u2069\\u200f"),
    ("line\u2028break", "line\\u2028break"),
    ("undecodable \udcff name", "undecodable \\udcff name"),
])
def test_terminal_text_shows_every_control_as_an_escape_and_leaves_the_rest(text, shown):
    assert terminal_text(text) == shown


def test_an_error_naming_a_hostile_folder_prints_no_control_character(corpus, capsys):
    out = corpus / f"{ANSI}out\n"
    status, lines = _command(capsys, "--corpus", str(corpus), "--out", str(out), "--only", "01")
    assert status == 1
    assert lines == [f"error: --out {corpus}/{ESCAPED}out\\n is inside the corpus {corpus}, and nothing is written "
                     "into a corpus: give --out a folder outside it"]


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """`python -m analysis run --only 01` on a corpus holding a file named with ANSI escapes (unlisted: the run's
    closing warnings name it), into a folder holding another program's temporary file and the package's own, of
    an ended writer and of a live one."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = write_corpus(root / "corpus", {"a.txt": TEXT, f"{ANSI}note.txt": TEXT}, "file,outlet\na.txt,One\n")
    out = root / "out"
    out.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    temporaries = {"foreign": out / ".x.tmp", "ended": out / f".analysis-{_ended_pid()}-0123abcd.a.png.tmp",
                   "live": out / f".analysis-{live.pid}-0123abcd.b.png.tmp"}
    for path in temporaries.values():
        path.write_bytes(b"x")
    try:
        result = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out),
                                 "--only", "01"], cwd=PROJECT, capture_output=True, timeout=600,
                                env={**os.environ, "MPLBACKEND": "Agg"})
    finally:
        live.kill()
        live.wait()
    return result, temporaries


def test_a_file_named_with_escape_sequences_never_reaches_the_terminal_raw(hostile_run):
    result, _ = hostile_run
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-3000:]
    stderr = result.stderr.decode("utf-8")
    assert "\x1b" not in stderr and "\x9b" not in stderr
    warned = [line for line in stderr.splitlines() if line.startswith("  - ")]
    assert [line for line in warned if f"{ESCAPED}note.txt" in line], stderr  # named, escaped, on one line


def test_a_run_removes_only_its_own_temporary_files_of_ended_writers(hostile_run):
    _, temporaries = hostile_run
    assert {name: path.exists() for name, path in temporaries.items()} == {"foreign": True, "ended": False,
                                                                           "live": True}


def test_a_notebook_stopped_while_its_kernel_starts_leaves_nothing_to_fail_at_exit(tmp_path, monkeypatch):
    # A notebook failing (a full disk) stops the one beside it, perhaps while its kernel starts. nbclient has then
    # registered that kernel's clean-up to run at exit, and left it there: at exit it failed, after the run's one
    # line ("Exception ignored in atexit callback ... AssertionError").
    import asyncio
    import atexit
    import io

    from nbclient import NotebookClient

    path = tmp_path / "02-stopped.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    start = NotebookClient.async_start_new_kernel

    async def stopped_while_starting(self, **options):
        asyncio.current_task().cancel()  # as _run_in_order stops it when the notebook beside it fails
        return await start(self, **options)

    at_exit, register, unregister = [], atexit.register, atexit.unregister

    def registered(function, *arguments, **options):  # the notebook clients' clean-ups, as atexit keeps them
        if isinstance(getattr(function, "__self__", None), NotebookClient):
            at_exit.append(function)
        return register(function, *arguments, **options)

    def unregistered(function):
        at_exit[:] = [kept for kept in at_exit if kept != function]
        unregister(function)

    monkeypatch.setattr(NotebookClient, "async_start_new_kernel", stopped_while_starting)
    monkeypatch.setattr(atexit, "register", registered)
    monkeypatch.setattr(atexit, "unregister", unregistered)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(runner._execute(path, io.StringIO()))
    assert at_exit == []


def test_a_temporary_named_like_ours_with_an_impossible_process_number_is_kept(tmp_path):
    foreign = tmp_path / ".analysis-99999999999999999999-deadbeef.x.tmp"
    foreign.write_bytes(b"x")
    assert OutputFolder(tmp_path).remove_temporaries() == [] and foreign.exists()


def test_an_output_folder_that_is_the_corpus_under_another_name_is_refused(tmp_path):
    """A case-insensitive file system or a bind mount gives one folder two paths that resolve apart."""
    corpus = write_corpus(tmp_path / "corpus", {"a.txt": "The strike killed him."}, "file,outlet\na.txt,X\n")
    other = tmp_path / "mounted"
    other.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(corpus), str(other)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot bind-mount here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        from analysis.output import inside_corpus

        assert other.resolve() != corpus.resolve()
        assert inside_corpus(other / "out", corpus) and inside_corpus(other, corpus)
        assert not inside_corpus(tmp_path / "out", corpus)
    finally:
        subprocess.run(["umount", str(other)], check=True)
