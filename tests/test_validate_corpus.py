"""Notebook 07 end to end: the sheets it writes, and the same notebook run again with codes that people gave
(the Narrative Frames Corpus's trained annotators, each coder's own sheet)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import nbformat
import pandas as pd
import pytest

import analysis as an
from analysis.measures.article_frames import GENERIC_FRAMES
from analysis.measures.frame_training import read_corpus
from conftest import PROJECT, SHARED, narrative_frames_annotator_codes

SAMPLE = 200  # notebook 07's default


def run_07(corpus, out, *extra):
    result = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(corpus), "--group", "mbfc",
                             "--out", str(out), "--only", "07", *extra],
                            cwd=PROJECT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return nbformat.read(out / "reports" / "07-validate-your-corpus.ipynb", as_version=4)


def shown(notebook, kind: str) -> list[str]:
    return [output["data"][kind] for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
            if kind in output.get("data", {})]


def fill_sheets(sheet, codes: pd.DataFrame, unit_of_doc: dict, folder):
    """Each annotator's own copy of the frames sheet, with their codes on the units they coded."""
    with open(sheet, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    folder.mkdir()
    coded = codes.assign(unit_id=codes["unit_id"].map(unit_of_doc)).dropna(subset=["unit_id"])
    for coder, theirs in coded.groupby("coder"):
        answers = theirs.pivot(index="unit_id", columns="question", values="code")
        filled = [{**row, "coder": f"annotator {coder}", **answers.loc[row["unit_id"]].to_dict()}
                  for row in rows if row["unit_id"] in answers.index]
        with open(folder / f"frames-annotator-{coder}.csv", "w", encoding="utf-8-sig", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(filled)


@pytest.mark.slow
@pytest.mark.needs_shared
def test_notebook_07_writes_sheets_then_corrects_the_frames_with_the_annotators_codes(tmp_path):
    articles, _ = read_corpus(SHARED / "data" / "narrative_frames")
    meta = pd.read_csv(SHARED / "data" / "narrative_frames" / "articles.tsv", sep="\t", dtype=str, keep_default_na=False)
    corpus = tmp_path / "climate.csv"
    articles.assign(mbfc=meta["mbfc"].to_numpy()).to_csv(corpus, index=False)

    first = run_07(corpus, tmp_path / "before")
    assert "Nothing is coded yet" in " ".join(shown(first, "text/markdown"))
    assert {f"07-coding-{m}.{s}" for m in ("tone", "frames", "target") for s in ("csv", "xlsx")} <= \
        {p.name for p in (tmp_path / "before").iterdir()}

    # The notebook's sample, drawn again as the notebook draws it, tells which article each sheet row is.
    with pytest.warns(an.CorpusWarning):  # one climate article is empty after cleaning
        loaded = an.load_articles(corpus)
    sample = an.sample_for_coding(loaded, measure="frames", n=SAMPLE, by="mbfc")
    fill_sheets(tmp_path / "before" / "07-coding-frames.csv", narrative_frames_annotator_codes(),
                dict(zip(sample["doc_id"], sample["unit_id"])), tmp_path / "codes")

    second = run_07(corpus, tmp_path / "after", "--codes", str(tmp_path / "codes"))
    manifest = json.loads((tmp_path / "after" / "manifest.json").read_text(encoding="utf-8"))
    assert "07-validate-frames" in manifest and "07-validate-tone" not in manifest  # only what was coded
    estimates = pd.read_csv(tmp_path / "after" / "07-validate-frames.csv")
    assert set(estimates["mbfc"]) == {"left_bias", "left_center_bias", "right_bias", "questionable_source"}
    assert (estimates["coded"] > 0).all() and (estimates["low"] <= estimates["estimate"]).all()
    assert (estimates["estimate"] <= estimates["high"]).all()
    assert len(shown(second, "image/png")) == 1  # the figure shows inline
    findings = " ".join(shown(second, "text/markdown"))
    assert "Coders agree at Krippendorff's alpha" in findings and "Frames" in findings


def test_majority_codes_break_ties_in_the_codebooks_order_and_give_the_share_of_coders():
    codes = pd.DataFrame({"unit_id": ["a", "a", "b", "b", "b", "c"], "coder": ["x", "y", "x", "y", "z", "x"],
                          "question": "tone", "code": ["neutral", "negative", "neutral", "neutral", "negative", "positive"]})
    verdicts = an.majority_codes(codes, measure="tone").set_index("unit_id")
    assert list(verdicts["majority"]) == ["negative", "neutral", "positive"]  # a: a tie, negative comes first
    assert list(verdicts["tied"]) == [True, False, False]
    assert list(verdicts["code_share"]) == [0.5, pytest.approx(1 / 3), 0.0]
    assert list(verdicts["coders"]) == [2, 3, 1]


def test_machine_labels_use_vaders_thresholds_and_the_frame_models_verdict(sentences):
    scored = sentences.head(3).assign(compound=[-0.05, -0.0499, 0.05])
    assert list(an.machine_labels(scored, measure="tone")["prediction"]) == ["negative", "neutral", "positive"]
    frames = pd.DataFrame({"doc_id": ["d1", "d1"], "outlet": "A", "frame": ["conflict", "war"],
                           "kind": ["generic", "issue"], "score": [0.7, 0.9], "present": [True, True]})
    labelled = an.machine_labels(frames, measure="frames")
    assert list(labelled["question"]) == ["conflict"] and list(labelled["prediction"]) == ["yes"]


def test_coding_units_join_codes_to_their_units_and_refuse_codes_from_another_corpus(sentences):
    scored = an.score_sentences(sentences)
    sample = an.sample_for_coding(scored, measure="tone", n=10, by="outlet", seed=1)
    codes = pd.DataFrame({"unit_id": sample["unit_id"], "coder": "x", "question": "tone", "code": "negative"})
    units = an.coding_units(scored, codes, measure="tone")
    assert units["human"].notna().sum() == 10 and (units.loc[units["human"].notna(), "human"] == 1.0).all()
    assert set(units.loc[units["human"].notna(), "unit_id"]) == set(sample["unit_id"])
    assert (units["machine"] == (units["compound"] <= -0.05)).all()
    stranger = pd.concat([codes, pd.DataFrame({"unit_id": ["u0000000000000000"], "coder": "x", "question": "tone",
                                               "code": "neutral"})])
    with pytest.raises(ValueError, match="1 coded unit\\(s\\) are not in this corpus's tone table"):
        an.coding_units(scored, stranger, measure="tone")


def test_unit_ids_hide_the_document_names_that_could_name_the_outlet(articles):
    ids = an.sample_for_coding(articles.assign(doc_id="foxnews-" + articles["doc_id"]), measure="frames", n=5)["unit_id"]
    assert ids.str.fullmatch(r"u[0-9a-f]{16}").all() and not ids.str.contains("fox").any()


def test_read_coded_sheets_finds_each_measures_sheets_in_a_folder(tmp_path, sentences, articles):
    samples = {"tone": an.sample_for_coding(sentences, measure="tone", n=6, by="outlet", seed=2),
               "frames": an.sample_for_coding(articles, measure="frames", n=5, by="outlet", seed=2)}
    for measure, sample in samples.items():
        an.save_coding_sheet(sample, tmp_path / "sheets" / measure, measure=measure)
    tone = pd.read_csv(tmp_path / "sheets" / "tone.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    (tmp_path / "codes").mkdir()
    tone.assign(coder="ann", tone="negative").to_csv(tmp_path / "codes" / "t.csv", index=False)
    frames = pd.read_csv(tmp_path / "sheets" / "frames.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    answers = {frame: "no" for frame in GENERIC_FRAMES} | {"conflict": "yes"}
    frames.assign(coder="bo", **answers).to_csv(tmp_path / "codes" / "f.csv", index=False)
    codes = an.read_coded_sheets(tmp_path / "codes", samples=samples)
    assert codes.groupby("measure").size().to_dict() == {"frames": 25, "tone": 6}
    frame_codes = codes[codes["measure"] == "frames"]
    assert set(frame_codes.loc[frame_codes["code"] == "yes", "question"]) == {"conflict"}
    assert an.read_coded_sheets(None, samples=samples).empty
    with pytest.raises(ValueError, match="f.csv: column 'measure' names"):
        an.read_coded_sheets(tmp_path / "codes", samples={"tone": samples["tone"]})


def test_without_codes_the_status_says_how_to_code_and_the_findings_say_nothing_is_corrected(sentences):
    samples = {"tone": an.sample_for_coding(sentences, measure="tone", n=6, by="outlet")}
    codes = an.read_coded_sheets(None, samples=samples)
    status = an.coding_status(codes, samples).data
    assert "Nothing is coded yet" in status and "--codes" in status and "tone: 6 units" in status
    units = an.coding_units(an.score_sentences(sentences), codes, measure="tone")
    estimates = an.corrected_by_question(units, by="outlet")
    assert estimates["estimate"].isna().all() and (estimates["method"] == "no coded units").all()
    findings = an.correction_findings({"tone": estimates}, {"tone": an.conclusions_by_question(units, by="outlet")},
                                      an.agreement_by_measure({"tone": units}, codes, by="outlet"),
                                      an.coder_agreement_by_measure(codes), by="outlet").data
    assert "Nothing is coded yet" in findings


def test_plot_corrected_draws_both_estimates_for_every_group_and_says_how_many_are_coded():
    estimates = pd.DataFrame({"outlet": ["A", "B", "C"], "estimate": [0.2, 0.6, float("nan")], "low": [0.1, 0.3, float("nan")],
                              "high": [0.3, 0.9, float("nan")], "naive": [0.5, 0.4, 0.3], "naive_low": [0.4, float("nan"), 0.2],
                              "naive_high": [0.6, float("nan"), 0.4], "coded": [10, 3, 0], "units": [100, 20, 7]})
    ax = an.plot_corrected(estimates, by="outlet")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["C", "A", "B"]  # uncoded first (bottom), then by estimate
    naive, naive_without_interval, corrected = ax.lines
    assert list(naive.get_xdata()) == [0.3, 0.5] and list(corrected.get_xdata()) == [0.2, 0.6]
    assert list(naive_without_interval.get_xdata()) == [0.4]  # B: open, no interval
    assert naive_without_interval.get_markerfacecolor() == "white"
    notes = [t.get_text() for t in ax.texts]
    assert "0/7: none coded" in notes and "10/100" in notes
    assert ax.get_title(loc="left").endswith("13 of 127 units coded")
    whole = estimates.assign(low=[0.0, 0.0, float("nan")], high=[1.0, 1.0, float("nan")], coded_articles=[3, 1, 0])
    assert "2 intervals span the whole scale (at most 3 coded articles each)" in \
        an.plot_corrected(whole, by="outlet").get_title(loc="left").replace("\n", " ")


def test_the_sample_does_not_depend_on_the_tables_row_order(sentences):
    drawn = an.sample_for_coding(sentences, measure="tone", n=20, by="outlet", seed=3)
    shuffled = an.sample_for_coding(sentences.sample(frac=1, random_state=1), measure="tone", n=20, by="outlet", seed=3)
    pd.testing.assert_frame_equal(drawn, shuffled)


def test_coded_units_keep_their_inclusion_probability_and_a_repeated_unit_is_refused(sentences):
    scored = an.score_sentences(sentences)
    sample = an.sample_for_coding(scored, measure="tone", n=10, by="outlet", seed=1)
    codes = pd.DataFrame({"unit_id": sample["unit_id"], "coder": "x", "question": "tone", "code": "neutral"})
    units = an.coding_units(scored, codes, measure="tone", sample=sample)
    coded = units[units["human"].notna()]
    assert (coded["inclusion_probability"] == coded["unit_id"].map(sample.set_index("unit_id")["inclusion_probability"])).all()
    assert units.loc[units["human"].isna(), "inclusion_probability"].isna().all()
    with pytest.raises(ValueError, match="repeat a unit"):
        an.coding_units(pd.concat([scored, scored.head(1)]), codes, measure="tone")


def test_a_group_against_the_rest_weighs_strata_sampled_at_different_rates():
    # n = 12 over groups of 10, 100 and 100: one each, then 9 in proportion to 9 : 99 : 99 (0.39, 4.30, 4.30),
    # the spare unit to the largest remainder: A 2 of 10 (rate 0.2), B and C 5 of 100 (rate 0.05).
    units = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(210)], "outlet": ["A"] * 10 + ["B"] * 100 + ["C"] * 100,
                          "text": "x", "prediction": 0.5, "truth": [1.0] * 10 + [0.0] * 200})
    sample = an.sample_for_coding(units, measure="frames", n=12, by="outlet", seed=0)
    assert sample.groupby("outlet").size().to_dict() == {"A": 2, "B": 5, "C": 5}
    coded = units.assign(code=units["truth"].where(units["doc_id"].isin(sample["doc_id"])),
                         probability=units["doc_id"].map(sample.set_index("doc_id")["inclusion_probability"]))
    weighted = an.compare_groups(coded, by="outlet", value="prediction", codes="code", probability="probability",
                                 against="rest").set_index("outlet_a")
    plain = an.compare_groups(coded, by="outlet", value="prediction", codes="code", against="rest").set_index("outlet_a")
    # The rest of C is A and B: 10 of its 110 units are coded 1. Weighted (A's two codes count 5 each, B's five
    # count 20 each): 10 / 110, the true share. Unweighted: 2 of 7 coded.
    assert weighted.loc["C", "estimate_b"] == pytest.approx(10 / 110)
    assert plain.loc["C", "estimate_b"] == pytest.approx(2 / 7)


def test_a_sheet_coded_in_the_output_folder_is_never_overwritten(tmp_path, sentences):
    settings = an.configure(out=tmp_path, notebook="07-validate-your-corpus")
    samples = {"tone": an.sample_for_coding(sentences, measure="tone", n=6, by="outlet")}
    an.save_coding_sheets(samples, name="07-coding", settings=settings)
    an.save_coding_sheets(samples, name="07-coding", settings=settings)  # unchanged: written again
    sheet = tmp_path / "07-coding-tone.csv"
    table = pd.read_csv(sheet, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.assign(coder=["ann"] + [""] * 5, tone=["negative"] + [""] * 5).to_csv(sheet, index=False)
    with pytest.raises(ValueError, match="07-coding-tone.csv in the output folder was changed since it was written"):
        an.save_coding_sheets(samples, name="07-coding", settings=settings)
    # Notebook 07's outputs beside the filled sheets are left out of the codes, with a warning naming them.
    (tmp_path / "07-validate-tone.csv").write_text("question,outlet,estimate\ntone,A,0.5\n", encoding="utf-8")
    with pytest.warns(an.CorpusWarning) as said:
        codes = an.read_coded_sheets(tmp_path, samples=samples)
    assert any("07-validate-tone.csv" in str(w.message) and "not coding sheets" in str(w.message) for w in said)
    assert list(codes["code"]) == ["negative"]


def test_sheets_from_another_sample_say_so_in_the_errors_last_line(tmp_path, sentences):
    sample = an.sample_for_coding(sentences, measure="tone", n=6, by="outlet", seed=1)
    other = an.sample_for_coding(sentences, measure="tone", n=6, by="outlet", seed=2)
    an.save_coding_sheet(sample, tmp_path / "tone", measure="tone")
    table = pd.read_csv(tmp_path / "tone.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    table.assign(coder="ann", tone="neutral").to_csv(tmp_path / "filled.csv", index=False)
    with pytest.raises(ValueError) as error:
        an.read_codes(tmp_path / "filled.csv", measure="tone", sample=other)
    assert "not in this sample: sheets drawn from another corpus" in str(error.value).splitlines()[-1]
