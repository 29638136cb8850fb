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
import gc
import hashlib
import inspect
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
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


def chunks_of_articles(doc_ids, every: int | None = None) -> list[np.ndarray]:
    """Row positions of each chunk: consecutive rows of whole articles, cut after an article whose id hashes to
    0 modulo `every` (default CHUNK_ARTICLES; content-defined, so one new article moves no other boundary)."""
    every = CHUNK_ARTICLES if every is None else every
    doc_ids = pd.Series(doc_ids).astype(str).to_numpy()
    if len(doc_ids) == 0:
        return []
    change = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1  # first row of each article after the first
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [len(doc_ids)]])
    cuts = [0]
    for start, end in zip(starts, ends):
        if _cut_after(doc_ids[start], every):
            cuts.append(end)
    if cuts[-1] != len(doc_ids):
        cuts.append(len(doc_ids))
    return [np.arange(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _cut_after(doc_id: str, every: int) -> bool:
    return int.from_bytes(hashlib.sha1(doc_id.encode("utf-8")).digest()[:8], "big") % every == 0


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
    if folder is None and not STORES:  # nowhere to look results up or keep them: no keys to hash
        keys: list[str | None] = [None] * len(chunks)
        results: list[pd.DataFrame | None] = [None] * len(chunks)
    else:
        hashes = row_hashes(table)
        settings, columns = _options_key(inner), _columns_key(table)
        keys = [chunk_key(stage, settings, hashes[rows], columns) for rows in chunks]
        results = [_stored(stage, key, folder) for key in keys]
    missing = [i for i, result in enumerate(results) if result is None]
    stored = folder is not None or bool(STORES)  # else every chunk is missing, and batches are kept whole
    pieces = []
    with _progress(len(missing), stage) as bar:
        for batch, result in _compute(function, table, chunks, missing, inner, workers):
            if not stored:
                pieces.append(result)
                bar.update(len(batch))
                continue
            for i, part in _per_chunk(table, chunks, batch, result):
                results[i] = part
                if folder is not None:
                    write_result(folder, stage, keys[i], part)
                bar.update()
    joined = _join(results if stored else pieces)
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
    """(batch, its result) for the missing chunks, in order, in batches of several; on both cores when there are
    several batches.

    A batch (_batches) is a list of chunk indices: a call's fixed costs (a lexicon's index, a table built) are
    paid once per batch; run_in_chunks cuts its result back into its chunks' results (_per_chunk) for the
    cache. Worker processes are forked with the table in memory (_SHARED) and are sent row positions, not rows.
    """
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    if "fork" not in get_all_start_methods():
        workers = 1  # elsewhere workers would be sent whole tables, which costs more than it saves
    ids = table["doc_id"].astype(str).to_numpy()
    # An article's rows in several runs (a table not grouped by doc_id) could not be told apart in a batch's result.
    grouped = len(ids) == 0 or 1 + int(np.count_nonzero(ids[1:] != ids[:-1])) == len(set(ids))
    batches = _batches(chunks, missing, workers) if grouped else [[i] for i in missing]
    if workers <= 1 or len(batches) < 2:
        for batch in batches:
            yield batch, _call(function, options, _rows_of(table, chunks, batch))
        return
    global _SHARED
    previous, _SHARED = _SHARED, (function, options, table)
    frozen = gc.get_freeze_count() == 0  # an outer call froze already: it unfreezes
    if frozen:
        gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            rows = [np.concatenate([chunks[i] for i in batch]) for batch in batches]
            # The largest batches first, so that no worker is left with one at the end while the other waits.
            futures = {k: pool.submit(_call_shared, rows[k]) for k in sorted(range(len(rows)), key=lambda k: -len(rows[k]))}
            try:
                for k, batch in enumerate(batches):
                    yield batch, futures[k].result()
            except BaseException:  # a batch failed, an interrupt, the consumer stopped: the rest is not waited for
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    finally:
        _SHARED = previous
        if frozen:
            gc.unfreeze()


#: In a forked worker: the stage function, its options and the table (inherited, never pickled).
_SHARED: tuple | None = None
#: Batches per worker: enough for the two to finish together whatever the chunks' sizes.
BATCHES_PER_WORKER = 4
#: At most this many chunks in a batch (about 1,000 articles), for memory and a moving progress bar.
MAX_BATCH_CHUNKS = 16


def _batches(chunks: list[np.ndarray], missing: list[int], workers: int) -> list[list[int]]:
    """The missing chunks, in order, grouped into batches of about equal rows: BATCHES_PER_WORKER per worker, at
    most MAX_BATCH_CHUNKS chunks each."""
    if not missing:
        return []
    rows = sum(len(chunks[i]) for i in missing)
    target = rows / (BATCHES_PER_WORKER * max(workers, 1))
    batches, current, size = [], [], 0
    for i in missing:
        current.append(i)
        size += len(chunks[i])
        if size >= target or len(current) >= MAX_BATCH_CHUNKS:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _rows_of(table: pd.DataFrame, chunks: list[np.ndarray], batch: list[int]) -> pd.DataFrame:
    return _take(table, np.concatenate([chunks[i] for i in batch]))


def _take(table: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The table's rows at these ascending positions, indexed from 0. Consecutive rows (a batch of chunks none of
    which was stored) are a slice, which shares the table's memory: taking them one by one copied every column,
    text included, and cost classify_agency more than the stage itself."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return table.iloc[rows[0]:rows[-1] + 1].reset_index(drop=True)
    return table.iloc[rows].reset_index(drop=True)


def _call_shared(rows: np.ndarray) -> pd.DataFrame:
    function, options, table = _SHARED
    return _call(function, options, _take(table, rows))


def _per_chunk(table: pd.DataFrame, chunks: list[np.ndarray], batch: list[int], result: pd.DataFrame):
    """(chunk index, its part of the batch's result): the result's rows of the chunk's articles (by doc_id)."""
    if len(batch) == 1:
        yield batch[0], result
        return
    rows = np.concatenate([chunks[i] for i in batch])
    owner = pd.Series(np.repeat(np.arange(len(batch)), [len(chunks[i]) for i in batch]),
                      index=table["doc_id"].iloc[rows].astype(str).to_numpy())
    owner = owner[~owner.index.duplicated()]  # an article's rows, one entry (its rows are in one chunk)
    if "doc_id" not in result.columns:
        raise RuntimeError("a per_article stage's result must keep `doc_id`: its rows are cut into chunks by it")
    found = owner.index.get_indexer(result["doc_id"].astype(str))
    if (found < 0).any():
        raise RuntimeError("a per_article stage's result holds a doc_id that is not in its input (as text)")
    of_row = owner.to_numpy()[found]
    # Each stage keeps its input's order, so a chunk's rows are one run: found by bisection, cut without copying.
    if np.all(of_row[1:] >= of_row[:-1]):
        bounds = np.searchsorted(of_row, np.arange(len(batch) + 1))
        for position, i in enumerate(batch):
            yield i, result.iloc[bounds[position]:bounds[position + 1]].reset_index(drop=True)
        return
    for position, i in enumerate(batch):
        yield i, result.iloc[np.flatnonzero(of_row == position)].reset_index(drop=True)


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
    partition_size: int = 128,
    rules=None,
    **columns: str,
) -> dict:
    """Run every per-article stage on a corpus as a Dask computation and write the results as Parquet.

    This process only lists and checks the corpus (analysis.corpus.load.read_records: metadata, doc_ids,
    every check across articles) and cuts it into partitions; each Dask task reads, decodes and cleans its
    own articles (a folder's tasks are given file paths, not texts), then runs the stages on them. On a
    cluster, the corpus must be readable by every worker at the same path as here. Errors and warnings are
    load_articles' (warnings said here once the tasks are done); a file that cannot be decoded is only
    found by the task that reads it.

    Parameters
    ----------
    source : a corpus folder or table, as for load_articles.
    out_dir : where to write (created; must not be inside the corpus).
    client : a dask.distributed Client (a LocalCluster's or a scheduler's); None runs in this process.
    group : the group column article_frames keeps (as the notebooks' --group).
    partition_size : articles per Dask task (whole chunks of about CHUNK_ARTICLES articles each). The default
        gives 2,225 articles 12 tasks: the last task one worker takes is short, so the two finish together
        (with 8 tasks, one waited up to 0.5 s of a 4.5 s run). A task's fixed costs are milliseconds, so only
        millions of articles call for larger ones (fewer tasks for the scheduler).
    rules, columns : passed to load_articles.

    Returns
    -------
    The manifest written to `out_dir/manifest.json`: `kind`, `source`,
    `corpus_fingerprint` (that of `load_articles(source)`), `articles`, `code`,
    `versions`, `settings` and `tables` (for each of articles, sentences,
    scores, terms, frames, article_frames, agency and attributions: its Parquet
    parts in corpus order). `load_articles(out_dir)` reads it back, and the
    stages then take their results from it instead of computing them again.
    """
    import json

    import dask

    from analysis.corpus.load import read_records

    out_dir = Path(out_dir)
    records = read_records(source, rules=rules, texts=False, **columns)
    if Path(source).is_dir() and out_dir.resolve().is_relative_to(Path(source).resolve()):
        raise ValueError(f"out_dir {out_dir} is inside the corpus {source}; the corpus folder is never written to")
    partitions = _partitions(records, partition_size)
    tasks = _tasks(records, partitions, out_dir, group)
    if client is None:
        done = dask.compute(*tasks, scheduler="synchronous")
    else:
        # The partitions with the most text first: no worker is then left with a long one while the others wait.
        weights = _partition_weights(records, partitions)
        order = sorted(range(len(tasks)), key=lambda k: -weights[k])
        futures = [None] * len(tasks)
        for rank, k in enumerate(order):
            futures[k] = client.compute(tasks[k], priority=len(tasks) - rank)
        done = client.gather(futures)
    _say_again(done)
    tables: dict[str, list[str]] = {"articles": []}
    for partition in done:
        for stored in partition["parts"]:
            for stage, path in stored.items():
                tables.setdefault(stage, []).append(path)
    manifest = {
        "kind": KIND, "source": str(source), "corpus_fingerprint": _corpus_fingerprint(done),
        "articles": sum(len(partition["hashes"]) for partition in done),
        "code": _code(), "versions": _versions(), "settings": {"group": group, "chunk_articles": CHUNK_ARTICLES},
        "tables": tables,
    }
    write_manifest(out_dir / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def partition_tasks(records, out_dir: str | Path, *, group: str = "outlet", partition_size: int = 128) -> list:
    """The Dask tasks of process_corpus, one per partition, not yet computed.

    Parameters
    ----------
    records : analysis.corpus.load.read_records' Records of the corpus (texts=False for a folder).
    out_dir, group, partition_size : as for process_corpus.

    Returns
    -------
    A list of dask.delayed, each computing _process_partition's dict for one partition, in corpus order. A
    task holds its records (a folder's: metadata and file paths, no text) and depends on no other key, so the
    scheduler hands each to whichever worker is free.
    """
    return _tasks(records, _partitions(records, partition_size), out_dir, group)


def _tasks(records, partitions: list[np.ndarray], out_dir: str | Path, group: str) -> list:
    """partition_tasks' tasks for partitions already cut (process_corpus also weighs them)."""
    import dask

    from analysis.corpus.clean import load_rules

    # The shipped rules are loaded once per process (load_rules caches them): send None for them, a user's
    # rules (about 10 KB compiled) with each task.
    rules = None if records.rules is load_rules(None) else records.rules
    process = dask.delayed(_process_partition, pure=False)
    return [process(records.part(rows).table, str(records.path), rules, str(out_dir), group, CHUNK_ARTICLES)
            for rows in partitions]


def _partitions(records, partition_size: int) -> list[np.ndarray]:
    """Row positions of each partition: whole chunks (cut by doc_id, known before cleaning), at least
    partition_size articles each but the last; never none, so an empty corpus still gets its table's columns."""
    partitions, current, size = [], [], 0
    for rows in chunks_of_articles(records.table["doc_id"]):
        current.append(rows)
        size += len(rows)
        if size >= partition_size:
            partitions.append(np.concatenate(current))
            current, size = [], 0
    if current:
        partitions.append(np.concatenate(current))
    return _joined_over_blank_ends(records, partitions) or [np.arange(0)]


def _partition_weights(records, partitions: list[np.ndarray]) -> list[int]:
    """How much text each partition holds: its files' sizes in bytes, or its texts' lengths (a table)."""
    from analysis.corpus.load import FILE

    table = records.table
    if FILE in table.columns:
        sizes = np.array([os.path.getsize(path) for path in table[FILE]], dtype=np.int64)
    else:
        sizes = np.array([len(raw) if isinstance(raw, str) else 0 for raw in table["raw"]], dtype=np.int64)
    return [int(sizes[rows].sum()) for rows in partitions]


def _joined_over_blank_ends(records, partitions: list[np.ndarray]) -> list[np.ndarray]:
    """The partitions, each joined to the next while it ends on a blank article.

    A partition ends where a chunk does, after an article whose id cuts; cleaning leaves out a blank article,
    and without it that cut is gone: its chunk runs on into the next partition, as chunks_of_articles would
    cut load_articles' table. Only a partition's last article is read here to tell (about one in
    partition_size); a table's records hold no blank article (read_records left them out).
    """
    from analysis.corpus.load import blank_records

    joined: list[np.ndarray] = []
    for rows in partitions:
        if joined:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CorpusWarning)  # the task that reads the article says them
                ends_blank = blank_records(records.part(joined[-1][-1:]))[0]
            if ends_blank:
                joined[-1] = np.concatenate([joined[-1], rows])
                continue
        joined.append(rows)
    return joined


def _process_partition(part: pd.DataFrame, corpus: str, rules, out_dir: str, group: str, every: int) -> dict:
    """One partition, where its task runs: its records (of the corpus at path `corpus`) read and cleaned into
    articles with `rules` (None: the shipped ones), the articles cut into chunks (every: the client's
    CHUNK_ARTICLES), each chunk through every stage and stored under out_dir.

    Returns
    -------
    dict with `parts` (per chunk, stage -> part path relative to out_dir), `hashes` (the articles' row hashes)
    and `dtypes` (their dtypes, as fingerprint hashes them), for the corpus fingerprint, and `warnings`
    ((category, message) pairs in the order said, for the client to say again).
    """
    from analysis.corpus.clean import load_rules
    from analysis.corpus.load import Records, clean_records

    folder = Path(out_dir)
    records = Records(part, Path(corpus), load_rules(None) if rules is None else rules)
    with warnings.catch_warnings(record=True) as caught:
        # Recorded, not said: on a worker they would stay in its log, and the user is at the client.
        warnings.simplefilter("always", CorpusWarning)
        # One process per task: the cluster runs the tasks in parallel, not the cleaning within one.
        articles = clean_records(records, workers=1)
        hashes = row_hashes(articles)
        stored = [_process_chunk(folder, articles.iloc[rows].reset_index(drop=True), hashes[rows], group)
                  for rows in chunks_of_articles(articles["doc_id"], every)]
    return {"parts": stored, "hashes": hashes, "dtypes": _dtypes(articles),
            "warnings": [(w.category, str(w.message)) for w in caught]}


def _process_chunk(folder: Path, articles: pd.DataFrame, hashes: np.ndarray, group: str) -> dict[str, str]:
    """One chunk of articles through every stage, each result stored; stage -> part path relative to folder."""
    paths = {"articles": _store(folder, "articles", articles, chunk_key("articles", "", hashes, ""))}
    # Each input table with its row hashes and columns' key, found once: six stages read the sentences.
    inputs = {"articles": (articles, hashes, _columns_key(articles))}
    for stage, source in PROCESSED:
        function = stages()[stage]
        table, table_hashes, columns = inputs[source]
        options = _bound_options(function, table, {"by": group} if stage == "article_frames" else {})
        key = chunk_key(stage, _options_key(options), table_hashes, columns)
        result = function(table, **options)
        paths[stage] = _store(folder, stage, result, key)
        if stage == "sentences":
            inputs["sentences"] = (result, row_hashes(result), _columns_key(result))
    return paths


def _dtypes(table: pd.DataFrame) -> str:
    # As analysis.cache hashes a table's columns (the corpus fingerprint).
    return repr([(str(c), str(t)) for c, t in table.dtypes.items()])


def _columns_key(table: pd.DataFrame) -> str:
    """The columns and their dtypes as a chunk's key holds them: a categorical's categories and order too
    ("category" alone would not tell two category lists apart, and the result keeps them)."""
    return repr([(str(c), str(t), list(t.categories), t.ordered) if isinstance(t, pd.CategoricalDtype)
                 else (str(c), str(t)) for c, t in table.dtypes.items()])


def _corpus_fingerprint(done) -> str:
    """analysis.cache.fingerprint of the whole articles table, from its partitions' dtypes and row hashes: the
    same bytes hashed in the same order (the table's dtypes, then every row's hash), without the table."""
    dtypes = {partition["dtypes"] for partition in done if len(partition["hashes"])} \
        or {partition["dtypes"] for partition in done}
    if len(dtypes) != 1:
        raise RuntimeError(f"process_corpus: the partitions' articles tables differ in their columns: {sorted(dtypes)}")
    digest = hashlib.sha256(b"frame" + dtypes.pop().encode())
    for partition in done:
        digest.update(partition["hashes"].tobytes())
    return digest.hexdigest()


def _say_again(done) -> None:
    """The tasks' warnings, said in corpus order, each once (a column-level one is said by every task)."""
    for category, message in dict.fromkeys(pair for partition in done for pair in partition["warnings"]):
        warnings.warn(message, category, stacklevel=3)


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
