"""Sentiment: VADER scores as vaderSentiment gives them, honest intervals, drivers, the lexicon audit and masking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import analysis as an
from analysis.measures.sentiment import token_valences
from analysis.measures.vader import analyzer
from conftest import SHARED

VADER = SentimentIntensityAnalyzer()


def _table(texts, outlet="X", doc_id="d1", quote_share=0.0):
    return pd.DataFrame({"doc_id": doc_id, "outlet": outlet, "text": texts, "quote_share": quote_share})


def test_scores_are_vaders_own_on_the_text_as_written():
    texts = ["The strike was GOOD!!!", "the strike was good", "Not bad at all.", "He was killed."]
    scored = an.score_sentences(pd.DataFrame({"text": texts}))
    for text, (neg, neu, pos, compound) in zip(texts, scored[["neg", "neu", "pos", "compound"]].itertuples(index=False)):
        assert (neg, neu, pos, compound) == tuple(VADER.polarity_scores(text)[k] for k in ("neg", "neu", "pos", "compound"))
    assert scored.loc[0, "compound"] > scored.loc[1, "compound"]  # capitals and "!!!" count


def test_score_sentences_keeps_the_input_columns_and_index():
    sentences = pd.DataFrame({"text": ["Good.", "Bad."], "outlet": ["A", "B"]}, index=[7, 9])
    scored = an.score_sentences(sentences)
    assert list(scored.index) == [7, 9]
    assert list(scored.columns) == ["text", "outlet", "neg", "neu", "pos", "compound", "long_sentence"]
    assert "compound" not in sentences.columns


def test_two_processes_give_identical_numbers(sentences):
    many = pd.concat([sentences] * 6, ignore_index=True)
    pd.testing.assert_frame_equal(an.score_sentences(many, workers=1), an.score_sentences(many, workers=2))


@pytest.mark.needs_shared
def test_vader_on_the_nyt_ground_truth_matches_vadersentiment_and_the_paper():
    path = SHARED / "data" / "vader_groundtruth" / "nytEditorialSnippets_GroundTruth.txt"
    rows = [line.split("\t", 2) for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    truth = pd.DataFrame(rows, columns=["id", "rating", "text"]).astype({"rating": float})
    assert len(truth) == 5190
    scored = an.score_sentences(truth)
    assert scored["compound"].tolist() == [VADER.polarity_scores(text)["compound"] for text in truth["text"]]
    r = np.corrcoef(scored["compound"], scored["rating"])[0, 1]
    assert r >= 0.49, r  # Hutto & Gilbert (2014) report 0.492; vaderSentiment 3.3.2 gives 0.503


@pytest.mark.needs_shared
def test_every_ground_truth_text_gets_vadersentiments_four_scores():
    # The faster analyzer (analysis/measures/vader.py) on all 4,200 tweets, 10,605 movie-review, 3,708
    # Amazon-review and 5,190 NYT snippets that VADER was validated on.
    texts = []
    for path in sorted((SHARED / "data" / "vader_groundtruth").glob("*_GroundTruth.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        texts += [line.split("\t", 2)[2] for line in lines if line.count("\t") >= 2]
    assert len(texts) > 23_000
    differ = [text for text in texts if analyzer().polarity_scores(text) != VADER.polarity_scores(text)]
    assert differ == []


def test_summary_interval_on_a_literal_example():
    scored = _table(list("abcde"), doc_id=list("12345")).assign(compound=[0.0, 0.0, 0.0, 0.0, 1.0])
    summary = an.summarize_sentiment(scored, replicates=4000).set_index("voice")
    record = summary.loc["all"]
    # Five articles resampled: the number of draws of the 1.0 is Binomial(5, 1/5), P(0) = 0.33 and P(at most 2) =
    # 0.94, P(at most 3) = 0.99: the 95% interval is [0, 3/5].
    assert (record["mean_compound"], record["low"], record["high"]) == (0.2, 0.0, 0.6)
    assert record["resampled"] == "articles" and (record["sentences"], record["articles"]) == (5, 5)


def test_the_bootstrap_resamples_articles_when_a_group_has_five():
    scored = pd.concat([
        _table(["x", "y"], doc_id="a").assign(compound=[-0.5, 0.1]),
        _table(list("zwvu"), doc_id=list("bcde")).assign(compound=0.7),
    ], ignore_index=True)
    record = an.summarize_sentiment(scored, replicates=4000).set_index("voice").loc["all"]
    # With k draws of article a (sum -0.4 over 2 sentences) among 5, the mean is (-0.4k + 0.7(5 - k)) / (5 + k):
    # P(k = 0) = 0.33 gives the top (0.7); P(k >= 4) = 0.007 and P(k = 3) = 0.05 put the 2.5% point at k = 3, 0.2 / 8.
    assert record["resampled"] == "articles"
    assert (record["low"], record["high"]) == pytest.approx((0.025, 0.7))


def test_the_bootstrap_is_seeded():
    scored = _table([str(i) for i in range(30)], doc_id=[str(i % 6) for i in range(30)]).assign(
        compound=np.linspace(-1, 1, 30) ** 3)
    first = an.summarize_sentiment(scored)
    assert first.equals(an.summarize_sentiment(scored))
    assert not first.equals(an.summarize_sentiment(scored, seed=1))


def test_shares_use_vaders_thresholds_and_voices_split_on_quote_share():
    scored = pd.DataFrame({
        "doc_id": "d", "outlet": "X", "text": list("abcd"),
        "compound": [-0.05, 0.0, 0.05, 0.6], "quote_share": [0.0, 0.0, 0.0, 0.8],
    })
    summary = an.summarize_sentiment(scored).set_index("voice")
    assert summary.loc["all", ["share_negative", "share_neutral", "share_positive"]].tolist() == [0.25, 0.25, 0.5]
    assert summary.loc["own", "sentences"] == 3 and summary.loc["quoted", "sentences"] == 1
    assert summary.loc["quoted", "mean_compound"] == 0.6


def test_target_sentiment_averages_the_sentences_that_name_each_target():
    scored = an.score_sentences(_table(["The US killed him.", "Washington was praised.", "Iran is calm.", "Rain fell."]))
    targets = an.target_sentiment(scored, targets=["United States", "Iran"]).set_index("target")
    expected = np.mean([VADER.polarity_scores(t)["compound"] for t in ["The US killed him.", "Washington was praised."]])
    assert targets.loc["United States", "sentences"] == 2
    assert targets.loc["United States", "mean_compound"] == pytest.approx(expected)
    assert targets.loc["Iran", "sentences"] == 1


@pytest.mark.parametrize("text", [
    "The killing was horrible, but the response was not bad at all!!",
    "It was kind of GREAT and very good :)",
    "No one was happy. Never again?",
    "Iran’s “martyr” was assassinated by the U.S. drone strike.",
])
def test_token_valences_add_up_to_vaders_compound(text):
    sentiments = [value for _, value in token_valences(text)]
    assert analyzer().score_valence(sentiments, text) == VADER.polarity_scores(text)


def test_token_valences_reproduce_every_seed_sentence(sentences):
    for text in sentences["text"]:
        sentiments = [value for _, value in token_valences(text)]
        assert analyzer().score_valence(sentiments, text)["compound"] == VADER.polarity_scores(text)["compound"]


def test_drivers_show_which_words_move_each_score():
    scored = an.score_sentences(_table(["The killing was horrible.", "Peace is good."]))
    drivers = an.sentiment_drivers(scored).set_index("word")
    assert drivers.loc["killing", ["valence", "n", "contribution", "direction"]].tolist() == [-3.4, 1, -3.4, "negative"]
    assert drivers.loc["horrible", "valence"] == -2.5
    assert drivers.loc["peace", "direction"] == "positive"
    assert "the" not in drivers.index


def test_the_lexicon_audit_flags_terms_vader_does_not_know():
    audit = an.lexicon_audit().set_index("pattern")
    assert audit.loc["assassinat*", "forms"].startswith("assassination=-2.9")
    assert audit.loc["kill*", "in_vader"]
    assert not audit.loc["sovereign*", "in_vader"]
    assert audit.loc["assassinated", "concept"] == "blind spot" and not audit.loc["assassinated", "in_vader"]
    assert audit.loc["adventurism", "valence"] == 1.5


def test_the_lexicon_audit_lists_the_forms_a_corpus_uses():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "text": ["They assassinated him."]}))
    audit = an.lexicon_audit(hits=an.find_terms(sentences)).set_index("pattern")
    assert "assassinated=missing" in audit.loc["assassinat*", "forms"]
    assert audit.loc["assassinat*", "found"] == 1


def test_masking_replaces_framing_terms_and_rescoring_removes_their_weight():
    sentences = _table(["The US killed the general in an illegal strike.", "Nothing here."])
    masked = an.mask_terms(sentences)
    assert masked["text"].tolist() == ["The US xxxx the xxxx in an xxxx xxxx.", "Nothing here."]
    assert masked["n_masked"].tolist() == [4, 0]
    assert masked["text_original"].tolist() == sentences["text"].tolist()
    assert an.score_sentences(masked)["compound"].tolist() == [0.0, 0.0]


def test_compare_masked_ranks_groups_before_and_after():
    summary = pd.DataFrame({"outlet": ["A", "B"], "voice": "all", "sentences": [3, 4],
                            "mean_compound": [-0.5, -0.2], "low": [-0.6, -0.3], "high": [-0.4, -0.1]})
    masked = summary.assign(mean_compound=[0.1, -0.1])
    comparison = an.compare_masked(summary, masked).set_index("outlet")
    assert comparison.loc["A", ["rank", "rank_masked"]].tolist() == [1, 2]
    assert comparison.loc["B", "change"] == pytest.approx(0.1)


def test_sentiment_by_position_bins_body_sentences():
    scored = pd.DataFrame({"doc_id": "d", "outlet": "X", "section": ["title", "body", "body"],
                           "start": [0, 0, 50], "end": [10, 50, 100], "compound": [0.9, -0.5, 0.5]})
    positions = an.sentiment_by_position(scored, bins=2)
    assert positions[["bin", "position", "sentences", "mean_compound"]].values.tolist() == [[1, 0.25, 1, -0.5], [2, 0.75, 1, 0.5]]


def test_plot_sentence_sentiment_draws_a_point_per_sentence(sentences):
    import matplotlib

    matplotlib.use("Agg")
    scored = an.score_sentences(sentences)
    ax = an.plot_sentence_sentiment(scored, an.summarize_sentiment(scored))
    from matplotlib.collections import PathCollection

    points = sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection))
    assert points == len(scored)


def test_sentiment_by_position_bins_each_body_sentence_by_where_it_starts():
    scored = pd.DataFrame({"outlet": "X", "doc_id": "a", "section": "body", "start": [0, 30, 60, 90],
                           "end": [30, 60, 90, 100], "compound": [-0.5, 0.0, 0.5, 1.0]})
    positions = an.sentiment_by_position(scored, bins=2)
    assert positions[["bin", "position", "sentences", "mean_compound"]].values.tolist() == [
        [1, 0.25, 2, -0.25], [2, 0.75, 2, 0.75]]


def test_a_95_percent_bootstrap_interval_of_a_mean_spans_about_two_standard_errors_each_side():
    from analysis.measures.stats import bootstrap_mean

    values = np.random.default_rng(7).normal(size=400)
    low, high = bootstrap_mean(values, np.arange(400), rng=np.random.default_rng(1), replicates=4000)
    standard_error = values.std(ddof=1) / np.sqrt(400)
    assert (high[0] - low[0]) / (2 * 1.96 * standard_error) == pytest.approx(1.0, abs=0.06)


def test_target_sentiment_by_the_model_reports_a_score_and_label_shares_per_actor():
    scored = an.score_sentences(pd.DataFrame({"outlet": "X", "doc_id": ["a", "a", "b"], "voice": "own", "text": [
        "Iran condemned the brutal attack.", "Russia praised the peaceful talks with Iran.", "China met Russia."]}))
    model = an.target_sentiment(scored, targets=["Iran", "Russia"], method="model", replicates=50).set_index("target")
    assert {"mean_score", "share_negative", "share_neutral", "share_positive"} <= set(model.columns)
    assert "mean_compound" not in model.columns
    assert model.loc["Iran", "sentences"] == 2 and model.loc["Russia", "sentences"] == 2
    assert model["mean_score"].between(-1, 1).all()
    assert model[["share_negative", "share_neutral", "share_positive"]].sum(axis=1).round(6).eq(1).all()
    with pytest.raises(ValueError, match="method must be 'vader' or 'model', not 'bert'"):
        an.target_sentiment(scored, method="bert")


def test_the_model_runs_once_for_target_sentiment_and_target_mentions_of_one_table(tmp_path, monkeypatch):
    # Notebook 03 asks for both: the second reads the first's mentions from the cache. With the cache off, both run
    # the model, and the figures are the same either way.
    from analysis import cache
    from analysis.measures import sentiment

    calls = []
    classify = sentiment.classify_target_sentiment
    monkeypatch.setattr(sentiment, "classify_target_sentiment", lambda mentions: calls.append(len(mentions)) or classify(mentions))
    scored = an.score_sentences(pd.DataFrame({"outlet": ["X", "Y"], "doc_id": ["a", "b"], "text": [
        "Iran condemned the brutal attack by the United States.", "Russia praised the peaceful talks with Iran."]}))
    results = {}
    for setting in ("off", str(tmp_path / "cache")):
        monkeypatch.setenv("ANALYSIS_CACHE", setting)
        monkeypatch.setattr(cache, "MIN_SECONDS", 0.0)
        calls.clear()
        results[setting] = (an.target_sentiment(scored, method="model", replicates=50), an.target_mentions(scored))
        assert calls == ([4, 4] if setting == "off" else [4])
    (uncached, uncached_mentions), (cached, cached_mentions) = results.values()
    pd.testing.assert_frame_equal(cached, uncached)
    pd.testing.assert_frame_equal(cached_mentions, uncached_mentions)


def test_target_mentions_give_each_mention_its_offsets_and_both_labels():
    scored = an.score_sentences(pd.DataFrame({"doc_id": ["a"], "text": ["The United States warned Iran again."]}))
    mentions = an.target_mentions(scored, targets=["United States", "Iran"])
    assert mentions[["target", "mention"]].values.tolist() == [["United States", "United States"], ["Iran", "Iran"]]
    for text, start, end, mention in zip(mentions["text"], mentions["mention_start"], mentions["mention_end"], mentions["mention"]):
        assert text[start:end] == mention
    assert set(mentions["vader_label"].astype(str)) <= {"negative", "neutral", "positive"}
    assert (mentions["score"] == mentions["p_positive"] - mentions["p_negative"]).all()


def test_compare_masked_gives_tied_groups_the_same_best_rank():
    summary = pd.DataFrame({"outlet": ["A", "B", "C"], "voice": "all", "sentences": 3,
                            "mean_compound": [-0.5, -0.5, 0.1], "low": 0.0, "high": 0.0})
    masked = summary.assign(mean_compound=[0.2, -0.1, -0.1])
    table = an.compare_masked(summary, masked).set_index("outlet")
    assert table["rank"].tolist() == [1, 1, 3] and table["rank_masked"].tolist() == [3, 1, 1]


def test_a_long_texts_token_valences_are_those_of_each_window_in_turn():
    from analysis.measures.sentiment import LONG_SENTENCE_WORDS, _windows
    from analysis.measures.vader import valences

    text = " ".join(["good"] * LONG_SENTENCE_WORDS + ["not", "bad"] * 10)
    pieces = _windows(text)
    assert [len(piece.split()) for piece in pieces] == [510, 510]
    assert token_valences(text) == valences(pieces[0]) + valences(pieces[1])
