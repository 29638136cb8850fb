"""Linear time: a long "sentence" (a scraped table, a list without full stops) costs time in proportion to its length.

Sentences over LONG_SENTENCE_WORDS words are scored by VADER in windows and flagged; the agency and attribution
rules look at a bounded window of tokens; quotation look-ups bisect; word tokens have no time limit; proper names
look back over the spaces before a word only; KWIC reads only as far as its window of words; the target model
reads a mention of a sentence over LONG_SENTENCE_TOKENS tokens in a window of tokens around it. Each change is
checked here against a straightforward reference on normal text, and its work is counted (characters read,
calls made) on a text and on four times that text; its time on one-line texts of 125k to 1M characters is
measured by benchmarks/long_text.py (a timing fails on a busy machine, so it is no test).
"""

from __future__ import annotations

import json
import random
import re

import nltk.redos
import pandas as pd
import pytest
from nltk.tokenize import RegexpTokenizer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

import analysis as an
import analysis.measures.agency as agency
import analysis.measures.attribution as attribution
import analysis.measures.sentiment as sentiment
import analysis.measures.target_model as target_model
import analysis.measures.terms as terms
from analysis.corpus.errors import CorpusWarning
from analysis.language.grammar import RULE_WINDOW, TOKENS, tokens_with_spans
from analysis.language.names import name_spans
from analysis.language.quotes import inside, quote_spans, quoted_length, starts_inside
from analysis.language.tokens import WORDS, content_words, count_words
from analysis.measures.sentiment import LONG_SENTENCE_WORDS, analyzer
from conftest import SHARED

VADER = SentimentIntensityAnalyzer()
SCORES = ("neg", "neu", "pos", "compound")
NEWS = ("Iran vowed harsh revenge after the United States killed its top general in a drone strike near Baghdad "
        "airport and officials said the attack was not a good idea but a terrible crime ")


def _words(n: int, unit: str = NEWS) -> str:
    words = unit.split()
    return " ".join(words[i % len(words)] for i in range(n))


# --- Sentiment ----------------------------------------------------------------------------------------------------


def test_a_sentence_over_the_limit_is_flagged_warned_about_by_article_and_scores_within_range():
    sentences = pd.DataFrame({"doc_id": ["long-1", "short", "long-2"],
                              "text": [_words(2 * LONG_SENTENCE_WORDS + 500), "A good day.", _words(LONG_SENTENCE_WORDS + 1)]})
    with pytest.warns(CorpusWarning, match=r"2 sentence\(s\) longer than 1,000 words \(articles long-1, long-2\)"):
        scored = an.score_sentences(sentences)
    assert scored["long_sentence"].tolist() == [True, False, True]
    assert scored[list(SCORES)].ge(-1).all().all() and scored[list(SCORES)].le(1).all().all()
    assert scored[["neg", "neu", "pos"]].ge(0).all().all()
    assert scored.at[1, "compound"] == VADER.polarity_scores("A good day.")["compound"]


def test_without_doc_id_the_warning_names_the_rows():
    with pytest.warns(CorpusWarning, match=r"\(row 7\)"):
        an.score_sentences(pd.DataFrame({"text": [_words(LONG_SENTENCE_WORDS + 10)]}, index=[7]))


def test_a_long_sentence_scores_the_word_weighted_mean_of_vaders_scores_on_near_equal_windows():
    text = _words(2 * LONG_SENTENCE_WORDS + 7)
    with pytest.warns(CorpusWarning):
        scored = an.score_sentences(pd.DataFrame({"text": [text]}))
    words = text.split()
    windows = [piece.split() for piece in sentiment._windows(text)]  # the windows score_sentences scores
    # 2,007 words: ceil(2007 / 1000) = 3 windows of 669, consecutive and covering the text.
    assert [len(w) for w in windows] == [669, 669, 669] and sum(windows, []) == words
    results = [VADER.polarity_scores(" ".join(w)) for w in windows]
    for key, digits in zip(SCORES, (3, 3, 3, 4)):
        expected = sum(len(w) * r[key] for w, r in zip(windows, results)) / len(words)
        assert scored.at[0, key] == round(expected, digits)


