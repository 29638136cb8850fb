"""Agreement between coders (Krippendorff's alpha) and of the measure with the coders' majority, on literal
tables whose values are worked out by hand in the comments, and on the Narrative Frames Corpus's four coders."""

from __future__ import annotations

import json
from fractions import Fraction

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import f1_score

from analysis.measures.agreement import _macro_f1, coder_agreement, confusion_table, measure_agreement
from analysis.measures.article_frames import GENERIC_FRAMES
from conftest import COLUMN, FRAME_RULES, SHARED, frame_used, narrative_frames_annotator_codes

NAN = np.nan

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with missing values: four
# coders, twelve units, values 1-5 (unit 12 is coded by B alone, so 11 units are pairable).
TEXTBOOK = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    "C": [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
}


def tidy(matrix: dict, question: str = "q", labels: dict | None = None) -> pd.DataFrame:
    """A reliability matrix {coder: [value per unit]} as a tidy table of codes (NaN: not coded)."""
    rows = [(f"u{unit + 1}", coder, question, labels[value] if labels else str(int(value)))
            for coder, values in matrix.items() for unit, value in enumerate(values) if value == value]
    return pd.DataFrame(rows, columns=["unit_id", "coder", "question", "code"])


def row(table: pd.DataFrame, a: str = "all", b: str = "all", question: str | None = None) -> pd.Series:
    chosen = table[(table["coder_a"] == a) & (table["coder_b"] == b)]
    if question is not None:
        chosen = chosen[chosen["question"] == question]
    assert len(chosen) == 1
    return chosen.iloc[0]


def test_alpha_of_krippendorffs_textbook_example_is_113_over_152():
    # Coincidences of the 11 pairable units (each pair within a unit of m codes weighs 1/(m-1)): 40 pairable
    # values, n_1..n_5 = 9, 13, 10, 5, 3, and the diagonal sums to 7 + 10 + 8 + 4 + 3 = 32.
    # A_o = 32/40 = 4/5; D_e = 1 - (9*8 + 13*12 + 10*9 + 5*4 + 3*2) / (40*39) = 1 - 344/1560 = 152/195;
    # alpha = 1 - (1/5) / (152/195) = 1 - 39/152 = 113/152 = 0.7434 (Krippendorff's nominal 0.743).
    result = coder_agreement(tidy(TEXTBOOK), replicates=100)
    everyone = row(result)
    assert everyone["alpha"] == pytest.approx(113 / 152, abs=1e-12)
    assert everyone["agreement"] == pytest.approx(4 / 5)
    assert (everyone["coders"], everyone["units"], everyone["level"], everyone["note"]) == (4, 11, "nominal", "")
    direct = krippendorff.alpha(reliability_data=np.array(list(TEXTBOOK.values())), level_of_measurement="nominal")
    assert everyone["alpha"] == pytest.approx(direct, abs=1e-12)


