"""Paragraphs, sentences, offsets and quotation shares."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import analysis as an
from analysis.language.quotes import quote_spans
from conftest import SHARED


def _articles(text: str, title=None, **extra) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d1"], "title": [title], "text": [text], **{k: [v] for k, v in extra.items()}})


def test_split_sentences_needs_only_doc_id_and_text():
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["x"], "text": ["One here. Two there."]}))
    assert sentences["text"].tolist() == ["One here.", "Two there."]
    assert sentences["section"].tolist() == ["body", "body"]
    assert sentences["sent_id"].tolist() == [1, 2]


def test_the_title_is_one_row_and_body_sentences_follow():
    text = "Lt. Gen. Soleimani was killed on Jan. 3 by a U.S. drone. Iran vowed revenge.\n\nThe U.N. met at 5 p.m. on Friday."
    sentences = an.split_sentences(_articles(text, title="U.S. kills Iran's general", outlet="Daily"))
    assert sentences[["section", "para_id", "sent_id", "text"]].values.tolist() == [
        ["title", 0, 0, "U.S. kills Iran's general"],
        ["body", 1, 1, "Lt. Gen. Soleimani was killed on Jan. 3 by a U.S. drone."],
        ["body", 1, 2, "Iran vowed revenge."],
        ["body", 2, 3, "The U.N. met at 5 p.m. on Friday."],
    ]
    assert (sentences["outlet"] == "Daily").all()


def test_offsets_point_into_the_article_text(articles, sentences):
    texts = dict(zip(articles["doc_id"], articles["text"]))
    body = sentences[sentences["section"] == "body"]
    assert len(body) > 50
    for doc_id, start, end, text in zip(body["doc_id"], body["start"], body["end"], body["text"]):
        assert texts[doc_id][start:end] == text


def test_paragraphs_split_on_one_or_more_newlines():
    paragraphs = an.split_paragraphs(_articles("First para.\nSecond para.\n\n\nThird para."))
    assert paragraphs[["para_id", "text", "start", "end"]].values.tolist() == [
        [1, "First para.", 0, 11], [2, "Second para.", 12, 24], [3, "Third para.", 27, 38],
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('"This is great." she said. Then she left.', ['"This is great." she said.', "Then she left."]),
        ("“We will respond,” he said. Nobody doubted it.", ["“We will respond,” he said.", "Nobody doubted it."]),
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("I never meant that.... She left the store.", ["I never meant that....", "She left the store."]),
        ("It was over . . . . Next day came.", ["It was over . . . .", "Next day came."]),
        ("Sgt. Smith met Col. Jones and Gov. Brown at No. 10.", ["Sgt. Smith met Col. Jones and Gov. Brown at No. 10."]),
        ("She lives in the U.S. How about you?", ["She lives in the U.S.", "How about you?"]),
        ("1. The first item 2. The second item", ["1. The first item", "2. The second item"]),
    ],
)
def test_sentence_rules_punkt_lacks(text, expected):
    assert an.split_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a title just after an opening quotation mark keeps its next word
        ("“Mr. Trump wants to look tough but not get into an actual war,” said Andrew Kydd, a professor.",
         ["“Mr. Trump wants to look tough but not get into an actual war,” said Andrew Kydd, a professor."]),
        ("Susan Rice writes, “Mr. Trump’s ‘maximum pressure campaign’ did not force Iran to capitulate.” Others agreed.",
         ["Susan Rice writes, “Mr. Trump’s ‘maximum pressure campaign’ did not force Iran to capitulate.”", "Others agreed."]),
        ("“Mrs. Pelosi plays three-dimensional checkers,” says Lawrence.", ["“Mrs. Pelosi plays three-dimensional checkers,” says Lawrence."]),
        ("“Sen. McConnell did not agree to that,” a spokesman said.", ["“Sen. McConnell did not agree to that,” a spokesman said."]),
        ("‘Gov. Newsom is wrong,’ she wrote.", ["‘Gov. Newsom is wrong,’ she wrote."]),
        ("“Rep. Omar is right,” he said. “Sens. Paul and Lee agree.”", ["“Rep. Omar is right,” he said.", "“Sens. Paul and Lee agree.”"]),
        # plural titles
        ("And Sens. Rand Paul, R-Ky., and Mike Lee, R-Utah, have said they will support the measure.",
         ["And Sens. Rand Paul, R-Ky., and Mike Lee, R-Utah, have said they will support the measure."]),
        ("GOP Sens. Mike Lee (Utah) and Rand Paul (Ky.) ripped the briefing.", ["GOP Sens. Mike Lee (Utah) and Rand Paul (Ky.) ripped the briefing."]),
        # a bracketed ellipsis before a capital ends a sentence; before lower case, or opening one, it does not
        ("Iran “will respond [...] The time and place will be of our choosing,” he said.",
         ["Iran “will respond [...]", "The time and place will be of our choosing,” he said."]),
        ("The statement said the strike was unlawful […] Tehran reserved the right to respond.",
         ["The statement said the strike was unlawful […]", "Tehran reserved the right to respond."]),
        ("The statement said the strike was [...] unlawful and reckless.", ["The statement said the strike was [...] unlawful and reckless."]),
        ("[...] The statement was read on state television.", ["[...] The statement was read on state television."]),
        # "Mr." at the end of a sentence still ends it, quoted or not
        ("Everyone in the village simply called him Mr. He never said his first name.",
         ["Everyone in the village simply called him Mr.", "He never said his first name."]),
        ("His staff called him “Mr.” He liked it.", ["His staff called him “Mr.”", "He liked it."]),
    ],
)
def test_titles_after_an_opening_quote_and_bracketed_ellipses_split_as_in_news_copy(text, expected):
    assert an.split_text(text) == expected


def test_quote_share_counts_characters_inside_quotation_marks():
    sentences = an.split_sentences(_articles("He called it “a bold step” in public."))
    assert sentences.loc[0, "quote_share"] == pytest.approx(len("“a bold step”") / len("He called it “a bold step” in public."))


def test_a_quotation_left_open_runs_to_the_end_of_its_paragraph_only():
    text = "“China and Russia are partners.\n\n“The parties keep in contact,” Geng said.\n\nGeng added more."
    sentences = an.split_sentences(_articles(text))
    assert sentences["quote_share"].round(3).tolist() == [1.0, round(len("“The parties keep in contact,”") / len("“The parties keep in contact,” Geng said."), 3), 0.0]


def test_straight_double_quotes_pair_up():
    assert quote_spans('He said "no" and "yes".') == [(8, 12), (17, 22)]


def test_apostrophes_are_not_quotations_but_clear_single_quotes_are():
    assert quote_spans("Iran’s allies and the US' friends met.") == []
    assert quote_spans("It condemned the 'military adventurism' of the US.") == [(17, 39)]


def test_a_quotation_spanning_sentences_marks_both(sentences):
    tass = sentences[(sentences["doc_id"] == "001_5a6f585c30d3cdb0") & (sentences["para_id"] == 2)]
    assert (tass["quote_share"] > 0.8).all() and len(tass) == 3


def test_group_columns_are_copied_but_long_texts_are_not():
    articles = _articles("One. Two.", outlet="A", bias="left", content="x" * 1000)
    columns = set(an.split_sentences(articles).columns)
    assert {"outlet", "bias"} <= columns and "content" not in columns


def test_sentences_keep_the_order_of_the_articles(articles, sentences):
    assert list(dict.fromkeys(sentences["doc_id"])) == list(articles["doc_id"])


@pytest.mark.needs_shared
def test_at_least_38_of_the_48_golden_rules_pass():
    rules = json.loads((SHARED / "data" / "sbd_golden_rules" / "pysbd_golden_rules_en.json").read_text(encoding="utf-8"))
    passed = [rule["id"] for rule in rules if [s.strip() for s in an.split_text(rule["text"])] == rule["expected"]]
    assert len(rules) == 48
    assert len(passed) >= 38, f"passed {len(passed)}: {passed}"


def test_repeated_doc_ids_are_refused_by_name():
    with pytest.raises(ValueError, match=r"doc_id must be unique.*'x'"):
        an.split_sentences(pd.DataFrame({"doc_id": ["x", "x"], "text": ["One.", "Two."]}))


def test_a_missing_text_column_is_named():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['text'\]"):
        an.split_sentences(pd.DataFrame({"doc_id": ["x"], "body": ["One."]}))


def test_a_sentence_half_inside_quotation_marks_is_quoted_and_less_is_own_voice():
    from analysis.language.quotes import sentence_voice

    assert list(sentence_voice([0.5, 0.4999, 1.0, 0.0])) == ["quoted", "own", "quoted", "own"]
    sentences = an.split_sentences(pd.DataFrame({"doc_id": ["a"], "text": ["“Ab cd,” said he ok."]}))
    assert sentences.at[0, "quote_share"] == 0.4 and sentences.at[0, "voice"] == "own"


# Texts that exercise each rule of Punkt's decision and its realignment: abbreviations, initials, numbers,
# ellipses, collocations, quotes and brackets after a break, and the white space it looks for.
PUNKT_CASES = [
    "Lt. Gen. Soleimani was killed on Jan. 3 by a U.S. drone. Iran vowed revenge.",
    "He met J. Smith and Dr. Who at 5 p.m. on Friday. They left at 6 a.m. Later, nothing.",
    "The vote was 52.5 per cent. In 2019. it fell. No. 10 said so.",
    "Very bad acting!!! I promise. Really?! Yes... And then . . . nothing.",
    "(Sent one.) Sent two. “Quoted.” Unquoted. 'Single.' [Bracket.] {Brace.} «Guillemet.» Next.",
    "He said \"no.\" Then he left.\tTabbed. Here.\x0bVertical. Tab.\x0cFeed. Line.\rReturn. Here.",
    "A sentence.\nAnother line. Line two.\n\nA new paragraph.",
    " Leading space. Trailing space.   ",
    "etc. etc. e.g. this. i.e. that. vs. them. St. Paul. Inc. Ltd. Co. Corp.",
    "ii. iii. IV. a. b. c. 1. 2. 3. -3. .5 and ,5 and 1,000.",
    "U.S.-led. The U.S.A. is here. The U.K.'s share. Gov.-elect. Mr.-ish.",
    "İstanbul. ıi. Straße. Ǆemal. ſ. The end",
    ". . . . . ... .. . ! ? !? ?! ",
    "",
    "x",
]


def _punkt_fuzz(seed: int, count: int) -> list[str]:
    import random

    rng = random.Random(seed)
    atoms = ["Mr.", "Mrs.", "U.S.", "U.S.A.", "Dr", "etc.", "e.g.", "No.", "J.", "a.", "A.", "1.", "12.5", "3.", "...",
             ". . .", "....", "--", "-", ",", ";", ":", "!", "?", "!!", "\"", "'", "“", "”", "‘", "’", "(", ")", "[",
             "]", "«", "»", "the", "The", "He", "said.", "Iran", "iran.", "But", "however", "It", "it.", "Jan.",
             "Gen.", "p.m.", "St.", "vs.", "ii.", "İ", "ß", "ı", "_", " ", " ", "  ", "\t", "\xa0", "\r", "\n",
             "\x0b", ".", ".", "?", "!", "'s", "@", "*", "&", "`", "%", "5", "2020", "1,000", "-3", ".5"]
    return ["".join(rng.choice(atoms) + rng.choice(["", " ", " "]) for _ in range(rng.randint(1, 20)))
            for _ in range(count)]


def test_punkt_span_tokenize_equals_nltks_punkt_sentence_tokenizer_span_tokenize():
    from analysis.language.segment import _punkt, sentence_tokenizer

    nltk, fast = sentence_tokenizer(), _punkt()
    assert type(fast).__name__ == "_Punkt"  # the shipped configuration is the one it reproduces
    for text in PUNKT_CASES + _punkt_fuzz(12, 3000):
        assert fast.span_tokenize(text) == list(nltk.span_tokenize(text)), text


@pytest.mark.needs_shared
def test_punkt_span_tokenize_equals_nltks_span_tokenize_on_the_golden_rules_and_bbc():
    from analysis.language.segment import _paragraphs, _punkt, sentence_tokenizer

    nltk, fast = sentence_tokenizer(), _punkt()
    rules = json.loads((SHARED / "data" / "sbd_golden_rules" / "pysbd_golden_rules_en.json").read_text(encoding="utf-8"))
    texts = [rule["text"] for rule in rules]
    for path in sorted((SHARED / "data" / "bbc_news" / "bbc").glob("*/*.txt"))[::10]:
        text = path.read_bytes().decode("utf-8", errors="replace")
        texts += [text[start:end] for _, start, end in _paragraphs(text)]
    for text in texts:
        assert fast.span_tokenize(text) == list(nltk.span_tokenize(text)), text


def _quote_spans_by_marks(paragraph: str, starts_open: bool = False) -> list[tuple[int, int]]:
    """quote_spans as it was first written, mark by mark: the reference its regular expressions must equal."""
    import re

    from analysis.language.quotes import _containing, _merged

    spans, opened = [], 0 if starts_open else None
    for mark in re.finditer(r"[“”\"]", paragraph):
        char, at = mark.group(), mark.start()
        if opened is None:
            if char != "”":
                opened = at
        elif char != "“":
            spans.append((opened, at + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(paragraph)))
    doubles = list(spans)
    single = r"(?<![\w’'‘])['‘](?=[^\W\d_])[^\n]{0,300}?(?<=[\w.,!?;:])['’](?![\w’'])"
    spans += [found.span() for found in re.finditer(single, paragraph) if not _containing(doubles, found.start())]
    return _merged(spans)


def test_quote_spans_equal_the_mark_by_mark_reference():
    import random

    rng = random.Random(3)
    characters = "ab A  \"\"“”‘’''.,!?;:\n1_é"
    texts = PUNKT_CASES + ["".join(rng.choice(characters) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        for starts_open in (False, True):
            assert quote_spans(text, starts_open=starts_open) == _quote_spans_by_marks(text, starts_open), text
