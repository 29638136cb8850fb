"""Terminology: which words each outlet uses for the event and its actors.

Matching follows the rules in `analysis.language.lexicon`; every hit records whether it
stands inside a quotation, so an outlet's own word choice is never confused
with the words it quotes (often in translation).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.language.lexicon import IGNORE, join_texts, load_lexicon, locate
from analysis.language.quotes import inside, quote_spans
from analysis.language.tokens import WORDS
from analysis.measures.stats import BY_ARTICLES, REPLICATES, SEED, article_interval, group_rng
from analysis.cache import memoised
from analysis.tables import (
    AlignedTable,
    By,
    group_columns,
    group_key,
    group_label,
    require_by,
    require_columns,
    split_by,
)

#: Entities whose spelling is a house-style fingerprint (transliteration, abbreviation).
FINGERPRINT_ENTITIES = ("Soleimani", "Sergey Lavrov", "United States", "Wang Yi", "UN")
def _quotes(text: str, starts_open: bool) -> list[tuple[int, int]]:
    return quote_spans(text, starts_open=bool(starts_open))


def find_terms(texts: pd.DataFrame, *, lexicon: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Every lexicon match in a sentence table (or any table with `doc_id` and `text`).

    Parameters
    ----------
    texts : sentences from split_sentences, or any table with `doc_id`, `text`.
    lexicon : DataFrame or CSV with `concept, family, pattern` (optional
        `case_sensitive`); default the shipped `analysis/data/terms.csv`.

    Returns
    -------
    DataFrame, one row per match: `doc_id`, the group columns, `section`,
    `sent_id`, `concept`, `family`, `pattern`, `match` (the text as written),
    `start`, `end` (offsets in the row's `text`), `quoted` (the match lies
    inside quotation marks). Overlapping matches count once (the longest);
    `ignore` rows are dropped after shadowing.
    """
    require_columns(texts, ("doc_id", "text"), "find_terms")
    compiled = load_lexicon(lexicon)
    joined, starts = join_texts(texts["text"])
    matches = compiled.match(joined)

    rows = [locate(starts, start) for start, _, _ in matches]
    table = compiled.table
    concept, family, pattern = (table[c].to_numpy() for c in ("concept", "family", "pattern"))
    keep = [i for i, (_, _, row) in enumerate(matches) if concept[row] != IGNORE]
    texts = texts.reset_index(drop=True)
    text_of = texts["text"].to_numpy()
    opened = texts["starts_in_quote"].to_numpy() if "starts_in_quote" in texts.columns else np.zeros(len(texts), bool)
    spans_cache: dict[int, list[tuple[int, int]]] = {}
    records = []
    for i in keep:
        start, end, row = matches[i]
        line = rows[i]
        offset = starts[line]
        if line not in spans_cache:
            spans_cache[line] = _quotes(text_of[line], opened[line])
        records.append((line, concept[row], family[row], pattern[row],
                        joined[start:end], start - offset, end - offset, inside(spans_cache[line], start - offset, end - offset)))
    hits = pd.DataFrame(records, columns=["_line", "concept", "family", "pattern", "match", "start", "end", "quoted"])
    hits = hits.astype({"_line": "int64", "concept": "str", "family": "str", "pattern": "str", "match": "str",
                        "start": "int64", "end": "int64", "quoted": "bool"})
    context = [c for c in ["doc_id", *group_columns(texts), "section", "sent_id"] if c in texts.columns]
    located = texts.loc[hits["_line"], context].reset_index(drop=True)
    return pd.concat([located, hits.drop(columns="_line")], axis=1)


