"""Corpus descriptions and their plots, on small literal tables."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import analysis as an  # noqa: E402


@pytest.fixture
def tiny():
    articles = pd.DataFrame({
        "doc_id": ["a", "b"], "outlet": ["X", "Y"], "title": ["Head", None],
        "text": ["He called it “a bold step” today. Iran’s army moved.\n\nSecond para here.", "“All of this is quoted.”"],
    })
    return articles, an.split_sentences(articles)


def test_describe_articles_counts_words_paragraphs_and_sentences(tiny):
    articles, sentences = tiny
    sizes = an.describe_articles(articles, sentences)
    assert sizes[["doc_id", "words", "paragraphs", "sentences"]].values.tolist() == [["a", 13, 2, 3], ["b", 5, 1, 1]]  # 7 + 3 + 3 words; 5 words
    assert sizes.loc[1, "quoted_share"] == 1.0


def test_voice_shares_split_own_voice_from_quotation(tiny):
    _, sentences = tiny
    voice = an.voice_shares(sentences).set_index("outlet")
    body_a = "He called it “a bold step” today." + "Iran’s army moved." + "Second para here."
    assert voice.loc["X", "quoted_share"] == pytest.approx(round(len("“a bold step”") / len(body_a), 4))
    assert voice.loc["X", "own_share"] == pytest.approx(1 - voice.loc["X", "quoted_share"])
    assert voice.loc["Y", "quoted_sentences"] == 1 and voice.loc["X", "quoted_sentences"] == 0
    assert voice.loc["X", "sentences"] == 3 and voice.loc["X", "articles"] == 1


def test_count_removals_counts_lines_per_group_and_rule():
    removed = pd.DataFrame({
        "doc_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"],
        "line": [1, 3, 2], "text": ["Advertisement", "Read: more news here", "Advertisement"],
        "rule": ["advertisement", "read_link", "advertisement"],
    })
    counts = an.count_removals(removed)
    assert counts.values.tolist() == [["X", "advertisement", 1, 1], ["X", "read_link", 1, 4], ["Y", "advertisement", 1, 1]]


def test_plot_voice_draws_both_shares_for_every_group(tiny):
    _, sentences = tiny
    voice = an.voice_shares(sentences)
    ax = an.plot_voice(voice)
    widths = sorted(round(patch.get_width(), 2) for patch in ax.patches)
    expected = sorted(round(v * 100, 2) for v in list(voice["own_share"]) + list(voice["quoted_share"]))
    assert widths == expected
    assert any("n = 1 art." in label.get_text() for label in ax.get_yticklabels())


def test_plot_removals_writes_each_count_in_its_cell():
    counts = pd.DataFrame({"outlet": ["X", "X", "Y"], "rule": ["advertisement", "read_link", "advertisement"], "n": [2, 1, 5]})
    ax = an.plot_removals(counts)
    assert sorted(text.get_text() for text in ax.texts) == ["1", "2", "5"]


def test_count_removals_lists_the_most_frequent_rule_of_each_group_first():
    removed = pd.DataFrame({"doc_id": "a", "outlet": ["X", "X", "X"], "line": [1, 2, 3],
                            "text": ["Share", "Advertisement", "Advertisement"],
                            "rule": ["share_widget", "advertisement", "advertisement"]})
    counts = an.count_removals(removed)
    assert counts[["rule", "n"]].values.tolist() == [["advertisement", 2], ["share_widget", 1]]
