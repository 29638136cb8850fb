"""The settings a notebook runs with: which corpus, which group column, where figures go.

A notebook's `parameters` cell holds UPPER_CASE values (None by default) and
passes them to `configure`; anything left None comes from the environment
(`ANALYSIS_CORPUS`, `ANALYSIS_GROUP`, `ANALYSIS_OUT`, `ANALYSIS_COLUMNS`, `ANALYSIS_EVENT`, `ANALYSIS_CODES`,
`ANALYSIS_DAYFIRST`), so
`python -m analysis run`, papermill and plain `jupyter nbconvert --execute`
all work. `save_figure` reads the configured settings for the output folder,
the notebook's name and the corpus to fingerprint; given no settings in a session that never named its corpus
(no `configure`, no $ANALYSIS_CORPUS), it refuses rather than record the seeds by guess (corpus_named).
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
    ENV_DAYFIRST,
    ENV_EVENT,
    ENV_GROUP,
    ENV_OUT,
    SEEDS_DIR,
    SEEDS_EVENT,
    figures_dir,
    shown_path,
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
    dayfirst: bool | None = None

    def load(self) -> pd.DataFrame:
        """The corpus's articles (see load_articles), with the column mapping and the date order applied.

        Checks that the group column exists, and gives articles without a value in it
        the group "unknown" (with a CorpusWarning naming them), so no article drops out.
        """
        articles = load_articles(self.corpus, dayfirst=self.dayfirst, **self.columns)
        check_group(articles, self.group, self.corpus)
        empty = articles[self.group].isna()
        if empty.any():
            warnings.warn(f"{shown_path(self.corpus)}: {int(empty.sum())} article(s) have no {self.group!r} "
                          f"({', '.join(articles.loc[empty, 'doc_id'][:5])}); grouped as 'unknown'",
                          CorpusWarning, stacklevel=2)
        return fill_missing_groups(articles, self.group)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """How a notebook shows the settings (IPython): paths relative to the project or `~`, never the machine's
        absolute ones, and the output folder as the one holding the report's `reports/` when it lies elsewhere."""
        shown = {"corpus": shown_path(self.corpus), "group": self.group,
                 "out": shown_path(self.out, outside="the output folder"), "columns": self.columns,
                 "notebook": self.notebook, "event": self.event,
                 "codes": None if self.codes is None else shown_path(self.codes), "dayfirst": self.dayfirst}
        printer.text("Settings(" + ", ".join(f"{name}={value!r}" for name, value in shown.items()) + ")")


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
    raise CorpusError(f"{shown_path(corpus)}: no column {group!r} to group by; group by one of {group_columns(articles)}{hint}")


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


def parse_dayfirst(value: str | bool | None) -> bool | None:
    """$ANALYSIS_DAYFIRST as load_articles' dayfirst: yes/true/1/dayfirst -> True, no/false/0/monthfirst -> False,
    empty -> None (decide from the dates); anything else is a ValueError naming it.

    Parameters
    ----------
    value : the setting, as text (or already a bool or None).
    """
    if value is None or isinstance(value, bool):
        return value
    word = value.strip().lower()
    if not word:
        return None
    if word in ("yes", "true", "1", "dayfirst", "day"):
        return True
    if word in ("no", "false", "0", "monthfirst", "month"):
        return False
    raise ValueError(f"{ENV_DAYFIRST}={value!r}: say yes (05/01/2020 is 5 January) or no (it is 1 May)")


def configure(
    *,
    notebook: str | None = None,
    corpus: str | Path | None = None,
    group: str | None = None,
    out: str | Path | None = None,
    columns: str | dict | None = None,
    event: str | None = None,
    codes: str | Path | None = None,
    dayfirst: bool | str | None = None,
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
    dayfirst : how numeric dates such as 05/01/2020 are read (load_articles' dayfirst): True day first, False
        month first (default $ANALYSIS_DAYFIRST, yes or no; else decided from the corpus's dates).

    Returns the Settings; pass them to save_figure(..., settings=...), which
    otherwise uses the ones configured last.
    """
    global _current
    _current = _resolve(notebook=notebook, corpus=corpus, group=group, out=out, columns=columns, event=event,
                        codes=codes, dayfirst=dayfirst)
    return _current


def _resolve(*, notebook=None, corpus=None, group=None, out=None, columns=None, event=None, codes=None,
             dayfirst=None) -> Settings:
    """configure's Settings, without making them this session's."""
    return Settings(
        corpus=Path(corpus or os.environ.get(ENV_CORPUS) or SEEDS_DIR),
        group=group or os.environ.get(ENV_GROUP) or "outlet",
        out=Path(out or os.environ.get(ENV_OUT) or figures_dir()),
        columns=parse_columns(columns if columns is not None else os.environ.get(ENV_COLUMNS)),
        notebook=notebook,
        event=event or os.environ.get(ENV_EVENT) or SEEDS_EVENT,
        codes=Path(codes or os.environ.get(ENV_CODES)) if (codes or os.environ.get(ENV_CODES)) else None,
        dayfirst=parse_dayfirst(dayfirst if dayfirst is not None else os.environ.get(ENV_DAYFIRST)),
    )


def current_settings() -> Settings:
    """The configured settings, or the environment's if `configure` was never called (without making them the
    session's: see corpus_named)."""
    return _current or _resolve()


def corpus_named() -> bool:
    """Whether this session has said which corpus its outputs come from: `configure` was called (a notebook's
    parameters cell does), or $ANALYSIS_CORPUS is set (as a kernel of `python -m analysis run`, or of papermill or
    nbconvert run with it, sees). Otherwise save_figure, given no settings, would record the seeds by guess for
    whatever corpus made the figure, and refuses instead."""
    return _current is not None or bool(os.environ.get(ENV_CORPUS))
