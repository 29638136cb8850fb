"""Fit the target-sentiment model on NewsMTSC rw_train and write `analysis/data/target_sentiment_model.json`.

    .venv/bin/python tools/train_target_sentiment.py [--data ../shared/data/newsmtsc] [--check]

One training row per target of each sentence (polarity 2.0 negative, 4.0
neutral, 6.0 positive). The features are
`analysis.measures.target_model.mention_features`, the same code prediction
uses; the model is a multinomial L2-regularised logistic regression over
sublinear TF-IDF word features (unit length per mention) and standardised
dense features. Its options (regularisation, class weights, the weight of the
dense block, the least document frequency of a word feature) are chosen by
5-fold cross-validation on rw_train alone, folds grouped by sentence (a
sentence's targets never sit on both sides) and stratified, seed 0, by
macro-F1 of the pooled out-of-fold predictions. The development splits
(rw_dev, mt_dev) are scored afterwards, for the report only: nothing is
chosen on them.

The out-of-fold predictions are made by the package's numpy predictor from a
model dict built exactly as the shipped one, so the cross-validated numbers are
those of the code that ships. The file is written deterministically (sorted
keys, floats rounded to 6 significant digits): the same data give the same
bytes, and `--check` compares with the shipped file instead of writing it.

Calibration: the chosen options' out-of-fold probabilities on rw_train also fit
the calibration that `classify_target_sentiment` applies
(`analysis.measures.target_model.calibration_shift`, `calibrate_keeping_labels`):
a shift of log(p_positive / p_negative) of `shift.single` for a mention alone in
its sentence, and of `shift.several` + `others_slope` times the mean score of the
sentence's other mentions for one of several (`several_mentions`,
`other_mentions_score`). The slope is fitted by least squares of the neutral-coded
mentions' calibrated scores, then each context's shift so that they average
p_positive - p_negative = 0 exactly (`fit_calibration`). Only neutral-coded
mentions enter it, so rw_train's class mix does not. The development splits are
scored before and after it, for the report only (the form of the calibration, a
slope on the other mentions, was chosen after seeing what plainer ones did there).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse
import scipy.stats
import sklearn
from scipy.optimize import brentq, least_squares
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from analysis.measures.sentiment import NEGATIVE, POSITIVE  # noqa: E402
from analysis.measures.target_model import (  # noqa: E402
    CONTEXTS,
    DEFAULT_SETTINGS,
    DENSE_FEATURES,
    LABELS,
    MODEL_FILE,
    calibrate_keeping_labels,
    calibration_shift,
    encode,
    mention_features,
    predict_probabilities,
    other_mentions_score,
    several_mentions,
)

POLARITY = {2.0: 0, 4.0: 1, 6.0: 2}  # NewsMTSC's codes -> index into LABELS
NEUTRAL = LABELS.index("neutral")
SEED = 0
FOLDS = 5
#: The options compared by cross-validation: regularisation (inverse strength), class weights, the dense
#: block's weight against the unit-length word block, and the least number of training mentions a word
#: feature must occur in.
GRID = {
    "C": (0.5, 1.0, 2.0, 4.0),
    "class_weight": (None, "balanced"),
    "dense_weight": (0.2,),  # 0.1 to 0.4 scored alike (within 0.001) in exploration
    "min_df": (2,),
}
DIGITS = 6
OUTPUT = PROJECT / "analysis" / "data" / MODEL_FILE


def read_split(path: Path) -> tuple[list[tuple[str, int, int]], np.ndarray, list[str]]:
    """One (sentence, from, to) per target, its class index, and its sentence (the CV group)."""
    mentions, labels, groups = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        text = record["sentence_normalized"]
        for target in record["targets"]:
            mentions.append((text, int(target["from"]), int(target["to"])))
            labels.append(POLARITY[float(target["polarity"])])
            groups.append(text)
    return mentions, np.array(labels), groups


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}") + 0.0  # + 0.0 turns -0.0 into 0.0


def fit_model(features: list, y: np.ndarray, options: dict, settings: dict) -> dict:
    """A model dict as the package reads it, fitted on these rows (floats rounded as they ship)."""
    df = Counter(name for sparse, _ in features for name in sparse)
    vocabulary = sorted(name for name, count in df.items() if count >= options["min_df"])
    n = len(features)
    idf = [_round(float(np.log((1 + n) / (1 + df[name])) + 1.0)) for name in vocabulary]
    dense = np.array([row for _, row in features], dtype=float)
    scale = dense.std(axis=0)
    model = {
        "labels": list(LABELS), "dense_features": list(DENSE_FEATURES), "settings": dict(settings),
        "vocabulary": vocabulary, "idf": idf,
        "dense_mean": [_round(v) for v in dense.mean(axis=0)],
        # a feature with no spread in training carries no information: scale 1 keeps it finite
        "dense_scale": [_round(v) if v > 0 else 1.0 for v in scale],
        "dense_weight": options["dense_weight"],
    }
    x = design(features, model)
    classifier = LogisticRegression(C=options["C"], class_weight=options["class_weight"], solver="newton-cg",
                                    max_iter=1_000)
    classifier.fit(x, y)
    coef = classifier.coef_
    v = len(vocabulary)
    model["word_coef"] = [[_round(w) for w in row[:v]] for row in coef]
    model["dense_coef"] = [[_round(w) for w in row[v:]] for row in coef]
    model["intercept"] = [_round(w) for w in classifier.intercept_]
    return model


def design(features: list, model: dict) -> scipy.sparse.csr_matrix:
    """The package's encoding as one sparse matrix: word features, then the dense block."""
    indptr, indices, data, dense = encode(features, model)
    words = scipy.sparse.csr_matrix((data, indices, indptr), shape=(len(features), len(model["vocabulary"])))
    return scipy.sparse.hstack([words, scipy.sparse.csr_matrix(dense)], format="csr")


