"""Any corpus that loads runs through every notebook, and a figure with nothing to show says so.

Three small corpora, written at test time, each run once through the notebooks by the runner:

- `garden`: two outlets of plain gardening prose. Cleaning removes nothing, no lexicon term, alias, frame cue,
  verb of the killing or quotation occurs, and no article is dated. It is both "cleaning removes nothing"
  and "nothing matches": neither needs the other absent, and together they cost one run, not two.
- `single`: one article (one group, no pair of articles, some KWIC patterns match and some never do).
- `one_outlet`: several articles of one outlet, with headlines and a quotation (one group, so nothing to compare).

Notebook 05 is left out: it reads the validation data, never the corpus, so it would run the same three times.
"""

from __future__ import annotations

import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
from analysis.plots.parts import EMPTY_STATE  # noqa: E402
from analysis.runner import notebooks, run_all  # noqa: E402
from conftest import PROJECT, write_corpus  # noqa: E402

GARDEN = (
    "Tomatoes grow best in warm soil with plenty of sunlight. Water them deeply once a week rather than a little "
    "every day. A layer of straw around the stems keeps the ground moist and cool.\n\n"
    "Basil likes the same conditions and makes a good neighbour for tomatoes. Sow the seeds indoors in early spring "
    "and plant them out after the last frost.\n",
    "Roses need a sunny spot and rich, well drained soil. Prune them in late winter, just above an outward facing "
    "bud. Feed them with compost in spring and again after the first flowers fade.\n\n"
    "Aphids gather on the young shoots in early summer. A strong spray of water removes most of them, and ladybirds "
    "eat the rest.\n",
    "Carrots prefer light, sandy soil without stones. Sow them thinly in rows and cover the seeds with a fine layer "
    "of earth. Thin the seedlings when they are a few centimetres tall.\n\n"
    "Keep the bed free of weeds and water it during dry spells. The roots are ready to pull about ten weeks after "
    "sowing.\n",
)
STRIKE = (
    "The United States killed the Iranian general Qassem Soleimani in a drone strike near Baghdad airport on Friday. "
    "Iran called the killing an act of terrorism and promised revenge.\n\n"
    "Officials in Washington described the strike as an act of self-defence. "
    "Critics in Congress asked whether the operation was lawful under international law.\n"
)
REACTIONS = (
    "Russia condemned the assassination of the Iranian commander as a violation of Iraqi sovereignty. "
    "The Foreign Ministry in Moscow warned that the murder would raise tension across the region.\n\n"
    "\"This was an act of war against our nation,\" the Iranian foreign minister said on Saturday. "
    "China urged all sides to show restraint and to return to dialogue.\n"
)
MARKETS = (
    "Soleimani led the Quds Force for more than twenty years. "
    "His death raised fears of a wider war between Iran and the United States.\n\n"
    "Oil prices rose sharply after the news of the attack. Markets in Asia fell on the first day of trading.\n"
)

CORPORA = {
    "garden": ({"g0.txt": GARDEN[0], "g1.txt": GARDEN[1], "g2.txt": GARDEN[2]},
               "file,outlet\ng0.txt,Garden Weekly\ng1.txt,Garden Weekly\ng2.txt,Plot and Pot\n"),
    "single": ({"only.txt": STRIKE}, "file,outlet,date\nonly.txt,Lone Outlet,2020-01-03\n"),
    "one_outlet": ({"s.txt": "US strike kills Soleimani\n\n" + STRIKE,
                    "r.txt": "Moscow condemns the killing\n\n" + REACTIONS, "m.txt": MARKETS},
                   "file,outlet,title,date\ns.txt,Same Outlet,US strike kills Soleimani,2020-01-03\n"
                   "r.txt,Same Outlet,Moscow condemns the killing,2020-01-04\nm.txt,Same Outlet,,\n"),
}

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
}

CORPUS_NOTEBOOKS = [path.stem for path in notebooks() if not path.stem.startswith("05-")]
#: Every figure the corpus notebooks save, as the seeds' committed figures list them.
FIGURES = sorted(path.stem for path in (PROJECT / "figures").glob("*.png") if not path.stem.startswith("05-"))


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpora")
    return {name: write_corpus(root / name, files, metadata) for name, (files, metadata) in CORPORA.items()}


@pytest.fixture(scope="module")
def runs(corpora, tmp_path_factory):
    """Each corpus through the corpus notebooks, one runner call each (a kernel per notebook: ~30 s a corpus)."""
    outs = {}
    for name, folder in corpora.items():
        out = tmp_path_factory.mktemp(f"out-{name}")
        summary = run_all(corpus=folder, out=out, only=CORPUS_NOTEBOOKS, stream=io.StringIO())
        outs[name] = (out, summary)
    return outs


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
