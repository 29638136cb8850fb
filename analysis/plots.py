"""Draw finished tables. Each function takes a table and options, draws on `ax` (or a new
figure in the house style) and returns the Axes; none computes a statistic or saves a file.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis.style import OWN_VOICE, QUOTED, RC, SEQUENTIAL

LABEL_WIDTH = 28  # characters per line of a wrapped group label


def wrap(label, width: int = LABEL_WIDTH) -> str:
    """Wrap a long label onto several lines."""
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def _new_axes(width: float, height: float):
    with plt.rc_context(RC):
        _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def plot_removals(counts: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap of lines removed by cleaning per group and rule, with the count in each cell.

    `counts` is a table from count_removals (`<by>`, `rule`, `n`); groups with
    no removed line have no row in it and are not drawn. The longer of the two
    dimensions goes down the page so that labels stay horizontal.
    """
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
        ax = _new_axes(width, max(2.8, (0.34 if rules_down else 0.55) * values.shape[0] + 2.0))
    with plt.rc_context(RC):
        ax.imshow(values, cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(values.max(), 1) * 1.25)
        for (row, column), value in np.ndenumerate(values):
            if value:
                ax.text(column, row, str(value), ha="center", va="center", fontsize=10)
        rotation = 0 if rules_down and values.shape[1] <= 6 else 40
        ax.set_xticks(range(values.shape[1]), column_labels, rotation=rotation, ha="center" if rotation == 0 else "right")
        ax.set_yticks(range(values.shape[0]), row_labels)
        ax.set_xlabel("" if rules_down else "rule that removed the line")
        ax.set_ylabel("rule that removed the line" if rules_down else "")
        ax.tick_params(length=0)
        if rules_down:
            ax.xaxis.tick_top()
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title("Lines removed by cleaning (number of lines per cell)", loc="left", pad=12 if not rules_down else 40)
    return ax


def plot_voice(shares: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Horizontal bars: each group's body text split into own voice and quotation, with its n.

    `shares` is a table from voice_shares (`<by>`, `own_share`, `quoted_share`,
    `articles`, `sentences`, `words`).
    """
    table = shares.sort_values("quoted_share", ascending=True, kind="stable").reset_index(drop=True)
    if ax is None:
        ax = _new_axes(9.0, max(2.8, 0.55 * len(table) + 1.6))
    with plt.rc_context(RC):
        rows = np.arange(len(table))
        own = table["own_share"] * 100
        quoted = table["quoted_share"] * 100
        ax.barh(rows, own, color=OWN_VOICE, label="own voice")
        ax.barh(rows, quoted, left=own, color=QUOTED, label="inside quotation marks")
        for row, record in table.iterrows():
            ax.text(101, row, f"{record['quoted_share']:.0%} quoted", va="center", fontsize=10)
        ax.set_yticks(rows, [
            f"{wrap(record[by])}\n(n = {record['articles']} art., {record['sentences']} sent., {record['words']} words)"
            for _, record in table.iterrows()
        ])
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
        ax.set_xlabel("share of body characters (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
        ax.set_title("Own voice vs quotation in the article bodies", loc="left", pad=28)
    return ax
