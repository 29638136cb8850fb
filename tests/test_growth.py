"""Issue 27: no public aggregation grows faster than linearly with the corpus.

Each aggregation the notebooks call is run on the tables of N and of 4N synthetic articles (four outlets, so the
articles per outlet grow with the corpus) and measured in memory and rows, not seconds: the peak of the bytes
Python allocates during the call (`tracemalloc`, which sees numpy's and pandas' buffers too) and the rows of the
result. With four times the articles,

    peak(4N) <= GROWTH_LIMIT * peak(N)      and, where the rows follow the articles,
    rows(4N) <= GROWTH_LIMIT * max(rows(N), 1)

GROWTH_LIMIT = 6: work linear in the articles gives a ratio of about 4 (less where a fixed cost, a lexicon or a
per-outlet table, is part of the small call), work quadratic in them about 16. A test here failing means the
function now holds (or returns) something that grows with the square of the corpus: every pair of articles or
sentences, a table of articles by words that is dense, a Python loop that copies a growing table. `similarity`
returns every pair of articles by design, and `group_similarity` averages them: both are measured on the same
terms and marked as expected failures (KNOWN_QUADRATIC, strict, so that a fix shows). The test of the
measurement itself shows it can fail: a toy aggregation that builds every pair of articles exceeds the limit.
The growth is checked from N = 100 to 400 articles: at these sizes a linear call measures x2 to x4.6 and
`similarity` x12, and from 400 to 1,600 the linear ones measure x4 too (the largest margins: first_mention,
name_variants, mask_terms, keyness).

The measured call runs with the cache off (ANALYSIS_CACHE=off: a memoised result is computed, never read) and on
one core (forked workers allocate where tracemalloc cannot see). Each call is made once on the small tables
before it is measured, so what it loads once per process (a lexicon, a compiled pattern) counts in neither
measurement. The tables each call takes (sentences, scores, hits...) are made beforehand, outside the
measurement.

Notebook 07's hand coding is simulated: a share (SAMPLE) of the units is sampled, so the coded part grows with the
corpus too, and two coders' codes are drawn at random.

To cover another aggregation, add one line to CALLS: its name and a function of the prepared tables (Tables);
a table it needs that Tables lacks is one more cached_property there. A test checks that every function the
numbered notebooks call is in CALLS or named in NOT_MEASURED (or COMING).
"""

from __future__ import annotations

import gc
import json
import os
import random
import re
import tracemalloc
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis as an

#: The largest allowed ratio of the 4N call to the N call, in peak bytes and in rows (linear ~4, quadratic ~16).
GROWTH_LIMIT = 6
#: The share of units sampled for hand coding (notebook 07's SAMPLE, as a share so that the coded part grows too).
SAMPLE = 0.1
#: Articles in the small corpus; the large one has four times as many.
N = 100
LARGE = 4 * N
OUTLETS = ("Outlet A", "Outlet B", "Outlet C", "Outlet D")
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# --- A synthetic corpus -------------------------------------------------------------------------------------------
# Sentences of random filler words (the seeds' own vocabulary) around short snippets of what the measures look for:
# words for the killing, agents, names, frame cues, attributions and quotations. No snippet is longer than five words
# ("U.S." counts two) and a filler run has at least three, so an eight-word passage (shared_passages) holds at least
# three random words and repeats by chance about never; on purpose, every tenth article shares a passage of its own
# with the next, a number of pairs linear in the articles.

SNIPPETS = (
    "the assassination of Soleimani", "killed by a drone", "the U.S. strike", "the killing of Qassem Soleimani",
    "a terrorist", "the martyr", "Trump ordered the strike", "the drone strike killed", "was assassinated",
    "the murder of the general", "Iran vowed revenge", "the conflict with Washington", "hostility and escalation",
    "a clash near Baghdad", "the economic cost", "oil prices rose", "families mourned the victims",
    "a moral duty", "the Pentagon said", "Tehran", "the Islamic Republic", "Iraq", "the United States",
    "Suleimani", "Qasem Soleimani", "a targeted killing", "retaliation", "war", "sanctions", "the United Nations",
    "an illegal act", "self-defense", "good", "terrible", "great", "tragic", "peace talks", "the White House",
)
SPEAKERS = ("Trump", "Reuters", "a spokesman", "Khamenei", "the Pentagon", "Zarif", "officials", "the ministry")
VERBS = ("said", "told reporters", "added", "warned", "reported")


