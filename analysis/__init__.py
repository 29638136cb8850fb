"""Compare how news outlets frame one event: load a corpus, split it, measure, and save cited figures.

    import analysis as an
    articles = an.load_articles("seeds")
    sentences = an.split_sentences(articles)

Names are imported on first use (PEP 562), so `python -m analysis` and a
notebook that only loads a corpus do not pay for NLTK, scikit-learn and matplotlib.
"""

from __future__ import annotations

import sys
from importlib import import_module

__version__ = "0.1.0"

#: Where each public name lives.
_EXPORTS = {
    "analysis.corpus": (
        "CorpusError", "CorpusWarning", "load_rules", "removed_lines",
    ),
    "analysis.figures": (
        "save_coding_sheets", "save_figure", "save_measures", "save_table", "show_table",
    ),
    "analysis.language": (
        "compile_pattern", "content_words", "count_words", "load_lexicon", "sentence_spans", "split_paragraphs",
        "split_text",
    ),
    "analysis.measures": (
        "coder_agreement", "confusion_table", "measure_agreement",
        "agreement_by_measure", "coder_agreement_by_measure", "coding_units", "compare_corrected", "conclusions_after_correction",
        "conclusions_by_question", "corrected_by_question", "corrected_estimates", "machine_labels", "majority_codes",
        "sample_for_coding",
        "FINGERPRINT_ENTITIES", "most_used_frame", "article_frame_shares", "article_measures", "measure_dictionary", "bh_qvalues", "compare_groups", "count_per_sentence", "coverage_over_time", "agency_shares", "agent_categories", "agents_named",
        "classify_target_sentiment", "compare_masked", "count_removals",
        "describe_articles", "family_totals", "first_mention", "frame_features",
        "frame_prevalence", "frame_shares", "frame_weights", "group_similarity", "keyness", "kwic",
        "kwic_side_by_side", "lexicon_audit", "mask_terms", "missing_data", "name_variants",
        "quoted_words_by_speaker", "sentiment_by_position", "sentiment_drivers", "shared_passages", "show_kwic",
        "similar_pairs", "similarity", "similarity_between_groups", "summarize_sentiment", "target_mentions", "target_sentiment", "term_rates", "token_valences",
        "trust_table", "validate_all", "validation_data", "voice_shares", "voice_words",
    ),
    # A corpus, or a processed one read back (analysis/pipeline.py); and, not listed here, the per-article
    # stages' verbs, in chunks on both cores and cached, named in analysis/stages.py alone (_verbs).
    "analysis.pipeline": ("load_articles", "process_corpus", "read_processed"),
    "analysis.plots": (
        "plot_agency_forms", "plot_coverage", "plot_agents", "plot_drivers", "plot_drivers_grid", "plot_family_counts",
        "plot_frame_shares", "plot_keyness", "plot_keyness_grid", "plot_lexicon_audit", "plot_masking",
        "plot_name_variants", "plot_removals", "plot_sentence_sentiment", "plot_sentiment_position",
        "plot_sentiment_position_grid", "plot_similarity", "plot_speakers", "plot_target_sentiment",
        "plot_term_rates", "plot_term_rates_grid", "plot_validation", "plot_voice", "plot_corrected",
        "plot_corrected_grid",
    ),
    "analysis.findings": (
        "compared", "corpus_findings", "framing_findings", "measures_findings", "sentiment_findings", "terminology_findings",
    ),
    "analysis.reports": (
        "save_validation", "show_validation", "validation_findings", "coding_status", "correction_findings",
    ),
    "analysis.sheets": ("read_codes", "read_coded_sheets", "save_coding_sheet"),
    "analysis.settings": (
        "Settings", "configure", "current_settings",
    ),
    "analysis.tables": (
        "columns_first", "fill_missing_groups", "shown_rows",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def _verbs() -> dict:
    """The per-article stages' public verbs by name (analysis/stages.py; importing it imports the measures)."""
    return import_module("analysis.pipeline").verbs()


def __getattr__(name: str):
    if name == "__all__":  # with the verbs' names, which the stage table alone holds
        value = sorted({*_MODULE_OF, *_verbs()}, key=str.casefold)
    elif name in _MODULE_OF:
        value = getattr(import_module(_MODULE_OF[name]), name)
    elif not name.startswith("_") and name in _verbs():
        value = _verbs()[name]
    else:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__getattr__("__all__")))


def _in_notebook():
    """The IPython shell of a notebook kernel this package is imported in, else None (a script, a test, a
    terminal: their display is left as it is)."""
    if "IPython" not in sys.modules:  # not imported here: a script does not pay for it
        return None
    shell = sys.modules["IPython"].get_ipython()
    return shell if getattr(shell, "kernel", None) is not None else None


# Imported in a notebook: its tables show whole text, wrapped, and no output names the machine's absolute paths.
if _in_notebook() is not None:
    import_module("analysis.tables").notebook_display(_in_notebook())
