"""Stage 3, measures: tables in, tables out. Terms, keyness, sentiment, frames, agency, attribution, reuse."""

from analysis.measures.agency import (
    agency_shares,
    agent_categories,
    agents_named,
)
from analysis.measures.agreement import coder_agreement, confusion_table, measure_agreement
from analysis.measures.article_frames import (
    article_frame_shares,
    frame_features,
    frame_prevalence,
    frame_weights,
)
from analysis.measures.coding import coding_units, machine_labels, majority_codes, sample_for_coding
from analysis.measures.corrected import compare_corrected, conclusions_after_correction, corrected_estimates
from analysis.measures.validate_corpus import agreement_by_measure, coder_agreement_by_measure, conclusions_by_question, corrected_by_question
from analysis.measures.attribution import quoted_words_by_speaker
from analysis.measures.compare import bh_qvalues, compare_groups, count_per_sentence
from analysis.measures.describe import count_removals, coverage_over_time, describe_articles, voice_shares
from analysis.measures.frames import frame_shares, most_used_frame
from analysis.measures.keyness import keyness
from analysis.measures.per_article import article_measures, measure_dictionary
from analysis.measures.reuse import group_similarity, shared_passages, similar_pairs, similarity, similarity_between_groups
from analysis.measures.sentiment import (
    compare_masked,
    lexicon_audit,
    mask_terms,
    sentiment_by_position,
    sentiment_drivers,
    summarize_sentiment,
    target_mentions,
    target_sentiment,
    token_valences,
)
from analysis.measures.target_model import classify_target_sentiment
from analysis.measures.terms import (
    FINGERPRINT_ENTITIES,
    family_totals,
    first_mention,
    kwic,
    kwic_side_by_side,
    name_variants,
    show_kwic,
    term_rates,
    voice_words,
)
from analysis.measures.validation import (
    missing_data,
    trust_table,
    validate_all,
    validation_data,
)

#: The measures this package exports besides the stages' verbs (see __getattr__).
_LISTED = [
    "agreement_by_measure", "coder_agreement_by_measure", "coding_units", "compare_corrected", "conclusions_after_correction",
    "conclusions_by_question", "corrected_by_question", "corrected_estimates", "machine_labels", "majority_codes",
    "sample_for_coding",
    "coder_agreement", "confusion_table", "measure_agreement", "FINGERPRINT_ENTITIES", "most_used_frame", "article_measures", "measure_dictionary", "bh_qvalues", "compare_groups", "count_per_sentence", "coverage_over_time", "classify_target_sentiment", "target_mentions", "missing_data", "trust_table", "validate_all", "validation_data", "agency_shares", "article_frame_shares", "frame_features", "frame_prevalence", "frame_weights", "agent_categories", "agents_named",
    "compare_masked", "count_removals", "describe_articles", "family_totals",
    "first_mention", "frame_shares", "group_similarity", "keyness", "kwic", "kwic_side_by_side", "lexicon_audit",
    "mask_terms", "name_variants", "quoted_words_by_speaker", "sentiment_by_position",
    "sentiment_drivers", "shared_passages", "show_kwic", "similar_pairs", "similarity", "similarity_between_groups", "summarize_sentiment", "target_sentiment", "term_rates",
    "token_valences", "voice_shares", "voice_words",
]


def __getattr__(name: str):
    # The per-article stages' measures are exported as their public verbs (in chunks on both cores, cached), the
    # same functions as `an.<name>`, made on first use from the stage table (analysis/stages.py), which alone
    # names them and imports this package's modules.
    from analysis.pipeline import verbs

    stage_verbs = {verb.__name__: verb for verb in verbs().values() if verb.__module__.startswith(__name__)}
    if name == "__all__":
        value = [*_LISTED, *stage_verbs]
    elif name in stage_verbs:
        value = stage_verbs[name]
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


# Importing analysis.measures.article_frames made the package's `article_frames` that module: the name is the verb's.
del article_frames
