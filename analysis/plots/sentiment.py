"""Plots of notebook 03: sentence sentiment, sentiment toward actors, its drivers, the lexicon audit,
masking, and sentiment along the article."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    annotated_heatmap,
    facet_grid,
    interval_rows,
    largest_groups,
    new_axes,
    one_group_column,
    own_line,
    shown_rows,
    subset_note,
    wrap,
)
from analysis.plots.style import (
    DIVERGING,
    NEGATIVE_COLOUR,
    OWN_VOICE,
    POSITIVE_COLOUR,
    QUOTED,
    house_style,
)

VOICES = (("own", OWN_VOICE, 0.18, "own voice"), ("quoted", QUOTED, -0.18, "quoted (≥ half the sentence)"))


def plot_sentence_sentiment(scored: pd.DataFrame, summary: pd.DataFrame, *, by: str = "outlet",
                            max_groups: int | None = 25, ax=None):
    """Every sentence's compound score as a point, own voice and quoted apart, with each mean and its 95% interval.

    Parameters
    ----------
    scored : table from score_sentences (needs `compound`, `voice` and the `by` column).
    summary : summarize_sentiment of the same table.
    by : the group column.
    max_groups : with more groups, the ones with the most sentences are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_sentence_sentiment")
    table = summary[summary["voice"].isin(["own", "quoted"])]
    sizes = table.groupby(by)["sentences"].sum()
    groups = sorted(largest_groups(sizes, max_groups), reverse=True)
    note = subset_note(len(groups), len(sizes), "sentences")
    if ax is None:
        ax = new_axes(9.5, 0.9 * len(groups) + 1.6)
    rng = np.random.default_rng(0)  # jitter only: fixed so the figure is byte-identical on re-runs
    with house_style():
        for row, group in enumerate(groups):
            for voice, colour, shift, label in VOICES:
                in_voice = scored[(scored[by] == group) & (scored["voice"] == voice)]
                jitter = rng.uniform(-0.08, 0.08, len(in_voice))
                ax.scatter(in_voice["compound"], row + shift + jitter, s=14, color=colour, alpha=0.55, linewidths=0,
                           label=label if row == 0 else None)
                stats = table[(table[by] == group) & (table["voice"] == voice) & (table["sentences"] > 0)]
                if len(stats):
                    interval_rows(ax, [row + shift], stats["mean_compound"], stats["low"], stats["high"],
                                  colour="black", marker="D", markersize=5)
        counts = table.pivot(index=by, columns="voice", values="sentences")
        ax.set_yticks(range(len(groups)), [
            f"{wrap(group)}\n(n = {counts.at[group, 'own']} own, {counts.at[group, 'quoted']} quoted)" for group in groups])
        ax.axvline(0, color="#999999", linewidth=0.8)
        for threshold in (-0.05, 0.05):
            ax.axvline(threshold, color="#cccccc", linewidth=0.6, linestyle=":")
        ax.set_xlim(-1.02, 1.02)
        ax.set_xlabel("VADER compound score per sentence (−1 negative … +1 positive)")
        ax.plot([], [], "D", color="black", label="mean with 95% interval")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False)
        ax.set_title(f"Sentence sentiment by {by}{note}", loc="left", pad=30)
    return ax


