"""How far to trust hand codes and the measure: agreement between coders, and of the measure with the coders.

Two questions, asked of the same tidy table of codes (`read_codes`: one row per unit, coder and question):

- `coder_agreement`: do the coders agree with each other? Krippendorff's alpha per question, over all coders
  and for every pair, with a bootstrap interval over units. Codes are placed in the codebook's order
  (MEASURES[measure].codes) so that "ordinal" knows negative < neutral < positive.
- `measure_agreement` and `confusion_table`: does the machine's label agree with the coders' majority
  (`majority_codes`), overall and per group? A measure that errs more in one outlet than another biases the
  comparison between them, so the per-group rows matter more than the overall one.

Krippendorff's alpha is 1 for perfect agreement and 0 for agreement at chance; it is undefined (NaN) when
every pairable code is the same, since then nothing can be told apart. Krippendorff (2004) asks for 0.8, and
accepts 0.667 for tentative conclusions.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import krippendorff
import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score, roc_auc_score

from analysis.measures.article_frames import PRESENT_PROBABILITY
from analysis.measures.coding import MEASURES, coded_measure, majority_codes
from analysis.measures.stats import REPLICATES, SEED, group_rng
from analysis.tables import By, require_by, require_columns, split_by

#: The columns of a tidy table of codes.
CODE_COLUMNS = ("unit_id", "coder", "question", "code")
#: Levels of measurement for coder_agreement (codes are placed at their position in the codebook).
LEVELS = ("nominal", "ordinal", "interval")
#: What the group columns hold on the rows over all groups, and coder_b on the rows over all coders.
ALL = "all"

AGREEMENT_COLUMNS = ["question", "coder_a", "coder_b", "coders", "units", "agreement", "alpha", "alpha_low",
                     "alpha_high", "level", "note"]
MEASURE_COLUMNS = ["units", "ties", "macro_f1", "macro_f1_low", "macro_f1_high", "accuracy", "kappa",
                   "alpha_measure", "auc", "coded_share", "predicted_share", "note"]


def coder_agreement(
    codes: pd.DataFrame,
    *,
    measure: str | None = None,
    level: str = "nominal",
    replicates: int = REPLICATES,
    seed: int = SEED,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Agreement between coders per question: Krippendorff's alpha over all coders and for each pair of coders.

    Parameters
    ----------
    codes : one row per unit, coder and question: `unit_id`, `coder`, `question`, `code` (rows without a code
        are left out; a unit, coder and question given twice is an error).
    measure : the measure coded ("tone", "frames", "target" or "attribution"), which gives the codes and their
        order; None: read from the questions (the frame names are "frames", "tone" is "tone", ...), and for
        questions of no measure, with level "nominal", the codes found in alphabetical order.
    level : level of measurement of alpha: "nominal" (any two different codes disagree fully), "ordinal"
        (codes ranked in the codebook's order, so negative vs positive is a larger disagreement than negative
        vs neutral) or "interval" (codes at equal steps in that order).
    replicates : bootstrap replicates of the interval (each resamples the units with replacement).
    seed : seed of the bootstrap; each row's draw depends on the seed, its question and its coders only.
    ci : coverage of the percentile interval (0.95: the 2.5th and 97.5th percentiles).

    Returns one row per question and set of coders (first all coders, then each pair in the order of the
    coders' names): `question`, `coder_a` and `coder_b` (the pair, as text; "all" and "all" on the row over
    all coders), `coders` (coders with a code for the question among those of the row), `units` (units coded
    by at least two of them: only these are pairable), `agreement` (observed agreement: the share of pairable
    codes that their unit's other codes match, Krippendorff's A_o, pairs weighted 1/(coders of the unit - 1);
    for two coders the share of units they coded alike), `alpha`, `alpha_low` and `alpha_high` (percentile
    bootstrap interval over the pairable units; replicates in which alpha is undefined are left out),
    `level` and `note` (why alpha is NaN: one coder, no unit coded twice, or one code only; else "").
    """
    single = coded_measure(measure).questions if measure is not None else ("code",)
    tidy = _tidy_codes(codes, "coder_agreement", question=single[0] if len(single) == 1 else None)
    if level not in LEVELS:
        raise ValueError(f"coder_agreement: level {level!r}: choose one of {list(LEVELS)}")
    _check_interval(ci, replicates, "coder_agreement")
    questions = list(dict.fromkeys(tidy["question"]))
    if measure is None:
        measure = _measure_of(questions)
    if measure is not None:
        order = list(coded_measure(measure).codes)
        _check_codes(tidy["code"], order, f"coder_agreement (measure {measure!r})")
        questions = _in_codebook_order(questions, coded_measure(measure).questions)
    elif level == "nominal":
        order = sorted(set(tidy["code"]))
    else:
        raise ValueError(f"coder_agreement: questions {questions[:5]} belong to no coded measure; pass measure= "
                         f"(one of {sorted(MEASURES)}) so that the codes have an order for level {level!r}")
    position = {code: k for k, code in enumerate(order)}
    rows = []
    for question in questions:
        table = tidy[tidy["question"] == question]
        coders = sorted(pd.unique(table["coder"]), key=_coder_key)
        unit_index, units = pd.factorize(table["unit_id"], sort=True)
        coder_index = pd.Index(coders).get_indexer(table["coder"])
        # The reliability matrix: one row per coder, one column per unit, the code's position (NaN: not coded).
        matrix = np.full((len(coders), len(units)), np.nan)
        matrix[coder_index, unit_index] = table["code"].map(position).to_numpy(dtype=float)
        sets = [(ALL, ALL, matrix)] + [
            (str(a), str(b), matrix[[i, j]]) for (i, a), (j, b) in combinations(enumerate(coders), 2)
        ]
        for coder_a, coder_b, reliability in sets:
            rng = group_rng(f"{question} | {coder_a} | {coder_b}", seed)
            rows.append({"question": question, "coder_a": coder_a, "coder_b": coder_b,
                         **_alpha_row(reliability, len(order), level, order, rng, replicates, ci,
                                      pair=coder_a != ALL)})
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS).astype({"coders": int, "units": int})


