"""The house look of every figure: colour-blind-safe colours and fonts readable at half size."""

from contextlib import contextmanager

import matplotlib
from matplotlib import cycler

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OWN_VOICE = OKABE_ITO[0]
QUOTED = OKABE_ITO[1]
SEQUENTIAL = "Blues"
DIVERGING = "PuOr"  # colour-blind-safe diverging map: orange negative, purple positive
NEGATIVE_COLOUR = OKABE_ITO[5]  # vermillion for negative contributions
POSITIVE_COLOUR = OKABE_ITO[0]
#: Greys for the residual categories, in the order of analysis.tables.RESIDUAL_CATEGORIES
#: ("other", "none", "unresolved", "unattributed").
RESIDUAL_GREYS = ("#DDDDDD", "#CCCCCC", "#BBBBBB", "#FFFFFF")

RC = {
    "font.family": "DejaVu Sans",  # ships with matplotlib: same glyphs, same bytes, everywhere
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.15,
    "svg.fonttype": "path",
}


@contextmanager
def house_style(params: dict = RC):
    """Set `params` for the drawing inside, then put back exactly those keys: `with house_style():` around a few
    lines, or `@house_style()` above a function that draws throughout.

    Not `plt.rc_context`: on leaving it restores every rcParam, including
    `interactive`, which the inline backend of Jupyter switches on after the
    context was entered; every later figure would then stay hidden in the notebook.
    """
    saved = {key: matplotlib.rcParams[key] for key in params}
    matplotlib.rcParams.update(params)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)
