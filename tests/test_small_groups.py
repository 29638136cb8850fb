"""Honest small groups: no interval from fewer than five articles, said in the table and on the figure; the
Findings name no difference that rests on one article or on fewer than 20 sentences, and no group the figure
leaves out without saying so."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402
from analysis.measures.stats import MIN_ARTICLES_FOR_INTERVAL, article_interval  # noqa: E402

NONE = "none: fewer than 5 articles"


def _articles(count: int, text: str = "The strike violated international law. The United States said oil prices "
                                      "rose.") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(count)], "outlet": "X", "text": text})


def test_the_threshold_is_five_articles():
    assert MIN_ARTICLES_FOR_INTERVAL == 5


def test_four_articles_get_no_interval_and_five_get_one_over_articles():
    rng = np.random.default_rng(0)
    low, high, resampled = article_interval(np.array([0.0, 0.0, 0.0, 1.0]), np.ones(4), rng=rng)
    assert np.isnan(low).all() and np.isnan(high).all() and resampled == NONE
    low, high, resampled = article_interval(np.array([0.0, 0.0, 0.0, 0.0, 1.0]), np.ones(5), rng=rng, replicates=4000)
    # k draws of the 1.0 among five, Binomial(5, 1/5): P(k = 0) = 0.33, P(k <= 2) = 0.94, P(k <= 3) = 0.99.
    assert (low[0], high[0], resampled) == (0.0, 0.6, "articles")


@pytest.mark.parametrize("count, resampled", [(1, NONE), (4, NONE), (5, "articles")])
def test_every_per_group_interval_follows_the_same_threshold(count, resampled):
    sentences = an.split_sentences(_articles(count))
    scored = an.score_sentences(sentences)
    hits = an.find_terms(sentences)
    tables = {
        "summarize_sentiment": an.summarize_sentiment(scored, replicates=50).query("voice == 'all'"),
        "target_sentiment": an.target_sentiment(scored, targets=["United States"], replicates=50),
        "term_rates": an.term_rates(hits, sentences, replicates=50),
        "frame_shares": an.frame_shares(an.code_frames(sentences), sentences, replicates=50),
        "frame_prevalence": an.frame_prevalence(an.article_frames(sentences), replicates=50),
    }
    for name, table in tables.items():
        assert len(table), name
        assert set(table["resampled"]) == {resampled}, name
        assert table["low"].isna().all() == (resampled == NONE), name


def test_a_summary_of_four_articles_says_in_words_why_it_has_no_interval():
    scored = pd.DataFrame({"doc_id": list("abcd"), "outlet": "X", "compound": [0.0, 0.0, 0.0, 1.0]})
    record = an.summarize_sentiment(scored).set_index("voice").loc["all"]
    assert (record["articles"], record["mean_compound"], record["resampled"]) == (4, 0.25, NONE)
    assert np.isnan(record["low"]) and np.isnan(record["high"])


def test_compare_groups_gives_the_articles_and_sentences_behind_each_side():
    table = pd.DataFrame({"outlet": ["A"] * 3 + ["B"] * 5, "doc_id": ["a1", "a1", "a2", "b1", "b1", "b1", "b2", "b3"],
                          "compound": [0.1, 0.2, np.nan, 0.3, 0.1, 0.0, 0.2, 0.4]})
    row = an.compare_groups(table, by="outlet", value="compound").iloc[0]
    # a2's only sentence has no value: A is one article of two sentences.
    assert (row["articles_a"], row["sentences_a"], row["articles_b"], row["sentences_b"]) == (1, 2, 3, 5)
    assert row["resampled"] == "sentences"


def _comparison(group: str, articles: int, sentences: int, q: float = 0.01) -> dict:
    return {"desk_a": group, "desk_b": "rest", "value": "compound", "mean_a": -0.5, "mean_b": 0.0,
            "difference": -0.5, "effect_size": np.nan, "n_a": articles, "n_b": 10, "resampled": "articles",
            "p": q, "q": q, "articles_a": articles, "articles_b": 10, "sentences_a": sentences, "sentences_b": 100}


def test_findings_skip_a_difference_resting_on_one_article_or_on_19_sentences_and_count_them():
    comparisons = pd.DataFrame([_comparison("single", 1, 40), _comparison("short", 3, 19),
                                _comparison("enough", 2, 20), _comparison("large", 6, 60)])
    text = an.compared(comparisons, by="desk", what="Mean compound")
    assert text.startswith("**Mean compound: 4 of 4 comparisons differ at q < 0.05**")
    assert ("**2 of the 4 are not named**: 1 rests on a group of one article (a difference between articles), "
            "1 rests on a side of fewer than 20 sentences.") in text
    named = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line.split(" (")[0] for line in named] == ["- enough", "- large"]


def test_findings_say_when_no_supported_difference_can_be_named():
    text = an.compared(pd.DataFrame([_comparison("single", 1, 40)]), by="desk", what="Mean compound")
    assert "**It is not named**: it rests on a group of one article" in text
    assert not [line for line in text.splitlines() if line.startswith("- ")]


def _summary(groups: dict[str, tuple[int, int, int, float]]) -> pd.DataFrame:
    """summarize_sentiment's rows from {group: (articles, own sentences, quoted sentences, mean)}."""
    rows = []
    for group, (articles, own, quoted, mean) in groups.items():
        resampled = "articles" if articles >= 5 else NONE
        interval = (mean - 0.1, mean + 0.1) if resampled == "articles" else (np.nan, np.nan)
        for voice, sentences in (("all", own + quoted), ("own", own), ("quoted", quoted)):
            rows.append({"desk": group, "voice": voice, "sentences": sentences, "articles": articles,
                         "mean_compound": mean if sentences else np.nan, "low": interval[0], "high": interval[1],
                         "resampled": resampled})
    return pd.DataFrame(rows)


