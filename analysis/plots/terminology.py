"""Plots of notebook 02: rates of the study's terms, label and vocabulary counts, spellings, distinctive words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.plots.parts import (
    annotated_heatmap,
    concept_title,
    empty_plot,
    facet,
    facet_grid,
    fit_suptitle,
    fit_title,
    interval_or_open_rows,
    largest_groups,
    legend_no_interval,
    new_axes,
    no_interval,
    one_group_column,
    say_empty,
    shown_rows,
    subset_note,
    wrap,
)
from analysis.plots.style import OWN_VOICE, QUOTED, house_style

#: What an Axes says when none of its lexicon's terms occurs in the corpus.
NO_MATCHES = "no matches: none of these terms occurs in the corpus"

VOICES = (("own", OWN_VOICE, "o", 0.15, "own voice"), ("quoted", QUOTED, "D", -0.15, "inside quotation marks"))
#: plot_term_rates_grid shows at most this many groups by default (those with the most words).
TERM_RATE_GROUPS = 20


def term_rate_groups(rates: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = TERM_RATE_GROUPS) -> list:
    """The groups plot_term_rates_grid shows, in name order: past `max_groups`, those with the most words (own
    voice and quoted); the Findings name these."""
    return largest_groups(rates.drop_duplicates([by, "voice"]).groupby(by)["words"].sum(), max_groups)


def _rate_rows(rates: pd.DataFrame, by: str) -> tuple[list, list[str]]:
    """The groups of a term_rates table from the bottom up, and their labels with the words behind each rate."""
    groups = sorted(rates[by].unique(), reverse=True)
    words = rates.drop_duplicates([by, "voice"]).pivot(index=by, columns="voice", values="words")
    width = 24 if len(groups) <= 10 else 44  # many rows: one line for the name, one for the words
    return groups, [f"{wrap(group, width)}\n({words.at[group, 'own']} + {words.at[group, 'quoted']} q. words)"
                    for group in groups]


def plot_term_rates(rates: pd.DataFrame, *, family: str, by: str = "outlet", labels: bool = True, ax=None):
    """One term family's rate per 1,000 words in each group, own voice and quoted side by side, with 95% intervals;
    an open marker where the group has none (`resampled` "none: ...", fewer than 5 articles).

    Parameters
    ----------
    rates : table from term_rates.
    family : the family to draw.
    by : the group column.
    labels : write the group labels on the y axis.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes; its title gives the matches behind the rates.
    """
    by = one_group_column(by, "plot_term_rates")
    groups, row_labels = _rate_rows(rates, by)
    rows = rates[rates["family"] == family]
    if ax is None:
        ax = new_axes(6.5, 0.42 * len(groups) + 1.6)
    positions = {group: i for i, group in enumerate(groups)}
    for voice, colour, marker, shift, label in VOICES:
        part = rows[rows["voice"] == voice]
        interval_or_open_rows(ax, part[by].map(positions) + shift, part["per_1k"], part["low"], part["high"],
                              without=no_interval(part), colour=colour, marker=marker, label=label)
    legend_no_interval(ax, rows, what="rate")
    with house_style():
        own_n = int(rows.loc[rows["voice"] == "own", "n"].sum())
        quoted_n = int(rows.loc[rows["voice"] == "quoted", "n"].sum())
        ax.set_title(f"{family}\n(n = {own_n} own, {quoted_n} quoted)", fontsize=11)
        # Many rows: a smaller font keeps each two-line label clear of the next.
        ax.set_yticks(range(len(groups)), row_labels if labels else [""] * len(groups),
                      fontsize=9 if len(groups) > 10 else 10)
        # With one or two groups the autoscaled limits put the rows' points on the frame: keep room either side.
        low, high = ax.get_ylim()
        ax.set_ylim(min(low, -0.35), max(high, len(groups) - 0.65))
        ax.set_xlim(left=0)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_xlabel("per 1,000 words")
    return ax


def plot_term_rates_grid(rates: pd.DataFrame, *, by: str = "outlet", concept: str = "event", columns: int = 4,
                         max_groups: int | None = 20):
    """One panel per term family of `concept` (plot_term_rates); families no group uses are left out, and with
    more than `max_groups` groups the ones with the most words are shown.

    Parameters
    ----------
    rates : table from term_rates.
    by : the group column.
    concept : the concept whose families get a panel each.
    columns : panels per row.
    max_groups : the most groups shown.

    Returns the Figure.
    """
    by = one_group_column(by, "plot_term_rates_grid")
    table = rates[rates["concept"] == concept]
    shown = term_rate_groups(table, by=by, max_groups=max_groups)
    table, note = table[table[by].isin(shown)], subset_note(len(shown), table[by].nunique())
    used = table.groupby("family", sort=False)["n"].sum()
    families = [family for family in dict.fromkeys(table["family"]) if used.get(family, 0) > 0]
    groups = table[by].nunique()
    fig, axes = facet(plot_term_rates, table, panel="family", values=families, columns=columns,
                      size=(2.9, (0.42 if groups <= 10 else 0.38) * groups + 0.9), by=by)
    with house_style():
        if families:
            handles, legend_labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, legend_labels, loc="outside lower center", ncols=len(handles), frameon=False)
        else:
            say_empty(axes[0], NO_MATCHES)
    fit_suptitle(fig, f"{concept_title(concept)}: matches per 1,000 words of own voice and of quotation\n"
                      "(95% bootstrap interval over articles; words behind each rate on the left)", note)
    return fig


def plot_family_counts(totals: pd.DataFrame, *, by: str = "outlet", concept: str = "label", max_groups: int | None = 30,
                       ax=None):
    """Heatmap of one concept's families per group: colour = matches per 1,000 words,
    cell text = number of matches (quoted ones in brackets).

    Parameters
    ----------
    totals : table from family_totals.
    by : the group column.
    concept : the concept whose families are the columns.
    max_groups : with more groups, the ones with the most words are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying "no matches" when no family of `concept` occurs).
    """
    by = one_group_column(by, "plot_family_counts")
    table = totals[totals["concept"] == concept]
    title = f"{concept_title(concept)}: number of matches (colour: per 1,000 words)"
    if not table["n"].sum():
        return empty_plot(ax, title, NO_MATCHES)
    words = table.drop_duplicates(by).set_index(by)["words"]
    table, note = shown_rows(table, by, words, max_groups)
    order = list(dict.fromkeys(table["family"]))
    counts, rates, quoted = (table.pivot(index=by, columns="family", values=column).reindex(columns=order)
                             for column in ("n", "per_1k", "n_quoted"))
    text = [[f"{int(n)}" + (f"\n({int(q)} quoted)" if q else "") if n else ""
             for n, q in zip(count_row, quoted_row)] for count_row, quoted_row in zip(counts.to_numpy(), quoted.to_numpy())]
    if ax is None:
        ax = new_axes(max(7.5, 1.25 * len(order) + 3.2), max(2.6, 0.45 * len(counts) + 1.8))
    values = rates.to_numpy(dtype=float)
    annotated_heatmap(ax, values, text, rows=[f"{wrap(group)}\n({words[group]} words)" for group in counts.index],
                      columns=[wrap(family, 14) for family in order],
                      vmax=max(np.nanmax(values, initial=0), 1e-9) * 1.3)
    fit_title(ax, title, note, pad=34)
    return ax


def plot_name_variants(variants: pd.DataFrame, *, by: str = "outlet", entities=None, min_variants: int = 2,
                       max_groups: int | None = 30, ax=None):
    """The spelling fingerprint: how often each group uses each spelling of an entity
    (cell text = mentions, colour = share of that entity's mentions in the group).

    Parameters
    ----------
    variants : table from name_variants.
    by : the group column.
    entities : the entities to show (default: every entity written in at least `min_variants` ways).
    min_variants : the fewest spellings an entity needs to be shown by default.
    max_groups : with more groups, the ones with the most mentions are shown.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes (saying "no matches" when none of the entities is mentioned).
    """
    by = one_group_column(by, "plot_name_variants")
    if entities is None:
        spread = variants.groupby("entity")["variant"].nunique()
        entities = spread[spread >= min_variants].index
    keep = variants[variants["entity"].isin(list(entities))]
    title = (f"Which spelling each {by} uses: mentions (colour: share of the entity's mentions; "
             f"each {by}'s total in brackets)")
    if keep.empty:
        return empty_plot(ax, title, "no matches: none of these names occurs in the corpus")
    keep = keep.assign(column=keep["entity"] + ": " + keep["variant"])
    mentions = keep.groupby(by)["n"].sum()
    keep, note = shown_rows(keep, by, mentions, max_groups, "mentions")
    columns = sorted(keep["column"].unique())
    counts = keep.pivot(index=by, columns="column", values="n").reindex(columns=columns).fillna(0)
    shares = keep.pivot(index=by, columns="column", values="share").reindex(columns=columns).fillna(0)
    if ax is None:
        ax = new_axes(max(7.0, 0.42 * len(columns) + 3.5), max(2.8, 0.4 * len(counts) + 3.4))
    text = [[str(int(n)) if n else "" for n in row] for row in counts.to_numpy()]
    # Column labels on top, next to the title: with dozens of groups, labels at the bottom end up a page away.
    annotated_heatmap(ax, shares.to_numpy(), text, rows=[f"{wrap(group)} ({mentions[group]})" for group in counts.index],
                      columns=columns, vmax=1.25, column_rotation=60)
    with house_style():
        entity_of = [column.split(": ")[0] for column in columns]
        for x, (left, right) in enumerate(zip(entity_of, entity_of[1:])):
            if left != right:
                ax.axvline(x + 0.5, color="#555555", linewidth=1.0)
    fit_title(ax, title, note)
    return ax


@house_style()
def plot_keyness(scores: pd.DataFrame, *, group, by: str = "outlet", top: int = 8, ax=None):
    """One group's `top` most distinctive words by z-score (Monroe et al. 2008), with their counts.

    Parameters
    ----------
    scores : table from keyness.
    group : the group to draw.
    by : the group column.
    top : how many words.
    ax : Axes to draw on (default: a new figure).

    Returns the Axes.
    """
    by = one_group_column(by, "plot_keyness")
    best = scores[scores[by] == group].nlargest(top, "z", keep="first").iloc[::-1]
    if ax is None:
        ax = new_axes(4.5, 0.3 * top + 1.2)
    rows = np.arange(len(best))
    ax.barh(rows, best["z"], color=OWN_VOICE)
    ax.set_yticks(rows, [f"{term} ({n})" for term, n in zip(best["term"], best["n"])])
    ax.tick_params(axis="y", labelleft=True)
    ax.set_title(wrap(group, 30), fontsize=11)
    ax.set_xlabel("z (weighted log-odds)")
    ax.axvline(1.96, color="#999999", linewidth=0.8, linestyle="--")
    return ax


def plot_keyness_grid(scores: pd.DataFrame, *, by: str = "outlet", top: int = 8, groups: list | None = None,
                      max_groups: int | None = 12, columns: int = 3):
    """One panel per group (plot_keyness): by default the `max_groups` groups with the most words.

    Parameters
    ----------
    scores : table from keyness.
    by : the group column.
    top : words per panel.
    groups : the groups to show (default: the largest).
    max_groups : the most groups shown.
    columns : panels per row.

    Returns the Figure; with fewer than two groups one panel says there is nothing to set words against.
    """
    by = one_group_column(by, "plot_keyness_grid")
    sizes = scores.groupby(by)["n"].sum()
    title = "Most distinctive words of each group vs all others\n(count in brackets; dashed line: z = 1.96)"
    if len(sizes) < 2:
        # One group's words have no others to be set against: every z is 0, and bars of 0 would look like a result.
        fig, axes = facet_grid(1, 1, 6.0, 1.4)
        say_empty(axes[0], "only one group: no other group to set its words against" if len(sizes)
                  else "no words: the corpus has no content words")
        fit_suptitle(fig, title)
        return fig
    groups = list(groups) if groups is not None else largest_groups(sizes, max_groups)
    note = subset_note(len(groups), len(sizes))
    fig, axes = facet(plot_keyness, scores, panel="group", values=groups, columns=columns,
                      size=(3.6, 0.3 * top + 0.9), sharey=False, by=by, top=top)
    fit_suptitle(fig, title, note)
    return fig
