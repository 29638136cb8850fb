"""Split article bodies into paragraphs and sentences, with offsets and quotation shares.

Sentences come from NLTK's PunktSentenceTokenizer with parameters shipped in
`analysis/data/` (NLTK's pretrained English model, plus news abbreviations and
sentence starters), followed by a few repairs Punkt lacks: pieces made only of
ellipsis dots or list markers are joined to their neighbours, a piece that
starts in lower case continues the previous sentence ('"This is great." she
said.'), and a four-dot ellipsis before a capital ends a sentence. Sentences
never cross a paragraph break.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache

import pandas as pd
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from analysis.language.quotes import quote_spans, quoted_length, sentence_voice, starts_inside
from analysis.paths import data_file
from analysis.tables import group_columns, require_columns, require_unique_ids

_PARAGRAPH = re.compile(r"[^\n]+")
_ONLY_DOTS = re.compile(r"[.…\s\"'”’)\]]+")
_LIST_MARKER = re.compile(r"[\W_]*(?:\d{1,3}|[A-Za-z])[.)]+\)?")
_STARTS_LOWER = re.compile(r"[\"'“‘(\[]*[a-z]")
_LEADING_MARKER = re.compile(r"[\W_]*(\d{1,3}|[A-Za-z])[.)]")
_TRAILING_MARKER = re.compile(r"\s+([\W_]*(\d{1,3}|[A-Za-z])[.)]+\)?)$")
_FOUR_DOTS = re.compile(r"(?:\.{4}|\. \. \. \.)(?=\s+[\"“]?[A-Z])")


def _word_list(name: str) -> set[str]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """The shared Punkt tokenizer, built once per process from the shipped parameters."""
    model = json.loads(data_file("punkt_english.json").read_text(encoding="utf-8"))
    params = PunktParameters()
    params.abbrev_types = set(model["abbrev_types"]) | _word_list("news_abbreviations.txt")
    params.sent_starters = set(model["sent_starters"]) | _word_list("sentence_starters.txt")
    params.collocations = {tuple(pair) for pair in model["collocations"]}
    params.ortho_context = defaultdict(int, model["ortho_context"])
    return PunktSentenceTokenizer(params)


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one paragraph (no newlines inside)."""
    pieces = []
    for start, end in sentence_tokenizer().span_tokenize(paragraph):
        cut = start
        for dots in _FOUR_DOTS.finditer(paragraph, start, end):
            pieces.append((cut, dots.end()))
            cut = dots.end() + (len(paragraph[dots.end():end]) - len(paragraph[dots.end():end].lstrip()))
        pieces.append((cut, end))

    merged: list[list[int]] = []
    carry = None  # a list marker waiting for its item
    for start, end in pieces:
        piece = paragraph[start:end]
        if carry is not None:
            start, carry = carry, None
        if merged and (_ONLY_DOTS.fullmatch(piece) or _STARTS_LOWER.match(piece)):
            merged[-1][1] = end
        elif _LIST_MARKER.fullmatch(piece):
            carry = start
        else:
            merged.append([start, end])
    if carry is not None:
        merged.append([carry, len(paragraph.rstrip())])
    _move_list_markers(paragraph, merged)
    return [(start, end) for start, end in merged]


def _move_list_markers(paragraph: str, spans: list[list[int]]) -> None:
    """'1. First item 2.' + 'Second item' -> '1. First item' + '2. Second item'.

    Only when the piece opens with a list marker and ends with the next one
    (1 then 2, a then b), so a list item ending in a number keeps it.
    """
    for here, after in zip(spans, spans[1:]):
        piece = paragraph[here[0]:here[1]]
        leading = _LEADING_MARKER.match(piece)
        trailing = _TRAILING_MARKER.search(piece)
        if leading and trailing and _marker_value(trailing.group(2)) == _marker_value(leading.group(1)) + 1:
            after[0] = here[0] + trailing.start(1)
            here[1] = here[0] + trailing.start()


def _marker_value(marker: str) -> int:
    return int(marker) if marker.isdigit() else ord(marker.lower()) - ord("a")


def split_text(text: str) -> list[str]:
    """The sentences of a plain string, paragraph by paragraph (for quick use and tests).

    Parameters
    ----------
    text : any string; each non-empty line is a paragraph.

    Returns the sentences as a list of strings.
    """
    return [
        paragraph.group()[start:end]
        for paragraph in _PARAGRAPH.finditer(text)
        for start, end in sentence_spans(paragraph.group())
    ]


def _paragraphs(text: str):
    """(para_id, start, end) of each non-blank line, trimmed of surrounding spaces."""
    para_id = 0
    for found in _PARAGRAPH.finditer(text):
        line = found.group()
        stripped = line.strip()
        if not stripped:
            continue
        para_id += 1
        start = found.start() + (len(line) - len(line.lstrip()))
        yield para_id, start, start + len(stripped)


