"""Split article bodies into paragraphs and sentences, with offsets and quotation shares.

Sentences come from NLTK's PunktSentenceTokenizer with parameters shipped in
`analysis/data/` (NLTK's pretrained English model, plus news abbreviations and
sentence starters; its algorithm run by `_Punkt`, which gives exactly NLTK's
spans several times faster by reading Punkt's private fields, so only with the
NLTK version it was checked against, FORKED_NLTK), followed by a few repairs Punkt lacks: pieces made only of
ellipsis dots or list markers are joined to their neighbours, a piece that
starts in lower case continues the previous sentence ('"This is great." she
said.'), and a four-dot ellipsis or a bracketed one ('[...]', '[…]') before a
capital ends a sentence. A title or other abbreviation right after an opening
quotation mark keeps its next word ('“Mr. Trump', '‘Gov. Newsom'), and plural
titles ('Sens.', 'Reps.') are abbreviations. Sentences never cross a paragraph
break.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import lru_cache
from importlib.metadata import version

import numpy as np
import pandas as pd
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken

try:  # Punkt's private constants, read by _Punkt alone
    from nltk.tokenize.punkt import _ORTHO_BEG_LC, _ORTHO_LC, _ORTHO_MID_UC, _ORTHO_UC
except ImportError:  # an NLTK without them is not FORKED_NLTK: _punkt() gives NLTK's own tokenizer
    _ORTHO_BEG_LC = _ORTHO_LC = _ORTHO_MID_UC = _ORTHO_UC = 0

from analysis.language.quotes import quote_spans, quoted_length, sentence_voice, starts_inside
from analysis.paths import data_file
from analysis.tables import group_columns, require_columns, require_unique_ids

_PARAGRAPH = re.compile(r"[^\n]+")
_ONLY_DOTS = re.compile(r"[.…\s\"'”’)\]]+")
_LIST_MARKER = re.compile(r"[\W_]*(?:\d{1,3}|[A-Za-z])[.)]+\)?")
_STARTS_LOWER = re.compile(r"[\"'“‘(\[]*[a-z]")
_LEADING_MARKER = re.compile(r"[\W_]*(\d{1,3}|[A-Za-z])[.)]")
_TRAILING_MARKER = re.compile(r"\s+([\W_]*(\d{1,3}|[A-Za-z])[.)]+\)?)$")
_FOUR_DOTS = re.compile(r"(?:\.{4}|\. \. \. \.|\[(?:\.{3}|…|\. \. \.)\])(?=\s+[\"“‘]?[A-Z])")
#: Opening quotation marks that Punkt takes as part of the word after them: '“Mr.' is to it one word, which is not
#: the abbreviation 'Mr.' and so ends a sentence (after '"', which it splits off, 'Mr.' does not).
OPENING_MARKS = frozenset("“‘'«„")
#: Plural titles of news copy, abbreviations like the singular ones in news_abbreviations.txt ('Sens. Kaine and Lee').
PLURAL_TITLES = frozenset({"sens", "reps", "govs", "gens", "drs", "profs", "lts", "sgts", "cols", "capts", "adms"})


def _word_list(name: str) -> set[str]:
    lines = data_file(name).read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """The shared Punkt tokenizer, built once per process from the shipped parameters."""
    model = json.loads(data_file("punkt_english.json").read_text(encoding="utf-8"))
    params = PunktParameters()
    params.abbrev_types = set(model["abbrev_types"]) | _word_list("news_abbreviations.txt") | PLURAL_TITLES
    params.sent_starters = set(model["sent_starters"]) | _word_list("sentence_starters.txt")
    params.collocations = {tuple(pair) for pair in model["collocations"]}
    params.ortho_context = defaultdict(int, model["ortho_context"])
    return PunktSentenceTokenizer(params)


#: The NLTK release whose Punkt internals (private fields and patterns) `_Punkt` reads (requirements.txt pins it).
FORKED_NLTK = "3.10.4"

_ASCII_SPACE_BUT_BLANK = re.compile(r"[\t\n\r\x0b\x0c]")
_REALIGNED_FIRST = frozenset("\"')]}\u2018\u2019\u201c\u201d\xab\xbb")  # what the realignment pattern can start with
_MEMO_LIMIT = 1 << 16  # decisions and tokens remembered, then forgotten (a corpus repeats its contexts)
_MEMO_LONGEST = 200  # characters: longer contexts and tokens (a scraped table) are not worth remembering


class _Punkt:
    """PunktSentenceTokenizer.span_tokenize with realigned boundaries, as NLTK computes it, without its per-token
    objects: the same spans from the same regular expressions and the same decision rules, several times faster.

    NLTK decides each candidate break by tokenising its context ("said. The") into PunktToken objects, annotating
    them in two passes of generators and wrapping every regular expression in a timeout guard; here a context's
    tokens are classified once each (a corpus repeats them) and each context's decision is remembered. A context
    this code does not cover (one holding a newline, never the case within a paragraph) is left to NLTK.
    """

    def __init__(self, tokenizer: PunktSentenceTokenizer):
        lang, params = tokenizer._lang_vars, tokenizer._params
        self._nltk = tokenizer
        self._period_context = _unguarded(lang.period_context_re())
        self._words = _unguarded(lang._word_tokenizer_re())
        self._realignment = _unguarded(lang.re_boundary_realignment)
        self._numeric = _unguarded(PunktToken._RE_NUMERIC)
        self._ellipsis = _unguarded(PunktToken._RE_ELLIPSIS)
        self._initial = _unguarded(PunktToken._RE_INITIAL)
        self._end_chars = tuple(lang.sent_end_chars)
        self._punctuation = tokenizer.PUNCTUATION
        self._abbreviations = params.abbrev_types
        self._collocations = params.collocations
        self._starters = params.sent_starters
        self._ortho = params.ortho_context
        self._decisions: dict[str, bool] = {}
        self._tokens: dict[str, tuple] = {}

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        """PunktSentenceTokenizer.span_tokenize(text) (realign_boundaries=True), as a list."""
        return self._realigned(text, self._slices(text))

    def _contexts(self, text: str):
        """PunktSentenceTokenizer._match_potential_end_contexts: (match, "word. Next") for each candidate break."""
        found = []
        previous, previous_start, previous_stop = None, 0, 0
        only_blanks = _ASCII_SPACE_BUT_BLANK.search(text) is None  # string.whitespace, as NLTK looks for it
        for match in self._period_context.finditer(text):
            at = match.start()
            if only_blanks:
                space = text.rfind(" ", previous_stop, at)
            else:
                space = max(text.rfind(c, previous_stop, at) for c in " \t\n\r\x0b\x0c")
            # NLTK counts a space at the very start of the text between two candidates as no space at all.
            word_start = space + 1 if space > previous_stop else previous_start
            if previous is not None and previous_stop <= word_start:
                found.append((previous, text[previous_start:previous_stop] + previous.group() + previous.group("after_tok")))
            previous, previous_start, previous_stop = match, word_start, at
        if previous is not None:
            found.append((previous, text[previous_start:previous_stop] + previous.group() + previous.group("after_tok")))
        return found

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """PunktSentenceTokenizer._slices_from_text."""
        slices, last_break = [], 0
        for match, context in self._contexts(text):
            if self._breaks(context):
                slices.append((last_break, match.end()))
                last_break = match.start("next_tok") if match.group("next_tok") else match.end()
        slices.append((last_break, len(text.rstrip())))
        return slices

    def _realigned(self, text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """PunktSentenceTokenizer._realign_boundaries: closing quotes and brackets after a break join its sentence."""
        spans, realign, length = [], 0, len(text)
        last = len(slices) - 1
        for k, (start, stop) in enumerate(slices):
            start += realign
            if k < last:
                next_start, next_stop = slices[k + 1]
                hit = None
                if next_start < next_stop and next_start < length and text[next_start] in _REALIGNED_FIRST:
                    hit = self._realignment.match(text[next_start:next_stop])
                if hit:
                    spans.append((start, next_start + len(hit.group(0).rstrip())))
                    realign = hit.end()
                    continue
                realign = 0
            if min(stop, length) > start:  # text[start:stop] is not empty
                spans.append((start, stop))
        return spans

    def _breaks(self, context: str) -> bool:
        """PunktSentenceTokenizer.text_contains_sentbreak(context), remembered."""
        decision = self._decisions.get(context)
        if decision is None:
            if "\n" in context:
                decision = bool(self._nltk.text_contains_sentbreak(context))
            else:
                tokens = [self._token(word) for word in self._words.findall(context)]
                decision = any(self._final_break(tokens[i], tokens[i + 1]) for i in range(len(tokens) - 1))
            if len(context) <= _MEMO_LONGEST:
                if len(self._decisions) >= _MEMO_LIMIT:
                    self._decisions.clear()
                self._decisions[context] = decision
        return decision

    def _token(self, word: str) -> tuple:
        """A PunktToken's first-pass annotation: (type, type without its final period, period_final, sentbreak,
        abbr, ellipsis, is_initial, first_upper, first_lower, is punctuation)."""
        token = self._tokens.get(word)
        if token is None:
            kind = self._numeric.sub("##number##", word.lower())
            period_final = word.endswith(".")
            sentbreak = abbr = ellipsis = False
            if word in self._end_chars:
                sentbreak = True
            elif self._ellipsis.match(word):
                ellipsis = True
            elif period_final and not word.endswith(".."):
                stem = word[:-1].lower()
                if stem in self._abbreviations or stem.split("-")[-1] in self._abbreviations:
                    abbr = True
                else:
                    sentbreak = True
            token = (kind, kind[:-1] if len(kind) > 1 and kind[-1] == "." else kind, period_final, sentbreak, abbr,
                     ellipsis, bool(self._initial.match(word)), word[0].isupper(), word[0].islower(),
                     word in self._punctuation)
            if len(word) <= _MEMO_LONGEST:
                if len(self._tokens) >= _MEMO_LIMIT:
                    self._tokens.clear()
                self._tokens[word] = token
        return token

    def _final_break(self, first: tuple, second: tuple) -> bool:
        """Whether `first` is a sentence break after PunktSentenceTokenizer._second_pass_annotation(first, second)."""
        _, kind, period_final, sentbreak, abbr, ellipsis, initial, _, _, _ = first
        if not period_final:
            return sentbreak
        next_kind = second[1] if second[3] else second[0]  # type_no_sentperiod
        if (kind, next_kind) in self._collocations:
            return False
        if (abbr or ellipsis) and not initial:
            if self._ortho_heuristic(second, next_kind) is True:
                return True
            if second[7] and next_kind in self._starters:
                return True
        if initial or kind == "##number##":
            starter = self._ortho_heuristic(second, next_kind)
            if starter is False:
                return False
            if starter == "unknown" and initial and second[7] and not (self._ortho.get(next_kind, 0) & _ORTHO_LC):
                return False
        return sentbreak

    def _ortho_heuristic(self, token: tuple, kind: str):
        """PunktSentenceTokenizer._ortho_heuristic: True, False or "unknown"."""
        if token[9]:
            return False
        context = self._ortho.get(kind, 0)
        if token[7] and (context & _ORTHO_LC) and not (context & _ORTHO_MID_UC):
            return True
        if token[8] and ((context & _ORTHO_UC) or not (context & _ORTHO_BEG_LC)):
            return False
        return "unknown"


def _unguarded(pattern):
    """The compiled pattern inside NLTK's timeout guard: the package's texts are trusted and only long."""
    return getattr(pattern, "_rx", pattern)


@lru_cache(maxsize=1)
def _punkt() -> PunktSentenceTokenizer | _Punkt:
    """The sentence splitter: `_Punkt` for the NLTK version and configuration it reproduces, else NLTK's own."""
    tokenizer = sentence_tokenizer()
    if version("nltk") != FORKED_NLTK:
        return tokenizer  # _Punkt reads private fields another version may have changed
    if type(tokenizer._lang_vars) is not PunktLanguageVars or tokenizer._Token is not PunktToken:
        return tokenizer  # not the configuration _Punkt reproduces
    return _Punkt(tokenizer)


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of one paragraph (no newlines inside)."""
    pieces = found = _punkt().span_tokenize(paragraph)
    if "...." in paragraph or ". . . ." in paragraph or "[" in paragraph:  # else _FOUR_DOTS cannot match
        pieces = []
        for start, end in found:
            cut = start
            for dots in _FOUR_DOTS.finditer(paragraph, start, end):
                if not paragraph[cut:dots.start()].strip():
                    continue  # an ellipsis opening a sentence ends none
                pieces.append((cut, dots.end()))
                cut = dots.end() + (len(paragraph[dots.end():end]) - len(paragraph[dots.end():end].lstrip()))
            pieces.append((cut, end))

    merged: list[list[int]] = []
    carry = None  # a list marker waiting for its item
    for start, end in pieces:
        piece = paragraph[start:end]
        if carry is not None:
            start, carry = carry, None
        if merged and (_ONLY_DOTS.fullmatch(piece) or _STARTS_LOWER.match(piece)
                       or _ends_in_quoted_abbreviation(paragraph, merged[-1][1])):
            merged[-1][1] = end
        elif _LIST_MARKER.fullmatch(piece):
            carry = start
        else:
            merged.append([start, end])
    if carry is not None:
        merged.append([carry, len(paragraph.rstrip())])
    _move_list_markers(paragraph, merged)
    return [(start, end) for start, end in merged]


def _ends_in_quoted_abbreviation(paragraph: str, end: int) -> bool:
    """Whether the piece ending at `end` ends in an abbreviation just after an opening quotation mark ('He said,
    “Mr.'), which keeps its next word ('Trump is wrong.”'); a closed one ('him “Mr.”') may end a sentence."""
    if paragraph[end - 1] != ".":
        return False
    word = paragraph[paragraph.rfind(" ", 0, end) + 1:end]
    return len(word) > 2 and word[0] in OPENING_MARKS and word[1:-1].lower() in _punkt_abbreviations()


@lru_cache(maxsize=1)
def _punkt_abbreviations() -> frozenset[str]:
    return frozenset(sentence_tokenizer()._params.abbrev_types)


def _move_list_markers(paragraph: str, spans: list[list[int]]) -> None:
    """'1. First item 2.' + 'Second item' -> '1. First item' + '2. Second item'.

    Only when the piece opens with a list marker and ends with the next one
    (1 then 2, a then b), so a list item ending in a number keeps it.
    """
    for here, after in zip(spans, spans[1:]):
        piece = paragraph[here[0]:here[1]]
        leading = _LEADING_MARKER.match(piece)
        if not leading:  # most sentences: the costlier search for a trailing marker is not needed
            continue
        trailing = _TRAILING_MARKER.search(piece)
        if trailing and _marker_value(trailing.group(2)) == _marker_value(leading.group(1)) + 1:
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
    # Column by column, article by article (its title, then its body): already in the order the table is sorted in.
    doc_ids, sections, para_ids, sent_ids, texts, starts, ends, shares, opened = ([] for _ in range(9))
    titles = articles["title"] if "title" in articles.columns else [None] * len(articles)
    counts = []  # rows of each article
    for doc_id, title, text in zip(articles["doc_id"], titles, articles["text"]):
        before = len(doc_ids)
        if isinstance(title, str) and title.strip():
            title = title.strip()
            doc_ids.append(doc_id), sections.append("title"), para_ids.append(0), sent_ids.append(0)
            texts.append(title), starts.append(0), ends.append(len(title)), opened.append(False)
            shares.append(quoted_length(quote_spans(title), 0, len(title)) / len(title))
        text = text if isinstance(text, str) else ""
        sent_id = 0
        for para_id, para_start, para_end in _paragraphs(text):
            paragraph = text[para_start:para_end]
            quotes = quote_spans(paragraph)
            for start, end in sentence_spans(paragraph):
                sent_id += 1
                doc_ids.append(doc_id), sections.append("body"), para_ids.append(para_id), sent_ids.append(sent_id)
                texts.append(paragraph[start:end]), starts.append(para_start + start), ends.append(para_start + end)
                if quotes:
                    shares.append(quoted_length(quotes, start, end) / (end - start))
                    opened.append(starts_inside(quotes, start))  # a bisection: linear in the paragraph's sentences
                else:
                    shares.append(0 / (end - start))
                    opened.append(False)
        counts.append(len(doc_ids) - before)
    shares = np.array(shares, dtype=np.float64)
    table = pd.DataFrame({
        "doc_id": pd.Series(doc_ids).astype("str"), "section": pd.Series(sections, dtype="str"),
        "para_id": np.array(para_ids, dtype=np.int64), "sent_id": np.array(sent_ids, dtype=np.int64),
        "text": pd.Series(texts, dtype="str"), "start": np.array(starts, dtype=np.int64),
        "end": np.array(ends, dtype=np.int64), "quote_share": shares, "starts_in_quote": np.array(opened, dtype=bool),
        "voice": pd.Series(sentence_voice(shares), dtype="str"),
    })
    if _plain_ids(articles["doc_id"], table["doc_id"]):
        return _with_groups_in_order(table, articles, counts)
    return _with_groups(_in_article_order(table, articles, "sent_id"), articles)


def _plain_ids(doc_ids: pd.Series, cast: pd.Series) -> bool:
    """Whether the articles' doc_ids are of the dtype the table's doc_id column is cast to, none missing: then
    the table holds the same values, and its rows, made article by article, are in article order already."""
    return doc_ids.dtype == cast.dtype and not doc_ids.isna().any()


def _with_groups_in_order(rows: pd.DataFrame, articles: pd.DataFrame, counts: list[int]) -> pd.DataFrame:
    """_with_groups(_in_article_order(rows, ...)) for rows made article by article (`counts` rows for each
    article, in the articles' order), without a sort and a merge: each row takes its article's group values."""
    groups = group_columns(articles)
    if not groups:
        return rows
    article = np.repeat(np.arange(len(articles)), counts)
    taken = {column: articles[column].take(article).reset_index(drop=True) for column in groups}
    return pd.DataFrame({"doc_id": rows["doc_id"], **taken,
                         **{column: rows[column] for column in rows.columns if column != "doc_id"}})


def _in_article_order(table: pd.DataFrame, articles: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Rows in the articles' order, and in reading order within each article."""
    order = {doc_id: i for i, doc_id in enumerate(articles["doc_id"])}
    return (
        table.assign(_order=table["doc_id"].map(order))
        .sort_values(["_order", unit], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
