"""Any corpus that loads runs through every notebook, and a figure with nothing to show says so.

The corpora and their runs are tests/small_corpora.py's (`garden`: nothing matches; `single`: one article;
`one_outlet`: one group; `desks`: two groups of a column no code names), each run once through the notebooks by
the runner and shared with tests/test_reproducible.py.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
from analysis.plots.parts import EMPTY_STATE  # noqa: E402
from conftest import PROJECT  # noqa: E402
from small_corpora import CORPORA, CORPUS_NOTEBOOKS, GROUPED_TABLES, grouped_tables, grouped_tables_hold  # noqa: E402

#: The figures with nothing to show in each corpus: each must carry the empty-state message, and no other may.
EMPTY = {
    "garden": {
        "01-corpus-removed-lines", "01-corpus-coverage",
        "02-terminology-event", "02-terminology-soleimani-labels", "02-terminology-legality",
        "02-terminology-escalation", "02-terminology-spelling",
        "03-sentiment-targets", "03-sentiment-targets-model",
        "04-framing-frames", "04-framing-article-frames", "04-framing-agency", "04-framing-agents",
        "04-framing-speakers",
    },
    "single": {"01-corpus-removed-lines", "02-terminology-keyness", "04-framing-similarity", "04-framing-speakers"},
    "one_outlet": {"02-terminology-keyness"},
    "desks": set(),
}

#: Every figure the corpus notebooks save, as the seeds' committed figures list them.
FIGURES = sorted(path.stem for path in (PROJECT / "figures").glob("*.png") if not path.stem.startswith("05-"))


@pytest.fixture(scope="module")
def corpora(small_corpus_runs):
    return {name: run.corpus for name, run in small_corpus_runs.items()}


@pytest.fixture(scope="module")
def runs(small_corpus_runs):
    """Each corpus's output folder and run summary (conftest.py's small_corpus_runs: one run each per session)."""
    return {name: (run.out, run.summary) for name, run in small_corpus_runs.items()}


def _findings(out, notebook: str) -> str:
    """The Markdown that the Findings cell of an executed notebook displayed."""
    executed = nbformat.read(out / "reports" / f"{notebook}.ipynb", as_version=4)
    texts = [output["data"]["text/markdown"] for cell in executed.cells if cell.cell_type == "code"
             and "_findings(" in cell.source for output in cell.outputs if "text/markdown" in output.get("data", {})]
    assert len(texts) == 1, f"{notebook}: no Findings output"
    return texts[0]


def test_the_small_corpora_are_what_they_claim_to_be(corpora):
    garden = an.load_articles(corpora["garden"])
    sentences = an.split_sentences(garden)
    assert an.removed_lines(garden).empty
    assert an.find_terms(sentences).empty and an.code_frames(sentences).empty
    assert an.classify_agency(sentences).empty and an.find_attributions(sentences).empty
    assert garden["outlet"].nunique() == 2 and garden["date"].isna().all()
    assert len(an.load_articles(corpora["single"])) == 1
    one_outlet = an.load_articles(corpora["one_outlet"])
    assert len(one_outlet) == 3 and one_outlet["outlet"].nunique() == 1


@pytest.mark.parametrize("name", CORPORA)
def test_every_corpus_notebook_runs_to_the_end_and_saves_every_figure(runs, name):
    out, summary = runs[name]
    assert list(summary.seconds) == CORPUS_NOTEBOOKS
    for notebook in CORPUS_NOTEBOOKS:
        executed = nbformat.read(out / "reports" / f"{notebook}.ipynb", as_version=4)
        errors = [output for cell in executed.cells if cell.cell_type == "code" for output in cell.outputs
                  if output.get("output_type") == "error"]
        assert errors == [], f"{name}, {notebook}: {errors[:1]}"
    assert sorted(path.stem for path in out.glob("*.png")) == FIGURES
    # A KWIC pattern that never matches still leaves its (empty) table.
    assert len(list(out.glob("02-terminology-kwic-*.csv"))) == 4


@pytest.mark.parametrize("name", CORPORA)
def test_a_figure_with_nothing_to_show_says_so_and_no_other_does(runs, name):
    out, _ = runs[name]
    marked = {path.stem for path in out.glob("*.svg") if f'id="{EMPTY_STATE}"' in path.read_text(encoding="utf-8")}
    assert marked == EMPTY[name]


def test_every_notebook_runs_grouped_by_a_column_no_code_names(runs):
    out, _ = runs["desks"]
    only = list(GROUPED_TABLES)
    desks = {"world", "business", "politics"}  # politics and business: one article each
    assert grouped_tables_hold(out, "desk", only) == {name: desks for name in grouped_tables(only)}


def test_findings_of_a_corpus_where_nothing_matches_say_what_is_missing(runs):
    out, _ = runs["garden"]
    corpus = _findings(out, "01-corpus")
    assert "Cleaning removed no line" in corpus and "none of the 3 articles is dated" in corpus
    assert "Quotation:** none" in corpus and "lowest and highest" not in corpus
    terminology = _findings(out, "02-terminology")
    assert "Words for the event:** none found" in terminology and "Labels for Soleimani:** none found" in terminology
    assert "zero in every group, nothing to compare" in terminology
    framing = _findings(out, "04-framing")
    assert "no sentence carries a frame cue" in framing and "no sentence mentions the killing" in framing
    assert "zero in every group, nothing to compare" in framing
    assert "No quotation** in 2 of 2 groups" in terminology


@pytest.mark.parametrize("name", ["single", "one_outlet"])
def test_findings_of_one_group_compare_nothing_and_name_no_extremes(runs, name):
    out, _ = runs[name]
    texts = {notebook: _findings(out, notebook) for notebook in CORPUS_NOTEBOOKS}
    for notebook in ("02-terminology", "03-sentiment", "04-framing"):
        assert "fewer than two groups, nothing to compare" in texts[notebook]
    every = "\n".join(texts.values())
    for claim in ("differ at q", "lowest and highest", "runs from", "groups are below zero", "group means"):
        assert claim not in every, f"{name}: one group, yet the findings say {claim!r}"
    assert not re.search(r"(?<!of )\b1 (articles|groups|dated articles)\b", every)
    assert "the only group" in texts["03-sentiment"]


def test_findings_of_one_article_say_it_is_one_article(runs):
    out, _ = runs["single"]
    corpus = _findings(out, "01-corpus")
    assert "1 article from 1 group of outlet" in corpus and "a body of 52 words" in corpus
    assert "The corpus is one article" in corpus and "Dates:** 1 dated article, 2020-01-03;" in corpus


@pytest.fixture(scope="module")
def garden_tables(corpora):
    articles = an.load_articles(corpora["garden"])
    sentences = an.split_sentences(articles)
    agency = an.classify_agency(sentences)
    return {
        "removals": an.count_removals(an.removed_lines(articles)),
        "coverage": an.coverage_over_time(articles, event="2020-01-03"),
        "totals": an.family_totals(an.term_rates(an.find_terms(sentences), sentences)),
        "frames": an.frame_shares(an.code_frames(sentences), sentences),
        "forms": an.agency_shares(agency), "agents": an.agents_named(agency),
        "voices": an.quoted_words_by_speaker(an.find_attributions(sentences), sentences),
        "single_group": an.keyness(sentences.assign(outlet="Garden Weekly")),
    }


EMPTY_PLOTS = {
    "removals": (an.plot_removals, "removals", "no removals"),
    "coverage": (an.plot_coverage, "coverage", "no dated articles"),
    "labels": (an.plot_family_counts, "totals", "no matches"),
    "frames": (an.plot_frame_shares, "frames", "no frame cues"),
    "agency": (an.plot_agency_forms, "forms", "no sentence mentions the killing"),
    "agents": (an.plot_agents, "agents", "no sentence mentions the killing"),
    "speakers": (an.plot_speakers, "voices", "no quoted words"),
}


@pytest.mark.parametrize("plot, table, message", EMPTY_PLOTS.values(), ids=list(EMPTY_PLOTS))
def test_an_empty_table_gives_a_plot_that_says_what_is_missing_and_keeps_its_title(garden_tables, plot, table,
                                                                                   message):
    ax = plot(garden_tables[table])
    said = [text.get_text() for text in ax.texts if text.get_gid() == EMPTY_STATE]
    assert len(said) == 1 and message in said[0].replace("\n", " ")
    assert ax.get_title(loc="left") and not ax.get_xticks().size and not ax.get_yticks().size
    plt.close(ax.figure)


def test_keyness_of_one_group_says_there_is_no_other_group(garden_tables):
    fig = an.plot_keyness_grid(garden_tables["single_group"])
    said = [text.get_text() for ax in fig.axes for text in ax.texts if text.get_gid() == EMPTY_STATE]
    assert said == ["only one group: no other group to set its words against"]
    plt.close(fig)


def test_a_measure_no_group_has_is_reported_as_zero_everywhere_not_as_a_null_result():
    zeros = pd.DataFrame({"desk": ["a", "a", "b", "b"], "doc_id": ["a1", "a2", "b1", "b2"], "present": 0.0})
    text = an.compared(an.compare_groups(zeros, by="desk", value="present"), by="desk", what="Share with a cue")
    assert text == "*Share with a cue: zero in every group, nothing to compare.*"
