"""The notebooks: committed clean, thin, runnable headless, and in step with the committed figures."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from analysis.runner import NotebookFailed, notebooks, run_notebook
import pandas as pd

from conftest import DESKS, PROJECT, SEEDS

FIGURES = PROJECT / "figures"
NOTEBOOKS = notebooks()


def test_the_notebooks_are_numbered_and_start_with_01():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "01-corpus.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebooks_are_committed_without_outputs_and_stay_thin(path):
    notebook = nbformat.read(path, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(line.split("=")[0].strip().isupper() for line in code[0].source.splitlines() if line.strip())
    for cell in code:
        # Notebooks call the package; NLTK's downloader ("nltk" + ".download") fails offline anyway.
        for forbidden in ("def ", "class ", "import re", "open(", "nltk" + ".download"):
            assert forbidden not in cell.source, f"{path.name}: {forbidden!r} belongs in the package"
    # Findings: written for the seeds in a Markdown cell, or computed from the tables (notebook 05).
    assert any((cell.cell_type == "markdown" and "## Findings" in cell.source)
               or (cell.cell_type == "code" and "an.show_validation(" in cell.source) for cell in notebook.cells)


@pytest.fixture(scope="module")
def fresh_figures(tmp_path_factory):
    """Run every notebook on the seeds, through the command line, into a temporary folder."""
    out = tmp_path_factory.mktemp("figures")
    before = {p: p.stat().st_mtime_ns for p in SEEDS.rglob("*")}
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--out", str(out)],
        cwd=PROJECT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert {p: p.stat().st_mtime_ns for p in SEEDS.rglob("*")} == before  # the corpus is never written to
    return out


def test_the_committed_figures_are_not_stale(fresh_figures):
    # Notebook 05 reads ../shared/data: without it (a user's clone) it saves nothing, and its files are not compared.
    validated = (PROJECT.parent / "shared" / "data").is_dir()
    committed = sorted(p.name for p in FIGURES.iterdir() if p.suffix in (".png", ".svg", ".csv")
                       and (validated or not p.name.startswith("05-")))
    fresh = sorted(p.name for p in fresh_figures.iterdir() if p.suffix in (".png", ".svg", ".csv"))
    assert fresh == committed, "figures/ lists other files than the notebooks write: run `make figures`"
    stale = [name for name in committed if (FIGURES / name).read_bytes() != (fresh_figures / name).read_bytes()]
    assert stale == [], f"re-run `make figures`: stale {stale}"


def _without_code(manifest: dict) -> dict:
    return {name: {k: v for k, v in entry.items() if k != "code"} for name, entry in manifest.items()}


def test_the_committed_manifest_matches_a_fresh_run(fresh_figures):
    committed = json.loads((FIGURES / "manifest.json").read_text(encoding="utf-8"))
    fresh = json.loads((fresh_figures / "manifest.json").read_text(encoding="utf-8"))
    # The code commit differs by design: the figures' commit comes after the code's.
    if not (PROJECT.parent / "shared" / "data").is_dir():
        committed = {name: entry for name, entry in committed.items() if not name.startswith("05-")}
    assert _without_code(committed) == _without_code(fresh)
    assert all(entry["code"]["commit"] and not entry["code"]["modified"] for entry in committed.values()), \
        "the committed figures were made from uncommitted code: commit the code, then run `make figures`"


def test_the_manifest_records_the_code_commit_and_every_runtime_dependency(fresh_figures):
    from analysis.figures import CODE_PATHS, RUNTIME_DEPENDENCIES

    entry = next(iter(json.loads((fresh_figures / "manifest.json").read_text(encoding="utf-8")).values()))
    last = subprocess.run(["git", "-C", str(PROJECT), "log", "-1", "--format=%H", "--", *CODE_PATHS],
                          capture_output=True, text=True).stdout.strip()
    assert entry["code"]["commit"] == last and len(last) == 40
    assert set(RUNTIME_DEPENDENCIES) | {"python", "analysis"} == set(entry["versions"])
    assert entry["versions"]["scikit-learn"] != "not installed"


def test_every_figure_has_a_caption_and_its_numbers(fresh_figures):
    manifest = json.loads((fresh_figures / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest.items():
        assert entry["caption"], name
        assert f"{name}.csv" in entry["files"], name


def test_a_failing_cell_is_reported_with_its_notebook_and_cell(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('broken corpus')"),
    ])
    path = tmp_path / "09-broken.ipynb"
    nbformat.write(notebook, path)
    with pytest.raises(NotebookFailed, match=r"09-broken\.ipynb, cell 2 of 2.*broken corpus"):
        run_notebook(path, {})


def test_the_command_exits_non_zero_naming_the_notebook_for_a_bad_corpus(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--only", "01", "--corpus", str(tmp_path / "missing"), "--out", str(tmp_path)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 1
    assert "01-corpus.ipynb, cell" in result.stderr and "corpus not found" in result.stderr


@pytest.mark.parametrize("group", ["desk", "ownership"])
def test_every_notebook_runs_grouped_by_any_metadata_column(tmp_path, desk_corpus, group):
    corpus = desk_corpus if group == "desk" else SEEDS
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", group, "--out", str(tmp_path),
         "--only", "01", "02", "03", "04"],
        cwd=PROJECT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    expected = set(DESKS.values()) if group == "desk" else set(pd.read_csv(SEEDS / "metadata.csv")["ownership"].fillna("unknown"))
    for name in ("01-corpus-own-voice-vs-quoted", "02-terminology-event", "03-sentiment-sentences", "04-framing-frames",
                 "04-framing-speakers", "02-terminology-keyness"):
        table = pd.read_csv(tmp_path / f"{name}.csv", dtype=str)
        assert set(table[group]) == expected, name
    pairs = pd.read_csv(tmp_path / "04-framing-similarity.csv", dtype=str)
    assert set(pairs[f"{group}_a"]) | set(pairs[f"{group}_b"]) == expected


@pytest.mark.needs_shared
def test_the_notebooks_run_on_47_us_outlets_grouped_by_source(tmp_path):
    corpus = PROJECT.parent / "shared" / "data" / "allsides_soleimani" / "jsons"
    result = subprocess.run(
        [sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", "source", "--out", str(tmp_path),
         "--columns", "text=content_original,outlet=source,title=title,date=date", "--only", "01", "02", "03", "04"],
        cwd=PROJECT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {"01-corpus-removed-lines", "02-terminology-event", "02-terminology-spelling"} <= set(manifest)
    assert all(entry["corpus"]["group"] == "source" for entry in manifest.values())
    rates = __import__("pandas").read_csv(tmp_path / "02-terminology-event.csv")
    assert rates["source"].nunique() == 47
    assert set(rates["resampled"]) == {"articles", "sentences"}  # outlets with one article and with several