def _filler_words() -> list[str]:
    words = set()
    for path in sorted(SEEDS.glob("*.txt")):
        words.update(re.findall(r"\b[a-z]{3,12}\b", path.read_text(encoding="utf-8", errors="replace")))
    return sorted(words)


def _sentence(rng: random.Random, filler: list[str]) -> str:
    """Filler runs (3-6 words) around one or two snippets, as a sentence; a third are quotations with a speaker."""
    parts = []
    for _ in range(rng.randint(1, 2)):
        parts.append(" ".join(rng.choices(filler, k=rng.randint(3, 6))))
        parts.append(rng.choice(SNIPPETS))
    parts.append(" ".join(rng.choices(filler, k=rng.randint(3, 6))))
    body = " ".join(parts)
    kind = rng.random()
    if kind < 0.2:
        return f'"{body[0].upper()}{body[1:]}," {rng.choice(SPEAKERS)} {rng.choice(VERBS)}.'
    if kind < 0.33:
        return f'{rng.choice(SPEAKERS).capitalize()} {rng.choice(VERBS)} that {body}.'
    return f"{body[0].upper()}{body[1:]}."


def synthetic_corpus(n: int, seed: int = 27) -> pd.DataFrame:
    """`n` articles as a table (doc_id, outlet, title, date, text), the same for the same n and seed."""
    rng = random.Random(seed)
    filler = _filler_words()
    shared = {}  # article k (k % 10 == 0) and k + 1 share a passage of twelve filler words
    rows = []
    for k in range(n):
        paragraphs = [" ".join(_sentence(rng, filler) for _ in range(rng.randint(2, 3)))
                      for _ in range(rng.randint(2, 4))]
        if k % 10 in (0, 1):
            passage = shared.setdefault(k - k % 10, " ".join(rng.choices(filler, k=12)))
            paragraphs.insert(1, f"{passage[0].upper()}{passage[1:]}.")
        if k % 3 == 0:  # boilerplate for the cleaning to remove (removed_lines, count_removals)
            paragraphs.insert(2, f"Read more: {' '.join(rng.choices(filler, k=5))}")
        paragraphs.append(f"{rng.randint(2, 9)} min read")
        paragraphs.append(f"Tags: {', '.join(rng.choices(filler, k=3))}")
        rows.append({"doc_id": f"a{k:05d}", "outlet": OUTLETS[k % len(OUTLETS)],
                     "title": f"{' '.join(rng.choices(filler, k=4)).capitalize()} {rng.choice(SNIPPETS)}",
                     "date": f"2020-01-{1 + rng.randrange(20):02d}", "text": "\n\n".join(paragraphs)})
    return pd.DataFrame(rows)


# --- The tables each call takes, made once per size ---------------------------------------------------------------

