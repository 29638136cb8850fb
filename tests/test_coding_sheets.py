"""Coding sheets: what a coder gets (and does not get), and the codes read back with every mistake named."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock

import analysis as an
from analysis.corpus.errors import CorpusWarning
from analysis.measures.coding import MEASURES, sample_for_coding
from analysis.sheets import CODEBOOK_SHEET, CODES_SHEET
from conftest import PROJECT

OUTLETS = ("Republic World", "The Herald (herald.ng)", "The Epoch Times", "TASS", "Fort Russ News")


@pytest.fixture(scope="module")
def tone_sample(sentences):
    return sample_for_coding(sentences, measure="tone", n=6, by="outlet")


@pytest.fixture(scope="module")
def frames_sample(articles):
    return sample_for_coding(articles, measure="frames", n=5, by="outlet")


@pytest.fixture(scope="module")
def mentions(sentences):
    return an.target_mentions(an.score_sentences(sentences))


@pytest.fixture(scope="module")
def target_sample(mentions):
    return sample_for_coding(mentions, measure="target", n=6, by="outlet")


@pytest.fixture(scope="module")
def attribution_sample(sentences):
    attributions = an.find_attributions(sentences).merge(sentences[["doc_id", "sent_id", "text"]],
                                                         on=["doc_id", "sent_id"], validate="many_to_one")
    return sample_for_coding(attributions, measure="attribution", n=6, by="outlet")


@pytest.fixture
def tone_sheet(tone_sample, tmp_path):
    """The blank tone sheet as a coder's program would read it."""
    csv_path, _, _ = an.save_coding_sheet(tone_sample, tmp_path / "blank" / "tone", measure="tone")
    return pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def saved(sheet: pd.DataFrame, path, **options):
    """A filled sheet saved as a coder's program saves a CSV (UTF-8 with a BOM unless told otherwise)."""
    sheet.to_csv(path, index=False, encoding=options.pop("encoding", "utf-8-sig"), **options)
    return path


def coded(sheet: pd.DataFrame, codes: dict[int, str], *, coder="ann", question="tone") -> pd.DataFrame:
    """The sheet with `codes` (row position -> code) filled in by `coder`."""
    positions = list(codes)
    column_codes = sheet[question].copy()
    coders = sheet["coder"].copy()
    column_codes.iloc[positions] = list(codes.values())
    coders.iloc[positions] = coder
    return sheet.assign(**{question: column_codes, "coder": coders})


def fill_xlsx(path, codes: dict[str, dict[str, str]], *, coder: str) -> None:
    """Fill the workbook as a coder would in Excel: the coder's name and a code in each question's cell."""
    book = load_workbook(path)
    sheet = book[CODES_SHEET]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        unit = row[header.index("unit_id")].value
        if unit in codes:
            row[header.index("coder")].value = coder
            for question, code in codes[unit].items():
                row[header.index(question)].value = code
    book.save(path)


def problems(error: pytest.ExceptionInfo) -> list[str]:
    return str(error.value).splitlines()


