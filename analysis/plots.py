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
#: Figure titles for the shipped lexicon's concepts; other concepts are titled by name.
CONCEPT_TITLES = {
    "event": "Terms for the event",
    "label": "Labels for Soleimani",
    "legality": "Legality vocabulary",
    "escalation": "Escalation vocabulary",
}


def wrap(label, width: int = LABEL_WIDTH) -> str:
    """Wrap a long label onto several lines, between words or after a slash, never inside a word."""
    lines = textwrap.wrap(str(label).replace("/", "/ "), width, break_long_words=False)
    return "\n".join(line.replace("/ ", "/") for line in lines) or str(label)


def largest_groups(sizes: pd.Series, limit: int | None) -> list:
    """The `limit` groups with the largest sizes (ties by name), in name order: keeps many-outlet figures legible."""
    if limit is None or len(sizes) <= limit:
        return sorted(sizes.index)
    ranked = sizes.sort_index().sort_values(ascending=False, kind="stable")
    return sorted(ranked.index[:limit])


def _subset_note(shown: int, total: int) -> str:
    return "" if shown >= total else f" ({shown} of {total} groups with the most words)"


def _bare(ax) -> None:
    """A heatmap needs neither tick marks nor a frame."""
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def _shown(table: pd.DataFrame, by: str, sizes: pd.Series, max_groups: int | None) -> tuple[pd.DataFrame, str]:
    """The rows of the largest groups, and the note that says so when some are left out."""
    shown = largest_groups(sizes, max_groups)
    return table[table[by].isin(shown)], _subset_note(len(shown), len(sizes))


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


def _facet_grid(panels: int, columns: int, panel_width: float, panel_height: float, *, sharey: bool = True):
    columns = max(1, min(columns, panels))
    rows = int(np.ceil(panels / columns))
    with plt.rc_context(RC):
        fig, axes = plt.subplots(rows, columns, figsize=(panel_width * columns + 2.2, panel_height * rows + 1.0),
                                 squeeze=False, sharey=sharey, layout="constrained")
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    return fig, axes.flat[:panels]


def plot_term_rates(rates: pd.DataFrame, *, by: str = "outlet", concept: str = "event", columns: int = 4,
                    max_groups: int | None = 20):
    """One panel per term family of `concept`: each group's rate per 1,000 words with its 95% interval,
    own voice and quoted side by side. Families no group uses are left out; with
    more than `max_groups` groups, the ones with the most words are shown.

    `rates` is a table from term_rates. Returns the Figure (one Axes per family).
    """
    table = rates[rates["concept"] == concept]
    table, note = _shown(table, by, table.drop_duplicates([by, "voice"]).groupby(by)["words"].sum(), max_groups)
    used = table.groupby("family", sort=False)["n"].sum()
    families = [family for family in dict.fromkeys(table["family"]) if used.get(family, 0) > 0]
    groups = sorted(table[by].unique(), reverse=True)
    words = table.drop_duplicates([by, "voice"]).pivot(index=by, columns="voice", values="words")
    width = 24 if len(groups) <= 10 else 44  # many rows: one line for the name, one for the words
    labels = [f"{wrap(group, width)}\n({words.at[group, 'own']} + {words.at[group, 'quoted']} q. words)" for group in groups]
    fig, axes = _facet_grid(max(len(families), 1), columns, 2.9, (0.42 if len(groups) <= 10 else 0.36) * len(groups) + 0.9)
    positions = {group: i for i, group in enumerate(groups)}
    with plt.rc_context(RC):
        for ax, family in zip(axes, families):
            rows = table[table["family"] == family]
            for voice, color, marker, shift in (("own", OWN_VOICE, "o", 0.15), ("quoted", QUOTED, "D", -0.15)):
                part = rows[rows["voice"] == voice]
                y = part[by].map(positions) + shift
                ax.hlines(y, part["low"], part["high"], color=color, linewidth=1.6)
                ax.plot(part["per_1k"], y, marker, color=color, markersize=5.5, linestyle="none",
                        label="own voice" if voice == "own" else "inside quotation marks")
            own_n = int(rows.loc[rows["voice"] == "own", "n"].sum())
            quoted_n = int(rows.loc[rows["voice"] == "quoted", "n"].sum())
            ax.set_title(f"{family}\n(n = {own_n} own, {quoted_n} quoted)", fontsize=11)
            ax.set_yticks(range(len(groups)), labels)
            ax.set_xlim(left=0)
            ax.grid(axis="x", color="#dddddd", linewidth=0.6)
            ax.set_xlabel("per 1,000 words")
        if families:
            handles, legend_labels = axes[0].get_legend_handles_labels()
            fig.legend(handles, legend_labels, loc="outside lower center", ncols=2, frameon=False)
        title = CONCEPT_TITLES.get(concept, concept)
        fig.suptitle(f"{title}: matches per 1,000 words of own voice and of quotation{note}\n"
                     "(95% bootstrap interval; words behind each rate on the left)", x=0.01, ha="left")
    return fig


