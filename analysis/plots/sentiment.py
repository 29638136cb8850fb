"""Plots of notebook 03: sentence sentiment, sentiment toward actors, its drivers, the lexicon audit,
masking, and sentiment along the article."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    annotated_heatmap,
    empty_plot,
    facet,
    fit_suptitle,
    fit_title,
    interval_or_open_rows,
    largest_groups,
    legend_above,
    legend_no_interval,
    new_axes,
    no_interval,
    one_group_column,
    say_empty,
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
#: plot_sentence_sentiment shows at most this many groups by default (those with the most sentences).
SENTENCE_GROUPS = 25


def sentence_sentiment_groups(summary: pd.DataFrame, *, by: str = "outlet",
                              max_groups: int | None = SENTENCE_GROUPS) -> list:
    """The groups plot_sentence_sentiment shows, in name order: past `max_groups`, those with the most sentences
    (own voice and quoted); the Findings name these."""
    table = summary[summary["voice"].isin(["own", "quoted"])]
    return largest_groups(table.groupby(by)["sentences"].sum(), max_groups)


def _articles_label(articles) -> str:
    """'; 2 articles' after a group's sentence counts; '' where its articles are not counted."""
    return "" if articles is None or pd.isna(articles) else f"; {int(articles)} article{'' if articles == 1 else 's'}"


def _articles(table: pd.DataFrame, by: str) -> dict:
    """Each group's articles (of its "all" row where the table has voices), or {} when it does not count them."""
    if "articles" not in table.columns:
        return {}
    rows = table[table["voice"] == "all"] if "voice" in table.columns else table
    return dict(zip(rows[by], rows["articles"]))


def plot_sentence_sentiment(scored: pd.DataFrame, summary: pd.DataFrame, *, by: str = "outlet",
                            max_groups: int | None = SENTENCE_GROUPS, ax=None):
    """Every sentence's compound score as a point, own voice and quoted apart, with each mean and its 95% interval;
    a mean without an interval (`resampled` "none: ...", fewer than 5 articles) is an open diamond.

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
    groups = sorted(sentence_sentiment_groups(summary, by=by, max_groups=max_groups), reverse=True)
    note = subset_note(len(groups), table[by].nunique(), "sentences")
    if ax is None:
        ax = new_axes(9.5, (0.9 if len(groups) <= 10 else 0.62) * len(groups) + 1.8)
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
                    interval_or_open_rows(ax, [row + shift], stats["mean_compound"], stats["low"], stats["high"],
                                          without=no_interval(stats), colour="black", marker="D", markersize=5)
        counts = table.pivot(index=by, columns="voice", values="sentences")
        articles = _articles(summary, by)
        ax.set_yticks(range(len(groups)), [
            f"{wrap(group)}\n(n = {counts.at[group, 'own']} own, {counts.at[group, 'quoted']} quoted"
            f"{_articles_label(articles.get(group))})" for group in groups])
        ax.axvline(0, color="#999999", linewidth=0.8)
        for threshold in (-0.05, 0.05):
            ax.axvline(threshold, color="#cccccc", linewidth=0.6, linestyle=":")
        ax.set_xlim(-1.02, 1.02)
        ax.set_ylim(-0.6, len(groups) - 0.4)
        ax.set_xlabel("VADER compound score per sentence (−1 negative … +1 positive)")
        drawn = table[table[by].isin(groups) & (table["sentences"] > 0)]
        if not no_interval(drawn).all():  # no legend entry for a kind of mean the figure does not have
            ax.plot([], [], "D", color="black", label="mean with 95% interval over articles")
        legend_no_interval(ax, drawn, marker="D")
    # The open marker's long entry needs half the width.
    pad = legend_above(ax, columns=2 if no_interval(drawn).any() else 3)
    fit_title(ax, f"Sentence sentiment by {by}", note, pad=pad)
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

    Returns the Axes (saying so when no sentence names a target).
    """
    by = one_group_column(by, "plot_target_sentiment")
    value = "mean_score" if "mean_score" in targets.columns else "mean_compound"
    if value == "mean_score":
        # Two lines: on one, the label outgrew a five-row figure's colour bar and lost its first letters.
        label, title = ("mean score toward the target\n(p positive - p negative)",
                        "Sentiment toward each actor, by the target model (n = sentences)")
    else:
        label, title = ("mean compound of sentences naming the target",
                        "Sentiment of sentences that name each actor (n = sentences)")
    if not targets["sentences"].sum():
        return empty_plot(ax, title, "no matches: no sentence names any of these actors")
    table, note = shown_rows(targets, by, targets.groupby(by)["sentences"].sum(), max_groups, "sentences")
    order = list(dict.fromkeys(table["target"]))
    means = table.pivot(index=by, columns="target", values=value).reindex(columns=order)
    counts = table.pivot(index=by, columns="target", values="sentences").reindex(columns=order)
    text = [[f"{mean:+.2f}\n(n = {int(n)})" if n else "–" for mean, n in zip(mean_row, count_row)]
            for mean_row, count_row in zip(means.to_numpy(dtype=float), counts.to_numpy())]
    if ax is None:
        ax = new_axes(max(7.5, 1.15 * len(order) + 3.2), max(2.8, 0.5 * len(means) + 1.9))
    image = annotated_heatmap(ax, np.nan_to_num(means.to_numpy(dtype=float)), text, rows=[wrap(g) for g in means.index],
                              columns=[wrap(target, 12) for target in order], cmap=DIVERGING, vmin=-1, vmax=1)
    with house_style():
        ax.figure.colorbar(image, ax=ax, shrink=0.8).set_label(label)
    fit_title(ax, title, note, pad=34)
    return ax


