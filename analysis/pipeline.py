"""The per-article stages on a large corpus: in chunks of articles, on both cores, cached, with progress.

`an.split_sentences`, `an.score_sentences`, `an.find_terms`, `an.code_frames`,
`an.article_frames`, `an.classify_agency` and `an.find_attributions` are these
wrappers. Each stage's result for an article depends on that article alone, so
the table is cut into chunks of whole articles, each chunk is looked up in the
cache (analysis/cache.py) and in any processed-corpus folder in use
(`process_corpus`), what is missing is computed (on both cores when there is
enough), and the pieces are joined in the input's order: the same table as one
call on everything, which the tests check stage by stage.

Chunks are cut where an article's id hashes to a multiple of CHUNK_ARTICLES, not
every CHUNK_ARTICLES rows, so adding or editing one article changes one chunk
and the rest still come from the cache.

A table of fewer than MIN_ARTICLES articles (the five seeds) is passed straight
through: no cache, no workers, no progress bar.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cache import cache_folder, chunk_key, fingerprint, read_result, row_hashes, write_result
from analysis.corpus.errors import CorpusWarning
from analysis.files import write_atomic

#: Articles per chunk, on average ($ANALYSIS_CHUNK_ARTICLES; larger for millions of articles: fewer files).
CHUNK_ARTICLES = int(os.environ.get("ANALYSIS_CHUNK_ARTICLES", "64"))
#: Below this many articles a stage runs directly.
MIN_ARTICLES = 50
#: Folders written by process_corpus whose results the stages may read (load_articles adds one it loads).
STORES: list[Path] = []


def chunks_of_articles(doc_ids) -> list[np.ndarray]:
    """Row positions of each chunk: consecutive rows of whole articles, cut after an article whose id hashes to
    0 modulo CHUNK_ARTICLES (content-defined, so one new article moves no other boundary)."""
    doc_ids = pd.Series(doc_ids).astype(str).to_numpy()
    if len(doc_ids) == 0:
        return []
    change = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1  # first row of each article after the first
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(doc_ids)]])
    cuts = [0]
    for start, end in zip(starts, ends):
        if _cut_after(doc_ids[start]):
            cuts.append(end)
    if cuts[-1] != len(doc_ids):
        cuts.append(len(doc_ids))
    return [np.arange(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _cut_after(doc_id: str) -> bool:
    return int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big") % CHUNK_ARTICLES == 0


def _progress(total: int, stage: str):
    from tqdm import tqdm

    # Bars only where there is something to wait for; stderr, so a notebook shows them and tables stay clean.
    return tqdm(total=total, desc=stage, unit="chunk", file=sys.stderr, leave=False,
                disable=total < 2 or os.environ.get("ANALYSIS_PROGRESS", "on") == "off")


def _options_key(options: dict) -> str:
    return fingerprint({k: v for k, v in options.items() if k != "workers"})


def per_article(stage: str):
    """Wrap a stage whose first argument is a table of whole articles (articles or their sentences)."""
    def wrap(function):
        takes_workers = "workers" in inspect.signature(function).parameters

        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(table: pd.DataFrame, **options):
            if not isinstance(table, pd.DataFrame) or "doc_id" not in table.columns \
                    or table["doc_id"].nunique() < MIN_ARTICLES:
                return function(table, **options)
            # Every option with its default filled in, so `f(t)` and `f(t, by="outlet")` share their results.
            bound = signature.bind(table, **options)
            bound.apply_defaults()
            full = {name: value for name, value in list(bound.arguments.items())[1:]}
            return run_in_chunks(stage, function, table, full, takes_workers=takes_workers)
        wrapper.__wrapped_stage__ = stage
        return wrapper
    return wrap


def run_in_chunks(stage: str, function, table: pd.DataFrame, options: dict, *, takes_workers: bool = False) -> pd.DataFrame:
    """`function(table, **options)`, computed chunk by chunk, reusing stored results (see the module docstring)."""
    workers = options.get("workers")
    inner = {**options, "workers": 1} if takes_workers else options
    folder = cache_folder()
    chunks = chunks_of_articles(table["doc_id"])
    hashes = row_hashes(table)
    settings, columns = _options_key(inner), repr([(str(c), str(t)) for c, t in table.dtypes.items()])
    keys = [chunk_key(stage, settings, hashes[rows], columns) for rows in chunks]
    results: list[pd.DataFrame | None] = [_stored(stage, key, folder) for key in keys]
    missing = [i for i, result in enumerate(results) if result is None]
    with _progress(len(missing), stage) as bar:
        for i, result in _compute(function, table, chunks, missing, inner, workers):
            results[i] = result
            if folder is not None:
                write_result(folder, stage, keys[i], result)
            bar.update()
    joined = _join(results)
    if stage == "scores":  # also for chunks read from the cache, which never warned
        from analysis.measures.sentiment import warn_long_sentences

        warn_long_sentences(joined)
    return joined


def _stored(stage: str, key: str, folder: Path | None) -> pd.DataFrame | None:
    for store in [*STORES, *([folder] if folder is not None else [])]:
        found = read_result(store, stage, key)
        if found is not None:
            return found
    return None


def _compute(function, table, chunks, missing, options, workers):
    """(chunk index, result) for each missing chunk, in order; on both cores when there are several chunks."""
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if workers <= 1 or len(missing) < 2:
        for i in missing:
            yield i, _call(function, options, table.iloc[chunks[i]].reset_index(drop=True))
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
        pieces = (table.iloc[chunks[i]].reset_index(drop=True) for i in missing)
        for i, result in zip(missing, pool.map(functools.partial(_call, function, options), pieces)):
            yield i, result


def _call(function, options, piece):
    # A chunk's warnings would be lost in a worker, or said once per chunk: run_in_chunks says them once, whole.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return function(piece, **options)


def _join(results: list[pd.DataFrame]) -> pd.DataFrame:
    non_empty = [result for result in results if len(result)]
    if not non_empty:
        return results[0].iloc[0:0].reset_index(drop=True)
    joined = pd.concat(non_empty, ignore_index=True)
    # A chunk's categories are those it saw: give the joined table the union, in the order first seen.
    for column in joined.columns:
        pieces = [result[column] for result in non_empty]
        if all(isinstance(piece.dtype, pd.CategoricalDtype) for piece in pieces):
            categories = list(dict.fromkeys(c for piece in pieces for c in piece.cat.categories))
            ordered = pieces[0].cat.ordered
            joined[column] = pd.Categorical(pd.concat([p.astype(object) for p in pieces], ignore_index=True),
                                            categories=categories, ordered=ordered)
    return joined


def _stages():
    from analysis.language.segment import split_sentences
    from analysis.measures.agency import classify_agency
    from analysis.measures.article_frames import article_frames
    from analysis.measures.attribution import find_attributions
    from analysis.measures.frames import code_frames
    from analysis.measures.sentiment import score_sentences
    from analysis.measures.terms import find_terms

    return {"sentences": split_sentences, "scores": score_sentences, "terms": find_terms, "frames": code_frames,
            "article_frames": article_frames, "agency": classify_agency, "attributions": find_attributions}


_PUBLIC = {"sentences": "split_sentences", "scores": "score_sentences", "terms": "find_terms", "frames": "code_frames",
           "article_frames": "article_frames", "agency": "classify_agency", "attributions": "find_attributions"}
_STAGE_OF = {name: stage for stage, name in _PUBLIC.items()}


@functools.lru_cache(maxsize=1)
def stages() -> dict:
    """The raw stage functions by the name their results are stored under."""
    return _stages()


def __getattr__(name: str):
    # The wrapped stages are made on first use, so importing this module (the runner does) stays light.
    if name == "STAGES":
        value = stages()
    elif name in _STAGE_OF:
        value = per_article(_STAGE_OF[name])(stages()[_STAGE_OF[name]])
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


# --- A corpus processed ahead of time, on this machine or a Dask cluster -------------------------------------

MANIFEST = "manifest.json"
KIND = "analysis processed corpus"
#: The stages process_corpus runs on each chunk: (stored name, input: "articles" or "sentences", public function).
PROCESSED = (("sentences", "articles"), ("scores", "sentences"), ("terms", "sentences"), ("frames", "sentences"),
             ("article_frames", "sentences"), ("agency", "sentences"), ("attributions", "sentences"))


def process_corpus(
    source: str | Path,
    out_dir: str | Path,
    *,
    client=None,
    group: str = "outlet",
    partition_size: int = 512,
    rules=None,
    **columns: str,
) -> dict:
    """Run every per-article stage on a corpus as a Dask computation and write the results as Parquet.

    Parameters
    ----------
    source : a corpus folder or table, as for load_articles.
    out_dir : where to write (created; must not be inside the corpus).
    client : a dask.distributed Client (a LocalCluster's or a scheduler's); None runs in this process.
    group : the group column article_frames keeps (as the notebooks' --group).
    partition_size : articles per Dask task (whole chunks of about CHUNK_ARTICLES articles each).
    rules, columns : passed to load_articles.

    Returns
    -------
    The manifest written to `out_dir/manifest.json`: `kind`, `source`,
    `corpus_fingerprint`, `articles`, `code`, `versions`, `settings` and
    `tables` (for each of articles, sentences, scores, terms, frames,
    article_frames, agency and attributions: its Parquet parts in corpus order).
    `load_articles(out_dir)` reads it back, and the stages then take their
    results from it instead of computing them again.
    """
    import json

    import dask

    from analysis.corpus.load import load_articles as load_corpus

    out_dir = Path(out_dir)
    articles = load_corpus(source, rules=rules, **columns)
    if Path(source).is_dir() and out_dir.resolve().is_relative_to(Path(source).resolve()):
        raise ValueError(f"out_dir {out_dir} is inside the corpus {source}; the corpus folder is never written to")
    chunks = chunks_of_articles(articles["doc_id"])
    partitions, current = [], []
    for rows in chunks:
        current.append(rows)
        if sum(len(r) for r in current) >= partition_size:
            partitions.append(current)
            current = []
    if current:
        partitions.append(current)
    tasks = [dask.delayed(_process_partition)([articles.iloc[rows].reset_index(drop=True) for rows in part],
                                              str(out_dir), group, articles.dtypes.to_dict())
             for part in partitions]
    if client is None:
        done = dask.compute(*tasks, scheduler="synchronous")
    else:
        done = client.gather(client.compute(tasks))
    tables: dict[str, list[str]] = {"articles": []}
    for partition in done:
        for stored in partition:
            for stage, path in stored.items():
                tables.setdefault(stage, []).append(path)
    manifest = {
        "kind": KIND, "source": str(source), "corpus_fingerprint": fingerprint(articles), "articles": len(articles),
        "code": _code(), "versions": _versions(), "settings": {"group": group, "chunk_articles": CHUNK_ARTICLES},
        "tables": tables,
    }
    write_manifest(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _process_partition(pieces: list[pd.DataFrame], out_dir: str, group: str, dtypes: dict) -> list[dict[str, str]]:
    """Each chunk of one partition through every stage; (stage -> part path, relative to out_dir) per chunk."""
    folder = Path(out_dir)
    stored = []
    for articles in pieces:
        articles = articles.astype(dtypes)
        paths = {"articles": _store(folder, "articles", articles, chunk_key("articles", "", row_hashes(articles), ""))}
        inputs = {"articles": articles}
        for stage, source in PROCESSED:
            function = stages()[stage]
            table = inputs[source]
            options = _bound_options(function, table, {"by": group} if stage == "article_frames" else {})
            key = chunk_key(stage, _options_key(options), row_hashes(table),
                            repr([(str(c), str(t)) for c, t in table.dtypes.items()]))
            result = function(table, **options)
            paths[stage] = _store(folder, stage, result, key)
            if stage == "sentences":
                inputs["sentences"] = result
        stored.append(paths)
    return stored


def _bound_options(function, table, options: dict) -> dict:
    bound = inspect.signature(function).bind(table, **options)
    bound.apply_defaults()
    full = dict(list(bound.arguments.items())[1:])
    return {**full, "workers": 1} if "workers" in full else full


def _store(folder: Path, stage: str, table: pd.DataFrame, key: str) -> str:
    return write_result(folder, stage, key, table).relative_to(folder).as_posix()


def _code() -> str:
    from analysis.cache import code_fingerprint

    return code_fingerprint()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("pandas", "numpy", "nltk", "vaderSentiment", "pyarrow", "dask", "distributed"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            pass
    return found


def write_manifest(path: Path, text: str) -> None:
    """Write the processed corpus' manifest whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def processed_manifest(folder: str | Path) -> dict | None:
    """The manifest of a folder written by process_corpus, or None if it is not one."""
    import json

    path = Path(folder) / MANIFEST
    if not Path(folder).is_dir() or not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("kind") == KIND else None


def read_processed(folder: str | Path, table: str) -> pd.DataFrame:
    """One table of a processed corpus, its parts joined in corpus order.

    Parameters
    ----------
    folder : a process_corpus output folder.
    table : articles, sentences, scores (sentences with their VADER scores), terms, frames, article_frames,
        agency or attributions.

    Returns the table, as the stage that made it returns it.
    """
    folder = Path(folder)
    manifest = processed_manifest(folder)
    if manifest is None:
        raise ValueError(f"{folder}: not a folder written by process_corpus (no {MANIFEST} of kind {KIND!r})")
    if table not in manifest["tables"]:
        raise ValueError(f"{folder}: no table {table!r}; it has {sorted(manifest['tables'])}")
    return _join([pd.read_parquet(folder / part) for part in manifest["tables"][table]])


def load_articles(source: str | Path, *, rules=None, **columns: str) -> pd.DataFrame:
    """Load a corpus: analysis.corpus.load_articles, which documents the corpus formats, or a folder written by
    process_corpus, whose articles are read back and whose stored results the stages then use.

    Parameters
    ----------
    source : a corpus folder or table; or a process_corpus output folder.
    rules, columns : as for analysis.corpus.load_articles (ignored for a processed folder, which was cleaned already).

    Returns
    -------
    The articles table (columns as analysis.corpus.load_articles documents).
    """
    from analysis.corpus.load import load_articles as load_corpus

    if processed_manifest(source) is None:
        return load_corpus(source, rules=rules, **columns)
    global CHUNK_ARTICLES
    folder = Path(source).resolve()
    if folder not in STORES:
        STORES.append(folder)
    # Cut chunks as the folder was cut, or no stored result would be found.
    CHUNK_ARTICLES = int(processed_manifest(folder)["settings"]["chunk_articles"])
    return read_processed(folder, "articles")