def voice_words(sentences: pd.DataFrame) -> pd.DataFrame:
    """Word counts of each sentence in the outlet's own voice and inside quotation marks.

    Parameters
    ----------
    sentences : table from split_sentences (needs `doc_id`, `text`; uses `starts_in_quote`).

    Returns the sentence table's `doc_id`, group columns, `section`, `sent_id`
    plus `own_words` and `quoted_words`.
    """
    require_columns(sentences, ("doc_id", "text"), "voice_words")
    opened = sentences["starts_in_quote"] if "starts_in_quote" in sentences.columns else [False] * len(sentences)
    own, quoted = [], []
    for text, starts_open in zip(sentences["text"], opened):
        spans = _quotes(text, starts_open)
        words = list(WORDS.span_tokenize(text))
        inside_count = sum(inside(spans, start, end) for start, end in words) if spans else 0
        quoted.append(inside_count)
        own.append(len(words) - inside_count)
    context = [c for c in ["doc_id", *group_columns(sentences), "section", "sent_id"] if c in sentences.columns]
    return sentences[context].assign(own_words=own, quoted_words=quoted)


@memoised
def term_rates(
    hits: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    by: By = "outlet",
    lexicon: pd.DataFrame | str | Path | None = None,
    seed: int = SEED,
    replicates: int = REPLICATES,
) -> pd.DataFrame:
    """Matches per 1,000 words for each group and family, own voice and quoted apart, with 95% intervals.

    Parameters
    ----------
    hits : table from find_terms on `sentences`.
    sentences : the sentence table the hits came from (title and body rows).
    by : the group column, or a list of them (any metadata column of the articles).
    lexicon : the lexicon the hits came from, to list families with no match (default shipped).
    seed, replicates : the bootstrap's seed and number of replicates.

    Returns
    -------
    DataFrame, one row per group x family x voice: the `by` column(s), `concept`, `family`,
    `voice` ("own" or "quoted"), `n` (matches), `words` (in that voice),
    `per_1k`, `low`, `high` (95% percentile bootstrap interval over articles; NaN
    where the group has fewer than MIN_ARTICLES_FOR_INTERVAL articles), `resampled`
    ("articles", or "none: fewer than 5 articles") and `units` (the articles
    resampled; 0 without an interval).
    """
    groups = require_by(sentences, by, "term_rates (sentences)")
    require_by(hits, groups, "term_rates (hits)")
    require_columns(hits, ("doc_id", "family", "quoted"), "term_rates (hits)")
    require_columns(sentences, ("doc_id", "text"), "term_rates (sentences)")
    families = _families(lexicon, hits)
    words = voice_words(sentences)
    hits_of = {values: rows for values, _, rows in split_by(hits, groups)}
    rows = []
    unit = ["doc_id"]  # articles: the units an interval resamples
    for values, name, group_words in split_by(words, groups):
        group_hits = hits_of.get(values, hits.iloc[0:0])
        unit_words = group_words.groupby(unit, sort=True)[["own_words", "quoted_words"]].sum()
        rng = group_rng(name, seed)
        for voice, quoted_flag, column in (("own", False, "own_words"), ("quoted", True, "quoted_words")):
            counts = (
                group_hits[group_hits["quoted"] == quoted_flag]
                .groupby(unit + ["family"]).size()
                .unstack("family", fill_value=0)
                .reindex(index=unit_words.index, columns=families["family"], fill_value=0)
            )
            low, high, resampled = article_interval(counts.to_numpy(), unit_words[column].to_numpy(), scale=1000,
                                                    rng=rng, replicates=replicates)
            total_words = int(unit_words[column].sum())
            for j, (concept, family) in enumerate(zip(families["concept"], families["family"])):
                n = int(counts[family].sum())
                rows.append((*values, concept, family, voice, n, total_words,
                             1000 * n / total_words if total_words else np.nan, low[j], high[j],
                             resampled, len(unit_words) if resampled == BY_ARTICLES else 0))
    columns = [*groups, "concept", "family", "voice", "n", "words", "per_1k", "low", "high", "resampled", "units"]
    return pd.DataFrame(rows, columns=columns)


