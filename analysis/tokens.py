"""Word tokens without downloaded data: one shared tokenizer for counting words."""

from __future__ import annotations

from nltk.tokenize import RegexpTokenizer

# Words with inner hyphens or apostrophes stay whole ("al-Muhandis", "Iran’s");
# numbers count as words, punctuation does not.
WORDS = RegexpTokenizer(r"\w+(?:[-’']\w+)*")


def count_words(text: str) -> int:
    """Number of word tokens in `text`."""
    return len(WORDS.tokenize(text)) if isinstance(text, str) else 0