def test_sentiment_findings_mark_a_group_the_figure_leaves_out_and_name_extremes_among_those_it_shows():
    # 25 groups of 100 sentences fill the figure (it shows 25); "tiny" has 30 and is left out.
    groups = {f"g{i:02d}": (6, 80, 20, -0.1) for i in range(25)}
    groups |= {"g00": (6, 80, 20, -0.3), "g01": (3, 80, 20, 0.2), "tiny": (2, 30, 0, -0.9)}
    summary = _summary(groups)
    comparisons = pd.DataFrame([_comparison("tiny", 2, 30), _comparison("g00", 6, 100)])
    text = an.sentiment_findings(summary, comparisons, pd.DataFrame(), by="desk").data
    assert "- tiny (not in the figure) (-0.50, n = 2 articles) vs rest" in text
    assert "- g00 (-0.50, n = 6 articles) vs rest" in text
    assert "the figure shows the 25 of 26 groups with the most sentences" in text
    # The extremes are those of the figure, not tiny's -0.9; g01 has no interval and says why.
    assert ("runs from -0.30 (g00, 95% interval -0.40 to -0.20, n = 100 sentences) to +0.20 "
            "(g01, no interval: fewer than 5 articles, n = 100) among the 25 groups the figure shows; "
            "25 of 26 groups are below zero.") in text


def test_the_quotation_gap_is_named_only_for_a_group_with_20_sentences_in_each_voice():
    summary = _summary({"few": (6, 80, 19, -0.1), "many": (6, 80, 20, -0.1)})
    summary.loc[(summary["desk"] == "few") & (summary["voice"] == "quoted"), "mean_compound"] = 0.8
    summary.loc[(summary["desk"] == "many") & (summary["voice"] == "quoted"), "mean_compound"] = 0.3
    text = an.sentiment_findings(summary, pd.DataFrame(columns=["desk_a", "desk_b", "p", "q", "resampled"]),
                                 pd.DataFrame(), by="desk").data
    assert ("**Quotation changes the tone most in many:** quoted sentences average +0.30, its own voice -0.10 "
            "(n = 20 and 80 sentences; groups with 20 or more in each voice).") in text


