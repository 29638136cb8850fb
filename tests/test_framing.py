"""Framing: frame cues and shares, agency of the killing, attributions of speech, reused text."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis as an
from analysis.measures.agency import classify_text
from analysis.measures.attribution import attributions_in
from analysis.language.quotes import quote_spans

# (sentence, the event word, expected form, expected agent as written): news style, headlines, quotations.
AGENCY_CASES = [
    # active
    ("U.S. forces killed Soleimani in Baghdad.", "killed", "active", "U.S. forces"),
    ("A U.S. drone strike killed Qassem Soleimani early on Friday.", "killed", "active", "A U.S. drone strike"),
    ("The strike that killed Soleimani was ordered by Trump.", "killed", "active", "The strike"),
    ("Russia condemned US strikes in Baghdad, which killed Iranian commander Qasem Soleimani.", "killed", "active", "US strikes"),
    ("The Pentagon confirmed that a missile strike near the Baghdad airport killed the head of the Quds Force.", "killed", "active", "a missile strike"),
    ("Trump said the United States had killed a terrorist.", "killed", "active", "the United States"),
    ("President Trump ordered the military to kill Soleimani.", "kill", "active", "the military"),
    ("US kills Iran's top general in Baghdad airstrike", "kills", "active", "US"),
    ("The Americans assassinated our hero, the general's daughter said.", "assassinated", "active", "The Americans"),
    ("Washington eliminated the commander of the Quds Force, officials said.", "eliminated", "active", "Washington"),
    ("They murdered him in cold blood.", "murdered", "active", "They"),
    ("An American air raid killed Soleimani, considered the second most powerful figure in Iran.", "killed", "active", "An American air raid"),
    ("“The US has assassinated our general,” Zarif said.", "assassinated", "active", "The US"),
    ("Iran vowed to murder those responsible.", "murder", "active", "Iran"),
    # passive with agent
    ("Soleimani was killed by a U.S. drone near Baghdad airport.", "killed", "passive_agent", "a U.S. drone"),
    ("The general was assassinated by the United States on Friday.", "assassinated", "passive_agent", "the United States"),
    ("Soleimani, who was killed by an American strike, had led the Quds Force since 1998.", "killed", "passive_agent", "an American strike"),
    ("Soleimani was killed in Baghdad by a missile fired from a drone.", "killed", "passive_agent", "a missile"),
    ("Soleimani killed by US drone strike at Baghdad airport", "killed", "passive_agent", "US drone strike"),
    # passive without agent
    ("Soleimani was killed in Baghdad on Friday.", "killed", "passive_agentless", ""),
    ("The general was assassinated on Friday.", "assassinated", "passive_agentless", ""),
    ("Soleimani killed in US strike", "killed", "passive_agentless", ""),
    ("Abu Mahdi al-Muhandis was also killed.", "killed", "passive_agentless", ""),
    ("Soleimani, killed in Baghdad last week, was buried in Kerman.", "killed", "passive_agentless", ""),
    ("Ten people were reportedly killed in the stampede.", "killed", "passive_agentless", ""),
    ("Soleimani had been killed hours before the statement.", "killed", "passive_agentless", ""),
    # nominal
    ("Russia condemned the killing of Soleimani.", "killing", "nominal", ""),
    ("Soleimani's assassination shocked the region.", "assassination", "nominal", ""),
    ("Iran vowed revenge for the killing.", "killing", "nominal", ""),
    ("Amid Soleimani Killing, China Dials Russia", "Killing", "nominal", ""),
    ("Tehran would hold Washington responsible for the general’s murder.", "murder", "nominal", ""),
    ("Lavrov called the klling illegal and condemned the murder in Baghdad of the general.", "murder", "nominal", ""),
    ("The elimination of Soleimani was a decisive action.", "elimination", "nominal", ""),
    ("The assassination of Soleimani by the United States violated international law.", "assassination", "nominal", "the United States"),
    ("“The killing of Soleimani is an act of war,” the envoy said.", "killing", "nominal", ""),
    ("Turkey condemned the US act of terrorism in assassinating Lt. General Soleimani.", "assassinating", "nominal", ""),
]
AGENCY_CASES += [
    ("They discussed the fallout from the U.S. drone attack that killed Qasem Soleimani.", "killed", "active", "the U.S. drone attack"),
    ("Lavrov and Wang stressed that US strikes in Baghdad, which killed Soleimani, violate the UN Charter.", "killed", "active", "US strikes"),
]
AGENCY_CASES += [
    ("Iran vowed revenge for the U.S. airstrike near Baghdad's airport that killed its top general.", "killed", "active", "the U.S. airstrike"),
    ("The U.S. conducted a drone strike in early January that killed Soleimani.", "killed", "active", "a drone strike"),
    ("Iran may respond to Soleimani's killing by disrupting global supplies.", "killing", "nominal", ""),
    # A relative clause after the agent ends it: the drone, not "a drone that".
    ("Soleimani was killed by a drone that was launched from Qatar.", "killed", "passive_agent", "a drone"),
    ("He was killed by missiles which hit his convoy.", "killed", "passive_agent", "missiles"),
    ("US forces were killing militants near the border.", "killing", "active", "US forces"),
    ("The general, slain on Friday, was buried in Kerman.", "slain", "passive_agentless", ""),
    ("The Quds Force commander has slain no one himself.", "slain", "active", "The Quds Force commander"),
]


@pytest.mark.parametrize("text, match, form, agent", AGENCY_CASES, ids=[f"{c[2]}:{c[0][:40]}" for c in AGENCY_CASES])
def test_agency_form_and_agent(text, match, form, agent):
    found = [(f, a) for m, f, a, _, _ in classify_text(text) if m == match]
    assert found and found[0] == (form, agent)


def test_the_agency_table_covers_every_form_with_at_least_thirty_sentences():
    assert len(AGENCY_CASES) >= 30
    assert {form for _, _, form, _ in AGENCY_CASES} == {"active", "passive_agent", "passive_agentless", "nominal"}


def test_classify_agency_returns_the_contract_columns_and_marks_quotes():
    sentences = an.split_sentences(pd.DataFrame({
        "doc_id": ["a"], "outlet": ["X"],
        "text": ["“The US has assassinated our general,” Zarif said. Soleimani was killed by a drone."],
    }))
    agency = an.classify_agency(sentences)
    assert {"doc_id", "outlet", "sent_id", "match", "lemma", "form", "agent", "quoted"} <= set(agency.columns)
    assert agency[["match", "lemma", "form", "agent", "quoted"]].values.tolist() == [
        ["assassinated", "assassinate", "active", "The US", True],
        ["killed", "kill", "passive_agent", "a drone", False],
    ]


def test_agency_shares_can_count_the_outlets_own_voice_only():
    agency = pd.DataFrame({"outlet": ["X", "X", "X"], "form": ["active", "nominal", "nominal"],
                           "quoted": [False, True, False]})
    every = an.agency_shares(agency).set_index("form")
    own = an.agency_shares(agency, own_voice_only=True).set_index("form")
    assert (every.at["nominal", "n"], every.at["nominal", "mentions"]) == (2, 3)
    assert (own.at["nominal", "n"], own.at["nominal", "mentions"], own.at["active", "share"]) == (1, 2, 0.5)
    assert list(own.index) == ["active", "passive_agent", "passive_agentless", "nominal"]


def test_agency_shares_own_voice_only_needs_the_quoted_column():
    with pytest.raises(ValueError, match=r"agency_shares: missing column\(s\) \['quoted'\]"):
        an.agency_shares(pd.DataFrame({"outlet": ["X"], "form": ["active"]}), own_voice_only=True)


def test_agency_shares_and_agents_named_per_outlet():
    agency = pd.DataFrame({
        "outlet": ["X", "X", "X", "Y"], "form": ["active", "nominal", "nominal", "passive_agent"],
        "agent": ["a U.S. drone", "", "", "Trump"], "quoted": False,
    })
    shares = an.agency_shares(agency).set_index(["outlet", "form"])
    assert shares.loc[("X", "nominal"), "share"] == pytest.approx(2 / 3, abs=1e-4)
    assert shares.loc[("Y", "active"), "n"] == 0
    agents = an.agents_named(agency).set_index(["outlet", "agent_category"])
    assert agents.loc[("X", "a drone"), "n"] == 1  # an instrument is named as the instrument
    assert agents.loc[("X", "none"), "n"] == 2
    assert agents.loc[("Y", "Trump"), "n"] == 1


ATTRIBUTION_CASES = [
    ("“The strike was illegal,” Lavrov said.", ("Lavrov", "said", "direct")),
    ("“We will respond,” said Konstantin Kosachev, the head of the committee.", ("Konstantin Kosachev", "said", "direct")),
    ("The Russian Foreign Ministry noted that the US had violated the UN Charter.", ("The Russian Foreign Ministry", "noted", "indirect")),
    ("According to the Pentagon, the strike was defensive.", ("the Pentagon", "according to", "according_to")),
    ("“This action can aggravate the situation,” Putin was quoted as saying.", ("Putin", "quoted as saying", "direct")),
    ("RIA quoted the Foreign Ministry as saying the killing was a bold step.", ("the Foreign Ministry", "quoted as saying", "indirect")),
    ("He stressed that both states would take joint steps.", ("He", "stressed", "indirect")),
    ("Kathryn Wheelbarger, the acting assistant secretary of defense, warned that Iran was gaining influence.",
     ("Kathryn Wheelbarger", "warned", "indirect")),
    ("Turkey, Cuba and Afghanistan have also condemned the attack.", ("Turkey, Cuba and Afghanistan", "condemned", "indirect")),
    ("Iranian Foreign Minister Javad Zarif told reporters: “This is an act of war.”",
     ("Iranian Foreign Minister Javad Zarif", "told", "direct")),
]


@pytest.mark.parametrize("text, expected", ATTRIBUTION_CASES, ids=[c[0][:40] for c in ATTRIBUTION_CASES])
def test_attributions_find_speaker_verb_and_kind(text, expected):
    assert attributions_in(text, quote_spans(text))[0] == expected


def test_a_verb_inside_a_quotation_is_not_an_attribution_and_a_passive_names_no_speaker():
    text = "“They said nothing,” Lavrov added. The importance of the Charter was also highlighted."
    assert attributions_in(text, quote_spans(text)) == [("Lavrov", "added", "direct")]


def test_speaker_groups_and_definite_speakers_inherit_the_group_of_their_antecedent():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "The Chinese Foreign Ministry noted that talks continued.\n“We are partners,” the ministry said.\n"
        "He added more.\nReuters reported that the meeting ended."]}))
    attributions = an.find_attributions(sentences)
    assert attributions[["speaker", "speaker_group"]].values.tolist() == [
        ["The Chinese Foreign Ministry", "Chinese officials"], ["the ministry", "Chinese officials"],
        ["He", "Chinese officials"], ["Reuters", "media"],  # "he" takes the latest named speaker's group
    ]


def test_a_pronoun_without_a_named_speaker_close_before_it_stays_unresolved():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "Zarif said the strike was a crime.\nOne.\nTwo.\nThree.\nFour.\nHe added more.\nShe said nothing."]}))
    groups = an.find_attributions(sentences)[["speaker", "speaker_group"]].values.tolist()
    assert groups == [["Zarif", "Iranian officials"], ["He", "unresolved"], ["She", "unresolved"]]


SPEAKER_CASES = [
    ("Secretary of State Mike Pompeo said the strike was justified.", "Secretary of State Mike Pompeo", "US officials"),
    ("“It is over,” says Mr. Abdulla.", "Mr. Abdulla", "other"),
    ("Sen. Mike Lee, R-Utah, called the briefing insulting.", "Sen. Mike Lee", "US officials"),
    ("“We will respond,” Fox News host Chris Wallace said.", "Fox News host Chris Wallace", "media"),
    ("Foreign Minister of Iran Javad Zarif said so.", "Foreign Minister of Iran Javad Zarif", "Iranian officials"),
    ("Canadian Prime Minister Justin Trudeau said so.", "Canadian Prime Minister Justin Trudeau", "other governments"),
    ("Officials said the base was hit.", "Officials", "unnamed sources"),
    ("A professor of history said it was unprecedented.", "A professor", "experts"),
]


@pytest.mark.parametrize("text, speaker, group", SPEAKER_CASES, ids=[c[0][:40] for c in SPEAKER_CASES])
def test_titles_with_of_and_honorifics_keep_the_name_and_get_their_group(text, speaker, group):
    attributions = an.find_attributions(an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [text]})))
    assert attributions[["speaker", "speaker_group"]].values.tolist()[0] == [speaker, group]


@pytest.mark.parametrize("text", ["Iran promises revenge.", "The promises of the president were broken.",
                                  "Iran's claims were rejected.", "His calls went unanswered."])
def test_nouns_and_promises_are_not_attributions_of_speech(text):
    assert attributions_in(text, quote_spans(text)) == []


def test_a_surname_takes_the_group_of_the_full_name_or_description_met_earlier():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "Sen. Mike Lee criticised the briefing.\nKenneth Pollack, a former CIA analyst, published a book.\n"
        "Lee said it was insulting.\nPollack said the risk was high.\nSmith said nothing."]}))
    attributions = an.find_attributions(sentences)
    assert attributions[["speaker", "speaker_group"]].values.tolist() == [
        ["Lee", "US officials"], ["Pollack", "experts"], ["Smith", "other"]]


def test_a_quotation_over_several_sentences_is_credited_to_its_closing_attribution():
    text = ("“China and Russia are partners.\n“Their positions are very similar.\n"
            "“The parties keep close contact,” Geng said.\nGeng added nothing.")
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [text]}))
    voices = an.quoted_words_by_speaker(an.find_attributions(sentences), sentences).set_index("speaker_group")
    assert voices.loc["Chinese officials", "quoted_words"] == 5 + 5 + 5
    assert "unattributed" not in voices.index


def test_frame_cues_and_shares_with_counts():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "The strike violated international law.\nOil prices rose.\nNothing else happened."]}))
    cues = an.code_frames(sentences)
    assert cues[["sent_id", "frame", "match"]].values.tolist() == [
        [1, "legality", "violated"], [1, "legality", "international law"],
        [2, "economic consequences", "Oil prices"],  # the longer cue wins and counts once
    ]
    shares = an.frame_shares(cues, sentences).set_index("frame")
    assert shares.loc["legality", ["n", "sentences", "cues"]].tolist() == [1, 3, 2]
    assert shares.loc["legality", "share"] == pytest.approx(1 / 3)
    assert shares.loc["morality", "n"] == 0
    # One article: no interval, and the table says why.
    assert shares["low"].isna().all() and set(shares["resampled"]) == {"none: fewer than 5 articles"}


def test_shared_passages_find_word_for_word_reuse_with_both_places():
    shared = "the ministers emphasized that US actions are a gross violation of international law"
    articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"], "text": [
        f"First. {shared}, the report said.", f"Indeed {shared.capitalize()}! Others agreed.", "Nothing shared here at all."]})
    passages = an.shared_passages(articles, min_words=8)
    assert len(passages) == 1
    row = passages.iloc[0]
    assert (row["doc_id_a"], row["doc_id_b"], row["words"], row["within"]) == ("a", "b", 13, False)
    assert articles.at[0, "text"][row["start_a"]:row["end_a"]] == shared
    assert articles.at[1, "text"][row["start_b"]:row["end_b"]] == shared.capitalize()


def test_a_passage_repeated_inside_one_article_is_found():
    text = "One two three four five six seven eight. Filler words here. One two three four five six seven eight."
    passages = an.shared_passages(pd.DataFrame({"doc_id": ["a"], "text": [text]}), by=None, min_words=8)
    assert passages[["doc_id_a", "doc_id_b", "words", "within"]].values.tolist() == [["a", "a", 8, True]]


def test_similarity_is_one_for_identical_texts_and_lower_otherwise():
    articles = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["A", "B", "C"], "text": [
        "Iran vowed revenge for the strike.", "Iran vowed revenge for the strike.", "Markets rallied on oil news."]})
    pairs = an.similarity(articles).set_index(["doc_id_a", "doc_id_b"])
    assert pairs.loc[("a", "b"), "similarity"] == pytest.approx(1.0)
    assert pairs.loc[("a", "c"), "similarity"] == pytest.approx(0.0)
    groups = an.group_similarity(an.similarity(articles)).set_index(["outlet_a", "outlet_b"])
    assert groups.loc[("A", "B"), "similarity"] == pytest.approx(1.0) and groups.loc[("B", "A"), "pairs"] == 1


@pytest.mark.needs_shared
def test_shared_passages_find_republished_copy_in_the_allsides_articles():
    from conftest import SHARED

    articles = an.load_articles(SHARED / "data" / "allsides_soleimani" / "jsons", text="content_original",
                                outlet="source", title="title", date="date")
    passages = an.shared_passages(articles)
    across = passages[passages["outlet_a"] != passages["outlet_b"]]
    assert len(across) > 0 and across["words"].max() >= 20


@pytest.mark.needs_shared
def test_skipping_sentences_without_a_speech_verb_or_a_surname_to_resolve_changes_no_attribution(monkeypatch):
    from conftest import SHARED

    import analysis.measures.attribution as attribution

    articles = an.load_articles(SHARED / "data" / "allsides_soleimani" / "jsons", text="content_original",
                                outlet="source", title="title", date="date")
    sentences = an.split_sentences(articles)
    found = attribution.find_attributions(sentences)
    monkeypatch.setattr(attribution, "_may_attribute", lambda text: True)
    monkeypatch.setattr(attribution, "_surnames_to_resolve", lambda table: None)  # every sentence's mentions
    pd.testing.assert_frame_equal(found, attribution.find_attributions(sentences))
    assert len(found) > 1000


def test_frame_shares_count_a_sentence_once_it_holds_min_cues_cues():
    sentences = pd.DataFrame({"doc_id": "a", "outlet": "X", "sent_id": [1, 2, 3], "text": [
        "The conflict became a confrontation.", "A conflict.", "Nothing here."]})
    cues = an.code_frames(sentences)
    one = an.frame_shares(cues, sentences, replicates=50).set_index("frame")
    two = an.frame_shares(cues, sentences, min_cues=2, replicates=50).set_index("frame")
    assert (one.at["conflict", "n"], one.at["conflict", "share"], one.at["conflict", "cues"]) == (2, 2 / 3, 3)
    assert (two.at["conflict", "n"], two.at["conflict", "sentences"]) == (1, 3)


def test_a_quotation_is_not_credited_forward_across_a_sentence_in_the_outlets_own_voice():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "text": [
        "“We will respond.”\nThe weather was cold.\n“It is a crime,” Lavrov said."]}))
    voices = an.quoted_words_by_speaker(an.find_attributions(sentences), sentences).set_index("speaker_group")
    assert voices.at["unattributed", "quoted_words"] == 3
    assert voices.at["Russian officials", "quoted_words"] == 4


def test_group_similarity_counts_each_pair_of_articles_in_a_group_once():
    articles = pd.DataFrame({"doc_id": list("abc"), "outlet": "X",
                             "text": ["war and peace", "war and more war", "peace talks today"]})
    pairs = an.similarity(articles)
    within = an.group_similarity(pairs).iloc[0]
    assert (within["outlet_a"], within["outlet_b"], within["pairs"]) == ("X", "X", 3)
    assert within["similarity"] == pytest.approx(pairs["similarity"].mean(), abs=1e-4)


def test_the_most_used_frame_counts_sentences_across_groups_and_an_empty_table_is_named():
    shares = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "frame": ["conflict", "morality", "conflict", "morality"],
                           "n": [1, 3, 2, 1]})
    assert an.most_used_frame(shares) == "morality"
    with pytest.raises(ValueError, match="frame_shares table is empty"):
        an.most_used_frame(shares.iloc[:0])
