"""Boilerplate cleaning: the seeds' boilerplate, and web boilerplate the seeds do not contain."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

import analysis as an
from analysis.corpus.clean import clean_article, load_rules
from conftest import write_corpus

PROSE = [
    "Iran vowed revenge after the strike killed its top general on Friday.",
    "“We will respond,” the foreign minister said in a statement.",
    "By Friday evening, the U.S. had sent more troops to the region.",
    "More than 60 people were killed in the protests, officials said.",
    "Copyright lawyers were not involved in the case, he added.",
]

UNSEEN_BOILERPLATE = [
    ("Share on Facebook", "share_widget"),
    ("Facebook Twitter WhatsApp Email", "share_widget"),
    ("Share this story", "share_widget"),
    ("Follow us on Twitter", "follow_prompt"),
    ("12 Comments", "comment_widget"),
    ("Join the conversation", "comment_widget"),
    ("Related: Iran fires missiles at US bases", "read_link"),
    ("Read more: What we know about the drone strike", "read_link"),
    ("RELATED STORIES", "related_block"),
    ("Advertisement", "advertisement"),
    ("Story continues below advertisement", "advertisement"),
    ("Listen to this article", "listen_widget"),
    ("Sign up for our daily newsletter to get the latest headlines", "newsletter_prompt"),
    ("Get our Morning Briefing newsletter in your inbox", "newsletter_prompt"),
    ("Tags: Iran, Iraq, Soleimani", "tags_line"),
    ("© 2020 Reuters. All rights reserved.", "copyright_line"),
    ("Copyright 2020 The Associated Press.", "copyright_line"),
    ("Photo: Reuters/Thaier al-Sudani", "photo_credit"),
    ("Image copyright Getty Images", "photo_credit"),
    ("Media playback is unsupported on your device", "media_placeholder"),
    ("5 min read", "reading_time"),
    ("Reading time: 4 minutes", "reading_time"),
    ("(Reporting by Ahmed Rasheed; Editing by Peter Graff)", "wire_credit"),
    ("By John Smith and Jane Doe, Reuters", "byline"),
]


def _article(lines: list[str]) -> str:
    return "\n\n".join(lines)


@pytest.mark.parametrize("line, rule", UNSEEN_BOILERPLATE, ids=[rule + ":" + line[:20] for line, rule in UNSEEN_BOILERPLATE])
def test_common_web_boilerplate_is_removed_by_the_named_rule(line, rule):
    cleaned = clean_article(_article([PROSE[0], line, PROSE[1]]), title="Iran vows revenge")
    assert cleaned.text == _article([PROSE[0], PROSE[1]])
    assert [(number, text, name) for number, text, name in cleaned.removed] == [(3, line, rule)]


def test_prose_that_resembles_boilerplate_is_kept():
    cleaned = clean_article(_article(PROSE), title="A headline")
    assert cleaned.text == _article(PROSE)
    assert cleaned.removed == []


def test_title_byline_bio_and_caption_are_removed_using_the_metadata():
    raw = _article([
        "Iran vows revenge",
        "Jane Roe",
        "Protesters burn flags in Tehran on Jan. 4, 2020. Vahid Salemi via AP",
        PROSE[0],
        PROSE[1],
        "Iran vows revenge",
        "Jane Roe is a foreign affairs correspondent based in Beirut.",
    ])
    cleaned = clean_article(raw, title="Iran vows revenge", author="Jane Roe")
    assert cleaned.text == _article(PROSE[:2])
    assert [rule for _, _, rule in cleaned.removed] == ["title", "author_line", "photo_caption", "title", "author_bio"]


@pytest.mark.parametrize(
    "first, dateline",
    [
        ("WASHINGTON (Reuters) - The Pentagon confirmed the strike.", "WASHINGTON (Reuters) -"),
        ("BAGHDAD — The Pentagon confirmed the strike.", "BAGHDAD —"),
        ("MOSCOW, January 4. /TASS/. The Pentagon confirmed the strike.", "MOSCOW, January 4. /TASS/."),
        ("LONDON, Jan 3 (AP) — The Pentagon confirmed the strike.", "LONDON, Jan 3 (AP) —"),
    ],
)
def test_a_dateline_prefix_is_cut_from_the_body_and_kept_aside(first, dateline):
    cleaned = clean_article(_article([first, PROSE[1]]))
    assert cleaned.dateline == dateline
    assert cleaned.text.startswith("The Pentagon confirmed the strike.")
    assert (1, dateline, "dateline") in cleaned.removed


@pytest.mark.parametrize("first", ["U.S. forces killed him on Friday.", "NATO said the strike was lawful."])
def test_a_sentence_starting_with_capitals_is_not_a_dateline(first):
    cleaned = clean_article(_article([first, PROSE[1]]))
    assert cleaned.dateline == "" and cleaned.text.startswith(first)


def test_short_unpunctuated_lines_are_named_by_where_they_stand():
    raw = _article(["World News", "Jane Roe | Beirut", PROSE[0], "A crosshead here", PROSE[1], "An unrelated teaser at the end"])
    rules = {text: rule for _, text, rule in clean_article(raw, author="Jane Roe").removed}
    assert rules == {
        "World News": "section_label", "Jane Roe | Beirut": "byline",
        "A crosshead here": "crosshead", "An unrelated teaser at the end": "trailer",
    }


def test_a_sentence_between_title_and_byline_is_the_standfirst():
    raw = _article(["Headline", "A standfirst that sums up the story.", "By Jane Roe", PROSE[0]])
    cleaned = clean_article(raw, title="Headline")
    assert cleaned.standfirst == "A standfirst that sums up the story."
    assert cleaned.text == PROSE[0]


def test_list_items_are_kept_although_short_and_unpunctuated():
    raw = _article([PROSE[0], "- Increased spending on health", "- Duty cuts on capital goods", PROSE[1]])
    assert clean_article(raw).text == raw


def test_layout_rules_never_empty_an_article():
    assert clean_article("Short note without full stop").text == "Short note without full stop"


def test_custom_rules_replace_the_shipped_ones(tmp_path):
    rules = pd.DataFrame({"name": ["house_promo"], "pattern": [r"download our app.*"], "note": ["x"]})
    cleaned = clean_article(_article([PROSE[0], "Download our app now", "Advertisement"]), rules=an.load_rules(rules))
    assert [rule for _, _, rule in cleaned.removed] == ["house_promo", "trailer"]


def test_a_bad_rule_pattern_is_named():
    with pytest.raises(ValueError, match="broken"):
        an.load_rules(pd.DataFrame({"name": ["broken"], "pattern": ["(unclosed"]}))


def test_removed_lines_lists_every_dropped_line_with_its_rule(tmp_path):
    from conftest import write_corpus

    folder = write_corpus(
        tmp_path / "c", {"a.txt": _article(["Iran vows revenge", "Advertisement", PROSE[0]])},
        "file,outlet,title\na.txt,X,Iran vows revenge\n",
    )
    removed = an.removed_lines(an.load_articles(folder))
    assert removed[["doc_id", "outlet", "file", "line", "text", "rule"]].to_dict("records") == [
        {"doc_id": "a", "outlet": "X", "file": "a.txt", "line": 1, "text": "Iran vows revenge", "rule": "title"},
        {"doc_id": "a", "outlet": "X", "file": "a.txt", "line": 3, "text": "Advertisement", "rule": "advertisement"},
    ]


REAL_PAGE_LINES = [
    # (rule, line): furniture of real pages, written for these tests in the style of AP, Reuters, BBC, Fox, The Hill
    ("wire_caption", "FILE - In this Jan. 3, 2020, file photo, protesters burn a U.S. flag during a demonstration in Tehran, Iran."),
    ("wire_caption", "Iraqi security forces stand guard near the burned embassy wall, Wednesday, Jan. 1, 2020. (AP Photo/Nasser Nasser)"),
    ("photo_caption", "Mourners gather in Ahvaz on Sunday. (Photo by ATTA KENARE/AFP via Getty Images)"),
    ("media_player", "Media playback is unsupported on your device Media caption Jeremy Bowen in Baghdad: shock and anger"),
    ("photo_credit", "Video: Pompeo says the strike saved American lives"),
    ("read_link", "Watch: Pompeo says the strike saved American lives"),
    ("contributed", "Fox News' Rich Edson, Lucas Tomlinson and The Associated Press contributed to this report."),
    ("contributed", "Associated Press writers Zeke Miller and Lolita C. Baldor in Washington contributed."),
    ("contributed", "Reuters staff in Baghdad contributed reporting."),
    ("author_bio_follow", "Jane Doe covers national security for The Daily. Follow her on Twitter @jdoe."),
    ("author_bio_follow", "John Roe writes about foreign policy and the Middle East."),
    ("timestamp_line", "11:48 a.m. EST"),
    ("slideshow", "Slideshow (2 Images)"),
    ("contact_prompt", "Write to W.J. Hennigan at wj.hennigan@time.com."),
    ("print_edition", "This article appears in the January 27, 2020, print edition."),
    ("divider", "___"),
    ("credit_caption", "Mourners carry a coffin through Karbala on Saturday [File: Jane Roe/ Reuters]"),
    ("credit_caption", "A portrait of the general hangs in Tehran, January 5, 2020. (John Doe/AP)"),
    ("credit_caption", "Jane Roe/AP Protesters gather outside the embassy compound in Baghdad on Tuesday."),
    ("signup_terms", "Get our best stories in your inbox. By signing up, you agree to our Privacy Policy."),
    ("print_edition", "• This article is based in part on wire-service reports."),
    ("reader_appeal", "Your financial contribution will not constitute a donation. Please consider making a contribution today."),
    ("reader_appeal", "Support The Daily's independent journalism"),
    ("contributed", "Jane Roe and John Doe contributed."),
    ("licensing_note", "Content created by the News Foundation is available without charge to any eligible news publisher."),
    ("developing_story", "This is a developing story. Check back for updates."),
    ("signup_pitch", "The Daily is a nonprofit newsroom. Sign up to receive our biggest stories as soon as they're published."),
    ("contributed", "⦁ Jane Roe reported from Baghdad."),
    ("credit_caption", "Lawmakers leave a classified briefing at the Capitol in Washington, Jan. 8, 2020. Jane Roe/Reuters"),
    ("credit_caption", "President Trump speaks at the White House in Washington, U.S., January 8, 2020. REUTERS/John Doe"),
    ("scene_caption", "Mourners hold portraits of the general during a funeral procession in Ahvaz, Iran."),
    ("scene_caption", "A woman weeps as she attends a vigil for the crash victims in Toronto on Jan. 9, 2020."),
    ("scene_caption", "Iraqi protesters march toward the embassy compound on January 1."),
]
PROSE_THAT_LOOKS_LIKE_FURNITURE = [
    "The Senate vote ran along party lines (51/49), AP reported.",
    "• Officials said the base was hit by at least 15 missiles.",
    "Many factors contributed.",
    "Analysts said the drone strike contributed to a dangerous escalation in the region.",
    "Kenneth Pollack is a resident scholar at the American Enterprise Institute, who warned of retaliation.",
    "Iraq's parliament voted on Sunday; watch: the vote could force U.S. troops to leave.",
    "The photo showed the wreckage of two cars on the airport road.",
    "At 1 a.m. local time, the missiles struck the base.",
    "Write to your representative, the senator urged voters at the rally.",
    "Trump told supporters: \"Your support will be remembered.\"",
    "Voters can sign up for the primary by Friday.",
    "Many factors, including the weather, contributed.",
    # present tense that is not a photo's scene: no event or date, past tense, a quotation, a comma in the subject
    "The United States stands ready to respond, the Pentagon warned.",
    "Protesters chanted during the march on January 3.",
    "Thousands joined the rally during the funeral on Monday.",
    "In January, Sanders held 39 rallies in 13 states during the primary.",
    "\"We stand together during this crisis,\" the minister said on Jan. 4.",
    "Tom Howell reported from Baghdad that the embassy was quiet.",
    "The poll was conducted on Jan. 6 by Reuters/Ipsos.",
]


@pytest.mark.parametrize("rule, line", REAL_PAGE_LINES, ids=[f"{r}:{line[:30]}" for r, line in REAL_PAGE_LINES])
def test_real_page_furniture_is_removed_by_its_rule(rule, line):
    assert load_rules().match(line) == rule


@pytest.mark.parametrize("line", PROSE_THAT_LOOKS_LIKE_FURNITURE)
def test_prose_that_looks_like_furniture_is_kept(line):
    assert load_rules().match(line) is None


def test_the_hills_inline_link_card_is_cut_and_the_sentence_around_it_kept():
    raw = ("Speaker Nancy Pelosi Nancy PelosiOn The Money — Trump signs deal | Senate to vote Thursday MORE (D-Calif.) "
           "called the strike provocative.\n\nSenate Majority Leader Mitch McConnell defended it.")
    cleaned = clean_article(raw, rules=load_rules())
    assert cleaned.text.split("\n\n") == ["Speaker Nancy Pelosi (D-Calif.) called the strike provocative.",
                                          "Senate Majority Leader Mitch McConnell defended it."]
    assert cleaned.removed == [(1, "Nancy PelosiOn The Money — Trump signs deal | Senate to vote Thursday MORE", "link_card")]


def test_a_link_card_without_a_repeated_name_is_cut_by_the_inline_rule():
    raw = "Rep. Ryan Costello Ryan Anthony CostellloFormer GOP Rep. Costello launches lobbying shop MORE (R-Pa.) replied."
    cleaned = clean_article(raw)
    assert cleaned.text == "Rep. Ryan Costello Ryan Anthony Costelllo (R-Pa.) replied."  # the card misspells him
    assert cleaned.removed == [(1, "Former GOP Rep. Costello launches lobbying shop MORE", "link_card")]


HOVER_CARDS = [
    # (line as scraped, line as kept): The Hill's hover cards, as its pages reach a scraper
    ("President Trump Donald John Trump on Friday said Maj. Gen. Qassem Soleimani was plotting attacks.",
     "President Trump on Friday said Maj. Gen. Qassem Soleimani was plotting attacks."),
    ("A high-profile debate over President Trump Donald John Trump’s war powers is fueling a feud.",
     "A high-profile debate over President Trump’s war powers is fueling a feud."),
    ("President Trump Donald John TrumpDem senators unveil resolution to rein in Trump on Iran MORE said Wednesday "
     "that he has instructed the Navy to act.", "President Trump said Wednesday that he has instructed the Navy to act."),
    ("“It would become law,” Sen. Lindsey Graham Lindsey Olin Graham (R-S.C.) told radio host Michael Medved.",
     "“It would become law,” Sen. Lindsey Graham (R-S.C.) told radio host Michael Medved."),
    ("Sens. Rand Paul Randal (Rand) Howard Paul (R-Ky.) and Mike Lee Michael (Mike) Shumway Lee (R-Utah) emerged.",
     "Sens. Rand Paul (R-Ky.) and Mike Lee (R-Utah) emerged."),
    ("Senate Majority Leader Mitch McConnell Addison (Mitch) Mitchell McConnellSenate GOP blocks war powers vote "
     "MORE (R-Ky.) hasn’t tipped his hand.", "Senate Majority Leader Mitch McConnell (R-Ky.) hasn’t tipped his hand."),
    ("Armed Services Chairman John McCain John Sidney McCainAll the frontrunners could survive initial Iowa test "
     "Mellman: Democrats — Buckle up for a wild ride MORE (Ariz.) is skeptical.",
     "Armed Services Chairman John McCain (Ariz.) is skeptical."),
    ("Rep. Lori Trahan Lori A. Trahan'Minor league cities' need new federal partnership MORE (Mass.) backs it.",
     "Rep. Lori Trahan (Mass.) backs it."),
    ("It renewed scrutiny of former Vice President Joe Biden Joe Biden Parnas: U.S. ambassador removed to clear path "
     "for investigations MORE, the front-runner.", "It renewed scrutiny of former Vice President Joe Biden, the front-runner."),
    ("Defense Secretary Mark Esper Mark Esper, Secretary of State Mike Pompeo Michael (Mike) Richard Pompeo and CIA "
     "Director Gina Haspel Gina Cheri Haspel briefed them.",
     "Defense Secretary Mark Esper, Secretary of State Mike Pompeo and CIA Director Gina Haspel briefed them."),
    ("New York Mayor Bill de Blasio Bill de Blasio said the city was on alert.", "New York Mayor Bill de Blasio said the city was on alert."),
    ("Critics of President Trump Donald John Trump’s Iran policy were quick to respond.",
     "Critics of President Trump’s Iran policy were quick to respond."),
]
NOT_HOVER_CARDS = [
    "“Trump Trump Trump,” the crowd chanted as the president took the stage.",
    "Sirhan Bishara Sirhan was convicted of the assassination in 1969.",
    "The rally was organised by President Trump Trump’s campaign.",
    "Trump, Donald Trump, said the chant, and Trump smiled.",
    "The USA wants no more threats! said President Trump, WE WANT NO MORE WARS.",
    "Rep. Ryan Costello, Ryan Anthony and Costello’s aides declined to comment.",
    # capitalised titles that repeat a word (BBC News; a headline glued to its article's first line)
    "Dame Judi Dench, who starred in All's Well That Ends Well at the Gielgud, lost out to Amanda Harris.",
    "Manchin, Murkowski United In Opposition To The Green New Deal The top lawmakers were unified.",
    "Scientist Bullied By Students For Climate Change Heresies Speaks Out Climate scientist Cliff Mass is speaking.",
    "Readers who Sign Up For Daily Newsletters Manage Newsletters from one page, the company said.",
]


@pytest.mark.parametrize("line, kept", HOVER_CARDS, ids=[line[:30] for line, _ in HOVER_CARDS])
def test_a_hover_card_repeating_a_name_in_full_is_cut_and_the_sentence_kept(line, kept):
    cleaned = clean_article(_article([line, PROSE[0]]))
    assert cleaned.text == _article([kept, PROSE[0]])
    assert {rule for _, _, rule in cleaned.removed} == {"link_card"}
    assert all(number == 1 for number, _, _ in cleaned.removed)


@pytest.mark.parametrize("line", NOT_HOVER_CARDS)
def test_a_name_repeated_in_prose_is_not_a_hover_card(line):
    cleaned = clean_article(_article([line, PROSE[0]]))
    assert cleaned.text == _article([line, PROSE[0]]) and cleaned.removed == []


def test_an_ap_dateline_under_a_photo_caption_is_cut_into_the_dateline():
    raw = ("FILE - In this Jan. 4, 2020, file photo, mourners march in Baghdad. (AP Photo/Khalid Mohammed)\n\n"
           "WASHINGTON (AP) — President Donald Trump said the strike was justified.")
    cleaned = clean_article(raw, rules=load_rules())
    assert cleaned.dateline == "WASHINGTON (AP) —"
    assert cleaned.text == "President Donald Trump said the strike was justified."


def test_a_folder_corpus_without_a_title_column_takes_each_files_first_line_as_title(tmp_path):
    folder = write_corpus(tmp_path / "c", {"a.txt": "Iran vows revenge\n\nIran said it would respond. It gave no date."},
                          "file,outlet\na.txt,BBC\n")
    articles = an.load_articles(folder)
    assert articles.at[0, "title"] == "Iran vows revenge"
    assert articles.at[0, "text"] == "Iran said it would respond. It gave no date."
    assert an.removed_lines(articles)[["line", "rule"]].values.tolist() == [[1, "title"]]
    one_line = write_corpus(tmp_path / "d", {"a.txt": "Iran said it would respond."}, "file,outlet\na.txt,BBC\n")
    assert pd.isna(an.load_articles(one_line).at[0, "title"])  # a lone line is the body, not a headline


def test_an_inline_rule_in_a_users_file_needs_a_known_scope():
    rules = pd.DataFrame({"name": ["card"], "pattern": ["MORE"], "scope": ["inside"]})
    with pytest.raises(ValueError, match=r"scope must be 'line' or 'inline', not \['inside'\]"):
        load_rules(rules)


@pytest.mark.needs_shared
def test_cleaning_agrees_with_hand_labelled_lines_of_real_pages():
    from analysis.measures.validation import validate_cleaning
    from conftest import SHARED

    scores = validate_cleaning(SHARED / "data").set_index(["data", "metric"])["value"]
    original, written, held_out = ("30 AllSides pages, labelled first", "54 AllSides pages, rules written against",
                                   "12 AllSides pages, held out")
    # The target, 0.95 for both, on its 30 pages and on all the pages the rules were written against.
    for part in (original, written):
        assert scores[part, "precision of removal"] >= 0.95 and scores[part, "recall of removal"] >= 0.95, scores
    # Blind pages, never used to write a rule: measured once (README, Limitations).
    assert scores[held_out, "precision of removal"] >= 0.95 and scores[held_out, "recall of removal"] >= 0.85, scores


def test_key_points_above_a_site_prompt_at_the_top_are_the_standfirst():
    bullets = ["Iran fired missiles at two bases in Iraq on Wednesday.", "No US troops were hurt, officials said."]
    raw = "\n\n".join(bullets + ["Visit The Daily's homepage for more stories.", PROSE[0], PROSE[1]])
    cleaned = clean_article(raw)
    assert [rule for _, _, rule in cleaned.removed] == ["standfirst", "standfirst", "site_prompt"]
    assert cleaned.text == PROSE[0] + "\n\n" + PROSE[1]


@pytest.mark.parametrize("line, heading", [
    ("Pelosi is still building the argument against the Senate's handling of the trial — to mixed success", True),
    ("Exasperation with U.S.", True),
    ("He flew back to the U.S. on Friday.", False),
    ('Asked whether the charges, passed three weeks ago, were urgent, she replied: "I think we should move smartly"', False),
])
def test_a_longer_line_alone_between_paragraphs_is_a_heading_unless_it_quotes(line, heading):
    cleaned = clean_article("\n\n".join([PROSE[0], line, PROSE[1]]))
    assert ([rule for _, _, rule in cleaned.removed] == ["crosshead"]) is heading


def test_a_long_line_continued_in_lower_case_is_a_broken_paragraph_not_a_heading():
    raw = "\n\n".join([PROSE[0], "There is no getting away from the fact that should military action begin the risk of some kind of",
                        "regional blowback would be profound indeed.", PROSE[1]])
    assert clean_article(raw).removed == []


def test_a_closing_line_about_the_author_is_their_bio_and_one_about_someone_else_is_kept():
    body = [PROSE[0], PROSE[1]]
    bio = clean_article("\n\n".join(body + ["Jane Roe is the host of “Roe Tonight” on CNN."]), author="Jane Roe, Staff")
    other = clean_article("\n\n".join(body + ["John Bolton is a former national security adviser."]), author="Jane Roe")
    assert [rule for _, _, rule in bio.removed] == ["author_bio"]
    assert other.removed == [] and other.text.endswith("former national security adviser.")


def test_the_lines_of_an_embedded_post_set_wider_apart_than_paragraphs_go_with_its_signature():
    post = ["We must do more than stop a war.", "We must bring the troops home.",
            "We must end the war in Yemen. — Jane Roe (@janeroe) January 3, 2020"]
    raw = (PROSE[0] + "\n\n" + "\n\n\n\n".join(post) + "\n\n" + PROSE[1] + "\n\n" + PROSE[2])
    cleaned = clean_article(raw)
    assert [(line, rule) for line, _, rule in cleaned.removed] == [(3, "embedded_post"), (7, "embedded_post"),
                                                                 (11, "embedded_post")]
    assert cleaned.text.split("\n\n") == [PROSE[0], PROSE[1], PROSE[2]]
    # Set apart like every paragraph, the line above a post is the outlet's own introduction of it, and stays.
    same_gap = clean_article("\n\n".join([PROSE[0], post[1], post[2], PROSE[1]]))
    assert [rule for _, _, rule in same_gap.removed] == ["embedded_post"]


def test_lines_between_two_summary_bullets_at_the_top_belong_to_the_summary():
    body = ["Gulf leaders are flying around the world to contain the fallout of the strike on Friday.",
            "Many in the region say Washington has become a liability after years of erratic policy.",
            "Officials in Riyadh and Abu Dhabi said they had not been warned before the drone strike."]
    summary = [body[0], "Their worry is an old one, and it has grown.", body[2]]
    cleaned = clean_article("\n\n".join(summary + body))
    assert [rule for _, _, rule in cleaned.removed] == ["standfirst"] * 3
    assert cleaned.text.split("\n\n") == body


@pytest.mark.needs_shared
def test_keyword_prefilters_never_change_which_rule_a_line_matches():
    """The shipped rules skip a pattern whose keywords are absent; every line of three corpora gets the rule that
    matching every pattern in full would give (`keywords` in analysis/data/boilerplate.csv)."""
    import json

    from conftest import SHARED

    from analysis.corpus.clean import _SPACE_RUN
    from analysis.corpus.decode import normalise_text

    texts = [path.read_text(encoding="latin-1") for path in sorted((SHARED / "data/bbc_news/bbc").glob("*/*.txt"))]
    texts += [json.loads(path.read_text(encoding="utf-8"))["content_original"]
              for path in sorted((SHARED / "data/allsides_soleimani/jsons").glob("*.json"))]
    texts += [line for _, line in REAL_PAGE_LINES] + [line for line, _ in UNSEEN_BOILERPLATE] + PROSE_THAT_LOOKS_LIKE_FURNITURE
    rules = load_rules()
    unfiltered = replace(rules, line=tuple((name, pattern, ()) for name, pattern, _ in rules.line))
    lines = {_SPACE_RUN.sub(" ", line).strip() for text in texts for line in normalise_text(text).split("\n")} - {""}
    matched = {rules.match(line) for line in lines}
    assert {name for name, _, keywords in rules.line if keywords} <= matched  # every filtered rule is exercised
    assert [line for line in sorted(lines) if rules.match(line) != unfiltered.match(line)] == []


def test_a_users_rule_can_name_keywords_and_is_skipped_where_none_is_found():
    rules = load_rules(pd.DataFrame({"name": ["promo"], "pattern": [".{0,80}\\bpromo code\\b.*"],
                                     "keywords": ["promo code|coupon"]}))
    assert rules.match("Use promo code IRAN20 at checkout") == "promo"
    assert rules.line[0][2] == ("promo code", "coupon")
    assert rules.match("The promotion was coded in red.") is None


# A Wikinews-style interview: an introduction that reads like a bio, then short questions between the answers.
INTERVIEW = [
    "Jane Roe is an Iranian-American journalist and author who reported from Tehran for a decade. Wikinews spoke "
    "to her about the killing of Qassem Soleimani and what may come next.",
    "Why did you leave Iran?",
    "I left in 2009, after the election protests. Many of my colleagues were arrested that summer.",
    "What was Soleimani's reputation inside Iran?",
    "He was seen as a war hero by many Iranians, even by people who disliked the government.",
    "Do you expect a war?",
    "No. Both sides want to avoid one, but mistakes happen, and they happen fast.",
    "What should Washington do now?",
    "Talk. There is no other way out of this, and there never was.",
]
# An explainer: its short questions are subheadings, answered in the third person; a question inside a paragraph stays.
EXPLAINER = [
    "The US killed Iran's top general in a drone strike near Baghdad airport on Friday.",
    "What does Iran say?",
    "Was it legal? Iran's foreign minister called the strike an act of international terrorism.",
    "What does it mean for you?",
    "Oil prices rose 4% on Friday, and analysts expect petrol to cost more within weeks.",
    "What happens next?",
    "The Pentagon has sent 3,000 more troops to the region. Will Iran strike back before they arrive?",
]


def test_an_interviewers_short_questions_between_answers_are_kept():
    cleaned = clean_article(_article(INTERVIEW), title="Wikinews interviews journalist Jane Roe")
    assert cleaned.removed == []
    assert cleaned.text == _article(INTERVIEW)


def test_an_interview_is_told_by_answers_in_the_first_person_as_well():
    questions = ["Is that on the record?", "What lessons did Iraq learn from its war with Iran?"]
    lines = [PROSE[0], questions[0], "Yeah, that’s on the record.", questions[1], "We learned that nobody wins a war.",
             PROSE[1]]
    assert clean_article(_article(lines)).removed == []


def test_an_explainers_question_subheadings_are_still_crossheads_and_questions_in_paragraphs_stay():
    cleaned = clean_article(_article(EXPLAINER))
    assert [(text, rule) for _, text, rule in cleaned.removed] == [
        ("What does Iran say?", "crosshead"), ("What does it mean for you?", "crosshead"),
        ("What happens next?", "crosshead")]
    assert cleaned.text == _article(EXPLAINER[0::2])


def test_an_introduction_that_reads_like_a_bio_is_kept_above_the_body_and_a_bio_at_the_end_is_removed():
    intro = INTERVIEW[0]
    bio = "Jane Roe is a freelance journalist based in Istanbul."
    cleaned = clean_article(_article([intro, PROSE[0], PROSE[1], bio]))
    assert cleaned.text == _article([intro, PROSE[0], PROSE[1]])
    assert [(text, rule) for _, text, rule in cleaned.removed] == [(bio, "author_bio")]
    # covers ... for ...: the other bio pattern, and the metadata author's structural one, likewise
    covers = "John Doe covers the Middle East for Radio Free Europe. He spoke to Wikinews from Prague."
    assert clean_article(_article([covers, PROSE[0], PROSE[1]])).removed == []
    host = "Jane Roe is the host of “Roe Tonight” on CNN, and she interviewed the foreign minister on Monday."
    assert clean_article(_article([PROSE[0], host, PROSE[1], PROSE[2]]), author="Jane Roe").removed == []


def test_a_bio_at_the_end_followed_only_by_furniture_is_still_a_bio():
    lines = [PROSE[0], PROSE[1], "Daniel Roe is a senior correspondent at The Daily. Follow him on Twitter @droe.",
             "© 2020 The Daily. All rights reserved."]
    assert [rule for _, _, rule in clean_article(_article(lines)).removed] == ["author_bio", "copyright_line"]
    # A prompt to follow the author is furniture wherever it stands.
    top = [PROSE[0], "John Roe writes about foreign policy. Follow him on Twitter @jroe.", PROSE[1]]
    assert [rule for _, _, rule in clean_article(_article(top)).removed] == ["author_bio_follow"]
