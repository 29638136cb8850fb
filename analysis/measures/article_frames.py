"""Article-level frames: does an article use each of Semetko & Valkenburg's five generic frames?

Trained coders answer the codebook's yes/no questions for a whole article
(Semetko & Valkenburg 2000; Frermann et al. 2023). Counting cue words per
sentence agrees with them little (ROC AUC 0.47 to 0.80). Here each question of
the codebook has a list of topic-general cue words (`analysis/data/frame_cues.csv`:
solutions and the entities that act, blame, urgency; people, families, emotions;
disagreement, reproach, sides, winners; religion and moral prescriptions;
money, costs, the economy), and a linear model per frame weighs, for each cue,
whether the article uses it, and for each question, the share of the article's
sentences that hold one of its cues. The weights ship as
`analysis/data/frame_model.csv` and can be printed (`frame_weights`); they were
fitted on the Narrative Frames Corpus by `tools/train_frame_model.py`, which
also reports the cross-validated agreement with the coders.

The issue frames of this event (legality, escalation, ...) keep their cue
lists in `frames.csv`: their score is the share of sentences invoking them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.language.lexicon import IGNORE, join_texts, load_lexicon, locate, word_index
from analysis.language.tokens import count_words
from analysis.measures.frames import load_frames
from analysis.measures.stats import REPLICATES, SEED, bootstrap_ratio, group_rng
from analysis.paths import data_file
from analysis.tables import By, group_key, require_by, require_columns

#: The generic frames, in the codebook's order, as frames.csv names them.
GENERIC_FRAMES = ("responsibility", "human interest", "conflict", "morality", "economic consequences")
#: An issue frame is present when at least this share of an article's sentences invoke it.
ISSUE_PRESENT_SHARE = 0.1
#: A generic frame is present when the model's probability reaches this (the model weighs both classes equally).
PRESENT_PROBABILITY = 0.5
INTERCEPT = "(intercept)"
LENGTH = "log_words"


@lru_cache(maxsize=2)
def _shipped(name: str) -> pd.DataFrame:
    return _read(data_file(name))


def _read(path) -> pd.DataFrame:
    # `#` lines are provenance comments (the model file says what it was fitted on).
    return pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")


def load_frame_cues(cues: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The cue lists of the codebook questions: `feature`, `frame`, `pattern` (plus `case_sensitive`, `question`, `note`)."""
    table = _shipped("frame_cues.csv") if cues is None else (cues if isinstance(cues, pd.DataFrame) else _read(cues))
    require_columns(table, ("feature", "frame", "pattern"), "frame cues")
    return table


