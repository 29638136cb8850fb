"""load_articles on hostile input: the crash classes fuzzing found, each pinned, then the fuzzing itself.

The documented outcomes are CorpusError (bad corpus, metadata, table or file), FileNotFoundError (no such corpus)
and CorpusWarning (one article or value lost or read in a fallback way). Anything else escaping the loader is a bug.
The fuzz tests are seeded (derandomize) and bounded so that CI is reproducible and quick; FUZZ_EXAMPLES=2000
runs them longer.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pyarrow
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import analysis as an
from analysis.corpus.decode import decode_bytes
from conftest import write_corpus

BODY = "The strike killed him. Officials said so."


# -- the crash classes, one test each --------------------------------------------------------

def test_a_header_that_names_a_column_twice_up_to_spaces_is_a_corpus_error(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,file ,outlet\na.txt,a.txt,X\n")
    with pytest.raises(an.CorpusError, match=r"metadata\.csv: column name\(s\) \['file'\] appear more than once"):
        an.load_articles(folder)


def test_a_short_row_leaves_its_missing_cells_unknown(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "b.txt": BODY},
                          "file,outlet,country,date\na.txt,X\nb.txt,Y,Iran,2020-01-04\n")
    articles = an.load_articles(folder)
    assert pd.isna(articles.loc[0, "country"]) and pd.isna(articles.loc[0, "date"])
    assert articles.loc[1, "country"] == "Iran"


@pytest.mark.parametrize("metadata, message", [
    ("file,outlet\n,X\n", r"empty 'file' value on line\(s\) \[2\]"),
    ("file,outlet\na.txt\n", r"empty 'outlet' for \['a\.txt'\]"),
    ("file,outlet\n   ,   \n", r"empty 'file' value on line\(s\) \[2\]"),
])
def test_empty_cells_in_required_columns_are_named(tmp_path, metadata, message):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, metadata)
    with pytest.raises(an.CorpusError, match=message):
        an.load_articles(folder)


@pytest.mark.parametrize("metadata", ["file,outlet\na.txt,X,\n", "file,outlet\na.txt,,extra\n"])
def test_a_row_with_a_cell_more_than_the_header_is_named_not_shifted(tmp_path, metadata):
    # pandas would make the first column the index, shift every cell one column left and crash on int('a.txt').
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, metadata)
    with pytest.raises(an.CorpusError, match=r"metadata\.csv: cannot be read as CSV .*Expected 2 fields in line 2, saw 3"):
        an.load_articles(folder)


def test_a_csv_table_row_with_a_cell_too_many_is_named(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(f"content,source\n{BODY},X,extra\n", encoding="utf-8")
    with pytest.raises(an.CorpusError, match=r"t\.csv: cannot be read as CSV .*Expected 2 fields in line 2, saw 3"):
        an.load_articles(path, text="content", outlet="source")


@pytest.mark.parametrize("record, message", [
    ({"content": BODY, "source": None}, r"empty 'outlet' for \['t\.jsonl row 1'\]"),
    ({"content": BODY, "source": "X", "id": None}, r"empty 'doc_id' for \['t\.jsonl row 1'\]"),
    ({"content": BODY, "source": "X", "id": "  "}, r"empty 'doc_id'"),
])
def test_empty_values_in_a_table_are_named(tmp_path, record, message):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(record), encoding="utf-8")
    mapping = {"doc_id": "id"} if "id" in record else {}
    with pytest.raises(an.CorpusError, match=message):
        an.load_articles(path, text="content", outlet="source", **mapping)


@pytest.mark.parametrize("date", ["9999-12-31", "0001-01-01", "1200-01-01"])
def test_a_date_outside_the_range_pandas_can_store_becomes_nat_with_a_warning(tmp_path, date):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet,date\na.txt,X,{date}\n")
    with pytest.warns(an.CorpusWarning, match=rf"a\.txt: date '{date}' is outside the range pandas can store"):
        articles = an.load_articles(folder)
    assert pd.isna(articles.loc[0, "date"])


@pytest.mark.parametrize("date", ["now", "today", "Today"])
def test_now_and_today_are_not_dates_and_become_nat_with_a_warning(tmp_path, date):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet,date\na.txt,X,{date}\n")
    with pytest.warns(an.CorpusWarning, match=rf"a\.txt: date '{date}' is not an explicit date"):
        articles = an.load_articles(folder)
    assert pd.isna(articles.loc[0, "date"])


def test_a_garbage_parquet_file_is_a_corpus_error_naming_it(tmp_path):
    path = tmp_path / "articles.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(an.CorpusError, match=r"articles\.parquet: cannot be read as Parquet"):
        an.load_articles(path, text="content", outlet="source")


@pytest.mark.parametrize("rows, message", [
    (0, r"metadata\.csv: looks like a binary file"),  # caught when the metadata is decoded
    (8000, r"metadata\.csv: file 'a\\x00\.txt' contains a NUL character"),  # beyond the bytes decoding inspects
])
def test_a_file_name_with_a_nul_is_a_corpus_error(tmp_path, rows, message):
    listed = "".join(f"f{i}.txt,X\n" for i in range(rows))
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet\n{listed}a\x00.txt,X\n")
    with pytest.raises(an.CorpusError, match=message):
        an.load_articles(folder)


@pytest.mark.parametrize("first, second", [
    ("a.txt", "./a.txt"), ("sub/c.txt", "sub//c.txt"), ("sub/c.txt", "sub/./c.txt"), ("a.txt", "sub/../a.txt"),
])
def test_one_file_listed_under_two_spellings_is_a_duplicate(tmp_path, first, second):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "sub/c.txt": BODY}, f"file,outlet\n{first},X\n{second},Y\n")
    with pytest.raises(an.CorpusError, match=r"duplicate rows in column 'file'|name the same file"):
        an.load_articles(folder)


def test_a_dot_slash_path_loads_under_the_plain_name(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\n./a.txt,X\n")
    articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a"] and list(articles["file"]) == ["a.txt"]


def test_a_source_field_named_raw_never_replaces_the_mapped_text(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"content": [BODY], "raw": ["<html>page</html>"], "source": ["A"]}).to_csv(path, index=False)
    with pytest.warns(an.CorpusWarning, match=r"field\(s\) \['raw'\] have names the loader writes; kept as \['source_raw'\]"):
        articles = an.load_articles(path, text="content", outlet="source")
    assert articles.loc[0, "raw"] == BODY and articles.loc[0, "text"] == BODY
    assert articles.loc[0, "source_raw"] == "<html>page</html>"


def test_a_field_named_raw_can_be_mapped_as_the_text(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"raw": [BODY], "source": ["A"]}).to_csv(path, index=False)
    articles = an.load_articles(path, text="raw", outlet="source")
    assert articles.loc[0, "text"] == BODY and "source_raw" not in articles.columns


def test_a_metadata_column_named_like_one_the_loader_writes_is_kept_apart(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet,text\na.txt,X,a note\n")
    with pytest.warns(an.CorpusWarning, match=r"\['text'\] have names the loader writes; kept as \['metadata_text'\]"):
        articles = an.load_articles(folder)
    assert articles.loc[0, "text"] == BODY and articles.loc[0, "metadata_text"] == "a note"


def test_metadata_in_windows_1252_loads_with_a_warning(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "")
    (folder / "metadata.csv").write_bytes("file,outlet\na.txt,Le Café\n".encode("cp1252"))
    with pytest.warns(an.CorpusWarning, match=r"metadata\.csv: not valid UTF-8.*Windows-1252"):
        articles = an.load_articles(folder)
    assert list(articles["outlet"]) == ["Le Café"]


# -- fuzzing -----------------------------------------------------------------------------------

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
FUZZ = settings(deadline=None, max_examples=EXAMPLES, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

DOCUMENTED = (an.CorpusError, FileNotFoundError)

# Names and cells chosen to hit the edges: stray spaces, our own column names, dates out of range or relative.
HEADERS = ["file", "file ", " outlet", "outlet", "date", "title", "author", "doc_id", "raw", "text", "section",
           "voice", "", "Unnamed: 0", "country", "_origin", "file.1"]
DATES = ["2020-01-03", "9999-12-31", "0001-01-01", "now", "today", "yesterday", "1e400", "2020-13-45",
         "January 5, 2020", "2020-01-03T10:00:00+05:00", "-1", "0", "NaN", "NaT", "3000000000"]
NAMES = ["a.txt", "b.txt", "sub/c.txt", "d.text", "e.json", "f", "ü.txt", "g h.txt"]
WEIRD = ["", " ", "./a.txt", "a.txt ", "sub//c.txt", "sub/./c.txt", "../a.txt", "/a.txt", "a\x00.txt", ".",
         "sub", "sub/", "nan", "None", "a.txt\x00", "\\a.txt", "~", "a.TXT"]
WORDS = ["The strike killed him.", "Officials said so.", "“Quoted,” he said.", "Advertisement", "Read more: x",
         "Share this", "ſtrike", "\ufeff", "\u00a0", "\x0c", "\r\n", "\n", "\r", "", "’'‘", "a" * 30]

encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
# Control characters make a file binary (an error); they come with the raw bytes, not in every text.
printable = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20)
prose = st.lists(st.sampled_from(WORDS) | printable, max_size=8).map(" ".join)


@st.composite
def text_bytes(draw) -> bytes:
    """A file's bytes: prose in some encoding (with or without BOM and errors), or raw bytes."""
    if draw(st.integers(0, 7)) == 7:
        return draw(st.binary(max_size=60))
    return draw(prose).encode(draw(encodings), errors="replace")


