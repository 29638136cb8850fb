"""Names are not sentiment: the words of proper names can be kept out of VADER's score."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis as an
from analysis.language.lexicon import load_lexicon
from analysis.language.names import name_spans

NEUTRAL_WITH_NAMES = [
    "the Supreme National Security Council met",
    "The United States officials met.",
    "the Popular Mobilisation Forces said",
    "Justice Minister Ahmed spoke on Monday.",
    "Officials of the Popular Front gathered.",
    "The Peace Corps left the Free Syrian Army area.",
]


@pytest.mark.parametrize("text", NEUTRAL_WITH_NAMES)
def test_a_sentence_whose_only_sentiment_words_are_names_scores_neutral_without_them(text):
    as_written = an.score_sentences(pd.DataFrame({"text": [text]}))
    without = an.score_sentences(pd.DataFrame({"text": [text]}), ignore_names=True)
    assert as_written.at[0, "compound"] != 0  # VADER scores a word of the name
    assert without.at[0, "compound"] == 0 and without.at[0, "names_ignored"] >= 2
    assert without.at[0, "text"] == text  # the text itself is returned as it was


@pytest.mark.parametrize("text, expected", [
    ("Iran called it a murderous, evil regime.", -0.8625),
    ("Secretary of State Mike Pompeo praised the brave soldiers.", 0.765),
])
def test_sentiment_outside_the_names_is_kept(text, expected):
    assert an.score_sentences(pd.DataFrame({"text": [text]}), ignore_names=True).at[0, "compound"] == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("text, names", [
    ("Secretary of State Mike Pompeo said so.", ["Secretary", "of", "State", "Mike", "Pompeo"]),
    ("Good news arrived.", []),                          # a capital that starts the sentence
    ("He said: “Great news.”", []),                      # ... or a quotation
    ("Then Tehran answered.", ["Tehran"]),               # a single capital inside the sentence
    ("the us of the future", []),
])
def test_name_spans_follow_the_capitalisation_rules(text, names):
    assert [text[start:end] for start, end in name_spans(text)] == names


def test_alias_matches_count_as_names_even_in_lower_case():
    text = "protests against the pentagon grew"
    found = [text[s:e] for s, e in name_spans(text, aliases=load_lexicon(None, default="aliases.csv"))]
    assert found == ["pentagon"]


def test_ignoring_names_moves_a_summary_only_through_the_scores():
    sentences = pd.DataFrame({"outlet": ["A", "A"], "doc_id": ["a", "a"], "voice": "own",
                              "text": ["The Supreme Leader met the Justice Department.", "The attack was terrible."]})
    plain = an.summarize_sentiment(an.score_sentences(sentences), replicates=50)
    named = an.summarize_sentiment(an.score_sentences(sentences, ignore_names=True), replicates=50)
    assert plain.loc[0, "mean_compound"] > named.loc[0, "mean_compound"]
    assert named.loc[0, "sentences"] == plain.loc[0, "sentences"] == 2
