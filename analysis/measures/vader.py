"""VADER in one module: the analyzer every measure scores with, and each VADER rule a measure restates.

No other module of the package imports vaderSentiment: sentence scores, token valences (score_sentences,
sentiment_drivers) and the target model's valence features all come from here.

`Vader` is vaderSentiment's analyzer, giving its scores to the last digit in about half the time.
Profiled on 40,000 BBC sentences, vaderSentiment 3.3.2 spends most of its time
on bookkeeping, not on its rules: it copies every sentence character by
character to replace emojis, lower-cases each word several times over, calls
`sentiment_valence` for words the lexicon does not hold, and its negation check
lower-cases the whole sentence and then compares one word with each of the 59
negations in turn. `Vader` skips that bookkeeping and leaves every rule to
vaderSentiment's own code, or restates it line by line where the rule itself
was the cost (`_negation_check`). It overrides private methods, so it is used
only with the vaderSentiment version it was checked against (FORKED_VERSION);
`analyzer()` gives vaderSentiment's own analyzer on any other. The tests check
the four scores equal vaderSentiment's on generated texts built from its own
lexicon, boosters, negations and idioms, and on all of its published
ground-truth texts, and each overridden method against the one it replaces.
"""

from __future__ import annotations

import string
from functools import cached_property, lru_cache
from importlib.metadata import version

from vaderSentiment.vaderSentiment import BOOSTER_DICT, N_SCALAR, NEGATE, SentimentIntensityAnalyzer, SentiText

#: The vaderSentiment release whose private methods `Vader` overrides (requirements.txt pins it).
FORKED_VERSION = "3.3.2"

_NEGATIONS = frozenset(NEGATE)

#: VADER's negations as a tokeniser gives them: as listed, without their apostrophe ("dont"), plus "no" and
#: "n't" (the target model's negation features).
NEGATION_TOKENS = frozenset(word.replace("'", "") for word in NEGATE) | frozenset(NEGATE) | {"no", "n't"}


@lru_cache(maxsize=1)
def analyzer() -> SentimentIntensityAnalyzer:
    """The shared VADER analyzer (its lexicon ships in the vaderSentiment wheel), built once per process:
    the faster `Vader` with the vaderSentiment version it was checked against, else vaderSentiment's own."""
    if version("vaderSentiment") != FORKED_VERSION:
        return SentimentIntensityAnalyzer()  # Vader overrides private methods that another version may have changed
    return Vader()


def valences(text: str) -> list[tuple[str, float]]:
    """Each word of `text` with the valence VADER adds to its sum for it, after its rules (negation, boosters,
    capitals, "but"): the loop of vaderSentiment's polarity_scores, with each word's sentiment kept.

    Parameters
    ----------
    text : one text, scored whole (score_sentences' windows are the caller's).
    """
    vader = analyzer()
    sentitext = SentiText(_without_emoji(text))
    words = sentitext.words_and_emoticons
    sentiments: list[float] = []
    for i, item in enumerate(words):
        if item.lower() in BOOSTER_DICT or (
            i < len(words) - 1 and item.lower() == "kind" and words[i + 1].lower() == "of"
        ):
            sentiments.append(0)
            continue
        sentiments = vader.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = vader._but_check(words, sentiments)
    return list(zip(words, sentiments))


def _without_emoji(text: str) -> str:
    # The same emoji substitution as vaderSentiment's polarity_scores.
    emojis = analyzer().emojis
    out, previous_space = [], True
    for char in text:
        if char in emojis:
            if not previous_space:
                out.append(" ")
            out.append(emojis[char])
            previous_space = False
        else:
            out.append(char)
            previous_space = char == " "
    return "".join(out).strip()


def is_negation(token: str) -> bool:
    """Whether a lower-cased token negates: one of NEGATION_TOKENS, or ending in "n't".

    Parameters
    ----------
    token : one lower-cased token.
    """
    return token in NEGATION_TOKENS or token.endswith("n't")


def lexicon_valences(words: list[str], *, negation_window: int) -> list[float]:
    """VADER's lexicon valence of each lower-cased word (0 for a word it does not hold), multiplied by its
    N_SCALAR (-0.74: flipped and damped) when a negation (`is_negation`) stands in the `negation_window` words
    before it; VADER's other rules are not applied.

    Parameters
    ----------
    words : lower-cased tokens in order.
    negation_window : how many words before a word a negation flips it from.
    """
    lexicon = analyzer().lexicon
    values = []
    for i, word in enumerate(words):
        value = lexicon.get(word, 0.0)
        if value and any(is_negation(w) for w in words[max(0, i - negation_window):i]):
            value *= N_SCALAR
        values.append(value)
    return values


