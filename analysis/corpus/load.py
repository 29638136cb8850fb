"""Load a corpus of news articles into one tidy table, one row per article.

Two shapes of corpus are read:

- a folder of text files with a `metadata.csv` whose `file` column gives each
  file's path relative to the folder (required columns `file`, `outlet`; every
  other column is kept; without a `title` column, a file's first line is its
  title when it reads as a headline: more lines follow, it has at most 30
  words and does not end with a full stop);
- a table: a CSV, JSON Lines or Parquet file, or a folder of `.json` records
  (one article each), whose fields are mapped to ours by keyword arguments,
  e.g. `load_articles(path, text="content_original", outlet="source")`.

The corpus is only ever read, and only its own regular files: a link out of the corpus folder, a FIFO, a device
or a file over the size limit ($ANALYSIS_MAX_FILE_MB; not a Parquet file or a web archive) is refused unread
(analysis/corpus/listing.py, whose listing and choice of files the corpus fingerprint shares). Problems that
make the corpus unreadable raise CorpusError naming the file, column or value; problems that lose one article
or one value warn (CorpusWarning) and the rest still loads.

Loading is two steps, so that a Dask cluster can do the second where it runs
(`analysis.pipeline.process_corpus`): `read_records` does what needs the whole
corpus (the metadata, doc_ids, every check across articles; a folder's files
are read, or with `texts=False` only listed), and `clean_records` cleans any
run of those records into their rows of the articles table. Cleaning is
row by row, so the records cleaned in parts and the parts joined are the
table `load_articles` gives.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from analysis.cache import memoised, read_part
from analysis.corpus.clean import BoilerplateRules, clean_article, load_rules
from analysis.corpus.decode import decode_bytes
from analysis.corpus.errors import CorpusError, CorpusWarning
from analysis.corpus.listing import (
    METADATA_FILE,
    TEXT_SUFFIXES,
    check_file,
    csv_table,
    folder_kind,
    is_article_file,
    listing,
    max_file_bytes,
    page_names,
    read_file,
    record_files,
)
from analysis.corpus.pages import EXTRACTOR, extract_page, page_bytes, page_kind, page_stem, warc_pages
from analysis.files import open_regular
from analysis.paths import shown_path
from analysis.provenance import corpus_fingerprint
from analysis.tables import UNIT_COLUMNS, group_columns, require_columns
from analysis.workers import in_workers

TABLE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".parquet", ".json")
#: Our column names that a table's fields can be mapped to.
MAPPABLE = ("doc_id", "text", "outlet", "title", "date", "author")
#: The columns every article table starts with, in this order.
LEADING = ("doc_id", "outlet", "date", "title")
#: Columns the loader writes; the rest come from the corpus's own metadata.
DERIVED = ("standfirst", "dateline", "raw", "text")
#: Date values that pandas reads as the moment of loading: a date column must hold explicit dates.
RELATIVE_DATES = ("now", "today")
#: The records' column holding each article's text file when a folder is listed without reading it (texts=False).
FILE = "_file"


@dataclass(frozen=True)
class Records:
    """A corpus read and checked as a whole but not cleaned (read_records); clean_records makes articles of it.

    `table` has one row per article: `doc_id`, `outlet`, the metadata, `_origin` (the article's name in
    messages) and either `raw` (the decoded text) or, for a folder listed with texts=False, `_file` (the
    resolved path of its text file). Blank articles are left out already where the texts were read.
    """

    table: pd.DataFrame
    path: Path  # the corpus, for messages
    rules: BoilerplateRules

    def part(self, rows) -> Records:
        """The records at these row positions (clean_records' input for one part of the corpus)."""
        return replace(self, table=self.table.iloc[rows].reset_index(drop=True))


def _corpus_files(source: str | Path, **_) -> bytes | None:
    """What load_articles reads besides its arguments, for the cache key: the files of a corpus folder it uses, by
    name and content (their corpus_fingerprint), and the names of every other entry in it, unread (the loader
    warns about a file it does not use, so a new one must be said again); as bytes: a string would be taken for a
    file's name. A table file is keyed by its content already."""
    folder = Path(source)
    if not folder.is_dir():
        return None
    plain, others = listing(folder.resolve())
    names = "\0".join(sorted([*plain, *others])).encode("utf-8", "surrogateescape")
    return bytes.fromhex(corpus_fingerprint(folder)) + b"\0" + names


def load_articles(
    source: str | Path,
    *,
    rules: pd.DataFrame | str | Path | None = None,
    dayfirst: bool | None = None,
    **columns: str,
) -> pd.DataFrame:
    """Read a corpus folder or table into a table of articles; or read back a folder written by process_corpus.

    Parameters
    ----------
    source : a folder (text files plus `metadata.csv`, or `.json` records) or a
        `.csv`, `.jsonl`/`.ndjson`, `.parquet` or `.json` table; or a folder
        written by analysis.pipeline.process_corpus.
    rules : boilerplate rules (DataFrame or CSV with `name, pattern`); default
        the shipped `analysis/data/boilerplate.csv` (ignored for a processed
        folder, whose articles were cleaned already).
    dayfirst : how numeric dates whose day and month could swap (`05/01/2020`) are read: True day first
        (5 January), False month first (1 May). None (default) decides from the date column: its other values
        settle the order (`13/01/2020` day first, `01/13/2020` month first; said in a CorpusWarning), and a
        column that holds such dates but none that settles the order is a CorpusError. ISO, RFC 2822 and
        written-month dates never depend on it. Ignored for a processed folder.
    **columns : for tables, our column name = the source's field name, for
        `doc_id`, `text`, `outlet`, `title`, `date`, `author`.

    Returns
    -------
    DataFrame, one row per article: `doc_id` (unique string), `outlet`,
    `date` (datetime, NaT if unknown), `title` (NA if none), every other
    metadata column, `standfirst` and `dateline` (cut from the body by the
    cleaning, empty if none), `raw` (the text as decoded) and `text` (the
    cleaned body, without title, paragraphs separated by a blank line). A
    metadata column or field named like one of these is kept as
    `metadata_<name>` or `source_<name>`, with a warning. A processed
    folder's articles carry its Store (see Store): the per-article stages
    then read their results from the folder instead of computing them.

    Raises FileNotFoundError for a missing `source` and CorpusError (a
    ValueError) naming the file, line, column or value for anything else that
    cannot be read, among them a file that is a symbolic link out of the
    corpus folder, not a regular file (a FIFO, a device) or over the size
    limit per file, $ANALYSIS_MAX_FILE_MB megabytes (default 200; Parquet
    files and web archives are exempt): each found from a stat, before the
    file is opened (analysis/corpus/listing.py); for a processed folder, a
    part its manifest names that is not a regular file inside the folder;
    warns (CorpusWarning) for each article or value that is
    left out or read in a fallback way (dates that are not explicit dates or
    fall outside 1677-2262 become NaT).
    """
    store = Store.processed(source)
    if store is not None:
        return store.attach(store.read("articles"))
    return _read_corpus(source, rules=rules, dayfirst=dayfirst, **columns)


# Cached: every notebook loads the corpus, and cleaning it is most of what a notebook's second run computes.
@memoised(depends_on=_corpus_files)
def _read_corpus(source: str | Path, *, rules: pd.DataFrame | str | Path | None = None, dayfirst: bool | None = None,
                 **columns: str) -> pd.DataFrame:
    """load_articles of a corpus (not a processed folder)."""
    return clean_records(read_records(source, rules=rules, dayfirst=dayfirst, **columns))


# -- a corpus processed ahead of time (analysis.pipeline.process_corpus) ---------------------------------------

#: The file that makes a folder a processed corpus, and the kind it declares.
MANIFEST = "manifest.json"
KIND = "analysis processed corpus"
#: The key of a table's `attrs` that holds its Store.
STORE = "analysis.store"


def processed_manifest(folder: str | Path) -> dict | None:
    """The manifest of a folder written by process_corpus, or None if it is not one."""
    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir() or not path.is_file():
        return None
    try:  # a manifest.json that is a link out, a FIFO or too large makes no processed folder (the loader says why)
        manifest = json.loads(read_file(path, str(path), root=Path(folder).resolve()).decode("utf-8"))
    except (ValueError, UnicodeError):  # CorpusError is a ValueError
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == KIND else None


def _chunk_articles() -> int:
    return int(os.environ.get("ANALYSIS_CHUNK_ARTICLES", "64"))


@dataclass(frozen=True)
class Store:
    """Where the per-article stages (analysis/pipeline.py) look up results before computing them, and how they
    cut a table into chunks of articles.

    `folder` is a folder written by process_corpus (None: the cache alone) and `chunk_articles` the articles
    per chunk on average ($ANALYSIS_CHUNK_ARTICLES, default 64; larger for millions of articles: fewer files),
    a processed folder's own, or no stored chunk would be found. load_articles attaches a processed folder's
    Store to its articles table (in `attrs`) and each stage attaches its input's to its result; a table
    without one has the default Store. A Store changes where results come from, never what they are.
    """

    folder: Path | None = None
    chunk_articles: int = field(default_factory=_chunk_articles)

    @classmethod
    def processed(cls, folder: str | Path) -> Store | None:
        """The Store of a folder written by process_corpus, or None if it is not one."""
        manifest = processed_manifest(folder)
        if manifest is None:
            return None
        return cls(Path(folder).resolve(), int(manifest["settings"]["chunk_articles"]))

    @classmethod
    def of(cls, table: pd.DataFrame) -> Store:
        """The Store a table carries, else the default one."""
        found = table.attrs.get(STORE)
        if not isinstance(found, dict):
            return cls()
        return cls(Path(found["folder"]) if found.get("folder") else None, int(found["chunk_articles"]))

    def attach(self, table: pd.DataFrame) -> pd.DataFrame:
        """The table (sharing its columns' memory) carrying this Store, as plain values: a table's attrs are
        written with it to Parquet and hashed into a memoised result's key."""
        attached = table.copy(deep=False)
        folder = None if self.folder is None else str(self.folder)
        attached.attrs = {**table.attrs, STORE: {"folder": folder, "chunk_articles": self.chunk_articles}}
        return attached

    def read(self, table: str) -> pd.DataFrame:
        """One table of the processed folder, its parts read in corpus order and joined."""
        names = processed_manifest(self.folder)["tables"][table]
        parts = [read_part(*checked_part(self.folder, part)) for part in names]
        return pd.concat(parts, ignore_index=True)


def checked_part(folder: str | Path, part) -> tuple[Path, bytes]:
    """The file and bytes of one part of a processed folder, as its manifest names it, read only if it is a
    regular file inside the folder: a name that is absolute, goes up ('..') or leads out of the folder (through a
    symbolic link), and a FIFO, a device or a folder so named, is a CorpusError naming the part and the
    manifest, nothing of it read. Read whole, without the size limit (a Parquet file, see
    analysis/corpus/listing.py), for analysis.cache.read_part, which checks its seal against the part's name.

    Parameters
    ----------
    folder : the folder written by process_corpus.
    part : the part's path relative to the folder, as manifest.json gives it.
    """
    root = Path(folder).resolve()
    origin = f"{Path(folder) / MANIFEST}: part {part!r}"
    again = "run process_corpus again to write the folder anew"
    if not isinstance(part, str) or not part.strip() or "\x00" in part:
        raise CorpusError(f"{origin}: not the name of a file in the folder; not read ({again})")
    if PurePosixPath(part).is_absolute() or PureWindowsPath(part).is_absolute() or PureWindowsPath(part).drive \
            or part.startswith("\\"):
        raise CorpusError(f"{origin}: an absolute path, not one inside the folder {root}; not read ({again})")
    if ".." in PureWindowsPath(part).parts:  # '/' and '\\' both separate, wherever it runs
        raise CorpusError(f"{origin}: goes up ('..') out of the folder {root}; not read ({again})")
    try:
        target = (root / part).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop
        raise CorpusError(f"{origin}: cannot be read ({getattr(error, 'strerror', None) or error}); {again}") from None
    if not target.is_relative_to(root):
        raise CorpusError(f"{origin}: a symbolic link out of the folder {root}; not read ({again})")
    try:
        data = read_file(target, origin, limited=False)
    except CorpusError as error:  # a FIFO, a device, missing: said by name, never opened
        raise CorpusError(f"{error}; {again}") from None
    return root / part, data  # named as the manifest names it: its name is its key, which its seal holds


def read_records(
    source: str | Path,
    *,
    rules: pd.DataFrame | str | Path | None = None,
    texts: bool = True,
    dayfirst: bool | None = None,
    **columns: str,
) -> Records:
    """The first step of load_articles: everything that needs the whole corpus, but no cleaning.

    Parameters
    ----------
    source, rules, dayfirst, columns : as for load_articles; the order of numeric dates is decided here, over
        the whole date column (every row, blank articles too), and kept with the records for clean_records.
    texts : False lists a folder's text files (each checked to exist and be a file) without reading them;
        clean_records then reads, decodes and checks them for blankness wherever it runs. A table's texts are
        always read (they are in the table).

    Returns
    -------
    Records: the source, the compiled rules and the records table (see Records). Raises and warns as
    load_articles does for everything but the texts' decoding, blankness and cleaning when texts=False.
    """
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"corpus not found: {path}")
    unknown = sorted(set(columns) - set(MAPPABLE))
    if unknown:
        raise TypeError(f"load_articles: cannot map {unknown}; mappable columns are {list(MAPPABLE)}")
    compiled = load_rules(rules)
    kind = folder_kind(path)  # the choice the corpus fingerprint makes too (analysis/corpus/listing.py)
    if kind == "metadata":
        if columns:
            raise TypeError(f"{path}: a folder with {METADATA_FILE} takes no column mapping; name columns in the CSV")
        table = _read_text_folder(path, texts)
    elif kind == "pages":
        if columns:
            raise TypeError(f"{path}: a folder of web pages takes no column mapping; "
                            f"give it a {METADATA_FILE} with `file`, `outlet` and any other columns")
        table = _read_page_folder(path)
    else:
        if kind == "records":
            records = _read_json_folder(path)
        elif path.suffix.lower() in TABLE_SUFFIXES:
            records = _read_table(path)
        else:
            raise CorpusError(f"{path}: not a corpus folder or a table ({', '.join(TABLE_SUFFIXES)})")
        # Always mapped, even without a mapping, so that a field named `raw` never stands in for the text.
        table = _map_fields(records, columns, path)
    table = _checked(table, path)
    where = path / METADATA_FILE if kind == "metadata" else path
    table = table.assign(**{DAYFIRST: _date_order(table.get("date"), table["_origin"], dayfirst,
                                                   f"{shown_path(where)}: column {columns.get('date', 'date')!r}")})
    if "raw" in table.columns:
        table = _without_blank(table)
    # Whether a metadata column is stored as strings is decided over every article, not per part. Where the
    # texts were not read, blank articles are still in: a folder's metadata comes from its CSV, all strings,
    # so the decision is the same with or without them.
    return Records(_tidy_metadata(table, _metadata_columns(table)), path, compiled)


