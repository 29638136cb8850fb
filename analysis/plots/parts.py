"""The drawing parts every plot shares: new axes in the house style, facet grids, label wrapping,
top-N groups, category colours, the annotated heatmap, stacked bars and interval rows (an open marker
where a group has no interval).

Each part draws what it is given; none computes a statistic.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from importlib.metadata import version

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgb

from analysis.paths import data_file
from analysis.plots.style import OKABE_ITO, house_style, RESIDUAL_GREYS, SEQUENTIAL
from analysis.tables import RESIDUAL_CATEGORIES

LABEL_WIDTH = 28  # characters per line of a wrapped group label


def one_group_column(by, caller: str) -> str:
    """Plots draw one group column: name the problem when given several (combine them into one column first)."""
    if isinstance(by, str):
        return by
    raise ValueError(f"{caller}: plots take one group column, not {list(by)}; combine them into one column first "
                     f"(e.g. table.assign(group=table['a'] + ' · ' + table['b'])) and pass by='group'")


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


def subset_note(shown: int, total: int, what: str = "words") -> str:
    """'20 of 47 groups shown (those with the most words)' when groups were left out, else ''."""
    return "" if shown >= total else f"{shown} of {total} groups shown (those with the most {what})"


def own_line(note: str) -> str:
    """A subset note on a line of its own under a title, so that wrapping the title never splits or hides it."""
    return f"\n{note.strip()}" if note else ""


def shown_rows(table: pd.DataFrame, by: str, sizes: pd.Series, max_groups: int | None,
               what: str = "words") -> tuple[pd.DataFrame, str]:
    """The rows of the largest groups, and the note that says so when some are left out."""
    shown = largest_groups(sizes, max_groups)
    return table[table[by].isin(shown)], subset_note(len(shown), len(sizes), what)


def wrap_to_width(text: str, width: float, prop, renderer) -> str:
    """Wrap each line of `text` between words so that none is wider than `width` pixels as `renderer` draws
    it in the font `prop`; a single word wider than that stands on its own line."""
    def fits(line: str) -> bool:
        return renderer.get_text_width_height_descent(line, prop, ismath=False)[0] <= width

    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and not fits(candidate):
                lines.append(line)
                candidate = word
            line = candidate
        lines.append(line)
    return "\n".join(lines)


#: The matplotlib release whose private Figure._get_renderer() text_renderer calls (requirements.txt pins it).
CHECKED_MATPLOTLIB = "3.11.2"


def text_renderer(fig):
    """The renderer that measures `fig`'s text, as matplotlib's private Figure._get_renderer() gives it: that
    method itself with the matplotlib version it was checked on; on another, the canvas's public get_renderer()
    (an Agg canvas, as in Jupyter and with MPLBACKEND=Agg), else a new Agg renderer of the figure's size."""
    if version("matplotlib") == CHECKED_MATPLOTLIB:
        return fig._get_renderer()
    if hasattr(fig.canvas, "get_renderer"):
        return fig.canvas.get_renderer()
    return RendererAgg(*fig.canvas.get_width_height(physical=True), fig.dpi)


#: Titles are wrapped a little narrower than the space they have: text widths change slightly with the
#: resolution (hinting), and the PNG is written at a higher one than the layout is computed at.
TITLE_SPACE = 0.96


@house_style()
def fit_title(ax, title: str, note: str = "", *, loc: str = "left", **kwargs):
    """Set the Axes title wrapped to the width of the Axes, with the subset `note` on a line of its own, so
    that no title is cut at the figure's edge; returns the title Text.

    The figure is laid out without the title first: a title wider than the Axes would make the
    constrained layout narrow the Axes to make room for it.
    """
    ax.set_title("", loc=loc)
    ax.figure.draw_without_rendering()
    text = ax.set_title(title + own_line(note), loc=loc, **kwargs)
    text.set_text(wrap_to_width(text.get_text(), TITLE_SPACE * ax.get_window_extent().width,
                                text.get_fontproperties(), text_renderer(ax.figure)))
    return text