class Tables:
    """The notebooks' tables for one synthetic corpus, all made by `prepared()`, before any measurement."""

    def __init__(self, folder: Path, n: int):
        path = folder / f"articles-{n}.jsonl"
        synthetic_corpus(n).to_json(path, orient="records", lines=True)
        self.articles = an.load_articles(path)

    def prepared(self) -> Tables:
        """These tables with every one made, so that a measured call only reads them."""
        for name, value in vars(type(self)).items():
            if isinstance(value, cached_property):
                getattr(self, name)
        return self

    @cached_property
    def sentences(self):
        return an.split_sentences(self.articles)

    @cached_property
    def scored(self):
        return an.score_sentences(self.sentences)

    @cached_property
    def hits(self):
        return an.find_terms(self.sentences)

    @cached_property
    def cues(self):
        return an.code_frames(self.sentences)

    @cached_property
    def agency(self):
        return an.classify_agency(self.sentences)

    @cached_property
    def attributions(self):
        return an.find_attributions(self.sentences)

    @cached_property
    def mentions(self):
        return an.target_mentions(self.scored)

    @cached_property
    def frames_by_article(self):
        return an.article_frames(self.sentences, by="outlet")

    @cached_property
    def removed(self):
        return an.removed_lines(self.articles)

    @cached_property
    def event_words(self):
        return an.count_per_sentence(self.sentences, self.hits[self.hits["concept"] == "event"])

    @cached_property
    def frames(self):
        return an.frame_shares(self.cues, self.sentences, by="outlet")

    @cached_property
    def frame_sentences(self):
        return an.count_per_sentence(self.sentences, self.cues[self.cues["frame"] == self.main_frame])

    @cached_property
    def rates(self):
        return an.term_rates(self.hits, self.sentences, by="outlet")

    @cached_property
    def summary(self):
        return an.summarize_sentiment(self.scored, by="outlet")

    @cached_property
    def masked(self):
        return an.score_sentences(an.mask_terms(self.sentences))

    @cached_property
    def unnamed(self):
        return an.score_sentences(self.sentences, ignore_names=True)

    @cached_property
    def measures(self):
        return an.article_measures(self.articles, self.sentences, scored=self.scored, hits=self.hits)

    @cached_property
    def sections(self):
        return an.article_measures(self.articles, self.sentences, by_section=True, scored=self.scored, hits=self.hits)

    @cached_property
    def notebook_01(self):
        """describe_articles, count_removals, voice_shares, coverage_over_time: corpus_findings' input."""
        return (an.describe_articles(self.articles, self.sentences, by="outlet"),
                an.count_removals(self.removed, by="outlet"), an.voice_shares(self.sentences, by="outlet"),
                an.coverage_over_time(self.articles, by="outlet", event="2020-01-03", freq="auto"))

    @cached_property
    def pairs(self):
        return an.similarity(self.articles, by="outlet")

    @cached_property
    def totals(self):
        return an.family_totals(self.rates, by="outlet")

    @cached_property
    def names_effect(self):
        return an.compare_masked(self.summary, an.summarize_sentiment(self.unnamed, by="outlet"), by="outlet")

    @cached_property
    def masked_summary(self):
        return an.summarize_sentiment(self.masked, by="outlet")

    @cached_property
    def main_frame(self):
        return an.most_used_frame(self.frames)

    @cached_property
    def forms(self):
        return an.agency_shares(self.agency, by="outlet")

    @cached_property
    def voices(self):
        return an.quoted_words_by_speaker(self.attributions, self.sentences, by="outlet")

    @cached_property
    def coders(self):
        return an.coder_agreement_by_measure(self.codes)

    @cached_property
    def terms_compared(self):
        own = self.event_words[self.event_words["voice"] == "own"]
        return an.compare_groups(own, by="outlet", value="per_word", weight="words")

    @cached_property
    def sentiment_compared(self):
        return an.compare_groups(self.scored, by="outlet", value="compound")

    @cached_property
    def frames_compared(self):
        return an.compare_groups(self.frame_sentences, by="outlet", value="present")

    @cached_property
    def samples(self):
        """Notebook 07's samples, a share (SAMPLE) of the units."""
        return {"tone": an.sample_for_coding(self.scored, measure="tone", n=SAMPLE, by="outlet"),
                "frames": an.sample_for_coding(self.articles, measure="frames", n=SAMPLE, by="outlet"),
                "target": an.sample_for_coding(self.mentions, measure="target", n=SAMPLE, by="outlet")}

    @cached_property
    def codes(self):
        """Two coders' codes on every sampled unit, drawn at random: read_coded_sheets' table. The frames are
        coded for the first frame only: coder_agreement's bootstrap (2,000 replicates per question and pair of
        coders, a fixed cost) is slow under tracemalloc, and more questions add nothing to the growth."""
        from analysis.measures.coding import MEASURES

        rng = np.random.default_rng(27)
        parts = []
        for measure, sample in self.samples.items():
            definition = MEASURES[measure]
            for coder in ("x", "y"):
                for question in definition.questions[:1]:
                    parts.append(pd.DataFrame({
                        "measure": measure, "unit_id": sample["unit_id"].to_numpy(), "coder": coder,
                        "question": question, "code": rng.choice(list(definition.codes), len(sample))}))
        codes = pd.concat(parts, ignore_index=True)
        return codes.assign(file="codes.csv", row=np.arange(len(codes)) + 2, note="").astype(
            {"measure": "str", "unit_id": "str", "coder": "str", "question": "str", "code": "str", "file": "str",
             "note": "str"})

    @cached_property
    def units(self):
        return {"tone": an.coding_units(self.scored, self.codes, measure="tone", sample=self.samples["tone"]),
                "frames": an.coding_units(self.frames_by_article, self.codes, measure="frames",
                                          sample=self.samples["frames"]),
                "target": an.coding_units(self.mentions, self.codes, measure="target", sample=self.samples["target"])}

    @cached_property
    def agreement(self):
        return an.agreement_by_measure(self.units, self.codes, by="outlet")

    @cached_property
    def corrected(self):
        return {measure: an.corrected_by_question(units, by="outlet") for measure, units in self.units.items()}

    @cached_property
    def conclusions(self):
        return {measure: an.conclusions_by_question(units, by="outlet") for measure, units in self.units.items()}


