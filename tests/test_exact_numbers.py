"""Exact numbers on small literal inputs: what a measure promises, worked out by hand.

Each test pins a number a change in one line would move (the mutation probe, tools/mutation_probe.py, makes such
changes), and the scipy functions that replaced hand-written statistics are checked against the code they replaced.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb, floor, log10

import numpy as np
import pandas as pd
import pytest

import analysis as an
from analysis.measures.compare import bh_qvalues
from analysis.measures.stats import NO_INTERVAL, sign_test
from conftest import PROJECT


# --- scipy in place of the hand-written statistics -----------------------------------------------------------------


def _hand_written_bh(p: np.ndarray) -> np.ndarray:
    """compare.bh_qvalues as it was written by hand before scipy.stats.false_discovery_control replaced it."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if not len(present):
        return q
    order = present[np.argsort(p[present], kind="stable")]
    ranked = p[order] * len(order) / np.arange(1, len(order) + 1)
    q[order] = np.minimum(1.0, np.minimum.accumulate(ranked[::-1])[::-1])
    return q


def _hand_written_sign_test(below: int, above: int) -> float:
    """findings.sign_test as it was written by hand before scipy.stats.binomtest replaced it."""
    n = below + above
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(comb(n, k) for k in range(min(below, above) + 1)) / 2 ** n)


BH_CASES = [
    [0.01, 0.04, np.nan, 0.03, 0.2],
    [0.5, 0.6, 0.1, 0.001],
    [0.05, 0.05, 0.05, 0.05],
    [1.0, 1.0, 0.0],
    [0.3],
    [np.nan, np.nan],
    [],
    [k / 2000 for k in (1, 1, 7, 40, 41, 100, 333, 999, 1500, 2000)],  # permutation p-values: steps of 1/2000
]


@pytest.mark.parametrize("p", BH_CASES)
def test_scipys_false_discovery_control_gives_the_hand_written_q_values(p):
    p = np.array(p, dtype=float)
    ours, before = bh_qvalues(p), _hand_written_bh(p)
    # scipy multiplies by m / i where the old code multiplied by m and divided by i: the last bit may differ
    # (3 of the 30 q-values of the committed comparison tables do), never a digit a table shows.
    np.testing.assert_allclose(ours, before, rtol=1e-15, atol=0)
    assert [f"{q:.6g}" for q in ours] == [f"{q:.6g}" for q in before]


def _exact_bh(p: np.ndarray) -> list[Fraction]:
    """Benjamini-Hochberg q-values in exact arithmetic (p given as floats that are multiples of 1/2000)."""
    ranked = sorted(range(len(p)), key=lambda k: p[k])
    exact = [Fraction(round(p[k] * 2000), 2000) * len(p) / (rank + 1) for rank, k in enumerate(ranked)]
    q = [Fraction(0)] * len(p)
    smallest = Fraction(1)
    for rank in range(len(p) - 1, -1, -1):
        smallest = min(smallest, exact[rank])
        q[ranked[rank]] = smallest
    return q


def _halfway_at_the_seventh_digit(value: Fraction) -> bool:
    """Whether `value` lies exactly halfway between two numbers of six significant digits (where %.6g of a float
    within one bit of it may round either way)."""
    scaled = value * Fraction(10) ** (5 - floor(log10(value)))
    return scaled - floor(scaled) == Fraction(1, 2)


def test_q_values_of_many_permutation_p_values_agree_with_the_hand_written_ones_in_every_shown_digit_but_ties():
    rng = np.random.default_rng(24)
    ties = 0
    for size in range(1, 60):
        p = (1 + rng.integers(0, 2000, size)) / 2000
        ours, before, exact = bh_qvalues(p), _hand_written_bh(p), _exact_bh(p)
        np.testing.assert_allclose(ours, before, rtol=1e-15, atol=0)
        for a, b, q in zip(ours, before, exact):
            if f"{a:.6g}" != f"{b:.6g}":
                assert _halfway_at_the_seventh_digit(q), (a, b, q)
                ties += 1
    # 3 q-values of 1,770 are exact ties (such as 0.7866875) that the two round to different sides in their last bit.
    assert ties == 3


@pytest.mark.parametrize("name", ["02-terminology", "03-sentiment", "04-framing"])
def test_the_committed_comparison_tables_q_values_are_what_scipy_gives_from_their_p_values(name):
    table = pd.read_csv(PROJECT / "figures" / f"{name}-comparisons.csv")
    p = np.round(table["p"].to_numpy() * 2000) / 2000  # permutation p-values: (1 + extreme) / 2000, shown exactly
    assert [f"{x:.6g}" for x in p] == [f"{x:.6g}" for x in table["p"]]
    assert [f"{q:.6g}" for q in bh_qvalues(p)] == [f"{q:.6g}" for q in table["q"]]