# -- folders of text files -----------------------------------------------------------------

def _read_text_folder(folder: Path, texts: bool = True) -> pd.DataFrame:
    metadata_path = folder / METADATA_FILE
    metadata = _read_csv(metadata_path, root=folder.resolve())
    metadata.columns = [column.strip() for column in metadata.columns]
    repeated = _repeated(metadata.columns)
    if repeated:
        # 'file,file ,outlet': two columns of one name once spaces are stripped; which one is meant is unknowable.
        raise CorpusError(f"{metadata_path}: column name(s) {repeated} appear more than once "
                          "(spaces around names are ignored)")
    missing = [column for column in ("file", "outlet") if column not in metadata.columns]
    if missing:
        raise CorpusError(f"{metadata_path}: missing required column(s) {missing}; found {list(metadata.columns)}")
    names = [name.strip() for name in metadata["file"]]
    empty = [line for line, name in enumerate(names, start=2) if not name]
    if empty:
        raise CorpusError(f"{metadata_path}: empty 'file' value on line(s) {empty}")
    # 'a.txt', './a.txt' and 'sub//a.txt' name one file: compare them as the one path they are.
    names = [_normalise_name(name, metadata_path) for name in names]
    duplicated = _repeated(names)
    if duplicated:
        raise CorpusError(f"{metadata_path}: duplicate rows in column 'file': {duplicated}")
    metadata = _keep_apart(metadata.assign(file=names), ("doc_id", *DERIVED), "metadata_", metadata_path)

    root = folder.resolve()
    plain, links = listing(root)
    # A file reached without a symbolic link resolves to itself: only the others are resolved (a system call per
    # part of their path), which on a folder of many files was most of the time reading took.
    targets = [root / name if name in plain else _listed_target(root, name, metadata_path) for name in names]
    twice = set(_repeated(targets))  # symlinks, or 'sub/../a.txt' beside 'a.txt'
    same = sorted(name for name, target in zip(names, targets) if target in twice)
    if same:
        raise CorpusError(f"{metadata_path}: rows {same} in column 'file' name the same file")
    kinds = [page_kind(name) for name in names]
    if any(kinds):  # pages are read (and extracted) here even with texts=False: their metadata is needed now
        listed = {name if name in plain else target.relative_to(root).as_posix() for name, target in zip(names, targets)}
        _warn_unlisted(root, plain, links, listed, set(targets))
        return _read_listed_pages(metadata, names, targets, kinds, plain, metadata_path)
    if texts:
        raws = [_read_listed_file(target, name, metadata_path, checked=name in plain)
                for target, name in zip(targets, names)]
    else:
        for target, name in zip(targets, names):
            if name not in plain:  # a plain file was seen, as a regular file, by the listing
                _check_listed_file(target, name, metadata_path)
    listed = {name if name in plain else target.relative_to(root).as_posix() for name, target in zip(names, targets)}
    _warn_unlisted(root, plain, links, listed, set(targets))
    doc_ids = [_doc_id_for(name) for name in names]
    if len(set(doc_ids)) < len(doc_ids):
        doc_ids = names
    if not texts:
        # clean_records reads each file where it runs (and takes a missing title from its first line there).
        return metadata.assign(doc_id=doc_ids, _origin=names, **{FILE: [str(target) for target in targets]})
    if "title" not in metadata.columns:
        # A folder of pages without a title column (BBC News, many scrapes): the first line is the headline.
        metadata = metadata.assign(title=[_headline(raw) for raw in raws])
    return metadata.assign(doc_id=doc_ids, raw=raws, _origin=names)


