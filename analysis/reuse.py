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

from analysis.corpus import group_columns, require_columns
from analysis.terms import tokens_for_keyness
from analysis.tokens import WORDS

#: An n-gram found in more places than this is boilerplate, not reuse; it is skipped.
MAX_PLACES = 50


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(text[start:end].lower().replace("’", "'"), start, end) for start, end in WORDS.span_tokenize(text)]


def shared_passages(articles: pd.DataFrame, *, min_words: int = 8) -> pd.DataFrame:
    """Word-for-word passages of at least `min_words` words found in two articles, or twice in one.

    Returns
    -------
    DataFrame, one row per passage and pair of places, longest first:
    `doc_id_a`, `start_a`, `end_a`, `doc_id_b`, `start_b`, `end_b` (character
    offsets in each article's `text`), `words`, `text` (the passage as written
    in article a), `within` (both places in the same article), plus the
    articles' `outlet` as `outlet_a`, `outlet_b` when present.
    """
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
    table = pd.DataFrame(rows, columns=columns)
    if "outlet" in articles.columns and len(table):
        outlets = dict(zip(articles["doc_id"], articles["outlet"]))
        table = table.assign(outlet_a=table["doc_id_a"].map(outlets), outlet_b=table["doc_id_b"].map(outlets))
    return table.sort_values(["words", "doc_id_a", "start_a", "doc_id_b"], ascending=[False, True, True, True],
                             kind="stable").reset_index(drop=True)


def similarity(articles: pd.DataFrame, *, min_similarity: float = 0.0) -> pd.DataFrame:
    """Pairwise cosine similarity of the articles' TF-IDF vectors (content words, stop words removed).

    Returns
    -------
    DataFrame, one row per pair of articles (a before b in table order) with
    similarity >= `min_similarity`: `doc_id_a`, `doc_id_b`, `similarity`, and
    each article's group columns suffixed `_a` / `_b`.
    """
    require_columns(articles, ("doc_id", "text"), "similarity")
    texts = [text if isinstance(text, str) else "" for text in articles["text"]]
    vectorizer = TfidfVectorizer(tokenizer=tokens_for_keyness, lowercase=False, token_pattern=None)
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
    groups = [c for c in group_columns(articles) if c in ("outlet", "source", "bias_text", "country")] or ["outlet"]
    groups = [c for c in groups if c in articles.columns]
    for column in groups:
        lookup = dict(zip(articles["doc_id"], articles[column]))
        table = table.assign(**{f"{column}_a": table["doc_id_a"].map(lookup), f"{column}_b": table["doc_id_b"].map(lookup)})
    return table


def group_similarity(pairs: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """Mean article similarity between and within groups (from `similarity`).

    Returns
    -------
    DataFrame, one row per ordered pair of groups: `<by>_a`, `<by>_b`,
    `similarity` (mean over article pairs), `pairs` (how many). Within a group
    the pairs are its distinct articles (none for a group of one).
    """
    require_columns(pairs, (f"{by}_a", f"{by}_b", "similarity"), "group_similarity")
    both = pd.concat([
        pairs[[f"{by}_a", f"{by}_b", "similarity"]],
        pairs[[f"{by}_b", f"{by}_a", "similarity"]].set_axis([f"{by}_a", f"{by}_b", "similarity"], axis=1),
    ], ignore_index=True)
    within = both[f"{by}_a"] == both[f"{by}_b"]
    both = pd.concat([both[~within], both[within].iloc[::2]], ignore_index=True)  # a within-group pair once
    table = both.groupby([f"{by}_a", f"{by}_b"], as_index=False).agg(similarity=("similarity", "mean"),
                                                                     pairs=("similarity", "size"))
    return table.assign(similarity=table["similarity"].round(4))