@pytest.mark.parametrize("below, above", [(0, 0), (0, 1), (1, 3), (4, 0), (5, 5), (4, 11), (6, 9), (0, 10),
                                          (17, 3), (50, 61), (200, 170)])
def test_scipys_binomtest_gives_the_hand_written_sign_test(below, above):
    # binomtest sums the probabilities in floating point, the old code in integers: equal to about 1e-14.
    assert sign_test(below, above) == pytest.approx(_hand_written_sign_test(below, above), rel=1e-13, abs=0)
    assert f"{sign_test(below, above):.3f}" == f"{_hand_written_sign_test(below, above):.3f}"


@pytest.mark.parametrize("below, above, p", [(4, 0, 0.125), (1, 3, 0.625), (5, 5, 1.0), (0, 10, 2 / 1024),
                                             (0, 0, 1.0), (2, 8, 112 / 1024)])
def test_the_sign_test_gives_the_binomial_tail_worked_by_hand(below, above, p):
    assert sign_test(below, above) == pytest.approx(p, rel=1e-13)


# --- target_sentiment: a sentence counts once per entity -------------------------------------------------------------


ALIASES = pd.DataFrame({"entity": ["Soleimani", "Iran"], "variant": ["Soleimani", "Iran"],
                        "pattern": ["soleimani", "iran"]})


def test_a_sentence_naming_an_entity_twice_counts_once_and_a_sentence_naming_two_entities_counts_for_both():
    scored = pd.DataFrame({"outlet": ["A", "A", "A", "B"], "doc_id": ["a1", "a1", "a2", "b1"], "sent_id": [1, 2, 1, 1],
                           "text": ["Soleimani met Soleimani's men in Iran.", "Iran said no.", "Nothing here.",
                                    "Soleimani died."],
                           "compound": [0.5, -0.25, 0.9, -0.5]})
    result = an.target_sentiment(scored, targets=["Soleimani", "Iran"], aliases=ALIASES)
    rows = result.set_index(["outlet", "target"])
    # Soleimani in A: one sentence (named twice), 0.5. Iran in A: the same sentence and "Iran said no.".
    assert rows.loc[("A", "Soleimani"), ["sentences", "articles", "mean_compound"]].tolist() == [1, 1, 0.5]
    assert rows.loc[("A", "Iran"), ["sentences", "articles", "mean_compound"]].tolist() == [2, 1, (0.5 - 0.25) / 2]
    assert rows.loc[("B", "Soleimani"), ["sentences", "articles", "mean_compound"]].tolist() == [1, 1, -0.5]
    assert rows.loc[("B", "Iran"), ["sentences", "articles"]].tolist() == [0, 0]
    assert np.isnan(rows.loc[("B", "Iran"), "mean_compound"])


# --- frame_shares: a one-article group gets no interval and says so ---------------------------------------------------


def test_frame_shares_give_a_one_article_group_no_interval_and_a_five_article_group_one():
    sentences = pd.DataFrame({"outlet": ["A", "A", "B"] + ["C"] * 5,
                              "doc_id": ["a1", "a1", "b1"] + [f"c{i}" for i in range(5)],
                              "sent_id": [1, 2, 1] + [1] * 5,
                              "text": ["The strike was retaliation.", "Nothing.", "Revenge and retaliation.",
                                       "x", "y", "z", "w", "v"]})
    lexicon = pd.DataFrame({"frame": ["conflict", "conflict"], "pattern": ["retaliation", "revenge"]})
    shares = an.frame_shares(an.code_frames(sentences, lexicon=lexicon), sentences, lexicon=lexicon)
    assert shares[["outlet", "frame", "n", "sentences", "share", "resampled", "cues"]].values.tolist() == [
        ["A", "conflict", 1, 2, 0.5, NO_INTERVAL, 1],
        ["B", "conflict", 1, 1, 1.0, NO_INTERVAL, 2],
        ["C", "conflict", 0, 5, 0.0, "articles", 0],
    ]
    assert shares[["low", "high"]].iloc[:2].isna().all().all()
    assert shares[["low", "high"]].iloc[2].tolist() == [0.0, 0.0]


# --- agents_named: shares within each group --------------------------------------------------------------------------


def test_agents_named_give_each_category_its_share_of_the_groups_own_mentions():
    agency = pd.DataFrame({"outlet": ["A", "A", "A", "A", "B", "B"],
                           "agent": ["the United States", "a U.S. drone", "Trump", "Trump", "", "Iran"]})
    named = an.agents_named(agency)
    assert named[["outlet", "agent_category", "n", "share", "examples"]].values.tolist() == [
        ["A", "a drone", 1, 0.25, "a U.S. drone"],
        ["A", "Trump", 2, 0.5, "Trump"],
        ["A", "the US", 1, 0.25, "the United States"],
        ["B", "Iran", 1, 0.5, "Iran"],
        ["B", "none", 1, 0.5, ""],
    ]


