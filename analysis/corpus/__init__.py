"""Stage 1, the corpus: decode files, clean each page down to its article, load one row per article."""

from analysis.corpus.clean import load_rules
from analysis.corpus.errors import CorpusError, CorpusWarning
from analysis.corpus.load import load_articles, removed_lines

__all__ = ["CorpusError", "CorpusWarning", "load_articles", "load_rules", "removed_lines"]