def frame_features(sentences: pd.DataFrame, *, cues: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The model's features for each article, from its body sentences.

    Parameters
    ----------
    sentences : table from split_sentences (needs `doc_id`, `section`, `sent_id`, `text`).
    cues : the cue lists (default the shipped frame_cues.csv).

    Returns
    -------
    DataFrame indexed by `doc_id` (articles in table order), one column per
    feature: `<feature>` (share of body sentences holding one of its cues, 0 to
    1), `<feature>: <pattern>` (1.0 if the article uses that cue, else 0.0) and
    `log_words` (natural log of 1 + body words).
    """
    require_columns(sentences, ("doc_id", "section", "sent_id", "text"), "frame_features")
    body = sentences[sentences["section"] == "body"]
    return _features(sentences, body, _question_hits(body, load_frame_cues(cues)), load_frame_cues(cues))


def _question_hits(body: pd.DataFrame, cues: pd.DataFrame, joined: tuple | None = None) -> pd.DataFrame:
    """Every codebook cue in the body: `doc_id`, `sent_id`, `concept` (the question), `family` ("<question>: <pattern>"), `match`.
    `joined`: the body's (joined text, starts, word index) when the caller has them."""
    if joined is None:
        text, starts = join_texts(body["text"])
        joined = (text, starts, word_index(text))  # one index of the words for all the questions' lexicons
    joined, starts, index = joined
    found = [_hits(lexicon, body, joined, starts, index) for _, lexicon in _question_lexicons(cues)]
    # Each question's cues are matched on their own, so a word that cues two questions counts for both.
    return pd.concat(found, ignore_index=True) if found else _hits(None, body, joined, starts, index)


def _hits(lexicon, body: pd.DataFrame, joined: str, starts: list[int], index) -> pd.DataFrame:
    """A lexicon's matches in the joined body sentences: `doc_id`, `sent_id`, `concept`, `family`, `match`
    (what find_terms finds, without the quotation and offset columns evidence does not need)."""
    doc_ids, sent_ids = body["doc_id"].to_numpy(), body["sent_id"].to_numpy()
    columns: dict[str, list] = {"doc_id": [], "sent_id": [], "concept": [], "family": [], "match": []}
    if lexicon is not None:
        concepts, families = lexicon.table["concept"].to_numpy(), lexicon.table["family"].to_numpy()
        for start, end, row in lexicon.match(joined, index):
            if concepts[row] == IGNORE:
                continue
            line = locate(starts, start)
            columns["doc_id"].append(doc_ids[line])
            columns["sent_id"].append(sent_ids[line])
            columns["concept"].append(concepts[row])
            columns["family"].append(families[row])
            columns["match"].append(joined[start:end])
    return pd.DataFrame(columns).astype({"sent_id": "int64", "concept": "str", "family": "str", "match": "str"})


def _features(sentences: pd.DataFrame, body: pd.DataFrame, hits: pd.DataFrame, cues: pd.DataFrame) -> pd.DataFrame:
    articles = pd.Index(pd.unique(sentences["doc_id"]), name="doc_id")
    per_article = body.groupby("doc_id")["sent_id"].size().reindex(articles, fill_value=0)
    # Column order: each question, then its cues (as the model file lists them).
    order, questions = [], []
    for feature, rows in cues.groupby("feature", sort=False):
        questions.append(feature)
        order += [feature, *(f"{feature}: " + rows["pattern"])]
    order = list(dict.fromkeys(order))
    with_cue = (hits.drop_duplicates(["doc_id", "concept", "sent_id"]).groupby(["doc_id", "concept"]).size()
                .unstack("concept").reindex(index=articles, columns=questions).fillna(0))
    shares = with_cue.div(per_article.where(per_article > 0), axis=0).fillna(0.0)
    used = (hits.drop_duplicates(["doc_id", "family"]).assign(used=1.0)
            .pivot(index="doc_id", columns="family", values="used"))
    columns = pd.concat([shares, used.reindex(index=articles)], axis=1).reindex(columns=order).fillna(0.0)
    words = body.assign(_words=[count_words(text) for text in body["text"]]).groupby("doc_id")["_words"].sum()
    columns[LENGTH] = np.log1p(words.reindex(articles, fill_value=0).astype(float))
    columns.columns.name = None
    return columns.astype(float)


def _question_lexicons(cues: pd.DataFrame) -> list[tuple[str, object]]:
    """(question, compiled lexicon of its cues) for each question; the shipped cues are compiled once."""
    if cues is _shipped("frame_cues.csv"):
        return _shipped_question_lexicons()
    return [(feature, load_lexicon(_feature_lexicon(feature, rows))) for feature, rows in cues.groupby("feature", sort=False)]


@lru_cache(maxsize=1)
def _shipped_question_lexicons() -> list[tuple[str, object]]:
    cues = _shipped("frame_cues.csv")
    return [(feature, load_lexicon(_feature_lexicon(feature, rows))) for feature, rows in cues.groupby("feature", sort=False)]


def _feature_lexicon(feature: str, rows: pd.DataFrame) -> pd.DataFrame:
    """One question's cues as a terms lexicon whose families are "<question>: <pattern>"."""
    return pd.DataFrame({
        "concept": feature, "family": f"{feature}: " + rows["pattern"], "pattern": rows["pattern"],
        "case_sensitive": rows["case_sensitive"] if "case_sensitive" in rows.columns else "",
    })


def load_frame_model(model: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The weights of the generic-frame model: `frame`, `feature`, `mean`, `scale`, `weight`
    (one `(intercept)` row per frame, whose weight is the intercept)."""
    table = _shipped("frame_model.csv") if model is None else (model if isinstance(model, pd.DataFrame) else _read(model))
    require_columns(table, ("frame", "feature", "mean", "scale", "weight"), "frame model")
    return table.astype({"mean": float, "scale": float, "weight": float})


def frame_weights(*, model: pd.DataFrame | str | Path | None = None, frame: str | None = None, top: int | None = None) -> pd.DataFrame:
    """The model's weights, largest first: what makes an article read as using each frame.

    Parameters
    ----------
    model : the weights (default the shipped frame_model.csv).
    frame : only this frame (default all five).
    top : only the `top` features of each frame by absolute weight.

    Returns
    -------
    DataFrame with `frame`, `feature`, `weight` (per standard deviation of the
    feature; positive = evidence for the frame), sorted by frame and descending |weight|.
    """
    table = load_frame_model(model)
    table = table[table["feature"] != INTERCEPT]
    if frame is not None:
        table = table[table["frame"] == frame]
    table = table.assign(_size=table["weight"].abs()).sort_values(["frame", "_size", "feature"],
                                                                   ascending=[True, False, True], kind="stable")
    if top is not None:
        table = table.groupby("frame", sort=False).head(top)
    return table[["frame", "feature", "weight"]].reset_index(drop=True)


def score_generic_frames(features: pd.DataFrame, *, model: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """The model's probability that each article uses each generic frame.

    Parameters
    ----------
    features : table from frame_features.
    model : the weights (default the shipped frame_model.csv).

    Returns
    -------
    DataFrame indexed like `features`, one column per generic frame, values 0 to 1.
    """
    table = load_frame_model(model)
    scores = {}
    for frame, rows in table.groupby("frame", sort=False):
        terms = rows[rows["feature"] != INTERCEPT]
        missing = sorted(set(terms["feature"]) - set(features.columns))
        if missing:
            raise ValueError(f"frame model: features {missing[:5]} are not among the features given; "
                             "compute them with frame_features and the cues the model was trained with")
        values = features[list(terms["feature"])].to_numpy(dtype=float)
        z = ((values - terms["mean"].to_numpy()) / terms["scale"].to_numpy()) @ terms["weight"].to_numpy()
        z = z + float(rows.loc[rows["feature"] == INTERCEPT, "weight"].sum())
        scores[frame] = 1.0 / (1.0 + np.exp(-z))
    return pd.DataFrame(scores, index=features.index)


def article_frames(
    sentences: pd.DataFrame,
    *,
    lexicon: pd.DataFrame | str | Path | None = None,
    by: By = "outlet",
    model: pd.DataFrame | str | Path | None = None,
    cues: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Which frames each article uses: the five generic frames from the codebook model, the issue frames from cues.

    Parameters
    ----------
    sentences : table from split_sentences (needs `doc_id`, `section`, `sent_id`, `text` and the `by` column(s)).
    lexicon : the issue-frame cues (default the shipped frames.csv; its generic frames are left to the model).
    by : the group column(s) to keep beside each article.
    model : the generic-frame weights (default the shipped frame_model.csv).
    cues : the codebook cue lists the model was trained with (default the shipped frame_cues.csv).

    Returns
    -------
    DataFrame, one row per article x frame: `doc_id`, the `by` column(s),
    `frame`, `kind` ("generic" or "issue"), `score` (0 to 1: the model's
    probability for a generic frame; the share of sentences invoking an issue
    frame), `present` (probability at least PRESENT_PROBABILITY; share at least
    ISSUE_PRESENT_SHARE) and `evidence` (the article's cues that weigh most for
    the frame, as "match [cue]", and the first sentence holding one).
    """
    groups = require_by(sentences, by, "article_frames")
    require_columns(sentences, ("doc_id", "section", "sent_id", "text"), "article_frames")
    body = sentences[sentences["section"] == "body"]
    table = load_frame_cues(cues)
    joined, starts = join_texts(body["text"])
    index = word_index(joined)  # shared by the codebook questions' lexicons and the issue frames'
    hits = _question_hits(body, table, (joined, starts, index))
    features = _features(sentences, body, hits, table)
    generic = score_generic_frames(features, model=model)
    weights = load_frame_model(model)
    keys = sentences.drop_duplicates("doc_id").set_index("doc_id")[groups]
    rows = []
    texts = dict(zip(zip(body["doc_id"], body["sent_id"]), body["text"]))
    for frame in generic.columns:
        positive = weights[(weights["frame"] == frame) & (weights["weight"] > 0)]
        evidence = _generic_evidence(hits, dict(zip(positive["feature"], positive["weight"])), texts)
        for doc_id, score in generic[frame].items():
            rows.append((doc_id, frame, "generic", float(score), bool(score >= PRESENT_PROBABILITY),
                         evidence.get(doc_id, "")))
    issue_lexicon = load_frames(lexicon)
    issue_lexicon = issue_lexicon[~issue_lexicon["frame"].isin(GENERIC_FRAMES)]
    issue_hits = _hits(load_lexicon(issue_lexicon), body, joined, starts, index) if len(issue_lexicon) else None
    per_article = body.groupby("doc_id").size()
    for frame in dict.fromkeys(issue_lexicon["frame"]):
        found = issue_hits[issue_hits["concept"] == frame]
        invoking = found.drop_duplicates(["doc_id", "sent_id"]).groupby("doc_id").size()
        evidence = _issue_evidence(found, texts)
        for doc_id in features.index:
            share = float(invoking.get(doc_id, 0) / per_article.get(doc_id, 1)) if per_article.get(doc_id, 0) else 0.0
            rows.append((doc_id, frame, "issue", share, bool(share >= ISSUE_PRESENT_SHARE), evidence.get(doc_id, "")))
    table = pd.DataFrame(rows, columns=["doc_id", "frame", "kind", "score", "present", "evidence"])
    table = table.merge(keys, left_on="doc_id", right_index=True, how="left")
    order = {doc_id: i for i, doc_id in enumerate(features.index)}
    table = table.assign(_order=table["doc_id"].map(order)).sort_values(["_order"], kind="stable")
    return table[["doc_id", *groups, "frame", "kind", "score", "present", "evidence"]].reset_index(drop=True)


def _generic_evidence(hits: pd.DataFrame, strength: dict[str, float], texts: dict, cues: int = 3) -> dict[str, str]:
    """Per article: its `cues` cues weighing most for the frame, as "match [cue]", and the first sentence of the
    strongest (one sorted pass over all hits, not a table per article)."""
    weighed = hits[hits["family"].isin(strength)]
    weighed = weighed.assign(_weight=weighed["family"].map(strength)).sort_values(
        ["doc_id", "_weight", "sent_id"], ascending=[True, False, True], kind="stable")
    weighed = weighed.drop_duplicates(["doc_id", "family"])
    evidence: dict[str, str] = {}
    listed: dict[str, list[str]] = {}
    for doc_id, sent_id, family, match in zip(weighed["doc_id"], weighed["sent_id"], weighed["family"], weighed["match"]):
        mine = listed.setdefault(doc_id, [])
        if not mine:
            evidence[doc_id] = _clip(texts.get((doc_id, sent_id), ""))
        if len(mine) < cues:
            mine.append(f"{match} [{family.split(': ', 1)[1]}]")
    return {doc_id: f"{', '.join(listed[doc_id])}: “{first}”" for doc_id, first in evidence.items()}


def _issue_evidence(hits: pd.DataFrame, texts: dict, cues: int = 3) -> dict[str, str]:
    """Per article: its first `cues` distinct matches (lower case) and the first sentence invoking the frame."""
    first_sentence = hits.groupby("doc_id", sort=False)["sent_id"].min()
    matches: dict[str, list[str]] = {}
    for doc_id, match in zip(hits["doc_id"], hits["match"].str.lower()):
        mine = matches.setdefault(doc_id, [])
        if len(mine) < cues and match not in mine:
            mine.append(match)
    return {doc_id: f"{', '.join(found)}: “{_clip(texts.get((doc_id, first_sentence[doc_id]), ''))}”"
            for doc_id, found in matches.items()}


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def frame_prevalence(
    frames: pd.DataFrame, *, by: By = "outlet", seed: int = SEED, replicates: int = REPLICATES
) -> pd.DataFrame:
    """Share of each group's articles that use each frame, with 95% bootstrap intervals over articles.

    Parameters
    ----------
    frames : table from article_frames.
    by : the group column, or a list of them.
    seed, replicates : the bootstrap's seed and number of replicates.

    Returns
    -------
    DataFrame, one row per group x frame: the `by` column(s), `frame`, `kind`,
    `n` (articles using it), `articles`, `share`, `low`, `high` (95% interval,
    resampling articles; a group of one article has none: NaN) and `mean_score`.
    """
    groups = require_by(frames, by, "frame_prevalence")
    require_columns(frames, ("doc_id", "frame", "kind", "score", "present"), "frame_prevalence")
    order = list(dict.fromkeys(frames["frame"]))
    rows = []
    for key, part in frames.groupby(groups, sort=True):
        values = key if isinstance(key, tuple) else (key,)
        wide = part.pivot(index="doc_id", columns="frame", values="present").reindex(columns=order).astype(float)
        if len(wide) >= 2:
            low, high = bootstrap_ratio(wide.to_numpy(), np.ones(len(wide)), rng=group_rng(group_key(values), seed),
                                        replicates=replicates)
        else:
            low = high = np.full(len(order), np.nan)
        kinds = part.drop_duplicates("frame").set_index("frame")["kind"]
        means = part.groupby("frame")["score"].mean()
        for j, frame in enumerate(order):
            n = int(wide[frame].sum())
            rows.append((*values, frame, kinds[frame], n, len(wide), n / len(wide), low[j], high[j], float(means[frame])))
    columns = [*groups, "frame", "kind", "n", "articles", "share", "low", "high", "mean_score"]
    return pd.DataFrame(rows, columns=columns)
