"""Naive and corrected group estimates side by side (notebook 07): what the measure alone says, and what a
hand-coded random sample of the corpus corrects it to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import facet_grid, fit_suptitle, fit_title, new_axes, one_group_column, wrap
from analysis.plots.style import OKABE_ITO, house_style

NAIVE_COLOUR = "#888888"
CORRECTED_COLOUR = OKABE_ITO[0]
ROW_HEIGHT = 0.34  # inches per group: 47 outlets stay legible


def plot_corrected(estimates: pd.DataFrame, *, by: str, title: str | None = None, xlabel: str = "share", ax=None):
    """Each group's naive estimate (the measure alone, grey) and corrected estimate (blue) with their intervals.

    Parameters
    ----------
    estimates : corrected_estimates' table (one row per group): `estimate`, `low`, `high`, `naive`, `naive_low`,
        `naive_high`, `coded`, `units`, `method`, `naive_interval`.
    by : the group column.
    title : the figure's title (default: says what is drawn).
    xlabel : the quantity on the x axis (e.g. "share of sentences coded negative").
    ax : Axes to draw on (default: a new figure sized to the groups).

    Groups run down the y axis in order of the corrected estimate (groups without coded units last); the
    right margin gives coded / all units. A naive point without a line has no article-bootstrap interval
    (fewer than five articles); a group without coded units has no blue point.
    """
    by = one_group_column(by, "plot_corrected")
    order = estimates.sort_values(["estimate", "naive"], ascending=[True, True], na_position="first",
                                  kind="stable").reset_index(drop=True)
    if ax is None:
        ax = new_axes(8.6, 1.6 + ROW_HEIGHT * max(len(order), 2))
    positions = np.arange(len(order))
    with house_style():
        offset = 0.17
        naive_has = order["naive_low"].notna()
        ax.hlines(positions[naive_has] - offset, order.loc[naive_has, "naive_low"], order.loc[naive_has, "naive_high"],
                  color=NAIVE_COLOUR, linewidth=2)
        ax.plot(order.loc[naive_has, "naive"], positions[naive_has] - offset, "o", color=NAIVE_COLOUR, markersize=6,
                label="measure alone (naive), 95% article bootstrap")
        if (~naive_has).any():
            ax.plot(order.loc[~naive_has, "naive"], positions[~naive_has] - offset, "o", markerfacecolor="white",
                    color=NAIVE_COLOUR, markersize=6, label="open: measure alone, no interval (fewer than 5 articles)")
        coded = order["estimate"].notna()
        ax.hlines(positions[coded] + offset, order.loc[coded, "low"], order.loc[coded, "high"], color=CORRECTED_COLOUR,
                  linewidth=2.2)
        ax.plot(order.loc[coded, "estimate"], positions[coded] + offset, "D", color=CORRECTED_COLOUR, markersize=6,
                label="corrected by the coded sample, 95% interval")
        ax.set_yticks(positions, [wrap(label) for label in order[by]])
        ax.set_ylim(-0.7, len(order) - 0.3)
        ax.set_xlim(-0.02, 1.02) if _is_share(order) else None
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#EEEEEE")
        ax.set_axisbelow(True)
        counts = [f"{int(c)}/{int(u)}" if c else f"0/{int(u)}: none coded" for c, u in zip(order["coded"], order["units"])]
        for position, text in zip(positions, counts):
            ax.annotate(text, xy=(1.0, position), xycoords=("axes fraction", "data"), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize=9, color="#444444")
        ax.annotate("coded/units", xy=(1.0, 1.0), xycoords="axes fraction", xytext=(6, 4), textcoords="offset points",
                    va="bottom", fontsize=9, color="#444444")
        ax.figure.legend(loc="outside lower center", ncols=2, frameon=False)
    fit_title(ax, title or f"Naive and corrected estimates per {by}", _coded_note(order))
    return ax


def plot_corrected_grid(estimates: pd.DataFrame, *, by: str, facet: str = "question", xlabel: str = "share",
                        title: str | None = None):
    """One panel per `facet` value (e.g. each generic frame), naive and corrected estimates per group as in
    plot_corrected, groups in the same order in every panel (by name).

    Parameters
    ----------
    estimates : corrected estimates with a `facet` column.
    by : the group column.
    facet : the column whose values get a panel each.
    xlabel : the quantity on the x axes.
    title : the figure's title.

    Returns the Figure.
    """
    by = one_group_column(by, "plot_corrected_grid")
    panels = list(dict.fromkeys(estimates[facet]))
    groups = sorted(estimates[by].unique(), key=str)
    fig, axes = facet_grid(len(panels), min(len(panels), 5), 3.1, 1.2 + ROW_HEIGHT * max(len(groups), 2))
    positions = {group: number for number, group in enumerate(groups)}
    with house_style():
        for ax, panel in zip(axes, panels):
            rows = estimates[estimates[facet] == panel]
            y = rows[by].map(positions).to_numpy(float)
            has = rows["naive_low"].notna().to_numpy()
            ax.hlines(y[has] - 0.17, rows["naive_low"][has], rows["naive_high"][has], color=NAIVE_COLOUR, linewidth=2)
            ax.plot(rows["naive"][has], y[has] - 0.17, "o", color=NAIVE_COLOUR, markersize=5,
                    label="measure alone (naive), 95% article bootstrap")
            if (~has).any():
                ax.plot(rows["naive"][~has], y[~has] - 0.17, "o", color=NAIVE_COLOUR, markerfacecolor="white",
                        markersize=5, label="open: no interval (fewer than 5 articles)")
            coded = rows["estimate"].notna().to_numpy()
            ax.hlines(y[coded] + 0.17, rows["low"][coded], rows["high"][coded], color=CORRECTED_COLOUR, linewidth=2)
            ax.plot(rows["estimate"][coded], y[coded] + 0.17, "D", color=CORRECTED_COLOUR, markersize=5,
                    label="corrected, 95% interval")
            ax.set_title(wrap(panel, 22), fontsize=11, loc="left")
            ax.set_xlim(-0.02, 1.02)
            ax.set_xlabel(xlabel)
            ax.grid(axis="x", color="#EEEEEE")
            ax.set_axisbelow(True)
        axes[0].set_yticks(list(positions.values()), [wrap(group) for group in groups])
        axes[0].set_ylim(len(groups) - 0.3, -0.7)  # the first group (by name) at the top
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        labelled = {}
        for ax in axes[:len(panels)]:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                labelled.setdefault(label, handle)  # an open marker may appear in one panel only
        fig.legend(list(labelled.values()), list(labelled), loc="outside lower center", ncols=3, frameon=False)
    first = estimates[estimates[facet] == panels[0]] if panels else estimates
    fit_suptitle(fig, title or f"Naive and corrected estimates per {by}", _coded_note(first) + f", in {len(groups)} groups")
    return fig


def _coded_note(estimates: pd.DataFrame) -> str:
    """'200 of 7,090 units coded; 31 intervals span the whole scale (at most 4 coded articles each)'."""
    note = f"{int(estimates['coded'].sum()):,} of {int(estimates['units'].sum()):,} units coded"
    whole = estimates[(estimates["low"] <= 0) & (estimates["high"] >= 1)] if _is_share(estimates) else estimates.iloc[0:0]
    if len(whole) and "coded_articles" in whole.columns:
        note += (f"; {len(whole)} interval{'s span' if len(whole) > 1 else ' spans'} the whole scale "
                 f"(at most {int(whole['coded_articles'].max())} coded article{'s' if whole['coded_articles'].max() > 1 else ''}"
                 f"{' each' if len(whole) > 1 else ''})")
    return note


def _is_share(estimates: pd.DataFrame) -> bool:
    values = pd.concat([estimates["naive"], estimates["estimate"]]).dropna()
    return bool(len(values)) and bool(values.between(0, 1).all())