# What a coder gets -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("given", ["tone-sheet", "tone-sheet.csv", "tone-sheet.xlsx", "tone-sheet.XLSX"])
def test_a_path_with_or_without_suffix_names_the_same_three_files(tone_sample, tmp_path, given):
    paths = an.save_coding_sheet(tone_sample, tmp_path / given, measure="tone")
    assert [p.name for p in paths] == ["tone-sheet.csv", "tone-sheet.xlsx", "tone-sheet-codebook.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_other_dots_in_the_name_are_kept_and_a_missing_folder_is_made(tone_sample, tmp_path):
    paths = an.save_coding_sheet(tone_sample, tmp_path / "round 2" / "tone.v2", measure="tone")
    assert [p.name for p in paths] == ["tone.v2.csv", "tone.v2.xlsx", "tone.v2-codebook.md"]
    assert all(p.is_file() for p in paths)


def test_the_codebook_beside_the_sheet_is_the_shipped_one_and_the_workbook_holds_it(tone_sample, tmp_path):
    _, xlsx_path, codebook_path = an.save_coding_sheet(tone_sample, tmp_path / "tone", measure="tone")
    shipped = PROJECT / "analysis" / "data" / "codebook-tone.md"
    assert codebook_path.read_bytes() == shipped.read_bytes()
    book = load_workbook(xlsx_path)
    assert book.sheetnames == [CODES_SHEET, CODEBOOK_SHEET]
    cells = [cell.value for cell in book[CODEBOOK_SHEET]["A"] if cell.value]
    assert cells[0] == "# Codebook: the tone of a news sentence"
    assert any("Judge the words of the sentence, not the event it reports" in cell for cell in cells)


COLUMNS = {
    "tone": ["measure", "unit_id", "order", "context_before", "text", "context_after", "coder", "tone", "note"],
    "frames": ["measure", "unit_id", "order", "text", "coder", "responsibility", "human interest", "conflict",
               "morality", "economic consequences", "note"],
    "target": ["measure", "unit_id", "order", "actor", "mention", "context_before", "text", "context_after", "coder",
               "target", "note"],
    "attribution": ["measure", "unit_id", "order", "speaker", "context_before", "text", "context_after", "coder",
                    "speaker_group", "note"],
}


@pytest.mark.parametrize("measure", list(COLUMNS))
def test_sheets_show_what_a_coder_needs_and_no_group_label_or_probability(measure, request, tmp_path):
    sample = request.getfixturevalue(f"{measure}_sample")
    assert {"outlet", "inclusion_probability"} <= set(sample.columns)  # the sample has them: the sheet must not
    csv_path, xlsx_path, _ = an.save_coding_sheet(sample, tmp_path / measure, measure=measure)
    from_csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    from_xlsx = pd.read_excel(xlsx_path, sheet_name=CODES_SHEET, dtype=str, engine="openpyxl").fillna("")
    for sheet in (from_csv, from_xlsx):
        assert list(sheet.columns) == COLUMNS[measure]
        assert sheet["measure"].eq(measure).all()
        assert sheet["order"].tolist() == [str(n) for n in range(1, len(sample) + 1)]
        assert sheet["unit_id"].tolist() == sample.sort_values("order")["unit_id"].tolist()
        assert (sheet[["coder", *MEASURES[measure].questions, "note"]] == "").all().all()
        if measure != "attribution":  # a speaker may be an outlet ("TASS said"); elsewhere no cell names one
            assert not sheet.isin(OUTLETS).any().any()


def test_a_target_sheet_carries_no_machine_label_or_score(target_sample, mentions, tmp_path):
    machine = ["label", "score", "p_negative", "p_neutral", "p_positive", "vader_label", "compound"]
    assert set(machine) <= set(mentions.columns)
    sample = target_sample.merge(mentions[["doc_id", "sent_id", "mention_start", *machine]],
                                 on=["doc_id", "sent_id", "mention_start"])  # a careless caller passes them on
    csv_path, xlsx_path, _ = an.save_coding_sheet(sample, tmp_path / "target", measure="target")
    header = csv_path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert not set(machine) & set(header)
    assert not set(machine) & {cell.value for cell in load_workbook(xlsx_path)[CODES_SHEET][1]}


def test_a_mention_is_marked_in_the_csv_and_bold_in_the_xlsx(tmp_path):
    sample = pd.DataFrame({
        "unit_id": ["d1:0:4"], "measure": ["target"], "unit": ["mention"], "doc_id": ["d1"], "sent_id": [0],
        "mention_start": [4], "target": ["Sergey Lavrov"], "mention": ["Lavrov"], "mention_end": [10],
        "text": ["Mr. Lavrov said so."], "context_before": [""], "context_after": [""], "order": [1],
    })
    csv_path, xlsx_path, _ = an.save_coding_sheet(sample, tmp_path / "target", measure="target")
    row = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig").iloc[0]
    assert (row["text"], row["actor"], row["mention"]) == ("Mr. «Lavrov» said so.", "Sergey Lavrov", "Lavrov")
    codes = load_workbook(xlsx_path, rich_text=True)[CODES_SHEET]
    cell = codes.cell(row=2, column=[c.value for c in codes[1]].index("text") + 1).value
    assert isinstance(cell, CellRichText)
    assert [(isinstance(part, TextBlock) and bool(part.font.b), str(part)) for part in cell] == [
        (False, "Mr. "), (True, "Lavrov"), (False, " said so.")]


@pytest.mark.parametrize("measure", list(MEASURES))
def test_every_code_column_of_the_xlsx_has_a_drop_down_list_of_the_allowed_codes(measure, request, tmp_path):
    sample = request.getfixturevalue(f"{measure}_sample")
    _, xlsx_path, _ = an.save_coding_sheet(sample, tmp_path / measure, measure=measure)
    codes = load_workbook(xlsx_path)[CODES_SHEET]
    header = [cell.value for cell in codes[1]]
    lists = {str(v.sqref): v for v in codes.data_validations.dataValidation}
    expected = {}
    for question in MEASURES[measure].questions:
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index(question)]
        expected[f"{letter}2:{letter}{len(sample) + 1}"] = '"' + ",".join(MEASURES[measure].codes) + '"'
    assert {ref: v.formula1 for ref, v in lists.items()} == expected
    assert all(v.type == "list" and v.showErrorMessage for v in lists.values())
    assert codes.freeze_panes == "A2"


