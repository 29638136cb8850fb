"""Identical re-runs stay honest: the same corpus run twice, into two folders, gives the same bytes in every file.

The corpus is tests/small_corpora.py's `desks` (four articles, two outlets, headlines, dates, quotations, a line
that cleaning removes; grouped by a column of its own). It is run twice at once (one per core), each into its own
folder: by the runner in the test process (the run tests/test_any_corpus.py reads too) and by
`python -m analysis run` with a cache of its own, so the second computes everything again and the command
line and the runner called from Python are held to the same bytes. Every file is then compared byte for byte:
figures (PNG, SVG), tables (CSV, Markdown, LaTeX, Parquet), the reports (HTML and .ipynb) and the manifest.

One difference is legitimate: the notebooks display their settings, output folder included, so a report may name
its own folder; in the reports alone that path is replaced by "<out>" before comparing. The manifest records the
corpus path, never the output folder, so it is compared as written.

Notebook 05 is left out: it reads the validation data, never the corpus, and is the slowest by far.
For the seeds, tests/test_committed_figures.py already checks that a fresh run gives the committed figures,
tables and manifest byte for byte (the code commit apart); the reports, which are not committed, are checked here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis.files import TEMPORARY
from analysis.output import LOCK
from small_corpora import CORPUS_NOTEBOOKS as NOTEBOOKS, TWICE

FIGURES = (".png", ".svg")
TABLES = (".csv", ".md", ".tex", ".parquet")


@pytest.fixture(scope="module")
def runs(small_corpus_runs) -> tuple[Path, Path]:
    """The `desks` corpus's two runs, made at once: by the runner in the test process, by the command line."""
    run = small_corpus_runs[TWICE]
    assert run.again_status == 0, run.again_stderr[-3000:]
    return run.out, run.again


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
