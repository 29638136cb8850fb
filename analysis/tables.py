"""Small helpers every stage shares for tidy tables: required columns, group columns, `by=`.

The package's one group concept: any column of the articles table that holds
metadata rather than text (`outlet`, `country`, `ownership`, a user's `desk`)
is copied onto every paragraph, sentence and match row, and every summary
takes `by=` (one column name or a list of them) and keeps those columns under
their own names in its output.
"""

from __future__ import annotations

import hashlib
import html
import sys
import warnings
from collections.abc import Iterable, Sequence
from pathlib import PurePath

import pandas as pd

from analysis.escape import terminal_text, visible_text
from analysis.paths import shown_path

#: Columns of article, paragraph, sentence and match tables that describe the unit or hold text:
#: never group columns.
UNIT_COLUMNS = frozenset({
    "doc_id", "section", "para_id", "sent_id", "line", "start", "end",
    "text", "raw", "title", "standfirst", "dateline",
    "quote_share", "starts_in_quote", "voice",
})
#: String columns averaging more characters than this are full texts, not groups.
MAX_GROUP_VALUE_CHARS = 300

By = str | Sequence[str]

#: The categories measures give to what no rule of a shipped list names: always listed after the
#: named ones, and drawn in grey.
RESIDUAL_CATEGORIES = ("other", "none", "unresolved", "unattributed")


def require_columns(table: pd.DataFrame, columns: Iterable[str], caller: str) -> None:
    """Raise a ValueError naming the columns `caller` needs that `table` lacks."""
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(f"{caller}: missing column(s) {missing}; the table has {list(table.columns)}")


def require_unique_ids(articles: pd.DataFrame, caller: str) -> None:
    """Raise a ValueError naming repeated `doc_id` values: one row per article."""
    repeated = sorted(set(articles.loc[articles["doc_id"].duplicated(), "doc_id"].astype(str)))
    if repeated:
        raise ValueError(f"{caller}: doc_id must be unique, repeated: {repeated[:10]}")


def found_rows(table: pd.DataFrame, columns: Sequence[str], positions: Sequence[int], found: list[tuple],
               names: Sequence[str]) -> pd.DataFrame:
    """table[columns] at row `positions` (a row once for each thing found in it), with the `found` tuples as the
    columns `names`: a stage's matches with their sentence's columns, taken whole, not read value by value.

    Returns the new table (columns, then names), its index 0..n-1.
    """
    taken = table[list(columns)].iloc[list(positions)].reset_index(drop=True)
    values = list(zip(*found)) if found else [[] for _ in names]
    return taken.assign(**{name: list(column) for name, column in zip(names, values)})


def group_columns(table: pd.DataFrame) -> list[str]:
    """The metadata columns of a table (copied from the articles onto every row), in table order."""
    columns = []
    for column in table.columns:
        if column in UNIT_COLUMNS or str(column).startswith("_"):
            continue
        values = table[column]
        if pd.api.types.is_string_dtype(values) and len(values) and values.str.len().mean() > MAX_GROUP_VALUE_CHARS:
            continue
        columns.append(column)
    return columns


def by_columns(by: By) -> list[str]:
    """`by` as a list of column names ("outlet" -> ["outlet"])."""
    columns = [by] if isinstance(by, str) else list(by)
    if not columns or not all(isinstance(column, str) and column for column in columns):
        raise ValueError(f"by: give a column name or a list of column names, not {by!r}")
    return columns


def require_by(table: pd.DataFrame, by: By, caller: str) -> list[str]:
    """The `by` columns as a list, after checking that `table` has them and that no row lacks a value
    (a group value must never be dropped silently; fill_missing_groups names such rows a group)."""
    columns = by_columns(by)
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise ValueError(
            f"{caller}: no group column {missing[0]!r}; group by one of {group_columns(table)}"
        )
    for column in columns:
        empty = table[column].isna()
        if empty.any():
            where = list(table.loc[empty, "doc_id"].astype(str).unique()[:5]) if "doc_id" in table.columns else []
            raise ValueError(
                f"{caller}: {int(empty.sum())} row(s) have no value in group column {column!r}"
                + (f" (doc_id {where})" if where else "")
                + f"; give them one first, e.g. fill_missing_groups(table, {column!r})"
            )
    return columns


def fill_missing_groups(table: pd.DataFrame, by: By, *, label: str = "unknown") -> pd.DataFrame:
    """A copy of `table` in which rows without a value in a `by` column get `label` there (as text)."""
    updates = {}
    for column in by_columns(by):
        if column in table.columns and table[column].isna().any():
            updates[column] = table[column].astype("str").where(table[column].notna(), label)
    return table.assign(**updates)


def group_key(key) -> object:
    """A groupby key as the group's name: the value itself for one column, a tuple for several."""
    return key[0] if isinstance(key, tuple) and len(key) == 1 else key


