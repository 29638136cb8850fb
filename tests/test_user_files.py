"""What a user passes in, lexicons, boilerplate rules and odd texts, gives a one-line error naming the file and the
row, or a number in range: never a raw pandas or regex exception, a hang, or a share above 1."""

from __future__ import annotations

import os
import time

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import analysis as an
from analysis.corpus.clean import clean_article, load_rules
from analysis.language.lexicon import join_texts, load_lexicon, resolve_overlaps
from analysis.language.quotes import quote_spans
from analysis.paths import data_file
from conftest import SEEDS

# Seeded and bounded for CI; FUZZ_EXAMPLES=2000 runs them longer (as for tests/test_fuzz_loader.py).
PROPERTY = settings(deadline=None, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "200")), derandomize=True)


# -- lexicon files -----------------------------------------------------------------------------

@pytest.mark.parametrize("content, message", [
    ('concept,family,pattern\nevent,killing,"kill*\n', r"lexicon\.csv: the lexicon file cannot be read as CSV"),
    ("", r"lexicon\.csv: the lexicon file is empty"),
    ("concept,pattern\nevent,kill*\n", r"lexicon\.csv: missing column\(s\) \['family'\]"),
    ("concept,family,pattern\nevent,killing,kill*\nevent,any,*\n", r"lexicon\.csv: row 3 pattern '\*'.*start of a word"),
    ("concept,family,pattern\nevent,killing,\n", r"lexicon\.csv: row 2 pattern '': empty pattern"),
])
def test_a_bad_lexicon_file_is_a_corpus_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "lexicon.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(an.CorpusError, match=message):
        load_lexicon(path)


@pytest.mark.parametrize("pattern", ["*", "* strike", "*ing", "air *", "u.s.*"])
def test_a_star_that_does_not_follow_the_start_of_a_word_is_refused(pattern):
    with pytest.raises(ValueError, match=r"'\*' must follow the start of a word"):
        an.compile_pattern(pattern)


def test_a_star_after_the_start_of_a_word_still_matches_the_rest_of_it():
    assert an.compile_pattern("assassinat*").findall("assassinated, assassination") == ["assassinated", "assassination"]


# -- boilerplate rule files --------------------------------------------------------------------

ARTICLE = "Body text is here.\nAdvertisement\nMore body text here."


@pytest.mark.parametrize("content, message", [
    ('name,pattern\nad,"advert.*\n', r"rules\.csv: the boilerplate rules file cannot be read as CSV"),
    ("", r"rules\.csv: the boilerplate rules file is empty"),
    ("name\nad\n", r"rules\.csv: missing column\(s\) \['pattern'\]"),
    ("name,pattern\nad,(unclosed\n", r"rules\.csv: rule 'ad': bad pattern '\(unclosed'"),
])
def test_a_bad_rules_file_is_a_corpus_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "rules.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(an.CorpusError, match=message):
        load_rules(path)


@pytest.mark.parametrize("pattern", ["(?i)advert.*", "(?s)advert.*", "(?x) advert .*  # a comment", "(?i)(?s)advert.*"])
def test_inline_flags_at_the_start_of_a_rule_apply_to_that_rule(pattern):
    rules = load_rules(pd.DataFrame({"name": ["ad", "share"], "pattern": [pattern, "share"]}))
    cleaned = clean_article(ARTICLE + "\nShare", rules=rules)
    assert [(text, rule) for _, text, rule in cleaned.removed] == [("Advertisement", "ad"), ("Share", "share")]


