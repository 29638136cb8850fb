"""The per-article stages on a large corpus: in chunks of articles, on both cores, cached, with progress.

`an.split_sentences`, `an.score_sentences` ... `an.find_attributions` are the stages of analysis/stages.py
wrapped here (`verbs`). Each stage's result for an article depends on that article alone, so the table is
cut into chunks of whole articles, each chunk is looked up in the cache (analysis/cache.py) and in the
processed-corpus folder the table comes from (its Store: analysis.corpus.load), what is missing is computed
(on both cores when there is enough), and the pieces are joined in the input's order: the same table as one
call on everything, which the tests check stage by stage. One function does this, `run_stage`, for the
verbs and, inside each of its Dask tasks, for `process_corpus`.

Chunks are cut where an article's id hashes to a multiple of the Store's chunk_articles, not every
chunk_articles rows, so adding or editing one article changes one chunk and the rest still come from the cache.

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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from analysis.cache import cache_folder, chunk_key, read_part, read_result, write_result
from analysis.corpus.errors import CorpusWarning
# load_articles: also here, where it was first (`from analysis.pipeline import load_articles`); the one function.
from analysis.corpus.load import KIND, MANIFEST, STORE, Store, load_articles, processed_manifest  # noqa: F401
from analysis.files import write_atomic
from analysis.provenance import Unkeyable, column_types, fingerprint, row_hashes
from analysis.workers import in_workers

#: Below this many articles a stage runs directly.
MIN_ARTICLES = 50


def chunks_of_articles(doc_ids, every: int | None = None) -> list[np.ndarray]:
    """Row positions of each chunk: consecutive rows of whole articles, cut after an article whose id hashes to
    0 modulo `every` (default: the default Store's chunk_articles; content-defined, so one new article moves no
    other boundary)."""
    every = Store().chunk_articles if every is None else every
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


@functools.lru_cache(maxsize=1)
def verbs() -> dict:
    """The public verbs of the per-article stages (analysis/stages.py), by their measure's name."""
    from analysis.stages import STAGES

    return {stage.function.__name__: per_article(stage) for stage in STAGES}


def __getattr__(name: str):
    # The verbs are made on first use, so importing this module (the runner does) stays light. A dunder is never
    # a verb: `from analysis.pipeline import x` asks for __path__, and answering it by importing every stage (NLTK,
    # SciPy: about a CPU-second) made each run command's process pay for measures only its kernels run.
    if name.startswith("__") or name not in verbs():
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return verbs()[name]


def per_article(stage):
    """A stage's public verb: its measure, run by run_stage on a table of at least MIN_ARTICLES articles (a
    table of whole articles: articles or their sentences), from and into the table's Store and the cache."""
    function = stage.function

    @functools.wraps(function)
    def verb(table: pd.DataFrame, **options):
        if not isinstance(table, pd.DataFrame) or "doc_id" not in table.columns \
                or table["doc_id"].nunique() < MIN_ARTICLES:
            return function(table, **options)
        store, cache = Store.of(table), cache_folder()
        bare = table.copy(deep=False)
        bare.attrs = {}  # the Store says where results are, not what they are: kept out of the stored results
        run = run_stage(stage, bare, options, every=store.chunk_articles, workers=options.get("workers"),
                        read=[folder for folder in (store.folder, cache) if folder is not None], write=cache)
        return store.attach(run.table) if STORE in table.attrs else run.table
    verb.__wrapped_stage__ = stage.name
    return verb


@dataclass
class Run:
    """What run_stage gives: the whole result, each chunk's part (None when nothing is read or kept: the
    batches are joined whole) and where each was kept (None: read, not computed, or nowhere to keep it)."""

    table: pd.DataFrame
    parts: list[pd.DataFrame] | None
    paths: list[Path | None]


