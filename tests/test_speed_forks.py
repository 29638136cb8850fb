"""The speed forks of library internals give exactly what the library gives, and step aside on another version.

Three places read or override a library's private code: `analysis.measures.vader` (vaderSentiment's
analyzer), `analysis.language.segment._Punkt` (NLTK's Punkt) and `analysis.plots.parts.text_renderer`
(matplotlib's Figure._get_renderer). Each test below is named for the library function it mirrors; the
Punkt spans are checked against NLTK's in tests/test_segment.py.
"""

from __future__ import annotations

import random

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from vaderSentiment.vaderSentiment import (  # noqa: E402
    BOOSTER_DICT,
    NEGATE,
    SENTIMENT_LADEN_IDIOMS,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    SentiText,
    negated,
)

from analysis.language import segment  # noqa: E402
from analysis.measures import vader  # noqa: E402
from analysis.plots import parts  # noqa: E402
from conftest import PROJECT  # noqa: E402

PLAIN = SentimentIntensityAnalyzer()


def _pinned(package: str) -> str:
    lines = (PROJECT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return next(line.split("==")[1].strip() for line in lines if line.lower().startswith(package.lower() + "=="))


def test_each_fork_names_the_version_requirements_txt_pins():
    assert vader.FORKED_VERSION == _pinned("vaderSentiment")
    assert segment.FORKED_NLTK == _pinned("nltk")
    assert parts.CHECKED_MATPLOTLIB == _pinned("matplotlib")


# -- vaderSentiment ---------------------------------------------------------------------------

def _vader_words(rng: random.Random, count: int) -> list[str]:
    """Words VADER's rules act on: negations, boosters, idiom and special-case words, lexicon words, capitals."""
    lexicon = sorted(PLAIN.lexicon)
    pool = [*NEGATE, *BOOSTER_DICT, "never", "so", "this", "without", "doubt", "kind", "of", "but", "least", "at",
            "didn't", "DON'T", "Not", *(word for phrase in [*SPECIAL_CASES, *SENTIMENT_LADEN_IDIOMS]
                                          for word in phrase.split()), *lexicon[::151], "GOOD", "Bad", "the"]
    return [rng.choice(pool) for _ in range(count)]


def test_vader_negation_check_equals_vadersentiments_negation_check():
    rng = random.Random(3)
    for _ in range(3000):
        words = _vader_words(rng, rng.randint(4, 9))
        for i in range(3, len(words)):
            for start_i in range(3):
                assert vader.Vader._negation_check(2.0, words, start_i, i) == \
                    SentimentIntensityAnalyzer._negation_check(2.0, words, start_i, i), (words, start_i, i)


def test_vader_special_idioms_check_equals_vadersentiments_special_idioms_check():
    rng = random.Random(5)
    for _ in range(3000):
        words = _vader_words(rng, rng.randint(4, 9))
        for i in range(3, len(words)):
            assert vader.Vader._special_idioms_check(1.5, words, i) == \
                SentimentIntensityAnalyzer._special_idioms_check(1.5, words, i), (words, i)


def test_vader_negated_equals_vadersentiments_negated():
    words = [*NEGATE, "didn't", "DIDN'T", "Never", "isnt", "no", "nope", "good", "n't", "can't've", ""]
    assert [vader._negated(word.lower()) for word in words] == [negated([word]) for word in words]


@pytest.mark.parametrize("text", ["", "  :) Good.  ", "The U.S. strike -- 'murder'!!", "I :-( (sad) A", "OK ok",
                                  "ALL CAPS HERE", "Mixed CAPS here", "a, b; c... d?! :D e's"])
def test_vader_senti_text_equals_vadersentiments_senti_text(text):
    ours, theirs = vader._senti_text(text), SentiText(text)
    assert (ours.text, ours.words_and_emoticons, ours.is_cap_diff) == \
        (theirs.text, theirs.words_and_emoticons, theirs.is_cap_diff)


def test_vader_polarity_scores_equals_vadersentiments_polarity_scores():
    rng = random.Random(7)
    texts = [" ".join(_vader_words(rng, rng.randint(1, 25))) + rng.choice(["", ".", "!", "!!!", "?", " :)"])
             for _ in range(2000)]
    texts += ["I don't think this is good, but it is not bad either 😀", "Never so good", "kind of great"]
    differ = [text for text in texts if vader.analyzer().polarity_scores(text) != PLAIN.polarity_scores(text)]
    assert differ == []


def test_on_another_vadersentiment_version_the_analyzer_is_vadersentiments_own(monkeypatch):
    assert type(vader.analyzer()) is vader.Vader
    monkeypatch.setattr(vader, "FORKED_VERSION", "0.0")
    vader.analyzer.cache_clear()
    try:
        assert type(vader.analyzer()) is SentimentIntensityAnalyzer
    finally:
        vader.analyzer.cache_clear()


def test_lexicon_valences_flip_a_word_after_a_negation_by_vaders_n_scalar():
    # "good" is 1.9 in VADER's lexicon, "bad" -2.5; N_SCALAR is -0.74.
    assert vader.lexicon_valences(["not", "very", "good", "bad"], negation_window=2) == [0.0, 0.0, 1.9 * -0.74, -2.5]
    assert vader.lexicon_valences(["not", "very", "good", "bad"], negation_window=3) == \
        [0.0, 0.0, 1.9 * -0.74, -2.5 * -0.74]
    assert [vader.is_negation(word) for word in ("dont", "don't", "no", "n't", "wouldn't", "know")] == \
        [True, True, True, True, True, False]


# -- NLTK Punkt ---------------------------------------------------------------------------------

def test_on_another_nltk_version_the_sentence_splitter_is_nltks_punkt(monkeypatch):
    text = "Mr. Smith went to Washington. He said: \"It's done.\" Then he left... The U.S. agreed."
    fast = segment.sentence_spans(text)
    monkeypatch.setattr(segment, "FORKED_NLTK", "0.0")
    segment._punkt.cache_clear()
    try:
        assert segment._punkt() is segment.sentence_tokenizer()
        assert segment.sentence_spans(text) == fast
    finally:
        segment._punkt.cache_clear()


# -- matplotlib ---------------------------------------------------------------------------------

def _widths(renderer, fig) -> list[float]:
    prop = fig.suptitle("x").get_fontproperties()
    return [renderer.get_text_width_height_descent(text, prop, ismath=False)[0]
            for text in ("A title", "Words that drive the sentiment of each outlet", "ÄÖÜ ß 1,000")]


def test_text_renderer_equals_matplotlibs_figure_get_renderer():
    fig = plt.figure(figsize=(5, 3))
    try:
        assert parts.text_renderer(fig) is fig._get_renderer()
    finally:
        plt.close(fig)


def test_on_another_matplotlib_version_the_text_renderer_measures_text_as_get_renderer(monkeypatch):
    monkeypatch.setattr(parts, "CHECKED_MATPLOTLIB", "0.0")
    fig = plt.figure(figsize=(5, 3))
    try:
        assert _widths(parts.text_renderer(fig), fig) == _widths(fig._get_renderer(), fig)
    finally:
        plt.close(fig)
