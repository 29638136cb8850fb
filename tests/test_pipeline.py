"""The stages in chunks, on two cores and from the cache give exactly what one call gives; process_corpus too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import analysis as an
import analysis.cache as cache
import analysis.pipeline as pipeline
from analysis.provenance import column_types, table_fingerprint
from analysis.stages import STAGES
from conftest import SHARED

#: Each stage's measure by the stage's name: one call on the whole table, the result every other way must equal.
ONE_CALL = {stage.name: stage.function for stage in STAGES}

STAGE_CALLS = {
    "scores": lambda s: an.score_sentences(s),
    "terms": lambda s: an.find_terms(s),
    "frames": lambda s: an.code_frames(s),
    "article_frames": lambda s: an.article_frames(s),
    "agency": lambda s: an.classify_agency(s),
    "attributions": lambda s: an.find_attributions(s),
}


@pytest.fixture()
def corpus(articles) -> pd.DataFrame:
    """80 articles made of the seeds' paragraphs (each article a different run of them), in 8 outlets."""
    paragraphs = [p for text in articles["text"] for p in text.split("\n\n") if len(p.split()) > 5]
    rows = []
    for i in range(80):
        chosen = [paragraphs[(i * 7 + k) % len(paragraphs)] for k in range(4 + i % 5)]
        rows.append({"doc_id": f"a{i:03d}", "outlet": f"outlet {i % 8}", "text": "\n\n".join(chosen)})
    return pd.DataFrame(rows).astype("str")


