"""Properties of the sentence splitter, the term matcher and the measures, on generated text.

Hypothesis writes the texts: news prose cut into pieces and glued back in any order, with quotation marks of
every kind, list markers, ellipses, odd Unicode (the long s, dotted and dotless i, the Kelvin sign, zero-width
and right-to-left marks, line and paragraph separators, emoji, NUL), very long tokens and empty strings.
Seeded (derandomize) and bounded like tests/test_fuzz_loader.py: 100 examples each (25 for the measures) in
`make test`, about 15 s; `make fuzz` sets FUZZ_EXAMPLES=2000 (500 for the measures).
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import analysis as an
from analysis.language.lexicon import load_lexicon, resolve_overlaps
from analysis.measures.agency import FORMS
from analysis.measures.frames import load_frames

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
PROPERTY = settings(deadline=None, max_examples=EXAMPLES, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# The measures cost more per example (article_frames about 0.2 s even on a short text): a quarter as many.
MEASURE = settings(PROPERTY, max_examples=max(25, EXAMPLES // 4))

# -- generated articles ------------------------------------------------------------------------

PROSE = [
    # words the measures look for: the killing and its agents, speech, frames, sentiment
    "The", "the", "US", "U.S.", "United States", "Iran", "Soleimani", "was", "were", "killed", "kills", "killing",
    "assassinated", "assassination", "murder", "by", "a", "drone", "strike", "air strike", "airstrike", "in",
    "said", "says", "told", "reporters", "according to", "he", "she", "they", "officials", "Trump", "Zarif",
    "Russia's", "Foreign Ministry", "spokesman", "the minister", "war", "terrorist", "martyr", "law", "economy",
    "oil", "prices", "great", "terrible", "not", "very", "good", "BAD", "!!!", ":)", "😡", "🇮🇷",
    # sentence and list boundaries the splitter repairs
    ".", ". ", "?", "!", ";", ":", ",", "...", "....", ". . . .", "…", "Lt. Gen.", "No. 10", "Jan. 3", "p.m.",
    "1.", "2.", "a)", "b)", "(", ")", "[", "]", "-", "–", "—",
    # quotation marks, straight, curly, single, guillemets, and apostrophes
    '"', "“", "”", "'", "‘", "’", "«", "»", "„", "’s", "s'",
    # white space of every kind
    " ", " ", " ", "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u2028", "\u2029", "\x0b", "\x0c", "\x85", "\u3000",
    # odd Unicode
    "ſtrike", "İran", "ıran", "IRAN", "straße", "STRAẞE", "\u212aill", "ΣΟΦΊΑ", "ς", "e\u0301", "\u0345",
    "\u200b", "\u200d", "\u200f", "\u202e", "\ufeff", "\x00", "\U0001d518", "ﬁre", "Ǆ",
]
pieces = st.sampled_from(PROSE)
odd_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
# A token as long as a scraped table row or URL, without a space or a sentence end in it.
long_token = st.builds(lambda char, n: char * n, st.sampled_from(["a", "K", "-", "“", "1", "ſ", "é", "."]),
                       st.integers(200, 2000))
texts = st.lists(st.one_of(pieces, pieces, pieces, odd_text, long_token), max_size=30).flatmap(
    lambda parts: st.sampled_from([" ".join(parts), "".join(parts)]))
titles = st.none() | st.just("") | texts


@st.composite
def article_tables(draw) -> pd.DataFrame:
    """One to three articles from two outlets: doc_id, outlet, title, text (as tests/test_segment.py builds them)."""
    n = draw(st.integers(1, 3))
    return pd.DataFrame({
        "doc_id": [f"d{i}" for i in range(n)],
        "outlet": [("A", "B")[i % 2] for i in range(n)],
        "title": [draw(titles) for _ in range(n)],
        "text": [draw(texts) for _ in range(n)],
    })


def _one(text: str, title: str | None = None) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d0"], "outlet": ["A"], "title": [title], "text": [text]})


def _body(articles: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    sentences = an.split_sentences(articles)
    return sentences[sentences["section"] == "body"], dict(zip(articles["doc_id"], articles["text"]))


# -- split_sentences ---------------------------------------------------------------------------

@PROPERTY
@given(article_tables())
@example(_one(""))
@example(_one(" \n\u2028\n "))
@example(_one("“He said 'no' twice.” Then: ‘yes’.\n\n1. One item 2. Two items"))
def test_every_body_sentence_is_the_article_text_between_its_offsets(articles):
    body, text_of = _body(articles)
    for doc_id, start, end, sentence in zip(body["doc_id"], body["start"], body["end"], body["text"]):
        assert text_of[doc_id][start:end] == sentence


@PROPERTY
@given(article_tables())
def test_body_sentences_are_non_empty_in_reading_order_and_never_overlap(articles):
    body, _ = _body(articles)
    for _, sentences in body.groupby("doc_id", sort=False):
        starts, ends = sentences["start"].to_numpy(), sentences["end"].to_numpy()
        assert (starts < ends).all()
        assert (starts[1:] >= ends[:-1]).all()
        assert list(sentences["sent_id"]) == list(range(1, len(sentences) + 1))
        assert (np.diff(sentences["para_id"].to_numpy()) >= 0).all()


@PROPERTY
@given(article_tables())
@example(_one("It was over . . . . Next day came.\n1. The first item 2. The second item"))
def test_every_character_of_the_body_but_white_space_lies_in_a_sentence(articles):
    body, text_of = _body(articles)
    for doc_id, text in text_of.items():
        covered = np.zeros(len(text), bool)
        rows = body[body["doc_id"] == doc_id]
        for start, end in zip(rows["start"], rows["end"]):
            covered[start:end] = True
        lost = [(i, char) for i, char in enumerate(text) if not covered[i] and not char.isspace()]
        assert lost == [], f"characters in no sentence: {lost[:10]}"


@PROPERTY
@given(article_tables())
@example(_one("She said 'he told me \"no\" twice' and left.", title="'a \"b\" a'"))
def test_the_quoted_share_of_every_sentence_lies_between_0_and_1(articles):
    sentences = an.split_sentences(articles)
    assert sentences["quote_share"].between(0, 1).all()


# -- find_terms --------------------------------------------------------------------------------

@PROPERTY
@given(article_tables())
def test_every_term_is_the_sentence_text_between_its_offsets(articles):
    sentences = an.split_sentences(articles)
    hits = an.find_terms(sentences)
    text_of = dict(zip(zip(sentences["doc_id"], sentences["sent_id"]), sentences["text"]))
    for doc_id, sent_id, start, end, match in zip(hits["doc_id"], hits["sent_id"], hits["start"], hits["end"], hits["match"]):
        assert text_of[doc_id, sent_id][start:end] == match


# Letters that Unicode case folding makes equal to others: each class lists what one case-insensitive regex
# character matches (the long s, the Kelvin and Ångström signs, dotted and dotless i, sharp s, final sigma,
# the micro sign, Greek and Cyrillic variant forms, a ligature, the iota subscript U+0345, a title-case digraph).
FOLDING = ["sSſ", "kK\u212a", "iIİı", "ßẞ", "σςΣ", "µμΜ", "åÅ\u212b", "ﬅﬆ", "вВᲀ", "θΘϑϴ", "ιΙ\u0345", "ǅǄǆ",
           "aA", "nN", "éÉ", "1", "_"]
letters = st.sampled_from(FOLDING)


@st.composite
def spellings(draw) -> tuple[str, st.SearchStrategy[str]]:
    """A word of the letters above, and a strategy for writing it in any case."""
    classes = draw(st.lists(letters, min_size=1, max_size=4))
    # The pattern itself is written in letters (U+0345 is a combining mark, not a letter); the text in any of them.
    pattern = "".join(draw(st.sampled_from(c.replace("\u0345", ""))) for c in classes)
    return pattern, st.tuples(*map(st.sampled_from, classes)).map("".join)


@st.composite
def lexicon_and_text(draw) -> tuple[pd.DataFrame, str]:
    """A lexicon of words and phrases over the folding letters (some with a `*`, some case sensitive, some that
    start with punctuation), and a text that writes them in any case, between and inside other words. The lexicon
    is short, or long enough (20 to 60 rows) for the matcher to look patterns up from the text's words instead."""
    words = draw(st.lists(spellings(), min_size=1, max_size=4))
    patterns = []
    for _ in range(draw(st.integers(1, 5) | st.integers(20, 60))):
        phrase = draw(st.lists(st.sampled_from([w for w, _ in words]), min_size=1, max_size=2))
        pattern = " ".join(phrase) + draw(st.sampled_from(["", "", "*"]))
        patterns.append(draw(st.sampled_from(["", "", "#", "'"])) + pattern)
    any_case = st.one_of(*[spelled for _, spelled in words])
    between = st.sampled_from([" ", " ", " ", "  ", "-", "\n", "'", "’", ".", ", ", " #", "x", "", "\x00", "\u0307",
                               "\u0345"])
    text = "".join(draw(st.lists(st.tuples(any_case, between).map("".join), max_size=12)))
    lexicon = pd.DataFrame({"concept": "c", "family": [f"f{i}" for i in range(len(patterns))], "pattern": patterns,
                            "case_sensitive": [draw(st.sampled_from(["", "", "true"])) for _ in patterns]})
    return lexicon, text