def test_pair_rows_give_alpha_and_percent_agreement_on_the_units_both_coded():
    result = coder_agreement(tidy(TEXTBOOK), replicates=100)
    assert list(zip(result["coder_a"], result["coder_b"])) == [
        ("all", "all"), ("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("B", "D"), ("C", "D")]
    pair = row(result, "A", "B")
    # A and B both code units 1-9 and differ only on unit 6 (1 vs 2): agreement 8/9. Their 18 values:
    # n_1..n_4 = 5, 7, 4, 2; D_o = 2/18 = 1/9; D_e = 1 - (5*4 + 7*6 + 4*3 + 2*1) / (18*17) = 230/306 = 115/153;
    # alpha = 1 - (1/9) / (115/153) = 1 - 17/115 = 98/115 = 0.8522.
    assert (pair["coders"], pair["units"]) == (2, 9)
    assert pair["agreement"] == pytest.approx(8 / 9)
    assert pair["alpha"] == pytest.approx(98 / 115, abs=1e-12)
    # C and D share units 2-11 (10) and agree on 7 of them (not on 2, 6, 8).
    assert row(result, "C", "D")["units"] == 10
    assert row(result, "C", "D")["agreement"] == pytest.approx(7 / 10)


TONE = {"n": "negative", "u": "neutral", "p": "positive"}


@pytest.mark.parametrize("last_unit, nominal, ordinal", [
    # Units: (neg, neg), (neu, neu), (pos, pos) and the last one; 8 values.
    # Last (neg, pos): n = 3, 2, 3. Nominal D_o = 2/8, D_e = 1 - (6 + 2 + 6)/56 = 3/4, alpha = 2/3.
    # Ordinal distances (sum of n from c to k minus half the ends, squared): neg-neu 2.5^2, neu-pos 2.5^2,
    # neg-pos (8 - 3)^2 = 25. D_o = 2*25/8; D_e = 2*(3*2*6.25 + 2*3*6.25 + 3*3*25)/56 = 600/56;
    # alpha = 1 - (50/8)/(600/56) = 1 - 7/12 = 5/12.
    (("n", "p"), Fraction(2, 3), Fraction(5, 12)),
    # Last (neg, neu): n = 3, 3, 2. Nominal the same 2/3. Ordinal: neg-neu (6 - 3)^2 = 9, neu-pos (5 - 2.5)^2
    # = 6.25, neg-pos (8 - 2.5)^2 = 30.25. D_o = 2*9/8; D_e = 2*(9*9 + 6*6.25 + 6*30.25)/56 = 600/56;
    # alpha = 1 - (18/8)/(600/56) = 1 - 0.21 = 0.79.
    (("n", "u"), Fraction(2, 3), Fraction(79, 100)),
])
def test_ordinal_alpha_weighs_a_disagreement_by_how_far_apart_the_codes_are(last_unit, nominal, ordinal):
    first, second = last_unit
    codes = tidy({"ann": ["n", "u", "p", first], "bob": ["n", "u", "p", second]}, "tone", TONE)
    by_level = {level: row(coder_agreement(codes, level=level, replicates=50))["alpha"]
                for level in ("nominal", "ordinal")}
    assert by_level["nominal"] == pytest.approx(float(nominal), abs=1e-12)
    assert by_level["ordinal"] == pytest.approx(float(ordinal), abs=1e-12)
    assert by_level["ordinal"] != pytest.approx(by_level["nominal"])


def test_ordinal_needs_the_codebook_order_of_a_measure():
    with pytest.raises(ValueError, match="measure="):
        coder_agreement(tidy(TEXTBOOK), level="ordinal")


def test_the_bootstrap_interval_is_reproducible_from_the_seed_and_brackets_the_estimate():
    codes = tidy(TEXTBOOK)
    first = coder_agreement(codes, replicates=300, seed=7)
    again = coder_agreement(codes, replicates=300, seed=7)
    other = coder_agreement(codes, replicates=300, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert not first["alpha_low"].equals(other["alpha_low"])
    assert first["alpha"].equals(other["alpha"])
    everyone = row(first)
    assert everyone["alpha_low"] < everyone["alpha"] < everyone["alpha_high"]
    assert (first["alpha_low"] <= first["alpha"]).all() and (first["alpha"] <= first["alpha_high"]).all()


def test_one_coder_gives_nan_alpha_with_a_note_not_an_error():
    result = coder_agreement(tidy({"ann": [1, 2, 1]}), replicates=50)
    assert len(result) == 1
    only = row(result)
    assert np.isnan(only["alpha"]) and np.isnan(only["alpha_low"]) and only["coders"] == 1
    assert "one coder" in only["note"]


def test_coders_who_never_share_a_unit_give_nan_alpha_with_a_note():
    result = coder_agreement(tidy({"ann": [1, 2, NAN, NAN], "bob": [NAN, NAN, 1, 2]}), replicates=50)
    assert row(result)["units"] == 0 and np.isnan(row(result)["alpha"])
    assert "no unit coded by two" in row(result)["note"]
    assert "no unit coded by both" in row(result, "ann", "bob")["note"]


def test_one_code_only_gives_nan_alpha_with_full_agreement():
    codes = tidy({"ann": ["n", "n"], "bob": ["n", "n"]}, "tone", TONE)
    only = row(coder_agreement(codes, replicates=50))
    assert np.isnan(only["alpha"]) and only["agreement"] == 1.0
    assert "one code only ('negative')" in only["note"]


def test_codes_outside_the_codebook_and_repeated_codes_are_named():
    codes = tidy({"ann": ["n", "u"], "bob": ["n", "u"]}, "tone", TONE)
    with pytest.raises(ValueError, match="maybe"):
        coder_agreement(pd.concat([codes, pd.DataFrame([("u3", "ann", "tone", "maybe")], columns=codes.columns)]))
    with pytest.raises(ValueError, match="u1"):
        coder_agreement(pd.concat([codes, codes.iloc[[0]]]))


@pytest.mark.parametrize("call", [
    lambda codes, predictions: coder_agreement(codes.drop(columns=["coder", "code"])),
    lambda codes, predictions: measure_agreement(predictions, codes.drop(columns=["coder", "code"]), measure="tone"),
    lambda codes, predictions: confusion_table(predictions, codes.drop(columns=["coder", "code"]), measure="tone"),
], ids=["coder_agreement", "measure_agreement", "confusion_table"])
def test_missing_code_columns_are_named(call):
    codes, predictions = tone_example()
    with pytest.raises(ValueError, match=r"\['coder', 'code'\]"):
        call(codes, predictions)


def test_missing_prediction_columns_are_named():
    codes, predictions = tone_example()
    with pytest.raises(ValueError, match=r"\['unit_id'\]"):
        measure_agreement(predictions.drop(columns=["unit_id"]), codes, measure="tone")
    with pytest.raises(ValueError, match=r"\['prediction', 'score'\]"):
        measure_agreement(predictions.drop(columns=["prediction", "score"]), codes, measure="tone")
    with pytest.raises(ValueError, match="no group column 'desk'"):
        measure_agreement(predictions, codes, measure="tone", by="desk")
    frames = pd.DataFrame([("a1", "ann", "conflict", "yes")], columns=["unit_id", "coder", "question", "code"])
    with pytest.raises(ValueError, match=r"\['question'\]"):
        measure_agreement(pd.DataFrame({"unit_id": ["a1"], "score": [0.9]}), frames, measure="frames")


# The measure against the coders: eight units coded alike by two coders, and u9 on which they tie.
# unit, outlet, majority, label, score (p_negative)
UNITS = [("u1", "A", "negative", "negative", 0.9), ("u2", "A", "negative", "neutral", 0.4),
         ("u3", "A", "neutral", "neutral", 0.2), ("u4", "A", "positive", "positive", 0.1),
         ("u5", "B", "negative", "negative", 0.8), ("u6", "B", "neutral", "negative", 0.6),
         ("u7", "B", "positive", "neutral", 0.3), ("u8", "B", "positive", "positive", 0.05)]


def tone_example() -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = pd.DataFrame([(unit, coder, "tone", code) for unit, _, code, _, _ in UNITS for coder in ("ann", "bob")]
                         + [("u9", "ann", "tone", "negative"), ("u9", "bob", "tone", "positive")],
                         columns=["unit_id", "coder", "question", "code"])
    # u10 was never coded (only a sample is): its prediction is ignored.
    predictions = pd.DataFrame([(unit, outlet, label, score) for unit, outlet, _, label, score in UNITS]
                               + [("u9", "A", "neutral", 0.5), ("u10", "B", "positive", 0.1)],
                               columns=["unit_id", "outlet", "prediction", "score"])
    return codes, predictions


def test_measure_agreement_overall_matches_the_hand_computed_values():
    codes, predictions = tone_example()
    overall = measure_agreement(predictions, codes, measure="tone", replicates=200).iloc[0]
    # Majority (rows) against label: negative 2 right, 1 as neutral (u2); neutral 1 right, 1 as negative (u6);
    # positive 2 right, 1 as neutral (u7). Accuracy 5/8.
    # F1: negative 2*2/(2*2 + 1 + 1) = 2/3; neutral 2*1/(2*1 + 2 + 1) = 2/5; positive 2*2/(2*2 + 0 + 1) = 4/5;
    # macro (2/3 + 2/5 + 4/5)/3 = 28/45.
    # Kappa: p_o = 5/8; majority 3, 2, 3 and labels 3, 3, 2 of 8: p_e = (9 + 6 + 6)/64 = 21/64;
    # kappa = (40/64 - 21/64)/(43/64) = 19/43.
    # Alpha with the label as a second coder: 16 values, n = 6, 5, 5; D_o = 2*3/16 = 3/8;
    # D_e = 1 - (30 + 20 + 20)/240 = 17/24; alpha = 1 - (3/8)/(17/24) = 1 - 9/17 = 8/17.
    # AUC of p_negative for majority negative: positives u1 .9, u2 .4, u5 .8 against u3 .2, u4 .1, u6 .6, u7 .3,
    # u8 .05: 15 pairs, all ranked right but u2 below u6: 14/15.
    assert (overall["question"], overall["units"], overall["ties"]) == ("tone", 8, 1)
    assert overall["accuracy"] == pytest.approx(5 / 8)
    assert overall["macro_f1"] == pytest.approx(28 / 45)
    assert overall["kappa"] == pytest.approx(19 / 43)
    assert overall["alpha_measure"] == pytest.approx(8 / 17)
    assert overall["auc"] == pytest.approx(14 / 15)
    assert (overall["coded_share"], overall["predicted_share"]) == (3 / 8, 3 / 8)
    assert overall["macro_f1_low"] < overall["macro_f1"] < overall["macro_f1_high"]


def test_measure_agreement_gives_a_row_per_group_and_one_over_all():
    codes, predictions = tone_example()
    result = measure_agreement(predictions, codes, measure="tone", by="outlet", replicates=200)
    assert list(result.columns[:2]) == ["question", "outlet"] and list(result["outlet"]) == ["all", "A", "B"]
    a, b = result.iloc[1], result.iloc[2]
    # A: u1 right, u2 negative as neutral, u3 right, u4 right: accuracy 3/4; F1 negative 2/3, neutral 2/3,
    # positive 1: macro 7/9. Majority 2, 1, 1 and labels 1, 2, 1 of 4: p_e = (2 + 2 + 1)/16 = 5/16;
    # kappa = (12/16 - 5/16)/(11/16) = 7/11. Alpha: n = 3, 3, 2 of 8, D_o = 2/8, D_e = 1 - 14/56 = 3/4: 2/3.
    assert (a["units"], a["ties"], a["accuracy"]) == (4, 1, 3 / 4)
    assert a["macro_f1"] == pytest.approx(7 / 9) and a["kappa"] == pytest.approx(7 / 11)
    assert a["alpha_measure"] == pytest.approx(2 / 3) and a["auc"] == 1.0
    # B: u5 right, u6 neutral as negative, u7 positive as neutral, u8 right: accuracy 1/2; F1 negative 2/3,
    # neutral 0, positive 2/3: macro 4/9. Majority 1, 1, 2 and labels 2, 1, 1: p_e = (2 + 1 + 2)/16 = 5/16;
    # kappa = (8/16 - 5/16)/(11/16) = 3/11. Alpha: n = 3, 2, 3, D_o = 4/8, D_e = 3/4: 1/3.
    assert (b["units"], b["ties"], b["accuracy"]) == (4, 0, 1 / 2)
    assert b["macro_f1"] == pytest.approx(4 / 9) and b["kappa"] == pytest.approx(3 / 11)
    assert b["alpha_measure"] == pytest.approx(1 / 3)
    # Overall the measure finds as much negative tone as the coders (3/8), but it halves A's and doubles B's:
    # the error that differs between groups is the one that biases their comparison.
    assert (a["coded_share"], a["predicted_share"]) == (2 / 4, 1 / 4)
    assert (b["coded_share"], b["predicted_share"]) == (1 / 4, 2 / 4)


def test_tied_units_are_left_out_and_counted():
    codes, predictions = tone_example()
    result = measure_agreement(predictions, codes, measure="tone", by="outlet", replicates=50)
    assert list(result["ties"]) == [1, 1, 0]
    assert list(result["units"]) == [8, 4, 4]
    table = confusion_table(predictions, codes, measure="tone")
    assert table["n"].sum() == 8


def test_auc_needs_a_score_and_predictions_of_uncoded_units_are_ignored():
    codes, predictions = tone_example()
    without = measure_agreement(predictions.drop(columns=["score"]), codes, measure="tone", replicates=50)
    assert np.isnan(without["auc"].iloc[0])
    fewer = measure_agreement(predictions[predictions["unit_id"] != "u10"], codes, measure="tone", replicates=50)
    pd.testing.assert_frame_equal(fewer, measure_agreement(predictions, codes, measure="tone", replicates=50))


def test_a_coded_unit_without_a_prediction_is_an_error_naming_it():
    codes, predictions = tone_example()
    with pytest.raises(ValueError, match=r"1 coded unit\(s\) have no prediction, e.g. unit_id \['u3'\]"):
        measure_agreement(predictions[predictions["unit_id"] != "u3"], codes, measure="tone")
    with pytest.raises(ValueError, match="u3"):
        confusion_table(predictions[predictions["unit_id"] != "u3"], codes, measure="tone")


def test_labels_outside_the_codebook_are_named():
    codes, predictions = tone_example()
    with pytest.raises(ValueError, match="'mixed'"):
        measure_agreement(predictions.assign(prediction="mixed"), codes, measure="tone")


def test_the_confusion_table_lists_every_pair_of_codes_even_at_zero():
    codes, predictions = tone_example()
    table = confusion_table(predictions, codes, measure="tone", by="outlet")
    assert list(table.columns) == ["question", "outlet", "coded", "predicted", "n"]
    assert len(table) == 3 * 9 and list(table["outlet"].drop_duplicates()) == ["all", "A", "B"]
    overall = table[table["outlet"] == "all"].set_index(["coded", "predicted"])["n"]
    assert overall.to_dict() == {
        ("negative", "negative"): 2, ("negative", "neutral"): 1, ("negative", "positive"): 0,
        ("neutral", "negative"): 1, ("neutral", "neutral"): 1, ("neutral", "positive"): 0,
        ("positive", "negative"): 0, ("positive", "neutral"): 1, ("positive", "positive"): 2,
    }
    assert table.groupby("outlet")["n"].sum().to_dict() == {"all": 8, "A": 4, "B": 4}


def test_frame_scores_alone_give_the_label_at_the_present_probability():
    # Two articles, two frames, one coder: a frame is "yes" where the score reaches 0.5.
    codes = pd.DataFrame([("a1", "ann", "conflict", "yes"), ("a2", "ann", "conflict", "no"),
                          ("a1", "ann", "morality", "no"), ("a2", "ann", "morality", "no")],
                         columns=["unit_id", "coder", "question", "code"])
    predictions = pd.DataFrame({"unit_id": ["a1", "a2", "a1", "a2"], "question": ["conflict"] * 2 + ["morality"] * 2,
                                "score": [0.5, 0.2, 0.7, 0.1]})
    result = measure_agreement(predictions, codes, measure="frames", replicates=50)
    assert list(result["question"]) == ["conflict", "morality"]
    assert list(result["accuracy"]) == [1.0, 0.5]
    assert list(result["predicted_share"]) == [0.5, 0.5]
    assert np.isnan(result["auc"].iloc[1])  # the coders found no morality frame: one class only
    one = measure_agreement(predictions, codes, measure="frames", question="morality", replicates=50)
    assert list(one["question"]) == ["morality"]
    counted = confusion_table(predictions, codes, measure="frames", question="conflict")
    assert counted["n"].tolist() == [1, 0, 0, 1]  # yes-yes, yes-no, no-yes, no-no


def test_a_score_alone_cannot_label_a_three_code_measure():
    codes, predictions = tone_example()
    with pytest.raises(ValueError, match=r"\['prediction'\]"):
        measure_agreement(predictions.drop(columns=["prediction"]), codes, measure="tone")


def test_the_bootstrap_macro_f1_is_sklearns_macro_f1():
    rng = np.random.default_rng(3)
    for _ in range(20):
        coded, predicted = rng.integers(0, 3, 12), rng.integers(0, 3, 12)
        present = sorted(set(coded) | set(predicted))
        expected = f1_score(coded, predicted, labels=present, average="macro", zero_division=0.0)
        assert _macro_f1(coded * 3 + predicted, 3)[0] == pytest.approx(expected)


def test_the_macro_f1_interval_is_reproducible_from_the_seed():
    codes, predictions = tone_example()
    first = measure_agreement(predictions, codes, measure="tone", by="outlet", replicates=300, seed=1)
    again = measure_agreement(predictions, codes, measure="tone", by="outlet", replicates=300, seed=1)
    other = measure_agreement(predictions, codes, measure="tone", by="outlet", replicates=300, seed=2)
    pd.testing.assert_frame_equal(first, again)
    assert not first["macro_f1_low"].equals(other["macro_f1_low"]) or not first["macro_f1_high"].equals(
        other["macro_f1_high"])
    assert ((first["macro_f1_low"] <= first["macro_f1"]) & (first["macro_f1"] <= first["macro_f1_high"])).all()


@pytest.mark.needs_shared
def test_coder_agreement_on_the_narrative_frames_annotators_equals_krippendorff_directly():
    folder = SHARED / "data" / "narrative_frames"
    annotations = json.loads((folder / "question_annotations.json").read_text(encoding="utf-8"))
    published = pd.read_csv(folder / "articles.tsv", sep="\t", dtype=str, keep_default_na=False).set_index("ID")
    assert set(FRAME_RULES) == set(GENERIC_FRAMES)
    for frame, rule in FRAME_RULES.items():
        labels = {doc: frame_used([answers[q][0] for q in rule[0]], rule) for doc, answers in annotations.items()}
        reproduced = sum(labels[doc] == ("yes" if published.loc[doc, COLUMN[frame]].startswith("True") else "no")
                         for doc in annotations)
        assert reproduced >= 342, frame
    codes = narrative_frames_annotator_codes()

    result = coder_agreement(codes, measure="frames", replicates=200)
    assert list(result["question"].drop_duplicates()) == list(GENERIC_FRAMES)
    assert len(result) == 5 * (1 + 6)
    documents = sorted(annotations)
    for frame in GENERIC_FRAMES:
        everyone = row(result, question=frame)
        # Every article was coded by two or three of the four annotators.
        assert (everyone["coders"], everyone["units"]) == (4, 343)
        table = codes[codes["question"] == frame]
        matrix = (table.assign(value=table["code"].map({"yes": 0, "no": 1}))
                  .pivot(index="coder", columns="unit_id", values="value").reindex(columns=documents))
        direct = krippendorff.alpha(reliability_data=matrix.to_numpy(dtype=float), level_of_measurement="nominal")
        assert everyone["alpha"] == pytest.approx(direct, abs=1e-12)
        # Trained coders of a latent construct: well above chance, short of Krippendorff's 0.8 (0.26 for human
        # interest to 0.58 for economic consequences).
        assert 0.2 < everyone["alpha"] < 0.7, frame
        assert everyone["alpha_low"] < everyone["alpha"] < everyone["alpha_high"]
    undefined = result[result["alpha"].isna()]
    assert (undefined["note"] != "").all() and (result.loc[result["alpha"].notna(), "note"] == "").all()


def test_measure_agreement_tells_the_measure_from_codes_without_a_question_column():
    predictions = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "prediction": ["negative", "neutral", "negative",
                                                                                  "positive"]})
    codes = pd.DataFrame({"unit_id": ["a", "b", "c", "d"], "coder": "x",
                          "code": ["negative", "neutral", "neutral", "positive"]})
    inferred = measure_agreement(predictions, codes, replicates=50)
    stated = measure_agreement(predictions, codes.assign(question="tone"), measure="tone", replicates=50)
    pd.testing.assert_frame_equal(inferred, stated)
    assert inferred.loc[0, "accuracy"] == 0.75
    with pytest.raises(ValueError, match="cannot tell which measure"):
        measure_agreement(predictions.assign(prediction="maybe"), codes.assign(code="maybe"))
