"""Output is atomic and isolated: nothing half-written after a kill, one run per folder, one corpus per folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import analysis.files as files  # noqa: E402
from analysis.figures import save_figure, save_table  # noqa: E402
from analysis.files import write_atomic  # noqa: E402
from analysis.output import LOCK, OutputBusy, OutputFolder  # noqa: E402
from analysis.provenance import corpus_fingerprint  # noqa: E402
from analysis.paths import ENV_LOCKED  # noqa: E402
from analysis.settings import Settings  # noqa: E402
from conftest import PROJECT, SEEDS  # noqa: E402

TEMPORARY = re.compile(r"^\..+\.tmp$")


def _run(out: Path, *arguments: str) -> subprocess.Popen:
    """`python -m analysis run --only 01` into `out`, in its own session so that a test can kill it."""
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", "--only", "01", "--out", str(out), *arguments],
                            cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env={**os.environ, "MPLBACKEND": "Agg"})


def _descendants(pid: int) -> list[int]:
    """The processes below `pid` (the notebook kernel starts in a session of its own), from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _kill(process: subprocess.Popen) -> None:
    """SIGKILL the run and its kernel at once, as a power cut or the OOM killer would."""
    victims = [process.pid, *_descendants(process.pid)] if Path("/proc/self/stat").exists() else [process.pid]
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)
    if len(victims) == 1:
        time.sleep(1.5)  # without /proc, let the orphaned kernel notice its parent is gone (it polls every second)


def _wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended before the moment to kill it: {process.stderr.read()[-2000:]}"
        assert time.monotonic() < deadline, "the moment to kill the run never came"
        time.sleep(0.01)


def _newer(path: Path, started: int) -> bool:
    try:
        return path.stat().st_mtime_ns >= started
    except OSError:
        return False


def _manifest_entries(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_bytes()))
    except (OSError, ValueError):  # absent (a half-written one fails _check_folder)
        return 0


def _check_folder(out: Path, users: tuple[str, ...] = ()) -> None:
    """Every file (but the user's own) parses, every file the manifest lists has the checksum it gives,
    and temporary files are hidden and end in .tmp."""
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name not in users):
        if path.name.startswith("."):
            assert path.name == LOCK or TEMPORARY.match(path.name), f"{path.name}: a hidden file that is not ours"
            continue
        suffix = path.suffix
        if suffix == ".png":
            with Image.open(path) as image:
                image.load()
        elif suffix == ".svg":
            ElementTree.parse(path)
        elif suffix == ".csv":
            pd.read_csv(path)
        elif suffix == ".parquet":
            pd.read_parquet(path)
        elif suffix in (".json", ".ipynb"):
            json.loads(path.read_bytes())
        elif suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path.name
        else:
            assert suffix in (".md", ".tex") and path.read_bytes(), path.name
    if (out / "manifest.json").exists():
        manifest = json.loads((out / "manifest.json").read_bytes())
        for name, entry in manifest.items():
            for file, checksum in entry["files"].items():
                assert hashlib.sha256((out / file).read_bytes()).hexdigest() == checksum, f"{name}: {file}"


@pytest.mark.slow
def test_a_run_killed_at_any_moment_leaves_only_whole_files_that_match_the_manifest(tmp_path):
    out = tmp_path / "out"
    # Each moment is one of the run in progress: a file it wrote (mtime after it started) says how far it got.
    moments = [
        lambda started: any(not p.name.startswith(".") for p in out.glob("*")),  # its first output
        lambda started: _newer(out / "manifest.json", started) and _manifest_entries(out) >= 2,  # its second save
    ]  # and while it writes its report: test_a_second_run_waits_for_the_first_and_takes_over_when_it_is_killed
    for moment in moments:
        started = time.time_ns()
        process = _run(out)
        _wait_for(lambda: moment(started), process)
        _kill(process)
        _check_folder(out)
    assert _manifest_entries(out) >= 2


def _seeds_settings(out: Path, notebook: str = "02-terminology") -> Settings:
    return Settings(corpus=SEEDS, out=out, notebook=notebook)


def test_a_second_run_into_a_locked_folder_stops_with_one_line_naming_folder_and_holder(tmp_path):
    out = tmp_path / "out"
    with OutputFolder(out).lock():
        result = subprocess.run([sys.executable, "-m", "analysis", "run", "--only", "01", "--out", str(out),
                                 "--wait", "0.5"], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"error: {out.resolve()} is in use by pid {os.getpid()} on ")
    assert lines[-1].endswith("waited 0.5 s")
    assert not [p for p in out.iterdir() if p.name != LOCK]