def test_framing_findings_list_only_groups_the_frames_figure_shows():
    # 31 groups: the figure shows the 30 with the most sentences; "small" (10 sentences) leads the shares.
    frames = pd.DataFrame([{"desk": f"g{i:02d}", "frame": "conflict", "n": 10, "sentences": 100, "share": 0.1}
                           for i in range(30)] + [{"desk": "small", "frame": "conflict", "n": 9, "sentences": 10,
                                                   "share": 0.9}])
    forms = pd.DataFrame({"desk": ["g00"], "form": ["active"], "n": [0]})
    voices = pd.DataFrame(columns=["desk", "speaker_group", "quoted_words", "quoted_word_share"])
    comparisons = pd.DataFrame([_comparison("small", 2, 10)])
    text = an.framing_findings(frames, forms, voices, comparisons, frame="conflict", by="desk").data
    assert "small" not in text.split("\n")[0]
    assert "(23 more groups in the table, not all in the figure)" in text
    assert "**It is not named**: it rests on a side of fewer than 20 sentences." in text


def _open_markers(ax) -> list:
    """The x of every marker drawn open (white face)."""
    return sorted(x for line in ax.lines if line.get_markerfacecolor() == "white" for x in line.get_xdata())


def test_the_sentence_figure_draws_a_mean_without_interval_open_and_says_so_in_the_legend():
    summary = _summary({"big": (6, 2, 0, -0.2), "small": (4, 2, 0, 0.3)})
    scored = pd.DataFrame({"desk": ["big", "big", "small", "small"], "voice": "own", "compound": [-0.3, -0.1, 0.2, 0.4]})
    ax = an.plot_sentence_sentiment(scored, summary, by="desk")
    assert _open_markers(ax) == [0.3]
    # One interval line, big's: -0.3 to -0.1.
    segments = [segment for collection in ax.collections if hasattr(collection, "get_segments")
                for segment in collection.get_segments()]
    assert [tuple(segment[:, 0]) for segment in segments] == [pytest.approx((-0.3, -0.1))]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "mean with 95% interval over articles" in labels
    assert "open: mean without interval\n(fewer than 5 articles)" in labels
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["small\n(n = 2 own, 0 quoted; 4 articles)",
                                                                   "big\n(n = 2 own, 0 quoted; 6 articles)"]
    plt.close(ax.figure)


def test_a_figure_where_no_group_has_an_interval_has_no_legend_entry_for_one():
    summary = _summary({"a": (1, 3, 0, -0.2), "b": (1, 3, 0, 0.1)})
    scored = pd.DataFrame({"desk": ["a", "b"], "voice": "own", "compound": [-0.2, 0.1]})
    ax = an.plot_sentence_sentiment(scored, summary, by="desk")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "mean with 95% interval over articles" not in labels
    assert "open: mean without interval\n(fewer than 5 articles)" in labels
    assert _open_markers(ax) == [-0.2, 0.1]
    plt.close(ax.figure)


def test_the_masking_figure_draws_both_means_of_a_small_group_open():
    comparison = pd.DataFrame({"outlet": ["A", "B"], "sentences": [10, 4], "mean_compound": [-0.4, -0.1],
                               "low": [-0.6, np.nan], "high": [-0.2, np.nan], "mean_masked": [0.1, -0.05],
                               "low_masked": [0.0, np.nan], "high_masked": [0.2, np.nan], "change": [0.5, 0.05],
                               "rank": [1, 2], "rank_masked": [2, 1], "articles": [7, 2],
                               "resampled": ["articles", NONE]})
    ax = an.plot_masking(comparison)
    assert _open_markers(ax) == [-0.1, -0.05]
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["A (n = 10; 7 articles)", "B (n = 4; 2 articles)"]
    assert "open: mean without interval\n(fewer than 5 articles)" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_the_term_rates_figure_marks_rates_without_interval_open():
    rates = pd.DataFrame([("big", "event", "killing", voice, 2, 100, 20.0, 10.0, 30.0, "articles")
                          for voice in ("own", "quoted")] +
                         [("small", "event", "killing", voice, 1, 50, 20.0, np.nan, np.nan, NONE)
                          for voice in ("own", "quoted")],
                         columns=["outlet", "concept", "family", "voice", "n", "words", "per_1k", "low", "high",
                                  "resampled"])
    fig = an.plot_term_rates_grid(rates)
    labels = [text.get_text() for legend in fig.legends for text in legend.get_texts()]
    assert "open: rate without interval\n(fewer than 5 articles)" in labels
    assert _open_markers(fig.axes[0]) == [20.0, 20.0]
    plt.close(fig)