def _repeated(values) -> list:
    """The values that occur more than once, sorted."""
    return sorted(value for value, n in Counter(values).items() if n > 1)


def _normalise_name(name: str, metadata_path: Path) -> str:
    """The listed path without '.' parts and doubled slashes; a NUL is refused (no file can be named with one)."""
    if "\x00" in name:
        raise CorpusError(f"{metadata_path}: file {name!r} contains a NUL character; no file can be named so")
    return PurePosixPath(name).as_posix()


def _keep_apart(table: pd.DataFrame, ours: tuple[str, ...], prefix: str, path: Path) -> pd.DataFrame:
    """Columns of the user's named like ones the loader writes are kept under `prefix` + name, with a warning,
    rather than silently overwritten (or silently overwriting ours)."""
    clashes = {column: f"{prefix}{column}" for column in table.columns if column in ours}
    if not clashes:
        return table
    warnings.warn(f"{shown_path(path)}: column(s) {sorted(clashes)} have names the loader writes; "
                  f"kept as {sorted(clashes.values())}", CorpusWarning, stacklevel=6)
    return table.rename(columns=clashes)


#: A first line longer than this is a paragraph, not a headline.
MAX_HEADLINE_WORDS = 30


def _headline(raw: str) -> str | None:
    """The first line when it reads as a headline: more lines follow, it is short, and it does not end
    with a full stop (headlines do not; the first paragraph does)."""
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(lines) < 2 or len(lines[0].split()) > MAX_HEADLINE_WORDS or lines[0].rstrip("\"'”’)").endswith("."):
        return None
    return lines[0]


