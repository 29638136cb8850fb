"""Reused text without pairing every two articles: the linear methods give the pairwise methods' answers.

similarity_between_groups (summed unit vectors) against group_similarity(similarity(...)) (every pair); similar_pairs
(blocks of BLOCK_CELLS) against each article's top k taken from every pair; shared_passages (hashed passages, each
run's ends only) against the pairwise reference below, the algorithm it replaced; and the caps that keep a saved or
shown table short say what they left out.
"""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import analysis as an
from analysis.measures import reuse, stats
from conftest import SEEDS, SHARED

VOCABULARY = [f"w{k}" for k in range(60)]


def synthetic_articles(count: int, seed: int) -> pd.DataFrame:
    """Random texts over a small vocabulary (so articles share words) in 3 x 2 groups, some passages copied."""
    rng = np.random.default_rng(seed)
    texts = [" ".join(rng.choice(VOCABULARY, size=rng.integers(0, 120))) for _ in range(count)]
    for _ in range(count // 2):  # copy a passage into another article, or into the same one further on
        source, target = rng.integers(0, count, size=2)
        words = texts[source].split()
        if len(words) > 12:
            start = rng.integers(0, len(words) - 10)
            texts[target] += " Copied. " + " ".join(words[start:start + rng.integers(8, 11)])
    return pd.DataFrame({"doc_id": [f"d{k:03d}" for k in range(count)],
                         "outlet": [f"O{k % 3}" for k in range(count)],
                         "desk": [f"D{k % 2}" for k in range(count)], "text": texts})


def reference_passages(articles: pd.DataFrame, min_words: int = 8) -> list[tuple]:
    """Every pair of places of every passage, joined along diagonals, in Python: slow and plainly right."""
    words = {}
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        words[doc_id] = [(text[s:e].lower().replace("’", "'"), s, e) for s, e in an.language.tokens.WORDS.span_tokenize(text)]
    places = defaultdict(list)
    for doc_id, tokens in words.items():
        terms = [token for token, _, _ in tokens]
        for i in range(len(terms) - min_words + 1):
            places[tuple(terms[i:i + min_words])].append((doc_id, i))
    diagonals = defaultdict(list)
    for found in places.values():
        if not 2 <= len(found) <= reuse.MAX_PLACES:
            continue
        for x in range(len(found)):
            for y in range(x + 1, len(found)):
                (doc_a, i), (doc_b, j) = found[x], found[y]
                if doc_a == doc_b and abs(i - j) < min_words:
                    continue
                diagonals[(doc_a, doc_b, i - j)].append(i)
    rows = []
    for (doc_a, doc_b, shift), starts in diagonals.items():
        starts.sort()
        runs, begin = [], starts[0]
        for previous, i in zip(starts, starts[1:] + [None]):
            if i != previous + 1:
                runs.append((begin, previous))
                begin = i
        for first, last in runs:
            last += min_words - 1
            a, b = words[doc_a], words[doc_b]
            rows.append((doc_a, a[first][1], a[last][2], doc_b, b[first - shift][1], b[last - shift][2], last - first + 1))
    return sorted(rows, key=lambda row: (-row[6], row[0], row[1], row[3], row[4]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_passages_equal_the_pairwise_reference(seed):
    articles = synthetic_articles(40, seed)
    found = an.shared_passages(articles, by="outlet")
    columns = ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b", "words"]
    assert [tuple(row) for row in found[columns].itertuples(index=False)] == reference_passages(articles)
    assert len(found) > 10  # the copies were found
    assert (found["text"] == [t[s:e] for t, s, e in zip(articles.set_index("doc_id").loc[found["doc_id_a"], "text"],
                                                         found["start_a"], found["end_a"])]).all()


def test_passages_that_share_a_hash_are_told_apart_by_their_words(monkeypatch):
    # A multiplier of 0 makes a passage's hash its last word: nearly every group mixes passages.
    articles = synthetic_articles(30, 5)
    expected = an.shared_passages(articles, by=None)
    monkeypatch.setattr(reuse, "_HASH_MULTIPLIER", np.uint64(0))
    pd.testing.assert_frame_equal(reuse.shared_passages.__wrapped__(articles, by=None), expected)


def test_a_passage_in_more_places_than_max_places_is_skipped_and_one_in_fewer_is_not(monkeypatch):
    monkeypatch.setattr(reuse, "MAX_PLACES", 3)
    passage = "one two three four five six seven eight"
    three = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": [f"x {passage} y"] * 3})
    four = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "text": [f"x {passage} y"] * 4})
    assert len(reuse.shared_passages.__wrapped__(three, by=None)) == 3  # a-b, a-c, b-c
    assert len(reuse.shared_passages.__wrapped__(four, by=None)) == 0


def test_shared_passages_of_empty_and_wordless_articles_are_an_empty_table():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "text": ["", "!!!"]})
    found = an.shared_passages(articles, by=None)
    assert found.empty and list(found.columns)[:9] == ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b",
                                                       "words", "text", "within"]