# --- What is measured: one line per call ----------------------------------------------------------------------------
# name (the test id) -> a function of the Tables, as the notebooks call it. Add a line to cover another function.

CALLS = {
    # per-article stages (every notebook)
    "split_sentences": lambda t: an.split_sentences(t.articles),
    "score_sentences": lambda t: an.score_sentences(t.sentences),
    "find_terms": lambda t: an.find_terms(t.sentences),
    "code_frames": lambda t: an.code_frames(t.sentences),
    "classify_agency": lambda t: an.classify_agency(t.sentences),
    "find_attributions": lambda t: an.find_attributions(t.sentences),
    # 01-corpus
    "describe_articles": lambda t: an.describe_articles(t.articles, t.sentences, by="outlet"),
    "removed_lines": lambda t: an.removed_lines(t.articles),
    "count_removals": lambda t: an.count_removals(t.removed, by="outlet"),
    "voice_shares": lambda t: an.voice_shares(t.sentences, by="outlet"),
    "coverage_over_time": lambda t: an.coverage_over_time(t.articles, by="outlet", event="2020-01-03", freq="auto"),
    "corpus_findings": lambda t: an.corpus_findings(*t.notebook_01, by="outlet"),
    # 02-terminology
    "term_rates": lambda t: an.term_rates(t.hits, t.sentences, by="outlet"),
    "family_totals": lambda t: an.family_totals(t.rates, by="outlet"),
    "first_mention": lambda t: an.first_mention(t.hits, t.sentences),
    "name_variants": lambda t: an.name_variants(t.sentences, by="outlet"),
    "keyness": lambda t: an.keyness(t.sentences, by="outlet"),
    "kwic": lambda t: an.kwic(t.sentences, "kill*"),
    "kwic_side_by_side": lambda t: an.kwic_side_by_side(an.kwic(t.sentences, "assassinat*"), by="outlet"),
    "count_per_sentence": lambda t: an.count_per_sentence(t.sentences, t.hits[t.hits["concept"] == "event"]),
    "compare_groups[terms]": lambda t: an.compare_groups(t.event_words[t.event_words["voice"] == "own"], by="outlet",
                                                         value="per_word", weight="words"),
    "terminology_findings": lambda t: an.terminology_findings(t.totals, t.rates, t.terms_compared, by="outlet"),
    # 03-sentiment
    "summarize_sentiment": lambda t: an.summarize_sentiment(t.scored, by="outlet"),
    "target_sentiment": lambda t: an.target_sentiment(t.scored, by="outlet"),
    "target_sentiment[model]": lambda t: an.target_sentiment(t.scored, by="outlet", method="model"),
    "target_mentions": lambda t: an.target_mentions(t.scored),
    "sentiment_drivers": lambda t: an.sentiment_drivers(t.scored, by="outlet"),
    "lexicon_audit": lambda t: an.lexicon_audit(hits=t.hits),
    "mask_terms": lambda t: an.mask_terms(t.sentences),
    "compare_masked": lambda t: an.compare_masked(t.summary, t.masked_summary, by="outlet"),
    "sentiment_by_position": lambda t: an.sentiment_by_position(t.scored, by="outlet"),
    "compare_groups[sentiment]": lambda t: an.compare_groups(t.scored, by="outlet", value="compound"),
    "sentiment_findings": lambda t: an.sentiment_findings(t.summary, t.sentiment_compared, t.names_effect, by="outlet"),
    # 04-framing
    "frame_shares": lambda t: an.frame_shares(t.cues, t.sentences, by="outlet"),
    "article_frames": lambda t: an.article_frames(t.sentences, by="outlet"),
    "article_frame_shares": lambda t: an.article_frame_shares(t.sentences, by="outlet"),
    "frame_prevalence": lambda t: an.frame_prevalence(t.frames_by_article, by="outlet"),
    "agency_shares": lambda t: an.agency_shares(t.agency, by="outlet"),
    "agents_named": lambda t: an.agents_named(t.agency, by="outlet"),
    "quoted_words_by_speaker": lambda t: an.quoted_words_by_speaker(t.attributions, t.sentences, by="outlet"),
    "shared_passages": lambda t: an.shared_passages(t.articles, by="outlet"),
    "similarity_between_groups": lambda t: an.similarity_between_groups(t.articles, by="outlet"),
    "similar_pairs": lambda t: in_small_blocks(lambda: an.similar_pairs(t.articles, by="outlet", top=5)),
    # ---
    "similarity": lambda t: an.similarity(t.articles, by="outlet"),
    "group_similarity": lambda t: an.group_similarity(t.pairs, by="outlet"),
    "most_used_frame": lambda t: an.most_used_frame(t.frames),
    "compare_groups[frames]": lambda t: an.compare_groups(t.frame_sentences, by="outlet", value="present"),
    "framing_findings": lambda t: an.framing_findings(t.frames, t.forms, t.voices, t.frames_compared,
                                                      frame=t.main_frame, by="outlet"),
    # 06-article-measures
    "article_measures": lambda t: an.article_measures(t.articles, t.sentences, scored=t.scored, hits=t.hits),
    "article_measures[by_section]": lambda t: an.article_measures(t.articles, t.sentences, by_section=True,
                                                                  scored=t.scored, hits=t.hits),
    "measure_dictionary": lambda t: an.measure_dictionary(t.measures),
    "measures_findings": lambda t: an.measures_findings(t.measures, t.sections, by="outlet"),
    # 07-validate-your-corpus
    "sample_for_coding[tone]": lambda t: an.sample_for_coding(t.scored, measure="tone", n=SAMPLE, by="outlet"),
    "sample_for_coding[frames]": lambda t: an.sample_for_coding(t.articles, measure="frames", n=SAMPLE, by="outlet"),
    "sample_for_coding[target]": lambda t: an.sample_for_coding(t.mentions, measure="target", n=SAMPLE, by="outlet"),
    "coding_status": lambda t: an.coding_status(t.codes, t.samples),
    "coder_agreement_by_measure": lambda t: an.coder_agreement_by_measure(t.codes),
    "coding_units[tone]": lambda t: an.coding_units(t.scored, t.codes, measure="tone", sample=t.samples["tone"]),
    "coding_units[frames]": lambda t: an.coding_units(t.frames_by_article, t.codes, measure="frames",
                                                      sample=t.samples["frames"]),
    "coding_units[target]": lambda t: an.coding_units(t.mentions, t.codes, measure="target",
                                                      sample=t.samples["target"]),
    "agreement_by_measure": lambda t: an.agreement_by_measure(t.units, t.codes, by="outlet"),
    "corrected_by_question[tone]": lambda t: an.corrected_by_question(t.units["tone"], by="outlet"),
    "corrected_by_question[frames]": lambda t: an.corrected_by_question(t.units["frames"], by="outlet"),
    "corrected_by_question[target]": lambda t: an.corrected_by_question(t.units["target"], by="outlet"),
    "conclusions_by_question": lambda t: an.conclusions_by_question(t.units["tone"], by="outlet"),
    "correction_findings": lambda t: an.correction_findings(t.corrected, t.conclusions, t.agreement, t.coders,
                                                            by="outlet"),
}

