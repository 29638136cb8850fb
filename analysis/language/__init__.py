"""Stage 2, language: paragraphs and sentences, quotation marks, word tokens, lexicon matching, grammar rules.

Splitting a table of articles into sentences is a per-article stage: `an.split_sentences` (analysis/stages.py),
one name for one function, so it is not exported here.
"""

from analysis.language.lexicon import compile_pattern, load_lexicon
from analysis.language.quotes import QUOTED_SENTENCE_SHARE, quote_spans, sentence_voice
from analysis.language.segment import (
    sentence_spans,
    split_paragraphs,
    split_text,
)
from analysis.language.tokens import content_words, count_words

__all__ = [
    "QUOTED_SENTENCE_SHARE", "compile_pattern", "content_words", "count_words", "load_lexicon",
    "quote_spans", "sentence_spans", "sentence_voice", "split_paragraphs", "split_text",
]
