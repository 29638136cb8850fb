"""How far to trust each measure: agreement with public human judgement, beside the published reference.

Each `validate_*` function reads one public data set (from `../shared/data`, or
the folder named by $VALIDATION_DATA), runs the package's measure on it as a
new user would, and returns rows of one table:

`measure`, `data`, `metric`, `value`, `low`, `high` (95% bootstrap interval,
NaN where none applies), `reference` (the published or baseline figure, as
text), `reference_value` (the same as a number, NaN where there is none),
`n` (units behind the value), `note`.

A missing data set gives no error: `validate_all` returns one row per missing
folder with `metric` "missing" and the folder in `note`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from analysis.cache import memoised
from analysis.corpus.clean import clean_article, load_rules
from analysis.language.segment import split_sentences, split_text
from analysis.measures.article_frames import (
    GENERIC_FRAMES,
    frame_features,
    load_frame_cues,
)
from analysis.measures.frame_training import nested_scores, own_features, read_corpus
from analysis.measures.sentiment import score_sentences
from analysis.measures.stats import SEED
from analysis.validation_data import (  # noqa: F401 - ENV_DATA and read_by_validate_all: also here, where they were
    DATA_SETS,
    ENV_DATA,
    HAND_LABELS,
    read_by_validate_all,
    validation_data,
)

COLUMNS = ["measure", "data", "metric", "value", "low", "high", "reference", "reference_value", "n", "note"]
REPLICATES = 1000


def _row(measure, data, metric, value, low=np.nan, high=np.nan, reference="", n=0, note="", reference_value=np.nan) -> dict:
    return dict(zip(COLUMNS, (measure, data, metric, float(value), float(low), float(high), reference,
                              float(reference_value), int(n), note)))


def _bootstrap(statistic, units: int, *, seed: int = SEED) -> tuple[float, float]:
    """Percentile 95% interval of statistic(indices) over resampled units."""
    rng = np.random.default_rng(seed)
    values = [statistic(rng.integers(0, units, units)) for _ in range(REPLICATES)]
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return float(low), float(high)


def validate_vader(data: Path) -> pd.DataFrame:
    """VADER's compound against the mean human rating of 5,190 NYT editorial snippets (Hutto & Gilbert 2014)."""
    path = data / "vader_groundtruth" / "nytEditorialSnippets_GroundTruth.txt"
    rows = [line.split("\t", 2) for line in path.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    truth = pd.DataFrame(rows, columns=["id", "rating", "text"]).astype({"rating": float})
    scored = score_sentences(truth)
    x, y = scored["compound"].to_numpy(), scored["rating"].to_numpy()
    r = np.corrcoef(x, y)[0, 1]
    low, high = _bootstrap(lambda i: np.corrcoef(x[i], y[i])[0, 1], len(x))
    return pd.DataFrame([_row("sentence sentiment (VADER)", "NYT editorial snippets", "Pearson r", r, low, high,
                              "0.492 (Hutto & Gilbert 2014)", len(x), "human ratings -4..4, mean of 20 raters",
                              reference_value=0.492)])


def validate_sentences(data: Path) -> pd.DataFrame:
    """Sentence splitting against the 48 English Golden Rules (pragmatic_segmenter via pySBD)."""
    rules = json.loads((data / "sbd_golden_rules" / "pysbd_golden_rules_en.json").read_text(encoding="utf-8"))
    passed = np.array([[s.strip() for s in split_text(rule["text"])] == rule["expected"] for rule in rules], dtype=float)
    low, high = _bootstrap(lambda i: passed[i].mean(), len(passed))
    return pd.DataFrame([_row("sentence splitting", "Golden Rules (English)", "share of rules passed", passed.mean(), low,
                              high, "Punkt alone 27/48 (0.56), pySBD 47/48 (0.98)", len(passed),
                              f"{int(passed.sum())} of {len(passed)}", reference_value=47 / 48)])


def validate_frames(data: Path) -> pd.DataFrame:
    """Generic frames per article against trained coders (Narrative Frames Corpus, folds 1-4), nested
    leave-one-fold-out; the interval resamples articles of the out-of-fold scores."""
    articles, labels = read_corpus(data / "narrative_frames")
    features = frame_features(split_sentences(articles))
    cues = load_frame_cues()
    folds = labels.loc[features.index, "fold"].to_numpy()
    rows = []
    for frame in GENERIC_FRAMES:
        x = features[own_features(features, frame, cues)].to_numpy(dtype=float)
        y = labels.loc[features.index, frame].to_numpy()
        scores, _ = nested_scores(x, y, folds)
        auc = float(np.mean([roc_auc_score(y[folds == f], scores[folds == f]) for f in np.unique(folds)]))
        low, high = _bootstrap(lambda i, y=y, scores=scores: roc_auc_score(y[i], scores[i]) if 0 < y[i].sum() < len(i)
                               else np.nan, len(y))
        rows.append(_row("generic frames (article_frames)", "Narrative Frames Corpus folds 1-4", f"ROC AUC: {frame}",
                         auc, low, high, "TF-IDF + logistic regression in-domain about 0.78 (mean)", len(y),
                         f"prevalence {y.mean():.2f}; mean of per-fold AUCs, nested cross-validation",
                         reference_value=0.78))
    return pd.DataFrame(rows)


def _newsmtsc(path: Path) -> pd.DataFrame:
    """One row per target of a NewsMTSC split: `text`, `start`, `end`, `truth` (negative, neutral, positive)."""
    polarity = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for target in record["targets"]:
            rows.append((record["sentence_normalized"], target["from"], target["to"], polarity[float(target["polarity"])]))
    return pd.DataFrame(rows, columns=["text", "start", "end", "truth"])


def validate_target_sentiment(data: Path) -> pd.DataFrame:
    """Sentiment toward a named person against NewsMTSC's human labels (Hamborg & Donnay 2021), development splits:
    the target model and sentence-level VADER; the interval resamples targets."""
    from sklearn.metrics import f1_score

    from analysis.measures.target_model import classify_target_sentiment

    rows = []
    for split in ("rw_dev", "mt_dev"):
        table = _newsmtsc(data / "newsmtsc" / f"{split}.jsonl")
        truth = table["truth"].to_numpy()
        vader = score_sentences(table)["compound"].to_numpy()
        predictions = {
            "sentence VADER": np.where(vader >= 0.05, "positive", np.where(vader <= -0.05, "negative", "neutral")),
            "target model": classify_target_sentiment(table)["label"].astype(str).to_numpy(),
        }
        for method, predicted in predictions.items():
            score = f1_score(truth, predicted, average="macro")
            low, high = _bootstrap(lambda i, p=predicted, t=truth: f1_score(t[i], p[i], average="macro"), len(truth))
            rows.append(_row(f"target sentiment ({method})", f"NewsMTSC {split}", "macro-F1", score, low, high,
                             "RoBERTa GRU-TSC 0.83 (test); target 0.62", len(truth), "", reference_value=0.62))
    return pd.DataFrame(rows)


#: Hand labels of AllSides pages (tests/data/README.md): the pages the cleaning rules were written against,
#: and pages labelled blind afterwards and never used to change a rule.
CLEANING_LABELS = {
    "labelled first": ("allsides_cleaning_labels.csv",),  # the 30 pages issue 10 asks for
    "rules written against": ("allsides_cleaning_labels.csv", "allsides_cleaning_heldout_labels.csv",
                              "allsides_cleaning_heldout2_labels.csv"),
    "held out": ("allsides_cleaning_heldout3_labels.csv",),  # labelled blind, never used to write a rule
}


def validate_cleaning(data: Path, labels: Path = HAND_LABELS) -> pd.DataFrame:
    """Line-level removal against hand labels of AllSides pages (tests/data), for the pages the rules were written
    against and for the pages held out; the interval resamples articles."""
    rows = []
    for part, files in CLEANING_LABELS.items():
        table = pd.concat([pd.read_csv(labels / name, dtype={"doc_id": str}) for name in files], ignore_index=True)
        removed = _removed_lines(data, table["doc_id"].unique())
        table = table.assign(predicted=[(d, line) in removed for d, line in zip(table["doc_id"], table["line"])],
                             truth=table["label"].eq("remove"))
        counts = (table.assign(tp=table["predicted"] & table["truth"])
                  .groupby("doc_id")[["tp", "predicted", "truth"]].sum().to_numpy(dtype=float))
        for metric, column in (("precision of removal", 1), ("recall of removal", 2)):
            low, high = _bootstrap(lambda i, c=counts, k=column: c[i, 0].sum() / c[i, k].sum(), len(counts))
            rows.append(_row("cleaning (load_articles)", f"{len(counts)} AllSides pages, {part}", metric,
                             counts[:, 0].sum() / counts[:, column].sum(), low, high, "target 0.95", len(table),
                             f"{int(counts[:, 1].sum())} removed, {int(counts[:, 2].sum())} labelled furniture",
                             reference_value=0.95))
    return pd.DataFrame(rows)


def _removed_lines(data: Path, doc_ids) -> set[tuple[str, int]]:
    """(doc_id, line) of every line the cleaner drops whole; datelines and link cards are cut from a line that stays."""
    rules = load_rules()
    removed = set()
    for doc_id in doc_ids:
        record = json.loads((data / "allsides_soleimani" / "jsons" / f"{doc_id}.json").read_text(encoding="utf-8"))
        cleaned = clean_article(record["content_original"], title=record["title"], author=record["authors"] or None,
                                rules=rules)
        removed |= {(doc_id, line) for line, _, rule in cleaned.removed if rule not in ("dateline", "link_card")}
    return removed


def validate_speakers(check: Path = HAND_LABELS / "allsides_speaker_check.csv") -> pd.DataFrame:
    """Speaker groups against a hand check of 40 random AllSides attributions before and after the issue-10 rules."""
    table = pd.read_csv(check, dtype={"doc_id": str})
    rows = []
    for version, part in table.groupby("version", sort=False):
        named = part[~part["speaker_group"].isin(["other", "unresolved"])]
        correct = named["group_ok"].eq("yes").to_numpy(dtype=float)
        low, high = _bootstrap(lambda i, c=correct: c[i].mean(), len(correct)) if len(correct) else (np.nan, np.nan)
        rows.append(_row("speaker groups (find_attributions)", f"40 AllSides attributions, {version}",
                         "precision of named groups", correct.mean() if len(correct) else np.nan, low, high, "", len(named),
                         f"{int(correct.sum())} of {len(named)} named groups right; "
                         f"{int(part['group_ok'].eq('yes').sum())} of {len(part)} groups right overall"))
    return pd.DataFrame(rows)


#: Each validation: the data folder it needs, the measure it checks (both from DATA_SETS), the function.
VALIDATORS = {"vader_groundtruth": validate_vader, "sbd_golden_rules": validate_sentences,
              "narrative_frames": validate_frames, "newsmtsc": validate_target_sentiment,
              "allsides_soleimani": validate_cleaning}
VALIDATIONS = tuple((name, measure, VALIDATORS[name]) for name, measure in DATA_SETS)


@memoised(depends_on=read_by_validate_all)
def validate_all(data: str | Path | None = None) -> pd.DataFrame:
    """Every validation whose data is present; a "missing" row (naming the folder) for each that is not.

    Parameters
    ----------
    data : the folder of the public data sets (default: validation_data()).

    Returns
    -------
    DataFrame with the columns listed in this module's docstring, one row per metric. Kept in the cache
    (analysis.cache.memoised), keyed by the package and the content of every file it reads, so a second run
    reads it back instead of validating again.
    """
    folder = validation_data(data)
    parts = []
    for name, measure, validate in VALIDATIONS:
        if (folder / name).is_dir():
            parts.append(validate(folder))
        else:
            parts.append(pd.DataFrame([_row(measure, name, "missing", np.nan, note=f"data folder not found: {folder / name}")]))
    parts.append(validate_speakers())
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def missing_data(table: pd.DataFrame) -> list[str]:
    """The data folders validate_all could not find (from its "missing" rows).

    Parameters
    ----------
    table : from validate_all.

    Returns the folders as a list of strings.
    """
    return [note.split(": ", 1)[1] for note in table.loc[table["metric"] == "missing", "note"]]


def trust_table(table: pd.DataFrame) -> str:
    """The README's "How far to trust each measure" table, in Markdown, from validate_all's table.

    Parameters
    ----------
    table : from validate_all (rows with a value).

    Returns the Markdown text.
    """
    lines = ["| measure | checked against | metric | value (95% interval) | reference | n |", "|---|---|---|---|---|---|"]
    for record in table[table["metric"] != "missing"].itertuples(index=False):
        interval = f" ({record.low:.2f}–{record.high:.2f})" if record.low == record.low else ""
        reference = record.reference if isinstance(record.reference, str) else ""  # empty cells read back as NaN
        lines.append(f"| {record.measure} | {record.data} | {record.metric} | {record.value:.3f}{interval} | "
                     f"{reference} | {record.n} |")
    return "\n".join(lines) + "\n"
