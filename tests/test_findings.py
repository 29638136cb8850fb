"""Findings written from the tables: true to the numbers, cautious where the statistics are, for any corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis as an
from analysis.measures.stats import sign_test


def _sentences(groups: dict[str, list[list[float]]]) -> pd.DataFrame:
    return pd.DataFrame([{"desk": group, "doc_id": f"{group}{i}", "compound": value}
                         for group, articles in groups.items() for i, article in enumerate(articles) for value in article])


def test_a_supported_difference_is_named_with_its_numbers_and_an_unsupported_one_is_not():
    rng = np.random.default_rng(3)
    apart = an.compare_groups(_sentences({"north": [list(rng.normal(0.6, 0.1, 6)) for _ in range(5)],
                                          "south": [list(rng.normal(-0.6, 0.1, 6)) for _ in range(5)]}),
                              by="desk", value="compound")
    text = an.compared(apart, by="desk", what="Mean compound")
    assert "**Mean compound: 1 of 1 comparisons differ at q < 0.05**" in text
    row = apart.iloc[0]
    assert f"north ({row['mean_a']:.2f}, n = 5 articles) vs south ({row['mean_b']:.2f}, n = 5)" in text
    same = an.compare_groups(_sentences({"north": [[0.1, 0.2], [0.2, 0.1]], "south": [[0.1, 0.2], [0.2, 0.1]]}),
                             by="desk", value="compound")
    assert "no difference between groups is supported" in an.compared(same, by="desk", what="Mean compound")


def test_corpus_findings_state_counts_and_the_single_article_caveat_for_any_corpus(desk_corpus):
    articles = an.load_articles(desk_corpus)
    sentences = an.split_sentences(articles)
    text = an.corpus_findings(an.describe_articles(articles, sentences, by="desk"),
                              an.count_removals(an.removed_lines(articles), by="desk"),
                              an.voice_shares(sentences, by="desk"),
                              an.coverage_over_time(articles, by="desk", event="2020-01-03"), by="desk").data
    desks = articles["desk"].value_counts()
    assert f"{len(articles)} articles from {len(desks)} groups of desk" in text
    assert "groups are a single article" in text and "5 dated articles" in text and "0 undated" in text
    assert "Republic World" not in text.split("single article")[0].split("most from")[0]


def test_sentiment_findings_give_the_extremes_with_their_intervals():
    summary = pd.DataFrame({"desk": ["a", "a", "b", "b"], "voice": ["all", "own", "all", "own"],
                            "sentences": [10, 8, 12, 12], "articles": [2, 2, 3, 3],
                            "mean_compound": [-0.4, -0.5, 0.2, 0.2], "low": [-0.6, -0.7, 0.0, 0.0],
                            "high": [-0.2, -0.3, 0.4, 0.4]})
    empty = pd.DataFrame(columns=["desk_a", "desk_b", "p", "q", "resampled", "difference"])
    text = an.sentiment_findings(summary, empty, pd.DataFrame(), by="desk").data
    assert "from -0.40 (a, 95% interval -0.60 to -0.20, n = 10 sentences) to +0.20 (b" in text
    assert "1 of 2 groups are below zero" in text and "fewer than two groups" in text


@pytest.mark.parametrize("below, above, p", [(4, 0, 0.125), (5, 5, 1.0), (0, 10, 2 / 1024), (0, 0, 1.0)])
def test_the_sign_test_is_exact(below, above, p):
    assert sign_test(below, above) == pytest.approx(p)
