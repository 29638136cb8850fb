"""Article-level generic frames from the codebook model, issue frames from cues, and their agreement with coders."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import analysis as an
from analysis.measures.article_frames import GENERIC_FRAMES, frame_features, load_frame_model, score_generic_frames
from conftest import PROJECT

ECONOMY = ("The plan will cost taxpayers $2 billion, and the budget office expects the economy to lose jobs. "
           "Companies fear higher prices and investors sold shares.")
NEUTRAL = "The meeting took place on Tuesday. The delegates arrived by train and left in the evening."
FAMILY = ("Maria, a 34-year-old mother of three, said her family had lost their home. "
          "“My children cried every night,” she said, describing the pain and fear of those weeks.")


def _sentences(*texts: str) -> pd.DataFrame:
    articles = pd.DataFrame({"doc_id": [f"a{i}" for i in range(len(texts))], "outlet": [f"O{i}" for i in range(len(texts))],
                             "text": list(texts)})
    return an.split_sentences(articles)


def test_article_frames_returns_one_row_per_article_and_frame_with_the_contract_columns():
    frames = an.article_frames(_sentences(ECONOMY, NEUTRAL))
    assert list(frames.columns) == ["doc_id", "outlet", "frame", "kind", "score", "present", "evidence"]
    generic = frames[frames["kind"] == "generic"]
    assert list(generic["frame"].unique()) == list(GENERIC_FRAMES)
    assert len(generic) == 2 * 5 and frames["score"].between(0, 1).all()
    assert set(frames.loc[frames["kind"] == "issue", "frame"]) >= {"legality", "escalation and war risk"}


def test_money_and_costs_read_as_the_economic_frame_and_a_plain_report_does_not():
    frames = an.article_frames(_sentences(ECONOMY, NEUTRAL)).set_index(["doc_id", "frame"])
    economy, neutral = frames.loc[("a0", "economic consequences")], frames.loc[("a1", "economic consequences")]
    assert economy["score"] > neutral["score"] + 0.1
    assert economy["present"] and not neutral["present"]
    assert "billion [billion*]" in economy["evidence"] and neutral["evidence"] == ""


def test_a_personal_story_reads_as_human_interest_more_than_a_plain_report():
    frames = an.article_frames(_sentences(FAMILY, NEUTRAL)).set_index(["doc_id", "frame"])
    assert frames.loc[("a0", "human interest"), "score"] > frames.loc[("a1", "human interest"), "score"] + 0.05
    assert "mother" in frames.loc[("a0", "human interest"), "evidence"]


def test_the_pronoun_us_is_first_person_but_the_country_us_is_not():
    features = frame_features(_sentences("Give us time.", "The US left."))
    assert features["hi_first_person: us"].tolist() == [1.0, 0.0]


def test_an_issue_frame_is_present_when_a_tenth_of_the_sentences_invoke_it():
    text = "The strike was illegal. " + " ".join(f"Sentence number {i} says nothing." for i in range(9))
    frames = an.article_frames(_sentences(text)).set_index("frame")
    assert frames.at["legality", "score"] == pytest.approx(0.1)
    assert frames.at["legality", "present"] and "illegal" in frames.at["legality", "evidence"]


def test_the_scores_follow_the_shipped_weights_exactly():
    features = frame_features(_sentences(ECONOMY))
    weights = load_frame_model()
    rows = weights[weights["frame"] == "economic consequences"]
    terms = rows[rows["feature"] != "(intercept)"]
    z = float((((features[terms["feature"]].to_numpy() - terms["mean"].to_numpy()) / terms["scale"].to_numpy())
               @ terms["weight"].to_numpy())[0] + rows.loc[rows["feature"] == "(intercept)", "weight"].iloc[0])
    assert score_generic_frames(features).iloc[0]["economic consequences"] == pytest.approx(1 / (1 + np.exp(-z)))


def test_frame_weights_can_be_printed_largest_first():
    weights = an.frame_weights(frame="economic consequences", top=3)
    assert len(weights) == 3 and list(weights.columns) == ["frame", "feature", "weight"]
    assert weights["weight"].abs().is_monotonic_decreasing


def test_the_model_uses_no_topic_vocabulary_of_the_corpus_it_was_fitted_on():
    cues = pd.read_csv(PROJECT / "analysis" / "data" / "frame_cues.csv", dtype=str, keep_default_na=False)
    climate = {"climate", "carbon", "emission", "warming", "fossil", "renewable", "greenhouse", "temperature", "coal"}
    assert not [p for p in cues["pattern"] if any(word in p.lower() for word in climate)]


def test_frame_prevalence_counts_articles_per_group_with_intervals_only_from_five_articles():
    texts = {"X": [ECONOMY] + [NEUTRAL] * 4, "Y": [ECONOMY] + [NEUTRAL] * 3}
    sentences = an.split_sentences(pd.DataFrame(
        [{"doc_id": f"{outlet}{i}", "outlet": outlet, "text": text} for outlet, group in texts.items()
         for i, text in enumerate(group)]))
    prevalence = an.frame_prevalence(an.article_frames(sentences), replicates=200).set_index(["outlet", "frame"])
    x, y = prevalence.loc[("X", "economic consequences")], prevalence.loc[("Y", "economic consequences")]
    assert (x["n"], x["articles"], x["share"], x["resampled"]) == (1, 5, 0.2, "articles") and x["low"] <= 0.2 <= x["high"]
    assert (y["n"], y["articles"], y["resampled"]) == (1, 4, "none: fewer than 5 articles") and np.isnan(y["low"])


@pytest.mark.needs_shared
def test_the_model_agrees_with_trained_coders_across_folds_and_the_shipped_weights_are_reproducible():
    result = subprocess.run([sys.executable, "tools/train_frame_model.py", "--check"], cwd=PROJECT,
                            capture_output=True, text=True, timeout=600)
    assert "shipped file is identical" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    aucs = {line["frame"]: line["auc_nested"] for line in lines}
    assert set(aucs) == set(GENERIC_FRAMES)
    assert min(aucs.values()) >= 0.65 and np.mean(list(aucs.values())) >= 0.75, aucs
    assert all(line["auc_nested"] > line["auc_sentence_cues"] for line in lines)


def test_article_frame_shares_is_the_prevalence_of_the_codebook_frames():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"], "text": [ECONOMY, NEUTRAL]}))
    by_article = an.article_frame_shares(sentences, replicates=100)
    expected = an.frame_prevalence(an.article_frames(sentences), replicates=100)
    pd.testing.assert_frame_equal(by_article, expected)
    assert by_article.set_index("frame").at["economic consequences", "n"] == 1
    with pytest.raises(TypeError, match="level"):  # one function, one kind of table: no level= mode
        an.frame_shares(an.code_frames(sentences), sentences, level="article")


def test_word_counts_count_each_text_as_count_words_does():
    import random

    from analysis.language.tokens import count_words, word_counts

    rng = random.Random(4)
    characters = "aZ9_ -’'‘\x00\n.é\u0301\u200d١²Ⅻ‿İß"
    texts = ["", "Iran’s al-Muhandis met U.S. officials -- don't a--b a-b- -a x_y 1,000", None, float("nan")]
    texts += ["".join(rng.choice(characters) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    assert word_counts(texts).tolist() == [count_words(text) for text in texts]
    assert word_counts([]).tolist() == []


def test_a_sentence_standing_on_two_rows_counts_once_among_the_sentences_with_a_cue():
    sentences = _sentences(ECONOMY, NEUTRAL)
    body = sentences[(sentences["doc_id"] == "a0") & (sentences["section"] == "body")]
    twice = frame_features(pd.concat([sentences, body], ignore_index=True))
    once = frame_features(sentences)
    # Twice the rows, the same sentences holding a cue: half the share; the cues used and the other article alike.
    assert once.at["a0", "ec_money"] == 1.0 and twice.at["a0", "ec_money"] == 0.5
    assert once.at["a0", "re_solution"] == 0.5 and twice.at["a0", "re_solution"] == 0.25
    cue_columns = [c for c in once.columns if ": " in c]
    pd.testing.assert_frame_equal(twice[cue_columns], once[cue_columns])
    pd.testing.assert_series_equal(twice.loc["a1"], once.loc["a1"])
