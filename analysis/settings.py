"""The settings a notebook runs with: which corpus, which group column, where figures go.

A notebook's `parameters` cell holds UPPER_CASE values (None by default) and
passes them to `configure`; anything left None comes from the environment
(`ANALYSIS_CORPUS`, `ANALYSIS_GROUP`, `ANALYSIS_OUT`, `ANALYSIS_COLUMNS`), so
`python -m analysis run`, papermill and plain `jupyter nbconvert --execute`
all work. `save_figure` reads the configured settings for the output folder,
the notebook's name and the corpus to fingerprint.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.corpus import load_articles
from analysis.paths import (
    ENV_COLUMNS,
    ENV_CORPUS,
    ENV_GROUP,
    ENV_OUT,
    SEEDS_DIR,
    figures_dir,
)


@dataclass(frozen=True)
class Settings:
    """Where the data comes from and where the figures go."""

    corpus: Path
    group: str = "outlet"
    out: Path = field(default_factory=figures_dir)
    columns: dict[str, str] = field(default_factory=dict)
    notebook: str | None = None

    def load(self) -> pd.DataFrame:
        """The corpus's articles (see load_articles), with the column mapping applied."""
        return load_articles(self.corpus, **self.columns)


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
) -> Settings:
    """Fix this session's settings; None means: from the environment, else the default.

    Defaults: the project's seeds, group by `outlet`, figures into `figures/`.
    Returns the Settings, which `save_figure` also uses.
    """
    global _current
    _current = Settings(
        corpus=Path(corpus or os.environ.get(ENV_CORPUS) or SEEDS_DIR),
        group=group or os.environ.get(ENV_GROUP) or "outlet",
        out=Path(out or os.environ.get(ENV_OUT) or figures_dir()),
        columns=parse_columns(columns if columns is not None else os.environ.get(ENV_COLUMNS)),
        notebook=notebook,
    )
    return _current


def current_settings() -> Settings:
    """The configured settings, or the environment's if `configure` was never called."""
    return _current or configure()
