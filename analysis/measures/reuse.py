"""Reused text: passages that several articles share word for word, and how alike the articles are overall.

Wire copy travels: outlets republish agency text, and one outlet reuses its
own background paragraphs. `shared_passages` finds runs of at least
`min_words` identical words (case and punctuation ignored) in two articles, or
twice in one; `similarity` gives pairwise cosine similarity of TF-IDF vectors.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.cache import memoised
from analysis.language.tokens import WORDS, content_words
from analysis.tables import By, by_columns, require_by, require_columns

#: An n-gram found in more places than this is boilerplate, not reuse; it is skipped.
MAX_PLACES = 50


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(text[start:end].lower().replace("’", "'"), start, end) for start, end in WORDS.span_tokenize(text)]


@memoised
def shared_passages(articles: pd.DataFrame, *, by: By | None = "outlet", min_words: int = 8) -> pd.DataFrame:
    """Word-for-word passages of at least `min_words` words found in two articles, or twice in one.

    Parameters
    ----------
    articles : needs `doc_id`, `text` and the `by` column(s).
    by : group column(s) to name beside each article (None: none).
    min_words : the shortest passage reported, in words (case and punctuation ignored).

    Returns
    -------
    DataFrame, one row per passage and pair of places, longest first:
    `doc_id_a`, `start_a`, `end_a`, `doc_id_b`, `start_b`, `end_b` (character
    offsets in each article's `text`), `words`, `text` (the passage as written
    in article a), `within` (both places in the same article), and each
    article's `by` column(s) suffixed `_a` and `_b`.
    """
    groups = [] if by is None else require_by(articles, by, "shared_passages")
    require_columns(articles, ("doc_id", "text"), "shared_passages")
    words = {doc_id: _words(text if isinstance(text, str) else "") for doc_id, text in zip(articles["doc_id"], articles["text"])}
    places: dict[tuple[str, ...], list[tuple[str, int]]] = defaultdict(list)
    for doc_id, tokens in words.items():
        terms = [token for token, _, _ in tokens]
        for i in range(len(terms) - min_words + 1):
            places[tuple(terms[i:i + min_words])].append((doc_id, i))
    diagonals: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for found in places.values():
        if len(found) < 2 or len(found) > MAX_PLACES:
            continue
        for x in range(len(found)):
            for y in range(x + 1, len(found)):
                (doc_a, i), (doc_b, j) = found[x], found[y]
                if doc_a == doc_b and abs(i - j) < min_words:
                    continue  # overlapping with itself
                diagonals[(doc_a, doc_b, i - j)].append(i)
    texts = dict(zip(articles["doc_id"], articles["text"]))
    rows = []
    for (doc_a, doc_b, shift), starts in diagonals.items():
        starts.sort()
        run_start = previous = starts[0]
        for i in starts[1:] + [None]:
            if i is not None and i == previous + 1:
                previous = i
                continue
            first, last = run_start, previous + min_words - 1  # token range in a
            a_tokens, b_tokens = words[doc_a], words[doc_b]
            start_a, end_a = a_tokens[first][1], a_tokens[last][2]
            start_b, end_b = b_tokens[first - shift][1], b_tokens[last - shift][2]
            rows.append((doc_a, start_a, end_a, doc_b, start_b, end_b, last - first + 1,
                         texts[doc_a][start_a:end_a], doc_a == doc_b))
            if i is not None:
                run_start = previous = i
    columns = ["doc_id_a", "start_a", "end_a", "doc_id_b", "start_b", "end_b", "words", "text", "within"]
    table = _with_groups(pd.DataFrame(rows, columns=columns), articles, groups)
    return table.sort_values(["words", "doc_id_a", "start_a", "doc_id_b"], ascending=[False, True, True, True],
                             kind="stable").reset_index(drop=True)


@memoised
def similarity(articles: pd.DataFrame, *, by: By | None = "outlet", min_similarity: float = 0.0) -> pd.DataFrame:
    """Pairwise cosine similarity of the articles' TF-IDF vectors (content words, stop words removed).

    Parameters
    ----------
    articles : needs `doc_id`, `text` and the `by` column(s).
    by : group column(s) to name beside each article (None: none).
    min_similarity : leave out pairs below this similarity.

    Returns
    -------
    DataFrame, one row per pair of articles (a before b in table order) with
    similarity >= `min_similarity`: `doc_id_a`, `doc_id_b`, `similarity`, and
    each article's `by` column(s) suffixed `_a` / `_b`.
    """
    groups = [] if by is None else require_by(articles, by, "similarity")
    require_columns(articles, ("doc_id", "text"), "similarity")
    texts = [text if isinstance(text, str) else "" for text in articles["text"]]
    vectorizer = TfidfVectorizer(tokenizer=content_words, lowercase=False, token_pattern=None)
    matrix = vectorizer.fit_transform(texts)
    cosine = (matrix @ matrix.T).toarray()
    ids = list(articles["doc_id"])
    upper = np.triu_indices(len(ids), k=1)
    values = cosine[upper]
    keep = values >= min_similarity
    table = pd.DataFrame({
        "doc_id_a": np.array(ids, dtype=object)[upper[0][keep]],
        "doc_id_b": np.array(ids, dtype=object)[upper[1][keep]],
        "similarity": np.round(values[keep], 4),
    })
    return _with_groups(table, articles, groups)


def _with_groups(pairs: pd.DataFrame, articles: pd.DataFrame, groups: list[str]) -> pd.DataFrame:
    """Each article's group columns beside a table of pairs, suffixed `_a` and `_b`."""
    for column in groups:
        lookup = dict(zip(articles["doc_id"], articles[column]))
        pairs = pairs.assign(**{f"{column}_a": pairs["doc_id_a"].map(lookup), f"{column}_b": pairs["doc_id_b"].map(lookup)})
    return pairs


@memoised
def group_similarity(pairs: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """Mean article similarity between and within groups (from `similarity`).

    Parameters
    ----------
    pairs : table from similarity, with the `by` column(s) suffixed `_a` and `_b`.
    by : the group column(s) given to similarity.

    Returns
    -------
    DataFrame, one row per ordered pair of groups: the `by` column(s) suffixed
    `_a` and `_b`, `similarity` (mean over article pairs), `pairs` (how many).
    Within a group the pairs are its distinct articles (none for a group of one).
    """
    groups = by_columns(by)
    left, right = [f"{c}_a" for c in groups], [f"{c}_b" for c in groups]
    require_columns(pairs, (*left, *right, "similarity"), "group_similarity")
    both = pd.concat([
        pairs[[*left, *right, "similarity"]],
        pairs[[*right, *left, "similarity"]].set_axis([*left, *right, "similarity"], axis=1),
    ], ignore_index=True)
    within = (both[left].to_numpy() == both[right].to_numpy()).all(axis=1)
    both = pd.concat([both[~within], both[within].iloc[::2]], ignore_index=True)  # a within-group pair once
    table = both.groupby([*left, *right], as_index=False).agg(similarity=("similarity", "mean"),
                                                              pairs=("similarity", "size"))
    return table.assign(similarity=table["similarity"].round(4))