def _with_groups(rows: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    groups = group_columns(articles)
    if not groups:
        return rows
    keyed = articles[["doc_id", *groups]]
    merged = rows.merge(keyed, on="doc_id", how="left", validate="many_to_one")
    return merged[["doc_id", *groups, *[c for c in rows.columns if c != "doc_id"]]]


def _title_rows(articles: pd.DataFrame):
    if "title" not in articles.columns:
        return
    for doc_id, title in zip(articles["doc_id"], articles["title"]):
        if isinstance(title, str) and title.strip():
            title = title.strip()
            share = quoted_length(quote_spans(title), 0, len(title)) / len(title)
            yield doc_id, "title", 0, 0, title, 0, len(title), share, False


def split_paragraphs(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per paragraph (one per non-empty line of `text`; the title is paragraph 0).

    Parameters
    ----------
    articles : needs `doc_id` and `text`; uses `title` if present.

    Returns
    -------
    DataFrame with `doc_id`, the group columns, `section` ("title" or "body"),
    `para_id` (0 for the title, then 1, 2, ...), `text`, `start`, `end`
    (offsets into the article's `text`, or into its `title` for the title row).
    """
    require_columns(articles, ("doc_id", "text"), "split_paragraphs")
    require_unique_ids(articles, "split_paragraphs")
    rows = [(doc_id, section, para_id, text, start, end) for doc_id, section, para_id, _, text, start, end, *_ in _title_rows(articles)]
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        text = text if isinstance(text, str) else ""
        rows.extend((doc_id, "body", para_id, text[start:end], start, end) for para_id, start, end in _paragraphs(text))
    columns = ["doc_id", "section", "para_id", "text", "start", "end"]
    table = pd.DataFrame(rows, columns=columns).astype(
        {"doc_id": "str", "section": "str", "para_id": "int64", "text": "str", "start": "int64", "end": "int64"}
    )
    return _with_groups(_in_article_order(table, articles, "para_id"), articles)


def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of each article: the title as one row, then the body's sentences.

    Parameters
    ----------
    articles : needs `doc_id` and `text`; uses `title` if present.

    Returns
    -------
    DataFrame with `doc_id`, the group columns (e.g. `outlet`), `section`
    ("title" or "body"), `para_id`, `sent_id` (0 for the title, then 1, 2, ...
    through the body), `text`, `start`, `end` (so that
    `article.text[start:end] == sentence.text` for body rows; offsets into the
    title for the title row) and `quote_share` (share of the sentence's
    characters inside quotation marks, 0 to 1) and `starts_in_quote` (the
    sentence begins inside a quotation opened by an earlier sentence, so that
    `quote_spans(text, starts_open=True)` gives its quoted parts) and `voice`
    ("quoted" when at least QUOTED_SENTENCE_SHARE of its characters are
    quoted, else "own": the outlet's own voice).
    """
    require_columns(articles, ("doc_id", "text"), "split_sentences")
    require_unique_ids(articles, "split_sentences")
    rows = list(_title_rows(articles))
    for doc_id, text in zip(articles["doc_id"], articles["text"]):
        text = text if isinstance(text, str) else ""
        sent_id = 0
        for para_id, para_start, para_end in _paragraphs(text):
            paragraph = text[para_start:para_end]
            quotes = quote_spans(paragraph)
            for start, end in sentence_spans(paragraph):
                sent_id += 1
                share = quoted_length(quotes, start, end) / (end - start)
                opened = starts_inside(quotes, start)  # a bisection: linear in the paragraph's sentences
                rows.append((doc_id, "body", para_id, sent_id, paragraph[start:end],
                             para_start + start, para_start + end, share, opened))
    columns = ["doc_id", "section", "para_id", "sent_id", "text", "start", "end", "quote_share", "starts_in_quote"]
    table = pd.DataFrame(rows, columns=columns).astype(
        {"doc_id": "str", "section": "str", "para_id": "int64", "sent_id": "int64",
         "text": "str", "start": "int64", "end": "int64", "quote_share": "float64", "starts_in_quote": "bool"}
    )
    table = table.assign(voice=pd.Series(sentence_voice(table["quote_share"]), index=table.index, dtype="str"))
    return _with_groups(_in_article_order(table, articles, "sent_id"), articles)


def _in_article_order(table: pd.DataFrame, articles: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Rows in the articles' order, and in reading order within each article."""
    order = {doc_id: i for i, doc_id in enumerate(articles["doc_id"])}
    return (
        table.assign(_order=table["doc_id"].map(order))
        .sort_values(["_order", unit], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