def test_the_same_sample_gives_the_same_bytes_a_day_later(tone_sample, tmp_path, monkeypatch):
    first = an.save_coding_sheet(tone_sample, tmp_path / "one" / "tone", measure="tone")
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86_400)  # zip entries are stamped with time.time()
    second = an.save_coding_sheet(tone_sample, tmp_path / "two" / "tone", measure="tone")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


FORMULAS = ["=HYPERLINK(\"http://x.example\",\"click\")", "+1+2", "-3 killed", "@SUM(A1)"]


def formula_sample() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": ["=d1:0", "d1:1", "d1:2", "d1:3"], "measure": "tone", "unit": "sentence", "doc_id": "d1",
        "sent_id": [0, 1, 2, 3], "text": FORMULAS, "context_before": ["", *FORMULAS[:3]],
        "context_after": [*FORMULAS[1:], ""], "inclusion_probability": 1.0, "stratum_units": 4, "order": [1, 2, 3, 4],
    })


def test_cells_that_would_run_as_formulas_are_neutralised_in_the_csv_and_the_xlsx(tmp_path):
    csv_path, xlsx_path, _ = an.save_coding_sheet(formula_sample(), tmp_path / "tone", measure="tone")
    from_csv = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert from_csv["text"].tolist() == [f"'{text}" for text in FORMULAS]
    assert from_csv["unit_id"].iloc[0] == "'=d1:0"
    codes = load_workbook(xlsx_path)[CODES_SHEET]
    header = [cell.value for cell in codes[1]]
    cells = [codes.cell(row=n, column=header.index("text") + 1) for n in range(2, 6)]
    assert [cell.value for cell in cells] == FORMULAS  # the text as written, stored as text
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_a_unit_id_neutralised_in_the_csv_is_read_back_as_written(tmp_path):
    sample = formula_sample()
    csv_path, _, _ = an.save_coding_sheet(sample, tmp_path / "tone", measure="tone")
    sheet = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    codes = an.read_codes(saved(coded(sheet, {0: "negative", 1: "neutral", 2: "negative", 3: "neutral"}), csv_path),
                          measure="tone", sample=sample)
    assert codes["unit_id"].tolist() == sample["unit_id"].tolist()


def test_a_sample_drawn_for_another_measure_is_refused(tone_sample, tmp_path):
    with pytest.raises(ValueError, match="drawn for measure 'tone', not 'target'"):
        an.save_coding_sheet(tone_sample, tmp_path / "target", measure="target")


@pytest.mark.parametrize("measure", list(MEASURES))
def test_each_codebook_states_its_questions_and_every_allowed_code(measure):
    text = (PROJECT / "analysis" / "data" / f"codebook-{measure}.md").read_text(encoding="utf-8")
    definition = MEASURES[measure]
    assert [code for code in definition.codes if f"`{code}`" not in text] == []
    assert [q for q in definition.questions if f"`{q}`" not in text] == []
    assert "## How to code" in text and "## When unsure" in text and "`note`" in text


# Reading the codes back -------------------------------------------------------------------------------------------

