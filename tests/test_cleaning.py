"""Boilerplate cleaning: the seeds' boilerplate, and web boilerplate the seeds do not contain."""

from __future__ import annotations

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
    assert cleaned.text.split("\n\n") == ["Speaker Nancy Pelosi Nancy Pelosi (D-Calif.) called the strike provocative.",
                                          "Senate Majority Leader Mitch McConnell defended it."]
    assert cleaned.removed == [(1, "On The Money — Trump signs deal | Senate to vote Thursday MORE", "link_card")]


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
    written, held_out = "42 AllSides pages, rules written against", "12 AllSides pages, held out"
    # The target, 0.95 for both, on the pages the rules were written against (measured 0.996 and 0.958).
    assert scores[written, "precision of removal"] >= 0.95 and scores[written, "recall of removal"] >= 0.95, scores
    # Blind pages: 0.977 and 0.694, embedded posts split over lines being most of what is missed (README, Limitations).
    assert scores[held_out, "precision of removal"] >= 0.95 and scores[held_out, "recall of removal"] >= 0.65, scores


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