@pytest.mark.slow
def test_a_second_run_waits_for_the_first_and_takes_over_when_it_is_killed(tmp_path):
    out = tmp_path / "out"
    first = _run(out, "--wait", "120")
    _wait_for(lambda: (out / LOCK).exists() and f"pid {first.pid} " in (out / LOCK).read_text(), first)
    # As an earlier run, killed mid-write, would leave it. (Not named by the first run's pid: that one may end
    # by itself and still be exiting when the second takes over; a live writer's files are kept.)
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    planted = out / f".analysis-{ended.pid}-0123abcd.01-corpus-coverage.png.tmp"
    planted.write_bytes(b"\x89PNG half")
    second = _run(out, "--wait", "120")
    try:
        assert second.stderr.readline().startswith(f"waiting up to 120 s for {out}, in use by pid {first.pid} ")
        _wait_for(lambda: any((out / "reports").glob("*")), first)  # the first is writing its report: kill it
        _kill(first)
        _check_folder(out)
        assert second.wait(timeout=300) == 0, second.stderr.read()[-2000:]
    finally:
        for process in (first, second):
            if process.poll() is None:
                _kill(process)
    _check_folder(out)
    assert not planted.exists(), "a later run removes the temporary files a killed run left"
    committed = json.loads((PROJECT / "figures" / "manifest.json").read_bytes())  # what 01-corpus saves on the seeds
    assert _manifest_entries(out) == sum(entry["notebook"] == "01-corpus" for entry in committed.values())
    assert (out / "reports" / "01-corpus.ipynb").is_file()


def _contents(out: Path) -> dict[Path, bytes]:
    """Every file but the lock (which says who held it last)."""
    return {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != LOCK}


def _figure():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar(["a"], [1])
    return fig


