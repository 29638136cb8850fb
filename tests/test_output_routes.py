"""Outputs never land in the wrong place, by any route: `python -m analysis run`, `jupyter nbconvert --execute` of a
notebook with $ANALYSIS_CORPUS set, a notebook run by hand, and `an.save_figure` / `an.save_table` from plain Python
all meet the same refusal, and the manifest never records a corpus or grouping that did not make the file."""

from __future__ import annotations

import json
import os
import re
import shutil
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
import analysis.output as output  # noqa: E402
import analysis.settings as settings_module  # noqa: E402
from analysis.output import LOCK, OutputFolder, OutputRefused  # noqa: E402
from analysis.paths import ENV_COLUMNS, ENV_CORPUS, ENV_GROUP, ENV_LOCKED, ENV_OUT, shown_path  # noqa: E402
from analysis.provenance import corpus_fingerprint  # noqa: E402
from conftest import PROJECT, SEEDS  # noqa: E402

HOW_TO_FIX = "write elsewhere: set ANALYSIS_OUT=DIR"


@pytest.fixture(autouse=True)
def fresh_session(monkeypatch):
    """A session as a new kernel or interpreter starts it: nothing configured, no analysis settings in the
    environment (each test sets what its route sets); configure's settings are restored afterwards."""
    monkeypatch.setattr(settings_module, "_current", None)
    for name in (ENV_CORPUS, ENV_GROUP, ENV_OUT, ENV_COLUMNS, ENV_LOCKED):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project_figures(tmp_path, monkeypatch):
    """A copy of the project's figures/ (its committed manifest) standing in for it: the folder the package
    refuses other corpora into, and the default output folder. The real figures/ is never written to."""
    figures = tmp_path / "project" / "figures"
    figures.mkdir(parents=True)
    shutil.copy(PROJECT / "figures" / "manifest.json", figures / "manifest.json")
    monkeypatch.setattr(output, "PROJECT_FIGURES", figures)
    monkeypatch.setattr(settings_module, "figures_dir", lambda: Path(os.environ.get(ENV_OUT) or figures))
    return figures


def _figure():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.bar(["a"], [1])
    return fig


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file but the lock (which says who held it last)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != LOCK}


def _seeds_folder(out: Path) -> Path:
    """A folder holding one of the seeds' figures (grouped by outlet), as a first run leaves it."""
    an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [1]}),
                   settings=an.Settings(corpus=SEEDS, out=out, notebook="01-corpus"))
    plt.close("all")
    return out


# --- Plain Python -------------------------------------------------------------------------------------------------

def test_save_figure_without_settings_refuses_another_corpus_into_a_folder_of_the_seeds(tmp_path, desk_corpus):
    out = _seeds_folder(tmp_path / "out")
    before = _contents(out)
    an.configure(corpus=desk_corpus, out=out)
    with pytest.raises(OutputRefused) as refused:
        an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [2]}))
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{shown_path(out)} holds the outputs of seeds (fingerprint "
                              f"{corpus_fingerprint(SEEDS)[:8]}) grouped by 'outlet', not of {desk_corpus} "
                              f"(fingerprint {corpus_fingerprint(desk_corpus)[:8]}) grouped by 'outlet': {HOW_TO_FIX}")
    assert "--force" in message
    assert _contents(out) == before  # the manifest, byte for byte, and every file


@pytest.mark.parametrize("saver", ["save_figure", "save_table", "save_measures", "save_coding_sheets"])
def test_every_saver_refuses_another_grouping_of_the_same_corpus_and_writes_nothing(tmp_path, saver):
    out = _seeds_folder(tmp_path / "out")
    before = _contents(out)
    settings = an.Settings(corpus=SEEDS, out=out, group="country", notebook="02-terminology")
    table = pd.DataFrame({"n": [1]})
    calls = {
        "save_figure": lambda: an.save_figure(_figure(), "02-x", data=table, settings=settings),
        "save_table": lambda: an.save_table(table, "02-x", settings=settings),
        "save_measures": lambda: an.save_measures(table, "02-x", settings=settings, dictionary=pd.DataFrame(
            {"column": ["n"], "unit": ["count"], "how": ["counted"]})),
        "save_coding_sheets": lambda: an.save_coding_sheets({"tone": pd.DataFrame()}, name="07-coding",
                                                            settings=settings),
    }
    with pytest.raises(OutputRefused, match=r"grouped by 'outlet', not of seeds .* grouped by 'country'"):
        calls[saver]()
    assert _contents(out) == before


