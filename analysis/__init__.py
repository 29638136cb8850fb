"""Compare how news outlets frame one event: load a corpus, split it, measure, and save cited figures.

    import analysis as an
    articles = an.load_articles("seeds")
    sentences = an.split_sentences(articles)
"""

from analysis.clean import load_rules
from analysis.corpus import load_articles, removed_lines
from analysis.describe import count_removals, describe_articles, voice_shares
from analysis.errors import CorpusError, CorpusWarning
from analysis.figures import save_figure, save_table
from analysis.lexicon import compile_pattern, load_lexicon
from analysis.plots import (
    plot_family_counts,
    plot_keyness,
    plot_name_variants,
    plot_removals,
    plot_term_rates,
    plot_voice,
)
from analysis.segment import sentence_spans, split_paragraphs, split_sentences, split_text
from analysis.settings import Settings, configure, current_settings
from analysis.terms import (
    FINGERPRINT_ENTITIES,
    family_totals,
    find_terms,
    first_mention,
    keyness,
    kwic,
    kwic_side_by_side,
    name_variants,
    term_rates,
    voice_words,
)
from analysis.tokens import count_words

__version__ = "0.1.0"

__all__ = [
    "FINGERPRINT_ENTITIES",
    "compile_pattern",
    "family_totals",
    "find_terms",
    "first_mention",
    "keyness",
    "kwic",
    "kwic_side_by_side",
    "load_lexicon",
    "name_variants",
    "plot_family_counts",
    "plot_keyness",
    "plot_name_variants",
    "plot_term_rates",
    "save_table",
    "term_rates",
    "voice_words",
    "CorpusError",
    "CorpusWarning",
    "Settings",
    "configure",
    "count_removals",
    "count_words",
    "current_settings",
    "describe_articles",
    "load_articles",
    "load_rules",
    "plot_removals",
    "plot_voice",
    "removed_lines",
    "save_figure",
    "sentence_spans",
    "split_paragraphs",
    "split_sentences",
    "split_text",
    "voice_shares",
]
