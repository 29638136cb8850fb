"""Facts of the five seed articles that the analysis rests on."""

from __future__ import annotations

import pandas as pd
import pytest

import analysis as an
from conftest import SEEDS, SHARED

SEED_FILES = sorted(p.name for p in SEEDS.glob("*.txt"))


def test_there_are_five_articles_from_five_outlets(articles):
    assert len(articles) == 5
    assert articles["outlet"].nunique() == 5
    assert articles["doc_id"].is_unique


def test_metadata_keeps_the_facts_and_leaves_unknowns_empty():
    metadata = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    assert list(metadata.columns[:9]) == ["file", "outlet", "country", "ownership", "author", "title", "date", "url", "confidence"]
    by_file = metadata.set_index("file")
    assert by_file.loc["001_5a6f585c30d3cdb0.txt", "outlet"] == "TASS"
    assert by_file.loc["001_5a6f585c30d3cdb0.txt", "title"] == ""  # no headline in the file: never invented
    assert by_file.loc["002_7aebcf7ab61dba2b.txt", "ownership"] == ""  # unknown, and not "state-owned"
    assert by_file.loc["003_61711d8cc35d3095.txt", "author"] == "Jack Phillips"
    assert by_file.loc["004_27cceee1a52b0f37.txt", "country"] == "Serbia"
    assert (metadata["confidence"] != "").all()


def test_article_001_has_no_title_and_keeps_its_first_line_as_body(articles):
    tass = articles.set_index("doc_id").loc["001_5a6f585c30d3cdb0"]
    assert pd.isna(tass["title"])
    assert tass["dateline"] == "MOSCOW, January 4. /TASS/."
    assert tass["text"].startswith("Russian Foreign Minister Sergey Lavrov and his Chinese colleague")


def test_no_text_contains_a_no_break_space(articles):
    assert not articles["text"].str.contains("\u00a0").any()


def test_titles_are_not_part_of_the_body(articles):
    for title, text in zip(articles["title"], articles["text"]):
        if isinstance(title, str):
            assert title not in text


def test_the_standfirst_and_crossheads_of_000_are_recorded_and_out_of_the_body(articles):
    removed = an.removed_lines(articles)
    republic = removed[removed["doc_id"] == "000_0a3828b1f3900964"]
    assert republic.loc[republic["rule"] == "standfirst", "line"].tolist() == [5]
    assert republic.loc[republic["rule"] == "crosshead", "line"].tolist() == [13, 19, 27]
    assert articles.loc[0, "standfirst"].startswith("In wake of killing of General Qassem Soleimani")


def test_read_links_do_not_reach_the_body(articles):
    assert not articles["text"].str.contains(r"(?m)^(?:Read|READ|SEE ALSO):").any()


@pytest.mark.needs_shared
@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_files_are_byte_for_byte_copies(name):
    assert (SEEDS / name).read_bytes() == (SHARED / "seeds" / name).read_bytes()


@pytest.mark.needs_shared
def test_no_boilerplate_line_survives_cleaning(articles, boilerplate):
    texts = dict(zip(articles["file"], articles["text"]))
    survivors = []
    for file, categories in boilerplate["boilerplate"].items():
        paragraphs = [" ".join(p.split()) for p in texts[file].split("\n") if p.strip()]
        for category, entries in categories.items():
            for entry in entries:
                line = " ".join(entry["text"].replace("\u00a0", " ").split())
                if any(line in paragraph for paragraph in paragraphs):
                    survivors.append((file, entry["line"], category, line))
    assert survivors == []


@pytest.mark.needs_shared
def test_every_boilerplate_line_is_listed_by_removed_lines(articles, boilerplate):
    removed = an.removed_lines(articles)
    listed = {(f"{doc_id}.txt", line) for doc_id, line in zip(removed["doc_id"], removed["line"])}
    expected = {
        (file, entry["line"])
        for file, categories in boilerplate["boilerplate"].items()
        for entries in categories.values()
        for entry in entries
    }
    assert expected - listed == set()
