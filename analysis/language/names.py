"""Proper names in a sentence, so that a measure can leave their words out.

VADER scores words, and names are made of words: "United States" (+0.42),
"Supreme National Security Council" (+0.72), "Popular Mobilisation Forces"
(+0.42). `name_spans` finds the words of names by two rules, without a tagger:

- a match of the aliases lexicon (`analysis/data/aliases.csv`, or one given);
- capitalised words: a run of two or more ("Supreme National Security
  Council", with "of", "the", "and", "for" allowed inside: "Secretary of
  State"), or a single one that does not start a sentence, a quotation or a
  clause after a colon (there a capital says nothing about names), nor a
  capitalised stop word there ("Then Tehran answered": only "Tehran").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from analysis.language.grammar import NAME_CONNECTORS
from analysis.language.lexicon import Lexicon
from analysis.language.tokens import stop_words

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
#: Lower-case words allowed inside a name ("Secretary of State"): analysis/data/function_words.csv.
CONNECTORS = NAME_CONNECTORS
#: After one of these (and spaces), a capital starts a sentence, a quotation or a clause, not a name.
OPENERS = frozenset(".!?:;“\"‘'(—–…[")


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _starts_clause(text: str, start: int) -> bool:
    # Step back over the spaces before the word only (as text[:start].rstrip() would, without copying the text
    # before it, which made a long sentence cost the square of its length).
    at = start
    while at and text[at - 1].isspace():
        at -= 1
    return not at or text[at - 1] in OPENERS


def name_spans(text: str, *, aliases: Lexicon | None = None) -> list[tuple[int, int]]:
    """(start, end) of every word that belongs to a proper name in `text`, in order, without overlaps.

    Parameters
    ----------
    text : one sentence.
    aliases : a compiled lexicon of names whose matches count as names too (e.g. load_lexicon(None, default="aliases.csv")).

    Returns a sorted list of word spans.
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    spans: set[tuple[int, int]] = set()
    i = 0
    while i < len(words):
        if not _capitalised(words[i][2]):
            i += 1
            continue
        run = [i]
        j = i + 1
        while j < len(words):
            if _capitalised(words[j][2]):
                run.append(j)
                j += 1
            elif words[j][2].lower() in CONNECTORS and j + 1 < len(words) and _capitalised(words[j + 1][2]):
                run.extend([j, j + 1])
                j += 2
            else:
                break
        if _starts_clause(text, words[i][0]) and words[i][2].lower() in stop_words():
            run = run[1:]  # "Then Tehran answered": a capitalised function word only starts the sentence
            i += 1
            if not run:
                continue
        capitals = [k for k in run if _capitalised(words[k][2])]
        if len(capitals) >= 2 or not _starts_clause(text, words[run[0]][0]):
            spans.update((words[k][0], words[k][1]) for k in run)
        i = j
    if aliases is not None:
        # The words inside each match, found by bisection on the word offsets (not a scan of every word per match).
        starts, ends = [s for s, _, _ in words], [e for _, e, _ in words]
        for start, end, _ in aliases.match(text):
            first, last = bisect_left(starts, start), bisect_right(ends, end)
            spans.update((s, e) for s, e, _ in words[first:last])
    return sorted(spans)


def mask_spans(text: str, spans: list[tuple[int, int]], mask: str) -> str:
    """`text` with each span replaced by `mask` (word positions keep their order)."""
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(text[at:start])
        pieces.append(mask)
        at = end
    pieces.append(text[at:])
    return "".join(pieces)
