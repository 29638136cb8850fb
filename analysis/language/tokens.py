"""Word tokens without downloaded data: one shared tokenizer for counting words, and content words."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

import regex

from analysis.paths import data_file


class Tokenizer:
    """A fixed token pattern, matched as NLTK's RegexpTokenizer matches it (the `regex` engine, same flags), but
    without NLTK's wall-clock limit per call.

    NLTK bounds every match by 5 seconds because its patterns may come from a caller; a whole 30 MB article then
    raises TimeoutError although it is only long. The package's token patterns are fixed and run in linear time
    (every repetition is separated by a required character), so they need no limit.
    """

    def __init__(self, pattern: str):
        self.pattern = regex.compile(pattern, regex.UNICODE | regex.MULTILINE | regex.DOTALL)

    def tokenize(self, text: str) -> list[str]:
        """The tokens of `text`, in order."""
        return self.pattern.findall(text)

    def span_tokenize(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each token of `text`, in order."""
        for found in self.pattern.finditer(text):
            yield found.span()


# Words with inner hyphens or apostrophes stay whole ("al-Muhandis", "Iran’s");
# numbers count as words, punctuation does not.
WORDS = Tokenizer(r"\w+(?:[-’']\w+)*")


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