def group_label(key, separator: str = " · ") -> str:
    """A group's name for a label: "TASS", or "Russia · state-owned" for a group of several columns."""
    return separator.join(str(part) for part in key) if isinstance(key, tuple) else str(key)


def split_by(table: pd.DataFrame, by: By):
    """Yield (values, name, rows) for each group in sorted order: `values` is a tuple with one value per
    `by` column, `name` the group's name (the value itself for one column, else the tuple)."""
    for key, rows in table.groupby(by_columns(by), sort=True):
        values = key if isinstance(key, tuple) else (key,)
        yield values, group_key(values), rows


def category_order(values: Iterable, order: Iterable[str]) -> list:
    """The distinct `values` in display order: as in `order` (a shipped list's order), then any other
    value by name, then the residual categories."""
    seen = set(values)
    named = [value for value in dict.fromkeys(order) if value in seen and value not in RESIDUAL_CATEGORIES]
    extra = sorted(value for value in seen if value not in named and value not in RESIDUAL_CATEGORIES)
    return named + extra + [value for value in RESIDUAL_CATEGORIES if value in seen]


# --- Tables to read in a notebook ----------------------------------------------------------------------------
# Display only: nothing here changes a table a measure returns. `notebook_display` is called once, by
# `import analysis` in a notebook kernel (analysis/__init__.py).

#: A column whose longest value is longer than this is prose: shown wrapped and aligned left; shorter values (keys,
#: names, numbers, dates) are kept on one line.
LONG_TEXT_CHARS = 50
#: How a notebook shows a table's short values and its prose (long text wraps, keeping its line breaks, instead of
#: running off the screen).
SHORT_CSS = "white-space: nowrap;"
PROSE_CSS = "white-space: pre-wrap; overflow-wrap: break-word; min-width: 16em; max-width: 48em; text-align: left;"


