"""Benchmark: the whole notebook run (`python -m analysis run`) on the BBC corpus, its time and memory per notebook.

    .venv/bin/python benchmarks/run.py [--times 1 5 10] [--interval 0.5] [--keep] [--keep-going] [--distinct]

For each N of `--times` (default 1 5 10) it writes the 2,225 BBC texts N times
(N x 2,225 articles, distinct file names) and a metadata.csv (file,outlet) into
a temporary folder (never into the project), and runs

    python -m analysis run --corpus <folder> --group outlet --out <temporary out folder>

as a subprocess from the project root, with this interpreter, a cold cache
(ANALYSIS_CACHE set to a fresh empty temporary folder) and otherwise this
process's environment.

Time: the runner says `[3/7] 03-sentiment ...` on standard error when a
notebook starts and `[3/7] 03-sentiment: 41.2 s, report ...` when it ends; a
thread reads those lines as they come and stamps them with this clock. Each
notebook's seconds are the runner's own; "wall" is this clock from its start
line to its end line. The runner executes two notebooks at once and prints the
end lines in the notebooks' order, so a notebook's end line can come after it
ended (it waits for the one before it): the runner's seconds are the notebook's
own, and the walls overlap. Time before the first start line (loading and
checking the corpus, taking the output folder's lock) is the row "start"; time
after the last end line (the corpus warnings, the interpreter's exit) is
"finish"; "whole run" is from the subprocess's start to its exit.

Memory: every `--interval` seconds (default 0.5) it finds the process tree of
the runner (its descendants, by the parent pid in /proc/*/stat; the notebook
kernels start sessions of their own but stay its children, and their forked
workers theirs; a process once seen is followed until it exits even if its
parent went first) and reads each one's PSS (proportional set size, the `Pss:`
line of /proc/<pid>/smaps_rollup): pages shared between a kernel and its forked
workers are split between them, not counted twice, so the sum is what the tree
takes from the machine. A process gone between listing and reading counts 0.
For each notebook: the peak of the sum over the tree, the peak of the largest
single process (and its command) and the number of processes seen, over the
samples taken between its start and its start plus the runner's seconds. As two
notebooks run at once, the sum during a notebook includes the one beside it;
the column "own kernel + workers" is the peak of its own kernel's subtree alone
(the kernel matched to the notebook by when it was first and last seen).

Per N it prints a Markdown table, and at the end a table across N (articles,
seconds, seconds per 1,000 articles, time per article against the x1 run,
memory), the targets (x10 completes, exit status 0; the largest process under
3 GB and the sum under 6 GB; time per article at xN at most 1.5 times that at
x1), and a least-squares linear fit of seconds, largest process and sum against
articles, extrapolated to 100,000 articles.

A failed run (non-zero exit status; negative: killed by that signal, e.g. -9 by
the out-of-memory killer) prints the last 30 lines of its standard error and
stops the benchmark, unless `--keep-going`. Processes of the run left behind by
a killed runner are ended (by pid, after checking that each is still the same
process). `--keep` leaves the temporary folders (corpus, out with the reports,
cache) and prints where they are. Needs ../shared/data/bbc_news.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from analysis.language.tokens import WORDS  # the words shared_passages counts
from common import BBC

PROJECT = Path(__file__).resolve().parents[1]
MB = 1024  # kB per MB: PSS is read in kB
LARGEST_LIMIT_MB = 3072  # targets: the largest process under 3 GB,
SUM_LIMIT_MB = 6144  # the whole tree under 6 GB,
RATIO_LIMIT = 1.5  # and time per article at xN at most 1.5 times that at x1
EXTRAPOLATE_TO = 100_000  # articles

START_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+) \.\.\.\s*$")
END_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+): ([0-9.]+) s, report")
KEPT_LINE = re.compile(r"^\[(\d+)/(\d+)\] (\S+): kept ")
HEARTBEAT = re.compile(r"^\s+(\S+): cell (\d+) of (\d+) running for (\d+) s")


#: --distinct: in copy k >= 1, every DISTINCT_EVERY-th word of a text becomes a word of that copy alone.
DISTINCT_EVERY = 7


def _distinct(text: str, mark: str) -> str:
    """`text` with every DISTINCT_EVERY-th word (as shared_passages counts words) replaced by `mark`."""
    pieces, end = [], 0
    for number, (start, stop) in enumerate(WORDS.span_tokenize(text), 1):
        if number % DISTINCT_EVERY == 0:
            pieces += [text[end:start], mark]
            end = stop
    return "".join(pieces) + text[end:]


def write_corpus(folder: Path, times: int, distinct: bool = False) -> int:
    """The BBC texts `times` over, as <copy>-<category>-<number>.txt with a metadata.csv (outlet = category), as
    benchmarks/pipeline.py writes them; the number of articles.

    With `distinct`, copy k >= 1 has every DISTINCT_EVERY-th word of the text replaced by "w<k>", so that
    almost no passage of eight words is shared between copies, as between the articles of a real corpus (22 of
    2,585 passages found in three copies join copies, where a mark fuses with a neighbouring word or the text
    holds "W1"); six words in seven, the lexicons' and VADER's included, stay as written."""
    folder.mkdir(parents=True)
    files = sorted(BBC.glob("*/*.txt"))
    rows = ["file,outlet"]
    for copy in range(times):
        for path in files:
            name = f"{copy}-{path.parent.name}-{path.name}"
            if distinct and copy:
                raw = path.read_bytes()
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:  # sport/199.txt is Windows-1252
                    text = raw.decode("cp1252")
                (folder / name).write_text(_distinct(text, f"w{copy}"), encoding="utf-8")
            else:
                shutil.copyfile(path, folder / name)
            rows.append(f"{name},{path.parent.name}")
    (folder / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


# --- The process tree and its memory -------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, int] | None:
    """(parent pid, start time in clock ticks) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()  # the command name, in parentheses, may hold spaces
    return int(fields[1]), int(fields[19])


