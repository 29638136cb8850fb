"""Are two groups different? Differences, effect sizes, permutation p-values and Benjamini-Hochberg q-values.

Articles are the independent units: a comparison permutes whole articles between
the two sides when each side has at least two, and falls back to permuting
sentences (rows) otherwise, which treats the sentences of one article as
independent and so overstates the evidence; the `resampled` column says which.
A permutation test stays valid with few articles (it only loses power), unlike a
bootstrap interval, so it needs two articles a side, not MIN_ARTICLES_FOR_INTERVAL.
The articles and rows behind each side are given, so that a reader (and the
Findings) can leave out a difference that rests on one article or a few sentences.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from analysis.cache import memoised
from analysis.language.tokens import count_words
from analysis.measures.corrected import compare_corrected
from analysis.measures.stats import SEED, group_rng
from analysis.tables import require_by, require_columns

PERMUTATIONS = 1999  # p-values in steps of 1/2000
CHUNK = 200  # permutations drawn at once: bounded memory on long tables
MANY_GROUPS = 6  # past this many groups, compare each with the rest rather than every pair



@memoised
def compare_groups(
    table: pd.DataFrame,
    *,
    by: str = "outlet",
    value: str,
    weight: str | None = None,
    unit: str = "doc_id",
    against: str | None = None,
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
    codes: str | None = None,
    probability: str | None = None,
) -> pd.DataFrame:
    """Compare the groups of `by` on the mean of `value`, pair by pair or each against the rest.

    Parameters
    ----------
    table : one row per observation (sentence, mention or article) with `by`, `value` and `unit`.
    by : the group column.
    value : the numeric column compared (e.g. `compound`; 0/1 for a share).
    weight : optional column of weights; a side's mean is sum(value * weight) / sum(weight)
        (with value = matches / words and weight = words, the rate per word).
    unit : the column naming the independent units (articles); rows without one are an error.
    against : "each" (every pair of groups) or "rest" (each group against all others);
        default "each" up to MANY_GROUPS groups, else "rest".
    permutations : number of random relabellings behind each p-value.
    seed : seed of the permutations (combined with the names compared, so adding a group
        leaves the other comparisons unchanged).
    codes : optional column of hand codes on `value`'s scale (missing where a row was not coded, the coded rows
        a random sample as `sample_for_coding` draws): then the groups are compared on their corrected estimates
        and the result is compare_corrected's (`difference`, `low`, `high`, `p`, `q`; see
        analysis/measures/corrected.py), with `value` as the prediction and `unit` as the cluster.
    probability : with `codes`, the column of each coded row's inclusion probability (sample_for_coding's
        `inclusion_probability`): a group compared with "the rest" pools strata sampled at different rates.

    Returns one row per comparison: `<by>_a`, `<by>_b` (a group, and the other group or
    "rest"), `value`, `mean_a`, `mean_b`, `difference` (a - b of the pooled means), `effect_size`
    (Hedges' g over the resampled units' own means, unweighted, so with weights its sign can
    differ from `difference`'s; NaN where a side has one unit), `n_a`, `n_b` (units),
    `resampled` ("articles" or "sentences"), `p` (two-sided permutation p-value), `q`
    (Benjamini-Hochberg over all rows), `articles_a`, `articles_b` (distinct `unit`s of each side) and
    `sentences_a`, `sentences_b` (rows of each side with a `value`: its sentences, in a sentence table).
    Rows without a `value` are left out of both sides; a comparison where either side has no rows gets NaN
    statistics.
    """
    if codes is not None:
        if weight is not None:
            raise ValueError("compare_groups: corrected comparisons (codes=...) take no weight")
        return compare_corrected(table, prediction=value, code=codes, by=by, cluster=unit, against=against,
                                 probability=probability)
    require_columns(table, [value, unit] + ([weight] if weight else []), "compare_groups")
    columns = require_by(table, by, "compare_groups")
    if len(columns) != 1:
        raise ValueError(f"compare_groups: compare by one column, not {columns}; combine them into one column first")
    by = columns[0]
    rows = table[table[value].notna()]
    groups = sorted(rows[by].dropna().unique(), key=str)
    against = against or ("each" if len(groups) <= MANY_GROUPS else "rest")
    if against not in ("each", "rest"):
        raise ValueError(f"compare_groups: against must be 'each' or 'rest', not {against!r}")
    pairs = list(combinations(groups, 2)) if against == "each" else [(group, "rest") for group in groups]
    results = []
    for a, b in pairs:
        side_a = rows[rows[by] == a]
        side_b = rows[rows[by] != a] if b == "rest" else rows[rows[by] == b]
        results.append({f"{by}_a": a, f"{by}_b": b, "value": value,
                        **_compare(side_a, side_b, value, weight, unit, permutations,
                                   group_rng(f"{a}\x00{b}\x00{value}", seed)),
                        **_side_sizes(side_a, side_b, unit)})
    result = pd.DataFrame(results, columns=[f"{by}_a", f"{by}_b", "value", "mean_a", "mean_b", "difference",
                                            "effect_size", "n_a", "n_b", "resampled", "p", *SIDE_SIZES])
    sizes = result[list(SIDE_SIZES)].astype("int64")
    return result.drop(columns=list(SIDE_SIZES)).assign(q=bh_qvalues(result["p"].to_numpy(dtype=float)), **sizes)


#: The columns of compare_groups that say how much stands behind each side.
SIDE_SIZES = ("articles_a", "articles_b", "sentences_a", "sentences_b")


def _side_sizes(side_a: pd.DataFrame, side_b: pd.DataFrame, unit: str) -> dict:
    """The articles (distinct units) and rows of each side."""
    return dict(articles_a=side_a[unit].nunique(), articles_b=side_b[unit].nunique(),
                sentences_a=len(side_a), sentences_b=len(side_b))


def _compare(side_a, side_b, value, weight, unit, permutations, rng) -> dict:
    by_articles = side_a[unit].nunique() >= 2 and side_b[unit].nunique() >= 2
    sums_a, weights_a = _units(side_a, value, weight, unit if by_articles else None)
    sums_b, weights_b = _units(side_b, value, weight, unit if by_articles else None)
    if not len(sums_a) or not len(sums_b):
        return dict(mean_a=np.nan, mean_b=np.nan, difference=np.nan, effect_size=np.nan, n_a=len(sums_a),
                    n_b=len(sums_b), resampled="articles" if by_articles else "sentences", p=np.nan)
    mean_a, mean_b = sums_a.sum() / weights_a.sum(), sums_b.sum() / weights_b.sum()
    sums, weights = np.concatenate([sums_a, sums_b]), np.concatenate([weights_a, weights_b])
    observed = mean_a - mean_b
    null = _permuted_differences(sums, weights, len(sums_a), permutations, rng)
    # The tolerance keeps ties with the observed difference from being lost to rounding.
    extreme = np.count_nonzero(np.abs(null) >= abs(observed) - 1e-12)
    return dict(mean_a=mean_a, mean_b=mean_b, difference=observed,
                effect_size=_hedges_g(sums_a / weights_a, sums_b / weights_b),
                n_a=len(sums_a), n_b=len(sums_b), resampled="articles" if by_articles else "sentences",
                p=(1 + extreme) / (1 + permutations))


def _units(rows: pd.DataFrame, value: str, weight: str | None, unit: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the weighted sum of values and the sum of weights (rows are their own units when `unit` is None)."""
    weights = rows[weight].to_numpy(dtype=float) if weight else np.ones(len(rows))
    sums = rows[value].to_numpy(dtype=float) * weights
    if unit is None:
        keep = weights > 0
        return sums[keep], weights[keep]
    grouped = pd.DataFrame({"unit": rows[unit].to_numpy(), "s": sums, "w": weights}).groupby("unit", sort=True).sum()
    grouped = grouped[grouped["w"] > 0]
    return grouped["s"].to_numpy(), grouped["w"].to_numpy()


def _permuted_differences(sums, weights, size_a, permutations, rng) -> np.ndarray:
    """Side a's mean minus side b's after random relabelling of the units, `permutations` times."""
    total_sum, total_weight = sums.sum(), weights.sum()
    differences = []
    for start in range(0, permutations, CHUNK):
        count = min(CHUNK, permutations - start)
        chosen = rng.random((count, len(sums))).argpartition(size_a - 1, axis=1)[:, :size_a]
        sum_a, weight_a = sums[chosen].sum(axis=1), weights[chosen].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            differences.append(sum_a / weight_a - (total_sum - sum_a) / (total_weight - weight_a))
    return np.concatenate(differences)


def _hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference with the small-sample correction; NaN when a side has one unit."""
    if len(a) < 2 or len(b) < 2:
        return np.nan
    pooled = np.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    if pooled == 0:
        return np.nan
    correction = 1 - 3 / (4 * (len(a) + len(b)) - 9)
    return float((a.mean() - b.mean()) / pooled * correction)


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values (false discovery rate) of the p-values; NaN stays NaN and is not counted.

    Parameters
    ----------
    p : one-dimensional array of p-values in [0, 1], NaN where there is none.

    Returns an array of p's shape: scipy.stats.false_discovery_control over the present p-values.
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    present = ~np.isnan(p)
    if present.any():
        # scipy refuses NaN, so the missing p-values are left out of the count as well as the answer.
        q[present] = false_discovery_control(p[present], method="bh")
    return q


@memoised
def count_per_sentence(sentences: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Every sentence with how many of the `found` rows (term hits, frame cues) stand in it: the table to compare on.

    Parameters
    ----------
    sentences : table from split_sentences (`doc_id`, `section`, `sent_id`, `text`).
    found : rows located by `doc_id`, `section`, `sent_id` (find_terms, code_frames, ...).

    Returns the sentences with `words`, `n` (rows of `found` in the sentence),
    `per_word` (n / words, 0 for a sentence without words) and `present` (1.0 if n > 0, else 0.0).
    """
    keys = ["doc_id", "section", "sent_id"]
    require_columns(sentences, [*keys, "text"], "count_per_sentence")
    require_columns(found, keys, "count_per_sentence")
    counts = found.groupby(keys, sort=False).size().rename("n").reset_index()
    table = sentences.merge(counts, on=keys, how="left")
    words = np.array([count_words(text) for text in table["text"]], dtype=float)
    n = table["n"].fillna(0).to_numpy(dtype=float)
    return table.assign(words=words, n=n, per_word=np.divide(n, words, out=np.zeros_like(n), where=words > 0),
                        present=(n > 0).astype(float))
