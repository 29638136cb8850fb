"""The committed figures are in step with the code: one fresh run of every notebook on the seeds, compared.

One run (`fresh_figures`) serves every test here: the run in JupyterLab that tests/test_jupyterlab.py checks,
where the browser tools are here (CI), else one through the command line. pytest-xdist keeps both modules on
one worker (tests/conftest.py, GROUPED_MODULES), so the seeds go through the notebooks once.
"""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from analysis.runner import notebooks
from conftest import PROJECT, SEEDS

FIGURES = PROJECT / "figures"
OUTPUTS = (".png", ".svg", ".csv", ".md", ".tex", ".parquet", ".xlsx")
NOTEBOOKS = notebooks()


@pytest.fixture(scope="module")
def fresh_figures(request, tmp_path_factory):
    """Every notebook run on the seeds into a temporary folder: in JupyterLab where the browser tools are here
    (CI: the run tests/test_jupyterlab.py checks, so the seeds go through the notebooks once), else through the
    command line."""
    from jupyterlab_run import missing_tools

    if not missing_tools():
        return request.getfixturevalue("lab_run").out
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
    committed = sorted(p.name for p in FIGURES.iterdir() if p.suffix in OUTPUTS
                       and (validated or not p.name.startswith("05-")))
    fresh = sorted(p.name for p in fresh_figures.iterdir() if p.suffix in OUTPUTS)
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
    from analysis.provenance import CODE_PATHS, RUNTIME_DEPENDENCIES

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_saved_figure_is_shown_inline_in_the_kept_notebook(fresh_figures, path, request):
    manifest = json.loads((fresh_figures / "manifest.json").read_text(encoding="utf-8"))
    saved = sum(entry["notebook"] == path.stem and any(f.endswith(".png") for f in entry["files"])
                for entry in manifest.values())
    report = fresh_figures / "reports" / f"{path.stem}.ipynb"
    if report.is_file():  # run by the command line, which keeps each executed notebook
        assert report.with_suffix(".html").is_file()
        executed = nbformat.read(report, as_version=4)
        shown = sum("image/png" in output.get("data", {}) for cell in executed.cells if cell.cell_type == "code"
                    for output in cell.outputs)
    else:  # run in JupyterLab: the figures the browser rendered in the notebook
        shown = request.getfixturevalue("lab_run").results[path.name]["inlineImages"]
    assert shown == saved