def in_small_blocks(call):
    """call() with similar_pairs comparing BLOCK_CELLS = 2,000 (article, article) cells at a time, fewer than
    N * N: with its default (2**22) a corpus under 2,048 articles is one dense block of every pair, quadratic by
    design up to that bound, so at these sizes only smaller blocks show how it grows past it."""
    import analysis.measures.reuse as reuse

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reuse, "BLOCK_CELLS", 2_000)
        return call()


#: Calls known to grow faster than linearly, with what was measured: strict, so a fix shows up as XPASS.
KNOWN_QUADRATIC = {
    "similarity": "every pair of articles, by design: measured memory x12.7, rows x16.1 for x4 articles (N=100)",
    "group_similarity": "averages similarity's every pair of articles, its input: measured memory x16.0 for x4 "
                        "articles (N=100); linear in its input, quadratic in the articles",
}


# --- The measurement -------------------------------------------------------------------------------------------------

def rows(result) -> int:
    """Rows of a result: a table's rows, a list's or dict's items (summed over a dict of tables), a text's lines."""
    if isinstance(result, (pd.DataFrame, pd.Series)):
        return len(result)
    if isinstance(result, dict):
        return sum(rows(value) for value in result.values())
    if isinstance(result, (list, tuple)):
        return len(result)
    text = getattr(result, "data", result)  # IPython's Markdown
    return str(text).count("\n") + 1