@house_style()
def fit_suptitle(fig, title: str, note: str = ""):
    """Set the figure's title at its top left, wrapped to the figure's width, with the subset `note` on a line
    of its own; returns the title Text."""
    text = fig.suptitle(title + own_line(note), x=0.01, ha="left")
    text.set_text(wrap_to_width(text.get_text(), TITLE_SPACE * 0.98 * fig.bbox.width,
                                text.get_fontproperties(), text_renderer(fig)))
    return text


def categories(values: pd.Series) -> list:
    """The distinct values in display order: a categorical's own order, else order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna())
        return [category for category in values.cat.categories if category in present]
    return list(dict.fromkeys(values.dropna()))


#: Named categories past the seven Okabe-Ito colours: dark hues that none of those (nor the residual greys) resembles;
#: tab20's blues and oranges, used before, were near twins of Okabe-Ito's.
EXTRA_COLOURS = ("#332288", "#882255", "#999933", "#8C564B", "#44AA99", "#AA4499", "#661100", "#6699CC")


def category_colours(names) -> dict:
    """A colour per category in order: the colour-blind-safe palette for named ones (then EXTRA_COLOURS),
    greys for the residual ones."""
    palette = [colour for colour in OKABE_ITO if colour != "#000000"] + list(EXTRA_COLOURS)
    colours, named = {}, 0
    for name in names:
        if name in RESIDUAL_CATEGORIES:
            colours[name] = RESIDUAL_GREYS[RESIDUAL_CATEGORIES.index(name)]
        else:
            colours[name] = palette[named % len(palette)]
            named += 1
    return colours


def text_colour(background) -> str:
    """Black or white text, whichever reads better on `background` (by its relative luminance)."""
    red, green, blue = to_rgb(background)
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.45 else "black"


@lru_cache(maxsize=1)
def _concept_titles() -> dict[str, str]:
    table = pd.read_csv(data_file("concepts.csv"), dtype=str, keep_default_na=False)
    return dict(zip(table["concept"], table["title"]))


def concept_title(concept: str) -> str:
    """A figure title for a lexicon concept (`analysis/data/concepts.csv`), else the concept's name."""
    return _concept_titles().get(concept, concept)


#: The `gid` of an empty figure's message: the SVG holds it as `<g id="empty-state">`, so a test of a
#: whole run can tell which figures had nothing to show.
EMPTY_STATE = "empty-state"


@house_style()
def say_empty(ax, message: str):
    """Write why there is nothing to draw ("no matches: ...") in the middle of `ax`, without ticks or frame:
    an empty figure must say what is missing, never show a bare axis; returns the Text."""
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    return ax.text(0.5, 0.5, wrap(message, 60), transform=ax.transAxes, ha="center", va="center",
                   fontsize=12, color="#444444", gid=EMPTY_STATE)


def empty_plot(ax, title: str, message: str, *, size: tuple[float, float] = (8.0, 2.6)):
    """The figure of a plot whose table has nothing to show: its usual `title` and the `message` saying what is
    missing, on `ax` (default: a new figure of `size`); returns the Axes."""
    if ax is None:
        ax = new_axes(*size)
    say_empty(ax, message)
    fit_title(ax, title)
    return ax


@house_style()
def new_axes(width: float, height: float):
    """One Axes on a new figure in the house style."""
    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def facet_grid(panels: int, columns: int, panel_width: float, panel_height: float, *, sharey: bool = True):
    """A figure of `panels` Axes in rows of `columns`; returns (Figure, Axes in order)."""
    panels = max(panels, 1)
    columns = max(1, min(columns, panels))
    rows = int(np.ceil(panels / columns))
    with house_style():
        fig, axes = plt.subplots(rows, columns, figsize=(panel_width * columns + 2.2, panel_height * rows + 1.0),
                                 squeeze=False, sharey=sharey, layout="constrained")
    for ax in axes.flat[panels:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:panels])