def _pss_kb(pid: int) -> int:
    """The process's PSS in kB (0 if it is gone, a zombie or not readable)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as file:
            for line in file:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        try:  # a kernel without smaps_rollup (before Linux 4.14): the same sum, by mapping
            with open(f"/proc/{pid}/smaps", "rb") as file:
                return sum(int(line.split()[1]) for line in file if line.startswith(b"Pss:"))
        except (OSError, ValueError, IndexError):
            return 0
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def _command(pid: int) -> str:
    """A short name for the process: the program, and the module or script it runs (`python -m ipykernel_launcher`)."""
    try:
        args = [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
    except OSError:
        return "?"
    if not args:
        return "?"
    name = os.path.basename(args[0])
    if "-m" in args[1:-1]:
        name += " -m " + args[args.index("-m", 1) + 1]
    elif "-c" in args[1:-1]:
        name += " -c " + args[args.index("-c", 1) + 1][:24]
    elif len(args) > 1:
        name += " " + os.path.basename(args[1])
    return name[:48]


class Tree:
    """The runner's process tree: its descendants now, plus those seen before that still live (same start time)."""

    def __init__(self, root: int):
        self.root = root
        self.seen: dict[int, int] = {}  # pid -> start time, of every process seen in the tree
        self.names: dict[tuple[int, int], str] = {}  # (pid, start) -> short command
        self.tops: dict[tuple[int, int], tuple[int, int]] = {}  # (pid, start) -> the runner's child it descends from

    def members(self) -> list[tuple[int, int]]:
        parents: dict[int, list[int]] = {}
        starts: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            found = _stat(int(entry.name))
            if found is None:
                continue  # gone since the listing
            pid = int(entry.name)
            parents.setdefault(found[0], []).append(pid)
            starts[pid] = found[1]
        tree, todo = set(), [(self.root, None)] if self.root in starts else []
        top_of: dict[int, tuple[int, int] | None] = {}
        while todo:
            pid, top = todo.pop()
            if pid not in tree:
                tree.add(pid)
                top_of[pid] = top
                below = top if top is not None else (None if pid == self.root else (pid, starts[pid]))
                todo.extend((child, below) for child in parents.get(pid, []))
        tree.update(pid for pid, start in self.seen.items() if starts.get(pid) == start)  # orphans of the run
        members = []
        for pid in tree:
            self.seen[pid] = starts[pid]
            key = (pid, starts[pid])
            if key not in self.names:
                self.names[key] = _command(pid)
            if key not in self.tops and pid != self.root:
                self.tops[key] = top_of.get(pid) or key
            members.append(key)
        return members

    def leftovers(self) -> list[int]:
        """Processes of the run that still live (the runner gone): the same pid with the same start time."""
        return [pid for pid, start in self.seen.items()
                if pid != self.root and (found := _stat(pid)) is not None and found[1] == start]


