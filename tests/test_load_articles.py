"""load_articles: folders with metadata.csv, tables with field mappings, decoding."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import analysis as an
from conftest import write_corpus

BODY = "The strike killed him. Officials said so."


def test_folder_corpus_keeps_every_metadata_column_and_derives_doc_id(tmp_path):
    folder = write_corpus(
        tmp_path / "corpus",
        {"a.txt": BODY, "sub/b.txt": "Headline B\n\n" + BODY},
        "file,outlet,title,date,country,bias\na.txt,Outlet A,,2020-01-03,India,left\nsub/b.txt,Outlet B,Headline B,,Russia,right\n",
    )
    articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a", "sub/b"]
    assert list(articles.columns[:4]) == ["doc_id", "outlet", "date", "title"]
    assert {"file", "country", "bias", "standfirst", "dateline", "raw", "text"} <= set(articles.columns)
    assert articles.loc[0, "date"] == pd.Timestamp("2020-01-03")
    assert pd.isna(articles.loc[1, "date"])
    assert pd.isna(articles.loc[0, "title"])
    assert articles.loc[1, "title"] == "Headline B"
    assert articles.loc[1, "text"] == BODY  # the headline line is not part of the body
    assert articles.loc[1, "raw"] == "Headline B\n\n" + BODY


def test_raw_is_the_decoded_text_and_text_is_normalised(tmp_path):
    raw = "First para\u00a0here.\r\n\r\nSecond “quoted” para.\rThird para."
    folder = write_corpus(tmp_path / "c", {"a.txt": raw}, "file,outlet\na.txt,X\n")
    article = an.load_articles(folder).iloc[0]
    assert article["raw"] == raw
    assert article["text"] == "First para here.\n\nSecond “quoted” para.\n\nThird para."
    assert "\u00a0" not in article["text"] and "\r" not in article["text"]


@pytest.mark.parametrize(
    "encoded",
    [
        "Iran’s “general” was killed. Café.".encode("utf-8"),
        b"\xef\xbb\xbf" + "Iran’s “general” was killed. Café.".encode("utf-8"),
        "Iran’s “general” was killed. Café.".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_unicode_encodings_decode_to_the_same_text(tmp_path, encoded):
    folder = write_corpus(tmp_path / "c", {"a.txt": encoded}, "file,outlet\na.txt,X\n")
    assert an.load_articles(folder).loc[0, "text"] == "Iran’s “general” was killed. Café."


def test_windows_1252_falls_back_with_a_warning_naming_the_file(tmp_path):
    encoded = "Iran’s general cost £5.".encode("cp1252")
    folder = write_corpus(tmp_path / "c", {"old.txt": encoded}, "file,outlet\nold.txt,X\n")
    with pytest.warns(an.CorpusWarning, match=r"old\.txt.*Windows-1252"):
        articles = an.load_articles(folder)
    assert articles.loc[0, "text"] == "Iran’s general cost £5."


def test_csv_table_with_a_field_mapping(tmp_path):
    table = pd.DataFrame({
        "content": [BODY, "Another text here."],
        "source": ["CNN", "Fox"],
        "headline": ["H1", "H2"],
        "published": ["2020-01-04", "January 5, 2020"],
        "lean": ["left", "right"],
    })
    path = tmp_path / "articles.csv"
    table.to_csv(path, index=False)
    articles = an.load_articles(path, text="content", outlet="source", title="headline", date="published")
    assert list(articles["outlet"]) == ["CNN", "Fox"]
    assert list(articles["title"]) == ["H1", "H2"]
    assert list(articles["date"]) == [pd.Timestamp("2020-01-04"), pd.Timestamp("2020-01-05")]
    assert list(articles["doc_id"]) == ["articles-1", "articles-2"]
    assert "lean" in articles.columns and "source" in articles.columns
    assert "content" not in articles.columns  # the text lives on as `raw`


def test_json_lines_parquet_and_json_folder_load_alike(tmp_path):
    records = [
        {"id": "x1", "body": BODY, "site": "AP"},
        {"id": "x2", "body": "Second article text.", "site": "Reuters"},
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    pd.DataFrame(records).to_parquet(tmp_path / "a.parquet")
    folder = tmp_path / "records"
    folder.mkdir()
    for record in records:
        (folder / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    loaded = [
        an.load_articles(tmp_path / "a.jsonl", text="body", outlet="site", doc_id="id"),
        an.load_articles(tmp_path / "a.parquet", text="body", outlet="site", doc_id="id"),
        an.load_articles(folder, text="body", outlet="site"),
    ]
    for articles in loaded:
        assert list(articles["doc_id"]) == ["x1", "x2"]
        assert list(articles["text"]) == [BODY, "Second article text."]
        assert articles["date"].isna().all()


def test_the_corpus_folder_is_never_written_to(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n")
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*")}
    articles = an.load_articles(folder)
    an.split_sentences(articles)
    an.removed_lines(articles)
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*")} == before


def test_an_unknown_mapping_keyword_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"body": [BODY], "site": ["A"]}).to_csv(path, index=False)
    with pytest.raises(TypeError, match="headline"):
        an.load_articles(path, text="body", outlet="site", headline="x")
