"""Group estimates corrected by a hand-coded random sample: prediction-powered inference on your own corpus.

The automatic measure (VADER, the frame model, the target model) is biased in ways that differ between
groups. If people code a random sample of the corpus's units with the same codebook, the group's mean of
the codes over *all* its units can be estimated without that bias: the machine's mean over every unit,
plus the mean error the coded sample shows,

    estimate = λ · mean(prediction over all units) + mean(code − λ · prediction over the coded units),

which is unbiased whatever the measure's error, because the coded units are a random sample (Angelopoulos
et al. 2023, prediction-powered inference; Egami et al. 2023, design-based supervised learning; the
difference estimator of survey sampling). λ is PPI++'s power tuning (Angelopoulos, Duchi & Zrnic 2023): the
value in [0, 1] that makes the interval narrowest, so the interval is never wider than the one from the
codes alone (λ = 0), and narrower the better the measure tracks the coders.

Why not ppi-python: its mean estimators treat every unit as independent and the unlabelled units as a
separate set, while here sentences and mentions sit in articles (the variance is clustered by article),
the coded units belong to the group whose mean is estimated, and small groups need t quantiles and a
variance that does not collapse when a few codes happen to agree; it also brings numba and a data
downloader. The tuning and the estimator are PPI++'s; tests check them against a hand computation.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from analysis.measures.stats import MIN_ARTICLES_FOR_INTERVAL, SEED, article_mean_interval, group_rng
from analysis.tables import By, by_columns, require_by, require_columns

#: A group's own estimate of the measure's error variance is pooled with the corpus-wide one, weighted as
#: this many articles: with two or three coded articles whose codes happen to agree, the group's own variance
#: is near zero and its interval would be far too narrow.
PRIOR_ARTICLES = 2
#: The values of λ tried (PPI++ tunes λ in [0, 1]); λ = 0 is among them, so the interval is never wider
#: than the codes alone give.
TUNING_GRID = np.linspace(0.0, 1.0, 201)
MANY_GROUPS = 6  # as compare_groups: past this many groups, compare each with the rest


def corrected_estimates(
    units: pd.DataFrame,
    *,
    prediction: str,
    code: str,
    by: By | None,
    cluster: str = "doc_id",
    level: float = 0.95,
    seed: int = SEED,
    probability: str | None = None,
    lam: float | None = None,
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Each group's mean of the coders' value over all its units, estimated from the measure and a coded sample.

    What the estimate means: the share (or mean) the coders would give if they coded every unit of the group
    in this corpus with the same codebook, e.g. the share of an outlet's sentences they would call negative.
    What it assumes: the coded units are a random sample of the group's units (as `sample_for_coding` draws,
    with known inclusion probabilities, equal within a group unless `probability` says otherwise), coded
    without seeing the measure, with the codebook the codes are meant to follow. It does not assume the
    measure is right: its error is estimated from the coded units, group by group.

    Parameters
    ----------
    units : one row per unit (article, sentence or mention) with the `by` columns, `cluster`, `prediction`
        and `code`.
    prediction : numeric column, the measure on the code's scale: 0/1 or a probability for a share, a number
        for a mean. A unit without one is an error.
    code : numeric column, the coders' value where the unit was coded (for a share: 1, 0, or the share of the
        unit's coders who said yes), missing elsewhere.
    by : the group column(s); None: the whole table as one group, named "all".
    cluster : the column naming the independent units (articles): sentences of one article are not
        independent, so the variance and the bootstrap resample whole articles.
    level : the intervals' coverage.
    seed : seed of the naive bootstrap (combined with the group's name).
    probability : optional column of each unit's inclusion probability in the coded sample (sample_for_coding's
        `inclusion_probability`); coded units are then weighted by its inverse (needed when the sample was
        stratified by another column than `by`).
    lam : the power tuning λ; None chooses the value in [0, 1] that minimises the estimated variance (PPI++);
        0 uses the codes alone, 1 is plain prediction-powered inference.
    bounds : the range of the code, to which the intervals are clipped; default (0, 1) when every code lies
        there, else the codes' observed range.

    Returns one row per group: the group columns, `estimate`, `low`, `high` (the corrected estimate and its
    interval: estimate ± t · standard error, t with coded articles − 1 degrees of freedom), `naive`,
    `naive_low`, `naive_high` (the measure alone, as the notebooks show it: mean prediction and a bootstrap
    interval over articles; none where the group has fewer than MIN_ARTICLES_FOR_INTERVAL articles),
    `coded` (coded units), `units`, `coded_articles`, `articles`, `se`, `tuning` (λ), `method`
    ("prediction-powered", "codes only" where λ = 0, or "no coded units") and `naive_interval` (what the naive
    interval resampled, or why there is none).
    """
    groups = _check(units, prediction=prediction, code=code, by=by, cluster=cluster, probability=probability,
                    caller="corrected_estimates")
    if lam is not None and not 0 <= lam <= 1:
        raise ValueError(f"corrected_estimates: lam={lam!r}: the tuning lies between 0 (codes alone) and 1 (plain PPI)")
    low_bound, high_bound = bounds or _code_bounds(units[code])
    span = _code_span(units[code], low_bound, high_bound)
    prior = _pooled_moments(units, prediction, code, cluster)
    alpha = 1 - level
    rows = []
    for key, arrays in _group_arrays(units, groups, prediction=prediction, code=code, cluster=cluster,
                                     probability=probability):
        fit = _corrected_mean(arrays, prior=prior, lam=lam, span=span)
        naive, naive_low, naive_high, naive_how = _naive(arrays, key, seed, level)
        half = _t_quantile(1 - alpha / 2, fit["df"]) * fit["se"] if fit["coded"] else np.nan
        rows.append({
            **dict(zip(groups, key)),
            "estimate": float(np.clip(fit["estimate"], low_bound, high_bound)),
            "low": float(np.clip(fit["estimate"] - half, low_bound, high_bound)),
            "high": float(np.clip(fit["estimate"] + half, low_bound, high_bound)),
            "naive": naive, "naive_low": naive_low, "naive_high": naive_high,
            "coded": fit["coded"], "units": len(arrays["f"]), "coded_articles": fit["coded_clusters"],
            "articles": len(np.unique(arrays["cluster"])), "se": fit["se"], "tuning": fit["lam"],
            "method": fit["method"], "naive_interval": naive_how,
        })
    columns = [*groups, "estimate", "low", "high", "naive", "naive_low", "naive_high", "coded", "units",
               "coded_articles", "articles", "se", "tuning", "method", "naive_interval"]
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def compare_corrected(
    units: pd.DataFrame,
    *,
    prediction: str,
    code: str,
    by: By,
    cluster: str = "doc_id",
    against: str | None = None,
    probability: str | None = None,
) -> pd.DataFrame:
    """Differences between groups of the corrected estimates, with p-values and Benjamini-Hochberg q-values.

    Parameters
    ----------
    units, prediction, code, cluster, probability : as for corrected_estimates.
    by : the group column.
    against : "each" (every pair) or "rest" (each group against all others); default "each" up to
        MANY_GROUPS groups, else "rest".

    Returns one row per comparison: `<by>_a`, `<by>_b`, `estimate_a`, `estimate_b`, `difference`
    (a − b), `low`, `high` (95% interval of the difference), `se`, `coded_a`, `coded_b`, `p` (two-sided,
    t with Welch-Satterthwaite degrees of freedom: the two groups' coded samples are independent) and `q`.
    A comparison where a side has no coded unit is left out.
    """
    groups = _check(units, prediction=prediction, code=code, by=by, cluster=cluster, probability=probability,
                    caller="compare_corrected")
    if len(groups) != 1:
        raise ValueError("compare_corrected: compare by one column")
    column = groups[0]
    prior = _pooled_moments(units, prediction, code, cluster)
    span = _code_span(units[code], *_code_bounds(units[code]))
    names = sorted(units[column].unique(), key=str)
    against = against or ("each" if len(names) <= MANY_GROUPS else "rest")
    if against not in ("each", "rest"):
        raise ValueError(f"compare_corrected: against={against!r}; choose 'each' or 'rest'")

    def fit(rows):
        (_, arrays), = _group_arrays(rows, [], prediction=prediction, code=code, cluster=cluster,
                                     probability=probability)
        return _corrected_mean(arrays, prior=prior, lam=None, span=span)

    fits = {name: fit(units[units[column] == name]) for name in names}
    pairs = combinations(names, 2) if against == "each" else ((name, "rest") for name in names)
    rows = []
    for a, b in pairs:
        left = fits[a]
        right = fits[b] if b != "rest" else fit(units[units[column] != a])
        if not left["coded"] or not right["coded"]:
            continue
        difference = left["estimate"] - right["estimate"]
        variance = left["se"] ** 2 + right["se"] ** 2
        se = float(np.sqrt(variance))
        df = _welch_df(left, right)
        p = float(2 * scipy_stats.t.sf(abs(difference) / se, df)) if se > 0 else float(difference == 0) or 0.0
        half = _t_quantile(0.975, df) * se
        rows.append({f"{column}_a": a, f"{column}_b": b, "estimate_a": left["estimate"],
                     "estimate_b": right["estimate"], "difference": difference, "low": difference - half,
                     "high": difference + half, "se": se, "coded_a": left["coded"], "coded_b": right["coded"],
                     "p": p})
    table = pd.DataFrame(rows, columns=[f"{column}_a", f"{column}_b", "estimate_a", "estimate_b", "difference",
                                        "low", "high", "se", "coded_a", "coded_b", "p"])
    q = scipy_stats.false_discovery_control(table["p"].to_numpy()) if len(table) else np.array([])
    return table.assign(q=q)