def _families(lexicon, hits: pd.DataFrame) -> pd.DataFrame:
    """Families in lexicon order (ignore rows dropped), plus any in the hits but not the lexicon."""
    table = load_lexicon(lexicon).table
    families = table.loc[table["concept"] != IGNORE, ["concept", "family"]].drop_duplicates("family")
    extra = hits.loc[~hits["family"].isin(families["family"]), ["concept", "family"]].drop_duplicates("family")
    return pd.concat([families, extra], ignore_index=True)


@memoised
def kwic(sentences: pd.DataFrame, pattern: str | list[str], *, window: int = 8) -> pd.DataFrame:
    """Keyword in context: each match of `pattern` with up to `window` words either side, within its sentence.

    Parameters
    ----------
    sentences : table from split_sentences (or any table with `doc_id`, `text`).
    pattern : a lexicon pattern ("assassinat*") or a list of them.
    window : words of context on each side.

    Returns
    -------
    DataFrame, one row per match: `doc_id`, group columns, `section`,
    `sent_id`, `pattern`, `left`, `match`, `right`, `quoted`.
    """
    patterns = [pattern] if isinstance(pattern, str) else list(pattern)
    lexicon = pd.DataFrame({"concept": "kwic", "family": patterns, "pattern": patterns})
    hits = find_terms(sentences, lexicon=lexicon)
    keys = ["doc_id", "sent_id"] if "sent_id" in sentences.columns else ["doc_id"]
    texts = dict(zip(sentences[keys].itertuples(index=False, name=None), sentences["text"]))
    left, right = [], []
    for record in hits.itertuples(index=False):
        text = texts[tuple(getattr(record, key) for key in keys)]
        left.append(" ".join(_words_before(text, record.start, window)))
        right.append(" ".join(_words_after(text, record.end, window)))
    context = [c for c in hits.columns if c not in ("concept", "family", "pattern", "match", "start", "end", "quoted")]
    return hits[context].assign(pattern=hits["pattern"], left=left, match=hits["match"], right=right, quoted=hits["quoted"])


#: Characters of context read first around a KWIC match; doubled until it holds enough words.
_CONTEXT_CHARACTERS = 256


def _words_before(text: str, start: int, count: int) -> list[str]:
    """The last `count` words of text[:start] (as text[:start].split()[-count:]), reading only as far back as they go.

    Splitting all the text before each match made KWIC of a long sentence cost the square of its length.
    """
    if count <= 0:
        return []
    reach = _CONTEXT_CHARACTERS
    while True:
        begin = max(0, start - reach)
        words = text[begin:start].split()
        # One word more than needed: the first may be cut, the others are whole (whitespace precedes them).
        if begin == 0 or len(words) > count:
            return words[-count:]
        reach *= 2


def _words_after(text: str, end: int, count: int) -> list[str]:
    """The first `count` words of text[end:] (as text[end:].split()[:count]), reading only as far as they go."""
    if count <= 0:
        return []
    reach = _CONTEXT_CHARACTERS
    while True:
        stop = min(len(text), end + reach)
        words = text[end:stop].split()
        if stop == len(text) or len(words) > count:
            return words[:count]
        reach *= 2


