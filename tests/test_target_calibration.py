"""The target model's calibration: its arithmetic, where it applies, and what it does on NewsMTSC's dev splits.

The calibration (analysis.measures.target_model.calibrate) moves log(p_positive / p_negative)
by one shift per context, plus, for a mention of a sentence with others, a multiple of their mean
score (calibration_shift), fitted by tools/train_target_sentiment.py on rw_train's out-of-fold
predictions so that mentions the coders rated neutral score p_positive - p_negative = 0 there.
The dev splits are not used to fit it; the numbers below are what it does on them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from analysis.measures.target_model import (
    CONTEXTS,
    LABELS,
    PROBABILITY_COLUMNS,
    calibrate,
    calibrate_keeping_labels,
    classify_target_sentiment,
    load_target_model,
    other_mentions_score,
    several_mentions,
)
from conftest import newsmtsc_split



def test_the_shift_by_hand():
    # A shift of 2 ln 2 halves p_negative's weight and doubles p_positive's: (0.25, 0.3, 0.4) / 0.95.
    result = calibrate(np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]), np.array([2 * math.log(2), -2 * math.log(2)]))
    assert np.allclose(result, [[5 / 19, 6 / 19, 8 / 19], [8 / 19, 6 / 19, 5 / 19]], rtol=0, atol=1e-15)
    # p_positive - p_negative: -0.3 before, 3/19 after; the label moves from negative to positive.
    assert result[0, 2] - result[0, 0] == pytest.approx(3 / 19, abs=1e-15)


def test_a_zero_shift_changes_nothing_and_rows_sum_to_one():
    probabilities = np.array([[0.7, 0.2, 0.1], [0.0, 0.4, 0.6], [1 / 3, 1 / 3, 1 / 3]])
    assert np.allclose(calibrate(probabilities, np.zeros(3)), probabilities, rtol=0, atol=1e-15)
    shifted = calibrate(probabilities, np.array([3.0, -1.0, 0.5]))
    assert np.allclose(shifted.sum(axis=1), 1.0) and shifted[1, 0] == 0.0  # a zero stays zero


def test_a_shift_that_would_turn_the_label_stops_just_short_of_the_tie():
    # (0.5, 0.3, 0.2) negative: a shift d gives log-weights (log 0.5 - d/2, log 0.3, log 0.2 + d/2); negative
    # ties positive at d = ln 2.5 = 0.916, before it would tie neutral (d = 2 ln(5/3) = 1.022), so a shift of 3
    # is cut to ln 2.5 - 1e-6.
    probabilities = np.array([[0.5, 0.3, 0.2]])
    cut = math.log(2.5) - 1e-6
    assert np.allclose(calibrate_keeping_labels(probabilities, np.array([3.0])), calibrate(probabilities, np.array([cut])),
                       rtol=0, atol=1e-15)
    # A shift that changes no label is applied whole; one the other way (towards the label) too.
    assert np.allclose(calibrate_keeping_labels(probabilities, np.array([0.5])), calibrate(probabilities, np.array([0.5])),
                       rtol=0, atol=1e-15)
    assert np.allclose(calibrate_keeping_labels(probabilities, np.array([-4.0])), calibrate(probabilities, np.array([-4.0])),
                       rtol=0, atol=1e-15)
    # Neutral first: the shift stops where positive (upwards) or negative (downwards) would tie it.
    neutral = np.array([[0.2, 0.6, 0.2], [0.2, 0.6, 0.2]])
    kept = calibrate_keeping_labels(neutral, np.array([10.0, -10.0]))
    assert kept.argmax(axis=1).tolist() == [1, 1]
    assert kept[0, 2] == pytest.approx(kept[0, 1], abs=1e-6) and kept[1, 0] == pytest.approx(kept[1, 1], abs=1e-6)


def test_several_mentions_counts_different_mentions_of_the_same_sentence():
    text = "Smith attacked Jones."
    mentions = pd.DataFrame({"text": [text, text, "Brown spoke.", "Brown spoke.", "Lee left."],
                             "start": [0, 15, 0, 0, 0], "end": [5, 20, 5, 5, 3]})
    # Two mentions of one sentence: several. The same mention twice (a sentence repeated): still one.
    assert several_mentions(mentions).tolist() == [True, True, False, False, False]


def test_other_mentions_score_is_the_mean_of_the_other_distinct_mentions_of_the_sentence():
    text = "Smith met Jones and Brown."
    mentions = pd.DataFrame({"text": [text, text, text, text, "Lee left."],
                             "start": [0, 10, 20, 0, 0], "end": [5, 15, 25, 5, 3]})
    # p_positive - p_negative: Smith 0.5, Jones -0.3, Brown 0.1 (Smith twice: one mention), Lee 0.2.
    probabilities = np.array([[0.1, 0.3, 0.6], [0.5, 0.3, 0.2], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.2, 0.4, 0.4]])
    assert np.allclose(other_mentions_score(mentions, probabilities),
                       [(-0.3 + 0.1) / 2, (0.5 + 0.1) / 2, (0.5 - 0.3) / 2, (-0.3 + 0.1) / 2, 0.0], rtol=0, atol=1e-15)
    assert several_mentions(mentions).tolist() == [True, True, True, True, False]


def test_other_mentions_score_reads_positions_not_index_labels_and_refuses_a_missing_probability():
    mentions = pd.DataFrame({"text": ["A met B.", "A met B."], "start": [0, 6], "end": [1, 7]}, index=[7, 7])
    probabilities = np.array([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    assert other_mentions_score(mentions, probabilities).tolist() == pytest.approx([0.6, -0.5], abs=1e-15)
    with pytest.raises(ValueError, match="row 1 .by position. are not finite"):
        other_mentions_score(mentions, np.array([[0.6, 0.3, 0.1], [np.nan, 0.2, 0.7]]))


def test_a_mention_given_without_the_others_of_its_sentence_is_calibrated_as_if_alone():
    text = "Smith attacked Jones, calling him a disgraceful fraud."
    both = pd.DataFrame({"text": [text, text], "start": [0, 15], "end": [5, 20]})
    alone = classify_target_sentiment(both.iloc[[1]])
    shift = load_target_model()["calibration"]["shift"]["single"]
    raw = classify_target_sentiment(both.iloc[[1]], calibrated=False)[list(PROBABILITY_COLUMNS)].to_numpy()
    assert np.allclose(alone[list(PROBABILITY_COLUMNS)].to_numpy(), calibrate_keeping_labels(raw, np.array([shift])),
                       rtol=0, atol=1e-12)
    assert not np.allclose(alone["p_negative"], classify_target_sentiment(both)["p_negative"].iloc[1])


def test_the_classifier_applies_the_shipped_shift_of_each_context():
    text = "Smith attacked Jones, calling him a disgraceful fraud."
    mentions = pd.DataFrame({"text": [text, text, "Smith will travel to Ohio on Tuesday."],
                             "start": [0, 15, 0], "end": [5, 20, 5]})
    calibration = load_target_model()["calibration"]
    shift, slope = calibration["shift"], calibration["others_slope"]
    assert set(shift) == set(CONTEXTS)
    raw = classify_target_sentiment(mentions, calibrated=False)[list(PROBABILITY_COLUMNS)].to_numpy()
    result = classify_target_sentiment(mentions)
    score = raw[:, 2] - raw[:, 0]
    # Smith's shift reads Jones' score and Jones' reads Smith's; the sentence of one mention takes `single`.
    wanted = np.array([shift["several"] + slope * score[1], shift["several"] + slope * score[0], shift["single"]])
    expected = calibrate_keeping_labels(raw, wanted)
    assert np.allclose(result[list(PROBABILITY_COLUMNS)].to_numpy(), expected, rtol=0, atol=1e-12)
    assert result["label"].astype(str).tolist() == [LABELS[i] for i in expected.argmax(axis=1)]
    # Both read negative, so each is moved back toward neutral: less negative than uncalibrated, label kept.
    assert slope < 0 and (result["p_negative"].to_numpy()[:2] < raw[:2, 0]).all()


def _measures(table: pd.DataFrame, truth: np.ndarray) -> tuple[float, float]:
    """(macro-F1, mean p_positive - p_negative over the mentions coded neutral) of classified mentions."""
    score = (table["p_positive"] - table["p_negative"]).to_numpy()
    return (f1_score(truth, table["label"].astype(str), average="macro", labels=list(LABELS)),
            float(score[truth == "neutral"].mean()))


@pytest.fixture(scope="module")
def dev_measures() -> dict[str, dict[str, tuple[float, float]]]:
    """Per dev split: (macro-F1, neutral-coded mean) before ("raw") and after ("calibrated") the calibration."""
    measures = {}
    for split in ("rw_dev", "mt_dev"):
        mentions, truth = newsmtsc_split(split)
        measures[split] = {"raw": _measures(classify_target_sentiment(mentions, calibrated=False), truth),
                           "calibrated": _measures(classify_target_sentiment(mentions), truth)}
    return measures


# Measured with the shipped file (tools/train_target_sentiment.py prints the same numbers):
# split: (macro-F1 before, after), (neutral-coded mean before, after).
MEASURED = {"rw_dev": ((0.6702, 0.6702), (+0.0255, +0.0294)), "mt_dev": ((0.6876, 0.6876), (-0.1161, +0.0031))}


@pytest.mark.needs_shared
@pytest.mark.parametrize("split", ["rw_dev", "mt_dev"])
def test_what_the_calibration_does_on_the_dev_splits(dev_measures, split):
    (f1_before, f1_after), (neutral_before, neutral_after) = MEASURED[split]
    assert dev_measures[split]["raw"] == pytest.approx((f1_before, neutral_before), abs=1e-4)
    assert dev_measures[split]["calibrated"] == pytest.approx((f1_after, neutral_after), abs=1e-4)
    # Issue 23's target: within 0.03 of 0 on both splits, macro-F1 not lower. (A dev split's neutral-coded mean
    # has a standard error of about 0.024 and 0.014, resampling mentions: rw_dev's +0.029 is within by chance as
    # much as by design.) The labels never move, so macro-F1 is the model's own.
    calibrated_f1, calibrated_neutral = dev_measures[split]["calibrated"]
    assert abs(calibrated_neutral) <= 0.03
    assert calibrated_f1 == dev_measures[split]["raw"][0]


#: The price, measured: Spearman's correlation of p_positive - p_negative with the coders' class (negative <
#: neutral < positive), uncalibrated and calibrated. Pulling each mention of a sentence away from the tone of the
#: others puts neutral mentions at 0, and also moves negative mentions of an all-negative sentence toward 0: the
#: scale orders mentions of multi-target sentences less well (mt_dev), though no label changes.
SPEARMAN = {"rw_dev": (0.599, 0.575), "mt_dev": (0.568, 0.453)}


@pytest.mark.needs_shared
@pytest.mark.parametrize("split", ["rw_dev", "mt_dev"])
def test_what_the_calibration_costs_the_scales_order(split):
    from scipy.stats import spearmanr

    mentions, truth = newsmtsc_split(split)
    order = pd.Series(truth).map({label: rank for rank, label in enumerate(LABELS)}).to_numpy()
    measured = []
    for calibrated in (False, True):
        table = classify_target_sentiment(mentions, calibrated=calibrated)
        measured.append(spearmanr(table["p_positive"] - table["p_negative"], order).statistic)
    assert measured == pytest.approx(SPEARMAN[split], abs=1e-3)


@pytest.mark.needs_shared
@pytest.mark.parametrize("split", ["rw_dev", "mt_dev"])
def test_the_calibration_changes_no_label_on_the_dev_splits(split):
    mentions, _ = newsmtsc_split(split)
    raw = classify_target_sentiment(mentions, calibrated=False)
    calibrated = classify_target_sentiment(mentions)
    assert calibrated["label"].tolist() == raw["label"].tolist()
    assert not np.allclose(calibrated["p_positive"], raw["p_positive"])  # the scale did move


@pytest.mark.needs_shared
def test_the_calibration_removes_most_of_the_shift_in_sentences_with_several_targets(dev_measures):
    # mt_dev: every sentence has two or more rated targets; the model read the sentence's tone into each.
    before, after = dev_measures["mt_dev"]["raw"][1], dev_measures["mt_dev"]["calibrated"][1]
    assert before < -0.1 and abs(after) < abs(before) / 3
