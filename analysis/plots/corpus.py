"""Plots of notebook 01: what cleaning removed, and own voice vs quotation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    LABEL_WIDTH,
    annotated_heatmap,
    new_axes,
    one_group_column,
    stacked_bars,
    wrap,
)
from analysis.plots.style import OWN_VOICE, QUOTED, house_style


def plot_removals(counts: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap of lines removed by cleaning per group and rule, with the count in each cell.

    Parameters
    ----------
    counts : table from count_removals (`<by>`, `rule`, `n`); groups with no
        removed line have no row in it and are not drawn.
    by : the group column.
    ax : Axes to draw on (default: a new figure sized to the table).

    The longer of the two dimensions goes down the page so that labels stay
    horizontal. Returns the Axes.
    """
    by = one_group_column(by, "plot_removals")
    grid = counts.pivot_table(index=by, columns="rule", values="n", aggfunc="sum", fill_value=0)
    grid = grid.loc[:, grid.sum().sort_values(ascending=False, kind="stable").index]
    rules_down = grid.shape[1] > grid.shape[0]
    width = 16 if rules_down else LABEL_WIDTH
    group_labels = [
        f"{wrap(group, width)}\n({total} line{'s' if total != 1 else ''})" for group, total in grid.sum(axis=1).items()
    ]
    rule_labels = [rule.replace("_", " ") for rule in grid.columns]
    values = grid.to_numpy().T if rules_down else grid.to_numpy()
    row_labels, column_labels = (rule_labels, group_labels) if rules_down else (group_labels, rule_labels)
    if ax is None:
        width = max(6.5, (1.45 if rules_down else 0.62) * values.shape[1] + 3.0)
        ax = new_axes(width, max(2.8, (0.34 if rules_down else 0.55) * values.shape[0] + 2.0))
    text = np.vectorize(lambda n: str(n) if n else "", otypes=[object])(values) if values.size else values
    rotation = 0 if rules_down and values.shape[1] <= 6 else 40
    annotated_heatmap(ax, values, text, rows=row_labels, columns=column_labels, vmax=max(values.max(initial=0), 1) * 1.25,
                      fontsize=10, columns_on_top=rules_down, column_rotation=rotation)
    with house_style():
        ax.set_xlabel("" if rules_down else "rule that removed the line")
        ax.set_ylabel("rule that removed the line" if rules_down else "")
        ax.set_title("Lines removed by cleaning (number of lines per cell)", loc="left", pad=40 if rules_down else 12)
    return ax


def plot_voice(shares: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Horizontal bars: each group's body text split into own voice and quotation, with its n.

    Parameters
    ----------
    shares : table from voice_shares (`<by>`, `own_share`, `quoted_share`,
        `articles`, `sentences`, `words`).
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_voice")
    table = shares.sort_values("quoted_share", ascending=True, kind="stable").reset_index(drop=True)
    if ax is None:
        ax = new_axes(9.0, max(2.8, 0.55 * len(table) + 1.6))
    percent = pd.DataFrame({"own": table["own_share"] * 100, "quoted": table["quoted_share"] * 100})
    labels = [f"{wrap(record[by])}\n(n = {record['articles']} art., {record['sentences']} sent., {record['words']} words)"
              for _, record in table.iterrows()]
    stacked_bars(ax, percent, row_labels=labels, colours={"own": OWN_VOICE, "quoted": QUOTED}, min_label=np.inf,
                 labels={"own": "own voice", "quoted": "inside quotation marks"})
    with house_style():
        for row, share in enumerate(table["quoted_share"]):
            ax.text(101, row, f"{share:.0%} quoted", va="center", fontsize=10)
        ax.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
        ax.set_xlabel("share of body characters (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
        ax.set_title("Own voice vs quotation in the article bodies", loc="left", pad=28)
    return ax