def measure_agreement(
    predictions: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    measure: str | None = None,
    by: By | None = None,
    question: str | None = None,
    replicates: int = REPLICATES,
    seed: int = SEED,
    ci: float = 0.95,
) -> pd.DataFrame:
    """How well the measure's labels agree with the coders' majority, per question, overall and per group.

    Parameters
    ----------
    predictions : the measure's output on the coded units, one row per unit (and question): `unit_id` (as the
        codes name it; compared as text), the `by` columns, `question` when the measure asks several (the frame,
        for "frames"; without it, the predictions are taken as those of `question`, or of the codes' only
        question), and `prediction` (a code of the measure's codebook, MEASURES[measure].codes) and/or `score`
        (the probability of the measure's positive code: a frame model's probability that the frame is used,
        `p_negative` for "tone" and "target"). A `score` alone gives the label for a two-code measure (the
        positive code where score >= PRESENT_PROBABILITY, as article_frames decides `present`); a measure of
        three or more codes needs `prediction`. For article_frames:
        `frames.rename(columns={"doc_id": "unit_id", "frame": "question"})`; for classify_target_sentiment:
        `.rename(columns={"label": "prediction", "p_negative": "score"})` with `unit_id` from unit_ids.
        Predictions for units nobody coded are ignored (only a sample is coded); a coded unit without a
        prediction is an error.
    codes : one row per unit, coder and question: `unit_id`, `coder`, `question`, `code` (`read_codes`).
    measure : the measure coded: "tone", "frames", "target" or "attribution" (MEASURES gives its codes and
        positive code); None: the one whose questions the codes answer (tone when codes without a `question`
        column are negative / neutral / positive).
    by : the group column(s) of `predictions` to report each group of (None: only the rows over all units).
    question : the one question to evaluate (e.g. "conflict"); None: every question in `codes`.
    replicates : bootstrap replicates of the macro-F1 interval (each resamples the units with replacement).
    seed : seed of the bootstrap; a row's draw depends on the seed, its question and its group only.
    ci : coverage of the percentile interval (0.95: the 2.5th and 97.5th percentiles).

    Returns, per question, a row over all its units (the group columns hold "all"), then one row per group (in
    sorted order): `question`, the `by` columns, `units` (coded units with a majority code: units on
    which the coders tie are left out), `ties` (the units left out), `macro_f1` (sklearn's f1_score,
    average="macro", over the codebook's codes found in the majority codes or the labels), `macro_f1_low` and
    `macro_f1_high` (percentile bootstrap interval over units), `accuracy` (share of units labelled as the
    majority coded them), `kappa` (Cohen's kappa of label and majority), `alpha_measure` (Krippendorff's nominal
    alpha with the label as one coder and the majority as the other), `auc` (ROC AUC of `score` for the
    majority being the positive code; NaN without a score or when one class is missing), `coded_share` and
    `predicted_share` (share of units with the positive code by majority and by label: their difference is the
    bias a comparison of groups inherits) and `note` (why a value is NaN, else "").
    """
    joined, groups, definition = _joined(predictions, codes, measure=measure, by=by, question=question,
                                         caller="measure_agreement")
    _check_interval(ci, replicates, "measure_agreement")
    rows = []
    for name, table in _question_groups(joined, groups):
        rng = group_rng(" | ".join(str(part) for part in name), seed)
        rows.append({**dict(zip(["question", *groups], name)),
                     **_measure_row(table, definition, rng, replicates, ci)})
    result = pd.DataFrame(rows, columns=["question", *groups, *MEASURE_COLUMNS])
    return result.astype({"units": int, "ties": int})


