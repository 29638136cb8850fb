"""Plots of notebook 01: what cleaning removed, own voice vs quotation, and coverage over time."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.ticker import MaxNLocator

from analysis.plots.parts import (
    LABEL_WIDTH,
    annotated_heatmap,
    category_colours,
    empty_plot,
    largest_groups,
    new_axes,
    one_group_column,
    own_line,
    stacked_bars,
    subset_note,
    wrap,
)
from analysis.plots.style import OWN_VOICE, QUOTED, RESIDUAL_GREYS, house_style

OTHER_GROUPS = "other groups"
#: Past this many groups, plot_removals and plot_voice show those with the most removed lines and the most words.
CORPUS_GROUPS = 30
#: Past this many rules, plot_removals pools the rules that removed the fewest lines into one column.
REMOVAL_RULES = 20
#: The largest figure plot_removals makes, in inches (wide, tall): a page.
PAGE = (16.0, 20.0)


def removal_groups(counts: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = CORPUS_GROUPS) -> list:
    """The groups plot_removals shows, in name order: past `max_groups`, those with the most removed lines."""
    return largest_groups(counts.groupby(by)["n"].sum(), max_groups)


def voice_groups(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = CORPUS_GROUPS) -> list:
    """The groups plot_voice shows, in name order: past `max_groups`, those with the most words."""
    return largest_groups(shares.set_index(by)["words"], max_groups)


def plot_removals(counts: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = CORPUS_GROUPS,
                  max_rules: int | None = REMOVAL_RULES, ax=None):
    """Heatmap of lines removed by cleaning per group and rule, with the count in each cell.

    Parameters
    ----------
    counts : table from count_removals (`<by>`, `rule`, `n`); groups with no
        removed line have no row in it and are not drawn.
    by : the group column.
    max_groups : with more groups, the ones with the most removed lines are shown (the title says how many).
    max_rules : with more than one rule beyond it, the rules that removed the fewest lines in the groups shown
        are pooled into "other rules (k)", the last rule (column, or row when rules go down the page); the
        colour scale is set by the other cells, so the pooled count does not wash them out.
    ax : Axes to draw on (default: a new figure sized to the table, at most a page, PAGE).

    The longer of the two dimensions goes down the page so that labels stay
    horizontal (groups go down whenever across they would not fit a page's width); with no removed line the
    Axes says so. Returns the Axes.
    """
    by = one_group_column(by, "plot_removals")
    title = "Lines removed by cleaning (number of lines per cell)"
    if not counts["n"].sum():
        return empty_plot(ax, title, "no removals: cleaning removed no line from any article")
    shown = removal_groups(counts, by=by, max_groups=max_groups)
    losing = counts[by].nunique()  # count_removals has no row for a group that lost no line
    if len(shown) < losing:
        title += own_line(f"{len(shown)} of the {losing} groups that lost lines shown (those with the most removed lines)")
    grid = counts[counts[by].isin(shown)].pivot_table(index=by, columns="rule", values="n", aggfunc="sum", fill_value=0)
    grid = grid.loc[:, grid.sum().sort_values(ascending=False, kind="stable").index]
    scale = grid.to_numpy().max(initial=0)
    if max_rules is not None and grid.shape[1] > max_rules + 1:  # pooling one rule would only hide its name
        pooled = grid.iloc[:, max_rules:]
        grid = grid.iloc[:, :max_rules].assign(**{f"other rules ({pooled.shape[1]})": pooled.sum(axis=1)})
        scale = grid.iloc[:, :max_rules].to_numpy().max(initial=0)
    rules_down = grid.shape[1] > grid.shape[0] and 1.45 * grid.shape[0] + 3.0 <= PAGE[0]
    width = 16 if rules_down else LABEL_WIDTH
    group_labels = [
        f"{wrap(group, width)}\n({total} line{'s' if total != 1 else ''})" for group, total in grid.sum(axis=1).items()
    ]
    rule_labels = [rule.replace("_", " ") for rule in grid.columns]
    values = grid.to_numpy().T if rules_down else grid.to_numpy()
    row_labels, column_labels = (rule_labels, group_labels) if rules_down else (group_labels, rule_labels)
    if ax is None:
        width = max(6.5, (1.45 if rules_down else 0.62) * values.shape[1] + 3.0)
        height = max(2.8, (0.34 if rules_down else 0.55) * values.shape[0] + 2.0)
        ax = new_axes(min(width, PAGE[0]), min(height, PAGE[1]))
    text = np.vectorize(lambda n: str(n) if n else "", otypes=[object])(values) if values.size else values
    rotation = 0 if rules_down and values.shape[1] <= 6 else 40
    annotated_heatmap(ax, values, text, rows=row_labels, columns=column_labels, vmax=max(scale, 1) * 1.25,
                      fontsize=10, columns_on_top=rules_down, column_rotation=rotation)
    with house_style():
        ax.set_xlabel("" if rules_down else "rule that removed the line")
        ax.set_ylabel("rule that removed the line" if rules_down else "")
        ax.set_title(title, loc="left", pad=40 if rules_down else 12)
    return ax


def plot_voice(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = CORPUS_GROUPS, ax=None):
    """Horizontal bars: each group's body text split into own voice and quotation, with its n.

    Parameters
    ----------
    shares : table from voice_shares (`<by>`, `own_share`, `quoted_share`,
        `articles`, `sentences`, `words`).
    by : the group column.
    max_groups : with more groups, the ones with the most words are shown (the title says how many).
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_voice")
    shown = voice_groups(shares, by=by, max_groups=max_groups)
    table = shares[shares[by].isin(shown)].sort_values("quoted_share", ascending=True, kind="stable").reset_index(drop=True)
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
        ax.set_title("Own voice vs quotation in the article bodies"
                     + own_line(subset_note(len(shown), len(shares), "words")), loc="left", pad=28)
    return ax


def plot_coverage(coverage: pd.DataFrame, *, by: str = "outlet", event=None, max_groups: int = 6, ax=None):
    """Articles per period as stacked bars, one colour per group (the largest `max_groups`, the rest grey).

    Parameters
    ----------
    coverage : table from coverage_over_time (`<by>`, `period`, `articles`); rows with no
        `period` (undated articles) are counted in the title, not drawn (with none dated, the Axes says so).
    by : the group column.
    event : the event's date, drawn as a vertical line (None: no line).
    max_groups : groups given their own colour; the others are pooled as "other groups".
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_coverage")
    dated = coverage[coverage["period"].notna()]
    undated = int(coverage.loc[coverage["period"].isna(), "articles"].sum())
    sizes = dated.groupby(by)["articles"].sum()
    title = f"Articles per period by {by}: {int(sizes.sum())} dated, {undated} undated"
    if dated.empty:
        return empty_plot(ax, title, "no dated articles: coverage needs each article's date",
                          size=(9.5, 2.6))
    shown = largest_groups(sizes, max_groups)
    label = dated[by].where(dated[by].isin(shown), OTHER_GROUPS)
    grid = dated.assign(label=label).pivot_table(index="period", columns="label", values="articles", aggfunc="sum",
                                                 fill_value=0, observed=True)
    order = [group for group in shown if group in grid.columns] + ([OTHER_GROUPS] if OTHER_GROUPS in grid.columns else [])
    grid = grid[order]
    colours = category_colours([group for group in order if group != OTHER_GROUPS])
    colours[OTHER_GROUPS] = RESIDUAL_GREYS[0]
    periods = pd.DatetimeIndex(grid.index)
    gaps = np.diff(periods.values).astype("timedelta64[s]").astype(float) / 86400 if len(periods) > 1 else [1.0]
    width = 0.8 * max(min(gaps), 1 / 24)  # days; a bar starts where its period does and never touches the next
    if ax is None:
        ax = new_axes(9.5, 4.6)
    with house_style():
        bottom = np.zeros(len(grid))
        for group in order:
            ax.bar(periods, grid[group].to_numpy(), width=width, bottom=bottom, color=colours[group], align="edge",
                   edgecolor="white", linewidth=0.4, label=f"{wrap(group, 30)} ({int(sizes.get(group, 0)) if group != OTHER_GROUPS else int(sizes.drop(shown, errors='ignore').sum())})")
            bottom += grid[group].to_numpy()
        if event is not None:
            moment = pd.Timestamp(event)
            ax.axvline(moment, color="black", linewidth=1, linestyle="--")
            ax.annotate(f"event {moment:%Y-%m-%d}", (moment, 1), xycoords=("data", "axes fraction"),
                        xytext=(4, -4), textcoords="offset points", va="top", fontsize=9)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("articles per period")
        # minticks=3: a few days get a tick a day (the default 5 falls to hours and, past 4 days, finds no interval).
        locator = AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        note = subset_note(len(shown), len(sizes), "articles")
        ax.set_title(f"{title}{own_line(note)}", loc="left")
        ax.legend(title=f"{by} (articles)", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return ax
