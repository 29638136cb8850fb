"""The settings a notebook runs with: which corpus, which group column, where figures go.

A notebook's `parameters` cell holds UPPER_CASE values (None by default) and
passes them to `configure`; anything left None comes from the environment
(`ANALYSIS_CORPUS`, `ANALYSIS_GROUP`, `ANALYSIS_OUT`, `ANALYSIS_COLUMNS`, `ANALYSIS_EVENT`, `ANALYSIS_CODES`), so
`python -m analysis run`, papermill and plain `jupyter nbconvert --execute`
all work. `save_figure` reads the configured settings for the output folder,
the notebook's name and the corpus to fingerprint.
"""

from __future__ import annotations

import difflib
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.corpus import CorpusError, CorpusWarning
from analysis.pipeline import load_articles  # also reads a folder written by process_corpus
from analysis.paths import (
    ENV_CODES,
    ENV_COLUMNS,
    ENV_CORPUS,
    ENV_EVENT,
    ENV_GROUP,
    ENV_OUT,
    SEEDS_DIR,
    SEEDS_EVENT,
    figures_dir,
)
from analysis.tables import fill_missing_groups, group_columns


@dataclass(frozen=True)
class Settings:
    """Where the data comes from and where the figures go."""

    corpus: Path
    group: str = "outlet"
    out: Path = field(default_factory=figures_dir)
    columns: dict[str, str] = field(default_factory=dict)
    notebook: str | None = None
    event: str = SEEDS_EVENT
    codes: Path | None = None

    def load(self) -> pd.DataFrame:
        """The corpus's articles (see load_articles), with the column mapping applied.

        Checks that the group column exists, and gives articles without a value in it
        the group "unknown" (with a CorpusWarning naming them), so no article drops out.
        """
        articles = load_articles(self.corpus, **self.columns)
        check_group(articles, self.group, self.corpus)
        empty = articles[self.group].isna()
        if empty.any():
            warnings.warn(f"{self.corpus}: {int(empty.sum())} article(s) have no {self.group!r} "
                          f"({', '.join(articles.loc[empty, 'doc_id'][:5])}); grouped as 'unknown'",
                          CorpusWarning, stacklevel=2)
        return fill_missing_groups(articles, self.group)


def check_group(articles: pd.DataFrame, group: str, corpus: str | Path) -> None:
    """Raise CorpusError when `group` is not a column of the articles, naming the columns to group by and the
    closest column name.

    Parameters
    ----------
    articles : the corpus's articles.
    group : the column to compare by.
    corpus : where the articles come from, for the message.
    """
    if group in articles.columns:
        return
    close = difflib.get_close_matches(group, list(articles.columns), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise CorpusError(f"{corpus}: no column {group!r} to group by; group by one of {group_columns(articles)}{hint}")


_current: Settings | None = None


def parse_columns(spec: str | dict | None) -> dict[str, str]:
    """'text=content_original,outlet=source' -> {'text': 'content_original', 'outlet': 'source'}."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        return dict(spec)
    pairs = {}
    for item in spec.split(","):
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ValueError(f"column mapping {item!r} is not of the form ours=theirs (in {spec!r})")
        pairs[ours.strip()] = theirs.strip()
    return pairs


def configure(
    *,
    notebook: str | None = None,
    corpus: str | Path | None = None,
    group: str | None = None,
    out: str | Path | None = None,
    columns: str | dict | None = None,
    event: str | None = None,
    codes: str | Path | None = None,
) -> Settings:
    """Fix this session's settings; None means: from the environment, else the default.

    Parameters
    ----------
    notebook : the notebook's name, recorded with each figure ("01-corpus").
    corpus : corpus folder or table (default $ANALYSIS_CORPUS, else the project's seeds).
    group : the column to compare by (default $ANALYSIS_GROUP, else "outlet").
    out : folder for figures (default $ANALYSIS_OUT, else the project's figures/).
    columns : field mapping for tables, "text=content_original,outlet=source" or a dict.
    event : the event's date, from which coverage is timed (default $ANALYSIS_EVENT, else the
        seeds' event, 2020-01-03).
    codes : filled coding sheets for notebook 07, a file or a folder of them (default $ANALYSIS_CODES, else none).

    Returns the Settings; pass them to save_figure(..., settings=...), which
    otherwise uses the ones configured last.
    """
    global _current
    _current = Settings(
        corpus=Path(corpus or os.environ.get(ENV_CORPUS) or SEEDS_DIR),
        group=group or os.environ.get(ENV_GROUP) or "outlet",
        out=Path(out or os.environ.get(ENV_OUT) or figures_dir()),
        columns=parse_columns(columns if columns is not None else os.environ.get(ENV_COLUMNS)),
        notebook=notebook,
        event=event or os.environ.get(ENV_EVENT) or SEEDS_EVENT,
        codes=Path(codes or os.environ.get(ENV_CODES)) if (codes or os.environ.get(ENV_CODES)) else None,
    )
    return _current


def current_settings() -> Settings:
    """The configured settings, or the environment's if `configure` was never called."""
    return _current or configure()
