"""Small helpers every stage shares for tidy tables: required columns, group columns, `by=`.

The package's one group concept: any column of the articles table that holds
metadata rather than text (`outlet`, `country`, `ownership`, a user's `desk`)
is copied onto every paragraph, sentence and match row, and every summary
takes `by=` (one column name or a list of them) and keeps those columns under
their own names in its output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

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