def _check(units, *, prediction, code, by, cluster, probability, caller) -> list[str]:
    """The group columns, after checking that every column exists and holds numbers where it must."""
    needed = [prediction, code, cluster] + ([probability] if probability else [])
    require_columns(units, needed, caller)
    groups = require_by(units, by, caller) if by is not None else []
    for column in (prediction, code) + ((probability,) if probability else ()):
        _numbers(units[column], column, caller)
    infinite = np.isinf(_numbers(units[prediction], prediction, caller))
    if infinite.any():
        raise ValueError(f"{caller}: {int(infinite.sum())} unit(s) have an infinite {prediction!r}; give finite values")
    missing = units[prediction].isna()
    if missing.any():
        where = list(units.loc[missing, cluster].astype("str").unique()[:5])
        raise ValueError(f"{caller}: {int(missing.sum())} unit(s) have no {prediction!r} (in {where}); every unit "
                         "needs the measure's value")
    if units[cluster].isna().any():
        raise ValueError(f"{caller}: {int(units[cluster].isna().sum())} unit(s) have no {cluster!r}")
    if probability:
        coded = units[units[code].notna()]
        bad = ~pd.Series(_numbers(coded[probability], probability, caller)).between(0, 1, inclusive="right").to_numpy()
        if bad.any():
            raise ValueError(f"{caller}: column {probability!r} must be an inclusion probability in (0, 1], "
                             f"found {coded.loc[bad, probability].iloc[0]!r}")
    return groups


