"""Sentence-level sentiment with VADER, and the means to see what VADER can and cannot see.

VADER (Hutto & Gilbert 2014) was built for social media. Its lexicon
misjudges this event's words ("assassination" -2.9 is milder than "killing"
-3.4; "assassinated", "martyr", "condolences" score 0; "adventurism" is +1.5),
and its compound score saturates on long texts, so sentences are scored one by
one, exactly as written, and every summary can be traced to the words that
drive it (`sentiment_drivers`) and re-run with the framing words masked
(`mask_terms`).

A "sentence" of more than LONG_SENTENCE_WORDS words (a scraped table or list
without full stops) is scored in consecutive windows of at most that many words
and flagged: VADER's rules look back over the whole sentence for every word, so
its time grows with the square of a sentence's length.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.corpus.errors import CorpusWarning
from analysis.language.lexicon import IGNORE, load_lexicon
from analysis.language.names import mask_spans, name_spans
from analysis.language.quotes import sentence_voice
from analysis.measures.stats import REPLICATES, SEED, article_mean_interval, group_rng, resampling
from analysis.measures.target_model import (
    LABELS,
    LONG_SENTENCE_TOKENS,
    classify_target_sentiment,
    mention_window,
    token_bounds,
)
from analysis.measures.vader import analyzer, valences
from analysis.measures.terms import find_terms
from analysis.cache import memoised
from analysis.tables import By, require_by, require_columns, split_by
from analysis.workers import in_workers

#: VADER's thresholds for a positive / negative compound score.
POSITIVE, NEGATIVE = 0.05, -0.05
#: Below this many sentences one process is faster than starting workers.
PARALLEL_MIN_SENTENCES = 20_000
#: The default target entities of target_sentiment (entities of aliases.csv).
TARGETS = ("United States", "Iran", "Soleimani", "Russia", "China", "Iraq", "UN")
#: What replaces a masked framing term: a token VADER does not know and that modifies nothing.
MASK = "xxxx"
SCORE_COLUMNS = ("neg", "neu", "pos", "compound")
#: A sentence of more words than this (VADER's words: runs of non-space characters) is scored in windows of at
#: most this many words. News sentences stay far below it (the longest of the 43,959 BBC sentences has 138 words).
LONG_SENTENCE_WORDS = 1_000
_WORD = re.compile(r"\S+")


def _score_texts(texts: list[str]) -> list[tuple[float, float, float, float, bool]]:
    """(neg, neu, pos, compound, long_sentence) for each text."""
    vader = analyzer()
    scored: dict[str, tuple[float, float, float, float, bool]] = {}  # a text repeated is scored once
    for text in texts:
        if text in scored:
            continue
        pieces = _windows(text)
        if pieces is None:
            result = vader.polarity_scores(text)
            scored[text] = (result["neg"], result["neu"], result["pos"], result["compound"], False)
        else:
            scored[text] = (*_window_mean(pieces), True)
    return [scored[text] for text in texts]


def _windows(text: str) -> list[str] | None:
    """A text of more than LONG_SENTENCE_WORDS words cut at spaces into the fewest consecutive windows of at most
    that many words, as near equal in length as can be; None for a shorter text."""
    if len(text) < 2 * LONG_SENTENCE_WORDS:  # too short to hold that many words separated by spaces
        return None
    words = [found.span() for found in _WORD.finditer(text)]
    if len(words) <= LONG_SENTENCE_WORDS:
        return None
    count = -(-len(words) // LONG_SENTENCE_WORDS)
    bounds = [len(words) * k // count for k in range(count + 1)]
    return [text[words[first][0]:words[last - 1][1]] for first, last in zip(bounds, bounds[1:])]


def _window_mean(pieces: list[str]) -> tuple[float, float, float, float]:
    """VADER's scores of each window averaged with the windows' word counts as weights, rounded as VADER rounds.

    The mean of the windows' compound scores is the tone of an average stretch of at most LONG_SENTENCE_WORDS
    words, comparable however long the text, where one compound over the whole text would saturate towards -1 or 1.
    """
    results = [analyzer().polarity_scores(piece) for piece in pieces]
    weights = np.array([len(piece.split()) for piece in pieces], dtype=float)
    mean = {key: float(np.dot(weights, [result[key] for result in results]) / weights.sum()) for key in SCORE_COLUMNS}
    return round(mean["neg"], 3), round(mean["neu"], 3), round(mean["pos"], 3), round(mean["compound"], 4)


def score_sentences(sentences: pd.DataFrame, *, workers: int | None = None, ignore_names: bool = False) -> pd.DataFrame:
    """VADER scores for each sentence, on its text exactly as written (capitals and punctuation count).

    Parameters
    ----------
    sentences : any table with a `text` column (one sentence per row; never score whole articles).
    workers : processes to use; default both cores when there are at least
        PARALLEL_MIN_SENTENCES sentences, else one. Results are identical either way.
    ignore_names : keep the words of proper names out of the score ("United
        States", "Supreme National Security Council": see `analysis.language.names`);
        each is replaced by a token VADER neither scores nor treats as a modifier.

    Returns
    -------
    The input table plus `neg`, `neu`, `pos` and `compound` (vaderSentiment's
    polarity_scores), `long_sentence` (True where the sentence has more than
    LONG_SENTENCE_WORDS words: it was cut into consecutive windows of at most
    that many words, near equal in length, and each score is the mean over the
    windows weighted by their words), and with `ignore_names`, `names_ignored`
    (name words left out of each sentence's score). `text` is returned as it
    was. Long sentences are also named, by article, in a CorpusWarning.
    """
    require_columns(sentences, ("text",), "score_sentences")
    texts = ["" if not isinstance(text, str) else text for text in sentences["text"]]
    ignored = None
    if ignore_names:
        aliases = load_lexicon(None, default="aliases.csv")
        spans = [name_spans(text, aliases=aliases) for text in texts]
        ignored = [len(found) for found in spans]
        texts = [mask_spans(text, found, MASK) for text, found in zip(texts, spans)]
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if len(texts) >= PARALLEL_MIN_SENTENCES else 1
    # The workers have the texts in memory and are sent row positions.
    chunks = np.array_split(np.arange(len(texts)), workers * 4) if workers > 1 else [range(len(texts))]
    parts = in_workers(lambda whole, rows: _score_texts([whole[i] for i in rows]), chunks, shared=texts,
                       workers=workers)
    scores = [score for part in parts for score in part]
    table = pd.DataFrame([score[:4] for score in scores], columns=list(SCORE_COLUMNS), index=sentences.index,
                         dtype="float64")
    table = table.assign(long_sentence=pd.Series([score[4] for score in scores], index=sentences.index, dtype="bool"))
    if ignored is not None:
        table = table.assign(names_ignored=pd.Series(ignored, index=sentences.index, dtype="int64"))
    added = (*SCORE_COLUMNS, "long_sentence", "names_ignored")
    scored = sentences.drop(columns=[c for c in added if c in sentences.columns]).join(table)
    warn_long_sentences(scored)
    return scored


def warn_long_sentences(scored: pd.DataFrame) -> None:
    """Warn (CorpusWarning) naming the articles, or without `doc_id` the rows, whose sentences score_sentences
    scored in windows (`long_sentence`); nothing if there are none."""
    long = scored[scored["long_sentence"].to_numpy(dtype=bool)] if "long_sentence" in scored.columns else scored.iloc[:0]
    if long.empty:
        return
    names = list(dict.fromkeys(long["doc_id"].astype(str))) if "doc_id" in long.columns else [str(i) for i in long.index]
    shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    where = ("article" if "doc_id" in long.columns else "row") + ("s" if len(names) > 1 else "")
    warnings.warn(f"score_sentences: {len(long)} sentence(s) longer than {LONG_SENTENCE_WORDS:,} words ({where} "
                  f"{shown}) scored in windows of at most {LONG_SENTENCE_WORDS:,} words and averaged; "
                  "see the `long_sentence` column", CorpusWarning, stacklevel=3)


def _voice(scored: pd.DataFrame) -> pd.Series:
    """Each sentence's voice: its `voice` column (split_sentences), else from `quote_share`, else "own"."""
    if "voice" in scored.columns:
        return scored["voice"]
    if "quote_share" in scored.columns:
        return pd.Series(sentence_voice(scored["quote_share"]), index=scored.index)
    return pd.Series("own", index=scored.index)


def _mean_with_interval(group, rows: pd.DataFrame, seed: int, replicates: int) -> dict:
    # Without `doc_id` the articles cannot be counted, so the rows get no interval (as a group of none).
    articles = rows["doc_id"].to_numpy() if "doc_id" in rows.columns else np.array([], dtype=object)
    if len(articles):
        low, high, resampled = article_mean_interval(rows["compound"].to_numpy(), articles,
                                                     rng=group_rng(group, seed), replicates=replicates)
    else:
        low, high, resampled = np.nan, np.nan, resampling(0)
    return {
        "sentences": len(rows),
        "articles": rows["doc_id"].nunique() if "doc_id" in rows.columns else np.nan,
        "mean_compound": rows["compound"].mean() if len(rows) else np.nan,
        "low": low, "high": high,
        "resampled": resampled,
    }


def summarize_sentiment(
    scored: pd.DataFrame, *, by: By = "outlet", seed: int = SEED, replicates: int = REPLICATES
) -> pd.DataFrame:
    """Mean compound per group with a 95% bootstrap interval, and shares of negative, neutral and positive sentences.

    A sentence is "quoted" or "own" voice by its `voice` column (split_sentences:
    at least half its characters inside quotation marks is quoted).

    Parameters
    ----------
    scored : table from score_sentences (needs `compound` and the `by` column(s)).
    by : the group column, or a list of them.
    seed, replicates : the bootstrap's seed and number of replicates.

    Returns
    -------
    DataFrame, one row per group x voice ("all", "own", "quoted"): the `by`
    column(s), `voice`, `sentences`, `articles`, `mean_compound`, `low`, `high`
    (95% interval over articles; NaN where the group has fewer than
    MIN_ARTICLES_FOR_INTERVAL articles in that voice), `resampled` ("articles",
    or "none: fewer than 5 articles"; "" without sentences), `share_negative`,
    `share_neutral`, `share_positive` (VADER's +/-0.05 thresholds).
    """
    groups = require_by(scored, by, "summarize_sentiment")
    require_columns(scored, ("compound",), "summarize_sentiment")
    scored = scored.assign(_voice=_voice(scored))
    rows = []
    for values, name, group_rows in split_by(scored, groups):
        for voice in ("all", "own", "quoted"):
            part = group_rows if voice == "all" else group_rows[group_rows["_voice"] == voice]
            summary = _mean_with_interval((name, voice), part, seed, replicates) if len(part) else _EMPTY_SUMMARY
            compound = part["compound"]
            rows.append({
                **dict(zip(groups, values)), "voice": voice, **summary,
                "share_negative": (compound <= NEGATIVE).mean() if len(part) else np.nan,
                "share_neutral": ((compound > NEGATIVE) & (compound < POSITIVE)).mean() if len(part) else np.nan,
                "share_positive": (compound >= POSITIVE).mean() if len(part) else np.nan,
            })
    return pd.DataFrame(rows)


_EMPTY_SUMMARY = {"sentences": 0, "articles": 0, "mean_compound": np.nan, "low": np.nan, "high": np.nan, "resampled": ""}


@memoised
def target_mentions(
    scored: pd.DataFrame,
    *,
    targets: tuple[str, ...] | list[str] | None = None,
    aliases: pd.DataFrame | str | Path | None = None,
) -> pd.DataFrame:
    """Every mention of a target entity, with the sentence's VADER label and the target model's label.

    Parameters
    ----------
    scored : table from score_sentences (needs `doc_id`, `text`, `compound`; other columns are kept).
    targets : entities of the aliases lexicon (default TARGETS).
    aliases : DataFrame or CSV with `entity, variant, pattern` (default the shipped aliases.csv).

    Returns
    -------
    DataFrame, one row per mention: the sentence's columns (its `text`, `compound`, ...),
    `target`, `mention` (as written), `mention_start`, `mention_end` (offsets in the sentence's
    `text`; for a sentence of more than LONG_SENTENCE_TOKENS tokens, `text` is the window around the
    mention that the model reads, and the offsets are in it), `vader_label` (the sentence's compound
    at VADER's +/-0.05 thresholds), `label`,
    `p_negative`, `p_neutral`, `p_positive` (classify_target_sentiment) and `score`
    (p_positive - p_negative, -1 to 1).
    """
    require_columns(scored, ("doc_id", "text", "compound"), "target_mentions")
    mentions = _find_mentions(scored, list(targets or TARGETS), aliases)
    classified = classify_target_sentiment(
        pd.DataFrame({"text": mentions["text"], "start": mentions["mention_start"], "end": mentions["mention_end"]}))
    vader = np.where(mentions["compound"] >= POSITIVE, "positive", np.where(mentions["compound"] <= NEGATIVE, "negative", "neutral"))
    return mentions.assign(
        vader_label=pd.Categorical(vader, categories=list(LABELS), ordered=True),
        label=classified["label"].to_numpy(), p_negative=classified["p_negative"].to_numpy(),
        p_neutral=classified["p_neutral"].to_numpy(), p_positive=classified["p_positive"].to_numpy(),
        score=(classified["p_positive"] - classified["p_negative"]).to_numpy(),
    )


def _find_mentions(scored: pd.DataFrame, targets: list[str], aliases) -> pd.DataFrame:
    """The sentence rows once per target mention, with `target`, `mention`, `mention_start`, `mention_end`.

    A sentence of more than LONG_SENTENCE_TOKENS tokens is given, in `text`, as the window around the mention the
    target model reads (`mention_window`), and the offsets are the mention's in that window: a copy of the whole
    sentence for each of its mentions would grow with the square of its length.
    """
    table = load_lexicon(aliases, default="aliases.csv").table
    keyed = scored.reset_index(drop=True)
    hits = find_terms(keyed[["doc_id", "text"]].assign(sent_id=np.arange(len(keyed))),
                      lexicon=table[table["concept"].isin(targets)])
    sentence_of = hits["sent_id"].to_numpy()
    texts = keyed["text"].to_numpy()  # one Python string per sentence, shared by its mentions
    bounds: dict[int, tuple[list[int], list[int]] | None] = {}  # each long sentence tokenised once
    windows = []
    for row, start, end in zip(sentence_of, hits["start"], hits["end"]):
        if row not in bounds:
            bounds[row] = token_bounds(texts[row]) if len(texts[row]) > LONG_SENTENCE_TOKENS else None
        windows.append(mention_window(texts[row], int(start), int(end), bounds[row]))
    rows = keyed.drop(columns="text").iloc[sentence_of].reset_index(drop=True)
    rows = rows.assign(text=pd.Series([w[0] for w in windows], dtype=keyed["text"].dtype))[list(keyed.columns)]
    return rows.assign(target=hits["concept"].to_numpy(), mention=hits["match"].to_numpy(),
                       mention_start=np.array([w[1] for w in windows], dtype="int64"),
                       mention_end=np.array([w[2] for w in windows], dtype="int64"))


@memoised
def target_sentiment(
    scored: pd.DataFrame,
    *,
    targets: tuple[str, ...] | list[str] | None = None,
    by: By = "outlet",
    aliases: pd.DataFrame | str | Path | None = None,
    method: str = "vader",
    seed: int = SEED,
    replicates: int = REPLICATES,
) -> pd.DataFrame:
    """Sentiment toward each target entity, per group: of the sentences that name it (VADER), or toward it (model).

    With `method="vader"` a sentence counts once for an entity however often it
    names it, and a sentence naming two entities counts for both (VADER scores
    the sentence, not the target). With `method="model"` each mention is scored
    by classify_target_sentiment (trained on NewsMTSC; macro-F1 0.66-0.68 against
    sentence VADER's 0.51 on its development sets), and a sentence's value is
    the mean `score` (p_positive - p_negative) of its mentions of the entity.

    Parameters
    ----------
    scored : table from score_sentences (needs `doc_id`, `text`, `compound`, the `by` column(s)).
    targets : entities of the aliases lexicon (default TARGETS).
    by : the group column, or a list of them.
    aliases : DataFrame or CSV with `entity, variant, pattern` (default the shipped aliases.csv).
    method : "vader" (the sentence's compound) or "model" (the target model's score).
    seed, replicates : the bootstrap's seed and number of replicates.

    Returns
    -------
    DataFrame, one row per group x target: the `by` column(s), `target`,
    `sentences`, `articles`, `mean_compound` (method "vader") or `mean_score`
    (method "model", -1 to 1), `low`, `high` (95% interval over articles; NaN
    under MIN_ARTICLES_FOR_INTERVAL articles), `resampled` (as summarize_sentiment), and
    for method "model" also `share_negative`, `share_neutral`, `share_positive`
    (of the mentions, by the model's label).
    """
    if method not in ("vader", "model"):
        raise ValueError(f"target_sentiment: method must be 'vader' or 'model', not {method!r}")
    groups = require_by(scored, by, "target_sentiment")
    require_columns(scored, ("doc_id", "text", "compound"), "target_sentiment")
    keyed = scored.reset_index(drop=True).assign(_row=lambda t: np.arange(len(t)))
    mentions = _find_mentions(keyed, list(targets or TARGETS), aliases)
    if method == "model":
        # Only the model needs each mention classified; VADER's value is the sentence's. target_mentions is asked
        # with the caller's own arguments, so that a notebook asking for the mentions too (03 does) reads this
        # result from the cache instead of running the model again; its rows are _find_mentions' in order.
        classified = target_mentions(scored.reset_index(drop=True), targets=targets, aliases=aliases)
        mentions = mentions.assign(**{column: classified[column].to_numpy() for column in classified.columns
                                      if column not in mentions.columns})
        values = mentions.groupby(["_row", "target"], as_index=False)["score"].mean()
    else:
        values = mentions[["_row", "target", "compound"]].drop_duplicates(["_row", "target"]).rename(columns={"compound": "score"})
    targets = list(targets or TARGETS)
    all_groups = [(group_values, name) for group_values, name, _ in split_by(scored, groups)]
    rows = []
    for target in targets:
        chosen = values[values["target"] == target]
        mentioned = keyed.loc[chosen["_row"].to_numpy()].assign(compound=chosen["score"].to_numpy())
        labels = mentions[mentions["target"] == target]
        parts = {group_values: part for group_values, _, part in split_by(mentioned, groups)}
        label_parts = {group_values: part for group_values, _, part in split_by(labels, groups)} if len(labels) else {}
        for group_values, name in all_groups:
            part = parts.get(group_values)
            summary = _mean_with_interval((name, target), part, seed, replicates) if part is not None else dict(_EMPTY_SUMMARY)
            row = {**dict(zip(groups, group_values)), "target": target, **summary}
            if method == "model":
                row["mean_score"] = row.pop("mean_compound")
                found = label_parts.get(group_values)
                for label in LABELS:
                    row[f"share_{label}"] = float((found["label"] == label).mean()) if found is not None else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def token_valences(text: str) -> list[tuple[str, float]]:
    """Each token of `text` with the valence VADER adds to its sum for it, after its rules
    (negation, boosters, capitals, "but"), as in vaderSentiment's polarity_scores.

    Summing these and applying VADER's punctuation emphasis and normalisation
    gives exactly its compound score (checked in the tests). A text of more than
    LONG_SENTENCE_WORDS words gives the valences of the windows score_sentences
    scores it in, one after the other.
    """
    pieces = _windows(text)
    if pieces is None:
        return valences(text)
    return [pair for piece in pieces for pair in valences(piece)]


@memoised
def sentiment_drivers(scored: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """Which lexicon words contribute most to each group's positive and negative scores.

    Parameters
    ----------
    scored : a sentence table (needs `text` and the `by` column(s)).
    by : the group column, or a list of them.

    Returns
    -------
    DataFrame, one row per group x word with a non-zero contribution: the `by`
    column(s), `word` (lower case), `valence` (its VADER lexicon valence), `n`
    (occurrences that contributed), `contribution` (the sum of what VADER
    added for them after its rules), `direction` ("negative" or "positive"),
    sorted by group and by the size of the contribution.
    """
    groups = require_by(scored, by, "sentiment_drivers")
    require_columns(scored, ("text",), "sentiment_drivers")
    lexicon = analyzer().lexicon
    rows = []
    for *values, text in scored[[*groups, "text"]].itertuples(index=False, name=None):
        for word, value in token_valences(text if isinstance(text, str) else ""):
            if value:
                rows.append((*values, word.lower(), value))
    tokens = pd.DataFrame(rows, columns=[*groups, "word", "value"])
    drivers = tokens.groupby([*groups, "word"], as_index=False).agg(n=("value", "size"), contribution=("value", "sum"))
    drivers = drivers.assign(
        valence=drivers["word"].map(lexicon).astype(float),
        direction=np.where(drivers["contribution"] < 0, "negative", "positive"),
        contribution=drivers["contribution"].round(4),
    )
    drivers = drivers.assign(_size=drivers["contribution"].abs())
    drivers = drivers.sort_values([*groups, "_size", "word"], ascending=[True] * len(groups) + [False, True], kind="stable")
    return drivers[[*groups, "word", "valence", "n", "contribution", "direction"]].reset_index(drop=True)


#: Word endings tried for a `*` pattern when auditing it against VADER's lexicon.
INFLECTIONS = ("", "e", "s", "es", "ed", "d", "ing", "ings", "ion", "ions", "er", "ers")
#: Words the references single out as VADER blind spots for this event (REFERENCES.md).
BLIND_SPOTS = ("assassinated", "assassinate", "martyr", "condolences", "retaliation", "escalation", "adventurism", "justice")


def lexicon_audit(
    hits: pd.DataFrame | None = None,
    *,
    lexicon: pd.DataFrame | str | Path | None = None,
    extra: tuple[str, ...] = BLIND_SPOTS,
) -> pd.DataFrame:
    """How VADER scores the study's own terms: one row per pattern of the terms lexicon.

    Parameters
    ----------
    hits : optional find_terms output, so that the word forms the corpus
        actually uses are audited (a `*` pattern otherwise stands for its stem
        with common endings).
    lexicon : the terms lexicon the hits came from (default the shipped terms.csv).
    extra : single words to audit as well (default: the blind spots the
        references name), reported under concept "blind spot".

    Returns
    -------
    DataFrame with `concept`, `family`, `pattern`, `forms` (each audited word
    form as "word=valence", or "word=missing"), `valence` (VADER's valence for
    the pattern: a word's value, the sum over a phrase's words, the mean over a
    `*` pattern's scored forms; 0 if none), `in_vader` (VADER scores at least
    one of its words), `missing` (audited forms VADER does not score) and
    `found` (matches in the corpus; NA without hits and for the extra words).
    """
    table = load_lexicon(lexicon).table
    table = table[table["concept"] != IGNORE]
    vader = analyzer().lexicon
    rows = []
    entries = list(zip(table["concept"], table["family"], table["pattern"]))
    entries += [("blind spot", "named in the references", word) for word in extra]
    for concept, family, pattern in entries:
        matched = (hits.loc[hits["pattern"] == pattern, "match"] if hits is not None and concept != "blind spot"
                   else pd.Series(dtype="str"))
        words = str(pattern).lower().replace("’", "'").replace("-", " ").split()
        if len(words) == 1 and words[0].endswith("*"):
            stem = words[0][:-1]
            forms = [stem + ending for ending in INFLECTIONS if stem + ending in vader]
            forms += sorted(set(matched.str.lower().str.replace("’", "'")) - set(forms))
            scored = [vader[form] for form in forms if form in vader]
            valence = float(np.mean(scored)) if scored else 0.0
        else:
            forms = [word.rstrip("*") for word in words]
            valence = float(sum(vader.get(word, 0.0) for word in forms))
        rows.append({
            "concept": concept, "family": family, "pattern": pattern,
            "forms": " ".join(f"{form}={vader[form]:g}" if form in vader else f"{form}=missing" for form in forms),
            "valence": round(valence, 3),
            "in_vader": any(form in vader for form in forms),
            "missing": " ".join(form for form in forms if form not in vader),
            "found": int(len(matched)) if hits is not None and concept != "blind spot" else pd.NA,
        })
    return pd.DataFrame(rows).astype({"found": "Int64"})


def mask_terms(sentences: pd.DataFrame, *, lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Replace every framing term (the terms lexicon's matches) with a neutral token, to re-score tone without word choice.

    Parameters
    ----------
    sentences : any table with `text`.
    lexicon : the terms to mask (default the shipped terms.csv).

    Returns
    -------
    The input table with `text` masked (each match replaced by "xxxx", which
    VADER neither scores nor treats as a modifier), the original text in
    `text_original`, and `n_masked` (matches replaced in the sentence). Score
    columns of a scored input are dropped: score the masked table again.
    """
    require_columns(sentences, ("text",), "mask_terms")
    keyed = sentences.reset_index(drop=True)
    search = keyed[["text"]].assign(doc_id=np.arange(len(keyed)).astype(str), sent_id=np.arange(len(keyed)))
    hits = find_terms(search, lexicon=lexicon)
    masked = list(keyed["text"])
    counts = np.zeros(len(keyed), dtype="int64")
    # Each sentence rebuilt once from its pieces (the matches never overlap), not copied again for every match.
    spans: dict[int, list[tuple[int, int]]] = {}
    for row, start, end in zip(hits["sent_id"], hits["start"], hits["end"]):
        spans.setdefault(row, []).append((start, end))
    for row, found in spans.items():
        masked[row] = mask_spans(masked[row], sorted(found), MASK)
        counts[row] = len(found)
    result = keyed.drop(columns=[c for c in SCORE_COLUMNS if c in keyed.columns])
    return result.assign(text_original=keyed["text"], text=pd.Series(masked, dtype="str"), n_masked=counts)


def sentiment_by_position(scored: pd.DataFrame, *, by: By = "outlet", bins: int = 5) -> pd.DataFrame:
    """Mean compound along the article: body sentences binned by relative position (0 = start, 1 = end).

    Parameters
    ----------
    scored : table from score_sentences (needs `doc_id`, `section`, `start`, `end`, `compound`).
    by : the group column, or a list of them.
    bins : how many equal bins the body is cut into.

    Returns
    -------
    DataFrame, one row per group x bin with sentences: the `by` column(s), `bin`
    (1..bins), `position` (the bin's centre), `sentences`, `mean_compound`.
    """
    groups = require_by(scored, by, "sentiment_by_position")
    require_columns(scored, ("doc_id", "section", "start", "end", "compound"), "sentiment_by_position")
    body = scored[scored["section"] == "body"]
    length = body.groupby("doc_id")["end"].transform("max")
    position = body["start"] / length  # below 1: a sentence starts before the body ends
    bin_index = (position * bins).astype(int) + 1
    table = body.assign(bin=bin_index).groupby([*groups, "bin"], as_index=False).agg(
        sentences=("compound", "size"), mean_compound=("compound", "mean"))
    return table.assign(position=(table["bin"] - 0.5) / bins)[[*groups, "bin", "position", "sentences", "mean_compound"]]


def compare_masked(summary: pd.DataFrame, masked: pd.DataFrame, *, by: By = "outlet", voice: str = "all") -> pd.DataFrame:
    """Mean compound per group with and without the framing terms, and how the ranking changes.

    Parameters
    ----------
    summary, masked : summarize_sentiment of the scored sentences and of the
        same sentences after mask_terms, with the same `by`.
    by : the group column(s) of both summaries.
    voice : which rows of the summaries to compare ("all", "own" or "quoted").

    Returns
    -------
    DataFrame, one row per group: the `by` column(s), `sentences`, `mean_compound`,
    `low`, `high`, `mean_masked`, `low_masked`, `high_masked`, `change`,
    `rank` and `rank_masked` (1 = most negative), and the summary's `articles`
    and `resampled` where it has them (masking changes no article, so both
    intervals resample alike).
    """
    groups = require_by(summary, by, "compare_masked (summary)")
    require_by(masked, groups, "compare_masked (masked)")
    # The plot marks the groups without an interval: carry what the summary says about them.
    kept = [column for column in ("articles", "resampled") if column in summary.columns]
    left = summary.loc[summary["voice"] == voice, [*groups, "sentences", "mean_compound", "low", "high", *kept]]
    right = masked.loc[masked["voice"] == voice, [*groups, "mean_compound", "low", "high"]].rename(
        columns={"mean_compound": "mean_masked", "low": "low_masked", "high": "high_masked"})
    table = left.merge(right, on=groups, how="inner")
    table = table.assign(
        change=table["mean_masked"] - table["mean_compound"],
        rank=table["mean_compound"].rank(method="min").astype("int64"),
        rank_masked=table["mean_masked"].rank(method="min").astype("int64"),
    ).reset_index(drop=True)
    return table[[column for column in table.columns if column not in kept] + kept]
