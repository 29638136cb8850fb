"""Shared fixtures, and the one marker for tests that need the ../shared folder."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

# As `python -m analysis` does in its own process (analysis/__main__.py): jsonschema's "iri" format parsers, which
# no notebook schema uses, would cost each pytest process one and a half CPU-seconds of Earley grammars when a
# test imports nbformat. tests/test_notebooks.py checks, in fresh processes, that the command skips them and a
# plain `import analysis` does not.
sys.modules.setdefault("rfc3987_syntax", None)

import analysis as an  # noqa: E402

# The tests keep their own cache (analysis/cache.py), never the user's, and start from an empty one. Under
# pytest-xdist (`make test`) the workers share the one pytest's first process made, so that a result computed by
# one worker (the validation notebook's, say) is not computed again by the other; its writes are atomic.
if "PYTEST_XDIST_WORKER" not in os.environ:
    os.environ["ANALYSIS_CACHE"] = tempfile.mkdtemp(prefix="analysis-test-cache-")
    atexit.register(shutil.rmtree, os.environ["ANALYSIS_CACHE"], True)

# Notebook kernels fork from a process that has imported their libraries (analysis/kernels.py): about two
# CPU-seconds less for each of the suite's hundred kernels. The tests of warm kernels compare them with cold ones.
os.environ.setdefault("ANALYSIS_WARM_KERNELS", "1")

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"
SHARED = PROJECT.parent / "shared"


#: Test modules whose tests share one run of the notebooks (a fixture taking a minute or more), by the name of
#: that run: the seeds through every notebook in JupyterLab (`lab_run`, which the committed figures are compared
#: with too), the small corpora (`small_corpus_runs`; one of them run twice), the hostile corpus. pytest-xdist
#: (`make test`) keeps each run's tests on one worker, or each worker would run the notebooks again for its share.
GROUPED_MODULES = {"test_committed_figures.py": "the seeds", "test_jupyterlab.py": "the seeds",
                   "test_any_corpus.py": "small corpora", "test_reproducible.py": "small corpora",
                   "test_hostile_corpus.py": "the hostile corpus"}


@pytest.hookimpl(optionalhook=True)  # xdist's hook: known only when xdist is loaded (not with -p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduler, with each run of GROUPED_MODULES one unit of work and every other test its own.

    (`--dist loadgroup` would do this from marks, but pytest-xdist 3.8 cannot rename pytest 9's node ids, so its
    groups are silently ignored.) Units with more tests go first, which puts the notebook runs at the start."""
    if config.getvalue("dist") not in ("load", "loadscope", "loadgroup"):
        return None  # another mode asked for by name (each, worksteal...): pytest-xdist's own
    from xdist.scheduler import LoadScopeScheduling

    class NotebookRunsTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return GROUPED_MODULES.get(nodeid.split("::", 1)[0].rsplit("/", 1)[-1], nodeid)

    return NotebookRunsTogether(config, log)