cells = st.sampled_from(NAMES + WEIRD + DATES + WORDS) | printable


@st.composite
def folders(draw) -> tuple[dict[str, bytes], bytes]:
    """Files to write and the bytes of a metadata.csv that lists (some of) them: mostly well formed, so that
    most examples get past the header to the rows, the files and the dates."""
    written = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True))
    files = {name: draw(text_bytes()) for name in written}
    extra = draw(st.lists(st.sampled_from(HEADERS) | printable, max_size=3))
    header = ["file", "outlet", "date", *extra] if draw(st.integers(0, 4)) < 4 else extra or [""]
    # One row per written file as a rule, with now and then a stray name (./a.txt, a NUL, a folder) among them.
    names = draw(st.permutations(sorted(files)))[:draw(st.integers(1, len(files)))]
    names = [draw(st.sampled_from(WEIRD) | cells) if draw(st.integers(0, 5)) == 5 else name for name in names]
    outlets = st.sampled_from(["X", "Y", "Z"]) | cells
    rows = []
    for name in names:
        date = draw(st.sampled_from(DATES) if draw(st.integers(0, 3)) < 3 else cells)
        rest = draw(st.lists(cells, min_size=len(header), max_size=len(header)))
        rows.append([name, draw(outlets), date, *rest][:len(header)])
    if draw(st.integers(0, 9)) == 9:  # a ragged row: a cell short or a cell too many
        rows[0] = rows[0][:-1] if draw(st.booleans()) else [*rows[0], "extra"]
    out = io.StringIO()
    csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    metadata = out.getvalue().encode(encoding, errors="replace")
    if draw(st.integers(0, 9)) == 9:
        metadata = draw(st.binary(max_size=80))
    return files, metadata


