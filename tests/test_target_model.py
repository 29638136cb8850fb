"""Target sentiment: the contract of classify_target_sentiment, literal cases, and the shipped model's provenance."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from analysis.measures.target_model import (
    LABELS,
    MODEL_FILE,
    classify_target_sentiment,
    load_target_model,
    mention_features,
)
from analysis.paths import data_file
from conftest import NEWSMTSC, PROJECT, newsmtsc_split

#: The sha256 of NewsMTSC rw_train.jsonl (fhamborg/NewsMTSC b9d9b79), which the shipped model was fitted on.
TRAIN_SHA256 = "fb80ff05993dd59016c36abefaa7bd00d77cb0cb38a781c1f9edd9ad7c61471e"


def _mentions(*pairs: tuple[str, str]) -> pd.DataFrame:
    """One row per (sentence, target), the target's first occurrence as its offsets."""
    rows = []
    for text, target in pairs:
        start = text.index(target)
        rows.append({"text": text, "start": start, "end": start + len(target)})
    return pd.DataFrame(rows)


NEGATIVE_SENTENCE = "Critics say Smith is a corrupt liar who betrayed his voters and should resign in disgrace."
POSITIVE_SENTENCE = "Supporters praised Jones as a brilliant, honest and inspiring leader who won great respect."


def test_adds_the_contract_columns_to_a_new_table():
    mentions = _mentions((NEGATIVE_SENTENCE, "Smith"), (POSITIVE_SENTENCE, "Jones")).assign(outlet=["A", "B"])
    mentions.index = [10, 20]
    before = mentions.copy()
    result = classify_target_sentiment(mentions)
    assert list(result.columns) == ["text", "start", "end", "outlet", "label", "p_negative", "p_neutral", "p_positive"]
    assert list(result.index) == [10, 20]
    pd.testing.assert_frame_equal(mentions, before)  # the input is not changed
    assert set(result["label"]) <= set(LABELS)
    assert list(result["label"].cat.categories) == list(LABELS) and result["label"].cat.ordered


def test_probabilities_sum_to_one_and_the_label_is_the_most_probable_class():
    result = classify_target_sentiment(_mentions(
        (NEGATIVE_SENTENCE, "Smith"), (POSITIVE_SENTENCE, "Jones"), ("Smith will travel to Ohio on Tuesday.", "Smith"),
        ("“He is a disaster,” Brown said of Smith.", "Brown"),
    ))
    probabilities = result[["p_negative", "p_neutral", "p_positive"]].to_numpy()
    assert np.allclose(probabilities.sum(axis=1), 1.0) and (probabilities >= 0).all() and (probabilities <= 1).all()
    assert result["label"].astype(str).tolist() == [LABELS[i] for i in probabilities.argmax(axis=1)]


def test_a_clearly_negative_target_and_a_clearly_positive_one():
    result = classify_target_sentiment(_mentions((NEGATIVE_SENTENCE, "Smith"), (POSITIVE_SENTENCE, "Jones")))
    assert result["label"].astype(str).tolist() == ["negative", "positive"]
    assert result.loc[0, "p_negative"] > 0.8 and result.loc[1, "p_positive"] > 0.8


def test_the_target_not_the_sentence_decides():
    # The same sentence, two targets: the one attacked is negative, and the model says so with more
    # confidence than for the one who attacks.
    text = "Smith attacked Jones, calling him a disgraceful fraud."
    result = classify_target_sentiment(_mentions((text, "Jones"), (text, "Smith")))
    assert result.loc[0, "label"] == "negative"
    assert result.loc[0, "p_negative"] > result.loc[1, "p_negative"]
    # The features differ by the mention's position, not just the sentence.
    assert mention_features(text, 0, 5)[0] != mention_features(text, 15, 20)[0]


def test_a_plain_factual_sentence_is_neutral():
    result = classify_target_sentiment(_mentions(("Smith will travel to Ohio on Tuesday.", "Smith")))
    assert result.loc[0, "label"] == "neutral"