@dataclass
class Sample:
    time: float
    total_kb: int
    largest_kb: int
    largest: str
    processes: frozenset
    kernels: dict  # (pid, start) of each of the runner's children -> PSS of it and its descendants, kB


# --- One run of the runner -----------------------------------------------------------------------------------------

@dataclass
class Notebook:
    number: int
    name: str
    started: float
    runner_seconds: float | None = None
    ended: float | None = None  # when its end line came (this clock)


@dataclass
class Row:
    name: str
    seconds: float | None  # the runner's, or this clock's for start, finish and whole run
    wall: float | None
    largest_mb: float
    largest: str
    total_mb: float
    processes: int
    own_mb: float | None = None  # its own kernel and that kernel's workers, peak of their sum


@dataclass
class Result:
    times: int
    articles: int
    status: int | None = None
    seconds: float = 0.0
    rows: list[Row] = field(default_factory=list)
    largest_mb: float = 0.0
    total_mb: float = 0.0
    lines: list[str] = field(default_factory=list)  # notable lines of the runner (warnings), for the report
    long_cells: dict[tuple[str, str], int] = field(default_factory=dict)
    stderr_tail: list[str] = field(default_factory=list)  # its last 30 lines, shown when it fails

    @property
    def ok(self) -> bool:
        return self.status == 0


def _reader(stream, on_line) -> None:
    for raw in iter(stream.readline, b""):
        on_line(time.perf_counter(), raw.decode("utf-8", errors="replace").rstrip("\r\n"))
    stream.close()