def _load(path: Path, **columns) -> tuple[pd.DataFrame | None, list[warnings.WarningMessage]]:
    """Load and return (articles or None, warnings); fail on any exception or warning that is not documented."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            articles = an.load_articles(path, **columns)
        except DOCUMENTED as error:
            event(f"{type(error).__name__}: {str(error).split(': ')[1][:40] if ': ' in str(error) else error}")
            articles = None
        else:
            event(f"loaded {min(len(articles), 2)}+ articles")
    for w in caught:
        event(f"warning: {str(w.message).split(': ', 1)[-1][:30]}")
    strays = [w for w in caught if not issubclass(w.category, an.CorpusWarning)]
    assert not strays, [f"{w.category.__name__}: {w.message}" for w in strays]
    return articles, caught


@FUZZ
@given(folders())
def test_any_folder_loads_or_raises_a_documented_error(folder):
    files, metadata = folder
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, data in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        (root / "metadata.csv").write_bytes(metadata)
        articles, caught = _load(root)
        if articles is not None:
            assert articles["doc_id"].is_unique
            assert articles["date"].dtype == "datetime64[ns]"
            # Every listed file is loaded or named in a warning that says it was excluded: nothing is lost silently.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                text = decode_bytes(metadata, "metadata.csv")
            listed = len(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False))
            excluded = [w for w in caught if "excluded" in str(w.message)]
            assert len(articles) + len(excluded) == listed


FIELDS = ["content", "source", "raw", "text", "outlet", "date", "title", "doc_id", "id", "_x", "author", "section",
          "standfirst"]
scalars = st.one_of(st.none(), cells, st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.booleans(),
                    st.sampled_from(DATES))
values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.sampled_from(["a", "b"]), scalars, max_size=2)


@st.composite
def tables(draw) -> tuple[str, dict[str, bytes], dict[str, str]]:
    """A table as files to write (CSV, JSON Lines, JSON, Parquet, a folder of JSON records or garbage) and a
    field mapping. Most have a `content` and a `source` field mapped to our text and outlet, so most get to the rows."""
    columns = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True))
    mapping = {}
    if draw(st.integers(0, 4)) < 4:
        columns = ["content", "source", "published", *[c for c in columns if c not in ("content", "source")]]
        mapping = {"text": "content", "outlet": "source", "date": "published"}
    for ours in draw(st.lists(st.sampled_from(["text", "outlet", "date", "title", "doc_id", "author"]), max_size=2)):
        mapping[ours] = draw(st.sampled_from(columns) if draw(st.integers(0, 3)) < 3 else st.sampled_from(FIELDS))
    rows = [{column: draw(st.sampled_from(DATES) if column == "published" and draw(st.integers(0, 3)) < 3 else values)
             for column in columns}
            for _ in range(draw(st.integers(0, 4)))]
    kind = draw(st.sampled_from([".csv", ".jsonl", ".json", ".parquet", "records"]))
    if kind == "records":  # a folder of .json files, one article each
        return "records", {f"{i}.json": json.dumps(row).encode() for i, row in enumerate(rows)}, mapping
    if draw(st.integers(0, 9)) == 9:
        return kind, {f"articles{kind}": draw(st.binary(max_size=80))}, mapping
    if kind == ".csv":
        data = pd.DataFrame(rows, columns=columns).to_csv(index=False).encode()
    elif kind == ".parquet":
        buffer = io.BytesIO()
        table = pd.DataFrame(rows, columns=columns)
        try:
            table.to_parquet(buffer)
        except pyarrow.ArrowException:  # mixed types pyarrow cannot store are written as text, as a scraper would
            buffer = io.BytesIO()
            table.astype(object).map(lambda v: v if v is None or isinstance(v, str) else str(v)).to_parquet(buffer)
        data = buffer.getvalue()
    elif kind == ".json":
        data = json.dumps(rows).encode()
    else:
        data = "\n".join(json.dumps(row) for row in rows).encode()
    return kind, {f"articles{kind}": data}, mapping


@FUZZ
@given(tables())
def test_any_table_loads_or_raises_a_documented_error(table):
    kind, files, mapping = table
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in files.items():
            (Path(tmp) / name).write_bytes(data)
        articles, _ = _load(Path(tmp) if kind == "records" else Path(tmp) / f"articles{kind}", **mapping)
        if articles is not None:
            assert articles["doc_id"].is_unique
            assert (articles["raw"].str.strip() != "").all()