@memoised
def name_variants(sentences: pd.DataFrame, *, by: By = "outlet", aliases: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Which spelling of each entity each group uses: a fingerprint of house style.

    Parameters
    ----------
    sentences : sentence table.
    by : the group column, or a list of them.
    aliases : DataFrame or CSV with `entity, variant, pattern` (default the shipped aliases.csv).

    Returns
    -------
    DataFrame with the `by` column(s), `entity`, `variant`, `n` (mentions) and
    `share` (of the entity's mentions in that group), one row per variant used.
    """
    groups = require_by(sentences, by, "name_variants")
    require_columns(sentences, ("doc_id", "text"), "name_variants")
    hits = find_terms(sentences, lexicon=load_lexicon(aliases, default="aliases.csv").table)
    counts = hits.groupby([*groups, "concept", "family"], sort=True).size().rename("n").reset_index()
    counts = counts.rename(columns={"concept": "entity", "family": "variant"})
    share = counts["n"] / counts.groupby([*groups, "entity"])["n"].transform("sum")
    return counts.assign(share=share.round(4))


def first_mention(hits: pd.DataFrame, sentences: pd.DataFrame, *, lexicon=None, concept: str | None = "event") -> pd.DataFrame:
    """Where each family first appears in each article: the title, the first paragraph, or how far into the body.

    Parameters
    ----------
    hits : table from find_terms on `sentences`.
    sentences : the sentence table (needs `doc_id`, `section`, `para_id`, `sent_id`, `start`, `end`).
    lexicon : the lexicon the hits came from, to list families never used (default shipped).
    concept : only families of this concept (None: all).

    Returns
    -------
    DataFrame, one row per article x family: `doc_id`, group columns,
    `concept`, `family`, `in_title` (bool), `where` ("title", "first
    paragraph", "body" or "not used"), `para_id` and `sent_id` of the first
    body mention, `position` (its start as a share of the body's length, 0 to
    1; NaN if not in the body) and `n` (matches in the article).
    """
    require_columns(sentences, ("doc_id", "section", "para_id", "sent_id", "start", "end"), "first_mention")
    require_columns(hits, ("doc_id", "section", "sent_id", "family", "concept"), "first_mention (hits)")
    families = _families(lexicon, hits)
    if concept is not None:
        families = families[families["concept"] == concept]
    body = sentences[sentences["section"] == "body"]
    body_length = body.groupby("doc_id")["end"].max()
    located = hits.merge(sentences[["doc_id", "sent_id", "para_id", "start"]].rename(columns={"start": "sent_start"}),
                         on=["doc_id", "sent_id"], how="left")
    groups = group_columns(sentences)
    articles = sentences.drop_duplicates("doc_id")[["doc_id", *groups]]
    # One pass over the hits per question (not a filtered table per article and family: that was minutes on 2,000 articles).
    count = located.groupby(["doc_id", "family"]).size().to_dict()
    in_titles = set(zip(located.loc[located["section"] == "title", "doc_id"], located.loc[located["section"] == "title", "family"]))
    firsts = (located[located["section"] == "body"].sort_values(["doc_id", "family", "sent_id", "start"], kind="stable")
              .drop_duplicates(["doc_id", "family"]))
    first_of = {(d, f): (p, s, a + b) for d, f, p, s, a, b in zip(firsts["doc_id"], firsts["family"], firsts["para_id"],
                                                                  firsts["sent_id"], firsts["sent_start"], firsts["start"])}
    rows = []
    for doc_id, *values in articles.itertuples(index=False, name=None):
        for family_concept, family in zip(families["concept"], families["family"]):
            in_title = (doc_id, family) in in_titles
            if (doc_id, family) in first_of:
                para_id, sent_id, offset = first_of[doc_id, family]
                para_id, sent_id = int(para_id), int(sent_id)
                position = offset / body_length.get(doc_id, np.nan)
            else:
                para_id = sent_id = -1
                position = np.nan
            where = "title" if in_title else "first paragraph" if para_id == 1 else "body" if para_id > 1 else "not used"
            rows.append((doc_id, *values, family_concept, family, in_title, where,
                         para_id, sent_id, round(float(position), 4) if position == position else np.nan,
                         count.get((doc_id, family), 0)))
    columns = ["doc_id", *groups, "concept", "family", "in_title", "where", "para_id", "sent_id", "position", "n"]
    return pd.DataFrame(rows, columns=columns)


def family_totals(rates: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """Own-voice and quoted matches together, per group and family.

    Parameters
    ----------
    rates : table from term_rates.
    by : the group column(s) term_rates was given.

    Returns
    -------
    DataFrame with the `by` column(s), `concept`, `family`, `n_own`, `n_quoted`, `n`,
    `words` (all words of the group) and `per_1k` (all matches per 1,000 words).
    """
    groups = require_by(rates, by, "family_totals")
    require_columns(rates, ("concept", "family", "voice", "n", "words"), "family_totals")
    wide = rates.pivot_table(index=[*groups, "concept", "family"], columns="voice", values=["n", "words"],
                             aggfunc="sum", fill_value=0)
    table = pd.DataFrame({
        "n_own": wide[("n", "own")], "n_quoted": wide[("n", "quoted")],
        "words": wide[("words", "own")] + wide[("words", "quoted")],
    }).reset_index()
    table = table.assign(n=table["n_own"] + table["n_quoted"])
    table = table.assign(per_1k=(1000 * table["n"] / table["words"].where(table["words"] > 0)).round(3))
    order = {family: i for i, family in enumerate(dict.fromkeys(rates["family"]))}
    table = table.sort_values([*groups, "family"], key=lambda c: c.map(order) if c.name == "family" else c, kind="stable")
    return table[[*groups, "concept", "family", "n_own", "n_quoted", "n", "words", "per_1k"]].reset_index(drop=True)


def show_kwic(lines: pd.DataFrame, *, by: By = "outlet", per_group: int | None = 20) -> AlignedTable:
    """KWIC lines to read, group after group: the keyword in a column of its own, centred, the left context
    aligned to it from the right and the right context from the left, so the keywords stand one under another.

    Parameters
    ----------
    lines : table from kwic.
    by : the group column, or a list of them.
    per_group : lines shown per group, in the order kwic found them (None: all); the caption counts the rest.

    Returns
    -------
    AlignedTable (shows itself in a notebook) whose `table` holds the lines shown: the `by` column(s),
    `left`, `match`, `right`, `quoted` ("quoted" inside quotation marks, else empty) and `doc_id`.
    """
    groups = require_by(lines, by, "show_kwic")
    require_columns(lines, ("doc_id", "left", "match", "right", "quoted"), "show_kwic")
    ordered = lines.sort_values(groups, kind="stable")
    shown = ordered if per_group is None else ordered.groupby(groups, sort=False).head(per_group)
    table = shown[[*groups, "left", "match", "right"]].assign(
        quoted=np.where(shown["quoted"].astype(bool), "quoted", ""), doc_id=shown["doc_id"]).reset_index(drop=True)
    patterns = ", ".join(dict.fromkeys(lines["pattern"])) if "pattern" in lines.columns else ""
    caption = (f"{patterns}: " if patterns else "") + (f"{len(lines)} line(s)" if len(lines) else "no matches")
    if len(shown) < len(lines):
        caption += f", the first {per_group} of each group shown ({len(lines) - len(shown)} left out)"
    return AlignedTable(table, align={"left": "right", "match": "center", "right": "left"},
                        nowrap=("left", "match", "right"), bold=("match",), caption=caption)


def kwic_side_by_side(lines: pd.DataFrame, *, by: By = "outlet") -> pd.DataFrame:
    """KWIC lines as one column per group, for reading outlets side by side.

    Parameters
    ----------
    lines : table from kwic.
    by : the group column, or a list of them (the column names then join their values with " · ").

    Returns
    -------
    DataFrame indexed by `line` (1, 2, ... within each group) with one column per
    group; each cell reads "left [MATCH] right", with "(quoted)" appended inside
    quotations, and is empty where a group has fewer lines. No lines: no columns.
    """
    groups = require_by(lines, by, "kwic_side_by_side")
    require_columns(lines, ("left", "match", "right", "quoted"), "kwic_side_by_side")
    if lines.empty:
        return pd.DataFrame(index=pd.Index([], name="line", dtype="int64"))
    labels = [group_label(group_key(tuple(values))) for values in lines[groups].itertuples(index=False, name=None)]
    cells = lines.assign(
        _group=labels,
        line=lines.groupby(groups).cumcount() + 1,
        cell=lines["left"] + " [" + lines["match"].str.upper() + "] " + lines["right"]
        + np.where(lines["quoted"], " (quoted)", ""),
    )
    table = cells.pivot(index="line", columns="_group", values="cell").fillna("")
    return table.rename_axis(columns=groups[0] if len(groups) == 1 else " · ".join(groups))