def test_an_empty_table_gives_the_columns_and_no_rows():
    result = classify_target_sentiment(pd.DataFrame({"text": pd.Series(dtype="str"), "start": [], "end": []}))
    assert len(result) == 0 and list(result.columns)[-4:] == ["label", "p_negative", "p_neutral", "p_positive"]


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match=r"classify_target_sentiment: missing column\(s\) \['start', 'end'\]"):
        classify_target_sentiment(pd.DataFrame({"text": ["Smith spoke."]}))


@pytest.mark.parametrize("start, end", [(0, 99), (-1, 3), (4, 4), (5, 2), (0.5, 3)])
def test_offsets_outside_the_text_name_the_row(start, end):
    mentions = pd.DataFrame({"text": ["Smith spoke.", "Jones spoke."], "start": [0, start], "end": [5, end]},
                            index=["ok", "bad"])
    with pytest.raises(ValueError, match=r"row 'bad' has offsets .* that do not fit its text of 12 characters"):
        classify_target_sentiment(mentions)


def test_a_row_without_text_is_named():
    with pytest.raises(ValueError, match="row 1 has no text"):
        classify_target_sentiment(pd.DataFrame({"text": ["Smith spoke.", None], "start": [0, 0], "end": [5, 5]}))


def test_the_model_file_records_its_training_data_and_settings():
    model = load_target_model()
    assert model["training"]["sha256"] == TRAIN_SHA256
    assert model["training"]["targets"] == 8739 and model["training"]["scikit_learn"]
    assert tuple(model["labels"]) == LABELS
    assert len(model["vocabulary"]) == len(model["idf"]) == len(model["word_coef"][0])
    assert model["vocabulary"] == sorted(model["vocabulary"])
    path = data_file(MODEL_FILE)
    assert path.stat().st_size < 20_000_000
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=True, separators=(",", ":")) + "\n"


@pytest.mark.needs_shared
def test_the_training_data_is_the_one_the_model_records():
    import hashlib

    digest = hashlib.sha256((NEWSMTSC / "rw_train.jsonl").read_bytes()).hexdigest()
    assert digest == load_target_model()["training"]["sha256"] == TRAIN_SHA256


@pytest.mark.needs_shared
@pytest.mark.parametrize("split, expected", [("rw_dev", 0.6702), ("mt_dev", 0.6876)])
def test_macro_f1_on_the_development_splits(split, expected):
    # Calibrated, as shipped: the calibration changes no label (tests/test_target_calibration.py).
    mentions, truth = newsmtsc_split(split)
    predicted = classify_target_sentiment(mentions)["label"].astype(str)
    score = f1_score(truth, predicted, average="macro", labels=list(LABELS))
    assert score >= 0.62, score
    assert score == pytest.approx(expected, abs=1e-4)  # what tools/train_target_sentiment.py reported


@pytest.mark.slow
@pytest.mark.needs_shared
def test_the_training_script_reproduces_the_shipped_file_byte_for_byte():
    # --quick fits only the options the shipped file records (the full search takes about two minutes).
    result = subprocess.run([sys.executable, "tools/train_target_sentiment.py", "--quick", "--check"], cwd=PROJECT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "shipped file is identical" in result.stdout


def test_the_model_reads_vaders_valences_flipped_by_vaders_negation_rule():
    from analysis.measures.target_model import DENSE_FEATURES

    # "good" is 1.9 in VADER's lexicon; after "not" (within 3 words) it counts 1.9 x N_SCALAR (-0.74), and as the
    # third word after the mention exp(-2 / 3) of that near it.
    _, dense = mention_features("Trump is not good.", 0, 5)
    features = dict(zip(DENSE_FEATURES, dense))
    assert (features["right_positive"], features["right_negative"]) == (0.0, -(1.9 * -0.74))
    assert (features["near_positive"], features["near_negative"]) == (0.0, -(1.9 * -0.74) * math.exp(-2 / 3))
    assert features["negation_near"] == 1.0