def test_a_sentence_of_exactly_the_limit_is_scored_whole_as_vader_scores_it():
    text = _words(LONG_SENTENCE_WORDS)
    scored = an.score_sentences(pd.DataFrame({"text": [text]}))  # no warning: pytest turns one into an error
    assert not scored.at[0, "long_sentence"]
    assert tuple(scored.loc[0, list(SCORES)]) == tuple(VADER.polarity_scores(text)[k] for k in SCORES)


def test_sentences_under_the_limit_score_exactly_as_vadersentiment_scores_them(sentences):
    # Word salads dense in what VADER's negation, idiom, booster and "but" rules read, and the seed sentences.
    rng = random.Random(13)
    vocabulary = ("no not never so this without doubt kind of sort least at very but good bad great kill killed "
                  "cut the mustard :) :( n't isn't hardly extremely GOOD BAD the a 😀 !").split()
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 40))) for _ in range(3000)]
    texts += list(sentences["text"])
    scored = an.score_sentences(pd.DataFrame({"text": texts}))
    expected = pd.DataFrame([VADER.polarity_scores(text) for text in texts])[list(SCORES)]
    pd.testing.assert_frame_equal(scored[list(SCORES)], expected)
    assert not scored["long_sentence"].any()


@pytest.mark.parametrize("words, sizes", [(LONG_SENTENCE_WORDS, None), (LONG_SENTENCE_WORDS + 1, [500, 501]),
                                          (2 * LONG_SENTENCE_WORDS, [1000, 1000]),
                                          (2 * LONG_SENTENCE_WORDS + 1, [667, 667, 667]),
                                          (5 * LONG_SENTENCE_WORDS - 3, [999, 999, 1000, 999, 1000])])
def test_a_long_sentence_is_cut_into_the_fewest_windows_of_at_most_the_limit_as_near_equal_as_can_be(words, sizes):
    text = _words(words)
    windows = sentiment._windows(text)
    assert (None if windows is None else [len(w.split()) for w in windows]) == sizes
    if windows is not None:
        assert " ".join(windows) == text


def test_vaders_rules_that_read_neighbouring_words_give_the_same_valences_on_a_long_text():
    # The analyzer's negation and idiom checks read a slice around each word instead of the whole sentence.
    text = _words(3000, "the food was not good but never so bad kind of great at least sort of fine ")
    ours = analyzer().polarity_scores(text)
    assert ours == VADER.polarity_scores(text)


# --- Agency and attribution ---------------------------------------------------------------------------------------


def test_agency_on_a_repeated_pattern_sentence_finds_each_killing_with_an_agent_inside_the_rule_window():
    found = an.classify_agency(pd.DataFrame({"doc_id": ["a"], "text": [("US Iran kills " * 2_000).strip()]}))
    assert len(found) == 2_000 and found["agent"].str.split().str.len().max() <= RULE_WINDOW


UNIT = "“No” the spokesman said and Secretary Mike Pompeo told Iran Iraq Syria Lebanon Qatar Pompeo said "


def test_attribution_on_a_repeated_pattern_sentence_finds_three_attributions_per_repeat():
    # Quotations, definite speakers and surnames, and runs of capitalised words: benchmarks/long_text.py times them.
    found = an.find_attributions(pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "text": [(UNIT * 1_000).strip()]}))
    assert len(found) == 3_000


APPOSITIONS = [
    "Kenneth Pollack, a former CIA analyst, said the strike was a gamble.",
    "Supreme National Security Council Secretary Ali Shamkhani, the top security official, said Iran would respond.",
    "Abu Mahdi al-Muhandis, the deputy commander, was also killed.",
    "Ayatollah Ali Khamenei, Iran’s supreme leader, vowed revenge, and Hassan Rouhani, the president, agreed.",
    "McDonald Trump, a name, appears; so does ALLCAPS NAME, the shout, here.",
]


@pytest.mark.parametrize("text", APPOSITIONS)
def test_the_bounded_apposition_pattern_finds_what_the_unbounded_one_found(text):
    unbounded = re.compile(r"(?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)+), (?P<description>(?:an? |the )?[^,;:“”\"]{3,80}?),")
    assert [m.span() for m in attribution._APPOSITION.finditer(text)] == [m.span() for m in unbounded.finditer(text)]


def _unwindowed(tokens, i):
    return tokens, i


