"""Saved web pages as articles: the article body and its metadata, extracted by trafilatura.

A page is an `.html` or `.htm` file (optionally gzipped, `.html.gz`) or one HTML response in a web-archive file
(`.warc`, `.warc.gz`, read with warcio). trafilatura chooses the page's article blocks from its markup and gives
the title, date, author, site name and URL it finds; the package's own line cleaning then runs on that text
(analysis/corpus/clean.py), without the layout guesses it makes on flat text (see clean_article's `layout`).
Lines trafilatura itself leaves out (menus, comments, related links) are not listed by `removed_lines`.
"""

from __future__ import annotations

import gzip
import io
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from analysis.corpus.errors import CorpusError, CorpusWarning
from analysis.files import open_regular

PAGE_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
#: What a page gives besides its text; load_articles keeps each as a column (metadata.csv wins where both give one).
PAGE_FIELDS = ("title", "date", "author", "site_name", "url")
#: The value of the `extractor` column for an article read from a web page (missing for a text file).
EXTRACTOR = f"trafilatura {version('trafilatura')}"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Page:
    """One page's article: `text` (the body, paragraphs on their own lines) and the PAGE_FIELDS (None if absent)."""

    text: str
    title: str | None
    date: str | None
    author: str | None
    site_name: str | None
    url: str | None

    def fields(self) -> dict[str, str | None]:
        """The PAGE_FIELDS as a dict."""
        return {name: getattr(self, name) for name in PAGE_FIELDS}


def page_kind(name: str) -> str | None:
    """'page' for an HTML file name, 'warc' for a web archive, None for anything else."""
    lower = name.lower()
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if lower.endswith(PAGE_SUFFIXES):
        return "page"
    return None


def page_stem(name: str) -> str:
    """The name without its page or archive suffix ('a/b.html.gz' -> 'a/b')."""
    lower = name.lower()
    for suffix in sorted(PAGE_SUFFIXES + WARC_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def extract_page(html: bytes, origin: str, url: str | None = None) -> Page | None:
    """The article of one page, or None when trafilatura finds no article body (a index page, a video page).

    Parameters
    ----------
    html : the page's bytes as saved (trafilatura reads the encoding the page declares).
    origin : the page's name in messages.
    url : the page's address when known from elsewhere (a WARC record's target URI); trafilatura's own
        finding is used otherwise.
    """
    import trafilatura  # noqa: PLC0415 - imported on the first page: loading a text corpus does not need lxml

    try:
        found = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    except (ValueError, TypeError) as error:  # lxml refuses some malformed documents outright
        raise CorpusError(f"{origin}: cannot be read as an HTML page ({error})") from None
    if found is None or not (found.text or "").strip():
        return None
    return Page(found.text, _or_none(found.title), _or_none(found.date), _or_none(found.author),
                _or_none(found.sitename) or _or_none(found.hostname), _or_none(found.url) or url)


def page_bytes(data: bytes, name: str, *, limit: int | None = None) -> bytes:
    """A page file's bytes, gunzipped when its name ends in `.gz`; a damaged archive is a CorpusError.

    Parameters
    ----------
    data : the file's bytes as read.
    name : the file's name, for messages and to tell a gzipped page.
    limit : the most bytes a page may unpack to (the loader's size limit per file); more is a CorpusError,
        found without unpacking more than that (a small archive of zeros can unpack to gigabytes).
    """
    if not name.lower().endswith(".gz"):
        return data
    try:
        if limit is None:
            return gzip.decompress(data)
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            unpacked = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise CorpusError(f"{name}: not a readable gzip file ({error})") from None
    if len(unpacked) > limit:
        raise CorpusError(f"{name}: unpacks to more than the limit of {limit:,} bytes per corpus file; raise it "
                          "with ANALYSIS_MAX_FILE_MB=<megabytes>")
    return unpacked


def warc_pages(path: Path, name: str, *, limit: int | None = None) -> Iterator[tuple[int, str | None, bytes]]:
    """The HTML responses of one web archive, in file order: (number among them from 1, target URI, body).

    Records that are not HTML responses (requests, metadata, images, scripts) are counted and said in one
    CorpusWarning naming the file, never silently passed over.

    Parameters
    ----------
    path : the archive, a regular file (anything else is a CorpusError, found before reading).
    name : its name in messages.
    limit : the most bytes one page's body may hold (the loader's size limit per file); more is a CorpusError.
        The archive itself is read a record at a time, whatever its size.
    """
    from warcio.archiveiterator import ArchiveIterator  # noqa: PLC0415
    from warcio.exceptions import ArchiveLoadFailed  # noqa: PLC0415

    skipped, number = 0, 0
    try:
        stream = open_regular(path)
    except OSError as error:
        raise CorpusError(f"{name}: cannot be read ({error.strerror or error})") from None
    # A read-only stream, not the whole file in memory: a crawl's archive can hold gigabytes.
    with stream:
        try:
            for place, record in enumerate(ArchiveIterator(stream), start=1):
                if record.rec_type is None:  # warcio reads on past a header it cannot parse
                    raise ArchiveLoadFailed(f"record {place} has no WARC-Type")
                if not _is_html(record):
                    skipped += record.rec_type in ("response", "resource")
                    continue
                number += 1
                body = record.content_stream().read(None if limit is None else limit + 1)
                if limit is not None and len(body) > limit:
                    raise CorpusError(f"{name} record {place}: a page of more than the limit of {limit:,} bytes per "
                                      "corpus file; raise it with ANALYSIS_MAX_FILE_MB=<megabytes>")
                yield number, record.rec_headers.get_header("WARC-Target-URI"), body
        except ArchiveLoadFailed as error:
            raise CorpusError(f"{name}: not a readable WARC file ({error})") from None
    if skipped:
        warnings.warn(f"{name}: {skipped} record(s) that are not HTML pages (images, scripts, feeds) not loaded",
                      CorpusWarning, stacklevel=3)


def _is_html(record) -> bool:
    if record.rec_type == "response" and record.http_headers is not None:
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return False
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _or_none(value) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None
