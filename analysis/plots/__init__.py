"""Stage 4, plots: draw finished tables, seaborn-style.

Axes-level functions `plot_x(table, *, ..., ax=None) -> Axes` draw on the Axes
given (or on a new figure in the house style); figure-level functions
`plot_x_grid(table, ...) -> Figure` lay one panel per group or family out in a
grid. None computes a statistic, reads the corpus or writes a file:
`analysis.save_figure` saves.
"""

from analysis.plots.corpus import plot_coverage, plot_removals, plot_voice
from analysis.plots.corrected import plot_corrected, plot_corrected_grid
from analysis.plots.framing import (
    plot_agency_forms,
    plot_agents,
    plot_frame_shares,
    plot_similarity,
    plot_speakers,
)
from analysis.plots.sentiment import (
    plot_drivers,
    plot_drivers_grid,
    plot_lexicon_audit,
    plot_masking,
    plot_sentence_sentiment,
    plot_sentiment_position,
    plot_sentiment_position_grid,
    plot_target_sentiment,
)
from analysis.plots.terminology import (
    plot_family_counts,
    plot_keyness,
    plot_keyness_grid,
    plot_name_variants,
    plot_term_rates,
    plot_term_rates_grid,
)
from analysis.plots.validation import plot_validation

__all__ = [
    "plot_corrected", "plot_corrected_grid",
    "plot_agency_forms", "plot_validation", "plot_agents", "plot_drivers", "plot_drivers_grid", "plot_family_counts", "plot_frame_shares",
    "plot_keyness", "plot_keyness_grid", "plot_lexicon_audit", "plot_masking", "plot_name_variants", "plot_removals", "plot_coverage",
    "plot_sentence_sentiment", "plot_sentiment_position", "plot_sentiment_position_grid", "plot_similarity",
    "plot_speakers", "plot_target_sentiment", "plot_term_rates", "plot_term_rates_grid", "plot_voice",
]