TRICKY = [
    "Turkey, Cuba, Afghanistan, Syria, Lebanon, Qatar, Oman, Iraq, Yemen and Russia have condemned the killing.",
    "The general, who had led the Quds Force for two decades and was seen as the second most powerful man in Iran, "
    "was killed by a U.S. drone that was launched from a base in the Gulf, officials said.",
    "Iran vowed to murder the soldiers who were responsible, RIA quoted the ministry as saying.",
    "“We will respond,” said Konstantin Kosachev, the head of the foreign affairs committee of the upper house.",
    "The strike in Baghdad that killed Soleimani and the fallout from the attack that killed nine people were "
    "discussed, according to the press service of the Russian Foreign Ministry.",
]


def _with_and_without_window(monkeypatch, sentences: pd.DataFrame) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    windowed = [agency.classify_agency(sentences), attribution.find_attributions(sentences)]
    monkeypatch.setattr(agency, "window", _unwindowed)
    monkeypatch.setattr(attribution, "window", _unwindowed)
    return list(zip(windowed, [agency.classify_agency(sentences), attribution.find_attributions(sentences)]))


def test_the_rule_window_changes_no_result_on_the_seeds_and_on_long_news_sentences(monkeypatch, sentences):
    tricky = pd.DataFrame({"doc_id": "tricky", "sent_id": range(1, len(TRICKY) + 1), "text": TRICKY})
    table = pd.concat([sentences, tricky], ignore_index=True)
    pairs = _with_and_without_window(monkeypatch, table)
    assert len(pairs[0][0]) >= 20 and len(pairs[1][0]) >= 40
    for windowed, whole in pairs:
        pd.testing.assert_frame_equal(windowed, whole)


@pytest.mark.needs_shared
def test_the_rule_window_changes_no_result_on_the_allsides_soleimani_articles(monkeypatch):
    files = sorted((SHARED / "data" / "allsides_soleimani" / "jsons").glob("*.json"))
    records = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    articles = pd.DataFrame({"doc_id": [r["ID"] for r in records], "outlet": [r["source"] for r in records],
                             "text": [r["content_original"] or r["content"] for r in records]})
    pairs = _with_and_without_window(monkeypatch, an.split_sentences(articles))
    assert len(pairs[0][0]) >= 300 and len(pairs[1][0]) >= 2000
    for windowed, whole in pairs:
        pd.testing.assert_frame_equal(windowed, whole)


def _definites_by_scanning_back(table: pd.DataFrame) -> list[str]:
    """The straightforward rule: scan back over the article's earlier speakers for the same head noun."""
    groups = list(table["speaker_group"])
    for i, (doc_id, speaker) in enumerate(zip(table["doc_id"], table["speaker"])):
        words = speaker.lower().split()
        if groups[i] != "other" or len(words) < 2 or words[0] != "the":
            continue
        for j in range(i - 1, -1, -1):
            if table["doc_id"].iat[j] != doc_id:
                break
            if groups[j] not in ("other", "unresolved") and words[-1] in table["speaker"].iat[j].lower().split():
                groups[i] = groups[j]
                break
    return groups


def test_definite_speakers_resolve_as_a_scan_back_over_earlier_speakers_would():
    rng = random.Random(5)
    speakers = ["the ministry", "the foreign ministry", "Russia's foreign ministry", "the spokesman", "he",
                "a spokesman", "the Kremlin spokesman", "the Pentagon", "the US Pentagon", "the White House"]
    groups = ["other", "other", "Russian officials", "other", "unresolved", "unnamed sources", "Russian officials",
              "other", "US government", "US government"]
    rows = [rng.randrange(len(speakers)) for _ in range(600)]
    table = pd.DataFrame({"doc_id": [f"d{i // 150}" for i in range(600)], "speaker": [speakers[r] for r in rows],
                          "speaker_group": [groups[r] for r in rows]})
    resolved = attribution._resolve_definites(table)
    assert resolved == _definites_by_scanning_back(table)
    assert resolved != list(table["speaker_group"])  # some were resolved


def test_the_latest_earlier_mention_is_found_by_bisection_as_by_a_scan():
    rng = random.Random(3)
    for _ in range(200):
        sent_ids = sorted(rng.randrange(30) for _ in range(rng.randrange(1, 12)))
        groups = [rng.choice("abc") for _ in sent_ids]
        for sent_id in range(-1, 32):
            scanned = attribution._latest_mention((sent_ids, groups, False), sent_id)
            assert attribution._latest_mention((sent_ids, groups, True), sent_id) == scanned


