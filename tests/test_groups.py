"""One group concept: every summary groups by any metadata column (or several), keeps it under its own name,
and names a group column it cannot use."""

from __future__ import annotations

import pytest

import analysis as an
from conftest import DESKS, SEEDS

@pytest.fixture(scope="module")
def tables(desk_corpus):
    articles = an.load_articles(desk_corpus)
    sentences = an.split_sentences(articles)
    scored = an.score_sentences(sentences)
    hits = an.find_terms(sentences)
    agency = an.classify_agency(sentences)
    return {"articles": articles, "sentences": sentences, "scored": scored, "hits": hits, "agency": agency,
            "attributions": an.find_attributions(sentences), "cues": an.code_frames(sentences)}


def _summaries(t, by):
    """Every public summary, called with the same `by`."""
    rates = an.term_rates(t["hits"], t["sentences"], by=by, replicates=50)
    summary = an.summarize_sentiment(t["scored"], by=by, replicates=50)
    masked = an.summarize_sentiment(an.score_sentences(an.mask_terms(t["sentences"])), by=by, replicates=50)
    pairs = an.similarity(t["articles"], by=by)
    return {
        "describe_articles": an.describe_articles(t["articles"], t["sentences"], by=by),
        "count_removals": an.count_removals(an.removed_lines(t["articles"]), by=by),
        "voice_shares": an.voice_shares(t["sentences"], by=by),
        "term_rates": rates,
        "family_totals": an.family_totals(rates, by=by),
        "name_variants": an.name_variants(t["sentences"], by=by),
        "keyness": an.keyness(t["sentences"], by=by),
        "kwic_side_by_side": an.kwic_side_by_side(an.kwic(t["sentences"], "kill*"), by=by),
        "summarize_sentiment": summary,
        "target_sentiment": an.target_sentiment(t["scored"], by=by, replicates=50),
        "sentiment_drivers": an.sentiment_drivers(t["scored"], by=by),
        "sentiment_by_position": an.sentiment_by_position(t["scored"], by=by),
        "compare_masked": an.compare_masked(summary, masked, by=by),
        "frame_shares": an.frame_shares(t["cues"], t["sentences"], by=by, replicates=50),
        "agency_shares": an.agency_shares(t["agency"], by=by),
        "agents_named": an.agents_named(t["agency"], by=by),
        "quoted_words_by_speaker": an.quoted_words_by_speaker(t["attributions"], t["sentences"], by=by),
        "shared_passages": an.shared_passages(t["articles"], by=by),
        "similarity": pairs,
        "group_similarity": an.group_similarity(pairs, by=by),
    }


def test_every_summary_keeps_a_column_no_code_names_under_its_own_name(tables):
    for name, table in _summaries(tables, "desk").items():
        if name == "kwic_side_by_side":
            assert set(table.columns) <= set(DESKS.values()) and table.columns.name == "desk"
        elif name in ("shared_passages", "similarity", "group_similarity"):
            assert {"desk_a", "desk_b"} <= set(table.columns), name
        else:
            assert "desk" in table.columns, name
            assert set(table["desk"]) <= set(DESKS.values()), name
            if name not in ("describe_articles",):
                assert "outlet" not in table.columns, f"{name} keeps a group column it was not asked for"


def test_a_group_of_one_or_two_articles_gets_no_interval(tables):
    rates = an.term_rates(tables["hits"], tables["sentences"], by="desk", replicates=50)
    resampled = rates.drop_duplicates("desk").set_index("desk")["resampled"]
    assert resampled.to_dict() == {desk: "none: fewer than 5 articles" for desk in ("politics", "wire", "world")}


def test_every_summary_groups_by_several_columns_at_once(tables):
    for name, table in _summaries(tables, ["desk", "country"]).items():
        if name == "kwic_side_by_side":
            assert table.columns.name == "desk · country"
            assert all(" · " in column for column in table.columns)
        elif name in ("shared_passages", "similarity", "group_similarity"):
            assert {"desk_a", "country_a", "desk_b", "country_b"} <= set(table.columns), name
        else:
            assert {"desk", "country"} <= set(table.columns), name


def test_grouping_by_two_columns_refines_the_counts_of_one(tables):
    one = an.voice_shares(tables["sentences"], by="desk").set_index("desk")["sentences"]
    two = an.voice_shares(tables["sentences"], by=["desk", "country"]).groupby("desk")["sentences"].sum()
    assert one.sort_index().to_dict() == two.sort_index().to_dict()


def test_a_group_column_that_does_not_exist_is_named_with_the_ones_that_do(tables):
    with pytest.raises(ValueError, match=r"voice_shares: no group column 'section_desk'; group by one of \[.*'desk'"):
        an.voice_shares(tables["sentences"], by="section_desk")


def test_rows_without_a_group_value_are_named_not_dropped(tables):
    sentences = tables["sentences"].assign(desk=tables["sentences"]["desk"].where(tables["sentences"]["doc_id"] != "001_5a6f585c30d3cdb0"))
    with pytest.raises(ValueError, match=r"row\(s\) have no value in group column 'desk' \(doc_id \['001_5a6f585c30d3cdb0'\]\)"):
        an.voice_shares(sentences, by="desk")
    filled = an.voice_shares(an.fill_missing_groups(sentences, "desk"), by="desk")
    assert "unknown" in set(filled["desk"]) and filled["sentences"].sum() == len(sentences[sentences["section"] == "body"])


def test_the_notebook_settings_give_articles_without_a_group_value_the_group_unknown():
    settings = an.Settings(corpus=SEEDS, group="ownership")
    with pytest.warns(an.CorpusWarning, match=r"1 article\(s\) have no 'ownership' \(002_7aebcf7ab61dba2b\); grouped as 'unknown'"):
        articles = settings.load()
    assert articles["ownership"].isna().sum() == 0 and "unknown" in set(articles["ownership"])


def test_the_notebook_settings_name_a_group_column_the_corpus_lacks():
    with pytest.raises(an.CorpusError, match=r"no column 'desk' to group by; group by one of \['outlet', 'date', 'file', 'country', 'ownership'"):
        an.Settings(corpus=SEEDS, group="desk").load()