@pytest.mark.parametrize("by", ["outlet", ["outlet", "desk"]])
def test_similarity_between_groups_equals_the_mean_over_every_pair(by):
    articles = synthetic_articles(45, 3)
    groups = [by] if isinstance(by, str) else by
    columns = [f"{c}_a" for c in groups] + [f"{c}_b" for c in groups]
    expected = an.group_similarity(an.similarity(articles, by=by), by=by)
    found = an.similarity_between_groups(articles, by=by)
    assert found[columns].values.tolist() == expected[columns].values.tolist()
    assert found["pairs"].tolist() == expected["pairs"].tolist()
    # group_similarity averages pairs already rounded to 4 decimals; this rounds once: at most 1 in the 4th decimal.
    assert np.abs(found["similarity"] - expected["similarity"]).max() <= 1e-4 + 1e-12


def test_similarity_between_groups_counts_pairs_by_hand():
    articles = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["A", "A", "A", "B"], "text": [
        "Iran vowed revenge.", "Iran vowed revenge.", "Markets rallied today.", "Iran vowed revenge."]})
    found = an.similarity_between_groups(articles).set_index(["outlet_a", "outlet_b"])
    assert found["pairs"].to_dict() == {("A", "A"): 3, ("A", "B"): 3, ("B", "A"): 3}  # no row for B alone
    # Within A: a-b alike (1), a-c and b-c share nothing (0): mean 1/3. Between: a, b alike d, c not: 2/3.
    assert found.loc[("A", "A"), "similarity"] == pytest.approx(0.3333)
    assert found.loc[("A", "B"), "similarity"] == found.loc[("B", "A"), "similarity"] == pytest.approx(0.6667)


@pytest.mark.needs_shared
def test_similarity_between_groups_on_allsides_is_the_pairwise_mean_within_its_rounding():
    articles = an.load_articles(SHARED / "data" / "allsides_soleimani" / "jsons", text="content_original",
                                outlet="source")
    expected = an.group_similarity(an.similarity(articles, by="outlet"), by="outlet")
    found = an.similarity_between_groups(articles, by="outlet")
    assert found[["outlet_a", "outlet_b", "pairs"]].equals(expected[["outlet_a", "outlet_b", "pairs"]])
    assert np.abs(found["similarity"] - expected["similarity"]).max() <= 1e-4 + 1e-12


@pytest.mark.parametrize("top", [1, 3])
def test_similar_pairs_are_each_articles_top_from_every_pair(top, monkeypatch):
    monkeypatch.setattr(reuse, "BLOCK_CELLS", 200)  # blocks of 5 articles: the blocks join up
    articles = synthetic_articles(40, 4)
    pairs = an.similarity(articles, by=None)
    both = pd.concat([pairs, pairs.rename(columns={"doc_id_a": "doc_id_b", "doc_id_b": "doc_id_a"})])
    matrix = reuse._tfidf(articles)
    cosine = (matrix @ matrix.T).toarray()
    np.fill_diagonal(cosine, -np.inf)
    expected = set()
    for row in range(len(articles)):
        order = sorted(range(len(articles)), key=lambda column: (-cosine[row, column], column))
        expected |= {tuple(sorted((row, column))) for column in order[:top] if cosine[row, column] > 0}
    found = reuse.similar_pairs.__wrapped__(articles, by="outlet", top=top)
    ids = list(articles["doc_id"])
    assert {(ids.index(a), ids.index(b)) for a, b in zip(found["doc_id_a"], found["doc_id_b"])} == expected
    assert len(found) <= top * len(articles)
    assert found["similarity"].is_monotonic_decreasing
    lookup = both.set_index(["doc_id_a", "doc_id_b"])["similarity"]
    assert [lookup[(a, b)] for a, b in zip(found["doc_id_a"], found["doc_id_b"])] == found["similarity"].tolist()
    assert (found["outlet_a"] == found["doc_id_a"].map(dict(zip(articles["doc_id"], articles["outlet"])))).all()