def confusion_table(
    predictions: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    measure: str,
    question: str | None = None,
    by: By | None = None,
) -> pd.DataFrame:
    """The coders' majority code against the measure's label, counted per question (and group), every cell listed.

    Parameters
    ----------
    predictions : the measure's output on the coded units, as for measure_agreement: `unit_id`, the `by`
        columns, `question` when the measure asks several, and `prediction` and/or `score` (a score alone gives
        the label of a two-code measure: the positive code where score >= PRESENT_PROBABILITY).
    codes : one row per unit, coder and question: `unit_id`, `coder`, `question`, `code`.
    measure : the measure coded: "tone", "frames", "target" or "attribution".
    question : the one question to count (e.g. "conflict"); None: every question in `codes`.
    by : the group column(s) of `predictions` to count each group of (None: only over all units).

    Returns one row per question, group (first "all" in the group columns: every unit), majority code and label,
    every pair of the codebook's codes listed, in its order, even at 0: `question`, the `by` columns, `coded`
    (the majority code; units on which the coders tie are left out), `predicted` (the measure's label) and `n`
    (units).
    """
    joined, groups, definition = _joined(predictions, codes, measure=measure, by=by, question=question,
                                         caller="confusion_table")
    order = list(definition.codes)
    rows = []
    for name, table in _question_groups(joined, groups):
        decided = table[~table["_tied"]]
        counted = Counter(zip(decided["_majority"], decided["_prediction"]))
        rows += [(*name, coded, predicted, counted.get((coded, predicted), 0))
                 for coded in order for predicted in order]
    return pd.DataFrame(rows, columns=["question", *groups, "coded", "predicted", "n"]).astype({"n": int})


def _tidy_codes(codes: pd.DataFrame, caller: str, question: str | None = None) -> pd.DataFrame:
    """The coded rows with ids, questions and codes as text, after checking that none is given twice. Codes
    without a `question` column are the answers to `question` (a measure of one question asks only that)."""
    if "question" not in codes.columns and question is not None:
        codes = codes.assign(question=question)
    require_columns(codes, CODE_COLUMNS, caller)
    given = codes["code"].notna() & codes["code"].astype("str").str.strip().ne("")
    kept = codes[given]
    if kept["coder"].isna().any():
        raise ValueError(f"{caller}: {int(kept['coder'].isna().sum())} code(s) have no coder")
    tidy = pd.DataFrame({"unit_id": kept["unit_id"].astype("str"), "coder": kept["coder"],
                         "question": kept["question"].astype("str"),
                         "code": kept["code"].astype("str").str.strip()}).reset_index(drop=True)
    repeated = tidy.duplicated(["unit_id", "coder", "question"], keep=False)
    if repeated.any():
        examples = tidy.loc[repeated, ["unit_id", "coder", "question"]].drop_duplicates().head(5)
        raise ValueError(f"{caller}: {int(repeated.sum())} rows give the same unit, coder and question twice, e.g. "
                         f"{[tuple(row) for row in examples.itertuples(index=False)]}; keep one code per coder")
    return tidy