def plot_target_sentiment(targets: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 30, ax=None):
    """Heatmap: sentiment toward each target per group, with n in every cell: the mean compound of the sentences
    that name it (target_sentiment, method "vader") or the model's mean score toward it (method "model").

    Parameters
    ----------
    targets : table from target_sentiment (its `mean_compound` or `mean_score` column is drawn).
    by : the group column.
    max_groups : with more groups, the ones with the most sentences are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_target_sentiment")
    value = "mean_score" if "mean_score" in targets.columns else "mean_compound"
    table, note = shown_rows(targets, by, targets.groupby(by)["sentences"].sum(), max_groups, "sentences")
    order = list(dict.fromkeys(table["target"]))
    means = table.pivot(index=by, columns="target", values=value).reindex(columns=order)
    counts = table.pivot(index=by, columns="target", values="sentences").reindex(columns=order)
    text = [[f"{mean:+.2f}\n(n = {int(n)})" if n else "–" for mean, n in zip(mean_row, count_row)]
            for mean_row, count_row in zip(means.to_numpy(dtype=float), counts.to_numpy())]
    if ax is None:
        ax = new_axes(max(6.5, 1.15 * len(order) + 3.2), max(2.8, 0.5 * len(means) + 1.9))
    image = annotated_heatmap(ax, np.nan_to_num(means.to_numpy(dtype=float)), text, rows=[wrap(g) for g in means.index],
                              columns=[wrap(target, 12) for target in order], cmap=DIVERGING, vmin=-1, vmax=1)
    with house_style():
        if value == "mean_score":
            label, title = ("mean score toward the target (p positive - p negative)",
                            "Sentiment toward each actor, by the target model (n = sentences)")
        else:
            label, title = ("mean compound of sentences naming the target",
                            "Sentiment of sentences that name each actor (n = sentences)")
        ax.figure.colorbar(image, ax=ax, shrink=0.8).set_label(label)
        ax.set_title(f"{title}{own_line(note)}", loc="left", pad=34)
    return ax


def plot_drivers(drivers: pd.DataFrame, *, group, by: str = "outlet", top: int = 6, ax=None):
    """One group's words that add most to its negative and to its positive VADER scores.

    Parameters
    ----------
    drivers : table from sentiment_drivers.
    group : the group to draw.
    by : the group column.
    top : words on each side.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_drivers")
    rows = drivers[drivers[by] == group]
    negative = rows[rows["contribution"] < 0].nsmallest(top, "contribution", keep="first")
    positive = rows[rows["contribution"] > 0].nlargest(top, "contribution", keep="first")
    both = pd.concat([positive.iloc[::-1], negative.iloc[::-1]])
    if ax is None:
        ax = new_axes(4.5, 0.28 * 2 * top + 1.3)
    with house_style():
        colours = [NEGATIVE_COLOUR if value < 0 else POSITIVE_COLOUR for value in both["contribution"]]
        ax.barh(range(len(both)), both["contribution"], color=colours)
        ax.set_yticks(range(len(both)), [f"{word} ({n}×)" for word, n in zip(both["word"], both["n"])])
        ax.axvline(0, color="#666666", linewidth=0.8)
        ax.set_title(wrap(group, 30), fontsize=11)
        ax.set_xlabel("summed VADER valence")
    return ax


def plot_drivers_grid(drivers: pd.DataFrame, *, by: str = "outlet", top: int = 6, max_groups: int | None = 12,
                      columns: int = 3):
    """One panel per group (plot_drivers): the `max_groups` groups with the most scored words.

    Parameters
    ----------
    drivers : table from sentiment_drivers.
    by : the group column.
    top : words on each side per panel.
    max_groups : the most groups shown.
    columns : panels per row.

    Returns the Figure.
    """
    by = one_group_column(by, "plot_drivers_grid")
    sizes = drivers.groupby(by)["n"].sum()
    groups = largest_groups(sizes, max_groups)
    note = subset_note(len(groups), len(sizes), "scored words")
    fig, axes = facet_grid(len(groups), columns, 3.7, 0.28 * 2 * top + 1.0, sharey=False)
    for ax, group in zip(axes, groups):
        plot_drivers(drivers, group=group, by=by, top=top, ax=ax)
    with house_style():
        fig.suptitle(f"Words that drive the sentiment of each {by}{note}\n(negative in vermillion, positive in blue; "
                     "occurrences in brackets)", x=0.01, ha="left")
    return fig