# --- Quotation look-ups and word tokens ---------------------------------------------------------------------------


def _quote_heavy_texts(count: int) -> list[str]:
    rng = random.Random(11)
    pieces = ["“", "”", '"', "'", "‘", "’", "word", "Iran’s", "he said", "'tis", "the 'big' one", ".", ",", " "]
    return ["".join(rng.choice(pieces) + " " * rng.randrange(2) for _ in range(rng.randrange(1, 60))) for _ in range(count)]


def test_inside_starts_inside_and_quoted_length_agree_with_a_scan_of_every_span():
    for text in _quote_heavy_texts(400):
        for opened in (False, True):
            spans = quote_spans(text, starts_open=opened)
            for start in range(0, len(text) + 1, 3):
                for end in (start + 1, start + 7, len(text)):
                    middle = (start + end) / 2
                    assert inside(spans, start, end) == any(a <= middle < b for a, b in spans)
                    assert quoted_length(spans, start, end) == sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
                assert starts_inside(spans, start) == any(a < start < b for a, b in spans)


def test_the_tokenizers_find_the_tokens_nltk_finds():
    text = ("Iran’s al-Muhandis met U.S. officials at 3.5 p.m.; “No,” said Mr. Abdulla -- cafe\u0301 naïve x_y "
            "ſtrike 1,000 ÉTATS-UNIS e.g. don't")
    for ours, pattern in ((WORDS, r"\w+(?:[-’']\w+)*"), (TOKENS, r"[A-Z](?:\.[A-Z])+\.?|\w+(?:[-'’]\w+)*|[^\w\s]")):
        reference = RegexpTokenizer(pattern)
        assert ours.tokenize(text) == reference.tokenize(text)
        assert list(ours.span_tokenize(text)) == list(reference.span_tokenize(text))


def test_word_tokens_have_no_time_limit_so_a_huge_article_is_counted(monkeypatch):
    # NLTK stops any regular expression after DEFAULT_TIMEOUT seconds (5): a 30 MB article hit it. With a limit
    # of a microsecond, counting any text of size would fail if the tokenizers still went through it.
    monkeypatch.setattr(nltk.redos, "DEFAULT_TIMEOUT", 1e-6)
    rng = random.Random(2)
    text = " ".join(f"word{rng.randrange(10_000)}" for _ in range(100_000))
    assert count_words(text) == len(content_words(text)) == len(tokens_with_spans(text)) == 100_000
    articles = pd.DataFrame({"doc_id": ["a", "b"], "text": [text, "Copied: " + text[:5_000]]})
    passages = an.shared_passages(articles, by=None)
    assert passages[["doc_id_a", "start_a", "doc_id_b", "start_b"]].values.tolist() == [["a", 0, "b", 8]]


# --- Linear in a sentence's length: proper names, KWIC context, the target model -------------------------------------
# Each fix is checked against the straightforward code it replaced, on normal text, and its work is counted (never
# timed) on a text and on four times that text.


class _CountingText(str):
    """A string that counts the characters read out of it by indexing and slicing."""

    read = 0

    def __getitem__(self, key):
        piece = str.__getitem__(self, key)
        _CountingText.read += len(piece)
        return piece


def _read_by(job, text: str) -> int:
    _CountingText.read = 0
    job(_CountingText(text))
    return _CountingText.read


def _names_by_slicing(text: str, aliases) -> list[tuple[int, int]]:
    """name_spans as it was, reading the text before each word and scanning every word for each alias match."""
    from analysis.language.names import CONNECTORS, OPENERS, _WORD
    from analysis.language.tokens import stop_words

    def starts_clause(start):
        before = text[:start].rstrip()
        return not before or before[-1] in OPENERS

    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans, i = set(), 0
    while i < len(words):
        if not words[i][2][0].isupper():
            i += 1
            continue
        run, j = [i], i + 1
        while j < len(words):
            if words[j][2][0].isupper():
                run, j = run + [j], j + 1
            elif words[j][2].lower() in CONNECTORS and j + 1 < len(words) and words[j + 1][2][0].isupper():
                run, j = run + [j, j + 1], j + 2
            else:
                break
        if starts_clause(words[i][0]) and words[i][2].lower() in stop_words():
            run, i = run[1:], i + 1
            if not run:
                continue
        if len([k for k in run if words[k][2][0].isupper()]) >= 2 or not starts_clause(words[run[0]][0]):
            spans.update((words[k][0], words[k][1]) for k in run)
        i = j
    for start, end, _ in aliases.match(text):
        spans.update((s, e) for s, e, _ in words if s >= start and e <= end)
    return sorted(spans)