def _check_codes(codes: pd.Series, order: list[str], caller: str) -> None:
    unknown = sorted(set(codes) - set(order))
    if unknown:
        raise ValueError(f"{caller}: code(s) {unknown[:5]} are not in the codebook {order}")


def _check_interval(ci: float, replicates: int, caller: str) -> None:
    if not 0 < ci < 1:
        raise ValueError(f"{caller}: ci={ci!r}: give the interval's coverage between 0 and 1, e.g. 0.95")
    if int(replicates) < 1:
        raise ValueError(f"{caller}: replicates={replicates!r}: give at least one")


def _measure_of_codes(codes: pd.DataFrame, caller: str) -> str:
    """The measure whose questions (or, without a `question` column, whose codes) these codes are."""
    if "question" in codes.columns:
        found = _measure_of(list(dict.fromkeys(codes["question"].astype("str"))))
    else:
        values = set(codes["code"].dropna().astype("str").str.strip()) - {""} if "code" in codes.columns else set()
        found = next((name for name, definition in MEASURES.items()
                      if len(definition.questions) == 1 and values and values <= set(definition.codes)), None)
    if found is None:
        raise ValueError(f"{caller}: cannot tell which measure these codes are for; pass measure= (one of "
                         f"{sorted(MEASURES)})")
    return found


def _measure_of(questions: list[str]) -> str | None:
    """The measure whose questions these are, if one."""
    for name, definition in MEASURES.items():
        if set(questions) <= set(definition.questions):
            return name
    return None


def _in_codebook_order(questions: list[str], codebook: tuple[str, ...]) -> list[str]:
    return [q for q in codebook if q in questions] + sorted(q for q in questions if q not in codebook)


def _coder_key(coder) -> tuple:
    """Coders by number when they are numbers (2 before 10), else by name."""
    return (0, float(coder), "") if isinstance(coder, (int, float, np.integer, np.floating)) else (1, 0.0, str(coder))


def _value_counts(reliability: np.ndarray, values: int) -> np.ndarray:
    """Per unit (column) of a reliability matrix, how many coders gave each code: (units, values)."""
    counts = np.zeros((reliability.shape[1], values))
    coder, unit = np.nonzero(~np.isnan(reliability))
    np.add.at(counts, (unit, reliability[coder, unit].astype(int)), 1)
    return counts


def _alpha(counts: np.ndarray, level: str) -> float:
    """Krippendorff's alpha from pairable units' value counts; NaN when it is undefined (one code only)."""
    if len(counts) == 0 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return np.nan
    return float(krippendorff.alpha(value_counts=counts, value_domain=np.arange(counts.shape[1]),
                                    level_of_measurement=level))


def _alpha_row(reliability: np.ndarray, values: int, level: str, order: list[str], rng: np.random.Generator,
               replicates: int, ci: float, *, pair: bool) -> dict:
    """The agreement columns of one set of coders (the rows of `reliability`)."""
    counts = _value_counts(reliability, values)
    pairable = counts[counts.sum(axis=1) >= 2]
    coders = int(np.count_nonzero((~np.isnan(reliability)).any(axis=1)))
    row = {"coders": coders, "units": len(pairable), "agreement": np.nan, "alpha": np.nan, "alpha_low": np.nan,
           "alpha_high": np.nan, "level": level, "note": ""}
    if coders < 2:
        return {**row, "note": "one coder: agreement needs two" if coders else "no codes"}
    if not len(pairable):
        return {**row, "note": "no unit coded by both" if pair else "no unit coded by two coders"}
    totals = pairable.sum(axis=1)
    # A code that c others of its unit's m - 1 codes match counts c / (m - 1): the coincidence matrix's diagonal.
    matched = (pairable * (pairable - 1)).sum(axis=1) / (totals - 1)
    row["agreement"] = float(matched.sum() / totals.sum())
    used = np.flatnonzero(pairable.sum(axis=0))
    if len(used) < 2:
        return {**row, "note": f"one code only ({order[used[0]]!r}): alpha undefined without variation"}
    row["alpha"] = _alpha(pairable, level)
    picks = rng.integers(0, len(pairable), size=(int(replicates), len(pairable)))
    draws = np.array([_alpha(pairable[pick], level) for pick in picks])
    row["alpha_low"], row["alpha_high"] = _percentiles(draws, ci)
    return row


