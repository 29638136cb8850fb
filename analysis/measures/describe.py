"""Describe a corpus: article sizes, what cleaning removed, and how much is quotation.

Measures only: tables in, tables out. The plots live in `analysis.plots`.
"""

from __future__ import annotations

import pandas as pd

from analysis.cache import memoised
from analysis.language.tokens import count_words
from analysis.tables import By, require_by, require_columns


@memoised
def describe_articles(articles: pd.DataFrame, sentences: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """Size of each article's cleaned body.

    Parameters
    ----------
    articles : table from load_articles (needs `doc_id`, `text` and the `by` column(s)).
    sentences : split_sentences of the same articles.
    by : the group column(s) to show beside each article.

    Returns
    -------
    DataFrame, one row per article: `doc_id`, the `by` column(s), `title` (NA
    if none), `words`, `paragraphs`, `sentences` (body only; the title is not
    counted), `quoted_share` (share of body characters inside quotation marks).
    """
    groups = require_by(articles, by, "describe_articles")
    require_columns(articles, ("doc_id", "text"), "describe_articles")
    require_columns(sentences, ("doc_id", "section", "para_id", "text", "quote_share"), "describe_articles")
    body = sentences[sentences["section"] == "body"]
    body = body.assign(chars=body["text"].str.len(), quoted_chars=body["text"].str.len() * body["quote_share"])
    per_article = body.groupby("doc_id", sort=False).agg(
        paragraphs=("para_id", "nunique"), sentences=("text", "size"),
        chars=("chars", "sum"), quoted_chars=("quoted_chars", "sum"),
    )
    table = articles[["doc_id", *groups] + (["title"] if "title" in articles.columns else [])]
    table = table.assign(words=[count_words(text) for text in articles["text"]])
    table = table.merge(per_article.reset_index(), on="doc_id", how="left")
    return table.assign(
        paragraphs=table["paragraphs"].fillna(0).astype("int64"),
        sentences=table["sentences"].fillna(0).astype("int64"),
        quoted_share=(table["quoted_chars"] / table["chars"]).fillna(0.0).round(4),
    ).drop(columns=["chars", "quoted_chars"])


@memoised
def count_removals(removed: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """How many lines (and words) cleaning removed, per group and rule.

    Parameters
    ----------
    removed : table from removed_lines (needs `rule`, `text` and the `by` column(s)).
    by : the group column, or a list of them.

    Returns
    -------
    DataFrame with the `by` column(s), `rule`, `n` (lines) and `words`, sorted
    by group and descending `n`.
    """
    groups = require_by(removed, by, "count_removals")
    require_columns(removed, ("rule", "text"), "count_removals")
    counted = removed.assign(words=[count_words(text) for text in removed["text"]])
    table = counted.groupby([*groups, "rule"], as_index=False, sort=True).agg(n=("text", "size"), words=("words", "sum"))
    return table.sort_values([*groups, "n", "rule"], ascending=[True] * len(groups) + [False, True],
                             kind="stable").reset_index(drop=True)


@memoised
def voice_shares(sentences: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """How much of each group's body text is quotation and how much is the outlet's own voice.

    Parameters
    ----------
    sentences : table from split_sentences (body rows are used; titles are not).
    by : the group column, or a list of them.

    Returns
    -------
    DataFrame, one row per group: the `by` column(s), `articles`, `sentences`,
    `words`, `quoted_share` (share of body characters inside quotation marks),
    `own_share` (1 - quoted_share), `quoted_sentences` (sentences whose `voice`
    is "quoted": at least half their characters quoted) and `quoted_sentence_share`.
    """
    groups = require_by(sentences, by, "voice_shares")
    require_columns(sentences, ("doc_id", "section", "text", "quote_share", "voice"), "voice_shares")
    body = sentences[sentences["section"] == "body"]
    body = body.assign(
        chars=body["text"].str.len(),
        quoted_chars=body["text"].str.len() * body["quote_share"],
        words=[count_words(text) for text in body["text"]],
        quoted=body["voice"] == "quoted",
    )
    table = body.groupby(groups, as_index=False, sort=True).agg(
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


AUTO_DAYS = 62  # freq="auto": daily bars up to two months of coverage


@memoised
def coverage_over_time(articles: pd.DataFrame, *, by: By = "outlet", event=None, freq: str = "D") -> pd.DataFrame:
    """How many articles and words each group published per period, and how long after the event.

    Parameters
    ----------
    articles : table from load_articles (needs `doc_id`, `date`, `text` and the `by` column(s)).
    by : the group column(s).
    event : the event's date and time (anything pandas.Timestamp reads, e.g. "2020-01-03");
        None leaves the distance to it out.
    freq : the period, as a pandas offset alias: "D" days, "W" weeks, "h" hours, "M" months;
        "auto" picks days for a span of up to AUTO_DAYS days, weeks up to a year, else months.

    Returns
    -------
    DataFrame, one row per group and period with articles: the `by` column(s), `period`
    (the period's start), `articles`, `words`, and with an event `event_period` (True for
    the period that contains it) and `days_since_event` (`hours_since_event` for hourly
    periods): from the event to the period's start.
    Undated articles are counted in rows whose `period` is NaT, never dropped.
    """
    groups = require_by(articles, by, "coverage_over_time")
    require_columns(articles, ("doc_id", "date", "text"), "coverage_over_time")
    dates = pd.to_datetime(articles["date"])
    if freq == "auto":
        span = (dates.max() - dates.min()).days if dates.notna().any() else 0
        freq = "D" if span <= AUTO_DAYS else "W" if span <= 366 else "M"
    try:
        periods = dates.dt.to_period(freq).dt.start_time
    except ValueError as error:
        raise ValueError(f"coverage_over_time: freq {freq!r} is not a pandas period ({error})") from None
    table = articles[groups].assign(period=periods, words=[count_words(text) for text in articles["text"]])
    if event is not None:
        moment = pd.Timestamp(event)
        ends = dates.dt.to_period(freq).dt.end_time
        table = table.assign(event_period=(periods <= moment) & (moment <= ends))
    aggregations = dict(articles=("words", "size"), words=("words", "sum"))
    if event is not None:
        aggregations["event_period"] = ("event_period", "first")
    table = table.groupby([*groups, "period"], dropna=False, sort=True, as_index=False).agg(**aggregations)
    if event is None:
        return table
    sample = pd.Period("2020-01-01", freq=freq)
    hourly = sample.end_time - sample.start_time < pd.Timedelta(hours=23)  # a day period ends 1 ns before the next
    unit, seconds = ("hours_since_event", 3600) if hourly else ("days_since_event", 86400)
    since = (table["period"] - pd.Timestamp(event)).dt.total_seconds() / seconds
    return table.assign(**{unit: since})
