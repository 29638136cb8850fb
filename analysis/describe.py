"""Describe a corpus: article sizes, what cleaning removed, and how much is quotation.

Measures only: tables in, tables out. The plots live in `analysis.plots`.
"""

from __future__ import annotations

import pandas as pd

from analysis.corpus import require_columns
from analysis.tokens import count_words

#: A sentence with at least this share of its characters inside quotation marks is "quoted".
QUOTED_SENTENCE_SHARE = 0.5


def describe_articles(articles: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Size of each article's cleaned body.

    Returns
    -------
    DataFrame, one row per article: `doc_id`, `outlet`, `title` (NA if none),
    `words`, `paragraphs`, `sentences` (body only; the title is not counted),
    `quoted_share` (share of body characters inside quotation marks).
    """
    require_columns(articles, ("doc_id", "outlet", "text"), "describe_articles")
    require_columns(sentences, ("doc_id", "section", "para_id", "text", "quote_share"), "describe_articles")
    body = sentences[sentences["section"] == "body"]
    body = body.assign(chars=body["text"].str.len(), quoted_chars=body["text"].str.len() * body["quote_share"])
    per_article = body.groupby("doc_id", sort=False).agg(
        paragraphs=("para_id", "nunique"), sentences=("text", "size"),
        chars=("chars", "sum"), quoted_chars=("quoted_chars", "sum"),
    )
    table = articles[["doc_id", "outlet"] + (["title"] if "title" in articles.columns else [])]
    table = table.assign(words=[count_words(text) for text in articles["text"]])
    table = table.merge(per_article.reset_index(), on="doc_id", how="left")
    return table.assign(
        paragraphs=table["paragraphs"].fillna(0).astype("int64"),
        sentences=table["sentences"].fillna(0).astype("int64"),
        quoted_share=(table["quoted_chars"] / table["chars"]).fillna(0.0).round(4),
    ).drop(columns=["chars", "quoted_chars"])


def count_removals(removed: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """How many lines (and words) cleaning removed, per group and rule.

    Parameters
    ----------
    removed : table from removed_lines (needs `rule`, `text` and the `by` column).
    by : the group column.

    Returns
    -------
    DataFrame with `<by>`, `rule`, `n` (lines) and `words`, sorted by group and
    descending `n`.
    """
    require_columns(removed, (by, "rule", "text"), "count_removals")
    counted = removed.assign(words=[count_words(text) for text in removed["text"]])
    table = counted.groupby([by, "rule"], as_index=False, sort=True).agg(n=("text", "size"), words=("words", "sum"))
    return table.sort_values([by, "n", "rule"], ascending=[True, False, True], kind="stable").reset_index(drop=True)


def voice_shares(sentences: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """How much of each group's body text is quotation and how much is the outlet's own voice.

    Parameters
    ----------
    sentences : table from split_sentences (body rows are used; titles are not).
    by : the group column.

    Returns
    -------
    DataFrame, one row per group: `<by>`, `articles`, `sentences`, `words`,
    `quoted_share` (share of body characters inside quotation marks),
    `own_share` (1 - quoted_share), `quoted_sentences` (sentences with at
    least half their characters quoted) and `quoted_sentence_share`.
    """
    require_columns(sentences, (by, "doc_id", "section", "text", "quote_share"), "voice_shares")
    body = sentences[sentences["section"] == "body"]
    body = body.assign(
        chars=body["text"].str.len(),
        quoted_chars=body["text"].str.len() * body["quote_share"],
        words=[count_words(text) for text in body["text"]],
        quoted=body["quote_share"] >= QUOTED_SENTENCE_SHARE,
    )
    table = body.groupby(by, as_index=False, sort=True).agg(
        articles=("doc_id", "nunique"), sentences=("text", "size"), words=("words", "sum"),
        chars=("chars", "sum"), quoted_chars=("quoted_chars", "sum"), quoted_sentences=("quoted", "sum"),
    )
    quoted_share = (table["quoted_chars"] / table["chars"]).round(4)
    return table.assign(
        quoted_share=quoted_share,
        own_share=(1 - quoted_share).round(4),
        quoted_sentences=table["quoted_sentences"].astype("int64"),
        quoted_sentence_share=(table["quoted_sentences"] / table["sentences"]).round(4),
    ).drop(columns=["chars", "quoted_chars"])