def plot_family_counts(totals: pd.DataFrame, *, by: str = "outlet", concept: str = "label", max_groups: int | None = 30, ax=None):
    """Heatmap of one concept's families per group: colour = matches per 1,000 words,
    cell text = number of matches (own voice + quoted). With more than
    `max_groups` groups, the ones with the most words are shown.

    `totals` is a table from family_totals.
    """
    table = totals[totals["concept"] == concept]
    table, note = _shown(table, by, table.drop_duplicates(by).set_index(by)["words"], max_groups)
    counts = table.pivot(index=by, columns="family", values="n")
    rates = table.pivot(index=by, columns="family", values="per_1k")
    quoted = table.pivot(index=by, columns="family", values="n_quoted")
    order = list(dict.fromkeys(table["family"]))
    counts, rates, quoted = (frame.reindex(columns=order) for frame in (counts, rates, quoted))
    if ax is None:
        ax = _new_axes(max(6.0, 1.25 * len(order) + 3.2), max(2.6, 0.45 * len(counts) + 1.8))
    with plt.rc_context(RC):
        values = rates.to_numpy(dtype=float)
        ax.imshow(np.nan_to_num(values), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(np.nanmax(values), 1e-9) * 1.3)
        for (row, column), n in np.ndenumerate(counts.to_numpy()):
            if n:
                q = int(quoted.iat[row, column])
                ax.text(column, row, f"{int(n)}" + (f"\n({q} quoted)" if q else ""), ha="center", va="center", fontsize=9)
        ax.set_xticks(range(len(order)), [wrap(family, 14) for family in order])
        ax.xaxis.tick_top()
        words = table.drop_duplicates(by).set_index(by)["words"]
        ax.set_yticks(range(len(counts)), [f"{wrap(group)}\n({words[group]} words)" for group in counts.index])
        _bare(ax)
        title = CONCEPT_TITLES.get(concept, concept)
        ax.set_title(f"{title}: number of matches (colour: per 1,000 words){note}", loc="left", pad=34)
    return ax


def plot_name_variants(variants: pd.DataFrame, *, by: str = "outlet", entities=None, min_variants: int = 2, ax=None):
    """The spelling fingerprint: how often each group uses each spelling of an entity
    (cell text = mentions, colour = share of that entity's mentions in the group).

    `variants` is a table from name_variants; `entities` chooses the entities
    (default: every entity written in at least `min_variants` ways).
    """
    if entities is None:
        spread = variants.groupby("entity")["variant"].nunique()
        entities = spread[spread >= min_variants].index
    keep = variants[variants["entity"].isin(list(entities))]
    keep = keep.assign(column=keep["entity"] + ": " + keep["variant"])
    columns = sorted(keep["column"].unique())
    counts = keep.pivot(index=by, columns="column", values="n").reindex(columns=columns).fillna(0)
    shares = keep.pivot(index=by, columns="column", values="share").reindex(columns=columns).fillna(0)
    if ax is None:
        ax = _new_axes(max(7.0, 0.42 * len(columns) + 3.5), max(2.8, 0.45 * len(counts) + 3.2))
    with plt.rc_context(RC):
        ax.imshow(shares.to_numpy(), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=1.25)
        for (row, column), n in np.ndenumerate(counts.to_numpy()):
            if n:
                ax.text(column, row, str(int(n)), ha="center", va="center", fontsize=9)
        ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right")
        entity_of = [column.split(": ")[0] for column in columns]
        for x, (left, right) in enumerate(zip(entity_of, entity_of[1:])):
            if left != right:
                ax.axvline(x + 0.5, color="#555555", linewidth=1.0)
        ax.set_yticks(range(len(counts)), [wrap(group) for group in counts.index])
        _bare(ax)
        ax.set_title("Which spelling each outlet uses (mentions; colour: share of the entity's mentions)", loc="left")
    return ax