#: The fixtures that run the notebooks through a whole corpus (a minute or more, once a session or module): a test
#: that reads one is slow, as a test that makes such a run itself is marked. `run` is tests/test_hostile_corpus.py's.
NOTEBOOK_RUNS = {"lab_run", "small_corpus_runs", "fresh_figures", "run"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if NOTEBOOK_RUNS & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # The slow tests first (stable: each module keeps its order), so that neither worker starts one last while
    # the other waits.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the folder {SHARED} (../shared: CI has it, a user's clone does not)")
    for item in items:
        if "needs_shared" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def lab_run(tmp_path_factory):
    """Every numbered notebook run on the seeds in JupyterLab in headless Chromium, once a session
    (tests/jupyterlab_run.py); skips (fails with CI=true) where the browser tools are missing."""
    from jupyterlab_run import run_in_jupyterlab

    return run_in_jupyterlab(tmp_path_factory)


@pytest.fixture(scope="session")
def small_corpus_runs(tmp_path_factory):
    """tests/small_corpora.py's corpora, each run once through the corpus notebooks: name -> SmallRun."""
    from small_corpora import run_small_corpora

    return run_small_corpora(tmp_path_factory.mktemp("small-corpora"))


@pytest.fixture(scope="session")
def articles() -> pd.DataFrame:
    return an.load_articles(SEEDS)


@pytest.fixture(scope="session")
def sentences(articles) -> pd.DataFrame:
    return an.split_sentences(articles)


@pytest.fixture(scope="session")
def boilerplate() -> dict:
    return json.loads((SHARED / "seeds" / "BOILERPLATE.json").read_text(encoding="utf-8"))


def write_corpus(folder: Path, files: dict[str, str | bytes], metadata: str) -> Path:
    """A small corpus folder: the given files plus metadata.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


def one_cell_notebook(folder: Path, monkeypatch, source: str) -> Path:
    """The run's only notebook (analysis.runner.notebooks patched): the parameters, configure, then `source` (which
    may break something) and one saved figure. For tests of the runner rather than of a notebook: its kernel does
    in about 3 CPU-seconds what 01-corpus does in 6."""
    import nbformat

    import analysis.runner as runner

    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        nbformat.v4.new_code_cell("CORPUS = None\nGROUP = None\nOUT = None\nCOLUMNS = None",
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                                  "import pandas as pd\nimport analysis as an\n"
                                  "settings = an.configure(notebook='01-tiny', corpus=CORPUS, group=GROUP, out=OUT, "
                                  "columns=COLUMNS)\n" + source + "\nfig, ax = plt.subplots()\nax.bar(['a'], [1])\n"
                                  "an.save_figure(fig, '01-tiny-figure', data=pd.DataFrame({'n': [1]}), "
                                  "settings=settings)"),
    ]
    path = folder / "01-tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    monkeypatch.setattr(runner, "notebooks", lambda only=None: [path])
    return path


DESKS = {"000": "world", "001": "wire", "002": "world", "003": "politics", "004": "wire"}


@pytest.fixture(scope="session")
def desk_corpus(tmp_path_factory):
    """The seed texts under a metadata file with a column no code names: `desk`."""
    folder = tmp_path_factory.mktemp("desk")
    metadata = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    for name in metadata["file"]:
        shutil.copy(SEEDS / name, folder / name)
    metadata = metadata[["file", "outlet", "country", "title", "date"]].assign(desk=[DESKS[f[:3]] for f in metadata["file"]])
    metadata.to_csv(folder / "metadata.csv", index=False)
    return folder


# The Narrative Frames Corpus: per article, up to four annotators' answers to the codebook's yes/no questions.
# How the published frame labels (articles.tsv) are formed from the questions: the repository's data README
# names the questions of each frame (RE1, RE5; HI1, HI2, HI5; CO1-CO3; MO1, MO2; EC1-EC3) and the paper derives
# the labels from them; applied to the aggregated answers (the annotators' majority per question) the rule below
# gives the published label for all 343 articles (responsibility: 342). A frame is used when at least `k` of its
# questions are answered yes: two of three for human interest, conflict and economic consequences, one of two
# for morality, both for responsibility. The JSON's keys run one ahead of the README for responsibility (it has
# an extra "re1a"): the README's RE1 and RE5 are the keys re2 and re6 (the aggregated re1 is "yes" in every
# article). "Yes to any of its questions", which is the rule for morality, would disagree with the published
# labels on 55 (responsibility, keys re2 and re6) to 104 (human interest) articles for the other four frames.
# Each annotator's frame code is the same rule applied to that annotator's own answers.
FRAME_RULES = {
    "responsibility": (("re2", "re6"), 2), "human interest": (("hi1", "hi2", "hi5"), 2),
    "conflict": (("co1", "co2", "co3"), 2), "morality": (("mo1", "mo2"), 1),
    "economic consequences": (("ec1", "ec2", "ec3"), 2),
}
COLUMN = {"responsibility": "RE", "human interest": "HI", "conflict": "CO", "morality": "MO",
          "economic consequences": "EC"}


def frame_used(answers: list, rule: tuple) -> str:
    """"yes" when at least the rule's number of the frame's questions are answered yes."""
    return "yes" if sum(answer == "yes" for answer in answers) >= rule[1] else "no"


def narrative_frames_annotator_codes() -> pd.DataFrame:
    """Every Narrative Frames annotator's own frame codes: `unit_id` (the article's ID), `coder` (1-4), `question`
    (the frame) and `code` (yes/no), by FRAME_RULES applied to that annotator's answers."""
    annotations = json.loads((SHARED / "data" / "narrative_frames" / "question_annotations.json").read_text("utf-8"))
    rows = [(doc, coder + 1, frame, frame_used([answers[q][1][coder] for q in rule[0]], rule))
            for doc, answers in annotations.items() for frame, rule in FRAME_RULES.items()
            for coder in range(4) if answers[rule[0][0]][1][coder] != -1]
    return pd.DataFrame(rows, columns=["unit_id", "coder", "question", "code"])


NEWSMTSC = SHARED / "data" / "newsmtsc"
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


def newsmtsc_split(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per rated target of a NewsMTSC split: `sentence` (the sentence's number in the file), `text`, `start`,
    `end`; and the coders' polarity of each (negative, neutral, positive)."""
    rows, truth = [], []
    for number, line in enumerate((NEWSMTSC / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        for target in record["targets"]:
            rows.append({"sentence": str(number), "text": record["sentence_normalized"], "start": target["from"],
                         "end": target["to"]})
            truth.append(NEWSMTSC_POLARITY[target["polarity"]])
    return pd.DataFrame(rows), np.array(truth)
