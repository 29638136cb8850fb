"""Plots of notebook 04: frames, the grammatical agency of the killing, the agents named, whose words
are quoted, and how alike the articles are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    annotated_heatmap,
    categories,
    category_colours,
    empty_plot,
    fit_title,
    largest_groups,
    new_axes,
    one_group_column,
    shown_rows,
    stacked_bars,
    subset_note,
    wrap,
)
from analysis.plots.style import house_style

#: Stacked bars and heatmaps show at most this many groups by default: past it, rows stop being legible on a page.
MAX_GROUPS = 30
#: What the agency figures say when no sentence mentions the killing.
NO_MENTIONS = "no matches: no sentence mentions the killing (kill, assassinate, murder, eliminate, slay)"


def frame_share_groups(shares: pd.DataFrame, *, by: str = "outlet", unit: str = "sentences",
                       max_groups: int | None = MAX_GROUPS) -> list:
    """The groups plot_frame_shares shows, in name order: past `max_groups`, those with the most of `unit`;
    the Findings name these."""
    return largest_groups(shares.drop_duplicates(by).set_index(by)[unit], max_groups)


def speaker_groups(voices: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = MAX_GROUPS) -> list:
    """The groups plot_speakers shows, in name order: past `max_groups`, those with the most quoted words;
    the Findings name these."""
    return largest_groups(voices.groupby(by, observed=True)["quoted_words"].sum(), max_groups)


def plot_frame_shares(shares: pd.DataFrame, *, by: str = "outlet", unit: str = "sentences",
                      max_groups: int | None = MAX_GROUPS, ax=None):
    """Heatmap: share of each group's sentences (or articles) using each frame (colour), with the count in each cell.

    Parameters
    ----------
    shares : table from frame_shares (`unit="sentences"`), or article_frame_shares or frame_prevalence
        (`unit="articles"`).
    by : the group column.
    unit : the column that counts what the shares are shares of: "sentences" or "articles".
    max_groups : with more groups, the ones with the most of `unit` are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying so when no group uses any frame).
    """
    by = one_group_column(by, "plot_frame_shares")
    what = ("Frames invoked: sentences with at least one cue" if unit == "sentences"
            else "Frames used: articles coded as using each frame")
    if not shares["n"].sum():
        return empty_plot(ax, f"{what} (count and share)",
                          "no frame cues: no sentence holds a cue of any frame" if unit == "sentences"
                          else "no frames: no article uses any frame")
    sizes = shares.drop_duplicates(by).set_index(by)[unit]
    shown = frame_share_groups(shares, by=by, unit=unit, max_groups=max_groups)
    table, note = shares[shares[by].isin(shown)], subset_note(len(shown), len(sizes), unit)
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
    fit_title(ax, f"{what} (count and share)", note, pad=44)
    return ax


def _stacked_shares(table: pd.DataFrame, by: str, category: str, value: str) -> pd.DataFrame:
    """Rows = groups (reverse name order, so the first is on top), columns = categories in display order, in %."""
    order = categories(table[category])
    wide = table.pivot_table(index=by, columns=category, values=value, aggfunc="sum", fill_value=0, observed=True)
    wide = wide.reindex(columns=order, fill_value=0)
    return wide.loc[sorted(wide.index, reverse=True)] * 100


def plot_agency_forms(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = MAX_GROUPS, ax=None):
    """Stacked bars: how each group's mentions of the killing split into active, passive with and
    without agent, and nominal forms; n mentions beside each group.

    Parameters
    ----------
    shares : table from agency_shares.
    by : the group column.
    max_groups : with more groups, the ones with the most mentions are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying so when nothing mentions the killing).
    """
    by = one_group_column(by, "plot_agency_forms")
    title = "Who killed whom? Grammatical form of each mention of the killing"
    if not shares["n"].sum():
        return empty_plot(ax, title, NO_MENTIONS)
    mentions = shares.drop_duplicates(by).set_index(by)["mentions"]
    shares, note = shown_rows(shares, by, mentions, max_groups, "mentions")
    table = _stacked_shares(shares, by, "form", "share")
    if ax is None:
        ax = new_axes(10.0, max(2.8, 0.5 * len(table) + 1.8))
    stacked_bars(ax, table, row_labels=[f"{wrap(group)} (n = {mentions[group]})" for group in table.index],
                 colours=category_colours(table.columns))
    with house_style():
        ax.set_xlabel("share of mentions of the killing (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False)
    fit_title(ax, title, note, pad=28)
    return ax


def plot_agents(agents: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = MAX_GROUPS, ax=None):
    """Heatmap: how often each group names each kind of agent of the killing (counts; 'none' = no agent named);
    the mentions of each group beside its name.

    Parameters
    ----------
    agents : table from agents_named (columns in the order of its `agent_category`).
    by : the group column.
    max_groups : with more groups, the ones with the most mentions are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying so when nothing mentions the killing).
    """
    by = one_group_column(by, "plot_agents")
    title = "Agents named for the killing\n(mentions; 'none' = agent hidden; all mentions in brackets)"
    if not agents["n"].sum():
        return empty_plot(ax, title, NO_MENTIONS)
    mentions = agents.groupby(by)["n"].sum()
    agents, note = shown_rows(agents, by, mentions, max_groups, "mentions")
    order = categories(agents["agent_category"])
    counts = agents.pivot_table(index=by, columns="agent_category", values="n", aggfunc="sum", fill_value=0,
                                observed=True).reindex(columns=order, fill_value=0).astype(int)
    if ax is None:
        ax = new_axes(max(7.5, 1.1 * counts.shape[1] + 3.2), max(2.6, 0.45 * len(counts) + 1.8))
    text = [[str(n) if n else "" for n in row] for row in counts.to_numpy()]
    annotated_heatmap(ax, counts.to_numpy(), text, rows=[f"{wrap(group)} ({mentions[group]})" for group in counts.index],
                      columns=[str(c) for c in counts.columns], fontsize=10,
                      vmax=max(int(counts.to_numpy().max(initial=0)), 1) * 1.3)
    fit_title(ax, title, note, pad=30)
    return ax


def plot_speakers(voices: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = MAX_GROUPS, ax=None):
    """Stacked bars: whose words make up each group's quotations (share of quoted words by speaker group).

    Parameters
    ----------
    voices : table from quoted_words_by_speaker (segments in the order of its `speaker_group`).
    by : the group column.
    max_groups : with more groups, the ones with the most quoted words are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying so when no group quotes a word).
    """
    by = one_group_column(by, "plot_speakers")
    totals = voices.groupby(by, observed=True)["quoted_words"].sum()
    if not totals.sum():
        return empty_plot(ax, "Whose words are quoted", "no quoted words: no article has a quotation")
    shown = speaker_groups(voices, by=by, max_groups=max_groups)
    voices, note = voices[voices[by].isin(shown)], subset_note(len(shown), len(totals), "quoted words")
    table = _stacked_shares(voices, by, "speaker_group", "quoted_word_share")
    if ax is None:
        ax = new_axes(11.0, max(3.0, 0.5 * len(table) + 1.6))
    stacked_bars(ax, table, row_labels=[f"{wrap(group)}\n({totals[group]} quoted words)" for group in table.index],
                 colours=category_colours(table.columns), min_label=9, edgecolor="#666666",
                 labels={name: str(name) for name in table.columns})
    with house_style():
        ax.set_xlabel("share of quoted words (%)")
        # Beside the bars, one entry a line: above them, a long list of speaker groups ran into the title.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9, title="speaker group",
                  alignment="left")
    fit_title(ax, "Whose words are quoted", note)
    return ax


def _cluster_order(similarity: np.ndarray) -> list[int]:
    """The leaf order of average-linkage clustering on 1 - similarity (a missing pair counts as unlike), so that
    alike groups sit side by side; merges the closest two clusters first, ties by position: deterministic."""
    distance = 1 - np.where(np.isfinite(similarity), similarity, 0.0)
    clusters = [[index] for index in range(len(distance))]
    while len(clusters) > 1:
        _, first, second = min((distance[np.ix_(a, b)].mean(), i, j) for i, a in enumerate(clusters)
                                for j, b in enumerate(clusters) if i < j)
        clusters[first] = clusters[first] + clusters.pop(second)
    return clusters[0] if clusters else []


def plot_similarity(groups: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 20, ax=None):
    """Heatmap of mean TF-IDF cosine similarity between groups' articles, every cell with its value and the
    article pairs behind it; rows and columns in the order of an average-linkage clustering, so that alike groups
    sit together. Colours span 0 to a little above the largest similarity between different groups.

    Parameters
    ----------
    groups : table from group_similarity (`<by>_a`, `<by>_b`, `similarity`, `pairs`).
    by : the group column.
    max_groups : with more groups, the ones with the most article pairs are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying so when there is no pair of articles).
    """
    by = one_group_column(by, "plot_similarity")
    title = ("How alike the articles are: mean pairwise similarity (article pairs in brackets; blank = no pair; "
             "ordered by clustering)")
    if groups.empty:
        return empty_plot(ax, title, "only one article: similarity needs a pair of articles", size=(6.4, 2.6))
    every = sorted(set(groups[f"{by}_a"]) | set(groups[f"{by}_b"]))
    sizes = groups.groupby(f"{by}_a")["pairs"].sum().reindex(every, fill_value=0)
    shown = largest_groups(sizes, max_groups)
    note = subset_note(len(shown), len(every), "article pairs")
    pivot = {column: groups.pivot(index=f"{by}_a", columns=f"{by}_b", values=column).reindex(index=shown, columns=shown)
             for column in ("similarity", "pairs")}
    order = [shown[index] for index in _cluster_order(pivot["similarity"].to_numpy(dtype=float))]
    values, pairs = (pivot[column].reindex(index=order, columns=order).to_numpy(dtype=float) for column in ("similarity", "pairs"))
    if ax is None:
        side = max(5.0, 0.5 * len(order) + 3.0)
        ax = new_axes(side + 1.4, side)
    text = [[f"{value:.2f}\n({int(n)})" if value == value else "" for value, n in zip(value_row, pairs_row)]
            for value_row, pairs_row in zip(values, pairs)]
    # Between-group similarities are small; a scale up to 1 would paint them all the same pale blue. The diagonal
    # (within a group) may run past the scale's top and is drawn in its darkest colour.
    between = values[~np.eye(len(order), dtype=bool) & np.isfinite(values)]
    vmax = max(float(between.max()) if between.size else float(np.nanmax(values, initial=0)), 0.01) * 1.15
    labels = [wrap(name, 18) for name in order]
    image = annotated_heatmap(ax, values, text, rows=labels, columns=labels, vmin=0, vmax=vmax, fontsize=7.5,
                              column_rotation=45, aspect="equal")
    with house_style():
        ax.figure.colorbar(image, ax=ax, shrink=0.7, extend="max").set_label("cosine similarity of TF-IDF vectors")
    fit_title(ax, title, note, pad=12)
    return ax
