"""compare_groups: differences, effect sizes, permutation p-values by article or sentence, BH q-values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis as an
import analysis.measures.compare as compare
from analysis.measures.compare import bh_qvalues


def _table(groups: dict[str, list[list[float]]]) -> pd.DataFrame:
    """One row per sentence: group -> articles -> sentence values."""
    rows = [{"outlet": group, "doc_id": f"{group}-{i}", "compound": value}
            for group, articles in groups.items() for i, article in enumerate(articles) for value in article]
    return pd.DataFrame(rows)


def test_groups_of_several_articles_are_compared_by_permuting_articles():
    rng = np.random.default_rng(1)
    table = _table({"A": [list(rng.normal(0.5, 0.1, 5)) for _ in range(6)],
                    "B": [list(rng.normal(-0.5, 0.1, 5)) for _ in range(6)]})
    row = an.compare_groups(table, by="outlet", value="compound").iloc[0]
    assert (row["outlet_a"], row["outlet_b"], row["resampled"], row["n_a"], row["n_b"]) == ("A", "B", "articles", 6, 6)
    assert row["difference"] == pytest.approx(row["mean_a"] - row["mean_b"]) and row["difference"] > 0.8
    # 6 + 6 articles give 924 ways to split them; only the observed split and its mirror are as extreme.
    assert row["p"] < 0.01 and row["effect_size"] > 3


def test_hedges_g_is_the_pooled_standardised_difference_times_the_small_sample_correction():
    # Equal variances: A = 1, 2, 3 and B = 0, 1, 2 (one sentence per article); sd 1, d = 1, J = 1 - 3 / (4 * 6 - 9).
    row = an.compare_groups(_table({"A": [[1.0], [2.0], [3.0]], "B": [[0.0], [1.0], [2.0]]}), value="compound").iloc[0]
    assert row["effect_size"] == pytest.approx(1 * (1 - 3 / 15), rel=1e-12)
    # Unequal sizes and variances: A = 1, 3 (variance 2), B = 0, 0, 3 (variance 3); pooled variance (2 + 2 * 3) / 3.
    row = an.compare_groups(_table({"A": [[1.0], [3.0]], "B": [[0.0], [0.0], [3.0]]}), value="compound").iloc[0]
    assert row["effect_size"] == pytest.approx((2 - 1) / np.sqrt(8 / 3) * (1 - 3 / (4 * 5 - 9)), rel=1e-12)
    assert (row["resampled"], row["n_a"], row["n_b"]) == ("articles", 2, 3)


def test_hedges_g_is_taken_over_the_articles_own_means_and_is_missing_where_there_is_no_spread():
    # Articles' means: A 1 (1, 1) and 3 (2, 4); B 0 and 2 (1, 3): d = (2 - 1) / sqrt(2), J = 1 - 3 / 7.
    row = an.compare_groups(_table({"A": [[1.0, 1.0], [2.0, 4.0]], "B": [[0.0], [1.0, 3.0]]}),
                            value="compound").iloc[0]
    assert row["effect_size"] == pytest.approx(1 / np.sqrt(2) * (1 - 3 / 7), rel=1e-12)
    assert row["mean_a"] == pytest.approx(2.0) and row["mean_b"] == pytest.approx(4 / 3)
    same = an.compare_groups(_table({"A": [[1.0], [1.0]], "B": [[0.0], [0.0]]}), value="compound").iloc[0]
    assert np.isnan(same["effect_size"]) and same["difference"] == 1.0


def test_the_p_value_counts_the_permuted_differences_at_least_as_large_in_size_plus_one_over_permutations_plus_one(
        monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")  # the replaced null below is not in any cache key
    seen = {}

    def null(sums, weights, size_a, permutations, rng):
        seen.update(sums=sums.tolist(), weights=weights.tolist(), size_a=size_a, permutations=permutations)
        # |d| >= 0.5: 0.5 (a tie), -0.5, -0.75 and 0.5 less a rounding error; not 0.25, 0, 0.49.
        return np.array([0.5, -0.5, 0.25, 0.0, -0.75, 0.5 - 1e-14, 0.49])

    monkeypatch.setattr(compare, "_permuted_differences", null)
    row = an.compare_groups(_table({"A": [[1.0], [1.0, 1.0]], "B": [[0.5], [0.5]]}), value="compound",
                            permutations=7).iloc[0]
    assert seen == dict(sums=[1.0, 2.0, 0.5, 0.5], weights=[1.0, 2.0, 1.0, 1.0], size_a=2, permutations=7)
    assert row["difference"] == 0.5 and row["p"] == (1 + 4) / (1 + 7) and row["q"] == row["p"]


def test_permuted_differences_are_those_of_the_splits_of_the_units_into_two_sides_of_the_same_sizes():
    sums, weights = np.array([1.0, 2.0, 3.0, 8.0]), np.array([1.0, 1.0, 1.0, 2.0])
    null = compare._permuted_differences(sums, weights, 2, 1999, np.random.default_rng(0))
    # The six ways to put two of the four units on side a, each side's mean its sums over its weights.
    splits = {(0, 1): 3 / 2 - 11 / 3, (0, 2): 4 / 2 - 10 / 3, (0, 3): 9 / 3 - 5 / 2,
              (1, 2): 5 / 2 - 9 / 3, (1, 3): 10 / 3 - 4 / 2, (2, 3): 11 / 3 - 3 / 2}
    assert len(null) == 1999
    assert sorted(set(np.round(null, 12))) == sorted(set(np.round(list(splits.values()), 12)))


def test_two_articles_a_side_are_enough_to_permute_articles_and_a_zero_weight_article_is_left_out():
    table = pd.DataFrame({"outlet": ["A", "A", "A", "B", "B"], "doc_id": ["a1", "a2", "a3", "b1", "b2"],
                          "per_word": [0.1, 0.2, 0.0, 0.3, 0.1], "words": [10, 10, 0, 10, 30]})
    row = an.compare_groups(table, value="per_word", weight="words").iloc[0]
    assert (row["resampled"], row["n_a"], row["n_b"]) == ("articles", 2, 2)
    assert (row["articles_a"], row["sentences_a"]) == (3, 3)
    assert row["mean_a"] == pytest.approx(3 / 20) and row["mean_b"] == pytest.approx(6 / 40)


def test_six_groups_are_compared_pair_by_pair_and_seven_each_with_the_rest():
    groups = {f"G{i}": [[i / 10, i / 10 + 0.1], [i / 10 + 0.05]] for i in range(7)}
    six = an.compare_groups(_table(dict(list(groups.items())[:6])), value="compound")
    seven = an.compare_groups(_table(groups), value="compound")
    assert len(six) == 15 and "rest" not in set(six["outlet_b"])
    assert len(seven) == 7 and set(seven["outlet_b"]) == {"rest"}


def test_a_group_with_one_article_is_compared_by_permuting_sentences_and_says_so():
    table = _table({"A": [[0.1, 0.2, 0.3, 0.2]], "B": [[0.1, 0.3, 0.2], [0.2, 0.1]]})
    row = an.compare_groups(table, by="outlet", value="compound").iloc[0]
    assert (row["resampled"], row["n_a"], row["n_b"]) == ("sentences", 4, 5)
    assert row["p"] > 0.5  # the same values on both sides


def test_a_weighted_value_compares_rates_per_word():
    table = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "doc_id": ["a1", "a2", "b1", "b2"],
                          "per_word": [1 / 10, 0 / 30, 3 / 10, 1 / 10], "words": [10, 30, 10, 10]})
    row = an.compare_groups(table, by="outlet", value="per_word", weight="words").iloc[0]
    assert row["mean_a"] == pytest.approx(1 / 40) and row["mean_b"] == pytest.approx(4 / 20)


def test_q_values_follow_benjamini_hochberg_and_skip_missing_p_values():
    q = bh_qvalues(np.array([0.01, 0.04, np.nan, 0.03, 0.2]))
    assert q[[0, 1, 3, 4]] == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])
    assert np.isnan(q[2])


def test_many_groups_are_compared_each_with_the_rest_and_adding_one_leaves_the_others_unchanged():
    rng = np.random.default_rng(2)
    groups = {f"G{i}": [list(rng.normal(i / 10, 0.2, 4)) for _ in range(3)] for i in range(8)}
    pairs = an.compare_groups(_table(dict(list(groups.items())[:3])), by="outlet", value="compound")
    more = an.compare_groups(_table(dict(list(groups.items())[:4])), by="outlet", value="compound")
    assert len(pairs) == 3 and len(more) == 6
    assert pairs["p"].tolist() == more.set_index(["outlet_a", "outlet_b"]).loc[
        list(zip(pairs["outlet_a"], pairs["outlet_b"])), "p"].tolist()
    rest = an.compare_groups(_table(groups), by="outlet", value="compound")
    assert set(rest["outlet_b"]) == {"rest"} and len(rest) == 8
    assert (rest["q"] >= rest["p"]).all()


def test_bad_options_name_the_problem():
    table = _table({"A": [[0.1]], "B": [[0.2]]})
    with pytest.raises(ValueError, match="missing column"):
        an.compare_groups(table, by="outlet", value="pos")
    with pytest.raises(ValueError, match="against must be 'each' or 'rest'"):
        an.compare_groups(table, by="outlet", value="compound", against="all")


@pytest.mark.needs_shared
def test_allsides_left_center_and_right_are_compared_by_article():
    from conftest import SHARED

    articles = an.load_articles(SHARED / "data" / "allsides_soleimani" / "jsons", text="content_original",
                                outlet="source", title="title")
    scored = an.score_sentences(an.split_sentences(articles))
    result = an.compare_groups(scored, by="bias_text", value="compound")
    assert {tuple(sorted(pair)) for pair in zip(result["bias_text_a"], result["bias_text_b"])} == {
        ("center", "left"), ("center", "right"), ("left", "right")}
    assert set(result["resampled"]) == {"articles"} and (result["n_a"] >= 20).all()
    assert result["p"].between(0, 1).all() and result["q"].notna().all()


def test_count_per_sentence_gives_each_sentence_its_matches_words_rate_and_presence():
    sentences = pd.DataFrame({"doc_id": ["a", "a", "a"], "section": ["body"] * 3, "sent_id": [1, 2, 3],
                              "text": ["Iran struck back hard.", "Revenge, again.", ""]})
    found = pd.DataFrame({"doc_id": ["a", "a", "a"], "section": ["body"] * 3, "sent_id": [1, 1, 2]})
    counted = an.count_per_sentence(sentences, found)
    assert counted[["n", "words", "per_word", "present"]].values.tolist() == [
        [2.0, 4.0, 0.5, 1.0], [1.0, 2.0, 0.5, 1.0], [0.0, 0.0, 0.0, 0.0]]
