"""Compare how news outlets frame one event: load a corpus, split it, measure, and save cited figures.

    import analysis as an
    articles = an.load_articles("seeds")
    sentences = an.split_sentences(articles)
"""

from analysis.clean import load_rules
from analysis.corpus import load_articles, removed_lines
from analysis.describe import count_removals, describe_articles, voice_shares
from analysis.errors import CorpusError, CorpusWarning
from analysis.figures import save_figure
from analysis.plots import plot_removals, plot_voice
from analysis.segment import sentence_spans, split_paragraphs, split_sentences, split_text
from analysis.settings import Settings, configure, current_settings
from analysis.tokens import count_words

__version__ = "0.1.0"

__all__ = [
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