def _numbers(values: pd.Series, column: str, caller: str) -> np.ndarray:
    """A column as floats, NaN where missing (nullable and boolean columns too); a value that is no number is an
    error naming the column and the value."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.astype("float64").to_numpy(dtype=float, na_value=np.nan)
    numbers = pd.to_numeric(values.astype("object").where(values.notna(), np.nan), errors="coerce")
    wrong = numbers.isna() & values.notna()
    if wrong.any():
        raise ValueError(f"{caller}: column {column!r} must hold numbers (e.g. 1 for 'negative', else 0), "
                         f"found {values[wrong].iloc[0]!r}")
    return numbers.to_numpy(dtype=float)


def _group_arrays(units: pd.DataFrame, groups: list[str], *, prediction, code, cluster, probability):
    """(key tuple, arrays) for each group in sorted order, or ((), arrays) for the whole table without groups.
    The arrays: `f` (every unit's prediction), `y` (the code, NaN where uncoded), `cluster` (article numbers),
    `weight` (inverse inclusion probability, 1 without one)."""
    f = _numbers(units[prediction], prediction, "corrected_estimates")
    y = _numbers(units[code], code, "corrected_estimates")
    clusters = pd.factorize(units[cluster].astype("str"))[0]
    weight = 1 / _numbers(units[probability], probability, "corrected_estimates") if probability else np.ones(len(units))
    if not groups:
        yield (), {"f": f, "y": y, "cluster": clusters, "weight": weight}
        return
    for key, positions in units.groupby(groups, sort=True).indices.items():
        key = key if isinstance(key, tuple) else (key,)
        yield key, {"f": f[positions], "y": y[positions], "cluster": clusters[positions], "weight": weight[positions]}


def _code_bounds(codes: pd.Series) -> tuple[float, float]:
    """(0, 1) for shares (every code between 0 and 1), else no bounds: a scale the codes do not fully show (a
    −1/0/1 scale whose sample holds no −1 yet) must not be cut at the codes seen. Pass `bounds` to set them."""
    values = pd.Series(_numbers(codes.dropna(), str(codes.name), "corrected_estimates"))
    if values.empty or values.between(0, 1).all():
        return 0.0, 1.0
    return -np.inf, np.inf


def _code_span(codes: pd.Series, low: float, high: float) -> float:
    """The width of the code's scale (the bounds, else the codes' observed range, else 1): the scale of the
    variance floor."""
    if np.isfinite(low) and np.isfinite(high) and high > low:
        return float(high - low)
    values = _numbers(codes.dropna(), str(codes.name), "corrected_estimates")
    return float(values.max() - values.min()) if len(values) and values.max() > values.min() else 1.0


def _pooled_moments(units: pd.DataFrame, prediction: str, code: str, cluster: str) -> tuple[float, float, float]:
    """Variance of the code, its covariance with the prediction, and the prediction's variance per coded unit,
    over every coded unit of the table and clustered by article (n times the cluster-robust variance of the
    corpus-wide means): the corpus-wide error that a group with few coded articles borrows."""
    coded = units[units[code].notna()]
    clusters, inverse = np.unique(coded[cluster].astype("str").to_numpy(), return_inverse=True)
    if len(clusters) < 2:
        return 0.0, 0.0, 0.0
    y = _numbers(coded[code], code, "corrected_estimates")
    f = _numbers(coded[prediction], prediction, "corrected_estimates")
    a = np.bincount(inverse, weights=y - y.mean())
    b = np.bincount(inverse, weights=f - f.mean())
    scale = len(clusters) / (len(clusters) - 1) / len(coded)
    return float(a @ a * scale), float(a @ b * scale), float(b @ b * scale)


def _corrected_mean(arrays: dict, *, prior, lam, span: float) -> dict:
    """The corrected mean of one group, its standard error, degrees of freedom and tuning.

    The error term mean(code − λ·prediction) over the coded units is a weighted mean; its variance is the
    cluster-robust (sandwich) variance over the coded articles, quadratic in λ, pooled with the corpus-wide
    error variance (PRIOR_ARTICLES), never below the corpus-wide error variance for the group's sample size nor
    below the floor that one error in the coded units plus two would give (so that a sample in which the measure
    happens never to err still has an interval); λ minimises it over [0, 1]. The variance is then scaled by
    the share of the group's units left uncoded (finite population: a fully coded group is known exactly).
    """
    is_coded = ~np.isnan(arrays["y"])
    result = {"coded": int(is_coded.sum()), "coded_clusters": len(np.unique(arrays["cluster"][is_coded])),
              "estimate": np.nan, "se": np.nan, "df": 1.0, "lam": np.nan, "method": "no coded units"}
    if not is_coded.any():
        return result
    y, f = arrays["y"][is_coded], arrays["f"][is_coded]
    weights = arrays["weight"][is_coded]
    share = weights / weights.sum()
    y_bar, f_bar = share @ y, share @ f
    # Each coded article's contribution to the error term's deviation: A for the code, B for the prediction.
    clusters, inverse = np.unique(arrays["cluster"][is_coded], return_inverse=True)
    a = np.bincount(inverse, weights=share * (y - y_bar), minlength=len(clusters))
    b = np.bincount(inverse, weights=share * (f - f_bar), minlength=len(clusters))
    m = len(clusters)
    # V(λ) = c0 − 2 c1 λ + c2 λ², from the group's own articles (m ≥ 2) pooled with the corpus-wide moments.
    own = np.array([a @ a, a @ b, b @ b]) * (m / (m - 1)) if m >= 2 else np.zeros(3)
    var_y, cov_yf, var_f = prior
    borrowed = np.array([var_y, cov_yf, var_f]) * float(share @ share)
    own_weight = m if m >= 2 else 0
    pooled = (own_weight * own + PRIOR_ARTICLES * borrowed) / (own_weight + PRIOR_ARTICLES)

    # Never below what the corpus-wide error gives a sample of this size: a group whose few coded units
    # happen to agree (a rare frame never seen in its sample) would otherwise get a far too narrow interval;
    # and never below one error in n + 2 units, however well the measure did on these n.
    error = 1 / (len(y) + 2)
    floor = span ** 2 * error * (1 - error) * float(share @ share)
    grid = TUNING_GRID if lam is None else np.array([float(lam)])
    variances = np.maximum.reduce([q[0] - 2 * q[1] * grid + q[2] * grid ** 2 for q in (pooled, borrowed)])
    best = int(np.argmin(variances))  # λ by the data; the floor, flat in λ, must not choose it
    uncoded = 1 - len(y) / len(arrays["y"])
    lam, variance = float(grid[best]), max(float(variances[best]), floor) * uncoded
    result.update(
        estimate=float(lam * arrays["f"].mean() + y_bar - lam * f_bar),
        se=float(np.sqrt(variance)),
        df=float(max(m - 1, 1)),
        lam=float(lam),
        method="prediction-powered" if lam > 0 else "codes only",
    )
    return result


def _welch_df(left: dict, right: dict) -> float:
    """Welch-Satterthwaite degrees of freedom of a difference of two independent estimates."""
    va, vb = left["se"] ** 2, right["se"] ** 2
    denominator = (va ** 2 / left["df"] if va else 0) + (vb ** 2 / right["df"] if vb else 0)
    return float((va + vb) ** 2 / denominator) if denominator > 0 else float(min(left["df"], right["df"]))


def _naive(arrays: dict, key: tuple, seed: int, level: float):
    """The measure's own mean, with the article bootstrap the notebooks draw (none under MIN_ARTICLES_FOR_INTERVAL)."""
    name = key[0] if len(key) == 1 else (key or "all")
    low, high, resampled = article_mean_interval(arrays["f"], arrays["cluster"], rng=group_rng(name, seed), level=level)
    return float(arrays["f"].mean()), low, high, resampled