def _percentiles(draws: np.ndarray, ci: float) -> tuple[float, float]:
    draws = draws[~np.isnan(draws)]
    if not len(draws):
        return np.nan, np.nan
    tail = (1 - ci) / 2 * 100
    low, high = np.percentile(draws, [tail, 100 - tail])
    return float(low), float(high)


def _joined(predictions: pd.DataFrame, codes: pd.DataFrame, *, measure: str, by: By | None, question: str | None,
            caller: str) -> tuple[pd.DataFrame, list[str], object]:
    """One row per coded unit and question: `unit_id`, `question`, the group columns, `_majority`, `_tied`,
    `_prediction` and `_score` (NaN without a score), after every check both public functions share."""
    measure = measure or _measure_of_codes(codes, caller)
    definition = coded_measure(measure)
    tidy = _tidy_codes(codes, caller, question=definition.questions[0] if len(definition.questions) == 1 else None)
    own_question = "question" in predictions.columns
    needs_question = len(definition.questions) > 1 and question is None
    require_columns(predictions, ["unit_id", *(["question"] if needs_question else [])], caller)
    if "prediction" not in predictions.columns and "score" not in predictions.columns:
        raise ValueError(f"{caller}: missing column(s) ['prediction', 'score'] (give either or both); the table has "
                         f"{list(predictions.columns)}")
    if "prediction" not in predictions.columns and len(definition.codes) != 2:
        raise ValueError(f"{caller}: missing column(s) ['prediction']: a score alone decides between two codes, "
                         f"and {measure!r} has {len(definition.codes)}")
    groups = require_by(predictions, by, caller) if by is not None else []
    clashes = sorted(set(groups) & {"unit_id", "question", "prediction", "score"})
    if clashes:
        raise ValueError(f"{caller}: by={by!r}: {clashes} cannot be a group column")
    _check_codes(tidy["code"], list(definition.codes), f"{caller} (measure {measure!r})")
    if question is not None:
        tidy = tidy[tidy["question"] == str(question)]
    if tidy.empty:
        raise ValueError(f"{caller}: no codes" + (f" for question {question!r}" if question is not None else ""))
    questions = list(dict.fromkeys(tidy["question"]))
    if not own_question and question is None and len(questions) > 1:
        raise ValueError(f"{caller}: missing column(s) ['question']: the codes answer {questions[:5]}")
    majority = majority_codes(tidy, measure=measure)[["unit_id", "question", "majority", "tied"]]
    majority = majority.rename(columns={"majority": "_majority", "tied": "_tied"})

    labelled = predictions.assign(
        unit_id=predictions["unit_id"].astype("str"),
        question=predictions["question"].astype("str") if own_question else questions[0],
        _score=pd.to_numeric(predictions["score"], errors="raise").astype(float)
        if "score" in predictions.columns else np.nan,
    )
    labelled = labelled[labelled["question"].isin(questions)]
    if "prediction" in predictions.columns:
        raw = labelled["prediction"].astype("object")
        label = raw.where(raw.isna(), raw.astype("str"))
        _check_codes(label[label.notna()], list(definition.codes), f"{caller}: prediction (measure {measure!r})")
    else:
        other = next(code for code in definition.codes if code != definition.positive_code)
        label = pd.Series(np.where(labelled["_score"] >= PRESENT_PROBABILITY, definition.positive_code, other),
                          index=labelled.index, dtype="object").where(labelled["_score"].notna())
    labelled = labelled.assign(_prediction=label)[["unit_id", "question", *groups, "_prediction", "_score"]]
    repeated = labelled.duplicated(["unit_id", "question"], keep=False)
    if repeated.any():
        examples = labelled.loc[repeated, ["unit_id", "question"]].drop_duplicates().head(5)
        raise ValueError(f"{caller}: {int(repeated.sum())} predictions repeat a unit and question, e.g. "
                         f"{[tuple(row) for row in examples.itertuples(index=False)]}; give one per unit")
    joined = majority.merge(labelled, on=["unit_id", "question"], how="left", validate="one_to_one")
    missing = joined["_prediction"].isna()
    if missing.any():
        examples = joined.loc[missing, "unit_id"].drop_duplicates().head(5).tolist()
        raise ValueError(f"{caller}: {int(missing.sum())} coded unit(s) have no prediction, e.g. unit_id {examples}"
                         + ("" if "prediction" in predictions.columns else " (or no score)"))
    return joined, groups, definition