def plot_keyness(scores: pd.DataFrame, *, top: int = 8, groups: list | None = None, max_groups: int | None = 12,
                 columns: int = 3):
    """One panel per group: its `top` most distinctive words by z-score (Monroe et al. 2008), with their counts.

    `scores` is a table from keyness. `groups` chooses the panels (default: the
    `max_groups` groups with the most words). Returns the Figure.
    """
    sizes = scores.groupby("group")["n"].sum()
    groups = list(groups) if groups is not None else largest_groups(sizes, max_groups)
    note = _subset_note(len(groups), len(sizes))
    fig, axes = _facet_grid(len(groups), columns, 3.6, 0.3 * top + 0.9, sharey=False)
    with plt.rc_context(RC):
        for ax, group in zip(axes, groups):
            best = scores[scores["group"] == group].nlargest(top, "z", keep="first").iloc[::-1]
            rows = np.arange(len(best))
            ax.barh(rows, best["z"], color=OWN_VOICE)
            ax.set_yticks(rows, [f"{term} ({n})" for term, n in zip(best["term"], best["n"])])
            ax.tick_params(axis="y", labelleft=True)
            ax.set_title(wrap(group, 30), fontsize=11)
            ax.set_xlabel("z (weighted log-odds)")
            ax.axvline(1.96, color="#999999", linewidth=0.8, linestyle="--")
        fig.suptitle(f"Most distinctive words of each group vs all others{note}\n(count in brackets; dashed line: z = 1.96)",
                     x=0.01, ha="left")
    return fig


# -- sentiment -----------------------------------------------------------------------------

DIVERGING = "PuOr"  # colour-blind-safe diverging map: orange negative, purple positive
QUOTED_NEGATIVE = "#D55E00"  # vermillion (Okabe-Ito) for negative contributions
POSITIVE_COLOUR = OWN_VOICE


def plot_sentence_sentiment(scored: pd.DataFrame, summary: pd.DataFrame, *, by: str = "outlet",
                            quoted_share: float = 0.5, max_groups: int | None = 25, ax=None):
    """Every sentence's compound score as a point, own voice and quoted apart, with each mean and its 95% interval.

    `scored` is from score_sentences, `summary` from summarize_sentiment.
    """
    table = summary[summary["voice"].isin(["own", "quoted"])]
    sizes = table.groupby(by)["sentences"].sum()
    groups = sorted(largest_groups(sizes, max_groups), reverse=True)
    note = _subset_note(len(groups), len(sizes))
    if ax is None:
        ax = _new_axes(9.5, 0.9 * len(groups) + 1.6)
    rng = np.random.default_rng(0)  # jitter only: fixed so the figure is byte-identical on re-runs
    with plt.rc_context(RC):
        for row, group in enumerate(groups):
            for voice, color, shift in (("own", OWN_VOICE, 0.18), ("quoted", QUOTED, -0.18)):
                in_voice = scored[(scored[by] == group) & ((scored["quote_share"] >= quoted_share) == (voice == "quoted"))]
                jitter = rng.uniform(-0.08, 0.08, len(in_voice))
                ax.scatter(in_voice["compound"], row + shift + jitter, s=14, color=color, alpha=0.55, linewidths=0,
                           label=("own voice" if voice == "own" else "quoted (≥ half the sentence)") if row == 0 else None)
                stats = table[(table[by] == group) & (table["voice"] == voice)]
                if len(stats) and stats["sentences"].iloc[0] > 0:
                    record = stats.iloc[0]
                    ax.hlines(row + shift, record["low"], record["high"], color="black", linewidth=1.6)
                    ax.plot(record["mean_compound"], row + shift, "D", color="black", markersize=5)
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
        ax.set_title(f"Sentence sentiment by outlet{note}", loc="left", pad=30)
    return ax


def plot_target_sentiment(targets: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 30, ax=None):
    """Heatmap: mean compound of the sentences that mention each target, per group; n in every cell.

    `targets` is from target_sentiment.
    """
    table, note = _shown(targets, by, targets.groupby(by)["sentences"].sum(), max_groups)
    order = list(dict.fromkeys(table["target"]))
    means = table.pivot(index=by, columns="target", values="mean_compound").reindex(columns=order)
    counts = table.pivot(index=by, columns="target", values="sentences").reindex(columns=order)
    if ax is None:
        ax = _new_axes(max(6.5, 1.15 * len(order) + 3.2), max(2.8, 0.5 * len(means) + 1.9))
    with plt.rc_context(RC):
        image = ax.imshow(means.to_numpy(dtype=float), cmap=DIVERGING, vmin=-1, vmax=1, aspect="auto")
        for (row, column), n in np.ndenumerate(counts.to_numpy()):
            mean = means.iat[row, column]
            text = f"{mean:+.2f}\n(n = {int(n)})" if n else "–"
            ax.text(column, row, text, ha="center", va="center", fontsize=9)
        ax.set_xticks(range(len(order)), [wrap(target, 12) for target in order])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(means)), [wrap(group) for group in means.index])
        _bare(ax)
        colorbar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
        colorbar.set_label("mean compound of sentences naming the target")
        ax.set_title(f"Sentiment of sentences that name each actor (n = sentences){note}", loc="left", pad=34)
    return ax