def test_similarity_refuses_more_pairs_than_max_pairs_and_names_the_linear_functions():
    articles = synthetic_articles(10, 0)
    with pytest.raises(ValueError, match=r"10 articles make 45 pairs, more than max_pairs=44.*similarity_between_groups"):
        an.similarity(articles, max_pairs=44)
    assert len(an.similarity(articles, max_pairs=45)) == 45


def test_a_saved_table_past_the_cap_says_what_it_left_out_and_parquet_holds_every_row(tmp_path, monkeypatch, request):
    monkeypatch.setenv("ANALYSIS_TABLE_ROWS", "3")
    settings = an.configure(notebook="99-test", corpus=SEEDS, out=tmp_path)
    request.addfinalizer(an.configure)
    table = pd.DataFrame({"n": range(7), "word": list("abcdefg")})
    an.save_table(table, "long", caption="Seven rows.", settings=settings)
    assert pd.read_csv(tmp_path / "long.csv")["n"].tolist() == [0, 1, 2]
    assert pd.read_parquet(tmp_path / "long.parquet")["n"].tolist() == list(range(7))
    note = "the first 3 of 7 rows (4 left out; $ANALYSIS_TABLE_ROWS sets the cap); every row is in long.parquet."
    assert note.replace("_", "\\_") in (tmp_path / "long.md").read_text()  # Markdown: _ escaped
    assert (tmp_path / "long.md").read_text().count("\n| ") == 3  # three rows below the header and its rule
    caption = json.loads((tmp_path / "manifest.json").read_text())["long"]["caption"]
    assert caption == "Seven rows. The CSV, Markdown and LaTeX copies hold " + note
    monkeypatch.setenv("ANALYSIS_TABLE_ROWS", "many")
    with pytest.raises(ValueError, match="ANALYSIS_TABLE_ROWS='many'"):
        an.save_table(table, "long", settings=settings)


def test_a_long_table_shows_its_first_rows_and_says_where_every_row_is():
    long = an.shown_rows(pd.DataFrame({"n": range(100)}), saved="x.parquet")
    assert long.table["n"].tolist() == list(range(20))
    assert long.note == "The first 20 of 100 rows (80 not shown); every row is in the output folder's x.parquet."
    assert long.note in repr(long) and long.note in long._repr_html_()
    short = an.shown_rows(pd.DataFrame({"n": range(60)}), saved="x.parquet")
    assert len(short.table) == 60 and short.note == "All 60 rows; also in the output folder's x.parquet."


