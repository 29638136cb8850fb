"""Fitting and cross-validating the generic-frame model on the Narrative Frames Corpus.

Shared by `tools/train_frame_model.py` (which writes `analysis/data/frame_model.csv`)
and the validation notebook (which reports agreement with the coders).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

LABELS = {"RE": "responsibility", "HI": "human interest", "CO": "conflict", "MO": "morality",
          "EC": "economic consequences"}
#: Regularisation strengths tried (inverse: smaller is stronger). Many cue features, few articles: strong.
STRENGTHS = (0.001, 0.003, 0.01, 0.03)


def read_corpus(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The articles (as split_sentences wants them) and their labels and folds, indexed by doc_id."""
    table = pd.read_csv(folder / "articles.tsv", sep="\t", dtype=str, keep_default_na=False)
    articles = pd.DataFrame({"doc_id": table["ID"], "outlet": table["source"],
                             "text": table["text"].str.replace("\r", "", regex=False)})
    # One EC cell reads "False)" in the source: anything but a leading "True" is False.
    labels = pd.DataFrame({LABELS[code]: table[code].str.strip().str.startswith("True") for code in LABELS})
    labels = labels.assign(fold=table["fold"].astype(int)).set_index(table["ID"])
    return articles, labels


def own_features(features: pd.DataFrame, frame: str, cues: pd.DataFrame) -> list[str]:
    """The frame's own questions: their sentence shares and cue columns, and the article's length."""
    questions = list(dict.fromkeys(cues.loc[cues["frame"] == frame, "feature"]))
    cue_columns = [c for c in features.columns if c.split(": ")[0] in questions and ": " in c]
    return questions + cue_columns + ["log_words"]


def pipeline(strength: float) -> Pipeline:
    """Standardised features (a cue no training article uses keeps scale 1, so it carries no weight) into an
    L2-regularised logistic regression of inverse strength `strength`, both classes weighed equally."""
    return Pipeline([("scale", StandardScaler()),
                     ("model", LogisticRegression(C=strength, class_weight="balanced", max_iter=10_000))])


def fit(x: np.ndarray, y: np.ndarray, strength: float):
    """The pipeline fitted on (x, y): (the features' means, their scales, the fitted logistic regression)."""
    fitted = pipeline(strength).fit(x, y)
    return fitted["scale"].mean_, fitted["scale"].scale_, fitted["model"]


def predict(x: np.ndarray, mean, scale, model) -> np.ndarray:
    return model.predict_proba((x - mean) / scale)[:, 1]


def fold_scores(x, y, folds, strength) -> np.ndarray:
    """Out-of-fold probabilities, leaving each fold out in turn."""
    return cross_val_predict(pipeline(strength), x, y, groups=folds, cv=LeaveOneGroupOut(),
                             method="predict_proba")[:, 1]


def mean_auc(y, scores, folds) -> float:
    return float(np.mean([roc_auc_score(y[folds == f], scores[folds == f]) for f in np.unique(folds)]))


def choose_strength(x, y, folds) -> float:
    return max(STRENGTHS, key=lambda c: (round(mean_auc(y, fold_scores(x, y, folds, c), folds), 6), -c))


def nested_scores(x, y, folds) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold probabilities where the strength is chosen inside each training split."""
    scores, chosen = np.zeros(len(y)), []
    for train, held in LeaveOneGroupOut().split(x, y, groups=folds):
        strength = choose_strength(x[train], y[train], folds[train])
        chosen.append(strength)
        scores[held] = pipeline(strength).fit(x[train], y[train]).predict_proba(x[held])[:, 1]
    return scores, chosen