def _every_match(lexicon, text: str) -> list[tuple[int, int, int]]:
    """Each pattern tried at every position of the text (no index, no skipping), overlaps resolved as documented."""
    found = [(at, hit.end(), row) for row, pattern in enumerate(lexicon.patterns) for at in range(len(text) + 1)
             if (hit := pattern.match(text, at)) and hit.end() > at]
    return resolve_overlaps(found)


@PROPERTY
@given(lexicon_and_text())
@example((pd.DataFrame({"concept": "c", "family": ["f", "g"], "pattern": ["ſtrike", "kill"]}), "The STRIKE, the \u212aill"))
@example((pd.DataFrame({"concept": ["c"], "family": ["f"], "pattern": ["ιran"]}), "x \u0345ran y ιRAN"))
@example((pd.DataFrame({"concept": ["c"], "family": ["f"], "pattern": ["# #"]}), "# #   #"))
def test_the_indexed_matcher_finds_what_every_pattern_tried_at_every_position_finds(case):
    table, text = case
    hits = an.find_terms(pd.DataFrame({"doc_id": ["d0"], "text": [text]}), lexicon=table)
    expected = [(start, end, table["family"][row]) for start, end, row in _every_match(load_lexicon(table), text)]
    assert list(zip(hits["start"], hits["end"], hits["family"])) == expected