def _listed_target(root: Path, name: str, metadata_path: Path) -> Path:
    """The resolved path of one listed file, refusing absolute paths and paths out of the folder."""
    relative = Path(name)
    if relative.is_absolute() or name.startswith(("/", "\\")):
        raise CorpusError(f"{metadata_path}: file {name!r} is an absolute path; give paths relative to the corpus folder")
    try:
        target = (root / relative).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop, a name too long for the file system
        raise CorpusError(f"{metadata_path}: listed file {name!r} cannot be opened ({error})") from None
    if not target.is_relative_to(root):
        raise CorpusError(f"{metadata_path}: file {name!r} escapes the corpus folder {root}")
    return target


def _read_listed_file(target: Path, name: str, metadata_path: Path, checked: bool = False) -> str:
    """A listed text file, read and decoded; `checked`: the listing saw it as a regular file (no stat first)."""
    if not checked:
        _check_listed_file(target, name, metadata_path)
    return decode_bytes(read_file(target, f"{metadata_path}: listed file {name!r}", checked=True), name)


def _check_listed_file(target: Path, name: str, metadata_path: Path, limited: bool = True) -> None:
    """Refuse a listed file that does not exist, is not a regular file (a FIFO, a device) or is over the size
    limit (a stat, not a read); `target` is resolved inside the folder already (_listed_target)."""
    try:
        if not target.exists():
            raise CorpusError(f"{metadata_path}: listed file {name!r} does not exist in {target.parent}")
    except OSError as error:  # a name too long, ...
        raise _unreadable(name, metadata_path, error) from None
    check_file(target, f"{metadata_path}: listed file {name!r}", limited=limited)


def _unreadable(name: str, metadata_path: Path, error: OSError) -> CorpusError:
    return CorpusError(f"{metadata_path}: listed file {name!r} cannot be read ({error.strerror or error})")


