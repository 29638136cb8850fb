"""Terminology: pattern semantics, hits, rates with intervals, KWIC, keyness, name variants, first mentions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import analysis as an


def _sentences(*texts, outlet="X", doc_id="d1") -> pd.DataFrame:
    return an.split_sentences(pd.DataFrame({"doc_id": [doc_id], "outlet": [outlet], "text": ["\n".join(texts)]}))


def _lexicon(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["concept", "family", "pattern"])


@pytest.mark.parametrize(
    "pattern, text, matches",
    [
        ("kill*", "Killed, killing, KILLS; skill and overkill.", ["Killed", "killing", "KILLS"]),
        ("strike", "A strike, strikes, striker.", ["strike"]),
        ("air strike", "An air strike, an air-strike, an air\tstrike, an airstrike.", ["air strike", "air-strike", "air\tstrike"]),
        ("iran's", "Iran’s forces and Iran's allies.", ["Iran’s", "Iran's"]),
        ("U.S.", "The U.S. and the U.S.A. and U.S.", ["U.S.", "U.S."]),
        ("lt. gen.", "Lt. Gen. Soleimani", ["Lt. Gen."]),
    ],
)
def test_pattern_semantics(pattern, text, matches):
    assert an.compile_pattern(pattern).findall(text) == matches


def test_case_sensitive_rows_keep_us_apart_from_the_pronoun():
    lexicon = pd.DataFrame({"concept": ["c"], "family": ["US"], "pattern": ["US"], "case_sensitive": ["true"]})
    hits = an.find_terms(_sentences("Let us see what the US does."), lexicon=lexicon)
    assert hits["match"].tolist() == ["US"]


def test_the_longest_of_overlapping_matches_wins_and_counts_once():
    lexicon = _lexicon(("event", "killing", "kill*"), ("event", "targeted killing", "targeted killing"))
    hits = an.find_terms(_sentences("It was a targeted killing. The killing shocked many."), lexicon=lexicon)
    assert hits[["family", "match"]].values.tolist() == [["targeted killing", "targeted killing"], ["killing", "killing"]]


def test_ignore_rows_shadow_shorter_terms_and_are_dropped():
    lexicon = _lexicon(("label", "general", "general"), ("ignore", "x", "secretary general"))
    hits = an.find_terms(_sentences("Secretary General Guterres met the general."), lexicon=lexicon)
    assert hits["match"].tolist() == ["general"]


def test_find_terms_returns_the_contract_columns_and_offsets():
    sentences = _sentences("Iran vowed revenge. “The assassination was a crime,” Zarif said.")
    hits = an.find_terms(sentences)
    assert list(hits.columns[:3]) == ["doc_id", "outlet", "section"]
    assert {"sent_id", "concept", "family", "pattern", "match", "start", "end", "quoted"} <= set(hits.columns)
    assassination = hits[hits["family"] == "assassination"].iloc[0]
    text = sentences.set_index("sent_id").at[assassination["sent_id"], "text"]
    assert text[assassination["start"]:assassination["end"]] == "assassination"
    assert assassination["quoted"]
    assert not hits.loc[hits["family"] == "retaliation/revenge", "quoted"].iloc[0]


def test_a_match_in_a_later_sentence_of_an_open_quotation_is_quoted():
    hits = an.find_terms(_sentences("“We condemn this. The murder was a crime.” Lavrov said that."))
    murder = hits[hits["family"] == "murder"]
    assert murder["quoted"].tolist() == [True]


def test_any_table_with_doc_id_and_text_can_be_searched():
    hits = an.find_terms(pd.DataFrame({"doc_id": ["a"], "text": ["They killed him."]}))
    assert hits[["doc_id", "family", "match", "quoted"]].values.tolist() == [["a", "killing", "killed", False]]


def test_a_lexicon_without_a_pattern_column_is_named():
    with pytest.raises(ValueError, match="pattern"):
        an.find_terms(_sentences("x"), lexicon=pd.DataFrame({"concept": ["c"], "family": ["f"]}))


def test_an_empty_pattern_is_named_with_its_row():
    with pytest.raises(ValueError, match="row 3"):
        an.find_terms(_sentences("x"), lexicon=_lexicon(("c", "f", "ok"), ("c", "g", "  ")))


# -- the seeds, counted by hand ------------------------------------------------------------

# (own, quoted) matches of the `assassination` and `killing` families in each body,
# and whether the headline uses kill*; counted by reading the cleaned texts.
HAND_COUNT = {
    "000_0a3828b1f3900964": {"assassination": (1, 0), "killing": (2, 0), "title": True},   # "Read:" lines not counted
    "001_5a6f585c30d3cdb0": {"assassination": (0, 0), "killing": (3, 0), "title": False},
    "002_7aebcf7ab61dba2b": {"assassination": (0, 0), "killing": (2, 0), "title": False},
    "003_61711d8cc35d3095": {"assassination": (0, 0), "killing": (3, 1), "title": True},
    "004_27cceee1a52b0f37": {"assassination": (1, 0), "killing": (2, 0), "title": True},   # "killed" and the typo "klling"
}


@pytest.mark.parametrize("doc_id", sorted(HAND_COUNT))
def test_event_terms_in_the_seeds_match_a_hand_count(sentences, doc_id):
    hits = an.find_terms(sentences)
    article = hits[hits["doc_id"] == doc_id]
    body = article[article["section"] == "body"]
    for family in ("assassination", "killing"):
        found = body[body["family"] == family]
        assert (int((~found["quoted"]).sum()), int(found["quoted"].sum())) == HAND_COUNT[doc_id][family], family
    in_title = article[(article["section"] == "title") & (article["family"] == "killing")]
    assert (len(in_title) == 1) == HAND_COUNT[doc_id]["title"]


# -- rates and intervals -------------------------------------------------------------------

def test_term_rates_per_1000_words_with_an_article_bootstrap():
    articles = pd.DataFrame({
        "doc_id": list("abcde"), "outlet": "X",
        "text": ["They killed him one two three four five."] + ["Six seven eight nine ten words here now."] * 4,
    })
    sentences = an.split_sentences(articles)
    hits = an.find_terms(sentences)
    rates = an.term_rates(hits, sentences, replicates=4000)
    killing = rates[(rates["family"] == "killing") & (rates["voice"] == "own")].iloc[0]
    assert (killing["n"], killing["words"]) == (1, 40)
    assert killing["per_1k"] == pytest.approx(1000 / 40)
    assert killing["resampled"] == "articles" and killing["units"] == 5
    # Five 8-word articles resampled: k draws of the one with the kill, Binomial(5, 1/5), give 25k per 1,000 words;
    # P(k = 0) = 0.33 and P(k <= 2) = 0.94, P(k <= 3) = 0.99: the 95% interval is [0, 75].
    assert (killing["low"], killing["high"]) == (0.0, 75.0)


def test_term_rates_are_reproducible_and_give_one_article_no_interval(sentences):
    hits = an.find_terms(sentences)
    first = an.term_rates(hits, sentences)
    second = an.term_rates(hits, sentences)
    pd.testing.assert_frame_equal(first, second)
    assert set(first["resampled"]) == {"none: fewer than 5 articles"} and set(first["units"]) == {0}
    assert first["low"].isna().all() and first["high"].isna().all() and first["per_1k"].notna().any()


def test_family_totals_add_own_and_quoted():
    rates = pd.DataFrame({
        "outlet": ["X", "X"], "concept": ["event", "event"], "family": ["killing", "killing"],
        "voice": ["own", "quoted"], "n": [3, 1], "words": [300, 100],
    })
    totals = an.family_totals(rates)
    assert totals[["n_own", "n_quoted", "n", "words", "per_1k"]].values.tolist() == [[3, 1, 4, 400, 10.0]]


# -- KWIC, keyness, name variants, first mentions -------------------------------------------

def test_kwic_gives_sentence_bounded_context():
    sentences = _sentences("One two three four five six seven eight nine killed ten eleven. Next sentence here.")
    lines = an.kwic(sentences, "kill*", window=3)
    assert lines[["left", "match", "right", "quoted"]].values.tolist() == [["seven eight nine", "killed", "ten eleven.", False]]


def test_kwic_side_by_side_puts_each_outlet_in_a_column():
    lines = pd.DataFrame({"outlet": ["A", "B", "A"], "left": ["x", "y", "z"], "match": ["kill", "killed", "kills"],
                          "right": ["1", "2", "3"], "quoted": [False, True, False]})
    table = an.kwic_side_by_side(lines)
    assert table.to_dict("list") == {"A": ["x [KILL] 1", "z [KILLS] 3"], "B": ["y [KILLED] 2 (quoted)", ""]}


def test_keyness_matches_the_formula_on_a_hand_computed_example():
    sentences = pd.DataFrame({"outlet": ["A", "B"], "text": ["Iran Iran strike.", "Strike strike war."]})
    scores = an.keyness(sentences, prior=6.0).set_index(["outlet", "term"])
    # Counts A: iran 2, strike 1 (n=3); B: strike 2, war 1 (n=3). Prior 6 spread by frequency:
    # alpha_iran = 2, alpha_strike = 3, alpha_war = 1, alpha_0 = 6.
    delta = math.log((2 + 2) / (3 + 6 - 2 - 2)) - math.log((0 + 2) / (3 + 6 - 0 - 2))
    z = delta / math.sqrt(1 / (2 + 2) + 1 / (0 + 2))
    assert scores.loc[("A", "iran"), "log_odds"] == pytest.approx(delta)
    assert scores.loc[("A", "iran"), "z"] == pytest.approx(z)
    delta_strike = math.log((1 + 3) / (3 + 6 - 1 - 3)) - math.log((2 + 3) / (3 + 6 - 2 - 3))
    assert scores.loc[("A", "strike"), "log_odds"] == pytest.approx(delta_strike)
    assert scores.loc[("A", "iran"), "n"] == 2 and ("A", "war") not in scores.index


def test_keyness_drops_stop_words_and_numbers():
    scores = an.keyness(pd.DataFrame({"outlet": ["A", "B"], "text": ["The 52 sites and the war.", "It is a war."]}))
    assert set(scores["term"]) == {"sites", "war"}


def test_name_variants_show_each_outlets_spelling():
    articles = pd.DataFrame({
        "doc_id": ["a", "b"], "outlet": ["TASS", "Epoch"],
        "text": ["Qasem Soleimani was killed, the US said. Let us wait.", "Qassem Soleimani died, the U.S. said."],
    })
    variants = an.name_variants(an.split_sentences(articles))
    soleimani = variants[variants["entity"] == "Soleimani"][["outlet", "variant", "n"]].values.tolist()
    assert soleimani == [["Epoch", "Qassem Soleimani", 1], ["TASS", "Qasem Soleimani", 1]]
    us = variants[variants["entity"] == "United States"][["outlet", "variant", "n"]].values.tolist()
    assert us == [["Epoch", "U.S.", 1], ["TASS", "US", 1]]


def test_first_mention_says_title_first_paragraph_or_how_far_into_the_body():
    articles = pd.DataFrame({
        "doc_id": ["a"], "outlet": ["X"], "title": ["Assassination in Baghdad"],
        "text": ["The general died in a strike.\nIran mourned.\nLater the killing was condemned."],
    })
    sentences = an.split_sentences(articles)
    mentions = an.first_mention(an.find_terms(sentences), sentences).set_index("family")
    assert mentions.at["assassination", "where"] == "title"
    strike = mentions.loc["strike"]
    assert (strike["where"], strike["para_id"], strike["sent_id"], strike["n"]) == ("first paragraph", 1, 1, 1)
    killing = mentions.loc["killing"]
    assert (killing["where"], killing["para_id"]) == ("body", 3)
    assert killing["position"] == pytest.approx(len("The general died in a strike.\nIran mourned.\nLater the ") / len(articles.at[0, "text"]), abs=1e-4)
    assert mentions.at["murder", "where"] == "not used"


def test_shipped_lexicons_cover_the_required_concepts_and_entities():
    terms = an.load_lexicon().table
    assert {"event", "label", "legality", "escalation"} <= set(terms["concept"])
    assert {"assassination", "killing", "targeted/arbitrary killing", "murder", "strike", "attack", "operation",
            "elimination", "act of war/aggression", "act of terrorism"} <= set(terms["family"])
    aliases = an.load_lexicon(default="aliases.csv").table
    assert {"Soleimani", "United States", "Iran", "Russia", "China", "Iraq", "Sergey Lavrov", "Wang Yi", "Javad Zarif",
            "al-Muhandis", "Quds Force / IRGC", "UN"} <= set(aliases["entity"])
    assert (terms["note"].str.len() > 0).groupby(terms["family"]).any().all()  # every family cites its source


def test_matching_finds_nothing_across_sentence_boundaries():
    lexicon = _lexicon(("c", "air strike", "air strike"))
    sentences = pd.DataFrame({"doc_id": ["a", "a"], "sent_id": [1, 2], "text": ["Up in the air", "strike now."]})
    assert an.find_terms(sentences, lexicon=lexicon).empty


def test_indexed_matching_finds_exactly_what_a_full_scan_finds(articles):
    from analysis.language.lexicon import join_texts, load_lexicon, resolve_overlaps

    lexicon = load_lexicon()
    tricky = "U.S.-led air-strike; the U.S. Lt. Gen. killed. Extra-judicial killings! Co-operation, 'kill', KILLS_x kill."
    text, _ = join_texts(list(articles["text"]) + [tricky])
    full_scan = resolve_overlaps([
        (m.start(), m.end(), row) for row, pattern in enumerate(lexicon.patterns) for m in pattern.finditer(text)
    ])
    assert lexicon.match(text) == full_scan
    assert len(full_scan) > 80


def test_voice_words_counts_the_words_outside_and_inside_quotation_marks():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"],
                                                 "text": ["He said “we will respond” today."]}))
    words = an.voice_words(sentences)
    assert words[["own_words", "quoted_words"]].values.tolist() == [[3, 3]]


def test_name_variant_shares_are_of_the_entitys_mentions_in_each_group():
    articles = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"],
                             "text": ["The US and the U.S. and the US again.", "The US spoke."]})
    variants = an.name_variants(an.split_sentences(articles)).set_index(["outlet", "variant"])
    assert variants.loc[("X", "US"), "share"] == pytest.approx(2 / 3, abs=1e-4)
    assert variants.loc[("X", "U.S."), "share"] == pytest.approx(1 / 3, abs=1e-4)
    assert variants.loc[("Y", "US"), "share"] == 1.0


def test_an_iota_lead_and_ypogegrammeni_and_a_lead_of_a_scraped_token_match_as_a_full_scan_does():
    # A cue starting with ι is found by the leads' expression at U+0345, which starts no word; a lead of 1,500
    # letters is too long for the tree of leads: the words are then indexed one by one.
    from analysis.language.lexicon import load_lexicon, resolve_overlaps, word_index

    for pattern, text in [("ιδέα", "A \u0345δέα and an ΙΔΈΑ."), ("a" * 1500 + "*", "x " + "a" * 1600 + " y")]:
        lexicon = load_lexicon(pd.DataFrame({"concept": ["c"], "family": ["f"], "pattern": [pattern]}))
        full_scan = resolve_overlaps([(at, hit.end(), 0) for at in range(len(text) + 1)
                                      if (hit := lexicon.patterns[0].match(text, at)) and hit.end() > at])
        assert lexicon.match(text) == full_scan and full_scan
        assert lexicon.match(text, word_index(text, [lexicon])) == full_scan
    sentences = pd.DataFrame({"doc_id": "d", "outlet": "o", "section": "body", "sent_id": [1, 2],
                              "text": ["A \u0345δέα sentence.", "Another ιδέα."]})
    frames = an.article_frames(sentences, lexicon=pd.DataFrame({"frame": ["idea"], "pattern": ["ιδέα"]}))
    assert frames.set_index("frame").at["idea", "present"]
