"""Plots of notebook 04: frames, the grammatical agency of the killing, the agents named, whose words
are quoted, and how alike the articles are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    annotated_heatmap,
    categories,
    category_colours,
    new_axes,
    one_group_column,
    own_line,
    shown_rows,
    stacked_bars,
    wrap,
)
from analysis.plots.style import house_style


def plot_frame_shares(shares: pd.DataFrame, *, by: str = "outlet", unit: str = "sentences",
                      max_groups: int | None = 30, ax=None):
    """Heatmap: share of each group's sentences (or articles) using each frame (colour), with the count in each cell.

    Parameters
    ----------
    shares : table from frame_shares (`unit="sentences"`) or frame_prevalence (`unit="articles"`).
    by : the group column.
    unit : the column that counts what the shares are shares of: "sentences" or "articles".
    max_groups : with more groups, the ones with the most of `unit` are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_frame_shares")
    sizes = shares.drop_duplicates(by).set_index(by)[unit]
    table, note = shown_rows(shares, by, sizes, max_groups, unit)
    order = list(dict.fromkeys(table["frame"]))
    share = table.pivot(index=by, columns="frame", values="share").reindex(columns=order)
    counts = table.pivot(index=by, columns="frame", values="n").reindex(columns=order)
    text = [[f"{int(n)}\n{s:.0%}" if n else "" for n, s in zip(count_row, share_row)]
            for count_row, share_row in zip(counts.to_numpy(), share.to_numpy(dtype=float))]
    if ax is None:
        ax = new_axes(max(8.0, 0.95 * len(order) + 3.5), max(2.8, 0.5 * len(share) + 2.6))
    values = share.to_numpy(dtype=float)
    annotated_heatmap(ax, values, text, rows=[f"{wrap(group)}\n({sizes[group]} {unit if sizes[group] != 1 else unit.rstrip('s')})"
                            for group in share.index],
                      columns=[wrap(frame, 13) for frame in order], fontsize=8.5,
                      vmax=max(float(np.nanmax(values, initial=0)), 0.01) * 1.25)
    with house_style():
        what = ("Frames invoked: sentences with at least one cue" if unit == "sentences"
                else "Frames used: articles coded as using each frame")
        ax.set_title(f"{what} (count and share){own_line(note)}", loc="left", pad=44)
    return ax


def _stacked_shares(table: pd.DataFrame, by: str, category: str, value: str) -> pd.DataFrame:
    """Rows = groups (reverse name order, so the first is on top), columns = categories in display order, in %."""
    order = categories(table[category])
    wide = table.pivot_table(index=by, columns=category, values=value, aggfunc="sum", fill_value=0, observed=True)
    wide = wide.reindex(columns=order, fill_value=0)
    return wide.loc[sorted(wide.index, reverse=True)] * 100


def plot_agency_forms(shares: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Stacked bars: how each group's mentions of the killing split into active, passive with and
    without agent, and nominal forms; n mentions beside each group.

    Parameters
    ----------
    shares : table from agency_shares.
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_agency_forms")
    table = _stacked_shares(shares, by, "form", "share")
    mentions = shares.drop_duplicates(by).set_index(by)["mentions"]
    if ax is None:
        ax = new_axes(9.0, max(2.8, 0.5 * len(table) + 1.8))
    stacked_bars(ax, table, row_labels=[f"{wrap(group)} (n = {mentions[group]})" for group in table.index],
                 colours=category_colours(table.columns))
    with house_style():
        ax.set_xlabel("share of mentions of the killing (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False)
        ax.set_title("Who killed whom? Grammatical form of each mention of the killing", loc="left", pad=28)
    return ax


def plot_agents(agents: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap: how often each group names each kind of agent of the killing (counts; 'none' = no agent named).

    Parameters
    ----------
    agents : table from agents_named (columns in the order of its `agent_category`).
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_agents")
    order = categories(agents["agent_category"])
    counts = agents.pivot_table(index=by, columns="agent_category", values="n", aggfunc="sum", fill_value=0,
                                observed=True).reindex(columns=order, fill_value=0).astype(int)
    if ax is None:
        ax = new_axes(max(7.5, 1.1 * counts.shape[1] + 3.2), max(2.6, 0.45 * len(counts) + 1.8))
    text = [[str(n) if n else "" for n in row] for row in counts.to_numpy()]
    annotated_heatmap(ax, counts.to_numpy(), text, rows=[wrap(group) for group in counts.index],
                      columns=[str(c) for c in counts.columns], fontsize=10,
                      vmax=max(int(counts.to_numpy().max(initial=0)), 1) * 1.3)
    with house_style():
        ax.set_title("Agents named for the killing\n(mentions; 'none' = agent hidden)", loc="left", pad=30)
    return ax


def plot_speakers(voices: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Stacked bars: whose words make up each group's quotations (share of quoted words by speaker group).

    Parameters
    ----------
    voices : table from quoted_words_by_speaker (segments in the order of its `speaker_group`).
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_speakers")
    table = _stacked_shares(voices, by, "speaker_group", "quoted_word_share")
    totals = voices.groupby(by)["quoted_words"].sum()
    if ax is None:
        ax = new_axes(9.5, max(3.0, 0.5 * len(table) + 2.0))
    stacked_bars(ax, table, row_labels=[f"{wrap(group)}\n({totals[group]} quoted words)" for group in table.index],
                 colours=category_colours(table.columns), min_label=9, edgecolor="#666666",
                 labels={name: str(name) for name in table.columns})
    with house_style():
        ax.set_xlabel("share of quoted words (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False, fontsize=9)
        ax.set_title("Whose words are quoted", loc="left", pad=48)
    return ax


def plot_similarity(groups: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap of mean TF-IDF cosine similarity between groups' articles (numbers shown up to 15 groups).

    Parameters
    ----------
    groups : table from group_similarity (`<by>_a`, `<by>_b`, `similarity`).
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_similarity")
    names = sorted(set(groups[f"{by}_a"]) | set(groups[f"{by}_b"]))
    matrix = groups.pivot(index=f"{by}_a", columns=f"{by}_b", values="similarity").reindex(index=names, columns=names)
    values = matrix.to_numpy(dtype=float)
    if ax is None:
        side = max(5.5, 0.55 * len(names) + 3.0)
        ax = new_axes(side + 1.2, side)
    show = len(names) <= 15
    text = [[f"{value:.2f}" if show and value == value else "" for value in row] for row in values]
    labels = [wrap(name, 16) for name in names]
    image = annotated_heatmap(ax, values, text, rows=labels, columns=labels, vmin=0, vmax=1, columns_on_top=False,
                              column_rotation=35, aspect="equal")
    with house_style():
        ax.figure.colorbar(image, ax=ax, shrink=0.7).set_label("cosine similarity of TF-IDF vectors")
        ax.set_title("How alike the articles are\n(mean pairwise similarity; blank = no pair)", loc="left")
    return ax