@pytest.mark.slow
def test_another_corpus_is_refused_and_with_force_replaces_only_what_the_manifest_lists(tmp_path, desk_corpus):
    out = tmp_path / "out"
    save_figure(_figure(), "02-terminology-event", data=pd.DataFrame({"n": [1]}), settings=_seeds_settings(out))
    save_table(pd.DataFrame({"n": [1]}), "02-terminology-kwic-kill", settings=_seeds_settings(out))
    (out / "reports").mkdir()
    (out / "reports" / "02-terminology.html").write_text("<html>seeds</html>\n", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "reports" / "my-notes.html").write_text("mine", encoding="utf-8")
    before = _contents(out)

    command = [sys.executable, "-m", "analysis", "run", "--corpus", str(desk_corpus), "--out", str(out), "--only", "01"]
    refused = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "holds the outputs of seeds" in refused.stderr
    assert "--force" in refused.stderr
    assert _contents(out) == before

    forced = subprocess.run([*command, "--force"], cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert forced.returncode == 0, forced.stderr[-3000:]
    assert "--force: deleted 10 files of seeds" in forced.stderr  # 4 + 4 listed files, a report, the manifest
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert {entry["notebook"] for entry in manifest.values()} == {"01-corpus"}
    assert {entry["corpus"]["fingerprint"] for entry in manifest.values()} == {corpus_fingerprint(desk_corpus)}
    listed = {file for entry in manifest.values() for file in entry["files"]}
    assert {p.name for p in out.iterdir() if p.is_file() and not p.name.startswith(".")} == \
        listed | {"manifest.json", "notes.txt"}
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["01-corpus.html", "01-corpus.ipynb", "my-notes.html"]
    _check_folder(out, users=("notes.txt", "my-notes.html"))


def test_the_same_corpus_grouped_otherwise_is_refused_too(tmp_path):
    from analysis.runner import NotebookFailed, check_output

    out = tmp_path / "out"
    save_table(pd.DataFrame({"n": [1]}), "02-terminology-kwic-kill", settings=_seeds_settings(out))
    check_output(OutputFolder.of(_seeds_settings(out)))  # the same corpus and group: nothing to say
    with pytest.raises(NotebookFailed, match=r"grouped by 'outlet', not of seeds .* grouped by 'country'"):
        check_output(OutputFolder.of(Settings(corpus=SEEDS, out=out, group="country")))


def test_an_unreadable_manifest_is_named_and_force_replaces_it(tmp_path):
    from analysis.runner import NotebookFailed, check_output

    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(b"")  # what an interrupted writer of an older version left
    folder = OutputFolder.of(_seeds_settings(out))
    with pytest.raises(NotebookFailed, match=r"manifest\.json is not valid JSON.*--force"):
        check_output(folder)
    check_output(folder, force=True, stream=sys.stderr)
    assert not (out / "manifest.json").exists()


def test_a_wrong_group_is_named_with_the_columns_there_are_and_the_closest_one(tmp_path):
    from analysis.runner import NotebookFailed, check_settings

    with pytest.raises(NotebookFailed, match=r"^--group 'countri' is not a column: .*seeds: no column 'countri' to "
                                             r"group by; group by one of \['outlet', .*\]; did you mean 'country'\?$"):
        check_settings(Settings(corpus=SEEDS, out=tmp_path, group="countri"))


def test_a_notebooks_outputs_are_up_to_date_until_its_inputs_or_an_output_change(tmp_path):
    settings = _seeds_settings(tmp_path)
    folder = OutputFolder.of(settings)
    save_table(pd.DataFrame({"n": [1]}), "02-terminology-kwic", settings=settings)
    stamp = folder.report_stamp("02-terminology", "inputs")
    assert stamp["outputs"] == {"02-terminology-kwic": folder.manifest()["02-terminology-kwic"]["files"]}
    html = folder.write_report("02-terminology", html=b"<html></html>\n",
                               ipynb=json.dumps({"metadata": {"analysis": stamp}}).encode("utf-8"))
    assert folder.up_to_date("02-terminology", "inputs") == html == tmp_path / "reports" / "02-terminology.html"
    assert folder.up_to_date("02-terminology", "other inputs") is None
    assert folder.up_to_date("01-corpus", "inputs") is None  # never reported
    (tmp_path / "02-terminology-kwic.md").write_text("edited\n", encoding="utf-8")
    assert folder.up_to_date("02-terminology", "inputs") is None


# The atomic writer and the lock, one piece at a time.

def test_write_atomic_replaces_the_file_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"old\n")
    write_atomic(path, b"new\n")
    assert path.read_bytes() == b"new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_intact_and_no_temporary_file(tmp_path, monkeypatch, step):
    path = tmp_path / "a.png"
    path.write_bytes(b"old")

    def fail(*arguments):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, step, fail)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, b"new" * 100_000)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]


