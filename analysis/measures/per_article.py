"""One row per article with every measure: the table a researcher takes into R or Stata.

`article_measures` gathers what the notebooks compute per group, per article
instead, beside the article's metadata; `measure_dictionary` says for each
column what it is, its unit and how it was computed.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.cache import memoised
from analysis.language.lexicon import load_lexicon
from analysis.language.tokens import count_words
from analysis.measures.agency import FORMS, classify_agency
from analysis.measures.article_frames import article_frames
from analysis.measures.attribution import find_attributions
from analysis.measures.sentiment import score_sentences
from analysis.measures.terms import find_terms
from analysis.tables import UNIT_COLUMNS, group_columns, require_columns

#: Metadata columns too long to repeat in a table of measures.
LEFT_OUT = ("raw", "text", "standfirst")


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).casefold()).strip("_")


@memoised
def article_measures(
    articles: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    by_section: bool = False,
    scored: pd.DataFrame | None = None,
    hits: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every measure per article (or per article and section), with the article's metadata.

    Parameters
    ----------
    articles : table from load_articles.
    sentences : split_sentences of the same articles.
    by_section : one row per article and section ("title", "body") instead of per article,
        so that headline and body can be compared within any group; the article-level
        measures (frames, agency, speakers) are then left out.
    scored : score_sentences of `sentences`, if already computed (else scored here).
    hits : find_terms of `sentences`, if already computed (else found here).

    Returns one row per article (and `section`): `doc_id`, the metadata columns, `words`,
    `sentences`, `quote_share`, `rate_<family>` (term matches per 1,000 words, headline
    included), `compound_own`, `compound_quoted` (mean VADER compound of the sentences in
    each voice), and per article `frame_<frame>` (article_frames score), `agency_<form>`
    (mentions of the killing in each form) and `speaker_<group>` (attributions per speaker
    group). `measure_dictionary(table)` describes every column.
    """
    require_columns(articles, ("doc_id",), "article_measures")
    require_columns(sentences, ("doc_id", "section", "sent_id", "text", "quote_share", "voice"), "article_measures")
    scored = score_sentences(sentences) if scored is None else scored
    hits = find_terms(sentences) if hits is None else hits
    keys = ["doc_id", "section"] if by_section else ["doc_id"]
    units = scored.assign(words=[count_words(text) for text in scored["text"]],
                          quoted_chars=scored["text"].str.len() * scored["quote_share"],
                          chars=scored["text"].str.len())
    table = units.groupby(keys, sort=False).agg(words=("words", "sum"), sentences=("sent_id", "size"),
                                                quoted_chars=("quoted_chars", "sum"), chars=("chars", "sum"))
    table["quote_share"] = (table.pop("quoted_chars") / table.pop("chars")).fillna(0.0).round(4)
    matches = hits.groupby([*keys, "family"], sort=True).size().unstack("family", fill_value=0)
    families = sorted(set(load_lexicon().table["family"]) | set(matches.columns))  # the same columns on any corpus
    matches = matches.reindex(index=table.index, columns=families, fill_value=0)
    rates = matches.div(table["words"].where(table["words"] > 0), axis=0).mul(1000).fillna(0.0).round(3)
    table = table.join(rates.rename(columns=lambda family: f"rate_{_slug(family)}"))
    voices = units.pivot_table(index=keys, columns="voice", values="compound", aggfunc="mean", observed=True)
    for voice in ("own", "quoted"):
        table[f"compound_{voice}"] = voices[voice].reindex(table.index) if voice in voices.columns else float("nan")
    if not by_section:
        table = table.join(_article_level(sentences).reindex(table.index))
    metadata = [c for c in group_columns(articles) if c not in LEFT_OUT and c not in UNIT_COLUMNS]
    result = articles[["doc_id", *metadata]].merge(table.reset_index(), on="doc_id", how="right")
    order = ["doc_id", *(["section"] if by_section else []), *metadata]
    return result[order + [c for c in result.columns if c not in order]].reset_index(drop=True)


def _article_level(sentences: pd.DataFrame) -> pd.DataFrame:
    """Frames, agency forms and speaker groups per article, as wide columns indexed by doc_id."""
    frames = article_frames(sentences).pivot_table(index="doc_id", columns="frame", values="score", observed=True)
    # observed=False: every form and speaker group the shipped lists know gets a column, used or not.
    agency = (classify_agency(sentences).groupby(["doc_id", "form"]).size().unstack("form", fill_value=0)
              .reindex(columns=list(FORMS), fill_value=0))
    speakers = (find_attributions(sentences).groupby(["doc_id", "speaker_group"], observed=False).size()
                .unstack("speaker_group", fill_value=0))
    parts = [frames.rename(columns=lambda f: f"frame_{_slug(f)}"),
             agency.rename(columns=lambda f: f"agency_{_slug(f)}"),
             speakers.rename(columns=lambda g: f"speaker_{_slug(g)}")]
    wide = pd.concat(parts, axis=1)
    counts = [c for c in wide.columns if not c.startswith("frame_")]
    return wide.assign(**{c: wide[c].fillna(0).astype("int64") for c in counts})


#: What each kind of column holds: (prefix or name, unit, how computed).
DICTIONARY = (
    ("doc_id", "identifier", "the article's id (its file name without extension, or the table's id column)"),
    ("section", "title / body", "the part of the article the row counts (by_section=True)"),
    ("words", "words", "words of the row's sentences (letters and digits; hyphenated words count once)"),
    ("sentences", "sentences", "sentences from split_sentences, headline included"),
    ("quote_share", "share 0-1", "share of the characters inside quotation marks"),
    ("rate_", "per 1,000 words", "term matches of the family (analysis/data/terms.csv) per 1,000 words, any voice"),
    ("compound_own", "VADER compound -1 to 1", "mean compound of the sentences in the outlet's own voice"),
    ("compound_quoted", "VADER compound -1 to 1", "mean compound of the sentences that are mostly quotation"),
    ("frame_", "score 0-1", "article_frames score: the codebook model (generic frames) or cue share (issue frames)"),
    ("agency_", "mentions", "mentions of the killing in this grammatical form (classify_agency)"),
    ("speaker_", "attributions", "attributions to a speaker of this group (find_attributions)"),
)


def measure_dictionary(table: pd.DataFrame) -> pd.DataFrame:
    """What each column of an `article_measures` table is: `column`, `unit`, `how` (metadata columns say so).

    Parameters
    ----------
    table : table from article_measures.
    """
    rows = []
    for column in table.columns:
        entry = next(((unit, how) for key, unit, how in DICTIONARY
                      if column == key or (key.endswith("_") and column.startswith(key))), None)
        unit, how = entry or ("as given", "metadata of the corpus, copied from its metadata file or table")
        rows.append({"column": column, "unit": unit, "how": how})
    return pd.DataFrame(rows)
