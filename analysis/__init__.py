"""Compare how news outlets frame one event: load a corpus, split it, measure, and save cited figures.

    import analysis as an
    articles = an.load_articles("seeds")
    sentences = an.split_sentences(articles)
"""

from analysis.agency import agency_shares, agent_categories, agents_named, classify_agency
from analysis.attribution import find_attributions, quoted_words_by_speaker
from analysis.clean import load_rules
from analysis.corpus import load_articles, removed_lines
from analysis.describe import count_removals, describe_articles, voice_shares
from analysis.errors import CorpusError, CorpusWarning
from analysis.figures import save_figure, save_table
from analysis.frames import code_frames, frame_shares
from analysis.lexicon import compile_pattern, load_lexicon
from analysis.plots import (
    plot_agency_forms,
    plot_agents,
    plot_drivers,
    plot_frame_shares,
    plot_similarity,
    plot_speakers,
    plot_family_counts,
    plot_keyness,
    plot_lexicon_audit,
    plot_masking,
    plot_name_variants,
    plot_removals,
    plot_sentence_sentiment,
    plot_sentiment_position,
    plot_target_sentiment,
    plot_term_rates,
    plot_voice,
)
from analysis.reuse import group_similarity, shared_passages, similarity
from analysis.segment import sentence_spans, split_paragraphs, split_sentences, split_text
from analysis.sentiment import (
    compare_masked,
    lexicon_audit,
    mask_terms,
    score_sentences,
    sentiment_by_position,
    sentiment_drivers,
    summarize_sentiment,
    target_sentiment,
    token_valences,
)
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
    "agency_shares",
    "agent_categories",
    "agents_named",
    "classify_agency",
    "code_frames",
    "compare_masked",
    "compile_pattern",
    "configure",
    "CorpusError",
    "CorpusWarning",
    "count_removals",
    "count_words",
    "current_settings",
    "describe_articles",
    "family_totals",
    "find_attributions",
    "find_terms",
    "FINGERPRINT_ENTITIES",
    "first_mention",
    "frame_shares",
    "group_similarity",
    "keyness",
    "kwic",
    "kwic_side_by_side",
    "lexicon_audit",
    "load_articles",
    "load_lexicon",
    "load_rules",
    "mask_terms",
    "name_variants",
    "plot_agency_forms",
    "plot_agents",
    "plot_drivers",
    "plot_family_counts",
    "plot_frame_shares",
    "plot_keyness",
    "plot_lexicon_audit",
    "plot_masking",
    "plot_name_variants",
    "plot_removals",
    "plot_sentence_sentiment",
    "plot_sentiment_position",
    "plot_similarity",
    "plot_speakers",
    "plot_target_sentiment",
    "plot_term_rates",
    "plot_voice",
    "quoted_words_by_speaker",
    "removed_lines",
    "save_figure",
    "save_table",
    "score_sentences",
    "sentence_spans",
    "sentiment_by_position",
    "sentiment_drivers",
    "Settings",
    "shared_passages",
    "similarity",
    "split_paragraphs",
    "split_sentences",
    "split_text",
    "summarize_sentiment",
    "target_sentiment",
    "term_rates",
    "token_valences",
    "voice_shares",
    "voice_words",
]
