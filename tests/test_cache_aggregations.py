"""Notebook-level results kept in the cache (analysis.cache.memoised): a changed input or option computes again,
the same input is read back identical to a fresh computation, and ANALYSIS_CACHE=off turns it off."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

import analysis as an
import analysis.cache as cache
import analysis.measures.validation as validation
from analysis.cache import memoised
from conftest import PROJECT

CALLS: list[tuple] = []


@memoised
def summed(table: pd.DataFrame, *, by: str = "group", scale: float = 1.0) -> pd.DataFrame:
    """A toy aggregation that counts its computations in CALLS."""
    CALLS.append((by, scale))
    return table.groupby(by, as_index=False, sort=True)["value"].sum().assign(value=lambda t: t["value"] * scale)


@memoised
def noisy(table: pd.DataFrame) -> pd.DataFrame:
    CALLS.append("noisy")
    warnings.warn("three rows are not many", UserWarning)
    return table.assign(seen=True)


@memoised
def with_none(table: pd.DataFrame) -> pd.DataFrame:
    CALLS.append("with_none")
    return table.assign(note=pd.Series([None, "x", None], dtype=object))  # Parquet would read None back as NaN


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh cache that keeps every result, however fast; CALLS emptied."""
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MIN_SECONDS", 0.0)
    CALLS.clear()
    return tmp_path / "cache"


@pytest.fixture
def table():
    return pd.DataFrame({"group": ["a", "b", "a"], "value": [1.0, 2.0, 3.0]})


