"""Saved web pages and web archives as a corpus (analysis/corpus/pages.py, through load_articles): the body and
metadata trafilatura finds, metadata.csv winning where both give a value, every page that is left out named, and
the line cleaning without its layout guesses."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import warnings
from urllib.parse import urlsplit

import pandas as pd
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import analysis as an
from analysis.corpus.errors import CorpusError, CorpusWarning
from analysis.corpus.clean import clean_article
from analysis.corpus.pages import EXTRACTOR
from conftest import SHARED

PARAGRAPHS = (
    "The United States killed the Iranian general Qassem Soleimani in a drone strike near Baghdad airport on "
    "Friday, the Pentagon said in a statement released late on Thursday night.",
    "Iran called the killing an act of state terrorism and promised a harsh revenge against those responsible, "
    "while officials in Washington described the strike as an act of self-defence.",
    "Critics in Congress asked whether the operation was lawful under international law and demanded that the "
    "administration brief lawmakers on the intelligence behind it before the end of the week.",
)


def page(title: str, site: str, url: str, *, date: str = "2020-01-03", author: str = "Jane Roe",
         heading: str | None = None, body: tuple[str, ...] = PARAGRAPHS) -> bytes:
    """A news page as sites publish it: metadata in the head, navigation and a footer around the article."""
    middle = [f"<p>{text}</p>" for text in body]
    if heading:
        middle.insert(2, f"<h2>{heading}</h2>")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta property="og:url" content="{url}"><link rel="canonical" href="{url}">
<meta name="author" content="{author}"><meta property="article:published_time" content="{date}T10:00:00Z">
</head><body><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>{title}</h1>{''.join(middle)}</article>
<footer><p>Copyright 2020 {site}. All rights reserved.</p></footer></body></html>""".encode()


#: A video page: no text for trafilatura to take as an article body.
NOT_AN_ARTICLE = b'<html><head><title>Video: the strike</title></head><body><video src="strike.mp4"></video></body></html>'



