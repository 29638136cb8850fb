"""The notebooks in a real JupyterLab: each runs from the Run menu and shows inline every figure it saves.

The run itself (tests/jupyterlab_run.py) is the session fixture `lab_run` (tests/conftest.py), shared with
tests/test_committed_figures.py. Where Chromium, Node.js 20+ or playwright-core is missing these tests skip,
naming what is missing; with CI=true they fail instead (.ci/run installs all three).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROJECT
from jupyterlab_run import FIGURES, NOTEBOOKS


def _figures_saved(manifest: Path, notebook: str) -> int:
    """Figures a notebook saved, by the manifest: entries of that notebook with a PNG."""
    entries = json.loads(manifest.read_text(encoding="utf-8")).values() if manifest.is_file() else []
    return sum(entry["notebook"] == notebook and any(f.endswith(".png") for f in entry["files"]) for entry in entries)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_each_notebook_runs_from_the_run_menu_in_jupyterlab_and_shows_every_saved_figure_inline(lab_run, path):
    result = lab_run.results.get(path.name)
    assert result is not None, f"{path.name} was never opened:\n{lab_run.log[-3000:]}"
    assert "failure" not in result, f"{path.name} in JupyterLab: {result['failure']}"
    assert result["errors"] == [], f"{path.name}: error output {result['errors']}; screenshot {result.get('screenshot')}"
    assert result["kernel"] == "idle" and result["executed"] == result["code"] > 0, result
    assert result["kernelName"] == "python3"

    saved = _figures_saved(lab_run.out / "manifest.json", path.stem)
    # The committed figures say how many each notebook saves; notebook 05 saves none without ../shared/data.
    validated = (PROJECT.parent / "shared" / "data").is_dir()
    expected = _figures_saved(FIGURES / "manifest.json", path.stem) if validated or path.stem[:2] != "05" else 0
    shown = result["inlineImages"]
    assert result["loadedImages"] == shown, f"{path.name}: {shown - result['loadedImages']} inline figures never loaded"
    assert result["modelImages"] == shown, f"{path.name}: {result['modelImages']} image/png outputs, {shown} rendered"
    assert (shown, saved) == (expected, expected), \
        f"{path.name}: {shown} figures shown inline, {saved} saved, {expected} in figures/manifest.json"
    screenshot = Path(result["screenshot"])
    assert screenshot.parent == lab_run.screenshots and screenshot.stat().st_size > 10_000


def test_jupyterlab_leaves_the_project_as_it_was_and_no_process_behind(lab_run):
    assert lab_run.untouched, "running the notebooks in JupyterLab changed notebooks/, figures/manifest.json or seeds/"
    assert sorted(p.name for p in lab_run.base.joinpath("root").glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert lab_run.leftover == [], f"still running after jupyter lab and the browser were stopped: {lab_run.leftover}"