def test_codes_written_into_the_csv_are_read_back_exactly(tone_sample, tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"}, coder="ann")
    codes = an.read_codes(saved(filled, tmp_path / "tone-ann.csv"), measure="tone", sample=tone_sample)
    expected = pd.DataFrame({
        "unit_id": tone_sheet["unit_id"], "coder": "ann", "question": "tone",
        "code": ["negative", "neutral", "positive", "neutral", "negative", "positive"], "file": "tone-ann.csv",
        "row": list(range(2, 8)), "note": "",
    }).astype({"row": "int64"})
    pd.testing.assert_frame_equal(codes, expected)


def test_codes_written_into_the_xlsx_are_read_back_exactly(frames_sample, tmp_path):
    _, xlsx_path, _ = an.save_coding_sheet(frames_sample, tmp_path / "frames", measure="frames")
    units = frames_sample["unit_id"].tolist()
    frames = MEASURES["frames"].questions
    given = {unit: {frame: ("yes" if (i + j) % 2 else "no") for j, frame in enumerate(frames)}
             for i, unit in enumerate(units)}
    fill_xlsx(xlsx_path, given, coder="bob")
    codes = an.read_codes(xlsx_path, measure="frames", sample=frames_sample)
    expected = [(unit, "bob", frame, code, "frames.xlsx", i + 2) for i, unit in enumerate(units)
                for frame, code in given[unit].items()]
    assert list(codes[["unit_id", "coder", "question", "code", "file", "row"]].itertuples(index=False, name=None)) \
        == expected


def test_several_coders_in_csv_and_xlsx_files_are_read_together(tone_sample, tone_sheet, tmp_path):
    csv_path, xlsx_path, _ = an.save_coding_sheet(tone_sample, tmp_path / "tone", measure="tone")
    two_coders = pd.concat([coded(tone_sheet.iloc[:3], {0: "negative", 1: "neutral", 2: "positive"}, coder="ann"),
                            coded(tone_sheet.iloc[:3], {0: "neutral", 1: "neutral", 2: "positive"}, coder="cy")])
    fill_xlsx(xlsx_path, {unit: {"tone": "positive"} for unit in tone_sheet["unit_id"]}, coder="bob")
    codes = an.read_codes([saved(two_coders, csv_path), xlsx_path], measure="tone", sample=tone_sample)
    assert codes.groupby("coder").size().to_dict() == {"ann": 3, "bob": 6, "cy": 3}
    assert codes.loc[codes["coder"] == "cy", "row"].tolist() == [5, 6, 7]
    assert set(codes["file"]) == {"tone.csv", "tone.xlsx"}


def test_coders_returning_files_of_one_name_are_told_apart_by_their_folders(tone_sheet, tmp_path):
    for coder in ("ann", "bob"):
        (tmp_path / coder).mkdir()
        saved(coded(tone_sheet, dict.fromkeys(range(6), "neutral"), coder=coder), tmp_path / coder / "tone.csv")
    codes = an.read_codes([tmp_path / "ann" / "tone.csv", tmp_path / "bob" / "tone.csv"], measure="tone")
    assert codes.groupby("file")["coder"].unique().map(list).to_dict() == {"ann/tone.csv": ["ann"],
                                                                           "bob/tone.csv": ["bob"]}


def test_a_file_given_twice_is_named_once(tone_sheet, tmp_path):
    path = saved(coded(tone_sheet, dict.fromkeys(range(6), "neutral")), tmp_path / "tone.csv")
    with pytest.raises(ValueError) as error:
        an.read_codes([path, tmp_path / "." / "tone.csv"], measure="tone")
    assert problems(error) == [f"tone.csv: given more than once ({tmp_path / 'tone.csv'})"]


def test_a_sheet_with_no_code_at_all_gives_an_empty_table_and_a_warning(tone_sample, tmp_path):
    csv_path, _, _ = an.save_coding_sheet(tone_sample, tmp_path / "tone", measure="tone")
    with pytest.warns(CorpusWarning, match=r"6 row\(s\) with no code left out"):
        codes = an.read_codes(csv_path, measure="tone", sample=tone_sample)
    assert codes.empty and list(codes.columns) == ["unit_id", "coder", "question", "code", "file", "row", "note"]


def test_codes_match_ignoring_case_and_spaces_and_come_back_in_the_codebooks_spelling(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: " Negative ", 1: "NEUTRAL", 2: "positive", 3: "neutral", 4: "negative",
                                5: "Positive"})
    codes = an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone")
    assert codes["code"].tolist() == ["negative", "neutral", "positive", "neutral", "negative", "positive"]