@pytest.fixture()
def small_chunks(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CHUNK_ARTICLES", "6")
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_chunks_are_whole_articles_and_one_new_article_moves_no_other_boundary(small_chunks):
    ids = [f"d{i}" for i in range(300) for _ in range(3)]
    chunks = pipeline.chunks_of_articles(ids)
    assert sum(len(rows) for rows in chunks) == len(ids) and len(chunks) > 10
    assert all(ids[rows[0]] != ids[rows[0] - 1] for rows in chunks[1:])  # never inside an article
    before = {tuple(ids[r] for r in rows) for rows in chunks}
    inserted = ids[:450] + ["new"] + ids[450:]
    after = {tuple(inserted[r] for r in rows) for rows in pipeline.chunks_of_articles(inserted)}
    assert len(before - after) == 1 and len(after - before) == 1  # only the chunk that took the new article


@pytest.mark.parametrize("stage", list(STAGE_CALLS))
def test_every_stage_in_chunks_on_two_cores_equals_one_call(stage, corpus, small_chunks):
    sentences = an.split_sentences(corpus)
    pd.testing.assert_frame_equal(sentences, ONE_CALL["sentences"](corpus))
    direct = ONE_CALL[stage](sentences)
    chunked = STAGE_CALLS[stage](sentences)  # computed on two processes, stored
    cached = STAGE_CALLS[stage](sentences)  # read back
    pd.testing.assert_frame_equal(chunked, direct)
    pd.testing.assert_frame_equal(cached, direct)
    assert len(list((small_chunks / stage).glob("*.parquet"))) == len(pipeline.chunks_of_articles(sentences["doc_id"]))


@pytest.mark.parametrize("stage", list(STAGE_CALLS))
def test_every_stage_without_a_cache_or_with_every_other_chunk_cached_equals_one_call(stage, corpus, small_chunks,
                                                                                      monkeypatch):
    sentences = an.split_sentences(corpus)
    direct = ONE_CALL[stage](sentences)
    STAGE_CALLS[stage](sentences)
    stored = sorted((small_chunks / stage).glob("*.parquet"))
    for path in stored[::2]:
        path.unlink()  # the missing chunks are no longer consecutive rows: batches are taken row by row
    pd.testing.assert_frame_equal(STAGE_CALLS[stage](sentences), direct)
    monkeypatch.setenv("ANALYSIS_CACHE", "off")  # nothing stored: batches are slices, joined whole
    pd.testing.assert_frame_equal(STAGE_CALLS[stage](sentences), direct)


def test_a_batch_of_consecutive_rows_is_a_slice_and_any_other_a_copy_of_those_rows():
    table = pd.DataFrame({"doc_id": list("abcdef"), "text": ["x", "y", "z", "u", "v", "w"]}).astype("str")
    pd.testing.assert_frame_equal(pipeline._take(table, np.array([2, 3, 4])), table.iloc[2:5].reset_index(drop=True))
    pd.testing.assert_frame_equal(pipeline._take(table, np.array([0, 2, 5])),
                                  table.iloc[[0, 2, 5]].reset_index(drop=True))


def test_missing_chunks_are_computed_in_batches_of_whole_chunks_in_order():
    chunks = [np.arange(n) for n in [5, 1, 30, 2, 2, 9, 40, 3] * 5]
    missing = [i for i in range(len(chunks)) if i % 7]
    batches = pipeline._batches(chunks, missing, workers=2)
    assert [i for batch in batches for i in batch] == missing
    assert 2 * pipeline.BATCHES_PER_WORKER - 1 <= len(batches) <= 2 * pipeline.BATCHES_PER_WORKER + 1
    assert all(len(batch) <= pipeline.MAX_BATCH_CHUNKS for batch in pipeline._batches(chunks, missing, workers=1))


def test_a_table_with_an_article_in_several_runs_of_rows_gives_one_calls_result(corpus, small_chunks):
    sentences = an.split_sentences(corpus)
    interleaved = sentences.sort_values(["sent_id", "doc_id"], kind="stable").reset_index(drop=True)
    for stage in ("terms", "attributions"):
        pd.testing.assert_frame_equal(STAGE_CALLS[stage](interleaved), ONE_CALL[stage](interleaved))


def _counting(monkeypatch):
    """Count the chunks each stage computes (rather than reads from the cache)."""
    computed: dict[str, int] = {}
    original = pipeline._compute

    def counting(function, table, chunks, missing, options, workers):
        name = function.__name__
        computed[name] = computed.get(name, 0) + len(missing)
        yield from original(function, table, chunks, missing, options, 1)
    monkeypatch.setattr(pipeline, "_compute", counting)
    return computed


def test_a_stale_result_is_never_served(corpus, small_chunks, monkeypatch):
    computed = _counting(monkeypatch)
    sentences = an.split_sentences(corpus)
    an.find_terms(sentences)
    chunks = len(pipeline.chunks_of_articles(corpus["doc_id"]))
    assert computed == {"split_sentences": chunks, "find_terms": chunks}

    # Same input: everything from the cache.
    an.find_terms(an.split_sentences(corpus))
    assert computed == {"split_sentences": chunks, "find_terms": chunks}

    # One article edited: its chunk alone is computed again, and the result is that of one call.
    edited = corpus.assign(text=corpus["text"].where(corpus["doc_id"] != "a040", "Iran vowed revenge. The US denied it."))
    sentences = an.split_sentences(edited)
    assert computed["split_sentences"] == chunks + 1
    pd.testing.assert_frame_equal(sentences, ONE_CALL["sentences"](edited))

    # An edited lexicon: the terms again, not the sentences.
    lexicon = pd.DataFrame({"concept": ["event"], "family": ["strike"], "pattern": ["strike*"]})
    hits = an.find_terms(sentences, lexicon=lexicon)
    assert computed["split_sentences"] == chunks + 1 and computed["find_terms"] == 2 * chunks
    pd.testing.assert_frame_equal(hits, ONE_CALL["terms"](sentences, lexicon=lexicon))

    # New code (an edited rule file, a new version): nothing old is read.
    cache.code_fingerprint.cache_clear()
    monkeypatch.setattr(an, "__version__", "99.0")
    an.split_sentences(edited)
    assert computed["split_sentences"] == 2 * chunks + 1
    cache.code_fingerprint.cache_clear()


def test_an_unreadable_cache_file_is_computed_again(corpus, small_chunks):
    first = an.split_sentences(corpus)
    for path in (small_chunks / "sentences").glob("*.parquet"):
        path.write_bytes(b"not parquet")
    with pytest.warns(cache.DamagedCache, match="sentences .*not sealed"):
        again = an.split_sentences(corpus)
    pd.testing.assert_frame_equal(again, first)


def test_small_corpora_bypass_the_cache(sentences, small_chunks):
    an.find_terms(sentences)  # the five seeds
    assert not small_chunks.exists()


def test_the_cache_can_be_turned_off(corpus, monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    assert cache.cache_folder() is None
    pd.testing.assert_frame_equal(an.split_sentences(corpus), ONE_CALL["sentences"](corpus))


def _write_folder(corpus: pd.DataFrame, folder):
    folder.mkdir(parents=True)
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,outlet\n" + "".join(f"{d}.txt,{o}\n" for d, o in zip(corpus["doc_id"], corpus["outlet"])), encoding="utf-8")
    return folder


def test_process_corpus_writes_what_the_stages_give_and_the_notebooks_read_it_back(corpus, small_chunks, tmp_path,
                                                                                  monkeypatch):
    source = _write_folder(corpus, tmp_path / "corpus")
    out = tmp_path / "processed"
    manifest = pipeline.process_corpus(source, out, partition_size=20)
    assert manifest["articles"] == 80 and set(manifest["tables"]) == {
        "articles", "sentences", "scores", "terms", "frames", "article_frames", "agency", "attributions"}
    articles = an.load_articles(source)
    assert manifest["corpus_fingerprint"] == table_fingerprint(articles)
    sentences = ONE_CALL["sentences"](articles)
    pd.testing.assert_frame_equal(pipeline.read_processed(out, "sentences"), sentences)
    pd.testing.assert_frame_equal(pipeline.read_processed(out, "terms"), ONE_CALL["terms"](sentences))

    # A notebook given the folder as its corpus computes nothing: every chunk comes from the folder.
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    computed = _counting(monkeypatch)
    loaded = an.load_articles(out)
    pd.testing.assert_frame_equal(loaded, articles)
    again = an.split_sentences(loaded)
    for stage, call in STAGE_CALLS.items():
        pd.testing.assert_frame_equal(call(again), pipeline.read_processed(out, stage))
    assert set(computed.values()) <= {0}
    assert sorted(p.name for p in source.iterdir()) == sorted([*(f"{d}.txt" for d in corpus["doc_id"]), "metadata.csv"])


def test_process_corpus_tasks_hold_file_paths_not_texts(corpus, small_chunks, tmp_path):
    """The Dask graph of a folder corpus carries names and paths: the same size for texts 50 times as long."""
    import pickle

    from analysis.corpus.load import read_records

    sizes = []
    for name, times in (("short", 1), ("long_", 50)):
        texts = corpus.assign(text=[f"Marker{name} said so. " + "\n\n".join([t] * times) for t in corpus["text"]])
        source = _write_folder(texts, tmp_path / name / "corpus")
        tasks = pipeline.partition_tasks(read_records(source, texts=False), tmp_path / name / "out", partition_size=20)
        graph = pickle.dumps({key: task for delayed in tasks for key, task in dict(delayed.__dask_graph__()).items()})
        assert len(tasks) > 2 and f"Marker{name}".encode() not in graph
        sizes.append(len(graph))
    text_bytes = sum(path.stat().st_size for path in (tmp_path / "short" / "corpus").glob("*.txt"))
    assert abs(sizes[1] - sizes[0]) < 200 and sizes[0] < text_bytes * 50 / 10


def test_a_blank_article_ending_a_partition_leaves_the_chunks_as_load_articles_cuts_them(corpus, small_chunks,
                                                                                        tmp_path, monkeypatch):
    """A partition ends after an article whose id cuts a chunk; if cleaning leaves that article out (blank), its
    chunk runs on into the next partition: the parts are the chunks of load_articles' table, so a notebook
    given the folder finds every result, and the warnings reach the caller."""
    chunks = pipeline.chunks_of_articles(corpus["doc_id"])
    end = next(rows[-1] for i, rows in enumerate(chunks) if sum(len(r) for r in chunks[:i + 1]) >= 20)
    blank_id = corpus["doc_id"][end]
    source = _write_folder(corpus, tmp_path / "corpus")
    (source / f"{blank_id}.txt").write_text(" \n\n ", encoding="utf-8")
    (source / "a001.txt").write_bytes("Le caf\xe9 est ferm\xe9. Officials said so.".encode("cp1252"))
    with pytest.warns(an.CorpusWarning) as caught:
        manifest = pipeline.process_corpus(source, tmp_path / "processed", partition_size=20)
    said = [str(w.message) for w in caught]
    assert f"{blank_id}.txt: empty or whitespace-only article; excluded" in said
    assert any(m.startswith("a001.txt: not valid UTF-8") for m in said)
    with pytest.warns(an.CorpusWarning):
        articles = an.load_articles(source)
    assert manifest["articles"] == len(articles) == 79
    assert manifest["corpus_fingerprint"] == table_fingerprint(articles)
    parts = [len(pd.read_parquet(tmp_path / "processed" / part)) for part in manifest["tables"]["articles"]]
    assert parts == [len(rows) for rows in pipeline.chunks_of_articles(articles["doc_id"])]

    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    computed = _counting(monkeypatch)
    an.find_terms(an.split_sentences(an.load_articles(tmp_path / "processed")))
    assert set(computed.values()) <= {0}


def test_process_corpus_refuses_to_write_inside_the_corpus(corpus, tmp_path):
    source = _write_folder(corpus, tmp_path / "corpus")
    with pytest.raises(ValueError, match="inside the corpus"):
        pipeline.process_corpus(source, source / "out")


@pytest.mark.slow
@pytest.mark.needs_shared
def test_process_corpus_on_a_local_cluster_equals_the_in_process_run(tmp_path):
    """Two worker processes over 300 BBC articles write the same tables as a run in this process, reading and
    cleaning the articles themselves, and their warnings reach the caller."""
    from distributed import Client, LocalCluster

    import analysis.corpus.load as load

    bbc = SHARED / "data" / "bbc_news" / "bbc"
    files = sorted(bbc.glob("*/*.txt"))[::7][:300]
    source = tmp_path / "bbc"
    source.mkdir()
    for path in files:
        (source / f"{path.parent.name}-{path.name}").write_bytes(path.read_bytes())
    (source / "blank.txt").write_text("\n  \n", encoding="utf-8")
    (source / "metadata.csv").write_text(
        "file,outlet\n" + "".join(f"{p.parent.name}-{p.name},{p.parent.name}\n" for p in files) + "blank.txt,none\n",
        encoding="utf-8")
    with pytest.warns(an.CorpusWarning, match="blank.txt: empty"):
        local = pipeline.process_corpus(source, tmp_path / "local", partition_size=100)

    def not_here(*args, **kwargs):
        raise AssertionError("an article was cleaned in the client process")

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client, pytest.MonkeyPatch.context() as patch:
        patch.setattr(load, "clean_article", not_here)  # the workers are processes of their own: not patched
        with pytest.warns(an.CorpusWarning, match="blank.txt: empty"):
            distributed = pipeline.process_corpus(source, tmp_path / "cluster", client=client, partition_size=100)
    assert local["tables"] == distributed["tables"] and local["corpus_fingerprint"] == distributed["corpus_fingerprint"]
    with pytest.warns(an.CorpusWarning, match="blank.txt: empty"):
        assert local["corpus_fingerprint"] == table_fingerprint(an.load_articles(source))
    for table in local["tables"]:
        a = pipeline.read_processed(tmp_path / "local", table)
        b = pipeline.read_processed(tmp_path / "cluster", table)
        keys = [c for c in ("doc_id", "sent_id", "frame", "start") if c in a.columns]
        pd.testing.assert_frame_equal(a.sort_values(keys, kind="stable").reset_index(drop=True),
                                      b.sort_values(keys, kind="stable").reset_index(drop=True))


def test_a_headless_run_says_which_cell_is_still_running(monkeypatch):
    import io
    import time
    from types import SimpleNamespace

    import analysis.runner as runner

    monkeypatch.setattr(runner, "HEARTBEAT", 0.05)
    stream = io.StringIO()
    with runner._Heartbeat("02-terminology", 3, stream) as beat:
        beat.cell_started(SimpleNamespace(cell_type="code"), 0)
        beat.cell_started(SimpleNamespace(cell_type="markdown"), 1)
        beat.cell_started(SimpleNamespace(cell_type="code"), 2)
        time.sleep(0.3)
    assert "02-terminology: cell 2 of 3 running for" in stream.getvalue()


def test_progress_bars_show_for_many_chunks_and_never_for_the_seeds(corpus, small_chunks, sentences, capsys):
    an.find_terms(sentences)
    assert "terms" not in capsys.readouterr().err
    an.find_terms(an.split_sentences(corpus))
    assert "terms:" in capsys.readouterr().err


def test_a_long_sentence_is_warned_about_once_in_chunks_and_from_the_cache(corpus, small_chunks):
    long = corpus.assign(text=corpus["text"].where(corpus["doc_id"] != "a007", " ".join(["word"] * 2500)))
    sentences = an.split_sentences(long)
    for _ in range(2):  # computed on two processes, then read back
        with pytest.warns(an.CorpusWarning, match=r"longer than 1,000 words \(article a007\)") as caught:
            scored = an.score_sentences(sentences)
        assert len([w for w in caught if "longer than" in str(w.message)]) == 1
        assert scored["long_sentence"].sum() == 1


def test_a_chunks_key_tells_apart_two_category_lists_of_one_column():
    values = ["A", "B", "A"]
    first = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": pd.Categorical(values, categories=["A", "B"])})
    second = first.assign(outlet=pd.Categorical(values, categories=["B", "A"], ordered=True))
    assert pipeline._columns_key(first) != pipeline._columns_key(second)
    assert column_types(first) == column_types(second)  # the corpus fingerprint hashes dtypes without categories


def test_partitions_are_weighed_by_the_text_they_hold(corpus, tmp_path):
    from analysis.corpus.load import read_records

    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text("file,outlet\n" + "".join(f"{d}.txt,o\n" for d in corpus["doc_id"]),
                                         encoding="utf-8")
    listed = read_records(folder, texts=False)
    partitions = pipeline._partitions(listed, 20)
    weights = pipeline._partition_weights(listed, partitions)
    assert sum(weights) == sum(len(text.encode("utf-8")) for text in corpus["text"])
    read = read_records(folder)  # texts read: weighed by their length
    assert sum(pipeline._partition_weights(read, pipeline._partitions(read, 20))) == corpus["text"].str.len().sum()