def facet(plot, data: pd.DataFrame, *, panel: str, values: list, columns: int, size: tuple[float, float],
          sharey: bool = True, **options):
    """A facet_grid of one panel per entry of `values`, each drawn by the one-panel plot function:
    `plot(data, **{panel: value}, ax=the panel, **options)`; returns (Figure, Axes in order).

    Parameters
    ----------
    plot : a plot function of one panel (e.g. plot_keyness).
    data : the table every panel is drawn from.
    panel : the keyword of `plot` that picks a panel's part of `data` (e.g. "group", "family").
    values : that keyword's value for each panel, in order.
    columns : panels per row.
    size : (width, height) of one panel, in inches.
    sharey : the panels share their y axis.
    options : further keywords for `plot` (e.g. by=, top=), the same for every panel.
    """
    fig, axes = facet_grid(len(values), columns, *size, sharey=sharey)
    for ax, value in zip(axes, values):
        plot(data, **{panel: value}, ax=ax, **options)
    return fig, axes


def bare(ax) -> None:
    """A heatmap needs neither tick marks nor a frame."""
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)


def annotated_heatmap(
    ax,
    colour: np.ndarray,
    text,
    *,
    rows: list[str],
    columns: list[str],
    cmap: str = SEQUENTIAL,
    vmin: float = 0.0,
    vmax: float | None = None,
    fontsize: float = 9,
    columns_on_top: bool = True,
    column_rotation: float = 0,
    aspect: str = "auto",
):
    """Colour cells by `colour` (rows x columns; NaN drawn as the lowest colour) and write `text[row][column]`
    in each cell where it is not empty; returns the image (for a colour bar).

    `vmax` defaults to 1.25 times the largest value, so that the darkest cell keeps its text readable.
    """
    values = np.asarray(colour, dtype=float)
    finite = values[np.isfinite(values)]
    if vmax is None:
        vmax = max(float(finite.max()) if finite.size else 0.0, 1e-9) * 1.25
    with house_style():
        shown = np.where(np.isfinite(values), values, vmin)
        image = ax.imshow(shown, cmap=cmap, aspect=aspect, vmin=vmin, vmax=vmax)
        colours = image.cmap(image.norm(shown))
        for (row, column), label in np.ndenumerate(np.asarray(text, dtype=object)):
            if label:
                ax.text(column, row, label, ha="center", va="center", fontsize=fontsize,
                        color=text_colour(colours[row, column]))
        ha = "center" if column_rotation == 0 else ("left" if columns_on_top else "right")
        ax.set_xticks(range(len(columns)), columns, rotation=column_rotation, ha=ha,
                      rotation_mode="anchor" if column_rotation else "default")
        ax.set_yticks(range(len(rows)), rows)
        if columns_on_top:
            ax.xaxis.tick_top()
        bare(ax)
    return image


@house_style()
def stacked_bars(ax, shares: pd.DataFrame, *, row_labels: list[str], colours: dict, min_label: float = 8.0,
                 edgecolor: str | None = None, labels: dict | None = None) -> None:
    """Horizontal bars of `shares` (rows x categories, in %) stacked left to right, one row per index entry
    from the top down; a segment of at least `min_label` % carries its value."""
    left = np.zeros(len(shares))
    for category in shares.columns:
        values = shares[category].to_numpy(dtype=float)
        ax.barh(range(len(shares)), values, left=left, color=colours[category],
                edgecolor=edgecolor, linewidth=0.4 if edgecolor else 0,
                label=(labels or {}).get(category, str(category).replace("_", " ")))
        for row, (value, start) in enumerate(zip(values, left)):
            if value >= min_label:
                ax.text(start + value / 2, row, f"{value:.0f}%", ha="center", va="center", fontsize=9,
                        color=text_colour(colours[category]))
        left += values
    ax.set_yticks(range(len(shares)), row_labels)
    ax.set_ylim(-0.6, len(shares) - 0.4)
    ax.set_xlim(0, 100)