def test_speaker_groups_match_ignoring_case(attribution_sample, tmp_path):
    csv_path, _, _ = an.save_coding_sheet(attribution_sample, tmp_path / "speakers", measure="attribution")
    sheet = pd.read_csv(csv_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    filled = coded(sheet, {0: "us officials", 1: "Not an Attribution", 2: "UN", 3: "media", 4: "other", 5: "experts"},
                   question="speaker_group")
    codes = an.read_codes(saved(filled, csv_path), measure="attribution", sample=attribution_sample)
    assert codes["code"].tolist() == ["US officials", "not an attribution", "UN", "media", "other", "experts"]
    assert codes["question"].eq("speaker_group").all()


def test_a_csv_saved_by_excel_without_bom_and_with_semicolons_is_read(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    codes = an.read_codes(saved(filled, tmp_path / "tone.csv", sep=";", encoding="utf-8"), measure="tone")
    assert codes["code"].tolist() == ["negative", "neutral", "positive", "neutral", "negative", "positive"]


def test_uncoded_rows_are_left_out_and_counted_in_a_warning(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 3: "neutral"})
    with pytest.warns(CorpusWarning, match=r"4 row\(s\) with no code left out \(tone\.csv: 4\)"):
        codes = an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone")
    assert codes["row"].tolist() == [2, 5]


def test_a_partly_coded_frames_row_keeps_its_codes_and_the_warning_counts_the_rest(frames_sample, tmp_path):
    _, xlsx_path, _ = an.save_coding_sheet(frames_sample, tmp_path / "frames", measure="frames")
    units = frames_sample["unit_id"].tolist()
    full = {frame: "no" for frame in MEASURES["frames"].questions}
    fill_xlsx(xlsx_path, {units[0]: {"conflict": "yes", "morality": "no"}, **{unit: full for unit in units[1:]}},
              coder="ann")
    message = (r"3 uncoded question\(s\) left out on 1 partly coded row\(s\) "
               r"\(frames\.xlsx row 2: responsibility, human interest, economic consequences\)")
    with pytest.warns(CorpusWarning, match=message):
        codes = an.read_codes(xlsx_path, measure="frames")
    first = codes[codes["unit_id"] == units[0]]
    assert list(zip(first["question"], first["code"])) == [("conflict", "yes"), ("morality", "no")]
    assert len(codes) == 2 + 5 * 4


def test_a_blank_row_in_the_middle_keeps_the_row_numbers_of_the_spreadsheet(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    path = saved(filled, tmp_path / "tone.csv", lineterminator="\n")
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    path.write_text("\n".join([*lines[:3], "", *lines[3:]]), encoding="utf-8-sig")  # an empty line after row 3
    assert an.read_codes(path, measure="tone")["row"].tolist() == [2, 3, 5, 6, 7, 8]


# Mistakes: one error, one line each, naming the file, the row and the value -------------------------------------

#: The last line of an error with unit ids not in the sample: what it most likely means.
ANOTHER_SAMPLE = ("1 unit id(s) in the sheets are not in this sample: sheets drawn from another corpus, grouping (--group), "
                  "sample size (SAMPLE) or seed do not match this run's")


def test_a_unit_id_not_in_the_sample_is_named(tone_sample, tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    filled = filled.assign(unit_id=filled["unit_id"].where(filled.index != 1, "999_nothing:7"))
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone", sample=tone_sample)
    assert problems(error) == ["tone.csv row 3: unit_id '999_nothing:7' is not in the sample", ANOTHER_SAMPLE]


def test_a_code_outside_the_codebook_is_named_with_the_allowed_codes(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negatve", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone")
    assert problems(error) == ["tone.csv row 2: 'negatve' is not a code for tone "
                               "(allowed: negative, neutral, positive)"]


def test_a_unit_repeated_in_a_file_for_one_coder_is_named(tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negative", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    again = pd.concat([filled, filled.iloc[[1]]], ignore_index=True)
    unit = filled["unit_id"].iloc[1]
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(again, tmp_path / "tone.csv"), measure="tone")
    assert problems(error) == [f"tone.csv row 8: unit_id '{unit}' repeats row 3 for coder 'ann'"]


def test_one_coder_coding_a_unit_in_two_files_is_named(tone_sheet, tmp_path):
    first = saved(coded(tone_sheet.iloc[:3], {0: "negative", 1: "neutral", 2: "positive"}), tmp_path / "a.csv")
    second = saved(coded(tone_sheet.iloc[2:], {0: "neutral", 1: "neutral", 2: "positive", 3: "negative"}),
                   tmp_path / "b.csv")
    unit = tone_sheet["unit_id"].iloc[2]
    with pytest.raises(ValueError) as error:
        an.read_codes([first, second], measure="tone")
    assert problems(error) == [f"b.csv row 2: coder 'ann' already coded unit_id '{unit}' in a.csv row 4"]


def test_two_coders_on_one_unit_are_not_a_mistake(tone_sheet, tmp_path):
    ann = saved(coded(tone_sheet, dict.fromkeys(range(6), "neutral"), coder="ann"), tmp_path / "a.csv")
    bob = saved(coded(tone_sheet, dict.fromkeys(range(6), "negative"), coder="bob"), tmp_path / "b.csv")
    assert len(an.read_codes([ann, bob], measure="tone")) == 12


def test_a_sheet_without_a_coder_column_is_named(tone_sheet, tmp_path):
    filled = coded(tone_sheet, dict.fromkeys(range(6), "neutral")).drop(columns="coder")
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone")
    assert problems(error) == ["tone.csv: no 'coder' column; add it and write each coder's name on the rows they coded"]


def test_a_code_without_a_coder_is_named(tone_sheet, tmp_path):
    filled = coded(tone_sheet, dict.fromkeys(range(6), "neutral"))
    filled = filled.assign(coder=filled["coder"].where(filled.index != 4, "  "))
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="tone")
    assert problems(error) == ["tone.csv row 6: codes given but the coder cell is empty"]


def test_a_sheet_for_another_measure_is_named_by_its_measure_column(frames_sample, tmp_path):
    _, xlsx_path, _ = an.save_coding_sheet(frames_sample, tmp_path / "frames", measure="frames")
    with pytest.raises(ValueError) as error:
        an.read_codes(xlsx_path, measure="tone")
    assert problems(error) == ["frames.xlsx row 2: measure 'frames': a sheet for another measure, not 'tone'"]


def test_a_sheet_for_another_measure_is_named_by_its_code_columns(tone_sheet, tmp_path):
    filled = coded(tone_sheet, dict.fromkeys(range(6), "neutral")).drop(columns="measure")
    with pytest.raises(ValueError) as error:
        an.read_codes(saved(filled, tmp_path / "tone.csv"), measure="target")
    assert problems(error) == ["tone.csv: its code columns (tone) are those of measure 'tone', not 'target' (target)"]


def test_a_missing_file_and_a_file_that_is_no_sheet_are_named(tone_sheet, tmp_path):
    text = tmp_path / "codes.txt"
    text.write_text("unit_id,coder,tone\n", encoding="utf-8")
    with pytest.raises(ValueError) as error:
        an.read_codes([tmp_path / "nowhere.csv", text], measure="tone")
    assert problems(error) == [f"nowhere.csv: no such file ({tmp_path / 'nowhere.csv'})",
                               "codes.txt: not a coding sheet: give a .csv or .xlsx file, not .txt"]


def test_a_broken_xlsx_and_a_csv_in_another_encoding_are_named(tone_sheet, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    latin = saved(coded(tone_sheet, dict.fromkeys(range(6), "neutral"), coder="Zoë"), tmp_path / "latin.csv",
                  encoding="cp1252", errors="replace")  # what Excel's plain "CSV" gives on Windows
    with pytest.raises(ValueError) as error:
        an.read_codes([broken, latin], measure="tone")
    lines = problems(error)
    assert lines[0].startswith("broken.xlsx: cannot be read as XLSX (")
    assert lines[1] == 'latin.csv: not UTF-8 text; in Excel save it as "CSV UTF-8", or code the .xlsx sheet'


def test_every_mistake_in_every_file_is_named_in_one_error(tone_sample, tone_sheet, tmp_path):
    filled = coded(tone_sheet, {0: "negatve", 1: "neutral", 2: "positive", 3: "neutral", 4: "negative",
                                5: "positive"})
    filled = filled.assign(unit_id=filled["unit_id"].where(filled.index != 2, "nope"),
                           coder=filled["coder"].where(filled.index != 5, ""))
    with pytest.raises(ValueError) as error:
        an.read_codes([saved(filled, tmp_path / "tone.csv"), tmp_path / "gone.xlsx"], measure="tone",
                      sample=tone_sample)
    assert problems(error) == [
        f"gone.xlsx: no such file ({tmp_path / 'gone.xlsx'})",
        "tone.csv row 2: 'negatve' is not a code for tone (allowed: negative, neutral, positive)",
        "tone.csv row 4: unit_id 'nope' is not in the sample",
        "tone.csv row 7: codes given but the coder cell is empty",
        ANOTHER_SAMPLE,
    ]