@MEASURE
@given(texts)
@example("The ſtrike on İRAN’s \u212auds Force; Lavrov’s U.S.-led air-strike, the spokeswoman said")
def test_every_shipped_lexicon_finds_with_its_index_what_a_full_scan_finds(text):
    # Lexicon.match looks only where one of its patterns' first words stands (word_index with the lexicon).
    for name in ("terms.csv", "aliases.csv", "speakers.csv"):
        lexicon = load_lexicon(None, default=name)
        assert lexicon.match(text) == _every_match(lexicon, text), name
    frames = load_lexicon(load_frames())
    assert frames.match(text) == _every_match(frames, text)


OVERLAPPING = pd.DataFrame({
    "concept": ["event", "event", "event", "event", "ignore", "event", "actor", "actor"],
    "family": ["strike", "air strike", "drone strike", "strike word", "shadow", "kill", "us", "united"],
    "pattern": ["strike", "air strike", "drone strike*", "strik*", "strike kill", "kill*", "U.S.", "United States"],
})


@PROPERTY
@given(article_tables())
@example(_one("A drone air strike killed him; the air-strike strikes; U.S. United States strike kill."))
def test_overlapping_patterns_never_count_a_character_twice(articles):
    sentences = an.split_sentences(articles)
    hits = an.find_terms(sentences, lexicon=OVERLAPPING)
    for _, found in hits.groupby(["doc_id", "sent_id"]):
        spans = sorted(zip(found["start"], found["end"]))
        assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:])), spans


# -- the measures never raise and stay in range ------------------------------------------------

@MEASURE
@given(article_tables())
@example(_one(""))
@example(_one("Soleimani was killed by the US. " * 40 + "x" * 3000))
def test_classify_agency_never_raises_and_gives_known_forms_at_offsets_in_the_sentence(articles):
    sentences = an.split_sentences(articles)
    agency = an.classify_agency(sentences)
    assert set(agency["form"]) <= set(FORMS)
    text_of = dict(zip(zip(sentences["doc_id"], sentences["sent_id"]), sentences["text"]))
    for doc_id, sent_id, start, end, match in zip(agency["doc_id"], agency["sent_id"], agency["start"], agency["end"],
                                                  agency["match"]):
        assert text_of[doc_id, sent_id][start:end] == match


@MEASURE
@given(article_tables())
@example(_one(""))
@example(_one("“We will respond,” he said. According to Zarif, ‘the US’ told reporters: “no.”"))
def test_find_attributions_never_raises_and_gives_known_kinds_and_groups(articles):
    attributions = an.find_attributions(an.split_sentences(articles))
    assert set(attributions["kind"]) <= {"direct", "indirect", "according_to"}
    assert all(isinstance(group, str) and group for group in attributions["speaker_group"])


