"""Sentiment toward a named target in a sentence: a linear model trained on NewsMTSC, shipped as JSON.

Sentence-level VADER gives every target of a sentence the same score, and in
news the sentiment of a sentence is often not the sentiment toward the people
it names ("Trump attacked Clinton": negative toward whom?). This model reads
what is said around the mention: the words just before and after it, the
sentence's words with the mention itself masked (so that a name's own prior
does not count: the model must generalise to people it never saw), VADER's
word valences weighted by their distance to the mention, negation near it,
whether the mention stands inside a quotation or is the speaker of a
reporting verb, and VADER's scores of the sentence and of the text on either
side. A multinomial logistic regression weighs them.

It was fitted on the `rw_train` split of NewsMTSC (Hamborg & Donnay 2021:
single sentences of US political news, 2017-2019, with human polarity toward
each named person) by `tools/train_target_sentiment.py`, which also reports
its cross-validated and development-set macro-F1. The weights ship as
`analysis/data/target_sentiment_model.json` and prediction is plain numpy:
`mention_features` below is the one feature code that both training and
prediction use.

The probabilities are then calibrated so that 0 on the scale p_positive -
p_negative means what the coders call neutral (`calibrate`): the model reads
the sentence's tone into each of its targets, so in a sentence that names
several people a mention the coders called neutral scored -0.09 on average
(rw_train, out of fold) and -0.12 on mt_dev. The calibration shifts
log(p_positive / p_negative): by one number for a mention alone in its
sentence, and for one of several different mentions of it in the table by
another number plus a slope times the other mentions' mean score
(`calibration_shift`), which takes the tone read into them back out of this
one. It is fitted on rw_train's out-of-fold predictions, neutral-coded
mentions only, so the coders' class mix does not enter it; the dev splits
are not used. A row's shift stops short of changing its most probable class
(`calibrate_keeping_labels`), so the labels and their macro-F1 are the
model's own: the calibration moves the scale, not the decisions. Its price
is order: a negative mention in a sentence where every mention reads
negative is moved toward 0 too (README, "Its scale is the sentence"). The
form of the calibration (a slope on the other mentions' scores) was chosen
after seeing plainer ones miss on the dev splits, so the dev numbers are not
wholly out of sample.

Its validated scale is one mention in its sentence. A mean over an article's
or an outlet's mentions is a mean of sentence-level probabilities, not a
validated stance of the article: NewsMTSC codes no article stance, and the
model was never checked against one.

Bear in mind what it was trained on: people in US politics, crowd-coded. It
has not seen this event's vocabulary; read its output alongside the drivers
(`sentiment_drivers`) rather than as a measurement in its own right.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.language.grammar import PRONOUNS, REPORTING, TOKENS
from analysis.language.quotes import inside, quote_spans, quoted_length
from analysis.measures.vader import analyzer, is_negation, lexicon_valences
from analysis.paths import data_file
from analysis.tables import require_columns

#: The classes, in the order of the model's coefficient rows and of the probability columns.
LABELS = ("negative", "neutral", "positive")
PROBABILITY_COLUMNS = tuple(f"p_{label}" for label in LABELS)
MODEL_FILE = "target_sentiment_model.json"
#: The calibration's contexts: the mention is the only one of its sentence in the table, or one of several.
CONTEXTS = ("single", "several")
#: How a calibration shift d moves each class's log-probability: log(p_positive / p_negative) by d, p_neutral's
#: log-odds against the geometric mean of the other two not at all (the shift moves the zero, not the neutral share).
_SHIFT_DIRECTION = np.array([-0.5, 0.0, 0.5])

#: Feature settings the model is trained with (the shipped file records its own copy, which prediction uses).
DEFAULT_SETTINGS = {
    "window": 5,          # tokens either side whose words are features of their own ("l:", "r:")
    "decay": 3.0,         # a word's VADER valence counts exp(-(distance - 1) / decay) toward the mention
    "negation_window": 3,  # a negation this many tokens before a valenced word flips it (as VADER does)
    "near": 4,            # tokens either side in which a negation counts as "near the mention"
    "sentence_bigrams": False,  # 5-fold CV on rw_train: bigrams of the sentence lowered macro-F1 (0.658 vs 0.663)
}

#: The dense features, in the order of the model's columns after the word features.
DENSE_FEATURES = (
    "sentence_neg", "sentence_neu", "sentence_pos", "sentence_compound",
    "left_compound", "right_compound", "clause_compound",
    "near_positive", "near_negative", "left_positive", "left_negative", "right_positive", "right_negative",
    "negation_near", "in_quotes", "quoted_share", "speaker", "according_to", "sentence_start",
    "position", "pronoun", "possessive", "log_tokens",
)

# Clause boundaries for the clause around the mention: strong punctuation and contrast, not commas
# (a comma separates a name from its apposition and its verb as often as it ends a clause).
_CLAUSE = re.compile(r"[;:()\[\]—–]|\s-\s|\bbut\b|\bhowever\b|\bwhile\b|\bwhereas\b", re.IGNORECASE)
_NUMBER = re.compile(r"^[\d.,:/%-]+$")
# Words that may stand between a speaker and the reporting verb ("Trump also said", "Trump has repeatedly said").
_SPEAKER_SKIP = frozenset({"also", "has", "had", "have", "then", "later", "previously", "recently", "repeatedly",
                           "again", "once", "often", "reportedly", "publicly", "privately", "would", "will", "did",
                           "does", "do", "could", "might", "may", ","})


#: A sentence of more tokens than this (a scraped table or list without full stops) is read, for each mention, in a
#: window of MENTION_WINDOW_TOKENS tokens either side of it. News sentences stay far below it (the NewsMTSC training
#: sentences are single sentences); every feature reads the whole sentence, so without the window a sentence of n
#: tokens naming a target every few words would cost n squared.
LONG_SENTENCE_TOKENS = 1_000
#: Tokens either side of a mention in the window a long sentence is read in: a window as long as a long news
#: sentence (the time per mention grows with it, and a scraped list can name a target every few words).
MENTION_WINDOW_TOKENS = 50


@lru_cache(maxsize=4096)
def _compound(text: str) -> tuple[float, float, float, float]:
    # A sentence with several targets is scored once, not once per target.
    scores = analyzer().polarity_scores(text) if text.strip() else {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
    return scores["neg"], scores["neu"], scores["pos"], scores["compound"]


def _word(token: str) -> str:
    """A token as a feature: lower case, one apostrophe, numbers as one symbol."""
    lower = token.lower().replace("’", "'").replace("‘", "'")
    if _NUMBER.match(lower) and any(c.isdigit() for c in lower):
        return "<num>"
    if lower in ("“", "”", "\"", "''", "``"):
        return "<quote>"
    return lower


Features = tuple[dict[str, float], list[float]]


def mention_features(text: str, start: int, end: int, settings: dict | None = None) -> Features:
    """The model's features for the mention text[start:end]: word features (name -> count) and dense features.

    Parameters
    ----------
    text : the sentence.
    start, end : character offsets of the mention in `text`.
    settings : the feature settings (default DEFAULT_SETTINGS; the shipped model records its own).

    Returns
    -------
    A dict of word features, "s:" (a word of the sentence outside the
    mention), "b:" (a bigram of the sentence, the mention as "<T>"; only with
    `sentence_bigrams`, which the shipped model leaves off), "l:" and
    "r:" (a word within `window` tokens left and right), "l1:", "r1:", "l2:",
    "r2:" (the one and two tokens next to the mention); and a list of floats
    in the order of DENSE_FEATURES.
    """
    settings = DEFAULT_SETTINGS if settings is None else settings
    window, decay = int(settings["window"]), float(settings["decay"])
    spans = list(TOKENS.span_tokenize(text))
    inside_mention = [s < end and e > start for s, e in spans]
    first = next((i for i, hit in enumerate(inside_mention) if hit), sum(1 for s, _ in spans if s < start))
    last = max((i + 1 for i, hit in enumerate(inside_mention) if hit), default=first)
    tokens = [_word(text[s:e]) for s, e in spans]
    left, right = tokens[:first], tokens[last:]
    masked = left + ["<T>"] + right

    sparse: dict[str, float] = {}

    def add(name: str) -> None:
        sparse[name] = sparse.get(name, 0.0) + 1.0

    for word in left + right:
        if any(c.isalnum() for c in word) or word in ("!", "?", "<quote>"):
            add("s:" + word)
    if settings["sentence_bigrams"]:
        for a, b in zip(masked, masked[1:]):
            add(f"b:{a} {b}")
    for word in left[-window:]:
        add("l:" + word)
    for word in right[:window]:
        add("r:" + word)
    add("l1:" + (left[-1] if left else "<s>"))
    add("r1:" + (right[0] if right else "</s>"))
    add("l2:" + " ".join((["<s>", "<s>"] + left)[-2:]))
    add("r2:" + " ".join((right + ["</s>", "</s>"])[:2]))

    # VADER's valences, by side and weighted by distance to the mention (the nearest word counts 1).
    values = lexicon_valences(masked, negation_window=int(settings["negation_window"]))
    near_pos = near_neg = 0.0
    sides = {"left": [0.0, 0.0], "right": [0.0, 0.0]}
    for i, value in enumerate(values):
        if not value or i == len(left):
            continue
        distance = len(left) - i if i < len(left) else i - len(left)
        weight = math.exp(-(distance - 1) / decay)
        side = sides["left" if i < len(left) else "right"]
        if value > 0:
            near_pos += weight * value
            side[0] += value
        else:
            near_neg -= weight * value
            side[1] -= value
    near = int(settings["near"])
    negation_near = float(any(is_negation(w) for w in left[-near:] + right[:near]))

    # Quotation: a mention inside quotation marks is quoted speech about the target, not the outlet's voice.
    quotes = quote_spans(text)
    in_quotes = float(inside(quotes, start, end))
    quoted_share = quoted_length(quotes, 0, len(text)) / max(1, len(text))
    # The target as the source: "Trump said", "Trump also told", "..., said Trump", "according to Trump".
    following = [w for w in right[:4] if w not in _SPEAKER_SKIP]
    speaker = float(bool(following) and following[0] in REPORTING)
    preceding = [w for w in left[-2:] if w not in (",", "<quote>")]
    speaker = max(speaker, float(bool(preceding) and preceding[-1] in REPORTING))
    according_to = float(left[-2:] == ["according", "to"])
    sentence_start = float(all(not any(c.isalnum() for c in w) for w in left))
    mention = _word(text[start:end])
    possessive = float(mention.endswith("'s") or mention in ("his", "her", "their", "its")
                       or bool(right) and right[0] in ("'s", "'"))

    # The clause around the mention: VADER of that stretch, when the sentence has several.
    bounds = [0] + [m.start() for m in _CLAUSE.finditer(text)] + [len(text)]
    clause_start = max(b for b in bounds if b <= start)
    clause_end = min((b for b in bounds if b >= end), default=len(text))
    sentence = _compound(text)
    dense = [
        *sentence,
        _compound(text[:start])[3], _compound(text[end:])[3], _compound(text[clause_start:clause_end])[3],
        near_pos, near_neg, *sides["left"], *sides["right"],
        negation_near, in_quotes, quoted_share, speaker, according_to, sentence_start,
        start / max(1, len(text)), float(mention in PRONOUNS or mention in ("him", "his", "her", "them", "their")),
        possessive, math.log1p(len(tokens)),
    ]
    return sparse, dense


def mention_window(text: str, start: int, end: int, bounds: tuple[list[int], list[int]] | None = None) -> tuple[str, int, int]:
    """The stretch of `text` the model reads for the mention text[start:end], and the mention's offsets in it.

    Parameters
    ----------
    text : the sentence.
    start, end : character offsets of the mention in `text`.
    bounds : `token_bounds(text)`, when the caller reads several mentions of one long text (default: found here,
        and kept for the next call with the same text).

    Returns (text, start, end) unchanged for a sentence of at most LONG_SENTENCE_TOKENS tokens; for a longer one,
    the text from MENTION_WINDOW_TOKENS tokens before the mention to MENTION_WINDOW_TOKENS tokens after it (from
    the sentence's start, or to its end, where it has fewer), with the mention's offsets in that window.
    """
    if len(text) <= LONG_SENTENCE_TOKENS:  # a token is at least one character: too short to hold that many
        return text, start, end
    starts, ends = _kept_bounds(text) if bounds is None else bounds
    if len(starts) <= LONG_SENTENCE_TOKENS:
        return text, start, end
    # The tokens the mention reaches into are those ending after its start and starting before its end.
    first, last = bisect_right(ends, start), bisect_left(starts, end)
    begin = 0 if first <= MENTION_WINDOW_TOKENS else starts[first - MENTION_WINDOW_TOKENS]
    stop = len(text) if last + MENTION_WINDOW_TOKENS >= len(ends) else ends[last + MENTION_WINDOW_TOKENS - 1]
    return text[begin:stop], start - begin, end - begin


def token_bounds(text: str) -> tuple[list[int], list[int]]:
    """The start and the end offsets of the tokens of `text` (TOKENS), in order, for mention_window.

    Parameters
    ----------
    text : the sentence.
    """
    spans = list(TOKENS.span_tokenize(text))
    return [s for s, _ in spans], [e for _, e in spans]


# Tokenised once however many rows repeat a long sentence. A cached text is found by comparing the whole string
# when the row holds another copy of it (as many rows of a table do): the comparison costs what reading the row
# cost, where tokenising again would cost far more.
_kept_bounds = lru_cache(maxsize=4)(token_bounds)


def encode(features: list[Features], model: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of mention_features as the model's inputs: word features as compressed sparse rows, dense as a matrix.

    Parameters
    ----------
    features : one mention_features result per mention.
    model : the model (`vocabulary`, `idf`, `dense_mean`, `dense_scale`, `dense_weight`).

    Returns
    -------
    (indptr, indices, data, dense): word features are sublinear TF-IDF
    (1 + log count, times idf), each row scaled to unit length, unknown words
    dropped; dense features standardised and multiplied by `dense_weight`.
    """
    position = _vocabulary_index(tuple(model["vocabulary"]))
    idf = np.asarray(model["idf"], dtype=float)
    indptr, indices, data = [0], [], []
    for sparse, _ in features:
        known = sorted((position[name], count) for name, count in sparse.items() if name in position)
        columns = [column for column, _ in known]
        values = np.array([(1.0 + math.log(count)) * idf[column] for column, count in known], dtype=float)
        norm = float(np.sqrt(np.sum(values ** 2)))
        indices.extend(columns)
        data.extend((values / norm if norm > 0 else values).tolist())
        indptr.append(len(indices))
    dense = np.array([row for _, row in features], dtype=float).reshape(len(features), len(DENSE_FEATURES))
    dense = (dense - np.asarray(model["dense_mean"])) / np.asarray(model["dense_scale"]) * float(model["dense_weight"])
    return np.array(indptr, dtype=np.int64), np.array(indices, dtype=np.int64), np.array(data, dtype=float), dense


@lru_cache(maxsize=4)
def _vocabulary_index(vocabulary: tuple[str, ...]) -> dict[str, int]:
    return {name: i for i, name in enumerate(vocabulary)}


def predict_probabilities(features: list[Features], model: dict) -> np.ndarray:
    """Class probabilities (rows: mentions; columns: LABELS) of mention_features rows under `model`, with numpy."""
    indptr, indices, data, dense = encode(features, model)
    n = len(features)
    word_coef = np.asarray(model["word_coef"], dtype=float)    # classes x vocabulary
    dense_coef = np.asarray(model["dense_coef"], dtype=float)  # classes x dense features
    rows = np.repeat(np.arange(n), np.diff(indptr))
    scores = dense @ dense_coef.T + np.asarray(model["intercept"], dtype=float)
    for k in range(len(LABELS)):
        scores[:, k] += np.bincount(rows, weights=word_coef[k, indices] * data, minlength=n)
    scores -= scores.max(axis=1, keepdims=True)  # softmax without overflow
    probabilities = np.exp(scores)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def calibrate(probabilities: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Class probabilities (columns: LABELS) with log(p_positive / p_negative) moved by `shift`, one per row.

    p' is proportional to (p_negative e^(-d/2), p_neutral, p_positive e^(d/2)),
    renormalised: the rows still sum to 1, the order of p_negative and
    p_positive can change only where the shift crosses their ratio, and a
    shift of 0 returns the probabilities unchanged. Multiplying rather than
    adding to log-probabilities keeps a probability of exactly 0 at 0.
    """
    weights = np.exp(np.outer(np.asarray(shift, dtype=float), _SHIFT_DIRECTION))
    scaled = np.asarray(probabilities, dtype=float) * weights
    return scaled / scaled.sum(axis=1, keepdims=True)


def calibrate_keeping_labels(probabilities: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """`calibrate`, each row's shift cut short where it would change the row's most probable class.

    The shift moves the scale's zero; it is fitted so that neutral-coded
    mentions average 0, not to classify, and applied whole it turned some
    mentions' labels and cost macro-F1 (rw_dev 0.670 to 0.663). Cut short,
    the labels, and so macro-F1, are the model's own on any data, and only
    p_positive - p_negative moves: a row stops 1e-6 (in log-probability)
    short of the point where another class would become the most probable.

    Parameters
    ----------
    probabilities : class probabilities, one row per mention (columns: LABELS).
    shift : each row's wanted shift of log(p_positive / p_negative).

    Returns the calibrated probabilities; rows sum to 1, argmax unchanged.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    shift = np.broadcast_to(np.asarray(shift, dtype=float), (len(probabilities),))
    negative, neutral, positive = np.log(np.clip(probabilities, np.finfo(float).tiny, None)).T
    label = probabilities.argmax(axis=1)
    # A shift d moves log p_negative by -d/2 and log p_positive by +d/2 (calibrate); p_neutral's stays.
    upper = np.select([label == 0, label == 1],
                      [np.minimum(2 * (negative - neutral), negative - positive), 2 * (neutral - positive)], np.inf)
    lower = np.select([label == 2, label == 1],
                      [-np.minimum(2 * (positive - neutral), positive - negative), -2 * (neutral - negative)], -np.inf)
    kept = np.clip(shift, np.minimum(lower + _LABEL_MARGIN, 0.0), np.maximum(upper - _LABEL_MARGIN, 0.0))
    return calibrate(probabilities, kept)


#: How far short (in log-probability) of a tie calibrate_keeping_labels stops a row's shift.
_LABEL_MARGIN = 1e-6


def several_mentions(mentions: pd.DataFrame) -> np.ndarray:
    """For each row, whether the table holds another, different mention (start, end) of the same `text`.

    NewsMTSC's coders rated every target of a sentence, so a sentence with
    several rated targets is this: the calibration's context "several". Two
    rows with the same text and offsets (one sentence repeated in two
    articles) are one mention, not two.
    """
    return _other_mentions(mentions, np.zeros(len(mentions)))[0]


def other_mentions_score(mentions: pd.DataFrame, probabilities: np.ndarray) -> np.ndarray:
    """For each row, the mean p_positive - p_negative of the other, different mentions of its sentence in the table
    (0 where it has none): how the model read the sentence's tone into the other people it names.

    Parameters
    ----------
    mentions : rows with `text`, `start` and `end`, as for classify_target_sentiment.
    probabilities : their class probabilities (columns: LABELS), uncalibrated.

    Returns one number per row. Repeats of one mention (same text and offsets) count once.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    return _other_mentions(mentions, probabilities[:, 2] - probabilities[:, 0])[1]


def _other_mentions(mentions: pd.DataFrame, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(several_mentions, the mean of `scores` over each row's other distinct mentions of its text, 0 where none)."""
    scores = np.asarray(scores, dtype=float)
    if not np.isfinite(scores).all():  # a sum would skip a NaN and read the other mentions as 0
        raise ValueError(f"other_mentions_score: probabilities of row {int(np.flatnonzero(~np.isfinite(scores))[0])} "
                         "(by position) are not finite numbers")
    spans = pd.DataFrame({"text": list(mentions["text"]), "start": [int(x) for x in mentions["start"]],
                          "end": [int(x) for x in mentions["end"]], "score": scores})
    # A repeated mention has the same features, so the same score: its first row stands for it.
    distinct = spans.drop_duplicates(["text", "start", "end"]).groupby("text")["score"].agg(["sum", "size"])
    total, count = spans["text"].map(distinct["sum"]).to_numpy(), spans["text"].map(distinct["size"]).to_numpy()
    several = count > 1
    others = np.where(several, (total - spans["score"].to_numpy()) / np.maximum(count - 1, 1), 0.0)
    return several, others


def calibration_shift(mentions: pd.DataFrame, model: dict, probabilities: np.ndarray) -> np.ndarray:
    """The calibration's shift of each mention's log(p_positive / p_negative).

    `shift.single` for a mention alone in its sentence; for one of several, `shift.several` plus `others_slope`
    times other_mentions_score. The model reads a sentence's tone into every person it names, so the more
    negative the sentence's other mentions read, the further a mention is moved back toward positive (and the
    other way round): a neutral mention then scores about 0 whatever the tone around it.

    Parameters
    ----------
    mentions : rows with `text`, `start` and `end`, as for classify_target_sentiment.
    model : load_target_model's dict (its `calibration`).
    probabilities : the mentions' uncalibrated class probabilities (columns: LABELS).

    Returns one shift per row.
    """
    calibration = model["calibration"]
    several, others = _other_mentions(mentions, probabilities[:, 2] - probabilities[:, 0])
    return np.where(several, float(calibration["shift"]["several"]) + float(calibration["others_slope"]) * others,
                    float(calibration["shift"]["single"]))


@lru_cache(maxsize=1)
def load_target_model() -> dict:
    """The shipped model (`analysis/data/target_sentiment_model.json`), read once per process."""
    model = json.loads(data_file(MODEL_FILE).read_text(encoding="utf-8"))
    if tuple(model["labels"]) != LABELS or tuple(model["dense_features"]) != DENSE_FEATURES:
        raise ValueError(f"{MODEL_FILE} was written for other features; retrain with tools/train_target_sentiment.py")
    if set(model.get("calibration", {}).get("shift", {})) != set(CONTEXTS) or "others_slope" not in model["calibration"]:
        raise ValueError(f"{MODEL_FILE} has no calibration; retrain with tools/train_target_sentiment.py")
    return model


def _check_offsets(mentions: pd.DataFrame) -> None:
    for row, text, start, end in zip(mentions.index, mentions["text"], mentions["start"], mentions["end"]):
        if not isinstance(text, str):
            raise ValueError(f"classify_target_sentiment: row {row!r} has no text (got {text!r})")
        valid = all(isinstance(x, (int, np.integer)) or isinstance(x, (float, np.floating)) and float(x).is_integer()
                    for x in (start, end))
        if not valid or not 0 <= int(start) < int(end) <= len(text):
            raise ValueError(
                f"classify_target_sentiment: row {row!r} has offsets start={start!r}, end={end!r} that do not fit "
                f"its text of {len(text)} characters (need whole numbers, 0 <= start < end <= len(text))"
            )


def classify_target_sentiment(mentions: pd.DataFrame, *, calibrated: bool = True) -> pd.DataFrame:
    """Sentiment toward a named target in its sentence: negative, neutral or positive, with probabilities.

    A linear model over target-aware features (the words around the mention,
    VADER valences weighted by distance to it, negation near it, quotation and
    reporting verbs, VADER's scores of the sentence and of either side), fitted
    on NewsMTSC `rw_train` (US political news; see the module docstring for
    what that means for other news), then calibrated so that a mention the
    coders would call neutral scores p_positive - p_negative of 0 on average
    (`calibration_shift`: the shift depends on the table's other mentions of
    the same sentence and how the model reads them, so give all the mentions
    of a sentence together, as `target_mentions` does: a mention given
    without the others of its sentence is calibrated as if it were alone,
    which leaves the tone read into it from the sentence in its score;
    `calibrate_keeping_labels`: it never changes a
    mention's label, so the calibrated and raw labels, and their macro-F1, are
    the same).
    Macro-F1 on NewsMTSC's development sets is in `analysis/data/README.md`.
    The validated unit is the mention in its sentence; a mean over an
    article's mentions is not a validated article stance. A "sentence" of
    more than LONG_SENTENCE_TOKENS tokens (a scraped list without full stops)
    is read around each mention, MENTION_WINDOW_TOKENS tokens either side
    (`mention_window`), so that its time grows with its length, not its square.

    Parameters
    ----------
    mentions : one row per mention, with `text` (the sentence), `start` and
        `end` (character offsets of the mention in `text`, end exclusive, as
        `text[start:end]`). Give one sentence, not a paragraph. Other columns
        are kept.
    calibrated : False gives the logistic regression's own probabilities
        (before the calibration; for comparison).

    Returns
    -------
    A new table: the input's columns plus `label` (ordered categorical:
    "negative" < "neutral" < "positive", the most probable class) and
    `p_negative`, `p_neutral`, `p_positive` (probabilities summing to 1).
    """
    require_columns(mentions, ("text", "start", "end"), "classify_target_sentiment")
    _check_offsets(mentions)
    model = load_target_model()
    settings = model["settings"]
    features = [mention_features(*mention_window(text, int(start), int(end)), settings)
                for text, start, end in zip(mentions["text"], mentions["start"], mentions["end"])]
    probabilities = predict_probabilities(features, model) if features else np.zeros((0, len(LABELS)))
    if calibrated and features:
        probabilities = calibrate_keeping_labels(probabilities, calibration_shift(mentions, model, probabilities))
    labels = pd.Categorical.from_codes(probabilities.argmax(axis=1), categories=list(LABELS), ordered=True) \
        if len(features) else pd.Categorical([], categories=list(LABELS), ordered=True)
    added = ["label", *PROBABILITY_COLUMNS]
    table = mentions.drop(columns=[c for c in added if c in mentions.columns])
    # assign by position, not by index: a repeated index label must not multiply rows.
    return table.assign(label=labels, **{column: probabilities[:, k] for k, column in enumerate(PROBABILITY_COLUMNS)})
