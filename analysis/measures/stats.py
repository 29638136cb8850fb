"""Resampling intervals that are honest about small corpora.

A group with several articles is resampled by article (articles are the
independent units); a group with a single article can only be resampled by
sentence, which understates the uncertainty about the outlet: the `resampled`
column says which was done.
"""

from __future__ import annotations

import zlib

import numpy as np

#: Bootstrap replicates; enough for stable 2.5% / 97.5% percentiles.
REPLICATES = 2000
#: Default seed: the date of the strike.
SEED = 20200103


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
    picks = rng.integers(0, units, size=(replicates, units))
    tops = numerators[picks].sum(axis=1)  # (replicates, k)
    bottoms = denominators[picks].sum(axis=1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bottoms > 0, scale * tops / bottoms, np.nan)
    tail = (1 - level) / 2 * 100
    if np.isnan(ratios).all():
        nan = np.full(numerators.shape[1], np.nan)
        return nan, nan
    low, high = np.nanpercentile(ratios, [tail, 100 - tail], axis=0)
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