def _read_listed(table: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Listed records (texts=False) with their files read: `raw`, and `title` from the first line where the
    metadata has no title column, as _read_text_folder gives them."""
    metadata_path = folder / METADATA_FILE
    raws = [_read_listed_file(Path(target), name, metadata_path) for target, name in zip(table[FILE], table["_origin"])]
    if "title" not in table.columns:
        table = table.assign(title=[_headline(raw) for raw in raws])
    return table.assign(raw=raws).drop(columns=[FILE])


def _warn_unlisted(root: Path, plain: set[str], links: list[str], listed: set[str], listed_paths: set[Path]) -> None:
    """Warn, in path order, of each text file in the folder that metadata.csv does not list (under any name).

    plain, links : listing(root); listed : the listed files' paths relative to root; listed_paths : resolved.
    """
    unlisted = [name for name in plain if is_article_file(name) and name not in listed]
    for name in links:  # a link is unlisted unless it leads to a file, and that file is not listed
        path = root / name
        if is_article_file(name) and path not in listed_paths and path.is_file() \
                and path.resolve() not in listed_paths:
            unlisted.append(name)
    fold = str.lower if os.name == "nt" else str  # as Path sorts them: ignoring case on Windows
    for name in sorted(unlisted, key=lambda name: fold(name).split("/")):
        kind = "web page" if page_kind(name) == "page" else "web archive" if page_kind(name) else "text file"
        warnings.warn(f"{name}: {kind} in the corpus folder but not listed in {METADATA_FILE}; not loaded",
                      CorpusWarning, stacklevel=5)


def _doc_id_for(name: str) -> str:
    if page_kind(name):
        return page_stem(name)
    path = Path(name)
    return (path.with_suffix("") if path.suffix.lower() in TEXT_SUFFIXES else path).as_posix()


# -- web pages (analysis/corpus/pages.py) ---------------------------------------------------------------------

def _read_page_folder(folder: Path) -> pd.DataFrame:
    """A folder of saved web pages and web archives without metadata.csv: every page with an article body is an
    article, its outlet the site name the page gives (else its URL's host). A page without a body or without
    either is left out with a CorpusWarning naming it; symbolic links are not followed (also said)."""
    root = folder.resolve()
    _, others = listing(root)
    for name in sorted((other for other in others if page_kind(other)), key=lambda name: name.split("/")):
        if (root / name).is_symlink():
            warnings.warn(f"{name}: a symbolic link; a folder without {METADATA_FILE} is read from its own files "
                          "only; not loaded", CorpusWarning, stacklevel=5)
            continue
        try:  # a FIFO, a device: said as any bad file is, from a stat
            check_file(root / name, name)
        except CorpusError as error:
            warnings.warn(f"{error}; not loaded", CorpusWarning, stacklevel=5)
    rows = []
    for name in page_names(root):
        for page, doc_id, origin in _pages_of(root / name, name):
            if page.site_name is None:
                warnings.warn(f"{origin}: the page names no site and has no URL, so its outlet is unknown; list it "
                              f"in a {METADATA_FILE} with its outlet; not loaded", CorpusWarning, stacklevel=5)
                continue
            rows.append({"doc_id": doc_id, "outlet": page.site_name, **page.fields(), "file": name,
                         "extractor": EXTRACTOR, "raw": page.text, "_origin": origin})
    if not rows:
        raise CorpusError(f"{folder}: no web page with an article body found; see the warnings above")
    return pd.DataFrame(rows, dtype="object")


def _pages_of(path: Path, name: str):
    """(Page, doc_id, name in messages) for each article page of one page file or web archive, a regular file
    (checked by the caller, and again on opening it); pages without an article body are left out, each with a
    CorpusWarning."""
    limit = max_file_bytes()
    if page_kind(name) == "page":
        data = page_bytes(read_file(path, name, checked=True), name, limit=limit)
        found = [(extract_page(data, name), page_stem(name), name)]
    else:
        found = [(extract_page(body, f"{name} record {number} ({url})", url), f"{page_stem(name)}#{number}",
                  f"{name} record {number} ({url})") for number, url, body in warc_pages(path, name, limit=limit)]
    for page, doc_id, origin in found:
        if page is None:
            warnings.warn(f"{origin}: no article body found (an index, video or error page?); not loaded",
                          CorpusWarning, stacklevel=6)
        else:
            yield page, doc_id, origin


def _read_listed_pages(metadata: pd.DataFrame, names: list[str], targets: list[Path], kinds: list[str | None],
                       plain: set[str], metadata_path: Path) -> pd.DataFrame:
    """A metadata.csv folder that lists web pages (and perhaps text files): one row per article. A listed web
    archive gives every HTML page in it, each with the archive's row of metadata. The metadata wins where it and
    the page both give a title, date, author, site name or URL; where they differ, one CorpusWarning lists the
    differences. `extractor` names trafilatura for page rows and is missing for text files."""
    rows, conflicts = [], []
    for position, (name, target, kind) in enumerate(zip(names, targets, kinds)):
        row = metadata.iloc[position].to_dict()
        if kind is None:
            raw = _read_listed_file(target, name, metadata_path, checked=name in plain)
            title = row.get("title") if "title" in metadata.columns else _headline(raw)
            rows.append({**row, "title": title, "doc_id": _doc_id_for(name), "raw": raw, "_origin": name})
            continue
        if name not in plain:  # a web archive is read a record at a time: the size limit is its records'
            _check_listed_file(target, name, metadata_path, limited=kind != "warc")
        for page, doc_id, origin in _pages_of(target, name):
            merged = dict(row)
            for field, value in page.fields().items():
                given = row.get(field)
                if given is None or (isinstance(given, str) and not given.strip()):
                    merged[field] = value
                elif value is not None and not _same_value(field, given, value):
                    conflicts.append(f"{origin} {field}: {given!r} (kept) vs {value!r} (page)")
            rows.append({**merged, "doc_id": doc_id, "extractor": EXTRACTOR, "raw": page.text, "_origin": origin})
    if conflicts:
        warnings.warn(f"{shown_path(metadata_path)}: {len(conflicts)} value(s) differ from what the pages give; "
                      "the metadata's are kept: " + "; ".join(conflicts[:20]) + (" ..." if len(conflicts) > 20 else ""),
                      CorpusWarning, stacklevel=5)
    if not rows:
        raise CorpusError(f"{metadata_path}: no listed page has an article body; see the warnings above")
    return pd.DataFrame(rows, dtype="object")


def _same_value(field: str, given: str, found: str) -> bool:
    """Whether a metadata value and a page's say the same: dates as days, the rest ignoring case and spacing."""
    if field == "date":
        try:  # either order of a numeric date: the order is decided over the whole column later
            day = pd.Timestamp(found).date()
            return day in {pd.to_datetime(given, dayfirst=first).date() for first in (False, True)}
        except (ValueError, TypeError, OverflowError):
            return False
    return " ".join(str(given).split()).casefold() == " ".join(str(found).split()).casefold()


# -- tables and JSON records ---------------------------------------------------------------

def _read_json_folder(folder: Path) -> pd.DataFrame:
    """A folder of `.json` records, one article each; a record that is a link out of the folder, not a regular
    file or over the size limit is a CorpusError naming it, as a record that is not JSON is."""
    files = record_files(folder)  # the ones the corpus fingerprint takes (analysis/corpus/listing.py)
    root = folder.resolve()
    if not files:
        texts = [p.name for p in folder.iterdir() if p.suffix.lower() in TEXT_SUFFIXES][:3]
        hint = f" (found text files such as {texts})" if texts else ""
        raise CorpusError(f"{folder}: no {METADATA_FILE} and no .json records{hint}; a folder corpus needs a {METADATA_FILE}")
    records = []
    for path in files:
        record = _parse_json(decode_bytes(read_file(path, path.name, root=root), path.name), path.name)
        if not isinstance(record, dict):
            raise CorpusError(f"{path.name}: expected one JSON object (an article), found {type(record).__name__}")
        records.append(record)
    table = pd.DataFrame.from_records(records)
    return table.assign(
        _default_id=[path.stem for path in files],
        _origin=[path.name for path in files],
    )


def _read_table(path: Path) -> pd.DataFrame:
    """A table file named as the corpus (a link to one is followed: the user named it), checked to be a regular
    file before it is read, and within the size limit unless it is Parquet (read column by column)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow  # noqa: PLC0415 - only to name its errors; pandas reads Parquet through it

        check_file(path, str(path), limited=False)
        try:
            with open_regular(path) as file:  # a file pyarrow reads from, not a copy of it in memory
                table = pd.read_parquet(file)
        except (pyarrow.ArrowException, OSError, ValueError) as error:
            raise CorpusError(f"{path}: cannot be read as Parquet ({error})") from None
    elif suffix == ".csv":
        table = _read_csv(path)
    else:
        text = decode_bytes(read_file(path, str(path)), path.name)
        if suffix == ".json" and text.lstrip().startswith("["):
            rows = _parse_json(text, path.name)
        else:
            rows = [
                _parse_json(line, f"{path.name} line {number}")
                for number, line in enumerate(text.splitlines(), start=1)
                if line.strip()
            ]
        bad = [i + 1 for i, row in enumerate(rows) if not isinstance(row, dict)]
        if bad:
            raise CorpusError(f"{path.name}: record(s) {bad[:5]} are not JSON objects")
        table = pd.DataFrame.from_records(rows)
    width = len(str(max(len(table), 1)))
    return table.assign(
        _default_id=[f"{path.stem}-{i:0{width}d}" for i in range(1, len(table) + 1)],
        _origin=[f"{path.name} row {i}" for i in range(1, len(table) + 1)],
    )


def _read_csv(path: Path, root: Path | None = None) -> pd.DataFrame:
    """A CSV file (a table, or a folder's metadata.csv, which must stay inside `root`) as a table of strings
    (analysis.corpus.listing.csv_table)."""
    return csv_table(read_file(path, str(path), root=root), path)


def _parse_json(text: str, name: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CorpusError(f"{name}: not valid JSON ({error})") from None


def _map_fields(table: pd.DataFrame, columns: dict[str, str], path: Path) -> pd.DataFrame:
    fields = [column for column in table.columns if not column.startswith("_")]
    missing = {ours: theirs for ours, theirs in columns.items() if theirs not in table.columns}
    if missing:
        raise CorpusError(f"{path}: field(s) {missing} not found; available fields: {fields}")
    # A field that already carries one of our names but is not the mapped one is kept under a new name:
    # `title` when title="headline" is mapped, and always `raw`, `standfirst`, `dateline`, which the loader writes.
    written = [column for column in DERIVED if column != "text"]
    clashes = {field: f"source_{field}" for field in fields
               if field in written or (field in MAPPABLE and columns.get(field, field) != field)}
    unasked = sorted(field for field in clashes if field in written and field not in columns.values())
    if unasked:
        warnings.warn(f"{shown_path(path)}: field(s) {unasked} have names the loader writes; kept as "
                      f"{[clashes[field] for field in unasked]}", CorpusWarning, stacklevel=5)
    renamed = table.rename(columns=clashes)
    mapped = renamed.assign(**{ours: renamed[clashes.get(theirs, theirs)] for ours, theirs in columns.items()})
    # Mapped fields stay under their own names too (a notebook may group by `source`),
    # except the text, which lives on as `raw`.
    text_field = clashes.get(columns.get("text"), columns.get("text"))
    return mapped.drop(columns=[text_field] if text_field not in (None, "text") else [])


# -- shared finishing ----------------------------------------------------------------------

#: From this many articles, cleaning runs on both cores (below, starting the workers costs more than it saves).
PARALLEL_MIN_ARTICLES = 400


def _clean_all(raws: list[str], titles: list, authors: list, layouts: list[bool], rules: BoilerplateRules,
               workers: int | None = None) -> list:
    """clean_article for every article, in order; in two processes for a large corpus (the same results)."""
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    items = list(zip(raws, titles, authors, layouts))
    if len(items) < PARALLEL_MIN_ARTICLES or workers < 2:
        return _clean_some(rules, items)
    size = -(-len(items) // (4 * workers))
    ranges = [range(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    pieces = in_workers(lambda shared, rows: _clean_some(shared[0], shared[1][rows.start:rows.stop]), ranges,
                        shared=(rules, items), workers=workers)
    return [article for piece in pieces for article in piece]


def _clean_some(rules: BoilerplateRules, items: list[tuple]) -> list:
    return [clean_article(raw, title=title, author=author, rules=rules, layout=layout)
            for raw, title, author, layout in items]


def _layouts(table: pd.DataFrame) -> list[bool]:
    """Whether each article's cleaning may guess from its text's layout: not for a web page, whose extractor
    chose its blocks from the markup (clean_article's `layout`)."""
    if "extractor" not in table.columns:
        return [True] * len(table)
    return [not _as_text(value).startswith("trafilatura") for value in table["extractor"]]


def _checked(table: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The records with their text as `raw` (or a listed file), a stripped `doc_id` and `outlet`; refuses a
    missing field and an empty or repeated doc_id and an empty outlet, naming them."""
    # A table's text is in `text` (its `raw` field, if any, was set apart by _map_fields); a folder's in `raw`.
    has_text = "raw" in table.columns or FILE in table.columns
    for required in ("text", "outlet") if not has_text else ("outlet",):
        if required not in table.columns:
            fields = [column for column in table.columns if not column.startswith("_")]
            raise CorpusError(
                f"{path}: no {required!r} field; map one with load_articles(..., {required}='<field>') "
                f"(available fields: {fields})"
            )
    if not has_text:
        table = table.assign(raw=[_as_text(value) for value in table["text"]]).drop(columns=["text"])
    if "doc_id" in table.columns:
        table = table.assign(doc_id=[_as_text(value).strip() for value in table["doc_id"]])
    else:
        table = table.assign(doc_id=table["_default_id"])
    empty_id = [origin for origin, doc_id in zip(table["_origin"], table["doc_id"]) if not doc_id]
    if empty_id:
        raise CorpusError(f"{path}: empty 'doc_id' for {empty_id[:10]}")
    duplicated = sorted(set(table.loc[table["doc_id"].duplicated(), "doc_id"]))
    if duplicated:
        raise CorpusError(f"{path}: duplicate doc_id value(s) {duplicated[:10]}")

    outlets = [_as_text(value).strip() for value in table["outlet"]]
    empty_outlet = [origin for origin, outlet in zip(table["_origin"], outlets) if not outlet]
    if empty_outlet:
        raise CorpusError(f"{path}: empty 'outlet' for {empty_outlet[:10]}")
    return table.assign(outlet=outlets)


def _without_blank(table: pd.DataFrame) -> pd.DataFrame:
    """The records without those whose text is empty or whitespace only, each left out with a warning."""
    blank = [not raw.strip() for raw in table["raw"]]
    for origin, is_blank in zip(table["_origin"], blank):
        if is_blank:
            warnings.warn(f"{origin}: empty or whitespace-only article; excluded", CorpusWarning, stacklevel=4)
    return table.loc[[not b for b in blank]].reset_index(drop=True)


def blank_records(records: Records) -> list[bool]:
    """Whether each record's text is empty or whitespace only (clean_records leaves those out); a listed file
    is read to tell. Warns as reading it in clean_records would."""
    table = _read_listed(records.table, records.path) if FILE in records.table.columns else records.table
    return [not raw.strip() for raw in table["raw"]]


def clean_records(records: Records, *, workers: int | None = None) -> pd.DataFrame:
    """The second step of load_articles: records cleaned into articles.

    Parameters
    ----------
    records : from read_records, or any part of them (Records.part); the parts' results joined in order are
        the whole records' result.
    workers : processes for cleaning (default: two for 400 articles or more); 1 where something else runs the
        parts in parallel.

    Returns
    -------
    The articles table of these records, as load_articles documents it: `doc_id`, `outlet`, `date`, `title`,
    the metadata columns, `standfirst`, `dateline`, `raw`, `text`. Listed files (texts=False) are read,
    decoded and their blank articles left out here, with load_articles' errors and warnings.
    """
    table = records.table
    if FILE in table.columns:
        table = _without_blank(_read_listed(table, records.path))
    titles = [_as_optional_text(value) for value in table.get("title", pd.Series([None] * len(table)))]
    authors = [_as_optional_text(value) for value in table.get("author", pd.Series([None] * len(table)))]
    cleaned = _clean_all(list(table["raw"]), titles, authors, _layouts(table), records.rules, workers)
    for origin, article in zip(table["_origin"], cleaned):
        if not article.text:
            warnings.warn(f"{origin}: nothing is left after cleaning; see removed_lines()", CorpusWarning, stacklevel=3)

    order = table[DAYFIRST].iloc[0] if DAYFIRST in table.columns and len(table) else None
    dates = _parse_dates(table.get("date"), table["_origin"], None if order is None else bool(order))
    table = table.assign(
        title=pd.Series(titles, dtype="str"),
        date=dates,
        standfirst=pd.Series([a.standfirst for a in cleaned], dtype="str"),
        dateline=pd.Series([a.dateline for a in cleaned], dtype="str"),
        text=pd.Series([a.text for a in cleaned], dtype="str"),
        raw=pd.Series(list(table["raw"]), dtype="str"),
    )
    metadata = _metadata_columns(table)
    table = table[list(LEADING) + metadata + list(DERIVED)]
    clashes = {c: f"metadata_{c}" for c in metadata if c in UNIT_COLUMNS}
    if clashes:
        # `section`, `sent_id`, `voice` ... are written onto sentence rows; a metadata column of that name would be
        # overwritten there without a word, so it is kept under another name.
        warnings.warn(f"{shown_path(records.path)}: metadata column(s) {sorted(clashes)} clash with columns the package writes; "
                      f"kept as {sorted(clashes.values())}", CorpusWarning, stacklevel=3)
        table = table.rename(columns=clashes)
    return table


def _metadata_columns(table: pd.DataFrame) -> list[str]:
    """The corpus's own columns, in their order: all but ours and the loader's working columns (`_...`)."""
    return [c for c in table.columns if c not in LEADING + DERIVED and not c.startswith("_")]


def _tidy_metadata(table: pd.DataFrame, metadata: list[str]) -> pd.DataFrame:
    """Empty strings in metadata mean unknown: store them as missing."""
    updates = {}
    for column in metadata:
        if table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            values = [None if (v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip())) else v
                      for v in table[column]]
            if all(v is None or isinstance(v, str) for v in values):
                updates[column] = pd.Series(values, dtype="str", index=table.index)
    return table.assign(**updates)


def _as_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _as_optional_text(value) -> str | None:
    text = _as_text(value).strip()
    return text or None


#: The records' column holding the order numeric dates are read in: read_records decides it over the whole date
#: column, so that every part clean_records cleans reads them alike.
DAYFIRST = "_dayfirst"
#: A date of numbers whose first two could be the day and the month either way: 05/01/2020, 5.1.20,
#: 05-01-2020 10:00. Year-first dates (2020-01-05, 2020/01/05) never are.
NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/.-])(.*)", re.S | re.ASCII)
#: What the options are called where a user can give them, for messages.
DAYFIRST_OPTIONS = ("load_articles(..., dayfirst=True or False), `python -m analysis run --dayfirst` or "
                    "`--monthfirst`, or ANALYSIS_DAYFIRST=yes or no")


def _numeric_date(text: str) -> tuple[int, int, int, str] | None:
    """(first number, second number, four-digit year, the rest: a time, a zone) of a numeric date, else None.
    A two-digit year is read as pandas reads one."""
    match = NUMERIC_DATE.fullmatch(text)
    if match is None:
        return None
    year = int(match[4]) if len(match[4]) == 4 else pd.Timestamp(f"01/01/{match[4]}").year
    return int(match[1]), int(match[3]), year, match[5]


def _readings(found: tuple[int, int, int, str]) -> tuple[bool, bool]:
    """Whether a numeric date can be read day first, and month first (a day of 1-31, a month of 1-12)."""
    first, second = found[0], found[1]
    return 1 <= second <= 12 and 1 <= first <= 31, 1 <= first <= 12 and 1 <= second <= 31


def _spelled(found: tuple[int, int, int, str], dayfirst: bool) -> str:
    """A numeric date's day as words in one order: '5 January 2020'."""
    day, month = (found[0], found[1]) if dayfirst else (found[1], found[0])
    return f"{day} {pd.Timestamp(year=2000, month=month, day=1).month_name()} {found[2]}"


def _date_order(values: pd.Series | None, origins: pd.Series, dayfirst: bool | None, column: str) -> bool | None:
    """The order in which a date column's numeric dates are read: `dayfirst` when given, else the one its values
    settle (with a CorpusWarning when some value needed it); None when no value needs one.

    Raises CorpusError, naming `column`, when values can be read either way and none settles which, and when
    some values can only be read day first and others only month first.
    """
    if dayfirst is not None or values is None:
        return dayfirst
    either, only = [], {True: [], False: []}
    for origin, value in zip(origins, values):
        text = _as_text(value).strip()
        found = _numeric_date(text)
        if found is None:
            continue
        day_first, month_first = _readings(found)
        if day_first and month_first:
            if found[0] != found[1]:  # 05/05/2020 is one day whichever way it is read
                either.append((text, origin, found))
        elif day_first or month_first:
            only[day_first].append((text, origin))
    if only[True] and only[False]:
        (day, day_origin), (month, month_origin) = only[True][0], only[False][0]
        raise CorpusError(f"{column} mixes day-first and month-first dates: {day!r} ({day_origin}) can only be read "
                          f"day first, {month!r} ({month_origin}) only month first; write the column one way")
    settled = True if only[True] else False if only[False] else None
    if not either:
        return settled
    text, origin, found = either[0]
    examples = ", ".join(f"{text!r} ({origin})" for text, origin, _ in either[:2])
    if settled is None:
        raise CorpusError(f"{column} has dates that read day first or month first ({examples}) and none that "
                          f"settles which: say which with {DAYFIRST_OPTIONS} (dayfirst=True reads {text!r} as "
                          f"{_spelled(found, True)}, dayfirst=False as {_spelled(found, False)})")
    sure, sure_origin = only[settled][0]
    order = "day first" if settled else "month first"
    warnings.warn(f"{column}: {len(either)} date(s) that read day first or month first ({examples}) are read {order}, "
                  f"as {sure!r} ({sure_origin}) can only be ({text!r} is {_spelled(found, settled)}); if that is "
                  f"wrong, say so with {DAYFIRST_OPTIONS}", CorpusWarning, stacklevel=5)
    return settled


def _parse_dates(values: pd.Series | None, origins: pd.Series, dayfirst: bool | None = None) -> pd.Series:
    """The date column as datetimes (UTC, without a zone), NaT where empty, with a CorpusWarning where a value
    cannot be read. Numeric dates (05/01/2020) are read in the order `dayfirst` gives, else the one their column
    settles (_date_order)."""
    if values is None:
        return pd.Series(pd.NaT, index=range(len(origins)), dtype="datetime64[ns]")
    if dayfirst is None:
        dayfirst = _date_order(values, origins, None, "column 'date'")
    parsed = []
    for origin, value in zip(origins, values):
        text = _as_text(value).strip()
        if not text:
            parsed.append(pd.NaT)
            continue
        if text.lower() in RELATIVE_DATES:
            # pandas reads these as the moment of loading, which no article was published at.
            warnings.warn(f"{origin}: date {text!r} is not an explicit date; set to NaT", CorpusWarning, stacklevel=4)
            parsed.append(pd.NaT)
            continue
        found = _numeric_date(text)
        readable = text
        if found is not None:
            # Never pandas' own guess, which reads 05/01/2020 as 1 May and 13/01/2020 as 13 January.
            day_first, month_first = _readings(found)
            if dayfirst is not None and not (day_first if dayfirst else month_first) and (day_first or month_first):
                warnings.warn(f"{origin}: date {text!r} cannot be read {'day' if dayfirst else 'month'} first "
                              f"(dayfirst={dayfirst}); set to NaT", CorpusWarning, stacklevel=4)
                parsed.append(pd.NaT)
                continue
            first = dayfirst if dayfirst is not None else day_first
            day, month = (found[0], found[1]) if first else (found[1], found[0])
            readable = f"{found[2]:04d}-{month:02d}-{day:02d}{found[3]}"
        try:
            stamp = pd.Timestamp(readable)
            if stamp is not pd.NaT and stamp.tzinfo is not None:
                stamp = stamp.tz_convert("UTC").tz_localize(None)
        except (ValueError, TypeError, OverflowError):
            warnings.warn(f"{origin}: unparseable date {text!r}; set to NaT", CorpusWarning, stacklevel=4)
            parsed.append(pd.NaT)
            continue
        if stamp is not pd.NaT and not pd.Timestamp.min <= stamp <= pd.Timestamp.max:
            # The date column is nanosecond-based, which spans 1677-09-21 to 2262-04-11.
            warnings.warn(f"{origin}: date {text!r} is outside the range pandas can store "
                          f"({pd.Timestamp.min.date()} to {pd.Timestamp.max.date()}); set to NaT",
                          CorpusWarning, stacklevel=4)
            stamp = pd.NaT
        parsed.append(stamp)
    return pd.Series(pd.to_datetime(parsed), dtype="datetime64[ns]")


@memoised  # cleans every article again: as slow as loading
def removed_lines(articles: pd.DataFrame, *, rules: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Every line that cleaning dropped from each article, and the rule that dropped it.

    Parameters
    ----------
    articles : table from load_articles (needs `doc_id`, `raw`; uses `title`, `author`).
    rules : the boilerplate rules used to load them (default: the shipped ones).

    Returns
    -------
    DataFrame with `doc_id`, the group columns (`outlet`, ...), `line` (1-based line number in
    `raw`), `text` (the line, spaces normalised; for `dateline`, the cut prefix)
    and `rule`.
    """
    require_columns(articles, ("doc_id", "raw"), "removed_lines")
    compiled = load_rules(rules)
    titles = articles["title"] if "title" in articles.columns else [None] * len(articles)
    authors = articles["author"] if "author" in articles.columns else [None] * len(articles)
    rows = []
    for doc_id, raw, title, author, layout in zip(articles["doc_id"], articles["raw"], titles, authors,
                                                  _layouts(articles)):
        cleaned = clean_article(raw, title=_as_optional_text(title), author=_as_optional_text(author), rules=compiled,
                                layout=layout)
        rows.extend((doc_id, line, text, rule) for line, text, rule in cleaned.removed)
    removed = pd.DataFrame(rows, columns=["doc_id", "line", "text", "rule"]).astype(
        {"doc_id": "str", "line": "int64", "text": "str", "rule": "str"}
    )
    groups = group_columns(articles)
    if groups:
        removed = removed.merge(articles[["doc_id", *groups]], on="doc_id", how="left")
        removed = removed[["doc_id", *groups, "line", "text", "rule"]]
    return removed
