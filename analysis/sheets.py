"""Coding sheets: a sample's units laid out for hand coding, the codebook beside them, and the codes read back.

`save_coding_sheet` writes, for a sample drawn by `sample_for_coding`, three files side by side:

- `<stem>.xlsx`: sheet "codes" (one row per unit in the coders' order, a drop-down list of the allowed codes
  on every code column, frozen header row) and sheet "codebook" (the codebook's text);
- `<stem>.csv`: the same rows as UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the
  Windows code page and garbles quotes and accents), for programs other than Excel;
- `<stem>-codebook.md`: the codebook (analysis/data/codebook-<measure>.md).

A sheet shows what a coder needs and nothing that would bias them: no machine label or score, no outlet or
other group column, no inclusion probability. `read_codes` reads filled sheets (either format, several
coders, several files) into one tidy table of codes, and reports every mistake at once.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
import zipfile
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from analysis.corpus.errors import CorpusWarning
from analysis.escape import FORMULA_STARTS
from analysis.files import write_atomic
from analysis.measures.coding import MEASURES, CodedMeasure, coded_measure
from analysis.paths import data_file
from analysis.tables import require_columns

#: The sheet of the workbook that holds the codes, and the one that holds the codebook.
CODES_SHEET = "codes"
CODEBOOK_SHEET = "codebook"
SUFFIXES = (".csv", ".xlsx")
#: A mention is marked so in the CSV's text (the XLSX sets it in bold).
MARK = ("«", "»")
# Spreadsheets run a cell starting with one of FORMULA_STARTS as a formula (OWASP, "CSV injection"; the list is
# analysis/escape.py's): the texts come from the web, so such a cell gets a leading apostrophe in the CSV and is
# stored as quoted text in the XLSX. Unlike the tables' CSV (escape.csv_cell) a plain number is quoted too: a
# coder's sheet holds text, and reading it back takes the apostrophe off whatever follows it.
#: The most characters an Excel cell holds; a longer article is cut in the XLSX (the CSV keeps it whole).
EXCEL_CELL_CHARACTERS = 32_767
#: Fixed times for the workbook's properties and its zip entries: the same sample gives the same bytes.
FIXED_TIME = datetime(2020, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: The columns a coder reads, per unit, between the identifiers and the coder's columns. A mention's named
#: actor is `actor`, not `target`: "target" is the name of the measure's code column.
READ_COLUMNS = {
    "article": ("text",),
    "sentence": ("context_before", "text", "context_after"),
    "mention": ("actor", "mention", "context_before", "text", "context_after"),
    "attribution": ("speaker", "context_before", "text", "context_after"),
}
#: The sample's column behind a sheet's column, where the names differ.
SOURCES = {"actor": "target"}
WIDTHS = {"measure": 11, "unit_id": 28, "order": 7, "actor": 18, "mention": 18, "speaker": 24, "context_before": 45,
          "text": 70, "context_after": 45, "coder": 12, "note": 35}
WRAPPED = ("actor", "mention", "speaker", "context_before", "text", "context_after", "note")


def save_coding_sheet(sample: pd.DataFrame, path: str | Path, *, measure: str) -> list[Path]:
    """Write a sample's coding sheet as CSV and XLSX, and the measure's codebook beside them.

    Parameters
    ----------
    sample : the units to code, as `sample_for_coding` returns them (needs `unit_id`, `order`, `text`, and
        `context_before`, `context_after` for sentences, mentions and attributions; `target`, `mention`,
        `mention_start`, `mention_end` for mentions; `speaker` for attributions).
    path : where to write: `<stem>`, `<stem>.csv` or `<stem>.xlsx` all name the same three files
        `<stem>.csv`, `<stem>.xlsx` and `<stem>-codebook.md` (a missing folder is made).
    measure : the measure coded ("tone", "frames", "target" or "attribution"); must be the sample's.

    Returns the paths written: the CSV, the XLSX and the codebook, in that order. Each sheet has one row per
    unit, sorted by `order`, with the columns `measure`, `unit_id`, `order`, what the coder reads (`text`;
    `context_before` and `context_after` around a sentence; a mention's `actor` and `mention`, the mention
    marked «so» in the CSV's text and bold in the XLSX; an attribution's `speaker`), `coder` (empty), one
    empty column per question of the measure (named after it) and `note`. The same sample gives the same bytes.
    """
    paths = _sheet_paths(path)
    # Every file is rendered before the first is written: a failure leaves no sheet without its twin.
    contents = coding_sheet_files(sample, paths[0].stem, measure=measure)
    paths[0].parent.mkdir(parents=True, exist_ok=True)
    for file in paths:
        write_atomic(file, contents[file.name])
    return list(paths)


def coding_sheet_files(sample: pd.DataFrame, stem: str, *, measure: str) -> dict[str, bytes]:
    """The bytes of a sample's coding sheet files, by file name: `<stem>.csv`, `<stem>.xlsx` and
    `<stem>-codebook.md` (what save_coding_sheet writes; `analysis.save_coding_sheets` records them in an
    output folder's manifest).

    Parameters
    ----------
    sample : as for save_coding_sheet.
    stem : the files' name without suffix.
    measure : the measure coded.

    Returns {file name: bytes}.
    """
    definition = coded_measure(measure)
    sheet = _sheet_table(sample, definition)
    codebook = _codebook(measure)
    return {f"{stem}.csv": _csv_bytes(sheet), f"{stem}.xlsx": _xlsx_bytes(sheet, definition, codebook.decode("utf-8")),
            f"{stem}-codebook.md": codebook}


def _sheet_paths(path: str | Path) -> tuple[Path, Path, Path]:
    """The CSV, XLSX and codebook paths for `path` (its .csv or .xlsx suffix, if any, dropped; other dots kept)."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix.lower() in SUFFIXES else path
    if not stem.name:
        raise ValueError(f"save_coding_sheet: {str(path)!r} names no file")
    return (stem.with_name(f"{stem.name}.csv"), stem.with_name(f"{stem.name}.xlsx"),
            stem.with_name(f"{stem.name}-codebook.md"))


def _codebook(measure: str) -> bytes:
    return data_file(f"codebook-{measure}.md").read_bytes()


def _sheet_table(sample: pd.DataFrame, definition: CodedMeasure) -> pd.DataFrame:
    """The sheet's rows in the coders' order (all strings but `order`); for mentions also `mention_parts`, each
    sentence cut around its mention for the XLSX's bold (None where the mention is not found; not written)."""
    _check_sample(sample, definition)
    units = sample.sort_values("order", kind="stable", ignore_index=True)
    # Only these columns reach a sheet: the groups, the machine's labels and the inclusion probabilities
    # never do, whatever else the sample holds.
    read = {column: units[SOURCES.get(column, column)].fillna("").astype("str")
            for column in READ_COLUMNS[definition.unit]}
    extra = {}
    if definition.unit == "mention":
        parts = [_mention_parts(text, mention, start, end) for text, mention, start, end in
                 zip(read["text"], read["mention"], units["mention_start"], units["mention_end"])]
        read["text"] = pd.Series([text if part is None else f"{part[0]}{MARK[0]}{part[1]}{MARK[1]}{part[2]}"
                                  for text, part in zip(read["text"], parts)], index=units.index, dtype="str")
        extra = {"mention_parts": parts}
    blank = dict.fromkeys(("coder", *definition.questions, "note"), "")
    return pd.DataFrame({"measure": definition.name, "unit_id": units["unit_id"].astype("str"),
                         "order": units["order"].astype("int64"), **read, **blank, **extra})


def _check_sample(sample: pd.DataFrame, definition: CodedMeasure) -> None:
    """A sample for this measure, with the columns its sheet shows and one row per unit."""
    _require_measure(sample, definition.name, "save_coding_sheet")  # first: it explains any missing column
    shown = [SOURCES.get(column, column) for column in READ_COLUMNS[definition.unit]]
    positions = ["mention_start", "mention_end"] if definition.unit == "mention" else []
    require_columns(sample, ("unit_id", "order", *shown, *positions), "save_coding_sheet")
    if sample.empty:
        raise ValueError("save_coding_sheet: the sample has no units to code")
    repeated = sample["unit_id"].astype("str").duplicated()
    if repeated.any():
        raise ValueError(f"save_coding_sheet: unit_id {sample.loc[repeated, 'unit_id'].iloc[0]!r} is repeated; "
                         "give one row per unit")


def _mention_parts(text: str, mention: str, start, end) -> tuple[str, str, str] | None:
    """The sentence cut around its mention, found at its offsets or else at its first occurrence (None if absent)."""
    if not mention:
        return None
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        start, end = -1, -1
    if not (0 <= start < end <= len(text) and text[start:end] == mention):
        start = text.find(mention)
        if start < 0:
            return None
        end = start + len(mention)
    return text[:start], text[start:end], text[end:]


def _require_measure(sample: pd.DataFrame, measure: str, caller: str) -> None:
    """A sample drawn for another measure is refused (its units are of another kind)."""
    if "measure" not in sample.columns:
        return
    others = sorted(set(sample["measure"].dropna().astype("str")) - {measure})
    if others:
        raise ValueError(f"{caller}: the sample was drawn for measure {others[0]!r}, not {measure!r}")


def _file_columns(sheet: pd.DataFrame) -> list[str]:
    return [column for column in sheet.columns if column != "mention_parts"]


def _neutral(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading apostrophe before a formula's first character."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_bytes(sheet: pd.DataFrame) -> bytes:
    """The sheet as CSV (RFC 4180: commas, CRLF, quotes where needed) in UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = _file_columns(sheet)
    writer.writerow(columns)
    for row in sheet[columns].itertuples(index=False):
        writer.writerow([_neutral(str(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_bytes(sheet: pd.DataFrame, definition: CodedMeasure, codebook: str) -> bytes:
    """The sheet as a workbook: the codes sheet with drop-down lists, then the codebook sheet."""
    book = Workbook()
    codes = book.active
    codes.title = CODES_SHEET
    columns = _file_columns(sheet)
    _fill_codes(codes, sheet, columns)
    _add_code_lists(codes, columns, definition, len(sheet))
    _lay_out(codes, columns, definition)
    _fill_codebook(book.create_sheet(CODEBOOK_SHEET), codebook)
    book.properties.created = book.properties.modified = FIXED_TIME
    book.properties.title = f"Coding sheet: {definition.name}"
    buffer = io.BytesIO()
    # ExcelWriter, not Workbook.save: save stamps the workbook with the time of writing.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same zip archive with every entry's time and attributes fixed (zipfile stamps each with the clock)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(entry.filename))
    return buffer.getvalue()


def _xlsx_text(value: str) -> str:
    """Text an XLSX cell can hold: no control characters (the format forbids them), at most Excel's limit."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if len(value) <= EXCEL_CELL_CHARACTERS:
        return value
    notice = " […] (cut: an Excel cell holds 32,767 characters; the CSV has the whole text)"
    return value[: EXCEL_CELL_CHARACTERS - len(notice)] + notice


def _text_cell(cell, value) -> None:
    """Put text in a cell as text: openpyxl would store a string starting with "=" as a formula, and Excel
    turns a cell starting with a formula character into one when it is edited, unless quoted."""
    cell.value = value
    cell.data_type = "s"
    if str(value).startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _fill_codes(codes, sheet: pd.DataFrame, columns: list[str]) -> None:
    codes.append(columns)
    for cell in codes[1]:
        cell.font = Font(bold=True)
    bold = InlineFont(b=True)
    parts = sheet["mention_parts"].tolist() if "mention_parts" in sheet.columns else [None] * len(sheet)
    for number, (row, part) in enumerate(zip(sheet[columns].itertuples(index=False), parts), start=2):
        for position, (column, value) in enumerate(zip(columns, row), start=1):
            cell = codes.cell(row=number, column=position)
            if column == "order":
                cell.value = int(value)
            elif column == "text" and part is not None:
                before, mention, after = (_xlsx_text(piece) for piece in part)
                pieces = [before, TextBlock(bold, mention), after]
                _text_cell(cell, CellRichText(*[piece for piece in pieces if not isinstance(piece, str) or piece]))
            elif value != "":
                _text_cell(cell, _xlsx_text(str(value)))


def _code_list(definition: CodedMeasure) -> str:
    codes = ",".join(definition.codes)
    # A list typed into a validation holds at most 255 characters, and a comma would split a code.
    if len(codes) > 253 or any("," in code for code in definition.codes):
        raise ValueError(f"the codes of {definition.name} do not fit a drop-down list: {definition.codes}")
    return f'"{codes}"'


def _add_code_lists(codes, columns: list[str], definition: CodedMeasure, rows: int) -> None:
    """A drop-down list of the allowed codes on each code column, refusing anything else."""
    allowed = ", ".join(definition.codes)
    for question in definition.questions:
        letter = get_column_letter(columns.index(question) + 1)
        validation = DataValidation(
            type="list", formula1=_code_list(definition), allow_blank=True, showErrorMessage=True,
            errorTitle="Not a code", error=f"{question}: choose one of {allowed}"[:255],
            showInputMessage=True, promptTitle=question[:32],  # Excel's limits: 32 and 255 characters
            prompt=f"One of: {allowed}. See the codebook sheet."[:255],
        )
        validation.add(f"{letter}2:{letter}{rows + 1}")
        codes.add_data_validation(validation)


def _lay_out(codes, columns: list[str], definition: CodedMeasure) -> None:
    """Widths, wrapped text, the header frozen: a coder reads long texts and scrolls through many rows."""
    code_width = max(len(code) for code in definition.codes) + 4
    text_width = 110 if definition.unit == "article" else WIDTHS["text"]
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        width = text_width if column == "text" else WIDTHS.get(column, max(code_width, len(column) + 3))
        codes.column_dimensions[letter].width = width
        alignment = Alignment(wrap_text=column in WRAPPED, vertical="top")
        for (cell,) in codes.iter_rows(min_row=2, min_col=position, max_col=position):
            cell.alignment = alignment
    codes.freeze_panes = "A2"


def _fill_codebook(sheet, codebook: str) -> None:
    sheet.column_dimensions["A"].width = 120
    wrapped = Alignment(wrap_text=True, vertical="top")
    for number, paragraph in enumerate(_paragraphs(codebook), start=1):
        if paragraph:
            cell = sheet.cell(row=number, column=1)
            _text_cell(cell, _xlsx_text(paragraph))
            cell.alignment = wrapped


def _paragraphs(markdown: str) -> list[str]:
    """The codebook's lines with each paragraph or list item joined into one (a cell wraps its own text);
    headings and table rows stay lines of their own, and a blank line stays a blank row."""
    paragraphs: list[str] = []
    for line in markdown.splitlines():
        text = line.strip()
        first = text.split(" ", 1)[0]
        starts = text.startswith(("#", "|", "- ")) or (first.endswith(".") and first[:-1].isdigit())
        if text and paragraphs and paragraphs[-1] and not starts and not paragraphs[-1].startswith(("#", "|")):
            paragraphs[-1] += " " + text
        elif text or (paragraphs and paragraphs[-1]):
            paragraphs.append(text)
    return paragraphs


def read_codes(path: str | Path | Iterable[str | Path], *, measure: str,
               sample: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codes in filled coding sheets, one row per unit, coder and question coded.

    Parameters
    ----------
    path : one sheet file (.csv or .xlsx, as `save_coding_sheet` wrote it and a coder filled it) or a list of
        them. A file may hold one coder's rows or several coders' (the `coder` column names who coded a row);
        a CSV may be UTF-8 with or without a byte-order mark, separated by commas, semicolons or tabs.
    measure : the measure coded ("tone", "frames", "target" or "attribution"); a sheet for another one is an error.
    sample : the sample the sheets were made from (`sample_for_coding`); when given, a unit id not in its
        `unit_id` column is an error.

    Returns one row per code given: `unit_id`, `coder`, `question` (the question's name: "tone", a frame, ...),
    `code` (in the codebook's spelling: codes are matched ignoring case and surrounding spaces), `file` (the
    sheet's file name; for files of one name in different folders, the path below the folder they share),
    `row` (the row as a spreadsheet shows it: the header is row 1) and `note` (the coder's note on the row), in
    the order of the files and rows. Rows without any code are left out, and so are the uncoded questions of a
    partly coded frames row; a CorpusWarning counts them.

    Every mistake in the sheets is collected, then raised as one ValueError with one line per problem naming
    the file, the row and the value: a file that does not exist, is not CSV/XLSX or is given twice, a sheet for
    another measure, a missing `unit_id`, `coder` or code column, a unit id not in the sample, a code outside
    the codebook, a code on a row without coder or unit id, and a coder coding one unit twice (in one file or
    two).
    """
    definition = coded_measure(measure)
    known = None
    if sample is not None:
        require_columns(sample, ("unit_id",), "read_codes")
        _require_measure(sample, measure, "read_codes")
        known = set(sample["unit_id"].astype("str"))
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    if not paths:
        raise ValueError("read_codes: no sheet file given")
    problems, read = _repeated_files(paths), []
    paths = list({sheet_path.resolve(): sheet_path for sheet_path in paths}.values())
    for sheet_path, label in zip(paths, _labels(paths)):
        sheet, trouble = _read_sheet(sheet_path, label)
        problems += trouble
        if sheet is not None:
            trouble = _check_columns(sheet, label, definition)
            problems += trouble
            if not trouble:
                read.append(_rows(sheet, label, definition))
    rows = pd.concat(read, ignore_index=True) if read else _rows(pd.DataFrame(), "", definition)
    problems += _row_problems(rows, definition, known)
    if problems:
        raise ValueError("\n".join(problems))
    _warn_uncoded(rows, definition)
    return _tidy(rows, definition)


CODED_COLUMNS = ["measure", "unit_id", "coder", "question", "code", "file", "row", "note"]


def read_coded_sheets(path: str | Path | None, *, samples: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The codes of every filled coding sheet in a folder (or one file), whatever measures they are for.

    Parameters
    ----------
    path : a filled sheet (.csv or .xlsx) or a folder of them (the codebooks and other files there are
        ignored); None: nothing is coded yet.
    samples : {measure: the sample its sheets were made from}; a sheet for a measure without a sample, or
        for units not in it, is an error naming the file.

    Returns read_codes' table for every measure found, with a first column `measure`; empty (with those
    columns) when `path` is None.
    """
    if path is None:
        return pd.DataFrame({column: pd.Series(dtype="str") for column in CODED_COLUMNS})
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$")))
        if not files:
            raise ValueError(f"{path}: no coding sheets (.csv or .xlsx) in this folder")
    else:
        files = [path]
    by_measure: dict[str, list[Path]] = {}
    problems, skipped = [], []
    for file in files:
        sheet, trouble = _read_sheet(file, file.name)
        if path.is_dir() and sheet is not None and not {"measure", "unit_id"} & set(sheet.columns):
            skipped.append(file.name)  # a folder may also hold other tables (notebook 07's outputs, notes)
            continue
        named = sorted(set(sheet["measure"].str.strip()) - {""}) if sheet is not None and "measure" in sheet else []
        if trouble or len(named) != 1 or named[0] not in samples:
            problems += trouble or [f"{file.name}: column 'measure' names {named or 'nothing'}; a coding sheet names "
                                    f"one of {sorted(samples)}"]
            continue
        by_measure.setdefault(named[0], []).append(file)
    if problems:
        raise ValueError("\n".join(problems))
    if skipped:
        warnings.warn(f"read_coded_sheets: {len(skipped)} file(s) in {path.name} are not coding sheets (no 'measure' "
                      f"or 'unit_id' column), left out: {', '.join(skipped[:10])}", CorpusWarning, stacklevel=2)
    if not by_measure:
        raise ValueError(f"{path}: no coding sheets (.csv or .xlsx with a 'measure' column) in this folder")
    tables = [read_codes(paths, measure=measure, sample=samples[measure]).assign(measure=measure)
              for measure, paths in by_measure.items()]
    return pd.concat(tables, ignore_index=True)[CODED_COLUMNS]


def _repeated_files(paths: list[Path]) -> list[str]:
    """A file given twice would look like every coder coding every unit twice: say so once instead."""
    resolved = [path.resolve() for path in paths]
    return [f"{path.name}: given more than once ({path})" for position, path in enumerate(paths)
            if resolved[position] in resolved[:position] and resolved[position] not in resolved[position + 1:]]


def _labels(paths: list[Path]) -> list[str]:
    """How messages and the `file` column name each file: its name, or where two names are alike (each coder
    returning "tone.xlsx" in a folder of their own) its path below the folder the files share."""
    names = [path.name for path in paths]
    if len(set(names)) == len(names):
        return names
    try:
        common = Path(os.path.commonpath([path.resolve() for path in paths]))
    except ValueError:  # no folder in common (Windows drives)
        return [str(path) for path in paths]
    return [path.resolve().relative_to(common).as_posix() for path in paths]


def _read_sheet(path: Path, label: str) -> tuple[pd.DataFrame | None, list[str]]:
    """A sheet file as a table of strings ("" for empty cells), or None and the reason it cannot be read."""
    if path.suffix.lower() not in SUFFIXES:
        return None, [f"{label}: not a coding sheet: give a .csv or .xlsx file, not "
                      f"{path.suffix or 'a file without suffix'}"]
    if not path.is_file():
        return None, [f"{label}: no such file ({path})"]
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, label)
    return _read_csv(path, label)


def _read_csv(path: Path, label: str) -> tuple[pd.DataFrame | None, list[str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [f"{label}: not UTF-8 text; in Excel save it as \"CSV UTF-8\", or code the .xlsx sheet"]
    header = text.split("\n", 1)[0]
    # Excel saves CSV with semicolons where the decimal mark is a comma; the header's names hold neither.
    separator = max((",", ";", "\t"), key=header.count)
    try:
        sheet = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=separator,
                            skip_blank_lines=False)  # keep blank lines: row numbers are the spreadsheet's
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else "empty"
        return None, [f"{label}: cannot be read as CSV ({reason})"]
    return sheet.fillna(""), []  # an empty line reads as a row of missing values


def _read_xlsx(path: Path, label: str) -> tuple[pd.DataFrame | None, list[str]]:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            name = CODES_SHEET if CODES_SHEET in book.sheet_names else book.sheet_names[0]
            sheet = pd.read_excel(book, sheet_name=name, dtype=str, keep_default_na=False)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as error:
        return None, [f"{label}: cannot be read as XLSX ({type(error).__name__}: {error})"]
    return sheet.fillna("").astype("str"), []


def _canonical(sheet: pd.DataFrame, definition: CodedMeasure) -> pd.DataFrame:
    """The sheet with its known column names in their own spelling (a header retyped "Coder " still counts)."""
    known = ("measure", "unit_id", "coder", "note", *definition.questions)
    spelling = {name.casefold(): name for name in known}
    return sheet.rename(columns=lambda column: spelling.get(" ".join(str(column).split()).casefold(), column))


def _check_columns(sheet: pd.DataFrame, name: str, definition: CodedMeasure) -> list[str]:
    """Problems with a sheet as a whole: another measure's sheet, or a column missing."""
    sheet = _canonical(sheet, definition)
    if "measure" in sheet.columns:
        values = sheet["measure"].str.strip()
        wrong = values.ne("") & values.str.casefold().ne(definition.name)
        if wrong.any():
            first = int(wrong.to_numpy().nonzero()[0][0])
            return [f"{name} row {first + 2}: measure {values.iloc[first]!r}: a sheet for another measure, "
                    f"not {definition.name!r}"]
    missing = [question for question in definition.questions if question not in sheet.columns]
    if missing:
        other = _other_measure(sheet, definition)
        if other is not None:
            return [f"{name}: its code columns ({', '.join(other.questions)}) are those of measure "
                    f"{other.name!r}, not {definition.name!r} ({', '.join(definition.questions)})"]
        return [f"{name}: missing code column(s) {', '.join(repr(q) for q in missing)} of measure {definition.name!r}"]
    return [f"{name}: no {column!r} column; add it" + (" and write each coder's name on the rows they coded"
                                                       if column == "coder" else "")
            for column in ("unit_id", "coder") if column not in sheet.columns]


def _other_measure(sheet: pd.DataFrame, definition: CodedMeasure) -> CodedMeasure | None:
    columns = {" ".join(str(column).split()).casefold() for column in sheet.columns}
    for other in MEASURES.values():
        if other.name != definition.name and {q.casefold() for q in other.questions} <= columns:
            return other
    return None


def _rows(sheet: pd.DataFrame, name: str, definition: CodedMeasure) -> pd.DataFrame:
    """A sheet's rows as `file`, `row`, `unit_id`, `coder`, `note` and one column per question, stripped."""
    sheet = _canonical(sheet, definition)
    columns = ["unit_id", "coder", "note", *definition.questions]
    values = {column: (sheet[column].astype("str").str.strip() if column in sheet.columns
                       else pd.Series("", index=sheet.index, dtype="str")) for column in columns}
    # The writer's apostrophe before a formula character is undone on the unit id, the one text read back.
    values["unit_id"] = values["unit_id"].str.replace(r"^'(?=[=+\-@])", "", regex=True)
    return pd.DataFrame({"file": pd.Series(name, index=sheet.index, dtype="str"),
                         "row": pd.Series(range(2, len(sheet) + 2), index=sheet.index, dtype="int64"),
                         **values})


def _code_spelling(definition: CodedMeasure) -> dict[str, str]:
    return {_folded(code): code for code in definition.codes}


def _folded(value: str) -> str:
    return " ".join(value.split()).casefold()


def _row_problems(rows: pd.DataFrame, definition: CodedMeasure, known: set[str] | None) -> list[str]:
    """Problems with single rows, in file and row order: unit ids, codes, coders, a unit coded twice."""
    problems = []
    spelling = _code_spelling(definition)
    allowed = ", ".join(definition.codes)
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for row in rows.to_dict("records"):
        where = f"{row['file']} row {row['row']}"
        given = {question: row[question] for question in definition.questions if row[question] != ""}
        if not given and not row["unit_id"]:
            continue  # a blank row
        if not row["unit_id"]:
            problems.append(f"{where}: codes given but the unit_id cell is empty")
        elif known is not None and row["unit_id"] not in known:
            problems.append(f"{where}: unit_id {row['unit_id']!r} is not in the sample")
        problems += [f"{where}: {value!r} is not a code for {question} (allowed: {allowed})"
                     for question, value in given.items() if _folded(value) not in spelling]
        if given and not row["coder"]:
            problems.append(f"{where}: codes given but the coder cell is empty")
        if given and row["coder"] and row["unit_id"]:
            key = (row["coder"], row["unit_id"])
            if key in seen:
                file, number = seen[key]
                problems.append(f"{where}: unit_id {row['unit_id']!r} repeats row {number} for coder {row['coder']!r}"
                                if file == row["file"] else
                                f"{where}: coder {row['coder']!r} already coded unit_id {row['unit_id']!r} "
                                f"in {file} row {number}")
            else:
                seen[key] = (row["file"], row["row"])
    unknown = sum("is not in the sample" in problem for problem in problems)
    if unknown:
        # Last, so that a one-line report (the command line shows an error's last line) says what it means.
        problems.append(f"{unknown} unit id(s) in the sheets are not in this sample: sheets drawn from another "
                        "corpus, grouping (--group), sample size (SAMPLE) or seed do not match this run's")
    return problems


def _warn_uncoded(rows: pd.DataFrame, definition: CodedMeasure) -> None:
    """Say how many rows, and how many questions of partly coded rows, carry no code (left out, not an error)."""
    with_unit = rows[rows["unit_id"].ne("")]
    coded = with_unit[list(definition.questions)].ne("")
    empty = with_unit.loc[~coded.any(axis=1)]
    partly = coded.any(axis=1) & ~coded.all(axis=1)
    parts = []
    if len(empty):
        per_file = empty.groupby("file", sort=False).size()
        parts.append(f"{len(empty)} row(s) with no code left out ("
                     + ", ".join(f"{file}: {n}" for file, n in per_file.items()) + ")")
    if partly.any():
        missing = int((~coded[partly]).to_numpy().sum())
        examples = [f"{file} row {number}: " + ", ".join(q for q in definition.questions if not flags[q])
                    for (file, number), flags in zip(with_unit.loc[partly, ["file", "row"]].itertuples(index=False),
                                                     coded[partly].to_dict("records"))]
        parts.append(f"{missing} uncoded question(s) left out on {int(partly.sum())} partly coded row(s) ("
                     + "; ".join(examples[:10]) + ("; ..." if len(examples) > 10 else "") + ")")
    if parts:
        warnings.warn("read_codes: " + "; ".join(parts), CorpusWarning, stacklevel=3)


def _tidy(rows: pd.DataFrame, definition: CodedMeasure) -> pd.DataFrame:
    """One row per code given, in the codebook's spelling."""
    spelling = _code_spelling(definition)
    long = rows.melt(id_vars=["file", "row", "unit_id", "coder", "note"], value_vars=list(definition.questions),
                     var_name="question", value_name="code")
    long = long[long["code"].ne("")]
    order = {question: position for position, question in enumerate(definition.questions)}
    file_order = {file: position for position, file in enumerate(pd.unique(rows["file"]))}
    long = long.assign(code=long["code"].map(lambda value: spelling[_folded(value)]),
                       _file=long["file"].map(file_order), _question=long["question"].map(order))
    long = long.sort_values(["_file", "row", "_question"], kind="stable", ignore_index=True)
    columns = ["unit_id", "coder", "question", "code", "file", "row", "note"]
    return long[columns].astype({"unit_id": "str", "coder": "str", "question": "str", "code": "str",
                                 "file": "str", "row": "int64", "note": "str"})
