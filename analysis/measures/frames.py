"""Frames: which news frames each outlet's sentences invoke, from cue words (Field et al. 2018 style).

Cue lists live in `analysis/data/frames.csv` (`frame, pattern, note`): the five
generic frames of Semetko & Valkenburg (2000) and issue frames for this event.
A sentence invokes a frame when it holds at least `min_cues` of its cues.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.language.lexicon import load_lexicon
from analysis.measures.stats import REPLICATES, SEED, article_interval, group_rng
from analysis.measures.terms import find_terms
from analysis.paths import data_file
from analysis.tables import By, group_key, require_by, require_columns


def load_frames(lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The frame cue lexicon as a terms lexicon (concept = family = frame)."""
    table = lexicon if isinstance(lexicon, pd.DataFrame) else pd.read_csv(
        lexicon or data_file("frames.csv"), dtype=str, keep_default_na=False)
    missing = [column for column in ("frame", "pattern") if column not in table.columns]
    if missing:
        raise ValueError(f"frame lexicon: missing column(s) {missing}; it needs frame, pattern")
    return table.assign(concept=table["frame"], family=table["frame"])


@lru_cache(maxsize=1)
def _shipped_frames():
    """The shipped frame cues compiled once per process (code_frames runs once per batch of articles)."""
    return load_lexicon(load_frames(None))


def code_frames(sentences: pd.DataFrame, *, lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Every frame cue in the sentences.

    Parameters
    ----------
    sentences : sentence table (needs `doc_id`, `text`).
    lexicon : frame cues (DataFrame or CSV with `frame, pattern`); default the shipped frames.csv.

    Returns
    -------
    DataFrame, one row per cue match: `doc_id`, group columns, `section`,
    `sent_id`, `frame`, `pattern`, `match`, `quoted`.
    """
    require_columns(sentences, ("doc_id", "text"), "code_frames")
    hits = find_terms(sentences, lexicon=_shipped_frames() if lexicon is None else load_frames(lexicon))
    hits = hits.rename(columns={"concept": "frame"}).drop(columns=["family", "start", "end"])
    return hits


def frame_shares(
    cues: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    by: By = "outlet",
    lexicon: pd.DataFrame | str | Path | None = None,
    min_cues: int = 1,
    seed: int = SEED,
    replicates: int = REPLICATES,
) -> pd.DataFrame:
    """Share of each group's sentences that invoke each frame, with 95% bootstrap intervals.

    Counting cue sentences agrees little with trained coders on the generic frames (ROC AUC 0.46 to 0.77 on the
    Narrative Frames Corpus); `article_frame_shares` gives the share of articles by the codebook model of
    `article_frames` instead (0.66 to 0.88).

    Parameters
    ----------
    cues : table from code_frames on `sentences`.
    sentences : the sentence table (needs `doc_id`, `sent_id` and the `by` column(s)).
    by : the group column, or a list of them.
    lexicon : the frame lexicon the cues came from (lists frames without a cue).
    min_cues : cues a sentence needs to invoke a frame.
    seed, replicates : the bootstrap's seed and number of replicates.

    Returns
    -------
    DataFrame, one row per group x frame: the `by` column(s), `frame`, `n`
    (sentences invoking it), `sentences` (all sentences of the group), `share`,
    `low`, `high` (95% interval over articles; NaN where the group has fewer than
    MIN_ARTICLES_FOR_INTERVAL), `resampled` ("articles", or "none: fewer than 5
    articles") and `cues` (cue matches).
    """
    groups = require_by(sentences, by, "frame_shares (sentences)")
    require_columns(cues, ("doc_id", "sent_id", "frame"), "frame_shares (cues)")
    require_columns(sentences, ("doc_id", "sent_id"), "frame_shares (sentences)")
    frames = list(dict.fromkeys(load_frames(lexicon)["frame"]))
    per_sentence = cues.groupby(["doc_id", "sent_id", "frame"]).size().unstack("frame", fill_value=0)
    per_sentence = per_sentence.reindex(columns=frames, fill_value=0)
    keyed = sentences[[*groups, "doc_id", "sent_id"]].merge(per_sentence, left_on=["doc_id", "sent_id"],
                                                            right_index=True, how="left").fillna({f: 0 for f in frames})
    invokes = keyed[frames].to_numpy() >= min_cues
    cue_counts = keyed[frames].to_numpy()
    rows = []
    for key, index in keyed.groupby(groups, sort=True).indices.items():
        values = key if isinstance(key, tuple) else (key,)
        part = keyed.iloc[index]
        codes, inverse = np.unique(part["doc_id"].to_numpy(), return_inverse=True)
        numerators = np.zeros((len(codes), len(frames)))
        np.add.at(numerators, inverse, invokes[index])
        denominators = np.bincount(inverse, minlength=len(codes)).astype(float)
        low, high, resampled = article_interval(numerators, denominators, rng=group_rng(group_key(values), seed),
                                                replicates=replicates)
        for j, frame in enumerate(frames):
            n = int(invokes[index, j].sum())
            rows.append((*values, frame, n, len(part), n / len(part), low[j], high[j],
                         resampled, int(cue_counts[index, j].sum())))
    columns = [*groups, "frame", "n", "sentences", "share", "low", "high", "resampled", "cues"]
    return pd.DataFrame(rows, columns=columns)


def most_used_frame(shares: pd.DataFrame) -> str:
    """The frame invoked by the most sentences across all groups (ties: the first in lexicon order).

    Parameters
    ----------
    shares : table from frame_shares (`frame`, `n`).
    """
    require_columns(shares, ("frame", "n"), "most_used_frame")
    if shares.empty:
        raise ValueError("most_used_frame: the frame_shares table is empty")
    return str(shares.groupby("frame", observed=True, sort=False)["n"].sum().idxmax())