@MEASURE
@given(article_tables())
@example(_one(""))
def test_code_frames_never_raises_and_every_cue_names_a_frame_of_the_lexicon(articles):
    cues = an.code_frames(an.split_sentences(articles))
    assert set(cues["frame"]) <= set(load_frames()["frame"])
    assert cues["quoted"].dtype == bool


@MEASURE
@given(article_tables())
@example(_one(""))
@example(_one("\n \n", title="Only a title"))
def test_article_frames_never_raises_and_scores_lie_between_0_and_1(articles):
    frames = an.article_frames(an.split_sentences(articles))
    assert frames["score"].between(0, 1).all()
    assert set(frames["kind"]) <= {"generic", "issue"}


@MEASURE
@given(article_tables(), st.booleans())
@example(_one(""), False)
@example(_one("GREAT!!! " * 300 + "terrible :( " * 300), True)
def test_score_sentences_never_raises_and_every_score_lies_in_its_range(articles, ignore_names):
    sentences = an.split_sentences(articles)
    scored = an.score_sentences(sentences, ignore_names=ignore_names)
    assert len(scored) == len(sentences) and list(scored["text"]) == list(sentences["text"])
    assert scored["compound"].between(-1, 1).all()
    assert scored[["neg", "neu", "pos"]].stack().between(0, 1).all()


@PROPERTY
@given(texts)
@example("SAID he.")
@example("“No,” Zarif said\u00b2 today.")  # a character `re` reads as a word character and the tokenizer does not
@example("He said-so, according to\u0301 them.")
@example("The U.Ssaid it would respond.")  # a token that starts inside a run of letters
def test_a_sentence_the_attribution_prefilter_skips_holds_no_attribution(text):
    from analysis.language.quotes import quote_spans
    from analysis.measures.attribution import _may_attribute, attributions_in

    assert _may_attribute(text) or not attributions_in(text, quote_spans(text))


@PROPERTY
@given(texts, st.integers(0, 400), st.integers(0, 400))
@example("ΠΑΠΑΣ’s remarks", 0, 5)  # Σ lowers to ς at a word's end only
def test_a_piece_of_a_sentence_lowered_is_in_the_sentence_lowered(text, start, length):
    from analysis.measures.attribution import _lower

    assert _lower(text[start:start + length]) in _lower(text)


_PLAIN_VADER = None


def _scores_as_vadersentiment(text: str) -> bool:
    """Whether the package's analyzer gives `text` the four scores vaderSentiment's own gives it."""
    global _PLAIN_VADER
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.measures.sentiment import analyzer

    _PLAIN_VADER = _PLAIN_VADER or SentimentIntensityAnalyzer()
    return analyzer().polarity_scores(text) == _PLAIN_VADER.polarity_scores(text)


@PROPERTY
@given(texts)
@example("kind of great 😀 news")
@example("  Not bad at all!!  ")
def test_the_analyzer_scores_every_text_as_vadersentiment_does(text):
    assert _scores_as_vadersentiment(text)


def _vader_words() -> list[str]:
    """Words every rule of VADER's reads: boosters and dampeners, negations, its idioms and their words, lexicon
    words that are also modifiers, and some of its lexicon, in three casings."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SENTIMENT_LADEN_IDIOMS, SPECIAL_CASES

    from analysis.measures.sentiment import analyzer

    lexicon = sorted(analyzer().lexicon)
    words = [*BOOSTER_DICT, *NEGATE, *SPECIAL_CASES, *SENTIMENT_LADEN_IDIOMS, *lexicon[::97],
             "no", "nor", "or", "never", "so", "this", "without", "doubt", "least", "at", "very", "but", "kind", "of",
             "good", "bad", "great", "hate", "killed", ":)", ":(", ":D", "!", "!!!", "?", "??", "????", "'", ",", "."]
    return sorted({form for word in words for form in (word, word.upper(), word.capitalize())})


# Texts made of VADER's own vocabulary, so that negation, boosters, capitals, "but", "kind of", "least" and the
# idioms meet in every combination; punctuation glued to a word or standing apart.
vader_texts = st.lists(st.tuples(st.sampled_from(_vader_words()), st.sampled_from(["", "", "", ",", ".", "!", "?", "'s"])),
                       max_size=25).map(lambda words: " ".join(word + end for word, end in words))


@settings(PROPERTY, max_examples=EXAMPLES * 5)
@given(vader_texts)
@example("He is not kind of good, but VERY BAD!!")
@example("never so good at least without doubt no or bad")
def test_the_analyzer_scores_vaders_own_vocabulary_as_vadersentiment_does(text):
    assert _scores_as_vadersentiment(text)
