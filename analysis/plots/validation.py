"""Plot of notebook 05: each measure's agreement with human judgement, with its interval and reference."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import interval_rows, new_axes, wrap
from analysis.plots.style import OWN_VOICE, QUOTED, house_style


def plot_validation(table: pd.DataFrame, *, ax=None):
    """One row per metric: the measure's value with its 95% interval (blue), and the reference (orange diamond).

    Parameters
    ----------
    table : from validate_all (rows with metric "missing" are left out).
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    rows = table[table["metric"] != "missing"].iloc[::-1].reset_index(drop=True)
    if ax is None:
        ax = new_axes(11.0, 0.62 * len(rows) + 1.8)
    positions = np.arange(len(rows))
    interval_rows(ax, positions, rows["value"], rows["low"].fillna(rows["value"]), rows["high"].fillna(rows["value"]),
                  colour=OWN_VOICE, label="this package (95% interval)")
    has_reference = rows["reference_value"].notna()
    with house_style():
        ax.plot(rows.loc[has_reference, "reference_value"], positions[has_reference.to_numpy()], "D", color=QUOTED,
                markersize=5, linestyle="none", label="reference or target")
        ax.set_yticks(positions, [f"{measure}: {metric}\n{wrap(data, 48)} (n = {n})" for measure, metric, data, n in
                                  zip(rows["measure"], rows["metric"], rows["data"], rows["n"])], fontsize=9)
        ax.set_xlim(0, 1.02)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_xlabel("agreement with human judgement (0 to 1: r, share, ROC AUC, precision or recall)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False)
        ax.set_title("How far to trust each measure", loc="left", pad=28)
    return ax