def plot_drivers(drivers: pd.DataFrame, *, by: str = "outlet", top: int = 6, max_groups: int | None = 12, columns: int = 3):
    """One panel per group: the words that add most to its negative and to its positive scores.

    `drivers` is from sentiment_drivers. Returns the Figure.
    """
    sizes = drivers.groupby(by)["n"].sum()
    groups = largest_groups(sizes, max_groups)
    note = _subset_note(len(groups), len(sizes))
    fig, axes = _facet_grid(len(groups), columns, 3.7, 0.28 * 2 * top + 1.0, sharey=False)
    with plt.rc_context(RC):
        for ax, group in zip(axes, groups):
            rows = drivers[drivers[by] == group]
            negative = rows[rows["contribution"] < 0].nsmallest(top, "contribution", keep="first")
            positive = rows[rows["contribution"] > 0].nlargest(top, "contribution", keep="first")
            both = pd.concat([positive.iloc[::-1], negative.iloc[::-1]])
            colours = [QUOTED_NEGATIVE if value < 0 else POSITIVE_COLOUR for value in both["contribution"]]
            ax.barh(range(len(both)), both["contribution"], color=colours)
            ax.set_yticks(range(len(both)), [f"{word} ({n}×)" for word, n in zip(both["word"], both["n"])])
            ax.axvline(0, color="#666666", linewidth=0.8)
            ax.set_title(wrap(group, 30), fontsize=11)
            ax.set_xlabel("summed VADER valence")
        fig.suptitle(f"Words that drive each outlet's sentiment{note}\n(negative in vermillion, positive in blue; "
                     "occurrences in brackets)", x=0.01, ha="left")
    return fig


