"""The stage table is all the package knows of its per-article stages: a new one is a measure and one line, and
process_corpus writes each table with one schema."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import analysis as an
import analysis.measures
import analysis.pipeline as pipeline
import analysis.stages as stages
from analysis.stages import STAGES, Stage


def letters(sentences: pd.DataFrame) -> pd.DataFrame:
    """A toy per-article measure: the letters of each sentence (needs `doc_id`, `sent_id`, `text`)."""
    return pd.DataFrame({"doc_id": sentences["doc_id"], "sent_id": sentences["sent_id"],
                         "letters": sentences["text"].str.count(r"[A-Za-z]").astype("int64")}).reset_index(drop=True)


TOY = Stage("letters", letters)


@pytest.fixture()
def corpus(articles) -> pd.DataFrame:
    """60 articles of the seeds' paragraphs in 6 outlets, and 20 that name no killing and quote no one."""
    paragraphs = [p for text in articles["text"] for p in text.split("\n\n") if len(p.split()) > 5]
    rows = [{"doc_id": f"a{i:03d}", "outlet": f"outlet {i % 6}",
             "text": "\n\n".join(paragraphs[(i * 7 + k) % len(paragraphs)] for k in range(4 + i % 5))}
            for i in range(60)]
    rows += [{"doc_id": f"w{i:03d}", "outlet": "weather", "text": f"Rain fell on day {i}. The sky cleared by noon."}
             for i in range(20)]
    return pd.DataFrame(rows).astype("str")


@pytest.fixture()
def small_chunks(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CHUNK_ARTICLES", "6")
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _write_folder(corpus: pd.DataFrame, folder):
    folder.mkdir(parents=True)
    for doc_id, text in zip(corpus["doc_id"], corpus["text"]):
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(
        "file,outlet\n" + "".join(f"{d}.txt,{o}\n" for d, o in zip(corpus["doc_id"], corpus["outlet"])), encoding="utf-8")
    return folder


def test_each_stage_is_one_public_verb_the_same_function_everywhere():
    names = [stage.function.__name__ for stage in STAGES]
    assert names == ["split_sentences", "score_sentences", "find_terms", "code_frames", "article_frames",
                     "classify_agency", "find_attributions"]
    for name in names:
        assert name in an.__all__ and getattr(an, name) is pipeline.verbs()[name]
        assert getattr(an, name).__wrapped__ is next(s.function for s in STAGES if s.function.__name__ == name)
    for name in names[1:]:  # split_sentences is a language function, not a measure
        assert name in analysis.measures.__all__ and getattr(analysis.measures, name) is getattr(an, name)
    from analysis.measures import score_sentences
    assert score_sentences is an.score_sentences
    assert an.load_articles is pipeline.load_articles is analysis.corpus.load_articles


def test_a_new_stage_is_chunked_cached_and_run_by_process_corpus(corpus, small_chunks, tmp_path, monkeypatch):
    sentences = an.split_sentences(corpus)
    verb = pipeline.per_article(TOY)
    one_call = letters(sentences)
    pd.testing.assert_frame_equal(verb(sentences), one_call)  # computed in chunks, kept
    chunks = len(pipeline.chunks_of_articles(sentences["doc_id"]))
    assert chunks > 5 and len(list((small_chunks / "letters").glob("*.parquet"))) == chunks
    computed = []
    original = pipeline._compute
    monkeypatch.setattr(pipeline, "_compute", lambda *a: (computed.append(len(a[3])), (yield from original(*a))))
    pd.testing.assert_frame_equal(verb(sentences), one_call)  # read back
    assert computed == [0]

    monkeypatch.setattr(stages, "STAGES", (*STAGES, TOY))
    source = _write_folder(corpus, tmp_path / "corpus")
    manifest = pipeline.process_corpus(source, tmp_path / "processed", partition_size=20)
    assert "letters" in manifest["tables"]
    pd.testing.assert_frame_equal(pipeline.read_processed(tmp_path / "processed", "letters"), one_call)

    # Given the folder, the toy stage computes nothing either: every chunk comes from the folder.
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    computed.clear()
    again = verb(an.split_sentences(an.load_articles(tmp_path / "processed")))
    pd.testing.assert_frame_equal(again, one_call)
    assert set(computed) == {0}


def test_a_processed_folder_carries_its_store_and_the_environment_only_the_default(corpus, small_chunks, tmp_path,
                                                                                   monkeypatch):
    from analysis.corpus.load import Store

    source = _write_folder(corpus, tmp_path / "corpus")
    pipeline.process_corpus(source, tmp_path / "processed", partition_size=20)
    monkeypatch.setenv("ANALYSIS_CHUNK_ARTICLES", "64")  # the folder's own chunking is kept, whatever is set now
    loaded = an.load_articles(tmp_path / "processed")
    assert Store.of(loaded) == Store((tmp_path / "processed").resolve(), 6)
    assert Store.of(an.split_sentences(loaded)) == Store.of(loaded)  # each stage passes it on
    assert Store.of(corpus) == Store(None, 64)


# dask's own Parquet reader (2026.8) calls reset_index(inplace=True), which pandas 3.1 deprecates: not ours to fix.
@pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index")
def test_every_table_of_a_processed_corpus_reads_as_one_table(corpus, small_chunks, tmp_path):
    """A chunk of articles that name no killing has no agency rows: its part still has the table's schema."""
    import dask.dataframe as dd
    import pyarrow.dataset as ds

    source = _write_folder(corpus, tmp_path / "corpus")
    out = tmp_path / "processed"
    manifest = pipeline.process_corpus(source, out, partition_size=20)
    sizes = {table: [len(pd.read_parquet(out / part)) for part in parts] for table, parts in manifest["tables"].items()}
    assert 0 in sizes["agency"] and 0 in sizes["attributions"]  # what the test is about
    for table, parts in manifest["tables"].items():
        dataset = ds.dataset(out / table, format="parquet")
        schemas = {ds.dataset(out / part, format="parquet").schema.remove_metadata() for part in parts}
        assert len(schemas) == 1, table
        assert dataset.to_table().num_rows == sum(sizes[table]) == len(pipeline.read_processed(out, table))
        assert len(dd.read_parquet(str(out / table)).compute()) == sum(sizes[table])


def test_the_run_command_imports_no_measure_and_a_dunder_is_not_a_verb():
    # The runner and the settings import analysis.pipeline for load_articles, and the runner keys notebook 05 by
    # the validation data's files: none of it may import the stages or the measures (NLTK, SciPy, scikit-learn:
    # more than a CPU-second), which only the kernels run. `from ... import` asks a module for __path__, which
    # pipeline's __getattr__ answered by making every verb.
    import subprocess
    import sys

    probe = ("import sys, analysis.runner, analysis.settings, analysis.pipeline as p; "
             "from analysis.validation_data import read_by_validate_all; read_by_validate_all(); "
             "print(hasattr(p, '__path__'), sorted(m for m in ('analysis.stages', 'analysis.measures', 'nltk', "
             "'scipy.stats', 'sklearn') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.strip() == "False []"
    runner = (Path(analysis.__file__).parent / "runner.py").read_text(encoding="utf-8")
    assert "analysis.measures" not in runner  # nor inside a function, where the probe above would not see it
    assert pipeline.split_sentences.__name__ == "split_sentences"  # a verb is still made on first use