def conclusions_after_correction(naive: pd.DataFrame, corrected: pd.DataFrame, *, by: str,
                                 alpha: float = 0.05) -> pd.DataFrame:
    """Which differences between groups that the measure alone supports survive the correction, and which
    appear only after it.

    Parameters
    ----------
    naive : compare_groups on the measure's values (`<by>_a`, `<by>_b`, `difference`, `q`).
    corrected : compare_corrected on the same units (`<by>_a`, `<by>_b`, `difference`, `low`, `high`, `q`).
    by : the group column.
    alpha : the false discovery rate at which a difference counts as supported.

    Returns one row per difference supported by either: `<by>_a`, `<by>_b`, `naive_difference`, `naive_q`,
    `difference`, `low`, `high`, `q` (corrected), and `verdict`: "holds" (supported after correction, same
    direction), "reversed" (supported after correction, the other direction), "not supported after correction",
    "not checked: a side has no coded units", or "only after correction".
    """
    keys = [f"{by}_a", f"{by}_b"]
    left = naive[keys + ["difference", "q"]].rename(columns={"difference": "naive_difference", "q": "naive_q"})
    right = corrected[keys + ["difference", "low", "high", "q"]]
    both = left.merge(right, on=keys, how="outer")
    naive_yes = both["naive_q"] < alpha
    corrected_yes = both["q"] < alpha
    same = np.sign(both["naive_difference"]) == np.sign(both["difference"])
    unchecked = both["q"].isna()  # compare_corrected leaves out a pair with an uncoded side
    verdict = np.select(
        [naive_yes & corrected_yes & same, naive_yes & corrected_yes & ~same, naive_yes & unchecked, naive_yes,
         corrected_yes],
        ["holds", "reversed", "not checked: a side has no coded units", "not supported after correction",
         "only after correction"], default="")
    table = both.assign(verdict=verdict)
    table = table[table["verdict"] != ""]
    return table.sort_values(["verdict", "naive_q", "q"], kind="stable").reset_index(drop=True)


def ranking_agreement(estimates: pd.DataFrame) -> float:
    """Spearman's rank correlation between the groups' naive and corrected estimates, over the groups with an
    estimate (NaN for fewer than three): 1 when the correction leaves the groups' order as it was.

    Parameters
    ----------
    estimates : corrected_estimates' table.

    Returns the correlation.
    """
    rows = estimates[estimates["estimate"].notna()]
    if len(rows) < 3 or rows["naive"].nunique() < 2 or rows["estimate"].nunique() < 2:
        return float("nan")
    return float(scipy_stats.spearmanr(rows["naive"], rows["estimate"]).statistic)


@lru_cache(maxsize=1024)
def _t_quantile(q: float, df: float) -> float:
    """Student's t quantile, remembered: a table asks for the same few degrees of freedom again and again, and
    scipy's ppf costs more than the rest of a group's estimate."""
    return float(scipy_stats.t.ppf(q, df))