def write_pages(folder, pages: dict[str, bytes]):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in pages.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        data = data.encode() if isinstance(data, str) else data
        (folder / name).write_bytes(gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    return folder


def load_quietly(folder, **options) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return an.load_articles(folder, **options)


def test_a_folder_of_pages_is_a_corpus_with_what_each_page_says_of_itself(tmp_path):
    folder = write_pages(tmp_path / "pages", {
        "world/strike.html": page("US strike kills Soleimani", "Daily Planet", "https://planet.example/world/strike"),
        "reaction.htm.gz": page("Iran vows revenge", "The Courier", "https://courier.example/reaction",
                                date="2020-01-04", author="John Doe"),
    })
    articles = load_quietly(folder).set_index("doc_id")
    assert list(articles.index) == ["reaction", "world/strike"]
    strike = articles.loc["world/strike"]
    assert (strike["outlet"], strike["title"], strike["author"], strike["site_name"], strike["url"], strike["file"]) \
        == ("Daily Planet", "US strike kills Soleimani", "Jane Roe", "Daily Planet",
            "https://planet.example/world/strike", "world/strike.html")
    assert strike["date"] == pd.Timestamp("2020-01-03") and articles.loc["reaction", "date"] == pd.Timestamp("2020-01-04")
    assert strike["extractor"] == EXTRACTOR and EXTRACTOR.startswith("trafilatura ")
    # The body, paragraph by paragraph: no navigation, no footer, no headline.
    assert strike["text"] == "\n\n".join(PARAGRAPHS)
    assert articles.loc["reaction", "outlet"] == "The Courier"


def test_a_gzipped_page_gives_the_article_the_plain_page_gives(tmp_path):
    html = page("US strike kills Soleimani", "Daily Planet", "https://planet.example/strike")
    plain = load_quietly(write_pages(tmp_path / "plain", {"a.html": html}))
    zipped = load_quietly(write_pages(tmp_path / "zipped", {"a.html.gz": html}))
    pd.testing.assert_frame_equal(plain.drop(columns="file"), zipped.drop(columns="file"))


def test_a_heading_the_page_marks_stays_with_its_article(tmp_path):
    """On flat text a short unpunctuated line is guessed to be a crosshead and dropped; on a page the markup
    decides, so the layout guesses are left out (clean_article(layout=False)): only the repeated headline goes."""
    folder = write_pages(tmp_path / "pages", {
        "a.html": page("US strike kills Soleimani", "Daily Planet", "https://planet.example/a",
                       heading="Questions in Congress")})
    articles = load_quietly(folder)
    assert "\n\nQuestions in Congress\n\n" in articles["text"].iloc[0]
    assert an.removed_lines(articles)["rule"].tolist() == ["title"]  # the headline, which the page repeats
    flat = clean_article(articles["raw"].iloc[0], title="US strike kills Soleimani")
    assert [rule for _, text, rule in flat.removed if text == "Questions in Congress"] == ["crosshead"]


def test_pages_without_an_article_or_an_outlet_are_named_and_left_out(tmp_path):
    nameless = page("US strike kills Soleimani", "", "").replace(b'<meta property="og:site_name" content="">', b"")
    folder = write_pages(tmp_path / "pages", {
        "good.html": page("US strike kills Soleimani", "Daily Planet", "https://planet.example/good"),
        "video.html": NOT_AN_ARTICLE,
        "nameless.html": nameless.replace(b'<meta property="og:url" content="">', b"")
                                 .replace(b'<link rel="canonical" href="">', b""),
    })
    with pytest.warns(CorpusWarning) as caught:
        articles = an.load_articles(folder)
    messages = sorted(str(warning.message) for warning in caught)
    assert messages[1].startswith("video.html: no article body found")
    assert messages[0].startswith("nameless.html: the page names no site and has no URL")
    assert len(messages) == 2
    assert articles["doc_id"].tolist() == ["good"]


def test_metadata_wins_where_it_and_the_page_both_give_a_value_and_the_differences_are_listed(tmp_path):
    folder = write_pages(tmp_path / "pages", {
        "a.html": page("US strike kills Soleimani", "Daily Planet", "https://planet.example/a"),
        "b.html": page("Iran vows revenge", "Daily Planet", "https://planet.example/b", date="2020-01-04"),
        "c.txt": "Markets fall\n\nOil prices rose sharply after the news of the attack on Friday morning.\n",
    })
    (folder / "metadata.csv").write_text(
        "file,outlet,title,date\n"
        "a.html,Planet,US strike kills Soleimani,03/01/2020\n"  # the same date, day first
        "b.html,Planet,Tehran promises revenge,\n"                # another title; the date from the page
        "c.txt,Planet,,2020-01-05\n", encoding="utf-8")
    with pytest.warns(CorpusWarning) as caught:
        articles = an.load_articles(folder, dayfirst=True).set_index("doc_id")
    conflicts = [str(w.message) for w in caught if "differ from what the pages give" in str(w.message)]
    assert len(conflicts) == 1 and "1 value(s)" in conflicts[0]
    assert "b.html title: 'Tehran promises revenge' (kept) vs 'Iran vows revenge' (page)" in conflicts[0]
    assert articles.loc["b", "title"] == "Tehran promises revenge"
    assert articles.loc["b", "date"] == pd.Timestamp("2020-01-04")
    assert articles.loc["a", "date"] == pd.Timestamp("2020-01-03")
    assert articles.loc["a", "outlet"] == "Planet" and articles.loc["a", "site_name"] == "Daily Planet"
    # A text file beside the pages is read as text: no extractor, and (the metadata having a title column) no title.
    assert pd.isna(articles.loc["c", "extractor"]) and articles.loc["a", "extractor"] == EXTRACTOR
    assert pd.isna(articles.loc["c", "title"]) and articles.loc["c", "date"] == pd.Timestamp("2020-01-05")


def test_a_page_in_the_folder_that_metadata_does_not_list_is_named(tmp_path):
    folder = write_pages(tmp_path / "pages", {
        "a.html": page("US strike kills Soleimani", "Daily Planet", "https://planet.example/a"),
        "extra.html.gz": page("Iran vows revenge", "Daily Planet", "https://planet.example/b"),
    })
    (folder / "metadata.csv").write_text("file,outlet\na.html,Planet\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"^extra.html.gz: web page in the corpus folder but not listed"):
        articles = an.load_articles(folder)
    assert articles["doc_id"].tolist() == ["a"]


def warc(pages: list[tuple[str, bytes]], *, extra: bool = True) -> bytes:
    """A gzipped WARC of HTML responses, with a request and an image response between them as a crawl has."""
    stream = io.BytesIO()
    writer = WARCWriter(stream, gzip=True)
    for url, html in pages:
        if extra:
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html), http_headers=headers))
    if extra:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://planet.example/logo.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=headers))
    return stream.getvalue()


def test_a_web_archive_gives_one_article_per_html_response_and_says_what_else_it_held(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "crawl.warc.gz").write_bytes(warc([
        ("https://planet.example/a", page("US strike kills Soleimani", "Daily Planet", "https://planet.example/a")),
        ("https://planet.example/video", NOT_AN_ARTICLE),
        ("https://courier.example/b", page("Iran vows revenge", "The Courier", "https://courier.example/b")),
    ]))
    with pytest.warns(CorpusWarning) as caught:
        articles = an.load_articles(folder)
    assert sorted(str(w.message) for w in caught) == [
        "crawl.warc.gz record 2 (https://planet.example/video): no article body found (an index, video or error "
        "page?); not loaded",
        "crawl.warc.gz: 1 record(s) that are not HTML pages (images, scripts, feeds) not loaded",
    ]
    assert articles[["doc_id", "outlet", "url", "file"]].values.tolist() == [
        ["crawl#1", "Daily Planet", "https://planet.example/a", "crawl.warc.gz"],
        ["crawl#3", "The Courier", "https://courier.example/b", "crawl.warc.gz"],
    ]


