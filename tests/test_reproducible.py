"""Identical re-runs stay honest: the same corpus run twice, into two folders, gives the same bytes in every file.

A small corpus that is not the seeds (four articles, two outlets, headlines, dates, a quotation, a line that
cleaning removes) goes through `python -m analysis run` twice, both runs at once (one per core), each into its own
folder. Every file is then compared byte for byte: figures (PNG, SVG), tables (CSV, Markdown, LaTeX, Parquet),
the reports (HTML and .ipynb) and the manifest.

One difference is legitimate: the notebooks display their settings, output folder included, so a report may name
its own folder; in the reports alone that path is replaced by "<out>" before comparing. The manifest records the
corpus path, never the output folder, so it is compared as written.

Notebook 05 is left out (`--only`): it reads the validation data, never the corpus, and is the slowest by far.
For the seeds, tests/test_notebooks.py already checks that a fresh run gives the committed figures, tables and
manifest byte for byte (the code commit apart); the reports, which are not committed, are checked here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.files import TEMPORARY
from analysis.output import LOCK
from analysis.runner import notebooks
from conftest import PROJECT, write_corpus

NOTEBOOKS = [path.stem for path in notebooks() if not path.stem.startswith("05-")]
FIGURES = (".png", ".svg")
TABLES = (".csv", ".md", ".tex", ".parquet")

ARTICLES = {
    "alpha-1.txt": "US strike kills Soleimani\n\n"
                   "The United States killed the Iranian general Qassem Soleimani in a drone strike near Baghdad "
                   "airport on Friday. Iran called the killing an act of terrorism and promised revenge.\n\n"
                   "Advertisement\n\n"
                   "\"This was an act of war against our nation,\" the Iranian foreign minister said on Saturday. "
                   "Officials in Washington described the strike as an act of self-defence.\n",
    "alpha-2.txt": "Oil prices rose sharply after the news of the attack. Markets in Asia fell on the first day of "
                   "trading.\n\nCritics in Congress asked whether the operation was lawful under international law. "
                   "\u201cIt was murder,\u201d one senator said.\n",
    "beta-1.txt": "Russia condemned the assassination of the Iranian commander as a violation of Iraqi sovereignty. "
                  "The Foreign Ministry in Moscow warned that the murder would raise tension across the region.\n\n"
                  "China urged all sides to show restraint. Soleimani was killed by a US drone, officials said.\n",
    "beta-2.txt": "Soleimani led the Quds Force for more than twenty years. His death raised fears of a wider war "
                  "between Iran and the United States.\n\nAccording to analysts, the strike was a \u2018targeted "
                  "killing\u2019 that Washington had planned for months.\n",
}
METADATA = ("file,outlet,title,date\n"
            "alpha-1.txt,Alpha News,US strike kills Soleimani,2020-01-03\n"
            "alpha-2.txt,Alpha News,Markets fall after the strike,2020-01-04\n"
            "beta-1.txt,Beta Wire,Moscow condemns the killing,2020-01-04\n"
            "beta-2.txt,Beta Wire,,2020-01-06\n")


def _start(corpus: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--out", str(out), "--only", *NOTEBOOKS],
        cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """The corpus run twice at once, into two folders."""
    root = tmp_path_factory.mktemp("reproducible")
    corpus = write_corpus(root / "corpus", ARTICLES, METADATA)
    outs = (root / "first", root / "second")
    processes = [_start(corpus, out) for out in outs]
    for process in processes:
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, stderr[-3000:]
    return outs


def _files(out: Path) -> dict[str, Path]:
    """Every file a run left, by its path in the folder, but the lock (which names its last holder and time)."""
    return {path.relative_to(out).as_posix(): path for path in sorted(out.rglob("*"))
            if path.is_file() and path.name != LOCK}


def _differing(runs, suffixes: tuple[str, ...], *, folder_named: bool = False) -> dict[str, str]:
    """The files with these suffixes that differ between the runs, each with its first differing line."""
    first, second = (_files(out) for out in runs)
    names = [name for name in first if name.endswith(suffixes)]
    assert names, f"the runs wrote no {suffixes} file"

    def read(out: Path, path: Path) -> bytes:
        data = path.read_bytes()
        return data.replace(os.fsencode(out.resolve()), b"<out>") if folder_named else data

    differing = {}
    for name in names:
        a, b = read(runs[0], first[name]), read(runs[1], second[name])
        if a != b:
            lines = [(x, y) for x, y in zip(a.splitlines(), b.splitlines()) if x != y] or [(a[-80:], b[-80:])]
            differing[name] = f"{lines[0][0][:160]!r} != {lines[0][1][:160]!r}"
    return differing


def test_both_runs_write_the_same_files_and_every_output_of_every_notebook(runs):
    first, second = (_files(out) for out in runs)
    assert sorted(first) == sorted(second)
    assert not [name for name in first if name.endswith(TEMPORARY)]
    assert {name for name in first if name.startswith("reports/")} == \
        {f"reports/{notebook}{suffix}" for notebook in NOTEBOOKS for suffix in (".html", ".ipynb")}
    assert {Path(name).suffix for name in first} >= {*FIGURES, *TABLES, ".json", ".html", ".ipynb"}


def test_figures_are_byte_identical(runs):
    assert _differing(runs, FIGURES) == {}


def test_tables_are_byte_identical(runs):
    assert _differing(runs, TABLES) == {}


def test_the_manifest_is_byte_identical_and_never_names_the_output_folder(runs):
    assert _differing(runs, ("manifest.json",)) == {}
    assert os.fsencode(runs[0].resolve()) not in (runs[0] / "manifest.json").read_bytes()


def test_html_reports_are_byte_identical_but_for_the_output_folder_they_name(runs):
    assert _differing(runs, (".html",), folder_named=True) == {}


def test_notebook_reports_are_byte_identical_but_for_the_output_folder_they_name(runs):
    # nbclient writes each cell's start and end times into its metadata ("execution") unless told not to:
    # NotebookClient(..., record_timing=False) in analysis/runner.py run_notebook.
    assert _differing(runs, (".ipynb",), folder_named=True) == {}