def test_a_table_that_fails_to_render_writes_none_of_its_files(tmp_path, monkeypatch):
    settings = _seeds_settings(tmp_path)
    save_table(pd.DataFrame({"n": [1]}), "t", settings=settings)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*arguments, **options):
        raise ValueError("cannot render")

    monkeypatch.setattr(pd.DataFrame, "to_latex", broken)
    with pytest.raises(ValueError, match="cannot render"):
        save_table(pd.DataFrame({"n": [2]}), "t", settings=settings)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_save_interrupted_between_files_never_leaves_the_manifest_contradicting_them(tmp_path, monkeypatch):
    settings = _seeds_settings(tmp_path)
    save_table(pd.DataFrame({"n": [1]}), "t", settings=settings)
    replace, calls = os.replace, []

    def dies_on_the_third(source, target):
        calls.append(target)
        if len(calls) == 3:  # the manifest without the entry, t.csv, then t.md: killed here
            raise KeyboardInterrupt
        replace(source, target)

    monkeypatch.setattr(files.os, "replace", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        save_table(pd.DataFrame({"n": [2]}), "t", settings=settings)
    assert "t" not in json.loads((tmp_path / "manifest.json").read_bytes())
    assert (tmp_path / "t.csv").read_text() == "n\n2\n"
    _check_folder(tmp_path)


def test_remove_temporaries_removes_the_packages_own_temporary_files_only(tmp_path):
    (tmp_path / "reports").mkdir()
    own = f".analysis-{os.getpid()}-0123abcd"  # write_atomic's, of this process: not writing while it clears
    stale = [tmp_path / f"{own}.a.png.tmp", tmp_path / "reports" / f"{own}.01-corpus.html.tmp"]
    kept = [tmp_path / "a.png", tmp_path / "b.tmp", tmp_path / ".a.png.12-ab.tmp", tmp_path / LOCK]
    for path in stale + kept:
        path.write_bytes(b"x")
    assert OutputFolder(tmp_path).remove_temporaries() == sorted(stale)
    assert all(path.exists() for path in kept)


def test_clearing_deletes_listed_files_reports_and_manifest_and_nothing_else(tmp_path):
    (tmp_path / "reports").mkdir()
    for name in ("a.png", "a.csv", "mine.png", "reports/01-corpus.html", "reports/mine.html"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path.parent / "outside.txt").write_bytes(b"x")
    manifest = {"a": {"files": {"a.png": "", "a.csv": "", "../outside.txt": "", "gone.svg": ""}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    removed = OutputFolder(tmp_path).clear(reports=("01-corpus",))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in removed) == \
        ["a.csv", "a.png", "manifest.json", "reports/01-corpus.html"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == \
        ["mine.png", "reports/mine.html"]
    assert (tmp_path.parent / "outside.txt").exists()


def test_a_kernel_of_a_live_run_writes_without_waiting_for_the_lock_its_run_holds(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_LOCKED, f"{os.getppid()}:{tmp_path.resolve()}")  # as if our parent were the run
    with OutputFolder(tmp_path).lock(timeout=0):
        pass
    assert not (tmp_path / LOCK).exists()  # the lock was never taken


def test_a_kernel_whose_run_has_died_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_LOCKED, f"999999999:{tmp_path.resolve()}")
    with pytest.raises(OutputBusy, match="has ended"):
        save_table(pd.DataFrame({"n": [1]}), "t", settings=_seeds_settings(tmp_path))
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_the_lock_is_reentrant_within_one_process(tmp_path):
    with OutputFolder(tmp_path).lock(timeout=0):
        with OutputFolder(tmp_path).lock(timeout=0):
            save_table(pd.DataFrame({"n": [1]}), "t", settings=_seeds_settings(tmp_path))
    assert (tmp_path / "t.csv").exists()


_KERNEL_WRITES = """
import sys
import pandas as pd
from analysis.figures import save_table
from analysis.settings import Settings
from conftest import SEEDS
out, prefix = sys.argv[1], sys.argv[2]
settings = Settings(corpus=SEEDS, group="outlet", out=out, notebook=prefix)
for i in range(15):
    save_table(pd.DataFrame({"n": [i]}), f"{prefix}-{i:02d}", settings=settings)
"""


def test_two_kernels_of_one_run_writing_at_once_lose_no_manifest_entry(tmp_path):
    from analysis.paths import ENV_KERNELS_LOCK

    # Children of this process, as a run's kernels are of the run; they take turns under the run's kernels' lock.
    env = {**os.environ, ENV_LOCKED: f"{os.getpid()}:{tmp_path.resolve()}",
           ENV_KERNELS_LOCK: str(tmp_path.parent / "kernels.lock"),
           "PYTHONPATH": os.pathsep.join([str(PROJECT), str(PROJECT / "tests")])}
    kernels = [subprocess.Popen([sys.executable, "-c", _KERNEL_WRITES, str(tmp_path), prefix], env=env,
                                stderr=subprocess.PIPE, text=True) for prefix in ("a", "b")]
    for kernel in kernels:
        assert kernel.wait(timeout=300) == 0, kernel.stderr.read()
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest) == sorted(f"{prefix}-{i:02d}" for prefix in ("a", "b") for i in range(15))
    assert not (tmp_path / LOCK).exists()


@pytest.mark.parametrize("broken, slow", [("01-broken", "02-slow"), ("02-broken", "01-slow")])
def test_a_failing_notebook_stops_the_one_running_beside_it(tmp_path, monkeypatch, broken, slow):
    import nbformat

    import analysis.runner as runner

    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name, source in ((broken, "raise ValueError('broken corpus')"), (slow, "import time; time.sleep(120)")):
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)]), folder / f"{name}.ipynb")
    monkeypatch.setattr(runner, "notebooks", lambda only=None: sorted(folder.glob("*.ipynb")))
    monkeypatch.setattr(runner, "NOTEBOOKS_AT_ONCE", 2)
    start = time.perf_counter()
    with pytest.raises(runner.NotebookFailed, match=rf"{broken}\.ipynb, cell 1 of 1.*broken corpus"):
        runner.run_all(corpus=SEEDS, out=tmp_path / "out", stream=open(os.devnull, "w"))
    assert time.perf_counter() - start < 60  # the slow one was stopped, not waited for