def run_stage(stage, table: pd.DataFrame, options: dict, *, every: int, read: list[Path], write: Path | None,
              workers: int | None = None, progress: bool = True) -> Run:
    """`stage.function(table, **options)`, computed chunk by chunk (see the module docstring).

    Parameters
    ----------
    stage : an analysis.stages.Stage.
    table : its input, whole articles (every row of an article in one chunk; a table not grouped by doc_id is
        computed chunk by chunk).
    options : the measure's options (its defaults filled in here, so `f(t)` and `f(t, by="outlet")` share
        their results); `workers` is the processes for the chunks (default both cores), each chunk runs on one.
    every : articles per chunk on average (chunks_of_articles).
    read : folders whose stored results are used, in order (process_corpus' folder, the cache).
    write : the folder computed chunks are kept in (analysis.cache.write_result), or None.
    workers : processes (default both cores; 1 inside a Dask task).
    progress : show a progress bar (off inside a Dask task: its stderr is a worker's log).

    Returns
    -------
    Run: the result (as one call gives it; `stage.finish` called on it), each chunk's part and path.
    """
    function = stage.function
    options = _bound_options(function, table, options)
    chunks = chunks_of_articles(table["doc_id"], every)
    if not chunks:  # no rows: nothing to cut
        result = function(table, **options)
        return Run(result, [], [])
    try:
        settings = _options_key(options)
    except Unkeyable:  # an option no key describes exactly (a model object): computed, never read or kept
        read, write = [], None
    kept = bool(read) or write is not None  # else nothing to look up or keep: no keys to hash
    keys: list[str | None] = [None] * len(chunks)
    parts: list[pd.DataFrame | None] = [None] * len(chunks)
    if kept:
        hashes, columns = row_hashes(table), _columns_key(table)
        keys = [chunk_key(stage.name, settings, hashes[rows], columns) for rows in chunks]
        parts = [_stored(read, stage.name, key) for key in keys]
    missing = [i for i, part in enumerate(parts) if part is None]
    paths: list[Path | None] = [None] * len(chunks)
    batches = []
    with _progress(len(missing) if progress else 0, stage.name) as bar:
        for batch, result in _compute(function, table, chunks, missing, options, workers):
            if not kept:
                batches.append(result)
                bar.update(len(batch))
                continue
            for i, part in _per_chunk(table, chunks, batch, result):
                parts[i] = part
                if write is not None:
                    paths[i] = write_result(write, stage.name, keys[i], part)
                bar.update()
    joined = _join(parts if kept else batches)
    if stage.finish is not None:  # also for chunks read back, which never said anything
        stage.finish(joined)
    return Run(joined, parts if kept else None, paths)


def _bound_options(function, table, options: dict) -> dict:
    """Every option with its default filled in; `workers` 1 (a chunk runs on one process)."""
    bound = inspect.signature(function).bind(table, **options)
    bound.apply_defaults()
    full = dict(list(bound.arguments.items())[1:])
    return {**full, "workers": 1} if "workers" in full else full


def _options_key(options: dict) -> str:
    return fingerprint({k: v for k, v in options.items() if k != "workers"})


def _stored(folders: list[Path], stage: str, key: str) -> pd.DataFrame | None:
    for folder in folders:
        found = read_result(folder, stage, key)
        if found is not None:
            return found
    return None


def _compute(function, table, chunks, missing, options, workers):
    """(batch, its result) for the missing chunks, in order, in batches of several; on both cores when there are
    several batches.

    A batch (_batches) is a list of chunk indices: a call's fixed costs (a lexicon's index, a table built) are
    paid once per batch; run_stage cuts its result back into its chunks' results (_per_chunk) for the cache.
    The workers (analysis.workers) have the table in memory and are sent row positions, not rows.
    """
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    ids = table["doc_id"].astype(str).to_numpy()
    # An article's rows in several runs (a table not grouped by doc_id) could not be told apart in a batch's result.
    grouped = len(ids) == 0 or 1 + int(np.count_nonzero(ids[1:] != ids[:-1])) == len(set(ids))
    batches = _batches(chunks, missing, workers) if grouped else [[i] for i in missing]
    rows = [np.concatenate([chunks[i] for i in batch]) for batch in batches]
    results = in_workers(lambda whole, positions: _call(function, options, _take(whole, positions)), rows,
                         shared=table, workers=workers)
    yield from zip(batches, results)


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


