"""The cache verifies what it serves: a stored file swapped with another key's, truncated, left by an older version
or with any single bit flipped is computed again, said once, and every table served equals a run without the cache."""

from __future__ import annotations

import io
import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

import analysis as an
import analysis.cache as cache
from analysis.cache import DamagedCache, memoised

#: The toy aggregation's own warning, said by the runs without the cache too.
pytestmark = pytest.mark.filterwarnings("ignore:only 60 rows:UserWarning")

CALLS: list[str] = []


@memoised
def warned_shares(table: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """A toy aggregation that warns, so its stored file holds the warnings it gave too."""
    CALLS.append(by)
    warnings.warn(f"only {len(table)} rows", UserWarning)
    return table.groupby(by, as_index=False, sort=True).size().rename(columns={"size": "n"})


@memoised
def sentence_counts(corpus: pd.DataFrame) -> pd.DataFrame:
    """A memoised aggregation over a cached per-article stage."""
    return an.split_sentences(corpus).groupby("doc_id", as_index=False, sort=True).size()


@pytest.fixture()
def corpus(articles) -> pd.DataFrame:
    """60 articles made of the seeds' paragraphs (enough for the per-article stages to use the cache)."""
    paragraphs = [p for text in articles["text"] for p in text.split("\n\n") if len(p.split()) > 5]
    rows = [{"doc_id": f"a{i:03d}", "outlet": f"outlet {i % 8}",
             "text": "\n\n".join(paragraphs[(i * 7 + k) % len(paragraphs)] for k in range(4 + i % 5))}
            for i in range(60)]
    return pd.DataFrame(rows).astype("str")


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """A fresh cache in small chunks that keeps every result, however fast; nothing said yet in this process."""
    monkeypatch.setenv("ANALYSIS_CHUNK_ARTICLES", "6")
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(cache, "_reported", set())
    CALLS.clear()
    return tmp_path / "cache"


def uncached(monkeypatch, call):
    """What `call()` gives with ANALYSIS_CACHE=off."""
    with monkeypatch.context() as patch:
        patch.setenv("ANALYSIS_CACHE", "off")
        return call()


def damage_said(call) -> tuple[object, list[str]]:
    """call()'s result and the DamagedCache warnings it gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught if issubclass(w.category, DamagedCache)]


def files(folder) -> list:
    return sorted(folder.glob("*.parquet"))


def flipped(data: bytes, position: int) -> bytes:
    """`data` with one bit of byte `position` flipped (bit position % 8, so every bit of a byte gets its turn)."""
    changed = bytearray(data)
    changed[position] ^= 1 << (position % 8)
    return bytes(changed)


def test_a_stored_result_is_plain_parquet_sealed_with_its_key_and_the_same_bytes_each_time(store):
    table = pd.DataFrame({"doc_id": ["a", "b"], "n": [1, 2]})
    path = cache.write_result(store, "sentences", "k1", table)
    data = path.read_bytes()
    assert pq.read_metadata(path).metadata[cache.SEAL].startswith(b"k1 sha256:")
    assert cache.unsealed(data, "k1") is None and cache.unsealed(data, "k2") == "another key's result"
    assert cache.sealed("k1", table) == data
    pd.testing.assert_frame_equal(pd.read_parquet(path), table)  # other readers see the table, nothing else
    pd.testing.assert_frame_equal(cache.read_result(store, "sentences", "k1"), table)


def test_cache_files_swapped_between_keys_are_computed_again_said_once_per_stage_and_replaced(
        store, corpus, monkeypatch):
    direct = uncached(monkeypatch, lambda: an.score_sentences(an.split_sentences(corpus)))
    an.score_sentences(an.split_sentences(corpus))
    for stage in ("sentences", "scores"):
        (a, b), (c, d) = files(store / stage)[:2], files(store / stage)[2:4]
        for one, other in ((a, b), (c, d)):
            one_bytes, other_bytes = one.read_bytes(), other.read_bytes()
            one.write_bytes(other_bytes)
            other.write_bytes(one_bytes)
    served, said = damage_said(lambda: an.score_sentences(an.split_sentences(corpus)))
    pd.testing.assert_frame_equal(served, direct)
    assert len(said) == 2 and all("another key's result" in message for message in said)
    assert [str(store / stage) in message for stage, message in zip(("sentences", "scores"), said)] == [True, True]
    again, said_again = damage_said(lambda: an.score_sentences(an.split_sentences(corpus)))  # the run after
    pd.testing.assert_frame_equal(again, direct)
    assert said_again == []
    assert all(cache.unsealed(path.read_bytes(), path.stem) is None
               for stage in ("sentences", "scores") for path in files(store / stage))


@pytest.mark.parametrize("damage, reason", [
    (lambda data: data[:-1], "checksum mismatch"),
    (lambda data: data[: len(data) // 2], "not sealed"),
    (lambda data: b"", "not sealed"),
    (lambda data: b"not parquet", "not sealed"),
    (lambda data: (buffer := io.BytesIO(), pd.read_parquet(io.BytesIO(data)).to_parquet(buffer, index=False),
                   buffer.getvalue())[-1], "not sealed"),  # as an older version wrote it
], ids=["the last byte cut", "cut in half", "emptied", "garbage", "an older version's file"])
def test_a_truncated_garbage_or_old_format_file_is_computed_again(store, corpus, monkeypatch, damage, reason):
    direct = uncached(monkeypatch, lambda: an.split_sentences(corpus))
    an.split_sentences(corpus)
    for path in files(store / "sentences")[::3]:
        path.write_bytes(damage(path.read_bytes()))
    served, said = damage_said(lambda: an.split_sentences(corpus))
    pd.testing.assert_frame_equal(served, direct)
    assert len(said) == 1 and f"{reason})" in said[0]


def test_every_single_bit_flip_in_a_stored_chunk_is_detected_and_the_right_table_served(store, corpus, monkeypatch):
    direct = uncached(monkeypatch, lambda: an.split_sentences(corpus))
    an.split_sentences(corpus)
    path = min(files(store / "sentences"), key=lambda p: p.stat().st_size)
    data, key = path.read_bytes(), path.stem
    # Every byte of the file, each in turn, through the check read_result makes before parsing (in memory: fast).
    assert sum(cache.unsealed(flipped(data, position), key) is not None for position in range(len(data))) == len(data)
    spread = range(0, len(data), len(data) // 40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for position in spread:  # through the file
            path.write_bytes(flipped(data, position))
            assert cache.read_result(store, "sentences", key) is None
    assert sum(issubclass(w.category, DamagedCache) for w in caught) == 1  # once per folder and stage
    for position in spread[::8]:  # the whole stage
        path.write_bytes(flipped(data, position))
        pd.testing.assert_frame_equal(an.split_sentences(corpus), direct)
        assert path.read_bytes() == data  # computed again and stored anew, byte for byte


def test_memoised_results_swapped_between_keys_are_computed_again_with_their_own_warnings(store, corpus,
                                                                                         monkeypatch):
    by_outlet = uncached(monkeypatch, lambda: warned_shares(corpus))
    by_doc = uncached(monkeypatch, lambda: warned_shares(corpus, by="doc_id"))
    warned_shares(corpus)
    warned_shares(corpus, by="doc_id")
    a, b = files(store / cache.RESULTS)
    a_bytes, b_bytes = a.read_bytes(), b.read_bytes()
    a.write_bytes(b_bytes)
    b.write_bytes(a_bytes)
    with pytest.warns(UserWarning) as caught:
        pd.testing.assert_frame_equal(warned_shares(corpus), by_outlet)
        pd.testing.assert_frame_equal(warned_shares(corpus, by="doc_id"), by_doc)
    damaged = [str(w.message) for w in caught if issubclass(w.category, DamagedCache)]
    assert len(damaged) == 1 and "warned_shares" in damaged[0] and str(store / cache.RESULTS) in damaged[0]
    assert [str(w.message) for w in caught if w.category is UserWarning] == ["only 60 rows"] * 2
    assert CALLS == ["outlet", "doc_id"] * 3  # without the cache, stored, computed again after the swap
    warned_shares(corpus)
    assert len(CALLS) == 6  # the run after: read back, stored anew


def test_every_single_bit_flip_in_a_memoised_result_and_its_warnings_is_detected(store, corpus, monkeypatch):
    direct = uncached(monkeypatch, lambda: warned_shares(corpus))
    warned_shares(corpus)
    (path,) = files(store / cache.RESULTS)
    data, key, name = path.read_bytes(), path.stem, warned_shares.__memoised__
    assert sum(cache.unsealed(flipped(data, position), key) is not None for position in range(len(data))) == len(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DamagedCache)
        for position in range(0, len(data), len(data) // 20):
            path.write_bytes(flipped(data, position))
            assert cache._read_memo(store, key, name) is None
    path.write_bytes(flipped(data, len(data) // 2))
    with pytest.warns(UserWarning, match="only 60 rows"):
        pd.testing.assert_frame_equal(warned_shares(corpus), direct)
    assert path.read_bytes() == data


def test_a_damaged_chunk_found_inside_a_memoised_call_is_said_then_but_not_stored_with_its_result(store, corpus,
                                                                                                monkeypatch):
    direct = uncached(monkeypatch, lambda: sentence_counts(corpus))
    an.split_sentences(corpus)
    files(store / "sentences")[0].write_bytes(b"not parquet")
    first, said = damage_said(lambda: sentence_counts(corpus))
    second, said_again = damage_said(lambda: sentence_counts(corpus))  # read back from the cache
    pd.testing.assert_frame_equal(first, direct)
    pd.testing.assert_frame_equal(second, direct)
    assert len(said) == 1 and said_again == []


def test_a_damaged_part_of_a_processed_corpus_is_refused_in_one_line_naming_it(tmp_path, store):
    from analysis import pipeline
    from conftest import SEEDS

    manifest = pipeline.process_corpus(SEEDS, tmp_path / "processed")
    part = tmp_path / "processed" / manifest["tables"]["sentences"][0]
    pd.testing.assert_frame_equal(pipeline.read_processed(tmp_path / "processed", "sentences").head(3),
                                  an.split_sentences(an.load_articles(SEEDS)).head(3))
    part.write_bytes(flipped(part.read_bytes(), 100))
    with pytest.raises(ValueError, match=rf"{part.name}: this part of a processed corpus is damaged \(checksum"):
        pipeline.read_processed(tmp_path / "processed", "sentences")
    articles = tmp_path / "processed" / manifest["tables"]["articles"][0]
    articles.write_bytes(flipped(articles.read_bytes(), 100))
    with pytest.raises(ValueError, match=rf"{articles.name}: this part of a processed corpus is damaged"):
        an.load_articles(tmp_path / "processed")
    an.split_sentences(an.load_articles(SEEDS)).to_parquet(part, index=False)  # as parts were before the seal
    with pytest.raises(ValueError) as refused:
        pipeline.read_processed(tmp_path / "processed", "sentences")
    assert str(refused.value) == (f"{part}: this part of a processed corpus is not sealed: written by an older "
                                  "version of the package, or damaged; run process_corpus again to write the "
                                  "folder anew")
