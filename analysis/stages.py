"""The per-article stages, each declared once.

A stage is a measure whose result for an article depends on that article alone, so it can run in chunks of
articles, on both cores, from the cache or a processed corpus (analysis/pipeline.py). This table is all the
package knows of them: `an.split_sentences` ... `an.find_attributions` (the public verbs, under each
function's name), their exports, and the tables `process_corpus` writes (under each stage's name) are made
from it. A new per-article measure is the measure and one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from analysis.language.segment import split_sentences
from analysis.measures.agency import classify_agency
from analysis.measures.article_frames import article_frames
from analysis.measures.attribution import find_attributions
from analysis.measures.frames import code_frames
from analysis.measures.sentiment import score_sentences, warn_long_sentences
from analysis.measures.terms import find_terms


def _no_options(group: str) -> dict:
    return {}


@dataclass(frozen=True)
class Stage:
    """One per-article stage: its stored name, its measure, the table it reads, and what is done with its
    whole result."""

    #: The name its results are stored under (the cache's sub-folder, process_corpus' table).
    name: str
    #: The measure: a table of whole articles in (its first argument), a table keeping `doc_id` out.
    function: Callable
    #: The table it takes: "articles", or the name of the stage whose result it takes.
    reads: str = "sentences"
    #: Called on the whole result, computed or read back: a chunk's CorpusWarnings are not said (they would be
    #: lost in a worker or said once per chunk), so a stage that warns says it here, once.
    finish: Callable | None = None
    #: process_corpus' options for the stage, given its `group` column.
    options: Callable[[str], dict] = _no_options


STAGES = (
    Stage("sentences", split_sentences, reads="articles"),
    Stage("scores", score_sentences, finish=warn_long_sentences),
    Stage("terms", find_terms),
    Stage("frames", code_frames),
    Stage("article_frames", article_frames, options=lambda group: {"by": group}),
    Stage("agency", classify_agency),
    Stage("attributions", find_attributions),
)