def one_shot_bootstrap_ratio(numerators, denominators, *, rng, replicates, scale=1.0, level=0.95):
    """bootstrap_ratio as it was: every replicate's draws gathered at once (memory: replicates x units x k)."""
    numerators = np.asarray(numerators, dtype=float).reshape(len(denominators), -1)
    picks = rng.integers(0, len(denominators), size=(replicates, len(denominators)))
    tops, bottoms = numerators[picks].sum(axis=1), np.asarray(denominators, dtype=float)[picks].sum(axis=1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = np.where(bottoms > 0, scale * tops / bottoms, np.nan)
    quantile = np.nanpercentile if np.isnan(ratios).any() else np.percentile
    tail = (1 - level) / 2 * 100
    return tuple(quantile(ratios, [tail, 100 - tail], axis=0))


@pytest.mark.parametrize("cells", [1, 7, 1000, stats.BOOTSTRAP_CELLS])
@pytest.mark.parametrize("units, k, kind", [(5, 1, "float"), (37, 4, "float"), (300, 9, "count"), (2, 3, "count")])
def test_the_bootstrap_in_bounded_blocks_equals_the_one_shot_bootstrap_bit_for_bit(cells, units, k, kind, monkeypatch):
    monkeypatch.setattr(stats, "BOOTSTRAP_CELLS", cells)
    data = np.random.default_rng(units * k)
    numerators = data.normal(size=(units, k)) if kind == "float" else data.poisson(2, size=(units, k)).astype(float)
    denominators = data.integers(0, 40, size=units).astype(float)
    found = stats.bootstrap_ratio(numerators, denominators, rng=np.random.default_rng(1), replicates=501, scale=1000)
    expected = one_shot_bootstrap_ratio(numerators, denominators, rng=np.random.default_rng(1), replicates=501,
                                        scale=1000)
    np.testing.assert_array_equal(found[0], expected[0])
    np.testing.assert_array_equal(found[1], expected[1])


def test_group_similarity_counts_each_within_group_pair_once_with_an_even_number_of_them():
    # One pair within A and one within B: two within-group pairs in all (the old code took A's twice, B's never).
    articles = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["A", "A", "B", "B"], "text": [
        "Iran vowed revenge.", "Iran vowed revenge.", "Markets rallied today.", "Oil prices fell."]})
    old_way = an.group_similarity(an.similarity(articles), by="outlet").set_index(["outlet_a", "outlet_b"])
    new_way = an.similarity_between_groups(articles).set_index(["outlet_a", "outlet_b"])
    for table in (old_way, new_way):
        assert table["pairs"].to_dict() == {("A", "A"): 1, ("A", "B"): 4, ("B", "A"): 4, ("B", "B"): 1}
        assert table["similarity"].to_dict() == {("A", "A"): 1.0, ("A", "B"): 0.0, ("B", "A"): 0.0, ("B", "B"): 0.0}
    assert str(new_way.loc[("B", "B"), "similarity"]) == "0.0"  # not -0.0 from cancelling sums


def test_similarity_between_groups_orders_categorical_and_mixed_group_values_as_text():
    articles = pd.DataFrame({"doc_id": list("abcd"), "text": ["war", "war", "peace", "peace"],
                             "outlet": pd.Categorical(["C", "A", "C", "A"], categories=["C", "A"])})
    assert an.similarity_between_groups(articles)["outlet_a"].astype(str).tolist() == ["A", "A", "C", "C"]
    mixed = articles.assign(outlet=pd.Series([1, "B", 1, "B"], dtype=object))
    assert an.similarity_between_groups(mixed)["outlet_a"].tolist() == [1, 1, "B", "B"]


def test_reuse_refuses_repeated_doc_ids():
    articles = pd.DataFrame({"doc_id": ["a", "a"], "outlet": ["X", "Y"], "text": ["one two", "one two"]})
    for function in (an.shared_passages, an.similar_pairs, an.similarity):
        with pytest.raises(ValueError, match=r"doc_id must be unique, repeated: \['a'\]"):
            function(articles)


def test_the_bootstrap_of_no_ratio_is_empty():
    low, high = stats.bootstrap_ratio(np.zeros((5, 0)), np.ones(5), rng=np.random.default_rng(0), replicates=10)
    assert low.shape == high.shape == (0,)


def test_a_figures_capped_data_says_its_csv_alone_is_capped(tmp_path, monkeypatch, request):
    import matplotlib.pyplot as plt

    monkeypatch.setenv("ANALYSIS_TABLE_ROWS", "2")
    settings = an.configure(notebook="99-test", corpus=SEEDS, out=tmp_path)
    request.addfinalizer(an.configure)
    fig, ax = plt.subplots()
    ax.bar(["a", "b", "c"], [1, 2, 3])
    an.save_figure(fig, "bars", data=pd.DataFrame({"x": list("abc"), "y": [1, 2, 3]}), caption="Bars.",
                   settings=settings)
    plt.close(fig)
    assert len(pd.read_csv(tmp_path / "bars.csv")) == 2 and len(pd.read_parquet(tmp_path / "bars.parquet")) == 3
    assert json.loads((tmp_path / "manifest.json").read_text())["bars"]["caption"] == (
        "Bars. The CSV holds the first 2 of 3 rows (1 left out; $ANALYSIS_TABLE_ROWS sets the cap); every row is in "
        "bars.parquet.")