def _name_heavy_texts(count: int) -> list[str]:
    rng = random.Random(17)
    pieces = ["Iran", "the", "The", "United States", "Secretary of State", "of", "Mike", "Pompeo", "said", ".", ":",
              "“", "(", "Then", "Tehran", "U.S.", "\u00a0", "\t", "  ", "al-Muhandis", "Iraq’s", "and", "And", "Quds Force"]
    return ["".join(rng.choice(pieces) + " " * rng.randrange(3) for _ in range(rng.randrange(1, 50))) for _ in range(count)]


def test_names_are_found_as_by_reading_the_text_before_each_word(sentences):
    aliases = an.load_lexicon(None, default="aliases.csv")
    for text in _name_heavy_texts(2000) + list(sentences["text"]):
        assert name_spans(text, aliases=aliases) == _names_by_slicing(text, aliases)


def test_names_of_a_sentence_four_times_as_long_read_four_times_the_characters():
    aliases = an.load_lexicon(None, default="aliases.csv")
    unit = "the Supreme National Security Council of Iran and the United States said :  Then Tehran answered "
    read = [_read_by(lambda t: name_spans(t, aliases=aliases), unit * n) for n in (200, 800)]
    # One character before each word at most (and the spaces before it), where slicing read all the text before it.
    assert 0 < read[1] <= 4 * read[0] and read[1] <= len(unit) * 800
    # Supreme National Security Council of Iran, United States, Tehran: nine words a repeat ("Then" starts a clause).
    assert len(name_spans(unit * 800, aliases=aliases)) == 800 * 9


def _context_by_splitting(text: str, start: int, end: int, window: int) -> tuple[list[str], list[str]]:
    return text[:start].split()[-window:], text[end:].split()[:window]


def test_kwic_context_is_the_words_splitting_the_whole_text_gives():
    rng = random.Random(23)
    pieces = ["kill", "killed", "a", "word", "longer-word", " ", "  ", "\n", "\t", "\u00a0", "“", "x" * 300, "é"]
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 80)))
        start = rng.randrange(len(text) + 1)
        end = rng.randrange(start, len(text) + 1)
        for window in (1, 3, 8, 40):
            ours = terms._words_before(text, start, window), terms._words_after(text, end, window)
            assert ours == _context_by_splitting(text, start, end, window)