def _question_groups(joined: pd.DataFrame, groups: list[str]):
    """Yield (key, rows): per question, all its units (groups "all"), then each group's."""
    for question in dict.fromkeys(joined["question"]):
        rows = joined[joined["question"] == question]
        yield (question, *[ALL] * len(groups)), rows
        if groups:
            for values, _, part in split_by(rows, groups):
                yield (question, *values), part


def _measure_row(table: pd.DataFrame, definition, rng: np.random.Generator, replicates: int, ci: float) -> dict:
    """The measure_agreement columns of one question and group."""
    decided = table[~table["_tied"]]
    coded = decided["_majority"].to_numpy(dtype=object)
    predicted = decided["_prediction"].to_numpy(dtype=object)
    row = dict.fromkeys(MEASURE_COLUMNS, np.nan) | {"units": len(decided), "ties": int(table["_tied"].sum()),
                                                      "note": ""}
    if not len(decided):
        return {**row, "note": "no coded unit with a majority code"}
    order = list(definition.codes)
    present = [code for code in order if code in set(coded) | set(predicted)]
    notes = []
    row["macro_f1"] = float(f1_score(coded, predicted, labels=present, average="macro", zero_division=0.0))
    row["accuracy"] = float(np.mean(coded == predicted))
    if len(present) > 1:
        row["kappa"] = float(cohen_kappa_score(coded, predicted, labels=present))
    else:
        notes.append(f"kappa and alpha undefined: every code and label is {present[0]!r}")
    position = {code: k for k, code in enumerate(order)}
    pairs = np.vstack([[position[c] for c in coded], [position[p] for p in predicted]]).astype(float)
    row["alpha_measure"] = _alpha(_value_counts(pairs, len(order)), "nominal")
    positive = coded == definition.positive_code
    row["coded_share"] = float(positive.mean())
    row["predicted_share"] = float(np.mean(predicted == definition.positive_code))
    scores = decided["_score"].to_numpy(dtype=float)
    scored = ~np.isnan(scores)
    if scored.any():
        if 0 < positive[scored].sum() < scored.sum():
            row["auc"] = float(roc_auc_score(positive[scored], scores[scored]))
        else:
            notes.append("auc undefined: the majority codes hold one class only")
    index = np.array([position[c] * len(order) + position[p] for c, p in zip(coded, predicted)])
    picks = rng.integers(0, len(index), size=(int(replicates), len(index)))
    row["macro_f1_low"], row["macro_f1_high"] = _percentiles(_macro_f1(index[picks], len(order)), ci)
    return {**row, "note": "; ".join(notes)}


def _macro_f1(cells: np.ndarray, values: int) -> np.ndarray:
    """Macro-F1 of each row of `cells` (coded * values + predicted per unit) over the codes that occur in the row,
    as sklearn's f1_score(labels=present, average="macro", zero_division=0) gives it, without a loop."""
    cells = np.atleast_2d(cells)
    replicates = len(cells)
    offsets = (np.arange(replicates) * values * values)[:, None]
    confusion = np.bincount((cells + offsets).ravel(), minlength=replicates * values * values)
    confusion = confusion.reshape(replicates, values, values).astype(float)
    hits = np.diagonal(confusion, axis1=1, axis2=2)
    coded, predicted = confusion.sum(axis=2), confusion.sum(axis=1)
    present = (coded + predicted) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(present, 2 * hits / (coded + predicted), 0.0)
    return f1.sum(axis=1) / present.sum(axis=1)
