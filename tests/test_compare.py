"""compare_groups: differences, effect sizes, permutation p-values by article or sentence, BH q-values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis as an
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