def columns_first(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The table with `columns` moved to the front and the others after them in their order: what a reader
    reads first (a removed line and its rule) before the keys and group columns that locate it.

    Parameters
    ----------
    table : any table.
    columns : the columns to show first, in this order; each must be a column of the table.

    Returns
    -------
    The same rows and columns (a new table), reordered.
    """
    require_columns(table, columns, "columns_first")
    return table[[*columns, *(column for column in table.columns if column not in columns)]]


class AlignedTable:
    """A table to read, not to compute with: each column aligned as given, as HTML in a notebook and as plain
    text elsewhere. The HTML's identifiers come from the table's content, so a report is byte-identical on
    re-run. `table` holds the rows shown."""

    def __init__(self, table: pd.DataFrame, *, align: dict[str, str], nowrap: Sequence[str] = (),
                 bold: Sequence[str] = (), caption: str | None = None):
        self.table, self.align, self.caption = table, dict(align), caption
        self.nowrap, self.bold = tuple(nowrap), tuple(bold)

    def _repr_html_(self) -> str:
        digest = hashlib.sha256(pd.util.hash_pandas_object(self.table, index=False).to_numpy().tobytes()
                                + repr((list(self.table.columns), self.caption)).encode()).hexdigest()[:12]
        styles = {column: [{"selector": cell, "props": f"text-align: {side};"
                            + (" white-space: nowrap;" if column in self.nowrap else "")
                            + (" font-weight: bold;" if column in self.bold and cell == "td" else "")}
                           for cell in ("td", "th")]
                  for column, side in self.align.items() if column in self.table.columns}
        # Cells, column names and caption may hold corpus text: each is escaped, so none becomes a tag.
        styler = self.table.style.hide(axis="index").format(escape="html").format_index(escape="html", axis=1)
        styler = styler.set_uuid(digest).set_table_styles(styles, overwrite=False)
        if self.caption:
            styler = styler.set_caption(html.escape(self.caption, quote=False))
        return visible_text(styler.to_html())

    def __repr__(self) -> str:
        columns = [visible_text(str(column)) for column in self.table.columns]
        rows = [columns] + [["" if pd.isna(value) else visible_text(str(value)) for value in row]
                            for row in self.table.itertuples(index=False, name=None)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
        pad = {"left": str.ljust, "right": str.rjust, "center": str.center}
        lines = ["  ".join(pad[self.align.get(column, "left")](row[i], widths[i]) for i, column in enumerate(columns))
                 .rstrip() for row in rows]
        return "\n".join(([visible_text(self.caption)] if self.caption else []) + lines)


#: How many rows a notebook shows of a table longer than pandas' display.max_rows (60): the first ones.
SHOWN_ROWS = 20


class ShownRows:
    """The rows of a table a notebook shows (all of a short table, the first SHOWN_ROWS of a long one) and a line
    saying how many rows the table has, how many are not shown, and where every row is."""

    def __init__(self, table: pd.DataFrame, *, saved: str | None, rows: int = SHOWN_ROWS):
        limit = pd.get_option("display.max_rows") or len(table)
        self.table = table if len(table) <= limit else table.head(rows)
        where = f"the output folder's {saved}" if saved else "no file (save it with an.save_table)"
        self.note = (f"All {len(table):,} rows" + (f"; also in {where}." if saved else ".")
                     if len(self.table) == len(table) else
                     f"The first {len(self.table):,} of {len(table):,} rows ({len(table) - len(self.table):,} not "
                     f"shown); every row is in {where}.")

    def _repr_html_(self) -> str:
        markup = _table_html(self.table) or ""
        return f"{markup}<p>{html.escape(visible_text(self.note), quote=False)}</p>"

    def __repr__(self) -> str:
        return f"{visible_text(repr(self.table))}\n{visible_text(self.note)}"


def shown_rows(table: pd.DataFrame, *, saved: str | None = None, rows: int = SHOWN_ROWS) -> ShownRows:
    """What a notebook shows of a table that grows with the corpus: all its rows up to pandas' display.max_rows
    (60), else the first `rows`, with a line saying how many rows there are and where every row is.

    Parameters
    ----------
    table : the table.
    saved : the file that holds every row (e.g. "04-framing-agency-mentions.parquet"), or None.
    rows : how many rows a long table shows.
    """
    return ShownRows(table, saved=saved, rows=rows)


def notebook_display(shell) -> None:
    """How the package's tables, paths and warnings show in a notebook, set once for the session.

    Table cells show their whole text (pandas cuts at 50 characters by default), long text wraps and reads from
    the left; a path shows relative to the output folder or corpus, else to the project or `~`, never as the
    machine's absolute path (reports are shared); a warning shows its file relative too, and the package's own
    warnings (CorpusWarning) show their message alone; no control character of the corpus is obeyed (tables'
    text and HTML show them as symbols, warnings as escapes).

    Parameters
    ----------
    shell : the IPython shell (`get_ipython()`).
    """
    pd.set_option("display.max_colwidth", None)
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, _table_html)
    formatters["text/plain"].for_type(PurePath, _path_text)
    formatters["text/plain"].for_type(pd.DataFrame, _table_text)
    formatters["text/plain"].for_type(pd.Series, _table_text)
    warnings.formatwarning = _warning_text


def _table_text(table, printer, cycle: bool) -> None:
    """pandas' own plain text of a table, its control characters shown (visible_text): a console or a text export
    of the notebook would otherwise obey a corpus's ANSI codes."""
    printer.text(visible_text(repr(table)))


def _table_html(table: pd.DataFrame) -> str | None:
    """pandas' own HTML for a table, in a frame that keeps short values on one line and wraps prose columns,
    aligned left. Cells are found by their position from the row's end, which row labels spanning several rows
    do not shift; a table shown with columns left out ("...") keeps the frontend's own style."""
    markup = table._repr_html_()  # pandas escapes the cells, index and column names
    if markup is None:
        return None
    markup = visible_text(markup)  # a control character or bidi override of the corpus shows, and reverses nothing
    columns = table.shape[1]
    shown = pd.get_option("display.max_columns")
    if shown and columns > shown:
        return markup
    prose = [columns - position for position in range(columns) if _is_prose(table.iloc[:, position])]
    name = "analysis-table-" + "-".join(map(str, [columns, *prose]))
    rules = f"div.{name} td {{ {SHORT_CSS} }}"
    if prose:
        rules += " " + ", ".join(f"div.{name} td:nth-last-child({k})" for k in prose) + f" {{ {PROSE_CSS} }}"
    return f'<style>{rules}</style><div class="{name}">{markup}</div>'


def _is_prose(values: pd.Series) -> bool:
    """Whether a column holds long text, judged on the rows a notebook shows of a long table (its first and last)."""
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
        return False
    shown = values if len(values) <= 200 else pd.concat([values.head(100), values.tail(100)])
    lengths = [len(value) for value in shown if isinstance(value, str)]
    return bool(lengths) and max(lengths) > LONG_TEXT_CHARS


def _output_folders() -> list:
    """The folders a path is shown relative to: the configured output folder and corpus, when configured."""
    settings = sys.modules.get("analysis.settings")  # not imported here: settings imports this module
    if settings is None or not settings.corpus_named():
        return []
    current = settings.current_settings()
    return [current.out, current.corpus]


def _path_text(path: PurePath, printer, cycle: bool) -> None:
    printer.text(repr(shown_path(path, base=_output_folders())))


def _warning_text(message, category, filename, lineno, line=None) -> str:
    """A warning as a notebook shows it, its control characters escaped (terminal_text) line by line: the
    package's own by their message (it names the file of the corpus they are about), others with their file
    relative to the project or `~`."""
    # A file name's ANSI codes would recolour or hide text in the notebook; a message's own lines stay lines.
    message = "\n".join(terminal_text(line) for line in str(message).split("\n"))
    if category.__module__.split(".")[0] == "analysis":
        return f"{category.__name__}: {message}\n"
    text = f"{shown_path(filename)}:{lineno}: {category.__name__}: {message}\n"
    return text + (f"  {line.strip()}\n" if line and line.strip() else "")