def test_save_figure_without_settings_refuses_another_corpus_into_the_projects_figures(project_figures, desk_corpus):
    before = _contents(project_figures)
    an.configure(corpus=desk_corpus)  # no out: the project's figures/
    with pytest.raises(OutputRefused) as refused:
        an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [2]}))
    assert str(refused.value) == (
        f"{shown_path(project_figures)} is the project's figures/, which holds the seeds' outputs grouped by 'outlet', "
        f"not those of {desk_corpus} (fingerprint {corpus_fingerprint(desk_corpus)[:8]}) grouped by 'outlet': "
        f"{output.WRITE_ELSEWHERE}")
    assert _contents(project_figures) == before
    assert not (project_figures / LOCK).exists()  # refused before the lock: not even a lock file


@pytest.mark.parametrize("other", [{"group": "country"}, {"columns": {"text": "raw"}}])
def test_the_seeds_grouped_or_mapped_otherwise_are_refused_into_the_projects_figures_even_when_it_is_empty(
        project_figures, other):
    (project_figures / "manifest.json").unlink()
    with pytest.raises(OutputRefused, match=r"is the project's figures/.*not those of seeds .*ANALYSIS_OUT=DIR"):
        an.save_table(pd.DataFrame({"n": [1]}), "02-x", settings=an.Settings(corpus=SEEDS, out=project_figures,
                                                                             **other))
    assert _contents(project_figures) == {}


def test_the_command_line_refuses_the_same_folder_the_package_does(project_figures, desk_corpus):
    from analysis.runner import NotebookFailed, check_settings

    with pytest.raises(NotebookFailed, match="elsewhere with --out DIR"):
        check_settings(an.Settings(corpus=desk_corpus, out=project_figures))


def test_save_figure_without_settings_in_a_session_that_never_named_its_corpus_refuses_to_guess(tmp_path,
                                                                                                monkeypatch):
    monkeypatch.setenv(ENV_OUT, str(tmp_path / "out"))  # so that the guess could not reach the real figures/
    an.load_articles(SEEDS)  # whatever the session loaded: nothing tells save_figure which corpus it was
    assert an.current_settings().corpus == SEEDS  # looking at the settings does not name the corpus
    with pytest.raises(OutputRefused) as refused:
        an.save_figure(_figure(), "99-unnamed", data=pd.DataFrame({"n": [1]}))
    assert str(refused.value) == (
        f"save_figure('99-unnamed'): which corpus made it? No settings were given, an.configure was never called and "
        f"ANALYSIS_CORPUS is not set, so {shown_path(tmp_path / 'out')}/manifest.json would record {SEEDS} by guess: "
        "pass settings=an.configure(corpus=PATH, out=DIR), or call an.configure(corpus=PATH, out=DIR) first")
    with pytest.raises(OutputRefused, match=r"^save_table\('99-unnamed'\): which corpus made it\?"):
        an.save_table(pd.DataFrame({"n": [1]}), "99-unnamed")
    assert not (tmp_path / "out").exists()


def test_a_folder_without_a_corpus_writes_no_output(tmp_path):
    with pytest.raises(ValueError, match="has no corpus to record"):
        OutputFolder(tmp_path).write("t", {"t.csv": b"n\n1\n"}, caption=None, notebook=None)
    assert list(tmp_path.iterdir()) == []


# --- The environment, as a notebook kernel sees it -----------------------------------------------------------------

def _parameters_cell(notebook: str) -> an.Settings:
    """What every notebook's first cells run: the parameters, all None, and configure."""
    CORPUS = GROUP = OUT = COLUMNS = None  # noqa: N806 - the parameters cell's names
    return an.configure(notebook=notebook, corpus=CORPUS, group=GROUP, out=OUT, columns=COLUMNS)


def test_a_kernel_with_another_corpus_in_its_environment_and_no_output_folder_cannot_write_into_the_projects_figures(
        project_figures, desk_corpus, monkeypatch):
    monkeypatch.setenv(ENV_CORPUS, str(desk_corpus))  # ANALYSIS_OUT unset: the output folder defaults to figures/
    before = _contents(project_figures)
    settings = _parameters_cell("01-corpus")
    assert settings.out == project_figures and settings.corpus == desk_corpus
    with pytest.raises(OutputRefused, match=rf"^{re.escape(shown_path(project_figures))} is the project's figures/.*not those of "
                                            rf"{desk_corpus} .*ANALYSIS_OUT=DIR"):
        an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [2]}), settings=settings)
    with pytest.raises(OutputRefused, match="is the project's figures/"):  # a cell that forgot settings=
        an.save_table(pd.DataFrame({"n": [2]}), "01-corpus-table")
    assert _contents(project_figures) == before


def test_a_kernel_without_configure_takes_its_corpus_from_the_environment_and_is_refused_a_folder_of_the_seeds(
        tmp_path, desk_corpus, monkeypatch):
    out = _seeds_folder(tmp_path / "out")
    before = _contents(out)
    monkeypatch.setenv(ENV_CORPUS, str(desk_corpus))
    monkeypatch.setenv(ENV_OUT, str(out))
    with pytest.raises(OutputRefused, match=r"holds the outputs of seeds .* not of .*desk"):
        an.save_figure(_figure(), "01-corpus-coverage")
    assert _contents(out) == before


