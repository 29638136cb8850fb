"""Bad corpora get a clear error or a named warning, never a crash or a silent loss."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import analysis as an
from conftest import write_corpus

BODY = "The strike killed him. Officials said so."


def test_a_missing_corpus_is_a_file_not_found_error_naming_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        an.load_articles(tmp_path / "nowhere")


def test_a_folder_without_metadata_is_a_corpus_error(tmp_path):
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    with pytest.raises(an.CorpusError, match="metadata.csv"):
        an.load_articles(tmp_path)


def test_corpus_error_is_a_value_error():
    assert issubclass(an.CorpusError, ValueError)


@pytest.mark.parametrize("header, missing", [("file,source", "outlet"), ("path,outlet", "file")])
def test_missing_required_columns_are_named(tmp_path, header, missing):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"{header}\na.txt,X\n")
    with pytest.raises(an.CorpusError, match=missing):
        an.load_articles(folder)


def test_a_listed_file_that_does_not_exist_is_named(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\nghost.txt,Y\n")
    with pytest.raises(an.CorpusError, match="ghost.txt"):
        an.load_articles(folder)


@pytest.mark.parametrize("path", ["../outside.txt", "sub/../../outside.txt"])
def test_a_path_that_escapes_the_corpus_folder_is_refused(tmp_path, path):
    (tmp_path / "outside.txt").write_text(BODY, encoding="utf-8")
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet\n{path},X\n")
    with pytest.raises(an.CorpusError, match="escapes"):
        an.load_articles(folder)


def test_a_symbolic_link_out_of_the_corpus_folder_is_refused(tmp_path):
    (tmp_path / "outside.txt").write_text(BODY, encoding="utf-8")
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\nlink.txt,X\n")
    (folder / "link.txt").symlink_to(tmp_path / "outside.txt")
    with pytest.raises(an.CorpusError, match="link.txt.*escapes"):
        an.load_articles(folder)


@pytest.mark.parametrize("link", ["link.txt", "linked/a.txt"])
def test_a_file_listed_also_under_a_symbolic_link_is_named_twice(tmp_path, link):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet\na.txt,X\n{link},Y\n")
    (folder / "link.txt").symlink_to(folder / "a.txt")
    (folder / "linked").symlink_to(folder, target_is_directory=True)
    with pytest.raises(an.CorpusError, match=rf"name the same file"):
        an.load_articles(folder)


def test_a_file_reached_through_a_linked_folder_inside_the_corpus_loads(tmp_path):
    folder = write_corpus(tmp_path / "c", {"sub/a.txt": BODY}, "file,outlet\nlinked/a.txt,X\n")
    (folder / "linked").symlink_to(folder / "sub", target_is_directory=True)
    articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["linked/a"] and articles["text"].tolist() == [BODY]


def test_an_absolute_path_is_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text(BODY, encoding="utf-8")
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, f"file,outlet\n{outside},X\n")
    with pytest.raises(an.CorpusError, match="absolute"):
        an.load_articles(folder)


def test_duplicate_file_rows_are_named(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\na.txt,Y\n")
    with pytest.raises(an.CorpusError, match=r"duplicate.*a\.txt"):
        an.load_articles(folder)


def test_a_binary_file_is_named(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "image.txt": png}, "file,outlet\na.txt,X\nimage.txt,Y\n")
    with pytest.raises(an.CorpusError, match=r"image\.txt.*binary"):
        an.load_articles(folder)


def test_an_empty_outlet_is_named(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,\n")
    with pytest.raises(an.CorpusError, match=r"outlet.*a\.txt"):
        an.load_articles(folder)


@pytest.mark.parametrize("content", ["", "  \n\t\n "])
def test_an_empty_article_is_excluded_with_a_warning_and_the_rest_loads(tmp_path, content):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "empty.txt": content}, "file,outlet\na.txt,X\nempty.txt,Y\n")
    with pytest.warns(an.CorpusWarning, match=r"empty\.txt.*empty"):
        articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a"]


def test_an_unlisted_text_file_warns_and_the_rest_loads(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "extra/stray.txt": BODY}, "file,outlet\na.txt,X\n")
    with pytest.warns(an.CorpusWarning, match=r"extra/stray\.txt.*not listed"):
        articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a"]


def test_every_unlisted_text_file_is_named_once_in_path_order_and_links_to_listed_files_are_not(tmp_path):
    files = {"a.txt": BODY, "b-sub/z.TXT": BODY, "b-sub/deeper/y.text": BODY, "b.txt": BODY, ".txt": BODY,
             "notes.md": BODY, "folder.txt/inside.txt": BODY}
    folder = write_corpus(tmp_path / "c", files, "file,outlet\na.txt,X\n")
    (folder / "to-a.txt").symlink_to(folder / "a.txt")  # another name of a listed file
    (folder / "to-b.txt").symlink_to(folder / "b.txt")  # another name of an unlisted one
    (folder / "linked").symlink_to(folder / "b-sub", target_is_directory=True)  # not walked into
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        an.load_articles(folder)
    named = [str(w.message).split(":")[0] for w in caught if "not listed" in str(w.message)]
    assert named == ["b-sub/deeper/y.text", "b-sub/z.TXT", "b.txt", "folder.txt/inside.txt", "to-b.txt"]


def test_an_unparseable_date_becomes_nat_with_a_warning(tmp_path):
    folder = write_corpus(
        tmp_path / "c", {"a.txt": BODY, "b.txt": BODY}, "file,outlet,date\na.txt,X,sometime in 2020\nb.txt,Y,2020-01-04\n"
    )
    with pytest.warns(an.CorpusWarning, match=r"a\.txt.*sometime in 2020"):
        articles = an.load_articles(folder)
    assert pd.isna(articles.loc[0, "date"])
    assert articles.loc[1, "date"] == pd.Timestamp("2020-01-04")


def test_a_table_without_the_mapped_field_lists_the_fields_it_has(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"body": [BODY], "site": ["A"]}).to_csv(path, index=False)
    with pytest.raises(an.CorpusError, match=r"content.*body.*site"):
        an.load_articles(path, text="content", outlet="site")


def test_a_table_without_an_outlet_says_how_to_map_one(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"body": [BODY], "site": ["A"]}).to_csv(path, index=False)
    with pytest.raises(an.CorpusError, match=r"outlet='<field>'"):
        an.load_articles(path, text="body")


def test_a_json_lines_file_with_a_broken_line_names_the_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"body": "ok text.", "site": "A"}\n{"body": broken\n', encoding="utf-8")
    with pytest.raises(an.CorpusError, match="line 2"):
        an.load_articles(path, text="body", outlet="site")


def test_duplicate_doc_ids_in_a_table_are_named(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"id": ["a", "a"], "body": [BODY, BODY], "site": ["A", "B"]}).to_csv(path, index=False)
    with pytest.raises(an.CorpusError, match="duplicate doc_id"):
        an.load_articles(path, text="body", outlet="site", doc_id="id")