@house_style()
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

    Returns the Figure (one panel saying so when no word of the corpus carries a VADER valence).
    """
    by = one_group_column(by, "plot_drivers_grid")
    sizes = drivers.groupby(by)["n"].sum()
    groups = largest_groups(sizes, max_groups)
    note = subset_note(len(groups), len(sizes), "scored words")
    fig, axes = facet(plot_drivers, drivers, panel="group", values=groups, columns=columns,
                      size=(3.7, 0.28 * 2 * top + 1.0), sharey=False, by=by, top=top)
    if not groups:
        say_empty(axes[0], "no scored words: VADER gives none of the corpus's words a valence")
    fit_suptitle(fig, f"Words that drive the sentiment of each {by}\n(negative in vermillion, positive in blue; "
                      "occurrences in brackets)", note)
    return fig


def plot_lexicon_audit(audit: pd.DataFrame, *, ax=None):
    """How VADER scores the study's key terms: one bar per term (its VADER valence);
    terms VADER does not know are marked at 0 with "not in VADER".

    Parameters
    ----------
    audit : rows of lexicon_audit to show (e.g. the terms found in the corpus and the blind spots).
    ax : Axes to draw on (default: a new figure).

    Returns the Axes; its title says so when none of the rows was `found` in the corpus.
    """
    title = "How VADER scores the study's key terms"
    if audit.empty:
        return empty_plot(ax, title, "no key terms to show")
    # The blind spots are shown whatever the corpus holds: say when they are all there is.
    note = ("none of the key terms occurs in the corpus: only the blind spots the references name"
            if "found" in audit.columns and not (audit["found"] > 0).any() else "")
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
    fit_title(ax, title, note)
    return ax


def plot_masking(comparison: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 30, ax=None):
    """Each group's mean compound as written and with its framing terms masked, with 95% intervals (open markers:
    no interval, fewer than 5 articles), one row per group from the most negative after masking down; on the right
    each group's rank before and after (#1 = most negative).

    Parameters
    ----------
    comparison : table from compare_masked.
    by : the group column.
    max_groups : with more groups, the ones with the most sentences are shown (ranks stay those among all).
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_masking")
    table, note = shown_rows(comparison, by, comparison.set_index(by)["sentences"], max_groups, "sentences")
    # Row 0 is drawn at the bottom: the least negative after masking there, rank #1 on top.
    table = table.sort_values(["mean_masked", by], ascending=[False, False], kind="stable").reset_index(drop=True)
    without = no_interval(table)
    rows = np.arange(len(table))
    if ax is None:
        ax = new_axes(10.0, max(3.0, 0.36 * len(table) + 2.2))
    for shift, centre, low, high, colour, marker, label in (
            (0.14, "mean_compound", "low", "high", OWN_VOICE, "o", "as written"),
            (-0.14, "mean_masked", "low_masked", "high_masked", QUOTED, "D", "framing terms masked")):
        interval_or_open_rows(ax, rows + shift, table[centre], table[low], table[high], without=without,
                              colour=colour, marker=marker, markersize=5, linewidth=1.2, label=label)
    legend_no_interval(ax, table)
    with house_style():
        for row, record in table.iterrows():  # one row per group: ranks in a column beside the Axes, never on the data
            ax.annotate(f"#{record['rank']} → #{record['rank_masked']}", xy=(1, row), xycoords=("axes fraction", "data"),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=9)
        articles = _articles(table, by)
        ax.set_yticks(rows, [f"{wrap(group)} (n = {n}{_articles_label(articles.get(group))})"
                             for group, n in zip(table[by], table["sentences"])])
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_xlabel("mean compound per sentence (95% interval over articles)")
    pad = legend_above(ax, columns=2)
    fit_title(ax, "Does the ranking survive without the framing words?\n"
                  "(ranks on the right: as written → masked; #1 = most negative)", note, pad=pad)
    return ax


#: Point areas (pt²) in plot_sentiment_position: bounded, so that a large bin never hides its neighbours or its value.
POINT_AREA = (12.0, 60.0)


@house_style()
def plot_sentiment_position(positions: pd.DataFrame, *, group, by: str = "outlet", ax=None):
    """One group's mean compound along the article, the value above each bin's point and the sentences in the
    bin below it; point area grows with the sentences, up to a bound (relative to the largest bin in `positions`).

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
    largest = max(int(positions["sentences"].max()), 1)
    smallest, biggest = POINT_AREA
    if ax is None:
        ax = new_axes(4.0, 3.0)
    ax.plot(rows["position"], rows["mean_compound"], color=OWN_VOICE, linewidth=1.2)
    ax.scatter(rows["position"], rows["mean_compound"], s=smallest + (biggest - smallest) * rows["sentences"] / largest,
               color=OWN_VOICE, zorder=3)
    for x, y, n in zip(rows["position"], rows["mean_compound"], rows["sentences"]):
        ax.annotate(f"{y:+.2f}", (x, y), xytext=(0, 7), textcoords="offset points", ha="center", va="bottom",
                    fontsize=8)
        ax.annotate(f"{n}", (x, y), xytext=(0, -7), textcoords="offset points", ha="center", va="top",
                    fontsize=7, color="#666666")
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
    fig, axes = facet(plot_sentiment_position, positions, panel="group", values=groups, columns=columns,
                      size=(3.0, 2.4), by=by)
    if groups:
        with house_style():
            axes[0].set_ylabel("mean compound")
    else:
        say_empty(axes[0], "no body sentences to place along an article")
    fit_suptitle(fig, "Sentiment along the article, start (0) to end (1): mean compound above each point, "
                      "sentences in the bin below it (point size grows with them)", note)
    return fig