def plot_lexicon_audit(audit: pd.DataFrame, *, ax=None):
    """How VADER scores the study's key terms: one bar per term (its VADER valence);
    terms VADER does not know are marked at 0 with "not in VADER".

    Parameters
    ----------
    audit : rows of lexicon_audit to show (e.g. the terms found in the corpus and the blind spots).
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    table = audit.assign(label=audit["pattern"] + "  [" + audit["family"] + "]")
    table = table.sort_values(["valence", "label"], kind="stable").reset_index(drop=True)
    if ax is None:
        ax = new_axes(9.0, 0.3 * len(table) + 1.6)
    with house_style():
        colours = [NEGATIVE_COLOUR if v < 0 else POSITIVE_COLOUR for v in table["valence"]]
        ax.barh(range(len(table)), table["valence"], color=colours)
        for row, record in table.iterrows():
            if not record["in_vader"]:
                ax.text(0.1, row, "not in VADER (scores 0)", va="center", fontsize=9, color="#444444")
            elif record.get("missing") and " " not in record["pattern"]:  # an unscored form of a scored word
                side = 0.1 if record["valence"] < 0 else -0.1
                ax.text(side, row, f"but {record['missing']} = 0", va="center", fontsize=9, color="#444444",
                        ha="left" if side > 0 else "right")
        ax.set_yticks(range(len(table)), table["label"])
        ax.set_ylim(-0.7, len(table) - 0.3)
        ax.axvline(0, color="#666666", linewidth=0.8)
        ax.set_xlim(-4, 4)
        ax.set_xlabel("VADER lexicon valence (−4 … +4)")
        ax.set_title("How VADER scores the study's key terms", loc="left")
    return ax


def plot_masking(comparison: pd.DataFrame, *, by: str = "outlet", max_labels: int = 12, ax=None):
    """Each group's mean compound with its framing terms (left) and with them masked (right), with 95% intervals;
    the labels give each group's rank before and after (#1 = most negative).

    Parameters
    ----------
    comparison : table from compare_masked.
    by : the group column.
    max_labels : with more groups, only those with the most sentences are labelled.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_masking")
    table = comparison.sort_values("mean_masked", kind="stable").reset_index(drop=True)
    if ax is None:
        ax = new_axes(9.0, min(10.0, max(3.8, 0.45 * len(table) + 2.2)))
    for x, centre, low, high, colour in ((0, "mean_compound", "low", "high", OWN_VOICE),
                                         (1, "mean_masked", "low_masked", "high_masked", QUOTED)):
        interval_rows(ax, np.full(len(table), x), table[centre], table[low], table[high], colour=colour,
                      linewidth=1, vertical=True)
    with house_style():
        for _, record in table.iterrows():
            ax.plot([0, 1], [record["mean_compound"], record["mean_masked"]], color="#888888", linewidth=1)
        values = np.concatenate([table[c].to_numpy(dtype=float) for c in ("low", "high", "low_masked", "high_masked")])
        bottom, top = np.nanmin(values, initial=0) - 0.05, np.nanmax(values, initial=0) + 0.05
        # Label every group when few; with many, the `max_labels` with the most sentences.
        labelled = table if len(table) <= max_labels else table.nlargest(max_labels, "sentences", keep="first")
        labelled = labelled.sort_values("mean_masked", kind="stable")
        gap = (top - bottom) / max(len(labelled) + 1, 16)
        label_y = -np.inf
        for _, record in labelled.iterrows():  # labels in the order of the masked means, pushed apart
            label_y = max(record["mean_masked"], label_y + gap)
            ax.annotate(f"{record[by]}: #{record['rank']} → #{record['rank_masked']} (n = {record['sentences']})",
                        xy=(1, record["mean_masked"]), xytext=(1.12, label_y), va="center", fontsize=9,
                        arrowprops={"arrowstyle": "-", "color": "#bbbbbb", "linewidth": 0.6})
        ax.set_ylim(bottom, max(top, label_y + gap))
        if len(labelled) < len(table):
            ax.text(1.12, bottom, f"labels: the {len(labelled)} of {len(table)} groups with most sentences",
                    fontsize=8, color="#555555", va="bottom")
        ax.axhline(0, color="#cccccc", linewidth=0.8)
        ax.set_xticks([0, 1], ["as written", "framing terms masked"])
        ax.set_xlim(-0.3, 2.6)
        ax.set_ylabel("mean compound per sentence (95% interval)")
        ax.set_title("Does the ranking survive without the framing words? (rank #1 = most negative)", loc="left")
    return ax


def plot_sentiment_position(positions: pd.DataFrame, *, group, by: str = "outlet", ax=None):
    """One group's mean compound along the article; point size = sentences in the bin.

    Parameters
    ----------
    positions : table from sentiment_by_position.
    group : the group to draw.
    by : the group column.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_sentiment_position")
    rows = positions[positions[by] == group]
    if ax is None:
        ax = new_axes(4.0, 3.0)
    with house_style():
        ax.plot(rows["position"], rows["mean_compound"], color=OWN_VOICE, linewidth=1.2)
        ax.scatter(rows["position"], rows["mean_compound"], s=12 * rows["sentences"], color=OWN_VOICE, zorder=3)
        ax.axhline(0, color="#cccccc", linewidth=0.8)
        ax.set_ylim(-1, 1)
        ax.set_xlim(0, 1)
        ax.set_title(f"{wrap(group, 26)} (n = {int(rows['sentences'].sum())})", fontsize=10)
        ax.set_xlabel("position in the body")
    return ax


def plot_sentiment_position_grid(positions: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 12,
                                 columns: int = 4):
    """One panel per group (plot_sentiment_position): the `max_groups` groups with the most sentences.

    Parameters
    ----------
    positions : table from sentiment_by_position.
    by : the group column.
    max_groups : the most groups shown.
    columns : panels per row.

    Returns the Figure.
    """
    by = one_group_column(by, "plot_sentiment_position_grid")
    sizes = positions.groupby(by)["sentences"].sum()
    groups = largest_groups(sizes, max_groups)
    note = subset_note(len(groups), len(sizes), "sentences")
    fig, axes = facet_grid(len(groups), columns, 3.0, 2.4)
    for ax, group in zip(axes, groups):
        plot_sentiment_position(positions, group=group, by=by, ax=ax)
    with house_style():
        axes[0].set_ylabel("mean compound")
        fig.suptitle(f"Sentiment along the article: start (0) to end (1){note}; point size = sentences", x=0.01, ha="left")
    return fig
