"""How often the corrected intervals cover what the coders say, against the measure alone, on public human codes.

    .venv/bin/python benchmarks/coverage.py [--repetitions 200] [--share 0.15]

Narrative Frames Corpus folds 1-4 (343 articles, frames coded by trained annotators): per repetition a random
`--share` of each group's articles is "coded" (their published labels revealed), the rest keep only the frame
model's verdict; grouped by `mbfc` (4 groups) and by `source` (59 outlets). NewsMTSC dev (mentions coded
negative / neutral / positive toward a person; no groups): the share negative, with a random `--share` coded.
Prints, per setting: coverage of the coders' share by the corrected 95% interval and by the naive article
bootstrap (where the group has one), mean widths (corrected, and the codes alone), and how well each ranks the
groups (Spearman with the coders' shares, mean over repetitions).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import analysis as an  # noqa: E402
from analysis.measures.article_frames import GENERIC_FRAMES  # noqa: E402
from analysis.measures.frame_training import read_corpus  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def frames_units() -> tuple[pd.DataFrame, dict]:
    articles, labels = read_corpus(DATA / "narrative_frames")
    meta = pd.read_csv(DATA / "narrative_frames" / "articles.tsv", sep="\t", dtype=str, keep_default_na=False)
    articles = articles.assign(mbfc=meta["mbfc"].to_numpy(), source=meta["source"].to_numpy())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = an.article_frames(an.split_sentences(articles), by="outlet")
    present = frames[frames["kind"] == "generic"].pivot(index="doc_id", columns="frame", values="present")
    return articles, {frame: (present[frame].astype(float), labels[frame].astype(float)) for frame in GENERIC_FRAMES}


def rank(estimates: pd.Series, truth: pd.Series) -> float:
    both = pd.concat([estimates, truth], axis=1).dropna()
    if len(both) < 3 or both.iloc[:, 0].nunique() < 2:
        return np.nan
    return float(spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic)


def grouped(articles, frames, by: str, repetitions: int, share: float) -> dict:
    cells = {"corrected": [], "naive": [], "width": [], "codes_width": [], "rank_corrected": [], "rank_naive": []}
    for frame, (prediction, label) in frames.items():
        units = articles.assign(prediction=articles["doc_id"].map(prediction), truth=articles["doc_id"].map(label))
        truth = units.groupby(by)["truth"].mean()
        for repetition in range(repetitions):
            sample = an.sample_for_coding(units, measure="frames", n=share, by=by, seed=repetition)
            coded = units.assign(code=units["truth"].where(units["doc_id"].isin(sample["doc_id"])))
            table = an.corrected_estimates(coded, prediction="prediction", code="code", by=by, seed=repetition)
            alone = an.corrected_estimates(coded, prediction="prediction", code="code", by=by, seed=repetition, lam=0)
            target = table[by].map(truth)
            cells["corrected"] += list((table["low"] <= target) & (target <= table["high"]))
            has = table["naive_low"].notna()
            cells["naive"] += list(((table["naive_low"] <= target) & (target <= table["naive_high"]))[has])
            cells["width"] += list(table["high"] - table["low"])
            cells["codes_width"] += list(alone["high"] - alone["low"])
            cells["rank_corrected"].append(rank(table.set_index(by)["estimate"], truth))
            cells["rank_naive"].append(rank(table.set_index(by)["naive"], truth))
    return {key: float(np.nanmean(values)) if len(values) else float("nan") for key, values in cells.items()}


def newsmtsc(split: str, repetitions: int, share: float) -> dict:
    rows = []
    for number, line in enumerate((DATA / "newsmtsc" / f"{split}.jsonl").read_text("utf-8").splitlines()):
        record = json.loads(line)
        for target in record["targets"]:
            rows.append((str(number), record["sentence_normalized"], target["from"], target["to"],
                         float(float(target["polarity"]) == 2.0)))
    mentions = pd.DataFrame(rows, columns=["doc_id", "text", "start", "end", "truth"])
    labelled = an.classify_target_sentiment(mentions)
    units = mentions.assign(prediction=(labelled["label"] == "negative").astype(float).to_numpy())
    truth = units["truth"].mean()
    hits, naive, widths = [], [], []
    for repetition in range(repetitions):
        coded = np.random.default_rng(repetition).random(len(units)) < share
        table = an.corrected_estimates(units.assign(code=units["truth"].where(coded)), prediction="prediction",
                                       code="code", by=None, seed=repetition).iloc[0]
        hits.append(table["low"] <= truth <= table["high"])
        naive.append(table["naive_low"] <= truth <= table["naive_high"])
        widths.append(table["high"] - table["low"])
    return {"mentions": len(units), "coders_share": truth, "naive_share": float(units["prediction"].mean()),
            "corrected": float(np.mean(hits)), "naive": float(np.mean(naive)), "width": float(np.mean(widths))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repetitions", type=int, default=200)
    parser.add_argument("--share", type=float, default=0.15)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"needs {DATA} (../shared/data)")
    articles, frames = frames_units()
    print(f"Narrative Frames Corpus folds 1-4, {len(articles)} articles, {args.share:.0%} of each group coded, "
          f"{args.repetitions} repetitions x 5 frames")
    print("grouping   coverage corrected  naive (with interval)  width corrected  width codes alone  "
          "Spearman with coders: corrected  naive")
    for by in ("mbfc", "source"):
        result = grouped(articles, frames, by, args.repetitions, args.share)
        print(f"{by:<10} {result['corrected']:>18.3f} {result['naive']:>22.3f} {result['width']:>16.3f} "
              f"{result['codes_width']:>18.3f} {result['rank_corrected']:>32.2f} {result['rank_naive']:>6.2f}")
    print(f"\nNewsMTSC dev, share of mentions negative, {args.share:.0%} coded, {args.repetitions} repetitions")
    for split in ("mt_dev", "rw_dev"):
        result = newsmtsc(split, args.repetitions, args.share)
        print(f"{split}: {result['mentions']} mentions, coders {result['coders_share']:.3f}, model alone "
              f"{result['naive_share']:.3f}; coverage corrected {result['corrected']:.3f}, naive {result['naive']:.3f}; "
              f"width {result['width']:.3f}")


if __name__ == "__main__":
    main()