def macro_f1(y: np.ndarray, predicted: np.ndarray) -> float:
    return float(f1_score(y, predicted, average="macro", labels=[0, 1, 2]))


def cross_validate(features, y, groups, options, settings) -> tuple[float, list[float], np.ndarray]:
    """Macro-F1 of the pooled out-of-fold predictions, per fold, and the out-of-fold probabilities (rows x LABELS)."""
    splitter = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    probabilities = np.zeros((len(y), len(LABELS)))
    per_fold = []
    for train, held in splitter.split(np.zeros(len(y)), y, groups):
        model = fit_model([features[i] for i in train], y[train], options, settings)
        probabilities[held] = predict_probabilities([features[i] for i in held], model)
        per_fold.append(round(macro_f1(y[held], probabilities[held].argmax(axis=1)), 4))
    return macro_f1(y, probabilities.argmax(axis=1)), per_fold, probabilities


def neutral_scores(probabilities: np.ndarray, y: np.ndarray) -> np.ndarray:
    """p_positive - p_negative of the mentions the coders rated neutral."""
    neutral = probabilities[y == NEUTRAL]
    return neutral[:, LABELS.index("positive")] - neutral[:, LABELS.index("negative")]


def neutral_mean(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Mean p_positive - p_negative over the mentions the coders rated neutral: 0 on a scale whose 0 is neutral."""
    return float(np.mean(neutral_scores(probabilities, y)))


def neutral_interval(probabilities: np.ndarray, y: np.ndarray) -> str:
    """The neutral-coded mean's standard error and 95% interval (t): how far from 0 chance alone puts it.

    A dev split holds a few hundred neutral-coded mentions, so its mean moves by about +/-0.02 to 0.03 from
    sample to sample; a calibration that is right on average can land outside +/-0.03 on one split by chance.
    (Mentions of one sentence are not independent; the interval treats them as if they were, so it is if
    anything too narrow.)"""
    scores = neutral_scores(probabilities, y)
    error = float(scipy.stats.sem(scores))
    half = float(scipy.stats.t.ppf(0.975, len(scores) - 1)) * error
    return f"se {error:.4f}, 95% {scores.mean() - half:+.4f} to {scores.mean() + half:+.4f}, n {len(scores)}"


def score_correlation(probabilities: np.ndarray, y: np.ndarray) -> float:
    """Spearman correlation of p_positive - p_negative with the coders' class (negative < neutral < positive):
    how well the continuous scale, which article and group means average, orders what the coders said."""
    scale = probabilities[:, LABELS.index("positive")] - probabilities[:, LABELS.index("negative")]
    return float(scipy.stats.spearmanr(scale, y).statistic)


def zero_shift(probabilities: np.ndarray, y: np.ndarray, offset: np.ndarray | float = 0.0) -> float:
    """The calibration shift d under which these rows' neutral-coded mentions average p_positive - p_negative = 0,
    each row's shift being d + its `offset`.

    The mean grows with the shift (each row's p_positive rises and its
    p_negative falls), so the root is unique; brentq finds it to 1e-12, far
    below the 6 digits the file keeps.
    """
    offset = np.broadcast_to(np.asarray(offset, dtype=float), (len(y),))
    return brentq(lambda d: neutral_mean(calibrate_keeping_labels(probabilities, d + offset), y), -10.0, 10.0,
                  xtol=1e-12)


def fit_calibration(probabilities: np.ndarray, y: np.ndarray, several: np.ndarray, others: np.ndarray) -> dict:
    """The calibration (shift per context, others_slope), fitted on out-of-fold probabilities' neutral-coded rows.

    Alone in its sentence, one shift (zero_shift). One of several, the shift is several + others_slope * the
    other mentions' mean score: the slope by least squares of the neutral-coded mentions' calibrated scores (so
    that they score 0 whatever the sentence's tone), then `several` by zero_shift given that slope, so that they
    average exactly 0."""
    single = ~several
    neutral = (y == NEUTRAL) & several

    def scores(parameters):
        shift = parameters[0] + parameters[1] * others[neutral]
        calibrated = calibrate_keeping_labels(probabilities[neutral], shift)
        return calibrated[:, LABELS.index("positive")] - calibrated[:, LABELS.index("negative")]

    slope = _round(float(least_squares(scores, [0.0, 0.0]).x[1]))
    return {"shift": {"single": _round(zero_shift(probabilities[single], y[single])),
                      "several": _round(zero_shift(probabilities[several], y[several], slope * others[several]))},
            "others_slope": slope}


def shifts(mentions: list[tuple[str, int, int]], probabilities: np.ndarray, calibration: dict) -> np.ndarray:
    """Each row's shift under `calibration`: the package's calibration_shift itself, on the split as one table."""
    table = pd.DataFrame(mentions, columns=["text", "start", "end"])
    return calibration_shift(table, {"calibration": calibration}, probabilities)


def contexts(mentions: list[tuple[str, int, int]], probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(several_mentions, other_mentions_score) of read_split's mentions: the package's own rules, on the split as
    one table."""
    table = pd.DataFrame(mentions, columns=["text", "start", "end"])
    return several_mentions(table), other_mentions_score(table, probabilities)


def vader_labels(mentions) -> np.ndarray:
    """Sentence-level VADER as a target classifier: the sentence's compound at +/-0.05, for every target."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    compound = np.array([vader.polarity_scores(text)["compound"] for text, _, _ in mentions])
    return np.where(compound >= POSITIVE, 2, np.where(compound <= NEGATIVE, 0, 1))


def serialise(model: dict) -> str:
    return json.dumps(model, sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"


def train(folder: Path, grid: dict, report=print) -> str:
    """The model file's text, fitted on folder/rw_train.jsonl with the options `grid` offers (CV chooses)."""
    train_path = folder / "rw_train.jsonl"
    settings = dict(DEFAULT_SETTINGS)
    mentions, y, groups = read_split(train_path)
    features = [mention_features(text, start, end, settings) for text, start, end in mentions]
    report(f"rw_train: {len(set(groups))} sentences, {len(y)} targets, "
           f"classes {np.bincount(y).tolist()} ({', '.join(LABELS)})")
    results = []
    for values in product(*grid.values()):
        options = dict(zip(grid, values))
        score, per_fold, out_of_fold = cross_validate(features, y, groups, options, settings)
        results.append((score, options, per_fold, out_of_fold))
        report(f"  cv macro-F1 {score:.4f} {per_fold} {options}")
    # Best pooled macro-F1; among options within 0.002 of it, the strongest regularisation (smaller C),
    # then the better score: a difference that small is noise between folds, not a better model.
    best_score = max(score for score, _, _, _ in results)
    score, options, per_fold, out_of_fold = min((r for r in results if r[0] >= best_score - 0.002),
                                                key=lambda r: (r[1]["C"], -r[0]))
    report(f"chosen {options}: cv macro-F1 {score:.4f} (folds {per_fold})")

    # The calibration, from the chosen options' out-of-fold probabilities (never from the dev splits).
    several, others = contexts(mentions, out_of_fold)
    calibration = fit_calibration(out_of_fold, y, several, others)
    calibrated = calibrate_keeping_labels(out_of_fold, shifts(mentions, out_of_fold, calibration))
    report(f"calibration {calibration}: rw_train out of fold, neutral-coded mean p_positive - p_negative "
           f"{neutral_mean(out_of_fold, y):+.4f} -> {neutral_mean(calibrated, y):+.4f}, "
           f"macro-F1 {score:.4f} -> {macro_f1(y, calibrated.argmax(axis=1)):.4f}")

    model = fit_model(features, y, options, settings)
    model["options"] = dict(options)
    model["calibration"] = {
        "method": "shift of log(p_positive / p_negative): per context, plus for a mention of a sentence with others "
                  "others_slope times their mean p_positive - p_negative (uncalibrated), so that mentions coded "
                  "neutral score p_positive - p_negative = 0 (slope by least squares, each context's shift so that "
                  "they average exactly 0); each row's shift stops short of changing its label",
        "data": "rw_train out-of-fold probabilities of the chosen options (the cv folds), neutral-coded mentions",
        **calibration,
        "neutral_mentions": {context: int(np.sum((y == NEUTRAL) & (several == (context == "several"))))
                             for context in CONTEXTS},
    }
    model["training"] = {
        "data": "NewsMTSC rw_train.jsonl (Hamborg & Donnay, EACL 2021), MIT licence",
        "sha256": hashlib.sha256(train_path.read_bytes()).hexdigest(),
        "targets": int(len(y)), "sentences": len(set(groups)),
        "cv_macro_f1": _round(score), "cv_folds": FOLDS, "cv_seed": SEED,
        "scikit_learn": sklearn.__version__,
        "script": "tools/train_target_sentiment.py",
    }
    text = serialise(model)
    shipped = json.loads(text)  # score what ships: the rounded numbers, through the package's predictor
    for split in ("rw_dev", "mt_dev"):
        dev, dev_y, _ = read_split(folder / f"{split}.jsonl")
        raw = predict_probabilities([mention_features(t, s, e, shipped["settings"]) for t, s, e in dev], shipped)
        calibrated = calibrate_keeping_labels(raw, shifts(dev, raw, shipped["calibration"]))
        report(f"{split}: {len(dev_y)} targets; model macro-F1 {macro_f1(dev_y, raw.argmax(axis=1)):.4f} "
               f"(calibrated {macro_f1(dev_y, calibrated.argmax(axis=1)):.4f}); neutral-coded mean "
               f"p_positive - p_negative {neutral_mean(raw, dev_y):+.4f} "
               f"(calibrated {neutral_mean(calibrated, dev_y):+.4f}; {neutral_interval(calibrated, dev_y)}); "
               f"scale's Spearman with the codes {score_correlation(raw, dev_y):.3f} "
               f"(calibrated {score_correlation(calibrated, dev_y):.3f}); "
               f"sentence VADER macro-F1 {macro_f1(dev_y, vader_labels(dev)):.4f}")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(PROJECT.parent / "shared" / "data" / "newsmtsc"))
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    parser.add_argument("--quick", action="store_true",
                        help="skip the search: cross-validate and fit only the options the shipped file records")
    parser.add_argument("--output", default=str(OUTPUT), help="where to write the model (default the shipped file)")
    args = parser.parse_args(argv)
    grid = GRID
    if args.quick:
        grid = {key: (value,) for key, value in json.loads(OUTPUT.read_text(encoding="utf-8"))["options"].items()}
    text = train(Path(args.data), grid)
    output = Path(args.output)
    if args.check:
        same = output.read_text(encoding="utf-8") == text
        print("shipped file is", "identical" if same else "DIFFERENT")
        return 0 if same else 1
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(text.encode('utf-8'))} bytes)")
    return 0


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    # One BLAS thread: a sum split over threads rounds differently, so the file would depend on the machine's
    # cores (and on a Dask cluster, which sets OMP_NUM_THREADS=1, having started in the same process).
    with threadpool_limits(limits=1):
        sys.exit(main())
