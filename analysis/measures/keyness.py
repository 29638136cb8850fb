"""Distinctive words: the weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.cache import memoised
from analysis.language.tokens import content_words
from analysis.tables import By, require_by, require_columns

#: a_0, the prior's total weight, spread over words by their corpus frequency.
PRIOR = 100.0


@memoised
def keyness(sentences: pd.DataFrame, *, by: By = "outlet", prior: float | pd.Series = PRIOR) -> pd.DataFrame:
    """Distinctive words of each group against all the others.

    For word w, group i and the rest j:
    delta = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w)),
    var = 1 / (y_i + a_w) + 1 / (y_j + a_w), z = delta / sqrt(var).
    Words are content words (`content_words`: no stop words, numbers or single letters).

    Parameters
    ----------
    sentences : any table with `text` and the `by` column(s).
    by : the group column, or a list of them.
    prior : a_0, the prior's total weight, spread over words by their frequency
        in the whole corpus (a_w = a_0 * count_w / N); or a Series of a_w per word.

    Returns
    -------
    DataFrame with the `by` column(s), `term`, `n` (uses in the group),
    `log_odds` (delta) and `z`, for every word the group uses, sorted by group
    then descending z.
    """
    groups = require_by(sentences, by, "keyness")
    require_columns(sentences, ("text",), "keyness")
    tokens = pd.DataFrame(
        [(*values, token) for *values, text in sentences[[*groups, "text"]].itertuples(index=False, name=None)
         for token in content_words(text if isinstance(text, str) else "")],
        columns=[*groups, "term"],
    )
    counts = tokens.groupby([*groups, "term"]).size().unstack("term", fill_value=0).astype(float)
    totals = counts.sum(axis=0)
    if isinstance(prior, pd.Series):
        alpha = prior.reindex(counts.columns).fillna(0.0).astype(float)
    else:
        alpha = float(prior) * totals / totals.sum()
    alpha0 = float(alpha.sum())
    n_all = float(totals.sum())
    rows = []
    for key, y_i in counts.iterrows():
        values = key if isinstance(key, tuple) else (key,)
        y_j = totals - y_i
        n_i = float(y_i.sum())
        n_j = n_all - n_i
        delta = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha))
        z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        used = y_i > 0
        rows.append(pd.DataFrame({
            **{column: value for column, value in zip(groups, values)},
            "term": counts.columns[used], "n": y_i[used].astype("int64").to_numpy(),
            "log_odds": delta[used].to_numpy(), "z": z[used].to_numpy(),
        }))
    columns = [*groups, "term", "n", "log_odds", "z"]
    result = pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)
    return result.sort_values([*groups, "z", "term"], ascending=[True] * len(groups) + [False, True],
                              kind="stable").reset_index(drop=True)