def _take(table: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The table's rows at these ascending positions, indexed from 0. Consecutive rows (a batch of chunks none of
    which was stored) are a slice, which shares the table's memory: taking them one by one copied every column,
    text included, and cost classify_agency more than the stage itself."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return table.iloc[rows[0]:rows[-1] + 1].reset_index(drop=True)
    return table.iloc[rows].reset_index(drop=True)


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
    # A chunk's warnings would be lost in a worker, or said once per chunk: run_stage has them said once, on the
    # whole result (Stage.finish).
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


# --- A corpus processed ahead of time, on this machine or a Dask cluster -------------------------------------

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
    partition_size : articles per Dask task (whole chunks of about $ANALYSIS_CHUNK_ARTICLES articles each). The default
        gives 2,225 articles 12 tasks: the last task one worker takes is short, so the two finish together
        (with 8 tasks, one waited up to 0.5 s of a 4.5 s run). A task's fixed costs are milliseconds, so only
        millions of articles call for larger ones (fewer tasks for the scheduler).
    rules, columns : passed to load_articles.

    Returns
    -------
    The manifest written to `out_dir/manifest.json`: `kind`, `source`,
    `corpus_fingerprint` (that of `load_articles(source)`), `articles`, `code`,
    `versions`, `settings` and `tables` (for articles and each stage of
    analysis/stages.py, by its name: its Parquet parts in corpus order, all of
    one Arrow schema, so the table's folder reads as one table). `load_articles(out_dir)`
    reads it back, and the stages then take their results from it instead of
    computing them again.
    """
    import json

    import dask

    from analysis.corpus.load import read_records

    out_dir = Path(out_dir)
    records = read_records(source, rules=rules, texts=False, **columns)
    if Path(source).is_dir() and out_dir.resolve().is_relative_to(Path(source).resolve()):
        raise ValueError(f"out_dir {out_dir} is inside the corpus {source}; the corpus folder is never written to")
    partitions = _partitions(records, partition_size)
    every = Store().chunk_articles
    tasks = _tasks(records, partitions, out_dir, group, every)
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
    parts: dict[str, list[tuple]] = {}
    for partition in done:
        for table, stored in partition["parts"].items():
            parts.setdefault(table, []).extend(stored)
    for table, stored in parts.items():
        _one_schema(out_dir, table, stored)
    manifest = {
        "kind": KIND, "source": str(source), "corpus_fingerprint": _corpus_fingerprint(done),
        "articles": sum(len(partition["hashes"]) for partition in done),
        "code": _code(), "versions": _versions(), "settings": {"group": group, "chunk_articles": every},
        "tables": {table: [path for path, _, _ in stored] for table, stored in parts.items()},
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
    return _tasks(records, _partitions(records, partition_size), out_dir, group, Store().chunk_articles)


def _tasks(records, partitions: list[np.ndarray], out_dir: str | Path, group: str, every: int) -> list:
    """partition_tasks' tasks for partitions already cut (process_corpus also weighs them)."""
    import dask

    from analysis.corpus.clean import load_rules

    # The shipped rules are loaded once per process (load_rules caches them): send None for them, a user's
    # rules (about 10 KB compiled) with each task.
    rules = None if records.rules is load_rules(None) else records.rules
    process = dask.delayed(_process_partition, pure=False)
    return [process(records.part(rows).table, str(records.path), rules, str(out_dir), group, every)
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
    articles with `rules` (None: the shipped ones), then every stage run on them by run_stage, in chunks (every:
    the client's chunk_articles), each chunk's result stored under out_dir.

    Returns
    -------
    dict with `parts` (table -> its parts: (path relative to out_dir, rows, Arrow schema)), `hashes` (the
    articles' row hashes) and `dtypes` (their dtypes, as fingerprint hashes them), for the corpus fingerprint,
    and `warnings` ((category, message) pairs in the order said, for the client to say again).
    """
    from analysis.corpus.clean import load_rules
    from analysis.corpus.load import Records, clean_records
    from analysis.stages import STAGES

    folder = Path(out_dir)
    records = Records(part, Path(corpus), load_rules(None) if rules is None else rules)
    with warnings.catch_warnings(record=True) as caught:
        # Recorded, not said: on a worker they would stay in its log, and the user is at the client.
        warnings.simplefilter("always", CorpusWarning)
        # One process per task: the cluster runs the tasks in parallel, not the cleaning within one.
        articles = clean_records(records, workers=1)
        hashes = row_hashes(articles)
        stored: dict[str, list[tuple]] = {"articles": []}
        for rows in chunks_of_articles(articles["doc_id"], every):
            chunk = articles.iloc[rows].reset_index(drop=True)
            path = write_result(folder, "articles", chunk_key("articles", "", hashes[rows], ""), chunk)
            stored["articles"].append(_part(folder, path, chunk))
        tables = {"articles": articles}
        for stage in STAGES:
            run = run_stage(stage, tables[stage.reads], stage.options(group), every=every, read=[], write=folder,
                            workers=1, progress=False)
            tables[stage.name] = run.table
            stored[stage.name] = [_part(folder, path, chunk) for path, chunk in zip(run.paths, run.parts)]
    return {"parts": stored, "hashes": hashes, "dtypes": column_types(articles),
            "warnings": [(w.category, str(w.message)) for w in caught]}


def _part(folder: Path, path: Path, table: pd.DataFrame) -> tuple[str, int, object]:
    """A stored part as the client needs it: its path relative to the folder, its rows, its Arrow schema."""
    import pyarrow as pa

    return path.relative_to(folder).as_posix(), len(table), pa.Schema.from_pandas(table, preserve_index=False)


def _one_schema(folder: Path, table: str, parts: list[tuple]) -> None:
    """Give every part of a table the schema of its parts with rows: an empty result cannot tell a column's type
    (classify_agency's `match` of no sentence is float64, of one a string), so its empty parts are written
    again with that schema, and the table's folder reads as one table (pyarrow.dataset, Dask, Spark, DuckDB).
    Parts with rows that disagree are a stage's error: said, naming the columns."""
    reference = next((schema for _, rows, schema in parts if rows), None)
    for path, rows, schema in parts:
        if reference is None or schema.equals(reference):
            continue
        if rows:
            differ = sorted(set(map(str, schema)) ^ set(map(str, reference)))
            raise RuntimeError(f"process_corpus: the parts of table {table!r} differ in their columns: {differ}")
        stage, key = PurePosixPath(path).parent.as_posix(), PurePosixPath(path).stem  # sealed under its key again
        write_result(folder, stage, key, reference.empty_table())


def _columns_key(table: pd.DataFrame) -> str:
    """The columns and their dtypes as a chunk's key holds them: a categorical's categories and order too
    ("category" alone would not tell two category lists apart, and the result keeps them)."""
    return repr([(str(c), str(t), list(t.categories), t.ordered) if isinstance(t, pd.CategoricalDtype)
                 else (str(c), str(t)) for c, t in table.dtypes.items()])


def _corpus_fingerprint(done) -> str:
    """analysis.provenance.table_fingerprint of the whole articles table, from its partitions' column types and
    row hashes: the same bytes hashed in the same order, without the table."""
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


def _code() -> str:
    from analysis.provenance import code_fingerprint

    return code_fingerprint()


def _versions() -> dict[str, str]:
    from analysis.provenance import library_versions

    return library_versions()


def write_manifest(path: Path, text: str) -> None:
    """Write the processed corpus' manifest whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def read_processed(folder: str | Path, table: str) -> pd.DataFrame:
    """One table of a processed corpus, its parts joined in corpus order.

    Parameters
    ----------
    folder : a process_corpus output folder.
    table : articles, or the name of a stage of analysis/stages.py: sentences, scores (sentences with their
        VADER scores), terms, frames, article_frames, agency or attributions.

    Returns the table, as the stage that made it returns it.
    """
    folder = Path(folder)
    manifest = processed_manifest(folder)
    if manifest is None:
        raise ValueError(f"{folder}: not a folder written by process_corpus (no {MANIFEST} of kind {KIND!r})")
    if table not in manifest["tables"]:
        raise ValueError(f"{folder}: no table {table!r}; it has {sorted(manifest['tables'])}")
    from analysis.corpus.load import checked_part  # each part a regular file inside the folder, else refused

    return _join([read_part(*checked_part(folder, part)) for part in manifest["tables"][table]])
