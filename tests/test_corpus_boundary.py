"""The corpus boundary holds for every format: links out of the corpus folder, FIFOs, devices and oversized files
are refused in one line naming the file, without being read; the corpus fingerprint reads only the files the
corpus uses, once each, and never follows a link out (analysis/corpus/listing.py)."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import stat
import subprocess
import sys
import warnings

import pandas as pd
import pytest

import analysis as an
from analysis import provenance
from analysis.corpus.errors import CorpusWarning
from analysis.corpus.listing import ENV_MAX_FILE_MB, MAX_FILE_MB, max_file_bytes
from analysis.provenance import corpus_fingerprint
from conftest import PROJECT, write_corpus

BODY = "The strike killed him. Officials said so.\n"
RECORD = json.dumps({"text": BODY, "outlet": "X"})
PAGE = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Strike | Daily</title>"
        "<meta property='og:site_name' content='Daily'><meta property='og:url' content='https://daily.example/a'>"
        "</head><body><article><h1>Strike</h1>"
        + "".join(f"<p>{sentence} The strike near the airport killed the general, officials said on Friday.</p>"
                  for sentence in ("First.", "Second.", "Third."))
        + "</article></body></html>")
#: Seconds a load in a child process may take: far above a refusal (an import and a stat), far below a hang.
TIMEOUT = 120
CHILD = """
import json, sys
import analysis as an
from analysis.provenance import corpus_fingerprint
what, source, columns = json.loads(sys.argv[1])
try:
    if what == "fingerprint":
        print("FINGERPRINT " + corpus_fingerprint(source))
    else:
        print("ROWS %d" % len(an.load_articles(source, **columns)))
except an.CorpusError as error:
    print("CorpusError: " + str(error))
"""


def _in_child(what: str, source, **columns) -> str:
    """The last line a child process prints loading (or fingerprinting) `source`: a hang fails the test after
    TIMEOUT seconds instead of hanging the suite, and an endless read ends at the child's memory limit."""
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (8 << 30, 8 << 30))

    try:
        done = subprocess.run([sys.executable, "-c", CHILD, json.dumps([what, str(source), columns])],
                              capture_output=True, text=True, timeout=TIMEOUT, cwd=PROJECT, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what} of {source} did not end within {TIMEOUT} s: it read a FIFO or a device")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def _outside(tmp_path, name="outside.txt", content=BODY):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


# -- links out of the corpus folder ------------------------------------------------------------------------------