def test_kwic_context_reads_the_same_characters_in_a_text_four_times_as_long():
    text = "US Iran kills " * 20_000
    middle = len(text) // 2 + 8  # "kills" of the middle repeat
    assert text[middle:middle + 5] == "kills"
    read = [_read_by(lambda t: (terms._words_before(t, at, 8), terms._words_after(t, at + 5, 8)), text[:size])
            for size, at in ((len(text) // 4, middle // 4 // 14 * 14 + 8), (len(text), middle))]
    assert read[0] == read[1] <= 4 * terms._CONTEXT_CHARACTERS


def test_kwic_of_a_long_sentence_gives_every_match_with_its_window_of_words():
    lines = an.kwic(pd.DataFrame({"doc_id": ["a"], "sent_id": [1], "text": [("US Iran kills " * 5_000).strip()]}), "kill*")
    assert len(lines) == 5_000
    eight = "US Iran kills US Iran kills US Iran"
    assert lines["left"].iloc[2:].eq(eight).all() and lines["right"].iloc[:-3].eq(eight).all()
    assert lines["left"].iloc[:2].tolist() == ["US Iran", "US Iran kills US Iran"]
    assert lines["right"].iloc[-3:].tolist() == ["US Iran kills US Iran kills", "US Iran kills", ""]


def test_a_mention_in_a_sentence_up_to_the_limit_is_read_in_the_whole_sentence():
    text = _words(target_model.LONG_SENTENCE_TOKENS)
    assert len(TOKENS.tokenize(text)) == target_model.LONG_SENTENCE_TOKENS
    start = text.index("Iran")
    assert target_model.mention_window(text, start, start + 4) == (text, start, start + 4)


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_mention_in_a_longer_sentence_is_read_with_the_window_of_tokens_either_side(where):
    text = ("US Iran kills " * 400).strip()  # 1,200 tokens
    tokens = list(TOKENS.span_tokenize(text))
    first = {"start": 1, "middle": 601, "end": 1198}[where]  # the token "Iran"
    start, end = tokens[first]
    window, at, stop = target_model.mention_window(text, start, end)
    assert window[at:stop] == "Iran"
    reach = target_model.MENTION_WINDOW_TOKENS
    begin = tokens[max(0, first - reach)][0] if first > reach else 0
    finish = tokens[first + reach][1] if first + reach < len(tokens) else len(text)
    assert window == text[begin:finish]
    assert len(TOKENS.tokenize(window)) == min(first, reach) + 1 + min(len(tokens) - first - 1, reach)


def test_the_target_model_reads_a_bounded_window_per_mention_of_a_long_sentence(monkeypatch):
    read, tokenised = [], []
    features, span_tokenize = target_model.mention_features, TOKENS.span_tokenize
    monkeypatch.setattr(target_model, "mention_features", lambda text, *rest: read.append(len(text)) or features(text, *rest))
    monkeypatch.setattr(target_model, "TOKENS", type("Counted", (), {
        "span_tokenize": staticmethod(lambda text: tokenised.append(len(text)) or span_tokenize(text))})())
    target_model._kept_bounds.cache_clear()
    for repeats in (500, 2_000):
        text = ("US Iran kills " * repeats).strip()
        mentions = pd.DataFrame({"text": text, "start": [m.start() for m in re.finditer("Iran", text)]})
        classified = an.classify_target_sentiment(mentions.assign(end=mentions["start"] + 4))
        assert len(classified) == repeats
    # Each mention reads its window, the same size in both texts; each text is tokenised once for its windows.
    assert len(read) == 2_500 and max(read) <= 14 * (2 * target_model.MENTION_WINDOW_TOKENS // 3 + 2)
    assert [n for n in tokenised if n > 1_000] == [len("US Iran kills " * 500) - 1, len("US Iran kills " * 2000) - 1]


def test_target_mentions_of_a_long_sentence_hold_the_window_not_a_copy_of_the_sentence():
    text = ("US Iran kills " * 2_000).strip()
    scored = pd.DataFrame({"doc_id": ["a"], "text": [text], "compound": [0.0]})
    mentions = an.target_mentions(scored, targets=["Iran"])
    assert len(mentions) == 2_000
    assert mentions["text"].str.len().max() < 14 * (2 * target_model.MENTION_WINDOW_TOKENS // 3 + 2)
    assert all(t[s:e] == "Iran" for t, s, e in zip(mentions["text"], mentions["mention_start"], mentions["mention_end"]))
    direct = an.classify_target_sentiment(pd.DataFrame({"text": text, "start": [m.start() for m in re.finditer("Iran", text)]})
                                          .assign(end=lambda t: t["start"] + 4))
    assert (mentions["label"].to_numpy() == direct["label"].to_numpy()).all()


def test_target_mentions_tokenise_a_long_sentence_once_and_look_up_nothing_by_its_whole_text(monkeypatch):
    # A look-up by text compares the whole string whenever the key is another copy of it: once per mention, that
    # read the sentence once per mention again.
    text = ("US Iran kills " * 2_000).strip()
    tokenised, looked_up = [], []
    monkeypatch.setattr(sentiment, "token_bounds", lambda t: tokenised.append(len(t)) or target_model.token_bounds(t))
    kept = target_model._kept_bounds
    monkeypatch.setattr(target_model, "_kept_bounds", lambda t: looked_up.append(len(t)) or kept(t))
    mentions = an.target_mentions(pd.DataFrame({"doc_id": ["a", "b"], "text": [text, "Iran said no."],
                                                "compound": [0.0, 0.0]}), targets=["Iran", "United States"])
    assert len(mentions) == 4_001 and tokenised == [len(text)]
    assert looked_up == []  # the windows are short: the model reads each whole