@house_style()
def interval_rows(ax, positions, centre, low, high, *, colour, marker: str = "o", markersize: float = 5.5,
                  linewidth: float = 1.6, label: str | None = None, vertical: bool = False) -> None:
    """A point estimate with its interval at each position: horizontal rows, or vertical columns."""
    if vertical:
        ax.vlines(positions, low, high, color=colour, linewidth=linewidth)
        ax.plot(positions, centre, marker, color=colour, markersize=markersize, linestyle="none", label=label)
    else:
        ax.hlines(positions, low, high, color=colour, linewidth=linewidth)
        ax.plot(centre, positions, marker, color=colour, markersize=markersize, linestyle="none", label=label)


#: Edge width of an open marker: thick enough to read as a ring at half size.
OPEN_EDGE = 1.4


def no_interval(table: pd.DataFrame) -> np.ndarray:
    """Which rows have no interval by their `resampled` column ("none: fewer than 5 articles"), as a boolean array;
    all False for a table without that column (its intervals are drawn as given)."""
    if "resampled" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table["resampled"].fillna("").astype(str).str.startswith("none").to_numpy(dtype=bool)


def no_interval_label(table: pd.DataFrame, what: str = "mean") -> str:
    """The legend entry of the open markers, with the reason the table gives on a line of its own ("open: mean
    without interval\n(fewer than 5 articles)": narrow enough for a legend column); '' when every row has its
    interval."""
    said = table.loc[no_interval(table), "resampled"] if "resampled" in table.columns else []
    if not len(said):
        return ""
    reasons = sorted({value.split(":", 1)[1].strip() for value in said if ":" in value})
    return f"open: {what} without interval" + (f"\n({'; '.join(reasons)})" if reasons else "")


def legend_no_interval(ax, table: pd.DataFrame, *, marker: str = "o", what: str = "mean") -> None:
    """A legend entry (an empty grey open marker) that explains the open markers, when `table` has any."""
    label = no_interval_label(table, what)
    if label:
        with house_style():
            ax.plot([], [], marker, color="#555555", markerfacecolor="white", markeredgewidth=OPEN_EDGE,
                    linestyle="none", label=label)


def legend_above(ax, *, columns: int) -> float:
    """The legend in `columns` columns just above the Axes, left-aligned; returns the title pad (points) that keeps
    a title clear of it, measured, since its rows can hold entries of two lines."""
    fig = ax.figure
    with house_style():
        legend = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=columns, frameon=False)
        fig.draw_without_rendering()
    above = legend.get_window_extent().y1 - ax.get_window_extent().y1
    return max(30.0, above * 72 / fig.dpi + 4)


def interval_or_open_rows(ax, positions, centre, low, high, *, without, colour, marker: str = "o",
                          markersize: float = 5.5, linewidth: float = 1.6, label: str | None = None) -> None:
    """interval_rows (horizontal) for the rows with an interval, and an open marker without a line for the rows
    `without` one (a boolean array), so that a mean without an interval never looks like one with a short one.
    The `label` goes to the filled markers, or to the open ones when every row is without."""
    positions, centre, low, high = (np.asarray(values, dtype=float) for values in (positions, centre, low, high))
    without = np.asarray(without, dtype=bool)
    if not without.all() or not len(without):
        keep = ~without
        interval_rows(ax, positions[keep], centre[keep], low[keep], high[keep], colour=colour, marker=marker,
                      markersize=markersize, linewidth=linewidth, label=label)
        label = None
    if without.any():
        with house_style():
            ax.plot(centre[without], positions[without], marker, color=colour, markerfacecolor="white",
                    markeredgewidth=OPEN_EDGE, markersize=markersize, linestyle="none", label=label)