def test_inline_flags_inside_a_rule_are_named_with_how_to_write_them(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("name,pattern\nad,advert(?i).*\n", encoding="utf-8")
    with pytest.raises(an.CorpusError, match=r"rules\.csv: rule 'ad': bad pattern .*put inline flags at the very start"):
        load_rules(path)


def test_a_rule_that_backtracks_catastrophically_is_named_within_a_second(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("name,pattern\nshare,share\nslow,(a|aa)+b\n", encoding="utf-8")
    rules = load_rules(path)
    started = time.perf_counter()
    with pytest.raises(an.CorpusError, match=r"rules\.csv: rule\(s\) \['slow'\] took over 0\.1 s on one line"):
        clean_article("Body text is here.\n" + "a" * 30 + "!", rules=rules)
    assert time.perf_counter() - started < 1


def test_a_nested_quantifier_on_a_30_character_line_returns_at_once():
    rules = load_rules(pd.DataFrame({"name": ["nested"], "pattern": ["(a+)+b"]}))
    started = time.perf_counter()
    cleaned = clean_article("Body text is here.\n" + "a" * 30 + "b\n" + "a" * 30 + "!", rules=rules)
    assert time.perf_counter() - started < 0.5
    assert [(line, rule) for line, _, rule in cleaned.removed] == [(2, "nested")]


def test_the_shipped_rules_passed_as_a_users_file_clean_the_seeds_alike():
    """A user's rules run on the `regex` module with a time limit, the shipped ones on `re`: same lines."""
    shipped = an.load_articles(SEEDS)
    as_user = an.load_articles(SEEDS, rules=data_file("boilerplate.csv"))
    pd.testing.assert_frame_equal(shipped, as_user)


# -- quotation spans ---------------------------------------------------------------------------

def test_single_quotes_wrapping_double_quotes_are_one_span():
    text = "She said 'he told me \"no\" twice' and left."
    assert quote_spans(text) == [(9, 32)]
    share = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "text": [text]}))["quote_share"]
    assert list(share) == [pytest.approx(23 / len(text))]


# Pieces rather than single characters, so that quotations open and close at word edges as in print.
quoted_text = st.lists(st.sampled_from([" ", "a", "b.", "'a", "a'", "‘a", "a’", "’s", '"', "“", "”", "'", ",", "\n"]),
                       max_size=30).map("".join)


@PROPERTY
@given(quoted_text)
@example("'a \"b\" a'")  # single quotes wrapping double ones, as fuzzing found
def test_quote_spans_are_sorted_and_never_overlap(text):
    spans = quote_spans(text)
    assert all(0 <= start < end <= len(text) for start, end in spans)
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))


@PROPERTY
@given(quoted_text, quoted_text)
def test_quote_share_lies_between_0_and_1(body, title):
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "title": [title], "text": [body]}))
    assert sentences["quote_share"].between(0, 1).all()


# -- the indexed matcher and a full scan -------------------------------------------------------

LEXICON = pd.DataFrame({
    "concept": "c",
    "family": ["strike", "iran", "kill", "strasse", "airstrike", "us", "sigma", "kelvin"],
    "pattern": ["strike", "iran*", "kill", "straße", "air strike", "U.S.", "σοφία", "kelvin"],
})


def _full_scan(lexicon, text):
    return resolve_overlaps([(m.start(), m.end(), row) for row, pattern in enumerate(lexicon.patterns)
                             for m in pattern.finditer(text)])


def test_the_long_s_is_an_s_to_the_indexed_matcher_too():
    hits = an.find_terms(pd.DataFrame({"doc_id": ["a"], "text": ["The ſtrike on İran; the STRIKE; ıran."]}),
                         lexicon=LEXICON)
    assert list(hits["match"]) == ["ſtrike", "İran", "STRIKE", "ıran"]


@PROPERTY
@given(st.lists(st.sampled_from(["ſtrike", "strike", "STRIKE", "ſtriKe", "İran", "ıran", "IRAN", "iranian", "kill",
                                 "KILL", "ſ", "straße", "STRASSE", "straſſe", "STRAẞE", "air", "-", " ", "\n", "U.S.",
                                 "σοφίας", "ΣΟΦΊΑ", "σοφία", "\u212aelvin", "kelvin", "a", "\x00"]), max_size=40))
def test_the_indexed_matcher_finds_exactly_what_a_full_scan_finds(words):
    lexicon = load_lexicon(LEXICON)
    text, _ = join_texts(["".join(words), " ".join(words)])
    assert lexicon.match(text) == _full_scan(lexicon, text)