def test_a_listed_web_archive_lends_its_row_to_every_page_in_it(tmp_path):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "planet.warc").write_bytes(gzip.decompress(warc([
        (f"https://planet.example/{name}", page(title, "Daily Planet", f"https://planet.example/{name}"))
        for name, title in (("a", "US strike kills Soleimani"), ("b", "Iran vows revenge"))], extra=False)))
    (folder / "metadata.csv").write_text("file,outlet,country\nplanet.warc,Planet,US\n", encoding="utf-8")
    articles = load_quietly(folder)
    assert articles[["doc_id", "outlet", "country", "title"]].values.tolist() == [
        ["planet#1", "Planet", "US", "US strike kills Soleimani"], ["planet#2", "Planet", "US", "Iran vows revenge"]]


@pytest.mark.parametrize("name, data, message", [
    ("a.html.gz", b"not gzip at all", r"^a.html.gz: not a readable gzip file"),
    ("a.warc.gz", b"WARC/1.0 but not really", r"^a.warc.gz: not a readable WARC file"),
])
def test_a_damaged_page_or_archive_is_named(tmp_path, name, data, message):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / name).write_bytes(data)
    with pytest.raises(CorpusError, match=message):
        an.load_articles(folder)


def test_a_folder_of_pages_takes_no_column_mapping(tmp_path):
    folder = write_pages(tmp_path / "pages", {"a.html": page("T", "Daily Planet", "https://planet.example/a")})
    with pytest.raises(TypeError, match="a folder of web pages takes no column mapping"):
        an.load_articles(folder, outlet="site")


def test_the_corpus_folder_of_pages_is_never_written_to(tmp_path):
    folder = write_pages(tmp_path / "pages", {"a.html.gz": page("T", "Daily Planet", "https://planet.example/a")})
    before = {path: path.read_bytes() for path in folder.rglob("*")}
    load_quietly(folder)
    assert {path: path.read_bytes() for path in folder.rglob("*")} == before


BENCHMARK = SHARED / "data" / "article_extraction"


def benchmark_folder(tmp_path, keys=None):
    """The shared benchmark pages copied into a corpus folder with a metadata.csv naming each page's outlet
    (its URL's host in the ground truth)."""
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth) if keys is None else keys
    folder = tmp_path / "benchmark"
    folder.mkdir()
    for key in keys:
        shutil.copyfile(BENCHMARK / "html" / f"{key}.html.gz", folder / f"{key}.html.gz")
    pd.DataFrame({"file": [f"{key}.html.gz" for key in keys],
                  "outlet": [urlsplit(truth[key]["url"]).hostname for key in keys]}).to_csv(folder / "metadata.csv",
                                                                                          index=False)
    return folder, truth


@pytest.mark.needs_shared
def test_the_benchmark_pages_load_with_a_body_for_every_page(tmp_path):
    folder, truth = benchmark_folder(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)  # metadata and pages disagree on some titles (listed)
        articles = an.load_articles(folder)
    assert len(articles) == len(truth) == 120
    assert articles["text"].str.len().min() > 0 and (articles["extractor"] == EXTRACTOR).all()


@pytest.mark.slow
@pytest.mark.needs_shared
def test_a_web_archive_of_twenty_benchmark_pages_runs_through_every_notebook(tmp_path):
    """Every notebook that reads the corpus (05 reads only the validation data), figures inline in each report."""
    from analysis.runner import notebooks, run_all

    corpus_notebooks = [path.stem for path in notebooks() if not path.stem.startswith("05-")]
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:20]
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "pages.warc.gz").write_bytes(warc(
        [(truth[key]["url"], gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())) for key in keys],
        extra=False))
    out = tmp_path / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        summary = run_all(corpus=folder, out=out, only=corpus_notebooks, stream=io.StringIO())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len({entry["corpus"]["fingerprint"] for entry in manifest.values()}) == 1  # one corpus made them all
    files = [name for entry in manifest.values() for name in entry["files"]]
    assert any(name.endswith(".png") for name in files) and all((out / name).is_file() for name in files)
    reports = sorted((out / "reports").glob("*.html"))
    assert len(reports) == len(summary.reports) == len(corpus_notebooks) == 6
    for report in reports:  # every notebook's figures are inline in its report
        assert "data:image/png;base64" in report.read_text(encoding="utf-8"), report.name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        assert len(an.load_articles(folder)) == 20