def _notebook(path: Path) -> Path:
    """A notebook shaped as ours are (a parameters cell, configure, one figure saved), small enough to run in seconds."""
    cells = [
        nbformat.v4.new_code_cell("CORPUS = None\nGROUP = None\nOUT = None\nCOLUMNS = None",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                                  "import pandas as pd\nimport analysis as an\n"
                                  "settings = an.configure(notebook='01-corpus', corpus=CORPUS, group=GROUP, out=OUT, "
                                  "columns=COLUMNS)"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.bar(['a'], [1])\n"
                                  "an.save_figure(fig, '01-corpus-coverage', data=pd.DataFrame({'n': [1]}), "
                                  "settings=settings)"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def _nbconvert(notebook: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in (ENV_CORPUS, ENV_GROUP, ENV_OUT, ENV_COLUMNS, ENV_LOCKED)}
    return subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--output", f"{notebook.stem}-executed", str(notebook)], cwd=notebook.parent,
                          capture_output=True, text=True, timeout=300,
                          env={**environment, "PYTHONPATH": str(PROJECT), "MPLBACKEND": "Agg", **env})


@pytest.mark.slow
def test_nbconvert_with_another_corpus_in_the_environment_is_refused_a_folder_of_the_seeds_and_then_its_own_works(
        tmp_path, desk_corpus):
    out = _seeds_folder(tmp_path / "out")
    before = _contents(out)
    notebook = _notebook(tmp_path / "01-corpus.ipynb")

    refused = _nbconvert(notebook, {ENV_CORPUS: str(desk_corpus), ENV_OUT: str(out)})
    assert refused.returncode != 0
    error = re.sub(r"\x1b\[[0-9;]*m", "", refused.stderr)  # the kernel colours its traceback
    assert f"OutputRefused: {shown_path(out)} holds the outputs of seeds (fingerprint " in error
    assert f"not of {desk_corpus} (fingerprint {corpus_fingerprint(desk_corpus)[:8]})" in error
    assert "ANALYSIS_OUT=DIR" in error
    assert _contents(out) == before  # the seeds' manifest, byte for byte: no second corpus mixed in

    own = tmp_path / "desk-out"
    for _ in range(2):  # the same corpus into its own folder, twice
        done = _nbconvert(notebook, {ENV_CORPUS: str(desk_corpus), ENV_OUT: str(own)})
        assert done.returncode == 0, done.stderr[-3000:]
    manifest = json.loads((own / "manifest.json").read_bytes())
    assert {entry["corpus"]["fingerprint"] for entry in manifest.values()} == {corpus_fingerprint(desk_corpus)}


# --- What still works ----------------------------------------------------------------------------------------------

def test_the_same_corpus_and_grouping_saves_again_into_its_own_folder(tmp_path, desk_corpus):
    out = tmp_path / "out"
    settings = an.configure(corpus=desk_corpus, out=out, notebook="01-corpus")
    first = an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [1]}))
    second = an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [2]}), settings=settings)
    an.save_table(pd.DataFrame({"n": [1]}), "01-corpus-table")
    assert first == second
    manifest = json.loads((out / "manifest.json").read_bytes())
    assert sorted(manifest) == ["01-corpus-coverage", "01-corpus-table"]
    assert {entry["corpus"]["fingerprint"] for entry in manifest.values()} == {corpus_fingerprint(desk_corpus)}
    assert (out / "01-corpus-coverage.csv").read_text() == "n\n2\n"


def test_the_seeds_grouped_by_outlet_still_save_into_the_projects_figures(project_figures):
    (project_figures / "manifest.json").unlink()  # the committed one may record seeds edited since
    settings = _parameters_cell("01-corpus")  # a notebook run by hand on the seeds, nothing set
    assert settings.out == project_figures
    paths = an.save_figure(_figure(), "01-corpus-coverage", data=pd.DataFrame({"n": [1]}), settings=settings)
    assert paths[0] == project_figures / "01-corpus-coverage.png"
    assert json.loads((project_figures / "manifest.json").read_bytes())["01-corpus-coverage"]["corpus"]["path"] == \
        "seeds"


def test_a_report_is_refused_into_a_folder_of_another_corpus(tmp_path, desk_corpus):
    out = _seeds_folder(tmp_path / "out")
    before = _contents(out)
    folder = OutputFolder.of(an.Settings(corpus=desk_corpus, out=out))
    with pytest.raises(OutputRefused, match="holds the outputs of seeds"):
        folder.write_report("01-corpus", html=b"<html></html>\n", ipynb=b"{}\n")
    assert _contents(out) == before