# --- shared_passages: a passage never matches an overlapping copy of itself ------------------------------------------


def test_a_run_of_one_word_is_a_passage_only_where_two_copies_do_not_overlap():
    def passages(words: int) -> list[list]:
        article = pd.DataFrame({"doc_id": ["run"], "text": [" ".join(["war"] * words)]})
        found = an.shared_passages(article, by=None, min_words=8)
        return found[["start_a", "end_a", "start_b", "end_b", "words", "text", "within"]].values.tolist()

    # Fifteen words hold no two 8-word places 8 apart; sixteen hold exactly one pair: words 1-8 and 9-16.
    assert passages(15) == []
    assert passages(16) == [[0, 31, 32, 63, 8, " ".join(["war"] * 8), True]]


# --- the frame model: scikit-learn's Pipeline and LeaveOneGroupOut as the hand-made training did it -------------------


def test_the_frame_models_pipeline_and_leave_one_fold_out_scores_equal_the_hand_made_ones_bit_for_bit():
    from sklearn.linear_model import LogisticRegression

    from analysis.measures.frame_training import fit, fold_scores

    rng = np.random.default_rng(7)
    x = np.column_stack([rng.normal(size=80), rng.poisson(2, 80), np.zeros(80), rng.random(80)])  # one unused cue
    y = (x[:, 0] + rng.normal(size=80) > 0).astype(int)
    folds = np.repeat([1, 2, 3, 4], 20)

    def hand_fit(x, y):
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale = np.where(scale > 0, scale, 1.0)
        model = LogisticRegression(C=0.01, class_weight="balanced", max_iter=10_000).fit((x - mean) / scale, y)
        return mean, scale, model

    mean, scale, model = fit(x, y, 0.01)
    hand_mean, hand_scale, hand_model = hand_fit(x, y)
    assert np.array_equal(mean, hand_mean) and np.array_equal(scale, hand_scale) and scale[2] == 1.0
    assert np.array_equal(model.coef_, hand_model.coef_) and np.array_equal(model.intercept_, hand_model.intercept_)
    hand_scores = np.zeros(len(y))
    for fold in (1, 2, 3, 4):
        held = folds == fold
        m, s, fitted = hand_fit(x[~held], y[~held])
        hand_scores[held] = fitted.predict_proba((x[held] - m) / s)[:, 1]
    assert np.array_equal(fold_scores(x, y, folds, 0.01), hand_scores)


# --- first_mention: the title, the first paragraph or the body, and how far in ------------------------------------------


def test_first_mention_places_each_family_in_the_title_the_first_paragraph_or_the_body_at_its_share_of_the_body():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"],
                             "title": ["The killing of a general", "Calm day"],
                             "text": ["Nothing happened at first.\n\nThen came the assassination in Baghdad. The strike was big.",
                                      "The strike hit the airport.\n\nLater the killing was confirmed."]})
    sentences = an.split_sentences(articles)
    first = an.first_mention(an.find_terms(sentences), sentences)
    used = first[first["n"] > 0]
    # Body a: 87 characters, "assassination" at 42 and "strike" at 72; body b: 61, "strike" at 4, "killing" at 39.
    assert used[["doc_id", "family", "in_title", "where", "para_id", "sent_id", "position"]].values.tolist() == [
        ["a", "assassination", False, "body", 2, 2, round(42 / 87, 4)],
        ["a", "killing", True, "title", -1, -1, pytest.approx(np.nan, nan_ok=True)],
        ["a", "strike", False, "body", 2, 3, round(72 / 87, 4)],
        ["b", "killing", False, "body", 2, 2, round(39 / 61, 4)],
        ["b", "strike", False, "first paragraph", 1, 1, round(4 / 61, 4)],
    ]
    assert set(first.loc[first["n"] == 0, "where"]) == {"not used"}


# --- agency, attribution and term totals on one sentence each ----------------------------------------------------------


def test_a_pronoun_or_be_right_before_the_verb_at_the_sentence_start_decides_its_form():
    sentences = pd.DataFrame({"doc_id": ["a"] * 3, "sent_id": [1, 2, 3],
                              "text": ["They murder civilians.", "Militias were killing civilians.", "Soldiers murder people."]})
    found = an.classify_agency(sentences)
    assert found[["sent_id", "match", "form", "agent", "start", "end"]].values.tolist() == [
        [1, "murder", "active", "They", 5, 11],
        [2, "killing", "active", "Militias", 14, 21],
        [3, "murder", "nominal", "", 9, 15],  # a noun without a pronoun, modal or "to" before it
    ]