def with_attrs(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table.attrs["unit"] = "words"
    return table


def stored(folder) -> list:
    return sorted((folder / cache.RESULTS).glob("*.parquet")) if (folder / cache.RESULTS).is_dir() else []


def test_the_same_input_is_read_from_the_cache(store, table):
    first = summed(table)
    second = summed(table.copy())
    assert len(CALLS) == 1 and len(stored(store)) == 1
    pd.testing.assert_frame_equal(first, second)
    summed(table, by="group", scale=1.0)  # the defaults given: the same call
    assert len(CALLS) == 1


@pytest.mark.parametrize("change", [
    "a cell", "a group", "a row more", "a column name", "the dtype", "the index", "categories' order", "attrs",
])
def test_a_changed_input_is_computed_again(store, table, change):
    summed(table)
    changed = {
        "a cell": lambda t: t.assign(value=[1.0, 2.0, 3.5]),
        "a group": lambda t: t.assign(group=["a", "b", "b"]),
        "a row more": lambda t: pd.concat([t, t.iloc[:1]], ignore_index=True),
        "a column name": lambda t: t.assign(other=0)[["group", "value", "other"]],
        "the dtype": lambda t: t.assign(value=t["value"].astype("float32")),
        "the index": lambda t: t.set_axis([10, 11, 12]),
        "categories' order": lambda t: t.assign(group=pd.Categorical(t["group"], categories=["b", "a"])),
        "attrs": with_attrs,
    }[change](table.copy())
    summed(changed)
    assert len(CALLS) == 2
    pd.testing.assert_frame_equal(summed(changed), summed.__wrapped__(changed))


def test_a_changed_option_is_computed_again(store, table):
    once = summed(table, scale=1.0)
    twice = summed(table, scale=2.0)
    assert len(CALLS) == 2 and len(stored(store)) == 2
    assert twice["value"].tolist() == [2 * v for v in once["value"]]
    summed(table, scale=2.0)
    assert len(CALLS) == 2


def test_a_changed_package_computes_again(store, table, monkeypatch):
    summed(table)
    monkeypatch.setattr(an, "__version__", "99.0")
    cache.code_fingerprint.cache_clear()
    try:
        summed(table)
    finally:
        monkeypatch.undo()
        cache.code_fingerprint.cache_clear()
    assert len(CALLS) == 2


def test_the_cache_can_be_turned_off(store, table, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    first, second = summed(table), summed(table)
    assert len(CALLS) == 2 and not store.exists()
    pd.testing.assert_frame_equal(first, second)


def test_an_argument_the_key_cannot_describe_runs_uncached(store, table):
    class Opaque:
        pass

    @memoised
    def takes_anything(frame, thing):
        CALLS.append("opaque")
        return frame

    takes_anything(table, Opaque())
    takes_anything(table, lambda x: x)
    assert len(CALLS) == 2 and stored(store) == []


def test_a_result_that_would_not_read_back_identical_is_not_stored(store, table):
    first, second = with_none(table), with_none(table)
    assert CALLS == ["with_none", "with_none"] and stored(store) == []
    assert first["note"].tolist() == [None, "x", None] == second["note"].tolist()


def test_a_fast_result_is_not_stored(store, table, monkeypatch):
    monkeypatch.setattr(cache, "MIN_SECONDS", 3600.0)
    summed(table)
    summed(table)
    assert len(CALLS) == 2 and stored(store) == []


def test_an_unreadable_result_is_computed_again(store, table):
    summed(table)
    [path] = stored(store)
    path.write_bytes(b"not parquet")
    with pytest.warns(cache.DamagedCache, match="not sealed"):
        again = summed(table)
    assert len(CALLS) == 2
    pd.testing.assert_frame_equal(again, summed.__wrapped__(table))
    pd.testing.assert_frame_equal(summed(table), again)  # stored anew
    assert len(CALLS) == 3


def test_warnings_are_given_again_when_the_result_is_read(store, table):
    with pytest.warns(UserWarning, match="three rows are not many") as computed:
        noisy(table)
    with pytest.warns(UserWarning, match="three rows are not many") as read:
        noisy(table)
    assert CALLS == ["noisy"]
    assert [(w.category, str(w.message), w.filename, w.lineno) for w in read] == \
           [(w.category, str(w.message), w.filename, w.lineno) for w in computed]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the filters apply to a warning read back too
        with pytest.raises(UserWarning):
            noisy(table)


# --- The package's memoised measures: read back, each equals a fresh computation ----------------------------

@pytest.fixture(scope="module")
def seeds():
    articles = an.load_articles(PROJECT / "seeds")
    sentences = an.split_sentences(articles)
    return articles, sentences, an.score_sentences(sentences), an.find_terms(sentences)


CALLS_OF_MEASURES = {
    "compare_groups": lambda a, s, sc, h: an.compare_groups(sc, by="outlet", value="compound"),
    "count_per_sentence": lambda a, s, sc, h: an.count_per_sentence(s, h),
    "keyness": lambda a, s, sc, h: an.keyness(s, by="outlet"),
    "shared_passages": lambda a, s, sc, h: an.shared_passages(a, by="outlet"),
    "similarity": lambda a, s, sc, h: an.similarity(a, by="outlet"),
    "group_similarity": lambda a, s, sc, h: an.group_similarity(an.similarity(a, by="outlet"), by="outlet"),
    "similarity_between_groups": lambda a, s, sc, h: an.similarity_between_groups(a, by="outlet"),
    "similar_pairs": lambda a, s, sc, h: an.similar_pairs(a, by="outlet", top=2),
    "article_measures": lambda a, s, sc, h: an.article_measures(a, s, scored=sc, hits=h),
    "describe_articles": lambda a, s, sc, h: an.describe_articles(a, s, by="outlet"),
    "count_removals": lambda a, s, sc, h: an.count_removals(an.removed_lines(a), by="outlet"),
    "voice_shares": lambda a, s, sc, h: an.voice_shares(s, by="outlet"),
    "coverage_over_time": lambda a, s, sc, h: an.coverage_over_time(a, by="outlet", event="2020-01-03", freq="auto"),
    "validate_all": lambda a, s, sc, h: an.validate_all(PROJECT / "no-such-folder"),
    "term_rates": lambda a, s, sc, h: an.term_rates(h, s, by="outlet"),
    "kwic": lambda a, s, sc, h: an.kwic(s, "killing"),
    "name_variants": lambda a, s, sc, h: an.name_variants(s, by="outlet"),
    "target_mentions": lambda a, s, sc, h: an.target_mentions(sc),
    "target_sentiment": lambda a, s, sc, h: an.target_sentiment(sc),
    "sentiment_drivers": lambda a, s, sc, h: an.sentiment_drivers(sc, by="outlet"),
    "quoted_words_by_speaker": lambda a, s, sc, h: an.quoted_words_by_speaker(an.find_attributions(s), s),
    "removed_lines": lambda a, s, sc, h: an.removed_lines(a),
}


def test_every_memoised_public_function_is_checked_here():
    memoised_names = {name for name in an.__all__ if hasattr(getattr(an, name), "__memoised__")}
    assert memoised_names == set(CALLS_OF_MEASURES)


@pytest.mark.parametrize("name", sorted(CALLS_OF_MEASURES))
def test_a_measure_read_back_equals_a_fresh_computation(name, seeds, store, monkeypatch):
    computed = CALLS_OF_MEASURES[name](*seeds)
    files = stored(store)
    assert files, f"{name} stored nothing"
    read = CALLS_OF_MEASURES[name](*seeds)
    assert stored(store) == files  # nothing computed again
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    fresh = CALLS_OF_MEASURES[name](*seeds)
    for result in (computed, read):
        pd.testing.assert_frame_equal(result, fresh, check_exact=True)
        assert cache._identical(result, fresh)


def test_a_seeded_measure_with_another_seed_is_computed_again(seeds, store):
    scored = seeds[2]
    first = an.compare_groups(scored, by="outlet", value="compound", seed=1)
    again = an.compare_groups(scored, by="outlet", value="compound", seed=1)
    other = an.compare_groups(scored, by="outlet", value="compound", seed=2)
    assert len(stored(store)) == 2
    pd.testing.assert_frame_equal(first, again)
    assert not np.array_equal(first["p"].to_numpy(), other["p"].to_numpy(), equal_nan=True)


# --- Notebook 05's table: keyed by the files it reads -------------------------------------------------------

GOLDEN_RULES = [
    {"name": "one", "text": "Hello World. My name is Jonas.", "expected": ["Hello World.", "My name is Jonas."]},
    {"name": "two", "text": "What is your name? My name is Jonas.",
     "expected": ["What is your name?", "My name is Jonas."]},
]


@pytest.fixture
def validation_data(tmp_path, monkeypatch):
    """A data folder with only the Golden Rules (two of them), and a count of how often they are checked."""
    folder = tmp_path / "data" / "sbd_golden_rules"
    folder.mkdir(parents=True)
    (folder / "pysbd_golden_rules_en.json").write_text(json.dumps(GOLDEN_RULES), encoding="utf-8")
    checked = []

    def counted(data):
        checked.append(data)
        return validation.validate_sentences(data)

    monkeypatch.setattr(validation, "VALIDATIONS", tuple(
        (name, measure, counted if name == "sbd_golden_rules" else function)
        for name, measure, function in validation.VALIDATIONS))
    return tmp_path / "data", checked


def test_the_validation_table_is_read_back_until_a_data_file_changes(store, validation_data):
    data, checked = validation_data
    first = an.validate_all(data)
    again = an.validate_all(data)
    assert len(checked) == 1
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    rules = data / "sbd_golden_rules" / "pysbd_golden_rules_en.json"
    rules.write_text(json.dumps(GOLDEN_RULES[:1]), encoding="utf-8")  # the same size would do: content counts
    changed = an.validate_all(data)
    assert len(checked) == 2
    row = changed["metric"] == "share of rules passed"
    assert changed.loc[row, "n"].item() == 1 and first.loc[row, "n"].item() == 2
    (data / "sbd_golden_rules" / "README.md").write_text("a new file", encoding="utf-8")
    an.validate_all(data)
    assert len(checked) == 3


def test_the_validation_key_follows_the_hand_labels_and_the_folder(validation_data):
    data, _ = validation_data
    read = validation.read_by_validate_all(data)
    files = {path for part in read[1:] for path in part}
    assert set(validation.HAND_LABELS.glob("*.csv")) <= files
    assert read[0] == str(data)
    assert validation.read_by_validate_all(data.parent)[0] != read[0]


def test_the_validation_table_is_computed_every_time_with_the_cache_off(store, validation_data, monkeypatch):
    data, checked = validation_data
    monkeypatch.setenv("ANALYSIS_CACHE", "off")
    an.validate_all(data)
    an.validate_all(data)
    assert len(checked) == 2 and not store.exists()


# --- The corpus, loaded once per content -------------------------------------------------------------------------

def test_a_corpus_folder_is_read_back_until_a_file_of_it_changes_or_appears(store, tmp_path):
    import shutil

    from analysis.corpus.load import load_articles

    corpus = tmp_path / "corpus"
    shutil.copytree(PROJECT / "seeds", corpus)
    first = load_articles(corpus)
    files = stored(store)
    assert len(files) == 1
    pd.testing.assert_frame_equal(load_articles(corpus), first, check_exact=True)
    assert stored(store) == files  # read back, not cleaned again

    article = sorted(corpus.glob("*.txt"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\n\nA paragraph added later.\n", encoding="utf-8")
    edited = load_articles(corpus)
    assert len(stored(store)) == 2 and edited["text"].str.contains("A paragraph added later.").sum() == 1

    (corpus / "stray.txt").write_text("Not listed in metadata.csv.", encoding="utf-8")
    for _ in range(2):  # computed, then read back: the warning is said both times
        with pytest.warns(an.CorpusWarning, match="stray.txt"):
            load_articles(corpus)
    assert len(stored(store)) == 3
