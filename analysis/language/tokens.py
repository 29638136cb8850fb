"""Word tokens without downloaded data: one shared tokenizer for counting words, and content words."""

from __future__ import annotations

from functools import lru_cache

from nltk.tokenize import RegexpTokenizer

from analysis.paths import data_file

# Words with inner hyphens or apostrophes stay whole ("al-Muhandis", "Iran’s");
# numbers count as words, punctuation does not.
WORDS = RegexpTokenizer(r"\w+(?:[-’']\w+)*")


def count_words(text: str) -> int:
    """Number of word tokens in `text`."""
    return len(WORDS.tokenize(text)) if isinstance(text, str) else 0


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The shipped English stop words (NLTK's list, `analysis/data/stopwords_en.txt`)."""
    lines = data_file("stopwords_en.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def content_words(text: str) -> list[str]:
    """Lower-cased content words of `text`: no stop words, numbers or single letters; possessive 's cut.

    Parameters
    ----------
    text : any string.

    Returns the words in order, as a list.
    """
    stops = stop_words()
    words = []
    for token in WORDS.tokenize(text.replace("’", "'")):
        token = token.lower()
        if token.endswith("'s"):
            token = token[:-2]
        if len(token) > 1 and not token.isdigit() and token not in stops and any(c.isalpha() for c in token):
            words.append(token)
    return words