def _negated(word_lowered: str) -> bool:
    """vaderSentiment's `negated([word])` for one lower-cased word: a negation, or holding "n't"."""
    word = word_lowered.lower()  # as `negated` does, once more
    return word in _NEGATIONS or "n't" in word


class Vader(SentimentIntensityAnalyzer):
    """vaderSentiment's SentimentIntensityAnalyzer with the same scores, faster (see the module docstring)."""

    def polarity_scores(self, text):
        """vaderSentiment's polarity_scores: neg, neu, pos and compound for `text`."""
        if not self._emoji_characters.isdisjoint(text):
            # Its first step puts an emoji's description in the emoji's place; a text without one is its own copy.
            return super().polarity_scores(text)
        text = text.strip()
        sentitext = _senti_text(text)
        words = sentitext.words_and_emoticons
        lowered = [word.lower() for word in words]
        lexicon = self.lexicon
        if lexicon.keys().isdisjoint(lowered):
            # No word has a valence (a third of news sentences): every sentiment is 0, and score_valence gives
            # a neutral score, or all zeros for a text without words.
            return {"neg": 0.0, "neu": 1.0 if words else 0.0, "pos": 0.0, "compound": 0.0}
        last = len(words) - 1
        sentiments = []
        for i, low in enumerate(lowered):
            # The loop of vaderSentiment's polarity_scores; a word the lexicon does not hold gets 0 from
            # sentiment_valence, so it is not called for one.
            if low in BOOSTER_DICT or (i < last and low == "kind" and lowered[i + 1] == "of") or low not in lexicon:
                sentiments.append(0)
            else:
                sentiments = self.sentiment_valence(0, sentitext, words[i], i, sentiments)
        if "but" in lowered:  # _but_check changes nothing otherwise
            sentiments = self._but_check(words, sentiments)
        return self.score_valence(sentiments, text)

    @cached_property
    def _emoji_characters(self) -> frozenset[str]:
        # polarity_scores looks its text up one character at a time: only one-character emojis are ever found.
        return frozenset(emoji for emoji in self.emojis if len(emoji) == 1)

    @staticmethod
    def _negation_check(valence, words_and_emoticons, start_i, i):
        """vaderSentiment's _negation_check, rule for rule, reading only the three words before word i (it
        lower-cased the whole sentence for each of them)."""
        words = words_and_emoticons
        if start_i == 0:
            if _negated(words[i - 1].lower()):
                valence = valence * N_SCALAR
        elif start_i == 1:
            two, one = words[i - 2].lower(), words[i - 1].lower()
            if two == "never" and (one == "so" or one == "this"):
                valence = valence * 1.25
            elif two == "without" and one == "doubt":
                pass
            elif _negated(two):
                valence = valence * N_SCALAR
        elif start_i == 2:
            three, two, one = words[i - 3].lower(), words[i - 2].lower(), words[i - 1].lower()
            if three == "never" and (two == "so" or two == "this") or (one == "so" or one == "this"):
                valence = valence * 1.25
            elif three == "without" and (two == "doubt" or one == "doubt"):
                pass
            elif _negated(three):
                valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _special_idioms_check(valence, words_and_emoticons, i):
        # It reads the three words before word i and the two after it, but lower-cases the whole sentence first.
        low = max(0, i - 3)
        return SentimentIntensityAnalyzer._special_idioms_check(valence, words_and_emoticons[low:i + 3], i - low)


_PUNCTUATION = string.punctuation


def _senti_text(text: str) -> SentiText:
    """vaderSentiment's SentiText(text) for a str, built without a method call per word."""
    sentitext = SentiText.__new__(SentiText)
    sentitext.text = text
    tokens = text.split()
    # SentiText._strip_punc_if_word: a token is kept whole when stripping would leave two characters or fewer
    # (an emoticon).
    words = [token if len(stripped) <= 2 else stripped
             for token, stripped in zip(tokens, [token.strip(_PUNCTUATION) for token in tokens])]
    sentitext.words_and_emoticons = words
    allcaps = sum(map(str.isupper, words))
    sentitext.is_cap_diff = 0 < len(words) - allcaps < len(words)  # allcap_differential
    return sentitext
