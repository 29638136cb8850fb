"""Word tokens without downloaded data: one shared tokenizer for counting words, and content words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import numpy as np
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


# What WORDS is made of: runs of word characters (\w as its engine reads it, one character at a time), joined into
# one word by a single joiner between two runs.
_WORD_CHARACTER = regex.compile(r"\w", regex.UNICODE | regex.MULTILINE | regex.DOTALL)
_JOINERS = np.array([ord(c) for c in "-’'"], dtype=np.uint32)
_ASCII_WORD = np.array([_WORD_CHARACTER.match(chr(c)) is not None for c in range(128)])


def word_counts(texts: Iterable) -> np.ndarray:
    """[count_words(text) for text in texts] as an int64 array, counted with numpy on all the texts at once.

    A word of WORDS is a run of word characters, or several runs each joined to the next by one hyphen or
    apostrophe; so a text holds as many words as runs, less the joiners that stand between two word characters.
    """
    texts = [text if isinstance(text, str) else "" for text in texts]
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths + 1) - (lengths + 1)
    # NUL between the texts: neither a word character nor a joiner, so no run or joint crosses from one to the next.
    codes = np.frombuffer("\x00".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    word = _word_characters(codes)
    run = word.copy()
    run[1:] &= ~word[:-1]  # a run starts here
    joint = np.zeros(len(codes), dtype=bool)  # a joiner between two word characters
    joint[1:-1] = word[:-2] & word[2:]
    joint &= (codes == _JOINERS[0]) | (codes == _JOINERS[1]) | (codes == _JOINERS[2])
    text_of = [np.searchsorted(starts, np.flatnonzero(found), side="right") - 1 for found in (run, joint)]
    return np.bincount(text_of[0], minlength=len(texts)) - np.bincount(text_of[1], minlength=len(texts))


def _word_characters(codes: np.ndarray) -> np.ndarray:
    """Which of the code points `_WORD_CHARACTER` matches (each distinct one beyond ASCII asked once)."""
    ascii = codes < 128
    word = np.zeros(len(codes), dtype=bool)
    word[ascii] = _ASCII_WORD[codes[ascii]]
    if not ascii.all():
        distinct, inverse = np.unique(codes[~ascii], return_inverse=True)
        word[~ascii] = np.array([_WORD_CHARACTER.match(chr(c)) is not None for c in distinct.tolist()])[inverse]
    return word


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
