"""article_measures: one row per article with every measure, a data dictionary, CSV and Parquet."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis as an
from conftest import SEEDS


@pytest.fixture(scope="module")
def seeds():
    articles = an.load_articles(SEEDS)
    return articles, an.split_sentences(articles)


def test_one_row_per_article_with_metadata_and_every_kind_of_measure(seeds):
    articles, sentences = seeds
    table = an.article_measures(articles, sentences)
    assert table["doc_id"].tolist() == articles["doc_id"].tolist()
    assert {"outlet", "country", "words", "sentences", "quote_share", "compound_own", "compound_quoted",
            "rate_killing", "rate_assassination", "frame_conflict", "agency_passive_agent", "speaker_media"} <= set(table)
    assert "text" not in table and "raw" not in table
    hits = an.find_terms(sentences)
    killing = hits[hits["family"] == "killing"].groupby("doc_id").size()
    first = table.iloc[0]
    assert first["rate_killing"] == pytest.approx(1000 * killing.get(first["doc_id"], 0) / first["words"], abs=1e-3)
    scored = an.score_sentences(sentences)
    own = scored[(scored["doc_id"] == first["doc_id"]) & (scored["voice"] == "own")]["compound"].mean()
    assert first["compound_own"] == pytest.approx(own)


def test_by_section_splits_headline_and_body_and_the_counts_add_up(seeds):
    articles, sentences = seeds
    whole = an.article_measures(articles, sentences).set_index("doc_id")
    parts = an.article_measures(articles, sentences, by_section=True)
    assert set(parts["section"]) == {"title", "body"} and "frame_conflict" not in parts
    assert parts.groupby("doc_id")["words"].sum().to_dict() == whole["words"].to_dict()


def test_the_dictionary_describes_every_column_and_the_tables_are_written(seeds, tmp_path):
    articles, sentences = seeds
    table = an.article_measures(articles, sentences)
    dictionary = an.measure_dictionary(table)
    assert dictionary["column"].tolist() == table.columns.tolist()
    assert dictionary.set_index("column").loc["rate_killing", "unit"] == "per 1,000 words"
    settings = an.configure(out=tmp_path)
    an.save_measures(table, "measures", dictionary=dictionary, settings=settings)
    assert pd.read_parquet(tmp_path / "measures.parquet").shape == table.shape
    assert pd.read_csv(tmp_path / "measures-dictionary.csv")["column"].tolist() == table.columns.tolist()
    with pytest.raises(ValueError, match=r"does not describe column\(s\) \['words'\]"):
        an.save_measures(table, "bad", dictionary=dictionary[dictionary["column"] != "words"], settings=settings)


def test_coverage_counts_articles_and_words_per_period_and_keeps_undated_ones(seeds):
    articles, _ = seeds
    undated = articles.assign(date=articles["date"].where(articles["outlet"] != "TASS"))
    coverage = an.coverage_over_time(undated, event="2020-01-03")
    assert coverage["articles"].sum() == len(articles)
    assert coverage.loc[coverage["period"].isna(), "outlet"].tolist() == ["TASS"]
    epoch = coverage[coverage["outlet"] == "The Epoch Times"].iloc[0]
    assert (epoch["period"], epoch["days_since_event"], epoch["event_period"]) == (pd.Timestamp("2020-01-03"), 0.0, True)
    assert not coverage.loc[coverage["outlet"] == "Republic World", "event_period"].item()
    monthly = an.coverage_over_time(articles, freq="M", event="2020-01-03")
    assert monthly["event_period"].all() and (monthly["days_since_event"] == -2).all()  # January holds the event
    weekly = an.coverage_over_time(articles, freq="W")
    assert weekly["articles"].sum() == len(articles) and weekly["period"].nunique() == 2
    with pytest.raises(ValueError, match="freq 'fortnight'"):
        an.coverage_over_time(articles, freq="fortnight")


def test_plot_coverage_stacks_the_articles_and_counts_the_undated(seeds):
    articles, _ = seeds
    coverage = an.coverage_over_time(articles.assign(date=articles["date"].where(articles["outlet"] != "TASS")))
    ax = an.plot_coverage(coverage, event="2020-01-03")
    assert sum(patch.get_height() for patch in ax.patches) == 4
    assert "4 dated, 1 undated" in ax.get_title(loc="left")
