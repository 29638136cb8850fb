"""Fit the generic-frame model on the Narrative Frames Corpus and write `analysis/data/frame_model.csv`.

    .venv/bin/python tools/train_frame_model.py [--data ../shared/data/narrative_frames] [--check]

The features are `analysis.measures.article_frames.frame_features` over the
topic-general cue lists of `analysis/data/frame_cues.csv`; one L2-regularised
logistic regression per frame (both classes weighed equally), on standardised
features. The regularisation strength is chosen by leave-one-fold-out
cross-validation over the corpus' own folds (1-4) and reported by nested
cross-validation (the choice made again inside each training split), so the
numbers printed are honest estimates for articles the model has not seen.
The file is written deterministically: the same data give the same bytes
(`--check` compares with the shipped file instead of writing it).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score, roc_auc_score

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

import analysis as an  # noqa: E402
from analysis.measures.article_frames import GENERIC_FRAMES, INTERCEPT, frame_features  # noqa: E402
from analysis.measures.frame_training import (  # noqa: E402
    choose_strength, fit, mean_auc, nested_scores, own_features, read_corpus,
)

OUTPUT = PROJECT / "analysis" / "data" / "frame_model.csv"

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(PROJECT.parent / "shared" / "data" / "narrative_frames"))
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    args = parser.parse_args(argv)
    folder = Path(args.data)
    articles, labels = read_corpus(folder)
    sentences = an.split_sentences(articles)
    features = frame_features(sentences)
    cues = pd.read_csv(PROJECT / "analysis" / "data" / "frame_cues.csv", dtype=str, keep_default_na=False)
    folds = labels.loc[features.index, "fold"].to_numpy()
    # The measure this replaces: the share of an article's sentences holding one of the frame's frames.csv cues.
    cue_hits = an.code_frames(sentences).drop_duplicates(["doc_id", "sent_id", "frame"])
    cue_shares = (cue_hits.groupby(["doc_id", "frame"]).size().unstack("frame", fill_value=0)
                  .div(sentences.groupby("doc_id").size(), axis=0).reindex(features.index).fillna(0.0))
    rows, report = [], []
    for frame in GENERIC_FRAMES:
        columns = own_features(features, frame, cues)
        x = features[columns].to_numpy(dtype=float)
        y = labels.loc[features.index, frame].to_numpy()
        nested, chosen = nested_scores(x, y, folds)
        strength = choose_strength(x, y, folds)
        mean, scale, model = fit(x, y, strength)
        report.append({
            "frame": frame, "prevalence": round(float(y.mean()), 3),
            "auc_nested": round(mean_auc(y, nested, folds), 3),
            "auc_per_fold": [round(float(roc_auc_score(y[folds == f], nested[folds == f])), 3) for f in np.unique(folds)],
            "f1_nested": round(float(f1_score(y, nested >= 0.5)), 3),
            "auc_sentence_cues": round(mean_auc(y, cue_shares[frame].to_numpy(), folds), 3),
            "strength_final": strength, "strengths_nested": chosen, "features": len(columns),
        })
        rows.append((frame, INTERCEPT, 0.0, 1.0, float(model.intercept_[0])))
        rows.extend((frame, column, float(m), float(s), float(w))
                    for column, m, s, w in zip(columns, mean, scale, model.coef_[0]))
    table = pd.DataFrame(rows, columns=["frame", "feature", "mean", "scale", "weight"])
    buffer = io.StringIO()
    buffer.write(f"# fitted by tools/train_frame_model.py on {folder.name}/articles.tsv "
                 f"(sha256 {hashlib.sha256((folder / 'articles.tsv').read_bytes()).hexdigest()[:16]}), folds 1-4\n")
    table.to_csv(buffer, index=False, lineterminator="\n", float_format="%.8g")
    text = buffer.getvalue()
    for line in report:
        print(json.dumps(line))
    print("mean nested AUC", round(float(np.mean([line["auc_nested"] for line in report])), 3))
    if args.check:
        same = OUTPUT.read_text(encoding="utf-8") == text
        print("shipped file is", "identical" if same else "DIFFERENT")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(PROJECT)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    from threadpoolctl import threadpool_limits

    # One BLAS thread: a sum split over threads rounds differently, so the file would depend on the machine's
    # cores (and on a Dask cluster, which sets OMP_NUM_THREADS=1, having started in the same process).
    with threadpool_limits(limits=1):
        sys.exit(main())