def test_a_text_file_linked_out_of_the_folder_is_refused_naming_it(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\nlink.txt,Y\n")
    (folder / "link.txt").symlink_to(_outside(tmp_path))
    with pytest.raises(an.CorpusError, match=r"'link.txt' escapes the corpus folder"):
        an.load_articles(folder)


def test_a_json_record_linked_out_of_the_folder_is_refused_naming_it(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.json").write_text(RECORD, encoding="utf-8")
    (folder / "x.json").symlink_to(_outside(tmp_path, "outside.json", RECORD))
    with pytest.raises(an.CorpusError, match=r"^x\.json: a symbolic link out of the corpus folder .*; not read"):
        an.load_articles(folder)


def test_a_json_record_linked_to_another_file_inside_the_folder_is_read(tmp_path):
    folder = tmp_path / "c"
    (folder / "kept").mkdir(parents=True)
    (folder / "kept" / "b.data").write_text(json.dumps({"text": "Another strike.", "outlet": "Y"}), encoding="utf-8")
    (folder / "a.json").write_text(RECORD, encoding="utf-8")
    (folder / "b.json").symlink_to(folder / "kept" / "b.data")
    articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a", "b"] and list(articles["outlet"]) == ["X", "Y"]


def test_a_metadata_file_linked_out_of_the_folder_is_refused_naming_it(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text(BODY, encoding="utf-8")
    (folder / "metadata.csv").symlink_to(_outside(tmp_path, "outside.csv", "file,outlet\na.txt,X\n"))
    with pytest.raises(an.CorpusError, match=r"metadata\.csv: a symbolic link out of the corpus folder"):
        an.load_articles(folder)


def test_a_listed_page_linked_out_of_the_folder_is_refused_naming_it(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.html": PAGE}, "file,outlet\na.html,X\np.html,Y\n")
    (folder / "p.html").symlink_to(_outside(tmp_path, "outside.html", PAGE))
    with pytest.raises(an.CorpusError, match=r"'p.html' escapes the corpus folder"):
        an.load_articles(folder)


def test_a_page_linked_out_of_a_folder_of_pages_is_left_out_with_a_warning_naming_it(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.html").write_text(PAGE, encoding="utf-8")
    (folder / "p.html").symlink_to(_outside(tmp_path, "outside.html", PAGE.replace("Strike", "Other")))
    with pytest.warns(CorpusWarning, match=r"^p\.html: a symbolic link; .* not loaded"):
        articles = an.load_articles(folder)
    assert list(articles["doc_id"]) == ["a"]


@pytest.mark.parametrize("name", ["t.jsonl", "t.csv"])
def test_a_table_given_as_a_link_is_read_since_the_user_named_it(tmp_path, name):
    content = RECORD + "\n" if name.endswith(".jsonl") else f"text,outlet\n{BODY.strip()},X\n"
    (tmp_path / name).symlink_to(_outside(tmp_path, "real" + name[1:], content))
    assert len(an.load_articles(tmp_path / name)) == 1


# -- FIFOs and devices: refused from a stat, never opened -------------------------------------------------------

def _fifo_corpus(tmp_path, kind: str):
    """A corpus of `kind` with one FIFO named like one of its files; the corpus to load, and that name."""
    folder = tmp_path / "c"
    folder.mkdir()
    if kind == "text":
        (folder / "metadata.csv").write_text("file,outlet\na.txt,X\n", encoding="utf-8")
        os.mkfifo(folder / "a.txt")
        return folder, "a.txt"
    if kind == "records":
        (folder / "a.json").write_text(RECORD, encoding="utf-8")
        os.mkfifo(folder / "x.json")
        return folder, "x.json"
    if kind == "metadata":
        (folder / "a.txt").write_text(BODY, encoding="utf-8")
        os.mkfifo(folder / "metadata.csv")
        return folder, "metadata.csv"
    if kind == "listed page":
        (folder / "metadata.csv").write_text("file,outlet\np.html,X\n", encoding="utf-8")
        os.mkfifo(folder / "p.html")
        return folder, "p.html"
    os.mkfifo(tmp_path / kind)  # a table file
    return tmp_path / kind, kind


@pytest.mark.parametrize("kind", ["text", "records", "metadata", "listed page", "t.jsonl", "t.csv", "t.parquet",
                                  "t.json"])
def test_a_fifo_named_like_a_corpus_file_is_refused_without_hanging(tmp_path, kind):
    source, name = _fifo_corpus(tmp_path, kind)
    said = _in_child("load", source)
    assert said.startswith("CorpusError: ") and name in said and "not a regular file but a FIFO (named pipe)" in said


def test_a_fifo_named_like_a_page_in_a_folder_of_pages_is_left_out_with_a_warning(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.html").write_text(PAGE, encoding="utf-8")
    os.mkfifo(folder / "p.html")
    with pytest.warns(CorpusWarning, match=r"^p\.html: not a regular file but a FIFO \(named pipe\); .*not loaded"):
        articles = an.load_articles(folder)  # a read of the FIFO would hang here: it is never opened
    assert list(articles["doc_id"]) == ["a"]


@pytest.mark.parametrize("kind", ["record", "table", "listed text"])
def test_a_link_to_dev_zero_is_refused_without_reading_it(tmp_path, kind):
    folder = tmp_path / "c"
    folder.mkdir()
    if kind == "record":
        (folder / "x.json").symlink_to("/dev/zero")
        source, expected = folder, "x.json: a symbolic link out of the corpus folder"
    elif kind == "table":
        (tmp_path / "x.csv").symlink_to("/dev/zero")
        source, expected = tmp_path / "x.csv", "x.csv: not a regular file but a character device"
    else:
        (folder / "metadata.csv").write_text("file,outlet\na.txt,X\n", encoding="utf-8")
        (folder / "a.txt").symlink_to("/dev/zero")
        source, expected = folder, "'a.txt' escapes the corpus folder"
    said = _in_child("load", source)
    assert said.startswith("CorpusError: ") and expected in said


def test_a_device_file_inside_the_folder_is_refused_naming_it(tmp_path):
    folder = write_corpus(tmp_path / "c", {}, "file,outlet\na.txt,X\n")
    os.mknod(folder / "a.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers: needs root
    said = _in_child("load", folder)
    assert said == f"CorpusError: {folder / 'metadata.csv'}: listed file 'a.txt': not a regular file but a " \
                   "character device; a corpus holds regular files only"


# -- the size limit per file ---------------------------------------------------------------------------------

def test_the_size_limit_is_documented_and_read_from_the_environment(monkeypatch):
    monkeypatch.delenv(ENV_MAX_FILE_MB, raising=False)
    assert max_file_bytes() == MAX_FILE_MB * 1_000_000 == 200_000_000
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.5")
    assert max_file_bytes() == 500_000


@pytest.mark.parametrize("value", ["none", "-1", "0", "inf"])
def test_a_size_limit_that_is_not_a_positive_number_is_refused_naming_it(monkeypatch, tmp_path, value):
    monkeypatch.setenv(ENV_MAX_FILE_MB, value)
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n")
    with pytest.raises(an.CorpusError, match=rf"^ANALYSIS_MAX_FILE_MB='{value}': give the size limit per corpus "
                                             "file in megabytes, a positive number \\(default 200\\)$"):
        an.load_articles(folder)


def _oversized(tmp_path, kind: str):
    """A corpus of `kind` with one file of 2,000 bytes (the limit is set to 1,000); the corpus and that file's
    name as the message gives it."""
    big = "word " * 400
    folder = tmp_path / "c"
    if kind == "text":
        write_corpus(folder, {"a.txt": BODY, "b.txt": big}, "file,outlet\na.txt,X\nb.txt,Y\n")
        return folder, f"{folder / 'metadata.csv'}: listed file 'b.txt'"
    if kind == "metadata":
        write_corpus(folder, {"a.txt": BODY}, "file,outlet\na.txt,X\n" + "#,Y\n" * 495)
        return folder, str(folder / "metadata.csv")
    if kind == "record":
        folder.mkdir()
        (folder / "a.json").write_text(json.dumps({"text": big, "outlet": "X"})[:2000].ljust(2000), encoding="utf-8")
        return folder, "a.json"
    table = tmp_path / "t.jsonl"
    table.write_text(json.dumps({"text": big, "outlet": "X"})[:2000].ljust(2000), encoding="utf-8")
    return table, str(table)


@pytest.mark.parametrize("kind", ["text", "metadata", "record", "table"])
def test_a_file_over_the_size_limit_is_refused_naming_it_its_size_the_limit_and_the_setting(monkeypatch, tmp_path,
                                                                                           kind):
    source, origin = _oversized(tmp_path, kind)
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.001")
    with pytest.raises(an.CorpusError) as refused:
        an.load_articles(source)
    assert str(refused.value) == (f"{origin}: 2,000 bytes, over the limit of 1,000 bytes per corpus file; raise it "
                                  "with ANALYSIS_MAX_FILE_MB=<megabytes> (now 0.001)")


def test_a_gzipped_page_that_unpacks_past_the_size_limit_is_refused_naming_it(monkeypatch, tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.html.gz": gzip.compress(b" " * 5000 + PAGE.encode(), mtime=0)},
                          "file,outlet\na.html.gz,X\n")
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.002")
    with pytest.raises(an.CorpusError, match=r"^a\.html\.gz: unpacks to more than the limit of 2,000 bytes per "
                                             r"corpus file; raise it with ANALYSIS_MAX_FILE_MB=<megabytes>$"):
        an.load_articles(folder)


def test_a_parquet_table_is_not_held_to_the_size_limit_but_still_to_be_a_regular_file(monkeypatch, tmp_path):
    table = tmp_path / "t.parquet"
    pd.DataFrame({"text": ["word " * 400], "outlet": ["X"]}).to_parquet(table)
    assert table.stat().st_size > 1000
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.001")  # 1,000 bytes: Parquet is read column by column, not whole
    assert list(an.load_articles(table)["outlet"]) == ["X"]
    (tmp_path / "link.parquet").symlink_to("/dev/zero")
    with pytest.raises(an.CorpusError, match=r"link\.parquet: not a regular file but a character device"):
        an.load_articles(tmp_path / "link.parquet")


def test_a_raised_size_limit_loads_the_file(monkeypatch, tmp_path):
    source, _ = _oversized(tmp_path, "text")
    monkeypatch.setenv(ENV_MAX_FILE_MB, "0.01")
    assert list(an.load_articles(source)["doc_id"]) == ["a", "b"]


# -- the corpus fingerprint reads what the corpus uses, nothing else -------------------------------------------

def test_the_fingerprint_does_not_open_an_unlisted_file(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n")
    without = corpus_fingerprint(folder)
    (folder / "big.txt").write_bytes(b"x" * 3_000_000)  # unlisted, of a kind a corpus is made of
    os.mkfifo(folder / "unlisted.txt")  # opening it would hang
    assert _in_child("fingerprint", folder) == f"FINGERPRINT {without}"


def test_the_fingerprint_of_a_folder_of_records_takes_its_top_level_records_and_no_other_file(tmp_path):
    folder = tmp_path / "c"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.json").write_text(RECORD, encoding="utf-8")
    without = corpus_fingerprint(folder)
    (folder / "notes.md").write_text("not part of the corpus", encoding="utf-8")
    os.mkfifo(folder / "pipe.bin")
    (folder / "sub" / "nested.json").write_text(RECORD, encoding="utf-8")  # the loader reads the top level only
    (folder / "b.txt").write_text(BODY, encoding="utf-8")
    (folder / "p.html").write_text(PAGE, encoding="utf-8")
    assert _in_child("fingerprint", folder) == f"FINGERPRINT {without}"
    assert list(an.load_articles(folder)["doc_id"]) == ["a"]
    (folder / "b.json").write_text(RECORD, encoding="utf-8")
    assert corpus_fingerprint(folder) != without


def test_the_fingerprint_of_a_folder_of_pages_takes_its_pages_and_no_other_file(tmp_path):
    folder = tmp_path / "c"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.html").write_text(PAGE, encoding="utf-8")
    without = corpus_fingerprint(folder)
    (folder / "b.txt").write_text(BODY, encoding="utf-8")  # a folder of pages reads no text file
    (folder / "link.html").symlink_to(folder / "a.html")  # nor a link, even one inside the folder
    assert corpus_fingerprint(folder) == without
    with pytest.warns(CorpusWarning, match=r"^link\.html: a symbolic link"):
        assert list(an.load_articles(folder)["doc_id"]) == ["a"]
    (folder / "sub" / "c.html").write_text(PAGE.replace("Strike", "Other"), encoding="utf-8")
    assert corpus_fingerprint(folder) != without


@pytest.mark.parametrize("listed", [True, False], ids=["listed", "records"])
def test_the_fingerprint_does_not_follow_a_link_out_of_the_folder(tmp_path, listed):
    folder = tmp_path / "c"
    folder.mkdir()
    name = "link.txt" if listed else "link.json"
    (folder / ("a.txt" if listed else "a.json")).write_text(BODY if listed else RECORD, encoding="utf-8")
    if listed:
        (folder / "metadata.csv").write_text("file,outlet\na.txt,X\nlink.txt,Y\n", encoding="utf-8")
    outside = _outside(tmp_path, "outside" + name[4:], BODY if listed else RECORD)
    (folder / name).symlink_to(outside)
    before = corpus_fingerprint(folder)
    outside.write_text("changed outside the corpus, and longer", encoding="utf-8")
    assert corpus_fingerprint(folder) == before
    (folder / name).unlink()
    (folder / name).write_text(BODY if listed else RECORD, encoding="utf-8")  # the bytes the link led to, inside
    assert corpus_fingerprint(folder) != before  # the link was hashed as refused, not as what it led to


def test_the_fingerprint_of_a_fifo_or_a_device_is_given_without_opening_it(tmp_path):
    folder = write_corpus(tmp_path / "c", {}, "file,outlet\na.txt,X\nb.txt,Y\n")
    os.mkfifo(folder / "a.txt")
    (folder / "b.txt").symlink_to("/dev/zero")
    assert _in_child("fingerprint", folder).startswith("FINGERPRINT ")
    os.mkfifo(tmp_path / "t.csv")
    assert _in_child("fingerprint", tmp_path / "t.csv").startswith("FINGERPRINT ")


def test_the_fingerprint_opens_each_used_file_once(tmp_path, monkeypatch):
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY, "sub/b.txt": "Other text.", "unlisted.txt": BODY},
                          "file,outlet\na.txt,X\nsub/b.txt,Y\n")
    opened = []

    def counting(path, opener=provenance.open_regular):
        opened.append(os.path.relpath(path, folder))
        return opener(path)

    monkeypatch.setattr(provenance, "open_regular", counting)
    monkeypatch.setattr("analysis.corpus.listing.open_regular", counting)
    provenance._file_digest.cache_clear()
    __import__("analysis.corpus.listing").corpus.listing._listed_names.cache_clear()
    corpus_fingerprint(folder)
    assert sorted(opened) == ["a.txt", "metadata.csv", "sub/b.txt"]


def test_the_seeds_fingerprint_is_the_one_the_committed_figures_record():
    manifest = json.loads((PROJECT / "figures" / "manifest.json").read_text(encoding="utf-8"))
    recorded = {entry["corpus"]["fingerprint"] for entry in manifest.values()}
    assert recorded == {corpus_fingerprint(PROJECT / "seeds")}


def test_a_corpus_with_a_refused_file_is_not_loaded_from_the_cache_either(tmp_path, monkeypatch):
    monkeypatch.setattr("analysis.cache.MIN_SECONDS", 0)  # store even this small corpus's articles
    folder = write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        an.load_articles(folder)
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(_outside(tmp_path))  # the same bytes, now out of the folder
    with pytest.raises(an.CorpusError, match="'a.txt' escapes the corpus folder"):
        an.load_articles(folder)


@pytest.mark.parametrize("argument", ["lexicon", "rules"])
def test_a_lexicon_or_rules_file_that_is_a_fifo_is_refused_without_hanging(tmp_path, argument):
    fifo = tmp_path / "words.csv"
    os.mkfifo(fifo)
    write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n")
    call = {"lexicon": lambda: an.load_lexicon(fifo),
            "rules": lambda: an.load_articles(tmp_path / "c", rules=fifo)}[argument]
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail(f"the {argument} FIFO was opened: it hangs"))
    signal.alarm(TIMEOUT)
    try:
        with pytest.raises(an.CorpusError, match="words.csv: the .* file is not a regular file"):
            call()
    finally:
        signal.alarm(0)


# -- a processed corpus folder: the parts its manifest names --------------------------------------------------

def _processed(tmp_path, part: str):
    """A folder that reads as written by process_corpus, whose manifest names one part of its articles: `part`."""
    from analysis.corpus.load import KIND, MANIFEST  # noqa: PLC0415

    folder = tmp_path / "processed"
    folder.mkdir()
    manifest = {"kind": KIND, "settings": {"group": "outlet", "chunk_articles": 64}, "tables": {"articles": [part]}}
    (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def test_a_part_of_a_processed_folder_that_is_a_fifo_is_refused_without_hanging(tmp_path):
    folder = _processed(tmp_path, "articles/x.parquet")
    (folder / "articles").mkdir()
    os.mkfifo(folder / "articles" / "x.parquet")
    said = _in_child("load", folder)
    assert said == (f"CorpusError: {folder / 'manifest.json'}: part 'articles/x.parquet': not a regular file but a "
                    "FIFO (named pipe); a corpus holds regular files only; run process_corpus again to write the "
                    "folder anew")


@pytest.mark.parametrize("kind", ["link out", "absolute", "up", "dev zero"])
def test_a_part_of_a_processed_folder_outside_it_is_refused_naming_it_and_the_folder(tmp_path, kind):
    from analysis.pipeline import read_processed  # noqa: PLC0415

    outside = tmp_path / "x.parquet"
    outside.write_bytes(b"not read")
    part = {"link out": "articles/x.parquet", "absolute": str(outside), "up": "../x.parquet",
            "dev zero": "zero.parquet"}[kind]
    folder = _processed(tmp_path, part)
    if kind == "link out":
        (folder / "articles").mkdir()
        (folder / "articles" / "x.parquet").symlink_to(outside)
    if kind == "dev zero":
        (folder / "zero.parquet").symlink_to("/dev/zero")
    reason = {"link out": "a symbolic link out of the folder", "up": "goes up ('..') out of the folder",
              "absolute": "an absolute path, not one inside the folder",
              "dev zero": "a symbolic link out of the folder"}[kind]
    expected = (f"{folder / 'manifest.json'}: part {part!r}: {reason} {folder.resolve()}; not read (run process_corpus "
                "again to write the folder anew)")
    assert _in_child("load", folder) == f"CorpusError: {expected}"
    with pytest.raises(an.CorpusError) as refused:
        read_processed(folder, "articles")
    assert str(refused.value) == expected


def test_a_part_of_a_processed_folder_linked_to_a_file_inside_it_is_read_under_its_own_name(tmp_path):
    from analysis.cache import write_result  # noqa: PLC0415

    folder = _processed(tmp_path, "elsewhere/k.parquet")
    articles = an.load_articles(write_corpus(tmp_path / "c", {"a.txt": BODY}, "file,outlet\na.txt,X\n"))
    stored = write_result(folder, "articles", "k", articles)
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "k.parquet").symlink_to(stored)
    assert list(an.load_articles(folder)["doc_id"]) == ["a"]
    (folder / "elsewhere" / "k.parquet").unlink()
    (folder / "elsewhere" / "k.parquet").symlink_to(write_result(folder, "articles", "other", articles))
    with pytest.raises(ValueError, match=r"elsewhere/k\.parquet: this part of a processed corpus is damaged "
                                         r"\(another key's result\)"):
        an.load_articles(folder)  # the seal is checked against the name the manifest gives