def test_he_takes_the_group_of_a_speaker_named_up_to_three_sentences_before_and_no_further():
    sentences = pd.DataFrame({"doc_id": ["d"] * 5, "sent_id": [1, 2, 3, 4, 5], "section": ["body"] * 5,
                              "text": ["Mike Pompeo said the strike was justified.", "The region was tense.",
                                       "He said Iran would pay.", "Nothing else.", "Tehran waited. He said no more."]})
    found = an.find_attributions(sentences)
    assert found[["sent_id", "speaker", "speaker_group"]].values.tolist() == [
        [1, "Mike Pompeo", "US officials"], [3, "He", "US officials"], [5, "He", "unresolved"]]


def test_family_totals_add_both_voices_and_give_the_rate_per_thousand_words_to_three_decimals():
    rates = pd.DataFrame({"outlet": ["A", "A"], "concept": ["event", "event"], "family": ["killing", "killing"],
                          "voice": ["own", "quoted"], "n": [1, 2], "words": [7, 0]})
    totals = an.family_totals(rates)
    assert totals[["outlet", "family", "n_own", "n_quoted", "n", "words", "per_1k"]].values.tolist() == [
        ["A", "killing", 1, 2, 3, 7, 428.571]]  # 3000 / 7 = 428.5714...


def test_quoted_words_by_speaker_gives_each_speaker_group_its_share_of_the_groups_attributions_and_quoted_words():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "“We will respond,” Mike Pompeo said. Iran waited. “Never,” he said. “No,” Khamenei said."]}))
    table = an.quoted_words_by_speaker(an.find_attributions(sentences), sentences)
    # Pompeo and "he" (Pompeo again): 2 attributions, 3 + 1 quoted words; Khamenei: 1 and 1.
    assert table[["outlet", "speaker_group", "attributions", "quoted_words", "attribution_share",
                  "quoted_word_share"]].values.tolist() == [["X", "US officials", 2, 4, 0.6667, 0.8],
                                                            ["X", "Iranian officials", 1, 1, 0.3333, 0.2]]


# --- describe: voice shares and the periods of coverage ---------------------------------------------------------------


def test_voice_shares_give_the_quoted_characters_and_sentences_as_shares_to_four_decimals():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "“We will respond,” he said. Iran waited. “Never,” they said."]}))
    # Quoted characters: 18 of 27, 0 of 12, 8 of 19 (a sentence is quoted from half its characters on).
    assert sentences["voice"].tolist() == ["quoted", "own", "own"]
    shares = an.voice_shares(sentences)
    assert shares[["articles", "sentences", "words", "quoted_sentences", "quoted_share", "own_share",
                   "quoted_sentence_share"]].values.tolist() == [[1, 3, 10, 1, round(26 / 58, 4), round(32 / 58, 4),
                                                                  0.3333]]


def test_coverage_over_time_counts_by_day_when_the_articles_span_up_to_two_months_and_by_week_beyond():
    def periods(dates: list[str]) -> list[str]:
        articles = pd.DataFrame({"doc_id": list("abc"), "outlet": ["X"] * 3, "date": dates,
                                 "text": ["one two", "three", "four five six"]})
        table = an.coverage_over_time(articles, freq="auto")
        return [f"{period:%Y-%m-%d}" for period in table["period"]]

    assert periods(["2020-01-03", "2020-01-05", "2020-01-13"]) == ["2020-01-03", "2020-01-05", "2020-01-13"]
    assert periods(["2020-01-03", "2020-01-05", "2020-03-05"]) == ["2020-01-03", "2020-01-05", "2020-03-05"]  # 62 days
    assert periods(["2020-01-03", "2020-01-05", "2020-03-06"]) == ["2019-12-30", "2020-03-02"]  # 63: weeks from Monday


# --- quotation spans and word tokens ----------------------------------------------------------------------------------


def test_quotations_that_touch_stay_two_spans_and_a_single_quotation_beside_them_a_third():
    from analysis.language.quotes import quote_spans

    assert quote_spans("“a”“b” 'cat' said") == [(0, 3), (3, 6), (7, 12)]
    assert quote_spans("'he said “no” then' and left") == [(0, 19)]  # single quotes wrapping double ones: one


def test_content_words_keep_two_letter_words_and_drop_stop_words_single_letters_and_numbers():
    from analysis.language.tokens import content_words

    assert content_words("Ox and UN met a 10 y 3d Iran’s") == ["ox", "un", "met", "3d", "iran"]


def test_word_counts_join_runs_only_by_a_hyphen_or_apostrophe_between_two_word_characters():
    from analysis.language.tokens import count_words, word_counts

    texts = ["a-b", "a -b", "a- b", "rock'n'roll", "a--b", "-a-", "", None, "x’y z"]
    assert word_counts(texts).tolist() == [count_words(text) for text in texts] == [1, 2, 2, 1, 2, 1, 0, 0, 2]