def measured(call, tables) -> tuple[int, int]:
    """(peak bytes allocated during `call(tables)`, rows of its result)."""
    gc.collect(1)  # the young garbage of what ran before (a full collection costs a tenth of a second here)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = call(tables)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    return peak, rows(result)


def growth(call, small, large) -> tuple[float, float, tuple[int, int], tuple[int, int]]:
    """(memory ratio, rows ratio, small (bytes, rows), large (bytes, rows)) of `call` from `small` to `large`."""
    call(small)  # what is loaded once per process (lexicons, compiled patterns) is loaded before either measurement
    a, b = measured(call, small), measured(call, large)
    return b[0] / a[0], b[1] / max(a[1], 1), a, b


@pytest.fixture(scope="module")
def quiet():
    """No cache (every call computes), one core (tracemalloc sees only this process), no progress bars."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANALYSIS_CACHE", "off")
        patch.setenv("ANALYSIS_PROGRESS", "off")
        patch.setattr(os, "cpu_count", lambda: 1)
        yield


@pytest.fixture(scope="module")
def corpora(quiet, tmp_path_factory):
    folder = tmp_path_factory.mktemp("growth")
    return Tables(folder, N).prepared(), Tables(folder, LARGE).prepared()


def _marked(name):
    reason = KNOWN_QUADRATIC.get(name)
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason)) if reason else name


@pytest.mark.parametrize("name", [_marked(name) for name in CALLS])
def test_an_aggregation_on_four_times_the_articles_stays_within_the_growth_limit(name, corpora):
    memory, rows_ratio, small, large = growth(CALLS[name], *corpora)
    print(f"{name}: memory x{memory:.2f} ({small[0]:,} -> {large[0]:,} bytes), "
          f"rows x{rows_ratio:.2f} ({small[1]:,} -> {large[1]:,})")
    assert memory <= GROWTH_LIMIT, \
        f"{name}: peak memory grew x{memory:.1f} for x4 articles ({small[0]:,} -> {large[0]:,} bytes)"
    assert rows_ratio <= GROWTH_LIMIT, \
        f"{name}: rows grew x{rows_ratio:.1f} for x4 articles ({small[1]:,} -> {large[1]:,})"


def every_pair(articles: pd.DataFrame) -> pd.DataFrame:
    """A deliberately quadratic toy aggregation: every ordered pair of articles with its two outlets."""
    left = articles[["doc_id", "outlet"]]
    return left.merge(left, how="cross", suffixes=("_a", "_b"))


def test_the_measurement_catches_a_quadratic_aggregation(corpora):
    memory, rows_ratio, _, _ = growth(lambda t: every_pair(t.articles), *corpora)
    print(f"every_pair: memory x{memory:.2f}, rows x{rows_ratio:.2f}")
    assert memory > GROWTH_LIMIT and rows_ratio > GROWTH_LIMIT
    linear, linear_rows, _, _ = growth(lambda t: t.articles[["doc_id", "outlet"]].copy(), *corpora)
    assert linear <= GROWTH_LIMIT and linear_rows <= GROWTH_LIMIT


def test_every_public_aggregation_the_notebooks_call_is_measured():
    """Each public name a numbered notebook calls is in CALLS, or named below as not an aggregation of articles."""
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    called = set()
    for path in sorted(notebooks.glob("0*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        called.update(re.findall(r"\ban\.(\w+)\(", "\n".join("".join(c["source"]) for c in cells
                                                             if c["cell_type"] == "code")))
    covered = {name.split("[")[0] for name in CALLS}
    assert called - covered - NOT_MEASURED - COMING == set()


#: Being written (see CALLS): remove from here when their lines in CALLS are enabled.
COMING: set[str] = set()

#: What the notebooks call that is not an aggregation of the articles: settings, loading, showing and saving
#: tables and figures, the validation data sets (notebook 05: fixed public data), the coding sheets on disk, the
#: frame model's weights.
NOT_MEASURED = {
    "configure", "load_articles", "columns_first", "save_figure", "save_table", "save_measures", "save_validation",
    "show_validation", "validate_all", "show_kwic", "show_table", "shown_rows", "frame_weights", "save_coding_sheets",
    "read_coded_sheets",
} | {name for name in an.__all__ if name.startswith("plot_")}