def run_once(times: int, articles: int, corpus: Path, work: Path, interval: float) -> Result:
    """Run the notebooks on `corpus` with a cold cache, sampling the tree's memory; the per-notebook rows."""
    out, cache = work / "out", work / "cache"
    cache.mkdir()
    command = [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", "outlet", "--out", str(out)]
    env = {**os.environ, "ANALYSIS_CACHE": str(cache)}
    result = Result(times, articles)
    notebooks: dict[str, Notebook] = {}
    stderr_tail: deque[str] = deque(maxlen=30)
    lock = threading.Lock()

    def on_stderr(now: float, line: str) -> None:
        with lock:
            stderr_tail.append(line)
            if match := START_LINE.match(line):
                notebooks[match[3]] = Notebook(int(match[1]), match[3], now)
                print(f"  {now - start:7.1f} s  {line}", flush=True)
            elif match := END_LINE.match(line):
                notebook = notebooks.setdefault(match[3], Notebook(int(match[1]), match[3], now))
                notebook.runner_seconds, notebook.ended = float(match[4]), now
                print(f"  {now - start:7.1f} s  [{match[1]}/{match[2]}] {match[3]}: {match[4]} s", flush=True)
            elif match := KEPT_LINE.match(line):  # not expected in a fresh out folder; said if it happens
                result.lines.append(line)
            elif match := HEARTBEAT.match(line):
                key = (match[1], match[2])
                result.long_cells[key] = max(result.long_cells.get(key, 0), int(match[4]))
            elif line.strip():
                result.lines.append(line)  # anything else the runner says: warnings, errors

    def on_stdout(now: float, line: str) -> None:
        with lock:
            if line.strip():
                result.lines.append(f"(stdout) {line}")

    samples: list[Sample] = []
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    readers = [threading.Thread(target=_reader, args=(process.stderr, on_stderr), daemon=True),
               threading.Thread(target=_reader, args=(process.stdout, on_stdout), daemon=True)]
    for reader in readers:
        reader.start()
    tree = Tree(process.pid)
    try:
        while True:
            now = time.perf_counter()
            members = tree.members()
            sizes = [(_pss_kb(key[0]), key) for key in members]
            if sizes:
                largest_kb, key = max(sizes)
                groups: dict[tuple[int, int], int] = {}
                for kb, member in sizes:
                    if member in tree.tops:
                        groups[tree.tops[member]] = groups.get(tree.tops[member], 0) + kb
                samples.append(Sample(now, sum(kb for kb, _ in sizes), largest_kb, tree.names[key],
                                      frozenset(k for _, k in sizes), groups))
            if process.poll() is not None:
                break
            time.sleep(max(0.0, interval - (time.perf_counter() - now)))
    except BaseException:  # an interrupt: stop the runner and what it started, then let the interrupt through
        process.kill()
        process.wait()
        _end_leftovers(tree)
        raise
    end = time.perf_counter()
    left = _end_leftovers(tree)  # first: a kernel left behind still holds the pipes the readers wait on
    for reader in readers:
        reader.join(timeout=10)
    result.status, result.seconds = process.returncode, end - start
    if left:
        result.lines.append(f"(benchmark) ended {len(left)} processes the runner left behind: pids {left}")

    kernels = _kernels_of(notebooks, samples, tree)
    # The rows: start, each notebook, finish, whole run.
    ordered = sorted(notebooks.values(), key=lambda n: (n.started, n.number))
    first = ordered[0].started if ordered else end
    result.rows.append(_row("start", first - start, first - start, samples, start, first))
    for notebook in sorted(notebooks.values(), key=lambda n: n.number):
        until = notebook.started + notebook.runner_seconds if notebook.runner_seconds is not None else end
        wall = (notebook.ended if notebook.ended is not None else end) - notebook.started
        name = notebook.name if notebook.runner_seconds is not None else f"{notebook.name} (did not end)"
        row = _row(name, notebook.runner_seconds, wall, samples, notebook.started, until)
        if notebook.name in kernels:
            kernel = kernels[notebook.name]
            row.own_mb = max(s.kernels.get(kernel, 0) for s in samples) / MB
        result.rows.append(row)
    ends = [n.ended for n in notebooks.values() if n.ended is not None]
    if ends and result.ok:
        result.rows.append(_row("finish", end - max(ends), end - max(ends), samples, max(ends), end + 1))
    whole = _row("whole run", result.seconds, result.seconds, samples, start, end + 1)
    result.rows.append(whole)
    result.largest_mb, result.total_mb = whole.largest_mb, whole.total_mb
    result.stderr_tail = list(stderr_tail)
    return result


def _row(name: str, seconds: float | None, wall: float | None, samples: list[Sample], since: float,
         until: float) -> Row:
    """The peaks over the samples taken in [since, until]; the nearest sample when none fell in it (a short phase)."""
    chosen = [s for s in samples if since <= s.time <= until]
    if not chosen and samples:
        chosen = [min(samples, key=lambda s: abs(s.time - since))]
    if not chosen:
        return Row(name, seconds, wall, 0.0, "-", 0.0, 0)
    top = max(chosen, key=lambda s: s.largest_kb)
    return Row(name, seconds, wall, top.largest_kb / MB, top.largest, max(s.total_kb for s in chosen) / MB,
               len(frozenset().union(*(s.processes for s in chosen))))


def _kernels_of(notebooks: dict[str, Notebook], samples: list[Sample], tree: Tree) -> dict[str, tuple[int, int]]:
    """Which kernel ran which notebook: the runner's ipykernel children, matched to the notebooks by when each
    was first and last seen against the notebook's start and end (start plus the runner's seconds); greedily,
    the closest pair first. A kernel starts just after its notebook's start line and is shut down as it ends."""
    seen: dict[tuple[int, int], list[float]] = {}
    for sample in samples:
        for kernel in sample.kernels:
            if "ipykernel" in tree.names.get(kernel, ""):
                first_last = seen.setdefault(kernel, [sample.time, sample.time])
                first_last[1] = sample.time
    pairs = []
    for notebook in notebooks.values():
        if notebook.runner_seconds is None:
            continue
        for kernel, (first, last) in seen.items():
            gap = abs(first - notebook.started) + abs(last - (notebook.started + notebook.runner_seconds))
            pairs.append((gap, notebook.name, kernel))
    chosen: dict[str, tuple[int, int]] = {}
    for gap, name, kernel in sorted(pairs):
        if name not in chosen and kernel not in chosen.values():
            chosen[name] = kernel
    return chosen


def _end_leftovers(tree: Tree) -> list[int]:
    """End the processes of the run still alive after the runner (a killed runner leaves its kernels, which run
    in sessions of their own): SIGTERM, then SIGKILL after 5 s. Each is checked to be the same process first."""
    left = tree.leftovers()
    for pid in left:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 5
    while (still := tree.leftovers()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in still:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


# --- Reports -------------------------------------------------------------------------------------------------------

def _status(status: int | None) -> str:
    if status is None:
        return "not run"
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"signal {-status}"
        hint = " (the out-of-memory killer?)" if -status == signal.SIGKILL else ""
        return f"{status}: killed by {name}{hint}"
    return str(status)


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_run(result: Result) -> None:
    print(f"\n### BBC x {result.times}: {result.articles:,} articles, exit status {_status(result.status)}\n")
    print("| notebook | seconds | wall (this clock) | largest process MB | largest process | sum of processes MB "
          "| processes | own kernel + workers MB |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    for row in result.rows:
        bold = "**" if row.name == "whole run" else ""
        print(f"| {bold}{row.name}{bold} | {bold}{_number(row.seconds)}{bold} | {_number(row.wall)} | "
              f"{bold}{row.largest_mb:,.0f}{bold} | {row.largest} | {bold}{row.total_mb:,.0f}{bold} | {row.processes} | "
              f"{_number(row.own_mb, 0)} |")
    print("\nseconds: the runner's own for a notebook (two run at once, so they add up to more than the whole run); "
          "memory: PSS, peaks over the samples while it ran: the largest process and the sum of all of them (the runner, "
          "both kernels and their workers: it includes the notebook running beside it); own kernel + workers: the "
          "peak of this notebook's kernel and its forked workers alone (the kernel matched by when it started and "
          "ended).")
    if result.long_cells:
        cells = sorted(result.long_cells.items(), key=lambda item: -item[1])
        print("cells still running at a heartbeat (at least that long): " +
              "; ".join(f"{nb} cell {cell}: {seconds} s" for (nb, cell), seconds in cells[:8]))
    if result.lines:
        print(f"the runner also said ({len(result.lines)} lines):")
        for line in result.lines[:40]:
            print(f"    {line}")
        if len(result.lines) > 40:
            print(f"    ... {len(result.lines) - 40} more")
    if not result.ok:
        print(f"\nthe run failed (exit status {_status(result.status)}); the last 30 lines of its standard error:")
        for line in result.stderr_tail:
            print(f"    {line}")


def print_summary(results: list[Result], wanted: list[int]) -> None:
    print("\n## Across sizes\n")
    base = next((r for r in results if r.times == 1 and r.ok), None)
    reference = base or next((r for r in sorted(results, key=lambda r: r.articles) if r.ok), None)
    print("| copies | articles | exit status | seconds | s per 1,000 articles | time per article / x1 "
          "| largest process MB | sum MB | targets |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---|")
    missed: list[str] = []
    for r in results:
        per_article = r.seconds / r.articles
        ratio = per_article / (reference.seconds / reference.articles) if reference and r.ok else None
        misses = []
        if not r.ok:
            misses.append(f"x{r.times} did not complete (exit status {_status(r.status)})")
        if r.largest_mb >= LARGEST_LIMIT_MB:
            misses.append(f"x{r.times} largest process {r.largest_mb:,.0f} MB (limit {LARGEST_LIMIT_MB:,})")
        if r.total_mb >= SUM_LIMIT_MB:
            misses.append(f"x{r.times} sum {r.total_mb:,.0f} MB (limit {SUM_LIMIT_MB:,})")
        if ratio is not None and ratio > RATIO_LIMIT:
            misses.append(f"x{r.times} time per article {ratio:.2f} x that at x{reference.times} (limit {RATIO_LIMIT})")
        missed.extend(misses)
        print(f"| x{r.times} | {r.articles:,} | {_status(r.status)} | {r.seconds:,.1f} | {1000 * per_article:,.1f} | "
              f"{_number(ratio, 2)} | {r.largest_mb:,.0f} | {r.total_mb:,.0f} | {'met' if not misses else 'NOT met'} |")
    if reference is not None and reference.times != 1:
        print(f"\n(no successful x1 run: time per article is against x{reference.times})")
    print(f"\ntargets: x10 completes (exit status 0); largest process under {LARGEST_LIMIT_MB:,} MB and the sum "
          f"under {SUM_LIMIT_MB:,} MB; time per article at xN at most {RATIO_LIMIT} times that at x1.")
    fit(results)
    not_measured = []
    if 10 not in wanted:
        not_measured.append("x10 not measured (not in --times)")
    skipped = [n for n in wanted if n not in [r.times for r in results]]
    if skipped:
        not_measured.append(f"not run: {', '.join(f'x{n}' for n in skipped)} (stopped after a failure or an interrupt)")
    verdict = "no" if missed else ("yes" if not not_measured else "yes, of those measured")
    details = missed + not_measured
    print(f"\ntargets met: {verdict}" + (f" ({'; '.join(details)})" if details else ""))


def fit(results: list[Result]) -> None:
    """Least-squares lines through (articles, seconds / largest / sum) of the successful runs, at 100,000 articles."""
    done = [r for r in results if r.ok]
    if len({r.articles for r in done}) < 2:
        print(f"\nestimate for {EXTRAPOLATE_TO:,} articles: needs at least two sizes that completed "
              f"(have {len(done)}); run with --times 1 5 10")
        return
    import numpy as np

    x = np.array([r.articles for r in done], dtype=float)
    print(f"\nestimate for {EXTRAPOLATE_TO:,} articles, an EXTRAPOLATION from the measured sizes "
          f"({', '.join(f'{int(a):,}' for a in x)} articles) by a least-squares line y = a + b x; "
          "not measured, and only as good as the assumption that time and memory grow linearly:")
    for label, values, unit in [("seconds", [r.seconds for r in done], "s"),
                                ("largest process", [r.largest_mb for r in done], "MB"),
                                ("sum of processes", [r.total_mb for r in done], "MB")]:
        slope, intercept = np.polyfit(x, np.array(values, dtype=float), 1)
        estimate = intercept + slope * EXTRAPOLATE_TO
        extra = f" ({estimate / 60:,.0f} min)" if unit == "s" else ""
        print(f"  {label}: a = {intercept:,.1f} {unit}, b = {1000 * slope:,.2f} {unit} per 1,000 articles "
              f"-> {estimate:,.0f} {unit}{extra}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, nargs="+", default=[1, 5, 10], help="copies of the corpus, one run each")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between memory samples")
    parser.add_argument("--keep", action="store_true", help="leave the temporary folders (corpus, out, cache)")
    parser.add_argument("--keep-going", action="store_true", help="after a failed run, go on to the next size")
    parser.add_argument("--distinct", action="store_true",
                        help="make the copies differ (every 7th word of copy k >= 1 becomes 'w<k>'), so that no "
                             "passage of eight words is shared between copies")
    args = parser.parse_args()
    if not BBC.is_dir():
        sys.exit(f"needs {BBC} (the ../shared folder)")
    if any(n < 1 for n in args.times) or args.interval <= 0:
        sys.exit("--times must be at least 1 and --interval above 0")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; sampling every {args.interval:g} s")
    results: list[Result] = []
    try:
        measure_all(args, results)
    except KeyboardInterrupt:
        print("\ninterrupted: the run was stopped, its processes ended" +
              ("" if args.keep else " and its temporary folder removed"))
        if not results:
            return 130
    print_summary(results, args.times)
    return 0 if all(r.ok for r in results) and len(results) == len(args.times) else 1


def measure_all(args, results: list[Result]) -> None:
    """One run per size of --times, appended to `results` as each ends; stops at a failure unless --keep-going."""
    for times in args.times:
        work = Path(tempfile.mkdtemp(prefix=f"bbc-run-x{times}-"))
        try:
            articles = write_corpus(work / "corpus", times, distinct=args.distinct)
            print(f"\nBBC x {times}: {articles:,} articles in {work / 'corpus'}; running the notebooks "
                  f"(cold cache) ...", flush=True)
            result = run_once(times, articles, work / "corpus", work, args.interval)
        finally:
            if args.keep:
                print(f"kept: {work} (corpus/, out/ with reports/, cache/)")
            else:
                shutil.rmtree(work, ignore_errors=True)
        results.append(result)
        print_run(result)
        if not result.ok and not args.keep_going:
            print("\nstopped after the failure (--keep-going goes on to the next size)")
            break


if __name__ == "__main__":
    sys.exit(main())
