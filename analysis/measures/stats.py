"""Resampling intervals that are honest about small corpora.

Articles are the independent units, so a group's interval resamples its
articles. A group with fewer than MIN_ARTICLES_FOR_INTERVAL articles gets no
interval (NaN): two to four articles give only a handful of distinct resamples
and an interval narrower than a large group's, and resampling the sentences of
one article treats them as independent; either way the interval would not be
the group's. The `resampled` column says which was done, in words.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy.stats import binomtest

#: Bootstrap replicates; enough for stable 2.5% / 97.5% percentiles.
REPLICATES = 2000
#: bootstrap_ratio gathers at most this many numbers at a time (8 bytes each): memory stays flat in group size.
BOOTSTRAP_CELLS = 2**22
#: Default seed: the date of the strike.
SEED = 20200103
#: The fewest articles a group needs for an interval. Two articles have 3 distinct resamples, four have 35: the
#: percentiles of so few values make an interval narrower than that of an outlet with 26 articles.
MIN_ARTICLES_FOR_INTERVAL = 5
#: The `resampled` value of a group whose interval resamples its articles, and of a group without an interval.
BY_ARTICLES = "articles"
NO_INTERVAL = f"none: fewer than {MIN_ARTICLES_FOR_INTERVAL} articles"


def group_rng(group, seed: int = SEED) -> np.random.Generator:
    """A generator seeded by `seed` and the group's name, so a group's interval does not
    change when other groups are added or reordered."""
    return np.random.default_rng([seed, zlib.crc32(str(group).encode("utf-8"))])


def bootstrap_ratio(
    numerators: np.ndarray,
    denominators: np.ndarray,
    *,
    scale: float = 1.0,
    rng: np.random.Generator,
    replicates: int = REPLICATES,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of scale * sum(numerators) / sum(denominators) over resampled units.

    Parameters
    ----------
    numerators : (units,) or (units, k) array; one column per ratio sharing the denominators.
    denominators : (units,) array.

    Returns (low, high), each of shape (k,) (or scalars' arrays of shape (1,)).
    NaN where every replicate has a zero denominator.
    """
    numerators = np.asarray(numerators, dtype=float)
    if numerators.ndim == 1:
        numerators = numerators[:, None]
    denominators = np.asarray(denominators, dtype=float)
    units = len(denominators)
    if units == 0:
        nan = np.full(numerators.shape[1], np.nan)
        return nan, nan
    # Replicates drawn BOOTSTRAP_CELLS numbers at a time (a group of 20,000 articles and 50 families would
    # otherwise gather 2 billion); the same draws, in the same order, and the same sums as all at once.
    tops, bottoms = np.empty((replicates, numerators.shape[1])), np.empty((replicates, 1))
    step = max(1, BOOTSTRAP_CELLS // max(units * numerators.shape[1], 1))
    for begin in range(0, replicates, step):
        picks = rng.integers(0, units, size=(min(step, replicates - begin), units))
        tops[begin:begin + len(picks)] = numerators[picks].sum(axis=1)
        bottoms[begin:begin + len(picks), 0] = denominators[picks].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bottoms > 0, scale * tops / bottoms, np.nan)
    tail = (1 - level) / 2 * 100
    if np.isnan(ratios).all():
        nan = np.full(numerators.shape[1], np.nan)
        return nan, nan
    # nanpercentile is percentile for arrays without NaN, at several times the cost; most have none.
    quantile = np.nanpercentile if np.isnan(ratios).any() else np.percentile
    low, high = quantile(ratios, [tail, 100 - tail], axis=0)
    return low, high


def bootstrap_mean(values: np.ndarray, units: np.ndarray, *, rng: np.random.Generator, replicates: int = REPLICATES, level: float = 0.95):
    """Percentile interval of the mean of `values`, resampling the clusters given by `units`.

    With every value its own unit this is the ordinary bootstrap of the mean.
    """
    values = np.asarray(values, dtype=float)
    codes, inverse = np.unique(np.asarray(units), return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(codes))
    counts = np.bincount(inverse, minlength=len(codes)).astype(float)
    return bootstrap_ratio(sums, counts, rng=rng, replicates=replicates, level=level)


def resampling(articles: int) -> str:
    """What a group's interval resamples, in the words of the `resampled` column: BY_ARTICLES for a group of at
    least MIN_ARTICLES_FOR_INTERVAL articles, else NO_INTERVAL."""
    return BY_ARTICLES if articles >= MIN_ARTICLES_FOR_INTERVAL else NO_INTERVAL


def article_interval(
    numerators: np.ndarray,
    denominators: np.ndarray,
    *,
    scale: float = 1.0,
    rng: np.random.Generator,
    replicates: int = REPLICATES,
    level: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, str]:
    """bootstrap_ratio over a group's articles (one row of `numerators` and `denominators` each), or no interval
    (NaN) when the group has fewer than MIN_ARTICLES_FOR_INTERVAL articles.

    Returns (low, high, resampled): the arrays of bootstrap_ratio and the `resampled` words (resampling).
    """
    numerators = np.asarray(numerators, dtype=float)
    resampled = resampling(len(denominators))
    if resampled != BY_ARTICLES:
        # No draw from `rng`: the intervals of larger groups sharing it stay what they were.
        nan = np.full(numerators.shape[1] if numerators.ndim == 2 else 1, np.nan)
        return nan, nan.copy(), resampled
    low, high = bootstrap_ratio(numerators, denominators, scale=scale, rng=rng, replicates=replicates, level=level)
    return low, high, resampled


def article_mean_interval(values: np.ndarray, articles: np.ndarray, *, rng: np.random.Generator,
                          replicates: int = REPLICATES, level: float = 0.95) -> tuple[float, float, str]:
    """Interval of the mean of `values` (one per sentence) resampling the `articles` they belong to, or no interval
    (NaN) when there are fewer than MIN_ARTICLES_FOR_INTERVAL distinct articles.

    Returns (low, high, resampled).
    """
    values = np.asarray(values, dtype=float)
    codes, inverse = np.unique(np.asarray(articles), return_inverse=True)
    sums = np.bincount(inverse, weights=values, minlength=len(codes))
    counts = np.bincount(inverse, minlength=len(codes)).astype(float)
    low, high, resampled = article_interval(sums, counts, rng=rng, replicates=replicates, level=level)
    return float(low[0]), float(high[0]), resampled


def sign_test(below: int, above: int) -> float:
    """Two-sided exact sign test: the chance of a split at least this uneven if either side were as likely.

    Parameters
    ----------
    below : the count on one side (e.g. headlines more negative than their body).
    above : the count on the other side; ties are left out of both.

    Returns the p-value of scipy.stats.binomtest(below, below + above, 0.5), 1.0 when both counts are zero.
    """
    n = below + above
    if n == 0:
        return 1.0
    return float(binomtest(below, n, 0.5, alternative="two-sided").pvalue)