def plot_lexicon_audit(audit: pd.DataFrame, *, ax=None):
    """How VADER scores the study's key terms: one bar per term (its VADER valence);
    terms VADER does not know are marked at 0 with "not in VADER".

    `audit` is from lexicon_audit; pass the rows to show (e.g. the terms found in the corpus and the blind spots).
    """
    table = audit.assign(label=audit["pattern"] + "  [" + audit["family"] + "]")
    table = table.sort_values(["valence", "label"], kind="stable").reset_index(drop=True)
    if ax is None:
        ax = _new_axes(9.0, 0.3 * len(table) + 1.6)
    with plt.rc_context(RC):
        colours = [QUOTED_NEGATIVE if v < 0 else POSITIVE_COLOUR for v in table["valence"]]
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

    `comparison` is from compare_masked.
    """
    table = comparison.sort_values("mean_masked", kind="stable").reset_index(drop=True)
    if ax is None:
        ax = _new_axes(9.0, min(10.0, max(3.8, 0.45 * len(table) + 2.2)))
    with plt.rc_context(RC):
        for x, column, low, high, colour in ((0, "mean_compound", "low", "high", OWN_VOICE),
                                             (1, "mean_masked", "low_masked", "high_masked", QUOTED)):
            ax.errorbar(np.full(len(table), x), table[column],
                        yerr=[table[column] - table[low], table[high] - table[column]],
                        fmt="o", color=colour, capsize=3, linewidth=1)
        for _, record in table.iterrows():
            ax.plot([0, 1], [record["mean_compound"], record["mean_masked"]], color="#888888", linewidth=1)
        values = np.concatenate([table[c].to_numpy(dtype=float) for c in ("low", "high", "low_masked", "high_masked")])
        bottom, top = np.nanmin(values) - 0.05, np.nanmax(values) + 0.05
        ax.set_ylim(bottom, top)
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


def plot_sentiment_position(positions: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 12, columns: int = 4):
    """Mean compound along the article, one panel per group; point size = sentences in the bin.

    `positions` is from sentiment_by_position. Returns the Figure.
    """
    sizes = positions.groupby(by)["sentences"].sum()
    groups = largest_groups(sizes, max_groups)
    note = _subset_note(len(groups), len(sizes))
    fig, axes = _facet_grid(len(groups), columns, 3.0, 2.4)
    with plt.rc_context(RC):
        for ax, group in zip(axes, groups):
            rows = positions[positions[by] == group]
            ax.plot(rows["position"], rows["mean_compound"], color=OWN_VOICE, linewidth=1.2)
            ax.scatter(rows["position"], rows["mean_compound"], s=12 * rows["sentences"], color=OWN_VOICE, zorder=3)
            ax.axhline(0, color="#cccccc", linewidth=0.8)
            ax.set_ylim(-1, 1)
            ax.set_xlim(0, 1)
            ax.set_title(f"{wrap(group, 26)} (n = {int(rows['sentences'].sum())})", fontsize=10)
            ax.set_xlabel("position in the body")
        axes[0].set_ylabel("mean compound")
        fig.suptitle(f"Sentiment along the article: start (0) to end (1){note}; point size = sentences", x=0.01, ha="left")
    return fig


# -- framing -------------------------------------------------------------------------------

FORM_COLOURS = {"active": "#0072B2", "passive_agent": "#56B4E9", "passive_agentless": "#E69F00", "nominal": "#D55E00"}
SPEAKER_COLOURS = {
    "Russian officials": "#D55E00", "Chinese officials": "#CC79A7", "US officials": "#0072B2",
    "Iranian officials": "#009E73", "Iraqi officials": "#F0E442", "UN": "#56B4E9", "media": "#999999",
    "other": "#DDDDDD", "unresolved": "#BBBBBB", "unattributed": "#FFFFFF",
}


def plot_frame_shares(shares: pd.DataFrame, *, by: str = "outlet", max_groups: int | None = 30, ax=None):
    """Heatmap: share of each group's sentences invoking each frame (colour), with the count in each cell.

    `shares` is from frame_shares.
    """
    sizes = shares.drop_duplicates(by).set_index(by)["sentences"]
    table, note = _shown(shares, by, sizes, max_groups)
    order = list(dict.fromkeys(table["frame"]))
    share = table.pivot(index=by, columns="frame", values="share").reindex(columns=order)
    counts = table.pivot(index=by, columns="frame", values="n").reindex(columns=order)
    if ax is None:
        ax = _new_axes(max(8.0, 0.95 * len(order) + 3.5), max(2.8, 0.5 * len(share) + 2.6))
    with plt.rc_context(RC):
        ax.imshow(share.to_numpy(dtype=float), cmap=SEQUENTIAL, aspect="auto", vmin=0,
                  vmax=max(float(np.nanmax(share.to_numpy(dtype=float))), 0.01) * 1.25)
        for (row, column), n in np.ndenumerate(counts.to_numpy()):
            if n:
                ax.text(column, row, f"{int(n)}\n{share.iat[row, column]:.0%}", ha="center", va="center", fontsize=8.5)
        ax.set_xticks(range(len(order)), [wrap(frame, 13) for frame in order])
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(share)), [f"{wrap(group)}\n({sizes[group]} sentences)" for group in share.index])
        _bare(ax)
        ax.set_title(f"Frames invoked: sentences with at least one cue (count and share){note}", loc="left", pad=44)
    return ax


def plot_agency_forms(shares: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Stacked bars: how each group's mentions of the killing split into active, passive with and
    without agent, and nominal forms; n mentions on each bar.

    `shares` is from agency_shares.
    """
    table = shares.pivot(index=by, columns="form", values="share").fillna(0)
    mentions = shares.drop_duplicates(by).set_index(by)["mentions"]
    table = table.reindex(columns=[f for f in FORM_COLOURS if f in table.columns])
    table = table.loc[sorted(table.index, reverse=True)]
    if ax is None:
        ax = _new_axes(9.0, max(2.8, 0.5 * len(table) + 1.8))
    with plt.rc_context(RC):
        left = np.zeros(len(table))
        for form in table.columns:
            values = table[form].to_numpy() * 100
            ax.barh(range(len(table)), values, left=left, color=FORM_COLOURS[form], label=form.replace("_", " "))
            for row, (value, start) in enumerate(zip(values, left)):
                if value >= 8:
                    ax.text(start + value / 2, row, f"{value:.0f}%", ha="center", va="center", fontsize=9,
                            color="white" if form in ("active", "nominal") else "black")
            left += values
        ax.set_yticks(range(len(table)), [f"{wrap(group)} (n = {mentions[group]})" for group in table.index])
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.set_xlim(0, 100)
        ax.set_xlabel("share of mentions of the killing (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False)
        ax.set_title("Who killed whom? Grammatical form of each mention of the killing", loc="left", pad=28)
    return ax


def plot_agents(agents: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap: how often each group names each kind of agent of the killing (counts; 'none' = no agent named).

    `agents` is from agents_named.
    """
    counts = agents.pivot(index=by, columns="agent_category", values="n").fillna(0).astype(int)
    order = [c for c in ("the US", "Trump", "the Pentagon", "a drone", "a strike", "Iran", "other", "none") if c in counts.columns]
    counts = counts.reindex(columns=order + [c for c in counts.columns if c not in order])
    if ax is None:
        ax = _new_axes(max(7.5, 1.1 * counts.shape[1] + 3.2), max(2.6, 0.45 * len(counts) + 1.8))
    with plt.rc_context(RC):
        ax.imshow(counts.to_numpy(), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=max(int(counts.to_numpy().max()), 1) * 1.3)
        for (row, column), n in np.ndenumerate(counts.to_numpy()):
            if n:
                ax.text(column, row, str(n), ha="center", va="center", fontsize=10)
        ax.set_xticks(range(counts.shape[1]), counts.columns)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(counts)), [wrap(group) for group in counts.index])
        _bare(ax)
        ax.set_title("Agents named for the killing\n(mentions; 'none' = agent hidden)", loc="left", pad=30)
    return ax


def plot_speakers(voices: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Stacked bars: whose words make up each group's quotations (share of quoted words by speaker group).

    `voices` is from quoted_words_by_speaker.
    """
    table = voices.pivot(index=by, columns="speaker_group", values="quoted_word_share").fillna(0)
    totals = voices.groupby(by)["quoted_words"].sum()
    order = [g for g in SPEAKER_COLOURS if g in table.columns] + [g for g in table.columns if g not in SPEAKER_COLOURS]
    table = table.reindex(columns=order).loc[sorted(table.index, reverse=True)]
    if ax is None:
        ax = _new_axes(9.5, max(3.0, 0.5 * len(table) + 2.0))
    with plt.rc_context(RC):
        left = np.zeros(len(table))
        for group in table.columns:
            values = table[group].to_numpy() * 100
            ax.barh(range(len(table)), values, left=left, color=SPEAKER_COLOURS.get(group, "#777777"),
                    edgecolor="#666666", linewidth=0.4, label=group)
            for row, (value, start) in enumerate(zip(values, left)):
                if value >= 9:
                    ax.text(start + value / 2, row, f"{value:.0f}%", ha="center", va="center", fontsize=9)
            left += values
        ax.set_yticks(range(len(table)), [f"{wrap(group)}\n({totals[group]} quoted words)" for group in table.index])
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.set_xlim(0, 100)
        ax.set_xlabel("share of quoted words (%)")
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4, frameon=False, fontsize=9)
        ax.set_title("Whose words are quoted", loc="left", pad=48)
    return ax


def plot_similarity(groups: pd.DataFrame, *, by: str = "outlet", ax=None):
    """Heatmap of mean TF-IDF cosine similarity between groups' articles (numbers shown up to 15 groups).

    `groups` is from group_similarity.
    """
    names = sorted(set(groups[f"{by}_a"]) | set(groups[f"{by}_b"]))
    matrix = groups.pivot(index=f"{by}_a", columns=f"{by}_b", values="similarity").reindex(index=names, columns=names)
    if ax is None:
        side = max(5.5, 0.55 * len(names) + 3.0)
        ax = _new_axes(side + 1.2, side)
    with plt.rc_context(RC):
        image = ax.imshow(matrix.to_numpy(dtype=float), cmap=SEQUENTIAL, vmin=0, vmax=1)
        if len(names) <= 15:
            for (row, column), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
                if value == value:
                    ax.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=9,
                            color="white" if value > 0.6 else "black")
        labels = [wrap(name, 16) for name in names]
        ax.set_xticks(range(len(names)), labels, rotation=35, ha="right", rotation_mode="anchor")
        ax.set_yticks(range(len(names)), labels)
        ax.figure.colorbar(image, ax=ax, shrink=0.7).set_label("cosine similarity of TF-IDF vectors")
        ax.set_title("How alike the articles are\n(mean pairwise similarity; blank = no pair)", loc="left")
    return ax
